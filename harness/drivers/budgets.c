/* budgets.c -- `budgets`: the local performance budgets (see budgets.h).
 *
 *   budgets [--table tests/budgets.toml] [--only FUNCTION] [--json FILE]
 *
 * Prints one section, apart from every correctness result:
 *
 *   Performance budgets (time / reference time on a large input, best of 5, interleaved)
 *     im_conv           3.1x the reference   budget 20x   within budget
 *     avg_pool2d       41.0x the reference   budget 20x   OVER BUDGET
 *
 * --json FILE also writes the figures (function, input, ratio, budget,
 * verdict, best times in ns) for tools, e.g. tests/budgets/calibrate.sh.
 *
 * Exit status: 0 whatever the verdicts (budgets are advice; the grader
 * measures again); 1 when the kit failed (unreadable table, a reference
 * that rejects its input, fork); 2 for a bad command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgets.h"

enum { EXIT_KIT = 1, EXIT_USAGE = 2 };

#define DEFAULT_TABLE "tests/budgets.toml"
#define DEFAULT_REPEATS 5
#define DEFAULT_SEED 20240601
#define DEFAULT_TIMEOUT 20

typedef struct bud_args {
    const char *table;
    const char *only; /* NULL: every budget */
    const char *json; /* NULL: no JSON */
} bud_args;

static const char USAGE[] =
    "usage: budgets [--table FILE] [--only FUNCTION] [--json FILE]\n"
    "  Times each student function against the reference on a large input\n"
    "  (ratio of the best of K interleaved runs) and prints it beside its budget.\n"
    "  --table FILE     the budgets (default " DEFAULT_TABLE ")\n"
    "  --only FUNCTION  only the budgets of this function\n"
    "  --json FILE      also write the figures as JSON\n";

/* ------------------------------------------------------------- verdicts */

const char *bud_verdict_str(int verdict)
{
    switch (verdict) {
    case BUD_WITHIN: return "within budget";
    case BUD_OVER: return "OVER BUDGET";
    case BUD_NOT_BUILT: return "not built (its file does not compile)";
    case BUD_NOT_IMPLEMENTED: return "not implemented yet";
    case BUD_FAILED: return "not timed: it returned an error";
    case BUD_WRONG: return "not timed: its output differs from the reference";
    case BUD_CRASHED: return "not timed: it crashed";
    case BUD_TIMED_OUT: return "timed out";
    case BUD_KIT_ERROR: return "kit error";
    }
    return "?";
}

/* The verdict as one word, for JSON. */
static const char *verdict_word(int verdict)
{
    static const char *const words[] = {"within", "over",    "not_built", "not_implemented",
                                        "failed", "wrong",   "crashed",   "timed_out",
                                        "kit_error"};
    _Static_assert(sizeof words / sizeof words[0] == BUD_KIT_ERROR + 1, "a word per verdict");
    if (verdict < 0 || verdict > BUD_KIT_ERROR)
        return "unknown";
    return words[verdict];
}

/* --------------------------------------------------------- command line */

/* CL_OK, EXIT_USAGE (message printed), or -1 after printing the help. */
static int parse_args(int argc, char **argv, bud_args *a)
{
    a->table = DEFAULT_TABLE;
    a->only = a->json = NULL;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            fputs(USAGE, stdout);
            return -1;
        }
        const char **slot = strcmp(opt, "--table") == 0  ? &a->table
                            : strcmp(opt, "--only") == 0 ? &a->only
                            : strcmp(opt, "--json") == 0 ? &a->json
                                                         : NULL;
        if (slot == NULL || i + 1 >= argc) {
            fprintf(stderr, "budgets: %s '%s'\n%s",
                    slot ? "missing value after" : "unknown option", opt, USAGE);
            return EXIT_USAGE;
        }
        *slot = argv[++i];
    }
    return CL_OK;
}

/* ------------------------------------------------------------ the table */

/* The [defaults] of the table into *d: repeats, seed, timeout. */
static int read_defaults(const cl_toml *t, bud_spec *d)
{
    int seed, st;
    memset(d, 0, sizeof *d);
    if ((st = cl_toml_int(t, "defaults", 0, "repeats", DEFAULT_REPEATS, &d->repeats)) != CL_OK ||
        (st = cl_toml_int(t, "defaults", 0, "seed", DEFAULT_SEED, &seed)) != CL_OK ||
        (st = cl_toml_int(t, "defaults", 0, "timeout", DEFAULT_TIMEOUT, &d->timeout_s)) != CL_OK)
        return st;
    if (d->repeats < 1 || d->timeout_s < 1 || seed < 0)
        return cl_fail(CL_E_FORMAT, "%s: [defaults] repeats and timeout must be >= 1, seed >= 0",
                       t->path);
    d->seed = (uint64_t)seed;
    return CL_OK;
}

/* Reads every budget of the table (all of them, so that a broken entry is
 * reported even with --only) into a malloc'ed array. */
static int read_specs(const char *path, bud_spec **specs, int *count)
{
    cl_toml t;
    int st = cl_toml_read(path, &t);
    if (st != CL_OK)
        return st;
    bud_spec d;
    *specs = NULL;
    *count = cl_toml_count(&t, "budget");
    if ((st = read_defaults(&t, &d)) == CL_OK && *count == 0)
        st = cl_fail(CL_E_FORMAT, "%s: no [[budget]] in the table", path);
    if (st == CL_OK && (*specs = calloc((size_t)*count, sizeof **specs)) == NULL)
        st = cl_fail(CL_E_NOMEM, "no memory for %d budgets", *count);
    for (int i = 0; st == CL_OK && i < *count; i++) {
        (*specs)[i] = d;
        st = bud_spec_read(&t, i, &(*specs)[i]);
    }
    cl_toml_free(&t);
    if (st != CL_OK) {
        free(*specs);
        *specs = NULL;
    }
    return st;
}

/* ----------------------------------------------------------- the report */

/* The title of the section, with the K of the selected budgets ("best of
 * 5", or "best of 5 to 11" when the table gives some budgets more runs). */
static void print_header(const bud_spec *specs, const int *ran, int count)
{
    int lo = 0, hi = 0;
    for (int i = 0; i < count; i++) {
        if (!ran[i])
            continue;
        if (lo == 0 || specs[i].repeats < lo)
            lo = specs[i].repeats;
        if (specs[i].repeats > hi)
            hi = specs[i].repeats;
    }
    printf("Performance budgets (time / reference time on a large input, best of %d", lo);
    if (hi > lo)
        printf(" to %d", hi);
    printf(", interleaved)\n");
}

/* One line of the section; details of a failure on the next line. */
static void print_result(const bud_spec *s, const bud_result *r)
{
    if (r->verdict == BUD_WITHIN || r->verdict == BUD_OVER) {
        char ratio[32], budget[32];
        snprintf(ratio, sizeof ratio, "%.1fx", r->ratio);
        snprintf(budget, sizeof budget, "%gx", s->budget);
        printf("  %-17s %7s the reference   budget %-5s  %s", s->function, ratio, budget,
               bud_verdict_str(r->verdict));
        if (r->stopped_early)
            printf(" (stopped after %d runs)", r->student_runs);
        putchar('\n');
        return;
    }
    printf("  %-17s %s\n", s->function, bud_verdict_str(r->verdict));
    if (r->detail[0] != '\0')
        printf("  %-17s   (%s)\n", "", r->detail);
}

/* Writes s as a JSON string (the texts here are ASCII messages). */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* One budget per line, so that shell tools can read the file too. */
static void json_budget(FILE *f, const bud_spec *s, const bud_result *r, int last)
{
    char input[128];
    const int timed = r->verdict == BUD_WITHIN || r->verdict == BUD_OVER;
    fputs("  {\"function\": ", f);
    json_string(f, s->function);
    fputs(", \"input\": ", f);
    json_string(f, bud_spec_input_str(s, input, sizeof input));
    fprintf(f, ", \"verdict\": \"%s\", \"budget\": %g, ", verdict_word(r->verdict), s->budget);
    if (timed)
        fprintf(f, "\"ratio\": %.4f, \"ref_ns\": %.0f, \"student_ns\": %.0f, ", r->ratio,
                r->ref_ns, r->student_ns);
    else
        fputs("\"ratio\": null, \"ref_ns\": null, \"student_ns\": null, ", f);
    fprintf(f, "\"runs\": %d, \"repeats\": %d, \"stopped_early\": %s, \"detail\": ",
            r->student_runs, s->repeats, r->stopped_early ? "true" : "false");
    json_string(f, r->detail);
    fprintf(f, "}%s\n", last ? "" : ",");
}

/* The figures of the budgets that ran (results[i] for specs[i], ran[i]),
 * written to a temporary file renamed over path. */
static int write_json(const char *path, const bud_spec *specs, const bud_result *results,
                      const int *ran, int count)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return cl_fail(CL_E_ARG, "--json path is too long");
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return cl_fail(CL_E_IO, "cannot write %s", tmp);
    int last = -1;
    for (int i = 0; i < count; i++)
        if (ran[i])
            last = i;
    fputs("{\"budgets\": [\n", f);
    for (int i = 0; i < count; i++)
        if (ran[i])
            json_budget(f, &specs[i], &results[i], i == last);
    fputs("]}\n", f);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return cl_fail(CL_E_IO, "cannot write %s", path);
    }
    return CL_OK;
}

/* Runs the budgets selected by --only; *kit_failed when any budget could not
 * be measured because of the kit. */
static int run_all(const bud_args *a, const bud_spec *specs, int count, bud_result *results,
                   int *ran, int *kit_failed)
{
    int selected = 0;
    *kit_failed = 0;
    for (int i = 0; i < count; i++) {
        ran[i] = a->only == NULL || strcmp(a->only, specs[i].function) == 0;
        selected += ran[i];
    }
    if (selected == 0)
        return cl_fail(CL_E_ARG, "no budget for function '%s' in the table", a->only);
    print_header(specs, ran, count);
    for (int i = 0; i < count; i++) {
        if (!ran[i])
            continue;
        int st = bud_run(&specs[i], &results[i]);
        if (st != CL_OK) {
            results[i].verdict = BUD_KIT_ERROR;
            snprintf(results[i].detail, sizeof results[i].detail, "%s", cl_last_error());
        }
        if (results[i].verdict == BUD_KIT_ERROR)
            *kit_failed = 1;
        print_result(&specs[i], &results[i]);
    }
    return CL_OK;
}

int main(int argc, char **argv)
{
    bud_args a;
    int st = parse_args(argc, argv, &a);
    if (st != CL_OK)
        return st < 0 ? 0 : st;

    bud_spec *specs = NULL;
    int count = 0, kit_failed = 0;
    if (read_specs(a.table, &specs, &count) != CL_OK) {
        fprintf(stderr, "budgets: %s\n", cl_last_error());
        return EXIT_KIT;
    }
    bud_result *results = calloc((size_t)count, sizeof *results);
    int *ran = calloc((size_t)count, sizeof *ran);
    if (results == NULL || ran == NULL)
        st = cl_fail(CL_E_NOMEM, "no memory for %d results", count);
    else
        st = run_all(&a, specs, count, results, ran, &kit_failed);
    if (st == CL_OK && a.json != NULL)
        st = write_json(a.json, specs, results, ran, count);
    if (st != CL_OK)
        fprintf(stderr, "budgets: %s\n", cl_last_error());
    free(specs);
    free(results);
    free(ran);
    if (st == CL_E_ARG)
        return EXIT_USAGE;
    return st != CL_OK || kit_failed ? EXIT_KIT : 0;
}
