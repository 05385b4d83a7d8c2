"""Sharing memory with numpy and with anything that speaks DLPack (PyTorch, JAX, CuPy's host
arrays, numpy itself), without copying: from_numpy/Tensor.numpy(), and from_dlpack/__dlpack__.
The library side is sg_tensor_from_blob, sg_tensor_data_ptr and sg_to/from_dlpack; here are the
Python objects that keep each side's memory alive exactly as long as the other side uses it."""
from __future__ import annotations

import ctypes
import warnings

from . import _callbacks
from . import _dtype
from . import _lib as L
from ._tensor import Tensor, _numpy, _wrap

# numpy's type strings of the dtypes swiftgrad has (native little-endian).
_BY_TYPESTR = {"<f4": _dtype.float32, "<f8": _dtype.float64, "<i8": _dtype.int64, "|b1": _dtype.bool,
               "<f2": _dtype.float16, "|i1": _dtype.int8, "|u1": _dtype.uint8, "<i2": _dtype.int16,
               "<i4": _dtype.int32}
_TYPESTR = {d: s for s, d in _BY_TYPESTR.items()}


def _shape_and_strides(shape, strides):
    n = len(shape)
    return (ctypes.c_int64 * max(n, 1))(*shape), (ctypes.c_int64 * max(n, 1))(*strides), n


def from_numpy(ndarray) -> Tensor:
    """A tensor sharing `ndarray`'s memory (torch.from_numpy): writes through either are seen
    by the other, and the array is kept alive while the tensor (or a view of it) is."""
    np = _numpy()
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    d = _BY_TYPESTR.get(ndarray.dtype.str)
    if d is None:
        raise TypeError(f"can't convert np.ndarray of type numpy.{ndarray.dtype.name}. The only supported types are: "
                        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative strides "
                         "are not currently supported. (You can probably work around this by making a copy of your "
                         "array  with array.copy().) ")
    if any(s % d.itemsize for s in ndarray.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy array to "
                         "reallocate the memory.")
    if not ndarray.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. This "
                      "means writing to this tensor will result in undefined behavior.", UserWarning, stacklevel=2)
    shape, strides, n = _shape_and_strides(ndarray.shape, [s // d.itemsize for s in ndarray.strides])
    key = _callbacks.register(ndarray)  # released by the library (free_entry) when the memory is unused
    out = ctypes.c_void_p()
    L.check(L.sg_tensor_from_blob(ndarray.ctypes.data or None, shape, strides, n, d._code, _callbacks.free_entry,
                                  key, ctypes.byref(out)))
    return _wrap(out.value, d)


class _ArrayView:
    """What numpy wraps for Tensor.numpy(): the tensor's memory described by
    __array_interface__, with the tensor held for as long as the array (its base) lives."""

    __slots__ = ("tensor", "__array_interface__")

    def __init__(self, t):
        pointer = ctypes.c_void_p()
        L.check(L.sg_tensor_data_ptr(t._handle, ctypes.byref(pointer)))
        d = t.dtype
        self.tensor = t
        self.__array_interface__ = {
            "version": 3, "shape": tuple(t.shape), "typestr": _TYPESTR[d],
            "strides": tuple(s * d.itemsize for s in t.stride()), "data": (pointer.value or 0, False),
        }


def to_numpy(t):
    """An ndarray sharing `t`'s memory."""
    return _numpy().asarray(_ArrayView(t))


# ---- DLPack ------------------------------------------------------------------------------------

_VERSIONED, _USED_VERSIONED = b"dltensor_versioned", b"used_dltensor_versioned"
_LEGACY, _USED_LEGACY = b"dltensor", b"used_dltensor"
kDLCPU = 1

_api = ctypes.pythonapi
_Destructor = ctypes.CFUNCTYPE(None, ctypes.c_void_p)  # the capsule as a raw pointer: it is being freed
_api.PyCapsule_New.restype = ctypes.py_object
_api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, _Destructor]
_api.PyCapsule_IsValid.restype = ctypes.c_int
_api.PyCapsule_IsValid.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_api.PyCapsule_SetName.restype = ctypes.c_int
_api.PyCapsule_SetName.argtypes = [ctypes.py_object, ctypes.c_char_p]


class _DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32),
                ("ndim", ctypes.c_int32), ("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16),
                ("shape", ctypes.c_void_p), ("strides", ctypes.c_void_p), ("byte_offset", ctypes.c_uint64)]


_Deleter = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class _ManagedVersioned(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32), ("manager_ctx", ctypes.c_void_p),
                ("deleter", _Deleter), ("flags", ctypes.c_uint64), ("dl_tensor", _DLTensor)]


class _ManagedLegacy(ctypes.Structure):
    _fields_ = [("dl_tensor", _DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", _Deleter)]


@L.immortal
@_Destructor
def _capsule_destructor(capsule):
    # An unconsumed capsule still owns its tensor: give it back. (A consumer renames it.)
    try:
        for name, struct in ((_VERSIONED, _ManagedVersioned), (_LEGACY, _ManagedLegacy)):
            if _api.PyCapsule_IsValid(capsule, name):
                pointer = _api.PyCapsule_GetPointer(capsule, name)
                struct.from_address(pointer).deleter(pointer)
                return
    except BaseException:  # noqa: BLE001 - nothing may unwind into the interpreter's dealloc
        pass


def to_dlpack(t, versioned):
    """A DLPack capsule sharing `t`'s memory."""
    out = ctypes.c_void_p()
    L.check((L.sg_to_dlpack if versioned else L.sg_to_dlpack_unversioned)(t._handle, ctypes.byref(out)))
    return _api.PyCapsule_New(out.value, _VERSIONED if versioned else _LEGACY, _capsule_destructor)


def from_dlpack(ext_tensor) -> Tensor:
    """A tensor sharing the memory of `ext_tensor`: any object with __dlpack__ (a numpy array, a
    PyTorch tensor, a swiftgrad tensor) or a DLPack capsule. CPU only."""
    capsule = ext_tensor
    if hasattr(ext_tensor, "__dlpack__"):
        if hasattr(ext_tensor, "__dlpack_device__"):
            device_type, _ = ext_tensor.__dlpack_device__()
            if int(device_type) != kDLCPU:
                raise BufferError(f"swiftgrad can only import CPU tensors, got DLPack device type {int(device_type)}")
        try:
            capsule = ext_tensor.__dlpack__(max_version=(1, 1))
        except TypeError:  # a producer from before DLPack 1.0
            capsule = ext_tensor.__dlpack__()
    if type(capsule).__name__ != "PyCapsule":
        raise TypeError(f"from_dlpack expects an object with __dlpack__ or a DLPack capsule, got {type(ext_tensor).__name__}")
    raw = id(capsule)  # the capsule's address, for the PyCapsule functions that take a raw pointer
    for name, used, function in ((_VERSIONED, _USED_VERSIONED, L.sg_from_dlpack),
                                 (_LEGACY, _USED_LEGACY, L.sg_from_dlpack_unversioned)):
        if _api.PyCapsule_IsValid(raw, name):
            pointer = _api.PyCapsule_GetPointer(raw, name)
            _api.PyCapsule_SetName(capsule, used)  # consumed: the library now owns it (even if it fails)
            out = ctypes.c_void_p()
            L.check(function(pointer, ctypes.byref(out)))
            return _wrap(out.value)
    raise ValueError("the capsule is not an unconsumed DLPack tensor (it was used already, or is something else)")


# ---- Tensor methods that need this module, attached at import (the package imports it) ----


def _tensor_numpy(self, *, force=False):
    """An ndarray sharing this tensor's memory (writes through either are seen by the
    other). A tensor that requires grad must be detached first, unless force."""
    if self.requires_grad and not force:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
    return to_numpy(self.detach() if force else self)


def _tensor_array(self, dtype=None, copy=None):
    array = self.numpy()
    if copy:
        return array.astype(dtype if dtype is not None else array.dtype, copy=True)
    if dtype is not None and array.dtype != dtype:
        if copy is False:
            raise ValueError(f"converting a {self.dtype} tensor to {dtype} needs a copy")
        return array.astype(dtype)
    return array


def _tensor_dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """A DLPack capsule sharing this tensor's memory (versioned when the consumer accepts
    DLPack 1.x)."""
    if self.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    if stream is not None and stream != -1:
        raise BufferError("stream must be None for CPU tensors")
    if dl_device is not None and tuple(dl_device) != (kDLCPU, 0):
        raise BufferError(f"swiftgrad tensors live on the CPU (1, 0), not {tuple(dl_device)}")
    source = self.clone() if copy else self
    return to_dlpack(source, versioned=max_version is not None and max_version[0] >= 1)


def _tensor_dlpack_device(self):
    return (1, 0)  # (kDLCPU, device 0)


for _name, _method in (("numpy", _tensor_numpy), ("__array__", _tensor_array), ("__dlpack__", _tensor_dlpack), ("__dlpack_device__", _tensor_dlpack_device), ):
    setattr(Tensor, _name, _method)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False) -> Tensor:
    """torch.frombuffer: a 1-d tensor over an object's buffer (bytearray, array.array, mmap,
    ...), `count` elements of `dtype` from byte `offset` (all that follow by default). Writes go
    both ways; the object is kept alive while the tensor's memory is in use. A read-only buffer
    (bytes) or one misaligned for the dtype gives a copy instead (PyTorch would alias it)."""
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"frombuffer(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    view = memoryview(buffer).cast("B")
    length, size = view.nbytes, dtype.itemsize
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if offset < 0 or offset >= length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
                         f"({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % size:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must be a "
                             f"multiple of element size ({size})")
        count = (length - offset) // size
    elif offset + count * size > length:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not "
                         f"be greater than actual buffer length ({length} bytes)")
    data = view[offset:offset + count * size]
    if view.readonly:
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable tensors. This "
                      "means you can write to the underlying (supposedly non-writable) buffer using the tensor. You "
                      "may want to copy the buffer to protect its data or make it writable before converting it to a "
                      "tensor. This type of warning will be suppressed for the rest of this program.",
                      UserWarning, stacklevel=2)
        # Immutable memory (bytes) is never written through: the tensor holds a copy.
        return _finish_requires_grad(_wrap_bytes(bytes(data), dtype, count), requires_grad)
    address = ctypes.addressof(ctypes.c_char.from_buffer(view)) + offset
    if address % size:  # misaligned for the dtype: a copy
        return _finish_requires_grad(_wrap_bytes(bytes(data), dtype, count), requires_grad)
    shape, strides, n = _shape_and_strides((count,), (1,))
    key = _callbacks.register((view, buffer))  # released by the library when the memory is unused
    out = ctypes.c_void_p()
    L.check(L.sg_tensor_from_blob(ctypes.c_void_p(address), shape, strides, n, dtype._code,
                                  _callbacks.free_entry, key, ctypes.byref(out)))
    return _finish_requires_grad(_wrap(out.value, dtype), requires_grad)


def _wrap_bytes(data, dtype, count):
    shape, _, n = _shape_and_strides((count,), (1,))
    out = ctypes.c_void_p()
    L.check(L.sg_tensor_from_data(data, shape, n, dtype._code, ctypes.byref(out)))
    return _wrap(out.value, dtype)


def _finish_requires_grad(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t
