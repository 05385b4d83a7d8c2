/* Spatial sampling from C (sg_grid_sampler, sg_grid_sampler_2d/3d, sg_affine_grid): values and
   gradients worked out by hand, and the errors a caller can provoke (mismatched batch, grid's last
   size, ranks, dtypes, unknown mode codes, a bad affine size, NULL handles and outputs), none of
   which may crash. */
#include "check.h"

static sg_tensor *doubles(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

/* t holds the n float64 values `want` (to 1e-12); frees t. */
static void expect_doubles(sg_tensor *t, const double *want, size_t n, const char *what) {
    double got[16] = {0};
    int64_t numel = 0;
    CHECK(t != NULL);
    if (t == NULL) return;
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK(numel == (int64_t)n && n <= 16);
    if (numel == (int64_t)n && n <= 16) {
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

/* The image [[0, 1, 2], [10, 11, 12]] (1 x 1 x 2 x 3). With align_corners, x = -1, 0, 1 are the
   columns 0, 1, 2 and y = -1, 1 the rows. Bilinear at (0.5, -0.5) (column 1.5, row 0.25):
   1.5 + 10 * 0.25 = 4; at (-1.5, -1) (column -0.5) half of column 0 and half outside: 0 with
   zeros padding. Nearest at (0.5, 1) (column 1.5, a tie: to even, 2): 12. The grid gradient of
   the bilinear point: 1 per column times (3 - 1) / 2 = 1 along x, 10 per row times 1/2 along y;
   the input gradient spreads its weights 0.375, 0.375, 0.125, 0.125 over columns 1, 2 of rows
   0, 1. */
static void test_hand_worked(void) {
    const double image_values[] = {0, 1, 2, 10, 11, 12}, grid_values[] = {0.5, -0.5, -1.5, -1};
    const int64_t image_shape[] = {1, 1, 2, 3}, grid_shape[] = {1, 1, 2, 2};
    sg_tensor *image = doubles(image_values, image_shape, 4), *grid = doubles(grid_values, grid_shape, 4);
    CHECK_OK(sg_tensor_set_requires_grad(image, true));
    CHECK_OK(sg_tensor_set_requires_grad(grid, true));
    sg_tensor *out = NULL, *sum = NULL, *g = NULL;
    CHECK_OK(sg_grid_sampler(image, grid, 0, 0, true, &out));
    CHECK_OK(sg_sum(out, &sum));
    CHECK_OK(sg_backward(sum, NULL, false));
    const double want_out[] = {4, 0};
    expect_doubles(out, want_out, 2, "bilinear");
    CHECK_OK(sg_tensor_grad(grid, &g));
    /* The second point (column -0.5, row 0) reads half of column 0 (the other half is outside):
       along x its slope is (image[0][0] - 0) * (3 - 1) / 2 = 0; along y, half of
       (image[1][0] - image[0][0]) = 10 per row, times 1/2 row per unit: 2.5. */
    const double want_grid[] = {1, 5, 0, 2.5};
    expect_doubles(g, want_grid, 4, "grid grad");
    CHECK_OK(sg_tensor_grad(image, &g));
    const double want_image[] = {0.5, 0.375, 0.375, 0, 0.125, 0.125};
    expect_doubles(g, want_image, 6, "image grad");
    sg_tensor_free(sum);

    const double tie_values[] = {0.5, 1};
    const int64_t tie_shape[] = {1, 1, 1, 2};
    sg_tensor *tie = doubles(tie_values, tie_shape, 4);
    CHECK_OK(sg_grid_sampler_2d(image, tie, 1, 0, true, &out));
    const double want_tie[] = {12};
    expect_doubles(out, want_tie, 1, "nearest");

    /* 3-d: a 1 x 1 x 2 x 1 x 1 volume [5, 7], sampled at z = 0 (halfway, align_corners): 6. */
    const double volume_values[] = {5, 7}, point[] = {0, 0, 0};
    const int64_t volume_shape[] = {1, 1, 2, 1, 1}, point_shape[] = {1, 1, 1, 1, 3};
    sg_tensor *volume = doubles(volume_values, volume_shape, 5), *p = doubles(point, point_shape, 5);
    CHECK_OK(sg_grid_sampler_3d(volume, p, 0, 1, true, &out));
    const double want_volume[] = {6};
    expect_doubles(out, want_volume, 1, "trilinear");

    /* affine_grid: theta = [[2, 0, 0.5], [0, 1, 0]] on a 1 x 3 output with align_corners
       (x in {-1, 0, 1}; a unit axis is y = 0): the points (2x + 0.5, y). */
    const double theta_values[] = {2, 0, 0.5, 0, 1, 0};
    const int64_t theta_shape[] = {1, 2, 3}, size[] = {1, 1, 1, 3};
    sg_tensor *theta = doubles(theta_values, theta_shape, 3);
    CHECK_OK(sg_affine_grid(theta, size, 4, true, &out));
    const double want_affine[] = {-1.5, 0, 0.5, 0, 2.5, 0};
    expect_doubles(out, want_affine, 6, "affine_grid");

    sg_tensor *tensors[] = {image, grid, tie, volume, p, theta};
    for (size_t i = 0; i < sizeof tensors / sizeof tensors[0]; i++) sg_tensor_free(tensors[i]);
}

static void test_errors(void) {
    const double zeros[64] = {0};
    const int64_t x_shape[] = {1, 2, 3, 3}, g_shape[] = {1, 2, 2, 2}, batch2[] = {2, 2, 2, 2}, last3[] = {1, 2, 2, 3};
    const int64_t g5[] = {1, 2, 2, 2, 3};
    sg_tensor *x = doubles(zeros, x_shape, 4), *g = doubles(zeros, g_shape, 4);
    sg_tensor *gb = doubles(zeros, batch2, 4), *gl = doubles(zeros, last3, 4), *gv = doubles(zeros, g5, 5);
    sg_tensor *xf = NULL, *out = (sg_tensor *)1;
    CHECK_OK(sg_to_dtype(x, SG_FLOAT32, &xf));

    CHECK_STATUS(sg_grid_sampler(x, gb, 0, 0, false, &out), SG_ERR_SHAPE);
    CHECK(out == NULL);
    CHECK(strstr(sg_last_error(), "expected grid and input to have same batch size") != NULL);
    CHECK_STATUS(sg_grid_sampler(x, gl, 0, 0, false, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_grid_sampler(x, gv, 0, 0, false, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_grid_sampler_3d(x, g, 0, 0, false, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_grid_sampler_2d(gv, gv, 0, 0, false, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_grid_sampler(xf, g, 0, 0, false, &out), SG_ERR_DTYPE);
    CHECK(strcmp(sg_last_error(), "expected scalar type Float but found Double") == 0);
    CHECK_STATUS(sg_grid_sampler(x, g, 3, 0, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_grid_sampler(x, g, 0, -1, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_grid_sampler(x, g, INT64_MAX, INT64_MIN, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_grid_sampler(NULL, g, 0, 0, false, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_grid_sampler(x, NULL, 0, 0, false, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_grid_sampler(x, g, 0, 0, false, NULL), SG_ERR_INVALID_ARGUMENT);

    const int64_t bad_size[] = {1, 1, 3}, other_batch[] = {2, 1, 2, 2}, negative[] = {1, 1, -2, 2};
    const int64_t huge[] = {1, 1, INT64_MAX, INT64_MAX};
    const double theta_values[] = {1, 0, 0, 0, 1, 0};
    const int64_t theta_shape[] = {1, 2, 3};
    sg_tensor *theta = doubles(theta_values, theta_shape, 3);
    CHECK_STATUS(sg_affine_grid(theta, bad_size, 3, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(sg_last_error(), "AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.") == 0);
    CHECK_STATUS(sg_affine_grid(theta, other_batch, 4, false, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_affine_grid(theta, negative, 4, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_affine_grid(theta, huge, 4, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_affine_grid(g, g_shape, 4, false, &out), SG_ERR_SHAPE);
    CHECK_STATUS(sg_affine_grid(NULL, g_shape, 4, false, &out), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_affine_grid(theta, g_shape, 4, false, NULL), SG_ERR_INVALID_ARGUMENT);

    sg_tensor *tensors[] = {x, g, gb, gl, gv, xf, theta};
    for (size_t i = 0; i < sizeof tensors / sizeof tensors[0]; i++) sg_tensor_free(tensors[i]);
}

int main(void) {
    test_hand_worked();
    test_errors();
    return check_summary("test_gridsample");
}
