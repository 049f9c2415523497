/* judge_hidden.c -- the hidden cases: drawn from the submission's secret seed
 * by the trusted side (see judge.h and grader/rubric.toml).
 *
 * A hidden case is an ordinary cl_case built in memory, with a random input
 * ("random:NxHxWxC@seed=S") and random arguments in the syntax of
 * tests/cases.toml, so it is loaded, run, compared and explained exactly like
 * a case of the table. Everything about it -- shapes, kernels, modes,
 * borders, strides, the values of the input -- comes from
 *
 *     splitmix64(seed, function, index)
 *
 * so the same seed always gives the same cases (a regrade reproduces the
 * grade; the seed is recorded in the per-student JSON) and two submissions
 * get different ones. The shapes are small (at most a few thousand pixels)
 * and always valid for the function: the reference never fails a hidden case
 * (tests/kit/test_hidden.c checks this on many seeds, and that the model
 * solutions pass them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"

/* ---------------------------------------------------------------- drawing */

static uint64_t mix(uint64_t seed, cl_fn fn, int index)
{
    cl_rng r;
    cl_rng_seed(&r, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(fn + 1)) ^
                        ((uint64_t)(index + 1) << 40));
    return cl_rng_next(&r);
}

static int pick(cl_rng *r, int lo, int hi)
{
    return cl_rng_int(r, lo, hi);
}

static int min2(int a, int b)
{
    return a < b ? a : b;
}

/* A seed for one generated tensor: 31 bits, so it prints as a plain number. */
static unsigned sub_seed(cl_rng *r)
{
    return (unsigned)(cl_rng_next(r) >> 33);
}

static const char *any_mode(cl_rng *r)
{
    return cl_mode_name((cl_mode)pick(r, 0, 2));
}

static const char *any_border(cl_rng *r)
{
    return cl_border_name((cl_border)pick(r, 0, 4));
}

static const char *any_padding(cl_rng *r)
{
    return pick(r, 0, 1) ? "same" : "valid";
}

/* Appends ",A,B,..." (count values in lo..hi) to buf after "key=". */
static void list_arg(char *buf, size_t size, const char *key, cl_rng *r, int count, int lo, int hi)
{
    size_t n = strlen(buf);
    n += (size_t)snprintf(buf + n, size - n, "%s%s=", n ? " " : "", key);
    for (int i = 0; i < count && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%d", i ? "," : "", pick(r, lo, hi));
}

/* Input and args of a hidden case of fn, drawn from r. */
static void draw(cl_fn fn, cl_rng *r, cl_case *c)
{
    int n = pick(r, 1, 2), h = pick(r, 1, 24), w = pick(r, 1, 24), ch = pick(r, 1, 3);
    int kh = pick(r, 1, 5), kw = pick(r, 1, 5);
    int sy = pick(r, 1, 3), sx = pick(r, 1, 3);
    unsigned s1 = sub_seed(r), s2 = sub_seed(r), s3 = sub_seed(r);
    char *in = c->input, *a = c->args;
    size_t ni = sizeof c->input, na = sizeof c->args;
    switch (fn) {
    case CL_FN_CONV_OUTPUT_SIZE:
        snprintf(in, ni, "-");
        snprintf(a, na, "mode=%s", any_mode(r));
        list_arg(a, na, "ins", r, 4, 1, 500);
        list_arg(a, na, "ks", r, 3, 1, 9);
        list_arg(a, na, "strides", r, 3, 1, 4);
        break;
    case CL_FN_GET_SUBIMAGES:
        h = pick(r, 1, 16), w = pick(r, 1, 16);
        snprintf(in, ni, "random:%dx%dx%d@seed=%u", h, w, ch, s1);
        kh = pick(r, 1, min2(h, 5)), kw = pick(r, 1, min2(w, 5));
        snprintf(a, na, "ksize=%d,%d", kh, kw);
        break;
    case CL_FN_IM_CONV:
    case CL_FN_IM_CONV_FAST:
        h = pick(r, 1, 40), w = pick(r, 1, 40);
        snprintf(in, ni, "random:%dx%dx%d@seed=%u", h, w, ch, s1);
        snprintf(a, na, "k=random:%dx%d@seed=%u", min2(kh, h), min2(kw, w), s2);
        break;
    case CL_FN_FLIP_KERNEL:
        snprintf(in, ni, "-");
        kh = pick(r, 1, 7), kw = pick(r, 1, 7);
        snprintf(a, na, "k=random:%dx%d@seed=%u", kh, kw, s2);
        break;
    case CL_FN_PAD_IMAGE: {
        int pad[4];
        h = pick(r, 1, 12), w = pick(r, 1, 12);
        for (int i = 0; i < 4; i++) pad[i] = pick(r, 0, 6);
        snprintf(in, ni, "random:%dx%dx%dx%d@seed=%u", n, h, w, ch, s1);
        snprintf(a, na, "pad=%d,%d,%d,%d border=%s", pad[0], pad[1], pad[2], pad[3],
                 any_border(r));
        break;
    }
    case CL_FN_IM_CONV_OPTS: {
        const char *mode = any_mode(r);
        int valid = !strcmp(mode, "valid");
        ch = pick(r, 1, 2);
        snprintf(in, ni, "random:%dx%dx%d@seed=%u", h, w, ch, s1);
        snprintf(a, na, "k=random:%dx%d@seed=%u mode=%s border=%s stride=%d,%d",
                 valid ? min2(kh, h) : kh, valid ? min2(kw, w) : kw, s2, mode, any_border(r), sy,
                 sx);
        break;
    }
    case CL_FN_THRESHOLD_BINARY: {
        snprintf(in, ni, "random:%dx%dx%dx%d@seed=%u,lo=-2,hi=2,step=0.125", n, h, w, ch, s1);
        double thresh = pick(r, -12, 12) / 8.0, maxval = pick(r, 1, 40) / 4.0;
        snprintf(a, na, "thresh=%g maxval=%g", thresh, maxval);
        break;
    }
    case CL_FN_TO_UINT8:
        snprintf(in, ni, "random:%dx%dx%dx%d@seed=%u,lo=-40,hi=300,step=0.25", n, h, w, ch, s1);
        snprintf(a, na, "%s", "");
        break;
    case CL_FN_CONV2D: {
        int cin = pick(r, 1, 4), cout = pick(r, 1, 5);
        h = pick(r, 1, 14), w = pick(r, 1, 14);
        const char *padding = any_padding(r);
        int valid = !strcmp(padding, "valid");
        snprintf(in, ni, "random:%dx%dx%dx%d@seed=%u", n, h, w, cin, s1);
        char bias[40] = "";
        if (pick(r, 0, 1)) snprintf(bias, sizeof bias, " bias=random@seed=%u", s3);
        snprintf(a, na, "w=random:%dx%dx%dx%d@seed=%u%s stride=%d,%d padding=%s",
                 valid ? min2(kh, h) : kh, valid ? min2(kw, w) : kw, cin, cout, s2, bias, sy, sx,
                 padding);
        break;
    }
    case CL_FN_MAX_POOL2D:
    case CL_FN_AVG_POOL2D: {
        const char *padding = any_padding(r);
        int valid = !strcmp(padding, "valid");
        int ph = pick(r, 1, 4), pw = pick(r, 1, 4);
        if (valid) ph = min2(ph, h), pw = min2(pw, w);
        if (pick(r, 0, 1))
            snprintf(a, na, "pool=%d,%d padding=%s", ph, pw, padding);
        else
            snprintf(a, na, "pool=%d,%d stride=%d,%d padding=%s", ph, pw, sy, sx, padding);
        snprintf(in, ni, "random:%dx%dx%dx%d@seed=%u", n, h, w, ch, s1);
        break;
    }
    case CL_FN_UPSAMPLE:
        h = pick(r, 1, 12), w = pick(r, 1, 12), sy = pick(r, 1, 4), sx = pick(r, 1, 4);
        snprintf(in, ni, "random:%dx%dx%dx%d@seed=%u", n, h, w, ch, s1);
        snprintf(a, na, "factor=%d,%d interp=%s", sy, sx, pick(r, 0, 1) ? "bilinear" : "nearest");
        break;
    case CL_FN_CONV2D_TRANSPOSE: {
        int cin = pick(r, 1, 3), cout = pick(r, 1, 3);
        h = pick(r, 1, 10), w = pick(r, 1, 10);
        snprintf(in, ni, "random:%dx%dx%dx%d@seed=%u", n, h, w, cin, s1);
        char bias[40] = "";
        if (pick(r, 0, 1)) snprintf(bias, sizeof bias, " bias=random@seed=%u", s3);
        snprintf(a, na, "w=random:%dx%dx%dx%d@seed=%u%s stride=%d,%d padding=%s", kh, kw, cout,
                 cin, s2, bias, sy, sx, any_padding(r));
        break;
    }
    default: break;
    }
}

int judge_hidden_case(unsigned long long seed, cl_fn fn, int index, double points,
                      const char *visibility, cl_case *c)
{
    cl_rng r;
    memset(c, 0, sizeof *c);
    c->fn = fn;
    c->points = points;
    c->kind = CL_CASE_COMPARE;
    snprintf(c->id, sizeof c->id, "%s.%s.hidden_%d", cl_fn_part(fn), cl_fn_name(fn), index + 1);
    snprintf(c->visibility, sizeof c->visibility, "%s", visibility);
    cl_rng_seed(&r, mix(seed, fn, index));
    draw(fn, &r, c);
    snprintf(c->description, sizeof c->description, "%s, hidden case %d: input %.90s, %.120s",
             cl_fn_name(fn), index + 1, c->input, c->args[0] ? c->args : "no arguments");
    int st = cl_case_validate(c);
    return st == CL_OK ? CL_OK
                       : cl_fail(st, "hidden case %s (%s %s): %s", c->id, c->input, c->args,
                                 cl_last_error());
}

/* ------------------------------------------------------------ the table */

int judge_hidden_cases(const judge_opts *o, cl_case_table *t)
{
    int added = 0;
    for (int g = 0; g < o->nhidden; g++) {
        const judge_hidden_group *hg = &o->hidden[g];
        if (strcmp(cl_fn_part(hg->fn), o->part) != 0 || hg->count <= 0) continue;
        cl_case *more = realloc(t->cases, (size_t)(t->count + hg->count) * sizeof *t->cases);
        if (!more) return cl_fail(CL_E_NOMEM, "out of memory for the hidden cases");
        t->cases = more;
        for (int i = 0; i < hg->count; i++) {
            int st = judge_hidden_case(o->seed, hg->fn, i, hg->points, hg->visibility,
                                       &t->cases[t->count]);
            if (st != CL_OK) return st;
            t->count++, added++;
        }
    }
    return added;
}
