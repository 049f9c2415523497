/* io_npy.c -- NumPy .npy files, the interchange format with Python.
 *
 * Reading accepts versions 1.0, 2.0 and 3.0, C order, dtypes '<f4' (float32)
 * and '|u1' / '<u1' (uint8, converted to float), up to CL_NPY_MAXDIM
 * dimensions. The header dictionary is parsed as a small Python literal:
 * keys in any order, any whitespace, trailing commas. Anything else is
 * rejected with CL_E_FORMAT (CL_E_TOOBIG for absurd sizes) and a message that
 * names the file and the problem.
 *
 * Writing produces version 1.0 with the header padded by spaces and a final
 * newline so that the data starts at a multiple of 64 bytes, as numpy does,
 * through the atomic writer.
 */
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

#define MAX_HEADER_LEN 65536 /* numpy itself refuses headers over 10000 bytes */

/* ----------------------------------------------------------- endianness */

static int host_is_little_endian(void)
{
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 1;
}

static void swap32(void *buf, size_t count)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < count; i++, p += 4) {
        uint8_t t = p[0];
        p[0] = p[3];
        p[3] = t;
        t = p[1];
        p[1] = p[2];
        p[2] = t;
    }
}

/* -------------------------------------------------------- header parser */

typedef struct parser {
    const char *s, *end;
    const char *path;
} parser;

static void skip_ws(parser *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static int bad_header(parser *p, const char *what)
{
    return cl_fail(CL_E_FORMAT, "'%s': malformed .npy header: %s", p->path, what);
}

/* Consumes character ch (after whitespace) or fails. */
static int expect(parser *p, char ch, const char *what)
{
    skip_ws(p);
    if (p->s >= p->end || *p->s != ch)
        return bad_header(p, what);
    p->s++;
    return CL_OK;
}

/* A quoted Python string ('...' or "...", no escapes) into buf. */
static int parse_string(parser *p, char *buf, size_t size)
{
    skip_ws(p);
    if (p->s >= p->end || (*p->s != '\'' && *p->s != '"'))
        return bad_header(p, "expected a quoted string");
    char quote = *p->s++;
    size_t n = 0;
    while (p->s < p->end && *p->s != quote) {
        if (*p->s == '\\' || n + 1 >= size)
            return bad_header(p, "unsupported or overlong string");
        buf[n++] = *p->s++;
    }
    if (p->s >= p->end)
        return bad_header(p, "unterminated string");
    p->s++;
    buf[n] = '\0';
    return CL_OK;
}

static int parse_bool(parser *p, int *value)
{
    skip_ws(p);
    size_t left = (size_t)(p->end - p->s);
    if (left >= 4 && memcmp(p->s, "True", 4) == 0) {
        *value = 1;
        p->s += 4;
    } else if (left >= 5 && memcmp(p->s, "False", 5) == 0) {
        *value = 0;
        p->s += 5;
    } else {
        return bad_header(p, "'fortran_order' must be True or False");
    }
    return CL_OK;
}

/* One dimension: a non-negative decimal integer (a Python 2 'L' suffix is
 * tolerated). Huge values saturate at DIM_SATURATE (messages then say
 * "over 2000000000"); any dimension above CL_MAX_ELEMS is rejected later. */
#define DIM_SATURATE 2000000000L
static int parse_dim(parser *p, long *dim)
{
    skip_ws(p);
    if (p->s < p->end && *p->s == '-')
        return cl_fail(CL_E_FORMAT, "'%s': shape has a negative dimension", p->path);
    if (p->s >= p->end || *p->s < '0' || *p->s > '9')
        return bad_header(p, "shape must be a tuple of integers");
    long v = 0;
    while (p->s < p->end && *p->s >= '0' && *p->s <= '9') {
        if (v < DIM_SATURATE / 10)
            v = v * 10 + (*p->s - '0');
        else
            v = DIM_SATURATE;
        p->s++;
    }
    if (p->s < p->end && *p->s == 'L')
        p->s++;
    *dim = v;
    return CL_OK;
}

/* A tuple "(a, b, c)", "(a,)" or "()". */
static int parse_shape(parser *p, cl_npy_info *info)
{
    int st = expect(p, '(', "'shape' must be a tuple");
    info->ndim = 0;
    for (;;) {
        if (st != CL_OK)
            return st;
        skip_ws(p);
        if (p->s < p->end && *p->s == ')') {
            p->s++;
            return CL_OK;
        }
        if (info->ndim == CL_NPY_MAXDIM)
            return cl_fail(CL_E_FORMAT, "'%s': arrays with more than %d dimensions are not "
                                        "supported",
                           p->path, CL_NPY_MAXDIM);
        st = parse_dim(p, &info->shape[info->ndim]);
        if (st != CL_OK)
            return st;
        info->ndim++;
        skip_ws(p);
        if (p->s < p->end && *p->s == ',')
            p->s++;
        else if (p->s >= p->end || *p->s != ')')
            return bad_header(p, "expected ',' or ')' in 'shape'");
    }
}

static int parse_descr(parser *p, cl_npy_info *info)
{
    char descr[32];
    int st = parse_string(p, descr, sizeof descr);
    if (st != CL_OK)
        return st;
    if (strcmp(descr, "<f4") == 0)
        info->dtype = CL_DTYPE_F32;
    else if (strcmp(descr, "|u1") == 0 || strcmp(descr, "<u1") == 0)
        info->dtype = CL_DTYPE_U8;
    else
        return cl_fail(CL_E_FORMAT,
                       "'%s': dtype '%s' is not supported: save float32 "
                       "(arr.astype(numpy.float32)); uint8 is also accepted",
                       p->path, descr);
    return CL_OK;
}

enum { KEY_DESCR = 1, KEY_FORTRAN = 2, KEY_SHAPE = 4 };

/* One "key: value" entry; *seen collects the keys met so far. */
static int parse_entry(parser *p, cl_npy_info *info, int *seen)
{
    char key[32];
    int st = parse_string(p, key, sizeof key);
    if (st == CL_OK)
        st = expect(p, ':', "expected ':' after a key");
    if (st != CL_OK)
        return st;
    int bit = strcmp(key, "descr") == 0           ? KEY_DESCR
              : strcmp(key, "fortran_order") == 0 ? KEY_FORTRAN
              : strcmp(key, "shape") == 0         ? KEY_SHAPE
                                                  : 0;
    if (bit == 0)
        return cl_fail(CL_E_FORMAT, "'%s': unexpected key '%s' in the .npy header", p->path,
                       key);
    if (*seen & bit)
        return cl_fail(CL_E_FORMAT, "'%s': key '%s' appears twice in the .npy header", p->path,
                       key);
    *seen |= bit;
    if (bit == KEY_DESCR)
        return parse_descr(p, info);
    if (bit == KEY_SHAPE)
        return parse_shape(p, info);
    int fortran = 0;
    st = parse_bool(p, &fortran);
    if (st == CL_OK && fortran)
        return cl_fail(CL_E_FORMAT, "'%s': Fortran-order arrays are not supported: save a "
                                    "C-order array (numpy.ascontiguousarray)",
                       p->path);
    return st;
}

static int missing_key(parser *p, int seen)
{
    const char *key = !(seen & KEY_DESCR)     ? "descr"
                      : !(seen & KEY_FORTRAN) ? "fortran_order"
                                              : "shape";
    return cl_fail(CL_E_FORMAT, "'%s': the .npy header has no '%s' key", p->path, key);
}

/* Parses the header dictionary text[0..len-1] into info. */
static int parse_header(const char *text, size_t len, const char *path, cl_npy_info *info)
{
    parser p = {text, text + len, path};
    int seen = 0;
    int st = expect(&p, '{', "expected '{'");
    for (;;) {
        if (st != CL_OK)
            return st;
        skip_ws(&p);
        if (p.s < p.end && *p.s == '}')
            break;
        st = parse_entry(&p, info, &seen);
        if (st != CL_OK)
            return st;
        skip_ws(&p);
        if (p.s < p.end && *p.s == ',')
            p.s++;
        else if (p.s >= p.end || *p.s != '}')
            return bad_header(&p, "expected ',' or '}' after a value");
    }
    p.s++;
    skip_ws(&p);
    while (p.s < p.end && *p.s == '\0') /* some writers pad with NULs */
        p.s++;
    if (p.s != p.end)
        return bad_header(&p, "text after the closing '}'");
    if (seen != (KEY_DESCR | KEY_FORTRAN | KEY_SHAPE))
        return missing_key(&p, seen);
    return CL_OK;
}

/* ------------------------------------------------------------- reading */

/* "(a, b)", "(a,)" or "()" into buf. */
static void shape_text(const cl_npy_info *info, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "(");
    for (int i = 0; i <= info->ndim && n < size; i++) {
        int m;
        if (i == info->ndim)
            m = snprintf(buf + n, size - n, "%s)", info->ndim == 1 ? "," : "");
        else
            m = snprintf(buf + n, size - n, "%s%s%ld", i ? ", " : "",
                         info->shape[i] >= DIM_SATURATE ? "over " : "", info->shape[i]);
        n += m > 0 ? (size_t)m : 0;
    }
}

/* Number of elements of info's shape, or CL_E_TOOBIG. */
static int element_count(const cl_npy_info *info, const char *path, size_t *count)
{
    size_t n = 1;
    for (int i = 0; i < info->ndim; i++)
        if (info->shape[i] == 0)
            n = 0;
    for (int i = 0; i < info->ndim && n > 0; i++) {
        if (info->shape[i] > (long)CL_MAX_ELEMS || n * (size_t)info->shape[i] > CL_MAX_ELEMS) {
            char buf[128];
            shape_text(info, buf, sizeof buf);
            return cl_fail(CL_E_TOOBIG,
                           "'%s': shape %s has more values than the limit of %zu "
                           "(CL_MAX_ELEMS)",
                           path, buf, CL_MAX_ELEMS);
        }
        n *= (size_t)info->shape[i];
    }
    *count = n;
    return CL_OK;
}

static uint32_t le_u32(const uint8_t *b, int bytes)
{
    uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

/* Reads magic, version and header of f (file_size bytes) into info;
 * *offset gets the start of the data. */
static int read_preamble(FILE *f, const char *path, long long file_size, cl_npy_info *info,
                         long long *offset)
{
    uint8_t pre[12];
    size_t got = fread(pre, 1, 8, f);
    if (got < 6 || memcmp(pre, npy_magic, 6) != 0)
        return cl_fail(CL_E_FORMAT, "'%s' is not a .npy file (bad magic: it must start with "
                                    "\\x93NUMPY)",
                       path);
    if (got < 8)
        return cl_fail(CL_E_FORMAT, "'%s': truncated .npy header (no version)", path);
    int major = pre[6], minor = pre[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        return cl_fail(CL_E_FORMAT, "'%s': unsupported .npy version %d.%d (expected 1.0, 2.0 "
                                    "or 3.0)",
                       path, major, minor);
    int len_bytes = major == 1 ? 2 : 4;
    if (fread(pre + 8, 1, (size_t)len_bytes, f) != (size_t)len_bytes)
        return cl_fail(CL_E_FORMAT, "'%s': truncated .npy header (no header length)", path);
    uint32_t hlen = le_u32(pre + 8, len_bytes);
    long long start = 8 + len_bytes;
    if (start + hlen > file_size)
        return cl_fail(CL_E_FORMAT, "'%s': header length %u goes beyond the end of the file "
                                    "(%lld bytes)",
                       path, (unsigned)hlen, file_size);
    if (hlen > MAX_HEADER_LEN)
        return cl_fail(CL_E_FORMAT, "'%s': header length %u is larger than %d bytes", path,
                       (unsigned)hlen, MAX_HEADER_LEN);
    char *text = malloc(hlen + 1);
    if (text == NULL)
        return cl_fail(CL_E_NOMEM, "'%s': out of memory", path);
    int st = CL_OK;
    if (fread(text, 1, hlen, f) != hlen)
        st = cl_fail(CL_E_IO, "'%s': cannot read the .npy header", path);
    if (st == CL_OK)
        st = parse_header(text, hlen, path, info);
    free(text);
    *offset = start + hlen;
    return st;
}

/* Reads count values of info->dtype from f into a new float array. */
static int read_payload(FILE *f, const char *path, const cl_npy_info *info, size_t count,
                        long long available, float **data)
{
    size_t item = info->dtype == CL_DTYPE_F32 ? 4 : 1;
    size_t need = count * item;
    if ((unsigned long long)available < need)
        return cl_fail(CL_E_FORMAT, "'%s' is truncated: expected %zu bytes of data, found %lld",
                       path, need, available);
    float *buf = malloc((count > 0 ? count : 1) * sizeof(float));
    if (buf == NULL)
        return cl_fail(CL_E_NOMEM, "'%s': out of memory for %zu values", path, count);
    if (fread(buf, 1, need, f) != need) {
        free(buf);
        return cl_fail(CL_E_FORMAT, "'%s' is truncated: could not read %zu bytes of data", path,
                       need);
    }
    if (info->dtype == CL_DTYPE_U8) {
        /* Widen in place from the end: byte i is read before float i,
         * which covers bytes 4i..4i+3 >= i, is written. */
        const unsigned char *bytes = (const unsigned char *)buf;
        for (size_t i = count; i-- > 0;) {
            float v = (float)bytes[i];
            buf[i] = v;
        }
    } else if (!host_is_little_endian()) {
        swap32(buf, count);
    }
    *data = buf;
    return CL_OK;
}

int cl_npy_read(const char *path, float **data, cl_npy_info *info)
{
    if (data == NULL || info == NULL)
        return cl_fail(CL_E_ARG, "npy read: %s is NULL", data == NULL ? "data" : "info");
    *data = NULL;
    *info = (cl_npy_info){0};
    if (path == NULL)
        return cl_fail(CL_E_ARG, "npy read: path is NULL");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return cl_fail(CL_E_IO, "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    int st = CL_OK;
    if (fstat(fileno(f), &sb) != 0)
        st = cl_fail(CL_E_IO, "cannot stat '%s': %s", path, strerror(errno));
    else if (!S_ISREG(sb.st_mode))
        st = cl_fail(CL_E_IO, "'%s' is not a regular file", path);
    cl_npy_info tmp = {0};
    long long offset = 0;
    size_t count = 0;
    if (st == CL_OK)
        st = read_preamble(f, path, (long long)sb.st_size, &tmp, &offset);
    if (st == CL_OK)
        st = element_count(&tmp, path, &count);
    if (st == CL_OK)
        st = read_payload(f, path, &tmp, count, (long long)sb.st_size - offset, data);
    fclose(f);
    if (st == CL_OK)
        *info = tmp;
    return st;
}

/* ------------------------------------------------------------- writing */

typedef struct npy_job {
    const void *data;
    cl_dtype dtype;
    size_t count;
    char header[256]; /* magic .. newline */
    size_t header_len;
} npy_job;

/* Builds the version 1.0 preamble + padded header of job. The dictionary is
 * at most ~140 characters (4 dimensions of up to 19 digits). */
static void build_header(npy_job *job, int ndim, const long *shape)
{
    char dict[192];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     job->dtype == CL_DTYPE_F32 ? "<f4" : "|u1");
    for (int i = 0; i < ndim; i++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, i == 0 ? "%ld" : ", %ld", shape[i]);
    n += snprintf(dict + n, sizeof dict - (size_t)n, "%s), }", ndim == 1 ? "," : "");
    size_t total = (10 + (size_t)n + 1 + 63) / 64 * 64; /* preamble + dict + '\n' */
    size_t hlen = total - 10;
    memcpy(job->header, npy_magic, 6);
    job->header[6] = 1;
    job->header[7] = 0;
    job->header[8] = (char)(hlen & 0xff);
    job->header[9] = (char)(hlen >> 8);
    memcpy(job->header + 10, dict, (size_t)n);
    memset(job->header + 10 + n, ' ', hlen - (size_t)n - 1);
    job->header[total - 1] = '\n';
    job->header_len = total;
}

static int write_npy(FILE *f, void *ctx)
{
    const npy_job *job = ctx;
    fwrite(job->header, 1, job->header_len, f);
    if (job->count == 0)
        return CL_OK;
    if (job->dtype == CL_DTYPE_U8 || host_is_little_endian()) {
        size_t item = job->dtype == CL_DTYPE_F32 ? 4 : 1;
        fwrite(job->data, item, job->count, f);
        return CL_OK;
    }
    float chunk[1024];
    const float *src = job->data;
    for (size_t i = 0; i < job->count; i += 1024) {
        size_t m = job->count - i < 1024 ? job->count - i : 1024;
        memcpy(chunk, src + i, m * sizeof(float));
        swap32(chunk, m);
        fwrite(chunk, sizeof(float), m, f);
    }
    return CL_OK;
}

int cl_npy_write(const char *path, const void *data, cl_dtype dtype, int ndim, const long *shape)
{
    if (path == NULL)
        return cl_fail(CL_E_ARG, "npy write: path is NULL");
    if (dtype != CL_DTYPE_F32 && dtype != CL_DTYPE_U8)
        return cl_fail(CL_E_ARG, "npy write: unknown dtype %d", (int)dtype);
    if (ndim < 0 || ndim > CL_NPY_MAXDIM)
        return cl_fail(CL_E_ARG, "npy write: ndim must be 0..%d, got %d", CL_NPY_MAXDIM, ndim);
    if (ndim > 0 && shape == NULL)
        return cl_fail(CL_E_ARG, "npy write: shape is NULL");
    cl_npy_info info = {.ndim = ndim, .dtype = dtype};
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return cl_fail(CL_E_ARG, "npy write: shape[%d] must be >= 0, got %ld", i, shape[i]);
        info.shape[i] = shape[i];
    }
    npy_job job = {.data = data, .dtype = dtype};
    int st = element_count(&info, path, &job.count);
    if (st != CL_OK)
        return st;
    if (data == NULL && job.count > 0)
        return cl_fail(CL_E_ARG, "npy write: data is NULL");
    build_header(&job, ndim, shape);
    return cl_atomic_write_(path, write_npy, &job);
}

/* ------------------------------------------------------ images, weights */

/* CL_E_SHAPE when the array has a zero dimension. */
static int reject_empty(const cl_npy_info *info, const char *path)
{
    char buf[128];
    for (int i = 0; i < info->ndim; i++) {
        if (info->shape[i] == 0) {
            shape_text(info, buf, sizeof buf);
            return cl_fail(CL_E_SHAPE, "'%s' is an empty array (shape %s)", path, buf);
        }
    }
    return CL_OK;
}

int cl_image_read_npy(cl_image *out, const char *path, int *ndim)
{
    if (ndim)
        *ndim = 0;
    if (out == NULL)
        return cl_fail(CL_E_ARG, "npy read: out is NULL");
    cl_image_free(out);
    float *data = NULL;
    cl_npy_info info;
    int st = cl_npy_read(path, &data, &info);
    if (st == CL_OK)
        st = reject_empty(&info, path);
    if (st == CL_OK) {
        long d[4] = {1, 1, 1, 1}; /* n, h, w, c */
        const long *s = info.shape;
        switch (info.ndim) {
        case 1: d[2] = s[0]; break;
        case 2: d[1] = s[0]; d[2] = s[1]; break;
        case 3: d[1] = s[0]; d[2] = s[1]; d[3] = s[2]; break;
        case 4: d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; d[3] = s[3]; break;
        default: break;
        }
        /* every dimension is <= CL_MAX_ELEMS here, so the casts are exact */
        st = cl_image_alloc(out, (int)d[0], (int)d[1], (int)d[2], (int)d[3]);
        if (st != CL_OK)
            st = cl_fail(st, "'%s': %s", path, cl_last_error());
    }
    if (st == CL_OK) {
        memcpy(out->data, data, cl_image_count(out) * sizeof(float));
        if (ndim)
            *ndim = info.ndim;
    }
    free(data);
    return st;
}

int cl_image_write_npy(const char *path, const cl_image *im, int ndim)
{
    int st = cl_image_check(im, "image");
    if (st != CL_OK)
        return st;
    long shape[4];
    switch (ndim) {
    case 2:
        if (im->n != 1 || im->c != 1)
            return cl_fail(CL_E_SHAPE, "a 2-D .npy needs n = 1 and c = 1, the image is "
                                       "%dx%dx%dx%d",
                           im->n, im->h, im->w, im->c);
        shape[0] = im->h;
        shape[1] = im->w;
        break;
    case 3:
        if (im->n != 1)
            return cl_fail(CL_E_SHAPE, "a 3-D .npy needs n = 1, the image has n = %d", im->n);
        shape[0] = im->h;
        shape[1] = im->w;
        shape[2] = im->c;
        break;
    case 4:
        shape[0] = im->n;
        shape[1] = im->h;
        shape[2] = im->w;
        shape[3] = im->c;
        break;
    default:
        return cl_fail(CL_E_ARG, "npy write: ndim must be 2, 3 or 4 for an image, got %d", ndim);
    }
    return cl_npy_write(path, im->data, CL_DTYPE_F32, ndim, shape);
}

int cl_weights_read_npy(cl_weights *out, const char *path, int transposed)
{
    if (out == NULL)
        return cl_fail(CL_E_ARG, "weights read: out is NULL");
    cl_weights_free(out);
    if (transposed != 0 && transposed != 1)
        return cl_fail(CL_E_ARG, "weights read: transposed must be 0 or 1, got %d", transposed);
    float *data = NULL;
    cl_npy_info info;
    int st = cl_npy_read(path, &data, &info);
    if (st == CL_OK && info.ndim != 4)
        st = cl_fail(CL_E_SHAPE, "'%s': weights must have 4 dimensions (kh, kw, %s), got %d",
                     path, transposed ? "cout, cin" : "cin, cout", info.ndim);
    if (st == CL_OK)
        st = reject_empty(&info, path);
    if (st == CL_OK) {
        const long *s = info.shape;
        int a = (int)s[2], b = (int)s[3];
        st = cl_weights_alloc(out, (int)s[0], (int)s[1], transposed ? b : a, transposed ? a : b);
        if (st != CL_OK)
            st = cl_fail(st, "'%s': %s", path, cl_last_error());
    }
    if (st == CL_OK)
        memcpy(out->data, data, (size_t)out->kh * out->kw * out->cin * out->cout * sizeof(float));
    free(data);
    return st;
}
