/* impl.c -- the three tables of student functions (see impl.h). */
#include "impl.h"

#include <string.h>


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

const cl_impl *cl_impl_find(const char *name)
{
    static const cl_impl *const all[] = {&cl_impl_reference, &cl_impl_solution, &cl_impl_student};
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0) return all[i];
    return NULL;
}
