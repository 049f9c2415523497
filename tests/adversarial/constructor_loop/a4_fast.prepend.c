/* tests/adversarial/constructor_loop: see expect.toml. A constructor that
 * blocks every signal and never returns: the worker never says hello. */
#include <pthread.h>
#include <signal.h>
#include "assignment.h"

__attribute__((constructor)) static void never(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, 0);
    for (volatile unsigned long i = 0;; i++) { }
}
