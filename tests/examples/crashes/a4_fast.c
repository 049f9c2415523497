/* Assignment 4 - im_conv_fast
 * Sam O.
 * Copy the kernel into a local array once and use plain pointer arithmetic
 * instead of cl_px for every tap.
 */
#include <stdlib.h>
#include "assignment.h"

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
	int s = cl_image_check(img, "img");
	if (s != CL_OK)
		return s;
	if ((s = cl_image_check(kernel, "kernel")) != CL_OK)
		return s;
	if (!out)
		return cl_fail(CL_E_ARG, "out is NULL");
	if (img->n != 1 || kernel->n != 1 || kernel->c != 1)
		return cl_fail(CL_E_SHAPE, "bad shapes");
	int kh = kernel->h, kw = kernel->w, W = img->w, C = img->c;
	if (kh > img->h || kw > W)
		return cl_fail(CL_E_SHAPE, "kernel too big");

	int OH = img->h - kh + 1, OW = W - kw + 1;
	if ((s = cl_image_alloc(out, 1, OH, OW, C)) != CL_OK)
		return s;
	float *k = malloc(sizeof(float) * kh * kw);
	if (!k)
		return cl_fail(CL_E_NOMEM, "no memory");
	for (int t = 0; t < kh * kw; t++)
		k[t] = kernel->data[t];

	const float *in = img->data;
	for (int y = 0; y < OH; y++)
		for (int x = 0; x < OW; x++)
			for (int c = 0; c < C; c++) {
				float total = 0;
				for (int i = 0; i < kh; i++) {
					const float *row = in + ((size_t)(y + i) * W + x) * C + c;
					for (int j = 0; j < kw; j++)
						total += row[j * C] * k[i * kw + j];
				}
				out->data[((size_t)y * OW + x) * C + c] = total;
			}
	free(k);
	return CL_OK;
}
