"""Helpers shared by the distributions (torch.distributions.utils): broadcasting of parameters,
conversions between probabilities and logits, lazily computed attributes."""
import functools

from .. import _dtype
from .._dtype import finfo
from .._creation import arange, empty, tensor
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


def _is_all_true(value):
    """Whether every element of a bool tensor is True (torch._is_all_true)."""
    return bool(value.all())


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
    eps = finfo(probs.dtype).eps
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
    eps = finfo(vec.dtype).eps
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

