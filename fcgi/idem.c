/* idem: the hashes that bind an idempotency key to its request (R29). */
#include "idem.h"
#include "json.h"
#include <sodium.h>
#include <string.h>

static void sha(const void *prefix, size_t plen, const void *text, size_t len, unsigned char out[32], char hex[65])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	if (plen)
		crypto_hash_sha256_update(&st, prefix, plen);
	crypto_hash_sha256_update(&st, text ? text : (const void *)"", len);
	crypto_hash_sha256_final(&st, out);
	sodium_bin2hex(hex, 65, out, 32);
}

void idem_hash(const void *prefix, size_t plen, const cJSON *content, const void *sent, size_t sent_len,
	       struct idem_hash *h)
{
	sha(prefix, plen, sent, sent_len, h->sent_bin, h->sent_hex);
	char *canon = content ? json_canonical(content) : NULL;
	if (canon)
		sha(prefix, plen, canon, strlen(canon), h->bin, h->hex);
	else /* no content, or no memory for its text: bound to the bytes, as before */
		memcpy(h->bin, h->sent_bin, 32), memcpy(h->hex, h->sent_hex, 65);
}

int idem_same_hex(const struct idem_hash *h, const char *stored_hex)
{
	return stored_hex && (strcmp(stored_hex, h->hex) == 0 || strcmp(stored_hex, h->sent_hex) == 0);
}

int idem_same_bin(const struct idem_hash *h, const unsigned char stored[32])
{
	return memcmp(stored, h->bin, 32) == 0 || memcmp(stored, h->sent_bin, 32) == 0;
}
