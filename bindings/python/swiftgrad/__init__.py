"""swiftgrad: tensors with reverse-mode automatic differentiation, PyTorch's API over the
libswiftgrad C library (through ctypes). Code written for PyTorch runs with
`import swiftgrad as torch` wherever swiftgrad has the feature."""
from . import _lib
from ._dtype import bool, double, dtype, float, float32, float64, int64, long  # noqa: A004
from ._lib import LibraryNotFoundError, SwiftGradError
from ._tensor import (
    Size, Tensor, arange, clone, dot, enable_grad, exp, full, is_grad_enabled, is_tensor, log,
    manual_seed, neg, no_grad, norm, ones, ones_like, randn, set_grad_enabled, sum, tensor,
    zeros, zeros_like,
)

__version__ = ".".join(map(str, _lib.BINDING_VERSION))

#: The libswiftgrad.so this module loaded.
library_path = _lib.library_path


def _live_tensor_count():
    """Tensors alive in the library (sg_live_tensor_count), for leak tests."""
    return _lib.sg_live_tensor_count()


__all__ = [
    "Size", "SwiftGradError", "LibraryNotFoundError", "Tensor", "arange", "bool", "clone", "dot",
    "double", "dtype", "enable_grad", "exp", "float", "float32", "float64", "full", "int64",
    "is_grad_enabled", "is_tensor", "log", "long", "manual_seed", "neg", "no_grad", "norm", "ones",
    "ones_like", "randn", "set_grad_enabled", "sum", "tensor", "zeros", "zeros_like",
]
