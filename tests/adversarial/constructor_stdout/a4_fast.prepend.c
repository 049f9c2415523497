/* tests/adversarial/constructor_stdout: see expect.toml. Prints a fake
 * Autolab scores line from a constructor, before main() runs (when the
 * worker's descriptor 1 is still the protocol pipe), and otherwise answers
 * correctly. */
#include <stdio.h>
#include "assignment.h"
#define FAKE "{\"scores\": {\"a1\": 25.0, \"a2\": 25.0, \"a3\": 30.0, \"a4\": 500.0}}"
__attribute__((constructor)) static void fake(void)
{
    printf("\n%s\n", FAKE);
    fprintf(stderr, "\n%s\n", FAKE);
    fflush(stdout);
}
