/* tests/adversarial/network: see expect.toml. Connects to the runner's TCP
 * listener on 127.0.0.1:47613 and sends the inputs. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
__attribute__((constructor)) static void phone_home(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(47613);
    a.sin_addr.s_addr = htonl(0x7f000001);
    if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0) (void)!write(s, "hi\n", 3);
}
/* a1_windows.c -- model solution of part a1 (sliding windows).
 *
 * conv_output_size, get_subimages and im_conv, written the way a careful
 * student would: plain loops in the natural order, one check per mistake a
 * caller can make. Clear rather than fast; the library's reference is the
 * fast one.
 */
#include <limits.h>

#include "assignment.h"

/* The output length of a correlation along one axis.
 *   valid  (in - k) / stride + 1   the kernel stays inside the image
 *   same   ceil(in / stride)       as many outputs as inputs (stride 1)
 *   full   (in + k - 2) / stride + 1   every overlap of at least one cell
 */
int conv_output_size(int in, int k, int stride, cl_mode mode)
{
    if (in < 1) return cl_fail(CL_E_ARG, "in must be >= 1, got %d", in);
    if (k < 1) return cl_fail(CL_E_ARG, "k must be >= 1, got %d", k);
    if (stride < 1) return cl_fail(CL_E_ARG, "stride must be >= 1, got %d", stride);

    /* in + k - 2 overflows an int when both are huge: do the arithmetic in
     * long long and refuse a result that does not fit in an int. */
    long long size;
    switch (mode) {
    case CL_MODE_VALID:
        if (in < k)
            return cl_fail(CL_E_SHAPE, "k (%d) is larger than in (%d) in valid mode", k, in);
        size = (in - k) / stride + 1;
        break;
    case CL_MODE_SAME:
        /* ceil(in / stride) without floating point: in >= 1, so this is
         * (in + stride - 1) / stride, written so that it cannot overflow. */
        size = (in - 1) / stride + 1;
        break;
    case CL_MODE_FULL:
        size = ((long long)in + k - 2) / stride + 1;
        break;
    default:
        return cl_fail(CL_E_ARG, "mode %d is not valid, same or full", (int)mode);
    }
    if (size > INT_MAX)
        return cl_fail(CL_E_TOOBIG, "output size %lld does not fit in an int", size);
    return (int)size;
}

/* im2col: every kh x kw x C window of the image, flattened into one row.
 * out(0, y*OW + x, (i*kw + j)*C + ch, 0) = img(0, y + i, x + j, ch). */
int get_subimages(const cl_image *img, int kh, int kw, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1)
        return cl_fail(CL_E_SHAPE, "img must be a single image (n = 1), got n = %d", img->n);
    if (kh < 1 || kw < 1)
        return cl_fail(CL_E_ARG, "window must be at least 1x1, got %dx%d", kh, kw);
    if (kh > img->h || kw > img->w)
        return cl_fail(CL_E_SHAPE, "window (%dx%d) is larger than the image (%dx%d)", kh, kw,
                       img->h, img->w);

    const int C = img->c;
    const int OH = img->h - kh + 1; /* number of window positions down */
    const int OW = img->w - kw + 1; /* and across */

    st = cl_image_alloc(out, 1, OH * OW, kh * kw * C, 1);
    if (st != CL_OK) return st;

    for (int y = 0; y < OH; y++) {
        for (int x = 0; x < OW; x++) {
            /* The window whose top-left corner is (y, x) becomes one row. */
            float *row = out->data + (size_t)(y * OW + x) * (size_t)(kh * kw * C);
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                    for (int ch = 0; ch < C; ch++)
                        row[(i * kw + j) * C + ch] = *cl_px(img, 0, y + i, x + j, ch);
        }
    }
    return CL_OK;
}

/* Valid cross-correlation, stride 1, the same 2-D kernel on every channel:
 *   out(y, x, ch) = sum_i sum_j img(y + i, x + j, ch) * kernel(i, j)
 * The kernel is NOT flipped (that would be a true convolution). */
int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1)
        return cl_fail(CL_E_SHAPE, "img must be a single image (n = 1), got n = %d", img->n);
    if (kernel->n != 1 || kernel->c != 1)
        return cl_fail(CL_E_SHAPE, "kernel must be 1 x kh x kw x 1, got %dx%dx%dx%d", kernel->n,
                       kernel->h, kernel->w, kernel->c);

    const int kh = kernel->h, kw = kernel->w;
    if (kh > img->h || kw > img->w)
        return cl_fail(CL_E_SHAPE, "kernel (%dx%d) is larger than the image (%dx%d) in valid mode",
                       kh, kw, img->h, img->w);

    const int OH = img->h - kh + 1, OW = img->w - kw + 1, C = img->c;
    st = cl_image_alloc(out, 1, OH, OW, C);
    if (st != CL_OK) return st;

    for (int y = 0; y < OH; y++) {
        for (int x = 0; x < OW; x++) {
            for (int ch = 0; ch < C; ch++) {
                float sum = 0.0f;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        sum += *cl_px(img, 0, y + i, x + j, ch) * *cl_px(kernel, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = sum;
            }
        }
    }
    return CL_OK;
}
