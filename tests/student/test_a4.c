/* test_a4.c -- the student tests of part a4 (assignments/a4_fast.c).
 *
 * One Criterion test per visible case of part a4 in tests/cases.toml;
 * the list (cases_a4.inc) is generated from the table by casegen. This
 * program links only a4_fast.c: the functions of other parts stay NULL.
 */
#include "suite.h"

const char cl_suite_part[] = "a4";

const cl_impl cl_suite_impl = {
    .name = "student",
    .im_conv_fast = im_conv_fast,
};

TestSuite(a4, .timeout = CL_SUITE_TIMEOUT);

#define CL_CASE(part, name, id, desc) CL_SUITE_TEST(part, name, id, desc)
#include "cases_a4.inc"
#undef CL_CASE

const cl_suite_entry cl_suite_entries[] = {
#define CL_CASE(part, name, id, desc) {#name, id},
#include "cases_a4.inc"
#undef CL_CASE
    {NULL, NULL},
};
