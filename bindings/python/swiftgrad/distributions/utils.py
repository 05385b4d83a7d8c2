"""Helpers shared by the distributions (torch.distributions.utils): broadcasting of parameters,
conversions between probabilities and logits, lazily computed attributes, and the few
compositions of swiftgrad ops the distributions need (floating-point limits, `all` over a
dimension, softplus, binary cross entropy with logits, one-hot vectors)."""
import functools

from .. import _dtype
from .._creation import arange, empty, tensor, zeros_like
from .._functions import where
from .._ops import broadcast_tensors
from .._grad_mode import enable_grad
from .._tensor import Tensor
from .._types import Size

euler_constant = 0.57721566490153286060  # Euler Mascheroni Constant

__all__ = [
    "broadcast_all",
    "logits_to_probs",
    "clamp_probs",
    "probs_to_logits",
    "lazy_property",
    "tril_matrix_to_vec",
    "vec_to_tril_matrix",
]

# Python numbers as torch.types._Number counts them.
_Number = (int, float, bool)


class _FloatInfo:
    """The limits torch.finfo gives for a floating dtype (those the distributions read)."""

    def __init__(self, bits, eps, tiny, largest):
        self.bits, self.eps, self.tiny, self.max, self.min = bits, eps, tiny, largest, -largest
        self.smallest_normal = tiny


_FINFO = {
    _dtype.float16: _FloatInfo(16, 2.0 ** -10, 2.0 ** -14, 65504.0),
    _dtype.bfloat16: _FloatInfo(16, 2.0 ** -7, 2.0 ** -126, 3.3895313892515355e38),
    _dtype.float32: _FloatInfo(32, 2.0 ** -23, 2.0 ** -126, 3.4028234663852886e38),
    _dtype.float64: _FloatInfo(64, 2.0 ** -52, 2.0 ** -1022, 1.7976931348623157e308),
}


def _finfo(dtype):
    """torch.finfo(dtype) for the floating dtypes."""
    try:
        return _FINFO[dtype]
    except KeyError:
        raise TypeError(f"torch.finfo() requires a floating point input type, got {dtype}") from None


def _format(value):
    """A tensor as an f-string shows it in PyTorch: a 0-d tensor as its Python number."""
    if isinstance(value, Tensor) and value.dim() == 0:
        return format(value.detach().item())
    return str(value)


def _all(value, dim=None):
    """value.all() / value.all(dim) of a bool tensor, as a bool tensor (an empty reduction is
    True)."""
    false = value.logical_not()
    return (false.sum() if dim is None else false.sum(dim)).eq(0)


def _is_all_true(value):
    """Whether every element of a bool tensor is True (torch._is_all_true)."""
    return bool(value.logical_not().sum().item() == 0)


def _softplus(x):
    """log(1 + exp(x)), computed without overflow (torch.nn.functional.softplus, beta 1), with
    the gradient sigmoid(x) everywhere (0.5 at 0)."""
    return x.logaddexp(zeros_like(x))


def _binary_cross_entropy_with_logits(logits, target):
    """-(target log sigmoid(logits) + (1 - target) log(1 - sigmoid(logits))), elementwise
    (F.binary_cross_entropy_with_logits with reduction='none'), as (1 - target) logits +
    softplus(-logits)."""
    return (1 - target) * logits + _softplus(-logits)


def _where(condition, value, other):
    """torch.where(condition, value, other), for a number or tensor `value`: the differentiable
    form of `other[condition] = value` (index_put_ in a graph), with the zero gradient PyTorch's
    gives the overwritten elements."""
    return where(condition, value, other)


def _one_hot(indices, num_classes):
    """F.one_hot: int64 one-hot vectors along a new last dimension."""
    classes = arange(num_classes, dtype=_dtype.int64)
    return indices.unsqueeze(-1).eq(classes).long()


def _new(param, *args, **kwargs):
    """param.new(*args): an uninitialised tensor of param's dtype for sizes (ints or a
    torch.Size), else a tensor of the data given, as Tensor.new does."""
    if args and (all(isinstance(a, int) and not isinstance(a, bool) for a in args)
                 or (len(args) == 1 and isinstance(args[0], Size))):
        shape = args[0] if isinstance(args[0], Size) else args
        return empty(shape, dtype=kwargs.get("dtype", param.dtype))
    return param.new_tensor(*args, **kwargs)


def broadcast_all(*values):
    r"""Broadcasts tensors and Python numbers together: numbers become tensors of the first
    tensor's dtype (of the default dtype when there is none), then everything is broadcast.

    Raises:
        ValueError: if a value is neither a number nor a tensor.
    """
    if not all(isinstance(v, Tensor) or isinstance(v, _Number) for v in values):
        raise ValueError(
            "Input arguments must all be instances of Number, "
            "torch.Tensor or objects implementing __torch_function__."
        )
    if not all(isinstance(v, Tensor) for v in values):
        dtype = _dtype.get_default_dtype()
        for value in values:
            if isinstance(value, Tensor):
                dtype = value.dtype
                break
        values = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype) for v in values]
    return broadcast_tensors(*values)


def _standard_normal(shape, dtype, device):
    return empty(shape, dtype=dtype, device=device).normal_()


def _sum_rightmost(value, dim):
    r"""Sums the ``dim`` rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    required_shape = value.shape[:-dim] + (-1,)
    return value.reshape(required_shape).sum(-1)


def logits_to_probs(logits, is_binary=False):
    r"""Probabilities from logits: the sigmoid of log-odds (``is_binary``), else the softmax of
    the last dimension."""
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(dim=-1)


def clamp_probs(probs):
    """Clamps probabilities into [eps, 1 - eps], eps the dtype's machine epsilon."""
    eps = _finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    r"""Logits from probabilities (clamped first): log-odds (``is_binary``), else logs."""
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ps_clamped.log() - (-ps_clamped).log1p()
    return ps_clamped.log()


class lazy_property:
    r"""A decorator for attributes computed on first use (with grad mode on) and then stored on
    the instance, replacing the descriptor."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """A lazy property seen on the class: a property for documentation tools, a lazy_property
    for argument validation (which skips lazily computed parameters)."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def _tril_mask(n, diag):
    positions = arange(n)
    return positions.lt(positions.view(-1, 1) + (diag + 1))


def tril_matrix_to_vec(mat, diag=0):
    r"""The lower triangle of a (batch of) D x D matrix, row by row, as a vector."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag)]


def vec_to_tril_matrix(vec, diag=0):
    r"""The inverse of tril_matrix_to_vec: a (batch of) lower-triangular D x D matrix."""
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    eps = _finfo(vec.dtype).eps
    if round(n) - n > eps:
        raise ValueError(
            f"The size of last dimension is {vec.shape[-1]} which cannot be expressed as "
            + "the lower triangular part of a square D x D matrix."
        )
    n = round(n)
    mat = vec.new_zeros(tuple(vec.shape[:-1]) + (n, n))
    mat[..., _tril_mask(n, diag)] = vec
    return mat


def _size(shape):
    """A torch.Size of a shape given as a Size, tuple or list."""
    return shape if isinstance(shape, Size) else Size(shape)

