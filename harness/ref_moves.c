/* ref_moves.c -- fast paths of the memory-bound layers of ref_layers.c for
 * one-channel images: 2x2 pooling with stride 2 and x2 upsampling (nearest
 * and bilinear). ref_layers.c calls them when the arguments match and keeps
 * its general loops for everything else.
 *
 *   ref_pool2x2_gray   in N x H x W x 1 -> out N x H/2 x W/2 x 1 (valid,
 *                      floor), max or average of in(2y..2y+1, 2x..2x+1)
 *   ref_up2_gray       in N x H x W x 1 -> out N x 2H x 2W x 1, nearest or
 *                      bilinear with half-pixel centres
 *
 * Every value is computed with the same expression, in the same order, as
 * the general loops (max: the window in row-major order, a cell winning when
 * it is greater; average: ((0 + a) + b + c + d) / 4; bilinear: lerp along x
 * on the two source rows, then along y, with the weights of the general
 * tables: 0.75 and 0.25 for a factor of 2), so the results are the same bit
 * for bit. The vector parts of the rows are the level's (ref_kern_body.h:
 * de-interleaving and interleaving with __builtin_shuffle); the ends of rows
 * are finished here with the scalar expressions. Rows of a large output are
 * written with non-temporal stores when aligned; rows are split over
 * cl_ref_threads() threads. The caller has allocated out (any contents:
 * every value is written).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ref_check.h"
#include "ref_simd.h"

/* ------------------------------------------------------------- pooling */

typedef struct pool_job {
    const cl_image *in;
    cl_image *out;
    int is_max;
} pool_job;

static void pool_slice(void *ctx, int lo, int hi)
{
    const pool_job *jb = ctx;
    const ref_kernels *kn = ref_kern();
    const cl_image *in = jb->in;
    cl_image *out = jb->out;
    const int ow = out->w;
    for (int item = lo; item < hi; item++) {
        const int b = item / out->h, y = item % out->h;
        const float *r0 = cl_px(in, b, 2 * y, 0, 0), *r1 = cl_px(in, b, 2 * y + 1, 0, 0);
        float *o = cl_px(out, b, y, 0, 0);
        for (int x = kn->pool2_row(r0, r1, o, ow, jb->is_max); x < ow; x++) {
            const float c[4] = {r0[2 * x], r0[2 * x + 1], r1[2 * x], r1[2 * x + 1]};
            float v = jb->is_max ? -INFINITY : 0.0f;
            for (int q = 0; q < 4; q++) {
                if (jb->is_max)
                    v = c[q] > v ? c[q] : v;
                else
                    v += c[q];
            }
            o[x] = jb->is_max ? v : v / 4.0f;
        }
    }
}

void ref_pool2x2_gray(const cl_image *in, int is_max, cl_image *out)
{
    pool_job jb = {in, out, is_max};
    ref_parallel_for(out->n * out->h, 8, cl_image_count(in), pool_slice, &jb);
}

/* ----------------------------------------------------------- upsampling */

typedef struct up_job {
    const cl_image *in;
    cl_image *out;
    int bilinear, stream;
    /* bilinear tables (ref_layers.c's bilinear_axis) */
    const int *y_lo, *y_hi, *x_lo, *x_hi;
    const float *ty, *tx;
} up_job;

/* 1 when stream stores may write at p (aligned to the level's vector). */
static int can_stream(const up_job *jb, const ref_kernels *kn, const float *p)
{
    return jb->stream && ((uintptr_t)p & ((uintptr_t)kn->vw * sizeof(float) - 1)) == 0;
}

/* Nearest x2: out(2y + d, 2x + e) = in(y, x); both output rows at once. */
static void nearest_slice(const up_job *jb, int lo, int hi)
{
    const ref_kernels *kn = ref_kern();
    const cl_image *in = jb->in;
    cl_image *out = jb->out;
    const int w = in->w;
    for (int item = lo; item < hi; item++) {
        const int b = item / in->h, y = item % in->h;
        const float *src = cl_px(in, b, y, 0, 0);
        float *d0 = cl_px(out, b, 2 * y, 0, 0), *d1 = cl_px(out, b, 2 * y + 1, 0, 0);
        const int stream = can_stream(jb, kn, d0) && can_stream(jb, kn, d1);
        for (int x = kn->up2_near_row(src, d0, d1, w, stream); x < w; x++)
            d0[2 * x] = d0[2 * x + 1] = d1[2 * x] = d1[2 * x + 1] = src[x];
    }
}

/* Bilinear x2, one or two output rows at a time: rows 2m+1 and 2m+2 both
 * read source rows m and m+1 (the tables say so), and are written in one
 * pass. The level's loop does the middle of the rows when the tables' x
 * weights are the factor-2 ones (0.75 even, 0.25 odd); the ends, and any
 * other case, take the general expression:
 *   top = r0[a] + (r0[z] - r0[a]) * tx, bot likewise on r1,
 *   out = top + (bot - top) * ty. */
static void bilinear_slice(const up_job *jb, int lo, int hi)
{
    const ref_kernels *kn = ref_kern();
    const cl_image *in = jb->in;
    cl_image *out = jb->out;
    const int ow = out->w, w = in->w, vw = kn->vw;
    const int *xl = jb->x_lo, *xh = jb->x_hi;
    const float *tx = jb->tx;
    const int x_ok = w >= 3 && tx[2] == 0.75f && tx[3] == 0.25f;
    for (int item = lo; item < hi; item++) {
        const int b = item / out->h, y = item % out->h;
        const int s0 = jb->y_lo[y], s1 = jb->y_hi[y];
        const int pair = item + 1 < hi && y + 1 < out->h && jb->y_lo[y + 1] == s0 &&
                         jb->y_hi[y + 1] == s1;
        const int last = pair ? y + 1 : y;
        const float *r0 = cl_px(in, b, s0, 0, 0), *r1 = cl_px(in, b, s1, 0, 0);
        float *o0 = cl_px(out, b, y, 0, 0), *o1 = cl_px(out, b, last, 0, 0);
        const float t0 = jb->ty[y], t1 = jb->ty[last];
        int from = ow, to = ow; /* the outputs the level's loop wrote: [from, to) */
        if (x_ok) {
            const int m = kn->up2_bil_rows(r0, r1, t0, t1, o0, o1, w,
                                           can_stream(jb, kn, o0) && can_stream(jb, kn, o1));
            if (m > vw / 2)
                from = vw, to = 2 * m;
        }
        for (int x = 0; x < ow; x++) {
            if (x == from)
                x = to;
            if (x >= ow)
                break;
            const int a = xl[x], z = xh[x];
            const float top = r0[a] + (r0[z] - r0[a]) * tx[x];
            const float bot = r1[a] + (r1[z] - r1[a]) * tx[x];
            o0[x] = top + (bot - top) * t0;
            o1[x] = top + (bot - top) * t1; /* the same row unless pair */
        }
        item = b * out->h + last;
    }
}

static void up_slice(void *ctx, int lo, int hi)
{
    const up_job *jb = ctx;
    if (jb->bilinear)
        bilinear_slice(jb, lo, hi);
    else
        nearest_slice(jb, lo, hi);
    if (jb->stream)
        ref_kern()->stream_fence();
}

void ref_up2_gray(const cl_image *in, const int *y_lo, const int *y_hi, const float *ty,
                  const int *x_lo, const int *x_hi, const float *tx, cl_image *out)
{
    up_job jb = {.in = in,
                 .out = out,
                 .bilinear = y_lo != NULL,
                 .stream = cl_image_count(out) * sizeof(float) >= REF_STREAM_BYTES,
                 .y_lo = y_lo,
                 .y_hi = y_hi,
                 .x_lo = x_lo,
                 .x_hi = x_hi,
                 .ty = ty,
                 .tx = tx};
    /* Nearest: one item per source row (two output rows); bilinear: one per
     * output row. */
    const int items = jb.bilinear ? out->n * out->h : in->n * in->h;
    ref_parallel_for(items, 8, cl_image_count(out), up_slice, &jb);
}
