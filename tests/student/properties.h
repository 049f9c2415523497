/* properties.h -- checks that must hold for any correct implementation
 * (identity kernel, shifts, distributivity, flipping twice, commutativity of
 * true convolution, pooling a constant, ...). The case table names a
 * property and gives its points, description, input and args; the C code
 * of the property lives in properties.c, registered under its name.
 *
 * A property calls the student's functions through cl_case_call (so the
 * same checks of writes out of bounds and modified inputs apply) and fills
 * a cl_verdict: passed, or the message the student reads. It returns CL_OK,
 * or a negative status when it could not run at all (a kit problem, e.g. a
 * case whose args do not suit the property); cl_last_error says why.
 */
#ifndef CONVLAB_PROPERTIES_H
#define CONVLAB_PROPERTIES_H

#include "cases.h"
#include "feedback.h"

typedef struct cl_property_ctx {
    const cl_case *c;         /* the case: its function, id, args */
    const cl_case_data *d;    /* its loaded data */
    const cl_impl *impl;      /* whose functions to check */
    const char *student_dir;  /* "assignments", for messages */
    const char *picture_path; /* PNG drawn on failure, or NULL */
} cl_property_ctx;

typedef int (*cl_property_fn)(const cl_property_ctx *x, cl_verdict *v);

typedef struct cl_property {
    const char *name;   /* as in the table's property = "..." */
    unsigned functions; /* bit (1u << cl_fn) for each function it can check */
    cl_property_fn run;
} cl_property;

/* The property called name, or NULL. */
const cl_property *cl_property_find(const char *name);

/* All properties: count and the i-th (0 <= i < count). */
int cl_property_count(void);
const cl_property *cl_property_at(int i);

#endif /* CONVLAB_PROPERTIES_H */
