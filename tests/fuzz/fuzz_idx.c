/* fuzz_idx.c -- libFuzzer target: the IDX readers of harness/io_idx.c
 * (cl_idx_info, cl_idx_read_images, cl_idx_read_labels), raw or gzip (zlib
 * reads both through gzopen). */
#include "fuzz_common.h"

#include "convlab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);

    int type = 0, ndim = 0;
    long dims[CL_NPY_MAXDIM];
    cl_idx_info(path, &type, &ndim, dims);

    static const int ranges[][2] = {{0, 0}, {0, 1}, {1, 2}, {3, 0}};
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
        cl_image im = {0};
        if (cl_idx_read_images(&im, path, ranges[k][0], ranges[k][1]) == CL_OK) {
            size_t count = cl_image_count(&im);
            volatile float sum = 0;
            for (size_t i = 0; i < count; i++)
                sum += im.data[i];
            (void)sum;
        }
        cl_image_free(&im);

        uint8_t *labels = NULL;
        int n = 0;
        if (cl_idx_read_labels(&labels, &n, path, ranges[k][0], ranges[k][1]) == CL_OK) {
            volatile unsigned sum = 0;
            for (int i = 0; i < n; i++)
                sum += labels[i];
            (void)sum;
        }
        free(labels);
    }
    return 0;
}
