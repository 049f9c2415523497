/* protocol.h -- the worker protocol: how the trusted grader (harness/drivers/
 * remote.c, in the judge) and the untrusted worker (harness/drivers/worker.c,
 * linked with the student's code) talk over pipes (floor 3).
 *
 * The worker computes and nothing else (SPEC §6): it receives a function name
 * and its arguments, calls the student's function, and sends back what came
 * out. Expected outputs, comparison and timing stay on the trusted side, which
 * parses what the untrusted side sends: every decoder here checks every
 * length and every count against the bytes it has, and fails with a status
 * (never a crash, never a read past the buffer).
 *
 * FRAMES
 *   Every message is a frame: a 16-byte header, then `length` payload bytes.
 *   All integers little-endian, floats IEEE-754 binary32 little-endian.
 *
 *     offset size  field
 *      0     4     magic    0x50574C43, the bytes "CLWP"
 *      4     2     version  CL_PROTO_VERSION (1)
 *      6     2     kind     HELLO 1, HELLO_REPLY 2, CALL 3, REPLY 4, QUIT 5,
 *                           PREPARE 6, READY 7, GO 8, DONE 9, FETCH 10 (timing)
 *      8     4     seq      request number; a reply repeats its request's
 *     12     4     length   payload bytes, <= CL_PROTO_MAX_FRAME (512 MiB)
 *
 *   A header with another magic, version or kind, or a length over the limit
 *   (or over the smaller limit the reader passes), is rejected: CL_E_FORMAT,
 *   CL_E_TOOBIG for the length. A payload must be consumed exactly: bytes
 *   missing or left over are CL_E_FORMAT.
 *
 * PAYLOADS (u8/u32/i32/u64 integers, f32 floats, "str" = u32 length + bytes)
 *   HELLO        empty; the trusted side asks who is there.
 *   HELLO_REPLY  u32 functions: bit (1 << cl_fn) for every student function
 *                the worker has (a worker links only some parts); str the
 *                library version (CL_VERSION).
 *   QUIT         empty; the worker exits 0 without replying.
 *   TIMING (the trusted side times the student's function, judge_perf.c):
 *   PREPARE      a CALL payload: the worker decodes and keeps it, replies READY
 *                (empty); a call it cannot decode gets a REPLY with BAD_CALL.
 *   GO           u64 index, u32 bits: the worker sets value `index` of the
 *                prepared call's first image to `bits` (no change for
 *                CL_PROTO_GO_NO_CHANGE), runs the call, keeps its output and
 *                replies DONE: i32 status. The trusted side times GO to DONE:
 *                the computation alone, no transfer. The changed value makes
 *                every timed call's input new to the student's code.
 *   FETCH        empty: the worker replies with the REPLY of the last GO (its
 *                output, flags, error), which the trusted side checks.
 *   CALL         u32 fn (a cl_fn of cases.h), then the arguments:
 *                  u8 nimages (<= 2), each an IMAGE
 *                  WEIGHTS
 *                  i32 nbias: -1 for a NULL bias, else that many f32
 *                  u8 nints (<= 8), that many i32
 *                  u8 nfloats (<= 4), that many f32
 *                IMAGE   = u8 kind (0 a NULL pointer, 1 an image with data,
 *                          2 a struct without data: data == NULL), then for
 *                          kinds 1 and 2: i32 n, h, w, c; kind 1 is followed
 *                          by n*h*w*c f32 (each size 1..CL_MAX_DIM, the
 *                          product <= CL_MAX_ELEMS)
 *                WEIGHTS = the same with kh, kw, cin, cout
 *   REPLY        i32 status (what the function returned; conv_output_size's
 *                      size is its return value)
 *                u32 flags (CL_PROTO_F_*)
 *                str error: cl_last_error() after the call (<= 1024 bytes)
 *                u8 nmods (<= 4), each: u8 slot (CL_PROTO_SLOT_*), u64 index
 *                      of the first value that changed, u32 its new bits
 *                u8 out kind: 0 none (out not allocated), 1 IMAGE (i32 n, h,
 *                      w, c, then the f32 values), 2 SHAPE (i32 n, h, w, c
 *                      only: the output exists but is not sent, because its
 *                      guard bands were broken, or it is too big to send:
 *                      flag TOO_BIG), 3 BYTES (u64 count, then the bytes:
 *                      to_uint8)
 *
 * THE ARGUMENTS OF EACH FUNCTION (images / weights / bias / ints / floats)
 *   conv_output_size  -            ints in, k, stride, mode
 *   get_subimages     img          ints kh, kw
 *   im_conv, im_conv_fast  img, kernel
 *   flip_kernel       kernel
 *   pad_image         img          ints top, bottom, left, right, border
 *   im_conv_opts      img, kernel  ints mode, border, sy, sx, has_opts (0: a
 *                                  NULL opts pointer)
 *   threshold_binary  img          floats thresh, maxval
 *   to_uint8          img          (the reply carries BYTES)
 *   conv2d, conv2d_transpose  in, weights, bias, ints sy, sx, padding
 *   max_pool2d, avg_pool2d    in   ints ph, pw, sy, sx, padding
 *   upsample          in           ints fy, fx, interp
 *   cl_proto_call_check says whether a decoded call has what its function
 *   needs.
 *
 * OWNERSHIP
 *   Encoders append to a cl_proto_buf (cl_proto_buf_free releases it).
 *   cl_proto_decode_call allocates the images and weights of a decoded call
 *   with cl_image_alloc/cl_weights_alloc (so a student sees ordinary guarded
 *   images) and cl_proto_call_free releases them. cl_proto_decode_reply
 *   does not copy: the reply's out_data points into the payload, which must
 *   outlive it. Functions return CL_OK or a negative cl_status with a message
 *   (cl_last_error) that names the field at fault.
 */
#ifndef CONVLAB_PROTOCOL_H
#define CONVLAB_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "convlab.h"

#define CL_PROTO_MAGIC 0x50574C43u /* "CLWP" in the stream */
#define CL_PROTO_VERSION 1
#define CL_PROTO_HEADER_BYTES 16
#define CL_PROTO_MAX_FRAME ((size_t)512 << 20)
#define CL_PROTO_MAX_IMAGES 2
#define CL_PROTO_MAX_INTS 8
#define CL_PROTO_MAX_FLOATS 4
#define CL_PROTO_MAX_MODS 4
#define CL_PROTO_MAX_ERROR 1024

typedef enum cl_proto_kind {
    CL_PROTO_HELLO = 1,
    CL_PROTO_HELLO_REPLY = 2,
    CL_PROTO_CALL = 3,
    CL_PROTO_REPLY = 4,
    CL_PROTO_QUIT = 5,
    CL_PROTO_PREPARE = 6, /* timing: a CALL payload, kept; not run */
    CL_PROTO_READY = 7,   /* empty: the prepared call is decoded */
    CL_PROTO_GO = 8,      /* u64 index, u32 bits: change one input value, run the call */
    CL_PROTO_DONE = 9,    /* i32 status of the call GO ran */
    CL_PROTO_FETCH = 10   /* empty: send the output of the last GO as a REPLY */
} cl_proto_kind;

/* GO's index when no input value is to change. */
#define CL_PROTO_GO_NO_CHANGE UINT64_MAX



/* REPLY flags: what the worker observed. */
#define CL_PROTO_F_OUT_OF_BOUNDS 0x1u /* wrote outside its output (guards) */
#define CL_PROTO_F_NOT_BUILT 0x2u     /* the worker does not have this function */
#define CL_PROTO_F_TOO_BIG 0x4u       /* the output is over CL_PROTO_MAX_FRAME: only
                                         its SHAPE is sent */
#define CL_PROTO_F_BAD_CALL 0x8u      /* the worker could not decode the call (a kit
                                         bug): error says why; nothing was called */

/* REPLY modification slots: which input changed. */
typedef enum cl_proto_slot {
    CL_PROTO_SLOT_IMAGE0 = 0, /* images[0] (img, in, or flip_kernel's kernel) */
    CL_PROTO_SLOT_IMAGE1 = 1, /* images[1] (the kernel of the correlations) */
    CL_PROTO_SLOT_WEIGHTS = 2,
    CL_PROTO_SLOT_BIAS = 3
} cl_proto_slot;

/* REPLY output kinds. */
typedef enum cl_proto_out {
    CL_PROTO_OUT_NONE = 0,
    CL_PROTO_OUT_IMAGE = 1,
    CL_PROTO_OUT_SHAPE = 2,
    CL_PROTO_OUT_BYTES = 3
} cl_proto_out;

/* IMAGE/WEIGHTS kinds. */
typedef enum cl_proto_arg {
    CL_PROTO_ARG_NULL = 0,
    CL_PROTO_ARG_DATA = 1,
    CL_PROTO_ARG_EMPTY = 2
} cl_proto_arg;

/* ----------------------------------------------------------------- buffer */

typedef struct cl_proto_buf {
    uint8_t *data;
    size_t len, cap;
    int failed; /* an allocation failed or the frame grew over the limit */
} cl_proto_buf;

void cl_proto_buf_free(cl_proto_buf *b);

/* ----------------------------------------------------------------- header */

typedef struct cl_proto_header {
    uint32_t magic;
    uint16_t version, kind;
    uint32_t seq;
    uint32_t length;
} cl_proto_header;

/* Writes the 16 header bytes. */
void cl_proto_header_pack(const cl_proto_header *h, uint8_t out[CL_PROTO_HEADER_BYTES]);

/* Reads and validates 16 header bytes: magic, version, a known kind, and
 * length <= max_length (which is itself capped at CL_PROTO_MAX_FRAME).
 * h is filled even when the header is rejected, so that a caller can say
 * how long the frame claimed to be. */
int cl_proto_header_parse(const uint8_t in[CL_PROTO_HEADER_BYTES], size_t max_length,
                          cl_proto_header *h);

/* Starts a frame in b (header with length 0, patched by cl_proto_finish). */
void cl_proto_begin(cl_proto_buf *b, cl_proto_kind kind, uint32_t seq);

/* Patches the length. Returns CL_OK, CL_E_NOMEM, or CL_E_TOOBIG when the
 * payload is over CL_PROTO_MAX_FRAME. */
int cl_proto_finish(cl_proto_buf *b);

/* ------------------------------------------------------------------ hello */

typedef struct cl_proto_hello {
    uint32_t functions; /* bit (1 << cl_fn) per function the worker has */
    char version[32];
} cl_proto_hello;

int cl_proto_encode_hello_reply(cl_proto_buf *b, uint32_t seq, const cl_proto_hello *h);
int cl_proto_decode_hello_reply(const uint8_t *payload, size_t len, cl_proto_hello *h);

/* An empty frame: HELLO or QUIT. */
int cl_proto_encode_empty(cl_proto_buf *b, cl_proto_kind kind, uint32_t seq);

/* ------------------------------------------------------------------- call */

typedef struct cl_proto_call {
    int fn; /* a cl_fn */
    int nimages;
    const cl_image *images[CL_PROTO_MAX_IMAGES]; /* NULL: a NULL argument */
    const cl_weights *weights;                   /* NULL: a NULL argument (or none) */
    const float *bias;                           /* NULL: a NULL bias */
    int nbias;
    int nints;
    int32_t ints[CL_PROTO_MAX_INTS];
    int nfloats;
    float floats[CL_PROTO_MAX_FLOATS];
    /* storage of a decoded call (the pointers above point here) */
    cl_image image_store[CL_PROTO_MAX_IMAGES];
    cl_weights weights_store;
    float *bias_store;
} cl_proto_call;

int cl_proto_encode_call(cl_proto_buf *b, uint32_t seq, const cl_proto_call *c);

/* Decodes a CALL payload into c (zeroed first; free with cl_proto_call_free
 * also on error). */
int cl_proto_decode_call(const uint8_t *payload, size_t len, cl_proto_call *c);
void cl_proto_call_free(cl_proto_call *c);

/* CL_OK when c carries what its function needs (see the table above):
 * the number of images, ints and floats, weights for the layers. */
int cl_proto_call_check(const cl_proto_call *c);

/* ------------------------------------------------------------------ reply */

typedef struct cl_proto_mod {
    int slot;       /* cl_proto_slot */
    uint64_t index; /* the first value that changed */
    uint32_t bits;  /* its new bits */
} cl_proto_mod;

typedef struct cl_proto_reply {
    int32_t status;
    uint32_t flags;
    char error[CL_PROTO_MAX_ERROR + 1];
    int nmods;
    cl_proto_mod mods[CL_PROTO_MAX_MODS];
    int out_kind;           /* cl_proto_out */
    int n, h, w, c;         /* IMAGE and SHAPE */
    size_t count;           /* IMAGE: n*h*w*c values; BYTES: the bytes */
    const uint8_t *out_data; /* IMAGE: count f32 (little-endian, unaligned);
                                BYTES: count bytes; points into the payload */
    const float *floats;     /* encoding only: the values of IMAGE */
    const uint8_t *bytes;    /* encoding only: the bytes of BYTES */
} cl_proto_reply;

/* ----------------------------------------------------------------- timing */

/* GO: the index of the value of the prepared call's first image to set to
 * bits before the call (CL_PROTO_GO_NO_CHANGE: none). */
int cl_proto_encode_go(cl_proto_buf *b, uint32_t seq, uint64_t index, uint32_t bits);
int cl_proto_decode_go(const uint8_t *payload, size_t len, uint64_t *index, uint32_t *bits);

/* DONE: the status the student's function returned. */
int cl_proto_encode_done(cl_proto_buf *b, uint32_t seq, int32_t status);
int cl_proto_decode_done(const uint8_t *payload, size_t len, int32_t *status);

/* PREPARE: the frame of cl_proto_encode_call, with kind PREPARE. */
int cl_proto_encode_prepare(cl_proto_buf *b, uint32_t seq, const cl_proto_call *c);

int cl_proto_encode_reply(cl_proto_buf *b, uint32_t seq, const cl_proto_reply *r);
int cl_proto_decode_reply(const uint8_t *payload, size_t len, cl_proto_reply *r);

/* Copies n little-endian f32 from src (any alignment) into dst. */
void cl_proto_read_floats(float *dst, const uint8_t *src, size_t n);

/* The name of a frame kind ("CALL"), for messages. */
const char *cl_proto_kind_name(int kind);

#endif /* CONVLAB_PROTOCOL_H */
