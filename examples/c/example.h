/* Small helpers shared by the C examples: stop on a failed call with swiftgrad's message,
   read a scalar, and a reproducible shuffle. */
#ifndef SWIFTGRAD_EXAMPLE_H
#define SWIFTGRAD_EXAMPLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <swiftgrad.h>

#define TRY(call)                                                                        \
    do {                                                                                 \
        sg_status status_ = (call);                                                      \
        if (status_ != SG_OK) {                                                          \
            fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #call,     \
                    sg_status_string(status_), sg_last_error());                         \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

static inline double item(const sg_tensor *t) {
    double v;
    TRY(sg_tensor_item(t, &v));
    return v;
}

/* Frees a list of handles. */
#define FREE(...)                                                                        \
    do {                                                                                 \
        sg_tensor *list_[] = {__VA_ARGS__};                                              \
        for (size_t i_ = 0; i_ < sizeof list_ / sizeof *list_; i_++) sg_tensor_free(list_[i_]); \
    } while (0)

/* Fisher-Yates with a fixed xorshift generator: the same order on every run. */
static inline void shuffle(int64_t *values, int64_t n, uint64_t *state) {
    for (int64_t i = n - 1; i > 0; i--) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        int64_t j = (int64_t)(*state % (uint64_t)(i + 1));
        int64_t t = values[i];
        values[i] = values[j];
        values[j] = t;
    }
}

#endif
