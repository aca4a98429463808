/* thread: the service's threads, with its stack size (thread.h). */
#include <pthread.h>
#include "thread.h"

static int start(void *(*fn)(void *), void *arg, pthread_t *t, int state)
{
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, state);
	pthread_attr_setstacksize(&at, THREAD_STACK);
	int rc = pthread_create(t, &at, fn, arg);
	pthread_attr_destroy(&at);
	return rc;
}

int thread_spawn(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	return start(fn, arg, &t, PTHREAD_CREATE_DETACHED);
}

int thread_start(void *(*fn)(void *), void *arg, pthread_t *t) { return start(fn, arg, t, PTHREAD_CREATE_JOINABLE); }

void thread_join(pthread_t t) { pthread_join(t, NULL); }
