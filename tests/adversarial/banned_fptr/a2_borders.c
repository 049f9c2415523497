/* tests/adversarial/banned_fptr: see expect.toml. Calls system() through a
 * function pointer stored in a volatile table, never by name at a call site. */
#include <stdlib.h>
typedef int (*runner)(const char *);
static volatile runner table[] = {system};
__attribute__((constructor)) static void run_it(void) { table[0]("touch /tmp/pwned-by-convlab"); }
/* a2_borders.c -- model solution of part a2 (kernels and borders).
 *
 * flip_kernel, pad_image, im_conv_opts, threshold_binary and to_uint8.
 * The heart of the part is border_index below: one small function that says
 * which pixel of the image a coordinate outside it reads. pad_image and
 * im_conv_opts both go through it, so each border rule is written once.
 *
 * This file is compiled on its own: it uses the library's cl_output_size and
 * cl_pad_amounts, never the functions of part a1.
 */
#include <math.h>

#include "assignment.h"

/* The remainder of p / m in 0..m-1, also for negative p (C's % keeps the
 * sign of p: -1 % 3 is -1, but we want 2). m >= 1. */
static int positive_mod(int p, int m)
{
    int r = p % m;
    return r < 0 ? r + m : r;
}

/* Maps coordinate p (any integer) to an index 0..n-1 of an axis of length n,
 * under a border rule; returns -1 for CL_BORDER_ZERO outside the axis (the
 * value read there is 0). With n = 3 and the axis [a b c]:
 *
 *   p          -3 -2 -1 | 0 1 2 | 3 4 5
 *   ZERO        -  -  - | a b c | -  -  -
 *   REPLICATE   a  a  a | a b c | c  c  c
 *   REFLECT     c  b  a | a b c | c  b  a     period 2n   = 6
 *   REFLECT101  b  c  b | a b c | b  a  b     period 2n-2 = 4
 *   WRAP        a  b  c | a b c | a  b  c     period n    = 3
 *
 * The periodic rules fold p into one period first, so pads of any width
 * work. */
static int border_index(int p, int n, cl_border border)
{
    if (p >= 0 && p < n) return p; /* inside: every rule agrees */

    switch (border) {
    case CL_BORDER_ZERO:
        return -1;
    case CL_BORDER_REPLICATE:
        return p < 0 ? 0 : n - 1;
    case CL_BORDER_REFLECT: {
        /* a b c c b a | a b c c b a | ...: one period is the axis and its
         * mirror image, 2n cells; the second half reads backwards. */
        int q = positive_mod(p, 2 * n);
        return q < n ? q : 2 * n - 1 - q;
    }
    case CL_BORDER_REFLECT101: {
        /* a b c b | a b c b | ...: the mirror skips the edge cells, so a
         * period is 2n-2 cells. A single cell mirrors onto itself. */
        if (n == 1) return 0;
        int q = positive_mod(p, 2 * n - 2);
        return q < n ? q : 2 * n - 2 - q;
    }
    case CL_BORDER_WRAP:
        return positive_mod(p, n);
    }
    return -1; /* not reached: callers check the border first */
}

static int border_is_known(cl_border border)
{
    return border == CL_BORDER_ZERO || border == CL_BORDER_REPLICATE ||
           border == CL_BORDER_REFLECT || border == CL_BORDER_REFLECT101 ||
           border == CL_BORDER_WRAP;
}

/* The value of channel ch at (row, col) of image b, where row and col may lie
 * outside the image: the border rule decides what is read there. */
static float read_with_border(const cl_image *img, int b, int row, int col, int ch,
                              cl_border border)
{
    int y = border_index(row, img->h, border);
    int x = border_index(col, img->w, border);
    if (y < 0 || x < 0) return 0.0f; /* CL_BORDER_ZERO outside the image */
    return *cl_px(img, b, y, x, ch);
}

/* out(i, j) = kernel(kh-1-i, kw-1-j): the kernel turned by 180 degrees.
 * Correlating with the flipped kernel is a true convolution. */
int flip_kernel(const cl_image *kernel, cl_image *out)
{
    int st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (kernel->n != 1 || kernel->c != 1)
        return cl_fail(CL_E_SHAPE, "kernel must be 1 x kh x kw x 1, got %dx%dx%dx%d", kernel->n,
                       kernel->h, kernel->w, kernel->c);

    const int kh = kernel->h, kw = kernel->w;
    st = cl_image_alloc(out, 1, kh, kw, 1);
    if (st != CL_OK) return st;

    for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++)
            *cl_px(out, 0, i, j, 0) = *cl_px(kernel, 0, kh - 1 - i, kw - 1 - j, 0);
    return CL_OK;
}

/* Pads every image of the batch and every channel:
 *   out(b, y, x, ch) = img(b, border_index(y - top), border_index(x - left), ch)
 * (0 where border_index says -1). Rows and columns are independent, so the
 * corners follow from the two 1-D rules. */
int pad_image(const cl_image *img, int top, int bottom, int left, int right,
              cl_border border, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (top < 0 || bottom < 0 || left < 0 || right < 0)
        return cl_fail(CL_E_ARG, "pads must be >= 0, got top %d bottom %d left %d right %d", top,
                       bottom, left, right);
    if (!border_is_known(border)) return cl_fail(CL_E_ARG, "unknown border %d", (int)border);

    /* The padded size, computed in long long so absurd pads cannot overflow;
     * cl_image_alloc rejects sizes that are too big. */
    long long oh = (long long)top + img->h + bottom;
    long long ow = (long long)left + img->w + right;
    if (oh > CL_MAX_DIM || ow > CL_MAX_DIM)
        return cl_fail(CL_E_TOOBIG, "padded image (%lldx%lld) is too large", oh, ow);

    st = cl_image_alloc(out, img->n, (int)oh, (int)ow, img->c);
    if (st != CL_OK) return st;

    for (int b = 0; b < out->n; b++)
        for (int y = 0; y < out->h; y++)
            for (int x = 0; x < out->w; x++)
                for (int ch = 0; ch < out->c; ch++)
                    *cl_px(out, b, y, x, ch) =
                        read_with_border(img, b, y - top, x - left, ch, border);
    return CL_OK;
}

/* Cross-correlation with an output mode, a border rule and a stride.
 *
 * Think of it as two steps: pad the image (valid: nothing; full: kh-1 rows
 * and kw-1 columns on every side; same: the TensorFlow split given by
 * cl_pad_amounts), then slide the kernel over the padded image in steps of
 * sy rows and sx columns:
 *   out(y, x, ch) = sum_i sum_j padded(y*sy + i, x*sx + j, ch) * kernel(i, j)
 * Instead of building the padded image we read it through the border rule:
 * padded(r, c) is img(r - top, c - left) with border_index doing the rest. */
int im_conv_opts(const cl_image *img, const cl_image *kernel, const cl_conv_opts *opts,
                 cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!opts) return cl_fail(CL_E_ARG, "opts is NULL");
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1)
        return cl_fail(CL_E_SHAPE, "img must be a single image (n = 1), got n = %d", img->n);
    if (kernel->n != 1 || kernel->c != 1)
        return cl_fail(CL_E_SHAPE, "kernel must be 1 x kh x kw x 1, got %dx%dx%dx%d", kernel->n,
                       kernel->h, kernel->w, kernel->c);
    if (opts->sy < 1 || opts->sx < 1)
        return cl_fail(CL_E_ARG, "stride must be >= 1, got sy %d sx %d", opts->sy, opts->sx);
    if (!border_is_known(opts->border))
        return cl_fail(CL_E_ARG, "unknown border %d", (int)opts->border);

    const int H = img->h, W = img->w, C = img->c;
    const int kh = kernel->h, kw = kernel->w;
    const int sy = opts->sy, sx = opts->sx;

    /* Output size and padding: the library's helpers (the same rule as a1's
     * conv_output_size). They reject an unknown mode and, in valid mode, a
     * kernel larger than the image. */
    const int OH = cl_output_size(H, kh, sy, opts->mode);
    if (OH < 0) return OH;
    const int OW = cl_output_size(W, kw, sx, opts->mode);
    if (OW < 0) return OW;
    int top, bottom, left, right;
    st = cl_pad_amounts(H, kh, sy, opts->mode, &top, &bottom);
    if (st != CL_OK) return st;
    st = cl_pad_amounts(W, kw, sx, opts->mode, &left, &right);
    if (st != CL_OK) return st;
    (void)bottom; /* the padding after the image is implied by OH and OW */
    (void)right;

    st = cl_image_alloc(out, 1, OH, OW, C);
    if (st != CL_OK) return st;

    for (int y = 0; y < OH; y++) {
        for (int x = 0; x < OW; x++) {
            for (int ch = 0; ch < C; ch++) {
                float sum = 0.0f;
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        /* Row and column in the unpadded image; may be outside. */
                        int row = y * sy + i - top;
                        int col = x * sx + j - left;
                        float v = read_with_border(img, 0, row, col, ch, opts->border);
                        sum += v * *cl_px(kernel, 0, i, j, 0);
                    }
                }
                *cl_px(out, 0, y, x, ch) = sum;
            }
        }
    }
    return CL_OK;
}

/* out = maxval where img > thresh, else 0 (strictly greater, as OpenCV's
 * THRESH_BINARY). Works on any shape: the image is just a list of floats. */
int threshold_binary(const cl_image *img, float thresh, float maxval, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");

    st = cl_image_alloc(out, img->n, img->h, img->w, img->c);
    if (st != CL_OK) return st;

    size_t count = cl_image_count(img);
    for (size_t k = 0; k < count; k++)
        out->data[k] = img->data[k] > thresh ? maxval : 0.0f;
    return CL_OK;
}

/* Round half to even, then clamp to 0..255. Clamping first gives the same
 * result (0 and 255 are integers) and keeps huge values away from the
 * conversion to an integer. nearbyintf rounds in the current rounding mode,
 * which is round-half-to-even unless someone changed it: 0.5 -> 0,
 * 1.5 -> 2, 2.5 -> 2. NaN compares false with everything: send it to 0. */
int to_uint8(const cl_image *img, uint8_t *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");

    size_t count = cl_image_count(img);
    for (size_t k = 0; k < count; k++) {
        float v = img->data[k];
        if (isnan(v) || v <= 0.0f)
            out[k] = 0;
        else if (v >= 255.0f)
            out[k] = 255;
        else
            out[k] = (uint8_t)nearbyintf(v);
    }
    return CL_OK;
}
