/* fuzz_npy.c -- libFuzzer target: the .npy readers of harness/io_npy.c
 * (cl_npy_read, cl_image_read_npy, cl_weights_read_npy). Every input must be
 * read or refused with a status; sanitizers catch the rest. */
#include "fuzz_common.h"

#include "convlab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);

    float *values = NULL;
    cl_npy_info info;
    int st = cl_npy_read(path, &values, &info);
    if (st == CL_OK) {
        if (info.ndim < 0 || info.ndim > CL_NPY_MAXDIM)
            abort();
        size_t count = 1;
        for (int i = 0; i < info.ndim; i++) {
            if (info.shape[i] < 0)
                abort();
            count *= (size_t)info.shape[i];
        }
        /* touch every value: ASan checks the array is as long as the shape */
        volatile float sum = 0;
        for (size_t i = 0; i < count; i++)
            sum += values[i];
        (void)sum;
    }
    free(values);

    cl_image im = {0};
    int ndim = -1;
    if (cl_image_read_npy(&im, path, &ndim) == CL_OK) {
        size_t count = cl_image_count(&im);
        volatile float sum = 0;
        for (size_t i = 0; i < count; i++)
            sum += im.data[i];
        (void)sum;
    }
    cl_image_free(&im);

    for (int t = 0; t < 2; t++) {
        cl_weights w = {0};
        cl_weights_read_npy(&w, path, t);
        cl_weights_free(&w);
    }
    return 0;
}
