/* Threads: several threads build and differentiate graphs at once, on leaves of their own and
   on shared ones: a read-only constant, and a leaf that requires grad, whose gradient all the
   backward passes accumulate into concurrently. Results must equal the serial answer and
   nothing may leak. */
#include <pthread.h>
#include "check.h"

#define THREADS 8
#define ROUNDS 500

static sg_tensor *shared_leaf;     /* requires grad: every thread's backward accumulates into it */
static sg_tensor *shared_constant; /* plain read-only operand */

static void *worker(void *arg) {
    long id = (long)arg;
    int failures = 0;
    for (int round = 0; round < ROUNDS; round++) {
        sg_tensor *own, *a, *b, *c, *s, *grad;
        double scale = (double)(id + 1);
        /* own = [s, s, s] requires grad; c = (own * shared_constant + shared_leaf) summed. */
        int64_t three = 3;
        failures += sg_full(&three, 1, scale, SG_FLOAT32, &own) != SG_OK;
        failures += sg_tensor_set_requires_grad(own, true) != SG_OK;
        failures += sg_mul(own, shared_constant, &a) != SG_OK;
        failures += sg_add(a, shared_leaf, &b) != SG_OK;
        failures += sg_mul(b, own, &c) != SG_OK;  /* c = own^2 * k + own * leaf */
        failures += sg_sum(c, &s) != SG_OK;
        /* d/d own = 2 own k + leaf, k = [1, 2, 3], leaf = [0, 1, 2] */
        failures += sg_backward(s, NULL, false) != SG_OK;
        failures += sg_tensor_grad(own, &grad) != SG_OK;
        float g[3];
        failures += sg_tensor_copy_to(grad, g, sizeof g) != SG_OK;
        for (int i = 0; i < 3; i++) failures += g[i] != (float)(2 * scale * (i + 1) + i);
        sg_tensor *list[] = {own, a, b, c, s, grad};
        for (int i = 0; i < 6; i++) failures += sg_tensor_free(list[i]) != SG_OK;
        /* Per-thread grad mode: off here never leaks into other threads. */
        bool previous;
        failures += sg_set_grad_enabled(round % 2 == 0, &previous) != SG_OK;
        failures += sg_set_grad_enabled(true, NULL) != SG_OK;
    }
    return (void *)(long)failures;
}

int main(void) {
    int64_t three = 3;
    float k[] = {1, 2, 3};
    CHECK_OK(sg_arange(0, 3, 1, SG_FLOAT32, &shared_leaf));
    CHECK_OK(sg_tensor_set_requires_grad(shared_leaf, true));
    CHECK_OK(sg_tensor_from_data(k, &three, 1, SG_FLOAT32, &shared_constant));
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++) CHECK(pthread_create(&threads[i], NULL, worker, (void *)i) == 0);
    for (int i = 0; i < THREADS; i++) {
        void *failures = NULL;
        CHECK(pthread_join(threads[i], &failures) == 0);
        CHECK(failures == NULL);
    }
    /* d(own * leaf)/d leaf = own = id + 1 per element, over every thread and round. */
    sg_tensor *grad;
    float total[3];
    CHECK_OK(sg_tensor_grad(shared_leaf, &grad));
    CHECK_OK(sg_tensor_copy_to(grad, total, sizeof total));
    float expected = ROUNDS * (THREADS * (THREADS + 1) / 2);
    for (int i = 0; i < 3; i++) CHECK(total[i] == expected);
    CHECK_OK(sg_tensor_free(grad));
    CHECK_OK(sg_tensor_free(shared_leaf));
    CHECK_OK(sg_tensor_free(shared_constant));
    return check_summary("test_threads");
}
