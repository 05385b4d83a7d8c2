"""torch.save and torch.load in PyTorch's own file format (torch.serialization), so that
checkpoints move both ways between swiftgrad and PyTorch:

    swiftgrad.save(model.state_dict(), "model.pt")    # torch.load("model.pt") reads it
    model.load_state_dict(swiftgrad.load("model.pt"))  # and files torch.save wrote load here

The format (PyTorch >= 1.6): a zip archive (see _pt_zip) whose data.pkl pickles the object with
each tensor as a rebuild call over a storage kept in its own record data/<key>, 64-byte aligned
(see _pt_pickle and _pt_storage); tensors that share a storage share it in the file and again
after loading. `_use_new_zipfile_serialization=False` writes and reads the legacy format (pickles
one after another, then the storages). torch.load's default `weights_only=True` runs only the
pickle opcodes and globals PyTorch allows, with its messages; add_safe_globals/safe_globals
allow more.
"""
from __future__ import annotations

import ast
import inspect
import io
import linecache
import os
import pickle
import re
import secrets
import struct
import sys
import warnings

from ._device import device as _device_type
from ._device import check as _check_device
from . import _pt_pickle as P
from ._pt_storage import TypedStorage, UntypedStorage
from ._pt_zip import ZipReader, ZipWriter, archive_name
from .nn.modules import Module

__all__ = [
    "save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals",
    "get_unsafe_globals_in_checkpoint", "SourceChangeWarning", "DEFAULT_PROTOCOL",
]

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
_FORMAT_VERSION = b"1"       # .format_version: storages numbered in the order they are written
_STORAGE_ALIGNMENT = b"64"   # .storage_alignment
_FILE_VERSION = b"3\n"       # version: PyTorchFileWriter's produced file format version

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, "
    "but it can result in arbitrary code execution. Do it only if you got the file from a "
    "trusted source."
)
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
    "weights_only https://pytorch.org/docs/stable/generated/torch.load.html."
)


class SourceChangeWarning(Warning):
    """The source of a module class saved whole (legacy format) differs from the class now."""


# ---- safe globals --------------------------------------------------------------------------------

def add_safe_globals(safe_globals) -> None:
    """Allows these functions and classes (or (object, "module.name") pairs) in weights_only
    loads, in addition to PyTorch's defaults."""
    P.add_safe_globals(safe_globals)


def get_safe_globals() -> list:
    """The globals add_safe_globals allowed."""
    return P.get_safe_globals()


def clear_safe_globals() -> None:
    """Forgets every global add_safe_globals allowed."""
    P.clear_safe_globals()


class safe_globals:
    """A context manager that allows these globals in weights_only loads inside it."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        P.add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        P.remove_safe_globals(self.safe_globals)


def get_unsafe_globals_in_checkpoint(f) -> list[str]:
    """The globals a checkpoint's pickle names that weights_only would refuse (read without
    running the pickle)."""
    with _opened(f, "rb") as file:
        if not _is_zipfile(file):
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        reader = ZipReader(file)
        if reader.has_record("constants.pkl"):
            raise ValueError("Expected input to be a checkpoint returned by torch.save but got a torchscript checkpoint")
        found = P.globals_in_pickle(io.BytesIO(reader.get_record("data.pkl")))
    return list(found - set(P.ALLOWED_GLOBALS) - set(P.user_allowed_globals()))


# ---- files -------------------------------------------------------------------------------------

def _is_path(f):
    return isinstance(f, (str, os.PathLike))


class _opened:
    """A path opened (and closed afterwards), or a file object used as it is."""

    def __init__(self, f, mode):
        self.owned = _is_path(f)
        self.file = open(f, mode) if self.owned else f  # noqa: SIM115 - closed by __exit__

    def __enter__(self):
        return self.file

    def __exit__(self, *exc):
        if self.owned:
            self.file.close()


def _is_zipfile(file):
    start = file.tell()
    magic = file.read(4)
    file.seek(start)
    return magic == b"PK\x03\x04"


def _check_seekable(file):
    try:
        file.seek(file.tell())
    except (io.UnsupportedOperation, AttributeError) as e:
        if "seek" in str(e) or "tell" in str(e):
            raise type(e)(str(e) + ". You can only torch.load from a file that is seekable. Please pre-load the data "
                          "into a buffer like io.BytesIO and try to load from it instead.") from None
        raise


def _check_parent_directory(path):
    cut = max(path.rfind("/"), path.rfind("\\"))
    parent = path[:cut] if cut > 0 else ""
    if parent and not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {parent} does not exist.")


# ---- save ----------------------------------------------------------------------------------------

class _Storages:
    """The storages a save writes, each under the key its first tensor gave it: "0", "1", ...
    in the zip format, the storage's address in the legacy one."""

    def __init__(self, legacy):
        self.legacy = legacy
        self.by_key = {}     # key -> StorageOf
        self._keys = {}      # StorageOf.key -> key
        self._dtypes = {}    # address -> dtype of the data there
        self._modules = set()

    def storage_id(self, storage):
        key = self._keys.get(storage.key)
        if key is None:
            if storage.nbytes:
                if self._dtypes.setdefault(storage.address, storage.dtype) is not storage.dtype:
                    raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different types")
            key = str(len(self._keys)) if not self.legacy else self._legacy_key(storage)
            self._keys[storage.key] = key
            self.by_key[key] = storage
        if self.legacy:
            return ("storage", P.STORAGE_TYPE_OF[storage.dtype], key, "cpu", storage.numel, None)
        return ("storage", P.STORAGE_TYPE_OF[storage.dtype], key, "cpu", storage.numel)

    def _legacy_key(self, storage):
        key, n = str(storage.address), 0
        while key in self.by_key:
            n += 1
            key = f"{storage.address}.{n}"
        return key

    def module_id(self, cls):
        """The legacy format's persistent id of a Module class the first time it is pickled
        (with its source, checked when loading), None afterwards."""
        if cls in self._modules:
            return None
        self._modules.add(cls)
        try:
            source_file, source = _class_source(cls)
        except Exception:  # noqa: BLE001 - the source is optional
            warnings.warn(f"Couldn't retrieve source code for container of type {cls.__name__}. It won't be checked "
                          "for correctness upon loading.", stacklevel=4)
            source_file = source = None
        return ("module", cls, source_file, source)


class _LegacyPickler(P.Pickler):
    def __init__(self, file, protocol, storages):
        super().__init__(file, protocol, storages.storage_id)
        self._storages = storages

    def persistent_id(self, obj):
        if isinstance(obj, type) and issubclass(obj, Module):
            return self._storages.module_id(obj)
        return super().persistent_id(obj)


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False) -> None:
    """Saves `obj` (tensors, Parameters, state dicts, optimizer state dicts, nested containers
    of them and Python values; any picklable object) to `f`, a path or a binary file object,
    in PyTorch's format: torch.load reads the file, and so does swiftgrad.load. Tensors keep
    their dtype, shape, strides, requires_grad and storage sharing; gradients and hooks are
    not saved."""
    if not _is_path(f) and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' attribute")
    if pickle_module is not pickle:
        raise TypeError("swiftgrad.save pickles with Python's pickle module (pickle_module=pickle)")
    if _is_path(f):
        f = os.fspath(f)
    if not _use_new_zipfile_serialization:
        with _opened(f, "wb") as file:
            _legacy_save(obj, file, pickle_protocol)
        return
    storages = _Storages(legacy=False)
    data = io.BytesIO()
    P.Pickler(data, pickle_protocol, storages.storage_id).dump(obj)
    if _is_path(f):
        try:
            f.encode("ascii")
            name = archive_name(f)
            _check_parent_directory(f)
        except UnicodeEncodeError:  # PyTorch writes such paths through Python's open(), as a buffer
            name = "archive"
        with open(f, "wb") as file:
            _write_zip(file.write, name, data.getbuffer(), storages, _disable_byteorder_record)
    else:
        if not callable(getattr(f, "write", None)):
            raise TypeError(f"Buffer of {str(type(f)).strip('<>')} has no callable attribute 'write'")
        _write_zip(f.write, "archive", data.getbuffer(), storages, _disable_byteorder_record)
        f.flush()


def _write_zip(write, name, pickled, storages, disable_byteorder_record):
    writer = ZipWriter(write, name)
    writer.write_record("data.pkl", pickled)
    writer.write_record(".format_version", _FORMAT_VERSION)
    writer.write_record(".storage_alignment", _STORAGE_ALIGNMENT)
    if not disable_byteorder_record:
        writer.write_record("byteorder", sys.byteorder.encode())
    for key, storage in storages.by_key.items():
        writer.write_record(f"data/{key}", storage.data())
    writer.write_record("version", _FILE_VERSION)
    writer.write_record(".data/serialization_id", f"{secrets.randbits(64):020d}{secrets.randbits(64):020d}".encode())
    writer.finish()


def _legacy_save(obj, file, protocol):
    storages = _Storages(legacy=True)
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    pickle.dump(MAGIC_NUMBER, file, protocol=protocol)
    pickle.dump(PROTOCOL_VERSION, file, protocol=protocol)
    pickle.dump(sys_info, file, protocol=protocol)
    _LegacyPickler(file, protocol, storages).dump(obj)
    keys = sorted(storages.by_key)
    pickle.dump(keys, file, protocol=protocol)
    file.flush()
    for key in keys:
        storage = storages.by_key[key]
        file.write(struct.pack("<q", storage.numel))
        file.write(storage.data())


# ---- load ----------------------------------------------------------------------------------------

_BACKENDS = ("cuda", "xpu", "hpu", "mtia")


def _default_restore(storage, location):
    """The storage moved to `location` (a location tag: "cpu", "cuda:0", ...)."""
    location = str(location)
    if location == "cpu":
        return storage
    for backend in _BACKENDS:
        if location == backend or re.match(f"{backend}(:|[0-9]+)", location):
            raise RuntimeError(
                f"Attempting to deserialize object on a {backend.upper()} device but torch.{backend}.is_available() "
                "is False. If you are running on a CPU-only machine, please use torch.load with "
                "map_location=torch.device('cpu') to map your storages to the CPU.")
    if location.startswith("mps"):
        _check_device("mps")
    raise RuntimeError(f"don't know how to restore data location of torch.storage.UntypedStorage (tagged with "
                       f"{location})" + (": swiftgrad has no meta tensors" if location == "meta" else ""))


def _restore_location(map_location):
    if map_location is None:
        return _default_restore
    if isinstance(map_location, dict):
        return lambda storage, location: _default_restore(storage, map_location.get(location, location))
    if isinstance(map_location, (str, bytes)):
        target = map_location.decode() if isinstance(map_location, bytes) else map_location
        return lambda storage, location: _default_restore(storage, target)
    if isinstance(map_location, _device_type):
        return lambda storage, location: _default_restore(storage, str(map_location))

    def restore(storage, location):
        result = map_location(storage, location)
        if result is None:
            return _default_restore(storage, location)
        if not isinstance(result, UntypedStorage):
            raise TypeError(f"map_location must return a storage it was given (or None), not {type(result).__name__}")
        return result
    return restore


def _weights_only_message(message):
    """PyTorch's text around an error of the weights-only unpickler."""
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        return ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check "
                "the recommended steps in the following error message.\n\tWeightsUnpickler error: "
                + message + _DOCS_MESSAGE)
    if re.search(r"(\S+) must be (\S+) to load", message):
        return f"Weights only load failed. {message}\n {UNSAFE_MESSAGE}\n"
    updated = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if not re.search(r"whose module (\S+) is blocked", message):
        updated += ("Please file an issue with the following so that we can make `weights_only=True` compatible "
                    "with your use case: WeightsUnpickler error: ")
    return updated + "\n\n" + message + _DOCS_MESSAGE


def _decode_ascii(value):
    return value.decode("ascii") if isinstance(value, bytes) else value


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Loads an object torch.save (or swiftgrad.save) wrote to `f`, a path or a seekable binary
    file object. Tensors come back on the CPU, sharing storage as they did when saved.

    weights_only (the default, as in PyTorch 2.6+) allows only tensors, containers, numbers,
    strings and the globals PyTorch allows (plus those given to add_safe_globals); anything else
    raises pickle.UnpicklingError ("Weights only load failed..."). weights_only=False unpickles
    any object: only load files you trust. map_location is "cpu", a torch.device, a dict of
    location tags, or a callable (storage, location) -> storage or None; locations other than the
    CPU raise PyTorch's error for a machine without them. mmap=True is accepted (the file is
    read whole)."""
    weights_only_not_set = weights_only is None
    if weights_only_not_set:
        weights_only = pickle_module is None
    true_values = ("1", "y", "yes", "true")
    force_weights_only = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    force_no_weights_only = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    if force_weights_only and force_no_weights_only:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force_weights_only:
        weights_only = True
    elif force_no_weights_only and weights_only_not_set:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` "
                      "argument was not explicitly passed to `torch.load`, forcing weights_only=False.",
                      UserWarning, stacklevel=2)
        weights_only = False
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    elif pickle_module is None:
        pickle_module = pickle
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")

    if _is_path(f) and os.fspath(f).endswith(".safetensors"):
        return _load_safetensors(os.fspath(f), map_location)

    with _opened(f, "rb") as file:
        if not _is_path(f):
            _check_seekable(file)
        if _is_zipfile(file):
            reader = ZipReader(file)
            if reader.has_record("constants.pkl"):
                warnings.warn("'torch.load' received a zip file that looks like a TorchScript archive dispatching to "
                              "'torch.jit.load' (call 'torch.jit.load' directly to silence this warning)",
                              UserWarning, stacklevel=2)
                if weights_only:
                    raise RuntimeError("Cannot use ``weights_only=True`` with TorchScript archives passed to "
                                       "``torch.load``. " + UNSAFE_MESSAGE)
                raise RuntimeError("swiftgrad cannot load TorchScript archives (torch.jit.save): save a state_dict "
                                   "with torch.save instead")
            if mmap and not _is_path(f):
                raise ValueError("f must be a file path in order to use the mmap argument")
            if weights_only:
                try:
                    return _load_zip(reader, map_location, None, **pickle_load_args)
                except pickle.UnpicklingError as e:
                    raise pickle.UnpicklingError(_weights_only_message(str(e))) from None
            return _load_zip(reader, map_location, pickle_module, **pickle_load_args)
        if mmap:
            f_name = f"{f}, " if isinstance(f, str) else ""
            raise RuntimeError("mmap can only be used with files saved with "
                               f"`torch.save({f_name}_use_new_zipfile_serialization=True), "
                               "please torch.save your checkpoint with this option in order to use mmap.")
        if weights_only:
            try:
                return _legacy_load(file, map_location, None, **pickle_load_args)
            except pickle.UnpicklingError as e:
                raise pickle.UnpicklingError(_weights_only_message(str(e))) from None
        return _legacy_load(file, map_location, pickle_module, **pickle_load_args)


def _load_safetensors(path, map_location):
    from ._serialization import load_file
    if isinstance(map_location, dict):
        raise RuntimeError("Loading safetensors file with dict map_location is not supported. "
                           "Use a device string or torch.device instead.")
    if callable(map_location) and not isinstance(map_location, _device_type):
        raise RuntimeError("Loading safetensors file with callable map_location is not supported. "
                           "Use a device string or torch.device instead.")
    return load_file(path, device="cpu" if map_location is None else str(map_location))


def _unpickler(pickle_module, file, persistent_load, pickle_load_args):
    if pickle_module is None:
        return P.WeightsOnlyUnpickler(file, persistent_load, **pickle_load_args)
    return P.full_unpickler(pickle_module, file, persistent_load, **pickle_load_args)


def _load_zip(reader, map_location, pickle_module, **pickle_load_args):
    byteorder = "little"
    if reader.has_record("byteorder"):
        byteorder = reader.get_record("byteorder").decode("latin-1")
        if byteorder not in ("little", "big"):
            raise ValueError("Unknown endianness type: " + byteorder)
    restore = _restore_location(map_location)
    loaded = {}

    def load_storage(dtype, nbytes, key, location):
        data = reader.get_record(f"data/{key}")
        if len(data) != nbytes:
            raise RuntimeError(f"storage data/{key} holds {len(data)} bytes but the checkpoint's tensors need {nbytes}")
        return TypedStorage(restore(UntypedStorage(nbytes, data, byteorder), location), dtype)

    def persistent_load(saved_id):
        if not isinstance(saved_id, tuple):
            raise AssertionError(f"saved_id must be a tuple, got {type(saved_id).__name__}")
        typename = _decode_ascii(saved_id[0])
        if typename != "storage":
            raise AssertionError(f"Unknown typename for persistent_load, expected 'storage' but got '{typename}'")
        storage_type, key, location, numel = saved_id[1:]
        dtype = storage_type.dtype
        nbytes = numel * dtype.itemsize
        typed = loaded.get(key)
        if typed is None:
            typed = loaded[key] = load_storage(dtype, nbytes, key, _decode_ascii(location))
        elif typed.dtype is not dtype:  # only a record without data can be named with two dtypes
            untyped = typed._untyped_storage
            if untyped.nbytes() == nbytes:
                typed = TypedStorage(untyped, dtype)
            else:
                typed = load_storage(dtype, nbytes, key, _decode_ascii(location))
        return typed

    data = io.BytesIO(reader.get_record("data.pkl"))
    return _unpickler(pickle_module, data, persistent_load, pickle_load_args).load()


def _class_source(cls):
    """The file and source text of a Module class, as inspect finds them; for a class that a
    public module re-exports under its own path (swiftgrad.nn.modules names the classes that
    nn/_container.py, nn/_activation.py, ... define), from the private module beside it that
    defines it."""
    try:
        return inspect.getsourcefile(cls), "".join(inspect.getsourcelines(cls)[0])
    except (OSError, TypeError):
        package = cls.__module__.rpartition(".")[0]
        for name, module in list(sys.modules.items()):
            if not name.startswith(package + "._") or getattr(module, cls.__name__, None) is not cls:
                continue
            path = inspect.getsourcefile(module)
            lines = linecache.getlines(path) if path else []
            for node in ast.walk(ast.parse("".join(lines))):
                if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
                    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                    return path, "".join(lines[first - 1:node.end_lineno])
        raise


def _check_module_source(cls, source_file, original_source):
    try:
        current = _class_source(cls)[1]
    except Exception:  # noqa: BLE001 - the source is optional
        warnings.warn(f"Couldn't retrieve source code for container of type {cls.__name__}. It won't be checked "
                      "for correctness upon loading.", stacklevel=2)
        return
    if current != original_source:
        name = f"{cls.__module__}.{cls.__qualname__}"
        warnings.warn(f"source code of class '{name}' has changed. you can retrieve the original source code by "
                      "accessing the object's source attribute or set `torch.nn.Module.dump_patches = True` and use "
                      "the patch tool to revert the changes.", SourceChangeWarning, stacklevel=2)


def _legacy_load(file, map_location, pickle_module, **pickle_load_args):
    start = file.tell()
    header = file.read(512)
    file.seek(start)
    if len(header) == 512 and header[257:262] == b"ustar":
        if pickle_module is None:
            raise RuntimeError("Cannot use ``weights_only=True`` with files saved in the legacy .tar format. "
                               + UNSAFE_MESSAGE)
        raise RuntimeError("swiftgrad cannot load PyTorch's .tar checkpoints (saved by PyTorch 0.3 and earlier)")
    restore = _restore_location(map_location)
    storages = {}

    def persistent_load(saved_id):
        if not isinstance(saved_id, tuple):
            raise AssertionError(f"saved_id must be a tuple, got {type(saved_id).__name__}")
        typename = _decode_ascii(saved_id[0])
        data = saved_id[1:]
        if typename == "module":
            if all(data[1:]):
                _check_module_source(*data)
            return data[0]
        if typename != "storage":
            raise RuntimeError(f"Unknown saved id type: {saved_id[0]}")
        storage_type, key, location, numel, view_metadata = data
        if view_metadata is not None:
            raise RuntimeError("swiftgrad cannot load storage views (checkpoints of PyTorch before 1.0)")
        dtype = storage_type.dtype
        nbytes = numel * dtype.itemsize
        typed = storages.get(key)
        if typed is None:
            untyped = restore(UntypedStorage(nbytes, byteorder="little"), _decode_ascii(location))
            typed = storages[key] = TypedStorage(untyped, dtype)
        elif typed.dtype is not dtype:
            typed = TypedStorage(typed._untyped_storage if typed._untyped_storage.nbytes() == nbytes
                                 else UntypedStorage(nbytes), dtype)
        return typed

    def load_value():
        if pickle_module is None:
            return P.WeightsOnlyUnpickler(file, persistent_load, **pickle_load_args).load()
        return pickle_module.load(file, **pickle_load_args)

    if load_value() != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol_version = load_value()
    if protocol_version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol_version}")
    load_value()  # the saving system's byte order and type sizes
    result = _unpickler(pickle_module, file, persistent_load, pickle_load_args).load()
    for key in load_value():
        if key not in storages:
            raise AssertionError(f"storage key {key!r} not found in deserialized_objects")
        storage = storages[key]._untyped_storage
        (count,) = struct.unpack("<q", file.read(8))
        element_size = storages[key].dtype.itemsize
        data = file.read(count * element_size)
        if count * element_size != storage.nbytes() or len(data) != storage.nbytes():
            raise RuntimeError(f"storage {key} of the checkpoint is truncated or does not match its tensors")
        storage._fill(data)
    return result
