/* test_a1.c -- the student tests of part a1 (assignments/a1_windows.c).
 *
 * One Criterion test per visible case of part a1 in tests/cases.toml;
 * the list (cases_a1.inc) is generated from the table by casegen. This
 * program links only a1_windows.c: the functions of other parts stay NULL.
 */
#include "suite.h"

const char cl_suite_part[] = "a1";

const cl_impl cl_suite_impl = {
    .name = "student",
    .conv_output_size = conv_output_size,
    .get_subimages = get_subimages,
    .im_conv = im_conv,
};

TestSuite(a1, .timeout = CL_SUITE_TIMEOUT);

#define CL_CASE(part, name, id, desc) CL_SUITE_TEST(part, name, id, desc)
#include "cases_a1.inc"
#undef CL_CASE

const cl_suite_entry cl_suite_entries[] = {
#define CL_CASE(part, name, id, desc) {#name, id},
#include "cases_a1.inc"
#undef CL_CASE
    {NULL, NULL},
};
