"""PyTorch's legacy constructors, which old code and many tests still use: torch.Tensor(...)
(data, sizes, a torch.Size, another tensor), the typed tensor classes torch.FloatTensor,
torch.LongTensor, ... (constructors of their dtype, and isinstance checks of a tensor's dtype),
Tensor.new(...) and Tensor.type(name or class). Their overloads and messages are those of
PyTorch's `new()`: (*, device), (Tensor other), (tuple of ints size, *, device), (object data, *,
device)."""
import numbers

from .. import _device
from .. import _dtype
from .. import _lib as L
from .._creation import empty, tensor
from .._tensor import _LEGACY_TYPE_NAMES, Tensor, _make
from .._types import Size
from ._registry import export, method

_OVERLOADS = (" * (*, torch.device device = None)\n{note} * (torch.Storage storage)\n * (Tensor other)\n"
              " * (tuple of ints size, *, torch.device device = None)\n * (object data, *, torch.device device = None)\n")


def _described(value):
    return "torch.dtype" if isinstance(value, _dtype.dtype) else type(value).__name__


def _invalid(args, kwargs, note):
    got = ", ".join([_described(a) for a in args] + [f"{k}={_described(v)}" for k, v in kwargs.items()])
    return TypeError(f"new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     + _OVERLOADS.format(note=f"      didn't match because {note}\n"))


#: C++'s names of the dtypes, as PyTorch prints TensorOptions.
_CPP_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "bool": "bool", "float16": "c10::Half",
              "bfloat16": "c10::BFloat16", "int8": "signed char", "uint8": "unsigned char", "int16": "short int",
              "int32": "int"}


def _options(dtype):
    return (f"TensorOptions(dtype={_CPP_NAMES[dtype._name]}, device=cpu, layout=Strided, requires_grad=false "
            "(default), pinned_memory=false (default), memory_format=(nullopt))")


def _is_size_entry(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _legacy_new(dtype, args, kwargs, default_dtype=False):
    """PyTorch's legacy `new()` of `dtype` (torch.Tensor's follows the default dtype and keeps a
    tensor argument's dtype)."""
    unknown = [k for k in kwargs if k != "device"]
    if unknown:
        raise _invalid(args, kwargs, f"some of the keywords were incorrect: {', '.join(unknown)}")
    device = kwargs.get("device")
    if device is not None:
        wanted = device if isinstance(device, _device.device) else _device.device(device)
        if wanted.type != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {wanted.type} was passed")
    if not args:
        return empty(0, dtype=dtype)
    first = args[0]
    if len(args) == 1 and isinstance(first, Tensor):
        if device is not None:
            raise RuntimeError("Legacy tensor constructor of the form torch.Tensor(tensor, device=device) is not "
                               "supported.  Use torch.tensor(...) or torch.as_tensor(...) instead.")
        if not default_dtype and first.dtype is not dtype:
            raise TypeError(f"expected {_options(dtype)} (got {_options(first.dtype)})")
        return _make(L.sg_alias, first._handle)
    if len(args) == 1 and isinstance(first, Size):
        return empty(tuple(first), dtype=dtype)
    if all(_is_size_entry(a) for a in args):
        return empty(tuple(int(a) for a in args), dtype=dtype)
    if len(args) == 1:
        if isinstance(first, str):
            raise TypeError("new(): invalid data type 'str'")
        if first is None or isinstance(first, (numbers.Number, bool)):
            raise TypeError(f"new(): data must be a sequence (got {type(first).__name__})")
        return tensor(first, dtype=dtype)
    if _is_size_entry(first):
        bad = next(i for i, a in enumerate(args) if not _is_size_entry(a))
        raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {bad + 1} with error "
                        f"\"type must be tuple of ints,but got {type(args[bad]).__name__}\"")
    marked = ", ".join(f"!{_described(a)}!" for a in args)
    raise _invalid(args, {}, f"some of the arguments have invalid types: ({marked})")


def _tensor_new(cls, *args, **kwargs):
    """torch.Tensor(...): the legacy constructor, in the default dtype."""
    if cls is not Tensor:
        raise TypeError(f"{cls.__name__}: create subclass instances with Tensor's factories")
    return _legacy_new(_dtype.get_default_dtype(), args, kwargs, default_dtype=True)


Tensor.__new__ = staticmethod(_tensor_new)


@method("new")
def _new(self, *args, **kwargs):
    """Tensor.new(...): the legacy constructor in this tensor's dtype (sizes give an
    uninitialised tensor, data a copy, nothing an empty tensor)."""
    return _legacy_new(self.dtype, args, kwargs)


class _TensorType(type):
    """The type of torch.FloatTensor and its kin (PyTorch's torch.tensortype): calling one is
    the legacy constructor of its dtype, and isinstance(t, torch.FloatTensor) asks t's dtype."""

    def __call__(cls, *args, **kwargs):
        return _legacy_new(cls.dtype, args, kwargs)

    def __instancecheck__(cls, instance):
        return isinstance(instance, Tensor) and instance.dtype is cls.dtype

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


#: torch.FloatTensor, ... by their names (Tensor.type(name) reads them too).
TENSOR_TYPES = {}
for _d in _dtype.ALL:
    _name = _LEGACY_TYPE_NAMES[_d._name].removeprefix("torch.")
    TENSOR_TYPES[_name] = _TensorType(_name, (), {
        "dtype": _d, "is_cuda": False, "__module__": "torch",
        "__doc__": f"torch.{_name}: the legacy constructor of {_d} tensors (torch.Tensor's forms), and "
                   f"isinstance(t, torch.{_name}) is t.dtype == {_d}."})
    export(_name)(TENSOR_TYPES[_name])


@method("type")
def _type(self, dtype=None, non_blocking=False, **kwargs):
    """Tensor.type(): the type's name (torch.FloatTensor, ...); Tensor.type(t) with t a dtype, a
    typed tensor class or its name: a copy converted to it (the tensor itself when it already
    is)."""
    if dtype is None:
        return _LEGACY_TYPE_NAMES[self.dtype._name]
    if isinstance(dtype, str):
        name = dtype.removeprefix("torch.")
        if name.startswith("cuda."):
            raise AssertionError("Torch not compiled with CUDA enabled")
        if name not in TENSOR_TYPES:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = TENSOR_TYPES[name]
    if isinstance(dtype, _TensorType):
        dtype = dtype.dtype
    return self.to(dtype)
