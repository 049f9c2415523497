/* test_a3.c -- the student tests of part a3 (assignments/a3_layers.c).
 *
 * One Criterion test per visible case of part a3 in tests/cases.toml;
 * the list (cases_a3.inc) is generated from the table by casegen. This
 * program links only a3_layers.c: the functions of other parts stay NULL.
 */
#include "suite.h"

const char cl_suite_part[] = "a3";

const cl_impl cl_suite_impl = {
    .name = "student",
    .conv2d = conv2d,
    .max_pool2d = max_pool2d,
    .avg_pool2d = avg_pool2d,
    .upsample = upsample,
    .conv2d_transpose = conv2d_transpose,
};

TestSuite(a3, .timeout = CL_SUITE_TIMEOUT);

#define CL_CASE(part, name, id, desc) CL_SUITE_TEST(part, name, id, desc)
#include "cases_a3.inc"
#undef CL_CASE

const cl_suite_entry cl_suite_entries[] = {
#define CL_CASE(part, name, id, desc) {#name, id},
#include "cases_a3.inc"
#undef CL_CASE
    {NULL, NULL},
};
