/* The complete autograd through the C ABI: a custom op defined by callbacks and differentiated
   twice, functional gradients, hooks, retain_grad, backward(inputs), gradcheck, the functional
   derivatives, anomaly mode, graph pictures, and callbacks that fail. */
#include <math.h>
#include "check.h"

static sg_tensor *doubles(const double *values, int64_t n) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(values, &n, 1, SG_FLOAT64, &t));
    return t;
}

static void read_doubles(const sg_tensor *t, double *out, size_t n) {
    CHECK_OK(sg_tensor_copy_to(t, out, n * sizeof(double)));
}

static int freed = 0;
static void count_free(void *user_data) {
    (void)user_data;
    freed++;
}

/* ---- A custom op: cube(x) = x^3, backward 3 x^2 g, written with swiftgrad ops. ---- */

static sg_status cube_forward(sg_function_ctx *ctx, const sg_tensor *const *inputs, size_t n_inputs,
                              sg_tensor **outputs, size_t capacity, size_t *n_outputs, void *user_data) {
    (void)user_data;
    if (n_inputs != 1 || capacity < 1) return SG_ERR_INVALID_ARGUMENT;
    sg_status s = sg_function_ctx_save(ctx, inputs, 1);
    if (s != SG_OK) return s;
    *n_outputs = 1;
    return sg_pow_scalar(inputs[0], 3, &outputs[0]);
}

static sg_status cube_backward(sg_function_ctx *ctx, const sg_tensor *const *grad_outputs, size_t n_outputs,
                               sg_tensor **grad_inputs, size_t n_inputs, void *user_data) {
    (void)user_data;
    (void)n_outputs;
    bool needs = false;
    sg_status s = sg_function_ctx_needs_input_grad(ctx, 0, &needs);
    if (s != SG_OK || !needs || n_inputs != 1) return s != SG_OK ? s : SG_ERR_INTERNAL;
    size_t count = 0;
    sg_tensor *x = NULL, *square = NULL, *scaled = NULL;
    if ((s = sg_function_ctx_saved_count(ctx, &count)) != SG_OK || count != 1) return s;
    if ((s = sg_function_ctx_saved(ctx, 0, &x)) != SG_OK) return s;
    if ((s = sg_pow_scalar(x, 2, &square)) == SG_OK && (s = sg_mul_scalar(square, 3, &scaled)) == SG_OK)
        s = sg_mul(grad_outputs[0], scaled, &grad_inputs[0]);
    sg_tensor_free(x);
    sg_tensor_free(square);
    sg_tensor_free(scaled);
    return s;
}

static sg_tensor *cube(const sg_tensor *x) {
    sg_tensor *out = NULL;
    size_t n = 0;
    CHECK_OK(sg_function_apply("Cube", cube_forward, cube_backward, NULL, count_free, &x, 1, &out, 1, &n));
    CHECK(n == 1);
    return out;
}

static void test_custom_op_differentiated_twice(void) {
    double v[] = {1, 2, 3}, got[3];
    sg_tensor *x = doubles(v, 3), *y, *s, *first, *first_sum, *second;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    freed = 0;
    y = cube(x);
    char name[32];
    CHECK_OK(sg_tensor_grad_fn_name(y, name, sizeof name, NULL));
    CHECK(strcmp(name, "CubeBackward") == 0);
    CHECK_OK(sg_sum(y, &s));
    /* First derivative with create_graph: 3 x^2, itself differentiable. */
    CHECK_OK(sg_autograd_grad((const sg_tensor *const[]){s}, NULL, 1, (const sg_tensor *const[]){x}, 1, false, true, false, &first));
    read_doubles(first, got, 3);
    CHECK(got[0] == 3 && got[1] == 12 && got[2] == 27);
    /* Second derivative: 6 x. */
    CHECK_OK(sg_sum(first, &first_sum));
    CHECK_OK(sg_autograd_grad((const sg_tensor *const[]){first_sum}, NULL, 1, (const sg_tensor *const[]){x}, 1, false, false, false, &second));
    read_doubles(second, got, 3);
    CHECK(got[0] == 6 && got[1] == 12 && got[2] == 18);
    sg_tensor *grad;
    CHECK_OK(sg_tensor_grad(x, &grad));
    CHECK(grad == NULL); /* autograd.grad leaves .grad alone */

    sg_tensor_free(second); sg_tensor_free(first_sum); sg_tensor_free(first); sg_tensor_free(s); sg_tensor_free(y);
    CHECK(freed == 1); /* the node (and the user data) went with the graph */
    /* Without grad, no node is kept: user data is freed at once. */
    CHECK_OK(sg_set_grad_enabled(false, NULL));
    freed = 0;
    y = cube(x);
    CHECK(freed == 1);
    sg_tensor_free(y);
    CHECK_OK(sg_set_grad_enabled(true, NULL));
    /* gradcheck and gradgradcheck agree with finite differences. */
    sg_tensor_free(x);
}

/* ---- f for gradcheck and the functional derivatives: f(x) = [x0^2 x1, 3 x1]. ---- */

static sg_status f_square_times(const sg_tensor *const *inputs, size_t n_inputs, sg_tensor **outputs, size_t n_outputs,
                                void *user_data) {
    (void)user_data;
    if (n_inputs != 1 || n_outputs != 1) return SG_ERR_INVALID_ARGUMENT;
    sg_tensor *x0 = NULL, *x1 = NULL, *sq = NULL, *a = NULL, *b = NULL;
    sg_status s = SG_OK;
    if ((s = sg_select(inputs[0], 0, 0, &x0)) == SG_OK && (s = sg_select(inputs[0], 0, 1, &x1)) == SG_OK &&
        (s = sg_square(x0, &sq)) == SG_OK && (s = sg_mul(sq, x1, &a)) == SG_OK && (s = sg_mul_scalar(x1, 3, &b)) == SG_OK)
        s = sg_stack((const sg_tensor *const[]){a, b}, 2, 0, &outputs[0]);
    sg_tensor_free(x0); sg_tensor_free(x1); sg_tensor_free(sq); sg_tensor_free(a); sg_tensor_free(b);
    return s;
}

/* g(x) = x0^2 x1, a scalar. */
static sg_status g_scalar(const sg_tensor *const *inputs, size_t n_inputs, sg_tensor **outputs, size_t n_outputs, void *user_data) {
    sg_tensor *both = NULL;
    sg_status s = f_square_times(inputs, n_inputs, &both, n_outputs, user_data);
    if (s == SG_OK) s = sg_select(both, 0, 0, &outputs[0]);
    sg_tensor_free(both);
    return s;
}

/* A wrong backward: cube's value with a gradient of 1. */
static sg_status wrong_backward(sg_function_ctx *ctx, const sg_tensor *const *grad_outputs, size_t n_outputs,
                                sg_tensor **grad_inputs, size_t n_inputs, void *user_data) {
    (void)ctx; (void)n_outputs; (void)n_inputs; (void)user_data;
    return sg_clone(grad_outputs[0], &grad_inputs[0]);
}

static sg_status f_wrong(const sg_tensor *const *inputs, size_t n_inputs, sg_tensor **outputs, size_t n_outputs, void *user_data) {
    (void)n_outputs; (void)user_data;
    size_t n = 0;
    return sg_function_apply("Wrong", cube_forward, wrong_backward, NULL, NULL, inputs, n_inputs, outputs, 1, &n);
}

static sg_status f_cube(const sg_tensor *const *inputs, size_t n_inputs, sg_tensor **outputs, size_t n_outputs, void *user_data) {
    (void)n_outputs; (void)user_data;
    size_t n = 0;
    return sg_function_apply("Cube", cube_forward, cube_backward, NULL, NULL, inputs, n_inputs, outputs, 1, &n);
}

static void test_checks_and_functional(void) {
    double v[] = {1, 2}, got[4];
    sg_tensor *x = doubles(v, 2), *dir = doubles((double[]){1, -1}, 2);
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_gradcheck(f_square_times, NULL, (const sg_tensor *const[]){x}, 1, 1, 1e-6, 1e-5, 1e-3));
    CHECK_OK(sg_gradgradcheck(f_square_times, NULL, (const sg_tensor *const[]){x}, 1, 1, 1e-6, 1e-5, 1e-3));
    CHECK_OK(sg_gradcheck(f_cube, NULL, (const sg_tensor *const[]){x}, 1, 1, 1e-6, 1e-5, 1e-3));
    CHECK_OK(sg_gradgradcheck(f_cube, NULL, (const sg_tensor *const[]){x}, 1, 1, 1e-6, 1e-5, 1e-3));
    CHECK_STATUS(sg_gradcheck(f_wrong, NULL, (const sg_tensor *const[]){x}, 1, 1, 1e-6, 1e-5, 1e-3), SG_ERR_AUTOGRAD);
    CHECK_ERROR_HAS("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:");

    sg_tensor *jac, *hess, *out, *vjp, *jvp, *hvp;
    CHECK_OK(sg_jacobian(f_square_times, NULL, (const sg_tensor *const[]){x}, 1, 1, false, &jac));
    read_doubles(jac, got, 4);
    CHECK(got[0] == 4 && got[1] == 1 && got[2] == 0 && got[3] == 3);     /* [[2 x0 x1, x0^2], [0, 3]] */
    CHECK_OK(sg_hessian(g_scalar, NULL, (const sg_tensor *const[]){x}, 1, false, &hess));
    read_doubles(hess, got, 4);
    CHECK(got[0] == 4 && got[1] == 2 && got[2] == 2 && got[3] == 0);     /* [[2 x1, 2 x0], [2 x0, 0]] */
    CHECK_OK(sg_vjp(f_square_times, NULL, (const sg_tensor *const[]){x}, 1, (const sg_tensor *const[]){dir}, 1, false, &out, &vjp));
    read_doubles(vjp, got, 2);
    CHECK(got[0] == 4 && got[1] == -2);
    sg_tensor_free(out);
    CHECK_OK(sg_jvp(f_square_times, NULL, (const sg_tensor *const[]){x}, 1, (const sg_tensor *const[]){dir}, 1, false, &out, &jvp));
    read_doubles(jvp, got, 2);
    CHECK(got[0] == 3 && got[1] == -3);
    read_doubles(out, got, 2);
    CHECK(got[0] == 2 && got[1] == 6);
    sg_tensor_free(out);
    CHECK_OK(sg_hvp(g_scalar, NULL, (const sg_tensor *const[]){x}, 1, (const sg_tensor *const[]){dir}, false, &out, &hvp));
    read_doubles(hvp, got, 2);
    CHECK(got[0] == 2 && got[1] == 2 && item_of(out) == 2);
    sg_tensor *list[] = {x, dir, jac, hess, out, vjp, jvp, hvp};
    for (int i = 0; i < 8; i++) CHECK_OK(sg_tensor_free(list[i]));
}

/* ---- Hooks ---- */

static double seen[2];
static sg_status observe(const sg_tensor *grad, sg_tensor **replacement, void *user_data) {
    (void)replacement; (void)user_data;
    return sg_tensor_copy_to(grad, seen, sizeof seen);
}

static sg_status times_ten(const sg_tensor *grad, sg_tensor **replacement, void *user_data) {
    (void)user_data;
    return sg_mul_scalar(grad, 10, replacement);
}

static sg_status failing_hook(const sg_tensor *grad, sg_tensor **replacement, void *user_data) {
    (void)grad; (void)replacement; (void)user_data;
    sg_set_last_error("the hook refused this gradient");
    return SG_ERR_CALLBACK;
}

static sg_status silent_failure(const sg_tensor *grad, sg_tensor **replacement, void *user_data) {
    (void)grad; (void)replacement; (void)user_data;
    return SG_ERR_SHAPE;
}

static sg_status wrong_size(const sg_tensor *grad, sg_tensor **replacement, void *user_data) {
    (void)grad, (void)user_data;
    int64_t three = 3;
    return sg_ones(&three, 1, SG_FLOAT64, replacement);
}

/* Keeps a handle of the gradient it is given (released by the test). */
static sg_tensor *kept;
static sg_status keep_gradient(const sg_tensor *grad, sg_tensor **replacement, void *user_data) {
    (void)replacement; (void)user_data;
    return sg_tensor_share(grad, &kept);
}

/* Rules may write their result over the gradient they receive when nothing but the backward
   pass holds it: one a hook kept must stay as it was given, and the results are the same. */
static void test_kept_gradients_stay_intact(void) {
    double got[2];
    sg_tensor *c = doubles((double[]){1, 2}, 2);
    for (int hooked = 0; hooked < 2; hooked++) {
        sg_tensor *x = doubles((double[]){1.5, -2}, 2), *sq, *scaled, *weighted, *loss, *grad;
        CHECK_OK(sg_tensor_set_requires_grad(x, true));
        CHECK_OK(sg_mul(x, x, &sq));
        CHECK_OK(sg_mul_scalar(sq, 3, &scaled));
        kept = NULL;
        if (hooked) CHECK_OK(sg_tensor_register_hook(scaled, keep_gradient, NULL, NULL, NULL));
        CHECK_OK(sg_mul(scaled, c, &weighted));
        CHECK_OK(sg_sum(weighted, &loss));
        CHECK_OK(sg_backward(loss, NULL, false));
        if (hooked) {
            read_doubles(kept, got, 2);
            CHECK(got[0] == 1 && got[1] == 2);              /* c, not 3 c nor 6 x c */
            sg_tensor_free(kept);
        }
        CHECK_OK(sg_tensor_grad(x, &grad));
        read_doubles(grad, got, 2);
        CHECK(got[0] == 9 && got[1] == -24);                /* 6 x c */
        sg_tensor *list[] = {grad, loss, weighted, scaled, sq, x};
        for (int i = 0; i < 6; i++) CHECK_OK(sg_tensor_free(list[i]));
    }
    sg_tensor_free(c);
}

static void test_hooks(void) {
    double got[2];
    sg_tensor *a = doubles((double[]){1, 2}, 2), *b, *bb, *s, *grad;
    uint64_t leaf_hook, observer;
    CHECK_OK(sg_tensor_set_requires_grad(a, true));
    freed = 0;
    CHECK_OK(sg_tensor_register_hook(a, times_ten, NULL, count_free, &leaf_hook));
    CHECK_OK(sg_mul_scalar(a, 2, &b));
    CHECK_OK(sg_tensor_register_hook(b, observe, NULL, count_free, &observer));
    CHECK_OK(sg_tensor_retain_grad(b));
    bool retains = false;
    CHECK_OK(sg_tensor_retains_grad(b, &retains));
    CHECK(retains);
    CHECK_OK(sg_mul(b, b, &bb));
    CHECK_OK(sg_sum(bb, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK(seen[0] == 4 && seen[1] == 8);                 /* the observer saw d/db = 2b */
    CHECK_OK(sg_tensor_grad(b, &grad));
    read_doubles(grad, got, 2);
    CHECK(got[0] == 4 && got[1] == 8);                   /* retained */
    sg_tensor_free(grad);
    CHECK_OK(sg_tensor_grad(a, &grad));
    read_doubles(grad, got, 2);
    CHECK(got[0] == 80 && got[1] == 160);                /* replaced by the leaf's hook: 10 * 2 * 2b */
    sg_tensor_free(grad);
    CHECK_OK(sg_tensor_remove_hook(a, leaf_hook));
    CHECK(freed == 1);                                   /* user data freed on removal */
    CHECK_STATUS(sg_tensor_remove_hook(a, leaf_hook), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(s); sg_tensor_free(bb); sg_tensor_free(b);
    CHECK(freed == 2);                                   /* and with the node that held it */

    /* A failed registration frees the user data too: always exactly once. */
    sg_tensor *no_grad = doubles((double[]){1, 2}, 2);
    CHECK_STATUS(sg_tensor_register_hook(no_grad, observe, NULL, count_free, NULL), SG_ERR_AUTOGRAD);
    CHECK(freed == 3);
    CHECK_STATUS(sg_tensor_register_hook(NULL, observe, NULL, count_free, NULL), SG_ERR_INVALID_HANDLE);
    CHECK(freed == 4);
    CHECK_STATUS(sg_tensor_register_hook(a, NULL, NULL, count_free, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK(freed == 5);
    sg_tensor_free(no_grad);
    /* A hook may not change the gradient's size. */
    sg_tensor *w, *ws;
    CHECK_OK(sg_mul_scalar(a, 2, &w));
    CHECK_OK(sg_tensor_register_hook(w, wrong_size, NULL, NULL, NULL));
    CHECK_OK(sg_sum(w, &ws));
    CHECK_STATUS(sg_backward(ws, NULL, false), SG_ERR_AUTOGRAD);
    CHECK(strcmp(sg_last_error(), "hook has changed the size of value") == 0);
    sg_tensor_free(ws); sg_tensor_free(w);

    /* A failing hook's status and message come out of backward. */
    sg_tensor *y, *t;
    CHECK_OK(sg_mul_scalar(a, 3, &y));
    CHECK_OK(sg_tensor_register_hook(y, failing_hook, NULL, NULL, NULL));
    CHECK_OK(sg_sum(y, &t));
    CHECK_STATUS(sg_backward(t, NULL, true), SG_ERR_CALLBACK);
    CHECK(strcmp(sg_last_error(), "the hook refused this gradient") == 0);
    sg_tensor_free(t); sg_tensor_free(y);
    CHECK_OK(sg_mul_scalar(a, 3, &y));
    CHECK_OK(sg_tensor_register_hook(y, silent_failure, NULL, NULL, NULL));
    CHECK_OK(sg_sum(y, &t));
    CHECK_STATUS(sg_backward(t, NULL, false), SG_ERR_SHAPE);
    CHECK(strcmp(sg_last_error(), "the hook returned SG_ERR_SHAPE") == 0);
    sg_tensor_free(t); sg_tensor_free(y);

    sg_tensor *plain;
    CHECK_OK(sg_zeros((int64_t[]){2}, 1, SG_FLOAT64, &plain));
    CHECK_STATUS(sg_tensor_register_hook(plain, observe, NULL, NULL, NULL), SG_ERR_AUTOGRAD);
    CHECK_STATUS(sg_tensor_retain_grad(plain), SG_ERR_AUTOGRAD);
    CHECK_STATUS(sg_tensor_register_hook(a, NULL, NULL, NULL, NULL), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(plain);
    sg_tensor_free(a);
}

/* ---- backward(inputs), grad with unused inputs, several outputs ---- */

static void test_backward_and_grad(void) {
    sg_tensor *c = doubles((double[]){1}, 1), *d = doubles((double[]){2}, 1), *cd, *cdc, *g[2], *grad;
    CHECK_OK(sg_tensor_set_requires_grad(c, true));
    CHECK_OK(sg_tensor_set_requires_grad(d, true));
    CHECK_OK(sg_mul(c, d, &cd));
    CHECK_OK(sg_mul(cd, c, &cdc));
    CHECK_OK(sg_autograd_backward((const sg_tensor *const[]){cdc}, NULL, 1, (const sg_tensor *const[]){c, cd}, 2, true, false));
    CHECK_OK(sg_tensor_grad(c, &grad)); CHECK(item_of(grad) == 4); sg_tensor_free(grad);
    CHECK_OK(sg_tensor_grad(d, &grad)); CHECK(grad == NULL);
    CHECK_OK(sg_tensor_grad(cd, &grad)); CHECK(item_of(grad) == 1); sg_tensor_free(grad);
    /* Two outputs at once with explicit gradients. */
    sg_tensor *two = doubles((double[]){2}, 1);
    CHECK_OK(sg_autograd_backward((const sg_tensor *const[]){cdc, cd}, (const sg_tensor *const[]){two, NULL}, 2, NULL, 0, true, false));
    CHECK_OK(sg_tensor_grad(d, &grad)); CHECK(item_of(grad) == 2 * 1 + 1); sg_tensor_free(grad);
    /* Unused inputs. */
    CHECK_STATUS(sg_autograd_grad((const sg_tensor *const[]){cd}, NULL, 1, (const sg_tensor *const[]){c, two}, 2, true, false, false, g), SG_ERR_AUTOGRAD);
    CHECK(g[0] == NULL && g[1] == NULL);
    sg_tensor *unused = doubles((double[]){5}, 1);
    CHECK_OK(sg_tensor_set_requires_grad(unused, true));
    CHECK_STATUS(sg_autograd_grad((const sg_tensor *const[]){cd}, NULL, 1, (const sg_tensor *const[]){c, unused}, 2, true, false, false, g), SG_ERR_AUTOGRAD);
    CHECK(strcmp(sg_last_error(), "The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.") == 0);
    CHECK_OK(sg_autograd_grad((const sg_tensor *const[]){cd}, NULL, 1, (const sg_tensor *const[]){c, unused}, 2, true, false, true, g));
    CHECK(item_of(g[0]) == 2 && g[1] == NULL);
    sg_tensor *list[] = {c, d, cd, cdc, two, unused, g[0]};
    for (int i = 0; i < 7; i++) CHECK_OK(sg_tensor_free(list[i]));
}

/* ---- Callbacks that fail inside a custom function ---- */

static sg_status refusing_backward(sg_function_ctx *ctx, const sg_tensor *const *grad_outputs, size_t n_outputs,
                                   sg_tensor **grad_inputs, size_t n_inputs, void *user_data) {
    (void)ctx; (void)grad_outputs; (void)n_outputs; (void)grad_inputs; (void)n_inputs; (void)user_data;
    sg_set_last_error("custom backward failed on purpose");
    return SG_ERR_CALLBACK;
}

static sg_status too_many_outputs(sg_function_ctx *ctx, const sg_tensor *const *inputs, size_t n_inputs,
                                  sg_tensor **outputs, size_t capacity, size_t *n_outputs, void *user_data) {
    (void)ctx; (void)n_inputs; (void)user_data;
    *n_outputs = capacity + 1;
    return sg_clone(inputs[0], &outputs[0]);
}

static void test_failing_custom_functions(void) {
    sg_tensor *x = doubles((double[]){1, 2}, 2), *y = NULL, *s;
    size_t n = 0;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_function_apply("Refuse", cube_forward, refusing_backward, NULL, NULL, (const sg_tensor *const[]){x}, 1, &y, 1, &n));
    CHECK_OK(sg_sum(y, &s));
    CHECK_STATUS(sg_backward(s, NULL, false), SG_ERR_CALLBACK);
    CHECK(strcmp(sg_last_error(), "custom backward failed on purpose") == 0);
    sg_tensor_free(s); sg_tensor_free(y);
    y = (sg_tensor *)0x1;
    CHECK_STATUS(sg_function_apply("Many", too_many_outputs, cube_backward, NULL, NULL, (const sg_tensor *const[]){x}, 1, &y, 1, &n), SG_ERR_CALLBACK);
    CHECK(y == NULL);
    CHECK_STATUS(sg_function_apply("Null", NULL, cube_backward, NULL, NULL, (const sg_tensor *const[]){x}, 1, &y, 1, &n), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_function_apply("Huge", cube_forward, cube_backward, NULL, NULL, (const sg_tensor *const[]){x}, 1, &y, (size_t)-1, &n), SG_ERR_INVALID_ARGUMENT);
    sg_function_ctx *fake = (sg_function_ctx *)x; /* a tensor handle is not a context handle */
    CHECK_STATUS(sg_function_ctx_save(fake, (const sg_tensor *const[]){x}, 1), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_jacobian(f_square_times, NULL, (const sg_tensor *const[]){x}, 1, (size_t)-1, false, &y), SG_ERR_INVALID_ARGUMENT);
    sg_tensor_free(x);
}

/* ---- Anomaly mode and pictures ---- */

static void test_anomaly_and_dot(void) {
    sg_tensor *q = doubles((double[]){0}, 1), *r, *z, *s;
    CHECK_OK(sg_tensor_set_requires_grad(q, true));
    CHECK(!sg_is_anomaly_enabled());
    CHECK_OK(sg_set_detect_anomaly(true));
    CHECK(sg_is_anomaly_enabled());
    CHECK_OK(sg_set_anomaly_context("test_autograd.c, the sqrt line"));
    CHECK_OK(sg_sqrt(q, &r));
    CHECK_OK(sg_set_anomaly_context(NULL));
    CHECK_OK(sg_mul_scalar(r, 0, &z));
    CHECK_OK(sg_sum(z, &s));
    CHECK_STATUS(sg_backward(s, NULL, false), SG_ERR_AUTOGRAD);
    CHECK_ERROR_HAS("Function 'SqrtBackward0' returned nan values in its 0th output.");
    CHECK_ERROR_HAS("the forward operation Sqrt, called at:\ntest_autograd.c, the sqrt line");
    CHECK_OK(sg_set_detect_anomaly(false));
    sg_tensor_free(s); sg_tensor_free(z); sg_tensor_free(r); sg_tensor_free(q);

    /* The chapter's z = u * x graph: u is detached, so it shows as a constant. */
    sg_tensor *x, *y, *u;
    CHECK_OK(sg_arange(0, 4, 1, SG_FLOAT32, &x));
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_mul(x, x, &y));
    CHECK_OK(sg_tensor_detach(y, &u));
    CHECK_OK(sg_mul(u, x, &z));
    size_t needed = 0;
    CHECK_OK(sg_graph_to_dot(z, "z", NULL, 0, &needed));
    char *dot = malloc(needed);
    CHECK_OK(sg_graph_to_dot(z, "z", dot, needed, NULL));
    CHECK(strstr(dot, "digraph swiftgrad {") == dot);
    CHECK(strstr(dot, "MulBackward0\\n[4]") != NULL);
    CHECK(strstr(dot, "leaf [4]\\nrequires_grad=True") != NULL);
    CHECK(strstr(dot, "shape=point") != NULL);
    free(dot);
    CHECK(strcmp(sg_status_string(SG_ERR_CALLBACK), "SG_ERR_CALLBACK") == 0);
    sg_tensor_free(z); sg_tensor_free(u); sg_tensor_free(y); sg_tensor_free(x);
}

int main(void) {
    test_custom_op_differentiated_twice();
    test_checks_and_functional();
    test_hooks();
    test_kept_gradients_stay_intact();
    test_backward_and_grad();
    test_failing_custom_functions();
    test_anomaly_and_dot();
    return check_summary("test_autograd");
}
