/* fake_worker.c -- a stand-in for the kit's worker (harness/drivers/worker.c)
 * while the grader's tests run without the real judge: it reads one function
 * name per line on stdin, calls that student function with trivial
 * arguments and prints "ret STATUS" (the stubs return CL_E_NOT_IMPLEMENTED,
 * the model solutions an argument error or a size). Every student function
 * is a weak reference, so the program links with any one part file, as the
 * real worker does. tests/grader/fake_judge.py drives it.
 */
#include <stdio.h>
#include <string.h>

#include "assignment.h"

#pragma weak conv_output_size
#pragma weak get_subimages
#pragma weak im_conv
#pragma weak flip_kernel
#pragma weak pad_image
#pragma weak im_conv_opts
#pragma weak threshold_binary
#pragma weak to_uint8
#pragma weak conv2d
#pragma weak max_pool2d
#pragma weak avg_pool2d
#pragma weak upsample
#pragma weak conv2d_transpose
#pragma weak im_conv_fast

static int call(const char *fn, int *ret)
{
#define CALL(name, ...) \
    if (strcmp(fn, #name) == 0) { if (!name) return -1; *ret = name(__VA_ARGS__); return 0; }
    CALL(conv_output_size, 7, 3, 1, CL_MODE_VALID)
    CALL(get_subimages, NULL, 2, 2, NULL)
    CALL(im_conv, NULL, NULL, NULL)
    CALL(flip_kernel, NULL, NULL)
    CALL(pad_image, NULL, 1, 1, 1, 1, CL_BORDER_ZERO, NULL)
    CALL(im_conv_opts, NULL, NULL, NULL, NULL)
    CALL(threshold_binary, NULL, 0.0f, 1.0f, NULL)
    CALL(to_uint8, NULL, NULL)
    CALL(conv2d, NULL, NULL, NULL, 1, 1, CL_MODE_VALID, NULL)
    CALL(max_pool2d, NULL, 2, 2, 2, 2, CL_MODE_VALID, NULL)
    CALL(avg_pool2d, NULL, 2, 2, 2, 2, CL_MODE_VALID, NULL)
    CALL(upsample, NULL, 2, 2, CL_INTERP_NEAREST, NULL)
    CALL(conv2d_transpose, NULL, NULL, NULL, 1, 1, CL_MODE_VALID, NULL)
    CALL(im_conv_fast, NULL, NULL, NULL)
#undef CALL
    return -2;
}

int main(void)
{
    char line[256];
    setvbuf(stdout, NULL, _IONBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        int ret = 0;
        int st = call(line, &ret);
        if (st == -1)
            printf("absent\n");
        else if (st == -2)
            printf("unknown\n");
        else
            printf("ret %d\n", ret);
    }
    return 0;
}
