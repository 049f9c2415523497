/* ref_simd.h -- private machinery of the fast reference (harness/ref_*.c):
 * threads over rows, the choice of vector width, the output-reuse switch and
 * the vectorised inner loops. Not part of the API.
 *
 * VECTORS
 *   The inner loops are written once, with GCC vector extensions
 *   (`float __attribute__((vector_size(N)))`), in ref_kern_body.h, and
 *   compiled three times by ref_kern.c: for AVX-512 (16 floats, 32 registers),
 *   AVX2 (8 floats) and the x86-64 baseline / any other CPU (4 floats, SSE2 or
 *   the compiler's scalar lowering). ref_simd_level() picks the widest one the
 *   CPU has, once (__builtin_cpu_supports); CONVLAB_SIMD=avx512|avx2|base in
 *   the environment forces a narrower one (tests run every level).
 *
 *   Products and sums are separate operations (ISO C mode: no contraction to
 *   fused multiply-adds), each output's sum starts at 0 and runs in the order
 *   of the plain loops (kernel row i, then column j, then input channel), so
 *   every level gives bit for bit the same result as the scalar loops.
 *
 * THREADS
 *   ref_parallel_for(n, grain, work, fn, ctx) calls fn(ctx, lo, hi) over
 *   contiguous slices of 0..n-1 on cl_ref_threads() threads (pthreads,
 *   created per call: the work items are whole rows of large images). With
 *   one thread, or a small job, fn runs inline. Worker threads never call
 *   cl_fail. Each output value is computed by one thread, with the same
 *   expression whatever the slicing: results do not depend on the count.
 *
 * FILES
 *   ref_parallel.c  threads, the level, output reuse, cl_ref_set_threads ...
 *   ref_kern.c      ref_kern_body.h compiled per level: the inner loops
 *   ref_moves.c     the 1-channel 2x2 pooling and x2 upsampling paths
 *   ref_windows.c, ref_borders.c, ref_layers.c   the reference functions
 */
#ifndef CONVLAB_REF_SIMD_H
#define CONVLAB_REF_SIMD_H

#include <stddef.h>

#include "convlab.h"

/* ------------------------------------------------------------- threads */

typedef void (*ref_range_fn)(void *ctx, int lo, int hi);

/* Runs fn over 0..n-1 split into at most cl_ref_threads() slices whose
 * bounds are multiples of `grain` (except the last), and returns when all
 * are done. `work` estimates the whole job in values read or multiply-adds:
 * below REF_THREAD_WORK it runs inline (starting a thread costs more). A
 * slice whose thread cannot be started runs on the caller's. */
#define REF_THREAD_WORK ((size_t)1 << 18)
void ref_parallel_for(int n, int grain, size_t work, ref_range_fn fn, void *ctx);

/* ------------------------------------------------------------- outputs */

/* Like cl_image_alloc(out, n, h, w, c), but when output reuse is on
 * (cl_ref_set_output_reuse) and out already holds an intact image of exactly
 * that shape whose pixels overlap none of the inputs a, b (either may be
 * NULL), keeps it with its pixels as they are: the caller must write every
 * one. Otherwise out becomes a fresh zero-filled image. */
int ref_output(cl_image *out, int n, int h, int w, int c, const cl_image *a, const cl_image *b);

/* -------------------------------------------------------------- vectors */

/* Outputs at least this large are written with non-temporal stores. */
#define REF_STREAM_BYTES ((size_t)16 << 20)

enum { REF_SIMD_BASE = 0, REF_SIMD_AVX2 = 1, REF_SIMD_AVX512 = 2 };
int ref_simd_level(void);

/* Valid correlation of flat rows (one call = one slice of output rows).
 *   out[r*out_rs + p] = sum_{i<kh, j<kw} in[(r*sy + i)*in_rs + p + j*dx] * k[i*kw + j]
 * for r < rows, p < n. For an NHWC image with C channels, a row is flat:
 * p = x*C + ch, dx = C. Requires (n-1) + (kw-1)*dx < in_rs's valid width. */
typedef struct ref_corr_args {
    const float *in;
    ptrdiff_t in_rs;
    int sy;
    const float *k;
    int kh, kw, dx;
    float *out;
    ptrdiff_t out_rs;
    int rows, n;
} ref_corr_args;

/* Direct NHWC conv2d of output rows of one (already zero-padded) image.
 *   out[y][x][o] = sum_{i,j,c} in[(y*sy+i)][(x*sx+j)][c] * w[((i*kw+j)*cin+c)*cop + o]
 *                  (+ bias[o] afterwards when bias != NULL)
 * for y in y0..y1-1, x < ow, o < cout; in has in_w pixels per row; w is
 * packed with cop (cout rounded up to a multiple of 16) floats per row, the
 * padding lanes zero; w is 64-byte aligned. */
typedef struct ref_conv_args {
    const float *in;
    int in_w, cin, sy, sx, kh, kw;
    const float *w;
    int cop;
    const float *bias;
    float *out;
    int ow, cout;
    int y0, y1;
} ref_conv_args;

/* The loops of one vector level (ref_kern_body.h). The row functions of
 * the pooling and upsampling do the vector part of a row and return how far
 * they got; the caller finishes the row with the same scalar expression.
 * With `stream`, the stores are non-temporal and the output pointers must be
 * aligned to vw floats; stream_fence() orders them before returning. */
typedef struct ref_kernels {
    const char *name; /* "base", "avx2", "avx512" */
    int vw;           /* floats per vector */
    void (*corr)(const ref_corr_args *a);
    void (*conv)(const ref_conv_args *a);
    /* 2x2 stride-2 pooling: out row o (ow values) from source rows r0, r1 */
    int (*pool2_row)(const float *r0, const float *r1, float *o, int ow, int is_max);
    /* nearest x2: source row src (w values) into output rows d0, d1 */
    int (*up2_near_row)(const float *src, float *d0, float *d1, int w, int stream);
    /* bilinear x2 of output rows o0 (weight t0) and o1 (t1; o1 may be o0)
     * from source rows r0, r1: outputs vw .. 2M-1; returns M */
    int (*up2_bil_rows)(const float *r0, const float *r1, float t0, float t1, float *o0,
                        float *o1, int w, int stream);
    void (*stream_fence)(void);
} ref_kernels;

extern const ref_kernels ref_kernels_base, ref_kernels_avx2, ref_kernels_avx512;

/* The kernels of ref_simd_level(). */
const ref_kernels *ref_kern(void);

/* ref_moves.c: 2x2 stride-2 pooling and x2 upsampling of 1-channel images
 * into an allocated out. ref_up2_gray is nearest when y_lo is NULL, else
 * bilinear with the tables of ref_layers.c's bilinear_axis. */
void ref_pool2x2_gray(const cl_image *in, int is_max, cl_image *out);
void ref_up2_gray(const cl_image *in, const int *y_lo, const int *y_hi, const float *ty,
                  const int *x_lo, const int *x_hi, const float *tx, cl_image *out);

#endif /* CONVLAB_REF_SIMD_H */
