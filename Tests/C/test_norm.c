/* The normalisation layers through the C ABI: every function called at least once, each result
   compared with values worked out by hand, the running statistics updated in place, and the
   errors a caller can provoke: bad shapes, dtypes, group counts, NULL handles and out-pointers,
   a too-small output capacity. */
#include <math.h>
#include "check.h"

static sg_tensor *inputs[64];
static size_t input_count = 0;

static sg_tensor *make(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    if (input_count < sizeof inputs / sizeof inputs[0]) inputs[input_count++] = t;
    return t;
}

/* Checks a float64 tensor's shape and values (1e-12), then frees it when `owned`. */
static void expect_values(sg_tensor *t, const int64_t *shape, size_t ndim, const double *values, const char *what,
                          int owned) {
    size_t got_ndim = 0;
    int64_t dims[SG_MAX_DIMS], numel = 0;
    sg_dtype dtype = SG_INT64;
    check_count++;
    if (t == NULL) {
        check_failures++;
        fprintf(stderr, "%s: no tensor (last error: %s)\n", what, sg_last_error());
        return;
    }
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &got_ndim));
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    int ok = got_ndim == ndim && dtype == SG_FLOAT64 && numel <= 16;
    for (size_t i = 0; ok && i < ndim; i++) ok = dims[i] == shape[i];
    double got[16];
    if (ok && numel > 0) {
        CHECK_OK(sg_tensor_copy_to(t, got, (size_t)numel * sizeof(double)));
        for (int64_t i = 0; i < numel; i++) {
            if (!(fabs(got[i] - values[i]) <= 1e-12 * fmax(1, fabs(values[i])))) {
                fprintf(stderr, "%s[%lld] = %.17g, expected %.17g\n", what, (long long)i, got[i], values[i]);
                ok = 0;
            }
        }
    }
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: wrong shape, dtype or values\n", what);
    }
    if (owned) CHECK_OK(sg_tensor_free(t));
}

static void test_layer_and_rms_norm(void) {
    /* [1, 2, 3, 4]: mean 2.5, biased variance 1.25, s = 1/sqrt(1.25). */
    const double s = 1 / sqrt(1.25);
    sg_tensor *x = make((double[]){1, 2, 3, 4}, (int64_t[]){1, 4}, 2);
    sg_tensor *w = make((double[]){1, 1, 1, 2}, (int64_t[]){4}, 1);
    sg_tensor *b = make((double[]){0, 0, 0, 1}, (int64_t[]){4}, 1);
    sg_tensor *out = NULL;
    CHECK_OK(sg_layer_norm(x, (int64_t[]){4}, 1, w, b, 0.0, &out));
    expect_values(out, (int64_t[]){1, 4}, 2, (double[]){-1.5 * s, -0.5 * s, 0.5 * s, 3 * s + 1}, "layer_norm", 1);
    sg_tensor *outs[3] = {NULL, NULL, NULL};
    size_t count = 0;
    CHECK_OK(sg_native_layer_norm(x, (int64_t[]){4}, 1, NULL, NULL, 0.0, outs, 3, &count));
    CHECK(count == 3);
    expect_values(outs[0], (int64_t[]){1, 4}, 2, (double[]){-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s}, "native_layer_norm[0]", 1);
    expect_values(outs[1], (int64_t[]){1, 1}, 2, (double[]){2.5}, "native_layer_norm mean", 1);
    expect_values(outs[2], (int64_t[]){1, 1}, 2, (double[]){s}, "native_layer_norm rstd", 1);
    /* Too small a capacity: the count needed comes back. */
    CHECK_STATUS(sg_native_layer_norm(x, (int64_t[]){4}, 1, NULL, NULL, 0.0, outs, 1, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK(count == 3);

    /* rms_norm of [3, 4]: sqrt(mean(9, 16)) = sqrt(12.5); eps NULL is float64's epsilon. */
    sg_tensor *v = make((double[]){3, 4}, (int64_t[]){2}, 1);
    CHECK_OK(sg_rms_norm(v, (int64_t[]){2}, 1, NULL, NULL, &out));
    expect_values(out, (int64_t[]){2}, 1, (double[]){3 / sqrt(12.5), 4 / sqrt(12.5)}, "rms_norm", 1);
    double eps = 0.5;
    sg_tensor *w2 = make((double[]){2, -1}, (int64_t[]){2}, 1);
    CHECK_OK(sg_rms_norm(v, (int64_t[]){2}, 1, w2, &eps, &out));
    expect_values(out, (int64_t[]){2}, 1, (double[]){6 / sqrt(13), -4 / sqrt(13)}, "rms_norm weight eps", 1);

    /* Errors. */
    out = (sg_tensor *)x;
    CHECK_STATUS(sg_layer_norm(x, (int64_t[]){3}, 1, NULL, NULL, 1e-5, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[1, 4]");
    CHECK(out == NULL);
    CHECK_STATUS(sg_layer_norm(x, (int64_t[]){4}, 1, v, NULL, 1e-5, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Expected weight to be of same shape as normalized_shape");
    CHECK_STATUS(sg_layer_norm(x, NULL, 0, NULL, NULL, 1e-5, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_layer_norm(NULL, (int64_t[]){4}, 1, NULL, NULL, 1e-5, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_layer_norm(x, (int64_t[]){4}, 1, NULL, NULL, 1e-5, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_rms_norm(v, (int64_t[]){3}, 1, NULL, NULL, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("expected input with shape [*3]");
    sg_tensor *ints = NULL;
    CHECK_OK(sg_tensor_from_data((int64_t[]){1, 2}, (int64_t[]){2}, 1, SG_INT64, &ints));
    CHECK_STATUS(sg_layer_norm(ints, (int64_t[]){2}, 1, NULL, NULL, 1e-5, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"LayerNormKernelImpl\" not implemented for 'Long'");
    CHECK_STATUS(sg_rms_norm(ints, (int64_t[]){2}, 1, NULL, NULL, &out), SG_ERR_DTYPE);
    CHECK_OK(sg_tensor_free(ints));
}

static void test_batch_norm(void) {
    /* One channel holding 1 and 3: mean 2, biased variance 1, unbiased 2. */
    sg_tensor *x = make((double[]){1, 3}, (int64_t[]){2, 1}, 2);
    sg_tensor *rm = make((double[]){0}, (int64_t[]){1}, 1);
    sg_tensor *rv = make((double[]){1}, (int64_t[]){1}, 1);
    sg_tensor *out = NULL;
    CHECK_OK(sg_batch_norm(x, rm, rv, NULL, NULL, true, 0.1, 0.0, &out));
    expect_values(out, (int64_t[]){2, 1}, 2, (double[]){-1, 1}, "batch_norm training", 1);
    expect_values(rm, (int64_t[]){1}, 1, (double[]){0.2}, "running_mean", 0);  /* 0.9 * 0 + 0.1 * 2 */
    expect_values(rv, (int64_t[]){1}, 1, (double[]){1.1}, "running_var", 0);   /* 0.9 * 1 + 0.1 * 2 */
    /* Evaluation: (x - 0.2) / sqrt(1.1) * 2 + 1, the running statistics unchanged. */
    sg_tensor *w = make((double[]){2}, (int64_t[]){1}, 1), *b = make((double[]){1}, (int64_t[]){1}, 1);
    CHECK_OK(sg_batch_norm(x, rm, rv, w, b, false, 0.1, 0.0, &out));
    expect_values(out, (int64_t[]){2, 1}, 2, (double[]){1.6 / sqrt(1.1) + 1, 5.6 / sqrt(1.1) + 1}, "batch_norm eval", 1);
    expect_values(rm, (int64_t[]){1}, 1, (double[]){0.2}, "running_mean after eval", 0);
    sg_tensor *outs[3] = {NULL, NULL, NULL};
    size_t count = 0;
    CHECK_OK(sg_native_batch_norm(x, NULL, NULL, NULL, NULL, true, 0.1, 0.0, outs, 3, &count));
    CHECK(count == 3);
    expect_values(outs[0], (int64_t[]){2, 1}, 2, (double[]){-1, 1}, "native_batch_norm", 1);
    expect_values(outs[1], (int64_t[]){1}, 1, (double[]){2}, "native_batch_norm save_mean", 1);
    expect_values(outs[2], (int64_t[]){1}, 1, (double[]){1}, "native_batch_norm save_invstd", 1);

    /* Errors. */
    CHECK_STATUS(sg_batch_norm(x, NULL, NULL, NULL, NULL, false, 0.1, 1e-5, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("running_mean must be defined in evaluation mode");
    sg_tensor *two = make((double[]){0, 0}, (int64_t[]){2}, 1);
    CHECK_STATUS(sg_batch_norm(x, two, two, NULL, NULL, true, 0.1, 1e-5, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("running_mean should contain 1 elements not 2");
    CHECK_STATUS(sg_native_batch_norm(two, NULL, NULL, NULL, NULL, true, 0.1, 1e-5, outs, 3, &count), SG_ERR_SHAPE);
    CHECK_STATUS(sg_batch_norm(x, NULL, NULL, NULL, NULL, true, 0.1, 1e-5, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_batch_norm(NULL, NULL, NULL, NULL, NULL, true, 0.1, 1e-5, &out), SG_ERR_INVALID_HANDLE);
    CHECK(out == NULL);
}

static void test_group_and_instance_norm(void) {
    /* Two groups of two channels: [1, 5] -> mean 3, rstd 1/2; [2, 0] -> mean 1, rstd 1. */
    sg_tensor *x = make((double[]){1, 5, 2, 0}, (int64_t[]){1, 4}, 2);
    sg_tensor *out = NULL;
    CHECK_OK(sg_group_norm(x, 2, NULL, NULL, 0.0, &out));
    expect_values(out, (int64_t[]){1, 4}, 2, (double[]){-1, 1, 1, -1}, "group_norm", 1);
    sg_tensor *w = make((double[]){1, 2, 3, 4}, (int64_t[]){4}, 1), *b = make((double[]){0, 0, 1, 1}, (int64_t[]){4}, 1);
    CHECK_OK(sg_group_norm(x, 2, w, b, 0.0, &out));
    expect_values(out, (int64_t[]){1, 4}, 2, (double[]){-1, 2, 4, -3}, "group_norm affine", 1);
    sg_tensor *outs[3] = {NULL, NULL, NULL};
    size_t count = 0;
    CHECK_OK(sg_native_group_norm(x, NULL, NULL, 1, 4, 1, 2, 0.0, outs, 3, &count));
    CHECK(count == 3);
    expect_values(outs[0], (int64_t[]){1, 4}, 2, (double[]){-1, 1, 1, -1}, "native_group_norm", 1);
    expect_values(outs[1], (int64_t[]){1, 2}, 2, (double[]){3, 1}, "native_group_norm mean", 1);
    expect_values(outs[2], (int64_t[]){1, 2}, 2, (double[]){0.5, 1}, "native_group_norm rstd", 1);

    /* Instance norm of samples [1, 3] and [5, 9] (one channel): means 2 and 7, unbiased
       variances 2 and 8; the running update is the batch mean of the per-sample updates. */
    sg_tensor *z = make((double[]){1, 3, 5, 9}, (int64_t[]){2, 1, 2}, 3);
    sg_tensor *rm = make((double[]){0}, (int64_t[]){1}, 1), *rv = make((double[]){1}, (int64_t[]){1}, 1);
    CHECK_OK(sg_instance_norm(z, rm, rv, NULL, NULL, true, 0.5, 0.0, &out));
    expect_values(out, (int64_t[]){2, 1, 2}, 3, (double[]){-1, 1, -1, 1}, "instance_norm", 1);
    expect_values(rm, (int64_t[]){1}, 1, (double[]){2.25}, "instance_norm running_mean", 0);
    expect_values(rv, (int64_t[]){1}, 1, (double[]){3}, "instance_norm running_var", 0);

    /* Errors. */
    CHECK_STATUS(sg_group_norm(x, 3, NULL, NULL, 1e-5, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Expected number of channels in input to be divisible by num_groups");
    CHECK_STATUS(sg_group_norm(x, 0, NULL, NULL, 1e-5, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_group_norm(x, -2, NULL, NULL, 1e-5, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_group_norm(x, 2, z, NULL, 1e-5, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Expected weight to be a vector of size equal to the number of channels");
    CHECK_STATUS(sg_native_group_norm(x, NULL, NULL, 1, 4, INT64_MAX, 2, 1e-5, outs, 3, &count), SG_ERR_SHAPE);
    CHECK_STATUS(sg_native_group_norm(x, NULL, NULL, -1, -4, 1, 2, 1e-5, outs, 3, &count), SG_ERR_SHAPE);
    CHECK_STATUS(sg_instance_norm(z, NULL, NULL, NULL, NULL, false, 0.1, 1e-5, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Expected running_mean and running_var to be defined when use_input_stats is false");
    CHECK_STATUS(sg_instance_norm(NULL, NULL, NULL, NULL, NULL, true, 0.1, 1e-5, &out), SG_ERR_INVALID_HANDLE);
    CHECK(out == NULL);
}

int main(void) {
    test_layer_and_rms_norm();
    test_batch_norm();
    test_group_and_instance_norm();
    for (size_t i = 0; i < input_count; i++) CHECK_OK(sg_tensor_free(inputs[i]));
    return check_summary("test_norm");
}
