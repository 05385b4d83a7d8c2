/* The bitwise family from C: bitwise and/or/xor/not and shifts (out of place and in place),
   gcd/lcm, bincount, tril/triu_indices, empty_strided, fill. Expected values worked out by hand
   (two's complement int64 and int8); the errors a caller can provoke. */
#include "check.h"

#include <stdint.h>

static sg_tensor *int64s(const int64_t *values, int64_t n) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, &n, 1, SG_INT64, &t));
    return t;
}

/* t's int64 elements equal `want` (n of them), and its dtype is `dtype`. */
static void check_int64s(const sg_tensor *t, const int64_t *want, size_t n) {
    int64_t got[16] = {0};
    sg_dtype d = SG_FLOAT32;
    CHECK_OK(sg_tensor_dtype(t, &d));
    CHECK(d == SG_INT64);
    CHECK(n <= 16);
    CHECK_OK(sg_tensor_copy_to(t, got, n * sizeof(int64_t)));
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i]) {
            CHECK(got[i] == want[i]);
            fprintf(stderr, "  element %zu: %lld, expected %lld\n", i, (long long)got[i], (long long)want[i]);
        }
    }
}

/* Operands of a binary op, its result (out of place) and, after the in-place form, x. */
typedef struct {
    sg_tensor *x, *y, *out;
} pair;

static pair pair_of(const int64_t *a, const int64_t *b, int64_t n) {
    pair p = {int64s(a, n), int64s(b, n), NULL};
    return p;
}

/* Both forms gave `want`: the out-of-place result and x written in place; frees the pair. */
static void finish(pair *p, const int64_t *want, int64_t n) {
    check_int64s(p->out, want, (size_t)n);
    check_int64s(p->x, want, (size_t)n);
    sg_tensor_free(p->out);
    sg_tensor_free(p->x);
    sg_tensor_free(p->y);
}

static void test_bitwise(void) {
    const int64_t a[] = {12, -1, 0, 5}, b[] = {10, 7, -3, 3};
    {
        pair p = pair_of(a, b, 4);
        CHECK_OK(sg_bitwise_and(p.x, p.y, &p.out));
        CHECK_OK(sg_bitwise_and_(p.x, p.y));
        finish(&p, (const int64_t[]){8, 7, 0, 1}, 4);
    }
    {
        pair p = pair_of(a, b, 4);
        CHECK_OK(sg_bitwise_or(p.x, p.y, &p.out));
        CHECK_OK(sg_bitwise_or_(p.x, p.y));
        finish(&p, (const int64_t[]){14, -1, -3, 7}, 4);
    }
    {
        pair p = pair_of(a, b, 4);
        CHECK_OK(sg_bitwise_xor(p.x, p.y, &p.out));
        CHECK_OK(sg_bitwise_xor_(p.x, p.y));
        finish(&p, (const int64_t[]){6, -8, -3, 6}, 4);
    }
    /* Shifts: a negative amount or one of at least 64 gives 0 left and the sign right. */
    const int64_t s[] = {3, -8, 1, -5}, amount[] = {2, 1, 64, -1};
    {
        pair p = pair_of(s, amount, 4);
        CHECK_OK(sg_bitwise_left_shift(p.x, p.y, &p.out));
        CHECK_OK(sg_bitwise_left_shift_(p.x, p.y));
        finish(&p, (const int64_t[]){12, -16, 0, 0}, 4);
    }
    {
        pair p = pair_of(s, amount, 4);
        CHECK_OK(sg_bitwise_right_shift(p.x, p.y, &p.out));
        CHECK_OK(sg_bitwise_right_shift_(p.x, p.y));
        finish(&p, (const int64_t[]){0, -4, 0, -1}, 4);
    }

    sg_tensor *x = int64s(a, 4), *out = NULL;
    CHECK_OK(sg_bitwise_not(x, &out));
    check_int64s(out, (const int64_t[]){-13, 0, -1, -6}, 4);
    CHECK_OK(sg_bitwise_not_(x));
    check_int64s(x, (const int64_t[]){-13, 0, -1, -6}, 4);
    sg_tensor_free(out);

    /* Floating operands: PyTorch's dispatch message; in place into an integer tensor, the cast
       error comes first and x is untouched. */
    sg_tensor *half = NULL, *floats = NULL;
    CHECK_OK(sg_scalar_double(0.5, &half));
    CHECK_OK(sg_full((const int64_t[]){4}, 1, 0.5, SG_FLOAT32, &floats));
    CHECK_STATUS(sg_bitwise_and(floats, floats, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"bitwise_and_cpu\" not implemented for 'Float'");
    CHECK_STATUS(sg_bitwise_or_(x, half), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("result type Float can't be cast to the desired output type Long");
    check_int64s(x, (const int64_t[]){-13, 0, -1, -6}, 4);
    CHECK_STATUS(sg_bitwise_not(NULL, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_bitwise_xor(x, x, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(half);
    sg_tensor_free(floats);
    sg_tensor_free(x);
}

static void test_divisors(void) {
    const int64_t a[] = {12, -18, 0, 7}, b[] = {18, 12, 0, 0};
    {
        pair p = pair_of(a, b, 4);
        CHECK_OK(sg_gcd(p.x, p.y, &p.out));
        CHECK_OK(sg_gcd_(p.x, p.y));
        finish(&p, (const int64_t[]){6, 6, 0, 7}, 4);
    }
    {
        pair p = pair_of(a, b, 4);
        CHECK_OK(sg_lcm(p.x, p.y, &p.out));
        CHECK_OK(sg_lcm_(p.x, p.y));
        finish(&p, (const int64_t[]){36, 36, 0, 0}, 4);
    }
    sg_tensor *x = int64s(a, 4), *half = NULL;
    CHECK_OK(sg_scalar_double(2.5, &half));
    CHECK_STATUS(sg_gcd_(x, half), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("can't be cast");
    sg_tensor_free(half);
    sg_tensor_free(x);
}

static void test_bincount(void) {
    const int64_t a[] = {1, 3, 1, 0};
    sg_tensor *x = int64s(a, 4), *out = NULL;
    CHECK_OK(sg_bincount(x, NULL, 6, &out));
    check_int64s(out, (const int64_t[]){1, 2, 0, 1, 0, 0}, 6);
    sg_tensor_free(out);
    const double w[] = {0.5, 2.0, 0.25, 1.0};
    int64_t four = 4;
    sg_tensor *weights = NULL;
    CHECK_OK(sg_tensor_from_data(w, &four, 1, SG_FLOAT64, &weights));
    CHECK_OK(sg_bincount(x, weights, 0, &out));
    double got[4] = {0};
    CHECK_OK(sg_tensor_copy_to(out, got, sizeof got));
    CHECK(got[0] == 1.0 && got[1] == 0.75 && got[2] == 0.0 && got[3] == 2.0);
    sg_tensor_free(out);
    const int64_t negative[] = {1, -1};
    sg_tensor *bad = int64s(negative, 2);
    CHECK_STATUS(sg_bincount(bad, NULL, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_bincount(x, NULL, -1, &out), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(bad);
    sg_tensor_free(weights);
    sg_tensor_free(x);
}

static void test_triangles(void) {
    sg_tensor *out = NULL;
    CHECK_OK(sg_tril_indices(3, 3, 0, SG_INT64, &out));
    check_int64s(out, (const int64_t[]){0, 1, 1, 2, 2, 2, 0, 0, 1, 0, 1, 2}, 12);
    sg_tensor_free(out);
    CHECK_OK(sg_triu_indices(3, 3, 1, SG_INT64, &out));
    check_int64s(out, (const int64_t[]){0, 0, 1, 1, 2, 2}, 6);
    sg_tensor_free(out);
    /* A huge matrix with an empty triangle costs nothing; one too large is refused. */
    CHECK_OK(sg_triu_indices(1, INT64_MAX, INT64_MAX, SG_INT64, &out));
    sg_tensor_free(out);
    CHECK_STATUS(sg_triu_indices(1, INT64_MAX, (int64_t)1 << 40, SG_INT64, &out), SG_ERR_OUT_OF_MEMORY);
    CHECK_STATUS(sg_tril_indices(-1, 3, 0, SG_INT64, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("row must be non-negative");
    CHECK_STATUS(sg_tril_indices(3, 3, 0, SG_FLOAT32, &out), SG_ERR_DTYPE);
}

static void test_empty_strided_and_fill(void) {
    const int64_t size[] = {2, 3}, stride[] = {1, 2};
    sg_tensor *t = NULL, *seven = NULL, *out = NULL;
    CHECK_OK(sg_empty_strided(size, 2, stride, 2, SG_INT64, &t));
    int64_t got_stride[2] = {0};
    size_t ndim = 0;
    CHECK_OK(sg_tensor_strides(t, got_stride, 2, &ndim));
    CHECK(ndim == 2 && got_stride[0] == 1 && got_stride[1] == 2);
    CHECK_OK(sg_scalar_int64(7, &seven));
    CHECK_OK(sg_fill(t, seven, &out));
    check_int64s(out, (const int64_t[]){7, 7, 7, 7, 7, 7}, 6);
    sg_tensor_free(out);
    const int64_t bad_stride[] = {1, -2};
    CHECK_STATUS(sg_empty_strided(size, 2, bad_stride, 2, SG_INT64, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Storage size calculation overflowed");
    CHECK_STATUS(sg_empty_strided(size, 2, stride, 1, SG_INT64, &out), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(seven);
    sg_tensor_free(t);
}

int main(void) {
    test_bitwise();
    test_divisors();
    test_bincount();
    test_triangles();
    test_empty_strided_and_fill();
    return check_summary("test_bitwise");
}
