/* cli.c -- main of `convlab`, the command-line driver of the kit (floor 3).
 *
 *   convlab run OP -i IN -o OUT [options]   one operation, any implementation
 *   convlab show IN [IN ...] [-k NAME ...] -o OUT.png  pictures side by side
 *   convlab info FILE                       shape, type and range of a file
 *   convlab kernels [NAME ...]              the named kernels and their values
 *
 * This file holds the dispatch, the usage texts and the error line: every
 * failure anywhere in the driver ends here as exactly one stderr line
 * "convlab: <context>: <message>" and exit status 1 (bad input, failed
 * operation) or 2 (bad command line). See cli.h for the other files.
 */
#include "cli.h"

#include <stdarg.h>
#include <string.h>

/* ------------------------------------------------------------------ errors */

static char context[256];
static char message[1024];

void cli_set_context(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
}

int cli_fail(int code, const char *fmt, ...)
{
    if (message[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
    }
    return code;
}

int cli_fail_lib(int status, const char *prefix)
{
    const char *what = cl_last_error();
    if (what[0] == '\0')
        what = cl_status_str(status);
    if (prefix)
        return cli_fail(CLI_EXIT_BAD, "%s: %s", prefix, what);
    return cli_fail(CLI_EXIT_BAD, "%s", what);
}

/* Prints the one error line; control characters (a newline in a student's
 * message) become spaces so that it stays one line. */
static void print_error(void)
{
    char line[sizeof context + sizeof message + 16];
    if (message[0] == '\0')
        snprintf(message, sizeof message, "failed (no message was recorded)");
    if (context[0])
        snprintf(line, sizeof line, "%s: %s", context, message);
    else
        snprintf(line, sizeof line, "%s", message);
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    fprintf(stderr, "convlab: %s\n", line);
}

/* -------------------------------------------------------------- usage texts */

void cli_print_usage(FILE *f)
{
    fputs("usage: convlab COMMAND [ARGUMENTS]\n"
          "\n"
          "Commands:\n"
          "  run OP -i IN -o OUT [options]    run one operation (convlab run --help)\n"
          "  show IN [IN ...] [-k NAME ...] -o OUT.png [--normalize] [--scale S] [--impl NAME]\n"
          "                                   draw IN, any further images, and IN's SAME-mode\n"
          "                                   correlation with each kernel side by side\n"
          "                                   (border reflect101); without -k, a (H,W,C) input\n"
          "                                   with C not 1 or 3 is drawn one panel per channel\n"
          "  info FILE                        shape, type and value range of an image, .npy\n"
          "                                   or IDX (Fashion-MNIST) file\n"
          "  kernels [NAME ...]               list the named kernels with their values\n"
          "  help, --help                     this text; convlab run --help for the operations\n"
          "  --version                        print the version\n"
          "\n"
          "show options:\n"
          "  -k NAME|FILE.npy   a kernel (repeat for more panels)\n"
          "  --normalize        stretch each panel's min..max to 0..255 (signed results, or\n"
          "                     an input scaled to 0..1); without it values are clamped\n"
          "  --scale S          enlarge every panel S times (nearest neighbour), S = 1..64\n"
          "  --impl NAME        reference (default), solution or student\n"
          "\n"
          "Exit status: 0 success, 1 bad input or failed operation, 2 bad command line.\n"
          "Errors are one line on stderr: convlab: <what went wrong>.\n"
          "\n"
          "Examples:\n"
          "  convlab kernels\n"
          "  convlab run conv -i cat.png -k gaussian5 -o blur.png\n"
          "  convlab run conv --impl student -i cat.png -k sobel_x --mode same -o sx.npy\n"
          "  convlab show cat.png -k sobel_x -k sobel_y --normalize -o edges.png\n"
          "  convlab show fmap.npy --normalize --scale 4 -o maps.png\n"
          "  convlab info /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz\n",
          f);
}

void cli_print_run_usage(FILE *f)
{
    fputs(
        "usage: convlab run OP -i IN -o OUT [--impl reference|solution|student] [options]\n"
        "\n"
        "IN   .npy (float32 or uint8) or PNG/JPEG/BMP (values 0..255, the file's channels)\n"
        "OUT  .npy (float32) or .png (rounded half to even, clamped to 0..255)\n"
        "--impl picks whose functions run: reference (default), solution or student.\n"
        "\n"
        "  OP                options (* = required)                  calls\n"
        "  subimages         --ksize*                                get_subimages\n"
        "  conv              -k* --mode --border --stride --flip --fn im_conv, im_conv_opts,\n"
        "                                                            im_conv_fast, flip_kernel\n"
        "  pad               --pad* --border                         pad_image\n"
        "  threshold         --thresh* --maxval                      threshold_binary\n"
        "  to_uint8                                                  to_uint8\n"
        "  conv2d            -k* --bias --stride --padding           conv2d\n"
        "  conv2d_transpose  -k* --bias --stride --padding           conv2d_transpose\n"
        "  maxpool           --pool* --stride --padding              max_pool2d\n"
        "  avgpool           --pool* --stride --padding              avg_pool2d\n"
        "  upsample          --factor* --interp                      upsample\n"
        "\n"
        "Options\n"
        "  -i IN, -o OUT     input and output files\n"
        "  -k K              conv: a named kernel (convlab kernels) or a FILE.npy (kh, kw);\n"
        "                    conv2d: weights FILE.npy (kh, kw, cin, cout); conv2d_transpose:\n"
        "                    (kh, kw, cout, cin); a named kernel is (kh, kw, 1, 1) there\n"
        "  --bias FILE.npy   1-D, one value per output channel (cout)\n"
        "  --ksize KH,KW     window size (K means K,K)\n"
        "  --mode M          valid | same | full\n"
        "  --border B        zero | replicate | reflect | reflect101 | wrap (default zero)\n"
        "  --stride S        S or SY,SX (default 1; pools: the pool size)\n"
        "  --flip            flip the kernel first (flip_kernel): true convolution\n"
        "  --fn F            force im_conv | im_conv_opts | im_conv_fast. By default conv\n"
        "                    calls im_conv, or im_conv_opts when --mode, --border or\n"
        "                    --stride is given (the others default to valid, zero, 1)\n"
        "  --padding P       valid | same (default valid)\n"
        "  --pool P          P or PH,PW\n"
        "  --factor F        F or FY,FX\n"
        "  --interp I        nearest | bilinear (default nearest)\n"
        "  --thresh T        out = maxval where in > T, else 0\n"
        "  --maxval V        default 255\n"
        "  --pad P           P, PY,PX or T,B,L,R pixels added on each side\n"
        "An option the OP does not use is an error. Nothing is written when anything fails.\n"
        "\n"
        "Shapes: subimages and conv take one image, (H,W), (H,W,C) or (1,H,W,C); conv\n"
        "applies the 2-D kernel to each channel. pad and the layers also take a batch\n"
        "(N,H,W,C); (H,W) is one channel. threshold and to_uint8 take any shape. The output\n"
        "keeps the input's rank ((H,W) becomes (H,W,C) when a layer makes several\n"
        "channels); subimages writes (OH*OW, KH*KW*C), one window per row; to_uint8\n"
        "writes a uint8 .npy.\n"
        "\n"
        "Examples:\n"
        "  convlab run conv -i cat.png -k gaussian5 -o blur.png\n"
        "  convlab run conv -i cat.png -k sobel_x --mode same --border reflect101 -o sx.npy\n"
        "  convlab run conv --impl student -i x.npy -k box3 --fn im_conv_fast -o y.npy\n"
        "  convlab run subimages -i x.npy --ksize 3,2 -o windows.npy\n"
        "  convlab run conv2d -i batch.npy -k w.npy --bias b.npy --padding same -o y.npy\n"
        "  convlab run maxpool -i y.npy --pool 2 -o p.npy\n"
        "  convlab run upsample -i x.npy --factor 2 --interp bilinear -o up.npy\n"
        "  convlab run threshold -i edges.npy --thresh 100 -o mask.png\n"
        "  convlab run pad -i x.npy --pad 2 --border reflect101 -o padded.npy\n",
        f);
}

/* ---------------------------------------------------------------- dispatch */

static int is_help(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0 || strcmp(s, "help") == 0;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return cli_fail(CLI_EXIT_USAGE, "missing command (try 'convlab --help')");
    const char *cmd = argv[1];
    if (is_help(cmd)) {
        if (argc > 2 && strcmp(argv[2], "run") == 0)
            cli_print_run_usage(stdout);
        else
            cli_print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("convlab %s\n", CL_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return cli_cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "show") == 0)
        return cli_cmd_show(argc - 2, argv + 2);
    if (strcmp(cmd, "info") == 0)
        return cli_cmd_info(argc - 2, argv + 2);
    if (strcmp(cmd, "kernels") == 0)
        return cli_cmd_kernels(argc - 2, argv + 2);
    return cli_fail(CLI_EXIT_USAGE,
                    "unknown command '%s' (expected run, show, info, kernels or help)", cmd);
}

int main(int argc, char **argv)
{
    int code = dispatch(argc, argv);
    if (code == CLI_HELP_SHOWN)
        code = CLI_EXIT_OK;
    if (code != CLI_EXIT_OK)
        print_error();
    if (fflush(stdout) != 0 && code == CLI_EXIT_OK) {
        fprintf(stderr, "convlab: cannot write to standard output\n");
        code = CLI_EXIT_BAD;
    }
    return code;
}
