/* budgets.h -- the pieces of the local performance budgets program (floor 3).
 *
 * `budgets` times the student's functions against the reference on large
 * inputs and prints, for each [[budget]] of tests/budgets.toml, the ratio
 *
 *     best student time / best reference time      (best of K, interleaved)
 *
 * beside its budget. Only ratios measured in the same run are shown, never
 * absolute times (SPEC §7). Budgets are advice: the program exits 0 whatever
 * the verdicts; only a broken table or command line is an error.
 *
 * The program is split by concern:
 *   budgets.c       main: the command line, the table, the report and --json
 *   budgets_ops.c   the timed operations: their table keys, their inputs, and
 *                   the call of the reference and of the student function
 *   budgets_run.c   one budget in a forked child: correctness first, then the
 *                   interleaved timing; the verdict comes back over a pipe
 *
 * LINKING
 *   The student's part files are compiled with their plain names
 *   (assignment.h) and only the parts that compile are linked. budgets_ops.c
 *   declares every student function weak, so a function whose part is
 *   missing is a null pointer: its budget reports "not built".
 *
 * ERRORS
 *   Functions return a cl_status (CL_OK or a negative code, message in
 *   cl_last_error); only main turns an error into an exit status. The forked
 *   child ends with _exit after writing its result (budgets_run.c).
 */
#ifndef CONVLAB_BUDGETS_H
#define CONVLAB_BUDGETS_H

#include <stdint.h>

#include "convlab.h"
#include "toml.h"

/* ------------------------------------------------------------ the budget */

/* One [[budget]] of the table, with the defaults filled in. Which keys an
 * operation reads is listed in budgets_ops.c. */
typedef struct bud_spec {
    char function[32]; /* "im_conv", "conv2d", ... */
    int line;          /* of its `function =` line, for messages */
    int n, h, w, c;    /* input: "HxW", "HxWxC" or "NxHxWxC" */
    int kh, kw;        /* kernel (correlations), window (get_subimages), weights */
    int filters;       /* output channels of conv2d and conv2d_transpose */
    int ph, pw;        /* pool of the poolings */
    int stride;        /* both axes */
    int factor;        /* upsample, both axes */
    cl_mode mode;      /* im_conv_opts: mode; layers: padding */
    cl_border border;  /* im_conv_opts */
    cl_interp interp;  /* upsample */
    double budget;     /* the largest acceptable ratio */
    int repeats;       /* K: timed runs of each side */
    uint64_t seed;     /* of the random inputs */
    int timeout_s;     /* per student call */
} bud_spec;

/* What became of one budget. */
typedef enum bud_verdict {
    BUD_WITHIN = 0,      /* timed, ratio <= budget */
    BUD_OVER,            /* timed, ratio > budget */
    BUD_NOT_BUILT,       /* the student's function is not linked */
    BUD_NOT_IMPLEMENTED, /* it returned CL_E_NOT_IMPLEMENTED */
    BUD_FAILED,          /* it returned another error */
    BUD_WRONG,           /* its output differs from the reference */
    BUD_CRASHED,         /* the child died of a signal */
    BUD_TIMED_OUT,       /* a call took longer than timeout_s */
    BUD_KIT_ERROR        /* the kit failed (inputs, reference, fork) */
} bud_verdict;

typedef struct bud_result {
    int verdict;              /* a bud_verdict */
    int signal;               /* BUD_CRASHED: the signal */
    int student_runs;         /* timed runs of the student function */
    int stopped_early;        /* 1 when far over budget after fewer than K runs */
    double ref_ns, student_ns; /* best times */
    double ratio;             /* student_ns / ref_ns */
    char detail[200];         /* error message or first mismatch */
} bud_result;

/* A sentence for a verdict ("within budget", "not implemented yet", ...). */
const char *bud_verdict_str(int verdict);

/* -------------------------------------------------------- budgets_ops.c */

/* Fills s from [[budget]] number index of t (defaults already in s).
 * CL_E_FORMAT with file and line for an unknown function or key, a missing
 * key, or a value out of range. */
int bud_spec_read(const cl_toml *t, int index, bud_spec *s);

/* "2048x2048, kernel 3x3" -- the input of a budget, for the report. */
const char *bud_spec_input_str(const bud_spec *s, char *buf, size_t size);

/* 1 when the student's function of s is linked into this program. */
int bud_student_linked(const bud_spec *s);

/* The inputs of one budget, built from its spec (random, fixed seed). */
typedef struct bud_case bud_case;

int bud_case_new(const bud_spec *s, bud_case **out);
void bud_case_free(bud_case *k);

/* Calls the reference (student = 0) or the student's function (1) on the
 * case; out is allocated by the function called. Returns its status. */
int bud_case_call(const bud_case *k, int student, cl_image *out);

/* The tolerance of the comparison with the reference for this case. */
void bud_case_tolerance(const bud_case *k, float *atol, float *rtol);

/* -------------------------------------------------------- budgets_run.c */

/* Runs budget s in a forked child (correctness, then best-of-K interleaved
 * timing) and fills r. Returns CL_OK when r holds a verdict (also a crash or
 * a timeout of the student's code), or a negative status when the kit itself
 * failed (fork, pipe). */
int bud_run(const bud_spec *s, bud_result *r);

#endif /* CONVLAB_BUDGETS_H */
