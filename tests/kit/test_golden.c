/* test_golden.c -- golden tests of the reference operations (cl_ref_*).
 *
 * Every expected value here was worked out by hand from SPEC §4 (and the
 * border rows checked against numpy.pad): the worked examples the SPEC
 * quotes (TensorFlow's average pooling of 1..9, the bilinear upsampling of
 * [[1,2],[4,5]], the reflect and reflect101 borders, the output-size
 * formulas), one small example per operation, and the error cases: every
 * reference function refuses bad arguments with the right cl_status, a
 * message naming the argument, and `out` left empty.
 *
 * Exact comparison for data movement (windows, padding, flips, max pooling,
 * nearest upsampling, thresholds); a tolerance of 1e-5 for sums of small
 * integers and binary fractions (which are in fact exact in float).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "convlab.h"
#include "reference.h"

TestSuite(golden, .timeout = 20.0,
          .description = "the reference operations reproduce hand-worked examples of SPEC §4");

/* ---------------------------------------------------------------- helpers */

#define EXACT 0.0f
#define TOL 1e-5f

/* A new n x h x w x c image holding values (n*h*w*c floats, or NULL: zeros). */
static cl_image image_of(int n, int h, int w, int c, const float *values)
{
    cl_image im = {0};
    int st = cl_image_alloc(&im, n, h, w, c);
    cr_assert_eq(st, CL_OK, "cl_image_alloc(%d, %d, %d, %d) failed: %s", n, h, w, c,
                 cl_last_error());
    if (values != NULL)
        memcpy(im.data, values, cl_image_count(&im) * sizeof(float));
    return im;
}

/* New weights kh x kw x cin x cout holding values in their stored order. */
static cl_weights weights_of(int kh, int kw, int cin, int cout, const float *values)
{
    cl_weights wt = {0};
    int st = cl_weights_alloc(&wt, kh, kw, cin, cout);
    cr_assert_eq(st, CL_OK, "cl_weights_alloc failed: %s", cl_last_error());
    memcpy(wt.data, values, (size_t)kh * kw * cin * cout * sizeof(float));
    return wt;
}

static int is_empty(const cl_image *im)
{
    return im->n == 0 && im->h == 0 && im->w == 0 && im->c == 0 && im->data == NULL &&
           im->block_ == NULL;
}

/* The call returned CL_OK and got is n x h x w x c, equal to want within tol
 * (perflab's sentence for the first wrong value), with its guards intact. */
static void expect_image(int st, const cl_image *got, int n, int h, int w, int c,
                         const float *want, float tol)
{
    cr_assert_eq(st, CL_OK, "the call failed with %d (%s): %s", st, cl_status_str(st),
                 cl_last_error());
    cr_assert(got->n == n && got->h == h && got->w == w && got->c == c,
              "out is %dx%dx%dx%d, it should be %dx%dx%dx%d", got->n, got->h, got->w, got->c, n,
              h, w, c);
    size_t count = (size_t)n * h * w * c;
    for (size_t p = 0; p < count; p++) {
        int ch = (int)(p % c), x = (int)(p / c % w), y = (int)(p / c / w % h);
        int b = (int)(p / c / w / h);
        cr_assert(fabsf(got->data[p] - want[p]) <= tol,
                  "at (b=%d, y=%d, x=%d, ch=%d) you have %g, it should be %g (tolerance %g)", b,
                  y, x, ch, (double)got->data[p], (double)want[p], (double)tol);
    }
    cr_assert(cl_image_guards_ok(got), "a write went outside the pixels of out");
}

/* The call failed with status code, the message names `needle`, and out
 * (if given) was left empty. */
static void expect_error(int st, int code, const char *needle, const cl_image *out)
{
    cr_assert_eq(st, code, "status %d (%s), expected %d (%s); message: \"%s\"", st,
                 cl_status_str(st), code, cl_status_str(code), cl_last_error());
    cr_assert(strstr(cl_last_error(), needle) != NULL,
              "the message \"%s\" should name \"%s\"", cl_last_error(), needle);
    if (out != NULL)
        cr_assert(is_empty(out), "out should be left empty ({0}) after an error");
}

/* The 3x3 image 1..9, the tiny image most examples use. */
static const float ONE_TO_NINE[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

/* ----------------------------------------------------------- output sizes */

Test(golden, output_size_formulas_of_the_three_modes,
     .description = "valid (in-k)/s+1, same ceil(in/s), full (in+k-2)/s+1")
{
    cr_expect_eq(cl_output_size(5, 3, 1, CL_MODE_VALID), 3);
    cr_expect_eq(cl_output_size(5, 3, 1, CL_MODE_SAME), 5);
    cr_expect_eq(cl_output_size(5, 3, 1, CL_MODE_FULL), 7);
    cr_expect_eq(cl_output_size(7, 3, 2, CL_MODE_VALID), 3);
    cr_expect_eq(cl_output_size(7, 3, 2, CL_MODE_SAME), 4);
    cr_expect_eq(cl_output_size(7, 3, 2, CL_MODE_FULL), 5);
    cr_expect_eq(cl_output_size(3, 5, 1, CL_MODE_VALID), CL_E_SHAPE);
}

Test(golden, same_padding_splits_like_tensorflow,
     .description = "same: total max((OH-1)s+k-in, 0), before total/2, after the rest")
{
    int before = -1, after = -1;
    cr_assert_eq(cl_pad_amounts(7, 3, 2, CL_MODE_SAME, &before, &after), CL_OK);
    cr_expect(before == 1 && after == 1, "7, k3, s2: got %d/%d, want 1/1", before, after);
    cr_assert_eq(cl_pad_amounts(3, 2, 2, CL_MODE_SAME, &before, &after), CL_OK);
    cr_expect(before == 0 && after == 1, "3, k2, s2: got %d/%d, want 0/1", before, after);
    cr_assert_eq(cl_pad_amounts(4, 4, 1, CL_MODE_SAME, &before, &after), CL_OK);
    cr_expect(before == 1 && after == 2, "4, k4, s1: got %d/%d, want 1/2", before, after);
    cr_assert_eq(cl_pad_amounts(5, 3, 1, CL_MODE_FULL, &before, &after), CL_OK);
    cr_expect(before == 2 && after == 2, "full k3: got %d/%d, want 2/2", before, after);
}

Test(golden, transpose_output_sizes_and_offsets,
     .description = "transpose: valid (H-1)s+max(k,s) from 0, same H*s from max(k-s,0)/2")
{
    int off = -1;
    cr_expect_eq(cl_transpose_output_size(2, 3, 2, CL_MODE_VALID, &off), 5);
    cr_expect_eq(off, 0);
    cr_expect_eq(cl_transpose_output_size(2, 1, 2, CL_MODE_VALID, &off), 4);
    cr_expect_eq(cl_transpose_output_size(2, 4, 2, CL_MODE_SAME, &off), 4);
    cr_expect_eq(off, 1);
    cr_expect_eq(cl_transpose_output_size(3, 3, 2, CL_MODE_SAME, &off), 6);
    cr_expect_eq(off, 0);
}

/* ---------------------------------------------------------- a1 windows */

Test(golden, get_subimages_rows_hold_windows_in_row_major_order,
     .description = "get_subimages: row y*OW+x, column (i*kw+j)*C+c, here with C = 1")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), out = {0};
    const float want[] = {1, 2, 4, 5, 7, 8, /* window at (0,0): 3 rows x 2 columns */
                          2, 3, 5, 6, 8, 9};
    expect_image(cl_ref_get_subimages(&img, 3, 2, &out), &out, 1, 2, 6, 1, want, EXACT);
    cl_image_free(&img);
    cl_image_free(&out);
}

Test(golden, get_subimages_interleaves_channels_inside_a_row,
     .description = "get_subimages: with C = 2 a row is (i*kw+j)*C+c")
{
    /* 2x3 image, pixel p = y*3+x+1 holds (p, -p). */
    const float px[] = {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6};
    cl_image img = image_of(1, 2, 3, 2, px), out = {0};
    const float want[] = {1, -1, 2, -2, 4, -4, 5, -5, /* window at (0,0) */
                          2, -2, 3, -3, 5, -5, 6, -6}; /* window at (0,1) */
    expect_image(cl_ref_get_subimages(&img, 2, 2, &out), &out, 1, 2, 8, 1, want, EXACT);
    cl_image_free(&img);
    cl_image_free(&out);
}

Test(golden, im_conv_valid_3x3_with_2x2_kernel,
     .description = "im_conv: valid correlation, kernel not flipped, 2x2 output")
{
    const float k[] = {1, 2, 3, 4};
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), ker = image_of(1, 2, 2, 1, k), out = {0};
    /* out(0,0) = 1*1 + 2*2 + 4*3 + 5*4 = 37 */
    const float want[] = {37, 47, 67, 77};
    expect_image(cl_ref_im_conv(&img, &ker, &out), &out, 1, 2, 2, 1, want, TOL);
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

Test(golden, im_conv_applies_the_kernel_to_every_channel,
     .description = "im_conv: each channel is correlated on its own")
{
    float px[18];
    for (int p = 0; p < 9; p++) {
        px[2 * p] = ONE_TO_NINE[p];
        px[2 * p + 1] = -10 * ONE_TO_NINE[p];
    }
    const float k[] = {1, 2, 3, 4};
    cl_image img = image_of(1, 3, 3, 2, px), ker = image_of(1, 2, 2, 1, k), out = {0};
    const float want[] = {37, -370, 47, -470, 67, -670, 77, -770};
    expect_image(cl_ref_im_conv(&img, &ker, &out), &out, 1, 2, 2, 2, want, TOL);
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

Test(golden, im_conv_does_not_modify_its_inputs,
     .description = "im_conv: image and kernel are unchanged")
{
    const float k[] = {1, 2, 3, 4};
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), ker = image_of(1, 2, 2, 1, k), out = {0};
    cr_assert_eq(cl_ref_im_conv(&img, &ker, &out), CL_OK);
    cr_expect(memcmp(img.data, ONE_TO_NINE, sizeof ONE_TO_NINE) == 0, "image was modified");
    cr_expect(memcmp(ker.data, k, sizeof k) == 0, "kernel was modified");
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

/* ---------------------------------------------------------- a2 borders */

Test(golden, flip_kernel_reverses_both_axes,
     .description = "flip_kernel: out(i,j) = k(kh-1-i, kw-1-j) on a 2x3 kernel")
{
    const float k[] = {1, 2, 3, 4, 5, 6};
    cl_image ker = image_of(1, 2, 3, 1, k), out = {0};
    const float want[] = {6, 5, 4, 3, 2, 1};
    expect_image(cl_ref_flip_kernel(&ker, &out), &out, 1, 2, 3, 1, want, EXACT);
    cl_image_free(&ker);
    cl_image_free(&out);
}

/* Pads the row 1 2 3 by left and right with border and compares. */
static void expect_padded_row(int left, int right, cl_border border, const float *want)
{
    const float row[] = {1, 2, 3};
    cl_image img = image_of(1, 1, 3, 1, row), out = {0};
    int st = cl_ref_pad_image(&img, 0, 0, left, right, border, &out);
    expect_image(st, &out, 1, 1, left + 3 + right, 1, want, EXACT);
    cl_image_free(&img);
    cl_image_free(&out);
}

Test(golden, pad_reflect_mirrors_with_the_edge,
     .description = "reflect (numpy symmetric): c b a before a b c")
{
    expect_padded_row(3, 3, CL_BORDER_REFLECT, (const float[]){3, 2, 1, 1, 2, 3, 3, 2, 1});
}

Test(golden, pad_reflect101_mirrors_without_the_edge,
     .description = "reflect101 (numpy reflect): c b before a b c")
{
    expect_padded_row(2, 2, CL_BORDER_REFLECT101, (const float[]){3, 2, 1, 2, 3, 2, 1});
}

Test(golden, pad_zero_replicate_and_wrap,
     .description = "zero 0 0 | a b c, replicate a a | a b c, wrap b c | a b c")
{
    expect_padded_row(3, 3, CL_BORDER_ZERO, (const float[]){0, 0, 0, 1, 2, 3, 0, 0, 0});
    expect_padded_row(3, 3, CL_BORDER_REPLICATE, (const float[]){1, 1, 1, 1, 2, 3, 3, 3, 3});
    expect_padded_row(3, 3, CL_BORDER_WRAP, (const float[]){1, 2, 3, 1, 2, 3, 1, 2, 3});
}

Test(golden, pad_wider_than_the_image_continues_the_pattern,
     .description = "pads of 5 and 4 around 1 2 3 give numpy.pad's rows for every border")
{
    expect_padded_row(5, 4, CL_BORDER_ZERO, (const float[]){0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0});
    expect_padded_row(5, 4, CL_BORDER_REPLICATE,
                      (const float[]){1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3});
    expect_padded_row(5, 4, CL_BORDER_REFLECT, (const float[]){2, 3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1});
    expect_padded_row(5, 4, CL_BORDER_REFLECT101,
                      (const float[]){2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3});
    expect_padded_row(5, 4, CL_BORDER_WRAP, (const float[]){2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1});
}

Test(golden, pad_image_pads_rows_columns_batch_and_channels,
     .description = "pad_image: N=2, C=2, top 1 and right 1 with wrap")
{
    /* image b, pixel (y,x), channel ch holds (b+1) * (10*ch + 2*y + x + 1) */
    float px[16], want[2 * 3 * 3 * 2];
    for (int b = 0; b < 2; b++)
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 2; x++)
                for (int ch = 0; ch < 2; ch++)
                    px[((b * 2 + y) * 2 + x) * 2 + ch] = (float)((b + 1) * (10 * ch + 2 * y + x + 1));
    /* wrap: padded row 0 is image row 1, padded column 2 is image column 0 */
    const int src_y[3] = {1, 0, 1}, src_x[3] = {0, 1, 0};
    for (int b = 0; b < 2; b++)
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 3; x++)
                for (int ch = 0; ch < 2; ch++)
                    want[((b * 3 + y) * 3 + x) * 2 + ch] =
                        px[((b * 2 + src_y[y]) * 2 + src_x[x]) * 2 + ch];
    cl_image img = image_of(2, 2, 2, 2, px), out = {0};
    expect_image(cl_ref_pad_image(&img, 1, 0, 0, 1, CL_BORDER_WRAP, &out), &out, 2, 3, 3, 2, want,
                 EXACT);
    cl_image_free(&img);
    cl_image_free(&out);
}

/* im_conv_opts of the 1x3 row 1 2 3 with the 1x3 kernel 1 1 1, same mode. */
static void expect_same_row_sum(cl_border border, const float *want)
{
    const float row[] = {1, 2, 3}, ones[] = {1, 1, 1};
    cl_image img = image_of(1, 1, 3, 1, row), ker = image_of(1, 1, 3, 1, ones), out = {0};
    cl_conv_opts o = {.mode = CL_MODE_SAME, .border = border, .sy = 1, .sx = 1};
    expect_image(cl_ref_im_conv_opts(&img, &ker, &o, &out), &out, 1, 1, 3, 1, want, TOL);
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

Test(golden, im_conv_opts_same_mode_reads_each_border,
     .description = "same mode, sums of 3 along 1 2 3 under each border rule")
{
    expect_same_row_sum(CL_BORDER_ZERO, (const float[]){3, 6, 5});          /* 0 1 2 3 0 */
    expect_same_row_sum(CL_BORDER_REPLICATE, (const float[]){4, 6, 8});     /* 1 1 2 3 3 */
    expect_same_row_sum(CL_BORDER_REFLECT, (const float[]){4, 6, 8});       /* 1 1 2 3 3 */
    expect_same_row_sum(CL_BORDER_REFLECT101, (const float[]){5, 6, 7});    /* 2 1 2 3 2 */
    expect_same_row_sum(CL_BORDER_WRAP, (const float[]){6, 6, 6});          /* 3 1 2 3 1 */
}

Test(golden, im_conv_opts_same_box3_sums_neighbours,
     .description = "same mode, zero border: a 3x3 box of ones sums the 3x3 neighbourhood")
{
    const float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), ker = image_of(1, 3, 3, 1, ones), out = {0};
    cl_conv_opts o = {.mode = CL_MODE_SAME, .border = CL_BORDER_ZERO, .sy = 1, .sx = 1};
    const float want[] = {12, 21, 16, 27, 45, 33, 24, 39, 28};
    expect_image(cl_ref_im_conv_opts(&img, &ker, &o, &out), &out, 1, 3, 3, 1, want, TOL);
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

Test(golden, im_conv_opts_full_mode_pads_k_minus_1,
     .description = "full mode, zero border: 3x3 with 2x2 gives 4x4 (scipy correlate2d full)")
{
    const float k[] = {1, 2, 3, 4};
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), ker = image_of(1, 2, 2, 1, k), out = {0};
    cl_conv_opts o = {.mode = CL_MODE_FULL, .border = CL_BORDER_ZERO, .sy = 1, .sx = 1};
    /* out(0,0) = img(0,0)*k(1,1) = 4; out(3,3) = img(2,2)*k(0,0) = 9 */
    const float want[] = {4, 11, 18, 9, 18, 37, 47, 21, 36, 67, 77, 33, 14, 23, 26, 9};
    expect_image(cl_ref_im_conv_opts(&img, &ker, &o, &out), &out, 1, 4, 4, 1, want, TOL);
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

Test(golden, im_conv_opts_valid_stride_samples_the_stride_1_result,
     .description = "valid, stride 2 on a 5x5 ramp: the stride-1 result at (2y, 2x)")
{
    float px[25];
    for (int p = 0; p < 25; p++)
        px[p] = (float)p;
    const float k[] = {1, 2, 3, 4};
    cl_image img = image_of(1, 5, 5, 1, px), ker = image_of(1, 2, 2, 1, k), out = {0};
    cl_conv_opts o = {.mode = CL_MODE_VALID, .border = CL_BORDER_ZERO, .sy = 2, .sx = 2};
    /* stride 1: out(y,x) = 10*(5y+x) + 2*1 + 3*5 + 4*6 = 50y + 10x + 41 */
    const float want[] = {41, 61, 141, 161};
    expect_image(cl_ref_im_conv_opts(&img, &ker, &o, &out), &out, 1, 2, 2, 1, want, TOL);
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

Test(golden, im_conv_opts_same_stride_2_pads_after,
     .description = "same, stride 2, 2x2 ones on 1..9: OH = 2, the extra pad goes after")
{
    const float ones[4] = {1, 1, 1, 1};
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), ker = image_of(1, 2, 2, 1, ones), out = {0};
    cl_conv_opts o = {.mode = CL_MODE_SAME, .border = CL_BORDER_ZERO, .sy = 2, .sx = 2};
    const float want[] = {12, 9, 15, 9};
    expect_image(cl_ref_im_conv_opts(&img, &ker, &o, &out), &out, 1, 2, 2, 1, want, TOL);
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

Test(golden, im_conv_opts_same_mode_accepts_a_kernel_larger_than_the_image,
     .description = "same mode: a 5x5 box on a 3x3 image gives 3x3 sums of everything in reach")
{
    float ones[25];
    for (int p = 0; p < 25; p++)
        ones[p] = 1;
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), ker = image_of(1, 5, 5, 1, ones), out = {0};
    cl_conv_opts o = {.mode = CL_MODE_SAME, .border = CL_BORDER_ZERO, .sy = 1, .sx = 1};
    /* pad 2 on each side: every window covers the whole image */
    const float want[] = {45, 45, 45, 45, 45, 45, 45, 45, 45};
    expect_image(cl_ref_im_conv_opts(&img, &ker, &o, &out), &out, 1, 3, 3, 1, want, TOL);
    cl_image_free(&img);
    cl_image_free(&ker);
    cl_image_free(&out);
}

Test(golden, threshold_binary_is_strictly_greater_and_nan_gives_0,
     .description = "threshold_binary: maxval where in > thresh, else 0 (equal and NaN give 0)")
{
    const float px[] = {-1, 0.5f, 1, 2, NAN, 300};
    cl_image img = image_of(1, 2, 3, 1, px), out = {0};
    const float want[] = {0, 0, 0, 255, 0, 255};
    expect_image(cl_ref_threshold_binary(&img, 1.0f, 255.0f, &out), &out, 1, 2, 3, 1, want,
                 EXACT);
    cl_image_free(&img);
    cl_image_free(&out);
}

/* ----------------------------------------------------------- a3 layers */

Test(golden, conv2d_sums_channels_and_adds_bias,
     .description = "conv2d: 2x2x2 input, 2x2 kernel, 2 filters, bias, valid")
{
    /* channel 0: 1 2 / 3 4, channel 1: 5 6 / 7 8 (interleaved) */
    const float px[] = {1, 5, 2, 6, 3, 7, 4, 8};
    /* w(i,j,c,o), index ((i*kw+j)*cin+c)*cout+o: filter 0 sums channel 0,
     * filter 1 weighs channel 1 by 1 2 / 3 4. */
    const float wv[] = {1, 0, 0, 1, 1, 0, 0, 2, 1, 0, 0, 3, 1, 0, 0, 4};
    const float bias[] = {10, -1};
    cl_image in = image_of(1, 2, 2, 2, px), out = {0};
    cl_weights w = weights_of(2, 2, 2, 2, wv);
    /* o0 = 10 + 1+2+3+4 = 20; o1 = -1 + 5*1 + 6*2 + 7*3 + 8*4 = 69 */
    const float want[] = {20, 69};
    expect_image(cl_ref_conv2d(&in, &w, bias, 1, 1, CL_MODE_VALID, &out), &out, 1, 1, 1, 2, want,
                 TOL);
    cl_image_free(&in);
    cl_weights_free(&w);
    cl_image_free(&out);
}

Test(golden, conv2d_same_stride_2_on_a_batch,
     .description = "conv2d: 3x3 ones, stride 2, same (pad 1/1), N = 2, no bias")
{
    float px[18];
    for (int p = 0; p < 9; p++) {
        px[p] = ONE_TO_NINE[p];
        px[9 + p] = -ONE_TO_NINE[p];
    }
    const float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    cl_image in = image_of(2, 3, 3, 1, px), out = {0};
    cl_weights w = weights_of(3, 3, 1, 1, ones);
    const float want[] = {12, 16, 24, 28, -12, -16, -24, -28};
    expect_image(cl_ref_conv2d(&in, &w, NULL, 2, 2, CL_MODE_SAME, &out), &out, 2, 2, 2, 1, want,
                 TOL);
    cl_image_free(&in);
    cl_weights_free(&w);
    cl_image_free(&out);
}

Test(golden, conv2d_same_even_kernel_pads_after,
     .description = "conv2d: 2x2 ones, stride 1, same: the one pad row and column go after")
{
    const float ones[4] = {1, 1, 1, 1};
    cl_image in = image_of(1, 3, 3, 1, ONE_TO_NINE), out = {0};
    cl_weights w = weights_of(2, 2, 1, 1, ones);
    const float want[] = {12, 16, 9, 24, 28, 15, 15, 17, 9};
    expect_image(cl_ref_conv2d(&in, &w, NULL, 1, 1, CL_MODE_SAME, &out), &out, 1, 3, 3, 1, want,
                 TOL);
    cl_image_free(&in);
    cl_weights_free(&w);
    cl_image_free(&out);
}

Test(golden, avg_pool_same_padding_ignores_padded_cells,
     .description = "TF's example: average pool 2, stride 2, same on 1..9 -> [[3,4.5],[7.5,9]]")
{
    cl_image in = image_of(1, 3, 3, 1, ONE_TO_NINE), out = {0};
    const float want[] = {3, 4.5f, 7.5f, 9};
    expect_image(cl_ref_avg_pool2d(&in, 2, 2, 2, 2, CL_MODE_SAME, &out), &out, 1, 2, 2, 1, want,
                 TOL);
    cl_image_free(&in);
    cl_image_free(&out);
}

Test(golden, avg_pool_same_divides_by_real_cells_before_and_after,
     .description = "average pool 3, stride 1, same (pad 1/1): corners average 4 cells")
{
    cl_image in = image_of(1, 3, 3, 1, ONE_TO_NINE), out = {0};
    /* (0,0): (1+2+4+5)/4; (0,1): (1+..+6)/6; (1,1): 45/9 */
    const float want[] = {3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7};
    expect_image(cl_ref_avg_pool2d(&in, 3, 3, 1, 1, CL_MODE_SAME, &out), &out, 1, 3, 3, 1, want,
                 TOL);
    cl_image_free(&in);
    cl_image_free(&out);
}

Test(golden, max_pool_same_padding_ignores_padded_cells,
     .description = "max pool 2, stride 2, same on -1..-9: padding never wins (no zeros)")
{
    float px[9];
    for (int p = 0; p < 9; p++)
        px[p] = -ONE_TO_NINE[p];
    cl_image in = image_of(1, 3, 3, 1, px), out = {0};
    const float want[] = {-1, -3, -7, -9};
    expect_image(cl_ref_max_pool2d(&in, 2, 2, 2, 2, CL_MODE_SAME, &out), &out, 1, 2, 2, 1, want,
                 EXACT);
    cl_image_free(&in);
    cl_image_free(&out);
}

Test(golden, max_pool_valid_per_channel,
     .description = "max pool 2, stride 2, valid on a 2-channel 4x4 image, channels apart")
{
    float px[32], want[8];
    for (int p = 0; p < 16; p++) {
        px[2 * p] = (float)p;        /* 0..15 row-major */
        px[2 * p + 1] = (float)-p;   /* its negation */
    }
    const float max0[] = {5, 7, 13, 15}, max1[] = {0, -2, -8, -10};
    for (int q = 0; q < 4; q++) {
        want[2 * q] = max0[q];
        want[2 * q + 1] = max1[q];
    }
    cl_image in = image_of(1, 4, 4, 2, px), out = {0};
    expect_image(cl_ref_max_pool2d(&in, 2, 2, 2, 2, CL_MODE_VALID, &out), &out, 1, 2, 2, 2, want,
                 EXACT);
    cl_image_free(&in);
    cl_image_free(&out);
}

Test(golden, upsample_nearest_repeats_pixels,
     .description = "nearest: out(y,x) = in(y/fy, x/fx), factors 2 and 3")
{
    const float px[] = {1, 2, 3, 4};
    cl_image in = image_of(1, 2, 2, 1, px), out = {0};
    const float want[] = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
                          3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
    expect_image(cl_ref_upsample(&in, 2, 3, CL_INTERP_NEAREST, &out), &out, 1, 4, 6, 1, want,
                 EXACT);
    cl_image_free(&in);
    cl_image_free(&out);
}

Test(golden, upsample_bilinear_uses_half_pixel_centers,
     .description = "SPEC's example: [[1,2],[4,5]] x2 bilinear (tf.image.resize)")
{
    const float px[] = {1, 2, 4, 5};
    cl_image in = image_of(1, 2, 2, 1, px), out = {0};
    const float want[] = {1, 1.25f, 1.75f, 2, 1.75f, 2, 2.5f, 2.75f,
                          3.25f, 3.5f, 4, 4.25f, 4, 4.25f, 4.75f, 5};
    expect_image(cl_ref_upsample(&in, 2, 2, CL_INTERP_BILINEAR, &out), &out, 1, 4, 4, 1, want,
                 TOL);
    cl_image_free(&in);
    cl_image_free(&out);
}

Test(golden, upsample_bilinear_factor_1_is_identity,
     .description = "bilinear with factors 1 and 1 copies a 2-channel batch unchanged")
{
    float px[2 * 2 * 3 * 2];
    for (int p = 0; p < 24; p++)
        px[p] = (float)(p * p % 7);
    cl_image in = image_of(2, 2, 3, 2, px), out = {0};
    expect_image(cl_ref_upsample(&in, 1, 1, CL_INTERP_BILINEAR, &out), &out, 2, 2, 3, 2, px, TOL);
    cl_image_free(&in);
    cl_image_free(&out);
}

/* conv2d_transpose of the 2x2 image 1 2 / 3 4 (one channel) with a kh x kw
 * kernel of ones, stride 2. */
static void expect_transpose_of_ones(int k, cl_mode padding, int oh, const float *want)
{
    const float px[] = {1, 2, 3, 4};
    float ones[16];
    for (int p = 0; p < 16; p++)
        ones[p] = 1;
    cl_image in = image_of(1, 2, 2, 1, px), out = {0};
    cl_weights w = weights_of(k, k, 1, 1, ones);
    expect_image(cl_ref_conv2d_transpose(&in, &w, NULL, 2, 2, padding, &out), &out, 1, oh, oh, 1,
                 want, TOL);
    cl_image_free(&in);
    cl_weights_free(&w);
    cl_image_free(&out);
}

Test(golden, conv2d_transpose_valid_stride_2_overlaps,
     .description = "transpose valid, 3x3 ones, stride 2: 5x5 scatter, overlaps add up")
{
    const float want[] = {1, 1, 3, 2, 2, 1, 1, 3, 2, 2, 4, 4, 10, 6, 6,
                          3, 3, 7, 4, 4, 3, 3, 7, 4, 4};
    expect_transpose_of_ones(3, CL_MODE_VALID, 5, want);
}

Test(golden, conv2d_transpose_same_stride_2_crops_from_offset_0,
     .description = "transpose same, 3x3 ones, stride 2: 4x4 = H*s, offset (3-2)/2 = 0")
{
    const float want[] = {1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4};
    expect_transpose_of_ones(3, CL_MODE_SAME, 4, want);
}

Test(golden, conv2d_transpose_same_stride_2_crops_from_offset_1,
     .description = "transpose same, 4x4 ones, stride 2: 6x6 scatter cropped at offset 1")
{
    /* scatter rows: 1 1 3 3 2 2 (x2), 4 4 10 10 6 6 (x2), 3 3 7 7 4 4 (x2) */
    const float want[] = {1, 3, 3, 2, 4, 10, 10, 6, 4, 10, 10, 6, 3, 7, 7, 4};
    expect_transpose_of_ones(4, CL_MODE_SAME, 4, want);
}

Test(golden, conv2d_transpose_valid_kernel_smaller_than_stride_leaves_gaps,
     .description = "transpose valid, 1x1 kernel, stride 2: size (H-1)s+s, gaps get only bias")
{
    const float px[] = {1, 2, 3, 4}, wv[] = {5}, bias[] = {1};
    cl_image in = image_of(1, 2, 2, 1, px), out = {0};
    cl_weights w = weights_of(1, 1, 1, 1, wv);
    const float want[] = {6, 1, 11, 1, 1, 1, 1, 1, 16, 1, 21, 1, 1, 1, 1, 1};
    expect_image(cl_ref_conv2d_transpose(&in, &w, bias, 2, 2, CL_MODE_VALID, &out), &out, 1, 4, 4,
                 1, want, TOL);
    cl_image_free(&in);
    cl_weights_free(&w);
    cl_image_free(&out);
}

Test(golden, conv2d_transpose_weights_are_kh_kw_cout_cin,
     .description = "transpose: w index ((i*kw+j)*cout+o)*cin+c, with bias per filter")
{
    /* one pixel (1, 2); w(o,c): w(0,0)=1 w(0,1)=10 w(1,0)=100 w(1,1)=1000 */
    const float px[] = {1, 2}, wv[] = {1, 10, 100, 1000}, bias[] = {0.5f, -0.5f};
    cl_image in = image_of(1, 1, 1, 2, px), out = {0};
    cl_weights w = weights_of(1, 1, 2, 2, wv);
    const float want[] = {21.5f, 2099.5f};
    expect_image(cl_ref_conv2d_transpose(&in, &w, bias, 1, 1, CL_MODE_VALID, &out), &out, 1, 1, 1,
                 2, want, TOL);
    cl_image_free(&in);
    cl_weights_free(&w);
    cl_image_free(&out);
}

/* ----------------------------------------------------------- error cases */

Test(golden, get_subimages_rejects_bad_arguments,
     .description = "get_subimages: NULL, kh < 1, window larger than the image, a batch")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), batch = image_of(2, 3, 3, 1, NULL);
    cl_image out = {0};
    expect_error(cl_ref_get_subimages(NULL, 2, 2, &out), CL_E_ARG, "image", &out);
    expect_error(cl_ref_get_subimages(&img, 2, 2, NULL), CL_E_ARG, "out", NULL);
    expect_error(cl_ref_get_subimages(&img, 0, 2, &out), CL_E_ARG, "kh", &out);
    expect_error(cl_ref_get_subimages(&img, 2, -1, &out), CL_E_ARG, "kw", &out);
    expect_error(cl_ref_get_subimages(&img, 4, 2, &out), CL_E_SHAPE, "larger", &out);
    expect_error(cl_ref_get_subimages(&batch, 2, 2, &out), CL_E_SHAPE, "image", &out);
    cl_image_free(&img);
    cl_image_free(&batch);
}

Test(golden, im_conv_rejects_bad_arguments,
     .description = "im_conv: NULL, kernel not 2-D, kernel larger than the image, a batch")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), batch = image_of(2, 3, 3, 1, NULL);
    cl_image k = image_of(1, 2, 2, 1, NULL), k_big = image_of(1, 4, 2, 1, NULL);
    cl_image k_rgb = image_of(1, 2, 2, 3, NULL), k_batch = image_of(2, 2, 2, 1, NULL);
    cl_image out = {0};
    expect_error(cl_ref_im_conv(NULL, &k, &out), CL_E_ARG, "image", &out);
    expect_error(cl_ref_im_conv(&img, NULL, &out), CL_E_ARG, "kernel", &out);
    expect_error(cl_ref_im_conv(&img, &k, NULL), CL_E_ARG, "out", NULL);
    expect_error(cl_ref_im_conv(&img, &k_big, &out), CL_E_SHAPE, "kernel", &out);
    expect_error(cl_ref_im_conv(&img, &k_rgb, &out), CL_E_SHAPE, "kernel", &out);
    expect_error(cl_ref_im_conv(&img, &k_batch, &out), CL_E_SHAPE, "kernel", &out);
    expect_error(cl_ref_im_conv(&batch, &k, &out), CL_E_SHAPE, "image", &out);
    cl_image_free(&img);
    cl_image_free(&batch);
    cl_image_free(&k);
    cl_image_free(&k_big);
    cl_image_free(&k_rgb);
    cl_image_free(&k_batch);
}

Test(golden, image_with_a_zero_size_is_rejected,
     .description = "an image whose h is 0 is refused with CL_E_ARG naming the image")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), k = image_of(1, 2, 2, 1, NULL), out = {0};
    img.h = 0;
    expect_error(cl_ref_im_conv(&img, &k, &out), CL_E_ARG, "image", &out);
    expect_error(cl_ref_threshold_binary(&img, 0, 1, &out), CL_E_ARG, "image", &out);
    img.h = 3;
    k.w = -2;
    expect_error(cl_ref_im_conv(&img, &k, &out), CL_E_ARG, "kernel", &out);
    k.w = 2;
    cl_image_free(&img);
    cl_image_free(&k);
}

Test(golden, flip_kernel_rejects_bad_arguments,
     .description = "flip_kernel: NULL, a kernel with channels or a batch")
{
    cl_image k_rgb = image_of(1, 2, 2, 3, NULL), k_batch = image_of(2, 2, 2, 1, NULL);
    cl_image k = image_of(1, 2, 2, 1, NULL), out = {0};
    expect_error(cl_ref_flip_kernel(NULL, &out), CL_E_ARG, "kernel", &out);
    expect_error(cl_ref_flip_kernel(&k, NULL), CL_E_ARG, "out", NULL);
    expect_error(cl_ref_flip_kernel(&k_rgb, &out), CL_E_SHAPE, "kernel", &out);
    expect_error(cl_ref_flip_kernel(&k_batch, &out), CL_E_SHAPE, "kernel", &out);
    cl_image_free(&k_rgb);
    cl_image_free(&k_batch);
    cl_image_free(&k);
}

Test(golden, pad_image_rejects_bad_arguments,
     .description = "pad_image: NULL, negative pads, unknown border")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), out = {0};
    expect_error(cl_ref_pad_image(NULL, 1, 1, 1, 1, CL_BORDER_ZERO, &out), CL_E_ARG, "image",
                 &out);
    expect_error(cl_ref_pad_image(&img, 1, 1, 1, 1, CL_BORDER_ZERO, NULL), CL_E_ARG, "out", NULL);
    expect_error(cl_ref_pad_image(&img, -1, 1, 1, 1, CL_BORDER_ZERO, &out), CL_E_ARG, "top", &out);
    expect_error(cl_ref_pad_image(&img, 1, -1, 1, 1, CL_BORDER_ZERO, &out), CL_E_ARG, "bottom",
                 &out);
    expect_error(cl_ref_pad_image(&img, 1, 1, -1, 1, CL_BORDER_ZERO, &out), CL_E_ARG, "left",
                 &out);
    expect_error(cl_ref_pad_image(&img, 1, 1, 1, -1, CL_BORDER_ZERO, &out), CL_E_ARG, "right",
                 &out);
    expect_error(cl_ref_pad_image(&img, 1, 1, 1, 1, (cl_border)9, &out), CL_E_ARG, "border",
                 &out);
    cl_image_free(&img);
}

Test(golden, im_conv_opts_rejects_bad_arguments,
     .description = "im_conv_opts: NULL opts, unknown mode or border, stride < 1, batch, "
                    "kernel larger than the image in valid mode")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), batch = image_of(2, 3, 3, 1, NULL);
    cl_image k = image_of(1, 2, 2, 1, NULL), k_big = image_of(1, 2, 4, 1, NULL), out = {0};
    const cl_conv_opts ok = {CL_MODE_VALID, CL_BORDER_ZERO, 1, 1};
    cl_conv_opts o = ok;
    expect_error(cl_ref_im_conv_opts(&img, &k, NULL, &out), CL_E_ARG, "opts", &out);
    expect_error(cl_ref_im_conv_opts(NULL, &k, &o, &out), CL_E_ARG, "image", &out);
    expect_error(cl_ref_im_conv_opts(&img, NULL, &o, &out), CL_E_ARG, "kernel", &out);
    expect_error(cl_ref_im_conv_opts(&img, &k, &o, NULL), CL_E_ARG, "out", NULL);
    expect_error(cl_ref_im_conv_opts(&batch, &k, &o, &out), CL_E_SHAPE, "image", &out);
    expect_error(cl_ref_im_conv_opts(&img, &k_big, &o, &out), CL_E_SHAPE, "larger", &out);
    o.mode = (cl_mode)7;
    expect_error(cl_ref_im_conv_opts(&img, &k, &o, &out), CL_E_ARG, "mode", &out);
    o = ok;
    o.border = (cl_border)-1;
    expect_error(cl_ref_im_conv_opts(&img, &k, &o, &out), CL_E_ARG, "border", &out);
    o = ok;
    o.sy = 0;
    expect_error(cl_ref_im_conv_opts(&img, &k, &o, &out), CL_E_ARG, "sy", &out);
    o = ok;
    o.sx = -3;
    expect_error(cl_ref_im_conv_opts(&img, &k, &o, &out), CL_E_ARG, "sx", &out);
    cl_image_free(&img);
    cl_image_free(&batch);
    cl_image_free(&k);
    cl_image_free(&k_big);
}

Test(golden, threshold_binary_rejects_null,
     .description = "threshold_binary: NULL image or out")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), out = {0};
    expect_error(cl_ref_threshold_binary(NULL, 0, 1, &out), CL_E_ARG, "image", &out);
    expect_error(cl_ref_threshold_binary(&img, 0, 1, NULL), CL_E_ARG, "out", NULL);
    cl_image_free(&img);
}

Test(golden, conv2d_rejects_bad_arguments,
     .description = "conv2d: NULL, cin mismatch, stride < 1, full or unknown padding, "
                    "kernel larger than the input in valid mode")
{
    cl_image in = image_of(1, 3, 3, 2, NULL), out = {0};
    float zeros[4 * 4 * 2 * 1] = {0};
    cl_weights w = weights_of(2, 2, 2, 1, zeros), w_cin = weights_of(2, 2, 1, 1, zeros);
    cl_weights w_big = weights_of(4, 2, 2, 1, zeros);
    expect_error(cl_ref_conv2d(NULL, &w, NULL, 1, 1, CL_MODE_VALID, &out), CL_E_ARG, "input",
                 &out);
    expect_error(cl_ref_conv2d(&in, NULL, NULL, 1, 1, CL_MODE_VALID, &out), CL_E_ARG, "weights",
                 &out);
    expect_error(cl_ref_conv2d(&in, &w, NULL, 1, 1, CL_MODE_VALID, NULL), CL_E_ARG, "out", NULL);
    expect_error(cl_ref_conv2d(&in, &w_cin, NULL, 1, 1, CL_MODE_VALID, &out), CL_E_SHAPE, "cin",
                 &out);
    expect_error(cl_ref_conv2d(&in, &w, NULL, 0, 1, CL_MODE_VALID, &out), CL_E_ARG, "sy", &out);
    expect_error(cl_ref_conv2d(&in, &w, NULL, 1, 0, CL_MODE_VALID, &out), CL_E_ARG, "sx", &out);
    expect_error(cl_ref_conv2d(&in, &w, NULL, 1, 1, CL_MODE_FULL, &out), CL_E_ARG, "padding",
                 &out);
    expect_error(cl_ref_conv2d(&in, &w, NULL, 1, 1, (cl_mode)5, &out), CL_E_ARG, "padding", &out);
    expect_error(cl_ref_conv2d(&in, &w_big, NULL, 1, 1, CL_MODE_VALID, &out), CL_E_SHAPE,
                 "larger", &out);
    cl_image_free(&in);
    cl_weights_free(&w);
    cl_weights_free(&w_cin);
    cl_weights_free(&w_big);
}

Test(golden, pooling_rejects_bad_arguments,
     .description = "max/avg_pool2d: NULL, pool or stride < 1, full padding, pool larger "
                    "than the input in valid mode")
{
    cl_image in = image_of(1, 3, 3, 1, ONE_TO_NINE), out = {0};
    int (*const pools[2])(const cl_image *, int, int, int, int, cl_mode, cl_image *) = {
        cl_ref_max_pool2d, cl_ref_avg_pool2d};
    for (int p = 0; p < 2; p++) {
        expect_error(pools[p](NULL, 2, 2, 2, 2, CL_MODE_VALID, &out), CL_E_ARG, "input", &out);
        expect_error(pools[p](&in, 2, 2, 2, 2, CL_MODE_VALID, NULL), CL_E_ARG, "out", NULL);
        expect_error(pools[p](&in, 0, 2, 2, 2, CL_MODE_VALID, &out), CL_E_ARG, "ph", &out);
        expect_error(pools[p](&in, 2, 0, 2, 2, CL_MODE_VALID, &out), CL_E_ARG, "pw", &out);
        expect_error(pools[p](&in, 2, 2, 0, 2, CL_MODE_VALID, &out), CL_E_ARG, "sy", &out);
        expect_error(pools[p](&in, 2, 2, 2, -1, CL_MODE_VALID, &out), CL_E_ARG, "sx", &out);
        expect_error(pools[p](&in, 2, 2, 2, 2, CL_MODE_FULL, &out), CL_E_ARG, "padding", &out);
        expect_error(pools[p](&in, 4, 2, 1, 1, CL_MODE_VALID, &out), CL_E_SHAPE, "larger", &out);
    }
    cl_image_free(&in);
}

Test(golden, upsample_rejects_bad_arguments,
     .description = "upsample: NULL, factor < 1, unknown interpolation")
{
    cl_image in = image_of(1, 3, 3, 1, ONE_TO_NINE), out = {0};
    expect_error(cl_ref_upsample(NULL, 2, 2, CL_INTERP_NEAREST, &out), CL_E_ARG, "input", &out);
    expect_error(cl_ref_upsample(&in, 2, 2, CL_INTERP_NEAREST, NULL), CL_E_ARG, "out", NULL);
    expect_error(cl_ref_upsample(&in, 0, 2, CL_INTERP_NEAREST, &out), CL_E_ARG, "fy", &out);
    expect_error(cl_ref_upsample(&in, 2, -2, CL_INTERP_BILINEAR, &out), CL_E_ARG, "fx", &out);
    expect_error(cl_ref_upsample(&in, 2, 2, (cl_interp)2, &out), CL_E_ARG, "interp", &out);
    cl_image_free(&in);
}

Test(golden, conv2d_transpose_rejects_bad_arguments,
     .description = "conv2d_transpose: NULL, cin mismatch, stride < 1, full padding")
{
    cl_image in = image_of(1, 2, 2, 2, NULL), out = {0};
    float zeros[3 * 3 * 2 * 2] = {0};
    cl_weights w = weights_of(3, 3, 2, 1, zeros), w_cin = weights_of(3, 3, 1, 2, zeros);
    expect_error(cl_ref_conv2d_transpose(NULL, &w, NULL, 2, 2, CL_MODE_SAME, &out), CL_E_ARG,
                 "input", &out);
    expect_error(cl_ref_conv2d_transpose(&in, NULL, NULL, 2, 2, CL_MODE_SAME, &out), CL_E_ARG,
                 "weights", &out);
    expect_error(cl_ref_conv2d_transpose(&in, &w, NULL, 2, 2, CL_MODE_SAME, NULL), CL_E_ARG,
                 "out", NULL);
    expect_error(cl_ref_conv2d_transpose(&in, &w_cin, NULL, 2, 2, CL_MODE_SAME, &out), CL_E_SHAPE,
                 "cin", &out);
    expect_error(cl_ref_conv2d_transpose(&in, &w, NULL, 0, 2, CL_MODE_SAME, &out), CL_E_ARG, "sy",
                 &out);
    expect_error(cl_ref_conv2d_transpose(&in, &w, NULL, 2, 0, CL_MODE_SAME, &out), CL_E_ARG, "sx",
                 &out);
    expect_error(cl_ref_conv2d_transpose(&in, &w, NULL, 2, 2, CL_MODE_FULL, &out), CL_E_ARG,
                 "padding", &out);
    cl_image_free(&in);
    cl_weights_free(&w);
    cl_weights_free(&w_cin);
}

Test(golden, error_releases_what_out_held_before,
     .description = "after an error out is empty even if it held an image before the call")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE), k = image_of(1, 4, 4, 1, NULL);
    cl_image out = image_of(1, 2, 2, 1, NULL);
    expect_error(cl_ref_im_conv(&img, &k, &out), CL_E_SHAPE, "kernel", &out);
    out = image_of(1, 2, 2, 1, NULL);
    expect_error(cl_ref_upsample(&img, 0, 1, CL_INTERP_NEAREST, &out), CL_E_ARG, "fy", &out);
    cl_image_free(&img);
    cl_image_free(&k);
}

Test(golden, out_that_is_an_input_is_refused_and_input_kept,
     .description = "out must not be the input: CL_E_ARG, and the input is left intact")
{
    cl_image img = image_of(1, 3, 3, 1, ONE_TO_NINE);
    expect_error(cl_ref_threshold_binary(&img, 0, 1, &img), CL_E_ARG, "out", NULL);
    cr_assert(img.data != NULL && memcmp(img.data, ONE_TO_NINE, sizeof ONE_TO_NINE) == 0,
              "the input was released or modified");
    cl_image_free(&img);
}
