/* feedback_diagnose.c -- the "Likely cause" of a failed check: the tags and
 * their sentences (cl_mistake_sentence, see feedback.h), the evidence found
 * in the data, and the outputs of known mistakes precomputed on the case.
 *
 * The diagnosis comes from the first evidence that holds, in this order:
 *   1. a precomputed mistake (chk->mistakes) whose output got matches, with
 *      the tolerance of the check (a border rule is reported together with
 *      "only the border is wrong" when that holds too);
 *   2. evidence in the data: wrong size (feedback_size.c), all zeros,
 *      transposed, shifted down/up/right/left by 1 or 2, channels swapped,
 *      truncated, clipped, only the border wrong (none of these on values
 *      the caller explains itself: chk->values_explained).
 * Data evidence needs at least three distinct expected values where a
 * constant image would match trivially; when nothing holds there is no
 * diagnosis line. A precomputed mistake is worded for the check: the
 * function's name or its own wording (function_sentences), and for a border
 * rule the rule in force (chk->border).
 *
 * Sections: sentences, evidence in the data, precomputed mistakes.
 */
#include "feedback_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ============================================================ sentences */

/* The border rules as the sentences name them: the rule with its pattern,
 * and what a student who used it did. */
#define RULE_ZERO "the zero rule (0 0 | a b c)"
#define RULE_REPLICATE "the replicate rule (a a | a b c)"
#define RULE_REFLECT "the reflect rule (b a | a b c)"
#define RULE_REFLECT101 "the reflect101 rule (c b | a b c)"
#define RULE_WRAP "the wrap rule (b c | a b c)"
#define DID_ZERO "you read 0 outside the image"
#define DID_REPLICATE "you repeated the edge pixel"
#define DID_REFLECT "you mirrored with the edge pixel repeated"
#define DID_REFLECT101 "you mirrored without repeating the edge pixel"
#define DID_WRAP "you wrapped around to the other side"
#define ANOTHER_RULE ", but this case uses another border rule."

/* The part after "matches " when the rule in force is not known, or is the
 * other reflection (reflect and reflect101 are told apart by the edge). */
#define TAIL_REFLECT                                                                           \
    "the reflect rule: reflect101 mirrors WITHOUT repeating the edge pixel (c b | a b c), "    \
    "reflect repeats it (b a | a b c)."
#define TAIL_REFLECT101                                                                        \
    "the reflect101 rule: reflect mirrors WITH the edge pixel repeated (b a | a b c), "        \
    "reflect101 does not repeat it (c b | a b c)."
#define TAIL_ZERO RULE_ZERO ": " DID_ZERO ANOTHER_RULE
#define TAIL_REPLICATE RULE_REPLICATE ": " DID_REPLICATE ANOTHER_RULE
#define TAIL_WRAP RULE_WRAP ": " DID_WRAP ANOTHER_RULE

typedef struct border_words {
    const char *name; /* as cl_border_name gives it */
    const char *rule, *did;
} border_words;

static const border_words borders[] = {
    {"zero", RULE_ZERO, DID_ZERO},          {"replicate", RULE_REPLICATE, DID_REPLICATE},
    {"reflect", RULE_REFLECT, DID_REFLECT}, {"reflect101", RULE_REFLECT101, DID_REFLECT101},
    {"wrap", RULE_WRAP, DID_WRAP},
};

/* A tag, its sentence, and for border rules the rule's name and the part
 * after "matches " when the rule in force is unknown. */
typedef struct tag_sentence {
    const char *tag;
    const char *sentence;
    const char *border;
    const char *border_tail;
} tag_sentence;

static const tag_sentence sentences[] = {
    /* found in the data */
    {"shifted-down",
     "your result is the expected one moved down by 1 row: you have at (y, x) what belongs at "
     "(y - 1, x); a row index is off (check y + i and the padding at the top).",
     NULL, NULL},
    {"shifted-up",
     "your result is the expected one moved up by 1 row: you have at (y, x) what belongs at "
     "(y + 1, x); a row index is off (check y + i and the padding at the top).",
     NULL, NULL},
    {"shifted-right",
     "your result is the expected one moved right by 1 column: you have at (y, x) what belongs "
     "at (y, x - 1); a column index is off (check x + j and the padding on the left).",
     NULL, NULL},
    {"shifted-left",
     "your result is the expected one moved left by 1 column: you have at (y, x) what belongs "
     "at (y, x + 1); a column index is off (check x + j and the padding on the left).",
     NULL, NULL},
    {"transposed",
     "your result is the expected one transposed (rows and columns swapped): row y, column x "
     "is data[(y*w + x)*c + ch]; check that y goes with the height and x with the width.",
     NULL, NULL},
    {"all-zeros",
     "every value you returned is 0: the results never reached out (cl_image_alloc fills it "
     "with zeros); check that you store each result in out->data.",
     NULL, NULL},
    {"truncated",
     "your values are the expected ones with the fraction cut off: a sum or a result went "
     "through an int; keep it a float.",
     NULL, NULL},
    {"clipped",
     "your values are clipped to 0..255, but the expected result leaves that range: a "
     "correlation can be negative or above 255; clip only when converting to 8 bits "
     "(to_uint8).",
     NULL, NULL},
    {"channels-swapped",
     "your channels come out in another order (RGB reversed to BGR is the common case): "
     "channels are the last axis, index ((b*h + y)*w + x)*c + ch; check which channel you read "
     "and which you write.",
     NULL, NULL},
    {"border-only",
     "only the border is wrong, the inside is right: the values read outside the image (the "
     "padding) follow the wrong border rule or the wrong amounts.",
     NULL, NULL},
    {"wrong-size",
     "your output has the wrong size: compute it with this operation's output-size formula "
     "(see the comment above the function).",
     NULL, NULL},
    /* precomputed outputs of known mistakes */
    {"kernel-flipped",
     "your result matches the kernel flipped in both axes: this is a cross-correlation, it "
     "does not flip the kernel (only true convolution does).",
     NULL, NULL},
    {"kernel-not-flipped",
     "true convolution flips the kernel in both axes before correlating: use flip_kernel.",
     NULL, NULL},
    {"border-zero", "your border values match " TAIL_ZERO, "zero", TAIL_ZERO},
    {"border-replicate", "your border values match " TAIL_REPLICATE, "replicate",
     TAIL_REPLICATE},
    {"border-reflect", "your border values match " TAIL_REFLECT, "reflect", TAIL_REFLECT},
    {"border-reflect101", "your border values match " TAIL_REFLECT101, "reflect101",
     TAIL_REFLECT101},
    {"border-wrap", "your border values match " TAIL_WRAP, "wrap", TAIL_WRAP},
    {"same-split-torch",
     "same-mode padding is split the PyTorch way (extra pixel before); the TF/Keras rule puts "
     "total/2 before and the extra pixel after.",
     NULL, NULL},
    {"avg-counts-padding",
     "your average divides by the whole window; padded cells must not count: divide by the "
     "number of real pixels in the window.",
     NULL, NULL},
    {"max-pads-with-zero",
     "padded cells took part in the max as zeros; they must be ignored (this matters when all "
     "real values are negative).",
     NULL, NULL},
    {"bilinear-align-corners",
     "you used align_corners=True coordinates; the kit uses half-pixel centers: src = "
     "(y + 0.5)/f - 0.5, clamped at 0.",
     NULL, NULL},
    {"bilinear-no-half-pixel",
     "you used src = y/f without the half-pixel shift; the kit uses half-pixel centers: src = "
     "(y + 0.5)/f - 0.5, clamped at 0.",
     NULL, NULL},
    {"nearest-rounds",
     "nearest upsampling takes in(y / f) with integer division (floor), not rounding.", NULL,
     NULL},
    {"bias-per-input-channel",
     "the bias is added once per input channel; add it once per output value, after the sum.",
     NULL, NULL},
    {"bias-missing", "the bias was not added.", NULL, NULL},
    {"transpose-crop-other-side",
     "the same-mode output is cropped from the wrong side of the full scatter: start at "
     "max(k - s, 0) / 2.",
     NULL, NULL},
    {"weights-transposed-layout",
     "the weights are indexed in the wrong layout: Keras Conv2D is kh x kw x cin x cout, index "
     "((i*kw + j)*cin + ci)*cout + co.",
     NULL, NULL},
    {"to-uint8-rounds-half-up",
     "2.5 must round to 2 (round half to even, like lrintf), not to 3.", NULL, NULL},
    {"to-uint8-truncates",
     "your values are truncated: a cast to uint8_t cuts the fraction off (2.7 becomes 2); "
     "round "
     "to the nearest first, halves to even (nearbyintf or lrintf), then clamp to 0..255.",
     NULL, NULL},
    {"threshold-ge",
     "values equal to the threshold must become 0: the test is in > thresh, not >=.", NULL,
     NULL},
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

void cl_fb_set_diag_(cl_verdict *v, const char *tag, const char *fmt, ...)
{
    snprintf(v->tag, sizeof v->tag, "%s", tag);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->diagnosis, sizeof v->diagnosis, fmt, ap);
    va_end(ap);
}

void cl_fb_set_tag_sentence_(cl_verdict *v, const char *tag)
{
    cl_fb_set_diag_(v, tag, "%s", cl_mistake_sentence(tag));
}

/* Sentences that depend on the function checked. function NULL: any
 * function, and the sentence is text, the function's name, then after;
 * else text is the sentence for that function (after is NULL). Entries for
 * one function come before the entry for any. */
typedef struct function_sentence {
    const char *tag, *function, *text, *after;
} function_sentence;

static const function_sentence function_sentences[] = {
    {"kernel-flipped", NULL, "your result matches the kernel flipped in both axes: ",
     " is a cross-correlation, it does not flip the kernel (only true convolution does)."},
    {"weights-transposed-layout", "conv2d_transpose",
     "the weights are indexed in the wrong layout: Keras Conv2DTranspose is kh x kw x cout x "
     "cin, index ((i*kw + j)*cout + co)*cin + ci.",
     NULL},
};

#define NFUNCTION_SENTENCES ((int)(sizeof function_sentences / sizeof function_sentences[0]))

/* The sentence of tag in the words of chk->function, or NULL. */
static const function_sentence *find_function_sentence(const char *tag, const char *function)
{
    if (function == NULL || function[0] == '\0')
        return NULL;
    for (int i = 0; i < NFUNCTION_SENTENCES; i++) {
        const function_sentence *f = &function_sentences[i];
        if (strcmp(f->tag, tag) == 0 &&
            (f->function == NULL || strcmp(f->function, function) == 0))
            return f;
    }
    return NULL;
}

/* The words of the border rule called name, or NULL. */
static const border_words *find_border(const char *name)
{
    for (int i = 0; name != NULL && i < (int)(sizeof borders / sizeof borders[0]); i++)
        if (strcmp(borders[i].name, name) == 0)
            return &borders[i];
    return NULL;
}

/* The part after "matches " for the border rule of s when in_force is the
 * case's rule (NULL: unknown): the two reflections are contrasted by the
 * edge pixel, other pairs name both rules. */
static void border_tail(cl_fb_text_ *t, const tag_sentence *s, const char *in_force)
{
    const border_words *x = find_border(s->border), *y = find_border(in_force);
    int reflections =
        y != NULL && strncmp(x->name, "reflect", 7) == 0 && strncmp(y->name, "reflect", 7) == 0;
    if (y == NULL || y == x || reflections)
        cl_fb_text_add_(t, "%s", s->border_tail);
    else
        cl_fb_text_add_(t, "%s: %s, but this case uses %s.", x->rule, x->did, y->rule);
}

/* v gets the tag of a matching precomputed mistake and its sentence in the
 * words of the check: the function's, the border rule in force, and "only
 * the border is wrong" for a border rule when border_only holds. */
static void set_mistake_diag(const cl_check *chk, const tag_sentence *s, int border_only,
                             cl_verdict *v)
{
    const function_sentence *f = find_function_sentence(s->tag, chk->function);
    cl_fb_text_ t = cl_fb_text_on_(v->diagnosis, sizeof v->diagnosis);
    snprintf(v->tag, sizeof v->tag, "%s", s->tag);
    if (s->border != NULL) {
        cl_fb_text_add_(&t, "%s",
                        border_only ? "only the border is wrong, and it matches "
                                    : "your border values match ");
        border_tail(&t, s, chk->border);
    } else if (f != NULL && f->after != NULL) {
        cl_fb_text_add_(&t, "%s%s%s", f->text, chk->function, f->after);
    } else {
        cl_fb_text_add_(&t, "%s", f != NULL ? f->text : s->sentence);
    }
}

/* ================================================= evidence in the data */

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
int cl_fb_transposed_matches_(const cl_image *exp, const cl_image *got, cl_fb_tol_ t)
{
    if (got->n != exp->n || got->c != exp->c || got->h != exp->w || got->w != exp->h ||
        exp->h < 2 || exp->w < 2)
        return 0;
    for (int b = 0; b < got->n; b++)
        for (int y = 0; y < got->h; y++)
            for (int x = 0; x < got->w; x++)
                for (int ch = 0; ch < got->c; ch++)
                    if (!cl_fb_close_to_(cl_fb_at_(exp, b, x, y, ch),
                                         cl_fb_at_(got, b, y, x, ch), t))
                        return 0;
    return 1;
}

/* got(y, x) matches exp(y - dy, x - dx) wherever both exist (at least 4
 * pixels), and that explains at least half of the wrong values. */
static int shift_matches(const cl_image *exp, const cl_image *got, int dy, int dx, cl_fb_tol_ t,
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
                    float g = cl_fb_at_(got, b, y, x, ch);
                    if (!cl_fb_close_to_(cl_fb_at_(exp, b, y - dy, x - dx, ch), g, t))
                        return 0;
                    inside += !cl_fb_close_to_(cl_fb_at_(exp, b, y, x, ch), g, t);
                }
    return inside > 0 && 2 * inside >= mismatches;
}

static const struct {
    int dy, dx;
    const char *tag;
} shifts[] = {{1, 0, "shifted-down"},
              {-1, 0, "shifted-up"},
              {0, 1, "shifted-right"},
              {0, -1, "shifted-left"}};

/* Looks for a shift by 1, then by 2; returns 1 and the tag and amount. */
static int find_shift(const cl_image *exp, const cl_image *got, cl_fb_tol_ t, size_t mismatches,
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
    cl_fb_set_diag_(
        v, shifts[which].tag,
        "your result is the expected one moved %s by %d %s%s: you have at (y, x) what "
        "belongs at %s; %s",
        dir, d, unit, d > 1 ? "s" : "", src,
        dy != 0 ? "a row index is off (check y + i and the padding at the top)."
                : "a column index is off (check x + j and the padding on the left).");
}

/* got's channel ch matches exp's channel perm[ch] everywhere. */
static int perm_matches(const cl_image *exp, const cl_image *got, const int *perm, cl_fb_tol_ t)
{
    size_t pixels = (size_t)exp->n * exp->h * exp->w;
    int c = exp->c;
    for (size_t p = 0; p < pixels; p++)
        for (int ch = 0; ch < c; ch++)
            if (!cl_fb_close_to_(exp->data[p * c + perm[ch]], got->data[p * c + ch], t))
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
static int find_channel_perm(const cl_image *exp, const cl_image *got, cl_fb_tol_ t, int *perm)
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
    cl_fb_text_ a = cl_fb_text_on_(yours, sizeof yours),
                b = cl_fb_text_on_(theirs, sizeof theirs);
    int reversed = 1, first = -1;
    for (int ch = 0; ch < c; ch++) {
        if (c <= 8) {
            cl_fb_text_add_(&a, "%s%d", ch > 0 ? ", " : "", ch);
            cl_fb_text_add_(&b, "%s%d", ch > 0 ? ", " : "", perm[ch]);
        }
        reversed = reversed && perm[ch] == c - 1 - ch;
        if (first < 0 && perm[ch] != ch)
            first = ch;
    }
    if (c <= 8)
        cl_fb_set_diag_(v, "channels-swapped",
                        "your channels %s hold the expected channels %s%s: %s", yours, theirs,
                        c == 3 && reversed ? " (RGB reversed to BGR)" : "", tail);
    else
        cl_fb_set_diag_(v, "channels-swapped",
                        "your channel %d holds the expected channel %d: %s", first, perm[first],
                        tail);
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
static int mapped_matches(const cl_image *exp, const cl_image *got, cl_fb_tol_ t,
                          float (*f)(float))
{
    size_t count = cl_image_count(exp);
    int changes = 0;
    for (size_t i = 0; i < count; i++) {
        float e = exp->data[i];
        if (!isfinite(e))
            return 0;
        float fe = f(e);
        if (!cl_fb_close_to_(fe, got->data[i], t))
            return 0;
        changes = changes || !cl_fb_close_to_(e, fe, t);
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
        cl_fb_set_diag_(
            v, "clipped",
            "your negative values became 0, but the expected result goes down to %.6g: a "
            "correlation can be negative; %s",
            (double)lo, tail);
    else if (lo >= 0.0f)
        cl_fb_set_diag_(v, "clipped",
                        "your values stop at 255, but the expected result goes up to %.6g: a "
                        "correlation can exceed 255; %s",
                        (double)hi, tail);
    else
        cl_fb_set_diag_(
            v, "clipped",
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
static int border_only(const cl_image *exp, const cl_image *got, cl_fb_tol_ t, int band)
{
    if (band <= 0 || exp->h <= 2 * band || exp->w <= 2 * band)
        return 0;
    for (int b = 0; b < exp->n; b++)
        for (int y = 0; y < exp->h; y++)
            for (int x = 0; x < exp->w; x++) {
                if (in_band(y, x, exp->h, exp->w, band))
                    continue;
                for (int ch = 0; ch < exp->c; ch++)
                    if (!cl_fb_close_to_(cl_fb_at_(exp, b, y, x, ch),
                                         cl_fb_at_(got, b, y, x, ch), t))
                        return 0;
            }
    return 1;
}

/* The evidence found in the values, in the order of feedback.h (same shape). */
static void diagnose_values(const cl_check *chk, const cl_image *got, cl_verdict *v)
{
    const cl_image *exp = chk->expected;
    cl_fb_tol_ t = cl_fb_check_tol_(chk);
    int varied = distinct_upto(exp, 3) >= 3, which, amount;
    int *perm = exp->c >= 2 ? malloc((size_t)exp->c * sizeof *perm) : NULL;
    if (all_zeros(got))
        cl_fb_set_tag_sentence_(v, "all-zeros");
    else if (varied && cl_fb_transposed_matches_(exp, got, t))
        cl_fb_set_tag_sentence_(v, "transposed");
    else if (varied && find_shift(exp, got, t, v->cmp.mismatches, &which, &amount))
        set_shift_diag(v, which, amount);
    else if (perm != NULL && find_channel_perm(exp, got, t, perm))
        set_channels_diag(v, perm, exp->c);
    else if (mapped_matches(exp, got, t, f_trunc) || mapped_matches(exp, got, t, f_floor))
        cl_fb_set_tag_sentence_(v, "truncated");
    else if (mapped_matches(exp, got, t, f_clamp255))
        set_clipped_diag(v, exp, 0);
    else if (mapped_matches(exp, got, t, f_clamp0))
        set_clipped_diag(v, exp, 1);
    else if (border_only(exp, got, t, chk->border_band))
        cl_fb_set_tag_sentence_(v, "border-only");
    free(perm);
}

/* ============================================= precomputed mistakes */

/* 1 when every value of got is within the tolerance around ref. */
static int all_close(const cl_image *ref, const cl_image *got, cl_fb_tol_ t)
{
    size_t count = cl_image_count(ref);
    for (size_t i = 0; i < count; i++)
        if (!cl_fb_close_to_(ref->data[i], got->data[i], t))
            return 0;
    return 1;
}

/* got is the output of mistake m: same shape, within the check's tolerance,
 * and the mistake's output differs from the expected one. */
static int mistake_matches(const cl_check *chk, const cl_mistake *m, const cl_image *got)
{
    const cl_image *out = m->output;
    cl_fb_tol_ t = cl_fb_check_tol_(chk);
    if (m->tag == NULL || !cl_fb_usable_(out) || !cl_fb_same_shape_(out, got))
        return 0;
    if (cl_fb_same_shape_(out, chk->expected) && all_close(chk->expected, out, t))
        return 0;
    return all_close(out, got, t);
}

static int diagnose_mistakes(const cl_check *chk, const cl_image *got, int same, cl_verdict *v)
{
    for (int i = 0; i < chk->nmistakes; i++) {
        const cl_mistake *m = &chk->mistakes[i];
        if (!mistake_matches(chk, m, got))
            continue;
        const tag_sentence *s = find_sentence(m->tag);
        if (s == NULL)
            cl_fb_set_diag_(v, m->tag, "your result matches the known mistake \"%s\".", m->tag);
        else
            set_mistake_diag(
                chk, s,
                s->border != NULL && same &&
                    border_only(chk->expected, got, cl_fb_check_tol_(chk), chk->border_band),
                v);
        return 1;
    }
    return 0;
}

void cl_fb_diagnose_(const cl_check *chk, const cl_image *got, int same, cl_verdict *v)
{
    if (chk->mistakes != NULL && diagnose_mistakes(chk, got, same, v))
        return;
    if (same) {
        if (!chk->values_explained)
            diagnose_values(chk, got, v);
    } else
        cl_fb_diagnose_size_(chk, got, v);
}
