/* feedback.h -- failure messages that teach, and pictures of what went wrong.
 *
 * Compares an output with the expected one and, when they differ, writes the
 * perflab-style sentence ("at row 3, column 7 (channel 0): you have 12.5, it
 * should be 14"), how many values are wrong and the largest error against the
 * tolerance in force, and a diagnosis from a table of known mistakes when the
 * evidence matches one. For image cases it can draw input | expected | yours |
 * difference side by side as a PNG.
 *
 * Two kinds of evidence:
 *   - found in the data itself: shifted by a row or a column, transposed, all
 *     zeros, integer truncation, values clipped at 0 or 255, channels swapped,
 *     only the border wrong, the wrong output size (and which formula gives
 *     that size, from a cl_size_context);
 *   - the outputs of known mistakes on this very case, computed beforehand by
 *     the kit's reference (kernel flipped, another border rule, same-mode
 *     padding split the PyTorch way, average pooling counting the padding,
 *     ...): a cl_mistake pairs such an output with its tag.
 * Tags are a fixed vocabulary; cl_mistake_sentence gives each its sentence.
 *
 * The library part (floor 1): it knows what a mistake looks like, not who
 * made it. No function here prints or exits.
 */
#ifndef CONVLAB_FEEDBACK_H
#define CONVLAB_FEEDBACK_H

#include "convlab.h"

/* Which output-size rule applies, so a wrong size can be explained. */
typedef enum cl_size_rule {
    CL_SIZE_NONE = 0,   /* no size context */
    CL_SIZE_CONV,       /* correlation/conv2d/pooling: cl_output_size(in, k, stride, mode) */
    CL_SIZE_WINDOWS,    /* get_subimages: rows OH*OW, columns kh*kw*C */
    CL_SIZE_UPSAMPLE,   /* in * factor */
    CL_SIZE_TRANSPOSE,  /* cl_transpose_output_size */
    CL_SIZE_PAD         /* pad_image: in + before + after */
} cl_size_rule;

typedef struct cl_size_context {
    cl_size_rule rule;
    int in_h, in_w, in_c; /* input sizes */
    int kh, kw;           /* kernel, window, pool, or factor (upsample) */
    int sy, sx;           /* stride (1 when none) */
    cl_mode mode;         /* mode or padding in force */
    int pad[4];           /* CL_SIZE_PAD: top, bottom, left, right */
} cl_size_context;

/* The output a known mistake gives on this case. */
typedef struct cl_mistake {
    const char *tag;        /* e.g. "kernel-flipped", see cl_mistake_sentence */
    const cl_image *output; /* owned by the caller */
} cl_mistake;

typedef struct cl_check {
    const char *function;   /* the student function, e.g. "im_conv" */
    const char *case_id;    /* e.g. "a1.im_conv.cat_gaussian" */
    const cl_image *input;  /* drawn in the picture; may be NULL */
    const cl_image *expected;
    float atol, rtol;       /* a value is wrong when |got-exp| > atol + rtol*|exp|; 0,0 = exact */
    const cl_mistake *mistakes;
    int nmistakes;
    cl_size_context size;
    int border_band;        /* output rows/columns near each edge where the border rule acts
                               (0: none) */
    const char *picture_path; /* PNG written on failure when not NULL (folders created) */
    const char *border;     /* the border rule in force, as cl_border_name gives it ("wrap"),
                               so that a border mistake names both rules; NULL: unknown */
    int values_explained;   /* 1 when the caller's own message already explains wrong values
                               (a property naming the likely mistake): no evidence is looked
                               for in the values; precomputed mistakes and a wrong size are
                               still explained */
} cl_check;

typedef struct cl_verdict {
    int passed;
    char message[2048];    /* the whole teaching message, several lines; "" when passed */
    char diagnosis[512];   /* the recognised mistake, one sentence, or "" */
    char tag[48];          /* its tag, or "" */
    char picture[512];     /* the PNG written, or "" */
    cl_compare_result cmp; /* valid when the shapes matched */
} cl_verdict;

/* Compares got with chk->expected and fills v. Returns CL_OK (v says whether
 * it passed) or a negative status when the check itself could not run (NULL
 * arguments, an unwritable picture path is NOT an error: v->picture stays ""). */
int cl_feedback_check(const cl_check *chk, const cl_image *got, cl_verdict *v);

/* The sentence of a mistake tag ("" for an unknown tag). Tags:
 *   found in the data: shifted-down, shifted-up, shifted-right, shifted-left,
 *     transposed, all-zeros, truncated, clipped, channels-swapped,
 *     border-only, wrong-size
 *   precomputed outputs: kernel-flipped, kernel-not-flipped, border-zero,
 *     border-replicate, border-reflect, border-reflect101, border-wrap,
 *     same-split-torch, avg-counts-padding, max-pads-with-zero,
 *     bilinear-align-corners, bilinear-no-half-pixel, nearest-rounds,
 *     bias-per-input-channel, bias-missing, transpose-crop-other-side,
 *     weights-transposed-layout, to-uint8-rounds-half-up, to-uint8-truncates,
 *     threshold-ge
 * cl_feedback_check may word a precomputed mistake for the check: with the
 * function's name (kernel-flipped), the function's own layout
 * (weights-transposed-layout on conv2d_transpose), the border rule in force
 * (chk->border). */
const char *cl_mistake_sentence(const char *tag);

/* Draws input | expected | yours | |difference| side by side with a label
 * over each panel, as one PNG (atomically). Any of input and got may be NULL
 * or of another size than expected (a wrong-size output is drawn at its own
 * size). Multi-image batches draw the first image; channels other than 1 and
 * 3 draw channel 0. */
int cl_feedback_picture(const char *path, const cl_image *input, const cl_image *expected,
                        const cl_image *got, float atol, float rtol);

#endif /* CONVLAB_FEEDBACK_H */
