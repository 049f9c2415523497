/* judge.h -- the grader's trusted program, shared by judge*.c (floor 3).
 *
 *   judge --cases tests/cases.toml --images DIR --part aN
 *         [--expected DIR] [--feedback DIR] [--student-dir NAME]
 *         [--timeout-floor 2.0] [--timeout-factor 50] [--only ID] [--seed S]
 *         [--hidden FN:COUNT:POINTS[:VISIBILITY]]... [--tol FN:ATOL:RTOL]...
 *         -- WORKER_CMD...
 *
 * The judge links the reference, the feedback module, the case runner
 * (cases.c), the properties and the worker client (remote.c): NEVER student
 * code. Student code runs only in the worker started from WORKER_CMD (the
 * sandbox command line composed by the Python grader, or just the worker),
 * through cl_impl_remote.
 *
 * For every case of part aN in the table (or only ID), in table order:
 *   1. load its input (cl_case_load);
 *   2. run it with the reference, timed: the expected output of a compare
 *      case (computed here: the expected files of mkexpected are never read
 *      for the grade), or the reference's own pass of a property;
 *   3. run it on the worker with a per-call wall-clock timeout of
 *      max(floor, factor x the reference's time for the case);
 *   4. judge: an incident of the worker (timeout, crash, flood, not built),
 *      what cl_case_problem says (not implemented, an error status, no
 *      output, a write out of bounds, a modified input), or the verdict of
 *      verdict.h (compare) or of the property;
 *   5. print one JSON object on one line (judge_json.c).
 * --expected DIR only supplies the outputs of known mistakes (<id>.<tag>.npy)
 * for the diagnoses; --feedback DIR receives the pictures (<id>.png).
 *
 * HIDDEN CASES: --hidden FN:COUNT:POINTS[:VISIBILITY] (repeatable) adds COUNT
 * cases of FN drawn from --seed S (judge_hidden.c) after the table's cases
 * of the part; the seed is required with --hidden and printed on standard
 * error. --tol FN:ATOL:RTOL (repeatable) sets the tolerance of FN's compare
 * cases.
 *
 * OUTPUT (standard output, one line per case, flushed after each):
 *   {"id": "a1.im_conv.cat_gaussian", "function": "im_conv", "points": 2.5,
 *    "status": "passed|failed|not_implemented|crashed|timeout|error",
 *    "message": "...", "diagnosis": "...", "tag": "...", "picture": "...",
 *    "seconds": 0.0123, "worker_stderr": "...", "worker_stderr_bytes": 0,
 *    "visibility": "visible", "description": "..."}
 *   status error means the judge could not run the case (a kit problem),
 *   never the student's fault. A summary line goes to standard error.
 *
 * EXIT STATUS: 0 when it graded (whatever the verdicts); 2 for a bad command
 * line (including a worker command that cannot be executed); 1 when the table
 * cannot be read or has no case for the part.
 */
#ifndef CONVLAB_JUDGE_H
#define CONVLAB_JUDGE_H

#include <stdio.h>

#include "cases.h"
#include "remote.h"

/* --hidden FN:COUNT:POINTS[:VISIBILITY]: COUNT hidden cases of FN, each
 * worth POINTS (grader/rubric.toml [[hidden.group]]). */
typedef struct judge_hidden_group {
    cl_fn fn;
    int count;
    double points;
    char visibility[24];
} judge_hidden_group;

/* --tol FN:ATOL:RTOL: the comparison tolerance of FN's compare cases
 * (grader/rubric.toml [tolerance.FN]), instead of the case runner's. */
typedef struct judge_tolerance {
    int set;
    float atol, rtol;
} judge_tolerance;

#define JUDGE_HIDDEN_MAX 64
#define JUDGE_PERF_MAX 16
#define JUDGE_PERF_SIZES 6

/* --budget SPEC or --speedup SPEC (grader/rubric.toml [[performance.budget]]
 * and [a4]). */
typedef struct judge_perf_item {
    cl_fn fn;
    int speedup;        /* 1: the a4 speed-up over the naive model */
    double budget;      /* budget: the largest acceptable ratio */
    char spec[256];     /* "function=im_conv input=512x512 kernel=3x3 budget=3.5" */
    char kernel[16];    /* speedup: "5x5" */
    char sizes[JUDGE_PERF_SIZES][24];
    int nsizes;
} judge_perf_item;

typedef struct judge_opts {
    const char *cases, *images, *expected, *feedback, *part, *only, *student_dir;
    double floor, factor; /* per-call timeout = max(floor, factor x reference time) */
    int has_seed;
    unsigned long long seed;
    judge_hidden_group hidden[JUDGE_HIDDEN_MAX];
    int nhidden;
    judge_tolerance tol[CL_FN_COUNT];
    judge_perf_item perf[JUDGE_PERF_MAX];
    int nperf;
    int perf_only;               /* --perf-only: the measurements, not the cases */
    int perf_repeats, perf_rounds; /* --repeats K (7), --rounds R (3) */
    double perf_spread;          /* --spread S (0.15) */
    double perf_timeout_max;     /* a timed call never gets more than this (60 s) */
    char **worker; /* NULL-terminated argv of the worker command */
} judge_opts;

typedef struct judge_result {
    const char *status; /* "passed", "failed", ... */
    char message[4096];
    char diagnosis[512];
    char tag[48];
    char picture[512];
    double seconds;      /* wall time of the student's part of the case */
    double ref_seconds;  /* the reference's time for the case */
    const cl_remote_report *report; /* the worker's standard error, NULL if none */
} judge_result;

/* judge_run.c: grades case c on the worker of session r. Never fails: a
 * problem of the kit becomes status "error" with its message. */
void judge_case(const judge_opts *o, cl_remote *r, const cl_case *c, judge_result *res);

/* One timed input of a measurement (seconds, best of the samples). */
typedef struct judge_perf_measure {
    char input[128];
    double reference_s, student_s, naive_s;
} judge_perf_measure;

/* The result of one measurement (judge_perf.c), one JSON line. */
typedef struct judge_perf_result {
    char id[96];          /* "a1.im_conv.budget", "a4.im_conv_fast.speedup" */
    cl_fn fn;
    int kind_speedup;
    char spec[256];
    char label[128];
    char verdict[16];     /* within | over | measured | inconclusive | wrong | error */
    char message[1024];
    double ratio, budget; /* budget */
    double speedup, reference_speedup; /* speedup: geometric means over the sizes */
    double spread;
    int rounds, inconclusive, timed_out;
    judge_perf_measure m[JUDGE_PERF_SIZES];
    int nmeasurements;
    const cl_remote_report *report;
} judge_perf_result;

/* judge_naive.c: the naive baseline of the a4 speed-up (im_conv_fast's
 * signature and semantics, the straightforward loops). */
int judge_naive_im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out);

/* judge_perf.c: runs every measurement of o->part on the worker of r,
 * writing one JSON line each to out. Returns how many ran. */
int judge_perf(const judge_opts *o, cl_remote *r, FILE *out);

/* judge_perf.c: parses --budget SPEC / --speedup SPEC into o->perf. */
int judge_perf_parse(judge_opts *o, const char *opt, const char *spec);

/* judge_json.c: the line of one measurement. */
void judge_json_perf(FILE *f, const judge_perf_result *p);

/* judge_json.c: writes s (n bytes, any bytes) as a JSON string: quoted,
 * escaped, invalid UTF-8 replaced by U+FFFD. */
void judge_json_string(FILE *f, const char *s, size_t n);

/* judge_json.c: the line of one case. */
void judge_json_case(FILE *f, const cl_case *c, const judge_result *res);

/* judge_hidden.c: the index-th (0-based) hidden case of fn drawn from seed,
 * worth points, with the given visibility: id "aN.fn.hidden_<index+1>", a
 * random input and random arguments valid for fn. Returns CL_OK, or an error
 * (a bug of the generator: the case does not validate). */
int judge_hidden_case(unsigned long long seed, cl_fn fn, int index, double points,
                      const char *visibility, cl_case *c);

/* judge_hidden.c: appends to t the hidden cases of o->hidden that belong to
 * part o->part, drawn from o->seed. Returns how many were added, or a
 * negative status. */
int judge_hidden_cases(const judge_opts *o, cl_case_table *t);

#endif /* CONVLAB_JUDGE_H */
