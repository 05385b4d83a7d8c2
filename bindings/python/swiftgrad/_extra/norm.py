"""The normalisation functions (torch.nn.functional.layer_norm, rms_norm, batch_norm, group_norm,
instance_norm and torch's native_* forms), whose optional tensors, in-place running statistics
and PyTorch argument checks the op table cannot express. Each checks its arguments and calls
the C functions; the math is the library's (Sources/SwiftGrad/Ops/Normalization.swift)."""
import builtins
import numbers

from .. import _lib as L
from .._creation import empty
from .._dtype import uint8
from .._tensor import Tensor, _byref, _c_double, _make, _require_tensor, _shape_array, _tensor_list
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


# ---- rms norm -------------------------------------------------------------------------------

@export("rms_norm", namespace=_NF)
def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    """x / sqrt(mean(x^2) + eps) * weight over the last dimensions; eps None is finfo(dtype).eps."""
    _require_tensor("rms_norm", "input", 1, input)
    shape = _shape("rms_norm", normalized_shape)
    array, n = _shape_array(shape)
    epsilon = None if eps is None else _byref(_c_double(_float("rms_norm", "eps", eps)))
    return _make(L.sg_rms_norm, input._handle, array, n, _optional("rms_norm", "weight", 3, weight), epsilon)


export("rms_norm")(rms_norm)


# ---- batch norm -----------------------------------------------------------------------------

def _verify_batch_size(size):
    size_prods = size[0]
    for i in range(len(size) - 2):
        size_prods *= size[i + 2]
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def _batch_norm_call(name, input, weight, bias, running_mean, running_var, training, momentum, eps):  # noqa: A002
    _require_tensor(name, "input", 1, input)
    if (running_mean is None) != (running_var is None) and training:
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    return (input._handle, _optional(name, "weight", 2, weight), _optional(name, "bias", 3, bias),
            _optional(name, "running_mean", 4, running_mean), _optional(name, "running_var", 5, running_var),
            builtins.bool(training), _float(name, "momentum", momentum), _float(name, "eps", eps))


@export("batch_norm", namespace=_NF)
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,  # noqa: A002
               eps=1e-05):
    """Normalises each channel (dimension 1); in training with the batch's statistics, updating
    running_mean and running_var in place, else with the running statistics."""
    _require_tensor("batch_norm", "input", 1, input)
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return torch_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, True)


@export("batch_norm")
def torch_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):  # noqa: A002
    """torch.batch_norm (its argument order: weight and bias before the running statistics)."""
    x, w, b, rm, rv, tr, mo, ep = _batch_norm_call("batch_norm", input, weight, bias, running_mean, running_var,
                                                   training, momentum, eps)
    return _make(L.sg_batch_norm, x, rm, rv, w, b, tr, mo, ep)


@export("native_batch_norm")
def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):  # noqa: A002
    """(output, save_mean, save_invstd); the last two are empty when not training."""
    if input is not None and isinstance(input, Tensor) and input.dim() < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.dim(), 1)}, "
                         f"{max(input.dim(), 1) - 1}], but got 1)")
    args = _batch_norm_call("native_batch_norm", input, weight, bias, running_mean, running_var, training,
                            momentum, eps)
    return _tensor_list(L.sg_native_batch_norm, *args)


@export("_native_batch_norm_legit")
def _native_batch_norm_legit(input, weight, bias, *args):  # noqa: A002
    """native_batch_norm with running statistics (input, weight, bias, running_mean,
    running_var, training, momentum, eps) or without (input, weight, bias, training, momentum,
    eps: the no_stats overload)."""
    if len(args) == 5:
        running_mean, running_var, training, momentum, eps = args
    elif len(args) == 3:
        running_mean = running_var = None
        training, momentum, eps = args
        if not training:
            raise ValueError("running_mean must be defined in evaluation mode")
    else:
        raise TypeError(f"_native_batch_norm_legit() takes 6 or 8 arguments ({3 + len(args)} given)")
    return native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)


@export("_native_batch_norm_legit_no_training")
def _native_batch_norm_legit_no_training(input, weight, bias, running_mean, running_var, momentum, eps):  # noqa: A002
    """native_batch_norm in evaluation mode."""
    return native_batch_norm(input, weight, bias, running_mean, running_var, False, momentum, eps)


@export("_batch_norm_with_update", namespace="ops.aten")
def _batch_norm_with_update(input, weight, bias, running_mean, running_var, momentum, eps):  # noqa: A002
    """aten._batch_norm_with_update: training batch norm updating the running statistics;
    (output, save_mean, save_invstd, reserve), reserve an empty uint8 tensor on the CPU."""
    _require_tensor("_batch_norm_with_update", "running_mean", 4, running_mean)
    _require_tensor("_batch_norm_with_update", "running_var", 5, running_var)
    out = native_batch_norm(input, weight, bias, running_mean, running_var, True, momentum, eps)
    return (*out, empty(0, dtype=uint8))


# ---- group norm -----------------------------------------------------------------------------

def _int(name, argument, value):
    if not isinstance(value, numbers.Integral) or isinstance(value, builtins.bool):
        raise TypeError(f"{name}(): argument '{argument}' must be int, not {type(value).__name__}")
    return int(value)


@export("group_norm", namespace=_NF)
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):  # noqa: A002
    """Normalises each (sample, group of channels) over its channels and positions."""
    _require_tensor("group_norm", "input", 1, input)
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups] + list(input.size()[2:]))
    return torch_group_norm(input, num_groups, weight, bias, eps)


@export("group_norm")
def torch_group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):  # noqa: A002
    """torch.group_norm."""
    _require_tensor("group_norm", "input", 1, input)
    return _make(L.sg_group_norm, input._handle, _int("group_norm", "num_groups", num_groups),
                 _optional("group_norm", "weight", 3, weight), _optional("group_norm", "bias", 4, bias),
                 _float("group_norm", "eps", eps))


@export("native_group_norm")
def native_group_norm(input, weight, bias, N, C, HxW, group, eps):  # noqa: A002, N803 - torch's names
    """(output, mean, rstd) of group norm of input seen as [N, C, HxW]; mean and rstd [N, group]."""
    _require_tensor("native_group_norm", "input", 1, input)
    name = "native_group_norm"
    return _tensor_list(L.sg_native_group_norm, input._handle, _optional(name, "weight", 2, weight),
                        _optional(name, "bias", 3, bias), _int(name, "N", N), _int(name, "C", C),
                        _int(name, "HxW", HxW), _int(name, "group", group), _float(name, "eps", eps))


# ---- instance norm --------------------------------------------------------------------------

def _verify_spatial_size(size):
    size_prods = 1
    for i in range(2, len(size)):
        size_prods *= size[i]
    if size_prods == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")


@export("instance_norm", namespace=_NF)
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,  # noqa: A002
                  momentum=0.1, eps=1e-05):
    """Normalises each (sample, channel) over its positions."""
    _require_tensor("instance_norm", "input", 1, input)
    if use_input_stats:
        _verify_spatial_size(input.size())
    return torch_instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, True)


@export("instance_norm")
def torch_instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,  # noqa: A002
                        cudnn_enabled):
    """torch.instance_norm (its argument order)."""
    name = "instance_norm"
    _require_tensor(name, "input", 1, input)
    return _make(L.sg_instance_norm, input._handle, _optional(name, "running_mean", 4, running_mean),
                 _optional(name, "running_var", 5, running_var), _optional(name, "weight", 2, weight),
                 _optional(name, "bias", 3, bias), builtins.bool(use_input_stats), _float(name, "momentum", momentum),
                 _float(name, "eps", eps))
