/* Assignment 1 - sliding windows
 * Lena K.
 */
#include "assignment.h"

int conv_output_size(int in, int k, int stride, cl_mode mode)
{
	if (in < 1 || k < 1 || stride < 1)
		return cl_fail(CL_E_ARG, "in, k and stride must be >= 1");
	long long r;
	switch (mode) {
	case CL_MODE_VALID:
		if (in < k)
			return cl_fail(CL_E_SHAPE, "kernel larger than input");
		r = (in - k) / stride + 1;
		break;
	case CL_MODE_SAME:
		r = (in - 1) / stride + 1;
		break;
	case CL_MODE_FULL:
		r = ((long long)in + k - 2) / stride + 1;
		break;
	default:
		return cl_fail(CL_E_ARG, "mode?");
	}
	if (r > 2147483647LL)
		return cl_fail(CL_E_TOOBIG, "too big");
	return (int)r;
}

int get_subimages(const cl_image *img, int kh, int kw, cl_image *out)
{
	int s = cl_image_check(img, "img");
	if (s != CL_OK)
		return s;
	if (!out)
		return cl_fail(CL_E_ARG, "out is NULL");
	if (img->n != 1)
		return cl_fail(CL_E_SHAPE, "n must be 1");
	if (kh < 1 || kw < 1)
		return cl_fail(CL_E_ARG, "bad window");
	if (kh > img->h || kw > img->w)
		return cl_fail(CL_E_SHAPE, "window too big");

	int OH = img->h - kh + 1, OW = img->w - kw + 1, C = img->c;
	s = cl_image_alloc(out, 1, OH * OW, kh * kw * C, 1);
	if (s != CL_OK)
		return s;
	for (int win = 0; win < OH * OW; win++) {
		int y = win / OW, x = win % OW;
		for (int col = 0; col < kh * kw * C; col++) {
			int ch = col % C;
			int j = (col / C) % kw;
			int i = col / (C * kw);
			*cl_px(out, 0, win, col, 0) = *cl_px(img, 0, y + i, x + j, ch);
		}
	}
	return CL_OK;
}

int im_conv(const cl_image *img, const cl_image *kernel, cl_image *out)
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
	if (kernel->h > img->h || kernel->w > img->w)
		return cl_fail(CL_E_SHAPE, "kernel too big");

	int OH = img->h - kernel->h + 1, OW = img->w - kernel->w + 1;
	if ((s = cl_image_alloc(out, 1, OH, OW, img->c)) != CL_OK)
		return s;
	for (int y = 0; y < OH; y++)
		for (int x = 0; x < OW; x++)
			for (int c = 0; c < img->c; c++) {
				float total = 0;
				for (int i = 0; i < kernel->h; i++)
					for (int j = 0; j < kernel->w; j++)
						total += *cl_px(img, 0, y + i, x + j, c) *
							 *cl_px(kernel, 0, i, j, 0);
				*cl_px(out, 0, y, x, c) = total;
			}
	return CL_OK;
}
