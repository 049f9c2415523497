/* a4_fast.c
 * Jo W.
 *
 * My idea: build the im2col matrix (every window as one row) and then each
 * output pixel is just a dot product of its row with the kernel, which is a
 * nice tight loop. (I rebuild the windows for every pixel so that I never
 * read a stale buffer -- correctness first!)
 */
#include <stdlib.h>
#include "assignment.h"

/* Fills rows[(y*OW + x)*K + t] with the window of (y, x), channel ch. */
static void build_windows(const cl_image *img, int kh, int kw, int ch, float *rows)
{
    int OH = img->h - kh + 1, OW = img->w - kw + 1, K = kh * kw;
    for (int y = 0; y < OH; y++)
        for (int x = 0; x < OW; x++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                    rows[((size_t)y * OW + x) * K + i * kw + j] = *cl_px(img, 0, y + i, x + j, ch);
}

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1) return cl_fail(CL_E_SHAPE, "n must be 1");
    if (kernel->n != 1 || kernel->c != 1) return cl_fail(CL_E_SHAPE, "kernel must be 2-D");
    int kh = kernel->h, kw = kernel->w;
    if (kh > img->h || kw > img->w) return cl_fail(CL_E_SHAPE, "kernel too big");

    int OH = img->h - kh + 1, OW = img->w - kw + 1, C = img->c, K = kh * kw;
    st = cl_image_alloc(out, 1, OH, OW, C);
    if (st != CL_OK) return st;

    float *rows = malloc(sizeof(float) * (size_t)OH * OW * K);
    if (!rows) return cl_fail(CL_E_NOMEM, "no memory for the windows");

    for (int y = 0; y < OH; y++)
        for (int x = 0; x < OW; x++)
            for (int ch = 0; ch < C; ch++) {
                build_windows(img, kh, kw, ch, rows);
                const float *r = rows + ((size_t)y * OW + x) * K;
                float sum = 0.0f;
                for (int t = 0; t < K; t++)
                    sum += r[t] * kernel->data[t];
                *cl_px(out, 0, y, x, ch) = sum;
            }
    free(rows);
    return CL_OK;
}
