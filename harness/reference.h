/* reference.h -- the reference implementation of every operation (floor 1).
 *
 * These are the answers the kit trusts: drivers compare every other
 * implementation with them. Each cl_ref_X has exactly the signature, shapes
 * and semantics of the student function X declared in
 * assignments/assignment.h (read the comments there and SPEC §4); this header
 * adds only what differs.
 *
 * Unlike a student function, every reference function validates all of its
 * arguments and returns a cl_status with a message naming the bad argument
 * (see cl_last_error): null pointers, sizes < 1, unknown enum values,
 * mismatched channels, a batch where a single image is required, a kernel
 * larger than the image in valid mode, FULL padding for a layer. On error
 * `out` is left empty.
 *
 * The reference lives in its own archive (libconvlab_ref.a) so that the
 * grader's worker can link student code with the library core but never with
 * these functions.
 */
#ifndef CONVLAB_REFERENCE_H
#define CONVLAB_REFERENCE_H

#include "convlab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* conv_output_size is the library's cl_output_size; to_uint8 is cl_to_uint8. */

/* SPEED
 *   The correlations (im_conv, im_conv_opts, and im_conv_fast, which is
 *   im_conv; any channel count), conv2d, and on 1-channel images 2x2
 *   stride-2 pooling and x2 upsampling are vectorised (GCC vector extensions
 *   compiled for AVX-512, AVX2 and the x86-64 baseline, chosen at run time),
 *   register-blocked, and split over threads by output rows; a correlation
 *   with stride sx > 1, other pools and upsamplings, get_subimages and
 *   conv2d_transpose keep plain loops. Every sum keeps the order of the plain
 *   loops and products are not fused, so the results are the same, bit for
 *   bit, on every CPU and with any number of threads (and equal to the first,
 *   plain reference's). See ref_simd.h and ref_kern_body.h.
 *
 * THREADS
 *   One thread by default: the grader times student code against the
 *   single-threaded reference. CONVLAB_THREADS=N in the environment (read
 *   once, on the first call) or cl_ref_set_threads(N) sets N (1..64; values
 *   below 1 mean 1). Thread-safe; the reference functions may be called from
 *   several threads at once. */
void cl_ref_set_threads(int n);
int cl_ref_threads(void);

/* The vector level the reference runs: "avx512", "avx2" or "base" (the
 * widest the CPU has; CONVLAB_SIMD=avx2 or base in the environment forces a
 * narrower one, e.g. to test every level). */
const char *cl_ref_simd_name(void);

/* OUTPUT REUSE (off by default; for benchmarks and repeated calls)
 *   When on, a reference function whose `out` already holds an image of
 *   exactly the output's shape, allocated by cl_image_alloc with its guard
 *   bands intact and sharing no memory with the inputs, writes every output
 *   value into it instead of freeing it and allocating a new zero-filled one
 *   (the allocation and its zero fill cost as much as a pass over the output).
 *   The result is the same. Applies to im_conv, im_conv_opts and conv2d, and
 *   to the vectorised cases of max_pool2d, avg_pool2d and upsample; the
 *   others always allocate. */
void cl_ref_set_output_reuse(int on);

int cl_ref_get_subimages(const cl_image *img, int kh, int kw, cl_image *out);
int cl_ref_im_conv(const cl_image *img, const cl_image *kernel, cl_image *out);

int cl_ref_flip_kernel(const cl_image *kernel, cl_image *out);
int cl_ref_pad_image(const cl_image *img, int top, int bottom, int left, int right,
                     cl_border border, cl_image *out);
int cl_ref_im_conv_opts(const cl_image *img, const cl_image *kernel, const cl_conv_opts *opts,
                        cl_image *out);
int cl_ref_threshold_binary(const cl_image *img, float thresh, float maxval, cl_image *out);

int cl_ref_conv2d(const cl_image *in, const cl_weights *w, const float *bias, int sy, int sx,
                  cl_mode padding, cl_image *out);
int cl_ref_max_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                      cl_image *out);
int cl_ref_avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,
                      cl_image *out);
int cl_ref_upsample(const cl_image *in, int fy, int fx, cl_interp interp, cl_image *out);
int cl_ref_conv2d_transpose(const cl_image *in, const cl_weights *w, const float *bias,
                            int sy, int sx, cl_mode padding, cl_image *out);

#ifdef __cplusplus
}
#endif
#endif /* CONVLAB_REFERENCE_H */
