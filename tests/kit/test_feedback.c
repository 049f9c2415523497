/* test_feedback.c -- Criterion suites for the feedback module (harness/
 * feedback.c): the teaching message of a failed check, the diagnoses found
 * in the data or matched against precomputed mistakes, the explanation of
 * a wrong size, the sentences of the tags, and the PNG picture.
 *
 * Each diagnosis is tested on a small expected image and a "got" built by
 * the mistake it names, and asserts the tag and the perflab sentence of the
 * first wrong value ("at row r, column c: you have X, it should be Y").
 * Random wrong outputs must get no diagnosis.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convlab.h"
#include "feedback.h"
#include "feedback_font.h"
#include "reference.h"

/* ============================================================== helpers */

#define expect_has(hay, needle)                                                                \
    cr_expect(strstr((hay), (needle)) != NULL, "expected to find \"%s\" in:\n%s", (needle),    \
              (hay))
#define expect_lacks(hay, needle)                                                              \
    cr_expect(strstr((hay), (needle)) == NULL, "did not expect \"%s\" in:\n%s", (needle),      \
              (hay))

/* A distinct, non-symmetric value for every pixel: 1 + 10y + 3x + 100ch + 1000b. */
static float ramp(int b, int y, int x, int ch)
{
    return 1.0f + 10.0f * y + 3.0f * x + 100.0f * ch + 1000.0f * b;
}

static cl_image make_ramp(int n, int h, int w, int c)
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, n, h, w, c), CL_OK);
    for (int b = 0; b < n; b++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                    *cl_px(&im, b, y, x, ch) = ramp(b, y, x, ch);
    return im;
}

static cl_image make_random(int n, int h, int w, int c, uint64_t seed)
{
    cl_image im = {0};
    cr_assert_eq(cl_image_random(&im, n, h, w, c, seed, 0.0f, 255.0f), CL_OK);
    return im;
}

static cl_image make_zeros(int n, int h, int w, int c)
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, n, h, w, c), CL_OK);
    return im;
}

static cl_image copy_of(const cl_image *src)
{
    cl_image im = {0};
    cr_assert_eq(cl_image_copy(&im, src), CL_OK);
    return im;
}

/* got(y, x) = exp(y - dy, x - dx) where that exists, else 0. */
static cl_image shifted(const cl_image *exp, int dy, int dx)
{
    cl_image got = make_zeros(exp->n, exp->h, exp->w, exp->c);
    for (int y = 0; y < exp->h; y++)
        for (int x = 0; x < exp->w; x++) {
            int sy = y - dy, sx = x - dx;
            if (sy >= 0 && sy < exp->h && sx >= 0 && sx < exp->w)
                *cl_px(&got, 0, y, x, 0) = *cl_px(exp, 0, sy, sx, 0);
        }
    return got;
}

static cl_check check_of(const cl_image *exp)
{
    return (cl_check){.function = "im_conv", .case_id = "test.case", .expected = exp,
                      .atol = 1e-4f, .rtol = 1e-5f};
}

static cl_verdict run(const cl_check *chk, const cl_image *got)
{
    cl_verdict v;
    cr_assert_eq(cl_feedback_check(chk, got, &v), CL_OK, "check failed to run: %s",
                 cl_last_error());
    return v;
}

static int count_lines(const char *s)
{
    if (s[0] == '\0')
        return 0;
    int n = 1;
    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* Asserts a failed verdict with this tag whose first line holds `first`. */
static void expect_verdict(const cl_verdict *v, const char *tag, const char *first)
{
    cr_expect_eq(v->passed, 0, "the check should fail");
    cr_expect_str_eq(v->tag, tag, "tag; message:\n%s", v->message);
    expect_has(v->message, first);
    if (tag[0] != '\0') {
        expect_has(v->message, "Likely cause: ");
        expect_has(v->message, v->diagnosis);
    } else {
        expect_lacks(v->message, "Likely cause");
        cr_expect_str_eq(v->diagnosis, "");
    }
    cr_expect_leq(count_lines(v->message), 6, "message too long:\n%s", v->message);
    expect_lacks(v->message, "\x1b");
}

/* A fresh folder under /tmp for pictures, removed by remove_tree. */
static void temp_dir(char *buf, size_t size)
{
    snprintf(buf, size, "/tmp/convlab_feedback_XXXXXX");
    cr_assert_not_null(mkdtemp(buf), "mkdtemp failed");
}

static void remove_tree(const char *dir, const char *const *relative, int n)
{
    char path[512];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, relative[i]);
        if (remove(path) != 0)
            rmdir(path);
    }
    rmdir(dir);
}

static int file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Pixels of an RGB picture that are clearly red (the heat of an error). */
static int count_red(const cl_image *pic)
{
    int n = 0;
    for (int y = 0; y < pic->h; y++)
        for (int x = 0; x < pic->w; x++) {
            const float *p = cl_px(pic, 0, y, x, 0);
            n += p[0] >= 100.0f && p[1] <= 60.0f && p[2] <= 60.0f;
        }
    return n;
}

/* ============================================================ messages */

TestSuite(feedback_message, .timeout = 10);

Test(feedback_message, passing_case_has_empty_message,
     .description = "an output within the tolerance passes with an empty message")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = copy_of(&exp);
    got.data[7] += 5e-5f;
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    cr_expect_eq(v.passed, 1);
    cr_expect_str_eq(v.message, "");
    cr_expect_str_eq(v.tag, "");
    cr_expect_str_eq(v.diagnosis, "");
    cr_expect_str_eq(v.picture, "");
    cr_expect_eq(v.cmp.mismatches, 0);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_message, first_wrong_value_is_named_perflab_style,
     .description = "line 1 says where the first wrong value is, what you have and what it "
                    "should be; line 2 counts the wrong values against the tolerance")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = copy_of(&exp);
    *cl_px(&got, 0, 2, 3, 0) = 12.5f; /* expected 1 + 20 + 9 = 30 */
    *cl_px(&got, 0, 4, 1, 0) = 44.0f; /* expected 44 */
    *cl_px(&got, 0, 5, 4, 0) += 0.5f;
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "", "im_conv: at row 2, column 3: you have 12.5, it should be 30.\n");
    expect_has(v.message, "2 of 30 values are wrong; the largest error is 17.5 "
                          "(tolerance 0.0001 + 1e-05 x |expected|).");
    cr_expect_eq(count_lines(v.message), 2, "no diagnosis, no picture:\n%s", v.message);
    cr_expect_eq(v.cmp.mismatches, 2);
    cr_expect_eq(v.cmp.y, 2);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_message, batch_and_channel_are_named,
     .description = "with n > 1 the image is named, with c > 1 the channel")
{
    cl_image exp = make_ramp(2, 4, 5, 3), got = copy_of(&exp);
    *cl_px(&got, 1, 2, 3, 1) = -7.0f;
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    float want = ramp(1, 2, 3, 1);
    char line[128];
    snprintf(line, sizeof line, "at image 1, row 2, column 3 (channel 1): you have -7, it should "
                                "be %.6g.", (double)want);
    expect_verdict(&v, "", line);
    expect_has(v.message, "1 of 120 values is wrong");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_message, two_d_result_names_row_and_column_only,
     .description = "a 2-D result (get_subimages) is located by row and column, no channel")
{
    cl_image exp = make_ramp(1, 12, 9, 1), got = copy_of(&exp);
    *cl_px(&got, 0, 10, 8, 0) = 0.0f;
    cl_check chk = check_of(&exp);
    chk.function = "get_subimages";
    chk.atol = chk.rtol = 0.0f;
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "", "get_subimages: at row 10, column 8: you have 0, it should be 125.");
    expect_lacks(v.message, "channel");
    expect_has(v.message, "(exact comparison)");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_message, tolerance_is_printed_as_in_force,
     .description = "the tolerance line names atol alone, rtol alone, or both")
{
    cl_image exp = make_ramp(1, 3, 3, 1), got = copy_of(&exp);
    got.data[4] += 1.0f;
    cl_check chk = check_of(&exp);
    chk.rtol = 0.0f;
    cl_verdict v = run(&chk, &got);
    expect_has(v.message, "(tolerance 0.0001).");
    chk.atol = 0.0f;
    chk.rtol = 1e-3f;
    v = run(&chk, &got);
    expect_has(v.message, "(tolerance 0.001 x |expected|).");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_message, nan_is_reported_as_infinite_error,
     .description = "NaN in the output is a wrong value and an infinite largest error")
{
    cl_image exp = make_ramp(1, 3, 4, 1), got = copy_of(&exp);
    *cl_px(&got, 0, 1, 2, 0) = NAN;
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "", "at row 1, column 2: you have nan, it should be 17.");
    expect_has(v.message, "the largest error is infinite (NaN or inf)");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_message, missing_output_is_a_failure_not_an_error,
     .description = "an empty result (the function failed) fails the check and says so")
{
    cl_image exp = make_ramp(1, 4, 3, 1), empty = {0};
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &empty);
    expect_verdict(&v, "", "im_conv: you returned no output (the result is empty); it should "
                           "be 4x3 (rows x columns).");
    v = run(&chk, NULL);
    cr_expect_eq(v.passed, 0);
    expect_has(v.message, "you returned no output");
    cl_image_free(&exp);
}

Test(feedback_message, bad_arguments_are_errors,
     .description = "NULL check, verdict or expected image, or a negative tolerance, are errors")
{
    cl_image exp = make_ramp(1, 3, 3, 1);
    cl_check chk = check_of(&exp);
    cl_verdict v;
    cr_expect_eq(cl_feedback_check(NULL, &exp, &v), CL_E_ARG);
    cr_expect_eq(cl_feedback_check(&chk, &exp, NULL), CL_E_ARG);
    cl_check no_exp = chk;
    no_exp.expected = NULL;
    cr_expect_eq(cl_feedback_check(&no_exp, &exp, &v), CL_E_ARG);
    cl_check neg = chk;
    neg.atol = -1.0f;
    cr_expect_eq(cl_feedback_check(&neg, &exp, &v), CL_E_ARG);
    cl_image_free(&exp);
}

/* ==================================================== data diagnoses */

TestSuite(feedback_diagnosis, .timeout = 10);

Test(feedback_diagnosis, all_zeros_is_recognised,
     .description = "an output of zeros where the expected one is not: all-zeros")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = make_zeros(1, 6, 5, 1);
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "all-zeros", "at row 0, column 0: you have 0, it should be 1.");
    cr_expect_str_eq(v.diagnosis, cl_mistake_sentence("all-zeros"));
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, transposed_square_output_is_recognised,
     .description = "got(y, x) = expected(x, y) on a square output: transposed")
{
    cl_image exp = make_ramp(1, 5, 5, 1), got = make_zeros(1, 5, 5, 1);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            *cl_px(&got, 0, y, x, 0) = *cl_px(&exp, 0, x, y, 0);
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "transposed", "at row 0, column 1: you have 11, it should be 4.");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, transposed_with_swapped_shape_is_recognised,
     .description = "a 5x6 output holding the transposed 6x5 result: transposed, not just a "
                    "wrong size")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = make_zeros(1, 5, 6, 1);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 6; x++)
            *cl_px(&got, 0, y, x, 0) = *cl_px(&exp, 0, x, y, 0);
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "transposed", "im_conv: your output is 5x6, it should be 6x5 "
                                     "(rows x columns).");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, shifted_down_is_recognised,
     .description = "got(y, x) = expected(y - 1, x): shifted-down, with the tag's sentence")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = shifted(&exp, 1, 0);
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "shifted-down", "at row 0, column 0: you have 0, it should be 1.");
    cr_expect_str_eq(v.diagnosis, cl_mistake_sentence("shifted-down"));
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, shifted_up_right_left_are_recognised,
     .description = "the three other directions of a one-pixel shift")
{
    cl_image exp = make_ramp(1, 6, 5, 1);
    const struct {
        int dy, dx;
        const char *tag, *first;
    } cases[] = {
        {-1, 0, "shifted-up", "at row 0, column 0: you have 11, it should be 1."},
        {0, 1, "shifted-right", "at row 0, column 0: you have 0, it should be 1."},
        {0, -1, "shifted-left", "at row 0, column 0: you have 4, it should be 1."},
    };
    for (int i = 0; i < 3; i++) {
        cl_image got = shifted(&exp, cases[i].dy, cases[i].dx);
        cl_check chk = check_of(&exp);
        cl_verdict v = run(&chk, &got);
        expect_verdict(&v, cases[i].tag, cases[i].first);
        cr_expect_str_eq(v.diagnosis, cl_mistake_sentence(cases[i].tag));
        cl_image_free(&got);
    }
    cl_image_free(&exp);
}

Test(feedback_diagnosis, shift_by_two_names_the_amount,
     .description = "a shift by two columns (a 5x5 kernel's anchor) says 2 columns")
{
    cl_image exp = make_ramp(1, 6, 7, 1), got = shifted(&exp, 0, 2);
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "shifted-right", "at row 0, column 0: you have 0, it should be 1.");
    expect_has(v.diagnosis, "moved right by 2 columns");
    expect_has(v.diagnosis, "(y, x - 2)");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, rgb_reversed_is_channels_swapped,
     .description = "BGR instead of RGB: channels-swapped, with the order found")
{
    cl_image exp = make_ramp(1, 4, 5, 3), got = copy_of(&exp);
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 5; x++)
            for (int ch = 0; ch < 3; ch++)
                *cl_px(&got, 0, y, x, ch) = *cl_px(&exp, 0, y, x, 2 - ch);
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "channels-swapped",
                   "at row 0, column 0 (channel 0): you have 201, it should be 1.");
    expect_has(v.diagnosis, "your channels 0, 1, 2 hold the expected channels 2, 1, 0");
    expect_has(v.diagnosis, "RGB reversed to BGR");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, two_swapped_channels_of_eight,
     .description = "channels 2 and 5 exchanged among 8: channels-swapped")
{
    cl_image exp = make_ramp(1, 3, 4, 8), got = copy_of(&exp);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 4; x++) {
            *cl_px(&got, 0, y, x, 2) = *cl_px(&exp, 0, y, x, 5);
            *cl_px(&got, 0, y, x, 5) = *cl_px(&exp, 0, y, x, 2);
        }
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "channels-swapped",
                   "at row 0, column 0 (channel 2): you have 501, it should be 201.");
    expect_has(v.diagnosis, "the expected channels 0, 1, 5, 3, 4, 2, 6, 7:");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, truncated_fractions_are_recognised,
     .description = "got = truncf(expected) where expected has fractions: truncated")
{
    cl_image exp = make_ramp(1, 5, 4, 1), got = copy_of(&exp);
    for (size_t i = 0; i < cl_image_count(&exp); i++) {
        exp.data[i] = exp.data[i] / 4.0f - 3.0f;
        got.data[i] = truncf(exp.data[i]);
    }
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "truncated", "at row 0, column 0: you have -2, it should be -2.75.");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, floored_negative_values_are_truncated_too,
     .description = "got = floorf(expected) (an integer division of negative sums): truncated")
{
    cl_image exp = make_ramp(1, 5, 4, 1), got = copy_of(&exp);
    for (size_t i = 0; i < cl_image_count(&exp); i++) {
        exp.data[i] = -exp.data[i] / 3.0f;
        got.data[i] = floorf(exp.data[i]);
    }
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "truncated", "message:\n%s", v.message);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, clipped_to_0_255_is_recognised,
     .description = "got = clamp(expected, 0, 255) where expected leaves 0..255: clipped")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = copy_of(&exp);
    for (size_t i = 0; i < cl_image_count(&exp); i++) {
        exp.data[i] = exp.data[i] * 8.0f - 60.0f; /* -52 .. 444 */
        got.data[i] = exp.data[i] < 0 ? 0 : exp.data[i] > 255 ? 255 : exp.data[i];
    }
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "clipped", "at row 0, column 0: you have 0, it should be -52.");
    expect_has(v.diagnosis, "clipped to 0..255");
    expect_has(v.diagnosis, "from -52 to 444");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, negatives_set_to_zero_are_clipped,
     .description = "got = max(expected, 0) (an edge filter's negatives lost): clipped")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = copy_of(&exp);
    for (size_t i = 0; i < cl_image_count(&exp); i++) {
        exp.data[i] -= 20.0f;
        got.data[i] = exp.data[i] < 0 ? 0 : exp.data[i];
    }
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "clipped", "at row 0, column 0: you have 0, it should be -19.");
    expect_has(v.diagnosis, "your negative values became 0");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, wrong_border_only_is_recognised,
     .description = "every wrong value within border_band of an edge: border-only")
{
    cl_image exp = make_random(1, 7, 8, 1, 11), got = copy_of(&exp);
    for (int x = 0; x < 8; x++)
        *cl_px(&got, 0, 6, x, 0) += 3.0f;
    *cl_px(&got, 0, 2, 0, 0) = 0.0f;
    cl_check chk = check_of(&exp);
    chk.border_band = 1;
    cl_verdict v = run(&chk, &got);
    char first[96];
    snprintf(first, sizeof first, "at row 2, column 0: you have 0, it should be %.6g.",
             (double)*cl_px(&exp, 0, 2, 0, 0));
    expect_verdict(&v, "border-only", first);
    chk.border_band = 0;
    v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "", "no band, no border diagnosis:\n%s", v.message);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, wrong_value_inside_is_not_border_only,
     .description = "one wrong value away from the border rules border-only out")
{
    cl_image exp = make_random(1, 7, 8, 1, 12), got = copy_of(&exp);
    *cl_px(&got, 0, 0, 3, 0) += 9.0f;
    *cl_px(&got, 0, 3, 3, 0) += 9.0f;
    cl_check chk = check_of(&exp);
    chk.border_band = 1;
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "", "message:\n%s", v.message);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, explained_values_get_no_data_diagnosis,
     .description = "values_explained (a property naming the mistake): all zeros get no "
                    "data diagnosis, a wrong size is still explained")
{
    cl_image exp = make_ramp(1, 4, 3, 1), zeros = make_zeros(1, 4, 3, 1);
    for (size_t i = 0; i < cl_image_count(&exp); i++)
        exp.data[i] = -exp.data[i]; /* all zeros is also "clipped at 0" here */
    cl_check chk = check_of(&exp);
    chk.values_explained = 1;
    cl_verdict v = run(&chk, &zeros);
    expect_verdict(&v, "", "at row 0, column 0: you have 0, it should be -1.");
    chk.values_explained = 0;
    v = run(&chk, &zeros);
    cr_expect_str_eq(v.tag, "all-zeros", "message:\n%s", v.message);
    chk.values_explained = 1;
    chk.size = (cl_size_context){CL_SIZE_CONV, 6, 5, 1, 3, 3, 1, 1, CL_MODE_VALID, {0}};
    cl_image big = make_zeros(1, 6, 5, 1);
    v = run(&chk, &big);
    cr_expect_str_eq(v.tag, "wrong-size", "message:\n%s", v.message);
    expect_has(v.diagnosis, "6x5 is the same-mode size");
    cl_image_free(&exp);
    cl_image_free(&zeros);
    cl_image_free(&big);
}

Test(feedback_diagnosis, random_outputs_get_no_diagnosis,
     .description = "random noise against random noise matches no known mistake")
{
    const int shapes[][4] = {{1, 7, 9, 1}, {1, 6, 6, 1}, {1, 5, 4, 3}, {2, 5, 5, 2}};
    for (int s = 0; s < 4; s++)
        for (uint64_t seed = 1; seed <= 10; seed++) {
            const int *d = shapes[s];
            cl_image exp = make_random(d[0], d[1], d[2], d[3], seed);
            cl_image got = make_random(d[0], d[1], d[2], d[3], seed + 1000);
            cl_check chk = check_of(&exp);
            chk.border_band = 1;
            cl_verdict v = run(&chk, &got);
            cr_expect_str_eq(v.tag, "", "shape %d seed %d:\n%s", s, (int)seed, v.message);
            cl_image_free(&exp);
            cl_image_free(&got);
        }
}

Test(feedback_diagnosis, one_wrong_pixel_gets_no_diagnosis,
     .description = "a single wrong value in the middle is no shift, transpose or truncation")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = copy_of(&exp);
    *cl_px(&got, 0, 3, 2, 0) = 100.0f;
    cl_check chk = check_of(&exp);
    chk.border_band = 1;
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "", "at row 3, column 2: you have 100, it should be 37.");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, stripes_with_a_wrong_row_are_not_a_shift,
     .description = "on an image constant along columns, a wrong first row is not called a "
                    "shift (the shift would explain nothing)")
{
    cl_image exp = make_zeros(1, 6, 5, 1), got;
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 5; x++)
            *cl_px(&exp, 0, y, x, 0) = 7.0f * x + 1.0f;
    got = copy_of(&exp);
    for (int x = 0; x < 5; x++)
        *cl_px(&got, 0, 0, x, 0) = -1.0f;
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "", "at row 0, column 0: you have -1, it should be 1.");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_diagnosis, constant_image_never_looks_shifted,
     .description = "a constant expected image gives no shift or transpose diagnosis")
{
    cl_image exp = make_zeros(1, 5, 5, 1), got;
    for (size_t i = 0; i < 25; i++)
        exp.data[i] = 5.0f;
    got = copy_of(&exp);
    got.data[0] = 0.0f;
    got.data[1] = 2.0f;
    cl_check chk = check_of(&exp);
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "", "message:\n%s", v.message);
    cl_image_free(&exp);
    cl_image_free(&got);
}

/* ======================================================= wrong sizes */

TestSuite(feedback_size, .timeout = 10);

/* The verdict for an output of shape n x h x w x c against exp, with z. */
static cl_verdict size_verdict(const cl_image *exp, int n, int h, int w, int c,
                               cl_size_context z)
{
    cl_image got = make_zeros(n, h, w, c);
    got.data[0] = 1.0f;
    cl_check chk = check_of(exp);
    chk.size = z;
    cl_verdict v = run(&chk, &got);
    cr_expect_eq(v.passed, 0);
    cl_image_free(&got);
    return v;
}

static cl_size_context conv_ctx(int h, int w, int k, int s, cl_mode mode)
{
    return (cl_size_context){CL_SIZE_CONV, h, w, 1, k, k, s, s, mode, {0}};
}

Test(feedback_size, same_size_for_valid_mode_is_named,
     .description = "valid mode expected 4x3, got the same-mode 6x5: the message names "
                    "ceil(H/sy) and the valid formula with numbers")
{
    cl_image exp = make_ramp(1, 4, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 6, 5, 1, conv_ctx(6, 5, 3, 1, CL_MODE_VALID));
    expect_verdict(&v, "wrong-size",
                   "im_conv: your output is 6x5, it should be 4x3 (rows x columns).");
    expect_has(v.diagnosis, "6x5 is the same-mode size: ceil(H/sy) = ceil(6/1) = 6 rows");
    expect_has(v.diagnosis, "valid mode gives (H - kh)/sy + 1 = (6 - 3)/1 + 1 = 4 rows.");
    expect_lacks(v.message, "values are wrong");
    cl_image_free(&exp);
}

Test(feedback_size, ignored_stride_is_named,
     .description = "stride 2 ignored: the valid-mode size without the stride, H - kh + 1")
{
    cl_image exp = make_ramp(1, 3, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 5, 5, 1, conv_ctx(7, 7, 3, 2, CL_MODE_VALID));
    expect_has(v.diagnosis, "the valid-mode size without the stride: H - kh + 1 = 7 - 3 + 1 "
                            "= 5 rows");
    cl_image_free(&exp);
}

Test(feedback_size, equally_likely_mistakes_are_both_named,
     .description = "stride ignored and full mode give the same 5 rows: both are named")
{
    cl_image exp = make_ramp(1, 3, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 5, 5, 1, conv_ctx(7, 7, 3, 2, CL_MODE_VALID));
    expect_has(v.diagnosis, "(the full-mode size too)");
    cl_image_free(&exp);
}

Test(feedback_size, rounding_up_is_named,
     .description = "(H - kh)/s + 1 rounded up instead of down is recognised")
{
    cl_image exp = make_ramp(1, 3, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 4, 4, 1, conv_ctx(9, 9, 4, 2, CL_MODE_VALID));
    expect_has(v.diagnosis, "rounded up instead of down: ceil((H - kh)/sy) + 1 = "
                            "ceil((9 - 4)/2) + 1 = 4 rows");
    cl_image_free(&exp);
}

Test(feedback_size, missing_plus_one_is_named,
     .description = "(H - kh)/s without the + 1 is recognised")
{
    cl_image exp = make_ramp(1, 5, 5, 1);
    cl_verdict v = size_verdict(&exp, 1, 4, 4, 1, conv_ctx(7, 7, 3, 1, CL_MODE_VALID));
    expect_has(v.diagnosis, "without the + 1: (H - kh)/sy = (7 - 3)/1 = 4 rows");
    cl_image_free(&exp);
}

Test(feedback_size, full_mode_padded_on_one_side_is_named,
     .description = "full mode with kh - 1 padding on one side only")
{
    cl_image exp = make_ramp(1, 7, 7, 1);
    cl_verdict v = size_verdict(&exp, 1, 5, 5, 1, conv_ctx(5, 5, 3, 1, CL_MODE_FULL));
    expect_has(v.diagnosis, "kh - 1 padding on one side only");
    expect_has(v.diagnosis, "full mode gives (H + kh - 2)/sy + 1 = (5 + 3 - 2)/1 + 1 = 7 rows");
    cl_image_free(&exp);
}

Test(feedback_size, one_wrong_axis_is_explained,
     .description = "only the columns wrong: the explanation is about columns")
{
    cl_image exp = make_ramp(1, 4, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 4, 5, 1, conv_ctx(6, 5, 3, 1, CL_MODE_VALID));
    expect_has(v.diagnosis, "ceil(W/sx) = ceil(5/1) = 5 columns");
    cl_image_free(&exp);
}

Test(feedback_size, unexplained_size_gives_the_formula,
     .description = "a size no usual mistake gives still shows the right formula")
{
    cl_image exp = make_ramp(1, 4, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 17, 3, 1, conv_ctx(6, 5, 3, 1, CL_MODE_VALID));
    expect_verdict(&v, "wrong-size", "your output is 17x3, it should be 4x3");
    expect_has(v.diagnosis, "your 17 rows match no usual mistake; valid mode gives "
                            "(H - kh)/sy + 1 = (6 - 3)/1 + 1 = 4 rows.");
    cl_image_free(&exp);
}

Test(feedback_size, windows_missing_plus_one_and_channels,
     .description = "get_subimages: (H - kh)*(W - kw) rows, and kh*kw columns without C")
{
    cl_image exp = make_ramp(1, 12, 27, 1);
    cl_size_context z = {CL_SIZE_WINDOWS, 5, 6, 3, 3, 3, 1, 1, CL_MODE_VALID, {0}};
    cl_verdict v = size_verdict(&exp, 1, 6, 9, 1, z);
    expect_verdict(&v, "wrong-size", "your output is 6x9, it should be 12x27");
    expect_has(v.diagnosis, "(H - kh)*(W - kw) = 6 rows: the + 1 is missing");
    expect_has(v.diagnosis, "kh*kw = 9 columns, without the channels: a window holds "
                            "kh*kw*C = 27 values");
    cl_image_free(&exp);
}

Test(feedback_size, upsample_align_corners_size_is_named,
     .description = "upsampling by 3 giving (H - 1)*fy + 1 rows")
{
    cl_image exp = make_ramp(1, 12, 12, 1);
    cl_size_context z = {CL_SIZE_UPSAMPLE, 4, 4, 1, 3, 3, 1, 1, CL_MODE_VALID, {0}};
    cl_verdict v = size_verdict(&exp, 1, 10, 10, 1, z);
    expect_has(v.diagnosis, "the align-corners size: (H - 1)*fy + 1 = (4 - 1)*3 + 1 = 10 rows");
    expect_has(v.diagnosis, "upsampling gives H*fy = 4*3 = 12 rows.");
    cl_image_free(&exp);
}

Test(feedback_size, transpose_full_scatter_is_named,
     .description = "same-mode transposed convolution returning the whole scatter")
{
    cl_image exp = make_ramp(1, 8, 8, 1);
    cl_size_context z = {CL_SIZE_TRANSPOSE, 4, 4, 1, 3, 3, 2, 2, CL_MODE_SAME, {0}};
    cl_verdict v = size_verdict(&exp, 1, 9, 9, 1, z);
    expect_has(v.diagnosis, "the full scatter size: (H - 1)*sy + kh = (4 - 1)*2 + 3 = 9 rows");
    expect_has(v.diagnosis, "same mode gives H*sy = 4*2 = 8 rows.");
    cl_image_free(&exp);
}

Test(feedback_size, padding_missing_one_side_is_named,
     .description = "pad_image without the bottom padding")
{
    cl_image exp = make_ramp(1, 8, 5, 1);
    cl_size_context z = {CL_SIZE_PAD, 5, 5, 1, 1, 1, 1, 1, CL_MODE_VALID, {1, 2, 0, 0}};
    cl_verdict v = size_verdict(&exp, 1, 6, 5, 1, z);
    expect_has(v.diagnosis, "the size without the bottom padding: top + H = 1 + 5 = 6 rows");
    expect_has(v.diagnosis, "padding gives top + H + bottom = 1 + 5 + 2 = 8 rows.");
    cl_image_free(&exp);
}

Test(feedback_size, swapped_height_and_width_are_named,
     .description = "a 3x4 output for a 4x3 result: rows and columns swapped")
{
    cl_image exp = make_ramp(1, 4, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 3, 4, 1, conv_ctx(6, 5, 3, 1, CL_MODE_VALID));
    expect_verdict(&v, "wrong-size", "your output is 3x4, it should be 4x3");
    expect_has(v.diagnosis, "rows and columns swapped");
    cl_image_free(&exp);
}

Test(feedback_size, dropped_channels_are_named,
     .description = "one channel where the input's three should be kept")
{
    cl_image exp = make_ramp(1, 4, 3, 3);
    cl_size_context z = conv_ctx(6, 5, 3, 1, CL_MODE_VALID);
    z.in_c = 3;
    cl_verdict v = size_verdict(&exp, 1, 4, 3, 1, z);
    expect_verdict(&v, "wrong-size", "your output is 4x3x1, it should be 4x3x3 "
                                     "(rows x columns x channels).");
    expect_has(v.diagnosis, "it should keep the input's 3");
    z.in_c = 2; /* conv2d: 2 input channels, 3 filters */
    v = size_verdict(&exp, 1, 4, 3, 2, z);
    expect_has(v.diagnosis, "one per filter: cout = 3");
    cl_image_free(&exp);
}

Test(feedback_size, batch_size_is_named,
     .description = "one image where the batch has three")
{
    cl_image exp = make_ramp(3, 4, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 4, 3, 1, conv_ctx(6, 5, 3, 1, CL_MODE_VALID));
    expect_has(v.message, "your output is 1x4x3x1, it should be 3x4x3x1 "
                          "(images x rows x columns x channels).");
    expect_has(v.diagnosis, "the batch has 3");
    cl_image_free(&exp);
}

Test(feedback_size, stride_applied_to_the_input_size_is_named,
     .description = "full mode, stride 3,2: H/sy + kh - 1 rows (the stride applied to the "
                    "input size) is named before the full-mode size rounded up, which would "
                    "have changed the columns too")
{
    cl_image exp = make_ramp(1, 4, 6, 1);
    cl_size_context z = {CL_SIZE_CONV, 9, 11, 1, 3, 2, 3, 2, CL_MODE_FULL, {0}};
    cl_verdict v = size_verdict(&exp, 1, 5, 6, 1, z);
    expect_verdict(&v, "wrong-size", "your output is 5x6, it should be 4x6");
    expect_has(v.diagnosis, "5x6 is the full-mode size with the stride applied to the input "
                            "size: H/sy + kh - 1 = 9/3 + 3 - 1 = 5 rows; full mode gives "
                            "(H + kh - 2)/sy + 1 = (9 + 3 - 2)/3 + 1 = 4 rows.");
    expect_lacks(v.diagnosis, "rounded up");
    cl_image_free(&exp);
}

Test(feedback_size, mistake_of_the_mode_in_force_comes_first,
     .description = "valid mode, one wrong axis: the valid-mode size rounded up explains both "
                    "axes and is named; the full-mode size gives only the wrong one")
{
    cl_image exp = make_ramp(2, 5, 4, 1);
    cl_size_context z = {CL_SIZE_CONV, 11, 12, 1, 3, 2, 2, 3, CL_MODE_VALID, {0}};
    cl_verdict v = size_verdict(&exp, 2, 5, 5, 1, z);
    expect_has(v.diagnosis, "2x5x5x1 is the valid-mode size rounded up instead of down: "
                            "ceil((W - kw)/sx) + 1 = ceil((12 - 2)/3) + 1 = 5 columns; valid "
                            "mode gives (W - kw)/sx + 1 = (12 - 2)/3 + 1 = 4 columns.");
    expect_lacks(v.diagnosis, "full-mode");
    cl_image_free(&exp);
}

Test(feedback_size, no_context_gives_the_generic_sentence,
     .description = "without a size context a wrong size still gets the wrong-size tag")
{
    cl_image exp = make_ramp(1, 4, 3, 1);
    cl_verdict v = size_verdict(&exp, 1, 5, 5, 1, (cl_size_context){0});
    expect_verdict(&v, "wrong-size", "your output is 5x5, it should be 4x3");
    cr_expect_str_eq(v.diagnosis, cl_mistake_sentence("wrong-size"));
    cl_image_free(&exp);
}

/* ================================================ precomputed mistakes */

TestSuite(feedback_mistakes, .timeout = 10);

/* expected = im_conv(img, kernel); flipped = im_conv(img, flip(kernel)). */
static void conv_pair(const char *kernel, cl_image *img, cl_image *exp, cl_image *flipped)
{
    cl_image k = {0}, kf = {0};
    *img = make_random(1, 8, 9, 1, 5);
    cr_assert_eq(cl_kernel_named(&k, kernel), CL_OK);
    cr_assert_eq(cl_ref_flip_kernel(&k, &kf), CL_OK);
    cr_assert_eq(cl_ref_im_conv(img, &k, exp), CL_OK);
    cr_assert_eq(cl_ref_im_conv(img, &kf, flipped), CL_OK);
    cl_image_free(&k);
    cl_image_free(&kf);
}

Test(feedback_mistakes, matching_mistake_wins_over_data_evidence,
     .description = "the shift kernel flipped looks like a shift in the data, but the "
                    "precomputed kernel-flipped output is reported")
{
    cl_image img = {0}, exp = {0}, got = {0};
    conv_pair("shift_right", &img, &exp, &got);
    cl_check chk = check_of(&exp);
    chk.input = &img;
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "shifted-left", "without the mistake table:\n%s", v.message);
    cl_mistake m = {"kernel-flipped", &got};
    chk.mistakes = &m;
    chk.nmistakes = 1;
    v = run(&chk, &got);
    char first[96];
    snprintf(first, sizeof first, "at row 0, column 0: you have %.6g, it should be %.6g.",
             (double)got.data[0], (double)exp.data[0]);
    expect_verdict(&v, "kernel-flipped", first);
    cr_expect_str_eq(v.diagnosis,
                     "your result matches the kernel flipped in both axes: im_conv is a "
                     "cross-correlation, it does not flip the kernel (only true convolution "
                     "does).");
    cl_image_free(&img);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_mistakes, mistake_matches_within_the_tolerance,
     .description = "an output within the check's tolerance of a mistake's output matches it; "
                    "one outside does not")
{
    cl_image img = {0}, exp = {0}, flipped = {0};
    conv_pair("sobel_x", &img, &exp, &flipped);
    cl_image got = copy_of(&flipped);
    got.data[3] += 5e-5f;
    cl_mistake m = {"kernel-flipped", &flipped};
    cl_check chk = check_of(&exp);
    chk.mistakes = &m;
    chk.nmistakes = 1;
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "kernel-flipped");
    got.data[3] += 1.0f;
    v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "", "no longer the mistake:\n%s", v.message);
    cl_image_free(&img);
    cl_image_free(&exp);
    cl_image_free(&flipped);
    cl_image_free(&got);
}

Test(feedback_mistakes, first_matching_mistake_is_reported,
     .description = "mistakes that do not match, or equal the expected output, are skipped")
{
    cl_image exp = make_ramp(1, 4, 4, 1), got = copy_of(&exp), other = copy_of(&exp);
    got.data[5] = -1.0f;
    other.data[5] = -2.0f;
    cl_image small = make_zeros(1, 2, 2, 1);
    const cl_mistake ms[] = {{"bias-missing", &exp},         /* no mistake on this case */
                             {"threshold-ge", &other},       /* another output */
                             {"same-split-torch", &small},   /* another shape */
                             {"avg-counts-padding", &got}};
    cl_check chk = check_of(&exp);
    chk.mistakes = ms;
    chk.nmistakes = 4;
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "avg-counts-padding");
    expect_has(v.message, "Likely cause: your average divides by the whole window");
    cl_image_free(&exp);
    cl_image_free(&got);
    cl_image_free(&other);
    cl_image_free(&small);
}

Test(feedback_mistakes, wrong_border_rule_is_named_with_border_only,
     .description = "reflect instead of reflect101 in same mode: only the border is wrong, "
                    "and it matches the reflect rule")
{
    cl_image img = make_random(1, 7, 8, 1, 21), k = {0}, exp = {0}, got = {0};
    cr_assert_eq(cl_kernel_named(&k, "box3"), CL_OK);
    cl_conv_opts o101 = {CL_MODE_SAME, CL_BORDER_REFLECT101, 1, 1};
    cl_conv_opts orefl = {CL_MODE_SAME, CL_BORDER_REFLECT, 1, 1};
    cr_assert_eq(cl_ref_im_conv_opts(&img, &k, &o101, &exp), CL_OK);
    cr_assert_eq(cl_ref_im_conv_opts(&img, &k, &orefl, &got), CL_OK);
    cl_mistake m = {"border-reflect", &got};
    cl_check chk = check_of(&exp);
    chk.function = "im_conv_opts";
    chk.mistakes = &m;
    chk.nmistakes = 1;
    chk.border_band = 1;
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "border-reflect", "message:\n%s", v.message);
    expect_has(v.message, "Likely cause: only the border is wrong, and it matches the reflect "
                          "rule: reflect101 mirrors WITHOUT repeating the edge pixel "
                          "(c b | a b c), reflect repeats it (b a | a b c).");
    expect_has(v.message, "im_conv_opts: at row 0, column 0: you have");
    chk.border_band = 0; /* no band: the rule alone */
    v = run(&chk, &got);
    cr_expect_str_eq(v.diagnosis, cl_mistake_sentence("border-reflect"));
    cl_image_free(&img);
    cl_image_free(&k);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_mistakes, mistake_of_another_size_explains_a_wrong_size,
     .description = "a precomputed output of the wrong size is matched before the size "
                    "formulas")
{
    cl_image exp = make_ramp(1, 4, 4, 1), got = make_ramp(1, 5, 5, 1);
    cl_mistake m = {"transpose-crop-other-side", &got};
    cl_check chk = check_of(&exp);
    chk.mistakes = &m;
    chk.nmistakes = 1;
    chk.size = (cl_size_context){CL_SIZE_TRANSPOSE, 2, 2, 1, 3, 3, 2, 2, CL_MODE_SAME, {0}};
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "transpose-crop-other-side");
    cl_image_free(&exp);
    cl_image_free(&got);
}

/* The verdict for got = mistake's output, with function and border in force. */
static cl_verdict mistake_verdict(const cl_image *exp, const cl_image *got, const char *tag,
                                  const char *function, const char *border, int band)
{
    cl_mistake m = {tag, got};
    cl_check chk = check_of(exp);
    chk.function = function;
    chk.border = border;
    chk.border_band = band;
    chk.mistakes = &m;
    chk.nmistakes = 1;
    cl_verdict v = run(&chk, got);
    cr_expect_str_eq(v.tag, tag, "message:\n%s", v.message);
    return v;
}

Test(feedback_mistakes, kernel_flipped_names_the_function_in_force,
     .description = "kernel-flipped says conv2d is a cross-correlation on conv2d, and speaks "
                    "of no function when none is named")
{
    cl_image img = {0}, exp = {0}, flipped = {0};
    conv_pair("sobel_x", &img, &exp, &flipped);
    cl_verdict v = mistake_verdict(&exp, &flipped, "kernel-flipped", "conv2d", NULL, 0);
    expect_has(v.diagnosis, "conv2d is a cross-correlation, it does not flip the kernel");
    expect_lacks(v.message, "im_conv");
    v = mistake_verdict(&exp, &flipped, "kernel-flipped", NULL, NULL, 0);
    cr_expect_str_eq(v.diagnosis, cl_mistake_sentence("kernel-flipped"));
    expect_has(v.diagnosis, "this is a cross-correlation, it does not flip the kernel");
    cl_image_free(&img);
    cl_image_free(&exp);
    cl_image_free(&flipped);
}

Test(feedback_mistakes, weights_layout_follows_the_function,
     .description = "weights-transposed-layout quotes Conv2D's layout on conv2d and "
                    "Conv2DTranspose's on conv2d_transpose")
{
    cl_image exp = make_ramp(1, 4, 4, 2), got = copy_of(&exp);
    got.data[0] += 1.0f;
    cl_verdict v = mistake_verdict(&exp, &got, "weights-transposed-layout", "conv2d", NULL, 0);
    expect_has(v.diagnosis, "Keras Conv2D is kh x kw x cin x cout, index "
                            "((i*kw + j)*cin + ci)*cout + co.");
    v = mistake_verdict(&exp, &got, "weights-transposed-layout", "conv2d_transpose", NULL, 0);
    expect_has(v.diagnosis, "Keras Conv2DTranspose is kh x kw x cout x cin, index "
                            "((i*kw + j)*cout + co)*cin + ci.");
    expect_lacks(v.diagnosis, "Conv2D is");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_mistakes, border_rule_in_force_is_named,
     .description = "reflect instead of wrap: only the border is wrong, and the sentence names "
                    "both rules; reflect against reflect101 keeps the edge-pixel contrast")
{
    cl_image img = make_random(1, 15, 17, 1, 25), k = {0}, exp = {0}, got = {0}, r101 = {0};
    cr_assert_eq(cl_kernel_named(&k, "box3"), CL_OK);
    cl_conv_opts wrap = {CL_MODE_FULL, CL_BORDER_WRAP, 3, 2};
    cl_conv_opts refl = {CL_MODE_FULL, CL_BORDER_REFLECT, 3, 2};
    cl_conv_opts o101 = {CL_MODE_FULL, CL_BORDER_REFLECT101, 3, 2};
    cr_assert_eq(cl_ref_im_conv_opts(&img, &k, &wrap, &exp), CL_OK);
    cr_assert_eq(cl_ref_im_conv_opts(&img, &k, &refl, &got), CL_OK);
    cr_assert_eq(cl_ref_im_conv_opts(&img, &k, &o101, &r101), CL_OK);
    cl_verdict v = mistake_verdict(&exp, &got, "border-reflect", "im_conv_opts", "wrap", 1);
    expect_has(v.message, "Likely cause: only the border is wrong, and it matches the reflect "
                          "rule (b a | a b c): you mirrored with the edge pixel repeated, but "
                          "this case uses the wrap rule (b c | a b c).");
    v = mistake_verdict(&r101, &got, "border-reflect", "im_conv_opts", "reflect101", 1);
    expect_has(v.diagnosis, "reflect101 mirrors WITHOUT repeating the edge pixel");
    v = mistake_verdict(&exp, &got, "border-reflect", "im_conv_opts", NULL, 0);
    cr_expect_str_eq(v.diagnosis, cl_mistake_sentence("border-reflect"));
    cl_image_free(&img);
    cl_image_free(&k);
    cl_image_free(&exp);
    cl_image_free(&got);
    cl_image_free(&r101);
}

Test(feedback_mistakes, to_uint8_truncation_is_recognised,
     .description = "to_uint8 that casts (truncates) instead of rounding: the precomputed "
                    "to-uint8-truncates output names it; whole expected values give no "
                    "data evidence of truncation")
{
    const float in[6] = {2.7f, 3.5f, -1.25f, 254.75f, 300.0f, 17.5f};
    cl_image exp = make_zeros(1, 2, 3, 1), got = make_zeros(1, 2, 3, 1);
    for (int i = 0; i < 6; i++) {
        exp.data[i] = (float)cl_float_to_u8(in[i]);
        got.data[i] = fminf(fmaxf(truncf(in[i]), 0.0f), 255.0f);
    }
    cl_check chk = check_of(&exp);
    chk.function = "to_uint8";
    chk.atol = chk.rtol = 0.0f;
    cl_verdict v = run(&chk, &got);
    expect_verdict(&v, "", "to_uint8: at row 0, column 0: you have 2, it should be 3.");
    v = mistake_verdict(&exp, &got, "to-uint8-truncates", "to_uint8", NULL, 0);
    expect_verdict(&v, "to-uint8-truncates", "you have 2, it should be 3.");
    expect_has(v.diagnosis, "truncated");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_mistakes, unknown_tag_is_still_reported,
     .description = "a matching mistake with an unknown tag is named by its tag")
{
    cl_image exp = make_ramp(1, 3, 3, 1), got = make_zeros(1, 3, 3, 1);
    got.data[0] = 9.0f;
    cl_mistake m = {"made-up-tag", &got};
    cl_check chk = check_of(&exp);
    chk.mistakes = &m;
    chk.nmistakes = 1;
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.tag, "made-up-tag");
    expect_has(v.diagnosis, "\"made-up-tag\"");
    cl_image_free(&exp);
    cl_image_free(&got);
}

/* ============================================================ sentences */

TestSuite(feedback_sentences, .timeout = 10);

Test(feedback_sentences, every_documented_tag_has_a_sentence,
     .description = "cl_mistake_sentence knows every tag listed in feedback.h, and no other")
{
    const char *tags[] = {
        "shifted-down", "shifted-up", "shifted-right", "shifted-left", "transposed",
        "all-zeros", "truncated", "clipped", "channels-swapped", "border-only", "wrong-size",
        "kernel-flipped", "kernel-not-flipped", "border-zero", "border-replicate",
        "border-reflect", "border-reflect101", "border-wrap", "same-split-torch",
        "avg-counts-padding", "max-pads-with-zero", "bilinear-align-corners",
        "bilinear-no-half-pixel", "nearest-rounds", "bias-per-input-channel", "bias-missing",
        "transpose-crop-other-side", "weights-transposed-layout", "to-uint8-rounds-half-up",
        "to-uint8-truncates", "threshold-ge"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        const char *s = cl_mistake_sentence(tags[i]);
        cr_expect_gt(strlen(s), 15, "tag %s has no sentence", tags[i]);
        cr_expect_lt(strlen(s), 400, "tag %s: sentence too long", tags[i]);
        expect_lacks(s, "\n");
    }
    cr_expect_str_eq(cl_mistake_sentence("no-such-tag"), "");
    cr_expect_str_eq(cl_mistake_sentence(NULL), "");
}

Test(feedback_sentences, sentences_quote_the_rule,
     .description = "sentences of the lesson's mistakes state the rule to follow")
{
    expect_has(cl_mistake_sentence("kernel-flipped"), "cross-correlation");
    expect_has(cl_mistake_sentence("same-split-torch"), "total/2 before");
    expect_has(cl_mistake_sentence("bilinear-align-corners"), "(y + 0.5)/f - 0.5");
    expect_has(cl_mistake_sentence("to-uint8-rounds-half-up"), "round half to even");
    expect_has(cl_mistake_sentence("threshold-ge"), "> thresh");
    expect_has(cl_mistake_sentence("weights-transposed-layout"),
               "((i*kw + j)*cin + ci)*cout + co");
    expect_has(cl_mistake_sentence("border-reflect101"), "(c b | a b c)");
    expect_has(cl_mistake_sentence("to-uint8-truncates"), "halves to even");
}

/* ============================================================= pictures */

TestSuite(feedback_picture, .timeout = 20);

Test(feedback_picture, failure_writes_a_png_into_new_folders,
     .description = "a failed check with picture_path writes a loadable PNG (folders created) "
                    "and names it on the last line")
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a/b/case.png", dir);
    cl_image img = {0}, exp = {0}, got = {0};
    conv_pair("gaussian5", &img, &exp, &got);
    cl_image_free(&got);
    got = shifted(&exp, 0, 1);
    cl_check chk = check_of(&exp);
    chk.input = &img;
    chk.picture_path = path;
    cl_verdict v = run(&chk, &got);
    cr_expect_str_eq(v.picture, path);
    char last[160];
    snprintf(last, sizeof last, "\nSee the picture: %s", path);
    expect_has(v.message, last);
    cl_image pic = {0};
    cr_assert_eq(cl_image_load(&pic, path, 3), CL_OK, "%s", cl_last_error());
    cr_expect_geq(pic.w, 4 * 96, "four panels of at least 96 px: %d", pic.w);
    cr_expect_leq(pic.w, 2000);
    cr_expect_geq(pic.h, 96 + 30, "a panel and its label: %d", pic.h);
    cr_expect_gt(count_red(&pic), 0, "the difference panel shows the errors");
    cl_image_free(&pic);
    const char *files[] = {"a/b/case.png", "a/b", "a"};
    remove_tree(dir, files, 3);
    cl_image_free(&img);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_picture, passing_check_writes_no_picture,
     .description = "no picture when the check passes")
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pass.png", dir);
    cl_image exp = make_ramp(1, 6, 5, 1), got = copy_of(&exp);
    cl_check chk = check_of(&exp);
    chk.picture_path = path;
    cl_verdict v = run(&chk, &got);
    cr_expect_eq(v.passed, 1);
    cr_expect_not(file_exists(path), "no picture for a pass");
    cr_expect_str_eq(v.picture, "");
    rmdir(dir);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_picture, no_picture_for_a_one_row_result,
     .description = "a result narrower than 2x2 is not an image: no picture")
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/row.png", dir);
    cl_image exp = make_ramp(1, 1, 9, 1), got = make_zeros(1, 1, 9, 1);
    cl_check chk = check_of(&exp);
    chk.picture_path = path;
    cl_verdict v = run(&chk, &got);
    cr_expect_eq(v.passed, 0);
    cr_expect_not(file_exists(path));
    expect_lacks(v.message, "See the picture");
    rmdir(dir);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_picture, unwritable_path_is_not_an_error,
     .description = "a picture that cannot be written leaves v->picture empty; the check "
                    "still returns CL_OK")
{
    cl_image exp = make_ramp(1, 6, 5, 1), got = make_zeros(1, 6, 5, 1);
    cl_check chk = check_of(&exp);
    chk.picture_path = "/proc/convlab-no-such-folder/x.png";
    cl_verdict v;
    cr_expect_eq(cl_feedback_check(&chk, &got, &v), CL_OK);
    cr_expect_str_eq(v.picture, "");
    expect_lacks(v.message, "See the picture");
    cr_expect_str_eq(v.tag, "all-zeros");
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_picture, tiny_image_is_enlarged,
     .description = "a 4x3 result from a 6x5 input is drawn at least 96 px high")
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/tiny.png", dir);
    cl_image in = make_ramp(1, 6, 5, 1), exp = make_ramp(1, 4, 3, 1), got = copy_of(&exp);
    got.data[2] = 0.0f;  /* the largest error: white */
    got.data[5] += 1.0f; /* a smaller one: red */
    cr_assert_eq(cl_feedback_picture(path, &in, &exp, &got, 1e-4f, 1e-5f), CL_OK, "%s",
                 cl_last_error());
    cl_image pic = {0};
    cr_assert_eq(cl_image_load(&pic, path, 3), CL_OK);
    cr_expect_geq(pic.h, 6 * 24 + 30, "the 6-row input at >= 24 px per pixel: %d", pic.h);
    cr_expect_gt(count_red(&pic), 0);
    cl_image_free(&pic);
    remove(path);
    rmdir(dir);
    cl_image_free(&in);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_picture, large_image_stays_under_2000_px,
     .description = "a 900x1200 result is subsampled so the picture stays under 2000 px wide")
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/large.png", dir);
    cl_image exp = make_random(1, 900, 1200, 1, 3), got = copy_of(&exp);
    got.data[0] += 50.0f;
    cr_assert_eq(cl_feedback_picture(path, &exp, &exp, &got, 0.0f, 0.0f), CL_OK);
    cl_image pic = {0};
    cr_assert_eq(cl_image_load(&pic, path, 3), CL_OK);
    cr_expect_leq(pic.w, 2000, "width %d", pic.w);
    cr_expect_geq(pic.w, 1000, "not shrunk more than needed: %d", pic.w);
    cl_image_free(&pic);
    remove(path);
    rmdir(dir);
    cl_image_free(&exp);
    cl_image_free(&got);
}

Test(feedback_picture, right_answer_has_a_black_difference,
     .description = "drawn for a right answer, the difference panel holds no red")
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/same.png", dir);
    cl_image exp = make_random(1, 8, 8, 1, 9);
    cr_assert_eq(cl_feedback_picture(path, NULL, &exp, &exp, 0.0f, 0.0f), CL_OK);
    cl_image pic = {0};
    cr_assert_eq(cl_image_load(&pic, path, 3), CL_OK);
    cr_expect_eq(count_red(&pic), 0);
    cl_image_free(&pic);
    remove(path);
    rmdir(dir);
    cl_image_free(&exp);
}

Test(feedback_picture, wrong_size_and_missing_output_are_drawn,
     .description = "a wrong-size output is drawn at its own size, a missing one as an empty "
                    "panel; both pictures load")
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/size.png", dir);
    cl_image exp = make_ramp(1, 4, 3, 1), big = make_ramp(1, 6, 5, 1), pic = {0};
    cl_check chk = check_of(&exp);
    chk.picture_path = path;
    chk.size = conv_ctx(6, 5, 3, 1, CL_MODE_VALID);
    cl_verdict v = run(&chk, &big);
    cr_expect_str_eq(v.picture, path);
    cr_assert_eq(cl_image_load(&pic, path, 3), CL_OK);
    int wide = pic.w;
    cl_image_free(&pic);
    v = run(&chk, NULL);
    cr_expect_str_eq(v.picture, path);
    cr_assert_eq(cl_image_load(&pic, path, 3), CL_OK);
    cr_expect_lt(pic.w, wide, "the empty panel has the expected size, smaller than 6x5");
    cl_image_free(&pic);
    remove(path);
    rmdir(dir);
    cl_image_free(&exp);
    cl_image_free(&big);
}

Test(feedback_picture, bad_arguments_are_errors,
     .description = "a NULL path or expected image is CL_E_ARG")
{
    cl_image exp = make_ramp(1, 4, 3, 1);
    cr_expect_eq(cl_feedback_picture(NULL, NULL, &exp, &exp, 0.0f, 0.0f), CL_E_ARG);
    cr_expect_eq(cl_feedback_picture("/tmp/x.png", NULL, NULL, &exp, 0.0f, 0.0f), CL_E_ARG);
    cl_image_free(&exp);
}

Test(feedback_picture, font_has_every_label_character,
     .description = "the bitmap font draws A-Z, 0-9 and the label punctuation")
{
    const char *needed = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :-.,()x%+";
    for (const char *p = needed; *p != '\0'; p++)
        cr_expect(cl_font_has_glyph_(*p), "no glyph for '%c'", *p);
    cr_expect_not(cl_font_has_glyph_('~'));
    cr_expect_eq(cl_font_text_width_("AB", 2), (2 * CL_FONT_ADVANCE_ - 1) * 2);
    cr_expect_eq(cl_font_text_width_("", 2), 0);
}
