/* test_sweep.c -- the reference against the model solutions, on a randomized
 * sweep of every operation and option (fixed seed, so a failure reproduces).
 *
 * Two independent implementations of SPEC §4 must agree: the library's
 * reference (harness/ref_ files) and the naive model answers (solutions/).
 * Sizes include odd and tiny ones (1x1, 1xN), kernels as large as the image,
 * even kernels in same mode, strides that do not divide the size, pads wider
 * than the image, batches and several channels. Data movement is compared
 * exactly; sums with a tolerance that grows with the number of terms.
 * Each test logs how many cases it ran.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "impl.h"

#define SWEEP_SEED 0x5eedc0deULL

/* ------------------------------------------------------------ randomness */

typedef cl_rng rng; /* the library's splitmix64: the same inputs on every machine */

static int rng_int(rng *r, int lo, int hi) /* lo..hi inclusive */
{
    return cl_rng_int(r, lo, hi);
}

static float rng_float(rng *r, float lo, float hi)
{
    return cl_rng_float(r, lo, hi);
}

static void fill_random(rng *r, float *v, size_t count, float lo, float hi)
{
    for (size_t i = 0; i < count; i++) v[i] = rng_float(r, lo, hi);
}

static cl_image random_image(rng *r, int n, int h, int w, int c)
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, n, h, w, c), CL_OK, "%s", cl_last_error());
    fill_random(r, im.data, cl_image_count(&im), -1.0f, 1.0f);
    return im;
}

static cl_weights random_weights(rng *r, int kh, int kw, int cin, int cout)
{
    cl_weights wt = {0};
    cr_assert_eq(cl_weights_alloc(&wt, kh, kw, cin, cout), CL_OK, "%s", cl_last_error());
    fill_random(r, wt.data, (size_t)kh * kw * cin * cout, -1.0f, 1.0f);
    return wt;
}

/* -------------------------------------------------------------- checking */

/* Compares the two outputs of one case. status_ref/status_sol are the return
 * codes; both must succeed, or both fail. terms is the number of products
 * summed per output value (0 for exact data movement). Returns 1 if agreed. */
static int agree(const char *what, int status_ref, const cl_image *ref, int status_sol,
                 const cl_image *sol, int terms)
{
    if (status_ref != CL_OK || status_sol != CL_OK) {
        cr_expect((status_ref < 0) == (status_sol < 0),
                  "%s: reference returned %d (%s), solution returned %d", what, status_ref,
                  status_ref ? cl_status_str(status_ref) : "ok", status_sol);
        return (status_ref < 0) == (status_sol < 0);
    }
    cl_compare_result cmp;
    float atol = terms ? 2e-6f * (float)terms + 1e-6f : 0.0f;
    float rtol = terms ? 1e-5f : 0.0f;
    int st = cl_compare(ref, sol, atol, rtol, &cmp);
    char rs[64], ss[64];
    cr_expect_eq(st, CL_OK, "%s: shapes differ: reference %s, solution %s", what,
                 cl_shape_str(ref, rs, sizeof rs), cl_shape_str(sol, ss, sizeof ss));
    if (st != CL_OK) return 0;
    cr_expect_eq(cmp.mismatches, 0,
                 "%s: %zu of %zu values differ (tolerance %g); first at image %d row %d column %d "
                 "channel %d: solution %.7g, reference %.7g; largest error %.3g",
                 what, cmp.mismatches, cmp.count, (double)atol, cmp.b, cmp.y, cmp.x, cmp.ch,
                 (double)cmp.got, (double)cmp.expected, cmp.max_abs_err);
    return cmp.mismatches == 0;
}

static const cl_impl *R, *S;

static void setup(void)
{
    R = cl_impl_find("reference");
    S = cl_impl_find("solution");
    cr_assert(R && S, "implementation tables missing");
}

TestSuite(sweep, .init = setup, .timeout = 60);

static const char *mode_s(int m) { return cl_mode_name((cl_mode)m); }

/* ------------------------------------------------------------- the sweeps */

Test(sweep, conv_output_size_agrees, .description = "output sizes of every mode, stride and size")
{
    rng r = {SWEEP_SEED};
    int cases = 0;
    for (int in = 1; in <= 24; in++)
        for (int k = 1; k <= 9; k++)
            for (int s = 1; s <= 4; s++)
                for (int m = 0; m < 3; m++) {
                    int a = R->conv_output_size(in, k, s, (cl_mode)m);
                    int b = S->conv_output_size(in, k, s, (cl_mode)m);
                    cr_expect(a == b || (a < 0 && b < 0),
                              "conv_output_size(in=%d, k=%d, stride=%d, %s): reference %d, solution %d",
                              in, k, s, mode_s(m), a, b);
                    cases++;
                }
    (void)r;
    cr_log_info("conv_output_size: %d cases", cases);
}

Test(sweep, get_subimages_agrees, .description = "sliding windows of random images, exact")
{
    rng r = {SWEEP_SEED + 1};
    int cases;
    for (cases = 0; cases < 60; cases++) {
        int h = rng_int(&r, 1, 17), w = rng_int(&r, 1, 17), c = rng_int(&r, 1, 3);
        int kh = cases % 7 == 0 ? h : rng_int(&r, 1, h), kw = cases % 5 == 0 ? w : rng_int(&r, 1, w);
        cl_image img = random_image(&r, 1, h, w, c), a = {0}, b = {0};
        char what[128];
        snprintf(what, sizeof what, "get_subimages(%dx%dx%d, kh=%d, kw=%d)", h, w, c, kh, kw);
        agree(what, R->get_subimages(&img, kh, kw, &a), &a, S->get_subimages(&img, kh, kw, &b), &b, 0);
        cl_image_free(&img), cl_image_free(&a), cl_image_free(&b);
    }
    cr_log_info("get_subimages: %d cases", cases);
}

Test(sweep, im_conv_agrees, .description = "valid correlation of random images and kernels")
{
    rng r = {SWEEP_SEED + 2};
    int cases;
    for (cases = 0; cases < 80; cases++) {
        int h = rng_int(&r, 1, 33), w = rng_int(&r, 1, 33), c = rng_int(&r, 1, 3);
        int kh = cases % 9 == 0 ? h : rng_int(&r, 1, h < 11 ? h : 11);
        int kw = cases % 9 == 0 ? w : rng_int(&r, 1, w < 11 ? w : 11);
        cl_image img = random_image(&r, 1, h, w, c), k = random_image(&r, 1, kh, kw, 1);
        cl_image a = {0}, b = {0}, f = {0};
        char what[128];
        snprintf(what, sizeof what, "im_conv(%dx%dx%d, kernel %dx%d)", h, w, c, kh, kw);
        agree(what, R->im_conv(&img, &k, &a), &a, S->im_conv(&img, &k, &b), &b, kh * kw);
        snprintf(what, sizeof what, "im_conv_fast(%dx%dx%d, kernel %dx%d)", h, w, c, kh, kw);
        agree(what, R->im_conv(&img, &k, &a), &a, S->im_conv_fast(&img, &k, &f), &f, kh * kw);
        cl_image_free(&img), cl_image_free(&k), cl_image_free(&a), cl_image_free(&b), cl_image_free(&f);
    }
    cr_log_info("im_conv and im_conv_fast: %d cases each", cases);
}

Test(sweep, flip_kernel_agrees, .description = "flipped kernels, exact")
{
    rng r = {SWEEP_SEED + 3};
    int cases;
    for (cases = 0; cases < 30; cases++) {
        int kh = rng_int(&r, 1, 9), kw = rng_int(&r, 1, 9);
        cl_image k = random_image(&r, 1, kh, kw, 1), a = {0}, b = {0};
        char what[96];
        snprintf(what, sizeof what, "flip_kernel(%dx%d)", kh, kw);
        agree(what, R->flip_kernel(&k, &a), &a, S->flip_kernel(&k, &b), &b, 0);
        cl_image_free(&k), cl_image_free(&a), cl_image_free(&b);
    }
    cr_log_info("flip_kernel: %d cases", cases);
}

Test(sweep, pad_image_agrees, .description = "every border, pads wider than the image, exact")
{
    rng r = {SWEEP_SEED + 4};
    int cases = 0;
    for (int round = 0; round < 40; round++)
        for (int border = 0; border < 5; border++, cases++) {
            int n = rng_int(&r, 1, 2), h = rng_int(&r, 1, 9), w = rng_int(&r, 1, 9), c = rng_int(&r, 1, 2);
            int t = rng_int(&r, 0, 12), bo = rng_int(&r, 0, 12), le = rng_int(&r, 0, 12), ri = rng_int(&r, 0, 12);
            cl_image img = random_image(&r, n, h, w, c), a = {0}, b = {0};
            char what[160];
            snprintf(what, sizeof what, "pad_image(%dx%dx%dx%d, pads %d,%d,%d,%d, %s)", n, h, w, c, t,
                     bo, le, ri, cl_border_name((cl_border)border));
            agree(what, R->pad_image(&img, t, bo, le, ri, (cl_border)border, &a), &a,
                  S->pad_image(&img, t, bo, le, ri, (cl_border)border, &b), &b, 0);
            cl_image_free(&img), cl_image_free(&a), cl_image_free(&b);
        }
    cr_log_info("pad_image: %d cases", cases);
}

Test(sweep, im_conv_opts_agrees, .description = "modes x borders x strides, odd and even kernels")
{
    rng r = {SWEEP_SEED + 5};
    int cases = 0;
    for (int round = 0; round < 24; round++)
        for (int mode = 0; mode < 3; mode++)
            for (int border = 0; border < 5; border++, cases++) {
                int h = rng_int(&r, 1, 21), w = rng_int(&r, 1, 21), c = rng_int(&r, 1, 2);
                int kh = rng_int(&r, 1, 7), kw = rng_int(&r, 1, 7);
                if (mode == CL_MODE_VALID && round % 4 != 3) { /* mostly fitting kernels */
                    kh = kh > h ? h : kh;
                    kw = kw > w ? w : kw;
                }
                cl_conv_opts o = {(cl_mode)mode, (cl_border)border, rng_int(&r, 1, 4), rng_int(&r, 1, 4)};
                cl_image img = random_image(&r, 1, h, w, c), k = random_image(&r, 1, kh, kw, 1);
                cl_image a = {0}, b = {0};
                char what[160];
                snprintf(what, sizeof what, "im_conv_opts(%dx%dx%d, kernel %dx%d, %s, %s, stride %d,%d)",
                         h, w, c, kh, kw, mode_s(mode), cl_border_name(o.border), o.sy, o.sx);
                agree(what, R->im_conv_opts(&img, &k, &o, &a), &a, S->im_conv_opts(&img, &k, &o, &b), &b,
                      kh * kw);
                cl_image_free(&img), cl_image_free(&k), cl_image_free(&a), cl_image_free(&b);
            }
    cr_log_info("im_conv_opts: %d cases", cases);
}

Test(sweep, threshold_and_to_uint8_agree, .description = "pixel maps, exact, with ties at .5")
{
    rng r = {SWEEP_SEED + 6};
    int cases;
    for (cases = 0; cases < 30; cases++) {
        int n = rng_int(&r, 1, 2), h = rng_int(&r, 1, 15), w = rng_int(&r, 1, 15), c = rng_int(&r, 1, 3);
        cl_image img = random_image(&r, n, h, w, c), a = {0}, b = {0};
        size_t count = cl_image_count(&img);
        for (size_t i = 0; i < count; i++) /* -40..300 with many exact halves */
            img.data[i] = (i % 3 == 0) ? (float)rng_int(&r, -80, 600) * 0.5f : img.data[i] * 170.0f + 130.0f;
        float t = rng_float(&r, 0.0f, 255.0f), mv = rng_float(&r, 1.0f, 255.0f);
        char what[128];
        snprintf(what, sizeof what, "threshold_binary(%dx%dx%dx%d, thresh %g, maxval %g)", n, h, w, c,
                 (double)t, (double)mv);
        agree(what, R->threshold_binary(&img, t, mv, &a), &a, S->threshold_binary(&img, t, mv, &b), &b, 0);
        uint8_t *ua = malloc(count), *ub = malloc(count);
        cr_assert(ua && ub);
        int sa = R->to_uint8(&img, ua), sb = S->to_uint8(&img, ub);
        cr_expect(sa == CL_OK && sb == CL_OK, "to_uint8 failed: reference %d, solution %d", sa, sb);
        for (size_t i = 0; i < count; i++)
            if (ua[i] != ub[i]) {
                cr_expect_eq(ua[i], ub[i], "to_uint8(%.7g): reference %d, solution %d", (double)img.data[i],
                             ua[i], ub[i]);
                break;
            }
        free(ua), free(ub);
        cl_image_free(&img), cl_image_free(&a), cl_image_free(&b);
    }
    cr_log_info("threshold_binary and to_uint8: %d cases each", cases);
}

Test(sweep, conv2d_agrees, .description = "Conv2D with batches, channels, bias, stride, padding")
{
    rng r = {SWEEP_SEED + 7};
    int cases;
    for (cases = 0; cases < 120; cases++) {
        int n = rng_int(&r, 1, 2), h = rng_int(&r, 1, 13), w = rng_int(&r, 1, 13);
        int cin = rng_int(&r, 1, 3), cout = rng_int(&r, 1, 4), kh = rng_int(&r, 1, 5), kw = rng_int(&r, 1, 5);
        cl_mode pad = cases % 2 ? CL_MODE_SAME : CL_MODE_VALID;
        if (pad == CL_MODE_VALID) kh = kh > h ? h : kh, kw = kw > w ? w : kw;
        int sy = rng_int(&r, 1, 3), sx = rng_int(&r, 1, 3);
        cl_image in = random_image(&r, n, h, w, cin), a = {0}, b = {0};
        cl_weights wt = random_weights(&r, kh, kw, cin, cout);
        float bias[4];
        fill_random(&r, bias, 4, -1.0f, 1.0f);
        const float *bp = cases % 3 ? bias : NULL;
        char what[192];
        snprintf(what, sizeof what, "conv2d(%dx%dx%dx%d, weights %dx%dx%dx%d, %s, stride %d,%d, %s)", n, h,
                 w, cin, kh, kw, cin, cout, bp ? "bias" : "no bias", sy, sx, mode_s(pad));
        agree(what, R->conv2d(&in, &wt, bp, sy, sx, pad, &a), &a, S->conv2d(&in, &wt, bp, sy, sx, pad, &b),
              &b, kh * kw * cin + 1);
        cl_image_free(&in), cl_image_free(&a), cl_image_free(&b), cl_weights_free(&wt);
    }
    cr_log_info("conv2d: %d cases", cases);
}

Test(sweep, pooling_agrees, .description = "max and average pooling, valid and same, any stride")
{
    rng r = {SWEEP_SEED + 8};
    int cases;
    for (cases = 0; cases < 100; cases++) {
        int n = rng_int(&r, 1, 2), h = rng_int(&r, 1, 13), w = rng_int(&r, 1, 13), c = rng_int(&r, 1, 3);
        int ph = rng_int(&r, 1, 4), pw = rng_int(&r, 1, 4);
        cl_mode pad = cases % 2 ? CL_MODE_SAME : CL_MODE_VALID;
        if (pad == CL_MODE_VALID) ph = ph > h ? h : ph, pw = pw > w ? w : pw;
        int sy = cases % 3 ? ph : rng_int(&r, 1, 4), sx = cases % 3 ? pw : rng_int(&r, 1, 4);
        cl_image in = random_image(&r, n, h, w, c), a = {0}, b = {0};
        char what[160];
        snprintf(what, sizeof what, "max_pool2d(%dx%dx%dx%d, pool %dx%d, stride %d,%d, %s)", n, h, w, c,
                 ph, pw, sy, sx, mode_s(pad));
        agree(what, R->max_pool2d(&in, ph, pw, sy, sx, pad, &a), &a,
              S->max_pool2d(&in, ph, pw, sy, sx, pad, &b), &b, 0);
        what[0] = 'a', what[1] = 'v', what[2] = 'g';
        agree(what, R->avg_pool2d(&in, ph, pw, sy, sx, pad, &a), &a,
              S->avg_pool2d(&in, ph, pw, sy, sx, pad, &b), &b, ph * pw);
        cl_image_free(&in), cl_image_free(&a), cl_image_free(&b);
    }
    cr_log_info("max_pool2d and avg_pool2d: %d cases each", cases);
}

Test(sweep, upsample_agrees, .description = "nearest (exact) and bilinear upsampling")
{
    rng r = {SWEEP_SEED + 9};
    int cases;
    for (cases = 0; cases < 40; cases++) {
        int n = rng_int(&r, 1, 2), h = rng_int(&r, 1, 9), w = rng_int(&r, 1, 9), c = rng_int(&r, 1, 3);
        int fy = rng_int(&r, 1, 4), fx = rng_int(&r, 1, 4);
        cl_interp ip = cases % 2 ? CL_INTERP_BILINEAR : CL_INTERP_NEAREST;
        cl_image in = random_image(&r, n, h, w, c), a = {0}, b = {0};
        char what[160];
        snprintf(what, sizeof what, "upsample(%dx%dx%dx%d, factor %d,%d, %s)", n, h, w, c, fy, fx,
                 cl_interp_name(ip));
        agree(what, R->upsample(&in, fy, fx, ip, &a), &a, S->upsample(&in, fy, fx, ip, &b), &b,
              ip == CL_INTERP_BILINEAR ? 4 : 0);
        cl_image_free(&in), cl_image_free(&a), cl_image_free(&b);
    }
    cr_log_info("upsample: %d cases", cases);
}

Test(sweep, conv2d_transpose_agrees, .description = "transposed convolution, strides above and below k")
{
    rng r = {SWEEP_SEED + 10};
    int cases;
    for (cases = 0; cases < 100; cases++) {
        int n = rng_int(&r, 1, 2), h = rng_int(&r, 1, 8), w = rng_int(&r, 1, 8);
        int cin = rng_int(&r, 1, 3), cout = rng_int(&r, 1, 3), kh = rng_int(&r, 1, 5), kw = rng_int(&r, 1, 5);
        int sy = rng_int(&r, 1, 4), sx = rng_int(&r, 1, 4);
        cl_mode pad = cases % 2 ? CL_MODE_SAME : CL_MODE_VALID;
        cl_image in = random_image(&r, n, h, w, cin), a = {0}, b = {0};
        cl_weights wt = random_weights(&r, kh, kw, cin, cout);
        float bias[3];
        fill_random(&r, bias, 3, -1.0f, 1.0f);
        const float *bp = cases % 3 ? bias : NULL;
        char what[192];
        snprintf(what, sizeof what, "conv2d_transpose(%dx%dx%dx%d, weights %dx%dx%dx%d, %s, stride %d,%d, %s)",
                 n, h, w, cin, kh, kw, cout, cin, bp ? "bias" : "no bias", sy, sx, mode_s(pad));
        agree(what, R->conv2d_transpose(&in, &wt, bp, sy, sx, pad, &a), &a,
              S->conv2d_transpose(&in, &wt, bp, sy, sx, pad, &b), &b, kh * kw * cin + 1);
        cl_image_free(&in), cl_image_free(&a), cl_image_free(&b), cl_weights_free(&wt);
    }
    cr_log_info("conv2d_transpose: %d cases", cases);
}
