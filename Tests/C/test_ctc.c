/* The CTC loss from C (sg_ctc_loss): a loss and its gradient worked out by hand, the reductions,
   and the errors a caller can provoke (lengths out of range, labels outside the classes, a bad
   blank, dims, dtypes, NULL handles and outputs), none of which may crash. */
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

/* t holds the n float64 values `want` (to 1e-12); frees t. */
static void expect_doubles(sg_tensor *t, const double *want, size_t n, const char *what) {
    double got[16] = {0};
    int64_t numel = 0;
    CHECK(t != NULL);
    if (t == NULL) return;
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK(numel == (int64_t)n && n <= 16);
    if (numel == (int64_t)n && n <= 16) {
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

/* One label (1) in two steps of two classes (blank 0): the paths "1 b", "b 1", "1 1", so
   p = 0.7 * 0.6 + 0.3 * 0.4 + 0.7 * 0.4 = 0.82. The forward variables (probabilities, beta
   including the step's own probability): alpha_0 = (0.3, 0.7, 0), alpha_1 = (0.18, 0.4, 0.42);
   beta_1 = (0, 0.4, 0.6), beta_0 = (0.12, 0.7, 0.18). The gradient is y - (sum of alpha * beta
   over the states of the class) / (p * y): at t = 0, blank 0.3 * 0.12 = 0.036 and label
   0.7 * 0.7 = 0.49; at t = 1, blank 0.42 * 0.6 = 0.252 and label 0.4 * 0.4 = 0.16. */
static void test_hand_worked(void) {
    const double lp_values[] = {log(0.3), log(0.7), log(0.6), log(0.4)};
    const int64_t lp_shape[] = {2, 1, 2}, one[] = {1}, target_shape[] = {1, 1};
    const int64_t labels[] = {1}, input_length[] = {2}, target_length[] = {1};
    sg_tensor *lp = doubles(lp_values, lp_shape, 3);
    sg_tensor *targets = int64s(labels, target_shape, 2);
    sg_tensor *il = int64s(input_length, one, 1), *tl = int64s(target_length, one, 1);
    CHECK_OK(sg_tensor_set_requires_grad(lp, true));

    sg_tensor *loss = NULL;
    CHECK_OK(sg_ctc_loss(lp, targets, il, tl, 0, SG_REDUCTION_SUM, false, &loss));
    CHECK(fabs(item_of(loss) + log(0.82)) < 1e-14);
    CHECK_OK(sg_backward(loss, NULL, false));
    sg_tensor *grad = NULL;
    CHECK_OK(sg_tensor_grad(lp, &grad));
    const double want[] = {0.3 - 0.036 / (0.82 * 0.3), 0.7 - 0.49 / (0.82 * 0.7),
                           0.6 - 0.252 / (0.82 * 0.6), 0.4 - 0.16 / (0.82 * 0.4)};
    expect_doubles(grad, want, 4, "ctc grad");
    sg_tensor_free(loss);

    /* mean divides by the target length (1) and averages one loss: the same value. */
    CHECK_OK(sg_ctc_loss(lp, targets, il, tl, 0, SG_REDUCTION_MEAN, false, &loss));
    CHECK(fabs(item_of(loss) + log(0.82)) < 1e-14);
    sg_tensor_free(loss);

    /* With one step the only path is "1": p = 0.7. Two equal labels need three steps ("1 b 1"):
       with two the loss is +inf, and zero_infinity makes it 0. */
    const int64_t short_length[] = {1};
    sg_tensor *il1 = int64s(short_length, one, 1);
    CHECK_OK(sg_ctc_loss(lp, targets, il1, tl, 0, SG_REDUCTION_NONE, false, &loss));
    const double p07[] = {-log(0.7)};
    expect_doubles(loss, p07, 1, "one step");
    const int64_t twice[] = {1, 1}, twice_shape[] = {1, 2}, two[] = {2};
    sg_tensor *repeated = int64s(twice, twice_shape, 2), *tl2 = int64s(two, one, 1);
    CHECK_OK(sg_ctc_loss(lp, repeated, il, tl2, 0, SG_REDUCTION_NONE, false, &loss));
    CHECK(isinf(item_of(loss)) && item_of(loss) > 0);
    sg_tensor_free(loss);
    CHECK_OK(sg_ctc_loss(lp, repeated, il, tl2, 0, SG_REDUCTION_NONE, true, &loss));
    CHECK(item_of(loss) == 0);
    sg_tensor_free(loss);

    sg_tensor_free(il1);
    sg_tensor_free(repeated);
    sg_tensor_free(tl2);
    sg_tensor_free(lp);
    sg_tensor_free(targets);
    sg_tensor_free(il);
    sg_tensor_free(tl);
}

static void test_errors(void) {
    const double lp_values[12] = {0};
    const int64_t lp_shape[] = {3, 2, 2}, two[] = {2}, target_shape[] = {2, 2};
    const int64_t labels[] = {1, 1, 1, 0}, good_input[] = {3, 2}, good_target[] = {2, 1};
    sg_tensor *lp = doubles(lp_values, lp_shape, 3);
    sg_tensor *targets = int64s(labels, target_shape, 2);
    sg_tensor *il = int64s(good_input, two, 1), *tl = int64s(good_target, two, 1);
    sg_tensor *out = (sg_tensor *)0x1;

    /* input length above T, negative target length */
    const int64_t long_input[] = {4, 2}, negative_target[] = {2, -1};
    sg_tensor *bad_il = int64s(long_input, two, 1), *bad_tl = int64s(negative_target, two, 1);
    CHECK_STATUS(sg_ctc_loss(lp, targets, bad_il, tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Expected input_lengths to have value at most 3, but got value 4");
    CHECK(out == NULL);
    CHECK_STATUS(sg_ctc_loss(lp, targets, il, bad_tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Expected target_lengths to have value at least 0, but got value -1");

    /* a target longer than the padded width; lengths of the wrong count */
    const int64_t wide_target[] = {3, 1}, one[] = {1};
    sg_tensor *wide = int64s(wide_target, two, 1), *single = int64s(good_input, one, 1);
    CHECK_STATUS(sg_ctc_loss(lp, targets, il, wide, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Expected tensor to have size at least 3 at dimension 1, but got size 2");
    CHECK_STATUS(sg_ctc_loss(lp, targets, single, tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("input_lengths must be of size batch_size");

    /* blank outside the classes; a label outside the classes (PyTorch would read out of bounds) */
    CHECK_STATUS(sg_ctc_loss(lp, targets, il, tl, 2, SG_REDUCTION_MEAN, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("blank must be in label range");
    const int64_t far_labels[] = {1, 7, 1, 0};
    sg_tensor *far = int64s(far_labels, target_shape, 2);
    CHECK_STATUS(sg_ctc_loss(lp, far, il, tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("out of bounds for 2 classes");

    /* floating lengths, integer log-probabilities, wrong dims */
    const double float_lengths[] = {3, 2};
    sg_tensor *fl = doubles(float_lengths, two, 1);
    CHECK_STATUS(sg_ctc_loss(lp, targets, fl, tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("input_lengths must be integral");
    CHECK_STATUS(sg_ctc_loss(targets, targets, il, tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"ctc_loss_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_ctc_loss(fl, targets, il, tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Expected 3-dimensional tensor, but got 2-dimensional tensor");

    /* NULL handles and output */
    CHECK_STATUS(sg_ctc_loss(NULL, targets, il, tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_ctc_loss(lp, targets, NULL, tl, 0, SG_REDUCTION_MEAN, false, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_ctc_loss(lp, targets, il, tl, 0, SG_REDUCTION_MEAN, false, NULL), SG_ERR_INVALID_ARGUMENT);

    sg_tensor *tensors[] = {lp, targets, il, tl, bad_il, bad_tl, wide, single, far, fl};
    for (size_t i = 0; i < sizeof tensors / sizeof tensors[0]; i++) sg_tensor_free(tensors[i]);
}

int main(void) {
    test_hand_worked();
    test_errors();
    return check_summary("test_ctc");
}
