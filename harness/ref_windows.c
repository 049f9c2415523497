/* ref_windows.c -- reference sliding windows (assignment a1): get_subimages
 * (im2col) and im_conv (valid cross-correlation, stride 1), plus the valid
 * correlation loop with stride that im_conv_opts shares (ref_check.h).
 *
 *   get_subimages  img 1 x H x W x C  ->  out 1 x (OH*OW) x (kh*kw*C) x 1,
 *                  row y*OW + x, column (i*kw + j)*C + ch = img(y+i, x+j, ch)
 *   im_conv        img 1 x H x W x C, kernel 1 x kh x kw x 1  ->
 *                  out 1 x OH x OW x C, out(y,x,ch) = sum_ij img(y+i,x+j,ch) k(i,j)
 *   with OH = H-kh+1, OW = W-kw+1 (SPEC §4). Sums are kept in float, in the
 *   order i then j. Every argument is checked first; see reference.h.
 */
#include "reference.h"

#include <string.h>

#include "ref_check.h"

/* One channel (the common case): the sum lives in a register. */
static void correlate_gray(const cl_image *in, const cl_image *k, int sy, int sx, cl_image *out)
{
    const int kh = k->h, kw = k->w;
    for (int y = 0; y < out->h; y++) {
        for (int x = 0; x < out->w; x++) {
            float acc = 0.0f;
            for (int i = 0; i < kh; i++) {
                const float *restrict src = cl_px(in, 0, y * sy + i, x * sx, 0);
                const float *restrict kr = k->data + (size_t)i * kw;
                for (int j = 0; j < kw; j++)
                    acc += src[j] * kr[j];
            }
            *cl_px(out, 0, y, x, 0) = acc;
        }
    }
}

/* C channels: the C sums of one output pixel accumulate in place. */
static void correlate_channels(const cl_image *in, const cl_image *k, int sy, int sx,
                               cl_image *out)
{
    const int kh = k->h, kw = k->w, c = in->c;
    for (int y = 0; y < out->h; y++) {
        for (int x = 0; x < out->w; x++) {
            float *restrict o = cl_px(out, 0, y, x, 0);
            for (int i = 0; i < kh; i++) {
                const float *restrict src = cl_px(in, 0, y * sy + i, x * sx, 0);
                const float *restrict kr = k->data + (size_t)i * kw;
                for (int j = 0; j < kw; j++)
                    for (int ch = 0; ch < c; ch++)
                        o[ch] += src[(size_t)j * c + ch] * kr[j];
            }
        }
    }
}

void ref_correlate_valid_(const cl_image *in, const cl_image *k, int sy, int sx, cl_image *out)
{
    if (in->c == 1)
        correlate_gray(in, k, sy, sx, out);
    else
        correlate_channels(in, k, sy, sx, out);
}

int cl_ref_get_subimages(const cl_image *img, int kh, int kw, cl_image *out)
{
    int st = ref_check_out(out, img, NULL);
    if (st != CL_OK)
        return st;
    if ((st = ref_check_single(img, "image")) != CL_OK ||
        (st = ref_check_positive(kh, "kernel height kh")) != CL_OK ||
        (st = ref_check_positive(kw, "kernel width kw")) != CL_OK ||
        (st = ref_check_fits(kh, kw, img->h, img->w, "window")) != CL_OK)
        return ref_reject(out, st);

    const int oh = img->h - kh + 1, ow = img->w - kw + 1, c = img->c;
    const long long rows = (long long)oh * ow, cols = (long long)kh * kw * c;
    if (rows > CL_MAX_DIM || cols > CL_MAX_DIM)
        return ref_reject(out, cl_fail(CL_E_TOOBIG,
                                       "get_subimages: %lld windows of %lld values are too many",
                                       rows, cols));
    if ((st = cl_image_alloc(out, 1, (int)rows, (int)cols, 1)) != CL_OK)
        return st;

    const size_t win_row = (size_t)kw * c; /* one kernel row of a window: contiguous */
    float *dst = out->data;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            for (int i = 0; i < kh; i++, dst += win_row)
                memcpy(dst, cl_px(img, 0, y + i, x, 0), win_row * sizeof(float));
    return CL_OK;
}

int cl_ref_im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int st = ref_check_out(out, img, kernel);
    if (st != CL_OK)
        return st;
    if ((st = ref_check_single(img, "image")) != CL_OK ||
        (st = ref_check_kernel(kernel, "kernel")) != CL_OK ||
        (st = ref_check_fits(kernel->h, kernel->w, img->h, img->w, "kernel")) != CL_OK)
        return ref_reject(out, st);

    st = cl_image_alloc(out, 1, img->h - kernel->h + 1, img->w - kernel->w + 1, img->c);
    if (st != CL_OK)
        return st;
    ref_correlate_valid_(img, kernel, 1, 1, out);
    return CL_OK;
}
