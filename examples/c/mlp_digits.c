/*
 * A multilayer perceptron from scratch in C against swiftgrad.h, on the handwritten digits in
 * data/digits.csv (8x8 images, 10 classes): 64 -> 128 ReLU -> 10, softmax cross-entropy,
 * minibatch SGD. Every fifth image is held out; exits non-zero unless test accuracy reaches 95%.
 *
 *   build/bin/mlp_digits [path/to/digits.csv]
 */
#include "example.h"

#define IMAGES 1797
#define PIXELS 64
#define CLASSES 10
#define HIDDEN 128

/* net(X) = relu(X @ W1 + b1) @ W2 + b2 */
static sg_tensor *net(const sg_tensor *X, sg_tensor *const *p) {
    sg_tensor *a, *b, *h, *c, *out;
    TRY(sg_matmul(X, p[0], &a));
    TRY(sg_add(a, p[1], &b));
    TRY(sg_relu(b, &h));
    TRY(sg_matmul(h, p[2], &c));
    TRY(sg_add(c, p[3], &out));
    FREE(a, b, h, c);
    return out;
}

/* The fraction of rows of X whose predicted class is y. */
static double accuracy(const sg_tensor *X, const sg_tensor *y, sg_tensor *const *params) {
    bool previous;
    TRY(sg_set_grad_enabled(false, &previous));
    sg_tensor *logits = net(X, params), *predicted, *hits, *as_float, *mean;
    int64_t dim = 1;
    TRY(sg_argmax(logits, &dim, false, &predicted));
    TRY(sg_eq(predicted, y, &hits));
    TRY(sg_to_dtype(hits, SG_FLOAT64, &as_float));
    TRY(sg_mean(as_float, &mean));
    double value = item(mean);
    FREE(logits, predicted, hits, as_float, mean);
    TRY(sg_set_grad_enabled(previous, NULL));
    return value;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "data/digits.csv";
    FILE *file = fopen(path, "r");
    if (!file) {
        perror(path);
        return 1;
    }
    static float pixels[IMAGES][PIXELS];
    static int64_t labels[IMAGES];
    for (int i = 0; i < IMAGES; i++) {
        for (int j = 0; j < PIXELS; j++) {
            int v;
            if (fscanf(file, "%d,", &v) != 1) { fprintf(stderr, "%s: bad data at image %d\n", path, i); return 1; }
            pixels[i][j] = v / 16.0f;
        }
        if (fscanf(file, "%lld", (long long *)&labels[i]) != 1) { fprintf(stderr, "%s: bad label at image %d\n", path, i); return 1; }
    }
    fclose(file);

    /* Every fifth image is held out for testing. */
    int64_t train[IMAGES], test[IMAGES], n_train = 0, n_test = 0;
    for (int64_t i = 0; i < IMAGES; i++) {
        if (i % 5) train[n_train++] = i; else test[n_test++] = i;
    }
    int64_t image_shape[] = {IMAGES, PIXELS}, label_shape[] = {IMAGES};
    sg_tensor *images, *digits, *train_rows, *test_rows, *X_train, *y_train, *X_test, *y_test;
    TRY(sg_tensor_from_data(pixels, image_shape, 2, SG_FLOAT32, &images));
    TRY(sg_tensor_from_data(labels, label_shape, 1, SG_INT64, &digits));
    TRY(sg_tensor_from_data(train, &n_train, 1, SG_INT64, &train_rows));
    TRY(sg_tensor_from_data(test, &n_test, 1, SG_INT64, &test_rows));
    TRY(sg_index(images, (const sg_tensor *const[]){train_rows}, 1, &X_train));
    TRY(sg_index(digits, (const sg_tensor *const[]){train_rows}, 1, &y_train));
    TRY(sg_index(images, (const sg_tensor *const[]){test_rows}, 1, &X_test));
    TRY(sg_index(digits, (const sg_tensor *const[]){test_rows}, 1, &y_test));
    FREE(images, digits, train_rows, test_rows);

    /* W ~ N(0, 0.1), b = 0. */
    TRY(sg_manual_seed(0));
    int64_t shapes[4][2] = {{PIXELS, HIDDEN}, {HIDDEN, 0}, {HIDDEN, CLASSES}, {CLASSES, 0}};
    sg_tensor *params[4];
    for (int k = 0; k < 4; k++) {
        if (k % 2 == 0) TRY(sg_normal(0, 0.1, shapes[k], 2, SG_FLOAT32, &params[k]));
        else TRY(sg_zeros(shapes[k], 1, SG_FLOAT32, &params[k]));
        TRY(sg_tensor_set_requires_grad(params[k], true));
    }

    const double lr = 0.2;
    const int batch_size = 32, epochs = 30;
    int64_t order[IMAGES];
    for (int64_t i = 0; i < n_train; i++) order[i] = i;
    uint64_t state = 7;
    for (int epoch = 1; epoch <= epochs; epoch++) {
        shuffle(order, n_train, &state);
        double total = 0;
        for (int64_t start = 0; start < n_train; start += batch_size) {
            int64_t count = n_train - start < batch_size ? n_train - start : batch_size;
            sg_tensor *batch, *X, *y, *logits, *loss;
            TRY(sg_tensor_from_data(order + start, &count, 1, SG_INT64, &batch));
            TRY(sg_index(X_train, (const sg_tensor *const[]){batch}, 1, &X));
            TRY(sg_index(y_train, (const sg_tensor *const[]){batch}, 1, &y));
            logits = net(X, params);
            TRY(sg_cross_entropy(logits, y, SG_REDUCTION_MEAN, &loss));
            TRY(sg_backward(loss, NULL, false));
            total += item(loss) * (double)count;
            /* SGD: param -= lr * grad; grad.zero_(), with recording off. */
            TRY(sg_set_grad_enabled(false, NULL));
            for (int k = 0; k < 4; k++) {
                sg_tensor *grad, *step;
                TRY(sg_tensor_grad(params[k], &grad));
                TRY(sg_mul_scalar(grad, lr, &step));
                TRY(sg_sub_(params[k], step));
                TRY(sg_zero_(grad));
                FREE(grad, step);
            }
            TRY(sg_set_grad_enabled(true, NULL));
            FREE(batch, X, y, logits, loss);
        }
        if (epoch % 5 == 0) {
            printf("epoch %2d, loss %.4f, train acc %.3f, test acc %.3f\n", epoch, total / (double)n_train,
                   accuracy(X_train, y_train, params), accuracy(X_test, y_test, params));
        }
    }
    double test_accuracy = accuracy(X_test, y_test, params);
    printf("test accuracy %.3f on %lld held-out digits\n", test_accuracy, (long long)n_test);
    FREE(X_train, y_train, X_test, y_test, params[0], params[1], params[2], params[3]);
    if (sg_live_tensor_count() != 0) {
        fprintf(stderr, "leak: %lld tensors alive\n", (long long)sg_live_tensor_count());
        return 1;
    }
    if (test_accuracy < 0.95) {
        fprintf(stderr, "the MLP reached only %.3f test accuracy\n", test_accuracy);
        return 1;
    }
    return 0;
}
