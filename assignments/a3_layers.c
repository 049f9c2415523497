/* a3_layers.c -- assignment a3: neural-network layers (30 points).
 *
 * You implement the forward pass of five Keras layers, on batches of images
 * (N x H x W x C, channels last, exactly the layout of a Keras tensor):
 *   conv2d             10 points   Conv2D: channels in, filters out, stride, padding
 *   max_pool2d          4 points   MaxPooling2D
 *   avg_pool2d          4 points   AveragePooling2D
 *   upsample            6 points   UpSampling2D, nearest and bilinear
 *   conv2d_transpose    6 points   Conv2DTranspose
 *
 * The grader also runs hidden cases of these functions, drawn for your
 * submission from a secret seed (worth a few points more: see the handout).
 *
 * Test with `make test A=a3` (only this part's tests).
 *
 * This file must compile on its own: the grader compiles it alone, against
 * its own copy of assignment.h. Include only "assignment.h" (and standard C
 * headers such as <math.h>) and do not call the functions of other parts:
 * use the library's cl_output_size, cl_pad_amounts and
 * cl_transpose_output_size (convlab.h) for sizes and padding. Write your own
 * helpers as `static` functions in this file.
 *
 * PADDING OF THE LAYERS. The layers take CL_MODE_VALID (no padding) or
 * CL_MODE_SAME (TensorFlow's rule: OH = ceil(H/sy), total padding
 * max((OH-1)*sy + kh - H, 0), top = total/2, the rest at the bottom; columns
 * likewise). cl_pad_amounts(H, kh, sy, padding, &top, &bottom) gives it.
 * CL_MODE_FULL is not a layer padding: return CL_E_ARG.
 * A simple way to handle padding: compute the input row and column you need,
 * row = y*sy + i - top, col = x*sx + j - left, and treat positions outside
 * the image specially (zero for conv2d, skipped for pooling).
 */
#include "assignment.h"

/* ------------------------------------------------------------------------
 * conv2d (10 points)
 *
 *   in:   N x H x W x cin
 *   w:    kh x kw x cin x cout weights (Keras Conv2D get_weights()[0] layout):
 *           w(i, j, ci, co) = w->data[((i*kw + j)*cin + ci)*cout + co]
 *   bias: cout floats, or NULL for no bias
 *   out:  N x OH x OW x cout, OH = cl_output_size(H, kh, sy, padding),
 *                             OW = cl_output_size(W, kw, sx, padding)
 *
 *   out(b, y, x, co) = bias[co] + sum over i < kh, j < kw, ci < cin of
 *                      in(b, y*sy + i - top, x*sx + j - left, ci) * w(i, j, ci, co)
 *   where pixels outside the image count as 0 (zero padding).
 *
 * Each output channel co is one filter: a kh x kw x cin block of weights
 * that looks at all input channels at once. Example of the index: with
 * kh = kw = 2, cin = 2, cout = 3, w(1, 0, 1, 2) is
 * w->data[((1*2 + 0)*2 + 1)*3 + 2] = w->data[17].
 *
 * Example: in = the 3 x 3 image 1..9 (N = 1, cin = 1), w = 2 x 2 x 1 x 1 of
 * ones (cout = 1), bias = {0.5}:
 *   VALID, stride 1:  [[1+2+4+5, 2+3+5+6], [4+5+7+8, 5+6+8+9]] + 0.5
 *                   = [[12.5, 16.5], [24.5, 28.5]]
 *   SAME, stride 2:   OH = ceil(3/2) = 2, total = max(1*2 + 2 - 3, 0) = 1,
 *                     top 0, bottom 1 (left 0, right 1):
 *                   = [[12.5, 9.5], [15.5, 9.5]]     (3+6+0+0 = 9, 7+8+0+0 = 15)
 *
 * Errors: CL_E_ARG for a NULL in, w or out, a stride < 1, a padding other
 * than VALID or SAME; CL_E_SHAPE when w->cin != in->c or (VALID) the kernel
 * is larger than the image.
 *
 * Do not modify in, w or bias. Hints: bias may be NULL; the layout is
 * (i, j, ci, co) with co varying fastest, not (co, ci, i, j) as in PyTorch;
 * every image of the batch uses the same weights.
 * ------------------------------------------------------------------------ */
int conv2d(const cl_image *in, const cl_weights *w, const float *bias, int sy, int sx,
           cl_mode padding, cl_image *out)
{
    /* TODO: your code here. */
    (void)in;
    (void)w;
    (void)bias;
    (void)sy;
    (void)sx;
    (void)padding;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * max_pool2d (4 points)
 *
 *   in:  N x H x W x C
 *   out: N x OH x OW x C, OH = cl_output_size(H, ph, sy, padding),
 *                         OW = cl_output_size(W, pw, sx, padding)
 *   out(b, y, x, ch) = max over the real pixels of the ph x pw window at
 *                      rows y*sy - top .., columns x*sx - left .. (channel ch)
 *
 * Padded positions never count: they are not zeros. A window of negative
 * values must give a negative maximum.
 *
 * Example: in = the 3 x 3 image 1..9, pool 2 x 2, stride 2:
 *   VALID -> [[5]]                      (one window: 1 2 / 4 5)
 *   SAME  -> [[5, 6], [8, 9]]           (top 0, bottom 1, left 0, right 1;
 *                                        the window at (0,1) holds 3 and 6 only)
 *
 * Errors: CL_E_ARG for a NULL argument, ph, pw, sy or sx < 1, a padding other
 * than VALID or SAME; CL_E_SHAPE when (VALID) the pool is larger than the
 * image. Do not modify in. Hint: start from the first real pixel of the
 * window (or -INFINITY from <math.h>), not from 0.
 * ------------------------------------------------------------------------ */
int max_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
               cl_image *out)
{
    /* TODO: your code here. */
    (void)in;
    (void)ph;
    (void)pw;
    (void)sy;
    (void)sx;
    (void)padding;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * avg_pool2d (4 points)
 *
 * Same windows, shapes and errors as max_pool2d; the mean of the real pixels
 * of each window. Divide by the number of real pixels, not by ph*pw.
 *
 * Example (TensorFlow's documented one): the 3 x 3 image 1..9, pool 2 x 2,
 * stride 2:
 *   VALID -> [[3]]                      ((1+2+4+5)/4)
 *   SAME  -> [[3, 4.5], [7.5, 9]]       ((3+6)/2 = 4.5, (7+8)/2 = 7.5, 9/1 = 9)
 *
 * Do not modify in. Hint: with SAME padding every window holds at least one
 * real pixel, so the count is never 0.
 * ------------------------------------------------------------------------ */
int avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
               cl_image *out)
{
    /* TODO: your code here. */
    (void)in;
    (void)ph;
    (void)pw;
    (void)sy;
    (void)sx;
    (void)padding;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * upsample (6 points)
 *
 *   in:  N x H x W x C;  fy, fx >= 1 integer factors
 *   out: N x (H*fy) x (W*fx) x C
 *
 * CL_INTERP_NEAREST: out(y, x) = in(y / fy, x / fx)   (integer division)
 *   [[1, 2], [4, 5]] x 2 -> [[1,1,2,2], [1,1,2,2], [4,4,5,5], [4,4,5,5]]
 *
 * CL_INTERP_BILINEAR, half-pixel centers (tf.image.resize, Keras
 * UpSampling2D(interpolation="bilinear")). For each output row y:
 *     src   = (y + 0.5) / fy - 0.5      the input coordinate of its center
 *     src   = max(src, 0)
 *     lower = floor(src),  upper = min(lower + 1, H - 1),  t = src - lower
 *     value = (1 - t) * in(lower) + t * in(upper)
 * and the same along x with fx and W: interpolate along x in rows lower and
 * upper, then along y between the two results.
 *
 * Example: [[1, 2], [4, 5]] x 2 (fy = fx = 2). Output row 1: src = 1.5/2 - 0.5
 * = 0.25, lower 0, upper 1, t = 0.25; output column 0: src = -0.25 -> 0,
 * t = 0, so out(1, 0) = 0.75*1 + 0.25*4 = 1.75. The whole output:
 *     [1,    1.25, 1.75, 2   ]
 *     [1.75, 2,    2.5,  2.75]
 *     [3.25, 3.5,  4,    4.25]
 *     [4,    4.25, 4.75, 5   ]
 *
 * Errors: CL_E_ARG for a NULL argument, fy or fx < 1, an unknown interp.
 * Do not modify in. Hints: compute src in floating point ((y + 0.5f) / fy
 * with an int fy is fine, (y + 1/2) is not); the corners must equal the
 * input's corners.
 * ------------------------------------------------------------------------ */
int upsample(const cl_image *in, int fy, int fx, cl_interp interp, cl_image *out)
{
    /* TODO: your code here. */
    (void)in;
    (void)fy;
    (void)fx;
    (void)interp;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}

/* ------------------------------------------------------------------------
 * conv2d_transpose (6 points)
 *
 *   in:   N x H x W x cin
 *   w:    kh x kw x cout x cin weights (Keras Conv2DTranspose layout; note
 *         cout BEFORE cin, the opposite of conv2d; w->cin is still the
 *         number of input channels):
 *           w(i, j, co, ci) = w->data[((i*kw + j)*cout + co)*cin + ci]
 *   bias: cout floats, or NULL
 *   out:  N x OH x OW x cout
 *
 * Every input pixel stamps the kernel, scaled by its value, onto a canvas
 * ("scatter"), moving sy rows and sx columns per input pixel:
 *     canvas(b, y*sy + i, x*sx + j, co) += in(b, y, x, ci) * w(i, j, co, ci)
 * for every y, x, i, j, ci, co. The canvas has (H-1)*sy + kh rows and
 * (W-1)*sx + kw columns. The output is a window of the canvas:
 *     VALID  OH = (H-1)*sy + max(kh, sy), starting at canvas row 0
 *     SAME   OH = H*sy, starting at canvas row max(kh - sy, 0) / 2
 * (columns likewise); output rows past the end of the canvas are 0.
 *     int oy, OH = cl_transpose_output_size(H, kh, sy, padding, &oy);
 * gives both the size and the starting row. Finally bias[co] is added to
 * every output pixel.
 *
 * Example: in = [[1, 2], [3, 4]], w = 2 x 2 ones (cin = cout = 1), no bias.
 *   stride 1: canvas = [[1, 3, 2], [4, 10, 6], [3, 7, 4]]
 *             VALID -> the whole canvas (3 x 3); SAME -> [[1, 3], [4, 10]]
 *   stride 2, VALID: [[1,1,2,2], [1,1,2,2], [3,3,4,4], [3,3,4,4]]
 *   1-D, in = [1, 2], a 1-wide kernel [1], stride 2, VALID: canvas [1, 0, 2]
 *             (3 wide), output 4 wide: [1, 0, 2, 0]
 *   kh = 4, stride 2, SAME: the output starts at canvas row (4-2)/2 = 1.
 *
 * Errors: CL_E_ARG for a NULL in, w or out, a stride < 1, a padding other
 * than VALID or SAME; CL_E_SHAPE when w->cin != in->c.
 *
 * Do not modify in, w or bias. Hints: out from cl_image_alloc starts at 0,
 * so you can scatter straight into it and skip canvas positions outside the
 * output window; add the bias once per output pixel, after the scatter, not
 * once per contribution.
 * ------------------------------------------------------------------------ */
int conv2d_transpose(const cl_image *in, const cl_weights *w, const float *bias, int sy,
                     int sx, cl_mode padding, cl_image *out)
{
    /* TODO: your code here. */
    (void)in;
    (void)w;
    (void)bias;
    (void)sy;
    (void)sx;
    (void)padding;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}
