/* impl.c -- the three tables of student functions (see impl.h). */
#include "impl.h"

#include <string.h>

#include "reference.h"

/* Declarations of the renamed functions: solution_X and student_X have the
 * type of X. */
#define CL_DECLARE(prefix, f) extern __typeof__(f) prefix##f;
#define CL_DECLARE_SOLUTION(f) CL_DECLARE(solution_, f)
#define CL_DECLARE_STUDENT(f) CL_DECLARE(student_, f)
CL_STUDENT_FUNCTIONS(CL_DECLARE_SOLUTION)
CL_STUDENT_FUNCTIONS(CL_DECLARE_STUDENT)

#define CL_ENTRY_SOLUTION(f) .f = solution_##f,
#define CL_ENTRY_STUDENT(f) .f = student_##f,

const cl_impl cl_impl_solution = {.name = "solution", CL_STUDENT_FUNCTIONS(CL_ENTRY_SOLUTION)};
const cl_impl cl_impl_student = {.name = "student", CL_STUDENT_FUNCTIONS(CL_ENTRY_STUDENT)};

/* The reference: the library's own functions, under their library names. */
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

const cl_impl *cl_impl_find(const char *name)
{
    static const cl_impl *const all[] = {&cl_impl_reference, &cl_impl_solution, &cl_impl_student};
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0) return all[i];
    return NULL;
}
