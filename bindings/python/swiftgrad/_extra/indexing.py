"""Indexing, scattering and contractions whose Python the op table cannot express: PyTorch
raises IndexError for some of their errors, takes lists of optional index tensors, overloads
(scatter's src or value, trapezoid's x or dx, einsum's equation or sublists), and argument forms
that are converted here before the one C call (tensordot's dims, gradient's spacing)."""
import builtins
import numbers

from .. import _lib as L
from .._creation import full
from .._indexing import index_tensors
from .._tensor import (
    Tensor, _anomaly, _byref, _c_void_p, _check, _handles, _int, _make, _operand, _record_call_site,
    _require_tensor, _shape_array, _tensor_list, _wrap,
)
from ._registry import export, method


class _InPlace:
    """The in-place C function (sg_index_add_) given to an implementation in place of its
    out-of-place one: `_call` then writes into the first tensor and returns nothing."""

    def __init__(self, function):
        self.function = function


def _call(function, index_errors, *args):
    """One C call returning a tensor (or, for an _InPlace function, writing into args[0]); an
    error whose message contains one of `index_errors`, or a dimension out of range, is an
    IndexError, as PyTorch raises it, any other the usual RuntimeError."""
    if _anomaly[0]:
        _record_call_site()
    out = _c_void_p()
    status = function.function(*args) if isinstance(function, _InPlace) else function(*args, out)
    if status:
        message = L.sg_last_error().decode("utf-8", "replace")
        index_error = (message.startswith("Dimension out of range") or "but tensor has no dimensions" in message
                       or any(m in message for m in index_errors))
        _check(status, IndexError if index_error else None)
    return None if isinstance(function, _InPlace) else _wrap(out.value)


def _forms(name, implementation, function, in_place=None):
    """Registers `implementation(function, self, ...)` as Tensor.<name> and torch.<name>, and
    with `in_place` (the sg_NAME_ function) as Tensor.<name>_, which returns self."""
    def method_(self, *args, **kwargs):
        return implementation(function, self, *args, **kwargs)
    method_.__name__, method_.__doc__ = name, implementation.__doc__
    _both(name, method_)
    if in_place is not None:
        def in_place_(self, *args, **kwargs):
            implementation(_InPlace(in_place), self, *args, **kwargs)
            return self
        in_place_.__name__ = name + "_"
        in_place_.__doc__ = f"Tensor.{name} in place (the result keeps self's shape and dtype); returns self."
        method(name + "_")(in_place_)


def _tensor_argument(function, name, position, value):
    _require_tensor(function, name, position, value)
    return value


def _both(name, implementation):
    """Registers `implementation(self, ...)` as Tensor.<name> and torch.<name>(input, ...)."""
    method(name)(implementation)

    def function(input, *args, **kwargs):  # noqa: A002 - PyTorch's name
        _require_tensor(name, "input", 1, input)
        return implementation(input, *args, **kwargs)
    function.__name__ = name
    function.__doc__ = f"torch.{name}: see Tensor.{name}."
    export(name)(function)
    return implementation


# ---- along one dimension --------------------------------------------------------------------

_OUT_OF_RANGE = ("index out of range in self", "Index is supposed to be a vector", "Index to scalar can have only")


def index_select(self, dim, index):
    """The slices of self at positions `index` along `dim`."""
    _tensor_argument("index_select", "index", 2, index)
    return _call(L.sg_index_select, _OUT_OF_RANGE, self._handle, _int(dim), index._handle)


def index_add(function, self, dim, index, source, *, alpha=1):
    """A copy of self with alpha * source added at positions `index` along `dim`."""
    _tensor_argument("index_add", "index", 2, index)
    _tensor_argument("index_add", "source", 3, source)
    return _call(function, _OUT_OF_RANGE, self._handle, _int(dim), index._handle, source._handle,
                 builtins.float(alpha))


def index_copy(function, self, dim, index, source):
    """A copy of self with the slices of `source` written at positions `index` along `dim`."""
    _tensor_argument("index_copy", "index", 2, index)
    _tensor_argument("index_copy", "source", 3, source)
    return _call(function, ("index_copy_(): index", "Index should have dimension", "Number of indices"),
                 self._handle, _int(dim), index._handle, source._handle)


def index_fill(function, self, dim, index, value):
    """A copy of self with `value` (a number or a 0-d tensor) at positions `index` along `dim`."""
    _tensor_argument("index_fill", "index", 2, index)
    value = _operand(value)
    return _call(function, ("is out of bounds for dimension", "Expected dtype int64 for index"),
                 self._handle, _int(dim), index._handle, value._handle)


def index_reduce(function, self, dim, index, source, reduce, *, include_self=True):
    """self with the slices of `source` reduced ("prod", "mean", "amax", "amin") into positions
    `index` along `dim`."""
    _tensor_argument("index_reduce", "index", 2, index)
    _tensor_argument("index_reduce", "source", 3, source)
    if not isinstance(reduce, str):
        raise TypeError(f"index_reduce(): argument 'reduce' must be str, not {type(reduce).__name__}")
    return _call(function, _OUT_OF_RANGE, self._handle, _int(dim), index._handle, source._handle,
                 reduce.encode(), builtins.bool(include_self))


_both("index_select", index_select)
_forms("index_add", index_add, L.sg_index_add, L.sg_index_add_)
_forms("index_copy", index_copy, L.sg_index_copy, L.sg_index_copy_)
_forms("index_fill", index_fill, L.sg_index_fill, L.sg_index_fill_)
_forms("index_reduce", index_reduce, L.sg_index_reduce, L.sg_index_reduce_)


# ---- flat positions --------------------------------------------------------------------------

_FLAT_ERRORS = ("out of range: tried to access", "tried to take from an empty tensor",
                "Tried to put elements into an empty tensor", "Expected source and index to have")


def take(self, index):
    """The elements of self at flat (row-major) positions `index`, in index's shape."""
    _tensor_argument("take", "index", 2, index)
    return _call(L.sg_take, _FLAT_ERRORS, self._handle, index._handle)


def put(function, self, index, source, accumulate=False):
    """A copy of self with `source` written (added, with accumulate) at flat positions `index`."""
    _tensor_argument("put", "index", 2, index)
    _tensor_argument("put", "source", 3, source)
    return _call(function, _FLAT_ERRORS, self._handle, index._handle, source._handle, builtins.bool(accumulate))


_both("take", take)
_forms("put", put, L.sg_put, L.sg_put_)


# ---- scatter -----------------------------------------------------------------------------------

_SCATTER_REDUCE = {"add": "sum", "multiply": "prod"}


def _scatter(functions, self, dim, index, src=None, *, value=None, reduce=None):
    """A copy of self with `src` (a tensor, or a number: `value`) written at `index` along `dim`;
    with reduce="add" or "multiply", combined with what is there instead."""
    scatter_function, reduce_function = functions
    _tensor_argument("scatter", "index", 2, index)
    if (src is None) == (value is None):
        raise TypeError("scatter() received an invalid combination of arguments: give src or value")
    if value is not None or not isinstance(src, Tensor):
        number = value if value is not None else src
        if not isinstance(number, numbers.Number):
            raise TypeError(f"scatter(): argument 'src' must be Tensor or Number, not {type(number).__name__}")
        if reduce is None:
            number = _operand(number)  # kept alive until the call returns
            return _call(scatter_function, (), self._handle, _int(dim), index._handle, number._handle)
        src = full(tuple(index.shape), number, dtype=self.dtype)
    if reduce is None:
        return _call(scatter_function, (), self._handle, _int(dim), index._handle, src._handle)
    if reduce not in _SCATTER_REDUCE:
        raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
    return _call(reduce_function, (), self._handle, _int(dim), index._handle, src._handle,
                 _SCATTER_REDUCE[reduce].encode(), True)


@method("scatter")
def scatter(self, dim, index, src=None, *, value=None, reduce=None):
    """A copy of self with `src` (a tensor, or a number: `value`) written at `index` along `dim`;
    with reduce="add" or "multiply", combined with what is there instead."""
    return _scatter((L.sg_scatter, L.sg_scatter_reduce), self, dim, index, src, value=value, reduce=reduce)


@method("scatter_")
def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    """Tensor.scatter in place; returns self."""
    _scatter((_InPlace(L.sg_scatter_), _InPlace(L.sg_scatter_reduce_)), self, dim, index, src, value=value,
             reduce=reduce)
    return self


@export("scatter")
def _scatter_function(input, dim, index, src=None, *, value=None, reduce=None):  # noqa: A002
    """torch.scatter: see Tensor.scatter."""
    _require_tensor("scatter", "input", 1, input)
    return scatter(input, dim, index, src, value=value, reduce=reduce)


# ---- advanced indexing out of place ----------------------------------------------------------

_ADVANCED_ERRORS = ("is out of bounds for dimension", "too many indices")


def _indices(name, indices):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{name}(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}")
    return index_tensors(indices)


def index_put(self, indices, values, accumulate=False):
    """A copy of self with `values` written (added, with accumulate) at self[indices]."""
    array, n, keep = _indices("index_put", indices)
    _tensor_argument("index_put", "values", 3, values)
    result = _call(L.sg_index_put, _ADVANCED_ERRORS, self._handle, array, n, values._handle, builtins.bool(accumulate))
    del keep  # the index tensors lived until the call returned
    return result


_both("index_put", index_put)


@export("_unsafe_masked_index")
def _unsafe_masked_index(input, mask, indices, fill):  # noqa: A002
    """where(mask, input[indices], fill), the indices clamped into range first."""
    _require_tensor("_unsafe_masked_index", "input", 1, input)
    _tensor_argument("_unsafe_masked_index", "mask", 2, mask)
    if isinstance(fill, Tensor):
        fill = fill.item()
    array, n, keep = _indices("_unsafe_masked_index", indices)
    result = _call(L.sg_unsafe_masked_index, (), input._handle, mask._handle, array, n, builtins.float(fill))
    del keep
    return result


@export("_unsafe_masked_index_put_accumulate")
def _unsafe_masked_index_put_accumulate(input, mask, indices, values):  # noqa: A002
    """index_put(input, indices, values where mask else 0, accumulate=True), clamped indices."""
    _require_tensor("_unsafe_masked_index_put_accumulate", "input", 1, input)
    _tensor_argument("_unsafe_masked_index_put_accumulate", "mask", 2, mask)
    _tensor_argument("_unsafe_masked_index_put_accumulate", "values", 4, values)
    array, n, keep = _indices("_unsafe_masked_index_put_accumulate", indices)
    result = _call(L.sg_unsafe_masked_index_put_accumulate, (), input._handle, mask._handle, array, n, values._handle)
    del keep
    return result


def argwhere(self):
    """The indices of the non-zero elements, one row each (torch.argwhere, as torch.nonzero)."""
    return _make(L.sg_nonzero, self._handle)


_both("argwhere", argwhere)


@export("_chunk_cat")
def _chunk_cat(tensors, dim, num_chunks):
    """Each tensor split into num_chunks zero-padded chunks along dim and chunk i of all
    concatenated (torch._chunk_cat)."""
    array, n = _handles(tensors, "_chunk_cat")
    return _make(L.sg_chunk_cat, array, n, _int(dim), _int(num_chunks))


# ---- contractions ------------------------------------------------------------------------------

@export("tensordot")
def tensordot(a, b, dims=2, out=None):
    """Contracts dims of a with dims of b: dims is a number n (the last n of a with the first n of
    b) or two lists of dimensions."""
    _require_tensor("tensordot", "a", 1, a)
    _require_tensor("tensordot", "b", 2, b)
    if out is not None:
        raise TypeError("tensordot(): out= is not supported")
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, numbers.Integral):
        dims = int(dims)
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > builtins.min(a.dim(), b.dim()):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    elif isinstance(dims, (list, tuple)) and len(dims) == 2:
        dims_a, dims_b = dims
        dims_a = [dims_a] if isinstance(dims_a, numbers.Integral) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, numbers.Integral) else list(dims_b)
    else:
        raise RuntimeError(f"tensordot expects dims to be an int or a pair of lists, got {dims!r}")
    array_a, n_a = _shape_array([_int(d) for d in dims_a])
    array_b, n_b = _shape_array([_int(d) for d in dims_b])
    return _call(L.sg_tensordot, (), a._handle, b._handle, array_a, n_a, array_b, n_b)


def _sublist_equation(sublist):
    """einsum's sublist format: 0-25 are A-Z, 26-51 a-z, Ellipsis is '...'."""
    parts = []
    for s in sublist:
        if s is Ellipsis:
            parts.append("...")
        elif isinstance(s, numbers.Integral) and 0 <= s < 52:
            parts.append(chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26))
        else:
            raise ValueError(f"einsum(): subscript in subscript list is not within the valid range [0, 52), got {s}")
    return "".join(parts)


@export("einsum")
def einsum(*args):
    """Einstein summation: einsum("ij,jk->ik", a, b), einsum("ij,jk", [a, b]), or the sublist
    form einsum(a, [0, 1], b, [1, 2], [0, 2])."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = operands[0]
    else:
        operands = list(args[0::2][:len(args) // 2])
        sublists = list(args[1::2])
        equation = ",".join(_sublist_equation(s) for s in sublists[:len(operands)])
        if len(args) % 2 == 1:
            equation += "->" + _sublist_equation(args[-1])
    array, n = _handles(operands, "einsum")
    return _make(L.sg_einsum, equation.encode(), array, n)


# ---- integration and differentiation of samples --------------------------------------------

_NO_DIMENSIONS = ("but tensor has no dimensions", "cannot be applied to a 0-dim tensor")


def _trapezoid_arguments(name, y, x, dx):
    _require_tensor(name, "y", 1, y)
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments: got both x and dx")
    if x is not None and not isinstance(x, Tensor):
        if isinstance(x, numbers.Number):  # trapezoid(y, 0.5): a spacing given positionally
            return None, builtins.float(x)
        raise TypeError(f"{name}(): argument 'x' must be Tensor, not {type(x).__name__}")
    return x, 1.0 if dx is None else builtins.float(dx)


@export("trapezoid")
def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of y along dim by the trapezoid rule, at sample points x or with spacing dx."""
    x, dx = _trapezoid_arguments("trapezoid", y, x, dx)
    return _call(L.sg_trapezoid, _NO_DIMENSIONS, y._handle, None if x is None else x._handle, dx, _int(dim))


@export("trapz")
def trapz(y, x=None, *, dx=None, dim=-1):
    """torch.trapz: torch.trapezoid."""
    x, dx = _trapezoid_arguments("trapz", y, x, dx)
    return _call(L.sg_trapezoid, _NO_DIMENSIONS, y._handle, None if x is None else x._handle, dx, _int(dim))


@export("cumulative_trapezoid")
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid integral of y along dim."""
    x, dx = _trapezoid_arguments("cumulative_trapezoid", y, x, dx)
    return _call(L.sg_cumulative_trapezoid, _NO_DIMENSIONS, y._handle, None if x is None else x._handle, dx, _int(dim))


@export("gradient")
def gradient(input, *, spacing=1, dim=None, edge_order=1):  # noqa: A002
    """The derivatives of input along each of dim (all dimensions when None) by finite
    differences: spacing is a number, a list of numbers, or a list of 1-d coordinate tensors."""
    _require_tensor("gradient", "input", 1, input)
    if dim is None:
        dims = ()
    elif isinstance(dim, numbers.Integral):
        dims = (int(dim),)
    else:
        dims = tuple(_int(d) for d in dim)
    count = len(dims) if dim is not None else input.dim()
    if spacing is None:
        spacing = []
    elif isinstance(spacing, (numbers.Number, Tensor)) and not (isinstance(spacing, Tensor) and spacing.dim() > 0):
        spacing = [spacing] * count
    elif not isinstance(spacing, (list, tuple)):
        raise TypeError(f"gradient(): argument 'spacing' must be a number or a list, not {type(spacing).__name__}")
    spacing = [_operand(s) for s in spacing]
    array, n = _handles(spacing, "gradient")
    dims_array, ndims = _shape_array(dims)
    return _tensor_list(L.sg_gradient, input._handle, array, n, dims_array, ndims, _int(edge_order))
