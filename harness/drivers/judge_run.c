/* judge_run.c -- grading one case: the reference here, the student's code in
 * the worker (see judge.h for the steps).
 *
 * Sections: messages; the
 * incidents of the worker; compare cases; property cases; judge_case.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../../tests/student/properties.h"
#include "judge.h"
#include "reference.h"
#include "verdict.h"

static double now_s(void)
{
    return (double)cl_now_ns() * 1e-9;
}

/* --------------------------------------------------------------- messages */

static void say(judge_result *res, const char *status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void say(judge_result *res, const char *status, const char *fmt, ...)
{
    va_list ap;
    res->status = status;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof res->message, fmt, ap);
    va_end(ap);
}

/* "3 ms", "0.25 ms", "1.4 s". */
static void human_time(double s, char *buf, size_t size)
{
    if (s >= 1.0) snprintf(buf, size, "%.1f s", s);
    else if (s >= 0.01) snprintf(buf, size, "%.0f ms", s * 1e3);
    else if (s >= 0.00001) snprintf(buf, size, "%.2f ms", s * 1e3);
    else snprintf(buf, size, "under 0.01 ms");
}

static double call_timeout(const judge_opts *o, double ref_seconds)
{
    return fmax(o->floor, o->factor * ref_seconds);
}

/* ------------------------------------------------------------- incidents */

/* When the worker had an incident in this case, the case's result is that
 * incident: fills res and returns 1. */
static int incident_result(const cl_remote_report *rep, double ref_seconds, judge_result *res)
{
    const char *fn = rep->function, *m = rep->message;
    char ref[32];
    human_time(ref_seconds, ref, sizeof ref);
    if (rep->incident == CL_REMOTE_NONE) return 0;
    if (rep->during_start &&
        (rep->incident == CL_REMOTE_TIMEOUT || rep->incident == CL_REMOTE_CRASHED)) {
        say(res, rep->incident == CL_REMOTE_TIMEOUT ? "timeout" : "crashed",
            "%s: the worker %s. Does your file run code of its own when the program starts "
            "(a constructor)?",
            fn, m);
        return 1;
    }
    switch (rep->incident) {
    case CL_REMOTE_TIMEOUT:
        say(res, "timeout",
            "%s: your code %s; the reference takes %s: an infinite loop, or far too much work?",
            fn, m, ref);
        return 1;
    case CL_REMOTE_CRASHED:
        say(res, "crashed", "%s: your code %s. Only this case is lost.", fn, m);
        return 1;
    case CL_REMOTE_PROTOCOL: say(res, "crashed", "%s: the worker %s", fn, m); return 1;
    case CL_REMOTE_FLOOD: say(res, "failed", "%s %s", fn, m); return 1;
    case CL_REMOTE_NOT_BUILT:
        say(res, "not_implemented",
            "%s is not built: its part file was not compiled into the grader's worker (did it "
            "compile?), or it does not define %s",
            fn, fn);
        return 1;
    default: say(res, "error", "%s: the worker %s", fn, m); return 1;
    }
}

/* ---------------------------------------------------------- compare cases */

/* The expected output: the reference's, timed. */
static int reference_output(const cl_case *c, const cl_case_data *d, cl_case_output *ref,
                            double *seconds, judge_result *res)
{
    char msg[1024];
    double t0 = now_s();
    int st = cl_case_call(c->fn, d, &cl_impl_reference, ref);
    *seconds = now_s() - t0;
    if (st != CL_OK) {
        say(res, "error", "the reference could not run this case: %s", cl_last_error());
        return st;
    }
    if (cl_case_problem(ref, c->fn, "harness", msg, sizeof msg)) {
        say(res, "error", "the reference fails this case: %s", msg);
        cl_case_output_free(ref);
        return CL_E_ARG;
    }
    return CL_OK;
}

/* Judges the worker's output o against the reference's. */
static void judge_output(const judge_opts *o, const cl_case *c, const cl_case_data *d,
                         const cl_case_output *got, const cl_image *expected, judge_result *res)
{
    static cl_verdict v;
    cl_verdict_mistakes m;
    char pic[600];
    cl_verdict_mistakes_load(c, o->expected, &m);
    const char *picture = cl_verdict_picture_path(c, o->feedback, pic, sizeof pic);
    cl_verdict_compare(c, d, got, expected, &m, picture, &v);
    cl_verdict_mistakes_free(&m);
    say(res, v.passed ? "passed" : "failed", "%s", v.message);
    snprintf(res->diagnosis, sizeof res->diagnosis, "%s", v.diagnosis);
    snprintf(res->tag, sizeof res->tag, "%s", v.tag);
    snprintf(res->picture, sizeof res->picture, "%s", v.picture);
}

static void run_compare(const judge_opts *o, cl_remote *r, const cl_case *c,
                        const cl_case_data *d, judge_result *res)
{
    cl_case_output ref, got;
    char msg[1024];
    if (reference_output(c, d, &ref, &res->ref_seconds, res) != CL_OK) return;
    cl_remote_set_timeout(r, call_timeout(o, res->ref_seconds));
    double t0 = now_s();
    int st = cl_case_call(c->fn, d, &cl_impl_remote, &got);
    res->seconds = now_s() - t0;
    if (incident_result(cl_remote_report_of(r), res->ref_seconds, res)) {
        /* decided by the incident */
    } else if (st != CL_OK) {
        say(res, "error", "the case could not run: %s", cl_last_error());
    } else if (cl_case_problem(&got, c->fn, o->student_dir, msg, sizeof msg)) {
        say(res, got.status == CL_E_NOT_IMPLEMENTED && !got.modified ? "not_implemented" : "failed",
            "%s", msg);
    } else {
        if (o->tol[c->fn].set) got.atol = o->tol[c->fn].atol, got.rtol = o->tol[c->fn].rtol;
        judge_output(o, c, d, &got, &ref.out, res);
    }
    cl_case_output_free(&got);
    cl_case_output_free(&ref);
}

/* --------------------------------------------------------- property cases */

static void run_property(const judge_opts *o, cl_remote *r, const cl_case *c,
                         const cl_case_data *d, judge_result *res)
{
    static cl_verdict v;
    char pic[600];
    const cl_property *p = cl_property_find(c->property);
    if (!p || !(p->functions & (1u << c->fn))) {
        say(res, "error", "property \"%s\" does not exist for %s", c->property, cl_fn_name(c->fn));
        return;
    }
    cl_property_ctx x = {c, d, &cl_impl_reference, "harness", NULL};
    memset(&v, 0, sizeof v);
    double t0 = now_s();
    int st = p->run(&x, &v);
    res->ref_seconds = now_s() - t0;
    if (st != CL_OK || !v.passed) {
        say(res, "error", "the reference fails property %s: %s", c->property,
            st != CL_OK ? cl_last_error() : v.message);
        return;
    }
    cl_remote_set_timeout(r, call_timeout(o, res->ref_seconds));
    x.impl = &cl_impl_remote, x.student_dir = o->student_dir;
    x.picture_path = cl_verdict_picture_path(c, o->feedback, pic, sizeof pic);
    memset(&v, 0, sizeof v);
    t0 = now_s();
    st = p->run(&x, &v);
    res->seconds = now_s() - t0;
    const cl_remote_report *rep = cl_remote_report_of(r);
    if (incident_result(rep, res->ref_seconds, res)) return;
    if (st != CL_OK) {
        say(res, "error", "the property could not run: %s", cl_last_error());
        return;
    }
    say(res, v.passed ? "passed" : rep->not_implemented ? "not_implemented" : "failed", "%s",
        v.message);
    snprintf(res->diagnosis, sizeof res->diagnosis, "%s", v.diagnosis);
    snprintf(res->tag, sizeof res->tag, "%s", v.tag);
    snprintf(res->picture, sizeof res->picture, "%s", v.picture);
}

/* ------------------------------------------------------------ judge_case */

void judge_case(const judge_opts *o, cl_remote *r, const cl_case *c, judge_result *res)
{
    cl_case_data d;
    memset(res, 0, sizeof *res);
    cl_remote_begin_case(r);
    cl_remote_use(r);
    if (cl_case_load(c, o->images, &d) != CL_OK) {
        say(res, "error", "the case could not be loaded: %s", cl_last_error());
    } else {
        if (c->kind == CL_CASE_PROPERTY)
            run_property(o, r, c, &d, res);
        else
            run_compare(o, r, c, &d, res);
        cl_case_data_free(&d);
    }
    res->report = cl_remote_report_of(r);
    cl_remote_use(NULL);
}

