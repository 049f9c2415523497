/* loop.c -- hostile a1: im_conv never returns on a 5x5 kernel (the case
 * a1.im_conv.cat_gaussian), and its first call leaves a child process behind
 * in the worker's process group. The judge must time the call out, kill the
 * whole group (the child too) and grade the next case on a fresh worker. */
#include <unistd.h>

#include "a1_correct.h"

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    static int forked;
    if (!forked++ && fork() == 0) {
        for (;;) pause(); /* a child left behind, holding the pipes */
    }
    if (kernel->h == 5 && kernel->w == 5)
        for (volatile unsigned long i = 0;; i++) continue;
    return good_im_conv(img, kernel, out);
}
