/* tests/adversarial/signal_ignore_banned: see expect.toml. */
#include "assignment.h"
#include <signal.h>
int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    signal(SIGTERM, SIG_IGN);
    signal(SIGALRM, SIG_IGN);
    signal(SIGXCPU, SIG_IGN);
    for (volatile unsigned long i = 0;; i++) { }
    (void)img; (void)kernel; (void)out; return CL_E_ARG;
}
