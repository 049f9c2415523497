/* budgets_run.c -- one budget, measured in a forked child (see budgets.h).
 *
 * The child builds the inputs, runs the student's function ONCE and then
 * the reference, and compares the two outputs: a function that is not
 * written, fails, or gives another answer is not timed. That first pair
 * counts as the first of K timed pairs; then it times
 *
 *     reference, student, reference, student, ...   (K pairs in all)
 *
 * keeping the best time of each side, so that a burst of load from another
 * process hits both sides alike; the ratio is best student / best reference.
 * A function already far over its budget (EARLY_STOP times the budget) is
 * not run K times: its verdict cannot change.
 *
 * Every student call runs under alarm(timeout): the child dies of SIGALRM
 * and the parent reports "timed out". A crash kills only the child. The
 * result travels back over a pipe as a bud_result (same program on both
 * ends, so the same layout); the child then ends with _exit.
 */
#include "budgets.h"

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Stop timing once the ratio exceeds this many times the budget. */
#define EARLY_STOP 3.0

/* Calls the reference (student = 0) or the student's function (under
 * alarm(timeout_s)) once, into out; *ns gets its time. Returns its status. */
static int timed_call(const bud_case *k, int student, int timeout_s, cl_image *out, double *ns)
{
    if (student)
        alarm((unsigned)timeout_s);
    const uint64_t t0 = cl_now_ns();
    const int status = bud_case_call(k, student, out);
    *ns = (double)(cl_now_ns() - t0);
    if (student)
        alarm(0);
    return status;
}

/* timed_call, the output thrown away: returns the time, *status the status. */
static double time_call(const bud_case *k, int student, int timeout_s, int *status)
{
    cl_image out = {0};
    double ns;
    *status = timed_call(k, student, timeout_s, &out, &ns);
    cl_image_free(&out);
    return ns;
}

/* Records a failure of the student's function (its status and message). */
static void student_failed(bud_result *r, int status)
{
    r->verdict = status == CL_E_NOT_IMPLEMENTED ? BUD_NOT_IMPLEMENTED : BUD_FAILED;
    if (r->verdict == BUD_NOT_IMPLEMENTED)
        return; /* the verdict says it all */
    snprintf(r->detail, sizeof r->detail, "%s%s%s", cl_status_str(status),
             cl_last_error()[0] ? ": " : "", cl_last_error());
}

/* Compares the student's output got with the reference's expected. */
static void judge_output(const bud_case *k, const cl_image *expected, const cl_image *got,
                         bud_result *r)
{
    float atol, rtol;
    bud_case_tolerance(k, &atol, &rtol);
    cl_compare_result cmp;
    char a[64], b[64];
    if (!cl_image_guards_ok(got)) {
        r->verdict = BUD_WRONG;
        snprintf(r->detail, sizeof r->detail, "it wrote outside its output image");
    } else if (cl_compare(expected, got, atol, rtol, &cmp) != CL_OK) {
        r->verdict = BUD_WRONG;
        snprintf(r->detail, sizeof r->detail, "its output is %s, it should be %s",
                 cl_shape_str(got, a, sizeof a), cl_shape_str(expected, b, sizeof b));
    } else if (cmp.mismatches > 0) {
        r->verdict = BUD_WRONG;
        snprintf(r->detail, sizeof r->detail,
                 "at image %d, row %d, column %d, channel %d you have %g, it should be %g; "
                 "%zu of %zu values differ",
                 cmp.b, cmp.y, cmp.x, cmp.ch, (double)cmp.got, (double)cmp.expected,
                 cmp.mismatches, cmp.count);
    }
}

/* The first pair: the student once, then the reference once, timed and
 * compared (the student first: a stub then costs no reference run; an
 * error of the student's counts only when the reference accepts the same
 * case). Leaves r->verdict at BUD_WITHIN when the output is right; the
 * times (cold: fresh outputs, for both sides alike) go into *t_ref and
 * *t_student. */
static void check_once(const bud_case *k, const bud_spec *s, bud_result *r, double *t_ref,
                       double *t_student)
{
    cl_image expected = {0}, got = {0};
    const int st = timed_call(k, 1, s->timeout_s, &got, t_student);
    if (st == CL_E_NOT_IMPLEMENTED) {
        student_failed(r, st);
    } else if (timed_call(k, 0, 0, &expected, t_ref) != CL_OK) {
        r->verdict = BUD_KIT_ERROR; /* a budget of the table that cannot be right */
        snprintf(r->detail, sizeof r->detail, "the reference rejects this budget: %s",
                 cl_last_error());
    } else if (st != CL_OK) {
        student_failed(r, st);
    } else {
        judge_output(k, &expected, &got, r);
    }
    cl_image_free(&expected);
    cl_image_free(&got);
}

/* 1 when the student's best is so far over the budget that more runs
 * cannot change the verdict. */
static int far_over(const bud_spec *s, double best_ref, double best_student)
{
    return best_student > EARLY_STOP * s->budget * best_ref;
}

/* Interleaved best-of-K, the checked pair counting as the first: fills the
 * best times, the ratio and the verdict. */
static void time_pairs(const bud_case *k, const bud_spec *s, double best_ref,
                       double best_student, bud_result *r)
{
    r->student_runs = 1;
    while (r->student_runs < s->repeats) {
        if (far_over(s, best_ref, best_student)) {
            r->stopped_early = 1;
            break;
        }
        int st_ref, st_student;
        const double t_ref = time_call(k, 0, s->timeout_s, &st_ref);
        const double t_student = time_call(k, 1, s->timeout_s, &st_student);
        if (st_ref != CL_OK || st_student != CL_OK) {
            /* It passed once: a later failure means it is not deterministic. */
            if (st_student != CL_OK)
                student_failed(r, st_student);
            else
                r->verdict = BUD_KIT_ERROR;
            return;
        }
        best_ref = fmin(best_ref, t_ref);
        best_student = fmin(best_student, t_student);
        r->student_runs++;
    }
    r->ref_ns = best_ref;
    r->student_ns = best_student;
    r->ratio = best_student / fmax(best_ref, 1.0);
    r->verdict = r->ratio <= s->budget ? BUD_WITHIN : BUD_OVER;
}

/* The child's whole job: build, check, time. */
static void measure(const bud_spec *s, bud_result *r)
{
    bud_case *k = NULL;
    int st = bud_case_new(s, &k);
    if (st != CL_OK) {
        r->verdict = BUD_KIT_ERROR;
        snprintf(r->detail, sizeof r->detail, "cannot build the input: %s", cl_last_error());
        return;
    }
    double t_ref = 0.0, t_student = 0.0;
    r->verdict = BUD_WITHIN;
    check_once(k, s, r, &t_ref, &t_student);
    if (r->verdict == BUD_WITHIN)
        time_pairs(k, s, t_ref, t_student, r);
    bud_case_free(k);
}

/* write(2) until done; 0 or -1. */
static int write_all(int fd, const void *buf, size_t size)
{
    const char *p = buf;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/* read(2) until size bytes or end of file; the number of bytes read. */
static size_t read_all(int fd, void *buf, size_t size)
{
    char *p = buf;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, p + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

/* Asks glibc to keep freed memory instead of returning it to the system, so
 * that the timed calls do not map fresh pages for their outputs every time:
 * a cost of the kernel, not of the code, which blurs the ratios. Blocks up
 * to 32 MiB (glibc's largest threshold) then come from the heap; small
 * allocations are unaffected. */
static void keep_memory(void)
{
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

/* In the child: measure, send the result, end. The forked copy of the
 * program must not return into main (it would report the remaining budgets
 * a second time), so it ends here with _exit. */
static void child(const bud_spec *s, int fd)
{
    bud_result r;
    memset(&r, 0, sizeof r);
    signal(SIGALRM, SIG_DFL);
    keep_memory();
    measure(s, &r);
    _exit(write_all(fd, &r, sizeof r) == 0 ? 0 : 1);
}

/* The verdict of a child that sent nothing: how it ended. */
static void child_died(int wstatus, const bud_spec *s, bud_result *r)
{
    if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGALRM) {
        r->verdict = BUD_TIMED_OUT;
        snprintf(r->detail, sizeof r->detail, "one call took more than %d s", s->timeout_s);
    } else if (WIFSIGNALED(wstatus)) {
        r->verdict = BUD_CRASHED;
        r->signal = WTERMSIG(wstatus);
        snprintf(r->detail, sizeof r->detail, "%s", strsignal(r->signal));
    } else {
        r->verdict = BUD_CRASHED;
        snprintf(r->detail, sizeof r->detail, "the program exited (status %d) instead of returning",
                 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
    }
}

int bud_run(const bud_spec *s, bud_result *r)
{
    memset(r, 0, sizeof *r);
    if (!bud_student_linked(s)) {
        r->verdict = BUD_NOT_BUILT;
        return CL_OK;
    }
    int fds[2];
    if (pipe(fds) != 0)
        return cl_fail(CL_E_IO, "pipe: %s", strerror(errno));
    fflush(stdout); /* or the child would print the buffered text again */
    fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return cl_fail(CL_E_IO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        child(s, fds[1]);
    }
    close(fds[1]);
    const size_t got = read_all(fds[0], r, sizeof *r);
    close(fds[0]);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (got != sizeof *r) {
        memset(r, 0, sizeof *r);
        child_died(wstatus, s, r);
    }
    return CL_OK;
}
