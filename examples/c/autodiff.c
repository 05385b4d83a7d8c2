/*
 * D2L's "Automatic Differentiation" chapter, cell by cell, in C against swiftgrad.h.
 * Each block is a notebook cell; the output is what the notebook prints.
 *
 *   make demo        (or: cc autodiff.c -Iinclude -Lbuild/lib -lswiftgrad)
 */
#include <math.h>
#include <string.h>
#include "example.h"

/* The tensor's repr, as Python's print(tensor) shows it. The caller frees the string. */
static char *repr(const sg_tensor *t) {
    size_t needed = 0;
    TRY(sg_tensor_to_string(t, NULL, 0, &needed));
    char *text = malloc(needed);
    TRY(sg_tensor_to_string(t, text, needed, NULL));
    return text;
}

static void print_repr(const char *before, const sg_tensor *t, const char *after) {
    char *text = repr(t);
    printf("%s%s%s", before, text, after);
    free(text);
}

/* Python's repr of a float: the shortest digits that read back as the same double. */
static void print_python_float(double v) {
    char text[40];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, v);
        if (strtod(text, NULL) == v) break;
    }
    printf("%s%s", text, strpbrk(text, ".en") ? "" : ".0");
}

/* What print(t.detach().numpy()) shows for the chapter's float arrays: integral values print as
   "4." padded to one width, as NumPy does; other values fall back to Python's float repr. */
static void print_numpy(const sg_tensor *t) {
    size_t ndim;
    int64_t n;
    TRY(sg_tensor_ndim(t, &ndim));
    TRY(sg_tensor_numel(t, &n));
    float *values = malloc((size_t)n * sizeof *values + 1);
    TRY(sg_tensor_copy_to(t, values, (size_t)n * sizeof *values));
    if (ndim == 0) {
        print_python_float(values[0]);
    } else {
        int width = 0;
        for (int64_t i = 0; i < n; i++) {
            int w = snprintf(NULL, 0, "%.0f.", values[i]);
            if (w > width) width = w;
        }
        printf("[");
        for (int64_t i = 0; i < n; i++) {
            if (values[i] == floorf(values[i])) {
                char cell[64];
                snprintf(cell, sizeof cell, "%.0f.", values[i]);
                printf("%s%*s", i ? " " : "", width, cell);
            } else {
                printf("%s", i ? " " : "");
                print_python_float(values[i]);
            }
        }
        printf("]");
    }
    free(values);
}

/* The values as NumPy would print them, through a detached alias, as the notebook does. */
static void print_detached(const sg_tensor *t) {
    sg_tensor *d;
    TRY(sg_tensor_detach(t, &d));
    print_numpy(d);
    sg_tensor_free(d);
}

/* def f(a): b = a * 2; while b.norm() < 1000: b = b * 2; c = b if b.sum() > 0 else 100 * b */
static sg_tensor *f(const sg_tensor *a) {
    sg_tensor *b, *norm, *sum, *c;
    TRY(sg_mul_scalar(a, 2, &b));
    for (;;) {
        TRY(sg_norm(b, &norm));
        double n = item(norm);
        sg_tensor_free(norm);
        if (!(n < 1000)) break;
        sg_tensor *next;
        TRY(sg_mul_scalar(b, 2, &next));
        sg_tensor_free(b);
        b = next;
    }
    TRY(sg_sum(b, &sum));
    double s = item(sum);
    sg_tensor_free(sum);
    if (s > 0) {
        c = b;
    } else {
        TRY(sg_mul_scalar(b, 100, &c));
        sg_tensor_free(b);
    }
    return c;
}

/* Writes the Graphviz DOT picture of t's backward graph to path. */
static void write_graph(const sg_tensor *t, const char *title, const char *path) {
    size_t needed;
    TRY(sg_graph_to_dot(t, title, NULL, 0, &needed));
    char *text = malloc(needed);
    if (text == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    TRY(sg_graph_to_dot(t, title, text, needed, NULL));
    FILE *file = fopen(path, "w");
    if (file == NULL || fputs(text, file) == EOF || fclose(file) != 0) {
        perror(path);
        exit(1);
    }
    free(text);
}

/* Usage: autodiff [GRAPH.dot]: runs the chapter; with a path, also writes the graph of the
   chapter's z = u * x there. */
int main(int argc, char **argv) {
    sg_tensor *x, *y, *dot, *grad, *four_x, *same, *u, *z, *zsum;

    /* In [3]: x = torch.arange(4.0, requires_grad=True) */
    TRY(sg_arange(0, 4, 1, SG_FLOAT32, &x));
    TRY(sg_tensor_set_requires_grad(x, true));
    TRY(sg_tensor_grad(x, &grad));
    printf("x=");
    print_detached(x);
    printf(" \nGradient: %s\n", grad ? "a tensor" : "None");

    /* In [4]: y = 2 * torch.dot(x, x) */
    TRY(sg_dot(x, x, &dot));
    TRY(sg_mul_scalar(dot, 2, &y));
    printf("y = ");
    print_detached(y);
    printf("\n");

    /* In [5]: y.backward() */
    TRY(sg_backward(y, NULL, false));
    TRY(sg_tensor_grad(x, &grad));
    printf("x=");
    print_detached(x);
    printf(" \nGradient=");
    print_detached(grad);
    printf("\n");

    /* In [6]: print(x.grad == 4 * x) */
    TRY(sg_mul_scalar(x, 4, &four_x));
    TRY(sg_eq(grad, four_x, &same));
    print_repr("", same, "\n");
    sg_tensor_free(four_x);
    sg_tensor_free(same);
    sg_tensor_free(dot);
    sg_tensor_free(y);

    /* In [11]: x.grad.zero_(); y = x.sum(); y.backward(); x, x.grad */
    TRY(sg_zero_(grad));
    TRY(sg_sum(x, &y));
    TRY(sg_backward(y, NULL, false));
    print_repr("(", x, ", ");
    print_repr("", grad, ")\n");
    sg_tensor_free(y);

    /* Backward for non-scalar variables: y = x * x; y.sum().backward() */
    TRY(sg_zero_(grad));
    TRY(sg_mul(x, x, &y));
    TRY(sg_sum(y, &zsum));
    TRY(sg_backward(zsum, NULL, false));
    print_repr("(", x, ", ");
    print_repr("", grad, ")\n");
    sg_tensor_free(zsum);
    sg_tensor_free(y);

    /* Detaching computation: y = x * x; u = y.detach(); z = u * x; z.sum().backward() */
    TRY(sg_zero_(grad));
    TRY(sg_mul(x, x, &y));
    TRY(sg_tensor_detach(y, &u));
    TRY(sg_mul(u, x, &z));
    if (argc > 1) write_graph(z, "z = u * x", argv[1]);
    TRY(sg_sum(z, &zsum));
    TRY(sg_backward(zsum, NULL, false));
    TRY(sg_eq(grad, u, &same));
    print_repr("", x, " \n ");
    print_repr("", y, " \n ");
    print_repr("", u, " \n ");
    print_repr("", same, "\n");
    sg_tensor_free(same);
    sg_tensor_free(zsum);
    sg_tensor_free(z);
    sg_tensor_free(u);
    sg_tensor_free(y);
    sg_tensor_free(grad);
    sg_tensor_free(x);

    /* Gradients and Python control flow:
       a = torch.randn(size=(), requires_grad=True); d = f(a); d.backward(); a.grad == d / a */
    sg_tensor *a, *d, *ratio;
    TRY(sg_randn(NULL, 0, SG_FLOAT32, NULL, &a));
    TRY(sg_tensor_set_requires_grad(a, true));
    d = f(a);
    TRY(sg_backward(d, NULL, false));
    TRY(sg_tensor_grad(a, &grad));
    TRY(sg_div(d, a, &ratio));
    TRY(sg_eq(grad, ratio, &same));
    print_repr("", same, "\n");
    sg_tensor_free(same);
    sg_tensor_free(ratio);
    sg_tensor_free(grad);
    sg_tensor_free(d);
    sg_tensor_free(a);

    if (sg_live_tensor_count() != 0) {
        fprintf(stderr, "leak: %lld tensors still alive\n", (long long)sg_live_tensor_count());
        return 1;
    }
    return 0;
}
