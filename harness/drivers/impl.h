/* impl.h -- implementations of the student functions, side by side (floor 3).
 *
 * Three implementations define the same functions: the reference (harness/,
 * cl_ref_*), the model solution (the files in solutions/) and the student's
 * (the files in assignments/). The solution and student files use the plain names of
 * assignments/assignment.h; the build compiles each set on its own and then
 * renames its public functions with objcopy (get_subimages becomes
 * solution_get_subimages or student_get_subimages) and makes every other
 * global symbol of those files local, so helper functions of the same name
 * cannot clash. A driver picks an implementation by name and calls through
 * its table.
 *
 * CL_STUDENT_FUNCTIONS is the list of those functions; the Makefile's FUNCS
 * must name the same ones (a mismatch fails the link).
 */
#ifndef CONVLAB_IMPL_H
#define CONVLAB_IMPL_H

#include "assignment.h"

#define CL_STUDENT_FUNCTIONS(X) \
    X(conv_output_size)         \
    X(get_subimages)            \
    X(im_conv)                  \
    X(flip_kernel)              \
    X(pad_image)                \
    X(im_conv_opts)             \
    X(threshold_binary)         \
    X(to_uint8)                 \
    X(conv2d)                   \
    X(max_pool2d)               \
    X(avg_pool2d)               \
    X(upsample)                 \
    X(conv2d_transpose)         \
    X(im_conv_fast)

typedef struct cl_impl {
    const char *name; /* "reference", "solution" or "student" */
#define CL_IMPL_FIELD(f) __typeof__(&f) f;
    CL_STUDENT_FUNCTIONS(CL_IMPL_FIELD)
#undef CL_IMPL_FIELD
} cl_impl;

extern const cl_impl cl_impl_reference;
extern const cl_impl cl_impl_solution;
extern const cl_impl cl_impl_student;

/* The implementation called name, or NULL. */
const cl_impl *cl_impl_find(const char *name);

/* The name of a student function, for messages: the text of its table field. */
#define CL_FUNCTION_NAME(f) #f

#endif /* CONVLAB_IMPL_H */
