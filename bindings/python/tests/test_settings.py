"""Process-wide settings and dtype questions: set_default_dtype, promote_types, result_type,
can_cast, inference_mode, set_printoptions, set_num_threads and the small predicates. Expected
values are PyTorch 2.15's (each case was run there) or follow from its documented rules."""
import pytest

import swiftgrad as torch


@pytest.fixture
def float64_default():
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(torch.float32)


def test_default_dtype_reaches_factories_promotion_and_functions(float64_default):
    assert torch.get_default_dtype() == torch.float64
    for t in (torch.tensor([1.5]), torch.zeros(2), torch.ones(1), torch.full((1,), 2.0), torch.arange(0.0, 1.0),
              torch.linspace(0, 1, 3), torch.rand(2), torch.randn(2), torch.Tensor([1]), torch.empty(1),
              torch.nn.Linear(2, 2).weight):
        assert t.dtype == torch.float64
    ints = torch.tensor([1, 2])
    assert ints.sin().dtype == torch.float64 and (ints * 2.5).dtype == torch.float64 and (ints / 2).dtype == torch.float64
    assert torch.special.i0(ints).dtype == torch.float64 and torch.sinc(ints).dtype == torch.float64
    # An explicit dtype and floating operands keep theirs.
    assert torch.zeros(1, dtype=torch.float32).dtype == torch.float32
    assert (torch.zeros(1, dtype=torch.float32) * 2.5).dtype == torch.float32


def test_default_dtype_refusals_and_reset():
    with pytest.raises(TypeError, match="only floating-point types are supported as the default type"):
        torch.set_default_dtype(torch.int64)
    assert torch.get_default_dtype() == torch.float32 and torch.tensor([1]).sin().dtype == torch.float32


def test_promotion_questions():
    assert torch.promote_types(torch.uint8, torch.int8) == torch.int16
    assert torch.promote_types(torch.float16, torch.bfloat16) == torch.float32
    assert torch.promote_types(torch.bool, torch.int32) == torch.int32
    assert torch.result_type(torch.tensor([1]), 2.5) == torch.float32
    assert torch.result_type(2, 3.0) == torch.float32
    assert torch.result_type(torch.tensor([1], dtype=torch.uint8), torch.tensor(5)) == torch.uint8
    assert torch.result_type(torch.tensor(1.0, dtype=torch.float64), torch.tensor([1], dtype=torch.int32)) == torch.float64
    rows = {torch.float32: [True, False, False, False], torch.int32: [True, True, False, True],
            torch.bool: [True, True, True, True], torch.uint8: [True, True, False, True]}
    for source, expected in rows.items():
        assert [torch.can_cast(source, t) for t in (torch.float64, torch.int64, torch.bool, torch.int8)] == expected


def test_inference_mode():
    with torch.inference_mode():
        x = torch.ones(2, requires_grad=True) * 2
        assert not x.requires_grad and torch.is_inference_mode_enabled() and not torch.is_grad_enabled()
    assert not torch.is_inference_mode_enabled() and torch.is_grad_enabled()
    with torch.inference_mode(False):
        assert not torch.is_inference_mode_enabled() and torch.is_grad_enabled()

    @torch.inference_mode()
    def called():
        return torch.is_grad_enabled()

    @torch.inference_mode
    def bare():
        return torch.is_grad_enabled()

    assert called() is False and bare() is False and torch.is_grad_enabled()


def test_printoptions():
    try:
        torch.set_printoptions(precision=2)
        assert repr(torch.tensor([1.23456, 2.5])) == "tensor([1.23, 2.50])"
        torch.set_printoptions(threshold=5, edgeitems=1)
        assert repr(torch.arange(10.0)) == "tensor([0.,  ..., 9.])"  # two spaces, as PyTorch prints it
        torch.set_printoptions(sci_mode=True)
        assert repr(torch.tensor([1.5])) == "tensor([1.50e+00])"
        torch.set_printoptions(profile="default", sci_mode=None)
        assert repr(torch.tensor([1.23456])) == "tensor([1.2346])"
        torch.set_printoptions(threshold=float("inf"))
        assert repr(torch.arange(3.0)) == "tensor([0., 1., 2.])"
        with pytest.raises(ValueError, match="Invalid profile"):
            torch.set_printoptions(profile="huge")
    finally:
        torch.set_printoptions(profile="default", sci_mode=None)


def test_threads_and_predicates():
    n = torch.get_num_threads()
    assert n >= 1 and torch.get_num_interop_threads() >= 1
    try:
        torch.set_num_threads(1)
        assert torch.get_num_threads() == 1
        assert torch.ones(1 << 19).sum().item() == 1 << 19  # a split kernel, on one thread
    finally:
        torch.set_num_threads(n)
    with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
        torch.set_num_threads(0)
    assert torch.typename(torch.zeros(1)) == "torch.FloatTensor" and torch.typename(3) == "int"
    assert torch.is_nonzero(torch.tensor([1.0])) and not torch.is_nonzero(torch.tensor(0))
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        torch.is_nonzero(torch.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with no values is ambiguous"):
        torch.is_nonzero(torch.tensor([]))
    assert torch.is_floating_point(torch.zeros(1)) and not torch.is_complex(torch.zeros(1))
    assert torch.get_default_device() == torch.device("cpu")
    torch.set_default_device("cpu")
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        torch.set_default_device("cuda")


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


_VECTOR_CHECK = r"""
import json, math, sys
import swiftgrad as torch
torch.manual_seed(0)
x = (torch.randn(1003) * 12).requires_grad_()
cot = torch.linspace(-2, 2, 1003)
out = {"capability": torch.backends.cpu.get_cpu_capability(), "cot": cot.tolist()}
for name in ("exp", "tanh", "sigmoid"):
    y = getattr(torch, name)(x)
    g, = torch.autograd.grad(y, x, cot)
    out[name] = [y.tolist(), g.tolist()]
out["x"] = x.tolist()
positive = x.detach().abs() + 1e-30
out["log"] = [torch.log(positive).tolist(), positive.tolist()]
# Sizes off the lane widths: rows of 203 (sixteen-lane blocks and a tail), 37 rows (eights and a rest).
m = torch.randn(37, 203) * 1e3 + torch.linspace(-5, 5, 203)
out["sums"] = [m.sum(1).tolist(), m.sum(0).tolist(), m.tolist()]
import struct
bits = lambda t: [struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]  # noqa: E731
a, b = torch.randn(1003), torch.randn(1003)
a[::97], b[::89], a[5], b[5] = float("nan"), float("nan"), -0.0, 0.0
out["extrema"] = [bits(a.clamp(-0.5, 0.5)), bits(torch.relu(a)), bits(torch.maximum(a, b)), bits(torch.minimum(a, b))]
json.dump(out, sys.stdout)
"""


def _ulps(a, b):
    import struct
    if a == b:
        return 0
    ka, kb = (struct.unpack("<i", struct.pack("<f", v))[0] for v in (a, b))
    ka, kb = (k if k >= 0 else -(k & 0x7FFFFFFF) for k in (ka, kb))
    return abs(ka - kb)


def test_cpu_capability_and_both_vector_kernel_sets():
    """The vector kernels run with AVX2 where this machine has it (the Makefile's build has them),
    SWIFTGRAD_CPU_CAPABILITY=default keeps the baseline ones, and both give float32 exp, log, tanh
    and sigmoid within 2 ulp of float64 math, and their gradients within float32 rounding of it.
    float32 sums over either dimension give the same bits with both sets (additions only), within
    float32 rounding of the exact sum; so do clamp, relu, maximum and minimum (selects only)."""
    import json
    import math
    import os
    import platform
    import struct
    import subprocess
    import sys
    expected = "AVX2" if platform.machine() == "x86_64" and {"avx2", "fma"} <= _cpu_flags() else "DEFAULT"
    assert torch.backends.cpu.get_cpu_capability() == expected
    env = dict(os.environ, SWIFTGRAD_CPU_CAPABILITY="default")
    runs = [json.loads(subprocess.run([sys.executable, "-c", _VECTOR_CHECK], env=e, check=True, text=True,
                                      capture_output=True).stdout) for e in (os.environ, env)]
    assert runs[0]["capability"] == expected and runs[1]["capability"] == "DEFAULT"
    f32 = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]  # noqa: E731
    reference = {"exp": math.exp, "tanh": math.tanh, "sigmoid": lambda v: 1 / (1 + math.exp(-v)) if v > -700 else 0.0}
    derivative = {"exp": lambda y: y, "tanh": lambda y: 1 - y * y, "sigmoid": lambda y: y * (1 - y)}
    for run in runs:
        ys, xs = run["log"]
        for xv, yv in zip(xs, ys):
            assert _ulps(yv, f32(math.log(xv))) <= 2, (run["capability"], "log", xv, yv)
        xs = run["x"]
        cot = run["cot"]
        for name, f in reference.items():
            ys, gs = run[name]
            for xv, yv, gv, c in zip(xs, ys, gs, cot):
                assert _ulps(yv, f32(f(xv))) <= 2, (run["capability"], name, xv, yv)
                want = c * derivative[name](yv)
                # float32 rounding of the cotangent, y and the product (1 - y*y cancels: absolute)
                assert abs(gv - want) <= 4e-7 * abs(want) + 3e-7 * abs(c) * max(1.0, abs(yv)), \
                    (run["capability"], name, xv, gv, want)
    assert runs[0]["sums"][:2] == runs[1]["sums"][:2]
    assert runs[0]["extrema"] == runs[1]["extrema"]
    rows, columns, m = runs[0]["sums"]
    for got, terms in [*zip(rows, m), *zip(columns, zip(*m))]:
        exact = math.fsum(terms)
        # the result's rounding, and the float32 partial sums of eight rows over an outer dimension
        assert abs(got - exact) <= 2 ** -24 * abs(exact) + 2 ** -22 * math.fsum(map(abs, terms)), (got, exact)
