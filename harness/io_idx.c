/* io_idx.c -- Fashion-MNIST: IDX files (big-endian header, magic 2051 for
 * images N x rows x cols, 2049 for labels N), gzip-compressed or plain, read
 * with zlib's gzread (which reads uncompressed files transparently), and the
 * paths of the dataset's four files.
 */
#include "convlab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IDX_UBYTE 0x08
#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
#define CHUNK 65536

/* ------------------------------------------------------------------ paths */

const char *cl_fashion_dir(const char *dir)
{
    if (dir != NULL && dir[0] != '\0')
        return dir;
    const char *env = getenv("CONVLAB_FASHION_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    return CL_FASHION_DEFAULT_DIR;
}

int cl_fashion_path(char *buf, size_t size, const char *dir, const char *set, const char *kind)
{
    if (buf == NULL || size == 0)
        return cl_fail(CL_E_ARG, "fashion path: buffer is NULL or empty");
    buf[0] = '\0';
    if (set == NULL || (strcmp(set, "train") != 0 && strcmp(set, "t10k") != 0))
        return cl_fail(CL_E_ARG, "unknown Fashion-MNIST set '%s' (expected train or t10k)",
                       set ? set : "(null)");
    int idx;
    if (kind != NULL && strcmp(kind, "images") == 0)
        idx = 3;
    else if (kind != NULL && strcmp(kind, "labels") == 0)
        idx = 1;
    else
        return cl_fail(CL_E_ARG, "unknown Fashion-MNIST kind '%s' (expected images or labels)",
                       kind ? kind : "(null)");
    int n = snprintf(buf, size, "%s/%s-%s-idx%d-ubyte.gz", cl_fashion_dir(dir), set, kind, idx);
    if (n < 0 || (size_t)n >= size) {
        buf[0] = '\0';
        return cl_fail(CL_E_ARG, "fashion path: buffer of %zu bytes is too small", size);
    }
    return CL_OK;
}

/* ------------------------------------------------------------ low level */

static int open_idx(gzFile *f, const char *path)
{
    if (path == NULL)
        return cl_fail(CL_E_ARG, "idx: path is NULL");
    errno = 0;
    *f = gzopen(path, "rb");
    if (*f == NULL)
        return cl_fail(CL_E_IO, "cannot open '%s': %s", path,
                       errno ? strerror(errno) : "out of memory");
    return CL_OK;
}

/* Reads exactly len bytes (len may exceed what one gzread call takes).
 * *got receives the number actually read. CL_E_FORMAT on corrupt gzip data. */
static int read_exact(gzFile f, const char *path, void *buf, size_t len, size_t *got)
{
    unsigned char *p = buf;
    *got = 0;
    while (*got < len) {
        size_t want = len - *got < CHUNK ? len - *got : CHUNK;
        int n = gzread(f, p + *got, (unsigned)want);
        if (n < 0) {
            int code;
            const char *msg = gzerror(f, &code);
            return cl_fail(code == Z_ERRNO ? CL_E_IO : CL_E_FORMAT, "'%s': %s", path,
                           code == Z_ERRNO ? strerror(errno) : msg);
        }
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return CL_OK;
}

static uint32_t be_u32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Reads magic and dimensions from an open file. */
static int read_header(gzFile f, const char *path, int *type_code, int *ndim,
                       long dims[CL_NPY_MAXDIM])
{
    unsigned char b[4 * (1 + CL_NPY_MAXDIM)];
    size_t got;
    int st = read_exact(f, path, b, 4, &got);
    if (st != CL_OK)
        return st;
    if (got < 4)
        return cl_fail(CL_E_FORMAT, "'%s' is truncated: no IDX header", path);
    if (b[0] != 0 || b[1] != 0 || b[3] < 1)
        return cl_fail(CL_E_FORMAT, "'%s' is not an IDX file (bad magic 0x%08x)", path,
                       (unsigned)be_u32(b));
    if (b[3] > CL_NPY_MAXDIM)
        return cl_fail(CL_E_FORMAT, "'%s': IDX files with %d dimensions are not supported", path,
                       b[3]);
    *type_code = b[2];
    *ndim = b[3];
    st = read_exact(f, path, b + 4, 4 * (size_t)*ndim, &got);
    if (st != CL_OK)
        return st;
    if (got < 4 * (size_t)*ndim)
        return cl_fail(CL_E_FORMAT, "'%s' is truncated: the IDX header is incomplete", path);
    for (int i = 0; i < *ndim; i++)
        dims[i] = (long)be_u32(b + 4 + 4 * i);
    return CL_OK;
}

int cl_idx_info(const char *path, int *type_code, int *ndim, long dims[CL_NPY_MAXDIM])
{
    if (type_code == NULL || ndim == NULL || dims == NULL)
        return cl_fail(CL_E_ARG, "idx info: an output pointer is NULL");
    *type_code = 0;
    *ndim = 0;
    gzFile f;
    int st = open_idx(&f, path);
    if (st != CL_OK)
        return st;
    st = read_header(f, path, type_code, ndim, dims);
    gzclose(f);
    if (st != CL_OK) {
        *type_code = 0;
        *ndim = 0;
    }
    return st;
}

/* Opens path, checks its magic and returns the dimensions. */
static int open_checked(gzFile *f, const char *path, uint32_t magic, long dims[CL_NPY_MAXDIM])
{
    int type_code, ndim;
    int st = open_idx(f, path);
    if (st != CL_OK)
        return st;
    st = read_header(*f, path, &type_code, &ndim, dims);
    if (st == CL_OK && ((uint32_t)type_code << 8 | (uint32_t)ndim) != magic)
        st = cl_fail(CL_E_FORMAT, "'%s' is not an IDX %s file (magic 0x%08x, expected 0x%08x)",
                     path, magic == IDX_IMAGES_MAGIC ? "image" : "label",
                     (unsigned)type_code << 8 | (unsigned)ndim, (unsigned)magic);
    if (st != CL_OK)
        gzclose(*f);
    return st;
}

/* Validates first/count against total items and resolves count 0. */
static int select_range(const char *path, long total, int first, int *count)
{
    if (total < 1)
        return cl_fail(CL_E_FORMAT, "'%s' holds no items", path);
    if (total > CL_MAX_DIM)
        return cl_fail(CL_E_TOOBIG, "'%s' claims %ld items, more than the limit of %d", path,
                       total, CL_MAX_DIM);
    if (first < 0 || first >= total)
        return cl_fail(CL_E_ARG, "first must be in 0..%ld for '%s', got %d", total - 1, path,
                       first);
    if (*count < 0)
        return cl_fail(CL_E_ARG, "count must be >= 0 (0 = all), got %d", *count);
    if (*count == 0)
        *count = (int)(total - first);
    if ((long)*count > total - first)
        return cl_fail(CL_E_ARG, "items %d..%d requested but '%s' has %ld", first,
                       first + *count - 1, path, total);
    return CL_OK;
}

/* Skips `skip` bytes, then reads `len` bytes into bytes[] or, widened, into
 * floats[] (exactly one of the two is non-NULL). */
static int read_range(gzFile f, const char *path, size_t skip, size_t len, uint8_t *bytes,
                      float *floats)
{
    unsigned char *buf = malloc(CHUNK);
    if (buf == NULL)
        return cl_fail(CL_E_NOMEM, "'%s': out of memory", path);
    int st = CL_OK;
    size_t pos = 0, end = skip + len;
    while (st == CL_OK && pos < end) {
        size_t want = end - pos < CHUNK ? end - pos : CHUNK, got;
        if (pos < skip && want > skip - pos)
            want = skip - pos; /* finish skipping before storing */
        st = read_exact(f, path, buf, want, &got);
        if (st == CL_OK && pos >= skip) {
            if (bytes)
                memcpy(bytes + (pos - skip), buf, got);
            else
                for (size_t i = 0; i < got; i++)
                    floats[pos - skip + i] = (float)buf[i];
        }
        pos += got;
        if (st == CL_OK && got < want)
            st = cl_fail(CL_E_FORMAT, "'%s' is truncated: expected %zu bytes of data, found %zu",
                         path, end, pos);
    }
    free(buf);
    return st;
}

/* ----------------------------------------------------------------- public */

int cl_idx_read_images(cl_image *out, const char *path, int first, int count)
{
    if (out == NULL)
        return cl_fail(CL_E_ARG, "idx images: out is NULL");
    cl_image_free(out);
    gzFile f;
    long dims[CL_NPY_MAXDIM];
    int st = open_checked(&f, path, IDX_IMAGES_MAGIC, dims);
    if (st != CL_OK)
        return st;
    if (dims[1] < 1 || dims[2] < 1 || dims[1] > CL_MAX_DIM || dims[2] > CL_MAX_DIM)
        st = cl_fail(CL_E_FORMAT, "'%s': images of %ldx%ld pixels are not supported", path,
                     dims[1], dims[2]);
    if (st == CL_OK)
        st = select_range(path, dims[0], first, &count);
    if (st == CL_OK)
        st = cl_image_alloc(out, count, (int)dims[1], (int)dims[2], 1);
    if (st == CL_OK) {
        size_t per = (size_t)dims[1] * (size_t)dims[2];
        st = read_range(f, path, per * (size_t)first, per * (size_t)count, NULL, out->data);
    }
    gzclose(f);
    if (st != CL_OK)
        cl_image_free(out);
    return st;
}

int cl_idx_read_labels(uint8_t **labels, int *count, const char *path, int first, int want)
{
    if (labels == NULL || count == NULL)
        return cl_fail(CL_E_ARG, "idx labels: %s is NULL", labels == NULL ? "labels" : "count");
    *labels = NULL;
    *count = 0;
    gzFile f;
    long dims[CL_NPY_MAXDIM];
    int st = open_checked(&f, path, IDX_LABELS_MAGIC, dims);
    if (st != CL_OK)
        return st;
    st = select_range(path, dims[0], first, &want);
    uint8_t *out = NULL;
    if (st == CL_OK && (out = malloc((size_t)want)) == NULL)
        st = cl_fail(CL_E_NOMEM, "'%s': out of memory for %d labels", path, want);
    if (st == CL_OK)
        st = read_range(f, path, (size_t)first, (size_t)want, out, NULL);
    gzclose(f);
    if (st != CL_OK) {
        free(out);
        return st;
    }
    *labels = out;
    *count = want;
    return CL_OK;
}
