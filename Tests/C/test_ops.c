/* The model operators through the C ABI, each with values worked out by hand: views,
   elementwise functions, reductions, linear algebra, joining and indexing, creation, in-place
   operations and losses, and gradients through a few of them. */
#include <math.h>
#include "check.h"

static sg_tensor *make(const double *values, const int64_t *shape, size_t ndim) {
    int64_t n = 1;
    for (size_t i = 0; i < ndim; i++) n *= shape[i];
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    (void)n;
    return t;
}

static sg_tensor *indices(const int64_t *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_INT64, &t));
    return t;
}

/* Checks a float64 tensor's shape and values, then frees it. */
static void expect(sg_tensor *t, const int64_t *shape, size_t ndim, const double *values, const char *what) {
    size_t got_ndim = 0;
    int64_t dims[SG_MAX_DIMS], numel = 0;
    sg_dtype dtype;
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &got_ndim));
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    int ok = got_ndim == ndim && dtype == SG_FLOAT64;
    for (size_t i = 0; ok && i < ndim; i++) ok = dims[i] == shape[i];
    /* Every element is compared, however many there are (values holds numel of them). */
    double *got = ok ? malloc((size_t)(numel > 0 ? numel : 1) * sizeof(double)) : NULL;
    if (ok && got == NULL) {
        fprintf(stderr, "%s: out of memory for %lld values\n", what, (long long)numel);
        ok = 0;
    }
    if (ok) {
        CHECK_OK(sg_tensor_copy_to(t, got, (size_t)numel * sizeof(double)));
        for (int64_t i = 0; i < numel; i++) {
            if (!(fabs(got[i] - values[i]) <= 1e-9 * fmax(1, fabs(values[i])) || (isnan(got[i]) && isnan(values[i])))) {
                fprintf(stderr, "%s[%lld] = %.17g, expected %.17g\n", what, (long long)i, got[i], values[i]);
                ok = 0;
            }
        }
    }
    free(got);
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: wrong shape, dtype or values\n", what);
    }
    CHECK_OK(sg_tensor_free(t));
}

/* Checks t's dtype (t stays alive). */
static void expect_dtype(const sg_tensor *t, sg_dtype want, const char *what) {
    sg_dtype dtype = (sg_dtype)-1;
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    check_count++;
    if (dtype != want) {
        check_failures++;
        fprintf(stderr, "%s: dtype %d, expected %d\n", what, (int)dtype, (int)want);
    }
}

static void expect_ints(sg_tensor *t, const int64_t *values, int64_t n, const char *what) {
    int64_t numel = 0;
    CHECK_OK(sg_tensor_numel(t, &numel));
    if (numel != n) {
        check_failures++;
        fprintf(stderr, "%s: %lld elements, expected %lld\n", what, (long long)numel, (long long)n);
        n = 0;
    }
    int64_t *got = calloc((size_t)(n > 0 ? n : 1), sizeof(int64_t));
    if (got == NULL) exit(2);
    CHECK_OK(sg_tensor_copy_to(t, got, (size_t)n * sizeof(int64_t)));
    for (int64_t i = 0; i < n; i++) {
        if (got[i] != values[i]) {
            check_failures++;
            fprintf(stderr, "%s[%lld] = %lld, expected %lld\n", what, (long long)i, (long long)got[i], (long long)values[i]);
        }
    }
    free(got);
    check_count++;
    CHECK_OK(sg_tensor_free(t));
}

#define S(...) ((const int64_t[]){__VA_ARGS__})
#define V(...) ((const double[]){__VA_ARGS__})

static void test_views(void) {
    sg_tensor *x = make(V(0, 1, 2, 3, 4, 5), S(2, 3), 2), *t, *u;
    bool contiguous;
    CHECK_OK(sg_reshape(x, S(3, -1), 2, &t)); expect(t, S(3, 2), 2, V(0, 1, 2, 3, 4, 5), "reshape");
    CHECK_OK(sg_view(x, S(6), 1, &t)); expect(t, S(6), 1, V(0, 1, 2, 3, 4, 5), "view");
    CHECK_OK(sg_transpose(x, 0, 1, &t));
    CHECK_OK(sg_tensor_is_contiguous(t, &contiguous));
    CHECK(!contiguous);
    int64_t strides[2];
    size_t ndim;
    CHECK_OK(sg_tensor_strides(t, strides, 2, &ndim));
    CHECK(ndim == 2 && strides[0] == 1 && strides[1] == 3);
    CHECK_STATUS(sg_view(t, S(6), 1, &u), SG_ERR_SHAPE); /* a transposed layout cannot be viewed flat */
    CHECK_OK(sg_contiguous(t, &u)); expect(u, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "contiguous");
    CHECK_OK(sg_reshape(t, S(6), 1, &u)); expect(u, S(6), 1, V(0, 3, 1, 4, 2, 5), "reshape copies");
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_permute(x, S(1, 0), 2, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "permute");
    CHECK_OK(sg_unsqueeze(x, 1, &t));
    CHECK_OK(sg_expand(t, S(2, 2, 3), 3, &u)); expect(u, S(2, 2, 3), 3, V(0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5), "expand");
    CHECK_OK(sg_squeeze_dim(t, 1, &u)); expect(u, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "squeeze_dim");
    CHECK_OK(sg_squeeze(t, &u)); expect(u, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "squeeze");
    CHECK_OK(sg_flatten(t, 0, -1, &u)); expect(u, S(6), 1, V(0, 1, 2, 3, 4, 5), "flatten");
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_select(x, 1, -1, &t)); expect(t, S(2), 1, V(2, 5), "select");
    CHECK_OK(sg_slice(x, 1, 0, INT64_MAX, 2, &t)); expect(t, S(2, 2), 2, V(0, 2, 3, 5), "slice step");
    CHECK_OK(sg_slice(x, 0, -1, INT64_MAX, 1, &t)); expect(t, S(1, 3), 2, V(3, 4, 5), "slice negative");
    CHECK_OK(sg_alias(x, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "alias");
    /* Views share storage: writing through one shows in the other. */
    CHECK_OK(sg_select(x, 0, 0, &t));
    CHECK_OK(fill_with(t, 9));
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_clone(x, &t)); expect(t, S(2, 3), 2, V(9, 9, 9, 3, 4, 5), "write through a view");
    CHECK_OK(sg_tensor_free(x));
}

static void test_elementwise(void) {
    sg_tensor *x = make(V(-1, 0, 4), S(3), 1), *p = make(V(0.25, 1, 4), S(3), 1), *t;
    const double pi = 3.14159265358979323846;
    sg_tensor *angles = make(V(0, pi / 2, pi), S(3), 1);
    CHECK_OK(sg_sqrt(p, &t)); expect(t, S(3), 1, V(0.5, 1, 2), "sqrt");
    CHECK_OK(sg_rsqrt(p, &t)); expect(t, S(3), 1, V(2, 1, 0.5), "rsqrt");
    CHECK_OK(sg_reciprocal(p, &t)); expect(t, S(3), 1, V(4, 1, 0.25), "reciprocal");
    CHECK_OK(sg_sin(angles, &t)); expect(t, S(3), 1, V(0, 1, sin(pi)), "sin");
    CHECK_OK(sg_cos(angles, &t)); expect(t, S(3), 1, V(1, cos(pi / 2), -1), "cos");
    CHECK_OK(sg_tanh(x, &t)); expect(t, S(3), 1, V(tanh(-1), 0, tanh(4)), "tanh");
    CHECK_OK(sg_sigmoid(x, &t)); expect(t, S(3), 1, V(1 / (1 + exp(1)), 0.5, 1 / (1 + exp(-4))), "sigmoid");
    CHECK_OK(sg_relu(x, &t)); expect(t, S(3), 1, V(0, 0, 4), "relu");
    CHECK_OK(sg_abs(x, &t)); expect(t, S(3), 1, V(1, 0, 4), "abs");
    CHECK_OK(sg_sign(x, &t)); expect(t, S(3), 1, V(-1, 0, 1), "sign");
    CHECK_OK(sg_square(x, &t)); expect(t, S(3), 1, V(1, 0, 16), "square");
    CHECK_OK(sg_log1p(p, &t)); expect(t, S(3), 1, V(log1p(0.25), log(2), log(5)), "log1p");
    CHECK_OK(sg_expm1(x, &t)); expect(t, S(3), 1, V(expm1(-1), 0, expm1(4)), "expm1");
    sg_tensor *lo, *hi;
    CHECK_OK(sg_scalar_double(-0.5, &lo));
    CHECK_OK(sg_scalar_double(1, &hi));
    CHECK_OK(sg_clamp(x, lo, hi, &t)); expect(t, S(3), 1, V(-0.5, 0, 1), "clamp");
    CHECK_OK(sg_clamp(x, NULL, hi, &t)); expect(t, S(3), 1, V(-1, 0, 1), "clamp max");
    CHECK_STATUS(sg_clamp(x, NULL, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("At least one of 'min' or 'max' must not be None");
    CHECK_OK(sg_tensor_free(lo));
    CHECK_OK(sg_tensor_free(hi));
    CHECK_OK(sg_maximum(x, p, &t)); expect(t, S(3), 1, V(0.25, 1, 4), "maximum");
    CHECK_OK(sg_minimum(x, p, &t)); expect(t, S(3), 1, V(-1, 0, 4), "minimum");
    sg_tensor *mask;
    CHECK_OK(sg_gt_scalar(x, 0, &mask));
    CHECK_OK(sg_where(mask, x, p, &t)); expect(t, S(3), 1, V(0.25, 1, 4), "where");
    sg_tensor *seven;
    CHECK_OK(sg_scalar_double(-7, &seven));
    CHECK_OK(sg_masked_fill(x, mask, seven, &t)); expect(t, S(3), 1, V(-1, 0, -7), "masked_fill");
    CHECK_STATUS(sg_masked_fill(x, mask, x, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).");
    CHECK_OK(sg_tensor_free(seven));
    sg_tensor *list[] = {x, p, angles, mask};
    for (int i = 0; i < 4; i++) CHECK_OK(sg_tensor_free(list[i]));
}

static void test_reductions(void) {
    sg_tensor *x = make(V(1, 2, 3, 4, 5, 6), S(2, 3), 2), *t, *values, *idx;
    const int64_t rows[] = {1}, all[] = {0, 1};
    CHECK_OK(sg_mean(x, &t)); expect(t, S(0), 0, V(3.5), "mean");
    CHECK_OK(sg_mean_dims(x, rows, 1, false, &t)); expect(t, S(2), 1, V(2, 5), "mean_dims");
    CHECK_OK(sg_prod(x, &t)); expect(t, S(0), 0, V(720), "prod");
    CHECK_OK(sg_prod_dim(x, 0, true, &t)); expect(t, S(1, 3), 2, V(4, 10, 18), "prod_dim");
    CHECK_OK(sg_max(x, &t)); expect(t, S(0), 0, V(6), "max");
    CHECK_OK(sg_min(x, &t)); expect(t, S(0), 0, V(1), "min");
    CHECK_OK(sg_max_dim(x, 1, false, &values, &idx));
    expect(values, S(2), 1, V(3, 6), "max_dim values");
    expect_ints(idx, (const int64_t[]){2, 2}, 2, "max_dim indices");
    CHECK_OK(sg_min_dim(x, 0, true, &values, &idx));
    expect(values, S(1, 3), 2, V(1, 2, 3), "min_dim values");
    expect_ints(idx, (const int64_t[]){0, 0, 0}, 3, "min_dim indices");
    CHECK_OK(sg_amax(x, all, 2, false, &t)); expect(t, S(0), 0, V(6), "amax");
    CHECK_OK(sg_amin(x, rows, 1, false, &t)); expect(t, S(2), 1, V(1, 4), "amin");
    int64_t dim = 1;
    CHECK_OK(sg_argmax(x, NULL, false, &t)); expect_ints(t, (const int64_t[]){5}, 1, "argmax");
    CHECK_OK(sg_argmin(x, &dim, false, &t)); expect_ints(t, (const int64_t[]){0, 0}, 2, "argmin dim");
    CHECK_OK(sg_var(x, rows, 1, 1, false, &t)); expect(t, S(2), 1, V(1, 1), "var");
    CHECK_OK(sg_var(x, NULL, 0, 0, false, &t)); expect(t, S(0), 0, V(17.5 / 6), "var biased, all");
    CHECK_OK(sg_std(x, rows, 1, 1, true, &t)); expect(t, S(2, 1), 2, V(1, 1), "std");
    CHECK_OK(sg_norm_dims(x, 1, rows, 1, false, &t)); expect(t, S(2), 1, V(6, 15), "norm 1");
    CHECK_OK(sg_norm_dims(x, INFINITY, NULL, 0, false, &t)); expect(t, S(0), 0, V(6), "norm inf");
    CHECK_OK(sg_logsumexp(x, rows, 1, false, &t)); expect(t, S(2), 1, V(log(exp(1) + exp(2) + exp(3)), log(exp(4) + exp(5) + exp(6))), "logsumexp");
    double e = exp(1) + exp(2) + exp(3);
    CHECK_OK(sg_softmax(x, -1, &t)); expect(t, S(2, 3), 2, V(exp(1) / e, exp(2) / e, exp(3) / e, exp(1) / e, exp(2) / e, exp(3) / e), "softmax");
    CHECK_OK(sg_log_softmax(x, 1, &t)); expect(t, S(2, 3), 2, V(1 - log(e), 2 - log(e), 3 - log(e), 1 - log(e), 2 - log(e), 3 - log(e)), "log_softmax");
    /* A large logit does not overflow softmax. */
    sg_tensor *big = make(V(1000, 0), S(2), 1);
    CHECK_OK(sg_softmax(big, 0, &t)); expect(t, S(2), 1, V(1, exp(-1000)), "stable softmax");
    CHECK_OK(sg_tensor_free(big));
    CHECK_OK(sg_tensor_free(x));
}

static void test_linear_algebra(void) {
    sg_tensor *a = make(V(1, 2, 3, 4, 5, 6), S(2, 3), 2), *b = make(V(1, 0, 0, 1, 1, 1), S(3, 2), 2);
    sg_tensor *v = make(V(1, -1, 2), S(3), 1), *t, *at, *batch;
    CHECK_OK(sg_mm(a, b, &t)); expect(t, S(2, 2), 2, V(4, 5, 10, 11), "mm");
    CHECK_OK(sg_matmul(a, b, &t)); expect(t, S(2, 2), 2, V(4, 5, 10, 11), "matmul 2x2");
    CHECK_OK(sg_mv(a, v, &t)); expect(t, S(2), 1, V(5, 11), "mv");
    CHECK_OK(sg_matmul(v, b, &t)); expect(t, S(2), 1, V(3, 1), "matmul 1x2");
    CHECK_OK(sg_matmul(v, v, &t)); expect(t, S(0), 0, V(6), "matmul 1x1");
    CHECK_OK(sg_outer(v, v, &t)); expect(t, S(3, 3), 2, V(1, -1, 2, -1, 1, -2, 2, -2, 4), "outer");
    /* A transposed operand is read in place (a BLAS transpose), not copied. */
    CHECK_OK(sg_transpose(a, 0, 1, &at));
    CHECK_OK(sg_mm(at, a, &t)); expect(t, S(3, 3), 2, V(17, 22, 27, 22, 29, 36, 27, 36, 45), "mm transposed");
    CHECK_OK(sg_stack((const sg_tensor *const[]){a, a}, 2, 0, &batch));
    CHECK_STATUS(sg_bmm(batch, NULL, &t), SG_ERR_INVALID_HANDLE);
    sg_tensor *bb;
    CHECK_OK(sg_stack((const sg_tensor *const[]){b, b}, 2, 0, &bb));
    CHECK_OK(sg_bmm(batch, bb, &t)); expect(t, S(2, 2, 2), 3, V(4, 5, 10, 11, 4, 5, 10, 11), "bmm");
    CHECK_OK(sg_matmul(batch, b, &t)); expect(t, S(2, 2, 2), 3, V(4, 5, 10, 11, 4, 5, 10, 11), "matmul batched x 2-d");
    /* int64 matmul uses the plain loop. */
    sg_tensor *i = indices((const int64_t[]){1, 2, 3, 4}, S(2, 2), 2), *ii;
    CHECK_OK(sg_mm(i, i, &ii)); expect_ints(ii, (const int64_t[]){7, 10, 15, 22}, 4, "mm int64");
    CHECK_STATUS(sg_mm(a, a, &t), SG_ERR_SHAPE);
    CHECK(strcmp(sg_last_error(), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)") == 0);
    sg_tensor *list[] = {a, b, v, at, batch, bb, i};
    for (int k = 0; k < 7; k++) CHECK_OK(sg_tensor_free(list[k]));
}

static void test_joining_and_indexing(void) {
    sg_tensor *a = make(V(1, 2, 3, 4), S(2, 2), 2), *b = make(V(5, 6), S(1, 2), 2), *t;
    CHECK_OK(sg_cat((const sg_tensor *const[]){a, b}, 2, 0, &t)); expect(t, S(3, 2), 2, V(1, 2, 3, 4, 5, 6), "cat");
    CHECK_OK(sg_stack((const sg_tensor *const[]){a, a}, 2, -1, &t)); expect(t, S(2, 2, 2), 3, V(1, 1, 2, 2, 3, 3, 4, 4), "stack");
    sg_tensor *rows = indices((const int64_t[]){1, 1, 0}, S(3), 1), *cols = indices((const int64_t[]){0, 1, 1}, S(3), 1);
    CHECK_OK(sg_index(a, (const sg_tensor *const[]){rows}, 1, &t)); expect(t, S(3, 2), 2, V(3, 4, 3, 4, 1, 2), "index rows");
    CHECK_OK(sg_index(a, (const sg_tensor *const[]){rows, cols}, 2, &t)); expect(t, S(3), 1, V(3, 4, 2), "index pairs");
    CHECK_OK(sg_index(a, (const sg_tensor *const[]){NULL, cols}, 2, &t)); expect(t, S(2, 3), 2, V(1, 2, 2, 3, 4, 4), "index columns");
    sg_tensor *mask;
    CHECK_OK(sg_gt_scalar(a, 2, &mask));
    CHECK_OK(sg_index(a, (const sg_tensor *const[]){mask}, 1, &t)); expect(t, S(2), 1, V(3, 4), "index mask");
    CHECK_OK(sg_nonzero(mask, &t)); expect_ints(t, (const int64_t[]){1, 0, 1, 1}, 4, "nonzero");
    sg_tensor *g = indices((const int64_t[]){1, 0, 0, 0}, S(2, 2), 2);
    CHECK_OK(sg_gather(a, 1, g, &t)); expect(t, S(2, 2), 2, V(2, 1, 3, 3), "gather");
    CHECK_OK(sg_scatter_add(a, 1, g, a, &t)); expect(t, S(2, 2), 2, V(3, 3, 10, 4), "scatter_add");
    /* index_put_: writes, and with accumulate adds; the repeated pair (1, 0) adds twice. */
    sg_tensor *c, *ones, *twice = indices((const int64_t[]){0, 0, 1}, S(3), 1);
    CHECK_OK(sg_clone(a, &c));
    CHECK_OK(sg_ones(S(3), 1, SG_FLOAT64, &ones));
    CHECK_OK(sg_index_put_(c, (const sg_tensor *const[]){rows, twice}, 2, ones, true));
    expect(c, S(2, 2), 2, V(1, 3, 5, 4), "index_put_ accumulate");
    CHECK_OK(sg_clone(a, &c));
    /* Three values do not fit the two masked positions. */
    CHECK_STATUS(sg_index_put_(c, (const sg_tensor *const[]){mask}, 1, ones, false), SG_ERR_SHAPE);
    sg_tensor *zero;
    CHECK_OK(sg_zeros(NULL, 0, SG_FLOAT64, &zero));
    CHECK_OK(sg_index_put_(c, (const sg_tensor *const[]){mask}, 1, zero, false));
    expect(c, S(2, 2), 2, V(1, 2, 0, 0), "index_put_ mask");
    sg_tensor *list[] = {a, b, rows, cols, mask, g, ones, zero, twice};
    for (int k = 0; k < 9; k++) CHECK_OK(sg_tensor_free(list[k]));
}

static void test_creation(void) {
    sg_tensor *t;
    CHECK_OK(sg_eye(2, 3, SG_FLOAT64, &t)); expect(t, S(2, 3), 2, V(1, 0, 0, 0, 1, 0), "eye");
    CHECK_OK(sg_eye(2, -1, SG_FLOAT64, &t)); expect(t, S(2, 2), 2, V(1, 0, 0, 1), "eye square");
    CHECK_OK(sg_linspace(0, 1, 5, SG_FLOAT64, &t)); expect(t, S(5), 1, V(0, 0.25, 0.5, 0.75, 1), "linspace");
    int64_t n = 10000;
    sg_tensor *m;
    CHECK_OK(sg_manual_seed(1));
    CHECK_OK(sg_rand(&n, 1, SG_FLOAT64, NULL, &t));
    CHECK_OK(sg_mean(t, &m));
    CHECK(fabs(item_of(m) - 0.5) < 0.02);
    CHECK_OK(sg_tensor_free(m));
    CHECK_OK(sg_amax(t, NULL, 0, false, &m));
    CHECK(item_of(m) < 1);
    CHECK_OK(sg_tensor_free(m));
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_randint(-2, 3, &n, 1, SG_INT64, NULL, &t));
    CHECK_OK(sg_amin(t, NULL, 0, false, &m)); CHECK(item_of(m) == -2); CHECK_OK(sg_tensor_free(m));
    CHECK_OK(sg_amax(t, NULL, 0, false, &m)); CHECK(item_of(m) == 2); CHECK_OK(sg_tensor_free(m));
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_normal(10, 2, &n, 1, SG_FLOAT64, NULL, &t));
    CHECK_OK(sg_mean(t, &m)); CHECK(fabs(item_of(m) - 10) < 0.1); CHECK_OK(sg_tensor_free(m));
    CHECK_OK(sg_std(t, NULL, 0, 1, false, &m)); CHECK(fabs(item_of(m) - 2) < 0.1); CHECK_OK(sg_tensor_free(m));
    CHECK_OK(sg_tensor_free(t));
}

static void test_in_place(void) {
    sg_tensor *t = make(V(1, 2, 3), S(3), 1), *o = make(V(2, 2, 2), S(3), 1), *c;
    CHECK_OK(sg_add_(t, o)); CHECK_OK(sg_clone(t, &c)); expect(c, S(3), 1, V(3, 4, 5), "add_");
    CHECK_OK(sg_sub_(t, o)); CHECK_OK(sg_clone(t, &c)); expect(c, S(3), 1, V(1, 2, 3), "sub_");
    CHECK_OK(sg_mul_(t, o)); CHECK_OK(sg_clone(t, &c)); expect(c, S(3), 1, V(2, 4, 6), "mul_");
    CHECK_OK(sg_div_(t, o)); CHECK_OK(sg_clone(t, &c)); expect(c, S(3), 1, V(1, 2, 3), "div_");
    CHECK_OK(sg_add_scalar_(t, 1)); CHECK_OK(sg_sub_scalar_(t, 0.5)); CHECK_OK(sg_mul_scalar_(t, 4)); CHECK_OK(sg_div_scalar_(t, 2));
    CHECK_OK(sg_clone(t, &c)); expect(c, S(3), 1, V(3, 5, 7), "scalar in-place chain");
    CHECK_OK(sg_copy_(t, o)); CHECK_OK(sg_clone(t, &c)); expect(c, S(3), 1, V(2, 2, 2), "copy_");
    CHECK_OK(fill_with(t, -1)); CHECK_OK(sg_clone(t, &c)); expect(c, S(3), 1, V(-1, -1, -1), "fill_");
    /* A float result cannot be written into an int64 tensor. */
    sg_tensor *i;
    CHECK_OK(sg_arange(0, 3, 1, SG_INT64, &i));
    CHECK_STATUS(sg_mul_scalar_(i, 0.5), SG_ERR_DTYPE);
    CHECK(strcmp(sg_last_error(), "result type Float can't be cast to the desired output type Long") == 0);
    sg_tensor *wide = make(V(1, 2, 3, 4, 5, 6), S(2, 3), 2);
    CHECK_STATUS(sg_add_(t, wide), SG_ERR_SHAPE);
    CHECK(strcmp(sg_last_error(), "output with shape [3] doesn't match the broadcast shape [2, 3]") == 0);
    /* On a leaf that requires grad: refused with grad mode on, allowed with it off. */
    CHECK_OK(sg_tensor_set_requires_grad(t, true));
    CHECK_STATUS(sg_add_(t, o), SG_ERR_AUTOGRAD);
    CHECK_OK(sg_set_grad_enabled(false, NULL));
    CHECK_OK(sg_sub_(t, o));
    CHECK_OK(sg_set_grad_enabled(true, NULL));
    sg_tensor *list[] = {t, o, i, wide};
    for (int k = 0; k < 4; k++) CHECK_OK(sg_tensor_free(list[k]));
}

static void test_losses_and_gradients(void) {
    /* cross_entropy of logits [[0, 0], [ln 3, 0]] for classes [0, 0]: mean of ln 2 and ln(4/3). */
    sg_tensor *logits = make(V(0, 0, log(3), 0), S(2, 2), 2), *target = indices((const int64_t[]){0, 0}, S(2), 1), *t, *g;
    CHECK_OK(sg_tensor_set_requires_grad(logits, true));
    CHECK_OK(sg_cross_entropy(logits, target, SG_REDUCTION_MEAN, &t));
    CHECK(fabs(item_of(t) - (log(2) + log(4.0 / 3)) / 2) < 1e-12);
    CHECK_OK(sg_backward(t, NULL, false));
    CHECK_OK(sg_tensor_grad(logits, &g));
    expect(g, S(2, 2), 2, V(-0.25, 0.25, -0.125, 0.125), "cross_entropy gradient (softmax - onehot) / N");
    CHECK_OK(sg_tensor_free(t));
    sg_tensor *logp;
    CHECK_OK(sg_log_softmax(logits, 1, &logp));
    CHECK_OK(sg_nll_loss(logp, target, SG_REDUCTION_NONE, &t)); expect(t, S(2), 1, V(log(2), log(4.0 / 3)), "nll none");
    CHECK_OK(sg_nll_loss(logp, target, SG_REDUCTION_SUM, &t)); expect(t, S(0), 0, V(log(2) + log(4.0 / 3)), "nll sum");
    CHECK_STATUS(sg_nll_loss(logp, target, (sg_reduction)9, &t), SG_ERR_INVALID_ARGUMENT);
    /* A target of -100 is ignored, as with PyTorch's default ignore_index: its loss is 0 and the
       mean is over the other targets. With every target ignored the mean is NaN and the
       gradient zeros (PyTorch's). */
    sg_tensor *partly = indices((const int64_t[]){0, -100}, S(2), 1), *ignored = indices((const int64_t[]){-100, -100}, S(2), 1);
    CHECK_OK(sg_nll_loss(logp, partly, SG_REDUCTION_NONE, &t)); expect(t, S(2), 1, V(log(2), 0), "nll none, one target ignored");
    CHECK_OK(sg_nll_loss(logp, partly, SG_REDUCTION_MEAN, &t)); expect(t, S(0), 0, V(log(2)), "nll mean of the counted target");
    CHECK_OK(sg_tensor_set_grad(logits, NULL));
    CHECK_OK(sg_cross_entropy(logits, ignored, SG_REDUCTION_MEAN, &t));
    CHECK(isnan(item_of(t)));
    CHECK_OK(sg_backward(t, NULL, false));
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_tensor_grad(logits, &g));
    expect(g, S(2, 2), 2, V(0, 0, 0, 0), "cross_entropy gradient with every target ignored");
    CHECK_OK(sg_tensor_free(partly));
    CHECK_OK(sg_tensor_free(ignored));
    sg_tensor *p = make(V(0.5, 0.25), S(2), 1), *y = make(V(1, 0), S(2), 1);
    CHECK_OK(sg_binary_cross_entropy(p, y, SG_REDUCTION_MEAN, &t)); expect(t, S(0), 0, V((log(2) - log(0.75)) / 2), "bce");
    CHECK_OK(sg_mse_loss(p, y, SG_REDUCTION_SUM, &t)); expect(t, S(0), 0, V(0.25 + 0.0625), "mse");
    sg_tensor *list[] = {logits, target, logp, p, y};
    for (int k = 0; k < 5; k++) CHECK_OK(sg_tensor_free(list[k]));

    /* d/dx sum(x @ W) with W = [[1, 2], [3, 4]] is the row sums of W: [3, 7]. */
    sg_tensor *x = make(V(1, 1), S(1, 2), 2), *w = make(V(1, 2, 3, 4), S(2, 2), 2), *prod, *s;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_matmul(x, w, &prod));
    CHECK_OK(sg_sum(prod, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &g)); expect(g, S(1, 2), 2, V(3, 7), "matmul gradient");
    sg_tensor *list2[] = {x, w, prod, s};
    for (int k = 0; k < 4; k++) CHECK_OK(sg_tensor_free(list2[k]));
}

/* Wrapped numbers promote as Python numbers do (values and dtypes as torch 2.15 prints them);
   clamp takes them or tensors as bounds; logical operations read truth values. */
static void test_numbers_clamp_logical(void) {
    int64_t iv[] = {-3, 0, 5};
    double fv[] = {-1, 0.5, NAN};
    sg_tensor *ints, *floats, *two, *half, *yes, *t, *u;
    CHECK_OK(sg_tensor_from_data(iv, S(3), 1, SG_INT64, &ints));
    CHECK_OK(sg_tensor_from_data(fv, S(3), 1, SG_FLOAT64, &floats));
    CHECK_OK(sg_scalar_int64(2, &two));
    CHECK_OK(sg_scalar_double(0.5, &half));
    CHECK_OK(sg_scalar_bool(true, &yes));
    expect_dtype(two, SG_INT64, "sg_scalar_int64"); expect_dtype(half, SG_FLOAT64, "sg_scalar_double");
    expect_dtype(yes, SG_BOOL, "sg_scalar_bool");
    CHECK_OK(sg_mul(ints, two, &t)); expect_dtype(t, SG_INT64, "int64 * 2"); expect_ints(t, S(-6, 0, 10), 3, "int64 * 2");
    CHECK_OK(sg_mul(ints, half, &t)); expect_dtype(t, SG_FLOAT32, "int64 * 0.5"); CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_add(ints, yes, &t)); expect_dtype(t, SG_INT64, "int64 + True"); expect_ints(t, S(-2, 1, 6), 3, "int64 + True");
    /* torch.tensor([-3, 0, 5]).clamp(0, 2) is int64; .clamp(0.5) is float32. */
    sg_tensor *zero;
    CHECK_OK(sg_scalar_int64(0, &zero));
    CHECK_OK(sg_clamp(ints, zero, two, &t)); expect_dtype(t, SG_INT64, "int clamp"); expect_ints(t, S(0, 0, 2), 3, "int clamp");
    CHECK_OK(sg_clamp(ints, half, NULL, &t)); expect_dtype(t, SG_FLOAT32, "int clamp by a float");
    CHECK_OK(sg_to_dtype(t, SG_FLOAT64, &u)); expect(u, S(3), 1, V(0.5, 0.5, 5), "int clamp by a float"); CHECK_OK(sg_tensor_free(t));
    /* Tensor bounds broadcast; NaN propagates. */
    sg_tensor *bounds;
    CHECK_OK(sg_tensor_from_data((double[]){0, 0, 1}, S(3), 1, SG_FLOAT64, &bounds));
    CHECK_OK(sg_clamp(floats, bounds, half, &t)); expect(t, S(3), 1, V(0, 0.5, NAN), "clamp by tensors");
    /* Logical operations: nonzero and NaN are true. */
    CHECK_OK(sg_logical_and(ints, floats, &t)); expect_dtype(t, SG_BOOL, "logical_and");
    CHECK_OK(sg_to_dtype(t, SG_INT64, &u)); expect_ints(u, S(1, 0, 1), 3, "logical_and"); CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_logical_or(ints, zero, &t)); CHECK_OK(sg_to_dtype(t, SG_INT64, &u)); expect_ints(u, S(1, 0, 1), 3, "logical_or"); CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_logical_xor(floats, yes, &t)); CHECK_OK(sg_to_dtype(t, SG_INT64, &u)); expect_ints(u, S(0, 0, 0), 3, "logical_xor"); CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_logical_not(ints, &t)); CHECK_OK(sg_to_dtype(t, SG_INT64, &u)); expect_ints(u, S(0, 1, 0), 3, "logical_not"); CHECK_OK(sg_tensor_free(t));
    CHECK_STATUS(sg_logical_and(ints, bounds, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *list[] = {ints, floats, two, half, yes, zero, bounds};
    for (int i = 0; i < 7; i++) CHECK_OK(sg_tensor_free(list[i]));
}

int main(void) {
    test_numbers_clamp_logical();
    test_views();
    test_elementwise();
    test_reductions();
    test_linear_algebra();
    test_joining_and_indexing();
    test_creation();
    test_in_place();
    test_losses_and_gradients();
    return check_summary("test_ops");
}
