// a1_windows.c - Part 1, sliding windows
// Student: Sam O.  (perfect example submission)
//
// I wrote the size formula first, then im2col, then the plain correlation.

#include <limits.h>
#include "assignment.h"

int conv_output_size(int in, int k, int stride, cl_mode mode)
{
    if (in <= 0 || k <= 0 || stride <= 0)
        return cl_fail(CL_E_ARG, "bad size: in=%d k=%d stride=%d", in, k, stride);

    long long n;
    if (mode == CL_MODE_VALID) {
        if (k > in)
            return cl_fail(CL_E_SHAPE, "kernel %d does not fit in %d", k, in);
        n = (long long)(in - k) / stride + 1;
    } else if (mode == CL_MODE_SAME) {
        n = ((long long)in + stride - 1) / stride;   // ceil(in/stride)
    } else if (mode == CL_MODE_FULL) {
        n = ((long long)in + k - 2) / stride + 1;
    } else {
        return cl_fail(CL_E_ARG, "unknown mode %d", (int)mode);
    }
    if (n > INT_MAX) return cl_fail(CL_E_TOOBIG, "size too big");
    return (int)n;
}

int get_subimages(const cl_image *img, int kh, int kw, cl_image *out)
{
    int err = cl_image_check(img, "img");
    if (err) return err;
    if (out == NULL) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1) return cl_fail(CL_E_SHAPE, "need one image, got %d", img->n);
    if (kh < 1 || kw < 1) return cl_fail(CL_E_ARG, "window %dx%d", kh, kw);
    if (kh > img->h || kw > img->w) return cl_fail(CL_E_SHAPE, "window bigger than image");

    int oh = img->h - kh + 1;
    int ow = img->w - kw + 1;
    int c = img->c;
    int rowlen = kh * kw * c;

    err = cl_image_alloc(out, 1, oh * ow, rowlen, 1);
    if (err) return err;

    int r = 0; // output row = window number
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++, r++) {
            float *dst = &out->data[(size_t)r * rowlen];
            int k = 0;
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                    for (int ch = 0; ch < c; ch++)
                        dst[k++] = *cl_px(img, 0, y + i, x + j, ch);
        }
    return CL_OK;
}

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int err = cl_image_check(img, "img");
    if (err) return err;
    err = cl_image_check(kernel, "kernel");
    if (err) return err;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1) return cl_fail(CL_E_SHAPE, "need one image");
    if (kernel->n != 1 || kernel->c != 1) return cl_fail(CL_E_SHAPE, "kernel must be 2-D");
    if (kernel->h > img->h || kernel->w > img->w)
        return cl_fail(CL_E_SHAPE, "kernel larger than image");

    int oh = img->h - kernel->h + 1, ow = img->w - kernel->w + 1;
    err = cl_image_alloc(out, 1, oh, ow, img->c);
    if (err) return err;

    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            for (int ch = 0; ch < img->c; ch++) {
                float acc = 0;
                for (int i = 0; i < kernel->h; i++)
                    for (int j = 0; j < kernel->w; j++)
                        acc += *cl_px(img, 0, y + i, x + j, ch) * *cl_px(kernel, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = acc;
            }
    return CL_OK;
}
