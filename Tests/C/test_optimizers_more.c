/* RMSprop, Adagrad, Adadelta, Adamax, NAdam and RAdam through the C ABI, against their update
   rules written out here in plain C (float64, the textbook forms of PyTorch's documentation), on
   loss = sum(p^3) whose gradient 3 p^2 changes every step; their default options, state names
   (Adagrad's from the start, NAdam's mu_product), option names and PyTorch's refusals. */
#include "check.h"

#define N 3
#define STEPS 7

static sg_tensor *param(const double *values) {
    sg_tensor *t = NULL;
    int64_t n = N;
    CHECK_OK(sg_tensor_from_data(values, &n, 1, SG_FLOAT64, &t));
    CHECK_OK(sg_tensor_set_requires_grad(t, true));
    return t;
}

static void read(const sg_tensor *t, double *values) { CHECK_OK(sg_tensor_copy_to(t, values, N * sizeof(double))); }

static void backward_cubic(sg_tensor *p) {
    sg_tensor *cube = NULL, *loss = NULL;
    CHECK_OK(sg_pow_scalar(p, 3, &cube));
    CHECK_OK(sg_sum(cube, &loss));
    CHECK_OK(sg_backward(loss, NULL, false));
    sg_tensor_free(cube);
    sg_tensor_free(loss);
}

static bool close_to(const double *got, const double *want, double tol) {
    for (int i = 0; i < N; i++)
        if (!(fabs(got[i] - want[i]) <= tol * (1 + fabs(want[i])))) {
            fprintf(stderr, "element %d: got %.17g, want %.17g\n", i, got[i], want[i]);
            return false;
        }
    return true;
}

/* The reference state: up to three buffers and NAdam's running product. */
typedef struct {
    double a[N], b[N], c[N], mu_product;
} reference_state;

typedef void (*reference_step)(double *p, reference_state *s, int t, const void *options);

/* The gradient of sum(p^3), negated for maximize, with weight decay (an L2 penalty). */
static double gradient(const double *p, int i, bool maximize, double weight_decay) {
    double g = 3 * p[i] * p[i];
    return (maximize ? -g : g) + weight_decay * p[i];
}

static void rmsprop_reference(double *p, reference_state *s, int t, const void *options) {
    (void)t;
    const sg_rmsprop_options *o = options;
    for (int i = 0; i < N; i++) {
        double g = gradient(p, i, o->maximize, o->weight_decay);
        s->a[i] = o->alpha * s->a[i] + (1 - o->alpha) * g * g;              /* E[g^2] */
        double variance = s->a[i];
        if (o->centered) {
            s->c[i] = o->alpha * s->c[i] + (1 - o->alpha) * g;              /* E[g] */
            variance -= s->c[i] * s->c[i];
        }
        double scaled = g / (sqrt(variance) + o->eps);
        if (o->momentum > 0) {
            s->b[i] = o->momentum * s->b[i] + scaled;
            p[i] -= o->lr * s->b[i];
        } else {
            p[i] -= o->lr * scaled;
        }
    }
}

static void adagrad_reference(double *p, reference_state *s, int t, const void *options) {
    const sg_adagrad_options *o = options;
    double clr = o->lr / (1 + (t - 1) * o->lr_decay);
    for (int i = 0; i < N; i++) {
        double g = gradient(p, i, o->maximize, o->weight_decay);
        if (t == 1) s->a[i] = o->initial_accumulator_value;
        s->a[i] += g * g;
        p[i] -= clr * g / (sqrt(s->a[i]) + o->eps);
    }
}

static void adadelta_reference(double *p, reference_state *s, int t, const void *options) {
    (void)t;
    const sg_adadelta_options *o = options;
    for (int i = 0; i < N; i++) {
        double g = gradient(p, i, o->maximize, o->weight_decay);
        s->a[i] = o->rho * s->a[i] + (1 - o->rho) * g * g;
        double delta = sqrt(s->b[i] + o->eps) / sqrt(s->a[i] + o->eps) * g;
        s->b[i] = o->rho * s->b[i] + (1 - o->rho) * delta * delta;
        p[i] -= o->lr * delta;
    }
}

static void adamax_reference(double *p, reference_state *s, int t, const void *options) {
    const sg_adamax_options *o = options;
    for (int i = 0; i < N; i++) {
        double g = gradient(p, i, o->maximize, o->weight_decay);
        s->a[i] = o->beta1 * s->a[i] + (1 - o->beta1) * g;
        s->b[i] = fmax(o->beta2 * s->b[i], fabs(g) + o->eps);
        p[i] -= o->lr / (1 - pow(o->beta1, t)) * s->a[i] / s->b[i];
    }
}

static void nadam_reference(double *p, reference_state *s, int t, const void *options) {
    const sg_nadam_options *o = options;
    double mu = o->beta1 * (1 - 0.5 * pow(0.96, t * o->momentum_decay));
    double mu_next = o->beta1 * (1 - 0.5 * pow(0.96, (t + 1) * o->momentum_decay));
    if (t == 1) s->mu_product = 1;
    s->mu_product = (double)((float)s->mu_product * (float)mu); /* kept in float32, as PyTorch */
    for (int i = 0; i < N; i++) {
        double g = gradient(p, i, o->maximize, o->decoupled_weight_decay ? 0 : o->weight_decay);
        if (o->decoupled_weight_decay) p[i] *= 1 - o->lr * o->weight_decay; /* after the gradient was taken */
        s->a[i] = o->beta1 * s->a[i] + (1 - o->beta1) * g;
        s->b[i] = o->beta2 * s->b[i] + (1 - o->beta2) * g * g;
        double denom = sqrt(s->b[i] / (1 - pow(o->beta2, t))) + o->eps;
        p[i] -= o->lr * (1 - mu) / (1 - s->mu_product) * g / denom;
        p[i] -= o->lr * mu_next / (1 - s->mu_product * mu_next) * s->a[i] / denom;
    }
}

static void radam_reference(double *p, reference_state *s, int t, const void *options) {
    const sg_radam_options *o = options;
    double rho_inf = 2 / (1 - o->beta2) - 1;
    double rho_t = rho_inf - 2 * t * pow(o->beta2, t) / (1 - pow(o->beta2, t));
    for (int i = 0; i < N; i++) {
        double g = gradient(p, i, o->maximize, o->decoupled_weight_decay ? 0 : o->weight_decay);
        if (o->decoupled_weight_decay) p[i] *= 1 - o->lr * o->weight_decay; /* after the gradient was taken */
        s->a[i] = o->beta1 * s->a[i] + (1 - o->beta1) * g;
        s->b[i] = o->beta2 * s->b[i] + (1 - o->beta2) * g * g;
        double m_hat = s->a[i] / (1 - pow(o->beta1, t));
        if (rho_t > 5) {
            double l = sqrt(1 - pow(o->beta2, t)) / (sqrt(s->b[i]) + o->eps);
            double r = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
            p[i] -= o->lr * m_hat * l * r;
        } else {
            p[i] -= o->lr * m_hat;
        }
    }
}

typedef sg_status (*make_fn)(const sg_tensor *const *, size_t, const void *, sg_optimizer **);

/* The constructors behind one signature (the options as the reference reads them). */
#define MAKER(name)                                                                                     \
    static sg_status make_##name(const sg_tensor *const *params, size_t n, const void *options,        \
                                 sg_optimizer **out) {                                                 \
        return sg_optimizer_##name(params, n, options, out);                                           \
    }
MAKER(rmsprop)
MAKER(adagrad)
MAKER(adadelta)
MAKER(adamax)
MAKER(nadam)
MAKER(radam)

/* STEPS steps of the library's optimizer against the reference, from p = (0.5, -1, 1.5). */
static void check_rule(const char *what, make_fn make, const void *options, reference_step reference) {
    double start[N] = {0.5, -1.0, 1.5}, want[N], got[N];
    memcpy(want, start, sizeof want);
    reference_state s = {{0}, {0}, {0}, 1};
    sg_tensor *p = param(start);
    sg_optimizer *opt = NULL;
    CHECK_OK(make((const sg_tensor *const *)&p, 1, options, &opt));
    bool ok = true;
    for (int t = 1; t <= STEPS; t++) {
        CHECK_OK(sg_optimizer_zero_grad(opt, true));
        backward_cubic(p);
        CHECK_OK(sg_optimizer_step(opt));
        reference(want, &s, t, options);
        read(p, got);
        ok = ok && close_to(got, want, 1e-12);
    }
    if (!ok) fprintf(stderr, "%s differs from its rule\n", what);
    CHECK(ok);
    sg_tensor *step = NULL;
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "step", &step));
    CHECK(step != NULL && item_of(step) == STEPS);
    sg_tensor_free(step);
    sg_optimizer_free(opt);
    sg_tensor_free(p);
}

static void test_rules(void) {
    sg_rmsprop_options rmsprop = sg_rmsprop_default_options();
    check_rule("RMSprop", make_rmsprop, &rmsprop, rmsprop_reference);
    rmsprop.lr = 0.02, rmsprop.alpha = 0.8, rmsprop.eps = 1e-3, rmsprop.weight_decay = 0.1;
    rmsprop.momentum = 0.7, rmsprop.centered = true, rmsprop.maximize = true;
    check_rule("RMSprop (every option)", make_rmsprop, &rmsprop, rmsprop_reference);

    sg_adagrad_options adagrad = sg_adagrad_default_options();
    check_rule("Adagrad", make_adagrad, &adagrad, adagrad_reference);
    adagrad.lr = 0.2, adagrad.lr_decay = 0.3, adagrad.weight_decay = 0.1, adagrad.initial_accumulator_value = 0.5;
    adagrad.eps = 1e-4, adagrad.maximize = true;
    check_rule("Adagrad (every option)", make_adagrad, &adagrad, adagrad_reference);

    sg_adadelta_options adadelta = sg_adadelta_default_options();
    check_rule("Adadelta", make_adadelta, &adadelta, adadelta_reference);
    adadelta.lr = 0.5, adadelta.rho = 0.7, adadelta.eps = 1e-3, adadelta.weight_decay = 0.2, adadelta.maximize = true;
    check_rule("Adadelta (every option)", make_adadelta, &adadelta, adadelta_reference);

    sg_adamax_options adamax = sg_adamax_default_options();
    check_rule("Adamax", make_adamax, &adamax, adamax_reference);
    adamax.lr = 0.05, adamax.beta1 = 0.7, adamax.beta2 = 0.8, adamax.eps = 1e-3, adamax.weight_decay = 0.1;
    adamax.maximize = true;
    check_rule("Adamax (every option)", make_adamax, &adamax, adamax_reference);

    sg_nadam_options nadam = sg_nadam_default_options();
    check_rule("NAdam", make_nadam, &nadam, nadam_reference);
    nadam.lr = 0.05, nadam.beta1 = 0.8, nadam.beta2 = 0.9, nadam.eps = 1e-4, nadam.weight_decay = 0.1;
    nadam.momentum_decay = 0.05, nadam.maximize = true;
    check_rule("NAdam (L2)", make_nadam, &nadam, nadam_reference);
    nadam.decoupled_weight_decay = true, nadam.maximize = false;
    check_rule("NAdam (decoupled)", make_nadam, &nadam, nadam_reference);

    /* beta2 = 0.8: rho_inf = 9 and rho_t passes 5 at t = 7, so both branches run. */
    sg_radam_options radam = sg_radam_default_options();
    check_rule("RAdam", make_radam, &radam, radam_reference);
    radam.lr = 0.05, radam.beta1 = 0.6, radam.beta2 = 0.8, radam.eps = 1e-4, radam.weight_decay = 0.1;
    radam.maximize = true;
    check_rule("RAdam (L2)", make_radam, &radam, radam_reference);
    radam.decoupled_weight_decay = true, radam.maximize = false;
    check_rule("RAdam (decoupled)", make_radam, &radam, radam_reference);
}

static void test_default_options(void) {
    /* PyTorch's defaults, and each struct's own size. */
    sg_rmsprop_options r = sg_rmsprop_default_options();
    CHECK(r.struct_size == sizeof r && r.lr == 1e-2 && r.alpha == 0.99 && r.eps == 1e-8 && r.weight_decay == 0 &&
          r.momentum == 0 && !r.centered && !r.maximize);
    sg_adagrad_options a = sg_adagrad_default_options();
    CHECK(a.struct_size == sizeof a && a.lr == 1e-2 && a.lr_decay == 0 && a.weight_decay == 0 &&
          a.initial_accumulator_value == 0 && a.eps == 1e-10 && !a.maximize);
    sg_adadelta_options d = sg_adadelta_default_options();
    CHECK(d.struct_size == sizeof d && d.lr == 1.0 && d.rho == 0.9 && d.eps == 1e-6 && d.weight_decay == 0 && !d.maximize);
    sg_adamax_options x = sg_adamax_default_options();
    CHECK(x.struct_size == sizeof x && x.lr == 2e-3 && x.beta1 == 0.9 && x.beta2 == 0.999 && x.eps == 1e-8 &&
          x.weight_decay == 0 && !x.maximize);
    sg_nadam_options n = sg_nadam_default_options();
    CHECK(n.struct_size == sizeof n && n.lr == 2e-3 && n.beta1 == 0.9 && n.beta2 == 0.999 && n.eps == 1e-8 &&
          n.weight_decay == 0 && n.momentum_decay == 4e-3 && !n.decoupled_weight_decay && !n.maximize);
    sg_radam_options q = sg_radam_default_options();
    CHECK(q.struct_size == sizeof q && q.lr == 1e-3 && q.beta1 == 0.9 && q.beta2 == 0.999 && q.eps == 1e-8 &&
          q.weight_decay == 0 && !q.decoupled_weight_decay && !q.maximize);
}

static void test_state_and_options(void) {
    double start[N] = {0.5, -1.0, 1.5};
    sg_tensor *p = param(start), *t = NULL;
    sg_optimizer *opt = NULL;

    /* Adagrad's state exists before any step: step 0 and the sum at initial_accumulator_value. */
    sg_adagrad_options adagrad = sg_adagrad_default_options();
    adagrad.initial_accumulator_value = 0.25;
    CHECK_OK(sg_optimizer_adagrad((const sg_tensor *const *)&p, 1, &adagrad, &opt));
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "step", &t));
    CHECK(t != NULL && item_of(t) == 0);
    sg_tensor_free(t);
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "sum", &t));
    double sum[N];
    read(t, sum);
    CHECK(sum[0] == 0.25 && sum[1] == 0.25 && sum[2] == 0.25);
    sg_tensor_free(t);
    double value = 0;
    CHECK_OK(sg_optimizer_get_option(opt, 0, "initial_accumulator_value", &value));
    CHECK(value == 0.25);
    CHECK_OK(sg_optimizer_set_option(opt, 0, "lr_decay", 0.5));
    CHECK_OK(sg_optimizer_get_option(opt, 0, "lr_decay", &value));
    CHECK(value == 0.5);
    CHECK_STATUS(sg_optimizer_set_option(opt, 0, "lr_decay", -1), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid lr_decay value: -1");
    CHECK_STATUS(sg_optimizer_get_state(opt, 0, 0, "exp_avg", &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Adagrad has no state 'exp_avg'; its state is step, sum");
    sg_optimizer_free(opt);

    /* NAdam: no state before its first step; then mu_product = mu_1 as a float32 0-d tensor. */
    sg_nadam_options nadam = sg_nadam_default_options();
    CHECK_OK(sg_optimizer_nadam((const sg_tensor *const *)&p, 1, &nadam, &opt));
    t = (sg_tensor *)0x1;
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "mu_product", &t));
    CHECK(t == NULL);
    backward_cubic(p);
    CHECK_OK(sg_optimizer_step(opt));
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "mu_product", &t));
    sg_dtype dtype;
    CHECK_OK(sg_tensor_dtype(t, &dtype));
    CHECK(dtype == SG_FLOAT32);
    CHECK(item_of(t) == (double)(float)(0.9 * (1 - 0.5 * pow(0.96, 4e-3))));
    sg_tensor_free(t);
    /* Set back (as load_state_dict does) and read again. */
    sg_tensor *half = NULL;
    CHECK_OK(sg_scalar_double(0.5, &half));
    CHECK_OK(sg_optimizer_set_state(opt, 0, 0, "mu_product", half));
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "mu_product", &t));
    CHECK(item_of(t) == 0.5);
    sg_tensor_free(t);
    sg_tensor_free(half);
    CHECK_OK(sg_optimizer_set_option(opt, 0, "decoupled_weight_decay", 1));
    CHECK_OK(sg_optimizer_get_option(opt, 0, "decoupled_weight_decay", &value));
    CHECK(value == 1);
    CHECK_STATUS(sg_optimizer_set_option(opt, 0, "momentum_decay", -0.5), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid momentum_decay value: -0.5");
    CHECK_STATUS(sg_optimizer_set_option(opt, 0, "rho", 0.5), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("NAdam has no option 'rho'");
    sg_optimizer_free(opt);

    /* RMSprop: the buffers its options call for, and only those. */
    sg_rmsprop_options rmsprop = sg_rmsprop_default_options();
    rmsprop.centered = true;
    CHECK_OK(sg_optimizer_rmsprop((const sg_tensor *const *)&p, 1, &rmsprop, &opt));
    CHECK_OK(sg_optimizer_zero_grad(opt, true));
    backward_cubic(p);
    CHECK_OK(sg_optimizer_step(opt));
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "grad_avg", &t));
    CHECK(t != NULL);
    sg_tensor_free(t);
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "momentum_buffer", &t));
    CHECK(t == NULL);
    sg_optimizer_free(opt);

    /* Adadelta and Adamax and RAdam state names. */
    sg_adadelta_options adadelta = sg_adadelta_default_options();
    CHECK_OK(sg_optimizer_adadelta((const sg_tensor *const *)&p, 1, &adadelta, &opt));
    CHECK_OK(sg_optimizer_zero_grad(opt, true));
    backward_cubic(p);
    CHECK_OK(sg_optimizer_step(opt));
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "acc_delta", &t));
    CHECK(t != NULL);
    sg_tensor_free(t);
    sg_optimizer_free(opt);
    sg_adamax_options adamax = sg_adamax_default_options();
    CHECK_OK(sg_optimizer_adamax((const sg_tensor *const *)&p, 1, &adamax, &opt));
    CHECK_OK(sg_optimizer_zero_grad(opt, true));
    backward_cubic(p);
    CHECK_OK(sg_optimizer_step(opt));
    CHECK_OK(sg_optimizer_get_state(opt, 0, 0, "exp_inf", &t));
    CHECK(t != NULL);
    sg_tensor_free(t);
    sg_optimizer_free(opt);
    sg_radam_options radam = sg_radam_default_options();
    CHECK_OK(sg_optimizer_radam((const sg_tensor *const *)&p, 1, &radam, &opt));
    CHECK_STATUS(sg_optimizer_get_state(opt, 0, 0, "exp_inf", &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("RAdam has no state 'exp_inf'; its state is step, exp_avg, exp_avg_sq");
    sg_optimizer_free(opt);
    sg_tensor_free(p);
}

static void test_refusals(void) {
    double start[N] = {0.5, -1.0, 1.5};
    sg_tensor *p = param(start);
    const sg_tensor *const *ps = (const sg_tensor *const *)&p;
    sg_optimizer *opt = (sg_optimizer *)0x1;

    sg_rmsprop_options r = sg_rmsprop_default_options();
    r.alpha = -0.5;
    CHECK_STATUS(sg_optimizer_rmsprop(ps, 1, &r, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid alpha value: -0.5");
    CHECK(opt == NULL);
    r = sg_rmsprop_default_options();
    r.momentum = -1;
    CHECK_STATUS(sg_optimizer_rmsprop(ps, 1, &r, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid momentum value: -1");

    sg_adagrad_options a = sg_adagrad_default_options();
    a.initial_accumulator_value = -1;
    CHECK_STATUS(sg_optimizer_adagrad(ps, 1, &a, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid initial_accumulator_value value: -1");
    a = sg_adagrad_default_options();
    a.eps = NAN;
    CHECK_STATUS(sg_optimizer_adagrad(ps, 1, &a, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid epsilon value: nan");

    sg_adadelta_options d = sg_adadelta_default_options();
    d.rho = 1.5;
    CHECK_STATUS(sg_optimizer_adadelta(ps, 1, &d, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid rho value: 1.5");
    d = sg_adadelta_default_options();
    d.lr = -1;
    CHECK_STATUS(sg_optimizer_adadelta(ps, 1, &d, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid learning rate: -1");

    sg_adamax_options x = sg_adamax_default_options();
    x.beta1 = 1;
    CHECK_STATUS(sg_optimizer_adamax(ps, 1, &x, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid beta parameter at index 0: 1");

    sg_nadam_options n = sg_nadam_default_options();
    n.beta2 = -0.25;
    CHECK_STATUS(sg_optimizer_nadam(ps, 1, &n, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid beta parameter at index 1: -0.25");
    n = sg_nadam_default_options();
    n.momentum_decay = -1;
    CHECK_STATUS(sg_optimizer_nadam(ps, 1, &n, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid momentum_decay value: -1");

    sg_radam_options q = sg_radam_default_options();
    q.weight_decay = -0.1;
    CHECK_STATUS(sg_optimizer_radam(ps, 1, &q, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid weight_decay value: -0.1");

    /* A struct not made by its default_options() function; NULL out. */
    sg_radam_options unset = {.lr = 0.1};
    CHECK_STATUS(sg_optimizer_radam(ps, 1, &unset, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("options->struct_size is 0, but this library's sg_radam_options is");
    sg_nadam_options other = sg_nadam_default_options();
    other.struct_size -= 8;
    CHECK_STATUS(sg_optimizer_nadam(ps, 1, &other, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("start from its default_options() function");
    CHECK(opt == NULL);
    CHECK_STATUS(sg_optimizer_adamax(ps, 1, NULL, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_optimizer_adadelta(NULL, 1, NULL, &opt), SG_ERR_INVALID_ARGUMENT);

    /* NULL options: the defaults. */
    CHECK_OK(sg_optimizer_rmsprop(ps, 1, NULL, &opt));
    double value = 0;
    CHECK_OK(sg_optimizer_get_option(opt, 0, "alpha", &value));
    CHECK(value == 0.99);
    sg_optimizer_free(opt);
    CHECK_OK(sg_optimizer_adagrad(ps, 1, NULL, &opt));
    CHECK_OK(sg_optimizer_get_option(opt, 0, "eps", &value));
    CHECK(value == 1e-10);
    sg_optimizer_free(opt);
    sg_tensor_free(p);
}

int main(void) {
    test_rules();
    test_default_options();
    test_state_and_options();
    test_refusals();
    return check_summary("test_optimizers_more");
}
