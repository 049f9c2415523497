/* sizes.c -- THE output-size helpers (every other place calls these): output
 * size and padding of a correlation along one axis, output size of a
 * transposed convolution, and where a coordinate outside the image reads
 * from under each border rule (numpy.pad semantics, any pad width).
 *
 * Arithmetic is done in 64 bits, so any int arguments are safe; a result that
 * does not fit in an int is CL_E_TOOBIG.
 */
#include "convlab.h"

#include <limits.h>

static int check_axis(int in, int k, int stride)
{
    if (in < 1)
        return cl_fail(CL_E_ARG, "input size must be >= 1, got %d", in);
    if (k < 1)
        return cl_fail(CL_E_ARG, "kernel size must be >= 1, got %d", k);
    if (stride < 1)
        return cl_fail(CL_E_ARG, "stride must be >= 1, got %d", stride);
    return CL_OK;
}

static int fit_int(long long size, const char *what)
{
    if (size > INT_MAX)
        return cl_fail(CL_E_TOOBIG, "%s output size %lld does not fit in an int", what, size);
    return (int)size;
}

int cl_output_size(int in, int k, int stride, cl_mode mode)
{
    int st = check_axis(in, k, stride);
    if (st != CL_OK)
        return st;
    long long i = in, kk = k, s = stride;
    switch (mode) {
    case CL_MODE_VALID:
        if (in < k)
            return cl_fail(CL_E_SHAPE,
                           "kernel size k=%d is larger than the input size %d in valid mode", k,
                           in);
        return (int)((i - kk) / s + 1);
    case CL_MODE_SAME:
        return (int)((i + s - 1) / s);
    case CL_MODE_FULL:
        return fit_int((i + kk - 2) / s + 1, "full-mode");
    default:
        return cl_fail(CL_E_ARG, "unknown mode %d (expected valid, same or full)", (int)mode);
    }
}

int cl_pad_amounts(int in, int k, int stride, cl_mode mode, int *before, int *after)
{
    int b = 0, a = 0;
    int out = cl_output_size(in, k, stride, mode);
    if (out < 0) {
        if (before)
            *before = 0;
        if (after)
            *after = 0;
        return out;
    }
    if (mode == CL_MODE_SAME) {
        long long total = (long long)(out - 1) * stride + k - in;
        if (total < 0)
            total = 0;
        b = (int)(total / 2);
        a = (int)(total - b);
    } else if (mode == CL_MODE_FULL) {
        b = a = k - 1;
    }
    if (before)
        *before = b;
    if (after)
        *after = a;
    return CL_OK;
}

int cl_transpose_output_size(int in, int k, int stride, cl_mode mode, int *offset)
{
    if (offset)
        *offset = 0;
    int st = check_axis(in, k, stride);
    if (st != CL_OK)
        return st;
    long long i = in, kk = k, s = stride;
    switch (mode) {
    case CL_MODE_VALID:
        return fit_int((i - 1) * s + (kk > s ? kk : s), "transposed valid-mode");
    case CL_MODE_SAME:
        if (offset)
            *offset = (int)((kk > s ? kk - s : 0) / 2);
        return fit_int(i * s, "transposed same-mode");
    case CL_MODE_FULL:
        return cl_fail(CL_E_ARG, "mode full is not allowed for a transposed convolution "
                                 "(expected valid or same)");
    default:
        return cl_fail(CL_E_ARG, "unknown mode %d (expected valid or same)", (int)mode);
    }
}

/* p mod m in 0..m-1 for any sign of p (m >= 1). */
static long long pos_mod(long long p, long long m)
{
    long long r = p % m;
    return r < 0 ? r + m : r;
}

int cl_border_index(int p, int n, cl_border border)
{
    if (n < 1 || (unsigned)border > (unsigned)CL_BORDER_WRAP)
        return -1;
    if (p >= 0 && p < n)
        return p;
    long long nn = n, q;
    switch (border) {
    case CL_BORDER_ZERO:
        return -1;
    case CL_BORDER_REPLICATE:
        return p < 0 ? 0 : n - 1;
    case CL_BORDER_REFLECT: /* numpy 'symmetric': period 2n, edge repeated */
        q = pos_mod(p, 2 * nn);
        return (int)(q < nn ? q : 2 * nn - 1 - q);
    case CL_BORDER_REFLECT101: /* numpy 'reflect': period 2n-2, edge not repeated */
        if (n == 1)
            return 0;
        q = pos_mod(p, 2 * nn - 2);
        return (int)(q < nn ? q : 2 * nn - 2 - q);
    case CL_BORDER_WRAP:
        return (int)pos_mod(p, nn);
    default:
        return -1;
    }
}
