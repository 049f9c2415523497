/* feedback_size.c -- why an output has the wrong size (see feedback.h for the
 * size contexts, feedback_internal.h for cl_fb_diagnose_size_).
 *
 * An output of another shape than the expected one is explained, in order:
 *   - transposed (got holds the expected values with rows and columns
 *     swapped), or only its height and width swapped;
 *   - get_subimages: the windows' grid, a missing + 1, the channels left out;
 *   - a wrong height or width: the usual mistake whose formula gives the
 *     size found, with the formula in the axis's names and with its
 *     numbers, then the correct formula of the mode. The mistake that
 *     explains the most wins (formula_fit: both axes, the wrong right and
 *     the right unchanged, before the wrong axes alone), then the first in
 *     its table (the mode in force first);
 *   - a wrong number of channels, then of images.
 *
 * Sections: the formulas of each rule, choosing the formula, the sentences.
 */
#include "feedback_internal.h"

#include <stdio.h>
#include <string.h>

/* ====================================================== the formulas */

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
static long long sz_in_over_s_full(const axis *a)
{
    return a->in / a->s + a->k - 1;
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

/* Most specific first: the mistakes of the mode in force, then the stride
 * left out or misplaced, then the size of another mode. */
static const size_formula conv_wrong[] = {
    {"the full-mode size with K - 1 padding on one side only", "(I + (K - 1) - K)/S + 1",
     sz_full_one_side, F_},
    {"the full-mode size with the stride applied to the input size", "I/S + K - 1",
     sz_in_over_s_full, F_ | STRIDED},
    {"the valid-mode size rounded up instead of down", "ceil((I - K)/S) + 1", sz_valid_ceil,
     V_},
    {"the full-mode size rounded up instead of down", "ceil((I + K - 2)/S) + 1", sz_full_ceil,
     F_},
    {"the same-mode size rounded down instead of up", "I/S", sz_in_over_s, S_},
    {"the valid-mode size without the + 1", "(I - K)/S", sz_valid_no_plus1, V_},
    {"the valid-mode size with the + 1 divided by the stride too", "(I - K + 1)/S",
     sz_valid_plus1_divided, V_},
    {"the full-mode size without the + 1", "(I + K - 2)/S", sz_full_no_plus1, F_},
    {"the valid-mode size without the stride", "I - K + 1", sz_valid_nostride,
     WHEN_ALL | STRIDED},
    {"the same-mode size without the stride", "I", sz_input, WHEN_ALL | STRIDED},
    {"the full-mode size without the stride", "I + K - 1", sz_full_nostride,
     WHEN_ALL | STRIDED},
    {"the input size divided by the stride", "I/S", sz_in_over_s, V_ | F_ | STRIDED},
    {"the size with the stride applied to the input before the window", "I/S - K + 1",
     sz_in_over_s_window, WHEN_ALL},
    {"the valid-mode size", "(I - K)/S + 1", sz_valid, S_ | F_},
    {"the same-mode size", "ceil(I/S)", sz_same, V_ | F_},
    {"the full-mode size", "(I + K - 2)/S + 1", sz_full, V_ | S_},
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
    {"the size of a forward (not transposed) convolution", "(I - K)/S + 1", sz_valid, WHEN_ALL},
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

/* ================================================ choosing the formula */

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
static void render(cl_fb_text_ *t, const char *tmpl, const axis *a, int numbers)
{
    const char *keys = "IKSAB";
    const long long vals[5] = {a->in, a->k, a->s, a->a, a->b};
    for (const char *p = tmpl; *p != '\0'; p++) {
        const char *k = strchr(keys, *p);
        if (k == NULL)
            cl_fb_text_add_(t, "%c", *p);
        else if (numbers)
            cl_fb_text_add_(t, "%lld", vals[k - keys]);
        else
            cl_fb_text_add_(t, "%s", a->sym[k - keys]);
    }
}

/* "ceil(H/sy) = ceil(5/1) = 5 rows" */
static void render_value(cl_fb_text_ *t, const size_formula *f, const axis *a)
{
    render(t, f->expr, a, 0);
    cl_fb_text_add_(t, " = ");
    render(t, f->expr, a, 1);
    cl_fb_text_add_(t, " = %lld %s", f->size(a), a->noun);
}

/* 1 when f applies under this mode and gives got for the axis (and not the
 * expected size). */
static int formula_gives(const size_formula *f, const size_rule *r, cl_mode mode, const axis *a,
                         long long got, long long want)
{
    if ((r->uses_mode && !(f->when & WHEN(mode))) || ((f->when & STRIDED) && a->s == 1))
        return 0;
    long long s = f->size(a);
    return s >= 1 && s == got && s != want;
}

/* How well f explains the sizes got (want: the expected ones):
 *   3  it gives got on both axes: the wrong ones, and on a right one the
 *      right size too (a formula that would have changed that axis as well
 *      does not explain this output);
 *   2  it gives every wrong axis;
 *   1  it gives the first wrong axis;
 *   0  none of these. */
static int formula_fit(const size_formula *f, const size_rule *r, cl_mode mode,
                       const axis ax[2], const long long got[2], const long long want[2])
{
    int first = got[0] != want[0] ? 0 : 1, wrong_axes = 1, right_axes = 1;
    if (!formula_gives(f, r, mode, &ax[first], got[first], want[first]))
        return 0;
    for (int k = 0; k < 2; k++) {
        if (got[k] != want[k])
            wrong_axes = wrong_axes && formula_gives(f, r, mode, &ax[k], got[k], want[k]);
        else
            right_axes = right_axes && f->size(&ax[k]) == got[k];
    }
    return wrong_axes ? 2 + right_axes : 1;
}

/* The first mistake of the best fit (formula_fit), or NULL; *axis_out gets
 * the axis to explain (the first wrong one), *fit_out the fit. */
static const size_formula *find_size_formula(const size_rule *r, cl_mode mode, const axis ax[2],
                                             const long long got[2], const long long want[2],
                                             int *axis_out, int *fit_out)
{
    const size_formula *best = NULL;
    *axis_out = got[0] != want[0] ? 0 : 1;
    *fit_out = 0;
    for (int i = 0; i < r->nwrong; i++) {
        int fit = formula_fit(&r->wrong[i], r, mode, ax, got, want);
        if (fit > *fit_out) {
            best = &r->wrong[i];
            *fit_out = fit;
        }
    }
    return best;
}

/* Another mistake that explains the sizes as well as found does (fit), or
 * NULL. */
static const size_formula *other_formula(const size_rule *r, cl_mode mode, const axis ax[2],
                                         const long long got[2], const long long want[2],
                                         const size_formula *found, int fit)
{
    for (int i = 0; i < r->nwrong; i++) {
        const size_formula *f = &r->wrong[i];
        if (f != found && strcmp(f->label, found->label) != 0 &&
            formula_fit(f, r, mode, ax, got, want) >= fit)
            return f;
    }
    return NULL;
}

/* ======================================================= the sentences */

/* "6x5 is the same-mode size: ceil(H/sy) = ceil(6/1) = 6 rows; valid mode
 * gives (H - kh)/sy + 1 = (6 - 3)/1 + 1 = 4 rows." */
static int spatial_sentence(const cl_size_context *z, const cl_image *exp, const cl_image *got,
                            cl_fb_text_ *t)
{
    size_rule r;
    axis ax[2];
    if (!rule_of(z, &r) || !axes_of(z, ax))
        return 0;
    const long long got_hw[2] = {got->h, got->w}, want[2] = {exp->h, exp->w};
    int k, fit;
    const size_formula *f = find_size_formula(&r, z->mode, ax, got_hw, want, &k, &fit);
    char shape[64];
    cl_fb_shape_words_(got, cl_fb_shape_width_(got, exp), shape, sizeof shape);
    if (f != NULL) {
        cl_fb_text_add_(t, "%s is ", shape);
        render(t, f->label, &ax[k], 0);
        cl_fb_text_add_(t, ": ");
        render_value(t, f, &ax[k]);
        const size_formula *g = other_formula(&r, z->mode, ax, got_hw, want, f, fit);
        if (g != NULL) {
            cl_fb_text_add_(t, " (");
            render(t, g->label, &ax[k], 0);
            cl_fb_text_add_(t, " too)");
        }
        cl_fb_text_add_(t, "; %s gives ", r.correct->label);
    } else {
        cl_fb_text_add_(t, "your %lld %s match no usual mistake; %s gives ", got_hw[k],
                        ax[k].noun, r.correct->label);
    }
    render_value(t, r.correct, &ax[k]);
    cl_fb_text_add_(t, ".");
    return 1;
}

/* get_subimages: 1 x (OH*OW) x (kh*kw*C) x 1, one window per row. */
static int windows_sentence(const cl_size_context *z, const cl_image *got, cl_fb_text_ *t)
{
    long long C = z->in_c > 0 ? z->in_c : 1, H = z->in_h, W = z->in_w, kh = z->kh, kw = z->kw;
    long long oh = H - kh + 1, ow = W - kw + 1, rows = oh * ow, cols = kh * kw * C;
    if (kh < 1 || kw < 1 || oh < 1 || ow < 1)
        return 0;
    if (got->n != 1 || got->c != 1) {
        cl_fb_text_add_(
            t,
            "get_subimages returns a 2-D result, 1 x (OH*OW) x (kh*kw*C) x 1 = 1 x %lld "
            "x %lld x 1: one window per row.",
            rows, cols);
        return 1;
    }
    if (got->h == oh && got->w == ow) {
        cl_fb_text_add_(
            t,
            "your output is OH x OW = %lldx%lld, the grid of windows; each window goes "
            "on a row of its own: OH*OW = %lld rows of kh*kw*C = %lld values.",
            oh, ow, rows, cols);
        return 1;
    }
    const char *sep = "your output has ";
    if (got->h != rows) {
        if (got->h == (H - kh) * (W - kw))
            cl_fb_text_add_(t,
                            "%s(H - kh)*(W - kw) = %d rows: the + 1 is missing, there are "
                            "(H - kh + 1)*(W - kw + 1) = %lld windows",
                            sep, got->h, rows);
        else if (got->h == H * W)
            cl_fb_text_add_(
                t,
                "%sH*W = %d rows, one per pixel: only (H - kh + 1)*(W - kw + 1) = %lld "
                "windows fit inside the image",
                sep, got->h, rows);
        else
            cl_fb_text_add_(
                t,
                "%s%d rows, but there are (H - kh + 1)*(W - kw + 1) = %lld windows, one "
                "per row",
                sep, got->h, rows);
        sep = "; and ";
    }
    if (got->w != cols) {
        if (got->w == kh * kw && C > 1)
            cl_fb_text_add_(
                t,
                "%skh*kw = %d columns, without the channels: a window holds kh*kw*C = "
                "%lld values",
                sep, got->w, cols);
        else
            cl_fb_text_add_(t,
                            "%s%d columns, but a window holds kh*kw*C = %lld*%lld*%lld = %lld "
                            "values",
                            sep, got->w, kh, kw, C, cols);
    }
    cl_fb_text_add_(t, ".");
    return 1;
}

static int channels_sentence(const cl_size_context *z, const cl_image *exp, const cl_image *got,
                             cl_fb_text_ *t)
{
    int cin = z->in_c;
    if (z->rule == CL_SIZE_NONE || cin < 1)
        cl_fb_text_add_(t, "your output has %d channel%s, it should have %d.", got->c,
                        got->c == 1 ? "" : "s", exp->c);
    else if (exp->c == cin)
        cl_fb_text_add_(
            t,
            "your output has %d channel%s, it should keep the input's %d: apply the "
            "operation to each channel (channels are the last axis).",
            got->c, got->c == 1 ? "" : "s", cin);
    else if (got->c == cin)
        cl_fb_text_add_(
            t,
            "your output has the input's %d channels; it should have one per filter: "
            "cout = %d, the last axis of the weights.",
            cin, exp->c);
    else
        cl_fb_text_add_(
            t, "your output has %d channels; it should have one per filter: cout = %d.", got->c,
            exp->c);
    return 1;
}

/* The sentence that explains a wrong size, from the size context. */
static int size_sentence(const cl_check *chk, const cl_image *got, cl_fb_text_ *t)
{
    const cl_image *exp = chk->expected;
    const cl_size_context *z = &chk->size;
    if (got->h == exp->w && got->w == exp->h && got->h != got->w && got->n == exp->n &&
        got->c == exp->c) {
        cl_fb_text_add_(
            t,
            "your output is %dx%d, the expected size with rows and columns swapped: "
            "allocate n x OH x OW x c (the height first).",
            got->h, got->w);
        return 1;
    }
    if (z->rule == CL_SIZE_WINDOWS)
        return windows_sentence(z, got, t);
    if (got->h != exp->h || got->w != exp->w)
        return spatial_sentence(z, exp, got, t);
    if (got->c != exp->c)
        return channels_sentence(z, exp, got, t);
    cl_fb_text_add_(
        t,
        "your output holds %d image%s, the batch has %d: compute every image of the "
        "batch.",
        got->n, got->n == 1 ? "" : "s", exp->n);
    return 1;
}

void cl_fb_diagnose_size_(const cl_check *chk, const cl_image *got, cl_verdict *v)
{
    if (cl_fb_transposed_matches_(chk->expected, got, cl_fb_check_tol_(chk))) {
        cl_fb_set_tag_sentence_(v, "transposed");
        return;
    }
    cl_fb_text_ t = cl_fb_text_on_(v->diagnosis, sizeof v->diagnosis);
    snprintf(v->tag, sizeof v->tag, "wrong-size");
    if (!size_sentence(chk, got, &t))
        cl_fb_set_tag_sentence_(v, "wrong-size");
}
