/* sbuf: a growable byte string (sbuf.h). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sbuf.h"
#include "xmalloc.h"

void sbuf_put(struct sbuf *b, const char *s, size_t k)
{
	if (b->n + k + 1 > b->cap) {
		b->cap = (b->n + k + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, k);
	b->n += k;
	b->s[b->n] = 0;
}

void sbuf_puts(struct sbuf *b, const char *s) { sbuf_put(b, s, strlen(s)); }

void sbuf_json_str(struct sbuf *b, const char *s, size_t k)
{
	sbuf_put(b, "\"", 1);
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			sbuf_put(b, esc, 2);
		} else if (c < 0x20) {
			char esc[8];
			snprintf(esc, sizeof esc, "\\u%04x", c);
			sbuf_put(b, esc, 6);
		} else
			sbuf_put(b, s + i, 1);
	}
	sbuf_put(b, "\"", 1);
}
