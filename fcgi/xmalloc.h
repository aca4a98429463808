/* xmalloc: the one allocation-failure policy of the service (redis zmalloc, kcgi kmalloc): every heap allocation
 * outside the per-request arena goes through these; they never return NULL. On failure the one handler logs the
 * size to stderr and aborts the process (the supervisor restarts it; a half-built request is never answered). */
#ifndef XJ_XMALLOC_H
#define XJ_XMALLOC_H
#include <stddef.h>

/* Like malloc/calloc/realloc/strdup; the caller owns the result and frees it with free(). n == 0 gives a unique
 * pointer (never NULL). xcalloc checks nmemb * size for overflow. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* The handler: called with the requested size, does not return. */
_Noreturn void xmalloc_oom(size_t n);

#endif
