/* The benchmark workloads through the C ABI, and the machine's own limits.

     bench W1 | W1b | W2 | W3 | W4     one workload; prints a JSON line (median seconds per
                                       repetition, peak RSS during the workload, RSS before)
     bench stream                      memory bandwidth of one core and of all cores (STREAM triad)
     bench sgemm                       OpenBLAS's cblas_sgemm on 1024^3 float32, called directly
     bench w3_products                 W3's matrix products alone, through cblas_sgemm directly

   The workloads are the same as benchmarks/workloads.py runs from Python. */
#define _GNU_SOURCE
#include <cblas.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <swiftgrad.h>

#define TRY(call)                                                                        \
    do {                                                                                 \
        sg_status status_ = (call);                                                      \
        if (status_ != SG_OK) {                                                          \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,         \
                    sg_last_error());                                                    \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* VmRSS or VmHWM from /proc/self/status, in MiB. */
static double status_mb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double value = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            value = atof(line + n + 1) / 1024.0;
            break;
        }
    }
    if (f) fclose(f);
    return value;
}

/* Restarts the peak-RSS mark (VmHWM) from the current RSS. */
static void reset_peak_rss(void) {
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double item(const sg_tensor *t) {
    double v;
    TRY(sg_tensor_item(t, &v));
    return v;
}

/* A comparison's truth, as Python's `if tensor:` reads it. */
static bool truth(sg_status (*compare)(const sg_tensor *, double, sg_tensor **), const sg_tensor *t,
                  double s) {
    sg_tensor *b;
    TRY(compare(t, s, &b));
    bool value = item(b) != 0;
    sg_tensor_free(b);
    return value;
}

/* ---- W1: the chapter's f(a) on a 0-d tensor, forward and backward ---- */

static sg_tensor *f(const sg_tensor *a) {
    sg_tensor *b, *n, *next, *s, *c;
    TRY(sg_mul_scalar(a, 2, &b));
    for (;;) {
        TRY(sg_norm(b, &n));
        bool small = truth(sg_lt_scalar, n, 1000);
        sg_tensor_free(n);
        if (!small) break;
        TRY(sg_mul_scalar(b, 2, &next));
        sg_tensor_free(b);
        b = next;
    }
    TRY(sg_sum(b, &s));
    bool positive = truth(sg_gt_scalar, s, 0);
    sg_tensor_free(s);
    if (positive) return b;
    TRY(sg_mul_scalar(b, 100, &c));
    sg_tensor_free(b);
    return c;
}

static void w1(void *state) {
    (void)state;
    sg_tensor *a, *d, *grad;
    TRY(sg_randn(NULL, 0, SG_FLOAT32, NULL, &a));
    TRY(sg_tensor_set_requires_grad(a, true));
    d = f(a);
    TRY(sg_backward(d, NULL, false));
    TRY(sg_tensor_grad(a, &grad));
    sg_tensor_free(grad);
    sg_tensor_free(d);
    sg_tensor_free(a);
}

/* ---- W1b: y = y * x; y = y + 1, 1,000 ops on 4 elements, then y.sum().backward() ---- */

static void w1b(void *state) {
    sg_tensor *x = state, *y, *next, *s;
    TRY(sg_tensor_share(x, &y));
    for (int i = 0; i < 500; i++) {
        TRY(sg_mul(y, x, &next));
        sg_tensor_free(y);
        TRY(sg_add_scalar(next, 1, &y));
        sg_tensor_free(next);
    }
    TRY(sg_sum(y, &s));
    sg_tensor_free(y);
    TRY(sg_backward(s, NULL, false));
    sg_tensor_free(s);
    TRY(sg_tensor_set_grad(x, NULL));
}

/* ---- W2: (x * x * 2).sum().backward() on 2^24 float32 ---- */

static void w2(void *state) {
    sg_tensor *x = state, *xx, *twice, *s;
    TRY(sg_mul(x, x, &xx));
    TRY(sg_mul_scalar(xx, 2, &twice));
    sg_tensor_free(xx);
    TRY(sg_sum(twice, &s));
    sg_tensor_free(twice);
    TRY(sg_backward(s, NULL, false));
    sg_tensor_free(s);
    TRY(sg_tensor_set_grad(x, NULL));
}

/* ---- W3: one SGD step of a 784-512-10 ReLU MLP with cross-entropy, batch 256 ---- */

struct mlp {
    sg_tensor *X, *y, *params[4];
};

static void w3(void *state) {
    struct mlp *m = state;
    sg_tensor *h, *hb, *r, *o, *logits, *loss;
    TRY(sg_matmul(m->X, m->params[0], &h));
    TRY(sg_add(h, m->params[1], &hb));
    sg_tensor_free(h);
    TRY(sg_relu(hb, &r));
    sg_tensor_free(hb);
    TRY(sg_matmul(r, m->params[2], &o));
    sg_tensor_free(r);
    TRY(sg_add(o, m->params[3], &logits));
    sg_tensor_free(o);
    TRY(sg_cross_entropy(logits, m->y, SG_REDUCTION_MEAN, &loss));
    sg_tensor_free(logits);
    TRY(sg_backward(loss, NULL, false));
    sg_tensor_free(loss);
    bool previous;
    TRY(sg_set_grad_enabled(false, &previous));
    for (int i = 0; i < 4; i++) {
        sg_tensor *grad, *step;
        TRY(sg_tensor_grad(m->params[i], &grad));
        TRY(sg_mul_scalar(grad, 0.1, &step));
        TRY(sg_sub_(m->params[i], step));
        TRY(sg_zero_(grad));
        sg_tensor_free(step);
        sg_tensor_free(grad);
    }
    TRY(sg_set_grad_enabled(previous, NULL));
}

static sg_tensor *scaled_randn(int64_t rows, int64_t cols, double scale) {
    int64_t shape[2] = {rows, cols};
    sg_tensor *t, *s;
    TRY(sg_randn(shape, 2, SG_FLOAT32, NULL, &t));
    TRY(sg_mul_scalar(t, scale, &s));
    sg_tensor_free(t);
    TRY(sg_tensor_set_requires_grad(s, true));
    return s;
}

/* ---- W4: a 1024^3 float32 matmul ---- */

struct pair {
    sg_tensor *a, *b;
};

static void w4(void *state) {
    struct pair *p = state;
    sg_tensor *c;
    TRY(sg_matmul(p->a, p->b, &c));
    sg_tensor_free(c);
}

/* Runs `run` after a tenth as many warm-up runs, at least `repetitions` times and for at least a
   second; the median in seconds. */
static double measure(void (*run)(void *), void *state, int repetitions) {
    for (int i = 0; i < (repetitions / 10 > 0 ? repetitions / 10 : 1); i++) run(state);
    size_t capacity = (size_t)repetitions, count = 0;
    double *times = malloc(sizeof(double) * capacity), began = now();
    while (count < (size_t)repetitions || now() - began < 1.0) {
        if (count == capacity) {
            capacity *= 2;
            double *grown = realloc(times, sizeof(double) * capacity);
            if (grown == NULL) break;
            times = grown;
        }
        double start = now();
        run(state);
        times[count++] = now() - start;
    }
    qsort(times, count, sizeof(double), compare_doubles);
    double median = times[count / 2];
    free(times);
    return median;
}

static int workload(const char *name) {
    TRY(sg_manual_seed(0));
    reset_peak_rss();
    double rss_before = status_mb("VmRSS"), seconds;
    if (strcmp(name, "W1") == 0) {
        seconds = measure(w1, NULL, 2000);
    } else if (strcmp(name, "W1b") == 0) {
        int64_t four = 4;
        sg_tensor *x;
        TRY(sg_rand(&four, 1, SG_FLOAT32, NULL, &x));
        TRY(sg_tensor_set_requires_grad(x, true));
        seconds = measure(w1b, x, 100);
        sg_tensor_free(x);
    } else if (strcmp(name, "W2") == 0) {
        int64_t n = (int64_t)1 << 24;
        sg_tensor *x;
        TRY(sg_randn(&n, 1, SG_FLOAT32, NULL, &x));
        TRY(sg_tensor_set_requires_grad(x, true));
        seconds = measure(w2, x, 10);
        sg_tensor_free(x);
    } else if (strcmp(name, "W3") == 0) {
        struct mlp m;
        int64_t xshape[2] = {256, 784}, batch = 256, zero512 = 512, zero10 = 10;
        TRY(sg_randn(xshape, 2, SG_FLOAT32, NULL, &m.X));
        TRY(sg_randint(0, 10, &batch, 1, SG_INT64, NULL, &m.y));
        m.params[0] = scaled_randn(784, 512, 0.05);
        TRY(sg_zeros(&zero512, 1, SG_FLOAT32, &m.params[1]));
        m.params[2] = scaled_randn(512, 10, 0.05);
        TRY(sg_zeros(&zero10, 1, SG_FLOAT32, &m.params[3]));
        TRY(sg_tensor_set_requires_grad(m.params[1], true));
        TRY(sg_tensor_set_requires_grad(m.params[3], true));
        seconds = measure(w3, &m, 100);
        sg_tensor_free(m.X);
        sg_tensor_free(m.y);
        for (int i = 0; i < 4; i++) sg_tensor_free(m.params[i]);
    } else if (strcmp(name, "W4") == 0) {
        int64_t shape[2] = {1024, 1024};
        struct pair p;
        TRY(sg_randn(shape, 2, SG_FLOAT32, NULL, &p.a));
        TRY(sg_randn(shape, 2, SG_FLOAT32, NULL, &p.b));
        seconds = measure(w4, &p, 20);
        sg_tensor_free(p.a);
        sg_tensor_free(p.b);
    } else {
        fprintf(stderr, "unknown workload %s\n", name);
        return 2;
    }
    if (sg_live_tensor_count() != 0) {
        fprintf(stderr, "%s leaked %lld tensors\n", name, (long long)sg_live_tensor_count());
        return 1;
    }
    printf("{\"workload\": \"%s\", \"impl\": \"c\", \"seconds\": %.9g, \"peak_rss_mb\": %.2f, "
           "\"rss_before_mb\": %.2f}\n", name, seconds, status_mb("VmHWM"), rss_before);
    return 0;
}

/* ---- Machine limits ---- */

struct triad {
    float *a, *b, *c;
    size_t begin, end;
};

static void *triad_part(void *arg) {
    struct triad *t = arg;
    for (size_t i = t->begin; i < t->end; i++) t->a[i] = t->b[i] + 3.0f * t->c[i];
    return NULL;
}

/* STREAM's triad a = b + s * c over 3 x 256 MiB, with `threads` threads: best of 10, GB/s
   counting the 3 arrays' bytes as STREAM does. */
static double triad_bandwidth(float *a, float *b, float *c, size_t n, int threads) {
    double best = 1e30;
    pthread_t ids[64];
    struct triad parts[64];
    for (int rep = 0; rep < 10; rep++) {
        double start = now();
        for (int k = 0; k < threads; k++) {
            parts[k] = (struct triad){a, b, c, n * (size_t)k / (size_t)threads, n * (size_t)(k + 1) / (size_t)threads};
            if (k > 0) pthread_create(&ids[k], NULL, triad_part, &parts[k]);
        }
        triad_part(&parts[0]);
        for (int k = 1; k < threads; k++) pthread_join(ids[k], NULL);
        double t = now() - start;
        if (t < best) best = t;
    }
    return 3.0 * (double)n * sizeof(float) / best / 1e9;
}

static int stream(void) {
    size_t n = (size_t)1 << 26;
    float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float)), *c = malloc(n * sizeof(float));
    if (!a || !b || !c) return 1;
    for (size_t i = 0; i < n; i++) a[i] = 0, b[i] = 1, c[i] = 2;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    if (cores > 64) cores = 64;
    double one = triad_bandwidth(a, b, c, n, 1), all = triad_bandwidth(a, b, c, n, (int)cores);
    printf("{\"limit\": \"stream\", \"one_core_gbs\": %.2f, \"all_cores_gbs\": %.2f, \"cores\": %ld}\n", one, all, cores);
    free(a), free(b), free(c);
    return 0;
}

/* OpenBLAS's thread count (libswiftgrad asks it for one thread of its own when it loads, and
   splits products over its own threads): the direct sgemm runs with all cores, as OpenBLAS
   does by default. */
extern void openblas_set_num_threads(int);

static void blas_on_all_cores(void) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    openblas_set_num_threads(cores < 1 ? 1 : cores > 64 ? 64 : (int)cores);
}

static int sgemm(void) {
    const int n = 1024;
    blas_on_all_cores();
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c) return 1;
    for (int i = 0; i < n * n; i++) a[i] = (float)(i % 7) - 3, b[i] = (float)(i % 5) - 2;
    double times[20];
    for (int rep = 0; rep < 22; rep++) {
        double start = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        if (rep >= 2) times[rep - 2] = now() - start;
    }
    qsort(times, 20, sizeof(double), compare_doubles);
    printf("{\"limit\": \"sgemm\", \"seconds\": %.9g, \"gflops\": %.1f}\n", times[10], 2.0 * n * n * (double)n / times[10] / 1e9);
    free(a), free(b), free(c);
    return 0;
}

/* The matrix products of one W3 step, and nothing else, through cblas_sgemm called directly
   with all cores: X W1 [256 x 784 x 512] and H W2 [256 x 512 x 10] forward; dL W2^T, H^T dL and
   X^T dZ backward (X needs no gradient). The floor under any W3 step that multiplies with this
   BLAS, measured as W3 is (`measure`) and in turn with it. */
enum { W3_B = 256, W3_IN = 784, W3_HID = 512, W3_OUT = 10 };

struct w3_matrices {
    float *x, *w1, *h, *w2, *l, *dh, *dw2, *dw1;
};

static void w3_step_products(void *state) {
    enum { B = W3_B, IN = W3_IN, HID = W3_HID, OUT = W3_OUT };
    struct w3_matrices *m = state;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, HID, IN, 1.0f, m->x, IN, m->w1, HID, 0.0f, m->h, HID);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, OUT, HID, 1.0f, m->h, HID, m->w2, OUT, 0.0f, m->l, OUT);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, HID, OUT, 1.0f, m->l, OUT, m->w2, OUT, 0.0f, m->dh, HID);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, HID, OUT, B, 1.0f, m->h, HID, m->l, OUT, 0.0f, m->dw2, OUT);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, IN, HID, B, 1.0f, m->x, IN, m->dh, HID, 0.0f, m->dw1, HID);
}

static int w3_products(void) {
    enum { B = W3_B, IN = W3_IN, HID = W3_HID, OUT = W3_OUT };
    blas_on_all_cores();
    struct w3_matrices m = {
        malloc(sizeof(float) * B * IN), malloc(sizeof(float) * IN * HID), malloc(sizeof(float) * B * HID),
        malloc(sizeof(float) * HID * OUT), malloc(sizeof(float) * B * OUT), malloc(sizeof(float) * B * HID),
        malloc(sizeof(float) * HID * OUT), malloc(sizeof(float) * IN * HID),
    };
    if (!m.x || !m.w1 || !m.h || !m.w2 || !m.l || !m.dh || !m.dw2 || !m.dw1) return 1;
    for (int i = 0; i < B * IN; i++) m.x[i] = (float)(i % 7) - 3;
    for (int i = 0; i < IN * HID; i++) m.w1[i] = 0.01f * (float)(i % 5 - 2);
    for (int i = 0; i < HID * OUT; i++) m.w2[i] = 0.01f * (float)(i % 3 - 1);
    for (int i = 0; i < B * OUT; i++) m.l[i] = 0.001f * (float)(i % 11 - 5);
    printf("{\"limit\": \"w3_products\", \"seconds\": %.9g}\n", measure(w3_step_products, &m, 100));
    free(m.x), free(m.w1), free(m.h), free(m.w2), free(m.l), free(m.dh), free(m.dw2), free(m.dw1);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s W1|W1b|W2|W3|W4|stream|sgemm|w3_products\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "stream") == 0) return stream();
    if (strcmp(argv[1], "sgemm") == 0) return sgemm();
    if (strcmp(argv[1], "w3_products") == 0) return w3_products();
    return workload(argv[1]);
}
