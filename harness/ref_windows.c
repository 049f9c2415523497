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
#include "ref_simd.h"

/* Output rows lo..hi-1 of one valid correlation (a slice for one thread). */
typedef struct corr_job {
    const cl_image *in, *k;
    int sy, sx;
    cl_image *out;
} corr_job;

/* Stride sx > 1: plain loops (the sums of one output pixel in place). */
static void correlate_strided(const corr_job *jb, int lo, int hi)
{
    const cl_image *in = jb->in, *k = jb->k;
    cl_image *out = jb->out;
    const int kh = k->h, kw = k->w, c = in->c, sy = jb->sy, sx = jb->sx;
    for (int y = lo; y < hi; y++) {
        for (int x = 0; x < out->w; x++) {
            float *restrict o = cl_px(out, 0, y, x, 0);
            for (int ch = 0; ch < c; ch++)
                o[ch] = 0.0f;
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

static void correlate_slice(void *ctx, int lo, int hi)
{
    const corr_job *jb = ctx;
    if (jb->sx != 1) {
        correlate_strided(jb, lo, hi);
        return;
    }
    /* Stride 1 along x: a row of C channels is a flat row of W*C values and
     * the kernel's column j sits j*C values further (ref_simd.h). */
    const cl_image *in = jb->in;
    cl_image *out = jb->out;
    const ref_corr_args a = {
        .in = cl_px(in, 0, lo * jb->sy, 0, 0),
        .in_rs = (ptrdiff_t)in->w * in->c,
        .sy = jb->sy,
        .k = jb->k->data,
        .kh = jb->k->h,
        .kw = jb->k->w,
        .dx = in->c,
        .out = cl_px(out, 0, lo, 0, 0),
        .out_rs = (ptrdiff_t)out->w * out->c,
        .rows = hi - lo,
        .n = out->w * out->c,
    };
    ref_kern()->corr(&a);
}

void ref_correlate_valid_(const cl_image *in, const cl_image *k, int sy, int sx, cl_image *out)
{
    corr_job jb = {in, k, sy, sx, out};
    const size_t work = cl_image_count(out) * (size_t)k->h * k->w;
    ref_parallel_for(out->h, 4, work, correlate_slice, &jb);
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

    st = ref_output(out, 1, img->h - kernel->h + 1, img->w - kernel->w + 1, img->c, img, kernel);
    if (st != CL_OK)
        return st;
    ref_correlate_valid_(img, kernel, 1, 1, out);
    return CL_OK;
}
