"""dtypes, as torch.float32 etc. Codes are the C ABI's sg_dtype values."""
import builtins
import ctypes
import os
import threading

from . import _lib


class dtype:
    """A tensor element type; prints as PyTorch's (`torch.float32`)."""

    __slots__ = ("_name", "_code", "is_floating_point", "is_signed", "itemsize", "_ctype", "_numpy_name")

    def __init__(self, name, code, is_floating_point, is_signed, itemsize, ctype, numpy_name):
        self._name = name
        self._code = code
        self.is_floating_point = is_floating_point
        self.is_signed = is_signed
        self.itemsize = itemsize
        self._ctype = ctype  # the element's ctypes type (float16 and bfloat16: their raw bits)
        self._numpy_name = numpy_name  # None: NumPy has no such type (bfloat16)

    @property
    def is_complex(self):
        return False

    def __repr__(self):
        return f"torch.{self._name}"

    def __reduce__(self):
        return self._name


float32 = dtype("float32", 0, True, True, 4, ctypes.c_float, "float32")
float64 = dtype("float64", 1, True, True, 8, ctypes.c_double, "float64")
int64 = dtype("int64", 2, False, True, 8, ctypes.c_int64, "int64")
bool = dtype("bool", 3, False, False, 1, ctypes.c_bool, "bool")  # noqa: A001 - torch.bool
float16 = dtype("float16", 4, True, True, 2, ctypes.c_uint16, "float16")
bfloat16 = dtype("bfloat16", 5, True, True, 2, ctypes.c_uint16, None)
int8 = dtype("int8", 6, False, True, 1, ctypes.c_int8, "int8")
uint8 = dtype("uint8", 7, False, False, 1, ctypes.c_uint8, "uint8")
int16 = dtype("int16", 8, False, True, 2, ctypes.c_int16, "int16")
int32 = dtype("int32", 9, False, True, 4, ctypes.c_int32, "int32")

float = float32  # noqa: A001 - torch.float
double = float64
half = float16
long = int64
int = int32  # noqa: A001 - torch.int
short = int16

ALL = (float32, float64, int64, bool, float16, bfloat16, int8, uint8, int16, int32)
by_code = {d._code: d for d in ALL}
by_name = {d._name: d for d in ALL}
#: NumPy's dtype names that map to swiftgrad's dtypes.
by_numpy_name = {d._numpy_name: d for d in ALL if d._numpy_name}


# The library's default dtype, read once and kept here (factories ask for it on every call);
# set_default_dtype, the only way this package changes it, updates it. Both under the lock, so
# the copy never lags the library's: the setting is process-wide.
_default = [None]
_default_lock = threading.Lock()


def _after_fork_in_child():
    global _default_lock
    _default_lock = threading.Lock()  # the parent's may have been held by a thread the child lacks
    _default[0] = None  # read again from the library


os.register_at_fork(after_in_child=_after_fork_in_child)


def get_default_dtype():
    """torch.get_default_dtype(): the dtype of floating tensors made from Python floats, of
    factories without a dtype, and of floating functions of integer tensors."""
    d = _default[0]
    if d is None:
        with _default_lock:
            code = ctypes.c_int()
            _lib.check(_lib.sg_get_default_dtype(ctypes.byref(code)))
            d = _default[0] = by_code[code.value]
    return d


def set_default_dtype(d):
    """torch.set_default_dtype(d): a floating dtype (process-wide, as PyTorch's)."""
    if not isinstance(d, dtype):
        raise TypeError(f"set_default_dtype(): argument 'd' (position 1) must be torch.dtype, not {builtins.type(d).__name__}")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    with _default_lock:
        _default[0] = None
        _lib.check(_lib.sg_set_default_dtype(d._code))
        _default[0] = d


class finfo:
    """torch.finfo(dtype): the machine limits of a floating dtype (bits, eps, max, min, tiny =
    smallest_normal, resolution, and dtype as its name), as PyTorch's."""

    _LIMITS = {  # bits, eps, max, smallest normal, resolution
        "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 0.001),
        "bfloat16": (16, 2.0 ** -7, 3.3895313892515355e38, 2.0 ** -126, 0.01),
        "float32": (32, 2.0 ** -23, 3.4028234663852886e38, 2.0 ** -126, 1e-06),
        "float64": (64, 2.0 ** -52, 1.7976931348623157e308, 2.0 ** -1022, 1e-15),
    }

    def __init__(self, type=None):  # noqa: A002 - PyTorch's name
        type = get_default_dtype() if type is None else type
        if not isinstance(type, dtype):
            raise TypeError(f"finfo(): argument 'type' (position 1) must be torch.dtype, not {builtins.type(type).__name__}")
        if type._name not in self._LIMITS:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'")
        self.bits, self.eps, self.max, self.smallest_normal, self.resolution = self._LIMITS[type._name]
        self.min, self.tiny, self.dtype = -self.max, self.smallest_normal, type._name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """torch.iinfo(dtype): the range of an integer dtype (bits, min, max, dtype as its name)."""

    def __init__(self, type):  # noqa: A002 - PyTorch's name
        if not isinstance(type, dtype):
            raise TypeError(f"iinfo(): argument 'type' (position 1) must be torch.dtype, not {builtins.type(type).__name__}")
        if type is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        self.bits = type.itemsize * 8
        signed = type.is_signed
        self.min = -(1 << (self.bits - 1)) if signed else 0
        self.max = (1 << (self.bits - 1)) - 1 if signed else (1 << self.bits) - 1
        self.dtype = type._name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
