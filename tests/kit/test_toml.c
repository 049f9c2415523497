/* test_toml.c -- the TOML subset reader (harness/toml.h): a good file with
 * every supported construct, the getters and their type errors, and every
 * rejected construct, each with "<file>:<line>:" in its message.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "toml.h"

/* Writes text to a fresh temporary file; path gets its name. */
static void write_temp(char *path, size_t size, const char *text)
{
    snprintf(path, size, "/tmp/convlab-toml-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp failed");
    FILE *f = fdopen(fd, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

static const char good[] =
    "# a comment\n"
    "\n"
    "title = \"cases\"   # a trailing comment\n"
    "[defaults]\n"
    "points = 2\n"
    "[[case]]\n"
    "id = \"a1.im_conv.x\"\n"
    "points = 1.5\n"
    "text = \"quote \\\" backslash \\\\ newline \\n tab \\t # not a comment\"\n"
    "flag = true\n"
    "  indented   =   -3   \r\n"
    "[[ case ]]\n"
    "id = \"second\"\n"
    "big = 3e2\n"
    "small = -1.25E-3\n"
    "off = false\n"
    "empty = \"\"\n"
    "dash-key_2 = 0\n";

Test(toml, reads_every_supported_construct)
{
    char path[64];
    cl_toml t;
    write_temp(path, sizeof path, good);
    cr_assert_eq(cl_toml_read(path, &t), CL_OK, "%s", cl_last_error());
    cr_expect_eq(cl_toml_count(&t, "case"), 2);
    cr_expect_eq(cl_toml_count(&t, "nothing"), 0);

    const cl_toml_entry *e = cl_toml_find(&t, "", 0, "title");
    cr_assert(e);
    cr_expect_str_eq(e->value, "cases");
    cr_expect(e->is_string);
    cr_expect_eq(e->line, 3);
    e = cl_toml_find(&t, "case", 0, "text");
    cr_assert(e);
    cr_expect_str_eq(e->value, "quote \" backslash \\ newline \n tab \t # not a comment");
    e = cl_toml_find(&t, "case", 0, "flag");
    cr_assert(e);
    cr_expect_str_eq(e->value, "true");
    cr_expect(!e->is_string);
    cr_expect_null(cl_toml_find(&t, "case", 1, "text"));

    int i;
    double d;
    char buf[64];
    cr_expect_eq(cl_toml_int(&t, "defaults", 0, "points", 0, &i), CL_OK);
    cr_expect_eq(i, 2);
    cr_expect_eq(cl_toml_int(&t, "case", 0, "indented", 0, &i), CL_OK);
    cr_expect_eq(i, -3);
    cr_expect_eq(cl_toml_double(&t, "case", 0, "points", 0, &d), CL_OK);
    cr_expect_float_eq(d, 1.5, 1e-12);
    cr_expect_eq(cl_toml_double(&t, "defaults", 0, "points", 0, &d), CL_OK,
                 "an integer reads as a double");
    cr_expect_float_eq(d, 2.0, 1e-12);
    cr_expect_eq(cl_toml_double(&t, "case", 1, "big", 0, &d), CL_OK);
    cr_expect_float_eq(d, 300.0, 1e-9);
    cr_expect_eq(cl_toml_double(&t, "case", 1, "small", 0, &d), CL_OK);
    cr_expect_float_eq(d, -1.25e-3, 1e-12);
    cr_expect_eq(cl_toml_int(&t, "case", 1, "dash-key_2", 7, &i), CL_OK);
    cr_expect_eq(i, 0);
    cr_expect_eq(cl_toml_string(&t, "case", 1, "empty", "x", buf, sizeof buf), CL_OK);
    cr_expect_str_eq(buf, "");

    /* defaults for absent keys; require_string fails instead */
    cr_expect_eq(cl_toml_int(&t, "case", 1, "absent", 42, &i), CL_OK);
    cr_expect_eq(i, 42);
    cr_expect_eq(cl_toml_string(&t, "case", 1, "absent", "dflt", buf, sizeof buf), CL_OK);
    cr_expect_str_eq(buf, "dflt");
    cr_expect_eq(cl_toml_require_string(&t, "case", 1, "absent", buf, sizeof buf), CL_E_FORMAT);
    cr_expect(strstr(cl_last_error(), "absent") != NULL, "%s", cl_last_error());
    cl_toml_free(&t);
    cl_toml_free(&t); /* twice is harmless */
    unlink(path);
}

Test(toml, getters_reject_the_wrong_type_with_file_and_line)
{
    char path[64], want[96], buf[32];
    cl_toml t;
    int i;
    double d;
    write_temp(path, sizeof path, "s = \"text\"\nf = 1.5\nb = true\n");
    cr_assert_eq(cl_toml_read(path, &t), CL_OK, "%s", cl_last_error());
    cr_expect_eq(cl_toml_int(&t, "", 0, "s", 0, &i), CL_E_FORMAT);
    snprintf(want, sizeof want, "%s:1:", path);
    cr_expect(strstr(cl_last_error(), want) == cl_last_error(), "%s", cl_last_error());
    cr_expect_eq(cl_toml_int(&t, "", 0, "f", 0, &i), CL_E_FORMAT, "1.5 is not an integer");
    snprintf(want, sizeof want, "%s:2:", path);
    cr_expect(strstr(cl_last_error(), want) == cl_last_error(), "%s", cl_last_error());
    cr_expect_eq(cl_toml_double(&t, "", 0, "b", 0, &d), CL_E_FORMAT, "true is not a number");
    cr_expect_eq(cl_toml_double(&t, "", 0, "s", 0, &d), CL_E_FORMAT);
    cr_expect_eq(cl_toml_string(&t, "", 0, "f", "", buf, sizeof buf), CL_E_FORMAT);
    cl_toml_free(&t);
    unlink(path);
}

Test(toml, missing_file_is_an_io_error)
{
    cl_toml t;
    cr_expect_eq(cl_toml_read("/nonexistent/cases.toml", &t), CL_E_IO);
    cr_expect(strstr(cl_last_error(), "/nonexistent/cases.toml") != NULL, "%s", cl_last_error());
    cr_expect_eq(t.count, 0);
}

/* Every construct outside the subset, on line 2 after a good line. */
static const struct {
    const char *line, *why;
} rejected[] = {
    {"a = [1, 2]", "arrays"},
    {"a = {x = 1}", "inline tables"},
    {"a = \"\"\"multi\"\"\"", "multi-line strings"},
    {"a = 'literal'", "literal strings"},
    {"a.b = 1", "dotted keys"},
    {"[a.b]", "dotted tables"},
    {"\"quoted\" = 1", "quoted keys"},
    {"x = 2", "a key defined twice"},
    {"a = \"open", "an unterminated string"},
    {"a = \"\\u0041\"", "unsupported escapes"},
    {"a = \"tab\x01\"", "control characters in a string"},
    {"a =", "a missing value"},
    {"a = 1 2", "text after a value"},
    {"a = 01", "leading zeros"},
    {"a = 1_000", "underscores in numbers"},
    {"a = 0x10", "hexadecimal"},
    {"a = inf", "inf"},
    {"a = nan", "nan"},
    {"a = 1.", "a float without digits after the point"},
    {"a = .5", "a float without digits before the point"},
    {"a = 1e", "an exponent without digits"},
    {"a = 1979-05-27", "dates"},
    {"a = yes", "bare words"},
    {"a 1", "a missing ="},
    {"[[case]", "an unclosed header"},
    {"[case", "an unclosed table"},
    {"[[x]] junk", "text after a header"},
    {"[]", "an empty table name"},
    {"y = \"t\"\n[y]", "a table named like a top-level key"},
};

Test(toml, rejects_every_construct_outside_the_subset_with_file_and_line)
{
    for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
        char path[64], text[256], want[96];
        cl_toml t;
        snprintf(text, sizeof text, "x = 1\n%s\n", rejected[i].line);
        write_temp(path, sizeof path, text);
        int st = cl_toml_read(path, &t);
        cr_expect_eq(st, CL_E_FORMAT, "%s (%s) was accepted", rejected[i].line, rejected[i].why);
        int line = strchr(rejected[i].line, '\n') ? 3 : 2;
        snprintf(want, sizeof want, "%s:%d: ", path, line);
        cr_expect(strncmp(cl_last_error(), want, strlen(want)) == 0,
                  "%s: message \"%s\" does not start with %s", rejected[i].why, cl_last_error(),
                  want);
        cr_expect_eq(t.count, 0);
        cr_expect_null(t.entries);
        unlink(path);
    }
}

Test(toml, rejects_mixed_and_repeated_tables)
{
    static const char *const texts[] = {"[t]\na = 1\n[t]\n", "[t]\n[[t]]\n", "[[t]]\n[t]\n",
                                        "[[case]]\nid = \"a\"\nid = \"b\"\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char path[64];
        cl_toml t;
        write_temp(path, sizeof path, texts[i]);
        cr_expect_eq(cl_toml_read(path, &t), CL_E_FORMAT, "accepted: %s", texts[i]);
        cr_expect(strstr(cl_last_error(), path) == cl_last_error(), "%s", cl_last_error());
        unlink(path);
    }
}

Test(toml, same_key_in_two_cases_is_fine)
{
    char path[64];
    cl_toml t;
    write_temp(path, sizeof path, "[[case]]\nid = \"a\"\n[[case]]\nid = \"b\"\n");
    cr_assert_eq(cl_toml_read(path, &t), CL_OK, "%s", cl_last_error());
    cr_expect_str_eq(cl_toml_find(&t, "case", 1, "id")->value, "b");
    cl_toml_free(&t);
    unlink(path);
}

Test(toml, reads_the_case_table)
{
    cl_toml t;
    cr_assert_eq(cl_toml_read("tests/cases.toml", &t), CL_OK, "%s", cl_last_error());
    cr_expect_gt(cl_toml_count(&t, "case"), 50);
    cl_toml_free(&t);
}
