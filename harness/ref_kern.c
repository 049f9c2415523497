/* ref_kern.c -- compiles the vectorised loops of ref_kern_body.h once per
 * vector level (ref_simd.h): AVX-512 (16 floats, 32 registers), AVX2 (8
 * floats, 16 registers) and the baseline (4 floats: SSE2 on x86-64, plain
 * scalar code elsewhere). The AVX2 and AVX-512 versions carry a target
 * attribute, so the file compiles with the kit's plain flags and runs on any
 * x86-64; ref_simd_level() picks one at run time.
 *
 * Tile sizes keep a tile's sums, the loaded vectors (and for 3x3 kernels
 * the nine weights) in registers; they were chosen by timing 4096x4096
 * images with kernels 3 to 11 and the conv2d layers of `make bench` on the
 * development machine (AMD EPYC, Zen 5).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ref_simd.h"


#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define REF_X86 1
#endif

/* Baseline: 4 floats, 16 registers. */
#define VW 4
#define SFX base
#define ATTR
#ifdef REF_X86
#define STREAM(p, v) (_mm_stream_ps((p), (__m128)(v)))
#define STREAM_FENCE() _mm_sfence()
#else
#define STREAM(p, v) (st_base((p), (v)))
#define STREAM_FENCE() ((void)0)
#endif
#define CORR_R 2
#define FIX_R 4
#define FIX_V 1
#define CORR_V 4
#define CONV_P1 8
#define CONV_P2 6
#define CONV_P3 4
#define CONV_P4 3
#define MASK_EVEN {0, 2, 4, 6}
#define MASK_ODD {1, 3, 5, 7}
#define MASK_DUPLO {0, 0, 1, 1}
#define MASK_DUPHI {2, 2, 3, 3}
#define MASK_ILO {0, 4, 1, 5}
#define MASK_IHI {2, 6, 3, 7}
#include "ref_kern_body.h"
#undef VW
#undef SFX
#undef ATTR
#undef STREAM
#undef CORR_R
#undef FIX_R
#undef FIX_V
#undef CORR_V
#undef CONV_P1
#undef CONV_P2
#undef CONV_P3
#undef CONV_P4
#undef MASK_EVEN
#undef MASK_ODD
#undef MASK_DUPLO
#undef MASK_DUPHI
#undef MASK_ILO
#undef MASK_IHI

#ifdef REF_X86
/* AVX2: 8 floats, 16 registers. */
#define VW 8
#define SFX avx2
#define ATTR __attribute__((target("avx2")))
#define STREAM(p, v) (_mm256_stream_ps((p), (__m256)(v)))
#define CORR_R 2
#define FIX_R 6
#define FIX_V 1
#define CORR_V 4
#define CONV_P1 8
#define CONV_P2 6
#define CONV_P3 4
#define CONV_P4 3
#define MASK_EVEN {0, 2, 4, 6, 8, 10, 12, 14}
#define MASK_ODD {1, 3, 5, 7, 9, 11, 13, 15}
#define MASK_DUPLO {0, 0, 1, 1, 2, 2, 3, 3}
#define MASK_DUPHI {4, 4, 5, 5, 6, 6, 7, 7}
#define MASK_ILO {0, 8, 1, 9, 2, 10, 3, 11}
#define MASK_IHI {4, 12, 5, 13, 6, 14, 7, 15}
#include "ref_kern_body.h"
#undef VW
#undef SFX
#undef ATTR
#undef STREAM
#undef CORR_R
#undef FIX_R
#undef FIX_V
#undef CORR_V
#undef CONV_P1
#undef CONV_P2
#undef CONV_P3
#undef CONV_P4
#undef MASK_EVEN
#undef MASK_ODD
#undef MASK_DUPLO
#undef MASK_DUPHI
#undef MASK_ILO
#undef MASK_IHI

/* AVX-512: 16 floats, 32 registers. */
#define VW 16
#define SFX avx512
#define ATTR __attribute__((target("avx512f")))
#define STREAM(p, v) (_mm512_stream_ps((p), (__m512)(v)))
#define CORR_R 6
#define CORR_V 4
#define FIX_R 6
#define FIX_V 2
#define CONV_P1 12
#define CONV_P2 12
#define CONV_P3 8
#define CONV_P4 6
#define MASK_EVEN {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}
#define MASK_ODD {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31}
#define MASK_DUPLO {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7}
#define MASK_DUPHI {8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15}
#define MASK_ILO {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}
#define MASK_IHI {8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31}
#include "ref_kern_body.h"
#endif
