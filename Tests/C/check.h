/* A minimal test harness for the C tests: each CHECK prints the failing expression with its
   location and the library's last error, counts failures, and the test's main returns
   check_summary(). */
#ifndef SWIFTGRAD_CHECK_H
#define SWIFTGRAD_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <swiftgrad.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        check_count++;                                                                   \
        if (!(cond)) {                                                                   \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__,       \
                    __LINE__, #cond, sg_last_error());                                   \
        }                                                                                \
    } while (0)

/* A call that must succeed. */
#define CHECK_OK(call) CHECK_STATUS(call, SG_OK)

/* A call that must return `expected`; on failure its message must be non-empty. */
#define CHECK_STATUS(call, expected)                                                     \
    do {                                                                                 \
        check_count++;                                                                   \
        sg_status got_ = (call);                                                         \
        if (got_ != (expected)) {                                                        \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (last error: %s)\n",      \
                    __FILE__, __LINE__, #call, sg_status_string(got_),                   \
                    sg_status_string(expected), sg_last_error());                        \
        } else if (got_ != SG_OK && sg_last_error()[0] == '\0') {                        \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: %s failed without a message\n", __FILE__, __LINE__,   \
                    #call);                                                              \
        }                                                                                \
    } while (0)

/* The last error on this thread contains `text`. */
#define CHECK_ERROR_HAS(text) CHECK(strstr(sg_last_error(), (text)) != NULL)

/* A tensor's repr equals `expected`. */
#define CHECK_REPR(t, expected)                                                          \
    do {                                                                                 \
        char repr_[4096];                                                                \
        check_count++;                                                                   \
        sg_status s_ = sg_tensor_to_string((t), repr_, sizeof repr_, NULL);              \
        if (s_ != SG_OK || strcmp(repr_, (expected)) != 0) {                             \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: repr of %s is\n%s\nexpected\n%s\n", __FILE__,         \
                    __LINE__, #t, s_ == SG_OK ? repr_ : sg_last_error(), (expected));    \
        }                                                                                \
    } while (0)

/* Reads a float32 tensor's elements into `values` (at most `capacity`). */
static inline void read_floats(const sg_tensor *t, float *values, size_t capacity) {
    CHECK_OK(sg_tensor_copy_to(t, values, capacity * sizeof(float)));
}

/* Fills t with the number v (a wrapped float, freed after the call). */
static inline sg_status fill_with(sg_tensor *t, double v) {
    sg_tensor *number = NULL;
    sg_status status = sg_scalar_double(v, &number);
    if (status == SG_OK) status = sg_fill_(t, number);
    sg_tensor_free(number);
    return status;
}

static inline double item_of(const sg_tensor *t) {
    double v = NAN;
    CHECK_OK(sg_tensor_item(t, &v));
    return v;
}

static inline int check_summary(const char *name) {
    if (sg_live_tensor_count() != 0) {
        check_failures++;
        fprintf(stderr, "%s: %lld tensors still alive at exit (leak)\n", name,
                (long long)sg_live_tensor_count());
    }
    printf("%s: %d checks, %d failures\n", name, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
