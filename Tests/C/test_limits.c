/* Deep graphs: backward through, and freeing of, a chain of a million operations must not
   overflow the stack (the engine and graph teardown are iterative). */
#include "check.h"

int main(void) {
    sg_tensor *x, *y, *next, *grad;
    CHECK_OK(sg_full(NULL, 0, 1.0, SG_FLOAT64, &x));
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_add_scalar(x, 0, &y));
    for (int i = 0; i < 1000000; i++) {
        CHECK_STATUS(sg_mul_scalar(y, 1.0, &next), SG_OK);
        sg_tensor_free(y);
        y = next;
    }
    CHECK_OK(sg_backward(y, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &grad));
    CHECK(item_of(grad) == 1.0);
    CHECK_OK(sg_tensor_free(grad));
    CHECK_OK(sg_tensor_free(y)); /* frees the whole chain */
    CHECK_OK(sg_tensor_free(x));
    return check_summary("test_limits");
}
