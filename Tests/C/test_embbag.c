/* Embedding bags from C (sg_embedding_bag): sums, means and maxima of bags of table rows with
   per-sample weights, padding, include_last_offset and 2-d input, the gradients through
   autograd, and the errors a caller can provoke. Expected values worked out by hand. */
#include "check.h"

static sg_tensor *doubles(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *int64s(const int64_t *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_INT64, &t));
    return t;
}

/* t holds the n float64 values `want` (to 1e-12) with shape [rows, n / rows]; frees t. */
static void expect_doubles(sg_tensor *t, const double *want, size_t n, int64_t rows, const char *what) {
    double got[32] = {0};
    size_t ndim = 0;
    int64_t dims[SG_MAX_DIMS], numel = 0;
    CHECK(t != NULL);
    if (t == NULL) return;
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &ndim));
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK(ndim >= 1 && dims[0] == rows);
    CHECK(numel == (int64_t)n && n <= 32);
    if (numel == (int64_t)n && n <= 32) {
        CHECK_OK(sg_tensor_copy_to(t, got, n * sizeof(double)));
        for (size_t i = 0; i < n; i++) {
            if (!(fabs(got[i] - want[i]) <= 1e-12 * fmax(1, fabs(want[i])))) {
                CHECK(!"value differs");
                fprintf(stderr, "  %s[%zu] = %.17g, expected %.17g\n", what, i, got[i], want[i]);
            }
        }
    }
    sg_tensor_free(t);
}

int main(void) {
    /* Table rows r: [r, 10 r], except row 3 = [-3, 30]. */
    const double table[] = {0, 0, 1, 10, 2, 20, -3, 30, 4, 40};
    const int64_t tshape[] = {5, 2}, ishape[] = {5}, oshape[] = {3};
    const int64_t idx_values[] = {1, 3, 4, 2, 2}, off_values[] = {0, 3, 3};
    sg_tensor *w = doubles(table, tshape, 2);
    sg_tensor *idx = int64s(idx_values, ishape, 1), *off = int64s(off_values, oshape, 1);
    sg_tensor *out = NULL;

    /* Bags {1, 3, 4}, {}, {2, 2}: sums [2, 80], [0, 0], [4, 40]; means divide by 3 and 2;
       maxima [4, 40], [0, 0], [2, 20]. */
    CHECK_OK(sg_embedding_bag(w, idx, off, 0, NULL, false, NULL, false, &out));
    expect_doubles(out, (const double[]){2, 80, 0, 0, 4, 40}, 6, 3, "sum");
    CHECK_OK(sg_embedding_bag(w, idx, off, 1, NULL, false, NULL, false, &out));
    expect_doubles(out, (const double[]){2.0 / 3, 80.0 / 3, 0, 0, 2, 20}, 6, 3, "mean");
    CHECK_OK(sg_embedding_bag(w, idx, off, 2, NULL, false, NULL, false, &out));
    expect_doubles(out, (const double[]){4, 40, 0, 0, 2, 20}, 6, 3, "max");

    /* Padding -2 (row 3) leaves the mean of bag 0 over rows 1 and 4: [2.5, 25]. */
    const int64_t minus_two = -2;
    CHECK_OK(sg_embedding_bag(w, idx, off, 1, NULL, false, &minus_two, false, &out));
    expect_doubles(out, (const double[]){2.5, 25, 0, 0, 2, 20}, 6, 3, "mean with padding");

    /* include_last_offset with offsets [0, 3, 4]: bags [0, 3) and [3, 5). */
    const int64_t closed_values[] = {0, 3, 4};
    sg_tensor *closed = int64s(closed_values, oshape, 1);
    CHECK_OK(sg_embedding_bag(w, idx, closed, 0, NULL, true, NULL, false, &out));
    expect_doubles(out, (const double[]){2, 80, 4, 40}, 4, 2, "include_last_offset");

    /* 2-d indices [[1, 2], [3, 4]] without offsets: sums [3, 30] and [1, 70]. */
    const int64_t fixed_values[] = {1, 2, 3, 4}, fshape[] = {2, 2};
    sg_tensor *fixed = int64s(fixed_values, fshape, 2);
    CHECK_OK(sg_embedding_bag(w, fixed, NULL, 0, NULL, false, NULL, false, &out));
    expect_doubles(out, (const double[]){3, 30, 1, 70}, 4, 2, "2-d input");

    /* Per-sample weights [2, 1, -1, 0.5, 0.5] and their gradient <g[bag], w[idx]> for g = 1:
       [11, 27, 44, 22, 22]; the table's gradient: row 1 gets 2, row 2 gets 1, row 3 1, row 4 -1. */
    const double psw_values[] = {2, 1, -1, 0.5, 0.5};
    sg_tensor *psw = doubles(psw_values, ishape, 1);
    CHECK_OK(sg_tensor_set_requires_grad(psw, true));
    CHECK_OK(sg_tensor_set_requires_grad(w, true));
    CHECK_OK(sg_embedding_bag(w, idx, off, 0, psw, false, NULL, false, &out));
    char name[64] = "";
    CHECK_OK(sg_tensor_grad_fn_name(out, name, sizeof name, NULL));
    CHECK(strcmp(name, "EmbeddingBagBackward0") == 0);
    sg_tensor *total = NULL, *g = NULL;
    CHECK_OK(sg_sum(out, &total));
    CHECK_OK(sg_backward(total, NULL, false));
    CHECK_OK(sg_tensor_grad(psw, &g));
    expect_doubles(g, (const double[]){11, 27, 44, 22, 22}, 5, 5, "per_sample_weights gradient");
    CHECK_OK(sg_tensor_grad(w, &g));
    expect_doubles(g, (const double[]){0, 0, 2, 2, 1, 1, 1, 1, -1, -1}, 10, 5, "weight gradient");
    sg_tensor_free(total);
    sg_tensor_free(out);

    /* Errors: offsets not starting at 0, past the end, an index out of range, per-sample
       weights with the mean, a bad padding index or mode, a 1-d table, float indices, 1-d
       indices without offsets, NULL out and handles. */
    out = NULL;
    const int64_t bad_start[] = {1, 3, 3}, past_end[] = {0, 3, 6}, big[] = {1, 3, 9, 2, 2};
    sg_tensor *t1 = int64s(bad_start, oshape, 1), *t2 = int64s(past_end, oshape, 1), *t3 = int64s(big, ishape, 1);
    CHECK_STATUS(sg_embedding_bag(w, idx, t1, 0, NULL, false, NULL, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("offsets[0] has to be 0");
    CHECK(out == NULL);
    CHECK_STATUS(sg_embedding_bag(w, idx, t2, 0, NULL, false, NULL, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("offsets[-1] can not be greater than input's length 5 but got offsets[-1] of 6");
    CHECK_STATUS(sg_embedding_bag(w, t3, off, 2, NULL, false, NULL, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("found idx to be 9");
    CHECK_STATUS(sg_embedding_bag(w, idx, off, 1, psw, false, NULL, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("per_sample_weights is only supported for mode='sum' (got mode='mean')");
    const int64_t five = 5;
    CHECK_STATUS(sg_embedding_bag(w, idx, off, 0, NULL, false, &five, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("padding_idx must be within the number of embeddings, -5 through 4, but got 5");
    CHECK_STATUS(sg_embedding_bag(w, idx, off, 7, NULL, false, NULL, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("mode has to be one of sum, mean or max");
    CHECK_STATUS(sg_embedding_bag(psw, idx, off, 0, NULL, false, NULL, false, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("weight has to be a 2D Tensor, but got Tensor of dimension 1");
    CHECK_STATUS(sg_embedding_bag(w, psw, off, 0, NULL, false, NULL, false, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("'indices' to have one of the following scalar types: Long, Int");
    CHECK_STATUS(sg_embedding_bag(w, idx, NULL, 0, NULL, false, NULL, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("offsets has to be a 1D Tensor but got None");
    CHECK_STATUS(sg_embedding_bag(w, idx, off, 0, NULL, false, NULL, false, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_embedding_bag(NULL, idx, off, 0, NULL, false, NULL, false, &out), SG_ERR_INVALID_HANDLE);
    CHECK(out == NULL);

    sg_tensor_free(t1);
    sg_tensor_free(t2);
    sg_tensor_free(t3);
    sg_tensor_free(psw);
    sg_tensor_free(fixed);
    sg_tensor_free(closed);
    sg_tensor_free(off);
    sg_tensor_free(idx);
    sg_tensor_free(w);
    return check_summary("test_embbag");
}
