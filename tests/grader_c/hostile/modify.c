/* modify.c -- hostile a1: im_conv modifies its inputs: the image on a 5x5
 * kernel (cat_gaussian), the kernel on sobel_x (a 3x3 kernel on an image
 * wider than 100 columns: cat_sobel_x); correct otherwise. The judge must
 * name the input that changed. */
#include "a1_correct.h"

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int st = good_im_conv(img, kernel, out);
    if (kernel->h == 5 && kernel->w == 5) img->data[img->w + 3] += 1.0f;
    if (kernel->h == 3 && kernel->w == 3 && img->w > 100) kernel->data[4] = 42.0f;
    return st;
}
