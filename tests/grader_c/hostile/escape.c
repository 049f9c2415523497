/* escape.c -- hostile a1: every call of im_conv starts a process that leaves
 * the worker's process group (setsid) and sleeps forever; the last case's
 * call (rejects_kernel_larger_than_image: a kernel taller than the image)
 * also never returns. Killing the group misses those processes: the judge,
 * a child subreaper, must still kill and reap every one of them. */
#include <unistd.h>

#include "a1_correct.h"

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0)
            for (;;) pause();
        _exit(0);
    }
    if (kernel->h > img->h)
        for (volatile unsigned long i = 0;; i++) continue;
    return good_im_conv(img, kernel, out);
}
