/* thread: detached threads with the service's stack size (request workers, import jobs, housekeeping). */
#ifndef XJ_THREAD_H
#define XJ_THREAD_H

/* Stack of every service thread: requests keep big buffers on the heap or in their arena. */
#define THREAD_STACK (1u << 20)

/* Start fn(arg) on a new detached thread. 0, or the pthread_create error (nothing started; arg stays the caller's). */
int thread_spawn(void *(*fn)(void *), void *arg);

#endif
