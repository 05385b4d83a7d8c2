/*
 * Training a classifier from C: the handwritten digits in data/digits.csv (8x8 images, 10
 * classes) through a 64 -> 128 ReLU -> 10 network, softmax cross-entropy, Adam from swiftgrad's
 * optimizers (sg_optimizer_adam), minibatches of 32. Every fifth image is held out. Each epoch
 * shows a progress bar, then its loss and accuracies.
 *
 * The weights have PyTorch's layout and names (those of nn.Sequential(nn.Linear(64, 128),
 * nn.ReLU(), nn.Linear(128, 10))), so with an output directory the program saves them as
 * OUT/digits.safetensors, which examples/python/evaluate_digits.py (or PyTorch) loads, and
 * draws the training curve into OUT/training_curve.svg. Exits non-zero unless test accuracy
 * reaches 95% and every tensor was freed.
 *
 *   build/bin/mlp_digits [path/to/digits.csv [OUT]]
 */
#include "digits.h"

#define HIDDEN 128
#define EPOCHS 20
#define BATCH 32

static const char *const names[4] = {"0.weight", "0.bias", "2.weight", "2.bias"};

/* net(X) = relu(X W1^T + b1) W2^T + b2, as nn.Linear computes it. */
static sg_tensor *linear(const sg_tensor *X, const sg_tensor *W, const sg_tensor *b) {
    sg_tensor *Wt, *product, *out;
    TRY(sg_transpose(W, 0, 1, &Wt)); /* a view: the product runs as a BLAS transpose */
    TRY(sg_matmul(X, Wt, &product));
    TRY(sg_add(product, b, &out));
    FREE(Wt, product);
    return out;
}

static sg_tensor *net(const sg_tensor *X, sg_tensor *const *p) {
    sg_tensor *a = linear(X, p[0], p[1]), *h, *out;
    TRY(sg_relu(a, &h));
    out = linear(h, p[2], p[3]);
    FREE(a, h);
    return out;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "data/digits.csv", *out_dir = argc > 2 ? argv[2] : NULL;
    sg_tensor *X_train, *y_train, *X_test, *y_test;
    int64_t image_shape[] = {PIXELS};
    load_digits(path, image_shape, 1, &X_train, &y_train, &X_test, &y_test);
    int64_t n_train = rows_of(y_train), n_test = rows_of(y_test);

    TRY(sg_manual_seed(0));
    int64_t w1[] = {HIDDEN, PIXELS}, b1[] = {HIDDEN}, w2[] = {CLASSES, HIDDEN}, b2[] = {CLASSES};
    sg_tensor *params[4] = {uniform_parameter(w1, 2, PIXELS), uniform_parameter(b1, 1, PIXELS),
                            uniform_parameter(w2, 2, HIDDEN), uniform_parameter(b2, 1, HIDDEN)};
    sg_optimizer *adam;
    sg_adam_options options = sg_adam_default_options();
    options.lr = 5e-3;
    TRY(sg_optimizer_adam((const sg_tensor *const *)params, 4, &options, &adam));

    epoch_record history[EPOCHS];
    int64_t order[IMAGES];
    for (int64_t i = 0; i < n_train; i++) order[i] = i;
    uint64_t state = 7;
    printf("training 64-128-10 on %lld digits, testing on %lld\n", (long long)n_train, (long long)n_test);
    for (int epoch = 1; epoch <= EPOCHS; epoch++)
        history[epoch - 1] = train_epoch(net, params, adam, X_train, y_train, X_test, y_test, order, BATCH, &state,
                                         epoch, EPOCHS);
    double test_accuracy = history[EPOCHS - 1].test;
    printf("test accuracy %.3f on %lld held-out digits\n", test_accuracy, (long long)n_test);

    if (out_dir) {
        /* The weights as a PyTorch state_dict in safetensors, with what produced them. */
        char file_path[4096], value[64];
        sg_tensor_dict *weights;
        TRY(sg_tensor_dict_new(&weights));
        for (int k = 0; k < 4; k++) TRY(sg_tensor_dict_set(weights, names[k], params[k]));
        TRY(sg_tensor_dict_set_metadata(weights, "model", "nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))"));
        snprintf(value, sizeof value, "%d", EPOCHS);
        TRY(sg_tensor_dict_set_metadata(weights, "epochs", value));
        snprintf(value, sizeof value, "%.17g", test_accuracy);
        TRY(sg_tensor_dict_set_metadata(weights, "test_accuracy", value));
        snprintf(file_path, sizeof file_path, "%s/digits.safetensors", out_dir);
        TRY(sg_save_safetensors(weights, file_path));
        TRY(sg_tensor_dict_free(weights));
        printf("weights: %s\n", file_path);
        snprintf(file_path, sizeof file_path, "%s/training_curve.svg", out_dir);
        write_svg(file_path, "Training an MLP on digits from C (Adam, batch 32)", history, EPOCHS);
        printf("training curve: %s\n", file_path);
    }

    TRY(sg_optimizer_free(adam));
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
