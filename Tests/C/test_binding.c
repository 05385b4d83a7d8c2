/* The calls for language bindings (Exports+Binding.swift): sg_tensor_free_many, on its happy
   path (tensors released, graphs and gradients kept alive by what still refers to them) and
   with hostile arrays (NULL entries, freed and repeated handles, forged handles, NULL arrays,
   counts out of range). */
#include <stdint.h>
#include "check.h"

static sg_tensor *number(double v) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_scalar_double(v, &t));
    return t;
}

static void test_free_many_releases(void) {
    int64_t before = sg_live_tensor_count();
    sg_tensor *ts[5];
    for (int i = 0; i < 5; i++) ts[i] = number(i);
    CHECK(sg_live_tensor_count() == before + 5);
    CHECK_OK(sg_tensor_free_many(ts, 5));
    CHECK(sg_live_tensor_count() == before);
    /* Each handle is now stale. */
    for (int i = 0; i < 5; i++) {
        double v;
        CHECK_STATUS(sg_tensor_item(ts[i], &v), SG_ERR_INVALID_HANDLE);
    }
    /* Nothing to release: count 0, with or without an array; NULL entries are skipped. */
    CHECK_OK(sg_tensor_free_many(NULL, 0));
    CHECK_OK(sg_tensor_free_many(ts, 0));
    sg_tensor *nulls[3] = {NULL, NULL, NULL};
    CHECK_OK(sg_tensor_free_many(nulls, 3));
    sg_tensor *mixed[3] = {NULL, number(7), NULL};
    CHECK_OK(sg_tensor_free_many(mixed, 3));
    CHECK(sg_live_tensor_count() == before);
}

static void test_free_many_keeps_graph(void) {
    /* y = x * 3 + 1 from a leaf x; the intermediate's handle released in a batch with y's
       sibling does not cut the graph: backward still gives dy/dx = 3. */
    int64_t before = sg_live_tensor_count();
    sg_tensor *x = number(2), *m = NULL, *y = NULL, *other = NULL, *grad = NULL;
    CHECK_OK(sg_tensor_set_requires_grad(x, true));
    CHECK_OK(sg_mul_scalar(x, 3, &m));
    CHECK_OK(sg_add_scalar(m, 1, &y));
    CHECK_OK(sg_neg(x, &other));
    sg_tensor *batch[2] = {m, other};
    CHECK_OK(sg_tensor_free_many(batch, 2));
    CHECK(item_of(y) == 7.0);
    CHECK_OK(sg_backward(y, NULL, false));
    CHECK_OK(sg_tensor_grad(x, &grad));
    CHECK(grad != NULL && item_of(grad) == 3.0);
    /* A leaf's gradient lives on after the leaf's handle and its gradient's are released. */
    sg_tensor *last[3] = {grad, y, x};
    CHECK_OK(sg_tensor_free_many(last, 3));
    CHECK(sg_live_tensor_count() == before);
}

static void test_free_many_errors(void) {
    int64_t before = sg_live_tensor_count();
    /* A stale entry in the middle: the live ones around it are released all the same, and the
       error names the first bad index. */
    sg_tensor *a = number(1), *stale = number(2), *b = number(3);
    CHECK_OK(sg_tensor_free(stale));
    sg_tensor *batch[3] = {a, stale, b};
    CHECK_STATUS(sg_tensor_free_many(batch, 3), SG_ERR_INVALID_HANDLE);
    CHECK_ERROR_HAS("sg_tensor_free_many");
    CHECK_ERROR_HAS("tensors[1]");
    CHECK(sg_live_tensor_count() == before);
    /* The same handle twice: released once, the second entry refused. */
    sg_tensor *c = number(4);
    sg_tensor *twice[2] = {c, c};
    CHECK_STATUS(sg_tensor_free_many(twice, 2), SG_ERR_INVALID_HANDLE);
    CHECK_ERROR_HAS("tensors[1]");
    CHECK(sg_live_tensor_count() == before);
    /* Forged and foreign handles are refused without being dereferenced. */
    static int foreign;
    sg_tensor *forged[3] = {(sg_tensor *)(uintptr_t)(0xA5ULL << 56 | 12345), (sg_tensor *)&foreign,
                            (sg_tensor *)(uintptr_t)1};
    CHECK_STATUS(sg_tensor_free_many(forged, 3), SG_ERR_INVALID_HANDLE);
    CHECK_ERROR_HAS("tensors[0]");
    /* A handle of another kind (a generator) is not a tensor handle. */
    sg_generator *g = NULL;
    CHECK_OK(sg_generator_new(1, &g));
    sg_tensor *wrong_kind[1] = {(sg_tensor *)g};
    CHECK_STATUS(sg_tensor_free_many(wrong_kind, 1), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_generator_free(g));
    /* A NULL array with a count, and counts too large: refused before anything is read. */
    CHECK_STATUS(sg_tensor_free_many(NULL, 2), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("tensors is NULL");
    sg_tensor *d = number(5);
    sg_tensor *one[1] = {d};
    CHECK_STATUS(sg_tensor_free_many(one, SIZE_MAX), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("too large");
    CHECK_STATUS(sg_tensor_free_many(one, ((size_t)1 << 20) + 1), SG_ERR_INVALID_ARGUMENT);
    CHECK(sg_live_tensor_count() == before + 1); /* d was not released */
    CHECK_OK(sg_tensor_free_many(one, 1));
    CHECK(sg_live_tensor_count() == before);
}

int main(void) {
    test_free_many_releases();
    test_free_many_keeps_graph();
    test_free_many_errors();
    return check_summary("test_binding");
}
