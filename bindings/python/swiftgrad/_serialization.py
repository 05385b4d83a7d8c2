"""safetensors files: save_file/load_file and save/load (bytes), with the signatures of
`safetensors.torch`, over libswiftgrad's reader and writer (sg_save_safetensors, ...). Files are
byte-identical to the safetensors library's for the same tensors and metadata."""
from __future__ import annotations

import ctypes
import os

from . import _lib as L
from ._tensor import Tensor, _read_string, _wrap

__all__ = ["save_file", "load_file", "save", "load"]


class _Dict:
    """An sg_tensor_dict handle, freed when the object goes."""

    def __init__(self, handle):
        self.handle = handle

    def __del__(self, _free=L.sg_tensor_dict_free):
        if self.handle:
            _free(self.handle)

    @classmethod
    def of(cls, tensors, metadata):
        if not isinstance(tensors, dict):
            raise ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
        out = ctypes.c_void_p()
        L.check(L.sg_tensor_dict_new(ctypes.byref(out)))
        d = cls(out.value)
        for name, t in tensors.items():
            if not isinstance(name, str):
                raise ValueError(f"Key `{name}` is invalid, expected str but received {type(name)}")
            if not isinstance(t, Tensor):
                raise ValueError(f"Key `{name}` is invalid, expected torch.Tensor but received {type(t)}")
            L.check(L.sg_tensor_dict_set(d.handle, name.encode(), t._handle))
        for key, value in (metadata or {}).items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"metadata must be a dict of str to str, got {key!r}: {value!r}")
            L.check(L.sg_tensor_dict_set_metadata(d.handle, key.encode(), value.encode()))
        return d

    def _strings(self, count_function, string_function):
        """The strings at each index (names or metadata keys)."""
        count = ctypes.c_size_t()
        L.check(count_function(self.handle, ctypes.byref(count)))
        return [_read_string(lambda h, buf, size, needed, i=i: string_function(h, i, buf, size, needed), self.handle)
                for i in range(count.value)]

    def tensors(self):
        result = {}
        for i, name in enumerate(self._strings(L.sg_tensor_dict_count, L.sg_tensor_dict_name)):
            out = ctypes.c_void_p()
            L.check(L.sg_tensor_dict_at(self.handle, i, ctypes.byref(out)))
            result[name] = _wrap(out.value)
        return result

    def metadata(self):
        keys = self._strings(L.sg_tensor_dict_metadata_count, L.sg_tensor_dict_metadata_key)
        return {key: _read_string(lambda h, buf, size, needed, key=key: L.sg_tensor_dict_metadata(
                    h, key.encode(), buf, size, needed), self.handle) for key in keys}


def save_file(tensors: dict[str, Tensor], filename: str | os.PathLike, metadata: dict[str, str] | None = None) -> None:
    """Writes a dict of named tensors (and optional str-to-str metadata) to `filename` in the
    safetensors format. Tensors are written contiguously whatever their strides; grad state is
    not saved."""
    d = _Dict.of(tensors, metadata)
    L.check(L.sg_save_safetensors(d.handle, os.fsencode(filename)))


def load_file(filename: str | os.PathLike, device: str = "cpu") -> dict[str, Tensor]:
    """Reads a safetensors file into a dict of tensors (in the file's data order). Raises
    OSError when it cannot be read and RuntimeError when it is not valid safetensors."""
    if device != "cpu":
        raise ValueError(f"swiftgrad only has the cpu device, got {device!r}")
    out = ctypes.c_void_p()
    L.check(L.sg_load_safetensors(os.fsencode(filename), ctypes.byref(out)))
    return _Dict(out.value).tensors()


def load_metadata(filename: str | os.PathLike) -> dict[str, str]:
    """The `__metadata__` of a safetensors file, as a dict (empty when it has none)."""
    out = ctypes.c_void_p()
    L.check(L.sg_load_safetensors(os.fsencode(filename), ctypes.byref(out)))
    return _Dict(out.value).metadata()


def save(tensors: dict[str, Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """The bytes save_file would write."""
    d = _Dict.of(tensors, metadata)
    size = ctypes.c_size_t()
    L.check(L.sg_safetensors_serialize(d.handle, None, 0, ctypes.byref(size)))
    buffer = ctypes.create_string_buffer(size.value)
    L.check(L.sg_safetensors_serialize(d.handle, buffer, size.value, ctypes.byref(size)))
    return buffer.raw


def load(data: bytes) -> dict[str, Tensor]:
    """Parses safetensors bytes into a dict of tensors."""
    data = bytes(data)
    out = ctypes.c_void_p()
    L.check(L.sg_safetensors_deserialize(data, len(data), ctypes.byref(out)))
    return _Dict(out.value).tensors()
