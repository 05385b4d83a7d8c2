/* Process-wide settings and dtype rules from C: the default floating dtype and what it changes,
   promote_types / result_type / can_cast, the thread count and print options. Expected values
   follow PyTorch's rules (worked out by hand in the comments). */
#include <string.h>
#include "check.h"

static sg_dtype dtype_of(const sg_tensor *t) {
    sg_dtype d = SG_BOOL;
    CHECK_OK(sg_tensor_dtype(t, &d));
    return d;
}

static void test_default_dtype(void) {
    sg_dtype d = SG_BOOL;
    CHECK_OK(sg_get_default_dtype(&d));
    CHECK(d == SG_FLOAT32);
    int64_t values[] = {1, 2}, two = 2;
    sg_tensor *ints = NULL, *out = NULL, *number = NULL;
    CHECK_OK(sg_tensor_from_data(values, &two, 1, SG_INT64, &ints));
    CHECK_OK(sg_sin(ints, &out));
    CHECK(dtype_of(out) == SG_FLOAT32);
    CHECK_OK(sg_tensor_free(out));
    CHECK_OK(sg_set_default_dtype(SG_FLOAT64));
    CHECK_OK(sg_get_default_dtype(&d));
    CHECK(d == SG_FLOAT64);
    /* sin of integers, integers times a floating number, true division: the default dtype. */
    CHECK_OK(sg_sin(ints, &out));
    CHECK(dtype_of(out) == SG_FLOAT64);
    CHECK_OK(sg_tensor_free(out));
    CHECK_OK(sg_scalar_double(2.5, &number));
    CHECK_OK(sg_mul(ints, number, &out));
    CHECK(dtype_of(out) == SG_FLOAT64);
    CHECK_OK(sg_tensor_free(out));
    CHECK_OK(sg_div(ints, ints, &out));
    CHECK(dtype_of(out) == SG_FLOAT64);
    CHECK_OK(sg_tensor_free(out));
    CHECK_STATUS(sg_set_default_dtype(SG_INT64), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("only floating-point types are supported as the default type");
    CHECK_STATUS(sg_set_default_dtype((sg_dtype)99), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_get_default_dtype(NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_set_default_dtype(SG_FLOAT32));
    CHECK_OK(sg_tensor_free(ints));
    CHECK_OK(sg_tensor_free(number));
}

static void test_promotion(void) {
    sg_dtype d = SG_BOOL;
    CHECK_OK(sg_promote_types(SG_UINT8, SG_INT8, &d));
    CHECK(d == SG_INT16); /* neither holds the other's range */
    CHECK_OK(sg_promote_types(SG_FLOAT16, SG_BFLOAT16, &d));
    CHECK(d == SG_FLOAT32);
    CHECK_STATUS(sg_promote_types(SG_FLOAT32, (sg_dtype)-1, &d), SG_ERR_INVALID_ARGUMENT);
    /* A uint8 tensor with dimensions and an int64 0-d tensor: the dimensioned one decides. */
    uint8_t bytes[] = {1};
    int64_t one = 1, five = 5;
    sg_tensor *a = NULL, *b = NULL;
    CHECK_OK(sg_tensor_from_data(bytes, &one, 1, SG_UINT8, &a));
    CHECK_OK(sg_tensor_from_data(&five, NULL, 0, SG_INT64, &b));
    CHECK_OK(sg_result_type(a, b, &d));
    CHECK(d == SG_UINT8);
    CHECK_STATUS(sg_result_type(a, NULL, &d), SG_ERR_INVALID_HANDLE);
    bool ok = true;
    CHECK_OK(sg_can_cast(SG_FLOAT32, SG_INT32, &ok));
    CHECK(!ok);
    CHECK_OK(sg_can_cast(SG_INT32, SG_FLOAT16, &ok));
    CHECK(ok);
    CHECK_OK(sg_can_cast(SG_UINT8, SG_BOOL, &ok));
    CHECK(!ok);
    CHECK_OK(sg_can_cast(SG_BOOL, SG_BOOL, &ok));
    CHECK(ok);
    CHECK_OK(sg_tensor_free(a));
    CHECK_OK(sg_tensor_free(b));
}

static void test_threads_and_printing(void) {
    int64_t n = sg_get_num_threads();
    CHECK(n >= 1);
    CHECK_OK(sg_set_num_threads(1));
    CHECK(sg_get_num_threads() == 1);
    CHECK_STATUS(sg_set_num_threads(0), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("set_num_threads expects a positive integer");
    CHECK_OK(sg_set_num_threads(n));

    const char *capability = sg_cpu_capability();
    CHECK(capability != NULL && (strcmp(capability, "AVX2") == 0 || strcmp(capability, "DEFAULT") == 0));
    CHECK(sg_cpu_capability() == capability);

    int64_t precision = 0, threshold = 0, edge = 0, width = 0, sci = 0;
    CHECK_OK(sg_get_print_options(&precision, &threshold, &edge, &width, &sci));
    CHECK(precision == 4 && threshold == 1000 && edge == 3 && width == 80 && sci == -1);
    double values[] = {1.23456, 2.5};
    int64_t two = 2;
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, &two, 1, SG_FLOAT64, &t));
    CHECK_OK(sg_set_print_options(2, 1000, 3, 80, -1));
    CHECK_REPR(t, "tensor([1.23, 2.50], dtype=torch.float64)");
    CHECK_OK(sg_set_print_options(2, 1000, 3, 80, 1));
    CHECK_REPR(t, "tensor([1.23e+00, 2.50e+00], dtype=torch.float64)");
    CHECK_STATUS(sg_set_print_options(-1, 1000, 3, 80, -1), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_set_print_options(4, 1000, 3, 0, -1), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_set_print_options(4, 1000, 3, 80, 2), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_set_print_options(4, 1000, 3, 80, -1));
    CHECK_REPR(t, "tensor([1.2346, 2.5000], dtype=torch.float64)");
    CHECK_OK(sg_tensor_free(t));
}

int main(void) {
    test_default_dtype();
    test_promotion();
    test_threads_and_printing();
    return check_summary("test_settings");
}
