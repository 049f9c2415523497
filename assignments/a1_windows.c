/* a1_windows.c -- assignment a1: sliding windows (25 points).
 *
 * You implement three functions in this file:
 *   conv_output_size   5 points   how many windows fit along one axis
 *   get_subimages     10 points   every window of an image, one per row (im2col)
 *   im_conv           10 points   valid cross-correlation of an image with a kernel
 *
 * The grader also runs hidden cases of these functions, drawn for your
 * submission from a secret seed (worth a few points more: see the handout).
 *
 * Test with `make test A=a1` (only this part's tests). Each stub below returns
 * CL_E_NOT_IMPLEMENTED, so the tests say "not implemented yet" until you
 * write it.
 *
 * This file must compile on its own: the grader compiles it alone, against
 * its own copy of assignment.h. Include only "assignment.h" (and standard C
 * headers such as <math.h>), do not change the function signatures, and do
 * not call the functions of other parts.
 *
 * Reminder (assignment.h): an image is n x h x w x c floats, channels last;
 * pixel (b, y, x, ch) is img->data[((b*img->h + y)*img->w + x)*img->c + ch],
 * or *cl_px(img, b, y, x, ch). Allocate out with cl_image_alloc, return a
 * negative cl_status on bad input, e.g.
 *     return cl_fail(CL_E_SHAPE, "kernel (%dx%d) is larger than the image", kh, kw);
 */
#include "assignment.h"

/* ------------------------------------------------------------------------
 * conv_output_size (5 points)
 *
 * The number of positions of a kernel of size k sliding along an axis of size
 * `in`, moving `stride` cells at a time, in one of three modes:
 *
 *   CL_MODE_VALID  the kernel stays inside the image    (in - k) / stride + 1
 *   CL_MODE_SAME   as many outputs as inputs (stride 1) ceil(in / stride)
 *   CL_MODE_FULL   every overlap of at least one cell   (in + k - 2) / stride + 1
 *
 * (/ is C's integer division, which rounds down for these non-negative values.)
 *
 * Example, in = 7, k = 3:
 *   stride 1:  valid (7-3)/1+1 = 5    same ceil(7/1) = 7    full (7+3-2)/1+1 = 9
 *   stride 2:  valid (7-3)/2+1 = 3    same ceil(7/2) = 4    full (7+3-2)/2+1 = 5
 *
 * Returns the size (>= 1), or a negative status:
 *   CL_E_ARG    in, k or stride < 1, or mode is not one of the three
 *   CL_E_SHAPE  valid mode and in < k (no window fits)
 *
 * Common mistakes: computing ceil with floating point (use integers:
 * ceil(a / b) = (a + b - 1) / b for a, b >= 1); forgetting the "+ 1"; returning
 * 0 instead of an error when the kernel does not fit. Never print or exit:
 * return the status and let the caller decide.
 * ------------------------------------------------------------------------ */
int conv_output_size(int in, int k, int stride, cl_mode mode)
{
    /* TODO: your code here. */
    (void)in;
    (void)k;
    (void)stride;
    (void)mode;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * get_subimages (10 points)
 *
 * "im2col": cut out every kh x kw window of the image (valid positions,
 * stride 1) and lay each window out flat as one row of a matrix.
 *
 *   img: 1 x H x W x C           (a single image; any number of channels)
 *   out: 1 x (OH*OW) x (kh*kw*C) x 1   with OH = H - kh + 1, OW = W - kw + 1
 *
 *   out row y*OW + x holds the window whose top-left corner is (y, x);
 *   inside that row, column (i*kw + j)*C + ch holds img(y + i, x + j, ch).
 *
 * Example: a 3 x 4 gray image (C = 1) and 2 x 2 windows: OH = 2, OW = 3, so
 * out is 1 x 6 x 4 x 1:
 *
 *     img   1  2  3  4        out row 0 (y=0, x=0):  1  2  5  6
 *           5  6  7  8        out row 1 (y=0, x=1):  2  3  6  7
 *           9 10 11 12        out row 2 (y=0, x=2):  3  4  7  8
 *                             out row 3 (y=1, x=0):  5  6  9 10
 *                             ...    row 5 (y=1, x=2):  7  8 11 12
 *
 * With C = 2 a row starts img(y,x,0), img(y,x,1), img(y,x+1,0), img(y,x+1,1), ...
 * (the channels of one pixel stay together, as in the image itself).
 * numpy's sliding_window_view(img[0], (kh, kw, C)).reshape(OH*OW, -1) gives
 * the same matrix.
 *
 * Errors: CL_E_ARG for a NULL img or out, or kh, kw < 1; CL_E_SHAPE when
 * img->n != 1 or the window is larger than the image.
 *
 * Do not modify img. Hints: the row length is kh*kw*C, not kh*kw; a window
 * at the right edge starts at x = W - kw (check your loop bounds with a 1 x 1
 * window: out must then be the image itself, one pixel per row).
 * ------------------------------------------------------------------------ */
int get_subimages(const cl_image *img, int kh, int kw, cl_image *out)
{
    /* TODO: your code here. */
    (void)img;
    (void)kh;
    (void)kw;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * im_conv (10 points)
 *
 * Valid cross-correlation with stride 1: slide the kernel over the image and
 * at each position sum the products of the kernel with the pixels under it.
 * The same 2-D kernel is applied to each channel separately.
 *
 *   img:    1 x H x W x C
 *   kernel: 1 x kh x kw x 1
 *   out:    1 x (H-kh+1) x (W-kw+1) x C
 *
 *   out(y, x, ch) = sum over i < kh, j < kw of img(y + i, x + j, ch) * kernel(i, j)
 *
 * Example: the 3 x 4 image above (1..12) and the kernel  1 2
 *                                                        3 4
 *   out(0,0) = 1*1 + 2*2 + 5*3 + 6*4 = 44
 *   out(0,1) = 2*1 + 3*2 + 6*3 + 7*4 = 54
 *   out = [[44, 54, 64],
 *          [84, 94, 104]]          (2 x 3: (3-2+1) x (4-2+1))
 * scipy.signal.correlate2d(img, kernel, 'valid') gives the same numbers.
 *
 * This is correlation, not convolution: do NOT flip the kernel. (A true
 * convolution, scipy's convolve2d, would give 26, 36, ... here.) With the
 * identity kernel [[0,0,0],[0,1,0],[0,0,0]] the output is the image without
 * its one-pixel border: a good first test.
 *
 * Errors: CL_E_ARG for a NULL argument; CL_E_SHAPE when img->n != 1, the
 * kernel is not 1 x kh x kw x 1, or it is larger than the image.
 *
 * Do not modify img or kernel. Hints: start each sum at 0 for every
 * (y, x, ch); index the kernel with its own width kw, not the image's.
 * ------------------------------------------------------------------------ */
int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    /* TODO: your code here. */
    (void)img;
    (void)kernel;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}
