/* The in-place forms the op table derives from its ops (sg_exp_, sg_clamp_, sg_index_add_, ...):
   the result is written into the tensor passed, which keeps its handle, shape and dtype; a
   result that does not fit is refused with PyTorch's messages; a leaf that requires grad is
   refused in grad mode; a tensor in the graph takes the op's node as its grad_fn. Values worked
   out by hand. (Every in-place form is also checked against PyTorch on the op_db samples.) */
#include "check.h"

static sg_tensor *doubles(const double *values, int64_t n) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, &n, 1, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *scalar(double value) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(&value, NULL, 0, SG_FLOAT64, &t));
    return t;
}

static void expect_values(sg_tensor *t, const double *want, int64_t n, const char *what) {
    double got[8] = {0};
    CHECK_OK(sg_tensor_copy_to(t, got, (size_t)n * sizeof(double)));
    for (int64_t i = 0; i < n; i++) {
        check_count++;
        if (fabs(got[i] - want[i]) > 1e-12 * (1 + fabs(want[i]))) {
            check_failures++;
            fprintf(stderr, "%s: element %lld is %.17g, expected %.17g\n", what, (long long)i, got[i], want[i]);
        }
    }
}

static void test_values_are_written_into_the_tensor(void) {
    sg_tensor *x = doubles((const double[]){0, 1, 4}, 3);
    void *before = NULL, *after = NULL;
    CHECK_OK(sg_tensor_data_ptr(x, &before));
    CHECK_OK(sg_sqrt_(x));
    CHECK_OK(sg_tensor_data_ptr(x, &after));
    CHECK(before == after);
    expect_values(x, (const double[]){0, 1, 2}, 3, "sqrt_");
    CHECK_OK(sg_exp_(x));
    expect_values(x, (const double[]){1, exp(1), exp(2)}, 3, "exp_");
    /* clamp_ with tensor bounds (0-d here): [1, e, e^2] into [2, 5]. */
    sg_tensor *lo = doubles((const double[]){2}, 1), *hi = doubles((const double[]){5}, 1);
    CHECK_OK(sg_clamp_(x, lo, hi));
    expect_values(x, (const double[]){2, exp(1), 5}, 3, "clamp_");
    CHECK_OK(sg_clamp_(x, NULL, lo));
    expect_values(x, (const double[]){2, 2, 2}, 3, "clamp_ with max only");
    /* index_add_: x[0] += 10, x[2] += 20 (alpha 1). */
    int64_t positions[] = {0, 2}, two = 2;
    sg_tensor *index = NULL, *source = doubles((const double[]){10, 20}, 2);
    CHECK_OK(sg_tensor_from_data(positions, &two, 1, SG_INT64, &index));
    CHECK_OK(sg_index_add_(x, 0, index, source, 1.0));
    expect_values(x, (const double[]){12, 2, 22}, 3, "index_add_");
    /* A comparison writes 1 and 0 in the tensor's own dtype. */
    sg_tensor *twelve = doubles((const double[]){12}, 1);
    CHECK_OK(sg_eq_(x, twelve));
    expect_values(x, (const double[]){1, 0, 0}, 3, "eq_");
    sg_tensor *list[] = {x, lo, hi, index, source, twelve};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++) CHECK_OK(sg_tensor_free(list[i]));
}

static void test_refusals(void) {
    int64_t values[] = {1, 4}, two = 2;
    sg_tensor *ints = NULL;
    CHECK_OK(sg_tensor_from_data(values, &two, 1, SG_INT64, &ints));
    CHECK_STATUS(sg_sqrt_(ints), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("result type Float can't be cast to the desired output type Long");
    /* A result of another shape: self does not broadcast up (masked_fill_ with a larger mask). */
    sg_tensor *x = doubles((const double[]){1, 2}, 2), *mask = NULL, *value = scalar(0);
    bool bits[] = {true, false, false, true};
    int64_t shape[] = {2, 2};
    CHECK_OK(sg_tensor_from_data(bits, shape, 2, SG_BOOL, &mask));
    CHECK_STATUS(sg_masked_fill_(x, mask, value), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("output with shape [2] doesn't match the broadcast shape [2, 2]");
    expect_values(x, (const double[]){1, 2}, 2, "a refused write leaves the tensor alone");
    /* A leaf that requires grad, in grad mode. */
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_STATUS(sg_exp_(x), SG_ERR_AUTOGRAD);
    CHECK_ERROR_HAS("a leaf Variable that requires grad is being used in an in-place operation.");
    CHECK_STATUS(sg_exp_(NULL), SG_ERR_INVALID_HANDLE);
    sg_tensor *list[] = {ints, x, mask, value};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++) CHECK_OK(sg_tensor_free(list[i]));
}

static void test_history_is_rebased(void) {
    sg_tensor *x = doubles((const double[]){0.5, 1.5}, 2), *y = NULL, *total = NULL, *grad = NULL;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_mul_scalar(x, 1.0, &y));
    CHECK_OK(sg_exp_(y));
    char name[64];
    CHECK_OK(sg_tensor_grad_fn_name(y, name, sizeof name, NULL));
    CHECK(strcmp(name, "ExpBackward0") == 0);
    /* d sum(exp(x)) / dx = exp(x). */
    CHECK_OK(sg_sum(y, &total));
    CHECK_OK(sg_backward(total, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &grad));
    expect_values(grad, (const double[]){exp(0.5), exp(1.5)}, 2, "gradient through exp_");
    sg_tensor *list[] = {x, y, total, grad};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++) CHECK_OK(sg_tensor_free(list[i]));
}

/* The forms no OpInfo of PyTorch's checks in place: comparisons and logical ops write 1 and 0 in
   the tensor's dtype; relu_ and float_power_ (float64 x, whose result dtype is x's). */
static sg_status apply(int which, sg_tensor *x, const sg_tensor *other) {
    switch (which) {
    case 0: return sg_lt_(x, other);
    case 1: return sg_le_(x, other);
    case 2: return sg_gt_(x, other);
    case 3: return sg_ge_(x, other);
    case 4: return sg_ne_(x, other);
    case 5: return sg_logical_and_(x, other);
    case 6: return sg_logical_or_(x, other);
    case 7: return sg_logical_xor_(x, other);
    default: return sg_float_power_(x, other);
    }
}

static void test_forms_without_an_opinfo(void) {
    const double start[] = {-1, 0, 2};
    sg_tensor *zero = scalar(0), *two = scalar(2);
    const struct {
        double want[3];
        const char *name;
    } cases[] = {
        {{1, 0, 0}, "lt_ 0"}, {{1, 1, 0}, "le_ 0"}, {{0, 0, 1}, "gt_ 0"}, {{0, 1, 1}, "ge_ 0"}, {{1, 0, 1}, "ne_ 0"},
        {{0, 0, 0}, "logical_and_ 0"}, {{1, 0, 1}, "logical_or_ 0"}, {{1, 0, 1}, "logical_xor_ 0"},
        {{1, 0, 4}, "float_power_ 2"},
    };
    for (int i = 0; i < (int)(sizeof cases / sizeof *cases); i++) {
        sg_tensor *x = doubles(start, 3);
        CHECK_OK(apply(i, x, i == 8 ? two : zero));
        expect_values(x, cases[i].want, 3, cases[i].name);
        CHECK_OK(sg_tensor_free(x));
    }
    sg_tensor *x = doubles(start, 3);
    CHECK_OK(sg_logical_not_(x));
    expect_values(x, (const double[]){0, 1, 0}, 3, "logical_not_");
    CHECK_OK(sg_tensor_free(x));
    x = doubles(start, 3);
    CHECK_OK(sg_relu_(x));
    expect_values(x, (const double[]){0, 0, 2}, 3, "relu_");
    CHECK_OK(sg_tensor_free(x));
    CHECK_OK(sg_tensor_free(zero));
    CHECK_OK(sg_tensor_free(two));
}

int main(void) {
    test_forms_without_an_opinfo();
    test_values_are_written_into_the_tensor();
    test_refusals();
    test_history_is_rebased();
    return check_summary("test_inplace");
}
