"""PyTorch's legacy constructors: torch.Tensor(...), torch.FloatTensor and its kin,
Tensor.new(...) and Tensor.type(...). Expected behaviour as PyTorch 2.15 gives it (each case
was run there); values are the data given."""
import pytest

import swiftgrad as torch


def test_tensor_constructor_forms():
    assert torch.Tensor().shape == (0,) and torch.Tensor().dtype == torch.float32
    t = torch.Tensor([[1, 2], [3, 4]])
    assert t.dtype == torch.float32 and t.tolist() == [[1.0, 2.0], [3.0, 4.0]] and not t.requires_grad
    assert torch.Tensor([True, False]).tolist() == [1.0, 0.0]
    assert torch.Tensor((1, 2)).tolist() == [1.0, 2.0] and torch.Tensor([]).shape == (0,)
    assert torch.Tensor(2, 3).shape == (2, 3) and torch.Tensor(3).shape == (3,)
    assert torch.Tensor(torch.Size([2, 1])).shape == (2, 1)
    assert torch.Tensor([1.0], device="cpu").tolist() == [1.0]
    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True  # micrograd's test does this
    assert x.dtype == torch.float64 and x.is_leaf and x.requires_grad


def test_tensor_of_a_tensor_is_an_alias():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.Tensor(x)
    assert y is not x and y.data_ptr() == x.data_ptr() and y.grad_fn.name() == "AliasBackward0"
    assert torch.Tensor(torch.tensor([1, 2])).dtype == torch.int64  # its own dtype kept
    with pytest.raises(RuntimeError, match=r"Legacy tensor constructor of the form torch.Tensor\(tensor, device=device\)"):
        torch.Tensor(x, device="cpu")


def test_typed_tensor_classes():
    for name, dtype in [("FloatTensor", torch.float32), ("DoubleTensor", torch.float64), ("LongTensor", torch.int64),
                        ("IntTensor", torch.int32), ("ShortTensor", torch.int16), ("CharTensor", torch.int8),
                        ("ByteTensor", torch.uint8), ("BoolTensor", torch.bool), ("HalfTensor", torch.float16),
                        ("BFloat16Tensor", torch.bfloat16)]:
        cls = getattr(torch, name)
        t = cls([1, 0])
        assert t.dtype == dtype and cls.dtype == dtype and repr(cls) == f"<class 'torch.{name}'>"
        assert isinstance(t, cls) and isinstance(t, torch.Tensor) and t.type() == f"torch.{name}"
        assert cls(2, 3).shape == (2, 3)
    assert torch.LongTensor([1.7, -2.2]).tolist() == [1, -2]  # truncation, as a cast
    assert not isinstance(torch.zeros(2), torch.LongTensor)
    assert torch.FloatTensor(torch.tensor([1.0])).tolist() == [1.0]
    with pytest.raises(TypeError, match=r"^expected TensorOptions\(dtype=float, .*\(got TensorOptions\(dtype=long int"):
        torch.FloatTensor(torch.tensor([1, 2]))


def test_new_and_type():
    d = torch.zeros(2, dtype=torch.float64)
    assert d.new([1, 2]).dtype == torch.float64 and d.new(2, 3).shape == (2, 3) and d.new().shape == (0,)
    assert torch.zeros(2, dtype=torch.int32).new([1.5]).dtype == torch.int32
    f = torch.zeros(2)
    assert f.type("torch.DoubleTensor").dtype == torch.float64 and f.type(torch.LongTensor).dtype == torch.int64
    assert f.type(torch.int32).dtype == torch.int32 and f.type(torch.FloatTensor) is f
    with pytest.raises(ValueError, match="invalid type: 'Foo'"):
        f.type("Foo")


def test_refusals_with_pytorchs_messages():
    with pytest.raises(TypeError, match=r"new\(\) received an invalid combination of arguments - got \(list, dtype=torch.dtype\)"):
        torch.Tensor([1.0], dtype=torch.float64)
    with pytest.raises(TypeError, match="didn't match because some of the keywords were incorrect: requires_grad"):
        torch.Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"some of the arguments have invalid types: \(!float!, !int!\)"):
        torch.Tensor(2.5, 3)
    with pytest.raises(TypeError, match="failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\""):
        torch.Tensor(2, 3.5)
    with pytest.raises(TypeError, match="new\\(\\): invalid data type 'str'"):
        torch.Tensor("ab")
    with pytest.raises(TypeError, match="new\\(\\): data must be a sequence \\(got NoneType\\)"):
        torch.Tensor(None)
    with pytest.raises(RuntimeError, match="Trying to create tensor with negative dimension -1: \\[2, -1\\]"):
        torch.Tensor(2, -1)
    with pytest.raises(RuntimeError, match="legacy constructor expects device type: cpu but device type: cuda was passed"):
        torch.Tensor(2, device="cuda")
