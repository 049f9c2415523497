/* toml.c -- the TOML subset reader of toml.h.
 *
 * One pass over the lines of the file. Each `key = value` becomes an entry
 * tagged with the table it belongs to ([[name]] counts its instances, [name]
 * has index 0, keys before any header belong to table ""). Whatever the
 * subset does not cover is rejected with "<file>:<line>: ..." rather than
 * misread: everything accepted here means the same to Python's tomllib.
 */
#include "toml.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A table header seen so far: its name, whether it is an array of tables,
 * and how many instances ([[name]]) it has. */
typedef struct header {
    char name[32];
    int is_array;
    int count;
} header;

typedef struct parser {
    cl_toml *t;
    int cap;
    header headers[64];
    int nheaders;
    const header *current; /* NULL at top level */
    int line;
} parser;

/* Records "<file>:<line>: <message>" and returns CL_E_FORMAT. */
static int perr(const parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int perr(const parser *p, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cl_fail(CL_E_FORMAT, "%s:%d: %s", p->t->path, p->line, msg);
}

static int is_bare(int ch)
{
    return isalnum(ch) || ch == '_' || ch == '-';
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

/* The rest of a line after a value or header: blanks, then nothing or a comment. */
static int expect_end(const parser *p, const char *s)
{
    s = skip_ws(s);
    if (*s == '\0' || *s == '#') return CL_OK;
    return perr(p, "unexpected text after the value: %s", s);
}

/* Reads a bare name (key or table) into buf; *end gets the first byte after it. */
static int read_name(const parser *p, const char *s, char *buf, size_t size, const char **end,
                     const char *what)
{
    size_t n = 0;
    if (*s == '"' || *s == '\'') return perr(p, "quoted names are not supported: %s", what);
    while (is_bare((unsigned char)s[n])) n++;
    if (n == 0) return perr(p, "expected a name made of letters, digits, _ or -: %s", what);
    if (n >= size) return perr(p, "name too long: %s", what);
    if (s[n] == '.') return perr(p, "dotted names are not supported: %s", what);
    memcpy(buf, s, n);
    buf[n] = '\0';
    *end = s + n;
    return CL_OK;
}

static header *find_header(parser *p, const char *name)
{
    for (int i = 0; i < p->nheaders; i++)
        if (strcmp(p->headers[i].name, name) == 0) return &p->headers[i];
    return NULL;
}

/* [name] or [[name]] */
static int parse_header(parser *p, const char *s)
{
    int array = s[1] == '[';
    char name[32];
    const char *e;
    s = skip_ws(s + 1 + array);
    int st = read_name(p, s, name, sizeof name, &e, s);
    if (st != CL_OK) return st;
    e = skip_ws(e);
    if (e[0] != ']' || (array && e[1] != ']'))
        return perr(p, "expected %s to close the table header", array ? "]]" : "]");
    if (cl_toml_find(p->t, "", 0, name))
        return perr(p, "table name already used as a key: %s", name);
    header *h = find_header(p, name);
    if (h && (!array || !h->is_array))
        return perr(p, "table %s defined %s", name,
                    h->is_array == array ? "twice" : "both as [t] and [[t]]");
    if (!h) {
        if (p->nheaders == (int)(sizeof p->headers / sizeof p->headers[0]))
            return perr(p, "too many different tables");
        h = &p->headers[p->nheaders++];
        snprintf(h->name, sizeof h->name, "%s", name);
        h->is_array = array;
        h->count = 0;
    }
    h->count++;
    p->current = h;
    return expect_end(p, e + 1 + array);
}

/* A basic string starting after its opening quote; *end is after the closing one. */
static int parse_string(const parser *p, const char *s, char *buf, size_t size, const char **end)
{
    size_t n = 0;
    for (;; s++) {
        char ch = *s;
        if (ch == '\0')
            return perr(p, "unterminated string (multi-line strings are not supported)");
        if (ch == '"') break;
        if ((unsigned char)ch < 0x20 && ch != '\t') return perr(p, "control character in a string");
        if (ch == '\\') {
            s++;
            switch (*s) {
            case '"': ch = '"'; break;
            case '\\': ch = '\\'; break;
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            default:
                return perr(p, "unsupported escape \\%c in a string (use \\\" \\\\ \\n \\t)",
                            *s ? *s : ' ');
            }
        }
        if (n + 1 >= size) return perr(p, "string too long (at most 511 bytes)");
        buf[n++] = ch;
    }
    buf[n] = '\0';
    *end = s + 1;
    return CL_OK;
}

/* Decimal digits, no leading zero unless alone; returns their count (0: none or bad). */
static size_t int_digits(const char *s)
{
    size_t n = 0;
    while (isdigit((unsigned char)s[n])) n++;
    return (n > 1 && s[0] == '0') ? 0 : n;
}

/* An integer or float literal in TOML's decimal syntax (no _ , hex, inf or nan). */
static int parse_number(const parser *p, const char *s, char *buf, size_t size, const char **end)
{
    const char *q = s + (*s == '+' || *s == '-');
    size_t n = int_digits(q);
    if (n == 0) return perr(p, "expected a string, a decimal number, true or false; got: %s", s);
    q += n;
    if (*q == '.') {
        size_t f = 0;
        while (isdigit((unsigned char)q[1 + f])) f++;
        if (f == 0) return perr(p, "a float needs digits after the point: %s", s);
        q += 1 + f;
    }
    if (*q == 'e' || *q == 'E') {
        const char *d = q + 1 + (q[1] == '+' || q[1] == '-');
        size_t x = 0;
        while (isdigit((unsigned char)d[x])) x++;
        if (x == 0) return perr(p, "a float needs digits in its exponent: %s", s);
        q = d + x;
    }
    if (is_bare((unsigned char)*q) || *q == '.' || *q == ':')
        return perr(p, "not a decimal number (no _, hex, dates, inf or nan): %s", s);
    if ((size_t)(q - s) >= size) return perr(p, "number too long");
    memcpy(buf, s, (size_t)(q - s));
    buf[q - s] = '\0';
    *end = q;
    return CL_OK;
}

static int parse_value(parser *p, const char *s, cl_toml_entry *e, const char **end)
{
    switch (*s) {
    case '\0': return perr(p, "missing value after =");
    case '[': return perr(p, "arrays are not supported (key %s)", e->key);
    case '{': return perr(p, "inline tables are not supported (key %s)", e->key);
    case '\'':
        return perr(p, "literal strings '...' are not supported, use \"...\" (key %s)", e->key);
    case '"':
        if (strncmp(s, "\"\"\"", 3) == 0)
            return perr(p, "multi-line strings are not supported (key %s)", e->key);
        e->is_string = 1;
        return parse_string(p, s + 1, e->value, sizeof e->value, end);
    default: break;
    }
    for (const char *b = "true\0false\0"; *b; b += strlen(b) + 1) {
        size_t n = strlen(b);
        if (strncmp(s, b, n) == 0 && !is_bare((unsigned char)s[n])) {
            memcpy(e->value, b, n + 1);
            *end = s + n;
            return CL_OK;
        }
    }
    return parse_number(p, s, e->value, sizeof e->value, end);
}

static int add_entry(parser *p, const cl_toml_entry *e)
{
    cl_toml *t = p->t;
    if (cl_toml_find(t, e->table, e->index, e->key))
        return perr(p, "key defined twice in the same table: %s", e->key);
    if (t->count == p->cap) {
        int cap = p->cap ? 2 * p->cap : 64;
        cl_toml_entry *grown = realloc(t->entries, (size_t)cap * sizeof *grown);
        if (!grown) return cl_fail(CL_E_NOMEM, "%s: out of memory", t->path);
        t->entries = grown;
        p->cap = cap;
    }
    t->entries[t->count++] = *e;
    return CL_OK;
}

/* key = value */
static int parse_pair(parser *p, const char *s)
{
    cl_toml_entry e;
    memset(&e, 0, sizeof e);
    const char *q;
    int st = read_name(p, s, e.key, sizeof e.key, &q, s);
    if (st != CL_OK) return st;
    q = skip_ws(q);
    if (*q != '=') return perr(p, "expected = after the key %s", e.key);
    if (p->current) {
        snprintf(e.table, sizeof e.table, "%s", p->current->name);
        e.index = p->current->is_array ? p->current->count - 1 : 0;
    }
    e.line = p->line;
    st = parse_value(p, skip_ws(q + 1), &e, &q);
    if (st != CL_OK) return st;
    st = expect_end(p, q);
    return st != CL_OK ? st : add_entry(p, &e);
}

static int parse_line(parser *p, char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
    if (p->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
    s = (char *)skip_ws(s);
    if (*s == '\0' || *s == '#') return CL_OK;
    if (*s == '[') return parse_header(p, s);
    return parse_pair(p, s);
}

int cl_toml_read(const char *path, cl_toml *out)
{
    if (!path || !out) return cl_fail(CL_E_ARG, "cl_toml_read: NULL argument");
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    FILE *f = fopen(path, "r");
    if (!f) return cl_fail(CL_E_IO, "%s: cannot open: %s", path, strerror(errno));
    parser p;
    memset(&p, 0, sizeof p);
    p.t = out;
    char *line = NULL;
    size_t cap = 0;
    int st = CL_OK;
    while (st == CL_OK && getline(&line, &cap, f) >= 0) {
        p.line++;
        st = parse_line(&p, line);
    }
    if (st == CL_OK && ferror(f)) st = cl_fail(CL_E_IO, "%s: read error", path);
    free(line);
    fclose(f);
    if (st != CL_OK) cl_toml_free(out);
    if (st != CL_OK) snprintf(out->path, sizeof out->path, "%s", path);
    return st;
}

void cl_toml_free(cl_toml *t)
{
    if (!t) return;
    free(t->entries);
    memset(t, 0, sizeof *t);
}

int cl_toml_count(const cl_toml *t, const char *table)
{
    int n = 0;
    for (int i = 0; t && i < t->count; i++)
        if (strcmp(t->entries[i].table, table) == 0 && t->entries[i].index + 1 > n)
            n = t->entries[i].index + 1;
    return n;
}

const cl_toml_entry *cl_toml_find(const cl_toml *t, const char *table, int index, const char *key)
{
    for (int i = 0; t && i < t->count; i++) {
        const cl_toml_entry *e = &t->entries[i];
        if (e->index == index && strcmp(e->table, table) == 0 && strcmp(e->key, key) == 0) return e;
    }
    return NULL;
}

static int type_error(const cl_toml *t, const cl_toml_entry *e, const char *want)
{
    return cl_fail(CL_E_FORMAT, "%s:%d: %s must be %s, got %s%s%s", t->path, e->line, e->key, want,
                   e->is_string ? "\"" : "", e->value, e->is_string ? "\"" : "");
}

int cl_toml_string(const cl_toml *t, const char *table, int index, const char *key, const char *def,
                   char *buf, size_t size)
{
    const cl_toml_entry *e = cl_toml_find(t, table, index, key);
    if (e && !e->is_string) return type_error(t, e, "a string");
    snprintf(buf, size, "%s", e ? e->value : (def ? def : ""));
    return CL_OK;
}

int cl_toml_require_string(const cl_toml *t, const char *table, int index, const char *key,
                           char *buf, size_t size)
{
    if (!cl_toml_find(t, table, index, key))
        return cl_fail(CL_E_FORMAT, "%s: %s[%d] has no key %s", t->path, table, index, key);
    return cl_toml_string(t, table, index, key, NULL, buf, size);
}

int cl_toml_double(const cl_toml *t, const char *table, int index, const char *key, double def,
                   double *out)
{
    const cl_toml_entry *e = cl_toml_find(t, table, index, key);
    *out = def;
    if (!e) return CL_OK;
    char *end;
    double v = strtod(e->value, &end);
    if (e->is_string || *end != '\0' || end == e->value) return type_error(t, e, "a number");
    *out = v;
    return CL_OK;
}

int cl_toml_int(const cl_toml *t, const char *table, int index, const char *key, int def, int *out)
{
    const cl_toml_entry *e = cl_toml_find(t, table, index, key);
    *out = def;
    if (!e) return CL_OK;
    char *end;
    errno = 0;
    long v = strtol(e->value, &end, 10);
    if (e->is_string || *end != '\0' || end == e->value || errno || v < -2147483647L - 1 ||
        v > 2147483647L)
        return type_error(t, e, "an integer");
    *out = (int)v;
    return CL_OK;
}
