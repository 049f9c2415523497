/* properties.c -- the properties of the case table (see properties.h).
 *
 * Each property states a fact every correct implementation obeys, calls the
 * student's functions through cl_case_call and, when the fact fails, says
 * which fact and where (through cl_feedback_check when it compares images).
 * Inputs come from the case (its input, kernel, weights and args), so the
 * table decides the sizes, borders and strides a property is checked on.
 */
#include "properties.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT(fn) (1u << (fn))
#define CONV_FNS (BIT(CL_FN_IM_CONV) | BIT(CL_FN_IM_CONV_FAST) | BIT(CL_FN_IM_CONV_OPTS))

/* ---------------------------------------------------------------- helpers */

/* Fails v with a printf-style message. */
static void say(cl_verdict *v, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void say(cl_verdict *v, const char *fmt, ...)
{
    va_list ap;
    v->passed = 0;
    va_start(ap, fmt);
    vsnprintf(v->message, sizeof v->message, fmt, ap);
    va_end(ap);
}

/* Calls fn on d. Returns 1 when o holds an output to use, 0 when the call
 * went wrong (v says how), or a negative status (a kit problem). */
static int call(const cl_property_ctx *x, cl_fn fn, const cl_case_data *d, cl_case_output *o,
                cl_verdict *v)
{
    char msg[1024];
    int st = cl_case_call(fn, d, x->impl, o);
    if (st != CL_OK) return st;
    if (!cl_case_problem(o, fn, x->student_dir, msg, sizeof msg)) return 1;
    say(v, "%s", msg);
    cl_case_output_free(o);
    return 0;
}

/* The check of a property's comparison: the case's function and picture. */
static cl_check property_check(const cl_property_ctx *x, const cl_image *input,
                               const cl_image *expected, float atol, float rtol,
                               const cl_size_context *size)
{
    cl_check chk = {.function = cl_fn_name(x->c->fn),
                    .case_id = x->c->id,
                    .input = input,
                    .expected = expected,
                    .atol = atol,
                    .rtol = rtol,
                    .picture_path = x->picture_path};
    if (size) chk.size = *size;
    return chk;
}

/* Compares got through chk; on failure the message starts with the claim
 * the property makes. */
static int judge(const cl_check *chk, const char *claim, const cl_image *got, cl_verdict *v)
{
    static cl_verdict fb;
    memset(&fb, 0, sizeof fb);
    int st = cl_feedback_check(chk, got, &fb);
    if (st != CL_OK) return st;
    if (fb.passed) {
        v->passed = 1;
        v->message[0] = '\0';
    } else {
        say(v, "%s\n%s", claim, fb.message);
    }
    return CL_OK;
}

/* Compares got with expected through feedback.h (see judge). */
static int expect_image(const cl_property_ctx *x, const char *claim, const cl_image *input,
                        const cl_image *expected, const cl_image *got, float atol, float rtol,
                        const cl_size_context *size, cl_verdict *v)
{
    cl_check chk = property_check(x, input, expected, atol, rtol, size);
    return judge(&chk, claim, got, v);
}

/* A kit problem: the case does not suit the property. */
static int unsuitable(const cl_property_ctx *x, const char *why)
{
    return cl_fail(CL_E_ARG, "case %s does not suit property %s: %s", x->c->id, x->c->property,
                   why);
}

/* ------------------------------------------------- one-hot kernels */

/* The input read through the case's mode, border and stride at the single
 * 1 of kernel k (all other weights 0): the exact correlation output. */
static int one_hot_expected(cl_fn fn, const cl_case_args *a, const cl_image *in, const cl_image *k,
                            cl_image *out, int *dy, int *dx)
{
    int ki = -1, kj = -1, ones = 0;
    for (int i = 0; i < k->h; i++)
        for (int j = 0; j < k->w; j++) {
            float w = *cl_px(k, 0, i, j, 0);
            if (w != 0.0f && w != 1.0f) return CL_E_ARG;
            if (w == 1.0f) ki = i, kj = j, ones++;
        }
    if (ones != 1) return CL_E_ARG;
    int conv_opts = fn == CL_FN_IM_CONV_OPTS;
    cl_mode m = conv_opts ? a->mode : CL_MODE_VALID;
    cl_border b = conv_opts ? a->border : CL_BORDER_ZERO;
    int sy = conv_opts ? a->sy : 1, sx = conv_opts ? a->sx : 1, top, bottom, left, right;
    int oh = cl_output_size(in->h, k->h, sy, m), ow = cl_output_size(in->w, k->w, sx, m);
    if (oh < 0 || ow < 0) return CL_E_SHAPE;
    cl_pad_amounts(in->h, k->h, sy, m, &top, &bottom);
    cl_pad_amounts(in->w, k->w, sx, m, &left, &right);
    int st = cl_image_alloc(out, 1, oh, ow, in->c);
    for (int y = 0; st == CL_OK && y < oh; y++)
        for (int xx = 0; xx < ow; xx++) {
            int r = cl_border_index(y * sy + ki - top, in->h, b);
            int c = cl_border_index(xx * sx + kj - left, in->w, b);
            for (int ch = 0; ch < in->c; ch++)
                *cl_px(out, 0, y, xx, ch) = (r < 0 || c < 0) ? 0.0f : *cl_px(in, 0, r, c, ch);
        }
    *dy = ki - top, *dx = kj - left;
    return st;
}

/* "y", "y+1", "y*2-1": the input coordinate read for output coordinate v. */
static void axis_text(char *buf, size_t size, const char *v, int stride, int offset)
{
    char s[16] = "";
    if (stride != 1) snprintf(s, sizeof s, "*%d", stride);
    if (offset)
        snprintf(buf, size, "%s%s%+d", v, s, offset);
    else
        snprintf(buf, size, "%s%s", v, s);
}

static int check_one_hot(const cl_property_ctx *x, const cl_image *k, const char *what,
                         cl_verdict *v)
{
    cl_case_data d = *x->d;
    cl_case_output o;
    cl_image exp = {0};
    int dy, dx;
    d.kernel = *k;
    if (one_hot_expected(x->c->fn, &d.args, &d.input, k, &exp, &dy, &dx) != CL_OK)
        return unsuitable(x, "the kernel must have a single 1 and zeros, and fit the input");
    int st = call(x, x->c->fn, &d, &o, v);
    if (st == 1) {
        char claim[512], ys[32], xs[32];
        int opts = x->c->fn == CL_FN_IM_CONV_OPTS;
        axis_text(ys, sizeof ys, "y", opts ? d.args.sy : 1, dy);
        axis_text(xs, sizeof xs, "x", opts ? d.args.sx : 1, dx);
        snprintf(claim, sizeof claim,
                 "%s\nHere (mode %s, border %s) that means out(y, x) = in(%s, %s), with the border "
                 "rule outside the image.",
                 what, cl_mode_name(opts ? d.args.mode : CL_MODE_VALID),
                 cl_border_name(opts ? d.args.border : CL_BORDER_ZERO), ys, xs);
        st = expect_image(x, claim, &d.input, &exp, &o.out, o.atol, o.rtol, &o.size, v);
        cl_case_output_free(&o);
    }
    cl_image_free(&exp);
    return st < 0 ? st : CL_OK;
}

static int identity_kernel(const cl_property_ctx *x, cl_verdict *v)
{
    cl_image k = {0};
    int st = cl_kernel_named(&k, "identity");
    if (st == CL_OK)
        st =
            check_one_hot(x, &k,
                          "The identity kernel (a single 1 in the centre) must give the input back "
                          "(in valid mode, without its 1-pixel border).",
                          v);
    cl_image_free(&k);
    return st;
}

static int shift_kernel(const cl_property_ctx *x, cl_verdict *v)
{
    char what[256];
    const char *k = x->d->args.k;
    if (!strcmp(k, "shift_right"))
        snprintf(what, sizeof what,
                 "The kernel shift_right moves the picture one pixel to the right: "
                 "out(y, x) = in(y, x-1) (under correlation).");
    else if (!strcmp(k, "shift_down"))
        snprintf(what, sizeof what,
                 "The kernel shift_down moves the picture one pixel down: "
                 "out(y, x) = in(y-1, x) (under correlation).");
    else
        snprintf(what, sizeof what,
                 "A kernel with a single 1 (%s) copies one input pixel to each output.", k);
    return check_one_hot(x, &x->d->kernel, what, v);
}

/* ------------------------------------------------------ distributivity */

static int add_into(cl_image *dst, const cl_image *src)
{
    if (cl_image_count(dst) != cl_image_count(src)) return 0;
    for (size_t i = 0, n = cl_image_count(dst); i < n; i++) dst->data[i] += src->data[i];
    return 1;
}

static int distributive(const cl_property_ctx *x, cl_verdict *v)
{
    const cl_image *k1 = &x->d->kernel;
    cl_image k2 = {0}, k3 = {0};
    cl_case_output o[3];
    int got = 0, st = cl_image_random(&k2, 1, k1->h, k1->w, 1, 4242, -1.0f, 1.0f);
    if (st == CL_OK) st = cl_image_copy(&k3, &k2);
    if (st == CL_OK) add_into(&k3, k1);
    const cl_image *ks[3] = {k1, &k2, &k3};
    if (st == CL_OK) st = 1;
    while (st == 1 && got < 3) { /* o[0..got-1] hold outputs */
        cl_case_data d = *x->d;
        d.kernel = *ks[got];
        st = call(x, x->c->fn, &d, &o[got], v);
        if (st == 1) got++;
    }
    if (st == 1 && !add_into(&o[0].out, &o[1].out)) {
        say(v, "f*k1 and f*k2 have different sizes for two kernels of the same size (%dx%d).",
            k1->h, k1->w);
    } else if (st == 1) {
        st = expect_image(x,
                          "Correlation is linear in the kernel: f*k1 + f*k2 must equal f*(k1+k2) "
                          "(expected: your f*k1 + f*k2; yours: your f*(k1+k2)).",
                          &x->d->input, &o[0].out, &o[2].out, o[0].atol + o[1].atol + o[2].atol,
                          3 * o[2].rtol, &o[2].size, v);
    }
    for (int i = 0; i < got; i++) cl_case_output_free(&o[i]);
    cl_image_free(&k2);
    cl_image_free(&k3);
    return st < 0 ? st : CL_OK;
}

/* ------------------------------------------------------------ flipping */

static int flip_twice(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_data d = *x->d;
    cl_case_output once, twice;
    d.args.flip = 0;
    int st = call(x, CL_FN_FLIP_KERNEL, &d, &once, v);
    if (st != 1) return st < 0 ? st : CL_OK;
    d.input = once.out;
    st = call(x, CL_FN_FLIP_KERNEL, &d, &twice, v);
    if (st == 1) {
        st = expect_image(x, "Flipping a kernel twice must give it back: flip(flip(k)) = k.",
                          &x->d->input, &x->d->input, &twice.out, 0, 0, NULL, v);
        cl_case_output_free(&twice);
    }
    cl_case_output_free(&once);
    return st < 0 ? st : CL_OK;
}

static int commutes(const cl_property_ctx *x, cl_verdict *v)
{
    const cl_image *f = &x->d->input, *g = &x->d->kernel;
    if (f->n != 1 || f->c != 1 || !g->data) return unsuitable(x, "needs a 1-channel input and k=");
    cl_case_data fg = *x->d, gf = *x->d;
    cl_case_output a, b;
    fg.args.flip = gf.args.flip = 1;
    fg.args.mode = gf.args.mode = CL_MODE_FULL;
    fg.args.border = gf.args.border = CL_BORDER_ZERO;
    fg.args.sy = fg.args.sx = gf.args.sy = gf.args.sx = 1;
    gf.input = *g, gf.kernel = *f;
    int st = call(x, CL_FN_FLIP_KERNEL, &fg, &a, v);
    if (st != 1) return st < 0 ? st : CL_OK;
    st = call(x, CL_FN_FLIP_KERNEL, &gf, &b, v);
    if (st == 1) {
        st = expect_image(
            x,
            "True convolution is commutative: f conv g = g conv f in full mode with a "
            "zero border (conv = flip_kernel, then im_conv_opts). Expected: your f conv g "
            "(f the image, g the kernel); yours: your g conv f.",
            f, &a.out, &b.out, a.atol + b.atol, 2 * a.rtol, &a.size, v);
        cl_case_output_free(&b);
    }
    cl_case_output_free(&a);
    return st < 0 ? st : CL_OK;
}

/* --------------------------------------------------------------- stride */

static int stride_samples(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_data d1 = *x->d;
    cl_case_output os, o1;
    cl_image exp = {0};
    if (d1.args.mode == CL_MODE_SAME || (d1.args.sy == 1 && d1.args.sx == 1))
        return unsuitable(x, "needs mode valid or full and a stride > 1");
    d1.args.sy = d1.args.sx = 1;
    int st = call(x, CL_FN_IM_CONV_OPTS, x->d, &os, v);
    if (st != 1) return st < 0 ? st : CL_OK;
    st = call(x, CL_FN_IM_CONV_OPTS, &d1, &o1, v);
    if (st == 1) {
        int sy = x->d->args.sy, sx = x->d->args.sx, h = (o1.out.h + sy - 1) / sy,
            w = (o1.out.w + sx - 1) / sx;
        st = cl_image_alloc(&exp, 1, h, w, o1.out.c);
        for (int y = 0; st == CL_OK && y < h; y++)
            for (int xx = 0; xx < w; xx++)
                for (int c = 0; c < o1.out.c; c++)
                    *cl_px(&exp, 0, y, xx, c) = *cl_px(&o1.out, 0, y * sy, xx * sx, c);
        char claim[256];
        snprintf(claim, sizeof claim,
                 "With stride %d,%d the output is the stride-1 output sampled at (y*%d, x*%d) "
                 "(expected: your stride-1 output, sampled; yours: your stride-%d,%d output).",
                 sy, sx, sy, sx, sy, sx);
        if (st == CL_OK)
            st = expect_image(x, claim, &x->d->input, &exp, &os.out, os.atol, os.rtol, &os.size, v);
        cl_case_output_free(&o1);
    }
    cl_case_output_free(&os);
    cl_image_free(&exp);
    return st < 0 ? st : CL_OK;
}

/* ----------------------------------------------------- pixel functions */

static int zero_or_maxval(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_output o;
    const cl_case_args *a = &x->d->args;
    int st = call(x, CL_FN_THRESHOLD_BINARY, x->d, &o, v);
    if (st != 1) return st < 0 ? st : CL_OK;
    v->passed = 1;
    if (cl_image_count(&o.out) != cl_image_count(&x->d->input))
        say(v,
            "threshold_binary: the output has %zu values, the input %zu: out has the input's "
            "shape.",
            cl_image_count(&o.out), cl_image_count(&x->d->input));
    for (size_t i = 0; v->passed && i < cl_image_count(&o.out); i++)
        if (o.out.data[i] != 0.0f && o.out.data[i] != a->maxval)
            say(v,
                "threshold_binary gives only two values, 0 and maxval (%g), but value %zu of your "
                "output is %g (the input there is %g, the threshold %g).",
                (double)a->maxval, i, (double)o.out.data[i], (double)x->d->input.data[i],
                (double)a->thresh);
    cl_case_output_free(&o);
    return CL_OK;
}

static int integers_exact(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_data d = *x->d;
    cl_case_output o;
    memset(&d.input, 0, sizeof d.input); /* d shares x->d's images: never reallocate them */
    int st = cl_image_copy(&d.input, &x->d->input);
    for (size_t i = 0; st == CL_OK && i < cl_image_count(&d.input); i++)
        d.input.data[i] = fminf(fmaxf(nearbyintf(d.input.data[i]), 0.0f), 255.0f);
    if (st == CL_OK) st = call(x, CL_FN_TO_UINT8, &d, &o, v);
    if (st == 1) {
        st = expect_image(x, "Whole numbers from 0 to 255 must convert exactly: to_uint8(v) = v.",
                          &d.input, &d.input, &o.out, 0, 0, NULL, v);
        cl_case_output_free(&o);
    }
    cl_image_free(&d.input);
    return st < 0 ? st : CL_OK;
}

static int special_values(const cl_property_ctx *x, cl_verdict *v)
{
    static const struct {
        float in;
        float want;
        const char *text, *why;
    } t[] = {
        {NAN, 0, "NaN", "NaN becomes 0"},
        {-INFINITY, 0, "-inf", "clamped to 0"},
        {INFINITY, 255, "+inf", "clamped to 255"},
        {-0.0f, 0, "-0.0", "zero"},
        {0.5f, 0, "0.5", "round half to even: 0"},
        {1.5f, 2, "1.5", "round half to even: 2"},
        {2.5f, 2, "2.5", "round half to even: 2"},
        {254.5f, 254, "254.5", "round half to even: 254"},
        {255.5f, 255, "255.5", "rounds to 256, then clamped to 255"},
        {-0.5f, 0, "-0.5", "rounds to -0, which is 0"},
        {-3.2f, 0, "-3.2", "clamped to 0"},
        {300.0f, 255, "300", "clamped to 255"},
        {1e10f, 255, "1e10", "clamped to 255 (casting it to an int first overflows)"},
        {-1e10f, 0, "-1e10", "clamped to 0"},
        {127.49999f, 127, "127.49999", "rounds down"},
    };
    const int n = (int)(sizeof t / sizeof t[0]);
    cl_case_data d = *x->d;
    cl_case_output o;
    memset(&d.input, 0, sizeof d.input);
    int st = cl_image_alloc(&d.input, 1, 1, n, 1);
    for (int i = 0; st == CL_OK && i < n; i++) d.input.data[i] = t[i].in;
    if (st == CL_OK) st = call(x, CL_FN_TO_UINT8, &d, &o, v);
    if (st == 1) {
        v->passed = 1;
        for (int i = 0; v->passed && i < n; i++)
            if (o.out.data[i] != t[i].want)
                say(v, "to_uint8(%s) gave %g, it should be %g (%s).", t[i].text,
                    (double)o.out.data[i], (double)t[i].want, t[i].why);
        cl_case_output_free(&o);
        st = CL_OK;
    }
    cl_image_free(&d.input);
    return st;
}

/* ---------------------------------------------------------------- layers */

static int identity_1x1(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_data d = *x->d;
    cl_case_output o;
    int c = d.input.c;
    memset(&d.weights, 0, sizeof d.weights);
    d.bias = NULL, d.nbias = 0, d.args.sy = d.args.sx = 1;
    int st = cl_weights_alloc(&d.weights, 1, 1, c, c);
    for (int i = 0; st == CL_OK && i < c; i++) d.weights.data[i * c + i] = 1.0f;
    if (st == CL_OK) st = call(x, CL_FN_CONV2D, &d, &o, v);
    if (st == 1) {
        st = expect_image(
            x,
            "A 1x1 convolution whose weights are the identity matrix (w(0,0,ci,co) = 1 when "
            "ci = co), without bias and with stride 1, must give the input back.",
            &d.input, &d.input, &o.out, o.atol, o.rtol, &o.size, v);
        cl_case_output_free(&o);
    }
    cl_weights_free(&d.weights);
    return st < 0 ? st : CL_OK;
}

static int bias_shifts(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_data d0 = *x->d;
    cl_case_output ob, o0;
    if (!x->d->bias) return unsuitable(x, "needs bias=");
    d0.bias = NULL, d0.nbias = 0;
    int st = call(x, x->c->fn, x->d, &ob, v);
    if (st != 1) return st < 0 ? st : CL_OK;
    st = call(x, x->c->fn, &d0, &o0, v);
    if (st == 1) {
        for (size_t i = 0, n = cl_image_count(&o0.out); o0.out.c == x->d->nbias && i < n; i++)
            o0.out.data[i] += x->d->bias[i % (size_t)o0.out.c];
        char claim[256];
        snprintf(
            claim, sizeof claim,
            "The bias adds bias[co] once to every value of output channel co: %s(x, w, bias) = "
            "%s(x, w, NULL) + bias (expected: your output without bias, plus the bias).",
            cl_fn_name(x->c->fn), cl_fn_name(x->c->fn));
        st = expect_image(x, claim, &x->d->input, &o0.out, &ob.out, 2 * ob.atol, ob.rtol, &ob.size,
                          v);
        cl_case_output_free(&o0);
    }
    cl_case_output_free(&ob);
    return st < 0 ? st : CL_OK;
}

/* An image of in's batch and channels, h x w, every value `value`. */
static int constant_like(cl_image *out, const cl_image *in, int h, int w, float value)
{
    int st = cl_image_alloc(out, in->n, h, w, in->c);
    for (size_t i = 0; st == CL_OK && i < cl_image_count(out); i++) out->data[i] = value;
    return st;
}

static int constant_pool(const cl_property_ctx *x, cl_verdict *v)
{
    const float value = -3.5f; /* negative: a padded zero must never win */
    const cl_case_args *a = &x->d->args;
    cl_case_data d = *x->d;
    cl_case_output o;
    cl_image exp = {0};
    const cl_image *in = &x->d->input;
    int oh = cl_output_size(in->h, a->ph, a->sy, a->padding),
        ow = cl_output_size(in->w, a->pw, a->sx, a->padding);
    if (oh < 0 || ow < 0) return unsuitable(x, "the pool must fit the input");
    memset(&d.input, 0, sizeof d.input);
    int st = constant_like(&d.input, in, in->h, in->w, value);
    if (st == CL_OK) st = constant_like(&exp, in, oh, ow, value);
    if (st == CL_OK) st = call(x, x->c->fn, &d, &o, v);
    if (st == 1) {
        char claim[384];
        snprintf(claim, sizeof claim, "Pooling an image whose every value is %g must give %g everywhere (%s).",
                 (double)value, (double)value,
                 x->c->fn == CL_FN_MAX_POOL2D
                     ? "a maximum that starts from 0 instead of the first cell (or -infinity) gives 0 "
                       "here; padded cells never count either"
                     : "padded cells never count: divide by the number of real cells in the window");
        cl_check chk = property_check(x, &d.input, &exp, o.atol, o.rtol, &o.size);
        /* max_pool2d's claim names the likely mistake; its zeros would
         * otherwise read as "the results never reached out" */
        chk.values_explained = x->c->fn == CL_FN_MAX_POOL2D;
        st = judge(&chk, claim, &o.out, v);
        cl_case_output_free(&o);
    }
    cl_image_free(&d.input);
    cl_image_free(&exp);
    return st < 0 ? st : CL_OK;
}

static int nearest_sample(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_data d = *x->d;
    cl_case_output o;
    cl_image got = {0};
    const cl_image *in = &x->d->input;
    int fy = d.args.fy, fx = d.args.fx;
    d.args.interp = CL_INTERP_NEAREST;
    int st = call(x, CL_FN_UPSAMPLE, &d, &o, v);
    if (st != 1) return st < 0 ? st : CL_OK;
    char have[64], want[64];
    cl_image shape = {in->n, in->h * fy, in->w * fx, in->c, NULL, NULL};
    if (o.out.n != shape.n || o.out.h != shape.h || o.out.w != shape.w || o.out.c != shape.c) {
        say(v, "upsample by %d,%d must give %s (H*fy x W*fx), yours is %s.", fy, fx,
            cl_shape_str(&shape, want, sizeof want), cl_shape_str(&o.out, have, sizeof have));
        st = CL_OK;
    } else {
        st = cl_image_alloc(&got, in->n, in->h, in->w, in->c);
        for (int b = 0; st == CL_OK && b < in->n; b++)
            for (int y = 0; y < in->h; y++)
                for (int xx = 0; xx < in->w; xx++)
                    for (int c = 0; c < in->c; c++)
                        *cl_px(&got, b, y, xx, c) = *cl_px(&o.out, b, y * fy, xx * fx, c);
        char claim[256];
        snprintf(claim, sizeof claim,
                 "Nearest upsampling by %d,%d and then taking every %d-th row and %d-th "
                 "column from the first must give the input back (yours: your output sampled).",
                 fy, fx, fy, fx);
        if (st == CL_OK) st = expect_image(x, claim, in, in, &got, 0, 0, NULL, v);
    }
    cl_case_output_free(&o);
    cl_image_free(&got);
    return st;
}

static int bilinear_constant(const cl_property_ctx *x, cl_verdict *v)
{
    const float value = 2.75f;
    cl_case_data d = *x->d;
    cl_case_output o;
    cl_image exp = {0};
    const cl_image *in = &x->d->input;
    d.args.interp = CL_INTERP_BILINEAR;
    memset(&d.input, 0, sizeof d.input);
    int st = constant_like(&d.input, in, in->h, in->w, value);
    if (st == CL_OK) st = constant_like(&exp, in, in->h * d.args.fy, in->w * d.args.fx, value);
    if (st == CL_OK) st = call(x, CL_FN_UPSAMPLE, &d, &o, v);
    if (st == 1) {
        st = expect_image(
            x,
            "Bilinear upsampling of a constant image must stay constant (the four weights "
            "of every output value add up to 1).",
            &d.input, &exp, &o.out, o.atol, o.rtol, &o.size, v);
        cl_case_output_free(&o);
    }
    cl_image_free(&d.input);
    cl_image_free(&exp);
    return st < 0 ? st : CL_OK;
}

static int impulse_weights(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_data d = *x->d;
    cl_case_output o;
    cl_image exp = {0};
    const cl_weights *w = &x->d->weights;
    int c0 = w->cin - 1, sy = d.args.sy, sx = d.args.sx;
    memset(&d.input, 0, sizeof d.input);
    d.bias = NULL, d.nbias = 0, d.args.padding = CL_MODE_VALID;
    int st = cl_image_alloc(&d.input, 1, 1, 1, w->cin);
    if (st == CL_OK) d.input.data[c0] = 1.0f;
    if (st == CL_OK)
        st = cl_image_alloc(&exp, 1, w->kh > sy ? w->kh : sy, w->kw > sx ? w->kw : sx, w->cout);
    for (int i = 0; st == CL_OK && i < w->kh; i++)
        for (int j = 0; j < w->kw; j++)
            for (int co = 0; co < w->cout; co++)
                *cl_px(&exp, 0, i, j, co) = w->data[((i * w->kw + j) * w->cout + co) * w->cin + c0];
    if (st == CL_OK) st = call(x, CL_FN_CONV2D_TRANSPOSE, &d, &o, v);
    if (st == 1) {
        char claim[320];
        snprintf(
            claim, sizeof claim,
            "A single 1 on input channel %d (a 1x1 image, valid padding, no bias) scatters one "
            "copy "
            "of the weights: out(i, j, co) = w(i, j, co, %d), the layout kh x kw x cout x cin.",
            c0, c0);
        st = expect_image(x, claim, NULL, &exp, &o.out, 0, 0, &o.size, v);
        cl_case_output_free(&o);
    }
    cl_image_free(&d.input);
    cl_image_free(&exp);
    return st < 0 ? st : CL_OK;
}

/* ----------------------------------------------------------------- windows */

static int windows_are_slices(const cl_property_ctx *x, cl_verdict *v)
{
    const cl_image *in = &x->d->input;
    int kh = x->d->args.kh, kw = x->d->args.kw, C = in->c;
    cl_case_output o;
    int st = call(x, CL_FN_GET_SUBIMAGES, x->d, &o, v);
    if (st != 1) return st < 0 ? st : CL_OK;
    int oh = in->h - kh + 1, ow = in->w - kw + 1;
    char have[64];
    v->passed = 1;
    if (o.out.n != 1 || o.out.h != oh * ow || o.out.w != kh * kw * C || o.out.c != 1)
        say(v,
            "get_subimages of a %dx%dx%d image with %dx%d windows gives 1 x %d x %d x 1 (OH*OW "
            "rows "
            "of kh*kw*C values), yours is %s.",
            in->h, in->w, C, kh, kw, oh * ow, kh * kw * C, cl_shape_str(&o.out, have, sizeof have));
    for (int y = 0; v->passed && y < oh; y++)
        for (int xx = 0; v->passed && xx < ow; xx++)
            for (int col = 0; v->passed && col < kh * kw * C; col++) {
                int i = col / C / kw, j = col / C % kw, ch = col % C;
                float want = *cl_px(in, 0, y + i, xx + j, ch),
                      got = *cl_px(&o.out, 0, y * ow + xx, col, 0);
                if (got != want && !(isnan(got) && isnan(want)))
                    say(v,
                        "The window at (y=%d, x=%d) is row %d of the output and must equal the "
                        "slice "
                        "img[%d:%d, %d:%d] laid out flat.\nIts column %d is img(%d, %d, channel "
                        "%d) = %g; "
                        "you have %g.",
                        y, xx, y * ow + xx, y, y + kh, xx, xx + kw, col, y + i, xx + j, ch,
                        (double)want, (double)got);
            }
    cl_case_output_free(&o);
    return CL_OK;
}

/* ------------------------------------------------------------------- errors */

static int rejects_invalid(const cl_property_ctx *x, cl_verdict *v)
{
    cl_case_output o;
    char msg[1024];
    int st = cl_case_call(x->c->fn, x->d, x->impl, &o);
    if (st != CL_OK) return st;
    const char *fn = cl_fn_name(x->c->fn);
    v->passed = 1;
    if (o.status == CL_E_NOT_IMPLEMENTED || o.modified) {
        cl_case_problem(&o, x->c->fn, x->student_dir, msg, sizeof msg);
        say(v, "%s", msg);
    } else if (o.status == CL_OK) {
        say(v,
            "%s returned CL_OK, but this input is invalid: %s.\nCheck the arguments first and "
            "return a "
            "negative status, e.g. return cl_fail(CL_E_SHAPE, \"...\");",
            fn, x->c->description);
    } else if (o.status > 0) {
        say(v, "%s returned %d for an invalid input: return a negative CL_E_* status.", fn,
            o.status);
    }
    cl_case_output_free(&o);
    return CL_OK;
}

/* ------------------------------------------------------------- registry */

static const cl_property properties[] = {
    {"identity_kernel_preserves_input", CONV_FNS, identity_kernel},
    {"shift_kernel_moves_image", CONV_FNS, shift_kernel},
    {"distributive_over_kernels", CONV_FNS, distributive},
    {"flip_twice_is_identity", BIT(CL_FN_FLIP_KERNEL), flip_twice},
    {"convolution_commutes", BIT(CL_FN_FLIP_KERNEL), commutes},
    {"stride_samples_stride_one", BIT(CL_FN_IM_CONV_OPTS), stride_samples},
    {"only_zero_and_maxval", BIT(CL_FN_THRESHOLD_BINARY), zero_or_maxval},
    {"integers_exact", BIT(CL_FN_TO_UINT8), integers_exact},
    {"special_values", BIT(CL_FN_TO_UINT8), special_values},
    {"identity_1x1_weights_preserve_input", BIT(CL_FN_CONV2D), identity_1x1},
    {"bias_shifts_output", BIT(CL_FN_CONV2D) | BIT(CL_FN_CONV2D_TRANSPOSE), bias_shifts},
    {"constant_pools_to_constant", BIT(CL_FN_MAX_POOL2D) | BIT(CL_FN_AVG_POOL2D), constant_pool},
    {"nearest_then_sampling_is_identity", BIT(CL_FN_UPSAMPLE), nearest_sample},
    {"bilinear_keeps_constant", BIT(CL_FN_UPSAMPLE), bilinear_constant},
    {"impulse_gives_weights", BIT(CL_FN_CONV2D_TRANSPOSE), impulse_weights},
    {"windows_are_slices", BIT(CL_FN_GET_SUBIMAGES), windows_are_slices},
    {"rejects_invalid_input", (1u << CL_FN_COUNT) - 1, rejects_invalid},
};

int cl_property_count(void)
{
    return (int)(sizeof properties / sizeof properties[0]);
}

const cl_property *cl_property_at(int i)
{
    return i >= 0 && i < cl_property_count() ? &properties[i] : NULL;
}

const cl_property *cl_property_find(const char *name)
{
    for (int i = 0; name && i < cl_property_count(); i++)
        if (strcmp(properties[i].name, name) == 0) return &properties[i];
    return NULL;
}
