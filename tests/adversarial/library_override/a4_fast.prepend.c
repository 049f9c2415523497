/* tests/adversarial/library_override: see expect.toml. Defines the kit's own
 * cl_image_guards_ok (always "intact"), hoping the worker links this copy
 * instead of the library's, so that writes past an output go unreported.
 * (Defining every symbol of the library's image.o made the linker skip the
 * kit's member; the grader now refuses any definition of a kit symbol, so
 * one is enough to show it.) */
#include "assignment.h"
int cl_image_guards_ok(const cl_image *im)
{
    (void)im;
    return 1;
}
