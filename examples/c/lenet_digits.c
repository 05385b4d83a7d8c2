/*
 * Training a CNN from C: LeNet (D2L 7.6, with ReLU and max pooling as its exercises suggest) on
 * the handwritten digits in data/digits.csv, each 8x8 image resized to LeNet's 28x28 by bilinear
 * interpolation (sg_upsample_linear):
 *
 *   conv 5x5 (1 -> 6, padding 2) -> ReLU -> max pool 2 -> conv 5x5 (6 -> 16) -> ReLU -> max pool 2
 *   -> flatten (400) -> linear 120 -> ReLU -> linear 84 -> ReLU -> linear 10
 *
 * softmax cross-entropy, Adam with a cosine learning-rate schedule, minibatches of 64; every
 * fifth image is held out. The parameters have PyTorch's layout and the names of
 * examples/python/lenet_digits.py's nn.Sequential, so with an output directory the program saves
 * them as OUT/lenet_digits.safetensors (loadable into that model, or PyTorch's) and draws the
 * training curve into OUT/lenet_curve_c.svg. Exits non-zero unless test accuracy reaches 97%
 * (after fewer epochs, as `make check-safety` runs it under valgrind: 50%) and every tensor was
 * freed.
 *
 *   build/bin/lenet_digits [path/to/digits.csv [OUT [EPOCHS]]]
 */
#include "digits.h"

#define EPOCHS 15
#define BATCH 64
#define NPARAMS 10

/* The parameters in nn.Sequential's order and names (the ReLU, pooling and flatten layers at
   indices 1, 2, 4, 5, 6, 8 and 10 have none). */
static const char *const names[NPARAMS] = {"0.weight", "0.bias", "3.weight", "3.bias", "7.weight",
                                           "7.bias",   "9.weight", "9.bias", "11.weight", "11.bias"};

static sg_tensor *relu(sg_tensor *x) {
    sg_tensor *out;
    TRY(sg_relu(x, &out));
    sg_tensor_free(x);
    return out;
}

/* conv2d with stride 1, then ReLU; takes x over. */
static sg_tensor *conv_relu(sg_tensor *x, const sg_tensor *weight, const sg_tensor *bias, int64_t padding) {
    const int64_t one[] = {1, 1}, pad[] = {padding, padding};
    sg_tensor *out;
    TRY(sg_conv(x, weight, bias, one, 2, pad, 2, one, 2, 1, &out));
    sg_tensor_free(x);
    return relu(out);
}

/* 2x2 max pooling with stride 2; takes x over. */
static sg_tensor *max_pool(sg_tensor *x) {
    const int64_t two[] = {2, 2}, zero[] = {0, 0}, one[] = {1, 1};
    sg_tensor *values, *indices;
    TRY(sg_max_pool_with_indices(x, two, 2, two, 2, zero, 2, one, 2, false, &values, &indices));
    FREE(x, indices);
    return values;
}

/* x W^T + b, as nn.Linear; takes x over. */
static sg_tensor *linear(sg_tensor *x, const sg_tensor *W, const sg_tensor *b) {
    sg_tensor *Wt, *product, *out;
    TRY(sg_transpose(W, 0, 1, &Wt));
    TRY(sg_matmul(x, Wt, &product));
    TRY(sg_add(product, b, &out));
    FREE(x, Wt, product);
    return out;
}

static sg_tensor *net(const sg_tensor *X, sg_tensor *const *p) {
    sg_tensor *x, *flat;
    TRY(sg_tensor_share(X, &x));
    x = max_pool(conv_relu(x, p[0], p[1], 2));  /* 6 x 14 x 14 */
    x = max_pool(conv_relu(x, p[2], p[3], 0));  /* 16 x 5 x 5 */
    TRY(sg_flatten(x, 1, -1, &flat));
    sg_tensor_free(x);
    x = relu(linear(flat, p[4], p[5]));
    x = relu(linear(x, p[6], p[7]));
    return linear(x, p[8], p[9]);
}

/* The 8x8 images as 1 x 28 x 28, resized as F.interpolate(mode="bilinear") does; takes X over. */
static sg_tensor *resize(sg_tensor *X) {
    const int64_t size[] = {28, 28};
    sg_tensor *out;
    TRY(sg_upsample_linear(X, size, 2, false, 0, 0, 0, &out));
    sg_tensor_free(X);
    return out;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "data/digits.csv", *out_dir = argc > 2 ? argv[2] : NULL;
    const int epochs = argc > 3 ? atoi(argv[3]) : EPOCHS;
    if (epochs < 1 || epochs > EPOCHS) {
        fprintf(stderr, "EPOCHS must be 1 to %d\n", EPOCHS);
        return 1;
    }
    sg_tensor *X_train, *y_train, *X_test, *y_test;
    const int64_t image_shape[] = {1, 8, 8};
    load_digits(path, image_shape, 3, &X_train, &y_train, &X_test, &y_test);
    X_train = resize(X_train);
    X_test = resize(X_test);
    int64_t n_train = rows_of(y_train), n_test = rows_of(y_test);

    TRY(sg_manual_seed(0));
    const int64_t shapes[NPARAMS][4] = {{6, 1, 5, 5}, {6}, {16, 6, 5, 5}, {16}, {120, 400},
                                        {120},        {84, 120}, {84}, {10, 84}, {10}};
    const size_t ndims[NPARAMS] = {4, 1, 4, 1, 2, 1, 2, 1, 2, 1};
    const int64_t fan_in[NPARAMS] = {25, 25, 150, 150, 400, 400, 120, 120, 84, 84};
    sg_tensor *params[NPARAMS];
    for (int k = 0; k < NPARAMS; k++) params[k] = uniform_parameter(shapes[k], ndims[k], fan_in[k]);
    sg_optimizer *adam;
    sg_adam_options options = sg_adam_default_options();
    const double lr = 3e-3;
    options.lr = lr;
    TRY(sg_optimizer_adam((const sg_tensor *const *)params, NPARAMS, &options, &adam));

    epoch_record history[EPOCHS];
    int64_t order[IMAGES];
    for (int64_t i = 0; i < n_train; i++) order[i] = i;
    uint64_t state = 7;
    printf("training LeNet on %lld digits (resized to 28x28), testing on %lld\n", (long long)n_train,
           (long long)n_test);
    for (int epoch = 1; epoch <= epochs; epoch++) {
        /* CosineAnnealingLR(T_max=epochs), stepped once per epoch. */
        TRY(sg_optimizer_set_option(adam, 0, "lr", lr * 0.5 * (1 + cos(3.14159265358979323846 * (epoch - 1) / epochs))));
        history[epoch - 1] = train_epoch(net, params, adam, X_train, y_train, X_test, y_test, order, BATCH, &state,
                                         epoch, epochs);
    }
    double test_accuracy = history[epochs - 1].test;
    printf("test accuracy %.3f on %lld held-out digits\n", test_accuracy, (long long)n_test);

    if (out_dir) {
        char file_path[4096];
        sg_tensor_dict *weights;
        TRY(sg_tensor_dict_new(&weights));
        for (int k = 0; k < NPARAMS; k++) TRY(sg_tensor_dict_set(weights, names[k], params[k]));
        TRY(sg_tensor_dict_set_metadata(weights, "model", "LeNet (examples/python/lenet_digits.py)"));
        snprintf(file_path, sizeof file_path, "%s/lenet_digits.safetensors", out_dir);
        TRY(sg_save_safetensors(weights, file_path));
        TRY(sg_tensor_dict_free(weights));
        printf("weights: %s\n", file_path);
        snprintf(file_path, sizeof file_path, "%s/lenet_curve_c.svg", out_dir);
        write_svg(file_path, "LeNet on digits from C (Adam, batch 64)", history, epochs);
        printf("training curve: %s\n", file_path);
    }

    TRY(sg_optimizer_free(adam));
    FREE(X_train, y_train, X_test, y_test);
    for (int k = 0; k < NPARAMS; k++) sg_tensor_free(params[k]);
    if (sg_live_tensor_count() != 0) {
        fprintf(stderr, "leak: %lld tensors alive\n", (long long)sg_live_tensor_count());
        return 1;
    }
    if (test_accuracy < (epochs == EPOCHS ? 0.97 : 0.5)) {
        fprintf(stderr, "LeNet reached only %.3f test accuracy\n", test_accuracy);
        return 1;
    }
    return 0;
}
