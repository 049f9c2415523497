/* tests/adversarial/read_solutions: see expect.toml. Pastes the kit's model
 * answer in at compile time, by absolute and by relative path. */
#include "/work/main/solutions/a1_windows.c"
#include "../../../solutions/a1_windows.c"
