/* compare.c -- element-wise comparison of two images of the same shape with
 * an absolute and a relative tolerance, recording the first mismatch (in
 * index order) and the largest error: what the tests and the grader use to
 * say "at (b, y, x, ch) you have ..., it should be ...".
 */
#include "convlab.h"

#include <math.h>

/* |got - expected| as used for the largest error: infinite when the values
 * differ and one of them is not finite, 0 for two equal infinities. */
static double abs_err(float e, float g)
{
    if (isfinite(e) && isfinite(g))
        return fabs((double)g - (double)e);
    if (!isnan(e) && !isnan(g) && e == g)
        return 0.0;
    return INFINITY;
}

/* 1 when got is outside the tolerance around expected. NaN in got always
 * counts; an infinity matches only the same infinity. */
static int mismatch(float e, float g, double atol, double rtol)
{
    if (isnan(g) || isnan(e))
        return 1;
    if (isinf(e) || isinf(g))
        return e != g;
    return fabs((double)g - (double)e) > atol + rtol * fabs((double)e);
}

static void set_coords(cl_compare_result *r, const cl_image *im, size_t i)
{
    size_t c = (size_t)im->c, w = (size_t)im->w, h = (size_t)im->h;
    r->ch = (int)(i % c);
    r->x = (int)(i / c % w);
    r->y = (int)(i / c / w % h);
    r->b = (int)(i / c / w / h);
}

int cl_compare(const cl_image *expected, const cl_image *got, float atol, float rtol,
               cl_compare_result *r)
{
    if (r == NULL)
        return cl_fail(CL_E_ARG, "compare: result is NULL");
    *r = (cl_compare_result){.first = -1, .max_at = -1};
    int st = cl_image_check(expected, "expected image");
    if (st == CL_OK)
        st = cl_image_check(got, "image to compare");
    if (st != CL_OK)
        return st;
    if (!(atol >= 0.0f) || !(rtol >= 0.0f))
        return cl_fail(CL_E_ARG, "compare: tolerances must be >= 0, got atol=%g rtol=%g",
                       (double)atol, (double)rtol);
    if (expected->n != got->n || expected->h != got->h || expected->w != got->w ||
        expected->c != got->c) {
        return cl_fail(CL_E_SHAPE, "shapes differ: expected %dx%dx%dx%d (NxHxWxC), got %dx%dx%dx%d",
                       expected->n, expected->h, expected->w, expected->c, got->n, got->h,
                       got->w, got->c);
    }
    size_t count = cl_image_count(expected);
    r->count = count;
    for (size_t i = 0; i < count; i++) {
        float e = expected->data[i], g = got->data[i];
        double err = abs_err(e, g);
        if (err > r->max_abs_err) {
            r->max_abs_err = err;
            r->max_at = (long)i;
        }
        if (!mismatch(e, g, atol, rtol))
            continue;
        if (r->mismatches++ == 0) {
            r->first = (long)i;
            r->expected = e;
            r->got = g;
            set_coords(r, expected, i);
        }
    }
    return CL_OK;
}
