"""The normalisation functions (torch.nn.functional.layer_norm, rms_norm, batch_norm, group_norm,
instance_norm and torch's native_* forms), whose optional tensors, in-place running statistics
and PyTorch argument checks the op table cannot express. Each checks its arguments and calls
the C functions; the math is the library's (Sources/SwiftGrad/Ops/Normalization.swift)."""
import builtins
import numbers

from .. import _lib as L
from .._tensor import Tensor, _dims, _make, _require_tensor, _shape_array, _tensor_list
from ._registry import export

_NF = "nn.functional"


def _optional(name, argument, position, value):
    """The handle of an optional tensor argument (None for None)."""
    if value is None:
        return None
    _require_tensor(name, argument, position, value)
    return value._handle


def _float(name, argument, value):
    if isinstance(value, builtins.bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}(): argument '{argument}' must be float, not {type(value).__name__}")
    return builtins.float(value)


def _shape(name, normalized_shape):
    if isinstance(normalized_shape, numbers.Integral) and not isinstance(normalized_shape, builtins.bool):
        return (int(normalized_shape),)
    try:
        items = tuple(normalized_shape)
    except TypeError:
        raise TypeError(f"{name}(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                        f"not {type(normalized_shape).__name__}") from None
    for s in items:
        if not isinstance(s, numbers.Integral) or isinstance(s, builtins.bool):
            raise TypeError(f"{name}(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                            f"but found element of type {type(s).__name__} at pos 0")
    return tuple(int(s) for s in items)


# ---- layer norm -----------------------------------------------------------------------------

@export("layer_norm", namespace=_NF)
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):  # noqa: A002 - torch's names
    """Normalises over the last dimensions (normalized_shape), then weight * x + bias."""
    _require_tensor("layer_norm", "input", 1, input)
    shape = _shape("layer_norm", normalized_shape)
    array, n = _shape_array(shape)
    return _make(L.sg_layer_norm, input._handle, array, n, _optional("layer_norm", "weight", 3, weight),
                 _optional("layer_norm", "bias", 4, bias), _float("layer_norm", "eps", eps))


@export("layer_norm")
def torch_layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):  # noqa: A002
    """torch.layer_norm: F.layer_norm (cudnn_enable has no effect on the CPU)."""
    return layer_norm(input, normalized_shape, weight, bias, eps)


@export("native_layer_norm")
def native_layer_norm(input, normalized_shape, weight, bias, eps):  # noqa: A002
    """(output, mean, rstd) of layer norm; mean and rstd keep the normalised dimensions as 1."""
    _require_tensor("native_layer_norm", "input", 1, input)
    shape = _shape("native_layer_norm", normalized_shape)
    array, n = _shape_array(shape)
    return _tensor_list(L.sg_native_layer_norm, input._handle, array, n,
                        _optional("native_layer_norm", "weight", 3, weight),
                        _optional("native_layer_norm", "bias", 4, bias), _float("native_layer_norm", "eps", eps))
