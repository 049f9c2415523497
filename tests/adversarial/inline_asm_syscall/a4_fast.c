/* tests/adversarial/inline_asm_syscall: see expect.toml. A raw fork with
 * inline assembly, to get round the symbol check. */
#include "assignment.h"
static long raw_fork(void)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(57L) : "rcx", "r11", "memory");
    return r;
}
int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    (void)img; (void)kernel; (void)out;
    for (int i = 0; i < 100; i++) if (raw_fork() == 0) for (;;) { }
    return CL_OK;
}
