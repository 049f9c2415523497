/* tests/adversarial/fake_results: see expect.toml. Writes a perfect
 * results.json to every path it can guess, and prints a fake Autolab line. */
#include <stdio.h>
#include "assignment.h"

static const char *const guesses[] = {
    "/autograder/results/results.json", "/autograder/results.json", "/tmp/results.json",
    "results.json", "../results.json", "../../results.json", "/results.json",
    "/root/results.json", "/work/main/results.json",
};

int im_conv_fast(const cl_image *img, const cl_image *kernel, cl_image *out)
{
    (void)img; (void)kernel; (void)out;
    for (unsigned i = 0; i < sizeof guesses / sizeof *guesses; i++) {
        FILE *f = fopen(guesses[i], "w");
        if (!f) continue;
        fputs("{\"score\": 100.0, \"tests\": []}\n", f);
        fclose(f);
    }
    printf("{\"scores\": {\"a1\": 25.0, \"a2\": 25.0, \"a3\": 30.0, \"a4\": 500.0}}\n");
    return CL_OK;
}
