/* cases.c -- the case table and running a case (see cases.h).
 *
 * Sections: folders and functions; input specs; kernels, weights and bias;
 * args; the table; loading a case; calling a function (with the checks for
 * writes out of bounds and modified inputs, the tolerance and the size
 * context); the sentences of cl_case_problem.
 */
#include "cases.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ================================================== folders and functions */

const char *cl_case_dir(const char *var, const char *def)
{
    const char *v = var ? getenv(var) : NULL;
    return v && v[0] ? v : def;
}

typedef struct fn_info {
    const char *name, *part, *file;
    double points;
} fn_info;

/* In the order of cl_fn. */
static const fn_info fns[CL_FN_COUNT] = {
    {"conv_output_size", "a1", "a1_windows.c", 5}, {"get_subimages", "a1", "a1_windows.c", 10},
    {"im_conv", "a1", "a1_windows.c", 10},         {"flip_kernel", "a2", "a2_borders.c", 3},
    {"pad_image", "a2", "a2_borders.c", 7},        {"im_conv_opts", "a2", "a2_borders.c", 10},
    {"threshold_binary", "a2", "a2_borders.c", 2}, {"to_uint8", "a2", "a2_borders.c", 3},
    {"conv2d", "a3", "a3_layers.c", 10},           {"max_pool2d", "a3", "a3_layers.c", 4},
    {"avg_pool2d", "a3", "a3_layers.c", 4},        {"upsample", "a3", "a3_layers.c", 6},
    {"conv2d_transpose", "a3", "a3_layers.c", 6},  {"im_conv_fast", "a4", "a4_fast.c", 5},
};

static int fn_ok(cl_fn fn)
{
    return (int)fn >= 0 && fn < CL_FN_COUNT;
}

const char *cl_fn_name(cl_fn fn)
{
    return fn_ok(fn) ? fns[fn].name : "(unknown function)";
}
const char *cl_fn_part(cl_fn fn)
{
    return fn_ok(fn) ? fns[fn].part : "";
}
const char *cl_fn_file(cl_fn fn)
{
    return fn_ok(fn) ? fns[fn].file : "";
}
double cl_fn_points(cl_fn fn)
{
    return fn_ok(fn) ? fns[fn].points : 0;
}

int cl_fn_parse(const char *name, cl_fn *out)
{
    for (int i = 0; name && i < CL_FN_COUNT; i++)
        if (strcmp(fns[i].name, name) == 0) {
            *out = (cl_fn)i;
            return CL_OK;
        }
    return cl_fail(CL_E_ARG, "unknown function \"%s\"", name ? name : "(null)");
}

/* ============================================================ input specs */

/* Parses "AxB[xC[xD]]" of 2..maxdims positive ints into dims; *end after it. */
static int parse_dims(const char *s, int *dims, int maxdims, int *ndims, const char **end)
{
    int n = 0;
    for (;;) {
        char *e;
        errno = 0;
        long v = strtol(s, &e, 10);
        if (e == s || !isdigit((unsigned char)*s) || v < 1 || v > CL_MAX_DIM || errno)
            return cl_fail(CL_E_ARG, "bad size in \"%s\" (positive integers separated by x)", s);
        if (n == maxdims) return cl_fail(CL_E_ARG, "too many sizes (at most %d)", maxdims);
        dims[n++] = (int)v;
        s = e;
        if (*s != 'x') break;
        s++;
    }
    *ndims = n;
    *end = s;
    return CL_OK;
}

/* ",key=value" options after '@': seed, lo, hi, step. */
static int parse_random_opts(const char *s, uint64_t *seed, float *lo, float *hi, float *step)
{
    int have_seed = 0;
    while (*s) {
        char key[16];
        size_t n = strcspn(s, "=");
        if (s[n] != '=' || n == 0 || n >= sizeof key)
            return cl_fail(CL_E_ARG, "expected key=value in \"%s\"", s);
        memcpy(key, s, n);
        key[n] = '\0';
        char *e;
        const char *v = s + n + 1;
        errno = 0;
        if (strcmp(key, "seed") == 0) {
            unsigned long long u = strtoull(v, &e, 10);
            if (e == v || !isdigit((unsigned char)*v) || errno)
                return cl_fail(CL_E_ARG, "bad seed \"%s\"", v);
            *seed = u;
            have_seed = 1;
        } else if (strcmp(key, "lo") == 0 || strcmp(key, "hi") == 0 || strcmp(key, "step") == 0) {
            double d = strtod(v, &e);
            if (e == v || !isfinite(d))
                return cl_fail(CL_E_ARG, "bad number for %s in \"%s\"", key, v);
            *(key[0] == 'l' ? lo : key[0] == 'h' ? hi : step) = (float)d;
        } else {
            return cl_fail(CL_E_ARG, "unknown option \"%s\" (seed, lo, hi, step)", key);
        }
        if (*e != '\0' && *e != ',') return cl_fail(CL_E_ARG, "unexpected \"%s\"", e);
        s = *e == ',' ? e + 1 : e;
    }
    if (!have_seed) return cl_fail(CL_E_ARG, "a random input needs @seed=S");
    if (!(*lo < *hi)) return cl_fail(CL_E_ARG, "lo must be below hi");
    if (*step < 0) return cl_fail(CL_E_ARG, "step must be >= 0");
    return CL_OK;
}

/* Shape of random:/ramp: specs: HxW, HxWxC or NxHxWxC. */
static int parse_shape(const char *s, cl_input_spec *out, const char **end)
{
    int dims[4], nd;
    int st = parse_dims(s, dims, 4, &nd, end);
    if (st != CL_OK) return st;
    if (nd < 2) return cl_fail(CL_E_ARG, "a shape needs at least HxW");
    out->n = nd == 4 ? dims[0] : 1;
    out->rh = dims[nd == 4];
    out->rw = dims[1 + (nd == 4)];
    out->c = nd >= 3 ? dims[nd - 1] : 1;
    return CL_OK;
}

static int parse_generated(const char *text, cl_input_spec *out)
{
    const char *s, *end;
    int st;
    if (strncmp(text, "ramp:", 5) == 0) {
        out->kind = CL_INPUT_RAMP;
        st = parse_shape(text + 5, out, &end);
        if (st == CL_OK && *end) st = cl_fail(CL_E_ARG, "unexpected \"%s\" after the shape", end);
        return st;
    }
    out->kind = CL_INPUT_RANDOM;
    out->lo = -1.0f, out->hi = 1.0f;
    s = text + 7;
    st = parse_shape(s, out, &end);
    if (st != CL_OK) return st;
    if (*end != '@') return cl_fail(CL_E_ARG, "a random input needs @seed=S after its shape");
    return parse_random_opts(end + 1, &out->seed, &out->lo, &out->hi, &out->step);
}

/* "#i" or "#i:j" then "@y,x,h,w", both optional, after a path. */
static int parse_file_suffix(const char *s, cl_input_spec *out)
{
    char *e;
    if (*s == '#') {
        long a = strtol(s + 1, &e, 10), b = a + 1;
        if (e == s + 1 || a < 0) return cl_fail(CL_E_ARG, "bad image index after #");
        if (*e == ':') {
            const char *q = e + 1;
            b = strtol(q, &e, 10);
            if (e == q || b <= a) return cl_fail(CL_E_ARG, "bad range #i:j (need j > i)");
        }
        out->first = (int)a, out->count = (int)(b - a);
        s = e;
    }
    if (*s == '@') {
        int v[4], k = 0;
        s++;
        for (; k < 4; k++) {
            long x = strtol(s, &e, 10);
            if (e == s || x < 0 || x > CL_MAX_DIM || (k >= 2 && x < 1))
                return cl_fail(CL_E_ARG, "bad crop (expected @y,x,h,w)");
            v[k] = (int)x;
            s = e;
            if (k < 3 && *s++ != ',') return cl_fail(CL_E_ARG, "bad crop (expected @y,x,h,w)");
        }
        out->crop = 1, out->y = v[0], out->x = v[1], out->h = v[2], out->w = v[3];
    }
    if (*s) return cl_fail(CL_E_ARG, "unexpected \"%s\" after the file name", s);
    return CL_OK;
}

int cl_input_parse(const char *text, cl_input_spec *out)
{
    memset(out, 0, sizeof *out);
    if (!text || strcmp(text, "-") == 0 || text[0] == '\0') return CL_OK;
    int st;
    if (strncmp(text, "random:", 7) == 0 || strncmp(text, "ramp:", 5) == 0) {
        st = parse_generated(text, out);
    } else {
        size_t n = strcspn(text, "#@");
        if (n == 0 || n >= sizeof out->path || text[0] == '/' || strstr(text, ".."))
            return cl_fail(CL_E_ARG, "input \"%s\": expected a file under the images folder", text);
        memcpy(out->path, text, n);
        out->path[n] = '\0';
        out->kind = CL_INPUT_FILE;
        st = parse_file_suffix(text + n, out);
    }
    if (st != CL_OK) return cl_fail(st, "input \"%s\": %s", text, cl_last_error());
    return CL_OK;
}

/* out = images first..first+count-1, rows y..y+h-1, columns x..x+w-1 of src. */
static int cut(const cl_image *src, int first, int count, int y, int x, int h, int w, cl_image *out)
{
    if (first + count > src->n || y + h > src->h || x + w > src->w)
        return cl_fail(CL_E_SHAPE, "the selection goes beyond the image (%dx%dx%dx%d)", src->n,
                       src->h, src->w, src->c);
    int st = cl_image_alloc(out, count, h, w, src->c);
    for (int b = 0; st == CL_OK && b < count; b++)
        for (int r = 0; r < h; r++)
            memcpy(cl_px(out, b, r, 0, 0), cl_px(src, first + b, y + r, x, 0),
                   (size_t)w * src->c * sizeof(float));
    return st;
}

static int load_file(const cl_input_spec *s, const char *dir, cl_image *out)
{
    char path[512];
    cl_image whole = {0};
    snprintf(path, sizeof path, "%s/%s", dir, s->path);
    int st = cl_image_read_any(&whole, path, 0, NULL);
    if (st != CL_OK) return cl_fail(st, "%s (make images writes the test images)", cl_last_error());
    int count = s->count ? s->count : whole.n;
    st = cut(&whole, s->first, count, s->crop ? s->y : 0, s->crop ? s->x : 0,
             s->crop ? s->h : whole.h, s->crop ? s->w : whole.w, out);
    if (st != CL_OK) st = cl_fail(st, "%s: %s", path, cl_last_error());
    cl_image_free(&whole);
    return st;
}

int cl_input_load(const cl_input_spec *s, const char *images_dir, cl_image *out)
{
    memset(out, 0, sizeof *out);
    int st = CL_OK;
    switch (s->kind) {
    case CL_INPUT_NONE: return cl_fail(CL_E_ARG, "this case has no input");
    case CL_INPUT_FILE: return load_file(s, images_dir, out);
    case CL_INPUT_RAMP:
        st = cl_image_alloc(out, s->n, s->rh, s->rw, s->c);
        for (size_t i = 0; st == CL_OK && i < cl_image_count(out); i++)
            out->data[i] = (float)(i + 1);
        return st;
    case CL_INPUT_RANDOM:
        st = cl_image_random(out, s->n, s->rh, s->rw, s->c, s->seed, s->lo, s->hi);
        for (size_t i = 0; st == CL_OK && s->step > 0 && i < cl_image_count(out); i++)
            out->data[i] = (float)(floor((double)out->data[i] / s->step + 0.5) * s->step);
        return st;
    }
    return cl_fail(CL_E_ARG, "unknown input kind");
}

/* ================================================ kernels, weights, bias */

/* "random:AxB...@seed=S[,lo,hi]" with exactly nd dims; fills dims, seed, lo, hi. */
static int parse_random_dims(const char *text, int nd, int *dims, uint64_t *seed, float *lo,
                             float *hi)
{
    int got;
    const char *end;
    float step = 0;
    *lo = -1.0f, *hi = 1.0f;
    if (strncmp(text, "random:", 7) != 0)
        return cl_fail(CL_E_ARG, "\"%s\": expected random:...", text);
    int st = parse_dims(text + 7, dims, 4, &got, &end);
    if (st == CL_OK && got != nd) st = cl_fail(CL_E_ARG, "expected %d sizes", nd);
    if (st == CL_OK && *end != '@') st = cl_fail(CL_E_ARG, "expected @seed=S after the sizes");
    if (st == CL_OK) st = parse_random_opts(end + 1, seed, lo, hi, &step);
    if (st == CL_OK && step != 0) st = cl_fail(CL_E_ARG, "step is for inputs only");
    return st != CL_OK ? cl_fail(st, "\"%s\": %s", text, cl_last_error()) : CL_OK;
}

int cl_kernel_spec(const char *text, cl_image *out)
{
    memset(out, 0, sizeof *out);
    if (strncmp(text, "random:", 7) != 0) return cl_kernel_named(out, text);
    int d[4];
    uint64_t seed;
    float lo, hi;
    int st = parse_random_dims(text, 2, d, &seed, &lo, &hi);
    return st != CL_OK ? st : cl_image_random(out, 1, d[0], d[1], 1, seed, lo, hi);
}

/* w=random:KHxKWxAxB@seed=S: A x B is cin x cout for conv2d, cout x cin for
 * conv2d_transpose (the layer's Keras layout). */
static int weights_spec(const char *text, int transposed, cl_weights *out)
{
    int d[4];
    uint64_t seed;
    float lo, hi;
    int st = parse_random_dims(text, 4, d, &seed, &lo, &hi);
    if (st != CL_OK) return st;
    st = transposed ? cl_weights_alloc(out, d[0], d[1], d[3], d[2])
                    : cl_weights_alloc(out, d[0], d[1], d[2], d[3]);
    cl_rng r;
    cl_rng_seed(&r, seed);
    for (size_t i = 0, n = (size_t)d[0] * d[1] * d[2] * d[3]; st == CL_OK && i < n; i++)
        out->data[i] = cl_rng_float(&r, lo, hi);
    return st;
}

/* bias=random@seed=S[,lo,hi]: n values. */
static int bias_spec(const char *text, int n, float **out)
{
    uint64_t seed;
    float lo = -1.0f, hi = 1.0f, step = 0;
    if (strncmp(text, "random@", 7) != 0)
        return cl_fail(CL_E_ARG, "bias \"%s\": expected random@seed=S", text);
    int st = parse_random_opts(text + 7, &seed, &lo, &hi, &step);
    if (st != CL_OK) return cl_fail(st, "bias \"%s\": %s", text, cl_last_error());
    *out = malloc((size_t)n * sizeof **out);
    if (!*out) return cl_fail(CL_E_NOMEM, "out of memory for the bias");
    cl_rng r;
    cl_rng_seed(&r, seed);
    for (int i = 0; i < n; i++) (*out)[i] = cl_rng_float(&r, lo, hi);
    return CL_OK;
}

/* =================================================================== args */

/* "A" or "A,B" (both >= lo) into a, b. */
static int parse_pair(const char *v, int lo, int *a, int *b)
{
    char *e;
    long x = strtol(v, &e, 10), y = x;
    if (e == v) return CL_E_ARG;
    if (*e == ',') {
        const char *q = e + 1;
        y = strtol(q, &e, 10);
        if (e == q) return CL_E_ARG;
    }
    if (*e || x < lo || y < lo || x > CL_MAX_DIM || y > CL_MAX_DIM) return CL_E_ARG;
    *a = (int)x, *b = (int)y;
    return CL_OK;
}

/* "a,b,c" (each >= 0) into list; *n gets the count. */
static int parse_list(const char *v, int *list, int max, int *n)
{
    *n = 0;
    while (*v) {
        char *e;
        long x = strtol(v, &e, 10);
        if (e == v || x < 0 || x > CL_MAX_DIM || *n == max || (*e && *e != ',')) return CL_E_ARG;
        list[(*n)++] = (int)x;
        v = *e ? e + 1 : e;
    }
    return *n ? CL_OK : CL_E_ARG;
}

static int parse_float(const char *v, float *out)
{
    char *e;
    double d = strtod(v, &e);
    if (e == v || *e || !isfinite(d)) return CL_E_ARG;
    *out = (float)d;
    return CL_OK;
}

static int copy_text(const char *v, char *buf, size_t size)
{
    if (strlen(v) >= size || !v[0]) return CL_E_ARG;
    memcpy(buf, v, strlen(v) + 1);
    return CL_OK;
}

/* One key=value into a. */
static int parse_arg(const char *key, const char *v, cl_case_args *a)
{
    if (!strcmp(key, "k")) return copy_text(v, a->k, sizeof a->k);
    if (!strcmp(key, "w")) return copy_text(v, a->w, sizeof a->w);
    if (!strcmp(key, "bias")) return copy_text(v, a->bias, sizeof a->bias);
    if (!strcmp(key, "ksize")) return parse_pair(v, 1, &a->kh, &a->kw);
    if (!strcmp(key, "mode")) return cl_mode_parse(v, &a->mode);
    if (!strcmp(key, "border")) return cl_border_parse(v, &a->border);
    if (!strcmp(key, "stride")) return a->has_stride = 1, parse_pair(v, 1, &a->sy, &a->sx);
    if (!strcmp(key, "pool")) return parse_pair(v, 1, &a->ph, &a->pw);
    if (!strcmp(key, "padding")) return cl_mode_parse(v, &a->padding);
    if (!strcmp(key, "factor")) return parse_pair(v, 1, &a->fy, &a->fx);
    if (!strcmp(key, "interp")) return cl_interp_parse(v, &a->interp);
    if (!strcmp(key, "thresh")) return parse_float(v, &a->thresh);
    if (!strcmp(key, "maxval")) return parse_float(v, &a->maxval);
    if (!strcmp(key, "ins")) return parse_list(v, a->ins, CL_ARGS_LIST, &a->nins);
    if (!strcmp(key, "ks")) return parse_list(v, a->ks, CL_ARGS_LIST, &a->nks);
    if (!strcmp(key, "strides")) return parse_list(v, a->strides, CL_ARGS_LIST, &a->nstrides);
    if (!strcmp(key, "flip")) {
        if (strcmp(v, "0") && strcmp(v, "1")) return CL_E_ARG;
        a->flip = v[0] == '1';
        return CL_OK;
    }
    if (!strcmp(key, "pad")) {
        int n, p[4];
        if (parse_list(v, p, 4, &n) != CL_OK || (n != 1 && n != 4)) return CL_E_ARG;
        for (int i = 0; i < 4; i++) a->pad[i] = p[n == 4 ? i : 0];
        return CL_OK;
    }
    return cl_fail(CL_E_ARG, "unknown key \"%s\"", key);
}

int cl_args_parse(const char *text, cl_case_args *a)
{
    memset(a, 0, sizeof *a);
    a->sy = a->sx = 1;
    a->fy = a->fx = 2;
    a->maxval = 255.0f;
    char buf[256];
    if (!text) return CL_OK;
    if (strlen(text) >= sizeof buf) return cl_fail(CL_E_ARG, "args too long");
    memcpy(buf, text, strlen(text) + 1);
    for (char *save = NULL, *tok = strtok_r(buf, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) return cl_fail(CL_E_ARG, "args \"%s\": expected key=value, got \"%s\"", text, tok);
        *eq = '\0';
        cl_fail(CL_OK, NULL);
        if (parse_arg(tok, eq + 1, a) != CL_OK)
            return cl_fail(CL_E_ARG, "args \"%s\": bad value for %s%s%s", text, tok,
                           cl_last_error()[0] ? ": " : "", cl_last_error());
    }
    return CL_OK;
}

int cl_case_size_row(const cl_case_args *a, int row, int *in, int *k, int *stride)
{
    if (row < 0 || a->nins * a->nks * a->nstrides <= row) return 0;
    *stride = a->strides[row % a->nstrides];
    *k = a->ks[row / a->nstrides % a->nks];
    *in = a->ins[row / a->nstrides / a->nks];
    return 1;
}

/* ================================================================ table */

static const char *const case_keys[] = {"id",   "function", "points", "description", "visibility",
                                        "kind", "input",    "args",   "mistakes",    "property"};
static const char *const visibilities[] = {"visible", "hidden", "after_due_date",
                                           "after_published"};

static int in_list(const char *s, const char *const *list, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0) return 1;
    return 0;
}

static int is_identifier(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_') return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_') return 0;
    return 1;
}

/* The fields of [[case]] i, read as text. */
static int read_fields(const cl_toml *t, int i, cl_case *c)
{
    char fn[48], kind[16];
    int st = cl_toml_require_string(t, "case", i, "id", c->id, sizeof c->id);
    if (st == CL_OK) st = cl_toml_require_string(t, "case", i, "function", fn, sizeof fn);
    if (st == CL_OK && !cl_toml_find(t, "case", i, "points"))
        st = cl_fail(CL_E_FORMAT, "%s: case %s has no points", t->path, c->id);
    if (st == CL_OK) st = cl_toml_double(t, "case", i, "points", 0, &c->points);
    if (st == CL_OK)
        st = cl_toml_require_string(t, "case", i, "description", c->description,
                                    sizeof c->description);
    if (st == CL_OK)
        st = cl_toml_string(t, "case", i, "visibility", "visible", c->visibility,
                            sizeof c->visibility);
    if (st == CL_OK) st = cl_toml_require_string(t, "case", i, "kind", kind, sizeof kind);
    if (st == CL_OK) st = cl_toml_string(t, "case", i, "input", "-", c->input, sizeof c->input);
    if (st == CL_OK) st = cl_toml_string(t, "case", i, "args", "", c->args, sizeof c->args);
    if (st == CL_OK)
        st = cl_toml_string(t, "case", i, "mistakes", "", c->mistakes, sizeof c->mistakes);
    if (st == CL_OK)
        st = cl_toml_string(t, "case", i, "property", "", c->property, sizeof c->property);
    if (st != CL_OK) return st;
    if (cl_fn_parse(fn, &c->fn) != CL_OK)
        return cl_fail(CL_E_FORMAT, "%s:%d: unknown function \"%s\"", t->path, c->line, fn);
    if (strcmp(kind, "compare") && strcmp(kind, "property"))
        return cl_fail(CL_E_FORMAT, "%s:%d: kind must be compare or property, got \"%s\"", t->path,
                       c->line, kind);
    c->kind = kind[0] == 'c' ? CL_CASE_COMPARE : CL_CASE_PROPERTY;
    return CL_OK;
}

/* id = part.function.name, matching the function. */
static int check_id(cl_case *c)
{
    const char *part = cl_fn_part(c->fn), *fn = cl_fn_name(c->fn);
    size_t np = strlen(part), nf = strlen(fn);
    const char *name = c->id + np + 1 + nf + 1;
    if (strncmp(c->id, part, np) || c->id[np] != '.' || strncmp(c->id + np + 1, fn, nf) ||
        c->id[np + 1 + nf] != '.' || !is_identifier(name) || strlen(name) >= sizeof c->name)
        return cl_fail(CL_E_FORMAT, "id \"%s\" must be %s.%s.NAME with NAME a C identifier", c->id,
                       part, fn);
    snprintf(c->part, sizeof c->part, "%s", part);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->test_name, sizeof c->test_name, "%s_%s", fn, name);
    return CL_OK;
}

/* What the function needs from input and args (compare cases). */
static const char *missing_arg(cl_fn fn, const cl_input_spec *in, const cl_case_args *a)
{
    int has_in = in->kind != CL_INPUT_NONE;
    switch (fn) {
    case CL_FN_CONV_OUTPUT_SIZE:
        return has_in                                  ? "no input (use input = \"-\")"
               : (!a->nins || !a->nks || !a->nstrides) ? "ins=, ks= and strides="
                                                       : NULL;
    case CL_FN_GET_SUBIMAGES: return !has_in ? "an input" : !a->kh ? "ksize=" : NULL;
    case CL_FN_IM_CONV:
    case CL_FN_IM_CONV_FAST:
    case CL_FN_IM_CONV_OPTS: return !has_in ? "an input" : !a->k[0] ? "k=" : NULL;
    case CL_FN_FLIP_KERNEL:
        if (a->flip) return !has_in || !a->k[0] ? "an input and k= (flip=1)" : NULL;
        return has_in == !!a->k[0] ? "either an input or k= (the kernel to flip)" : NULL;
    case CL_FN_CONV2D:
    case CL_FN_CONV2D_TRANSPOSE: return !has_in ? "an input" : !a->w[0] ? "w=" : NULL;
    case CL_FN_MAX_POOL2D:
    case CL_FN_AVG_POOL2D: return !has_in ? "an input" : !a->ph ? "pool=" : NULL;
    default: return has_in ? NULL : "an input";
    }
}

static int check_case(const cl_case *c)
{
    cl_input_spec in;
    cl_case_args a;
    if (!(c->points > 0) || !isfinite(c->points)) return cl_fail(CL_E_FORMAT, "points must be > 0");
    if (!in_list(c->visibility, visibilities, COUNT(visibilities)))
        return cl_fail(CL_E_FORMAT,
                       "visibility must be visible, hidden, after_due_date or after_published");
    if (cl_input_parse(c->input, &in) != CL_OK || cl_args_parse(c->args, &a) != CL_OK)
        return CL_E_FORMAT;
    if (a.bias[0] && !a.w[0]) return cl_fail(CL_E_FORMAT, "bias= needs w= (its length is cout)");
    if (c->kind == CL_CASE_PROPERTY) {
        if (!is_identifier(c->property))
            return cl_fail(CL_E_FORMAT, "a property case needs property = NAME");
        if (c->mistakes[0]) return cl_fail(CL_E_FORMAT, "mistakes are for compare cases");
        return CL_OK;
    }
    if (c->property[0]) return cl_fail(CL_E_FORMAT, "property is for property cases");
    const char *need = missing_arg(c->fn, &in, &a);
    if (need) return cl_fail(CL_E_FORMAT, "%s needs %s", cl_fn_name(c->fn), need);
    char tag[48];
    for (int i = 0; cl_case_mistake(c, i, tag, sizeof tag); i++)
        if (!cl_mistake_sentence(tag)[0])
            return cl_fail(CL_E_FORMAT, "unknown mistake tag \"%s\"", tag);
    return CL_OK;
}

static int check_keys(const cl_toml *t)
{
    for (int i = 0; i < t->count; i++) {
        const cl_toml_entry *e = &t->entries[i];
        if (strcmp(e->table, "case") != 0)
            return cl_fail(CL_E_FORMAT, "%s:%d: only [[case]] tables belong here", t->path,
                           e->line);
        if (!in_list(e->key, case_keys, COUNT(case_keys)))
            return cl_fail(CL_E_FORMAT, "%s:%d: unknown key %s", t->path, e->line, e->key);
    }
    return CL_OK;
}

static int check_unique(const cl_case_table *t, int i)
{
    for (int j = 0; j < i; j++) {
        if (strcmp(t->cases[j].id, t->cases[i].id) == 0)
            return cl_fail(CL_E_FORMAT, "id also used at line %d", t->cases[j].line);
        if (strcmp(t->cases[j].part, t->cases[i].part) == 0 &&
            strcmp(t->cases[j].test_name, t->cases[i].test_name) == 0)
            return cl_fail(CL_E_FORMAT, "test name %s also used at line %d", t->cases[i].test_name,
                           t->cases[j].line);
    }
    return CL_OK;
}

int cl_case_validate(cl_case *c)
{
    int st = check_id(c);
    return st == CL_OK ? check_case(c) : st;
}

int cl_case_table_read(const char *path, cl_case_table *out)
{
    cl_toml t;
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    int st = cl_toml_read(path, &t);
    if (st != CL_OK) return st;
    int n = cl_toml_count(&t, "case");
    st = check_keys(&t);
    if (st == CL_OK && n == 0) st = cl_fail(CL_E_FORMAT, "%s: no [[case]]", path);
    if (st == CL_OK && !(out->cases = calloc((size_t)n, sizeof *out->cases)))
        st = cl_fail(CL_E_NOMEM, "out of memory");
    for (int i = 0; st == CL_OK && i < n; i++) {
        cl_case *c = &out->cases[i];
        const cl_toml_entry *first = cl_toml_find(&t, "case", i, "id");
        c->line = first ? first->line : 0;
        st = read_fields(&t, i, c);
        if (st != CL_OK) break;
        st = check_id(c);
        if (st == CL_OK) st = check_case(c);
        out->count = i + 1;
        if (st == CL_OK) st = check_unique(out, i);
        if (st != CL_OK)
            st = cl_fail(st, "%s:%d: case %s: %s", path, c->line, c->id, cl_last_error());
    }
    cl_toml_free(&t);
    if (st != CL_OK) cl_case_table_free(out);
    return st;
}

void cl_case_table_free(cl_case_table *t)
{
    if (!t) return;
    free(t->cases);
    t->cases = NULL;
    t->count = 0;
}

const cl_case *cl_case_find(const cl_case_table *t, const char *id)
{
    for (int i = 0; t && i < t->count; i++)
        if (strcmp(t->cases[i].id, id) == 0) return &t->cases[i];
    return NULL;
}

int cl_case_mistake(const cl_case *c, int i, char *buf, size_t size)
{
    const char *s = c->mistakes;
    for (;;) {
        while (*s == ',' || *s == ' ') s++;
        if (!*s) return 0;
        size_t n = strcspn(s, ", ");
        if (i-- == 0) {
            snprintf(buf, size, "%.*s", (int)n, s);
            return 1;
        }
        s += n;
    }
}

const char *cl_case_expected_path(char *buf, size_t size, const char *dir, const char *id,
                                  const char *tag)
{
    if (tag)
        snprintf(buf, size, "%s/%s.%s.npy", dir, id, tag);
    else
        snprintf(buf, size, "%s/%s.npy", dir, id);
    return buf;
}

/* ========================================================== loading a case */

static int load_parts(cl_fn fn, const char *images_dir, cl_case_data *d)
{
    int st = CL_OK;
    if (d->spec.kind != CL_INPUT_NONE) st = cl_input_load(&d->spec, images_dir, &d->input);
    if (st == CL_OK && d->args.k[0]) st = cl_kernel_spec(d->args.k, &d->kernel);
    if (st == CL_OK && fn == CL_FN_FLIP_KERNEL && !d->args.flip && d->spec.kind == CL_INPUT_NONE)
        st = cl_image_copy(&d->input, &d->kernel);
    if (st == CL_OK && d->args.w[0])
        st = weights_spec(d->args.w, fn == CL_FN_CONV2D_TRANSPOSE, &d->weights);
    if (st == CL_OK && d->args.bias[0]) {
        if (!d->weights.data) return cl_fail(CL_E_ARG, "bias= needs w=");
        d->nbias = d->weights.cout;
        st = bias_spec(d->args.bias, d->nbias, &d->bias);
    }
    return st;
}

int cl_case_load(const cl_case *c, const char *images_dir, cl_case_data *d)
{
    memset(d, 0, sizeof *d);
    int st = cl_input_parse(c->input, &d->spec);
    if (st == CL_OK) st = cl_args_parse(c->args, &d->args);
    if (st == CL_OK && !d->args.has_stride &&
        (c->fn == CL_FN_MAX_POOL2D || c->fn == CL_FN_AVG_POOL2D))
        d->args.sy = d->args.ph, d->args.sx = d->args.pw;
    if (st == CL_OK) st = load_parts(c->fn, images_dir, d);
    if (st != CL_OK) {
        st = cl_fail(st, "case %s: %s", c->id, cl_last_error());
        cl_case_data_free(d);
    }
    return st;
}

void cl_case_data_free(cl_case_data *d)
{
    if (!d) return;
    cl_image_free(&d->input);
    cl_image_free(&d->kernel);
    cl_weights_free(&d->weights);
    free(d->bias);
    memset(d, 0, sizeof *d);
}

/* ====================================================== calling a function */

/* Copies of the inputs taken before a call, compared after it. */
typedef struct snapshot {
    const char *name[4];
    const float *live[4];
    float *copy[4];
    size_t count[4];
    int n;
} snapshot;

static int snap_add(snapshot *s, const char *name, const float *data, size_t count)
{
    if (!data || !count) return CL_OK;
    float *copy = malloc(count * sizeof *copy);
    if (!copy) return cl_fail(CL_E_NOMEM, "out of memory for a copy of %s", name);
    memcpy(copy, data, count * sizeof *copy);
    s->name[s->n] = name, s->live[s->n] = data, s->copy[s->n] = copy, s->count[s->n++] = count;
    return CL_OK;
}

static int snap_take(snapshot *s, const cl_case_data *d)
{
    memset(s, 0, sizeof *s);
    int st = snap_add(s, "img", d->input.data, cl_image_count(&d->input));
    if (st == CL_OK) st = snap_add(s, "kernel", d->kernel.data, cl_image_count(&d->kernel));
    if (st == CL_OK)
        st = snap_add(s, "weights", d->weights.data,
                      d->weights.data
                          ? (size_t)d->weights.kh * d->weights.kw * d->weights.cin * d->weights.cout
                          : 0);
    if (st == CL_OK) st = snap_add(s, "bias", d->bias, (size_t)d->nbias);
    return st;
}

/* The name of the first input that changed, or NULL; frees the copies. */
static const char *snap_check(snapshot *s)
{
    const char *changed = NULL;
    for (int i = 0; i < s->n; i++) {
        if (!changed && memcmp(s->live[i], s->copy[i], s->count[i] * sizeof(float)) != 0)
            changed = s->name[i];
        free(s->copy[i]);
    }
    s->n = 0;
    return changed;
}

static float max_abs(const float *v, size_t n)
{
    float m = 0;
    for (size_t i = 0; v && i < n; i++)
        if (fabsf(v[i]) > m) m = fabsf(v[i]);
    return m;
}

/* atol = 1e-5 * (terms * max|input| * max|weight| + max|bias|) + 1e-6, rtol 1e-5. */
static void set_tolerance(cl_case_output *o, double terms, double in, double w, double bias)
{
    o->atol = (float)(1e-5 * (terms * in * w + bias) + 1e-6);
    o->rtol = 1e-5f;
}

/* On one axis of an output of `out` rows (or columns) read with window k,
 * stride s and `before` padding from an input of `in`: how many rows at
 * either end read padding (the larger of the two counts). Output row y
 * reads input rows y*s - before .. y*s - before + k - 1. */
static int band_of(int in, int k, int s, int before, int out)
{
    int top = (before + s - 1) / s;      /* rows with y*s < before */
    int last = in - 1 + before - (k - 1); /* rows with y*s <= last stay inside */
    int bottom = out - (last < 0 ? 0 : last / s + 1);
    int band = top > bottom ? top : bottom;
    return band < 0 ? 0 : band > out ? out : band;
}

static void size_conv(cl_case_output *o, const cl_image *in, int kh, int kw, int sy, int sx,
                      cl_mode m)
{
    cl_size_context *z = &o->size;
    z->rule = CL_SIZE_CONV;
    z->in_h = in->h, z->in_w = in->w, z->in_c = in->c;
    z->kh = kh, z->kw = kw, z->sy = sy, z->sx = sx, z->mode = m;
    int t = 0, b = 0, l = 0, r = 0;
    int oh = cl_output_size(in->h, kh, sy, m), ow = cl_output_size(in->w, kw, sx, m);
    if (m != CL_MODE_VALID && oh > 0 && ow > 0 &&
        cl_pad_amounts(in->h, kh, sy, m, &t, &b) == CL_OK &&
        cl_pad_amounts(in->w, kw, sx, m, &l, &r) == CL_OK) {
        int rows = band_of(in->h, kh, sy, t, oh), cols = band_of(in->w, kw, sx, l, ow);
        o->border_band = rows > cols ? rows : cols;
    }
}

/* Records a failed call of fn_name. */
static void failed(cl_case_output *o, const char *fn_name, int status)
{
    o->status = status;
    o->failed_fn = fn_name;
    snprintf(o->error, sizeof o->error, "%s", cl_last_error());
}

/* After a call that returned st into out: status, allocation, guards. */
static void after_call(cl_case_output *o, const char *fn_name, int st, const cl_image *out)
{
    if (st != CL_OK)
        failed(o, fn_name, st);
    else if (!out->data || !out->block_ || cl_image_count(out) == 0)
        o->no_output = 1, o->failed_fn = fn_name;
    else if (!cl_image_guards_ok(out))
        o->out_of_bounds = 1, o->failed_fn = fn_name;
}

static int call_sizes(const cl_case_data *d, const cl_impl *impl, cl_case_output *o)
{
    const cl_case_args *a = &d->args;
    int n = a->nins * a->nks * a->nstrides, row = 0;
    int st = cl_image_alloc(&o->out, 1, 1, n, 1);
    if (st != CL_OK) return st;
    cl_fail(CL_OK, NULL);
    int probe = impl->conv_output_size(7, 3, 1, a->mode);
    if (probe == CL_E_NOT_IMPLEMENTED) return failed(o, "conv_output_size", probe), CL_OK;
    for (int in, k, s; cl_case_size_row(a, row, &in, &k, &s); row++) {
        int got = impl->conv_output_size(in, k, s, a->mode);
        if (got == CL_E_NOT_IMPLEMENTED && cl_output_size(in, k, s, a->mode) > 0)
            return failed(o, "conv_output_size", got), CL_OK;
        o->out.data[row] = got < 0 ? -1.0f : (float)got;
    }
    return CL_OK;
}

/* to_uint8 into a byte buffer with guard bytes on both sides. */
#define U8_GUARD 64
static int call_to_uint8(const cl_case_data *d, const cl_impl *impl, cl_case_output *o)
{
    size_t n = cl_image_count(&d->input);
    uint8_t *buf = malloc(n + 2 * U8_GUARD);
    if (!buf) return cl_fail(CL_E_NOMEM, "out of memory");
    memset(buf, 0xA5, n + 2 * U8_GUARD);
    cl_fail(CL_OK, NULL);
    int st = impl->to_uint8(&d->input, buf + U8_GUARD);
    if (st != CL_OK) {
        failed(o, "to_uint8", st);
    } else {
        for (size_t i = 0; i < U8_GUARD; i++)
            if (buf[i] != 0xA5 || buf[U8_GUARD + n + i] != 0xA5)
                o->out_of_bounds = 1, o->failed_fn = "to_uint8";
        st = cl_image_alloc(&o->out, d->input.n, d->input.h, d->input.w, d->input.c);
        for (size_t i = 0; st == CL_OK && i < n; i++) o->out.data[i] = (float)buf[U8_GUARD + i];
    }
    free(buf);
    return st == CL_OK || o->status != CL_OK ? CL_OK : st;
}

/* flip=1: the student's flip_kernel, then their im_conv_opts. */
static void call_flip_conv(const cl_case_data *d, const cl_impl *impl, const cl_conv_opts *opts,
                           cl_case_output *o)
{
    cl_image flipped = {0};
    cl_fail(CL_OK, NULL);
    int st = impl->flip_kernel(&d->kernel, &flipped);
    after_call(o, "flip_kernel", st, &flipped);
    if (o->status == CL_OK && !o->no_output && !o->out_of_bounds &&
        (flipped.h != d->kernel.h || flipped.w != d->kernel.w || flipped.c != 1 ||
         flipped.n != 1)) {
        o->status = CL_E_SHAPE, o->failed_fn = "flip_kernel";
        snprintf(o->error, sizeof o->error, "its output is %dx%dx%dx%d, the kernel is 1x%dx%dx1",
                 flipped.n, flipped.h, flipped.w, flipped.c, d->kernel.h, d->kernel.w);
    }
    if (o->status == CL_OK && !o->failed_fn) {
        cl_fail(CL_OK, NULL);
        st = impl->im_conv_opts(&d->input, &flipped, opts, &o->out);
        after_call(o, "im_conv_opts", st, &o->out);
    }
    cl_image_free(&flipped);
}

static void call_conv(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o)
{
    const cl_case_args *a = &d->args;
    const cl_image *in = &d->input, *k = &d->kernel;
    cl_conv_opts opts = {a->mode, a->border, a->sy, a->sx};
    int st;
    cl_fail(CL_OK, NULL);
    if (fn == CL_FN_FLIP_KERNEL) {
        call_flip_conv(d, impl, &opts, o);
        o->border = cl_border_name(a->border);
    } else if (fn == CL_FN_IM_CONV_OPTS) {
        st = impl->im_conv_opts(in, k, &opts, &o->out);
        after_call(o, cl_fn_name(fn), st, &o->out);
        o->border = cl_border_name(a->border);
    } else {
        st = (fn == CL_FN_IM_CONV ? impl->im_conv : impl->im_conv_fast)(in, k, &o->out);
        after_call(o, cl_fn_name(fn), st, &o->out);
        opts.sy = opts.sx = 1, opts.mode = CL_MODE_VALID;
    }
    size_conv(o, in, k->h, k->w, opts.sy, opts.sx, opts.mode);
    set_tolerance(o, (double)k->h * k->w, max_abs(in->data, cl_image_count(in)),
                  max_abs(k->data, cl_image_count(k)), 0);
}

static void call_layer(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o)
{
    const cl_case_args *a = &d->args;
    const cl_image *in = &d->input;
    const cl_weights *w = &d->weights;
    size_t nw = (size_t)w->kh * w->kw * w->cin * w->cout;
    int st;
    cl_fail(CL_OK, NULL);
    if (fn == CL_FN_CONV2D) {
        st = impl->conv2d(in, w, d->bias, a->sy, a->sx, a->padding, &o->out);
        size_conv(o, in, w->kh, w->kw, a->sy, a->sx, a->padding);
        set_tolerance(o, (double)w->kh * w->kw * w->cin, max_abs(in->data, cl_image_count(in)),
                      max_abs(w->data, nw), max_abs(d->bias, (size_t)d->nbias));
    } else {
        st = impl->conv2d_transpose(in, w, d->bias, a->sy, a->sx, a->padding, &o->out);
        o->size = (cl_size_context){.rule = CL_SIZE_TRANSPOSE,
                                    .in_h = in->h,
                                    .in_w = in->w,
                                    .in_c = in->c,
                                    .kh = w->kh,
                                    .kw = w->kw,
                                    .sy = a->sy,
                                    .sx = a->sx,
                                    .mode = a->padding};
        double terms =
            (double)((w->kh + a->sy - 1) / a->sy) * ((w->kw + a->sx - 1) / a->sx) * w->cin;
        set_tolerance(o, terms, max_abs(in->data, cl_image_count(in)), max_abs(w->data, nw),
                      max_abs(d->bias, (size_t)d->nbias));
    }
    after_call(o, cl_fn_name(fn), st, &o->out);
}

static void call_pool_or_resize(cl_fn fn, const cl_case_data *d, const cl_impl *impl,
                                cl_case_output *o)
{
    const cl_case_args *a = &d->args;
    const cl_image *in = &d->input;
    float m = max_abs(in->data, cl_image_count(in));
    int st;
    cl_fail(CL_OK, NULL);
    if (fn == CL_FN_UPSAMPLE) {
        st = impl->upsample(in, a->fy, a->fx, a->interp, &o->out);
        o->size = (cl_size_context){.rule = CL_SIZE_UPSAMPLE,
                                    .in_h = in->h,
                                    .in_w = in->w,
                                    .in_c = in->c,
                                    .kh = a->fy,
                                    .kw = a->fx,
                                    .sy = 1,
                                    .sx = 1};
        if (a->interp == CL_INTERP_BILINEAR) set_tolerance(o, 4, m, 1, 0);
    } else {
        st = (fn == CL_FN_MAX_POOL2D ? impl->max_pool2d : impl->avg_pool2d)(
            in, a->ph, a->pw, a->sy, a->sx, a->padding, &o->out);
        size_conv(o, in, a->ph, a->pw, a->sy, a->sx, a->padding);
        if (fn == CL_FN_AVG_POOL2D) set_tolerance(o, (double)a->ph * a->pw, m, 1, 0);
    }
    after_call(o, cl_fn_name(fn), st, &o->out);
}

static void call_pixels(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o)
{
    const cl_case_args *a = &d->args;
    const cl_image *in = &d->input;
    int st;
    cl_fail(CL_OK, NULL);
    switch (fn) {
    case CL_FN_GET_SUBIMAGES:
        st = impl->get_subimages(in, a->kh, a->kw, &o->out);
        o->size = (cl_size_context){.rule = CL_SIZE_WINDOWS,
                                    .in_h = in->h,
                                    .in_w = in->w,
                                    .in_c = in->c,
                                    .kh = a->kh,
                                    .kw = a->kw,
                                    .sy = 1,
                                    .sx = 1};
        break;
    case CL_FN_FLIP_KERNEL: st = impl->flip_kernel(in, &o->out); break;
    case CL_FN_PAD_IMAGE:
        st = impl->pad_image(in, a->pad[0], a->pad[1], a->pad[2], a->pad[3], a->border, &o->out);
        o->size = (cl_size_context){.rule = CL_SIZE_PAD,
                                    .in_h = in->h,
                                    .in_w = in->w,
                                    .in_c = in->c,
                                    .sy = 1,
                                    .sx = 1,
                                    .pad = {a->pad[0], a->pad[1], a->pad[2], a->pad[3]}};
        for (int i = 0; i < 4; i++)
            if (a->pad[i] > o->border_band) o->border_band = a->pad[i];
        o->border = cl_border_name(a->border);
        break;
    default: st = impl->threshold_binary(in, a->thresh, a->maxval, &o->out); break;
    }
    after_call(o, cl_fn_name(fn), st, &o->out);
}

/* 1 when impl has function fn. */
static int has_fn(cl_fn fn, const cl_impl *impl)
{
    switch (fn) {
#define CL_FN_CASE(f, E) \
    case E: return impl->f != NULL;
        CL_FN_CASE(conv_output_size, CL_FN_CONV_OUTPUT_SIZE)
        CL_FN_CASE(get_subimages, CL_FN_GET_SUBIMAGES)
        CL_FN_CASE(im_conv, CL_FN_IM_CONV)
        CL_FN_CASE(flip_kernel, CL_FN_FLIP_KERNEL)
        CL_FN_CASE(pad_image, CL_FN_PAD_IMAGE)
        CL_FN_CASE(im_conv_opts, CL_FN_IM_CONV_OPTS)
        CL_FN_CASE(threshold_binary, CL_FN_THRESHOLD_BINARY)
        CL_FN_CASE(to_uint8, CL_FN_TO_UINT8)
        CL_FN_CASE(conv2d, CL_FN_CONV2D)
        CL_FN_CASE(max_pool2d, CL_FN_MAX_POOL2D)
        CL_FN_CASE(avg_pool2d, CL_FN_AVG_POOL2D)
        CL_FN_CASE(upsample, CL_FN_UPSAMPLE)
        CL_FN_CASE(conv2d_transpose, CL_FN_CONV2D_TRANSPOSE)
        CL_FN_CASE(im_conv_fast, CL_FN_IM_CONV_FAST)
#undef CL_FN_CASE
    default: return 0;
    }
}

static int dispatch(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o);

int cl_case_call(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o)
{
    memset(o, 0, sizeof *o);
    if (!fn_ok(fn) || !d || !impl || !has_fn(fn, impl) ||
        (fn == CL_FN_FLIP_KERNEL && d->args.flip && !impl->im_conv_opts))
        return cl_fail(CL_E_ARG, "cl_case_call: %s is not in the %s table", cl_fn_name(fn),
                       impl ? impl->name : "(null)");
    snapshot snap;
    int st = snap_take(&snap, d);
    if (st != CL_OK) return st;
    st = dispatch(fn, d, impl, o);
    o->modified = snap_check(&snap);
    if (o->modified && !o->failed_fn) o->failed_fn = cl_fn_name(fn);
    return st;
}

int cl_case_call_bare(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o)
{
    memset(o, 0, sizeof *o);
    if (!fn_ok(fn) || !d || !impl || !has_fn(fn, impl) ||
        (fn == CL_FN_FLIP_KERNEL && d->args.flip && !impl->im_conv_opts))
        return cl_fail(CL_E_ARG, "cl_case_call_bare: %s is not in the %s table", cl_fn_name(fn),
                       impl ? impl->name : "(null)");
    return dispatch(fn, d, impl, o);
}

/* The call itself: the function of impl on d, into o. */
static int dispatch(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o)
{
    int st = CL_OK;
    switch (fn) {
    case CL_FN_CONV_OUTPUT_SIZE: st = call_sizes(d, impl, o); break;
    case CL_FN_TO_UINT8: st = call_to_uint8(d, impl, o); break;
    case CL_FN_IM_CONV:
    case CL_FN_IM_CONV_FAST:
    case CL_FN_IM_CONV_OPTS: call_conv(fn, d, impl, o); break;
    case CL_FN_FLIP_KERNEL:
        if (d->args.flip)
            call_conv(fn, d, impl, o);
        else
            call_pixels(fn, d, impl, o);
        break;
    case CL_FN_CONV2D:
    case CL_FN_CONV2D_TRANSPOSE: call_layer(fn, d, impl, o); break;
    case CL_FN_MAX_POOL2D:
    case CL_FN_AVG_POOL2D:
    case CL_FN_UPSAMPLE: call_pool_or_resize(fn, d, impl, o); break;
    default: call_pixels(fn, d, impl, o); break;
    }
    if (o->size.rule == CL_SIZE_NONE) o->size.sy = o->size.sx = 1;
    return st;
}

void cl_case_output_free(cl_case_output *o)
{
    if (!o) return;
    cl_image_free(&o->out);
}

int cl_case_run(const cl_case *c, const char *images_dir, const cl_impl *impl, cl_case_output *o)
{
    cl_case_data d;
    memset(o, 0, sizeof *o);
    int st = cl_case_load(c, images_dir, &d);
    if (st != CL_OK) return st;
    st = cl_case_call(c->fn, &d, impl, o);
    cl_case_data_free(&d);
    return st;
}

/* ============================================================= sentences */

const char *cl_status_name(int status)
{
    static const char *const names[] = {"CL_OK",       "CL_E_NOT_IMPLEMENTED", "CL_E_ARG",
                                        "CL_E_SHAPE",  "CL_E_NOMEM",           "CL_E_IO",
                                        "CL_E_FORMAT", "CL_E_TOOBIG"};
    if (status > 0) return "a positive number";
    return -status < COUNT(names) ? names[-status] : "an unknown negative code";
}

int cl_case_problem(const cl_case_output *o, cl_fn fn, const char *student_dir, char *buf,
                    size_t size)
{
    const char *name = o->failed_fn ? o->failed_fn : cl_fn_name(fn);
    cl_fn which = fn;
    cl_fn_parse(name, &which);
    if (o->modified)
        snprintf(buf, size,
                 "%s: your function modified its input `%s`. Inputs are read-only (const): "
                 "compute into out and leave %s as it was.",
                 name, o->modified, o->modified);
    else if (o->status == CL_E_NOT_IMPLEMENTED)
        snprintf(buf, size, "%s: not implemented yet (%s/%s)", name, student_dir,
                 cl_fn_file(which));
    else if (o->status > 0)
        snprintf(buf, size,
                 "%s returned %d, which is not a status: return CL_OK (0) on success and a "
                 "negative CL_E_* code only on bad input.",
                 name, o->status);
    else if (o->status < 0)
        snprintf(
            buf, size, "%s returned %s (%s) but this input is valid, so it should succeed.%s%s",
            name, cl_status_name(o->status), cl_status_str(o->status),
            o->error[0] ? "\n  Your message: " : " (no message: cl_fail records one)", o->error);
    else if (o->no_output)
        snprintf(buf, size,
                 "%s returned CL_OK but did not allocate its output: call "
                 "cl_image_alloc(out, n, h, w, c) and then fill out->data.",
                 name);
    else if (o->out_of_bounds)
        snprintf(buf, size,
                 "%s wrote outside its output: an index past the end (or before the start) "
                 "of the output's pixels. Check the loop bounds and the index formula against the "
                 "output's size.",
                 name);
    else
        return 0;
    return 1;
}
