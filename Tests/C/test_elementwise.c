/* The "More elementwise functions" section of the header (scripts/ops/31-elementwise-more.toml)
   through the C ABI: every function called with values worked out by hand (Python's floor
   division and remainder, IEEE signs and infinities, exact roundings), the node names and a few
   gradients, and each documented refusal (integer division by zero, dtypes PyTorch refuses,
   bad alpha and value, shapes that do not broadcast, NULL out-pointers and handles). */
#include <math.h>
#include <stdbool.h>
#include "check.h"

#define V(...) ((const double[]){__VA_ARGS__})
#define I(...) ((const int64_t[]){__VA_ARGS__})
#define B(...) ((const bool[]){__VA_ARGS__})
#define N(a) ((int64_t)(sizeof(a) / sizeof((a)[0])))

static const double PI = 3.14159265358979323846;

static sg_tensor *tensor(const void *values, int64_t n, sg_dtype dtype) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, &n, 1, dtype, &t));
    return t;
}
static sg_tensor *f64(const double *v, int64_t n) { return tensor(v, n, SG_FLOAT64); }
static sg_tensor *i64(const int64_t *v, int64_t n) { return tensor(v, n, SG_INT64); }
static sg_tensor *bools(const bool *v, int64_t n) { return tensor(v, n, SG_BOOL); }
static sg_tensor *f32(const float *v, int64_t n) { return tensor(v, n, SG_FLOAT32); }

static sg_tensor *num(double v) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_scalar_double(v, &t));
    return t;
}
static sg_tensor *inum(int64_t v) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_scalar_int64(v, &t));
    return t;
}

/* t has `dtype` and n elements; copies them into buffer (capacity bytes). */
static int read(const sg_tensor *t, sg_dtype dtype, int64_t n, void *buffer, size_t bytes, const char *what) {
    sg_dtype got = (sg_dtype)-1;
    int64_t numel = -1;
    CHECK_OK(sg_tensor_dtype(t, &got));
    CHECK_OK(sg_tensor_numel(t, &numel));
    check_count++;
    if (got != dtype || numel != n) {
        check_failures++;
        fprintf(stderr, "%s: dtype %d with %lld elements, expected dtype %d with %lld\n", what, (int)got,
                (long long)numel, (int)dtype, (long long)n);
        return 0;
    }
    CHECK_OK(sg_tensor_copy_to(t, buffer, bytes));
    return 1;
}

static int same(double got, double want, double tolerance) {
    if (isnan(want)) return isnan(got);
    if (isinf(want) || want == 0) return got == want && signbit(got) == signbit(want);
    return fabs(got - want) <= tolerance * fabs(want);
}

/* Checks a float64 result (NaN matches NaN, zeros and infinities match with their sign), frees it. */
static void expect(sg_tensor *t, const double *want, int64_t n, const char *what) {
    double got[16];
    if (read(t, SG_FLOAT64, n, got, sizeof got, what)) {
        for (int64_t i = 0; i < n; i++) {
            check_count++;
            if (!same(got[i], want[i], 1e-14)) {
                check_failures++;
                fprintf(stderr, "%s[%lld] = %.17g, expected %.17g\n", what, (long long)i, got[i], want[i]);
            }
        }
    }
    CHECK_OK(sg_tensor_free(t));
}

/* Checks a float32 result against float values, exactly (or within a relative tolerance). */
static void expect32(sg_tensor *t, const float *want, int64_t n, double tolerance, const char *what) {
    float got[16];
    if (read(t, SG_FLOAT32, n, got, sizeof got, what)) {
        for (int64_t i = 0; i < n; i++) {
            check_count++;
            if (!same(got[i], want[i], tolerance)) {
                check_failures++;
                fprintf(stderr, "%s[%lld] = %.9g, expected %.9g\n", what, (long long)i, got[i], want[i]);
            }
        }
    }
    CHECK_OK(sg_tensor_free(t));
}

static void expect_ints(sg_tensor *t, const int64_t *want, int64_t n, const char *what) {
    int64_t got[16];
    if (read(t, SG_INT64, n, got, sizeof got, what)) {
        for (int64_t i = 0; i < n; i++) {
            check_count++;
            if (got[i] != want[i]) {
                check_failures++;
                fprintf(stderr, "%s[%lld] = %lld, expected %lld\n", what, (long long)i, (long long)got[i], (long long)want[i]);
            }
        }
    }
    CHECK_OK(sg_tensor_free(t));
}

static void expect_bools(sg_tensor *t, const bool *want, int64_t n, const char *what) {
    bool got[16];
    if (read(t, SG_BOOL, n, got, sizeof got, what)) {
        for (int64_t i = 0; i < n; i++) {
            check_count++;
            if (got[i] != want[i]) {
                check_failures++;
                fprintf(stderr, "%s[%lld] = %d, expected %d\n", what, (long long)i, got[i], want[i]);
            }
        }
    }
    CHECK_OK(sg_tensor_free(t));
}

/* t's grad_fn is named `name`; frees t. */
static void expect_node(sg_tensor *t, const char *name) {
    char buffer[64] = "";
    CHECK_OK(sg_tensor_grad_fn_name(t, buffer, sizeof buffer, NULL));
    check_count++;
    if (strcmp(buffer, name) != 0) {
        check_failures++;
        fprintf(stderr, "grad_fn %s, expected %s\n", buffer, name);
    }
    CHECK_OK(sg_tensor_free(t));
}

/* The gradient of sum(out) with respect to x (out is freed). */
static sg_tensor *gradient(sg_tensor *out, const sg_tensor *x) {
    sg_tensor *total = NULL, *g = NULL;
    CHECK_OK(sg_sum(out, &total));
    CHECK_OK(sg_backward(total, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &g));
    CHECK_OK(sg_tensor_free(total));
    CHECK_OK(sg_tensor_free(out));
    return g;
}

static void free_all(sg_tensor **list, int n) {
    for (int i = 0; i < n; i++) CHECK_OK(sg_tensor_free(list[i]));
}

static void test_division_family(void) {
    sg_tensor *a = i64(I(7, -7, 7, -7, INT64_MIN), 5), *b = i64(I(2, 2, -2, -2, -1), 5), *t = NULL;
    /* Python: 7 // 2 = 3, -7 // 2 = -4, 7 // -2 = -4, -7 // -2 = 3; INT64_MIN // -1 wraps. */
    CHECK_OK(sg_floor_divide(a, b, &t)); expect_ints(t, I(3, -4, -4, 3, INT64_MIN), 5, "floor_divide int");
    CHECK_OK(sg_div_floor(a, b, &t)); expect_ints(t, I(3, -4, -4, 3, INT64_MIN), 5, "div_floor int");
    CHECK_OK(sg_div_trunc(a, b, &t)); expect_ints(t, I(3, -3, -3, 3, INT64_MIN), 5, "div_trunc int");
    /* % takes the divisor's sign, fmod the dividend's. */
    CHECK_OK(sg_remainder(a, b, &t)); expect_ints(t, I(1, 1, -1, -1, 0), 5, "remainder int");
    CHECK_OK(sg_fmod(a, b, &t)); expect_ints(t, I(1, -1, 1, -1, 0), 5, "fmod int");
    /* A number dividend: 9 % [2, 2, -2, -2, -1], Python's signs. */
    sg_tensor *nine = inum(9);
    CHECK_OK(sg_remainder(nine, b, &t)); expect_ints(t, I(1, 1, -1, -1, 0), 5, "remainder number first");
    /* Integer division by zero is refused, as PyTorch's CPU kernels refuse it. */
    sg_tensor *zero = inum(0), *zeros = i64(I(1, 0, 1, 1, 1), 5);
    t = (sg_tensor *)0x1;
    CHECK_STATUS(sg_remainder(a, zeros, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("ZeroDivisionError");
    CHECK(t == NULL);
    CHECK_STATUS(sg_fmod(a, zero, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_floor_divide(a, zero, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_div_trunc(a, zero, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_div_floor(a, zeros, &t), SG_ERR_INVALID_ARGUMENT);
    /* Bool division is refused with PyTorch's kernel names. */
    sg_tensor *truth = bools(B(true, true), 2);
    CHECK_STATUS(sg_remainder(truth, truth, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"remainder_cpu\" not implemented for 'Bool'");
    CHECK_STATUS(sg_div_trunc(truth, truth, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"div_trunc_cpu\" not implemented for 'Bool'");
    /* Floats: -7.5 // 2 = -4, -7.5 % 2 = 0.5; IEEE division by zero; fmod keeps -0. */
    sg_tensor *x = f64(V(7.5, -7.5, 3, -3, -0.0), 5), *y = f64(V(2, 2, 0, 0, 2), 5);
    CHECK_OK(sg_floor_divide(x, y, &t)); expect(t, V(3, -4, INFINITY, -INFINITY, -0.0), 5, "floor_divide float");
    CHECK_OK(sg_remainder(x, y, &t)); expect(t, V(1.5, 0.5, NAN, NAN, -0.0), 5, "remainder float");
    CHECK_OK(sg_fmod(x, y, &t)); expect(t, V(1.5, -1.5, NAN, NAN, -0.0), 5, "fmod float");
    CHECK_OK(sg_div_trunc(x, y, &t)); expect(t, V(3, -3, INFINITY, -INFINITY, -0.0), 5, "div_trunc float");
    /* An int64 tensor with a float number divides in float32. */
    sg_tensor *half = num(2.5);
    CHECK_OK(sg_fmod(a, half, &t));
    /* -2^63 = -(2.5 * 3689348814741910323 + 0.5) */
    expect32(t, (const float[]){2, -2, 2, -2, -0.5f}, 5, 0, "fmod int by float");
    sg_tensor *list[] = {a, b, nine, zero, zeros, truth, x, y, half};
    free_all(list, N(list));
}

static void test_two_argument_functions(void) {
    sg_tensor *t = NULL;
    sg_tensor *x = f64(V(1, 1, -1, 0), 4), *y = f64(V(1, -1, 0, -2), 4);
    CHECK_OK(sg_atan2(x, y, &t)); expect(t, V(PI / 4, 3 * PI / 4, -PI / 2, PI), 4, "atan2");
    CHECK_OK(sg_copysign(x, y, &t)); expect(t, V(1, -1, 1, -0.0), 4, "copysign");
    sg_tensor *minus = num(-1);
    CHECK_OK(sg_copysign(x, minus, &t)); expect(t, V(-1, -1, -1, -0.0), 4, "copysign number");
    sg_tensor *three = f64(V(3, 5, 8, 0), 4), *four = f64(V(4, 12, 15, 0), 4);
    CHECK_OK(sg_hypot(three, four, &t)); expect(t, V(5, 13, 17, 0), 4, "hypot");
    /* fmax/fmin ignore NaN; heaviside takes values at 0. */
    sg_tensor *p = f64(V(NAN, 1, NAN, 2), 4), *q = f64(V(1, NAN, NAN, 3), 4);
    CHECK_OK(sg_fmax(p, q, &t)); expect(t, V(1, 1, NAN, 3), 4, "fmax");
    CHECK_OK(sg_fmin(p, q, &t)); expect(t, V(1, 1, NAN, 2), 4, "fmin");
    sg_tensor *h = f64(V(-2, 0, 3, 0), 4), *values = f64(V(9, 0.5, 9, 7), 4);
    CHECK_OK(sg_heaviside(h, values, &t)); expect(t, V(0, 0.5, 1, 7), 4, "heaviside");
    /* logaddexp: equal infinities stay; log(e^0 + e^0) = log 2; log2(2^3 + 2^3) = 4. */
    sg_tensor *l = f64(V(INFINITY, -INFINITY, 0, 3), 4), *m = f64(V(INFINITY, -INFINITY, 0, 3), 4);
    CHECK_OK(sg_logaddexp(l, m, &t)); expect(t, V(INFINITY, -INFINITY, log(2), 3 + log(2)), 4, "logaddexp");
    CHECK_OK(sg_logaddexp2(l, m, &t)); expect(t, V(INFINITY, -INFINITY, 1, 4), 4, "logaddexp2");
    /* xlogy: 0 at x == 0 unless y is NaN; 2 log 1 = 0. */
    sg_tensor *xs = f64(V(0, 0, 2, 3), 4), *ys = f64(V(0, NAN, 1, 1), 4);
    CHECK_OK(sg_xlogy(xs, ys, &t)); expect(t, V(0, NAN, 0, 0), 4, "xlogy");
    /* nextafter of 1 toward 2 is 1 + 2^-52; of 0 toward -1 the smallest negative denormal. */
    sg_tensor *n1 = f64(V(1, 0), 2), *n2 = f64(V(2, -1), 2);
    CHECK_OK(sg_nextafter(n1, n2, &t)); expect(t, V(1 + ldexp(1, -52), -ldexp(1, -1074)), 2, "nextafter");
    /* float_power is float64 even for integers: 2^-1 = 0.5; ldexp of integers is float32. */
    sg_tensor *two = i64(I(2, 3), 2), *e = i64(I(-1, 2), 2);
    CHECK_OK(sg_float_power(two, e, &t)); expect(t, V(0.5, 9), 2, "float_power");
    CHECK_OK(sg_ldexp(two, e, &t)); expect32(t, (const float[]){1, 12}, 2, 0, "ldexp");
    /* A float32 tensor scaled by an integer exponent exactly: 2^100 * 2^-90 = 1024, where 2.0^100
       alone would overflow float32. */
    sg_tensor *big = f32((const float[]){0x1p100f, 3}, 2), *exponents = i64(I(-90, -1), 2);
    CHECK_OK(sg_ldexp(big, exponents, &t)); expect32(t, (const float[]){1024, 1.5f}, 2, 0, "ldexp exact");
    CHECK_OK(sg_tensor_free(big));
    CHECK_OK(sg_tensor_free(exponents));
    /* lerp is exact at both ends (weight 0 and 1) and halfway here. */
    sg_tensor *start = f64(V(2, 2, 2), 3), *end = f64(V(6, 6, 6), 3), *w = f64(V(0, 1, 0.5), 3);
    CHECK_OK(sg_lerp(start, end, w, &t)); expect(t, V(2, 6, 4), 3, "lerp");
    sg_tensor *quarter = num(0.25);
    CHECK_OK(sg_lerp(start, end, quarter, &t)); expect(t, V(3, 3, 3), 3, "lerp number weight");
    /* addcmul/addcdiv: 1 + 0.5 * 4 * 3 = 7; 1 + 0.5 * 4 / 8 = 1.25. An integer result
       truncates value (2.5 -> 2). */
    sg_tensor *one = f64(V(1), 1), *four1 = f64(V(4), 1), *three1 = f64(V(3), 1), *eight = f64(V(8), 1);
    CHECK_OK(sg_addcmul(one, four1, three1, 0.5, &t)); expect(t, V(7), 1, "addcmul");
    CHECK_OK(sg_addcdiv(one, four1, eight, 0.5, &t)); expect(t, V(1.25), 1, "addcdiv");
    sg_tensor *seven = i64(I(7), 1), *fourteen = i64(I(14), 1), *unit = i64(I(1), 1);
    CHECK_OK(sg_addcmul(seven, fourteen, unit, 2.5, &t)); expect_ints(t, I(35), 1, "addcmul int");
    /* clamp_min/max promote: int64 by an int number stays int64, by 2.5 becomes float32. */
    sg_tensor *ints = i64(I(1, 5), 2), *lo = inum(2), *hi = num(2.5);
    CHECK_OK(sg_clamp_min(ints, lo, &t)); expect_ints(t, I(2, 5), 2, "clamp_min");
    CHECK_OK(sg_clamp_max(ints, hi, &t)); expect32(t, (const float[]){1, 2.5f}, 2, 0, "clamp_max");
    /* rsub: other - alpha * a = 10 - 3 * [1, 5]; rdiv: other / a. */
    sg_tensor *ten = inum(10), *alpha = inum(3);
    CHECK_OK(sg_rsub(ints, ten, alpha, &t)); expect_ints(t, I(7, -5), 2, "rsub");
    sg_tensor *five = f64(V(4, 0.5), 2);
    CHECK_OK(sg_rdiv(five, ten, &t)); expect(t, V(2.5, 20), 2, "rdiv");
    sg_tensor *list[] = {x, y, minus, three, four, p, q, h, values, l, m, xs, ys, n1, n2, two, e, start, end, w,
                         quarter, one, four1, three1, eight, seven, fourteen, unit, ints, lo, hi, ten, alpha, five};
    free_all(list, N(list));
}

static void test_refusals(void) {
    sg_tensor *t = NULL;
    sg_tensor *ints = i64(I(1, 2), 2), *floats = f64(V(1, 2), 2), *f = f32((const float[]){1, 2}, 2);
    sg_tensor *three = f64(V(1, 2, 3), 3), *truth = bools(B(true, false), 2);
    CHECK_STATUS(sg_hypot(ints, ints, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"hypot_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_logaddexp(ints, ints, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_nextafter(ints, ints, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_heaviside(floats, f, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("heaviside is not yet implemented for tensors with different dtypes.");
    CHECK_STATUS(sg_lerp(f, floats, floats, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("expected dtype float for `end` but got dtype double");
    CHECK_STATUS(sg_lerp(ints, ints, ints, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"lerp_kernel_tensor\" not implemented for 'Long'");
    CHECK_STATUS(sg_addcmul(ints, ints, ints, NAN, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("value cannot be converted to type int64_t without overflow");
    CHECK_STATUS(sg_addcmul(truth, truth, truth, 1, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_addcdiv(floats, ints, ints, 1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Integer division with addcdiv is no longer supported");
    sg_tensor *float_alpha = num(0.5);
    CHECK_STATUS(sg_rsub(ints, ints, float_alpha, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("For integral input tensors, argument alpha must not be a floating point number.");
    CHECK_STATUS(sg_rsub(floats, floats, floats, &t), SG_ERR_INVALID_ARGUMENT); /* alpha of 2 elements */
    CHECK_STATUS(sg_rsub(truth, floats, float_alpha, &t), SG_ERR_DTYPE);
    CHECK_STATUS(sg_ldexp(floats, truth, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"ldexp_cpu_exp\" not implemented for 'Bool'");
    sg_tensor *yes = NULL;
    CHECK_OK(sg_scalar_bool(true, &yes));
    CHECK_STATUS(sg_clamp_max(truth, yes, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"clamp_max_scalar_cpu\" not implemented for 'Bool'");
    CHECK_OK(sg_tensor_free(yes));
    CHECK_STATUS(sg_frac(ints, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"frac_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_round_decimals(ints, 2, &t), SG_ERR_DTYPE);
    CHECK_ERROR_HAS("\"round_cpu\" not implemented for 'Long'");
    CHECK_STATUS(sg_atan2(floats, three, &t), SG_ERR_SHAPE);
    CHECK_ERROR_HAS("The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0");
    CHECK_STATUS(sg_addcmul(floats, floats, three, 1, &t), SG_ERR_SHAPE);
    CHECK_STATUS(sg_lerp(floats, floats, three, &t), SG_ERR_SHAPE);
    CHECK_STATUS(sg_copysign(floats, floats, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_erfinv(floats, NULL), SG_ERR_INVALID_ARGUMENT);
    t = (sg_tensor *)0x1;
    CHECK_STATUS(sg_fmod(NULL, floats, &t), SG_ERR_INVALID_HANDLE);
    CHECK(t == NULL);
    CHECK_STATUS(sg_isnan(NULL, &t), SG_ERR_INVALID_HANDLE);
    sg_tensor *list[] = {ints, floats, f, three, truth, float_alpha};
    free_all(list, N(list));
}

static void test_unary_functions(void) {
    sg_tensor *t = NULL;
    sg_tensor *special = f64(V(NAN, INFINITY, -INFINITY, -0.0, 2, -3.5), 6);
    CHECK_OK(sg_isnan(special, &t)); expect_bools(t, B(true, false, false, false, false, false), 6, "isnan");
    CHECK_OK(sg_isinf(special, &t)); expect_bools(t, B(false, true, true, false, false, false), 6, "isinf");
    CHECK_OK(sg_isfinite(special, &t)); expect_bools(t, B(false, false, false, true, true, true), 6, "isfinite");
    CHECK_OK(sg_isposinf(special, &t)); expect_bools(t, B(false, true, false, false, false, false), 6, "isposinf");
    CHECK_OK(sg_isneginf(special, &t)); expect_bools(t, B(false, false, true, false, false, false), 6, "isneginf");
    CHECK_OK(sg_isreal(special, &t)); expect_bools(t, B(true, true, true, true, true, true), 6, "isreal");
    CHECK_OK(sg_signbit(special, &t)); expect_bools(t, B(false, false, true, true, false, true), 6, "signbit");
    CHECK_OK(sg_sgn(special, &t)); expect(t, V(0, 1, -1, 0, 1, -1), 6, "sgn");
    CHECK_OK(sg_angle(special, &t)); expect(t, V(NAN, 0, PI, 0, 0, PI), 6, "angle");
    CHECK_OK(sg_frac(special, &t)); expect(t, V(NAN, NAN, NAN, 0, 0, -0.5), 6, "frac"); /* -0 - -0 = +0 */
    CHECK_OK(sg_nan_to_num(special, NULL, NULL, NULL, &t));
    expect(t, V(0, 1.7976931348623157e308, -1.7976931348623157e308, -0.0, 2, -3.5), 6, "nan_to_num");
    double nan_value = 1, posinf = 2, neginf = -2;
    CHECK_OK(sg_nan_to_num(special, &nan_value, &posinf, &neginf, &t)); expect(t, V(1, 2, -2, -0.0, 2, -3.5), 6, "nan_to_num values");
    sg_tensor *ints = i64(I(-3, 0, 180), 3);
    CHECK_OK(sg_isfinite(ints, &t)); expect_bools(t, B(true, true, true), 3, "isfinite int");
    CHECK_OK(sg_signbit(ints, &t)); expect_bools(t, B(true, false, false), 3, "signbit int");
    CHECK_OK(sg_nan_to_num(ints, NULL, NULL, NULL, &t)); expect_ints(t, I(-3, 0, 180), 3, "nan_to_num int");
    CHECK_OK(sg_deg2rad(ints, &t)); expect32(t, (const float[]){-3 * (float)(PI / 180), 0, (float)PI}, 3, 1e-7, "deg2rad int");
    sg_tensor *radians = f64(V(PI, -PI / 2), 2);
    CHECK_OK(sg_rad2deg(radians, &t)); expect(t, V(180, -90), 2, "rad2deg");
    /* sinc: 1 at 0, 2/pi at 1/2, sin(pi)/pi (not quite 0) at 1. */
    sg_tensor *s = f64(V(0, 0.5, -0.5), 3);
    CHECK_OK(sg_sinc(s, &t)); expect(t, V(1, 2 / PI, 2 / PI), 3, "sinc");
    /* logit: log(0.25 / 0.75) = -log 3; 1 gives inf; with eps 0.2, 0.01 becomes 0.2: log(1/4). */
    sg_tensor *probabilities = f64(V(0.25, 1, 0.01), 3);
    CHECK_OK(sg_logit(probabilities, NULL, &t)); expect(t, V(-log(3), INFINITY, log(0.01 / 0.99)), 3, "logit");
    double eps = 0.2;
    CHECK_OK(sg_logit(probabilities, &eps, &t)); expect(t, V(-log(3), -log(0.25), log(0.25)), 3, "logit eps");
    /* erfinv inverts erf in both branches; +-1 give +-inf. */
    sg_tensor *values = f64(V(erf(0.3), erf(-1.2), 1, -1, 1.5), 5);
    CHECK_OK(sg_erfinv(values, &t));
    double got[5];
    if (read(t, SG_FLOAT64, 5, got, sizeof got, "erfinv")) {
        CHECK(fabs(got[0] - 0.3) < 1e-14 && fabs(got[1] + 1.2) < 1e-13);
        CHECK(got[2] == INFINITY && got[3] == -INFINITY && isnan(got[4]));
    }
    CHECK_OK(sg_tensor_free(t));
    /* round(decimals): 0.125 * 100 = 12.5 rounds to even: 0.12; 1250 / 100 = 12.5: 1200. */
    sg_tensor *r = f64(V(0.125, 1250, -151, 0.375), 4);
    CHECK_OK(sg_round_decimals(r, 2, &t)); expect(t, V(0.12, 1250, -151, 0.38), 4, "round 2");
    CHECK_OK(sg_round_decimals(r, -2, &t)); expect(t, V(0, 1200, -200, 0), 4, "round -2");
    sg_tensor *list[] = {special, ints, radians, s, probabilities, values, r};
    free_all(list, N(list));
}

static void test_node_names_and_gradients(void) {
    sg_tensor *x = f64(V(1, -1), 2), *y = f64(V(1, 1), 2), *t = NULL, *g = NULL;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_tensor_set_requires_grad(y, true));
    /* d atan2(x, y)/dx = y / (x^2 + y^2) = 1/2 at (+-1, 1). */
    CHECK_OK(sg_atan2(x, y, &t)); g = gradient(t, x); expect(g, V(0.5, 0.5), 2, "atan2 gradient");
    /* d fmod(x, 0.75)/dx = 1 everywhere but the jumps. */
    sg_tensor *threequarters = num(0.75), *two = num(2);
    CHECK_OK(sg_tensor_zero_grad(x));
    CHECK_OK(sg_fmod(x, threequarters, &t)); g = gradient(t, x); expect(g, V(1, 1), 2, "fmod gradient");
    CHECK_OK(sg_fmod(x, y, &t)); expect_node(t, "FmodBackward1");
    CHECK_OK(sg_fmod(x, two, &t)); expect_node(t, "FmodBackward0");
    CHECK_OK(sg_remainder(x, y, &t)); expect_node(t, "RemainderBackward1");
    CHECK_OK(sg_copysign(x, two, &t)); expect_node(t, "CopysignBackward1");
    CHECK_OK(sg_xlogy(two, y, &t)); expect_node(t, "XlogyBackward1");
    CHECK_OK(sg_xlogy(x, two, &t)); expect_node(t, "XlogyBackward2");
    CHECK_OK(sg_lerp(x, y, two, &t)); expect_node(t, "LerpBackward0");
    CHECK_OK(sg_lerp(x, y, y, &t)); expect_node(t, "LerpBackward1");
    CHECK_OK(sg_clamp_min(x, two, &t)); expect_node(t, "ClampMinBackward0");
    CHECK_OK(sg_clamp_max(x, y, &t)); expect_node(t, "ClampMaxBackward1");
    CHECK_OK(sg_float_power(x, two, &t)); expect_node(t, "PowBackward0");
    CHECK_OK(sg_div_floor(x, y, &t)); expect_node(t, "DivBackward2");
    CHECK_OK(sg_rdiv(x, y, &t)); expect_node(t, "MulBackward0");
    CHECK_OK(sg_round_decimals(x, 1, &t)); expect_node(t, "RoundBackward1");
    /* floor_divide has no derivative: backward through it fails. */
    sg_tensor *total = NULL;
    CHECK_OK(sg_floor_divide(x, y, &t));
    CHECK_OK(sg_sum(t, &total));
    CHECK_STATUS(sg_backward(total, NULL, false), SG_ERR_AUTOGRAD);
    CHECK_ERROR_HAS("derivative for aten::floor_divide is not implemented");
    expect_node(t, "NotImplemented");
    CHECK_OK(sg_tensor_free(total));
    sg_tensor *list[] = {x, y, threequarters, two};
    free_all(list, N(list));
}

/* frexp: x = mantissa * 2^exponent, |mantissa| in [0.5, 1), by hand: 3 = 0.75 * 2^2,
   -5.5 = -0.6875 * 2^3, 2^-1030 (a subnormal) = 0.5 * 2^-1029; 0 and inf are their own mantissa. */
static void test_frexp(void) {
    sg_tensor *x = f64(V(3, -5.5, 0, INFINITY, 0x1p-1030), 5), *mantissa = NULL, *exponent = NULL;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    /* (the expect helpers free what they check) */
    CHECK_OK(sg_frexp(x, &mantissa, &exponent));
    expect(mantissa, V(0.75, -0.6875, 0, INFINITY, 0.5), 5, "frexp mantissa");
    sg_dtype dtype = SG_FLOAT32;
    CHECK_OK(sg_tensor_dtype(exponent, &dtype));
    CHECK(dtype == SG_INT32);
    sg_tensor *wide = NULL;
    CHECK_OK(sg_to_dtype(exponent, SG_INT64, &wide));
    CHECK_OK(sg_tensor_free(exponent));
    expect_ints(wide, I(2, 3, 0, 0, -1029), 5, "frexp exponent");
    CHECK_OK(sg_frexp(x, &mantissa, &exponent));
    CHECK_OK(sg_tensor_free(exponent));
    expect_node(mantissa, "FrexpBackward0");
    /* d mantissa / dx = 2^-exponent (2^1029 overflows a double). */
    CHECK_OK(sg_frexp(x, &mantissa, &exponent));
    CHECK_OK(sg_tensor_free(exponent));
    expect(gradient(mantissa, x), V(0.25, 0.125, 1, 1, INFINITY), 5, "frexp gradient");
    sg_tensor *ints = i64(I(1, 2), 2), *out = NULL;
    CHECK_STATUS(sg_frexp(ints, &mantissa, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("torch.frexp() only supports floating-point dtypes");
    CHECK_STATUS(sg_frexp(x, NULL, &out), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *list[] = {x, ints};
    free_all(list, N(list));
}

int main(void) {
    test_frexp();
    test_division_family();
    test_two_argument_functions();
    test_refusals();
    test_unary_functions();
    test_node_names_and_gradients();
    return check_summary("test_elementwise");
}
