/* torch.linalg through the C ABI: every function of the linalg section called at least once with
   a value worked out by hand, and its errors provoked (bad shapes, wrong dtypes, singular inputs,
   bad option codes, NULL outputs). */
#include <math.h>
#include "check.h"

static sg_tensor *make(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *matrix2(double a, double b, double c, double d) {
    const double v[] = {a, b, c, d};
    const int64_t shape[] = {2, 2};
    return make(v, shape, 2);
}

static sg_tensor *vector(const double *values, int64_t n) {
    const int64_t shape[] = {n};
    return make(values, shape, 1);
}

/* Checks a tensor's float64 values (n of them, any shape), then frees it. */
static void expect_values(sg_tensor *t, const double *values, size_t n, double tolerance, const char *what) {
    int64_t numel = -1;
    double got[64];
    check_count++;
    if (t == NULL || sg_tensor_numel(t, &numel) != SG_OK || numel != (int64_t)n || n > 64) {
        check_failures++;
        fprintf(stderr, "%s: %lld values, expected %zu\n", what, (long long)numel, n);
        if (t) sg_tensor_free(t);
        return;
    }
    sg_dtype dtype;
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    if (dtype == SG_INT64) {
        int64_t ints[64];
        CHECK_OK(sg_tensor_copy_to(t, ints, n * sizeof(int64_t)));
        for (size_t i = 0; i < n; i++) got[i] = (double)ints[i];
    } else if (dtype == SG_INT32) {  /* pivots and info codes, as PyTorch's */
        int32_t ints[64];
        CHECK_OK(sg_tensor_copy_to(t, ints, n * sizeof(int32_t)));
        for (size_t i = 0; i < n; i++) got[i] = (double)ints[i];
    } else {
        CHECK_OK(sg_tensor_copy_to(t, got, n * sizeof(double)));
    }
    for (size_t i = 0; i < n; i++) {
        if (!(fabs(got[i] - values[i]) <= tolerance * fmax(1, fabs(values[i])) || (isnan(got[i]) && isnan(values[i])))) {
            check_failures++;
            fprintf(stderr, "%s[%zu] = %.17g, expected %.17g\n", what, i, got[i], values[i]);
            break;
        }
    }
    CHECK_OK(sg_tensor_free(t));
}

#define EXPECT(t, tol, what, ...)                                                          \
    do {                                                                                   \
        const double want_[] = {__VA_ARGS__};                                              \
        expect_values((t), want_, sizeof want_ / sizeof want_[0], (tol), (what));          \
    } while (0)

/* Frees the first `count` tensors of a list result. */
static void free_all(sg_tensor **outs, size_t count) {
    for (size_t i = 0; i < count; i++) CHECK_OK(sg_tensor_free(outs[i]));
}

static void test_determinants_and_inverses(void) {
    sg_tensor *a = matrix2(4, 1, 2, 3), *singular = matrix2(1, 2, 2, 4), *out = NULL;
    sg_tensor *outs[4];
    size_t count = 0;
    CHECK_OK(sg_linalg_det(a, &out));
    EXPECT(out, 1e-12, "det", 10);
    CHECK_OK(sg_logdet(a, &out));
    EXPECT(out, 1e-12, "logdet", log(10.0));
    CHECK_OK(sg_linalg_slogdet(a, outs, 4, &count));
    CHECK(count == 2);
    EXPECT(outs[0], 0, "slogdet sign", 1);
    EXPECT(outs[1], 1e-12, "slogdet logabsdet", log(10.0));
    CHECK_OK(sg_linalg_inv(a, &out));
    EXPECT(out, 1e-12, "inv", 0.3, -0.1, -0.2, 0.4);
    CHECK_STATUS(sg_linalg_inv(singular, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("linalg.inv: The diagonal element 2 is zero");
    CHECK(out == NULL);
    CHECK_OK(sg_linalg_inv_ex(singular, false, outs, 4, &count));
    CHECK(count == 2);
    EXPECT(outs[1], 0, "inv_ex info", 2);
    CHECK_OK(sg_tensor_free(outs[0]));
    CHECK_STATUS(sg_linalg_inv_ex(singular, true, outs, 4, &count), SG_ERR_INVALID_ARGUMENT);
    /* A list result with too small a capacity says how many it needs and writes nothing. */
    CHECK_STATUS(sg_linalg_slogdet(a, outs, 1, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK(count == 2);
    CHECK_STATUS(sg_linalg_slogdet(a, outs, 4, NULL), SG_ERR_INVALID_ARGUMENT);

    const int64_t rect_shape[] = {2, 3};
    const double rect_values[] = {1, 2, 3, 4, 5, 6};
    sg_tensor *rect = make(rect_values, rect_shape, 2);
    CHECK_STATUS(sg_linalg_det(rect, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("must be batches of square matrices");
    const int64_t long_shape[] = {2, 2};
    const int64_t long_values[] = {1, 0, 0, 1};
    sg_tensor *ints = NULL;
    CHECK_OK(sg_tensor_from_data(long_values, long_shape, 2, SG_INT64, &ints));
    CHECK_STATUS(sg_linalg_det(ints, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("Expected a floating point or complex tensor as input. Got Long");
    CHECK_STATUS(sg_linalg_det(NULL, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_linalg_det(a, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_tensor_free(ints));
    CHECK_OK(sg_tensor_free(rect));
    CHECK_OK(sg_tensor_free(a));
    CHECK_OK(sg_tensor_free(singular));
}

static void test_solvers(void) {
    sg_tensor *a = matrix2(2, 1, 1, 3), *out = NULL, *outs[4];
    size_t count = 0;
    const double bv[] = {3, 5};
    sg_tensor *b = vector(bv, 2);
    /* 2x + y = 3, x + 3y = 5 */
    CHECK_OK(sg_linalg_solve(a, b, true, &out));
    EXPECT(out, 1e-12, "solve", 0.8, 1.4);
    CHECK_OK(sg_linalg_solve_ex(a, b, true, false, outs, 4, &count));
    CHECK(count == 2);
    EXPECT(outs[0], 1e-12, "solve_ex", 0.8, 1.4);
    EXPECT(outs[1], 0, "solve_ex info", 0);
    const double wrong_values[] = {1, 2, 3};
    sg_tensor *wrong = vector(wrong_values, 3);
    CHECK_STATUS(sg_linalg_solve(a, wrong, true, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("Incompatible shapes of A and B");

    sg_tensor *upper = matrix2(2, 1, 0, 4);
    const int64_t col_shape[] = {2, 1};
    const double col_values[] = {4, 8};
    sg_tensor *col = make(col_values, col_shape, 2);
    CHECK_OK(sg_linalg_solve_triangular(upper, col, true, true, false, &out));
    EXPECT(out, 1e-12, "solve_triangular", 1, 2);
    CHECK_OK(sg_triangular_solve(col, upper, true, false, false, outs, 4, &count));
    CHECK(count == 2);
    EXPECT(outs[0], 1e-12, "triangular_solve", 1, 2);
    EXPECT(outs[1], 0, "triangular_solve coefficient", 2, 1, 0, 4);

    /* A = L L^T with L = [[2, 0], [1, 1]] */
    sg_tensor *spd = matrix2(4, 2, 2, 2), *l = matrix2(2, 0, 1, 1);
    CHECK_OK(sg_linalg_cholesky(spd, false, &out));
    EXPECT(out, 1e-12, "cholesky", 2, 0, 1, 1);
    CHECK_OK(sg_linalg_cholesky(spd, true, &out));
    EXPECT(out, 1e-12, "cholesky upper", 2, 1, 0, 1);
    CHECK_OK(sg_linalg_cholesky_ex(spd, false, false, outs, 4, &count));
    CHECK(count == 2);
    EXPECT(outs[0], 1e-12, "cholesky_ex", 2, 0, 1, 1);
    EXPECT(outs[1], 0, "cholesky_ex info", 0);
    sg_tensor *indefinite = matrix2(1, 2, 2, 1);
    CHECK_STATUS(sg_linalg_cholesky(indefinite, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("the leading minor of order 2 is not positive-definite");
    const double rhs_values[] = {6, 4};
    sg_tensor *rhs = make(rhs_values, col_shape, 2);
    CHECK_OK(sg_cholesky_solve(rhs, l, false, &out));
    EXPECT(out, 1e-12, "cholesky_solve", 1, 1);
    CHECK_OK(sg_cholesky_inverse(l, false, &out));
    EXPECT(out, 1e-12, "cholesky_inverse", 0.5, -0.5, -0.5, 1);

    /* lstsq: [[1, 0], [0, 1], [1, 1]] x = [1, 1, 0] -> x = [1/3, 1/3], residual 4/3 */
    const int64_t tall_shape[] = {3, 2}, rhs3_shape[] = {3, 1};
    const double tall_values[] = {1, 0, 0, 1, 1, 1}, rhs3_values[] = {1, 1, 0};
    sg_tensor *tall = make(tall_values, tall_shape, 2), *rhs3 = make(rhs3_values, rhs3_shape, 2);
    CHECK_OK(sg_linalg_lstsq(tall, rhs3, NULL, 2, outs, 4, &count));
    CHECK(count == 4);
    EXPECT(outs[0], 1e-12, "lstsq solution", 1.0 / 3, 1.0 / 3);
    EXPECT(outs[1], 1e-12, "lstsq residuals", 4.0 / 3);
    EXPECT(outs[2], 0, "lstsq rank", 2);
    CHECK_OK(sg_tensor_free(outs[3]));
    CHECK_STATUS(sg_linalg_lstsq(tall, rhs3, NULL, 9, outs, 4, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("option code 9");

    /* lu_solve from lu_factor_ex: [[1, 2], [3, 4]] x = [5, 11] -> x = [1, 2] */
    sg_tensor *m = matrix2(1, 2, 3, 4);
    CHECK_OK(sg_linalg_lu_factor_ex(m, true, false, outs, 4, &count));
    CHECK(count == 3);
    const double rhs2_values[] = {5, 11};
    sg_tensor *rhs2 = make(rhs2_values, col_shape, 2);
    CHECK_OK(sg_linalg_lu_solve(outs[0], outs[1], rhs2, true, false, &out));
    EXPECT(out, 1e-12, "lu_solve", 1, 2);
    sg_tensor *parts[3];
    size_t nparts = 0;
    CHECK_OK(sg_lu_unpack(outs[0], outs[1], true, true, parts, 3, &nparts));
    CHECK(nparts == 3);
    EXPECT(parts[0], 0, "lu_unpack P", 0, 1, 1, 0);
    EXPECT(parts[1], 1e-12, "lu_unpack L", 1, 0, 1.0 / 3, 1);
    EXPECT(parts[2], 1e-12, "lu_unpack U", 3, 4, 0, 2.0 / 3);
    CHECK_STATUS(sg_lu_unpack(outs[0], outs[0], true, true, parts, 3, &nparts), SG_ERR_DTYPE);
    free_all(outs, count);
    CHECK_STATUS(sg_linalg_lu_factor_ex(m, false, false, outs, 4, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("LU without pivoting is not implemented on the CPU");

    /* Bunch-Kaufman of [[4, 2], [2, 3]]: 1x1 pivots, L21 = 0.5, D = (4, 2); 4x + 2y = 8, 2x + 3y = 7 */
    sg_tensor *sym = matrix2(4, 2, 2, 3);
    CHECK_OK(sg_linalg_ldl_factor_ex(sym, false, false, outs, 4, &count));
    CHECK(count == 3);
    const double rhs_ldl_values[] = {8, 7};
    sg_tensor *rhs_ldl = make(rhs_ldl_values, col_shape, 2);
    CHECK_OK(sg_linalg_ldl_solve(outs[0], outs[1], rhs_ldl, false, &out));
    EXPECT(out, 1e-12, "ldl_solve", 1.25, 1.5);
    const int32_t bad_pivots_values[] = {-1, 2};  /* a 2x2 block must be a negative pair */
    const int64_t pivot_shape[] = {2};
    sg_tensor *bad_pivots = NULL;
    CHECK_OK(sg_tensor_from_data(bad_pivots_values, pivot_shape, 1, SG_INT32, &bad_pivots));
    CHECK_STATUS(sg_linalg_ldl_solve(outs[0], bad_pivots, rhs_ldl, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("not a valid LAPACK pivot sequence");
    CHECK_STATUS(sg_linalg_ldl_solve(outs[0], outs[0], rhs_ldl, false, &out), SG_ERR_DTYPE);
    EXPECT(outs[0], 1e-12, "ldl_factor LD", 4, 0, 0.5, 2);  /* (frees it) */
    EXPECT(outs[1], 0, "ldl_factor pivots", 1, 2);
    EXPECT(outs[2], 0, "ldl_factor info", 0);
    CHECK_OK(sg_tensor_free(bad_pivots));
    CHECK_OK(sg_tensor_free(rhs_ldl));
    CHECK_OK(sg_tensor_free(sym));

    sg_tensor *list[] = {m, m};
    CHECK_OK(sg_linalg_multi_dot((const sg_tensor *const *)list, 2, &out));
    EXPECT(out, 1e-12, "multi_dot", 7, 10, 15, 22);
    CHECK_STATUS(sg_linalg_multi_dot((const sg_tensor *const *)list, 1, &out), SG_ERR_INVALID_ARGUMENT);

    sg_tensor *all[] = {a, b, wrong, upper, col, spd, l, indefinite, rhs, tall, rhs3, m, rhs2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) CHECK_OK(sg_tensor_free(all[i]));
}

static void test_decompositions(void) {
    sg_tensor *a = matrix2(3, 0, 4, 5), *out = NULL, *outs[4];
    size_t count = 0;
    /* geqrf/orgqr: the first Householder reflector sends column [3, 4] to [-5, 0]. */
    CHECK_OK(sg_linalg_qr(a, 0, outs, 4, &count));
    CHECK(count == 2);
    EXPECT(outs[0], 1e-12, "qr Q", -0.6, -0.8, -0.8, 0.6);
    EXPECT(outs[1], 1e-12, "qr R", -5, -4, 0, 3);
    CHECK_STATUS(sg_linalg_qr(a, 3, outs, 4, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_geqrf(a, outs, 4, &count));
    CHECK(count == 2);
    CHECK_OK(sg_linalg_householder_product(outs[0], outs[1], &out));
    EXPECT(out, 1e-12, "householder_product", -0.6, -0.8, -0.8, 0.6);
    sg_tensor *eye = matrix2(1, 0, 0, 1);
    CHECK_OK(sg_ormqr(outs[0], outs[1], eye, true, false, &out));
    EXPECT(out, 1e-12, "ormqr", -0.6, -0.8, -0.8, 0.6);
    free_all(outs, count);

    /* diag(3, -2): singular values 3, 2; eigenvalues of [[2, 1], [1, 2]] are 1, 3 */
    sg_tensor *d = matrix2(3, 0, 0, -2), *sym = matrix2(2, 1, 1, 2);
    CHECK_OK(sg_linalg_svdvals(d, &out));
    EXPECT(out, 1e-12, "svdvals", 3, 2);
    CHECK_OK(sg_linalg_svd(d, true, outs, 4, &count));
    CHECK(count == 3);
    EXPECT(outs[1], 1e-12, "svd S", 3, 2);
    CHECK_OK(sg_tensor_free(outs[0]));
    CHECK_OK(sg_tensor_free(outs[2]));
    CHECK_OK(sg_linalg_eigvalsh(sym, false, &out));
    EXPECT(out, 1e-12, "eigvalsh", 1, 3);
    CHECK_OK(sg_linalg_eigh(sym, true, outs, 4, &count));
    CHECK(count == 2);
    EXPECT(outs[0], 1e-12, "eigh values", 1, 3);
    CHECK_OK(sg_tensor_free(outs[1]));
    CHECK_OK(sg_linalg_lu(a, true, outs, 4, &count));
    CHECK(count == 3);
    EXPECT(outs[0], 0, "lu P", 0, 1, 1, 0);
    EXPECT(outs[1], 1e-12, "lu L", 1, 0, 0.75, 1);
    EXPECT(outs[2], 1e-12, "lu U", 4, 5, 0, -3.75);
    sg_tensor *square = matrix2(4, 0, 0, 9);
    CHECK_OK(sg_linalg_matrix_sqrth(square, &out));
    EXPECT(out, 1e-12, "matrix_sqrth", 2, 0, 0, 3);
    CHECK_OK(sg_tensor_free(square));
    CHECK_OK(sg_linalg_polar(d, outs, 4, &count));
    CHECK(count == 2);
    EXPECT(outs[0], 1e-12, "polar U", 1, 0, 0, -1);
    EXPECT(outs[1], 1e-12, "polar H", 3, 0, 0, 2);
    CHECK_OK(sg_linalg_diagonal(a, 0, -2, -1, &out));
    EXPECT(out, 0, "diagonal", 3, 5);
    CHECK_OK(sg_linalg_diagonal(a, -1, -2, -1, &out));
    EXPECT(out, 0, "diagonal below", 4);
    CHECK_STATUS(sg_linalg_diagonal(a, 0, 0, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_linalg_diagonal(a, 0, 0, 5, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_tensor_free(a));
    CHECK_OK(sg_tensor_free(eye));
    CHECK_OK(sg_tensor_free(d));
    CHECK_OK(sg_tensor_free(sym));
}

static void test_norms_and_functions(void) {
    const double xv[] = {3, -4, 0};
    sg_tensor *x = vector(xv, 3), *m = matrix2(1, -2, 3, 4), *out = NULL;
    CHECK_OK(sg_linalg_vector_norm(x, 2, NULL, 0, false, &out));
    EXPECT(out, 1e-12, "vector_norm", 5);
    CHECK_OK(sg_linalg_vector_norm(x, 0, NULL, 0, false, &out));
    EXPECT(out, 0, "vector_norm 0", 2);
    CHECK_OK(sg_linalg_vector_norm(x, INFINITY, NULL, 0, false, &out));
    EXPECT(out, 0, "vector_norm inf", 4);
    const int64_t bad_dim[] = {3};
    CHECK_STATUS(sg_linalg_vector_norm(x, 2, bad_dim, 1, false, &out), SG_ERR_INVALID_ARGUMENT);
    const int64_t dims[] = {-2, -1};
    CHECK_OK(sg_linalg_matrix_norm(m, 1, dims, 2, false, &out));
    EXPECT(out, 1e-12, "matrix_norm 1", 6);
    CHECK_OK(sg_linalg_matrix_norm(m, INFINITY, dims, 2, false, &out));
    EXPECT(out, 1e-12, "matrix_norm inf", 7);
    CHECK_STATUS(sg_linalg_matrix_norm(m, 3, dims, 2, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_linalg_matrix_norm_str(m, 0, dims, 2, false, &out));
    EXPECT(out, 1e-12, "matrix_norm fro", sqrt(30.0));
    sg_tensor *d = matrix2(3, 0, 0, -2);
    CHECK_OK(sg_linalg_matrix_norm_str(d, 1, dims, 2, false, &out));
    EXPECT(out, 1e-12, "matrix_norm nuc", 5);
    CHECK_OK(sg_linalg_cond(d, NULL, &out));
    EXPECT(out, 1e-12, "cond", 1.5);
    const double one = 1;
    CHECK_OK(sg_linalg_cond(d, &one, &out));
    EXPECT(out, 1e-12, "cond 1", 1.5);  /* 3 * 0.5 */
    CHECK_OK(sg_linalg_cond_str(d, 0, &out));
    EXPECT(out, 1e-12, "cond fro", sqrt(13.0) * sqrt(1.0 / 9 + 1.0 / 4));
    CHECK_STATUS(sg_linalg_cond_str(d, 5, &out), SG_ERR_INVALID_ARGUMENT);

    sg_tensor *rank1 = matrix2(1, 2, 2, 4), *p = matrix2(1, 0, 0, 0);
    CHECK_OK(sg_linalg_matrix_rank(rank1, NULL, NULL, false, &out));
    EXPECT(out, 0, "matrix_rank", 1);
    CHECK_OK(sg_linalg_matrix_rank(d, NULL, NULL, true, &out));
    EXPECT(out, 0, "matrix_rank hermitian", 2);
    CHECK_OK(sg_linalg_pinv(p, NULL, NULL, false, &out));
    EXPECT(out, 1e-12, "pinv", 1, 0, 0, 0);
    sg_tensor *big_atol = NULL;
    const double atol_value = 10;
    const int64_t scalar_shape[] = {0};
    CHECK_OK(sg_tensor_from_data(&atol_value, scalar_shape, 0, SG_FLOAT64, &big_atol));
    CHECK_OK(sg_linalg_pinv(d, big_atol, NULL, false, &out));  /* every singular value dropped */
    EXPECT(out, 0, "pinv atol", 0, 0, 0, 0);
    CHECK_OK(sg_tensor_free(big_atol));

    CHECK_OK(sg_linalg_matrix_power(m, 2, &out));
    EXPECT(out, 1e-12, "matrix_power", -5, -10, 15, 10);
    CHECK_OK(sg_linalg_matrix_power(m, -1, &out));
    EXPECT(out, 1e-12, "matrix_power -1", 0.4, 0.2, -0.3, 0.1);
    const double nil_values[] = {0, 1, 0, 0};
    const int64_t sq[] = {2, 2};
    sg_tensor *nil = make(nil_values, sq, 2);
    CHECK_OK(sg_linalg_matrix_exp(nil, &out));
    EXPECT(out, 1e-12, "matrix_exp", 1, 1, 0, 1);
    const double vv[] = {2, 3};
    sg_tensor *v = vector(vv, 2);
    const int64_t three = 3;
    CHECK_OK(sg_linalg_vander(v, &three, &out));
    EXPECT(out, 0, "vander", 1, 2, 4, 1, 3, 9);
    const int64_t one_column = 1;
    CHECK_STATUS(sg_linalg_vander(v, &one_column, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_linalg_vecdot(v, v, -1, &out));
    EXPECT(out, 1e-12, "vecdot", 13);
    CHECK_OK(sg_vdot(v, v, &out));
    EXPECT(out, 1e-12, "vdot", 13);
    CHECK_STATUS(sg_vdot(v, m, &out), SG_ERR_SHAPE);
    CHECK_OK(sg_linalg_tensorinv(m, 1, &out));
    EXPECT(out, 1e-12, "tensorinv", 0.4, 0.2, -0.3, 0.1);
    CHECK_OK(sg_linalg_tensorsolve(m, v, NULL, 0, &out));
    EXPECT(out, 1e-12, "tensorsolve", 1.4, -0.3);  /* [[1, -2], [3, 4]] x = [2, 3] */
    CHECK_STATUS(sg_linalg_tensorinv(m, 0, &out), SG_ERR_INVALID_ARGUMENT);

    const int64_t row_shape[] = {1, 2}, pts_shape[] = {2, 2};
    const double origin[] = {0, 0}, pts[] = {3, 4, 0, 1};
    sg_tensor *o = make(origin, row_shape, 2), *q = make(pts, pts_shape, 2);
    CHECK_OK(sg_cdist(o, q, 2, &out));
    EXPECT(out, 1e-12, "cdist", 5, 1);
    CHECK_OK(sg_cdist(o, q, 1, &out));
    EXPECT(out, 1e-12, "cdist p=1", 7, 1);
    CHECK_STATUS(sg_cdist(o, q, -1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_cdist(o, x, 2, &out), SG_ERR_INVALID_ARGUMENT);

    /* addmm: 2 I + 0.5 m @ m = 2 I + 0.5 [[-5, -10], [15, 10]] */
    sg_tensor *eye = matrix2(1, 0, 0, 1);
    CHECK_OK(sg_addmm(eye, m, m, 2, 0.5, &out));
    EXPECT(out, 1e-12, "addmm", -0.5, -5, 7.5, 7);
    CHECK_OK(sg_addmm(eye, m, m, 0, 1, &out));
    EXPECT(out, 1e-12, "addmm beta 0", -5, -10, 15, 10);
    CHECK_STATUS(sg_addmm(eye, m, x, 1, 1, &out), SG_ERR_SHAPE);
    CHECK_OK(sg_addmv(v, m, v, 1, 1, &out));
    EXPECT(out, 1e-12, "addmv", 2 + (2 - 6), 3 + (6 + 12));
    CHECK_OK(sg_addr(eye, v, v, 1, 2, &out));
    EXPECT(out, 1e-12, "addr", 9, 12, 12, 19);
    const int64_t batch_shape[] = {2, 2, 2};
    const double batch_values[] = {1, 0, 0, 1, 2, 0, 0, 2};
    sg_tensor *batch = make(batch_values, batch_shape, 3);
    CHECK_OK(sg_addbmm(eye, batch, batch, 1, 1, &out));
    EXPECT(out, 1e-12, "addbmm", 6, 0, 0, 6);
    CHECK_OK(sg_baddbmm(eye, batch, batch, 1, 1, &out));
    EXPECT(out, 1e-12, "baddbmm", 2, 0, 0, 2, 5, 0, 0, 5);

    sg_tensor *all[] = {x, m, d, rank1, p, nil, v, o, q, eye, batch};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) CHECK_OK(sg_tensor_free(all[i]));
}

int main(void) {
    test_determinants_and_inverses();
    test_solvers();
    test_decompositions();
    test_norms_and_functions();
    return check_summary("test_linalg");
}
