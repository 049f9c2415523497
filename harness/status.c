/* status.c -- status codes, the per-thread error message, and the names of
 * the enums (modes, border rules, interpolations) as used on the command line.
 *
 * cl_fail records a printf-style message in a thread-local buffer and returns
 * its status code; cl_last_error hands the message back. A message may quote
 * the previous one (cl_fail(st, "%s: %s", path, cl_last_error())): it is
 * formatted into a scratch buffer first, then copied.
 */
#include "convlab.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MSG_SIZE 1024

static _Thread_local char last_error[MSG_SIZE];

const char *cl_status_str(int status)
{
    switch (status) {
    case CL_OK: return "success";
    case CL_E_NOT_IMPLEMENTED: return "not implemented yet";
    case CL_E_ARG: return "invalid argument";
    case CL_E_SHAPE: return "shapes do not fit together";
    case CL_E_NOMEM: return "out of memory";
    case CL_E_IO: return "input/output error";
    case CL_E_FORMAT: return "corrupt, truncated or unsupported file";
    case CL_E_TOOBIG: return "dimensions too large";
    default: return "unknown status code";
    }
}

const char *cl_last_error(void)
{
    return last_error;
}

int cl_fail(int status, const char *fmt, ...)
{
    char scratch[MSG_SIZE];
    va_list ap;

    if (fmt == NULL) {
        last_error[0] = '\0';
        return status;
    }
    va_start(ap, fmt);
    int len = vsnprintf(scratch, sizeof scratch, fmt, ap);
    va_end(ap);
    if (len < 0)
        scratch[0] = '\0';
    memcpy(last_error, scratch, sizeof last_error);
    last_error[MSG_SIZE - 1] = '\0';
    return status;
}

/* ------------------------------------------------------------------ names */

static const char *const mode_names[] = {"valid", "same", "full"};
static const char *const border_names[] = {"zero", "replicate", "reflect", "reflect101", "wrap"};
static const char *const interp_names[] = {"nearest", "bilinear"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *cl_mode_name(cl_mode m)
{
    return (int)m >= 0 && (int)m < COUNT(mode_names) ? mode_names[m] : "(invalid mode)";
}

const char *cl_border_name(cl_border b)
{
    return (int)b >= 0 && (int)b < COUNT(border_names) ? border_names[b] : "(invalid border)";
}

const char *cl_interp_name(cl_interp i)
{
    return (int)i >= 0 && (int)i < COUNT(interp_names) ? interp_names[i]
                                                       : "(invalid interpolation)";
}

/* Index of text in names[0..count-1], or -1. */
static int find_name(const char *text, const char *const *names, int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(text, names[i]) == 0)
            return i;
    return -1;
}

int cl_mode_parse(const char *text, cl_mode *out)
{
    if (text == NULL || out == NULL)
        return cl_fail(CL_E_ARG, "mode: %s is NULL", text == NULL ? "text" : "out");
    int i = find_name(text, mode_names, COUNT(mode_names));
    if (i < 0)
        return cl_fail(CL_E_ARG, "unknown mode '%s' (expected valid, same or full)", text);
    *out = (cl_mode)i;
    return CL_OK;
}

int cl_border_parse(const char *text, cl_border *out)
{
    if (text == NULL || out == NULL)
        return cl_fail(CL_E_ARG, "border: %s is NULL", text == NULL ? "text" : "out");
    int i = find_name(text, border_names, COUNT(border_names));
    if (i < 0)
        return cl_fail(CL_E_ARG,
                       "unknown border '%s' (expected zero, replicate, reflect, reflect101 "
                       "or wrap)",
                       text);
    *out = (cl_border)i;
    return CL_OK;
}

int cl_interp_parse(const char *text, cl_interp *out)
{
    if (text == NULL || out == NULL)
        return cl_fail(CL_E_ARG, "interpolation: %s is NULL", text == NULL ? "text" : "out");
    int i = find_name(text, interp_names, COUNT(interp_names));
    if (i < 0)
        return cl_fail(CL_E_ARG, "unknown interpolation '%s' (expected nearest or bilinear)",
                       text);
    *out = (cl_interp)i;
    return CL_OK;
}
