"""torch.nn's normalisation layers: LayerNorm, RMSNorm, BatchNorm1d/2d/3d, GroupNorm,
InstanceNorm1d/2d/3d and LocalResponseNorm, with PyTorch's constructor signatures, parameter
and buffer names, initialisation, checks and printed forms. The computation is
swiftgrad.nn.functional's (the library's fused kernels)."""
import numbers

from .._creation import empty, ones, zeros
from .._grad_mode import no_grad
from . import functional as F
from .modules import Module, Parameter

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """Layer normalisation over the last dimensions (normalized_shape), with an elementwise
    affine map (weight ones, bias zeros) when elementwise_affine."""

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(empty(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.elementwise_affine:
            with no_grad():
                self.weight.fill_(1.0)
                if self.bias is not None:
                    self.bias.zero_()

    def forward(self, input):  # noqa: A002 - PyTorch's name
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")
