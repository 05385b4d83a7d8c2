"""Process-wide settings and dtype questions at torch's top level: promote_types, result_type,
can_cast, the number of threads, print options, the default device, and the small predicates
(is_tensor's kin: is_floating_point, is_complex, is_nonzero, typename)."""
import builtins
import ctypes
import math
import numbers

from . import _device
from . import _dtype
from . import _lib as L
from ._tensor import Tensor, _operand, _require_tensor

_check = L.check


def _code(name, argument, value):
    if not isinstance(value, _dtype.dtype):
        raise TypeError(f"{name}(): argument '{argument}' must be torch.dtype, not {type(value).__name__}")
    return value._code


def promote_types(type1, type2):
    """torch.promote_types: the smallest dtype both convert to without losing their kind
    (uint8 with int8 is int16, float16 with bfloat16 float32)."""
    out = ctypes.c_int()
    _check(L.sg_promote_types(_code("promote_types", "type1", type1), _code("promote_types", "type2", type2),
                              ctypes.byref(out)))
    return _dtype.by_code[out.value]


def result_type(tensor1, tensor2):
    """torch.result_type: the dtype a binary op of the two (tensors or Python numbers) computes in."""
    if not isinstance(tensor1, (Tensor, numbers.Number)) or not isinstance(tensor2, (Tensor, numbers.Number)):
        raise TypeError("result_type() received an invalid combination of arguments: expected Tensor or Number")
    a, b = _operand(tensor1), _operand(tensor2)  # Python numbers become wrapped numbers
    out = ctypes.c_int()
    _check(L.sg_result_type(a._handle, b._handle, ctypes.byref(out)))
    return _dtype.by_code[out.value]


def can_cast(from_, to):
    """torch.can_cast(from_, to): whether from_ casts to `to` implicitly (not floating to
    integral or bool, nor anything but bool to bool)."""
    out = ctypes.c_bool()
    _check(L.sg_can_cast(_code("can_cast", "from_", from_), _code("can_cast", "to", to), ctypes.byref(out)))
    return out.value


def set_num_threads(int):  # noqa: A002 - PyTorch's parameter name
    """torch.set_num_threads: the threads kernels split large work over (at least 1)."""
    if not isinstance(int, numbers.Integral) or isinstance(int, builtins.bool):
        raise TypeError(f"set_num_threads(): argument 'int' (position 1) must be int, not {type(int).__name__}")
    _check(L.sg_set_num_threads(builtins.int(int)))


def get_num_threads():
    """torch.get_num_threads."""
    return L.sg_get_num_threads()


def get_num_interop_threads():
    """torch.get_num_interop_threads: swiftgrad runs independent ops on the calling thread, with
    the same threads as its kernels."""
    return L.sg_get_num_threads()


_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, 2 ** 63 - 1, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """torch.set_printoptions: digits after the point, the element count above which tensors
    are summarised (inf for never), items shown at each end, characters per line, a profile
    ("default", "short", "full") and scientific notation (True, False, None: by the values).
    Options not given keep their values, except that a profile resets the four numbers."""
    values = [ctypes.c_int64() for _ in range(5)]
    _check(L.sg_get_print_options(*(ctypes.byref(v) for v in values)))
    current = [v.value for v in values]
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"Invalid profile {profile!r}")
        current[:4] = _PROFILES[profile]
    for i, value in enumerate((precision, threshold, edgeitems, linewidth)):
        if value is not None:
            if i == 1 and isinstance(value, float) and math.isinf(value):
                value = 2 ** 63 - 1
            current[i] = builtins.int(value)
    current[1] = min(current[1], 2 ** 63 - 1)
    current[4] = -1 if sci_mode is None else builtins.int(builtins.bool(sci_mode))
    _check(L.sg_set_print_options(*current))


def set_default_device(device):
    """torch.set_default_device: only the CPU (None resets to it); CUDA raises PyTorch's
    CPU-build error."""
    _device.check(device)


def get_default_device():
    """torch.get_default_device: the CPU."""
    return _device.cpu


def is_floating_point(input):  # noqa: A002
    """torch.is_floating_point(input)."""
    _require_tensor("is_floating_point", "input", 1, input)
    return input.is_floating_point()


def is_complex(input):  # noqa: A002
    """torch.is_complex(input): False, swiftgrad has no complex dtypes."""
    _require_tensor("is_complex", "input", 1, input)
    return False


def is_nonzero(input):  # noqa: A002
    """torch.is_nonzero(input): the truth of a one-element tensor."""
    _require_tensor("is_nonzero", "input", 1, input)
    return Tensor.__bool__(input)


def typename(obj):
    """torch.typename: 'torch.FloatTensor' for a tensor, else the object's qualified type name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), "__module__", "") or ""
    name = type(obj).__qualname__
    return name if module in ("builtins", "__builtin__", "") else f"{module}.{name}"
