/* feedback.c -- failure messages that teach, and pictures of what went wrong
 * (see feedback.h for the contract).
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
 * some evidence holds, "See the picture" only when the PNG was written.
 * The diagnosis comes from the first evidence that holds, in this order:
 *   1. a precomputed mistake (chk->mistakes) whose output got matches, with
 *      the tolerance of the check (a border rule is reported together with
 *      "only the border is wrong" when that holds too);
 *   2. evidence in the data: wrong size (and which formula gives it),
 *      all zeros, transposed, shifted down/up/right/left by 1 or 2,
 *      channels swapped, truncated, clipped, only the border wrong.
 * Data evidence needs at least three distinct expected values where a
 * constant image would match trivially; when nothing holds there is no
 * diagnosis line.
 *
 * The picture puts input | expected | yours | difference side by side on a
 * light-grey background, each under a two-line label drawn with the 5x7
 * font of feedback_font.c ("EXPECTED" / "4x3"). Panels are enlarged by an
 * integer factor (nearest neighbour) until the expected one is 96 px on its
 * smaller side, or subsampled so the picture stays under 2000 px wide.
 * Expected and yours share one grey scale (0..255 as is for 8-bit-like
 * values, else the expected min..max, widened to yours when yours stays
 * near it), so a wrong result looks different. The difference is a heat
 * map of sqrt(|error| / largest error): black, dark red, red, yellow,
 * white; a value outside the tolerance is at least dark red.
 *
 * Sections: text and tolerance helpers, sentences, evidence in the data,
 * wrong sizes, the message, the picture, cl_feedback_check.
 */
#include "feedback.h"
#include "feedback_font.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ============================================================== helpers */

/* A bounded string being appended to; never overflows, always terminated. */
typedef struct text {
    char *buf;
    size_t size, len;
} text;

static text text_on(char *buf, size_t size)
{
    buf[0] = '\0';
    return (text){buf, size, 0};
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void text_add(text *t, const char *fmt, ...)
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

/* The tolerance of a check: |got - expected| <= atol + rtol*|expected|. */
typedef struct tol {
    double atol, rtol;
} tol;

/* 1 when g is within the tolerance around e (cl_compare's rule: NaN never
 * matches, an infinity matches only itself). */
static int close_to(float e, float g, tol t)
{
    if (isnan(e) || isnan(g))
        return 0;
    if (isinf(e) || isinf(g))
        return e == g;
    return fabs((double)g - (double)e) <= t.atol + t.rtol * fabs((double)e);
}

static float at(const cl_image *im, int b, int y, int x, int ch)
{
    return *cl_px(im, b, y, x, ch);
}

static int same_shape(const cl_image *a, const cl_image *b)
{
    return a->n == b->n && a->h == b->h && a->w == b->w && a->c == b->c;
}

/* 1 when im holds pixels; unlike cl_image_check it records no message. */
static int usable(const cl_image *im)
{
    return im != NULL && im->data != NULL && im->n >= 1 && im->h >= 1 && im->w >= 1 &&
           im->c >= 1;
}

/* 1 when every value of got is within the tolerance around ref. */
static int all_close(const cl_image *ref, const cl_image *got, tol t)
{
    size_t count = cl_image_count(ref);
    for (size_t i = 0; i < count; i++)
        if (!close_to(ref->data[i], got->data[i], t))
            return 0;
    return 1;
}

/* The number of distinct values of im, counting no further than limit (<= 8). */
static int distinct_upto(const cl_image *im, int limit)
{
    float seen[8];
    int n = 0;
    size_t count = cl_image_count(im);
    for (size_t i = 0; i < count && n < limit && n < 8; i++) {
        int found = 0;
        for (int j = 0; j < n && !found; j++)
            found = seen[j] == im->data[i];
        if (!found)
            seen[n++] = im->data[i];
    }
    return n;
}

/* "5x5" (n = c = 1), "5x5x3" (n = 1), "2x5x5x3"; wide = 1 forces the last two. */
static const char *shape_words(const cl_image *im, int wide, char *buf, size_t size)
{
    if (wide == 0 && im->c == 1)
        snprintf(buf, size, "%dx%d", im->h, im->w);
    else if (wide < 2)
        snprintf(buf, size, "%dx%dx%d", im->h, im->w, im->c);
    else
        snprintf(buf, size, "%dx%dx%dx%d", im->n, im->h, im->w, im->c);
    return buf;
}

/* 0, 1 or 2: how many axes the shapes of a and b need to be told apart. */
static int shape_width(const cl_image *a, const cl_image *b)
{
    if (a->n > 1 || (b != NULL && b->n != a->n))
        return 2;
    return (a->c > 1 || (b != NULL && b->c != a->c)) ? 1 : 0;
}

static const char *const shape_legends[3] = {"(rows x columns)", "(rows x columns x channels)",
                                             "(images x rows x columns x channels)"};

/* ============================================================ sentences */

#define TAIL_REFLECT                                                                           \
    "the reflect rule: reflect101 mirrors WITHOUT repeating the edge pixel (c b | a b c), "    \
    "reflect repeats it (b a | a b c)."
#define TAIL_REFLECT101                                                                        \
    "the reflect101 rule: reflect mirrors WITH the edge pixel repeated (b a | a b c), "        \
    "reflect101 does not repeat it (c b | a b c)."
#define TAIL_ZERO                                                                              \
    "the zero rule (0 0 | a b c): you read 0 outside the image, but this case uses another "   \
    "border rule."
#define TAIL_REPLICATE                                                                         \
    "the replicate rule (a a | a b c): you repeated the edge pixel, but this case uses "       \
    "another border rule."
#define TAIL_WRAP                                                                              \
    "the wrap rule (b c | a b c): you wrapped around to the other side, but this case uses "   \
    "another border rule."

/* A tag, its sentence, and for border rules the part after "matches ". */
typedef struct tag_sentence {
    const char *tag;
    const char *sentence;
    const char *border_tail;
} tag_sentence;

static const tag_sentence sentences[] = {
    /* found in the data */
    {"shifted-down",
     "your result is the expected one moved down by 1 row: you have at (y, x) what belongs at "
     "(y - 1, x); a row index is off (check y + i and the padding at the top).",
     NULL},
    {"shifted-up",
     "your result is the expected one moved up by 1 row: you have at (y, x) what belongs at "
     "(y + 1, x); a row index is off (check y + i and the padding at the top).",
     NULL},
    {"shifted-right",
     "your result is the expected one moved right by 1 column: you have at (y, x) what belongs "
     "at (y, x - 1); a column index is off (check x + j and the padding on the left).",
     NULL},
    {"shifted-left",
     "your result is the expected one moved left by 1 column: you have at (y, x) what belongs "
     "at (y, x + 1); a column index is off (check x + j and the padding on the left).",
     NULL},
    {"transposed",
     "your result is the expected one transposed (rows and columns swapped): row y, column x "
     "is data[(y*w + x)*c + ch]; check that y goes with the height and x with the width.",
     NULL},
    {"all-zeros",
     "every value you returned is 0: the results never reached out (cl_image_alloc fills it "
     "with zeros); check that you store each result in out->data.",
     NULL},
    {"truncated",
     "your values are the expected ones with the fraction cut off: a sum or a result went "
     "through an int; keep it a float.",
     NULL},
    {"clipped",
     "your values are clipped to 0..255, but the expected result leaves that range: a "
     "correlation can be negative or above 255; clip only when converting to 8 bits "
     "(to_uint8).",
     NULL},
    {"channels-swapped",
     "your channels come out in another order (RGB reversed to BGR is the common case): "
     "channels are the last axis, index ((b*h + y)*w + x)*c + ch; check which channel you read "
     "and which you write.",
     NULL},
    {"border-only",
     "only the border is wrong, the inside is right: the values read outside the image (the "
     "padding) follow the wrong border rule or the wrong amounts.",
     NULL},
    {"wrong-size",
     "your output has the wrong size: compute it with this operation's output-size formula "
     "(see the comment above the function).",
     NULL},
    /* precomputed outputs of known mistakes */
    {"kernel-flipped",
     "your result matches the kernel flipped in both axes: im_conv is a cross-correlation, it "
     "does not flip the kernel (only true convolution does).",
     NULL},
    {"kernel-not-flipped",
     "true convolution flips the kernel in both axes before correlating: use flip_kernel.",
     NULL},
    {"border-zero", "your border values match " TAIL_ZERO, TAIL_ZERO},
    {"border-replicate", "your border values match " TAIL_REPLICATE, TAIL_REPLICATE},
    {"border-reflect", "your border values match " TAIL_REFLECT, TAIL_REFLECT},
    {"border-reflect101", "your border values match " TAIL_REFLECT101, TAIL_REFLECT101},
    {"border-wrap", "your border values match " TAIL_WRAP, TAIL_WRAP},
    {"same-split-torch",
     "same-mode padding is split the PyTorch way (extra pixel before); the TF/Keras rule puts "
     "total/2 before and the extra pixel after.",
     NULL},
    {"avg-counts-padding",
     "your average divides by the whole window; padded cells must not count: divide by the "
     "number of real pixels in the window.",
     NULL},
    {"max-pads-with-zero",
     "padded cells took part in the max as zeros; they must be ignored (this matters when all "
     "real values are negative).",
     NULL},
    {"bilinear-align-corners",
     "you used align_corners=True coordinates; the kit uses half-pixel centers: src = "
     "(y + 0.5)/f - 0.5, clamped at 0.",
     NULL},
    {"bilinear-no-half-pixel",
     "you used src = y/f without the half-pixel shift; the kit uses half-pixel centers: src = "
     "(y + 0.5)/f - 0.5, clamped at 0.",
     NULL},
    {"nearest-rounds",
     "nearest upsampling takes in(y / f) with integer division (floor), not rounding.", NULL},
    {"bias-per-input-channel",
     "the bias is added once per input channel; add it once per output value, after the sum.",
     NULL},
    {"bias-missing", "the bias was not added.", NULL},
    {"transpose-crop-other-side",
     "the same-mode output is cropped from the wrong side of the full scatter: start at "
     "max(k - s, 0) / 2.",
     NULL},
    {"weights-transposed-layout",
     "the weights are indexed in the wrong layout: Keras Conv2D is kh x kw x cin x cout, index "
     "((i*kw + j)*cin + ci)*cout + co.",
     NULL},
    {"to-uint8-rounds-half-up",
     "2.5 must round to 2 (round half to even, like lrintf), not to 3.", NULL},
    {"threshold-ge",
     "values equal to the threshold must become 0: the test is in > thresh, not >=.", NULL},
};

#define NSENTENCES ((int)(sizeof sentences / sizeof sentences[0]))

static const tag_sentence *find_sentence(const char *tag)
{
    if (tag == NULL)
        return NULL;
    for (int i = 0; i < NSENTENCES; i++)
        if (strcmp(sentences[i].tag, tag) == 0)
            return &sentences[i];
    return NULL;
}

const char *cl_mistake_sentence(const char *tag)
{
    const tag_sentence *s = find_sentence(tag);
    return s != NULL ? s->sentence : "";
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void set_diag(cl_verdict *v, const char *tag, const char *fmt, ...)
{
    snprintf(v->tag, sizeof v->tag, "%s", tag);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->diagnosis, sizeof v->diagnosis, fmt, ap);
    va_end(ap);
}

static void set_tag_sentence(cl_verdict *v, const char *tag)
{
    set_diag(v, tag, "%s", cl_mistake_sentence(tag));
}

/* ================================================= evidence in the data */

/* Every value of got is exactly 0. */
static int all_zeros(const cl_image *got)
{
    size_t count = cl_image_count(got);
    for (size_t i = 0; i < count; i++)
        if (got->data[i] != 0.0f)
            return 0;
    return 1;
}

/* got(b, y, x, ch) matches exp(b, x, y, ch) everywhere (got is exp's shape
 * with h and w swapped, both at least 2). */
static int transposed_matches(const cl_image *exp, const cl_image *got, tol t)
{
    if (got->n != exp->n || got->c != exp->c || got->h != exp->w || got->w != exp->h ||
        exp->h < 2 || exp->w < 2)
        return 0;
    for (int b = 0; b < got->n; b++)
        for (int y = 0; y < got->h; y++)
            for (int x = 0; x < got->w; x++)
                for (int ch = 0; ch < got->c; ch++)
                    if (!close_to(at(exp, b, x, y, ch), at(got, b, y, x, ch), t))
                        return 0;
    return 1;
}

/* got(y, x) matches exp(y - dy, x - dx) wherever both exist (at least 4
 * pixels), and that explains at least half of the wrong values. */
static int shift_matches(const cl_image *exp, const cl_image *got, int dy, int dx, tol t,
                         size_t mismatches)
{
    int y0 = dy > 0 ? dy : 0, y1 = dy < 0 ? exp->h + dy : exp->h;
    int x0 = dx > 0 ? dx : 0, x1 = dx < 0 ? exp->w + dx : exp->w;
    if (y1 <= y0 || x1 <= x0 || (long)(y1 - y0) * (x1 - x0) < 4)
        return 0;
    size_t inside = 0;
    for (int b = 0; b < exp->n; b++)
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                for (int ch = 0; ch < exp->c; ch++) {
                    float g = at(got, b, y, x, ch);
                    if (!close_to(at(exp, b, y - dy, x - dx, ch), g, t))
                        return 0;
                    inside += !close_to(at(exp, b, y, x, ch), g, t);
                }
    return inside > 0 && 2 * inside >= mismatches;
}

static const struct {
    int dy, dx;
    const char *tag;
} shifts[] = {{1, 0, "shifted-down"}, {-1, 0, "shifted-up"}, {0, 1, "shifted-right"},
              {0, -1, "shifted-left"}};

/* Looks for a shift by 1, then by 2; returns 1 and the tag and amount. */
static int find_shift(const cl_image *exp, const cl_image *got, tol t, size_t mismatches,
                      int *which, int *amount)
{
    for (int d = 1; d <= 2; d++)
        for (int i = 0; i < 4; i++)
            if (shift_matches(exp, got, shifts[i].dy * d, shifts[i].dx * d, t, mismatches)) {
                *which = i;
                *amount = d;
                return 1;
            }
    return 0;
}

static void set_shift_diag(cl_verdict *v, int which, int d)
{
    int dy = shifts[which].dy, dx = shifts[which].dx;
    const char *dir = dy > 0 ? "down" : dy < 0 ? "up" : dx > 0 ? "right" : "left";
    const char *unit = dy != 0 ? "row" : "column";
    char src[32];
    if (dy != 0)
        snprintf(src, sizeof src, "(y %c %d, x)", dy > 0 ? '-' : '+', d);
    else
        snprintf(src, sizeof src, "(y, x %c %d)", dx > 0 ? '-' : '+', d);
    set_diag(v, shifts[which].tag,
             "your result is the expected one moved %s by %d %s%s: you have at (y, x) what "
             "belongs at %s; %s",
             dir, d, unit, d > 1 ? "s" : "", src,
             dy != 0 ? "a row index is off (check y + i and the padding at the top)."
                     : "a column index is off (check x + j and the padding on the left).");
}

/* got's channel ch matches exp's channel perm[ch] everywhere. */
static int perm_matches(const cl_image *exp, const cl_image *got, const int *perm, tol t)
{
    size_t pixels = (size_t)exp->n * exp->h * exp->w;
    int c = exp->c;
    for (size_t p = 0; p < pixels; p++)
        for (int ch = 0; ch < c; ch++)
            if (!close_to(exp->data[p * c + perm[ch]], got->data[p * c + ch], t))
                return 0;
    return 1;
}

/* The next permutation of a[0..n-1] in lexicographic order; 0 after the last. */
static int next_permutation(int *a, int n)
{
    int i = n - 2;
    while (i >= 0 && a[i] >= a[i + 1])
        i--;
    if (i < 0)
        return 0;
    int j = n - 1;
    while (a[j] <= a[i])
        j--;
    int tmp = a[i];
    a[i] = a[j];
    a[j] = tmp;
    for (int l = i + 1, r = n - 1; l < r; l++, r--) {
        tmp = a[l];
        a[l] = a[r];
        a[r] = tmp;
    }
    return 1;
}

static void identity(int *perm, int c)
{
    for (int ch = 0; ch < c; ch++)
        perm[ch] = ch;
}

/* Every permutation when c <= 4; else the reversal and the swaps of two
 * channels (c <= 64). perm (c ints) gets the one that matches. */
static int find_channel_perm(const cl_image *exp, const cl_image *got, tol t, int *perm)
{
    int c = exp->c;
    identity(perm, c);
    if (c <= 4) {
        while (next_permutation(perm, c))
            if (perm_matches(exp, got, perm, t))
                return 1;
        return 0;
    }
    for (int ch = 0; ch < c; ch++)
        perm[ch] = c - 1 - ch;
    if (perm_matches(exp, got, perm, t))
        return 1;
    for (int i = 0; i < c && c <= 64; i++)
        for (int j = i + 1; j < c; j++) {
            identity(perm, c);
            perm[i] = j;
            perm[j] = i;
            if (perm_matches(exp, got, perm, t))
                return 1;
        }
    return 0;
}

/* "your channels 0, 1, 2 hold the expected channels 2, 1, 0 (RGB reversed
 * to BGR): ..." (with more than 8 channels, the first one out of place). */
static void set_channels_diag(cl_verdict *v, const int *perm, int c)
{
    const char *tail = "channels are the last axis, index ((b*h + y)*w + x)*c + ch; check "
                       "which channel you read and which you write.";
    char yours[160], theirs[160];
    text a = text_on(yours, sizeof yours), b = text_on(theirs, sizeof theirs);
    int reversed = 1, first = -1;
    for (int ch = 0; ch < c; ch++) {
        if (c <= 8) {
            text_add(&a, "%s%d", ch > 0 ? ", " : "", ch);
            text_add(&b, "%s%d", ch > 0 ? ", " : "", perm[ch]);
        }
        reversed = reversed && perm[ch] == c - 1 - ch;
        if (first < 0 && perm[ch] != ch)
            first = ch;
    }
    if (c <= 8)
        set_diag(v, "channels-swapped", "your channels %s hold the expected channels %s%s: %s",
                 yours, theirs, c == 3 && reversed ? " (RGB reversed to BGR)" : "", tail);
    else
        set_diag(v, "channels-swapped", "your channel %d holds the expected channel %d: %s",
                 first, perm[first], tail);
}

static float f_trunc(float v)
{
    return truncf(v);
}
static float f_floor(float v)
{
    return floorf(v);
}
static float f_clamp255(float v)
{
    return v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v;
}
static float f_clamp0(float v)
{
    return v < 0.0f ? 0.0f : v;
}

/* got matches f(exp) everywhere, and f changes at least one expected value
 * by more than the tolerance (otherwise f says nothing). */
static int mapped_matches(const cl_image *exp, const cl_image *got, tol t, float (*f)(float))
{
    size_t count = cl_image_count(exp);
    int changes = 0;
    for (size_t i = 0; i < count; i++) {
        float e = exp->data[i];
        if (!isfinite(e))
            return 0;
        float fe = f(e);
        if (!close_to(fe, got->data[i], t))
            return 0;
        changes = changes || !close_to(e, fe, t);
    }
    return changes;
}

static void finite_range(const cl_image *im, float *lo, float *hi)
{
    size_t count = cl_image_count(im);
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < count; i++) {
        float v = im->data[i];
        if (!isfinite(v))
            continue;
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
    }
}

static void set_clipped_diag(cl_verdict *v, const cl_image *exp, int zero_only)
{
    float lo, hi;
    finite_range(exp, &lo, &hi);
    const char *tail = "clip only when converting to 8 bits (to_uint8).";
    if (lo < 0.0f && (hi <= 255.0f || zero_only))
        set_diag(v, "clipped",
                 "your negative values became 0, but the expected result goes down to %.6g: a "
                 "correlation can be negative; %s",
                 (double)lo, tail);
    else if (lo >= 0.0f)
        set_diag(v, "clipped",
                 "your values stop at 255, but the expected result goes up to %.6g: a "
                 "correlation can exceed 255; %s",
                 (double)hi, tail);
    else
        set_diag(v, "clipped",
                 "your values are clipped to 0..255, but the expected result goes from %.6g to "
                 "%.6g: a correlation can be negative or above 255; %s",
                 (double)lo, (double)hi, tail);
}

static int in_band(int y, int x, int h, int w, int band)
{
    return y < band || x < band || y >= h - band || x >= w - band;
}

/* Every wrong value lies within band rows/columns of an edge, and the
 * image has an inside (so the border is not the whole image). */
static int border_only(const cl_image *exp, const cl_image *got, tol t, int band)
{
    if (band <= 0 || exp->h <= 2 * band || exp->w <= 2 * band)
        return 0;
    for (int b = 0; b < exp->n; b++)
        for (int y = 0; y < exp->h; y++)
            for (int x = 0; x < exp->w; x++) {
                if (in_band(y, x, exp->h, exp->w, band))
                    continue;
                for (int ch = 0; ch < exp->c; ch++)
                    if (!close_to(at(exp, b, y, x, ch), at(got, b, y, x, ch), t))
                        return 0;
            }
    return 1;
}

static tol check_tol(const cl_check *chk)
{
    return (tol){chk->atol, chk->rtol};
}

/* The evidence found in the values, in the order of feedback.h (same shape). */
static void diagnose_values(const cl_check *chk, const cl_image *got, cl_verdict *v)
{
    const cl_image *exp = chk->expected;
    tol t = check_tol(chk);
    int varied = distinct_upto(exp, 3) >= 3, which, amount;
    int *perm = exp->c >= 2 ? malloc((size_t)exp->c * sizeof *perm) : NULL;
    if (all_zeros(got))
        set_tag_sentence(v, "all-zeros");
    else if (varied && transposed_matches(exp, got, t))
        set_tag_sentence(v, "transposed");
    else if (varied && find_shift(exp, got, t, v->cmp.mismatches, &which, &amount))
        set_shift_diag(v, which, amount);
    else if (perm != NULL && find_channel_perm(exp, got, t, perm))
        set_channels_diag(v, perm, exp->c);
    else if (mapped_matches(exp, got, t, f_trunc) || mapped_matches(exp, got, t, f_floor))
        set_tag_sentence(v, "truncated");
    else if (mapped_matches(exp, got, t, f_clamp255))
        set_clipped_diag(v, exp, 0);
    else if (mapped_matches(exp, got, t, f_clamp0))
        set_clipped_diag(v, exp, 1);
    else if (border_only(exp, got, t, chk->border_band))
        set_tag_sentence(v, "border-only");
    free(perm);
}

/* ========================================================== wrong sizes */

/* One axis of a size context. Formulas are written with the placeholders
 * I (input size), K (kernel, window or factor), S (stride), A and B (the
 * padding before and after), replaced by the axis's names or numbers. */
typedef struct axis {
    long long in, k, s, a, b;
    const char *sym[5]; /* names of I K S A B */
    const char *noun;   /* "rows" or "columns" */
} axis;

typedef long long (*size_fn)(const axis *);

/* A size someone might have computed: how it reads, its formula, its value
 * (< 1 when it does not apply), and the expected modes where it is tried. */
typedef struct size_formula {
    const char *label;
    const char *expr;
    size_fn size;
    unsigned when;
} size_formula;

#define WHEN(m) (1u << (m))
#define WHEN_ALL 7u
#define STRIDED 8u /* tried only when the stride of the axis is > 1 */
#define V_ WHEN(CL_MODE_VALID)
#define S_ WHEN(CL_MODE_SAME)
#define F_ WHEN(CL_MODE_FULL)

static long long sz_valid(const axis *a)
{
    return a->in >= a->k ? (a->in - a->k) / a->s + 1 : -1;
}
static long long sz_same(const axis *a)
{
    return (a->in + a->s - 1) / a->s;
}
static long long sz_full(const axis *a)
{
    return (a->in + a->k - 2) / a->s + 1;
}
static long long sz_valid_nostride(const axis *a)
{
    return a->in - a->k + 1;
}
static long long sz_input(const axis *a)
{
    return a->in;
}
static long long sz_full_nostride(const axis *a)
{
    return a->in + a->k - 1;
}
static long long sz_valid_ceil(const axis *a)
{
    return a->in >= a->k ? (a->in - a->k + a->s - 1) / a->s + 1 : -1;
}
static long long sz_full_ceil(const axis *a)
{
    return (a->in + a->k - 2 + a->s - 1) / a->s + 1;
}
static long long sz_in_over_s(const axis *a)
{
    return a->in / a->s;
}
static long long sz_in_over_s_window(const axis *a)
{
    return a->in / a->s - a->k + 1;
}
static long long sz_valid_no_plus1(const axis *a)
{
    return a->in >= a->k ? (a->in - a->k) / a->s : -1;
}
static long long sz_valid_plus1_divided(const axis *a)
{
    return a->in >= a->k ? (a->in - a->k + 1) / a->s : -1;
}
static long long sz_full_one_side(const axis *a)
{
    return (a->in - 1) / a->s + 1;
}
static long long sz_full_no_plus1(const axis *a)
{
    return (a->in + a->k - 2) / a->s;
}

static const size_formula conv_correct[3] = {
    {"valid mode", "(I - K)/S + 1", sz_valid, WHEN_ALL},
    {"same mode", "ceil(I/S)", sz_same, WHEN_ALL},
    {"full mode", "(I + K - 2)/S + 1", sz_full, WHEN_ALL},
};

static const size_formula conv_wrong[] = {
    {"the full-mode size with K - 1 padding on one side only", "(I + (K - 1) - K)/S + 1",
     sz_full_one_side, F_},
    {"the valid-mode size without the stride", "I - K + 1", sz_valid_nostride,
     WHEN_ALL | STRIDED},
    {"the same-mode size without the stride", "I", sz_input, WHEN_ALL | STRIDED},
    {"the full-mode size without the stride", "I + K - 1", sz_full_nostride,
     WHEN_ALL | STRIDED},
    {"the valid-mode size", "(I - K)/S + 1", sz_valid, S_ | F_},
    {"the same-mode size", "ceil(I/S)", sz_same, V_ | F_},
    {"the full-mode size", "(I + K - 2)/S + 1", sz_full, V_ | S_},
    {"the valid-mode size rounded up instead of down", "ceil((I - K)/S) + 1", sz_valid_ceil,
     V_},
    {"the full-mode size rounded up instead of down", "ceil((I + K - 2)/S) + 1", sz_full_ceil,
     F_},
    {"the same-mode size rounded down instead of up", "I/S", sz_in_over_s, S_},
    {"the input size divided by the stride", "I/S", sz_in_over_s, V_ | F_ | STRIDED},
    {"the size with the stride applied to the input before the window", "I/S - K + 1",
     sz_in_over_s_window, WHEN_ALL},
    {"the valid-mode size without the + 1", "(I - K)/S", sz_valid_no_plus1, V_},
    {"the valid-mode size with the + 1 divided by the stride too", "(I - K + 1)/S",
     sz_valid_plus1_divided, V_},
    {"the full-mode size without the + 1", "(I + K - 2)/S", sz_full_no_plus1, F_},
};

static long long sz_up(const axis *a)
{
    return a->in * a->k;
}
static long long sz_up_short(const axis *a)
{
    return a->in * a->k - 1;
}
static long long sz_up_corners(const axis *a)
{
    return (a->in - 1) * a->k + 1;
}
static long long sz_up_divided(const axis *a)
{
    return a->in / a->k;
}
static long long sz_up_twice(const axis *a)
{
    return a->in * a->k * a->k;
}

static const size_formula up_correct[1] = {{"upsampling", "I*K", sz_up, WHEN_ALL}};

static const size_formula up_wrong[] = {
    {"the upsampled size minus one", "I*K - 1", sz_up_short, WHEN_ALL},
    {"the align-corners size", "(I - 1)*K + 1", sz_up_corners, WHEN_ALL},
    {"the input size (not upsampled)", "I", sz_input, WHEN_ALL},
    {"the input size divided by the factor", "I/K", sz_up_divided, WHEN_ALL},
    {"the size with the factor applied twice", "I*K*K", sz_up_twice, WHEN_ALL},
};

static long long sz_t_valid(const axis *a)
{
    return (a->in - 1) * a->s + (a->k > a->s ? a->k : a->s);
}
static long long sz_t_same(const axis *a)
{
    return a->in * a->s;
}
static long long sz_t_scatter(const axis *a)
{
    return (a->in - 1) * a->s + a->k;
}
static long long sz_t_nokernel(const axis *a)
{
    return (a->in - 1) * a->s + 1;
}

static const size_formula transpose_correct[2] = {
    {"valid mode", "(I - 1)*S + max(K, S)", sz_t_valid, WHEN_ALL},
    {"same mode", "I*S", sz_t_same, WHEN_ALL},
};

static const size_formula transpose_wrong[] = {
    {"the full scatter size", "(I - 1)*S + K", sz_t_scatter, WHEN_ALL},
    {"the same-mode size", "I*S", sz_t_same, V_},
    {"the valid-mode size", "(I - 1)*S + max(K, S)", sz_t_valid, S_},
    {"the size without the kernel", "(I - 1)*S + 1", sz_t_nokernel, WHEN_ALL},
    {"the size of a forward (not transposed) convolution", "(I - K)/S + 1", sz_valid,
     WHEN_ALL},
    {"the size without the stride", "I + K - 1", sz_full_nostride, WHEN_ALL | STRIDED},
};

static long long sz_pad(const axis *a)
{
    return a->a + a->in + a->b;
}
static long long sz_pad_no_after(const axis *a)
{
    return a->a + a->in;
}
static long long sz_pad_no_before(const axis *a)
{
    return a->in + a->b;
}
static long long sz_pad_before_twice(const axis *a)
{
    return a->a + a->in + a->a;
}
static long long sz_pad_after_twice(const axis *a)
{
    return a->b + a->in + a->b;
}
static long long sz_pad_doubled(const axis *a)
{
    return a->in + 2 * (a->a + a->b);
}

static const size_formula pad_correct[1] = {{"padding", "A + I + B", sz_pad, WHEN_ALL}};

static const size_formula pad_wrong[] = {
    {"the size without the B padding", "A + I", sz_pad_no_after, WHEN_ALL},
    {"the size without the A padding", "I + B", sz_pad_no_before, WHEN_ALL},
    {"the size with the A padding on both sides", "A + I + A", sz_pad_before_twice, WHEN_ALL},
    {"the size with the B padding on both sides", "B + I + B", sz_pad_after_twice, WHEN_ALL},
    {"the size without any padding", "I", sz_input, WHEN_ALL},
    {"the size with the padding counted twice", "I + 2*(A + B)", sz_pad_doubled, WHEN_ALL},
};

/* The formulas of one size rule: the correct one for the mode, the
 * mistakes, and whether the mode matters. */
typedef struct size_rule {
    const size_formula *correct;
    const size_formula *wrong;
    int nwrong;
    int uses_mode;
} size_rule;

#define NWRONG(t) ((int)(sizeof t / sizeof t[0]))

static int rule_of(const cl_size_context *z, size_rule *r)
{
    int m = (int)z->mode;
    switch (z->rule) {
    case CL_SIZE_CONV:
        if (m < 0 || m > 2)
            return 0;
        *r = (size_rule){&conv_correct[m], conv_wrong, NWRONG(conv_wrong), 1};
        return 1;
    case CL_SIZE_UPSAMPLE:
        *r = (size_rule){&up_correct[0], up_wrong, NWRONG(up_wrong), 0};
        return 1;
    case CL_SIZE_TRANSPOSE:
        if (m < 0 || m > 1)
            return 0;
        *r = (size_rule){&transpose_correct[m], transpose_wrong, NWRONG(transpose_wrong), 1};
        return 1;
    case CL_SIZE_PAD:
        *r = (size_rule){&pad_correct[0], pad_wrong, NWRONG(pad_wrong), 0};
        return 1;
    default:
        return 0;
    }
}

/* The two axes of a context; 0 when its numbers cannot be used. */
static int axes_of(const cl_size_context *z, axis ax[2])
{
    static const char *const rows_sym[5] = {"H", "kh", "sy", "top", "bottom"};
    static const char *const cols_sym[5] = {"W", "kw", "sx", "left", "right"};
    ax[0] = (axis){z->in_h, z->kh, z->sy, z->pad[0], z->pad[1], {NULL}, "rows"};
    ax[1] = (axis){z->in_w, z->kw, z->sx, z->pad[2], z->pad[3], {NULL}, "columns"};
    for (int i = 0; i < 5; i++) {
        ax[0].sym[i] = rows_sym[i];
        ax[1].sym[i] = cols_sym[i];
    }
    if (z->rule == CL_SIZE_UPSAMPLE) {
        ax[0].sym[1] = "fy";
        ax[1].sym[1] = "fx";
    }
    for (int i = 0; i < 2; i++) {
        if (ax[i].in < 1 || ax[i].k < 1 || ax[i].a < 0 || ax[i].b < 0)
            return 0;
        if (ax[i].s < 1)
            ax[i].s = 1;
    }
    return 1;
}

/* Writes a formula with its placeholders replaced by the axis's names
 * (numbers = 0) or numbers (numbers = 1). */
static void render(text *t, const char *tmpl, const axis *a, int numbers)
{
    const char *keys = "IKSAB";
    const long long vals[5] = {a->in, a->k, a->s, a->a, a->b};
    for (const char *p = tmpl; *p != '\0'; p++) {
        const char *k = strchr(keys, *p);
        if (k == NULL)
            text_add(t, "%c", *p);
        else if (numbers)
            text_add(t, "%lld", vals[k - keys]);
        else
            text_add(t, "%s", a->sym[k - keys]);
    }
}

/* "ceil(H/sy) = ceil(5/1) = 5 rows" */
static void render_value(text *t, const size_formula *f, const axis *a)
{
    render(t, f->expr, a, 0);
    text_add(t, " = ");
    render(t, f->expr, a, 1);
    text_add(t, " = %lld %s", f->size(a), a->noun);
}

/* 1 when f applies under this mode and gives got for the axis (and not the
 * expected size). */
static int formula_gives(const size_formula *f, const size_rule *r, cl_mode mode,
                         const axis *a, long long got, long long want)
{
    if ((r->uses_mode && !(f->when & WHEN(mode))) || ((f->when & STRIDED) && a->s == 1))
        return 0;
    long long s = f->size(a);
    return s >= 1 && s == got && s != want;
}

/* The first mistake that gives both got sizes (when both axes are wrong)
 * or the one wrong axis; *axis_out gets the axis to explain. */
static const size_formula *find_size_formula(const size_rule *r, cl_mode mode, const axis ax[2],
                                             const long long got[2], const long long want[2],
                                             int *axis_out)
{
    int first = got[0] != want[0] ? 0 : 1;
    *axis_out = first;
    for (int i = 0; i < r->nwrong; i++) {
        const size_formula *f = &r->wrong[i];
        int ok = 1;
        for (int k = 0; k < 2 && ok; k++)
            ok = got[k] == want[k] || formula_gives(f, r, mode, &ax[k], got[k], want[k]);
        if (ok)
            return f;
    }
    for (int i = 0; i < r->nwrong; i++)
        if (formula_gives(&r->wrong[i], r, mode, &ax[first], got[first], want[first]))
            return &r->wrong[i];
    return NULL;
}

/* Another mistake that gives the same size on axis k, or NULL. */
static const size_formula *other_formula(const size_rule *r, cl_mode mode, const axis *a,
                                         long long got, long long want,
                                         const size_formula *found)
{
    for (int i = 0; i < r->nwrong; i++) {
        const size_formula *f = &r->wrong[i];
        if (f != found && strcmp(f->label, found->label) != 0 &&
            formula_gives(f, r, mode, a, got, want))
            return f;
    }
    return NULL;
}

/* "6x5 is the same-mode size: ceil(H/sy) = ceil(6/1) = 6 rows; valid mode
 * gives (H - kh)/sy + 1 = (6 - 3)/1 + 1 = 4 rows." */
static int spatial_sentence(const cl_size_context *z, const cl_image *exp, const cl_image *got,
                            text *t)
{
    size_rule r;
    axis ax[2];
    if (!rule_of(z, &r) || !axes_of(z, ax))
        return 0;
    const long long got_hw[2] = {got->h, got->w}, want[2] = {exp->h, exp->w};
    int k;
    const size_formula *f = find_size_formula(&r, z->mode, ax, got_hw, want, &k);
    char shape[64];
    shape_words(got, shape_width(got, exp), shape, sizeof shape);
    if (f != NULL) {
        text_add(t, "%s is ", shape);
        render(t, f->label, &ax[k], 0);
        text_add(t, ": ");
        render_value(t, f, &ax[k]);
        const size_formula *g = other_formula(&r, z->mode, &ax[k], got_hw[k], want[k], f);
        if (g != NULL) {
            text_add(t, " (");
            render(t, g->label, &ax[k], 0);
            text_add(t, " too)");
        }
        text_add(t, "; %s gives ", r.correct->label);
    } else {
        text_add(t, "your %lld %s match no usual mistake; %s gives ", got_hw[k], ax[k].noun,
                 r.correct->label);
    }
    render_value(t, r.correct, &ax[k]);
    text_add(t, ".");
    return 1;
}

/* get_subimages: 1 x (OH*OW) x (kh*kw*C) x 1, one window per row. */
static int windows_sentence(const cl_size_context *z, const cl_image *got, text *t)
{
    long long C = z->in_c > 0 ? z->in_c : 1, H = z->in_h, W = z->in_w, kh = z->kh, kw = z->kw;
    long long oh = H - kh + 1, ow = W - kw + 1, rows = oh * ow, cols = kh * kw * C;
    if (kh < 1 || kw < 1 || oh < 1 || ow < 1)
        return 0;
    if (got->n != 1 || got->c != 1) {
        text_add(t, "get_subimages returns a 2-D result, 1 x (OH*OW) x (kh*kw*C) x 1 = 1 x %lld "
                    "x %lld x 1: one window per row.", rows, cols);
        return 1;
    }
    if (got->h == oh && got->w == ow) {
        text_add(t, "your output is OH x OW = %lldx%lld, the grid of windows; each window goes "
                    "on a row of its own: OH*OW = %lld rows of kh*kw*C = %lld values.",
                 oh, ow, rows, cols);
        return 1;
    }
    const char *sep = "your output has ";
    if (got->h != rows) {
        if (got->h == (H - kh) * (W - kw))
            text_add(t, "%s(H - kh)*(W - kw) = %d rows: the + 1 is missing, there are "
                        "(H - kh + 1)*(W - kw + 1) = %lld windows", sep, got->h, rows);
        else if (got->h == H * W)
            text_add(t, "%sH*W = %d rows, one per pixel: only (H - kh + 1)*(W - kw + 1) = %lld "
                        "windows fit inside the image", sep, got->h, rows);
        else
            text_add(t, "%s%d rows, but there are (H - kh + 1)*(W - kw + 1) = %lld windows, one "
                        "per row", sep, got->h, rows);
        sep = "; and ";
    }
    if (got->w != cols) {
        if (got->w == kh * kw && C > 1)
            text_add(t, "%skh*kw = %d columns, without the channels: a window holds kh*kw*C = "
                        "%lld values", sep, got->w, cols);
        else
            text_add(t, "%s%d columns, but a window holds kh*kw*C = %lld*%lld*%lld = %lld "
                        "values", sep, got->w, kh, kw, C, cols);
    }
    text_add(t, ".");
    return 1;
}

static int channels_sentence(const cl_size_context *z, const cl_image *exp,
                             const cl_image *got, text *t)
{
    int cin = z->in_c;
    if (z->rule == CL_SIZE_NONE || cin < 1)
        text_add(t, "your output has %d channel%s, it should have %d.", got->c,
                 got->c == 1 ? "" : "s", exp->c);
    else if (exp->c == cin)
        text_add(t, "your output has %d channel%s, it should keep the input's %d: apply the "
                    "operation to each channel (channels are the last axis).",
                 got->c, got->c == 1 ? "" : "s", cin);
    else if (got->c == cin)
        text_add(t, "your output has the input's %d channels; it should have one per filter: "
                    "cout = %d, the last axis of the weights.", cin, exp->c);
    else
        text_add(t, "your output has %d channels; it should have one per filter: cout = %d.",
                 got->c, exp->c);
    return 1;
}

/* The sentence that explains a wrong size, from the size context. */
static int size_sentence(const cl_check *chk, const cl_image *got, text *t)
{
    const cl_image *exp = chk->expected;
    const cl_size_context *z = &chk->size;
    if (got->h == exp->w && got->w == exp->h && got->h != got->w && got->n == exp->n &&
        got->c == exp->c) {
        text_add(t, "your output is %dx%d, the expected size with rows and columns swapped: "
                    "allocate n x OH x OW x c (the height first).", got->h, got->w);
        return 1;
    }
    if (z->rule == CL_SIZE_WINDOWS)
        return windows_sentence(z, got, t);
    if (got->h != exp->h || got->w != exp->w)
        return spatial_sentence(z, exp, got, t);
    if (got->c != exp->c)
        return channels_sentence(z, exp, got, t);
    text_add(t, "your output holds %d image%s, the batch has %d: compute every image of the "
                "batch.", got->n, got->n == 1 ? "" : "s", exp->n);
    return 1;
}

static void diagnose_size(const cl_check *chk, const cl_image *got, cl_verdict *v)
{
    if (transposed_matches(chk->expected, got, check_tol(chk))) {
        set_tag_sentence(v, "transposed");
        return;
    }
    text t = text_on(v->diagnosis, sizeof v->diagnosis);
    snprintf(v->tag, sizeof v->tag, "wrong-size");
    if (!size_sentence(chk, got, &t))
        set_tag_sentence(v, "wrong-size");
}

/* ============================================= precomputed mistakes */

/* got is the output of mistake m: same shape, within the check's tolerance,
 * and the mistake's output differs from the expected one. */
static int mistake_matches(const cl_check *chk, const cl_mistake *m, const cl_image *got)
{
    const cl_image *out = m->output;
    tol t = check_tol(chk);
    if (m->tag == NULL || !usable(out) || !same_shape(out, got))
        return 0;
    if (same_shape(out, chk->expected) && all_close(chk->expected, out, t))
        return 0;
    return all_close(out, got, t);
}

static int diagnose_mistakes(const cl_check *chk, const cl_image *got, int same,
                             cl_verdict *v)
{
    for (int i = 0; i < chk->nmistakes; i++) {
        const cl_mistake *m = &chk->mistakes[i];
        if (!mistake_matches(chk, m, got))
            continue;
        const tag_sentence *s = find_sentence(m->tag);
        if (s == NULL)
            set_diag(v, m->tag, "your result matches the known mistake \"%s\".", m->tag);
        else if (s->border_tail != NULL && same &&
                 border_only(chk->expected, got, check_tol(chk), chk->border_band))
            set_diag(v, m->tag, "only the border is wrong, and it matches %s", s->border_tail);
        else
            set_tag_sentence(v, m->tag);
        return 1;
    }
    return 0;
}

static void diagnose(const cl_check *chk, const cl_image *got, int same, cl_verdict *v)
{
    if (chk->mistakes != NULL && diagnose_mistakes(chk, got, same, v))
        return;
    if (same)
        diagnose_values(chk, got, v);
    else
        diagnose_size(chk, got, v);
}

/* ========================================================== the message */

/* "at row 3, column 7 (channel 1)", with "image b" for batches. */
static void where_words(text *t, const cl_image *exp, const cl_compare_result *r)
{
    text_add(t, "at ");
    if (exp->n > 1)
        text_add(t, "image %d, ", r->b);
    text_add(t, "row %d, column %d", r->y, r->x);
    if (exp->c > 1)
        text_add(t, " (channel %d)", r->ch);
}

static void tolerance_words(text *t, double atol, double rtol)
{
    if (atol == 0.0 && rtol == 0.0)
        text_add(t, "exact comparison");
    else if (rtol == 0.0)
        text_add(t, "tolerance %g", atol);
    else if (atol == 0.0)
        text_add(t, "tolerance %g x |expected|", rtol);
    else
        text_add(t, "tolerance %g + %g x |expected|", atol, rtol);
}

static void values_lines(text *t, const cl_check *chk, const cl_verdict *v)
{
    const cl_compare_result *r = &v->cmp;
    where_words(t, chk->expected, r);
    text_add(t, ": you have %.6g, it should be %.6g.\n", (double)r->got, (double)r->expected);
    text_add(t, "%zu of %zu value%s %s wrong; the largest error is ", r->mismatches, r->count,
             r->count == 1 ? "" : "s", r->mismatches == 1 ? "is" : "are");
    if (isinf(r->max_abs_err))
        text_add(t, "infinite (NaN or inf)");
    else
        text_add(t, "%.6g", r->max_abs_err);
    text_add(t, " (");
    tolerance_words(t, chk->atol, chk->rtol);
    text_add(t, ").\n");
}

static void compose(const cl_check *chk, const cl_image *got, int same, cl_verdict *v)
{
    text t = text_on(v->message, sizeof v->message);
    const cl_image *exp = chk->expected;
    char a[64], b[64];
    if (chk->function != NULL && chk->function[0] != '\0')
        text_add(&t, "%s: ", chk->function);
    if (!usable(got)) {
        text_add(&t, "you returned no output (the result is empty); it should be %s %s.\n",
                 shape_words(exp, shape_width(exp, NULL), a, sizeof a),
                 shape_legends[shape_width(exp, NULL)]);
    } else if (!same) {
        int wide = shape_width(exp, got);
        text_add(&t, "your output is %s, it should be %s %s.\n",
                 shape_words(got, wide, a, sizeof a), shape_words(exp, wide, b, sizeof b),
                 shape_legends[wide]);
    } else {
        values_lines(&t, chk, v);
    }
    if (v->diagnosis[0] != '\0')
        text_add(&t, "Likely cause: %s\n", v->diagnosis);
    if (v->picture[0] != '\0' && same && exp->n > 1)
        text_add(&t, "See the picture of image %d: %s\n", v->cmp.b, v->picture);
    else if (v->picture[0] != '\0')
        text_add(&t, "See the picture: %s\n", v->picture);
    if (t.len > 0 && t.buf[t.len - 1] == '\n')
        t.buf[--t.len] = '\0';
    if (chk->function == NULL || chk->function[0] == '\0')
        t.buf[0] = (char)toupper((unsigned char)t.buf[0]);
}

/* ========================================================== the picture */

#define PIC_MARGIN 16
#define PIC_LABEL_SCALE 2
#define PIC_LINE (CL_FONT_H_ * PIC_LABEL_SCALE + 5)
#define PIC_LABEL_H (2 * PIC_LINE + 6)
#define PIC_MIN_SIDE 96
#define PIC_MAX_W 2000
#define PIC_MAX_H 1000
#define PIC_BACKGROUND 226.0f
#define PIC_MIN_WRONG 0.15 /* the heat of a wrong value, however small */

enum { PANEL_IMAGE, PANEL_DIFF, PANEL_EMPTY };

typedef struct panel {
    int kind;
    const cl_image *im; /* PANEL_IMAGE: the image; PANEL_DIFF: got */
    int h, w;           /* drawn size in image pixels */
    float lo, hi;       /* PANEL_IMAGE: values mapped to black..white */
    double max_err;     /* PANEL_DIFF: the largest finite error */
    char title[24], detail[48];
} panel;

typedef struct picture {
    panel p[4];
    int np;
    const cl_image *exp;
    tol t;
    int num, den; /* drawn size = size * num / den (one of them is 1) */
} picture;

/* The smallest and largest finite values drawn (image 0; channels 0..2 of
 * an RGB image, else channel 0); lo > hi when there is none. */
static void drawn_range(const cl_image *im, float *lo, float *hi)
{
    int nch = im->c == 3 ? 3 : 1;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t p = 0; p < (size_t)im->h * im->w; p++)
        for (int ch = 0; ch < nch; ch++) {
            float v = im->data[p * im->c + ch];
            if (isfinite(v)) {
                *lo = v < *lo ? v : *lo;
                *hi = v > *hi ? v : *hi;
            }
        }
}

/* The values drawn black..white: 0..255 as they are for 8-bit-like images,
 * 0..1 for images in 0..1, else min..max. */
static void display_range(const cl_image *im, float *lo, float *hi)
{
    drawn_range(im, lo, hi);
    if (*lo > *hi || (*lo >= 0.0f && *hi >= 64.0f && *hi <= 255.0f)) {
        *lo = 0.0f;
        *hi = 255.0f;
    } else if (*lo >= 0.0f && *hi <= 1.0f) {
        *lo = 0.0f;
        *hi = 1.0f;
    } else if (*hi - *lo < 1e-12f) {
        *lo -= 1.0f;
        *hi += 1.0f;
    }
}

/* Widens the expected range to got's values when the union stays within
 * four times the expected span (a wrong result then looks different
 * instead of saturated); farther values saturate. */
static void widen_range(const cl_image *got, float *lo, float *hi)
{
    float glo, ghi, span = *hi - *lo;
    drawn_range(got, &glo, &ghi);
    if (glo > ghi || glo < *lo - 1.5f * span || ghi > *hi + 1.5f * span)
        return;
    *lo = glo < *lo ? glo : *lo;
    *hi = ghi > *hi ? ghi : *hi;
}

static void size_detail(char *buf, size_t size, const cl_image *im)
{
    if (im->c == 1 || im->c == 3)
        snprintf(buf, size, im->c == 1 ? "%dx%d" : "%dx%dx3", im->h, im->w);
    else
        snprintf(buf, size, "%dx%dx%d, CH 0", im->h, im->w, im->c);
}

static panel *add_panel(picture *pic, int kind, const char *title, const cl_image *im)
{
    panel *p = &pic->p[pic->np++];
    *p = (panel){.kind = kind, .im = im, .h = pic->exp->h, .w = pic->exp->w};
    snprintf(p->title, sizeof p->title, "%s", title);
    if (kind == PANEL_IMAGE) {
        p->h = im->h;
        p->w = im->w;
        size_detail(p->detail, sizeof p->detail, im);
    }
    return p;
}

/* The largest error between got and expected (image 0) and the detail line. */
static void diff_detail(picture *pic, panel *p)
{
    const cl_image *exp = pic->exp, *got = p->im;
    size_t count = (size_t)exp->h * exp->w * exp->c;
    int nonfinite = 0;
    for (size_t i = 0; i < count; i++) {
        double err = fabs((double)got->data[i] - (double)exp->data[i]);
        if (!isfinite(err))
            nonfinite |= !(isinf(exp->data[i]) && exp->data[i] == got->data[i]);
        else if (err > p->max_err)
            p->max_err = err;
    }
    if (nonfinite)
        snprintf(p->detail, sizeof p->detail, "MAX INF OR NAN");
    else if (p->max_err == 0.0)
        snprintf(p->detail, sizeof p->detail, "NONE");
    else
        snprintf(p->detail, sizeof p->detail, "MAX %.3g", p->max_err);
}

static void add_empty(picture *pic, const char *title, const char *detail)
{
    panel *p = add_panel(pic, PANEL_EMPTY, title, NULL);
    snprintf(p->detail, sizeof p->detail, "%s", detail);
}

static void build_panels(picture *pic, const cl_image *input, const cl_image *got)
{
    if (input != NULL) {
        panel *p = add_panel(pic, PANEL_IMAGE, "INPUT", input);
        display_range(input, &p->lo, &p->hi);
    }
    panel *e = add_panel(pic, PANEL_IMAGE, "EXPECTED", pic->exp);
    display_range(pic->exp, &e->lo, &e->hi);
    if (got == NULL) {
        add_empty(pic, "YOURS", "NO OUTPUT");
        add_empty(pic, "DIFFERENCE", "NO OUTPUT");
        return;
    }
    panel *y = add_panel(pic, PANEL_IMAGE, "YOURS", got);
    widen_range(got, &e->lo, &e->hi);
    y->lo = e->lo;
    y->hi = e->hi;
    if (got->h != pic->exp->h || got->w != pic->exp->w || got->c != pic->exp->c)
        add_empty(pic, "DIFFERENCE", "SIZE DIFFERS");
    else
        diff_detail(pic, add_panel(pic, PANEL_DIFF, "DIFFERENCE", got));
}

static int scaled(const picture *pic, int n)
{
    return pic->num > 1 ? n * pic->num : (n + pic->den - 1) / pic->den;
}

/* The image coordinate drawn at picture coordinate q (of an axis of n). */
static int source(const picture *pic, int q, int n)
{
    long long s = pic->num > 1 ? q / pic->num : (long long)q * pic->den;
    return s < n ? (int)s : n - 1;
}

static int column_width(const picture *pic, const panel *p)
{
    int w = scaled(pic, p->w);
    int a = cl_font_text_width_(p->title, PIC_LABEL_SCALE);
    int b = cl_font_text_width_(p->detail, PIC_LABEL_SCALE);
    w = a > w ? a : w;
    return b > w ? b : w;
}

static void picture_size(const picture *pic, int *width, int *height)
{
    int w = PIC_MARGIN, h = 0;
    for (int i = 0; i < pic->np; i++) {
        w += column_width(pic, &pic->p[i]) + PIC_MARGIN;
        int ph = scaled(pic, pic->p[i].h);
        h = ph > h ? ph : h;
    }
    *width = w;
    *height = PIC_MARGIN + PIC_LABEL_H + h + PIC_MARGIN;
}

static int fits(const picture *pic)
{
    int w, h;
    picture_size(pic, &w, &h);
    return w <= PIC_MAX_W && h <= PIC_MAX_H + PIC_LABEL_H + 2 * PIC_MARGIN;
}

/* Enlarges so the expected panel's smaller side reaches PIC_MIN_SIDE, as
 * far as the picture fits; shrinks (by subsampling) when it does not. */
static void choose_scale(picture *pic)
{
    int side = pic->exp->h < pic->exp->w ? pic->exp->h : pic->exp->w;
    pic->den = 1;
    for (pic->num = (PIC_MIN_SIDE + side - 1) / side; pic->num > 1; pic->num--)
        if (fits(pic))
            return;
    pic->num = 1;
    while (!fits(pic) && pic->den < CL_MAX_DIM)
        pic->den++;
}

static void put(cl_image *cv, int y, int x, const float rgb[3])
{
    if (y < 0 || x < 0 || y >= cv->h || x >= cv->w)
        return;
    float *p = cl_px(cv, 0, y, x, 0);
    p[0] = rgb[0];
    p[1] = rgb[1];
    p[2] = rgb[2];
}

static float to_byte(float v, float lo, float hi)
{
    float t = (v - lo) / (hi - lo);
    return 255.0f * (t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t);
}

/* Gray or RGB; channels other than 1 and 3 draw channel 0; NaN is magenta. */
static void image_rgb(const panel *p, int y, int x, float rgb[3])
{
    const float *px = cl_px(p->im, 0, y, x, 0);
    for (int k = 0; k < 3; k++) {
        float v = px[p->im->c == 3 ? k : 0];
        rgb[k] = isnan(v) ? (k == 1 ? 0.0f : 255.0f) : to_byte(v, p->lo, p->hi);
    }
}

/* Black, then dark red, red, orange, yellow, white as t goes 0..1. */
static void heat_rgb(double t, float rgb[3])
{
    for (int k = 0; k < 3; k++) {
        double v = 3.0 * t - k;
        rgb[k] = (float)(255.0 * (v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v));
    }
}

/* The largest |got - expected| over the channels at (y, x) as a heat:
 * sqrt(error / largest error), so that middling errors show, and at least
 * PIC_MIN_WRONG when a value is outside the tolerance. */
static void diff_rgb(const picture *pic, const panel *p, int y, int x, float rgb[3])
{
    const float *e = cl_px(pic->exp, 0, y, x, 0), *g = cl_px(p->im, 0, y, x, 0);
    double heat = 0.0;
    int wrong = 0;
    for (int ch = 0; ch < pic->exp->c; ch++) {
        int bad = !close_to(e[ch], g[ch], pic->t);
        double err = fabs((double)g[ch] - (double)e[ch]), h;
        if (!isfinite(err))
            h = bad ? 1.0 : 0.0;
        else
            h = p->max_err > 0.0 ? sqrt(err / p->max_err) : 0.0;
        wrong |= bad;
        heat = h > heat ? h : heat;
    }
    if (wrong && heat < PIC_MIN_WRONG)
        heat = PIC_MIN_WRONG;
    heat_rgb(heat, rgb);
}

static void empty_rgb(int y, int x, float rgb[3])
{
    float v = (x + y) % 12 < 2 ? 200.0f : 244.0f;
    rgb[0] = rgb[1] = rgb[2] = v;
}

static void draw_frame(cl_image *cv, int x0, int y0, int w, int h)
{
    const float dark[3] = {90.0f, 90.0f, 90.0f};
    for (int x = x0 - 1; x <= x0 + w; x++) {
        put(cv, y0 - 1, x, dark);
        put(cv, y0 + h, x, dark);
    }
    for (int y = y0 - 1; y <= y0 + h; y++) {
        put(cv, y, x0 - 1, dark);
        put(cv, y, x0 + w, dark);
    }
}

static void draw_panel(cl_image *cv, const picture *pic, const panel *p, int x0, int y0)
{
    int H = scaled(pic, p->h), W = scaled(pic, p->w);
    float rgb[3];
    for (int py = 0; py < H; py++)
        for (int px = 0; px < W; px++) {
            int y = source(pic, py, p->h), x = source(pic, px, p->w);
            if (p->kind == PANEL_IMAGE)
                image_rgb(p, y, x, rgb);
            else if (p->kind == PANEL_DIFF)
                diff_rgb(pic, p, y, x, rgb);
            else
                empty_rgb(py, px, rgb);
            put(cv, y0 + py, x0 + px, rgb);
        }
    draw_frame(cv, x0, y0, W, H);
}

static void draw_labels(cl_image *cv, const panel *p, int x0)
{
    const float ink[3] = {20.0f, 20.0f, 20.0f}, soft[3] = {80.0f, 80.0f, 80.0f};
    const float alert[3] = {190.0f, 0.0f, 0.0f};
    cl_font_draw_(cv, x0, PIC_MARGIN, p->title, PIC_LABEL_SCALE, ink);
    cl_font_draw_(cv, x0, PIC_MARGIN + PIC_LINE, p->detail, PIC_LABEL_SCALE,
                  p->kind == PANEL_EMPTY ? alert : soft);
}

static int render_picture(const picture *pic, cl_image *cv)
{
    int width, height;
    picture_size(pic, &width, &height);
    int st = cl_image_alloc(cv, 1, height, width, 3);
    if (st != CL_OK)
        return st;
    for (size_t i = 0; i < cl_image_count(cv); i++)
        cv->data[i] = PIC_BACKGROUND;
    int x = PIC_MARGIN;
    for (int i = 0; i < pic->np; i++) {
        draw_labels(cv, &pic->p[i], x);
        draw_panel(cv, pic, &pic->p[i], x, PIC_MARGIN + PIC_LABEL_H);
        x += column_width(pic, &pic->p[i]) + PIC_MARGIN;
    }
    return CL_OK;
}

/* mkdir -p of the folder that holds path. */
static int make_parent_dirs(const char *path)
{
    char dir[4096];
    if (strlen(path) >= sizeof dir)
        return cl_fail(CL_E_ARG, "picture path is too long (%zu characters)", strlen(path));
    strcpy(dir, path);
    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return cl_fail(CL_E_IO, "cannot create folder '%s': %s", dir, strerror(errno));
        *p = '/';
    }
    return CL_OK;
}

/* The first image of a batch, as an image of its own (a read-only view). */
static cl_image first_image(const cl_image *im, int b)
{
    cl_image v = *im;
    v.data = cl_px(im, b < im->n ? b : 0, 0, 0, 0);
    v.n = 1;
    v.block_ = NULL;
    return v;
}

int cl_feedback_picture(const char *path, const cl_image *input, const cl_image *expected,
                        const cl_image *got, float atol, float rtol)
{
    if (path == NULL || path[0] == '\0')
        return cl_fail(CL_E_ARG, "picture: path is NULL or empty");
    int st = cl_image_check(expected, "expected image");
    if (st != CL_OK)
        return st;
    cl_image in = usable(input) ? first_image(input, 0) : (cl_image){0};
    cl_image exp = first_image(expected, 0);
    cl_image yours = usable(got) ? first_image(got, 0) : (cl_image){0};
    picture pic = {.exp = &exp, .t = {atol, rtol}};
    build_panels(&pic, in.data ? &in : NULL, yours.data ? &yours : NULL);
    choose_scale(&pic);
    cl_image canvas = {0};
    st = render_picture(&pic, &canvas);
    if (st == CL_OK)
        st = make_parent_dirs(path);
    if (st == CL_OK)
        st = cl_image_save_png(path, &canvas);
    cl_image_free(&canvas);
    return st;
}

/* ==================================================== cl_feedback_check */

/* Draws the image of the batch where the first wrong value is, when the
 * expected output is an image (at least 2x2) and got is one or missing. */
static void write_picture(const cl_check *chk, const cl_image *got, int same, cl_verdict *v)
{
    const cl_image *exp = chk->expected;
    if (chk->picture_path == NULL || chk->picture_path[0] == '\0' || exp->h < 2 || exp->w < 2)
        return;
    if (usable(got) && (got->h < 2 || got->w < 2))
        return;
    int b = same ? v->cmp.b : 0;
    cl_image e = first_image(exp, b), g = {0}, in = {0};
    if (usable(got))
        g = first_image(got, b);
    if (usable(chk->input))
        in = first_image(chk->input, chk->input->n == exp->n ? b : 0);
    if (cl_feedback_picture(chk->picture_path, in.data ? &in : NULL, &e, g.data ? &g : NULL,
                            chk->atol, chk->rtol) == CL_OK)
        snprintf(v->picture, sizeof v->picture, "%s", chk->picture_path);
}

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
        return cl_fail(CL_E_ARG, "feedback: tolerances must be >= 0 (atol=%g rtol=%g) and "
                                 "nmistakes >= 0 (%d)",
                       (double)chk->atol, (double)chk->rtol, chk->nmistakes);
    int same = usable(got) && same_shape(chk->expected, got);
    if (same) {
        st = cl_compare(chk->expected, got, chk->atol, chk->rtol, &v->cmp);
        if (st != CL_OK)
            return st;
        if (v->cmp.mismatches == 0) {
            v->passed = 1;
            return CL_OK;
        }
    }
    if (usable(got))
        diagnose(chk, got, same, v);
    write_picture(chk, got, same, v);
    compose(chk, got, same, v);
    return CL_OK;
}
