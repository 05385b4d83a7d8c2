/* The shape family through the C ABI, each function with values worked out by hand: splitting
   (lists of results), flipping, triangles, diagonals and scatters, as_strided and its bounds,
   repeating, more views, grids and the copies of views; and their errors (bad dims, sizes,
   dtypes, NULL or short outputs). */
#include "check.h"

#define S(...) ((const int64_t[]){__VA_ARGS__})
#define V(...) ((const double[]){__VA_ARGS__})
#define N(array) (sizeof(array) / sizeof((array)[0]))

static sg_tensor *make(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *ints(const int64_t *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_INT64, &t));
    return t;
}

/* Checks a tensor's shape and (float64 or int64) values, then frees it. */
static void expect(sg_tensor *t, const int64_t *shape, size_t ndim, const double *values, const char *what) {
    size_t got_ndim = 0;
    int64_t dims[SG_MAX_DIMS], numel = 0;
    sg_dtype dtype;
    check_count++;
    if (t == NULL) {
        check_failures++;
        fprintf(stderr, "%s: no tensor (last error: %s)\n", what, sg_last_error());
        return;
    }
    CHECK_OK(sg_tensor_shape(t, dims, SG_MAX_DIMS, &got_ndim));
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    int ok = got_ndim == ndim && (dtype == SG_FLOAT64 || dtype == SG_INT64);
    for (size_t i = 0; ok && i < ndim; i++) ok = dims[i] == shape[i];
    for (int64_t i = 0; ok && i < numel; i++) {
        sg_tensor *flat = NULL, *element = NULL;
        CHECK_OK(sg_reshape(t, S(-1), 1, &flat));
        CHECK_OK(sg_select(flat, 0, i, &element));
        double v = item_of(element);
        if (v != values[i]) {
            fprintf(stderr, "%s[%lld] = %.17g, expected %.17g\n", what, (long long)i, v, values[i]);
            ok = 0;
        }
        sg_tensor_free(element);
        sg_tensor_free(flat);
    }
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: wrong shape, dtype or values\n", what);
    }
    CHECK_OK(sg_tensor_free(t));
}

static void free_all(sg_tensor **outs, size_t count) {
    for (size_t i = 0; i < count; i++) sg_tensor_free(outs[i]);
}

/* The number of pieces a list function made, each piece's size along dim 0 of its shape. */
static void expect_lengths(sg_tensor **outs, size_t count, const int64_t *lengths, size_t n, int dim, const char *what) {
    int ok = count == n;
    for (size_t i = 0; ok && i < n; i++) {
        int64_t dims[SG_MAX_DIMS];
        size_t ndim = 0;
        CHECK_OK(sg_tensor_shape(outs[i], dims, SG_MAX_DIMS, &ndim));
        ok = (size_t)dim < ndim && dims[dim] == lengths[i];
    }
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: %zu pieces or wrong lengths\n", what, count);
    }
    free_all(outs, count);
}

static void test_splitting(void) {
    /* x = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]] */
    sg_tensor *x = make(V(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), S(5, 2), 2);
    sg_tensor *outs[8] = {0};
    size_t count = 0;
    CHECK_OK(sg_split(x, 2, 0, outs, 8, &count));
    CHECK(count == 3);
    expect(outs[0], S(2, 2), 2, V(0, 1, 2, 3), "split[0]");
    expect(outs[1], S(2, 2), 2, V(4, 5, 6, 7), "split[1]");
    expect(outs[2], S(1, 2), 2, V(8, 9), "split[2]");
    CHECK_OK(sg_split_with_sizes(x, S(1, 4), 2, 0, outs, 8, &count));
    expect_lengths(outs, count, S(1, 4), 2, 0, "split_with_sizes");
    CHECK_OK(sg_unsafe_split(x, 3, 0, outs, 8, &count));
    expect_lengths(outs, count, S(3, 2), 2, 0, "unsafe_split");
    CHECK_OK(sg_unsafe_split_with_sizes(x, S(0, 5), 2, 0, outs, 8, &count));
    expect_lengths(outs, count, S(0, 5), 2, 0, "unsafe_split_with_sizes");
    CHECK_OK(sg_split_with_sizes_copy(x, S(1, 1), 2, 1, outs, 8, &count));
    CHECK(count == 2);
    expect(outs[0], S(5, 1), 2, V(0, 2, 4, 6, 8), "split_with_sizes_copy[0]");
    sg_tensor_free(outs[1]);
    CHECK_OK(sg_chunk(x, 2, 0, outs, 8, &count));
    expect_lengths(outs, count, S(3, 2), 2, 0, "chunk");
    CHECK_OK(sg_unsafe_chunk(x, 4, 0, outs, 8, &count)); /* ceil(5 / 4) = 2 per piece: 3 pieces */
    expect_lengths(outs, count, S(2, 2, 1), 3, 0, "unsafe_chunk");
    CHECK_OK(sg_tensor_split(x, 3, 0, outs, 8, &count));
    expect_lengths(outs, count, S(2, 2, 1), 3, 0, "tensor_split");
    CHECK_OK(sg_tensor_split_indices(x, S(1, -1, 9), 3, 0, outs, 8, &count)); /* [:1] [1:-1] [-1:9] [9:] */
    expect_lengths(outs, count, S(1, 3, 1, 0), 4, 0, "tensor_split_indices");
    sg_tensor *sections = ints(S(2), NULL, 0), *indices = ints(S(3), S(1), 1);
    CHECK_OK(sg_tensor_split_tensor(x, sections, 0, outs, 8, &count));
    expect_lengths(outs, count, S(3, 2), 2, 0, "tensor_split_tensor sections");
    CHECK_OK(sg_tensor_split_tensor(x, indices, 0, outs, 8, &count));
    expect_lengths(outs, count, S(3, 2), 2, 0, "tensor_split_tensor indices");
    CHECK_STATUS(sg_tensor_split_tensor(x, x, 0, outs, 8, &count), SG_ERR_DTYPE);
    CHECK_OK(sg_hsplit(x, 2, outs, 8, &count));
    expect_lengths(outs, count, S(1, 1), 2, 1, "hsplit");
    CHECK_OK(sg_hsplit_indices(x, S(1), 1, outs, 8, &count));
    expect_lengths(outs, count, S(1, 1), 2, 1, "hsplit_indices");
    CHECK_STATUS(sg_vsplit(x, 2, outs, 8, &count), SG_ERR_INVALID_ARGUMENT); /* 5 rows */
    CHECK_ERROR_HAS("not divisible by the split_size 2");
    CHECK_OK(sg_vsplit(x, 5, outs, 8, &count));
    expect_lengths(outs, count, S(1, 1, 1, 1, 1), 5, 0, "vsplit");
    CHECK_OK(sg_vsplit_indices(x, S(4), 1, outs, 8, &count));
    expect_lengths(outs, count, S(4, 1), 2, 0, "vsplit_indices");
    CHECK_STATUS(sg_dsplit(x, 1, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("torch.dsplit requires a tensor with at least 3 dimension");
    sg_tensor *cube = NULL;
    CHECK_OK(sg_reshape(x, S(5, 1, 2), 3, &cube));
    CHECK_OK(sg_dsplit(cube, 2, outs, 8, &count));
    expect_lengths(outs, count, S(1, 1), 2, 2, "dsplit");
    CHECK_OK(sg_dsplit_indices(cube, S(0), 1, outs, 8, &count));
    expect_lengths(outs, count, S(0, 2), 2, 2, "dsplit_indices");
    CHECK_OK(sg_unbind(x, 1, outs, 8, &count));
    CHECK(count == 2);
    expect(outs[1], S(5), 1, V(1, 3, 5, 7, 9), "unbind[1]");
    sg_tensor_free(outs[0]);
    CHECK_OK(sg_unbind_copy(x, -1, outs, 8, &count));
    CHECK(count == 2);
    expect(outs[0], S(5), 1, V(0, 2, 4, 6, 8), "unbind_copy[0]");
    sg_tensor_free(outs[1]);

    /* A split's pieces are views: a write through one shows in x. */
    CHECK_OK(sg_split(x, 4, 0, outs, 8, &count));
    CHECK_OK(fill_with(outs[1], -1));
    free_all(outs, count);
    sg_tensor *whole = NULL;
    CHECK_OK(sg_clone(x, &whole));
    expect(whole, S(5, 2), 2, V(0, 1, 2, 3, 4, 5, 6, 7, -1, -1), "write through a split piece");

    /* Lists of results: too small a capacity says how many (nothing written); NULL count or outs. */
    sg_tensor *few[1] = {NULL};
    count = 0;
    CHECK_STATUS(sg_split(x, 1, 0, few, 1, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK(count == 5 && few[0] == NULL);
    CHECK_STATUS(sg_split(x, 1, 0, NULL, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_split(x, 1, 0, outs, 8, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_split(NULL, 1, 0, outs, 8, &count), SG_ERR_INVALID_HANDLE);
    /* Errors in PyTorch's words. */
    CHECK_STATUS(sg_split(x, 0, 0, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("split_size can only be 0 if dimension size is 0, but got dimension size of 5");
    CHECK_STATUS(sg_chunk(x, 2, 5, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Dimension out of range (expected to be in range of [-2, 1], but got 5)");
    CHECK_STATUS(sg_chunk(x, -3, 0, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_split_with_sizes(x, S(2, 2), 2, 0, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("split_with_sizes expects split_sizes to sum exactly to 5");
    CHECK_STATUS(sg_split_with_sizes(x, S(INT64_MAX, INT64_MAX), 2, 0, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_split(x, 0, 0, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("number of sections must be larger than 0, got 0");
    CHECK_STATUS(sg_tensor_split(x, (int64_t)1 << 40, 0, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *scalar = make(V(1), NULL, 0);
    CHECK_STATUS(sg_unbind(scalar, 0, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Dimension specified as 0 but tensor has no dimensions");
    CHECK_STATUS(sg_split(scalar, 1, 0, outs, 8, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("split expects at least a 1-dimensional tensor");
    sg_tensor_free(scalar);
    sg_tensor_free(sections);
    sg_tensor_free(indices);
    sg_tensor_free(cube);
    sg_tensor_free(x);
}

static void test_flipping(void) {
    /* x = [[0, 1, 2], [3, 4, 5]] */
    sg_tensor *x = make(V(0, 1, 2, 3, 4, 5), S(2, 3), 2), *t = NULL;
    CHECK_OK(sg_flip(x, S(0, 1), 2, &t)); expect(t, S(2, 3), 2, V(5, 4, 3, 2, 1, 0), "flip");
    CHECK_OK(sg_fliplr(x, &t)); expect(t, S(2, 3), 2, V(2, 1, 0, 5, 4, 3), "fliplr");
    CHECK_OK(sg_flipud(x, &t)); expect(t, S(2, 3), 2, V(3, 4, 5, 0, 1, 2), "flipud");
    CHECK_OK(sg_roll(x, S(1), 1, NULL, 0, &t)); expect(t, S(2, 3), 2, V(5, 0, 1, 2, 3, 4), "roll flat");
    CHECK_OK(sg_roll(x, S(-1), 1, S(1), 1, &t)); expect(t, S(2, 3), 2, V(1, 2, 0, 4, 5, 3), "roll dim");
    CHECK_OK(sg_rot90(x, 1, S(0, 1), 2, &t)); expect(t, S(3, 2), 2, V(2, 5, 1, 4, 0, 3), "rot90");
    CHECK_OK(sg_rot90(x, -2, S(1, 0), 2, &t)); expect(t, S(2, 3), 2, V(5, 4, 3, 2, 1, 0), "rot90 twice");
    CHECK_OK(sg_tril(x, 0, &t)); expect(t, S(2, 3), 2, V(0, 0, 0, 3, 4, 0), "tril");
    CHECK_OK(sg_triu(x, -1, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "triu");
    CHECK_OK(sg_triu(x, INT64_MIN, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "triu of a far diagonal");
    CHECK_STATUS(sg_flip(x, S(0, -2), 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("dim 0 appears multiple times in the list of dims");
    CHECK(t == NULL);
    CHECK_STATUS(sg_roll(x, NULL, 0, NULL, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("`shifts` required");
    CHECK_STATUS(sg_rot90(x, 1, S(0), 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("expected total rotation dims == 2, but got dims = 1");
    CHECK_STATUS(sg_rot90(x, 1, S(INT64_MIN, 1), 2, &t), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *v = make(V(1, 2), S(2), 1);
    CHECK_STATUS(sg_fliplr(v, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Input must be >= 2-d.");
    CHECK_STATUS(sg_tril(v, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("tril: input tensor must have at least 2 dimensions");
    CHECK_STATUS(sg_flip(x, S(0), 1, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(v);
    sg_tensor_free(x);
}

static void test_diagonals(void) {
    /* x = [[0, 1, 2], [3, 4, 5]] */
    sg_tensor *x = make(V(0, 1, 2, 3, 4, 5), S(2, 3), 2), *v = make(V(1, 2), S(2), 1), *t = NULL;
    CHECK_OK(sg_diagonal(x, 1, 0, 1, &t)); expect(t, S(2), 1, V(1, 5), "diagonal");
    CHECK_OK(sg_diagonal_copy(x, -1, 1, 0, &t)); expect(t, S(2), 1, V(1, 5), "diagonal_copy");
    CHECK_OK(sg_diagonal(x, INT64_MIN, 0, 1, &t)); expect(t, S(0), 1, V(0), "diagonal missing the matrix");
    CHECK_OK(sg_diag_embed(v, 0, -2, -1, &t)); expect(t, S(2, 2), 2, V(1, 0, 0, 2), "diag_embed");
    CHECK_OK(sg_diag(v, -1, &t)); expect(t, S(3, 3), 2, V(0, 0, 0, 1, 0, 0, 0, 2, 0), "diag of a vector");
    CHECK_OK(sg_diag(x, 0, &t)); expect(t, S(2), 1, V(0, 4), "diag of a matrix");
    CHECK_OK(sg_diagflat(v, 1, &t)); expect(t, S(3, 3), 2, V(0, 1, 0, 0, 0, 2, 0, 0, 0), "diagflat");
    CHECK_OK(sg_diagonal_scatter(x, v, 0, 0, 1, &t)); expect(t, S(2, 3), 2, V(1, 1, 2, 3, 2, 5), "diagonal_scatter");
    CHECK_OK(sg_select_scatter(x, v, 1, 2, &t)); expect(t, S(2, 3), 2, V(0, 1, 1, 3, 4, 2), "select_scatter");
    int64_t start = 1;
    sg_tensor *column = make(V(8, 9), S(2, 1), 2);
    CHECK_OK(sg_slice_scatter(x, column, 1, &start, NULL, 5, &t)); expect(t, S(2, 3), 2, V(0, 8, 2, 3, 9, 5), "slice_scatter");
    CHECK_OK(sg_slice_scatter(x, x, 0, NULL, NULL, 1, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "slice_scatter whole");
    /* Views share storage: a write through the diagonal shows in x. */
    CHECK_OK(sg_diagonal(x, 0, 0, 1, &t));
    CHECK_OK(fill_with(t, 7));
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_clone(x, &t)); expect(t, S(2, 3), 2, V(7, 1, 2, 3, 7, 5), "write through the diagonal");
    CHECK_STATUS(sg_diagonal(x, 0, 1, -1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("diagonal dimensions cannot be identical 1, -1");
    CHECK_STATUS(sg_diag_embed(v, INT64_MIN, -2, -1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_diag_embed(v, INT64_MAX, -2, -1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_diagonal_scatter(x, x, 0, 0, 1, &t), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("expected src to have a size equal to the slice of self. src size = [2, 3], slice size = [2]");
    CHECK_STATUS(sg_select_scatter(x, v, 0, 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("select(): index 2 out of range for tensor of size [2, 3] at dimension 0");
    CHECK_STATUS(sg_slice_scatter(x, x, 0, NULL, NULL, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("slice step must be positive");
    sg_tensor *cube = make(V(0, 1, 2, 3, 4, 5, 6, 7), S(2, 2, 2), 3);
    CHECK_STATUS(sg_diag(cube, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("diag(): Supports 1D or 2D tensors. Got 3D");
    sg_tensor_free(cube);
    sg_tensor_free(column);
    sg_tensor_free(v);
    sg_tensor_free(x);
}

static void test_as_strided(void) {
    /* x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]] */
    sg_tensor *x = make(V(0, 1, 2, 3, 4, 5, 6, 7, 8), S(3, 3), 2), *t = NULL, *row = NULL;
    int64_t offset = 1;
    CHECK_OK(sg_as_strided(x, S(2, 2), 2, S(1, 2), 2, &offset, &t)); expect(t, S(2, 2), 2, V(1, 3, 2, 4), "as_strided");
    CHECK_OK(sg_as_strided(x, S(3, 2), 2, S(1, 1), 2, NULL, &t)); expect(t, S(3, 2), 2, V(0, 1, 1, 2, 2, 3), "as_strided overlapping");
    /* The offset is in the storage: a row's view may reach past the row, never past the storage. */
    CHECK_OK(sg_select(x, 0, 2, &row));
    CHECK_OK(sg_as_strided(row, S(2), 1, S(1), 1, NULL, &t)); expect(t, S(2), 1, V(6, 7), "as_strided of a row");
    offset = 0;
    CHECK_OK(sg_as_strided(row, S(2), 1, S(4), 1, &offset, &t)); expect(t, S(2), 1, V(0, 4), "as_strided outside the row");
    CHECK_STATUS(sg_as_strided(row, S(4), 1, S(1), 1, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("setStorage: sizes [4], strides [1], storage offset 6, and itemsize 8 requiring a storage size of 80 are out of bounds for storage of size 72");
    CHECK(t == NULL);
    CHECK_STATUS(sg_as_strided(x, S(2), 1, S(INT64_MAX), 1, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Storage size calculation overflowed");
    CHECK_STATUS(sg_as_strided(x, S(2), 1, S(-1), 1, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("as_strided: Negative strides are not supported at the moment, got strides: [-1]");
    CHECK_STATUS(sg_as_strided(x, S(2, 2), 2, S(1), 1, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("mismatch in length of strides and shape");
    offset = -1;
    CHECK_STATUS(sg_as_strided(x, S(1), 1, S(1), 1, &offset, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Tensor: invalid storage offset -1");
    offset = INT64_MAX;
    CHECK_STATUS(sg_as_strided(x, S(2), 1, S(1), 1, &offset, &t), SG_ERR_INVALID_ARGUMENT);
    /* An empty view may sit at the end of the storage, and its other dimensions must fit. */
    offset = 9;
    CHECK_OK(sg_as_strided(x, S(0), 1, S(1), 1, &offset, &t)); expect(t, S(0), 1, V(0), "as_strided of nothing");
    CHECK_STATUS(sg_as_strided(x, S(0, 2), 2, S(1, 1), 2, &offset, &t), SG_ERR_INVALID_ARGUMENT);
    offset = 0;
    CHECK_STATUS(sg_as_strided(x, S(0, 3), 2, S(1, (int64_t)1 << 62), 2, &offset, &t), SG_ERR_INVALID_ARGUMENT);
    offset = 2;
    CHECK_OK(sg_as_strided_copy(x, S(3), 1, S(3), 1, &offset, &t)); expect(t, S(3), 1, V(2, 5, 8), "as_strided_copy");
    sg_tensor *src = make(V(-1, -2), S(2), 1);
    CHECK_OK(sg_as_strided_scatter(x, src, S(2), 1, S(4), 1, NULL, &t)); expect(t, S(3, 3), 2, V(-1, 1, 2, 3, -2, 5, 6, 7, 8), "as_strided_scatter");
    CHECK_STATUS(sg_as_strided_scatter(x, src, S(2), 1, S(9), 1, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_as_strided_scatter(x, src, S(3), 1, S(1), 1, NULL, &t), SG_ERR_SHAPE);
    sg_tensor_free(src);
    sg_tensor_free(row);
    sg_tensor_free(x);
}

static void test_repeating(void) {
    sg_tensor *v = make(V(1, 2), S(2), 1), *m = make(V(0, 1, 2, 3), S(2, 2), 2), *t = NULL;
    CHECK_OK(sg_repeat(v, S(2, 2), 2, &t)); expect(t, S(2, 4), 2, V(1, 2, 1, 2, 1, 2, 1, 2), "repeat");
    CHECK_OK(sg_tile(m, S(2), 1, &t)); expect(t, S(2, 4), 2, V(0, 1, 0, 1, 2, 3, 2, 3), "tile");
    CHECK_OK(sg_repeat_interleave(v, 3, NULL, NULL, &t)); expect(t, S(6), 1, V(1, 1, 1, 2, 2, 2), "repeat_interleave");
    int64_t dim = 1, size = 3;
    sg_tensor *counts = ints(S(2, 1), S(2), 1);
    CHECK_OK(sg_repeat_interleave_tensor(m, counts, &dim, &size, &t)); expect(t, S(2, 3), 2, V(0, 0, 1, 2, 2, 3), "repeat_interleave_tensor");
    CHECK_OK(sg_repeat_interleave_indices(counts, NULL, &t)); expect(t, S(3), 1, V(0, 0, 1), "repeat_interleave_indices");
    CHECK_OK(sg_kron(v, m, &t)); expect(t, S(2, 4), 2, V(0, 1, 0, 2, 2, 3, 4, 6), "kron");
    CHECK_STATUS(sg_repeat(m, S(2), 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
    CHECK_STATUS(sg_repeat(v, S(INT64_MAX, INT64_MAX), 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_repeat(v, S(-1), 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Trying to create tensor with negative dimension -2: [-2]");
    CHECK_STATUS(sg_repeat_interleave(v, -1, NULL, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Repeats must be non-negative");
    CHECK_STATUS(sg_repeat_interleave(v, INT64_MAX, NULL, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    size = 5;
    CHECK_STATUS(sg_repeat_interleave_tensor(m, counts, &dim, &size, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("allocated size does not match required size");
    CHECK_STATUS(sg_repeat_interleave_tensor(m, v, &dim, NULL, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_repeat_interleave_tensor(m, m, NULL, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("repeats must be 0-dim or 1-dim tensor");
    CHECK_STATUS(sg_repeat_interleave_indices(m, NULL, &t), SG_ERR_DTYPE);
    sg_tensor *negative = ints(S(1, -1), S(2), 1);
    CHECK_STATUS(sg_repeat_interleave_indices(negative, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("repeats can not be negative");
    sg_tensor_free(negative);
    sg_tensor_free(counts);
    sg_tensor_free(m);
    sg_tensor_free(v);
}

static void test_more_shapes(void) {
    /* x = [[0, 1, 2], [3, 4, 5]] */
    sg_tensor *x = make(V(0, 1, 2, 3, 4, 5), S(2, 3), 2), *t = NULL, *u = NULL;
    CHECK_OK(sg_movedim(x, S(0), 1, S(1), 1, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "movedim");
    CHECK_OK(sg_broadcast_to(x, S(2, 2, 3), 3, &t)); expect(t, S(2, 2, 3), 3, V(0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5), "broadcast_to");
    sg_tensor *column = make(V(10, 20), S(2, 1), 2), *outs[4] = {0};
    size_t count = 0;
    const sg_tensor *pair[2] = {x, column};
    CHECK_OK(sg_broadcast_tensors(pair, 2, outs, 4, &count));
    CHECK(count == 2);
    expect(outs[0], S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "broadcast_tensors[0]");
    expect(outs[1], S(2, 3), 2, V(10, 10, 10, 20, 20, 20), "broadcast_tensors[1]");
    sg_tensor *scalar = make(V(7), NULL, 0), *v = make(V(1, 2), S(2), 1);
    CHECK_OK(sg_atleast_1d(scalar, &t)); expect(t, S(1), 1, V(7), "atleast_1d");
    CHECK_OK(sg_atleast_2d(v, &t)); expect(t, S(1, 2), 2, V(1, 2), "atleast_2d");
    CHECK_OK(sg_atleast_3d(x, &t)); expect(t, S(2, 3, 1), 3, V(0, 1, 2, 3, 4, 5), "atleast_3d");
    CHECK_OK(sg_transpose(x, 0, 1, &u));
    CHECK_OK(sg_ravel(u, &t)); expect(t, S(6), 1, V(0, 3, 1, 4, 2, 5), "ravel");
    CHECK_OK(sg_unflatten(u, 0, S(-1, 1), 2, &t)); expect(t, S(3, 1, 2), 3, V(0, 3, 1, 4, 2, 5), "unflatten");
    CHECK_OK(sg_t(x, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "t");
    CHECK_OK(sg_h(x, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "H");
    CHECK_OK(sg_mt(x, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "mT");
    CHECK_OK(sg_adjoint(x, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "adjoint");
    CHECK_OK(sg_sum_to_size(x, S(1, 3), 2, &t)); expect(t, S(1, 3), 2, V(3, 5, 7), "sum_to_size");
    CHECK_OK(sg_positive(x, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "positive");
    CHECK_OK(sg_unfold(x, 1, 2, 1, &t)); expect(t, S(2, 2, 2), 3, V(0, 1, 1, 2, 3, 4, 4, 5), "unfold");
    sg_tensor *ones = NULL;
    CHECK_OK(sg_reshape(x, S(1, 2, 1, 3), 4, &ones));
    CHECK_OK(sg_squeeze_dims(ones, S(0, -2), 2, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "squeeze_dims");
    CHECK_OK(sg_squeeze_dims(ones, NULL, 0, &t)); expect(t, S(1, 2, 1, 3), 4, V(0, 1, 2, 3, 4, 5), "squeeze_dims of none");
    /* unflatten and unfold are views. */
    CHECK_OK(sg_unfold(x, 0, 1, 1, &t));
    CHECK_OK(fill_with(t, 1));
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_sum_to_size(x, NULL, 0, &t)); expect(t, NULL, 0, V(6), "write through unfold");
    CHECK_STATUS(sg_movedim(x, S(0, 0), 2, S(0, 1), 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("movedim: repeated dim in `source` ([0, 0])");
    CHECK_STATUS(sg_broadcast_to(x, S(3, 3), 2, &t), SG_ERR_SHAPE);
    const sg_tensor *mismatched[2] = {x, v};
    CHECK_STATUS(sg_broadcast_tensors(mismatched, 2, outs, 4, &count), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1");
    CHECK_STATUS(sg_unflatten(x, 1, S(2, 2), 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (3) in the input tensor");
    CHECK_STATUS(sg_squeeze_dims(ones, S(0, 4), 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Dimension out of range (expected to be in range of [-4, 3], but got 4)");
    CHECK_STATUS(sg_t(ones, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("t() expects a tensor with <= 2 dimensions, but self is 4D");
    CHECK_STATUS(sg_h(v, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("tensor.H is only supported on matrices (2-D tensors). Got 1-D tensor.");
    CHECK_STATUS(sg_mt(v, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_adjoint(v, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.");
    CHECK_STATUS(sg_sum_to_size(x, S(2), 1, &t), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("size {[2]} is not expandable to size {[2, 3]}.");
    CHECK_STATUS(sg_unfold(x, 1, 4, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("maximum size for tensor at dimension 1 is 3 but size is 4");
    CHECK_STATUS(sg_unfold(x, 1, 2, 0, &t), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *flags = NULL;
    CHECK_OK(sg_gt(x, column, &flags));
    CHECK_STATUS(sg_positive(flags, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("The `+` operator, on a bool tensor is not supported.");
    sg_tensor_free(flags);
    sg_tensor_free(ones);
    sg_tensor_free(u);
    sg_tensor_free(scalar);
    sg_tensor_free(v);
    sg_tensor_free(column);
    sg_tensor_free(x);
}

static void test_grids(void) {
    sg_tensor *a = make(V(1, 2), S(2), 1), *b = make(V(3, 4, 5), S(3), 1), *t = NULL;
    const sg_tensor *ab[2] = {a, b}, *aa[2] = {a, a};
    CHECK_OK(sg_hstack(ab, 2, &t)); expect(t, S(5), 1, V(1, 2, 3, 4, 5), "hstack");
    CHECK_OK(sg_vstack(aa, 2, &t)); expect(t, S(2, 2), 2, V(1, 2, 1, 2), "vstack");
    CHECK_OK(sg_dstack(aa, 2, &t)); expect(t, S(1, 2, 2), 3, V(1, 1, 2, 2), "dstack");
    CHECK_OK(sg_column_stack(aa, 2, &t)); expect(t, S(2, 2), 2, V(1, 1, 2, 2), "column_stack");
    sg_tensor *outs[4] = {0};
    size_t count = 0;
    CHECK_OK(sg_meshgrid(ab, 2, false, outs, 4, &count));
    CHECK(count == 2);
    expect(outs[0], S(2, 3), 2, V(1, 1, 1, 2, 2, 2), "meshgrid ij[0]");
    expect(outs[1], S(2, 3), 2, V(3, 4, 5, 3, 4, 5), "meshgrid ij[1]");
    CHECK_OK(sg_meshgrid(ab, 2, true, outs, 4, &count));
    CHECK(count == 2);
    expect(outs[0], S(3, 2), 2, V(1, 2, 1, 2, 1, 2), "meshgrid xy[0]");
    expect(outs[1], S(3, 2), 2, V(3, 3, 4, 4, 5, 5), "meshgrid xy[1]");
    CHECK_OK(sg_block_diag(ab, 2, &t)); expect(t, S(2, 5), 2, V(1, 2, 0, 0, 0, 0, 0, 3, 4, 5), "block_diag");
    CHECK_OK(sg_cartesian_prod(ab, 2, &t)); expect(t, S(6, 2), 2, V(1, 3, 1, 4, 1, 5, 2, 3, 2, 4, 2, 5), "cartesian_prod");
    CHECK_OK(sg_combinations(b, 2, false, &t)); expect(t, S(3, 2), 2, V(3, 4, 3, 5, 4, 5), "combinations");
    CHECK_OK(sg_combinations(a, 2, true, &t)); expect(t, S(3, 2), 2, V(1, 1, 1, 2, 2, 2), "combinations with replacement");
    CHECK_STATUS(sg_hstack(NULL, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("hstack expects a non-empty TensorList");
    CHECK_STATUS(sg_vstack(NULL, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_dstack(NULL, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_column_stack(NULL, 0, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_meshgrid(NULL, 0, false, outs, 4, &count), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("meshgrid expects a non-empty TensorList");
    const sg_tensor *with_null[2] = {a, NULL};
    CHECK_STATUS(sg_meshgrid(with_null, 2, false, outs, 4, &count), SG_ERR_INVALID_HANDLE);
    sg_tensor *m = make(V(1, 2, 3, 4), S(2, 2), 2), *cube = NULL;
    const sg_tensor *am[2] = {a, m};
    CHECK_STATUS(sg_cartesian_prod(am, 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Expect a 1D vector, but got shape [2, 2]");
    CHECK_STATUS(sg_combinations(a, -1, false, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Expect a non-negative number, but got -1");
    CHECK_STATUS(sg_combinations(a, INT64_MAX, true, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_reshape(m, S(1, 2, 2), 3, &cube));
    const sg_tensor *cubes[1] = {cube};
    CHECK_STATUS(sg_block_diag(cubes, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("torch.block_diag: Input tensors must have 2 or fewer dimensions. Input 0 has 3 dimensions");
    sg_tensor_free(cube);
    sg_tensor_free(m);
    sg_tensor_free(a);
    sg_tensor_free(b);
}

static void test_view_copies(void) {
    /* x = [[0, 1, 2], [3, 4, 5]] */
    sg_tensor *x = make(V(0, 1, 2, 3, 4, 5), S(2, 3), 2), *t = NULL, *one = NULL;
    CHECK_OK(sg_expand_copy(x, S(2, 2, 3), 3, &t)); expect(t, S(2, 2, 3), 3, V(0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5), "expand_copy");
    CHECK_OK(sg_alias_copy(x, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "alias_copy");
    CHECK_OK(sg_narrow_copy(x, 1, -2, 2, &t)); expect(t, S(2, 2), 2, V(1, 2, 4, 5), "narrow_copy");
    CHECK_OK(sg_view_copy(x, S(3, 2), 2, &t)); expect(t, S(3, 2), 2, V(0, 1, 2, 3, 4, 5), "view_copy");
    CHECK_OK(sg_permute_copy(x, S(1, 0), 2, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "permute_copy");
    CHECK_OK(sg_unsqueeze_copy(x, 0, &one)); /* [1, 2, 3] */
    CHECK_OK(sg_squeeze_copy(one, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "squeeze_copy");
    CHECK_OK(sg_squeeze_copy_dim(one, 1, &t)); expect(t, S(1, 2, 3), 3, V(0, 1, 2, 3, 4, 5), "squeeze_copy_dim of size 2");
    CHECK_OK(sg_squeeze_copy_dims(one, S(0), 1, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "squeeze_copy_dims");
    CHECK_OK(sg_transpose_copy(x, -1, 0, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "transpose_copy");
    CHECK_OK(sg_t_copy(x, &t)); expect(t, S(3, 2), 2, V(0, 3, 1, 4, 2, 5), "t_copy");
    CHECK_OK(sg_unfold_copy(x, 0, 2, 1, &t)); expect(t, S(1, 3, 2), 3, V(0, 3, 1, 4, 2, 5), "unfold_copy");
    /* A copy is not a view: writing it leaves x alone. */
    CHECK_OK(sg_alias_copy(x, &t));
    CHECK_OK(fill_with(t, 9));
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_clone(x, &t)); expect(t, S(2, 3), 2, V(0, 1, 2, 3, 4, 5), "a copy does not write x");
    CHECK_STATUS(sg_narrow_copy(x, 1, 2, 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("start (2) + length (2) exceeds dimension size (3).");
    CHECK_STATUS(sg_narrow_copy(x, 1, INT64_MIN, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("start out of range (expected to be in range of [-3, 3], but got");
    CHECK_STATUS(sg_view_copy(x, S(4), 1, &t), SG_ERR_SHAPE);
    CHECK_STATUS(sg_permute_copy(x, S(0), 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_expand_copy(x, S(3, 3), 2, &t), SG_ERR_SHAPE);
    CHECK_STATUS(sg_transpose_copy(x, 0, 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_unsqueeze_copy(x, 3, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_squeeze_copy_dim(x, 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_squeeze_copy_dims(x, S(1, 1), 2, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_t_copy(one, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_unfold_copy(x, 0, -1, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("size is -1 but must be >= 0");
    sg_tensor_free(one);
    sg_tensor_free(x);
}

/* Gradients through a split and an unbind: every piece's gradient reaches the input, a piece
   not used contributes zeros. */
static void test_gradients(void) {
    sg_tensor *x = make(V(1, 2, 3, 4, 5, 6), S(3, 2), 2), *outs[4] = {0}, *y = NULL, *s = NULL, *g = NULL;
    size_t count = 0;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_split(x, 2, 0, outs, 4, &count)); /* rows 0-1 and row 2 */
    CHECK(count == 2);
    CHECK_OK(sg_mul(outs[0], outs[0], &y));       /* d/dx sum(p0 * p0) = 2 p0 on rows 0-1, 0 on row 2 */
    CHECK_OK(sg_sum(y, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &g));
    expect(g, S(3, 2), 2, V(2, 4, 6, 8, 0, 0), "grad through split");
    free_all(outs, count);
    sg_tensor_free(y);
    sg_tensor_free(s);
    CHECK_OK(sg_unbind(x, 1, outs, 4, &count));   /* the columns */
    CHECK(count == 2);
    CHECK_OK(sg_sub(outs[1], outs[0], &y));
    CHECK_OK(sg_sum(y, &s));
    CHECK_OK(sg_tensor_zero_grad(x));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &g));
    expect(g, S(3, 2), 2, V(-1, 1, -1, 1, -1, 1), "grad through unbind");
    free_all(outs, count);
    sg_tensor_free(y);
    sg_tensor_free(s);
    sg_tensor_free(x);
}

int main(void) {
    test_splitting();
    test_flipping();
    test_diagonals();
    test_as_strided();
    test_repeating();
    test_more_shapes();
    test_grids();
    test_view_copies();
    test_gradients();
    return check_summary("test_shape");
}
