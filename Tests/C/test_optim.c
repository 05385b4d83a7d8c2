/* The optimizers through the C ABI: SGD (momentum, dampening, Nesterov, weight decay, maximize),
   Adam (L2, amsgrad) and AdamW against the textbook update rules written out here in plain C
   (float64), plus groups, options, zero_grad and every way of misusing an optimizer handle. */
#include "check.h"

#define N 3
#define FREE_ALL(...)                                                                    \
    do {                                                                                 \
        sg_tensor *list_[] = {__VA_ARGS__};                                              \
        for (size_t i_ = 0; i_ < sizeof list_ / sizeof *list_; i_++) sg_tensor_free(list_[i_]); \
    } while (0)

static sg_tensor *param(const double *values) {
    sg_tensor *t = NULL;
    int64_t n = N;
    CHECK_OK(sg_tensor_from_data(values, &n, 1, SG_FLOAT64, &t));
    CHECK_OK(sg_tensor_set_requires_grad(t, true));
    return t;
}

static void read(const sg_tensor *t, double *values) { CHECK_OK(sg_tensor_copy_to(t, values, N * sizeof(double))); }

/* loss = sum(p^3), so the gradient is 3 p^2 (changes every step, unlike a quadratic's sign). */
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

typedef struct {
    double lr, momentum, dampening, weight_decay;
    bool nesterov, maximize;
} sgd_options;

/* SGD's options from PyTorch's defaults with these changed. */
static sg_sgd_options sgd(double lr, double momentum, double dampening, double weight_decay, bool nesterov) {
    sg_sgd_options o = sg_sgd_default_options();
    o.lr = lr, o.momentum = momentum, o.dampening = dampening, o.weight_decay = weight_decay, o.nesterov = nesterov;
    return o;
}

/* Adam's options from PyTorch's defaults with these changed. */
static sg_adam_options adam(double lr, double beta1, double beta2, double eps, bool amsgrad) {
    sg_adam_options o = sg_adam_default_options();
    o.lr = lr, o.beta1 = beta1, o.beta2 = beta2, o.eps = eps, o.amsgrad = amsgrad;
    return o;
}

static void sgd_reference(double *p, double *buf, int step, sgd_options o) {
    for (int i = 0; i < N; i++) {
        double g = 3 * p[i] * p[i];
        if (o.maximize) g = -g;
        g += o.weight_decay * p[i];
        if (o.momentum != 0) {
            buf[i] = step == 1 ? g : o.momentum * buf[i] + (1 - o.dampening) * g;
            g = o.nesterov ? g + o.momentum * buf[i] : buf[i];
        }
        p[i] -= o.lr * g;
    }
}

static void check_sgd(sgd_options o) {
    double start[N] = {0.5, -1.0, 1.5}, want[N], buf[N] = {0}, got[N];
    memcpy(want, start, sizeof want);
    sg_tensor *p = param(start);
    sg_optimizer *opt = NULL;
    sg_sgd_options options = sg_sgd_default_options();
    options.lr = o.lr, options.momentum = o.momentum, options.dampening = o.dampening;
    options.weight_decay = o.weight_decay, options.nesterov = o.nesterov, options.maximize = o.maximize;
    CHECK_OK(sg_optimizer_sgd((const sg_tensor *const *)&p, 1, &options, &opt));
    for (int step = 1; step <= 4; step++) {
        CHECK_OK(sg_optimizer_zero_grad(opt, true));
        backward_cubic(p);
        CHECK_OK(sg_optimizer_step(opt));
        sgd_reference(want, buf, step, o);
    }
    read(p, got);
    CHECK(close_to(got, want, 1e-13));
    CHECK_OK(sg_optimizer_free(opt));
    sg_tensor_free(p);
}

typedef struct {
    double lr, beta1, beta2, eps, weight_decay;
    bool amsgrad, maximize, decoupled;
} adam_options;

/* Adam as in Kingma & Ba with bias-corrected moments; AdamW decays the weights first. */
static void adam_reference(double *p, double *m, double *v, double *vmax, int t, adam_options o) {
    for (int i = 0; i < N; i++) {
        double g = 3 * p[i] * p[i];
        if (o.maximize) g = -g;
        if (o.decoupled) p[i] *= 1 - o.lr * o.weight_decay;
        else g += o.weight_decay * p[i];
        m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
        v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
        if (vmax[i] < v[i]) vmax[i] = v[i];
        double m_hat = m[i] / (1 - pow(o.beta1, t));
        double v_hat = (o.amsgrad ? vmax[i] : v[i]) / (1 - pow(o.beta2, t));
        p[i] -= o.lr * m_hat / (sqrt(v_hat) + o.eps);
    }
}

static void check_adam(adam_options o) {
    double start[N] = {0.5, -1.0, 1.5}, want[N], m[N] = {0}, v[N] = {0}, vmax[N] = {0}, got[N];
    memcpy(want, start, sizeof want);
    sg_tensor *p = param(start);
    sg_optimizer *opt = NULL;
    sg_adam_options options = o.decoupled ? sg_adamw_default_options() : sg_adam_default_options();
    options.lr = o.lr, options.beta1 = o.beta1, options.beta2 = o.beta2, options.eps = o.eps;
    options.weight_decay = o.weight_decay, options.amsgrad = o.amsgrad, options.maximize = o.maximize;
    CHECK_OK((o.decoupled ? sg_optimizer_adamw : sg_optimizer_adam)((const sg_tensor *const *)&p, 1, &options, &opt));
    for (int t = 1; t <= 5; t++) {
        CHECK_OK(sg_optimizer_zero_grad(opt, false));
        backward_cubic(p);
        CHECK_OK(sg_optimizer_step(opt));
        adam_reference(want, m, v, vmax, t, o);
    }
    read(p, got);
    CHECK(close_to(got, want, 1e-12));
    CHECK_OK(sg_optimizer_free(opt));
    sg_tensor_free(p);
}

static void test_rules(void) {
    check_sgd((sgd_options){.lr = 0.1});
    check_sgd((sgd_options){.lr = 0.05, .momentum = 0.9});
    check_sgd((sgd_options){.lr = 0.05, .momentum = 0.9, .dampening = 0.3, .weight_decay = 0.01});
    check_sgd((sgd_options){.lr = 0.05, .momentum = 0.8, .nesterov = true, .weight_decay = 0.1});
    check_sgd((sgd_options){.lr = 0.01, .momentum = 0.5, .maximize = true});
    check_adam((adam_options){.lr = 0.1, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8});
    check_adam((adam_options){.lr = 0.05, .beta1 = 0.8, .beta2 = 0.9, .eps = 1e-6, .weight_decay = 0.1});
    check_adam((adam_options){.lr = 0.05, .beta1 = 0.9, .beta2 = 0.99, .eps = 1e-8, .amsgrad = true});
    check_adam((adam_options){.lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .maximize = true});
    check_adam((adam_options){.lr = 0.1, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.01,
                              .decoupled = true});
    check_adam((adam_options){.lr = 0.1, .beta1 = 0.5, .beta2 = 0.9, .eps = 1e-8, .weight_decay = 0.1,
                              .decoupled = true, .amsgrad = true});
}

/* Two groups with their own learning rates; a parameter without a gradient is left alone; the
   optimizer keeps its parameters alive after the caller frees its handles. */
static void test_groups_and_options(void) {
    double a0[N] = {1, 2, 3}, b0[N] = {-1, -2, -3}, got[N];
    sg_tensor *a = param(a0), *b = param(b0), *idle = param(a0);
    sg_optimizer *opt = NULL;
    const sg_tensor *first[] = {a, idle};
    CHECK_OK(sg_optimizer_sgd(first, 2, (sg_sgd_options[]){sgd(0.1, 0, 0, 0, false)}, &opt));
    CHECK_OK(sg_optimizer_add_param_group(opt, (const sg_tensor *const *)&b, 1));
    size_t count = 0;
    CHECK_OK(sg_optimizer_param_group_count(opt, &count));
    CHECK(count == 2);
    CHECK_OK(sg_optimizer_param_count(opt, 0, &count));
    CHECK(count == 2);
    sg_tensor *second = NULL;
    CHECK_OK(sg_optimizer_param(opt, 0, 1, &second));
    CHECK_OK(sg_tensor_set_grad(idle, NULL));
    sg_tensor_free(second);
    CHECK_OK(sg_optimizer_set_option(opt, 1, "lr", 0.01));
    double lr = 0;
    CHECK_OK(sg_optimizer_get_option(opt, 1, "lr", &lr));
    CHECK(lr == 0.01);
    CHECK_OK(sg_optimizer_get_option(opt, 0, "lr", &lr));
    CHECK(lr == 0.1);
    double nesterov = -1;
    CHECK_OK(sg_optimizer_get_option(opt, 0, "nesterov", &nesterov));
    CHECK(nesterov == 0);

    backward_cubic(a);
    backward_cubic(b);
    CHECK_OK(sg_optimizer_step(opt));
    read(a, got);
    CHECK(close_to(got, (double[]){1 - 0.3, 2 - 1.2, 3 - 2.7}, 1e-15));
    read(b, got);
    CHECK(close_to(got, (double[]){-1 - 0.03, -2 - 0.12, -3 - 0.27}, 1e-15));
    read(idle, got);
    CHECK(close_to(got, a0, 0));

    /* zero_grad: to zeros, then to none. */
    sg_tensor *grad = NULL;
    CHECK_OK(sg_optimizer_zero_grad(opt, false));
    CHECK_OK(sg_tensor_grad(a, &grad));
    CHECK(grad != NULL);
    read(grad, got);
    CHECK(close_to(got, (double[]){0, 0, 0}, 0));
    sg_tensor_free(grad);
    CHECK_OK(sg_optimizer_zero_grad(opt, true));
    CHECK_OK(sg_tensor_grad(a, &grad));
    CHECK(grad == NULL);

    /* Options that are only valid together change together. */
    sg_optimizer *nesterov_sgd = NULL;
    CHECK_OK(sg_optimizer_sgd((const sg_tensor *const *)&a, 1, (sg_sgd_options[]){sgd(0.1, 0.9, 0, 0, true)}, &nesterov_sgd));
    CHECK_STATUS(sg_optimizer_set_option(nesterov_sgd, 0, "momentum", 0), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Nesterov momentum requires a momentum and zero dampening");
    const char *names[] = {"momentum", "nesterov"};
    CHECK_STATUS(sg_optimizer_set_options(nesterov_sgd, 0, names, (double[]){0, 1}, 2), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_optimizer_get_option(nesterov_sgd, 0, "momentum", &nesterov));
    CHECK(nesterov == 0.9); /* a refused change changes nothing */
    CHECK_OK(sg_optimizer_set_options(nesterov_sgd, 0, names, (double[]){0, 0}, 2));
    CHECK_OK(sg_optimizer_get_option(nesterov_sgd, 0, "nesterov", &nesterov));
    CHECK(nesterov == 0);
    CHECK_OK(sg_optimizer_set_options(nesterov_sgd, 0, NULL, NULL, 0));
    CHECK_STATUS(sg_optimizer_set_options(nesterov_sgd, 0, names, NULL, 2), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_optimizer_set_options(nesterov_sgd, 0, (const char *[]){"momentum", "eps"}, (double[]){0, 1}, 2),
                 SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("SGD has no option 'eps'");
    CHECK_STATUS(sg_optimizer_set_options(nesterov_sgd, 0, names, (double[]){0, 0}, 65), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_optimizer_free(nesterov_sgd));

    /* Learning-rate schedule: lr 0 makes a step a no-op. */
    CHECK_OK(sg_optimizer_set_option(opt, 0, "lr", 0));
    double before[N];
    read(a, before);
    backward_cubic(a);
    CHECK_OK(sg_optimizer_step(opt));
    read(a, got);
    CHECK(close_to(got, before, 0));

    /* Handles freed by the caller: the optimizer still holds the tensors. */
    CHECK_OK(sg_optimizer_zero_grad(opt, true));
    int64_t live = sg_live_tensor_count();
    sg_tensor_free(a);
    sg_tensor_free(b);
    sg_tensor_free(idle);
    CHECK(sg_live_tensor_count() == live);
    CHECK_OK(sg_optimizer_free(opt));
    CHECK(sg_live_tensor_count() == live - 3);
}

/* A non-contiguous parameter (a transposed leaf) is updated through a copy written back. */
/* Checkpointing: state read from one optimizer and written into a fresh one continues the run
   exactly as if it had never stopped. */
static void test_state_round_trip(void) {
    double start[N] = {0.5, -1.0, 1.5}, got[N], want[N];
    sg_tensor *p = param(start), *q = param(start);
    sg_optimizer *a = NULL, *b = NULL;
    CHECK_OK(sg_optimizer_adam((const sg_tensor *const *)&p, 1, (sg_adam_options[]){adam(0.1, 0.9, 0.999, 1e-8, true)}, &a));
    sg_tensor *none = (sg_tensor *)0x1;
    CHECK_OK(sg_optimizer_get_state(a, 0, 0, "exp_avg", &none));
    CHECK(none == NULL); /* nothing before the first step */
    for (int i = 0; i < 3; i++) {
        CHECK_OK(sg_optimizer_zero_grad(a, true));
        backward_cubic(p);
        CHECK_OK(sg_optimizer_step(a));
    }
    /* A second optimizer over a copy of the parameter, given a's state. */
    sg_tensor *values = NULL;
    CHECK_OK(sg_tensor_detach(p, &values));
    CHECK_OK(sg_optimizer_adam((const sg_tensor *const *)&q, 1, (sg_adam_options[]){adam(0.1, 0.9, 0.999, 1e-8, true)}, &b));
    bool previous;
    CHECK_OK(sg_set_grad_enabled(false, &previous));
    CHECK_OK(sg_copy_(q, values));
    CHECK_OK(sg_set_grad_enabled(true, NULL));
    const char *names[] = {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
    for (int k = 0; k < 4; k++) {
        sg_tensor *s = NULL;
        CHECK_OK(sg_optimizer_get_state(a, 0, 0, names[k], &s));
        CHECK(s != NULL);
        if (k == 0) CHECK(item_of(s) == 3);
        CHECK_OK(sg_optimizer_set_state(b, 0, 0, names[k], s));
        sg_tensor_free(s);
    }
    for (int i = 0; i < 2; i++) {
        sg_optimizer *opts[2] = {a, b};
        sg_tensor *ps[2] = {p, q};
        for (int k = 0; k < 2; k++) {
            CHECK_OK(sg_optimizer_zero_grad(opts[k], true));
            backward_cubic(ps[k]);
            CHECK_OK(sg_optimizer_step(opts[k]));
        }
    }
    read(p, want);
    read(q, got);
    CHECK(close_to(got, want, 0));
    /* Refusals. */
    sg_tensor *wrong = NULL;
    int64_t two = 2;
    CHECK_OK(sg_zeros(&two, 1, SG_FLOAT64, &wrong));
    CHECK_STATUS(sg_optimizer_set_state(b, 0, 0, "exp_avg", wrong), SG_ERR_SHAPE);
    CHECK_STATUS(sg_optimizer_set_state(b, 0, 0, "momentum_buffer", NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Adam has no state 'momentum_buffer'; its state is step, exp_avg, exp_avg_sq, max_exp_avg_sq");
    CHECK_STATUS(sg_optimizer_get_state(b, 0, 1, "step", &none), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("index 1 is out of range for a group of 1 parameters");
    CHECK_STATUS(sg_optimizer_get_state(b, 0, 0, "step", NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor *half = NULL;
    CHECK_OK(sg_full(NULL, 0, 1.5, SG_FLOAT32, &half));
    CHECK_STATUS(sg_optimizer_set_state(b, 0, 0, "step", half), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("step must be a non-negative whole number, got 1.5");
    CHECK_OK(sg_optimizer_set_state(b, 0, 0, "exp_avg", NULL));
    CHECK_OK(sg_optimizer_get_state(b, 0, 0, "exp_avg", &none));
    CHECK(none == NULL);
    FREE_ALL(wrong, half, values, p, q);
    sg_optimizer_free(a);
    sg_optimizer_free(b);
}

static void test_non_contiguous(void) {
    double values[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[] = {2, 3};
    sg_tensor *base = NULL, *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, shape, 2, SG_FLOAT64, &base));
    CHECK_OK(sg_transpose(base, 0, 1, &t));
    sg_tensor_free(base);
    CHECK_OK(sg_tensor_set_requires_grad(t, true));
    sg_optimizer *opt = NULL;
    CHECK_OK(sg_optimizer_sgd((const sg_tensor *const *)&t, 1, (sg_sgd_options[]){sgd(0.5, 0, 0, 0, false)}, &opt));
    sg_tensor *s = NULL;
    CHECK_OK(sg_sum(t, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_OK(sg_optimizer_step(opt));
    CHECK_REPR(t, "tensor([[0.5000, 3.5000],\n        [1.5000, 4.5000],\n        [2.5000, 5.5000]], dtype=torch.float64, requires_grad=True)");
    sg_tensor_free(s);
    sg_optimizer_free(opt);
    sg_tensor_free(t);
}

/* NULL options are PyTorch's defaults, which the default_options() functions also return. */
static void test_default_options(void) {
    sg_sgd_options sgd_defaults = sg_sgd_default_options();
    CHECK(sgd_defaults.struct_size == sizeof(sg_sgd_options) && sgd_defaults.lr == 1e-3 && sgd_defaults.momentum == 0 &&
          sgd_defaults.dampening == 0 && sgd_defaults.weight_decay == 0 && !sgd_defaults.nesterov && !sgd_defaults.maximize);
    sg_adam_options adam_defaults = sg_adam_default_options(), adamw_defaults = sg_adamw_default_options();
    CHECK(adam_defaults.struct_size == sizeof(sg_adam_options) && adam_defaults.lr == 1e-3 && adam_defaults.beta1 == 0.9 &&
          adam_defaults.beta2 == 0.999 && adam_defaults.eps == 1e-8 && adam_defaults.weight_decay == 0 &&
          !adam_defaults.amsgrad && !adam_defaults.maximize);
    CHECK(adamw_defaults.weight_decay == 1e-2 && adamw_defaults.lr == 1e-3 && adamw_defaults.beta2 == 0.999);

    double v[N] = {1, 2, 3};
    sg_tensor *p = param(v);
    const char *names[] = {"lr", "momentum", "weight_decay", "beta1", "beta2", "eps"};
    /* SGD, Adam, AdamW: which options to read, and their expected values. */
    struct { int first, count; double want[6]; } cases[] = {
        {0, 3, {1e-3, 0, 0}},
        {2, 4, {0, 0, 0, 0.9, 0.999, 1e-8}},
        {2, 4, {0, 0, 1e-2, 0.9, 0.999, 1e-8}},
    };
    for (size_t c = 0; c < 3; c++) {
        sg_optimizer *opt = NULL;
        const sg_tensor *const *params = (const sg_tensor *const *)&p;
        CHECK_OK(c == 0 ? sg_optimizer_sgd(params, 1, NULL, &opt)
                 : c == 1 ? sg_optimizer_adam(params, 1, NULL, &opt) : sg_optimizer_adamw(params, 1, NULL, &opt));
        double value = -1;
        CHECK_OK(sg_optimizer_get_option(opt, 0, "lr", &value));
        CHECK(value == 1e-3);
        for (int k = cases[c].first; k < cases[c].first + cases[c].count; k++) {
            CHECK_OK(sg_optimizer_get_option(opt, 0, names[k], &value));
            CHECK(value == cases[c].want[k]);
        }
        CHECK_OK(sg_optimizer_free(opt));
    }
    sg_tensor_free(p);
}

static void test_misuse(void) {
    double v[N] = {1, 2, 3};
    sg_tensor *p = param(v), *q = NULL, *ints = NULL;
    sg_optimizer *opt = (sg_optimizer *)0x1;
    int64_t n = N;
    int64_t iv[N] = {1, 2, 3};
    CHECK_OK(sg_tensor_from_data(iv, &n, 1, SG_INT64, &ints));
    CHECK_OK(sg_mul_scalar(p, 2, &q));
    const sg_tensor *ps[] = {p, p};

    CHECK_STATUS(sg_optimizer_sgd(ps, 1, (sg_sgd_options[]){sgd(-1, 0, 0, 0, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK(opt == NULL);
    CHECK_ERROR_HAS("Invalid learning rate: -1");
    CHECK_STATUS(sg_optimizer_sgd(ps, 1, (sg_sgd_options[]){sgd(0.1, -0.5, 0, 0, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid momentum value: -0.5");
    CHECK_STATUS(sg_optimizer_sgd(ps, 1, (sg_sgd_options[]){sgd(0.1, 0, 0, 0, true)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Nesterov momentum requires a momentum and zero dampening");
    CHECK_STATUS(sg_optimizer_adam(ps, 1, (sg_adam_options[]){adam(0.1, 1.0, 0.999, 1e-8, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid beta parameter at index 0: 1");
    CHECK_STATUS(sg_optimizer_adamw(ps, 1, (sg_adam_options[]){adam(0.1, 0.9, -0.1, 1e-8, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid beta parameter at index 1: -0.1");
    CHECK_STATUS(sg_optimizer_adam(ps, 1, (sg_adam_options[]){adam(0.1, 0.9, 0.999, -1, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid epsilon value: -1");
    CHECK_STATUS(sg_optimizer_adam(ps, 1, (sg_adam_options[]){adam(NAN, 0.9, 0.999, 1e-8, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid learning rate: nan");
    CHECK_STATUS(sg_optimizer_sgd(ps, 2, (sg_sgd_options[]){sgd(0.1, 0, 0, 0, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("some parameters appear in more than one parameter group");
    CHECK_STATUS(sg_optimizer_sgd((const sg_tensor *const *)&q, 1, (sg_sgd_options[]){sgd(0.1, 0, 0, 0, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("can't optimize a non-leaf Tensor");
    CHECK_STATUS(sg_optimizer_sgd((const sg_tensor *const *)&ints, 1, (sg_sgd_options[]){sgd(0.1, 0, 0, 0, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("optimizer can only optimize Tensors of floating point dtype, but one of the params is torch.int64");
    CHECK_STATUS(sg_optimizer_sgd(NULL, 1, (sg_sgd_options[]){sgd(0.1, 0, 0, 0, false)}, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_optimizer_sgd(ps, 1, (sg_sgd_options[]){sgd(0.1, 0, 0, 0, false)}, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK(opt == NULL);
    /* An options struct not made by its default_options() function (struct_size 0, or another
       version's size) is refused, naming the sizes. */
    sg_sgd_options unset = {.lr = 0.1};
    CHECK_STATUS(sg_optimizer_sgd(ps, 1, &unset, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("options->struct_size is 0, but this library's sg_sgd_options is 48 bytes");
    sg_adam_options other_version = sg_adam_default_options();
    other_version.struct_size += 8;
    CHECK_STATUS(sg_optimizer_adamw(ps, 1, &other_version, &opt), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("start from its default_options() function");
    CHECK(opt == NULL);

    /* No parameters yet is allowed; an empty group is not. */
    CHECK_OK(sg_optimizer_adam(NULL, 0, (sg_adam_options[]){adam(1e-3, 0.9, 0.999, 1e-8, false)}, &opt));
    CHECK_OK(sg_optimizer_step(opt));
    CHECK_STATUS(sg_optimizer_add_param_group(opt, NULL, 0), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("optimizer got an empty parameter list");
    CHECK_OK(sg_optimizer_add_param_group(opt, ps, 1));
    CHECK_STATUS(sg_optimizer_add_param_group(opt, ps, 1), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("some parameters appear in more than one parameter group");

    double value = 0;
    CHECK_STATUS(sg_optimizer_get_option(opt, 0, "momentum", &value), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Adam has no option 'momentum'");
    CHECK_STATUS(sg_optimizer_get_option(opt, 3, "lr", &value), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("param group 3 is out of range for an optimizer with 1 groups");
    CHECK_STATUS(sg_optimizer_get_option(opt, 0, NULL, &value), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_optimizer_get_option(opt, 0, "lr", NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_optimizer_set_option(opt, 0, "lr", -3), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("Invalid learning rate: -3");
    CHECK_OK(sg_optimizer_get_option(opt, 0, "lr", &value));
    CHECK(value == 1e-3); /* a refused setting changes nothing */
    CHECK_STATUS(sg_optimizer_set_option(opt, 0, "beta2", 1), SG_ERR_INVALID_ARGUMENT);
    CHECK_OK(sg_optimizer_set_option(opt, 0, "beta2", 0.5));
    CHECK_OK(sg_optimizer_get_option(opt, 0, "beta2", &value));
    CHECK(value == 0.5);
    sg_tensor *out = (sg_tensor *)0x1;
    CHECK_STATUS(sg_optimizer_param(opt, 0, 1, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);

    /* A gradient that no longer fits its parameter (set by hand) fails the step. */
    sg_tensor *wrong = NULL;
    int64_t two = 2;
    CHECK_OK(sg_zeros(&two, 1, SG_FLOAT64, &wrong));
    if (sg_tensor_set_grad(p, wrong) == SG_OK) {
        CHECK_STATUS(sg_optimizer_step(opt), SG_ERR_SHAPE);
    }
    sg_tensor_free(wrong);

    /* Handles of the wrong kind, stale and garbage handles. */
    CHECK_STATUS(sg_optimizer_step((sg_optimizer *)p), SG_ERR_INVALID_HANDLE);
    CHECK_ERROR_HAS("sg_optimizer_step: argument 'opt' is not a live optimizer handle");
    CHECK_STATUS(sg_tensor_free((sg_tensor *)opt), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_optimizer_step((sg_optimizer *)0xdeadbeef), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_optimizer_step(NULL), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_optimizer_free(NULL));
    CHECK_OK(sg_optimizer_free(opt));
    CHECK_STATUS(sg_optimizer_free(opt), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_optimizer_zero_grad(opt, true), SG_ERR_INVALID_HANDLE);
    size_t groups = 0;
    CHECK_STATUS(sg_optimizer_param_group_count(opt, &groups), SG_ERR_INVALID_HANDLE);

    sg_tensor_free(p);
    sg_tensor_free(q);
    sg_tensor_free(ints);
}

int main(void) {
    test_rules();
    test_groups_and_options();
    test_state_round_trip();
    test_non_contiguous();
    test_default_options();
    test_misuse();
    return check_summary("test_optim");
}
