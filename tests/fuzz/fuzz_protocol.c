/* fuzz_protocol.c -- libFuzzer target: the decoders of the worker protocol
 * (harness/drivers/protocol.c), which the trusted side runs on bytes written
 * by untrusted code. The input is a stream of frames as it would come down
 * the pipe: each header is parsed with the bytes left as the limit, and its
 * payload goes to the decoder of its kind (PREPARE's is a CALL's; GO and DONE
 * must be exactly their fields). A decoded CALL or REPLY must
 * encode again, and the encoding must decode (the round trip is checked
 * field by field for a CALL). */
#include "fuzz_common.h"

#include <string.h>

#include "protocol.h"

static void check_call(const uint8_t *p, size_t len)
{
    cl_proto_call c;
    int st = cl_proto_decode_call(p, len, &c);
    if (st == CL_OK) {
        cl_proto_call_check(&c);
        cl_proto_buf b = {0};
        if (cl_proto_encode_call(&b, 7, &c) != CL_OK || b.failed)
            abort(); /* what decodes must encode */
        cl_proto_call d;
        if (cl_proto_decode_call(b.data + CL_PROTO_HEADER_BYTES,
                                 b.len - CL_PROTO_HEADER_BYTES, &d) != CL_OK)
            abort();
        if (d.fn != c.fn || d.nimages != c.nimages || d.nints != c.nints ||
            d.nfloats != c.nfloats || d.nbias != c.nbias ||
            memcmp(d.ints, c.ints, sizeof c.ints) != 0)
            abort();
        if (b.len - CL_PROTO_HEADER_BYTES != len ||
            memcmp(b.data + CL_PROTO_HEADER_BYTES, p, len) != 0)
            abort(); /* the encoding is canonical: the same bytes come back */
        cl_proto_call_free(&d);
        cl_proto_buf_free(&b);
    }
    cl_proto_call_free(&c);
}

static void check_reply(const uint8_t *p, size_t len)
{
    static cl_proto_reply r;
    memset(&r, 0, sizeof r);
    if (cl_proto_decode_reply(p, len, &r) != CL_OK)
        return;
    if (r.out_data != NULL && (r.out_data < p || r.out_data > p + len))
        abort();
    if (r.out_kind == CL_PROTO_OUT_IMAGE && r.count > 0) {
        if (r.count > len / 4)
            abort();
        float *v = malloc(r.count * sizeof *v);
        if (v == NULL)
            return;
        cl_proto_read_floats(v, r.out_data, r.count);
        free(v);
    } else if (r.out_kind == CL_PROTO_OUT_BYTES && r.count > 0) {
        if (r.count > len)
            abort();
        volatile unsigned sum = 0;
        for (size_t i = 0; i < r.count; i++)
            sum += r.out_data[i];
        (void)sum;
    }
    if (strlen(r.error) > CL_PROTO_MAX_ERROR)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t at = 0;
    for (int frames = 0; frames < 8 && size - at >= CL_PROTO_HEADER_BYTES; frames++) {
        cl_proto_header h;
        const uint8_t *head = data + at;
        at += CL_PROTO_HEADER_BYTES;
        if (cl_proto_header_parse(head, size - at, &h) != CL_OK)
            break;
        if (h.length > size - at)
            abort(); /* the limit passed must hold */
        const uint8_t *p = data + at;
        size_t len = h.length;
        at += len;
        switch (h.kind) {
        case CL_PROTO_HELLO_REPLY: {
            cl_proto_hello hello;
            if (cl_proto_decode_hello_reply(p, len, &hello) == CL_OK &&
                memchr(hello.version, 0, sizeof hello.version) == NULL)
                abort();
            break;
        }
        case CL_PROTO_CALL:
        case CL_PROTO_PREPARE: /* a CALL payload */
            check_call(p, len);
            break;
        case CL_PROTO_GO: {
            uint64_t index;
            uint32_t bits;
            if (cl_proto_decode_go(p, len, &index, &bits) == CL_OK && len != 12)
                abort(); /* a GO is exactly u64 + u32 */
            break;
        }
        case CL_PROTO_DONE: {
            int32_t status;
            if (cl_proto_decode_done(p, len, &status) == CL_OK && len != 4)
                abort();
            break;
        }
        case CL_PROTO_REPLY:
            check_reply(p, len);
            break;
        default:
            break;
        }
        cl_proto_kind_name(h.kind);
    }
    return 0;
}
