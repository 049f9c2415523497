/* verdict.c -- the verdict of a compare case (see verdict.h).
 *
 * The words are the student suite's (tests/student/suite.c): a student reads
 * the same message from `make test` and from the grader.
 */
#include "verdict.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ mistakes */

int cl_verdict_mistakes_load(const cl_case *c, const char *dir, cl_verdict_mistakes *m)
{
    char path[600];
    memset(m, 0, sizeof *m);
    for (int i = 0; dir && m->n < CL_VERDICT_MAX_MISTAKES &&
                    cl_case_mistake(c, i, m->tags[m->n], sizeof m->tags[m->n]);
         i++) {
        cl_case_expected_path(path, sizeof path, dir, c->id, m->tags[m->n]);
        if (cl_image_read_npy(&m->images[m->n], path, NULL) != CL_OK) continue;
        m->list[m->n].tag = m->tags[m->n];
        m->list[m->n].output = &m->images[m->n];
        m->n++;
    }
    return m->n;
}

void cl_verdict_mistakes_free(cl_verdict_mistakes *m)
{
    if (!m) return;
    for (int i = 0; i < CL_VERDICT_MAX_MISTAKES; i++) cl_image_free(&m->images[i]);
    memset(m, 0, sizeof *m);
}

const char *cl_verdict_picture_path(const cl_case *c, const char *dir, char *buf, size_t size)
{
    if (!dir || c->fn == CL_FN_CONV_OUTPUT_SIZE) return NULL;
    snprintf(buf, size, "%s/%s.png", dir, c->id);
    return buf;
}

/* ----------------------------------------------------- conv_output_size */

/* The formula of conv_output_size for one row, with its numbers. */
static void size_formula(char *buf, size_t size, cl_mode m, int in, int k, int s, int want)
{
    if (want < 0)
        snprintf(buf, size,
                 "in valid mode a kernel of %d does not fit in %d: return a negative status "
                 "such as CL_E_SHAPE",
                 k, in);
    else if (m == CL_MODE_VALID)
        snprintf(buf, size, "valid mode gives (in - k) / stride + 1 = (%d - %d) / %d + 1 = %d", in,
                 k, s, want);
    else if (m == CL_MODE_SAME)
        snprintf(buf, size, "same mode gives ceil(in / stride) = ceil(%d / %d) = %d", in, s, want);
    else
        snprintf(buf, size,
                 "full mode gives (in + k - 2) / stride + 1 = (%d + %d - 2) / %d + 1 = %d", in, k,
                 s, want);
}

/* Known wrong formulas of conv_output_size (-1 stands for an error). */
static int sz_valid_no_plus1(int i, int k, int s)
{
    return i >= k ? (i - k) / s : -1;
}
static int sz_valid_no_stride(int i, int k, int s)
{
    return (void)s, i >= k ? i - k + 1 : -1;
}
static int sz_valid_ceil(int i, int k, int s)
{
    return i >= k ? (i - k + s - 1) / s + 1 : -1;
}
static int sz_valid_plus1_divided(int i, int k, int s)
{
    return i >= k ? (i - k + 1) / s : -1;
}
static int sz_valid_no_check(int i, int k, int s)
{
    return (i - k) / s + 1;
}
static int sz_same_floor(int i, int k, int s)
{
    return (void)k, i / s;
}
static int sz_same_no_stride(int i, int k, int s)
{
    return (void)k, (void)s, i;
}
static int sz_full_no_stride(int i, int k, int s)
{
    return (void)s, i + k - 1;
}
static int sz_full_no_plus1(int i, int k, int s)
{
    return (i + k - 2) / s;
}
static int sz_full_ceil(int i, int k, int s)
{
    return (i + k - 2 + s - 1) / s + 1;
}
static int sz_valid(int i, int k, int s)
{
    return i >= k ? (i - k) / s + 1 : -1;
}

static const struct {
    cl_mode mode;
    int (*size)(int in, int k, int stride);
    const char *text;
} size_mistakes[] = {
    {CL_MODE_VALID, sz_valid_no_plus1, "the valid-mode size without the + 1: (in - k) / stride"},
    {CL_MODE_VALID, sz_valid_no_stride, "the valid-mode size without the stride: in - k + 1"},
    {CL_MODE_VALID, sz_valid_ceil, "the valid-mode size rounded up instead of down"},
    {CL_MODE_VALID, sz_valid_plus1_divided,
     "the + 1 divided by the stride too: (in - k + 1) / stride"},
    {CL_MODE_VALID, sz_valid_no_check,
     "no check that the kernel fits: when in < k, return an error "
     "(a negative status such as CL_E_SHAPE), not a size"},
    {CL_MODE_SAME, sz_same_floor,
     "the same-mode size rounded down instead of up: in / stride; the "
     "ceiling is (in + stride - 1) / stride"},
    {CL_MODE_SAME, sz_same_no_stride, "the same-mode size without the stride: in"},
    {CL_MODE_SAME, sz_valid, "the valid-mode size"},
    {CL_MODE_FULL, sz_full_no_stride, "the full-mode size without the stride: in + k - 1"},
    {CL_MODE_FULL, sz_full_no_plus1, "the full-mode size without the + 1: (in + k - 2) / stride"},
    {CL_MODE_FULL, sz_full_ceil, "the full-mode size rounded up instead of down"},
    {CL_MODE_FULL, sz_valid, "the valid-mode size"},
};

/* "Likely cause: ..." when every size of the table fits a known mistake. */
static void size_diagnosis(const cl_case_args *a, const cl_image *got, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t m = 0; m < sizeof size_mistakes / sizeof size_mistakes[0]; m++) {
        int all = size_mistakes[m].mode == a->mode;
        for (int row = 0, in, k, s; all && cl_case_size_row(a, row, &in, &k, &s); row++) {
            int want = size_mistakes[m].size(in, k, s);
            all = row < (int)cl_image_count(got) && (float)(want < 0 ? -1 : want) == got->data[row];
        }
        if (all) {
            snprintf(buf, size, "\nLikely cause: your sizes are %s.", size_mistakes[m].text);
            return;
        }
    }
}

static const char *mode_caps(cl_mode m)
{
    return m == CL_MODE_VALID ? "VALID" : m == CL_MODE_SAME ? "SAME" : "FULL";
}

/* conv_output_size: the first wrong row of the table, as a call. */
static void check_sizes(const cl_case_data *d, const cl_case_output *o, const cl_image *expected,
                        cl_verdict *v)
{
    size_t n = cl_image_count(expected), wrong = 0, first = 0;
    for (size_t i = 0; i < n && i < cl_image_count(&o->out); i++)
        if (o->out.data[i] != expected->data[i] && wrong++ == 0) first = i;
    v->passed = wrong == 0 && n == cl_image_count(&o->out);
    if (v->passed || wrong == 0) {
        if (!v->passed)
            snprintf(v->message, sizeof v->message,
                     "conv_output_size: %zu sizes came back for a table of %zu calls.",
                     cl_image_count(&o->out), n);
        return;
    }
    int in, k, s, want = (int)expected->data[first], got = (int)o->out.data[first];
    char formula[256], have[48], why[256];
    cl_case_size_row(&d->args, (int)first, &in, &k, &s);
    size_formula(formula, sizeof formula, d->args.mode, in, k, s, want);
    if (got < 0)
        snprintf(have, sizeof have, "a negative status (an error)");
    else
        snprintf(have, sizeof have, "%d", got);
    size_diagnosis(&d->args, &o->out, why, sizeof why);
    snprintf(v->message, sizeof v->message,
             "conv_output_size(in=%d, k=%d, stride=%d, CL_MODE_%s) returned %s; %s.\n"
             "%zu of the %zu calls of this table are wrong.%s",
             in, k, s, mode_caps(d->args.mode), have, formula, wrong, n, why);
}

/* -------------------------------------------------------------- compare */

int cl_verdict_compare(const cl_case *c, const cl_case_data *d, const cl_case_output *o,
                       const cl_image *expected, const cl_verdict_mistakes *m,
                       const char *picture_path, cl_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (c->fn == CL_FN_CONV_OUTPUT_SIZE) {
        check_sizes(d, o, expected, v);
        return CL_OK;
    }
    cl_check chk = {
        .function = cl_fn_name(c->fn),
        .case_id = c->id,
        .input = d->input.data ? &d->input : NULL,
        .expected = expected,
        .atol = o->atol,
        .rtol = o->rtol,
        .mistakes = m ? m->list : NULL,
        .nmistakes = m ? m->n : 0,
        .size = o->size,
        .border_band = o->border_band,
        .picture_path = picture_path,
        .border = o->border,
    };
    int st = cl_feedback_check(&chk, &o->out, v);
    if (st != CL_OK) {
        v->passed = 0;
        snprintf(v->message, sizeof v->message, "the comparison could not run: %s",
                 cl_last_error());
    }
    return st;
}
