/*
 * swiftgrad.h - the C ABI of swiftgrad, a tensor library with reverse-mode automatic
 * differentiation. This header is the single source of truth for the ABI: the Swift export layer
 * implements each function below with `@_cdecl ... @implementation`, so the compiler checks every
 * export against the prototype written here.
 *
 * CONVENTIONS
 *
 *   Status.      Every fallible function returns an sg_status; SG_OK (0) is success. On failure
 *                sg_last_error() describes what went wrong, with the values involved, in PyTorch's
 *                words where PyTorch has them.
 *   Outputs.     Results are written through out-parameters placed last. On failure every
 *                handle out-parameter (sg_tensor **) is set to NULL; plain value out-parameters
 *                (bool *, double *, size_t *, ...) are left untouched.
 *   Ownership.   Every sg_tensor * returned through an out-parameter is a new handle (+1) that
 *                the caller owns and releases with sg_tensor_free(). Handles are references:
 *                two handles may name the same tensor (sg_tensor_grad() returns a new handle to
 *                the gradient the tensor keeps), and an in-place operation through one is seen
 *                through the other. Input handles are borrowed for the duration of the call.
 *                Input data (sg_tensor_from_data) is copied. Strings come back through a
 *                caller-owned buffer (see "Strings"), or as `const char *` owned by the library
 *                where the doc says so.
 *                Tensors are reference-counted, so two cases of tensors holding each other are
 *                never freed, as in PyTorch: backward with create_graph gives leaves gradients
 *                whose graph leads back to the leaves (clear them with sg_tensor_set_grad(t,
 *                NULL) before freeing the leaves, or use sg_autograd_grad), and in-place
 *                operations between two tensors in graphs that each end up saving the other
 *                (t *= u, then u *= t).
 *   Handles.     Handles are validated on every call. NULL, a freed handle, a handle freed twice
 *                and any pointer that was not returned by this library are refused with
 *                SG_ERR_INVALID_HANDLE; they are never dereferenced. sg_tensor_free(NULL) is a
 *                no-op that returns SG_OK.
 *   Shapes.      A shape is `const int64_t *shape, size_t ndim`; a 0-d scalar has ndim == 0 (and
 *                shape may then be NULL). ndim is at most SG_MAX_DIMS; every size must be >= 0
 *                and the element count and byte count must fit in int64_t. The caller promises
 *                that `shape` points to ndim readable values and that data pointers cover the
 *                byte counts stated below; the library cannot check memory it does not own.
 *   Strings.     Functions that produce text take (char *buf, size_t buf_size, size_t *needed).
 *                They write at most buf_size bytes, always NUL-terminated when buf_size > 0,
 *                truncating if the buffer is too small (that is not an error), and store in
 *                *needed (when needed is not NULL) the number of bytes the whole string needs,
 *                including its NUL. buf may be NULL when buf_size is 0, to ask for the size.
 *   Scalars.     A `double s` argument of an sg_*_scalar function behaves like a Python float in
 *                PyTorch: it never changes a floating tensor's dtype, and it promotes an int64 or
 *                bool tensor to float32. For integer arithmetic, use a 0-d int64 tensor made with
 *                sg_full() and the tensor form of the operation.
 *   Threads.     Distinct tensors may be used from distinct threads at the same time, and a tensor
 *                may be read (used as an operand) from several threads at once. Backward passes on
 *                several threads may accumulate into the same leaf: accumulation is locked. One
 *                tensor must not otherwise be mutated (in-place ops, sg_tensor_set_*, reading its
 *                gradient while another thread accumulates into it) from two threads at once.
 *                Grad mode and the last error are per thread. The random generator is global and
 *                locked.
 *   Versions.    SG_VERSION_* give the version this header describes; sg_version() gives the
 *                version of the library loaded at run time. Bindings refuse a library whose major
 *                version differs from theirs.
 */
#ifndef SWIFTGRAD_H
#define SWIFTGRAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SG_VERSION_MAJOR 0
#define SG_VERSION_MINOR 1
#define SG_VERSION_PATCH 0
/** MAJOR * 1000000 + MINOR * 1000 + PATCH, comparable with sg_version(). */
#define SG_VERSION_NUMBER (SG_VERSION_MAJOR * 1000000 + SG_VERSION_MINOR * 1000 + SG_VERSION_PATCH)

/** The largest number of dimensions a tensor may have. */
#define SG_MAX_DIMS 64

/*
 * SG_API marks the library's functions (default visibility, so a program or library that builds
 * with -fvisibility=hidden still sees them); SG_DEPRECATED(msg) marks a function that a later
 * version removes, so that compilers warn at each use.
 */
#if defined(__GNUC__) || defined(__clang__)
#define SG_API __attribute__((visibility("default")))
#define SG_DEPRECATED(message) __attribute__((deprecated(message)))
#else
#define SG_API
#define SG_DEPRECATED(message)
#endif

/** An opaque handle to a tensor. */
typedef struct sg_tensor sg_tensor;

/** Status codes. Values are explicit and append-only. */
typedef enum sg_status {
    SG_OK = 0,
    SG_ERR_INVALID_ARGUMENT = 1, /* a NULL out-pointer, a bad size, dim, step or value       */
    SG_ERR_INVALID_HANDLE = 2,   /* NULL, freed, double-freed or foreign tensor handle        */
    SG_ERR_SHAPE = 3,            /* shapes that do not broadcast or do not fit the operation */
    SG_ERR_DTYPE = 4,            /* a dtype the operation does not accept                    */
    SG_ERR_AUTOGRAD = 5,         /* autograd misuse: implicit grad of a non-scalar, second
                                    backward through a freed graph, requires_grad on an
                                    integer tensor, in-place on a leaf that requires grad     */
    SG_ERR_OUT_OF_MEMORY = 6,    /* an allocation failed                                      */
    SG_ERR_INTERNAL = 7,         /* a bug in swiftgrad; please report the message             */
    SG_ERR_CALLBACK = 8,         /* a user callback (hook, custom function, function given to
                                    gradcheck/jacobian) failed without a more specific status */
    SG_ERR_IO = 9,               /* a file could not be opened, read or written (the message
                                    names it and the system's reason)                         */
    SG_ERR_FORMAT = 10           /* data in the wrong format: a corrupt or truncated
                                    safetensors file (the message says what is wrong)         */
} sg_status;

/** Element types. Values are explicit and append-only. */
typedef enum sg_dtype {
    SG_FLOAT32 = 0, /* float, the default for floating data              */
    SG_FLOAT64 = 1, /* double                                             */
    SG_INT64 = 2,   /* int64_t                                            */
    SG_BOOL = 3     /* one byte per element: 0 is false, anything else true */
} sg_dtype;

/** How a loss combines its per-element values. Values are explicit and append-only. */
typedef enum sg_reduction {
    SG_REDUCTION_NONE = 0, /* one value per element (or per sample) */
    SG_REDUCTION_MEAN = 1, /* their mean, PyTorch's default         */
    SG_REDUCTION_SUM = 2   /* their sum                             */
} sg_reduction;

/* ------------------------------------------------------------------------------------------ */
/* Library                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** The loaded library's version as MAJOR * 1000000 + MINOR * 1000 + PATCH. */
SG_API uint32_t sg_version(void);

/** The loaded library's version as "MAJOR.MINOR.PATCH"; a static string owned by the library. */
SG_API const char *sg_version_string(void);

/**
 * The message of the last failed call on the calling thread, or "" if none has failed yet.
 * Owned by the library; valid until the next failing call on the same thread. Successful calls
 * do not clear it. Never NULL.
 */
SG_API const char *sg_last_error(void);

/** The name of a status code ("SG_ERR_SHAPE"), or "SG_UNKNOWN_STATUS". A static string. */
SG_API const char *sg_status_string(sg_status status);

/**
 * The number of tensors alive in the library (handles the caller holds, and tensors they keep
 * alive: gradients, graph nodes' saved values). Returns to its earlier value once every handle
 * created since has been freed; leak tests compare it before and after.
 */
SG_API int64_t sg_live_tensor_count(void);

/* ------------------------------------------------------------------------------------------ */
/* Creation                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * A new tensor holding a copy of `data`, laid out contiguously in row-major order.
 * `data` must hold numel * element-size bytes (4 for float32, 8 for float64 and int64, 1 for
 * bool); it may be NULL when the tensor has no elements.
 */
SG_API sg_status sg_tensor_from_data(const void *data, const int64_t *shape, size_t ndim, sg_dtype dtype,
                              sg_tensor **out);

/** A new tensor of the given shape filled with 0. */
SG_API sg_status sg_zeros(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);

/** A new tensor of the given shape filled with 1. */
SG_API sg_status sg_ones(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);

/**
 * A new tensor of the given shape filled with `value` (converted to dtype; for int64 the value
 * must be finite and in range, for bool any non-zero value is true). With ndim == 0 this makes a
 * 0-d scalar tensor.
 */
SG_API sg_status sg_full(const int64_t *shape, size_t ndim, double value, sg_dtype dtype, sg_tensor **out);

/**
 * The 1-d tensor [start, start + step, ...] of ceil((end - start) / step) values, as
 * torch.arange(start, end, step, dtype=...). step must be non-zero and point from start to end;
 * all three must be finite.
 */
SG_API sg_status sg_arange(double start, double end, double step, sg_dtype dtype, sg_tensor **out);

/**
 * A new floating tensor (SG_FLOAT32 or SG_FLOAT64) of standard normal draws from the global
 * generator. The same seed (sg_manual_seed) gives the same draws on every run.
 */
SG_API sg_status sg_randn(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);

/** Seeds the global random generator. */
SG_API sg_status sg_manual_seed(uint64_t seed);

/** An n x m matrix with ones on the diagonal (m < 0: square). */
SG_API sg_status sg_eye(int64_t n, int64_t m, sg_dtype dtype, sg_tensor **out);
/** steps evenly spaced values from start to end inclusive. */
SG_API sg_status sg_linspace(double start, double end, int64_t steps, sg_dtype dtype, sg_tensor **out);
/** Uniform draws in [0, 1) from the global generator. */
SG_API sg_status sg_rand(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);
/** Uniform int64 draws in [low, high). */
SG_API sg_status sg_randint(int64_t low, int64_t high, const int64_t *shape, size_t ndim, sg_tensor **out);
/** Normal draws with the given mean and standard deviation (std >= 0). */
SG_API sg_status sg_normal(double mean, double std, const int64_t *shape, size_t ndim, sg_dtype dtype,
                    sg_tensor **out);

/** A new handle to the same tensor (not a copy): for keeping a tensor a callback borrowed. */
SG_API sg_status sg_tensor_share(const sg_tensor *t, sg_tensor **out);

/**
 * Releases a handle. The tensor itself lives on while other handles, gradients or graphs refer
 * to it. sg_tensor_free(NULL) is a no-op; a handle already freed gives SG_ERR_INVALID_HANDLE.
 */
SG_API sg_status sg_tensor_free(sg_tensor *t);

/* ------------------------------------------------------------------------------------------ */
/* Queries                                                                                    */
/* ------------------------------------------------------------------------------------------ */

SG_API sg_status sg_tensor_dtype(const sg_tensor *t, sg_dtype *out);
SG_API sg_status sg_tensor_ndim(const sg_tensor *t, size_t *out);
SG_API sg_status sg_tensor_numel(const sg_tensor *t, int64_t *out);

/**
 * Writes the first min(ndim, capacity) sizes into `dims` and the number of dimensions into
 * *ndim. Call with capacity 0 (dims may then be NULL) to learn ndim; SG_MAX_DIMS always suffices.
 */
SG_API sg_status sg_tensor_shape(const sg_tensor *t, int64_t *dims, size_t capacity, size_t *ndim);

/** The strides, in elements, like sg_tensor_shape. */
SG_API sg_status sg_tensor_strides(const sg_tensor *t, int64_t *strides, size_t capacity, size_t *ndim);
/** Whether the elements are laid out row-major without gaps. */
SG_API sg_status sg_tensor_is_contiguous(const sg_tensor *t, bool *out);

/**
 * The value of a one-element tensor as a double (bool gives 0 or 1). A tensor with any other
 * number of elements gives SG_ERR_INVALID_ARGUMENT ("a Tensor with 4 elements cannot be
 * converted to Scalar").
 */
SG_API sg_status sg_tensor_item(const sg_tensor *t, double *out);

/**
 * Copies the elements, in row-major order, into `dst` in the tensor's own dtype. dst_bytes must
 * be at least numel * element-size; a smaller buffer gives SG_ERR_INVALID_ARGUMENT and nothing
 * is written.
 */
SG_API sg_status sg_tensor_copy_to(const sg_tensor *t, void *dst, size_t dst_bytes);

/** The tensor as PyTorch's repr prints it, e.g. "tensor([0., 1., 2., 3.], requires_grad=True)". */
SG_API sg_status sg_tensor_to_string(const sg_tensor *t, char *buf, size_t buf_size, size_t *needed);

/* ------------------------------------------------------------------------------------------ */
/* Autograd                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * Tensor.requires_grad_(requires_grad). Only floating tensors may require gradients
 * (SG_ERR_AUTOGRAD otherwise). On a non-leaf (a tensor computed from tensors that require grad)
 * turning it off is refused with SG_ERR_AUTOGRAD and turning it on is a no-op.
 */
SG_API sg_status sg_tensor_set_requires_grad(sg_tensor *t, bool requires_grad);

SG_API sg_status sg_tensor_requires_grad(const sg_tensor *t, bool *out);

/** True when the tensor has no grad_fn: it was created by the user, not computed by an op. */
SG_API sg_status sg_tensor_is_leaf(const sg_tensor *t, bool *out);

/** The name of the tensor's grad_fn, as PyTorch prints it ("MulBackward0"), or "" if none. */
SG_API sg_status sg_tensor_grad_fn_name(const sg_tensor *t, char *buf, size_t buf_size, size_t *needed);

/**
 * A new handle to the gradient accumulated in `t` (Tensor.grad), or *out = NULL (and SG_OK) when
 * there is none. The gradient is shared, not copied: sg_zero_() on it clears t's gradient.
 */
SG_API sg_status sg_tensor_grad(const sg_tensor *t, sg_tensor **out);

/**
 * Sets (Tensor.grad = grad) or, with grad == NULL, clears the gradient. The gradient must have
 * t's shape and dtype, and must not be t itself. t keeps grad's memory (writes to one show in the
 * other) but not grad's graph or own gradient, so assignments cannot make reference cycles.
 */
SG_API sg_status sg_tensor_set_grad(sg_tensor *t, const sg_tensor *grad);

/** Fills t's accumulated gradient with zeros in place, if it has one; otherwise does nothing. */
SG_API sg_status sg_tensor_zero_grad(sg_tensor *t);

/**
 * A new tensor sharing t's storage that is not part of any graph and does not require grad
 * (Tensor.detach()). Writes to either are seen by the other.
 */
SG_API sg_status sg_tensor_detach(const sg_tensor *t, sg_tensor **out);

/**
 * Back-propagates from t, accumulating gradients into the leaves that require grad
 * (Tensor.backward(gradient, retain_graph)). With gradient == NULL, t must have exactly one
 * element (the gradient is then 1); otherwise `gradient` must have t's shape. Unless
 * retain_graph, the values the graph saved are freed afterwards, and a second backward through
 * the nodes that saved them gives SG_ERR_AUTOGRAD.
 */
SG_API sg_status sg_backward(sg_tensor *t, const sg_tensor *gradient, bool retain_graph);

/**
 * Turns gradient recording on or off for the calling thread (torch.set_grad_enabled) and stores
 * the previous setting in *previous (when not NULL). With recording off, operations produce
 * tensors that do not require grad, as under `with torch.no_grad():`.
 */
SG_API sg_status sg_set_grad_enabled(bool enabled, bool *previous);

/** Whether the calling thread records gradients (torch.is_grad_enabled()). */
SG_API bool sg_is_grad_enabled(void);

/* BEGIN GENERATED OPS: made by scripts/generate.py from the op table in scripts/ops; do not edit. */

/* ---------------------------------------------------------------------------------------------- */
/* Numbers as operands. A Python number where PyTorch takes a tensor is a 'wrapped number': a 0-d */
/* tensor that takes part in type promotion by its category only. An int64 tensor +               */
/* sg_scalar_int64(2) stays int64, a float32 tensor * sg_scalar_double(2.5) stays float32, an     */
/* int64 tensor * sg_scalar_double(2.5) is float32 (the default floating dtype). Every function   */
/* that takes a tensor takes one.                                                                 */
/* ---------------------------------------------------------------------------------------------- */

/** A float operand (a Python float): a float64 wrapped number. */
SG_API sg_status sg_scalar_double(double value, sg_tensor **out);
/** An integer operand (a Python int): an int64 wrapped number. */
SG_API sg_status sg_scalar_int64(int64_t value, sg_tensor **out);
/** A bool operand (a Python bool): a bool wrapped number. */
SG_API sg_status sg_scalar_bool(bool value, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Arithmetic. Binary operations broadcast their operands by NumPy's rules and promote dtypes as  */
/* PyTorch does. A `double s` behaves like a Python float (see Scalars above).                    */
/* ---------------------------------------------------------------------------------------------- */

/** a + b */
SG_API sg_status sg_add(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a - b */
SG_API sg_status sg_sub(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a * b */
SG_API sg_status sg_mul(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a / b, true division (integers give float32). */
SG_API sg_status sg_div(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a ** b */
SG_API sg_status sg_pow(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a + s */
SG_API sg_status sg_add_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a - s */
SG_API sg_status sg_sub_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** s - a */
SG_API sg_status sg_rsub_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a * s */
SG_API sg_status sg_mul_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a / s */
SG_API sg_status sg_div_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** s / a */
SG_API sg_status sg_rdiv_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a ** s */
SG_API sg_status sg_pow_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** s ** a */
SG_API sg_status sg_rpow_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** -a (refused for bool, as PyTorch refuses). */
SG_API sg_status sg_neg(const sg_tensor *a, sg_tensor **out);
/** A differentiable copy with its own storage (torch.clone). */
SG_API sg_status sg_clone(const sg_tensor *a, sg_tensor **out);
/** The tensor converted to `dtype` (Tensor.to(dtype)); differentiable between floating dtypes. */
SG_API sg_status sg_to_dtype(const sg_tensor *a, sg_dtype dtype, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Comparisons: bool results, broadcasting, not differentiable.                                   */
/* ---------------------------------------------------------------------------------------------- */

/** a == b */
SG_API sg_status sg_eq(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a != b */
SG_API sg_status sg_ne(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a < b */
SG_API sg_status sg_lt(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a <= b */
SG_API sg_status sg_le(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a > b */
SG_API sg_status sg_gt(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a >= b */
SG_API sg_status sg_ge(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** a and other, elementwise: operands read as truth values (nonzero, NaN included, is true). */
SG_API sg_status sg_logical_and(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/** a or other, elementwise, as sg_logical_and. */
SG_API sg_status sg_logical_or(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/** a xor other, elementwise, as sg_logical_and. */
SG_API sg_status sg_logical_xor(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/** not a, elementwise (nonzero is true). */
SG_API sg_status sg_logical_not(const sg_tensor *a, sg_tensor **out);
/** a == s */
SG_API sg_status sg_eq_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a != s */
SG_API sg_status sg_ne_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a < s */
SG_API sg_status sg_lt_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a <= s */
SG_API sg_status sg_le_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a > s */
SG_API sg_status sg_gt_scalar(const sg_tensor *a, double s, sg_tensor **out);
/** a >= s */
SG_API sg_status sg_ge_scalar(const sg_tensor *a, double s, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Elementwise functions. Floating functions of integer or bool input compute in float32.         */
/* ---------------------------------------------------------------------------------------------- */

/** e ** a */
SG_API sg_status sg_exp(const sg_tensor *a, sg_tensor **out);
/** The natural logarithm; log(0) = -inf, log of a negative number is nan. */
SG_API sg_status sg_log(const sg_tensor *a, sg_tensor **out);
/** The square root; sqrt'(0) = inf. */
SG_API sg_status sg_sqrt(const sg_tensor *a, sg_tensor **out);
/** 1 / sqrt(a) */
SG_API sg_status sg_rsqrt(const sg_tensor *a, sg_tensor **out);
/** 1 / a */
SG_API sg_status sg_reciprocal(const sg_tensor *a, sg_tensor **out);
/** The sine. */
SG_API sg_status sg_sin(const sg_tensor *a, sg_tensor **out);
/** The cosine. */
SG_API sg_status sg_cos(const sg_tensor *a, sg_tensor **out);
/** The hyperbolic tangent. */
SG_API sg_status sg_tanh(const sg_tensor *a, sg_tensor **out);
/** 1 / (1 + e ** -a), stable for large |a|. */
SG_API sg_status sg_sigmoid(const sg_tensor *a, sg_tensor **out);
/** max(a, 0); relu'(0) = 0. */
SG_API sg_status sg_relu(const sg_tensor *a, sg_tensor **out);
/** |a|; abs'(0) = 0. */
SG_API sg_status sg_abs(const sg_tensor *a, sg_tensor **out);
/** -1, 0 or 1 by the sign of each element; its gradient is 0. */
SG_API sg_status sg_sign(const sg_tensor *a, sg_tensor **out);
/** a * a (bool input gives int64, as PyTorch's pow). */
SG_API sg_status sg_square(const sg_tensor *a, sg_tensor **out);
/** log(1 + a), accurate near 0. */
SG_API sg_status sg_log1p(const sg_tensor *a, sg_tensor **out);
/** exp(a) - 1, accurate near 0. */
SG_API sg_status sg_expm1(const sg_tensor *a, sg_tensor **out);
/** The tangent. */
SG_API sg_status sg_tan(const sg_tensor *a, sg_tensor **out);
/** The hyperbolic sine. */
SG_API sg_status sg_sinh(const sg_tensor *a, sg_tensor **out);
/** The hyperbolic cosine. */
SG_API sg_status sg_cosh(const sg_tensor *a, sg_tensor **out);
/** The inverse sine: nan outside [-1, 1]. */
SG_API sg_status sg_asin(const sg_tensor *a, sg_tensor **out);
/** The inverse cosine: nan outside [-1, 1]. */
SG_API sg_status sg_acos(const sg_tensor *a, sg_tensor **out);
/** The inverse tangent. */
SG_API sg_status sg_atan(const sg_tensor *a, sg_tensor **out);
/** The inverse hyperbolic sine. */
SG_API sg_status sg_asinh(const sg_tensor *a, sg_tensor **out);
/** The inverse hyperbolic cosine: nan below 1. */
SG_API sg_status sg_acosh(const sg_tensor *a, sg_tensor **out);
/** The inverse hyperbolic tangent: +-inf at +-1, nan outside. */
SG_API sg_status sg_atanh(const sg_tensor *a, sg_tensor **out);
/** The error function; its gradient is 2 / sqrt(pi) * exp(-a^2). */
SG_API sg_status sg_erf(const sg_tensor *a, sg_tensor **out);
/** 1 - erf(a), accurate where erf is near 1. */
SG_API sg_status sg_erfc(const sg_tensor *a, sg_tensor **out);
/** The base-2 logarithm. */
SG_API sg_status sg_log2(const sg_tensor *a, sg_tensor **out);
/** The base-10 logarithm. */
SG_API sg_status sg_log10(const sg_tensor *a, sg_tensor **out);
/** 2 ** a */
SG_API sg_status sg_exp2(const sg_tensor *a, sg_tensor **out);
/**
 * The largest whole number not above each element (integers are copied; bool is refused); gradient
 * 0.
 */
SG_API sg_status sg_floor(const sg_tensor *a, sg_tensor **out);
/**
 * The smallest whole number not below each element (integers are copied; bool is refused); gradient
 * 0.
 */
SG_API sg_status sg_ceil(const sg_tensor *a, sg_tensor **out);
/** The nearest whole number, halves to even (integers are copied; bool is refused); gradient 0. */
SG_API sg_status sg_round(const sg_tensor *a, sg_tensor **out);
/** The whole part, rounding toward zero (integers are copied; bool is refused); gradient 0. */
SG_API sg_status sg_trunc(const sg_tensor *a, sg_tensor **out);
/**
 * torch.clamp(a, min, max): each bound a tensor (broadcast) or a number from sg_scalar_*; either
 * may be NULL, not both. The dtype promotes a's with the bounds' (an int64 tensor clamped by
 * sg_scalar_int64 bounds stays int64). Gradients as PyTorch's: with number bounds, strictly inside
 * them; with tensor bounds, to whichever of a and the bound the result is (shared at ties).
 */
SG_API sg_status sg_clamp(const sg_tensor *a, const sg_tensor *min, const sg_tensor *max,
                          sg_tensor **out);
/** The elementwise maximum, broadcasting; equal values share the gradient. */
SG_API sg_status sg_maximum(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** The elementwise minimum, broadcasting; equal values share the gradient. */
SG_API sg_status sg_minimum(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** Elements of a where condition (a bool tensor) is true, of b elsewhere; all three broadcast. */
SG_API sg_status sg_where(const sg_tensor *condition, const sg_tensor *a, const sg_tensor *b,
                          sg_tensor **out);
/**
 * a with value (a 0-d tensor or an sg_scalar_* number, converted to a's dtype) where the bool mask
 * is true (Tensor.masked_fill); the shape broadcasts a with mask. A 0-d tensor value gets the sum
 * of the gradient where the mask is true.
 */
SG_API sg_status sg_masked_fill(const sg_tensor *a, const sg_tensor *mask, const sg_tensor *value,
                                sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Views: results share the input's storage (writes through one are seen through the other).      */
/* Dimensions may be negative, counting from the end.                                             */
/* ---------------------------------------------------------------------------------------------- */

/**
 * The same elements in another shape (one size may be -1): a view when the layout allows, otherwise
 * a copy (Tensor.reshape).
 */
SG_API sg_status sg_reshape(const sg_tensor *a, const int64_t *shape, size_t ndim, sg_tensor **out);
/** Like sg_reshape but always a view; SG_ERR_SHAPE when the layout does not allow one. */
SG_API sg_status sg_view(const sg_tensor *a, const int64_t *shape, size_t ndim, sg_tensor **out);
/** Dimensions dim0 and dim1 swapped. */
SG_API sg_status sg_transpose(const sg_tensor *a, int64_t dim0, int64_t dim1, sg_tensor **out);
/** The dimensions reordered: result dimension i is a's dimension dims[i]. */
SG_API sg_status sg_permute(const sg_tensor *a, const int64_t *dims, size_t ndims, sg_tensor **out);
/** Broadcasts size-1 dimensions (and new leading ones) to shape; -1 keeps a size. */
SG_API sg_status sg_expand(const sg_tensor *a, const int64_t *shape, size_t ndim, sg_tensor **out);
/** Every size-1 dimension removed. */
SG_API sg_status sg_squeeze(const sg_tensor *a, sg_tensor **out);
/** Dimension dim removed if its size is 1. */
SG_API sg_status sg_squeeze_dim(const sg_tensor *a, int64_t dim, sg_tensor **out);
/** A size-1 dimension inserted at dim. */
SG_API sg_status sg_unsqueeze(const sg_tensor *a, int64_t dim, sg_tensor **out);
/** Dimensions start_dim to end_dim merged into one. */
SG_API sg_status sg_flatten(const sg_tensor *a, int64_t start_dim, int64_t end_dim,
                            sg_tensor **out);
/** a[..., index, ...] at dim: one dimension fewer (Tensor.select, x[i]). */
SG_API sg_status sg_select(const sg_tensor *a, int64_t dim, int64_t index, sg_tensor **out);
/**
 * a[start:end:step] along dim, as a Python slice: bounds are clamped, negative ones count from the
 * end; pass 0 and INT64_MAX for the whole dimension. step must be positive.
 */
SG_API sg_status sg_slice(const sg_tensor *a, int64_t dim, int64_t start, int64_t end, int64_t step,
                          sg_tensor **out);
/** A view of all of a (Python's x[...]). */
SG_API sg_status sg_alias(const sg_tensor *a, sg_tensor **out);
/** a itself when its layout is contiguous, else a contiguous copy (Tensor.contiguous()). */
SG_API sg_status sg_contiguous(const sg_tensor *a, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Reductions. Optional dimensions follow one convention: a list of dims (const int64_t *dims,    */
/* size_t ndims) may hold negative dimensions (counting from the end), each at most once, and an  */
/* empty list (ndims == 0) means every dimension, as in PyTorch; a single optional dim (const     */
/* int64_t *dim) is NULL for the flattened tensor. keepdim keeps reduced dimensions as size 1.    */
/* ---------------------------------------------------------------------------------------------- */

/** The sum of all elements, a 0-d tensor (int64 for integer and bool input). */
SG_API sg_status sg_sum(const sg_tensor *a, sg_tensor **out);
/** The sum over dims (SumBackward1). */
SG_API sg_status sg_sum_dims(const sg_tensor *a, const int64_t *dims, size_t ndims, bool keepdim,
                             sg_tensor **out);
/** The mean of all elements, a 0-d tensor. */
SG_API sg_status sg_mean(const sg_tensor *a, sg_tensor **out);
/** The mean over dims. */
SG_API sg_status sg_mean_dims(const sg_tensor *a, const int64_t *dims, size_t ndims, bool keepdim,
                              sg_tensor **out);
/** The product of all elements, a 0-d tensor. */
SG_API sg_status sg_prod(const sg_tensor *a, sg_tensor **out);
/** The product along dim. */
SG_API sg_status sg_prod_dim(const sg_tensor *a, int64_t dim, bool keepdim, sg_tensor **out);
/** The largest element; tied elements share the gradient evenly. */
SG_API sg_status sg_max(const sg_tensor *a, sg_tensor **out);
/** The smallest element; tied elements share the gradient evenly. */
SG_API sg_status sg_min(const sg_tensor *a, sg_tensor **out);
/**
 * The maximum along dim and the int64 index of the first one; the gradient goes to that index. Both
 * outputs are new handles; both are NULL on failure.
 */
SG_API sg_status sg_max_dim(const sg_tensor *a, int64_t dim, bool keepdim, sg_tensor **values,
                            sg_tensor **indices);
/** The minimum along dim and the int64 index of the first one, as sg_max_dim. */
SG_API sg_status sg_min_dim(const sg_tensor *a, int64_t dim, bool keepdim, sg_tensor **values,
                            sg_tensor **indices);
/** The largest values over dims; tied elements share the gradient evenly. */
SG_API sg_status sg_amax(const sg_tensor *a, const int64_t *dims, size_t ndims, bool keepdim,
                         sg_tensor **out);
/** The smallest values over dims; tied elements share the gradient evenly. */
SG_API sg_status sg_amin(const sg_tensor *a, const int64_t *dims, size_t ndims, bool keepdim,
                         sg_tensor **out);
/** The int64 index of the maximum along *dim, or in the flattened tensor when dim is NULL. */
SG_API sg_status sg_argmax(const sg_tensor *a, const int64_t *dim, bool keepdim, sg_tensor **out);
/** The int64 index of the minimum along *dim, or in the flattened tensor when dim is NULL. */
SG_API sg_status sg_argmin(const sg_tensor *a, const int64_t *dim, bool keepdim, sg_tensor **out);
/**
 * The variance over dims, divided by max(0, n - correction) for groups of n (correction 1 is
 * PyTorch's unbiased default; any real correction is allowed).
 */
SG_API sg_status sg_var(const sg_tensor *a, const int64_t *dims, size_t ndims, double correction,
                        bool keepdim, sg_tensor **out);
/** The standard deviation over dims with Bessel's correction, as sg_var. */
SG_API sg_status sg_std(const sg_tensor *a, const int64_t *dims, size_t ndims, double correction,
                        bool keepdim, sg_tensor **out);
/** The 2-norm of all elements (Tensor.norm()), a 0-d floating tensor; its gradient at 0 is 0. */
SG_API sg_status sg_norm(const sg_tensor *a, sg_tensor **out);
/** The vector p-norm (p > 0, INFINITY allowed) over dims; its gradient at 0 is 0. */
SG_API sg_status sg_norm_dims(const sg_tensor *a, double p, const int64_t *dims, size_t ndims,
                              bool keepdim, sg_tensor **out);
/** log(sum(exp(a))) over dims, computed stably. */
SG_API sg_status sg_logsumexp(const sg_tensor *a, const int64_t *dims, size_t ndims, bool keepdim,
                              sg_tensor **out);
/** softmax along dim, computed stably. */
SG_API sg_status sg_softmax(const sg_tensor *a, int64_t dim, sg_tensor **out);
/** log_softmax along dim, computed stably. */
SG_API sg_status sg_log_softmax(const sg_tensor *a, int64_t dim, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Linear algebra (OpenBLAS for float32 and float64).                                             */
/* ---------------------------------------------------------------------------------------------- */

/** torch.dot: the inner product of two 1-d tensors of the same dtype and length. */
SG_API sg_status sg_dot(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/**
 * torch.matmul: 1-d x 1-d dot, 2-d x 2-d matrix product, a 1-d operand as a row (left) or column
 * (right) vector, more dimensions as broadcast batches of matrices.
 */
SG_API sg_status sg_matmul(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** [n, k] x [k, m] */
SG_API sg_status sg_mm(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** [n, k] x [k] */
SG_API sg_status sg_mv(const sg_tensor *a, const sg_tensor *v, sg_tensor **out);
/** [b, n, k] x [b, k, m] */
SG_API sg_status sg_bmm(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/** The outer product of two 1-d tensors. */
SG_API sg_status sg_outer(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Joining and indexing                                                                           */
/* ---------------------------------------------------------------------------------------------- */

/** The tensors joined along an existing dimension (torch.cat); dtypes promote. */
SG_API sg_status sg_cat(const sg_tensor *const *tensors, size_t count, int64_t dim,
                        sg_tensor **out);
/** The tensors, of one shape, stacked along a new dimension (torch.stack). */
SG_API sg_status sg_stack(const sg_tensor *const *tensors, size_t count, int64_t dim,
                          sg_tensor **out);
/**
 * Advanced indexing, NumPy's rules (Python's x[rows, cols], x[mask]): indices[k] indexes dimension
 * k with an int64 tensor, or is NULL to keep the dimension whole; a bool tensor is a mask covering
 * as many dimensions as it has. Index tensors broadcast together; the result is a copy. Out-of-
 * range indices give SG_ERR_INVALID_ARGUMENT.
 */
SG_API sg_status sg_index(const sg_tensor *a, const sg_tensor *const *indices, size_t count,
                          sg_tensor **out);
/**
 * Writes values (broadcast to the indexed shape) into t at the positions sg_index would read
 * (Python's x[idx] = v; Tensor.index_put_), or adds them there when accumulate. Refused with
 * SG_ERR_AUTOGRAD when the write would have to be recorded in the graph (not supported yet).
 */
SG_API sg_status sg_index_put_(sg_tensor *t, const sg_tensor *const *indices, size_t count,
                               const sg_tensor *values, bool accumulate);
/** out[i][j] = a[i][index[i][j]] for dim 1, likewise for other dims (torch.gather). */
SG_API sg_status sg_gather(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                           sg_tensor **out);
/** A copy of a with src added at index along dim (torch.scatter_add). */
SG_API sg_status sg_scatter_add(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                                const sg_tensor *src, sg_tensor **out);
/** The int64 coordinates of the non-zero elements, [count, ndim] (torch.nonzero). */
SG_API sg_status sg_nonzero(const sg_tensor *a, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* In place. Each returns SG_OK after writing into t. Refused with SG_ERR_AUTOGRAD on a leaf that */
/* requires grad while grad mode is on (turn it off with sg_set_grad_enabled, as                  */
/* torch.no_grad()); SG_ERR_DTYPE when the result cannot be cast to t's dtype (a float result     */
/* into an int64 tensor); SG_ERR_SHAPE when the other operand does not broadcast to t's shape. A  */
/* non-leaf t in the graph gets a new grad_fn.                                                    */
/* ---------------------------------------------------------------------------------------------- */

/** t += other */
SG_API sg_status sg_add_(sg_tensor *t, const sg_tensor *other);
/** t -= other */
SG_API sg_status sg_sub_(sg_tensor *t, const sg_tensor *other);
/** t *= other */
SG_API sg_status sg_mul_(sg_tensor *t, const sg_tensor *other);
/** t /= other */
SG_API sg_status sg_div_(sg_tensor *t, const sg_tensor *other);
/** t += s */
SG_API sg_status sg_add_scalar_(sg_tensor *t, double s);
/** t -= s */
SG_API sg_status sg_sub_scalar_(sg_tensor *t, double s);
/** t *= s */
SG_API sg_status sg_mul_scalar_(sg_tensor *t, double s);
/** t /= s */
SG_API sg_status sg_div_scalar_(sg_tensor *t, double s);
/** Copies src (broadcast to t's shape, converted to t's dtype) into t. */
SG_API sg_status sg_copy_(sg_tensor *t, const sg_tensor *src);
/** Sets every element of t to value. */
SG_API sg_status sg_fill_(sg_tensor *t, double value);
/** Fills t with zeros (Tensor.zero_()). */
SG_API sg_status sg_zero_(sg_tensor *t);

/* ---------------------------------------------------------------------------------------------- */
/* Losses (torch.nn.functional)                                                                   */
/* ---------------------------------------------------------------------------------------------- */

/** (input - target)^2, reduced. */
SG_API sg_status sg_mse_loss(const sg_tensor *input, const sg_tensor *target,
                             sg_reduction reduction, sg_tensor **out);
/** -input[i, target[i]] for log-probabilities input [N, C] and int64 class indices target [N]. */
SG_API sg_status sg_nll_loss(const sg_tensor *input, const sg_tensor *target,
                             sg_reduction reduction, sg_tensor **out);
/** nll_loss(log_softmax(input, 1), target): logits [N, C], int64 class indices [N]. */
SG_API sg_status sg_cross_entropy(const sg_tensor *input, const sg_tensor *target,
                                  sg_reduction reduction, sg_tensor **out);
/** -(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1]; logs clamped at -100. */
SG_API sg_status sg_binary_cross_entropy(const sg_tensor *input, const sg_tensor *target,
                                         sg_reduction reduction, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* torch.nn.functional: activations, losses, distances, padding, dropout, embeddings              */
/* ---------------------------------------------------------------------------------------------- */

/**
 * scale * (a > 0 ? a : alpha * (exp(a * input_scale) - 1)) (F.elu is alpha, 1, 1). Floating input
 * only.
 */
SG_API sg_status sg_elu(const sg_tensor *a, double alpha, double scale, double input_scale,
                        sg_tensor **out);
/** elu with alpha = 1.6732632423543772, scale = 1.0507009873554805 (F.selu). */
SG_API sg_status sg_selu(const sg_tensor *a, sg_tensor **out);
/** max(0, a) + min(0, alpha * (exp(a / alpha) - 1)) (F.celu); alpha = 0 is an error. */
SG_API sg_status sg_celu(const sg_tensor *a, double alpha, sg_tensor **out);
/**
 * a * Phi(a) (F.gelu): exact (erf) when tanh is false, PyTorch's approximate='tanh' form when true.
 */
SG_API sg_status sg_gelu(const sg_tensor *a, bool tanh, sg_tensor **out);
/** a * sigmoid(a) (F.silu). */
SG_API sg_status sg_silu(const sg_tensor *a, sg_tensor **out);
/** a * tanh(softplus(a)) (F.mish). */
SG_API sg_status sg_mish(const sg_tensor *a, sg_tensor **out);
/** log(1 + exp(beta a)) / beta, and a itself where beta a > threshold (F.softplus). */
SG_API sg_status sg_softplus(const sg_tensor *a, double beta, double threshold, sg_tensor **out);
/** a / (1 + |a|) (F.softsign). */
SG_API sg_status sg_softsign(const sg_tensor *a, sg_tensor **out);
/** a - tanh(a) (F.tanhshrink). */
SG_API sg_status sg_tanhshrink(const sg_tensor *a, sg_tensor **out);
/** a - lambd above lambd, a + lambd below -lambd, 0 between (F.softshrink); lambd >= 0. */
SG_API sg_status sg_softshrink(const sg_tensor *a, double lambd, sg_tensor **out);
/** a outside [-lambd, lambd], 0 inside (F.hardshrink). */
SG_API sg_status sg_hardshrink(const sg_tensor *a, double lambd, sg_tensor **out);
/** a clamped into [min_val, max_val] (F.hardtanh); gradient 0 at and beyond the bounds. */
SG_API sg_status sg_hardtanh(const sg_tensor *a, double min_val, double max_val, sg_tensor **out);
/** min(max(a, 0), 6) (F.relu6). */
SG_API sg_status sg_relu6(const sg_tensor *a, sg_tensor **out);
/** a * relu6(a + 3) / 6 (F.hardswish). */
SG_API sg_status sg_hardswish(const sg_tensor *a, sg_tensor **out);
/** relu6(a + 3) / 6 (F.hardsigmoid). */
SG_API sg_status sg_hardsigmoid(const sg_tensor *a, sg_tensor **out);
/** log(sigmoid(a)), without overflow (F.logsigmoid). */
SG_API sg_status sg_logsigmoid(const sg_tensor *a, sg_tensor **out);
/** a > 0 ? a : negative_slope * a (F.leaky_relu). */
SG_API sg_status sg_leaky_relu(const sg_tensor *a, double negative_slope, sg_tensor **out);
/** a > 0 ? a : weight * a, weight 0-d or 1-d with 1 or C (dimension 1 of a) entries (F.prelu). */
SG_API sg_status sg_prelu(const sg_tensor *a, const sg_tensor *weight, sg_tensor **out);
/**
 * Randomized leaky relu (F.rrelu): in training each a <= 0 is scaled by a uniform draw from [lower,
 * upper], else by (lower + upper) / 2.
 */
SG_API sg_status sg_rrelu(const sg_tensor *a, double lower, double upper, bool training,
                          sg_tensor **out);
/** a > threshold ? a : value (F.threshold). */
SG_API sg_status sg_threshold(const sg_tensor *a, double threshold, double value, sg_tensor **out);
/**
 * The first half of a along dim times the sigmoid of the second half (F.glu); the size along dim
 * must be even.
 */
SG_API sg_status sg_glu(const sg_tensor *a, int64_t dim, sg_tensor **out);
/** softmax(-a) along dim (F.softmin). */
SG_API sg_status sg_softmin(const sg_tensor *a, int64_t dim, sg_tensor **out);
/** |input - target|, reduced (F.l1_loss); input and target broadcast. */
SG_API sg_status sg_l1_loss(const sg_tensor *input, const sg_tensor *target, sg_reduction reduction,
                            sg_tensor **out);
/**
 * |d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta for d = input - target, reduced (F.smooth_l1_loss);
 * beta >= 0, 0 being l1_loss.
 */
SG_API sg_status sg_smooth_l1_loss(const sg_tensor *input, const sg_tensor *target,
                                   sg_reduction reduction, double beta, sg_tensor **out);
/** |d| < delta ? 0.5 d^2 : delta (|d| - 0.5 delta), reduced (F.huber_loss); delta > 0. */
SG_API sg_status sg_huber_loss(const sg_tensor *input, const sg_tensor *target,
                               sg_reduction reduction, double delta, sg_tensor **out);
/** log(1 + exp(-target * input)), reduced (F.soft_margin_loss). */
SG_API sg_status sg_soft_margin_loss(const sg_tensor *input, const sg_tensor *target,
                                     sg_reduction reduction, sg_tensor **out);
/**
 * sg_binary_cross_entropy with each element's loss times weight (broadcast to target; NULL for
 * none) before the reduction (F.binary_cross_entropy).
 */
SG_API sg_status sg_binary_cross_entropy_weighted(const sg_tensor *input, const sg_tensor *target,
                                                  const sg_tensor *weight, sg_reduction reduction,
                                                  sg_tensor **out);
/**
 * (1 - t) x - (1 + (pos_weight - 1) t) log(sigmoid(x)), times weight, reduced
 * (F.binary_cross_entropy_with_logits); weight and pos_weight may be NULL.
 */
SG_API sg_status sg_binary_cross_entropy_with_logits(const sg_tensor *input,
                                                     const sg_tensor *target,
                                                     const sg_tensor *weight,
                                                     const sg_tensor *pos_weight,
                                                     sg_reduction reduction, sg_tensor **out);
/**
 * nll_loss with class weights (NULL for none) and ignore_index, for input [C], [N, C] or [N, C, d1,
 * ...] and int64 target [], [N] or [N, d1, ...] (F.nll_loss); the mean divides by the summed
 * weights of the counted targets.
 */
SG_API sg_status sg_nll_loss_nd(const sg_tensor *input, const sg_tensor *target,
                                const sg_tensor *weight, int64_t ignore_index,
                                sg_reduction reduction, sg_tensor **out);
/**
 * Cross-entropy of logits (F.cross_entropy): class indices (as sg_nll_loss_nd of log_softmax) or,
 * for a target of the input's shape, class probabilities; label_smoothing in [0, 1].
 */
SG_API sg_status sg_cross_entropy_loss(const sg_tensor *input, const sg_tensor *target,
                                       const sg_tensor *weight, int64_t ignore_index,
                                       sg_reduction reduction, double label_smoothing,
                                       sg_tensor **out);
/**
 * target * (log(target) - input), or exp(target) * (target - input) with log_target, reduced
 * (F.kl_div; batchmean is the sum over the batch size).
 */
SG_API sg_status sg_kl_div(const sg_tensor *input, const sg_tensor *target, sg_reduction reduction,
                           bool log_target, sg_tensor **out);
/** max(0, -target * (input1 - input2) + margin), reduced (F.margin_ranking_loss). */
SG_API sg_status sg_margin_ranking_loss(const sg_tensor *input1, const sg_tensor *input2,
                                        const sg_tensor *target, double margin,
                                        sg_reduction reduction, sg_tensor **out);
/**
 * input where target is 1, max(0, margin - input) where it is -1, reduced (F.hinge_embedding_loss).
 */
SG_API sg_status sg_hinge_embedding_loss(const sg_tensor *input, const sg_tensor *target,
                                         double margin, sg_reduction reduction, sg_tensor **out);
/**
 * 1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1, reduced
 * (F.cosine_embedding_loss).
 */
SG_API sg_status sg_cosine_embedding_loss(const sg_tensor *input1, const sg_tensor *input2,
                                          const sg_tensor *target, double margin,
                                          sg_reduction reduction, sg_tensor **out);
/**
 * exp(input) - target * input (log_input) or input - target * log(input + eps), plus Stirling's
 * term with full, reduced (F.poisson_nll_loss).
 */
SG_API sg_status sg_poisson_nll_loss(const sg_tensor *input, const sg_tensor *target,
                                     bool log_input, bool full, double eps, sg_reduction reduction,
                                     sg_tensor **out);
/**
 * 0.5 (log(var) + (input - target)^2 / var) (+ 0.5 log(2 pi) with full), var clamped at eps in the
 * forward only, reduced (F.gaussian_nll_loss).
 */
SG_API sg_status sg_gaussian_nll_loss(const sg_tensor *input, const sg_tensor *target,
                                      const sg_tensor *variance, bool full, double eps,
                                      sg_reduction reduction, sg_tensor **out);
/** ||x1 - x2 + eps||_p along the last dimension (F.pairwise_distance). */
SG_API sg_status sg_pairwise_distance(const sg_tensor *x1, const sg_tensor *x2, double p,
                                      double eps, bool keepdim, sg_tensor **out);
/**
 * max(0, margin + d(anchor, positive) - d(anchor, negative)) with pairwise distances (swap: the
 * smaller of d(a, n) and d(p, n)), reduced (F.triplet_margin_loss).
 */
SG_API sg_status sg_triplet_margin_loss(const sg_tensor *anchor, const sg_tensor *positive,
                                        const sg_tensor *negative, double margin, double p,
                                        double eps, bool swap, sg_reduction reduction,
                                        sg_tensor **out);
/**
 * -(t log sigmoid(x) + (1 - t) log sigmoid(-x)) times weight, averaged over the classes, reduced
 * (F.multilabel_soft_margin_loss).
 */
SG_API sg_status sg_multilabel_soft_margin_loss(const sg_tensor *input, const sg_tensor *target,
                                                const sg_tensor *weight, sg_reduction reduction,
                                                sg_tensor **out);
/**
 * Multi-class hinge loss: per row, sum over j != y of max(0, margin - x[y] + x[j])^p * weight[y] /
 * C, reduced (F.multi_margin_loss); p is 1 or 2.
 */
SG_API sg_status sg_multi_margin_loss(const sg_tensor *input, const sg_tensor *target, int64_t p,
                                      double margin, const sg_tensor *weight,
                                      sg_reduction reduction, sg_tensor **out);
/**
 * Multi-label hinge loss: targets are the indices before the first -1; sum of max(0, 1 - (x[y] -
 * x[i])) over targets y and other classes i, / C, reduced (F.multilabel_margin_loss).
 */
SG_API sg_status sg_multilabel_margin_loss(const sg_tensor *input, const sg_tensor *target,
                                           sg_reduction reduction, sg_tensor **out);
/**
 * a / max(||a||_p, eps) along dim (F.normalize); any p (0: the count of non-zeros, negative,
 * +-inf).
 */
SG_API sg_status sg_normalize(const sg_tensor *a, double p, int64_t dim, double eps,
                              sg_tensor **out);
/**
 * sum((x1 / max(|x1|, eps)) * (x2 / max(|x2|, eps))) along dim, x1 and x2 broadcast
 * (F.cosine_similarity).
 */
SG_API sg_status sg_cosine_similarity(const sg_tensor *x1, const sg_tensor *x2, int64_t dim,
                                      double eps, sg_tensor **out);
/**
 * p-norm distances between the rows i < j of a 2-d tensor, pairs in row-major order (F.pdist); p >=
 * 0.
 */
SG_API sg_status sg_pdist(const sg_tensor *a, double p, sg_tensor **out);
/**
 * input1^T weight[o] input2 + bias[o] for each o, over [..., in1] and [..., in2] with weight [out,
 * in1, in2] and bias [out] or NULL (F.bilinear).
 */
SG_API sg_status sg_bilinear(const sg_tensor *input1, const sg_tensor *input2,
                             const sg_tensor *weight, const sg_tensor *bias, sg_tensor **out);
/**
 * a / (k + alpha * mean of a^2 over a window of size channels, zero-padded)^beta, for [N, C, ...]
 * input of 3 or more dimensions (F.local_response_norm).
 */
SG_API sg_status sg_local_response_norm(const sg_tensor *a, int64_t size, double alpha, double beta,
                                        double k, sg_tensor **out);
/**
 * Pads with value (torch.constant_pad_nd): pad holds (left, right) pairs from the last dimension
 * backwards; negative entries crop.
 */
SG_API sg_status sg_constant_pad_nd(const sg_tensor *a, const int64_t *pad, size_t npad,
                                    double value, sg_tensor **out);
/**
 * F.pad in a non-constant mode: 0 reflect, 1 replicate, 2 circular; 1 to 3 padded dimensions on an
 * input of one or two more.
 */
SG_API sg_status sg_pad(const sg_tensor *a, const int64_t *pad, size_t npad, int64_t mode,
                        sg_tensor **out);
/** [*, C r^2, H, W] to [*, C, H r, W r] (F.pixel_shuffle). */
SG_API sg_status sg_pixel_shuffle(const sg_tensor *a, int64_t upscale_factor, sg_tensor **out);
/** [*, C, H r, W r] to [*, C r^2, H, W] (F.pixel_unshuffle). */
SG_API sg_status sg_pixel_unshuffle(const sg_tensor *a, int64_t downscale_factor, sg_tensor **out);
/** Interleaves the groups of the channels (dimension 1) of [N, C, *] (F.channel_shuffle). */
SG_API sg_status sg_channel_shuffle(const sg_tensor *a, int64_t groups, sg_tensor **out);
/**
 * Rows indices of the table weight [V, D] (F.embedding); the row padding_idx (-1: none) gets no
 * gradient; scale_grad_by_freq divides each row's gradient by its use count.
 */
SG_API sg_status sg_embedding(const sg_tensor *weight, const sg_tensor *indices,
                              int64_t padding_idx, bool scale_grad_by_freq, sg_tensor **out);
/**
 * In place, outside autograd: rescales each row of weight used by indices whose norm_type-norm
 * exceeds max_norm to max_norm (torch.embedding_renorm_).
 */
SG_API sg_status sg_embedding_renorm_(sg_tensor *weight, const sg_tensor *indices, double max_norm,
                                      double norm_type);
/**
 * One-hot int64 encoding of int64 class indices, shape a.shape + [num_classes] (F.one_hot);
 * num_classes -1 takes the largest index + 1.
 */
SG_API sg_status sg_one_hot(const sg_tensor *a, int64_t num_classes, sg_tensor **out);
/**
 * Dropout of whole [N, C] channels of a tensor of 2 or more dimensions (dropout2d/3d; with alpha,
 * feature_alpha_dropout); a itself when not training or p = 0.
 */
SG_API sg_status sg_feature_dropout(const sg_tensor *a, double p, bool training, bool alpha,
                                    sg_tensor **out);
/**
 * Alpha dropout (F.alpha_dropout): dropped elements take SELU's negative saturation, rescaled to
 * keep mean 0 and variance 1; a itself when not training or p = 0.
 */
SG_API sg_status sg_alpha_dropout(const sg_tensor *a, double p, bool training, sg_tensor **out);
/**
 * cross_entropy of the logits input @ linear_weight^T + linear_bias, linear_weight [C, *K, in]
 * giving logits [N, C, *K] (F.linear_cross_entropy).
 */
SG_API sg_status sg_linear_cross_entropy(const sg_tensor *input, const sg_tensor *linear_weight,
                                         const sg_tensor *target, const sg_tensor *linear_bias,
                                         const sg_tensor *weight, sg_reduction reduction,
                                         int64_t ignore_index, double label_smoothing,
                                         sg_tensor **out);

/* END GENERATED OPS */

/* ------------------------------------------------------------------------------------------ */
/* Autograd, complete (torch.autograd)                                                         */
/*                                                                                              */
/* Callbacks. Functions below take C callbacks with a `void *user_data` and, where the library   */
/* keeps the callback, an sg_free_fn (may be NULL) that it calls exactly once with user_data when */
/* it no longer needs it: also when the call fails, so the caller never frees user_data itself.  */
/* Tensor handles passed to a callback are borrowed: valid during the call only.                 */
/* Handles a callback returns through an out-parameter are taken over by the library (it frees   */
/* them). A callback returns SG_OK, or an error status, which makes the calling function fail    */
/* with that status; the message is the last error the callback set (sg_set_last_error, or a     */
/* failing swiftgrad call made inside it), or else one naming the callback. Callbacks run on the */
/* thread that made the call and may call any function of this library.                        */
/* ------------------------------------------------------------------------------------------ */

typedef void (*sg_free_fn)(void *user_data);

/** Sets the calling thread's last error message (for callbacks describing their failure). */
SG_API void sg_set_last_error(const char *message);

/**
 * Back-propagates from several outputs (torch.autograd.backward). gradients is NULL or has one
 * entry per output (NULL entries: implicit, one-element outputs only). With inputs (n_inputs >
 * 0), only those tensors' .grad change (non-leaf ones too); otherwise every leaf's. create_graph
 * records the backward pass for higher-order gradients.
 */
SG_API sg_status sg_autograd_backward(const sg_tensor *const *outputs, const sg_tensor *const *gradients,
                               size_t n_outputs, const sg_tensor *const *inputs, size_t n_inputs,
                               bool retain_graph, bool create_graph);

/**
 * The gradients of outputs with respect to inputs (torch.autograd.grad), written as new handles
 * into grads[n_inputs]; no .grad changes. An input no output depends on gives SG_ERR_AUTOGRAD
 * unless allow_unused, when its entry is NULL.
 */
SG_API sg_status sg_autograd_grad(const sg_tensor *const *outputs, const sg_tensor *const *grad_outputs,
                           size_t n_outputs, const sg_tensor *const *inputs, size_t n_inputs,
                           bool retain_graph, bool create_graph, bool allow_unused, sg_tensor **grads);

/**
 * A hook on t's gradient (Tensor.register_hook): called during backward with the gradient
 * (borrowed); it may leave *replacement NULL to keep it, or set it to a new tensor to use
 * instead.
 */
typedef sg_status (*sg_hook_fn)(const sg_tensor *grad, sg_tensor **replacement, void *user_data);

/** Registers a hook; *id identifies it for sg_tensor_remove_hook. free_user_data runs when the
    hook is removed or t and its graph are freed. SG_ERR_AUTOGRAD if t does not require grad. */
SG_API sg_status sg_tensor_register_hook(sg_tensor *t, sg_hook_fn hook, void *user_data,
                                  sg_free_fn free_user_data, uint64_t *id);
SG_API sg_status sg_tensor_remove_hook(sg_tensor *t, uint64_t id);
/** Keeps a non-leaf tensor's gradient in .grad after backward (Tensor.retain_grad()). */
SG_API sg_status sg_tensor_retain_grad(sg_tensor *t);
SG_API sg_status sg_tensor_retains_grad(const sg_tensor *t, bool *out);

/** The context of a custom function call; valid only during its forward or backward callback. */
typedef struct sg_function_ctx sg_function_ctx;

/** A custom function's forward: compute outputs (new handles, at most capacity of them, their
    number in *n_outputs) from the inputs; runs without recording. */
typedef sg_status (*sg_function_forward_fn)(sg_function_ctx *ctx, const sg_tensor *const *inputs,
                                            size_t n_inputs, sg_tensor **outputs, size_t capacity,
                                            size_t *n_outputs, void *user_data);
/** A custom function's backward: given one gradient per output, write one gradient (a new
    handle, or NULL for none) per input. Written with swiftgrad operations it is itself
    differentiable (create_graph). */
typedef sg_status (*sg_function_backward_fn)(sg_function_ctx *ctx, const sg_tensor *const *grad_outputs,
                                             size_t n_outputs, sg_tensor **grad_inputs, size_t n_inputs,
                                             void *user_data);

/**
 * Applies a custom differentiable function (torch.autograd.Function.apply): runs forward, and
 * when an input requires grad records one node named "<name>Backward" whose backward calls
 * backward. Writes the outputs (new handles) into outputs[capacity] and their number into
 * *n_outputs.
 */
SG_API sg_status sg_function_apply(const char *name, sg_function_forward_fn forward, sg_function_backward_fn backward,
                            void *user_data, sg_free_fn free_user_data, const sg_tensor *const *inputs,
                            size_t n_inputs, sg_tensor **outputs, size_t capacity, size_t *n_outputs);
/** In forward: keeps tensors for backward (ctx.save_for_backward). */
SG_API sg_status sg_function_ctx_save(sg_function_ctx *ctx, const sg_tensor *const *tensors, size_t count);
/** In backward: the number of saved tensors, and saved tensor index (a new handle). Fails with
    SG_ERR_AUTOGRAD after the graph was freed or when a saved tensor was modified in place. */
SG_API sg_status sg_function_ctx_saved_count(const sg_function_ctx *ctx, size_t *count);
SG_API sg_status sg_function_ctx_saved(const sg_function_ctx *ctx, size_t index, sg_tensor **out);
/** Whether input index needs a gradient (ctx.needs_input_grad). */
SG_API sg_status sg_function_ctx_needs_input_grad(const sg_function_ctx *ctx, size_t index, bool *out);

/** A function of tensors for the checks and derivatives below: writes n_outputs new handles. */
typedef sg_status (*sg_tensor_fn)(const sg_tensor *const *inputs, size_t n_inputs, sg_tensor **outputs,
                                  size_t n_outputs, void *user_data);

/**
 * torch.autograd.gradcheck: compares backward's Jacobians of f at inputs (use float64) with
 * central differences of step eps. SG_OK when |analytical - numerical| <= atol + rtol * |numerical|
 * everywhere; otherwise SG_ERR_AUTOGRAD with "Jacobian mismatch for output o with respect to
 * input i" and both Jacobians.
 */
SG_API sg_status sg_gradcheck(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs,
                       size_t n_outputs, double eps, double atol, double rtol);
/** torch.autograd.gradgradcheck: the same check for second derivatives. */
SG_API sg_status sg_gradgradcheck(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs,
                           size_t n_outputs, double eps, double atol, double rtol);

/** torch.autograd.functional.jacobian: jacobians[o * n_inputs + i] = d outputs[o] / d inputs[i],
    of shape outputs[o].shape + inputs[i].shape. */
SG_API sg_status sg_jacobian(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs,
                      size_t n_outputs, bool create_graph, sg_tensor **jacobians);
/** The Hessian of a scalar f: hessians[i * n_inputs + j] of shape inputs[i].shape + inputs[j].shape. */
SG_API sg_status sg_hessian(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs,
                     bool create_graph, sg_tensor **hessians);
/** f's outputs and v^T J (one v per output; one result per input). */
SG_API sg_status sg_vjp(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs,
                 const sg_tensor *const *v, size_t n_outputs, bool create_graph, sg_tensor **outputs,
                 sg_tensor **vjps);
/** f's outputs and J v (one v per input; one result per output). */
SG_API sg_status sg_jvp(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs,
                 const sg_tensor *const *v, size_t n_outputs, bool create_graph, sg_tensor **outputs,
                 sg_tensor **jvps);
/** A scalar f's value and H v (one v per input; one result per input). */
SG_API sg_status sg_hvp(sg_tensor_fn f, void *user_data, const sg_tensor *const *inputs, size_t n_inputs,
                 const sg_tensor *const *v, bool create_graph, sg_tensor **output, sg_tensor **hvps);

/**
 * Anomaly mode (torch.autograd.set_detect_anomaly), global: backward checks each node's
 * gradients for NaN and fails with "Function 'XBackward0' returned nan values in its 0th
 * output." naming the forward operation too.
 */
SG_API sg_status sg_set_detect_anomaly(bool enabled);
SG_API bool sg_is_anomaly_enabled(void);
/** A description of where the calling thread is (e.g. a traceback), attached to the nodes it
    records while anomaly mode is on and shown in anomaly errors; NULL clears it. */
SG_API sg_status sg_set_anomaly_context(const char *context);

/**
 * The graph behind t as Graphviz DOT text: a box per op (grad_fn name and output shape), per
 * leaf that requires grad, and for t (labelled title, or "output" when NULL).
 */
SG_API sg_status sg_graph_to_dot(const sg_tensor *t, const char *title, char *buf, size_t buf_size, size_t *needed);

/* ------------------------------------------------------------------------------------------ */
/* Optimizers (torch.optim)                                                                  */
/* ------------------------------------------------------------------------------------------ */

/**
 * An opaque handle to an optimizer (torch.optim.SGD, Adam, AdamW). It keeps references to its
 * parameters (the caller may free its own handles to them) and its per-parameter state
 * (momentum buffers, moment estimates). Free it with sg_optimizer_free.
 *
 *     sg_adam_options options = sg_adam_default_options();
 *     options.lr = 5e-3;
 *     sg_optimizer *opt;
 *     sg_optimizer_adam(params, 2, &options, &opt);
 *     for (...) {
 *         sg_optimizer_zero_grad(opt, true);
 *         ... compute loss; sg_backward(loss, NULL, false) ...
 *         sg_optimizer_step(opt);
 *     }
 *     sg_optimizer_free(opt);
 *
 * Parameters must be floating-point leaf tensors, each in one group only. n_params may be 0 to
 * start without parameters and add groups later. Invalid hyperparameters fail with PyTorch's
 * messages ("Invalid learning rate: -1.0"). *out is NULL on failure. An optimizer, like a tensor
 * being written, must not be used from two threads at once.
 */
typedef struct sg_optimizer sg_optimizer;

/**
 * The hyperparameters of torch.optim.SGD. Start from sg_sgd_default_options() (PyTorch's
 * defaults, noted per field), which also sets struct_size: the library refuses a struct whose
 * struct_size is not the sizeof it was built with, so that one compiled against another version
 * of this header fails cleanly instead of being misread.
 */
typedef struct sg_sgd_options {
    size_t struct_size;  /* sizeof(sg_sgd_options) */
    double lr;           /* 1e-3 */
    double momentum;     /* 0 */
    double dampening;    /* 0 */
    double weight_decay; /* 0: an L2 penalty wd * p added to the gradient */
    bool nesterov;       /* false (needs momentum > 0 and dampening 0) */
    bool maximize;       /* false */
} sg_sgd_options;

/** The hyperparameters of torch.optim.Adam and AdamW, as sg_sgd_options. */
typedef struct sg_adam_options {
    size_t struct_size;  /* sizeof(sg_adam_options) */
    double lr;           /* 1e-3 */
    double beta1;        /* 0.9 */
    double beta2;        /* 0.999 */
    double eps;          /* 1e-8 */
    double weight_decay; /* Adam 0 (an L2 penalty), AdamW 1e-2 (decoupled) */
    bool amsgrad;        /* false */
    bool maximize;       /* false */
} sg_adam_options;

/** PyTorch's defaults for SGD, Adam and AdamW (they differ only in weight_decay). */
SG_API sg_sgd_options sg_sgd_default_options(void);
SG_API sg_adam_options sg_adam_default_options(void);
SG_API sg_adam_options sg_adamw_default_options(void);

/** torch.optim.SGD (options NULL: the defaults): momentum buffer b = momentum * b + (1 -
    dampening) * g (b = g on the first step), the step along g + momentum * b with nesterov, else
    b; weight_decay adds wd * p to g. */
SG_API sg_status sg_optimizer_sgd(const sg_tensor *const *params, size_t n_params, const sg_sgd_options *options,
                                  sg_optimizer **out);
/** torch.optim.Adam (options NULL: the defaults), weight_decay as an L2 penalty added to the
    gradient. */
SG_API sg_status sg_optimizer_adam(const sg_tensor *const *params, size_t n_params, const sg_adam_options *options,
                                   sg_optimizer **out);
/** torch.optim.AdamW (options NULL: sg_adamw_default_options()): weight decay decoupled
    (p *= 1 - lr * weight_decay). */
SG_API sg_status sg_optimizer_adamw(const sg_tensor *const *params, size_t n_params, const sg_adam_options *options,
                                    sg_optimizer **out);
/** Optimizer.add_param_group with the optimizer's defaults; change its options with
    sg_optimizer_set_option (the new group's index is the old group count). */
SG_API sg_status sg_optimizer_add_param_group(sg_optimizer *opt, const sg_tensor *const *params, size_t n_params);
/** The number of parameter groups. */
SG_API sg_status sg_optimizer_param_group_count(const sg_optimizer *opt, size_t *out);
/** The number of parameters in group, and parameter index of it (a new handle). */
SG_API sg_status sg_optimizer_param_count(const sg_optimizer *opt, size_t group, size_t *out);
SG_API sg_status sg_optimizer_param(const sg_optimizer *opt, size_t group, size_t index, sg_tensor **out);
/**
 * Reads or sets an option of a group by its PyTorch name: "lr", "weight_decay", "maximize",
 * and "momentum", "dampening", "nesterov" (SGD) or "beta1", "beta2", "eps", "amsgrad" (Adam,
 * AdamW); booleans are 0 or 1. Setting validates like the constructors (learning-rate
 * schedules set "lr" between steps).
 */
SG_API sg_status sg_optimizer_get_option(const sg_optimizer *opt, size_t group, const char *name, double *out);
SG_API sg_status sg_optimizer_set_option(sg_optimizer *opt, size_t group, const char *name, double value);
/** Sets count options at once, validating only the result (to turn "momentum" and "nesterov"
    off together); on failure none is changed. */
SG_API sg_status sg_optimizer_set_options(sg_optimizer *opt, size_t group, const char *const *names, const double *values,
                                   size_t count);
/**
 * Per-parameter state (PyTorch's optimizer.state[p], for checkpoints): "momentum_buffer" (SGD)
 * or "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq" (Adam, AdamW). get gives the
 * optimizer's own buffer (a new handle; later steps update it), "step" as a float32 0-d tensor,
 * and *out NULL when the parameter has no such state yet. set stores a copy of value converted
 * to the parameter's dtype (its shape must be the parameter's; "step" a whole number); NULL
 * value removes it.
 */
SG_API sg_status sg_optimizer_get_state(const sg_optimizer *opt, size_t group, size_t index, const char *name,
                                 sg_tensor **out);
SG_API sg_status sg_optimizer_set_state(sg_optimizer *opt, size_t group, size_t index, const char *name,
                                 const sg_tensor *value);
/** One update of every parameter that has a gradient (parameters without one are skipped), in
    place and without recording. */
SG_API sg_status sg_optimizer_step(sg_optimizer *opt);
/** Clears every parameter's gradient: to none (PyTorch's default) or to zeros. */
SG_API sg_status sg_optimizer_zero_grad(sg_optimizer *opt, bool set_to_none);
/** Releases the optimizer (NULL is a no-op; anything else not live fails with
    SG_ERR_INVALID_HANDLE). */
SG_API sg_status sg_optimizer_free(sg_optimizer *opt);

/* ------------------------------------------------------------------------------------------ */
/* Named tensors and safetensors files                                                       */
/* ------------------------------------------------------------------------------------------ */

/**
 * An opaque handle to named tensors in insertion order with string metadata: what a
 * safetensors file holds, or a model's state_dict. It keeps references to its tensors.
 *
 *     sg_tensor_dict *weights;
 *     sg_tensor_dict_new(&weights);
 *     sg_tensor_dict_set(weights, "fc.weight", w);
 *     sg_save_safetensors(weights, "model.safetensors");
 *     sg_tensor_dict_free(weights);
 *
 * Names are UTF-8 (invalid bytes become U+FFFD); "" and "__metadata__" are refused. A
 * dictionary must not be changed from two threads at once.
 */
typedef struct sg_tensor_dict sg_tensor_dict;

SG_API sg_status sg_tensor_dict_new(sg_tensor_dict **out);
/** Releases the dictionary and its references (NULL is a no-op). */
SG_API sg_status sg_tensor_dict_free(sg_tensor_dict *dict);
/** Adds t as name, or replaces the tensor of that name in place. */
SG_API sg_status sg_tensor_dict_set(sg_tensor_dict *dict, const char *name, const sg_tensor *t);
/** The tensor called name (a new handle); SG_ERR_INVALID_ARGUMENT when there is none. */
SG_API sg_status sg_tensor_dict_get(const sg_tensor_dict *dict, const char *name, sg_tensor **out);
/** The number of tensors, and the name and tensor at index (insertion order; a loaded file's
    entries are in the file's data order). */
SG_API sg_status sg_tensor_dict_count(const sg_tensor_dict *dict, size_t *out);
SG_API sg_status sg_tensor_dict_name(const sg_tensor_dict *dict, size_t index, char *buf, size_t buf_size, size_t *needed);
SG_API sg_status sg_tensor_dict_at(const sg_tensor_dict *dict, size_t index, sg_tensor **out);
/** Sets metadata key to value (a NULL value removes it); safetensors keeps these strings in
    the header's "__metadata__". */
SG_API sg_status sg_tensor_dict_set_metadata(sg_tensor_dict *dict, const char *key, const char *value);
/** The number of metadata entries, the key at index, and the value of key (an error when absent). */
SG_API sg_status sg_tensor_dict_metadata_count(const sg_tensor_dict *dict, size_t *out);
SG_API sg_status sg_tensor_dict_metadata_key(const sg_tensor_dict *dict, size_t index, char *buf, size_t buf_size,
                                      size_t *needed);
SG_API sg_status sg_tensor_dict_metadata(const sg_tensor_dict *dict, const char *key, char *buf, size_t buf_size,
                                  size_t *needed);

/**
 * Writes dict to path in the safetensors format, byte-identical to what the safetensors
 * library writes for the same tensors and metadata (loadable by safetensors.torch.load_file
 * and safetensors.numpy). The file is written under a temporary name and renamed into place.
 * Fails with SG_ERR_IO (and the system's reason) when it cannot be written.
 */
SG_API sg_status sg_save_safetensors(const sg_tensor_dict *dict, const char *path);
/**
 * Reads a safetensors file into a new dictionary (tensors are copies, without grad).
 * SG_ERR_IO when it cannot be read; SG_ERR_FORMAT naming the problem when it is not valid
 * (truncated, bad header, offsets that do not match shapes) or holds dtypes swiftgrad lacks
 * (F32, F64, I64 and BOOL are supported).
 */
SG_API sg_status sg_load_safetensors(const char *path, sg_tensor_dict **out);
/** The same bytes as sg_save_safetensors, into buf (*needed gets the size; buf may be NULL
    with buf_size 0 to ask for it). */
SG_API sg_status sg_safetensors_serialize(const sg_tensor_dict *dict, void *buf, size_t buf_size, size_t *needed);
/** Parses data_bytes bytes of safetensors data, as sg_load_safetensors. */
SG_API sg_status sg_safetensors_deserialize(const void *data, size_t data_bytes, sg_tensor_dict **out);

/* ------------------------------------------------------------------------------------------ */
/* Sharing memory: external buffers and DLPack                                               */
/* ------------------------------------------------------------------------------------------ */

/**
 * A tensor over memory the caller owns, without copying (torch.from_numpy): elements of dtype at
 * data with strides in elements (non-negative; row-major when strides is NULL), data aligned to
 * the element size. Writes through the tensor (and its views) write that memory. The library
 * calls free_data(user_data) exactly once when no tensor uses the memory any more, or before
 * returning when the call fails; free_data may be NULL.
 */
SG_API sg_status sg_tensor_from_blob(void *data, const int64_t *shape, const int64_t *strides, size_t ndim, sg_dtype dtype,
                              sg_free_fn free_data, void *user_data, sg_tensor **out);
/** The address of t's first element (Tensor.data_ptr()), valid while t or a tensor sharing its
    memory is alive; with sg_tensor_strides it describes t's memory for other libraries. */
SG_API sg_status sg_tensor_data_ptr(const sg_tensor *t, void **out);

/*
 * DLPack (https://dmlc.github.io/dlpack), the exchange format of PyTorch, numpy, JAX and
 * others: the structures below are DLPack 1.x's own. If you also include <dlpack/dlpack.h>,
 * include it before this header (its definitions are then used).
 */
#ifndef DLPACK_DLPACK_H_
#define DLPACK_MAJOR_VERSION 1
#define DLPACK_MINOR_VERSION 1
typedef enum { kDLCPU = 1 } DLDeviceType;
typedef struct {
    DLDeviceType device_type;
    int32_t device_id;
} DLDevice;
typedef enum { kDLInt = 0U, kDLUInt = 1U, kDLFloat = 2U, kDLBool = 6U } DLDataTypeCode;
typedef struct {
    uint8_t code;
    uint8_t bits;
    uint16_t lanes;
} DLDataType;
typedef struct {
    void *data;
    DLDevice device;
    int32_t ndim;
    DLDataType dtype;
    int64_t *shape;
    int64_t *strides;
    uint64_t byte_offset;
} DLTensor;
typedef struct DLManagedTensor {
    DLTensor dl_tensor;
    void *manager_ctx;
    void (*deleter)(struct DLManagedTensor *self);
} DLManagedTensor;
typedef struct {
    uint32_t major;
    uint32_t minor;
} DLPackVersion;
#define DLPACK_FLAG_BITMASK_READ_ONLY (1UL << 0UL)
#define DLPACK_FLAG_BITMASK_IS_COPIED (1UL << 1UL)
typedef struct DLManagedTensorVersioned {
    DLPackVersion version;
    void *manager_ctx;
    void (*deleter)(struct DLManagedTensorVersioned *self);
    uint64_t flags;
    DLTensor dl_tensor;
} DLManagedTensorVersioned;
#endif

/**
 * Exports t as a DLPack 1.1 tensor sharing its memory (CPU, shape and strides always given):
 * the consumer calls (*out)->deleter(*out) when done, which releases the library's reference.
 * float32, float64, int64 and bool (kDLBool, 8 bits) map to DLPack dtypes; requires_grad is
 * not carried (export detached tensors, as PyTorch insists).
 */
SG_API sg_status sg_to_dlpack(const sg_tensor *t, DLManagedTensorVersioned **out);
/** The same as a pre-1.0 DLManagedTensor, for consumers that ask for no version. */
SG_API sg_status sg_to_dlpack_unversioned(const sg_tensor *t, DLManagedTensor **out);
/**
 * A tensor over a DLPack tensor's memory, without copying; the library takes ownership of
 * managed and calls its deleter once the memory is no longer used, or before returning when
 * the call fails. Accepted: DLPack major version 1, CPU, float32/64, int64 and bool (kDLBool
 * or 8-bit kDLUInt are not confused: only kDLBool is bool), lanes 1, non-negative strides (NULL
 * means row-major), data aligned to the element size. The READ_ONLY flag is refused (the
 * library cannot promise not to write).
 */
SG_API sg_status sg_from_dlpack(DLManagedTensorVersioned *managed, sg_tensor **out);
/** The same for a pre-1.0 DLManagedTensor. */
SG_API sg_status sg_from_dlpack_unversioned(DLManagedTensor *managed, sg_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTGRAD_H */
