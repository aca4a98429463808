/* thread: the service's threads with its stack size: detached (request workers, import jobs, housekeeping) and
 * joinable (an import's background read, issue 17). */
#ifndef XJ_THREAD_H
#define XJ_THREAD_H
#include <pthread.h>

/* Stack of every service thread: requests keep big buffers on the heap or in their arena. */
#define THREAD_STACK (1u << 20)

/* Start fn(arg) on a new detached thread. 0, or the pthread_create error (nothing started; arg stays the caller's). */
int thread_spawn(void *(*fn)(void *), void *arg);
/* Start fn(arg) on a new joinable thread, *t its handle for thread_join. 0, or the pthread_create error. */
int thread_start(void *(*fn)(void *), void *arg, pthread_t *t);
/* Wait for a thread of thread_start to end. */
void thread_join(pthread_t t);

#endif
