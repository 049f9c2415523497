/* judge_json.c -- the judge's output: one JSON object per case (see judge.h).
 *
 * Every string goes through judge_json_string, which escapes quotes,
 * backslashes and control characters and replaces bytes that are not valid
 * UTF-8 (a student's prints can be anything) with U+FFFD, so that every line
 * is valid JSON that any parser reads.
 */
#include "judge.h"

#include <math.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (len == 0 || len > n || c > 0xF4) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    unsigned c1 = s[1];
    if (c == 0xE0 && c1 < 0xA0) return 0; /* overlong */
    if (c == 0xED && c1 > 0x9F) return 0; /* surrogates */
    if (c == 0xF0 && c1 < 0x90) return 0; /* overlong */
    if (c == 0xF4 && c1 > 0x8F) return 0; /* above U+10FFFF */
    return len;
}

void judge_json_string(FILE *f, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    fputc('"', f);
    for (size_t i = 0; s && i < n;) {
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f), fputc((int)c, f), i++;
        } else if (c == '\n') {
            fputs("\\n", f), i++;
        } else if (c == '\t') {
            fputs("\\t", f), i++;
        } else if (c == '\r') {
            fputs("\\r", f), i++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c), i++;
        } else if (c < 0x80) {
            fputc((int)c, f), i++;
        } else {
            size_t len = utf8_length(u + i, n - i);
            if (len) fwrite(u + i, 1, len, f), i += len;
            else fputs("\\ufffd", f), i++;
        }
    }
    fputc('"', f);
}

static void field_str(FILE *f, const char *key, const char *value, int last)
{
    judge_json_string(f, key, strlen(key));
    fputs(": ", f);
    judge_json_string(f, value ? value : "", value ? strlen(value) : 0);
    fputs(last ? "" : ", ", f);
}

/* A finite number (JSON has no NaN or infinity), %g or with `decimals`. */
static void field_num(FILE *f, const char *key, double v, int decimals, int last)
{
    judge_json_string(f, key, strlen(key));
    if (decimals > 0)
        fprintf(f, ": %.*f%s", decimals, isfinite(v) ? v : 0.0, last ? "" : ", ");
    else
        fprintf(f, ": %.10g%s", isfinite(v) ? v : 0.0, last ? "" : ", ");
}

void judge_json_perf(FILE *f, const judge_perf_result *p)
{
    const cl_remote_report *rep = p->report;
    fputc('{', f);
    field_str(f, "id", p->id, 0);
    field_str(f, "kind", p->kind_speedup ? "speedup" : "budget", 0);
    field_str(f, "function", cl_fn_name(p->fn), 0);
    field_str(f, "label", p->label, 0);
    field_str(f, "verdict", p->verdict, 0);
    field_str(f, "message", p->message, 0);
    field_num(f, "ratio", p->ratio, 0, 0);
    field_num(f, "budget", p->budget, 0, 0);
    field_num(f, "speedup", p->speedup, 0, 0);
    field_num(f, "reference_speedup", p->reference_speedup, 0, 0);
    field_num(f, "spread", p->spread, 0, 0);
    field_num(f, "rounds", p->rounds, 0, 0);
    fputs("\"measurements\": [", f);
    for (int i = 0; i < p->nmeasurements; i++) {
        fputs(i ? ", {" : "{", f);
        field_str(f, "input", p->m[i].input, 0);
        field_num(f, "reference_s", p->m[i].reference_s, 0, 0);
        field_num(f, "naive_s", p->m[i].naive_s, 0, 0);
        field_num(f, "student_s", p->m[i].student_s, 0, 1);
        fputc('}', f);
    }
    fputs("], \"worker_stderr\": ", f);
    judge_json_string(f, rep ? rep->err : "", rep ? rep->err_kept : 0);
    fputs("}\n", f);
    fflush(f);
}

void judge_json_case(FILE *f, const cl_case *c, const judge_result *res)
{
    const cl_remote_report *rep = res->report;
    fputc('{', f);
    field_str(f, "id", c->id, 0);
    field_str(f, "function", cl_fn_name(c->fn), 0);
    field_num(f, "points", c->points, 0, 0);
    field_str(f, "status", res->status, 0);
    field_str(f, "message", res->message, 0);
    field_str(f, "diagnosis", res->diagnosis, 0);
    field_str(f, "tag", res->tag, 0);
    field_str(f, "picture", res->picture, 0);
    field_num(f, "seconds", res->seconds, 6, 0);
    fputs("\"worker_stderr\": ", f);
    judge_json_string(f, rep ? rep->err : "", rep ? rep->err_kept : 0);
    fputs(", ", f);
    field_num(f, "worker_stderr_bytes", rep ? (double)rep->err_total : 0, 0, 0);
    field_str(f, "visibility", c->visibility, 0);
    field_str(f, "description", c->description, 1);
    fputs("}\n", f);
    fflush(f);
}
