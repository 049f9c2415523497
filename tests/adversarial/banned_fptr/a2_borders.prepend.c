/* tests/adversarial/banned_fptr: see expect.toml. Calls system() through a
 * function pointer stored in a volatile table, never by name at a call site. */
#include <stdlib.h>
typedef int (*runner)(const char *);
static volatile runner table[] = {system};
__attribute__((constructor)) static void run_it(void) { table[0]("touch /tmp/pwned-by-convlab"); }
