/* Sharing memory through the C ABI: tensors over caller buffers (sg_tensor_from_blob), data
   pointers, and DLPack both ways, with the ownership rule checked by counting: every release
   function runs exactly once, on success and on every failure, and only after the last tensor
   using the memory is gone. */
#include <stdint.h>
#include "check.h"

static int released;
static void count_release(void *user_data) {
    (void)user_data;
    released++;
}

static void test_from_blob(void) {
    float data[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[] = {2, 3};
    sg_tensor *t = NULL, *view = NULL;
    released = 0;
    CHECK_OK(sg_tensor_from_blob(data, shape, NULL, 2, SG_FLOAT32, count_release, NULL, &t));
    CHECK_REPR(t, "tensor([[1., 2., 3.],\n        [4., 5., 6.]])");
    /* Writes go both ways. */
    CHECK_OK(sg_mul_scalar_(t, 10));
    CHECK(data[5] == 60);
    data[0] = -1; /* seen through the view below */
    CHECK_OK(sg_transpose(t, 0, 1, &view));
    CHECK_REPR(view, "tensor([[-1., 40.],\n        [20., 50.],\n        [30., 60.]])");
    void *pointer = NULL;
    CHECK_OK(sg_tensor_data_ptr(view, &pointer));
    CHECK(pointer == data);
    /* The memory stays in use while any view of it lives. */
    sg_tensor_free(t);
    CHECK(released == 0);
    sg_tensor_free(view);
    CHECK(released == 1);

    /* Strided: every other element of a row. */
    double wide[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    int64_t s22[] = {2, 2}, strides[] = {4, 2};
    released = 0;
    CHECK_OK(sg_tensor_from_blob(wide, s22, strides, 2, SG_FLOAT64, count_release, NULL, &t));
    CHECK_REPR(t, "tensor([[0., 2.],\n        [4., 6.]], dtype=torch.float64)");
    sg_tensor *slice = NULL;
    CHECK_OK(sg_select(t, 0, 1, &slice));
    CHECK_OK(sg_tensor_data_ptr(slice, &pointer));
    CHECK(pointer == wide + 4);
    /* The storage under a view: the whole buffer the blob spans (elements 0 to 6), the view 4 in. */
    void *storage = NULL;
    size_t nbytes = 0;
    int64_t offset = -1;
    CHECK_OK(sg_tensor_storage(slice, &storage, &nbytes, &offset));
    CHECK(storage == wide && nbytes == 7 * sizeof(double) && offset == 4);
    CHECK_OK(sg_tensor_storage(t, NULL, NULL, &offset));
    CHECK(offset == 0);
    CHECK_STATUS(sg_tensor_storage(NULL, &storage, &nbytes, &offset), SG_ERR_INVALID_HANDLE);
    sg_tensor_free(slice);
    sg_tensor_free(t);
    CHECK(released == 1);

    /* Refusals: each still gives the memory back, once. */
    int64_t negative[] = {-4, 2};
    released = 0;
    CHECK_STATUS(sg_tensor_from_blob(wide, s22, negative, 2, SG_FLOAT64, count_release, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("negative strides are not supported");
    CHECK(t == NULL && released == 1);
    CHECK_STATUS(sg_tensor_from_blob((char *)wide + 1, s22, NULL, 2, SG_FLOAT64, count_release, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("is not aligned to the 8-byte elements of torch.float64");
    CHECK(released == 2);
    CHECK_STATUS(sg_tensor_from_blob(NULL, s22, NULL, 2, SG_FLOAT64, count_release, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK(released == 3);
    CHECK_STATUS(sg_tensor_from_blob(wide, s22, NULL, 2, (sg_dtype)99, count_release, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK(released == 4);
    CHECK_STATUS(sg_tensor_from_blob(wide, s22, NULL, 2, SG_FLOAT64, count_release, NULL, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK(released == 5);
    int64_t huge[] = {INT64_MAX / 2, 3};
    CHECK_STATUS(sg_tensor_from_blob(wide, s22, huge, 2, SG_FLOAT64, count_release, NULL, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK(released == 6);
    /* No release function, and an empty tensor over no memory. */
    int64_t empty[] = {0};
    CHECK_OK(sg_tensor_from_blob(NULL, empty, NULL, 1, SG_INT64, NULL, NULL, &t));
    CHECK_REPR(t, "tensor([], dtype=torch.int64)");
    sg_tensor_free(t);
}

static void test_to_dlpack(void) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_arange(0, 6, 1, SG_FLOAT64, &t));
    int64_t s23[] = {2, 3};
    sg_tensor *m = NULL, *tr = NULL;
    CHECK_OK(sg_reshape(t, s23, 2, &m));
    CHECK_OK(sg_transpose(m, 0, 1, &tr));
    DLManagedTensorVersioned *managed = NULL;
    CHECK_OK(sg_to_dlpack(tr, &managed));
    DLTensor *dl = &managed->dl_tensor;
    CHECK(managed->version.major == 1 && managed->flags == 0);
    CHECK(dl->device.device_type == kDLCPU && dl->device.device_id == 0);
    CHECK(dl->dtype.code == kDLFloat && dl->dtype.bits == 64 && dl->dtype.lanes == 1);
    CHECK(dl->ndim == 2 && dl->shape[0] == 3 && dl->shape[1] == 2 && dl->strides[0] == 1 && dl->strides[1] == 3);
    CHECK(dl->byte_offset == 0);
    /* The same memory: a write through DLPack is seen by the tensor. */
    ((double *)dl->data)[1] = 100;
    CHECK_REPR(tr, "tensor([[  0.,   3.],\n        [100.,   4.],\n        [  2.,   5.]], dtype=torch.float64)");
    /* The export keeps the tensor alive after every handle is gone. */
    int64_t live = sg_live_tensor_count();
    sg_tensor_free(t);
    sg_tensor_free(m);
    sg_tensor_free(tr);
    CHECK(sg_live_tensor_count() < live && sg_live_tensor_count() >= live - 2); /* tr stays, held by the export */
    CHECK(((double *)dl->data)[1] == 100);
    managed->deleter(managed);
    CHECK(sg_live_tensor_count() == live - 3);

    bool flags[3] = {true, false, true};
    int64_t three = 3;
    CHECK_OK(sg_tensor_from_data(flags, &three, 1, SG_BOOL, &t));
    DLManagedTensor *legacy = NULL;
    CHECK_OK(sg_to_dlpack_unversioned(t, &legacy));
    CHECK(legacy->dl_tensor.dtype.code == kDLBool && legacy->dl_tensor.dtype.bits == 8);
    CHECK(((uint8_t *)legacy->dl_tensor.data)[2] == 1);
    sg_tensor_free(t);
    legacy->deleter(legacy);

    CHECK_STATUS(sg_to_dlpack(NULL, &managed), SG_ERR_INVALID_HANDLE);
    CHECK(managed == NULL);
    CHECK_STATUS(sg_to_dlpack(t, &managed), SG_ERR_INVALID_HANDLE); /* freed */
    CHECK_STATUS(sg_to_dlpack_unversioned(t, NULL), SG_ERR_INVALID_ARGUMENT);
}

/* A producer of our own: a DLPack tensor over a static array whose deleter counts. */
static float produced[4] = {1, 2, 3, 4};
static int64_t produced_shape[] = {2, 2};
static int deleted;
static void count_delete(DLManagedTensorVersioned *self) {
    (void)self;
    deleted++;
}
static void count_delete_legacy(DLManagedTensor *self) {
    (void)self;
    deleted++;
}

static DLManagedTensorVersioned producer(void) {
    DLManagedTensorVersioned m;
    memset(&m, 0, sizeof m);
    m.version.major = 1;
    m.deleter = count_delete;
    m.dl_tensor.data = produced;
    m.dl_tensor.device.device_type = kDLCPU;
    m.dl_tensor.ndim = 2;
    m.dl_tensor.dtype.code = kDLFloat;
    m.dl_tensor.dtype.bits = 32;
    m.dl_tensor.dtype.lanes = 1;
    m.dl_tensor.shape = produced_shape;
    return m;
}

static void test_from_dlpack(void) {
    DLManagedTensorVersioned m = producer();
    sg_tensor *t = NULL;
    deleted = 0;
    CHECK_OK(sg_from_dlpack(&m, &t));
    CHECK_REPR(t, "tensor([[1., 2.],\n        [3., 4.]])");
    CHECK_OK(sg_add_scalar_(t, 1));
    CHECK(produced[3] == 5);
    CHECK(deleted == 0);
    sg_tensor_free(t);
    CHECK(deleted == 1);

    /* byte_offset and explicit strides (a column). */
    m = producer();
    int64_t column_shape[] = {2}, column_strides[] = {2};
    m.dl_tensor.ndim = 1;
    m.dl_tensor.shape = column_shape;
    m.dl_tensor.strides = column_strides;
    m.dl_tensor.byte_offset = sizeof(float);
    CHECK_OK(sg_from_dlpack(&m, &t));
    CHECK_REPR(t, "tensor([3., 5.])");
    sg_tensor_free(t);
    CHECK(deleted == 2);

    /* Every refusal calls the deleter once. */
    struct { const char *what, *message; void (*spoil)(DLManagedTensorVersioned *); } cases[] = {
        {"version", "DLPack major version 2 is not supported", NULL},
        {"device", "only CPU DLPack tensors can be imported, got device type 2", NULL},
        {"dtype", "DLPack dtype (code 2, bits 24, lanes 1) is not supported", NULL},
        {"lanes", "DLPack dtype (code 2, bits 32, lanes 4) is not supported", NULL},
        {"read-only", "the DLPack tensor is read-only", NULL},
        {"ndim", "dimensions; at most 64 are allowed", NULL},
        {"shape", "negative", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        m = producer();
        int64_t bad_shape[] = {2, -2};
        switch (i) {
        case 0: m.version.major = 2; break;
        case 1: m.dl_tensor.device.device_type = (DLDeviceType)2; break;
        case 2: m.dl_tensor.dtype.bits = 24; break;
        case 3: m.dl_tensor.dtype.lanes = 4; break;
        case 4: m.flags = DLPACK_FLAG_BITMASK_READ_ONLY; break;
        case 5: m.dl_tensor.ndim = 65; break;
        default: m.dl_tensor.shape = bad_shape; break;
        }
        int before = deleted;
        t = (sg_tensor *)0x1;
        CHECK_STATUS(sg_from_dlpack(&m, &t), SG_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_HAS(cases[i].message);
        if (deleted != before + 1) fprintf(stderr, "case %s: deleter ran %d times\n", cases[i].what, deleted - before);
        CHECK(deleted == before + 1 && t == NULL);
    }
    m = producer();
    int before = deleted;
    CHECK_STATUS(sg_from_dlpack(&m, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK(deleted == before + 1);
    CHECK_STATUS(sg_from_dlpack(NULL, &t), SG_ERR_INVALID_ARGUMENT);

    /* Unversioned. */
    DLManagedTensor legacy;
    memset(&legacy, 0, sizeof legacy);
    legacy.dl_tensor = producer().dl_tensor;
    legacy.deleter = count_delete_legacy;
    before = deleted;
    CHECK_OK(sg_from_dlpack_unversioned(&legacy, &t));
    CHECK_REPR(t, "tensor([[2., 3.],\n        [4., 5.]])");
    sg_tensor_free(t);
    CHECK(deleted == before + 1);
    legacy.dl_tensor.dtype.code = kDLUInt;
    legacy.dl_tensor.dtype.bits = 16; /* uint16: swiftgrad has no such dtype */
    CHECK_STATUS(sg_from_dlpack_unversioned(&legacy, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK(deleted == before + 2);

    /* Our own export, imported back: one memory, released when both sides are done. */
    sg_tensor *a = NULL, *b = NULL;
    CHECK_OK(sg_arange(0, 3, 1, SG_INT64, &a));
    DLManagedTensorVersioned *exported = NULL;
    CHECK_OK(sg_to_dlpack(a, &exported));
    CHECK_OK(sg_from_dlpack(exported, &b));
    CHECK_OK(fill_with(b, 7));
    CHECK_REPR(a, "tensor([7, 7, 7])");
    int64_t live = sg_live_tensor_count();
    sg_tensor_free(a);
    CHECK(sg_live_tensor_count() == live); /* b's memory is a's: a stays until b goes */
    sg_tensor_free(b);
    CHECK(sg_live_tensor_count() == live - 2);
}

int main(void) {
    test_from_blob();
    test_to_dlpack();
    test_from_dlpack();
    return check_summary("test_interop");
}
