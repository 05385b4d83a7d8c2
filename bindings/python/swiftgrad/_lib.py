"""The C ABI of libswiftgrad.so through ctypes: the loader, every function's prototype, and the
one status check. Nothing else in the package touches ctypes declarations."""
import ctypes
import errno
import os
import pathlib
import threading
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
            return ctypes.PyDLL(explicit), explicit
        except OSError as error:
            raise LibraryNotFoundError(
                f"SWIFTGRAD_LIBRARY={explicit!r} could not be loaded: {error}") from None
    tried = []
    for path in _candidates():
        if not path.is_file():
            tried.append(f"{path} (not found)")
            continue
        try:
            return ctypes.PyDLL(str(path)), str(path)
        except OSError as error:
            tried.append(f"{path} ({error})")
    raise LibraryNotFoundError(
        "could not load libswiftgrad.so; tried:\n  SWIFTGRAD_LIBRARY (not set)\n  "
        + "\n  ".join(tried)
        + "\nBuild it with `make` in the swiftgrad checkout, or set SWIFTGRAD_LIBRARY to its path.")


# Most calls take well under a microsecond, less than releasing and retaking the GIL would
# cost, so they go through a PyDLL handle, which keeps the GIL. Calls that can run long
# (backward passes, matrix products, bulk copies, the functional derivatives) go through a CDLL
# handle of the same library, which releases it, so that other Python threads run meanwhile.
lib, library_path = _load()
lib_releasing_gil = ctypes.CDLL(library_path)
_RELEASES_GIL = {
    "sg_backward", "sg_autograd_backward", "sg_autograd_grad", "sg_matmul", "sg_mm", "sg_mv", "sg_bmm",
    "sg_tensor_from_data", "sg_tensor_copy_to", "sg_gradcheck", "sg_gradgradcheck", "sg_jacobian",
    "sg_hessian", "sg_vjp", "sg_jvp", "sg_hvp", "sg_optimizer_step", "sg_save_safetensors", "sg_load_safetensors",
    "sg_safetensors_serialize", "sg_safetensors_deserialize",
}

_tensor = c_void_p
_out = POINTER(c_void_p)
_shape = POINTER(c_int64)


def _declare(name, restype, *argtypes):
    function = getattr(lib_releasing_gil if name in _RELEASES_GIL else lib, name)
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

# sg_status sg_<op>(const sg_tensor *a, sg_tensor **out);
sg_sqrt = _declare("sg_sqrt", c_int, _tensor, _out)
sg_rsqrt = _declare("sg_rsqrt", c_int, _tensor, _out)
sg_reciprocal = _declare("sg_reciprocal", c_int, _tensor, _out)
sg_sin = _declare("sg_sin", c_int, _tensor, _out)
sg_cos = _declare("sg_cos", c_int, _tensor, _out)
sg_tanh = _declare("sg_tanh", c_int, _tensor, _out)
sg_sigmoid = _declare("sg_sigmoid", c_int, _tensor, _out)
sg_relu = _declare("sg_relu", c_int, _tensor, _out)
sg_abs = _declare("sg_abs", c_int, _tensor, _out)
sg_sign = _declare("sg_sign", c_int, _tensor, _out)
sg_square = _declare("sg_square", c_int, _tensor, _out)
sg_log1p = _declare("sg_log1p", c_int, _tensor, _out)
sg_expm1 = _declare("sg_expm1", c_int, _tensor, _out)
sg_squeeze = _declare("sg_squeeze", c_int, _tensor, _out)
sg_contiguous = _declare("sg_contiguous", c_int, _tensor, _out)
sg_alias = _declare("sg_alias", c_int, _tensor, _out)
sg_mean = _declare("sg_mean", c_int, _tensor, _out)
sg_prod = _declare("sg_prod", c_int, _tensor, _out)
sg_max = _declare("sg_max", c_int, _tensor, _out)
sg_min = _declare("sg_min", c_int, _tensor, _out)
sg_nonzero = _declare("sg_nonzero", c_int, _tensor, _out)
# sg_status sg_<op>(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_maximum = _declare("sg_maximum", c_int, _tensor, _tensor, _out)
sg_minimum = _declare("sg_minimum", c_int, _tensor, _tensor, _out)
sg_matmul = _declare("sg_matmul", c_int, _tensor, _tensor, _out)
sg_mm = _declare("sg_mm", c_int, _tensor, _tensor, _out)
sg_mv = _declare("sg_mv", c_int, _tensor, _tensor, _out)
sg_bmm = _declare("sg_bmm", c_int, _tensor, _tensor, _out)
sg_outer = _declare("sg_outer", c_int, _tensor, _tensor, _out)
# sg_status sg_clamp(const sg_tensor *a, const double *min, const double *max, sg_tensor **out);
sg_clamp = _declare("sg_clamp", c_int, _tensor, POINTER(c_double), POINTER(c_double), _out)
# sg_status sg_where(const sg_tensor *condition, const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_where = _declare("sg_where", c_int, _tensor, _tensor, _tensor, _out)
# sg_status sg_masked_fill(const sg_tensor *a, const sg_tensor *mask, double value, sg_tensor **out);
sg_masked_fill = _declare("sg_masked_fill", c_int, _tensor, _tensor, c_double, _out)

# sg_status sg_reshape(const sg_tensor *a, const int64_t *shape, size_t ndim, sg_tensor **out);  (also view, expand, permute)
sg_reshape = _declare("sg_reshape", c_int, _tensor, _shape, c_size_t, _out)
sg_view = _declare("sg_view", c_int, _tensor, _shape, c_size_t, _out)
sg_expand = _declare("sg_expand", c_int, _tensor, _shape, c_size_t, _out)
sg_permute = _declare("sg_permute", c_int, _tensor, _shape, c_size_t, _out)
# sg_status sg_transpose(const sg_tensor *a, int64_t dim0, int64_t dim1, sg_tensor **out);
sg_transpose = _declare("sg_transpose", c_int, _tensor, c_int64, c_int64, _out)
# sg_status sg_squeeze_dim(const sg_tensor *a, int64_t dim, sg_tensor **out);  (also unsqueeze, softmax, log_softmax)
sg_squeeze_dim = _declare("sg_squeeze_dim", c_int, _tensor, c_int64, _out)
sg_unsqueeze = _declare("sg_unsqueeze", c_int, _tensor, c_int64, _out)
sg_softmax = _declare("sg_softmax", c_int, _tensor, c_int64, _out)
sg_log_softmax = _declare("sg_log_softmax", c_int, _tensor, c_int64, _out)
# sg_status sg_flatten(const sg_tensor *a, int64_t start_dim, int64_t end_dim, sg_tensor **out);  (also select)
sg_flatten = _declare("sg_flatten", c_int, _tensor, c_int64, c_int64, _out)
sg_select = _declare("sg_select", c_int, _tensor, c_int64, c_int64, _out)
# sg_status sg_slice(const sg_tensor *a, int64_t dim, int64_t start, int64_t end, int64_t step, sg_tensor **out);
sg_slice = _declare("sg_slice", c_int, _tensor, c_int64, c_int64, c_int64, c_int64, _out)
# sg_status sg_tensor_strides(const sg_tensor *t, int64_t *strides, size_t capacity, size_t *ndim);
sg_tensor_strides = _declare("sg_tensor_strides", c_int, _tensor, _shape, c_size_t, POINTER(c_size_t))
# sg_status sg_tensor_is_contiguous(const sg_tensor *t, bool *out);
sg_tensor_is_contiguous = _declare("sg_tensor_is_contiguous", c_int, _tensor, POINTER(c_bool))

# sg_status sg_mean_dims(const sg_tensor *a, const int64_t *dims, size_t ndims, bool keepdim, sg_tensor **out);  (also amax, amin, logsumexp)
sg_mean_dims = _declare("sg_mean_dims", c_int, _tensor, _shape, c_size_t, c_bool, _out)
sg_amax = _declare("sg_amax", c_int, _tensor, _shape, c_size_t, c_bool, _out)
sg_amin = _declare("sg_amin", c_int, _tensor, _shape, c_size_t, c_bool, _out)
sg_logsumexp = _declare("sg_logsumexp", c_int, _tensor, _shape, c_size_t, c_bool, _out)
# sg_status sg_prod_dim(const sg_tensor *a, int64_t dim, bool keepdim, sg_tensor **out);
sg_prod_dim = _declare("sg_prod_dim", c_int, _tensor, c_int64, c_bool, _out)
# sg_status sg_max_dim(const sg_tensor *a, int64_t dim, bool keepdim, sg_tensor **values, sg_tensor **indices);  (also min)
sg_max_dim = _declare("sg_max_dim", c_int, _tensor, c_int64, c_bool, _out, _out)
sg_min_dim = _declare("sg_min_dim", c_int, _tensor, c_int64, c_bool, _out, _out)
# sg_status sg_argmax(const sg_tensor *a, const int64_t *dim, bool keepdim, sg_tensor **out);  (also argmin)
sg_argmax = _declare("sg_argmax", c_int, _tensor, POINTER(c_int64), c_bool, _out)
sg_argmin = _declare("sg_argmin", c_int, _tensor, POINTER(c_int64), c_bool, _out)
# sg_status sg_var(const sg_tensor *a, const int64_t *dims, size_t ndims, int64_t correction, bool keepdim, sg_tensor **out);  (also std)
sg_var = _declare("sg_var", c_int, _tensor, _shape, c_size_t, c_int64, c_bool, _out)
sg_std = _declare("sg_std", c_int, _tensor, _shape, c_size_t, c_int64, c_bool, _out)
# sg_status sg_norm_dims(const sg_tensor *a, double p, const int64_t *dims, size_t ndims, bool keepdim, sg_tensor **out);
sg_norm_dims = _declare("sg_norm_dims", c_int, _tensor, c_double, _shape, c_size_t, c_bool, _out)

# sg_status sg_cat(const sg_tensor *const *tensors, size_t count, int64_t dim, sg_tensor **out);  (also stack)
sg_cat = _declare("sg_cat", c_int, POINTER(c_void_p), c_size_t, c_int64, _out)
sg_stack = _declare("sg_stack", c_int, POINTER(c_void_p), c_size_t, c_int64, _out)
# sg_status sg_index(const sg_tensor *a, const sg_tensor *const *indices, size_t count, sg_tensor **out);
sg_index = _declare("sg_index", c_int, _tensor, POINTER(c_void_p), c_size_t, _out)
# sg_status sg_index_put_(sg_tensor *t, const sg_tensor *const *indices, size_t count, const sg_tensor *values, bool accumulate);
sg_index_put_ = _declare("sg_index_put_", c_int, _tensor, POINTER(c_void_p), c_size_t, _tensor, c_bool)
# sg_status sg_gather(const sg_tensor *a, int64_t dim, const sg_tensor *index, sg_tensor **out);
sg_gather = _declare("sg_gather", c_int, _tensor, c_int64, _tensor, _out)
# sg_status sg_scatter_add(const sg_tensor *a, int64_t dim, const sg_tensor *index, const sg_tensor *src, sg_tensor **out);
sg_scatter_add = _declare("sg_scatter_add", c_int, _tensor, c_int64, _tensor, _tensor, _out)

# sg_status sg_eye(int64_t n, int64_t m, sg_dtype dtype, sg_tensor **out);
sg_eye = _declare("sg_eye", c_int, c_int64, c_int64, c_int, _out)
# sg_status sg_linspace(double start, double end, int64_t steps, sg_dtype dtype, sg_tensor **out);
sg_linspace = _declare("sg_linspace", c_int, c_double, c_double, c_int64, c_int, _out)
# sg_status sg_rand(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);
sg_rand = _declare("sg_rand", c_int, _shape, c_size_t, c_int, _out)
# sg_status sg_randint(int64_t low, int64_t high, const int64_t *shape, size_t ndim, sg_tensor **out);
sg_randint = _declare("sg_randint", c_int, c_int64, c_int64, _shape, c_size_t, _out)
# sg_status sg_normal(double mean, double std, const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);
sg_normal = _declare("sg_normal", c_int, c_double, c_double, _shape, c_size_t, c_int, _out)

# sg_status sg_<op>_(sg_tensor *t, const sg_tensor *other);  (in place; also copy_)
sg_add_ = _declare("sg_add_", c_int, _tensor, _tensor)
sg_sub_ = _declare("sg_sub_", c_int, _tensor, _tensor)
sg_mul_ = _declare("sg_mul_", c_int, _tensor, _tensor)
sg_div_ = _declare("sg_div_", c_int, _tensor, _tensor)
sg_copy_ = _declare("sg_copy_", c_int, _tensor, _tensor)
# sg_status sg_<op>_scalar_(sg_tensor *t, double s);  (in place; also fill_)
sg_add_scalar_ = _declare("sg_add_scalar_", c_int, _tensor, c_double)
sg_sub_scalar_ = _declare("sg_sub_scalar_", c_int, _tensor, c_double)
sg_mul_scalar_ = _declare("sg_mul_scalar_", c_int, _tensor, c_double)
sg_div_scalar_ = _declare("sg_div_scalar_", c_int, _tensor, c_double)
sg_fill_ = _declare("sg_fill_", c_int, _tensor, c_double)

# sg_status sg_<loss>(const sg_tensor *input, const sg_tensor *target, sg_reduction reduction, sg_tensor **out);
sg_mse_loss = _declare("sg_mse_loss", c_int, _tensor, _tensor, c_int, _out)
sg_nll_loss = _declare("sg_nll_loss", c_int, _tensor, _tensor, c_int, _out)
sg_cross_entropy = _declare("sg_cross_entropy", c_int, _tensor, _tensor, c_int, _out)
sg_binary_cross_entropy = _declare("sg_binary_cross_entropy", c_int, _tensor, _tensor, c_int, _out)


# sg_status sg_tensor_share(const sg_tensor *t, sg_tensor **out);
sg_tensor_share = _declare("sg_tensor_share", c_int, _tensor, _out)

# ---- complete autograd -------------------------------------------------------------------------

_handles_in = POINTER(c_void_p)
# typedef void (*sg_free_fn)(void *user_data);
FREE_FN = ctypes.CFUNCTYPE(None, c_void_p)
# typedef sg_status (*sg_hook_fn)(const sg_tensor *grad, sg_tensor **replacement, void *user_data);
HOOK_FN = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(c_void_p), c_void_p)
# typedef sg_status (*sg_function_forward_fn)(sg_function_ctx *ctx, const sg_tensor *const *inputs, size_t n_inputs,
#                                            sg_tensor **outputs, size_t capacity, size_t *n_outputs, void *user_data);
FORWARD_FN = ctypes.CFUNCTYPE(c_int, c_void_p, _handles_in, c_size_t, _handles_in, c_size_t, POINTER(c_size_t), c_void_p)
# typedef sg_status (*sg_function_backward_fn)(sg_function_ctx *ctx, const sg_tensor *const *grad_outputs, size_t n_outputs,
#                                             sg_tensor **grad_inputs, size_t n_inputs, void *user_data);
BACKWARD_FN = ctypes.CFUNCTYPE(c_int, c_void_p, _handles_in, c_size_t, _handles_in, c_size_t, c_void_p)
# typedef sg_status (*sg_tensor_fn)(const sg_tensor *const *inputs, size_t n_inputs, sg_tensor **outputs, size_t n_outputs,
#                                  void *user_data);
TENSOR_FN = ctypes.CFUNCTYPE(c_int, _handles_in, c_size_t, _handles_in, c_size_t, c_void_p)

# void sg_set_last_error(const char *message);
sg_set_last_error = _declare("sg_set_last_error", None, c_char_p)
# sg_status sg_autograd_backward(const sg_tensor *const *outputs, const sg_tensor *const *gradients, size_t n_outputs,
#                                const sg_tensor *const *inputs, size_t n_inputs, bool retain_graph, bool create_graph);
sg_autograd_backward = _declare("sg_autograd_backward", c_int, _handles_in, _handles_in, c_size_t, _handles_in, c_size_t, c_bool, c_bool)
# sg_status sg_autograd_grad(const sg_tensor *const *outputs, const sg_tensor *const *grad_outputs, size_t n_outputs,
#                            const sg_tensor *const *inputs, size_t n_inputs, bool retain_graph, bool create_graph,
#                            bool allow_unused, sg_tensor **grads);
sg_autograd_grad = _declare("sg_autograd_grad", c_int, _handles_in, _handles_in, c_size_t, _handles_in, c_size_t, c_bool, c_bool, c_bool, _handles_in)
# sg_status sg_tensor_register_hook(sg_tensor *t, sg_hook_fn hook, void *user_data, sg_free_fn free_user_data, uint64_t *id);
sg_tensor_register_hook = _declare("sg_tensor_register_hook", c_int, _tensor, HOOK_FN, c_void_p, FREE_FN, POINTER(c_uint64))
# sg_status sg_tensor_remove_hook(sg_tensor *t, uint64_t id);
sg_tensor_remove_hook = _declare("sg_tensor_remove_hook", c_int, _tensor, c_uint64)
# sg_status sg_tensor_retain_grad(sg_tensor *t);
sg_tensor_retain_grad = _declare("sg_tensor_retain_grad", c_int, _tensor)
# sg_status sg_tensor_retains_grad(const sg_tensor *t, bool *out);
sg_tensor_retains_grad = _declare("sg_tensor_retains_grad", c_int, _tensor, POINTER(c_bool))
# sg_status sg_function_apply(const char *name, sg_function_forward_fn forward, sg_function_backward_fn backward,
#                             void *user_data, sg_free_fn free_user_data, const sg_tensor *const *inputs, size_t n_inputs,
#                             sg_tensor **outputs, size_t capacity, size_t *n_outputs);
sg_function_apply = _declare("sg_function_apply", c_int, c_char_p, FORWARD_FN, BACKWARD_FN, c_void_p, FREE_FN, _handles_in, c_size_t, _handles_in, c_size_t, POINTER(c_size_t))
# sg_status sg_function_ctx_save(sg_function_ctx *ctx, const sg_tensor *const *tensors, size_t count);
sg_function_ctx_save = _declare("sg_function_ctx_save", c_int, c_void_p, _handles_in, c_size_t)
# sg_status sg_function_ctx_saved_count(const sg_function_ctx *ctx, size_t *count);
sg_function_ctx_saved_count = _declare("sg_function_ctx_saved_count", c_int, c_void_p, POINTER(c_size_t))
# sg_status sg_function_ctx_saved(const sg_function_ctx *ctx, size_t index, sg_tensor **out);
sg_function_ctx_saved = _declare("sg_function_ctx_saved", c_int, c_void_p, c_size_t, _out)
# sg_status sg_function_ctx_needs_input_grad(const sg_function_ctx *ctx, size_t index, bool *out);
sg_function_ctx_needs_input_grad = _declare("sg_function_ctx_needs_input_grad", c_int, c_void_p, c_size_t, POINTER(c_bool))
# sg_status sg_gradcheck(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs, size_t n_outputs,
#                        double eps, double atol, double rtol);  (also sg_gradgradcheck)
sg_gradcheck = _declare("sg_gradcheck", c_int, TENSOR_FN, c_void_p, _handles_in, c_size_t, c_size_t, c_double, c_double, c_double)
sg_gradgradcheck = _declare("sg_gradgradcheck", c_int, TENSOR_FN, c_void_p, _handles_in, c_size_t, c_size_t, c_double, c_double, c_double)
# sg_status sg_jacobian(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs, size_t n_outputs,
#                       bool create_graph, sg_tensor **jacobians);
sg_jacobian = _declare("sg_jacobian", c_int, TENSOR_FN, c_void_p, _handles_in, c_size_t, c_size_t, c_bool, _handles_in)
# sg_status sg_hessian(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs, bool create_graph,
#                      sg_tensor **hessians);
sg_hessian = _declare("sg_hessian", c_int, TENSOR_FN, c_void_p, _handles_in, c_size_t, c_bool, _handles_in)
# sg_status sg_vjp(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs, const sg_tensor *const *v,
#                  size_t n_outputs, bool create_graph, sg_tensor **outputs, sg_tensor **vjps);  (also sg_jvp)
sg_vjp = _declare("sg_vjp", c_int, TENSOR_FN, c_void_p, _handles_in, c_size_t, _handles_in, c_size_t, c_bool, _handles_in, _handles_in)
sg_jvp = _declare("sg_jvp", c_int, TENSOR_FN, c_void_p, _handles_in, c_size_t, _handles_in, c_size_t, c_bool, _handles_in, _handles_in)
# sg_status sg_hvp(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs, const sg_tensor *const *v,
#                  bool create_graph, sg_tensor **output, sg_tensor **hvps);
sg_hvp = _declare("sg_hvp", c_int, TENSOR_FN, c_void_p, _handles_in, c_size_t, _handles_in, c_bool, _handles_in, _handles_in)
# sg_status sg_set_detect_anomaly(bool enabled);
sg_set_detect_anomaly = _declare("sg_set_detect_anomaly", c_int, c_bool)
# bool sg_is_anomaly_enabled(void);
sg_is_anomaly_enabled = _declare("sg_is_anomaly_enabled", c_bool)
# sg_status sg_set_anomaly_context(const char *context);
sg_set_anomaly_context = _declare("sg_set_anomaly_context", c_int, c_char_p)
# sg_status sg_graph_to_dot(const sg_tensor *t, const char *title, char *buf, size_t buf_size, size_t *needed);
sg_graph_to_dot = _declare("sg_graph_to_dot", c_int, _tensor, c_char_p, c_void_p, c_size_t, POINTER(c_size_t))

# ---- optimizers ---------------------------------------------------------------------------------

# sg_status sg_optimizer_sgd(const sg_tensor *const *params, size_t n_params, double lr, double momentum, double dampening,
#                            double weight_decay, bool nesterov, bool maximize, sg_optimizer **out);
sg_optimizer_sgd = _declare("sg_optimizer_sgd", c_int, _handles_in, c_size_t, c_double, c_double, c_double, c_double, c_bool, c_bool, _out)
# sg_status sg_optimizer_adam(const sg_tensor *const *params, size_t n_params, double lr, double beta1, double beta2,
#                             double eps, double weight_decay, bool amsgrad, bool maximize, sg_optimizer **out);  (also adamw)
sg_optimizer_adam = _declare("sg_optimizer_adam", c_int, _handles_in, c_size_t, c_double, c_double, c_double, c_double, c_double, c_bool, c_bool, _out)
sg_optimizer_adamw = _declare("sg_optimizer_adamw", c_int, _handles_in, c_size_t, c_double, c_double, c_double, c_double, c_double, c_bool, c_bool, _out)
# sg_status sg_optimizer_add_param_group(sg_optimizer *opt, const sg_tensor *const *params, size_t n_params);
sg_optimizer_add_param_group = _declare("sg_optimizer_add_param_group", c_int, c_void_p, _handles_in, c_size_t)
# sg_status sg_optimizer_param_group_count(const sg_optimizer *opt, size_t *out);
sg_optimizer_param_group_count = _declare("sg_optimizer_param_group_count", c_int, c_void_p, POINTER(c_size_t))
# sg_status sg_optimizer_param_count(const sg_optimizer *opt, size_t group, size_t *out);
sg_optimizer_param_count = _declare("sg_optimizer_param_count", c_int, c_void_p, c_size_t, POINTER(c_size_t))
# sg_status sg_optimizer_param(const sg_optimizer *opt, size_t group, size_t index, sg_tensor **out);
sg_optimizer_param = _declare("sg_optimizer_param", c_int, c_void_p, c_size_t, c_size_t, _out)
# sg_status sg_optimizer_set_option(sg_optimizer *opt, size_t group, const char *name, double value);
sg_optimizer_set_option = _declare("sg_optimizer_set_option", c_int, c_void_p, c_size_t, c_char_p, c_double)
# sg_status sg_optimizer_set_options(sg_optimizer *opt, size_t group, const char *const *names, const double *values, size_t count);
sg_optimizer_set_options = _declare("sg_optimizer_set_options", c_int, c_void_p, c_size_t, POINTER(c_char_p), POINTER(c_double), c_size_t)
# sg_status sg_optimizer_get_option(const sg_optimizer *opt, size_t group, const char *name, double *out);
sg_optimizer_get_option = _declare("sg_optimizer_get_option", c_int, c_void_p, c_size_t, c_char_p, POINTER(c_double))
# sg_status sg_optimizer_get_state(const sg_optimizer *opt, size_t group, size_t index, const char *name, sg_tensor **out);
sg_optimizer_get_state = _declare("sg_optimizer_get_state", c_int, c_void_p, c_size_t, c_size_t, c_char_p, _out)
# sg_status sg_optimizer_set_state(sg_optimizer *opt, size_t group, size_t index, const char *name, const sg_tensor *value);
sg_optimizer_set_state = _declare("sg_optimizer_set_state", c_int, c_void_p, c_size_t, c_size_t, c_char_p, _tensor)
# sg_status sg_optimizer_step(sg_optimizer *opt);
sg_optimizer_step = _declare("sg_optimizer_step", c_int, c_void_p)
# sg_status sg_optimizer_zero_grad(sg_optimizer *opt, bool set_to_none);
sg_optimizer_zero_grad = _declare("sg_optimizer_zero_grad", c_int, c_void_p, c_bool)
# sg_status sg_optimizer_free(sg_optimizer *opt);
sg_optimizer_free = _declare("sg_optimizer_free", c_int, c_void_p)

# ---- named tensors and safetensors ------------------------------------------------------------

# sg_status sg_tensor_dict_new(sg_tensor_dict **out);
sg_tensor_dict_new = _declare("sg_tensor_dict_new", c_int, _out)
# sg_status sg_tensor_dict_free(sg_tensor_dict *dict);
sg_tensor_dict_free = _declare("sg_tensor_dict_free", c_int, c_void_p)
# sg_status sg_tensor_dict_set(sg_tensor_dict *dict, const char *name, const sg_tensor *t);
sg_tensor_dict_set = _declare("sg_tensor_dict_set", c_int, c_void_p, c_char_p, _tensor)
# sg_status sg_tensor_dict_get(const sg_tensor_dict *dict, const char *name, sg_tensor **out);
sg_tensor_dict_get = _declare("sg_tensor_dict_get", c_int, c_void_p, c_char_p, _out)
# sg_status sg_tensor_dict_count(const sg_tensor_dict *dict, size_t *out);  (also metadata_count)
sg_tensor_dict_count = _declare("sg_tensor_dict_count", c_int, c_void_p, POINTER(c_size_t))
sg_tensor_dict_metadata_count = _declare("sg_tensor_dict_metadata_count", c_int, c_void_p, POINTER(c_size_t))
# sg_status sg_tensor_dict_name(const sg_tensor_dict *dict, size_t index, char *buf, size_t buf_size, size_t *needed);  (also metadata_key)
sg_tensor_dict_name = _declare("sg_tensor_dict_name", c_int, c_void_p, c_size_t, c_void_p, c_size_t, POINTER(c_size_t))
sg_tensor_dict_metadata_key = _declare("sg_tensor_dict_metadata_key", c_int, c_void_p, c_size_t, c_void_p, c_size_t, POINTER(c_size_t))
# sg_status sg_tensor_dict_at(const sg_tensor_dict *dict, size_t index, sg_tensor **out);
sg_tensor_dict_at = _declare("sg_tensor_dict_at", c_int, c_void_p, c_size_t, _out)
# sg_status sg_tensor_dict_set_metadata(sg_tensor_dict *dict, const char *key, const char *value);
sg_tensor_dict_set_metadata = _declare("sg_tensor_dict_set_metadata", c_int, c_void_p, c_char_p, c_char_p)
# sg_status sg_tensor_dict_metadata(const sg_tensor_dict *dict, const char *key, char *buf, size_t buf_size, size_t *needed);
sg_tensor_dict_metadata = _declare("sg_tensor_dict_metadata", c_int, c_void_p, c_char_p, c_void_p, c_size_t, POINTER(c_size_t))
# sg_status sg_save_safetensors(const sg_tensor_dict *dict, const char *path);
sg_save_safetensors = _declare("sg_save_safetensors", c_int, c_void_p, c_char_p)
# sg_status sg_load_safetensors(const char *path, sg_tensor_dict **out);
sg_load_safetensors = _declare("sg_load_safetensors", c_int, c_char_p, _out)
# sg_status sg_safetensors_serialize(const sg_tensor_dict *dict, void *buf, size_t buf_size, size_t *needed);
sg_safetensors_serialize = _declare("sg_safetensors_serialize", c_int, c_void_p, c_void_p, c_size_t, POINTER(c_size_t))
# sg_status sg_safetensors_deserialize(const void *data, size_t data_bytes, sg_tensor_dict **out);
sg_safetensors_deserialize = _declare("sg_safetensors_deserialize", c_int, c_void_p, c_size_t, _out)

# ---- sharing memory ---------------------------------------------------------------------------

# sg_status sg_tensor_from_blob(void *data, const int64_t *shape, const int64_t *strides, size_t ndim, sg_dtype dtype,
#                               sg_free_fn free_data, void *user_data, sg_tensor **out);
sg_tensor_from_blob = _declare("sg_tensor_from_blob", c_int, c_void_p, _shape, _shape, c_size_t, c_int, FREE_FN, c_void_p, _out)
# sg_status sg_tensor_data_ptr(const sg_tensor *t, void **out);
sg_tensor_data_ptr = _declare("sg_tensor_data_ptr", c_int, _tensor, POINTER(c_void_p))
# sg_status sg_to_dlpack(const sg_tensor *t, DLManagedTensorVersioned **out);  (also _unversioned, DLManagedTensor **)
sg_to_dlpack = _declare("sg_to_dlpack", c_int, _tensor, POINTER(c_void_p))
sg_to_dlpack_unversioned = _declare("sg_to_dlpack_unversioned", c_int, _tensor, POINTER(c_void_p))
# sg_status sg_from_dlpack(DLManagedTensorVersioned *managed, sg_tensor **out);  (also _unversioned, DLManagedTensor *)
sg_from_dlpack = _declare("sg_from_dlpack", c_int, c_void_p, _out)
sg_from_dlpack_unversioned = _declare("sg_from_dlpack_unversioned", c_int, c_void_p, _out)

SG_ERR_INVALID_ARGUMENT = 1
SG_ERR_CALLBACK = 8
SG_ERR_IO = 9
_pending = threading.local()


def record_callback_exception(error):
    """Called by a callback that raised: keeps the exception for the C call that ran the callback
    to re-raise, and gives the library a message."""
    if getattr(_pending, "error", None) is None:
        _pending.error = error
    try:
        sg_set_last_error(f"{type(error).__name__}: {error}".encode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - never let anything escape into C
        pass
    return SG_ERR_CALLBACK


class SwiftGradError(RuntimeError):
    """An error reported by libswiftgrad; a RuntimeError, as PyTorch raises. `status` is the
    C status name (e.g. "SG_ERR_SHAPE")."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


# The errors open() reports by their own OSError subclass, which callers catch by name.
_ERRNO_SUBCLASSED = (errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EEXIST)


def _os_error(message):
    """The OSError for a failed file operation. The library words these "<what> '<path>':
    <strerror>"; when the reason is one that Python gives a subclass (a missing file is
    FileNotFoundError), it is raised as open() raises it: `[Errno 2] No such file or directory:
    '<path>'`, with errno and filename set."""
    head, separator, reason = message.rpartition("': ")
    if separator:
        for code in _ERRNO_SUBCLASSED:
            if reason == os.strerror(code):
                return OSError(code, reason, head.partition("'")[2])
    return OSError(message)


def check(status, exception=None):
    """Raises the library's error for a failed call, reading its message at once, on this thread.
    `exception` overrides the class (IndexError for indexing, as PyTorch raises). When a Python
    callback (hook, custom function) raised during the call, that exception is raised instead."""
    if status:
        pending = getattr(_pending, "error", None)
        if pending is not None:
            _pending.error = None
            raise pending
        message = sg_last_error().decode("utf-8", "replace")
        if exception is None and status == SG_ERR_IO:
            raise _os_error(message)
        if exception is not None:
            raise exception(message)
        raise SwiftGradError(message, sg_status_string(status).decode())
