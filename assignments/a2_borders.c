/* a2_borders.c -- assignment a2: kernels and borders (25 points).
 *
 * You implement five functions in this file:
 *   flip_kernel        3 points   turn a kernel by 180 degrees (convolution vs correlation)
 *   pad_image          7 points   add a border of rows and columns under a border rule
 *   im_conv_opts      10 points   correlation with a mode (valid/same/full), a border
 *                                 rule and a stride
 *   threshold_binary   2 points   black and white from a threshold
 *   to_uint8           3 points   floats to 8-bit pixels
 *
 * The grader also runs hidden cases of these functions, drawn for your
 * submission from a secret seed (worth a few points more: see the handout).
 *
 * Test with `make test A=a2` (only this part's tests).
 *
 * This file must compile on its own: the grader compiles it alone, against
 * its own copy of assignment.h. Include only "assignment.h" (and standard C
 * headers such as <math.h>) and do not call the functions of part a1 (your
 * conv_output_size, im_conv): use the library's cl_output_size and
 * cl_pad_amounts instead, declared in convlab.h. Write your own helpers as
 * `static` functions in this file.
 */
#include "assignment.h"

/* ------------------------------------------------------------------------
 * flip_kernel (3 points)
 *
 *   kernel, out: 1 x kh x kw x 1
 *   out(i, j) = kernel(kh-1-i, kw-1-j)
 *
 * Example:  kernel  1 2 3     out  6 5 4
 *                   4 5 6          3 2 1
 *
 * Why it matters: im_conv computes a correlation. A true convolution (the
 * one of the textbooks and of scipy's convolve2d) is a correlation with the
 * flipped kernel. For symmetric kernels (box, Gaussian) the two agree; for
 * Sobel or emboss they do not.
 *
 * Errors: CL_E_ARG for a NULL argument; CL_E_SHAPE when kernel is not
 * 1 x kh x kw x 1. Do not modify kernel. Hint: flipping twice must give the
 * kernel back; a 2 x 3 kernel catches a swapped kh and kw.
 * ------------------------------------------------------------------------ */
int flip_kernel(const cl_image *kernel, cl_image *out)
{
    /* TODO: your code here. */
    (void)kernel;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * pad_image (7 points)
 *
 * Adds `top` rows above, `bottom` rows below, `left` columns before and
 * `right` columns after every image of the batch, every channel:
 *
 *   img: N x H x W x C
 *   out: N x (top + H + bottom) x (left + W + right) x C
 *
 * The border rule says which pixel a coordinate outside the image reads.
 * Along one axis, for the row [a b c] padded by 2 on each side:
 *
 *   CL_BORDER_ZERO        0 0 | a b c | 0 0    constant 0
 *   CL_BORDER_REPLICATE   a a | a b c | c c    the edge value repeated
 *   CL_BORDER_REFLECT     b a | a b c | c b    mirrored, the edge repeated
 *   CL_BORDER_REFLECT101  c b | a b c | b a    mirrored, the edge not repeated
 *   CL_BORDER_WRAP        b c | a b c | a b    the image repeats periodically
 *
 * (These are numpy.pad's modes constant, edge, symmetric, reflect and wrap.)
 *
 * A pad may be wider than the image: the pattern simply goes on. For [1 2 3]
 * with 5 columns on the left:
 *   REFLECT     2 3 3 2 1 | 1 2 3      period 2n   = 6:  1 2 3 3 2 1 1 2 3 3 2 1 ...
 *   REFLECT101  2 1 2 3 2 | 1 2 3      period 2n-2 = 4:  1 2 3 2 1 2 3 2 ...
 *   WRAP        2 3 1 2 3 | 1 2 3      period n    = 3
 * For REFLECT101 an axis of length 1 just repeats its only value.
 *
 * In 2-D, rows and columns are independent: out(b, y, x, ch) reads
 * img(b, r, c, ch) with r the row rule applied to y - top and c the column
 * rule applied to x - left (for ZERO: 0 when either falls outside).
 *
 * Suggested design: write ONE helper
 *     static int border_index(int p, int n, cl_border border)
 * that maps any integer coordinate p to 0..n-1 (or -1 for "zero here"),
 * then use it in both pad_image and im_conv_opts. Fold p into one period
 * first; careful, C's % keeps the sign: -1 % 6 is -1, not 5.
 *
 * Errors: CL_E_ARG for a NULL argument, a negative pad or an unknown border.
 * Do not modify img. Test pads of 0, pads wider than the image, and a 1-pixel
 * image.
 * ------------------------------------------------------------------------ */
int pad_image(const cl_image *img, int top, int bottom, int left, int right,
              cl_border border, cl_image *out)
{
    /* TODO: your code here. */
    (void)img;
    (void)top;
    (void)bottom;
    (void)left;
    (void)right;
    (void)border;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * im_conv_opts (10 points)
 *
 * Cross-correlation (kernel not flipped) with an output mode, a border rule
 * and a stride, all in opts:
 *
 *   img:    1 x H x W x C
 *   kernel: 1 x kh x kw x 1
 *   opts:   mode (VALID, SAME, FULL), border (the rule of pad_image),
 *           sy (row stride) >= 1, sx (column stride) >= 1
 *   out:    1 x OH x OW x C,  OH = cl_output_size(H, kh, sy, mode),
 *                             OW = cl_output_size(W, kw, sx, mode)
 *
 * Two steps:
 *   1. pad the image with the border rule:
 *        VALID  no padding
 *        FULL   kh-1 rows above and below, kw-1 columns left and right
 *        SAME   TensorFlow/Keras rule: total = max((OH-1)*sy + kh - H, 0),
 *               top = total/2, bottom = total - top (the extra row goes
 *               below); columns likewise
 *      cl_pad_amounts(H, kh, sy, mode, &top, &bottom) computes exactly this.
 *   2. valid correlation with stride over the padded image P:
 *        out(y, x, ch) = sum over i < kh, j < kw of
 *                        P(y*sy + i, x*sx + j, ch) * kernel(i, j)
 *
 * Example: the 3 x 4 image 1..12 of part a1 and a 3 x 3 kernel of ones.
 *   SAME, REPLICATE, stride 1: pads 1/1 rows and 1/1 columns, out is 3 x 4:
 *       out(0,0) = (1+1+2) + (1+1+2) + (5+5+6) = 24
 *       out = [[24, 30, 39, 45], [48, 54, 63, 69], [72, 78, 87, 93]]
 *   SAME, ZERO, stride 2: OH = ceil(3/2) = 2, rows total max(1*2+3-3, 0) = 2
 *       -> top 1, bottom 1; OW = ceil(4/2) = 2, columns total
 *       max(1*2+3-4, 0) = 1 -> left 0, right 1:
 *       out(0,0) = 0+0+0 + 1+2+3 + 5+6+7 = 24;  out(0,1) = 3+4+0 + 7+8+0 = 22
 *       out = [[24, 22], [48, 38]]
 *   FULL, any border: out is 5 x 6 ((3+3-2)/1+1 by (4+3-2)/1+1).
 *
 * You do not have to build the padded image: P(r, c) is img(r - top, c - left)
 * read through your border_index helper.
 *
 * Errors: CL_E_ARG for a NULL argument, a stride < 1, an unknown mode or
 * border; CL_E_SHAPE when img->n != 1, the kernel is not 1 x kh x kw x 1, or
 * (valid mode only) the kernel is larger than the image. cl_output_size
 * already returns these errors for the sizes: pass them on.
 *
 * Do not modify img or kernel. Hints: with stride the output is the stride-1
 * output sampled every sy rows and sx columns, so compare the two on small
 * images; in SAME mode with an even kernel the extra padding goes after the
 * image, not before; in FULL and SAME modes the kernel may be larger than
 * the image.
 * ------------------------------------------------------------------------ */
int im_conv_opts(const cl_image *img, const cl_image *kernel, const cl_conv_opts *opts,
                 cl_image *out)
{
    /* TODO: your code here. */
    (void)img;
    (void)kernel;
    (void)opts;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * threshold_binary (2 points)
 *
 *   img, out: any shape N x H x W x C (out has img's shape)
 *   out = maxval where img > thresh, else 0
 *
 * Example: thresh 0.5, maxval 255:  [0.2, 0.5, 0.7]  ->  [0, 0, 255]
 * (strictly greater: a value equal to the threshold gives 0, as in OpenCV's
 * THRESH_BINARY). Run it on the output of a Sobel kernel to see edges.
 *
 * Errors: CL_E_ARG for a NULL argument. Do not modify img. Hint: the image
 * is n*h*w*c floats in a row; cl_image_count(img) tells how many.
 * ------------------------------------------------------------------------ */
int threshold_binary(const cl_image *img, float thresh, float maxval, cl_image *out)
{
    /* TODO: your code here. */
    (void)img;
    (void)thresh;
    (void)maxval;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * to_uint8 (3 points)
 *
 * Converts every value to an 8-bit pixel: round half to even, then clamp to
 * 0..255. NaN becomes 0.
 *
 *   img: any shape;  out: cl_image_count(img) bytes, owned by the caller
 *   (do not allocate or free it), in the same order as img->data.
 *
 * Examples:  -3.2 -> 0     0.5 -> 0      1.5 -> 2      2.5 -> 2
 *            127.5 -> 128  254.6 -> 255  300 -> 255    NaN -> 0
 *
 * Round half to even is what C's lrintf and nearbyintf (in <math.h>) do in
 * the default rounding mode; (int)(v + 0.5f) rounds halves up and gets 0.5
 * and 2.5 wrong. Clamp before converting: casting a float outside 0..255
 * (or NaN) to uint8_t is undefined behaviour in C, not a wrap-around.
 *
 * Errors: CL_E_ARG for a NULL argument. Do not modify img.
 * ------------------------------------------------------------------------ */
int to_uint8(const cl_image *img, uint8_t *out)
{
    /* TODO: your code here. */
    (void)img;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}
