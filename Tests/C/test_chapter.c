/* The chapter through the C ABI, with every value asserted: y = 2 x.x and its gradient 4x,
   accumulation and zero_, non-scalar backward, detach, and control flow over random draws. */
#include <math.h>
#include "check.h"

static sg_tensor *chapter_f(const sg_tensor *a) {
    sg_tensor *b, *t;
    CHECK_OK(sg_mul_scalar(a, 2, &b));
    for (;;) {
        CHECK_OK(sg_norm(b, &t));
        double norm = item_of(t);
        sg_tensor_free(t);
        if (!(norm < 1000)) break;
        CHECK_OK(sg_mul_scalar(b, 2, &t));
        sg_tensor_free(b);
        b = t;
    }
    CHECK_OK(sg_sum(b, &t));
    double sum = item_of(t);
    sg_tensor_free(t);
    if (sum > 0) return b;
    CHECK_OK(sg_mul_scalar(b, 100, &t));
    sg_tensor_free(b);
    return t;
}

static void test_simple_function(void) {
    sg_tensor *x, *grad, *dot, *y, *four_x, *same;
    CHECK_OK(sg_arange(0, 4, 1, SG_FLOAT32, &x));
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_REPR(x, "tensor([0., 1., 2., 3.], requires_grad=True)");
    CHECK_OK(sg_tensor_grad(x, &grad));
    CHECK(grad == NULL);

    CHECK_OK(sg_dot(x, x, &dot));
    CHECK_OK(sg_mul_scalar(dot, 2, &y));
    CHECK_REPR(y, "tensor(28., grad_fn=<MulBackward0>)");
    CHECK(item_of(y) == 28);
    CHECK_OK(sg_backward(y, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &grad));
    CHECK_REPR(grad, "tensor([ 0.,  4.,  8., 12.])");
    CHECK_OK(sg_mul_scalar(x, 4, &four_x));
    CHECK_OK(sg_eq(grad, four_x, &same));
    CHECK_REPR(same, "tensor([True, True, True, True])");
    sg_tensor_free(same);
    sg_tensor_free(four_x);
    sg_tensor_free(dot);
    sg_tensor_free(y);

    /* Gradients accumulate: x.sum() adds 1 to 4x until zero_ clears it. */
    CHECK_OK(sg_sum(x, &y));
    CHECK_OK(sg_backward(y, NULL, false));
    CHECK_REPR(grad, "tensor([ 1.,  5.,  9., 13.])");
    CHECK_OK(sg_zero_(grad));
    CHECK_OK(sg_backward(y, NULL, false)); /* SumBackward0 saves nothing: a second pass is fine */
    CHECK_REPR(grad, "tensor([1., 1., 1., 1.])");
    sg_tensor_free(y);

    /* sg_tensor_zero_grad through the tensor itself. */
    CHECK_OK(sg_tensor_zero_grad(x));
    CHECK_REPR(grad, "tensor([0., 0., 0., 0.])");
    sg_tensor_free(grad);
    sg_tensor_free(x);
}

static void test_non_scalar_and_detach(void) {
    sg_tensor *x, *y, *s, *grad, *u, *z, *same, *ones;
    CHECK_OK(sg_arange(0, 4, 1, SG_FLOAT32, &x));
    CHECK_OK(sg_tensor_set_requires_grad(x, true));

    /* y = x * x; y.sum().backward() gives 2x. */
    CHECK_OK(sg_mul(x, x, &y));
    CHECK_OK(sg_sum(y, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &grad));
    CHECK_REPR(grad, "tensor([0., 2., 4., 6.])");
    sg_tensor_free(s);
    sg_tensor_free(y);

    /* The same through an explicit gradient: y.backward(ones). */
    CHECK_OK(sg_zero_(grad));
    CHECK_OK(sg_mul(x, x, &y));
    int64_t shape[] = {4};
    CHECK_OK(sg_ones(shape, 1, SG_FLOAT32, &ones));
    CHECK_OK(sg_backward(y, ones, false));
    CHECK_REPR(grad, "tensor([0., 2., 4., 6.])");
    sg_tensor_free(ones);
    sg_tensor_free(y);

    /* u = (x * x).detach(); z = u * x; z.sum().backward() gives u, not 3x^2. */
    CHECK_OK(sg_zero_(grad));
    CHECK_OK(sg_mul(x, x, &y));
    CHECK_OK(sg_tensor_detach(y, &u));
    bool flag = true;
    CHECK_OK(sg_tensor_requires_grad(u, &flag));
    CHECK(!flag);
    CHECK_OK(sg_tensor_is_leaf(u, &flag));
    CHECK(flag);
    CHECK_OK(sg_mul(u, x, &z));
    CHECK_OK(sg_sum(z, &s));
    CHECK_OK(sg_backward(s, NULL, false));
    CHECK_REPR(y, "tensor([0., 1., 4., 9.], grad_fn=<MulBackward0>)");
    CHECK_REPR(u, "tensor([0., 1., 4., 9.])");
    CHECK_OK(sg_eq(grad, u, &same));
    CHECK_REPR(same, "tensor([True, True, True, True])");
    /* detach shares storage: zeroing u (no graph) changes y's values. */
    CHECK_OK(sg_zero_(u));
    CHECK_REPR(y, "tensor([0., 0., 0., 0.], grad_fn=<MulBackward0>)");
    sg_tensor_free(same);
    sg_tensor_free(s);
    sg_tensor_free(z);
    sg_tensor_free(u);
    sg_tensor_free(y);
    sg_tensor_free(grad);
    sg_tensor_free(x);
}

static void test_control_flow(void) {
    int positive = 0, negative = 0;
    for (uint64_t seed = 0; seed < 100; seed++) {
        sg_tensor *a, *d, *grad;
        CHECK_OK(sg_manual_seed(seed));
        CHECK_OK(sg_randn(NULL, 0, SG_FLOAT32, NULL, &a));
        CHECK_OK(sg_tensor_set_requires_grad(a, true));
        d = chapter_f(a);
        CHECK_OK(sg_backward(d, NULL, false));
        CHECK_OK(sg_tensor_grad(a, &grad));
        /* f is linear in a with factor k = 2^m (times 100 when a <= 0); the gradient is k. */
        double va = item_of(a), k = 2;
        while (fabs(va) * k < 1000) k *= 2;
        if (va <= 0) k *= 100;
        CHECK(item_of(grad) == k);
        double ratio = item_of(d) / va;
        if (va > 0) {
            CHECK(ratio == k);
            positive++;
        } else {
            CHECK(fabs(ratio - k) <= k * 1.2e-7);
            negative++;
        }
        sg_tensor_free(grad);
        sg_tensor_free(d);
        sg_tensor_free(a);
    }
    CHECK(positive > 20 && negative > 20);

    /* The same seed gives the same draws. */
    sg_tensor *a, *b, *same, *all;
    int64_t shape[] = {5};
    CHECK_OK(sg_manual_seed(7));
    CHECK_OK(sg_randn(shape, 1, SG_FLOAT64, NULL, &a));
    CHECK_OK(sg_manual_seed(7));
    CHECK_OK(sg_randn(shape, 1, SG_FLOAT64, NULL, &b));
    CHECK_OK(sg_eq(a, b, &same));
    CHECK_OK(sg_sum(same, &all));
    CHECK(item_of(all) == 5);
    sg_tensor_free(all);
    sg_tensor_free(same);
    sg_tensor_free(b);
    sg_tensor_free(a);
}

int main(void) {
    test_simple_function();
    test_non_scalar_and_detach();
    test_control_flow();
    return check_summary("test_chapter");
}
