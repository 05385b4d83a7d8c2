"""Errors as PyTorch raises them: RuntimeError with PyTorch's messages for autograd, shape and
dtype errors, TypeError for wrong Python argument types. Messages from the C side arrive intact."""
import pytest

import swiftgrad as torch


def raises(exception, message):
    """pytest.raises matching the whole message literally."""
    import re
    return pytest.raises(exception, match="^" + re.escape(message) + "$")


def test_autograd_errors():
    x = torch.arange(4.0, requires_grad=True)
    with raises(RuntimeError, "grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    with raises(RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"):
        torch.arange(4.0).sum().backward()
    y = torch.dot(x, x)
    y.backward()
    with raises(RuntimeError, "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."):
        y.backward()
    with raises(RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"):
        torch.tensor([1, 2], requires_grad=True)
    with raises(RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"):
        torch.arange(3).requires_grad_()
    with raises(RuntimeError, "only Tensors of floating point and complex dtype can require gradients"):
        torch.arange(3).requires_grad = True
    with raises(RuntimeError, "you can only change requires_grad flags of leaf variables."):
        (x * 2).requires_grad = True
    with raises(RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation."):
        x.zero_()
    with raises(RuntimeError, "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([4])."):
        (x * 2).backward(torch.ones(3))


def test_shape_and_dtype_errors():
    with raises(RuntimeError, "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"):
        torch.ones(3) + torch.ones(4)
    with raises(RuntimeError, "1D tensors expected, but got 2D and 1D tensors"):
        torch.dot(torch.ones(2, 2), torch.ones(2))
    with raises(RuntimeError, "dot : expected both vectors to have same dtype, but found Float and Double"):
        torch.dot(torch.ones(2), torch.ones(2, dtype=torch.float64))
    with raises(RuntimeError, "a Tensor with 3 elements cannot be converted to Scalar"):
        torch.ones(3).item()
    with raises(RuntimeError, "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."):
        torch.tensor([True]) - torch.tensor([False])
    with raises(RuntimeError, "step must be nonzero"):
        torch.arange(0, 4, 0)
    with raises(RuntimeError, "Trying to create tensor with negative dimension -2: [-2]"):
        torch.zeros(-2)


def test_errors_are_runtime_errors_with_a_status():
    with pytest.raises(torch.SwiftGradError) as caught:
        torch.ones(3) * torch.ones(2)
    assert isinstance(caught.value, RuntimeError)
    assert caught.value.status == "SG_ERR_SHAPE"


def test_type_errors_for_wrong_python_arguments():
    with raises(TypeError, "dot(): argument 'tensor' (position 2) must be Tensor, not int"):
        torch.dot(torch.ones(2), 3)
    with raises(TypeError, "new(): invalid data type 'str'"):
        torch.tensor(["a"])
    with raises(TypeError, "new(): invalid data type 'str'"):
        torch.tensor("a")
    with pytest.raises(TypeError):
        torch.ones(2) + "a"
    with pytest.raises(TypeError):
        torch.zeros(2.5)
    with raises(TypeError, "requires_grad must be a bool"):
        torch.ones(2).requires_grad = 1
    with pytest.raises(TypeError):
        torch.ones(2).backward(gradient=[1.0, 1.0])
    with pytest.raises(TypeError, match="new\\(\\): data must be a sequence \\(got float\\)"):
        torch.Tensor(1.5)


def test_dim_arguments_refuse_bools_and_floats_like_pytorch():
    """A bool or a float where a dimension goes is PyTorch's TypeError (int() took x.sum(True)
    as x.sum(1)); ints, NumPy ints, 0-d integer tensors and sequences of them still work."""
    x = torch.ones(2, 3)
    for call in [lambda: x.sum(True), lambda: x.sum(1.0), lambda: x.mean(True), lambda: x.sum((True,)),
                 lambda: x.sum(dim=(0, 1.0)), lambda: x.prod(True), lambda: x.amax(True), lambda: x.max(True),
                 lambda: torch.cat([x, x], True), lambda: x.gather(True, torch.zeros(2, 1, dtype=torch.int64))]:
        with pytest.raises(TypeError):
            call()
    assert x.sum(torch.tensor(1)).tolist() == [3.0, 3.0]
    assert x.sum([0, 1]).item() == 6.0 and x.sum(torch.Size([1])).tolist() == [3.0, 3.0]
    assert x.prod(-1).tolist() == [1.0, 1.0] and torch.cat([x, x], 1).shape == (2, 6)


def test_mean_of_integers_is_not_implemented_as_in_pytorch():
    with raises(NotImplementedError, "mean(): could not infer output dtype. Input dtype must be either a floating point "
                                     "or complex dtype. Got: Long"):
        torch.ones(3, dtype=torch.int64).mean()


def test_ragged_lists_are_refused():
    with raises(ValueError, "expected sequence of length 2 at dim 1 (got 3)"):
        torch.tensor([[1, 2], [3, 4, 5]])



def test_named_operators_reject_foreign_arguments_like_pytorch():
    x = torch.tensor([1.0, 2.0])
    for name in ("add", "sub", "mul", "div"):
        with raises(TypeError, f"{name}(): argument 'other' (position 1) must be Tensor, not str"):
            getattr(x, name)("a")
        with raises(TypeError, f"{name}(): argument 'other' (position 2) must be Tensor, not NoneType"):
            getattr(torch, name)(x, None)
        with raises(TypeError, f"{name}(): argument 'input' (position 1) must be Tensor, not str"):
            getattr(torch, name)("a", x)
        with raises(TypeError, f"{name}_(): argument 'other' (position 1) must be Tensor, not list"):
            getattr(x, name + "_")([1.0])
    first_line = "^{}\\(\\) received an invalid combination of arguments - got \\({}\\), but expected one of:\n"
    for name in ("pow", "eq", "lt", "ge", "true_divide", "multiply", "subtract"):
        with pytest.raises(TypeError, match=first_line.format(name, "str")):
            getattr(x, name)("a")
        with pytest.raises(TypeError, match=first_line.format(name, "Tensor, str")):
            getattr(torch, name)(x, "a")
    # comparisons take no number as input; pow takes one only with a tensor exponent
    with pytest.raises(TypeError, match=first_line.format("lt", "float, Tensor")):
        torch.lt(0.5, x)
    with pytest.raises(TypeError, match=first_line.format("pow", "int, int")):
        torch.pow(2, 3)
    with pytest.raises(TypeError, match="^unsupported operand type\\(s\\) for \\+=: 'Tensor' and 'str'$"):
        x += "a"
