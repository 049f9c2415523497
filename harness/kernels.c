/* kernels.c -- the named correlation kernels of SPEC §4 (identity, shifts,
 * derivatives, box blurs, binomial Gaussian, sharpen, Laplacians, Sobel,
 * emboss) and their listing for `convlab kernels`.
 *
 * All kernels are correlation kernels (applied without flipping), e.g.
 * shift_right has its 1 left of the centre so that out(y,x) = in(y,x-1): the
 * picture moves one pixel to the right. Values are exact: fractions are
 * computed in double and rounded once to float.
 */
#include "convlab.h"

#include <stdlib.h>
#include <string.h>

#define BOX_MAX 63

typedef struct named_kernel {
    const char *name;
    const char *description;
    int kh, kw;
    double v[25]; /* row-major kh x kw */
} named_kernel;

/* box3 is listed for boxN and built by make_box; its values here are unused. */
static const named_kernel kernels[] = {
    {"identity", "3x3, 1 in the centre: the output equals the input", 3, 3,
     {0, 0, 0, 0, 1, 0, 0, 0, 0}},
    {"shift_right", "3x3, 1 left of the centre: moves the picture one pixel right", 3, 3,
     {0, 0, 0, 1, 0, 0, 0, 0, 0}},
    {"shift_down", "3x3, 1 above the centre: moves the picture one pixel down", 3, 3,
     {0, 1, 0, 0, 0, 0, 0, 0, 0}},
    {"dx", "1x3 [-1 0 1]: horizontal derivative (bright where values grow to the right)", 1,
     3, {-1, 0, 1}},
    {"dy", "3x1 [-1 0 1]^T: vertical derivative (bright where values grow downwards)", 3, 1,
     {-1, 0, 1}},
    {"box3", "NxN box blur, every weight 1/N^2 (boxN for N = 1..63, e.g. box5)", 3, 3, {0}},
    {"gaussian5", "5x5 binomial Gaussian blur [1 4 6 4 1]^T [1 4 6 4 1] / 256", 5, 5,
     {1, 4, 6, 4, 1, 4, 16, 24, 16, 4, 6, 24, 36, 24, 6, 4, 16, 24, 16, 4, 1, 4, 6, 4, 1}},
    {"sharpen", "3x3 sharpen: 2*identity - box3 (centre 17/9, others -1/9)", 3, 3, {0}},
    {"laplace4", "3x3 Laplacian, 4 neighbours [[0 1 0] [1 -4 1] [0 1 0]]", 3, 3,
     {0, 1, 0, 1, -4, 1, 0, 1, 0}},
    {"laplace8", "3x3 Laplacian, 8 neighbours [[1 1 1] [1 -8 1] [1 1 1]]", 3, 3,
     {1, 1, 1, 1, -8, 1, 1, 1, 1}},
    {"sobel_x", "3x3 Sobel, horizontal gradient [[-1 0 1] [-2 0 2] [-1 0 1]]", 3, 3,
     {-1, 0, 1, -2, 0, 2, -1, 0, 1}},
    {"sobel_y", "3x3 Sobel, vertical gradient [[-1 -2 -1] [0 0 0] [1 2 1]]", 3, 3,
     {-1, -2, -1, 0, 0, 0, 1, 2, 1}},
    {"emboss", "3x3 emboss [[-2 -1 0] [-1 1 1] [0 1 2]]", 3, 3,
     {-2, -1, 0, -1, 1, 1, 0, 1, 2}},
};

#define NKERNELS ((int)(sizeof kernels / sizeof kernels[0]))

int cl_kernel_count(void)
{
    return NKERNELS;
}

const char *cl_kernel_name(int i)
{
    return i >= 0 && i < NKERNELS ? kernels[i].name : "";
}

const char *cl_kernel_description(int i)
{
    return i >= 0 && i < NKERNELS ? kernels[i].description : "";
}

/* N of "boxN" (1..BOX_MAX, decimal, no sign or leading zero), or 0. */
static int box_size(const char *name)
{
    if (strncmp(name, "box", 3) != 0)
        return 0;
    const char *p = name + 3;
    if (*p < '1' || *p > '9' || strlen(p) > 2)
        return 0;
    int n = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        n = n * 10 + (*p - '0');
    }
    return n <= BOX_MAX ? n : 0;
}

static int make_box(cl_image *out, int n)
{
    int st = cl_image_alloc(out, 1, n, n, 1);
    if (st != CL_OK)
        return st;
    float v = (float)(1.0 / ((double)n * n));
    for (int i = 0; i < n * n; i++)
        out->data[i] = v;
    return CL_OK;
}

static int make_sharpen(cl_image *out)
{
    int st = cl_image_alloc(out, 1, 3, 3, 1);
    if (st != CL_OK)
        return st;
    for (int i = 0; i < 9; i++)
        out->data[i] = (float)(-1.0 / 9.0);
    out->data[4] = (float)(2.0 - 1.0 / 9.0);
    return CL_OK;
}

static int make_table(cl_image *out, const named_kernel *k)
{
    int st = cl_image_alloc(out, 1, k->kh, k->kw, 1);
    if (st != CL_OK)
        return st;
    double scale = strcmp(k->name, "gaussian5") == 0 ? 1.0 / 256.0 : 1.0;
    for (int i = 0; i < k->kh * k->kw; i++)
        out->data[i] = (float)(k->v[i] * scale);
    return CL_OK;
}

int cl_kernel_named(cl_image *out, const char *name)
{
    if (out == NULL)
        return cl_fail(CL_E_ARG, "kernel: out is NULL");
    if (name == NULL) {
        cl_image_free(out);
        return cl_fail(CL_E_ARG, "kernel: name is NULL");
    }
    int box = box_size(name);
    if (box > 0)
        return make_box(out, box);
    if (strcmp(name, "sharpen") == 0)
        return make_sharpen(out);
    for (int i = 0; i < NKERNELS; i++)
        if (strcmp(name, kernels[i].name) == 0)
            return make_table(out, &kernels[i]);
    cl_image_free(out);
    if (strncmp(name, "box", 3) == 0)
        return cl_fail(CL_E_ARG,
                       "unknown kernel '%s' (boxN takes N = 1..%d; run `convlab kernels` for "
                       "the list)",
                       name, BOX_MAX);
    return cl_fail(CL_E_ARG, "unknown kernel '%s' (run `convlab kernels` for the list)", name);
}
