/* Random generators and random functions: reproducibility from a seed (per generator and for
   the default one), saved and restored states, the distributions' ranges and moments (with
   tolerances of several standard errors over 20,000 draws), and the refusals. */
#include <math.h>
#include "check.h"

#define N 20000

static double mean_of(const sg_tensor *t) {
    sg_tensor *d = NULL, *m = NULL;
    CHECK_OK(sg_to_dtype(t, SG_FLOAT64, &d));
    CHECK_OK(sg_mean(d, &m));
    double v = item_of(m);
    sg_tensor_free(d);
    sg_tensor_free(m);
    return v;
}

static double var_of(const sg_tensor *t) {
    sg_tensor *d = NULL, *v = NULL;
    CHECK_OK(sg_to_dtype(t, SG_FLOAT64, &d));
    CHECK_OK(sg_var(d, NULL, 0, 1, false, &v));
    double value = item_of(v);
    sg_tensor_free(d);
    sg_tensor_free(v);
    return value;
}

static double extreme(const sg_tensor *t, bool largest) {
    sg_tensor *d = NULL, *e = NULL;
    CHECK_OK(sg_to_dtype(t, SG_FLOAT64, &d));
    CHECK_OK((largest ? sg_amax : sg_amin)(d, NULL, 0, false, &e));
    double v = item_of(e);
    sg_tensor_free(d);
    sg_tensor_free(e);
    return v;
}

static bool same_values(const sg_tensor *a, const sg_tensor *b) {
    sg_tensor *eq = NULL, *all = NULL;
    CHECK_OK(sg_eq(a, b, &eq));
    CHECK_OK(sg_amin(eq, NULL, 0, false, &all));
    bool same = item_of(all) == 1;
    sg_tensor_free(eq);
    sg_tensor_free(all);
    return same;
}

static void test_generators(void) {
    int64_t n = 8;
    sg_generator *g = NULL, *h = NULL, *d = NULL;
    sg_tensor *a = NULL, *b = NULL, *c = NULL, *state = NULL;
    CHECK_OK(sg_generator_new(42, &g));
    CHECK_OK(sg_generator_new(42, &h));
    CHECK_OK(sg_randn(&n, 1, SG_FLOAT64, g, &a));
    CHECK_OK(sg_randn(&n, 1, SG_FLOAT64, h, &b));
    CHECK(same_values(a, b)); /* one seed, one stream */
    sg_tensor_free(b);
    CHECK_OK(sg_randn(&n, 1, SG_FLOAT64, g, &b));
    CHECK(!same_values(a, b)); /* the stream moves on */
    sg_tensor_free(b);
    uint64_t seed = 0;
    CHECK_OK(sg_generator_initial_seed(g, &seed));
    CHECK(seed == 42);
    /* A saved state replays the draws that follow it. */
    CHECK_OK(sg_generator_get_state(g, &state));
    CHECK_OK(sg_rand(&n, 1, SG_FLOAT32, g, &b));
    CHECK_OK(sg_generator_set_state(h, state));
    CHECK_OK(sg_rand(&n, 1, SG_FLOAT32, h, &c));
    CHECK(same_values(b, c));
    sg_tensor_free(b), sg_tensor_free(c);
    CHECK_STATUS(sg_generator_set_state(h, a), SG_ERR_DTYPE); /* not a uint8 state */
    CHECK_OK(sg_generator_manual_seed(h, 42));
    CHECK_OK(sg_randn(&n, 1, SG_FLOAT64, h, &b));
    CHECK(same_values(a, b));
    sg_tensor_free(b);
    /* A fresh seed from the system, reported and in use. */
    uint64_t fresh = 0;
    CHECK_OK(sg_generator_seed(h, &fresh));
    CHECK_OK(sg_generator_initial_seed(h, &seed));
    CHECK(seed == fresh);
    /* The default generator: sg_manual_seed and NULL are it. */
    CHECK_OK(sg_generator_default(&d));
    CHECK_OK(sg_manual_seed(7));
    CHECK_OK(sg_randn(&n, 1, SG_FLOAT64, NULL, &b));
    CHECK_OK(sg_generator_manual_seed(d, 7));
    CHECK_OK(sg_randn(&n, 1, SG_FLOAT64, d, &c));
    CHECK(same_values(b, c));
    CHECK_OK(sg_generator_initial_seed(NULL, &seed));
    CHECK(seed == 7);
    sg_tensor_free(b), sg_tensor_free(c);
    /* Handles are checked: freed, twice, wrong kind. */
    CHECK_OK(sg_generator_free(h));
    CHECK_STATUS(sg_generator_free(h), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_randn(&n, 1, SG_FLOAT64, h, &b), SG_ERR_INVALID_HANDLE);
    CHECK(b == NULL);
    CHECK_STATUS(sg_generator_manual_seed((sg_generator *)a, 1), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_generator_free(NULL));
    CHECK_STATUS(sg_generator_new(1, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_generator_free(d));
    CHECK_OK(sg_generator_free(g));
    sg_tensor_free(a);
    sg_tensor_free(state);
}

static void test_distributions(void) {
    int64_t n = N;
    sg_tensor *t = NULL;
    double se = 1 / sqrt((double)N);
    CHECK_OK(sg_manual_seed(1));
    /* normal(3, 2): mean 3, variance 4. */
    CHECK_OK(sg_normal(3, 2, &n, 1, SG_FLOAT64, NULL, &t));
    CHECK(fabs(mean_of(t) - 3) < 5 * 2 * se && fabs(var_of(t) - 4) < 0.25);
    sg_tensor_free(t);
    /* randint in [-2, 3): every value, nothing outside, dtype as asked. */
    CHECK_OK(sg_randint(-2, 3, &n, 1, SG_INT32, NULL, &t));
    sg_dtype dtype;
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    CHECK(dtype == SG_INT32 && extreme(t, false) == -2 && extreme(t, true) == 2 && fabs(mean_of(t)) < 0.1);
    sg_tensor_free(t);
    CHECK_STATUS(sg_randint(3, 3, &n, 1, SG_INT64, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    /* randperm: a permutation (sum and extremes of 0..n-1, each once: sum of squares too). */
    CHECK_OK(sg_randperm(1000, SG_INT64, NULL, &t));
    sg_tensor *sorted = NULL, *squares = NULL, *total = NULL;
    CHECK_OK(sg_mul(t, t, &squares));
    CHECK_OK(sg_sum(squares, &total));
    CHECK(item_of(total) == 999.0 * 1000 * 1999 / 6 && mean_of(t) == 499.5 && extreme(t, true) == 999);
    sg_tensor_free(squares), sg_tensor_free(total), sg_tensor_free(t), (void)sorted;
    CHECK_STATUS(sg_randperm(-1, SG_INT64, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_randperm(300, SG_INT8, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    /* The in-place fills. */
    CHECK_OK(sg_zeros(&n, 1, SG_FLOAT64, &t));
    CHECK_OK(sg_uniform_(t, -1, 3, NULL));
    CHECK(extreme(t, false) >= -1 && extreme(t, true) < 3 && fabs(mean_of(t) - 1) < 5 * (4 / sqrt(12)) * se);
    CHECK_STATUS(sg_uniform_(t, 2, 1, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_normal_(t, -1, 0.5, NULL));
    CHECK(fabs(mean_of(t) + 1) < 5 * 0.5 * se && fabs(var_of(t) - 0.25) < 0.02);
    CHECK_OK(sg_exponential_(t, 4, NULL));
    CHECK(extreme(t, false) >= 0 && fabs(mean_of(t) - 0.25) < 5 * 0.25 * se);
    CHECK_STATUS(sg_exponential_(t, 0, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_geometric_(t, 0.25, NULL)); /* mean 1/p, values 1, 2, ... */
    CHECK(extreme(t, false) == 1 && fabs(mean_of(t) - 4) < 5 * sqrt(12) * se);
    CHECK_STATUS(sg_geometric_(t, 1, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_log_normal_(t, 0, 0.5, NULL)); /* mean exp(sigma^2 / 2) */
    CHECK(extreme(t, false) > 0 && fabs(mean_of(t) - exp(0.125)) < 0.02);
    CHECK_OK(sg_cauchy_(t, 5, 1, NULL)); /* the median is 5: half the draws below it */
    sg_tensor *below = NULL;
    CHECK_OK(sg_lt_scalar(t, 5, &below));
    CHECK(fabs(mean_of(below) - 0.5) < 5 * 0.5 * se);
    sg_tensor_free(below);
    CHECK_STATUS(sg_cauchy_(t, 0, -1, NULL), SG_ERR_INVALID_ARGUMENT);
    int64_t to = 4;
    CHECK_OK(sg_random_(t, 1, &to, NULL));
    CHECK(extreme(t, false) == 1 && extreme(t, true) == 3);
    sg_tensor *half = NULL;
    CHECK_OK(sg_scalar_double(0.3, &half));
    CHECK_OK(sg_bernoulli_(t, half, NULL));
    CHECK(fabs(mean_of(t) - 0.3) < 5 * sqrt(0.21) * se);
    CHECK(extreme(t, false) == 0 && extreme(t, true) == 1);
    sg_tensor_free(half);
    /* bernoulli from a tensor of probabilities: 0 and 1 are certain. */
    sg_tensor *p = NULL, *draws = NULL;
    CHECK_OK(sg_tensor_from_data((double[]){0, 1, 0, 1}, (int64_t[]){4}, 1, SG_FLOAT64, &p));
    CHECK_OK(sg_bernoulli(p, NULL, &draws));
    CHECK(same_values(p, draws));
    sg_tensor_free(draws);
    /* multinomial never picks a zero weight, without replacement each index once. */
    CHECK_OK(sg_multinomial(p, 2, false, NULL, &draws));
    sg_tensor *picked_sum = NULL;
    CHECK_OK(sg_sum(draws, &picked_sum));
    CHECK(item_of(picked_sum) == 4); /* indices 1 and 3 */
    sg_tensor_free(picked_sum), sg_tensor_free(draws);
    CHECK_STATUS(sg_multinomial(p, 3, false, NULL, &draws), SG_ERR_INVALID_ARGUMENT);
    CHECK(draws == NULL);
    /* normal with tensor mean: shapes broadcast, a negative std is refused. */
    sg_tensor *std = NULL;
    CHECK_OK(sg_scalar_double(0, &std));
    CHECK_OK(sg_normal_tensor(p, std, NULL, &draws));
    CHECK(same_values(p, draws)); /* std 0: the means themselves */
    sg_tensor_free(draws), sg_tensor_free(std);
    CHECK_OK(sg_scalar_double(-1, &std));
    CHECK_STATUS(sg_normal_tensor(p, std, NULL, &draws), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(std), sg_tensor_free(p), sg_tensor_free(t);
    /* Integer tensors refuse the floating fills, with PyTorch's message. */
    CHECK_OK(sg_zeros(&to, 1, SG_INT64, &t));
    CHECK_STATUS(sg_normal_(t, 0, 1, NULL), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"normal_kernel_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_rand(&to, 1, SG_INT64, NULL, &p), SG_ERR_DTYPE);
    sg_tensor_free(t);
}

static void test_logspace(void) {
    sg_tensor *t = NULL;
    double got[5];
    CHECK_OK(sg_logspace(0, 2, 5, 10, SG_FLOAT64, &t));
    CHECK_OK(sg_tensor_copy_to(t, got, sizeof got));
    CHECK(got[0] == 1 && got[2] == 10 && got[4] == 100 && fabs(got[1] - sqrt(10)) < 1e-12);
    sg_tensor_free(t);
    CHECK_STATUS(sg_logspace(0, 1, -1, 10, SG_FLOAT32, &t), SG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    test_generators();
    test_distributions();
    test_logspace();
    return check_summary("test_random");
}
