/* sbuf: a growable byte string (CSV and JSON text built in C). The caller owns b.s (malloc) and frees it. */
#ifndef XJ_SBUF_H
#define XJ_SBUF_H
#include <stddef.h>

struct sbuf {
	char *s;    /* NUL-terminated once anything was put; NULL before */
	size_t n, cap;
};

/* Append k bytes of s. Aborts (assert) when memory runs out. */
void sbuf_put(struct sbuf *b, const char *s, size_t k);
/* Append a NUL-terminated string. */
void sbuf_puts(struct sbuf *b, const char *s);
/* Append k bytes of UTF-8 as a quoted JSON string (", \ and control characters escaped). */
void sbuf_json_str(struct sbuf *b, const char *s, size_t k);

#endif
