/* Every function of swiftgrad.h on its happy path: creation, queries, autograd state, and each
   operation with values computed by hand. */
#include <math.h>
#include "check.h"

static sg_tensor *floats(const float *values, int64_t n) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, &n, 1, SG_FLOAT32, &t));
    return t;
}

static void test_library(void) {
    CHECK(sg_version() == SG_VERSION_NUMBER);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", SG_VERSION_MAJOR, SG_VERSION_MINOR, SG_VERSION_PATCH);
    CHECK(strcmp(sg_version_string(), expected) == 0);
    CHECK(strcmp(sg_last_error(), "") == 0); /* nothing has failed on this thread yet */
    CHECK(strcmp(sg_status_string(SG_OK), "SG_OK") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_INVALID_ARGUMENT), "SG_ERR_INVALID_ARGUMENT") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_INVALID_HANDLE), "SG_ERR_INVALID_HANDLE") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_SHAPE), "SG_ERR_SHAPE") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_DTYPE), "SG_ERR_DTYPE") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_AUTOGRAD), "SG_ERR_AUTOGRAD") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_OUT_OF_MEMORY), "SG_ERR_OUT_OF_MEMORY") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_INTERNAL), "SG_ERR_INTERNAL") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_CALLBACK), "SG_ERR_CALLBACK") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_IO), "SG_ERR_IO") == 0);
    CHECK(strcmp(sg_status_string(SG_ERR_FORMAT), "SG_ERR_FORMAT") == 0);
    CHECK(strcmp(sg_status_string((sg_status)11), "SG_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(sg_status_string((sg_status)99), "SG_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(sg_status_string((sg_status)-1), "SG_UNKNOWN_STATUS") == 0);
    CHECK(sg_live_tensor_count() == 0);
}

static void test_creation_and_queries(void) {
    sg_tensor *t;
    int64_t shape[] = {2, 3};
    double data64[] = {1, 2, 3, 4, 5, 6};
    CHECK_OK(sg_tensor_from_data(data64, shape, 2, SG_FLOAT64, &t));
    sg_dtype dtype;
    size_t ndim;
    int64_t numel, dims[SG_MAX_DIMS];
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    CHECK(dtype == SG_FLOAT64);
    CHECK_OK(sg_tensor_ndim(t, &ndim));
    CHECK(ndim == 2);
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK(numel == 6);
    CHECK_OK(sg_tensor_shape(t, NULL, 0, &ndim)); /* ask for the rank only */
    CHECK(ndim == 2);
    dims[1] = -7;
    CHECK_OK(sg_tensor_shape(t, dims, 1, &ndim)); /* a short buffer gets a prefix */
    CHECK(dims[0] == 2 && dims[1] == -7 && ndim == 2);
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &ndim));
    CHECK(dims[0] == 2 && dims[1] == 3);
    double back[6];
    CHECK_OK(sg_tensor_copy_to(t, back, sizeof back));
    CHECK(memcmp(back, data64, sizeof back) == 0);
    CHECK_REPR(t, "tensor([[1., 2., 3.],\n        [4., 5., 6.]], dtype=torch.float64)");
    /* The data was copied: changing the caller's array changes nothing. */
    data64[0] = 100;
    CHECK_OK(sg_tensor_copy_to(t, back, sizeof back));
    CHECK(back[0] == 1);
    sg_tensor_free(t);

    /* int64 and bool; bool bytes other than 0 and 1 read as true. */
    int64_t ints[] = {-3, 12}, two = 2;
    CHECK_OK(sg_tensor_from_data(ints, &two, 1, SG_INT64, &t));
    CHECK_REPR(t, "tensor([-3, 12])");
    sg_tensor_free(t);
    unsigned char bytes[] = {0, 2};
    CHECK_OK(sg_tensor_from_data(bytes, &two, 1, SG_BOOL, &t));
    CHECK_REPR(t, "tensor([False,  True])");
    unsigned char back_bytes[2];
    CHECK_OK(sg_tensor_copy_to(t, back_bytes, 2));
    CHECK(back_bytes[0] == 0 && back_bytes[1] == 1);
    sg_tensor_free(t);

    /* A 0-d scalar: ndim 0, shape may be NULL. */
    float pi = 3.14159f;
    CHECK_OK(sg_tensor_from_data(&pi, NULL, 0, SG_FLOAT32, &t));
    CHECK_OK(sg_tensor_ndim(t, &ndim));
    CHECK(ndim == 0);
    CHECK(fabs(item_of(t) - 3.14159) < 1e-6);
    CHECK_REPR(t, "tensor(3.1416)");
    sg_tensor_free(t);

    /* Empty tensors. */
    int64_t empty[] = {0, 3};
    CHECK_OK(sg_tensor_from_data(NULL, empty, 2, SG_FLOAT32, &t));
    CHECK_REPR(t, "tensor([], size=(0, 3))");
    CHECK_OK(sg_tensor_copy_to(t, NULL, 0));
    sg_tensor_free(t);

    CHECK_OK(sg_zeros(shape, 2, SG_INT64, &t));
    CHECK_REPR(t, "tensor([[0, 0, 0],\n        [0, 0, 0]])");
    sg_tensor_free(t);
    CHECK_OK(sg_ones(shape, 1, SG_BOOL, &t));
    CHECK_REPR(t, "tensor([True, True])");
    sg_tensor_free(t);
    CHECK_OK(sg_full(NULL, 0, 2.5, SG_FLOAT64, &t));
    CHECK_REPR(t, "tensor(2.5000, dtype=torch.float64)");
    sg_tensor_free(t);
    CHECK_OK(sg_full(shape, 1, -7.9, SG_INT64, &t)); /* truncates toward zero */
    CHECK_REPR(t, "tensor([-7, -7])");
    sg_tensor_free(t);
    CHECK_OK(sg_arange(1, 2, 0.25, SG_FLOAT32, &t));
    CHECK_REPR(t, "tensor([1.0000, 1.2500, 1.5000, 1.7500])");
    sg_tensor_free(t);
    CHECK_OK(sg_arange(10, 0, -3, SG_INT64, &t));
    CHECK_REPR(t, "tensor([10,  7,  4,  1])");
    sg_tensor_free(t);

    /* randn: reproducible per seed, and roughly standard normal. */
    int64_t many[] = {20000};
    sg_tensor *mean_sum, *sq;
    CHECK_OK(sg_manual_seed(123));
    CHECK_OK(sg_randn(many, 1, SG_FLOAT64, NULL, &t));
    CHECK_OK(sg_sum(t, &mean_sum));
    CHECK_OK(sg_norm(t, &sq));
    double mean = item_of(mean_sum) / 20000, var = item_of(sq) * item_of(sq) / 20000;
    CHECK(fabs(mean) < 0.03 && fabs(var - 1) < 0.05);
    sg_tensor_free(sq);
    sg_tensor_free(mean_sum);
    sg_tensor_free(t);

    /* to_string: truncation keeps a NUL and reports the size needed. */
    char small[8];
    size_t needed = 0;
    CHECK_OK(sg_arange(0, 4, 1, SG_FLOAT32, &t));
    CHECK_OK(sg_tensor_to_string(t, small, sizeof small, &needed));
    CHECK(needed == strlen("tensor([0., 1., 2., 3.])") + 1);
    CHECK(strcmp(small, "tensor(") == 0);
    CHECK_OK(sg_tensor_to_string(t, NULL, 0, &needed));
    sg_tensor_free(t);
}

static void test_autograd_state(void) {
    float v[] = {1, 2, 3};
    sg_tensor *x = floats(v, 3), *y, *g, *grad, *d;
    bool flag;
    CHECK_OK(sg_tensor_requires_grad(x, &flag));
    CHECK(!flag);
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_tensor_requires_grad(x, &flag));
    CHECK(flag);
    CHECK_OK(sg_tensor_is_leaf(x, &flag));
    CHECK(flag);

    char name[64];
    size_t needed;
    CHECK_OK(sg_tensor_grad_fn_name(x, name, sizeof name, &needed));
    CHECK(strcmp(name, "") == 0 && needed == 1);
    CHECK_OK(sg_mul(x, x, &y));
    CHECK_OK(sg_tensor_grad_fn_name(y, name, sizeof name, &needed));
    CHECK(strcmp(name, "MulBackward0") == 0 && needed == 13);
    CHECK_OK(sg_tensor_is_leaf(y, &flag));
    CHECK(!flag);

    /* Preset gradient, then backward with retain_graph twice: 1 + 2 * (2x). (The preset and
       the seed are distinct tensors: x.grad = g shares g, and accumulation writes into it.) */
    float ones[] = {1, 1, 1};
    sg_tensor *preset = floats(ones, 3);
    g = floats(ones, 3);
    CHECK_OK(sg_tensor_set_grad(x, preset));
    CHECK_OK(sg_backward(y, g, true));
    CHECK_OK(sg_backward(y, g, false));
    float seen[3];
    read_floats(preset, seen, 3); /* the gradient is the preset tensor itself, as in PyTorch */
    CHECK(seen[0] == 5 && seen[1] == 9 && seen[2] == 13);
    sg_tensor_free(preset);
    CHECK_OK(sg_tensor_grad(x, &grad));
    float got[3];
    read_floats(grad, got, 3);
    CHECK(got[0] == 5 && got[1] == 9 && got[2] == 13);
    CHECK_OK(sg_tensor_zero_grad(x));
    read_floats(grad, got, 3);
    CHECK(got[0] == 0 && got[1] == 0 && got[2] == 0);
    CHECK_OK(sg_tensor_set_grad(x, NULL));
    sg_tensor_free(grad);
    CHECK_OK(sg_tensor_grad(x, &grad));
    CHECK(grad == NULL);
    CHECK_OK(sg_tensor_zero_grad(x)); /* no gradient: nothing to do */

    /* Grad mode: off records nothing, per thread, and reports the previous setting. */
    bool previous = false;
    CHECK(sg_is_grad_enabled());
    CHECK_OK(sg_set_grad_enabled(false, &previous));
    CHECK(previous && !sg_is_grad_enabled());
    CHECK_OK(sg_mul(x, x, &d));
    CHECK_OK(sg_tensor_requires_grad(d, &flag));
    CHECK(!flag);
    CHECK_OK(sg_zero_(x)); /* in-place on a leaf is allowed without grad mode */
    CHECK_OK(sg_set_grad_enabled(true, NULL));
    CHECK(sg_is_grad_enabled());
    sg_tensor_free(d);

    CHECK_OK(sg_tensor_detach(y, &d));
    CHECK_OK(sg_tensor_requires_grad(d, &flag));
    CHECK(!flag);
    sg_tensor_free(d);
    sg_tensor_free(g);
    sg_tensor_free(y);
    sg_tensor_free(x);
}

/* Applies a binary op, checks its float32 values against `expected` (n elements). */
static void check_values(sg_tensor *t, const float *expected, int n, const char *what) {
    float got[16];
    read_floats(t, got, (size_t)n);
    for (int i = 0; i < n; i++) {
        if (!(fabsf(got[i] - expected[i]) <= 1e-5f * fmaxf(1, fabsf(expected[i])))) {
            check_failures++;
            fprintf(stderr, "%s[%d] = %g, expected %g\n", what, i, got[i], expected[i]);
        }
    }
    sg_tensor_free(t);
}

static void test_operations(void) {
    float av[] = {1, 2, 4}, bv[] = {2, 0.5f, 2};
    sg_tensor *a = floats(av, 3), *b = floats(bv, 3), *t;
    CHECK_OK(sg_add(a, b, &t)); check_values(t, (float[]){3, 2.5f, 6}, 3, "add");
    CHECK_OK(sg_sub(a, b, &t)); check_values(t, (float[]){-1, 1.5f, 2}, 3, "sub");
    CHECK_OK(sg_mul(a, b, &t)); check_values(t, (float[]){2, 1, 8}, 3, "mul");
    CHECK_OK(sg_div(a, b, &t)); check_values(t, (float[]){0.5f, 4, 2}, 3, "div");
    CHECK_OK(sg_pow(a, b, &t)); check_values(t, (float[]){1, 1.41421356f, 16}, 3, "pow");
    CHECK_OK(sg_add_scalar(a, 1, &t)); check_values(t, (float[]){2, 3, 5}, 3, "add_scalar");
    CHECK_OK(sg_sub_scalar(a, 1, &t)); check_values(t, (float[]){0, 1, 3}, 3, "sub_scalar");
    CHECK_OK(sg_rsub_scalar(a, 1, &t)); check_values(t, (float[]){0, -1, -3}, 3, "rsub_scalar");
    CHECK_OK(sg_mul_scalar(a, 3, &t)); check_values(t, (float[]){3, 6, 12}, 3, "mul_scalar");
    CHECK_OK(sg_div_scalar(a, 4, &t)); check_values(t, (float[]){0.25f, 0.5f, 1}, 3, "div_scalar");
    CHECK_OK(sg_rdiv_scalar(a, 4, &t)); check_values(t, (float[]){4, 2, 1}, 3, "rdiv_scalar");
    CHECK_OK(sg_pow_scalar(a, 2, &t)); check_values(t, (float[]){1, 4, 16}, 3, "pow_scalar");
    CHECK_OK(sg_rpow_scalar(a, 2, &t)); check_values(t, (float[]){2, 4, 16}, 3, "rpow_scalar");
    CHECK_OK(sg_neg(a, &t)); check_values(t, (float[]){-1, -2, -4}, 3, "neg");
    CHECK_OK(sg_exp(a, &t)); check_values(t, (float[]){2.7182818f, 7.3890561f, 54.598150f}, 3, "exp");
    CHECK_OK(sg_log(a, &t)); check_values(t, (float[]){0, 0.69314718f, 1.3862944f}, 3, "log");
    CHECK_OK(sg_clone(a, &t)); check_values(t, av, 3, "clone");
    CHECK_OK(sg_dot(a, b, &t)); check_values(t, (float[]){11}, 1, "dot");
    CHECK_OK(sg_sum(a, &t)); check_values(t, (float[]){7}, 1, "sum");
    CHECK_OK(sg_norm(a, &t)); check_values(t, (float[]){4.5825757f}, 1, "norm");

    /* Comparisons give bool tensors. */
    CHECK_OK(sg_eq(a, b, &t)); CHECK_REPR(t, "tensor([False, False, False])"); sg_tensor_free(t);
    CHECK_OK(sg_ne(a, b, &t)); CHECK_REPR(t, "tensor([True, True, True])"); sg_tensor_free(t);
    CHECK_OK(sg_lt(a, b, &t)); CHECK_REPR(t, "tensor([ True, False, False])"); sg_tensor_free(t);
    CHECK_OK(sg_le(a, b, &t)); CHECK_REPR(t, "tensor([ True, False, False])"); sg_tensor_free(t);
    CHECK_OK(sg_gt(a, b, &t)); CHECK_REPR(t, "tensor([False,  True,  True])"); sg_tensor_free(t);
    CHECK_OK(sg_ge(a, b, &t)); CHECK_REPR(t, "tensor([False,  True,  True])"); sg_tensor_free(t);
    CHECK_OK(sg_eq_scalar(a, 2, &t)); CHECK_REPR(t, "tensor([False,  True, False])"); sg_tensor_free(t);
    CHECK_OK(sg_ne_scalar(a, 2, &t)); CHECK_REPR(t, "tensor([ True, False,  True])"); sg_tensor_free(t);
    CHECK_OK(sg_lt_scalar(a, 2, &t)); CHECK_REPR(t, "tensor([ True, False, False])"); sg_tensor_free(t);
    CHECK_OK(sg_le_scalar(a, 2, &t)); CHECK_REPR(t, "tensor([ True,  True, False])"); sg_tensor_free(t);
    CHECK_OK(sg_gt_scalar(a, 2, &t)); CHECK_REPR(t, "tensor([False, False,  True])"); sg_tensor_free(t);
    CHECK_OK(sg_ge_scalar(a, 2, &t)); CHECK_REPR(t, "tensor([False,  True,  True])"); sg_tensor_free(t);

    /* Broadcasting a [2, 1] against [3], sum over dims, and conversions. */
    int64_t col[] = {2, 1};
    float cv[] = {10, 20};
    sg_tensor *c, *s;
    CHECK_OK(sg_tensor_from_data(cv, col, 2, SG_FLOAT32, &c));
    CHECK_OK(sg_add(c, a, &t));
    CHECK_REPR(t, "tensor([[11., 12., 14.],\n        [21., 22., 24.]])");
    int64_t dim0[] = {0}, dim_last[] = {-1};
    CHECK_OK(sg_sum_dims(t, dim0, 1, false, &s)); CHECK_REPR(s, "tensor([32., 34., 38.])"); sg_tensor_free(s);
    CHECK_OK(sg_sum_dims(t, dim_last, 1, true, &s)); CHECK_REPR(s, "tensor([[37.],\n        [67.]])"); sg_tensor_free(s);
    CHECK_OK(sg_sum_dims(t, NULL, 0, false, &s)); CHECK_REPR(s, "tensor(104.)"); sg_tensor_free(s);
    CHECK_OK(sg_to_dtype(t, SG_INT64, &s)); CHECK_REPR(s, "tensor([[11, 12, 14],\n        [21, 22, 24]])"); sg_tensor_free(s);
    sg_tensor_free(t);
    sg_tensor_free(c);

    /* Type promotion: an int64 tensor with a float scalar is float32; bool + bool stays bool. */
    sg_tensor *i, *flags;
    CHECK_OK(sg_arange(0, 3, 1, SG_INT64, &i));
    CHECK_OK(sg_mul_scalar(i, 2.5, &t)); CHECK_REPR(t, "tensor([0.0000, 2.5000, 5.0000])"); sg_tensor_free(t);
    CHECK_OK(sg_add(i, a, &t)); CHECK_REPR(t, "tensor([1., 3., 6.])"); sg_tensor_free(t);
    CHECK_OK(sg_div(i, i, &t)); CHECK_REPR(t, "tensor([nan, 1., 1.])"); sg_tensor_free(t);
    CHECK_OK(sg_sum(i, &t)); CHECK_REPR(t, "tensor(3)"); sg_tensor_free(t);
    CHECK_OK(sg_gt_scalar(i, 0, &flags));
    CHECK_OK(sg_add(flags, flags, &t)); CHECK_REPR(t, "tensor([False,  True,  True])"); sg_tensor_free(t);
    CHECK_OK(sg_sum(flags, &t)); CHECK_REPR(t, "tensor(2)"); sg_tensor_free(t);
    sg_tensor_free(flags);
    sg_tensor_free(i);

    CHECK_OK(sg_zero_(a));
    CHECK_REPR(a, "tensor([0., 0., 0.])");
    sg_tensor_free(a);
    sg_tensor_free(b);
}

/* Gradients through the C ABI against hand derivations: d/da sum(a * b + a / b) = b + 1/b. */
static void test_gradients(void) {
    float av[] = {1, 2, 4}, bv[] = {2, 0.5f, 4};
    sg_tensor *a = floats(av, 3), *b = floats(bv, 3), *p, *q, *r, *s, *ga, *gb;
    CHECK_OK(sg_tensor_set_requires_grad(a, true));
    CHECK_OK(sg_tensor_set_requires_grad(b, true));
    CHECK_OK(sg_mul(a, b, &p));
    CHECK_OK(sg_div(a, b, &q));
    CHECK_OK(sg_add(p, q, &r));
    CHECK_OK(sg_sum(r, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_OK(sg_tensor_grad(a, &ga));
    CHECK_OK(sg_tensor_grad(b, &gb));
    float got[3];
    read_floats(ga, got, 3);
    for (int i = 0; i < 3; i++) CHECK(fabsf(got[i] - (bv[i] + 1 / bv[i])) < 1e-6f);
    read_floats(gb, got, 3); /* d/db = a - a / b^2 */
    for (int i = 0; i < 3; i++) CHECK(fabsf(got[i] - (av[i] - av[i] / (bv[i] * bv[i]))) < 1e-5f);
    sg_tensor *list[] = {a, b, p, q, r, s, ga, gb};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++) CHECK_OK(sg_tensor_free(list[i]));
}

int main(void) {
    test_library();
    test_creation_and_queries();
    test_autograd_state();
    test_operations();
    test_gradients();
    return check_summary("test_api");
}
