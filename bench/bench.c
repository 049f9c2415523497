/* bench.c -- `make bench`: times the reference against the model solution and
 * the memory floor, side by side in one process, and writes the raw times as
 * JSON (bench/report.py adds OpenCV and PyTorch, prints the table of targets
 * and draws the plot).
 *
 *   build/bench/bench_c [--smoke] [--runs K] [--json FILE]
 *
 * CASES (single images are 1 x H x W x 1; S = 4096, or 256 with --smoke)
 *   conv_k3 .. conv_k11   im_conv (valid correlation) of S x S with a random
 *                         k x k kernel (full rank: the general path)
 *   conv2d_l1             conv2d 1000 x 28 x 28 x 1 -> 23 filters 3x3 (valid)
 *   conv2d_l2             conv2d 1000 x 26 x 26 x 23 -> 32 filters 3x3 (valid)
 *   maxpool2, avgpool2    2x2 pooling, stride 2, valid, S x S
 *   up_nearest2, up_bilinear2   x2 upsampling, S x S -> 2S x 2S
 *
 * WHAT IS TIMED (best of K, interleaved round by round)
 *   ref        the reference, one thread, its output buffer kept between calls
 *              (cl_ref_set_output_reuse: like cv::filter2D's dst)
 *   ref_fresh  the reference, one thread, a new zero-filled output every call
 *              (cl_image_alloc, as the grader and the students call it)
 *   ref_t2     the reference on two threads, output kept (three tries per
 *              round: it needs the second core free of other jobs)
 *   model      the model solution (solutions/), new output every call; on
 *              large inputs it runs on a crop (conv: 1024 x 1024; conv2d: 100
 *              images) and fewer rounds, and its time is scaled to the full
 *              size by the number of multiply-adds (noted in the JSON)
 *   memcpy_in, memcpy_out   memcpy of as many bytes as the input and the
 *              output, between buffers touched beforehand; the memory floor
 *              is (memcpy_in + memcpy_out) / 2: reading the input once and
 *              writing the output once.
 *   memcpy_in_t2, memcpy_out_t2   the same copies split over two threads:
 *              the floor of two threads (does the memory go faster at all?)
 * glibc keeps freed memory (mallopt), so fresh outputs do not map new pages.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convlab.h"
#include "impl.h"
#include "reference.h"

enum { T_REF, T_FRESH, T_T2, T_MODEL, T_MIN, T_MOUT, T_MIN2, T_MOUT2, T_COUNT };
static const char *const tnames[T_COUNT] = {"ref",       "ref_fresh",  "ref_t2",
                                            "model",     "memcpy_in",  "memcpy_out",
                                            "memcpy_in_t2", "memcpy_out_t2"};

typedef enum { OP_CONV, OP_CONV2D, OP_MAXPOOL, OP_AVGPOOL, OP_UPNEAR, OP_UPBIL } op_kind;

typedef struct bcase {
    char id[32], desc[96];
    op_kind op;
    int n, h, w, c, k, cout; /* input n x h x w x c; kernel k x k; conv2d cout */
    /* model on a smaller input: mh x mw (conv) or mn images (conv2d) */
    int mn, mh, mw;
} bcase;

typedef struct inputs {
    cl_image in, kernel;
    cl_weights w;
    float *bias;
} inputs;

static double ms_of(uint64_t ns)
{
    return (double)ns / 1e6;
}

static int make_inputs(const bcase *bc, int n, int h, int w, inputs *x)
{
    memset(x, 0, sizeof *x);
    if (cl_image_random(&x->in, n, h, w, bc->c, 1234, 0.0f, 1.0f) != CL_OK)
        return -1;
    if (bc->op == OP_CONV)
        return cl_image_random(&x->kernel, 1, bc->k, bc->k, 1, 99, -1.0f, 1.0f);
    if (bc->op == OP_CONV2D) {
        if (cl_weights_alloc(&x->w, bc->k, bc->k, bc->c, bc->cout) != CL_OK)
            return -1;
        cl_rng r;
        cl_rng_seed(&r, 7);
        size_t nw = (size_t)bc->k * bc->k * bc->c * bc->cout;
        for (size_t q = 0; q < nw; q++)
            x->w.data[q] = cl_rng_float(&r, -0.5f, 0.5f);
        x->bias = malloc((size_t)bc->cout * sizeof(float));
        if (x->bias == NULL)
            return -1;
        for (int q = 0; q < bc->cout; q++)
            x->bias[q] = cl_rng_float(&r, -0.5f, 0.5f);
    }
    return 0;
}

static void free_inputs(inputs *x)
{
    cl_image_free(&x->in);
    cl_image_free(&x->kernel);
    cl_weights_free(&x->w);
    free(x->bias);
}

static int run_op(const cl_impl *im, const bcase *bc, const inputs *x, cl_image *out)
{
    switch (bc->op) {
    case OP_CONV: return im->im_conv(&x->in, &x->kernel, out);
    case OP_CONV2D: return im->conv2d(&x->in, &x->w, x->bias, 1, 1, CL_MODE_VALID, out);
    case OP_MAXPOOL: return im->max_pool2d(&x->in, 2, 2, 2, 2, CL_MODE_VALID, out);
    case OP_AVGPOOL: return im->avg_pool2d(&x->in, 2, 2, 2, 2, CL_MODE_VALID, out);
    case OP_UPNEAR: return im->upsample(&x->in, 2, 2, CL_INTERP_NEAREST, out);
    case OP_UPBIL: return im->upsample(&x->in, 2, 2, CL_INTERP_BILINEAR, out);
    }
    return CL_E_ARG;
}

/* Multiply-adds of the op on an n x h x w input (0 for data movement). */
static double macs_of(const bcase *bc, int n, int h, int w)
{
    if (bc->op == OP_CONV)
        return (double)(h - bc->k + 1) * (w - bc->k + 1) * bc->k * bc->k;
    if (bc->op == OP_CONV2D)
        return (double)n * (h - bc->k + 1) * (w - bc->k + 1) * bc->k * bc->k * bc->c * bc->cout;
    return 0;
}

static void out_shape(const bcase *bc, int *n, int *h, int *w, int *c)
{
    *n = bc->n;
    *c = bc->c;
    *h = bc->h;
    *w = bc->w;
    switch (bc->op) {
    case OP_CONV: *h -= bc->k - 1, *w -= bc->k - 1; break;
    case OP_CONV2D: *h -= bc->k - 1, *w -= bc->k - 1, *c = bc->cout; break;
    case OP_MAXPOOL:
    case OP_AVGPOOL: *h /= 2, *w /= 2; break;
    case OP_UPNEAR:
    case OP_UPBIL: *h *= 2, *w *= 2; break;
    }
}

static uint64_t time_call(const cl_impl *im, const bcase *bc, const inputs *x, cl_image *out,
                          int fresh, int *failed)
{
    if (fresh)
        cl_image_free(out);
    uint64_t t0 = cl_now_ns();
    int st = run_op(im, bc, x, out);
    uint64_t t1 = cl_now_ns();
    if (st != CL_OK) {
        fprintf(stderr, "bench: %s failed on %s: %s\n", im->name, bc->id, cl_last_error());
        *failed = 1;
    }
    return t1 - t0;
}

static uint64_t time_memcpy(char *dst, const char *src, size_t bytes)
{
    uint64_t t0 = cl_now_ns();
    memcpy(dst, src, bytes);
    uint64_t t1 = cl_now_ns();
    __asm__ __volatile__("" ::"r"(dst) : "memory");
    return t1 - t0;
}

typedef struct copy_half {
    char *dst;
    const char *src;
    size_t bytes;
} copy_half;

static void *copy_thread(void *arg)
{
    copy_half *h = arg;
    memcpy(h->dst, h->src, h->bytes);
    return NULL;
}

/* memcpy of bytes split in two halves, one on a second thread. */
static uint64_t time_memcpy2(char *dst, const char *src, size_t bytes)
{
    const size_t half = bytes / 2 / 64 * 64;
    copy_half second = {dst + half, src + half, bytes - half};
    pthread_t tid;
    uint64_t t0 = cl_now_ns();
    int started = pthread_create(&tid, NULL, copy_thread, &second) == 0;
    memcpy(dst, src, half);
    if (started)
        pthread_join(tid, NULL);
    else
        copy_thread(&second);
    uint64_t t1 = cl_now_ns();
    __asm__ __volatile__("" ::"r"(dst) : "memory");
    return t1 - t0;
}

/* Times one case; prints a progress line; appends its JSON object to js. */
static int bench_case(const bcase *bc, int runs, int model_runs, char *copy_a, char *copy_b,
                      FILE *js, int first)
{
    inputs x, xm;
    int on, oh, ow, oc;
    out_shape(bc, &on, &oh, &ow, &oc);
    const int model_crop = bc->mn != bc->n || bc->mh != bc->h || bc->mw != bc->w;
    if (make_inputs(bc, bc->n, bc->h, bc->w, &x) != 0 ||
        (model_crop && make_inputs(bc, bc->mn, bc->mh, bc->mw, &xm) != 0)) {
        fprintf(stderr, "bench: no memory for the inputs of %s\n", bc->id);
        return -1;
    }
    const inputs *xmod = model_crop ? &xm : &x;
    const size_t in_bytes = cl_image_count(&x.in) * sizeof(float);
    const size_t out_bytes = (size_t)on * oh * ow * oc * sizeof(float);
    uint64_t best[T_COUNT];
    int done[T_COUNT] = {0};
    for (int t = 0; t < T_COUNT; t++)
        best[t] = UINT64_MAX;
    cl_image out_ref = {0}, out_fresh = {0}, out_t2 = {0}, out_model = {0};
    int failed = 0;
    for (int r = 0; r < runs && !failed; r++) {
        uint64_t t[T_COUNT] = {0};
        int did[T_COUNT] = {0};
        cl_ref_set_threads(1);
        cl_ref_set_output_reuse(1);
        t[T_REF] = time_call(&cl_impl_reference, bc, &x, &out_ref, 0, &failed), did[T_REF] = 1;
        t[T_MIN] = time_memcpy(copy_b, copy_a, in_bytes), did[T_MIN] = 1;
        cl_ref_set_output_reuse(0);
        t[T_FRESH] = time_call(&cl_impl_reference, bc, &x, &out_fresh, 1, &failed);
        did[T_FRESH] = 1;
        t[T_MOUT] = time_memcpy(copy_b, copy_a, out_bytes), did[T_MOUT] = 1;
        cl_ref_set_threads(2);
        cl_ref_set_output_reuse(1);
        /* Two threads need the second core free: other jobs on it hit this
         * side more often, so it gets three tries per round. */
        t[T_T2] = UINT64_MAX, did[T_T2] = 1;
        for (int k = 0; k < 3; k++) {
            uint64_t v = time_call(&cl_impl_reference, bc, &x, &out_t2, 0, &failed);
            t[T_T2] = v < t[T_T2] ? v : t[T_T2];
        }
        t[T_MIN2] = time_memcpy2(copy_b, copy_a, in_bytes), did[T_MIN2] = 1;
        t[T_MOUT2] = time_memcpy2(copy_b, copy_a, out_bytes), did[T_MOUT2] = 1;
        cl_ref_set_threads(1);
        cl_ref_set_output_reuse(0);
        if (r < model_runs) {
            t[T_MODEL] = time_call(&cl_impl_solution, bc, xmod, &out_model, 1, &failed);
            did[T_MODEL] = 1;
        }
        for (int q = 0; q < T_COUNT; q++)
            if (did[q] && t[q] < best[q])
                best[q] = t[q], done[q]++;
    }
    /* The three reference outputs must agree bit for bit. */
    int same = !failed && cl_image_count(&out_ref) * sizeof(float) == out_bytes &&
               cl_image_count(&out_t2) == cl_image_count(&out_ref) &&
               cl_image_count(&out_fresh) == cl_image_count(&out_ref) &&
               memcmp(out_ref.data, out_fresh.data, out_bytes) == 0 &&
               memcmp(out_ref.data, out_t2.data, out_bytes) == 0;
    const double macs = macs_of(bc, bc->n, bc->h, bc->w);
    const double model_scale = model_crop ? macs / macs_of(bc, bc->mn, bc->mh, bc->mw) : 1.0;
    if (bc->op != OP_CONV && bc->op != OP_CONV2D && model_crop) {
        fprintf(stderr, "bench: %s: a crop is only for sums\n", bc->id);
        return -1;
    }
    char note[160] = "";
    if (model_crop) {
        if (bc->op == OP_CONV)
            snprintf(note, sizeof note, "model timed on a %dx%d crop, %d run(s), scaled x%.2f by multiply-adds",
                     bc->mh, bc->mw, model_runs, model_scale);
        else
            snprintf(note, sizeof note, "model timed on %d images, %d run(s), scaled x%.2f by multiply-adds",
                     bc->mn, model_runs, model_scale);
    } else if (model_runs < runs) {
        snprintf(note, sizeof note, "model: best of %d run(s)", model_runs);
    }
    fprintf(stderr, "bench: %-14s ref %9.2f ms  fresh %9.2f  2 threads %9.2f  model %10.1f  memcpy %7.2f/%7.2f%s\n",
            bc->id, ms_of(best[T_REF]), ms_of(best[T_FRESH]), ms_of(best[T_T2]),
            ms_of(best[T_MODEL]) * model_scale, ms_of(best[T_MIN]), ms_of(best[T_MOUT]),
            same ? "" : "  (OUTPUTS DIFFER)");
    fprintf(js, "%s\n  {\"id\": \"%s\", \"desc\": \"%s\", \"macs\": %.0f, \"in_bytes\": %zu, "
                "\"out_bytes\": %zu, \"runs\": %d, \"model_note\": \"%s\", \"outputs_agree\": %s, \"ms\": {",
            first ? "" : ",", bc->id, bc->desc, macs, in_bytes, out_bytes, runs, note,
            same ? "true" : "false");
    for (int q = 0; q < T_COUNT; q++) {
        double v = done[q] ? ms_of(best[q]) * (q == T_MODEL ? model_scale : 1.0) : -1.0;
        fprintf(js, "%s\"%s\": %.4f", q ? ", " : "", tnames[q], v);
    }
    fprintf(js, "}}");
    cl_image_free(&out_ref);
    cl_image_free(&out_fresh);
    cl_image_free(&out_t2);
    cl_image_free(&out_model);
    free_inputs(&x);
    if (model_crop)
        free_inputs(&xm);
    return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
    int smoke = 0, runs = 7;
    const char *json = "build/bench/bench_c.json";
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--smoke") == 0)
            smoke = 1;
        else if (strcmp(argv[a], "--runs") == 0 && a + 1 < argc)
            runs = atoi(argv[++a]);
        else if (strcmp(argv[a], "--json") == 0 && a + 1 < argc)
            json = argv[++a];
        else {
            fprintf(stderr, "usage: %s [--smoke] [--runs K] [--json FILE]\n", argv[0]);
            return 2;
        }
    }
    if (runs < 1)
        runs = 1;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);

    const int S = smoke ? 256 : 4096, B = smoke ? 20 : 1000, crop = smoke ? 256 : 1024;
    const int mb = smoke ? B : 100;
    bcase cases[16];
    int nc = 0;
    const int ks[] = {3, 5, 7, 11};
    for (int q = 0; q < 4; q++) {
        bcase *bc = &cases[nc++];
        *bc = (bcase){.op = OP_CONV, .n = 1, .h = S, .w = S, .c = 1, .k = ks[q], .mn = 1,
                      .mh = S, .mw = S};
        if (ks[q] > 3)
            bc->mh = bc->mw = crop;
        snprintf(bc->id, sizeof bc->id, "conv_k%d", ks[q]);
        snprintf(bc->desc, sizeof bc->desc, "im_conv %dx%d, kernel %dx%d, 1 channel", S, S, ks[q], ks[q]);
    }
    cases[nc++] = (bcase){"conv2d_l1", "", OP_CONV2D, B, 28, 28, 1, 3, 23, mb, 28, 28};
    snprintf(cases[nc - 1].desc, sizeof cases[0].desc, "conv2d %dx28x28x1 -> 23 filters 3x3", B);
    cases[nc++] = (bcase){"conv2d_l2", "", OP_CONV2D, B, 26, 26, 23, 3, 32, mb, 26, 26};
    snprintf(cases[nc - 1].desc, sizeof cases[0].desc, "conv2d %dx26x26x23 -> 32 filters 3x3", B);
    const struct { const char *id, *what; op_kind op; } moves[] = {
        {"maxpool2", "max_pool2d 2x2", OP_MAXPOOL},
        {"avgpool2", "avg_pool2d 2x2", OP_AVGPOOL},
        {"up_nearest2", "upsample nearest x2", OP_UPNEAR},
        {"up_bilinear2", "upsample bilinear x2", OP_UPBIL},
    };
    for (int q = 0; q < 4; q++) {
        bcase *bc = &cases[nc++];
        *bc = (bcase){.op = moves[q].op, .n = 1, .h = S, .w = S, .c = 1, .mn = 1, .mh = S, .mw = S};
        snprintf(bc->id, sizeof bc->id, "%s", moves[q].id);
        snprintf(bc->desc, sizeof bc->desc, "%s, %dx%d, 1 channel", moves[q].what, S, S);
    }

    /* The memcpy buffers: as large as the largest input or output, touched. */
    size_t big = (size_t)4 * S * S * sizeof(float);
    if ((size_t)B * 26 * 26 * 32 * sizeof(float) > big)
        big = (size_t)B * 26 * 26 * 32 * sizeof(float);
    char *copy_a = malloc(big), *copy_b = malloc(big);
    if (copy_a == NULL || copy_b == NULL) {
        fprintf(stderr, "bench: no memory for the memcpy buffers\n");
        return 1;
    }
    memset(copy_a, 1, big);
    memset(copy_b, 2, big);

    FILE *js = fopen(json, "w");
    if (js == NULL) {
        fprintf(stderr, "bench: cannot write %s\n", json);
        return 1;
    }
    fprintf(stderr, "bench: reference vector level %s; %d rounds per case%s\n", cl_ref_simd_name(),
            runs, smoke ? " (smoke: tiny sizes)" : "");
    fprintf(js, "{\"smoke\": %s, \"simd\": \"%s\", \"runs\": %d, \"cases\": [", smoke ? "true" : "false",
            cl_ref_simd_name(), runs);
    int bad = 0;
    for (int q = 0; q < nc; q++) {
        int model_runs = runs;
        if (!smoke && (cases[q].op == OP_CONV || cases[q].op == OP_CONV2D))
            model_runs = 2;
        if (bench_case(&cases[q], runs, model_runs, copy_a, copy_b, js, q == 0) != 0)
            bad = 1;
    }
    fprintf(js, "\n]}\n");
    fclose(js);
    free(copy_a);
    free(copy_b);
    return bad;
}
