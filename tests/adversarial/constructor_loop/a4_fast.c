/* tests/adversarial/constructor_loop: see expect.toml. A constructor that
 * blocks every signal and never returns: the worker never says hello. */
#include <pthread.h>
#include <signal.h>
#include "assignment.h"

__attribute__((constructor)) static void never(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, 0);
    for (volatile unsigned long i = 0;; i++) { }
}

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1) return cl_fail(CL_E_SHAPE, "n must be 1");
    if (kernel->n != 1 || kernel->c != 1) return cl_fail(CL_E_SHAPE, "kernel must be 1 x kh x kw x 1");
    const int kh = kernel->h, kw = kernel->w;
    if (kh > img->h || kw > img->w) return cl_fail(CL_E_SHAPE, "kernel larger than the image");
    const int OH = img->h - kh + 1, OW = img->w - kw + 1, C = img->c;
    st = cl_image_alloc(out, 1, OH, OW, C);
    if (st != CL_OK) return st;
    for (int y = 0; y < OH; y++)
        for (int x = 0; x < OW; x++)
            for (int ch = 0; ch < C; ch++) {
                float sum = 0.0f;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        sum += *cl_px(img, 0, y + i, x + j, ch) * *cl_px(kernel, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = sum;
            }
    return CL_OK;
}
