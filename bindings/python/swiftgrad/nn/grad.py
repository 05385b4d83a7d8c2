"""torch.nn.grad: the gradients of a convolution with respect to its input or its weight, given
the gradient of its output. Each is the vector-Jacobian product of swiftgrad's own convolution
(autograd.grad of conv{1,2,3}d at a zero input or weight of the requested size: the convolution
is linear in each, so the point does not matter), differentiable when weight, input or
grad_output require grad."""
from .._creation import zeros
from .._grad_mode import enable_grad, is_grad_enabled
from .. import autograd
from . import functional as F

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input", "conv3d_weight"]


def _input_grad(conv, input_size, weight, grad_output, stride, padding, dilation, groups):
    graph = is_grad_enabled() and (weight.requires_grad or grad_output.requires_grad)
    with enable_grad():
        point = zeros(tuple(input_size), dtype=grad_output.dtype, requires_grad=True)
        out = conv(point, weight, None, stride, padding, dilation, groups)
        return autograd.grad(out, point, grad_output, create_graph=graph)[0]


def _weight_grad(conv, input, weight_size, grad_output, stride, padding, dilation, groups):  # noqa: A002
    graph = is_grad_enabled() and (input.requires_grad or grad_output.requires_grad)
    with enable_grad():
        point = zeros(tuple(weight_size), dtype=grad_output.dtype, requires_grad=True)
        out = conv(input, point, None, stride, padding, dilation, groups)
        return autograd.grad(out, point, grad_output, create_graph=graph)[0]


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv1d with respect to its input of size `input_size`."""
    return _input_grad(F.conv1d, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """Gradient of conv1d with respect to its weight of size `weight_size`."""
    return _weight_grad(F.conv1d, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv2d with respect to its input of size `input_size`."""
    return _input_grad(F.conv2d, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """Gradient of conv2d with respect to its weight of size `weight_size`."""
    return _weight_grad(F.conv2d, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv3d with respect to its input of size `input_size`."""
    return _input_grad(F.conv3d, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """Gradient of conv3d with respect to its weight of size `weight_size`."""
    return _weight_grad(F.conv3d, input, weight_size, grad_output, stride, padding, dilation, groups)
