/* tests/adversarial/ignore_signals: see expect.toml. */
#include "assignment.h"
#include <signal.h>
#include <pthread.h>
int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, 0);     /* SIGTERM, SIGALRM, SIGXCPU, ... blocked */
    for (volatile unsigned long i = 0;; i++) { }
    (void)img; (void)kernel; (void)out; return CL_E_ARG;
}
