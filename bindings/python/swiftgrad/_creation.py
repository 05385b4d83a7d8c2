"""Creating tensors: torch.tensor from data (Python numbers, nested sequences, NumPy arrays),
zeros, ones, full, the *_like forms, arange, randn and the random seed."""
import builtins
import numbers
import warnings

from . import _dtype
from . import _lib as L
from ._tensor import Tensor, _check, _make_as, _numpy, _shape_array, _size_arguments


def _flatten(data):
    """Nested sequences to (flat values, shape), checking that they are rectangular."""
    shape = []
    level = [data]
    while level and isinstance(level[0], (list, tuple)):
        n = len(level[0])
        for seq in level:
            if not isinstance(seq, (list, tuple)):
                raise ValueError(f"expected sequence of length {n} at dim {len(shape)} (got {type(seq).__name__})")
            if len(seq) != n:
                raise ValueError(f"expected sequence of length {n} at dim {len(shape)} (got {len(seq)})")
        shape.append(n)
        level = [x for seq in level for x in seq]
    for x in level:
        if isinstance(x, (list, tuple)):
            raise ValueError(f"expected sequence of length {shape[-1] if shape else 0} at dim {len(shape)} (got {len(x)})")
    return level, shape


def _infer_dtype(values):
    kind = _dtype.bool
    for v in values:
        if isinstance(v, builtins.bool):
            continue
        if isinstance(v, numbers.Integral):
            kind = _dtype.int64 if kind is _dtype.bool else kind
        elif isinstance(v, numbers.Real):
            return _dtype.float32
        elif isinstance(v, Tensor):
            kind = _dtype.float32 if v.dtype.is_floating_point else (_dtype.int64 if kind is _dtype.bool and v.dtype is _dtype.int64 else kind)
        else:
            raise TypeError(f"new(): invalid data type '{type(v).__name__}'")
    return kind if values else _dtype.float32


def _from_numpy_like(data, dtype):
    np = _numpy()
    array = np.asarray(data)
    if dtype is None:
        kind = array.dtype.kind
        if kind == "b":
            dtype = _dtype.bool
        elif kind in "iu":
            dtype = _dtype.int64
        elif kind == "f":
            dtype = _dtype.float64 if array.dtype.itemsize == 8 else _dtype.float32
        else:
            raise TypeError(f"can't convert np.ndarray of type numpy.{array.dtype}. The only supported types are: float64, float32, int64, bool and other integers.")
    array = np.ascontiguousarray(array, dtype=dtype._numpy_name)
    shape, n = _shape_array(array.shape)
    return _make_as(dtype, L.sg_tensor_from_data, array.ctypes.data if array.size else None, shape, n)


def tensor(data, dtype: _dtype.dtype | None = None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`: a Python number, nested lists or tuples of numbers,
    a NumPy array, or a tensor. The dtype is inferred as PyTorch does (floats: float32, ints:
    int64, bools: bool) unless given."""
    if device not in (None, "cpu"):
        raise RuntimeError(f"swiftgrad supports only the CPU device, not {device!r}")
    if dtype is not None and not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"tensor(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
                      "or sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        result = data.detach().clone()
        if dtype is not None:
            result = result.to(dtype)
    elif hasattr(data, "__array_interface__") or type(data).__module__ == "numpy":
        result = _from_numpy_like(data, dtype)
    else:
        if isinstance(data, (list, tuple)):
            values, shape = _flatten(data)
        elif isinstance(data, numbers.Number) or isinstance(data, Tensor):
            values, shape = [data], []
        else:
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        values = [v.item() if isinstance(v, Tensor) else v for v in values] if any(isinstance(v, Tensor) for v in values) else values
        kind = dtype or _infer_dtype(values)
        for v in values:
            if not isinstance(v, numbers.Real):
                raise TypeError(f"new(): invalid data type '{type(v).__name__}'")
        n = len(values)
        if kind is _dtype.int64 and any(not isinstance(v, numbers.Integral) for v in values):
            values = [int(v) for v in values]
        buffer = (kind._ctype * n)(*values)
        shape_array, ndim = _shape_array(shape)
        result = _make_as(kind, L.sg_tensor_from_data, buffer if n else None, shape_array, ndim)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _creation_dtype(dtype):
    if dtype is None:
        return _dtype.float32
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    return dtype


def zeros(*sizes: int, size=None, dtype: _dtype.dtype | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given size."""
    shape, n = _shape_array(_size_arguments("zeros", sizes, size))
    return _finish(_make_as(_creation_dtype(dtype), L.sg_zeros, shape, n), requires_grad)


def ones(*sizes: int, size=None, dtype: _dtype.dtype | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given size."""
    shape, n = _shape_array(_size_arguments("ones", sizes, size))
    return _finish(_make_as(_creation_dtype(dtype), L.sg_ones, shape, n), requires_grad)


def full(size, fill_value: float, dtype: _dtype.dtype | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of `size` filled with `fill_value` (dtype from the value when not given)."""
    if dtype is None:
        dtype = (_dtype.bool if isinstance(fill_value, builtins.bool)
                 else _dtype.int64 if isinstance(fill_value, numbers.Integral) else _dtype.float32)
    shape, n = _shape_array(_size_arguments("full", (size,)))
    return _finish(_make_as(_creation_dtype(dtype), L.sg_full, shape, n, builtins.float(fill_value)), requires_grad)


def zeros_like(t: Tensor, dtype: _dtype.dtype | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros shaped like `t`."""
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype: _dtype.dtype | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones shaped like `t`."""
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: _dtype.dtype | None = None,
           requires_grad: bool = False) -> Tensor:
    """torch.arange: int64 when start, end and step are all integers, float32 otherwise."""
    if end is None:
        start, end = 0, start
    for name, v in (("start", start), ("end", end), ("step", step)):
        if isinstance(v, Tensor):
            v = v.item()
        if not isinstance(v, numbers.Real):
            raise TypeError(f"arange(): argument '{name}' must be Number, not {type(v).__name__}")
    if dtype is None:
        dtype = _dtype.int64 if all(isinstance(v, numbers.Integral) for v in (start, end, step)) else _dtype.float32
    result = _make_as(_creation_dtype(dtype), L.sg_arange, builtins.float(start), builtins.float(end), builtins.float(step))
    return _finish(result, requires_grad)


def randn(*sizes: int, size=None, dtype: _dtype.dtype | None = None, requires_grad: bool = False, generator=None) -> Tensor:
    """Values drawn from the standard normal distribution."""
    if generator is not None:
        raise NotImplementedError("swiftgrad.randn does not take a generator yet; use manual_seed")
    shape, n = _shape_array(_size_arguments("randn", sizes, size))
    return _finish(_make_as(_creation_dtype(dtype), L.sg_randn, shape, n), requires_grad)


def manual_seed(seed: int) -> None:
    """Seeds the random generator of rand, randn, randint and normal."""
    _check(L.sg_manual_seed(int(seed) & 0xFFFF_FFFF_FFFF_FFFF))


def _finish(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t
