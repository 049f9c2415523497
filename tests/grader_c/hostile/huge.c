/* huge.c -- hostile a1: on a 5x5 kernel (cat_gaussian) im_conv returns an
 * output of 2048 x 2048 x 4 floats (64 MiB) where a few hundred KB are
 * expected: the judge must refuse it from the reply's header, without
 * reading it, kill the worker, and grade the next case. Correct otherwise. */
#include "a1_correct.h"

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    if (kernel->h == 5 && kernel->w == 5) return cl_image_alloc(out, 1, 2048, 2048, 4);
    return good_im_conv(img, kernel, out);
}
