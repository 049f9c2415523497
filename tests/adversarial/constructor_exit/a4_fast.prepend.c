/* tests/adversarial/constructor_exit: see expect.toml. */
#include "assignment.h"
#include <unistd.h>
__attribute__((constructor)) static void leave(void) { _exit(0); }
