/* oob.c -- hostile a1: im_conv writes where it must not, or leaves out empty:
 *   5x5 kernel (cat_gaussian): one value past the end of its output;
 *   3x3 kernel on an image shorter than 10 rows (letter_f_emboss): one value
 *     before the start;
 *   3x3 kernel on a wide image (cat_sobel_x): replaces out->data by a buffer
 *     of its own;
 *   2x4 kernel (even_kernel): returns CL_OK without allocating out;
 * correct otherwise. */
#include <stdlib.h>
#include <string.h>

#include "a1_correct.h"

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    if (kernel->h == 2 && kernel->w == 4) return CL_OK;
    int st = good_im_conv(img, kernel, out);
    if (st != CL_OK) return st;
    size_t n = cl_image_count(out);
    if (kernel->h == 5 && kernel->w == 5) out->data[n] = 1.0f;
    if (kernel->h == 3 && kernel->w == 3 && img->h < 10) out->data[-1] = 1.0f;
    if (kernel->h == 3 && kernel->w == 3 && img->w > 100) {
        float *mine = malloc(n * sizeof *mine);
        if (mine) memcpy(mine, out->data, n * sizeof *mine), out->data = mine;
    }
    return CL_OK;
}
