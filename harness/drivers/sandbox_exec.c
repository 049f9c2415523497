/* sandbox_exec.c -- resource limits, then exec: the innermost layer of the
 * worker's sandbox (SPEC §6).
 *
 *   sandbox_exec [--cpu S] [--as MB] [--nproc N] [--fsize MB] [--nofile N]
 *                [--no-core] -- CMD [ARG...]
 *
 * Sets the limits that are given (each soft = hard, never above the current
 * hard limit, which an unprivileged process cannot raise):
 *   --cpu S      RLIMIT_CPU: S seconds of CPU (SIGXCPU at S, SIGKILL at S+1)
 *   --as MB      RLIMIT_AS: address space in MiB (malloc fails beyond)
 *   --nproc N    RLIMIT_NPROC: processes of this user (not enforced for root;
 *                counts every process of the user, so give a user of its own)
 *   --fsize MB   RLIMIT_FSIZE: largest file it may write, in MiB (SIGXFSZ)
 *   --nofile N   RLIMIT_NOFILE: open descriptors
 *   --no-core    RLIMIT_CORE = 0: no core dumps
 * then forbids gaining privileges (PR_SET_NO_NEW_PRIVS), closes every
 * descriptor above 2, starts a new session (setsid; when it already leads its
 * process group, as under the judge, which made one for it, it stays there),
 * so that the whole group can be killed at once, and execs CMD (looked up in
 * PATH). The process death signal the judge set (PR_SET_PDEATHSIG) survives
 * the exec.
 *
 * With bubblewrap, the Python grader runs `bwrap ... --unshare-pid
 * --die-with-parent -- sandbox_exec ... -- worker`: the limits then apply to
 * the worker alone, and killing bwrap (the judge kills the process group it
 * started) takes everything inside with it.
 *
 * Exit status: that of CMD; 2 for a bad command line; 126 when a limit
 * cannot be set; 127 when CMD cannot be executed. Messages on standard error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

enum { EXIT_USAGE = 2, EXIT_SETUP = 126, EXIT_EXEC = 127 };

typedef struct limit_opt {
    const char *flag;
    int resource;
    const char *name;
    rlim_t unit; /* value x unit = the limit */
    int given;
    rlim_t value;
} limit_opt;

static const char usage[] =
    "usage: sandbox_exec [--cpu S] [--as MB] [--nproc N] [--fsize MB] [--nofile N] [--no-core]\n"
    "                    -- CMD [ARG...]\n";

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "sandbox_exec: %s%s\n%s", what, arg ? arg : "", usage);
    return EXIT_USAGE;
}

static int parse_count(const char *s, rlim_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno || *s == '-' || v == 0 || v > (1ull << 40)) return -1;
    *out = (rlim_t)v;
    return 0;
}

/* Parses the options into lim[] and *no_core; returns the index of CMD, or
 * -EXIT_USAGE. */
static int parse_args(int argc, char **argv, limit_opt *lim, int nlim, int *no_core)
{
    int i;
    for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--no-core")) {
            *no_core = 1;
            continue;
        }
        int k = 0;
        while (k < nlim && strcmp(argv[i], lim[k].flag)) k++;
        if (k == nlim) return -bad_usage("unknown option ", argv[i]);
        if (i + 1 >= argc || parse_count(argv[i + 1], &lim[k].value))
            return -bad_usage("expected a positive whole number after ", argv[i]);
        lim[k].given = 1;
        i++;
    }
    if (i + 1 >= argc) return -bad_usage("no command after --", NULL);
    return i + 1;
}

/* Sets one limit to soft = hard = want (soft = want, hard = want + 1 for the
 * CPU), never above the current hard limit. */
static int set_limit(int resource, const char *name, rlim_t soft, rlim_t hard)
{
    struct rlimit cur;
    if (getrlimit(resource, &cur) != 0) return -1;
    if (cur.rlim_max != RLIM_INFINITY) {
        if (hard > cur.rlim_max) hard = cur.rlim_max;
        if (soft > hard) soft = hard;
    }
    struct rlimit want = {soft, hard};
    if (setrlimit(resource, &want) != 0) {
        fprintf(stderr, "sandbox_exec: cannot set %s: %s\n", name, strerror(errno));
        return -1;
    }
    return 0;
}

static int set_limits(const limit_opt *lim, int nlim, int no_core)
{
    for (int k = 0; k < nlim; k++) {
        if (!lim[k].given) continue;
        rlim_t v = lim[k].value * lim[k].unit;
        if (set_limit(lim[k].resource, lim[k].name, v, lim[k].resource == RLIMIT_CPU ? v + 1 : v))
            return -1;
    }
    return no_core ? set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0, 0) : 0;
}

static void close_other_fds(void)
{
    if (close_range(3, ~0u, 0) == 0) return;
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++) close((int)fd);
}

/* A session of its own, or the process group it already leads. */
static int own_group(void)
{
    if (setsid() >= 0) return 0;
    if (errno == EPERM && getpgrp() == getpid()) return 0;
    fprintf(stderr, "sandbox_exec: setsid: %s\n", strerror(errno));
    return -1;
}

int main(int argc, char **argv)
{
    limit_opt lim[] = {
        {"--cpu", RLIMIT_CPU, "RLIMIT_CPU", 1, 0, 0},
        {"--as", RLIMIT_AS, "RLIMIT_AS", (rlim_t)1 << 20, 0, 0},
        {"--nproc", RLIMIT_NPROC, "RLIMIT_NPROC", 1, 0, 0},
        {"--fsize", RLIMIT_FSIZE, "RLIMIT_FSIZE", (rlim_t)1 << 20, 0, 0},
        {"--nofile", RLIMIT_NOFILE, "RLIMIT_NOFILE", 1, 0, 0},
    };
    int nlim = (int)(sizeof lim / sizeof lim[0]), no_core = 0;
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, stdout);
        return 0;
    }
    int cmd = parse_args(argc, argv, lim, nlim, &no_core);
    if (cmd < 0) return -cmd;
    if (set_limits(lim, nlim, no_core) != 0) return EXIT_SETUP;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fprintf(stderr, "sandbox_exec: PR_SET_NO_NEW_PRIVS: %s\n", strerror(errno));
        return EXIT_SETUP;
    }
    close_other_fds();
    if (own_group() != 0) return EXIT_SETUP;
    execvp(argv[cmd], argv + cmd);
    fprintf(stderr, "sandbox_exec: cannot run %s: %s\n", argv[cmd], strerror(errno));
    return EXIT_EXEC;
}
