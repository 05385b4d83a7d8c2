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
#define _POSIX_C_SOURCE 200809L /* clock_gettime, isatty */
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "example.h"

#define IMAGES 1797
#define PIXELS 64
#define CLASSES 10
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

/* nn.Linear's initialisation: weight and bias uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)]. */
static sg_tensor *uniform_parameter(const int64_t *shape, size_t ndim, int64_t fan_in) {
    sg_tensor *u, *scaled, *p;
    double bound = 1 / sqrt((double)fan_in);
    TRY(sg_rand(shape, ndim, SG_FLOAT32, NULL, &u));
    TRY(sg_mul_scalar(u, 2 * bound, &scaled));
    TRY(sg_sub_scalar(scaled, bound, &p));
    TRY(sg_tensor_set_requires_grad(p, true));
    FREE(u, scaled);
    return p;
}

/* "epoch  3/20 [==========>         ]  23/45" with the running loss; redrawn in place on a
   terminal, printed once per epoch otherwise. */
static void progress(int epoch, int64_t done, int64_t total, double loss, bool final) {
    static int terminal = -1;
    if (terminal < 0) terminal = isatty(STDOUT_FILENO);
    if (!final && !terminal) return;
    char bar[31];
    int filled = (int)(30 * done / total);
    for (int i = 0; i < 30; i++) bar[i] = i < filled ? '=' : i == filled ? '>' : ' ';
    bar[30] = 0;
    printf("%sepoch %2d/%d [%s] %3lld/%lld  loss %.4f", terminal ? "\r" : "", epoch, EPOCHS, bar, (long long)done,
           (long long)total, loss);
    if (!final) fflush(stdout);
}

typedef struct {
    double loss, train, test;
} epoch_record;

/* The training curve as an SVG line chart: loss on the left axis, accuracies on the right. */
static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + now.tv_nsec * 1e-9;
}

static void write_svg(const char *path, const epoch_record *history, int epochs) {
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    const double W = 640, H = 380, left = 60, right = 60, top = 40, bottom = 50;
    const double pw = W - left - right, ph = H - top - bottom;
    double max_loss = 0;
    for (int e = 0; e < epochs; e++) max_loss = fmax(max_loss, history[e].loss);
    max_loss = ceil(max_loss * 10) / 10;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" "
               "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H);
    fprintf(f, "<text x=\"%.0f\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">Training an MLP on digits from C "
               "(Adam, batch %d)</text>\n", W / 2, BATCH);
    /* Grid and axes. */
    for (int i = 0; i <= 5; i++) {
        double y = top + ph * i / 5;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, y, left + pw, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", left - 6, y + 4, max_loss * (5 - i) / 5);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%.0f%%</text>\n", left + pw + 6, y + 4, 100.0 * (5 - i) / 5);
    }
    for (int e = 1; e <= epochs; e++) {
        if (e % 5 && e != 1) continue;
        double x = left + pw * (e - 1) / (epochs > 1 ? epochs - 1 : 1);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", x, top + ph + 18, e);
    }
    fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#333\"/>\n", left, top, pw, ph);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">epoch</text>\n", left + pw / 2, H - 12);
    fprintf(f, "<text transform=\"translate(16 %.0f) rotate(-90)\" text-anchor=\"middle\">training loss</text>\n", top + ph / 2);
    fprintf(f, "<text transform=\"translate(%.0f %.0f) rotate(90)\" text-anchor=\"middle\">accuracy</text>\n",
            W - 14, top + ph / 2);
    /* The three curves. */
    const char *colors[3] = {"#d62728", "#1f77b4", "#2ca02c"}, *labels[3] = {"loss", "train accuracy", "test accuracy"};
    for (int c = 0; c < 3; c++) {
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colors[c]);
        for (int e = 0; e < epochs; e++) {
            double v = c == 0 ? history[e].loss / max_loss : c == 1 ? history[e].train : history[e].test;
            fprintf(f, "%.1f,%.1f ", left + pw * e / (epochs > 1 ? epochs - 1 : 1), top + ph * (1 - v));
        }
        fprintf(f, "\"/>\n<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\"/>"
                   "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
                left + pw - 150, top + ph - 60 + 18.0 * c, left + pw - 125, top + ph - 60 + 18.0 * c, colors[c],
                left + pw - 118, top + ph - 56 + 18.0 * c, labels[c]);
    }
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" fill=\"#2ca02c\">test accuracy %.1f%%</text>\n",
            left + pw - 8, top + 18, 100 * history[epochs - 1].test);
    fprintf(f, "</svg>\n");
    fclose(f);
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "data/digits.csv", *out_dir = argc > 2 ? argv[2] : NULL;
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

    TRY(sg_manual_seed(0));
    int64_t w1[] = {HIDDEN, PIXELS}, b1[] = {HIDDEN}, w2[] = {CLASSES, HIDDEN}, b2[] = {CLASSES};
    sg_tensor *params[4] = {uniform_parameter(w1, 2, PIXELS), uniform_parameter(b1, 1, PIXELS),
                            uniform_parameter(w2, 2, HIDDEN), uniform_parameter(b2, 1, HIDDEN)};
    sg_optimizer *adam;
    sg_adam_options options = sg_adam_default_options();
    options.lr = 5e-3;
    TRY(sg_optimizer_adam((const sg_tensor *const *)params, 4, &options, &adam));

    epoch_record history[EPOCHS];
    int64_t order[IMAGES], batches = (n_train + BATCH - 1) / BATCH;
    for (int64_t i = 0; i < n_train; i++) order[i] = i;
    uint64_t state = 7;
    printf("training 64-128-10 on %lld digits, testing on %lld\n", (long long)n_train, (long long)n_test);
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        double started = seconds();
        shuffle(order, n_train, &state);
        double total = 0;
        for (int64_t k = 0; k < batches; k++) {
            int64_t start = k * BATCH, count = n_train - start < BATCH ? n_train - start : BATCH;
            sg_tensor *batch, *X, *y, *logits, *loss;
            TRY(sg_tensor_from_data(order + start, &count, 1, SG_INT64, &batch));
            TRY(sg_index(X_train, (const sg_tensor *const[]){batch}, 1, &X));
            TRY(sg_index(y_train, (const sg_tensor *const[]){batch}, 1, &y));
            TRY(sg_optimizer_zero_grad(adam, true));
            logits = net(X, params);
            TRY(sg_cross_entropy(logits, y, SG_REDUCTION_MEAN, &loss));
            TRY(sg_backward(loss, NULL, false));
            TRY(sg_optimizer_step(adam));
            total += item(loss) * (double)count;
            FREE(batch, X, y, logits, loss);
            progress(epoch, k + 1, batches, total / (double)(start + count), false);
        }
        history[epoch - 1] = (epoch_record){total / (double)n_train, accuracy(X_train, y_train, params),
                                            accuracy(X_test, y_test, params)};
        progress(epoch, batches, batches, history[epoch - 1].loss, true);
        printf("  train acc %.3f  test acc %.3f  (%.0f ms)\n", history[epoch - 1].train, history[epoch - 1].test,
               1000 * (seconds() - started));
    }
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
        write_svg(file_path, history, EPOCHS);
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
