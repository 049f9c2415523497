/* cli_io.c -- what `run` and `show` share: loading inputs and kernels,
 * writing outputs by extension, shape texts, and judging what an
 * implementation's function returned (not implemented, failed, output left
 * empty, guard bands overwritten).
 */
#include "cli.h"

#include <string.h>

/* ------------------------------------------------------------------ shapes */

int cli_fit_rank(const cl_image *im, int want)
{
    int need = im->n > 1 ? 4 : im->c > 1 ? 3 : im->h > 1 ? 2 : 1;
    int rank = want > need ? want : need;
    return rank > 4 ? 4 : rank;
}

const char *cli_shape_text(const cl_image *im, int rank, char *buf, size_t size)
{
    switch (rank) {
    case 1: snprintf(buf, size, "(%d,)", im->w); break;
    case 2: snprintf(buf, size, "(%d, %d)", im->h, im->w); break;
    case 3: snprintf(buf, size, "(%d, %d, %d)", im->h, im->w, im->c); break;
    default: snprintf(buf, size, "(%d, %d, %d, %d)", im->n, im->h, im->w, im->c); break;
    }
    return buf;
}

/* ------------------------------------------------------------------ inputs */

int cli_load_input(const char *path, cl_image *img, int *rank)
{
    int st = cl_image_read_any(img, path, 0, rank);
    return st == CL_OK ? 0 : cli_fail_lib(st, NULL);
}

/* A kernel from a .npy file: (kh, kw) or (kh, kw, 1). */
static int load_kernel_file(const char *path, const char *opt, cl_image *k)
{
    int rank = 0;
    int st = cl_image_read_npy(k, path, &rank);
    if (st != CL_OK)
        return cli_fail_lib(st, opt);
    if ((rank == 2 || rank == 3) && k->n == 1 && k->c == 1)
        return 0;
    char shape[64];
    cli_shape_text(k, rank, shape, sizeof shape);
    cl_image_free(k);
    return cli_fail(CLI_EXIT_BAD, "%s %s: a kernel is a 2-D array (kh, kw), got shape %s", opt,
                    path, shape);
}

int cli_load_kernel(const char *spec, const char *opt, cl_image *k)
{
    if (cli_has_ext(spec, ".npy"))
        return load_kernel_file(spec, opt, k);
    int st = cl_kernel_named(k, spec);
    if (st != CL_OK)
        return cli_fail(CLI_EXIT_BAD, "%s: unknown kernel '%s' (convlab kernels lists them; a "
                        "file must end in .npy)", opt, spec);
    return 0;
}

/* ----------------------------------------------------------------- outputs */

int cli_output_format(const char *path, cli_format *fmt)
{
    if (cli_has_ext(path, ".npy")) {
        *fmt = CLI_FORMAT_NPY;
        return 0;
    }
    if (cli_has_ext(path, ".png")) {
        *fmt = CLI_FORMAT_PNG;
        return 0;
    }
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot && dot[1] != '\0')
        return cli_fail(CLI_EXIT_USAGE, "-o %s: cannot write '%s' files (use .npy or .png)",
                        path, dot);
    return cli_fail(CLI_EXIT_USAGE, "-o %s: the output needs an extension, .npy or .png",
                    path);
}

static int write_png(const char *path, const cl_image *im, int rank)
{
    if (im->n != 1 || (im->c != 1 && im->c != 3 && im->c != 4)) {
        char shape[64];
        return cli_fail(CLI_EXIT_BAD,
                        "-o %s: a PNG holds one image of 1, 3 or 4 channels; the output has "
                        "shape %s (write .npy instead)",
                        path, cli_shape_text(im, rank, shape, sizeof shape));
    }
    int st = cl_image_save_png(path, im);
    return st == CL_OK ? 0 : cli_fail_lib(st, NULL);
}

int cli_write_image(const char *path, cli_format fmt, const cl_image *im, int rank)
{
    if (fmt == CLI_FORMAT_PNG)
        return write_png(path, im, rank);
    long shape[4];
    int nd = 0;
    if (rank >= 4)
        shape[nd++] = im->n;
    if (rank >= 2)
        shape[nd++] = im->h;
    shape[nd++] = im->w;
    if (rank >= 3)
        shape[nd++] = im->c;
    int st = cl_npy_write(path, im->data, CL_DTYPE_F32, nd, shape);
    return st == CL_OK ? 0 : cli_fail_lib(st, NULL);
}

/* ------------------------------------------------- judging implementations */

void cli_clear_lib_error(void)
{
    cl_fail(CL_OK, NULL);
}

typedef struct fn_file {
    const char *fn, *file;
} fn_file;

static const fn_file files[] = {
    {"conv_output_size", "a1_windows.c"}, {"get_subimages", "a1_windows.c"},
    {"im_conv", "a1_windows.c"},          {"flip_kernel", "a2_borders.c"},
    {"pad_image", "a2_borders.c"},        {"im_conv_opts", "a2_borders.c"},
    {"threshold_binary", "a2_borders.c"}, {"to_uint8", "a2_borders.c"},
    {"conv2d", "a3_layers.c"},            {"max_pool2d", "a3_layers.c"},
    {"avg_pool2d", "a3_layers.c"},        {"upsample", "a3_layers.c"},
    {"conv2d_transpose", "a3_layers.c"},  {"im_conv_fast", "a4_fast.c"},
};

const char *cli_function_file(const cl_impl *impl, const char *fn, char *buf, size_t size)
{
    const char *file = "?";
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strcmp(files[i].fn, fn) == 0)
            file = files[i].file;
    if (impl == &cl_impl_student)
        snprintf(buf, size, "assignments/%s", file);
    else if (impl == &cl_impl_solution)
        snprintf(buf, size, "solutions/%s", file);
    else
        snprintf(buf, size, "the reference, harness/");
    return buf;
}

/* An error returned by fn: the library's message (the reference's messages
 * stand alone; other implementations' are prefixed with the function name). */
static int call_failed(const cl_impl *impl, const char *fn, int status)
{
    const char *msg = cl_last_error();
    if (status > 0)
        return cli_fail(CLI_EXIT_BAD,
                        "%s returned %d, which is not a status (return CL_OK or a negative "
                        "CL_E_* code)", fn, status);
    if (msg[0] == '\0')
        return cli_fail(CLI_EXIT_BAD, "%s failed: %s (status %d, no message)", fn,
                        cl_status_str(status), status);
    if (impl == &cl_impl_reference)
        return cli_fail(CLI_EXIT_BAD, "%s", msg);
    return cli_fail(CLI_EXIT_BAD, "%s: %s", fn, msg);
}

int cli_check_call(const cl_impl *impl, const char *fn, int status, const cl_image *out)
{
    if (status == CL_E_NOT_IMPLEMENTED) {
        char file[64];
        return cli_fail(CLI_EXIT_BAD, "%s is not implemented yet (%s)", fn,
                        cli_function_file(impl, fn, file, sizeof file));
    }
    if (status != CL_OK)
        return call_failed(impl, fn, status);
    if (out == NULL)
        return 0;
    if (out->data == NULL || out->block_ == NULL || cl_image_count(out) == 0)
        return cli_fail(CLI_EXIT_BAD,
                        "%s returned CL_OK but did not allocate its output (call "
                        "cl_image_alloc(out, ...))", fn);
    if (!cl_image_guards_ok(out))
        return cli_fail(CLI_EXIT_BAD,
                        "%s wrote outside its output (an index past the end, or before the "
                        "start, of out->data)", fn);
    return 0;
}
