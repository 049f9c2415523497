/* protocol.c -- frames of the worker protocol (see protocol.h for the layout).
 *
 * Sections: the growing output buffer and its little-endian writers; the
 * bounds-checked reader; headers; hello; calls; replies. Every reader
 * function fails (CL_E_FORMAT, with the field's name) rather than read past
 * the payload, and every count is checked against the bytes left before
 * anything is allocated, so a frame that lies about its sizes costs nothing.
 */
#include "protocol.h"

#include <stdlib.h>
#include <string.h>

#include "cases.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ================================================================ writing */

void cl_proto_buf_free(cl_proto_buf *b)
{
    if (!b) return;
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* Room for n more bytes; sets b->failed when that is impossible. */
static int reserve(cl_proto_buf *b, size_t n)
{
    if (b->failed) return 0;
    if (n > CL_PROTO_MAX_FRAME + CL_PROTO_HEADER_BYTES - b->len) {
        b->failed = CL_E_TOOBIG;
        return 0;
    }
    if (b->len + n <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    uint8_t *d = realloc(b->data, cap);
    if (!d) {
        b->failed = CL_E_NOMEM;
        return 0;
    }
    b->data = d, b->cap = cap;
    return 1;
}

static void put_bytes(cl_proto_buf *b, const void *p, size_t n)
{
    if (n && reserve(b, n)) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
}

static void put_le(cl_proto_buf *b, uint64_t v, int bytes)
{
    uint8_t t[8];
    for (int i = 0; i < bytes; i++) t[i] = (uint8_t)(v >> (8 * i));
    put_bytes(b, t, (size_t)bytes);
}

static void put_u8(cl_proto_buf *b, unsigned v)
{
    put_le(b, v, 1);
}
static void put_u32(cl_proto_buf *b, uint32_t v)
{
    put_le(b, v, 4);
}
static void put_i32(cl_proto_buf *b, int32_t v)
{
    put_le(b, (uint32_t)v, 4);
}
static void put_u64(cl_proto_buf *b, uint64_t v)
{
    put_le(b, v, 8);
}
static void put_f32(cl_proto_buf *b, float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    put_u32(b, bits);
}

static int host_is_little_endian(void)
{
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 1;
}

static void put_floats(cl_proto_buf *b, const float *v, size_t n)
{
    if (n > (CL_PROTO_MAX_FRAME + 1) / 4) {
        b->failed = CL_E_TOOBIG;
        return;
    }
    if (host_is_little_endian()) {
        put_bytes(b, v, n * sizeof(float));
        return;
    }
    if (!reserve(b, n * 4)) return;
    for (size_t i = 0; i < n; i++) put_f32(b, v[i]);
}

static void put_str(cl_proto_buf *b, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n > max) n = max;
    put_u32(b, (uint32_t)n);
    put_bytes(b, s, n);
}

/* ================================================================ reading */

typedef struct reader {
    const uint8_t *p;
    size_t len, pos;
    int failed; /* a status, once a read failed; later reads do nothing */
} reader;

static size_t left(const reader *r)
{
    return r->len - r->pos;
}

/* Records a malformed field once and returns 0 (so `if (!take(...))` reads). */
static int bad(reader *r, const char *what)
{
    if (!r->failed)
        r->failed = cl_fail(CL_E_FORMAT, "malformed frame: %s (at byte %zu of %zu)", what, r->pos,
                            r->len);
    return 0;
}

/* The next n bytes, or NULL when fewer are left. */
static const uint8_t *take(reader *r, size_t n, const char *what)
{
    if (r->failed) return NULL;
    if (n > left(r)) return bad(r, what), NULL;
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

static uint64_t get_le(reader *r, int bytes, const char *what)
{
    const uint8_t *p = take(r, (size_t)bytes, what);
    uint64_t v = 0;
    for (int i = 0; p && i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static unsigned get_u8(reader *r, const char *what)
{
    return (unsigned)get_le(r, 1, what);
}
static uint32_t get_u32(reader *r, const char *what)
{
    return (uint32_t)get_le(r, 4, what);
}
static int32_t get_i32(reader *r, const char *what)
{
    uint32_t u = get_u32(r, what);
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}
static uint64_t get_u64(reader *r, const char *what)
{
    return get_le(r, 8, what);
}
static float get_f32(reader *r, const char *what)
{
    uint32_t u = get_u32(r, what);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

void cl_proto_read_floats(float *dst, const uint8_t *src, size_t n)
{
    if (host_is_little_endian()) {
        memcpy(dst, src, n * sizeof(float));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *q = src + 4 * i;
        uint32_t u = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
                     (uint32_t)q[3] << 24;
        memcpy(&dst[i], &u, sizeof u);
    }
}

/* A string of at most max bytes into buf (size max + 1, NUL-terminated). */
static void get_str(reader *r, char *buf, size_t max, const char *what)
{
    uint32_t n = get_u32(r, what);
    buf[0] = '\0';
    if (r->failed) return;
    if (n > max) {
        bad(r, what);
        return;
    }
    const uint8_t *p = take(r, n, what);
    if (!p) return;
    memcpy(buf, p, n);
    buf[n] = '\0';
}

/* The end of a payload: everything consumed. */
static int finish_reading(reader *r)
{
    if (!r->failed && left(r) != 0) bad(r, "bytes left over after the last field");
    return r->failed ? r->failed : CL_OK;
}

/* n*h*w*c of four sizes in 1..CL_MAX_DIM whose product is <= CL_MAX_ELEMS,
 * else 0. */
static size_t dims_count(const int32_t d[4])
{
    uint64_t prod = 1;
    for (int i = 0; i < 4; i++) {
        if (d[i] < 1 || d[i] > CL_MAX_DIM) return 0;
        prod *= (uint64_t)d[i];
        if (prod > CL_MAX_ELEMS) return 0;
    }
    return (size_t)prod;
}

/* ================================================================ headers */

void cl_proto_header_pack(const cl_proto_header *h, uint8_t out[CL_PROTO_HEADER_BYTES])
{
    uint64_t fields[5] = {h->magic, h->version, h->kind, h->seq, h->length};
    static const int size[5] = {4, 2, 2, 4, 4};
    for (int f = 0, at = 0; f < 5; at += size[f], f++)
        for (int i = 0; i < size[f]; i++) out[at + i] = (uint8_t)(fields[f] >> (8 * i));
}

const char *cl_proto_kind_name(int kind)
{
    static const char *const names[] = {"(none)",  "HELLO", "HELLO_REPLY", "CALL", "REPLY", "QUIT",
                                        "PREPARE", "READY", "GO",          "DONE", "FETCH"};
    return kind >= 1 && kind < COUNT(names) ? names[kind] : "an unknown kind";
}

int cl_proto_header_parse(const uint8_t in[CL_PROTO_HEADER_BYTES], size_t max_length,
                          cl_proto_header *h)
{
    reader r = {in, CL_PROTO_HEADER_BYTES, 0, 0};
    h->magic = get_u32(&r, "magic");
    h->version = (uint16_t)get_le(&r, 2, "version");
    h->kind = (uint16_t)get_le(&r, 2, "kind");
    h->seq = get_u32(&r, "seq");
    h->length = get_u32(&r, "length");
    if (max_length > CL_PROTO_MAX_FRAME) max_length = CL_PROTO_MAX_FRAME;
    if (h->magic != CL_PROTO_MAGIC)
        return cl_fail(CL_E_FORMAT, "not a worker frame: magic 0x%08x, expected 0x%08x",
                       (unsigned)h->magic, CL_PROTO_MAGIC);
    if (h->version != CL_PROTO_VERSION)
        return cl_fail(CL_E_FORMAT, "protocol version %u, expected %d", (unsigned)h->version,
                       CL_PROTO_VERSION);
    if (h->kind < CL_PROTO_HELLO || h->kind > CL_PROTO_FETCH)
        return cl_fail(CL_E_FORMAT, "unknown frame kind %u", (unsigned)h->kind);
    if (h->length > max_length)
        return cl_fail(CL_E_TOOBIG, "a %s frame of %u bytes, more than the limit of %zu",
                       cl_proto_kind_name(h->kind), (unsigned)h->length, max_length);
    return CL_OK;
}

void cl_proto_begin(cl_proto_buf *b, cl_proto_kind kind, uint32_t seq)
{
    b->len = 0;
    b->failed = 0;
    uint8_t h[CL_PROTO_HEADER_BYTES];
    cl_proto_header hdr = {CL_PROTO_MAGIC, CL_PROTO_VERSION, (uint16_t)kind, seq, 0};
    cl_proto_header_pack(&hdr, h);
    put_bytes(b, h, sizeof h);
}

int cl_proto_finish(cl_proto_buf *b)
{
    if (!b->failed && b->len - CL_PROTO_HEADER_BYTES > CL_PROTO_MAX_FRAME) b->failed = CL_E_TOOBIG;
    if (b->failed == CL_E_TOOBIG)
        return cl_fail(CL_E_TOOBIG, "the frame is larger than the limit of %zu bytes",
                       CL_PROTO_MAX_FRAME);
    if (b->failed == CL_E_ARG)
        return cl_fail(CL_E_ARG, "an image or weights with data but impossible sizes (each "
                                 "1..%d, at most %zu values)", CL_MAX_DIM, CL_MAX_ELEMS);
    if (b->failed) return cl_fail(CL_E_NOMEM, "out of memory building a frame");
    uint32_t n = (uint32_t)(b->len - CL_PROTO_HEADER_BYTES);
    for (int i = 0; i < 4; i++) b->data[12 + i] = (uint8_t)(n >> (8 * i));
    return CL_OK;
}

int cl_proto_encode_empty(cl_proto_buf *b, cl_proto_kind kind, uint32_t seq)
{
    cl_proto_begin(b, kind, seq);
    return cl_proto_finish(b);
}

/* ================================================================= timing */

int cl_proto_encode_go(cl_proto_buf *b, uint32_t seq, uint64_t index, uint32_t bits)
{
    cl_proto_begin(b, CL_PROTO_GO, seq);
    put_u64(b, index);
    put_u32(b, bits);
    return cl_proto_finish(b);
}

int cl_proto_decode_go(const uint8_t *payload, size_t len, uint64_t *index, uint32_t *bits)
{
    reader r = {payload, len, 0, 0};
    *index = get_u64(&r, "GO index");
    *bits = get_u32(&r, "GO bits");
    return finish_reading(&r);
}

int cl_proto_encode_done(cl_proto_buf *b, uint32_t seq, int32_t status)
{
    cl_proto_begin(b, CL_PROTO_DONE, seq);
    put_i32(b, status);
    return cl_proto_finish(b);
}

int cl_proto_decode_done(const uint8_t *payload, size_t len, int32_t *status)
{
    reader r = {payload, len, 0, 0};
    *status = get_i32(&r, "DONE status");
    return finish_reading(&r);
}

int cl_proto_encode_prepare(cl_proto_buf *b, uint32_t seq, const cl_proto_call *c)
{
    int st = cl_proto_encode_call(b, seq, c);
    if (st == CL_OK) b->data[6] = (uint8_t)CL_PROTO_PREPARE, b->data[7] = 0;
    return st;
}

/* ================================================================== hello */

int cl_proto_encode_hello_reply(cl_proto_buf *b, uint32_t seq, const cl_proto_hello *h)
{
    cl_proto_begin(b, CL_PROTO_HELLO_REPLY, seq);
    put_u32(b, h->functions);
    put_str(b, h->version, sizeof h->version - 1);
    return cl_proto_finish(b);
}

int cl_proto_decode_hello_reply(const uint8_t *payload, size_t len, cl_proto_hello *h)
{
    reader r = {payload, len, 0, 0};
    memset(h, 0, sizeof *h);
    h->functions = get_u32(&r, "functions");
    get_str(&r, h->version, sizeof h->version - 1, "version");
    if (!r.failed && (h->functions >> CL_FN_COUNT) != 0) bad(&r, "functions: unknown bits");
    return finish_reading(&r);
}

/* =================================================================== call */

/* IMAGE or WEIGHTS: kind, four sizes, values. */
static void put_array(cl_proto_buf *b, const void *present, const float *data, const int d[4])
{
    if (!present) {
        put_u8(b, CL_PROTO_ARG_NULL);
        return;
    }
    put_u8(b, data ? CL_PROTO_ARG_DATA : CL_PROTO_ARG_EMPTY);
    for (int i = 0; i < 4; i++) put_i32(b, d[i]);
    if (!data) return;
    size_t n = dims_count(d);
    if (n == 0) {
        b->failed = CL_E_ARG; /* data with impossible sizes: cannot be sent */
        return;
    }
    put_floats(b, data, n);
}

int cl_proto_encode_call(cl_proto_buf *b, uint32_t seq, const cl_proto_call *c)
{
    if (c->nimages < 0 || c->nimages > CL_PROTO_MAX_IMAGES || c->nints < 0 ||
        c->nints > CL_PROTO_MAX_INTS || c->nfloats < 0 || c->nfloats > CL_PROTO_MAX_FLOATS ||
        c->nbias < 0 || (c->nbias > 0 && !c->bias))
        return cl_fail(CL_E_ARG, "cl_proto_encode_call: bad argument counts");
    cl_proto_begin(b, CL_PROTO_CALL, seq);
    put_u32(b, (uint32_t)c->fn);
    put_u8(b, (unsigned)c->nimages);
    for (int i = 0; i < c->nimages; i++) {
        const cl_image *im = c->images[i];
        int d[4] = {im ? im->n : 0, im ? im->h : 0, im ? im->w : 0, im ? im->c : 0};
        put_array(b, im, im ? im->data : NULL, d);
    }
    const cl_weights *w = c->weights;
    int d[4] = {w ? w->kh : 0, w ? w->kw : 0, w ? w->cin : 0, w ? w->cout : 0};
    put_array(b, w, w ? w->data : NULL, d);
    put_i32(b, c->bias ? c->nbias : -1);
    if (c->bias) put_floats(b, c->bias, (size_t)c->nbias);
    put_u8(b, (unsigned)c->nints);
    for (int i = 0; i < c->nints; i++) put_i32(b, c->ints[i]);
    put_u8(b, (unsigned)c->nfloats);
    for (int i = 0; i < c->nfloats; i++) put_f32(b, c->floats[i]);
    return cl_proto_finish(b);
}

/* Reads an IMAGE/WEIGHTS: *kind, the sizes, and (kind DATA) a pointer to the
 * values in the payload with their count, checked against the bytes left. */
static void get_array(reader *r, unsigned *kind, int32_t d[4], const uint8_t **values,
                      size_t *count, const char *what)
{
    *kind = get_u8(r, what);
    *values = NULL, *count = 0;
    memset(d, 0, 4 * sizeof d[0]);
    if (r->failed || *kind == CL_PROTO_ARG_NULL) return;
    if (*kind != CL_PROTO_ARG_DATA && *kind != CL_PROTO_ARG_EMPTY) {
        bad(r, what);
        return;
    }
    for (int i = 0; i < 4; i++) d[i] = get_i32(r, what);
    if (r->failed || *kind == CL_PROTO_ARG_EMPTY) return;
    *count = dims_count(d);
    if (*count == 0) {
        bad(r, what);
        return;
    }
    *values = take(r, *count * 4, what);
}

static void get_image(reader *r, cl_proto_call *c, int i)
{
    unsigned kind;
    int32_t d[4];
    const uint8_t *v;
    size_t n;
    get_array(r, &kind, d, &v, &n, i == 0 ? "image 0" : "image 1");
    if (r->failed || kind == CL_PROTO_ARG_NULL) return;
    cl_image *im = &c->image_store[i];
    c->images[i] = im;
    if (kind == CL_PROTO_ARG_EMPTY) {
        *im = (cl_image){d[0], d[1], d[2], d[3], NULL, NULL};
        return;
    }
    int st = cl_image_alloc(im, d[0], d[1], d[2], d[3]);
    if (st != CL_OK) {
        r->failed = st;
        return;
    }
    cl_proto_read_floats(im->data, v, n);
}

static void get_weights(reader *r, cl_proto_call *c)
{
    unsigned kind;
    int32_t d[4];
    const uint8_t *v;
    size_t n;
    get_array(r, &kind, d, &v, &n, "weights");
    if (r->failed || kind == CL_PROTO_ARG_NULL) return;
    cl_weights *w = &c->weights_store;
    c->weights = w;
    if (kind == CL_PROTO_ARG_EMPTY) {
        *w = (cl_weights){d[0], d[1], d[2], d[3], NULL, NULL};
        return;
    }
    int st = cl_weights_alloc(w, d[0], d[1], d[2], d[3]);
    if (st != CL_OK) {
        r->failed = st;
        return;
    }
    cl_proto_read_floats(w->data, v, n);
}

static void get_bias(reader *r, cl_proto_call *c)
{
    int32_t n = get_i32(r, "bias count");
    if (r->failed || n == -1) return;
    if (n < 0 || (size_t)n > left(r) / 4) {
        bad(r, "bias count");
        return;
    }
    const uint8_t *v = take(r, (size_t)n * 4, "bias");
    c->bias_store = malloc(n > 0 ? (size_t)n * sizeof(float) : 1);
    if (!c->bias_store) {
        r->failed = cl_fail(CL_E_NOMEM, "out of memory for the bias");
        return;
    }
    cl_proto_read_floats(c->bias_store, v, (size_t)n);
    c->bias = c->bias_store, c->nbias = n;
}

int cl_proto_decode_call(const uint8_t *payload, size_t len, cl_proto_call *c)
{
    reader r = {payload, len, 0, 0};
    memset(c, 0, sizeof *c);
    uint32_t fn = get_u32(&r, "function");
    if (!r.failed && fn >= CL_FN_COUNT) bad(&r, "function: unknown number");
    c->fn = (int)fn;
    c->nimages = (int)get_u8(&r, "image count");
    if (!r.failed && c->nimages > CL_PROTO_MAX_IMAGES) bad(&r, "image count");
    for (int i = 0; !r.failed && i < c->nimages; i++) get_image(&r, c, i);
    get_weights(&r, c);
    get_bias(&r, c);
    c->nints = (int)get_u8(&r, "int count");
    if (!r.failed && c->nints > CL_PROTO_MAX_INTS) bad(&r, "int count");
    for (int i = 0; !r.failed && i < c->nints; i++) c->ints[i] = get_i32(&r, "ints");
    c->nfloats = (int)get_u8(&r, "float count");
    if (!r.failed && c->nfloats > CL_PROTO_MAX_FLOATS) bad(&r, "float count");
    for (int i = 0; !r.failed && i < c->nfloats; i++) c->floats[i] = get_f32(&r, "floats");
    return finish_reading(&r);
}

void cl_proto_call_free(cl_proto_call *c)
{
    if (!c) return;
    for (int i = 0; i < CL_PROTO_MAX_IMAGES; i++) cl_image_free(&c->image_store[i]);
    cl_weights_free(&c->weights_store);
    free(c->bias_store);
    memset(c, 0, sizeof *c);
}

/* What each function needs: images, ints, floats, weights. */
static const struct {
    int images, ints, floats, weights;
} needs[CL_FN_COUNT] = {
    [CL_FN_CONV_OUTPUT_SIZE] = {0, 4, 0, 0}, [CL_FN_GET_SUBIMAGES] = {1, 2, 0, 0},
    [CL_FN_IM_CONV] = {2, 0, 0, 0},          [CL_FN_FLIP_KERNEL] = {1, 0, 0, 0},
    [CL_FN_PAD_IMAGE] = {1, 5, 0, 0},        [CL_FN_IM_CONV_OPTS] = {2, 5, 0, 0},
    [CL_FN_THRESHOLD_BINARY] = {1, 0, 2, 0}, [CL_FN_TO_UINT8] = {1, 0, 0, 0},
    [CL_FN_CONV2D] = {1, 3, 0, 1},           [CL_FN_MAX_POOL2D] = {1, 5, 0, 0},
    [CL_FN_AVG_POOL2D] = {1, 5, 0, 0},       [CL_FN_UPSAMPLE] = {1, 3, 0, 0},
    [CL_FN_CONV2D_TRANSPOSE] = {1, 3, 0, 1}, [CL_FN_IM_CONV_FAST] = {2, 0, 0, 0},
};

int cl_proto_call_check(const cl_proto_call *c)
{
    if (c->fn < 0 || c->fn >= CL_FN_COUNT)
        return cl_fail(CL_E_FORMAT, "call of unknown function %d", c->fn);
    if (c->nimages != needs[c->fn].images || c->nints != needs[c->fn].ints ||
        c->nfloats != needs[c->fn].floats)
        return cl_fail(CL_E_FORMAT,
                       "call of function %d with %d images, %d ints, %d floats; it takes %d, %d, "
                       "%d",
                       c->fn, c->nimages, c->nints, c->nfloats, needs[c->fn].images,
                       needs[c->fn].ints, needs[c->fn].floats);
    return CL_OK;
}

/* ================================================================== reply */

int cl_proto_encode_reply(cl_proto_buf *b, uint32_t seq, const cl_proto_reply *r)
{
    if (r->nmods < 0 || r->nmods > CL_PROTO_MAX_MODS || r->out_kind < CL_PROTO_OUT_NONE ||
        r->out_kind > CL_PROTO_OUT_BYTES)
        return cl_fail(CL_E_ARG, "cl_proto_encode_reply: bad counts");
    cl_proto_begin(b, CL_PROTO_REPLY, seq);
    put_i32(b, r->status);
    put_u32(b, r->flags);
    put_str(b, r->error, CL_PROTO_MAX_ERROR);
    put_u8(b, (unsigned)r->nmods);
    for (int i = 0; i < r->nmods; i++) {
        put_u8(b, (unsigned)r->mods[i].slot);
        put_u64(b, r->mods[i].index);
        put_u32(b, r->mods[i].bits);
    }
    put_u8(b, (unsigned)r->out_kind);
    if (r->out_kind == CL_PROTO_OUT_IMAGE || r->out_kind == CL_PROTO_OUT_SHAPE) {
        int32_t d[4] = {r->n, r->h, r->w, r->c};
        for (int i = 0; i < 4; i++) put_i32(b, d[i]);
        size_t n = dims_count(d);
        if (r->out_kind == CL_PROTO_OUT_IMAGE && (n == 0 || !r->floats))
            return cl_fail(CL_E_ARG, "cl_proto_encode_reply: an IMAGE needs valid sizes and data");
        if (r->out_kind == CL_PROTO_OUT_IMAGE) put_floats(b, r->floats, n);
    } else if (r->out_kind == CL_PROTO_OUT_BYTES) {
        put_u64(b, r->count);
        if (r->count > CL_PROTO_MAX_FRAME) b->failed = CL_E_TOOBIG;
        else put_bytes(b, r->bytes, r->count);
    }
    return cl_proto_finish(b);
}

static void get_output(reader *r, cl_proto_reply *p)
{
    p->out_kind = (int)get_u8(r, "output kind");
    if (r->failed || p->out_kind == CL_PROTO_OUT_NONE) return;
    if (p->out_kind == CL_PROTO_OUT_BYTES) {
        uint64_t n = get_u64(r, "byte count");
        if (!r->failed && n > left(r)) {
            bad(r, "byte count");
            return;
        }
        p->count = (size_t)n;
        p->out_data = take(r, p->count, "bytes");
        return;
    }
    if (p->out_kind != CL_PROTO_OUT_IMAGE && p->out_kind != CL_PROTO_OUT_SHAPE) {
        bad(r, "output kind");
        return;
    }
    int32_t d[4];
    for (int i = 0; i < 4; i++) d[i] = get_i32(r, "output size");
    p->n = d[0], p->h = d[1], p->w = d[2], p->c = d[3];
    if (r->failed || p->out_kind == CL_PROTO_OUT_SHAPE) return;
    p->count = dims_count(d);
    if (p->count == 0) {
        bad(r, "output size");
        return;
    }
    p->out_data = take(r, p->count * 4, "output values");
}

int cl_proto_decode_reply(const uint8_t *payload, size_t len, cl_proto_reply *p)
{
    reader r = {payload, len, 0, 0};
    memset(p, 0, sizeof *p);
    p->status = get_i32(&r, "status");
    p->flags = get_u32(&r, "flags");
    get_str(&r, p->error, CL_PROTO_MAX_ERROR, "error message");
    p->nmods = (int)get_u8(&r, "modification count");
    if (!r.failed && p->nmods > CL_PROTO_MAX_MODS) bad(&r, "modification count");
    for (int i = 0; !r.failed && i < p->nmods; i++) {
        p->mods[i].slot = (int)get_u8(&r, "modified slot");
        if (!r.failed && p->mods[i].slot > CL_PROTO_SLOT_BIAS) bad(&r, "modified slot");
        p->mods[i].index = get_u64(&r, "modified index");
        p->mods[i].bits = get_u32(&r, "modified value");
    }
    get_output(&r, p);
    return finish_reading(&r);
}
