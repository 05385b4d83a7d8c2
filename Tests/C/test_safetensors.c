/* Named tensors and safetensors files through the C ABI: round trips of every dtype, the exact
   bytes the safetensors library writes (its output for the same tensors, printed by
   safetensors 0.8 in Python), every truncation and many corruptions of a file refused with
   SG_ERR_FORMAT, a file's data read straight into its tensors (a load's peak memory is one
   copy), file-system errors as SG_ERR_IO, and misuse of dictionary handles. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>
#include "check.h"

static char directory[] = "/tmp/swiftgrad-safetensors-XXXXXX";

static sg_tensor *from(const void *data, const int64_t *shape, size_t ndim, sg_dtype dtype) {
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_from_data(data, shape, ndim, dtype, &t));
    return t;
}

/* The tensors of safetensors' own example, in the order a Python dict would list them. */
static sg_tensor_dict *example(void) {
    float b[3] = {0, 1, 2};
    double a[4] = {1, 1, 1, 1};
    bool c[2] = {true, false};
    int64_t s3[] = {3}, s22[] = {2, 2}, s2[] = {2}, s0[] = {0};
    sg_tensor_dict *d = NULL;
    CHECK_OK(sg_tensor_dict_new(&d));
    sg_tensor *t[4] = {from(b, s3, 1, SG_FLOAT32), from(a, s22, 2, SG_FLOAT64), from(c, s2, 1, SG_BOOL),
                       from(NULL, s0, 1, SG_INT64)};
    const char *names[4] = {"b", "a", "c", "z"};
    for (int i = 0; i < 4; i++) {
        CHECK_OK(sg_tensor_dict_set(d, names[i], t[i]));
        sg_tensor_free(t[i]); /* the dictionary holds its own reference */
    }
    CHECK_OK(sg_tensor_dict_set_metadata(d, "format", "pt"));
    CHECK_OK(sg_tensor_dict_set_metadata(d, "x", "y"));
    return d;
}

static uint8_t *serialize(const sg_tensor_dict *d, size_t *size) {
    CHECK_OK(sg_safetensors_serialize(d, NULL, 0, size));
    uint8_t *bytes = malloc(*size);
    CHECK_OK(sg_safetensors_serialize(d, bytes, *size, size));
    return bytes;
}

static void test_bytes_match_the_safetensors_library(void) {
    sg_tensor_dict *d = example();
    size_t size = 0;
    uint8_t *bytes = serialize(d, &size);
    /* safetensors.numpy.save({...same tensors...}, metadata={"format": "pt", "x": "y"}) */
    const char *header = "{\"__metadata__\":{\"format\":\"pt\",\"x\":\"y\"},"
                         "\"z\":{\"dtype\":\"I64\",\"shape\":[0],\"data_offsets\":[0,0]},"
                         "\"a\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]},"
                         "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[32,44]},"
                         "\"c\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[44,46]}}    ";
    CHECK(size == 8 + 264 + 46);
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--) n = n << 8 | bytes[i];
    CHECK(n == 264 && strlen(header) == 264);
    CHECK(memcmp(bytes + 8, header, 264) == 0);
    double one = 1;
    float two = 2;
    CHECK(memcmp(bytes + 272, &one, 8) == 0 && memcmp(bytes + 272 + 24, &one, 8) == 0);
    CHECK(memcmp(bytes + 272 + 40, &two, 4) == 0);
    CHECK(bytes[272 + 44] == 1 && bytes[272 + 45] == 0);
    /* A buffer too small is refused. */
    CHECK_STATUS(sg_safetensors_serialize(d, bytes, size - 1, NULL), SG_ERR_INVALID_ARGUMENT);
    free(bytes);
    sg_tensor_dict_free(d);
}

static void test_round_trip_through_a_file(void) {
    sg_tensor_dict *d = example();
    /* A transposed (non-contiguous) tensor is written in row-major order of its shape. */
    double m[6] = {1, 2, 3, 4, 5, 6};
    int64_t s23[] = {2, 3};
    sg_tensor *base = from(m, s23, 2, SG_FLOAT64), *tr = NULL;
    CHECK_OK(sg_transpose(base, 0, 1, &tr));
    CHECK_OK(sg_tensor_dict_set(d, "layer.t", tr));
    char path[128];
    snprintf(path, sizeof path, "%s/model.safetensors", directory);
    CHECK_OK(sg_save_safetensors(d, path));

    sg_tensor_dict *back = NULL;
    CHECK_OK(sg_load_safetensors(path, &back));
    size_t count = 0;
    CHECK_OK(sg_tensor_dict_count(back, &count));
    CHECK(count == 5);
    const char *order[] = {"z", "a", "layer.t", "b", "c"}; /* file order: I64, F64 (by name), F32, BOOL */
    for (size_t i = 0; i < count && i < 5; i++) {
        char name[32];
        size_t needed = 0;
        CHECK_OK(sg_tensor_dict_name(back, i, name, sizeof name, &needed));
        CHECK(strcmp(name, order[i]) == 0 && needed == strlen(order[i]) + 1);
    }
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_dict_get(back, "layer.t", &t));
    CHECK_REPR(t, "tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]], dtype=torch.float64)");
    sg_tensor_free(t);
    CHECK_OK(sg_tensor_dict_get(back, "c", &t));
    CHECK_REPR(t, "tensor([ True, False])");
    sg_tensor_free(t);
    CHECK_OK(sg_tensor_dict_at(back, 0, &t));
    CHECK_REPR(t, "tensor([], dtype=torch.int64)");
    sg_tensor_free(t);
    CHECK_OK(sg_tensor_dict_get(back, "b", &t));
    CHECK_REPR(t, "tensor([0., 1., 2.])");
    sg_tensor_free(t);

    /* Saving the loaded dictionary again gives the same bytes as the original (same layout). */
    size_t s1 = 0, s2 = 0;
    uint8_t *b1 = serialize(d, &s1), *b2 = serialize(back, &s2);
    CHECK(s1 == s2 && memcmp(b1, b2, s1) == 0);
    free(b1);
    free(b2);

    char value[16];
    CHECK_OK(sg_tensor_dict_metadata_count(back, &count));
    CHECK(count == 2);
    CHECK_OK(sg_tensor_dict_metadata_key(back, 1, value, sizeof value, NULL));
    CHECK(strcmp(value, "x") == 0);
    CHECK_OK(sg_tensor_dict_metadata(back, "format", value, sizeof value, NULL));
    CHECK(strcmp(value, "pt") == 0);
    CHECK_OK(sg_tensor_dict_set_metadata(back, "format", NULL));
    CHECK_STATUS(sg_tensor_dict_metadata(back, "format", value, sizeof value, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_HAS("no metadata named 'format'");

    unlink(path);
    sg_tensor_free(base);
    sg_tensor_free(tr);
    sg_tensor_dict_free(back);
    sg_tensor_dict_free(d);
}

static sg_status parse(const void *bytes, size_t size) {
    sg_tensor_dict *d = (sg_tensor_dict *)0x1;
    sg_status s = sg_safetensors_deserialize(bytes, size, &d);
    if (s != SG_OK && d != NULL) CHECK(!"a failed parse left its output set");
    sg_tensor_dict_free(d);
    return s;
}

/* A file with the given header and n_data bytes of data. */
static sg_status parse_header(const char *header, size_t n_data) {
    size_t n = strlen(header);
    uint8_t *bytes = calloc(1, 8 + n + n_data);
    for (int i = 0; i < 8; i++) bytes[i] = (uint8_t)((uint64_t)n >> (8 * i));
    memcpy(bytes + 8, header, n);
    sg_status s = parse(bytes, 8 + n + n_data);
    free(bytes);
    return s;
}

static void test_corrupt_files(void) {
    sg_tensor_dict *d = example();
    size_t size = 0;
    uint8_t *bytes = serialize(d, &size);
    CHECK_OK(parse(bytes, size));
    /* Every truncation fails with a format error. */
    int truncations_refused = 0;
    for (size_t n = 0; n < size; n++) truncations_refused += parse(bytes, n) == SG_ERR_FORMAT;
    CHECK(truncations_refused == (int)size);
    CHECK_STATUS(parse(bytes, 100), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("the header size says 264 bytes but only 92 follow (truncated?)");
    CHECK_STATUS(parse(bytes, size - 1), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("the tensors need 46 bytes of data but the file has 45 (truncated?)");
    /* Every single-byte change of the header either still parses or is a format error. */
    uint8_t *copy = malloc(size);
    int outcomes[2] = {0, 0};
    for (size_t i = 0; i < 272; i++) {
        static const uint8_t replacements[] = {0, '"', '}', '9', 0xff, ','};
        for (size_t r = 0; r < sizeof replacements; r++) {
            memcpy(copy, bytes, size);
            copy[i] = replacements[r];
            sg_status s = parse(copy, size);
            if (s != SG_OK && s != SG_ERR_FORMAT) CHECK(!"a corrupt byte gave an unexpected status");
            outcomes[s == SG_OK]++;
        }
    }
    CHECK(outcomes[0] > 1000 && outcomes[1] > 0);
    free(copy);
    /* Trailing bytes, a huge header size, and header contents the format forbids. */
    uint8_t *longer = calloc(1, size + 1);
    memcpy(longer, bytes, size);
    CHECK_STATUS(parse(longer, size + 1), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("the file has 1 bytes after the last tensor");
    free(longer);
    uint8_t huge[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, '{', '}'};
    CHECK_STATUS(parse(huge, sizeof huge), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("exceeds the limit of 100000000 bytes");
    CHECK_STATUS(parse_header("{\"w\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("'w' has dtype U16, which swiftgrad does not support (F16, BF16, F32, F64, I8, U8, I16, I32, I64 and BOOL)");
    CHECK_STATUS(parse_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("'w' has data_offsets [0, 8] but its shape [3] of F32 needs 12 bytes");
    CHECK_STATUS(parse_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("the data of 'w' starts at 4, expected 0 (offsets must be contiguous)");
    CHECK_STATUS(parse_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), SG_ERR_FORMAT);
    CHECK_STATUS(parse_header("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                              "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("'w' appears twice in the header");
    CHECK_STATUS(parse_header("{\"__metadata__\":{\"k\":1}}", 0), SG_ERR_FORMAT);
    CHECK_STATUS(parse_header("[]", 0), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("the header does not start with '{'");
    CHECK_STATUS(parse_header("{\"a\":", 0), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("the header is not valid JSON");
    char deep[300] = "{\"a\":";
    for (int i = 0; i < 200; i++) strcat(deep, "[");
    CHECK_STATUS(parse_header(deep, 0), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("nested too deeply");
    CHECK_OK(parse_header("{}", 0));
    CHECK_STATUS(parse_header(" {}", 0), SG_ERR_FORMAT); /* the header must start with '{' */
    CHECK_OK(parse_header("{\"a\" : {\"shape\": [], \"dtype\": \"F64\", \"data_offsets\": [0, 8]}, \"\\u00e9\\n\":"
                          "{\"dtype\":\"BOOL\",\"shape\":[0],\"data_offsets\":[8,8]}}", 8));
    free(bytes);
    sg_tensor_dict_free(d);
}

static void write_file(const char *path, const uint8_t *bytes, size_t size) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && fwrite(bytes, 1, size, f) == size);
    fclose(f);
}

/* The process's peak resident size in kB (after a reset through clear_refs, the peak since). */
static long peak_kb(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

static void test_loading_a_file_reads_into_the_tensors(void) {
    sg_tensor_dict *d = example(), *back = NULL;
    size_t size = 0;
    uint8_t *bytes = serialize(d, &size);
    char path[128];
    snprintf(path, sizeof path, "%s/cut.safetensors", directory);
    /* Every truncation of the file fails with a format error, as for bytes. */
    int refused = 0;
    for (size_t n = 0; n < size; n++) {
        write_file(path, bytes, n);
        refused += sg_load_safetensors(path, &back) == SG_ERR_FORMAT && back == NULL;
    }
    CHECK(refused == (int)size);
    CHECK_ERROR_HAS("the tensors need 46 bytes of data but the file has 45 (truncated?)");
    /* Bool bytes other than 0 and 1 are true, as numpy and safetensors read them. */
    bytes[272 + 45] = 7;
    write_file(path, bytes, size);
    CHECK_OK(sg_load_safetensors(path, &back));
    sg_tensor *t = NULL;
    CHECK_OK(sg_tensor_dict_get(back, "c", &t));
    CHECK_REPR(t, "tensor([True, True])");
    sg_tensor_free(t);
    sg_tensor_dict_free(back);
    /* Empty pieces: a header of size 0, an empty bool tensor. */
    uint8_t empty_header[8] = {0};
    write_file(path, empty_header, 8);
    CHECK_STATUS(sg_load_safetensors(path, &back), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("the header does not start with '{'");
    const char *only_empty = "{\"e\":{\"dtype\":\"BOOL\",\"shape\":[0],\"data_offsets\":[0,0]}}";
    uint8_t file[80] = {(uint8_t)strlen(only_empty)};
    memcpy(file + 8, only_empty, strlen(only_empty));
    write_file(path, file, 8 + strlen(only_empty));
    CHECK_OK(sg_load_safetensors(path, &back));
    CHECK_OK(sg_tensor_dict_get(back, "e", &t));
    CHECK_REPR(t, "tensor([], dtype=torch.bool)");
    sg_tensor_free(t);
    sg_tensor_dict_free(back);
    unlink(path);
    free(bytes);
    sg_tensor_dict_free(d);

    /* Loading 32 MiB takes about 32 MiB more memory at its peak, not a copy of the file too.
       The file is written piece by piece, so that no tensor memory of that size exists before. */
    int64_t n = 8 << 20;
    snprintf(path, sizeof path, "%s/big.safetensors", directory);
    char header[80];
    int length = snprintf(header, sizeof header, "{\"big\":{\"dtype\":\"F32\",\"shape\":[%lld],\"data_offsets\":[0,%lld]}}",
                          (long long)n, (long long)(4 * n));
    while (length % 8) header[length++] = ' ';
    uint8_t prefix[8];
    for (int i = 0; i < 8; i++) prefix[i] = (uint8_t)((uint64_t)length >> (8 * i));
    static float ones[1 << 14];
    for (size_t i = 0; i < sizeof ones / sizeof *ones; i++) ones[i] = 1;
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    fwrite(prefix, 1, 8, f);
    fwrite(header, 1, (size_t)length, f);
    for (int64_t written = 0; written < n; written += (int64_t)(sizeof ones / sizeof *ones)) fwrite(ones, sizeof ones, 1, f);
    fclose(f);
    FILE *reset = fopen("/proc/self/clear_refs", "w");
    if (reset) {  /* resets the peak to the current size (Linux 4.0 and later) */
        fputs("5", reset);
        fclose(reset);
        long before = peak_kb();  /* the size now */
        CHECK_OK(sg_load_safetensors(path, &back));
        long rise = peak_kb() - before;
        CHECK(rise > 30 * 1024 && rise < 44 * 1024);
        sg_tensor *s = NULL;
        double total = 0;
        CHECK_OK(sg_tensor_dict_get(back, "big", &t));
        CHECK_OK(sg_sum(t, &s));
        CHECK_OK(sg_tensor_item(s, &total));
        CHECK(total == (double)n);
        sg_tensor_free(s);
        sg_tensor_free(t);
        sg_tensor_dict_free(back);
    }
    unlink(path);
}

static void test_files_and_misuse(void) {
    sg_tensor_dict *d = example(), *out = (sg_tensor_dict *)0x1;
    CHECK_STATUS(sg_load_safetensors("/nonexistent/model.safetensors", &out), SG_ERR_IO);
    CHECK(out == NULL);
    CHECK_ERROR_HAS("cannot open '/nonexistent/model.safetensors': No such file or directory");
    CHECK_STATUS(sg_save_safetensors(d, "/nonexistent/model.safetensors"), SG_ERR_IO);
    CHECK_ERROR_HAS("cannot write '/nonexistent/model.safetensors': No such file or directory");
    CHECK_STATUS(sg_load_safetensors(directory, &out), SG_ERR_IO); /* a directory */
    CHECK_STATUS(sg_load_safetensors(NULL, &out), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_load_safetensors("x", NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_save_safetensors(d, NULL), SG_ERR_INVALID_ARGUMENT);
    /* A file that is not safetensors. */
    char path[128];
    snprintf(path, sizeof path, "%s/not.safetensors", directory);
    FILE *f = fopen(path, "wb");
    fputs("hello, world", f);
    fclose(f);
    CHECK_STATUS(sg_load_safetensors(path, &out), SG_ERR_FORMAT);
    CHECK_ERROR_HAS("'");
    unlink(path);

    sg_tensor *t = (sg_tensor *)0x1, *x = NULL;
    CHECK_STATUS(sg_tensor_dict_get(d, "missing", &t), SG_ERR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_ERROR_HAS("no tensor named 'missing'");
    CHECK_OK(sg_arange(0, 2, 1, SG_FLOAT32, &x));
    CHECK_STATUS(sg_tensor_dict_set(d, "__metadata__", x), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_dict_set(d, "", x), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_dict_set(d, NULL, x), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_dict_set(d, "x", NULL), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_tensor_dict_set(d, "b", x)); /* replaces, keeping the position */
    char name[8];
    CHECK_OK(sg_tensor_dict_name(d, 0, name, sizeof name, NULL));
    CHECK(strcmp(name, "b") == 0);
    CHECK_STATUS(sg_tensor_dict_name(d, 4, name, sizeof name, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_dict_at(d, (size_t)-1, &t), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_dict_metadata_key(d, 2, name, sizeof name, NULL), SG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(sg_tensor_dict_set_metadata(d, NULL, "v"), SG_ERR_INVALID_ARGUMENT);
    /* Wrong kinds and stale handles. */
    CHECK_STATUS(sg_tensor_dict_count((sg_tensor_dict *)x, NULL), SG_ERR_INVALID_ARGUMENT);
    size_t n;
    CHECK_STATUS(sg_tensor_dict_count((sg_tensor_dict *)x, &n), SG_ERR_INVALID_HANDLE);
    CHECK_ERROR_HAS("sg_tensor_dict_count: argument 'dict' is not a live tensor dict handle");
    CHECK_STATUS(sg_tensor_free((sg_tensor *)d), SG_ERR_INVALID_HANDLE);
    CHECK_OK(sg_tensor_dict_free(NULL));
    CHECK_OK(sg_tensor_dict_free(d));
    CHECK_STATUS(sg_tensor_dict_free(d), SG_ERR_INVALID_HANDLE);
    CHECK_STATUS(sg_save_safetensors(d, "/tmp/never-written.safetensors"), SG_ERR_INVALID_HANDLE);
    CHECK(access("/tmp/never-written.safetensors", F_OK) != 0);
    sg_tensor_free(x);
}

int main(void) {
    if (mkdtemp(directory) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_bytes_match_the_safetensors_library();
    test_round_trip_through_a_file();
    test_corrupt_files();
    test_loading_a_file_reads_into_the_tensors();
    test_files_and_misuse();
    rmdir(directory);
    return check_summary("test_safetensors");
}
