/* mkexpected.c -- the expected outputs of the case table (kit side only: it
 * links the reference, and is not part of the student bundle).
 *
 *   mkexpected [--cases tests/cases.toml] [--images build/images] --out DIR
 *
 * For every compare case of the table writes DIR/<id>.npy, the reference's
 * output (float32, 4-D (N,H,W,C)), and DIR/<id>.<tag>.npy for each mistake
 * the case lists: the output that mistake produces on this very case,
 * computed with the reference and the small helpers below. A mistake whose
 * output equals the correct one, or the output of a mistake listed before
 * it, teaches nothing on that case and is an error (pick a case that tells
 * them apart); so are more than 8 mistakes. Exits 0, or 1 with a message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "reference.h"

/* --------------------------------------------------------------- helpers */

static int ref_call(cl_fn fn, const cl_case_data *d, cl_image *out)
{
    cl_case_output o;
    char msg[1024];
    int st = cl_case_call(fn, d, &cl_impl_reference, &o);
    if (st != CL_OK) return st;
    if (cl_case_problem(&o, fn, "harness", msg, sizeof msg)) {
        cl_case_output_free(&o);
        return cl_fail(CL_E_ARG, "the reference fails: %s", msg);
    }
    *out = o.out;
    return CL_OK;
}

/* Pads with the extra pixel before (PyTorch's split) when `torch`, else the
 * TensorFlow split, for a window k and stride s in same mode; then the
 * function runs in valid mode on the padded image. */
static int pad_same(const cl_image *in, int kh, int kw, int sy, int sx, int torch, cl_border b,
                    cl_image *out)
{
    int t, bo, l, r;
    cl_pad_amounts(in->h, kh, sy, CL_MODE_SAME, &t, &bo);
    cl_pad_amounts(in->w, kw, sx, CL_MODE_SAME, &l, &r);
    if (torch) {
        int tmp = t;
        t = bo, bo = tmp, tmp = l, l = r, r = tmp;
    }
    return cl_ref_pad_image(in, t, bo, l, r, b, out);
}

/* The case's data with the input replaced by a padded copy, in valid mode. */
static int same_by_padding(cl_fn fn, const cl_case_data *d, int torch, cl_image *out)
{
    cl_case_data p = *d;
    cl_image padded = {0};
    const cl_case_args *a = &d->args;
    int kh = fn == CL_FN_CONV2D ? d->weights.kh : fn == CL_FN_IM_CONV_OPTS ? d->kernel.h : a->ph;
    int kw = fn == CL_FN_CONV2D ? d->weights.kw : fn == CL_FN_IM_CONV_OPTS ? d->kernel.w : a->pw;
    cl_border b = fn == CL_FN_IM_CONV_OPTS ? a->border : CL_BORDER_ZERO;
    int st = pad_same(&d->input, kh, kw, a->sy, a->sx, torch, b, &padded);
    if (st != CL_OK) return st;
    p.input = padded;
    p.args.mode = p.args.padding = CL_MODE_VALID;
    st = ref_call(fn, &p, out);
    cl_image_free(&padded);
    return st;
}

/* Weights read with the other Keras layout: conv2d's as (kh,kw,cout,cin),
 * conv2d_transpose's as (kh,kw,cin,cout). */
static int weights_swapped(cl_fn fn, const cl_case_data *d, cl_image *out)
{
    cl_case_data p = *d;
    const cl_weights *w = &d->weights;
    cl_weights s = {0};
    int st = cl_weights_alloc(&s, w->kh, w->kw, w->cin, w->cout);
    int a = fn == CL_FN_CONV2D ? w->cin : w->cout, b = fn == CL_FN_CONV2D ? w->cout : w->cin;
    for (int ij = 0; st == CL_OK && ij < w->kh * w->kw; ij++)
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                s.data[(ij * a + i) * b + j] = w->data[(ij * b + j) * a + i];
    p.weights = s;
    if (st == CL_OK) st = ref_call(fn, &p, out);
    cl_weights_free(&s);
    return st;
}

/* im_conv* with the kernel flipped, or conv2d with every filter flipped in
 * both spatial axes. */
static int kernel_flipped(cl_fn fn, const cl_case_data *d, cl_image *out)
{
    cl_case_data p = *d;
    cl_image k = {0};
    cl_weights w = {0};
    int st;
    if (fn == CL_FN_CONV2D) {
        const cl_weights *src = &d->weights;
        size_t block = (size_t)src->cin * src->cout; /* the values of one (i, j) */
        st = cl_weights_alloc(&w, src->kh, src->kw, src->cin, src->cout);
        for (int i = 0; st == CL_OK && i < src->kh; i++)
            for (int j = 0; j < src->kw; j++)
                memcpy(w.data + ((size_t)i * src->kw + j) * block,
                       src->data + ((size_t)(src->kh - 1 - i) * src->kw + (src->kw - 1 - j)) * block,
                       block * sizeof(float));
        p.weights = w;
    } else if (fn == CL_FN_IM_CONV || fn == CL_FN_IM_CONV_FAST || fn == CL_FN_IM_CONV_OPTS) {
        st = cl_ref_flip_kernel(&d->kernel, &k);
        p.kernel = k;
    } else {
        return cl_fail(CL_E_ARG, "kernel-flipped is for im_conv, im_conv_fast, im_conv_opts, conv2d");
    }
    if (st == CL_OK) st = ref_call(fn, &p, out);
    cl_image_free(&k);
    cl_weights_free(&w);
    return st;
}

/* The full scatter of conv2d_transpose cropped at the other offset. */
static int transpose_other_side(const cl_case_data *d, cl_image *out)
{
    cl_case_data p = *d;
    cl_image full = {0};
    const cl_case_args *a = &d->args;
    const cl_image *in = &d->input;
    int oh = in->h * a->sy, ow = in->w * a->sx;
    /* The correct crop starts at e/2 with e = max(k - s, 0), the extra rows
     * of the full scatter; the mistake starts at e - e/2. */
    int ey = d->weights.kh > a->sy ? d->weights.kh - a->sy : 0;
    int ex = d->weights.kw > a->sx ? d->weights.kw - a->sx : 0;
    int oy = ey - ey / 2, ox = ex - ex / 2;
    p.bias = NULL, p.nbias = 0, p.args.padding = CL_MODE_VALID;
    int st = ref_call(CL_FN_CONV2D_TRANSPOSE, &p, &full);
    if (st == CL_OK) st = cl_image_alloc(out, in->n, oh, ow, full.c);
    for (int b = 0; st == CL_OK && b < in->n; b++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                for (int c = 0; c < full.c; c++) {
                    int sy = y + oy, sx = x + ox;
                    float v = sy >= 0 && sy < full.h && sx >= 0 && sx < full.w
                                  ? *cl_px(&full, b, sy, sx, c)
                                  : 0.0f;
                    *cl_px(out, b, y, x, c) = v + (d->bias ? d->bias[c] : 0.0f);
                }
    cl_image_free(&full);
    return st;
}

/* Bilinear upsampling with another coordinate rule: align corners
 * (src = y*(H-1)/(OH-1)) or no half-pixel shift (src = y/f). */
static int bilinear_variant(const cl_image *in, int fy, int fx, int align, cl_image *out)
{
    int oh = in->h * fy, ow = in->w * fx;
    int st = cl_image_alloc(out, in->n, oh, ow, in->c);
    for (int b = 0; st == CL_OK && b < in->n; b++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                double sy =
                    align ? (oh > 1 ? (double)y * (in->h - 1) / (oh - 1) : 0) : (double)y / fy;
                double sx =
                    align ? (ow > 1 ? (double)x * (in->w - 1) / (ow - 1) : 0) : (double)x / fx;
                int y0 = (int)floor(sy), x0 = (int)floor(sx);
                int y1 = y0 + 1 < in->h ? y0 + 1 : in->h - 1,
                    x1 = x0 + 1 < in->w ? x0 + 1 : in->w - 1;
                double wy = sy - y0, wx = sx - x0;
                for (int c = 0; c < in->c; c++) {
                    double top =
                        (1 - wx) * *cl_px(in, b, y0, x0, c) + wx * *cl_px(in, b, y0, x1, c);
                    double bot =
                        (1 - wx) * *cl_px(in, b, y1, x0, c) + wx * *cl_px(in, b, y1, x1, c);
                    *cl_px(out, b, y, x, c) = (float)((1 - wy) * top + wy * bot);
                }
            }
    return st;
}

/* Nearest upsampling that rounds y/f instead of truncating it. */
static int nearest_rounds(const cl_image *in, int fy, int fx, cl_image *out)
{
    int oh = in->h * fy, ow = in->w * fx;
    int st = cl_image_alloc(out, in->n, oh, ow, in->c);
    for (int b = 0; st == CL_OK && b < in->n; b++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                int sy = (int)lround((double)y / fy), sx = (int)lround((double)x / fx);
                sy = sy < in->h ? sy : in->h - 1, sx = sx < in->w ? sx : in->w - 1;
                for (int c = 0; c < in->c; c++) *cl_px(out, b, y, x, c) = *cl_px(in, b, sy, sx, c);
            }
    return st;
}

/* The pixel-wise mistakes of threshold_binary and to_uint8. */
typedef enum pixel_kind { THRESHOLD_GE, UINT8_HALF_UP, UINT8_TRUNCATES } pixel_kind;

/* A pixel-wise mistake: in >= thresh, round half up (floor(v + 0.5)), or a
 * cast that truncates (trunc(v)); to_uint8's mistakes still clamp to 0..255
 * and send NaN to 0. */
static int pixel_mistake(const cl_case_data *d, pixel_kind kind, cl_image *out)
{
    const cl_image *in = &d->input;
    int st = cl_image_alloc(out, in->n, in->h, in->w, in->c);
    for (size_t i = 0; st == CL_OK && i < cl_image_count(in); i++) {
        float v = in->data[i], r = kind == UINT8_HALF_UP ? floorf(v + 0.5f) : truncf(v);
        if (kind == THRESHOLD_GE)
            out->data[i] = v >= d->args.thresh ? d->args.maxval : 0.0f;
        else
            out->data[i] = isnan(v) ? 0.0f : fminf(fmaxf(r, 0.0f), 255.0f);
    }
    return st;
}

/* The reference's output plus `times` x bias on every output channel. */
static int bias_scaled(cl_fn fn, const cl_case_data *d, float times, cl_image *out)
{
    cl_case_data p = *d;
    if (!d->bias) return cl_fail(CL_E_ARG, "needs bias=");
    p.bias = NULL, p.nbias = 0;
    int st = ref_call(fn, &p, out);
    for (size_t i = 0; st == CL_OK && i < cl_image_count(out); i++)
        out->data[i] += times * d->bias[i % (size_t)out->c];
    return st;
}

/* ----------------------------------------------------------- the mistakes */

static int mistake_output(const cl_case *c, const cl_case_data *d, const char *tag, cl_image *out)
{
    cl_fn fn = c->fn;
    const cl_case_args *a = &d->args;
    cl_border border;
    memset(out, 0, sizeof *out);
    if (!strcmp(tag, "kernel-flipped")) return kernel_flipped(fn, d, out);
    if (!strcmp(tag, "kernel-not-flipped") && fn == CL_FN_FLIP_KERNEL)
        return a->flip ? ref_call(CL_FN_IM_CONV_OPTS, d, out) : cl_image_copy(out, &d->input);
    if (!strncmp(tag, "border-", 7) && cl_border_parse(tag + 7, &border) == CL_OK &&
        (fn == CL_FN_IM_CONV_OPTS || fn == CL_FN_PAD_IMAGE ||
         (fn == CL_FN_FLIP_KERNEL && a->flip))) {
        cl_case_data p = *d;
        p.args.border = border;
        return ref_call(fn, &p, out);
    }
    if (!strcmp(tag, "same-split-torch") && (fn == CL_FN_IM_CONV_OPTS || fn == CL_FN_CONV2D))
        return same_by_padding(fn, d, 1, out);
    if ((!strcmp(tag, "avg-counts-padding") && fn == CL_FN_AVG_POOL2D) ||
        (!strcmp(tag, "max-pads-with-zero") && fn == CL_FN_MAX_POOL2D))
        return same_by_padding(fn, d, 0, out);
    if (fn == CL_FN_UPSAMPLE && !strcmp(tag, "bilinear-align-corners"))
        return bilinear_variant(&d->input, a->fy, a->fx, 1, out);
    if (fn == CL_FN_UPSAMPLE && !strcmp(tag, "bilinear-no-half-pixel"))
        return bilinear_variant(&d->input, a->fy, a->fx, 0, out);
    if (fn == CL_FN_UPSAMPLE && !strcmp(tag, "nearest-rounds"))
        return nearest_rounds(&d->input, a->fy, a->fx, out);
    if (!strcmp(tag, "bias-per-input-channel") && fn == CL_FN_CONV2D)
        return bias_scaled(fn, d, (float)d->weights.cin, out);
    if (!strcmp(tag, "bias-missing") && (fn == CL_FN_CONV2D || fn == CL_FN_CONV2D_TRANSPOSE))
        return bias_scaled(fn, d, 0.0f, out);
    if (!strcmp(tag, "transpose-crop-other-side") && fn == CL_FN_CONV2D_TRANSPOSE &&
        a->padding == CL_MODE_SAME)
        return transpose_other_side(d, out);
    if (!strcmp(tag, "weights-transposed-layout") &&
        (fn == CL_FN_CONV2D || fn == CL_FN_CONV2D_TRANSPOSE))
        return weights_swapped(fn, d, out);
    if (!strcmp(tag, "to-uint8-rounds-half-up") && fn == CL_FN_TO_UINT8)
        return pixel_mistake(d, UINT8_HALF_UP, out);
    if (!strcmp(tag, "to-uint8-truncates") && fn == CL_FN_TO_UINT8)
        return pixel_mistake(d, UINT8_TRUNCATES, out);
    if (!strcmp(tag, "threshold-ge") && fn == CL_FN_THRESHOLD_BINARY)
        return pixel_mistake(d, THRESHOLD_GE, out);
    return cl_fail(CL_E_ARG, "mkexpected cannot compute mistake \"%s\" for %s", tag,
                   cl_fn_name(fn));
}

static int same_image(const cl_image *a, const cl_image *b)
{
    return a->n == b->n && a->h == b->h && a->w == b->w && a->c == b->c &&
           memcmp(a->data, b->data, cl_image_count(a) * sizeof(float)) == 0;
}

#define MAX_CASE_MISTAKES 8 /* the student suite reads no more (tests/student/suite.c) */

/* A mistake must tell itself apart: from the correct output, and from the
 * mistakes listed before it (the first that matches names the diagnosis). */
static int tell_apart(const cl_image *m, const char *tag, const cl_image *expected,
                      const cl_image *before, char before_tags[][48], int n)
{
    if (same_image(m, expected))
        return cl_fail(CL_E_ARG,
                       "mistake %s gives the correct output on this case: it cannot be recognised",
                       tag);
    for (int i = 0; i < n; i++)
        if (same_image(m, &before[i]))
            return cl_fail(CL_E_ARG,
                           "mistakes %s and %s give the same output on this case: they cannot be "
                           "told apart (list one)",
                           before_tags[i], tag);
    return CL_OK;
}

/* Computes, checks and writes the mistakes of c. */
static int write_mistakes(const cl_case *c, const cl_case_data *d, const cl_image *expected,
                          const char *dir, int *files)
{
    cl_image m[MAX_CASE_MISTAKES];
    char tags[MAX_CASE_MISTAKES][48], tag[48], path[600];
    int n = 0, st = CL_OK;
    for (int i = 0; st == CL_OK && cl_case_mistake(c, i, tag, sizeof tag); i++, n++) {
        if (n == MAX_CASE_MISTAKES) {
            st = cl_fail(CL_E_ARG, "more than %d mistakes: the suite reads only %d",
                         MAX_CASE_MISTAKES, MAX_CASE_MISTAKES);
            break;
        }
        snprintf(tags[n], sizeof tags[n], "%s", tag);
        st = mistake_output(c, d, tag, &m[n]); /* m[n] is zeroed first: always freeable */
        if (st == CL_OK) st = tell_apart(&m[n], tag, expected, m, tags, n);
        if (st == CL_OK)
            st = cl_image_write_npy(cl_case_expected_path(path, sizeof path, dir, c->id, tag),
                                    &m[n], 4);
        if (st == CL_OK) ++*files;
    }
    for (int i = 0; i < n && i < MAX_CASE_MISTAKES; i++) cl_image_free(&m[i]);
    return st;
}

/* Writes the expected output and the mistakes of one compare case. */
static int write_case(const cl_case *c, const char *images, const char *dir, int *files)
{
    cl_case_data d;
    cl_image expected = {0};
    char path[600];
    int st = cl_case_load(c, images, &d);
    if (st == CL_OK) st = ref_call(c->fn, &d, &expected);
    if (st == CL_OK)
        st = cl_image_write_npy(cl_case_expected_path(path, sizeof path, dir, c->id, NULL),
                                &expected, 4);
    if (st == CL_OK) ++*files;
    if (st == CL_OK) st = write_mistakes(c, &d, &expected, dir, files);
    if (st != CL_OK) st = cl_fail(st, "%s (line %d): %s", c->id, c->line, cl_last_error());
    cl_image_free(&expected);
    cl_case_data_free(&d);
    return st;
}

int main(int argc, char **argv)
{
    const char *cases = CL_DEFAULT_CASES,
               *images = cl_case_dir("CONVLAB_IMAGES", CL_DEFAULT_IMAGES), *out = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--cases"))
            cases = argv[i + 1];
        else if (!strcmp(argv[i], "--images"))
            images = argv[i + 1];
        else if (!strcmp(argv[i], "--out"))
            out = argv[i + 1];
        else
            out = NULL, i = argc;
    }
    if (!out || argc % 2 == 0) {
        fprintf(stderr, "usage: mkexpected [--cases TABLE] [--images DIR] --out DIR\n");
        return 2;
    }
    cl_case_table t;
    if (cl_case_table_read(cases, &t) != CL_OK) {
        fprintf(stderr, "mkexpected: %s\n", cl_last_error());
        return 1;
    }
    int files = 0, st = CL_OK, ncompare = 0;
    for (int i = 0; st == CL_OK && i < t.count; i++)
        if (t.cases[i].kind == CL_CASE_COMPARE) {
            ncompare++;
            st = write_case(&t.cases[i], images, out, &files);
        }
    if (st != CL_OK)
        fprintf(stderr, "mkexpected: %s\n", cl_last_error());
    else
        printf("mkexpected: %d compare cases, %d files in %s\n", ncompare, files, out);
    cl_case_table_free(&t);
    return st == CL_OK ? 0 : 1;
}
