/* idem: what binds an idempotency key to its request (R29): a hash of the request's content, not of its bytes. */
#ifndef XJ_IDEM_H
#define XJ_IDEM_H
#include <stddef.h>
#include <cjson/cJSON.h>

/* The hashes of one request. bin/hex: SHA-256 of prefix and the content's canonical JSON (json_canonical: object
 * members in name order, no white space), stored with a new key: the same content sent again with its members in
 * another order or other spacing is the same request. sent_bin/sent_hex: SHA-256 of prefix and the text as the
 * service hashed it before (the bytes sent, or an item's cJSON print): keys stored by an older build are bound to it,
 * and are honoured while they are kept (XJ_KEEP_IDEMPOTENCY_DAYS). */
struct idem_hash {
	unsigned char bin[32], sent_bin[32];
	char hex[65], sent_hex[65];
};
/* Fill h. prefix (plen bytes, may be 0) binds the key to more than the content (a workflow action: its path);
 * content: the parsed request (NULL hashes sent for both); sent/sent_len: the text hashed before. Allocates the
 * canonical text from cJSON's hooks (the current arena). */
void idem_hash(const void *prefix, size_t plen, const cJSON *content, const void *sent, size_t sent_len,
	       struct idem_hash *h);
/* Whether a stored hash (hex, or 32 bytes) is h's request: either of its hashes. */
int idem_same_hex(const struct idem_hash *h, const char *stored_hex);
int idem_same_bin(const struct idem_hash *h, const unsigned char stored[32]);

#endif
