/* The pooling family from C: max pooling with indices and its backward, average pooling,
   adaptive average and max pooling, max unpooling, nearest/linear/bicubic resizing. Expected
   values worked out by hand; the errors a caller can provoke. */
#include "check.h"

static sg_tensor *doubles(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *int64s(const int64_t *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_INT64, &t));
    return t;
}

/* t holds the n float64 values `want` (to 1e-12) with ndim dimensions; frees t. */
static void expect_doubles(sg_tensor *t, const double *want, size_t n, size_t ndim, const char *what) {
    double got[32] = {0};
    size_t got_ndim = 0;
    int64_t dims[SG_MAX_DIMS], numel = 0;
    CHECK(t != NULL);
    if (t == NULL) return;
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &got_ndim));
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK(got_ndim == ndim);
    CHECK(numel == (int64_t)n && n <= 32);
    if (numel == (int64_t)n && n <= 32) {
        CHECK_OK(sg_tensor_copy_to(t, got, n * sizeof(double)));
        for (size_t i = 0; i < n; i++) {
            if (!(fabs(got[i] - want[i]) <= 1e-12 * fmax(1, fabs(want[i])))) {
                CHECK(!"value differs");
                fprintf(stderr, "  %s[%zu] = %.17g, expected %.17g\n", what, i, got[i], want[i]);
            }
        }
    }
    sg_tensor_free(t);
}

static void expect_int64s(sg_tensor *t, const int64_t *want, size_t n) {
    int64_t got[32] = {0};
    sg_dtype d = SG_FLOAT32;
    CHECK(t != NULL && n <= 32);
    if (t == NULL) return;
    CHECK_OK(sg_tensor_dtype(t, &d));
    CHECK(d == SG_INT64);
    CHECK_OK(sg_tensor_copy_to(t, got, n * sizeof(int64_t)));
    for (size_t i = 0; i < n; i++) CHECK(got[i] == want[i]);
    sg_tensor_free(t);
}

static void test_max_pool(void) {
    /* [1, 3, 2, 5, 4] in windows of 2, ceil mode: maxima 3, 5, 4 at 1, 3, 4. */
    const double line[] = {1, 3, 2, 5, 4};
    const int64_t shape[] = {1, 1, 5}, k[] = {2}, zero[] = {0}, one[] = {1};
    sg_tensor *x = doubles(line, shape, 3), *values = NULL, *indices = NULL;
    CHECK_OK(sg_max_pool_with_indices(x, k, 1, NULL, 0, zero, 1, one, 1, true, &values, &indices));
    expect_doubles(values, (const double[]){3, 5, 4}, 3, 3, "max_pool1d");
    expect_int64s(indices, (const int64_t[]){1, 3, 4}, 3);

    /* 2-d, 4x4 in 2x2 windows: maxima 6, 8, 14, 16 at 5, 7, 13, 15; the gradient of ones lands there. */
    double image[16];
    for (int i = 0; i < 16; i++) image[i] = i + 1;
    const int64_t ishape[] = {1, 4, 4}, k2[] = {2, 2}, zero2[] = {0, 0}, one2[] = {1, 1};
    sg_tensor *img = doubles(image, ishape, 3);
    CHECK_OK(sg_tensor_set_requires_grad(img, true));
    CHECK_OK(sg_max_pool_with_indices(img, k2, 2, NULL, 0, zero2, 2, one2, 2, false, &values, &indices));
    sg_tensor *grad = NULL;
    const int64_t oshape[] = {1, 2, 2};
    CHECK_OK(sg_ones(oshape, 3, SG_FLOAT64, &grad));
    sg_tensor *back = NULL;
    CHECK_OK(sg_max_pool_with_indices_backward(grad, img, k2, 2, NULL, 0, zero2, 2, one2, 2, false, indices, &back));
    const double scattered[16] = {0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1};
    expect_doubles(back, scattered, 16, 3, "max_pool2d_with_indices_backward");
    /* The same through autograd. */
    sg_tensor *total = NULL, *g = NULL;
    CHECK_OK(sg_sum(values, &total));
    CHECK_OK(sg_backward(total, NULL, false));
    CHECK_OK(sg_tensor_grad(img, &g));
    expect_doubles(g, scattered, 16, 3, "max_pool2d gradient");
    sg_tensor_free(total);

    /* Errors: padding above half the kernel, a stride of zero, no window, a bad index, NULL out. */
    const int64_t pad4[] = {4}, zero_stride[] = {0};
    sg_tensor *v2 = NULL, *i2 = NULL;
    CHECK_STATUS(sg_max_pool_with_indices(x, k, 1, NULL, 0, pad4, 1, one, 1, false, &v2, &i2), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("pad should be at most half of effective kernel size");
    CHECK(v2 == NULL && i2 == NULL);
    CHECK_STATUS(sg_max_pool_with_indices(x, k, 1, zero_stride, 1, zero, 1, one, 1, false, &v2, &i2), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("stride must be greater than zero");
    const int64_t k9[] = {9};
    CHECK_STATUS(sg_max_pool_with_indices(x, k9, 1, NULL, 0, zero, 1, one, 1, false, &v2, &i2), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid computed output size");
    const int64_t k4[] = {1, 2, 3, 4};
    CHECK_STATUS(sg_max_pool_with_indices(x, k4, 4, NULL, 0, zero, 1, one, 1, false, &v2, &i2), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_max_pool_with_indices(x, k, 1, NULL, 0, zero, 1, one, 1, false, NULL, &i2), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *bad = NULL;
    const int64_t bad_values[] = {0, 99, 0, 0}, bshape[] = {1, 2, 2};
    sg_tensor *bad_indices = int64s(bad_values, bshape, 3);
    CHECK_STATUS(sg_max_pool_with_indices_backward(grad, img, k2, 2, NULL, 0, zero2, 2, one2, 2, false, bad_indices, &bad),
                 SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Found an invalid max index: 99");
    CHECK(bad == NULL);
    sg_tensor *bools = NULL;
    CHECK_OK(sg_to_dtype(x, SG_BOOL, &bools));
    CHECK_STATUS(sg_max_pool_with_indices(bools, k, 1, NULL, 0, zero, 1, one, 1, false, &v2, &i2), SG_ERR_DTYPE);
    sg_tensor_free(bools);
    sg_tensor_free(bad_indices);
    sg_tensor_free(grad);
    sg_tensor_free(values);
    sg_tensor_free(indices);
    sg_tensor_free(img);
    sg_tensor_free(x);
}

static void test_avg_pool(void) {
    /* [1, 2, 3, 4], kernel 3, stride 1, padding 1: with the padding counted 1, 2, 3, 7/3;
       without 1.5, 2, 3, 3.5; divisor_override -4 on windows of 2: -0.75, -1.75. */
    const double line[] = {1, 2, 3, 4};
    const int64_t shape[] = {1, 1, 4}, k3[] = {3}, k2[] = {2}, one[] = {1}, zero[] = {0};
    sg_tensor *x = doubles(line, shape, 3), *out = NULL;
    CHECK_OK(sg_avg_pool(x, k3, 1, one, 1, one, 1, false, true, NULL, &out));
    expect_doubles(out, (const double[]){1, 2, 3, 7.0 / 3}, 4, 3, "avg_pool1d");
    CHECK_OK(sg_avg_pool(x, k3, 1, one, 1, one, 1, false, false, NULL, &out));
    expect_doubles(out, (const double[]){1.5, 2, 3, 3.5}, 4, 3, "avg_pool1d count_include_pad=False");
    const int64_t divisor = -4, zero_divisor = 0;
    CHECK_OK(sg_avg_pool(x, k2, 1, NULL, 0, zero, 1, false, true, &divisor, &out));
    expect_doubles(out, (const double[]){-0.75, -1.75}, 2, 3, "avg_pool1d divisor_override");
    CHECK_STATUS(sg_avg_pool(x, k2, 1, NULL, 0, zero, 1, false, true, &zero_divisor, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("divisor must be not zero");
    CHECK(out == NULL);
    sg_tensor *ints = NULL;
    CHECK_OK(sg_to_dtype(x, SG_INT64, &ints));
    CHECK_STATUS(sg_avg_pool(ints, k2, 1, NULL, 0, zero, 1, false, true, NULL, &out), SG_ERR_DTYPE);
    sg_tensor_free(ints);
    sg_tensor_free(x);
}

static void test_adaptive(void) {
    /* 5 -> 3: windows [0, 2), [1, 4), [3, 5). */
    const double line[] = {1, 5, 3, 2, 4};
    const int64_t shape[] = {1, 5}, three[] = {3}, negative[] = {-1};
    sg_tensor *x = doubles(line, shape, 2), *out = NULL, *values = NULL, *indices = NULL;
    CHECK_OK(sg_adaptive_avg_pool(x, three, 1, &out));
    expect_doubles(out, (const double[]){3, 10.0 / 3, 3}, 3, 2, "adaptive_avg_pool1d");
    CHECK_OK(sg_adaptive_max_pool(x, three, 1, &values, &indices));
    expect_doubles(values, (const double[]){5, 5, 4}, 3, 2, "adaptive_max_pool1d");
    expect_int64s(indices, (const int64_t[]){1, 1, 4}, 3);
    CHECK_STATUS(sg_adaptive_avg_pool(x, negative, 1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("elements of output_size must be greater than or equal to 0");
    CHECK_STATUS(sg_adaptive_max_pool(x, negative, 1, &values, &indices), SG_ERR_INVALID_ARGUMENT);
    CHECK(values == NULL && indices == NULL);
    CHECK_STATUS(sg_adaptive_avg_pool(x, NULL, 0, &out), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(x);
}

static void test_unpool(void) {
    const double line[] = {3, 5};
    const int64_t shape[] = {1, 1, 2}, at[] = {1, 3}, five[] = {5}, three[] = {3};
    sg_tensor *x = doubles(line, shape, 3), *where = int64s(at, shape, 3), *out = NULL;
    CHECK_OK(sg_max_unpool(x, where, five, 1, &out));
    expect_doubles(out, (const double[]){0, 3, 0, 5, 0}, 5, 3, "max_unpool1d");
    CHECK_STATUS(sg_max_unpool(x, where, three, 1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Found an invalid max index: 3");
    CHECK_STATUS(sg_max_unpool(x, x, five, 1, &out), SG_ERR_DTYPE);
    CHECK_STATUS(sg_max_unpool(NULL, where, five, 1, &out), SG_ERR_INVALID_HANDLE);
    sg_tensor_free(where);
    sg_tensor_free(x);
}

static void test_resize(void) {
    const double line[] = {1, 2, 3};
    const int64_t shape[] = {1, 1, 3}, five[] = {5}, zero[] = {0};
    sg_tensor *x = doubles(line, shape, 3), *out = NULL;
    /* nearest 3 -> 5: floor(o * 0.6) = 0, 0, 1, 1, 2; nearest-exact: floor((o + 0.5) * 0.6). */
    CHECK_OK(sg_upsample_nearest(x, five, 1, 0, 0, 0, false, &out));
    expect_doubles(out, (const double[]){1, 1, 2, 2, 3}, 5, 3, "nearest");
    CHECK_OK(sg_upsample_nearest(x, five, 1, 0, 0, 0, true, &out));
    expect_doubles(out, (const double[]){1, 1, 2, 3, 3}, 5, 3, "nearest-exact");
    /* linear, corners aligned: samples at 0, 0.5, 1, 1.5, 2; not aligned: 0 (clamped), 0.4, 1, 1.6, 2.2. */
    CHECK_OK(sg_upsample_linear(x, five, 1, true, 0, 0, 0, &out));
    expect_doubles(out, (const double[]){1, 1.5, 2, 2.5, 3}, 5, 3, "linear align_corners");
    CHECK_OK(sg_upsample_linear(x, five, 1, false, 0, 0, 0, &out));
    expect_doubles(out, (const double[]){1, 1.4, 2, 2.6, 3}, 5, 3, "linear");
    /* A scale factor of 2 given explicitly (1 / 2 per step): 3 -> 5 samples at 0 (clamped), 0.25, 0.75, 1.25, 1.75. */
    CHECK_OK(sg_upsample_linear(x, five, 1, false, 2.0, 0, 0, &out));
    expect_doubles(out, (const double[]){1, 1.25, 1.75, 2.25, 2.75}, 5, 3, "linear with scale");
    /* Bicubic of a constant image is the constant (the weights sum to 1). */
    const double flat[] = {2, 2, 2, 2};
    const int64_t fshape[] = {1, 1, 2, 2}, size[] = {3, 4};
    sg_tensor *f = doubles(flat, fshape, 4);
    CHECK_OK(sg_upsample_bicubic2d(f, size, 2, false, 0, 0, &out));
    expect_doubles(out, (const double[]){2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, 12, 4, "bicubic");
    /* Antialiased halving of [1, 2, 3, 4]: the widened triangle weighs 0.75, 0.75, 0.25 (over
       1.75) around each centre: 12/7 and 23/7. */
    const double ramp[] = {1, 2, 3, 4};
    const int64_t rshape[] = {1, 1, 1, 4}, half[] = {1, 2};
    sg_tensor *r = doubles(ramp, rshape, 4);
    CHECK_OK(sg_upsample_aa2d(r, half, 2, false, 0, 0, false, &out));
    expect_doubles(out, (const double[]){12.0 / 7, 23.0 / 7}, 2, 4, "antialiased bilinear");
    CHECK_STATUS(sg_upsample_aa2d(x, half, 2, false, 0, 0, true, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_upsample_aa2d(r, five, 1, false, 0, 0, true, &out), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(r);
    /* Errors: an output size of 0, the wrong rank, a NULL out. */
    CHECK_STATUS(sg_upsample_nearest(x, zero, 1, 0, 0, 0, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Input and output sizes should be greater than 0");
    CHECK_STATUS(sg_upsample_bicubic2d(x, size, 2, false, 0, 0, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Non-empty 4D data tensor expected");
    CHECK_STATUS(sg_upsample_linear(x, five, 1, false, 0, 0, 0, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(f);
    sg_tensor_free(x);
}

int main(void) {
    test_max_pool();
    test_avg_pool();
    test_adaptive();
    test_unpool();
    test_resize();
    return check_summary("test_pooling");
}
