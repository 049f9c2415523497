/* impl_reference.c -- the reference as an implementation table (impl.h).
 *
 * On its own so that trusted programs (the judge, mkexpected) can use the
 * reference through a cl_impl without linking impl.o, which would also pull
 * in the model's and the student's objects.
 */
#include "impl.h"
#include "reference.h"

/* The library's own functions, under their library names. */
const cl_impl cl_impl_reference = {
    .name = "reference",
    .conv_output_size = cl_output_size,
    .get_subimages = cl_ref_get_subimages,
    .im_conv = cl_ref_im_conv,
    .flip_kernel = cl_ref_flip_kernel,
    .pad_image = cl_ref_pad_image,
    .im_conv_opts = cl_ref_im_conv_opts,
    .threshold_binary = cl_ref_threshold_binary,
    .to_uint8 = cl_to_uint8,
    .conv2d = cl_ref_conv2d,
    .max_pool2d = cl_ref_max_pool2d,
    .avg_pool2d = cl_ref_avg_pool2d,
    .upsample = cl_ref_upsample,
    .conv2d_transpose = cl_ref_conv2d_transpose,
    .im_conv_fast = cl_ref_im_conv,
};
