/* assignment.h -- the functions you write in convlab.
 *
 * Each part lives in its own file, so a compile error in one part costs only
 * that part:
 *
 *   a1_windows.c  conv_output_size, get_subimages, im_conv
 *   a2_borders.c  flip_kernel, pad_image, im_conv_opts, threshold_binary, to_uint8
 *   a3_layers.c   conv2d, max_pool2d, avg_pool2d, upsample, conv2d_transpose
 *   a4_fast.c     im_conv_fast
 *
 * Read the comment above each function in its file: it gives the shapes, the
 * formula, a worked example and the points. Do not change this header: the
 * grader compiles your .c files against its own copy.
 *
 * THE RULES YOU CAN RELY ON (see convlab.h for the details)
 *   - An image is a cl_image: n x h x w x c floats, channels last:
 *         img->data[((b*img->h + y)*img->w + x)*img->c + ch]
 *     or, the same thing, *cl_px(img, b, y, x, ch).
 *   - A 2-D kernel is a cl_image with n = 1 and c = 1.
 *   - You are given a zeroed `cl_image *out`. Allocate it with
 *         int st = cl_image_alloc(out, n, oh, ow, c);
 *         if (st != CL_OK) return st;
 *     then fill out->data. cl_image_alloc zero-fills. Never malloc out->data
 *     yourself and never write outside the pixels: the tests check.
 *   - Never modify an input: they are const for a reason.
 *   - Return CL_OK (0) on success. Return a negative cl_status on bad input,
 *     e.g. `return cl_fail(CL_E_SHAPE, "kernel larger than image");`
 *   - From part a2 on you may call the library's cl_output_size (the same
 *     rule as your conv_output_size) and cl_pad_amounts.
 */
#ifndef CONVLAB_ASSIGNMENT_H
#define CONVLAB_ASSIGNMENT_H

#include "convlab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- a1 sliding windows ------------------------------------------------ */

/* Output length of a correlation along one axis; negative cl_status on error. */
int conv_output_size(int in, int k, int stride, cl_mode mode);

/* img: 1 x H x W x C; out: 1 x (OH*OW) x (kh*kw*C) x 1, OH = H-kh+1, OW = W-kw+1.
 * Row y*OW + x holds the window at (y, x); inside a row, (i*kw + j)*C + ch. */
int get_subimages(const cl_image *img, int kh, int kw, cl_image *out);

/* Valid cross-correlation, stride 1, the 2-D kernel applied to each channel.
 * img: 1 x H x W x C; kernel: 1 x kh x kw x 1; out: 1 x (H-kh+1) x (W-kw+1) x C. */
int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out);

/* ---- a2 kernels and borders -------------------------------------------- */

/* out(i, j) = kernel(kh-1-i, kw-1-j). kernel, out: 1 x kh x kw x 1. */
int flip_kernel(const cl_image *kernel, cl_image *out);

/* Pads every image and channel with a border rule (numpy.pad semantics).
 * img: N x H x W x C; out: N x (top+H+bottom) x (left+W+right) x C. */
int pad_image(const cl_image *img, int top, int bottom, int left, int right,
              cl_border border, cl_image *out);

/* Cross-correlation with an output mode, a border rule and a stride.
 * img: 1 x H x W x C; kernel: 1 x kh x kw x 1;
 * out: 1 x OH x OW x C with OH = cl_output_size(H, kh, sy, mode), same for OW. */
int im_conv_opts(const cl_image *img, const cl_image *kernel, const cl_conv_opts *opts,
                 cl_image *out);

/* out = maxval where img > thresh, else 0. Any shape; out has img's shape. */
int threshold_binary(const cl_image *img, float thresh, float maxval, cl_image *out);

/* Round half to even, then clamp to 0..255. out: cl_image_count(img) bytes,
 * owned by the caller. */
int to_uint8(const cl_image *img, uint8_t *out);

/* ---- a3 layers ---------------------------------------------------------- */

/* Keras Conv2D forward. in: N x H x W x cin; w: kh x kw x cin x cout
 * (index ((i*kw + j)*cin + ci)*cout + co); bias: cout floats or NULL;
 * padding VALID or SAME (zeros, TensorFlow split); out: N x OH x OW x cout. */
int conv2d(const cl_image *in, const cl_weights *w, const float *bias, int sy, int sx,
           cl_mode padding, cl_image *out);

/* Max and average pooling over ph x pw windows. padding VALID or SAME; padded
 * cells never count. in: N x H x W x C; out: N x OH x OW x C. */
int max_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
               cl_image *out);
int avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
               cl_image *out);

/* Upsampling by integer factors. in: N x H x W x C; out: N x H*fy x W*fx x C.
 * Nearest: out(y, x) = in(y/fy, x/fx). Bilinear: half-pixel centers. */
int upsample(const cl_image *in, int fy, int fx, cl_interp interp, cl_image *out);

/* Keras Conv2DTranspose forward. in: N x H x W x cin; w: kh x kw x cout x cin
 * (index ((i*kw + j)*cout + co)*cin + ci); bias: cout floats or NULL;
 * out: N x OH x OW x cout with OH = cl_transpose_output_size(H, kh, sy, padding). */
int conv2d_transpose(const cl_image *in, const cl_weights *w, const float *bias, int sy,
                     int sx, cl_mode padding, cl_image *out);

/* ---- a4 make it fast ---------------------------------------------------- */

/* Same result as im_conv, as fast as you can make it. */
int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out);

#ifdef __cplusplus
}
#endif
#endif /* CONVLAB_ASSIGNMENT_H */
