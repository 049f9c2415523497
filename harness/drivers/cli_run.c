/* cli_run.c -- `convlab run OP`: load the inputs, call one function of the
 * chosen implementation (reference, solution or student), judge what it
 * returned, and only then write the output.
 *
 * Shapes: conv and subimages take one image, (H,W), (H,W,C) or (1,H,W,C);
 * the layers (conv2d, pools, upsample, conv2d_transpose) and pad also take a
 * batch (N,H,W,C); threshold and to_uint8 take any shape. The output keeps
 * the input's rank where it can (a 1-channel result of a rank-2 input stays
 * (H,W); more channels make it (H,W,C)); subimages writes (OH*OW, KH*KW*C).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Everything a run holds; run_free releases it on every path. */
typedef struct run_state {
    const cli_run_args *a;
    cl_image in;       /* the input, rank in_rank in its file */
    int in_rank;
    cl_image kernel;   /* conv: the 2-D kernel */
    cl_image flipped;  /* conv --flip: the flipped kernel */
    cl_weights w;      /* conv2d, conv2d_transpose */
    float *bias;       /* --bias values (cout), malloc'ed by cl_npy_read */
    cl_image out;      /* the result */
    uint8_t *bytes;    /* to_uint8: guard + count bytes + guard */
} run_state;

#define GUARD 64
#define GUARD_BYTE 0xA5

static void run_free(run_state *s)
{
    cl_image_free(&s->in);
    cl_image_free(&s->kernel);
    cl_image_free(&s->flipped);
    cl_weights_free(&s->w);
    free(s->bias);
    cl_image_free(&s->out);
    free(s->bytes);
}

/* ------------------------------------------------------------------ inputs */

static int need_single_image(const run_state *s)
{
    if (s->in.n == 1)
        return 0;
    char shape[64];
    return cli_fail(CLI_EXIT_BAD,
                    "%s takes one image, (H,W), (H,W,C) or (1,H,W,C); the input has shape %s",
                    s->a->op_name, cli_shape_text(&s->in, s->in_rank, shape, sizeof shape));
}

/* Weights of a layer: a 4-D FILE.npy, or a named kernel as (kh, kw, 1, 1). */
static int load_weights(run_state *s, int transposed)
{
    const char *spec = s->a->kernel;
    if (cli_has_ext(spec, ".npy")) {
        int st = cl_weights_read_npy(&s->w, spec, transposed);
        return st == CL_OK ? 0 : cli_fail_lib(st, "-k");
    }
    int st = cli_load_kernel(spec, "-k", &s->kernel);
    if (st)
        return st;
    st = cl_weights_alloc(&s->w, s->kernel.h, s->kernel.w, 1, 1);
    if (st != CL_OK)
        return cli_fail_lib(st, "-k");
    memcpy(s->w.data, s->kernel.data, cl_image_count(&s->kernel) * sizeof(float));
    return 0;
}

static int load_bias(run_state *s)
{
    const char *path = s->a->bias;
    if (path == NULL)
        return 0;
    cl_npy_info info;
    int st = cl_npy_read(path, &s->bias, &info);
    if (st != CL_OK)
        return cli_fail_lib(st, "--bias");
    if (info.ndim == 1 && info.shape[0] == s->w.cout)
        return 0;
    char shape[96] = "(";
    for (int i = 0; i < info.ndim; i++) {
        size_t len = strlen(shape);
        snprintf(shape + len, sizeof shape - len, i ? ", %ld" : "%ld", info.shape[i]);
    }
    strncat(shape, info.ndim == 1 ? ",)" : ")", sizeof shape - strlen(shape) - 1);
    return cli_fail(CLI_EXIT_BAD,
                    "--bias %s: expected a 1-D array of length %d (the weights' cout), got "
                    "shape %s", path, s->w.cout, shape);
}

static int load_inputs(run_state *s)
{
    const cli_run_args *a = s->a;
    int st = cli_load_input(a->in, &s->in, &s->in_rank);
    if (st)
        return st;
    switch (a->op) {
    case CLI_OP_SUBIMAGES: return need_single_image(s);
    case CLI_OP_CONV:
        if ((st = need_single_image(s)) != 0)
            return st;
        return cli_load_kernel(a->kernel, "-k", &s->kernel);
    case CLI_OP_CONV2D:
    case CLI_OP_CONV2D_TRANSPOSE:
        if ((st = load_weights(s, a->op == CLI_OP_CONV2D_TRANSPOSE)) != 0)
            return st;
        return load_bias(s);
    default: return 0;
    }
}

/* ---------------------------------------------------------------- the ops */

/* Calls function fn of the chosen implementation with a clean library message
 * and judges the result, which lands in s->out. */
#define CALL(fn, ...)                                                   \
    cli_check_call(s->a->impl, CL_FUNCTION_NAME(fn),                    \
                   (cli_clear_lib_error(), s->a->impl->fn(__VA_ARGS__)), &s->out)

static int run_conv(run_state *s)
{
    const cli_run_args *a = s->a;
    const cl_impl *impl = a->impl;
    const cl_image *k = &s->kernel;
    if (a->flip) {
        cli_clear_lib_error();
        int st = cli_check_call(impl, CL_FUNCTION_NAME(flip_kernel),
                                impl->flip_kernel(k, &s->flipped), &s->flipped);
        if (st)
            return st;
        k = &s->flipped;
    }
    unsigned conv_opts = CLI_BIT(CLI_OPT_MODE) | CLI_BIT(CLI_OPT_BORDER) | CLI_BIT(CLI_OPT_STRIDE);
    cli_fn fn = a->fn;
    if (fn == CLI_FN_AUTO)
        fn = (a->given & conv_opts) ? CLI_FN_IM_CONV_OPTS : CLI_FN_IM_CONV;
    cl_conv_opts opts = {a->mode, a->border, a->sy, a->sx};
    switch (fn) {
    case CLI_FN_IM_CONV_OPTS: return CALL(im_conv_opts, &s->in, k, &opts, &s->out);
    case CLI_FN_IM_CONV_FAST: return CALL(im_conv_fast, &s->in, k, &s->out);
    default: return CALL(im_conv, &s->in, k, &s->out);
    }
}

/* to_uint8 writes bytes, not an image: its buffer gets guard bands of its own. */
static int run_to_uint8(run_state *s)
{
    size_t count = cl_image_count(&s->in);
    s->bytes = malloc(count + 2 * GUARD);
    if (s->bytes == NULL)
        return cli_fail(CLI_EXIT_BAD, "out of memory for %zu bytes", count);
    memset(s->bytes, GUARD_BYTE, count + 2 * GUARD);
    uint8_t *u8 = s->bytes + GUARD;
    cli_clear_lib_error();
    int st = cli_check_call(s->a->impl, CL_FUNCTION_NAME(to_uint8),
                            s->a->impl->to_uint8(&s->in, u8), NULL);
    if (st)
        return st;
    for (size_t i = 0; i < GUARD; i++)
        if (s->bytes[i] != GUARD_BYTE || u8[count + i] != GUARD_BYTE)
            return cli_fail(CLI_EXIT_BAD, "to_uint8 wrote outside its output (it holds "
                            "cl_image_count(img) = %zu bytes)", count);
    return 0;
}

static int run_op(run_state *s)
{
    const cli_run_args *a = s->a;
    const cl_image *in = &s->in;
    switch (a->op) {
    case CLI_OP_SUBIMAGES: return CALL(get_subimages, in, a->kh, a->kw, &s->out);
    case CLI_OP_CONV: return run_conv(s);
    case CLI_OP_CONV2D:
        return CALL(conv2d, in, &s->w, s->bias, a->sy, a->sx, a->padding, &s->out);
    case CLI_OP_CONV2D_TRANSPOSE:
        return CALL(conv2d_transpose, in, &s->w, s->bias, a->sy, a->sx, a->padding, &s->out);
    case CLI_OP_MAXPOOL:
        return CALL(max_pool2d, in, a->ph, a->pw, a->sy, a->sx, a->padding, &s->out);
    case CLI_OP_AVGPOOL:
        return CALL(avg_pool2d, in, a->ph, a->pw, a->sy, a->sx, a->padding, &s->out);
    case CLI_OP_UPSAMPLE: return CALL(upsample, in, a->fy, a->fx, a->interp, &s->out);
    case CLI_OP_THRESHOLD: return CALL(threshold_binary, in, a->thresh, a->maxval, &s->out);
    case CLI_OP_PAD:
        return CALL(pad_image, in, a->pad[0], a->pad[1], a->pad[2], a->pad[3], a->border,
                    &s->out);
    case CLI_OP_TO_UINT8: return run_to_uint8(s);
    case CLI_OP_COUNT: break;
    }
    return cli_fail(CLI_EXIT_BAD, "internal error: unhandled operation");
}

/* ----------------------------------------------------------------- output */

/* to_uint8: a uint8 .npy of the input's shape, or a PNG of the byte values. */
static int write_bytes(run_state *s)
{
    const cli_run_args *a = s->a;
    const uint8_t *u8 = s->bytes + GUARD;
    if (a->out_format == CLI_FORMAT_PNG) {
        int st = cl_image_alloc(&s->out, s->in.n, s->in.h, s->in.w, s->in.c);
        if (st != CL_OK)
            return cli_fail_lib(st, NULL);
        for (size_t i = 0, n = cl_image_count(&s->out); i < n; i++)
            s->out.data[i] = u8[i];
        return cli_write_image(a->out, a->out_format, &s->out, s->in_rank);
    }
    long shape[4];
    int nd = 0, rank = s->in_rank;
    if (rank >= 4)
        shape[nd++] = s->in.n;
    if (rank >= 2)
        shape[nd++] = s->in.h;
    shape[nd++] = s->in.w;
    if (rank >= 3)
        shape[nd++] = s->in.c;
    int st = cl_npy_write(a->out, u8, CL_DTYPE_U8, nd, shape);
    return st == CL_OK ? 0 : cli_fail_lib(st, NULL);
}

static int write_output(run_state *s)
{
    const cli_run_args *a = s->a;
    if (a->op == CLI_OP_TO_UINT8)
        return write_bytes(s);
    int want = a->op == CLI_OP_SUBIMAGES ? 2 : s->in_rank;
    if (a->op == CLI_OP_CONV2D || a->op == CLI_OP_CONV2D_TRANSPOSE || a->op == CLI_OP_MAXPOOL ||
        a->op == CLI_OP_AVGPOOL || a->op == CLI_OP_UPSAMPLE)
        want = want < 2 ? 2 : want;
    return cli_write_image(a->out, a->out_format, &s->out, cli_fit_rank(&s->out, want));
}

int cli_cmd_run(int argc, char **argv)
{
    cli_run_args a;
    int st = cli_parse_run(argc, argv, &a);
    if (st)
        return st;
    run_state s = {.a = &a};
    st = load_inputs(&s);
    if (st == 0)
        st = run_op(&s);
    if (st == 0)
        st = write_output(&s);
    run_free(&s);
    return st;
}
