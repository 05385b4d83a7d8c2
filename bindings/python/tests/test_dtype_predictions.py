"""Where the binding records a result's dtype without asking the library (to save a C call on
the per-op hot path), the recorded dtype must be the one the library reports. Dtype rules live
in the core; these predictions are only a cache of them, so every prediction site is checked
here against the core for every input dtype:

- the operators (`_binary`), for every pair of operand dtypes and every kind of Python scalar,
  in both directions;
- every hand-written method that records a dtype (`_keep_dtype`, `_keep_float_dtype`, an
  assignment to `._dtype`): the test finds them by reading the package's source, and fails when
  one has no check below (so a new prediction cannot go unchecked).
The generated methods of the op table are checked in test_generated.py."""
import ast
import ctypes
import operator
import pathlib

import pytest

import swiftgrad as torch
from swiftgrad import _dtype, _lib

PACKAGE = pathlib.Path(torch.__file__).resolve().parent
DTYPES = [torch.float32, torch.float64, torch.int64, torch.bool, torch.float16, torch.bfloat16, torch.int8,
          torch.uint8, torch.int16, torch.int32]


def core_dtype(t):
    out = ctypes.c_int()
    _lib.check(_lib.sg_tensor_dtype(t._handle, ctypes.byref(out)))
    return _dtype.by_code[out.value]


def check(result, what):
    results = result if isinstance(result, tuple) else (result,)
    for r in results:
        if r._dtype is not None:
            assert r._dtype is core_dtype(r), f"{what}: recorded {r._dtype}, the library says {core_dtype(r)}"


def sample(dtype):
    return torch.tensor([[0.5, 1.5, 0.0], [2.0, -1.0, 3.0]]).to(dtype)


OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.eq,
             operator.ne, operator.lt, operator.le, operator.gt, operator.ge]


@pytest.mark.parametrize("op", OPERATORS, ids=lambda o: o.__name__)
def test_operators_record_the_cores_dtype(op):
    checked = 0
    for a in DTYPES:
        for b in DTYPES:
            for left, right in ((sample(a), sample(b)), (sample(a), sample(b)[0])):
                try:
                    result = op(left, right)
                except RuntimeError:
                    continue  # refused for these dtypes, as PyTorch refuses (e.g. bool - bool)
                check(result, f"{op.__name__}({a}, {b})")
                checked += 1
        for scalar in (2, 2.5, True, -1, 0.0):
            for pair in ((sample(a), scalar), (scalar, sample(a))):
                try:
                    result = op(*pair)
                except (RuntimeError, ZeroDivisionError):
                    continue
                check(result, f"{op.__name__}({pair[0]!r}, {pair[1]!r}) with a {a} tensor")
                checked += 1
    assert checked > 40  # of the 112 combinations, bool - bool and the like are refused


#: Each hand-written method that records a dtype, called on a tensor x.
HAND_WRITTEN = {
    "detach": lambda x: x.detach(),
    "clone": lambda x: x.clone(),
    "__neg__": lambda x: -x,
    "neg": lambda x: x.neg(),
    "masked_fill": lambda x: x.masked_fill(torch.tensor([True, False, True]), 1),
    "sum": lambda x: (x.sum(), x.sum(dtype=torch.float64)),
    "norm": lambda x: (x.norm(), x.norm(p=2), x.norm(p=1, dim=0)),
    "reshape": lambda x: x.reshape(3, 2),
    "view": lambda x: x.view(-1),
    "expand": lambda x: x[:1].expand(4, 3),
    "permute": lambda x: x.permute(1, 0),
    "transpose": lambda x: x.transpose(0, 1),
    "squeeze": lambda x: (x[:1].squeeze(), x[:1].squeeze(0)),
    "narrow": lambda x: x.narrow(1, 1, 2),
    # Indexing's paths: views, the alias, a lone index or mask, index tensors in a tuple.
    "getitem": lambda x: (x[0], x[:, 1:], x[...], x[None, 0], x[torch.tensor([1, 0])], x[x == x],
                          x[:, torch.tensor([2, 0])], x[torch.tensor([0]), 1]),
    "contiguous": lambda x: (x.t().contiguous(), x.contiguous()),
    "_take": lambda x: torch.nn.Parameter(x) if x.dtype.is_floating_point else x,
    "data": lambda x: _with_data(torch.zeros(1), x),
    # The operators' inlined common cases (the operator test checks every dtype pair and scalar).
    "_binary_operator": lambda x: (x + x, x * 2, 2.5 - x, x < 1, x == x),
    "operator": lambda x: (x / x, x ** 2, x >= 0.5),
    "_full_reduction": lambda x: (x.sum(), x.norm()),
    "_random": lambda x: ((torch.randn(3, dtype=x.dtype), torch.rand((), dtype=x.dtype))
                          if x.dtype.is_floating_point else torch.rand(2)),
}


def _with_data(tensor, value):
    """`tensor.data = value` (Tensor.data's setter), then the tensor."""
    tensor.data = value
    return tensor
#: Functions that set `_dtype` as plumbing (wrapping a handle, the cache itself, passing the
#: dtype the library was told to make) rather than predicting a result's dtype.
PLUMBING = {"_wrap", "_make", "_make_as", "_keep_dtype", "_keep_float_dtype", "_bool_dtype", "dtype", "_binary"}


def prediction_sites():
    """Names of the package's functions that record a dtype on a result."""
    sites = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("_ops.py", "_capi.py"):  # generated: test_generated.py
            continue
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                text = ast.get_source_segment(source, node)
                if any(k in text for k in ("_keep_dtype(", "_keep_float_dtype(", "._dtype =")):
                    sites.add(node.name)
    return sites


def test_every_prediction_site_is_checked():
    unchecked = prediction_sites() - PLUMBING - set(HAND_WRITTEN)
    assert not unchecked, f"these functions record a dtype and have no check in HAND_WRITTEN: {sorted(unchecked)}"


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_hand_written_predictions_are_the_cores(name, dtype):
    try:
        result = HAND_WRITTEN[name](sample(dtype))
    except RuntimeError:
        return  # refused for this dtype (neg of bool, norm of int64), as PyTorch refuses
    check(result, f"{name} of {dtype}")
