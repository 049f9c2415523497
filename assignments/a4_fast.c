/* a4_fast.c -- assignment a4: make it fast (20 points).
 *
 * You implement one function in this file:
 *   im_conv_fast   20 points   = 5 for a correct result
 *                              + 15 for the speed-up over the naive version
 *
 * The grader also runs hidden cases of these functions, drawn for your
 * submission from a secret seed (worth a few points more: see the handout).
 *
 * Test with `make test A=a4` (correctness) and `make bench` (timings). The
 * grader measures the speed-up itself, on its own machine, against the kit's
 * naive im_conv, best of several runs; the handout gives the scale from the
 * speed-up to the 15 points, and the leaderboard shows everyone's.
 *
 * This file must compile on its own: the grader compiles it alone, against
 * its own copy of assignment.h. Include only "assignment.h" (and standard C
 * headers) and do not call the functions of other parts: copy what you need
 * from your a1_windows.c into this file (as static helpers if you like).
 */
#include "assignment.h"

/* ------------------------------------------------------------------------
 * im_conv_fast (5 + 15 points)
 *
 * Exactly the result of part a1's im_conv, as fast as you can make it:
 * valid cross-correlation, stride 1, the 2-D kernel applied to each channel.
 *
 *   img:    1 x H x W x C
 *   kernel: 1 x kh x kw x 1
 *   out:    1 x (H-kh+1) x (W-kw+1) x C
 *
 *   out(y, x, ch) = sum over i < kh, j < kw of img(y + i, x + j, ch) * kernel(i, j)
 *
 * Example (as in a1): the 3 x 4 image 1..12 and the kernel [[1, 2], [3, 4]]
 * give [[44, 54, 64], [84, 94, 104]].
 *
 * Same errors as im_conv: CL_E_ARG for a NULL argument; CL_E_SHAPE when
 * img->n != 1, the kernel is not 1 x kh x kw x 1, or it is larger than the
 * image. Do not modify img or kernel, and write only inside out's pixels:
 * the tests check both.
 *
 * How to go about it (perflab style):
 *   1. Start from your a1 im_conv, copied here and renamed; check that
 *      `make test A=a4` passes, and note its time with `make bench`.
 *   2. Change one thing at a time, test, time, keep what helps.
 * Ideas, roughly from the cheapest: compute row pointers once instead of the
 * full index formula in the inner loop; put the loop that walks along memory
 * (consecutive x and ch are consecutive floats) innermost; load each kernel
 * value once per row and add its contribution to a whole output row;
 * special-case C == 1 and small kernels; work on blocks of rows that stay in
 * the cache.
 *
 * Float sums: a different order of additions gives slightly different
 * results. The tests allow a tolerance that grows with the size of the sum,
 * so reordering is fine; a wrong index is not.
 * ------------------------------------------------------------------------ */
int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    /* TODO: your code here. */
    (void)img;
    (void)kernel;
    (void)out;
    return CL_E_NOT_IMPLEMENTED;
}
