/* cli.h -- the pieces of the `convlab` command-line driver (floor 3).
 *
 * The driver is split by concern:
 *   cli.c       main, the command dispatch, the error line, the usage texts
 *   cli_args.c  parsing of `convlab run` into a cli_run_args, and the number
 *               parsers shared with `show`
 *   cli_run.c   `convlab run OP`: load the inputs, call one implementation, write
 *   cli_io.c    loading kernels and weights, writing outputs by extension,
 *               checking what an implementation returned, shape texts
 *   cli_show.c  `convlab show`: panels side by side in one PNG
 *   cli_info.c  `convlab info` and `convlab kernels`
 *
 * ERRORS
 *   Every failure records ONE message with cli_fail (the first recorded
 *   message wins) and returns an exit status: CLI_EXIT_BAD (1) for bad input
 *   or a failed operation, CLI_EXIT_USAGE (2) for a bad command line. main
 *   prints it as the single stderr line "convlab: <context>: <message>", where
 *   the context ("run conv --impl student") was set by the command. Nothing is
 *   written to an output file unless every step before the write succeeded.
 */
#ifndef CONVLAB_CLI_H
#define CONVLAB_CLI_H

#include <stdio.h>

#include "convlab.h"
#include "impl.h"

enum { CLI_EXIT_OK = 0, CLI_EXIT_BAD = 1, CLI_EXIT_USAGE = 2 };

/* Returned by a parser that printed a --help text: main exits with 0. */
#define CLI_HELP_SHOWN (-1)

/* ------------------------------------------------------------- errors (cli.c) */

/* Sets the context printed before the message ("run conv"); printf-style. */
void cli_set_context(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Records the message (unless one is already recorded) and returns code. */
int cli_fail(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Records a library failure: "<prefix>: <cl_last_error()>" (or the text of
 * status when the library left no message); prefix may be NULL. Returns
 * CLI_EXIT_BAD. */
int cli_fail_lib(int status, const char *prefix);

/* ------------------------------------------------------- usage texts (cli.c) */

void cli_print_usage(FILE *f);
void cli_print_run_usage(FILE *f);

/* ---------------------------------------------------------- commands */

int cli_cmd_run(int argc, char **argv);     /* argv[0] is the first word after "run" */
int cli_cmd_show(int argc, char **argv);
int cli_cmd_info(int argc, char **argv);
int cli_cmd_kernels(int argc, char **argv);

/* ------------------------------------------------------ run arguments */

typedef enum cli_op {
    CLI_OP_SUBIMAGES,
    CLI_OP_CONV,
    CLI_OP_CONV2D,
    CLI_OP_MAXPOOL,
    CLI_OP_AVGPOOL,
    CLI_OP_UPSAMPLE,
    CLI_OP_CONV2D_TRANSPOSE,
    CLI_OP_THRESHOLD,
    CLI_OP_TO_UINT8,
    CLI_OP_PAD,
    CLI_OP_COUNT
} cli_op;

/* The options of `convlab run`, one bit each in cli_run_args.given. */
typedef enum cli_opt {
    CLI_OPT_IMPL,
    CLI_OPT_IN,
    CLI_OPT_OUT,
    CLI_OPT_KERNEL,
    CLI_OPT_BIAS,
    CLI_OPT_KSIZE,
    CLI_OPT_MODE,
    CLI_OPT_BORDER,
    CLI_OPT_STRIDE,
    CLI_OPT_FLIP,
    CLI_OPT_FN,
    CLI_OPT_POOL,
    CLI_OPT_PADDING,
    CLI_OPT_FACTOR,
    CLI_OPT_INTERP,
    CLI_OPT_THRESH,
    CLI_OPT_MAXVAL,
    CLI_OPT_PAD,
    CLI_OPT_COUNT
} cli_opt;

#define CLI_BIT(o) (1u << (o))

/* Which function `conv` calls. */
typedef enum cli_fn {
    CLI_FN_AUTO,         /* im_conv, or im_conv_opts when --mode/--border/--stride */
    CLI_FN_IM_CONV,
    CLI_FN_IM_CONV_OPTS,
    CLI_FN_IM_CONV_FAST
} cli_fn;

typedef enum cli_format { CLI_FORMAT_NPY, CLI_FORMAT_PNG } cli_format;

/* A parsed and validated `convlab run` command line. Fields of options that
 * were not given hold their defaults. */
typedef struct cli_run_args {
    cli_op op;
    const char *op_name;
    const cl_impl *impl;
    const char *in, *out;     /* -i, -o */
    cli_format out_format;    /* from the extension of out */
    const char *kernel;       /* -k: a named kernel or a FILE.npy */
    const char *bias;         /* --bias FILE.npy or NULL */
    unsigned given;           /* CLI_BIT(cli_opt) of every option given */
    int kh, kw;               /* --ksize */
    cl_mode mode;             /* --mode, default valid */
    cl_border border;         /* --border, default zero */
    int sy, sx;               /* --stride, default 1 (pools: the pool size) */
    int flip;                 /* --flip */
    cli_fn fn;                /* --fn, default auto */
    int ph, pw;               /* --pool */
    cl_mode padding;          /* --padding, default valid */
    int fy, fx;               /* --factor */
    cl_interp interp;         /* --interp, default nearest */
    float thresh, maxval;     /* --thresh, --maxval (default 255) */
    int pad[4];               /* --pad: top, bottom, left, right */
} cli_run_args;

/* Parses argv (the words after "run") into a. Returns 0, CLI_HELP_SHOWN, or
 * an exit status with a recorded message. */
int cli_parse_run(int argc, char **argv, cli_run_args *a);

/* ------------------------------------------------ number parsers (cli_args.c) */

/* Parses 1..maxcount comma-separated integers in lo..hi into v; returns how
 * many were read, or records "<opt>: expected <expect>, got '<text>'" and
 * returns -CLI_EXIT_USAGE. */
int cli_parse_ints(const char *opt, const char *text, int lo, int hi, int maxcount, int *v,
                   const char *expect);

/* Parses a finite float; same error convention (returns 0 or -CLI_EXIT_USAGE). */
int cli_parse_float(const char *opt, const char *text, float *v);

/* 1 when path ends in ext (".npy"), ignoring case. */
int cli_has_ext(const char *path, const char *ext);

/* ----------------------------------------------------- helpers (cli_io.c) */

/* Loads IN (.npy, or an image file with its own channels); *rank gets the
 * rank the file had. */
int cli_load_input(const char *path, cl_image *img, int *rank);

/* Loads a 2-D kernel: a named kernel, or a FILE.npy of shape (kh, kw) or
 * (kh, kw, 1). opt names the option in messages ("-k"). */
int cli_load_kernel(const char *spec, const char *opt, cl_image *k);

/* Smallest rank >= want that can hold im (1: (W), 2: (H,W), 3: (H,W,C),
 * 4: (N,H,W,C)). */
int cli_fit_rank(const cl_image *im, int want);

/* Python-style shape of im at a rank: "(5, 7)", "(2, 5, 5, 1)". */
const char *cli_shape_text(const cl_image *im, int rank, char *buf, size_t size);

/* Checks the output extension: .npy or .png. */
int cli_output_format(const char *path, cli_format *fmt);

/* Writes im to path as .npy (float32, given rank) or PNG. */
int cli_write_image(const char *path, cli_format fmt, const cl_image *im, int rank);

/* Clears the library's message before calling an implementation. */
void cli_clear_lib_error(void);

/* Judges what function fn of impl returned: not implemented, an error, an
 * output left empty, guard bands overwritten. Returns 0 or an exit status with
 * a recorded message. out may be NULL for functions without an image output. */
int cli_check_call(const cl_impl *impl, const char *fn, int status, const cl_image *out);

/* "assignments/a1_windows.c" (student), "solutions/a1_windows.c" (solution),
 * or "harness" (reference): where function fn of impl lives. */
const char *cli_function_file(const cl_impl *impl, const char *fn, char *buf, size_t size);

#endif /* CONVLAB_CLI_H */
