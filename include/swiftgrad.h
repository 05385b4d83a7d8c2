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
    SG_ERR_INTERNAL = 7          /* a bug in swiftgrad; please report the message             */
} sg_status;

/** Element types. Values are explicit and append-only. */
typedef enum sg_dtype {
    SG_FLOAT32 = 0, /* float, the default for floating data              */
    SG_FLOAT64 = 1, /* double                                             */
    SG_INT64 = 2,   /* int64_t                                            */
    SG_BOOL = 3     /* one byte per element: 0 is false, anything else true */
} sg_dtype;

/* ------------------------------------------------------------------------------------------ */
/* Library                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** The loaded library's version as MAJOR * 1000000 + MINOR * 1000 + PATCH. */
uint32_t sg_version(void);

/** The loaded library's version as "MAJOR.MINOR.PATCH"; a static string owned by the library. */
const char *sg_version_string(void);

/**
 * The message of the last failed call on the calling thread, or "" if none has failed yet.
 * Owned by the library; valid until the next failing call on the same thread. Successful calls
 * do not clear it. Never NULL.
 */
const char *sg_last_error(void);

/** The name of a status code ("SG_ERR_SHAPE"), or "SG_UNKNOWN_STATUS". A static string. */
const char *sg_status_string(sg_status status);

/**
 * The number of tensors alive in the library (handles the caller holds, and tensors they keep
 * alive: gradients, graph nodes' saved values). Returns to its earlier value once every handle
 * created since has been freed; leak tests compare it before and after.
 */
int64_t sg_live_tensor_count(void);

/* ------------------------------------------------------------------------------------------ */
/* Creation                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * A new tensor holding a copy of `data`, laid out contiguously in row-major order.
 * `data` must hold numel * element-size bytes (4 for float32, 8 for float64 and int64, 1 for
 * bool); it may be NULL when the tensor has no elements.
 */
sg_status sg_tensor_from_data(const void *data, const int64_t *shape, size_t ndim, sg_dtype dtype,
                              sg_tensor **out);

/** A new tensor of the given shape filled with 0. */
sg_status sg_zeros(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);

/** A new tensor of the given shape filled with 1. */
sg_status sg_ones(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);

/**
 * A new tensor of the given shape filled with `value` (converted to dtype; for int64 the value
 * must be finite and in range, for bool any non-zero value is true). With ndim == 0 this makes a
 * 0-d scalar tensor.
 */
sg_status sg_full(const int64_t *shape, size_t ndim, double value, sg_dtype dtype, sg_tensor **out);

/**
 * The 1-d tensor [start, start + step, ...] of ceil((end - start) / step) values, as
 * torch.arange(start, end, step, dtype=...). step must be non-zero and point from start to end;
 * all three must be finite.
 */
sg_status sg_arange(double start, double end, double step, sg_dtype dtype, sg_tensor **out);

/**
 * A new floating tensor (SG_FLOAT32 or SG_FLOAT64) of standard normal draws from the global
 * generator. The same seed (sg_manual_seed) gives the same draws on every run.
 */
sg_status sg_randn(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_tensor **out);

/** Seeds the global random generator. */
sg_status sg_manual_seed(uint64_t seed);

/**
 * Releases a handle. The tensor itself lives on while other handles, gradients or graphs refer
 * to it. sg_tensor_free(NULL) is a no-op; a handle already freed gives SG_ERR_INVALID_HANDLE.
 */
sg_status sg_tensor_free(sg_tensor *t);

/* ------------------------------------------------------------------------------------------ */
/* Queries                                                                                    */
/* ------------------------------------------------------------------------------------------ */

sg_status sg_tensor_dtype(const sg_tensor *t, sg_dtype *out);
sg_status sg_tensor_ndim(const sg_tensor *t, size_t *out);
sg_status sg_tensor_numel(const sg_tensor *t, int64_t *out);

/**
 * Writes the first min(ndim, capacity) sizes into `dims` and the number of dimensions into
 * *ndim. Call with capacity 0 (dims may then be NULL) to learn ndim; SG_MAX_DIMS always suffices.
 */
sg_status sg_tensor_shape(const sg_tensor *t, int64_t *dims, size_t capacity, size_t *ndim);

/**
 * The value of a one-element tensor as a double (bool gives 0 or 1). A tensor with any other
 * number of elements gives SG_ERR_INVALID_ARGUMENT ("a Tensor with 4 elements cannot be
 * converted to Scalar").
 */
sg_status sg_tensor_item(const sg_tensor *t, double *out);

/**
 * Copies the elements, in row-major order, into `dst` in the tensor's own dtype. dst_bytes must
 * be at least numel * element-size; a smaller buffer gives SG_ERR_INVALID_ARGUMENT and nothing
 * is written.
 */
sg_status sg_tensor_copy_to(const sg_tensor *t, void *dst, size_t dst_bytes);

/** The tensor as PyTorch's repr prints it, e.g. "tensor([0., 1., 2., 3.], requires_grad=True)". */
sg_status sg_tensor_to_string(const sg_tensor *t, char *buf, size_t buf_size, size_t *needed);

/* ------------------------------------------------------------------------------------------ */
/* Autograd                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * Tensor.requires_grad_(requires_grad). Only floating tensors may require gradients
 * (SG_ERR_AUTOGRAD otherwise). On a non-leaf (a tensor computed from tensors that require grad)
 * turning it off is refused with SG_ERR_AUTOGRAD and turning it on is a no-op.
 */
sg_status sg_tensor_set_requires_grad(sg_tensor *t, bool requires_grad);

sg_status sg_tensor_requires_grad(const sg_tensor *t, bool *out);

/** True when the tensor has no grad_fn: it was created by the user, not computed by an op. */
sg_status sg_tensor_is_leaf(const sg_tensor *t, bool *out);

/** The name of the tensor's grad_fn, as PyTorch prints it ("MulBackward0"), or "" if none. */
sg_status sg_tensor_grad_fn_name(const sg_tensor *t, char *buf, size_t buf_size, size_t *needed);

/**
 * A new handle to the gradient accumulated in `t` (Tensor.grad), or *out = NULL (and SG_OK) when
 * there is none. The gradient is shared, not copied: sg_zero_() on it clears t's gradient.
 */
sg_status sg_tensor_grad(const sg_tensor *t, sg_tensor **out);

/**
 * Sets (Tensor.grad = grad) or, with grad == NULL, clears the gradient. The gradient must have
 * t's shape and dtype.
 */
sg_status sg_tensor_set_grad(sg_tensor *t, const sg_tensor *grad);

/** Fills t's accumulated gradient with zeros in place, if it has one; otherwise does nothing. */
sg_status sg_tensor_zero_grad(sg_tensor *t);

/**
 * A new tensor sharing t's storage that is not part of any graph and does not require grad
 * (Tensor.detach()). Writes to either are seen by the other.
 */
sg_status sg_tensor_detach(const sg_tensor *t, sg_tensor **out);

/**
 * Back-propagates from t, accumulating gradients into the leaves that require grad
 * (Tensor.backward(gradient, retain_graph)). With gradient == NULL, t must have exactly one
 * element (the gradient is then 1); otherwise `gradient` must have t's shape. Unless
 * retain_graph, the values the graph saved are freed afterwards, and a second backward through
 * the nodes that saved them gives SG_ERR_AUTOGRAD.
 */
sg_status sg_backward(sg_tensor *t, const sg_tensor *gradient, bool retain_graph);

/**
 * Turns gradient recording on or off for the calling thread (torch.set_grad_enabled) and stores
 * the previous setting in *previous (when not NULL). With recording off, operations produce
 * tensors that do not require grad, as under `with torch.no_grad():`.
 */
sg_status sg_set_grad_enabled(bool enabled, bool *previous);

/** Whether the calling thread records gradients (torch.is_grad_enabled()). */
bool sg_is_grad_enabled(void);

/* ------------------------------------------------------------------------------------------ */
/* Operations. Each returns a new tensor; binary operations broadcast their operands by         */
/* NumPy's rules and promote dtypes as PyTorch does.                                           */
/* ------------------------------------------------------------------------------------------ */

sg_status sg_add(const sg_tensor *a, const sg_tensor *b, sg_tensor **out); /* a + b            */
sg_status sg_sub(const sg_tensor *a, const sg_tensor *b, sg_tensor **out); /* a - b            */
sg_status sg_mul(const sg_tensor *a, const sg_tensor *b, sg_tensor **out); /* a * b            */
sg_status sg_div(const sg_tensor *a, const sg_tensor *b, sg_tensor **out); /* a / b, true div. */
sg_status sg_pow(const sg_tensor *a, const sg_tensor *b, sg_tensor **out); /* a ** b           */

sg_status sg_add_scalar(const sg_tensor *a, double s, sg_tensor **out);  /* a + s  */
sg_status sg_sub_scalar(const sg_tensor *a, double s, sg_tensor **out);  /* a - s  */
sg_status sg_rsub_scalar(const sg_tensor *a, double s, sg_tensor **out); /* s - a  */
sg_status sg_mul_scalar(const sg_tensor *a, double s, sg_tensor **out);  /* a * s  */
sg_status sg_div_scalar(const sg_tensor *a, double s, sg_tensor **out);  /* a / s  */
sg_status sg_rdiv_scalar(const sg_tensor *a, double s, sg_tensor **out); /* s / a  */
sg_status sg_pow_scalar(const sg_tensor *a, double s, sg_tensor **out);  /* a ** s */
sg_status sg_rpow_scalar(const sg_tensor *a, double s, sg_tensor **out); /* s ** a */

sg_status sg_neg(const sg_tensor *a, sg_tensor **out); /* -a        */
sg_status sg_exp(const sg_tensor *a, sg_tensor **out); /* e ** a    */
sg_status sg_log(const sg_tensor *a, sg_tensor **out); /* ln a      */

/** A differentiable copy with its own storage (torch.clone). */
sg_status sg_clone(const sg_tensor *a, sg_tensor **out);

/** The tensor converted to `dtype` (Tensor.to(dtype)); differentiable between floating dtypes. */
sg_status sg_to_dtype(const sg_tensor *a, sg_dtype dtype, sg_tensor **out);

/** torch.dot: the inner product of two 1-d tensors of the same dtype and length. */
sg_status sg_dot(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);

/** The sum of all elements, a 0-d tensor (int64 for integer and bool input). */
sg_status sg_sum(const sg_tensor *a, sg_tensor **out);

/**
 * The sum over the listed dimensions (negative counts from the end; each at most once), keeping
 * them as size 1 when keepdim. As in PyTorch, an empty list (ndims == 0) sums over every
 * dimension. Differentiable (SumBackward1).
 */
sg_status sg_sum_dims(const sg_tensor *a, const int64_t *dims, size_t ndims, bool keepdim,
                      sg_tensor **out);

/** The 2-norm of all elements (Tensor.norm()), a 0-d floating tensor; its gradient at 0 is 0. */
sg_status sg_norm(const sg_tensor *a, sg_tensor **out);

/* Comparisons give bool tensors and are not differentiable. */
sg_status sg_eq(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_status sg_ne(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_status sg_lt(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_status sg_le(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_status sg_gt(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_status sg_ge(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
sg_status sg_eq_scalar(const sg_tensor *a, double s, sg_tensor **out);
sg_status sg_ne_scalar(const sg_tensor *a, double s, sg_tensor **out);
sg_status sg_lt_scalar(const sg_tensor *a, double s, sg_tensor **out);
sg_status sg_le_scalar(const sg_tensor *a, double s, sg_tensor **out);
sg_status sg_gt_scalar(const sg_tensor *a, double s, sg_tensor **out);
sg_status sg_ge_scalar(const sg_tensor *a, double s, sg_tensor **out);

/**
 * Fills t with zeros in place (Tensor.zero_()). Refused with SG_ERR_AUTOGRAD on a leaf that
 * requires grad while grad mode is on, as in PyTorch.
 */
sg_status sg_zero_(sg_tensor *t);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTGRAD_H */
