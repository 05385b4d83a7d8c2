/*
 * Data-parallel training from C with MPI: the digit classifier of mlp_digits.c (64 -> 128 ReLU
 * -> 10, softmax cross-entropy, Adam) trained by every process that mpirun starts, each on its
 * share of every batch of 32. After each backward, the processes sum their gradients in place
 * with MPI_Allreduce over the tensors' memory (sg_tensor_data_ptr) and divide by the number of
 * processes: each step is then the step of one process on the whole batch, and the accuracy
 * rank 0 prints is the same for any number of processes (float64, so that the rounding of the
 * split sums stays far below what the accuracy could see).
 *
 * Every process starts from rank 0's weights (MPI_Bcast, also in place). A process's share of a
 * batch of `count` rows is count / size rows (the first count % size processes take one more);
 * its mean loss is scaled by share * size / count, so that the average over the processes is the
 * mean over the whole batch even when the shares differ.
 *
 *   mpirun -np 2 build/bin/ddp_digits [path/to/digits.csv]      (make demo-distributed)
 *
 * Exits non-zero unless test accuracy reaches 95%, the processes' weights are equal at the end,
 * and every tensor was freed.
 */
#include <mpi.h>
/* digits.h's one-process training loop and chart are not used here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "digits.h"
#pragma GCC diagnostic pop

#define HIDDEN 128
#define EPOCHS 12
#define BATCH 32

static int rank, size;

static sg_tensor *linear(const sg_tensor *X, const sg_tensor *W, const sg_tensor *b) {
    sg_tensor *Wt, *product, *out;
    TRY(sg_transpose(W, 0, 1, &Wt));
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

static int64_t numel(const sg_tensor *t) {
    int64_t shape[SG_MAX_DIMS], n = 1;
    size_t ndim;
    TRY(sg_tensor_shape(t, shape, SG_MAX_DIMS, &ndim));
    for (size_t d = 0; d < ndim; d++) n *= shape[d];
    return n;
}

/* A float64 parameter initialised as nn.Linear's (in float32, then converted). */
static sg_tensor *parameter(const int64_t *shape, size_t ndim, int64_t fan_in) {
    sg_tensor *p32 = uniform_parameter(shape, ndim, fan_in), *p;
    bool previous;
    TRY(sg_set_grad_enabled(false, &previous)); /* a new leaf, not a conversion recorded for backward */
    TRY(sg_to_dtype(p32, SG_FLOAT64, &p));
    TRY(sg_set_grad_enabled(previous, NULL));
    TRY(sg_tensor_set_requires_grad(p, true));
    FREE(p32);
    return p;
}

static sg_tensor *as_float64(sg_tensor *t) {
    sg_tensor *out;
    TRY(sg_to_dtype(t, SG_FLOAT64, &out));
    FREE(t);
    return out;
}

/* The average over the processes of each parameter's gradient, in place. */
static void average_gradients(sg_tensor *const *params, int n) {
    for (int k = 0; k < n; k++) {
        sg_tensor *grad;
        void *data;
        TRY(sg_tensor_grad(params[k], &grad));
        TRY(sg_tensor_data_ptr(grad, &data));
        MPI_Allreduce(MPI_IN_PLACE, data, (int)numel(grad), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        TRY(sg_div_scalar_(grad, (double)size));
        FREE(grad);
    }
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *path = argc > 1 ? argv[1] : "data/digits.csv";
    sg_tensor *X_train, *y_train, *X_test, *y_test;
    int64_t image_shape[] = {PIXELS};
    load_digits(path, image_shape, 1, &X_train, &y_train, &X_test, &y_test);
    X_train = as_float64(X_train);
    X_test = as_float64(X_test);
    int64_t n_train = rows_of(y_train), n_test = rows_of(y_test);

    /* Different weights on every process, then rank 0's everywhere. */
    TRY(sg_manual_seed((uint64_t)rank));
    int64_t w1[] = {HIDDEN, PIXELS}, b1[] = {HIDDEN}, w2[] = {CLASSES, HIDDEN}, b2[] = {CLASSES};
    sg_tensor *params[4] = {parameter(w1, 2, PIXELS), parameter(b1, 1, PIXELS), parameter(w2, 2, HIDDEN),
                            parameter(b2, 1, HIDDEN)};
    for (int k = 0; k < 4; k++) {
        void *data;
        TRY(sg_tensor_data_ptr(params[k], &data));
        MPI_Bcast(data, (int)numel(params[k]), MPI_DOUBLE, 0, MPI_COMM_WORLD);
    }
    sg_optimizer *adam;
    sg_adam_options options = sg_adam_default_options();
    options.lr = 5e-3;
    TRY(sg_optimizer_adam((const sg_tensor *const *)params, 4, &options, &adam));

    int64_t order[IMAGES];
    for (int64_t i = 0; i < n_train; i++) order[i] = i;
    uint64_t state = 7; /* the same shuffles on every process */
    int64_t batches = (n_train + BATCH - 1) / BATCH;
    if (rank == 0)
        printf("training 64-128-10 on %lld digits with %d process%s, %lld steps of %d per epoch\n",
               (long long)n_train, size, size > 1 ? "es" : "", (long long)batches, BATCH);
    double started = seconds();
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        shuffle(order, n_train, &state);
        for (int64_t k = 0; k < batches; k++) {
            int64_t start = k * BATCH, count = n_train - start < BATCH ? n_train - start : BATCH;
            int64_t share = count / size + (rank < count % size), first = start + rank * (count / size) +
                                                                            (rank < count % size ? rank : count % size);
            TRY(sg_optimizer_zero_grad(adam, true));
            if (share > 0) {
                sg_tensor *batch, *X, *y, *logits, *loss, *scaled;
                TRY(sg_tensor_from_data(order + first, &share, 1, SG_INT64, &batch));
                TRY(sg_index(X_train, (const sg_tensor *const[]){batch}, 1, &X));
                TRY(sg_index(y_train, (const sg_tensor *const[]){batch}, 1, &y));
                logits = net(X, params);
                TRY(sg_cross_entropy(logits, y, SG_REDUCTION_MEAN, &loss));
                TRY(sg_mul_scalar(loss, (double)share * size / (double)count, &scaled));
                TRY(sg_backward(scaled, NULL, false));
                FREE(batch, X, y, logits, loss, scaled);
            } else { /* no rows here: a zero gradient */
                for (int p = 0; p < 4; p++) {
                    int64_t shape[SG_MAX_DIMS];
                    size_t ndim;
                    sg_tensor *zero;
                    TRY(sg_tensor_shape(params[p], shape, SG_MAX_DIMS, &ndim));
                    TRY(sg_zeros(shape, ndim, SG_FLOAT64, &zero));
                    TRY(sg_tensor_set_grad(params[p], zero));
                    FREE(zero);
                }
            }
            average_gradients(params, 4);
            TRY(sg_optimizer_step(adam));
        }
        if (rank == 0 && epoch % 4 == 0)
            printf("epoch %2d, test acc %.4f\n", epoch, accuracy_of(net, X_test, y_test, params));
    }
    double elapsed = seconds() - started;

    /* The processes must hold the same weights: compare with rank 0's. */
    int equal = 1;
    for (int k = 0; k < 4; k++) {
        int64_t n = numel(params[k]);
        double *mine, *theirs = malloc((size_t)n * sizeof *theirs);
        TRY(sg_tensor_data_ptr(params[k], (void **)&mine));
        memcpy(theirs, mine, (size_t)n * sizeof *theirs);
        MPI_Bcast(theirs, (int)n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        equal &= memcmp(theirs, mine, (size_t)n * sizeof *theirs) == 0;
        free(theirs);
    }
    MPI_Allreduce(MPI_IN_PLACE, &equal, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);

    double test_accuracy = accuracy_of(net, X_test, y_test, params);
    sg_tensor *logits, *loss;
    bool previous;
    TRY(sg_set_grad_enabled(false, &previous));
    logits = net(X_test, params);
    TRY(sg_cross_entropy(logits, y_test, SG_REDUCTION_MEAN, &loss));
    double test_loss = item(loss);
    FREE(logits, loss);
    if (rank == 0)
        printf("test accuracy %.4f (test loss %.10f) on %lld held-out digits, %d process%s, %d steps of %d "
               "(%.1f s)\n", test_accuracy, test_loss, (long long)n_test, size, size > 1 ? "es" : "",
               EPOCHS * (int)batches, BATCH, elapsed);

    TRY(sg_optimizer_free(adam));
    FREE(X_train, y_train, X_test, y_test, params[0], params[1], params[2], params[3]);
    int status = 0;
    if (sg_live_tensor_count() != 0) {
        fprintf(stderr, "rank %d: leak: %lld tensors alive\n", rank, (long long)sg_live_tensor_count());
        status = 1;
    }
    if (!equal) {
        if (rank == 0) fprintf(stderr, "the processes' weights differ\n");
        status = 1;
    }
    if (test_accuracy < 0.95) {
        if (rank == 0) fprintf(stderr, "the MLP reached only %.3f test accuracy\n", test_accuracy);
        status = 1;
    }
    MPI_Finalize();
    return status;
}
