/* ref_borders.c -- reference kernels and borders (assignment a2): flip_kernel,
 * pad_image, im_conv_opts, threshold_binary.
 *
 *   flip_kernel       out(i, j) = k(kh-1-i, kw-1-j)
 *   pad_image         numpy.pad with mode constant (zero), edge, symmetric
 *                     (reflect), reflect (reflect101) or wrap, pads of any
 *                     width >= 0; N x H x W x C
 *   im_conv_opts      pad by cl_pad_amounts (full: k-1 each side; same: the
 *                     TF split for the stride) with the border rule, then
 *                     valid correlation with stride; OH = cl_output_size(H,
 *                     kh, sy, mode), likewise OW
 *   threshold_binary  maxval where img > thresh, else 0 (NaN gives 0)
 *
 * Borders are resolved once, through per-row and per-column source tables
 * built with cl_border_index; im_conv_opts pads the image once and then runs
 * the valid loop of ref_windows.c (vectorised, threads over rows; sums in
 * float, order i then j). Every argument is checked first; see reference.h.
 */
#include "reference.h"

#include <stdlib.h>
#include <string.h>

#include "ref_check.h"
#include "ref_simd.h"

int cl_ref_flip_kernel(const cl_image *kernel, cl_image *out)
{
    int st = ref_check_out(out, kernel, NULL);
    if (st != CL_OK)
        return st;
    if ((st = ref_check_kernel(kernel, "kernel")) != CL_OK)
        return ref_reject(out, st);
    if ((st = cl_image_alloc(out, 1, kernel->h, kernel->w, 1)) != CL_OK)
        return st;

    const size_t count = (size_t)kernel->h * kernel->w;
    for (size_t p = 0; p < count; p++)
        out->data[p] = kernel->data[count - 1 - p]; /* both axes reversed = flat reversal */
    return CL_OK;
}

/* Fills the allocated out (N x (top+H+bottom) x (left+W+right) x C) from img.
 * No argument checks; returns CL_OK or CL_E_NOMEM. */
static int pad_into(const cl_image *img, int top, int left, cl_border border, cl_image *out)
{
    /* src_x[x]: the source column of output column x, -1 for a zero. */
    int *src_x = malloc((size_t)out->w * sizeof *src_x);
    if (src_x == NULL)
        return cl_fail(CL_E_NOMEM, "pad_image: no memory for a table of %d columns", out->w);
    for (int x = 0; x < out->w; x++)
        src_x[x] = cl_border_index(x - left, img->w, border);

    const size_t px_bytes = (size_t)img->c * sizeof(float);
    for (int b = 0; b < out->n; b++) {
        for (int y = 0; y < out->h; y++) {
            int sy = cl_border_index(y - top, img->h, border);
            if (sy < 0)
                continue; /* a zero row: out is zero-filled */
            float *dst = cl_px(out, b, y, 0, 0);
            const float *src = cl_px(img, b, sy, 0, 0);
            /* The image's own columns in one copy, then the border's. */
            const int x0 = left < out->w ? left : out->w;
            const int x1 = left + img->w < out->w ? left + img->w : out->w;
            memcpy(dst + (size_t)x0 * img->c, src, (size_t)(x1 - x0) * px_bytes);
            for (int x = 0; x < x0; x++)
                if (src_x[x] >= 0)
                    memcpy(dst + (size_t)x * img->c, src + (size_t)src_x[x] * img->c, px_bytes);
            for (int x = x1; x < out->w; x++)
                if (src_x[x] >= 0)
                    memcpy(dst + (size_t)x * img->c, src + (size_t)src_x[x] * img->c, px_bytes);
        }
    }
    free(src_x);
    return CL_OK;
}

/* A pad amount must be >= 0. */
static int check_pad(int v, const char *what)
{
    if (v < 0)
        return cl_fail(CL_E_ARG, "pad %s must be >= 0, got %d", what, v);
    return CL_OK;
}

int cl_ref_pad_image(const cl_image *img, int top, int bottom, int left, int right,
                     cl_border border, cl_image *out)
{
    int st = ref_check_out(out, img, NULL);
    if (st != CL_OK)
        return st;
    if ((st = cl_image_check(img, "image")) != CL_OK || (st = check_pad(top, "top")) != CL_OK ||
        (st = check_pad(bottom, "bottom")) != CL_OK || (st = check_pad(left, "left")) != CL_OK ||
        (st = check_pad(right, "right")) != CL_OK ||
        (st = ref_check_border(border, "border")) != CL_OK)
        return ref_reject(out, st);

    const long long oh = (long long)top + img->h + bottom, ow = (long long)left + img->w + right;
    if (oh > CL_MAX_DIM || ow > CL_MAX_DIM)
        return ref_reject(out, cl_fail(CL_E_TOOBIG, "pad_image: padded size %lldx%lld is too large",
                                       oh, ow));
    if ((st = cl_image_alloc(out, img->n, (int)oh, (int)ow, img->c)) != CL_OK)
        return st;
    if ((st = pad_into(img, top, left, border, out)) != CL_OK)
        return ref_reject(out, st);
    return CL_OK;
}

int cl_ref_im_conv_opts(const cl_image *img, const cl_image *kernel, const cl_conv_opts *opts,
                        cl_image *out)
{
    int st = ref_check_out(out, img, kernel);
    if (st != CL_OK)
        return st;
    if ((st = ref_check_single(img, "image")) != CL_OK ||
        (st = ref_check_kernel(kernel, "kernel")) != CL_OK)
        return ref_reject(out, st);
    if (opts == NULL)
        return ref_reject(out, cl_fail(CL_E_ARG, "opts is NULL"));
    if ((st = ref_check_mode(opts->mode, "opts->mode")) != CL_OK ||
        (st = ref_check_border(opts->border, "opts->border")) != CL_OK ||
        (st = ref_check_positive(opts->sy, "stride opts->sy")) != CL_OK ||
        (st = ref_check_positive(opts->sx, "stride opts->sx")) != CL_OK)
        return ref_reject(out, st);
    if (opts->mode == CL_MODE_VALID &&
        (st = ref_check_fits(kernel->h, kernel->w, img->h, img->w, "kernel")) != CL_OK)
        return ref_reject(out, st);

    const int kh = kernel->h, kw = kernel->w, sy = opts->sy, sx = opts->sx;
    const int oh = cl_output_size(img->h, kh, sy, opts->mode);
    const int ow = cl_output_size(img->w, kw, sx, opts->mode);
    int top, bottom, left, right;
    if (oh < 0 || ow < 0)
        return ref_reject(out, oh < 0 ? oh : ow);
    if ((st = cl_pad_amounts(img->h, kh, sy, opts->mode, &top, &bottom)) != CL_OK ||
        (st = cl_pad_amounts(img->w, kw, sx, opts->mode, &left, &right)) != CL_OK)
        return ref_reject(out, st);

    /* The padded image, once; valid mode reads img itself. */
    cl_image padded = {0};
    const cl_image *src = img;
    if (top + bottom + left + right > 0) {
        st = cl_image_alloc(&padded, 1, top + img->h + bottom, left + img->w + right, img->c);
        if (st == CL_OK)
            st = pad_into(img, top, left, opts->border, &padded);
        if (st != CL_OK) {
            cl_image_free(&padded);
            return ref_reject(out, st);
        }
        src = &padded;
    }
    if ((st = ref_output(out, 1, oh, ow, img->c, img, kernel)) == CL_OK)
        ref_correlate_valid_(src, kernel, sy, sx, out);
    cl_image_free(&padded);
    return st;
}

int cl_ref_threshold_binary(const cl_image *img, float thresh, float maxval, cl_image *out)
{
    int st = ref_check_out(out, img, NULL);
    if (st != CL_OK)
        return st;
    if ((st = cl_image_check(img, "image")) != CL_OK)
        return ref_reject(out, st);
    if ((st = cl_image_alloc(out, img->n, img->h, img->w, img->c)) != CL_OK)
        return st;

    const size_t count = cl_image_count(img);
    for (size_t p = 0; p < count; p++)
        out->data[p] = img->data[p] > thresh ? maxval : 0.0f; /* NaN > t is false */
    return CL_OK;
}
