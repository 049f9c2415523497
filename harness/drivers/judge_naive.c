/* judge_naive.c -- the baseline of the a4 speed-up: im_conv_fast written the
 * straightforward way, one output value at a time, a dot product over the
 * window (judge_perf.c times it beside the student's code; grader/rubric.toml
 * [a4] scores the ratio).
 *
 * It computes what the model solution of a4 computes, with the same loops (a
 * student's starting point). It lives here, in the trusted harness, so that
 * the judge never needs solutions/ (which the Gradescope zip does not carry).
 * tests/kit/test_hidden.c checks that it agrees with the reference.
 *
 * img: 1 x H x W x C; kernel: 1 x kh x kw x 1; out: 1 x (H-kh+1) x (W-kw+1) x C,
 * allocated here (the caller frees it). Returns a cl_status.
 */
#include "judge.h"

int judge_naive_im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st == CL_OK) st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1 || kernel->n != 1 || kernel->c != 1)
        return cl_fail(CL_E_SHAPE, "img must be 1 x H x W x C and kernel 1 x kh x kw x 1");
    const int kh = kernel->h, kw = kernel->w;
    if (kh > img->h || kw > img->w)
        return cl_fail(CL_E_SHAPE, "kernel (%dx%d) is larger than the image (%dx%d)", kh, kw,
                       img->h, img->w);
    const int oh = img->h - kh + 1, ow = img->w - kw + 1, c = img->c;
    st = cl_image_alloc(out, 1, oh, ow, c);
    if (st != CL_OK) return st;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            for (int ch = 0; ch < c; ch++) {
                float sum = 0.0f;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        sum += *cl_px(img, 0, y + i, x + j, ch) * *cl_px(kernel, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = sum;
            }
    return CL_OK;
}
