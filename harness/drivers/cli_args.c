/* cli_args.c -- the command line of `convlab run`, parsed into a cli_run_args.
 *
 * Three passes: collect (every word is an option with its value, or the one
 * positional OP; unknown options and missing values fail here), check (the
 * options fit the OP: none it does not use, all it needs), convert (numbers
 * and names, with their ranges). Every failure here is a usage error (exit
 * status 2) whose message names the option and quotes the text, e.g.
 * "--stride: expected a positive integer or SY,SX, got '0'".
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ----------------------------------------------------------------- tables */

typedef struct option_info {
    const char *name;  /* as typed: "-k", "--stride" */
    const char *alias; /* long form of a short option, or NULL */
    int takes_value;
} option_info;

static const option_info options[CLI_OPT_COUNT] = {
    [CLI_OPT_IMPL] = {"--impl", NULL, 1},        [CLI_OPT_IN] = {"-i", "--input", 1},
    [CLI_OPT_OUT] = {"-o", "--output", 1},       [CLI_OPT_KERNEL] = {"-k", "--kernel", 1},
    [CLI_OPT_BIAS] = {"--bias", NULL, 1},        [CLI_OPT_KSIZE] = {"--ksize", NULL, 1},
    [CLI_OPT_MODE] = {"--mode", NULL, 1},        [CLI_OPT_BORDER] = {"--border", NULL, 1},
    [CLI_OPT_STRIDE] = {"--stride", NULL, 1},    [CLI_OPT_FLIP] = {"--flip", NULL, 0},
    [CLI_OPT_FN] = {"--fn", NULL, 1},            [CLI_OPT_POOL] = {"--pool", NULL, 1},
    [CLI_OPT_PADDING] = {"--padding", NULL, 1},  [CLI_OPT_FACTOR] = {"--factor", NULL, 1},
    [CLI_OPT_INTERP] = {"--interp", NULL, 1},    [CLI_OPT_THRESH] = {"--thresh", NULL, 1},
    [CLI_OPT_MAXVAL] = {"--maxval", NULL, 1},    [CLI_OPT_PAD] = {"--pad", NULL, 1},
};

#define B(o) CLI_BIT(CLI_OPT_##o)
#define COMMON (B(IMPL) | B(IN) | B(OUT))

typedef struct op_info {
    const char *name;
    unsigned allowed;  /* besides COMMON */
    unsigned required; /* besides -i and -o */
} op_info;

static const op_info ops[CLI_OP_COUNT] = {
    [CLI_OP_SUBIMAGES] = {"subimages", B(KSIZE), B(KSIZE)},
    [CLI_OP_CONV] = {"conv", B(KERNEL) | B(MODE) | B(BORDER) | B(STRIDE) | B(FLIP) | B(FN),
                     B(KERNEL)},
    [CLI_OP_CONV2D] = {"conv2d", B(KERNEL) | B(BIAS) | B(STRIDE) | B(PADDING), B(KERNEL)},
    [CLI_OP_MAXPOOL] = {"maxpool", B(POOL) | B(STRIDE) | B(PADDING), B(POOL)},
    [CLI_OP_AVGPOOL] = {"avgpool", B(POOL) | B(STRIDE) | B(PADDING), B(POOL)},
    [CLI_OP_UPSAMPLE] = {"upsample", B(FACTOR) | B(INTERP), B(FACTOR)},
    [CLI_OP_CONV2D_TRANSPOSE] = {"conv2d_transpose",
                                 B(KERNEL) | B(BIAS) | B(STRIDE) | B(PADDING), B(KERNEL)},
    [CLI_OP_THRESHOLD] = {"threshold", B(THRESH) | B(MAXVAL), B(THRESH)},
    [CLI_OP_TO_UINT8] = {"to_uint8", 0, 0},
    [CLI_OP_PAD] = {"pad", B(PAD) | B(BORDER), B(PAD)},
};

#define OP_LIST                                                                             \
    "subimages, conv, conv2d, maxpool, avgpool, upsample, conv2d_transpose, threshold, " \
    "to_uint8 or pad"

/* --------------------------------------------------------- number parsers */

int cli_has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

/* One decimal integer in lo..hi from [s, end); 0 or -1. */
static int parse_one_int(const char *s, const char *end, int lo, int hi, int *v)
{
    char buf[32];
    size_t len = (size_t)(end - s);
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (!(buf[0] == '-' || buf[0] == '+' || (buf[0] >= '0' && buf[0] <= '9')))
        return -1;
    char *stop;
    errno = 0;
    long x = strtol(buf, &stop, 10);
    if (errno != 0 || *stop != '\0' || x < lo || x > hi)
        return -1;
    *v = (int)x;
    return 0;
}

int cli_parse_ints(const char *opt, const char *text, int lo, int hi, int maxcount, int *v,
                   const char *expect)
{
    int count = 0;
    const char *s = text;
    for (;;) {
        const char *comma = strchr(s, ',');
        const char *end = comma ? comma : s + strlen(s);
        if (count == maxcount || parse_one_int(s, end, lo, hi, &v[count]) != 0)
            break;
        count++;
        if (!comma)
            return count;
        s = comma + 1;
    }
    cli_fail(CLI_EXIT_USAGE, "%s: expected %s, got '%s'", opt, expect, text);
    return -CLI_EXIT_USAGE;
}

int cli_parse_float(const char *opt, const char *text, float *v)
{
    char *stop;
    errno = 0;
    double x = strtod(text, &stop);
    if (text[0] == '\0' || *stop != '\0' || errno == ERANGE || !isfinite(x) ||
        fabs(x) > 3.0e38) {
        cli_fail(CLI_EXIT_USAGE, "%s: expected a finite number, got '%s'", opt, text);
        return -CLI_EXIT_USAGE;
    }
    *v = (float)x;
    return 0;
}

/* Parses "A" or "A,B" into a pair (A,A) or (A,B) of positive integers. */
static int parse_pair(const char *opt, const char *text, const char *names, int *a, int *b)
{
    char expect[96];
    int v[2];
    snprintf(expect, sizeof expect, "a positive integer or %s", names);
    int n = cli_parse_ints(opt, text, 1, CL_MAX_DIM, 2, v, expect);
    if (n < 0)
        return -n;
    *a = v[0];
    *b = n == 2 ? v[1] : v[0];
    return 0;
}

/* --pad P | PY,PX | T,B,L,R, each 0..CL_MAX_DIM. */
static int parse_pad(const char *text, int pad[4])
{
    int v[4];
    int n = cli_parse_ints("--pad", text, 0, CL_MAX_DIM, 4, v,
                           "a non-negative integer P, PY,PX or T,B,L,R");
    if (n < 0)
        return -n;
    if (n == 3)
        return cli_fail(CLI_EXIT_USAGE,
                        "--pad: expected a non-negative integer P, PY,PX or T,B,L,R, got '%s'",
                        text);
    int t = v[0], l = n == 1 ? v[0] : v[1];
    pad[0] = t;
    pad[1] = n == 4 ? v[1] : t;
    pad[2] = n == 4 ? v[2] : l;
    pad[3] = n == 4 ? v[3] : l;
    return 0;
}

/* ------------------------------------------------------------- converters */

static int parse_mode(const char *opt, const char *text, int allow_full, cl_mode *m)
{
    if (cl_mode_parse(text, m) != CL_OK || (!allow_full && *m == CL_MODE_FULL))
        return cli_fail(CLI_EXIT_USAGE, "%s: expected %s, got '%s'", opt,
                        allow_full ? "valid, same or full" : "valid or same", text);
    return 0;
}

static int parse_fn(const char *text, cli_fn *fn)
{
    static const char *const names[] = {"im_conv", "im_conv_opts", "im_conv_fast"};
    static const cli_fn values[] = {CLI_FN_IM_CONV, CLI_FN_IM_CONV_OPTS, CLI_FN_IM_CONV_FAST};
    for (int i = 0; i < 3; i++)
        if (strcmp(text, names[i]) == 0) {
            *fn = values[i];
            return 0;
        }
    return cli_fail(CLI_EXIT_USAGE, "--fn: expected im_conv, im_conv_opts or im_conv_fast, "
                                    "got '%s'", text);
}

/* Converts the value of option o (given as text) into a. */
static int convert(cli_run_args *a, cli_opt o, const char *text)
{
    switch (o) {
    case CLI_OPT_IMPL:
        a->impl = cl_impl_find(text);
        return a->impl ? 0
                       : cli_fail(CLI_EXIT_USAGE,
                                  "--impl: expected reference, solution or student, got '%s'",
                                  text);
    case CLI_OPT_IN: a->in = text; return 0;
    case CLI_OPT_OUT: a->out = text; return 0;
    case CLI_OPT_KERNEL: a->kernel = text; return 0;
    case CLI_OPT_BIAS: a->bias = text; return 0;
    case CLI_OPT_KSIZE: return parse_pair("--ksize", text, "KH,KW", &a->kh, &a->kw);
    case CLI_OPT_MODE: return parse_mode("--mode", text, 1, &a->mode);
    case CLI_OPT_PADDING: return parse_mode("--padding", text, 0, &a->padding);
    case CLI_OPT_BORDER:
        return cl_border_parse(text, &a->border) == CL_OK
                   ? 0
                   : cli_fail(CLI_EXIT_USAGE,
                              "--border: expected zero, replicate, reflect, reflect101 or "
                              "wrap, got '%s'", text);
    case CLI_OPT_STRIDE: return parse_pair("--stride", text, "SY,SX", &a->sy, &a->sx);
    case CLI_OPT_FLIP: a->flip = 1; return 0;
    case CLI_OPT_FN: return parse_fn(text, &a->fn);
    case CLI_OPT_POOL: return parse_pair("--pool", text, "PH,PW", &a->ph, &a->pw);
    case CLI_OPT_FACTOR: return parse_pair("--factor", text, "FY,FX", &a->fy, &a->fx);
    case CLI_OPT_INTERP:
        return cl_interp_parse(text, &a->interp) == CL_OK
                   ? 0
                   : cli_fail(CLI_EXIT_USAGE,
                              "--interp: expected nearest or bilinear, got '%s'", text);
    case CLI_OPT_THRESH: return -cli_parse_float("--thresh", text, &a->thresh);
    case CLI_OPT_MAXVAL: return -cli_parse_float("--maxval", text, &a->maxval);
    case CLI_OPT_PAD: return parse_pad(text, a->pad);
    case CLI_OPT_COUNT: break;
    }
    return cli_fail(CLI_EXIT_USAGE, "internal error: unhandled option");
}

/* ---------------------------------------------------------------- passes */

/* The option named by word ("-k", "--kernel"), or CLI_OPT_COUNT. */
static cli_opt find_option(const char *word, size_t len)
{
    for (int o = 0; o < CLI_OPT_COUNT; o++) {
        const char *names[2] = {options[o].name, options[o].alias};
        for (int i = 0; i < 2; i++)
            if (names[i] && strlen(names[i]) == len && strncmp(word, names[i], len) == 0)
                return (cli_opt)o;
    }
    return CLI_OPT_COUNT;
}

typedef struct raw_args {
    const char *op;
    const char *value[CLI_OPT_COUNT];
    unsigned given;
} raw_args;

/* Handles the option word argv[*i] (possibly "--name=value"). */
static int collect_option(int argc, char **argv, int *i, raw_args *r)
{
    const char *word = argv[*i];
    const char *eq = strncmp(word, "--", 2) == 0 ? strchr(word, '=') : NULL;
    size_t len = eq ? (size_t)(eq - word) : strlen(word);
    cli_opt o = find_option(word, len);
    if (o == CLI_OPT_COUNT)
        return cli_fail(CLI_EXIT_USAGE, "unknown option '%.*s' (see convlab run --help)",
                        (int)len, word);
    const char *name = options[o].name;
    if (r->given & CLI_BIT(o))
        return cli_fail(CLI_EXIT_USAGE, "option %s given twice", name);
    const char *value = "";
    if (options[o].takes_value) {
        if (eq)
            value = eq + 1;
        else if (*i + 1 < argc)
            value = argv[++*i];
        else
            return cli_fail(CLI_EXIT_USAGE, "option %s needs a value", name);
        if (value[0] == '\0')
            return cli_fail(CLI_EXIT_USAGE, "option %s needs a value, got ''", name);
    } else if (eq) {
        return cli_fail(CLI_EXIT_USAGE, "option %s takes no value", name);
    }
    r->value[o] = value;
    r->given |= CLI_BIT(o);
    return 0;
}

static int collect(int argc, char **argv, raw_args *r)
{
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
            cli_print_run_usage(stdout);
            return CLI_HELP_SHOWN;
        }
        if (w[0] == '-' && w[1] != '\0') {
            int st = collect_option(argc, argv, &i, r);
            if (st)
                return st;
        } else if (r->op == NULL) {
            r->op = w;
        } else {
            return cli_fail(CLI_EXIT_USAGE, "unexpected argument '%s' (the input is -i IN)", w);
        }
    }
    return 0;
}

/* The op called name, or CLI_OP_COUNT. */
static cli_op lookup_op(const char *name)
{
    int i = 0;
    while (i < CLI_OP_COUNT && strcmp(ops[i].name, name) != 0)
        i++;
    return (cli_op)i;
}

static int find_op(const char *name, cli_op *op)
{
    *op = lookup_op(name);
    if (*op != CLI_OP_COUNT)
        return 0;
    return cli_fail(CLI_EXIT_USAGE, "unknown operation '%s' (expected %s)", name, OP_LIST);
}

/* Every given option is used by the op; every required one is given. */
static int check_fit(const raw_args *r, cli_op op)
{
    unsigned allowed = ops[op].allowed | COMMON;
    unsigned required = ops[op].required | B(IN) | B(OUT);
    for (int o = 0; o < CLI_OPT_COUNT; o++)
        if ((r->given & CLI_BIT(o)) && !(allowed & CLI_BIT(o)))
            return cli_fail(CLI_EXIT_USAGE, "option %s does not apply to %s", options[o].name,
                            ops[op].name);
    for (int o = 0; o < CLI_OPT_COUNT; o++)
        if ((required & CLI_BIT(o)) && !(r->given & CLI_BIT(o)))
            return cli_fail(CLI_EXIT_USAGE, "missing option %s", options[o].name);
    return 0;
}

static void set_defaults(cli_run_args *a)
{
    memset(a, 0, sizeof *a);
    a->impl = &cl_impl_reference;
    a->mode = CL_MODE_VALID;
    a->border = CL_BORDER_ZERO;
    a->sy = a->sx = 1;
    a->fn = CLI_FN_AUTO;
    a->padding = CL_MODE_VALID;
    a->interp = CL_INTERP_NEAREST;
    a->maxval = 255.0f;
}

/* conv: --fn im_conv and im_conv_fast take no options. */
static int check_fn(const cli_run_args *a)
{
    if (a->fn != CLI_FN_IM_CONV && a->fn != CLI_FN_IM_CONV_FAST)
        return 0;
    static const cli_opt opts[] = {CLI_OPT_MODE, CLI_OPT_BORDER, CLI_OPT_STRIDE};
    for (int i = 0; i < 3; i++)
        if (a->given & CLI_BIT(opts[i]))
            return cli_fail(CLI_EXIT_USAGE, "--fn %s takes no %s (use --fn im_conv_opts)",
                            a->fn == CLI_FN_IM_CONV ? "im_conv" : "im_conv_fast",
                            options[opts[i]].name);
    return 0;
}

int cli_parse_run(int argc, char **argv, cli_run_args *a)
{
    raw_args r = {0};
    set_defaults(a);
    cli_set_context("run");
    int st = collect(argc, argv, &r);
    if (st && r.op && lookup_op(r.op) != CLI_OP_COUNT)
        cli_set_context("run %s", r.op);
    if (st)
        return st;
    if (r.op == NULL)
        return cli_fail(CLI_EXIT_USAGE, "missing OP (one of %s; see convlab run --help)",
                        OP_LIST);
    if ((st = find_op(r.op, &a->op)) != 0)
        return st;
    a->op_name = ops[a->op].name;
    cli_set_context("run %s", a->op_name);
    if ((st = check_fit(&r, a->op)) != 0)
        return st;
    a->given = r.given;
    for (int o = 0; o < CLI_OPT_COUNT; o++)
        if ((r.given & CLI_BIT(o)) && (st = convert(a, (cli_opt)o, r.value[o])) != 0)
            return st;
    if (a->impl != &cl_impl_reference)
        cli_set_context("run %s --impl %s", a->op_name, a->impl->name);
    if ((a->op == CLI_OP_MAXPOOL || a->op == CLI_OP_AVGPOOL) && !(a->given & B(STRIDE))) {
        a->sy = a->ph;
        a->sx = a->pw;
    }
    if ((st = check_fn(a)) != 0)
        return st;
    return cli_output_format(a->out, &a->out_format) == 0 ? 0 : CLI_EXIT_USAGE;
}
