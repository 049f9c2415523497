/* cases.h -- the case table (tests/cases.toml) and how to run one case on an
 * implementation (floor 3). Shared by the student suite (tests/student/),
 * build/mkexpected and the grader's worker, so that every one of them reads
 * the same inputs, builds the same kernels and calls the student functions
 * the same way.
 *
 * THE TABLE
 *   One [[case]] per case (see the comment at the top of tests/cases.toml):
 *     id          "a1.im_conv.cat_gaussian": part.function.name, where name is
 *                 a C identifier (the Criterion test is function_name)
 *     function    a student function (assignments/assignment.h)
 *     points      > 0; the points of a function's cases add up to its points
 *                 in the stubs (cl_fn_points)
 *     description the rubric line
 *     visibility  visible | hidden | after_due_date | after_published
 *     kind        compare (output against the reference's, precomputed) or
 *                 property (a C check in tests/student/properties.c)
 *     input       an input spec (cl_input_parse), "-" for none
 *     args        "key=value ..." (cl_args_parse)
 *     mistakes    comma-separated tags of harness/feedback.h whose outputs
 *                 build/mkexpected precomputes for this case
 *     property    the property's name (kind = property)
 *   cl_case_table_read validates all of it (but loads no image).
 *
 * RUNNING A CASE
 *   cl_case_load turns a case into data (input image, kernel, weights, bias,
 *   parsed arguments); cl_case_call calls one student function of an
 *   implementation table on that data and reports what happened in a
 *   cl_case_output: the status, the output (to_uint8's bytes come back as a
 *   float image of the input's shape, conv_output_size's table as a
 *   1 x 1 x rows x 1 image with -1 for any error), whether the function wrote
 *   outside its output or modified an input, the tolerance the output is
 *   judged with and the size context and border band for feedback.h.
 *   cl_case_problem turns an output that cannot be compared (not
 *   implemented, an error status, no output, writes out of bounds, a
 *   modified input) into the sentence a student reads.
 *
 * OWNERSHIP: cl_case_table_read/cl_case_table_free, cl_case_load/
 * cl_case_data_free, cl_case_call/cl_case_output_free; every struct is
 * zero-initialised by the function that fills it. Functions return a
 * cl_status whose message (cl_last_error) names the case or the text at fault.
 */
#ifndef CONVLAB_CASES_H
#define CONVLAB_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "convlab.h"
#include "feedback.h"
#include "impl.h"

/* Defaults of the folders, overridden by the environment variables
 * CONVLAB_IMAGES, CONVLAB_EXPECTED, CONVLAB_FEEDBACK, CONVLAB_CASES and
 * CONVLAB_SUMMARY_DIR; a build may also redefine them (-D), as the student
 * bundle does. */
#ifndef CL_DEFAULT_IMAGES
#define CL_DEFAULT_IMAGES "build/images"
#endif
#ifndef CL_DEFAULT_EXPECTED
#define CL_DEFAULT_EXPECTED "build/expected"
#endif
#ifndef CL_DEFAULT_FEEDBACK
#define CL_DEFAULT_FEEDBACK "build/feedback"
#endif
#ifndef CL_DEFAULT_CASES
#define CL_DEFAULT_CASES "tests/cases.toml"
#endif
#ifndef CL_DEFAULT_SUMMARY
#define CL_DEFAULT_SUMMARY "build/summary"
#endif

/* getenv(var) when set and not empty, else def. */
const char *cl_case_dir(const char *var, const char *def);

/* ------------------------------------------------------------ functions */

typedef enum cl_fn {
    CL_FN_CONV_OUTPUT_SIZE,
    CL_FN_GET_SUBIMAGES,
    CL_FN_IM_CONV,
    CL_FN_FLIP_KERNEL,
    CL_FN_PAD_IMAGE,
    CL_FN_IM_CONV_OPTS,
    CL_FN_THRESHOLD_BINARY,
    CL_FN_TO_UINT8,
    CL_FN_CONV2D,
    CL_FN_MAX_POOL2D,
    CL_FN_AVG_POOL2D,
    CL_FN_UPSAMPLE,
    CL_FN_CONV2D_TRANSPOSE,
    CL_FN_IM_CONV_FAST,
    CL_FN_COUNT
} cl_fn;

const char *cl_fn_name(cl_fn fn);              /* "im_conv" */
const char *cl_fn_part(cl_fn fn);              /* "a1" */
const char *cl_fn_file(cl_fn fn);              /* "a1_windows.c" */
double cl_fn_points(cl_fn fn);                 /* the correctness points of the stub */
int cl_fn_parse(const char *name, cl_fn *out); /* CL_E_ARG for an unknown name */

/* ------------------------------------------------------------ input specs */

typedef enum cl_input_kind {
    CL_INPUT_NONE,   /* "-" */
    CL_INPUT_FILE,   /* "photos/chelsea_gray.npy", "...@y,x,h,w", "...#i", "...#i:j" */
    CL_INPUT_RANDOM, /* "random:HxW[xC]@seed=S" or NxHxWxC; ",lo=A,hi=B,step=Q" */
    CL_INPUT_RAMP    /* "ramp:HxW[xC]" or NxHxWxC: values 1, 2, 3, ... in index order */
} cl_input_kind;

typedef struct cl_input_spec {
    cl_input_kind kind;
    char path[128];       /* FILE: relative to the images folder (.npy, or .png etc.) */
    int crop, y, x, h, w; /* FILE: crop rows y..y+h-1, columns x..x+w-1 when crop */
    int first, count;     /* FILE: images first..first+count-1 of a batch (count 0: all) */
    int n, rh, rw, c;     /* RANDOM/RAMP: the shape */
    uint64_t seed;        /* RANDOM */
    float lo, hi, step;   /* RANDOM: range [lo, hi) (default -1, 1); step > 0 rounds
                             every value to a multiple of step */
} cl_input_spec;

int cl_input_parse(const char *text, cl_input_spec *out);

/* Loads the input (images_dir for files). File inputs keep their channels. */
int cl_input_load(const cl_input_spec *spec, const char *images_dir, cl_image *out);

/* "random:KHxKW@seed=S[,lo=A,hi=B]" or a named kernel -> 1 x kh x kw x 1. */
int cl_kernel_spec(const char *text, cl_image *out);

/* ----------------------------------------------------------------- args */

#define CL_ARGS_LIST 16

typedef struct cl_case_args {
    char k[64];       /* k=     kernel: named, or random:KHxKW@seed=S */
    char w[64];       /* w=     weights random:KHxKWxAxB@seed=S (the layer's layout) */
    char bias[64];    /* bias=  random@seed=S (cout values in [-1, 1)) */
    int kh, kw;       /* ksize= windows of get_subimages (0 when absent) */
    cl_mode mode;     /* mode=  valid|same|full (default valid) */
    cl_border border; /* border= (default zero) */
    int sy, sx;       /* stride=S or SY,SX (default 1; pooling: the pool) */
    int has_stride;
    int flip;                    /* flip=1: flip_kernel then im_conv_opts (true convolution) */
    int ph, pw;                  /* pool=P or PH,PW */
    cl_mode padding;             /* padding= valid|same of the layers (default valid) */
    int fy, fx;                  /* factor=F or FY,FX (default 2) */
    cl_interp interp;            /* interp= nearest|bilinear (default nearest) */
    float thresh, maxval;        /* thresh= (default 0), maxval= (default 255) */
    int pad[4];                  /* pad=T,B,L,R (or one value for all four) */
    int ins[CL_ARGS_LIST], nins; /* conv_output_size tables: ins=, ks=, strides= */
    int ks[CL_ARGS_LIST], nks;
    int strides[CL_ARGS_LIST], nstrides;
} cl_case_args;

int cl_args_parse(const char *text, cl_case_args *out);

/* The (in, k, stride) of row `row` of a conv_output_size table: rows go
 * over ins, then ks, then strides (the last changes fastest). Returns 1, or
 * 0 when row is out of range. */
int cl_case_size_row(const cl_case_args *a, int row, int *in, int *k, int *stride);

/* ----------------------------------------------------------------- cases */

typedef enum cl_case_kind { CL_CASE_COMPARE = 0, CL_CASE_PROPERTY = 1 } cl_case_kind;

typedef struct cl_case {
    char id[96];        /* "a1.im_conv.cat_gaussian" */
    char part[8];       /* "a1" */
    char name[64];      /* "cat_gaussian" */
    char test_name[96]; /* "im_conv_cat_gaussian": the Criterion test */
    cl_fn fn;
    double points;
    char description[256];
    char visibility[24];
    cl_case_kind kind;
    char input[160];
    char args[256];
    char mistakes[256]; /* "kernel-flipped,border-reflect" */
    char property[64];
    int line; /* of its [[case]] in the table */
} cl_case;

typedef struct cl_case_table {
    cl_case *cases;
    int count;
    char path[256];
} cl_case_table;

/* Reads and validates the table: ids unique, well formed and matching their
 * function, points > 0, known visibility and kind, input and args parse and
 * give the function what it needs, mistake tags known to feedback.h. */
int cl_case_table_read(const char *path, cl_case_table *out);
void cl_case_table_free(cl_case_table *t);

/* Validates one case built in memory (the hidden cases of the grader): c->id
 * and c->fn set, the other fields as in the table. Fills part, name and
 * test_name from the id. */
int cl_case_validate(cl_case *c);
const cl_case *cl_case_find(const cl_case_table *t, const char *id);

/* The i-th tag of c->mistakes (0-based) into buf; 0 when there is none. */
int cl_case_mistake(const cl_case *c, int i, char *buf, size_t size);

/* "<dir>/<id>.npy", or "<dir>/<id>.<tag>.npy" when tag is not NULL. */
const char *cl_case_expected_path(char *buf, size_t size, const char *dir, const char *id,
                                  const char *tag);

/* ------------------------------------------------------------ running */

typedef struct cl_case_data {
    cl_input_spec spec;
    cl_case_args args;
    cl_image input;     /* the image (for flip_kernel: the kernel, from input or k) */
    cl_image kernel;    /* from k=, when given */
    cl_weights weights; /* from w=: conv2d (kh,kw,cin,cout), transpose (kh,kw,cout,cin) */
    float *bias;        /* from bias=: cout values, or NULL */
    int nbias;
} cl_case_data;

int cl_case_load(const cl_case *c, const char *images_dir, cl_case_data *d);
void cl_case_data_free(cl_case_data *d);

typedef struct cl_case_output {
    int status;            /* what the function returned (CL_OK or negative) */
    const char *failed_fn; /* the function that returned status != CL_OK */
    char error[256];       /* cl_last_error() after that call */
    int no_output;         /* returned CL_OK without allocating out */
    int out_of_bounds;     /* wrote outside its output (guard bands) */
    const char *modified;  /* the input it modified ("img", "kernel", ...), or NULL */
    cl_image out;          /* the output (owned) */
    float atol, rtol;      /* tolerance for this output (0, 0: exact) */
    cl_size_context size;  /* for wrong-size explanations */
    int border_band;       /* output rows/columns at each edge whose values read the
                              padding (where the border rule acts), 0 if none */
    const char *border;    /* the border rule in force (cl_border_name), NULL if none */
} cl_case_output;

/* Calls fn of impl (which must not be NULL for fn) on d. Returns CL_OK when
 * the call was made (o says how it went), or a negative status when it could
 * not be (a kit problem, e.g. out of memory). */
int cl_case_call(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o);

/* cl_case_call without the copies of the inputs that detect a modified
 * input (o->modified stays NULL): for timing, where a copy would be timed. */
int cl_case_call_bare(cl_fn fn, const cl_case_data *d, const cl_impl *impl, cl_case_output *o);
void cl_case_output_free(cl_case_output *o);

/* Loads c, calls it, frees the data: for drivers that need only the output. */
int cl_case_run(const cl_case *c, const char *images_dir, const cl_impl *impl, cl_case_output *o);

/* When o cannot be compared, writes the sentence for the student into buf
 * ("im_conv: not implemented yet (assignments/a1_windows.c)", ...) and
 * returns 1; returns 0 when o holds an output to compare. student_dir names
 * the folder of the part files in the sentence ("assignments"). */
int cl_case_problem(const cl_case_output *o, cl_fn fn, const char *student_dir, char *buf,
                    size_t size);

/* "CL_E_SHAPE" for -3, ...; "a positive number" for > 0. */
const char *cl_status_name(int status);

#endif /* CONVLAB_CASES_H */
