/* The rnn-attention family from C: sg_scaled_dot_product_attention with an explicit scale, a bool
   mask, a fully masked row, is_causal, a float mask with a gradient, and its backward. Expected
   values worked out by hand; the errors a caller can provoke. */
#include "check.h"

#include <math.h>

static sg_tensor *doubles(const double *values, const int64_t *shape, size_t ndim) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, ndim, SG_FLOAT64, &t));
    return t;
}

/* t (float64) has n elements close to want (1e-12); t is freed. */
static void expect(sg_tensor *t, const double *want, size_t n, const char *what) {
    double got[16] = {0};
    int64_t numel = -1;
    CHECK(t != NULL);
    if (t == NULL) return;
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK(numel == (int64_t)n && n <= 16);
    CHECK_OK(sg_tensor_copy_to(t, got, n * sizeof(double)));
    for (size_t i = 0; i < n; i++) {
        if (!(fabs(got[i] - want[i]) <= 1e-12)) {
            CHECK(fabs(got[i] - want[i]) <= 1e-12);
            fprintf(stderr, "  %s[%zu] = %.17g, expected %.17g\n", what, i, got[i], want[i]);
        }
    }
    sg_tensor_free(t);
}

static void test_attention_values(void) {
    /* q = [1, 0] against keys [1, 0] and [0, 1] with scale 1: scores [1, 0], weights
       [e/(e+1), 1/(e+1)], output p0 * [1, 2] + p1 * [3, 4]. */
    const int64_t q_shape[] = {1, 2}, kv_shape[] = {2, 2}, mask_shape[] = {1, 2};
    sg_tensor *q = doubles((const double[]){1, 0}, q_shape, 2);
    sg_tensor *k = doubles((const double[]){1, 0, 0, 1}, kv_shape, 2);
    sg_tensor *v = doubles((const double[]){1, 2, 3, 4}, kv_shape, 2);
    const double one = 1.0, e = exp(1.0), p0 = e / (e + 1), p1 = 1 / (e + 1);
    sg_tensor *out = NULL;
    CHECK_OK(sg_scaled_dot_product_attention(q, k, v, NULL, 0.0, false, &one, false, &out));
    expect(out, (const double[]){p0 + 3 * p1, 2 * p0 + 4 * p1}, 2, "attention");

    /* A bool mask keeping only key 0 gives v[0]; one masking every key gives zeros (torch 2.15). */
    const bool keep_first[] = {true, false}, keep_none[] = {false, false};
    sg_tensor *mask = NULL;
    CHECK_OK(sg_tensor_from_data(keep_first, mask_shape, 2, SG_BOOL, &mask));
    CHECK_OK(sg_scaled_dot_product_attention(q, k, v, mask, 0.0, false, NULL, false, &out));
    expect(out, (const double[]){1, 2}, 2, "masked attention");
    sg_tensor_free(mask);
    CHECK_OK(sg_tensor_from_data(keep_none, mask_shape, 2, SG_BOOL, &mask));
    CHECK_OK(sg_scaled_dot_product_attention(q, k, v, mask, 0.0, false, NULL, false, &out));
    expect(out, (const double[]){0, 0}, 2, "fully masked row");

    /* Errors: a mask together with is_causal, a 1-d query, mixed dtypes, a bad dropout_p, a
       NULL out-pointer, a NULL handle. */
    CHECK_STATUS(sg_scaled_dot_product_attention(q, k, v, mask, 0.0, true, NULL, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Explicit attn_mask should not be set when is_causal=True");
    CHECK(out == NULL);
    sg_tensor_free(mask);
    const int64_t flat[] = {2};
    sg_tensor *q1 = doubles((const double[]){1, 0}, flat, 1);
    CHECK_STATUS(sg_scaled_dot_product_attention(q1, k, v, NULL, 0.0, false, NULL, false, &out), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("at least 2 dimensional");
    sg_tensor *k32 = NULL;
    CHECK_OK(sg_to_dtype(k, SG_FLOAT32, &k32));
    CHECK_STATUS(sg_scaled_dot_product_attention(q, k32, v, NULL, 0.0, false, NULL, false, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("Expected query, key, and value to have the same dtype");
    CHECK_STATUS(sg_scaled_dot_product_attention(q, k, v, NULL, 1.5, false, NULL, false, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("dropout probability has to be between 0 and 1, but got 1.5");
    CHECK_STATUS(sg_scaled_dot_product_attention(q, k, v, NULL, 0.0, false, NULL, false, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_scaled_dot_product_attention(NULL, k, v, NULL, 0.0, false, NULL, false, &out), SG_ERR_INVALID_HANDLE);
    sg_tensor_free(k32);
    sg_tensor_free(q1);
    sg_tensor_free(q);
    sg_tensor_free(k);
    sg_tensor_free(v);
}

static void test_causal_and_backward(void) {
    /* Zero queries: equal scores. Causal, row 0 sees key 0 only (v[0] = [1, 2]), row 1 both
       (their mean [2, 3]). d sum(out) / dv[j] = sum over rows of the weight on key j:
       key 0: 1 + 1/2, key 1: 1/2, for both columns. */
    const int64_t shape[] = {2, 2};
    sg_tensor *q = doubles((const double[]){0, 0, 0, 0}, shape, 2);
    sg_tensor *k = doubles((const double[]){1, 0, 0, 1}, shape, 2);
    sg_tensor *v = doubles((const double[]){1, 2, 3, 4}, shape, 2);
    CHECK_OK(sg_tensor_set_requires_grad(v, true));
    sg_tensor *out = NULL, *total = NULL, *grad = NULL;
    CHECK_OK(sg_scaled_dot_product_attention(q, k, v, NULL, 0.0, true, NULL, false, &out));
    CHECK_OK(sg_sum(out, &total));
    CHECK_OK(sg_backward(total, NULL, false));
    CHECK_OK(sg_tensor_grad(v, &grad));
    expect(grad, (const double[]){1.5, 1.5, 0.5, 0.5}, 4, "grad of value");
    expect(out, (const double[]){1, 2, 2, 3}, 4, "causal attention");
    sg_tensor_free(total);

    /* A float mask [[0, -inf], [0, 0]] gives the same output as is_causal. Its gradient is the
       scores' gradient, w * (dw - sum(w * dw)) per row, with dw[i][j] = sum_d v[j][d] = 3, 7:
       row 0 (w = [1, 0]) gives [0, 0]; row 1 (w = [1/2, 1/2], sum 5) gives [-1, 1]. */
    sg_tensor *mask = doubles((const double[]){0, -INFINITY, 0, 0}, shape, 2);
    CHECK_OK(sg_tensor_set_requires_grad(mask, true));
    CHECK_OK(sg_scaled_dot_product_attention(q, k, v, mask, 0.0, false, NULL, false, &out));
    CHECK_OK(sg_sum(out, &total));
    CHECK_OK(sg_backward(total, NULL, false));
    CHECK_OK(sg_tensor_grad(mask, &grad));
    expect(grad, (const double[]){0, 0, -1, 1}, 4, "grad of the float mask");
    expect(out, (const double[]){1, 2, 2, 3}, 4, "float-masked attention");
    sg_tensor_free(total);
    sg_tensor_free(mask);
    sg_tensor_free(q);
    sg_tensor_free(k);
    sg_tensor_free(v);
}

/* sg_lstm_cell_fused: gates 0 and cell state 1 give i = f = o = 1/2, g = 0, so c' = 1/2 and
   h' = tanh(1/2) / 2; gate pre-activations (ln 3, 0, 0, 0) make i = 3/4 too, unchanged c' with
   g = 0. Then the checks a caller can provoke. */
static void test_lstm_cell(void) {
    const int64_t gshape[] = {2, 4}, cshape[] = {2, 1};
    const double gates[] = {0, 0, 0, 0, log(3.0), 0, 0, 0}, cell[] = {1, 1};
    sg_tensor *g = doubles(gates, gshape, 2), *c = doubles(cell, cshape, 2), *h = NULL, *c2 = NULL;
    CHECK_OK(sg_lstm_cell_fused(g, c, &h, &c2));
    expect(h, (const double[]){tanh(0.5) / 2, tanh(0.5) / 2}, 2, "lstm h");
    expect(c2, (const double[]){0.5, 0.5}, 2, "lstm c");
    sg_tensor *wrong = doubles(cell, (const int64_t[]){2}, 1);
    h = c2 = (sg_tensor *)1;
    CHECK_STATUS(sg_lstm_cell_fused(g, wrong, &h, &c2), SG_ERR_SHAPE);
    CHECK(h == NULL && c2 == NULL);
    CHECK_STATUS(sg_lstm_cell_fused(g, c, NULL, &c2), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_lstm_cell_fused(NULL, c, &h, &c2), SG_ERR_INVALID_HANDLE);
    sg_tensor_free(wrong);
    sg_tensor_free(g);
    sg_tensor_free(c);
}

int main(void) {
    test_attention_values();
    test_lstm_cell();
    test_causal_and_backward();
    return check_summary("test_rnnattn");
}
