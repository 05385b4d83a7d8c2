/* The reductions family through the C ABI: every function of the "More reductions, scans,
   sorting and searching" section called with values worked out by hand (or printed by PyTorch
   for the same call, quoted), and its errors provoked: bad dimensions, wrong dtypes, NULL
   outputs, a short output list. */
#include <math.h>
#include "check.h"

#define S(...) ((const int64_t[]){__VA_ARGS__})
#define V(...) ((const double[]){__VA_ARGS__})
#define I(...) ((const int64_t[]){__VA_ARGS__})

static sg_tensor *make(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *make_ints(const int64_t *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_INT64, &t));
    return t;
}

static sg_tensor *make_bools(const bool *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_BOOL, &t));
    return t;
}

/* Checks a tensor's shape and values (read as double; NaN matches NaN), then frees it. */
static void expect(sg_tensor *t, const int64_t *shape, size_t ndim, const double *values, const char *what) {
    size_t got_ndim = 0;
    int64_t dims[SG_MAX_DIMS], numel = 0;
    check_count++;
    if (t == NULL) {
        check_failures++;
        fprintf(stderr, "%s: no tensor (last error: %s)\n", what, sg_last_error());
        return;
    }
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &got_ndim));
    CHECK_OK(sg_tensor_numel(t, &numel));
    int ok = got_ndim == ndim;
    for (size_t i = 0; ok && i < ndim; i++) ok = dims[i] == shape[i];
    sg_tensor *wide = NULL;
    if (ok) CHECK_OK(sg_to_dtype(t, SG_FLOAT64, &wide));
    for (int64_t i = 0; ok && wide != NULL && i < numel; i++) {
        double got = 0;
        sg_tensor *flat = NULL, *element = NULL;
        CHECK_OK(sg_reshape(wide, S(-1), 1, &flat));
        CHECK_OK(sg_select(flat, 0, i, &element));
        CHECK_OK(sg_tensor_item(element, &got));
        if (!(got == values[i] || fabs(got - values[i]) <= 1e-12 * fmax(1, fabs(values[i])) || (isnan(got) && isnan(values[i])))) {
            fprintf(stderr, "%s[%lld] = %.17g, expected %.17g\n", what, (long long)i, got, values[i]);
            ok = 0;
        }
        sg_tensor_free(element);
        sg_tensor_free(flat);
    }
    sg_tensor_free(wide);
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: wrong shape or values\n", what);
    }
    CHECK_OK(sg_tensor_free(t));
}

static void expect_dtype(sg_tensor *t, sg_dtype want, const char *what) {
    sg_dtype dtype = (sg_dtype)-1;
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    check_count++;
    if (dtype != want) {
        check_failures++;
        fprintf(stderr, "%s: dtype %d, expected %d\n", what, (int)dtype, (int)want);
    }
}

static void test_scans(void) {
    sg_tensor *x = make(V(1, 2, 3, 4), S(2, 2), 2), *t, *v, *i;
    CHECK_OK(sg_cumsum(x, 1, &t)); expect(t, S(2, 2), 2, V(1, 3, 3, 7), "cumsum");
    CHECK_OK(sg_cumprod(x, 0, &t)); expect(t, S(2, 2), 2, V(1, 2, 3, 8), "cumprod");
    sg_tensor *y = make(V(3, 1, 3, 2, 1, 3), S(6), 1);
    /* torch.cummax(tensor([3., 1., 3., 2., 1., 3.]), 0).indices: tensor([0, 0, 2, 2, 2, 5]) */
    CHECK_OK(sg_cummax(y, 0, &v, &i));
    expect(v, S(6), 1, V(3, 3, 3, 3, 3, 3), "cummax values");
    expect(i, S(6), 1, V(0, 0, 2, 2, 2, 5), "cummax indices");
    CHECK_OK(sg_cummin(y, 0, &v, &i));
    expect(v, S(6), 1, V(3, 1, 1, 1, 1, 1), "cummin values");
    expect(i, S(6), 1, V(0, 1, 1, 1, 4, 4), "cummin indices");
    sg_tensor *z = make(V(0, 0), S(2), 1);
    CHECK_OK(sg_logcumsumexp(z, 0, &t)); expect(t, S(2), 1, V(0, log(2.0)), "logcumsumexp");
    sg_tensor *sq = make(V(1, 4, 9, 16), S(4), 1), *pre = make(V(0), S(1), 1);
    CHECK_OK(sg_diff(sq, 1, -1, NULL, NULL, &t)); expect(t, S(3), 1, V(3, 5, 7), "diff");
    CHECK_OK(sg_diff(sq, 2, 0, pre, NULL, &t)); expect(t, S(3), 1, V(2, 2, 2), "diff prepend");
    /* Errors: a bad dim, an integer logcumsumexp, NULL outputs, a 0-d diff. */
    sg_tensor *ints = make_ints(I(1, 2), S(2), 1), *scalar = make(V(1), NULL, 0);
    CHECK_STATUS(sg_cumsum(x, 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_ERROR_HAS("Dimension out of range");
    CHECK_STATUS(sg_logcumsumexp(ints, 0, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_cummax(y, 0, NULL, &i), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_cumprod(x, 0, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_diff(scalar, 1, 0, NULL, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("at least one-dimensional");
    CHECK_OK(sg_cumsum(ints, 0, &t)); expect_dtype(t, SG_INT64, "cumsum int64"); expect(t, S(2), 1, V(1, 3), "cumsum ints");
    sg_tensor *all[] = {x, y, z, sq, pre, ints, scalar};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) CHECK_OK(sg_tensor_free(all[k]));
}

static void test_sorting(void) {
    sg_tensor *y = make(V(3, 1, 3, 2, 1, 3), S(6), 1), *v, *i, *t;
    /* torch.sort: indices tensor([1, 4, 3, 0, 2, 5]); descending tensor([0, 2, 5, 3, 1, 4]) */
    CHECK_OK(sg_sort(y, -1, false, false, &v, &i));
    expect(v, S(6), 1, V(1, 1, 2, 3, 3, 3), "sort values");
    expect(i, S(6), 1, V(1, 4, 3, 0, 2, 5), "sort indices");
    CHECK_OK(sg_argsort(y, 0, true, true, &t)); expect(t, S(6), 1, V(0, 2, 5, 3, 1, 4), "argsort");
    sg_tensor *m = make(V(3, 1, 2, 0), S(2, 2), 2);
    CHECK_OK(sg_msort(m, &t)); expect(t, S(2, 2), 2, V(2, 0, 3, 1), "msort");
    /* torch.topk(y, 3).indices: tensor([2, 0, 5]) */
    CHECK_OK(sg_topk(y, 3, -1, true, true, &v, &i));
    expect(v, S(3), 1, V(3, 3, 3), "topk values");
    expect(i, S(3), 1, V(2, 0, 5), "topk indices");
    /* torch.kthvalue(y, 2): (1., 4) */
    CHECK_OK(sg_kthvalue(y, 2, -1, false, &v, &i));
    expect(v, NULL, 0, V(1), "kthvalue value");
    expect(i, NULL, 0, V(4), "kthvalue index");
    CHECK_OK(sg_median(y, &t)); expect(t, NULL, 0, V(2), "median");
    CHECK_OK(sg_median_dim(y, 0, true, &v, &i));
    expect(v, S(1), 1, V(2), "median dim value");
    expect(i, S(1), 1, V(3), "median dim index");
    sg_tensor *n = make(V(1, NAN, 3, NAN, 0), S(5), 1);
    CHECK_OK(sg_nanmedian(n, &t)); expect(t, NULL, 0, V(1), "nanmedian");
    CHECK_OK(sg_nanmedian_dim(n, 0, false, &v, &i));
    expect(v, NULL, 0, V(1), "nanmedian dim value");
    expect(i, NULL, 0, V(0), "nanmedian dim index");
    CHECK_OK(sg_median(n, &t)); expect(t, NULL, 0, V(NAN), "median with NaN");
    /* torch.mode(y): (3., 5) */
    CHECK_OK(sg_mode(y, -1, false, &v, &i));
    expect(v, NULL, 0, V(3), "mode value");
    expect(i, NULL, 0, V(5), "mode index");
    /* Errors. */
    CHECK_STATUS(sg_topk(y, 7, -1, true, true, &v, &i), SG_ERR_INVALID_ARGUMENT);
    CHECK(v == NULL && i == NULL);
    CHECK_ERROR_HAS("selected index k out of range");
    CHECK_STATUS(sg_kthvalue(y, 0, -1, false, &v, &i), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_sort(y, 1, false, false, &v, &i), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_sort(y, 0, false, false, &v, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *b = make_bools((const bool[]){true, false}, S(2), 1);
    CHECK_STATUS(sg_median_dim(b, 0, false, &v, &i), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("not implemented for 'Bool'");
    /* mode takes bool, as PyTorch 2.15: torch.mode(tensor([True, False])) is (False, 1). */
    CHECK_OK(sg_mode(b, 0, false, &v, &i));
    expect(v, NULL, 0, V(0), "mode of bools value");
    expect(i, NULL, 0, V(1), "mode of bools index");
    sg_tensor *empty = make(NULL, S(0), 1);
    CHECK_STATUS(sg_median_dim(empty, 0, false, &v, &i), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Expected reduction dim 0 to have non-zero size");
    sg_tensor *all[] = {y, m, n, b, empty};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) CHECK_OK(sg_tensor_free(all[k]));
}

static void test_quantiles(void) {
    sg_tensor *x = make(V(1, 2, 3, 4, 5, 6), S(6), 1), *q = make(V(0.1, 0.25), S(2), 1), *t;
    CHECK_OK(sg_quantile(x, q, NULL, false, 0, &t)); expect(t, S(2), 1, V(1.5, 2.25), "quantile linear");
    CHECK_OK(sg_quantile(x, q, NULL, false, 1, &t)); expect(t, S(2), 1, V(1, 2), "quantile lower");
    int64_t dim = 0;
    sg_tensor *half = NULL;
    CHECK_OK(sg_scalar_double(0.5, &half));
    CHECK_OK(sg_quantile(x, half, &dim, true, 3, &t)); expect(t, S(1), 1, V(3.5), "quantile midpoint keepdim");
    sg_tensor *n = make(V(3, NAN, 3, 2), S(4), 1);
    CHECK_OK(sg_nanquantile(n, half, NULL, false, 0, &t)); expect(t, NULL, 0, V(3), "nanquantile");
    CHECK_OK(sg_quantile(n, half, NULL, false, 0, &t)); expect(t, NULL, 0, V(NAN), "quantile with NaN");
    /* Errors: an unknown interpolation code, q out of [0, 1], an integer input. */
    CHECK_STATUS(sg_quantile(x, half, NULL, false, 9, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("interpolation code");
    sg_tensor *big = make(V(1.5), NULL, 0), *ints = make_ints(I(1, 2), S(2), 1);
    CHECK_STATUS(sg_quantile(x, big, NULL, false, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("must be in the range [0, 1]");
    CHECK_STATUS(sg_nanquantile(ints, half, NULL, false, 0, &t), SG_ERR_DTYPE);
    sg_tensor *all[] = {x, q, half, n, big, ints};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) CHECK_OK(sg_tensor_free(all[k]));
}

static void test_reductions(void) {
    sg_tensor *x = make(V(0, NAN, 0, 0, 1, 2), S(3, 2), 2), *t, *v, *i;
    CHECK_OK(sg_any(x, S(1), 1, false, &t)); expect_dtype(t, SG_BOOL, "any dtype"); expect(t, S(3), 1, V(1, 0, 1), "any");
    CHECK_OK(sg_all(x, NULL, 0, true, &t)); expect(t, S(1, 1), 2, V(0), "all keepdim");
    CHECK_OK(sg_count_nonzero(x, S(0), 1, &t)); expect(t, S(2), 1, V(1, 2), "count_nonzero");
    CHECK_OK(sg_nansum(x, S(0), 1, false, &t)); expect(t, S(2), 1, V(1, 2), "nansum");
    CHECK_OK(sg_nanmean(x, S(1), 1, false, &t)); expect(t, S(3), 1, V(0, 0, 1.5), "nanmean");
    sg_tensor *y = make(V(1, 3, 1, 2, 2, 0), S(2, 3), 2);
    int64_t dim = 1;
    CHECK_OK(sg_aminmax(y, &dim, false, &v, &i));
    expect(v, S(2), 1, V(1, 0), "aminmax min");
    expect(i, S(2), 1, V(3, 2), "aminmax max");
    /* Row variance of [1, 3, 1] with correction 1: 4/3, mean 5/3. */
    CHECK_OK(sg_var_mean(y, S(1), 1, 1.0, false, &v, &i));
    expect(v, S(2), 1, V(4.0 / 3, 4.0 / 3), "var_mean var");
    expect(i, S(2), 1, V(5.0 / 3, 4.0 / 3), "var_mean mean");
    CHECK_OK(sg_std_mean(y, NULL, 0, 0.0, false, &v, &i));
    expect(v, NULL, 0, V(sqrt(19.0 / 6 - 1.5 * 1.5)), "std_mean std");
    expect(i, NULL, 0, V(1.5), "std_mean mean");
    sg_tensor *a = make(V(3, 4), S(2), 1), *zero = make(V(0, 0), S(2), 1);
    CHECK_OK(sg_dist(a, zero, 1, &t)); expect(t, NULL, 0, V(7), "dist p=1");
    sg_tensor *r = make(V(3, 4, 0.3, 0.4), S(2, 2), 2);
    CHECK_OK(sg_renorm(r, 2, 0, 1, &t)); expect(t, S(2, 2), 2, V(3 / (5 + 1e-7), 4 / (5 + 1e-7), 0.3, 0.4), "renorm");
    CHECK_OK(sg_trace(y, &t)); expect(t, NULL, 0, V(3), "trace");
    /* Errors. */
    sg_tensor *one = make_ints(I(1), S(1), 1);
    CHECK_STATUS(sg_nanmean(one, NULL, 0, false, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_any(x, S(0, 0), 2, false, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("appears multiple times");
    CHECK_STATUS(sg_trace(a, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_renorm(r, -1, 0, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_aminmax(y, &dim, false, NULL, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_var_mean(one, NULL, 0, 1, false, &v, &i), SG_ERR_DTYPE);
    CHECK_STATUS(sg_std_mean(x, S(5), 1, 1, false, &v, &i), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *all[] = {x, y, a, zero, r, one};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) CHECK_OK(sg_tensor_free(all[k]));
}

static void test_unique(void) {
    sg_tensor *x = make(V(3, 1, 2, 3, 1, 5, -1, 2), S(8), 1), *outs[3] = {NULL, NULL, NULL};
    size_t count = 0;
    /* torch.unique(..., return_inverse=True, return_counts=True) */
    CHECK_OK(sg_unique(x, true, true, true, NULL, outs, 3, &count));
    CHECK(count == 3);
    expect(outs[0], S(5), 1, V(-1, 1, 2, 3, 5), "unique values");
    expect(outs[1], S(8), 1, V(3, 1, 2, 3, 1, 4, 0, 2), "unique inverse");
    expect(outs[2], S(5), 1, V(1, 2, 2, 2, 1), "unique counts");
    CHECK_OK(sg_unique(x, false, false, false, NULL, outs, 3, &count));
    CHECK(count == 1);
    expect(outs[0], S(5), 1, V(-1, 1, 2, 3, 5), "unique sorted=false");
    /* A short list: count says how many, nothing written. */
    outs[0] = NULL;
    CHECK_STATUS(sg_unique(x, true, true, false, NULL, outs, 1, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK(count == 2 && outs[0] == NULL);
    CHECK_STATUS(sg_unique(x, true, true, false, NULL, outs, 3, NULL), SG_ERR_INVALID_ARGUMENT);
    int64_t bad = 3;
    CHECK_STATUS(sg_unique(x, true, false, false, &bad, outs, 3, &count), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *rows = make(V(1, 2, 1, 2, 0, 5), S(3, 2), 2);
    int64_t dim = 0;
    CHECK_OK(sg_unique_consecutive(rows, true, true, &dim, outs, 3, &count));
    CHECK(count == 3);
    expect(outs[0], S(2, 2), 2, V(1, 2, 0, 5), "unique_consecutive rows");
    expect(outs[1], S(3), 1, V(0, 0, 1), "unique_consecutive inverse");
    expect(outs[2], S(2), 1, V(2, 1), "unique_consecutive counts");
    CHECK_OK(sg_tensor_free(x));
    CHECK_OK(sg_tensor_free(rows));
}

static void test_histograms_and_searching(void) {
    sg_tensor *x = make(V(0, 1, 2, 3, 10, -1, NAN), S(7), 1), *t;
    CHECK_OK(sg_histc(x, 3, 0, 3, &t)); expect(t, S(3), 1, V(1, 1, 2), "histc");
    sg_tensor *rows = NULL;
    CHECK_OK(sg_reshape(x, S(7, 1), 2, &rows));
    double low = 0, high = 4;
    CHECK_OK(sg_histogram_bin_edges(rows, 0, 2, &low, &high, &t)); expect(t, S(3), 1, V(0, 2, 4), "bin edges");
    sg_tensor *edges = make(V(0, 1.5, 3), S(3), 1);
    const sg_tensor *bins[] = {edges};
    CHECK_OK(sg_histogramdd(rows, bins, 1, NULL, false, &t)); expect(t, S(2), 1, V(2, 2), "histogramdd");
    /* Errors: bins <= 0, a wrong number of edge tensors, an integer input, min > max. */
    CHECK_STATUS(sg_histc(x, 0, 0, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_histc(x, 3, 3, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("max must be larger than min");
    CHECK_STATUS(sg_histogramdd(rows, bins, 0, NULL, false, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_histogram_bin_edges(rows, 1, 2, NULL, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_histogram_bin_edges(rows, 0, 2, &high, &low, &t), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *ints = make_ints(I(1, 2), S(2), 1);
    CHECK_STATUS(sg_histc(ints, 3, 0, 3, &t), SG_ERR_DTYPE);

    sg_tensor *b = make(V(1, 2, 2, 3), S(4), 1), *values = make(V(0, 2, 2.5, 9), S(4), 1);
    CHECK_OK(sg_searchsorted(b, values, false, false, NULL, &t)); expect(t, S(4), 1, V(0, 1, 3, 4), "searchsorted");
    CHECK_OK(sg_searchsorted(b, values, false, true, NULL, &t)); expect(t, S(4), 1, V(0, 3, 3, 4), "searchsorted right");
    sg_tensor *order = make_ints(I(3, 2, 1, 0), S(4), 1), *reversed = make(V(3, 2, 2, 1), S(4), 1);
    CHECK_OK(sg_searchsorted(reversed, values, false, false, order, &t)); expect(t, S(4), 1, V(0, 1, 3, 4), "searchsorted sorter");
    CHECK_OK(sg_bucketize(values, b, false, false, &t)); expect(t, S(4), 1, V(0, 1, 3, 4), "bucketize");
    sg_tensor *tests = make(V(2, NAN), S(2), 1), *n = make(V(NAN, 2, 3), S(3), 1);
    CHECK_OK(sg_isin(n, tests, false, false, &t)); expect(t, S(3), 1, V(0, 1, 0), "isin");
    CHECK_OK(sg_isin(n, tests, true, true, &t)); expect(t, S(3), 1, V(1, 0, 1), "isin invert");
    CHECK_OK(sg_searchsorted(b, values, true, false, NULL, &t)); expect_dtype(t, SG_INT32, "searchsorted out_int32");
    expect(t, S(4), 1, V(0, 1, 3, 4), "searchsorted int32");
    /* Errors: a 2-d bucketize boundary, a sorter out of range, bool operands. */
    CHECK_STATUS(sg_bucketize(values, rows, false, false, &t), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *wild = make_ints(I(0, 9, 1, 2), S(4), 1);
    CHECK_STATUS(sg_searchsorted(b, values, false, false, wild, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("sorter index out of range");
    sg_tensor *flags = make_bools((const bool[]){true, false}, S(2), 1);
    CHECK_STATUS(sg_searchsorted(flags, flags, false, false, NULL, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_isin(flags, flags, false, false, &t), SG_ERR_DTYPE);
    sg_tensor *all[] = {x, rows, edges, ints, b, values, order, reversed, tests, n, wild, flags};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) CHECK_OK(sg_tensor_free(all[k]));
}

static void test_masked(void) {
    sg_tensor *x = make(V(1, 2, 3, 4, 5, 6), S(2, 3), 2), *t;
    sg_tensor *mask = make_bools((const bool[]){true, false, true, false, false, false}, S(2, 3), 2);
    sg_tensor *row = make_bools((const bool[]){true, false, true}, S(3), 1);
    CHECK_OK(sg_masked_sum(x, S(1), 1, false, mask, &t)); expect(t, S(2), 1, V(4, 0), "masked sum");
    CHECK_OK(sg_masked_sum(x, NULL, 0, false, NULL, &t)); expect(t, NULL, 0, V(21), "masked sum no mask");
    CHECK_OK(sg_masked_prod(x, S(1), 1, false, mask, &t)); expect(t, S(2), 1, V(3, 1), "masked prod");
    CHECK_OK(sg_masked_amax(x, S(1), 1, false, mask, &t)); expect(t, S(2), 1, V(3, -INFINITY), "masked amax");
    CHECK_OK(sg_masked_amin(x, S(1), 1, true, mask, &t)); expect(t, S(2, 1), 2, V(1, INFINITY), "masked amin");
    int64_t dim = 1;
    CHECK_OK(sg_masked_argmax(x, &dim, false, row, &t)); expect_dtype(t, SG_FLOAT64, "masked argmax dtype");
    expect(t, S(2), 1, V(2, 2), "masked argmax");
    CHECK_OK(sg_masked_argmin(x, &dim, false, row, &t)); expect(t, S(2), 1, V(0, 0), "masked argmin");
    CHECK_OK(sg_masked_mean(x, S(1), 1, false, mask, &t)); expect(t, S(2), 1, V(2, NAN), "masked mean");
    CHECK_OK(sg_masked_median(x, 1, false, row, &t)); expect(t, S(2), 1, V(1, 4), "masked median");
    CHECK_OK(sg_masked_logsumexp(x, S(1), 1, false, mask, &t));
    expect(t, S(2), 1, V(3 + log(1 + exp(-2.0)), -INFINITY), "masked logsumexp");
    CHECK_OK(sg_masked_norm(x, 1, S(1), 1, false, mask, &t)); expect(t, S(2), 1, V(4, 0), "masked norm");
    CHECK_OK(sg_masked_var(x, S(1), 1, 1, false, row, &t)); expect(t, S(2), 1, V(2, 2), "masked var");
    CHECK_OK(sg_masked_std(x, S(1), 1, 0, false, row, &t)); expect(t, S(2), 1, V(1, 1), "masked std");
    CHECK_OK(sg_masked_cumsum(x, 1, row, &t)); expect(t, S(2, 3), 2, V(1, 1, 4, 4, 4, 10), "masked cumsum");
    CHECK_OK(sg_masked_cumprod(x, 1, row, &t)); expect(t, S(2, 3), 2, V(1, 1, 3, 4, 4, 24), "masked cumprod");
    double e2 = exp(2.0);
    CHECK_OK(sg_masked_softmax(x, 1, row, &t)); expect(t, S(2, 3), 2, V(1 / (1 + e2), 0, e2 / (1 + e2), 1 / (1 + e2), 0, e2 / (1 + e2)), "masked softmax");
    CHECK_OK(sg_masked_log_softmax(x, 1, row, &t));
    expect(t, S(2, 3), 2, V(-log(1 + e2), -INFINITY, 2 - log(1 + e2), -log(1 + e2), -INFINITY, 2 - log(1 + e2)), "masked log_softmax");
    CHECK_OK(sg_masked_softmin(x, 1, row, &t)); expect(t, S(2, 3), 2, V(e2 / (1 + e2), 0, 1 / (1 + e2), e2 / (1 + e2), 0, 1 / (1 + e2)), "masked softmin");
    CHECK_OK(sg_masked_normalize(x, 1, 1, 1e-12, row, &t)); expect(t, S(2, 3), 2, V(0.25, 0, 0.75, 0.4, 0, 0.6), "masked normalize");
    CHECK_OK(sg_masked_logaddexp(x, x, mask, NULL, &t));
    expect(t, S(2, 3), 2, V(1 + log(2.0), 2, 3 + log(2.0), 4, 5, 6), "masked logaddexp");
    /* Errors: a mask of more dimensions, a bool input to amax, an integer mean. */
    sg_tensor *deep = make_bools((const bool[]){true}, S(1, 1, 1), 3);
    CHECK_STATUS(sg_masked_sum(x, NULL, 0, false, deep, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("broadcastable mask");
    CHECK_STATUS(sg_masked_amax(mask, NULL, 0, false, NULL, &t), SG_ERR_DTYPE);
    sg_tensor *ints = make_ints(I(1, 2), S(2), 1);
    CHECK_STATUS(sg_masked_mean(ints, NULL, 0, false, NULL, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_masked_softmax(x, 2, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *all[] = {x, mask, row, deep, ints};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++) CHECK_OK(sg_tensor_free(all[k]));
}

static void test_gradients(void) {
    /* d/dx sum(cumsum(x)) = [3, 2, 1]; d/dx cumprod(x)[-1] at [2, 0, 3] = [0, 6, 0]. */
    sg_tensor *x = make(V(2, 0, 3), S(3), 1), *y, *s, *g;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_cumsum(x, 0, &y));
    CHECK_OK(sg_sum(y, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &g)); expect(g, S(3), 1, V(3, 2, 1), "cumsum gradient");
    CHECK_OK(sg_tensor_free(y)); CHECK_OK(sg_tensor_free(s));
    CHECK_OK(sg_tensor_set_grad(x, NULL));
    sg_tensor *last;
    CHECK_OK(sg_cumprod(x, 0, &y));
    CHECK_OK(sg_select(y, 0, -1, &last));
    CHECK_OK(sg_backward(last, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &g)); expect(g, S(3), 1, V(0, 6, 0), "cumprod gradient at a zero");
    CHECK_OK(sg_tensor_free(y)); CHECK_OK(sg_tensor_free(last)); CHECK_OK(sg_tensor_free(x));
}

int main(void) {
    test_scans();
    test_sorting();
    test_quantiles();
    test_reductions();
    test_unique();
    test_histograms_and_searching();
    test_masked();
    test_gradients();
    return check_summary("test_reductions");
}
