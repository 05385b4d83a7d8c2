/* The convolution family from C: sg_convolution, sg_conv, sg_conv_padding, sg_conv_transpose,
   sg_im2col, sg_col2im, each with a value worked out by hand, a gradient through one, and the
   errors a caller can provoke (bad channels, strides, padding strings, dtypes, NULL outputs). */
#include "check.h"

static sg_tensor *make(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

/* t has the shape given and float64 values equal to `want`; frees t. */
static void expect(sg_tensor *t, const int64_t *shape, size_t ndim, const double *want, size_t n, const char *what) {
    int64_t dims[SG_MAX_DIMS];
    size_t got_ndim = 0;
    double got[64] = {0};
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &got_ndim));
    CHECK(got_ndim == ndim);
    for (size_t i = 0; i < ndim && i < got_ndim; i++) CHECK(dims[i] == shape[i]);
    CHECK(n <= 64);
    CHECK_OK(sg_tensor_copy_to(t, got, n * sizeof(double)));
    for (size_t i = 0; i < n; i++) {
        if (fabs(got[i] - want[i]) > 1e-12) {
            CHECK(fabs(got[i] - want[i]) <= 1e-12);
            fprintf(stderr, "  %s[%zu] = %.17g, expected %.17g\n", what, i, got[i], want[i]);
        }
    }
    CHECK_OK(sg_tensor_free(t));
}

static void test_conv(void) {
    /* y_i = x_i - x_{i+1} + 10 with padding 1: [0-1, 1-2, 2-3, 3-4, 4-0] + 10. */
    const double xv[] = {1, 2, 3, 4}, wv[] = {1, -1}, bv[] = {10};
    const int64_t xs[] = {1, 1, 4}, ws[] = {1, 1, 2}, bs[] = {1};
    sg_tensor *x = make(xv, xs, 3), *w = make(wv, ws, 3), *b = make(bv, bs, 1), *y = NULL;
    const int64_t one[] = {1}, zero[] = {0};
    CHECK_OK(sg_conv(x, w, b, one, 1, one, 1, one, 1, 1, &y));
    const double want[] = {9, 9, 9, 9, 14};
    const int64_t ys[] = {1, 1, 5};
    expect(y, ys, 3, want, 5, "conv1d padding 1");

    /* torch.convolution, not transposed, no bias, padding 0: [-1, -1, -1]. */
    const int64_t dims1[] = {1};
    CHECK_OK(sg_convolution(x, w, NULL, dims1, 1, zero, 1, dims1, 1, false, zero, 1, 1, &y));
    const double valid[] = {-1, -1, -1};
    const int64_t vs[] = {1, 1, 3};
    expect(y, vs, 3, valid, 3, "convolution");

    /* padding "same" with a kernel of 2: the extra zero on the right, [-1, -1, -1, 4]. */
    CHECK_OK(sg_conv_padding(x, w, NULL, one, 1, "same", one, 1, 1, &y));
    const double same[] = {-1, -1, -1, 4};
    const int64_t ss[] = {1, 1, 4};
    expect(y, ss, 3, same, 4, "conv same");

    /* Gradient of sum(conv(x, w)) in w: each tap sums the inputs it meets, [1+2+3, 2+3+4]. */
    CHECK_OK(sg_tensor_set_requires_grad(w, true));
    sg_tensor *s = NULL;
    CHECK_OK(sg_conv(x, w, NULL, one, 1, zero, 1, one, 1, 1, &y));
    CHECK_OK(sg_sum(y, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    sg_tensor *gw = NULL;
    CHECK_OK(sg_tensor_grad(w, &gw));
    const double wgrad[] = {6, 9};
    expect(gw, ws, 3, wgrad, 2, "weight gradient");
    CHECK_OK(sg_tensor_free(s));
    CHECK_OK(sg_tensor_free(y));

    /* Errors: channels, stride 0, an unknown padding string, 'same' with stride 2, NULL out. */
    const double w2v[] = {1, 1, 1, 1};
    const int64_t w2s[] = {1, 2, 2};
    sg_tensor *w2 = make(w2v, w2s, 3);
    y = (sg_tensor *)1;
    CHECK_STATUS(sg_conv(x, w2, NULL, one, 1, zero, 1, one, 1, 1, &y), SG_ERR_SHAPE);
    CHECK(y == NULL);
    CHECK_ERROR_HAS("expected input[1, 1, 4] to have 2 channels, but got 1 channels instead");
    CHECK_STATUS(sg_conv(x, w, NULL, zero, 1, zero, 1, one, 1, 1, &y), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("non-positive stride is not supported");
    CHECK_STATUS(sg_conv_padding(x, w, NULL, one, 1, "full", one, 1, 1, &y), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid padding string: 'full'");
    const int64_t two[] = {2};
    CHECK_STATUS(sg_conv_padding(x, w, NULL, two, 1, "same", one, 1, 1, &y), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("padding='same' is not supported for strided convolutions");
    CHECK_STATUS(sg_conv(x, w, NULL, one, 1, zero, 1, one, 1, 0, &y), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("non-positive groups is not supported");
    CHECK(sg_conv(x, w, NULL, one, 1, zero, 1, one, 1, 1, NULL) != SG_OK);
    sg_tensor *xi = NULL, *wi = NULL;
    CHECK_OK(sg_to_dtype(x, SG_INT32, &xi));
    CHECK_STATUS(sg_conv(xi, w, NULL, one, 1, zero, 1, one, 1, 1, &y), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("expected scalar type Int but found Double");
    CHECK_OK(sg_to_dtype(w, SG_INT32, &wi));
    /* Integers convolve as PyTorch's do: [-1, -1, -1] in int32. */
    CHECK_OK(sg_conv(xi, wi, NULL, one, 1, zero, 1, one, 1, 1, &y));
    sg_dtype dt = SG_FLOAT32;
    CHECK_OK(sg_tensor_dtype(y, &dt));
    CHECK(dt == SG_INT32);
    int32_t iv[3] = {0};
    CHECK_OK(sg_tensor_copy_to(y, iv, sizeof iv));
    CHECK(iv[0] == -1 && iv[1] == -1 && iv[2] == -1);
    CHECK_OK(sg_tensor_free(y));
    sg_tensor *xb = NULL, *wb = NULL;
    CHECK_OK(sg_to_dtype(x, SG_BOOL, &xb));
    CHECK_OK(sg_to_dtype(w, SG_BOOL, &wb));
    CHECK_STATUS(sg_conv(xb, wb, NULL, one, 1, zero, 1, one, 1, 1, &y), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"slow_conv2d_cpu\" not implemented for 'Bool'");
    sg_tensor_free(xb);
    sg_tensor_free(wb);
    sg_tensor_free(xi);
    sg_tensor_free(wi);
    sg_tensor_free(w2);
    sg_tensor_free(x);
    sg_tensor_free(w);
    sg_tensor_free(b);
}

static void test_conv_transpose(void) {
    /* Each input spreads [1, 10, 100] at stride 2: [1, 10, 100, 0, 0] + 2 * [0, 0, 1, 10, 100]. */
    const double xv[] = {1, 2}, wv[] = {1, 10, 100};
    const int64_t xs[] = {1, 1, 2}, ws[] = {1, 1, 3};
    sg_tensor *x = make(xv, xs, 3), *w = make(wv, ws, 3), *y = NULL;
    const int64_t one[] = {1}, zero[] = {0}, two[] = {2};
    CHECK_OK(sg_conv_transpose(x, w, NULL, two, 1, zero, 1, zero, 1, 1, one, 1, &y));
    const double want[] = {1, 10, 102, 20, 200};
    const int64_t ys[] = {1, 1, 5};
    expect(y, ys, 3, want, 5, "conv_transpose1d");
    /* the same through torch.convolution(transposed=true) */
    CHECK_OK(sg_convolution(x, w, NULL, two, 1, zero, 1, one, 1, true, zero, 1, 1, &y));
    expect(y, ys, 3, want, 5, "convolution transposed");
    /* output padding must be smaller than stride or dilation */
    CHECK_STATUS(sg_conv_transpose(x, w, NULL, one, 1, zero, 1, one, 1, 1, one, 1, &y), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("output padding must be smaller than either stride or dilation");
    CHECK_STATUS(sg_conv_transpose(x, w, NULL, two, 1, zero, 1, zero, 1, 2, one, 1, &y), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Given groups=2, expected weight to be at least 2 at dimension 0");
    sg_tensor_free(x);
    sg_tensor_free(w);
}

static void test_unfold_fold(void) {
    /* [[1, 2, 3], [4, 5, 6]] in 2x2 blocks: rows are the taps, columns the two positions. */
    const double xv[] = {1, 2, 3, 4, 5, 6};
    const int64_t xs[] = {1, 1, 2, 3};
    sg_tensor *x = make(xv, xs, 4), *cols = NULL, *back = NULL;
    const int64_t k[] = {2, 2}, ones[] = {1, 1}, zeros[] = {0, 0}, size[] = {2, 3};
    CHECK_OK(sg_im2col(x, k, 2, ones, 2, zeros, 2, ones, 2, &cols));
    /* fold sums the blocks back: each pixel times the blocks covering it (1, 2, 1 per row). */
    CHECK_OK(sg_col2im(cols, size, 2, k, 2, ones, 2, zeros, 2, ones, 2, &back));
    const double folded[] = {1, 4, 3, 4, 10, 6};
    expect(back, xs, 4, folded, 6, "fold");
    const double unfolded[] = {1, 2, 2, 3, 4, 5, 5, 6};
    const int64_t cs[] = {1, 4, 2};
    expect(cols, cs, 3, unfolded, 8, "unfold");
    /* errors: a kernel larger than the input, a channel count not divisible by the taps, ints */
    const int64_t big[] = {3, 3};
    sg_tensor *out = NULL;
    CHECK_STATUS(sg_im2col(x, big, 2, ones, 2, zeros, 2, ones, 2, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("calculated shape of the array of sliding blocks as (0, 1), but its components must be at least one.");
    const int64_t three[] = {3, 1};
    CHECK_STATUS(sg_im2col(x, three, 1, ones, 2, zeros, 2, ones, 2, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("It is expected kernel_size equals to 2, but got size 1");
    const int64_t cs2[] = {1, 3, 2};
    sg_tensor *odd = make(unfolded, cs2, 3);
    CHECK_STATUS(sg_col2im(odd, size, 2, k, 2, ones, 2, zeros, 2, ones, 2, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Expected size of input's dimension 1 to be divisible by the product of kernel_size");
    sg_tensor *xi = NULL;
    CHECK_OK(sg_to_dtype(x, SG_INT64, &xi));
    CHECK_STATUS(sg_im2col(xi, k, 2, ones, 2, zeros, 2, ones, 2, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"im2col_out_cpu\" not implemented for 'Long'");
    sg_tensor_free(xi);
    sg_tensor_free(odd);
    sg_tensor_free(x);
}

int main(void) {
    test_conv();
    test_conv_transpose();
    test_unfold_fold();
    return check_summary("test_conv");
}
