"""dtypes, as torch.float32 etc."""
import ctypes


class dtype:
    """A tensor element type; prints as PyTorch's (`torch.float32`)."""

    __slots__ = ("_name", "_code", "is_floating_point", "itemsize", "_ctype", "_numpy_name")

    def __init__(self, name, code, is_floating_point, itemsize, ctype, numpy_name):
        self._name = name
        self._code = code
        self.is_floating_point = is_floating_point
        self.itemsize = itemsize
        self._ctype = ctype
        self._numpy_name = numpy_name

    @property
    def is_complex(self):
        return False

    @property
    def is_signed(self):
        return self._name != "bool"

    def __repr__(self):
        return f"torch.{self._name}"

    def __reduce__(self):
        return self._name


float32 = dtype("float32", 0, True, 4, ctypes.c_float, "float32")
float64 = dtype("float64", 1, True, 8, ctypes.c_double, "float64")
int64 = dtype("int64", 2, False, 8, ctypes.c_int64, "int64")
bool = dtype("bool", 3, False, 1, ctypes.c_bool, "bool")  # noqa: A001 - torch.bool

float = float32  # noqa: A001 - torch.float
double = float64
long = int64

by_code = {d._code: d for d in (float32, float64, int64, bool)}
