/* Threads: 8 threads build and differentiate graphs at once, on leaves of their own and on
   shared ones (a read-only constant, and a leaf whose gradient every backward pass accumulates
   into), free tensors other threads made, switch grad mode off and on, and fail calls on purpose.
   Every result must equal the same computation run serially, each thread must see only its own
   grad mode and last error, and nothing may leak. Clean under ThreadSanitizer
   (make check-safety). */
#define _POSIX_C_SOURCE 200809L /* pthread barriers */
#include <pthread.h>
#include <string.h>

#include "check.h"

#define THREADS 8
#define ROUNDS 400

static sg_tensor *shared_leaf;     /* requires grad: every thread's backward accumulates into it */
static sg_tensor *shared_constant; /* plain read-only operand */

/* Tensors handed from thread i to thread (i + 1) % THREADS, which frees them. */
static sg_tensor *mailbox[THREADS][ROUNDS];
static pthread_mutex_t mail_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mail_posted = PTHREAD_COND_INITIALIZER;

/* One round's result: the gradient of `own`, for comparison with the serial run. */
static float results[THREADS][ROUNDS][3];
static float serial[THREADS][ROUNDS][3];

/* One round of thread `id`'s work; returns failures. */
static int compute(long id, int round, float out[3]) {
    int failures = 0;
    sg_tensor *own, *a, *b, *c, *s, *grad;
    double scale = (double)(id + 1) + round * 0.001;
    int64_t three = 3;
    failures += sg_full(&three, 1, scale, SG_FLOAT32, &own) != SG_OK;
    failures += sg_tensor_set_requires_grad(own, true) != SG_OK;
    failures += sg_mul(own, shared_constant, &a) != SG_OK;
    failures += sg_add(a, shared_leaf, &b) != SG_OK;
    failures += sg_mul(b, own, &c) != SG_OK; /* c = own^2 * k + own * leaf */
    failures += sg_sum(c, &s) != SG_OK;
    failures += sg_backward(s, NULL, false) != SG_OK;
    failures += sg_tensor_grad(own, &grad) != SG_OK;
    failures += sg_tensor_copy_to(grad, out, 3 * sizeof(float)) != SG_OK;
    sg_tensor *list[] = {own, a, b, c, s, grad};
    for (int i = 0; i < 6; i++) failures += sg_tensor_free(list[i]) != SG_OK;
    return failures;
}

static void *worker(void *arg) {
    long id = (long)arg;
    int failures = 0;
    char expected[128];
    for (int round = 0; round < ROUNDS; round++) {
        failures += compute(id, round, results[id][round]);

        /* Grad mode is per thread: off here while other threads record. */
        bool previous;
        failures += sg_set_grad_enabled(round % 2 == 0, &previous) != SG_OK;
        failures += previous != true;
        sg_tensor *r;
        bool requires = false;
        failures += sg_mul_scalar(shared_leaf, 2, &r) != SG_OK;
        failures += sg_tensor_requires_grad(r, &requires) != SG_OK;
        failures += requires != (round % 2 == 0);
        failures += sg_set_grad_enabled(true, NULL) != SG_OK;

        /* The last error is per thread: each thread fails with its own numbers. */
        int64_t shape[2] = {id + 2, round + 5};
        sg_tensor *bad = (sg_tensor *)1;
        failures += sg_reshape(shared_constant, shape, 2, &bad) != SG_ERR_SHAPE || bad != NULL;
        snprintf(expected, sizeof expected, "shape '[%ld, %d]' is invalid for input of size 3", id + 2, round + 5);
        failures += strcmp(sg_last_error(), expected) != 0;

        /* Hand r to the next thread, and free what the previous one sent. */
        pthread_mutex_lock(&mail_lock);
        mailbox[(id + 1) % THREADS][round] = r;
        pthread_cond_broadcast(&mail_posted);
        while (mailbox[id][round] == NULL) pthread_cond_wait(&mail_posted, &mail_lock);
        sg_tensor *received = mailbox[id][round];
        pthread_mutex_unlock(&mail_lock);
        failures += sg_tensor_free(received) != SG_OK;
    }
    return (void *)(long)failures;
}

/* The live-tensor count is kept per thread: it must count tensors that live threads hold,
   keep what exiting threads leave behind, and take back tensors freed on another thread. */
#define LIVE_THREADS 4
#define LIVE_EACH 100
static sg_tensor *kept[LIVE_THREADS][LIVE_EACH];
static pthread_barrier_t made, counted;

static void *make_and_keep(void *arg) {
    long id = (long)arg;
    int64_t two = 2;
    for (int i = 0; i < LIVE_EACH; i++) {
        if (sg_zeros(&two, 1, SG_FLOAT32, &kept[id][i]) != SG_OK) return (void *)1;
    }
    pthread_barrier_wait(&made);
    pthread_barrier_wait(&counted);  /* the main thread counts while this one lives */
    for (int i = 0; i < LIVE_EACH / 2; i++) {
        if (sg_tensor_free(kept[id][i]) != SG_OK) return (void *)1;
        kept[id][i] = NULL;
    }
    return NULL;  /* the other half outlives this thread; the main thread frees it */
}

static void live_count_across_threads(void) {
    int64_t before = sg_live_tensor_count();
    pthread_t threads[LIVE_THREADS];
    CHECK(pthread_barrier_init(&made, NULL, LIVE_THREADS + 1) == 0);
    CHECK(pthread_barrier_init(&counted, NULL, LIVE_THREADS + 1) == 0);
    for (long i = 0; i < LIVE_THREADS; i++) CHECK(pthread_create(&threads[i], NULL, make_and_keep, (void *)i) == 0);
    pthread_barrier_wait(&made);
    CHECK(sg_live_tensor_count() == before + LIVE_THREADS * LIVE_EACH);
    pthread_barrier_wait(&counted);
    for (int i = 0; i < LIVE_THREADS; i++) {
        void *failed = NULL;
        CHECK(pthread_join(threads[i], &failed) == 0);
        CHECK(failed == NULL);
    }
    CHECK(sg_live_tensor_count() == before + LIVE_THREADS * LIVE_EACH / 2);
    for (int t = 0; t < LIVE_THREADS; t++)
        for (int i = LIVE_EACH / 2; i < LIVE_EACH; i++) CHECK_OK(sg_tensor_free(kept[t][i]));
    CHECK(sg_live_tensor_count() == before);
    pthread_barrier_destroy(&made);
    pthread_barrier_destroy(&counted);
}

int main(void) {
    live_count_across_threads();
    int64_t three = 3;
    float k[] = {1, 2, 3};
    CHECK_OK(sg_arange(0, 3, 1, SG_FLOAT32, &shared_leaf));
    CHECK_OK(sg_tensor_set_requires_grad(shared_leaf, true));
    CHECK_OK(sg_tensor_from_data(k, &three, 1, SG_FLOAT32, &shared_constant));
    int64_t live = sg_live_tensor_count();

    /* The serial answer first. */
    for (long id = 0; id < THREADS; id++)
        for (int round = 0; round < ROUNDS; round++) CHECK(compute(id, round, serial[id][round]) == 0);
    CHECK_OK(sg_tensor_set_grad(shared_leaf, NULL));

    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++) CHECK(pthread_create(&threads[i], NULL, worker, (void *)i) == 0);
    for (int i = 0; i < THREADS; i++) {
        void *failures = NULL;
        CHECK(pthread_join(threads[i], &failures) == 0);
        CHECK(failures == NULL);
    }
    CHECK(memcmp(results, serial, sizeof results) == 0);
    /* d(own * leaf)/d leaf = own, summed over every thread and round (exact in float32 here:
       the same sum as the serial run's). */
    sg_tensor *grad;
    float total[3];
    CHECK_OK(sg_tensor_grad(shared_leaf, &grad));
    CHECK_OK(sg_tensor_copy_to(grad, total, sizeof total));
    CHECK(total[0] == total[1] && total[1] == total[2]);
    double expected = 0;
    for (long id = 0; id < THREADS; id++)
        for (int round = 0; round < ROUNDS; round++) expected += (double)(float)((double)(id + 1) + round * 0.001);
    CHECK(fabs(total[0] - expected) < 1e-3 * expected);
    CHECK_OK(sg_tensor_free(grad));
    CHECK_OK(sg_tensor_set_grad(shared_leaf, NULL));
    CHECK(sg_live_tensor_count() == live);
    CHECK_OK(sg_tensor_free(shared_leaf));
    CHECK_OK(sg_tensor_free(shared_constant));
    return check_summary("test_threads");
}
