"""dtypes, as torch.float32 etc. Codes are the C ABI's sg_dtype values."""
import ctypes


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


def get_default_dtype():
    """torch.get_default_dtype(): the dtype of floating tensors made from Python floats."""
    return float32
