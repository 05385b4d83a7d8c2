/*
 * D2L's "Linear Regression Implementation from Scratch" in C against swiftgrad.h: synthetic data
 * from w = [2, -3.4], b = 4.2, minibatch SGD (batch 10, lr 0.03) for 3 epochs. Exits non-zero
 * unless w and b are recovered to within 5e-3.
 */
#include <math.h>
#include "example.h"

#define N 1000
#define BATCH 10

/* squared_loss(y_hat, y) = (y_hat - y)^2 / 2, elementwise. */
static sg_tensor *squared_loss(const sg_tensor *y_hat, const sg_tensor *y) {
    sg_tensor *diff, *square, *half;
    TRY(sg_sub(y_hat, y, &diff));
    TRY(sg_square(diff, &square));
    TRY(sg_div_scalar(square, 2, &half));
    FREE(diff, square);
    return half;
}

/* linreg(X, w, b) = X @ w + b */
static sg_tensor *linreg(const sg_tensor *X, const sg_tensor *w, const sg_tensor *b) {
    sg_tensor *xw, *out;
    TRY(sg_matmul(X, w, &xw));
    TRY(sg_add(xw, b, &out));
    FREE(xw);
    return out;
}

/* param -= lr * param.grad / batch_size; param.grad.zero_(), without recording. */
static void sgd(sg_tensor *const *params, int count, double lr, int batch_size) {
    bool previous;
    TRY(sg_set_grad_enabled(false, &previous));
    for (int i = 0; i < count; i++) {
        sg_tensor *grad, *step;
        TRY(sg_tensor_grad(params[i], &grad));
        TRY(sg_mul_scalar(grad, lr / batch_size, &step));
        TRY(sg_sub_(params[i], step));
        TRY(sg_zero_(grad));
        FREE(grad, step);
    }
    TRY(sg_set_grad_enabled(previous, NULL));
}

int main(void) {
    TRY(sg_manual_seed(0));
    /* features ~ N(0, 1); labels = features @ true_w + true_b + N(0, 0.01). */
    double true_w_values[] = {2, -3.4}, true_b = 4.2;
    int64_t two = 2, shape[] = {N, 2}, column[] = {-1, 1};
    sg_tensor *true_w, *features, *clean, *shifted, *noise, *labels;
    TRY(sg_tensor_from_data(true_w_values, &two, 1, SG_FLOAT64, &true_w));
    TRY(sg_to_dtype(true_w, SG_FLOAT32, &clean));
    FREE(true_w);
    true_w = clean;
    TRY(sg_normal(0, 1, shape, 2, SG_FLOAT32, NULL, &features));
    TRY(sg_matmul(features, true_w, &clean));
    TRY(sg_add_scalar(clean, true_b, &shifted));
    int64_t n = N;
    TRY(sg_normal(0, 0.01, &n, 1, SG_FLOAT32, NULL, &noise));
    TRY(sg_add_(shifted, noise));
    TRY(sg_reshape(shifted, column, 2, &labels));
    FREE(clean, shifted, noise);

    /* w ~ N(0, 0.01) of shape (2, 1), b = 0; both require grad. */
    int64_t w_shape[] = {2, 1}, one = 1;
    sg_tensor *w, *b;
    TRY(sg_normal(0, 0.01, w_shape, 2, SG_FLOAT32, NULL, &w));
    TRY(sg_tensor_set_requires_grad(w, true));
    TRY(sg_zeros(&one, 1, SG_FLOAT32, &b));
    TRY(sg_tensor_set_requires_grad(b, true));
    sg_tensor *params[] = {w, b};

    int64_t order[N];
    for (int64_t i = 0; i < N; i++) order[i] = i;
    uint64_t state = 42;
    for (int epoch = 0; epoch < 3; epoch++) {
        shuffle(order, N, &state);
        for (int64_t start = 0; start < N; start += BATCH) {
            int64_t count = BATCH;
            sg_tensor *batch, *X, *y, *y_hat, *l, *total;
            TRY(sg_tensor_from_data(order + start, &count, 1, SG_INT64, &batch));
            TRY(sg_index(features, (const sg_tensor *const[]){batch}, 1, &X));
            TRY(sg_index(labels, (const sg_tensor *const[]){batch}, 1, &y));
            y_hat = linreg(X, w, b);
            l = squared_loss(y_hat, y);
            TRY(sg_sum(l, &total));
            TRY(sg_backward(total, NULL, false));
            sgd(params, 2, 0.03, BATCH);
            FREE(batch, X, y, y_hat, l, total);
        }
        bool previous;
        TRY(sg_set_grad_enabled(false, &previous));
        sg_tensor *y_hat = linreg(features, w, b), *l = squared_loss(y_hat, labels), *mean;
        TRY(sg_mean(l, &mean));
        printf("epoch %d, loss %f\n", epoch + 1, item(mean));
        FREE(y_hat, l, mean);
        TRY(sg_set_grad_enabled(previous, NULL));
    }

    float w_final[2], b_final;
    TRY(sg_tensor_copy_to(w, w_final, sizeof w_final));
    TRY(sg_tensor_copy_to(b, &b_final, sizeof b_final));
    double w_error[] = {true_w_values[0] - w_final[0], true_w_values[1] - w_final[1]}, b_error = true_b - b_final;
    printf("error in estimating w: [%.4f, %.4f]\n", w_error[0], w_error[1]);
    printf("error in estimating b: %.4f\n", b_error);
    FREE(true_w, features, labels, w, b);
    if (sg_live_tensor_count() != 0) {
        fprintf(stderr, "leak: %lld tensors alive\n", (long long)sg_live_tensor_count());
        return 1;
    }
    if (fmax(fmax(fabs(w_error[0]), fabs(w_error[1])), fabs(b_error)) >= 5e-3) {
        fprintf(stderr, "linear regression did not converge\n");
        return 1;
    }
    return 0;
}
