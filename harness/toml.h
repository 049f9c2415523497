/* toml.h -- a reader for the small subset of TOML that convlab's tables use
 * (tests/cases.toml, tests/budgets.toml, and later grader/rubric.toml), so
 * that the C suites and the Python grader (tomllib) read the same files.
 *
 * Supported: comments (#), blank lines, arrays of tables ([[case]]), plain
 * tables ([defaults]), and `key = value` where value is a basic string
 * ("..." with \" \\ \n \t escapes), an integer, a float, true or false.
 * Anything else (inline tables, arrays, multi-line strings, dotted keys) is
 * rejected with CL_E_FORMAT and a message naming the file and line.
 *
 * Every value is kept as text; the getters convert. Ownership: cl_toml_read
 * fills *out, cl_toml_free releases it.
 */
#ifndef CONVLAB_TOML_H
#define CONVLAB_TOML_H

#include "convlab.h"

typedef struct cl_toml_entry {
    char table[32]; /* "case" for [[case]], "defaults" for [defaults], "" at top */
    int index;      /* which [[table]] of that name (0-based); 0 for plain tables */
    char key[48];
    char value[512]; /* unescaped string, or the literal text of a number/bool */
    int is_string;
    int line;
} cl_toml_entry;

typedef struct cl_toml {
    cl_toml_entry *entries;
    int count;
    char path[256];
} cl_toml;

int cl_toml_read(const char *path, cl_toml *out);
void cl_toml_free(cl_toml *t);

/* Number of [[table]] entries of that name. */
int cl_toml_count(const cl_toml *t, const char *table);

/* The entry table[index].key, or NULL when absent. */
const cl_toml_entry *cl_toml_find(const cl_toml *t, const char *table, int index, const char *key);

/* Getters: CL_OK, or CL_E_FORMAT with a message naming file, line and key
 * when the value has the wrong type. When the key is absent they store the
 * default and return CL_OK; cl_toml_require_* return CL_E_FORMAT instead. */
int cl_toml_string(const cl_toml *t, const char *table, int index, const char *key,
                   const char *def, char *buf, size_t size);
int cl_toml_double(const cl_toml *t, const char *table, int index, const char *key, double def,
                   double *out);
int cl_toml_int(const cl_toml *t, const char *table, int index, const char *key, int def, int *out);
int cl_toml_require_string(const cl_toml *t, const char *table, int index, const char *key,
                           char *buf, size_t size);

#endif /* CONVLAB_TOML_H */
