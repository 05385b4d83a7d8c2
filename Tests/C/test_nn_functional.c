/* torch.nn.functional through the C ABI: every function of the family called at least once,
   each result compared with its formula evaluated here with libm (or worked out by hand), and
   the errors a caller can provoke: bad dims, sizes and dtypes, NULL handles and out-pointers. */
#include <math.h>
#include "check.h"

/* Inputs live until the end of main (they are made inline, inside calls). */
static sg_tensor *inputs[256];
static size_t input_count = 0;

static sg_tensor *keep(sg_tensor *t) {
    if (input_count < sizeof inputs / sizeof inputs[0]) inputs[input_count++] = t;
    return t;
}

static sg_tensor *make(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return keep(t);
}

static sg_tensor *longs(const int64_t *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_INT64, &t));
    return keep(t);
}

/* Checks a float64 tensor's shape and values (relative 1e-12), then frees it. */
static void expect(sg_tensor *t, const int64_t *shape, size_t ndim, const double *values, const char *what) {
    size_t got_ndim = 0;
    int64_t dims[SG_MAX_DIMS], numel = 0;
    sg_dtype dtype = SG_INT64;
    if (t == NULL) {
        check_count++;
        check_failures++;
        fprintf(stderr, "%s: no tensor (last error: %s)\n", what, sg_last_error());
        return;
    }
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &got_ndim));
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    int ok = got_ndim == ndim && dtype == SG_FLOAT64 && numel <= 64;
    for (size_t i = 0; ok && i < ndim; i++) ok = dims[i] == shape[i];
    double got[64];
    if (ok) {
        CHECK_OK(sg_tensor_copy_to(t, got, (size_t)numel * sizeof(double)));
        for (int64_t i = 0; i < numel; i++) {
            if (!(fabs(got[i] - values[i]) <= 1e-12 * fmax(1, fabs(values[i])))) {
                fprintf(stderr, "%s[%lld] = %.17g, expected %.17g\n", what, (long long)i, got[i], values[i]);
                ok = 0;
            }
        }
    }
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: wrong shape, dtype or values\n", what);
    }
    CHECK_OK(sg_tensor_free(t));
}

static void expect_longs(sg_tensor *t, const int64_t *values, int64_t n, const char *what) {
    int64_t numel = -1, got[64];
    sg_dtype dtype = SG_FLOAT64;
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    int ok = numel == n && n <= 64 && dtype == SG_INT64;
    if (ok) CHECK_OK(sg_tensor_copy_to(t, got, (size_t)n * sizeof(int64_t)));
    for (int64_t i = 0; ok && i < n; i++) ok = got[i] == values[i];
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: wrong values\n", what);
    }
    CHECK_OK(sg_tensor_free(t));
}

static const double X[5] = {-2, -0.5, 0, 0.5, 2};
static const int64_t N5[1] = {5};

static double sigmoid(double x) { return 1 / (1 + exp(-x)); }

static void test_activations(void) {
    sg_tensor *x = make(X, N5, 1), *out = NULL;
    double want[5];

    CHECK_OK(sg_elu(x, 1.5, 2, 0.5, &out));
    for (int i = 0; i < 5; i++) want[i] = X[i] > 0 ? 2 * X[i] : 2 * 1.5 * (exp(0.5 * X[i]) - 1);
    expect(out, N5, 1, want, "elu");
    CHECK_OK(sg_selu(x, &out));
    for (int i = 0; i < 5; i++) want[i] = X[i] > 0 ? 1.0507009873554805 * X[i] : 1.0507009873554805 * 1.6732632423543772 * (exp(X[i]) - 1);
    expect(out, N5, 1, want, "selu");
    CHECK_OK(sg_celu(x, 2, &out));
    for (int i = 0; i < 5; i++) want[i] = X[i] > 0 ? X[i] : 2 * (exp(X[i] / 2) - 1);
    expect(out, N5, 1, want, "celu");
    CHECK_OK(sg_gelu(x, false, &out));
    for (int i = 0; i < 5; i++) want[i] = 0.5 * X[i] * (1 + erf(X[i] / sqrt(2)));
    expect(out, N5, 1, want, "gelu");
    CHECK_OK(sg_gelu(x, true, &out));
    for (int i = 0; i < 5; i++) want[i] = 0.5 * X[i] * (1 + tanh(sqrt(2 / 3.14159265358979323846) * (X[i] + 0.044715 * pow(X[i], 3))));
    expect(out, N5, 1, want, "gelu tanh");
    CHECK_OK(sg_silu(x, &out));
    for (int i = 0; i < 5; i++) want[i] = X[i] * sigmoid(X[i]);
    expect(out, N5, 1, want, "silu");
    CHECK_OK(sg_mish(x, &out));
    for (int i = 0; i < 5; i++) want[i] = X[i] * tanh(log1p(exp(X[i])));
    expect(out, N5, 1, want, "mish");
    CHECK_OK(sg_softplus(x, 2, 1.5, &out));
    for (int i = 0; i < 5; i++) want[i] = 2 * X[i] > 1.5 ? X[i] : log1p(exp(2 * X[i])) / 2;
    expect(out, N5, 1, want, "softplus");
    CHECK_OK(sg_softsign(x, &out));
    for (int i = 0; i < 5; i++) want[i] = X[i] / (1 + fabs(X[i]));
    expect(out, N5, 1, want, "softsign");
    CHECK_OK(sg_tanhshrink(x, &out));
    for (int i = 0; i < 5; i++) want[i] = X[i] - tanh(X[i]);
    expect(out, N5, 1, want, "tanhshrink");
    CHECK_OK(sg_softshrink(x, 0.5, &out));
    expect(out, N5, 1, (double[]){-1.5, 0, 0, 0, 1.5}, "softshrink");
    CHECK_OK(sg_hardshrink(x, 0.5, &out));
    expect(out, N5, 1, (double[]){-2, 0, 0, 0, 2}, "hardshrink");
    CHECK_OK(sg_hardtanh(x, -1, 0.25, &out));
    expect(out, N5, 1, (double[]){-1, -0.5, 0, 0.25, 0.25}, "hardtanh");
    CHECK_OK(sg_relu6(x, &out));
    expect(out, N5, 1, (double[]){0, 0, 0, 0.5, 2}, "relu6");
    CHECK_OK(sg_hardswish(x, &out));
    expect(out, N5, 1, (double[]){-2.0 / 6, -0.5 * 2.5 / 6, 0, 0.5 * 3.5 / 6, 2 * 5.0 / 6}, "hardswish");
    CHECK_OK(sg_hardsigmoid(x, &out));
    expect(out, N5, 1, (double[]){1.0 / 6, 2.5 / 6, 0.5, 3.5 / 6, 5.0 / 6}, "hardsigmoid");
    CHECK_OK(sg_logsigmoid(x, &out));
    for (int i = 0; i < 5; i++) want[i] = log(sigmoid(X[i]));
    expect(out, N5, 1, want, "logsigmoid");
    CHECK_OK(sg_leaky_relu(x, 0.1, &out));
    expect(out, N5, 1, (double[]){-0.2, -0.05, 0, 0.5, 2}, "leaky_relu");
    CHECK_OK(sg_rrelu(x, 0.1, 0.3, false, &out));
    expect(out, N5, 1, (double[]){-0.4, -0.1, 0, 0.5, 2}, "rrelu eval: the mean slope");
    CHECK_OK(sg_rrelu(x, 0.1, 0.3, true, &out));
    double drawn[5];
    CHECK_OK(sg_tensor_copy_to(out, drawn, sizeof drawn));
    CHECK(drawn[0] >= -0.6 && drawn[0] <= -0.2 && drawn[1] >= -0.15 && drawn[1] <= -0.05 && drawn[4] == 2);
    CHECK_OK(sg_tensor_free(out));
    CHECK_OK(sg_threshold(x, 0.25, 9, &out));
    expect(out, N5, 1, (double[]){9, 9, 9, 0.5, 2}, "threshold");
    CHECK_OK(sg_softmin(x, 0, &out));
    double total = 0;
    for (int i = 0; i < 5; i++) total += exp(-X[i]);
    for (int i = 0; i < 5; i++) want[i] = exp(-X[i]) / total;
    expect(out, N5, 1, want, "softmin");

    /* prelu: one weight per channel (dimension 1). */
    const int64_t s23[2] = {2, 3}, s3[1] = {3};
    sg_tensor *m = make((double[]){-1, 2, -3, 4, -5, 6}, s23, 2), *w = make((double[]){0.1, 0.2, 0.3}, s3, 1);
    CHECK_OK(sg_prelu(m, w, &out));
    expect(out, s23, 2, (double[]){-0.1, 2, -0.9, 4, -1.0, 6}, "prelu");
    /* glu along dim 1 of [2, 4]: a * sigmoid(b). */
    const int64_t s24[2] = {2, 4}, s22[2] = {2, 2};
    sg_tensor *g = make((double[]){1, 2, 0, 1, 3, 4, -1, 2}, s24, 2);
    CHECK_OK(sg_glu(g, 1, &out));
    expect(out, s22, 2, (double[]){0.5, 2 * sigmoid(1), 3 * sigmoid(-1), 4 * sigmoid(2)}, "glu");

    /* Errors. */
    int64_t ivals[2] = {1, 2};
    const int64_t s2[1] = {2};
    sg_tensor *ints = longs(ivals, s2, 1);
    CHECK_STATUS(sg_elu(ints, 1, 1, 1, &out), SG_ERR_DTYPE);
    CHECK(out == NULL);
    CHECK_ERROR_HAS("\"elu_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_celu(x, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_glu(x, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Halving dimension must be even");
    CHECK_STATUS(sg_glu(g, 5, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_hardtanh(x, 1, -1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_softshrink(x, -1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_prelu(m, x, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_prelu(m, NULL, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_silu(x, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_softmin(x, 3, &out), SG_ERR_INVALID_ARGUMENT);
}

static void test_losses(void) {
    const int64_t s4[1] = {4}, s0[1] = {0};
    (void)s0;
    const double in[4] = {0.5, -1, 2, 0}, tg[4] = {0, 1, -1, 0.25};
    sg_tensor *input = make(in, s4, 1), *target = make(tg, s4, 1), *out = NULL;
    double total;

    CHECK_OK(sg_l1_loss(input, target, SG_REDUCTION_SUM, &out));
    expect(out, NULL, 0, (double[]){0.5 + 2 + 3 + 0.25}, "l1_loss");
    CHECK_OK(sg_smooth_l1_loss(input, target, SG_REDUCTION_NONE, 1, &out));
    expect(out, s4, 1, (double[]){0.125, 1.5, 2.5, 0.03125}, "smooth_l1_loss");
    CHECK_OK(sg_huber_loss(input, target, SG_REDUCTION_NONE, 2, &out));
    expect(out, s4, 1, (double[]){0.125, 2, 2 * (3 - 1), 0.03125}, "huber_loss");
    CHECK_OK(sg_soft_margin_loss(input, target, SG_REDUCTION_MEAN, &out));
    total = 0;
    for (int i = 0; i < 4; i++) total += log1p(exp(-in[i] * tg[i]));
    expect(out, NULL, 0, (double[]){total / 4}, "soft_margin_loss");

    const double p[4] = {0.25, 0.5, 0.75, 0.9}, t01[4] = {1, 0, 1, 0}, wt[4] = {1, 2, 3, 4};
    sg_tensor *probs = make(p, s4, 1), *labels = make(t01, s4, 1), *weights = make(wt, s4, 1);
    CHECK_OK(sg_binary_cross_entropy_weighted(probs, labels, weights, SG_REDUCTION_NONE, &out));
    expect(out, s4, 1, (double[]){-log(0.25), -2 * log(0.5), -3 * log(0.75), -4 * log(0.1)}, "binary_cross_entropy weighted");
    CHECK_OK(sg_binary_cross_entropy_with_logits(input, labels, NULL, weights, SG_REDUCTION_NONE, &out));
    double want[4];
    for (int i = 0; i < 4; i++) {
        double lw = 1 + (wt[i] - 1) * t01[i];
        want[i] = -(lw * t01[i] * log(sigmoid(in[i])) + (1 - t01[i]) * log(1 - sigmoid(in[i])));
    }
    expect(out, s4, 1, want, "binary_cross_entropy_with_logits pos_weight");

    /* nll_loss / cross_entropy on [2, 3]. */
    const int64_t s23[2] = {2, 3}, s2[1] = {2};
    sg_tensor *logp = make((double[]){-1, -2, -3, -4, -5, -6}, s23, 2);
    sg_tensor *classes = longs((int64_t[]){2, 0}, s2, 1);
    sg_tensor *cw = make((double[]){1, 2, 3}, (int64_t[]){3}, 1);
    CHECK_OK(sg_nll_loss_nd(logp, classes, cw, -100, SG_REDUCTION_MEAN, &out));
    expect(out, NULL, 0, (double[]){(9.0 + 4.0) / 4}, "nll_loss weighted mean");
    CHECK_OK(sg_nll_loss_nd(logp, classes, NULL, 0, SG_REDUCTION_NONE, &out));
    expect(out, s2, 1, (double[]){3, 0}, "nll_loss ignore_index");
    CHECK_OK(sg_cross_entropy_loss(logp, classes, NULL, -100, SG_REDUCTION_SUM, 0, &out));
    double lse0 = log(exp(-1) + exp(-2) + exp(-3)), lse1 = log(exp(-4) + exp(-5) + exp(-6));
    expect(out, NULL, 0, (double[]){(lse0 + 3) + (lse1 + 4)}, "cross_entropy");
    CHECK_OK(sg_linear_cross_entropy(logp, make((double[]){1, 0, 0, 0, 1, 0, 0, 0, 1}, (int64_t[]){3, 3}, 2), classes,
                                     NULL, NULL, SG_REDUCTION_SUM, -100, 0, &out));
    expect(out, NULL, 0, (double[]){(lse0 + 3) + (lse1 + 4)}, "linear_cross_entropy with the identity");

    CHECK_OK(sg_kl_div(input, probs, SG_REDUCTION_SUM, false, &out));
    total = 0;
    for (int i = 0; i < 4; i++) total += p[i] * (log(p[i]) - in[i]);
    expect(out, NULL, 0, (double[]){total}, "kl_div");
    sg_tensor *signs = make((double[]){1, -1, 1, -1}, s4, 1);
    CHECK_OK(sg_margin_ranking_loss(input, target, signs, 0.5, SG_REDUCTION_NONE, &out));
    expect(out, s4, 1, (double[]){0, 0, 0, 0.25}, "margin_ranking_loss");
    CHECK_OK(sg_hinge_embedding_loss(input, signs, 1, SG_REDUCTION_NONE, &out));
    expect(out, s4, 1, (double[]){0.5, 2, 2, 1}, "hinge_embedding_loss");
    const int64_t s22[2] = {2, 2};
    sg_tensor *a = make((double[]){1, 0, 3, 4}, s22, 2), *b = make((double[]){0, 2, 3, 4}, s22, 2);
    sg_tensor *pm = make((double[]){1, -1}, s2, 1);
    CHECK_OK(sg_cosine_embedding_loss(a, b, pm, 0, SG_REDUCTION_NONE, &out));
    double cos1 = 25 / sqrt((25 + 1e-12) * (25 + 1e-12));
    expect(out, s2, 1, (double[]){1 - 0, cos1}, "cosine_embedding_loss");
    CHECK_OK(sg_poisson_nll_loss(input, probs, true, false, 1e-8, SG_REDUCTION_NONE, &out));
    for (int i = 0; i < 4; i++) want[i] = exp(in[i]) - p[i] * in[i];
    expect(out, s4, 1, want, "poisson_nll_loss");
    CHECK_OK(sg_gaussian_nll_loss(input, target, probs, false, 1e-6, SG_REDUCTION_NONE, &out));
    for (int i = 0; i < 4; i++) want[i] = 0.5 * (log(p[i]) + (in[i] - tg[i]) * (in[i] - tg[i]) / p[i]);
    expect(out, s4, 1, want, "gaussian_nll_loss");
    CHECK_OK(sg_pairwise_distance(a, b, 2, 0, false, &out));
    expect(out, s2, 1, (double[]){sqrt(5), 0}, "pairwise_distance");
    CHECK_OK(sg_triplet_margin_loss(a, b, a, 1, 2, 0, false, SG_REDUCTION_NONE, &out));
    expect(out, s2, 1, (double[]){1 + sqrt(5), 1}, "triplet_margin_loss");
    CHECK_OK(sg_multilabel_soft_margin_loss(a, b, NULL, SG_REDUCTION_NONE, &out));
    double row0 = -(0 * log(sigmoid(1)) + 1 * log(sigmoid(-1)) + 2 * log(sigmoid(0)) - 1 * log(sigmoid(-0))) / 2;
    double row1 = -(3 * log(sigmoid(3)) - 2 * log(sigmoid(-3)) + 4 * log(sigmoid(4)) - 3 * log(sigmoid(-4))) / 2;
    expect(out, s2, 1, (double[]){row0, row1}, "multilabel_soft_margin_loss");
    sg_tensor *row = make((double[]){0.1, 0.2, 0.4, 0.8}, (int64_t[]){1, 4}, 2);
    CHECK_OK(sg_multi_margin_loss(row, longs((int64_t[]){1}, (int64_t[]){1}, 1), 1, 1, NULL, SG_REDUCTION_SUM, &out));
    expect(out, NULL, 0, (double[]){((1 - 0.2 + 0.1) + (1 - 0.2 + 0.4) + (1 - 0.2 + 0.8)) / 4}, "multi_margin_loss");
    CHECK_OK(sg_multilabel_margin_loss(row, longs((int64_t[]){3, 0, -1, 1}, (int64_t[]){1, 4}, 2), SG_REDUCTION_SUM, &out));
    expect(out, NULL, 0, (double[]){((1 - 0.6) + (1 - 0.4) + (1 + 0.1) + (1 + 0.3)) / 4}, "multilabel_margin_loss");

    /* Errors. */
    CHECK_STATUS(sg_nll_loss_nd(logp, longs((int64_t[]){3, 0}, s2, 1), NULL, -100, SG_REDUCTION_MEAN, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Target 3 is out of bounds.");
    CHECK_STATUS(sg_nll_loss_nd(logp, input, NULL, -100, SG_REDUCTION_MEAN, &out), SG_ERR_DTYPE);
    CHECK_STATUS(sg_nll_loss_nd(logp, classes, weights, -100, SG_REDUCTION_MEAN, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_cross_entropy_loss(logp, classes, NULL, -100, SG_REDUCTION_MEAN, 2, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_l1_loss(input, target, (sg_reduction)7, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_smooth_l1_loss(input, target, SG_REDUCTION_MEAN, -1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_huber_loss(input, target, SG_REDUCTION_MEAN, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_binary_cross_entropy_with_logits(input, a, NULL, NULL, SG_REDUCTION_MEAN, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_multi_margin_loss(row, longs((int64_t[]){1}, (int64_t[]){1}, 1), 3, 1, NULL, SG_REDUCTION_SUM, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_gaussian_nll_loss(input, target, signs, false, 1e-6, SG_REDUCTION_MEAN, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("var has negative entry/entries");
    CHECK_STATUS(sg_linear_cross_entropy(logp, input, classes, NULL, NULL, SG_REDUCTION_SUM, -100, 0, &out), SG_ERR_SHAPE);
    CHECK(out == NULL);
    CHECK_STATUS(sg_kl_div(input, NULL, SG_REDUCTION_SUM, false, &out), SG_ERR_INVALID_HANDLE);

}

static void test_distances_padding_shuffles(void) {
    const int64_t s32[2] = {3, 2}, s3[1] = {3}, s13[2] = {1, 3};
    sg_tensor *rows = make((double[]){0, 0, 3, 4, 6, 8}, s32, 2), *out = NULL;
    CHECK_OK(sg_pdist(rows, 2, &out));
    expect(out, s3, 1, (double[]){5, 10, 5}, "pdist");
    CHECK_OK(sg_normalize(rows, 2, 1, 1e-12, &out));
    expect(out, s32, 2, (double[]){0, 0, 0.6, 0.8, 0.6, 0.8}, "normalize");
    CHECK_OK(sg_cosine_similarity(rows, make((double[]){4, -3}, (int64_t[]){1, 2}, 2), 1, 1e-8, &out));
    expect(out, s3, 1, (double[]){0, 0, 0}, "cosine_similarity");
    CHECK_OK(sg_bilinear(make((double[]){1, 2}, (int64_t[]){1, 2}, 2), make((double[]){3}, (int64_t[]){1, 1}, 2),
                         make((double[]){1, 10}, (int64_t[]){1, 2, 1}, 3), NULL, &out));
    expect(out, (int64_t[]){1, 1}, 2, (double[]){63}, "bilinear");
    /* local_response_norm with size 1, alpha 1, beta 1, k 0: x / x^2 = 1 / x. */
    CHECK_OK(sg_local_response_norm(make((double[]){1, 2, 4}, (int64_t[]){1, 3, 1}, 3), 1, 1, 1, 0, &out));
    expect(out, (int64_t[]){1, 3, 1}, 3, (double[]){1, 0.5, 0.25}, "local_response_norm");

    sg_tensor *x = make((double[]){1, 2, 3}, s13, 2);
    CHECK_OK(sg_constant_pad_nd(x, (int64_t[]){2, -1}, 2, 7, &out));
    expect(out, (int64_t[]){1, 4}, 2, (double[]){7, 7, 1, 2}, "constant_pad_nd");
    CHECK_OK(sg_pad(x, (int64_t[]){2, 1}, 2, 0, &out));
    expect(out, (int64_t[]){1, 6}, 2, (double[]){3, 2, 1, 2, 3, 2}, "pad reflect");
    CHECK_OK(sg_pad(x, (int64_t[]){2, 1}, 2, 1, &out));
    expect(out, (int64_t[]){1, 6}, 2, (double[]){1, 1, 1, 2, 3, 3}, "pad replicate");
    CHECK_OK(sg_pad(x, (int64_t[]){2, 1}, 2, 2, &out));
    expect(out, (int64_t[]){1, 6}, 2, (double[]){2, 3, 1, 2, 3, 1}, "pad circular");

    sg_tensor *c = make((double[]){1, 2, 3, 4}, (int64_t[]){1, 4, 1, 1}, 4);
    CHECK_OK(sg_pixel_shuffle(c, 2, &out));
    expect(out, (int64_t[]){1, 1, 2, 2}, 4, (double[]){1, 2, 3, 4}, "pixel_shuffle");
    sg_tensor *square = make((double[]){1, 2, 3, 4}, (int64_t[]){1, 1, 2, 2}, 4);
    CHECK_OK(sg_pixel_unshuffle(square, 2, &out));
    expect(out, (int64_t[]){1, 4, 1, 1}, 4, (double[]){1, 2, 3, 4}, "pixel_unshuffle");
    CHECK_OK(sg_channel_shuffle(make((double[]){0, 1, 2, 3}, (int64_t[]){1, 4, 1}, 3), 2, &out));
    expect(out, (int64_t[]){1, 4, 1}, 3, (double[]){0, 2, 1, 3}, "channel_shuffle");

    /* Errors. */
    CHECK_STATUS(sg_pdist(x, -1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_pdist(c, 2, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_constant_pad_nd(x, (int64_t[]){1, 1, 1}, 3, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_constant_pad_nd(x, (int64_t[]){-2, -2}, 2, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_constant_pad_nd(x, NULL, 2, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_constant_pad_nd(x, (int64_t[]){0, INT64_MAX}, 2, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_pad(x, (int64_t[]){3, 3}, 2, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_pad(x, (int64_t[]){1, 1}, 2, 9, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_pad(x, (int64_t[]){0, INT64_MAX - 8}, 2, 1, &out), SG_ERR_OUT_OF_MEMORY);
    CHECK_STATUS(sg_pixel_shuffle(c, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_pixel_shuffle(c, INT64_MAX, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_pixel_unshuffle(c, 2, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_channel_shuffle(c, 3, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_local_response_norm(x, 2, 1, 1, 1, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_bilinear(x, rows, rows, NULL, &out), SG_ERR_SHAPE);
    CHECK(out == NULL);
}

static void test_embeddings_dropout(void) {
    sg_tensor *table = make((double[]){0, 1, 2, 3, 3, 4}, (int64_t[]){3, 2}, 2), *out = NULL;
    sg_tensor *idx = longs((int64_t[]){2, 0, 2}, (int64_t[]){3}, 1);
    CHECK_OK(sg_embedding(table, idx, -1, false, &out));
    expect(out, (int64_t[]){3, 2}, 2, (double[]){3, 4, 0, 1, 3, 4}, "embedding");
    /* Row 2, (3, 4), has norm 5 > 1: scaled to norm 1 (over 5 + 1e-7). */
    CHECK_OK(sg_embedding_renorm_(table, idx, 1, 2));
    CHECK_OK(sg_embedding(table, idx, -1, false, &out));
    double s = 1 / (5 + 1e-7);
    expect(out, (int64_t[]){3, 2}, 2, (double[]){3 * s, 4 * s, 0, 1, 3 * s, 4 * s}, "embedding_renorm_");
    CHECK_OK(sg_one_hot(idx, -1, &out));
    expect_longs(out, (int64_t[]){0, 0, 1, 1, 0, 0, 0, 0, 1}, 9, "one_hot");

    sg_tensor *ones = make((double[]){1, 1, 1, 1, 1, 1, 1, 1}, (int64_t[]){4, 2}, 2);
    CHECK_OK(sg_feature_dropout(ones, 0.5, false, false, &out));
    expect(out, (int64_t[]){4, 2}, 2, (double[]){1, 1, 1, 1, 1, 1, 1, 1}, "feature_dropout, not training");
    CHECK_OK(sg_feature_dropout(ones, 1, true, false, &out));
    expect(out, (int64_t[]){4, 2}, 2, (double[]){0, 0, 0, 0, 0, 0, 0, 0}, "feature_dropout p = 1");
    CHECK_OK(sg_alpha_dropout(ones, 0, true, &out));
    expect(out, (int64_t[]){4, 2}, 2, (double[]){1, 1, 1, 1, 1, 1, 1, 1}, "alpha_dropout p = 0");
    CHECK_OK(sg_alpha_dropout(ones, 0.5, true, &out));
    double drawn[8];
    CHECK_OK(sg_tensor_copy_to(out, drawn, sizeof drawn));
    /* Kept: a * 1 + b_kept = a + alpha a p; dropped: b = -alpha a + alpha a p (alpha' = -1.7581). */
    double alpha = 1.7580993408473766, a = 1 / sqrt((alpha * alpha * 0.5 + 1) * 0.5);
    for (int i = 0; i < 8; i++) CHECK(fabs(drawn[i] - (a + alpha * a * 0.5)) < 1e-12 || fabs(drawn[i] - (-alpha * a + alpha * a * 0.5)) < 1e-12);
    CHECK_OK(sg_tensor_free(out));

    /* Errors. */
    CHECK_STATUS(sg_embedding(table, longs((int64_t[]){3}, (int64_t[]){1}, 1), -1, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("index out of range in self");
    CHECK_STATUS(sg_embedding(table, table, -1, false, &out), SG_ERR_DTYPE);
    CHECK_STATUS(sg_embedding(idx, idx, -1, false, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_one_hot(table, -1, &out), SG_ERR_DTYPE);
    CHECK_STATUS(sg_one_hot(idx, 2, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_feature_dropout(ones, 1.5, true, false, &out), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *flat = make((double[]){1, 2, 3}, (int64_t[]){3}, 1);
    CHECK_STATUS(sg_feature_dropout(flat, 0.5, true, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Feature dropout requires at least 2 dimensions in the input");
    CHECK_STATUS(sg_alpha_dropout(ones, -0.5, true, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_embedding_renorm_(NULL, idx, 1, 2), SG_ERR_INVALID_HANDLE);
    CHECK(out == NULL);
}

int main(void) {
    test_activations();
    test_losses();
    test_distances_padding_shuffles();
    test_embeddings_dropout();
    for (size_t i = 0; i < input_count; i++) CHECK_OK(sg_tensor_free(inputs[i]));
    return check_summary("test_nn_functional");
}
