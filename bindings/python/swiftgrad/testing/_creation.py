"""torch.testing.make_tensor: a tensor of a shape and dtype filled with values drawn uniformly
from [low, high), with PyTorch 2.15's default ranges, clamping, errors and draws (the same
torch.randint / Tensor.uniform_ calls, so a seed gives PyTorch's values)."""
import collections.abc
import functools
import math
import warnings

from .. import _dtype
from .._creation import empty
from .._random import randint

_INTEGRAL_TYPES = [_dtype.uint8, _dtype.int8, _dtype.int16, _dtype.int32, _dtype.int64]
_FLOATING_TYPES = [_dtype.float16, _dtype.bfloat16, _dtype.float32, _dtype.float64]
_BOOLEAN_OR_INTEGRAL_TYPES = [_dtype.bool, *_INTEGRAL_TYPES]
# swiftgrad has no complex dtypes: the floating ones are all of PyTorch's "floating or complex".
_FLOATING_OR_COMPLEX_TYPES = _FLOATING_TYPES


def _uniform_random_(t, low, high):
    # uniform_ needs high - low to be finite in the dtype: draw half the range, then double it.
    if high - low >= _dtype.finfo(t.dtype).max:
        return t.uniform_(low / 2, high / 2).mul_(2)
    return t.uniform_(low, high)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    r"""A tensor of `shape` (integers, or one sequence of them), `dtype` and `device` with values
    drawn uniformly from ``[low, high)``.

    Defaults of ``low`` and ``high``: bool [0, 2), uint8 [0, 10), signed integers [-9, 10),
    floating types [-9, 9). Bounds outside the dtype's finite range are clamped to it; integer
    bounds are rounded up.

    Args:
        requires_grad: record operations on the result (floating dtypes only).
        noncontiguous: a non-contiguous result (every other element of a twice as wide last
            dimension); ignored below two elements. Excludes ``memory_format``.
        exclude_zero: zeros become 1 (bool and integers) or the dtype's ``finfo.tiny``.
        memory_format: the result's memory format (e.g. ``torch.channels_last``).

    Raises:
        ValueError: requires_grad for a bool or integer dtype; ``low >= high``; a NaN bound; an
            interval the dtype cannot hold; both noncontiguous and memory_format.
        TypeError: a dtype make_tensor does not support.

    Example::

        >>> t = make_tensor((2, 3), device="cpu", dtype=torch.int8, low=-1, high=2, exclude_zero=True)
        >>> t.shape, t.dtype, bool(((t == -1) | (t == 1)).all())
        (torch.Size([2, 3]), torch.int8, True)
    """

    def modify_low_high(low, high, *, lowest_inclusive, highest_exclusive, default_low, default_high):
        """`low` and `high` with their defaults, checked, clamped to the dtype (rounded up for integers)."""

        def clamp(a, lo, hi):
            return min(max(a, lo), hi)

        low = low if low is not None else default_low
        high = high if high is not None else default_high

        if any(isinstance(value, float) and math.isnan(value) for value in [low, high]):
            raise ValueError(f"`low` and `high` cannot be NaN, but got {low=} and {high=}")
        elif low == high and dtype in _FLOATING_OR_COMPLEX_TYPES:
            warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex types "
                          "is deprecated since 2.1 and will be removed in 2.3. "
                          "Use `torch.full(...)` instead.", FutureWarning, stacklevel=3)
        elif low >= high:
            raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
        elif high < lowest_inclusive or low >= highest_exclusive:
            raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                             f"but {dtype} only supports [{lowest_inclusive}, {highest_exclusive})")

        low = clamp(low, lowest_inclusive, highest_exclusive)
        high = clamp(high, lowest_inclusive, highest_exclusive)
        if dtype in _BOOLEAN_OR_INTEGRAL_TYPES:
            # Rounded up: low so that no value is below it, high because randint excludes it.
            return math.ceil(low), math.ceil(high)
        return low, high

    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)

    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually exclusive, "
                         f"but got {noncontiguous=} and {memory_format=}")
    if requires_grad and dtype in _BOOLEAN_OR_INTEGRAL_TYPES:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got {dtype=}")

    noncontiguous = noncontiguous and functools.reduce(lambda x, y: x * y, shape, 1) > 1
    if noncontiguous:
        # Twice as wide a last dimension, of which every other element is kept.
        shape = (*shape[:-1], 2 * shape[-1])

    if dtype is _dtype.bool:
        low, high = modify_low_high(low, high, lowest_inclusive=0, highest_exclusive=2, default_low=0,
                                    default_high=2)
        result = randint(low, high, shape, device=device, dtype=dtype)
    elif dtype in _BOOLEAN_OR_INTEGRAL_TYPES:
        info = _dtype.iinfo(dtype)
        low, high = modify_low_high(
            low, high, lowest_inclusive=info.min,
            # randint's bounds are int64, so the exclusive bound of int64 stops one short of 2**63.
            highest_exclusive=info.max + (1 if dtype is not _dtype.int64 else 0),
            # -9 is below uint8's range: it is clamped to 0.
            default_low=-9, default_high=10)
        result = randint(low, high, shape, device=device, dtype=dtype)
    elif dtype in _FLOATING_OR_COMPLEX_TYPES:
        info = _dtype.finfo(dtype)
        low, high = modify_low_high(low, high, lowest_inclusive=info.min, highest_exclusive=info.max,
                                    default_low=-9, default_high=9)
        result = empty(shape, device=device, dtype=dtype)
        _uniform_random_(result, low, high)
    else:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by torch.testing.make_tensor()."
                        " To request support, file an issue at: https://github.com/pytorch/pytorch/issues")

    if noncontiguous:
        result = result[..., 1::2]  # offset by one, to catch offset errors too
    elif memory_format is not None:
        result = result.contiguous(memory_format=memory_format)  # a fresh tensor: as clone(memory_format=)

    if exclude_zero:
        result[result == 0] = 1 if dtype in _BOOLEAN_OR_INTEGRAL_TYPES else _dtype.finfo(dtype).tiny

    if dtype in _FLOATING_OR_COMPLEX_TYPES:
        result.requires_grad = requires_grad
    return result
