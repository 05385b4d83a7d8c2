"""The reductions family's Python that the op table cannot express: PyTorch's overloads
(median with or without dim, var_mean's unbiased/correction), string options (quantile's
interpolation, searchsorted's side), results whose length depends on flags (unique), named
result tuples other than (values, indices) (aminmax, histogram), and torch.masked functions that
convert their result's dtype. Each only checks and converts arguments and calls the C functions
of scripts/ops/51-reductions-more.toml."""
import builtins
import numbers

from .. import _lib as L
from .._tensor import (
    _MISSING, Tensor, _byref, _c_double, _c_int64, _c_void_p, _check, _dim_aliases, _dims, _handles, _int, _make,
    _operand, _require_tensor, _shape_array, _tensor_list, _values_indices, _wrap,
)
from .._types import return_type
from ._registry import export, method


# ---- result types --------------------------------------------------------------------------

aminmax_result = return_type("aminmax", ("min", "max"))
histogram_result = return_type("histogram", ("hist", "bin_edges"))
histogramdd_result = return_type("histogramdd", ("hist", "bin_edges"))


def _pair(function, *args):
    """Calls a C function with two tensor outputs; the two tensors."""
    first, second = _c_void_p(), _c_void_p()
    status = function(*args, _byref(first), _byref(second))
    if status:
        _check(status)
    return _wrap(first.value), _wrap(second.value)


def _optional_dim(dim):
    """An `int64_t *` argument: NULL for None."""
    return None if dim is None else _byref(_c_int64(_int(dim)))


def _correction(function, unbiased, correction):
    """var/std's correction from PyTorch's `unbiased` or `correction` (1 by default)."""
    if correction is not None:
        if unbiased is not None:
            raise RuntimeError(f"{function}: Only one of unbiased and correction may be given")
        return builtins.float(correction)
    return 1.0 if unbiased is None or unbiased else 0.0


# ---- median, nanmedian ---------------------------------------------------------------------

def _median(name, full, along, input, dim, keepdim):  # noqa: A002 - PyTorch's name
    _require_tensor(name, "input", 1, input)
    if dim is None:
        return _make(full, input._handle)
    return _values_indices(along, name, input._handle, _int(dim), builtins.bool(keepdim))


@export("median")
@method("median")
def median(input, dim=None, keepdim=False, *, axis=_MISSING, keepdims=_MISSING):  # noqa: A002
    """The median of all elements, or (values, indices) along `dim` (torch.median)."""
    dim, keepdim = _dim_aliases("median", dim, keepdim, axis, keepdims)
    return _median("median", L.sg_median, L.sg_median_dim, input, dim, keepdim)


@export("nanmedian")
@method("nanmedian")
def nanmedian(input, dim=None, keepdim=False, *, axis=_MISSING, keepdims=_MISSING):  # noqa: A002
    """The median ignoring NaN, of all elements or along `dim` (torch.nanmedian)."""
    dim, keepdim = _dim_aliases("nanmedian", dim, keepdim, axis, keepdims)
    return _median("nanmedian", L.sg_nanmedian, L.sg_nanmedian_dim, input, dim, keepdim)


# ---- aminmax, var_mean, std_mean -----------------------------------------------------------

@export("aminmax")
@method("aminmax")
def aminmax(input, *, dim=None, keepdim=False, axis=_MISSING, keepdims=_MISSING):  # noqa: A002
    """(min, max) of all elements or along `dim` (torch.aminmax)."""
    dim, keepdim = _dim_aliases("aminmax", dim, keepdim, axis, keepdims)
    _require_tensor("aminmax", "input", 1, input)
    return aminmax_result(*_pair(L.sg_aminmax, input._handle, _optional_dim(dim), builtins.bool(keepdim)))


def _moments(name, function, input, dim, unbiased, keepdim, correction):  # noqa: A002
    _require_tensor(name, "input", 1, input)
    if isinstance(dim, builtins.bool):  # var_mean(x, True): the second positional is `unbiased`
        dim, unbiased = None, dim
    array, n = _shape_array(_dims(dim))
    return _pair(function, input._handle, array, n, _correction(name, unbiased, correction), builtins.bool(keepdim))


@export("var_mean")
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=_MISSING,  # noqa: A002
             keepdims=_MISSING):
    """(variance, mean) over `dim` (torch.var_mean); unbiased=False or correction=0 divide by n."""
    dim, keepdim = _dim_aliases("var_mean", dim, keepdim, axis, keepdims)
    return _moments("var_mean", L.sg_var_mean, input, dim, unbiased, keepdim, correction)


@export("std_mean")
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=_MISSING,  # noqa: A002
             keepdims=_MISSING):
    """(standard deviation, mean) over `dim` (torch.std_mean)."""
    dim, keepdim = _dim_aliases("std_mean", dim, keepdim, axis, keepdims)
    return _moments("std_mean", L.sg_std_mean, input, dim, unbiased, keepdim, correction)


# ---- quantile, nanquantile -----------------------------------------------------------------

_INTERPOLATIONS = {"linear": 0, "lower": 1, "higher": 2, "midpoint": 3, "nearest": 4}


def _quantile(name, function, input, q, dim, keepdim, interpolation):  # noqa: A002
    _require_tensor(name, "input", 1, input)
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    q = q if isinstance(q, Tensor) else _operand(builtins.float(q))
    return _make(function, input._handle, q._handle, _optional_dim(dim), builtins.bool(keepdim),
                 _INTERPOLATIONS[interpolation])


@export("quantile")
@method("quantile")
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", axis=_MISSING, keepdims=_MISSING):  # noqa: A002
    """The q-th quantiles of all elements or along `dim` (torch.quantile)."""
    dim, keepdim = _dim_aliases("quantile", dim, keepdim, axis, keepdims)
    return _quantile("quantile", L.sg_quantile, input, q, dim, keepdim, interpolation)


@export("nanquantile")
@method("nanquantile")
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", axis=_MISSING,  # noqa: A002
                keepdims=_MISSING):
    """The q-th quantiles ignoring NaN (torch.nanquantile)."""
    dim, keepdim = _dim_aliases("nanquantile", dim, keepdim, axis, keepdims)
    return _quantile("nanquantile", L.sg_nanquantile, input, q, dim, keepdim, interpolation)


# ---- unique, unique_consecutive ------------------------------------------------------------

def _one_or_tuple(results):
    return results[0] if len(results) == 1 else results


@export("unique")
@method("unique")
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements (slices along `dim`), with inverse indices and counts when asked
    for (torch.unique): a tensor, or a tuple of 2 or 3."""
    _require_tensor("unique", "input", 1, input)
    return _one_or_tuple(_tensor_list(L.sg_unique, input._handle, builtins.bool(sorted), builtins.bool(return_inverse),
                                      builtins.bool(return_counts), _optional_dim(dim)))


@export("unique_consecutive")
@method("unique_consecutive")
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Consecutive repeats collapsed, with inverse indices and counts when asked for."""
    _require_tensor("unique_consecutive", "input", 1, input)
    return _one_or_tuple(_tensor_list(L.sg_unique_consecutive, input._handle, builtins.bool(return_inverse),
                                      builtins.bool(return_counts), _optional_dim(dim)))


# ---- histogram, histogramdd ----------------------------------------------------------------

def _bin_edges(rows, dim, bins, low, high):
    lo = None if low is None else _byref(_c_double(builtins.float(low)))
    hi = None if high is None else _byref(_c_double(builtins.float(high)))
    return _make(L.sg_histogram_bin_edges, rows._handle, dim, _int(bins), lo, hi)


def _histogramdd(input, edges, weight, density):  # noqa: A002
    array, n = _handles(edges, "histogramdd")
    return _make(L.sg_histogramdd, input._handle, array, n, None if weight is None else weight._handle,
                 builtins.bool(density))


@export("histogram")
@method("histogram")
def histogram(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """(hist, bin_edges): the histogram of the elements over `bins` equal bins (over `range`,
    or the data's) or over the edges of a 1-d tensor `bins` (torch.histogram)."""
    _require_tensor("histogram", "input", 1, input)
    rows = input.reshape(-1, 1)
    if isinstance(bins, Tensor):
        edges = bins.clone()
    else:
        low, high = (None, None) if range is None else range
        edges = _bin_edges(rows, 0, bins, low, high)
    hist = _histogramdd(rows, [edges], None if weight is None else weight.reshape(-1), density)
    return histogram_result(hist, edges)


@export("histogramdd")
def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """(hist, bin_edges): the N-dimensional histogram of the rows of `input` (its last dimension
    is N), over bin counts (one int for all, or N) or N tensors of edges (torch.histogramdd)."""
    _require_tensor("histogramdd", "input", 1, input)
    if input.dim() < 2:
        raise RuntimeError(f"torch.histogramdd: input tensor should have at least 2 dimensions, but got {input.dim()}")
    n = input.shape[-1]
    if isinstance(bins, numbers.Integral):
        bins = [bins] * n
    bins = list(bins)
    if bins and isinstance(bins[0], Tensor):
        edges = bins
    else:
        if len(bins) != n:
            raise RuntimeError(f"torch.histogramdd: expected {n} sequences of bin edges for a {n}-dimensional "
                               f"histogram but got {len(bins)}")
        if range is not None and len(range) != 2 * n:
            raise RuntimeError(f"torch.histogramdd: for a {n}-dimensional histogram range should have {2 * n} "
                               f"elements, but got {len(range)}")
        rows = input.reshape(-1, n)
        edges = [_bin_edges(rows, d, b, *((None, None) if range is None else range[2 * d:2 * d + 2]))
                 for d, b in enumerate(bins)]
    return histogramdd_result(_histogramdd(input, edges, weight, density), tuple(edges))


# ---- searchsorted, isin --------------------------------------------------------------------

@export("searchsorted")
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):  # noqa: A002
    """Insertion indices of `input`'s values into the last dimension of `sorted_sequence`
    (torch.searchsorted); side='right' is right=True."""
    _require_tensor("searchsorted", "sorted_sequence", 1, sorted_sequence)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    values = _operand(input)
    return _make(L.sg_searchsorted, sorted_sequence._handle, values._handle, builtins.bool(out_int32),
                 builtins.bool(right), None if sorter is None else sorter._handle)


@export("isin")
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each of `elements` is in `test_elements` (torch.isin); either may be a number."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments: elements or test_elements must be "
                        "a Tensor")
    elements, test_elements = _operand(elements), _operand(test_elements)
    return _make(L.sg_isin, elements._handle, test_elements._handle, builtins.bool(assume_unique), builtins.bool(invert))


# ---- torch.masked: the functions whose dtype= converts the result --------------------------

def _optional_operand(value):
    """A tensor argument that may be None (or a number): the tensor, which the caller keeps
    alive for the duration of the call, and its handle."""
    tensor = None if value is None else _operand(value)
    return tensor, None if tensor is None else tensor._handle


def _masked(name, function, input, *args, dtype=None, mask=None):  # noqa: A002
    _require_tensor(name, "input", 1, input)
    mask, mask_handle = _optional_operand(mask)
    result = _make(function, input._handle, *args, mask_handle)
    return result if dtype is None else result.to(dtype)


@export("argmax", namespace="masked")
def masked_argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):  # noqa: A002
    """torch.masked.argmax: the index of the largest masked-in element, in the input's dtype (or `dtype`)."""
    return _masked("argmax", L.sg_masked_argmax, input, _optional_dim(dim), builtins.bool(keepdim),
                   dtype=dtype, mask=mask)


@export("argmin", namespace="masked")
def masked_argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):  # noqa: A002
    """torch.masked.argmin: the index of the smallest masked-in element."""
    return _masked("argmin", L.sg_masked_argmin, input, _optional_dim(dim), builtins.bool(keepdim),
                   dtype=dtype, mask=mask)


@export("logsumexp", namespace="masked")
def masked_logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):  # noqa: A002
    """torch.masked.logsumexp: log(sum(exp)) of the masked-in elements."""
    array, n = _shape_array(_dims(dim))
    return _masked("logsumexp", L.sg_masked_logsumexp, input, array, n, builtins.bool(keepdim), dtype=dtype, mask=mask)


@export("median", namespace="masked")
def masked_median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):  # noqa: A002
    """torch.masked.median: the median of the masked-in elements along `dim` (the input's
    dtype for floating input, whatever `dtype` says)."""
    _require_tensor("median", "input", 1, input)
    mask, mask_handle = _optional_operand(mask)
    result = _make(L.sg_masked_median, input._handle, _int(dim), builtins.bool(keepdim), mask_handle)
    return result if dtype is None or input.is_floating_point() else result.to(dtype)


@export("logaddexp", namespace="masked")
def masked_logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):  # noqa: A002
    """torch.masked.logaddexp: log(exp(input) + exp(other)) with masked-out elements as -inf."""
    _require_tensor("logaddexp", "input", 1, input)
    _require_tensor("logaddexp", "other", 2, other)
    input_mask, input_handle = _optional_operand(input_mask)
    other_mask, other_handle = _optional_operand(other_mask)
    result = _make(L.sg_masked_logaddexp, input._handle, other._handle, input_handle, other_handle)
    return result if dtype is None else result.to(dtype)


def _masked_moment(name, function, input, dim, unbiased, correction, keepdim, dtype, mask):  # noqa: A002
    _require_tensor(name, "input", 1, input)
    if dtype is not None:
        input = input.to(dtype)
    array, n = _shape_array(_dims(dim))
    mask, mask_handle = _optional_operand(mask)
    return _make(function, input._handle, array, n, _correction(name, unbiased, correction), builtins.bool(keepdim),
                 mask_handle)


@export("var", namespace="masked")
def masked_var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):  # noqa: A002
    """torch.masked.var: the variance of the masked-in elements."""
    return _masked_moment("var", L.sg_masked_var, input, dim, unbiased, correction, keepdim, dtype, mask)


@export("std", namespace="masked")
def masked_std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):  # noqa: A002
    """torch.masked.std: the standard deviation of the masked-in elements."""
    return _masked_moment("std", L.sg_masked_std, input, dim, unbiased, correction, keepdim, dtype, mask)
