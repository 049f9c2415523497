/* tests/adversarial/libc_override: see expect.toml. Replaces the libc
 * comparison functions, in the hope that the comparison of its output with
 * the expected one happens in its own process, and answers zeros. */
#include <stddef.h>
#include "assignment.h"

int memcmp(const void *a, const void *b, size_t n) { (void)a; (void)b; (void)n; return 0; }
int bcmp(const void *a, const void *b, size_t n) { (void)a; (void)b; (void)n; return 0; }
int strcmp(const char *a, const char *b) { (void)a; (void)b; return 0; }
double fabs(double x) { (void)x; return 0.0; }
float fabsf(float x) { (void)x; return 0.0f; }
double fmax(double a, double b) { (void)a; (void)b; return 0.0; }
float fmaxf(float a, float b) { (void)a; (void)b; return 0.0f; }

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    if (!img || !kernel || !out || kernel->h > img->h || kernel->w > img->w) return CL_E_ARG;
    int st = cl_image_alloc(out, 1, img->h - kernel->h + 1, img->w - kernel->w + 1, img->c);
    if (st != CL_OK) return st;
    for (size_t i = 0; i < cl_image_count(out); i++) out->data[i] = 0.0f;   /* all wrong */
    return CL_OK;
}
