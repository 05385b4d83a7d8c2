"""The C ABI of libswiftgrad.so through ctypes: the loader, every function's prototype, and the
one status check. Nothing else in the package touches ctypes declarations."""
import ctypes
import os
import pathlib
from ctypes import POINTER, c_bool, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint32, c_uint64, c_void_p

BINDING_VERSION = (0, 1, 0)

_here = pathlib.Path(__file__).resolve().parent
_LIBRARY_NAME = "libswiftgrad.so"


class LibraryNotFoundError(ImportError):
    """libswiftgrad.so could not be loaded from any of the places the loader looks."""


def _candidates():
    # 1. The library bundled in the installed package; 2. the checkout's build output.
    yield _here / _LIBRARY_NAME
    yield _here.parent.parent.parent / "build" / "lib" / _LIBRARY_NAME


def _load():
    explicit = os.environ.get("SWIFTGRAD_LIBRARY")
    if explicit:
        # An explicit choice is honoured or refused, never silently replaced by another library.
        try:
            return ctypes.CDLL(explicit), explicit
        except OSError as error:
            raise LibraryNotFoundError(
                f"SWIFTGRAD_LIBRARY={explicit!r} could not be loaded: {error}") from None
    tried = []
    for path in _candidates():
        if not path.is_file():
            tried.append(f"{path} (not found)")
            continue
        try:
            return ctypes.CDLL(str(path)), str(path)
        except OSError as error:
            tried.append(f"{path} ({error})")
    raise LibraryNotFoundError(
        "could not load libswiftgrad.so; tried:\n  SWIFTGRAD_LIBRARY (not set)\n  "
        + "\n  ".join(tried)
        + "\nBuild it with `make` in the swiftgrad checkout, or set SWIFTGRAD_LIBRARY to its path.")


lib, library_path = _load()

_tensor = c_void_p
_out = POINTER(c_void_p)
_shape = POINTER(c_int64)


def _declare(name, restype, *argtypes):
    function = getattr(lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)
    return function


# uint32_t sg_version(void);
sg_version = _declare("sg_version", c_uint32)
# const char *sg_version_string(void);
sg_version_string = _declare("sg_version_string", c_char_p)
# const char *sg_last_error(void);
sg_last_error = _declare("sg_last_error", c_char_p)
# const char *sg_status_string(sg_status status);
sg_status_string = _declare("sg_status_string", c_char_p, c_int)
# int64_t sg_live_tensor_count(void);
sg_live_tensor_count = _declare("sg_live_tensor_count", c_int64)

_major = sg_version() // 1_000_000
if _major != BINDING_VERSION[0]:
    raise ImportError(
        f"libswiftgrad {sg_version_string().decode()} at {library_path} has major version {_major}, "
        f"but this swiftgrad binding ({'.'.join(map(str, BINDING_VERSION))}) needs major version "
        f"{BINDING_VERSION[0]}")

# sg_status sg_tensor_from_data(const void *data, const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);
sg_tensor_from_data = _declare("sg_tensor_from_data", c_int, c_void_p, _shape, c_size_t, c_int, _out)
# sg_status sg_zeros(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);
sg_zeros = _declare("sg_zeros", c_int, _shape, c_size_t, c_int, _out)
# sg_status sg_ones(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);
sg_ones = _declare("sg_ones", c_int, _shape, c_size_t, c_int, _out)
# sg_status sg_full(const int64_t *shape, size_t ndim, double value, sg_dtype dtype, sg_tensor **out);
sg_full = _declare("sg_full", c_int, _shape, c_size_t, c_double, c_int, _out)
# sg_status sg_arange(double start, double end, double step, sg_dtype dtype, sg_tensor **out);
sg_arange = _declare("sg_arange", c_int, c_double, c_double, c_double, c_int, _out)
# sg_status sg_randn(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);
sg_randn = _declare("sg_randn", c_int, _shape, c_size_t, c_int, _out)
# sg_status sg_manual_seed(uint64_t seed);
sg_manual_seed = _declare("sg_manual_seed", c_int, c_uint64)
# sg_status sg_tensor_free(sg_tensor *t);
sg_tensor_free = _declare("sg_tensor_free", c_int, _tensor)

# sg_status sg_tensor_dtype(const sg_tensor *t, sg_dtype *out);
sg_tensor_dtype = _declare("sg_tensor_dtype", c_int, _tensor, POINTER(c_int))
# sg_status sg_tensor_ndim(const sg_tensor *t, size_t *out);
sg_tensor_ndim = _declare("sg_tensor_ndim", c_int, _tensor, POINTER(c_size_t))
# sg_status sg_tensor_numel(const sg_tensor *t, int64_t *out);
sg_tensor_numel = _declare("sg_tensor_numel", c_int, _tensor, POINTER(c_int64))
# sg_status sg_tensor_shape(const sg_tensor *t, int64_t *dims, size_t capacity, size_t *ndim);
sg_tensor_shape = _declare("sg_tensor_shape", c_int, _tensor, _shape, c_size_t, POINTER(c_size_t))
# sg_status sg_tensor_item(const sg_tensor *t, double *out);
sg_tensor_item = _declare("sg_tensor_item", c_int, _tensor, POINTER(c_double))
# sg_status sg_tensor_copy_to(const sg_tensor *t, void *dst, size_t dst_bytes);
sg_tensor_copy_to = _declare("sg_tensor_copy_to", c_int, _tensor, c_void_p, c_size_t)
# sg_status sg_tensor_to_string(const sg_tensor *t, char *buf, size_t buf_size, size_t *needed);
sg_tensor_to_string = _declare("sg_tensor_to_string", c_int, _tensor, c_void_p, c_size_t, POINTER(c_size_t))

# sg_status sg_tensor_set_requires_grad(sg_tensor *t, bool requires_grad);
sg_tensor_set_requires_grad = _declare("sg_tensor_set_requires_grad", c_int, _tensor, c_bool)
# sg_status sg_tensor_requires_grad(const sg_tensor *t, bool *out);
sg_tensor_requires_grad = _declare("sg_tensor_requires_grad", c_int, _tensor, POINTER(c_bool))
# sg_status sg_tensor_is_leaf(const sg_tensor *t, bool *out);
sg_tensor_is_leaf = _declare("sg_tensor_is_leaf", c_int, _tensor, POINTER(c_bool))
# sg_status sg_tensor_grad_fn_name(const sg_tensor *t, char *buf, size_t buf_size, size_t *needed);
sg_tensor_grad_fn_name = _declare("sg_tensor_grad_fn_name", c_int, _tensor, c_void_p, c_size_t, POINTER(c_size_t))
# sg_status sg_tensor_grad(const sg_tensor *t, sg_tensor **out);
sg_tensor_grad = _declare("sg_tensor_grad", c_int, _tensor, _out)
# sg_status sg_tensor_set_grad(sg_tensor *t, const sg_tensor *grad);
sg_tensor_set_grad = _declare("sg_tensor_set_grad", c_int, _tensor, _tensor)
# sg_status sg_tensor_zero_grad(sg_tensor *t);
sg_tensor_zero_grad = _declare("sg_tensor_zero_grad", c_int, _tensor)
# sg_status sg_tensor_detach(const sg_tensor *t, sg_tensor **out);
sg_tensor_detach = _declare("sg_tensor_detach", c_int, _tensor, _out)
# sg_status sg_backward(sg_tensor *t, const sg_tensor *gradient, bool retain_graph);
sg_backward = _declare("sg_backward", c_int, _tensor, _tensor, c_bool)
# sg_status sg_set_grad_enabled(bool enabled, bool *previous);
sg_set_grad_enabled = _declare("sg_set_grad_enabled", c_int, c_bool, POINTER(c_bool))
# bool sg_is_grad_enabled(void);
sg_is_grad_enabled = _declare("sg_is_grad_enabled", c_bool)

# sg_status sg_<op>(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_add = _declare("sg_add", c_int, _tensor, _tensor, _out)
sg_sub = _declare("sg_sub", c_int, _tensor, _tensor, _out)
sg_mul = _declare("sg_mul", c_int, _tensor, _tensor, _out)
sg_div = _declare("sg_div", c_int, _tensor, _tensor, _out)
sg_pow = _declare("sg_pow", c_int, _tensor, _tensor, _out)
sg_dot = _declare("sg_dot", c_int, _tensor, _tensor, _out)
sg_eq = _declare("sg_eq", c_int, _tensor, _tensor, _out)
sg_ne = _declare("sg_ne", c_int, _tensor, _tensor, _out)
sg_lt = _declare("sg_lt", c_int, _tensor, _tensor, _out)
sg_le = _declare("sg_le", c_int, _tensor, _tensor, _out)
sg_gt = _declare("sg_gt", c_int, _tensor, _tensor, _out)
sg_ge = _declare("sg_ge", c_int, _tensor, _tensor, _out)
# sg_status sg_<op>_scalar(const sg_tensor *a, double s, sg_tensor **out);
sg_add_scalar = _declare("sg_add_scalar", c_int, _tensor, c_double, _out)
sg_sub_scalar = _declare("sg_sub_scalar", c_int, _tensor, c_double, _out)
sg_rsub_scalar = _declare("sg_rsub_scalar", c_int, _tensor, c_double, _out)
sg_mul_scalar = _declare("sg_mul_scalar", c_int, _tensor, c_double, _out)
sg_div_scalar = _declare("sg_div_scalar", c_int, _tensor, c_double, _out)
sg_rdiv_scalar = _declare("sg_rdiv_scalar", c_int, _tensor, c_double, _out)
sg_pow_scalar = _declare("sg_pow_scalar", c_int, _tensor, c_double, _out)
sg_rpow_scalar = _declare("sg_rpow_scalar", c_int, _tensor, c_double, _out)
sg_eq_scalar = _declare("sg_eq_scalar", c_int, _tensor, c_double, _out)
sg_ne_scalar = _declare("sg_ne_scalar", c_int, _tensor, c_double, _out)
sg_lt_scalar = _declare("sg_lt_scalar", c_int, _tensor, c_double, _out)
sg_le_scalar = _declare("sg_le_scalar", c_int, _tensor, c_double, _out)
sg_gt_scalar = _declare("sg_gt_scalar", c_int, _tensor, c_double, _out)
sg_ge_scalar = _declare("sg_ge_scalar", c_int, _tensor, c_double, _out)
# sg_status sg_<op>(const sg_tensor *a, sg_tensor **out);
sg_neg = _declare("sg_neg", c_int, _tensor, _out)
sg_exp = _declare("sg_exp", c_int, _tensor, _out)
sg_log = _declare("sg_log", c_int, _tensor, _out)
sg_clone = _declare("sg_clone", c_int, _tensor, _out)
sg_sum = _declare("sg_sum", c_int, _tensor, _out)
sg_norm = _declare("sg_norm", c_int, _tensor, _out)
# sg_status sg_to_dtype(const sg_tensor *a, sg_dtype dtype, sg_tensor **out);
sg_to_dtype = _declare("sg_to_dtype", c_int, _tensor, c_int, _out)
# sg_status sg_sum_dims(const sg_tensor *a, const int64_t *dims, size_t ndims, bool keepdim, sg_tensor **out);
sg_sum_dims = _declare("sg_sum_dims", c_int, _tensor, _shape, c_size_t, c_bool, _out)
# sg_status sg_zero_(sg_tensor *t);
sg_zero_ = _declare("sg_zero_", c_int, _tensor)


class SwiftGradError(RuntimeError):
    """An error reported by libswiftgrad; a RuntimeError, as PyTorch raises. `status` is the
    C status name (e.g. "SG_ERR_SHAPE")."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def check(status):
    """Raises the library's error for a failed call, reading its message at once, on this thread."""
    if status:
        message = sg_last_error().decode("utf-8", "replace")
        raise SwiftGradError(message, sg_status_string(status).decode())
