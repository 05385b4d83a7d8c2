/* Limits: deep and wide graphs without stack overflow (the engine and graph teardown are
   iterative), impossible allocations and overflowing shapes refused with a status, and flat
   memory over a million create/backward/free cycles.

   SG_LIMITS_SCALE=n divides the sizes by n (the sanitizer and valgrind runs use it; their own
   bookkeeping grows the resident memory, so the RSS check runs only at full scale). */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static long scale = 1;

static long resident_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) kib = atol(line + 6);
    }
    if (f) fclose(f);
    return kib;
}

/* Backward through, and freeing of, a chain of a million operations. */
static void deep_chain(void) {
    sg_tensor *x, *y, *next, *grad;
    CHECK_OK(sg_full(NULL, 0, 1.0, SG_FLOAT64, &x));
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_add_scalar(x, 0, &y));
    for (long i = 0; i < 1000000 / scale; i++) {
        CHECK_STATUS(sg_mul_scalar(y, 1.0, &next), SG_OK);
        sg_tensor_free(y);
        y = next;
    }
    CHECK_OK(sg_backward(y, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &grad));
    CHECK(item_of(grad) == 1.0);
    CHECK_OK(sg_tensor_free(grad));
    CHECK_OK(sg_tensor_free(y)); /* frees the whole chain */
    CHECK_OK(sg_tensor_free(x));
}

/* 100,000 branches into one node (a stack) and into one leaf (used by every branch). */
static void wide_fan_in(void) {
    long n = 100000 / scale;
    sg_tensor *x, *s, *total, *grad;
    CHECK_OK(sg_full(NULL, 0, 1.0, SG_FLOAT64, &x));
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    sg_tensor **branches = malloc(sizeof(sg_tensor *) * (size_t)n);
    CHECK(branches != NULL);
    for (long i = 0; i < n; i++) CHECK_STATUS(sg_mul_scalar(x, (double)(i % 7), &branches[i]), SG_OK);
    CHECK_OK(sg_stack((const sg_tensor *const *)branches, (size_t)n, 0, &s));
    for (long i = 0; i < n; i++) sg_tensor_free(branches[i]);
    free(branches);
    CHECK_OK(sg_sum(s, &total));
    CHECK_OK(sg_backward(total, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &grad));
    double expected = 0;
    for (long i = 0; i < n; i++) expected += (double)(i % 7);
    CHECK(item_of(grad) == expected);
    sg_tensor_free(grad);
    sg_tensor_free(total);
    sg_tensor_free(s);
    sg_tensor_free(x);
}

/* Sizes no machine can hold are an out-of-memory status, overflowing ones an invalid argument:
   never an abort. */
static void impossible_sizes(void) {
    sg_tensor *t = (sg_tensor *)1;
    int64_t huge[2] = {(int64_t)1 << 40, (int64_t)1 << 20}; /* 2^60 elements: 4 EiB */
    CHECK_STATUS(sg_zeros(huge, 2, SG_FLOAT32, &t), SG_ERR_OUT_OF_MEMORY);
    CHECK(t == NULL);
    int64_t overflowing[2] = {INT64_MAX, 3};
    CHECK_STATUS(sg_ones(overflowing, 2, SG_FLOAT32, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    int64_t bytes_overflow[1] = {INT64_MAX / 2}; /* elements fit, bytes do not */
    CHECK(sg_zeros(bytes_overflow, 1, SG_FLOAT64, &t) != SG_OK && t == NULL);
    CHECK_STATUS(sg_eye(INT64_MAX, INT64_MAX, SG_FLOAT32, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_arange(0, 1e300, 1, SG_FLOAT32, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK(strlen(sg_last_error()) > 0);
}

/* A million create/backward/free cycles: the live-tensor count and the resident memory stay
   flat. */
static void steady_memory(void) {
    long cycles = 1000000 / scale, warmup = cycles / 10;
    long before = 0;
    int64_t live = sg_live_tensor_count();
    for (long i = 0; i < cycles + warmup; i++) {
        if (i == warmup) before = resident_kib();
        sg_tensor *x, *y, *s;
        int64_t four = 4;
        CHECK_STATUS(sg_ones(&four, 1, SG_FLOAT32, &x), SG_OK);
        CHECK_STATUS(sg_tensor_set_requires_grad(x, true), SG_OK);
        CHECK_STATUS(sg_mul(x, x, &y), SG_OK);
        CHECK_STATUS(sg_sum(y, &s), SG_OK);
        CHECK_STATUS(sg_backward(s, NULL, false), SG_OK);
        sg_tensor_free(s);
        sg_tensor_free(y);
        sg_tensor_free(x);
    }
    long after = resident_kib();
    CHECK(sg_live_tensor_count() == live);
    if (scale == 1) {
        if (after - before > 2048) fprintf(stderr, "resident memory grew by %ld KiB over the cycles\n", after - before);
        CHECK(after - before <= 2048);
    }
}

int main(void) {
    if (getenv("SG_LIMITS_SCALE")) scale = atol(getenv("SG_LIMITS_SCALE"));
    if (scale < 1) scale = 1;
    deep_chain();
    wide_fan_in();
    impossible_sizes();
    steady_memory();
    return check_summary("test_limits");
}
