/* tests/adversarial/disk_fill: see expect.toml. Fills the disk: /tmp, the
 * current folder, the home folder. */
#include <stdio.h>
#include <string.h>
#include "assignment.h"

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    (void)img; (void)kernel; (void)out;
    static char block[1 << 20];
    memset(block, 0x5a, sizeof block);
    const char *paths[] = {"/tmp/fill.bin", "fill.bin", "/var/tmp/fill.bin"};
    for (int p = 0; p < 3; p++) {
        FILE *f = fopen(paths[p], "wb");
        if (!f) continue;
        for (int i = 0; i < 100000; i++)
            if (fwrite(block, 1, sizeof block, f) != sizeof block) break;
        fclose(f);
    }
    return CL_OK;
}
