/* remote.h -- the trusted side's client of the worker (floor 3).
 *
 * cl_impl_remote is an implementation table (impl.h) whose 14 functions do
 * not compute: each one sends its arguments to a running worker
 * (harness/drivers/worker.c, the only process that runs student code) over
 * the protocol of protocol.h, waits for the reply with a wall-clock timeout,
 * and unpacks it as if the student's function had run in this process, so
 * that cases.c (cl_case_call) and the properties work on it unchanged:
 *   - `out` is allocated here with cl_image_alloc and filled with the
 *     worker's output; left empty when the student did not allocate theirs;
 *   - the student's return value is returned, and their cl_fail message is
 *     recorded here (cl_last_error);
 *   - a write outside the output, seen by the worker, is reproduced on the
 *     local copy: its guard band is broken, so cl_image_guards_ok fails (for
 *     to_uint8, the byte just before `out` is changed: callers pass a buffer
 *     with guard bytes, as cases.c does);
 *   - an input the student modified is modified here too (the first changed
 *     value is written back into the caller's array), so the caller's
 *     snapshot sees which input changed. Inputs are const to students, not
 *     to this module: the arrays belong to the caller's cl_case_data.
 *
 * THE WORKER PROCESS is started from an argv (the sandbox command line, e.g.
 * {"bwrap", ..., "--", "worker_a1", NULL} or {"./worker_a1", NULL}) with
 * pipes on its standard input, output and error, in a process group of its
 * own (it dies with this process: PR_SET_PDEATHSIG). This process becomes a
 * child subreaper (PR_SET_CHILD_SUBREAPER): whatever the worker leaves
 * behind, even outside its process group, comes back here and is killed and
 * reaped with it, and at the start of every case -- so do not use a session
 * in a program that has children of its own. It starts lazily, at the
 * first call (or cl_remote_start), and says hello: which functions it has.
 * Its standard error (the student's prints) is drained continuously, without
 * blocking, and capped: the first CL_REMOTE_STDERR_KEEP bytes of each case
 * are kept for the report, the rest is counted and dropped.
 *
 * INCIDENTS. When a call times out, the worker dies (a signal, an exit, its
 * output closed), its reply is malformed, or its output is far larger than
 * the request can produce (over max(16 x the expected size, 4 MiB): a
 * flood), the whole process group is killed with SIGKILL and reaped (no
 * process is ever left behind), the reason is recorded as one sentence
 * ("timed out after 2.0 s", "crashed with signal 11 (segmentation fault)",
 * "was killed (signal 9): out of memory, or over its memory limit?",
 * "exited with status 0 during the call", "its output is 200 MB; expected
 * about 4 MB") and the function returns a CL_REMOTE_E_* status. Until
 * cl_remote_begin_case, every later call returns the same status at once
 * (one incident costs one case, not one timeout per call); the next case
 * starts a fresh worker.
 *
 * SIGNALS. cl_remote_open makes this process ignore SIGPIPE (a dead worker
 * must not kill the judge); the worker gets the default dispositions back.
 *
 * ONE SESSION AT A TIME: the functions of cl_impl_remote have the student
 * functions' signatures, so they call the session chosen with
 * cl_remote_use. Not thread-safe.
 */
#ifndef CONVLAB_REMOTE_H
#define CONVLAB_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "impl.h"

/* Statuses of the remote functions when the call did not complete. */
#define CL_REMOTE_E_TIMEOUT (-101)   /* timed out; the worker was killed */
#define CL_REMOTE_E_CRASHED (-102)   /* the worker died during the call */
#define CL_REMOTE_E_PROTOCOL (-103)  /* malformed reply; the worker was killed */
#define CL_REMOTE_E_FLOOD (-104)     /* output far larger than expected */
#define CL_REMOTE_E_NOT_BUILT (-105) /* the worker does not have this function */
#define CL_REMOTE_E_START (-106)     /* the worker cannot be started (exec failed) */
#define CL_REMOTE_E_KIT (-107)       /* a problem on the trusted side (memory, a bad call) */

#define CL_REMOTE_STDERR_KEEP 4096

typedef enum cl_remote_incident {
    CL_REMOTE_NONE = 0,
    CL_REMOTE_TIMEOUT,
    CL_REMOTE_CRASHED,
    CL_REMOTE_PROTOCOL,
    CL_REMOTE_FLOOD,
    CL_REMOTE_NOT_BUILT,
    CL_REMOTE_START,
    CL_REMOTE_KIT
} cl_remote_incident;

/* What happened in the current case (since cl_remote_begin_case). */
typedef struct cl_remote_report {
    cl_remote_incident incident; /* the first incident, or CL_REMOTE_NONE */
    char function[32];           /* the function of that incident's call */
    char message[512];           /* its sentence, without the function's name */
    int during_start;            /* it happened while the worker was starting */
    int calls;                   /* calls sent to the worker */
    double seconds;              /* their wall time, request to reply */
    int not_implemented;         /* some call returned CL_E_NOT_IMPLEMENTED */
    char err[CL_REMOTE_STDERR_KEEP + 1]; /* the first bytes of the worker's standard
                                            error, NUL-terminated (may hold other NULs) */
    size_t err_kept;                     /* bytes in err */
    size_t err_total;                    /* bytes the worker wrote in all */
    int restarts;                        /* workers started in this case */
} cl_remote_report;

typedef struct cl_remote cl_remote;

/* A session that will run argv (copied; argv[0] is looked up in PATH when it
 * has no '/'). The worker is not started yet. Errors: CL_E_ARG, CL_E_NOMEM. */
int cl_remote_open(cl_remote **out, char *const argv[]);

/* Asks the worker to quit, waits up to a second, kills its process group,
 * reaps it and frees the session. NULL is fine. */
void cl_remote_close(cl_remote *r);

/* Starts the worker now (when not running) and says hello. Returns CL_OK, or
 * the CL_REMOTE_E_* status of the incident (cl_remote_report says why):
 * CL_REMOTE_E_START when the program cannot be executed at all. */
int cl_remote_start(cl_remote *r);

/* The functions the worker said it has: bit (1 << cl_fn). 0 before hello. */
uint32_t cl_remote_functions(const cl_remote *r);

/* The wall-clock limit of each call from now on (seconds, > 0; default 10). */
void cl_remote_set_timeout(cl_remote *r, double seconds);

/* A new case: clears the report and lifts the barrier of an incident. */
void cl_remote_begin_case(cl_remote *r);

/* The report of the current case (drains the worker's standard error first). */
const cl_remote_report *cl_remote_report_of(cl_remote *r);

/* The session whose worker cl_impl_remote's functions call (NULL: none; they
 * then return CL_REMOTE_E_KIT). */
void cl_remote_use(cl_remote *r);

extern const cl_impl cl_impl_remote;

/* TIMING (judge_perf.c). The trusted side times the student's function
 * itself, without the transfer of its data:
 *   cl_remote_prepare_next(r); then one call of a cl_impl_remote function
 *       (e.g. through cl_case_call_bare): its arguments are sent as PREPARE
 *       and kept by the worker; nothing runs; it returns CL_OK with no output.
 *   cl_remote_go: changes value `index` of the first image to `bits`
 *       (CL_PROTO_GO_NO_CHANGE: none), runs the prepared call; *seconds is
 *       the wall time from request to reply, *status what the student's
 *       function returned. The per-call timeout (cl_remote_set_timeout) and
 *       all incidents apply as for any call.
 *   cl_remote_fetch: the output of the last GO into out (allocated here, as
 *       for a call), *status its return value.
 * Each returns CL_OK or the CL_REMOTE_E_* status of an incident. */
void cl_remote_prepare_next(cl_remote *r);
int cl_remote_go(cl_remote *r, uint64_t index, uint32_t bits, double *seconds, int *status);
int cl_remote_fetch(cl_remote *r, cl_image *out, int *status);

#endif /* CONVLAB_REMOTE_H */
