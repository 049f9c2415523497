/* feedback_internal.h -- what the files of the feedback module share
 * (private to the library, like internal.h; names end with an underscore).
 *
 * The module (contract: feedback.h) is split by concern:
 *   feedback.c          cl_feedback_check and the message: the text and shape
 *                       helpers below, the perflab lines, the order of lines;
 *   feedback_diagnose.c the tags and their sentences, the evidence found in
 *                       the data, the precomputed mistakes, cl_fb_diagnose_;
 *   feedback_size.c     why an output has the wrong size (which formula gives
 *                       it), cl_fb_diagnose_size_;
 *   feedback_picture.c  the PNG (cl_feedback_picture, cl_fb_write_picture_);
 *   feedback_font.c     the 5x7 font of the picture's labels.
 *
 * A diagnosis is written into the verdict (v->tag, v->diagnosis) before the
 * message is composed from the verdict; nothing here prints or exits.
 */
#ifndef CONVLAB_FEEDBACK_INTERNAL_H
#define CONVLAB_FEEDBACK_INTERNAL_H

#include "feedback.h"

#include <math.h>
#include <stddef.h>

#if defined(__GNUC__)
#define CL_FB_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#else
#define CL_FB_PRINTF_(f, a)
#endif

/* ------------------------------------------------ feedback.c: helpers */

/* A bounded string being appended to; never overflows, always terminated. */
typedef struct cl_fb_text_ {
    char *buf;
    size_t size, len;
} cl_fb_text_;

/* An empty text writing into buf (size >= 1). */
cl_fb_text_ cl_fb_text_on_(char *buf, size_t size);

/* Appends printf-style; what does not fit is cut off. */
void cl_fb_text_add_(cl_fb_text_ *t, const char *fmt, ...) CL_FB_PRINTF_(2, 3);

/* The tolerance of a check: |got - expected| <= atol + rtol*|expected|. */
typedef struct cl_fb_tol_ {
    double atol, rtol;
} cl_fb_tol_;

/* The tolerance of chk. */
cl_fb_tol_ cl_fb_check_tol_(const cl_check *chk);

/* 1 when g is within the tolerance around e (cl_compare's rule: NaN never
 * matches, an infinity matches only itself). Inline: called per value. */
static inline int cl_fb_close_to_(float e, float g, cl_fb_tol_ t)
{
    if (isnan(e) || isnan(g))
        return 0;
    if (isinf(e) || isinf(g))
        return e == g;
    return fabs((double)g - (double)e) <= t.atol + t.rtol * fabs((double)e);
}

/* The value at (b, y, x, ch). */
static inline float cl_fb_at_(const cl_image *im, int b, int y, int x, int ch)
{
    return *cl_px(im, b, y, x, ch);
}

/* 1 when a and b have the same n, h, w and c. */
int cl_fb_same_shape_(const cl_image *a, const cl_image *b);

/* 1 when im holds pixels; unlike cl_image_check it records no message. */
int cl_fb_usable_(const cl_image *im);

/* "5x5" (wide 0 and c = 1), "5x5x3" (wide <= 1), "2x5x5x3" (wide 2), into buf. */
const char *cl_fb_shape_words_(const cl_image *im, int wide, char *buf, size_t size);

/* 0, 1 or 2: how many axes the shapes of a and b (b may be NULL) need to be
 * told apart, for cl_fb_shape_words_. */
int cl_fb_shape_width_(const cl_image *a, const cl_image *b);

/* ------------------------------------- feedback_diagnose.c: diagnoses */

/* Sets v->tag and v->diagnosis (printf-style). */
void cl_fb_set_diag_(cl_verdict *v, const char *tag, const char *fmt, ...) CL_FB_PRINTF_(3, 4);

/* Sets v->tag to tag and v->diagnosis to its sentence (cl_mistake_sentence). */
void cl_fb_set_tag_sentence_(cl_verdict *v, const char *tag);

/* 1 when got(b, y, x, ch) matches exp(b, x, y, ch) everywhere (got has exp's
 * shape with h and w swapped, both at least 2). */
int cl_fb_transposed_matches_(const cl_image *exp, const cl_image *got, cl_fb_tol_ t);

/* Fills v->tag and v->diagnosis from the first evidence that holds (see
 * feedback_diagnose.c for the order); leaves them "" when none does. got
 * is usable; same says whether it has the expected shape (then v->cmp is
 * filled). */
void cl_fb_diagnose_(const cl_check *chk, const cl_image *got, int same, cl_verdict *v);

/* ------------------------------------- feedback_size.c: wrong sizes */

/* Explains an output of the wrong shape (got usable, not the expected
 * shape): transposed, or the formula that gives its size, from chk->size. */
void cl_fb_diagnose_size_(const cl_check *chk, const cl_image *got, cl_verdict *v);

/* ------------------------------------- feedback_picture.c: the PNG */

/* Draws the picture of a failed check into chk->picture_path (when set and
 * the expected output is an image of at least 2x2): the image of the batch
 * where the first wrong value is. Sets v->picture when the PNG was written. */
void cl_fb_write_picture_(const cl_check *chk, const cl_image *got, int same, cl_verdict *v);

#endif /* CONVLAB_FEEDBACK_INTERNAL_H */
