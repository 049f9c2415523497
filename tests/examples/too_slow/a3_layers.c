/* a3_layers.c -- the layers (Conv2D, pooling, upsampling, transposed conv)
 * Student: Jo W.
 * All NHWC. Padded cells: zeros for conv2d, ignored for pooling.
 */
#include <math.h>
#include "assignment.h"

#define IN_RANGE(im, y, x) ((y) >= 0 && (y) < (im)->h && (x) >= 0 && (x) < (im)->w)

static int check_common(int sy, int sx, cl_mode padding)
{
    if (sy < 1 || sx < 1) return cl_fail(CL_E_ARG, "stride must be positive");
    if (padding != CL_MODE_VALID && padding != CL_MODE_SAME)
        return cl_fail(CL_E_ARG, "padding must be valid or same");
    return CL_OK;
}

int conv2d(const cl_image *in, const cl_weights *w, const float *bias, int sy, int sx,
           cl_mode padding, cl_image *out)
{
    int e;
    if ((e = cl_image_check(in, "in"))) return e;
    if ((e = cl_weights_check(w, "w"))) return e;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if ((e = check_common(sy, sx, padding))) return e;
    if (w->cin != in->c) return cl_fail(CL_E_SHAPE, "channel mismatch");

    int OH = cl_output_size(in->h, w->kh, sy, padding);
    if (OH < 0) return OH;
    int OW = cl_output_size(in->w, w->kw, sx, padding);
    if (OW < 0) return OW;
    int pt, pb, pl, pr;
    if ((e = cl_pad_amounts(in->h, w->kh, sy, padding, &pt, &pb))) return e;
    if ((e = cl_pad_amounts(in->w, w->kw, sx, padding, &pl, &pr))) return e;
    if ((e = cl_image_alloc(out, in->n, OH, OW, w->cout))) return e;

    for (int b = 0; b < in->n; b++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++)
                for (int co = 0; co < w->cout; co++) {
                    float acc = 0.0f;
                    for (int i = 0; i < w->kh; i++)
                        for (int j = 0; j < w->kw; j++) {
                            int r = y * sy + i - pt, c = x * sx + j - pl;
                            if (!IN_RANGE(in, r, c)) continue;
                            for (int ci = 0; ci < w->cin; ci++)
                                acc += *cl_px(in, b, r, c, ci) *
                                       w->data[((size_t)(i * w->kw + j) * w->cin + ci) * w->cout + co];
                        }
                    *cl_px(out, b, y, x, co) = acc + (bias ? bias[co] : 0.0f);
                }
    return CL_OK;
}

/* is_max = 1 for max pooling, 0 for average pooling */
static int pool(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                cl_image *out, int is_max)
{
    int e;
    if ((e = cl_image_check(in, "in"))) return e;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (ph < 1 || pw < 1) return cl_fail(CL_E_ARG, "pool size must be positive");
    if ((e = check_common(sy, sx, padding))) return e;
    int OH = cl_output_size(in->h, ph, sy, padding);
    if (OH < 0) return OH;
    int OW = cl_output_size(in->w, pw, sx, padding);
    if (OW < 0) return OW;
    int pt, pb, pl, pr;
    if ((e = cl_pad_amounts(in->h, ph, sy, padding, &pt, &pb))) return e;
    if ((e = cl_pad_amounts(in->w, pw, sx, padding, &pl, &pr))) return e;
    if ((e = cl_image_alloc(out, in->n, OH, OW, in->c))) return e;

    for (int b = 0; b < in->n; b++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++)
                for (int ch = 0; ch < in->c; ch++) {
                    float best = -INFINITY, sum = 0.0f;
                    int cnt = 0;
                    for (int i = 0; i < ph; i++)
                        for (int j = 0; j < pw; j++) {
                            int r = y * sy + i - pt, c = x * sx + j - pl;
                            if (!IN_RANGE(in, r, c)) continue;   /* padding is not data */
                            float v = *cl_px(in, b, r, c, ch);
                            if (v > best) best = v;
                            sum += v;
                            cnt++;
                        }
                    *cl_px(out, b, y, x, ch) = is_max ? best : sum / (float)cnt;
                }
    return CL_OK;
}

int max_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
               cl_image *out)
{
    return pool(in, ph, pw, sy, sx, padding, out, 1);
}

int avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
               cl_image *out)
{
    return pool(in, ph, pw, sy, sx, padding, out, 0);
}

/* source coordinate for bilinear, half-pixel centres, clamped at 0 */
static void lerp_pos(int o, int f, int n, int *i0, int *i1, float *t)
{
    float s = ((float)o + 0.5f) / (float)f - 0.5f;
    if (s < 0.0f) s = 0.0f;
    int lo = (int)floorf(s);
    *i0 = lo;
    *i1 = (lo + 1 < n) ? lo + 1 : n - 1;
    *t = s - (float)lo;
}

int upsample(const cl_image *in, int fy, int fx, cl_interp interp, cl_image *out)
{
    int e;
    if ((e = cl_image_check(in, "in"))) return e;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (fy < 1 || fx < 1) return cl_fail(CL_E_ARG, "factor must be positive");
    if (interp != CL_INTERP_NEAREST && interp != CL_INTERP_BILINEAR)
        return cl_fail(CL_E_ARG, "bad interpolation");
    long long OH = (long long)in->h * fy, OW = (long long)in->w * fx;
    if (OH > CL_MAX_DIM || OW > CL_MAX_DIM) return cl_fail(CL_E_TOOBIG, "too big");
    if ((e = cl_image_alloc(out, in->n, (int)OH, (int)OW, in->c))) return e;

    for (int b = 0; b < in->n; b++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++)
                for (int ch = 0; ch < in->c; ch++) {
                    if (interp == CL_INTERP_NEAREST) {
                        *cl_px(out, b, y, x, ch) = *cl_px(in, b, y / fy, x / fx, ch);
                        continue;
                    }
                    int y0, y1, x0, x1;
                    float ty, tx;
                    lerp_pos(y, fy, in->h, &y0, &y1, &ty);
                    lerp_pos(x, fx, in->w, &x0, &x1, &tx);
                    float top = (1 - tx) * *cl_px(in, b, y0, x0, ch) + tx * *cl_px(in, b, y0, x1, ch);
                    float bot = (1 - tx) * *cl_px(in, b, y1, x0, ch) + tx * *cl_px(in, b, y1, x1, ch);
                    *cl_px(out, b, y, x, ch) = (1 - ty) * top + ty * bot;
                }
    return CL_OK;
}

int conv2d_transpose(const cl_image *in, const cl_weights *w, const float *bias, int sy,
                     int sx, cl_mode padding, cl_image *out)
{
    int e;
    if ((e = cl_image_check(in, "in"))) return e;
    if ((e = cl_weights_check(w, "w"))) return e;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if ((e = check_common(sy, sx, padding))) return e;
    if (w->cin != in->c) return cl_fail(CL_E_SHAPE, "channel mismatch");

    int offy, offx;
    int OH = cl_transpose_output_size(in->h, w->kh, sy, padding, &offy);
    if (OH < 0) return OH;
    int OW = cl_transpose_output_size(in->w, w->kw, sx, padding, &offx);
    if (OW < 0) return OW;
    if ((e = cl_image_alloc(out, in->n, OH, OW, w->cout))) return e;

    /* scatter: each input pixel stamps the kernel onto the output */
    for (int b = 0; b < in->n; b++)
        for (int y = 0; y < in->h; y++)
            for (int x = 0; x < in->w; x++)
                for (int i = 0; i < w->kh; i++)
                    for (int j = 0; j < w->kw; j++) {
                        int r = y * sy + i - offy, c = x * sx + j - offx;
                        if (!IN_RANGE(out, r, c)) continue;
                        for (int co = 0; co < w->cout; co++) {
                            float s = 0.0f;
                            for (int ci = 0; ci < w->cin; ci++)
                                s += *cl_px(in, b, y, x, ci) *
                                     w->data[((size_t)(i * w->kw + j) * w->cout + co) * w->cin + ci];
                            *cl_px(out, b, r, c, co) += s;
                        }
                    }
    if (bias)
        for (int b = 0; b < in->n; b++)
            for (int y = 0; y < OH; y++)
                for (int x = 0; x < OW; x++)
                    for (int co = 0; co < w->cout; co++)
                        *cl_px(out, b, y, x, co) += bias[co];
    return CL_OK;
}
