/* arena: a bump allocator for per-request memory, freed all at once by arena_reset. */
#ifndef XJ_ARENA_H
#define XJ_ARENA_H
#include <stddef.h>
#include <stdarg.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;  /* current chunk; owned by the arena */
	size_t first_size;         /* size of the first (kept) chunk */
	size_t used_total;         /* bytes handed out since the last reset */
};

/* Prepare an arena whose first chunk holds first_size bytes. */
void arena_init(struct arena *a, size_t first_size);
/* Allocate n bytes aligned for any type; aborts on out-of-memory. Valid until arena_reset. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Free everything allocated since the last reset; keeps the first chunk for reuse. */
void arena_reset(struct arena *a);
/* Release all memory. */
void arena_free(struct arena *a);

/* The calling thread's current arena (cJSON allocates from it, see json_init). */
void arena_set_current(struct arena *a);
struct arena *arena_current(void);

#endif
