/* test_cases.c -- the case table (tests/cases.toml) and the code that runs
 * it (harness/drivers/cases.c, tests/student/properties.c).
 *
 *   - the table reads; points per function add up to the stubs' points;
 *     every function has cases; every property it names exists in C;
 *   - input specs and args parse, and bad ones are rejected with a message;
 *   - every case runs on the model solution and agrees with the reference
 *     (compare cases, with the case's tolerance) or holds (properties);
 *   - on stubs every case reports "not implemented yet"; writes out of
 *     bounds, modified inputs and missing outputs are caught.
 * Needs the test images (CONVLAB_IMAGES, as `make check-unit` sets it).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../student/properties.h"
#include "cases.h"
#include "impl.h"

static cl_case_table table;

static void load_table(void)
{
    cr_assert_eq(cl_case_table_read(CL_DEFAULT_CASES, &table), CL_OK, "%s", cl_last_error());
}

static void free_table(void)
{
    cl_case_table_free(&table);
}

static const char *images(void)
{
    return cl_case_dir("CONVLAB_IMAGES", CL_DEFAULT_IMAGES);
}

TestSuite(cases, .init = load_table, .fini = free_table, .timeout = 120);

/* ------------------------------------------------------------- the table */

Test(cases, points_add_up_to_the_stubs_points)
{
    double sum[CL_FN_COUNT] = {0};
    for (int i = 0; i < table.count; i++) sum[table.cases[i].fn] += table.cases[i].points;
    for (int f = 0; f < CL_FN_COUNT; f++)
        cr_expect(fabs(sum[f] - cl_fn_points((cl_fn)f)) < 1e-9,
                  "%s: the cases give %g points, the stub says %g", cl_fn_name((cl_fn)f), sum[f],
                  cl_fn_points((cl_fn)f));
}

Test(cases, every_function_has_compare_cases)
{
    int n[CL_FN_COUNT] = {0};
    for (int i = 0; i < table.count; i++)
        n[table.cases[i].fn] += table.cases[i].kind == CL_CASE_COMPARE;
    for (int f = 0; f < CL_FN_COUNT; f++)
        cr_expect_gt(n[f], 0, "%s has no compare case", cl_fn_name((cl_fn)f));
}

Test(cases, every_property_exists_and_every_property_is_used)
{
    int used[64] = {0};
    for (int i = 0; i < table.count; i++) {
        const cl_case *c = &table.cases[i];
        if (c->kind != CL_CASE_PROPERTY) continue;
        const cl_property *p = cl_property_find(c->property);
        cr_expect(p != NULL, "%s: property %s is not in tests/student/properties.c", c->id,
                  c->property);
        if (!p) continue;
        cr_expect(p->functions & (1u << c->fn), "%s: property %s cannot check %s", c->id,
                  c->property, cl_fn_name(c->fn));
        used[p - cl_property_at(0)] = 1;
    }
    for (int i = 0; i < cl_property_count(); i++)
        cr_expect(used[i], "property %s is used by no case", cl_property_at(i)->name);
}

Test(cases, ids_are_unique_and_name_their_part_and_function)
{
    for (int i = 0; i < table.count; i++) {
        const cl_case *c = &table.cases[i];
        char want[128];
        snprintf(want, sizeof want, "%s.%s.%s", cl_fn_part(c->fn), cl_fn_name(c->fn), c->name);
        cr_expect_str_eq(c->id, want);
        for (int j = 0; j < i; j++) cr_expect_str_neq(c->id, table.cases[j].id);
        cr_expect_str_eq(c->visibility, "visible", "%s: public cases are visible", c->id);
    }
}

/* Writes text to a temporary file and reads it as a case table. */
static int read_text(const char *text)
{
    char path[64] = "/tmp/convlab-cases-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    cl_case_table t;
    int st = cl_case_table_read(path, &t);
    cl_case_table_free(&t);
    unlink(path);
    return st;
}

#define CASE_HEAD \
    "[[case]]\nfunction = \"im_conv\"\npoints = 1\ndescription = \"d\"\nkind = \"compare\"\n"

Test(cases, bad_tables_are_rejected_with_a_reason)
{
    static const struct {
        const char *text, *reason;
    } bad[] = {
        {CASE_HEAD
         "id = \"a1.im_conv.x\"\ninput = \"random:3x3@seed=1\"\nargs = \"k=box3\"\n" CASE_HEAD
         "id = \"a1.im_conv.x\"\ninput = \"random:3x3@seed=1\"\nargs = \"k=box3\"\n",
         "also used"},
        {CASE_HEAD "id = \"a2.im_conv.x\"\ninput = \"random:3x3@seed=1\"\nargs = \"k=box3\"\n",
         "must be a1.im_conv"},
        {CASE_HEAD "id = \"a1.im_conv.2x\"\ninput = \"random:3x3@seed=1\"\nargs = \"k=box3\"\n",
         "C identifier"},
        {CASE_HEAD "id = \"a1.im_conv.x\"\ninput = \"random:3x3@seed=1\"\n", "needs k="},
        {CASE_HEAD "id = \"a1.im_conv.x\"\ninput = \"random:3x3\"\nargs = \"k=box3\"\n", "seed"},
        {CASE_HEAD
         "id = \"a1.im_conv.x\"\ninput = \"random:3x3@seed=1\"\nargs = \"k=box3 colour=red\"\n",
         "unknown key"},
        {CASE_HEAD "id = \"a1.im_conv.x\"\ninput = \"random:3x3@seed=1\"\nargs = "
                   "\"k=box3\"\nmistakes = \"typo\"\n",
         "unknown mistake"},
        {CASE_HEAD "id = \"a1.im_conv.x\"\ninput = \"random:3x3@seed=1\"\nargs = "
                   "\"k=box3\"\nvisibility = \"secret\"\n",
         "visibility"},
        {CASE_HEAD "id = \"a1.im_conv.x\"\ninput = \"random:3x3@seed=1\"\nargs = "
                   "\"k=box3\"\nmistake = \"x\"\n",
         "unknown key mistake"},
        {"[[case]]\nid = \"a1.im_conv.x\"\nfunction = \"im_conv\"\ndescription = \"d\"\nkind = "
         "\"compare\"\n",
         "no points"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(read_text(bad[i].text), CL_E_FORMAT, "accepted:\n%s", bad[i].text);
        cr_expect(strstr(cl_last_error(), bad[i].reason) != NULL,
                  "message \"%s\" should say \"%s\"", cl_last_error(), bad[i].reason);
    }
}

/* ---------------------------------------------------------- specs, args */

Test(cases, input_specs_parse)
{
    cl_input_spec s;
    cr_assert_eq(cl_input_parse("photos/chelsea_gray.npy@40,60,64,96", &s), CL_OK, "%s",
                 cl_last_error());
    cr_expect_eq(s.kind, CL_INPUT_FILE);
    cr_expect_str_eq(s.path, "photos/chelsea_gray.npy");
    cr_expect(s.crop && s.y == 40 && s.x == 60 && s.h == 64 && s.w == 96);
    cr_assert_eq(cl_input_parse("fashion/fashion_16.npy#3", &s), CL_OK);
    cr_expect(s.first == 3 && s.count == 1 && !s.crop);
    cr_assert_eq(cl_input_parse("fashion/fashion_16.npy#0:4", &s), CL_OK);
    cr_expect(s.first == 0 && s.count == 4);
    cr_assert_eq(cl_input_parse("random:2x17x13x3@seed=5,lo=-2,hi=3,step=0.5", &s), CL_OK, "%s",
                 cl_last_error());
    cr_expect(s.kind == CL_INPUT_RANDOM && s.n == 2 && s.rh == 17 && s.rw == 13 && s.c == 3 &&
              s.seed == 5);
    cr_expect(s.lo == -2.0f && s.hi == 3.0f && s.step == 0.5f);
    cr_assert_eq(cl_input_parse("random:17x13@seed=1", &s), CL_OK);
    cr_expect(s.n == 1 && s.c == 1 && s.lo == -1.0f && s.hi == 1.0f);
    cr_assert_eq(cl_input_parse("ramp:3x3", &s), CL_OK);
    cr_expect(s.kind == CL_INPUT_RAMP && s.rh == 3 && s.rw == 3);
    cr_assert_eq(cl_input_parse("-", &s), CL_OK);
    cr_expect_eq(s.kind, CL_INPUT_NONE);

    static const char *const bad[] = {
        "random:3x3",        "random:0x3@seed=1", "random:3@seed=1", "random:3x3@seed=1,lo=2,hi=1",
        "random:3x3@seed=x", "ramp:3x3@seed=1",   "/etc/passwd",     "../x.npy",
        "x.npy@1,2,3",       "x.npy#2:1",         "x.npy@0,0,0,4",   "random:3x3@seed=1,colour=2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_neq(cl_input_parse(bad[i], &s), CL_OK, "accepted input \"%s\"", bad[i]);
        cr_expect(strstr(cl_last_error(), bad[i]) != NULL, "message \"%s\" should quote the spec",
                  cl_last_error());
    }
}

Test(cases, random_inputs_are_deterministic_and_stepped)
{
    cl_input_spec s;
    cl_image a = {0}, b = {0};
    cr_assert_eq(cl_input_parse("random:9x11x2@seed=33,lo=-40,hi=300,step=0.5", &s), CL_OK);
    cr_assert_eq(cl_input_load(&s, images(), &a), CL_OK);
    cr_assert_eq(cl_input_load(&s, images(), &b), CL_OK);
    cr_expect_eq(memcmp(a.data, b.data, cl_image_count(&a) * sizeof(float)), 0);
    for (size_t i = 0; i < cl_image_count(&a); i++) {
        cr_expect_eq(a.data[i] * 2, floorf(a.data[i] * 2), "%g is not a multiple of 0.5",
                     (double)a.data[i]);
        cr_expect(a.data[i] >= -40 && a.data[i] <= 300);
    }
    cl_image_free(&a), cl_image_free(&b);
}

Test(cases, file_inputs_crop_and_select)
{
    cl_input_spec s;
    cl_image whole = {0}, crop = {0}, one = {0};
    cr_assert_eq(cl_input_parse("photos/chelsea_gray.npy", &s), CL_OK);
    cr_assert_eq(cl_input_load(&s, images(), &whole), CL_OK, "%s", cl_last_error());
    cr_expect(whole.h == 300 && whole.w == 451 && whole.c == 1);
    cr_assert_eq(cl_input_parse("photos/chelsea_gray.npy@40,60,64,96", &s), CL_OK);
    cr_assert_eq(cl_input_load(&s, images(), &crop), CL_OK, "%s", cl_last_error());
    cr_expect(crop.h == 64 && crop.w == 96);
    cr_expect_eq(*cl_px(&crop, 0, 5, 7, 0), *cl_px(&whole, 0, 45, 67, 0));
    cr_assert_eq(cl_input_parse("fashion/fashion_16.npy#3", &s), CL_OK);
    cr_assert_eq(cl_input_load(&s, images(), &one), CL_OK, "%s", cl_last_error());
    cr_expect(one.n == 1 && one.h == 28 && one.w == 28 && one.c == 1);
    cl_image_free(&one);
    cr_assert_eq(cl_input_parse("photos/chelsea_gray.npy@290,0,20,10", &s), CL_OK);
    cr_expect_eq(cl_input_load(&s, images(), &one), CL_E_SHAPE, "a crop beyond the image");
    cl_image_free(&whole), cl_image_free(&crop), cl_image_free(&one);
}

Test(cases, args_parse)
{
    cl_case_args a;
    cr_assert_eq(
        cl_args_parse("k=gaussian5 mode=same border=reflect101 stride=2,3 pad=1,2,3,4 thresh=0.5",
                      &a),
        CL_OK, "%s", cl_last_error());
    cr_expect_str_eq(a.k, "gaussian5");
    cr_expect(a.mode == CL_MODE_SAME && a.border == CL_BORDER_REFLECT101 && a.sy == 2 && a.sx == 3);
    cr_expect(a.pad[0] == 1 && a.pad[3] == 4 && a.thresh == 0.5f && a.maxval == 255.0f);
    cr_assert_eq(cl_args_parse(
                     "pool=3 padding=same factor=2 interp=bilinear ins=1,2,3 ks=4 strides=1,2", &a),
                 CL_OK);
    cr_expect(a.ph == 3 && a.pw == 3 && a.padding == CL_MODE_SAME &&
              a.interp == CL_INTERP_BILINEAR);
    cr_expect(a.nins == 3 && a.nks == 1 && a.nstrides == 2 && a.ins[2] == 3);
    static const char *const bad[] = {"k",       "mode=diagonal", "stride=0", "stride=a",
                                      "pad=1,2", "flip=2",        "thresh=x", "unknown=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(cl_args_parse(bad[i], &a), CL_E_ARG, "accepted args \"%s\"", bad[i]);
}

Test(cases, kernel_specs)
{
    cl_image k = {0};
    cr_assert_eq(cl_kernel_spec("random:2x4@seed=6", &k), CL_OK, "%s", cl_last_error());
    cr_expect(k.n == 1 && k.h == 2 && k.w == 4 && k.c == 1);
    cr_assert_eq(cl_kernel_spec("sobel_x", &k), CL_OK);
    cr_expect(k.h == 3 && k.w == 3);
    cr_expect_neq(cl_kernel_spec("random:2x4x1@seed=6", &k), CL_OK);
    cr_expect_neq(cl_kernel_spec("blur", &k), CL_OK);
    cl_image_free(&k);
}

/* ------------------------------------------------- running every case */

/* Runs compare case c on impl and on the reference; they must agree. */
static void compare_with_reference(const cl_case *c, const cl_case_data *d, const cl_impl *impl)
{
    cl_case_output got, want;
    char msg[1024];
    cr_assert_eq(cl_case_call(c->fn, d, impl, &got), CL_OK, "%s: %s", c->id, cl_last_error());
    cr_assert_eq(cl_case_call(c->fn, d, &cl_impl_reference, &want), CL_OK, "%s: %s", c->id,
                 cl_last_error());
    cr_expect(!cl_case_problem(&want, c->fn, "harness", msg, sizeof msg), "%s: reference: %s",
              c->id, msg);
    if (!cl_case_problem(&got, c->fn, "solutions", msg, sizeof msg)) {
        cl_compare_result r;
        int st = cl_compare(&want.out, &got.out, got.atol, got.rtol, &r);
        cr_expect(st == CL_OK && r.mismatches == 0,
                  "%s: the model solution differs from the reference (%zu values)", c->id,
                  st == CL_OK ? r.mismatches : 0);
    } else {
        cr_expect_fail("%s: solution: %s", c->id, msg);
    }
    cl_case_output_free(&got);
    cl_case_output_free(&want);
}

Test(cases, every_case_passes_with_the_model_solution)
{
    static cl_verdict v;
    for (int i = 0; i < table.count; i++) {
        const cl_case *c = &table.cases[i];
        cl_case_data d;
        cr_assert_eq(cl_case_load(c, images(), &d), CL_OK, "%s", cl_last_error());
        if (c->kind == CL_CASE_COMPARE) {
            compare_with_reference(c, &d, &cl_impl_solution);
        } else {
            const cl_property *p = cl_property_find(c->property);
            cl_property_ctx x = {c, &d, &cl_impl_solution, "solutions", NULL};
            memset(&v, 0, sizeof v);
            cr_assert(p, "%s", c->property);
            cr_expect_eq(p->run(&x, &v), CL_OK, "%s: %s", c->id, cl_last_error());
            cr_expect(v.passed, "%s: the model solution fails the property:\n%s", c->id, v.message);
        }
        cl_case_data_free(&d);
    }
}

/* 1 when (y, x) lies within band rows or columns of an edge of im. */
static int within_band(const cl_image *im, int y, int x, int band)
{
    return y < band || x < band || y >= im->h - band || x >= im->w - band;
}

Test(cases, border_band_covers_the_output_that_reads_padding,
     .description = "im_conv_opts outside valid mode: the output's border_band (in output "
                    "rows and columns, stride included) holds every value another border "
                    "rule changes; the rule in force is named")
{
    int checked = 0;
    for (int i = 0; i < table.count; i++) {
        const cl_case *c = &table.cases[i];
        if (c->kind != CL_CASE_COMPARE || c->fn != CL_FN_IM_CONV_OPTS) continue;
        cl_case_data d;
        cl_case_output o, alt;
        cr_assert_eq(cl_case_load(c, images(), &d), CL_OK, "%s", cl_last_error());
        cr_assert_eq(cl_case_call(c->fn, &d, &cl_impl_reference, &o), CL_OK);
        cr_expect_str_eq(o.border, cl_border_name(d.args.border), "%s", c->id);
        cl_case_data other = d;
        other.args.border = d.args.border == CL_BORDER_ZERO ? CL_BORDER_REPLICATE : CL_BORDER_ZERO;
        cr_assert_eq(cl_case_call(c->fn, &other, &cl_impl_reference, &alt), CL_OK);
        for (int y = 0; y < o.out.h; y++)
            for (int x = 0; x < o.out.w; x++)
                if (!within_band(&o.out, y, x, o.border_band))
                    cr_expect_eq(*cl_px(&o.out, 0, y, x, 0), *cl_px(&alt.out, 0, y, x, 0),
                                 "%s: (%d, %d) is outside the band %d but reads padding", c->id,
                                 y, x, o.border_band);
        if (!strcmp(c->id, "a2.im_conv_opts.full_stride_wrap"))
            cr_expect_eq(o.border_band, 1, "stride 3,2: one output row reads the padding");
        checked += d.args.mode != CL_MODE_VALID;
        cl_case_output_free(&o);
        cl_case_output_free(&alt);
        cl_case_data_free(&d);
    }
    cr_expect_gt(checked, 5);
}

/* Stubs of every function, as in assignments/. */
static int stub_conv_output_size(int in, int k, int s, cl_mode m)
{
    (void)in, (void)k, (void)s, (void)m;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_img_int_int(const cl_image *a, int b, int c, cl_image *o)
{
    (void)a, (void)b, (void)c, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_img_img(const cl_image *a, const cl_image *b, cl_image *o)
{
    (void)a, (void)b, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_flip(const cl_image *a, cl_image *o)
{
    (void)a, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_pad(const cl_image *a, int t, int b, int l, int r, cl_border bo, cl_image *o)
{
    (void)a, (void)t, (void)b, (void)l, (void)r, (void)bo, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_opts(const cl_image *a, const cl_image *k, const cl_conv_opts *p, cl_image *o)
{
    (void)a, (void)k, (void)p, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_thresh(const cl_image *a, float t, float m, cl_image *o)
{
    (void)a, (void)t, (void)m, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_u8(const cl_image *a, uint8_t *o)
{
    (void)a, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_layer(const cl_image *a, const cl_weights *w, const float *b, int sy, int sx,
                      cl_mode m, cl_image *o)
{
    (void)a, (void)w, (void)b, (void)sy, (void)sx, (void)m, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_pool(const cl_image *a, int ph, int pw, int sy, int sx, cl_mode m, cl_image *o)
{
    (void)a, (void)ph, (void)pw, (void)sy, (void)sx, (void)m, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}
static int stub_up(const cl_image *a, int fy, int fx, cl_interp i, cl_image *o)
{
    (void)a, (void)fy, (void)fx, (void)i, (void)o;
    return CL_E_NOT_IMPLEMENTED;
}

static const cl_impl stubs = {
    .name = "stubs",
    .conv_output_size = stub_conv_output_size,
    .get_subimages = stub_img_int_int,
    .im_conv = stub_img_img,
    .flip_kernel = stub_flip,
    .pad_image = stub_pad,
    .im_conv_opts = stub_opts,
    .threshold_binary = stub_thresh,
    .to_uint8 = stub_u8,
    .conv2d = stub_layer,
    .max_pool2d = stub_pool,
    .avg_pool2d = stub_pool,
    .upsample = stub_up,
    .conv2d_transpose = stub_layer,
    .im_conv_fast = stub_img_img,
};

Test(cases, every_case_says_not_implemented_on_stubs)
{
    static cl_verdict v;
    for (int i = 0; i < table.count; i++) {
        const cl_case *c = &table.cases[i];
        cl_case_data d;
        char msg[1024], want[128];
        cr_assert_eq(cl_case_load(c, images(), &d), CL_OK, "%s", cl_last_error());
        snprintf(want, sizeof want, "not implemented yet (assignments/%s)", cl_fn_file(c->fn));
        if (c->kind == CL_CASE_COMPARE) {
            cl_case_output o;
            cr_assert_eq(cl_case_call(c->fn, &d, &stubs, &o), CL_OK, "%s", cl_last_error());
            cr_expect(cl_case_problem(&o, c->fn, "assignments", msg, sizeof msg), "%s", c->id);
            cr_expect(strstr(msg, want) != NULL, "%s: \"%s\"", c->id, msg);
            cl_case_output_free(&o);
        } else {
            cl_property_ctx x = {c, &d, &stubs, "assignments", NULL};
            memset(&v, 0, sizeof v);
            cr_expect_eq(cl_property_find(c->property)->run(&x, &v), CL_OK, "%s: %s", c->id,
                         cl_last_error());
            cr_expect(!v.passed && strstr(v.message, want), "%s: \"%s\"", c->id, v.message);
        }
        cl_case_data_free(&d);
    }
}

Test(cases, the_stub_message_names_function_and_file)
{
    cl_case_output o = {.status = CL_E_NOT_IMPLEMENTED};
    char msg[256];
    cr_assert(cl_case_problem(&o, CL_FN_IM_CONV, "assignments", msg, sizeof msg));
    cr_expect_str_eq(msg, "im_conv: not implemented yet (assignments/a1_windows.c)");
}

/* ------------------------------------------------ misbehaving functions */

static int writes_past_the_end(const cl_image *img, const cl_image *k, cl_image *out)
{
    int st = cl_image_alloc(out, 1, img->h - k->h + 1, img->w - k->w + 1, img->c);
    if (st == CL_OK) out->data[cl_image_count(out)] = 1.0f; /* one past the end: into the guard */
    return st;
}

static int modifies_its_input(const cl_image *img, const cl_image *k, cl_image *out)
{
    img->data[0] += 1.0f; /* the pixels are not const, the struct is */
    return cl_impl_solution.im_conv(img, k, out);
}

static int forgets_to_allocate(const cl_image *img, const cl_image *k, cl_image *out)
{
    (void)img, (void)k, (void)out;
    return CL_OK;
}

static int returns_positive(const cl_image *img, const cl_image *k, cl_image *out)
{
    (void)img, (void)k, (void)out;
    return 1;
}

static int bytes_past_the_end(const cl_image *img, uint8_t *out)
{
    out[cl_image_count(img)] = 7;
    return CL_OK;
}

Test(cases, misbehaviour_is_caught_and_explained)
{
    const cl_case *c = cl_case_find(&table, "a1.im_conv.letter_f_emboss");
    cr_assert(c);
    cl_case_data d;
    cr_assert_eq(cl_case_load(c, images(), &d), CL_OK, "%s", cl_last_error());
    static const struct {
        int (*fn)(const cl_image *, const cl_image *, cl_image *);
        const char *says;
    } bad[] = {{writes_past_the_end, "wrote outside its output"},
               {modifies_its_input, "modified its input `img`"},
               {forgets_to_allocate, "did not allocate its output"},
               {returns_positive, "which is not a status"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cl_impl impl = {.name = "bad", .im_conv = bad[i].fn};
        cl_case_output o;
        char msg[1024];
        cr_assert_eq(cl_case_call(CL_FN_IM_CONV, &d, &impl, &o), CL_OK);
        cr_expect(cl_case_problem(&o, CL_FN_IM_CONV, "assignments", msg, sizeof msg));
        cr_expect(strstr(msg, bad[i].says) != NULL, "\"%s\" should say \"%s\"", msg, bad[i].says);
        cl_case_output_free(&o);
    }
    cl_impl impl = {.name = "bad", .to_uint8 = bytes_past_the_end};
    cl_case_output o;
    char msg[1024];
    cr_assert_eq(cl_case_call(CL_FN_TO_UINT8, &d, &impl, &o), CL_OK);
    cr_expect(cl_case_problem(&o, CL_FN_TO_UINT8, "assignments", msg, sizeof msg) &&
                  strstr(msg, "wrote outside its output"),
              "%s", msg);
    cl_case_output_free(&o);
    cl_case_data_free(&d);
}

Test(cases, a_function_missing_from_the_table_is_a_kit_error)
{
    const cl_case *c = cl_case_find(&table, "a1.im_conv.letter_f_emboss");
    cl_case_data d;
    cl_case_output o;
    cl_impl empty = {.name = "empty"};
    cr_assert(c);
    cr_assert_eq(cl_case_load(c, images(), &d), CL_OK);
    cr_expect_eq(cl_case_call(CL_FN_IM_CONV, &d, &empty, &o), CL_E_ARG);
    cl_case_data_free(&d);
}
