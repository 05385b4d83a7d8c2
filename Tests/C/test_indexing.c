/* The indexing family through the C ABI (the "More indexing, scattering and contractions"
   section of swiftgrad.h): every function once with values worked out by hand, a gradient
   through a few, and the errors a caller can provoke: indices out of range (checked before any
   element is touched), wrong dtypes, bad dimensions, NULL outputs. */
#include <math.h>
#include "check.h"

#define S(...) ((const int64_t[]){__VA_ARGS__})
#define V(...) ((const double[]){__VA_ARGS__})
#define L(...) ((const int64_t[]){__VA_ARGS__})

static sg_tensor *doubles(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *longs(const int64_t *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_INT64, &t));
    return t;
}

static sg_tensor *bools(const unsigned char *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_BOOL, &t));
    return t;
}

/* Checks a float64 tensor's shape and values (to 1e-12), then frees it. */
static void expect(sg_tensor *t, const int64_t *shape, size_t ndim, const double *values, const char *what) {
    int64_t dims[SG_MAX_DIMS], numel = 0;
    size_t got_ndim = 0;
    sg_dtype dtype;
    if (t == NULL) {
        check_count++;
        check_failures++;
        fprintf(stderr, "%s: no tensor\n", what);
        return;
    }
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &got_ndim));
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    int ok = got_ndim == ndim && dtype == SG_FLOAT64;
    for (size_t i = 0; ok && i < ndim; i++) ok = dims[i] == shape[i];
    double got[64];
    if (ok && numel > 64) ok = 0;
    if (ok) CHECK_OK(sg_tensor_copy_to(t, got, (size_t)numel * sizeof(double)));
    for (int64_t i = 0; ok && i < numel; i++) {
        if (!(fabs(got[i] - values[i]) <= 1e-12 * fmax(1, fabs(values[i])))) {
            fprintf(stderr, "%s[%lld] = %.17g, expected %.17g\n", what, (long long)i, got[i], values[i]);
            ok = 0;
        }
    }
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: wrong shape, dtype or values\n", what);
    }
    CHECK_OK(sg_tensor_free(t));
}

/* Checks an int64 tensor's values, then frees it. */
static void expect_longs(sg_tensor *t, const int64_t *values, int64_t n, const char *what) {
    int64_t numel = -1, got[64];
    CHECK_OK(sg_tensor_numel(t, &numel));
    int ok = numel == n && n <= 64;
    if (ok) CHECK_OK(sg_tensor_copy_to(t, got, (size_t)n * sizeof(int64_t)));
    for (int64_t i = 0; ok && i < n; i++) ok = got[i] == values[i];
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: wrong int64 values\n", what);
    }
    CHECK_OK(sg_tensor_free(t));
}

static void test_along_one_dimension(void) {
    /* x = [[0, 1, 2], [3, 4, 5]] */
    sg_tensor *x = doubles(V(0, 1, 2, 3, 4, 5), S(2, 3), 2), *t = NULL;
    sg_tensor *index = longs(L(1, 1, 0), S(3), 1), *source = doubles(V(10, 20, 1, 30, 40, 2), S(2, 3), 2);
    sg_tensor *two = longs(L(2, 0), S(2), 1);
    CHECK_OK(sg_index_select(x, 1, two, &t)); expect(t, S(2, 2), 2, V(2, 0, 5, 3), "index_select");
    /* Column 1 gets 2 * (10 + 20), column 0 gets 2 * 1; the repeated index adds up. */
    CHECK_OK(sg_index_add(x, 1, index, source, 2, &t)); expect(t, S(2, 3), 2, V(2, 61, 2, 7, 144, 5), "index_add");
    CHECK_OK(sg_index_copy(x, 1, index, source, &t)); expect(t, S(2, 3), 2, V(1, 20, 2, 2, 40, 5), "index_copy (last wins)");
    sg_tensor *seven = NULL, *last = longs(L(-1), S(1), 1);
    CHECK_OK(sg_scalar_double(7, &seven));
    CHECK_OK(sg_index_fill(x, 1, last, seven, &t)); expect(t, S(2, 3), 2, V(0, 1, 7, 3, 4, 7), "index_fill");
    CHECK_OK(sg_index_reduce(x, 1, index, source, "amax", true, &t)); expect(t, S(2, 3), 2, V(1, 20, 2, 3, 40, 5), "index_reduce amax");
    CHECK_OK(sg_index_reduce(x, 1, index, source, "mean", false, &t)); expect(t, S(2, 3), 2, V(1, 15, 2, 2, 35, 5), "index_reduce mean");

    /* Errors: out of range (negative too), a matrix index, a float index, bad dim, an unknown
       reduction, a NULL reduction string, a NULL output. x is never modified. */
    sg_tensor *far = longs(L(3), S(1), 1), *matrix = longs(L(0), S(1, 1), 2), *floats = doubles(V(0), S(1), 1);
    CHECK_STATUS(sg_index_select(x, 1, far, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("INDICES element is out of DATA bounds, id=3 axis_dim=3");
    CHECK(t == NULL);
    CHECK_STATUS(sg_index_select(x, 1, matrix, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_index_select(x, 1, floats, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_index_select(x, 2, two, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Dimension out of range");
    CHECK_STATUS(sg_index_select(x, 1, two, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *ones = doubles(V(1, 1), S(2, 1), 2);
    CHECK_STATUS(sg_index_add(x, 1, last, ones, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("index -1 is out of bounds for dimension 1 with size 3");
    CHECK_STATUS(sg_index_add(x, 1, two, ones, 1, &t), SG_ERR_INVALID_ARGUMENT); /* 2 indices, 1 source column */
    CHECK_STATUS(sg_index_copy(x, 1, far, ones, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("index_copy_(): index 3 is out of bounds for dimension 1 with size 3");
    CHECK_STATUS(sg_index_fill(x, 1, far, seven, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_index_fill(x, 1, two, ones, &t), SG_ERR_INVALID_ARGUMENT); /* a value with dimensions */
    CHECK_STATUS(sg_index_reduce(x, 1, index, source, "sum", true, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Expected reduce to be one of prod, mean, amax or amin but got sum.");
    CHECK_STATUS(sg_index_reduce(x, 1, index, source, NULL, true, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_index_reduce(x, 1, far, ones, "prod", true, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("index out of range in self");
    CHECK_OK(sg_clone(x, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "x unchanged");
    sg_tensor *free_list[] = {x, index, source, two, seven, last, far, matrix, floats, ones};
    for (size_t i = 0; i < sizeof free_list / sizeof free_list[0]; i++) CHECK_OK(sg_tensor_free(free_list[i]));
}

static void test_flat_and_masked(void) {
    sg_tensor *x = doubles(V(0, 1, 2, 3, 4, 5), S(2, 3), 2), *t = NULL;
    sg_tensor *positions = longs(L(5, -6, 4), S(3), 1), *twice = longs(L(0, 0, 5), S(3), 1);
    sg_tensor *src = doubles(V(1, 2, 3), S(3), 1);
    CHECK_OK(sg_take(x, positions, &t)); expect(t, S(3), 1, V(5, 0, 4), "take");
    CHECK_OK(sg_put(x, twice, src, true, &t)); expect(t, S(2, 3), 2, V(3, 1, 2, 3, 4, 8), "put accumulate");
    CHECK_OK(sg_put(x, twice, src, false, &t)); expect(t, S(2, 3), 2, V(2, 1, 2, 3, 4, 3), "put (last wins)");
    sg_tensor *picks = longs(L(2, 0), S(2, 1), 2);
    int64_t dim = 1;
    CHECK_OK(sg_take_along_dim(x, picks, &dim, &t)); expect(t, S(2, 1), 2, V(2, 3), "take_along_dim");
    CHECK_OK(sg_take_along_dim(x, picks, NULL, &t)); expect(t, S(2), 1, V(2, 0), "take_along_dim flattened");
    sg_tensor *mask = bools((const unsigned char[]){1, 0, 1}, S(3), 1);
    CHECK_OK(sg_masked_select(x, mask, &t)); expect(t, S(4), 1, V(0, 2, 3, 5), "masked_select");
    sg_tensor *five = doubles(V(9, 8, 7, 6, 5), S(5), 1);
    CHECK_OK(sg_masked_scatter(x, mask, five, &t)); expect(t, S(2, 3), 2, V(9, 1, 8, 7, 4, 6), "masked_scatter");
    CHECK_OK(sg_nonzero_static(x, 6, -1, &t)); expect_longs(t, L(0, 1, 0, 2, 1, 0, 1, 1, 1, 2, -1, -1), 12, "nonzero_static");

    sg_tensor *far = longs(L(6), S(1), 1), *one = doubles(V(1), S(1), 1);
    CHECK_STATUS(sg_take(x, far, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("out of range: tried to access index 6 on a tensor of 6 elements.");
    CHECK_STATUS(sg_put(x, far, one, false, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_put(x, twice, one, false, &t), SG_ERR_INVALID_ARGUMENT); /* 3 positions, 1 value */
    CHECK_STATUS(sg_take(x, one, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_take_along_dim(x, far, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_masked_select(x, positions, &t), SG_ERR_DTYPE); /* an int64 mask */
    CHECK_STATUS(sg_masked_scatter(x, mask, one, &t), SG_ERR_INVALID_ARGUMENT); /* too few values */
    CHECK_STATUS(sg_nonzero_static(x, -1, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_masked_select(x, mask, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *free_list[] = {x, positions, twice, src, picks, mask, five, far, one};
    for (size_t i = 0; i < sizeof free_list / sizeof free_list[0]; i++) CHECK_OK(sg_tensor_free(free_list[i]));
}

static void test_scatter_and_advanced(void) {
    int64_t shape[] = {2, 3};
    sg_tensor *zeros = NULL, *t = NULL, *value = NULL;
    CHECK_OK(sg_zeros(shape, 2, SG_FLOAT64, &zeros));
    sg_tensor *index = longs(L(2, 0, 1, 1), S(2, 2), 2), *src = doubles(V(1, 2, 3, 4), S(2, 2), 2);
    CHECK_OK(sg_scatter(zeros, 1, index, src, &t)); expect(t, S(2, 3), 2, V(2, 0, 1, 0, 4, 0), "scatter");
    CHECK_OK(sg_scalar_double(1.5, &value));
    CHECK_OK(sg_scatter(zeros, 1, index, value, &t)); expect(t, S(2, 3), 2, V(1.5, 0, 1.5, 0, 1.5, 0), "scatter value");
    CHECK_OK(sg_scatter_reduce(zeros, 1, index, src, "sum", true, &t)); expect(t, S(2, 3), 2, V(2, 0, 1, 0, 7, 0), "scatter_reduce sum");
    CHECK_OK(sg_scatter_reduce(zeros, 1, index, src, "prod", false, &t)); expect(t, S(2, 3), 2, V(2, 0, 1, 0, 12, 0), "scatter_reduce prod");

    /* index_put out of place: x[[0, 1], [2, 0]] = [7, 8], then accumulated. */
    sg_tensor *rows = longs(L(0, 1), S(2), 1), *cols = longs(L(2, 0), S(2), 1), *vals = doubles(V(7, 8), S(2), 1);
    const sg_tensor *both[] = {rows, cols};
    CHECK_OK(sg_index_put(zeros, both, 2, vals, false, &t)); expect(t, S(2, 3), 2, V(0, 0, 7, 8, 0, 0), "index_put");
    const sg_tensor *rows_only[] = {rows, NULL};
    sg_tensor *row_vals = doubles(V(1, 2, 3), S(3), 1);
    CHECK_OK(sg_index_put(zeros, rows_only, 2, row_vals, true, &t)); expect(t, S(2, 3), 2, V(1, 2, 3, 1, 2, 3), "index_put whole rows");
    /* _unsafe_masked_index: the hidden entry's out-of-range index is clamped, never read. */
    sg_tensor *x = doubles(V(0, 1, 2, 3, 4, 5), S(2, 3), 2);
    sg_tensor *wild = longs(L(0, 9), S(2), 1), *mask2 = bools((const unsigned char[]){1, 0}, S(2, 1), 2);
    const sg_tensor *wild_rows[] = {wild};
    CHECK_OK(sg_unsafe_masked_index(x, mask2, wild_rows, 1, -1, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, -1, -1, -1), "_unsafe_masked_index");
    sg_tensor *updates = doubles(V(1, 1, 1, 5, 5, 5), S(2, 3), 2);
    CHECK_OK(sg_unsafe_masked_index_put_accumulate(x, mask2, wild_rows, 1, updates, &t));
    expect(t, S(2, 3), 2, V(1, 2, 3, 3, 4, 5), "_unsafe_masked_index_put_accumulate");

    sg_tensor *far = longs(L(3), S(1, 1), 2), *one = doubles(V(1), S(1, 1), 2);
    CHECK_STATUS(sg_scatter(zeros, 1, far, one, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("index 3 is out of bounds for dimension 1 with size 3");
    CHECK_STATUS(sg_scatter_reduce(zeros, 1, far, one, "sum", true, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_scatter_reduce(zeros, 1, index, src, "add", true, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_scatter(zeros, 1, index, rows, &t), SG_ERR_DTYPE); /* int64 src into float64 */
    CHECK_STATUS(sg_scatter(zeros, 3, index, src, &t), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *beyond = longs(L(2), S(1), 1);
    const sg_tensor *beyond_rows[] = {beyond};
    CHECK_STATUS(sg_index_put(zeros, beyond_rows, 1, vals, false, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("index 2 is out of bounds for dimension 0 with size 2");
    CHECK_STATUS(sg_index_put(zeros, both, 2, rows, false, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_unsafe_masked_index(x, rows, wild_rows, 1, 0, &t), SG_ERR_DTYPE); /* an int64 mask */
    CHECK_STATUS(sg_unsafe_masked_index_put_accumulate(x, mask2, wild_rows, 1, rows, &t), SG_ERR_DTYPE);
    sg_tensor *free_list[] = {zeros, value, index, src, rows, cols, vals, row_vals, x, wild, updates, mask2, far, one, beyond};
    for (size_t i = 0; i < sizeof free_list / sizeof free_list[0]; i++) CHECK_OK(sg_tensor_free(free_list[i]));
}

static void test_contractions(void) {
    sg_tensor *e1 = doubles(V(1, 0, 0), S(3), 1), *e2 = doubles(V(0, 1, 0), S(3), 1), *t = NULL;
    CHECK_OK(sg_linalg_cross(e1, e2, -1, &t)); expect(t, S(3), 1, V(0, 0, 1), "linalg_cross");
    CHECK_OK(sg_cross(e2, e1, NULL, &t)); expect(t, S(3), 1, V(0, 0, -1), "cross (first dimension of size 3)");
    sg_tensor *m = doubles(V(1, 2, 3, 4), S(2, 2), 2), *n = doubles(V(5, 6, 7, 8), S(2, 2), 2);
    const sg_tensor *pair[] = {m, n};
    CHECK_OK(sg_einsum("ij,jk->ik", pair, 2, &t)); expect(t, S(2, 2), 2, V(19, 22, 43, 50), "einsum matmul");
    CHECK_OK(sg_einsum("ii", pair, 1, &t)); expect(t, S(0), 0, V(5), "einsum trace");
    CHECK_OK(sg_tensordot(m, n, L(1), 1, L(0), 1, &t)); expect(t, S(2, 2), 2, V(19, 22, 43, 50), "tensordot");
    CHECK_OK(sg_inner(m, n, &t)); expect(t, S(2, 2), 2, V(17, 23, 39, 53), "inner");

    sg_tensor *short_ = doubles(V(1, 2), S(2), 1);
    CHECK_STATUS(sg_linalg_cross(short_, short_, -1, &t), SG_ERR_SHAPE);
    CHECK_STATUS(sg_cross(m, n, NULL, &t), SG_ERR_SHAPE); /* no dimension of size 3 */
    CHECK_STATUS(sg_einsum("ij,jk", pair, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("fewer operands were provided than specified in the equation");
    CHECK_STATUS(sg_einsum("i!", pair, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_einsum(NULL, pair, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_einsum("i", pair, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensordot(m, short_, L(1), 1, L(0, 0), 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensordot(m, n, L(2), 1, L(0), 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_inner(m, e1, &t), SG_ERR_SHAPE);
    sg_tensor *free_list[] = {e1, e2, m, n, short_};
    for (size_t i = 0; i < sizeof free_list / sizeof free_list[0]; i++) CHECK_OK(sg_tensor_free(free_list[i]));
}

static void test_integration_and_statistics(void) {
    sg_tensor *y = doubles(V(1, 3, 7), S(3), 1), *x = doubles(V(0, 1, 3), S(3), 1), *t = NULL;
    CHECK_OK(sg_trapezoid(y, NULL, 2, -1, &t)); expect(t, S(0), 0, V(14), "trapezoid dx");
    CHECK_OK(sg_trapezoid(y, x, 1, -1, &t)); expect(t, S(0), 0, V(12), "trapezoid x");
    CHECK_OK(sg_cumulative_trapezoid(y, NULL, 1, 0, &t)); expect(t, S(2), 1, V(2, 7), "cumulative_trapezoid");
    sg_tensor *samples = doubles(V(1, 2, 4, 8), S(4), 1), *outs[2] = {NULL, NULL};
    size_t count = 0;
    CHECK_OK(sg_gradient(samples, NULL, 0, NULL, 0, 1, outs, 2, &count));
    CHECK(count == 1);
    expect(outs[0], S(4), 1, V(1, 1.5, 3, 4), "gradient");
    sg_tensor *half = NULL;
    CHECK_OK(sg_scalar_double(0.5, &half));
    const sg_tensor *spacing[] = {half};
    CHECK_OK(sg_gradient(samples, spacing, 1, L(0), 1, 1, outs, 2, &count));
    expect(outs[0], S(4), 1, V(2, 3, 6, 8), "gradient with spacing");
    sg_tensor *v = doubles(V(1, 2, 3, 2, 4, 6), S(2, 3), 2);
    CHECK_OK(sg_cov(v, 1, NULL, NULL, &t)); expect(t, S(2, 2), 2, V(1, 2, 2, 4), "cov");
    sg_tensor *w = longs(L(1, 0, 1), S(3), 1);
    CHECK_OK(sg_cov(v, 0, w, NULL, &t)); expect(t, S(2, 2), 2, V(1, 2, 2, 4), "cov with frequency weights");
    sg_tensor *anti = doubles(V(1, 2, 3, 3, 2, 1), S(2, 3), 2);
    CHECK_OK(sg_corrcoef(anti, &t)); expect(t, S(2, 2), 2, V(1, -1, -1, 1), "corrcoef");
    sg_tensor *row = doubles(V(1, 2, 3), S(1, 3), 2);
    const sg_tensor *rows[] = {row};
    CHECK_OK(sg_chunk_cat(rows, 1, 1, 2, &t)); expect(t, S(1, 2, 2), 3, V(1, 2, 3, 0), "_chunk_cat");

    CHECK_STATUS(sg_trapezoid(y, samples, 1, -1, &t), SG_ERR_SHAPE); /* 4 points for 3 samples */
    CHECK_STATUS(sg_trapezoid(y, NULL, 1, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_gradient(samples, NULL, 0, NULL, 0, 3, outs, 2, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_gradient(samples, NULL, 0, NULL, 0, 1, outs, 2, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_gradient(samples, NULL, 0, NULL, 0, 1, outs, 0, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK(count == 1); /* capacity too small: count says how many */
    CHECK_STATUS(sg_cov(v, 1, y, NULL, &t), SG_ERR_DTYPE); /* float frequency weights */
    sg_tensor *negative = longs(L(1, -1, 1), S(3), 1);
    CHECK_STATUS(sg_cov(v, 1, negative, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_chunk_cat(rows, 1, 1, 0, &t), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *free_list[] = {y, x, samples, half, v, w, anti, row, negative};
    for (size_t i = 0; i < sizeof free_list / sizeof free_list[0]; i++) CHECK_OK(sg_tensor_free(free_list[i]));
}

static void test_gradients(void) {
    /* d/dsource of sum(index_add(x, 0, [1, 1], source)) is 1 for each element; d/dx too. */
    sg_tensor *x = doubles(V(0, 0, 0), S(3), 1), *source = doubles(V(2, 3), S(2), 1), *index = longs(L(1, 1), S(2), 1);
    sg_tensor *t = NULL, *loss = NULL, *g = NULL;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_tensor_set_requires_grad(source, true));
    CHECK_OK(sg_index_add(x, 0, index, source, 1, &t));
    CHECK_OK(sg_sum(t, &loss));
    CHECK_OK(sg_backward(loss, NULL, false));
    CHECK_OK(sg_tensor_grad(source, &g)); expect(g, S(2), 1, V(1, 1), "index_add source gradient");
    CHECK_OK(sg_tensor_grad(x, &g)); expect(g, S(3), 1, V(1, 1, 1), "index_add self gradient");
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_tensor_free(loss));
    /* scatter_reduce amax into base = [5, 0] at [0, 0]: base[0] = 5 and a[1] = 5 tie and share the
       gradient of out[0]; base[1], not written, keeps its own. */
    sg_tensor *a = doubles(V(3, 5), S(2), 1), *one = longs(L(0, 0), S(2), 1);
    sg_tensor *base = doubles(V(5, 0), S(2), 1);
    CHECK_OK(sg_tensor_set_requires_grad(a, true));
    CHECK_OK(sg_tensor_set_requires_grad(base, true));
    CHECK_OK(sg_scatter_reduce(base, 0, one, a, "amax", true, &t));
    CHECK_OK(sg_sum(t, &loss));
    CHECK_OK(sg_backward(loss, NULL, false));
    CHECK_OK(sg_tensor_grad(a, &g)); expect(g, S(2), 1, V(0, 0.5), "scatter_reduce amax: source share of the tie");
    CHECK_OK(sg_tensor_grad(base, &g)); expect(g, S(2), 1, V(0.5, 1), "scatter_reduce amax: self share of the tie");
    sg_tensor *free_list[] = {x, source, index, t, loss, a, one, base};
    for (size_t i = 0; i < sizeof free_list / sizeof free_list[0]; i++) CHECK_OK(sg_tensor_free(free_list[i]));
}

int main(void) {
    test_along_one_dimension();
    test_flat_and_masked();
    test_scatter_and_advanced();
    test_contractions();
    test_integration_and_statistics();
    test_gradients();
    return check_summary("test_indexing");
}
