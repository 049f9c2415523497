// a4_fast.c - make it fast
// Student: Sam K.
// Not optimised yet: the straightforward loops of a1, one pixel at a time.

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

    for (int y = 0; y < OH; y++) {
        for (int x = 0; x < OW; x++) {
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
