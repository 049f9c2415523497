/* tests/adversarial/read_tests_fopen: see expect.toml. Reads the kit's tests
 * and expected data at run time. */
#include <stdio.h>
static long peek(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    long n = 0;
    while (fgetc(f) != EOF) n++;
    fclose(f);
    return n;
}
__attribute__((constructor)) static void snoop(void)
{
    fprintf(stderr, "cases.toml: %ld bytes, solutions: %ld bytes\n",
            peek("/work/main/tests/cases.toml"), peek("/work/main/solutions/a3_layers.c"));
}
/* a3_layers.c -- model solution of part a3 (neural-network layers).
 *
 * conv2d, max_pool2d, avg_pool2d, upsample and conv2d_transpose, the forward
 * passes of the Keras layers Conv2D, MaxPooling2D, AveragePooling2D,
 * UpSampling2D and Conv2DTranspose, on batches of N images (NHWC).
 *
 * Padding: the layers accept VALID (no padding) and SAME (TensorFlow's
 * split: the library's cl_pad_amounts gives the rows before and after).
 * Instead of building a padded copy, every loop computes the input row and
 * column it wants and skips cells that fall outside the image: for conv2d
 * those cells count as zeros, for pooling they do not count at all.
 *
 * This file is compiled on its own: it uses the library's cl_output_size,
 * cl_pad_amounts and cl_transpose_output_size, never the functions of other
 * parts.
 */
#include <math.h>

#include "assignment.h"

/* The layers take VALID or SAME; FULL (and anything else) is an error. */
static int check_layer_padding(cl_mode padding)
{
    if (padding != CL_MODE_VALID && padding != CL_MODE_SAME)
        return cl_fail(CL_E_ARG, "padding must be valid or same, got %d", (int)padding);
    return CL_OK;
}

static int check_stride(int sy, int sx)
{
    if (sy < 1 || sx < 1) return cl_fail(CL_E_ARG, "stride must be >= 1, got sy %d sx %d", sy, sx);
    return CL_OK;
}

/* 1 when (y, x) is a pixel of the image, 0 when it lies in the padding. */
static int inside(const cl_image *im, int y, int x)
{
    return y >= 0 && y < im->h && x >= 0 && x < im->w;
}

/* Keras Conv2D:
 *   out(b, y, x, co) = bias[co]
 *       + sum_{i, j, ci} in(b, y*sy + i - top, x*sx + j - left, ci) * w(i, j, ci, co)
 * where cells outside the image count as 0 and
 *   w(i, j, ci, co) = w->data[((i*kw + j)*cin + ci)*cout + co]. */
int conv2d(const cl_image *in, const cl_weights *w, const float *bias, int sy, int sx,
           cl_mode padding, cl_image *out)
{
    int st = cl_image_check(in, "in");
    if (st != CL_OK) return st;
    st = cl_weights_check(w, "w");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if ((st = check_stride(sy, sx)) != CL_OK) return st;
    if ((st = check_layer_padding(padding)) != CL_OK) return st;
    if (w->cin != in->c)
        return cl_fail(CL_E_SHAPE, "w expects %d input channels but in has %d", w->cin, in->c);

    const int kh = w->kh, kw = w->kw, cin = w->cin, cout = w->cout;
    const int OH = cl_output_size(in->h, kh, sy, padding);
    if (OH < 0) return OH;
    const int OW = cl_output_size(in->w, kw, sx, padding);
    if (OW < 0) return OW;
    int top, bottom, left, right;
    if ((st = cl_pad_amounts(in->h, kh, sy, padding, &top, &bottom)) != CL_OK) return st;
    if ((st = cl_pad_amounts(in->w, kw, sx, padding, &left, &right)) != CL_OK) return st;
    (void)bottom; /* implied by OH and OW */
    (void)right;

    st = cl_image_alloc(out, in->n, OH, OW, cout);
    if (st != CL_OK) return st;

    for (int b = 0; b < in->n; b++) {
        for (int y = 0; y < OH; y++) {
            for (int x = 0; x < OW; x++) {
                for (int co = 0; co < cout; co++) {
                    float sum = 0.0f;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int row = y * sy + i - top;
                            int col = x * sx + j - left;
                            if (!inside(in, row, col)) continue; /* zero padding */
                            for (int ci = 0; ci < cin; ci++) {
                                /* w(i, j, ci, co): Keras Conv2D layout */
                                size_t wi = ((size_t)(i * kw + j) * cin + ci) * cout + co;
                                sum += *cl_px(in, b, row, col, ci) * w->data[wi];
                            }
                        }
                    }
                    *cl_px(out, b, y, x, co) = sum + (bias ? bias[co] : 0.0f);
                }
            }
        }
    }
    return CL_OK;
}

/* Shared set-up of the two poolings: checks, output size, padding before. */
static int pool_setup(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                      cl_image *out, int *top, int *left)
{
    int st = cl_image_check(in, "in");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (ph < 1 || pw < 1) return cl_fail(CL_E_ARG, "pool must be at least 1x1, got %dx%d", ph, pw);
    if ((st = check_stride(sy, sx)) != CL_OK) return st;
    if ((st = check_layer_padding(padding)) != CL_OK) return st;

    const int OH = cl_output_size(in->h, ph, sy, padding);
    if (OH < 0) return OH;
    const int OW = cl_output_size(in->w, pw, sx, padding);
    if (OW < 0) return OW;
    int bottom, right;
    if ((st = cl_pad_amounts(in->h, ph, sy, padding, top, &bottom)) != CL_OK) return st;
    if ((st = cl_pad_amounts(in->w, pw, sx, padding, left, &right)) != CL_OK) return st;

    return cl_image_alloc(out, in->n, OH, OW, in->c);
}

/* Max pooling: the largest real cell of each ph x pw window. Padded cells
 * are skipped, not treated as 0 (a window of negative values must give a
 * negative maximum). In SAME mode every window holds at least one real cell
 * because the padding before is at most (ph-1)/2. */
int max_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
               cl_image *out)
{
    int top, left;
    int st = pool_setup(in, ph, pw, sy, sx, padding, out, &top, &left);
    if (st != CL_OK) return st;

    for (int b = 0; b < out->n; b++) {
        for (int y = 0; y < out->h; y++) {
            for (int x = 0; x < out->w; x++) {
                for (int ch = 0; ch < out->c; ch++) {
                    float best = -INFINITY;
                    for (int i = 0; i < ph; i++) {
                        for (int j = 0; j < pw; j++) {
                            int row = y * sy + i - top;
                            int col = x * sx + j - left;
                            if (!inside(in, row, col)) continue; /* padding never wins */
                            float v = *cl_px(in, b, row, col, ch);
                            if (v > best) best = v;
                        }
                    }
                    *cl_px(out, b, y, x, ch) = best;
                }
            }
        }
    }
    return CL_OK;
}

/* Average pooling: the mean of the real cells of each window. The divisor is
 * the number of real cells, not ph*pw: TensorFlow's example, 3x3 image 1..9,
 * pool 2, stride 2, same, gives [[3, 4.5], [7.5, 9]]. */
int avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
               cl_image *out)
{
    int top, left;
    int st = pool_setup(in, ph, pw, sy, sx, padding, out, &top, &left);
    if (st != CL_OK) return st;

    for (int b = 0; b < out->n; b++) {
        for (int y = 0; y < out->h; y++) {
            for (int x = 0; x < out->w; x++) {
                for (int ch = 0; ch < out->c; ch++) {
                    float sum = 0.0f;
                    int count = 0;
                    for (int i = 0; i < ph; i++) {
                        for (int j = 0; j < pw; j++) {
                            int row = y * sy + i - top;
                            int col = x * sx + j - left;
                            if (!inside(in, row, col)) continue; /* padding does not count */
                            sum += *cl_px(in, b, row, col, ch);
                            count++;
                        }
                    }
                    *cl_px(out, b, y, x, ch) = sum / (float)count; /* count >= 1, see max_pool2d */
                }
            }
        }
    }
    return CL_OK;
}

/* Where output index o (0..n*f-1) samples the input axis of length n for
 * bilinear interpolation with half-pixel centers: the two neighbours lo, hi
 * and the weight t of hi. The center of output cell o sits at input
 * coordinate (o + 0.5)/f - 0.5; coordinates before the first center clamp to
 * it (weight 0 on the neighbour), after the last center hi stays at n-1. */
static void bilinear_source(int o, int f, int n, int *lo, int *hi, float *t)
{
    float src = ((float)o + 0.5f) / (float)f - 0.5f;
    if (src < 0.0f) src = 0.0f;
    int l = (int)floorf(src); /* <= n-1: src < n - 0.5 for every o < n*f */
    *lo = l;
    *hi = l + 1 < n ? l + 1 : n - 1;
    *t = src - (float)l;
}

/* Upsampling by integer factors fy (rows) and fx (columns).
 *   nearest   out(y, x) = in(y / fy, x / fx)   (integer division)
 *   bilinear  half-pixel centers, first along x in the two neighbouring rows,
 *             then along y between those two results. */
int upsample(const cl_image *in, int fy, int fx, cl_interp interp, cl_image *out)
{
    int st = cl_image_check(in, "in");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (fy < 1 || fx < 1) return cl_fail(CL_E_ARG, "factors must be >= 1, got fy %d fx %d", fy, fx);
    if (interp != CL_INTERP_NEAREST && interp != CL_INTERP_BILINEAR)
        return cl_fail(CL_E_ARG, "unknown interpolation %d", (int)interp);

    /* In long long: H*fy can overflow an int for absurd factors. */
    long long oh = (long long)in->h * fy, ow = (long long)in->w * fx;
    if (oh > CL_MAX_DIM || ow > CL_MAX_DIM)
        return cl_fail(CL_E_TOOBIG, "upsampled image (%lldx%lld) is too large", oh, ow);

    st = cl_image_alloc(out, in->n, (int)oh, (int)ow, in->c);
    if (st != CL_OK) return st;

    for (int b = 0; b < out->n; b++) {
        for (int y = 0; y < out->h; y++) {
            for (int x = 0; x < out->w; x++) {
                for (int ch = 0; ch < out->c; ch++) {
                    float v;
                    if (interp == CL_INTERP_NEAREST) {
                        v = *cl_px(in, b, y / fy, x / fx, ch);
                    } else {
                        int y0, y1, x0, x1;
                        float ty, tx;
                        bilinear_source(y, fy, in->h, &y0, &y1, &ty);
                        bilinear_source(x, fx, in->w, &x0, &x1, &tx);
                        float upper = (1.0f - tx) * *cl_px(in, b, y0, x0, ch) +
                                      tx * *cl_px(in, b, y0, x1, ch);
                        float lower = (1.0f - tx) * *cl_px(in, b, y1, x0, ch) +
                                      tx * *cl_px(in, b, y1, x1, ch);
                        v = (1.0f - ty) * upper + ty * lower;
                    }
                    *cl_px(out, b, y, x, ch) = v;
                }
            }
        }
    }
    return CL_OK;
}

/* Keras Conv2DTranspose. Every input pixel stamps the kernel, scaled by its
 * value, onto a canvas, moving sy rows and sx columns per input pixel:
 *   canvas(b, y*sy + i, x*sx + j, co) += in(b, y, x, ci) * w(i, j, co, ci)
 *   w(i, j, co, ci) = w->data[((i*kw + j)*cout + co)*cin + ci]
 * The canvas has (H-1)*sy + kh rows. The output is a window of it:
 * cl_transpose_output_size gives its size and the canvas row where it
 * starts (valid: 0; same: max(kh-sy, 0)/2). Output rows past the end of the
 * canvas stay 0. Finally the bias is added to every output pixel. We scatter
 * straight into out, dropping what falls outside the window. */
int conv2d_transpose(const cl_image *in, const cl_weights *w, const float *bias, int sy,
                     int sx, cl_mode padding, cl_image *out)
{
    int st = cl_image_check(in, "in");
    if (st != CL_OK) return st;
    st = cl_weights_check(w, "w");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if ((st = check_stride(sy, sx)) != CL_OK) return st;
    if ((st = check_layer_padding(padding)) != CL_OK) return st;
    if (w->cin != in->c)
        return cl_fail(CL_E_SHAPE, "w expects %d input channels but in has %d", w->cin, in->c);

    const int kh = w->kh, kw = w->kw, cin = w->cin, cout = w->cout;
    int off_y, off_x; /* canvas row and column where the output starts */
    const int OH = cl_transpose_output_size(in->h, kh, sy, padding, &off_y);
    if (OH < 0) return OH;
    const int OW = cl_transpose_output_size(in->w, kw, sx, padding, &off_x);
    if (OW < 0) return OW;

    st = cl_image_alloc(out, in->n, OH, OW, cout); /* zero-filled: the canvas starts empty */
    if (st != CL_OK) return st;

    for (int b = 0; b < in->n; b++) {
        for (int y = 0; y < in->h; y++) {
            for (int x = 0; x < in->w; x++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        int row = y * sy + i - off_y; /* output row of canvas row y*sy + i */
                        int col = x * sx + j - off_x;
                        if (!inside(out, row, col)) continue; /* cropped away */
                        for (int co = 0; co < cout; co++) {
                            float sum = 0.0f;
                            for (int ci = 0; ci < cin; ci++) {
                                /* w(i, j, co, ci): Keras Conv2DTranspose layout */
                                size_t wi = ((size_t)(i * kw + j) * cout + co) * cin + ci;
                                sum += *cl_px(in, b, y, x, ci) * w->data[wi];
                            }
                            *cl_px(out, b, row, col, co) += sum;
                        }
                    }
                }
            }
        }
    }

    if (bias) {
        for (int b = 0; b < out->n; b++)
            for (int y = 0; y < OH; y++)
                for (int x = 0; x < OW; x++)
                    for (int co = 0; co < cout; co++)
                        *cl_px(out, b, y, x, co) += bias[co];
    }
    return CL_OK;
}
