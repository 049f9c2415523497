/* suite.c -- running one case of the table as a Criterion test, and the
 * part's summary line (see suite.h).
 *
 * A compare case: load the input, call the student's function
 * (cl_case_call), explain a call that produced nothing to compare
 * (cl_case_problem: not implemented, an error status, writes out of bounds,
 * a modified input), then compare with the expected output precomputed by
 * the kit (CONVLAB_EXPECTED/<id>.npy) through verdict.h (the grader's judge
 * uses the same words), with the outputs of the case's known mistakes
 * (<id>.<tag>.npy) for the diagnosis and a picture in
 * CONVLAB_FEEDBACK/<id>.png.
 * A property case: run the C property named in the table (properties.c).
 */
#include "suite.h"

#include <criterion/hooks.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "properties.h"
#include "verdict.h"

/* The failure of the current test, reported once everything is freed
 * (cr_assert_fail does not return). */
static struct {
    int failed;
    char text[4096];
} outcome;

/* Fails the test: the case, its points and description, then msg. */
static void fail_case(const cl_case *c, const char *msg)
{
    outcome.failed = 1;
    snprintf(outcome.text, sizeof outcome.text, "%s (%g point%s): %s\n%s", c->id, c->points,
             c->points == 1 ? "" : "s", c->description, msg);
}

/* A problem of the kit or its files, not of the student's code. */
static void fail_kit(const char *id, const char *what)
{
    outcome.failed = 1;
    snprintf(outcome.text, sizeof outcome.text, "%s: the test could not run: %s", id, what);
}

/* The folder of the part files, as named in messages ("assignments"). */
static const char *student_dir(void)
{
    return cl_case_dir("CONVLAB_STUDENT_DIR", CL_STUDENT_DIR);
}

static const char *picture_path(const cl_case *c, char *buf, size_t size)
{
    return cl_verdict_picture_path(c, cl_case_dir("CONVLAB_FEEDBACK", CL_DEFAULT_FEEDBACK), buf,
                                   size);
}

/* Compares o's output with the expected one precomputed by the kit, with the
 * outputs of the case's known mistakes for the diagnosis (verdict.h). */
static void check_output(const cl_case *c, const cl_case_data *d, const cl_case_output *o,
                         cl_verdict *v)
{
    const char *dir = cl_case_dir("CONVLAB_EXPECTED", CL_DEFAULT_EXPECTED);
    char path[600], pic[600];
    cl_image expected = {0};
    cl_verdict_mistakes m;
    cl_case_expected_path(path, sizeof path, dir, c->id, NULL);
    if (cl_image_read_npy(&expected, path, NULL) != CL_OK) {
        char msg[900];
        snprintf(msg, sizeof msg,
                 "the expected output is missing: %s (the kit writes it with `make expected`)",
                 cl_last_error());
        fail_kit(c->id, msg);
        return;
    }
    cl_verdict_mistakes_load(c, dir, &m);
    cl_verdict_compare(c, d, o, &expected, &m, picture_path(c, pic, sizeof pic), v);
    cl_verdict_mistakes_free(&m);
    cl_image_free(&expected);
}

static void run_compare(const cl_case *c, const cl_case_data *d)
{
    cl_case_output o;
    char msg[1024];
    static cl_verdict v; /* large: keep it off the stack */
    if (cl_case_call(c->fn, d, &cl_suite_impl, &o) != CL_OK) {
        fail_kit(c->id, cl_last_error());
        return;
    }
    if (cl_case_problem(&o, c->fn, student_dir(), msg, sizeof msg)) {
        cl_case_output_free(&o);
        fail_case(c, msg);
        return;
    }
    memset(&v, 0, sizeof v);
    check_output(c, d, &o, &v);
    cl_case_output_free(&o);
    if (!v.passed) fail_case(c, v.message);
}

static void run_property(const cl_case *c, const cl_case_data *d)
{
    static cl_verdict v;
    char pic[600], msg[600];
    const cl_property *p = cl_property_find(c->property);
    if (!p) {
        snprintf(msg, sizeof msg,
                 "property \"%s\" is not implemented in tests/student/properties.c", c->property);
        fail_kit(c->id, msg);
        return;
    }
    if (!(p->functions & (1u << c->fn))) {
        snprintf(msg, sizeof msg, "property \"%s\" cannot check %s", c->property,
                 cl_fn_name(c->fn));
        fail_kit(c->id, msg);
        return;
    }
    cl_property_ctx x = {c, d, &cl_suite_impl, student_dir(), picture_path(c, pic, sizeof pic)};
    memset(&v, 0, sizeof v);
    if (p->run(&x, &v) != CL_OK) {
        fail_kit(c->id, cl_last_error());
        return;
    }
    if (!v.passed) fail_case(c, v.message);
}

void cl_suite_run(const char *id)
{
    cl_case_table table;
    cl_case_data d;
    outcome.failed = 0;
    const char *path = cl_case_dir("CONVLAB_CASES", CL_DEFAULT_CASES);
    if (cl_case_table_read(path, &table) != CL_OK) {
        fail_kit(id, cl_last_error());
        cr_assert_fail("%s", outcome.text);
    }
    const cl_case *c = cl_case_find(&table, id);
    if (!c) {
        char msg[400];
        snprintf(msg, sizeof msg, "no case %s in %s (rebuild the suite)", id, path);
        fail_kit(id, msg);
    } else if (cl_case_load(c, cl_case_dir("CONVLAB_IMAGES", CL_DEFAULT_IMAGES), &d) != CL_OK) {
        fail_kit(id, cl_last_error());
    } else {
        if (c->kind == CL_CASE_PROPERTY)
            run_property(c, &d);
        else
            run_compare(c, &d);
        cl_case_data_free(&d);
    }
    cl_case_table_free(&table);
    if (outcome.failed) cr_assert_fail("%s", outcome.text);
}

/* -------------------------------------------------- crashes and timeouts */

/* The case id of a Criterion test name, or NULL. */
static const char *entry_id(const char *test_name)
{
    for (const cl_suite_entry *e = cl_suite_entries; e->test_name; e++)
        if (strcmp(e->test_name, test_name) == 0) return e->id;
    return NULL;
}

static const char *signal_text(int sig)
{
    switch (sig) {
    case 11:
        return "a segmentation fault: a read or write outside an array, or through a NULL pointer";
    case 7: return "a bus error: a misaligned or invalid address";
    case 6:
        return "abort: often the C library detecting a corrupted heap (a write out of bounds, a "
               "double free)";
    case 8: return "an arithmetic error: an integer division by zero";
    default: return "a signal";
    }
}

/* In the runner, after a test that crashed or timed out (its own message is
 * lost): which function it was and what that usually means. */
static void explain_lost_test(const struct criterion_test_stats *ts)
{
    cl_case_table t;
    const char *id = entry_id(ts->test->name);
    const cl_case *c = NULL;
    if (cl_case_table_read(cl_case_dir("CONVLAB_CASES", CL_DEFAULT_CASES), &t) != CL_OK)
        memset(&t, 0, sizeof t);
    if (id) c = cl_case_find(&t, id);
    const char *fn = c ? cl_fn_name(c->fn) : "your code";
    if (ts->timed_out)
        fprintf(stderr,
                "[----] %s: %s did not finish within %g s: an endless loop? Check the loop "
                "conditions and that every loop variable moves.\n",
                id ? id : ts->test->name, fn, CL_SUITE_TIMEOUT);
    else
        fprintf(stderr,
                "[----] %s: the test crashed inside %s (signal %d, %s). Only this test is lost.\n",
                id ? id : ts->test->name, fn, ts->signal, signal_text(ts->signal));
    cl_case_table_free(&t);
}

ReportHook(POST_TEST)(struct criterion_test_stats *ts)
{
    if (ts->timed_out) explain_lost_test(ts);
}

ReportHook(TEST_CRASH)(struct criterion_test_stats *ts)
{
    explain_lost_test(ts);
}

/* ------------------------------------------------------------- summary */

typedef struct tally {
    int passed, total, not_implemented, crashed;
    double points, possible;
} tally;

static int says_not_implemented(const struct criterion_test_stats *ts)
{
    for (const struct criterion_assert_stats *a = ts->asserts; a; a = a->next)
        if (!a->passed && a->message && strstr(a->message, "not implemented yet")) return 1;
    return 0;
}

static void count_test(const struct criterion_test_stats *ts, const cl_case_table *t, tally *s)
{
    const char *id = entry_id(ts->test->name);
    const cl_case *c = id ? cl_case_find(t, id) : NULL;
    double points = c ? c->points : 0;
    if (ts->test_status == CR_STATUS_SKIPPED) return; /* not run (--filter) */
    int ok = ts->test_status == CR_STATUS_PASSED && !ts->crashed && !ts->timed_out;
    s->total++;
    s->possible += points;
    if (ok) s->passed++, s->points += points;
    if (!ok && says_not_implemented(ts)) s->not_implemented++;
    if (ts->crashed || ts->timed_out) s->crashed++;
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    cl_case_table t;
    tally s = {0};
    if (cl_case_table_read(cl_case_dir("CONVLAB_CASES", CL_DEFAULT_CASES), &t) != CL_OK) {
        fprintf(stderr, "%s: no points: %s\n", cl_suite_part, cl_last_error());
        memset(&t, 0, sizeof t);
    }
    for (struct criterion_suite_stats *ss = stats->suites; ss; ss = ss->next)
        for (struct criterion_test_stats *ts = ss->tests; ts; ts = ts->next) count_test(ts, &t, &s);
    cl_case_table_free(&t);
    char path[600];
    snprintf(path, sizeof path, "%s/%s.txt", cl_case_dir("CONVLAB_SUMMARY_DIR", CL_DEFAULT_SUMMARY),
             cl_suite_part);
    FILE *f = fopen(path, "w");
    if (!f) return; /* the runner then reports the part as stopped early */
    fprintf(f, "%s %d %d %.2f %.2f %d %d\n", cl_suite_part, s.passed, s.total, s.points, s.possible,
            s.not_implemented, s.crashed);
    fclose(f);
}
