"""The model-building API from Python beyond the PyTorch reference cases: indexing errors and
assignment rules, in-place rules, return types, and that the binding declares every C function."""
import os
import pathlib
import re
import sys

import pytest

import swiftgrad as torch
import swiftgrad.nn.functional as F
from swiftgrad import _lib

ROOT = pathlib.Path(__file__).resolve().parents[3]
HEADER = ROOT / "include" / "swiftgrad.h"


def raises(exception, message):
    return pytest.raises(exception, match="^" + re.escape(message) + "$")


def test_indexing_errors_are_index_errors():
    x = torch.arange(6.0).reshape(2, 3)
    with raises(IndexError, "index 5 is out of bounds for dimension 0 with size 2"):
        x[5]
    with raises(IndexError, "index 3 is out of bounds for dimension 1 with size 3"):
        x[0, 3]
    with raises(IndexError, "too many indices for tensor of dimension 2"):
        x[0, 0, 0]
    with raises(IndexError, "index 7 is out of bounds for dimension 0 with size 2"):
        x[torch.tensor([0, 7])]
    with raises(IndexError, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"):
        torch.tensor(1.0)[0]
    with raises(IndexError, "tensors used as indices must be long, int, byte or bool tensors"):
        x[torch.tensor([0.0])]
    with raises(ValueError, "step must be greater than zero"):
        x[::-1]
    # The dimension a message names is the entry's place in the key (PyTorch 2.15).
    y = torch.zeros(4, 5, 3)
    for key, message in (((None, 9), "index 9 is out of bounds for dimension 1 with size 4"),
                         ((Ellipsis, 9), "index 9 is out of bounds for dimension 1 with size 3"),
                         ((None, None, 0, 9), "index 9 is out of bounds for dimension 3 with size 5"),
                         ((0, None, Ellipsis, 9), "index 9 is out of bounds for dimension 3 with size 3")):
        with raises(IndexError, message):
            y[key]


def test_indexing_keys_as_pytorch():
    """x[key] for 212 keys (tests/indexing_keys.py: ints, slices, None, ellipses, index tensors,
    masks, 0-d tensors, bools, errors) against PyTorch's stored outcomes
    (scripts/indexing_reference.py): shape, strides and offset of a view, values, grad_fn,
    gradient, or the error's type and message."""
    import json
    import indexing_keys
    stored = json.loads((pathlib.Path(__file__).parent / "data" / "indexing_reference.json").read_text())["outcomes"]
    keys = indexing_keys.keys(torch)
    assert len(keys) == len(stored)
    for key, expected in zip(keys, stored):
        assert indexing_keys.describe(key) == expected["key"]
        got = indexing_keys.outcome(torch, key)
        assert got == {k: v for k, v in expected.items() if k != "key"}, expected["key"]


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_indexing_reference_is_what_pytorch_computes_now(tmp_path):
    """scripts/indexing_reference.py under the PyTorch at TORCH_PYTHON gives the stored file."""
    import json
    import subprocess
    output = tmp_path / "live.json"
    subprocess.run([os.environ["TORCH_PYTHON"], str(ROOT / "scripts" / "indexing_reference.py"), str(output)],
                   check=True, capture_output=True)
    stored = (pathlib.Path(__file__).parent / "data" / "indexing_reference.json").read_text()
    assert json.loads(output.read_text()) == json.loads(stored), "the stored reference is stale"


def test_lone_index_tensors_index_as_the_general_path(monkeypatch):
    """x[idx] and x[mask] through their one-call path, and through the general path alone
    (`_lone_index` off): the same outcome (values, grad_fn, gradient, or error)."""
    import indexing_keys
    from swiftgrad import _indexing
    lone = [k for k in indexing_keys.keys(torch) if isinstance(k, torch.Tensor)]
    assert len(lone) >= 6
    for key in lone:
        fast = indexing_keys.outcome(torch, key)
        with monkeypatch.context() as m:
            m.setattr(_indexing, "_lone_index", lambda t, key: None)
            general = indexing_keys.outcome(torch, key)
        assert fast == general, indexing_keys.describe(key)


def test_zero_dim_and_bool_keys_index_as_pytorch():
    """A 0-d integer tensor indexes as its number (a view); True, False and 0-d bool tensors add
    a dimension of one or no elements (PyTorch 2.15's results, shapes and nodes)."""
    x = torch.arange(12.0).reshape(3, 4).requires_grad_()
    cases = {"x[torch.tensor(1)]": ([4], "SelectBackward0"), "x[torch.tensor(1), 2]": ([], "SelectBackward0"),
             "x[1, torch.tensor(2)]": ([], "SelectBackward0"), "x[..., torch.tensor(1)]": ([3], "SelectBackward0"),
             "x[True]": ([1, 3, 4], "IndexBackward0"), "x[False]": ([0, 3, 4], "IndexBackward0"),
             "x[torch.tensor(True)]": ([1, 3, 4], "IndexBackward0"), "x[1, True]": ([1, 4], "IndexBackward0"),
             "x[True, 1]": ([1, 4], "IndexBackward0"), "x[None, False, 0]": ([1, 0, 4], "IndexBackward0"),
             "x[torch.tensor(True), torch.tensor([0, 2])]": ([2, 4], "IndexBackward0")}
    for expression, (shape, node) in cases.items():
        out = eval(expression)
        assert list(out.shape) == shape and type(out.grad_fn).__name__ == node, expression
    assert x[torch.tensor(2), torch.tensor([0, 3])].tolist() == [8.0, 11.0]
    assert x[1, True].tolist() == [[4.0, 5.0, 6.0, 7.0]]
    with raises(IndexError, "index 5 is out of bounds for dimension 0 with size 3"):
        x[torch.tensor(5)]
    y = torch.zeros(3, 4)
    y[True] = 1.0
    y[torch.tensor(1)] = 2.0
    assert y.tolist() == [[1.0] * 4, [2.0] * 4, [1.0] * 4]


def test_narrow_errors_are_pytorchs():
    x = torch.zeros(4, 5)
    assert x.narrow(1, -2, 2).shape == (4, 2) and x.narrow(-1, 5, 0).shape == (4, 0)
    with raises(IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 5)"):
        x.narrow(5, 0, 1)
    with raises(RuntimeError, "narrow() cannot be applied to a 0-dim tensor."):
        torch.tensor(3.0).narrow(0, 0, 1)
    with raises(RuntimeError, "start (4) + length (3) exceeds dimension size (5)."):
        x.narrow(1, 4, 3)
    with raises(RuntimeError, "start (3) + length (3) exceeds dimension size (5)."):
        x.narrow(1, -2, 3)
    with raises(IndexError, "start out of range (expected to be in range of [-5, 5], but got -6)"):
        x.narrow(1, -6, 1)
    with raises(RuntimeError, "narrow(): length must be non-negative."):
        x.narrow(1, 0, -1)


def test_indexing_returns_views_for_basic_indices_and_copies_for_advanced():
    x = torch.zeros(2, 3)
    row = x[1]
    row.fill_(5)
    assert x.tolist() == [[0.0, 0.0, 0.0], [5.0, 5.0, 5.0]]
    picked = x[[1]]
    picked.fill_(-1)
    assert x[1].tolist() == [5.0, 5.0, 5.0]
    assert [t.tolist() for t in torch.arange(4).reshape(2, 2)] == [[0, 1], [2, 3]]


def test_assignment():
    x = torch.zeros(3, 3)
    x[0] = 1
    x[1, 1:] = torch.tensor([2.0, 3.0])
    x[x == 0] = 9
    x[[2, 2], [0, 1]] = torch.tensor([7.0, 8.0])
    assert x.tolist() == [[1.0, 1.0, 1.0], [9.0, 2.0, 3.0], [7.0, 8.0, 9.0]]
    w = torch.ones(2, requires_grad=True)
    with raises(RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation."):
        w[0] = 2
    with torch.no_grad():
        w[0] = 2
    assert w.tolist() == [2.0, 1.0]


def test_in_place_rules():
    i = torch.arange(3)
    with raises(RuntimeError, "result type Float can't be cast to the desired output type Long"):
        i *= 0.5
    i += 2
    assert i.tolist() == [2, 3, 4] and i.dtype is torch.int64
    x = torch.ones(3)
    with raises(RuntimeError, "output with shape [3] doesn't match the broadcast shape [2, 3]"):
        x += torch.ones(2, 3)
    y = torch.ones(2, requires_grad=True) * 3   # a non-leaf: in-place ops are recorded
    y *= 2
    y += y.detach()
    y.sum().backward()
    z = torch.ones(2, requires_grad=True) * 3
    z *= z   # mul_ needs z's value for z's gradient, and overwrites it: refused at backward, as PyTorch
    with raises(RuntimeError, "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 of Mul, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."):
        z.sum().backward()


def test_max_min_return_types():
    x = torch.tensor([[1.0, 5.0], [4.0, 2.0]])
    result = x.max(1)
    values, indices = result
    assert values.tolist() == [5.0, 4.0] and indices.tolist() == [1, 0]
    assert result.values.tolist() == [5.0, 4.0] and result[1].tolist() == [1, 0]
    assert repr(x.min(0)) == "torch.return_types.min(\nvalues=tensor([1., 2.]),\nindices=tensor([0, 1]))"
    assert torch.max(x).item() == 5.0 and torch.max(x, torch.full((2, 2), 3.0)).tolist() == [[3.0, 5.0], [4.0, 3.0]]


def test_loss_arguments():
    with raises(ValueError, "average is not a valid value for reduction"):
        F.mse_loss(torch.ones(2), torch.ones(2), reduction="average")
    with raises(RuntimeError, "Target 5 is out of bounds."):
        F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 5]))
    with raises(TypeError, "cross_entropy(): argument 'target' (position 2) must be Tensor, not list"):
        F.cross_entropy(torch.zeros(2, 3), [0, 1])


def test_creation_functions():
    assert torch.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert torch.linspace(0, 1, 3).tolist() == [0.0, 0.5, 1.0]
    torch.manual_seed(5)
    r = torch.randint(0, 3, (1000,))
    assert r.dtype is torch.int64 and r.min().item() == 0 and r.max().item() == 2
    assert torch.randint(4, (2, 2)).shape == (2, 2)
    u = torch.rand(1000)
    assert 0 <= u.min().item() and u.max().item() < 1
    n = torch.normal(5.0, 0.5, (4000,))
    assert abs(n.mean().item() - 5.0) < 0.05 and abs(n.std().item() - 0.5) < 0.05
