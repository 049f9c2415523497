/* tests/adversarial/infinite_loop: see expect.toml. */
#include "assignment.h"

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    for (volatile unsigned long i = 0;; i++) { }
    (void)img; (void)kernel; (void)out; return CL_E_ARG;
}
