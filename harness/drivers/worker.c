/* worker.c -- the grader's worker: the only program that runs student code
 * (SPEC §6, the trust boundary).
 *
 * It computes and nothing else. It links the student's part files, the core
 * library (libconvlab_core.a) and the protocol (protocol.c) -- never the
 * reference, never the expected outputs -- and reads no file: every request
 * comes on its standard input and every answer leaves on its standard output,
 * as frames of protocol.h. It runs sandboxed with no view of the kit.
 *
 *   worker            (no arguments)
 *
 * STREAMS. At start the protocol's two pipes are moved to private
 * descriptors (close-on-exec); descriptor 1 then points at descriptor 2, so
 * whatever the student prints (printf, puts, write(1, ...)) goes to standard
 * error, which the trusted side drains and caps; descriptor 0 reads an empty
 * pipe, so student code cannot swallow a request.
 *
 * THE STUDENT'S FUNCTIONS are declared weak: one source links any subset of
 * the parts, and a function whose part was not linked is NULL. HELLO answers
 * with the set that is there; a CALL of a missing one answers NOT_BUILT.
 *
 * A CALL: decode the arguments into ordinary guarded images (cl_image_alloc),
 * keep a copy of every input, call the function, then report its return
 * value and cl_last_error(), the first changed value of each input that it
 * modified, whether it wrote outside its output (the guard bands of the
 * output image, or 64 guard bytes on each side of to_uint8's buffer), and
 * the output itself (none when not allocated; only its shape when its guards
 * are broken or it is too big to send).
 *
 * TIMING (PREPARE, GO, FETCH): the trusted side sends a call once (PREPARE);
 * each GO changes one value of its first image, runs it and answers only
 * the status (DONE), so that GO to DONE is the computation alone; FETCH sends
 * the output of the last GO like the REPLY of a CALL. Inputs are not
 * snapshot during timing (a copy would be timed too): the check of the
 * inputs is made by ordinary CALLs. Each PREPARE shifts the heap by another
 * amount first, so that the judge can time several layouts of the buffers.
 *
 * Exit status: 0 after QUIT or when the trusted side closes the pipe; 3 on a
 * protocol error (a message on standard error). Student code may of course
 * end the process any other way: the trusted side reports that.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assignment.h"
#include "cases.h"
#include "impl.h"
#include "protocol.h"

/* Every student function, weak: NULL when its part is not linked. */
#define CL_WEAK(f) extern __typeof__(f) f __attribute__((weak));
CL_STUDENT_FUNCTIONS(CL_WEAK)
#undef CL_WEAK

#define U8_GUARD 64
#define U8_GUARD_BYTE 0xA5

static int proto_in = -1, proto_out = -1;

/* ------------------------------------------------------------ descriptors */

/* Moves the protocol off descriptors 0 and 1 (see STREAMS above). */
static int setup_streams(void)
{
    int empty[2];
    proto_in = fcntl(0, F_DUPFD_CLOEXEC, 3);
    proto_out = fcntl(1, F_DUPFD_CLOEXEC, 3);
    if (proto_in < 0 || proto_out < 0) return -1;
    if (dup2(2, 1) < 0) return -1;
    if (pipe(empty) == 0) {
        close(empty[1]);
        if (dup2(empty[0], 0) < 0) return -1;
        close(empty[0]);
    } else {
        close(0);
    }
    return 0;
}

/* Reads exactly n bytes; 1 when done, 0 at end of file before any byte, -1
 * on an error or a short read. */
static int read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return r == 0 && got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

static int write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        done += (size_t)w;
    }
    return 0;
}

/* ------------------------------------------------------------- functions */

/* The table of what was linked, in cl_fn order (impl.h's list). */
static const cl_impl student = {
    .name = "student",
#define CL_ENTRY(f) .f = f,
    CL_STUDENT_FUNCTIONS(CL_ENTRY)
#undef CL_ENTRY
};

static int has_function(int fn)
{
    const void *fns[] = {
#define CL_ADDR(f) (const void *)student.f,
        CL_STUDENT_FUNCTIONS(CL_ADDR)
#undef CL_ADDR
    };
    _Static_assert(sizeof fns / sizeof fns[0] == CL_FN_COUNT, "impl.h and cases.h agree");
    return fn >= 0 && fn < CL_FN_COUNT && fns[fn] != NULL;
}

static uint32_t function_mask(void)
{
    uint32_t m = 0;
    for (int f = 0; f < CL_FN_COUNT; f++)
        if (has_function(f)) m |= 1u << f;
    return m;
}

/* -------------------------------------------------------------- snapshots */

/* The inputs of a call and their copies, for "modified its input". */
typedef struct inputs {
    const float *live[4];
    float *copy[4];
    size_t count[4];
} inputs;

static size_t image_count(const cl_image *im)
{
    return im && im->data ? cl_image_count(im) : 0;
}

static int snapshot(const cl_proto_call *c, inputs *s)
{
    memset(s, 0, sizeof *s);
    const cl_weights *w = c->weights;
    s->live[CL_PROTO_SLOT_IMAGE0] = c->images[0] ? c->images[0]->data : NULL;
    s->count[CL_PROTO_SLOT_IMAGE0] = image_count(c->images[0]);
    s->live[CL_PROTO_SLOT_IMAGE1] = c->images[1] ? c->images[1]->data : NULL;
    s->count[CL_PROTO_SLOT_IMAGE1] = image_count(c->images[1]);
    s->live[CL_PROTO_SLOT_WEIGHTS] = w ? w->data : NULL;
    s->count[CL_PROTO_SLOT_WEIGHTS] = w && w->data ? (size_t)w->kh * w->kw * w->cin * w->cout : 0;
    s->live[CL_PROTO_SLOT_BIAS] = c->bias;
    s->count[CL_PROTO_SLOT_BIAS] = c->bias ? (size_t)c->nbias : 0;
    for (int i = 0; i < 4; i++) {
        if (!s->live[i] || !s->count[i]) continue;
        s->copy[i] = malloc(s->count[i] * sizeof(float));
        if (!s->copy[i]) return -1;
        memcpy(s->copy[i], s->live[i], s->count[i] * sizeof(float));
    }
    return 0;
}

/* Records in r the first changed value of every modified input; frees s. */
static void compare_snapshot(inputs *s, cl_proto_reply *r)
{
    for (int i = 0; i < 4; i++) {
        for (size_t k = 0; s->copy[i] && k < s->count[i]; k++) {
            if (memcmp(&s->live[i][k], &s->copy[i][k], sizeof(float)) == 0) continue;
            cl_proto_mod *m = &r->mods[r->nmods++];
            m->slot = i, m->index = k;
            memcpy(&m->bits, &s->live[i][k], sizeof m->bits);
            break;
        }
        free(s->copy[i]);
    }
}

/* ------------------------------------------------------------------ calls */

/* Calls the image-producing function of c into out; returns its status. */
static int call_image_fn(const cl_proto_call *c, cl_image *out)
{
    const cl_image *a = c->images[0], *b = c->images[1];
    const int32_t *i = c->ints;
    const float *f = c->floats;
    cl_conv_opts opts = {(cl_mode)i[0], (cl_border)i[1], i[2], i[3]};
    switch (c->fn) {
    case CL_FN_GET_SUBIMAGES: return student.get_subimages(a, i[0], i[1], out);
    case CL_FN_IM_CONV: return student.im_conv(a, b, out);
    case CL_FN_IM_CONV_FAST: return student.im_conv_fast(a, b, out);
    case CL_FN_FLIP_KERNEL: return student.flip_kernel(a, out);
    case CL_FN_PAD_IMAGE:
        return student.pad_image(a, i[0], i[1], i[2], i[3], (cl_border)i[4], out);
    case CL_FN_IM_CONV_OPTS: return student.im_conv_opts(a, b, i[4] ? &opts : NULL, out);
    case CL_FN_THRESHOLD_BINARY: return student.threshold_binary(a, f[0], f[1], out);
    case CL_FN_CONV2D:
        return student.conv2d(a, c->weights, c->bias, i[0], i[1], (cl_mode)i[2], out);
    case CL_FN_CONV2D_TRANSPOSE:
        return student.conv2d_transpose(a, c->weights, c->bias, i[0], i[1], (cl_mode)i[2], out);
    case CL_FN_MAX_POOL2D:
        return student.max_pool2d(a, i[0], i[1], i[2], i[3], (cl_mode)i[4], out);
    case CL_FN_AVG_POOL2D:
        return student.avg_pool2d(a, i[0], i[1], i[2], i[3], (cl_mode)i[4], out);
    case CL_FN_UPSAMPLE: return student.upsample(a, i[0], i[1], (cl_interp)i[2], out);
    default: return CL_E_ARG;
    }
}

/* What the reply says about an output image; 1 when it may be freed. */
static int describe_output(const cl_image *out, cl_proto_reply *r)
{
    if (!out->data || !out->block_ || cl_image_count(out) == 0) return 0; /* not allocated */
    r->n = out->n, r->h = out->h, r->w = out->w, r->c = out->c;
    r->out_kind = CL_PROTO_OUT_SHAPE;
    if (!cl_image_guards_ok(out)) {
        r->flags |= CL_PROTO_F_OUT_OF_BOUNDS;
        return 0; /* its block may be damaged: leave it */
    }
    if (cl_image_count(out) > CL_PROTO_MAX_FRAME / sizeof(float) - 64) {
        r->flags |= CL_PROTO_F_TOO_BIG;
        return 1;
    }
    r->out_kind = CL_PROTO_OUT_IMAGE;
    r->count = cl_image_count(out);
    r->floats = out->data;
    return 1;
}

/* to_uint8 into a buffer with guard bytes; *buf is freed by the caller. */
static int call_to_uint8(const cl_proto_call *c, cl_proto_reply *r, uint8_t **buf)
{
    size_t n = image_count(c->images[0]);
    *buf = malloc(n + 2 * U8_GUARD);
    if (!*buf) return CL_E_NOMEM;
    memset(*buf, U8_GUARD_BYTE, n + 2 * U8_GUARD);
    int st = student.to_uint8(c->images[0], *buf + U8_GUARD);
    for (size_t i = 0; i < U8_GUARD; i++)
        if ((*buf)[i] != U8_GUARD_BYTE || (*buf)[U8_GUARD + n + i] != U8_GUARD_BYTE)
            r->flags |= CL_PROTO_F_OUT_OF_BOUNDS;
    r->out_kind = CL_PROTO_OUT_BYTES;
    r->count = n;
    r->bytes = *buf + U8_GUARD;
    return st;
}

/* Runs one decoded call and sends its reply. Returns 0, or -1 when the reply
 * could not be written (the trusted side is gone). */
static int serve_call(const cl_proto_call *c, uint32_t seq, cl_proto_buf *b)
{
    static cl_proto_reply r;
    cl_image out = {0};
    uint8_t *u8 = NULL;
    inputs snap;
    int free_out = 0;
    memset(&r, 0, sizeof r);
    if (!has_function(c->fn)) {
        r.status = CL_E_NOT_IMPLEMENTED, r.flags = CL_PROTO_F_NOT_BUILT;
    } else if (snapshot(c, &snap) != 0) {
        r.status = CL_E_NOMEM, r.flags = CL_PROTO_F_BAD_CALL;
        snprintf(r.error, sizeof r.error, "worker: out of memory copying the inputs");
    } else {
        cl_fail(CL_OK, NULL);
        if (c->fn == CL_FN_CONV_OUTPUT_SIZE)
            r.status = student.conv_output_size(c->ints[0], c->ints[1], c->ints[2],
                                                (cl_mode)c->ints[3]);
        else if (c->fn == CL_FN_TO_UINT8)
            r.status = call_to_uint8(c, &r, &u8);
        else
            r.status = call_image_fn(c, &out);
        fflush(stdout);
        snprintf(r.error, sizeof r.error, "%s", cl_last_error());
        compare_snapshot(&snap, &r);
        if (c->fn != CL_FN_CONV_OUTPUT_SIZE && c->fn != CL_FN_TO_UINT8)
            free_out = describe_output(&out, &r);
    }
    int st = cl_proto_encode_reply(b, seq, &r);
    int sent = st == CL_OK ? write_full(proto_out, b->data, b->len) : -1;
    if (st != CL_OK) fprintf(stderr, "worker: cannot encode the reply: %s\n", cl_last_error());
    if (free_out) cl_image_free(&out);
    free(u8);
    return sent;
}

/* A call that could not be decoded: says why, calls nothing. */
static int refuse_call(uint32_t seq, int status, cl_proto_buf *b)
{
    static cl_proto_reply r;
    memset(&r, 0, sizeof r);
    r.status = status, r.flags = CL_PROTO_F_BAD_CALL;
    snprintf(r.error, sizeof r.error, "worker: %s", cl_last_error());
    if (cl_proto_encode_reply(b, seq, &r) != CL_OK) return -1;
    return write_full(proto_out, b->data, b->len);
}

/* ----------------------------------------------------------------- timing */

static cl_proto_call prepared;  /* the call of the last PREPARE */
static int has_prepared;
static cl_image kept;           /* the output of the last GO */
static int kept_status, kept_free;
static char kept_error[CL_PROTO_MAX_ERROR];

static void drop_kept(void)
{
    if (kept_free) cl_image_free(&kept);
    memset(&kept, 0, sizeof kept);
    kept_free = 0;
}

static int send_frame(cl_proto_buf *b, int st)
{
    return st == CL_OK ? write_full(proto_out, b->data, b->len) : -1;
}

static int serve_prepare(const uint8_t *payload, size_t len, uint32_t seq, cl_proto_buf *b)
{
    static void *shift;
    if (has_prepared) cl_proto_call_free(&prepared), has_prepared = 0;
    drop_kept();
    /* another layout for each PREPARE: the heap is shifted by 64 bytes to
     * 4 KiB before the input is allocated (judge_perf.c keeps the best time
     * over several layouts) */
    free(shift);
    shift = malloc(64 * (1 + (size_t)((seq * 2654435761u) >> 26)));
    int st = cl_proto_decode_call(payload, len, &prepared);
    if (st == CL_OK) st = cl_proto_call_check(&prepared);
    if (st == CL_OK && (prepared.fn == CL_FN_CONV_OUTPUT_SIZE || prepared.fn == CL_FN_TO_UINT8))
        st = cl_fail(CL_E_ARG, "function %d cannot be timed", prepared.fn);
    if (st == CL_OK && !has_function(prepared.fn))
        st = cl_fail(CL_E_ARG, "function %d is not built", prepared.fn);
    if (st != CL_OK) {
        cl_proto_call_free(&prepared);
        return refuse_call(seq, st, b);
    }
    has_prepared = 1;
    return send_frame(b, cl_proto_encode_empty(b, CL_PROTO_READY, seq));
}

static int serve_go(const uint8_t *payload, size_t len, uint32_t seq, cl_proto_buf *b)
{
    uint64_t index;
    uint32_t bits;
    if (cl_proto_decode_go(payload, len, &index, &bits) != CL_OK) return -1;
    if (!has_prepared) return cl_fail(CL_E_FORMAT, "GO without PREPARE"), -1;
    const cl_image *img = prepared.images[0];
    if (index != CL_PROTO_GO_NO_CHANGE) {
        if (!img || !img->data || index >= cl_image_count(img))
            return cl_fail(CL_E_FORMAT, "GO changes value %llu of an image of %zu",
                           (unsigned long long)index, image_count(img)), -1;
        memcpy(&img->data[index], &bits, sizeof bits); /* the image is the worker's own */
    }
    drop_kept();
    cl_fail(CL_OK, NULL);
    kept_status = call_image_fn(&prepared, &kept);
    kept_free = kept.data && kept.block_ && cl_image_guards_ok(&kept);
    fflush(stdout);
    snprintf(kept_error, sizeof kept_error, "%s", cl_last_error());
    return send_frame(b, cl_proto_encode_done(b, seq, kept_status));
}

static int serve_fetch(uint32_t seq, cl_proto_buf *b)
{
    static cl_proto_reply r;
    memset(&r, 0, sizeof r);
    r.status = kept_status;
    snprintf(r.error, sizeof r.error, "%s", kept_error);
    (void)describe_output(&kept, &r);
    return send_frame(b, cl_proto_encode_reply(b, seq, &r));
}

/* ------------------------------------------------------------------- loop */

static int answer_hello(uint32_t seq, cl_proto_buf *b)
{
    cl_proto_hello h = {function_mask(), CL_VERSION};
    if (cl_proto_encode_hello_reply(b, seq, &h) != CL_OK) return -1;
    return write_full(proto_out, b->data, b->len);
}

/* Serves one frame. Returns 1 to go on, 0 to stop cleanly, -1 on an error. */
static int serve_frame(cl_proto_buf *b)
{
    uint8_t hb[CL_PROTO_HEADER_BYTES];
    cl_proto_header h;
    int got = read_full(proto_in, hb, sizeof hb);
    if (got <= 0) return got;
    if (cl_proto_header_parse(hb, CL_PROTO_MAX_FRAME, &h) != CL_OK) return -1;
    uint8_t *payload = malloc(h.length ? h.length : 1);
    if (!payload) return cl_fail(CL_E_NOMEM, "out of memory for a frame of %u bytes", h.length), -1;
    if (h.length && read_full(proto_in, payload, h.length) != 1) {
        free(payload);
        return cl_fail(CL_E_FORMAT, "the request was cut short"), -1;
    }
    int rc = 1;
    if (h.kind == CL_PROTO_QUIT) {
        rc = 0;
    } else if (h.kind == CL_PROTO_HELLO) {
        rc = answer_hello(h.seq, b) == 0 ? 1 : -1;
    } else if (h.kind == CL_PROTO_CALL) {
        static cl_proto_call c;
        int st = cl_proto_decode_call(payload, h.length, &c);
        if (st == CL_OK) st = cl_proto_call_check(&c);
        rc = (st == CL_OK ? serve_call(&c, h.seq, b) : refuse_call(h.seq, st, b)) == 0 ? 1 : -1;
        cl_proto_call_free(&c);
    } else if (h.kind == CL_PROTO_PREPARE) {
        rc = serve_prepare(payload, h.length, h.seq, b) == 0 ? 1 : -1;
    } else if (h.kind == CL_PROTO_GO) {
        rc = serve_go(payload, h.length, h.seq, b) == 0 ? 1 : -1;
    } else if (h.kind == CL_PROTO_FETCH) {
        rc = serve_fetch(h.seq, b) == 0 ? 1 : -1;
    } else {
        cl_fail(CL_E_FORMAT, "unexpected %s frame", cl_proto_kind_name(h.kind));
        rc = -1;
    }
    free(payload);
    return rc;
}

int main(void)
{
    cl_proto_buf b = {0};
    if (setup_streams() != 0) {
        perror("worker: cannot set up its streams");
        return 3;
    }
    /* as in the judge (judge_perf.c): freed blocks under 32 MiB stay in the
     * heap, so that timed calls reuse warm memory on both sides */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    int rc;
    while ((rc = serve_frame(&b)) == 1) continue;
    if (rc < 0) fprintf(stderr, "worker: protocol error: %s\n", cl_last_error());
    cl_proto_buf_free(&b);
    return rc < 0 ? 3 : 0;
}
