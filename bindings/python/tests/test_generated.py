"""The Python functions and methods generated from the op table (swiftgrad/_ops.py): where the
binding records a result's dtype without asking the library (the table's `dtype` rule, to save a
call per op), that dtype is the one the library reports, for every such op and input dtype."""
import ctypes
import pathlib
import sys

import pytest

import swiftgrad as torch
from swiftgrad import _dtype, _lib

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
try:
    from generate import table_entries  # the op table's reader
finally:
    sys.path.pop(0)
TABLE = table_entries()
# The forwarded methods that record a dtype (the others ask the library when asked).
FORWARDED = [op for op in TABLE if "python" in op and op["python"].get("method") and op["python"].get("dtype")]
ARGUMENTS = {"dim": 0, "start_dim": 0, "end_dim": -1, "index": 0}


def core_dtype(t):
    out = ctypes.c_int()
    _lib.check(_lib.sg_tensor_dtype(t._handle, ctypes.byref(out)))
    return _dtype.by_code[out.value]


@pytest.mark.parametrize("op", FORWARDED, ids=[op["name"] for op in FORWARDED])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool, torch.float16,
                                   torch.bfloat16, torch.int8, torch.uint8, torch.int16, torch.int32], ids=str)
def test_recorded_dtype_is_the_cores(op, dtype):
    x = torch.tensor([[0.25, 0.5], [0.75, 1.0]]).to(dtype)
    args = [a for a in op["python"].get("args", []) if "=" not in a and not a.startswith("*")]
    method = getattr(x, op["python"]["method"][0])
    missing = [a for a in args if a not in ARGUMENTS and a != "other"]
    assert not missing, f"add an example value for {missing} to ARGUMENTS"
    try:
        result = method(*[x if a == "other" else ARGUMENTS[a] for a in args])
    except RuntimeError:
        return  # refused for this dtype (e.g. floor of bool), as PyTorch refuses
    if result._dtype is not None:  # recorded by the binding: must be what the library says
        assert result._dtype is core_dtype(result), f"{op['name']} of {dtype}"
    assert result.dtype is core_dtype(result)


def test_every_forwarded_spelling_exists():
    for op in FORWARDED:
        for name in op["python"]["method"]:
            assert callable(getattr(torch.Tensor, name)), name
        for name in op["python"].get("function", []):
            assert callable(getattr(torch, name)), name
            assert getattr(torch, name).__doc__, name
