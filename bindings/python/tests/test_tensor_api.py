"""PyTorch's Tensor API on swiftgrad: creation and dtype inference, operators with Python
scalars, conversions, autograd attributes and grad modes. Expected values are worked out by
hand or are what PyTorch returns for the same code."""
import math
import warnings

import pytest

from conftest import needs_numpy
import swiftgrad as torch


def test_creation_and_dtype_inference():
    assert torch.tensor([1, 2]).dtype is torch.int64
    assert torch.tensor([1, 2.5]).dtype is torch.float32
    assert torch.tensor([True, False]).dtype is torch.bool
    assert torch.tensor([True, 2]).dtype is torch.int64
    assert torch.tensor(3).dtype is torch.int64 and torch.tensor(3.0).dtype is torch.float32
    assert torch.tensor([1, 2], dtype=torch.float64).tolist() == [1.0, 2.0]
    assert torch.tensor(((1, 2), (3, 4))).shape == (2, 2)
    assert torch.arange(5).dtype is torch.int64
    assert torch.arange(5.0).dtype is torch.float32
    assert torch.arange(1, 2, 0.5).tolist() == [1.0, 1.5]
    assert torch.arange(0, 10, 3).tolist() == [0, 3, 6, 9]
    assert torch.zeros(2, 3).shape == (2, 3) == torch.zeros((2, 3)).shape == torch.zeros(size=(2, 3)).shape
    assert torch.ones([2]).tolist() == [1.0, 1.0]
    assert torch.full((2,), 7).tolist() == [7, 7] and torch.full((2,), 7).dtype is torch.int64
    assert torch.full((1,), 0.5).dtype is torch.float32
    assert torch.full((1,), True).dtype is torch.bool
    assert torch.randn(3, 4).shape == (3, 4)
    assert torch.randn(size=()).shape == ()
    assert torch.randn(2, dtype=torch.float64).dtype is torch.float64
    assert torch.zeros_like(torch.ones(2, dtype=torch.int64)).tolist() == [0, 0]
    assert torch.ones_like(torch.zeros(2)).tolist() == [1.0, 1.0]


def test_manual_seed_reproduces_draws():
    torch.manual_seed(3)
    first = torch.randn(5).tolist()
    torch.manual_seed(3)
    assert torch.randn(5).tolist() == first
    torch.manual_seed(4)
    assert torch.randn(5).tolist() != first


def test_queries():
    t = torch.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.dim() == 3 and t.ndim == 3 and t.numel() == 24 and len(t) == 2
    assert t.shape.numel() == 24
    assert t.dtype is torch.float32 and t.is_floating_point()
    assert torch.is_tensor(t) and not torch.is_tensor([1])


def test_arithmetic_with_python_scalars():
    x = torch.tensor([1.0, 2.0, 4.0])
    assert (x + 1).tolist() == [2.0, 3.0, 5.0]
    assert (1 + x).tolist() == [2.0, 3.0, 5.0]
    assert (x - 1).tolist() == [0.0, 1.0, 3.0]
    assert (1 - x).tolist() == [0.0, -1.0, -3.0]
    assert (x * 2).tolist() == [2.0, 4.0, 8.0] == (2 * x).tolist()
    assert (x / 4).tolist() == [0.25, 0.5, 1.0]
    assert (4 / x).tolist() == [4.0, 2.0, 1.0]
    assert (x ** 2).tolist() == [1.0, 4.0, 16.0]
    assert (2 ** x).tolist() == [2.0, 4.0, 16.0]
    assert (-x).tolist() == [-1.0, -2.0, -4.0]
    assert (x ** x).tolist() == [1.0, 4.0, 256.0]


def test_integer_arithmetic_stays_integer():
    i = torch.arange(4)
    assert (i * 2).dtype is torch.int64 and (i * 2).tolist() == [0, 2, 4, 6]
    assert (i + True).tolist() == [1, 2, 3, 4]
    assert (i * 2.5).dtype is torch.float32
    assert (i / 2).dtype is torch.float32 and (i / 2).tolist() == [0.0, 0.5, 1.0, 1.5]
    assert (2 ** i).tolist() == [1, 2, 4, 8]
    assert (i ** 2).tolist() == [0, 1, 4, 9]
    assert (10 - i).tolist() == [10, 9, 8, 7]
    assert (i + torch.tensor([0.5])).dtype is torch.float32
    b = torch.tensor([True, False])
    assert (b + True).dtype is torch.bool
    assert (b * 3).tolist() == [3, 0]


def test_comparisons_give_bool_tensors():
    x = torch.tensor([1.0, 2.0, 3.0])
    assert repr(x == 2) == "tensor([False,  True, False])"
    assert repr(x != 2) == "tensor([ True, False,  True])"
    assert repr(x < 2) == "tensor([ True, False, False])"
    assert repr(x <= 2) == "tensor([ True,  True, False])"
    assert repr(x > 2) == "tensor([False, False,  True])"
    assert repr(x >= 2) == "tensor([False,  True,  True])"
    assert repr(x == torch.tensor([1.0, 0.0, 3.0])) == "tensor([ True, False,  True])"
    assert repr(2 < x) == "tensor([False, False,  True])"  # reflected by Python
    assert (torch.arange(3) == 1).tolist() == [False, True, False]
    assert (x == "text") is False  # no Tensor/number operand: Python's fallback


def test_python_number_conversions():
    assert bool(torch.tensor([1.0])) is True and bool(torch.tensor(0)) is False
    # As Python's own bool(float("nan")) and PyTorch's: NaN is true; -0.0 and False are not.
    assert bool(torch.tensor(float("nan"))) is True and bool(torch.tensor([[-0.0]], dtype=torch.float64)) is False
    assert bool(torch.tensor([True])) is True and bool(torch.tensor(False)) is False and bool(torch.tensor(-7)) is True
    assert torch.is_nonzero(torch.tensor(float("nan"))) is True and torch.is_nonzero(torch.tensor(0.0)) is False
    assert float(torch.tensor([2.5])) == 2.5 and int(torch.tensor(3.9)) == 3
    assert [10, 20, 30][torch.tensor(1)] == 20
    assert torch.tensor(7).item() == 7 and isinstance(torch.tensor(7).item(), int)
    assert torch.tensor(2**60).item() == 2**60  # int64 items are exact
    assert torch.tensor(True).item() is True
    assert torch.tensor(1.5).item() == 1.5
    with pytest.raises(RuntimeError, match="^Boolean value of Tensor with more than one value is ambiguous$"):
        bool(torch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="^Boolean value of Tensor with no values is ambiguous$"):
        bool(torch.tensor([]))
    with pytest.raises(ValueError, match="^only one element tensors can be converted to Python scalars$"):
        float(torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="^only one element tensors can be converted to Python scalars$"):
        int(torch.tensor([1, 2]))
    with pytest.raises(TypeError, match="^only integer tensors of a single element can be converted to an index$"):
        [1, 2][torch.tensor(1.0)]
    with pytest.raises(TypeError, match="^len\\(\\) of a 0-d tensor$"):
        len(torch.tensor(1.0))


def test_tolist():
    assert torch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert torch.tensor(2.5).tolist() == 2.5
    assert torch.zeros(2, 0).tolist() == [[], []]
    assert torch.tensor([True, False]).tolist() == [True, False]


def test_dtype_conversions():
    x = torch.tensor([1.7, -2.2])
    assert x.long().tolist() == [1, -2] and x.long().dtype is torch.int64
    assert x.double().dtype is torch.float64 and x.float() .dtype is torch.float32
    assert x.bool().tolist() == [True, True]
    assert x.to(torch.float64).dtype is torch.float64


def test_autograd_attributes():
    x = torch.arange(4.0, requires_grad=True)
    assert x.requires_grad and x.is_leaf and x.grad_fn is None and x.grad is None
    y = x * x
    assert y.requires_grad and not y.is_leaf
    assert type(y.grad_fn).__name__ == "MulBackward0" and y.grad_fn.name() == "MulBackward0"
    assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 2.0, 4.0, 6.0]
    x.grad.zero_()
    assert x.grad.tolist() == [0.0] * 4
    x.grad = torch.ones(4)
    assert x.grad.tolist() == [1.0] * 4
    x.grad = None
    assert x.grad is None
    x.requires_grad = False
    assert not x.requires_grad
    assert x.requires_grad_() is x and x.requires_grad


def test_backward_with_gradient_and_retain_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.backward(torch.tensor([1.0, 0.5]), retain_graph=True)
    y.backward(torch.tensor([1.0, 0.5]))
    assert x.grad.tolist() == [4.0, 4.0]


def test_reading_grad_of_a_non_leaf_warns():
    x = torch.tensor([1.0], requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match="The .grad attribute of a Tensor that is not a leaf Tensor is being accessed"):
        assert y.grad is None


def test_detach_shares_memory_and_leaves_the_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    u = y.detach()
    assert not u.requires_grad and u.is_leaf
    with torch.no_grad():
        u.zero_()
    assert y.tolist() == [0.0, 0.0]


def test_grad_modes():
    x = torch.tensor([1.0], requires_grad=True)
    assert torch.is_grad_enabled()
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        assert not (x * 2).requires_grad
        with torch.enable_grad():
            assert (x * 2).requires_grad
    assert torch.is_grad_enabled()

    @torch.no_grad()
    def double(t):
        return t * 2
    assert not double(x).requires_grad

    torch.set_grad_enabled(False)
    assert not torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()


def test_module_functions():
    x = torch.tensor([1.0, 2.0, 2.0])
    assert torch.dot(x, x).item() == 9.0
    assert torch.norm(x).item() == 3.0 and x.norm().item() == 3.0
    assert torch.sum(x).item() == 5.0
    assert math.isclose(torch.exp(torch.log(x)).tolist()[1], 2.0, rel_tol=1e-6)
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert m.sum(0).tolist() == [4.0, 6.0] and m.sum(dim=1, keepdim=True).tolist() == [[3.0], [7.0]]
    assert m.sum((0, 1)).item() == 10.0 and torch.sum(m, -1).tolist() == [3.0, 7.0]


@needs_numpy
def test_numpy_round_trip():
    import numpy as np
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = torch.tensor(a)
    assert t.dtype is torch.float64 and t.shape == (2, 3)
    back = t.numpy()
    assert back.dtype == np.float64 and (back == a).all()
    assert torch.tensor(np.array([1, 2], dtype=np.int32)).dtype is torch.int32  # NumPy's dtype, as PyTorch
    assert torch.tensor(np.array([1.5], dtype=np.float16)).dtype is torch.float16
    assert torch.tensor(np.array(3.0)).shape == () and torch.tensor(np.array(3.0)).dtype is torch.float64
    assert torch.tensor(np.array([True])).dtype is torch.bool
    assert torch.tensor(np.float32(1.5)).item() == 1.5
    assert np.asarray(torch.arange(3)).tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match="^Can't call numpy\\(\\) on Tensor that requires grad. Use tensor.detach\\(\\).numpy\\(\\) instead.$"):
        torch.ones(2, requires_grad=True).numpy()


def test_tensor_from_tensor_copies_with_warning():
    x = torch.tensor([1.0, 2.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = torch.tensor(x)
    assert caught and "clone().detach()" in str(caught[0].message)
    with torch.no_grad():
        y.zero_()
    assert x.tolist() == [1.0, 2.0]


def test_public_api_has_docstrings_and_type_marker():
    import inspect
    import pathlib
    missing = []
    for prefix, namespace in [("swiftgrad", torch), ("nn", torch.nn), ("nn.functional", torch.nn.functional),
                              ("optim", torch.optim), ("autograd", torch.autograd), ("safetensors", torch.safetensors)]:
        for name in dir(namespace):
            value = getattr(namespace, name)
            if not name.startswith("_") and callable(value) and not inspect.getdoc(value):
                missing.append(f"{prefix}.{name}")
    for cls in (torch.Tensor, torch.nn.Module, torch.optim.Optimizer):
        for name, value in vars(cls).items():
            if not name.startswith("_") and (callable(value) or isinstance(value, property)) and not (value.__doc__ or "").strip():
                missing.append(f"{cls.__name__}.{name}")
    assert missing == []
    assert (pathlib.Path(torch.__file__).parent / "py.typed").is_file()


def test_finfo_and_iinfo():
    np = pytest.importorskip("numpy")
    for name in ("float16", "float32", "float64"):  # numpy's own limits as the reference
        f, n = torch.finfo(getattr(torch, name)), np.finfo(getattr(np, name))
        assert (f.bits, f.eps, f.max, f.min, f.tiny, f.dtype) == (n.bits, float(n.eps), float(n.max), float(n.min),
                                                                 float(n.smallest_normal), name)
    b = torch.finfo(torch.bfloat16)  # 8 exponent bits, 7 stored mantissa bits
    assert (b.eps, b.tiny, b.max) == (2.0 ** -7, 2.0 ** -126, (2 - 2.0 ** -7) * 2.0 ** 127)
    assert torch.finfo().dtype == "float32"
    # PyTorch's repr (torch 2.15's output).
    assert repr(torch.finfo(torch.float16)) == ("finfo(resolution=0.001, min=-65504, max=65504, eps=0.000976562, "
                                                "smallest_normal=6.10352e-05, tiny=6.10352e-05, dtype=float16)")
    for name in ("uint8", "int8", "int16", "int32", "int64"):
        i, n = torch.iinfo(getattr(torch, name)), np.iinfo(getattr(np, name))
        assert (i.bits, i.min, i.max, i.dtype) == (n.bits, int(n.min), int(n.max), name)
    assert repr(torch.iinfo(torch.int32)) == "iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)"
    with pytest.raises(TypeError, match="torch.finfo\\(\\) requires a floating point input type"):
        torch.finfo(torch.int64)
    with pytest.raises(TypeError, match="torch.iinfo\\(\\) requires an integer input type"):
        torch.iinfo(torch.float32)
    with pytest.raises(TypeError, match="torch.bool is not supported by torch.iinfo"):
        torch.iinfo(torch.bool)
