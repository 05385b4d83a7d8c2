"""The bitwise family on swiftgrad: bitwise_and/or/xor/not and the shifts, gcd, lcm, bincount,
tril_indices/triu_indices, empty_strided, fill and zero_ as torch functions, the operators.

- The cases of bitwise_cases.py against PyTorch's results stored in data/bitwise_reference.json
  (written by scripts/bitwise_reference.py): every pair of dtypes, Python numbers, 0-d operands,
  in-place forms, shift and divisor edges, error messages. Integer values compare exactly.
- Where swiftgrad deliberately differs from PyTorch 2.15 (PyTorch overflows or traps), the exact
  answer worked out by hand.
- Large tensors (the kernels' parallel loops) against Python's own integer arithmetic.
"""
import importlib.util
import json
import math
import pathlib
import re

import pytest

import swiftgrad as torch

HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bitwise_cases", HERE / "bitwise_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE = json.loads((HERE / "data" / "bitwise_reference.json").read_text())["cases"]


def _without_allocator_details(message):
    """PyTorch's out-of-memory message without what names its C++ source line and errno
    ("[enforce fail at alloc_cpu.cpp:127] err == 0. ", " Error code 12 (...)"), which swiftgrad
    does not repeat; other values unchanged."""
    if isinstance(message, str) and "DefaultCPUAllocator" in message:
        message = re.sub(r"\[enforce fail at [^\]]*\] err == 0\. ", "", message)
        message = re.sub(r" Error code \d+ \([^)]*\)$", "", message)
    return message


def _differences(got, want, path, out):
    """Appends to `out` where an encoded result differs from PyTorch's: tensors by shape, dtype
    and values (exact for integers and bools, 1e-6 relative for floats), everything else
    exactly."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            out.append(f"{path}: {got!r}\n  PyTorch: a tensor {want}")
        elif (got["shape"], got["dtype"]) != (want["shape"], want["dtype"]):
            out.append(f"{path}: {got['shape']} {got['dtype']}, PyTorch gives {want['shape']} {want['dtype']}")
        else:
            for i, (g, w) in enumerate(zip(got["values"], want["values"])):
                if isinstance(w, float):
                    if not (g == w or (math.isnan(w) and math.isnan(g)) or abs(g - w) <= 1e-6 * abs(w)):
                        out.append(f"{path}[{i}]: {g}, PyTorch gives {w}")
                elif g != w or type(g) is not type(w):
                    out.append(f"{path}[{i}]: {g!r}, PyTorch gives {w!r}")
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            out.append(f"{path}: {got!r}\n  PyTorch: {want!r}")
        else:
            for i, (g, w) in enumerate(zip(got, want)):
                _differences(g, w, f"{path}[{i}]", out)
    elif got != _without_allocator_details(want):
        out.append(f"{path}: {got!r}\n  PyTorch: {want!r}")


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_against_pytorch(name):
    got = {key: cases.encode(value) for key, value in cases.CASES[name](torch).items()}
    reference = REFERENCE[name]
    assert sorted(got) == sorted(reference), f"{name}: results {sorted(set(got) ^ set(reference))} differ"
    out = []
    for key in sorted(reference):
        _differences(got[key], reference[key], f"{name}[{key!r}]", out)
    assert not out, f"{len(out)} differences:\n" + "\n".join(out[:40])


# ---- where swiftgrad differs from PyTorch 2.15 on purpose -----------------------------------------

def test_in_place_with_a_floating_operand_is_refused():
    # As PyTorch: the promoted dtype (Float) is checked against the tensor's before the op runs,
    # so the error is the cast's, not the op's refusal of a floating result; x is untouched.
    for name in ("bitwise_and_", "bitwise_left_shift_", "gcd_"):
        x = torch.tensor([1, 2])
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long") as error:
            getattr(x, name)(torch.tensor([2.5]))
        assert error.value.status == "SG_ERR_DTYPE"
        assert x.tolist() == [1, 2]
    x = torch.tensor([1.0, 2.0])  # a floating tensor: the cast is fine, the op refuses
    with pytest.raises(RuntimeError, match="\"bitwise_and_cpu\" not implemented for 'Float'"):
        x.bitwise_and_(1)


def test_lcm_of_the_most_negative_int64_does_not_trap():
    # gcd(-2^63, 7) is -1 by PyTorch's algorithm (-2^63 % 7 == -1); PyTorch's lcm then divides
    # -2^63 by -1, which traps (SIGFPE). Here the quotient wraps to -2^63, times 7 wraps to -2^63
    # (7 * 2^63 = 3 * 2^64 + 2^63), and abs leaves it: -2^63.
    lo = -2**63
    assert torch.gcd(torch.tensor([lo]), torch.tensor([7])).tolist() == [-1]
    assert torch.lcm(torch.tensor([lo, 7]), torch.tensor([7, lo])).tolist() == [lo, lo]


def test_triangle_indices_at_extreme_offsets():
    # PyTorch's size arithmetic overflows near +-2^63 (it asks for a negative size); an offset
    # beyond the matrix selects all of it or none of it.
    full = [[0, 0, 0, 1, 1, 1, 2, 2, 2], [0, 1, 2, 0, 1, 2, 0, 1, 2]]
    assert torch.tril_indices(3, 3, 2**63 - 1).tolist() == full
    assert torch.triu_indices(3, 3, -2**63).tolist() == full
    assert torch.triu_indices(3, 3, 2**63 - 1).tolist() == [[], []]
    assert torch.tril_indices(3, 3, -2**63).tolist() == [[], []]
    # Huge matrices with a small or empty triangle cost nothing.
    assert torch.tril_indices(2**62, 2**62, -(2**62 - 1)).tolist() == [[2**62 - 1], [0]]
    assert torch.triu_indices(2**62, 2**62, 2**62 - 1).tolist() == [[0], [2**62 - 1]]
    assert torch.tril_indices(2**40, 0).shape == (2, 0)
    assert torch.triu_indices(0, 2**40).shape == (2, 0)
    with pytest.raises(RuntimeError):  # 2^123 elements
        torch.tril_indices(2**62, 2**62)


def test_huge_requests_are_refused_not_crashed():
    with pytest.raises(RuntimeError):
        torch.bincount(torch.tensor([2**62]))
    with pytest.raises(RuntimeError):
        torch.bincount(torch.tensor([2**63 - 1]))
    with pytest.raises(RuntimeError, match="Storage size calculation overflowed"):
        torch.empty_strided((2, 3), (2**62, 1))
    with pytest.raises(RuntimeError):
        torch.empty_strided((2**32, 2**32), (0, 0))  # the element count overflows


# ---- large operands (parallel loops) against Python's integers ----------------------------------

def _wrap(value, bits, signed=True):
    value &= (1 << bits) - 1
    return value - (1 << bits) if signed and value >= 1 << (bits - 1) else value


def test_large_operands():
    n = 70000
    a = [(i * 7919) % 60001 - 30000 for i in range(n)]
    b = [(i * 104729) % 70 - 3 for i in range(n)]
    x, y = torch.tensor(a, dtype=torch.int32), torch.tensor(b, dtype=torch.int32)
    assert (x & y).tolist() == [p & q for p, q in zip(a, b)]
    assert (x ^ y).tolist() == [p ^ q for p, q in zip(a, b)]
    assert (x | 5).tolist() == [p | 5 for p in a]
    left = [0 if q < 0 or q >= 32 else _wrap(p << q, 32) for p, q in zip(a, b)]
    assert (x << y).tolist() == left
    right = [p >> 31 if q < 0 or q >= 31 else p >> q for p, q in zip(a, b)]
    assert (x >> y).tolist() == right
    assert (~x).tolist() == [~p for p in a]
    assert torch.gcd(x, y).tolist() == [math.gcd(p, q) for p, q in zip(a, b)]
    # The transposed view of a matrix goes through the strided loops.
    m = x.reshape(350, 200)
    assert (m.t() & 0xFF).tolist() == [[a[r * 200 + c] & 0xFF for r in range(350)] for c in range(200)]
