/* budgets_ops.c -- the operations `budgets` can time: which table keys each
 * one reads, how its inputs are built, and how the reference and the
 * student's function are called on them (see budgets.h).
 *
 * TABLE KEYS of a [[budget]] (tests/budgets.toml)
 *   every operation  function, input, budget, and optionally repeats, seed,
 *                    timeout (these three default to the [defaults] table)
 *   get_subimages    kernel = "KHxKW"   (the window)
 *   im_conv, im_conv_fast
 *                    kernel
 *   im_conv_opts     kernel, mode, border, stride
 *   conv2d, conv2d_transpose
 *                    kernel, filters, stride, padding
 *   max_pool2d, avg_pool2d
 *                    pool = "PHxPW", stride (default: the pool), padding
 *   upsample         factor, interp
 * input is "HxW" (one gray image), "HxWxC" or "NxHxWxC". A key that the
 * operation does not read is an error, so a typo cannot go unnoticed.
 *
 * INPUTS
 *   Pixels are uniform in [0, 1) from the budget's seed; kernels uniform in
 *   [-1, 1) (seed + 1); weights and bias uniform in [-0.5, 0.5) (seed + 2).
 *
 * THE STUDENT'S FUNCTIONS are declared weak: a part that did not compile
 * leaves its functions null, and bud_student_linked says so.
 */
#include "budgets.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assignment.h"
#include "reference.h"

#pragma weak get_subimages
#pragma weak im_conv
#pragma weak im_conv_opts
#pragma weak conv2d
#pragma weak max_pool2d
#pragma weak avg_pool2d
#pragma weak upsample
#pragma weak conv2d_transpose
#pragma weak im_conv_fast

/* How many float terms one output value sums, for the tolerance. */
typedef enum bud_sum { SUM_EXACT, SUM_KERNEL, SUM_WEIGHTS, SUM_POOL, SUM_INTERP } bud_sum;

struct bud_case {
    bud_spec spec;
    const struct bud_op *op;
    cl_image img;    /* the input */
    cl_image kernel; /* 1 x kh x kw x 1, for the correlations */
    cl_weights w;    /* conv2d and conv2d_transpose */
    float *bias;     /* filters values, or NULL */
};

typedef int (*bud_call)(const bud_case *k, int student, cl_image *out);

typedef struct bud_op {
    const char *name;
    const char *keys;      /* the keys it reads besides the common ones */
    void (*student)(void); /* the weak student symbol: NULL when not linked */
    bud_call call;
    bud_sum sum;
} bud_op;

/* ------------------------------------------------------------- the calls */

static int call_get_subimages(const bud_case *k, int student, cl_image *out)
{
    return (student ? get_subimages : cl_ref_get_subimages)(&k->img, k->spec.kh, k->spec.kw, out);
}

static int call_im_conv(const bud_case *k, int student, cl_image *out)
{
    return (student ? im_conv : cl_ref_im_conv)(&k->img, &k->kernel, out);
}

static int call_im_conv_fast(const bud_case *k, int student, cl_image *out)
{
    return (student ? im_conv_fast : cl_ref_im_conv)(&k->img, &k->kernel, out);
}

static int call_im_conv_opts(const bud_case *k, int student, cl_image *out)
{
    const bud_spec *s = &k->spec;
    const cl_conv_opts opts = {s->mode, s->border, s->stride, s->stride};
    return (student ? im_conv_opts : cl_ref_im_conv_opts)(&k->img, &k->kernel, &opts, out);
}

static int call_conv2d(const bud_case *k, int student, cl_image *out)
{
    const bud_spec *s = &k->spec;
    return (student ? conv2d : cl_ref_conv2d)(&k->img, &k->w, k->bias, s->stride, s->stride,
                                              s->mode, out);
}

static int call_conv2d_transpose(const bud_case *k, int student, cl_image *out)
{
    const bud_spec *s = &k->spec;
    return (student ? conv2d_transpose : cl_ref_conv2d_transpose)(&k->img, &k->w, k->bias,
                                                                  s->stride, s->stride, s->mode,
                                                                  out);
}

/* Pools slide by the pool size unless the table gives a stride. */
static int pool_stride(const bud_spec *s, int p)
{
    return s->stride > 0 ? s->stride : p;
}

static int call_max_pool2d(const bud_case *k, int student, cl_image *out)
{
    const bud_spec *s = &k->spec;
    return (student ? max_pool2d : cl_ref_max_pool2d)(&k->img, s->ph, s->pw, pool_stride(s, s->ph),
                                                      pool_stride(s, s->pw), s->mode, out);
}

static int call_avg_pool2d(const bud_case *k, int student, cl_image *out)
{
    const bud_spec *s = &k->spec;
    return (student ? avg_pool2d : cl_ref_avg_pool2d)(&k->img, s->ph, s->pw, pool_stride(s, s->ph),
                                                      pool_stride(s, s->pw), s->mode, out);
}

static int call_upsample(const bud_case *k, int student, cl_image *out)
{
    const bud_spec *s = &k->spec;
    return (student ? upsample : cl_ref_upsample)(&k->img, s->factor, s->factor, s->interp, out);
}

/* The weak symbol as a generic function pointer (NULL when not linked). */
#define STUDENT_SYM(f) ((void (*)(void))(f))

static const bud_op OPS[] = {
    {"get_subimages", "kernel", STUDENT_SYM(get_subimages), call_get_subimages, SUM_EXACT},
    {"im_conv", "kernel", STUDENT_SYM(im_conv), call_im_conv, SUM_KERNEL},
    {"im_conv_opts", "kernel mode border stride", STUDENT_SYM(im_conv_opts), call_im_conv_opts,
     SUM_KERNEL},
    {"conv2d", "kernel filters stride padding", STUDENT_SYM(conv2d), call_conv2d, SUM_WEIGHTS},
    {"max_pool2d", "pool stride padding", STUDENT_SYM(max_pool2d), call_max_pool2d, SUM_EXACT},
    {"avg_pool2d", "pool stride padding", STUDENT_SYM(avg_pool2d), call_avg_pool2d, SUM_POOL},
    {"upsample", "factor interp", STUDENT_SYM(upsample), call_upsample, SUM_INTERP},
    {"conv2d_transpose", "kernel filters stride padding", STUDENT_SYM(conv2d_transpose),
     call_conv2d_transpose, SUM_WEIGHTS},
    {"im_conv_fast", "kernel", STUDENT_SYM(im_conv_fast), call_im_conv_fast, SUM_KERNEL},
};
#define OP_COUNT ((int)(sizeof OPS / sizeof OPS[0]))

static const bud_op *op_find(const char *name)
{
    for (int i = 0; i < OP_COUNT; i++)
        if (strcmp(OPS[i].name, name) == 0)
            return &OPS[i];
    return NULL;
}

int bud_student_linked(const bud_spec *s)
{
    const bud_op *op = op_find(s->function);
    return op != NULL && op->student != NULL;
}

/* ------------------------------------------------------------- the table */

/* 1 when word is one of the space-separated words of list. */
static int word_in(const char *word, const char *list)
{
    const size_t len = strlen(word);
    for (const char *p = list; *p != '\0';) {
        const char *end = strchr(p, ' ');
        const size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, word, n) == 0)
            return 1;
        p += n + (end ? 1 : 0);
    }
    return 0;
}

/* Every key of [[budget]] number index must be read by its operation. */
static int check_keys(const cl_toml *t, int index, const bud_op *op)
{
    static const char common[] = "function input budget repeats seed timeout";
    for (int e = 0; e < t->count; e++) {
        const cl_toml_entry *en = &t->entries[e];
        if (strcmp(en->table, "budget") != 0 || en->index != index)
            continue;
        if (!word_in(en->key, common) && !word_in(en->key, op->keys))
            return cl_fail(CL_E_FORMAT, "%s:%d: %s takes no key '%s' (it reads: %s, and %s)",
                           t->path, en->line, op->name, en->key, op->keys, common);
    }
    return CL_OK;
}

/* Parses "AxBx..." into up to max positive ints; returns how many, or -1. */
static int parse_dims(const char *text, int *dims, int max)
{
    int count = 0;
    const char *p = text;
    while (count < max) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > CL_MAX_DIM)
            return -1;
        dims[count++] = (int)v;
        if (*end == '\0')
            return count;
        if (*end != 'x')
            return -1;
        p = end + 1;
    }
    return -1;
}

/* Where an entry of [[budget]] index is, for messages (its line, or the
 * line of `function`). */
static int key_line(const cl_toml *t, int index, const char *key, const bud_spec *s)
{
    const cl_toml_entry *en = cl_toml_find(t, "budget", index, key);
    return en ? en->line : s->line;
}

/* input = "HxW" | "HxWxC" | "NxHxWxC" */
static int read_input(const cl_toml *t, int index, bud_spec *s)
{
    char text[64];
    int st = cl_toml_require_string(t, "budget", index, "input", text, sizeof text);
    if (st != CL_OK)
        return st;
    int d[4];
    const int count = parse_dims(text, d, 4);
    s->n = s->c = 1;
    if (count == 2 || count == 3) {
        s->h = d[0];
        s->w = d[1];
        s->c = count == 3 ? d[2] : 1;
    } else if (count == 4) {
        s->n = d[0];
        s->h = d[1];
        s->w = d[2];
        s->c = d[3];
    } else {
        return cl_fail(CL_E_FORMAT, "%s:%d: input \"%s\" is not HxW, HxWxC or NxHxWxC", t->path,
                       key_line(t, index, "input", s), text);
    }
    return CL_OK;
}

/* key = "AxB" (or "A" for a square), stored in *a and *b; absent keeps them. */
static int read_pair(const cl_toml *t, int index, const char *key, bud_spec *s, int *a, int *b)
{
    char text[64];
    int st = cl_toml_string(t, "budget", index, key, "", text, sizeof text);
    if (st != CL_OK || text[0] == '\0')
        return st;
    int d[2];
    const int count = parse_dims(text, d, 2);
    if (count < 1)
        return cl_fail(CL_E_FORMAT, "%s:%d: %s \"%s\" is not AxB", t->path,
                       key_line(t, index, key, s), key, text);
    *a = d[0];
    *b = count == 2 ? d[1] : d[0];
    return CL_OK;
}

/* An integer key that, when present, must be >= lo; absent keeps *v. */
static int read_int(const cl_toml *t, int index, const char *key, int lo, bud_spec *s, int *v)
{
    int st = cl_toml_int(t, "budget", index, key, *v, v);
    if (st == CL_OK && cl_toml_find(t, "budget", index, key) != NULL && *v < lo)
        st = cl_fail(CL_E_FORMAT, "%s:%d: %s must be >= %d, got %d", t->path,
                     key_line(t, index, key, s), key, lo, *v);
    return st;
}

/* A name key (mode, border, interp) parsed with the library's parser;
 * absent gives def. The parser's message gets the file and line. */
static int read_name(const cl_toml *t, int index, const char *key, const char *def,
                     const bud_spec *s, int (*parse)(const char *, void *), void *out)
{
    char text[32];
    int st = cl_toml_string(t, "budget", index, key, def, text, sizeof text);
    if (st == CL_OK && parse(text, out) != CL_OK)
        st = cl_fail(CL_E_FORMAT, "%s:%d: %s", t->path, key_line(t, index, key, s),
                     cl_last_error());
    return st;
}

/* Adapters from the typed parsers of convlab.h to read_name's. */
static int parse_mode(const char *text, void *out)
{
    return cl_mode_parse(text, out);
}
static int parse_border(const char *text, void *out)
{
    return cl_border_parse(text, out);
}
static int parse_interp(const char *text, void *out)
{
    return cl_interp_parse(text, out);
}

/* mode (im_conv_opts) or padding (layers), border and interp: names as on
 * the command line ("same", "reflect101", "bilinear"). */
static int read_names(const cl_toml *t, int index, bud_spec *s)
{
    const char *mode_key = cl_toml_find(t, "budget", index, "padding") ? "padding" : "mode";
    int st;
    if ((st = read_name(t, index, mode_key, "valid", s, parse_mode, &s->mode)) != CL_OK ||
        (st = read_name(t, index, "border", "zero", s, parse_border, &s->border)) != CL_OK ||
        (st = read_name(t, index, "interp", "nearest", s, parse_interp, &s->interp)) != CL_OK)
        return st;
    return CL_OK;
}

/* The keys every budget has: budget, repeats, seed, timeout. */
static int read_common(const cl_toml *t, int index, bud_spec *s)
{
    int st = cl_toml_double(t, "budget", index, "budget", -1.0, &s->budget);
    if (st != CL_OK)
        return st;
    if (!(s->budget > 0.0))
        return cl_fail(CL_E_FORMAT, "%s:%d: %s needs budget = a ratio > 0", t->path,
                       key_line(t, index, "budget", s), s->function);
    int seed = (int)s->seed;
    if ((st = read_int(t, index, "repeats", 1, s, &s->repeats)) != CL_OK ||
        (st = read_int(t, index, "timeout", 1, s, &s->timeout_s)) != CL_OK ||
        (st = read_int(t, index, "seed", 0, s, &seed)) != CL_OK)
        return st;
    s->seed = (uint64_t)seed;
    return CL_OK;
}

int bud_spec_read(const cl_toml *t, int index, bud_spec *s)
{
    int st = cl_toml_require_string(t, "budget", index, "function", s->function,
                                    sizeof s->function);
    if (st != CL_OK)
        return st;
    s->line = key_line(t, index, "function", s);
    const bud_op *op = op_find(s->function);
    if (op == NULL)
        return cl_fail(CL_E_FORMAT, "%s:%d: no budget is known for function '%s'", t->path,
                       s->line, s->function);
    s->kh = s->kw = 3;
    s->ph = s->pw = 2;
    s->filters = 16;
    s->factor = 2;
    s->stride = word_in("pool", op->keys) ? 0 : 1; /* 0: a pool slides by its size */
    if ((st = check_keys(t, index, op)) != CL_OK || (st = read_input(t, index, s)) != CL_OK ||
        (st = read_pair(t, index, "kernel", s, &s->kh, &s->kw)) != CL_OK ||
        (st = read_pair(t, index, "pool", s, &s->ph, &s->pw)) != CL_OK ||
        (st = read_int(t, index, "filters", 1, s, &s->filters)) != CL_OK ||
        (st = read_int(t, index, "stride", 1, s, &s->stride)) != CL_OK ||
        (st = read_int(t, index, "factor", 1, s, &s->factor)) != CL_OK ||
        (st = read_names(t, index, s)) != CL_OK || (st = read_common(t, index, s)) != CL_OK)
        return st;
    return CL_OK;
}

/* Appends printf-style text at *len of buf (size), truncating safely. */
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
    if (*len >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(buf + *len, size - *len, fmt, ap);
    va_end(ap);
    *len = n < 0 ? size : *len + (size_t)n;
}

const char *bud_spec_input_str(const bud_spec *s, char *buf, size_t size)
{
    const bud_op *op = op_find(s->function);
    size_t len = 0;
    buf[0] = '\0';
    if (s->n == 1)
        append(buf, size, &len, "%dx%dx%d", s->h, s->w, s->c);
    else
        append(buf, size, &len, "%dx%dx%dx%d", s->n, s->h, s->w, s->c);
    if (op == NULL)
        return buf;
    if (word_in("kernel", op->keys))
        append(buf, size, &len, ", kernel %dx%d", s->kh, s->kw);
    if (word_in("filters", op->keys))
        append(buf, size, &len, ", %d filters", s->filters);
    if (word_in("pool", op->keys))
        append(buf, size, &len, ", pool %dx%d", s->ph, s->pw);
    if (word_in("stride", op->keys) && s->stride > 0)
        append(buf, size, &len, ", stride %d", s->stride);
    if (word_in("mode", op->keys))
        append(buf, size, &len, ", %s, %s border", cl_mode_name(s->mode),
               cl_border_name(s->border));
    if (word_in("padding", op->keys))
        append(buf, size, &len, ", %s padding", cl_mode_name(s->mode));
    if (word_in("factor", op->keys))
        append(buf, size, &len, ", factor %d, %s", s->factor, cl_interp_name(s->interp));
    return buf;
}

/* -------------------------------------------------------------- the case */

/* n values uniform in [lo, hi) from seed, into data. */
static void fill_random(float *data, size_t n, uint64_t seed, float lo, float hi)
{
    cl_rng r;
    cl_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        data[i] = cl_rng_float(&r, lo, hi);
}

/* Weights (kh x kw x c x filters, in either layout: the sizes are the same)
 * and a bias, for the two convolution layers. */
static int make_weights(bud_case *k)
{
    const bud_spec *s = &k->spec;
    int st = cl_weights_alloc(&k->w, s->kh, s->kw, s->c, s->filters);
    if (st != CL_OK)
        return st;
    const size_t count = (size_t)s->kh * s->kw * s->c * s->filters;
    fill_random(k->w.data, count, s->seed + 2, -0.5f, 0.5f);
    k->bias = malloc((size_t)s->filters * sizeof *k->bias);
    if (k->bias == NULL)
        return cl_fail(CL_E_NOMEM, "no memory for a bias of %d values", s->filters);
    fill_random(k->bias, (size_t)s->filters, s->seed + 3, -0.5f, 0.5f);
    return CL_OK;
}

int bud_case_new(const bud_spec *s, bud_case **out)
{
    bud_case *k = calloc(1, sizeof *k);
    if (k == NULL)
        return cl_fail(CL_E_NOMEM, "no memory for a budget case");
    k->spec = *s;
    k->op = op_find(s->function);
    int st = k->op ? CL_OK : cl_fail(CL_E_ARG, "no budget is known for '%s'", s->function);
    if (st == CL_OK)
        st = cl_image_random(&k->img, s->n, s->h, s->w, s->c, s->seed, 0.0f, 1.0f);
    if (st == CL_OK && k->op->sum == SUM_KERNEL)
        st = cl_image_random(&k->kernel, 1, s->kh, s->kw, 1, s->seed + 1, -1.0f, 1.0f);
    if (st == CL_OK && k->op->sum == SUM_WEIGHTS)
        st = make_weights(k);
    if (st != CL_OK) {
        bud_case_free(k);
        return st;
    }
    *out = k;
    return CL_OK;
}

void bud_case_free(bud_case *k)
{
    if (k == NULL)
        return;
    cl_image_free(&k->img);
    cl_image_free(&k->kernel);
    cl_weights_free(&k->w);
    free(k->bias);
    free(k);
}

int bud_case_call(const bud_case *k, int student, cl_image *out)
{
    return k->op->call(k, student, out);
}

/* Data movement and max pooling are exact; sums get an absolute tolerance
 * that grows with their number of terms (inputs < 1, weights < 1), plus a
 * relative one. Loose on purpose: this check only keeps a wrong answer from
 * being timed; the student suite judges correctness. */
void bud_case_tolerance(const bud_case *k, float *atol, float *rtol)
{
    const bud_spec *s = &k->spec;
    double terms = 0.0;
    switch (k->op->sum) {
    case SUM_EXACT:
        break;
    case SUM_KERNEL:
        terms = (double)s->kh * s->kw;
        break;
    case SUM_WEIGHTS:
        terms = (double)s->kh * s->kw * s->c + 1.0;
        break;
    case SUM_POOL:
        terms = (double)s->ph * s->pw;
        break;
    case SUM_INTERP:
        terms = s->interp == CL_INTERP_BILINEAR ? 4.0 : 0.0;
        break;
    }
    *atol = (float)(1e-5 * terms);
    *rtol = terms > 0.0 ? 1e-4f : 0.0f;
}
