"""torch.nn.functional's activations, losses, distances, padding, dropout and embeddings whose
Python signatures the op table cannot express (inplace=, string options, legacy size_average and
reduce, optional tensors, dim=None). Each checks its arguments and calls the C functions; the
math is the library's (Sources/SwiftGrad/Ops/Activation.swift, Loss+More.swift, ...)."""
import builtins
import numbers
import warnings

from .. import _lib as L
from .._tensor import Tensor, _byref, _c_int64, _make, _require_tensor
from ._registry import export

_NF = "nn.functional"


def _in_place(input, result, inplace):  # noqa: A002 - PyTorch's parameter names throughout
    """The result, written into `input` when inplace=True (PyTorch's `F.elu_` and friends)."""
    return input.copy_(result) if inplace else result


def _float(name, argument, value):
    if isinstance(value, builtins.bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}(): argument '{argument}' must be Number, not {type(value).__name__}")
    return builtins.float(value)


def _tensor(name, argument, position, value):
    _require_tensor(name, argument, position, value)
    return value._handle


# ---- activations ----------------------------------------------------------------------------

@export("elu", namespace=_NF)
def elu(input, alpha=1.0, inplace=False):
    """scale * (x > 0 ? x : alpha * (exp(x) - 1)), elementwise."""
    out = _make(L.sg_elu, _tensor("elu", "input", 1, input), _float("elu", "alpha", alpha), 1.0, 1.0)
    return _in_place(input, out, inplace)


@export("selu", namespace=_NF)
def selu(input, inplace=False):
    """elu with alpha = 1.6733 and scale = 1.0507."""
    return _in_place(input, _make(L.sg_selu, _tensor("selu", "input", 1, input)), inplace)


@export("celu", namespace=_NF)
def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    out = _make(L.sg_celu, _tensor("celu", "input", 1, input), _float("celu", "alpha", alpha))
    return _in_place(input, out, inplace)


@export("gelu", namespace=_NF)
def gelu(input, approximate="none"):
    """x * Phi(x); approximate='tanh' for the tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _make(L.sg_gelu, _tensor("gelu", "input", 1, input), approximate == "tanh")


def _simple(name, function):
    def activation(input, inplace=False):
        return _in_place(input, _make(function, _tensor(name, "input", 1, input)), inplace)
    activation.__name__ = name
    activation.__doc__ = f"torch.nn.functional.{name}, elementwise."
    export(name, namespace=_NF)(activation)
    return activation


silu = _simple("silu", L.sg_silu)
mish = _simple("mish", L.sg_mish)
relu6 = _simple("relu6", L.sg_relu6)
hardswish = _simple("hardswish", L.sg_hardswish)
hardsigmoid = _simple("hardsigmoid", L.sg_hardsigmoid)


@export("hardtanh", namespace=_NF)
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """input clamped into [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    out = _make(L.sg_hardtanh, _tensor("hardtanh", "input", 1, input), _float("hardtanh", "min_val", min_val),
                _float("hardtanh", "max_val", max_val))
    return _in_place(input, out, inplace)


@export("leaky_relu", namespace=_NF)
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x > 0 ? x : negative_slope * x."""
    out = _make(L.sg_leaky_relu, _tensor("leaky_relu", "input", 1, input),
                _float("leaky_relu", "negative_slope", negative_slope))
    return _in_place(input, out, inplace)


@export("rrelu", namespace=_NF)
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu: random slopes in [lower, upper] in training, their mean otherwise."""
    out = _make(L.sg_rrelu, _tensor("rrelu", "input", 1, input), _float("rrelu", "lower", lower),
                _float("rrelu", "upper", upper), builtins.bool(training))
    return _in_place(input, out, inplace)


@export("threshold", namespace=_NF)
def threshold(input, threshold, value, inplace=False):  # noqa: A002
    """input > threshold ? input : value."""
    out = _make(L.sg_threshold, _tensor("threshold", "input", 1, input), _float("threshold", "threshold", threshold),
                _float("threshold", "value", value))
    return _in_place(input, out, inplace)


def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
                  stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


@export("softmax", namespace=_NF)
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(input) normalised to sum to 1 along `dim`, after a cast to `dtype` if given."""
    _require_tensor("softmax", "input", 1, input)
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return input.softmax(dim, dtype=dtype)


@export("log_softmax", namespace=_NF)
def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(input, dim)), computed stably, after a cast to `dtype` if given."""
    _require_tensor("log_softmax", "input", 1, input)
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return input.log_softmax(dim, dtype=dtype)


@export("softmin", namespace=_NF)
def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-input, dim), after a cast to `dtype` if given."""
    _require_tensor("softmin", "input", 1, input)
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return _make(L.sg_softmin, input._handle, int(dim))
