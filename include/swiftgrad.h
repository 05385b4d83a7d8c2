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
 *                Lists of dimensions or per-dimension values take the same form (at most
 *                SG_MAX_DIMS entries); lists that the rank does not bound (split sizes, split
 *                indices) take `const int64_t *NAME, size_t nNAME` with at most 2^20 entries.
 *   Strings.     Functions that produce text take (char *buf, size_t buf_size, size_t *needed).
 *                They write at most buf_size bytes, always NUL-terminated when buf_size > 0,
 *                truncating if the buffer is too small (that is not an error), and store in
 *                *needed (when needed is not NULL) the number of bytes the whole string needs,
 *                including its NUL. buf may be NULL when buf_size is 0, to ask for the size.
 *   Lists of results. Functions that make a variable number of tensors (sg_split, sg_unbind,
 *                sg_meshgrid, ...) take (sg_tensor **outs, size_t capacity, size_t *count). On
 *                success *count is the number of results and outs[0..count-1] are new handles.
 *                When capacity is too small the call fails with SG_ERR_INVALID_ARGUMENT and sets
 *                *count to the number needed, so the caller can retry; on every failure no entry
 *                of outs is written. count must not be NULL; outs may be NULL when capacity is 0.
 *                At most 2^20 results are made. When such a function also takes a list of
 *                tensors, that list's length is named n<list> (sg_meshgrid's ntensors).
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
    SG_FLOAT32 = 0,  /* float, the default for floating data                */
    SG_FLOAT64 = 1,  /* double                                               */
    SG_INT64 = 2,    /* int64_t                                              */
    SG_BOOL = 3,     /* one byte per element: 0 is false, anything else true */
    SG_FLOAT16 = 4,  /* IEEE half precision, 2 bytes (uint16_t bits)        */
    SG_BFLOAT16 = 5, /* bfloat16: the upper 16 bits of a float (uint16_t)   */
    SG_INT8 = 6,     /* int8_t                                               */
    SG_UINT8 = 7,    /* uint8_t                                              */
    SG_INT16 = 8,    /* int16_t                                              */
    SG_INT32 = 9     /* int32_t                                              */
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

/**
 * The status of the last failed call on the calling thread (the one sg_last_error() describes),
 * or SG_OK if none has failed yet. The returning forms (sg_NAME_r, which return NULL on failure)
 * report their status here.
 */
SG_API sg_status sg_last_status(void);

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

/** An n x m matrix with ones on the diagonal (m < 0: square). */
SG_API sg_status sg_eye(int64_t n, int64_t m, sg_dtype dtype, sg_tensor **out);
/** steps evenly spaced values from start to end inclusive, bit for bit as PyTorch's CPU kernel. */
SG_API sg_status sg_linspace(double start, double end, int64_t steps, sg_dtype dtype, sg_tensor **out);
/** steps values base^x for x evenly spaced from start to end inclusive (torch.logspace). */
SG_API sg_status sg_logspace(double start, double end, int64_t steps, double base, sg_dtype dtype,
                             sg_tensor **out);

/*
 * Random generators (torch.Generator). Every random function takes an sg_generator *; NULL means
 * the default generator, which sg_manual_seed seeds (and which, unseeded, starts from PyTorch's
 * fixed default seed, so that runs are reproducible). A generator is xoshiro256** seeded through
 * splitmix64: the same seed gives the same draws on every run and platform (not PyTorch's draws:
 * its generator is another one). A generator may be shared between threads (it locks).
 */
typedef struct sg_generator sg_generator;

/** A new generator seeded with seed; free it with sg_generator_free. */
SG_API sg_status sg_generator_new(uint64_t seed, sg_generator **out);
/** A new handle to the default generator (free the handle with sg_generator_free). */
SG_API sg_status sg_generator_default(sg_generator **out);
/** Releases a generator handle (NULL is a no-op). */
SG_API sg_status sg_generator_free(sg_generator *g);
/** Restarts g's stream from seed (Generator.manual_seed). */
SG_API sg_status sg_generator_manual_seed(sg_generator *g, uint64_t seed);
/** Seeds g from the system's entropy and writes the seed (Generator.seed). */
SG_API sg_status sg_generator_seed(sg_generator *g, uint64_t *out);
/** The seed g's stream last started from (Generator.initial_seed). */
SG_API sg_status sg_generator_initial_seed(const sg_generator *g, uint64_t *out);
/** g's state as a new uint8 tensor of 40 bytes (Generator.get_state). */
SG_API sg_status sg_generator_get_state(const sg_generator *g, sg_tensor **out);
/** Restores a state sg_generator_get_state gave (Generator.set_state). */
SG_API sg_status sg_generator_set_state(sg_generator *g, const sg_tensor *state);
/** Seeds the default generator (torch.manual_seed). */
SG_API sg_status sg_manual_seed(uint64_t seed);

/** A new handle to the same tensor (not a copy): for keeping a tensor a callback borrowed. */
SG_API sg_status sg_tensor_share(const sg_tensor *t, sg_tensor **out);

/**
 * Releases a handle. The tensor itself lives on while other handles, gradients or graphs refer
 * to it. sg_tensor_free(NULL) is a no-op; a handle already freed gives SG_ERR_INVALID_HANDLE.
 */
SG_API sg_status sg_tensor_free(sg_tensor *t);

/**
 * Releases `count` handles at once, as sg_tensor_free on each entry in order (for bindings
 * that collect the handles their objects dropped and release them in one call). NULL entries
 * are skipped. Every live handle in the array is released even when another entry is not live;
 * the first entry that is not a live tensor handle (already freed, listed twice, foreign) gives
 * SG_ERR_INVALID_HANDLE naming its index. `tensors` may be NULL only when count is 0; a count
 * above 2^20 is SG_ERR_INVALID_ARGUMENT and releases nothing.
 */
SG_API sg_status sg_tensor_free_many(sg_tensor *const *tensors, size_t count);

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
 * The truth of a one-element tensor (torch.is_nonzero, Python's bool(tensor)): nonzero is true,
 * NaN included. No elements or more than one give SG_ERR_INVALID_ARGUMENT ("Boolean value of
 * Tensor with more than one value is ambiguous").
 */
SG_API sg_status sg_tensor_is_nonzero(const sg_tensor *t, bool *out);
/**
 * sg_tensor_is_nonzero as a returning form (see "Returning forms"): 1 or 0, or -1 on failure
 * with sg_last_status() and sg_last_error() set.
 */
SG_API int sg_tensor_is_nonzero_r(const sg_tensor *t);

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

/* ------------------------------------------------------------------------------------------ */
/* Process-wide settings and dtype rules                                                      */
/* ------------------------------------------------------------------------------------------ */

/**
 * The default floating dtype (torch.set_default_dtype / get_default_dtype), SG_FLOAT32 until
 * changed: what a floating number (sg_scalar_double) counts as in type promotion (an int64
 * tensor times 2.5) and the dtype of floating functions of integer and bool tensors (sin, true
 * division). Only floating dtypes (SG_ERR_DTYPE otherwise). Global to the process, as PyTorch's;
 * this header's factories take their dtype explicitly.
 */
SG_API sg_status sg_set_default_dtype(sg_dtype dtype);
SG_API sg_status sg_get_default_dtype(sg_dtype *out);

/** torch.promote_types(a, b): the smallest dtype both convert to without losing their kind. */
SG_API sg_status sg_promote_types(sg_dtype a, sg_dtype b, sg_dtype *out);
/** torch.result_type(a, b): the dtype a binary op of a and b computes in (0-d tensors and
    wrapped numbers from sg_scalar_* count as PyTorch counts them). */
SG_API sg_status sg_result_type(const sg_tensor *a, const sg_tensor *b, sg_dtype *out);
/** torch.can_cast(from, to): whether `from` casts to `to` implicitly (never floating to integral
    or bool, nor anything but bool to bool). */
SG_API sg_status sg_can_cast(sg_dtype from, sg_dtype to, bool *out);

/** The number of threads kernels split large work over (torch.set_num_threads, at least 1; at
    most 64 are used), the machine's cores until set. */
SG_API sg_status sg_set_num_threads(int64_t n);
SG_API int64_t sg_get_num_threads(void);

/** The instruction set the vector kernels (exp, tanh, sigmoid, ...) run with, named as
    torch.backends.cpu.get_cpu_capability() names it: "AVX2" where the library was built with its
    AVX2 kernels and the processor and OS run AVX2 and FMA, else "DEFAULT". Chosen once, at the
    first use; SWIFTGRAD_CPU_CAPABILITY=default in the environment keeps the baseline kernels.
    A static string. */
SG_API const char *sg_cpu_capability(void);

/**
 * How tensors print (torch.set_printoptions): digits after the point, the element count above
 * which a tensor is summarised with "...", the items shown at each end of a summarised
 * dimension, characters per line, and scientific notation (1 on, 0 off, -1 decided by the
 * values). Defaults 4, 1000, 3, 80, -1. Negative counts and a line width below 1 are refused.
 */
SG_API sg_status sg_set_print_options(int64_t precision, int64_t threshold, int64_t edge_items, int64_t line_width,
                                      int64_t sci_mode);
SG_API sg_status sg_get_print_options(int64_t *precision, int64_t *threshold, int64_t *edge_items,
                                      int64_t *line_width, int64_t *sci_mode);

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
/* Random numbers. Every function takes a generator (NULL: the default generator; see             */
/* sg_generator_new). Draws are made in double and converted to the dtype.                        */
/* ---------------------------------------------------------------------------------------------- */

/** Uniform draws in [0, 1) (torch.rand); floating dtypes only. */
SG_API sg_status sg_rand(const int64_t *shape, size_t ndim, sg_dtype dtype, sg_generator *generator,
                         sg_tensor **out);
/** Standard normal draws (torch.randn); floating dtypes only. */
SG_API sg_status sg_randn(const int64_t *shape, size_t ndim, sg_dtype dtype,
                          sg_generator *generator, sg_tensor **out);
/** Uniform integers in [low, high) (torch.randint), converted to dtype. */
SG_API sg_status sg_randint(int64_t low, int64_t high, const int64_t *shape, size_t ndim,
                            sg_dtype dtype, sg_generator *generator, sg_tensor **out);
/**
 * Normal draws with the given mean and standard deviation (std >= 0) (torch.normal(mean, std,
 * size)).
 */
SG_API sg_status sg_normal(double mean, double std, const int64_t *shape, size_t ndim,
                           sg_dtype dtype, sg_generator *generator, sg_tensor **out);
/**
 * Normal draws with elementwise means and standard deviations, tensors or sg_scalar_* numbers
 * broadcast together (torch.normal(mean, std)); no gradient flows to them (zeros, as PyTorch's).
 */
SG_API sg_status sg_normal_tensor(const sg_tensor *mean, const sg_tensor *std,
                                  sg_generator *generator, sg_tensor **out);
/** A random permutation of 0, ..., n - 1 (torch.randperm), int64 unless dtype says otherwise. */
SG_API sg_status sg_randperm(int64_t n, sg_dtype dtype, sg_generator *generator, sg_tensor **out);
/**
 * 1 with probability a (elementwise, in [0, 1]) and 0 otherwise, in a's floating dtype
 * (torch.bernoulli).
 */
SG_API sg_status sg_bernoulli(const sg_tensor *a, sg_generator *generator, sg_tensor **out);
/**
 * num_samples int64 indices drawn from the categorical distribution of each row of weights a (1-d
 * or 2-d) (torch.multinomial).
 */
SG_API sg_status sg_multinomial(const sg_tensor *a, int64_t num_samples, bool replacement,
                                sg_generator *generator, sg_tensor **out);
/** Fills t with uniform draws in [from, to) (Tensor.uniform_); floating t only. */
SG_API sg_status sg_uniform_(sg_tensor *t, double from, double to, sg_generator *generator);
/** Fills t with normal draws (Tensor.normal_); floating t only. */
SG_API sg_status sg_normal_(sg_tensor *t, double mean, double std, sg_generator *generator);
/** Fills t with Cauchy draws (Tensor.cauchy_); floating t only, sigma > 0. */
SG_API sg_status sg_cauchy_(sg_tensor *t, double median, double sigma, sg_generator *generator);
/** Fills t with exponential draws of rate lambd > 0 (Tensor.exponential_); floating t only. */
SG_API sg_status sg_exponential_(sg_tensor *t, double lambd, sg_generator *generator);
/** Fills t with geometric draws (trials up to the first success, 0 < p < 1) (Tensor.geometric_). */
SG_API sg_status sg_geometric_(sg_tensor *t, double p, sg_generator *generator);
/**
 * Fills t with log-normal draws exp(N(mean, std^2)), std > 0 (Tensor.log_normal_); floating t only.
 */
SG_API sg_status sg_log_normal_(sg_tensor *t, double mean, double std, sg_generator *generator);
/**
 * Fills t with uniform integers in [from, to), or without to (NULL) from 0 to the largest integer
 * t's dtype holds exactly (Tensor.random_).
 */
SG_API sg_status sg_random_(sg_tensor *t, int64_t from, const int64_t *to, sg_generator *generator);
/**
 * Fills t with 1 with probability p (a tensor broadcast to t, or an sg_scalar_* number) and 0
 * otherwise (Tensor.bernoulli_).
 */
SG_API sg_status sg_bernoulli_(sg_tensor *t, const sg_tensor *p, sg_generator *generator);

/* ---------------------------------------------------------------------------------------------- */
/* Samplers behind torch.distributions. Each draws in double from a generator (NULL: the default  */
/* generator), element after element in row-major order, and rounds to the input's dtype.         */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Gamma(a, 1) draws by Marsaglia and Tsang's method (torch._standard_gamma), float32 / float64, at
 * least the dtype's smallest normal number; differentiable through the implicit reparameterisation
 * gradient sg_standard_gamma_grad.
 */
SG_API sg_status sg_standard_gamma(const sg_tensor *a, sg_generator *generator, sg_tensor **out);
/**
 * d x / d a for draws x of Gamma(a, 1), -(dF/da) / f, over broadcast operands of one dtype
 * (torch._standard_gamma_grad); not differentiable.
 */
SG_API sg_status sg_standard_gamma_grad(const sg_tensor *a, const sg_tensor *x, sg_tensor **out);
/**
 * Dirichlet(a) draws over the last dimension (torch._sample_dirichlet), float32 / float64,
 * normalised gamma draws kept in [smallest normal, largest value below 1]; not differentiable.
 */
SG_API sg_status sg_sample_dirichlet(const sg_tensor *a, sg_generator *generator, sg_tensor **out);
/**
 * The reparameterisation gradient of Beta(alpha, total - alpha) draws x, -(dF/dalpha) / f / (1 -
 * x), over broadcast operands of one dtype (torch._dirichlet_grad); not differentiable.
 */
SG_API sg_status sg_dirichlet_grad(const sg_tensor *x, const sg_tensor *alpha,
                                   const sg_tensor *total, sg_tensor **out);
/**
 * Binomial(count, prob) draws over broadcast operands of one floating dtype (float32 / float64)
 * (torch.binomial); not differentiable.
 */
SG_API sg_status sg_binomial(const sg_tensor *count, const sg_tensor *prob, sg_generator *generator,
                             sg_tensor **out);
/** Poisson(a) draws, rates >= 0 (torch.poisson); the gradient is zero, as PyTorch's. */
SG_API sg_status sg_poisson(const sg_tensor *a, sg_generator *generator, sg_tensor **out);

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
/**
 * In place (pow_): a = sg_pow(a, b), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_pow_(sg_tensor *a, const sg_tensor *b);
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
/**
 * In place (neg_): a = sg_neg(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_neg_(sg_tensor *a);
/** A differentiable copy with its own storage (torch.clone). */
SG_API sg_status sg_clone(const sg_tensor *a, sg_tensor **out);
/** The tensor converted to `dtype` (Tensor.to(dtype)); differentiable between floating dtypes. */
SG_API sg_status sg_to_dtype(const sg_tensor *a, sg_dtype dtype, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Comparisons: bool results, broadcasting, not differentiable.                                   */
/* ---------------------------------------------------------------------------------------------- */

/** a == b */
SG_API sg_status sg_eq(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/**
 * In place (eq_): a = sg_eq(a, b), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_eq_(sg_tensor *a, const sg_tensor *b);
/** a != b */
SG_API sg_status sg_ne(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/**
 * In place (ne_): a = sg_ne(a, b), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_ne_(sg_tensor *a, const sg_tensor *b);
/** a < b */
SG_API sg_status sg_lt(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/**
 * In place (lt_): a = sg_lt(a, b), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_lt_(sg_tensor *a, const sg_tensor *b);
/** a <= b */
SG_API sg_status sg_le(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/**
 * In place (le_): a = sg_le(a, b), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_le_(sg_tensor *a, const sg_tensor *b);
/** a > b */
SG_API sg_status sg_gt(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/**
 * In place (gt_): a = sg_gt(a, b), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_gt_(sg_tensor *a, const sg_tensor *b);
/** a >= b */
SG_API sg_status sg_ge(const sg_tensor *a, const sg_tensor *b, sg_tensor **out);
/**
 * In place (ge_): a = sg_ge(a, b), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_ge_(sg_tensor *a, const sg_tensor *b);
/** a and other, elementwise: operands read as truth values (nonzero, NaN included, is true). */
SG_API sg_status sg_logical_and(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (logical_and_): a = sg_logical_and(a, other), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_logical_and_(sg_tensor *a, const sg_tensor *other);
/** a or other, elementwise, as sg_logical_and. */
SG_API sg_status sg_logical_or(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (logical_or_): a = sg_logical_or(a, other), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_logical_or_(sg_tensor *a, const sg_tensor *other);
/** a xor other, elementwise, as sg_logical_and. */
SG_API sg_status sg_logical_xor(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (logical_xor_): a = sg_logical_xor(a, other), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_logical_xor_(sg_tensor *a, const sg_tensor *other);
/** not a, elementwise (nonzero is true). */
SG_API sg_status sg_logical_not(const sg_tensor *a, sg_tensor **out);
/**
 * In place (logical_not_): a = sg_logical_not(a), written into a, which keeps its shape and dtype
 * (a result that does not fit is refused).
 */
SG_API sg_status sg_logical_not_(sg_tensor *a);
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
/**
 * In place (exp_): a = sg_exp(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_exp_(sg_tensor *a);
/** The natural logarithm; log(0) = -inf, log of a negative number is nan. */
SG_API sg_status sg_log(const sg_tensor *a, sg_tensor **out);
/**
 * In place (log_): a = sg_log(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_log_(sg_tensor *a);
/** The square root; sqrt'(0) = inf. */
SG_API sg_status sg_sqrt(const sg_tensor *a, sg_tensor **out);
/**
 * In place (sqrt_): a = sg_sqrt(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_sqrt_(sg_tensor *a);
/** 1 / sqrt(a) */
SG_API sg_status sg_rsqrt(const sg_tensor *a, sg_tensor **out);
/**
 * In place (rsqrt_): a = sg_rsqrt(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_rsqrt_(sg_tensor *a);
/** 1 / a */
SG_API sg_status sg_reciprocal(const sg_tensor *a, sg_tensor **out);
/**
 * In place (reciprocal_): a = sg_reciprocal(a), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_reciprocal_(sg_tensor *a);
/** The sine. */
SG_API sg_status sg_sin(const sg_tensor *a, sg_tensor **out);
/**
 * In place (sin_): a = sg_sin(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_sin_(sg_tensor *a);
/** The cosine. */
SG_API sg_status sg_cos(const sg_tensor *a, sg_tensor **out);
/**
 * In place (cos_): a = sg_cos(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_cos_(sg_tensor *a);
/** The hyperbolic tangent. */
SG_API sg_status sg_tanh(const sg_tensor *a, sg_tensor **out);
/**
 * In place (tanh_): a = sg_tanh(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_tanh_(sg_tensor *a);
/** 1 / (1 + e ** -a), stable for large |a|. */
SG_API sg_status sg_sigmoid(const sg_tensor *a, sg_tensor **out);
/**
 * In place (sigmoid_): a = sg_sigmoid(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_sigmoid_(sg_tensor *a);
/** max(a, 0); relu'(0) = 0. */
SG_API sg_status sg_relu(const sg_tensor *a, sg_tensor **out);
/**
 * In place (relu_): a = sg_relu(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_relu_(sg_tensor *a);
/** |a|; abs'(0) = 0. */
SG_API sg_status sg_abs(const sg_tensor *a, sg_tensor **out);
/**
 * In place (abs_): a = sg_abs(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_abs_(sg_tensor *a);
/** -1, 0 or 1 by the sign of each element; its gradient is 0. */
SG_API sg_status sg_sign(const sg_tensor *a, sg_tensor **out);
/**
 * In place (sign_): a = sg_sign(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_sign_(sg_tensor *a);
/** a * a (bool input gives int64, as PyTorch's pow). */
SG_API sg_status sg_square(const sg_tensor *a, sg_tensor **out);
/**
 * In place (square_): a = sg_square(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_square_(sg_tensor *a);
/** log(1 + a), accurate near 0. */
SG_API sg_status sg_log1p(const sg_tensor *a, sg_tensor **out);
/**
 * In place (log1p_): a = sg_log1p(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_log1p_(sg_tensor *a);
/** exp(a) - 1, accurate near 0. */
SG_API sg_status sg_expm1(const sg_tensor *a, sg_tensor **out);
/**
 * In place (expm1_): a = sg_expm1(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_expm1_(sg_tensor *a);
/** The tangent. */
SG_API sg_status sg_tan(const sg_tensor *a, sg_tensor **out);
/**
 * In place (tan_): a = sg_tan(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_tan_(sg_tensor *a);
/** The hyperbolic sine. */
SG_API sg_status sg_sinh(const sg_tensor *a, sg_tensor **out);
/**
 * In place (sinh_): a = sg_sinh(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_sinh_(sg_tensor *a);
/** The hyperbolic cosine. */
SG_API sg_status sg_cosh(const sg_tensor *a, sg_tensor **out);
/**
 * In place (cosh_): a = sg_cosh(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_cosh_(sg_tensor *a);
/** The inverse sine: nan outside [-1, 1]. */
SG_API sg_status sg_asin(const sg_tensor *a, sg_tensor **out);
/**
 * In place (asin_): a = sg_asin(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_asin_(sg_tensor *a);
/** The inverse cosine: nan outside [-1, 1]. */
SG_API sg_status sg_acos(const sg_tensor *a, sg_tensor **out);
/**
 * In place (acos_): a = sg_acos(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_acos_(sg_tensor *a);
/** The inverse tangent. */
SG_API sg_status sg_atan(const sg_tensor *a, sg_tensor **out);
/**
 * In place (atan_): a = sg_atan(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_atan_(sg_tensor *a);
/** The inverse hyperbolic sine. */
SG_API sg_status sg_asinh(const sg_tensor *a, sg_tensor **out);
/**
 * In place (asinh_): a = sg_asinh(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_asinh_(sg_tensor *a);
/** The inverse hyperbolic cosine: nan below 1. */
SG_API sg_status sg_acosh(const sg_tensor *a, sg_tensor **out);
/**
 * In place (acosh_): a = sg_acosh(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_acosh_(sg_tensor *a);
/** The inverse hyperbolic tangent: +-inf at +-1, nan outside. */
SG_API sg_status sg_atanh(const sg_tensor *a, sg_tensor **out);
/**
 * In place (atanh_): a = sg_atanh(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_atanh_(sg_tensor *a);
/** The error function; its gradient is 2 / sqrt(pi) * exp(-a^2). */
SG_API sg_status sg_erf(const sg_tensor *a, sg_tensor **out);
/**
 * In place (erf_): a = sg_erf(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_erf_(sg_tensor *a);
/** 1 - erf(a), accurate where erf is near 1. */
SG_API sg_status sg_erfc(const sg_tensor *a, sg_tensor **out);
/**
 * In place (erfc_): a = sg_erfc(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_erfc_(sg_tensor *a);
/** The base-2 logarithm. */
SG_API sg_status sg_log2(const sg_tensor *a, sg_tensor **out);
/**
 * In place (log2_): a = sg_log2(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_log2_(sg_tensor *a);
/** The base-10 logarithm. */
SG_API sg_status sg_log10(const sg_tensor *a, sg_tensor **out);
/**
 * In place (log10_): a = sg_log10(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_log10_(sg_tensor *a);
/** 2 ** a */
SG_API sg_status sg_exp2(const sg_tensor *a, sg_tensor **out);
/**
 * In place (exp2_): a = sg_exp2(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_exp2_(sg_tensor *a);
/**
 * The largest whole number not above each element (integers are copied; bool is refused); gradient
 * 0.
 */
SG_API sg_status sg_floor(const sg_tensor *a, sg_tensor **out);
/**
 * In place (floor_): a = sg_floor(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_floor_(sg_tensor *a);
/**
 * The smallest whole number not below each element (integers are copied; bool is refused); gradient
 * 0.
 */
SG_API sg_status sg_ceil(const sg_tensor *a, sg_tensor **out);
/**
 * In place (ceil_): a = sg_ceil(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_ceil_(sg_tensor *a);
/** The nearest whole number, halves to even (integers are copied; bool is refused); gradient 0. */
SG_API sg_status sg_round(const sg_tensor *a, sg_tensor **out);
/**
 * In place (round_): a = sg_round(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_round_(sg_tensor *a);
/** The whole part, rounding toward zero (integers are copied; bool is refused); gradient 0. */
SG_API sg_status sg_trunc(const sg_tensor *a, sg_tensor **out);
/**
 * In place (trunc_): a = sg_trunc(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_trunc_(sg_tensor *a);
/**
 * torch.clamp(a, min, max): each bound a tensor (broadcast) or a number from sg_scalar_*; either
 * may be NULL, not both. The dtype promotes a's with the bounds' (an int64 tensor clamped by
 * sg_scalar_int64 bounds stays int64). Gradients as PyTorch's: with number bounds, strictly inside
 * them; with tensor bounds, to whichever of a and the bound the result is (shared at ties).
 */
SG_API sg_status sg_clamp(const sg_tensor *a, const sg_tensor *min, const sg_tensor *max,
                          sg_tensor **out);
/**
 * In place (clamp_): a = sg_clamp(a, min, max), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_clamp_(sg_tensor *a, const sg_tensor *min, const sg_tensor *max);
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
/**
 * In place (masked_fill_): a = sg_masked_fill(a, mask, value), written into a, which keeps its
 * shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_masked_fill_(sg_tensor *a, const sg_tensor *mask, const sg_tensor *value);

/* ---------------------------------------------------------------------------------------------- */
/* More elementwise functions. Binary ones broadcast and promote as the arithmetic ops; an        */
/* operand documented as taking a number takes an sg_scalar_* wrapped number, which selects       */
/* PyTorch's Scalar overload (its node name and gradient). Integer division by zero fails with    */
/* 'ZeroDivisionError', as PyTorch's CPU kernels do.                                              */
/* ---------------------------------------------------------------------------------------------- */

/** The angle of the point (other, a) in (-pi, pi] (torch.atan2); integers compute in float32. */
SG_API sg_status sg_atan2(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (atan2_): a = sg_atan2(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_atan2_(sg_tensor *a, const sg_tensor *other);
/**
 * |a| with the sign of other, a tensor or a number (torch.copysign); integers compute in float32.
 */
SG_API sg_status sg_copysign(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (copysign_): a = sg_copysign(a, other), written into a, which keeps its shape and dtype
 * (a result that does not fit is refused).
 */
SG_API sg_status sg_copysign_(sg_tensor *a, const sg_tensor *other);
/**
 * The elementwise maximum ignoring NaN (torch.fmax): NaN only where both are NaN; ties share the
 * gradient.
 */
SG_API sg_status sg_fmax(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/** The elementwise minimum ignoring NaN (torch.fmin). */
SG_API sg_status sg_fmin(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * The remainder of truncating division, with a's sign (torch.fmod, C's fmod); other a tensor or a
 * number. Integers stay integer.
 */
SG_API sg_status sg_fmod(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (fmod_): a = sg_fmod(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_fmod_(sg_tensor *a, const sg_tensor *other);
/**
 * The remainder of flooring division, with other's sign (torch.remainder, Python's %); either may
 * be a number. Integers stay integer.
 */
SG_API sg_status sg_remainder(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (remainder_): a = sg_remainder(a, other), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_remainder_(sg_tensor *a, const sg_tensor *other);
/**
 * Python's a // other (torch.floor_divide); either may be a number. Integers stay integer; no
 * derivative (backward through it fails, as in PyTorch).
 */
SG_API sg_status sg_floor_divide(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (floor_divide_): a = sg_floor_divide(a, other), written into a, which keeps its shape
 * and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_floor_divide_(sg_tensor *a, const sg_tensor *other);
/**
 * a / other rounded toward zero (torch.div(rounding_mode='trunc')); either may be a number.
 * Integers stay integer; gradient 0.
 */
SG_API sg_status sg_div_trunc(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (div_): a = sg_div_trunc(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_div_trunc_(sg_tensor *a, const sg_tensor *other);
/**
 * a / other rounded down (torch.div(rounding_mode='floor')); either may be a number. Integers stay
 * integer; gradient 0.
 */
SG_API sg_status sg_div_floor(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (div_): a = sg_div_floor(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_div_floor_(sg_tensor *a, const sg_tensor *other);
/** sqrt(a^2 + other^2) without overflow (torch.hypot); floating only. */
SG_API sg_status sg_hypot(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (hypot_): a = sg_hypot(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_hypot_(sg_tensor *a, const sg_tensor *other);
/** The next representable value after a toward other (torch.nextafter); floating only. */
SG_API sg_status sg_nextafter(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (nextafter_): a = sg_nextafter(a, other), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_nextafter_(sg_tensor *a, const sg_tensor *other);
/**
 * The Heaviside step (torch.heaviside): values where a is 0, 1 where positive, 0 where negative.
 * The dtypes must be equal; no derivative.
 */
SG_API sg_status sg_heaviside(const sg_tensor *a, const sg_tensor *values, sg_tensor **out);
/**
 * In place (heaviside_): a = sg_heaviside(a, values), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_heaviside_(sg_tensor *a, const sg_tensor *values);
/** log(e^a + e^other) without overflow (torch.logaddexp); floating only. */
SG_API sg_status sg_logaddexp(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/** log2(2^a + 2^other) without overflow (torch.logaddexp2); floating only. */
SG_API sg_status sg_logaddexp2(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * a * log(other), 0 where a is 0 unless other is NaN (torch.xlogy); either may be a number.
 * Integers compute in float32.
 */
SG_API sg_status sg_xlogy(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (xlogy_): a = sg_xlogy(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_xlogy_(sg_tensor *a, const sg_tensor *other);
/** a ** exponent in float64 (torch.float_power); either may be a number. */
SG_API sg_status sg_float_power(const sg_tensor *a, const sg_tensor *exponent, sg_tensor **out);
/**
 * In place (float_power_): a = sg_float_power(a, exponent), written into a, which keeps its shape
 * and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_float_power_(sg_tensor *a, const sg_tensor *exponent);
/** a * 2^other (torch.ldexp); integers give float32. */
SG_API sg_status sg_ldexp(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (ldexp_): a = sg_ldexp(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_ldexp_(sg_tensor *a, const sg_tensor *other);
/**
 * a + weight * (end - a) (torch.lerp); weight a tensor or a number. end must have a's dtype, and so
 * must a weight with dimensions; a must be floating.
 */
SG_API sg_status sg_lerp(const sg_tensor *a, const sg_tensor *end, const sg_tensor *weight,
                         sg_tensor **out);
/**
 * In place (lerp_): a = sg_lerp(a, end, weight), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_lerp_(sg_tensor *a, const sg_tensor *end, const sg_tensor *weight);
/**
 * a + value * tensor1 * tensor2 (torch.addcmul), the three broadcast and promoted; value is
 * truncated for an integer result.
 */
SG_API sg_status sg_addcmul(const sg_tensor *a, const sg_tensor *tensor1, const sg_tensor *tensor2,
                            double value, sg_tensor **out);
/**
 * In place (addcmul_): a = sg_addcmul(a, tensor1, tensor2, value), written into a, which keeps its
 * shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_addcmul_(sg_tensor *a, const sg_tensor *tensor1, const sg_tensor *tensor2,
                             double value);
/**
 * a + value * tensor1 / tensor2 (torch.addcdiv); refused when tensor1 and tensor2 are both integer,
 * as PyTorch refuses.
 */
SG_API sg_status sg_addcdiv(const sg_tensor *a, const sg_tensor *tensor1, const sg_tensor *tensor2,
                            double value, sg_tensor **out);
/**
 * In place (addcdiv_): a = sg_addcdiv(a, tensor1, tensor2, value), written into a, which keeps its
 * shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_addcdiv_(sg_tensor *a, const sg_tensor *tensor1, const sg_tensor *tensor2,
                             double value);
/** max(a, min), NaN propagating (torch.clamp_min); min a tensor or a number. The dtype promotes. */
SG_API sg_status sg_clamp_min(const sg_tensor *a, const sg_tensor *min, sg_tensor **out);
/**
 * In place (clamp_min_): a = sg_clamp_min(a, min), written into a, which keeps its shape and dtype
 * (a result that does not fit is refused).
 */
SG_API sg_status sg_clamp_min_(sg_tensor *a, const sg_tensor *min);
/** min(a, max), NaN propagating (torch.clamp_max); max a tensor or a number. The dtype promotes. */
SG_API sg_status sg_clamp_max(const sg_tensor *a, const sg_tensor *max, sg_tensor **out);
/**
 * In place (clamp_max_): a = sg_clamp_max(a, max), written into a, which keeps its shape and dtype
 * (a result that does not fit is refused).
 */
SG_API sg_status sg_clamp_max_(sg_tensor *a, const sg_tensor *max);
/**
 * other - alpha * a (torch.rsub); other a tensor or a number, alpha a number (an sg_scalar_*: a
 * float alpha needs a floating result, a bool one a bool result).
 */
SG_API sg_status sg_rsub(const sg_tensor *a, const sg_tensor *other, const sg_tensor *alpha,
                         sg_tensor **out);
/**
 * other / a as PyTorch's Tensor.__rdiv__ computes it, reciprocal(a) * other; other a tensor or a
 * number.
 */
SG_API sg_status sg_rdiv(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/** sin(pi a) / (pi a), 1 at 0 (torch.sinc). */
SG_API sg_status sg_sinc(const sg_tensor *a, sg_tensor **out);
/**
 * In place (sinc_): a = sg_sinc(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_sinc_(sg_tensor *a);
/**
 * log(a / (1 - a)) (torch.logit); with eps (NULL: none; negative: ignored) a is first clamped into
 * [eps, 1 - eps].
 */
SG_API sg_status sg_logit(const sg_tensor *a, const double *eps, sg_tensor **out);
/**
 * In place (logit_): a = sg_logit(a, eps), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_logit_(sg_tensor *a, const double *eps);
/** a - trunc(a) (torch.frac); floating only. */
SG_API sg_status sg_frac(const sg_tensor *a, sg_tensor **out);
/**
 * In place (frac_): a = sg_frac(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_frac_(sg_tensor *a);
/** Degrees to radians (torch.deg2rad). */
SG_API sg_status sg_deg2rad(const sg_tensor *a, sg_tensor **out);
/**
 * In place (deg2rad_): a = sg_deg2rad(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_deg2rad_(sg_tensor *a);
/** Radians to degrees (torch.rad2deg). */
SG_API sg_status sg_rad2deg(const sg_tensor *a, sg_tensor **out);
/**
 * In place (rad2deg_): a = sg_rad2deg(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_rad2deg_(sg_tensor *a);
/**
 * a with NaN, +inf and -inf replaced (torch.nan_to_num); NULL means 0, the dtype's largest and its
 * lowest finite value. Integer tensors are copied.
 */
SG_API sg_status sg_nan_to_num(const sg_tensor *a, const double *nan, const double *posinf,
                               const double *neginf, sg_tensor **out);
/**
 * In place (nan_to_num_): a = sg_nan_to_num(a, nan, posinf, neginf), written into a, which keeps
 * its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_nan_to_num_(sg_tensor *a, const double *nan, const double *posinf,
                                const double *neginf);
/**
 * Whether the sign bit is set (torch.signbit): true for negative numbers, -0.0 and negative NaNs.
 */
SG_API sg_status sg_signbit(const sg_tensor *a, sg_tensor **out);
/** The sign of each element (torch.sgn): -1, 0 or 1, 0 for NaN; bools are copied. */
SG_API sg_status sg_sgn(const sg_tensor *a, sg_tensor **out);
/**
 * In place (sgn_): a = sg_sgn(a), written into a, which keeps its shape and dtype (a result that
 * does not fit is refused).
 */
SG_API sg_status sg_sgn_(sg_tensor *a);
/** Where a is NaN (torch.isnan). */
SG_API sg_status sg_isnan(const sg_tensor *a, sg_tensor **out);
/** Where a is +inf or -inf (torch.isinf). */
SG_API sg_status sg_isinf(const sg_tensor *a, sg_tensor **out);
/** Where a is finite (torch.isfinite). */
SG_API sg_status sg_isfinite(const sg_tensor *a, sg_tensor **out);
/** Where a is +inf (torch.isposinf). */
SG_API sg_status sg_isposinf(const sg_tensor *a, sg_tensor **out);
/** Where a is -inf (torch.isneginf). */
SG_API sg_status sg_isneginf(const sg_tensor *a, sg_tensor **out);
/** Where a is real (torch.isreal): everywhere, for the real dtypes. */
SG_API sg_status sg_isreal(const sg_tensor *a, sg_tensor **out);
/**
 * The argument of each element (torch.angle): pi for negative numbers, 0 otherwise, NaN for NaN;
 * gradient 0.
 */
SG_API sg_status sg_angle(const sg_tensor *a, sg_tensor **out);
/**
 * a rounded to `decimals` decimal places, halves to even (torch.round(decimals=)), as PyTorch's CPU
 * kernel computes it; floating only; gradient 0.
 */
SG_API sg_status sg_round_decimals(const sg_tensor *a, int64_t decimals, sg_tensor **out);
/**
 * In place (round_): a = sg_round_decimals(a, decimals), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_round_decimals_(sg_tensor *a, int64_t decimals);
/** The inverse error function (torch.erfinv): +-inf at +-1, NaN outside [-1, 1]. */
SG_API sg_status sg_erfinv(const sg_tensor *a, sg_tensor **out);
/**
 * In place (erfinv_): a = sg_erfinv(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_erfinv_(sg_tensor *a);
/**
 * a = mantissa * 2^exponent with |mantissa| in [0.5, 1) and an int32 exponent (torch.frexp); 0, inf
 * and NaN are their own mantissa with exponent 0. Floating a only.
 */
SG_API sg_status sg_frexp(const sg_tensor *a, sg_tensor **mantissa, sg_tensor **exponent);

/* ---------------------------------------------------------------------------------------------- */
/* Special functions (torch.special) and window functions (torch.signal.windows)                  */
/* ---------------------------------------------------------------------------------------------- */

/**
 * The digamma function d/dx ln Gamma(x): -inf at +0, +inf at -0, NaN at the negative integers; its
 * gradient is polygamma(1, x).
 */
SG_API sg_status sg_digamma(const sg_tensor *a, sg_tensor **out);
/**
 * In place (digamma_): a = sg_digamma(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_digamma_(sg_tensor *a);
/** ln |Gamma(a)|; its gradient is digamma(a). */
SG_API sg_status sg_lgamma(const sg_tensor *a, sg_tensor **out);
/**
 * In place (lgamma_): a = sg_lgamma(a), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_lgamma_(sg_tensor *a);
/** The n-th derivative of digamma (torch.polygamma(n, a)); n >= 0. */
SG_API sg_status sg_polygamma(const sg_tensor *a, int64_t n, sg_tensor **out);
/**
 * In place (polygamma_): a = sg_polygamma(a, n), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_polygamma_(sg_tensor *a, int64_t n);
/**
 * The multivariate log-gamma function of dimension p >= 1: p(p-1)/4 ln pi + sum over j < p of ln
 * Gamma(a - j/2).
 */
SG_API sg_status sg_mvlgamma(const sg_tensor *a, int64_t p, sg_tensor **out);
/**
 * In place (mvlgamma_): a = sg_mvlgamma(a, p), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_mvlgamma_(sg_tensor *a, int64_t p);
/**
 * The regularized lower incomplete gamma function P(a, other) (torch.special.gammainc); floating
 * operands only; differentiable in other only.
 */
SG_API sg_status sg_igamma(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (igamma_): a = sg_igamma(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_igamma_(sg_tensor *a, const sg_tensor *other);
/**
 * The regularized upper incomplete gamma function Q(a, other) = 1 - P (torch.special.gammaincc); as
 * sg_igamma.
 */
SG_API sg_status sg_igammac(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (igammac_): a = sg_igammac(a, other), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_igammac_(sg_tensor *a, const sg_tensor *other);
/** The modified Bessel function of the first kind of order 0; its gradient is i1(a). */
SG_API sg_status sg_i0(const sg_tensor *a, sg_tensor **out);
/**
 * In place (i0_): a = sg_i0(a), written into a, which keeps its shape and dtype (a result that does
 * not fit is refused).
 */
SG_API sg_status sg_i0_(sg_tensor *a);
/** The exponentially scaled modified Bessel function e^-|a| I0(a). */
SG_API sg_status sg_special_i0e(const sg_tensor *a, sg_tensor **out);
/**
 * The modified Bessel function of the first kind of order 1; its gradient is 1/2 where |a| <=
 * epsilon.
 */
SG_API sg_status sg_special_i1(const sg_tensor *a, sg_tensor **out);
/** The exponentially scaled modified Bessel function e^-|a| I1(a). */
SG_API sg_status sg_special_i1e(const sg_tensor *a, sg_tensor **out);
/** The standard normal distribution function (1 + erf(a / sqrt 2)) / 2. */
SG_API sg_status sg_special_ndtr(const sg_tensor *a, sg_tensor **out);
/**
 * The inverse of the standard normal distribution function: -inf at 0, inf at 1, NaN outside [0,
 * 1].
 */
SG_API sg_status sg_special_ndtri(const sg_tensor *a, sg_tensor **out);
/** log(ndtr(a)), accurate far into the lower tail. */
SG_API sg_status sg_special_log_ndtr(const sg_tensor *a, sg_tensor **out);
/** The scaled complementary error function e^(a^2) erfc(a). */
SG_API sg_status sg_special_erfcx(const sg_tensor *a, sg_tensor **out);
/** -a ln a elementwise: 0 at 0, -inf for negative a. */
SG_API sg_status sg_special_entr(const sg_tensor *a, sg_tensor **out);
/**
 * a * ln(1 + other), 0 where a is 0 unless other is NaN. Either operand may be a wrapped number.
 */
SG_API sg_status sg_special_xlog1py(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * The Hurwitz zeta function zeta(a, other) = sum over k >= 0 of (other + k)^-a; differentiable in
 * other only. Either operand may be a wrapped number.
 */
SG_API sg_status sg_special_zeta(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/** The Airy function Ai (not differentiable). */
SG_API sg_status sg_special_airy_ai(const sg_tensor *a, sg_tensor **out);
/** The Bessel function of the first kind of order 0. */
SG_API sg_status sg_special_bessel_j0(const sg_tensor *a, sg_tensor **out);
/** The Bessel function of the first kind of order 1. */
SG_API sg_status sg_special_bessel_j1(const sg_tensor *a, sg_tensor **out);
/** The Bessel function of the second kind of order 0: -inf at 0, NaN for negative a. */
SG_API sg_status sg_special_bessel_y0(const sg_tensor *a, sg_tensor **out);
/** The Bessel function of the second kind of order 1: -inf at 0, NaN for negative a. */
SG_API sg_status sg_special_bessel_y1(const sg_tensor *a, sg_tensor **out);
/** The modified Bessel function of the first kind of order 0. */
SG_API sg_status sg_special_modified_bessel_i0(const sg_tensor *a, sg_tensor **out);
/** The modified Bessel function of the first kind of order 1. */
SG_API sg_status sg_special_modified_bessel_i1(const sg_tensor *a, sg_tensor **out);
/** The modified Bessel function of the second kind of order 0: inf at 0, NaN for negative a. */
SG_API sg_status sg_special_modified_bessel_k0(const sg_tensor *a, sg_tensor **out);
/** The modified Bessel function of the second kind of order 1: inf at 0, NaN for negative a. */
SG_API sg_status sg_special_modified_bessel_k1(const sg_tensor *a, sg_tensor **out);
/** e^a K0(a) (not differentiable). */
SG_API sg_status sg_special_scaled_modified_bessel_k0(const sg_tensor *a, sg_tensor **out);
/** e^a K1(a) (not differentiable). */
SG_API sg_status sg_special_scaled_modified_bessel_k1(const sg_tensor *a, sg_tensor **out);
/** The spherical Bessel function of the first kind of order 0, sin(a) / a (not differentiable). */
SG_API sg_status sg_special_spherical_bessel_j0(const sg_tensor *a, sg_tensor **out);
/**
 * The Chebyshev polynomial of the first kind T_n(x), n truncated toward zero (0 for negative n;
 * degrees above 2^24 refused); not differentiable. Either operand may be a wrapped number.
 */
SG_API sg_status sg_special_chebyshev_polynomial_t(const sg_tensor *x, const sg_tensor *n,
                                                   sg_tensor **out);
/** The Chebyshev polynomial of the second kind U_n(x); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_chebyshev_polynomial_u(const sg_tensor *x, const sg_tensor *n,
                                                   sg_tensor **out);
/** The Chebyshev polynomial of the third kind V_n(x); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_chebyshev_polynomial_v(const sg_tensor *x, const sg_tensor *n,
                                                   sg_tensor **out);
/** The Chebyshev polynomial of the fourth kind W_n(x); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_chebyshev_polynomial_w(const sg_tensor *x, const sg_tensor *n,
                                                   sg_tensor **out);
/** The shifted Chebyshev polynomial T_n(2x - 1); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_shifted_chebyshev_polynomial_t(const sg_tensor *x, const sg_tensor *n,
                                                           sg_tensor **out);
/** The shifted Chebyshev polynomial U_n(2x - 1); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_shifted_chebyshev_polynomial_u(const sg_tensor *x, const sg_tensor *n,
                                                           sg_tensor **out);
/** The shifted Chebyshev polynomial V_n(2x - 1); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_shifted_chebyshev_polynomial_v(const sg_tensor *x, const sg_tensor *n,
                                                           sg_tensor **out);
/** The shifted Chebyshev polynomial W_n(2x - 1); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_shifted_chebyshev_polynomial_w(const sg_tensor *x, const sg_tensor *n,
                                                           sg_tensor **out);
/**
 * The physicists' Hermite polynomial H_n(x): NaN above degree 128 (float32) or 512 (float64); not
 * differentiable.
 */
SG_API sg_status sg_special_hermite_polynomial_h(const sg_tensor *x, const sg_tensor *n,
                                                 sg_tensor **out);
/** The probabilists' Hermite polynomial He_n(x); as sg_special_hermite_polynomial_h. */
SG_API sg_status sg_special_hermite_polynomial_he(const sg_tensor *x, const sg_tensor *n,
                                                  sg_tensor **out);
/** The Laguerre polynomial L_n(x); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_laguerre_polynomial_l(const sg_tensor *x, const sg_tensor *n,
                                                  sg_tensor **out);
/** The Legendre polynomial P_n(x); as sg_special_chebyshev_polynomial_t. */
SG_API sg_status sg_special_legendre_polynomial_p(const sg_tensor *x, const sg_tensor *n,
                                                  sg_tensor **out);
/**
 * The Bartlett (triangular) window of length M >= 0 in float32 or float64; sym false gives the
 * periodic window.
 */
SG_API sg_status sg_window_bartlett(int64_t M, bool sym, sg_dtype dtype, sg_tensor **out);
/** The Blackman window 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N); as sg_window_bartlett. */
SG_API sg_status sg_window_blackman(int64_t M, bool sym, sg_dtype dtype, sg_tensor **out);
/** The cosine (sine) window sin(pi (n + 1/2) / M); as sg_window_bartlett. */
SG_API sg_status sg_window_cosine(int64_t M, bool sym, sg_dtype dtype, sg_tensor **out);
/**
 * The exponential window exp(-|n - center| / tau), tau > 0; center (NULL: the middle) only for
 * periodic windows; as sg_window_bartlett.
 */
SG_API sg_status sg_window_exponential(int64_t M, const double *center, double tau, bool sym,
                                       sg_dtype dtype, sg_tensor **out);
/** The Gaussian window of standard deviation std > 0; as sg_window_bartlett. */
SG_API sg_status sg_window_gaussian(int64_t M, double std, bool sym, sg_dtype dtype,
                                    sg_tensor **out);
/**
 * The general cosine window sum over i of (-1)^i a[i] cos(2 pi i n / N), its coefficients a 1-d
 * tensor (non-empty when M > 1); as sg_window_bartlett.
 */
SG_API sg_status sg_window_general_cosine(int64_t M, const sg_tensor *a, bool sym, sg_dtype dtype,
                                          sg_tensor **out);
/** The general Hamming window alpha - (1 - alpha) cos(2 pi n / N); as sg_window_bartlett. */
SG_API sg_status sg_window_general_hamming(int64_t M, double alpha, bool sym, sg_dtype dtype,
                                           sg_tensor **out);
/** The Hamming window (general Hamming with alpha 0.54); as sg_window_bartlett. */
SG_API sg_status sg_window_hamming(int64_t M, bool sym, sg_dtype dtype, sg_tensor **out);
/** The Hann window sin^2(pi n / N); as sg_window_bartlett. */
SG_API sg_status sg_window_hann(int64_t M, bool sym, sg_dtype dtype, sg_tensor **out);
/**
 * The Kaiser window I0(beta sqrt(1 - (2n/N - 1)^2)) / I0(beta), beta >= 0; as sg_window_bartlett.
 */
SG_API sg_status sg_window_kaiser(int64_t M, double beta, bool sym, sg_dtype dtype,
                                  sg_tensor **out);
/** Nuttall's minimum 4-term Blackman-Harris window; as sg_window_bartlett. */
SG_API sg_status sg_window_nuttall(int64_t M, bool sym, sg_dtype dtype, sg_tensor **out);

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
/* Shapes: splitting, joining, repeating, flipping, diagonals, copies of views. Functions that    */
/* make several tensors write them through outs[capacity] and *count (see "Lists of results").    */
/* Views share the input's storage, as in PyTorch; *_copy functions and the others return new     */
/* storage.                                                                                       */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Views of split_size elements along dim, the last smaller when the size does not divide
 * (torch.split(x, 2)); split_size may be 0 only for an empty dimension.
 */
SG_API sg_status sg_split(const sg_tensor *a, int64_t split_size, int64_t dim, sg_tensor **outs,
                          size_t capacity, size_t *count);
/**
 * Views of the given sizes along dim, which must sum to its size (torch.split(x, [1, 3]),
 * split_with_sizes).
 */
SG_API sg_status sg_split_with_sizes(const sg_tensor *a, const int64_t *split_sizes,
                                     size_t nsplit_sizes, int64_t dim, sg_tensor **outs,
                                     size_t capacity, size_t *count);
/** sg_split whose pieces autograd does not treat as views of a (torch.unsafe_split). */
SG_API sg_status sg_unsafe_split(const sg_tensor *a, int64_t split_size, int64_t dim,
                                 sg_tensor **outs, size_t capacity, size_t *count);
/**
 * sg_split_with_sizes whose pieces autograd does not treat as views of a
 * (torch.unsafe_split_with_sizes).
 */
SG_API sg_status sg_unsafe_split_with_sizes(const sg_tensor *a, const int64_t *split_sizes,
                                            size_t nsplit_sizes, int64_t dim, sg_tensor **outs,
                                            size_t capacity, size_t *count);
/** sg_split_with_sizes with each piece a copy (torch.split_with_sizes_copy). */
SG_API sg_status sg_split_with_sizes_copy(const sg_tensor *a, const int64_t *split_sizes,
                                          size_t nsplit_sizes, int64_t dim, sg_tensor **outs,
                                          size_t capacity, size_t *count);
/**
 * At most chunks views of equal size along dim (ceil(size / chunks) each, the last smaller)
 * (torch.chunk); chunks must be positive.
 */
SG_API sg_status sg_chunk(const sg_tensor *a, int64_t chunks, int64_t dim, sg_tensor **outs,
                          size_t capacity, size_t *count);
/** sg_chunk whose pieces autograd does not treat as views of a (torch.unsafe_chunk). */
SG_API sg_status sg_unsafe_chunk(const sg_tensor *a, int64_t chunks, int64_t dim, sg_tensor **outs,
                                 size_t capacity, size_t *count);
/**
 * sections views along dim whose sizes differ by at most one, the larger first
 * (torch.tensor_split(x, 3)).
 */
SG_API sg_status sg_tensor_split(const sg_tensor *a, int64_t sections, int64_t dim,
                                 sg_tensor **outs, size_t capacity, size_t *count);
/**
 * Views along dim cut before each index, as the Python slices [:i0], [i0:i1], ..., [ik:]
 * (torch.tensor_split(x, [1, 3])).
 */
SG_API sg_status sg_tensor_split_indices(const sg_tensor *a, const int64_t *indices,
                                         size_t nindices, int64_t dim, sg_tensor **outs,
                                         size_t capacity, size_t *count);
/**
 * sg_tensor_split (a 0-d int64 tensor of sections) or sg_tensor_split_indices (a 1-d int64 tensor
 * of indices).
 */
SG_API sg_status sg_tensor_split_tensor(const sg_tensor *a, const sg_tensor *indices_or_sections,
                                        int64_t dim, sg_tensor **outs, size_t capacity,
                                        size_t *count);
/**
 * sections equal views along dimension 1 (0 for a 1-d tensor), whose size they must divide
 * (torch.hsplit).
 */
SG_API sg_status sg_hsplit(const sg_tensor *a, int64_t sections, sg_tensor **outs, size_t capacity,
                           size_t *count);
/** sg_tensor_split_indices along dimension 1 (0 for a 1-d tensor) (torch.hsplit(x, [1, 3])). */
SG_API sg_status sg_hsplit_indices(const sg_tensor *a, const int64_t *indices, size_t nindices,
                                   sg_tensor **outs, size_t capacity, size_t *count);
/** sections equal views along dimension 0 of a tensor of 2 or more dimensions (torch.vsplit). */
SG_API sg_status sg_vsplit(const sg_tensor *a, int64_t sections, sg_tensor **outs, size_t capacity,
                           size_t *count);
/**
 * sg_tensor_split_indices along dimension 0 of a tensor of 2 or more dimensions (torch.vsplit(x,
 * [1, 3])).
 */
SG_API sg_status sg_vsplit_indices(const sg_tensor *a, const int64_t *indices, size_t nindices,
                                   sg_tensor **outs, size_t capacity, size_t *count);
/** sections equal views along dimension 2 of a tensor of 3 or more dimensions (torch.dsplit). */
SG_API sg_status sg_dsplit(const sg_tensor *a, int64_t sections, sg_tensor **outs, size_t capacity,
                           size_t *count);
/**
 * sg_tensor_split_indices along dimension 2 of a tensor of 3 or more dimensions (torch.dsplit(x,
 * [1, 3])).
 */
SG_API sg_status sg_dsplit_indices(const sg_tensor *a, const int64_t *indices, size_t nindices,
                                   sg_tensor **outs, size_t capacity, size_t *count);
/** The views a.select(dim, i) for every i (torch.unbind). */
SG_API sg_status sg_unbind(const sg_tensor *a, int64_t dim, sg_tensor **outs, size_t capacity,
                           size_t *count);
/** sg_unbind with each slice a copy (torch.unbind_copy). */
SG_API sg_status sg_unbind_copy(const sg_tensor *a, int64_t dim, sg_tensor **outs, size_t capacity,
                                size_t *count);
/** The elements in reverse order along each of dims (torch.flip); a copy. */
SG_API sg_status sg_flip(const sg_tensor *a, const int64_t *dims, size_t ndims, sg_tensor **out);
/**
 * Columns in reverse order: sg_flip along dimension 1 of a tensor of 2 or more dimensions
 * (torch.fliplr).
 */
SG_API sg_status sg_fliplr(const sg_tensor *a, sg_tensor **out);
/** Rows in reverse order: sg_flip along dimension 0 (torch.flipud). */
SG_API sg_status sg_flipud(const sg_tensor *a, sg_tensor **out);
/**
 * The elements shifted by shifts[i] along dims[i], those pushed past the end coming back at the
 * start (torch.roll); with no dims, the flattened tensor shifted by the one shift.
 */
SG_API sg_status sg_roll(const sg_tensor *a, const int64_t *shifts, size_t nshifts,
                         const int64_t *dims, size_t ndims, sg_tensor **out);
/**
 * The tensor rotated by 90 degrees k times in the plane of the two dims, from the first towards the
 * second (torch.rot90); a copy.
 */
SG_API sg_status sg_rot90(const sg_tensor *a, int64_t k, const int64_t *dims, size_t ndims,
                          sg_tensor **out);
/**
 * The lower triangle of the last two dimensions (column <= row + diagonal), zeros elsewhere
 * (torch.tril).
 */
SG_API sg_status sg_tril(const sg_tensor *a, int64_t diagonal, sg_tensor **out);
/**
 * In place (tril_): a = sg_tril(a, diagonal), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_tril_(sg_tensor *a, int64_t diagonal);
/**
 * The upper triangle of the last two dimensions (column >= row + diagonal), zeros elsewhere
 * (torch.triu).
 */
SG_API sg_status sg_triu(const sg_tensor *a, int64_t diagonal, sg_tensor **out);
/**
 * In place (triu_): a = sg_triu(a, diagonal), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_triu_(sg_tensor *a, int64_t diagonal);
/**
 * A view of the elements (i, i + offset) of dim1 and dim2, which it drops, as its last dimension
 * (torch.diagonal); offset > 0 is above the main diagonal.
 */
SG_API sg_status sg_diagonal(const sg_tensor *a, int64_t offset, int64_t dim1, int64_t dim2,
                             sg_tensor **out);
/** sg_diagonal as a copy (torch.diagonal_copy). */
SG_API sg_status sg_diagonal_copy(const sg_tensor *a, int64_t offset, int64_t dim1, int64_t dim2,
                                  sg_tensor **out);
/**
 * A tensor with one more dimension whose diagonals offset in the plane of its dims dim1 and dim2
 * hold a's last dimension, zeros elsewhere (torch.diag_embed).
 */
SG_API sg_status sg_diag_embed(const sg_tensor *a, int64_t offset, int64_t dim1, int64_t dim2,
                               sg_tensor **out);
/**
 * A 1-d tensor as the diagonal of a square matrix, or the diagonal of a matrix as a 1-d copy
 * (torch.diag).
 */
SG_API sg_status sg_diag(const sg_tensor *a, int64_t diagonal, sg_tensor **out);
/** The flattened tensor as the diagonal offset of a square matrix (torch.diagflat). */
SG_API sg_status sg_diagflat(const sg_tensor *a, int64_t offset, sg_tensor **out);
/**
 * A copy of a with src written on its diagonal (as sg_diagonal picks it) (torch.diagonal_scatter).
 */
SG_API sg_status sg_diagonal_scatter(const sg_tensor *a, const sg_tensor *src, int64_t offset,
                                     int64_t dim1, int64_t dim2, sg_tensor **out);
/** A copy of a with src written at index along dim (torch.select_scatter). */
SG_API sg_status sg_select_scatter(const sg_tensor *a, const sg_tensor *src, int64_t dim,
                                   int64_t index, sg_tensor **out);
/**
 * A copy of a with src written into the slice start:end:step of dim (NULL bounds: the ends)
 * (torch.slice_scatter).
 */
SG_API sg_status sg_slice_scatter(const sg_tensor *a, const sg_tensor *src, int64_t dim,
                                  const int64_t *start, const int64_t *end, int64_t step,
                                  sg_tensor **out);
/**
 * A view of a's storage with these sizes, strides and offset in elements (NULL: a's own offset)
 * (torch.as_strided). The view must lie inside the storage (SG_ERR_INVALID_ARGUMENT otherwise);
 * strides must not be negative.
 */
SG_API sg_status sg_as_strided(const sg_tensor *a, const int64_t *size, size_t ndim,
                               const int64_t *stride, size_t nstride, const int64_t *storage_offset,
                               sg_tensor **out);
/** sg_as_strided as a copy (torch.as_strided_copy). */
SG_API sg_status sg_as_strided_copy(const sg_tensor *a, const int64_t *size, size_t ndim,
                                    const int64_t *stride, size_t nstride,
                                    const int64_t *storage_offset, sg_tensor **out);
/**
 * A contiguous copy of a with src written through the layout size/stride/storage_offset (NULL: 0)
 * of the copy's storage (torch.as_strided_scatter).
 */
SG_API sg_status sg_as_strided_scatter(const sg_tensor *a, const sg_tensor *src,
                                       const int64_t *size, size_t ndim, const int64_t *stride,
                                       size_t nstride, const int64_t *storage_offset,
                                       sg_tensor **out);
/**
 * Copies of a side by side, repeats[i] along dimension i; a longer repeats adds leading dimensions
 * (Tensor.repeat).
 */
SG_API sg_status sg_repeat(const sg_tensor *a, const int64_t *repeats, size_t ndim,
                           sg_tensor **out);
/** sg_repeat with dims padded with leading 1s to a's number of dimensions (torch.tile). */
SG_API sg_status sg_tile(const sg_tensor *a, const int64_t *dims, size_t ndim, sg_tensor **out);
/**
 * Each element repeats times in a row along dim (NULL: of the flattened tensor)
 * (torch.repeat_interleave(x, 2)); output_size, when given, must be the result's size along dim.
 */
SG_API sg_status sg_repeat_interleave(const sg_tensor *a, int64_t repeats, const int64_t *dim,
                                      const int64_t *output_size, sg_tensor **out);
/**
 * Element i repeated repeats[i] times along dim (NULL: of the flattened tensor); repeats is int64,
 * 1-d of the size along dim or of one element (torch.repeat_interleave(x, r)).
 */
SG_API sg_status sg_repeat_interleave_tensor(const sg_tensor *a, const sg_tensor *repeats,
                                             const int64_t *dim, const int64_t *output_size,
                                             sg_tensor **out);
/**
 * For 1-d int64 counts, each index i repeated repeats[i] times, as int64
 * (torch.repeat_interleave(repeats)).
 */
SG_API sg_status sg_repeat_interleave_indices(const sg_tensor *repeats, const int64_t *output_size,
                                              sg_tensor **out);
/**
 * The Kronecker product: block (i, j, ...) is a[i, j, ...] * other, the shorter shape padded with
 * leading 1s (torch.kron).
 */
SG_API sg_status sg_kron(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * A view with dimensions source moved to positions destination, the others in their order
 * (torch.movedim).
 */
SG_API sg_status sg_movedim(const sg_tensor *a, const int64_t *source, size_t nsource,
                            const int64_t *destination, size_t ndestination, sg_tensor **out);
/** sg_expand under PyTorch's broadcasting name (torch.broadcast_to). */
SG_API sg_status sg_broadcast_to(const sg_tensor *a, const int64_t *size, size_t ndim,
                                 sg_tensor **out);
/**
 * The tensors expanded (as views) to their common broadcast shape; those that have it are returned
 * as they are (torch.broadcast_tensors).
 */
SG_API sg_status sg_broadcast_tensors(const sg_tensor *const *tensors, size_t ntensors,
                                      sg_tensor **outs, size_t capacity, size_t *count);
/** a itself, or a 0-d tensor as shape [1] (torch.atleast_1d). */
SG_API sg_status sg_atleast_1d(const sg_tensor *a, sg_tensor **out);
/** a itself with at least 2 dimensions: 0-d as [1, 1], a vector as a row (torch.atleast_2d). */
SG_API sg_status sg_atleast_2d(const sg_tensor *a, sg_tensor **out);
/**
 * a itself with at least 3 dimensions: 0-d as [1, 1, 1], a vector of n as [1, n, 1], a matrix as
 * [m, n, 1] (torch.atleast_3d).
 */
SG_API sg_status sg_atleast_3d(const sg_tensor *a, sg_tensor **out);
/**
 * The elements as a 1-d tensor: a view when a is contiguous, else of a contiguous copy
 * (torch.ravel).
 */
SG_API sg_status sg_ravel(const sg_tensor *a, sg_tensor **out);
/**
 * A view with dimension dim split into sizes, whose product must be its size; one may be -1
 * (torch.unflatten).
 */
SG_API sg_status sg_unflatten(const sg_tensor *a, int64_t dim, const int64_t *sizes, size_t ndim,
                              sg_tensor **out);
/**
 * A view without those of dims that have size 1 (torch.squeeze(x, (0, 2))); an empty list removes
 * nothing.
 */
SG_API sg_status sg_squeeze_dims(const sg_tensor *a, const int64_t *dims, size_t ndims,
                                 sg_tensor **out);
/**
 * The transpose of a matrix, a 0-d or 1-d tensor as it is (Tensor.t); more dimensions are refused.
 */
SG_API sg_status sg_t(const sg_tensor *a, sg_tensor **out);
/**
 * The conjugate transpose of a matrix, for real tensors its transpose (Tensor.H); only 2-d tensors.
 */
SG_API sg_status sg_h(const sg_tensor *a, sg_tensor **out);
/** A view with the last two dimensions swapped (Tensor.mT); at least 2 dimensions. */
SG_API sg_status sg_mt(const sg_tensor *a, sg_tensor **out);
/** The conjugate of sg_mt, for real tensors the same (Tensor.mH, torch.adjoint). */
SG_API sg_status sg_adjoint(const sg_tensor *a, sg_tensor **out);
/**
 * a summed to size, which must broadcast to a's shape (Tensor.sum_to_size); a itself when it has
 * that shape.
 */
SG_API sg_status sg_sum_to_size(const sg_tensor *a, const int64_t *size, size_t ndim,
                                sg_tensor **out);
/** a itself (torch.positive, unary plus); refused for bool tensors, as PyTorch. */
SG_API sg_status sg_positive(const sg_tensor *a, sg_tensor **out);
/**
 * A view of every window of size elements along dimension, step apart: the windows along dimension
 * and a new last dimension of size size (Tensor.unfold).
 */
SG_API sg_status sg_unfold(const sg_tensor *a, int64_t dimension, int64_t size, int64_t step,
                           sg_tensor **out);
/** The tensors joined column-wise: 1-d ones end to end, others along dimension 1 (torch.hstack). */
SG_API sg_status sg_hstack(const sg_tensor *const *tensors, size_t count, sg_tensor **out);
/** The tensors, made at least 2-d, joined along dimension 0 (torch.vstack, torch.row_stack). */
SG_API sg_status sg_vstack(const sg_tensor *const *tensors, size_t count, sg_tensor **out);
/** The tensors, made at least 3-d, joined along dimension 2 (torch.dstack). */
SG_API sg_status sg_dstack(const sg_tensor *const *tensors, size_t count, sg_tensor **out);
/**
 * The tensors as columns (0-d and 1-d ones as single columns) joined along dimension 1
 * (torch.column_stack).
 */
SG_API sg_status sg_column_stack(const sg_tensor *const *tensors, size_t count, sg_tensor **out);
/**
 * Coordinate grids of 0-d or 1-d tensors of one dtype, as expanded views: the k-th varies along
 * dimension k (indexing "ij"), or with xy the first two dimensions are swapped (indexing "xy")
 * (torch.meshgrid).
 */
SG_API sg_status sg_meshgrid(const sg_tensor *const *tensors, size_t ntensors, bool xy,
                             sg_tensor **outs, size_t capacity, size_t *count);
/**
 * A block-diagonal matrix of tensors of at most 2 dimensions (0-d as 1x1, 1-d as a row), zeros
 * elsewhere; dtypes promote (torch.block_diag).
 */
SG_API sg_status sg_block_diag(const sg_tensor *const *tensors, size_t count, sg_tensor **out);
/**
 * Every combination of one element of each 1-d tensor, as rows (torch.cartesian_prod); one tensor
 * is returned as it is.
 */
SG_API sg_status sg_cartesian_prod(const sg_tensor *const *tensors, size_t count, sg_tensor **out);
/**
 * Every combination of r elements of a 1-d tensor in lexicographic order of positions, as rows;
 * with_replacement allows repeats (torch.combinations).
 */
SG_API sg_status sg_combinations(const sg_tensor *a, int64_t r, bool with_replacement,
                                 sg_tensor **out);
/** sg_expand as a copy (torch.expand_copy). */
SG_API sg_status sg_expand_copy(const sg_tensor *a, const int64_t *size, size_t ndim,
                                sg_tensor **out);
/** A copy of a (torch.alias_copy). */
SG_API sg_status sg_alias_copy(const sg_tensor *a, sg_tensor **out);
/** length elements from start along dim, as a copy (torch.narrow_copy); start may be negative. */
SG_API sg_status sg_narrow_copy(const sg_tensor *a, int64_t dim, int64_t start, int64_t length,
                                sg_tensor **out);
/** sg_view as a copy (torch.view_copy). */
SG_API sg_status sg_view_copy(const sg_tensor *a, const int64_t *size, size_t ndim,
                              sg_tensor **out);
/** sg_permute as a copy (torch.permute_copy). */
SG_API sg_status sg_permute_copy(const sg_tensor *a, const int64_t *dims, size_t ndims,
                                 sg_tensor **out);
/** sg_squeeze as a copy (torch.squeeze_copy). */
SG_API sg_status sg_squeeze_copy(const sg_tensor *a, sg_tensor **out);
/** sg_squeeze_dim as a copy (torch.squeeze_copy(x, dim)). */
SG_API sg_status sg_squeeze_copy_dim(const sg_tensor *a, int64_t dim, sg_tensor **out);
/** sg_squeeze_dims as a copy (torch.squeeze_copy(x, (0, 2))). */
SG_API sg_status sg_squeeze_copy_dims(const sg_tensor *a, const int64_t *dims, size_t ndims,
                                      sg_tensor **out);
/** sg_unsqueeze as a copy (torch.unsqueeze_copy). */
SG_API sg_status sg_unsqueeze_copy(const sg_tensor *a, int64_t dim, sg_tensor **out);
/** sg_transpose as a copy (torch.transpose_copy). */
SG_API sg_status sg_transpose_copy(const sg_tensor *a, int64_t dim0, int64_t dim1, sg_tensor **out);
/** sg_t as a copy (torch.t_copy). */
SG_API sg_status sg_t_copy(const sg_tensor *a, sg_tensor **out);
/** sg_unfold as a copy (torch.unfold_copy). */
SG_API sg_status sg_unfold_copy(const sg_tensor *a, int64_t dimension, int64_t size, int64_t step,
                                sg_tensor **out);

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
/* More reductions, scans, sorting and searching. Dimensions follow the reductions' conventions   */
/* (negative from the end; an empty dims list means every dimension). Values selected along a     */
/* dimension (sort, topk, kthvalue, median, mode, cummax, cummin) come with the int64 index of    */
/* each, PyTorch's among equal values, and send their gradient to it. Functions with two outputs  */
/* return new handles through both; both are NULL on failure. Indices and counts are int64 (int32 */
/* where out_int32 asks for it).                                                                  */
/* ---------------------------------------------------------------------------------------------- */

/** Running sums along dim (torch.cumsum); int64 for integer and bool input. */
SG_API sg_status sg_cumsum(const sg_tensor *a, int64_t dim, sg_tensor **out);
/**
 * In place (cumsum_): a = sg_cumsum(a, dim), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_cumsum_(sg_tensor *a, int64_t dim);
/**
 * Running products along dim (torch.cumprod); int64 for integer and bool input; exact gradients
 * where the input has zeros.
 */
SG_API sg_status sg_cumprod(const sg_tensor *a, int64_t dim, sg_tensor **out);
/**
 * In place (cumprod_): a = sg_cumprod(a, dim), written into a, which keeps its shape and dtype (a
 * result that does not fit is refused).
 */
SG_API sg_status sg_cumprod_(sg_tensor *a, int64_t dim);
/**
 * The running maximum along dim and the index where each was reached (a later equal element or NaN
 * takes over).
 */
SG_API sg_status sg_cummax(const sg_tensor *a, int64_t dim, sg_tensor **values,
                           sg_tensor **indices);
/** The running minimum along dim and the index where each was reached, as sg_cummax. */
SG_API sg_status sg_cummin(const sg_tensor *a, int64_t dim, sg_tensor **values,
                           sg_tensor **indices);
/** log(cumsum(exp(a))) along dim, computed stably; floating input only. */
SG_API sg_status sg_logcumsumexp(const sg_tensor *a, int64_t dim, sg_tensor **out);
/**
 * The n-th forward difference along dim after prepend and append (either may be NULL) are
 * concatenated (torch.diff); logical xor for bool.
 */
SG_API sg_status sg_diff(const sg_tensor *a, int64_t n, int64_t dim, const sg_tensor *prepend,
                         const sg_tensor *append, sg_tensor **out);
/**
 * Whether any element over dim is non-zero (NaN counts), a bool tensor (uint8 for uint8 input, as
 * PyTorch).
 */
SG_API sg_status sg_any(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                        sg_tensor **out);
/** Whether every element over dim is non-zero, a bool tensor (uint8 for uint8 input). */
SG_API sg_status sg_all(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                        sg_tensor **out);
/** The number of non-zero elements over dim, int64. */
SG_API sg_status sg_count_nonzero(const sg_tensor *a, const int64_t *dim, size_t ndim,
                                  sg_tensor **out);
/**
 * The sum over dim treating NaN as zero; int64 for integer and bool input; NaN elements get no
 * gradient.
 */
SG_API sg_status sg_nansum(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                           sg_tensor **out);
/** The mean over dim of the elements that are not NaN (NaN where all are); floating input only. */
SG_API sg_status sg_nanmean(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                            sg_tensor **out);
/**
 * The minimum (through values) and the maximum (through indices) along *dim, or of every element
 * when dim is NULL; ties share the gradient evenly.
 */
SG_API sg_status sg_aminmax(const sg_tensor *a, const int64_t *dim, bool keepdim,
                            sg_tensor **values, sg_tensor **indices);
/** The variance (through values, as sg_var) and the mean (through indices) over dim. */
SG_API sg_status sg_var_mean(const sg_tensor *a, const int64_t *dim, size_t ndim, double correction,
                             bool keepdim, sg_tensor **values, sg_tensor **indices);
/** The standard deviation (through values, as sg_std) and the mean (through indices) over dim. */
SG_API sg_status sg_std_mean(const sg_tensor *a, const int64_t *dim, size_t ndim, double correction,
                             bool keepdim, sg_tensor **values, sg_tensor **indices);
/**
 * The median of all elements (the lower middle one for an even count), a 0-d tensor; NaN if any
 * element is NaN or the tensor is empty; tied elements share the gradient.
 */
SG_API sg_status sg_median(const sg_tensor *a, sg_tensor **out);
/** The median along dim and its index (the first NaN of a lane that has one). */
SG_API sg_status sg_median_dim(const sg_tensor *a, int64_t dim, bool keepdim, sg_tensor **values,
                               sg_tensor **indices);
/** The median of the elements that are not NaN, a 0-d tensor (NaN when all are). */
SG_API sg_status sg_nanmedian(const sg_tensor *a, sg_tensor **out);
/** The median along dim ignoring NaN, and its index. */
SG_API sg_status sg_nanmedian_dim(const sg_tensor *a, int64_t dim, bool keepdim, sg_tensor **values,
                                  sg_tensor **indices);
/** The most frequent value along dim (the smallest of those tied) and an index of it. */
SG_API sg_status sg_mode(const sg_tensor *a, int64_t dim, bool keepdim, sg_tensor **values,
                         sg_tensor **indices);
/** The k-th smallest element along dim (k from 1; NaN largest) and its index. */
SG_API sg_status sg_kthvalue(const sg_tensor *a, int64_t k, int64_t dim, bool keepdim,
                             sg_tensor **values, sg_tensor **indices);
/**
 * The k largest (or smallest) elements along dim and their indices, in order when sorted; NaN
 * largest.
 */
SG_API sg_status sg_topk(const sg_tensor *a, int64_t k, int64_t dim, bool largest, bool sorted,
                         sg_tensor **values, sg_tensor **indices);
/**
 * The elements sorted along dim and their original indices; NaN last (first when descending); equal
 * elements in their order when stable, in PyTorch's otherwise.
 */
SG_API sg_status sg_sort(const sg_tensor *a, int64_t dim, bool descending, bool stable,
                         sg_tensor **values, sg_tensor **indices);
/** The indices that sort the elements along dim, as sg_sort's. */
SG_API sg_status sg_argsort(const sg_tensor *a, int64_t dim, bool descending, bool stable,
                            sg_tensor **out);
/** The elements sorted along the first dimension (torch.msort). */
SG_API sg_status sg_msort(const sg_tensor *a, sg_tensor **out);
/**
 * The q-th quantiles (q a 0-d or 1-d tensor of a's dtype, or a wrapped number, in [0, 1]) along
 * *dim, or of every element when dim is NULL; a 1-d q adds a leading dimension. interpolation: 0
 * linear, 1 lower, 2 higher, 3 midpoint, 4 nearest. NaN in a lane gives NaN.
 */
SG_API sg_status sg_quantile(const sg_tensor *a, const sg_tensor *q, const int64_t *dim,
                             bool keepdim, int64_t interpolation, sg_tensor **out);
/** As sg_quantile, ignoring NaN (NaN for a lane that is all NaN). */
SG_API sg_status sg_nanquantile(const sg_tensor *a, const sg_tensor *q, const int64_t *dim,
                                bool keepdim, int64_t interpolation, sg_tensor **out);
/** The p-norm of a - other (broadcast), as sg_norm_dims over every dimension. */
SG_API sg_status sg_dist(const sg_tensor *a, const sg_tensor *other, double p, sg_tensor **out);
/**
 * Each slice along dim whose p-norm (p > 0) exceeds maxnorm scaled to norm maxnorm (by maxnorm /
 * (norm + 1e-7), as PyTorch).
 */
SG_API sg_status sg_renorm(const sg_tensor *a, double p, int64_t dim, double maxnorm,
                           sg_tensor **out);
/**
 * In place (renorm_): a = sg_renorm(a, p, dim, maxnorm), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_renorm_(sg_tensor *a, double p, int64_t dim, double maxnorm);
/** The sum of the main diagonal of a matrix; int64 for integer input. */
SG_API sg_status sg_trace(const sg_tensor *a, sg_tensor **out);
/**
 * The sorted distinct elements of a (flattened), or its distinct slices along *dim in lexicographic
 * order, then the inverse indices when return_inverse and the counts when return_counts (1 to 3
 * results; sorted even when sorted is false, as PyTorch's CPU kernel). NaN is distinct from
 * everything.
 */
SG_API sg_status sg_unique(const sg_tensor *a, bool sorted, bool return_inverse, bool return_counts,
                           const int64_t *dim, sg_tensor **outs, size_t capacity, size_t *count);
/**
 * The elements (slices along *dim) with consecutive repeats collapsed, then the inverse indices and
 * counts when asked for, as sg_unique.
 */
SG_API sg_status sg_unique_consecutive(const sg_tensor *a, bool return_inverse, bool return_counts,
                                       const int64_t *dim, sg_tensor **outs, size_t capacity,
                                       size_t *count);
/**
 * The histogram of a's elements in bins equal bins over [min, max] (the data's range when min ==
 * max), in a's floating dtype; elements outside are ignored.
 */
SG_API sg_status sg_histc(const sg_tensor *a, int64_t bins, double min, double max,
                          sg_tensor **out);
/**
 * The bins + 1 equal-width edges torch.histogram(dd) uses for column dim of a 2-d (M, N) tensor:
 * over [*min, *max], or the column's range when both are NULL (widened by 0.5 each way when empty).
 */
SG_API sg_status sg_histogram_bin_edges(const sg_tensor *a, int64_t dim, int64_t bins,
                                        const double *min, const double *max, sg_tensor **out);
/**
 * The histogram of the rows of a (M rows of its last dimension, N) over N increasing 1-d edge
 * tensors, each row adding its weight (NULL: 1); with density, divided by the total and the bin
 * volumes.
 */
SG_API sg_status sg_histogramdd(const sg_tensor *a, const sg_tensor *const *bins, size_t count,
                                const sg_tensor *weight, bool density, sg_tensor **out);
/**
 * For each element the index of its bucket in the sorted 1-d boundaries (first boundary >= it; >
 * when right), int64 (int32 when out_int32).
 */
SG_API sg_status sg_bucketize(const sg_tensor *a, const sg_tensor *boundaries, bool out_int32,
                              bool right, sg_tensor **out);
/**
 * For each value the insertion index into the last dimension of sorted_sequence (1-d, or one row
 * per leading index of values) that keeps it sorted; sorter (may be NULL) holds the indices that
 * sort it. int64 (int32 when out_int32), values' shape.
 */
SG_API sg_status sg_searchsorted(const sg_tensor *sorted_sequence, const sg_tensor *values,
                                 bool out_int32, bool right, const sg_tensor *sorter,
                                 sg_tensor **out);
/**
 * Whether each of elements is in test_elements (negated when invert), a bool tensor of elements'
 * shape; NaN is never found.
 */
SG_API sg_status sg_isin(const sg_tensor *elements, const sg_tensor *test_elements,
                         bool assume_unique, bool invert, sg_tensor **out);
/**
 * torch.masked.sum: the sum over dim of the elements where the bool mask (broadcast to a; NULL:
 * all) is true.
 */
SG_API sg_status sg_masked_sum(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                               const sg_tensor *mask, sg_tensor **out);
/** torch.masked.prod: the product over dim of the masked-in elements. */
SG_API sg_status sg_masked_prod(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                                const sg_tensor *mask, sg_tensor **out);
/**
 * torch.masked.amax: the largest masked-in element over dim (-inf, or the lowest integer, where
 * none is).
 */
SG_API sg_status sg_masked_amax(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                                const sg_tensor *mask, sg_tensor **out);
/** torch.masked.amin: the smallest masked-in element over dim. */
SG_API sg_status sg_masked_amin(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                                const sg_tensor *mask, sg_tensor **out);
/**
 * torch.masked.argmax: the index of the largest masked-in element along *dim (flattened when NULL),
 * in a's dtype as PyTorch returns it.
 */
SG_API sg_status sg_masked_argmax(const sg_tensor *a, const int64_t *dim, bool keepdim,
                                  const sg_tensor *mask, sg_tensor **out);
/** torch.masked.argmin: the index of the smallest masked-in element along *dim, in a's dtype. */
SG_API sg_status sg_masked_argmin(const sg_tensor *a, const int64_t *dim, bool keepdim,
                                  const sg_tensor *mask, sg_tensor **out);
/**
 * torch.masked.mean: the mean over dim of the masked-in elements (NaN where there are none);
 * floating input only.
 */
SG_API sg_status sg_masked_mean(const sg_tensor *a, const int64_t *dim, size_t ndim, bool keepdim,
                                const sg_tensor *mask, sg_tensor **out);
/**
 * torch.masked.median: the median along dim of the masked-in elements (NaN where there are none).
 */
SG_API sg_status sg_masked_median(const sg_tensor *a, int64_t dim, bool keepdim,
                                  const sg_tensor *mask, sg_tensor **out);
/**
 * torch.masked.logsumexp: log(sum(exp)) over dim of the masked-in elements (-inf where there are
 * none).
 */
SG_API sg_status sg_masked_logsumexp(const sg_tensor *a, const int64_t *dim, size_t ndim,
                                     bool keepdim, const sg_tensor *mask, sg_tensor **out);
/** torch.masked.norm: the vector ord-norm over dim of the masked-in elements. */
SG_API sg_status sg_masked_norm(const sg_tensor *a, double ord, const int64_t *dim, size_t ndim,
                                bool keepdim, const sg_tensor *mask, sg_tensor **out);
/**
 * torch.masked.var: the variance over dim of the masked-in elements, divided by max(0, count -
 * correction).
 */
SG_API sg_status sg_masked_var(const sg_tensor *a, const int64_t *dim, size_t ndim,
                               double correction, bool keepdim, const sg_tensor *mask,
                               sg_tensor **out);
/** torch.masked.std: the standard deviation over dim of the masked-in elements. */
SG_API sg_status sg_masked_std(const sg_tensor *a, const int64_t *dim, size_t ndim,
                               double correction, bool keepdim, const sg_tensor *mask,
                               sg_tensor **out);
/** torch.masked.cumsum: running sums along dim of the masked-in elements. */
SG_API sg_status sg_masked_cumsum(const sg_tensor *a, int64_t dim, const sg_tensor *mask,
                                  sg_tensor **out);
/** torch.masked.cumprod: running products along dim of the masked-in elements. */
SG_API sg_status sg_masked_cumprod(const sg_tensor *a, int64_t dim, const sg_tensor *mask,
                                   sg_tensor **out);
/** torch.masked.softmax: softmax along dim over the masked-in elements (0 at the others). */
SG_API sg_status sg_masked_softmax(const sg_tensor *a, int64_t dim, const sg_tensor *mask,
                                   sg_tensor **out);
/** torch.masked.log_softmax: log_softmax along dim over the masked-in elements. */
SG_API sg_status sg_masked_log_softmax(const sg_tensor *a, int64_t dim, const sg_tensor *mask,
                                       sg_tensor **out);
/** torch.masked.softmin: softmin along dim over the masked-in elements. */
SG_API sg_status sg_masked_softmin(const sg_tensor *a, int64_t dim, const sg_tensor *mask,
                                   sg_tensor **out);
/**
 * torch.masked.normalize: the masked-in elements divided by their ord-norm along dim (at least
 * eps), 0 elsewhere.
 */
SG_API sg_status sg_masked_normalize(const sg_tensor *a, double ord, int64_t dim, double eps,
                                     const sg_tensor *mask, sg_tensor **out);
/**
 * torch.masked.logaddexp: log(exp(a) + exp(other)), broadcast, each operand's masked-out elements
 * taken as -inf.
 */
SG_API sg_status sg_masked_logaddexp(const sg_tensor *a, const sg_tensor *other,
                                     const sg_tensor *input_mask, const sg_tensor *other_mask,
                                     sg_tensor **out);

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
/* torch.linalg: decompositions, solvers, norms (LAPACK from OpenBLAS)                            */
/* ---------------------------------------------------------------------------------------------- */

/** torch.linalg.det: determinants of square matrices [..., n, n] (float32/float64). */
SG_API sg_status sg_linalg_det(const sg_tensor *a, sg_tensor **out);
/** torch.linalg.slogdet: (sign, log|det|) of square matrices. */
SG_API sg_status sg_linalg_slogdet(const sg_tensor *a, sg_tensor **outs, size_t capacity,
                                   size_t *count);
/** torch.logdet: log det A; NaN for a negative determinant, -inf for zero. */
SG_API sg_status sg_logdet(const sg_tensor *a, sg_tensor **out);
/**
 * torch.linalg.inv: inverses of square matrices; a singular matrix is an error (PyTorch's
 * LinAlgError message).
 */
SG_API sg_status sg_linalg_inv(const sg_tensor *a, sg_tensor **out);
/**
 * torch.linalg.inv_ex: (inverse, info); info > 0 marks a singular matrix (its inverse is then NaN)
 * unless check_errors raises.
 */
SG_API sg_status sg_linalg_inv_ex(const sg_tensor *a, bool check_errors, sg_tensor **outs,
                                  size_t capacity, size_t *count);
/**
 * torch.linalg.solve: X with A X = B (left) or X A = B; B may be a (batch of) vector(s); batches
 * broadcast.
 */
SG_API sg_status sg_linalg_solve(const sg_tensor *a, const sg_tensor *B, bool left,
                                 sg_tensor **out);
/** torch.linalg.solve_ex: (solution, info). */
SG_API sg_status sg_linalg_solve_ex(const sg_tensor *a, const sg_tensor *B, bool left,
                                    bool check_errors, sg_tensor **outs, size_t capacity,
                                    size_t *count);
/**
 * torch.linalg.solve_triangular: X with A X = B (left) or X A = B for triangular A (only its upper
 * or lower triangle is read).
 */
SG_API sg_status sg_linalg_solve_triangular(const sg_tensor *a, const sg_tensor *B, bool upper,
                                            bool left, bool unitriangular, sg_tensor **out);
/**
 * torch.linalg.cholesky: L with A = L L^T (U = L^T when upper); not positive-definite is an error.
 */
SG_API sg_status sg_linalg_cholesky(const sg_tensor *a, bool upper, sg_tensor **out);
/**
 * torch.linalg.cholesky_ex: (L, info); info > 0 is the order of the leading minor that is not
 * positive-definite.
 */
SG_API sg_status sg_linalg_cholesky_ex(const sg_tensor *a, bool upper, bool check_errors,
                                       sg_tensor **outs, size_t capacity, size_t *count);
/** torch.linalg.qr: (Q, R) by geqrf/orgqr; mode 0 'reduced', 1 'complete', 2 'r' (Q empty). */
SG_API sg_status sg_linalg_qr(const sg_tensor *a, int64_t mode, sg_tensor **outs, size_t capacity,
                              size_t *count);
/** torch.linalg.svd: (U, S, Vh) by gesdd, S descending. */
SG_API sg_status sg_linalg_svd(const sg_tensor *a, bool full_matrices, sg_tensor **outs,
                               size_t capacity, size_t *count);
/** torch.linalg.svdvals: singular values, descending. */
SG_API sg_status sg_linalg_svdvals(const sg_tensor *a, sg_tensor **out);
/**
 * torch.linalg.eigh: (eigenvalues ascending, eigenvectors) of symmetric matrices by syevd, reading
 * the lower (or upper) triangle.
 */
SG_API sg_status sg_linalg_eigh(const sg_tensor *a, bool upper, sg_tensor **outs, size_t capacity,
                                size_t *count);
/** torch.linalg.eigvalsh: eigenvalues of symmetric matrices, ascending. */
SG_API sg_status sg_linalg_eigvalsh(const sg_tensor *a, bool upper, sg_tensor **out);
/**
 * torch.linalg.lu_factor_ex: (LU, pivots, info) by getrf; pivots 1-based; pivots and info int32.
 */
SG_API sg_status sg_linalg_lu_factor_ex(const sg_tensor *a, bool pivot, bool check_errors,
                                        sg_tensor **outs, size_t capacity, size_t *count);
/** torch.linalg.lu: (P, L, U) with A = P L U. */
SG_API sg_status sg_linalg_lu(const sg_tensor *a, bool pivot, sg_tensor **outs, size_t capacity,
                              size_t *count);
/**
 * torch.lu_unpack: (P, L, U) of a packed LU and its pivots (int32 or int64); empty P or L, U when
 * not unpacked.
 */
SG_API sg_status sg_lu_unpack(const sg_tensor *LU_data, const sg_tensor *LU_pivots,
                              bool unpack_data, bool unpack_pivots, sg_tensor **outs,
                              size_t capacity, size_t *count);
/** torch.linalg.lu_solve: X with A X = B (or A^T X = B, X A = B, ...) from A's LU factorization. */
SG_API sg_status sg_linalg_lu_solve(const sg_tensor *LU, const sg_tensor *pivots,
                                    const sg_tensor *B, bool left, bool adjoint, sg_tensor **out);
/**
 * torch.linalg.diagonal: the diagonals of [..., m, n] as a view (the diagonal is the last
 * dimension).
 */
SG_API sg_status sg_linalg_diagonal(const sg_tensor *a, int64_t offset, int64_t dim1, int64_t dim2,
                                    sg_tensor **out);
/**
 * torch.linalg.vector_norm: (sum |x|^ord)^(1/ord) over dim (every dimension when empty); ord may be
 * 0, +-inf or any real.
 */
SG_API sg_status sg_linalg_vector_norm(const sg_tensor *a, double ord, const int64_t *dim,
                                       size_t ndim, bool keepdim, sg_tensor **out);
/** torch.linalg.matrix_norm for a numeric ord (+-1, +-2, +-inf) over the two dimensions dim. */
SG_API sg_status sg_linalg_matrix_norm(const sg_tensor *a, double ord, const int64_t *dim,
                                       size_t ndim, bool keepdim, sg_tensor **out);
/** torch.linalg.matrix_norm for ord 0 'fro' or 1 'nuc' over the two dimensions dim. */
SG_API sg_status sg_linalg_matrix_norm_str(const sg_tensor *a, int64_t ord, const int64_t *dim,
                                           size_t ndim, bool keepdim, sg_tensor **out);
/** torch.linalg.cond: condition numbers for a numeric p (NULL: 2, from the singular values). */
SG_API sg_status sg_linalg_cond(const sg_tensor *a, const double *p, sg_tensor **out);
/** torch.linalg.cond for p 0 'fro' or 1 'nuc'. */
SG_API sg_status sg_linalg_cond_str(const sg_tensor *a, int64_t p, sg_tensor **out);
/**
 * torch.linalg.pinv: the pseudo-inverse (singular values at most max(atol, rtol * largest) dropped;
 * atol and rtol NULL, 0-d or of the batch shape).
 */
SG_API sg_status sg_linalg_pinv(const sg_tensor *a, const sg_tensor *atol, const sg_tensor *rtol,
                                bool hermitian, sg_tensor **out);
/**
 * torch.linalg.matrix_rank: the number of singular values above max(atol, rtol * largest), int64.
 */
SG_API sg_status sg_linalg_matrix_rank(const sg_tensor *a, const sg_tensor *atol,
                                       const sg_tensor *rtol, bool hermitian, sg_tensor **out);
/**
 * torch.linalg.lstsq: (solution, residuals, rank, singular_values); driver 0 gelsy (default), 1
 * gels, 2 gelsd, 3 gelss.
 */
SG_API sg_status sg_linalg_lstsq(const sg_tensor *a, const sg_tensor *b, const double *rcond,
                                 int64_t driver, sg_tensor **outs, size_t capacity, size_t *count);
/** torch.linalg.matrix_power: A^n for integer n (negative: of the inverse). */
SG_API sg_status sg_linalg_matrix_power(const sg_tensor *a, int64_t n, sg_tensor **out);
/**
 * torch.linalg.multi_dot: the chained product of matrices (the first may be a row, the last a
 * column vector).
 */
SG_API sg_status sg_linalg_multi_dot(const sg_tensor *const *tensors, size_t count,
                                     sg_tensor **out);
/** torch.linalg.vecdot: dot products along dim, broadcasting. */
SG_API sg_status sg_linalg_vecdot(const sg_tensor *a, const sg_tensor *y, int64_t dim,
                                  sg_tensor **out);
/** torch.linalg.vander: [..., n] -> [..., n, N], column j holding x^j (N NULL: n). */
SG_API sg_status sg_linalg_vander(const sg_tensor *a, const int64_t *N, sg_tensor **out);
/**
 * torch.linalg.tensorinv: the inverse of A seen as a matrix of shape [prod(shape[:ind]),
 * prod(shape[ind:])].
 */
SG_API sg_status sg_linalg_tensorinv(const sg_tensor *a, int64_t ind, sg_tensor **out);
/**
 * torch.linalg.tensorsolve: X with tensordot(A, X) = B, dims of A moved last first (none: as is).
 */
SG_API sg_status sg_linalg_tensorsolve(const sg_tensor *a, const sg_tensor *b, const int64_t *dims,
                                       size_t ndims, sg_tensor **out);
/** torch.linalg.matrix_exp: the matrix exponential. */
SG_API sg_status sg_linalg_matrix_exp(const sg_tensor *a, sg_tensor **out);
/**
 * torch.linalg.householder_product: the first n columns of the product of the Householder
 * reflectors in A's columns and tau.
 */
SG_API sg_status sg_linalg_householder_product(const sg_tensor *a, const sg_tensor *tau,
                                               sg_tensor **out);
/** torch.geqrf: LAPACK's packed QR (a, tau). */
SG_API sg_status sg_geqrf(const sg_tensor *a, sg_tensor **outs, size_t capacity, size_t *count);
/**
 * torch.ormqr: input3 multiplied by the Q of geqrf's (input, input2), from the left or right,
 * transposed or not.
 */
SG_API sg_status sg_ormqr(const sg_tensor *a, const sg_tensor *input2, const sg_tensor *input3,
                          bool left, bool transpose, sg_tensor **out);
/**
 * torch.cholesky_solve: X = (L L^T)^{-1} B for B = input and the Cholesky factor L = input2 (U^T U
 * when upper).
 */
SG_API sg_status sg_cholesky_solve(const sg_tensor *a, const sg_tensor *input2, bool upper,
                                   sg_tensor **out);
/** torch.cholesky_inverse: (L L^T)^{-1} from the Cholesky factor L (U^T U when upper). */
SG_API sg_status sg_cholesky_inverse(const sg_tensor *a, bool upper, sg_tensor **out);
/**
 * torch.triangular_solve: (solution of A X = b, a copy of A) for triangular A (transposed when
 * transpose).
 */
SG_API sg_status sg_triangular_solve(const sg_tensor *a, const sg_tensor *A, bool upper,
                                     bool transpose, bool unitriangular, sg_tensor **outs,
                                     size_t capacity, size_t *count);
/** torch.cdist: p-norm distances between the rows of [..., P, M] and [..., R, M]: [..., P, R]. */
SG_API sg_status sg_cdist(const sg_tensor *x1, const sg_tensor *x2, double p, sg_tensor **out);
/** torch.addmm: beta input + alpha mat1 @ mat2 (input ignored when beta is 0). */
SG_API sg_status sg_addmm(const sg_tensor *a, const sg_tensor *mat1, const sg_tensor *mat2,
                          double beta, double alpha, sg_tensor **out);
/**
 * In place (addmm_): a = sg_addmm(a, mat1, mat2, beta, alpha), written into a, which keeps its
 * shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_addmm_(sg_tensor *a, const sg_tensor *mat1, const sg_tensor *mat2, double beta,
                           double alpha);
/** torch.addmv: beta input + alpha mat @ vec. */
SG_API sg_status sg_addmv(const sg_tensor *a, const sg_tensor *mat, const sg_tensor *vec,
                          double beta, double alpha, sg_tensor **out);
/**
 * In place (addmv_): a = sg_addmv(a, mat, vec, beta, alpha), written into a, which keeps its shape
 * and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_addmv_(sg_tensor *a, const sg_tensor *mat, const sg_tensor *vec, double beta,
                           double alpha);
/** torch.addbmm: beta input + alpha sum_i batch1[i] @ batch2[i]. */
SG_API sg_status sg_addbmm(const sg_tensor *a, const sg_tensor *batch1, const sg_tensor *batch2,
                           double beta, double alpha, sg_tensor **out);
/**
 * In place (addbmm_): a = sg_addbmm(a, batch1, batch2, beta, alpha), written into a, which keeps
 * its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_addbmm_(sg_tensor *a, const sg_tensor *batch1, const sg_tensor *batch2,
                            double beta, double alpha);
/** torch.baddbmm: beta input + alpha batch1 @ batch2, per batch. */
SG_API sg_status sg_baddbmm(const sg_tensor *a, const sg_tensor *batch1, const sg_tensor *batch2,
                            double beta, double alpha, sg_tensor **out);
/**
 * In place (baddbmm_): a = sg_baddbmm(a, batch1, batch2, beta, alpha), written into a, which keeps
 * its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_baddbmm_(sg_tensor *a, const sg_tensor *batch1, const sg_tensor *batch2,
                             double beta, double alpha);
/** torch.addr: beta input + alpha outer(vec1, vec2). */
SG_API sg_status sg_addr(const sg_tensor *a, const sg_tensor *vec1, const sg_tensor *vec2,
                         double beta, double alpha, sg_tensor **out);
/**
 * In place (addr_): a = sg_addr(a, vec1, vec2, beta, alpha), written into a, which keeps its shape
 * and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_addr_(sg_tensor *a, const sg_tensor *vec1, const sg_tensor *vec2, double beta,
                          double alpha);
/** torch.vdot: the dot product of two 1-d tensors. */
SG_API sg_status sg_vdot(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * torch.linalg.matrix_sqrth: the symmetric square root of symmetric positive-definite matrices
 * (lower triangle read).
 */
SG_API sg_status sg_linalg_matrix_sqrth(const sg_tensor *a, sg_tensor **out);
/**
 * torch.linalg.polar: (U, H) with A = U H, U with orthonormal columns, H symmetric positive-
 * semidefinite.
 */
SG_API sg_status sg_linalg_polar(const sg_tensor *a, sg_tensor **outs, size_t capacity,
                                 size_t *count);
/**
 * torch.linalg.ldl_factor_ex: (LD, pivots, info) of symmetric matrices by Bunch-Kaufman (sytrf,
 * lower triangle); pivots and info int32.
 */
SG_API sg_status sg_linalg_ldl_factor_ex(const sg_tensor *a, bool hermitian, bool check_errors,
                                         sg_tensor **outs, size_t capacity, size_t *count);
/** torch.linalg.ldl_solve: X with A X = B from ldl_factor's LD and pivots (int32 or int64). */
SG_API sg_status sg_linalg_ldl_solve(const sg_tensor *LD, const sg_tensor *pivots,
                                     const sg_tensor *B, bool hermitian, sg_tensor **out);

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
/**
 * In place (scatter_add_): a = sg_scatter_add(a, dim, index, src), written into a, which keeps its
 * shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_scatter_add_(sg_tensor *a, int64_t dim, const sg_tensor *index,
                                 const sg_tensor *src);
/** The int64 coordinates of the non-zero elements, [count, ndim] (torch.nonzero). */
SG_API sg_status sg_nonzero(const sg_tensor *a, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* More indexing, scattering and contractions. Index tensors are int64 and are checked before any */
/* element is read or written: a value out of range gives SG_ERR_INVALID_ARGUMENT with PyTorch's  */
/* message. Repeated indices combine in the row-major order of the index, as PyTorch's CPU        */
/* kernels do. Every result is a new tensor; no input is modified.                                */
/* ---------------------------------------------------------------------------------------------- */

/**
 * The slices of a at positions index (a vector, or a 0-d tensor) along dim (torch.index_select);
 * indices are in 0..size-1.
 */
SG_API sg_status sg_index_select(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                                 sg_tensor **out);
/**
 * A copy of a with alpha * source added at positions index along dim (torch.index_add): source has
 * a's shape but for dim, whose size is index's length; repeated indices add up in order.
 */
SG_API sg_status sg_index_add(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                              const sg_tensor *source, double alpha, sg_tensor **out);
/**
 * In place (index_add_): a = sg_index_add(a, dim, index, source, alpha), written into a, which
 * keeps its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_index_add_(sg_tensor *a, int64_t dim, const sg_tensor *index,
                               const sg_tensor *source, double alpha);
/**
 * A copy of a with the slices of source written at positions index along dim (torch.index_copy);
 * with a repeated index the last write wins.
 */
SG_API sg_status sg_index_copy(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                               const sg_tensor *source, sg_tensor **out);
/**
 * In place (index_copy_): a = sg_index_copy(a, dim, index, source), written into a, which keeps its
 * shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_index_copy_(sg_tensor *a, int64_t dim, const sg_tensor *index,
                                const sg_tensor *source);
/**
 * A copy of a with value (a 0-d tensor, or a wrapped number from sg_scalar_double) at positions
 * index along dim (torch.index_fill); negative indices count from the end.
 */
SG_API sg_status sg_index_fill(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                               const sg_tensor *value, sg_tensor **out);
/**
 * In place (index_fill_): a = sg_index_fill(a, dim, index, value), written into a, which keeps its
 * shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_index_fill_(sg_tensor *a, int64_t dim, const sg_tensor *index,
                                const sg_tensor *value);
/**
 * a with the slices of source reduced into positions index along dim (torch.index_reduce): reduce
 * is "prod", "mean", "amax" or "amin"; without include_self the positions written start from the
 * slices alone.
 */
SG_API sg_status sg_index_reduce(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                                 const sg_tensor *source, const char *reduce, bool include_self,
                                 sg_tensor **out);
/**
 * In place (index_reduce_): a = sg_index_reduce(a, dim, index, source, reduce, include_self),
 * written into a, which keeps its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_index_reduce_(sg_tensor *a, int64_t dim, const sg_tensor *index,
                                  const sg_tensor *source, const char *reduce, bool include_self);
/**
 * The elements of a at flat (row-major) positions index, in index's shape (torch.take); negative
 * positions count from the end.
 */
SG_API sg_status sg_take(const sg_tensor *a, const sg_tensor *index, sg_tensor **out);
/**
 * A copy of a with the elements of source written (or, with accumulate, added) at flat positions
 * index, matched in row-major order (torch.put).
 */
SG_API sg_status sg_put(const sg_tensor *a, const sg_tensor *index, const sg_tensor *source,
                        bool accumulate, sg_tensor **out);
/**
 * In place (put_): a = sg_put(a, index, source, accumulate), written into a, which keeps its shape
 * and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_put_(sg_tensor *a, const sg_tensor *index, const sg_tensor *source,
                         bool accumulate);
/**
 * The elements of a picked by indices along *dim, a and indices broadcasting in the other
 * dimensions (torch.take_along_dim; indices wrap modulo the size, as in PyTorch); with dim NULL the
 * flattened a at the flattened indices.
 */
SG_API sg_status sg_take_along_dim(const sg_tensor *a, const sg_tensor *indices, const int64_t *dim,
                                   sg_tensor **out);
/**
 * The elements of a where the bool mask is true, a and mask broadcast together, as a 1-d tensor
 * (torch.masked_select).
 */
SG_API sg_status sg_masked_select(const sg_tensor *a, const sg_tensor *mask, sg_tensor **out);
/**
 * a and the bool mask broadcast together, with the elements of source, in row-major order, written
 * where mask is true (torch.masked_scatter); source needs at least as many elements as mask has
 * true values.
 */
SG_API sg_status sg_masked_scatter(const sg_tensor *a, const sg_tensor *mask,
                                   const sg_tensor *source, sg_tensor **out);
/**
 * In place (masked_scatter_): a = sg_masked_scatter(a, mask, source), written into a, which keeps
 * its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_masked_scatter_(sg_tensor *a, const sg_tensor *mask, const sg_tensor *source);
/**
 * A copy of a with src[i][j] written at [i][index[i][j]] for dim 1, likewise for other dims
 * (torch.scatter); a wrapped number src (sg_scalar_double) is written at every indexed position.
 * With a repeated index the last write wins.
 */
SG_API sg_status sg_scatter(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                            const sg_tensor *src, sg_tensor **out);
/**
 * In place (scatter_): a = sg_scatter(a, dim, index, src), written into a, which keeps its shape
 * and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_scatter_(sg_tensor *a, int64_t dim, const sg_tensor *index,
                             const sg_tensor *src);
/**
 * a with src reduced into the positions index points at along dim (torch.scatter_reduce): reduce is
 * "sum", "prod", "mean", "amax" or "amin"; without include_self the positions written start from
 * src's elements alone.
 */
SG_API sg_status sg_scatter_reduce(const sg_tensor *a, int64_t dim, const sg_tensor *index,
                                   const sg_tensor *src, const char *reduce, bool include_self,
                                   sg_tensor **out);
/**
 * In place (scatter_reduce_): a = sg_scatter_reduce(a, dim, index, src, reduce, include_self),
 * written into a, which keeps its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_scatter_reduce_(sg_tensor *a, int64_t dim, const sg_tensor *index,
                                    const sg_tensor *src, const char *reduce, bool include_self);
/**
 * A copy of a with values (of a's dtype, broadcast to the indexed shape) written, or with
 * accumulate added, at the positions sg_index would read (torch.index_put).
 */
SG_API sg_status sg_index_put(const sg_tensor *a, const sg_tensor *const *indices, size_t count,
                              const sg_tensor *values, bool accumulate, sg_tensor **out);
/**
 * where(mask, a[indices], fill) with the int64 indices clamped into range first, so that entries
 * the mask hides may be out of range (torch._unsafe_masked_index).
 */
SG_API sg_status sg_unsafe_masked_index(const sg_tensor *a, const sg_tensor *mask,
                                        const sg_tensor *const *indices, size_t count, double fill,
                                        sg_tensor **out);
/**
 * sg_index_put(a, indices, values where mask else 0, accumulate) with the int64 indices clamped
 * into range (torch._unsafe_masked_index_put_accumulate, the backward of sg_unsafe_masked_index).
 */
SG_API sg_status sg_unsafe_masked_index_put_accumulate(const sg_tensor *a, const sg_tensor *mask,
                                                       const sg_tensor *const *indices,
                                                       size_t count, const sg_tensor *values,
                                                       sg_tensor **out);
/**
 * The int64 coordinates of the first size non-zero elements, [size, ndim], the rows past the last
 * one filled with fill_value (torch.nonzero_static).
 */
SG_API sg_status sg_nonzero_static(const sg_tensor *a, int64_t size, int64_t fill_value,
                                   sg_tensor **out);
/**
 * Each tensor split into num_chunks zero-padded chunks along dim, the dimensions after dim
 * flattened, and chunk i of every tensor concatenated: shape[:dim] + [num_chunks, total]
 * (torch._chunk_cat).
 */
SG_API sg_status sg_chunk_cat(const sg_tensor *const *tensors, size_t count, int64_t dim,
                              int64_t num_chunks, sg_tensor **out);
/**
 * The cross product of 3-vectors along dim (torch.linalg.cross); a and other have the same number
 * of dimensions and broadcast in the others.
 */
SG_API sg_status sg_linalg_cross(const sg_tensor *a, const sg_tensor *other, int64_t dim,
                                 sg_tensor **out);
/**
 * sg_linalg_cross along *dim, or with dim NULL along the first dimension of size 3 of a
 * (torch.cross).
 */
SG_API sg_status sg_cross(const sg_tensor *a, const sg_tensor *other, const int64_t *dim,
                          sg_tensor **out);
/**
 * The sum of products over the last dimension of both (torch.inner); with a 0-d operand the
 * product.
 */
SG_API sg_status sg_inner(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * Dimensions dims_a of a contracted with dims_b of b, pairwise (torch.tensordot): the result has
 * a's other dimensions, then b's. A contracted size of 1 broadcasts.
 */
SG_API sg_status sg_tensordot(const sg_tensor *a, const sg_tensor *b, const int64_t *dims_a,
                              size_t ndims_a, const int64_t *dims_b, size_t ndims_b,
                              sg_tensor **out);
/**
 * Einstein summation over the operands (torch.einsum): equation as "ij,jk->ik", letters a-z and
 * A-Z, "..." for broadcast leading dimensions; without "->" the output is the ellipsis then the
 * letters that appear once, in order (upper case first).
 */
SG_API sg_status sg_einsum(const char *equation, const sg_tensor *const *operands, size_t count,
                           sg_tensor **out);
/**
 * The integral of y along dim by the trapezoid rule (torch.trapezoid): at sample points x (1-d, or
 * broadcasting against y) or, with x NULL, with the constant spacing dx.
 */
SG_API sg_status sg_trapezoid(const sg_tensor *y, const sg_tensor *x, double dx, int64_t dim,
                              sg_tensor **out);
/**
 * The running trapezoid integral of y along dim, one element fewer along dim
 * (torch.cumulative_trapezoid); x and dx as sg_trapezoid.
 */
SG_API sg_status sg_cumulative_trapezoid(const sg_tensor *y, const sg_tensor *x, double dx,
                                         int64_t dim, sg_tensor **out);
/**
 * The derivative of a along each of dims (every dimension when ndims is 0) by central differences,
 * one-sided of order edge_order (1 or 2) at the ends (torch.gradient): one result per dimension.
 * spacing is empty (unit spacing) or one tensor per dimension: 0-d for a constant spacing, 1-d for
 * the sample coordinates.
 */
SG_API sg_status sg_gradient(const sg_tensor *a, const sg_tensor *const *spacing, size_t nspacing,
                             const int64_t *dims, size_t ndims, int64_t edge_order,
                             sg_tensor **outs, size_t capacity, size_t *count);
/**
 * The covariance matrix of the variables in a's rows, observed in its columns (torch.cov), with
 * Bessel's correction, int64 frequency weights and floating observation weights (either may be
 * NULL).
 */
SG_API sg_status sg_cov(const sg_tensor *a, int64_t correction, const sg_tensor *fweights,
                        const sg_tensor *aweights, sg_tensor **out);
/** The Pearson correlation coefficients of the variables in a's rows (torch.corrcoef). */
SG_API sg_status sg_corrcoef(const sg_tensor *a, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Bitwise and integer operations: bitwise and/or/xor/not and shifts of integer and bool tensors  */
/* (each integer dtype computes in itself, wrapping as C++ does), gcd and lcm, bincount, the      */
/* coordinates of matrix triangles, fill and empty_strided. Operands broadcast and promote as in  */
/* the arithmetic ops; a floating result gives SG_ERR_DTYPE with PyTorch's message                */
/* ("bitwise_and_cpu" not implemented for 'Float'). Not differentiable, except fill.              */
/* ---------------------------------------------------------------------------------------------- */

/**
 * a & other, elementwise: the bits of integers, logical and of bools (torch.bitwise_and); other may
 * be an sg_scalar_* number, converted to the result's dtype as C++ casts (wrapping).
 */
SG_API sg_status sg_bitwise_and(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (bitwise_and_): a = sg_bitwise_and(a, other), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_bitwise_and_(sg_tensor *a, const sg_tensor *other);
/** a | other, elementwise, as sg_bitwise_and (torch.bitwise_or). */
SG_API sg_status sg_bitwise_or(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (bitwise_or_): a = sg_bitwise_or(a, other), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_bitwise_or_(sg_tensor *a, const sg_tensor *other);
/** a ^ other, elementwise, as sg_bitwise_and; bools give a != other (torch.bitwise_xor). */
SG_API sg_status sg_bitwise_xor(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (bitwise_xor_): a = sg_bitwise_xor(a, other), written into a, which keeps its shape and
 * dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_bitwise_xor_(sg_tensor *a, const sg_tensor *other);
/**
 * ~a: every bit of an integer complemented, not of a bool (torch.bitwise_not); SG_ERR_DTYPE for a
 * floating tensor.
 */
SG_API sg_status sg_bitwise_not(const sg_tensor *a, sg_tensor **out);
/**
 * In place (bitwise_not_): a = sg_bitwise_not(a), written into a, which keeps its shape and dtype
 * (a result that does not fit is refused).
 */
SG_API sg_status sg_bitwise_not_(sg_tensor *a);
/**
 * a << other, elementwise, integers only (torch.bitwise_left_shift): bits beyond the dtype's width
 * are lost; a negative amount or one of at least the width gives 0, as PyTorch's CPU kernel.
 * SG_ERR_DTYPE for a bool or floating result.
 */
SG_API sg_status sg_bitwise_left_shift(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (bitwise_left_shift_): a = sg_bitwise_left_shift(a, other), written into a, which keeps
 * its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_bitwise_left_shift_(sg_tensor *a, const sg_tensor *other);
/**
 * a >> other, elementwise, integers only (torch.bitwise_right_shift): arithmetic (sign-filling) for
 * signed dtypes; a negative amount or one of at least the width less the sign bit gives the sign (0
 * or -1; 0 for uint8), as PyTorch's CPU kernel.
 */
SG_API sg_status sg_bitwise_right_shift(const sg_tensor *a, const sg_tensor *other,
                                        sg_tensor **out);
/**
 * In place (bitwise_right_shift_): a = sg_bitwise_right_shift(a, other), written into a, which
 * keeps its shape and dtype (a result that does not fit is refused).
 */
SG_API sg_status sg_bitwise_right_shift_(sg_tensor *a, const sg_tensor *other);
/**
 * The greatest common divisor of a and other, elementwise, in their promoted integer dtype
 * (torch.gcd): gcd(0, 0) is 0; magnitudes wrap as C's abs, so a dtype's most negative value stays
 * negative. SG_ERR_DTYPE for bool or floating operands.
 */
SG_API sg_status sg_gcd(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (gcd_): a = sg_gcd(a, other), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_gcd_(sg_tensor *a, const sg_tensor *other);
/**
 * The least common multiple of a and other, elementwise, as sg_gcd (torch.lcm): 0 when either is 0;
 * |a / gcd * b| wrapping in the dtype (in C's int for int8, uint8 and int16) as PyTorch's CPU
 * kernel.
 */
SG_API sg_status sg_lcm(const sg_tensor *a, const sg_tensor *other, sg_tensor **out);
/**
 * In place (lcm_): a = sg_lcm(a, other), written into a, which keeps its shape and dtype (a result
 * that does not fit is refused).
 */
SG_API sg_status sg_lcm_(sg_tensor *a, const sg_tensor *other);
/**
 * How often each value of the 1-d non-negative integer tensor a occurs (int64), or the sum of
 * weights (1-d, a's length; NULL for none) at its occurrences: float32 for float32 weights, float64
 * for any other (torch.bincount). The result has max(max(a) + 1, minlength) elements; an empty a
 * gives minlength zeros (int64).
 */
SG_API sg_status sg_bincount(const sg_tensor *a, const sg_tensor *weights, int64_t minlength,
                             sg_tensor **out);
/**
 * The coordinates (r, c) of the lower triangle of a row x col matrix, c - r <= offset, row by row:
 * a 2 x N tensor of SG_INT64 or SG_INT32 (torch.tril_indices).
 */
SG_API sg_status sg_tril_indices(int64_t row, int64_t col, int64_t offset, sg_dtype dtype,
                                 sg_tensor **out);
/**
 * The coordinates (r, c) of the upper triangle of a row x col matrix, c - r >= offset, row by row,
 * as sg_tril_indices (torch.triu_indices).
 */
SG_API sg_status sg_triu_indices(int64_t row, int64_t col, int64_t offset, sg_dtype dtype,
                                 sg_tensor **out);
/**
 * A tensor with sizes size and element strides stride (nstride == ndim) over a new storage just
 * large enough, zeroed (torch.empty_strided): a negative stride becomes the contiguous one after
 * the next dimension's, as PyTorch; SG_ERR_INVALID_ARGUMENT when the storage size overflows.
 */
SG_API sg_status sg_empty_strided(const int64_t *size, size_t ndim, const int64_t *stride,
                                  size_t nstride, sg_dtype dtype, sg_tensor **out);
/**
 * A tensor of a's shape and dtype filled with value, an sg_scalar_* number (checked as sg_fill_
 * checks it) or a 0-d tensor, which gets the sum of the gradient (torch.fill).
 */
SG_API sg_status sg_fill(const sg_tensor *a, const sg_tensor *value, sg_tensor **out);

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
/**
 * Sets every element of t to value, a 0-d tensor (which then gets the sum of the gradient) or an
 * sg_scalar_* number, checked as PyTorch checks it (SG_ERR_INVALID_ARGUMENT for 300 into uint8; an
 * integer -1 fills uint8 with 255).
 */
SG_API sg_status sg_fill_(sg_tensor *t, const sg_tensor *value);
/** Fills t with zeros (Tensor.zero_()). */
SG_API sg_status sg_zero_(sg_tensor *t);

/* ---------------------------------------------------------------------------------------------- */
/* Losses (torch.nn.functional)                                                                   */
/* ---------------------------------------------------------------------------------------------- */

/** (input - target)^2, reduced. */
SG_API sg_status sg_mse_loss(const sg_tensor *input, const sg_tensor *target,
                             sg_reduction reduction, sg_tensor **out);
/**
 * -input[i, target[i]] for log-probabilities input [N, C] and int64 class indices target [N]
 * (F.nll_loss with PyTorch's defaults: targets equal to -100 are ignored; sg_nll_loss_nd takes
 * weights, another ignore_index and more dimensions).
 */
SG_API sg_status sg_nll_loss(const sg_tensor *input, const sg_tensor *target,
                             sg_reduction reduction, sg_tensor **out);
/**
 * nll_loss(log_softmax(input, 1), target): logits [N, C], int64 class indices [N] (targets equal to
 * -100 ignored, as F.cross_entropy's default; see sg_cross_entropy_loss).
 */
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

/* ---------------------------------------------------------------------------------------------- */
/* Convolution: torch.convolution, F.conv1d/2d/3d, F.conv_transpose1d/2d/3d, F.unfold, F.fold     */
/* ---------------------------------------------------------------------------------------------- */

/**
 * The general convolution: batched input [N, C, *spatial] (1-3 spatial dims) by weight [O,
 * C/groups, *k] (transposed: [C, O/groups, *k]), bias NULL or [O]; grad_fn ConvolutionBackward0.
 */
SG_API sg_status sg_convolution(const sg_tensor *input, const sg_tensor *weight,
                                const sg_tensor *bias, const int64_t *stride, size_t nstride,
                                const int64_t *padding, size_t npadding, const int64_t *dilation,
                                size_t ndilation, bool transposed, const int64_t *output_padding,
                                size_t noutput_padding, int64_t groups, sg_tensor **out);
/**
 * F.conv1d/2d/3d (by the weight's rank): input [N, C, *spatial] or unbatched [C, *spatial], weight
 * [O, C/groups, *k], bias NULL or [O], zero padding on both sides.
 */
SG_API sg_status sg_conv(const sg_tensor *input, const sg_tensor *weight, const sg_tensor *bias,
                         const int64_t *stride, size_t nstride, const int64_t *padding,
                         size_t npadding, const int64_t *dilation, size_t ndilation, int64_t groups,
                         sg_tensor **out);
/**
 * F.conv1d/2d/3d with padding "valid" (none) or "same" (output as large as the input, the odd extra
 * on the right; stride 1 only).
 */
SG_API sg_status sg_conv_padding(const sg_tensor *input, const sg_tensor *weight,
                                 const sg_tensor *bias, const int64_t *stride, size_t nstride,
                                 const char *padding, const int64_t *dilation, size_t ndilation,
                                 int64_t groups, sg_tensor **out);
/**
 * F.conv_transpose1d/2d/3d (by the weight's rank): input [N, C, *spatial] or unbatched, weight [C,
 * O/groups, *k], bias NULL or [O]; output_padding < stride or dilation.
 */
SG_API sg_status sg_conv_transpose(const sg_tensor *input, const sg_tensor *weight,
                                   const sg_tensor *bias, const int64_t *stride, size_t nstride,
                                   const int64_t *padding, size_t npadding,
                                   const int64_t *output_padding, size_t noutput_padding,
                                   int64_t groups, const int64_t *dilation, size_t ndilation,
                                   sg_tensor **out);
/**
 * F.unfold: the sliding blocks of [N, C, H, W] (or [C, H, W]) as [N, C*kh*kw, L]; each list has 2
 * entries. Floating input only.
 */
SG_API sg_status sg_im2col(const sg_tensor *input, const int64_t *kernel_size, size_t nkernel_size,
                           const int64_t *dilation, size_t ndilation, const int64_t *padding,
                           size_t npadding, const int64_t *stride, size_t nstride, sg_tensor **out);
/**
 * F.fold: sums blocks [N, C*kh*kw, L] (or [C*kh*kw, L]) into [N, C, *output_size]; each list has 2
 * entries. Floating input only.
 */
SG_API sg_status sg_col2im(const sg_tensor *input, const int64_t *output_size, size_t noutput_size,
                           const int64_t *kernel_size, size_t nkernel_size, const int64_t *dilation,
                           size_t ndilation, const int64_t *padding, size_t npadding,
                           const int64_t *stride, size_t nstride, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Pooling and resizing                                                                           */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Max pooling over the last kernel_size count (1 to 3) dimensions of a [N, C, ...] or [C, ...]
 * tensor (F.max_pool1d/2d/3d): stride (empty: the kernel size), padding and dilation have one entry
 * per pooled dimension; ceil_mode rounds the output size up while the last window starts inside the
 * input or its left padding. indices (int64) is each maximum's flat position in its input plane;
 * NaN wins. Both outputs are new handles; both are NULL on failure.
 */
SG_API sg_status sg_max_pool_with_indices(const sg_tensor *a, const int64_t *kernel_size,
                                          size_t nkernel_size, const int64_t *stride,
                                          size_t nstride, const int64_t *padding, size_t npadding,
                                          const int64_t *dilation, size_t ndilation, bool ceil_mode,
                                          sg_tensor **values, sg_tensor **indices);
/**
 * The gradient of sg_max_pool_with_indices over 2 or 3 dimensions
 * (torch.ops.aten.max_pool2d_with_indices_backward): grad added at indices in zeros shaped like a,
 * after checking that grad and indices have the pooling's output shape.
 */
SG_API sg_status sg_max_pool_with_indices_backward(const sg_tensor *grad, const sg_tensor *a,
                                                   const int64_t *kernel_size, size_t nkernel_size,
                                                   const int64_t *stride, size_t nstride,
                                                   const int64_t *padding, size_t npadding,
                                                   const int64_t *dilation, size_t ndilation,
                                                   bool ceil_mode, const sg_tensor *indices,
                                                   sg_tensor **out);
/**
 * Average pooling over the last kernel_size count (1 to 3) dimensions (F.avg_pool1d/2d/3d): each
 * window's sum divided by divisor_override (NULL: none; 0 refused), else by its size counting the
 * zero padding (count_include_pad) or not.
 */
SG_API sg_status sg_avg_pool(const sg_tensor *a, const int64_t *kernel_size, size_t nkernel_size,
                             const int64_t *stride, size_t nstride, const int64_t *padding,
                             size_t npadding, bool ceil_mode, bool count_include_pad,
                             const int64_t *divisor_override, sg_tensor **out);
/**
 * Adaptive average pooling of the last output_size count (1 to 3) dimensions to output_size
 * (F.adaptive_avg_pool1d/2d/3d): output o averages input positions floor(o in / out) to ceil((o +
 * 1) in / out) - 1.
 */
SG_API sg_status sg_adaptive_avg_pool(const sg_tensor *a, const int64_t *output_size,
                                      size_t noutput_size, sg_tensor **out);
/**
 * Adaptive max pooling (F.adaptive_max_pool1d/2d/3d): the windows of sg_adaptive_avg_pool, with
 * each maximum's flat position in its input plane. Both outputs are new handles; both are NULL on
 * failure.
 */
SG_API sg_status sg_adaptive_max_pool(const sg_tensor *a, const int64_t *output_size,
                                      size_t noutput_size, sg_tensor **values, sg_tensor **indices);
/**
 * Zeros of a's leading dimensions + output_size (1 to 3 entries) with each element of a written at
 * its int64 index (indices has a's shape) in its output plane (F.max_unpool1d/2d/3d); an index
 * outside the plane is SG_ERR_INVALID_ARGUMENT.
 */
SG_API sg_status sg_max_unpool(const sg_tensor *a, const sg_tensor *indices,
                               const int64_t *output_size, size_t noutput_size, sg_tensor **out);
/**
 * Nearest-neighbour resizing of the last output_size count (1 to 3) dimensions of a [N, C, ...]
 * tensor (F.interpolate modes nearest and, with exact, nearest-exact). scale0..2 are the scale
 * factors of the resized dimensions in order (unused ones ignored; 0 or less: none), which set the
 * source positions when given.
 */
SG_API sg_status sg_upsample_nearest(const sg_tensor *a, const int64_t *output_size,
                                     size_t noutput_size, double scale0, double scale1,
                                     double scale2, bool exact, sg_tensor **out);
/**
 * Linear, bilinear or trilinear resizing of the last output_size count (1 to 3) dimensions of a [N,
 * C, ...] tensor (F.interpolate modes linear, bilinear, trilinear); scales as sg_upsample_nearest.
 */
SG_API sg_status sg_upsample_linear(const sg_tensor *a, const int64_t *output_size,
                                    size_t noutput_size, bool align_corners, double scale0,
                                    double scale1, double scale2, sg_tensor **out);
/**
 * Bicubic resizing (A = -0.75) of the last two dimensions of a [N, C, H, W] tensor to output_size
 * (F.interpolate mode bicubic); scales as sg_upsample_nearest.
 */
SG_API sg_status sg_upsample_bicubic2d(const sg_tensor *a, const int64_t *output_size,
                                       size_t noutput_size, bool align_corners, double scale_h,
                                       double scale_w, sg_tensor **out);
/**
 * Antialiased bilinear (or, with cubic, bicubic with a = -0.5) resizing of the last two dimensions
 * of a [N, C, H, W] tensor (F.interpolate with antialias=True, torch._upsample_bilinear2d_aa):
 * shrinking by s widens the filter by s; each output's weights are normalised. Scales as
 * sg_upsample_nearest.
 */
SG_API sg_status sg_upsample_aa2d(const sg_tensor *a, const int64_t *output_size,
                                  size_t noutput_size, bool align_corners, double scale_h,
                                  double scale_w, bool cubic, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Normalisation: layer_norm, rms_norm, batch_norm, group_norm, instance_norm                     */
/* ---------------------------------------------------------------------------------------------- */

/**
 * (a - mean) / sqrt(var + eps) * weight + bias over the last dimensions, which must equal
 * normalized_shape (biased variance; weight and bias of shape normalized_shape, NULL for none)
 * (F.layer_norm).
 */
SG_API sg_status sg_layer_norm(const sg_tensor *a, const int64_t *normalized_shape,
                               size_t nnormalized_shape, const sg_tensor *weight,
                               const sg_tensor *bias, double eps, sg_tensor **out);
/**
 * sg_layer_norm's output, then the mean and 1/sqrt(var + eps) of each normalised slice, shaped as a
 * with the normalised dimensions kept as 1 (three results; torch.native_layer_norm).
 */
SG_API sg_status sg_native_layer_norm(const sg_tensor *a, const int64_t *normalized_shape,
                                      size_t nnormalized_shape, const sg_tensor *weight,
                                      const sg_tensor *bias, double eps, sg_tensor **outs,
                                      size_t capacity, size_t *count);
/**
 * a / sqrt(mean(a^2) + eps) * weight over the last dimensions, which must equal normalized_shape;
 * eps NULL is the dtype's machine epsilon (F.rms_norm).
 */
SG_API sg_status sg_rms_norm(const sg_tensor *a, const int64_t *normalized_shape,
                             size_t nnormalized_shape, const sg_tensor *weight, const double *eps,
                             sg_tensor **out);
/**
 * Each channel (dimension 1) normalised over the other dimensions, then * weight + bias ([C] each,
 * NULL for none). In training the batch's statistics are used and running_mean / running_var (NULL
 * for none) are updated in place, (1 - momentum) * running + momentum * statistic, with the
 * unbiased variance; otherwise the running statistics are used (F.batch_norm).
 */
SG_API sg_status sg_batch_norm(const sg_tensor *a, sg_tensor *running_mean, sg_tensor *running_var,
                               const sg_tensor *weight, const sg_tensor *bias, bool training,
                               double momentum, double eps, sg_tensor **out);
/**
 * sg_batch_norm's output, then the batch's mean and 1/sqrt(var + eps) per channel ([C]; empty when
 * not training) (three results; torch.native_batch_norm).
 */
SG_API sg_status sg_native_batch_norm(const sg_tensor *a, const sg_tensor *weight,
                                      const sg_tensor *bias, sg_tensor *running_mean,
                                      sg_tensor *running_var, bool training, double momentum,
                                      double eps, sg_tensor **outs, size_t capacity, size_t *count);
/**
 * a ([N, C, *]) with its channels in num_groups groups, each (sample, group) normalised over its
 * channels and positions, then * weight + bias per channel ([C] each, NULL for none)
 * (F.group_norm).
 */
SG_API sg_status sg_group_norm(const sg_tensor *a, int64_t num_groups, const sg_tensor *weight,
                               const sg_tensor *bias, double eps, sg_tensor **out);
/**
 * Group norm of a seen as [n, c, hxw]: the output, then the mean and 1/sqrt(var + eps) of each
 * (sample, group), [n, group] (three results, all differentiable; torch.native_group_norm).
 */
SG_API sg_status sg_native_group_norm(const sg_tensor *a, const sg_tensor *weight,
                                      const sg_tensor *bias, int64_t n, int64_t c, int64_t hxw,
                                      int64_t group, double eps, sg_tensor **outs, size_t capacity,
                                      size_t *count);
/**
 * Each (sample, channel) of a ([N, C, *]) normalised over its positions, then * weight + bias
 * ([C]); with use_input_stats false the running statistics ([C]) are used instead; given running
 * statistics are updated in place with the batch mean of the per-sample updates (F.instance_norm).
 */
SG_API sg_status sg_instance_norm(const sg_tensor *a, sg_tensor *running_mean,
                                  sg_tensor *running_var, const sg_tensor *weight,
                                  const sg_tensor *bias, bool use_input_stats, double momentum,
                                  double eps, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* attention                                                                                      */
/* ---------------------------------------------------------------------------------------------- */

/**
 * softmax(query key^T * scale + mask) value (F.scaled_dot_product_attention) over [..., L, E],
 * [..., S, E], [..., S, Ev] with broadcasting leading dimensions; attn_mask (NULL: none) is bool
 * (true: takes part) or floating (added), broadcastable to [..., L, S]; is_causal masks key
 * positions after the query's; scale NULL is 1/sqrt(E); dropout_p > 0 drops attention weights;
 * enable_gqa repeats key and value heads (dimension -3) to the query's. A row with every position
 * masked gives zeros, as torch 2.15.
 */
SG_API sg_status sg_scaled_dot_product_attention(const sg_tensor *query, const sg_tensor *key,
                                                 const sg_tensor *value, const sg_tensor *attn_mask,
                                                 double dropout_p, bool is_causal,
                                                 const double *scale, bool enable_gqa,
                                                 sg_tensor **out);
/**
 * The pointwise half of an LSTM step (what nn.LSTM runs per time step): from gate pre-activations
 * [..., 4H] (input, forget, cell, output: PyTorch's order) and a cell state cx [..., H], hidden = o
 * * tanh(c') and cell c' = f * c + i * g with i, f, o sigmoids and g a tanh; one graph node
 * (FusedLstmCellBackward0), twice differentiable.
 */
SG_API sg_status sg_lstm_cell_fused(const sg_tensor *gates, const sg_tensor *cx, sg_tensor **hidden,
                                    sg_tensor **cell);

/* ---------------------------------------------------------------------------------------------- */
/* torch.nn.functional: embedding bags                                                            */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Sums (mode 0), means (1) or maxima (2) of bags of rows of weight [V, D], [B, D]
 * (F.embedding_bag): 1-d int64/int32 indices split at offsets (the last bag runs to the end;
 * include_last_offset drops the last offset), or 2-d indices [B, N] with offsets NULL;
 * per_sample_weights (NULL: none; sum mode only) weigh the rows; padding_idx (NULL: none) is left
 * out of every bag and the mean's count; empty bags give zeros; scale_grad_by_freq divides each
 * row's gradient by its count in indices.
 */
SG_API sg_status sg_embedding_bag(const sg_tensor *weight, const sg_tensor *indices,
                                  const sg_tensor *offsets, int64_t mode,
                                  const sg_tensor *per_sample_weights, bool include_last_offset,
                                  const int64_t *padding_idx, bool scale_grad_by_freq,
                                  sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* CTC loss (torch.nn.functional.ctc_loss)                                                        */
/* ---------------------------------------------------------------------------------------------- */

/**
 * CTC loss of log-probabilities [T, N, C] (or [T, C]) against padded [N, S] or concatenated 1-D
 * targets, with N integer input and target lengths; blank in [0, C); zero_infinity zeroes infinite
 * losses and their gradients.
 */
SG_API sg_status sg_ctc_loss(const sg_tensor *log_probs, const sg_tensor *targets,
                             const sg_tensor *input_lengths, const sg_tensor *target_lengths,
                             int64_t blank, sg_reduction reduction, bool zero_infinity,
                             sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* torch.nn.functional: spatial sampling                                                          */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Samples input [N, C, H, W] (or [N, C, D, H, W]) at the normalised points of grid [N, Ho, Wo, 2]
 * (or [N, Do, Ho, Wo, 3]; x first), giving [N, C, Ho, Wo] (torch.grid_sampler): interpolation_mode
 * 0 bilinear, 1 nearest, 2 bicubic; padding_mode 0 zeros, 1 border, 2 reflection; align_corners
 * puts -1 and 1 at the corner pixels' centres. Input and grid share one floating dtype;
 * differentiable for both.
 */
SG_API sg_status sg_grid_sampler(const sg_tensor *input, const sg_tensor *grid,
                                 int64_t interpolation_mode, int64_t padding_mode,
                                 bool align_corners, sg_tensor **out);
/** sg_grid_sampler for 4-d input and grid only (torch.grid_sampler_2d). */
SG_API sg_status sg_grid_sampler_2d(const sg_tensor *input, const sg_tensor *grid,
                                    int64_t interpolation_mode, int64_t padding_mode,
                                    bool align_corners, sg_tensor **out);
/** sg_grid_sampler for 5-d input and grid only (torch.grid_sampler_3d). */
SG_API sg_status sg_grid_sampler_3d(const sg_tensor *input, const sg_tensor *grid,
                                    int64_t interpolation_mode, int64_t padding_mode,
                                    bool align_corners, sg_tensor **out);
/**
 * The sampling grid [N, H, W, 2] (or [N, D, H, W, 3]) of the affine maps theta [N, 2, 3] (or [N, 3,
 * 4]) for an output of size [N, C, H, W] (or [N, C, D, H, W]) (torch.affine_grid_generator);
 * differentiable for theta.
 */
SG_API sg_status sg_affine_grid(const sg_tensor *theta, const int64_t *size, size_t ndim,
                                bool align_corners, sg_tensor **out);

/* ---------------------------------------------------------------------------------------------- */
/* Returning forms                                                                                */
/* ---------------------------------------------------------------------------------------------- */

/**
 * The operators an interpreter calls once per element of its loops (arithmetic, comparisons, the
 * full sum and norm) are also exported as NAME_r: the same operation as NAME, taking the same
 * parameters but `out`, and returning the new tensor instead of a status. On failure they return
 * NULL; sg_last_status() then gives the status NAME would have returned and sg_last_error() its
 * message. A binding through a foreign-function layer that converts each argument (Python's ctypes)
 * saves the out-parameter's conversion on every call.
 */
SG_API sg_tensor *sg_add_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_sub_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_mul_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_div_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_pow_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_add_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_sub_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_rsub_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_mul_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_div_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_rdiv_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_pow_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_rpow_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_eq_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_ne_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_lt_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_le_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_gt_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_ge_r(const sg_tensor *a, const sg_tensor *b);
SG_API sg_tensor *sg_eq_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_ne_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_lt_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_le_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_gt_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_ge_scalar_r(const sg_tensor *a, double s);
SG_API sg_tensor *sg_sum_r(const sg_tensor *a);
SG_API sg_tensor *sg_sum_dims_r(const sg_tensor *a, const int64_t *dims, size_t ndims,
                                bool keepdim);
SG_API sg_tensor *sg_mean_dims_r(const sg_tensor *a, const int64_t *dims, size_t ndims,
                                 bool keepdim);
SG_API sg_tensor *sg_norm_r(const sg_tensor *a);

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
 * An opaque handle to an optimizer (torch.optim.SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta,
 * Adamax, NAdam, RAdam). It keeps references to its
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

/** The hyperparameters of torch.optim.RMSprop, as sg_sgd_options. */
typedef struct sg_rmsprop_options {
    size_t struct_size;  /* sizeof(sg_rmsprop_options) */
    double lr;           /* 1e-2 */
    double alpha;        /* 0.99: the smoothing of the squared-gradient average */
    double eps;          /* 1e-8 */
    double weight_decay; /* 0: an L2 penalty */
    double momentum;     /* 0 */
    bool centered;       /* false: true divides by the estimated variance (subtracting the mean's square) */
    bool maximize;       /* false */
} sg_rmsprop_options;

/** The hyperparameters of torch.optim.Adagrad. */
typedef struct sg_adagrad_options {
    size_t struct_size;               /* sizeof(sg_adagrad_options) */
    double lr;                        /* 1e-2 */
    double lr_decay;                  /* 0: step t uses lr / (1 + (t - 1) * lr_decay) */
    double weight_decay;              /* 0: an L2 penalty */
    double initial_accumulator_value; /* 0: the sum's starting value */
    double eps;                       /* 1e-10 */
    bool maximize;                    /* false */
} sg_adagrad_options;

/** The hyperparameters of torch.optim.Adadelta. */
typedef struct sg_adadelta_options {
    size_t struct_size;  /* sizeof(sg_adadelta_options) */
    double lr;           /* 1.0 */
    double rho;          /* 0.9 */
    double eps;          /* 1e-6 */
    double weight_decay; /* 0: an L2 penalty */
    bool maximize;       /* false */
} sg_adadelta_options;

/** The hyperparameters of torch.optim.Adamax. */
typedef struct sg_adamax_options {
    size_t struct_size;  /* sizeof(sg_adamax_options) */
    double lr;           /* 2e-3 */
    double beta1;        /* 0.9 */
    double beta2;        /* 0.999 */
    double eps;          /* 1e-8 */
    double weight_decay; /* 0: an L2 penalty */
    bool maximize;       /* false */
} sg_adamax_options;

/** The hyperparameters of torch.optim.NAdam. */
typedef struct sg_nadam_options {
    size_t struct_size;          /* sizeof(sg_nadam_options) */
    double lr;                   /* 2e-3 */
    double beta1;                /* 0.9 */
    double beta2;                /* 0.999 */
    double eps;                  /* 1e-8 */
    double weight_decay;         /* 0 */
    double momentum_decay;       /* 4e-3 */
    bool decoupled_weight_decay; /* false: weight_decay is an L2 penalty; true: AdamW's decay */
    bool maximize;               /* false */
} sg_nadam_options;

/** The hyperparameters of torch.optim.RAdam. */
typedef struct sg_radam_options {
    size_t struct_size;          /* sizeof(sg_radam_options) */
    double lr;                   /* 1e-3 */
    double beta1;                /* 0.9 */
    double beta2;                /* 0.999 */
    double eps;                  /* 1e-8 */
    double weight_decay;         /* 0 */
    bool decoupled_weight_decay; /* false: weight_decay is an L2 penalty; true: AdamW's decay */
    bool maximize;               /* false */
} sg_radam_options;

/** PyTorch's defaults for RMSprop, Adagrad, Adadelta, Adamax, NAdam and RAdam. */
SG_API sg_rmsprop_options sg_rmsprop_default_options(void);
SG_API sg_adagrad_options sg_adagrad_default_options(void);
SG_API sg_adadelta_options sg_adadelta_default_options(void);
SG_API sg_adamax_options sg_adamax_default_options(void);
SG_API sg_nadam_options sg_nadam_default_options(void);
SG_API sg_radam_options sg_radam_default_options(void);

/** torch.optim.RMSprop (options NULL: the defaults): v = alpha * v + (1 - alpha) * g^2, the step
    lr * g / (sqrt(v) + eps) (centered: sqrt(v - mean(g)^2)), through a momentum buffer
    b = momentum * b + g / (sqrt(v) + eps) when momentum > 0. */
SG_API sg_status sg_optimizer_rmsprop(const sg_tensor *const *params, size_t n_params,
                                      const sg_rmsprop_options *options, sg_optimizer **out);
/** torch.optim.Adagrad (options NULL: the defaults): sum += g^2, the step
    lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps). Its state (step 0, sum) exists from
    the start, as PyTorch's. */
SG_API sg_status sg_optimizer_adagrad(const sg_tensor *const *params, size_t n_params,
                                      const sg_adagrad_options *options, sg_optimizer **out);
/** torch.optim.Adadelta (options NULL: the defaults): v = rho * v + (1 - rho) * g^2, the update
    d = sqrt(u + eps) / sqrt(v + eps) * g, u = rho * u + (1 - rho) * d^2, the step lr * d. */
SG_API sg_status sg_optimizer_adadelta(const sg_tensor *const *params, size_t n_params,
                                       const sg_adadelta_options *options, sg_optimizer **out);
/** torch.optim.Adamax (options NULL: the defaults): Adam with the infinity norm
    u = max(beta2 * u, |g| + eps), the step lr / (1 - beta1^t) * m / u. */
SG_API sg_status sg_optimizer_adamax(const sg_tensor *const *params, size_t n_params,
                                     const sg_adamax_options *options, sg_optimizer **out);
/** torch.optim.NAdam (options NULL: the defaults): Adam with Nesterov momentum, the momentum
    coefficients mu_t = beta1 * (1 - 0.96^(t * momentum_decay) / 2). */
SG_API sg_status sg_optimizer_nadam(const sg_tensor *const *params, size_t n_params,
                                    const sg_nadam_options *options, sg_optimizer **out);
/** torch.optim.RAdam (options NULL: the defaults): Adam whose adaptive step is rectified by the
    variance of its estimate, and left out (plain momentum) while that variance is intractable. */
SG_API sg_status sg_optimizer_radam(const sg_tensor *const *params, size_t n_params,
                                    const sg_radam_options *options, sg_optimizer **out);
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
 * AdamW), "alpha", "eps", "momentum", "centered" (RMSprop), "lr_decay",
 * "initial_accumulator_value", "eps" (Adagrad), "rho", "eps" (Adadelta), "beta1", "beta2", "eps"
 * (Adamax, NAdam, RAdam), "momentum_decay" (NAdam), "decoupled_weight_decay" (NAdam, RAdam), the
 * fields of the options structs; booleans are 0 or 1. Setting validates like the constructors (learning-rate
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
 * or "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq" (Adam, AdamW), "step", "square_avg",
 * "momentum_buffer", "grad_avg" (RMSprop), "step", "sum" (Adagrad), "step", "square_avg",
 * "acc_delta" (Adadelta), "step", "exp_avg", "exp_inf" (Adamax), "step", "mu_product", "exp_avg",
 * "exp_avg_sq" (NAdam), "step", "exp_avg", "exp_avg_sq" (RAdam). get gives the
 * optimizer's own buffer (a new handle; later steps update it), "step" and "mu_product" as
 * float32 0-d tensors (a copy),
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
/** The memory t views (Tensor.untyped_storage(), Tensor.storage_offset()): the address of its
    storage's first byte and the storage's size in bytes, the same for every tensor sharing that
    storage (views, tensors over the same external buffer), and t's offset in it in elements.
    Any of data, nbytes, offset may be NULL. */
SG_API sg_status sg_tensor_storage(const sg_tensor *t, void **data, size_t *nbytes, int64_t *offset);

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
typedef enum { kDLInt = 0U, kDLUInt = 1U, kDLFloat = 2U, kDLBfloat = 4U, kDLBool = 6U } DLDataTypeCode;
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
 * Every dtype maps to its DLPack type (floats kDLFloat, bfloat16 kDLBfloat, signed integers
 * kDLInt, uint8 kDLUInt, bool kDLBool with 8 bits); requires_grad is not carried (export
 * detached tensors, as PyTorch insists).
 */
SG_API sg_status sg_to_dlpack(const sg_tensor *t, DLManagedTensorVersioned **out);
/** The same as a pre-1.0 DLManagedTensor, for consumers that ask for no version. */
SG_API sg_status sg_to_dlpack_unversioned(const sg_tensor *t, DLManagedTensor **out);
/**
 * A tensor over a DLPack tensor's memory, without copying; the library takes ownership of
 * managed and calls its deleter once the memory is no longer used, or before returning when
 * the call fails. Accepted: DLPack major version 1, CPU, the types of swiftgrad's dtypes (8-bit
 * kDLBool is bool, 8-bit kDLUInt is uint8), lanes 1, non-negative strides (NULL
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
