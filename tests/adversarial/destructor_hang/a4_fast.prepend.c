/* tests/adversarial/destructor_hang: see expect.toml. Answers correctly,
 * but a destructor (run when the worker exits after QUIT) blocks every signal
 * and never returns, and so does an atexit-style handler: the worker never
 * exits on its own. */
#include <pthread.h>
#include <signal.h>
#include "assignment.h"

__attribute__((destructor)) static void linger(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, 0);
    for (volatile unsigned long i = 0;; i++) { }
}
