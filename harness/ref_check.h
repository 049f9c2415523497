/* ref_check.h -- private helpers shared by the reference files (harness/ref_*.c).
 *
 * Not part of the API: only ref_windows.c, ref_borders.c and ref_layers.c
 * include it. It holds the argument checks every reference function runs
 * before it touches `out`, and declares the one valid-correlation loop that
 * im_conv and im_conv_opts share.
 *
 * CONVENTIONS
 *   Each check returns CL_OK or a negative cl_status whose message (see
 *   cl_last_error) names the argument, e.g. "stride sy must be >= 1, got 0".
 *   Argument names in messages: "image" (img), "input" (in), "kernel",
 *   "weights" (w), "opts", "out", and the integer parameters by their
 *   meaning and their name ("stride sy", "pool height ph", "factor fy").
 *
 *   A reference function first checks `out` with ref_check_out (NULL, or the
 *   same struct as an input: both returned as is), then the other arguments;
 *   on any later failure it returns ref_reject(out, status), which leaves
 *   out empty ({0}) as reference.h promises, whatever out held before (the
 *   same rule as cl_image_alloc).
 */
#ifndef CONVLAB_REF_CHECK_H
#define CONVLAB_REF_CHECK_H

#include "convlab.h"

/* Frees out (safe on NULL and on an empty image) and returns status. */
static inline int ref_reject(cl_image *out, int status)
{
    cl_image_free(out);
    return status;
}

/* out must be non-NULL and must not be one of the inputs a and b (either may
 * be NULL): the result is allocated before the inputs are read. */
static inline int ref_check_out(const cl_image *out, const cl_image *a, const cl_image *b)
{
    if (out == NULL)
        return cl_fail(CL_E_ARG, "out is NULL");
    if (out == a || out == b)
        return cl_fail(CL_E_ARG, "out must not be one of the inputs");
    return CL_OK;
}

/* An allocated image with n == 1 (a single image, any channels). */
static inline int ref_check_single(const cl_image *im, const char *what)
{
    int st = cl_image_check(im, what);
    if (st != CL_OK)
        return st;
    if (im->n != 1)
        return cl_fail(CL_E_SHAPE, "%s must be a single image (n = 1), got a batch of %d", what,
                       im->n);
    return CL_OK;
}

/* A 2-D kernel: an allocated image with n == 1 and c == 1. */
static inline int ref_check_kernel(const cl_image *k, const char *what)
{
    int st = cl_image_check(k, what);
    if (st != CL_OK)
        return st;
    if (k->n != 1 || k->c != 1)
        return cl_fail(CL_E_SHAPE, "%s must be a 2-D kernel (n = 1, c = 1), got n = %d, c = %d",
                       what, k->n, k->c);
    return CL_OK;
}

/* A size, stride, factor or pool size that must be >= 1. */
static inline int ref_check_positive(int v, const char *what)
{
    if (v < 1)
        return cl_fail(CL_E_ARG, "%s must be >= 1, got %d", what, v);
    return CL_OK;
}

/* A kh x kw window inside an h x w image, for valid mode. */
static inline int ref_check_fits(int kh, int kw, int h, int w, const char *what)
{
    if (kh > h || kw > w)
        return cl_fail(CL_E_SHAPE, "%s (%dx%d) is larger than the image (%dx%d) in valid mode",
                       what, kh, kw, h, w);
    return CL_OK;
}

static inline int ref_check_mode(cl_mode m, const char *what)
{
    if ((int)m < CL_MODE_VALID || (int)m > CL_MODE_FULL)
        return cl_fail(CL_E_ARG, "%s: unknown mode %d (expected valid, same or full)", what,
                       (int)m);
    return CL_OK;
}

/* The padding of a layer: VALID or SAME only. */
static inline int ref_check_layer_padding(cl_mode m)
{
    if ((int)m != CL_MODE_VALID && (int)m != CL_MODE_SAME)
        return cl_fail(CL_E_ARG, "padding must be valid or same for a layer, got %s (%d)",
                       cl_mode_name(m), (int)m);
    return CL_OK;
}

static inline int ref_check_border(cl_border b, const char *what)
{
    if ((int)b < CL_BORDER_ZERO || (int)b > CL_BORDER_WRAP)
        return cl_fail(CL_E_ARG,
                       "%s: unknown border %d (expected zero, replicate, reflect, reflect101 "
                       "or wrap)",
                       what, (int)b);
    return CL_OK;
}

/* Valid cross-correlation with stride of every channel of the single image
 * in (1 x H x W x C) with the 2-D kernel k, into out, which the caller has
 * allocated as 1 x OH x OW x C (any contents: every value is written) with
 * (OH-1)*sy + kh <= H and (OW-1)*sx + kw <= W:
 *     out(y, x, ch) = sum over i, j of in(y*sy + i, x*sx + j, ch) * k(i, j)
 * Sums are kept in float, in the order i then j (row-major over the kernel).
 * Vectorised and split over cl_ref_threads() threads by output rows
 * (ref_simd.h). No checks: the callers have made them. Defined in
 * ref_windows.c. */
void ref_correlate_valid_(const cl_image *in, const cl_image *k, int sy, int sx, cl_image *out);

#endif /* CONVLAB_REF_CHECK_H */
