"""The pickle half of PyTorch's checkpoint format: the names PyTorch gives its objects in a
pickle (torch._utils._rebuild_tensor_v2, torch.FloatStorage, torch.float32, torch.Size, ...) and
the swiftgrad objects they stand for, a pickler that writes swiftgrad's objects under PyTorch's
names, and the two unpicklers torch.load uses: the full one (any object) and the weights-only
one (PyTorch 2.6+'s default), which runs only the opcodes and globals PyTorch allows and fails
with PyTorch's messages.

A tensor is pickled as PyTorch pickles it: a call of torch._utils._rebuild_tensor_v2(storage,
storage_offset, size, stride, requires_grad, backward_hooks) whose storage is a persistent id
("storage", torch.<Dtype>Storage, key, location, numel); an nn.Parameter as
_rebuild_parameter(data, requires_grad, backward_hooks)."""
from __future__ import annotations

import codecs
import collections
import pickle
import struct
import sys
import types
import warnings

from . import _dtype
from ._device import device
from ._memory_format import layout, strided
from ._types import Size
from ._tensor import Tensor
from ._pt_storage import StorageOf
from .nn.modules import Parameter
from .optim import Optimizer
from ._generator import Generator

UnpicklingError = pickle.UnpicklingError


# ---- storage types ---------------------------------------------------------------------------

class StorageType:
    """A torch.<Dtype>Storage class as a pickle names it: which dtype the storage holds."""

    __slots__ = ("name", "torch_dtype")

    def __init__(self, name, torch_dtype):
        self.name = name
        self.torch_dtype = torch_dtype

    @property
    def dtype(self):
        d = _dtype.by_name.get(self.torch_dtype)
        if d is None:
            raise RuntimeError(f"swiftgrad has no dtype torch.{self.torch_dtype}: cannot load a {self.name} "
                               "(a checkpoint holding such tensors loads only in PyTorch)")
        return d

    def __repr__(self):
        return f"StorageType(dtype=torch.{self.torch_dtype})"

    def __reduce__(self):
        return self.name


#: PyTorch's legacy storage classes (still how checkpoints name a storage's dtype) and the
#: dtypes they hold.
_STORAGE_DTYPES = {
    "DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16", "LongStorage": "int64",
    "IntStorage": "int32", "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8",
    "BoolStorage": "bool", "BFloat16Storage": "bfloat16", "ComplexDoubleStorage": "complex128",
    "ComplexFloatStorage": "complex64", "QInt8Storage": "qint8", "QInt32Storage": "qint32",
    "QUInt8Storage": "quint8", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4",
}
STORAGE_TYPES = {name: StorageType(name, dtype) for name, dtype in _STORAGE_DTYPES.items()}
#: torch.storage.UntypedStorage: bytes (its tensors' dtype comes with them, _rebuild_tensor_v3).
UNTYPED = StorageType("UntypedStorage", "uint8")
#: The storage type torch.save names for a swiftgrad dtype.
STORAGE_TYPE_OF = {_dtype.by_name[d]: STORAGE_TYPES[n] for n, d in _STORAGE_DTYPES.items() if d in _dtype.by_name}


# ---- rebuild functions (torch._utils) --------------------------------------------------------

def _check_metadata(metadata):
    if metadata:
        raise RuntimeError(f"swiftgrad cannot load a tensor with the conj/neg bits {metadata!r} set")


def _rebuild_tensor(storage, storage_offset, size, stride):
    return storage._tensor(storage_offset, size, stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    _check_metadata(metadata)
    t = storage._tensor(storage_offset, size, stride)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    _check_metadata(metadata)
    t = storage._tensor(storage_offset, size, stride, dtype)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return Parameter(data, requires_grad)


def _set_state(obj, state):
    """PyTorch's _set_obj_state for the attributes a tensor carried: swiftgrad's tensors have
    none (they keep no __dict__), so only an empty state loads."""
    dict_state, slots_state = state if isinstance(state, tuple) else (state, None)
    if dict_state or slots_state:
        names = sorted({*(dict_state or {}), *(slots_state or {})})
        raise RuntimeError(f"swiftgrad cannot load a tensor with Python attributes ({', '.join(map(str, names))}): "
                           "its tensors cannot carry attributes")
    return obj


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_state(Parameter(data, requires_grad), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    result = func(*args)
    if type(result) is not new_type:
        if new_type is Parameter:
            result = Parameter(result, result.requires_grad)
        elif new_type is Tensor:
            requires_grad = result.requires_grad
            result = result.detach().requires_grad_(requires_grad)
        else:
            raise RuntimeError(f"swiftgrad cannot rebuild a tensor as {new_type!r}")
    return _set_state(result, state)


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    result = data.to(dtype=dtype, device=device)
    if requires_grad:
        result.requires_grad = True
    return result


def _rebuild_device_tensor_from_numpy(data, dtype, device, requires_grad):
    from ._interop import from_numpy
    return _rebuild_device_tensor_from_cpu_tensor(from_numpy(data), dtype, device, requires_grad)


def _get_layout(name):
    if name == "torch.strided":
        return strided
    raise RuntimeError(f"swiftgrad has no layout {name}: its tensors are all torch.strided")


class _Missing:
    """A PyTorch global swiftgrad has no equivalent of: naming it in a checkpoint fails clearly."""

    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message

    def fail(self):
        raise RuntimeError(self.message)


def _missing_dtype(name):
    return _Missing(f"swiftgrad has no dtype torch.{name}: the checkpoint uses it (load it in PyTorch)")


def _missing_function(name, what):
    return _Missing(f"swiftgrad cannot load {what} (the checkpoint calls torch._utils.{name})")


# ---- the names of PyTorch's globals ------------------------------------------------------------

_TORCH_DTYPES = (
    "float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
    "complex32", "complex64", "complex128", "bcomplex32", "uint16", "uint32", "uint64",
    "float8_e5m2", "float8_e4m3fn", "float8_e5m2fnuz", "float8_e4m3fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
    "bits8", "bits16", "bits1x8", "bits2x4", "bits4x2", "qint8", "qint32", "quint8", "quint4x2", "quint2x4",
    *(f"uint{n}" for n in range(1, 8)), *(f"int{n}" for n in range(1, 8)),
)
_TENSOR_TYPES = ("Double", "Float", "Half", "Long", "Int", "Short", "Char", "Byte", "Bool", "BFloat16")


def _torch_globals():
    """Every global PyTorch's weights-only unpickler allows by default, by its full name, as the
    swiftgrad object it stands for (or a _Missing)."""
    names = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": Size,
        "torch.Tensor": Tensor,
        "torch.device": device,
        "_codecs.encode": codecs.encode,
        "builtins.bytearray": bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    }
    for name in _TORCH_DTYPES:
        names[f"torch.{name}"] = _dtype.by_name.get(name) or _missing_dtype(name)
    for prefix in ("torch", "torch.cuda", "torch.sparse", "torch.cuda.sparse"):
        for kind in _TENSOR_TYPES:
            if prefix.endswith("sparse") and kind == "Bool":
                continue
            names[f"{prefix}.{kind}Tensor"] = _Missing(f"swiftgrad cannot load {prefix}.{kind}Tensor objects "
                                                       "(PyTorch's legacy tensor types)")
    for name, storage_type in STORAGE_TYPES.items():
        names[f"torch.{name}"] = storage_type
        if not name.startswith("Q"):
            names[f"torch.cuda.{name}"] = storage_type
    names["torch.storage.UntypedStorage"] = UNTYPED
    names["torch.storage.TypedStorage"] = _Missing("swiftgrad cannot load pickled torch.storage.TypedStorage objects")
    for scheme in ("per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric",
                   "per_channel_affine_float_qparams"):
        names[f"torch.{scheme}"] = _Missing(f"swiftgrad has no quantized tensors (the checkpoint uses torch.{scheme})")
    for function in (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
                     _rebuild_parameter_with_state, _rebuild_device_tensor_from_cpu_tensor,
                     _rebuild_device_tensor_from_numpy):
        names[f"torch._utils.{function.__name__}"] = function
    for name, what in (("_rebuild_qtensor", "quantized tensors"), ("_rebuild_sparse_tensor", "sparse tensors"),
                       ("_rebuild_meta_tensor_no_storage", "meta tensors"),
                       ("_rebuild_wrapper_subclass", "tensor subclasses without storage")):
        names[f"torch._utils.{name}"] = _missing_function(name, what)
    return names


ALLOWED_GLOBALS = _torch_globals()

#: The torch.<module>.<name> under which the pickler writes swiftgrad's objects.
_SPELLING = {id(obj): tuple(full.rsplit(".", 1)) for full, obj in ALLOWED_GLOBALS.items()
             if not isinstance(obj, _Missing) and full.startswith("torch")
             and not full.startswith(("torch.cuda.", "torch.storage.TypedStorage"))}
_SPELLING[id(UNTYPED)] = ("torch.storage", "UntypedStorage")


def _torch_name(module, name):
    """The swiftgrad object for the PyTorch global module.name, None when it is not PyTorch's;
    raises when it is PyTorch's and swiftgrad has no equivalent."""
    if module == "torch.tensor":  # the module's old name (PyTorch's load_module_mapping)
        module = "torch._tensor"
    found = ALLOWED_GLOBALS.get(f"{module}.{name}")
    if isinstance(found, _Missing):
        found.fail()
    if found is None and (module == "torch" or module.startswith("torch.")):
        raise RuntimeError(f"swiftgrad cannot load {module}.{name}: it has no equivalent of this PyTorch object "
                           "(save and load a state_dict instead)")
    return found


# ---- safe globals (torch.serialization.add_safe_globals) -----------------------------------------

_BLOCKLISTED_MODULES = ("sys", "os", "posix", "nt")
_user_safe_globals = set()


def user_allowed_globals():
    """The globals add_safe_globals allowed, by the full name a checkpoint gives them."""
    names = {}
    for entry in _user_safe_globals:
        if isinstance(entry, tuple):
            if len(entry) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple of "
                                 f"length: {len(entry)}")
            if type(entry[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                                f"{type(entry[1])}")
            obj, name = entry
            names[name] = obj
        else:
            names[f"{entry.__module__}.{entry.__qualname__}"] = entry
    return names


def add_safe_globals(safe_globals):
    global _user_safe_globals
    _user_safe_globals = _user_safe_globals | set(safe_globals)


def remove_safe_globals(safe_globals):
    global _user_safe_globals
    _user_safe_globals = _user_safe_globals - set(safe_globals)


def get_safe_globals():
    return list(_user_safe_globals)


def clear_safe_globals():
    global _user_safe_globals
    _user_safe_globals = set()


# ---- the pickler -------------------------------------------------------------------------------

class Pickler(pickle._Pickler):
    """Pickles as torch.save does: tensors and Parameters as PyTorch's rebuild calls over
    persistent storages, swiftgrad's dtypes, Size, device and layout under PyTorch's names.
    `storage_id(StorageOf)` gives a storage's persistent id. (Python's own pickler written in
    Python, whose save_global this overrides: the C one cannot write a global by another
    module's name.)"""

    # The base class's table calls its own save_global for functions; route them through ours.
    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[types.FunctionType] = lambda self, obj: self.save_global(obj)

    def __init__(self, file, protocol, storage_id):
        super().__init__(file, protocol)
        self._storage_id = storage_id

    def persistent_id(self, obj):
        if type(obj) is StorageOf:
            return self._storage_id(obj)
        return None

    def reducer_override(self, obj):
        kind = type(obj)
        if kind is Tensor:
            storage = StorageOf(obj)
            return (_rebuild_tensor_v2, (storage, storage.offset, tuple(obj.shape), obj.stride(),
                                         obj.requires_grad, collections.OrderedDict()))
        if kind is Parameter:
            return (_rebuild_parameter, (obj.detach(), obj.requires_grad, collections.OrderedDict()))
        if kind is Size:
            return (Size, (tuple(obj),))
        if kind is layout:
            return (_get_layout, (repr(obj),))
        if isinstance(obj, Tensor):
            raise TypeError(f"swiftgrad cannot save tensors of the subclass {kind.__qualname__} (only Tensor and "
                            "nn.Parameter)")
        if isinstance(obj, (Optimizer, Generator)):
            raise TypeError(f"cannot pickle '{kind.__name__}' object: it is a handle to libswiftgrad's state; "
                            "save its state_dict() (or get_state()) instead")
        return NotImplemented

    def save_global(self, obj, name=None):
        spelled = _SPELLING.get(id(obj))
        if spelled is None:
            return super().save_global(obj, name)
        module, name = spelled
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + module.encode("ascii") + b"\n" + name.encode("ascii") + b"\n")
        self.memoize(obj)


# ---- the unpicklers ------------------------------------------------------------------------------

def full_unpickler(pickle_module, file, persistent_load, **kwargs):
    """pickle_module's Unpickler over `file` that maps PyTorch's globals to swiftgrad's objects
    (and imports any other)."""

    class Unpickler(pickle_module.Unpickler):
        def find_class(self, module, name):
            if type(name) is str and name in STORAGE_TYPES:  # PyTorch matches storage names in any module
                return STORAGE_TYPES[name]
            found = _torch_name(module, name)
            return found if found is not None else super().find_class(module, name)

    unpickler = Unpickler(file, **kwargs)
    unpickler.persistent_load = persistent_load
    return unpickler


# Python 2's names of modules and globals (as protocol 2 writes them), the ones PyTorch's
# weights-only unpickler renames.
_IMPORT_MAPPING = {
    "__builtin__": "builtins", "copy_reg": "copyreg", "Queue": "queue", "repr": "reprlib",
    "_abcoll": "collections.abc", "UserDict": "collections", "UserList": "collections",
    "UserString": "collections", "whichdb": "dbm", "StringIO": "io", "cStringIO": "io",
}
_NAME_MAPPING = {
    ("__builtin__", "xrange"): ("builtins", "range"), ("__builtin__", "reduce"): ("functools", "reduce"),
    ("__builtin__", "intern"): ("sys", "intern"), ("__builtin__", "unichr"): ("builtins", "chr"),
    ("__builtin__", "unicode"): ("builtins", "str"), ("__builtin__", "long"): ("builtins", "int"),
    ("itertools", "izip"): ("builtins", "zip"), ("itertools", "imap"): ("builtins", "map"),
    ("itertools", "ifilter"): ("builtins", "filter"), ("itertools", "ifilterfalse"): ("itertools", "filterfalse"),
    ("itertools", "izip_longest"): ("itertools", "zip_longest"),
    ("UserDict", "IterableUserDict"): ("collections", "UserDict"), ("UserList", "UserList"): ("collections", "UserList"),
    ("UserString", "UserString"): ("collections", "UserString"), ("__builtin__", "basestring"): ("builtins", "str"),
    ("exceptions", "StandardError"): ("builtins", "Exception"), ("UserDict", "UserDict"): ("collections", "UserDict"),
}
_DTENSOR_GLOBALS = (
    "torch.distributed.device_mesh.DeviceMesh", "torch.distributed.tensor._dtensor_spec.DTensorSpec",
    "torch.distributed.tensor._dtensor_spec.TensorMeta", "torch.distributed.tensor.DTensor",
    "torch.distributed.tensor.placement_types.Partial", "torch.distributed.tensor.placement_types.Replicate",
    "torch.distributed.tensor.placement_types.Shard",
)


def _read_global(readline):
    module = readline()[:-1].decode("utf-8")
    name = readline()[:-1].decode("utf-8")
    if (module, name) in _NAME_MAPPING:
        module, name = _NAME_MAPPING[(module, name)]
    elif module in _IMPORT_MAPPING:
        module = _IMPORT_MAPPING[module]
    return module, name


def _decode_ascii(value):
    return value.decode("ascii") if isinstance(value, bytes) else value


class WeightsOnlyUnpickler:
    """PyTorch's weights-only unpickler: protocol 2's opcodes that build containers and numbers,
    globals only from ALLOWED_GLOBALS and add_safe_globals, calls and new objects only of
    those, BUILD only on Parameter, OrderedDict and allowed types, persistent ids only of
    storages. Anything else raises pickle.UnpicklingError with PyTorch's message."""

    def __init__(self, file, persistent_load, *, encoding="bytes"):
        self.read = file.read
        self.readline = file.readline
        self.persistent_load = persistent_load
        self.encoding = encoding
        self.memo = {}

    def load(self):
        self.metastack = []
        self.stack = []
        user = user_allowed_globals()
        # What REDUCE may call, NEWOBJ make and BUILD fill: the allowed globals themselves.
        self._allowed = {id(v) for v in (*ALLOWED_GLOBALS.values(), *user.values()) if not isinstance(v, _Missing)}
        read = self.read
        while True:
            key = read(1)
            if not key:
                raise EOFError
            op = _OPCODES.get(key[0])
            if op is None:
                raise UnpicklingError(f"Unsupported operand {key[0]}")
            if op is _stop:
                return self.stack.pop()
            op(self, user)

    def pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _is_allowed(self, obj):
        return id(obj) in self._allowed


def _global(u, user):
    module, name = _read_global(u.readline)
    full_path = f"{module}.{name}"
    if module in _BLOCKLISTED_MODULES:
        raise UnpicklingError(f"Trying to load unsupported GLOBAL {full_path} whose module {module} is blocked.")
    if full_path in ALLOWED_GLOBALS:
        found = ALLOWED_GLOBALS[full_path]
        if isinstance(found, _Missing):
            found.fail()
        u.stack.append(found)
    elif full_path in user:
        u.stack.append(user[full_path])
    elif full_path in _DTENSOR_GLOBALS:
        raise UnpicklingError("``torch.distributed.tensor`` must be imported to load DTensors")
    else:
        if full_path.startswith("builtins"):
            rest = full_path[len("builtins"):]
            full_path = rest[1:] if rest.startswith(".") else "builtins" + rest
        raise UnpicklingError(
            f"Unsupported global: GLOBAL {full_path} was not an allowed global by default. "
            f"Please use `torch.serialization.add_safe_globals([{full_path}])` or the "
            f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this global "
            "if you trust this class/function.")


def _newobj(u, user):
    args = u.stack.pop()
    cls = u.stack.pop()
    if cls is Parameter:
        u.stack.append(Parameter(*args))
    elif u._is_allowed(cls):
        u.stack.append(cls.__new__(cls, *args))
    else:
        raise UnpicklingError("Can only create new object for nn.Parameter or classes allowlisted "
                              f"via `add_safe_globals` but got {cls}")


def _reduce(u, user):
    args = u.stack.pop()
    func = u.stack[-1]
    if not u._is_allowed(func):
        message = f"Trying to call reduce for unrecognized function {func}"
        if hasattr(func, "__self__"):
            message += f" which belongs to {func.__self__}"
        raise UnpicklingError(message)
    u.stack[-1] = func(*args)


def _build(u, user):
    state = u.stack.pop()
    inst = u.stack[-1]
    kind = type(inst)
    if kind is Tensor or kind is Parameter:
        raise RuntimeError("swiftgrad cannot load tensors pickled in PyTorch's pre-1.0 form (BUILD on a Tensor)")
    if kind is collections.OrderedDict:
        inst.__dict__.update(state)
    elif u._is_allowed(kind):
        if hasattr(inst, "__setstate__"):
            inst.__setstate__(state)
        else:
            slots = None
            if isinstance(state, tuple) and len(state) == 2:
                state, slots = state
            if state:
                inst.__dict__.update(state)
            if slots:
                for k, v in slots.items():
                    setattr(inst, k, v)
    else:
        raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types allowlisted "
                              f"via `add_safe_globals`, but got {kind}")


def _append(u, user):
    item = u.stack.pop()
    target = u.stack[-1]
    if type(target) is not list:
        raise UnpicklingError(f"Can only append to lists, but got {type(target)}")
    target.append(item)


def _appends(u, user):
    items = u.pop_mark()
    target = u.stack[-1]
    if type(target) is not list:
        raise UnpicklingError(f"Can only extend lists, but got {type(target)}")
    target.extend(items)


def _check_mapping(u, opcode):
    if type(u.stack[-1]) not in (dict, collections.OrderedDict, collections.Counter):
        raise UnpicklingError(f"Can only {opcode} for dict, collections.OrderedDict, "
                              f"collections.Counter, but got {type(u.stack[-1])}")


def _setitem(u, user):
    value, key = u.stack.pop(), u.stack.pop()
    _check_mapping(u, "SETITEM")
    u.stack[-1][key] = value


def _setitems(u, user):
    items = u.pop_mark()
    _check_mapping(u, "SETITEMS")
    for i in range(0, len(items), 2):
        u.stack[-1][items[i]] = items[i + 1]


def _mark(u, user):
    u.metastack.append(u.stack)
    u.stack = []


def _tuple(u, user):
    items = tuple(u.pop_mark())
    u.stack.append(items)


def _tuple_n(n):
    def op(u, user):
        items = tuple(u.stack[i] for i in range(-n, 0))
        del u.stack[-n:]
        u.stack.append(items)
    return op


def _push(value_of):
    def op(u, user):
        u.stack.append(value_of())
    return op


def _unpack(fmt, size):
    def op(u, user):
        u.stack.append(struct.unpack(fmt, u.read(size))[0])
    return op


def _binunicode(u, user):
    length = struct.unpack("<I", u.read(4))[0]
    if length > sys.maxsize:
        raise UnpicklingError("String is too long")
    u.stack.append(str(u.read(length), "utf-8", "surrogatepass"))


def _short_binstring(u, user):
    data = u.read(u.read(1)[0])
    u.stack.append(data if u.encoding == "bytes" else data.decode(u.encoding, "strict"))


def _binpersid(u, user):
    pid = u.stack.pop()
    if type(pid) is not tuple and type(pid) is not int:
        raise UnpicklingError(f"persistent_load id must be tuple or int, but got {type(pid)}")
    if type(pid) is tuple and len(pid) > 0 and _decode_ascii(pid[0]) != "storage":
        raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {type(pid[0])}")
    u.stack.append(u.persistent_load(pid))


def _get(size):
    def op(u, user):
        index = u.read(1)[0] if size == 1 else struct.unpack("<I", u.read(4))[0]
        u.stack.append(u.memo[index])
    return op


def _put(size):
    def op(u, user):
        index = u.read(1)[0] if size == 1 else struct.unpack("<I", u.read(4))[0]
        u.memo[index] = u.stack[-1]
    return op


def _long1(u, user):
    u.stack.append(pickle.decode_long(u.read(u.read(1)[0])))


def _proto(u, user):
    u.proto = u.read(1)[0]
    if u.proto != 2:
        warnings.warn(f"Detected pickle protocol {u.proto} in the checkpoint, which was not the default pickle protocol "
                      "used by `torch.load` (2). The weights_only Unpickler might not support all instructions "
                      "implemented by this protocol, please file an issue for adding support if you encounter this.",
                      stacklevel=2)


def _stop(u, user):
    pass


_OPCODES = {
    pickle.GLOBAL[0]: _global, pickle.NEWOBJ[0]: _newobj, pickle.REDUCE[0]: _reduce, pickle.BUILD[0]: _build,
    pickle.APPEND[0]: _append, pickle.APPENDS[0]: _appends, pickle.SETITEM[0]: _setitem,
    pickle.SETITEMS[0]: _setitems, pickle.MARK[0]: _mark, pickle.TUPLE[0]: _tuple, pickle.TUPLE1[0]: _tuple_n(1),
    pickle.TUPLE2[0]: _tuple_n(2), pickle.TUPLE3[0]: _tuple_n(3), pickle.NONE[0]: _push(lambda: None),
    pickle.NEWFALSE[0]: _push(lambda: False), pickle.NEWTRUE[0]: _push(lambda: True),
    pickle.EMPTY_TUPLE[0]: _push(tuple), pickle.EMPTY_LIST[0]: _push(list), pickle.EMPTY_DICT[0]: _push(dict),
    pickle.EMPTY_SET[0]: _push(set), pickle.BININT[0]: _unpack("<i", 4), pickle.BININT1[0]: _unpack("<B", 1),
    pickle.BININT2[0]: _unpack("<H", 2), pickle.BINFLOAT[0]: _unpack(">d", 8), pickle.BINUNICODE[0]: _binunicode,
    pickle.SHORT_BINSTRING[0]: _short_binstring, pickle.BINPERSID[0]: _binpersid, pickle.BINGET[0]: _get(1),
    pickle.LONG_BINGET[0]: _get(4), pickle.BINPUT[0]: _put(1), pickle.LONG_BINPUT[0]: _put(4),
    pickle.LONG1[0]: _long1, pickle.PROTO[0]: _proto, pickle.STOP[0]: _stop,
}

# Opcodes with fixed-size arguments, for reading a pickle's globals without running it.
_ARGUMENT_SIZES = {
    pickle.BININT[0]: 4, pickle.BININT1[0]: 1, pickle.BININT2[0]: 2, pickle.BINFLOAT[0]: 8, pickle.BINGET[0]: 1,
    pickle.LONG_BINGET[0]: 4, pickle.BINPUT[0]: 1, pickle.LONG_BINPUT[0]: 4, pickle.PROTO[0]: 1,
}


def globals_in_pickle(file):
    """The full names of the globals a pickle names (without running it), as PyTorch's
    get_globals_in_pkl reads them."""
    found = set()
    while True:
        key = file.read(1)
        if not key:
            raise EOFError
        op = key[0]
        if op == pickle.GLOBAL[0]:
            module, name = _read_global(file.readline)
            found.add(f"{module}.{name}")
        elif op == pickle.STOP[0]:
            return found
        elif op in _ARGUMENT_SIZES:
            file.read(_ARGUMENT_SIZES[op])
        elif op == pickle.BINUNICODE[0]:
            file.read(struct.unpack("<I", file.read(4))[0])
        elif op in (pickle.SHORT_BINSTRING[0], pickle.LONG1[0]):
            file.read(file.read(1)[0])
        elif op not in _OPCODES:
            raise UnpicklingError(f"Unsupported operand {op}")

