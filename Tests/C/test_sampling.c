/* The samplers behind torch.distributions (sg_standard_gamma, sg_standard_gamma_grad,
   sg_sample_dirichlet, sg_dirichlet_grad, sg_binomial, sg_poisson): reproducibility from a
   generator, moments of 20,000 draws within five standard errors of the distribution's, the
   values fixed by hand (a zero concentration, a probability of 0 or 1, a zero rate), the
   reparameterisation gradients against central differences of CDFs computed here (a series
   for the incomplete gamma function, Simpson's rule for the incomplete beta function), and
   every refusal. */
#include <math.h>
#include "check.h"

#define N 20000

static sg_tensor *filled(double value, int64_t n) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_full(&n, 1, value, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *scalar(double value) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(&value, NULL, 0, SG_FLOAT64, &t));
    return t;
}

static double value_at(const sg_tensor *t, size_t i) {
    sg_tensor *d = NULL;
    CHECK_OK(sg_to_dtype(t, SG_FLOAT64, &d));
    int64_t n = 0;
    CHECK_OK(sg_tensor_numel(d, &n));
    double *values = malloc((size_t)n * sizeof(double));
    CHECK_OK(sg_tensor_copy_to(d, values, (size_t)n * sizeof(double)));
    double v = i < (size_t)n ? values[i] : NAN;
    free(values);
    sg_tensor_free(d);
    return v;
}

/* Mean and (unbiased) variance of a tensor's values. */
static void moments(const sg_tensor *t, double *mean, double *var) {
    sg_tensor *d = NULL, *m = NULL, *v = NULL;
    CHECK_OK(sg_to_dtype(t, SG_FLOAT64, &d));
    CHECK_OK(sg_mean(d, &m));
    CHECK_OK(sg_var(d, NULL, 0, 1, false, &v));
    *mean = item_of(m);
    *var = item_of(v);
    sg_tensor_free(d);
    sg_tensor_free(m);
    sg_tensor_free(v);
}

/* The mean and variance of N draws agree with the distribution's: the sample mean within five
   standard errors sqrt(var / N), the sample variance within five of its standard error
   sqrt((mu4 - var^2) / N), mu4 the fourth central moment. */
static void check_moments(const sg_tensor *draws, double mean, double var, double mu4, const char *what) {
    double m = 0, v = 0;
    moments(draws, &m, &v);
    double se_mean = sqrt(var / N), se_var = sqrt((mu4 - var * var) / N);
    if (fabs(m - mean) > 5 * se_mean || fabs(v - var) > 5 * se_var) {
        fprintf(stderr, "%s: mean %.6g (expected %.6g +- %.3g), variance %.6g (expected %.6g +- %.3g)\n", what, m, mean,
                5 * se_mean, v, var, 5 * se_var);
    }
    CHECK(fabs(m - mean) <= 5 * se_mean);
    CHECK(fabs(v - var) <= 5 * se_var);
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

/* The regularised lower incomplete gamma function P(a, x) by its series
   x^a e^-x sum_n x^n / Gamma(a + n + 1). */
static double incomplete_gamma(double a, double x) {
    double sum = 0, term = 1 / a;  /* x^n / (a (a+1) ... (a+n)) */
    for (int n = 0; n < 400; n++) {
        sum += term;
        term *= x / (a + n + 1);
    }
    return exp(a * log(x) - x - lgamma(a)) * sum;
}

/* The regularised incomplete beta function I_x(a, b), a, b >= 1, by Simpson's rule. */
static double incomplete_beta(double x, double a, double b) {
    const int n = 20000;
    double h = x / n, sum = 0;
    for (int i = 0; i <= n; i++) {
        double t = i * h;
        double f = (t == 0 ? (a == 1 ? 1 : 0) : pow(t, a - 1)) * pow(1 - t, b - 1);
        sum += (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2)) * f;
    }
    return sum * h / 3 * exp(lgamma(a + b) - lgamma(a) - lgamma(b));
}

static void test_standard_gamma(void) {
    sg_generator *g = NULL, *h = NULL;
    CHECK_OK(sg_generator_new(7, &g));
    CHECK_OK(sg_generator_new(7, &h));
    /* Gamma(k, 1): mean k, variance k, fourth central moment 3k^2 + 6k. Below 1 the boosted path. */
    const double shapes[] = {0.3, 1, 4.5};
    for (int i = 0; i < 3; i++) {
        double k = shapes[i];
        sg_tensor *alpha = filled(k, N), *x = NULL;
        CHECK_OK(sg_standard_gamma(alpha, g, &x));
        check_moments(x, k, k, 3 * k * k + 6 * k, "standard_gamma");
        sg_tensor *y = NULL;
        CHECK_OK(sg_standard_gamma(alpha, h, &y));
        CHECK(same_values(x, y)); /* one seed, one stream */
        sg_tensor_free(alpha);
        sg_tensor_free(x);
        sg_tensor_free(y);
    }
    /* A zero concentration gives the smallest normal number of the dtype. */
    sg_tensor *zero = filled(0, 3), *zero32 = NULL, *x = NULL;
    CHECK_OK(sg_standard_gamma(zero, NULL, &x));
    CHECK(value_at(x, 2) == 0x1p-1022);
    sg_tensor_free(x);
    CHECK_OK(sg_to_dtype(zero, SG_FLOAT32, &zero32));
    CHECK_OK(sg_standard_gamma(zero32, NULL, &x));
    CHECK(value_at(x, 0) == 0x1p-126);
    sg_tensor_free(x);
    /* Refusals: integers (PyTorch's dispatch message), NULL handles. */
    sg_tensor *ints = NULL;
    CHECK_OK(sg_to_dtype(zero, SG_INT64, &ints));
    CHECK_STATUS(sg_standard_gamma(ints, NULL, &x), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"gamma_cpu\" not implemented for 'Long'");
    CHECK(x == NULL);
    sg_tensor *halves = NULL;
    CHECK_OK(sg_to_dtype(zero, SG_FLOAT16, &halves));
    CHECK_STATUS(sg_standard_gamma(halves, NULL, &x), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"gamma_cpu\" not implemented for 'Half'");
    sg_tensor_free(halves);
    CHECK_STATUS(sg_standard_gamma(NULL, NULL, &x), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_standard_gamma(zero, NULL, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(ints);
    sg_tensor_free(zero);
    sg_tensor_free(zero32);
    sg_generator_free(g);
    sg_generator_free(h);
}

static void test_standard_gamma_grad(void) {
    /* -(dP/da) / f by central differences of the series, against PyTorch's approximations
       (their error is a few parts in 10^4): the series (x < 0.8), the rational function and the
       saddle point expansion (a > 8). */
    const double cases[][2] = {{0.5, 0.3}, {3, 1}, {3, 4}, {10, 9.5}, {10, 3}, {20, 30}};
    for (int i = 0; i < 6; i++) {
        double a = cases[i][0], x = cases[i][1], step = 1e-5;
        double density = exp((a - 1) * log(x) - x - lgamma(a));
        double want = -(incomplete_gamma(a + step, x) - incomplete_gamma(a - step, x)) / (2 * step) / density;
        sg_tensor *ta = scalar(a), *tx = scalar(x), *grad = NULL;
        CHECK_OK(sg_standard_gamma_grad(ta, tx, &grad));
        double got = item_of(grad);
        if (fabs(got - want) > 1e-3 * fabs(want)) fprintf(stderr, "standard_gamma_grad(%g, %g) = %.8g, expected %.8g\n", a, x, got, want);
        CHECK(fabs(got - want) <= 1e-3 * fabs(want));
        sg_tensor_free(ta);
        sg_tensor_free(tx);
        sg_tensor_free(grad);
    }
    /* Broadcasting, and the refusals: mixed dtypes, integers. */
    sg_tensor *a = filled(2, 3), *x = scalar(1), *grad = NULL, *x32 = NULL, *ints = NULL;
    CHECK_OK(sg_standard_gamma_grad(a, x, &grad));
    int64_t n = 0;
    CHECK_OK(sg_tensor_numel(grad, &n));
    CHECK(n == 3);
    sg_tensor_free(grad);
    CHECK_OK(sg_to_dtype(x, SG_FLOAT32, &x32));
    CHECK_STATUS(sg_standard_gamma_grad(a, x32, &grad), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("Found dtype Float but expected Double");
    CHECK_OK(sg_to_dtype(a, SG_INT64, &ints));
    CHECK_STATUS(sg_standard_gamma_grad(ints, ints, &grad), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"_standard_gamma_grad_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_standard_gamma_grad(a, NULL, &grad), SG_ERR_INVALID_HANDLE);
    sg_tensor_free(a);
    sg_tensor_free(x);
    sg_tensor_free(x32);
    sg_tensor_free(ints);
}

static void test_dirichlet(void) {
    /* Dirichlet(1, 2, 3): rows on the simplex; component 0 is Beta(1, 5): mean 1/6, variance
       5 / (36 * 7), fourth central moment from the Beta's. */
    double alpha[] = {1, 2, 3};
    sg_tensor *row = NULL, *concentration = NULL, *x = NULL;
    CHECK_OK(sg_tensor_from_data(alpha, (int64_t[]){3}, 1, SG_FLOAT64, &row));
    CHECK_OK(sg_expand(row, (int64_t[]){N, 3}, 2, &concentration));
    CHECK_OK(sg_sample_dirichlet(concentration, NULL, &x));
    sg_tensor *sums = NULL, *first = NULL;
    CHECK_OK(sg_sum_dims(x, (int64_t[]){-1}, 1, false, &sums));
    double lo = 2, hi = -1;
    for (size_t i = 0; i < 50; i++) {
        double s = value_at(sums, i);
        lo = s < lo ? s : lo;
        hi = s > hi ? s : hi;
    }
    CHECK(lo > 1 - 1e-12 && hi < 1 + 1e-12);
    CHECK_OK(sg_select(x, 1, 0, &first));
    double a = 1, b = 5, mean = a / (a + b), var = a * b / ((a + b) * (a + b) * (a + b + 1));
    double mu4 = 3 * a * b * (a * b * (a + b - 6) + 2 * (a + b) * (a + b)) /
                 (pow(a + b, 4) * (a + b + 1) * (a + b + 2) * (a + b + 3));
    check_moments(first, mean, var, mu4, "sample_dirichlet");
    sg_tensor_free(sums);
    sg_tensor_free(first);
    sg_tensor_free(x);
    /* Zero concentrations: equal smallest gammas, so equal shares. */
    sg_tensor *zeros = filled(0, 2);
    CHECK_OK(sg_sample_dirichlet(zeros, NULL, &x));
    CHECK(value_at(x, 0) == 0.5 && value_at(x, 1) == 0.5);
    sg_tensor_free(x);
    sg_tensor *ints = NULL;
    CHECK_OK(sg_to_dtype(zeros, SG_INT64, &ints));
    CHECK_STATUS(sg_sample_dirichlet(ints, NULL, &x), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"dirichlet\" not implemented for 'Long'");
    CHECK_STATUS(sg_sample_dirichlet(NULL, NULL, &x), SG_ERR_INVALID_HANDLE);
    sg_tensor_free(ints);
    sg_tensor_free(zeros);
    sg_tensor_free(row);
    sg_tensor_free(concentration);
}

static void test_dirichlet_grad(void) {
    /* -(dI/da at fixed b) / density / (1 - x) for Beta(a, b), b = total - a, by central
       differences of Simpson's incomplete beta function. */
    const double cases[][3] = {{0.3, 2, 3}, {0.6, 3, 4}, {0.5, 10, 12}, {0.9, 2, 1.5}};
    for (int i = 0; i < 4; i++) {
        double x = cases[i][0], a = cases[i][1], b = cases[i][2], step = 1e-3;
        double density = exp((a - 1) * log(x) + (b - 1) * log(1 - x) + lgamma(a + b) - lgamma(a) - lgamma(b));
        double want = -(incomplete_beta(x, a + step, b) - incomplete_beta(x, a - step, b)) / (2 * step) / density / (1 - x);
        sg_tensor *tx = scalar(x), *ta = scalar(a), *tt = scalar(a + b), *grad = NULL;
        CHECK_OK(sg_dirichlet_grad(tx, ta, tt, &grad));
        double got = item_of(grad);
        if (fabs(got - want) > 1e-3 * fabs(want)) fprintf(stderr, "dirichlet_grad(%g, %g, %g) = %.8g, expected %.8g\n", x, a, a + b, got, want);
        CHECK(fabs(got - want) <= 1e-3 * fabs(want));
        sg_tensor_free(tx);
        sg_tensor_free(ta);
        sg_tensor_free(tt);
        sg_tensor_free(grad);
    }
    sg_tensor *x = scalar(0.5), *x32 = NULL, *grad = NULL;
    CHECK_OK(sg_to_dtype(x, SG_FLOAT32, &x32));
    CHECK_STATUS(sg_dirichlet_grad(x, x, x32, &grad), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("Found dtype Float but expected Double");
    CHECK_STATUS(sg_dirichlet_grad(x, NULL, x, &grad), SG_ERR_INVALID_HANDLE);
    sg_tensor_free(x);
    sg_tensor_free(x32);
}

static void test_binomial(void) {
    /* Inversion (n p < 10) and BTRS (n p >= 10): mean n p, variance n p q, fourth central moment
       n p q (1 + 3 (n - 2) p q). p > 1/2 samples the failures. */
    const double cases[][2] = {{10, 0.3}, {100, 0.5}, {60, 0.9}};
    sg_generator *g = NULL;
    CHECK_OK(sg_generator_new(11, &g));
    for (int i = 0; i < 3; i++) {
        double n = cases[i][0], p = cases[i][1], q = 1 - p;
        sg_tensor *count = filled(n, N), *prob = scalar(p), *draws = NULL;
        CHECK_OK(sg_binomial(count, prob, g, &draws));
        check_moments(draws, n * p, n * p * q, n * p * q * (1 + 3 * (n - 2) * p * q), "binomial");
        sg_tensor_free(count);
        sg_tensor_free(prob);
        sg_tensor_free(draws);
    }
    sg_generator_free(g);
    /* Fixed by the arguments: p = 0 gives 0, p = 1 the count, a count of 0 gives 0, NaN gives
       NaN, an infinite count infinity. */
    double counts[] = {5, 5, 0, NAN, INFINITY, 7}, probs[] = {0, 1, 0.5, 0.5, 0.5, -1};
    sg_tensor *count = NULL, *prob = NULL, *draws = NULL;
    CHECK_OK(sg_tensor_from_data(counts, (int64_t[]){6}, 1, SG_FLOAT64, &count));
    CHECK_OK(sg_tensor_from_data(probs, (int64_t[]){6}, 1, SG_FLOAT64, &prob));
    CHECK_OK(sg_binomial(count, prob, NULL, &draws));
    CHECK(value_at(draws, 0) == 0 && value_at(draws, 1) == 5 && value_at(draws, 2) == 0);
    CHECK(isnan(value_at(draws, 3)) && value_at(draws, 4) == INFINITY && value_at(draws, 5) == 0);
    sg_tensor_free(draws);
    /* Refusals: mixed dtypes, integer counts, NULL. */
    sg_tensor *prob32 = NULL, *ints = NULL;
    CHECK_OK(sg_to_dtype(prob, SG_FLOAT32, &prob32));
    CHECK_STATUS(sg_binomial(count, prob32, NULL, &draws), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("Found dtype Float but expected Double");
    CHECK_OK(sg_to_dtype(prob, SG_INT64, &ints));
    CHECK_STATUS(sg_binomial(ints, prob, NULL, &draws), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("binomial only supports floating-point dtypes for count, got: Long");
    CHECK_STATUS(sg_binomial(count, NULL, NULL, &draws), SG_ERR_INVALID_HANDLE);
    sg_tensor_free(prob32);
    sg_tensor_free(ints);
    sg_tensor_free(count);
    sg_tensor_free(prob);
}

static void test_poisson(void) {
    /* Products of uniforms (rate < 10) and PTRS: mean = variance = rate, mu4 = rate (1 + 3 rate). */
    const double rates[] = {3, 30};
    for (int i = 0; i < 2; i++) {
        double r = rates[i];
        sg_tensor *rate = filled(r, N), *draws = NULL;
        CHECK_OK(sg_poisson(rate, NULL, &draws));
        check_moments(draws, r, r, r * (1 + 3 * r), "poisson");
        sg_tensor_free(rate);
        sg_tensor_free(draws);
    }
    sg_tensor *zero = filled(0, 4), *draws = NULL;
    CHECK_OK(sg_poisson(zero, NULL, &draws));
    CHECK(value_at(draws, 3) == 0);
    sg_tensor_free(draws);
    sg_tensor *negative = scalar(-1), *nan = scalar(NAN), *ints = NULL;
    CHECK_STATUS(sg_poisson(negative, NULL, &draws), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("invalid Poisson rate, expected rate to be non-negative");
    CHECK_STATUS(sg_poisson(nan, NULL, &draws), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_to_dtype(zero, SG_INT64, &ints));
    CHECK_STATUS(sg_poisson(ints, NULL, &draws), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"poisson_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_poisson(NULL, NULL, &draws), SG_ERR_INVALID_HANDLE);
    /* float16 rates are taken, as PyTorch takes them. */
    sg_tensor *halves = NULL;
    CHECK_OK(sg_to_dtype(zero, SG_FLOAT16, &halves));
    CHECK_OK(sg_poisson(halves, NULL, &draws));
    sg_dtype dtype = SG_FLOAT32;
    CHECK_OK(sg_tensor_dtype(draws, &dtype));
    CHECK(dtype == SG_FLOAT16);
    sg_tensor_free(draws);
    sg_tensor_free(halves);
    sg_tensor_free(zero);
    sg_tensor_free(negative);
    sg_tensor_free(nan);
    sg_tensor_free(ints);
}

int main(void) {
    test_standard_gamma();
    test_standard_gamma_grad();
    test_dirichlet();
    test_dirichlet_grad();
    test_binomial();
    test_poisson();
    return check_summary("test_sampling");
}
