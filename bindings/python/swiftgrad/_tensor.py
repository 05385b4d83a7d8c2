"""The Tensor class: a Python object owning one libswiftgrad handle. Every operation is one call
into the C ABI; nothing here computes on tensor data."""
from __future__ import annotations

import builtins
import ctypes
import numbers
import warnings

from . import _device
from . import _dtype
from . import _lib as L
from . import _memory_format
from . import _release
from ._types import Size, _node, return_type, return_types_max, return_types_min  # noqa: F401 - re-exported

_c_void_p = ctypes.c_void_p
_c_int64 = ctypes.c_int64
_c_double = ctypes.c_double
_c_size_t = ctypes.c_size_t
_byref = ctypes.byref
_new_object = object.__new__
_check = L.check
_sg_sum_r, _sg_sum_dims_r, _sg_norm_r, _sg_matmul = L.sg_sum_r, L.sg_sum_dims_r, L.sg_norm_r, L.sg_matmul
_last_status = L.sg_last_status


def _wrap(handle, dtype=None):
    t = _new_object(Tensor)
    t._handle = handle
    t._dtype = dtype  # known from the operation that made it, or looked up on first use
    t._small = False
    return t


# Anomaly mode is on (set by swiftgrad.autograd): ops then tell the library where they were called.
_anomaly = [False]


def _make(function, *args):
    """Calls a C function whose last parameter is `sg_tensor **out` and wraps the result."""
    if _anomaly[0]:
        _record_call_site()
    out = _c_void_p()
    status = function(*args, out)  # ctypes passes out by reference (argtypes say sg_tensor **)
    if status:
        _check(status)
    t = _new_object(Tensor)
    t._handle = out.value
    t._dtype = None
    t._small = False
    return t


def _make_as(dtype, function, *args):
    """_make for a C function that takes the result's dtype code as its last argument before
    `out`; the result knows its dtype without asking."""
    t = _make(function, *args, dtype._code)
    t._dtype = dtype
    return t


def _keep_dtype(source, result):
    """Records that `result` has `source`'s dtype (views, neg, relu, ...)."""
    result._dtype = source._dtype
    return result


def _keep_float_dtype(source, result):
    """Records `source`'s dtype on `result` when it is floating (exp, norm, sum, ...: an integer
    source gives another dtype)."""
    d = source._dtype
    if d is not None and d.is_floating_point:
        result._dtype = d
    return result


def _bool_dtype(source, result):
    """Records that `result` is a bool tensor (comparisons, logical operations)."""
    result._dtype = _dtype.bool
    return result


def _operand(value, _float=builtins.float, _int=int):
    """A tensor operand for a C function: tensors pass through; a Python number becomes a
    wrapped number (a bool, int or float operand promotes as PyTorch promotes Python scalars).
    A wrapped number is 0-d and holds no graph, so its handle is released in a batch (_small)."""
    kind = type(value)
    if kind is _float:  # the common cases first, without the ABC checks below
        t = _make(L.sg_scalar_double, value)
    elif kind is _int:
        t = _make(L.sg_scalar_int64, value)
    elif isinstance(value, Tensor):
        return value
    elif isinstance(value, builtins.bool):
        t = _make(L.sg_scalar_bool, value)
    elif isinstance(value, numbers.Integral):
        t = _make(L.sg_scalar_int64, int(value))
    elif isinstance(value, numbers.Real):
        t = _make(L.sg_scalar_double, builtins.float(value))
    else:
        raise TypeError(f"expected a Tensor or a number, not {type(value).__name__}")
    t._small = True
    return t


#: The default of a parameter that has an alias (dim / axis): "not given".
_MISSING = object()


def _alias(function, name, value, alias, alias_value):
    """The value of parameter `name`, which may also be given as `alias` (PyTorch accepts
    NumPy's axis for dim and keepdims for keepdim)."""
    if alias_value is _MISSING:
        if value is _MISSING:
            raise TypeError(f"{function}() missing 1 required positional argument: '{name}'")
        return value
    if value is not _MISSING and value is not None and value is not False:
        raise TypeError(f"{function}() got multiple values for argument '{name}'")
    return alias_value


def _required(function, name, value):
    if value is _MISSING:
        raise TypeError(f"{function}() missing 1 required positional argument: '{name}'")


def _varargs(values):
    """f(2, 3) and f((2, 3)) alike: a single sequence argument stands for its items."""
    if len(values) == 1 and isinstance(values[0], (list, tuple)):
        return tuple(values[0])
    return values


def _int(value):
    """An int argument: Python ints and integer tensors of one element, as PyTorch takes them."""
    if type(value) is int:
        return value
    if isinstance(value, builtins.bool) or not isinstance(value, (numbers.Integral, Tensor)):
        raise TypeError(f"expected an int, got {type(value).__name__}")
    return int(value)


def _dtype_code(value):
    if not isinstance(value, _dtype.dtype):
        raise TypeError(f"expected a torch.dtype, got {type(value).__name__}")
    return value._code


_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction(reduction):
    """A loss reduction ("none", "mean", "sum") as the C code."""
    try:
        return _REDUCTIONS[reduction]
    except (KeyError, TypeError):
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


def _values_indices(function, name, *args, fields=("values", "indices")):
    """Calls a C function with two tensor outputs: torch.return_types.<name> (with `fields`)."""
    values, indices = _c_void_p(), _c_void_p()
    status = function(*args, _byref(values), _byref(indices))
    if status:
        _check(status)
    return return_type(name, fields)(_wrap(values.value), _wrap(indices.value))


def _tensor_list(function, *args):
    """Calls a C function with (outs, capacity, count) outputs: a tuple of tensors."""
    capacity = 64
    while True:
        outs = (_c_void_p * capacity)()
        count = _c_size_t()
        status = function(*args, outs, capacity, _byref(count))
        if status == 0:
            return tuple(_wrap(outs[i]) for i in range(count.value))
        if count.value <= capacity:  # failed for another reason
            _check(status)
        capacity = count.value


def _record_call_site():
    """The Python traceback of the op being recorded, for anomaly reports."""
    import traceback
    frames = [f for f in traceback.extract_stack()[:-2] if "swiftgrad" not in f.filename.replace("\\", "/").split("/")[-2:-1]]
    L.sg_set_anomaly_context("".join(traceback.format_list(frames[-8:])).encode("utf-8", "replace"))


_NO_DIMS = (ctypes.c_int64 * 0)()  # shared: the C functions only read shapes and dims
#: One-dimension lists for the dims an int dim argument usually names (shared like _NO_DIMS):
#: x.sum(1) then builds no ctypes array (0.5 us of the 1.7 us its dim cost before).
_ONE_DIM = {d: (ctypes.c_int64 * 1)(d) for d in range(-8, 8)}


def _shape_array(shape):
    n = len(shape)
    if not n:
        return _NO_DIMS, 0
    return (ctypes.c_int64 * n)(*shape), n


def _small_shape(dims):
    """Whether a tensor of shape `dims` (a tuple of ints) is small (see _release)."""
    return len(dims) <= 1 and (not dims or dims[0] <= _release.SMALL)


def _size_arguments(name, size, keyword=None):
    """zeros(2, 3), zeros((2, 3)), zeros([2, 3]), zeros(size=(2, 3)) all mean shape (2, 3)."""
    if keyword is not None:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (keyword,)
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    if not size:
        return ()
    for s in size:
        if not isinstance(s, numbers.Integral) or isinstance(s, builtins.bool):
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found element of type {type(s).__name__}")
    return tuple(int(s) for s in size)


_INT64_MAX = 2**63 - 1


def _dims(dim):
    """A dim argument as a tuple: None is every dimension (the empty tuple), an int one. A bool,
    a float or a sequence holding one is a TypeError, as PyTorch's argument parser has it (int()
    would have taken x.sum(True) as x.sum(1))."""
    if dim is None:
        return ()
    if type(dim) is int:  # before the slower checks below
        return (dim,)
    if (isinstance(dim, numbers.Integral) and not isinstance(dim, builtins.bool)) or (isinstance(dim, Tensor) and dim.dim() == 0):
        return (_int(dim),)
    if isinstance(dim, (builtins.bool, numbers.Number, str)) or not hasattr(dim, "__iter__"):
        raise TypeError(f"argument 'dim' must be int or tuple of ints, not {type(dim).__name__}")
    dims = tuple(dim)
    for d in dims:
        if isinstance(d, builtins.bool) or not isinstance(d, (numbers.Integral, Tensor)):
            raise TypeError(f"argument 'dim' must be tuple of ints, but found element of type {type(d).__name__}")
    return tuple(_int(d) for d in dims)


def _dims_array(dim):
    """A dim argument as the C functions' (dims, ndims) pair."""
    if type(dim) is int and dim in _ONE_DIM:
        return _ONE_DIM[dim], 1
    return _shape_array(_dims(dim))


def _dims_call(function, handle, dim, *rest):
    """Calls a C function of the (a, dims, ndims, ..., out) form."""
    return _make(function, handle, *_dims_array(dim), *rest)


def _handles(tensors, name):
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(t).__name__}")
    return (ctypes.c_void_p * len(tensors))(*[t._handle for t in tensors]), len(tensors)


def _shape_args(name, shape):
    """reshape(2, 3) and reshape((2, 3)) both mean (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    for s in shape:
        if not isinstance(s, numbers.Integral) or isinstance(s, builtins.bool):
            raise TypeError(f"{name}(): argument 'shape' must be tuple of ints, but found element of type {type(s).__name__} at pos 0")
    return tuple(int(s) for s in shape)


_warned_float_of_grad = False


class _UntypedStorageView:
    """What Tensor.untyped_storage() returns: the storage under a tensor, on the CPU."""

    __slots__ = ("_address", "_nbytes")
    device = _device.cpu
    is_cuda = False

    def __init__(self, address, nbytes):
        self._address, self._nbytes = address, nbytes

    def data_ptr(self) -> int:
        """The address of the storage's first byte."""
        return self._address

    def nbytes(self) -> int:
        """The storage's size in bytes."""
        return self._nbytes

    size = nbytes

    def __len__(self):
        return self._nbytes

    def element_size(self) -> int:
        return 1

    def __repr__(self):
        return f"<swiftgrad storage of {self._nbytes} bytes on cpu>"


def _full_reduction(self, function, *args):
    """function(self, *args) for a reduction that keeps a floating dtype (sum, norm; sum and mean
    over dims): a result small when self is (see _release)."""
    if _anomaly[0]:
        _record_call_site()
    handle = function(self._handle, *args)  # a returning form (sg_sum_r, ...): NULL on failure
    if handle is None:
        _check(_last_status())
    t = _new_object(Tensor)
    t._handle = handle
    d = self._dtype
    t._dtype = d if d is not None and d.is_floating_point else None
    try:
        t._small = self._small
    except AttributeError:
        t._small = False
    return t


def _binary_operator(name, tensor_op, scalar_op, reflected=False, compare=False):
    """The operator method `name` (self <op> other; other <op> self when reflected): the two
    common cases (an exact Tensor operand; a float, or an int with a floating tensor) inlined,
    since this is the per-op hot path, everything else through _binary. The result is small
    (see _release) when its operands are: these ops are elementwise with broadcasting, so
    operands of at most one dimension and SMALL elements give such a result. The inlined cases
    call the returning forms (sg_mul_r, ...: the handle, or NULL with sg_last_status() set),
    which save ctypes' conversion of an out-parameter per op."""
    bool_dtype = _dtype.bool
    tensor_returning = getattr(L, tensor_op.__name__ + "_r")
    scalar_returning = getattr(L, scalar_op.__name__ + "_r")

    def operator(self, other):
        kind = type(other)
        if kind is Tensor:
            if _anomaly[0]:
                _record_call_site()
            if reflected:
                handle = tensor_returning(other._handle, self._handle)
            else:
                handle = tensor_returning(self._handle, other._handle)
            if handle is None:
                _check(_last_status())
            t = _new_object(Tensor)
            t._handle = handle
            d = self._dtype
            t._dtype = bool_dtype if compare else (
                d if d is other._dtype and d is not None and d.is_floating_point else None)
            try:
                t._small = self._small and other._small
            except AttributeError:
                t._small = False
            return t
        if kind is float or kind is int:
            d = self._dtype or self.dtype
            if kind is float or d.is_floating_point:
                if _anomaly[0]:
                    _record_call_site()
                handle = scalar_returning(self._handle, other)
                if handle is None:
                    _check(_last_status())
                t = _new_object(Tensor)
                t._handle = handle
                t._dtype = bool_dtype if compare else (d if d.is_floating_point else _dtype.get_default_dtype())
                try:
                    t._small = self._small
                except AttributeError:
                    t._small = False
                return t
        return _binary(self, other, tensor_op, scalar_op, reflected, compare)

    operator.__name__, operator.__qualname__ = name, f"Tensor.{name}"
    return operator


class Tensor:
    """A tensor backed by libswiftgrad, with PyTorch's API."""

    # _dtype caches the dtype, which never changes for a handle (None until known). _small: the
    # tensor is known to be small (see _release), so its handle is released in a batch.
    __slots__ = ("_handle", "_dtype", "_small", "__weakref__")

    def __new__(cls, *args, **kwargs):  # the legacy constructor torch.Tensor(...): _extra/legacy.py
        raise TypeError("create tensors with swiftgrad.tensor(), zeros(), ones(), arange(), randn() ...")

    def __del__(self, _free=L.sg_tensor_free, _queue=_release.pending.append, _pending=_release.pending,
                _flush=_release.flush, _batch=_release.BATCH):
        # Everything is bound at class creation, so this works at interpreter exit too.
        h = self._handle
        if h:
            try:
                small = self._small
            except AttributeError:  # made by code that does not know the flag
                small = False
            if small:
                _queue(h)
                if len(_pending) >= _batch:
                    _flush()
            else:
                _free(h)

    # ---- metadata -----------------------------------------------------------------------

    @property
    def dtype(self):
        """The element type (torch.float32, float64, int64 or bool)."""
        d = self._dtype
        if d is None:
            out = ctypes.c_int()
            _check(L.sg_tensor_dtype(self._handle, _byref(out)))
            d = self._dtype = _dtype.by_code[out.value]
        return d

    @property
    def shape(self):
        """The sizes of the dimensions, as a torch.Size."""
        dims = (ctypes.c_int64 * 64)()
        ndim = ctypes.c_size_t()
        _check(L.sg_tensor_shape(self._handle, dims, 64, _byref(ndim)))
        return Size(dims[: ndim.value])

    def size(self, dim=None):
        """The shape, or the size of dimension `dim`."""
        shape = self.shape
        if dim is None:
            return shape
        n = len(shape)
        if n == 0 and dim in (0, -1):
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        if not -max(n, 1) <= dim < max(n, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-max(n, 1)}, {max(n, 1) - 1}], but got {dim})")
        return shape[dim]

    def element_size(self) -> int:
        """Bytes per element (the dtype's itemsize)."""
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes of the tensor's elements (numel * itemsize), as PyTorch's."""
        return self.numel() * self.dtype.itemsize

    def dim(self) -> int:
        """The number of dimensions."""
        out = ctypes.c_size_t()
        _check(L.sg_tensor_ndim(self._handle, _byref(out)))
        return out.value

    ndim = property(dim)

    def numel(self):
        """The number of elements."""
        out = ctypes.c_int64()
        _check(L.sg_tensor_numel(self._handle, _byref(out)))
        return out.value

    nelement = numel

    def is_floating_point(self):
        """Whether the dtype is float32 or float64."""
        return self.dtype.is_floating_point

    def __len__(self):
        shape = self.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    # ---- autograd state -----------------------------------------------------------------

    @property
    def requires_grad(self):
        """Whether autograd records operations on this tensor (settable on leaves)."""
        out = ctypes.c_bool()
        _check(L.sg_tensor_requires_grad(self._handle, _byref(out)))
        return out.value

    @requires_grad.setter
    def requires_grad(self, value):
        if not isinstance(value, builtins.bool):
            raise TypeError("requires_grad must be a bool")
        # The attribute setter words its errors differently from requires_grad_(), as PyTorch.
        if not self.is_leaf:
            raise RuntimeError("you can only change requires_grad flags of leaf variables." + (
                "" if value else " If you want to use a computed variable in a subgraph that doesn't "
                "require differentiation use var_no_grad = var.detach()."))
        if value and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        _check(L.sg_tensor_set_requires_grad(self._handle, value))

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Sets requires_grad in place and returns the tensor."""
        _check(L.sg_tensor_set_requires_grad(self._handle, builtins.bool(requires_grad)))
        return self

    @property
    def is_leaf(self):
        """True for tensors not produced by a recorded operation (their .grad is kept)."""
        out = ctypes.c_bool()
        _check(L.sg_tensor_is_leaf(self._handle, _byref(out)))
        return out.value

    @property
    def grad_fn(self):
        """The node that produced this tensor (e.g. MulBackward0), or None for leaves."""
        name = _read_string(L.sg_tensor_grad_fn_name, self._handle)
        return _node(name) if name else None

    def retain_grad(self):
        """Keeps this non-leaf tensor's gradient in .grad after backward."""
        _check(L.sg_tensor_retain_grad(self._handle))

    @property
    def retains_grad(self):
        """Whether retain_grad() was called on this non-leaf tensor."""
        out = ctypes.c_bool()
        _check(L.sg_tensor_retains_grad(self._handle, _byref(out)))
        return out.value

    @property
    def grad(self):
        """The accumulated gradient (a tensor or None); assignable, deletable."""
        out = _c_void_p()
        _check(L.sg_tensor_grad(self._handle, out))
        if out.value:
            return _wrap(out.value)
        # As PyTorch (TensorBase::grad), only a missing gradient of a non-leaf warns.
        if not self.is_leaf and not self.retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
                "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
                "instead. See github.com/pytorch/pytorch/pull/30531 for more informations.",
                UserWarning, stacklevel=2)
        return None

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
        _check(L.sg_tensor_set_grad(self._handle, value._handle if value is not None else None))

    @grad.deleter
    def grad(self):
        _check(L.sg_tensor_set_grad(self._handle, None))

    def detach(self) -> Tensor:
        """A tensor sharing this one's memory, cut from the graph (a leaf that does not require grad)."""
        return _keep_dtype(self, _make(L.sg_tensor_detach, self._handle))

    @property
    def data(self):
        """The tensor's values without its history: a detached alias sharing memory (writes
        through it are not seen by autograd, as in PyTorch)."""
        return self.detach()

    @data.setter
    def data(self, value):
        """`t.data = other`: t (the same Python object, keeping requires_grad) takes other's
        values, shape and dtype, sharing its memory. `t.data *= mask` lands here with an alias
        of t's own memory, which needs nothing more."""
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if (value.data_ptr() == self.data_ptr() and value.dtype == self.dtype and value.shape == self.shape
                and value.stride() == self.stride()):
            return
        if self.grad_fn is not None:
            raise NotImplementedError("swiftgrad can replace the data of a leaf tensor only")
        requires_grad = self.requires_grad
        source = value.detach()
        _check(L.sg_tensor_free(self._handle))
        self._handle, source._handle = source._handle, None
        self._dtype = source._dtype
        self._small = False
        if requires_grad:
            self.requires_grad_(True)

    def zero_(self) -> Tensor:
        """Fills the tensor with zeros in place."""
        _check(L.sg_zero_(self._handle))
        return self

    # ---- conversion ---------------------------------------------------------------------

    def item(self) -> float | int | bool:
        """The single element as a Python number."""
        value = ctypes.c_double()
        _check(L.sg_tensor_item(self._handle, _byref(value)))  # refuses numel != 1 with torch's message
        d = self.dtype
        if d.is_floating_point:
            return value.value  # float16 and bfloat16 values are exact as doubles
        if d is _dtype.bool:
            return value.value != 0
        exact = d._ctype()
        _check(L.sg_tensor_copy_to(self._handle, _byref(exact), d.itemsize))
        return exact.value

    def tolist(self) -> list | float | int | bool:
        """The elements as (nested) Python lists."""
        shape = self.shape
        d = self.dtype
        if d is _dtype.float16 or d is _dtype.bfloat16:  # exact as doubles
            return self.to(_dtype.float64).tolist()
        n = shape.numel()
        buffer = (d._ctype * n)()
        _check(L.sg_tensor_copy_to(self._handle, buffer, n * d.itemsize))
        flat = list(buffer)
        return flat[0] if not shape else _nest(flat, shape)

    def data_ptr(self) -> int:
        """The address of the first element."""
        out = ctypes.c_void_p()
        _check(L.sg_tensor_data_ptr(self._handle, _byref(out)))
        return out.value or 0

    def untyped_storage(self) -> "_UntypedStorageView":
        """The storage under this tensor: its address (`data_ptr()`) and size in bytes
        (`nbytes()`), shared by every view of it."""
        address, nbytes = ctypes.c_void_p(), ctypes.c_size_t()
        _check(L.sg_tensor_storage(self._handle, _byref(address), _byref(nbytes), None))
        return _UntypedStorageView(address.value or 0, nbytes.value)

    def storage_offset(self) -> int:
        """The offset of the first element in the storage, in elements."""
        out = ctypes.c_int64()
        _check(L.sg_tensor_storage(self._handle, None, None, _byref(out)))
        return out.value

    def to(self, *args, **kwargs):
        """PyTorch's forms: to(dtype), to(device, dtype=None), to(other tensor), each with
        non_blocking=, copy= and memory_format=. The tensor itself when nothing changes and
        copy is False; devices other than the CPU raise PyTorch's CPU-build error."""
        dtype, copy, memory_format = _to_arguments(args, kwargs)
        result = self if dtype is None or dtype is self.dtype else _make_as(dtype, L.sg_to_dtype, self._handle)
        if copy and result is self:
            result = self.clone()
        if memory_format is not None:
            result = result.contiguous(memory_format=memory_format)
        return result

    def contiguous(self, memory_format=None):
        """The tensor itself when its elements lie row-major without gaps, else a copy that
        does; memory_format=torch.channels_last (4-d) or channels_last_3d (5-d) lays the channel
        dimension last instead (values and shape unchanged)."""
        name = getattr(memory_format, "_name", "contiguous_format")
        if name in ("contiguous_format", "preserve_format"):
            return _keep_dtype(self, _make(L.sg_contiguous, self._handle))
        rank = {"channels_last": 4, "channels_last_3d": 5}.get(name)
        if rank is None:
            raise TypeError(f"contiguous(): argument 'memory_format' must be torch.memory_format, not {type(memory_format).__name__}")
        if self.dim() != rank:
            raise RuntimeError(f"required rank {rank} tensor to use {name} format")
        last = (0, *range(2, rank), 1)
        back = (0, rank - 1, *range(1, rank - 1))
        return self.permute(*last).contiguous().permute(*back)

    @property
    def device(self):
        """torch.device("cpu"): swiftgrad computes on the CPU."""
        return _device.cpu

    is_cuda = False
    is_cpu = True
    is_sparse = False
    is_quantized = False
    is_meta = False
    layout = _memory_format.strided

    def cpu(self, memory_format=None):
        """The tensor itself (it is on the CPU)."""
        return self if memory_format is None else self.contiguous(memory_format=memory_format)

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        """Raises PyTorch's CPU-build error: there is no CUDA device."""
        raise AssertionError("Torch not compiled with CUDA enabled")

    def get_device(self):
        """-1: the CPU."""
        return -1

    def clone(self) -> Tensor:
        """A copy with its own memory, recorded by autograd."""
        return _keep_dtype(self, _make(L.sg_clone, self._handle))

    def __bool__(self, _truth=L.sg_tensor_is_nonzero_r):
        truth = _truth(self._handle)  # 1, 0, or -1 with sg_last_status() set: not one element
        if truth >= 0:
            return truth == 1  # NaN is true, as in Python
        _check(_last_status())

    def __float__(self):
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        global _warned_float_of_grad
        if self.requires_grad and not _warned_float_of_grad:  # once per process, as PyTorch's TORCH_WARN_ONCE
            _warned_float_of_grad = True
            warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                          "Consider using tensor.detach() first.", UserWarning, stacklevel=2)
        return builtins.float(self.item())

    def __int__(self):
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self):
        if self.numel() != 1 or self.dtype.is_floating_point:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __repr__(self, *, tensor_contents=None):
        return _read_string(L.sg_tensor_to_string, self._handle)

    __str__ = __repr__

    def __format__(self, spec):
        """As PyTorch's: a 0-d tensor formats as its number (f"{t}" of tensor(0.3) is
        0.30000001192092896); others as their repr, with no format spec."""
        if self.dim() == 0 and type(self) is Tensor:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return str(self)

    __hash__ = object.__hash__

    def __reduce__(self):
        """Pickling (and so multiprocessing queues, DataLoader workers): the elements' bytes in
        row-major order, the shape, dtype and requires_grad, as PyTorch's pickle keeps them. The
        copy is a contiguous leaf; the gradient and the graph are not pickled (nor by PyTorch)."""
        shape = tuple(self.shape)
        d = self.dtype
        size = Size(shape).numel() * d.itemsize
        data = ctypes.create_string_buffer(size)
        _check(L.sg_tensor_copy_to(self._handle, data, size))
        return _rebuild_tensor, (data.raw, shape, d, self.requires_grad)

    # copy.copy and copy.deepcopy would otherwise go through __reduce__ (a contiguous copy).
    def __copy__(self):
        """copy.copy, as PyTorch: a new leaf sharing this tensor's memory, with its
        requires_grad."""
        if type(self) is not Tensor:
            self.__reduce__()  # a subclass's rule first (nn.Parameter refuses)
        new = self.detach()
        if self.requires_grad:
            new.requires_grad_(True)
        return new

    def __deepcopy__(self, memo):
        """copy.deepcopy, as PyTorch: graph leaves only; a copy of the data with requires_grad
        and a deep copy of .grad."""
        if type(self) is not Tensor:
            self.__reduce__()  # a subclass's rule first (nn.Parameter refuses)
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
                "moment.  If you were attempting to deepcopy a module, this may be because of a "
                "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001")
        new = self.detach().clone()
        if self.requires_grad:
            new.requires_grad_(True)
        memo[id(self)] = new
        grad = self.grad
        if grad is not None:
            new.grad = grad.__deepcopy__(memo)
        return new

    # ---- arithmetic ---------------------------------------------------------------------

    def __neg__(self):
        return _keep_dtype(self, _make(L.sg_neg, self._handle))

    def __pos__(self):
        return self


    def neg(self):
        """-self, elementwise."""
        return _keep_dtype(self, _make(L.sg_neg, self._handle))

    negative = neg

    def clamp(self, min=None, max=None):  # noqa: A002 - torch's names
        """Each element limited to [min, max]: numbers or tensors (broadcast), either may be None."""
        lower = None if min is None else _operand(min)  # held until the call returns
        upper = None if max is None else _operand(max)
        return _make(L.sg_clamp, self._handle, None if lower is None else lower._handle,
                     None if upper is None else upper._handle)

    clip = clamp

    def maximum(self, other):
        """The larger of self and other, elementwise with broadcasting (ties share the gradient)."""
        other = _operand(other)  # held until the call returns
        return _make(L.sg_maximum, self._handle, other._handle)

    def minimum(self, other):
        """The smaller of self and other, elementwise with broadcasting (ties share the gradient)."""
        other = _operand(other)
        return _make(L.sg_minimum, self._handle, other._handle)

    def masked_fill(self, mask, value):
        """A copy with `value` (a number or a 0-d tensor) where the boolean `mask` is true; the
        shape broadcasts self with mask."""
        _require_tensor("masked_fill", "mask", 1, mask)
        value = _operand(value)  # held until the call returns
        return _keep_dtype(self, _make(L.sg_masked_fill, self._handle, mask._handle, value._handle))

    def where(self, condition, other):
        """self where condition is true, else other (torch.where(condition, self, other))."""
        other = _operand(other)
        return _make(L.sg_where, condition._handle, self._handle, other._handle)

    # ---- reductions ---------------------------------------------------------------------

    def dot(self, other):
        """The dot product of two 1-d tensors."""
        _require_tensor("dot", "tensor", 1, other)
        return _make(L.sg_dot, self._handle, other._handle)

    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=_MISSING, keepdims=_MISSING):
        """The sum of all elements, or along `dim` (keepdim keeps reduced dimensions as size 1)."""
        if dim is None and not keepdim and dtype is None and axis is _MISSING and keepdims is _MISSING:
            return _full_reduction(self, _sg_sum_r)  # the common case first
        dim, keepdim = _dim_aliases("sum", dim, keepdim, axis, keepdims)
        if dim is None and not keepdim:
            result = _full_reduction(self, _sg_sum_r)
        else:
            result = _full_reduction(self, _sg_sum_dims_r, *_dims_array(dim), builtins.bool(keepdim))
        return result if dtype is None else result.to(dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=_MISSING, keepdims=_MISSING):
        """The mean of all elements, or along `dim`."""
        dim, keepdim = _dim_aliases("mean", dim, keepdim, axis, keepdims)
        source = self if dtype is None else self.to(dtype)
        if dim is None and not keepdim:
            return _make(L.sg_mean, source._handle)
        return _full_reduction(source, L.sg_mean_dims_r, *_dims_array(dim), builtins.bool(keepdim))

    def prod(self, dim=None, keepdim=False, *, dtype=None, axis=_MISSING, keepdims=_MISSING):
        """The product of all elements, or along `dim`."""
        dim, keepdim = _dim_aliases("prod", dim, keepdim, axis, keepdims)
        source = self if dtype is None else self.to(dtype)
        if dim is None:
            return _make(L.sg_prod, source._handle)
        return _make(L.sg_prod_dim, source._handle, _int(dim), builtins.bool(keepdim))

    def max(self, dim=None, keepdim=False, *, axis=_MISSING, keepdims=_MISSING):
        """The largest element; with `dim`, (values, indices) along it."""
        dim, keepdim = _dim_aliases("max", dim, keepdim, axis, keepdims)
        return _extremum(self, dim, keepdim, L.sg_max, L.sg_max_dim, L.sg_maximum, return_types_max)

    def min(self, dim=None, keepdim=False, *, axis=_MISSING, keepdims=_MISSING):
        """The smallest element; with `dim`, (values, indices) along it."""
        dim, keepdim = _dim_aliases("min", dim, keepdim, axis, keepdims)
        return _extremum(self, dim, keepdim, L.sg_min, L.sg_min_dim, L.sg_minimum, return_types_min)

    def amax(self, dim=(), keepdim=False, *, axis=_MISSING, keepdims=_MISSING):
        """The largest values along `dim` (all dimensions by default); ties share the gradient."""
        dim, keepdim = _dim_aliases("amax", dim, keepdim, axis, keepdims)
        return _dims_call(L.sg_amax, self._handle, dim, builtins.bool(keepdim))

    def amin(self, dim=(), keepdim=False, *, axis=_MISSING, keepdims=_MISSING):
        """The smallest values along `dim` (all dimensions by default); ties share the gradient."""
        dim, keepdim = _dim_aliases("amin", dim, keepdim, axis, keepdims)
        return _dims_call(L.sg_amin, self._handle, dim, builtins.bool(keepdim))

    def argmax(self, dim=None, keepdim=False, *, axis=_MISSING, keepdims=_MISSING):
        """The index of the largest element (of the flattened tensor, or along `dim`)."""
        dim, keepdim = _dim_aliases("argmax", dim, keepdim, axis, keepdims)
        chosen = _byref(ctypes.c_int64(_int(dim))) if dim is not None else None
        return _make(L.sg_argmax, self._handle, chosen, builtins.bool(keepdim))

    def argmin(self, dim=None, keepdim=False, *, axis=_MISSING, keepdims=_MISSING):
        """The index of the smallest element (of the flattened tensor, or along `dim`)."""
        dim, keepdim = _dim_aliases("argmin", dim, keepdim, axis, keepdims)
        chosen = _byref(ctypes.c_int64(_int(dim))) if dim is not None else None
        return _make(L.sg_argmin, self._handle, chosen, builtins.bool(keepdim))

    def var(self, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=_MISSING, keepdims=_MISSING):
        """The variance of all elements or along `dim`, divided by n - correction (1 by default;
        `var(False)` and unbiased=False mean 0; correction may be fractional)."""
        dim, keepdim = _dim_aliases("var", dim, keepdim, axis, keepdims)
        return _variance(L.sg_var, self, dim, unbiased, keepdim, correction)

    def std(self, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=_MISSING, keepdims=_MISSING):
        """The standard deviation of all elements or along `dim`, as `var`."""
        dim, keepdim = _dim_aliases("std", dim, keepdim, axis, keepdims)
        return _variance(L.sg_std, self, dim, unbiased, keepdim, correction)

    def norm(self, p="fro", dim=None, keepdim=False):
        """The p-norm (2 by default) of all elements or along `dim` (gradient 0 at 0)."""
        if p == "fro" and dim is None and not keepdim:  # the common case first (W1's loop)
            return _full_reduction(self, _sg_norm_r)
        order = 2.0 if p in ("fro", None) else builtins.float(p)
        if order == 2.0 and dim is None and not keepdim:
            return _full_reduction(self, _sg_norm_r)
        array, n = _shape_array(_dims(dim))
        return _make(L.sg_norm_dims, self._handle, order, array, n, builtins.bool(keepdim))

    def logsumexp(self, dim=_MISSING, keepdim=False, *, axis=_MISSING, keepdims=_MISSING):
        """log(sum(exp(self))) along `dim`, computed stably."""
        dim = _alias("logsumexp", "dim", dim, "axis", axis)
        keepdim = _alias("logsumexp", "keepdim", keepdim, "keepdims", keepdims)
        return _dims_call(L.sg_logsumexp, self._handle, dim, builtins.bool(keepdim))

    # ---- linear algebra -----------------------------------------------------------------

    def matmul(self, other):
        """The matrix product, with PyTorch's rules for 1-d and batched operands (OpenBLAS)."""
        if not isinstance(other, Tensor):
            _require_tensor("matmul", "other", 1, other)
        return _make(_sg_matmul, self._handle, other._handle)

    __matmul__ = matmul

    def __rmatmul__(self, other):
        _require_tensor("matmul", "input", 0, other)
        return _make(L.sg_matmul, other._handle, self._handle)

    def mm(self, mat2):
        """The product of two matrices."""
        _require_tensor("mm", "mat2", 1, mat2)
        return _make(L.sg_mm, self._handle, mat2._handle)

    def mv(self, vec):
        """The product of a matrix and a vector."""
        _require_tensor("mv", "vec", 1, vec)
        return _make(L.sg_mv, self._handle, vec._handle)

    def bmm(self, mat2):
        """Batched matrix products of two 3-d tensors."""
        _require_tensor("bmm", "mat2", 1, mat2)
        return _make(L.sg_bmm, self._handle, mat2._handle)

    def outer(self, vec2):
        """The outer product of two vectors."""
        _require_tensor("outer", "vec2", 1, vec2)
        return _make(L.sg_outer, self._handle, vec2._handle)

    # ---- views --------------------------------------------------------------------------

    def reshape(self, *shape):
        """The same elements in a new shape (a view when possible, else a copy)."""
        array, n = _shape_array(_shape_args("reshape", shape))
        return _keep_dtype(self, _make(L.sg_reshape, self._handle, array, n))

    def view(self, *shape):
        """A view with a new shape (the tensor must be compatible, as in PyTorch)."""
        array, n = _shape_array(_shape_args("view", shape))
        return _keep_dtype(self, _make(L.sg_view, self._handle, array, n))

    def reshape_as(self, other):
        """self.reshape(other.shape)."""
        return self.reshape(other.shape)

    def view_as(self, other):
        """self.view(other.shape)."""
        return self.view(other.shape)

    def expand(self, *sizes):
        """A view repeating size-1 dimensions to `sizes` (-1 keeps a size), without copying."""
        array, n = _shape_array(_shape_args("expand", sizes))
        return _keep_dtype(self, _make(L.sg_expand, self._handle, array, n))

    def expand_as(self, other):
        """self.expand(other.shape)."""
        return self.expand(other.shape)

    def permute(self, *dims):
        """A view with the dimensions reordered."""
        array, n = _shape_array(_shape_args("permute", dims))
        return _keep_dtype(self, _make(L.sg_permute, self._handle, array, n))

    def transpose(self, dim0, dim1):
        """A view with dimensions dim0 and dim1 swapped."""
        return _keep_dtype(self, _make(L.sg_transpose, self._handle, int(dim0), int(dim1)))

    swapaxes = transpose

    def t(self):
        """The transpose of a matrix (a view); 0-d and 1-d tensors are returned as they are."""
        if self.dim() > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.dim()}D")
        return self.transpose(0, 1) if self.dim() == 2 else _make(L.sg_reshape, self._handle, *_shape_array(tuple(self.shape)))

    @property
    def T(self):
        """The dimensions reversed (a view)."""
        return self.permute(*reversed(range(self.dim())))

    @property
    def mT(self):
        """The last two dimensions swapped (a view)."""
        return self.transpose(-2, -1)

    def squeeze(self, dim=None):
        """A view without size-1 dimensions (or without dimension `dim` if it has size 1)."""
        if dim is None:
            return _keep_dtype(self, _make(L.sg_squeeze, self._handle))
        result = self
        for d in sorted((d % max(self.dim(), 1) for d in _dims(dim)), reverse=True):
            result = _keep_dtype(result, _make(L.sg_squeeze_dim, result._handle, d))
        return result

    def is_contiguous(self):
        """Whether the elements are laid out row-major without gaps."""
        out = ctypes.c_bool()
        _check(L.sg_tensor_is_contiguous(self._handle, _byref(out)))
        return out.value

    def stride(self, dim=None):
        """The step in elements between neighbours along each dimension (or along `dim`)."""
        strides = (ctypes.c_int64 * 64)()
        ndim = ctypes.c_size_t()
        _check(L.sg_tensor_strides(self._handle, strides, 64, _byref(ndim)))
        values = tuple(strides[: ndim.value])
        return values if dim is None else values[dim]

    def narrow(self, dim, start, length):
        """A view of `length` elements from `start` along `dim`."""
        shape = self.shape
        n = len(shape)
        if n == 0:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        d, begin, length = _int(dim), _int(start), _int(length)
        if length < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        size = shape[d]
        if not -size <= begin <= size:
            raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {begin})")
        if begin < 0:
            begin += size
        if begin + length > size:
            raise RuntimeError(f"start ({begin}) + length ({length}) exceeds dimension size ({size}).")
        return _keep_dtype(self, _make(L.sg_slice, self._handle, d % n, begin, begin + length, 1))

    # ---- indexing -----------------------------------------------------------------------

    def __iter__(self):
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self.select(0, i) for i in range(self.shape[0]))

    def gather(self, dim, index):
        """Elements along `dim` at the positions in `index`."""
        return _make(L.sg_gather, self._handle, _int(dim), index._handle)

    def scatter_add(self, dim, index, src):
        """A copy with `src` added at the positions in `index` along `dim`."""
        return _make(L.sg_scatter_add, self._handle, _int(dim), index._handle, src._handle)

    def nonzero(self, *, as_tuple=False):
        """The indices of the nonzero elements (one row per element, or a tuple with as_tuple,
        where a 0-d tensor counts as 1-d, as in PyTorch)."""
        if as_tuple:
            source = self.reshape(1) if self.dim() == 0 else self
            result = _make(L.sg_nonzero, source._handle)
            return tuple(result.select(1, k) for k in range(source.dim()))
        return _make(L.sg_nonzero, self._handle)

    # ---- in place -----------------------------------------------------------------------

    def add_(self, other, *, alpha=1):
        """self += other (times alpha), in place."""
        return _named_in_place("add_", self, other, alpha, L.sg_add_, L.sg_add_scalar_)

    def sub_(self, other, *, alpha=1):
        """self -= other (times alpha), in place."""
        return _named_in_place("sub_", self, other, alpha, L.sg_sub_, L.sg_sub_scalar_)

    def mul_(self, other):
        """self *= other, in place."""
        return _named_in_place("mul_", self, other, 1, L.sg_mul_, L.sg_mul_scalar_)

    def div_(self, other):
        """self /= other, in place."""
        return _named_in_place("div_", self, other, 1, L.sg_div_, L.sg_div_scalar_)

    multiply_ = mul_
    subtract_ = sub_

    def neg_(self):
        """-self, in place."""
        _check(L.sg_neg_(self._handle))
        return self

    negative_ = neg_

    def clamp_(self, min=None, max=None):  # noqa: A002 - torch's names
        """Tensor.clamp in place."""
        lower = None if min is None else _operand(min)  # held until the call returns
        upper = None if max is None else _operand(max)
        _check(L.sg_clamp_(self._handle, None if lower is None else lower._handle,
                           None if upper is None else upper._handle))
        return self

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        """Tensor.masked_fill in place (mask broadcasts to self)."""
        _require_tensor("masked_fill_", "mask", 1, mask)
        value = _operand(value)  # held until the call returns
        _check(L.sg_masked_fill_(self._handle, mask._handle, value._handle))
        return self

    def pow_(self, exponent):
        """self ** exponent, in place."""
        exponent = _operand(exponent)
        _check(L.sg_pow_(self._handle, exponent._handle))
        return self

    def scatter_add_(self, dim, index, src):
        """Tensor.scatter_add in place."""
        _check(L.sg_scatter_add_(self._handle, _int(dim), index._handle, src._handle))
        return self

    def __iadd__(self, other):  # NotImplemented lets Python raise its own TypeError for +=
        return _in_place(self, other, L.sg_add_, L.sg_add_scalar_)

    def __isub__(self, other):
        return _in_place(self, other, L.sg_sub_, L.sg_sub_scalar_)

    def __imul__(self, other):
        return _in_place(self, other, L.sg_mul_, L.sg_mul_scalar_)

    def __itruediv__(self, other):
        return _in_place(self, other, L.sg_div_, L.sg_div_scalar_)

    def copy_(self, src):
        """Copies src's elements (broadcast and converted) into this tensor, in place."""
        src = _operand(src)
        _check(L.sg_copy_(self._handle, src._handle))
        return self

    def fill_(self, value):
        """Sets every element to `value` (a number or a 0-d tensor), in place."""
        value = _operand(value)  # held until the call returns
        _check(L.sg_fill_(self._handle, value._handle))
        return self

    def type_as(self, other):
        """self.to(other.dtype)."""
        return self.to(other.dtype)


for _name, _tensor_op, _scalar_op, _reflected, _compare in (
        ("__add__", L.sg_add, L.sg_add_scalar, False, False), ("__radd__", L.sg_add, L.sg_add_scalar, False, False),
        ("__sub__", L.sg_sub, L.sg_sub_scalar, False, False), ("__rsub__", L.sg_sub, L.sg_rsub_scalar, True, False),
        ("__mul__", L.sg_mul, L.sg_mul_scalar, False, False), ("__rmul__", L.sg_mul, L.sg_mul_scalar, False, False),
        ("__truediv__", L.sg_div, L.sg_div_scalar, False, False),
        ("__rtruediv__", L.sg_div, L.sg_rdiv_scalar, True, False),
        ("__pow__", L.sg_pow, L.sg_pow_scalar, False, False), ("__rpow__", L.sg_pow, L.sg_rpow_scalar, True, False),
        ("__eq__", L.sg_eq, L.sg_eq_scalar, False, True), ("__ne__", L.sg_ne, L.sg_ne_scalar, False, True),
        ("__lt__", L.sg_lt, L.sg_lt_scalar, False, True), ("__le__", L.sg_le, L.sg_le_scalar, False, True),
        ("__gt__", L.sg_gt, L.sg_gt_scalar, False, True), ("__ge__", L.sg_ge, L.sg_ge_scalar, False, True)):
    setattr(Tensor, _name, _binary_operator(_name, _tensor_op, _scalar_op, _reflected, _compare))


def _dim_aliases(function, dim, keepdim, axis, keepdims):
    """dim and keepdim, which PyTorch also takes as NumPy's axis and keepdims."""
    if axis is not _MISSING:
        if dim is not None and not (isinstance(dim, tuple) and not dim):
            raise TypeError(f"{function}() got multiple values for argument 'dim'")
        dim = axis
    return dim, _alias(function, "keepdim", keepdim, "keepdims", keepdims)


def _conversion(name, target):
    def convert(self, memory_format=None):
        result = self.to(target)
        return result.contiguous(memory_format=memory_format) if memory_format is not None else result
    convert.__name__ = convert.__qualname__ = name
    convert.__doc__ = f"self.to({target!r})."
    return convert


for _name, _target in (("float", _dtype.float32), ("double", _dtype.float64), ("long", _dtype.int64),
                       ("bool", _dtype.bool), ("half", _dtype.float16), ("bfloat16", _dtype.bfloat16),
                       ("char", _dtype.int8), ("byte", _dtype.uint8), ("short", _dtype.int16),
                       ("int", _dtype.int32)):
    setattr(Tensor, _name, _conversion(_name, _target))


#: Tensor.type()'s names for each dtype.
_LEGACY_TYPE_NAMES = {
    "float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "int64": "torch.LongTensor",
    "bool": "torch.BoolTensor", "float16": "torch.HalfTensor", "bfloat16": "torch.BFloat16Tensor",
    "int8": "torch.CharTensor", "uint8": "torch.ByteTensor", "int16": "torch.ShortTensor",
    "int32": "torch.IntTensor",
}


def _to_arguments(args, kwargs):
    """Tensor.to's arguments as (dtype or None, copy, memory_format or None), checking devices."""
    kwargs = dict(kwargs)
    copy = builtins.bool(kwargs.pop("copy", False))
    kwargs.pop("non_blocking", None)
    memory_format = kwargs.pop("memory_format", None)
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    positional = list(args)
    if positional and isinstance(positional[0], Tensor):
        other = positional.pop(0)
        dtype = other.dtype
    elif positional and isinstance(positional[0], _dtype.dtype):
        dtype = positional.pop(0)
    elif positional and (isinstance(positional[0], (str, _device.device)) or positional[0] is None
                         or isinstance(positional[0], int) and not isinstance(positional[0], builtins.bool)):
        device = positional.pop(0)
        if positional and isinstance(positional[0], _dtype.dtype):
            dtype = positional.pop(0)
    if positional and isinstance(positional[0], builtins.bool):  # the legacy non_blocking, copy positionals
        positional.pop(0)
        if positional and isinstance(positional[0], builtins.bool):
            copy = positional.pop(0)
    if positional:
        raise TypeError(f"to() received an invalid combination of arguments - got ({', '.join(type(a).__name__ for a in args)})")
    if dtype is not None and not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"to(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    _device.check(device)
    if memory_format is not None and getattr(memory_format, "_name", None) == "preserve_format":
        memory_format = None
    return dtype, copy, memory_format


def _variance(function, self, dim, unbiased, keepdim, correction):
    """var/std's overloads: (unbiased), (dim, unbiased, keepdim), (dim, *, correction, keepdim)."""
    if isinstance(dim, builtins.bool):  # var(True): the first positional is `unbiased`
        dim, unbiased = None, dim
    c = (1.0 if unbiased else 0.0) if correction is None else builtins.float(correction)
    return _dims_call(function, self._handle, dim, c, builtins.bool(keepdim))


def _extremum(self, dim, keepdim, full, along, elementwise, result_type):
    if isinstance(dim, Tensor):
        return _make(elementwise, self._handle, dim._handle)
    if dim is None:
        return _make(full, self._handle)
    values, indices = _c_void_p(), _c_void_p()
    status = along(self._handle, _int(dim), builtins.bool(keepdim), _byref(values), _byref(indices))
    if status:
        _check(status)
    return result_type(_wrap(values.value), _wrap(indices.value))


def _named_in_place(name, self, other, alpha, tensor_function, scalar_function):
    """Tensor.<name>(other, alpha=...): _in_place with PyTorch's TypeError for a foreign `other`."""
    if isinstance(other, (Tensor, numbers.Number)):
        result = _in_place(self, other if alpha == 1 else other * alpha, tensor_function, scalar_function)
        if result is not NotImplemented:
            return result
    raise TypeError(f"{name}(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")


def _compared_in_place(name, function):
    def compare_(self, other):
        other = _operand(other)  # held until the call returns
        _check(function(self._handle, other._handle))
        return self
    compare_.__name__ = name
    compare_.__doc__ = f"Tensor.{name.rstrip('_')} in place: 1 where true, 0 where false, in self's dtype."
    return compare_


for _names, _function in ((("eq_",), L.sg_eq_), (("ne_", "not_equal_"), L.sg_ne_), (("lt_", "less_"), L.sg_lt_),
                          (("le_", "less_equal_"), L.sg_le_), (("gt_", "greater_"), L.sg_gt_),
                          (("ge_", "greater_equal_"), L.sg_ge_)):
    for _name in _names:
        setattr(Tensor, _name, _compared_in_place(_name, _function))


def _in_place(self, other, tensor_function, scalar_function):
    if isinstance(other, Tensor):
        _check(tensor_function(self._handle, other._handle))
    elif isinstance(other, numbers.Integral) and not self.dtype.is_floating_point:
        scalar = _operand(other)
        _check(tensor_function(self._handle, scalar._handle))
    elif isinstance(other, numbers.Real):
        _check(scalar_function(self._handle, builtins.float(other)))
    else:
        return NotImplemented
    return self


def _rebuild_tensor(data, shape, dtype, requires_grad):
    """Unpickling: a tensor holding a copy of `data` (Tensor.__reduce__'s bytes)."""
    shape_array, n = _shape_array(shape)
    t = _make(L.sg_tensor_from_data, data if data else None, shape_array, n, dtype._code)
    if requires_grad:
        _check(L.sg_tensor_set_requires_grad(t._handle, True))
    return t


def _numpy():
    try:
        import numpy
    except ImportError:
        raise RuntimeError("Numpy is not available") from None
    return numpy


def _nest(values, shape):
    """A flat row-major list as nested lists of `shape`."""
    if len(shape) == 1:
        return values
    step = len(values) // shape[0] if shape[0] else 0
    return [_nest(values[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _read_string(function, handle):
    """Calls a C function of the (buf, buf_size, needed) form, growing the buffer when needed."""
    needed = ctypes.c_size_t()
    buffer = ctypes.create_string_buffer(256)
    _check(function(handle, buffer, 256, _byref(needed)))
    if needed.value > 256:
        buffer = ctypes.create_string_buffer(needed.value)
        _check(function(handle, buffer, needed.value, _byref(needed)))
    return buffer.value.decode("utf-8")


def _binary(self, other, tensor_function, scalar_function, reflected=False, compare=False):
    """self <op> other for a Tensor or Python number `other` (other <op> self when reflected).
    A float scalar goes to the C scalar form, which behaves like a Python float in PyTorch; an
    int or bool scalar on an integer or bool tensor becomes a 0-d tensor of that kind, so that
    integer arithmetic stays integer. The result's dtype is recorded when it follows from the
    operands' (comparisons give bool; a floating tensor with a scalar keeps its dtype)."""
    kind = type(other)  # the common cases are handled by _binary_operator before this
    if isinstance(other, Tensor):
        if reflected:
            result = _make(tensor_function, other._handle, self._handle)
        else:
            result = _make(tensor_function, self._handle, other._handle)
        if compare:
            result._dtype = _dtype.bool
        elif self._dtype is other._dtype and self._dtype is not None and self._dtype.is_floating_point:
            result._dtype = self._dtype
        return result
    if kind is not float:
        if kind is not int and kind is not builtins.bool and (
                not isinstance(other, numbers.Real)):  # numpy scalars, Fractions, ...
            return NotImplemented
        if not self.dtype.is_floating_point and isinstance(other, numbers.Integral):
            scalar = _operand(other)
            if reflected:
                return _make(tensor_function, scalar._handle, self._handle)
            return _make(tensor_function, self._handle, scalar._handle)
    result = _make(scalar_function, self._handle, builtins.float(other))
    if compare:
        result._dtype = _dtype.bool
    elif self._dtype is not None:
        result._dtype = self._dtype if self._dtype.is_floating_point else _dtype.get_default_dtype()
    return result


def _arithmetic(name, operator, input, other, alpha, position):  # noqa: A002
    """input.<name>(other) through the operator method, with PyTorch's TypeError (naming the
    argument at `position`) where the operator returns NotImplemented for `other`."""
    if alpha != 1:
        if not isinstance(other, (Tensor, numbers.Number)):
            return _argument_error(name, input, other, position)
        other = other * alpha
    result = operator(input, other)
    if result is NotImplemented:
        _argument_error(name, input, other, position)
    return result


def _argument_error(name, input, other, position):  # noqa: A002
    if name in _SINGLE_SIGNATURE:
        raise TypeError(f"{name}(): argument 'other' (position {position}) must be Tensor, not {type(other).__name__}")
    parameter = "exponent" if name == "pow" else "other"
    got = ", ".join(type(value).__name__ for value in ((other,) if position == 1 else (input, other)))
    raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    f" * (Tensor {parameter})\n * (Number {parameter})")


#: The operators whose only overload is (Tensor other, *, alpha): PyTorch names the argument.
_SINGLE_SIGNATURE = ("add", "sub", "mul", "div")

#: Tensor.<name> for each named binary operator, with the operator method it goes through.
_NAMED_OPERATORS = {
    "add": Tensor.__add__, "sub": Tensor.__sub__, "subtract": Tensor.__sub__, "mul": Tensor.__mul__,
    "multiply": Tensor.__mul__, "div": Tensor.__truediv__, "divide": Tensor.__truediv__,
    "true_divide": Tensor.__truediv__, "pow": Tensor.__pow__, "eq": Tensor.__eq__, "ne": Tensor.__ne__,
    "lt": Tensor.__lt__, "le": Tensor.__le__, "gt": Tensor.__gt__, "ge": Tensor.__ge__,
    "less": Tensor.__lt__, "less_equal": Tensor.__le__, "greater": Tensor.__gt__,
    "greater_equal": Tensor.__ge__, "not_equal": Tensor.__ne__,
}


def _named_method(name, operator):
    if name in ("add", "sub", "subtract"):
        def method(self, other, *, alpha=1):
            return _arithmetic(name, operator, self, other, alpha, 1)
    else:
        def method(self, other):
            return _arithmetic(name, operator, self, other, 1, 1)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Tensor.{name}(other): the `{operator.__name__}` operator as a method."
    return method


for _name, _operator in _NAMED_OPERATORS.items():
    setattr(Tensor, _name, _named_method(_name, _operator))


def _require_tensor(function, name, position, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}")
