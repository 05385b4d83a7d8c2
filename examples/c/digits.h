/* What the digit classifiers (mlp_digits.c, lenet_digits.c) share: reading data/digits.csv and
   splitting it, PyTorch's default initialisation of a layer's parameters, a progress bar, the
   clock, and the training curve as an SVG chart. */
#ifndef SWIFTGRAD_DIGITS_H
#define SWIFTGRAD_DIGITS_H

#define _POSIX_C_SOURCE 200809L /* clock_gettime, isatty */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "example.h"

#define IMAGES 1797
#define PIXELS 64
#define CLASSES 10

/* The digits as float32 pixels in [0, 1] (8x8, row by row) and int64 labels: X_train/y_train
   and X_test/y_test, every fifth image (index 0, 5, ...) held out. X has shape
   {rows, image_shape...}. Exits with a message on a bad file. */
static void load_digits(const char *path, const int64_t *image_shape, size_t image_ndim, sg_tensor **X_train,
                        sg_tensor **y_train, sg_tensor **X_test, sg_tensor **y_test) {
    FILE *file = fopen(path, "r");
    if (!file) {
        perror(path);
        exit(1);
    }
    static float pixels[IMAGES][PIXELS];
    static int64_t labels[IMAGES];
    for (int i = 0; i < IMAGES; i++) {
        for (int j = 0; j < PIXELS; j++) {
            int v;
            if (fscanf(file, "%d,", &v) != 1) {
                fprintf(stderr, "%s: bad data at image %d\n", path, i);
                exit(1);
            }
            pixels[i][j] = v / 16.0f;
        }
        if (fscanf(file, "%lld", (long long *)&labels[i]) != 1) {
            fprintf(stderr, "%s: bad label at image %d\n", path, i);
            exit(1);
        }
    }
    fclose(file);

    static int64_t train[IMAGES], test[IMAGES];
    int64_t n_train = 0, n_test = 0;
    for (int64_t i = 0; i < IMAGES; i++) {
        if (i % 5) train[n_train++] = i; else test[n_test++] = i;
    }
    int64_t shape[SG_MAX_DIMS] = {IMAGES}, label_shape[] = {IMAGES};
    for (size_t d = 0; d < image_ndim; d++) shape[d + 1] = image_shape[d];
    sg_tensor *images, *digits, *train_rows, *test_rows;
    TRY(sg_tensor_from_data(pixels, shape, image_ndim + 1, SG_FLOAT32, &images));
    TRY(sg_tensor_from_data(labels, label_shape, 1, SG_INT64, &digits));
    TRY(sg_tensor_from_data(train, &n_train, 1, SG_INT64, &train_rows));
    TRY(sg_tensor_from_data(test, &n_test, 1, SG_INT64, &test_rows));
    TRY(sg_index(images, (const sg_tensor *const[]){train_rows}, 1, X_train));
    TRY(sg_index(digits, (const sg_tensor *const[]){train_rows}, 1, y_train));
    TRY(sg_index(images, (const sg_tensor *const[]){test_rows}, 1, X_test));
    TRY(sg_index(digits, (const sg_tensor *const[]){test_rows}, 1, y_test));
    FREE(images, digits, train_rows, test_rows);
}

/* The length of t's first dimension. */
static int64_t rows_of(const sg_tensor *t) {
    int64_t shape[SG_MAX_DIMS];
    size_t ndim;
    TRY(sg_tensor_shape(t, shape, SG_MAX_DIMS, &ndim));
    return shape[0];
}

/* nn.Linear's and nn.Conv2d's initialisation: uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)]
   (kaiming_uniform with a = sqrt(5) for weights, the same bound for biases), requiring grad. */
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

typedef struct {
    double loss, train, test;
} epoch_record;

/* The fraction of rows of X whose predicted class is y, with grad mode off. */
static double accuracy_of(sg_tensor *(*net)(const sg_tensor *, sg_tensor *const *), const sg_tensor *X,
                          const sg_tensor *y, sg_tensor *const *params) {
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

/* "epoch  3/20 [==========>         ]  23/45" with the running loss; redrawn in place on a
   terminal, printed once per epoch otherwise. */
static void progress(int epoch, int epochs, int64_t done, int64_t total, double loss, bool final) {
    static int terminal = -1;
    if (terminal < 0) terminal = isatty(STDOUT_FILENO);
    if (!final && !terminal) return;
    char bar[31];
    int filled = (int)(30 * done / total);
    for (int i = 0; i < 30; i++) bar[i] = i < filled ? '=' : i == filled ? '>' : ' ';
    bar[30] = 0;
    printf("%sepoch %2d/%d [%s] %3lld/%lld  loss %.4f", terminal ? "\r" : "", epoch, epochs, bar, (long long)done,
           (long long)total, loss);
    if (!final) fflush(stdout);
}

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + now.tv_nsec * 1e-9;
}

/* One epoch of training: the rows of X_train in the order `order` (n_train row indices,
   reshuffled from *state first), in minibatches of batch_size, softmax cross-entropy, one step
   of `opt` per batch, behind the progress bar; then the epoch's record (mean loss, train and
   test accuracy), printed. */
static epoch_record train_epoch(sg_tensor *(*net)(const sg_tensor *, sg_tensor *const *), sg_tensor *const *params,
                                sg_optimizer *opt, const sg_tensor *X_train, const sg_tensor *y_train,
                                const sg_tensor *X_test, const sg_tensor *y_test, int64_t *order,
                                int64_t batch_size, uint64_t *state, int epoch, int epochs) {
    double started = seconds(), total = 0;
    int64_t n_train = rows_of(y_train), batches = (n_train + batch_size - 1) / batch_size;
    shuffle(order, n_train, state);
    for (int64_t k = 0; k < batches; k++) {
        int64_t start = k * batch_size, count = n_train - start < batch_size ? n_train - start : batch_size;
        sg_tensor *batch, *X, *y, *logits, *loss;
        TRY(sg_tensor_from_data(order + start, &count, 1, SG_INT64, &batch));
        TRY(sg_index(X_train, (const sg_tensor *const[]){batch}, 1, &X));
        TRY(sg_index(y_train, (const sg_tensor *const[]){batch}, 1, &y));
        TRY(sg_optimizer_zero_grad(opt, true));
        logits = net(X, params);
        TRY(sg_cross_entropy(logits, y, SG_REDUCTION_MEAN, &loss));
        TRY(sg_backward(loss, NULL, false));
        TRY(sg_optimizer_step(opt));
        total += item(loss) * (double)count;
        FREE(batch, X, y, logits, loss);
        progress(epoch, epochs, k + 1, batches, total / (double)(start + count), false);
    }
    epoch_record record = {total / (double)n_train, accuracy_of(net, X_train, y_train, params),
                           accuracy_of(net, X_test, y_test, params)};
    progress(epoch, epochs, batches, batches, record.loss, true);
    printf("  train acc %.3f  test acc %.3f  (%.0f ms)\n", record.train, record.test, 1000 * (seconds() - started));
    return record;
}

/* The training curve as an SVG line chart: loss on the left axis, accuracies on the right. */
static void write_svg(const char *path, const char *title, const epoch_record *history, int epochs) {
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
    fprintf(f, "<text x=\"%.0f\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">%s</text>\n", W / 2, title);
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

#endif
