/* convert.c -- float to 8-bit conversion, the library's own (used to save
 * PNGs, and the reference for the students' to_uint8): round half to even,
 * then clamp to 0..255, NaN becomes 0 (OpenCV saturate_cast, C lrintf).
 */
#include "convlab.h"

#include <math.h>

uint8_t cl_float_to_u8(float v)
{
    if (isnan(v) || v <= 0.0f)
        return 0;
    if (v >= 255.0f)
        return 255;
    /* nearbyintf rounds half to even in the default rounding mode; clamping
     * first gives the same result as rounding first, without overflow. */
    return (uint8_t)nearbyintf(v);
}

int cl_to_uint8(const cl_image *in, uint8_t *out)
{
    int st = cl_image_check(in, "image");
    if (st != CL_OK)
        return st;
    if (out == NULL)
        return cl_fail(CL_E_ARG, "to_uint8: out is NULL");
    size_t count = cl_image_count(in);
    for (size_t i = 0; i < count; i++)
        out[i] = cl_float_to_u8(in->data[i]);
    return CL_OK;
}
