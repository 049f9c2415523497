/* cli_info.c -- `convlab info FILE` and `convlab kernels [NAME ...]`.
 *
 * info tells the kind of FILE from its first bytes (".npy" magic, IDX header
 * or gzip, else an image for stb_image) and prints one line:
 *   t10k-images-idx3-ubyte.gz: IDX uint8 (10000, 28, 28), min 0, max 255
 *   x.npy: npy float32 (5, 7), min -1.5, max 3.25
 *   chelsea.png: image 8-bit, 300x451x3 (H x W x C), min 0, max 255
 * Non-finite values are left out of min and max and counted.
 *
 * kernels lists the named kernels (or the ones named, e.g. box7): name, size,
 * description, and the values as a matrix.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------- range */

typedef struct value_range {
    double lo, hi;
    size_t finite, nonfinite;
} value_range;

static void range_add(value_range *r, double v)
{
    if (!isfinite(v)) {
        r->nonfinite++;
        return;
    }
    if (r->finite == 0 || v < r->lo)
        r->lo = v;
    if (r->finite == 0 || v > r->hi)
        r->hi = v;
    r->finite++;
}

static void range_of_floats(value_range *r, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        range_add(r, v[i]);
}

/* Prints ", min A, max B" (and the count of non-finite values), newline. */
static void print_range(const value_range *r)
{
    if (r->finite > 0)
        printf(", min %g, max %g", r->lo, r->hi);
    else if (r->nonfinite == 0)
        printf(", empty");
    if (r->nonfinite > 0)
        printf(", %zu non-finite value%s", r->nonfinite, r->nonfinite == 1 ? "" : "s");
    putchar('\n');
}

/* Python-style shape "(2, 3)", "(5,)", "()". */
static void print_shape(int ndim, const long *shape)
{
    putchar('(');
    for (int i = 0; i < ndim; i++)
        printf(i ? ", %ld" : "%ld", shape[i]);
    fputs(ndim == 1 ? ",)" : ")", stdout);
}

/* ------------------------------------------------------------------- kinds */

static int info_npy(const char *path)
{
    float *data = NULL;
    cl_npy_info info;
    int st = cl_npy_read(path, &data, &info);
    if (st != CL_OK)
        return cli_fail_lib(st, NULL);
    size_t count = 1;
    for (int i = 0; i < info.ndim; i++)
        count *= (size_t)info.shape[i];
    value_range r = {0};
    range_of_floats(&r, data, count);
    free(data);
    printf("%s: npy %s ", path, info.dtype == CL_DTYPE_U8 ? "uint8" : "float32");
    print_shape(info.ndim, info.shape);
    print_range(&r);
    return 0;
}

static const char *idx_type_name(int code)
{
    switch (code) {
    case 0x08: return "uint8";
    case 0x09: return "int8";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "unknown-type";
    }
}

/* Reads the values of an IDX file (uint8 images or labels) into r. */
static int idx_values(const char *path, int ndim, value_range *r)
{
    if (ndim == 1) {
        uint8_t *labels = NULL;
        int count = 0;
        int st = cl_idx_read_labels(&labels, &count, path, 0, 0);
        if (st != CL_OK)
            return cli_fail_lib(st, NULL);
        for (int i = 0; i < count; i++)
            range_add(r, labels[i]);
        free(labels);
        return 0;
    }
    cl_image img = {0};
    int st = cl_idx_read_images(&img, path, 0, 0);
    if (st != CL_OK)
        return cli_fail_lib(st, NULL);
    range_of_floats(r, img.data, cl_image_count(&img));
    cl_image_free(&img);
    return 0;
}

static int info_idx(const char *path)
{
    int type = 0, ndim = 0;
    long dims[CL_NPY_MAXDIM] = {0};
    int st = cl_idx_info(path, &type, &ndim, dims);
    if (st != CL_OK)
        return cli_fail_lib(st, NULL);
    if (type != 0x08 || (ndim != 1 && ndim != 3)) {
        printf("%s: IDX %s ", path, idx_type_name(type));
        print_shape(ndim, dims);
        puts(", values not read (convlab reads uint8 images and labels)");
        return 0;
    }
    value_range r = {0};
    if ((st = idx_values(path, ndim, &r)) != 0)
        return st;
    printf("%s: IDX %s ", path, idx_type_name(type));
    print_shape(ndim, dims);
    print_range(&r);
    return 0;
}

static int info_image(const char *path)
{
    cl_image img = {0};
    int st = cl_image_load(&img, path, 0);
    if (st != CL_OK)
        return cli_fail_lib(st, NULL);
    value_range r = {0};
    range_of_floats(&r, img.data, cl_image_count(&img));
    printf("%s: image 8-bit, %dx%dx%d (H x W x C)", path, img.h, img.w, img.c);
    cl_image_free(&img);
    print_range(&r);
    return 0;
}

typedef enum file_kind { KIND_NPY, KIND_IDX, KIND_IMAGE } file_kind;

/* The kind of a file from its first bytes. */
static int sniff(const char *path, file_kind *kind)
{
    unsigned char b[8] = {0};
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return cli_fail(CLI_EXIT_BAD, "cannot open %s: %s", path, strerror(errno));
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (cli_has_ext(path, ".npy") || (n >= 6 && memcmp(b, "\x93NUMPY", 6) == 0))
        *kind = KIND_NPY;
    else if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        *kind = KIND_IDX;
    else if (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] >= 0x08 && b[2] <= 0x0E &&
             b[3] >= 1 && b[3] <= 4)
        *kind = KIND_IDX;
    else
        *kind = KIND_IMAGE;
    return 0;
}

int cli_cmd_info(int argc, char **argv)
{
    cli_set_context("info");
    if (argc == 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        cli_print_usage(stdout);
        return CLI_HELP_SHOWN;
    }
    if (argc != 1)
        return cli_fail(CLI_EXIT_USAGE, "expected one FILE (convlab info FILE), got %d "
                        "arguments", argc);
    if (argv[0][0] == '-' && argv[0][1] != '\0')
        return cli_fail(CLI_EXIT_USAGE, "unknown option '%s'", argv[0]);
    file_kind kind = KIND_IMAGE;
    int st = sniff(argv[0], &kind);
    if (st)
        return st;
    switch (kind) {
    case KIND_NPY: return info_npy(argv[0]);
    case KIND_IDX: return info_idx(argv[0]);
    default: return info_image(argv[0]);
    }
}

/* ----------------------------------------------------------------- kernels */

/* Prints the values of k as a right-aligned matrix, indented. */
static void print_matrix(const cl_image *k)
{
    char cell[32];
    int width = 1;
    for (size_t i = 0, n = cl_image_count(k); i < n; i++) {
        int len = snprintf(cell, sizeof cell, "%g", k->data[i]);
        width = len > width ? len : width;
    }
    for (int y = 0; y < k->h; y++) {
        fputs("   ", stdout);
        for (int x = 0; x < k->w; x++) {
            snprintf(cell, sizeof cell, "%g", *cl_px(k, 0, y, x, 0));
            printf(" %*s", width, cell);
        }
        putchar('\n');
    }
}

static int print_kernel(const char *name, const char *description)
{
    cl_image k = {0};
    int st = cl_kernel_named(&k, name);
    if (st != CL_OK)
        return cli_fail(CLI_EXIT_BAD, "unknown kernel '%s' (convlab kernels lists them)", name);
    char size[32];
    int len = snprintf(size, sizeof size, "%dx%d", k.h, k.w);
    /* The descriptions mostly start with the size: print it once. */
    if (strncmp(description, size, (size_t)len) == 0 &&
        (description[len] == ',' || description[len] == ' '))
    {
        description += len + (description[len] == ',');
        while (*description == ' ')
            description++;
    }
    printf("%-12s %-5s  %s\n", name, size, description);
    print_matrix(&k);
    cl_image_free(&k);
    return 0;
}

/* The description of a listed kernel, or "" (box7 is not listed: box3 is). */
static const char *describe(const char *name)
{
    for (int i = 0; i < cl_kernel_count(); i++)
        if (strcmp(cl_kernel_name(i), name) == 0)
            return cl_kernel_description(i);
    if (strncmp(name, "box", 3) == 0)
        return "box blur, every weight 1/N^2";
    return "";
}

int cli_cmd_kernels(int argc, char **argv)
{
    cli_set_context("kernels");
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_usage(stdout);
            return CLI_HELP_SHOWN;
        }
        if (argv[i][0] == '-')
            return cli_fail(CLI_EXIT_USAGE, "unknown option '%s'", argv[i]);
    }
    /* Check every name before printing anything. */
    for (int i = 0; i < argc; i++) {
        cl_image k = {0};
        if (cl_kernel_named(&k, argv[i]) != CL_OK)
            return cli_fail(CLI_EXIT_BAD, "unknown kernel '%s' (convlab kernels lists them)",
                            argv[i]);
        cl_image_free(&k);
    }
    int count = argc > 0 ? argc : cl_kernel_count();
    for (int i = 0; i < count; i++) {
        const char *name = argc > 0 ? argv[i] : cl_kernel_name(i);
        if (i > 0)
            putchar('\n');
        int st = print_kernel(name, describe(name));
        if (st)
            return st;
    }
    return 0;
}
