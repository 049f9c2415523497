/* random.c -- deterministic pseudo-random numbers (splitmix64) and random
 * images, identical on every machine for a given seed. */
#include "convlab.h"

void cl_rng_seed(cl_rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t cl_rng_next(cl_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int cl_rng_int(cl_rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(cl_rng_next(r) % (uint64_t)((int64_t)hi - lo + 1));
}

float cl_rng_float(cl_rng *r, float lo, float hi)
{
    /* 24 random bits: exactly representable, the same everywhere */
    float u = (float)(cl_rng_next(r) >> 40) * (1.0f / 16777216.0f);
    return lo + (hi - lo) * u;
}

int cl_image_random(cl_image *out, int n, int h, int w, int c, uint64_t seed, float lo, float hi)
{
    int st = cl_image_alloc(out, n, h, w, c);
    if (st != CL_OK)
        return st;
    cl_rng r;
    cl_rng_seed(&r, seed);
    for (size_t i = 0, count = cl_image_count(out); i < count; i++)
        out->data[i] = cl_rng_float(&r, lo, hi);
    return CL_OK;
}
