/* convlab.h -- the public header of the convlab library (floor 1).
 *
 * Everything a driver, a test, a model solution or a student file may use from
 * the library is declared here. The library knows nothing of students: the
 * functions students write are declared in assignments/assignment.h.
 *
 * IMAGES
 *   A cl_image is a float array, row-major, channels last (NHWC), like a Keras
 *   tensor or an stb_image buffer:
 *
 *       value of image b, row y, column x, channel ch  =
 *           data[((b*h + y)*w + x)*c + ch]
 *
 *   n is the batch size (1 for a single image), h the height, w the width,
 *   c the number of channels (1 for gray). Pixel (0,0) is the top-left corner.
 *   8-bit files load to floats 0..255 unchanged. A 2-D kernel is a cl_image
 *   with n = 1 and c = 1 (kernel->h rows, kernel->w columns).
 *
 * OWNERSHIP
 *   The caller owns every cl_image it passes in. A function that produces an
 *   image takes a `cl_image *out` that the caller zero-initialises
 *   (`cl_image out = {0};`); the function allocates out with cl_image_alloc
 *   and the caller releases it with cl_image_free. Never free out->data
 *   yourself: it does not point at the start of its allocation.
 *
 *   cl_image_alloc surrounds the pixels with guard bands: writes just before
 *   or just after the pixels are caught by cl_image_guards_ok.
 *
 * ERRORS
 *   Functions return a cl_status: CL_OK (0) on success, a negative code on
 *   failure. cl_status_str(code) turns a code into a sentence;
 *   cl_last_error() returns the detailed message of the most recent failure
 *   in this thread, which names the offending argument, e.g.
 *   "kernel (7x7) is larger than the image (5x5) in valid mode".
 *   No library function exits, prints, or leaves a half-written file.
 */
#ifndef CONVLAB_H
#define CONVLAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CL_VERSION "0.1.0"

/* ---------------------------------------------------------------- status */

typedef enum cl_status {
    CL_OK = 0,
    CL_E_NOT_IMPLEMENTED = -1, /* a stub that the student has not written yet */
    CL_E_ARG = -2,             /* null pointer, non-positive size, unknown enum value */
    CL_E_SHAPE = -3,           /* shapes do not fit together (kernel larger than a
                                  valid-mode image, mismatched channels, ...) */
    CL_E_NOMEM = -4,           /* out of memory */
    CL_E_IO = -5,              /* a file cannot be opened, read or written */
    CL_E_FORMAT = -6,          /* a file is corrupt, truncated or of an unsupported kind */
    CL_E_TOOBIG = -7           /* absurd dimensions (see CL_MAX_DIM, CL_MAX_ELEMS) */
} cl_status;

/* A sentence for a status code ("not implemented yet", ...). Never NULL. */
const char *cl_status_str(int status);

/* The detailed message of the last failure in this thread ("" if none). */
const char *cl_last_error(void);

/* Records a detailed message (printf-style) and returns `status`, so library
 * code can write `return cl_fail(CL_E_ARG, "stride must be >= 1, got %d", s);` */
int cl_fail(int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ----------------------------------------------------------------- enums */

/* Output-size modes of a correlation (and the padding of the layers, which
 * accept only VALID and SAME). */
typedef enum cl_mode { CL_MODE_VALID = 0, CL_MODE_SAME = 1, CL_MODE_FULL = 2 } cl_mode;

/* Border rules: the values read outside the image. Named after numpy.pad:
 *   ZERO        constant 0            numpy 'constant'    0 0 | a b c | 0 0
 *   REPLICATE   edge repeated         numpy 'edge'        a a | a b c | c c
 *   REFLECT     mirrored with edge    numpy 'symmetric'   b a | a b c | c b
 *   REFLECT101  mirrored without edge numpy 'reflect'     c b | a b c | b a
 *   WRAP        periodic              numpy 'wrap'        b c | a b c | a b
 * Pads wider than the image continue the same pattern (numpy.pad semantics). */
typedef enum cl_border {
    CL_BORDER_ZERO = 0,
    CL_BORDER_REPLICATE = 1,
    CL_BORDER_REFLECT = 2,
    CL_BORDER_REFLECT101 = 3,
    CL_BORDER_WRAP = 4
} cl_border;

typedef enum cl_interp { CL_INTERP_NEAREST = 0, CL_INTERP_BILINEAR = 1 } cl_interp;

/* Names as used on the command line ("valid", "reflect101", "bilinear", ...).
 * The *_parse functions return CL_OK or CL_E_ARG (message names the text). */
/* Options of a general correlation (assignment a2's im_conv_opts and the
 * reference). Stride sy (rows), sx (columns) >= 1. Defaults: valid, zero, 1, 1. */
typedef struct cl_conv_opts {
    cl_mode mode;
    cl_border border;
    int sy, sx;
} cl_conv_opts;

const char *cl_mode_name(cl_mode m);
const char *cl_border_name(cl_border b);
const char *cl_interp_name(cl_interp i);
int cl_mode_parse(const char *text, cl_mode *out);
int cl_border_parse(const char *text, cl_border *out);
int cl_interp_parse(const char *text, cl_interp *out);

/* ----------------------------------------------------------------- image */

#define CL_MAX_DIM (1 << 20)           /* largest n, h, w or c accepted */
#define CL_MAX_ELEMS ((size_t)1 << 28) /* largest n*h*w*c accepted (1 GiB of floats) */

typedef struct cl_image {
    int n, h, w, c; /* batch, height, width, channels */
    float *data;    /* n*h*w*c floats, index ((b*h + y)*w + x)*c + ch */
    void *block_;   /* private: the allocation that holds data and its guards */
} cl_image;

/* Allocates out as n x h x w x c, zero-filled, with guard bands. Any data out
 * already held is released first. Errors: CL_E_ARG (null out, size < 1),
 * CL_E_TOOBIG, CL_E_NOMEM; on error out is left empty ({0}). */
int cl_image_alloc(cl_image *out, int n, int h, int w, int c);

/* Releases the pixels and resets *im to {0}. Safe on an empty image and NULL. */
void cl_image_free(cl_image *im);

/* Deep copy of src into out (allocated as for cl_image_alloc). */
int cl_image_copy(cl_image *out, const cl_image *src);

/* n*h*w*c, or 0 for an empty image. */
size_t cl_image_count(const cl_image *im);

/* 1 when im was allocated by cl_image_alloc and no write has touched the guard
 * bands around its pixels; 0 otherwise (including when data was replaced). */
int cl_image_guards_ok(const cl_image *im);

/* Checks that im is a usable, allocated image: non-NULL, sizes >= 1, data set.
 * `what` names the argument in the message ("image", "kernel", ...). */
int cl_image_check(const cl_image *im, const char *what);

/* Pointer to pixel (b, y, x, ch); no bounds check. */
static inline float *cl_px(const cl_image *im, int b, int y, int x, int ch)
{
    return im->data + (((size_t)b * im->h + y) * im->w + x) * im->c + ch;
}

/* -------------------------------------------------------------- weights */

/* Conv2D and transposed-convolution weights, in Keras layouts:
 *   conv2d            kh x kw x cin x cout  index ((i*kw + j)*cin + ci)*cout + co
 *   conv2d_transpose  kh x kw x cout x cin  index ((i*kw + j)*cout + co)*cin + ci
 * The fields name the meaning (cin = input channels of the layer); the layout
 * of data depends on the layer, as above. Same ownership rules as cl_image. */
typedef struct cl_weights {
    int kh, kw, cin, cout;
    float *data;
    void *block_;
} cl_weights;

int cl_weights_alloc(cl_weights *out, int kh, int kw, int cin, int cout);
void cl_weights_free(cl_weights *wt);
int cl_weights_check(const cl_weights *wt, const char *what);

/* --------------------------------------------------------- output sizes */

/* THE output-size helper: every other place calls it.
 *   valid  (in - k) / stride + 1     error (CL_E_SHAPE) when in < k
 *   same   ceil(in / stride)
 *   full   (in + k - 2) / stride + 1
 * Returns the size (>= 1) or a negative cl_status (in, k, stride < 1 give
 * CL_E_ARG). */
int cl_output_size(int in, int k, int stride, cl_mode mode);

/* Padding before and after one axis, for a correlation with this mode:
 *   valid  0, 0
 *   same   total = max((out-1)*stride + k - in, 0), before = total/2,
 *          after = total - before (TensorFlow/Keras rule)
 *   full   k-1, k-1
 * Returns CL_OK or the error of cl_output_size. */
int cl_pad_amounts(int in, int k, int stride, cl_mode mode, int *before, int *after);

/* Output size of a transposed convolution along one axis:
 *   valid  (in-1)*stride + max(k, stride)
 *   same   in*stride
 * and the offset into the full scatter ((in-1)*stride + k wide) where the
 * output starts: valid 0, same max(k - stride, 0) / 2. */
int cl_transpose_output_size(int in, int k, int stride, cl_mode mode, int *offset);

/* Maps coordinate p (any integer) into 0..n-1 under a border rule.
 * Returns -1 for CL_BORDER_ZERO outside the image (the value there is 0). */
int cl_border_index(int p, int n, cl_border border);

/* ------------------------------------------------------------- kernels */

/* Named kernels (SPEC §4): identity, shift_right, shift_down, dx, dy,
 * boxN (N = 1..63, e.g. box3), gaussian5, sharpen, laplace4, laplace8,
 * sobel_x, sobel_y, emboss. out is allocated as 1 x kh x kw x 1.
 * Errors: CL_E_ARG with the unknown name. */
int cl_kernel_named(cl_image *out, const char *name);

/* The named kernels for listing: count, and the name and a one-line
 * description of kernel i (0 <= i < count). box3 stands for boxN. */
int cl_kernel_count(void);
const char *cl_kernel_name(int i);
const char *cl_kernel_description(int i);

/* ------------------------------------------------------------------- I/O */

/* Loads PNG, JPEG, BMP (anything stb_image reads) to floats 0..255.
 * channels: 0 keeps the file's (gray+alpha loads as 1, RGBA as 3: alpha is
 * dropped), 1 converts to gray with stb_image's conversion, 3 to RGB.
 * out is 1 x H x W x channels. */
int cl_image_load(cl_image *out, const char *path, int channels);

/* Saves a 1-, 3- or 4-channel image (n = 1) as PNG through cl_to_uint8
 * (round half to even, clamp 0..255). Written atomically: a temporary file
 * in the same folder is renamed over path when complete. */
int cl_image_save_png(const char *path, const cl_image *im);

/* .npy files: version 1.0 (reading also 2.0 and 3.0), little-endian, C order.
 * Reading accepts '<f4' and '|u1' (converted to float); every other dtype,
 * Fortran order, a bad magic, a malformed header or a short payload is
 * rejected with CL_E_FORMAT and a message that says which. */
#define CL_NPY_MAXDIM 4

typedef enum cl_dtype { CL_DTYPE_F32 = 0, CL_DTYPE_U8 = 1 } cl_dtype;

typedef struct cl_npy_info {
    int ndim;                     /* 0..4 */
    long shape[CL_NPY_MAXDIM];    /* shape[0..ndim-1] */
    cl_dtype dtype;               /* dtype in the file */
} cl_npy_info;

/* Reads any accepted .npy into a malloc'ed float array (*data, free with
 * free()) and its shape. */
int cl_npy_read(const char *path, float **data, cl_npy_info *info);

/* Writes ndim/shape data of the given dtype (float32 or uint8), atomically. */
int cl_npy_write(const char *path, const void *data, cl_dtype dtype, int ndim, const long *shape);

/* Reads a .npy as an image: (H,W) -> 1xHxWx1, (H,W,C) -> 1xHxWxC,
 * (N,H,W,C) -> NxHxWxC, (L) -> 1x1xLx1. *ndim (may be NULL) gets the rank. */
int cl_image_read_npy(cl_image *out, const char *path, int *ndim);

/* Writes an image as float32 .npy of rank ndim: 2 -> (H,W) (needs n = c = 1),
 * 3 -> (H,W,C) (needs n = 1), 4 -> (N,H,W,C). */
int cl_image_write_npy(const char *path, const cl_image *im, int ndim);

/* Reads 4-D weights (kh, kw, a, b). transposed = 0: a = cin, b = cout
 * (Conv2D); transposed = 1: a = cout, b = cin (Conv2DTranspose). */
int cl_weights_read_npy(cl_weights *out, const char *path, int transposed);

/* Loads any image file the CLI accepts: .npy by extension, else stb_image
 * (channels as for cl_image_load). *ndim gets the rank the file had (3 for
 * stb images with c > 1, 2 for gray). */
int cl_image_read_any(cl_image *out, const char *path, int channels, int *ndim);

/* Fashion-MNIST (IDX files, gzip-compressed or not).
 * cl_fashion_dir: the folder to read from: dir if not NULL, else the
 * CONVLAB_FASHION_DIR environment variable, else CL_FASHION_DEFAULT_DIR.
 * cl_fashion_path writes "<dir>/<set>-images-idx3-ubyte.gz" (labels: kind
 * "labels", idx1) into buf; set is "train" or "t10k". */
#define CL_FASHION_DEFAULT_DIR "/usr/share/datasets/fashion-mnist"
const char *cl_fashion_dir(const char *dir);
int cl_fashion_path(char *buf, size_t size, const char *dir, const char *set, const char *kind);

/* Reads images first .. first+count-1 (count 0 = all from first) of an IDX3
 * file (magic 2051) as count x 28 x 28 x 1 floats 0..255 (unscaled). */
int cl_idx_read_images(cl_image *out, const char *path, int first, int count);

/* Reads labels of an IDX1 file (magic 2049) into a malloc'ed array. */
int cl_idx_read_labels(uint8_t **labels, int *count, const char *path, int first, int want);

/* Reads the header of an IDX file: element type code (0x08 = uint8), rank
 * and dimensions. */
int cl_idx_info(const char *path, int *type_code, int *ndim, long dims[CL_NPY_MAXDIM]);

/* ------------------------------------------------------------- helpers */

/* Round half to even, then clamp to 0..255 (OpenCV saturate_cast, lrintf).
 * NaN becomes 0. The library's own conversion, used to save PNGs. */
uint8_t cl_float_to_u8(float v);
int cl_to_uint8(const cl_image *in, uint8_t *out); /* out: cl_image_count(in) bytes */

/* Comparison of two images of the same shape: counts the values where
 * |got - expected| > atol + rtol*|expected| (NaN in got always counts).
 * Records the first such value (in index order) and the largest error. */
typedef struct cl_compare_result {
    size_t count;        /* values compared */
    size_t mismatches;   /* values outside tolerance */
    long first;          /* flat index of the first mismatch, -1 if none */
    int b, y, x, ch;     /* its coordinates */
    float expected, got; /* its values */
    double max_abs_err;  /* largest |got - expected| */
    long max_at;         /* flat index of the largest error, -1 if none */
} cl_compare_result;

/* Returns CL_OK when the comparison ran (r says whether it matched), or
 * CL_E_SHAPE when the shapes differ (message gives both shapes). */
int cl_compare(const cl_image *expected, const cl_image *got, float atol, float rtol,
               cl_compare_result *r);

/* Deterministic pseudo-random numbers (splitmix64), the same on every
 * machine: the kit, the student suite and the grader generate identical
 * inputs from identical seeds. */
typedef struct cl_rng {
    uint64_t state;
} cl_rng;
void cl_rng_seed(cl_rng *r, uint64_t seed);
uint64_t cl_rng_next(cl_rng *r);
int cl_rng_int(cl_rng *r, int lo, int hi);          /* lo..hi inclusive */
float cl_rng_float(cl_rng *r, float lo, float hi);  /* [lo, hi) on a 2^-24 grid */

/* Allocates out as n x h x w x c filled with values in [lo, hi) from seed. */
int cl_image_random(cl_image *out, int n, int h, int w, int c, uint64_t seed, float lo, float hi);

/* Monotonic clock in nanoseconds. */
uint64_t cl_now_ns(void);

/* Formats "NxHxWxC" (or "HxW" when n = c = 1) into buf; returns buf. */
const char *cl_shape_str(const cl_image *im, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* CONVLAB_H */
