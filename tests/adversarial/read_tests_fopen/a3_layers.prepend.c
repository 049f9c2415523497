/* tests/adversarial/read_tests_fopen: see expect.toml. Reads the kit's tests
 * and expected data at run time. */
#include <stdio.h>
static long peek(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    long n = 0;
    while (fgetc(f) != EOF) n++;
    fclose(f);
    return n;
}
__attribute__((constructor)) static void snoop(void)
{
    fprintf(stderr, "cases.toml: %ld bytes, solutions: %ld bytes\n",
            peek("/work/main/tests/cases.toml"), peek("/work/main/solutions/a3_layers.c"));
}
