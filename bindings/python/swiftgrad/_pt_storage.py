"""Storages for PyTorch's checkpoint format: what torch.save writes of a tensor is its whole
storage (once, however many tensors view it) and the tensor's offset, sizes and strides in it;
torch.load rebuilds every tensor as a view of the storage it names, so tensors that shared
memory when saved share it again.

Saving: `StorageOf` reads a tensor's storage (address, size) and offset in it through
sg_tensor_storage.

Loading: `UntypedStorage` is a storage read from a checkpoint (what a map_location callable
receives); a tensor of it is a graph-free alias of one 1-d tensor over all of its elements."""
from __future__ import annotations

import array
import ctypes
import sys

from . import _device
from . import _lib as L
from ._tensor import Tensor, _make, _wrap

_c_int64 = ctypes.c_int64


def _int64s(values):
    values = list(values)
    return (_c_int64 * max(len(values), 1))(*values), len(values)


def _as_strided(handle, size, stride, offset, check=False):
    """sg_as_strided on a handle: the new handle, or None when the layout leaves the storage
    (with `check`: the library's error)."""
    size_array, n = _int64s(size)
    stride_array, _ = _int64s(stride)
    out = ctypes.c_void_p()
    status = L.sg_as_strided(handle, size_array, n, stride_array, n, ctypes.byref(_c_int64(offset)), ctypes.byref(out))
    if status and check:
        L.check(status)
    return None if status else out.value


def _detached(t):
    out = ctypes.c_void_p()
    L.check(L.sg_tensor_detach(t._handle, ctypes.byref(out)))
    return _wrap(out.value, t.dtype)


class StorageOf:
    """The storage under a swiftgrad tensor (sg_tensor_storage): `address` (of its first
    element), `numel`, the tensor's `offset` in it (in elements) and `dtype`. `key` is the same
    for every tensor viewing the same storage."""

    __slots__ = ("tensor", "dtype", "address", "numel", "offset")

    def __init__(self, t: Tensor):
        self.tensor = _detached(t)  # graph-free, so that reading the storage records nothing
        self.dtype = t.dtype
        address, nbytes, offset = ctypes.c_void_p(), ctypes.c_size_t(), _c_int64()
        L.check(L.sg_tensor_storage(t._handle, ctypes.byref(address), ctypes.byref(nbytes), ctypes.byref(offset)))
        self.address = address.value or 0
        self.numel = nbytes.value // self.dtype.itemsize
        self.offset = offset.value

    @property
    def key(self):
        return (self.address, self.numel, self.dtype._code)

    @property
    def nbytes(self):
        return self.numel * self.dtype.itemsize

    def data(self) -> bytearray:
        """The storage's bytes (little-endian, as the library keeps them)."""
        whole = _wrap(_as_strided(self.tensor._handle, (self.numel,), (1,), 0), self.dtype)
        buffer = bytearray(self.nbytes)
        if buffer:
            L.check(L.sg_tensor_copy_to(whole._handle, (ctypes.c_char * len(buffer)).from_buffer(buffer), len(buffer)))
        return buffer


def from_bytes(data, dtype, numel) -> Tensor:
    """A new 1-d tensor of `numel` elements of `dtype` holding a copy of `data`."""
    shape, n = _int64s((numel,))
    out = ctypes.c_void_p()
    if numel and not isinstance(data, bytes):
        data = bytes(data)
    L.check(L.sg_tensor_from_data(data if numel else None, shape, n, dtype._code, ctypes.byref(out)))
    return _wrap(out.value, dtype)


def byteswapped(data, itemsize):
    """`data` with each `itemsize`-byte element's bytes reversed (a big-endian checkpoint)."""
    if itemsize == 1:
        return data
    values = array.array({2: "H", 4: "I", 8: "Q"}[itemsize])
    values.frombytes(data)
    values.byteswap()
    return values.tobytes()


class UntypedStorage:
    """A storage read from a checkpoint: `nbytes()` bytes on the CPU. torch.load hands it to a
    map_location callable, which returns it (or `storage.cpu()`) to keep it on the CPU; asking
    for another device raises PyTorch's CPU-build error. Data of a legacy-format checkpoint
    comes after the objects that use it: such a storage starts out zeroed and `_fill` writes it
    through every tensor made of it."""

    def __init__(self, nbytes, data=None, byteorder=sys.byteorder):
        self._nbytes = nbytes
        self._data = data
        self._byteorder = byteorder
        self._bases = {}  # dtype -> the 1-d tensor over all elements

    device = _device.cpu
    is_cuda = False

    def nbytes(self) -> int:
        return self._nbytes

    size = nbytes

    def element_size(self) -> int:
        return 1

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False):
        _device.check("cuda" if device is None else device)

    def to(self, *, device=None, non_blocking=False):
        _device.check(device)
        return self

    def __repr__(self):
        return f"<swiftgrad storage of {self._nbytes} bytes on cpu>"

    def _elements(self, dtype):
        if self._nbytes % dtype.itemsize:
            raise RuntimeError(f"Trying to load a storage of {self._nbytes} bytes as {dtype}, whose elements "
                               f"are {dtype.itemsize} bytes")
        return self._nbytes // dtype.itemsize

    def _base(self, dtype) -> Tensor:
        base = self._bases.get(dtype)
        if base is None:
            numel = self._elements(dtype)
            if self._data is None:
                base = from_bytes(bytes(self._nbytes), dtype, numel)
            else:
                base = from_bytes(self._own_order(self._data, dtype), dtype, numel)
            self._bases[dtype] = base
        return base

    def _own_order(self, data, dtype):
        return data if self._byteorder == sys.byteorder else byteswapped(data, dtype.itemsize)

    def _fill(self, data):
        """Writes the storage's bytes (legacy format: read after the objects that use them)."""
        self._data = data
        for dtype, base in self._bases.items():
            source = from_bytes(self._own_order(data, dtype), dtype, base.numel())
            L.check(L.sg_copy_(base._handle, source._handle))

    def _tensor(self, dtype, offset, size, stride) -> Tensor:
        """A tensor of `dtype` with this layout over the storage, sharing it (a leaf)."""
        size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
        if len(size) != len(stride):
            raise RuntimeError("mismatch in length of strides and shape")
        base = self._base(dtype)
        handle = _as_strided(base._handle, size, stride, int(offset))
        if handle is None:
            numel = 1
            for s in size:
                numel *= s
            if numel == 0:
                # PyTorch lets an empty tensor lie anywhere, sg_as_strided keeps its other
                # dimensions inside the storage: give it an empty storage of its own.
                empty = _make(L.sg_zeros, *_int64s(size), dtype._code)
                if empty.stride() == stride:
                    return empty
                if handle is None:  # strides unlike its contiguous ones
                    reach = sum((s - 1) * st for s, st in zip(size, stride) if s > 0)
                    empty = from_bytes(bytes(reach * dtype.itemsize), dtype, reach)
                    handle = _as_strided(empty._handle, size, stride, 0)
            if handle is None:
                _as_strided(base._handle, size, stride, int(offset), check=True)
        return _detached(_wrap(handle, dtype))


class TypedStorage:
    """A storage with the dtype a checkpoint names for it (PyTorch's TypedStorage): what the
    rebuild functions receive from persistent_load."""

    __slots__ = ("_untyped_storage", "dtype")

    def __init__(self, untyped, dtype):
        self._untyped_storage = untyped
        self.dtype = dtype

    @property
    def device(self):
        return self._untyped_storage.device

    def _tensor(self, offset, size, stride, dtype=None):
        return self._untyped_storage._tensor(dtype or self.dtype, offset, size, stride)
