/* suite.h -- the student test suite: one Criterion program per part.
 *
 * Each test_aN.c links only its part's student file and defines:
 *   cl_suite_part     "a1"
 *   cl_suite_impl     a cl_impl whose fields of that part point at the
 *                     student's functions (the others stay NULL: cases of
 *                     other parts never run in this program)
 *   cl_suite_entries  the Criterion test name and case id of every test,
 *                     ending with {NULL, NULL}
 * and one Criterion test per visible case of the part, generated from
 * tests/cases.toml by build/casegen (cases_aN.inc: CL_CASE lines).
 *
 * A test reads its case from the table at run time (CONVLAB_CASES), runs it
 * through cl_case_call (harness/drivers/cases.h), and fails with the
 * teaching message of harness/feedback.h. A report hook writes the part's
 * summary line to CONVLAB_SUMMARY_DIR/aN.txt:
 *     aN PASSED TOTAL POINTS POSSIBLE NOT_IMPLEMENTED CRASHED
 * which tests/student/run_tests.sh turns into the table students read.
 */
#ifndef CONVLAB_SUITE_H
#define CONVLAB_SUITE_H

#include <criterion/criterion.h>

#include "cases.h"
#include "impl.h"

/* Seconds a test may take before Criterion stops it. */
#ifndef CL_SUITE_TIMEOUT
#define CL_SUITE_TIMEOUT 5.0
#endif

/* The folder of the part files, as named in the messages. */
#ifndef CL_STUDENT_DIR
#define CL_STUDENT_DIR "assignments"
#endif

typedef struct cl_suite_entry {
    const char *test_name; /* "im_conv_cat_gaussian" */
    const char *id;        /* "a1.im_conv.cat_gaussian" */
} cl_suite_entry;

extern const char cl_suite_part[];
extern const cl_impl cl_suite_impl;
extern const cl_suite_entry cl_suite_entries[];

/* Runs the case with this id and fails the current test with its message. */
void cl_suite_run(const char *id);

/* The Criterion test of one case (used by test_aN.c on the CL_CASE lines). */
#define CL_SUITE_TEST(part, name, id, desc)                            \
    Test(part, name, .description = desc, .timeout = CL_SUITE_TIMEOUT) \
    {                                                                  \
        cl_suite_run(id);                                              \
    }

#endif /* CONVLAB_SUITE_H */
