"""Creating tensors: torch.tensor from data (Python numbers, nested sequences, NumPy arrays,
tensors), zeros, ones, empty, full and their *_like and Tensor.new_* forms, arange, linspace,
logspace, eye, scalar_tensor. Every factory takes PyTorch's dtype=, device=, requires_grad= (and
ignores layout=torch.strided and pin_memory=False, the only values PyTorch's CPU build has)."""
import builtins
import numbers
import warnings

from . import _device
from . import _dtype
from . import _lib as L
from ._tensor import Tensor, _make, _make_as, _numpy, _shape_array, _size_arguments


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
    """PyTorch's inference for data given as Python values: bool if all are bools, int64 if all
    are ints (or bools), the default float dtype if any is a float; a tensor element counts by its
    dtype's kind."""
    kind = _dtype.bool
    for v in values:
        if isinstance(v, builtins.bool):
            continue
        if isinstance(v, numbers.Integral):
            kind = _dtype.int64 if kind is _dtype.bool else kind
        elif isinstance(v, numbers.Real):
            return _dtype.get_default_dtype()
        elif isinstance(v, Tensor):
            if v.dtype.is_floating_point:
                return _dtype.get_default_dtype()
            if v.dtype is not _dtype.bool and kind is _dtype.bool:
                kind = _dtype.int64
        else:
            raise TypeError(f"new(): invalid data type '{type(v).__name__}'")
    return kind if values else _dtype.get_default_dtype()


def _check_fits(values, dtype):
    """PyTorch's overflow check of Python ints given for an integer dtype (unsigned dtypes let
    negative values down to -max wrap)."""
    if dtype.is_floating_point or dtype is _dtype.bool:
        return
    bits = dtype.itemsize * 8
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if dtype.is_signed else (-((1 << bits) - 1), (1 << bits) - 1)
    for v in values:
        if isinstance(v, numbers.Integral) and not isinstance(v, builtins.bool) and not low <= v <= high:
            raise RuntimeError(f"value cannot be converted to type {dtype._name} without overflow")


def _from_numpy_like(data, dtype):
    np = _numpy()
    array = np.asarray(data)
    source = _dtype.by_numpy_name.get(array.dtype.name)
    if source is None:
        raise TypeError(f"can't convert np.ndarray of type numpy.{array.dtype}. The only supported types are: "
                        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, "
                        "uint32, uint16, uint8, and bool.")
    array = np.require(array, requirements=["C"])  # ascontiguousarray would make a 0-d array 1-d
    shape, n = _shape_array(array.shape)
    result = _make_as(source, L.sg_tensor_from_data, array.ctypes.data if array.size else None, shape, n)
    return result if dtype is None else result.to(dtype)


def tensor(data, dtype: _dtype.dtype | None = None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`: a Python number, nested lists or tuples of numbers
    or tensors, a NumPy array, or a tensor. The dtype is inferred as PyTorch does (floats:
    float32, ints: int64, bools: bool; a NumPy array keeps its dtype) unless given."""
    _device.check(device)
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
        elif isinstance(data, numbers.Number):
            values, shape = [data], []
        else:
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        if any(isinstance(v, Tensor) for v in values):
            kind = dtype or _infer_dtype(values)
            values = [v.item() if isinstance(v, Tensor) else v for v in values]
        else:
            kind = dtype or _infer_dtype(values)
        for v in values:
            if not isinstance(v, numbers.Real):
                raise TypeError(f"new(): invalid data type '{type(v).__name__}'")
        _check_fits(values, kind)
        result = _from_values(values, shape, kind)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _from_values(values, shape, dtype):
    """A tensor of `dtype` from Python numbers: floats through float64, integers through int64
    (exactly), converted as PyTorch converts them."""
    n = len(values)
    if dtype is _dtype.bool:
        carrier = _dtype.bool
    elif dtype.is_floating_point:
        carrier = dtype if dtype is _dtype.float32 or dtype is _dtype.float64 else _dtype.float64
    elif all(isinstance(v, numbers.Integral) for v in values):
        carrier = _dtype.int64
    else:
        carrier = _dtype.float64
    if carrier is _dtype.int64:
        values = [int(v) for v in values]
    buffer = (carrier._ctype * n)(*values)
    shape_array, ndim = _shape_array(shape)
    result = _make_as(carrier, L.sg_tensor_from_data, buffer if n else None, shape_array, ndim)
    return result if carrier is dtype else result.to(dtype)


def as_tensor(data, dtype=None, device=None):
    """A tensor over `data`: a tensor itself (converted if dtype differs), a NumPy array's
    memory when possible (torch.from_numpy), else a copy (torch.tensor)."""
    _device.check(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype is dtype else data.to(dtype)
    if hasattr(data, "__array_interface__"):
        from ._interop import from_numpy  # noqa: PLC0415 - _interop imports this module
        try:
            result = from_numpy(data)
        except (TypeError, ValueError, RuntimeError):
            return tensor(data, dtype=dtype)
        return result if dtype is None or result.dtype is dtype else result.to(dtype)
    return tensor(data, dtype=dtype)


def _creation_dtype(dtype, default=None):
    if dtype is None:
        return default or _dtype.get_default_dtype()
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    return dtype


def _finish(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t


def _filled(name, function, sizes, size, dtype, device, requires_grad, *value):
    _device.check(device)
    shape, n = _shape_array(_size_arguments(name, sizes, size))
    return _finish(_make_as(_creation_dtype(dtype), function, shape, n, *value), requires_grad)


def zeros(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of zeros of the given size."""
    return _filled("zeros", L.sg_zeros, sizes, size, dtype, device, requires_grad)


def ones(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of ones of the given size."""
    return _filled("ones", L.sg_ones, sizes, size, dtype, device, requires_grad)


def empty(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None) -> Tensor:
    """A tensor of the given size whose values are not set (swiftgrad gives zeros)."""
    return _filled("empty", L.sg_zeros, sizes, size, dtype, device, requires_grad)


def _fill_dtype(fill_value):
    """full()'s dtype for a fill value: bool, int64 or the default float dtype."""
    if isinstance(fill_value, builtins.bool):
        return _dtype.bool
    if isinstance(fill_value, numbers.Integral):
        return _dtype.int64
    if isinstance(fill_value, Tensor):
        return fill_value.dtype
    return _dtype.get_default_dtype()


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of `size` filled with `fill_value` (dtype from the value when not given)."""
    _device.check(device)
    d = _creation_dtype(dtype, _fill_dtype(fill_value))
    result = zeros(_size_arguments("full", (size,)), dtype=d)
    result.fill_(fill_value)
    return _finish(result, requires_grad)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A 0-d tensor holding the number `s` (float32 unless dtype says otherwise)."""
    return full((), s, dtype=_creation_dtype(dtype), device=device, requires_grad=requires_grad)


def _like(name, input, dtype, device, memory_format):  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    _device.check(device)
    return tuple(input.shape), _creation_dtype(dtype, input.dtype)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:  # noqa: A002
    """A tensor of zeros shaped like `input` (and of its dtype unless dtype says otherwise)."""
    shape, d = _like("zeros_like", input, dtype, device, memory_format)
    return zeros(shape, dtype=d, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:  # noqa: A002
    """A tensor of ones shaped like `input`."""
    shape, d = _like("ones_like", input, dtype, device, memory_format)
    return ones(shape, dtype=d, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:  # noqa: A002
    """A tensor shaped like `input` whose values are not set (swiftgrad gives zeros)."""
    shape, d = _like("empty_like", input, dtype, device, memory_format)
    return zeros(shape, dtype=d, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,  # noqa: A002
              memory_format=None) -> Tensor:
    """A tensor shaped like `input` filled with `fill_value`."""
    shape, d = _like("full_like", input, dtype, device, memory_format)
    return full(shape, fill_value, dtype=d, requires_grad=requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False) -> Tensor:
    """A tensor of `size` whose dimensions lie in memory in the order `physical_layout`."""
    _device.check(device)
    size, order = tuple(size), tuple(physical_layout)
    physical = zeros([size[d] for d in order], dtype=_creation_dtype(dtype))
    inverse = [0] * len(order)
    for i, d in enumerate(order):
        inverse[d] = i
    return _finish(physical.permute(*inverse), requires_grad)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """torch.arange: int64 when start, end and step are all integers, the default float dtype
    otherwise."""
    _device.check(device)
    if end is None:
        start, end = 0, start
    values = []
    for name, v in (("start", start), ("end", end), ("step", step)):
        if isinstance(v, Tensor):
            v = v.item()
        if not isinstance(v, numbers.Real):
            raise TypeError(f"arange(): argument '{name}' must be Number, not {type(v).__name__}")
        values.append(v)
    if dtype is None:
        dtype = _dtype.int64 if all(isinstance(v, numbers.Integral) for v in values) else _dtype.get_default_dtype()
    result = _make_as(_creation_dtype(dtype), L.sg_arange, *(builtins.float(v) for v in values))
    return _finish(result, requires_grad)


def _number(name, value):
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise RuntimeError(f"{name} must be a 0-dimensional tensor")
        return value.item()
    if not isinstance(value, numbers.Real):
        raise TypeError(f"argument '{name}' must be Number, not {type(value).__name__}")
    return value


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """`steps` values evenly spaced from start to end inclusive."""
    _device.check(device)
    start, end = _number("start", start), _number("end", end)
    d = _creation_dtype(dtype)
    return _finish(_make_as(d, L.sg_linspace, builtins.float(start), builtins.float(end), int(steps)), requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    """`steps` values base ** x for x evenly spaced from start to end inclusive."""
    _device.check(device)
    start, end = _number("start", start), _number("end", end)
    d = _creation_dtype(dtype)
    return _finish(_make_as(d, L.sg_logspace, builtins.float(start), builtins.float(end), int(steps),
                            builtins.float(base)), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """An n x m identity matrix (m = n by default)."""
    _device.check(device)
    return _finish(_make_as(_creation_dtype(dtype), L.sg_eye, int(n), -1 if m is None else int(m)), requires_grad)


# ---- Tensor.new_*: the same factories with this tensor's dtype (and device) by default ----------

def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """torch.tensor(data) with self's dtype unless dtype says otherwise."""
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def _new_factory(name, factory):
    def new(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        return factory(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
    new.__name__ = new.__qualname__ = name
    new.__doc__ = f"torch.{name.removeprefix('new_')}(size) with this tensor's dtype unless dtype says otherwise."
    return new


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """torch.full(size, fill_value) with self's dtype unless dtype says otherwise."""
    return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


for _name, _method in (("new_tensor", _new_tensor), ("new_zeros", _new_factory("new_zeros", zeros)),
                       ("new_ones", _new_factory("new_ones", ones)), ("new_empty", _new_factory("new_empty", empty)),
                       ("new_full", _new_full)):
    setattr(Tensor, _name, _method)


# The element formats of Python's buffer protocol (struct module codes) that swiftgrad has.
_BY_FORMAT = {"d": _dtype.float64, "f": _dtype.float32, "e": _dtype.float16, "B": _dtype.uint8, "b": _dtype.int8,
              "h": _dtype.int16, "i": _dtype.int32, "l": _dtype.int64, "q": _dtype.int64, "?": _dtype.bool}
_SCALAR_NAMES = {_dtype.float32: "Float", _dtype.float64: "Double", _dtype.float16: "Half", _dtype.bfloat16: "BFloat16",
                 _dtype.int64: "Long", _dtype.int32: "Int", _dtype.int16: "Short", _dtype.int8: "Char",
                 _dtype.uint8: "Byte", _dtype.bool: "Bool"}


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False) -> Tensor:
    """torch.asarray: `obj` as a tensor, sharing its memory when it can and copy is not True:
    a tensor (itself, or converted), a NumPy array or anything with __array_interface__, a DLPack
    producer, an object with the buffer protocol (its element format gives the dtype:
    array.array('d') is float64, a bytearray uint8), else a copy of numbers and sequences
    (torch.tensor). copy=False refuses what would need a copy."""
    from ._interop import _wrap_bytes, from_dlpack, frombuffer, from_numpy  # noqa: PLC0415 - _interop imports this module
    _device.check(device)
    if dtype is not None and not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"asarray(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    shared = None
    if isinstance(obj, Tensor):
        shared = obj
    elif hasattr(obj, "__array_interface__"):
        try:
            shared = from_numpy(_numpy().asarray(obj))
        except (TypeError, ValueError):
            shared = None
    elif hasattr(obj, "__dlpack__"):
        shared = from_dlpack(obj)
    else:
        try:
            view = memoryview(obj)
        except TypeError:
            view = None
        if view is not None and view.format in _BY_FORMAT and view.ndim == 1 and view.nbytes:
            shared = frombuffer(obj, dtype=_BY_FORMAT[view.format]) if not view.readonly else None
            if shared is None:
                shared = _wrap_bytes(view.tobytes(), _BY_FORMAT[view.format], len(view))
    if shared is None:
        if copy is False:
            raise ValueError(f"can't alias {type(obj).__name__} without copying it")
        result = tensor(obj, dtype=dtype)
    else:
        result = shared
        if dtype is not None and dtype is not shared.dtype:
            if copy is False:
                raise ValueError(f"can't alias tensor with dtype '{_SCALAR_NAMES[shared.dtype]}' into dtype "
                                 f"'{_SCALAR_NAMES[dtype]}'.")
            result = shared.to(dtype)
        elif copy:
            result = shared.clone()
    if requires_grad:
        result.requires_grad_(True)
    return result
