/* startcrash.c -- hostile a1: the part file runs code of its own when the
 * worker starts (a constructor) and crashes there, before any function is
 * called. The first cases report the crash at start; after two of them the
 * judge stops restarting the worker and gives the others the same verdict. */
#include <signal.h>

#include "a1_correct.h"

__attribute__((constructor)) static void crash_at_start(void)
{
    raise(SIGSEGV);
}

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    return good_im_conv(img, kernel, out);
}
