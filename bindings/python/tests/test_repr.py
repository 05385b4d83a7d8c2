"""repr and str as PyTorch prints them, for each dtype and shape."""
import pytest

import swiftgrad as torch


def test_one_dimensional():
    assert repr(torch.arange(4.0)) == "tensor([0., 1., 2., 3.])"
    assert str(torch.arange(4.0)) == "tensor([0., 1., 2., 3.])"
    assert repr(torch.tensor([1.5, 2.25])) == "tensor([1.5000, 2.2500])"
    assert repr(torch.tensor([-1.0, 2.0])) == "tensor([-1.,  2.])"
    assert repr(torch.arange(10)) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"
    assert repr(torch.tensor([True, False])) == "tensor([ True, False])"
    assert repr(torch.tensor([0.0001, 1000.0])) == "tensor([1.0000e-04, 1.0000e+03])"
    assert repr(torch.tensor([float("nan"), 1.0])) == "tensor([nan, 1.])"
    assert repr(torch.tensor([float("inf"), 1.5])) == "tensor([   inf, 1.5000])"


def test_zero_dimensional():
    assert repr(torch.tensor(3.14159)) == "tensor(3.1416)"
    assert repr(torch.tensor(5)) == "tensor(5)"
    assert repr(torch.tensor(True)) == "tensor(True)"
    assert repr(torch.tensor(2.0, dtype=torch.float64)) == "tensor(2., dtype=torch.float64)"


def test_two_and_three_dimensional():
    assert repr(torch.tensor([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]])"
    assert repr(torch.zeros(2, 3, dtype=torch.float64)) == \
        "tensor([[0., 0., 0.],\n        [0., 0., 0.]], dtype=torch.float64)"
    assert repr(torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])) == \
        "tensor([[[1, 2],\n         [3, 4]],\n\n        [[5, 6],\n         [7, 8]]])"


def test_empty():
    assert repr(torch.tensor([])) == "tensor([])"
    assert repr(torch.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(torch.zeros(0, dtype=torch.int64)) == "tensor([], dtype=torch.int64)"


def test_large_tensors_are_summarised():
    assert repr(torch.arange(2000.0)) == (
        "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
        "        1.9990e+03])")
    assert repr(torch.arange(1001)) == "tensor([   0,    1,    2,  ...,  998,  999, 1000])"
    big = torch.ones(50, 40)
    assert repr(big) == (
        "tensor([[1., 1., 1.,  ..., 1., 1., 1.],\n"
        "        [1., 1., 1.,  ..., 1., 1., 1.],\n"
        "        [1., 1., 1.,  ..., 1., 1., 1.],\n"
        "        ...,\n"
        "        [1., 1., 1.,  ..., 1., 1., 1.],\n"
        "        [1., 1., 1.,  ..., 1., 1., 1.],\n"
        "        [1., 1., 1.,  ..., 1., 1., 1.]])")


def test_autograd_suffixes():
    x = torch.arange(4.0, requires_grad=True)
    assert repr(x) == "tensor([0., 1., 2., 3.], requires_grad=True)"
    assert repr(2 * torch.dot(x, x)) == "tensor(28., grad_fn=<MulBackward0>)"
    assert repr(x.sum()) == "tensor(6., grad_fn=<SumBackward0>)"
    assert repr(x - 1) == "tensor([-1.,  0.,  1.,  2.], grad_fn=<SubBackward0>)"
    assert repr(1 - x) == "tensor([ 1.,  0., -1., -2.], grad_fn=<RsubBackward1>)"
    assert repr(x.norm()) == "tensor(3.7417, grad_fn=<LinalgVectorNormBackward0>)"
    assert repr(torch.arange(14.0, requires_grad=True)) == (
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],\n"
        "       requires_grad=True)")


def test_format():
    # As PyTorch's Tensor.__format__: a 0-d tensor formats as its number, others as their repr
    # and refuse a format spec.
    assert f"{torch.tensor(2.5)}" == "2.5" and f"{torch.tensor(0.3)}" == "0.30000001192092896"
    assert f"{torch.tensor(3)}" == "3"
    assert f"{torch.tensor(2.5):.2f}" == "2.50"
    assert f"{torch.tensor([1.5])}" == "tensor([1.5000])"
    with pytest.raises(TypeError, match="unsupported format string passed to Tensor.__format__"):
        format(torch.tensor([1.5]), ".2f")
    assert str(torch.arange(3).shape) == "torch.Size([3])"
    assert repr(torch.zeros(2, 3).shape) == "torch.Size([2, 3])"
    assert repr(torch.tensor(1.0).shape) == "torch.Size([])"
    assert repr(torch.float32) == "torch.float32" and repr(torch.long) == "torch.int64"
