/* a4_fast.c -- slow variant im_conv_fast.column_walk (tests/budgets/slow/).
 *
 * The classic slow mistake: im_conv_fast walks the image column by column
 * (x in the outer loop, y in the inner one).
 *
 * Everything else is the model solution of part a4 (make it fast),
 * unchanged (diff it with solutions/a4_fast.c); its description follows.
 *
 * The model answer is deliberately the naive loop of part a1's im_conv,
 * written out again here because every part is compiled on its own. It is
 * the baseline the a4 handout asks students to beat: the grader times a
 * student's im_conv_fast against the reference and reports the speed-up over
 * this version.
 */
#include "assignment.h"

/* Valid cross-correlation, stride 1, the 2-D kernel applied to each channel:
 *   out(y, x, ch) = sum_i sum_j img(y + i, x + j, ch) * kernel(i, j)
 * img: 1 x H x W x C; kernel: 1 x kh x kw x 1; out: 1 x (H-kh+1) x (W-kw+1) x C. */
int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1)
        return cl_fail(CL_E_SHAPE, "img must be a single image (n = 1), got n = %d", img->n);
    if (kernel->n != 1 || kernel->c != 1)
        return cl_fail(CL_E_SHAPE, "kernel must be 1 x kh x kw x 1, got %dx%dx%dx%d", kernel->n,
                       kernel->h, kernel->w, kernel->c);

    const int kh = kernel->h, kw = kernel->w;
    if (kh > img->h || kw > img->w)
        return cl_fail(CL_E_SHAPE, "kernel (%dx%d) is larger than the image (%dx%d) in valid mode",
                       kh, kw, img->h, img->w);

    const int OH = img->h - kh + 1, OW = img->w - kw + 1, C = img->c;
    st = cl_image_alloc(out, 1, OH, OW, C);
    if (st != CL_OK) return st;

    for (int x = 0; x < OW; x++) {     /* SLOW: columns outside, */
        for (int y = 0; y < OH; y++) { /* rows inside */
            for (int ch = 0; ch < C; ch++) {
                float sum = 0.0f;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        sum += *cl_px(img, 0, y + i, x + j, ch) * *cl_px(kernel, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = sum;
            }
        }
    }
    return CL_OK;
}
