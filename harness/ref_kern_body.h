/* ref_kern_body.h -- the vectorised inner loops of the fast reference,
 * written once and compiled once per vector level by ref_kern.c (see
 * ref_simd.h). Not a header to include anywhere else.
 *
 * Before inclusion: VW (floats per vector), SFX (name suffix), ATTR (the
 * target attribute), STREAM(p, v) (a non-temporal store), CORR_R x CORR_V
 * (output rows x vectors of a correlation tile, any kernel), FIX_R x FIX_V
 * (the same for 3x3 kernels), CONV_P1..CONV_P4 (output pixels of a conv2d
 * tile of 1..4 vectors of output channels), MASK_* (the shuffles of the
 * pooling and upsampling rows for VW lanes).
 *
 * CORRELATION (ref_corr_args: flat rows, so any channel count with stride 1)
 *   Register blocking: a tile keeps R output rows x V vectors of sums in
 *   registers. The R + kh - 1 input rows under the tile are walked once: a
 *   vector loaded from input row q at column shift j is multiplied into
 *   every output row r of the tile with q - r*sy in 0..kh-1, by the weight
 *   k(q - r*sy, j). 3x3 kernels (stride 1) have their own tile in which all
 *   loops unroll and the nine weights stay in registers. Rows run in slices
 *   of R; a row ends with a last vector that overlaps the one before (same
 *   values) or, narrower than a vector, with the scalar loop.
 * CONV2D (ref_conv_args: NHWC, weights packed to 16-float rows)
 *   A tile keeps P pixels x V vectors of output channels, walks (i, j, input
 *   channel) and loads V weight vectors and P broadcast inputs per step.
 * POOLING, UPSAMPLING: the vector parts of rows (ref_moves.c finishes them).
 *
 * For every output, the terms of its sum arrive in the order of the plain
 * loops (kernel row i, then column j, then input channel), starting from
 * 0, and products and sums are separate roundings (no fused multiply-add):
 * the results equal the scalar loops' bit for bit, at every level.
 */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define CAT_STR_(a) #a
#define CAT_STR(a) CAT_STR_(a)
#define VT CAT(vt_, SFX)

typedef float VT __attribute__((vector_size(VW * 4)));

ATTR static inline VT CAT(ld_, SFX)(const float *p)
{
    VT v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

ATTR static inline void CAT(st_, SFX)(float *p, VT v)
{
    __builtin_memcpy(p, &v, sizeof v);
}

/* One correlation tile: rows r0..r0+R-1, outputs x..x+V*VW-1. The input
 * rows are walked once: row q of the tile's window serves output row r with
 * kernel row i = q - r*sy, so each loaded vector feeds up to R rows of sums
 * (for every r, q and so i ascend: the order of the plain loop). Kernel
 * sizes are run-time values; the weights are broadcast from memory. */
ATTR __attribute__((always_inline)) static inline void
CAT(corr_tile_, SFX)(const ref_corr_args *a, int r0, int x, const int R, const int V)
{
    VT acc[8][8];
#pragma GCC unroll 8
    for (int r = 0; r < R; r++)
#pragma GCC unroll 8
        for (int v = 0; v < V; v++)
            acc[r][v] = (VT){0};
    const int sy = a->sy, kh = a->kh, kw = a->kw;
    const int nq = (R - 1) * sy + kh;
    const float *row = a->in + (ptrdiff_t)r0 * sy * a->in_rs + x;
    for (int q = 0; q < nq; q++, row += a->in_rs) {
        for (int j = 0; j < kw; j++) {
            const float *p = row + (ptrdiff_t)j * a->dx;
            VT in[8];
#pragma GCC unroll 8
            for (int v = 0; v < V; v++)
                in[v] = CAT(ld_, SFX)(p + v * VW);
#pragma GCC unroll 8
            for (int r = 0; r < R; r++) {
                const int i = q - r * sy;
                if (i < 0 || i >= kh)
                    continue;
                const float w = a->k[i * kw + j];
#pragma GCC unroll 8
                for (int v = 0; v < V; v++)
                    acc[r][v] += in[v] * w;
            }
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; r++)
#pragma GCC unroll 8
        for (int v = 0; v < V; v++)
            CAT(st_, SFX)(a->out + (ptrdiff_t)(r0 + r) * a->out_rs + x + v * VW, acc[r][v]);
}

/* The same tile for a kernel size known at compile time (KH x KW, stride
 * sy = 1): every loop unrolls, the weights stay in registers and the
 * row test of the generic tile disappears. */
ATTR __attribute__((always_inline)) static inline void
CAT(corr_tile_fixed_, SFX)(const ref_corr_args *a, int r0, int x, const int R, const int V,
                           const int KH, const int KW)
{
    VT acc[8][8];
#pragma GCC unroll 8
    for (int r = 0; r < R; r++)
#pragma GCC unroll 8
        for (int v = 0; v < V; v++)
            acc[r][v] = (VT){0};
    const float *row = a->in + (ptrdiff_t)r0 * a->in_rs + x;
#pragma GCC unroll 16
    for (int q = 0; q < R - 1 + KH; q++) {
#pragma GCC unroll 16
        for (int j = 0; j < KW; j++) {
            const float *p = row + (ptrdiff_t)q * a->in_rs + (ptrdiff_t)j * a->dx;
            VT in[8];
#pragma GCC unroll 8
            for (int v = 0; v < V; v++)
                in[v] = CAT(ld_, SFX)(p + v * VW);
#pragma GCC unroll 8
            for (int r = 0; r < R; r++) {
                const int i = q - r;
                if (i < 0 || i >= KH)
                    continue;
                const float w = a->k[i * KW + j];
#pragma GCC unroll 8
                for (int v = 0; v < V; v++)
                    acc[r][v] += in[v] * w;
            }
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; r++)
#pragma GCC unroll 8
        for (int v = 0; v < V; v++)
            CAT(st_, SFX)(a->out + (ptrdiff_t)(r0 + r) * a->out_rs + x + v * VW, acc[r][v]);
}

/* The outputs of rows r0..r0+R-1: full tiles, single vectors, then one last
 * vector that ends at n (it may overlap the previous one: same values), or
 * plain scalar sums when a row is shorter than a vector. */
ATTR __attribute__((always_inline)) static inline void
CAT(corr_rows_, SFX)(const ref_corr_args *a, int r0, const int R, const int KH, const int KW,
                     const int VV)
{
    const int n = a->n;
    int x = 0;
#define TILE(xx, VV)                                                    \
    do {                                                                \
        if (KH > 0)                                                     \
            CAT(corr_tile_fixed_, SFX)(a, r0, (xx), R, (VV), KH, KW);   \
        else                                                            \
            CAT(corr_tile_, SFX)(a, r0, (xx), R, (VV));                 \
    } while (0)
    for (; x + VV * VW <= n; x += VV * VW)
        TILE(x, VV);
    for (; x + VW <= n; x += VW)
        TILE(x, 1);
    if (x == n)
        return;
    if (n >= VW) {
        TILE(n - VW, 1);
        return;
    }
#undef TILE
    for (int r = r0; r < r0 + R; r++) {
        for (int q = x; q < n; q++) {
            float acc = 0.0f;
            for (int i = 0; i < a->kh; i++) {
                const float *src = a->in + ((ptrdiff_t)r * a->sy + i) * a->in_rs + q;
                for (int j = 0; j < a->kw; j++)
                    acc += src[(ptrdiff_t)j * a->dx] * a->k[i * a->kw + j];
            }
            a->out[(ptrdiff_t)r * a->out_rs + q] = acc;
        }
    }
}

/* All rows of a, R at a time, for a kernel of KH x KW (0 x 0: any). */
ATTR __attribute__((always_inline)) static inline void
CAT(corr_all_, SFX)(const ref_corr_args *a, const int KH, const int KW, const int RR,
                    const int VV)
{
    int r = 0;
    for (; r + RR <= a->rows; r += RR)
        CAT(corr_rows_, SFX)(a, r, RR, KH, KW, VV);
    for (; r < a->rows; r++)
        CAT(corr_rows_, SFX)(a, r, 1, KH, KW, VV);
}

ATTR static void CAT(corr_k3_, SFX)(const ref_corr_args *a)
{
    CAT(corr_all_, SFX)(a, 3, 3, FIX_R, FIX_V);
}

ATTR static void CAT(corr_any_, SFX)(const ref_corr_args *a)
{
    CAT(corr_all_, SFX)(a, 0, 0, CORR_R, CORR_V);
}

ATTR static void CAT(ref_corr_, SFX)(const ref_corr_args *a)
{
    if (a->sy == 1 && a->kh == 3 && a->kw == 3)
        CAT(corr_k3_, SFX)(a);
    else
        CAT(corr_any_, SFX)(a);
}

/* One conv2d tile: output row y, pixels x..x+P-1, channels lane..lane+V*VW-1. */
ATTR __attribute__((always_inline)) static inline void
CAT(conv_tile_, SFX)(const ref_conv_args *a, int y, int x, int lane, const int P, const int V)
{
    VT acc[12][4];
#pragma GCC unroll 16
    for (int p = 0; p < P; p++)
#pragma GCC unroll 4
        for (int v = 0; v < V; v++)
            acc[p][v] = (VT){0};
    const int cin = a->cin, cop = a->cop;
    const ptrdiff_t pstep = (ptrdiff_t)a->sx * cin;
    for (int i = 0; i < a->kh; i++) {
        const float *row = a->in + ((ptrdiff_t)(y * a->sy + i) * a->in_w + (ptrdiff_t)x * a->sx) * cin;
        for (int j = 0; j < a->kw; j++) {
            const float *px = row + (ptrdiff_t)j * cin;
            const float *wr = a->w + (size_t)(i * a->kw + j) * cin * cop + lane;
            for (int c = 0; c < cin; c++, wr += cop) {
                VT wv[4];
#pragma GCC unroll 4
                for (int v = 0; v < V; v++)
                    wv[v] = CAT(ld_, SFX)(wr + v * VW);
#pragma GCC unroll 16
                for (int p = 0; p < P; p++) {
                    const float s = px[p * pstep + c];
#pragma GCC unroll 4
                    for (int v = 0; v < V; v++)
                        acc[p][v] += s * wv[v];
                }
            }
        }
    }
    float *o = a->out + ((ptrdiff_t)y * a->ow + x) * a->cout + lane;
#pragma GCC unroll 16
    for (int p = 0; p < P; p++, o += a->cout) {
#pragma GCC unroll 4
        for (int v = 0; v < V; v++) {
            VT s = acc[p][v];
            if (a->bias != NULL)
                s += CAT(ld_, SFX)(a->bias + lane + v * VW);
            const int left = a->cout - lane - v * VW;
            if (left >= VW) {
                CAT(st_, SFX)(o + v * VW, s);
            } else {
                float tmp[VW];
                __builtin_memcpy(tmp, &s, sizeof s);
                __builtin_memcpy(o + v * VW, tmp, (size_t)left * sizeof(float));
            }
        }
    }
}

ATTR __attribute__((always_inline)) static inline void
CAT(conv_cols_, SFX)(const ref_conv_args *a, int y, int lane, const int P, const int V)
{
    int x = 0;
    for (; x + P <= a->ow; x += P)
        CAT(conv_tile_, SFX)(a, y, x, lane, P, V);
    for (; x < a->ow; x++)
        CAT(conv_tile_, SFX)(a, y, x, lane, 1, V);
}

ATTR static void CAT(ref_conv_, SFX)(const ref_conv_args *a)
{
    const int nv = (a->cout + VW - 1) / VW;
    for (int y = a->y0; y < a->y1; y++) {
        for (int v0 = 0; v0 < nv;) {
            const int lane = v0 * VW, left = nv - v0;
            if (left >= 4) {
                CAT(conv_cols_, SFX)(a, y, lane, CONV_P4, 4);
                v0 += 4;
            } else if (left == 3) {
                CAT(conv_cols_, SFX)(a, y, lane, CONV_P3, 3);
                v0 += 3;
            } else if (left == 2) {
                CAT(conv_cols_, SFX)(a, y, lane, CONV_P2, 2);
                v0 += 2;
            } else {
                CAT(conv_cols_, SFX)(a, y, lane, CONV_P1, 1);
                v0 += 1;
            }
        }
    }
}


/* ------------------------------------------------- pooling, upsampling */

typedef int CAT(vi_, SFX) __attribute__((vector_size(VW * 4)));
#define VI CAT(vi_, SFX)

/* p > o ? p : o, lane by lane (a NaN never wins, like the scalar test). */
ATTR static inline VT CAT(keep_greater_, SFX)(VT p, VT o)
{
    VI m = p > o;
    return (VT)(((VI)p & m) | ((VI)o & ~m));
}

/* Store v at p, with a non-temporal store when stream is set (p is then
 * aligned to the vector). */
ATTR static inline void CAT(put_, SFX)(float *p, VT v, int stream)
{
    if (stream)
        STREAM(p, v);
    else
        CAT(st_, SFX)(p, v);
}

/* One output row of 2x2 stride-2 pooling from source rows r0, r1 (first
 * vector part; returns how many outputs it wrote: the caller finishes). */
ATTR static int CAT(pool2_row_, SFX)(const float *r0, const float *r1, float *o, int ow,
                                     int is_max)
{
    const VI even = MASK_EVEN, odd = MASK_ODD;
    int x = 0;
    if (is_max) {
        const VT ninf = (VT){0} - INFINITY;
        for (; x + VW <= ow; x += VW) {
            const VT a0 = CAT(ld_, SFX)(r0 + 2 * x), a1 = CAT(ld_, SFX)(r0 + 2 * x + VW);
            const VT b0 = CAT(ld_, SFX)(r1 + 2 * x), b1 = CAT(ld_, SFX)(r1 + 2 * x + VW);
            VT m = CAT(keep_greater_, SFX)(__builtin_shuffle(a0, a1, even), ninf);
            m = CAT(keep_greater_, SFX)(__builtin_shuffle(a0, a1, odd), m);
            m = CAT(keep_greater_, SFX)(__builtin_shuffle(b0, b1, even), m);
            m = CAT(keep_greater_, SFX)(__builtin_shuffle(b0, b1, odd), m);
            CAT(st_, SFX)(o + x, m);
        }
    } else {
        for (; x + VW <= ow; x += VW) {
            const VT a0 = CAT(ld_, SFX)(r0 + 2 * x), a1 = CAT(ld_, SFX)(r0 + 2 * x + VW);
            const VT b0 = CAT(ld_, SFX)(r1 + 2 * x), b1 = CAT(ld_, SFX)(r1 + 2 * x + VW);
            VT s = (VT){0} + __builtin_shuffle(a0, a1, even);
            s += __builtin_shuffle(a0, a1, odd);
            s += __builtin_shuffle(b0, b1, even);
            s += __builtin_shuffle(b0, b1, odd);
            CAT(st_, SFX)(o + x, s / 4.0f);
        }
    }
    return x;
}

/* Nearest x2 of one source row into the two output rows d0, d1 (vector
 * part; returns how many source values it used). */
ATTR static int CAT(up2_near_row_, SFX)(const float *src, float *d0, float *d1, int w,
                                        int stream)
{
    const VI lo = MASK_DUPLO, hi = MASK_DUPHI;
    int x = 0;
    for (; x + VW <= w; x += VW) {
        const VT a = CAT(ld_, SFX)(src + x);
        const VT l = __builtin_shuffle(a, lo), h = __builtin_shuffle(a, hi);
        CAT(put_, SFX)(d0 + 2 * x, l, stream);
        CAT(put_, SFX)(d0 + 2 * x + VW, h, stream);
        CAT(put_, SFX)(d1 + 2 * x, l, stream);
        CAT(put_, SFX)(d1 + 2 * x + VW, h, stream);
    }
    return x;
}

/* Bilinear x2 of one or two output rows o0, o1 (weights t0, t1 along y) from
 * the source rows r0 (top) and r1 (bottom), w values each, fused: each row is
 * lerped along x in registers (output 2m: r[m-1] + (r[m] - r[m-1]) * 0.75;
 * 2m+1: r[m] + (r[m+1] - r[m]) * 0.25), then along y (top + (bot - top) * t),
 * and stored. Does outputs VW .. 2M-1 (VW-aligned, so they can stream) and
 * returns M (<= VW/2: nothing done); the caller does the rest. */
ATTR static int CAT(up2_bil_rows_, SFX)(const float *r0, const float *r1, float t0, float t1,
                                        float *o0, float *o1, int w, int stream)
{
    const VI ilo = MASK_ILO, ihi = MASK_IHI;
    int m = VW / 2;
    for (; m + VW <= w - 1; m += VW) {
        VT lo[2], hi[2];
        const float *rr[2] = {r0, r1};
#pragma GCC unroll 2
        for (int k = 0; k < 2; k++) {
            const VT a = CAT(ld_, SFX)(rr[k] + m - 1), c = CAT(ld_, SFX)(rr[k] + m);
            const VT z = CAT(ld_, SFX)(rr[k] + m + 1);
            const VT even = a + (c - a) * 0.75f; /* outputs 2m, 2m+2, ... */
            const VT odd = c + (z - c) * 0.25f;  /* outputs 2m+1, 2m+3, ... */
            lo[k] = __builtin_shuffle(even, odd, ilo);
            hi[k] = __builtin_shuffle(even, odd, ihi);
        }
        CAT(put_, SFX)(o0 + 2 * m, lo[0] + (lo[1] - lo[0]) * t0, stream);
        CAT(put_, SFX)(o0 + 2 * m + VW, hi[0] + (hi[1] - hi[0]) * t0, stream);
        if (o1 != o0) {
            CAT(put_, SFX)(o1 + 2 * m, lo[0] + (lo[1] - lo[0]) * t1, stream);
            CAT(put_, SFX)(o1 + 2 * m + VW, hi[0] + (hi[1] - hi[0]) * t1, stream);
        }
    }
    return m;
}

ATTR static void CAT(fence_, SFX)(void)
{
    STREAM_FENCE();
}

const ref_kernels CAT(ref_kernels_, SFX) = {
    .name = CAT_STR(SFX),
    .vw = VW,
    .corr = CAT(ref_corr_, SFX),
    .conv = CAT(ref_conv_, SFX),
    .pool2_row = CAT(pool2_row_, SFX),
    .up2_near_row = CAT(up2_near_row_, SFX),
    .up2_bil_rows = CAT(up2_bil_rows_, SFX),
    .stream_fence = CAT(fence_, SFX),
};

#undef VI

#undef VT
