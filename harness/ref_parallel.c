/* ref_parallel.c -- threads, vector level and output reuse of the fast
 * reference (ref_simd.h), and cl_ref_set_threads / cl_ref_threads /
 * cl_ref_set_output_reuse (reference.h).
 *
 * The thread count starts at 1 (grading times student code against the
 * single-threaded reference), or at CONVLAB_THREADS when that environment
 * variable holds a number in 1..64; it is read once, on the first use.
 * cl_ref_set_threads overrides both. Threads are created per call with
 * pthread_create and joined before the call returns.
 */
#include "reference.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ref_simd.h"

#define REF_MAX_THREADS 64

static atomic_int threads_set = 0; /* 0: not decided yet */
static atomic_int reuse_on = 0;
static atomic_int simd_level = -1;

static int env_int(const char *name, int lo, int hi, int fallback)
{
    const char *s = getenv(name);
    if (s == NULL || *s == '\0')
        return fallback;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return fallback;
    return (int)v;
}

void cl_ref_set_threads(int n)
{
    if (n < 1)
        n = 1;
    if (n > REF_MAX_THREADS)
        n = REF_MAX_THREADS;
    atomic_store(&threads_set, n);
}

int cl_ref_threads(void)
{
    int n = atomic_load(&threads_set);
    if (n == 0) {
        int expected = 0;
        n = env_int("CONVLAB_THREADS", 1, REF_MAX_THREADS, 1);
        if (!atomic_compare_exchange_strong(&threads_set, &expected, n))
            n = expected;
    }
    return n;
}

void cl_ref_set_output_reuse(int on)
{
    atomic_store(&reuse_on, on != 0);
}

int ref_simd_level(void)
{
    int lv = atomic_load(&simd_level);
    if (lv >= 0)
        return lv;
    lv = REF_SIMD_BASE;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        lv = REF_SIMD_AVX512;
    else if (__builtin_cpu_supports("avx2"))
        lv = REF_SIMD_AVX2;
#endif
    const char *s = getenv("CONVLAB_SIMD");
    if (s != NULL) {
        int want = strcmp(s, "base") == 0   ? REF_SIMD_BASE
                   : strcmp(s, "avx2") == 0 ? REF_SIMD_AVX2
                                            : REF_SIMD_AVX512;
        if (want < lv)
            lv = want;
    }
    atomic_store(&simd_level, lv);
    return lv;
}

const ref_kernels *ref_kern(void)
{
    switch (ref_simd_level()) {
#if defined(__x86_64__) && defined(__GNUC__)
    case REF_SIMD_AVX512: return &ref_kernels_avx512;
    case REF_SIMD_AVX2: return &ref_kernels_avx2;
#endif
    default: return &ref_kernels_base;
    }
}

const char *cl_ref_simd_name(void)
{
    return ref_kern()->name;
}

typedef struct slice {
    ref_range_fn fn;
    void *ctx;
    int lo, hi;
} slice;

static void *run_slice(void *arg)
{
    slice *s = arg;
    s->fn(s->ctx, s->lo, s->hi);
    return NULL;
}

void ref_parallel_for(int n, int grain, size_t work, ref_range_fn fn, void *ctx)
{
    if (n <= 0)
        return;
    if (grain < 1)
        grain = 1;
    int t = work < REF_THREAD_WORK ? 1 : cl_ref_threads();
    const int units = (n + grain - 1) / grain;
    if (t > units)
        t = units;
    if (t <= 1) {
        fn(ctx, 0, n);
        return;
    }
    slice sl[REF_MAX_THREADS];
    pthread_t tid[REF_MAX_THREADS];
    int started[REF_MAX_THREADS];
    for (int k = 0; k < t; k++) {
        int lo = (int)((long long)units * k / t) * grain;
        int hi = (int)((long long)units * (k + 1) / t) * grain;
        sl[k] = (slice){fn, ctx, lo, hi < n ? hi : n};
    }
    /* Slice 0 runs on the caller's thread. */
    for (int k = 1; k < t; k++)
        started[k] = pthread_create(&tid[k], NULL, run_slice, &sl[k]) == 0;
    run_slice(&sl[0]);
    for (int k = 1; k < t; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            run_slice(&sl[k]);
    }
}

static int overlaps(const cl_image *out, const cl_image *in)
{
    if (in == NULL || in->data == NULL)
        return 0;
    uintptr_t o0 = (uintptr_t)out->data, o1 = o0 + cl_image_count(out) * sizeof(float);
    uintptr_t i0 = (uintptr_t)in->data, i1 = i0 + cl_image_count(in) * sizeof(float);
    return o0 < i1 && i0 < o1;
}

int ref_output(cl_image *out, int n, int h, int w, int c, const cl_image *a, const cl_image *b)
{
    if (atomic_load(&reuse_on) && out->data != NULL && out->n == n && out->h == h &&
        out->w == w && out->c == c && cl_image_guards_ok(out) && !overlaps(out, a) &&
        !overlaps(out, b))
        return CL_OK;
    return cl_image_alloc(out, n, h, w, c);
}
