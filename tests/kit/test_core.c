/* test_core.c -- Criterion suites for the library core (floor 1, no I/O):
 * status and messages, enum names, images and their guard bands, weights,
 * output sizes and padding, border indices (against numpy.pad), named
 * kernels, float-to-uint8 conversion, image comparison, the clock.
 *
 * Oracles: numpy.pad for border indices (tables pasted from numpy 1.24),
 * the formulas of SPEC §4 worked by hand for sizes, exact kernel values.
 */
#include <criterion/criterion.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convlab.h"
#include "internal.h" /* CL_GUARD_FLOATS: the library tests know the layout */

#define expect_msg_has(needle)                                                                 \
    cr_expect(strstr(cl_last_error(), (needle)) != NULL,                                       \
              "cl_last_error() should mention \"%s\", it says \"%s\"", (needle), cl_last_error())

static int is_empty(const cl_image *im)
{
    return im->n == 0 && im->h == 0 && im->w == 0 && im->c == 0 && im->data == NULL &&
           im->block_ == NULL;
}

/* ================================================================ status */

TestSuite(lib_status, .timeout = 10);

Test(lib_status, every_code_has_a_distinct_sentence,
     .description = "cl_status_str names every status code, never NULL")
{
    const int codes[] = {CL_OK,    CL_E_NOT_IMPLEMENTED, CL_E_ARG,   CL_E_SHAPE,
                         CL_E_NOMEM, CL_E_IO,            CL_E_FORMAT, CL_E_TOOBIG};
    const int n = (int)(sizeof codes / sizeof codes[0]);
    for (int i = 0; i < n; i++) {
        const char *s = cl_status_str(codes[i]);
        cr_assert_not_null(s, "cl_status_str(%d) is NULL", codes[i]);
        cr_expect_gt(strlen(s), 3, "cl_status_str(%d) is too short: \"%s\"", codes[i], s);
        for (int j = 0; j < i; j++)
            cr_expect_str_neq(s, cl_status_str(codes[j]), "codes %d and %d share a sentence",
                              codes[i], codes[j]);
    }
    cr_expect_str_eq(cl_status_str(CL_E_NOT_IMPLEMENTED), "not implemented yet",
                     "the student-facing sentence for stubs");
    cr_expect_str_eq(cl_status_str(12345), "unknown status code", "unknown codes are named so");
}

Test(lib_status, fail_records_message_and_returns_status,
     .description = "cl_fail formats the message and returns the code")
{
    cr_expect_str_eq(cl_last_error(), "", "no failure yet: empty message");
    int st = cl_fail(CL_E_ARG, "stride must be >= 1, got %d", -2);
    cr_expect_eq(st, CL_E_ARG, "cl_fail returns its status");
    cr_expect_str_eq(cl_last_error(), "stride must be >= 1, got -2", "message formatted");
}

Test(lib_status, fail_may_quote_the_previous_message,
     .description = "cl_fail(st, \"%s: %s\", path, cl_last_error()) prefixes safely")
{
    cl_fail(CL_E_SHAPE, "inner problem");
    cl_fail(CL_E_SHAPE, "file.npy: %s", cl_last_error());
    cr_expect_str_eq(cl_last_error(), "file.npy: inner problem", "prefix + previous message");
}

Test(lib_status, long_messages_are_truncated_not_overflowed,
     .description = "a message longer than the buffer is cut, still NUL-terminated")
{
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cl_fail(CL_E_IO, "%s", big);
    size_t len = strlen(cl_last_error());
    cr_expect(len > 100 && len < sizeof big, "message length %zu", len);
}

static void *fail_in_thread(void *arg)
{
    (void)arg;
    int empty = cl_last_error()[0] == '\0';
    cl_fail(CL_E_IO, "thread message");
    return (void *)(long)empty;
}

Test(lib_status, last_error_is_per_thread,
     .description = "each thread sees only its own failures")
{
    cl_fail(CL_E_ARG, "main message");
    pthread_t t;
    void *was_empty = NULL;
    cr_assert_eq(pthread_create(&t, NULL, fail_in_thread, NULL), 0, "pthread_create");
    pthread_join(t, &was_empty);
    cr_expect((long)was_empty, "a new thread starts with an empty message");
    cr_expect_str_eq(cl_last_error(), "main message", "another thread's failure leaks in");
}

/* ================================================================= enums */

TestSuite(lib_enums, .timeout = 10);

Test(lib_enums, names_parse_back_to_their_values,
     .description = "every mode, border and interpolation name round-trips")
{
    const char *modes[] = {"valid", "same", "full"};
    for (int i = 0; i < 3; i++) {
        cl_mode m = CL_MODE_FULL;
        cr_expect_str_eq(cl_mode_name((cl_mode)i), modes[i], "cl_mode_name(%d)", i);
        cr_expect_eq(cl_mode_parse(modes[i], &m), CL_OK, "parse \"%s\"", modes[i]);
        cr_expect_eq((int)m, i, "\"%s\" parses to %d", modes[i], (int)m);
    }
    const char *borders[] = {"zero", "replicate", "reflect", "reflect101", "wrap"};
    for (int i = 0; i < 5; i++) {
        cl_border b = CL_BORDER_ZERO;
        cr_expect_str_eq(cl_border_name((cl_border)i), borders[i], "cl_border_name(%d)", i);
        cr_expect_eq(cl_border_parse(borders[i], &b), CL_OK, "parse \"%s\"", borders[i]);
        cr_expect_eq((int)b, i, "\"%s\" parses to %d", borders[i], (int)b);
    }
    const char *interps[] = {"nearest", "bilinear"};
    for (int i = 0; i < 2; i++) {
        cl_interp v = CL_INTERP_NEAREST;
        cr_expect_str_eq(cl_interp_name((cl_interp)i), interps[i], "cl_interp_name(%d)", i);
        cr_expect_eq(cl_interp_parse(interps[i], &v), CL_OK, "parse \"%s\"", interps[i]);
        cr_expect_eq((int)v, i, "\"%s\" parses to %d", interps[i], (int)v);
    }
}

Test(lib_enums, unknown_names_are_rejected_with_the_choices,
     .description = "parse failures give CL_E_ARG and list the valid names")
{
    cl_mode m = CL_MODE_SAME;
    cr_expect_eq(cl_mode_parse("xyz", &m), CL_E_ARG, "unknown mode");
    cr_expect_str_eq(cl_last_error(), "unknown mode 'xyz' (expected valid, same or full)",
                     "mode message");
    cr_expect_eq((int)m, CL_MODE_SAME, "out untouched on failure");
    cr_expect_eq(cl_mode_parse("Valid", &m), CL_E_ARG, "names are exact (lower case)");
    cl_border b;
    cr_expect_eq(cl_border_parse("mirror", &b), CL_E_ARG, "unknown border");
    expect_msg_has("'mirror'");
    expect_msg_has("reflect101");
    cl_interp v;
    cr_expect_eq(cl_interp_parse("cubic", &v), CL_E_ARG, "unknown interpolation");
    expect_msg_has("nearest or bilinear");
    cr_expect_eq(cl_mode_parse(NULL, &m), CL_E_ARG, "NULL text");
    cr_expect_eq(cl_border_parse("zero", NULL), CL_E_ARG, "NULL out");
}

Test(lib_enums, invalid_values_have_a_printable_name,
     .description = "names of out-of-range enum values are never NULL")
{
    cr_expect_not_null(cl_mode_name((cl_mode)9), "mode 9");
    cr_expect_not_null(cl_border_name((cl_border)-1), "border -1");
    cr_expect_not_null(cl_interp_name((cl_interp)5), "interp 5");
}

/* ================================================================= image */

TestSuite(lib_image, .timeout = 10);

Test(lib_image, alloc_zero_fills_with_intact_guards,
     .description = "cl_image_alloc sets the shape, zero-fills, guards are intact")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 2, 5, 7, 3), CL_OK, "alloc: %s", cl_last_error());
    cr_expect(im.n == 2 && im.h == 5 && im.w == 7 && im.c == 3, "shape 2x5x7x3");
    cr_expect_eq(cl_image_count(&im), 210u, "count");
    for (size_t i = 0; i < 210; i++)
        cr_assert_eq(im.data[i], 0.0f, "data[%zu] = %g, not zero-filled", i, im.data[i]);
    cr_expect_eq(cl_image_guards_ok(&im), 1, "fresh image has intact guards");
    cr_expect_eq((uintptr_t)im.data % 64, 0u, "pixels are 64-byte aligned");
    cr_expect_eq(cl_image_check(&im, "image"), CL_OK, "a fresh image passes the check");
    cl_image_free(&im);
    cr_expect(is_empty(&im), "free resets to {0}");
}

Test(lib_image, alloc_rejects_sizes_below_one_naming_the_argument,
     .description = "sizes < 1 give CL_E_ARG, the message names the dimension, out is empty")
{
    cl_image im = {0};
    cr_expect_eq(cl_image_alloc(&im, 1, 0, 5, 1), CL_E_ARG, "height 0");
    cr_expect_str_eq(cl_last_error(), "image: height must be >= 1, got 0", "message");
    cr_expect(is_empty(&im), "out left empty");
    cr_expect_eq(cl_image_alloc(&im, 1, 3, -4, 1), CL_E_ARG, "width -4");
    expect_msg_has("width must be >= 1, got -4");
    cr_expect_eq(cl_image_alloc(&im, 0, 3, 3, 1), CL_E_ARG, "n 0");
    expect_msg_has("batch size");
    cr_expect_eq(cl_image_alloc(&im, 1, 3, 3, 0), CL_E_ARG, "c 0");
    expect_msg_has("channels");
    cr_expect_eq(cl_image_alloc(NULL, 1, 1, 1, 1), CL_E_ARG, "NULL out");
}

Test(lib_image, alloc_rejects_absurd_dimensions,
     .description = "dims over CL_MAX_DIM or products over CL_MAX_ELEMS give CL_E_TOOBIG")
{
    cl_image im = {0};
    cr_expect_eq(cl_image_alloc(&im, 1, 1, CL_MAX_DIM + 1, 1), CL_E_TOOBIG, "w > CL_MAX_DIM");
    expect_msg_has("width");
    cr_expect_eq(cl_image_alloc(&im, 1, 100000, 100000, 1), CL_E_TOOBIG, "10^10 pixels");
    expect_msg_has("1x100000x100000x1");
    cr_expect_eq(cl_image_alloc(&im, CL_MAX_DIM, CL_MAX_DIM, CL_MAX_DIM, CL_MAX_DIM),
                 CL_E_TOOBIG, "2^80 values must not wrap around");
    cr_expect_eq(cl_image_alloc(&im, INT_MAX, 1, 1, 1), CL_E_TOOBIG, "INT_MAX");
    cr_expect(is_empty(&im), "out left empty");
}

Test(lib_image, alloc_releases_what_out_held,
     .description = "re-allocating an image releases the old pixels (ASan checks the leak)")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 4, 4, 1), CL_OK, "first alloc");
    im.data[3] = 9.0f;
    cr_assert_eq(cl_image_alloc(&im, 1, 2, 3, 1), CL_OK, "second alloc");
    cr_expect(im.h == 2 && im.w == 3, "new shape");
    cr_expect_eq(im.data[3], 0.0f, "new pixels are zero");
    cr_expect_eq(cl_image_alloc(&im, 1, 0, 3, 1), CL_E_ARG, "failing alloc");
    cr_expect(is_empty(&im), "a failing alloc leaves out empty (old pixels released)");
}

Test(lib_image, guards_catch_a_write_before_the_pixels,
     .description = "writing data[-1] is detected by cl_image_guards_ok")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 3, 3, 1), CL_OK, "alloc");
    im.data[-1] = 1.0f;
    cr_expect_eq(cl_image_guards_ok(&im), 0, "write before the first pixel not detected");
    cl_image_free(&im);
}

Test(lib_image, guards_catch_a_write_after_the_pixels,
     .description = "writing data[count] is detected by cl_image_guards_ok")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 2, 3, 5, 3), CL_OK, "alloc");
    im.data[cl_image_count(&im)] = 0.0f;
    cr_expect_eq(cl_image_guards_ok(&im), 0, "write after the last pixel not detected");
    cl_image_free(&im);
    cr_assert_eq(cl_image_alloc(&im, 1, 1, 1, 1), CL_OK, "alloc");
    im.data[CL_GUARD_FLOATS] = 5.0f;
    cr_expect_eq(cl_image_guards_ok(&im), 0, "write at the end of the back guard not detected");
    cl_image_free(&im);
    cr_assert_eq(cl_image_alloc(&im, 1, 1, 1, 1), CL_OK, "alloc");
    im.data[-CL_GUARD_FLOATS] = 5.0f;
    cr_expect_eq(cl_image_guards_ok(&im), 0, "write at the start of the front guard not detected");
    cl_image_free(&im);
}

Test(lib_image, guards_reject_replaced_or_reshaped_images,
     .description = "guards_ok is 0 when data was replaced, shifted or the shape changed")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 4, 4, 1), CL_OK, "alloc");
    float *orig = im.data;
    float mine[16] = {0};
    im.data = mine;
    cr_expect_eq(cl_image_guards_ok(&im), 0, "data replaced by the caller's array");
    im.data = orig + 1;
    cr_expect_eq(cl_image_guards_ok(&im), 0, "data shifted inside the block");
    im.data = orig;
    im.h = 2;
    cr_expect_eq(cl_image_guards_ok(&im), 0, "shape no longer matches the block");
    im.h = 4;
    cr_expect_eq(cl_image_guards_ok(&im), 1, "restored image is fine again");
    cl_image user = {1, 4, 4, 1, mine, NULL};
    cr_expect_eq(cl_image_guards_ok(&user), 0, "an image not made by cl_image_alloc");
    cr_expect_eq(cl_image_guards_ok(NULL), 0, "NULL");
    cl_image empty = {0};
    cr_expect_eq(cl_image_guards_ok(&empty), 0, "empty image");
    cl_image_free(&im);
}

Test(lib_image, free_releases_the_block_not_a_foreign_data_pointer,
     .description = "cl_image_free after data was replaced frees only its own block")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 2, 2, 1), CL_OK, "alloc");
    float on_stack[4];
    im.data = on_stack; /* freeing this would crash or trip ASan */
    cl_image_free(&im);
    cr_expect(is_empty(&im), "reset to {0}");
    cl_image user = {1, 2, 2, 1, on_stack, NULL};
    cl_image_free(&user);
    cr_expect(is_empty(&user), "a user-made image is just reset");
    cl_image_free(NULL);
    cl_image_free(&user); /* twice: already empty */
}

Test(lib_image, copy_is_deep_and_handles_aliasing,
     .description = "cl_image_copy duplicates pixels; copying an image onto itself works")
{
    cl_image a = {0}, b = {0};
    cr_assert_eq(cl_image_alloc(&a, 1, 2, 3, 2), CL_OK, "alloc");
    for (int i = 0; i < 12; i++)
        a.data[i] = (float)i * 1.5f;
    cr_assert_eq(cl_image_copy(&b, &a), CL_OK, "copy: %s", cl_last_error());
    cr_expect(b.n == 1 && b.h == 2 && b.w == 3 && b.c == 2, "shape copied");
    cr_expect_neq(b.data, a.data, "deep copy");
    cr_expect_eq(memcmp(a.data, b.data, 12 * sizeof(float)), 0, "values copied");
    cr_expect_eq(cl_image_guards_ok(&b), 1, "copy has guards");
    cr_assert_eq(cl_image_copy(&a, &a), CL_OK, "self copy");
    cr_expect_eq(a.data[11], 16.5f, "values survive a self copy");
    cl_image bad = {1, 0, 3, 1, NULL, NULL};
    cr_expect_eq(cl_image_copy(&b, &bad), CL_E_ARG, "copy of a bad image");
    cr_expect(is_empty(&b), "out empty after a failed copy");
    cl_image_free(&a);
}

Test(lib_image, count_of_empty_and_real_images,
     .description = "cl_image_count is n*h*w*c, 0 for empty or NULL")
{
    cl_image im = {3, 5, 7, 2, NULL, NULL};
    cr_expect_eq(cl_image_count(&im), 210u, "3x5x7x2");
    cl_image empty = {0};
    cr_expect_eq(cl_image_count(&empty), 0u, "empty");
    cr_expect_eq(cl_image_count(NULL), 0u, "NULL");
}

Test(lib_image, check_names_the_argument,
     .description = "cl_image_check messages use the caller's name for the argument")
{
    cr_expect_eq(cl_image_check(NULL, "kernel"), CL_E_ARG, "NULL image");
    cr_expect_str_eq(cl_last_error(), "kernel is NULL", "message");
    cl_image no_data = {1, 3, 3, 1, NULL, NULL};
    cr_expect_eq(cl_image_check(&no_data, "input"), CL_E_ARG, "no data");
    expect_msg_has("input");
    expect_msg_has("data is NULL");
    cl_image zero_h = {1, 0, 3, 1, NULL, NULL};
    cr_expect_eq(cl_image_check(&zero_h, "kernel"), CL_E_ARG, "h = 0");
    cr_expect_str_eq(cl_last_error(), "kernel: height must be >= 1, got 0", "message");
    float px[4] = {0};
    cl_image user = {1, 2, 2, 1, px, NULL};
    cr_expect_eq(cl_image_check(&user, "image"), CL_OK, "a caller's own array is usable");
}

Test(lib_image, shape_str_formats_2d_and_4d,
     .description = "cl_shape_str gives HxW for n = c = 1, else NxHxWxC")
{
    char buf[64];
    cl_image gray = {1, 5, 7, 1, NULL, NULL};
    cl_image rgb = {1, 5, 7, 3, NULL, NULL};
    cl_image batch = {4, 28, 28, 1, NULL, NULL};
    cr_expect_str_eq(cl_shape_str(&gray, buf, sizeof buf), "5x7", "gray");
    cr_expect_str_eq(cl_shape_str(&rgb, buf, sizeof buf), "1x5x7x3", "rgb");
    cr_expect_str_eq(cl_shape_str(&batch, buf, sizeof buf), "4x28x28x1", "batch");
    char tiny[4];
    cr_expect_str_eq(cl_shape_str(&batch, tiny, sizeof tiny), "4x2", "truncated to the buffer");
}

/* =============================================================== weights */

TestSuite(lib_weights, .timeout = 10);

Test(lib_weights, alloc_check_free,
     .description = "cl_weights_alloc zero-fills kh x kw x cin x cout; free resets")
{
    cl_weights w = {0};
    cr_assert_eq(cl_weights_alloc(&w, 3, 3, 2, 4), CL_OK, "alloc: %s", cl_last_error());
    cr_expect(w.kh == 3 && w.kw == 3 && w.cin == 2 && w.cout == 4, "shape");
    for (int i = 0; i < 72; i++)
        cr_assert_eq(w.data[i], 0.0f, "zero-filled");
    cr_expect_eq(cl_weights_check(&w, "weights"), CL_OK, "check");
    cl_weights_free(&w);
    cr_expect(w.data == NULL && w.block_ == NULL && w.kh == 0, "free resets");
    cl_weights_free(NULL);
}

Test(lib_weights, bad_sizes_name_the_argument,
     .description = "weights sizes < 1 or absurd are rejected with the dimension's name")
{
    cl_weights w = {0};
    cr_expect_eq(cl_weights_alloc(&w, 3, 3, 0, 4), CL_E_ARG, "cin 0");
    cr_expect_str_eq(cl_last_error(), "weights: cin must be >= 1, got 0", "message");
    cr_expect_eq(cl_weights_alloc(&w, 3, 3, 100000, 100000), CL_E_TOOBIG, "10^11 weights");
    cr_expect(w.data == NULL && w.block_ == NULL, "out empty");
    cr_expect_eq(cl_weights_check(NULL, "filters"), CL_E_ARG, "NULL");
    cr_expect_str_eq(cl_last_error(), "filters is NULL", "message");
    cl_weights nodata = {1, 1, 1, 1, NULL, NULL};
    cr_expect_eq(cl_weights_check(&nodata, "weights"), CL_E_ARG, "no data");
}

/* ================================================================= sizes */

TestSuite(lib_sizes, .timeout = 10);

typedef struct size_case {
    int in, k, stride;
    cl_mode mode;
    int out, before, after;
} size_case;

/* Worked by hand from SPEC §4: valid (in-k)/s+1, same ceil(in/s) with the
 * TF split, full (in+k-2)/s+1 with k-1 on each side. */
static const size_case size_cases[] = {
    {7, 3, 1, CL_MODE_VALID, 5, 0, 0}, {7, 3, 2, CL_MODE_VALID, 3, 0, 0},
    {7, 3, 3, CL_MODE_VALID, 2, 0, 0}, {5, 5, 1, CL_MODE_VALID, 1, 0, 0},
    {1, 1, 1, CL_MODE_VALID, 1, 0, 0}, {10, 4, 4, CL_MODE_VALID, 2, 0, 0},
    {7, 3, 1, CL_MODE_SAME, 7, 1, 1},  {7, 4, 1, CL_MODE_SAME, 7, 1, 2},
    {7, 3, 2, CL_MODE_SAME, 4, 1, 1},  {6, 3, 2, CL_MODE_SAME, 3, 0, 1},
    {5, 1, 3, CL_MODE_SAME, 2, 0, 0},  {3, 7, 1, CL_MODE_SAME, 3, 3, 3},
    {2, 6, 2, CL_MODE_SAME, 1, 2, 2},  {7, 3, 1, CL_MODE_FULL, 9, 2, 2},
    {7, 3, 2, CL_MODE_FULL, 5, 2, 2},  {7, 3, 3, CL_MODE_FULL, 3, 2, 2},
    {3, 7, 1, CL_MODE_FULL, 9, 6, 6},  {1, 1, 5, CL_MODE_FULL, 1, 0, 0},
};

Test(lib_sizes, output_size_and_padding_for_all_modes_and_strides,
     .description = "cl_output_size and cl_pad_amounts follow SPEC §4 (incl. strides that "
                    "do not divide)")
{
    for (size_t i = 0; i < sizeof size_cases / sizeof size_cases[0]; i++) {
        const size_case *t = &size_cases[i];
        int out = cl_output_size(t->in, t->k, t->stride, t->mode);
        cr_expect_eq(out, t->out, "in=%d k=%d s=%d %s: size %d, expected %d", t->in, t->k,
                     t->stride, cl_mode_name(t->mode), out, t->out);
        int b = -1, a = -1;
        cr_expect_eq(cl_pad_amounts(t->in, t->k, t->stride, t->mode, &b, &a), CL_OK, "pad ok");
        cr_expect(b == t->before && a == t->after,
                  "in=%d k=%d s=%d %s: pad %d,%d, expected %d,%d", t->in, t->k, t->stride,
                  cl_mode_name(t->mode), b, a, t->before, t->after);
        /* padding + valid stride gives back the same size */
        if (t->mode != CL_MODE_VALID)
            cr_expect_eq(cl_output_size(t->in + b + a, t->k, t->stride, CL_MODE_VALID), out,
                         "padded valid size agrees for case %zu", i);
    }
}

Test(lib_sizes, valid_mode_rejects_a_kernel_larger_than_the_input,
     .description = "valid with in < k is CL_E_SHAPE with both sizes in the message")
{
    cr_expect_eq(cl_output_size(5, 7, 1, CL_MODE_VALID), CL_E_SHAPE, "in < k");
    cr_expect_str_eq(cl_last_error(),
                     "kernel size k=7 is larger than the input size 5 in valid mode", "message");
    int b = 9, a = 9;
    cr_expect_eq(cl_pad_amounts(5, 7, 1, CL_MODE_VALID, &b, &a), CL_E_SHAPE, "pad too");
    cr_expect(b == 0 && a == 0, "pads zeroed on error");
}

Test(lib_sizes, sizes_below_one_and_unknown_modes_are_arg_errors,
     .description = "in, k, stride < 1 and unknown modes give CL_E_ARG naming the argument")
{
    cr_expect_eq(cl_output_size(0, 3, 1, CL_MODE_SAME), CL_E_ARG, "in 0");
    expect_msg_has("input size");
    cr_expect_eq(cl_output_size(5, 0, 1, CL_MODE_SAME), CL_E_ARG, "k 0");
    expect_msg_has("kernel size");
    cr_expect_eq(cl_output_size(5, 3, 0, CL_MODE_SAME), CL_E_ARG, "stride 0");
    cr_expect_str_eq(cl_last_error(), "stride must be >= 1, got 0", "message");
    cr_expect_eq(cl_output_size(5, 3, -2, CL_MODE_FULL), CL_E_ARG, "stride -2");
    cr_expect_eq(cl_output_size(5, 3, 1, (cl_mode)7), CL_E_ARG, "mode 7");
    expect_msg_has("unknown mode");
    cr_expect_eq(cl_pad_amounts(5, 3, 1, CL_MODE_SAME, NULL, NULL), CL_OK, "NULL outs allowed");
}

Test(lib_sizes, large_sizes_do_not_overflow,
     .description = "64-bit arithmetic: extreme ints give exact sizes or CL_E_TOOBIG")
{
    cr_expect_eq(cl_output_size(CL_MAX_DIM, CL_MAX_DIM, 1, CL_MODE_FULL), 2 * CL_MAX_DIM - 1,
                 "full at CL_MAX_DIM");
    cr_expect_eq(cl_output_size(INT_MAX, 1, 1, CL_MODE_VALID), INT_MAX, "valid INT_MAX");
    cr_expect_eq(cl_output_size(INT_MAX, INT_MAX, 1, CL_MODE_VALID), 1, "valid k = in");
    cr_expect_eq(cl_output_size(INT_MAX, 3, INT_MAX, CL_MODE_SAME), 1, "same huge stride");
    cr_expect_eq(cl_output_size(INT_MAX, INT_MAX, 2, CL_MODE_FULL), INT_MAX, "full s=2");
    cr_expect_eq(cl_output_size(INT_MAX, 3, 1, CL_MODE_FULL), CL_E_TOOBIG, "full overflows");
    int b, a;
    cr_expect_eq(cl_pad_amounts(INT_MAX, INT_MAX, 1, CL_MODE_SAME, &b, &a), CL_OK, "pad");
    cr_expect(b == (INT_MAX - 1) / 2 && a == INT_MAX - 1 - b, "pad %d,%d", b, a);
}

Test(lib_sizes, transpose_output_size_and_offset,
     .description = "valid (in-1)s+max(k,s), same in*s from offset max(k-s,0)/2; full refused")
{
    int off = -1;
    cr_expect_eq(cl_transpose_output_size(3, 3, 2, CL_MODE_VALID, &off), 7, "valid 3,3,2");
    cr_expect_eq(off, 0, "valid offset 0");
    cr_expect_eq(cl_transpose_output_size(3, 2, 3, CL_MODE_VALID, &off), 9, "k < s: max(k,s)");
    cr_expect_eq(cl_transpose_output_size(1, 1, 1, CL_MODE_VALID, NULL), 1, "1,1,1");
    cr_expect_eq(cl_transpose_output_size(3, 3, 2, CL_MODE_SAME, &off), 6, "same 3,3,2");
    cr_expect_eq(off, 0, "offset (3-2)/2 = 0");
    cr_expect_eq(cl_transpose_output_size(4, 5, 2, CL_MODE_SAME, &off), 8, "same 4,5,2");
    cr_expect_eq(off, 1, "offset (5-2)/2 = 1");
    cr_expect_eq(cl_transpose_output_size(4, 4, 1, CL_MODE_SAME, &off), 4, "same s=1");
    cr_expect_eq(off, 1, "offset 3/2 = 1");
    cr_expect_eq(cl_transpose_output_size(4, 2, 3, CL_MODE_SAME, &off), 12, "k < s");
    cr_expect_eq(off, 0, "offset 0 when k < s");
    cr_expect_eq(cl_transpose_output_size(4, 3, 1, CL_MODE_FULL, &off), CL_E_ARG, "full");
    expect_msg_has("full");
    cr_expect_eq(cl_transpose_output_size(0, 3, 1, CL_MODE_SAME, &off), CL_E_ARG, "in 0");
    cr_expect_eq(cl_transpose_output_size(5, 3, 0, CL_MODE_VALID, &off), CL_E_ARG, "s 0");
    cr_expect_eq(cl_transpose_output_size(INT_MAX, 3, 2, CL_MODE_SAME, &off), CL_E_TOOBIG,
                 "overflow");
}

/* ================================================================ border */

TestSuite(lib_border, .timeout = 10);

/* Rows from numpy 1.24: numpy.pad(numpy.arange(n), (8, 10), mode) with
 * constant_values=-1 for 'constant'; entry j is the source of p = j - 8. */
static const int np_n1[5][19] = {
    {-1, -1, -1, -1, -1, -1, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};
static const int np_n2[5][20] = {
    {-1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0},
    {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
    {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
};
static const int np_n3[5][21] = {
    {-1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
    {1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0},
    {0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0},
    {1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0},
};
static const int np_n5[5][23] = {
    {-1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4},
    {2, 3, 4, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4},
    {0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2},
    {2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4},
};

static void check_numpy_row(int n, int rule, const int *expected)
{
    for (int j = 0; j < n + 18; j++) {
        int p = j - 8;
        int got = cl_border_index(p, n, (cl_border)rule);
        cr_expect_eq(got, expected[j], "n=%d %s p=%d: got %d, numpy.pad says %d", n,
                     cl_border_name((cl_border)rule), p, got, expected[j]);
    }
}

Test(lib_border, border_index_matches_numpy_pad_for_wide_pads,
     .description = "cl_border_index equals numpy.pad (constant, edge, symmetric, reflect, "
                    "wrap) for p in -8..n+9")
{
    for (int rule = 0; rule < 5; rule++) {
        check_numpy_row(1, rule, np_n1[rule]);
        check_numpy_row(2, rule, np_n2[rule]);
        check_numpy_row(3, rule, np_n3[rule]);
        check_numpy_row(5, rule, np_n5[rule]);
    }
}

Test(lib_border, border_index_is_safe_at_int_extremes,
     .description = "p = INT_MIN/INT_MAX and n = INT_MAX stay in range, no overflow")
{
    const int ps[] = {INT_MIN, INT_MIN + 1, -1, INT_MAX - 1, INT_MAX};
    const int ns[] = {1, 2, 3, 7, INT_MAX / 2 + 1, INT_MAX};
    for (int r = 1; r < 5; r++)
        for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
            for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
                int q = cl_border_index(ps[i], ns[j], (cl_border)r);
                cr_expect(q >= 0 && q < ns[j], "%s p=%d n=%d gave %d",
                          cl_border_name((cl_border)r), ps[i], ns[j], q);
            }
    cr_expect_eq(cl_border_index(INT_MAX, INT_MAX, CL_BORDER_WRAP), 0, "wrap");
    cr_expect_eq(cl_border_index(-1, INT_MAX, CL_BORDER_REFLECT101), 1, "reflect101");
    cr_expect_eq(cl_border_index(INT_MIN, 3, CL_BORDER_ZERO), -1, "zero");
}

Test(lib_border, border_index_of_bad_arguments_is_minus_one,
     .description = "n < 1 or an unknown rule give -1")
{
    cr_expect_eq(cl_border_index(0, 0, CL_BORDER_WRAP), -1, "n 0");
    cr_expect_eq(cl_border_index(5, 3, (cl_border)9), -1, "rule 9 outside");
}

/* =============================================================== kernels */

TestSuite(lib_kernels, .timeout = 10);

static void expect_kernel(const char *name, int kh, int kw, const float *values)
{
    cl_image k = {0};
    cr_assert_eq(cl_kernel_named(&k, name), CL_OK, "%s: %s", name, cl_last_error());
    cr_expect(k.n == 1 && k.c == 1 && k.h == kh && k.w == kw, "%s is %dx%d, got %dx%dx%dx%d",
              name, kh, kw, k.n, k.h, k.w, k.c);
    for (int i = 0; i < kh * kw && k.h == kh && k.w == kw; i++)
        cr_expect_eq(k.data[i], values[i], "%s[%d][%d] = %.9g, expected %.9g", name, i / kw,
                     i % kw, k.data[i], values[i]);
    cr_expect_eq(cl_image_guards_ok(&k), 1, "%s allocated with cl_image_alloc", name);
    cl_image_free(&k);
}

Test(lib_kernels, fixed_kernels_have_exact_values,
     .description = "identity, shifts, dx, dy, Laplacians, Sobel and emboss values")
{
    const float identity[] = {0, 0, 0, 0, 1, 0, 0, 0, 0};
    const float shift_right[] = {0, 0, 0, 1, 0, 0, 0, 0, 0};
    const float shift_down[] = {0, 1, 0, 0, 0, 0, 0, 0, 0};
    const float dx[] = {-1, 0, 1};
    const float laplace4[] = {0, 1, 0, 1, -4, 1, 0, 1, 0};
    const float laplace8[] = {1, 1, 1, 1, -8, 1, 1, 1, 1};
    const float sobel_x[] = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
    const float sobel_y[] = {-1, -2, -1, 0, 0, 0, 1, 2, 1};
    const float emboss[] = {-2, -1, 0, -1, 1, 1, 0, 1, 2};
    expect_kernel("identity", 3, 3, identity);
    expect_kernel("shift_right", 3, 3, shift_right);
    expect_kernel("shift_down", 3, 3, shift_down);
    expect_kernel("dx", 1, 3, dx);
    expect_kernel("dy", 3, 1, dx);
    expect_kernel("laplace4", 3, 3, laplace4);
    expect_kernel("laplace8", 3, 3, laplace8);
    expect_kernel("sobel_x", 3, 3, sobel_x);
    expect_kernel("sobel_y", 3, 3, sobel_y);
    expect_kernel("emboss", 3, 3, emboss);
}

Test(lib_kernels, blur_and_sharpen_kernels_are_exact_fractions,
     .description = "boxN = 1/N^2, gaussian5 = binomial/256, sharpen = 2*identity - box3")
{
    const float b[] = {1, 4, 6, 4, 1};
    float g[25], box3[9], box5[25], sharpen[9], one[1] = {1.0f};
    for (int i = 0; i < 25; i++) {
        g[i] = b[i / 5] * b[i % 5] / 256.0f;
        box5[i] = (float)(1.0 / 25.0);
    }
    for (int i = 0; i < 9; i++) {
        box3[i] = (float)(1.0 / 9.0);
        sharpen[i] = (float)(-1.0 / 9.0);
    }
    sharpen[4] = (float)(2.0 - 1.0 / 9.0);
    expect_kernel("gaussian5", 5, 5, g);
    expect_kernel("box1", 1, 1, one);
    expect_kernel("box3", 3, 3, box3);
    expect_kernel("box5", 5, 5, box5);
    expect_kernel("sharpen", 3, 3, sharpen);

    cl_image k = {0};
    cr_assert_eq(cl_kernel_named(&k, "box63"), CL_OK, "box63");
    cr_expect(k.h == 63 && k.w == 63, "box63 is 63x63");
    cr_expect_eq(k.data[63 * 63 - 1], (float)(1.0 / 3969.0), "1/3969");
    cl_image_free(&k);
}

/* out(y,x) = sum k(i,j) in(y+i-1, x+j-1), zero outside: the lesson's loop. */
static float correlate_at(const float *in, int h, int w, const cl_image *k, int y, int x)
{
    float s = 0;
    for (int i = 0; i < k->h; i++)
        for (int j = 0; j < k->w; j++) {
            int yy = y + i - k->h / 2, xx = x + j - k->w / 2;
            if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                s += k->data[i * k->w + j] * in[yy * w + xx];
        }
    return s;
}

Test(lib_kernels, shift_kernels_move_the_picture_right_and_down,
     .description = "correlating with shift_right gives in(y,x-1), shift_down in(y-1,x)")
{
    float in[4 * 5];
    for (int i = 0; i < 20; i++)
        in[i] = (float)(i + 1);
    cl_image r = {0}, d = {0};
    cr_assert_eq(cl_kernel_named(&r, "shift_right"), CL_OK, "shift_right");
    cr_assert_eq(cl_kernel_named(&d, "shift_down"), CL_OK, "shift_down");
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 5; x++) {
            float want_r = x > 0 ? in[y * 5 + x - 1] : 0.0f;
            float want_d = y > 0 ? in[(y - 1) * 5 + x] : 0.0f;
            cr_expect_eq(correlate_at(in, 4, 5, &r, y, x), want_r, "shift_right at %d,%d", y,
                         x);
            cr_expect_eq(correlate_at(in, 4, 5, &d, y, x), want_d, "shift_down at %d,%d", y, x);
        }
    cl_image_free(&r);
    cl_image_free(&d);
}

Test(lib_kernels, listing_names_every_kernel,
     .description = "cl_kernel_count/name/description list 13 loadable kernels")
{
    const char *names[] = {"identity", "shift_right", "shift_down", "dx",       "dy",
                           "box3",     "gaussian5",   "sharpen",    "laplace4", "laplace8",
                           "sobel_x",  "sobel_y",     "emboss"};
    cr_assert_eq(cl_kernel_count(), 13, "13 named kernels");
    for (int i = 0; i < 13; i++) {
        cr_expect_str_eq(cl_kernel_name(i), names[i], "kernel %d", i);
        cr_expect_gt(strlen(cl_kernel_description(i)), 10, "description of %s", names[i]);
        cl_image k = {0};
        cr_expect_eq(cl_kernel_named(&k, cl_kernel_name(i)), CL_OK, "load %s", names[i]);
        cl_image_free(&k);
    }
    cr_expect(strstr(cl_kernel_description(5), "N") != NULL, "box3 describes boxN");
    cr_expect_str_eq(cl_kernel_name(13), "", "out of range");
    cr_expect_str_eq(cl_kernel_description(-1), "", "out of range");
}

Test(lib_kernels, unknown_names_are_rejected,
     .description = "unknown kernels and box sizes outside 1..63 give CL_E_ARG, out empty")
{
    cl_image k = {0};
    cr_expect_eq(cl_kernel_named(&k, "foo"), CL_E_ARG, "foo");
    cr_expect_str_eq(cl_last_error(), "unknown kernel 'foo' (run `convlab kernels` for the list)",
                     "message");
    const char *bad[] = {"box0", "box64", "box", "box03", "box3x", "box-1", "Identity", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(cl_kernel_named(&k, bad[i]), CL_E_ARG, "\"%s\"", bad[i]);
        cr_expect(is_empty(&k), "out empty after \"%s\"", bad[i]);
    }
    cr_expect_eq(cl_kernel_named(&k, NULL), CL_E_ARG, "NULL name");
    cr_expect_eq(cl_kernel_named(NULL, "box3"), CL_E_ARG, "NULL out");
}

/* =============================================================== convert */

TestSuite(lib_convert, .timeout = 10);

Test(lib_convert, float_to_u8_rounds_half_to_even_then_clamps,
     .description = "0.5->0, 1.5->2, 2.5->2, 254.5->254, 255.5->255, -3->0, 300->255, NaN->0")
{
    const struct {
        float in;
        int out;
    } cases[] = {{0.5f, 0},   {1.5f, 2},   {2.5f, 2},        {254.5f, 254},  {255.5f, 255},
                 {-3.0f, 0},  {300.0f, 255}, {NAN, 0},       {-NAN, 0},      {INFINITY, 255},
                 {-INFINITY, 0}, {-0.5f, 0}, {-0.0f, 0},     {0.49999997f, 0}, {127.5f, 128},
                 {128.5f, 128}, {3.4999998f, 3}, {254.50002f, 255}, {255.0f, 255}, {1e30f, 255},
                 {-1e30f, 0}, {FLT_MIN, 0}, {0.7f, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = cl_float_to_u8(cases[i].in);
        cr_expect_eq(got, cases[i].out, "cl_float_to_u8(%.9g) = %d, expected %d",
                     (double)cases[i].in, got, cases[i].out);
    }
}

Test(lib_convert, to_uint8_converts_a_whole_image,
     .description = "cl_to_uint8 converts every value and validates its arguments")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 2, 3, 1), CL_OK, "alloc");
    const float in[6] = {-1.0f, 0.5f, 1.5f, 100.25f, 255.5f, NAN};
    const uint8_t want[6] = {0, 0, 2, 100, 255, 0};
    memcpy(im.data, in, sizeof in);
    uint8_t out[6];
    cr_assert_eq(cl_to_uint8(&im, out), CL_OK, "convert");
    cr_expect_eq(memcmp(out, want, 6), 0, "values %d %d %d %d %d %d", out[0], out[1], out[2],
                 out[3], out[4], out[5]);
    cr_expect_eq(cl_to_uint8(&im, NULL), CL_E_ARG, "NULL out");
    cr_expect_eq(cl_to_uint8(NULL, out), CL_E_ARG, "NULL image");
    cl_image_free(&im);
}

/* =============================================================== compare */

TestSuite(lib_compare, .timeout = 10);

static cl_image ramp(int n, int h, int w, int c)
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, n, h, w, c), CL_OK, "alloc");
    for (size_t i = 0; i < cl_image_count(&im); i++)
        im.data[i] = (float)i;
    return im;
}

Test(lib_compare, identical_images_match,
     .description = "no mismatches, first and max_at -1, max error 0")
{
    cl_image a = ramp(2, 3, 4, 2), b = ramp(2, 3, 4, 2);
    cl_compare_result r;
    cr_assert_eq(cl_compare(&a, &b, 0.0f, 0.0f, &r), CL_OK, "compare");
    cr_expect_eq(r.count, 48u, "count");
    cr_expect_eq(r.mismatches, 0u, "mismatches");
    cr_expect_eq(r.first, -1, "first");
    cr_expect_eq(r.max_at, -1, "max_at");
    cr_expect_eq(r.max_abs_err, 0.0, "max error");
    cl_image_free(&a);
    cl_image_free(&b);
}

Test(lib_compare, first_mismatch_has_its_coordinates,
     .description = "first mismatch in index order, with (b,y,x,ch), values and largest error")
{
    cl_image a = ramp(2, 3, 4, 2), b = ramp(2, 3, 4, 2);
    /* b=1, y=2, x=1, ch=1 -> ((1*3+2)*4+1)*2+1 = 43 ; and a bigger error later */
    b.data[43] += 0.5f;
    b.data[47] -= 3.0f;
    cl_compare_result r;
    cr_assert_eq(cl_compare(&a, &b, 0.1f, 0.0f, &r), CL_OK, "compare");
    cr_expect_eq(r.mismatches, 2u, "two mismatches");
    cr_expect_eq(r.first, 43, "first flat index");
    cr_expect(r.b == 1 && r.y == 2 && r.x == 1 && r.ch == 1, "coords %d,%d,%d,%d", r.b, r.y,
              r.x, r.ch);
    cr_expect(r.expected == 43.0f && r.got == 43.5f, "values %g %g", r.expected, r.got);
    cr_expect_eq(r.max_abs_err, 3.0, "largest error");
    cr_expect_eq(r.max_at, 47, "largest error position");
    cl_image_free(&a);
    cl_image_free(&b);
}

Test(lib_compare, tolerance_is_atol_plus_rtol_times_expected,
     .description = "|got-exp| > atol + rtol*|exp| counts; equality at the bound does not")
{
    cl_image a = {0}, b = {0};
    cr_assert_eq(cl_image_alloc(&a, 1, 1, 4, 1), CL_OK, "alloc");
    cr_assert_eq(cl_image_alloc(&b, 1, 1, 4, 1), CL_OK, "alloc");
    /* tolerances are powers of two so the bounds are exact */
    const float e[4] = {64.0f, 64.0f, 0.0f, -64.0f};
    const float g[4] = {65.0f, 66.0f, 0.25f, -65.0f};
    memcpy(a.data, e, sizeof e);
    memcpy(b.data, g, sizeof g);
    cl_compare_result r;
    cr_assert_eq(cl_compare(&a, &b, 0.0f, 1.0f / 64, &r), CL_OK, "rtol only");
    cr_expect_eq(r.mismatches, 2u, "66 vs 64 and 0.25 vs 0 exceed 1/64 relative, got %zu",
                 r.mismatches);
    cr_expect_eq(r.first, 1, "first is index 1");
    cr_assert_eq(cl_compare(&a, &b, 0.25f, 1.0f / 64, &r), CL_OK, "atol + rtol");
    cr_expect_eq(r.mismatches, 1u, "only 66 exceeds 64 +- 1.25, got %zu", r.mismatches);
    cr_expect_eq(r.first, 1, "first is index 1");
    cl_image_free(&a);
    cl_image_free(&b);
}

Test(lib_compare, nan_and_infinity_rules,
     .description = "NaN in got always counts; an infinity matches only the same infinity")
{
    cl_image a = {0}, b = {0};
    cr_assert_eq(cl_image_alloc(&a, 1, 1, 5, 1), CL_OK, "alloc");
    cr_assert_eq(cl_image_alloc(&b, 1, 1, 5, 1), CL_OK, "alloc");
    const float e[5] = {1.0f, NAN, INFINITY, INFINITY, 2.0f};
    const float g[5] = {NAN, NAN, INFINITY, -INFINITY, INFINITY};
    memcpy(a.data, e, sizeof e);
    memcpy(b.data, g, sizeof g);
    cl_compare_result r;
    cr_assert_eq(cl_compare(&a, &b, 1e30f, 1e30f, &r), CL_OK, "huge tolerance");
    cr_expect_eq(r.mismatches, 4u, "all but the matching +inf count");
    cr_expect_eq(r.first, 0, "NaN at 0 first");
    cr_expect(isinf(r.max_abs_err), "largest error is infinite");
    cl_image_free(&a);
    cl_image_free(&b);
}

Test(lib_compare, different_shapes_are_a_shape_error,
     .description = "CL_E_SHAPE with both shapes in the message; bad arguments are CL_E_ARG")
{
    cl_image a = ramp(1, 5, 5, 1), b = ramp(1, 4, 5, 1);
    cl_compare_result r;
    cr_expect_eq(cl_compare(&a, &b, 0.0f, 0.0f, &r), CL_E_SHAPE, "5x5 vs 4x5");
    expect_msg_has("1x5x5x1");
    expect_msg_has("1x4x5x1");
    cl_image c = ramp(1, 5, 1, 5);
    cr_expect_eq(cl_compare(&a, &c, 0.0f, 0.0f, &r), CL_E_SHAPE, "same count, other shape");
    cr_expect_eq(cl_compare(&a, &a, -1.0f, 0.0f, &r), CL_E_ARG, "negative atol");
    cr_expect_eq(cl_compare(&a, &a, 0.0f, NAN, &r), CL_E_ARG, "NaN rtol");
    cr_expect_eq(cl_compare(&a, NULL, 0.0f, 0.0f, &r), CL_E_ARG, "NULL got");
    cr_expect_eq(cl_compare(&a, &a, 0.0f, 0.0f, NULL), CL_E_ARG, "NULL result");
    cl_image_free(&a);
    cl_image_free(&b);
    cl_image_free(&c);
}

/* ================================================================ timing */

TestSuite(lib_timing, .timeout = 10);

Test(lib_timing, clock_is_monotonic_nanoseconds,
     .description = "cl_now_ns never goes back and measures a 2 ms sleep as >= 2 ms")
{
    uint64_t t0 = cl_now_ns();
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    uint64_t t1 = cl_now_ns();
    cr_expect_gt(t0, 0u, "clock works");
    cr_expect_geq(t1 - t0, 2000000u, "slept 2 ms, measured %llu ns", (unsigned long long)(t1 - t0));
    cr_expect_lt(t1 - t0, 2000000000u, "but not 2 s");
}
