/* judge.c -- the grader's trusted program: the command line and the loop over
 * the cases (see judge.h for the usage, the output and the exit status).
 */
#include "judge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define START_FAILURES_MAX 2 /* consecutive cases whose worker failed to start */

static const char usage[] =
    "usage: judge --cases FILE --images DIR --part aN [--expected DIR] [--feedback DIR]\n"
    "             [--student-dir NAME] [--timeout-floor S] [--timeout-factor F] [--only ID]\n"
    "             [--seed S] [--hidden FN:COUNT:POINTS[:VIS]]... [--tol FN:ATOL:RTOL]...\n"
    "             -- WORKER_CMD...\n"
    "Grades part aN of the case table on the student's code running in WORKER_CMD (the\n"
    "worker, usually inside a sandbox): one JSON line per case on standard output.\n"
    "  --expected DIR     outputs of known mistakes (<id>.<tag>.npy) for the diagnoses\n"
    "  --feedback DIR     where the pictures of failed cases go (<id>.png)\n"
    "  --student-dir NAME the folder named in messages (default assignments)\n"
    "  --timeout-floor S  --timeout-factor F   each call of the student's code may take\n"
    "                     max(S, F x the reference's time for the case) (default 2.0, 50)\n"
    "  --only ID          grade this case only\n"
    "  --seed S           the submission's secret seed (printed on standard error)\n"
    "  --hidden FN:COUNT:POINTS[:VISIBILITY]\n"
    "                     COUNT hidden cases of FN drawn from the seed, POINTS each\n"
    "                     (visibility default after_due_date); needs --seed\n"
    "  --tol FN:ATOL:RTOL the comparison tolerance of FN's compare cases\n"
    "  --perf-only        run the measurements below instead of the cases\n"
    "  --budget \"function=F input=HxW[xC] budget=R [kernel=KxK filters= padding= mode=\n"
    "           border= stride= pool= factor= interp=]\"   a timed ratio to the reference\n"
    "  --speedup \"kernel=KxK sizes=HxW,HxW,...\"   a4: the speed-up over the naive model\n"
    "  --repeats K (7) --rounds R (3) --spread S (0.15)   best of K interleaved pairs per\n"
    "                     round; rounds until the spread is <= S, else inconclusive\n";

/* Exit statuses. */
enum { EXIT_GRADED = 0, EXIT_TABLE = 1, EXIT_USAGE = 2 };
#define HELP (-1) /* parse_args: --help was asked for */

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "judge: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return EXIT_USAGE;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= 0)) return -1;
    *out = v;
    return 0;
}

static int parse_seed(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s || *end || errno || *s == '-') return -1;
    *out = v;
    return 0;
}

/* The value of option argv[*i] (moves *i past it), or NULL when missing. */
static const char *value(int argc, char **argv, int *i)
{
    return *i + 1 < argc ? argv[++*i] : NULL;
}

/* Splits "a:b:c[:d]" at the colons into at most max fields (in buf). */
static int split_colons(const char *v, char *buf, size_t size, char **field, int max)
{
    snprintf(buf, size, "%s", v);
    int n = 0;
    for (char *s = buf; n < max; n++) {
        field[n] = s;
        char *colon = strchr(s, ':');
        if (!colon) return n + 1;
        *colon = '\0', s = colon + 1;
    }
    return max + 1; /* too many fields */
}

static int parse_hidden(judge_opts *o, const char *v)
{
    static const char *const vis[] = {"visible", "hidden", "after_due_date", "after_published"};
    char buf[160], *f[4], *end;
    int n = split_colons(v, buf, sizeof buf, f, 4);
    judge_hidden_group g = {0};
    snprintf(g.visibility, sizeof g.visibility, "after_due_date");
    if (n < 3 || n > 4) return bad_usage("--hidden: expected FN:COUNT:POINTS[:VISIBILITY], got \"%s\"", v);
    if (cl_fn_parse(f[0], &g.fn) != CL_OK)
        return bad_usage("--hidden: unknown function in \"%s\"", v);
    long count = strtol(f[1], &end, 10);
    if (*end || end == f[1] || count < 0 || count > 1000)
        return bad_usage("--hidden: COUNT must be 0..1000 in \"%s\"", v);
    g.count = (int)count;
    if (parse_double(f[2], &g.points) || !(g.points > 0))
        return bad_usage("--hidden: POINTS must be > 0 in \"%s\"", v);
    if (n == 4) {
        size_t i = 0;
        while (i < 4 && strcmp(f[3], vis[i])) i++;
        if (i == 4) return bad_usage("--hidden: unknown visibility in \"%s\"", v);
        snprintf(g.visibility, sizeof g.visibility, "%s", f[3]);
    }
    if (o->nhidden >= JUDGE_HIDDEN_MAX) return bad_usage("%s", "--hidden: too many groups");
    o->hidden[o->nhidden++] = g;
    return 0;
}

static int parse_tol(judge_opts *o, const char *v)
{
    char buf[160], *f[3];
    cl_fn fn;
    double atol, rtol;
    if (split_colons(v, buf, sizeof buf, f, 3) != 3 || cl_fn_parse(f[0], &fn) != CL_OK ||
        parse_double(f[1], &atol) || parse_double(f[2], &rtol))
        return bad_usage("--tol: expected FN:ATOL:RTOL (numbers >= 0), got \"%s\"", v);
    o->tol[fn] = (judge_tolerance){1, (float)atol, (float)rtol};
    return 0;
}

/* One option and its value; returns 0, or EXIT_USAGE with a message. */
static int parse_option(judge_opts *o, const char *opt, const char *v)
{
    const char **text = !strcmp(opt, "--cases")         ? &o->cases
                        : !strcmp(opt, "--images")      ? &o->images
                        : !strcmp(opt, "--expected")    ? &o->expected
                        : !strcmp(opt, "--feedback")    ? &o->feedback
                        : !strcmp(opt, "--part")        ? &o->part
                        : !strcmp(opt, "--only")        ? &o->only
                        : !strcmp(opt, "--student-dir") ? &o->student_dir
                                                        : NULL;
    if (!v) return bad_usage("%s needs a value", opt);
    if (text) {
        *text = v;
        return 0;
    }
    if (!strcmp(opt, "--timeout-floor"))
        return parse_double(v, &o->floor) || o->floor <= 0
                   ? bad_usage("--timeout-floor: expected seconds > 0, got \"%s\"", v)
                   : 0;
    if (!strcmp(opt, "--timeout-factor"))
        return parse_double(v, &o->factor) ? bad_usage("--timeout-factor: bad number \"%s\"", v)
                                           : 0;
    if (!strcmp(opt, "--hidden")) return parse_hidden(o, v);
    if (!strcmp(opt, "--budget") || !strcmp(opt, "--speedup"))
        return judge_perf_parse(o, opt, v) != CL_OK ? bad_usage("%s", cl_last_error()) : 0;
    if (!strcmp(opt, "--repeats") || !strcmp(opt, "--rounds")) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || end == v || n < 1 || n > 99) return bad_usage("%s: expected 1..99", opt);
        *(!strcmp(opt, "--repeats") ? &o->perf_repeats : &o->perf_rounds) = (int)n;
        return 0;
    }
    if (!strcmp(opt, "--spread"))
        return parse_double(v, &o->perf_spread) || !(o->perf_spread > 0)
                   ? bad_usage("--spread: expected a number > 0, got \"%s\"", v)
                   : 0;
    if (!strcmp(opt, "--tol")) return parse_tol(o, v);
    if (!strcmp(opt, "--seed")) {
        o->has_seed = 1;
        return parse_seed(v, &o->seed) ? bad_usage("--seed: expected an integer, got \"%s\"", v)
                                        : 0;
    }
    return bad_usage("unknown option %s", opt);
}

static int parse_args(int argc, char **argv, judge_opts *o)
{
    *o = (judge_opts){.student_dir = "assignments", .floor = 2.0, .factor = 50.0};
    int i;
    o->perf_repeats = 7, o->perf_rounds = 3, o->perf_spread = 0.15, o->perf_timeout_max = 60.0;
    for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return HELP;
        if (!strcmp(argv[i], "--perf-only")) {
            o->perf_only = 1;
            continue;
        }
        const char *opt = argv[i];
        int st = parse_option(o, opt, value(argc, argv, &i));
        if (st) return st;
    }
    if (i + 1 >= argc) return bad_usage("%s", "no worker command after --");
    if (o->nhidden && !o->has_seed) return bad_usage("%s", "--hidden needs --seed");
    o->worker = argv + i + 1;
    if (!o->cases || !o->images || !o->part)
        return bad_usage("%s", "--cases, --images and --part are required");
    const char *parts[] = {"a1", "a2", "a3", "a4"};
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++)
        if (!strcmp(o->part, parts[p])) return 0;
    return bad_usage("--part: expected a1, a2, a3 or a4, got \"%s\"", o->part);
}

/* 1 when case c is to be graded. */
static int selected(const judge_opts *o, const cl_case *c)
{
    return !strcmp(c->part, o->part) && (!o->only || !strcmp(c->id, o->only));
}

/* After START_FAILURES_MAX cases in a row whose worker failed to start, the
 * others get the same verdict without trying again (a worker that hangs at
 * start would otherwise cost every case its start timeout). */
typedef struct start_watch {
    int failures;
    judge_result last;
} start_watch;

static void grade(const judge_opts *o, cl_remote *r, const cl_case *c, start_watch *w,
                  judge_result *res)
{
    if (w->failures >= START_FAILURES_MAX) {
        *res = w->last;
        res->seconds = 0, res->report = NULL;
        snprintf(res->message, sizeof res->message,
                 "%s: not run: the worker failed to start for the last %d cases", cl_fn_name(c->fn),
                 START_FAILURES_MAX);
        return;
    }
    judge_case(o, r, c, res);
    int failed_start = res->report && res->report->during_start &&
                       res->report->incident != CL_REMOTE_NONE;
    w->failures = failed_start ? w->failures + 1 : 0;
    if (failed_start) w->last = *res;
}

typedef struct tally {
    int cases, passed;
    double points, possible, seconds;
} tally;

static void count(tally *t, const cl_case *c, const judge_result *res)
{
    t->cases++;
    t->possible += c->points;
    t->seconds += res->seconds;
    if (!strcmp(res->status, "passed")) t->passed++, t->points += c->points;
}

/* Grades every selected case. Returns how many were graded. */
static int grade_all(const judge_opts *o, cl_remote *r, const cl_case_table *t, tally *sum)
{
    static judge_result res;
    static start_watch watch;
    for (int i = 0; i < t->count; i++) {
        if (!selected(o, &t->cases[i])) continue;
        grade(o, r, &t->cases[i], &watch, &res);
        judge_json_case(stdout, &t->cases[i], &res);
        count(sum, &t->cases[i], &res);
    }
    return sum->cases;
}

/* Starts the worker once: a command that cannot be executed is a bad
 * command line. Other failures are the student's and are graded per case. */
static int check_worker(cl_remote *r)
{
    if (cl_remote_start(r) != CL_REMOTE_E_START) return 0;
    fprintf(stderr, "judge: the worker %s\n", cl_remote_report_of(r)->message);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    judge_opts o;
    cl_case_table table;
    cl_remote *r = NULL;
    tally sum = {0};
    int st = parse_args(argc, argv, &o);
    if (st == HELP) fputs(usage, stdout);
    if (st) return st == HELP ? EXIT_GRADED : st;
    if (cl_case_table_read(o.cases, &table) != CL_OK) {
        fprintf(stderr, "judge: %s\n", cl_last_error());
        return EXIT_TABLE;
    }
    if (judge_hidden_cases(&o, &table) < 0) {
        fprintf(stderr, "judge: %s\n", cl_last_error());
        cl_case_table_free(&table);
        return EXIT_TABLE;
    }
    if (o.only && (!cl_case_find(&table, o.only) || !selected(&o, cl_case_find(&table, o.only)))) {
        fprintf(stderr, "judge: no case %s of part %s in %s\n", o.only, o.part, o.cases);
        cl_case_table_free(&table);
        return EXIT_USAGE;
    }
    if (o.has_seed) fprintf(stderr, "judge: seed %llu\n", o.seed);
    if (cl_remote_open(&r, o.worker) != CL_OK || (st = check_worker(r)) != 0) {
        if (!r) fprintf(stderr, "judge: %s\n", cl_last_error());
        cl_remote_close(r);
        cl_case_table_free(&table);
        return EXIT_USAGE;
    }
    if (o.perf_only) {
        int measured = judge_perf(&o, r, stdout);
        cl_remote_close(r);
        cl_case_table_free(&table);
        fprintf(stderr, "judge: %s: %d measurement(s)\n", o.part, measured);
        return EXIT_GRADED;
    }
    int graded = grade_all(&o, r, &table, &sum);
    cl_remote_close(r);
    cl_case_table_free(&table);
    if (graded == 0) {
        fprintf(stderr, "judge: no case of part %s in %s\n", o.part, o.cases);
        return EXIT_TABLE;
    }
    fprintf(stderr, "judge: %s: %d of %d cases passed, %g of %g points, %.2f s in the worker\n",
            o.part, sum.passed, sum.cases, sum.points, sum.possible, sum.seconds);
    return EXIT_GRADED;
}
