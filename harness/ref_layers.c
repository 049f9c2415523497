/* ref_layers.c -- reference neural-network layers (assignment a3): conv2d,
 * max_pool2d, avg_pool2d, upsample, conv2d_transpose. All take a batch
 * in: N x H x W x C and pad only with VALID or SAME (TensorFlow split, from
 * cl_pad_amounts; sizes from cl_output_size and cl_transpose_output_size).
 *
 *   conv2d            out(b,y,x,o) = bias[o] + sum_{i,j,c} in_pad(b, y*sy+i,
 *                     x*sx+j, c) * w(i,j,c,o), zero padding, w kh x kw x cin x cout
 *   max/avg_pool2d    over the real cells of each ph x pw window: padded cells
 *                     never count (the average divides by their number)
 *   upsample          nearest in(y/fy, x/fx); bilinear with half-pixel centers
 *                     (tf.image.resize, align_corners=False)
 *   conv2d_transpose  scatter full(y*sy+i, x*sx+j, o) += in(y,x,c) * w(i,j,o,c),
 *                     w kh x kw x cout x cin, output cropped from the full
 *                     canvas at cl_transpose_output_size's offset, plus bias
 *
 * conv2d (fast, ref_simd.h): the weights packed once (output channels
 * rounded up to 16), each image zero-padded once into a per-thread canvas
 * when the padding is SAME, then register-blocked vector tiles of pixels x
 * output channels over the rows, split over cl_ref_threads() threads by
 * (image, row). 1-channel 2x2 stride-2 pooling and x2 upsampling go to
 * ref_moves.c. Everything else (the pools and the upsampling of several
 * channels or other sizes, conv2d_transpose) runs the plain loops: each
 * window clipped to the image once per output pixel (padding is never
 * materialised; zero padding adds nothing), the inner loops over contiguous
 * memory (channels for pooling, cin for the transpose). Sums are kept in
 * float, in the order of the plain loops; bias is added after the sum, as
 * Keras does. Every argument is checked first; see reference.h.
 */
#include "reference.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ref_check.h"
#include "ref_simd.h"

/* The part of a k-long window starting at p (may be < 0) that lies inside
 * 0..n-1, as offsets into the window: [*lo, *hi). */
static void clip_window(int p, int k, int n, int *lo, int *hi)
{
    *lo = p < 0 ? -p : 0;
    *hi = n - p < k ? n - p : k;
}

/* Checks shared by conv2d and conv2d_transpose. */
static int check_conv_layer(const cl_image *in, const cl_weights *w, int sy, int sx,
                            cl_mode padding)
{
    int st;
    if ((st = cl_image_check(in, "input")) != CL_OK ||
        (st = cl_weights_check(w, "weights")) != CL_OK ||
        (st = ref_check_positive(sy, "stride sy")) != CL_OK ||
        (st = ref_check_positive(sx, "stride sx")) != CL_OK ||
        (st = ref_check_layer_padding(padding)) != CL_OK)
        return st;
    if (w->cin != in->c)
        return cl_fail(CL_E_SHAPE, "weights expect cin = %d input channels, the input has %d",
                       w->cin, in->c);
    return CL_OK;
}

/* Output size and padding before, along one axis of a conv2d or a pool. */
static int layer_axis(int n, int k, int s, cl_mode padding, int *size, int *before)
{
    int after;
    *size = cl_output_size(n, k, s, padding);
    if (*size < 0)
        return *size;
    return cl_pad_amounts(n, k, s, padding, before, &after);
}

/* conv2d, fast path: the weights packed once with their output channels
 * rounded up to a multiple of 16 (zeros beyond cout, 64-byte aligned), each
 * image zero-padded once into a scratch buffer when the padding is SAME, then
 * the register-blocked NHWC loop of ref_kern_body.h over output rows, split
 * over threads by (image, row). */
typedef struct conv_job {
    const cl_image *in;
    const float *wp, *bias; /* packed weights; bias padded to cop, or NULL */
    int kh, kw, cin, cout, cop, sy, sx, top, left;
    int padh, padw; /* the padded canvas: rows and columns the windows read */
    int pad;        /* 1: windows reach outside the image */
    cl_image *out;
    atomic_int nomem;
} conv_job;

static void conv_slice(void *ctx, int lo, int hi)
{
    conv_job *jb = ctx;
    const cl_image *in = jb->in;
    cl_image *out = jb->out;
    const int oh = out->h, cin = jb->cin;
    float *canvas = NULL;
    const size_t canvas_n = (size_t)jb->padh * jb->padw * cin;
    if (jb->pad && (canvas = malloc(canvas_n * sizeof *canvas)) == NULL) {
        atomic_store(&jb->nomem, 1);
        return;
    }
    for (int item = lo; item < hi;) {
        const int b = item / oh, y0 = item % oh;
        const int y1 = hi - b * oh < oh ? hi - b * oh : oh;
        const float *src = cl_px(in, b, 0, 0, 0);
        int src_w = in->w;
        if (jb->pad) {
            /* canvas(y, x) = in(y - top, x - left), zero outside the image;
             * only the rows that output rows y0..y1-1 read. */
            const int r0 = y0 * jb->sy, r1 = (y1 - 1) * jb->sy + jb->kh;
            for (int y = r0; y < r1; y++) {
                float *dst = canvas + (size_t)y * jb->padw * cin;
                const int iy = y - jb->top;
                memset(dst, 0, (size_t)jb->padw * cin * sizeof *dst);
                if (iy < 0 || iy >= in->h)
                    continue;
                int x0 = jb->left, x1 = jb->left + in->w;
                if (x1 > jb->padw)
                    x1 = jb->padw;
                if (x1 > x0)
                    memcpy(dst + (size_t)x0 * cin, cl_px(in, b, iy, 0, 0),
                           (size_t)(x1 - x0) * cin * sizeof *dst);
            }
            src = canvas;
            src_w = jb->padw;
        }
        const ref_conv_args a = {
            .in = src,
            .in_w = src_w,
            .cin = cin,
            .sy = jb->sy,
            .sx = jb->sx,
            .kh = jb->kh,
            .kw = jb->kw,
            .w = jb->wp,
            .cop = jb->cop,
            .bias = jb->bias,
            .out = cl_px(out, b, 0, 0, 0),
            .ow = out->w,
            .cout = jb->cout,
            .y0 = y0,
            .y1 = y1,
        };
        ref_kern()->conv(&a);
        item = b * oh + y1;
    }
    free(canvas);
}

int cl_ref_conv2d(const cl_image *in, const cl_weights *w, const float *bias, int sy, int sx,
                  cl_mode padding, cl_image *out)
{
    int st = ref_check_out(out, in, NULL);
    if (st != CL_OK)
        return st;
    if ((st = check_conv_layer(in, w, sy, sx, padding)) != CL_OK)
        return ref_reject(out, st);
    if (padding == CL_MODE_VALID &&
        (st = ref_check_fits(w->kh, w->kw, in->h, in->w, "weights kernel")) != CL_OK)
        return ref_reject(out, st);

    const int kh = w->kh, kw = w->kw, cin = w->cin, cout = w->cout;
    int oh, ow, top, left;
    if ((st = layer_axis(in->h, kh, sy, padding, &oh, &top)) != CL_OK ||
        (st = layer_axis(in->w, kw, sx, padding, &ow, &left)) != CL_OK)
        return ref_reject(out, st);

    const int cop = (cout + 15) / 16 * 16;
    const size_t wrows = (size_t)kh * kw * cin;
    const size_t wbytes = ((wrows + 1) * cop * sizeof(float) + 63) / 64 * 64;
    float *wp = aligned_alloc(64, wbytes);
    if (wp == NULL)
        return ref_reject(out, cl_fail(CL_E_NOMEM, "conv2d: no memory to pack the weights"));
    memset(wp, 0, wbytes);
    for (size_t r = 0; r < wrows; r++)
        memcpy(wp + r * cop, w->data + r * cout, (size_t)cout * sizeof(float));
    float *bp = NULL;
    if (bias != NULL) {
        bp = wp + wrows * cop;
        memcpy(bp, bias, (size_t)cout * sizeof(float));
    }

    if ((st = ref_output(out, in->n, oh, ow, cout, in, NULL)) != CL_OK) {
        free(wp);
        return st;
    }
    conv_job jb = {
        .in = in, .wp = wp, .bias = bp, .kh = kh, .kw = kw, .cin = cin, .cout = cout,
        .cop = cop, .sy = sy, .sx = sx, .top = top, .left = left,
        .padh = (oh - 1) * sy + kh, .padw = (ow - 1) * sx + kw, .out = out,
    };
    jb.pad = top > 0 || left > 0 || jb.padh > in->h || jb.padw > in->w;
    atomic_init(&jb.nomem, 0);
    const size_t work = cl_image_count(out) * (size_t)kh * kw * cin;
    ref_parallel_for(in->n * oh, 1, work, conv_slice, &jb);
    free(wp);
    if (atomic_load(&jb.nomem))
        return ref_reject(out, cl_fail(CL_E_NOMEM, "conv2d: no memory for a padded image"));
    return CL_OK;
}

/* Pooling of both kinds: the checks, the sizes, and the loop over windows
 * clipped to the image. */
static int pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                  int is_max, cl_image *out)
{
    int st = ref_check_out(out, in, NULL);
    if (st != CL_OK)
        return st;
    if ((st = cl_image_check(in, "input")) != CL_OK ||
        (st = ref_check_positive(ph, "pool height ph")) != CL_OK ||
        (st = ref_check_positive(pw, "pool width pw")) != CL_OK ||
        (st = ref_check_positive(sy, "stride sy")) != CL_OK ||
        (st = ref_check_positive(sx, "stride sx")) != CL_OK ||
        (st = ref_check_layer_padding(padding)) != CL_OK)
        return ref_reject(out, st);
    if (padding == CL_MODE_VALID && (st = ref_check_fits(ph, pw, in->h, in->w, "pool")) != CL_OK)
        return ref_reject(out, st);

    const int c = in->c;
    int oh, ow, top, left;
    if ((st = layer_axis(in->h, ph, sy, padding, &oh, &top)) != CL_OK ||
        (st = layer_axis(in->w, pw, sx, padding, &ow, &left)) != CL_OK)
        return ref_reject(out, st);
    const int fast = c == 1 && ph == 2 && pw == 2 && sy == 2 && sx == 2 && top == 0 &&
                     left == 0 && 2 * oh <= in->h && 2 * ow <= in->w;
    if ((st = fast ? ref_output(out, in->n, oh, ow, c, in, NULL)
                   : cl_image_alloc(out, in->n, oh, ow, c)) != CL_OK)
        return st;
    if (fast) {
        ref_pool2x2_gray(in, is_max, out);
        return CL_OK;
    }

    for (int b = 0; b < in->n; b++) {
        for (int y = 0; y < oh; y++) {
            const int y0 = y * sy - top;
            int i0, i1;
            clip_window(y0, ph, in->h, &i0, &i1);
            for (int x = 0; x < ow; x++) {
                const int x0 = x * sx - left;
                int j0, j1;
                clip_window(x0, pw, in->w, &j0, &j1);
                float *restrict o = cl_px(out, b, y, x, 0);
                if (is_max)
                    for (int ch = 0; ch < c; ch++)
                        o[ch] = -INFINITY;
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        const float *restrict p = cl_px(in, b, y0 + i, x0 + j, 0);
                        if (is_max) {
                            for (int ch = 0; ch < c; ch++)
                                o[ch] = p[ch] > o[ch] ? p[ch] : o[ch];
                        } else {
                            for (int ch = 0; ch < c; ch++)
                                o[ch] += p[ch];
                        }
                    }
                }
                if (!is_max) {
                    /* A SAME window always holds at least one real cell. */
                    const float cells = (float)((i1 - i0) * (j1 - j0));
                    for (int ch = 0; ch < c; ch++)
                        o[ch] /= cells;
                }
            }
        }
    }
    return CL_OK;
}

int cl_ref_max_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                      cl_image *out)
{
    return pool2d(in, ph, pw, sy, sx, padding, 1, out);
}

int cl_ref_avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                      cl_image *out)
{
    return pool2d(in, ph, pw, sy, sx, padding, 0, out);
}

/* Nearest: each output row is built once from its source row, then copied
 * to the fy-1 rows that share it. */
static void upsample_nearest(const cl_image *in, int fy, int fx, cl_image *out)
{
    const size_t px_bytes = (size_t)in->c * sizeof(float);
    const size_t row_bytes = (size_t)out->w * px_bytes;
    for (int b = 0; b < out->n; b++) {
        for (int y = 0; y < out->h; y++) {
            float *dst = cl_px(out, b, y, 0, 0);
            if (y % fy != 0) {
                memcpy(dst, cl_px(out, b, y - 1, 0, 0), row_bytes);
                continue;
            }
            for (int x = 0; x < out->w; x++)
                memcpy(dst + (size_t)x * in->c, cl_px(in, b, y / fy, x / fx, 0), px_bytes);
        }
    }
}

/* Half-pixel source coordinates of one axis: output p reads lo[p] and hi[p]
 * with weight t[p] on hi. src = max((p + 0.5)/f - 0.5, 0) (tf.image.resize). */
static void bilinear_axis(int n, int f, int out_n, int *lo, int *hi, float *t)
{
    for (int p = 0; p < out_n; p++) {
        double src = (p + 0.5) / f - 0.5;
        if (src < 0)
            src = 0;
        lo[p] = (int)src; /* floor: src >= 0 */
        hi[p] = lo[p] + 1 < n ? lo[p] + 1 : n - 1;
        t[p] = (float)(src - lo[p]);
    }
}

/* Bilinear: lerp along x on the two source rows, then along y (TF's order). */
static int upsample_bilinear(const cl_image *in, int fy, int fx, cl_image *out)
{
    const int oh = out->h, ow = out->w, c = in->c;
    int *idx = malloc(2 * ((size_t)oh + ow) * sizeof *idx);
    float *t = malloc(((size_t)oh + ow) * sizeof *t);
    if (idx == NULL || t == NULL) {
        free(idx);
        free(t);
        return cl_fail(CL_E_NOMEM, "upsample: no memory for the interpolation tables");
    }
    int *y_lo = idx, *y_hi = idx + oh, *x_lo = idx + 2 * oh, *x_hi = x_lo + ow;
    float *ty = t, *tx = t + oh;
    bilinear_axis(in->h, fy, oh, y_lo, y_hi, ty);
    bilinear_axis(in->w, fx, ow, x_lo, x_hi, tx);
    if (c == 1 && fy == 2 && fx == 2) {
        ref_up2_gray(in, y_lo, y_hi, ty, x_lo, x_hi, tx, out);
        free(idx);
        free(t);
        return CL_OK;
    }

    for (int b = 0; b < out->n; b++) {
        for (int y = 0; y < oh; y++) {
            const float *r0 = cl_px(in, b, y_lo[y], 0, 0), *r1 = cl_px(in, b, y_hi[y], 0, 0);
            float *restrict o = cl_px(out, b, y, 0, 0);
            for (int x = 0; x < ow; x++, o += c) {
                const size_t a = (size_t)x_lo[x] * c, z = (size_t)x_hi[x] * c;
                for (int ch = 0; ch < c; ch++) {
                    const float top = r0[a + ch] + (r0[z + ch] - r0[a + ch]) * tx[x];
                    const float bot = r1[a + ch] + (r1[z + ch] - r1[a + ch]) * tx[x];
                    o[ch] = top + (bot - top) * ty[y];
                }
            }
        }
    }
    free(idx);
    free(t);
    return CL_OK;
}

int cl_ref_upsample(const cl_image *in, int fy, int fx, cl_interp interp, cl_image *out)
{
    int st = ref_check_out(out, in, NULL);
    if (st != CL_OK)
        return st;
    if ((st = cl_image_check(in, "input")) != CL_OK ||
        (st = ref_check_positive(fy, "factor fy")) != CL_OK ||
        (st = ref_check_positive(fx, "factor fx")) != CL_OK)
        return ref_reject(out, st);
    if ((int)interp != CL_INTERP_NEAREST && (int)interp != CL_INTERP_BILINEAR)
        return ref_reject(out, cl_fail(CL_E_ARG,
                                       "interp: unknown interpolation %d (expected nearest or "
                                       "bilinear)",
                                       (int)interp));
    const long long oh = (long long)in->h * fy, ow = (long long)in->w * fx;
    if (oh > CL_MAX_DIM || ow > CL_MAX_DIM)
        return ref_reject(out, cl_fail(CL_E_TOOBIG, "upsample: output %lldx%lld is too large",
                                       oh, ow));
    const int fast = in->c == 1 && fy == 2 && fx == 2;
    if ((st = fast ? ref_output(out, in->n, (int)oh, (int)ow, in->c, in, NULL)
                   : cl_image_alloc(out, in->n, (int)oh, (int)ow, in->c)) != CL_OK)
        return st;

    if (interp == CL_INTERP_NEAREST && fast) {
        ref_up2_gray(in, NULL, NULL, NULL, NULL, NULL, NULL, out);
        return CL_OK;
    }
    if (interp == CL_INTERP_NEAREST) {
        upsample_nearest(in, fy, fx, out);
        return CL_OK;
    }
    if ((st = upsample_bilinear(in, fy, fx, out)) != CL_OK)
        return ref_reject(out, st);
    return CL_OK;
}

/* Output size and crop offset of a transposed convolution along one axis,
 * refusing sizes beyond CL_MAX_DIM before they can overflow an int. */
static int transpose_axis(int n, int k, int s, cl_mode padding, int *size, int *offset)
{
    const long long full = (long long)(n - 1) * s + (k > s ? k : s);
    if (full > CL_MAX_DIM)
        return cl_fail(CL_E_TOOBIG, "conv2d_transpose: output size %lld is too large", full);
    *size = cl_transpose_output_size(n, k, s, padding, offset);
    return *size < 0 ? *size : CL_OK;
}

int cl_ref_conv2d_transpose(const cl_image *in, const cl_weights *w, const float *bias,
                            int sy, int sx, cl_mode padding, cl_image *out)
{
    int st = ref_check_out(out, in, NULL);
    if (st != CL_OK)
        return st;
    if ((st = check_conv_layer(in, w, sy, sx, padding)) != CL_OK)
        return ref_reject(out, st);

    const int kh = w->kh, kw = w->kw, cin = w->cin, cout = w->cout;
    int oh = 0, ow = 0, offy = 0, offx = 0;
    if ((st = transpose_axis(in->h, kh, sy, padding, &oh, &offy)) != CL_OK ||
        (st = transpose_axis(in->w, kw, sx, padding, &ow, &offx)) != CL_OK)
        return ref_reject(out, st);
    if ((st = cl_image_alloc(out, in->n, oh, ow, cout)) != CL_OK)
        return st;

    /* Scatter each input pixel through the kernel, clipped to the output. */
    for (int b = 0; b < in->n; b++) {
        for (int y = 0; y < in->h; y++) {
            const int y0 = y * sy - offy;
            int i0, i1;
            clip_window(y0, kh, oh, &i0, &i1);
            for (int x = 0; x < in->w; x++) {
                const int x0 = x * sx - offx;
                int j0, j1;
                clip_window(x0, kw, ow, &j0, &j1);
                const float *restrict p = cl_px(in, b, y, x, 0);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        float *restrict o = cl_px(out, b, y0 + i, x0 + j, 0);
                        const float *restrict wk = w->data + ((size_t)i * kw + j) * cout * cin;
                        for (int co = 0; co < cout; co++) {
                            float acc = 0.0f;
                            for (int ci = 0; ci < cin; ci++)
                                acc += p[ci] * wk[(size_t)co * cin + ci];
                            o[co] += acc;
                        }
                    }
                }
            }
        }
    }
    if (bias != NULL) {
        const size_t pixels = (size_t)out->n * oh * ow;
        for (size_t q = 0; q < pixels; q++)
            for (int co = 0; co < cout; co++)
                out->data[q * cout + co] += bias[co];
    }
    return CL_OK;
}
