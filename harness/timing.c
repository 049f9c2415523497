/* timing.c -- the monotonic clock the benchmarks and the grader's timing use. */
#include "convlab.h"

#include <time.h>

uint64_t cl_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
