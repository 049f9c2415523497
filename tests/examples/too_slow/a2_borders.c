/*
 * a2_borders.c -- kernels and borders
 * Student: Jo W.
 *
 * src_index() tells which source pixel a (possibly outside) coordinate reads.
 * pad_image and im_conv_opts both use it.
 */
#include <math.h>
#include "assignment.h"

static int wrapmod(int a, int m)
{
    int r = a % m;
    if (r < 0) r += m;
    return r;
}

/* -1 means "zero" (only for CL_BORDER_ZERO). */
static int src_index(int p, int n, cl_border b)
{
    if (p >= 0 && p < n) return p;
    switch (b) {
    case CL_BORDER_ZERO:
        return -1;
    case CL_BORDER_REPLICATE:
        return p < 0 ? 0 : n - 1;
    case CL_BORDER_REFLECT: {            /* abc|cba  period 2n */
        int q = wrapmod(p, 2 * n);
        return q < n ? q : 2 * n - 1 - q;
    }
    case CL_BORDER_REFLECT101: {         /* abc|ba   period 2n-2 */
        if (n == 1) return 0;
        int q = wrapmod(p, 2 * n - 2);
        return q < n ? q : 2 * n - 2 - q;
    }
    case CL_BORDER_WRAP:
        return wrapmod(p, n);
    }
    return -1;
}

static int valid_border(cl_border b)
{
    return b == CL_BORDER_ZERO || b == CL_BORDER_REPLICATE || b == CL_BORDER_REFLECT ||
           b == CL_BORDER_REFLECT101 || b == CL_BORDER_WRAP;
}

static float sample(const cl_image *im, int b, int y, int x, int ch, cl_border border)
{
    int yy = src_index(y, im->h, border);
    int xx = src_index(x, im->w, border);
    if (yy < 0 || xx < 0) return 0.0f;
    return *cl_px(im, b, yy, xx, ch);
}

int flip_kernel(const cl_image *kernel, cl_image *out)
{
    int e = cl_image_check(kernel, "kernel");
    if (e) return e;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (kernel->n != 1 || kernel->c != 1) return cl_fail(CL_E_SHAPE, "kernel must be 2-D");
    e = cl_image_alloc(out, 1, kernel->h, kernel->w, 1);
    if (e) return e;
    int total = kernel->h * kernel->w;
    /* turning by 180 degrees == reversing the flat array */
    for (int k = 0; k < total; k++)
        out->data[k] = kernel->data[total - 1 - k];
    return CL_OK;
}

int pad_image(const cl_image *img, int top, int bottom, int left, int right,
              cl_border border, cl_image *out)
{
    int e = cl_image_check(img, "img");
    if (e) return e;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (top < 0 || bottom < 0 || left < 0 || right < 0)
        return cl_fail(CL_E_ARG, "negative pad");
    if (!valid_border(border)) return cl_fail(CL_E_ARG, "bad border %d", (int)border);
    long long H = (long long)img->h + top + bottom, W = (long long)img->w + left + right;
    if (H > CL_MAX_DIM || W > CL_MAX_DIM) return cl_fail(CL_E_TOOBIG, "padded image too big");

    e = cl_image_alloc(out, img->n, (int)H, (int)W, img->c);
    if (e) return e;
    for (int b = 0; b < img->n; b++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int ch = 0; ch < img->c; ch++)
                    *cl_px(out, b, y, x, ch) = sample(img, b, y - top, x - left, ch, border);
    return CL_OK;
}

int im_conv_opts(const cl_image *img, const cl_image *kernel, const cl_conv_opts *opts,
                 cl_image *out)
{
    int e = cl_image_check(img, "img");
    if (e) return e;
    if ((e = cl_image_check(kernel, "kernel"))) return e;
    if (!opts || !out) return cl_fail(CL_E_ARG, "NULL argument");
    if (img->n != 1) return cl_fail(CL_E_SHAPE, "need one image");
    if (kernel->n != 1 || kernel->c != 1) return cl_fail(CL_E_SHAPE, "kernel must be 2-D");
    if (opts->sy < 1 || opts->sx < 1) return cl_fail(CL_E_ARG, "bad stride");
    if (!valid_border(opts->border)) return cl_fail(CL_E_ARG, "bad border");

    int oh = cl_output_size(img->h, kernel->h, opts->sy, opts->mode);
    if (oh < 0) return oh;
    int ow = cl_output_size(img->w, kernel->w, opts->sx, opts->mode);
    if (ow < 0) return ow;
    int top, bot, left, right;
    if ((e = cl_pad_amounts(img->h, kernel->h, opts->sy, opts->mode, &top, &bot))) return e;
    if ((e = cl_pad_amounts(img->w, kernel->w, opts->sx, opts->mode, &left, &right))) return e;

    e = cl_image_alloc(out, 1, oh, ow, img->c);
    if (e) return e;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            for (int ch = 0; ch < img->c; ch++) {
                float s = 0.0f;
                for (int i = 0; i < kernel->h; i++)
                    for (int j = 0; j < kernel->w; j++)
                        s += sample(img, 0, y * opts->sy + i - top, x * opts->sx + j - left, ch,
                                    opts->border) *
                             *cl_px(kernel, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = s;
            }
    return CL_OK;
}

int threshold_binary(const cl_image *img, float thresh, float maxval, cl_image *out)
{
    int e = cl_image_check(img, "img");
    if (e) return e;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if ((e = cl_image_alloc(out, img->n, img->h, img->w, img->c))) return e;
    size_t n = cl_image_count(img);
    for (size_t i = 0; i < n; i++)
        out->data[i] = (img->data[i] > thresh) ? maxval : 0.0f;
    return CL_OK;
}

int to_uint8(const cl_image *img, uint8_t *out)
{
    int e = cl_image_check(img, "img");
    if (e) return e;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    size_t n = cl_image_count(img);
    for (size_t i = 0; i < n; i++) {
        float v = img->data[i];
        if (!(v > 0.0f)) out[i] = 0;          /* also catches NaN */
        else if (v >= 255.0f) out[i] = 255;
        else out[i] = (uint8_t)rintf(v);      /* half to even */
    }
    return CL_OK;
}
