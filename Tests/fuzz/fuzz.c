/* The ABI fuzzer: calls every function of include/swiftgrad.h through libffi with hostile
   arguments and checks the library's promises for each call:

   - no crash (the process survives every call);
   - the status is a known one, never SG_ERR_INTERNAL, and every failure leaves a non-empty
     sg_last_error();
   - on failure, tensor out-parameters are NULL (or untouched) and hold no new handle; on success,
     every handle returned is live;
   - user data handed over with a free function is freed exactly once, success or failure;
   - when everything the fuzzer holds is freed, sg_live_tensor_count() is back to its baseline.

   The table of functions and parameter kinds is generated from the header at build time
   (scripts/fuzz_table.py), so a new function is fuzzed as soon as it is declared. The fuzzer
   honours the parts of the contract the library cannot check (arrays hold as many entries as
   their counts say, buffers are as large as their sizes say) and breaks every other part.

   Counts are small (at most 65, the arrays behind them are larger) or beyond every limit the
   library documents (more than 2^24), which it must refuse before touching memory.

   Usage: fuzz [calls] [seed]      (defaults: 100000 calls, seed 1) */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <ffi.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <swiftgrad.h>

/* R_TENSOR: a returning form (sg_NAME_r): a new handle, or NULL with sg_last_status() set.
   R_TRUTH: a returning truth (int sg_NAME_r): 1 or 0, or -1 with sg_last_status() set. */
typedef enum { R_STATUS, R_STRING, R_I64, R_BOOL, R_VOID, R_U32, R_TENSOR, R_TRUTH } fuzz_return;

typedef enum {
    K_TENSOR, K_TENSOR_OUT, K_TENSOR_OUT_ARRAY, K_TENSOR_ARRAY, K_I64_ARRAY, K_I64_OUT, K_I64,
    K_BUFFER_SIZE, K_COUNT, K_SIZE_OUT, K_U64, K_U64_OUT, K_DOUBLE, K_DOUBLE_IN, K_DOUBLE_OUT,
    K_BOOL, K_BOOL_OUT, K_DTYPE, K_DTYPE_OUT, K_REDUCTION, K_STATUS, K_STRING, K_CHAR_BUFFER,
    K_DATA, K_USER_DATA, K_BYTE_BUFFER, K_FREE_FN, K_HOOK_FN, K_FORWARD_FN, K_BACKWARD_FN,
    K_TENSOR_FN, K_CONTEXT, K_OPTIMIZER, K_OPTIMIZER_OUT, K_DICT, K_DICT_OUT, K_PATH, K_BLOB,
    K_POINTER_OUT, K_DLPACK, K_DLPACK_LEGACY, K_DLPACK_OUT, K_DLPACK_LEGACY_OUT, K_STRING_ARRAY, K_DOUBLE_ARRAY,
    K_SGD_OPTIONS, K_ADAM_OPTIONS, K_GENERATOR, K_GENERATOR_OUT, K_RMSPROP_OPTIONS, K_ADAGRAD_OPTIONS,
    K_ADADELTA_OPTIONS, K_ADAMAX_OPTIONS, K_NADAM_OPTIONS, K_RADAM_OPTIONS
} fuzz_kind;

#define MAX_ARGS 16

typedef struct {
    const char *name;
    void (*fn)(void);
    fuzz_return ret;
    int nargs;
    fuzz_kind kinds[MAX_ARGS];
    const char *names[MAX_ARGS];
} fuzz_function;



/* Backing sizes. Counts the fuzzer passes are either at most these, or beyond the library's
   documented maxima (SG_MAX_DIMS, 2^20 handles), which it must refuse before reading. */
#define IN_CAP 128            /* entries of input arrays (handles, int64)                      */
#define OUT_CAP 8192          /* entries of output handle arrays (65 x 65 Jacobian blocks fit) */
#define BUFFER_CAP 65536      /* bytes of text and byte buffers                                */
#define DATA_CAP (1 << 20)    /* bytes of input data for sg_tensor_from_data                   */
#define SENTINEL ((sg_tensor *)(uintptr_t)0x5e5e5e5e5e5e5e5eULL)

/* ---- reproducible randomness ---- */

static uint64_t rng_state;

static uint64_t next(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static int below(int n) { return (int)(next() % (uint64_t)n); }
static bool chance(int percent) { return below(100) < percent; }

/* ---- failures ---- */

static long violations;
static long call_index;
static bool trace;  /* FUZZ_TRACE=1: print every call before making it (to find a crash) */

#define VIOLATION(...)                                                                        \
    do {                                                                                      \
        if (violations++ < 20) {                                                              \
            fprintf(stderr, "call %ld: ", call_index);                                        \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
        }                                                                                     \
    } while (0)

/* The options struct a default_options() function returned must say its own size (the fuzz
   table calls these functions through thunks, since libffi would need the struct's layout). */
static void fuzz_check_struct_size(const char *name, size_t struct_size, size_t size) {
    if (struct_size != size) VIOLATION("%s returned struct_size %zu, not %zu", name, struct_size, size);
}

#include "fuzz_table.h"

#define NFUNCTIONS ((int)(sizeof fuzz_functions / sizeof fuzz_functions[0]))

static bool is_live(const sg_tensor *t) {
    int64_t n;
    return t != NULL && t != SENTINEL && sg_tensor_numel(t, &n) == SG_OK && n >= 0;
}

/* ---- the pool of tensors the fuzzer owns, and stale handles ---- */

#define POOL 24
#define DEAD 64
static sg_tensor *pool[POOL];
static sg_tensor *plain; /* a tensor that never requires grad */
static sg_tensor *dead[DEAD];
static int ndead;

static void checked(sg_status status, const char *what) {
    if (status != SG_OK) {
        fprintf(stderr, "fuzz: could not make pool tensor (%s): %s\n", what, sg_last_error());
        exit(2);
    }
}

/* A tensor of one of several kinds: dtypes, ranks, empty, leaves that require grad, results
   with a graph, index tensors. */
#define POOL_RECIPES 18
static sg_tensor *make_pool_tensor(int recipe) {
    sg_tensor *t = NULL, *u = NULL;
    int64_t s23[2] = {2, 3}, s3[1] = {3}, s4[1] = {4}, s03[2] = {0, 3}, s13[2] = {1, 3}, s22[2] = {2, 2}, s32[2] = {3, 2};
    switch (recipe % POOL_RECIPES) {
    case 0: checked(sg_randn(s23, 2, SG_FLOAT32, NULL, &t), "randn");
            sg_tensor_set_requires_grad(t, true); break;
    case 1: checked(sg_arange(0, 3, 1, SG_FLOAT32, &t), "arange"); break;
    case 2: checked(sg_randn(s4, 1, SG_FLOAT64, NULL, &t), "randn f64");
            sg_tensor_set_requires_grad(t, true); break;
    case 3: checked(sg_arange(0, 3, 1, SG_INT64, &t), "arange int"); break;
    case 4: checked(sg_randn(s23, 2, SG_FLOAT32, NULL, &u), "randn");
            checked(sg_gt_scalar(u, 0, &t), "gt"); sg_tensor_free(u); break;
    case 5: checked(sg_randn(NULL, 0, SG_FLOAT32, NULL, &t), "scalar");
            sg_tensor_set_requires_grad(t, true); break;
    case 6: checked(sg_zeros(s03, 2, SG_FLOAT32, &t), "empty"); break;
    case 7: checked(sg_randn(s23, 2, SG_FLOAT32, NULL, &u), "randn");
            sg_tensor_set_requires_grad(u, true);
            checked(sg_mul_scalar(u, 2, &t), "graph"); sg_tensor_free(u); break;
    case 8: checked(sg_ones(s13, 2, SG_FLOAT32, &t), "ones"); break;
    case 9: checked(sg_randn(s22, 2, SG_FLOAT64, NULL, &t), "randn f64");
            sg_tensor_set_requires_grad(t, true); break;
    case 10: checked(sg_randint(0, 2, s3, 1, SG_INT64, NULL, &t), "randint"); break;
    /* The storage dtypes: half precision (one leaf requiring grad), narrow integers. */
    case 11: checked(sg_randn(s23, 2, SG_FLOAT32, NULL, &u), "randn");
             checked(sg_to_dtype(u, SG_FLOAT16, &t), "half"); sg_tensor_free(u);
             sg_tensor_set_requires_grad(t, true); break;
    case 12: checked(sg_randn(s4, 1, SG_FLOAT32, NULL, &u), "randn");
             checked(sg_to_dtype(u, SG_BFLOAT16, &t), "bfloat16"); sg_tensor_free(u); break;
    case 13: checked(sg_arange(-2, 4, 1, SG_INT32, &t), "int32"); break;
    case 14: checked(sg_arange(0, 6, 1, SG_UINT8, &u), "uint8");
             checked(sg_reshape(u, s23, 2, &t), "reshape"); sg_tensor_free(u); break;
    case 15: checked(sg_arange(-1, 2, 1, SG_INT8, &t), "int8"); break;
    case 16: checked(sg_arange(0, 4, 1, SG_INT16, &t), "int16"); break;
    default: checked(sg_randn(s32, 2, SG_FLOAT32, NULL, &u), "randn");
             sg_tensor_set_requires_grad(u, true);
             checked(sg_sum(u, &t), "sum graph"); sg_tensor_free(u); break;
    }
    return t;
}

/* Frees a pool tensor as a careful user does after backward with create_graph: clearing its
   gradient first, which can hold a graph leading back to the tensor (the cycle PyTorch warns
   about; see sg_autograd_backward). */
static void release(sg_tensor *t) {
    sg_tensor_set_grad(t, NULL);
    sg_tensor_free(t);
}

static void remember_dead(sg_tensor *t) {
    if (ndead < DEAD) dead[ndead++] = t;
    else dead[below(DEAD)] = t;
}

/* A value for a tensor argument: mostly live tensors, else hostile handles. */
static sg_tensor *tensor_argument(void) {
    int r = below(100);
    if (r < 72) return pool[below(POOL)];
    if (r < 80 && ndead > 0) return dead[below(ndead)];
    if (r < 85) return NULL;
    static int foreign;
    switch (below(5)) {
    case 0: return (sg_tensor *)(uintptr_t)next();
    case 1: return (sg_tensor *)(uintptr_t)1;
    case 2: return (sg_tensor *)(uintptr_t)(0xA5ULL << 56 | (next() & 0xFFFFFFFFFFFFULL)); /* forged tag */
    case 3: return (sg_tensor *)&foreign;
    default: return SENTINEL;
    }
}

/* ---- other handle kinds (optimizers, tensor dicts): a few live ones, and stale ones ---- */

#define OBJECTS 4
typedef struct {
    void *live[OBJECTS];
    void *dead[DEAD];
    int ndead;
    void *(*make)(int recipe); /* a valid object over pool tensors, or NULL */
    bool (*is_live)(const void *object);
    sg_status (*free)(void *object);
    const char *free_name;     /* the C function that frees one */
} object_pool;

static void pool_forget(object_pool *p, void *object) {
    for (int i = 0; i < OBJECTS; i++)
        if (p->live[i] == object) p->live[i] = NULL;
    if (p->ndead < DEAD) p->dead[p->ndead++] = object;
    else p->dead[below(DEAD)] = object;
}

static void pool_fill(object_pool *p) {
    for (int i = 0; i < OBJECTS; i++) p->live[i] = p->make(i);
}

static void pool_free_all(object_pool *p) {
    for (int i = 0; i < OBJECTS; i++) {
        if (p->live[i] != NULL) p->free(p->live[i]);
        p->live[i] = NULL;
    }
}

/* A value for a handle argument of the pool's kind: mostly live ones, else stale, NULL, tensor
   handles (the wrong kind) and garbage. */
static void *pool_argument(object_pool *p) {
    int r = below(100);
    if (r < 70) return p->live[below(OBJECTS)];
    if (r < 80 && p->ndead > 0) return p->dead[below(p->ndead)];
    if (r < 90) return tensor_argument();
    return r < 95 ? NULL : (void *)(uintptr_t)next();
}

/* After a call: a new object joins the pool (replacing one, which is freed); a pool object the
   call freed goes stale and is replaced. */
static void pool_after_call(object_pool *p, const char *function, void *created, void *first_argument, int status) {
    if (created != NULL) {
        int i = below(OBJECTS);
        if (p->live[i] != NULL) {
            void *old = p->live[i];
            p->free(old);
            pool_forget(p, old);
        }
        p->live[i] = created;
    }
    if (strcmp(function, p->free_name) == 0 && status == SG_OK && first_argument != NULL) {
        for (int i = 0; i < OBJECTS; i++) {
            if (p->live[i] == first_argument) {
                pool_forget(p, first_argument);
                p->live[i] = p->make(below(3));
            }
        }
    }
}

/* A valid optimizer over float leaves of the pool (NULL when there are too few), so that
   steps run. */
static void *make_optimizer(int recipe) {
    const sg_tensor *leaves[4];
    int n = 0;
    for (int i = below(POOL), k = 0; k < POOL && n < 4; k++, i = (i + 1) % POOL) {
        sg_dtype dtype;
        bool leaf = false;
        if (sg_tensor_dtype(pool[i], &dtype) == SG_OK && (dtype == SG_FLOAT32 || dtype == SG_FLOAT64) &&
            sg_tensor_is_leaf(pool[i], &leaf) == SG_OK && leaf)
            leaves[n++] = pool[i];
    }
    if (n < 4) return NULL;
    sg_optimizer *o = NULL;
    switch (recipe % 3) {
    case 0: {
        sg_sgd_options sgd = sg_sgd_default_options();
        sgd.lr = 0.1, sgd.momentum = 0.9, sgd.weight_decay = 0.01, sgd.nesterov = true;
        checked(sg_optimizer_sgd(leaves, 2, &sgd, &o), "sgd");
        break;
    }
    case 1: {
        sg_adam_options adam = sg_adam_default_options();
        adam.amsgrad = true;
        checked(sg_optimizer_adam(leaves, 2, &adam, &o), "adam");
        checked(sg_optimizer_add_param_group(o, leaves + 2, 2), "param group");
        break;
    }
    default:
        /* AdamW or one of the others, with options that take every branch of their updates. */
        switch (below(7)) {
        case 0: {
            sg_adam_options adamw = sg_adamw_default_options();
            adamw.maximize = true;
            checked(sg_optimizer_adamw(leaves + 1, 3, &adamw, &o), "adamw");
            break;
        }
        case 1: {
            sg_rmsprop_options rmsprop = sg_rmsprop_default_options();
            rmsprop.momentum = 0.9, rmsprop.centered = true, rmsprop.weight_decay = 0.01;
            checked(sg_optimizer_rmsprop(leaves, 3, &rmsprop, &o), "rmsprop");
            break;
        }
        case 2: {
            sg_adagrad_options adagrad = sg_adagrad_default_options();
            adagrad.lr_decay = 0.1, adagrad.initial_accumulator_value = 0.5;
            checked(sg_optimizer_adagrad(leaves, 2, &adagrad, &o), "adagrad");
            checked(sg_optimizer_add_param_group(o, leaves + 2, 2), "param group");
            break;
        }
        case 3: {
            sg_adadelta_options adadelta = sg_adadelta_default_options();
            adadelta.maximize = true;
            checked(sg_optimizer_adadelta(leaves, 4, &adadelta, &o), "adadelta");
            break;
        }
        case 4: {
            sg_adamax_options adamax = sg_adamax_default_options();
            adamax.weight_decay = 0.1;
            checked(sg_optimizer_adamax(leaves + 1, 3, &adamax, &o), "adamax");
            break;
        }
        case 5: {
            sg_nadam_options nadam = sg_nadam_default_options();
            nadam.weight_decay = 0.1, nadam.decoupled_weight_decay = true;
            checked(sg_optimizer_nadam(leaves, 3, &nadam, &o), "nadam");
            break;
        }
        default: {
            sg_radam_options radam = sg_radam_default_options();
            radam.weight_decay = 0.1;
            checked(sg_optimizer_radam(leaves + 1, 3, &radam, &o), "radam");
            break;
        }
        }
        break;
    }
    return o;
}

static bool optimizer_is_live(const void *o) {
    size_t n;
    return o != NULL && sg_optimizer_param_group_count(o, &n) == SG_OK;
}

static sg_status free_optimizer(void *o) { return sg_optimizer_free(o); }

/* A dictionary of up to two pool tensors (skipping pool handles a callback handed over to the
   library, which are dead), with metadata. */
static void *make_dict(int recipe) {
    sg_tensor_dict *d = NULL;
    checked(sg_tensor_dict_new(&d), "dict");
    sg_tensor *first = pool[below(POOL)], *second = pool[below(POOL)];
    if (recipe % 3 > 0 && is_live(first)) checked(sg_tensor_dict_set(d, "first", first), "dict set");
    if (recipe % 3 > 1 && is_live(second)) checked(sg_tensor_dict_set(d, "second", second), "dict set");
    checked(sg_tensor_dict_set_metadata(d, "format", "pt"), "metadata");
    return d;
}

static bool dict_is_live(const void *d) {
    size_t n;
    return d != NULL && sg_tensor_dict_count(d, &n) == SG_OK;
}

static sg_status free_dict(void *d) { return sg_tensor_dict_free(d); }

static void *make_generator(int recipe) {
    sg_generator *g = NULL;
    if (recipe % 3 == 0) checked(sg_generator_default(&g), "default generator");
    else checked(sg_generator_new((uint64_t)recipe, &g), "generator");
    return g;
}

static bool generator_is_live(const void *g) {
    uint64_t seed;
    return g != NULL && sg_generator_initial_seed(g, &seed) == SG_OK;
}

static sg_status free_generator(void *g) { return sg_generator_free(g); }

static object_pool optimizers = {.make = make_optimizer, .is_live = optimizer_is_live, .free = free_optimizer,
                                 .free_name = "sg_optimizer_free"};
static object_pool dicts = {.make = make_dict, .is_live = dict_is_live, .free = free_dict,
                            .free_name = "sg_tensor_dict_free"};

static object_pool generators = {.make = make_generator, .is_live = generator_is_live, .free = free_generator,
                                  .free_name = "sg_generator_free"};

static object_pool *pool_of(fuzz_kind k) {
    switch (k) {
    case K_OPTIMIZER: case K_OPTIMIZER_OUT: return &optimizers;
    case K_DICT: case K_DICT_OUT: return &dicts;
    case K_GENERATOR: case K_GENERATOR_OUT: return &generators;
    default: return NULL;
    }
}

/* ---- shared memory: caller buffers and DLPack tensors ---- */

static _Alignas(8) uint8_t blob_buffer[DATA_CAP];

/* A DLPack tensor for sg_from_dlpack*: none, or the export of a live pool tensor with one of
   the fields the library validates spoiled (the others, pointers and sizes, are the producer's
   contract and stay true). The library owns it once called. */
static void *dlpack_argument(bool legacy) {
    sg_tensor *t = pool[below(POOL)];
    if (chance(10) || !is_live(t)) return NULL;
    DLTensor *dl;
    void *managed;
    if (legacy) {
        DLManagedTensor *m = NULL;
        if (sg_to_dlpack_unversioned(t, &m) != SG_OK) return NULL;
        managed = m, dl = &m->dl_tensor;
    } else {
        DLManagedTensorVersioned *m = NULL;
        if (sg_to_dlpack(t, &m) != SG_OK) return NULL;
        managed = m, dl = &m->dl_tensor;
        if (chance(10)) m->version.major = (uint32_t)below(4);
        if (chance(10)) m->flags = (uint64_t)below(4);
    }
    switch (below(8)) {
    case 0: dl->device.device_type = (DLDeviceType)below(16); break;
    case 1: dl->dtype.code = (uint8_t)below(8); break;
    case 2: dl->dtype.bits = (uint8_t)(8 << below(4)); break;
    case 3: dl->dtype.lanes = (uint16_t)below(3); break;
    case 4: dl->ndim = chance(50) ? 65 + below(100) : -1 - below(100); break;
    case 5: dl->strides = NULL; break; /* row-major: spans no more than the contiguous export */
    default: break;                    /* valid */
    }
    return managed;
}

/* ---- files: paths inside a private directory, removed at the end ---- */

static char file_directory[] = "/tmp/swiftgrad-fuzz-XXXXXX";

static const char *path_value(void) {
    static char inside[64], nested[80];
    snprintf(inside, sizeof inside, "%s/f.safetensors", file_directory);
    snprintf(nested, sizeof nested, "%s/missing/f.safetensors", file_directory);
    switch (below(6)) {
    case 0: return NULL;
    case 1: return "";
    case 2: return file_directory; /* a directory */
    case 3: return nested;         /* in a directory that does not exist */
    default: return inside;
    }
}

static void remove_files(void) {
    char path[96];
    snprintf(path, sizeof path, "%s/f.safetensors", file_directory);
    unlink(path);
    rmdir(file_directory);
}

/* ---- user data, callbacks ---- */

typedef struct record {
    int freed;             /* times the library freed it */
    bool owned_by_library; /* handed over with a free function */
    struct record *next;
} record;

static record *records;

static record *new_record(void) {
    record *r = calloc(1, sizeof *r);
    if (r == NULL) exit(2);
    r->next = records;
    records = r;
    return r;
}

static void fuzz_free(void *user_data) {
    record *r = user_data;
    if (r != NULL && ++r->freed > 1) VIOLATION("user data freed %d times", r->freed);
}

static sg_function_ctx *last_context;

static sg_status hook_pass(const sg_tensor *g, sg_tensor **replacement, void *u) {
    (void)g, (void)replacement, (void)u;
    return SG_OK;
}
static sg_status hook_fail(const sg_tensor *g, sg_tensor **replacement, void *u) {
    (void)g, (void)replacement, (void)u;
    sg_set_last_error("fuzz hook failed on purpose");
    return SG_ERR_CALLBACK;
}
static sg_status hook_fail_silently(const sg_tensor *g, sg_tensor **replacement, void *u) {
    (void)g, (void)replacement, (void)u;
    return SG_ERR_SHAPE;
}
static sg_status hook_replace(const sg_tensor *g, sg_tensor **replacement, void *u) {
    (void)u;
    return sg_mul_scalar(g, 2, replacement);
}
static sg_status hook_replace_garbage(const sg_tensor *g, sg_tensor **replacement, void *u) {
    (void)g, (void)u;
    *replacement = (sg_tensor *)(uintptr_t)0xA500000100000003ULL;
    return SG_OK;
}
static sg_status hook_replace_wrong_shape(const sg_tensor *g, sg_tensor **replacement, void *u) {
    (void)g, (void)u;
    int64_t s[1] = {7};
    return sg_ones(s, 1, SG_FLOAT32, replacement);
}
static const sg_hook_fn hooks[] = {hook_pass, hook_fail, hook_fail_silently, hook_replace, hook_replace_garbage,
                                   hook_replace_wrong_shape};

static sg_status forward_share(sg_function_ctx *ctx, const sg_tensor *const *in, size_t n, sg_tensor **out,
                               size_t capacity, size_t *n_out, void *u) {
    (void)u;
    last_context = ctx;
    *n_out = 0;
    if (n == 0 || capacity == 0) return SG_OK;
    if (chance(50)) sg_function_ctx_save(ctx, in, n);
    *n_out = 1;
    return sg_mul_scalar(in[0], 2, &out[0]);
}
static sg_status forward_two(sg_function_ctx *ctx, const sg_tensor *const *in, size_t n, sg_tensor **out,
                             size_t capacity, size_t *n_out, void *u) {
    (void)u, (void)ctx;
    *n_out = 0;
    if (n == 0 || capacity < 2) return SG_OK;
    *n_out = 2;
    sg_status s = sg_tensor_share(in[0], &out[0]);
    return s != SG_OK ? s : sg_neg(in[n - 1], &out[1]);
}
static sg_status forward_fail(sg_function_ctx *ctx, const sg_tensor *const *in, size_t n, sg_tensor **out,
                              size_t capacity, size_t *n_out, void *u) {
    (void)ctx, (void)in, (void)n, (void)out, (void)capacity, (void)u;
    *n_out = 0;
    return SG_ERR_CALLBACK;
}
static sg_status forward_garbage(sg_function_ctx *ctx, const sg_tensor *const *in, size_t n, sg_tensor **out,
                                 size_t capacity, size_t *n_out, void *u) {
    (void)ctx, (void)in, (void)n, (void)u;
    *n_out = 0;
    if (capacity == 0) return SG_OK;
    out[0] = (sg_tensor *)(uintptr_t)next();
    *n_out = 1;
    return SG_OK;
}
static sg_status forward_overclaim(sg_function_ctx *ctx, const sg_tensor *const *in, size_t n, sg_tensor **out,
                                   size_t capacity, size_t *n_out, void *u) {
    (void)ctx, (void)in, (void)n, (void)out, (void)u;
    *n_out = capacity + 1; /* claims more outputs than there is room for; writes none */
    return SG_OK;
}
static const sg_function_forward_fn forwards[] = {forward_share, forward_two, forward_fail, forward_garbage,
                                                  forward_overclaim};

static sg_status backward_pass(sg_function_ctx *ctx, const sg_tensor *const *g, size_t n_g, sg_tensor **grads,
                               size_t n_in, void *u) {
    (void)u;
    size_t count;
    if (sg_function_ctx_saved_count(ctx, &count) == SG_OK && count > 0) {
        sg_tensor *saved;
        if (sg_function_ctx_saved(ctx, 0, &saved) == SG_OK) sg_tensor_free(saved);
    }
    bool needs;
    for (size_t i = 0; i < n_in; i++) {
        if (n_g > 0 && g[0] != NULL && sg_function_ctx_needs_input_grad(ctx, i, &needs) == SG_OK && needs) {
            sg_status s = sg_mul_scalar(g[0], 2, &grads[i]);
            if (s != SG_OK) return s;
        }
    }
    return SG_OK;
}
static sg_status backward_none(sg_function_ctx *ctx, const sg_tensor *const *g, size_t n_g, sg_tensor **grads,
                               size_t n_in, void *u) {
    (void)ctx, (void)g, (void)n_g, (void)grads, (void)n_in, (void)u;
    return SG_OK;
}
static sg_status backward_fail(sg_function_ctx *ctx, const sg_tensor *const *g, size_t n_g, sg_tensor **grads,
                               size_t n_in, void *u) {
    (void)ctx, (void)g, (void)n_g, (void)grads, (void)n_in, (void)u;
    sg_set_last_error("fuzz backward failed on purpose");
    return SG_ERR_AUTOGRAD;
}
static sg_status backward_garbage(sg_function_ctx *ctx, const sg_tensor *const *g, size_t n_g, sg_tensor **grads,
                                  size_t n_in, void *u) {
    (void)ctx, (void)g, (void)n_g, (void)u;
    for (size_t i = 0; i < n_in; i++) grads[i] = (sg_tensor *)(uintptr_t)next();
    return SG_OK;
}
static const sg_function_backward_fn backwards[] = {backward_pass, backward_none, backward_fail, backward_garbage};

static sg_status function_square(const sg_tensor *const *in, size_t n_in, sg_tensor **out, size_t n_out, void *u) {
    (void)u;
    for (size_t k = 0; k < n_out; k++) {
        if (n_in == 0) return SG_OK;
        sg_status s = sg_mul(in[k % n_in], in[k % n_in], &out[k]);
        if (s != SG_OK) return s;
    }
    return SG_OK;
}
static sg_status function_sum(const sg_tensor *const *in, size_t n_in, sg_tensor **out, size_t n_out, void *u) {
    (void)u;
    for (size_t k = 0; k < n_out && n_in > 0; k++) {
        sg_status s = sg_sum(in[0], &out[k]);
        if (s != SG_OK) return s;
    }
    return SG_OK;
}
static sg_status function_fail(const sg_tensor *const *in, size_t n_in, sg_tensor **out, size_t n_out, void *u) {
    (void)in, (void)n_in, (void)out, (void)n_out, (void)u;
    return SG_ERR_DTYPE;
}
static sg_status function_garbage(const sg_tensor *const *in, size_t n_in, sg_tensor **out, size_t n_out, void *u) {
    (void)in, (void)n_in, (void)u;
    for (size_t k = 0; k < n_out; k++) out[k] = (sg_tensor *)(uintptr_t)next();
    return SG_OK;
}
static const sg_tensor_fn tensor_functions[] = {function_square, function_sum, function_fail, function_garbage};

/* ---- argument values ---- */

static int64_t i64_value(void) {
    static const int64_t hostile[] = {-1, -2, -7, 64, 65, INT64_MAX, INT64_MIN, (int64_t)1 << 40, (int64_t)1 << 62};
    int r = below(100);
    if (r < 25) return 0;
    if (r < 50) return 1;
    if (r < 68) return 2;
    if (r < 82) return 3;
    return hostile[below((int)(sizeof hostile / sizeof hostile[0]))];
}

static size_t count_value(void) {
    static const size_t hostile[] = {65, ((size_t)1 << 24) + 1, SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 62, (size_t)-5};
    int r = below(100);
    if (r < 15) return 0;
    if (r < 45) return 1;
    if (r < 65) return 2;
    if (r < 75) return 3;
    if (r < 82) return (size_t)below(6);
    if (r < 88) return 64;
    return hostile[below((int)(sizeof hostile / sizeof hostile[0]))];
}

static size_t buffer_size_value(void) {
    static const size_t sizes[] = {0, 1, 2, 7, 16, 64, 1000, BUFFER_CAP};
    return sizes[below((int)(sizeof sizes / sizeof sizes[0]))];
}

static double double_value(void) {
    static const double values[] = {0, 1, -1, 0.5, 2, 3, -2.5, 1e-300, DBL_MIN, 1e300, -1e300};
    int r = below(100);
    if (r < 6) return NAN;
    if (r < 10) return INFINITY;
    if (r < 13) return -INFINITY;
    return values[below((int)(sizeof values / sizeof values[0]))];
}

static const char *string_value(void) {
    static char long_text[1001];
    if (long_text[0] == 0) memset(long_text, 'x', 1000);
    switch (below(6)) {
    case 0: return NULL;
    case 1: return "";
    case 2: return "fuzz";
    case 3: return "\xff\xfe not utf-8";
    case 4: return below(2) ? "lr" : "exp_avg"; /* an optimizer option or state */
    default: return long_text;
    }
}

/* ---- one call ---- */

typedef struct {
    int calls, ok;
    int by_status[SG_ERR_FORMAT + 1];
} tally;

static tally tallies[NFUNCTIONS];

/* Storage for one call's arguments. */
typedef struct {
    void *slots[MAX_ARGS];       /* what ffi reads each argument from */
    union { void *p; int64_t i; uint64_t u; size_t z; double d; int e; uint8_t b; } values[MAX_ARGS];
    sg_tensor *outs[MAX_ARGS];                 /* single out-parameters */
    void *object_outs[MAX_ARGS];               /* out-parameters of optimizers and dicts */
    sg_tensor *out_arrays[MAX_ARGS][OUT_CAP];  /* out arrays (only the used ones are touched) */
    const sg_tensor *in_arrays[MAX_ARGS][IN_CAP];
    int64_t i64s[MAX_ARGS][IN_CAP];
    double doubles[MAX_ARGS];
    double double_arrays[MAX_ARGS][IN_CAP];
    sg_sgd_options sgd_options[MAX_ARGS];
    sg_adam_options adam_options[MAX_ARGS];
    sg_rmsprop_options rmsprop_options[MAX_ARGS];
    sg_adagrad_options adagrad_options[MAX_ARGS];
    sg_adadelta_options adadelta_options[MAX_ARGS];
    sg_adamax_options adamax_options[MAX_ARGS];
    sg_nadam_options nadam_options[MAX_ARGS];
    sg_radam_options radam_options[MAX_ARGS];
    const char *string_arrays[MAX_ARGS][IN_CAP];
    int64_t scalar_outs[MAX_ARGS];
    char buffers[MAX_ARGS][BUFFER_CAP];
} call_state;

static call_state state;
static uint8_t data_buffer[DATA_CAP];

static ffi_type *ffi_type_of(fuzz_kind k) {
    switch (k) {
    case K_I64: return &ffi_type_sint64;
    case K_BUFFER_SIZE: case K_COUNT: return &ffi_type_uint64;
    case K_U64: return &ffi_type_uint64;
    case K_DOUBLE: return &ffi_type_double;
    case K_BOOL: return &ffi_type_uint8;
    case K_DTYPE: case K_REDUCTION: case K_STATUS: return &ffi_type_sint;
    default: return &ffi_type_pointer;
    }
}

/* Fills argument `a` of kind `k` and points slots[a] at it. */
static void make_argument(int a, fuzz_kind k, bool *data_argument) {
    state.slots[a] = &state.values[a];
    switch (k) {
    case K_TENSOR: state.values[a].p = tensor_argument(); break;
    case K_TENSOR_OUT:
        state.outs[a] = SENTINEL;
        state.values[a].p = chance(92) ? &state.outs[a] : NULL;
        break;
    case K_TENSOR_OUT_ARRAY:
        for (int i = 0; i < OUT_CAP; i++) state.out_arrays[a][i] = SENTINEL;
        state.values[a].p = chance(92) ? state.out_arrays[a] : NULL;
        break;
    case K_TENSOR_ARRAY:
        for (int i = 0; i < IN_CAP; i++) state.in_arrays[a][i] = i < 70 ? tensor_argument() : pool[0];
        state.values[a].p = chance(93) ? (void *)state.in_arrays[a] : NULL;
        break;
    case K_I64_ARRAY:
        for (int i = 0; i < IN_CAP; i++) state.i64s[a][i] = i64_value();
        state.values[a].p = chance(93) ? state.i64s[a] : NULL;
        break;
    case K_I64_OUT:
        state.values[a].p = chance(92) ? state.i64s[a] : NULL;
        break;
    case K_I64: state.values[a].i = i64_value(); break;
    case K_BUFFER_SIZE: state.values[a].z = buffer_size_value(); break;
    case K_COUNT: state.values[a].z = count_value(); break;
    case K_U64: state.values[a].u = chance(50) ? (uint64_t)below(4) : next(); break;
    case K_DOUBLE: state.values[a].d = double_value(); break;
    case K_DOUBLE_IN:
        state.doubles[a] = double_value();
        state.values[a].p = chance(60) ? &state.doubles[a] : NULL;
        break;
    case K_SIZE_OUT: case K_U64_OUT: case K_DOUBLE_OUT: case K_BOOL_OUT: case K_DTYPE_OUT:
        state.values[a].p = chance(92) ? &state.scalar_outs[a] : NULL;
        break;
    case K_BOOL: state.values[a].b = (uint8_t)below(2); break;
    case K_DTYPE: state.values[a].e = chance(85) ? below(10) : (int[]){-1, 10, 99, INT32_MIN}[below(4)]; break;
    case K_REDUCTION: state.values[a].e = chance(85) ? below(3) : (int[]){-1, 3, 77}[below(3)]; break;
    case K_STATUS: state.values[a].e = below(12) - 1; break;
    case K_STRING: state.values[a].p = (void *)string_value(); break;
    case K_CHAR_BUFFER: case K_BYTE_BUFFER:
        memset(state.buffers[a], 0x5e, 64);
        state.values[a].p = chance(90) ? state.buffers[a] : NULL;
        break;
    case K_DATA:
        state.values[a].p = chance(90) ? data_buffer : NULL;
        *data_argument = true;
        break;
    case K_USER_DATA: state.values[a].p = chance(80) ? new_record() : NULL; break;
    case K_FREE_FN: state.values[a].p = chance(85) ? (void *)fuzz_free : NULL; break;
    case K_HOOK_FN: state.values[a].p = chance(92) ? (void *)hooks[below(6)] : NULL; break;
    case K_FORWARD_FN: state.values[a].p = chance(92) ? (void *)forwards[below(5)] : NULL; break;
    case K_BACKWARD_FN: state.values[a].p = chance(92) ? (void *)backwards[below(4)] : NULL; break;
    case K_TENSOR_FN: state.values[a].p = chance(92) ? (void *)tensor_functions[below(4)] : NULL; break;
    case K_OPTIMIZER: case K_DICT: case K_GENERATOR: state.values[a].p = pool_argument(pool_of(k)); break;
    case K_OPTIMIZER_OUT: case K_DICT_OUT: case K_GENERATOR_OUT:
        state.object_outs[a] = SENTINEL;
        state.values[a].p = chance(92) ? &state.object_outs[a] : NULL;
        break;
    case K_PATH: state.values[a].p = (void *)path_value(); break;
    case K_STRING_ARRAY:
        for (int i = 0; i < IN_CAP; i++) state.string_arrays[a][i] = string_value();
        state.values[a].p = chance(93) ? (void *)state.string_arrays[a] : NULL;
        break;
    case K_DOUBLE_ARRAY:
        for (int i = 0; i < IN_CAP; i++) state.double_arrays[a][i] = double_value();
        state.values[a].p = chance(93) ? (void *)state.double_arrays[a] : NULL;
        break;
    case K_BLOB:
        state.values[a].p = chance(90) ? blob_buffer : NULL;
        *data_argument = true;
        break;
    case K_POINTER_OUT: state.values[a].p = chance(92) ? &state.scalar_outs[a] : NULL; break;
    case K_DLPACK: state.values[a].p = dlpack_argument(false); break;
    case K_DLPACK_LEGACY: state.values[a].p = dlpack_argument(true); break;
    case K_DLPACK_OUT: case K_DLPACK_LEGACY_OUT:
        state.object_outs[a] = SENTINEL;
        state.values[a].p = chance(92) ? &state.object_outs[a] : NULL;
        break;
    case K_SGD_OPTIONS: {
        /* The defaults, with hostile values in some fields (a wrong struct_size among them). */
        sg_sgd_options *o = &state.sgd_options[a];
        *o = sg_sgd_default_options();
        if (chance(40)) o->lr = double_value();
        if (chance(25)) o->momentum = double_value();
        if (chance(20)) o->dampening = double_value();
        if (chance(25)) o->weight_decay = double_value();
        if (chance(30)) o->nesterov = !o->nesterov;
        if (chance(20)) o->maximize = !o->maximize;
        if (chance(8)) o->struct_size = chance(50) ? 0 : (size_t)next();
        state.values[a].p = chance(85) ? (void *)o : NULL;
        break;
    }
    case K_ADAM_OPTIONS: {
        sg_adam_options *o = &state.adam_options[a];
        *o = chance(50) ? sg_adam_default_options() : sg_adamw_default_options();
        if (chance(40)) o->lr = double_value();
        if (chance(25)) o->beta1 = double_value();
        if (chance(25)) o->beta2 = double_value();
        if (chance(25)) o->eps = double_value();
        if (chance(25)) o->weight_decay = double_value();
        if (chance(30)) o->amsgrad = !o->amsgrad;
        if (chance(20)) o->maximize = !o->maximize;
        if (chance(8)) o->struct_size = chance(50) ? 0 : (size_t)next();
        state.values[a].p = chance(85) ? (void *)o : NULL;
        break;
    }
    /* The other optimizers' options: the defaults, with hostile values in some fields. */
#define HOSTILE(field) if (chance(25)) o->field = double_value()
#define FLIP(field) if (chance(25)) o->field = !o->field
#define OPTIONS_END \
        if (chance(8)) o->struct_size = chance(50) ? 0 : (size_t)next(); \
        state.values[a].p = chance(85) ? (void *)o : NULL; \
        break
    case K_RMSPROP_OPTIONS: {
        sg_rmsprop_options *o = &state.rmsprop_options[a];
        *o = sg_rmsprop_default_options();
        HOSTILE(lr); HOSTILE(alpha); HOSTILE(eps); HOSTILE(weight_decay); HOSTILE(momentum);
        FLIP(centered); FLIP(maximize);
        OPTIONS_END;
    }
    case K_ADAGRAD_OPTIONS: {
        sg_adagrad_options *o = &state.adagrad_options[a];
        *o = sg_adagrad_default_options();
        HOSTILE(lr); HOSTILE(lr_decay); HOSTILE(weight_decay); HOSTILE(initial_accumulator_value); HOSTILE(eps);
        FLIP(maximize);
        OPTIONS_END;
    }
    case K_ADADELTA_OPTIONS: {
        sg_adadelta_options *o = &state.adadelta_options[a];
        *o = sg_adadelta_default_options();
        HOSTILE(lr); HOSTILE(rho); HOSTILE(eps); HOSTILE(weight_decay); FLIP(maximize);
        OPTIONS_END;
    }
    case K_ADAMAX_OPTIONS: {
        sg_adamax_options *o = &state.adamax_options[a];
        *o = sg_adamax_default_options();
        HOSTILE(lr); HOSTILE(beta1); HOSTILE(beta2); HOSTILE(eps); HOSTILE(weight_decay); FLIP(maximize);
        OPTIONS_END;
    }
    case K_NADAM_OPTIONS: {
        sg_nadam_options *o = &state.nadam_options[a];
        *o = sg_nadam_default_options();
        HOSTILE(lr); HOSTILE(beta1); HOSTILE(beta2); HOSTILE(eps); HOSTILE(weight_decay); HOSTILE(momentum_decay);
        FLIP(decoupled_weight_decay); FLIP(maximize);
        OPTIONS_END;
    }
    case K_RADAM_OPTIONS: {
        sg_radam_options *o = &state.radam_options[a];
        *o = sg_radam_default_options();
        HOSTILE(lr); HOSTILE(beta1); HOSTILE(beta2); HOSTILE(eps); HOSTILE(weight_decay);
        FLIP(decoupled_weight_decay); FLIP(maximize);
        OPTIONS_END;
    }
#undef HOSTILE
#undef FLIP
#undef OPTIONS_END
    case K_CONTEXT:
        switch (below(3)) {
        case 0: state.values[a].p = NULL; break;
        case 1: state.values[a].p = last_context; break; /* stale: only valid inside a callback */
        default: state.values[a].p = (void *)(uintptr_t)next(); break;
        }
        break;
    }
}

/* sg_tensor_from_data reads numel * itemsize bytes: keep the data pointer only when the shape
   asks for no more than the buffer holds (the library refuses bad shapes before reading). */
static void fit_data_to_shape(const fuzz_function *f) {
    int data = -1, shape = -1, ndim = -1;
    for (int a = 0; a < f->nargs; a++) {
        if (f->kinds[a] == K_DATA) data = a;
        if (f->kinds[a] == K_I64_ARRAY) shape = a;
        if (f->kinds[a] == K_COUNT) ndim = a;
    }
    if (data < 0 || state.values[data].p == NULL || shape < 0 || ndim < 0) return;
    const int64_t *sizes = state.values[shape].p;
    size_t n = state.values[ndim].z;
    if (sizes == NULL || n > SG_MAX_DIMS) return; /* refused before the data is read */
    uint64_t count = 1;
    bool refused = false;
    for (size_t i = 0; i < n; i++) {
        if (sizes[i] < 0) refused = true;
        else if (sizes[i] == 0) count = 0;
        else if (count != 0 && (uint64_t)sizes[i] > UINT64_MAX / 8 / count) refused = true;
        else count *= (uint64_t)sizes[i];
    }
    if (!refused && count * 8 > DATA_CAP) state.values[data].p = NULL;
}

/* sg_tensor_from_blob reads what shape and strides span: keep the data pointer only when that
   fits the buffer (the library cannot check memory it is handed; it refuses bad shapes and
   strides before reading). */
static void fit_blob_to_shape(const fuzz_function *f) {
    if (strcmp(f->name, "sg_tensor_from_blob") != 0 || state.values[0].p == NULL) return;
    const int64_t *sizes = state.values[1].p, *given = state.values[2].p;
    size_t n = state.values[3].z;
    if (sizes == NULL || n > SG_MAX_DIMS) return; /* refused before anything is read */
    uint64_t last = 0, row = 1; /* index of the last element spanned; row-major stride */
    bool fits = true;
    for (size_t k = n; k-- > 0;) {
        if (sizes[k] < 0 || (given && given[k] < 0)) return; /* refused */
        if (sizes[k] == 0) return;                             /* empty: nothing is read */
        uint64_t stride = given ? (uint64_t)given[k] : row, step;
        if (__builtin_mul_overflow((uint64_t)(sizes[k] - 1), stride, &step) || __builtin_add_overflow(last, step, &last))
            fits = false;
        if (__builtin_mul_overflow(row, (uint64_t)sizes[k], &row)) row = UINT64_MAX / 2;
    }
    if (!fits || last >= sizeof blob_buffer / 8) state.values[0].p = NULL;
}

/* sg_safetensors_deserialize gets, most of the time, a real file (a pool dictionary
   serialized) with a few bytes changed and perhaps truncated: a mutation fuzzer for the parser. */
static uint8_t file_buffer[DATA_CAP];

static void mutate_safetensors(const fuzz_function *f) {
    if (strcmp(f->name, "sg_safetensors_deserialize") != 0 || state.values[0].p == NULL || chance(30)) return;
    size_t size = 0;
    void *dict = dicts.live[below(OBJECTS)];
    if (sg_safetensors_serialize(dict, NULL, 0, &size) != SG_OK || size > DATA_CAP ||
        sg_safetensors_serialize(dict, file_buffer, size, &size) != SG_OK)
        return;
    for (int k = below(4); k > 0; k--) file_buffer[below((int)size)] = (uint8_t)next();
    if (chance(20)) size = (size_t)below((int)size + 1);
    state.values[0].p = file_buffer;
    state.values[1].z = size;
}

/* The one legitimate way to leak, as in PyTorch: in-place ops between tensors in graphs can make
   their histories hold each other (t.mul_(u) then u.mul_(t), each saving the other), and such a
   cycle is never freed (see "Ownership" in swiftgrad.h). So the operand of an in-place op is
   never a tensor that requires grad; everything else about these calls stays hostile. */
static void avoid_history_cycles(const fuzz_function *f) {
    /* Likewise backward with create_graph: a leaf's gradient then has a graph that can lead back
       to the leaf, freed only by clearing that gradient (PyTorch warns about this cycle), and
       the pool's graphs hold leaves the fuzzer no longer has handles to. */
    if (strcmp(f->name, "sg_autograd_backward") == 0) {
        for (int a = 0; a < f->nargs; a++)
            if (strcmp(f->names[a], "create_graph") == 0) state.values[a].b = 0;
    }
    /* In-place functions are named sg_*_ (sg_add_, sg_copy_, the table's sg_exp_ ...). */
    size_t length = strlen(f->name);
    if (length == 0 || f->name[length - 1] != '_') return;
    for (int a = 1; a < f->nargs; a++) {
        bool requires = false;
        if (f->kinds[a] == K_TENSOR && sg_tensor_requires_grad(state.values[a].p, &requires) == SG_OK && requires)
            state.values[a].p = plain;
    }
}

static void call_one(int index) {
    const fuzz_function *f = &fuzz_functions[index];
    ffi_type *types[MAX_ARGS];
    bool data_argument = false;
    for (int a = 0; a < f->nargs; a++) {
        types[a] = ffi_type_of(f->kinds[a]);
        make_argument(a, f->kinds[a], &data_argument);
    }
    if (data_argument) fit_data_to_shape(f);
    if (data_argument) fit_blob_to_shape(f);
    mutate_safetensors(f);
    avoid_history_cycles(f);
    if (strcmp(f->name, "sg_tensor_free") == 0) {
        for (int i = 0; i < POOL; i++)
            if (pool[i] == state.values[0].p) sg_tensor_set_grad(pool[i], NULL);
    }
    /* sg_tensor_free_many: the same for each pool tensor among the entries it may release. */
    if (strcmp(f->name, "sg_tensor_free_many") == 0 && state.values[0].p != NULL) {
        size_t n = state.values[1].z < IN_CAP ? state.values[1].z : IN_CAP;
        for (size_t k = 0; k < n; k++)
            for (int i = 0; i < POOL; i++)
                if (pool[i] == state.in_arrays[0][k]) sg_tensor_set_grad(pool[i], NULL);
    }
    /* Handing user data over with a free function makes the library its owner. */
    int free_fn = -1, user_data = -1;
    for (int a = 0; a < f->nargs; a++) {
        if (f->kinds[a] == K_FREE_FN) free_fn = a;
        if (f->kinds[a] == K_USER_DATA) user_data = a;
    }
    if (user_data >= 0 && state.values[user_data].p != NULL && free_fn >= 0 && state.values[free_fn].p != NULL) {
        ((record *)state.values[user_data].p)->owned_by_library = true;
    }

    ffi_type *rtype = &ffi_type_sint;
    switch (f->ret) {
    case R_STATUS: rtype = &ffi_type_sint; break;
    case R_STRING: rtype = &ffi_type_pointer; break;
    case R_I64: rtype = &ffi_type_sint64; break;
    case R_BOOL: rtype = &ffi_type_uint8; break;
    case R_VOID: rtype = &ffi_type_void; break;
    case R_U32: rtype = &ffi_type_uint32; break;
    case R_TENSOR: rtype = &ffi_type_pointer; break;
    case R_TRUTH: rtype = &ffi_type_sint; break;
    }
    ffi_cif cif;
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, (unsigned)f->nargs, rtype, types) != FFI_OK) {
        fprintf(stderr, "fuzz: ffi_prep_cif failed for %s\n", f->name);
        exit(2);
    }
    if (trace) {
        fprintf(stderr, "call %ld: %s(", call_index, f->name);
        for (int a = 0; a < f->nargs; a++)
            fprintf(stderr, "%s%s=%#" PRIx64, a ? ", " : "", f->names[a], (uint64_t)state.values[a].u);
        fprintf(stderr, ")\n");
    }
    union { ffi_arg word; void *p; int64_t i; } result;
    memset(&result, 0, sizeof result);
    ffi_call(&cif, f->fn, &result, state.slots);

    tally *t = &tallies[index];
    t->calls++;
    int status = SG_OK;
    if (f->ret == R_STATUS) {
        status = (int)(int32_t)result.word;
        if (status < 0 || status > SG_ERR_FORMAT) {
            VIOLATION("%s returned unknown status %d", f->name, status);
            return;
        }
        t->by_status[status]++;
        if (status == SG_ERR_INTERNAL) VIOLATION("%s: internal error: %s", f->name, sg_last_error());
        if (status != SG_OK) {
            const char *message = sg_last_error();
            if (message == NULL || message[0] == 0) VIOLATION("%s failed with status %d and no message", f->name, status);
        } else {
            t->ok++;
        }
    } else if (f->ret == R_TENSOR || f->ret == R_TRUTH) {
        /* A returning form: NULL (or -1) and a failing status with a message, or a live handle
           (or 1 or 0). */
        int truth = (int)(int32_t)result.word;
        if (f->ret == R_TRUTH && truth != 1 && truth != 0 && truth != -1) {
            VIOLATION("%s returned %d, not 1, 0 or -1", f->name, truth);
            return;
        }
        if (f->ret == R_TENSOR ? result.p == NULL : truth == -1) {
            status = (int)sg_last_status();
            if (status <= SG_OK || status > SG_ERR_FORMAT) {
                VIOLATION("%s failed but sg_last_status() is %d", f->name, status);
                return;
            }
            t->by_status[status]++;
            if (status == SG_ERR_INTERNAL) VIOLATION("%s: internal error: %s", f->name, sg_last_error());
            const char *message = sg_last_error();
            if (message == NULL || message[0] == 0) VIOLATION("%s failed with status %d and no message", f->name, status);
        } else if (f->ret == R_TRUTH) {
            t->ok++;
        } else if (!is_live(result.p)) {
            VIOLATION("%s returned a dead handle", f->name);
        } else {
            t->ok++;
            sg_tensor_free(result.p);
        }
    } else if (f->ret == R_STRING && result.p == NULL) {
        VIOLATION("%s returned NULL", f->name);
    }

    /* Out-parameters: nothing on failure, live handles on success (which the fuzzer frees). */
    for (int a = 0; a < f->nargs; a++) {
        if (f->kinds[a] == K_TENSOR_OUT && state.values[a].p != NULL) {
            sg_tensor *out = state.outs[a];
            if (status != SG_OK && out != NULL) VIOLATION("%s failed but left %s non-NULL", f->name, f->names[a]);
            else if (status == SG_OK && out != NULL && out != SENTINEL && !is_live(out))
                VIOLATION("%s returned a dead handle in %s", f->name, f->names[a]);
            if (is_live(out)) sg_tensor_free(out);
        }
        if (f->kinds[a] == K_TENSOR_OUT_ARRAY && state.values[a].p != NULL) {
            for (int i = 0; i < OUT_CAP; i++) {
                sg_tensor *out = state.out_arrays[a][i];
                if (out == SENTINEL || out == NULL) continue;
                if (!is_live(out)) {
                    if (status == SG_OK) VIOLATION("%s returned a dead handle in %s[%d]", f->name, f->names[a], i);
                    continue;
                }
                if (status != SG_OK) VIOLATION("%s failed but returned a handle in %s[%d]", f->name, f->names[a], i);
                sg_tensor_free(out);
            }
        }
    }
    /* DLPack exports: nothing on failure; on success the fuzzer, as consumer, calls the deleter. */
    for (int a = 0; a < f->nargs; a++) {
        if ((f->kinds[a] != K_DLPACK_OUT && f->kinds[a] != K_DLPACK_LEGACY_OUT) || state.values[a].p == NULL) continue;
        void *out = state.object_outs[a];
        if (status != SG_OK) {
            if (out != NULL) VIOLATION("%s failed but left %s non-NULL", f->name, f->names[a]);
        } else if (out == NULL || out == SENTINEL) {
            VIOLATION("%s succeeded without a result in %s", f->name, f->names[a]);
        } else if (f->kinds[a] == K_DLPACK_OUT) {
            ((DLManagedTensorVersioned *)out)->deleter(out);
        } else {
            ((DLManagedTensor *)out)->deleter(out);
        }
    }
    /* Optimizers and dicts made or freed by the call. */
    for (int a = 0; a < f->nargs; a++) {
        object_pool *p = pool_of(f->kinds[a]);
        if (p == NULL) continue;
        void *created = NULL;
        if ((f->kinds[a] == K_OPTIMIZER_OUT || f->kinds[a] == K_DICT_OUT || f->kinds[a] == K_GENERATOR_OUT) &&
            state.values[a].p != NULL) {
            void *out = state.object_outs[a];
            if (status != SG_OK) {
                if (out != NULL) VIOLATION("%s failed but left %s non-NULL", f->name, f->names[a]);
            } else if (!p->is_live(out)) {
                VIOLATION("%s returned a dead handle in %s", f->name, f->names[a]);
            } else {
                created = out;
            }
        }
        pool_after_call(p, f->name, created, a == 0 ? state.values[0].p : NULL, status);
    }
    /* A pool tensor the call freed becomes a stale handle and is replaced. */
    if (strcmp(f->name, "sg_tensor_free") == 0 && status == SG_OK) {
        for (int i = 0; i < POOL; i++) {
            if (pool[i] == state.values[0].p) {
                remember_dead(pool[i]);
                pool[i] = make_pool_tensor(below(POOL_RECIPES));
            }
        }
    }
    /* sg_tensor_free_many releases every live entry, also when another entry fails. */
    if (strcmp(f->name, "sg_tensor_free_many") == 0) {
        for (int i = 0; i < POOL; i++) {
            if (!is_live(pool[i])) {
                remember_dead(pool[i]);
                pool[i] = make_pool_tensor(below(POOL_RECIPES));
            }
        }
    }
}

static bool listed(const char *list, const char *name) {
    size_t n = strlen(name);
    for (const char *p = strstr(list, name); p != NULL; p = strstr(p + 1, name)) {
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == 0)) return true;
    }
    return false;
}

/* FUZZ_SKIP=sg_a,sg_b leaves these functions out; FUZZ_ONLY=sg_a,sg_b calls only these. */
static bool skipped(const char *name) {
    const char *skip = getenv("FUZZ_SKIP"), *only = getenv("FUZZ_ONLY");
    return (skip != NULL && listed(skip, name)) || (only != NULL && !listed(only, name));
}

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 100000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
    trace = getenv("FUZZ_TRACE") != NULL;
    long check_every = getenv("FUZZ_CHECK_EVERY") ? atol(getenv("FUZZ_CHECK_EVERY")) : 0;
    sg_manual_seed(seed);
    if (mkdtemp(file_directory) == NULL) {
        perror("fuzz: mkdtemp");
        return 2;
    }
    int64_t baseline = sg_live_tensor_count();
    for (int i = 0; i < POOL; i++) pool[i] = make_pool_tensor(i);
    checked(sg_arange(0, 3, 1, SG_FLOAT32, &plain), "plain");
    pool_fill(&optimizers);
    pool_fill(&dicts);
    pool_fill(&generators);
    for (int i = 0; i < 8; i++) {
        sg_tensor *t = make_pool_tensor(i);
        sg_tensor_free(t);
        remember_dead(t);
    }
    /* Every function in turn (a shuffled order each round), so all are called equally often. */
    int order[NFUNCTIONS];
    for (int i = 0; i < NFUNCTIONS; i++) order[i] = i;
    for (call_index = 0; call_index < calls; call_index++) {
        int k = (int)(call_index % NFUNCTIONS);
        if (k == 0) {
            for (int i = NFUNCTIONS - 1; i > 0; i--) {
                int j = below(i + 1), tmp = order[i];
                order[i] = order[j], order[j] = tmp;
            }
        }
        if (skipped(fuzz_functions[order[k]].name)) continue;
        call_one(order[k]);
        /* FUZZ_CHECK_EVERY=k: every k calls, free everything and check for leaks (to narrow a
           leak down to a window of calls). */
        if (check_every > 0 && call_index % check_every == check_every - 1) {
            pool_free_all(&optimizers);
            pool_free_all(&dicts);
            pool_free_all(&generators);
            for (int i = 0; i < POOL; i++) release(pool[i]);
            int64_t live = sg_live_tensor_count();
            if (live != baseline + 1) VIOLATION("%" PRId64 " tensors leaked in calls %ld..%ld", live - baseline - 1, call_index - check_every + 1, call_index);
            for (int i = 0; i < POOL; i++) pool[i] = make_pool_tensor(i);
            pool_fill(&optimizers);
            pool_fill(&dicts);
            pool_fill(&generators);
        }
        /* Refresh a pool tensor now and then, so graphs and gradients do not pile up. */
        if (call_index % 997 == 0) {
            int i = below(POOL);
            release(pool[i]);
            pool[i] = make_pool_tensor(below(POOL_RECIPES));
        }
    }
    bool previous;
    sg_set_grad_enabled(true, &previous);
    sg_set_detect_anomaly(false);
    pool_free_all(&optimizers);
    pool_free_all(&dicts);
    pool_free_all(&generators);
    remove_files();
    for (int i = 0; i < POOL; i++) release(pool[i]);
    sg_tensor_free(plain);

    int64_t live = sg_live_tensor_count();
    if (live != baseline) VIOLATION("%" PRId64 " tensors leaked (live count %" PRId64 ", baseline %" PRId64 ")", live - baseline, live, baseline);
    long owned = 0, freed = 0;
    for (record *r = records; r != NULL; r = r->next) {
        if (r->owned_by_library) {
            owned++;
            if (r->freed != 1) VIOLATION("user data handed over was freed %d times (want once)", r->freed);
            else freed++;
        } else if (r->freed != 0) {
            VIOLATION("user data not handed over (no free function) was freed %d times", r->freed);
        }
    }
    int covered = 0;
    long ok = 0, total = 0;
    for (int i = 0; i < NFUNCTIONS; i++) {
        covered += tallies[i].calls > 0;
        ok += tallies[i].ok;
        total += tallies[i].calls;
    }
    printf("fuzz: %ld calls (seed %" PRIu64 ") over %d/%d functions, %ld succeeded; %ld user data handed over, %ld freed once; %ld violations\n",
           total, seed, covered, NFUNCTIONS, ok, owned, freed, violations);
    if (getenv("FUZZ_VERBOSE")) {
        for (int i = 0; i < NFUNCTIONS; i++) {
            printf("  %-28s %6d calls, %6d ok, by status:", fuzz_functions[i].name, tallies[i].calls, tallies[i].ok);
            for (int s = 1; s <= SG_ERR_FORMAT; s++) printf(" %d", tallies[i].by_status[s]);
            printf("\n");
        }
    }
    while (records) {
        record *next = records->next;
        free(records);
        records = next;
    }
    return violations == 0 && (covered == NFUNCTIONS || getenv("FUZZ_SKIP") || getenv("FUZZ_ONLY")) ? 0 : 1;
}
