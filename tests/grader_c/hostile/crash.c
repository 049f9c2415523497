/* crash.c -- hostile a1: im_conv dies in three ways, each on one case, and
 * is correct on the others (so the next case must pass):
 *   a 3x3 kernel on an image shorter than 10 rows (letter_f_emboss):
 *     segmentation fault;
 *   a 2x4 kernel (even_kernel): exit(0) in the middle of the call;
 *   a kernel as large as the image (kernel_as_large_as_image): abort(). */
#include <stdlib.h>

#include "a1_correct.h"

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    if (kernel->h == 3 && kernel->w == 3 && img->h < 10) {
        volatile float *p = NULL;
        *p = 1.0f;
    }
    if (kernel->h == 2 && kernel->w == 4) exit(0);
    if (kernel->h == img->h && kernel->w == img->w) abort();
    return good_im_conv(img, kernel, out);
}
