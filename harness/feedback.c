/* feedback.c -- failure messages that teach (see feedback.h for the
 * contract): cl_feedback_check and the message it composes. The evidence
 * behind the "Likely cause" line lives in feedback_diagnose.c (and
 * feedback_size.c for wrong sizes), the picture in feedback_picture.c;
 * feedback_internal.h says what they share.
 *
 * A failed check reads, one line each, in this order:
 *
 *     im_conv: at row 3, column 7: you have 12.5, it should be 14.
 *     37 of 1200 values are wrong; the largest error is 0.5 (tolerance 1e-05
 *       + 1e-05 x |expected|).   <- one line in the message
 *     Likely cause: your result matches the kernel flipped in both axes: ...
 *     See the picture: build/feedback/a1.im_conv.cat_gaussian.png
 *
 * A wrong size replaces the first two lines by "im_conv: your output is 5x5,
 * it should be 3x3 (rows x columns).", a missing output (got NULL or empty:
 * the student's function failed) by "you returned no output"; both are
 * failed verdicts, not errors. The line "Likely cause" appears only when
 * some evidence holds (cl_fb_diagnose_), "See the picture" only when the
 * PNG was written (cl_fb_write_picture_).
 *
 * Sections: text and shape helpers, the message, cl_feedback_check.
 */
#include "feedback_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ===================================================== text and shapes */
/* (documented in feedback_internal.h) */

cl_fb_text_ cl_fb_text_on_(char *buf, size_t size)
{
    buf[0] = '\0';
    return (cl_fb_text_){buf, size, 0};
}

void cl_fb_text_add_(cl_fb_text_ *t, const char *fmt, ...)
{
    if (t->len + 1 >= t->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    t->len += (size_t)n;
    if (t->len >= t->size)
        t->len = t->size - 1;
}

cl_fb_tol_ cl_fb_check_tol_(const cl_check *chk)
{
    return (cl_fb_tol_){chk->atol, chk->rtol};
}

int cl_fb_same_shape_(const cl_image *a, const cl_image *b)
{
    return a->n == b->n && a->h == b->h && a->w == b->w && a->c == b->c;
}

int cl_fb_usable_(const cl_image *im)
{
    return im != NULL && im->data != NULL && im->n >= 1 && im->h >= 1 && im->w >= 1 &&
           im->c >= 1;
}

const char *cl_fb_shape_words_(const cl_image *im, int wide, char *buf, size_t size)
{
    if (wide == 0 && im->c == 1)
        snprintf(buf, size, "%dx%d", im->h, im->w);
    else if (wide < 2)
        snprintf(buf, size, "%dx%dx%d", im->h, im->w, im->c);
    else
        snprintf(buf, size, "%dx%dx%dx%d", im->n, im->h, im->w, im->c);
    return buf;
}

int cl_fb_shape_width_(const cl_image *a, const cl_image *b)
{
    if (a->n > 1 || (b != NULL && b->n != a->n))
        return 2;
    return (a->c > 1 || (b != NULL && b->c != a->c)) ? 1 : 0;
}

static const char *const shape_legends[3] = {"(rows x columns)", "(rows x columns x channels)",
                                             "(images x rows x columns x channels)"};

/* ========================================================== the message */

/* "at row 3, column 7 (channel 1)", with "image b" for batches. */
static void where_words(cl_fb_text_ *t, const cl_image *exp, const cl_compare_result *r)
{
    cl_fb_text_add_(t, "at ");
    if (exp->n > 1)
        cl_fb_text_add_(t, "image %d, ", r->b);
    cl_fb_text_add_(t, "row %d, column %d", r->y, r->x);
    if (exp->c > 1)
        cl_fb_text_add_(t, " (channel %d)", r->ch);
}

static void tolerance_words(cl_fb_text_ *t, double atol, double rtol)
{
    if (atol == 0.0 && rtol == 0.0)
        cl_fb_text_add_(t, "exact comparison");
    else if (rtol == 0.0)
        cl_fb_text_add_(t, "tolerance %g", atol);
    else if (atol == 0.0)
        cl_fb_text_add_(t, "tolerance %g x |expected|", rtol);
    else
        cl_fb_text_add_(t, "tolerance %g + %g x |expected|", atol, rtol);
}

/* The perflab sentence at the first wrong value, and the count and largest
 * error against the tolerance. */
static void values_lines(cl_fb_text_ *t, const cl_check *chk, const cl_verdict *v)
{
    const cl_compare_result *r = &v->cmp;
    where_words(t, chk->expected, r);
    cl_fb_text_add_(t, ": you have %.6g, it should be %.6g.\n", (double)r->got,
                    (double)r->expected);
    cl_fb_text_add_(t, "%zu of %zu value%s %s wrong; the largest error is ", r->mismatches,
                    r->count, r->count == 1 ? "" : "s", r->mismatches == 1 ? "is" : "are");
    if (isinf(r->max_abs_err))
        cl_fb_text_add_(t, "infinite (NaN or inf)");
    else
        cl_fb_text_add_(t, "%.6g", r->max_abs_err);
    cl_fb_text_add_(t, " (");
    tolerance_words(t, chk->atol, chk->rtol);
    cl_fb_text_add_(t, ").\n");
}

/* The whole message from the verdict (diagnosis and picture already set). */
static void compose(const cl_check *chk, const cl_image *got, int same, cl_verdict *v)
{
    cl_fb_text_ t = cl_fb_text_on_(v->message, sizeof v->message);
    const cl_image *exp = chk->expected;
    char a[64], b[64];
    if (chk->function != NULL && chk->function[0] != '\0')
        cl_fb_text_add_(&t, "%s: ", chk->function);
    if (!cl_fb_usable_(got)) {
        int wide = cl_fb_shape_width_(exp, NULL);
        cl_fb_text_add_(&t,
                        "you returned no output (the result is empty); it should be %s %s.\n",
                        cl_fb_shape_words_(exp, wide, a, sizeof a), shape_legends[wide]);
    } else if (!same) {
        int wide = cl_fb_shape_width_(exp, got);
        cl_fb_text_add_(&t, "your output is %s, it should be %s %s.\n",
                        cl_fb_shape_words_(got, wide, a, sizeof a),
                        cl_fb_shape_words_(exp, wide, b, sizeof b), shape_legends[wide]);
    } else {
        values_lines(&t, chk, v);
    }
    if (v->diagnosis[0] != '\0')
        cl_fb_text_add_(&t, "Likely cause: %s\n", v->diagnosis);
    if (v->picture[0] != '\0' && same && exp->n > 1)
        cl_fb_text_add_(&t, "See the picture of image %d: %s\n", v->cmp.b, v->picture);
    else if (v->picture[0] != '\0')
        cl_fb_text_add_(&t, "See the picture: %s\n", v->picture);
    if (t.len > 0 && t.buf[t.len - 1] == '\n')
        t.buf[--t.len] = '\0';
    if (chk->function == NULL || chk->function[0] == '\0')
        t.buf[0] = (char)toupper((unsigned char)t.buf[0]);
}

/* ==================================================== cl_feedback_check */

int cl_feedback_check(const cl_check *chk, const cl_image *got, cl_verdict *v)
{
    if (v == NULL)
        return cl_fail(CL_E_ARG, "feedback: verdict is NULL");
    memset(v, 0, sizeof *v);
    v->cmp.first = v->cmp.max_at = -1;
    if (chk == NULL)
        return cl_fail(CL_E_ARG, "feedback: check is NULL");
    int st = cl_image_check(chk->expected, "expected image");
    if (st != CL_OK)
        return st;
    if (!(chk->atol >= 0.0f) || !(chk->rtol >= 0.0f) || chk->nmistakes < 0)
        return cl_fail(CL_E_ARG,
                       "feedback: tolerances must be >= 0 (atol=%g rtol=%g) and "
                       "nmistakes >= 0 (%d)",
                       (double)chk->atol, (double)chk->rtol, chk->nmistakes);
    int same = cl_fb_usable_(got) && cl_fb_same_shape_(chk->expected, got);
    if (same) {
        st = cl_compare(chk->expected, got, chk->atol, chk->rtol, &v->cmp);
        if (st != CL_OK)
            return st;
        if (v->cmp.mismatches == 0) {
            v->passed = 1;
            return CL_OK;
        }
    }
    if (cl_fb_usable_(got))
        cl_fb_diagnose_(chk, got, same, v);
    cl_fb_write_picture_(chk, got, same, v);
    compose(chk, got, same, v);
    return CL_OK;
}
