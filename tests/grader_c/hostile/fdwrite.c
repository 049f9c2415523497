/* fdwrite.c -- hostile a1: on a 3x3 kernel over an image shorter than 10
 * rows (letter_f_emboss), im_conv writes junk into every descriptor from 3
 * to 63 -- the worker's private protocol pipe among them. The judge must see
 * a malformed reply, kill the worker, and grade the next case. */
#include <unistd.h>

#include "a1_correct.h"

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    if (kernel->h == 3 && kernel->w == 3 && img->h < 10)
        for (int fd = 3; fd < 64; fd++)
            if (write(fd, "junk junk junk junk", 19) < 0) continue;
    return good_im_conv(img, kernel, out);
}
