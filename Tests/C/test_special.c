/* The special functions and window functions through the C ABI. Each expected value comes from a
   closed form, a defining series summed here, an identity, the C library's own independent
   implementation (j0, j1, y0, y1, lgamma, erfc), or a tabulated constant (Abramowitz & Stegun for
   K0(1), K1(1)); and each function's errors are provoked. */
#define _DEFAULT_SOURCE /* j0, j1, y0, y1 */
#include <math.h>
#include "check.h"

#define PI 3.14159265358979323846
#define EULER_GAMMA 0.57721566490153286061

typedef sg_status (*binary_fn)(const sg_tensor *, const sg_tensor *, sg_tensor **);
typedef sg_status (*window_fn)(int64_t, bool, sg_dtype, sg_tensor **);

static sg_tensor *vector(const double *values, int64_t n) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, &n, 1, SG_FLOAT64, &t));
    return t;
}

static sg_tensor *scalar(double value) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(&value, NULL, 0, SG_FLOAT64, &t));
    return t;
}

/* |got - want| within a relative (and, near zero, absolute) tolerance; NaN matches NaN. */
static void near(double got, double want, double tolerance, const char *what) {
    check_count++;
    int ok = (isnan(got) && isnan(want)) || got == want || fabs(got - want) <= tolerance * fmax(1, fabs(want));
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s = %.17g, expected %.17g\n", what, got, want);
    }
}

/* The value of a 0-d (or one-element) result, which is freed. */
static double value_of(sg_tensor *t) {
    double v = NAN;
    if (t == NULL) return v;
    CHECK_OK(sg_tensor_item(t, &v));
    CHECK_OK(sg_tensor_free(t));
    return v;
}

/* The operands and result of the call being checked: got(sg_f(X(1.5), &out_)) calls sg_f on a
   0-d float64 tensor 1.5, checks the status, frees the operands and returns the value. */
static sg_tensor *in_, *in2_, *out_;
#define X(v) (in_ = scalar(v))
#define Y(v) (in2_ = scalar(v))

static double got(sg_status status) {
    CHECK(status == SG_OK);
    if (in_ != NULL) CHECK_OK(sg_tensor_free(in_));
    if (in2_ != NULL) CHECK_OK(sg_tensor_free(in2_));
    in_ = in2_ = NULL;
    if (status != SG_OK) return NAN;
    sg_tensor *t = out_;
    out_ = NULL;
    return value_of(t);
}

/* A window's values against `want` (float64), then freed. */
static void expect_window(sg_tensor *t, const double *want, int64_t n, const char *what) {
    int64_t numel = -1;
    sg_dtype dtype;
    CHECK_OK(sg_tensor_numel(t, &numel));
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    check_count++;
    if (numel != n || dtype != SG_FLOAT64) {
        check_failures++;
        fprintf(stderr, "%s: %lld elements of dtype %d, expected %lld float64\n", what, (long long)numel, (int)dtype, (long long)n);
    } else {
        double got[16];
        CHECK_OK(sg_tensor_copy_to(t, got, (size_t)n * sizeof(double)));
        for (int64_t i = 0; i < n; i++) near(got[i], want[i], 1e-12, what);
    }
    CHECK_OK(sg_tensor_free(t));
}

/* Series for the checks: I0, I1 and J0 at x (double; exact enough for |x| <= 5). */
static double series_i(int order, double x) {
    double term = order == 0 ? 1 : x / 2, sum = term;
    for (int k = 1; k < 60; k++) {
        term *= (x / 2) * (x / 2) / ((double)k * (double)(k + order));
        sum += term;
    }
    return sum;
}

static void test_gamma_family(void) {
    near(got(sg_digamma(X(1), &out_)), -EULER_GAMMA, 1e-14, "digamma(1)");
    near(got(sg_digamma(X(0.5), &out_)), -EULER_GAMMA - 2 * log(2), 1e-14, "digamma(1/2)");
    near(got(sg_digamma(X(-0.0), &out_)), INFINITY, 0, "digamma(-0) = +inf");
    near(got(sg_digamma(X(-2), &out_)), NAN, 0, "digamma(-2) = nan");
    near(got(sg_lgamma(X(0.5), &out_)), 0.5 * log(PI), 1e-14, "lgamma(1/2)");
    near(got(sg_lgamma(X(7.25), &out_)), lgamma(7.25), 1e-14, "lgamma(7.25)");

    sg_tensor *x = scalar(1), *out = NULL;
    /* PyTorch's trigamma stops its asymptotic series early: 5e-10 off pi^2/6 (as torch's is). */
    CHECK_OK(sg_polygamma(x, 1, &out)); near(value_of(out), PI * PI / 6, 1e-9, "polygamma(1, 1)");
    CHECK_OK(sg_polygamma(x, 0, &out)); near(value_of(out), -EULER_GAMMA, 1e-14, "polygamma(0, 1)");
    /* psi''(1) = -2 zeta(3) (Apery's constant). */
    CHECK_OK(sg_polygamma(x, 2, &out)); near(value_of(out), -2 * 1.2020569031595942854, 1e-13, "polygamma(2, 1)");
    CHECK_STATUS(sg_polygamma(x, -1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("does not support negative n");
    CHECK(out == NULL);
    CHECK_STATUS(sg_polygamma(x, 1, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_polygamma(NULL, 1, &out), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_tensor_free(x));

    /* mvlgamma(x, 2) = ln(pi)/2 + lgamma(x) + lgamma(x - 1/2). */
    x = scalar(2.5);
    CHECK_OK(sg_mvlgamma(x, 2, &out)); near(value_of(out), 0.5 * log(PI) + lgamma(2.5) + lgamma(2.0), 1e-14, "mvlgamma(2.5, 2)");
    CHECK_OK(sg_mvlgamma(x, 1, &out)); near(value_of(out), lgamma(2.5), 1e-14, "mvlgamma(2.5, 1)");
    CHECK_STATUS(sg_mvlgamma(x, 0, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("p has to be greater than or equal to 1");
    CHECK_STATUS(sg_mvlgamma(x, (int64_t)1 << 40, &out), SG_ERR_OUT_OF_MEMORY);
    CHECK_OK(sg_tensor_free(x));

    /* P(1, x) = 1 - e^-x, Q(1, x) = e^-x, P(1/2, x) = erf(sqrt x). */
    near(got(sg_igamma(X(1), Y(2), &out_)), 1 - exp(-2), 1e-14, "igamma(1, 2)");
    near(got(sg_igammac(X(1), Y(2), &out_)), exp(-2), 1e-14, "igammac(1, 2)");
    near(got(sg_igamma(X(0.5), Y(0.7), &out_)), erf(sqrt(0.7)), 1e-14, "igamma(1/2, 0.7)");
    near(got(sg_igammac(X(0.5), Y(30), &out_)), erfc(sqrt(30.0)), 1e-12, "igammac(1/2, 30)");
    near(got(sg_igamma(X(-1), Y(2), &out_)), NAN, 0, "igamma(-1, 2) = nan");
    sg_tensor *i = NULL, *j = NULL;
    CHECK_OK(sg_scalar_int64(2, &i));
    CHECK_OK(sg_arange(1, 3, 1, SG_INT64, &j));
    CHECK_STATUS(sg_igamma(j, i, &out), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"igamma_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_igammac(j, j, &out), SG_ERR_DTYPE);
    CHECK_OK(sg_tensor_free(i));
    CHECK_OK(sg_tensor_free(j));

    /* zeta(2, 1) = pi^2/6, zeta(4, 2) = pi^4/90 - 1; q = 0 is a pole. */
    near(got(sg_special_zeta(X(2), Y(1), &out_)), PI * PI / 6, 1e-14, "zeta(2, 1)");
    near(got(sg_special_zeta(X(4), Y(2), &out_)), pow(PI, 4) / 90 - 1, 1e-14, "zeta(4, 2)");
    near(got(sg_special_zeta(X(2), Y(0), &out_)), INFINITY, 0, "zeta(2, 0)");
    near(got(sg_special_zeta(X(0.5), Y(1), &out_)), NAN, 0, "zeta(1/2, 1)");
    sg_tensor *far = scalar(-1e8 + 0.5), *two = scalar(2);
    CHECK_STATUS(sg_special_zeta(two, far, &out), SG_ERR_INVALID_ARGUMENT); /* would need 1e8 terms */
    CHECK_OK(sg_tensor_free(far));
    sg_tensor *a2 = vector((const double[]){1, 2}, 2), *a3 = vector((const double[]){1, 2, 3}, 3);
    CHECK_STATUS(sg_special_zeta(a2, a3, &out), SG_ERR_SHAPE);
    CHECK_OK(sg_tensor_free(a2));
    CHECK_OK(sg_tensor_free(a3));

    /* Derivatives PyTorch does not define: igamma, igammac and zeta in their first argument. */
    sg_tensor *s = NULL;
    binary_fn refused[] = {sg_igamma, sg_igammac, sg_special_zeta};
    const char *messages[] = {"the derivative for 'igamma: input' is not implemented.",
                              "the derivative for 'igammac: input' is not implemented.",
                              "the derivative for 'zeta' is not implemented."};
    for (int k = 0; k < 3; k++) {
        sg_tensor *a = scalar(2.5);
        CHECK_OK(sg_tensor_set_requires_grad(a, true));
        CHECK_OK(refused[k](a, two, &out));
        CHECK_OK(sg_sum(out, &s));
        CHECK_STATUS(sg_backward(s, NULL, false), SG_ERR_AUTOGRAD);
        CHECK_ERROR_HAS(messages[k]);
        CHECK_OK(sg_tensor_free(s));
        CHECK_OK(sg_tensor_free(out));
        CHECK_OK(sg_tensor_free(a));
    }
    /* ... while the second argument has its gradient: d/dx P(1, x) = e^-x. */
    sg_tensor *one = scalar(1), *g = NULL;
    x = scalar(2);
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_igamma(one, x, &out));
    CHECK_OK(sg_backward(out, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &g)); near(value_of(g), exp(-2), 1e-14, "d igamma(1, x)/dx");
    CHECK_OK(sg_tensor_free(out));
    CHECK_OK(sg_tensor_free(x));
    CHECK_OK(sg_tensor_free(one));
    CHECK_OK(sg_tensor_free(two));
}

static void test_bessel_and_normal(void) {
    near(got(sg_i0(X(0), &out_)), 1, 0, "i0(0)");
    near(got(sg_i0(X(3.5), &out_)), series_i(0, 3.5), 1e-14, "i0(3.5)");
    near(got(sg_i0(X(-12), &out_)), series_i(0, 12), 1e-13, "i0(-12)");
    near(got(sg_special_i0e(X(2), &out_)), exp(-2) * series_i(0, 2), 1e-14, "i0e(2)");
    near(got(sg_special_i1(X(2), &out_)), series_i(1, 2), 1e-14, "i1(2)");
    near(got(sg_special_i1(X(-2), &out_)), -series_i(1, 2), 1e-14, "i1(-2)");
    near(got(sg_special_i1e(X(9), &out_)), exp(-9) * series_i(1, 9), 1e-13, "i1e(9)");
    near(got(sg_special_modified_bessel_i0(X(1.5), &out_)), series_i(0, 1.5), 1e-14, "modified_bessel_i0(1.5)");
    near(got(sg_special_modified_bessel_i1(X(1.5), &out_)), series_i(1, 1.5), 1e-14, "modified_bessel_i1(1.5)");
    near(got(sg_special_modified_bessel_k0(X(1), &out_)), 0.42102443824070833, 1e-14, "modified_bessel_k0(1)");
    near(got(sg_special_modified_bessel_k1(X(1), &out_)), 0.60190723019723457, 1e-14, "modified_bessel_k1(1)");
    near(got(sg_special_modified_bessel_k0(X(0), &out_)), INFINITY, 0, "modified_bessel_k0(0)");
    near(got(sg_special_modified_bessel_k1(X(-1), &out_)), NAN, 0, "modified_bessel_k1(-1)");
    near(got(sg_special_scaled_modified_bessel_k0(X(1), &out_)), exp(1) * 0.42102443824070833, 1e-14, "scaled_modified_bessel_k0(1)");
    near(got(sg_special_scaled_modified_bessel_k1(X(1), &out_)), exp(1) * 0.60190723019723457, 1e-14, "scaled_modified_bessel_k1(1)");
    /* The Wronskian I0 K1 + I1 K0 = 1/x, with I0 and I1 from their series. */
    double x = 3.7;
    double k1 = got(sg_special_modified_bessel_k1(X(x), &out_));
    double k0 = got(sg_special_modified_bessel_k0(X(x), &out_));
    near(series_i(0, x) * k1 + series_i(1, x) * k0, 1 / x, 1e-14, "I0 K1 + I1 K0 = 1/x");
    /* PyTorch's Bessel functions of integer order (Cephes' coefficients, evaluated its own way)
       are accurate to about 1e-6 around x = 5; swiftgrad follows them, so libm's independent
       values agree to that. */
    const double points[] = {0.3, 1.5, 4.9, 5.1, 7, 23.5};
    for (int k = 0; k < 6; k++) {
        double p = points[k];
        near(got(sg_special_bessel_j0(X(p), &out_)), j0(p), 1e-5, "bessel_j0 (libm's j0)");
        near(got(sg_special_bessel_j1(X(p), &out_)), j1(p), 1e-5, "bessel_j1 (libm's j1)");
        near(got(sg_special_bessel_y0(X(p), &out_)), y0(p), 1e-5, "bessel_y0 (libm's y0)");
        near(got(sg_special_bessel_y1(X(p), &out_)), y1(p), 1e-5, "bessel_y1 (libm's y1)");
    }
    near(got(sg_special_bessel_j0(X(1.5), &out_)), j0(1.5), 1e-14, "bessel_j0(1.5) (libm's j0)");
    near(got(sg_special_bessel_y0(X(0), &out_)), -INFINITY, 0, "bessel_y0(0)");
    near(got(sg_special_bessel_y1(X(-1), &out_)), NAN, 0, "bessel_y1(-1)");
    near(got(sg_special_spherical_bessel_j0(X(PI / 2), &out_)), 2 / PI, 1e-15, "spherical_bessel_j0(pi/2)");
    near(got(sg_special_spherical_bessel_j0(X(0), &out_)), 1, 0, "spherical_bessel_j0(0)");
    /* Ai(0) = 1 / (3^(2/3) Gamma(2/3)). */
    near(got(sg_special_airy_ai(X(0), &out_)), 1 / (pow(3, 2.0 / 3) * tgamma(2.0 / 3)), 1e-15, "airy_ai(0)");
    near(got(sg_special_airy_ai(X(200), &out_)), 0, 0, "airy_ai(200)");

    near(got(sg_special_ndtr(X(0), &out_)), 0.5, 0, "ndtr(0)");
    near(got(sg_special_ndtr(X(1.3), &out_)), 0.5 * erfc(-1.3 / sqrt(2)), 1e-15, "ndtr(1.3)");
    near(got(sg_special_ndtri(X(0.5), &out_)), 0, 0, "ndtri(1/2)");
    near(got(sg_special_ndtri(X(0.5 * erfc(-1.3 / sqrt(2))), &out_)), 1.3, 1e-14, "ndtri(ndtr(1.3))");
    near(got(sg_special_ndtri(X(1), &out_)), INFINITY, 0, "ndtri(1)");
    near(got(sg_special_ndtri(X(2), &out_)), NAN, 0, "ndtri(2)");
    near(got(sg_special_log_ndtr(X(0), &out_)), log(0.5), 1e-15, "log_ndtr(0)");
    near(got(sg_special_log_ndtr(X(-3), &out_)), log(0.5 * erfc(3 / sqrt(2))), 1e-14, "log_ndtr(-3)");
    near(got(sg_special_erfcx(X(1), &out_)), exp(1) * erfc(1), 1e-14, "erfcx(1)");
    near(got(sg_special_erfcx(X(-2), &out_)), exp(4) * erfc(-2), 1e-14, "erfcx(-2)");
    near(got(sg_special_erfcx(X(0), &out_)), 1, 0, "erfcx(0)");
    near(got(sg_special_entr(X(0.5), &out_)), 0.5 * log(2), 1e-15, "entr(1/2)");
    near(got(sg_special_entr(X(0), &out_)), 0, 0, "entr(0)");
    near(got(sg_special_entr(X(-1), &out_)), -INFINITY, 0, "entr(-1)");
    near(got(sg_special_xlog1py(X(2), Y(exp(1) - 1), &out_)), 2, 1e-15, "xlog1py(2, e - 1)");
    near(got(sg_special_xlog1py(X(0), Y(-2), &out_)), 0, 0, "xlog1py(0, -2)");

    /* I1'(0) = 1/2, the limit PyTorch's backward takes at the origin. */
    sg_tensor *z = scalar(0), *y = NULL, *g = NULL;
    CHECK_OK(sg_tensor_set_requires_grad(z, true));
    CHECK_OK(sg_special_i1(z, &y));
    CHECK_OK(sg_backward(y, NULL, false));
    CHECK_OK(sg_tensor_grad(z, &g)); near(value_of(g), 0.5, 0, "d i1/dx at 0");
    CHECK_OK(sg_tensor_free(y));
    CHECK_OK(sg_tensor_free(z));

    /* Integer input computes in float32. */
    sg_tensor *ints = NULL, *out = NULL;
    sg_dtype dtype;
    CHECK_OK(sg_arange(1, 3, 1, SG_INT64, &ints));
    CHECK_OK(sg_digamma(ints, &out));
    CHECK_OK(sg_tensor_dtype(out, &dtype));
    CHECK(dtype == SG_FLOAT32);
    CHECK_OK(sg_tensor_free(out));
    CHECK_OK(sg_tensor_free(ints));
    CHECK_STATUS(sg_special_erfcx(NULL, &out), SG_ERR_INVALID_HANDLE);
}

static void test_polynomials(void) {
    /* Closed forms of degree 3 at x = 0.3 (the shifted ones at 0.65, where 2x - 1 = 0.3). */
    double x = 0.3;
    near(got(sg_special_chebyshev_polynomial_t(X(x), Y(3), &out_)), 4 * x * x * x - 3 * x, 1e-15, "T3");
    near(got(sg_special_chebyshev_polynomial_u(X(x), Y(3), &out_)), 8 * x * x * x - 4 * x, 1e-15, "U3");
    near(got(sg_special_chebyshev_polynomial_v(X(x), Y(3), &out_)), 8 * x * x * x - 4 * x * x - 4 * x + 1, 1e-15, "V3");
    near(got(sg_special_chebyshev_polynomial_w(X(x), Y(3), &out_)), 8 * x * x * x + 4 * x * x - 4 * x - 1, 1e-15, "W3");
    near(got(sg_special_shifted_chebyshev_polynomial_t(X(0.65), Y(3), &out_)), 4 * x * x * x - 3 * x, 1e-14, "T*3");
    near(got(sg_special_shifted_chebyshev_polynomial_u(X(0.65), Y(3), &out_)), 8 * x * x * x - 4 * x, 1e-14, "U*3");
    near(got(sg_special_shifted_chebyshev_polynomial_v(X(0.65), Y(3), &out_)), 8 * x * x * x - 4 * x * x - 4 * x + 1, 1e-14, "V*3");
    near(got(sg_special_shifted_chebyshev_polynomial_w(X(0.65), Y(3), &out_)), 8 * x * x * x + 4 * x * x - 4 * x - 1, 1e-14, "W*3");
    near(got(sg_special_hermite_polynomial_h(X(x), Y(3), &out_)), 8 * x * x * x - 12 * x, 1e-15, "H3");
    near(got(sg_special_hermite_polynomial_he(X(x), Y(3), &out_)), x * x * x - 3 * x, 1e-15, "He3");
    near(got(sg_special_laguerre_polynomial_l(X(x), Y(3), &out_)), (-x * x * x + 9 * x * x - 18 * x + 6) / 6, 1e-15, "L3");
    near(got(sg_special_legendre_polynomial_p(X(x), Y(3), &out_)), (5 * x * x * x - 3 * x) / 2, 1e-15, "P3");
    /* T_n(cos t) = cos(n t) for a degree past the recurrence; the degree truncates; negative is 0. */
    near(got(sg_special_chebyshev_polynomial_t(X(cos(0.4)), Y(20), &out_)), cos(8.0), 1e-12, "T20(cos 0.4)");
    near(got(sg_special_chebyshev_polynomial_t(X(x), Y(3.9), &out_)), 4 * x * x * x - 3 * x, 1e-15, "T3.9 = T3");
    near(got(sg_special_legendre_polynomial_p(X(x), Y(-1), &out_)), 0, 0, "P-1");
    near(got(sg_special_hermite_polynomial_h(X(x), Y(600), &out_)), NAN, 0, "H600 (beyond 512)");
    /* Degrees whose recurrence would run for ever are refused. */
    sg_tensor *xs = scalar(0.5), *n = scalar(1e12), *out = NULL;
    CHECK_STATUS(sg_special_legendre_polynomial_p(xs, n, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("legendre_polynomial_p: degrees above");
    CHECK(out == NULL);
    CHECK_STATUS(sg_special_laguerre_polynomial_l(xs, NULL, &out), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_tensor_free(xs));
    CHECK_OK(sg_tensor_free(n));
}

static void test_windows(void) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_window_hann(5, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){0, 0.5, 1, 0.5, 0}, 5, "hann(5)");
    CHECK_OK(sg_window_hann(4, false, SG_FLOAT64, &t)); expect_window(t, (const double[]){0, 0.5, 1, 0.5}, 4, "periodic hann(4)");
    CHECK_OK(sg_window_hamming(3, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){0.08, 1, 0.08}, 3, "hamming(3)");
    CHECK_OK(sg_window_blackman(3, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){0, 1, 0}, 3, "blackman(3)");
    CHECK_OK(sg_window_bartlett(5, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){0, 0.5, 1, 0.5, 0}, 5, "bartlett(5)");
    CHECK_OK(sg_window_bartlett(1, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){1}, 1, "bartlett(1)");
    CHECK_OK(sg_window_cosine(2, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){sin(PI / 4), sin(3 * PI / 4)}, 2, "cosine(2)");
    double nuttall_end = 0.3635819 - 0.4891775 + 0.1365995 - 0.0106411;
    CHECK_OK(sg_window_nuttall(3, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){nuttall_end, 1, nuttall_end}, 3, "nuttall(3)");
    CHECK_OK(sg_window_exponential(3, NULL, 1, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){exp(-1), 1, exp(-1)}, 3, "exponential(3)");
    double center = 0;
    CHECK_OK(sg_window_exponential(3, &center, 1, false, SG_FLOAT64, &t)); expect_window(t, (const double[]){1, exp(-1), exp(-2)}, 3, "exponential centered at 0");
    CHECK_OK(sg_window_gaussian(3, 1, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){exp(-0.5), 1, exp(-0.5)}, 3, "gaussian(3)");
    CHECK_OK(sg_window_kaiser(3, 0, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){1, 1, 1}, 3, "kaiser(3, beta 0)");
    double end = 1 / series_i(0, 2);
    CHECK_OK(sg_window_kaiser(3, 2, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){end, 1, end}, 3, "kaiser(3, beta 2)");
    CHECK_OK(sg_window_general_hamming(3, 0.5, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){0, 1, 0}, 3, "general_hamming(3, 1/2)");
    sg_tensor *a = vector((const double[]){0.5, 0.5}, 2);
    CHECK_OK(sg_window_general_cosine(3, a, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){0, 1, 0}, 3, "general_cosine(3, [1/2, 1/2])");
    CHECK_OK(sg_window_hann(0, true, SG_FLOAT64, &t)); expect_window(t, NULL, 0, "hann(0)");
    sg_dtype dtype;
    CHECK_OK(sg_window_hann(3, true, SG_FLOAT32, &t));
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    CHECK(dtype == SG_FLOAT32);
    CHECK_OK(sg_tensor_free(t));

    /* PyTorch's errors, the function it names in each. */
    window_fn plain[] = {sg_window_hann, sg_window_hamming, sg_window_blackman, sg_window_bartlett, sg_window_cosine, sg_window_nuttall};
    for (int k = 0; k < 6; k++) {
        t = NULL;
        CHECK_STATUS(plain[k](-1, true, SG_FLOAT64, &t), SG_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_HAS("requires non-negative window length, got M=-1");
        CHECK(t == NULL);
        CHECK_STATUS(plain[k](3, true, SG_INT64, &t), SG_ERR_DTYPE);
        CHECK_ERROR_HAS("expects float32 or float64 dtypes, got: torch.int64");
        CHECK_STATUS(plain[k](3, true, (sg_dtype)42, &t), SG_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(plain[k](3, true, SG_FLOAT64, NULL), SG_ERR_INVALID_ARGUMENT);
    }
    CHECK_STATUS(sg_window_hann(-1, true, SG_FLOAT64, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("general_cosine requires non-negative window length");
    CHECK_STATUS(sg_window_exponential(3, NULL, 0, true, SG_FLOAT64, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Tau must be positive, got: 0.0 instead.");
    CHECK_STATUS(sg_window_exponential(3, &center, 1, true, SG_FLOAT64, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Center must be None for symmetric windows");
    CHECK_STATUS(sg_window_gaussian(3, -1, true, SG_FLOAT64, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Standard deviation must be positive, got: -1.0 instead.");
    CHECK_STATUS(sg_window_kaiser(3, -1, true, SG_FLOAT64, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("beta must be non-negative, got: -1.0 instead.");
    CHECK_STATUS(sg_window_kaiser((int64_t)1 << 62, 1, true, SG_FLOAT64, &t), SG_ERR_OUT_OF_MEMORY);
    CHECK_STATUS(sg_window_general_hamming(-3, 0.5, true, SG_FLOAT64, &t), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *none = NULL, *grid = NULL;
    CHECK_OK(sg_zeros(NULL, 0, SG_FLOAT64, &none));
    CHECK_OK(sg_zeros((const int64_t[]){0}, 1, SG_FLOAT64, &t));
    CHECK_STATUS(sg_window_general_cosine(3, t, true, SG_FLOAT64, &grid), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Coefficients cannot be empty");
    CHECK_OK(sg_tensor_free(t));
    CHECK_OK(sg_zeros((const int64_t[]){2, 2}, 2, SG_FLOAT64, &t));
    CHECK_STATUS(sg_window_general_cosine(3, t, true, SG_FLOAT64, &grid), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_tensor_free(t));
    CHECK_STATUS(sg_window_general_cosine(3, NULL, true, SG_FLOAT64, &grid), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_window_general_cosine(1, none, true, SG_FLOAT64, &t)); expect_window(t, (const double[]){1}, 1, "general_cosine(1)");
    CHECK_OK(sg_tensor_free(none));
    CHECK_OK(sg_tensor_free(a));
}

int main(void) {
    test_gamma_family();
    test_bessel_and_normal();
    test_polynomials();
    test_windows();
    return check_summary("test_special");
}
