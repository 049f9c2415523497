/* test_protocol.c -- the worker protocol (harness/drivers/protocol.c).
 *
 *   - every frame kind round-trips: headers, HELLO_REPLY, the timing frames
 *     (PREPARE, GO, DONE), a CALL with the
 *     arguments of each of the 14 functions (images with data, without data
 *     and NULL; weights; bias or NULL; ints; floats), REPLY with each output
 *     kind, the flags, the modified inputs and the error message;
 *   - what the trusted side parses is hostile: wrong magic, version or kind,
 *     a length over the limit, every truncation of a payload, a byte too
 *     many, absurd sizes and counts are rejected with a status and a
 *     message, and a fixed-seed fuzz of random corruptions never crashes
 *     (the sanitizer build checks that no byte is read outside the buffer).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "protocol.h"

TestSuite(protocol, .timeout = 60);

/* ---------------------------------------------------------------- helpers */

/* The payload of the frame in b, after checking its header. */
static const uint8_t *payload_of(const cl_proto_buf *b, int kind, uint32_t seq, size_t *len)
{
    cl_proto_header h;
    cr_assert_geq(b->len, (size_t)CL_PROTO_HEADER_BYTES, "a frame has a header");
    cr_assert_eq(cl_proto_header_parse(b->data, CL_PROTO_MAX_FRAME, &h), CL_OK, "%s",
                 cl_last_error());
    cr_assert_eq(h.kind, kind, "kind %u", (unsigned)h.kind);
    cr_assert_eq(h.seq, seq, "seq %u", (unsigned)h.seq);
    cr_assert_eq((size_t)h.length, b->len - CL_PROTO_HEADER_BYTES, "length field");
    *len = h.length;
    return b->data + CL_PROTO_HEADER_BYTES;
}

static cl_image ramp(int n, int h, int w, int c, float start)
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, n, h, w, c), CL_OK);
    for (size_t i = 0; i < cl_image_count(&im); i++) im.data[i] = start + (float)i * 0.5f;
    return im;
}

static void expect_same_image(const cl_image *got, const cl_image *want, const char *what)
{
    cr_assert(got != NULL, "%s: decoded as NULL", what);
    cr_expect(got->n == want->n && got->h == want->h && got->w == want->w && got->c == want->c,
              "%s: sizes %dx%dx%dx%d, sent %dx%dx%dx%d", what, got->n, got->h, got->w, got->c,
              want->n, want->h, want->w, want->c);
    if (!want->data) {
        cr_expect_null(got->data, "%s: sent without data", what);
        return;
    }
    cr_assert_not_null(got->data, "%s: data lost", what);
    cr_expect(cl_image_guards_ok(got), "%s: decoded images are guarded (cl_image_alloc)", what);
    cr_expect(memcmp(got->data, want->data, cl_image_count(want) * sizeof(float)) == 0,
              "%s: values differ", what);
}

/* ------------------------------------------------------------------ headers */

Test(protocol, header_round_trips, .description = "pack then parse gives the same fields")
{
    cl_proto_header h = {CL_PROTO_MAGIC, CL_PROTO_VERSION, CL_PROTO_CALL, 77, 1234}, g;
    uint8_t b[CL_PROTO_HEADER_BYTES];
    cl_proto_header_pack(&h, b);
    cr_expect_eq(memcmp(b, "CLWP", 4), 0, "the magic reads CLWP in the stream");
    cr_assert_eq(cl_proto_header_parse(b, 4096, &g), CL_OK, "%s", cl_last_error());
    cr_expect(g.kind == h.kind && g.seq == 77 && g.length == 1234, "fields round-trip");
}

Test(protocol, bad_headers_are_rejected,
     .description = "wrong magic, version or kind, or a length over the limit: a status")
{
    cl_proto_header ok = {CL_PROTO_MAGIC, CL_PROTO_VERSION, CL_PROTO_REPLY, 1, 100}, g;
    struct {
        cl_proto_header h;
        size_t max;
        int want;
        const char *what;
    } t[] = {
        {{0x12345678u, CL_PROTO_VERSION, CL_PROTO_REPLY, 1, 100}, 4096, CL_E_FORMAT, "magic"},
        {{CL_PROTO_MAGIC, 2, CL_PROTO_REPLY, 1, 100}, 4096, CL_E_FORMAT, "version"},
        {{CL_PROTO_MAGIC, CL_PROTO_VERSION, 0, 1, 100}, 4096, CL_E_FORMAT, "kind 0"},
        {{CL_PROTO_MAGIC, CL_PROTO_VERSION, CL_PROTO_FETCH + 1, 1, 100}, 4096, CL_E_FORMAT,
         "kind after the last (FETCH)"},
        {{CL_PROTO_MAGIC, CL_PROTO_VERSION, CL_PROTO_REPLY, 1, 4097}, 4096, CL_E_TOOBIG, "length"},
        {{CL_PROTO_MAGIC, CL_PROTO_VERSION, CL_PROTO_REPLY, 1, 0xFFFFFFFFu}, (size_t)-1,
         CL_E_TOOBIG, "length over 512 MiB whatever the caller allows"},
    };
    uint8_t b[CL_PROTO_HEADER_BYTES];
    cl_proto_header_pack(&ok, b);
    cr_expect_eq(cl_proto_header_parse(b, 100, &g), CL_OK, "a length equal to the limit is fine");
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cl_proto_header_pack(&t[i].h, b);
        cr_expect_eq(cl_proto_header_parse(b, t[i].max, &g), t[i].want, "%s", t[i].what);
        cr_expect(cl_last_error()[0] != '\0', "%s: a message", t[i].what);
    }
    cr_expect_eq(g.length, 0xFFFFFFFFu, "the header is filled even when rejected");
}

/* -------------------------------------------------------------------- hello */

Test(protocol, hello_round_trips, .description = "HELLO_REPLY carries functions and version")
{
    cl_proto_buf b = {0};
    cl_proto_hello h = {(1u << CL_FN_IM_CONV) | (1u << CL_FN_GET_SUBIMAGES), "0.1.0"}, g;
    size_t len;
    cr_assert_eq(cl_proto_encode_hello_reply(&b, 5, &h), CL_OK);
    const uint8_t *p = payload_of(&b, CL_PROTO_HELLO_REPLY, 5, &len);
    cr_assert_eq(cl_proto_decode_hello_reply(p, len, &g), CL_OK, "%s", cl_last_error());
    cr_expect_eq(g.functions, h.functions);
    cr_expect_str_eq(g.version, "0.1.0");
    for (size_t cut = 0; cut < len; cut++)
        cr_expect_eq(cl_proto_decode_hello_reply(p, cut, &g), CL_E_FORMAT, "cut at %zu", cut);
    uint8_t bad[64];
    memcpy(bad, p, len);
    bad[3] = 0x80; /* bit 31: no such function */
    cr_expect_eq(cl_proto_decode_hello_reply(bad, len, &g), CL_E_FORMAT, "unknown function bits");
    cr_assert_eq(cl_proto_encode_empty(&b, CL_PROTO_QUIT, 6), CL_OK);
    payload_of(&b, CL_PROTO_QUIT, 6, &len);
    cr_expect_eq(len, 0u, "QUIT is empty");
    cl_proto_buf_free(&b);
}

/* -------------------------------------------------------------------- calls */

/* A call of fn with the arguments its function takes (protocol.h's table). */
static cl_proto_call call_for(int fn, const cl_image *a, const cl_image *k, const cl_weights *w,
                              const float *bias, int nbias)
{
    static const int images[CL_FN_COUNT] = {0, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 2};
    static const int ints[CL_FN_COUNT] = {4, 2, 0, 0, 5, 5, 0, 0, 3, 5, 5, 3, 3, 0};
    cl_proto_call c;
    memset(&c, 0, sizeof c);
    c.fn = fn;
    c.nimages = images[fn];
    c.images[0] = c.nimages > 0 ? a : NULL;
    c.images[1] = c.nimages > 1 ? k : NULL;
    if (fn == CL_FN_CONV2D || fn == CL_FN_CONV2D_TRANSPOSE)
        c.weights = w, c.bias = bias, c.nbias = bias ? nbias : 0;
    c.nints = ints[fn];
    for (int i = 0; i < c.nints; i++) c.ints[i] = (i + 1) * (i % 2 ? -3 : 7);
    c.nfloats = fn == CL_FN_THRESHOLD_BINARY ? 2 : 0;
    c.floats[0] = 90.5f, c.floats[1] = -INFINITY;
    return c;
}

static void expect_same_call(const cl_proto_call *g, const cl_proto_call *c)
{
    cr_expect_eq(g->fn, c->fn, "function");
    cr_assert_eq(g->nimages, c->nimages, "image count");
    for (int i = 0; i < c->nimages; i++) {
        if (!c->images[i]) cr_expect_null(g->images[i], "image %d stays NULL", i);
        else expect_same_image(g->images[i], c->images[i], i ? "image 1" : "image 0");
    }
    if (c->weights) {
        cr_assert_not_null(g->weights, "weights");
        cr_expect(g->weights->kh == c->weights->kh && g->weights->cout == c->weights->cout,
                  "weights sizes");
        size_t n = (size_t)c->weights->kh * c->weights->kw * c->weights->cin * c->weights->cout;
        cr_expect_eq(memcmp(g->weights->data, c->weights->data, n * sizeof(float)), 0, "weights");
    } else {
        cr_expect_null(g->weights, "no weights");
    }
    cr_expect_eq(g->bias == NULL, c->bias == NULL, "bias NULL or not");
    cr_expect_eq(g->nbias, c->nbias, "bias count");
    if (c->bias && c->nbias)
        cr_expect_eq(memcmp(g->bias, c->bias, (size_t)c->nbias * sizeof(float)), 0, "bias");
    cr_assert_eq(g->nints, c->nints, "int count");
    cr_expect_eq(memcmp(g->ints, c->ints, (size_t)c->nints * sizeof(int32_t)), 0, "ints");
    cr_assert_eq(g->nfloats, c->nfloats, "float count");
    cr_expect_eq(memcmp(g->floats, c->floats, (size_t)c->nfloats * sizeof(float)), 0, "floats");
}

Test(protocol, every_function_call_round_trips,
     .description = "the arguments of each of the 14 functions, decoded as sent")
{
    cl_image a = ramp(2, 5, 4, 3, -7.0f), k = ramp(1, 3, 2, 1, 0.25f);
    cl_weights w = {0};
    cr_assert_eq(cl_weights_alloc(&w, 3, 2, 3, 4), CL_OK);
    for (int i = 0; i < 3 * 2 * 3 * 4; i++) w.data[i] = (float)i - 30.0f;
    float bias[4] = {1, -2, NAN, 4};
    cl_proto_buf b = {0};
    for (int fn = 0; fn < CL_FN_COUNT; fn++) {
        cl_proto_call c = call_for(fn, &a, &k, &w, bias, 4), g;
        size_t len;
        cr_assert_eq(cl_proto_encode_call(&b, (uint32_t)fn + 10, &c), CL_OK, "%s", cl_last_error());
        const uint8_t *p = payload_of(&b, CL_PROTO_CALL, (uint32_t)fn + 10, &len);
        cr_assert_eq(cl_proto_decode_call(p, len, &g), CL_OK, "fn %d: %s", fn, cl_last_error());
        cr_expect_eq(cl_proto_call_check(&g), CL_OK, "fn %d: %s", fn, cl_last_error());
        expect_same_call(&g, &c);
        cl_proto_call_free(&g);
    }
    cl_proto_buf_free(&b);
    cl_image_free(&a), cl_image_free(&k), cl_weights_free(&w);
}

Test(protocol, timing_frames_round_trip,
     .description = "PREPARE is a CALL of another kind; GO and DONE carry their fields exactly")
{
    cl_proto_buf b = {0};
    size_t len;
    uint64_t index;
    uint32_t bits;
    int32_t status;
    cr_assert_eq(cl_proto_encode_go(&b, 9, 123456789012ULL, 0x3f800000u), CL_OK);
    const uint8_t *p = payload_of(&b, CL_PROTO_GO, 9, &len);
    cr_assert_eq(cl_proto_decode_go(p, len, &index, &bits), CL_OK, "%s", cl_last_error());
    cr_expect_eq(index, 123456789012ULL);
    cr_expect_eq(bits, 0x3f800000u);
    cr_expect_neq(cl_proto_decode_go(p, len - 1, &index, &bits), CL_OK, "a GO cut short");
    cr_assert_eq(cl_proto_encode_done(&b, 10, CL_E_NOT_IMPLEMENTED), CL_OK);
    p = payload_of(&b, CL_PROTO_DONE, 10, &len);
    cr_assert_eq(cl_proto_decode_done(p, len, &status), CL_OK, "%s", cl_last_error());
    cr_expect_eq(status, CL_E_NOT_IMPLEMENTED);
    uint8_t longer[8] = {0};
    cr_expect_neq(cl_proto_decode_done(longer, sizeof longer, &status), CL_OK, "a DONE too long");

    cl_image img = ramp(1, 4, 5, 1, 1.0f), k = ramp(1, 3, 3, 1, 0.5f);
    cl_proto_call c = {.fn = CL_FN_IM_CONV_FAST, .nimages = 2, .images = {&img, &k}}, back;
    cr_assert_eq(cl_proto_encode_prepare(&b, 11, &c), CL_OK, "%s", cl_last_error());
    p = payload_of(&b, CL_PROTO_PREPARE, 11, &len);
    cr_assert_eq(cl_proto_decode_call(p, len, &back), CL_OK, "%s", cl_last_error());
    cr_expect_eq(back.fn, CL_FN_IM_CONV_FAST);
    cr_expect_eq(back.images[0]->h, 4);
    cr_expect_float_eq(back.images[1]->data[8], 4.5f, 0);
    cl_proto_call_free(&back);
    cl_image_free(&img), cl_image_free(&k);
    cl_proto_buf_free(&b);
}

Test(protocol, null_and_empty_arguments_round_trip,
     .description = "a NULL image, an image without data, a NULL bias, NULL weights")
{
    cl_image a = ramp(1, 2, 3, 1, 1.0f), empty = {0, -3, 7, 1, NULL, NULL};
    float bias0 = 0;
    cl_proto_buf b = {0};
    size_t len;
    cl_proto_call c = call_for(CL_FN_IM_CONV, NULL, &empty, NULL, NULL, 0), g;
    cr_assert_eq(cl_proto_encode_call(&b, 1, &c), CL_OK, "%s", cl_last_error());
    const uint8_t *p = payload_of(&b, CL_PROTO_CALL, 1, &len);
    cr_assert_eq(cl_proto_decode_call(p, len, &g), CL_OK, "%s", cl_last_error());
    expect_same_call(&g, &c);
    cl_proto_call_free(&g);
    c = call_for(CL_FN_CONV2D, &a, NULL, NULL, &bias0, 0); /* no weights, a bias of 0 values */
    c.bias = &bias0;
    cr_assert_eq(cl_proto_encode_call(&b, 2, &c), CL_OK, "%s", cl_last_error());
    p = payload_of(&b, CL_PROTO_CALL, 2, &len);
    cr_assert_eq(cl_proto_decode_call(p, len, &g), CL_OK, "%s", cl_last_error());
    cr_expect_not_null(g.bias, "an empty bias is not NULL");
    expect_same_call(&g, &c);
    cl_proto_call_free(&g);
    cl_proto_buf_free(&b);
    cl_image_free(&a);
}

Test(protocol, call_check_wants_the_function_arguments,
     .description = "a call with the wrong number of images, ints or floats is refused")
{
    cl_image a = ramp(1, 2, 2, 1, 0);
    cl_proto_call c = call_for(CL_FN_PAD_IMAGE, &a, NULL, NULL, NULL, 0);
    cr_expect_eq(cl_proto_call_check(&c), CL_OK);
    c.nints = 4;
    cr_expect_eq(cl_proto_call_check(&c), CL_E_FORMAT, "pad_image takes 5 ints");
    c = call_for(CL_FN_IM_CONV, &a, &a, NULL, NULL, 0);
    c.nimages = 1;
    cr_expect_eq(cl_proto_call_check(&c), CL_E_FORMAT, "im_conv takes 2 images");
    c.fn = CL_FN_COUNT;
    cr_expect_eq(cl_proto_call_check(&c), CL_E_FORMAT, "unknown function");
    cl_image_free(&a);
}

Test(protocol, truncated_and_padded_calls_are_rejected,
     .description = "every cut of a CALL payload, and one byte too many: CL_E_FORMAT")
{
    cl_image a = ramp(1, 3, 4, 2, 0), k = ramp(1, 2, 2, 1, 5);
    cl_weights w = {0};
    cr_assert_eq(cl_weights_alloc(&w, 2, 2, 2, 3), CL_OK);
    float bias[3] = {1, 2, 3};
    cl_proto_buf b = {0};
    size_t len;
    cl_proto_call c = call_for(CL_FN_CONV2D, &a, &k, &w, bias, 3), g;
    cr_assert_eq(cl_proto_encode_call(&b, 3, &c), CL_OK);
    const uint8_t *p = payload_of(&b, CL_PROTO_CALL, 3, &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees any overread */
        memcpy(copy, p, cut);
        cr_expect_eq(cl_proto_decode_call(copy, cut, &g), CL_E_FORMAT, "cut at %zu of %zu", cut,
                     len);
        cl_proto_call_free(&g);
        free(copy);
    }
    uint8_t *more = malloc(len + 1);
    memcpy(more, p, len);
    more[len] = 0;
    cr_expect_eq(cl_proto_decode_call(more, len + 1, &g), CL_E_FORMAT, "a byte left over");
    cr_expect(strstr(cl_last_error(), "left over") != NULL, "says so: %s", cl_last_error());
    cl_proto_call_free(&g);
    free(more);
    cl_proto_buf_free(&b);
    cl_image_free(&a), cl_image_free(&k), cl_weights_free(&w);
}

/* A CALL payload written field by field. */
typedef struct raw {
    uint8_t b[256];
    size_t n;
} raw;

static void raw_le(raw *r, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) r->b[r->n++] = (uint8_t)(v >> (8 * i));
}

/* fn, one image of kind DATA with the given sizes and `values` floats, no
 * weights, no bias, no ints, no floats. */
static raw raw_call(uint32_t fn, int32_t n, int32_t h, int32_t w, int32_t c, int values)
{
    raw r = {{0}, 0};
    raw_le(&r, fn, 4);
    raw_le(&r, 1, 1);
    raw_le(&r, CL_PROTO_ARG_DATA, 1);
    int32_t d[4] = {n, h, w, c};
    for (int i = 0; i < 4; i++) raw_le(&r, (uint32_t)d[i], 4);
    for (int i = 0; i < values; i++) raw_le(&r, 0x3f800000u, 4);
    raw_le(&r, CL_PROTO_ARG_NULL, 1);
    raw_le(&r, 0xFFFFFFFFu, 4); /* bias -1: NULL */
    raw_le(&r, 0, 1);
    raw_le(&r, 0, 1);
    return r;
}

Test(protocol, absurd_sizes_are_rejected_before_allocating,
     .description = "sizes < 1, > CL_MAX_DIM, a product over CL_MAX_ELEMS, more values than bytes")
{
    cl_proto_call g;
    raw ok = raw_call(CL_FN_FLIP_KERNEL, 1, 2, 2, 1, 4);
    cr_expect_eq(cl_proto_decode_call(ok.b, ok.n, &g), CL_OK, "the well-formed one decodes: %s",
                 cl_last_error());
    cl_proto_call_free(&g);
    struct {
        raw r;
        const char *what;
    } t[] = {
        {raw_call(CL_FN_FLIP_KERNEL, 1, 0, 2, 1, 0), "a size of 0"},
        {raw_call(CL_FN_FLIP_KERNEL, 1, -2, 2, 1, 0), "a negative size"},
        {raw_call(CL_FN_FLIP_KERNEL, 1, CL_MAX_DIM + 1, 1, 1, 0), "a size over CL_MAX_DIM"},
        {raw_call(CL_FN_FLIP_KERNEL, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 0),
         "a product that overflows 64 bits"},
        {raw_call(CL_FN_FLIP_KERNEL, 1, 1 << 15, 1 << 14, 1, 0), "2^29 values claimed"},
        {raw_call(CL_FN_FLIP_KERNEL, 1, 1000, 1000, 1, 8), "a million values, 8 sent"},
        {raw_call(99, 1, 2, 2, 1, 4), "function 99"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cr_expect_eq(cl_proto_decode_call(t[i].r.b, t[i].r.n, &g), CL_E_FORMAT, "%s", t[i].what);
        cr_expect(cl_last_error()[0] != '\0', "%s: a message", t[i].what);
        cl_proto_call_free(&g);
    }
    raw r = raw_call(CL_FN_FLIP_KERNEL, 1, 2, 2, 1, 4);
    r.b[4] = 3; /* three images */
    cr_expect_eq(cl_proto_decode_call(r.b, r.n, &g), CL_E_FORMAT, "more than 2 images");
    cl_proto_call_free(&g);
    r = raw_call(CL_FN_FLIP_KERNEL, 1, 2, 2, 1, 4);
    r.b[5] = 7; /* image kind 7 */
    cr_expect_eq(cl_proto_decode_call(r.b, r.n, &g), CL_E_FORMAT, "unknown image kind");
    cl_proto_call_free(&g);
    r = raw_call(CL_FN_FLIP_KERNEL, 1, 2, 2, 1, 4);
    r.n -= 6; /* drop bias, ints, floats and re-add a huge bias count */
    raw_le(&r, 0x7FFFFFFFu, 4);
    cr_expect_eq(cl_proto_decode_call(r.b, r.n, &g), CL_E_FORMAT, "a bias of 2^31 values");
    cl_proto_call_free(&g);
}

Test(protocol, encoding_refuses_data_with_impossible_sizes,
     .description = "an image with data but a size of 0 cannot be sent")
{
    float v[4] = {0};
    cl_image bad = {1, 0, 2, 2, v, NULL};
    cl_proto_buf b = {0};
    cl_proto_call c = call_for(CL_FN_FLIP_KERNEL, &bad, NULL, NULL, NULL, 0);
    cr_expect_eq(cl_proto_encode_call(&b, 1, &c), CL_E_ARG, "%s", cl_last_error());
    c.nimages = 3;
    cr_expect_eq(cl_proto_encode_call(&b, 1, &c), CL_E_ARG, "three images");
    cl_proto_buf_free(&b);
}

/* ------------------------------------------------------------------ replies */

static void round_trip_reply(const cl_proto_reply *r, cl_proto_reply *g, cl_proto_buf *b)
{
    size_t len;
    cr_assert_eq(cl_proto_encode_reply(b, 9, r), CL_OK, "%s", cl_last_error());
    const uint8_t *p = payload_of(b, CL_PROTO_REPLY, 9, &len);
    cr_assert_eq(cl_proto_decode_reply(p, len, g), CL_OK, "%s", cl_last_error());
    cr_expect_eq(g->status, r->status);
    cr_expect_eq(g->flags, r->flags);
    cr_expect_str_eq(g->error, r->error);
    cr_assert_eq(g->nmods, r->nmods);
    for (int i = 0; i < r->nmods; i++)
        cr_expect(g->mods[i].slot == r->mods[i].slot && g->mods[i].index == r->mods[i].index &&
                      g->mods[i].bits == r->mods[i].bits,
                  "modification %d", i);
    cr_expect_eq(g->out_kind, r->out_kind);
}

Test(protocol, every_reply_kind_round_trips,
     .description = "no output, an image, a shape only, bytes; flags, changes, the message")
{
    static cl_proto_reply r, g;
    cl_proto_buf b = {0};
    float v[6] = {1, -2, 3.5f, NAN, INFINITY, 0};
    uint8_t bytes[5] = {0, 1, 127, 254, 255};
    memset(&r, 0, sizeof r);
    r.status = CL_E_SHAPE;
    snprintf(r.error, sizeof r.error, "kernel (7x7) is larger than the image (5x5) \"quoted\"");
    round_trip_reply(&r, &g, &b);
    r.status = CL_OK, r.flags = CL_PROTO_F_OUT_OF_BOUNDS, r.nmods = 2;
    r.mods[0] = (cl_proto_mod){CL_PROTO_SLOT_IMAGE0, 123456789012ull, 0x7fc00001u};
    r.mods[1] = (cl_proto_mod){CL_PROTO_SLOT_BIAS, 2, 0x3f800000u};
    r.out_kind = CL_PROTO_OUT_IMAGE, r.n = 1, r.h = 2, r.w = 3, r.c = 1, r.floats = v;
    round_trip_reply(&r, &g, &b);
    cr_expect(g.n == 1 && g.h == 2 && g.w == 3 && g.c == 1 && g.count == 6, "image sizes");
    float back[6];
    cl_proto_read_floats(back, g.out_data, 6);
    cr_expect_eq(memcmp(back, v, sizeof v), 0, "image values, NaN bits included");
    r.out_kind = CL_PROTO_OUT_SHAPE, r.flags = CL_PROTO_F_TOO_BIG, r.n = 1 << 20;
    round_trip_reply(&r, &g, &b);
    cr_expect_eq(g.n, 1 << 20, "a shape may be anything: only its sizes travel");
    r.out_kind = CL_PROTO_OUT_BYTES, r.count = 5, r.bytes = bytes, r.nmods = 0;
    round_trip_reply(&r, &g, &b);
    cr_expect(g.count == 5 && memcmp(g.out_data, bytes, 5) == 0, "bytes");
    cl_proto_buf_free(&b);
}

Test(protocol, a_long_error_message_is_cut_when_sent,
     .description = "the worker's message travels with at most CL_PROTO_MAX_ERROR bytes")
{
    static cl_proto_reply r, g;
    cl_proto_buf b = {0};
    memset(&r, 0, sizeof r);
    memset(r.error, 'e', CL_PROTO_MAX_ERROR);
    r.status = CL_E_ARG;
    round_trip_reply(&r, &g, &b);
    cr_expect_eq(strlen(g.error), (size_t)CL_PROTO_MAX_ERROR);
    cl_proto_buf_free(&b);
}

Test(protocol, truncated_and_corrupt_replies_are_rejected,
     .description = "every cut, a byte too many, bad counts, kinds and slots: CL_E_FORMAT")
{
    static cl_proto_reply r, g;
    cl_proto_buf b = {0};
    float v[4] = {1, 2, 3, 4};
    size_t len;
    memset(&r, 0, sizeof r);
    r.status = 3, r.nmods = 1, r.mods[0] = (cl_proto_mod){CL_PROTO_SLOT_IMAGE1, 1, 0};
    snprintf(r.error, sizeof r.error, "hello");
    r.out_kind = CL_PROTO_OUT_IMAGE, r.n = r.h = r.c = 1, r.w = 4, r.floats = v;
    cr_assert_eq(cl_proto_encode_reply(&b, 1, &r), CL_OK);
    const uint8_t *p = payload_of(&b, CL_PROTO_REPLY, 1, &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, p, cut);
        cr_expect_eq(cl_proto_decode_reply(copy, cut, &g), CL_E_FORMAT, "cut at %zu", cut);
        free(copy);
    }
    uint8_t buf[256];
    memcpy(buf, p, len);
    /* layout: status 4, flags 4, error len 4 + 5, nmods 1, slot 1, index 8, bits 4, kind 1 */
    const size_t at_err = 8, at_nmods = 17, at_slot = 18, at_kind = 31;
    struct {
        size_t at;
        uint8_t value;
        const char *what;
    } t[] = {
        {at_err + 1, 0x10, "an error message of 4101 bytes"},
        {at_nmods, 5, "5 modifications"},
        {at_slot, 4, "slot 4"},
        {at_kind, 4, "output kind 4"},
        {at_kind + 1, 0, "an image of size 0"},
        {at_kind + 5, 2, "an image of 8 values, 4 sent"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint8_t save = buf[t[i].at];
        buf[t[i].at] = t[i].value;
        cr_expect_eq(cl_proto_decode_reply(buf, len, &g), CL_E_FORMAT, "%s", t[i].what);
        buf[t[i].at] = save;
    }
    cr_expect_eq(cl_proto_decode_reply(buf, len, &g), CL_OK, "restored");
    buf[len] = 0;
    cr_expect_eq(cl_proto_decode_reply(buf, len + 1, &g), CL_E_FORMAT, "a byte left over");
    cl_proto_buf_free(&b);
}

Test(protocol, random_corruption_never_crashes,
     .description = "2000 random corruptions of a CALL and a REPLY: decoded or refused, no crash")
{
    static cl_proto_reply r, g;
    cl_image a = ramp(1, 4, 3, 2, 1), k = ramp(1, 2, 2, 1, 0);
    cl_proto_buf bc = {0}, br = {0};
    size_t lc, lr;
    cl_proto_call c = call_for(CL_FN_IM_CONV_OPTS, &a, &k, NULL, NULL, 0), gc;
    cr_assert_eq(cl_proto_encode_call(&bc, 1, &c), CL_OK);
    memset(&r, 0, sizeof r);
    r.out_kind = CL_PROTO_OUT_BYTES, r.count = 24, r.bytes = bc.data, r.nmods = 1;
    cr_assert_eq(cl_proto_encode_reply(&br, 1, &r), CL_OK);
    const uint8_t *pc = payload_of(&bc, CL_PROTO_CALL, 1, &lc);
    const uint8_t *pr = payload_of(&br, CL_PROTO_REPLY, 1, &lr);
    cl_rng rng;
    cl_rng_seed(&rng, 20240611);
    for (int i = 0; i < 2000; i++) {
        int reply = i % 2;
        size_t len = reply ? lr : lc;
        uint8_t *m = malloc(len);
        memcpy(m, reply ? pr : pc, len);
        for (int flips = cl_rng_int(&rng, 1, 4); flips > 0; flips--)
            m[cl_rng_int(&rng, 0, (int)len - 1)] = (uint8_t)cl_rng_int(&rng, 0, 255);
        size_t cut = (size_t)cl_rng_int(&rng, 0, (int)len);
        int st = reply ? cl_proto_decode_reply(m, cut, &g) : cl_proto_decode_call(m, cut, &gc);
        cr_expect(st == CL_OK || st == CL_E_FORMAT || st == CL_E_NOMEM || st == CL_E_TOOBIG,
                  "status %d", st);
        if (!reply) cl_proto_call_free(&gc);
        free(m);
    }
    cl_proto_buf_free(&bc), cl_proto_buf_free(&br);
    cl_image_free(&a), cl_image_free(&k);
}
