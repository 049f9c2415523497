/* remote.c -- the trusted side's client of the worker (see remote.h).
 *
 * Sections: the session; the worker process (spawn, wait, kill, reap, the
 * sentence of a death); its standard error (drained, capped); moving bytes
 * with a deadline (poll); one request and its reply (hello, call, the
 * incidents); unpacking a reply as the student's function would have left
 * things; the 14 functions of cl_impl_remote.
 *
 * Nothing the worker sends is trusted: frames are parsed by protocol.c with
 * every size checked, a reply longer than the request can justify is a flood
 * and is refused from its header, indices into the caller's arrays are
 * checked, and the worker is killed and restarted whenever it misbehaves.
 */
#define _GNU_SOURCE
#include "remote.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cases.h"
#include "protocol.h"

#define DEFAULT_TIMEOUT 10.0
#define HELLO_TIMEOUT 5.0   /* at least this long to start and say hello */
#define EXIT_GRACE 1.0      /* seconds a dying or quitting worker gets */
#define FLOOD_FACTOR 16.0   /* a reply may be this many times the expected size */
#define FLOOD_FLOOR ((double)(4u << 20)) /* ... and always this many bytes */
#define REPLY_SLACK (64u << 10)          /* error message, flags, sizes */

struct cl_remote {
    char **argv;  /* owned copy, NULL-terminated */
    char *path;   /* argv[0] resolved against PATH */
    pid_t pid;    /* 0: not running */
    int to_fd, from_fd, err_fd;
    uint32_t seq;
    uint32_t functions;
    double timeout;
    cl_proto_buf req;
    uint8_t *payload;
    size_t payload_cap;
    int barrier;  /* status every call returns until the next case; 0: none */
    int starting; /* between spawn and hello */
    cl_remote_report rep;
    int prepare_next;      /* timing: the next call is sent as PREPARE */
    cl_fn prep_fn;         /* timing: the prepared call's function, */
    size_t prep_limit;     /* the largest reply its FETCH may get, */
    double prep_expected;  /* and the bytes of its output */
};

static cl_remote *current;

static double now_s(void)
{
    return (double)cl_now_ns() * 1e-9;
}

/* ============================================================ the session */

/* argv[0] when it names a path, else the first executable PATH entry
 * (looked up here, before fork: the child only calls execv). */
static char *resolve(const char *prog)
{
    if (strchr(prog, '/')) return strdup(prog);
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        char *cand = malloc(n + strlen(prog) + 2);
        if (!cand) return NULL;
        snprintf(cand, n + strlen(prog) + 2, "%.*s%s%s", (int)n, p, n ? "/" : "", prog);
        if (access(cand, X_OK) == 0) return cand;
        free(cand);
        p += n + (p[n] == ':');
    }
    return strdup(prog); /* execv fails and says so */
}

int cl_remote_open(cl_remote **out, char *const argv[])
{
    *out = NULL;
    if (!argv || !argv[0]) return cl_fail(CL_E_ARG, "the worker command is empty");
    cl_remote *r = calloc(1, sizeof *r);
    int n = 0;
    while (argv[n]) n++;
    if (r) r->argv = calloc((size_t)n + 1, sizeof *r->argv);
    for (int i = 0; r && r->argv && i < n; i++)
        if (!(r->argv[i] = strdup(argv[i]))) n = -1;
    if (r && r->argv && n >= 0) r->path = resolve(argv[0]);
    if (!r || !r->argv || !r->path) {
        cl_remote_close(r);
        return cl_fail(CL_E_NOMEM, "out of memory for the worker command");
    }
    r->to_fd = r->from_fd = r->err_fd = -1;
    r->timeout = DEFAULT_TIMEOUT;
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1); /* what the worker leaves behind comes back here */
    *out = r;
    return CL_OK;
}

uint32_t cl_remote_functions(const cl_remote *r)
{
    return r ? r->functions : 0;
}

void cl_remote_set_timeout(cl_remote *r, double seconds)
{
    if (r && seconds > 0) r->timeout = seconds;
}

void cl_remote_use(cl_remote *r)
{
    current = r;
}

/* ====================================================== the worker process */

static void close_fd(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child(const cl_remote *r, pid_t parent, const int in[2], const int out[2],
                  const int err[2], int report)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGPIPE, SIG_DFL);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) _exit(127);
    /* every other descriptor of the judge stays behind */
    if (report > 3) close_range(3, (unsigned)report - 1, 0);
    close_range((unsigned)report + 1, ~0u, 0);
    execv(r->path, r->argv);
    int e = errno;
    ssize_t ignored = write(report, &e, sizeof e);
    (void)ignored;
    _exit(127);
}

static int set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Reads the child's exec report: 0 when exec succeeded, else its errno. */
static int exec_result(int fd)
{
    int e = 0;
    ssize_t n;
    do n = read(fd, &e, sizeof e);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof e ? e : 0;
}

static void close_pipes(int p[][2], int n)
{
    for (int i = 0; i < n; i++) close_fd(&p[i][0]), close_fd(&p[i][1]);
}

/* Starts the worker. Returns CL_OK, or the errno of a failed exec (> 0), or
 * -1 when pipes or fork failed (errno says why). */
static int spawn(cl_remote *r)
{
    int p[4][2] = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}}; /* in, out, err, exec report */
    for (int i = 0; i < 4; i++)
        if (pipe2(p[i], O_CLOEXEC) != 0) return close_pipes(p, 4), -1;
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) return close_pipes(p, 4), -1;
    if (pid == 0) child(r, parent, p[0], p[1], p[2], p[3][1]);
    setpgid(pid, pid); /* also here: no race with a kill before the child ran */
    close_fd(&p[0][0]), close_fd(&p[1][1]), close_fd(&p[2][1]), close_fd(&p[3][1]);
    int e = exec_result(p[3][0]);
    close_fd(&p[3][0]);
    if (e) {
        close_pipes(p, 3);
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) continue;
        return e;
    }
    r->pid = pid, r->to_fd = p[0][1], r->from_fd = p[1][0], r->err_fd = p[2][0];
    set_nonblocking(r->to_fd), set_nonblocking(r->from_fd), set_nonblocking(r->err_fd);
    r->functions = 0;
    return CL_OK;
}

static void drain_err(cl_remote *r);

/* Waits up to `seconds` for the worker to end by itself, without reaping it
 * (so its process group cannot be reused before it is killed). Returns 1 with
 * the way it ended in *code (CLD_EXITED, CLD_KILLED, CLD_DUMPED) and
 * *status (exit status or signal), or 0 while it still runs. */
static int wait_end(cl_remote *r, double seconds, int *code, int *status)
{
    double until = now_s() + seconds;
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid) {
            *code = si.si_code, *status = si.si_status;
            return 1;
        }
        if (now_s() >= until) return 0;
        drain_err(r);
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Kills and reaps the children of this process listed in one task's
 * /proc/self/task/TID/children file (zombies included), except `keep`.
 * Returns how many. */
static int kill_listed(const char *path, pid_t keep)
{
    FILE *f = fopen(path, "r");
    int n = 0;
    long pid;
    while (f && fscanf(f, "%ld", &pid) == 1) {
        if (pid <= 0 || (pid_t)pid == keep) continue;
        kill((pid_t)pid, SIGKILL);
        while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR) continue;
        n++;
    }
    if (f) fclose(f);
    return n;
}

/* Processes the student's code left behind: this process is a child
 * subreaper, so the worker's descendants that outlive their parent (even
 * those that left its process group) become our children. Kills and reaps
 * every child but `keep` (the running worker, or 0), a few rounds (a killed
 * process's own children come back to us in turn). Without /proc, only
 * reaps zombies, and only when no worker runs. */
static void sweep_strays(pid_t keep)
{
    for (int round = 0; round < 50; round++) {
        DIR *d = opendir("/proc/self/task");
        struct dirent *e;
        int n = 0;
        char path[300];
        while (d && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            snprintf(path, sizeof path, "/proc/self/task/%s/children", e->d_name);
            n += kill_listed(path, keep);
        }
        if (d) closedir(d);
        if (n == 0) break;
    }
    while (keep == 0 && waitpid(-1, NULL, WNOHANG) > 0) continue;
}

/* Kills the whole process group, reaps the worker, keeps the last of its
 * standard error, closes the pipes. */
static void kill_and_reap(cl_remote *r)
{
    if (r->pid <= 0) return;
    kill(-r->pid, SIGKILL);
    kill(r->pid, SIGKILL);
    while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR) continue;
    r->pid = 0;
    sweep_strays(0);
    close_fd(&r->to_fd);
    close_fd(&r->from_fd);
    for (int i = 0; i < 20 && r->err_fd >= 0; i++) { /* what is left in the pipe */
        struct pollfd p = {r->err_fd, POLLIN, 0};
        if (poll(&p, 1, 5) <= 0) break;
        drain_err(r);
    }
    close_fd(&r->err_fd);
    r->functions = 0;
}

/* The sentence of a signal. */
static const char *signal_sentence(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "segmentation fault: a read or write outside an array, or through a NULL pointer";
    case SIGBUS: return "bus error: a misaligned or invalid address";
    case SIGFPE: return "arithmetic error: an integer division by zero?";
    case SIGABRT:
        return "abort: often the C library detecting a corrupted heap (a write out of bounds, a "
               "double free)";
    case SIGILL: return "illegal instruction";
    case SIGSYS: return "a forbidden system call";
    case SIGTRAP: return "trap";
    default: return strsignal(sig);
    }
}

static void describe_signal(int sig, char *buf, size_t size)
{
    if (sig == SIGKILL)
        snprintf(buf, size, "was killed (signal 9): out of memory, or over its memory limit?");
    else if (sig == SIGXCPU)
        snprintf(buf, size, "went over its CPU time limit (signal %d)", sig);
    else if (sig == SIGXFSZ)
        snprintf(buf, size, "went over its file size limit (signal %d)", sig);
    else
        snprintf(buf, size, "crashed with signal %d (%s)", sig, signal_sentence(sig));
}

/* How the worker ended, as a sentence. A sandbox (bubblewrap) reports a
 * child killed by signal S as exit status 128 + S. */
static void describe_end(int code, int status, char *buf, size_t size)
{
    if (code == CLD_KILLED || code == CLD_DUMPED) {
        describe_signal(status, buf, size);
    } else if (status > 128 && status < 128 + 65) {
        char sig[300];
        describe_signal(status - 128, sig, sizeof sig);
        snprintf(buf, size, "%s (exit status %d from the sandbox)", sig, status);
    } else {
        snprintf(buf, size, "exited with status %d during the call", status);
    }
}

/* =========================================================== standard error */

/* Reads whatever the worker wrote on standard error, keeps the first
 * CL_REMOTE_STDERR_KEEP bytes of the case, counts the rest. Never blocks. */
static void drain_err(cl_remote *r)
{
    char buf[65536];
    while (r->err_fd >= 0) {
        ssize_t n = read(r->err_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return; /* EAGAIN: nothing more now */
        if (n == 0) {
            close_fd(&r->err_fd);
            return;
        }
        cl_remote_report *p = &r->rep;
        size_t room = CL_REMOTE_STDERR_KEEP - p->err_kept;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(p->err + p->err_kept, buf, take);
        p->err_kept += take;
        p->err[p->err_kept] = '\0';
        p->err_total += (size_t)n;
    }
}

void cl_remote_begin_case(cl_remote *r)
{
    if (!r) return;
    sweep_strays(r->pid > 0 ? r->pid : 0); /* nothing of the last case runs on */
    drain_err(r);                          /* what came between cases belongs to none */
    memset(&r->rep, 0, sizeof r->rep);
    r->barrier = 0;
}

const cl_remote_report *cl_remote_report_of(cl_remote *r)
{
    drain_err(r);
    return &r->rep;
}

/* ======================================================= bytes and deadline */

typedef enum io_result { IO_OK, IO_TIMEOUT, IO_CLOSED } io_result;

static int poll_ms(double deadline)
{
    double left = deadline - now_s();
    return left <= 0 ? 0 : (int)ceil(left * 1000.0);
}

/* Writes w[0..wlen) to the worker, then reads exactly rlen bytes into rb,
 * before the deadline, draining standard error all along. */
static io_result pump(cl_remote *r, const uint8_t *w, size_t wlen, uint8_t *rb, size_t rlen,
                      double deadline)
{
    size_t wdone = 0, rdone = 0;
    while (wdone < wlen || rdone < rlen) {
        int writing = wdone < wlen, ms = poll_ms(deadline);
        if (ms == 0) return IO_TIMEOUT;
        struct pollfd p[2] = {{writing ? r->to_fd : r->from_fd, writing ? POLLOUT : POLLIN, 0},
                              {r->err_fd, POLLIN, 0}};
        int n = poll(p, r->err_fd >= 0 ? 2 : 1, ms);
        if (n < 0 && errno != EINTR) return IO_CLOSED;
        if (n <= 0) continue;
        if (r->err_fd >= 0 && p[1].revents) drain_err(r);
        if (!p[0].revents) continue;
        ssize_t k = writing ? write(r->to_fd, w + wdone, wlen - wdone)
                            : read(r->from_fd, rb + rdone, rlen - rdone);
        if (k < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (k <= 0) return IO_CLOSED;
        if (writing) wdone += (size_t)k;
        else rdone += (size_t)k;
    }
    return IO_OK;
}

/* ====================================================== requests, incidents */

/* Records the first incident of the case and raises the barrier. */
static int incident(cl_remote *r, cl_remote_incident kind, int status, const char *fn,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static int incident(cl_remote *r, cl_remote_incident kind, int status, const char *fn,
                    const char *fmt, ...)
{
    if (r->rep.incident == CL_REMOTE_NONE) {
        va_list ap;
        r->rep.incident = kind;
        r->rep.during_start = r->starting;
        snprintf(r->rep.function, sizeof r->rep.function, "%s", fn);
        va_start(ap, fmt);
        vsnprintf(r->rep.message, sizeof r->rep.message, fmt, ap);
        va_end(ap);
    }
    r->barrier = status;
    return cl_fail(status, "%s: the worker %s", fn, r->rep.message);
}

/* The worker closed a pipe: how it ended (or that it closed its output). */
static int worker_died(cl_remote *r, const char *fn, const char *when)
{
    int code = 0, status = 0;
    char what[400];
    if (wait_end(r, EXIT_GRACE, &code, &status))
        describe_end(code, status, what, sizeof what);
    else
        snprintf(what, sizeof what, "closed its output");
    kill_and_reap(r);
    return incident(r, CL_REMOTE_CRASHED, CL_REMOTE_E_CRASHED, fn, "%s%s", what, when);
}

static int timed_out(cl_remote *r, const char *fn, double limit, const char *when)
{
    kill_and_reap(r);
    return incident(r, CL_REMOTE_TIMEOUT, CL_REMOTE_E_TIMEOUT, fn, "timed out after %.1f s%s",
                    limit, when);
}

static int malformed(cl_remote *r, const char *fn, const char *why)
{
    char msg[300];
    snprintf(msg, sizeof msg, "%s", why); /* why may be cl_last_error's buffer */
    kill_and_reap(r);
    return incident(r, CL_REMOTE_PROTOCOL, CL_REMOTE_E_PROTOCOL, fn,
                    "sent a malformed reply (%s): did your code write to a file descriptor it "
                    "does not own?",
                    msg);
}

/* "200 MB", "4.0 MB", "12 KB", "96 bytes". */
static void human_bytes(double b, char *buf, size_t size)
{
    if (b >= 10e6) snprintf(buf, size, "%.0f MB", b / 1e6);
    else if (b >= 1e6) snprintf(buf, size, "%.1f MB", b / 1e6);
    else if (b >= 1e3) snprintf(buf, size, "%.0f KB", b / 1e3);
    else snprintf(buf, size, "%.0f bytes", b);
}

static int flooded(cl_remote *r, const char *fn, double got, double expected, int kill_it)
{
    char g[32], e[32];
    human_bytes(got, g, sizeof g);
    human_bytes(expected, e, sizeof e);
    if (kill_it) kill_and_reap(r);
    return incident(r, CL_REMOTE_FLOOD, CL_REMOTE_E_FLOOD, fn,
                    "returned far too much: your output is %s; expected about %s", g, e);
}

/* Sends r->req, waits for a reply of kind `want` of at most max_reply
 * payload bytes into r->payload. Returns CL_OK or an incident's status. */
static int transact(cl_remote *r, int want, size_t max_reply, double expected_bytes,
                    double timeout, const char *fn, const char *when, size_t *len)
{
    uint8_t hb[CL_PROTO_HEADER_BYTES];
    cl_proto_header h;
    double t0 = now_s(), deadline = t0 + timeout;
    io_result io = pump(r, r->req.data, r->req.len, hb, sizeof hb, deadline);
    if (io == IO_TIMEOUT) return timed_out(r, fn, timeout, when);
    if (io == IO_CLOSED) return worker_died(r, fn, when);
    int st = cl_proto_header_parse(hb, max_reply, &h);
    if (st == CL_E_TOOBIG && h.kind == want && want == CL_PROTO_REPLY)
        return flooded(r, fn, (double)h.length, expected_bytes, 1);
    if (st != CL_OK) return malformed(r, fn, cl_last_error());
    if (h.kind != want || h.seq != r->seq) return malformed(r, fn, "a reply to another request");
    if (h.length > r->payload_cap) {
        uint8_t *p = realloc(r->payload, h.length);
        if (!p) return malformed(r, fn, "no memory for it here");
        r->payload = p, r->payload_cap = h.length;
    }
    io = pump(r, NULL, 0, r->payload, h.length, deadline);
    r->rep.seconds += now_s() - t0;
    if (io == IO_TIMEOUT) return timed_out(r, fn, timeout, when);
    if (io == IO_CLOSED) return worker_died(r, fn, when);
    *len = h.length;
    return CL_OK;
}

static const char *const STARTING = " while starting, before any of your functions was called";

/* Says hello to a freshly started worker: which functions it has. */
static int hello(cl_remote *r, const char *fn)
{
    size_t len = 0;
    cl_proto_hello h;
    int st = cl_proto_encode_empty(&r->req, CL_PROTO_HELLO, ++r->seq);
    if (st != CL_OK) return incident(r, CL_REMOTE_KIT, CL_REMOTE_E_KIT, fn, "%s", cl_last_error());
    double limit = r->timeout > HELLO_TIMEOUT ? r->timeout : HELLO_TIMEOUT;
    st = transact(r, CL_PROTO_HELLO_REPLY, 4096, 0, limit, fn, STARTING, &len);
    if (st == CL_OK && cl_proto_decode_hello_reply(r->payload, len, &h) != CL_OK)
        st = malformed(r, fn, cl_last_error());
    if (st == CL_OK) r->functions = h.functions;
    return st;
}

/* Starts the worker when it is not running and says hello. */
static int ensure_started(cl_remote *r, const char *fn)
{
    if (r->pid > 0) return CL_OK;
    r->starting = 1;
    int e = spawn(r), st;
    if (e != CL_OK)
        st = incident(r, CL_REMOTE_START, CL_REMOTE_E_START, fn, "cannot be started: %s: %s",
                      r->argv[0], strerror(e > 0 ? e : errno));
    else
        r->rep.restarts++, st = hello(r, fn);
    r->starting = 0;
    return st;
}

int cl_remote_start(cl_remote *r)
{
    if (!r) return cl_fail(CL_E_ARG, "no session");
    if (r->barrier) return r->barrier;
    return ensure_started(r, "hello");
}

static int send_quit(cl_remote *r)
{
    if (r->pid <= 0 || cl_proto_encode_empty(&r->req, CL_PROTO_QUIT, ++r->seq) != CL_OK) return -1;
    return pump(r, r->req.data, r->req.len, NULL, 0, now_s() + EXIT_GRACE) == IO_OK ? 0 : -1;
}

void cl_remote_close(cl_remote *r)
{
    if (!r) return;
    if (current == r) current = NULL;
    if (r->pid > 0) {
        int code, status;
        send_quit(r);
        close_fd(&r->to_fd);
        wait_end(r, EXIT_GRACE, &code, &status);
        kill_and_reap(r); /* stragglers of its group too */
    }
    for (int i = 0; r->argv && r->argv[i]; i++) free(r->argv[i]);
    free(r->argv);
    free(r->path);
    free(r->payload);
    cl_proto_buf_free(&r->req);
    free(r);
}

/* ================================================= expected sizes (floods) */

static double count_of(const cl_image *im)
{
    return im && im->data ? (double)cl_image_count(im) : 0;
}

/* Values of a sliding-window output, or -1 when the sizes are invalid. */
static double window_values(const cl_image *a, int kh, int kw, int sy, int sx, cl_mode m,
                            int channels)
{
    if (!a) return -1;
    int oh = cl_output_size(a->h, kh, sy, m), ow = cl_output_size(a->w, kw, sx, m);
    return oh > 0 && ow > 0 ? (double)a->n * oh * ow * channels : -1;
}

static double transpose_values(const cl_image *a, const cl_weights *w, int sy, int sx, cl_mode m)
{
    int off;
    if (!a || !w) return -1;
    int oh = cl_transpose_output_size(a->h, w->kh, sy, m, &off);
    int ow = cl_transpose_output_size(a->w, w->kw, sx, m, &off);
    return oh > 0 && ow > 0 ? (double)a->n * oh * ow * w->cout : -1; /* cout: the layer's */
}

/* About how many values the output of call c has (0 when unknown). */
static double expected_values(const cl_proto_call *c)
{
    const cl_image *a = c->images[0], *k = c->images[1];
    const cl_weights *w = c->weights;
    const int32_t *i = c->ints;
    switch (c->fn) {
    case CL_FN_GET_SUBIMAGES:
        return a ? window_values(a, i[0], i[1], 1, 1, CL_MODE_VALID, a->c) * i[0] * i[1] : -1;
    case CL_FN_IM_CONV:
    case CL_FN_IM_CONV_FAST:
        return a && k ? window_values(a, k->h, k->w, 1, 1, CL_MODE_VALID, a->c) : -1;
    case CL_FN_IM_CONV_OPTS:
        return a && k ? window_values(a, k->h, k->w, i[2], i[3], (cl_mode)i[0], a->c) : -1;
    case CL_FN_PAD_IMAGE:
        return a ? (double)a->n * a->c * fmax(a->h + (double)i[0] + i[1], 0) *
                       fmax(a->w + (double)i[2] + i[3], 0)
                 : -1;
    case CL_FN_CONV2D:
        return w ? window_values(a, w->kh, w->kw, i[0], i[1], (cl_mode)i[2], w->cout) : -1;
    case CL_FN_CONV2D_TRANSPOSE: return transpose_values(a, w, i[0], i[1], (cl_mode)i[2]);
    case CL_FN_MAX_POOL2D:
    case CL_FN_AVG_POOL2D:
        return a ? window_values(a, i[0], i[1], i[2], i[3], (cl_mode)i[4], a->c) : -1;
    case CL_FN_UPSAMPLE: return count_of(a) * fmax(i[0], 1) * fmax(i[1], 1);
    default: return count_of(a);
    }
}

/* The largest reply payload accepted for call c, and the expected output
 * size in bytes for the flood message. */
static size_t reply_limit(const cl_proto_call *c, double *expected_bytes)
{
    double v = expected_values(c), in = count_of(c->images[0]);
    double bytes = 4.0 * (v > 0 ? v : in);
    double limit = fmax(FLOOD_FACTOR * bytes, FLOOD_FLOOR) + REPLY_SLACK;
    *expected_bytes = bytes;
    return limit >= (double)CL_PROTO_MAX_FRAME ? CL_PROTO_MAX_FRAME : (size_t)limit;
}

/* =================================================================== calls */

/* The caller's array behind a modification slot (inputs are const to the
 * student, not to us: see remote.h), and its length. */
static float *slot_array(const cl_proto_call *c, int slot, size_t *n)
{
    const cl_image *im = slot <= CL_PROTO_SLOT_IMAGE1 ? c->images[slot] : NULL;
    *n = 0;
    if (im && im->data) return *n = cl_image_count(im), im->data;
    if (slot == CL_PROTO_SLOT_WEIGHTS && c->weights && c->weights->data) {
        const cl_weights *w = c->weights;
        *n = (size_t)w->kh * w->kw * w->cin * w->cout;
        return w->data;
    }
    if (slot == CL_PROTO_SLOT_BIAS && c->bias) return *n = (size_t)c->nbias, (float *)c->bias;
    return NULL;
}

/* Writes back the first changed value of every input the student modified. */
static int apply_mods(cl_remote *r, const cl_proto_call *c, const cl_proto_reply *p,
                      const char *fn)
{
    for (int i = 0; i < p->nmods; i++) {
        size_t n;
        float *a = slot_array(c, p->mods[i].slot, &n);
        if (!a || p->mods[i].index >= n) return malformed(r, fn, "a change outside the inputs");
        memcpy(&a[p->mods[i].index], &p->mods[i].bits, sizeof(float));
    }
    return CL_OK;
}

/* ================================================================= timing */

static int finish_image(const cl_proto_reply *p, cl_image *out);

/* Sends c as PREPARE and waits for READY; *p says "no output". */
static int prepare(cl_remote *r, const cl_proto_call *c, cl_proto_reply *p, const char *fn)
{
    size_t len = 0;
    r->prepare_next = 0;
    if (cl_proto_encode_prepare(&r->req, ++r->seq, c) != CL_OK)
        return incident(r, CL_REMOTE_KIT, CL_REMOTE_E_KIT, fn, "cannot be sent this call: %s",
                        cl_last_error());
    r->prep_fn = (cl_fn)c->fn;
    r->prep_limit = reply_limit(c, &r->prep_expected);
    int st = transact(r, CL_PROTO_READY, 64, 0, r->timeout, fn, " while receiving its input",
                      &len);
    if (st != CL_OK) return st;
    memset(p, 0, sizeof *p);
    cl_fail(CL_OK, NULL);
    return CL_OK;
}

void cl_remote_prepare_next(cl_remote *r)
{
    if (r) r->prepare_next = 1;
}

int cl_remote_go(cl_remote *r, uint64_t index, uint32_t bits, double *seconds, int *status)
{
    size_t len = 0;
    int32_t s = 0;
    *seconds = 0, *status = 0;
    if (!r) return cl_fail(CL_REMOTE_E_KIT, "no session");
    const char *fn = cl_fn_name(r->prep_fn);
    if (r->barrier) return cl_fail(r->barrier, "%s: the worker %s", fn, r->rep.message);
    if (r->pid <= 0) return cl_fail(CL_REMOTE_E_KIT, "%s: GO before PREPARE", fn);
    if (cl_proto_encode_go(&r->req, ++r->seq, index, bits) != CL_OK)
        return incident(r, CL_REMOTE_KIT, CL_REMOTE_E_KIT, fn, "%s", cl_last_error());
    r->rep.calls++;
    double t0 = now_s();
    int st = transact(r, CL_PROTO_DONE, 64, 0, r->timeout, fn, "", &len);
    *seconds = now_s() - t0;
    if (st != CL_OK) return st;
    if (cl_proto_decode_done(r->payload, len, &s) != CL_OK)
        return malformed(r, fn, cl_last_error());
    if (s == CL_E_NOT_IMPLEMENTED) r->rep.not_implemented = 1;
    *status = s;
    return CL_OK;
}

int cl_remote_fetch(cl_remote *r, cl_image *out, int *status)
{
    static cl_proto_reply p;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    *status = 0;
    if (!r) return cl_fail(CL_REMOTE_E_KIT, "no session");
    const char *fn = cl_fn_name(r->prep_fn);
    if (r->barrier) return cl_fail(r->barrier, "%s: the worker %s", fn, r->rep.message);
    if (cl_proto_encode_empty(&r->req, CL_PROTO_FETCH, ++r->seq) != CL_OK)
        return incident(r, CL_REMOTE_KIT, CL_REMOTE_E_KIT, fn, "%s", cl_last_error());
    int st = transact(r, CL_PROTO_REPLY, r->prep_limit, r->prep_expected, r->timeout, fn,
                      " while sending its output", &len);
    if (st != CL_OK) return st;
    if (cl_proto_decode_reply(r->payload, len, &p) != CL_OK) return malformed(r, fn, cl_last_error());
    if (p.out_kind == CL_PROTO_OUT_SHAPE && (p.flags & CL_PROTO_F_TOO_BIG))
        return flooded(r, fn, 4.0 * p.n * p.h * p.w * p.c, r->prep_expected, 0);
    if (p.out_kind == CL_PROTO_OUT_BYTES) return malformed(r, fn, "bytes for an image");
    if (p.error[0])
        cl_fail(p.status, "%s", p.error);
    else
        cl_fail(CL_OK, NULL);
    *status = finish_image(&p, out);
    return CL_OK;
}

/* Sends call c of function fn, receives and checks the reply into *p. */
static int remote_call(cl_proto_call *c, cl_proto_reply *p)
{
    cl_remote *r = current;
    const char *fn = cl_fn_name((cl_fn)c->fn);
    size_t len = 0;
    double expected;
    if (!r) return cl_fail(CL_REMOTE_E_KIT, "%s: no worker session (cl_remote_use)", fn);
    if (r->barrier) return cl_fail(r->barrier, "%s: the worker %s", fn, r->rep.message);
    int st = ensure_started(r, fn);
    if (st != CL_OK) return st;
    if (!(r->functions & (1u << c->fn)))
        return incident(r, CL_REMOTE_NOT_BUILT, CL_REMOTE_E_NOT_BUILT, fn,
                        "does not have %s: its part file was not compiled into the worker", fn);
    if (r->prepare_next) return prepare(r, c, p, fn);
    if (cl_proto_encode_call(&r->req, ++r->seq, c) != CL_OK)
        return incident(r, CL_REMOTE_KIT, CL_REMOTE_E_KIT, fn, "cannot be sent this call: %s",
                        cl_last_error());
    size_t limit = reply_limit(c, &expected);
    r->rep.calls++;
    st = transact(r, CL_PROTO_REPLY, limit, expected, r->timeout, fn, "", &len);
    if (st != CL_OK) return st;
    if (cl_proto_decode_reply(r->payload, len, p) != CL_OK)
        return malformed(r, fn, cl_last_error());
    if (p->flags & CL_PROTO_F_BAD_CALL)
        return incident(r, CL_REMOTE_KIT, CL_REMOTE_E_KIT, fn, "refused the call: %s", p->error);
    if (p->flags & CL_PROTO_F_NOT_BUILT)
        return incident(r, CL_REMOTE_NOT_BUILT, CL_REMOTE_E_NOT_BUILT, fn,
                        "does not have %s: its part file was not compiled into the worker", fn);
    if (p->out_kind == CL_PROTO_OUT_SHAPE && (p->flags & CL_PROTO_F_TOO_BIG))
        return flooded(r, fn, 4.0 * p->n * p->h * p->w * p->c, expected, 0);
    if ((st = apply_mods(r, c, p, fn)) != CL_OK) return st;
    if (p->status == CL_E_NOT_IMPLEMENTED) r->rep.not_implemented = 1;
    if (p->error[0]) /* the student's cl_fail message, here as it was there */
        cl_fail(p->status, "%s", p->error);
    else
        cl_fail(CL_OK, NULL);
    return CL_OK;
}

/* A broken guard band on our copy of an output whose guards the student
 * broke in the worker: the block is ours, its back guard follows the data. */
static void break_guard(cl_image *out)
{
    uint32_t bits = 0;
    memcpy(out->data + cl_image_count(out), &bits, sizeof bits);
}

/* Leaves out as the student's call left theirs; returns their status. */
static int finish_image(const cl_proto_reply *p, cl_image *out)
{
    int st = p->status, n = p->n, h = p->h, w = p->w, c = p->c;
    if (p->out_kind == CL_PROTO_OUT_NONE) return st;
    if (p->out_kind == CL_PROTO_OUT_IMAGE) {
        if (cl_image_alloc(out, n, h, w, c) != CL_OK) return CL_E_NOMEM;
        cl_proto_read_floats(out->data, p->out_data, p->count);
        return st;
    }
    if (p->out_kind == CL_PROTO_OUT_SHAPE && (p->flags & CL_PROTO_F_OUT_OF_BOUNDS)) {
        double v = (double)n * h * w * c;
        if (n < 1 || h < 1 || w < 1 || c < 1 || v > 1e6)
            n = h = w = c = 1; /* only its broken guard matters */
        if (cl_image_alloc(out, n, h, w, c) != CL_OK) return CL_E_NOMEM;
        break_guard(out);
    }
    return st;
}

/* An image function: call c, then out as the student left it. */
static int image_call(cl_proto_call *c, cl_image *out)
{
    static cl_proto_reply p;
    int st = remote_call(c, &p);
    if (st != CL_OK) return st;
    if (p.out_kind == CL_PROTO_OUT_BYTES)
        return malformed(current, cl_fn_name((cl_fn)c->fn), "bytes for an image");
    return out ? finish_image(&p, out) : p.status;
}

static cl_proto_call make_call(cl_fn fn, const cl_image *a, const cl_image *b, int nimages)
{
    cl_proto_call c;
    memset(&c, 0, sizeof c);
    c.fn = fn, c.nimages = nimages, c.images[0] = a, c.images[1] = b;
    return c;
}

static void set_ints(cl_proto_call *c, int n, const int *v)
{
    c->nints = n;
    for (int i = 0; i < n; i++) c->ints[i] = v[i];
}

/* ============================================================ the functions */

static int r_conv_output_size(int in, int k, int stride, cl_mode mode)
{
    static cl_proto_reply p;
    cl_proto_call c = make_call(CL_FN_CONV_OUTPUT_SIZE, NULL, NULL, 0);
    set_ints(&c, 4, (int[]){in, k, stride, (int)mode});
    int st = remote_call(&c, &p);
    return st != CL_OK ? st : p.status;
}

static int r_get_subimages(const cl_image *img, int kh, int kw, cl_image *out)
{
    cl_proto_call c = make_call(CL_FN_GET_SUBIMAGES, img, NULL, 1);
    set_ints(&c, 2, (int[]){kh, kw});
    return image_call(&c, out);
}

static int r_im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    cl_proto_call c = make_call(CL_FN_IM_CONV, img, kernel, 2);
    return image_call(&c, out);
}

static int r_im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    cl_proto_call c = make_call(CL_FN_IM_CONV_FAST, img, kernel, 2);
    return image_call(&c, out);
}

static int r_flip_kernel(const cl_image *kernel, cl_image *out)
{
    cl_proto_call c = make_call(CL_FN_FLIP_KERNEL, kernel, NULL, 1);
    return image_call(&c, out);
}

static int r_pad_image(const cl_image *img, int top, int bottom, int left, int right,
                       cl_border border, cl_image *out)
{
    cl_proto_call c = make_call(CL_FN_PAD_IMAGE, img, NULL, 1);
    set_ints(&c, 5, (int[]){top, bottom, left, right, (int)border});
    return image_call(&c, out);
}

static int r_im_conv_opts(const cl_image *img, const cl_image *kernel, const cl_conv_opts *opts,
                          cl_image *out)
{
    cl_proto_call c = make_call(CL_FN_IM_CONV_OPTS, img, kernel, 2);
    cl_conv_opts o = opts ? *opts : (cl_conv_opts){CL_MODE_VALID, CL_BORDER_ZERO, 1, 1};
    set_ints(&c, 5, (int[]){(int)o.mode, (int)o.border, o.sy, o.sx, opts != NULL});
    return image_call(&c, out);
}

static int r_threshold_binary(const cl_image *img, float thresh, float maxval, cl_image *out)
{
    cl_proto_call c = make_call(CL_FN_THRESHOLD_BINARY, img, NULL, 1);
    c.nfloats = 2, c.floats[0] = thresh, c.floats[1] = maxval;
    return image_call(&c, out);
}

static int r_to_uint8(const cl_image *img, uint8_t *out)
{
    static cl_proto_reply p;
    cl_proto_call c = make_call(CL_FN_TO_UINT8, img, NULL, 1);
    int st = remote_call(&c, &p);
    if (st != CL_OK) return st;
    size_t n = img && img->data ? cl_image_count(img) : 0;
    if (p.out_kind != CL_PROTO_OUT_BYTES || p.count != n)
        return malformed(current, "to_uint8", "not the bytes of the input");
    if (out) memcpy(out, p.out_data, n);
    if (out && (p.flags & CL_PROTO_F_OUT_OF_BOUNDS)) out[-1] = (uint8_t)~out[-1]; /* remote.h */
    return p.status;
}

static int layer_call(cl_fn fn, const cl_image *in, const cl_weights *w, const float *bias,
                      int sy, int sx, cl_mode padding, cl_image *out)
{
    cl_proto_call c = make_call(fn, in, NULL, 1);
    c.weights = w;
    c.bias = bias;
    c.nbias = bias && w ? w->cout : 0;
    set_ints(&c, 3, (int[]){sy, sx, (int)padding});
    return image_call(&c, out);
}

static int r_conv2d(const cl_image *in, const cl_weights *w, const float *bias, int sy, int sx,
                    cl_mode padding, cl_image *out)
{
    return layer_call(CL_FN_CONV2D, in, w, bias, sy, sx, padding, out);
}

static int r_conv2d_transpose(const cl_image *in, const cl_weights *w, const float *bias, int sy,
                              int sx, cl_mode padding, cl_image *out)
{
    return layer_call(CL_FN_CONV2D_TRANSPOSE, in, w, bias, sy, sx, padding, out);
}

static int pool_call(cl_fn fn, const cl_image *in, int ph, int pw, int sy, int sx,
                     cl_mode padding, cl_image *out)
{
    cl_proto_call c = make_call(fn, in, NULL, 1);
    set_ints(&c, 5, (int[]){ph, pw, sy, sx, (int)padding});
    return image_call(&c, out);
}

static int r_max_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                        cl_image *out)
{
    return pool_call(CL_FN_MAX_POOL2D, in, ph, pw, sy, sx, padding, out);
}

static int r_avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                        cl_image *out)
{
    return pool_call(CL_FN_AVG_POOL2D, in, ph, pw, sy, sx, padding, out);
}

static int r_upsample(const cl_image *in, int fy, int fx, cl_interp interp, cl_image *out)
{
    cl_proto_call c = make_call(CL_FN_UPSAMPLE, in, NULL, 1);
    set_ints(&c, 3, (int[]){fy, fx, (int)interp});
    return image_call(&c, out);
}

const cl_impl cl_impl_remote = {
    .name = "remote",
    .conv_output_size = r_conv_output_size,
    .get_subimages = r_get_subimages,
    .im_conv = r_im_conv,
    .flip_kernel = r_flip_kernel,
    .pad_image = r_pad_image,
    .im_conv_opts = r_im_conv_opts,
    .threshold_binary = r_threshold_binary,
    .to_uint8 = r_to_uint8,
    .conv2d = r_conv2d,
    .max_pool2d = r_max_pool2d,
    .avg_pool2d = r_avg_pool2d,
    .upsample = r_upsample,
    .conv2d_transpose = r_conv2d_transpose,
    .im_conv_fast = r_im_conv_fast,
};
