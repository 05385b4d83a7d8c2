/* Every status code provoked through the C ABI, with hostile arguments: NULL, freed, double
   freed and garbage handles, bad sizes and dtypes. No call may crash; each failure returns the
   documented status, a non-empty message, and NULL in every handle out-parameter. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include "check.h"

#define POISON ((sg_tensor *)0x1234)

/* A call returning a tensor through `out` that must fail with `status`, leaving *out NULL. */
#define CHECK_FAILS(status, out, call)                                                   \
    do {                                                                                 \
        (out) = POISON;                                                                  \
        CHECK_STATUS(call, status);                                                      \
        CHECK((out) == NULL);                                                            \
    } while (0)

static sg_tensor *vector(int64_t n) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_arange(0, (double)n, 1, SG_FLOAT32, &t));
    return t;
}

static void test_invalid_handles(void) {
    sg_tensor *out, *good = vector(3);
    int local = 0;
    sg_tensor *garbage[] = {
        (sg_tensor *)(uintptr_t)0x1,
        (sg_tensor *)&local,                       /* a real address, not a handle */
        (sg_tensor *)(uintptr_t)0xA5000001FFFFFFFFull, /* right tag, absurd slot index */
        (sg_tensor *)(uintptr_t)0xA5FFFFFF00000000ull, /* right tag, wrong generation */
        (sg_tensor *)(uintptr_t)UINTPTR_MAX,
    };
    for (size_t i = 0; i < sizeof garbage / sizeof *garbage; i++) {
        CHECK_FAILS(SG_ERR_INVALID_HANDLE, out, sg_add(garbage[i], good, &out));
        CHECK_FAILS(SG_ERR_INVALID_HANDLE, out, sg_add(good, garbage[i], &out));
        CHECK_STATUS(sg_tensor_free(garbage[i]), SG_ERR_INVALID_HANDLE);
        CHECK_STATUS(sg_backward(garbage[i], NULL, false), SG_ERR_INVALID_HANDLE);
    }
    CHECK_FAILS(SG_ERR_INVALID_HANDLE, out, sg_neg(NULL, &out));
    CHECK_ERROR_HAS("sg_neg: argument 'a' is NULL");
    CHECK_STATUS(sg_tensor_set_requires_grad(NULL, true), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_tensor_free(NULL)); /* a no-op */

    /* Freed and double-freed handles, also after the slot has been reused. */
    sg_tensor *stale = vector(2);
    CHECK_OK(sg_tensor_free(stale));
    CHECK_FAILS(SG_ERR_INVALID_HANDLE, out, sg_sum(stale, &out));
    CHECK_ERROR_HAS("argument 'a' is not a live tensor handle");
    CHECK_STATUS(sg_tensor_free(stale), SG_ERR_INVALID_HANDLE);
    sg_tensor *reuse = vector(2); /* likely takes stale's slot */
    CHECK_FAILS(SG_ERR_INVALID_HANDLE, out, sg_sum(stale, &out));
    CHECK_STATUS(sg_tensor_free(stale), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_tensor_free(reuse));

    /* sg_tensor_share gives a second, independent handle to the same tensor. */
    sg_tensor *first = vector(2), *second;
    CHECK_OK(sg_tensor_share(first, &second));
    CHECK(second != first);
    CHECK_OK(sg_tensor_free(first));
    CHECK_OK(fill_with(second, 3)); /* still alive through the other handle */
    CHECK_OK(sg_tensor_free(second));
    CHECK_FAILS(SG_ERR_INVALID_HANDLE, out, sg_tensor_share(first, &out));

    /* Two handles to one tensor are independent references. */
    sg_tensor *x = vector(3), *g1, *g2, *y;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_sum(x, &y));
    CHECK_OK(sg_backward(y, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &g1));
    CHECK_OK(sg_tensor_grad(x, &g2));
    CHECK(g1 != g2);
    CHECK_OK(sg_tensor_free(g1));
    CHECK_OK(sg_zero_(g2)); /* the gradient lives on through the other handle */
    CHECK_OK(sg_tensor_free(g2));
    CHECK_OK(sg_tensor_free(y));
    CHECK_OK(sg_tensor_free(x));
    CHECK_OK(sg_tensor_free(good));
}

static void test_invalid_arguments(void) {
    sg_tensor *out, *t = vector(3);
    int64_t shape[] = {2, 3};
    float data[6] = {0};

    /* NULL out-pointers. */
    CHECK_STATUS(sg_add(t, t, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("sg_add: out must not be NULL");
    CHECK_STATUS(sg_tensor_item(t, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_ndim(t, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_grad(t, NULL), SG_ERR_INVALID_ARGUMENT);

    /* Shapes: NULL with a length, too many dimensions, a "negative" size_t, negative and
       overflowing sizes, data missing. */
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_zeros(NULL, 2, SG_FLOAT32, &out));
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_zeros(shape, SG_MAX_DIMS + 1, SG_FLOAT32, &out));
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_zeros(shape, (size_t)-1, SG_FLOAT32, &out));
    int64_t negative[] = {2, -1};
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_ones(negative, 2, SG_FLOAT32, &out));
    CHECK_ERROR_HAS("Trying to create tensor with negative dimension -1: [2, -1]");
    int64_t huge[] = {INT64_MAX, 2};
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_ones(huge, 2, SG_FLOAT32, &out));
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_tensor_from_data(NULL, shape, 2, SG_FLOAT32, &out));
    CHECK_ERROR_HAS("data is NULL");

    /* Unknown dtypes. */
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_tensor_from_data(data, shape, 2, (sg_dtype)42, &out));
    CHECK_ERROR_HAS("unknown dtype 42");
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_to_dtype(t, (sg_dtype)-3, &out));

    /* arange with a zero step, a wrong-signed step, NaN bounds, an overflowing length. */
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_arange(0, 4, 0, SG_FLOAT32, &out));
    CHECK_ERROR_HAS("step must be nonzero");
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_arange(0, 4, -1, SG_FLOAT32, &out));
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_arange(NAN, 4, 1, SG_FLOAT32, &out));
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_arange(0, INFINITY, 1, SG_FLOAT32, &out));
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_arange(0, 1e300, 1e-300, SG_FLOAT32, &out));
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_full(shape, 2, NAN, SG_INT64, &out));
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_full(shape, 2, 1e300, SG_INT64, &out));

    /* item of a multi-element tensor; plain outputs are left untouched on failure. */
    double value = 42;
    CHECK_STATUS(sg_tensor_item(t, &value), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("a Tensor with 3 elements cannot be converted to Scalar");
    CHECK(value == 42);

    /* Buffers: too small for copy_to (nothing written), NULL with a size. */
    float small[2] = {-1, -1};
    CHECK_STATUS(sg_tensor_copy_to(t, small, sizeof small), SG_ERR_INVALID_ARGUMENT);
    CHECK(small[0] == -1 && small[1] == -1);
    CHECK_STATUS(sg_tensor_copy_to(t, NULL, 100), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_to_string(t, NULL, 10, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_grad_fn_name(t, NULL, 10, NULL), SG_ERR_INVALID_ARGUMENT);
    int64_t dims[1];
    size_t ndim = 77;
    CHECK_STATUS(sg_tensor_shape(t, NULL, 1, &ndim), SG_ERR_INVALID_ARGUMENT);
    CHECK(ndim == 77);
    CHECK_OK(sg_tensor_shape(t, dims, 1, &ndim));

    /* Bad dims for sum_dims. */
    int64_t twice[] = {0, 0}, out_of_range[] = {3};
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_sum_dims(t, twice, 2, false, &out));
    CHECK_ERROR_HAS("dim 0 appears multiple times in the list of dims");
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_sum_dims(t, out_of_range, 1, false, &out));
    CHECK_ERROR_HAS("Dimension out of range (expected to be in range of [-1, 0], but got 3)");
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_sum_dims(t, NULL, 1, false, &out));
    CHECK_OK(sg_tensor_free(t));
}

static void test_shape_and_dtype_errors(void) {
    sg_tensor *out, *a = vector(3), *b = vector(4), *m, *d, *i, *flags;
    int64_t square[] = {2, 2};
    CHECK_FAILS(SG_ERR_SHAPE, out, sg_mul(a, b, &out));
    CHECK(strcmp(sg_last_error(), "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0") == 0);
    CHECK_OK(sg_zeros(square, 2, SG_FLOAT32, &m));
    CHECK_FAILS(SG_ERR_SHAPE, out, sg_dot(m, a, &out));
    CHECK(strcmp(sg_last_error(), "1D tensors expected, but got 2D and 1D tensors") == 0);
    CHECK_FAILS(SG_ERR_SHAPE, out, sg_dot(a, b, &out));
    CHECK_ERROR_HAS("inconsistent tensor size, expected tensor [3] and src [4]");

    CHECK_OK(sg_zeros(square, 1, SG_FLOAT64, &d));
    CHECK_OK(sg_arange(0, 2, 1, SG_INT64, &i));
    CHECK_OK(sg_gt_scalar(i, 0, &flags));
    CHECK_FAILS(SG_ERR_DTYPE, out, sg_dot(a, d, &out));
    CHECK(strcmp(sg_last_error(), "dot : expected both vectors to have same dtype, but found Float and Double") == 0);
    CHECK_FAILS(SG_ERR_DTYPE, out, sg_norm(i, &out));
    CHECK_FAILS(SG_ERR_DTYPE, out, sg_neg(flags, &out));
    CHECK_FAILS(SG_ERR_DTYPE, out, sg_sub(flags, flags, &out));
    CHECK_FAILS(SG_ERR_DTYPE, out, sg_randn(square, 2, SG_INT64, NULL, &out));
    CHECK_FAILS(SG_ERR_DTYPE, out, sg_dot(flags, flags, &out));
    CHECK_FAILS(SG_ERR_DTYPE, out, sg_arange(0, 2, 1, SG_BOOL, &out));

    sg_tensor *list[] = {a, b, m, d, i, flags};
    for (size_t k = 0; k < sizeof list / sizeof *list; k++) CHECK_OK(sg_tensor_free(list[k]));
}

static void test_autograd_errors(void) {
    sg_tensor *out, *x = vector(4), *y, *s, *wrong, *ints;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_mul_scalar(x, 2, &y));

    CHECK_STATUS(sg_backward(y, NULL, false), SG_ERR_AUTOGRAD);
    CHECK(strcmp(sg_last_error(), "grad can be implicitly created only for scalar outputs") == 0);

    wrong = vector(3);
    CHECK_STATUS(sg_backward(y, wrong, false), SG_ERR_SHAPE);
    CHECK(strcmp(sg_last_error(), "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([4]).") == 0);

    CHECK_STATUS(sg_backward(wrong, NULL, false), SG_ERR_AUTOGRAD);
    CHECK(strcmp(sg_last_error(), "element 0 of tensors does not require grad and does not have a grad_fn") == 0);

    /* A second backward through a freed graph. */
    CHECK_OK(sg_dot(x, x, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_STATUS(sg_backward(s, NULL, false), SG_ERR_AUTOGRAD);
    CHECK_ERROR_HAS("Trying to backward through the graph a second time");
    CHECK_ERROR_HAS("Specify retain_graph=True");

    /* requires_grad on integers, and turning it off on a non-leaf. */
    CHECK_OK(sg_arange(0, 3, 1, SG_INT64, &ints));
    CHECK_STATUS(sg_tensor_set_requires_grad(ints, true), SG_ERR_AUTOGRAD);
    CHECK(strcmp(sg_last_error(), "Only Tensors of floating point and complex dtype can require gradients") == 0);
    CHECK_STATUS(sg_tensor_set_requires_grad(y, false), SG_ERR_AUTOGRAD);
    CHECK_ERROR_HAS("you can only change requires_grad flags of leaf variables.");

    /* In-place on a leaf that requires grad; a saved value overwritten in place. */
    CHECK_STATUS(sg_zero_(x), SG_ERR_AUTOGRAD);
    CHECK(strcmp(sg_last_error(), "a leaf Variable that requires grad is being used in an in-place operation.") == 0);
    sg_tensor *sq, *total, *alias;
    CHECK_OK(sg_mul(x, x, &sq));
    CHECK_OK(sg_sum(sq, &total));
    CHECK_OK(sg_tensor_detach(x, &alias));
    CHECK_OK(sg_zero_(alias));
    CHECK_STATUS(sg_backward(total, NULL, false), SG_ERR_AUTOGRAD);
    CHECK_ERROR_HAS("modified by an inplace operation: [torch.FloatTensor [4]] is at version 1; expected version 0");

    /* Setting a gradient of the wrong shape or dtype. */
    CHECK_STATUS(sg_tensor_set_grad(x, wrong), SG_ERR_SHAPE);
    CHECK_STATUS(sg_tensor_set_grad(x, ints), SG_ERR_DTYPE);

    sg_tensor *list[] = {x, y, s, wrong, ints, sq, total, alias};
    for (size_t k = 0; k < sizeof list / sizeof *list; k++) CHECK_OK(sg_tensor_free(list[k]));
    (void)out;
}

static void test_out_of_memory(void) {
    sg_tensor *out;
    int64_t petabytes[] = {(int64_t)1 << 40, (int64_t)1 << 20}; /* 4 PiB of float32 */
    CHECK_FAILS(SG_ERR_OUT_OF_MEMORY, out, sg_zeros(petabytes, 2, SG_FLOAT32, &out));
    int64_t too_many_bytes[] = {(int64_t)1 << 61}; /* 2^64 bytes of int64 */
    CHECK_FAILS(SG_ERR_OUT_OF_MEMORY, out, sg_full(too_many_bytes, 1, 1, SG_INT64, &out));
}

/* The last error stays until the next failing call on the same thread. */
static void test_last_error_lifetime(void) {
    sg_tensor *out, *t = vector(2);
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_arange(0, 1, 0, SG_FLOAT32, &out));
    const char *message = sg_last_error();
    CHECK_OK(sg_neg(t, &out));
    CHECK(sg_last_error() == message && strcmp(message, "step must be nonzero") == 0);
    CHECK_OK(sg_tensor_free(out));
    CHECK_OK(sg_tensor_free(t));
}

/* Whether two results have the same dtype, element count and bytes (at most 64 bytes). */
static bool same_result(const sg_tensor *x, const sg_tensor *y) {
    sg_dtype dx, dy;
    int64_t nx, ny;
    unsigned char bx[64] = {0}, by[64] = {0};
    CHECK_OK(sg_tensor_dtype(x, &dx));
    CHECK_OK(sg_tensor_dtype(y, &dy));
    CHECK_OK(sg_tensor_numel(x, &nx));
    CHECK_OK(sg_tensor_numel(y, &ny));
    CHECK_OK(sg_tensor_copy_to(x, bx, sizeof bx));
    CHECK_OK(sg_tensor_copy_to(y, by, sizeof by));
    return dx == dy && nx == ny && memcmp(bx, by, sizeof bx) == 0;
}

typedef sg_status (*binary_fn)(const sg_tensor *, const sg_tensor *, sg_tensor **);
typedef sg_tensor *(*binary_r_fn)(const sg_tensor *, const sg_tensor *);
typedef sg_status (*scalar_fn)(const sg_tensor *, double, sg_tensor **);
typedef sg_tensor *(*scalar_r_fn)(const sg_tensor *, double);

static const struct { const char *name; binary_fn status_form; binary_r_fn returning; } binary_forms[] = {
    {"add", sg_add, sg_add_r}, {"sub", sg_sub, sg_sub_r}, {"mul", sg_mul, sg_mul_r},
    {"div", sg_div, sg_div_r}, {"pow", sg_pow, sg_pow_r}, {"eq", sg_eq, sg_eq_r}, {"ne", sg_ne, sg_ne_r},
    {"lt", sg_lt, sg_lt_r}, {"le", sg_le, sg_le_r}, {"gt", sg_gt, sg_gt_r}, {"ge", sg_ge, sg_ge_r},
};
static const struct { const char *name; scalar_fn status_form; scalar_r_fn returning; } scalar_forms[] = {
    {"add_scalar", sg_add_scalar, sg_add_scalar_r}, {"sub_scalar", sg_sub_scalar, sg_sub_scalar_r},
    {"rsub_scalar", sg_rsub_scalar, sg_rsub_scalar_r}, {"mul_scalar", sg_mul_scalar, sg_mul_scalar_r},
    {"div_scalar", sg_div_scalar, sg_div_scalar_r}, {"rdiv_scalar", sg_rdiv_scalar, sg_rdiv_scalar_r},
    {"pow_scalar", sg_pow_scalar, sg_pow_scalar_r}, {"rpow_scalar", sg_rpow_scalar, sg_rpow_scalar_r},
    {"eq_scalar", sg_eq_scalar, sg_eq_scalar_r}, {"ne_scalar", sg_ne_scalar, sg_ne_scalar_r},
    {"lt_scalar", sg_lt_scalar, sg_lt_scalar_r}, {"le_scalar", sg_le_scalar, sg_le_scalar_r},
    {"gt_scalar", sg_gt_scalar, sg_gt_scalar_r}, {"ge_scalar", sg_ge_scalar, sg_ge_scalar_r},
};

/* Every returning form gives its status form's result (dtype and bits), and NULL with the same
   status where that form fails (operands that do not broadcast, a freed handle). */
static void test_returning_forms_match_their_status_forms(void) {
    sg_tensor *a = vector(4), *b = NULL, *three = vector(3), *freed = vector(1), *x, *y;
    CHECK_OK(sg_add_scalar(a, 0.5, &b));
    CHECK_OK(sg_tensor_free(freed));
    for (size_t i = 0; i < sizeof binary_forms / sizeof binary_forms[0]; i++) {
        CHECK_OK(binary_forms[i].status_form(a, b, &x));
        y = binary_forms[i].returning(a, b);
        CHECK(y != NULL && same_result(x, y));
        if (y == NULL || !same_result(x, y)) fprintf(stderr, "  sg_%s_r differs from sg_%s\n", binary_forms[i].name, binary_forms[i].name);
        CHECK_OK(sg_tensor_free(x));
        CHECK_OK(sg_tensor_free(y));
        CHECK_FAILS(SG_ERR_SHAPE, x, binary_forms[i].status_form(a, three, &x));
        CHECK(binary_forms[i].returning(a, three) == NULL && sg_last_status() == SG_ERR_SHAPE);
        CHECK(binary_forms[i].returning(freed, b) == NULL && sg_last_status() == SG_ERR_INVALID_HANDLE);
    }
    for (size_t i = 0; i < sizeof scalar_forms / sizeof scalar_forms[0]; i++) {
        CHECK_OK(scalar_forms[i].status_form(b, 1.5, &x));
        y = scalar_forms[i].returning(b, 1.5);
        CHECK(y != NULL && same_result(x, y));
        if (y == NULL || !same_result(x, y)) fprintf(stderr, "  sg_%s_r differs from sg_%s\n", scalar_forms[i].name, scalar_forms[i].name);
        CHECK_OK(sg_tensor_free(x));
        CHECK_OK(sg_tensor_free(y));
        CHECK(scalar_forms[i].returning(freed, 1.5) == NULL && sg_last_status() == SG_ERR_INVALID_HANDLE);
    }
    CHECK_OK(sg_tensor_free(a));
    CHECK_OK(sg_tensor_free(b));
    CHECK_OK(sg_tensor_free(three));
}

/* The returning forms (sg_NAME_r) give NAME's result, and on failure NULL with NAME's status in
   sg_last_status() and its message in sg_last_error(). */
static void test_returning_forms(void) {
    sg_tensor *a = vector(4), *b = NULL, *out = NULL, *three = vector(3);
    CHECK_OK(sg_add_scalar(a, 0.5, &b)); /* 0.5, 1.5, 2.5, 3.5 */
    float want[4], got[4];
    sg_tensor *r;

    CHECK_OK(sg_mul(a, b, &out));
    r = sg_mul_r(a, b);
    CHECK(r != NULL);
    read_floats(out, want, 4);
    read_floats(r, got, 4);
    CHECK(memcmp(want, got, sizeof want) == 0 && got[3] == 10.5f);
    CHECK_OK(sg_tensor_free(out));
    CHECK_OK(sg_tensor_free(r));

    r = sg_rsub_scalar_r(a, 10); /* 10 - a */
    CHECK(r != NULL);
    read_floats(r, got, 4);
    CHECK(got[0] == 10 && got[3] == 7);
    CHECK_OK(sg_tensor_free(r));

    sg_dtype dtype;
    r = sg_lt_scalar_r(a, 2); /* a comparison gives bool */
    CHECK(r != NULL);
    CHECK_OK(sg_tensor_dtype(r, &dtype));
    CHECK(dtype == SG_BOOL);
    CHECK_OK(sg_tensor_free(r));

    double value;
    r = sg_sum_r(b);
    CHECK(r != NULL);
    CHECK_OK(sg_tensor_item(r, &value));
    CHECK(value == 8);
    CHECK_OK(sg_tensor_free(r));
    /* Over dims: b as [[0.5, 1.5], [2.5, 3.5]]; the sum and mean over dim -1, and failures. */
    sg_tensor *b2 = NULL;
    CHECK_OK(sg_reshape(b, (int64_t[]){2, 2}, 2, &b2));
    int64_t last[] = {-1}, twice[] = {0, 0};
    sg_tensor *status_form = NULL;
    r = sg_sum_dims_r(b2, last, 1, true);
    CHECK_OK(sg_sum_dims(b2, last, 1, true, &status_form));
    CHECK(r != NULL && same_result(status_form, r));
    read_floats(r, got, 2);
    CHECK(got[0] == 2 && got[1] == 6);
    CHECK_OK(sg_tensor_free(r));
    CHECK_OK(sg_tensor_free(status_form));
    r = sg_mean_dims_r(b2, last, 1, false);
    CHECK(r != NULL);
    read_floats(r, got, 2);
    CHECK(got[0] == 1 && got[1] == 3);
    CHECK_OK(sg_tensor_free(r));
    CHECK(sg_sum_dims_r(b2, twice, 2, false) == NULL);
    CHECK(sg_last_status() == SG_ERR_INVALID_ARGUMENT);
    CHECK(sg_mean_dims_r(b2, NULL, 1, false) == NULL);
    CHECK(sg_last_status() == SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_tensor_free(b2));
    r = sg_norm_r(a); /* sqrt(0 + 1 + 4 + 9) */
    CHECK(r != NULL);
    CHECK_OK(sg_tensor_item(r, &value));
    CHECK(fabs(value - sqrt(14.0)) < 1e-6);
    CHECK_OK(sg_tensor_free(r));

    /* Failures: the status and message of the status-returning form. */
    CHECK_FAILS(SG_ERR_SHAPE, out, sg_add(a, three, &out));
    char expected[256];
    snprintf(expected, sizeof expected, "%s", sg_last_error());
    CHECK_OK(sg_neg(a, &out)); /* a success in between changes neither */
    CHECK_OK(sg_tensor_free(out));
    CHECK(sg_last_status() == SG_ERR_SHAPE);
    CHECK(sg_add_r(a, three) == NULL);
    CHECK(sg_last_status() == SG_ERR_SHAPE);
    CHECK(strcmp(sg_last_error(), expected) == 0);
    CHECK(sg_ge_r(NULL, a) == NULL);
    CHECK(sg_last_status() == SG_ERR_INVALID_HANDLE);
    CHECK_ERROR_HAS("sg_ge_r");
    CHECK(sg_mul_scalar_r(POISON, 2) == NULL);
    CHECK(sg_last_status() == SG_ERR_INVALID_HANDLE);
    sg_tensor *freed = vector(2);
    CHECK_OK(sg_tensor_free(freed));
    CHECK(sg_sum_r(freed) == NULL);
    CHECK(sg_last_status() == SG_ERR_INVALID_HANDLE);
    sg_tensor *ints = NULL;
    CHECK_OK(sg_zeros((int64_t[]){2}, 1, SG_INT64, &ints));
    CHECK(sg_norm_r(ints) == NULL); /* norm of integers: a dtype error, as sg_norm's */
    CHECK(sg_last_status() == SG_ERR_DTYPE);
    CHECK_FAILS(SG_ERR_DTYPE, out, sg_norm(ints, &out));
    CHECK_OK(sg_tensor_free(ints));
    CHECK_OK(sg_tensor_free(a));
    CHECK_OK(sg_tensor_free(b));
    CHECK_OK(sg_tensor_free(three));
}

/* sg_tensor_is_nonzero and its returning form: the truth of one element (NaN is true), and for
   any other count PyTorch's "ambiguous" error, which the returning form reports as -1. */
static void test_is_nonzero(void) {
    const struct { double value; sg_dtype dtype; int truth; } cases[] = {
        {0, SG_FLOAT32, 0}, {-0.0, SG_FLOAT64, 0}, {2.5, SG_FLOAT32, 1}, {NAN, SG_FLOAT32, 1},
        {-1e-300, SG_FLOAT64, 1}, {0, SG_INT64, 0}, {-3, SG_INT64, 1}, {1, SG_BOOL, 1}, {0, SG_BOOL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sg_tensor *t = NULL;
        CHECK_OK(sg_full(NULL, 0, cases[i].value, cases[i].dtype, &t));
        bool truth = !cases[i].truth;
        CHECK_OK(sg_tensor_is_nonzero(t, &truth));
        CHECK(truth == (cases[i].truth == 1));
        CHECK(sg_tensor_is_nonzero_r(t) == cases[i].truth);
        CHECK_OK(sg_tensor_free(t));
    }
    sg_tensor *two = vector(2), *none = vector(0), *one = vector(1), *freed = vector(1);
    CHECK(sg_tensor_is_nonzero_r(one) == 0); /* vector(1) is [0] */
    bool truth = true;
    CHECK(sg_tensor_is_nonzero(two, &truth) == SG_ERR_INVALID_ARGUMENT && truth); /* out untouched */
    CHECK(strcmp(sg_last_error(), "Boolean value of Tensor with more than one value is ambiguous") == 0);
    CHECK(sg_tensor_is_nonzero_r(none) == -1 && sg_last_status() == SG_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(sg_last_error(), "Boolean value of Tensor with no values is ambiguous") == 0);
    CHECK(sg_tensor_is_nonzero_r(two) == -1 && sg_last_status() == SG_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(sg_last_error(), "Boolean value of Tensor with more than one value is ambiguous") == 0);
    CHECK_OK(sg_tensor_free(freed));
    CHECK(sg_tensor_is_nonzero_r(freed) == -1 && sg_last_status() == SG_ERR_INVALID_HANDLE);
    CHECK(sg_tensor_is_nonzero_r(NULL) == -1 && sg_last_status() == SG_ERR_INVALID_HANDLE);
    CHECK(sg_tensor_is_nonzero(one, NULL) == SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_tensor_free(two));
    CHECK_OK(sg_tensor_free(none));
    CHECK_OK(sg_tensor_free(one));
}

/* Last error and grad mode are per thread. */
static void *thread_body(void *arg) {
    (void)arg;
    sg_tensor *out;
    bool ok = strcmp(sg_last_error(), "") == 0 && sg_last_status() == SG_OK; /* a new thread starts clean */
    ok = ok && sg_is_grad_enabled();            /* and with grad mode on */
    ok = ok && sg_set_grad_enabled(false, NULL) == SG_OK;
    ok = ok && sg_arange(0, 1, -1, SG_FLOAT32, &out) == SG_ERR_INVALID_ARGUMENT;
    ok = ok && strcmp(sg_last_error(), "upper bound and larger bound inconsistent with step sign") == 0;
    ok = ok && sg_last_status() == SG_ERR_INVALID_ARGUMENT;
    return ok ? (void *)1 : NULL;
}

static void test_threads(void) {
    sg_tensor *out;
    CHECK_FAILS(SG_ERR_INVALID_ARGUMENT, out, sg_arange(0, 1, 0, SG_FLOAT32, &out));
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) CHECK(pthread_create(&threads[i], NULL, thread_body, NULL) == 0);
    for (int i = 0; i < 4; i++) {
        void *result = NULL;
        CHECK(pthread_join(threads[i], &result) == 0);
        CHECK(result == (void *)1);
    }
    CHECK(strcmp(sg_last_error(), "step must be nonzero") == 0);
    CHECK(sg_is_grad_enabled());
}

int main(void) {
    test_invalid_handles();
    test_invalid_arguments();
    test_shape_and_dtype_errors();
    test_autograd_errors();
    test_out_of_memory();
    test_last_error_lifetime();
    test_returning_forms();
    test_returning_forms_match_their_status_forms();
    test_is_nonzero();
    test_threads();
    return check_summary("test_errors");
}
