/* cli_show.c -- `convlab show IN [IN ...] [-k NAME ...] -o OUT.png
 * [--normalize] [--scale S] [--impl NAME]`: the lesson's compare-two-images,
 * as one PNG.
 *
 * Panels, left to right, separated by GAP columns of mid-gray: the input,
 * then any further inputs as they are (gray or RGB images, e.g. a result
 * saved by `convlab run`; panels are top-aligned), then for each kernel the input correlated with it in SAME mode with the
 * reflect101 border (so every panel has the input's size), computed by the
 * chosen implementation's im_conv_opts (per channel: gray stays gray, RGB
 * stays RGB). Without -k, an input with C not 1 or 3 (a Conv2D output's
 * feature maps) is drawn one gray panel per channel instead.
 * --normalize stretches each panel's min..max to 0..255: the results (signed
 * edges) and the input too, so that an input scaled to 0..1 (Fashion-MNIST
 * the Keras way) is visible beside them. Otherwise values are clamped to
 * 0..255 when saved.
 * --scale S repeats every pixel S x S times (28x28 Fashion-MNIST images).
 */
#include "cli.h"

#include <math.h>
#include <string.h>

#define MAX_KERNELS 16
#define MAX_INPUTS 8
#define MAX_PANELS 64 /* the input and its kernels, or one panel per channel */
#define MAX_SCALE 64
#define GAP 4
#define GAP_VALUE 128.0f

typedef struct show_args {
    const char *ins[MAX_INPUTS]; /* ins[0] is the input the kernels apply to */
    int nins;
    const char *out;
    const char *kernels[MAX_KERNELS];
    int nkernels;
    int normalize;
    int scale;
    const cl_impl *impl;
} show_args;

typedef struct panel {
    cl_image img;  /* 1 x H x W x C, C = 1 or 3 */
    int normalize; /* stretch min..max to 0..255 */
} panel;

typedef struct show_state {
    cl_image in;
    int in_rank;
    panel panels[MAX_PANELS];
    int npanels;
    cl_image kernel;
    cl_image canvas;
} show_state;

_Static_assert(MAX_KERNELS + MAX_INPUTS <= MAX_PANELS, "room for the inputs and every kernel");

static void show_free(show_state *s)
{
    cl_image_free(&s->in);
    cl_image_free(&s->kernel);
    cl_image_free(&s->canvas);
    for (int i = 0; i < s->npanels; i++)
        cl_image_free(&s->panels[i].img);
}

/* ----------------------------------------------------------------- parsing */

/* The value of option argv[*i], advancing *i. */
static int take_value(int argc, char **argv, int *i, const char **value)
{
    if (*i + 1 >= argc || argv[*i + 1][0] == '\0')
        return cli_fail(CLI_EXIT_USAGE, "option %s needs a value", argv[*i]);
    *value = argv[++*i];
    return 0;
}

static int add_input(show_args *a, const char *path)
{
    if (a->nins == MAX_INPUTS)
        return cli_fail(CLI_EXIT_USAGE, "at most %d inputs", MAX_INPUTS);
    a->ins[a->nins++] = path;
    return 0;
}

static int parse_option(int argc, char **argv, int *i, show_args *a)
{
    const char *w = argv[*i], *v = NULL;
    if (strcmp(w, "--normalize") == 0) {
        a->normalize = 1;
        return 0;
    }
    int is_k = strcmp(w, "-k") == 0 || strcmp(w, "--kernel") == 0;
    int is_o = strcmp(w, "-o") == 0 || strcmp(w, "--output") == 0;
    int is_i = strcmp(w, "-i") == 0 || strcmp(w, "--input") == 0;
    int is_scale = strcmp(w, "--scale") == 0, is_impl = strcmp(w, "--impl") == 0;
    if (!is_k && !is_o && !is_i && !is_scale && !is_impl)
        return cli_fail(CLI_EXIT_USAGE, "unknown option '%s' (see convlab --help)", w);
    int st = take_value(argc, argv, i, &v);
    if (st)
        return st;
    if (is_k) {
        if (a->nkernels == MAX_KERNELS)
            return cli_fail(CLI_EXIT_USAGE, "-k: at most %d kernels", MAX_KERNELS);
        a->kernels[a->nkernels++] = v;
    } else if (is_o) {
        if (a->out)
            return cli_fail(CLI_EXIT_USAGE, "-o given twice");
        a->out = v;
    } else if (is_i) {
        return add_input(a, v);
    } else if (is_scale) {
        int n = cli_parse_ints("--scale", v, 1, MAX_SCALE, 1, &a->scale,
                               "an integer from 1 to 64");
        return n < 0 ? -n : 0;
    } else if ((a->impl = cl_impl_find(v)) == NULL) {
        return cli_fail(CLI_EXIT_USAGE,
                        "--impl: expected reference, solution or student, got '%s'", v);
    }
    return 0;
}

static int parse_show(int argc, char **argv, show_args *a)
{
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
            cli_print_usage(stdout);
            return CLI_HELP_SHOWN;
        }
        int st = 0;
        if (w[0] == '-' && w[1] != '\0')
            st = parse_option(argc, argv, &i, a);
        else
            st = add_input(a, w);
        if (st)
            return st;
    }
    if (a->nins == 0)
        return cli_fail(CLI_EXIT_USAGE,
                        "missing input (convlab show IN [IN ...] [-k NAME ...] -o OUT.png)");
    if (a->out == NULL)
        return cli_fail(CLI_EXIT_USAGE, "missing -o OUT.png");
    if (!cli_has_ext(a->out, ".png"))
        return cli_fail(CLI_EXIT_USAGE, "-o %s: show writes a .png", a->out);
    if (a->impl != &cl_impl_reference)
        cli_set_context("show --impl %s", a->impl->name);
    return 0;
}

/* ------------------------------------------------------------------ panels */

/* Panel: channel ch of the input as a gray image. */
static int channel_panel(show_state *s, int ch)
{
    panel *p = &s->panels[s->npanels];
    int st = cl_image_alloc(&p->img, 1, s->in.h, s->in.w, 1);
    if (st != CL_OK)
        return cli_fail_lib(st, NULL);
    s->npanels++;
    size_t n = (size_t)s->in.h * s->in.w;
    for (size_t i = 0; i < n; i++)
        p->img.data[i] = s->in.data[i * s->in.c + ch];
    return 0;
}

/* Panel: the input correlated with kernel spec (SAME, reflect101). */
static int kernel_panel(show_state *s, const show_args *a, const char *spec)
{
    cl_image_free(&s->kernel);
    int st = cli_load_kernel(spec, "-k", &s->kernel);
    if (st)
        return st;
    panel *p = &s->panels[s->npanels];
    cl_conv_opts opts = {CL_MODE_SAME, CL_BORDER_REFLECT101, 1, 1};
    cli_clear_lib_error();
    st = a->impl->im_conv_opts(&s->in, &s->kernel, &opts, &p->img);
    s->npanels++;
    if ((st = cli_check_call(a->impl, CL_FUNCTION_NAME(im_conv_opts), st, &p->img)) != 0)
        return st;
    if (p->img.n != 1 || p->img.h != s->in.h || p->img.w != s->in.w || p->img.c != s->in.c) {
        char got[64], want[64];
        return cli_fail(CLI_EXIT_BAD,
                        "im_conv_opts in same mode returned shape %s for an input of shape %s",
                        cli_shape_text(&p->img, 4, got, sizeof got),
                        cli_shape_text(&s->in, 4, want, sizeof want));
    }
    p->normalize = a->normalize;
    return 0;
}

static int input_panel(show_state *s, const show_args *a)
{
    panel *p = &s->panels[s->npanels];
    int st = cl_image_copy(&p->img, &s->in);
    if (st != CL_OK)
        return cli_fail_lib(st, NULL);
    p->normalize = a->normalize;
    s->npanels++;
    return 0;
}

/* Panel: a further input, drawn as it is (one gray or RGB image). */
static int extra_panel(show_state *s, const show_args *a, const char *path)
{
    panel *p = &s->panels[s->npanels++];
    int rank = 0;
    int st = cli_load_input(path, &p->img, &rank);
    if (st)
        return st;
    if (p->img.n != 1 || (p->img.c != 1 && p->img.c != 3)) {
        char shape[64];
        return cli_fail(CLI_EXIT_BAD, "%s: show draws gray or RGB images; this one has shape %s",
                        path, cli_shape_text(&p->img, rank, shape, sizeof shape));
    }
    p->normalize = a->normalize;
    return 0;
}

static int make_panels(show_state *s, const show_args *a)
{
    int c = s->in.c;
    if (s->in.n != 1) {
        char shape[64];
        return cli_fail(CLI_EXIT_BAD, "show draws one image; the input has shape %s",
                        cli_shape_text(&s->in, s->in_rank, shape, sizeof shape));
    }
    if (a->nkernels == 0 && c != 1 && c != 3) {
        if (a->nins > 1)
            return cli_fail(CLI_EXIT_BAD,
                            "the first input has %d channels: show draws its channels only "
                            "when it is the one input", c);
        if (c > MAX_PANELS)
            return cli_fail(CLI_EXIT_BAD, "the input has %d channels; show draws at most %d",
                            c, MAX_PANELS);
        for (int ch = 0; ch < c; ch++) {
            int st = channel_panel(s, ch);
            if (st)
                return st;
            s->panels[ch].normalize = a->normalize;
        }
        return 0;
    }
    if (c != 1 && c != 3)
        return cli_fail(CLI_EXIT_BAD,
                        "-k needs a gray or RGB input; this one has %d channels (omit -k to "
                        "draw each channel)", c);
    int st = input_panel(s, a);
    for (int i = 1; st == 0 && i < a->nins; i++)
        st = extra_panel(s, a, a->ins[i]);
    for (int k = 0; st == 0 && k < a->nkernels; k++)
        st = kernel_panel(s, a, a->kernels[k]);
    return st;
}

/* ------------------------------------------------------------------ canvas */

/* Finite min and max of a panel; returns 0 when it has no finite value. */
static int panel_range(const cl_image *im, float *lo, float *hi)
{
    int found = 0;
    for (size_t i = 0, n = cl_image_count(im); i < n; i++) {
        float v = im->data[i];
        if (!isfinite(v))
            continue;
        if (!found || v < *lo)
            *lo = v;
        if (!found || v > *hi)
            *hi = v;
        found = 1;
    }
    return found;
}

/* Draws panel p at column x0 of the canvas, scaled. */
static void draw_panel(cl_image *canvas, const panel *p, int x0, int scale)
{
    float lo = 0, hi = 0, mul = 1, add = 0;
    if (p->normalize && panel_range(&p->img, &lo, &hi) && hi > lo) {
        mul = 255.0f / (hi - lo);
        add = -lo * mul;
    }
    int c = canvas->c;
    for (int y = 0; y < p->img.h * scale; y++)
        for (int x = 0; x < p->img.w * scale; x++)
            for (int ch = 0; ch < c; ch++) {
                int sc = p->img.c == 1 ? 0 : ch;
                float v = *cl_px(&p->img, 0, y / scale, x / scale, sc);
                *cl_px(canvas, 0, y, x0 + x, ch) = v * mul + add;
            }
}

static int compose(show_state *s, int scale)
{
    long width = 0, height = 0;
    int c = 1;
    for (int i = 0; i < s->npanels; i++) {
        width += (long)s->panels[i].img.w * scale + (i ? GAP : 0);
        if ((long)s->panels[i].img.h * scale > height)
            height = (long)s->panels[i].img.h * scale;
        if (s->panels[i].img.c == 3)
            c = 3;
    }
    if (width > CL_MAX_DIM || height > CL_MAX_DIM)
        return cli_fail(CLI_EXIT_BAD, "the picture would be %ldx%ld pixels, more than %d",
                        height, width, CL_MAX_DIM);
    int st = cl_image_alloc(&s->canvas, 1, (int)height, (int)width, c);
    if (st != CL_OK)
        return cli_fail_lib(st, "the picture");
    for (size_t i = 0, n = cl_image_count(&s->canvas); i < n; i++)
        s->canvas.data[i] = GAP_VALUE;
    for (int i = 0, x0 = 0; i < s->npanels; i++) {
        draw_panel(&s->canvas, &s->panels[i], x0, scale);
        x0 += s->panels[i].img.w * scale + GAP;
    }
    return 0;
}

int cli_cmd_show(int argc, char **argv)
{
    show_args a = {.scale = 1, .impl = &cl_impl_reference};
    cli_set_context("show");
    int st = parse_show(argc, argv, &a);
    if (st)
        return st;
    show_state s;
    memset(&s, 0, sizeof s);
    st = cli_load_input(a.ins[0], &s.in, &s.in_rank);
    if (st == 0)
        st = make_panels(&s, &a);
    if (st == 0)
        st = compose(&s, a.scale);
    if (st == 0 && (st = cl_image_save_png(a.out, &s.canvas)) != CL_OK)
        st = cli_fail_lib(st, NULL);
    show_free(&s);
    return st;
}
