/* a1_correct.h -- correct, plain versions of part a1 for the hostile part
 * files of tests/grader_c/hostile/: each of them misbehaves in one way on
 * some inputs and computes correctly (through these) on the others, so the
 * tests can check that the next case is still graded. Not a model answer:
 * no argument checks beyond what the cases need.
 */
#ifndef HOSTILE_A1_CORRECT_H
#define HOSTILE_A1_CORRECT_H

#include "assignment.h"

static int good_conv_output_size(int in, int k, int stride, cl_mode mode)
{
    if (in < 1 || k < 1 || stride < 1) return CL_E_ARG;
    if (mode == CL_MODE_VALID) return in < k ? CL_E_SHAPE : (in - k) / stride + 1;
    if (mode == CL_MODE_SAME) return (in - 1) / stride + 1;
    if (mode == CL_MODE_FULL) return (in + k - 2) / stride + 1;
    return CL_E_ARG;
}

static int good_get_subimages(const cl_image *img, int kh, int kw, cl_image *out)
{
    int oh = img->h - kh + 1, ow = img->w - kw + 1, c = img->c;
    if (oh < 1 || ow < 1) return CL_E_SHAPE;
    int st = cl_image_alloc(out, 1, oh * ow, kh * kw * c, 1);
    for (int y = 0; st == CL_OK && y < oh; y++)
        for (int x = 0; x < ow; x++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                    for (int ch = 0; ch < c; ch++)
                        *cl_px(out, 0, y * ow + x, (i * kw + j) * c + ch, 0) =
                            *cl_px(img, 0, y + i, x + j, ch);
    return st;
}

static int good_im_conv(const cl_image *img, const cl_image *k, cl_image *out)
{
    int oh = img->h - k->h + 1, ow = img->w - k->w + 1;
    if (oh < 1 || ow < 1) return cl_fail(CL_E_SHAPE, "kernel larger than the image");
    int st = cl_image_alloc(out, 1, oh, ow, img->c);
    for (int y = 0; st == CL_OK && y < oh; y++)
        for (int x = 0; x < ow; x++)
            for (int ch = 0; ch < img->c; ch++) {
                float s = 0;
                for (int i = 0; i < k->h; i++)
                    for (int j = 0; j < k->w; j++)
                        s += *cl_px(img, 0, y + i, x + j, ch) * *cl_px(k, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = s;
            }
    return st;
}

/* The two functions a hostile file does not change. */
#define HOSTILE_KEEP_SIZES_AND_WINDOWS                                       \
    int conv_output_size(int in, int k, int stride, cl_mode mode)           \
    {                                                                        \
        return good_conv_output_size(in, k, stride, mode);                   \
    }                                                                        \
    int get_subimages(const cl_image *img, int kh, int kw, cl_image *out)   \
    {                                                                        \
        return good_get_subimages(img, kh, kw, out);                         \
    }

#endif
