/* feedback_picture.c -- the picture of a failed check (cl_feedback_picture,
 * see feedback.h; cl_fb_write_picture_, see feedback_internal.h).
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
 * Sections: panels and scale, drawing, writing the PNG.
 */
#include "feedback_internal.h"
#include "feedback_font.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ==================================================== panels and scale */

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
    cl_fb_tol_ t;
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

/* ============================================================ drawing */

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
        int bad = !cl_fb_close_to_(e[ch], g[ch], pic->t);
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

/* ================================================== writing the PNG */

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
    cl_image in = cl_fb_usable_(input) ? first_image(input, 0) : (cl_image){0};
    cl_image exp = first_image(expected, 0);
    cl_image yours = cl_fb_usable_(got) ? first_image(got, 0) : (cl_image){0};
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

/* Draws the image of the batch where the first wrong value is, when the
 * expected output is an image (at least 2x2) and got is one or missing. */
void cl_fb_write_picture_(const cl_check *chk, const cl_image *got, int same, cl_verdict *v)
{
    const cl_image *exp = chk->expected;
    if (chk->picture_path == NULL || chk->picture_path[0] == '\0' || exp->h < 2 || exp->w < 2)
        return;
    if (cl_fb_usable_(got) && (got->h < 2 || got->w < 2))
        return;
    int b = same ? v->cmp.b : 0;
    cl_image e = first_image(exp, b), g = {0}, in = {0};
    if (cl_fb_usable_(got))
        g = first_image(got, b);
    if (cl_fb_usable_(chk->input))
        in = first_image(chk->input, chk->input->n == exp->n ? b : 0);
    if (cl_feedback_picture(chk->picture_path, in.data ? &in : NULL, &e, g.data ? &g : NULL,
                            chk->atol, chk->rtol) == CL_OK)
        snprintf(v->picture, sizeof v->picture, "%s", chk->picture_path);
}
