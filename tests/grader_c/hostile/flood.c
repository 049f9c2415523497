/* flood.c -- hostile a1: im_conv prints. On a 5x5 kernel (cat_gaussian) it
 * floods 24 MB to standard output (printf, then write(1)) and 8 MB to
 * standard error; on every other call it prints one line of bytes that JSON
 * must escape (quotes, backslashes, control characters, invalid UTF-8).
 * Then it computes correctly: no hang, the prints capped, the protocol
 * intact, every case passed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "a1_correct.h"

HOSTILE_KEEP_SIZES_AND_WINDOWS

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    if (kernel->h == 5 && kernel->w == 5) {
        char line[1024];
        memset(line, 'x', sizeof line - 2);
        line[sizeof line - 2] = '\n', line[sizeof line - 1] = '\0';
        for (int i = 0; i < 8 * 1024; i++) fputs(line, stdout);
        for (int i = 0; i < 16 * 1024; i++)
            if (write(1, line, sizeof line - 1) < 0) break;
        for (int i = 0; i < 8 * 1024; i++) fputs(line, stderr);
    } else {
        printf("im_conv says \"hi\" \\ tab\t bell\a nul-free \x01 "
               "bad utf8 \xff\xfe\xc3 ok é ✓\n");
    }
    return good_im_conv(img, kernel, out);
}
