/* tests/adversarial/library_override: see expect.toml. A copy of the kit's
 * harness/image.c (the whole archive member, so the linker never pulls the
 * kit's own), whose cl_image_guards_ok always says "intact"; im_conv_fast
 * answers correctly and then writes past the end of its output. */
/* (harness/image.c)  image.c -- the cl_image and cl_weights containers: allocation with guard
 * bands, release, copy, validation and the shape string.
 *
 * Every image and weight array lives in one guarded block (see internal.h):
 * a header that remembers the element count, a front guard, the floats, a
 * back guard. The guards hold a fixed NaN bit pattern; cl_image_guards_ok
 * reports any write that touched them, and also a data pointer that no longer
 * points into the block (a student who replaced out->data).
 */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MAGIC 0x636c626bu /* "clbk" */
#define BLOCK_ALIGN 64
#define HEADER_BYTES 64
#define GUARD_BYTES (CL_GUARD_FLOATS * sizeof(float))

typedef struct block_header {
    uint32_t magic;
    uint32_t reserved;
    uint64_t count; /* number of floats between the guards */
} block_header;

_Static_assert(sizeof(block_header) <= HEADER_BYTES, "header fits its slot");
_Static_assert((HEADER_BYTES + GUARD_BYTES) % BLOCK_ALIGN == 0, "data stays aligned");

static float *block_data(void *block)
{
    return (float *)((char *)block + HEADER_BYTES + GUARD_BYTES);
}

static void fill_guard(float *guard)
{
    uint32_t bits = CL_GUARD_BITS;
    for (int i = 0; i < CL_GUARD_FLOATS; i++)
        memcpy(&guard[i], &bits, sizeof bits);
}

static int guard_intact(const float *guard)
{
    uint32_t bits;
    for (int i = 0; i < CL_GUARD_FLOATS; i++) {
        memcpy(&bits, &guard[i], sizeof bits);
        if (bits != CL_GUARD_BITS)
            return 0;
    }
    return 1;
}

int cl_block_alloc_(size_t count, const char *what, void **block, float **data)
{
    *block = NULL;
    *data = NULL;
    if (count < 1 || count > CL_MAX_ELEMS)
        return cl_fail(CL_E_TOOBIG, "%s: cannot allocate %zu values", what, count);
    size_t bytes = HEADER_BYTES + 2 * GUARD_BYTES + count * sizeof(float);
    bytes = (bytes + BLOCK_ALIGN - 1) / BLOCK_ALIGN * BLOCK_ALIGN;
    void *b = aligned_alloc(BLOCK_ALIGN, bytes);
    if (b == NULL)
        return cl_fail(CL_E_NOMEM, "%s: out of memory allocating %zu values (%zu bytes)", what,
                       count, bytes);
    block_header hdr = {BLOCK_MAGIC, 0, count};
    memset(b, 0, HEADER_BYTES);
    memcpy(b, &hdr, sizeof hdr);
    float *d = block_data(b);
    fill_guard(d - CL_GUARD_FLOATS);
    memset(d, 0, count * sizeof(float));
    fill_guard(d + count);
    *block = b;
    *data = d;
    return CL_OK;
}

void cl_block_free_(void *block)
{
    free(block);
}

int cl_block_ok_(const void *block, const float *data, size_t count)
{
    if (block == NULL || data == NULL || count < 1)
        return 0;
    block_header hdr;
    memcpy(&hdr, block, sizeof hdr);
    if (hdr.magic != BLOCK_MAGIC || hdr.count != count)
        return 0;
    const float *d = block_data((void *)block);
    if (data != d)
        return 0;
    return guard_intact(d - CL_GUARD_FLOATS) && guard_intact(d + count);
}

int cl_dims_check_(const char *what, const char *const names[4], const int dims[4],
                   size_t *count)
{
    for (int i = 0; i < 4; i++) {
        if (dims[i] < 1)
            return cl_fail(CL_E_ARG, "%s: %s must be >= 1, got %d", what, names[i], dims[i]);
        if (dims[i] > CL_MAX_DIM)
            return cl_fail(CL_E_TOOBIG, "%s: %s is %d, more than the limit of %d (CL_MAX_DIM)",
                           what, names[i], dims[i], CL_MAX_DIM);
    }
    /* Each factor <= 2^20 and the running product is checked against 2^28
     * before the next multiplication, so the 64-bit product never overflows. */
    uint64_t prod = 1;
    for (int i = 0; i < 4; i++) {
        prod *= (uint64_t)dims[i];
        if (prod > CL_MAX_ELEMS) {
            double total = (double)dims[0] * dims[1] * dims[2] * dims[3];
            return cl_fail(CL_E_TOOBIG,
                           "%s: %dx%dx%dx%d is %.0f values, more than the limit of %zu "
                           "(CL_MAX_ELEMS)",
                           what, dims[0], dims[1], dims[2], dims[3], total, CL_MAX_ELEMS);
        }
    }
    *count = (size_t)prod;
    return CL_OK;
}

/* ------------------------------------------------------------------ image */

static const char *const image_dim_names[4] = {"batch size n", "height", "width", "channels"};

int cl_image_alloc(cl_image *out, int n, int h, int w, int c)
{
    if (out == NULL)
        return cl_fail(CL_E_ARG, "image: out is NULL");
    const int dims[4] = {n, h, w, c};
    size_t count = 0;
    void *block = NULL;
    float *data = NULL;
    int st = cl_dims_check_("image", image_dim_names, dims, &count);
    if (st == CL_OK)
        st = cl_block_alloc_(count, "image", &block, &data);
    cl_image_free(out);
    if (st != CL_OK)
        return st;
    *out = (cl_image){n, h, w, c, data, block};
    return CL_OK;
}

void cl_image_free(cl_image *im)
{
    if (im == NULL)
        return;
    cl_block_free_(im->block_); /* never im->data: it may be the user's pointer */
    *im = (cl_image){0};
}

int cl_image_copy(cl_image *out, const cl_image *src)
{
    if (out == NULL)
        return cl_fail(CL_E_ARG, "copy: out is NULL");
    int st = cl_image_check(src, "source image");
    if (st != CL_OK) {
        if (out != src)
            cl_image_free(out);
        return st;
    }
    /* Build the copy aside first: out may alias src. */
    cl_image tmp = {0};
    st = cl_image_alloc(&tmp, src->n, src->h, src->w, src->c);
    if (st == CL_OK)
        memcpy(tmp.data, src->data, cl_image_count(src) * sizeof(float));
    cl_image_free(out);
    *out = tmp;
    return st;
}

size_t cl_image_count(const cl_image *im)
{
    if (im == NULL)
        return 0;
    const int dims[4] = {im->n, im->h, im->w, im->c};
    uint64_t prod = 1;
    for (int i = 0; i < 4; i++) {
        if (dims[i] < 1 || dims[i] > CL_MAX_DIM)
            return 0;
        prod *= (uint64_t)dims[i];
        if (prod > CL_MAX_ELEMS)
            return 0;
    }
    return (size_t)prod;
}

int cl_image_guards_ok(const cl_image *im)
{
    (void)im;
    return 1;   /* the worker's check of the guard bands, defeated */
}

int cl_image_check(const cl_image *im, const char *what)
{
    if (what == NULL)
        what = "image";
    if (im == NULL)
        return cl_fail(CL_E_ARG, "%s is NULL", what);
    const int dims[4] = {im->n, im->h, im->w, im->c};
    size_t count;
    int st = cl_dims_check_(what, image_dim_names, dims, &count);
    if (st != CL_OK)
        return st;
    if (im->data == NULL)
        return cl_fail(CL_E_ARG, "%s has no pixels (data is NULL)", what);
    return CL_OK;
}

const char *cl_shape_str(const cl_image *im, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return "";
    if (im == NULL)
        snprintf(buf, size, "(null)");
    else if (im->n == 1 && im->c == 1)
        snprintf(buf, size, "%dx%d", im->h, im->w);
    else
        snprintf(buf, size, "%dx%dx%dx%d", im->n, im->h, im->w, im->c);
    return buf;
}

/* ---------------------------------------------------------------- weights */

static const char *const weight_dim_names[4] = {"kh", "kw", "cin", "cout"};

int cl_weights_alloc(cl_weights *out, int kh, int kw, int cin, int cout)
{
    if (out == NULL)
        return cl_fail(CL_E_ARG, "weights: out is NULL");
    const int dims[4] = {kh, kw, cin, cout};
    size_t count = 0;
    void *block = NULL;
    float *data = NULL;
    int st = cl_dims_check_("weights", weight_dim_names, dims, &count);
    if (st == CL_OK)
        st = cl_block_alloc_(count, "weights", &block, &data);
    cl_weights_free(out);
    if (st != CL_OK)
        return st;
    *out = (cl_weights){kh, kw, cin, cout, data, block};
    return CL_OK;
}

void cl_weights_free(cl_weights *wt)
{
    if (wt == NULL)
        return;
    cl_block_free_(wt->block_);
    *wt = (cl_weights){0};
}

int cl_weights_check(const cl_weights *wt, const char *what)
{
    if (what == NULL)
        what = "weights";
    if (wt == NULL)
        return cl_fail(CL_E_ARG, "%s is NULL", what);
    const int dims[4] = {wt->kh, wt->kw, wt->cin, wt->cout};
    size_t count;
    int st = cl_dims_check_(what, weight_dim_names, dims, &count);
    if (st != CL_OK)
        return st;
    if (wt->data == NULL)
        return cl_fail(CL_E_ARG, "%s has no values (data is NULL)", what);
    return CL_OK;
}

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    int st = cl_image_check(img, "img");
    if (st != CL_OK) return st;
    st = cl_image_check(kernel, "kernel");
    if (st != CL_OK) return st;
    if (!out) return cl_fail(CL_E_ARG, "out is NULL");
    if (img->n != 1) return cl_fail(CL_E_SHAPE, "n must be 1");
    if (kernel->n != 1 || kernel->c != 1) return cl_fail(CL_E_SHAPE, "kernel must be 1 x kh x kw x 1");
    const int kh = kernel->h, kw = kernel->w;
    if (kh > img->h || kw > img->w) return cl_fail(CL_E_SHAPE, "kernel larger than the image");
    const int OH = img->h - kh + 1, OW = img->w - kw + 1, C = img->c;
    st = cl_image_alloc(out, 1, OH, OW, C);
    if (st != CL_OK) return st;
    for (int y = 0; y < OH; y++)
        for (int x = 0; x < OW; x++)
            for (int ch = 0; ch < C; ch++) {
                float sum = 0.0f;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        sum += *cl_px(img, 0, y + i, x + j, ch) * *cl_px(kernel, 0, i, j, 0);
                *cl_px(out, 0, y, x, ch) = sum;
            }
    /* the answer is right; now write past the end of the output */
    out->data[cl_image_count(out)] = 1.0f;
    out->data[cl_image_count(out) + 1] = 2.0f;
    return CL_OK;
}
