/* verdict.h -- the verdict of a compare case: an output against the expected
 * one, with the teaching message of feedback.h (floor 3).
 *
 * Shared by every driver that judges a case: the judge (the grader's trusted
 * side, which computes the expected output with the reference) and, in the
 * same words, the student suite (which reads it from build/expected). It
 * does not know where the expected output or the known mistakes came from.
 *
 *   - conv_output_size's table (a 1 x 1 x rows x 1 image of sizes, -1 for an
 *     error): the first wrong row as a call, the formula with its numbers,
 *     how many rows are wrong, and the known wrong formula that gives all of
 *     them ("your sizes are the valid-mode size without the + 1");
 *   - every other function: cl_feedback_check with the case's tolerance,
 *     size context, border band and border rule, the outputs of the case's
 *     known mistakes for the diagnosis, and a picture on failure.
 *
 * OWNERSHIP: cl_verdict_mistakes_load fills a cl_verdict_mistakes that
 * cl_verdict_mistakes_free releases (also after a failed load).
 */
#ifndef CONVLAB_VERDICT_H
#define CONVLAB_VERDICT_H

#include "cases.h"
#include "feedback.h"

#define CL_VERDICT_MAX_MISTAKES 8 /* mkexpected writes no more per case */

typedef struct cl_verdict_mistakes {
    int n;
    cl_image images[CL_VERDICT_MAX_MISTAKES];
    cl_mistake list[CL_VERDICT_MAX_MISTAKES];
    char tags[CL_VERDICT_MAX_MISTAKES][48];
} cl_verdict_mistakes;

/* Reads the outputs of c's known mistakes, <dir>/<id>.<tag>.npy, written by
 * build/mkexpected; missing or unreadable ones are skipped (they only sharpen
 * the diagnosis). dir NULL: none. Returns how many were read. */
int cl_verdict_mistakes_load(const cl_case *c, const char *dir, cl_verdict_mistakes *m);
void cl_verdict_mistakes_free(cl_verdict_mistakes *m);

/* "<dir>/<id>.png", or NULL when dir is NULL or the case draws no picture
 * (conv_output_size). */
const char *cl_verdict_picture_path(const cl_case *c, const char *dir, char *buf, size_t size);

/* Judges o (a call of c on d that produced an output: cl_case_problem said
 * nothing) against expected. m may be NULL; picture_path NULL draws none.
 * Fills v; returns CL_OK, or a negative status when the comparison could not
 * run (v then says so). */
int cl_verdict_compare(const cl_case *c, const cl_case_data *d, const cl_case_output *o,
                       const cl_image *expected, const cl_verdict_mistakes *m,
                       const char *picture_path, cl_verdict *v);

#endif /* CONVLAB_VERDICT_H */
