/* stb_impl.c -- stb_image and stb_image_write compiled with the fuzzing
 * instrumentation, in place of the distribution's uninstrumented libstb. */
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_write.h>
