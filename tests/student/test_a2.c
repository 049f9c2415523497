/* test_a2.c -- the student tests of part a2 (assignments/a2_borders.c).
 *
 * One Criterion test per visible case of part a2 in tests/cases.toml;
 * the list (cases_a2.inc) is generated from the table by casegen. This
 * program links only a2_borders.c: the functions of other parts stay NULL.
 */
#include "suite.h"

const char cl_suite_part[] = "a2";

const cl_impl cl_suite_impl = {
    .name = "student",
    .flip_kernel = flip_kernel,
    .pad_image = pad_image,
    .im_conv_opts = im_conv_opts,
    .threshold_binary = threshold_binary,
    .to_uint8 = to_uint8,
};

TestSuite(a2, .timeout = CL_SUITE_TIMEOUT);

#define CL_CASE(part, name, id, desc) CL_SUITE_TEST(part, name, id, desc)
#include "cases_a2.inc"
#undef CL_CASE

const cl_suite_entry cl_suite_entries[] = {
#define CL_CASE(part, name, id, desc) {#name, id},
#include "cases_a2.inc"
#undef CL_CASE
    {NULL, NULL},
};
