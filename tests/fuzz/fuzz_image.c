/* fuzz_image.c -- libFuzzer target: cl_image_load (harness/io_image.c), which
 * reads PNG, JPEG, BMP... through stb_image. stb_image is compiled with the
 * same instrumentation (tests/fuzz/stb_impl.c), so the fuzzer sees inside it. */
#include "fuzz_common.h"

#include "convlab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    static const int channels[] = {0, 1, 3};
    for (int k = 0; k < 3; k++) {
        cl_image im = {0};
        if (cl_image_load(&im, path, channels[k]) == CL_OK) {
            size_t count = cl_image_count(&im);
            volatile float sum = 0;
            for (size_t i = 0; i < count; i++)
                sum += im.data[i];
            (void)sum;
        }
        cl_image_free(&im);
    }
    return 0;
}
