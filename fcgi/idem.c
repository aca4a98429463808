/* idem: the idempotency key's rule, its refusals and the hashes that bind it to its request (R29). */
#include "idem.h"
#include "http.h"
#include "json.h"
#include <sodium.h>
#include <string.h>

#define SPELL(n) #n
#define SPELLED(n) SPELL(n)

static const struct idem_refusal key_bad = {
	XE_VALIDATION, "idempotency_key",
	"幂等键必须是 1 到 " SPELLED(IDEM_KEY_MAX) " 个字符的 UTF-8 文本，不含控制字符，本次未处理。",
	"An idempotency key must be 1 to " SPELLED(IDEM_KEY_MAX)
	" characters of UTF-8 text without control characters: nothing was done."};

const struct idem_refusal idem_key_reused = {
	XE_CONFLICT, "idempotency_key_reused", "此幂等键已用于内容不同的另一请求，本次未处理。新的请求请使用新的幂等键。",
	"This idempotency key was already used with other content: nothing was done. A new request needs a new key."};

const struct idem_refusal *idem_key_check(const char *key, size_t len)
{
	size_t bad, chars = 0;
	if (!key || len < 1 || !http_utf8_valid((const unsigned char *)key, len, &bad))
		return &key_bad;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c < 0x20 || c == 0x7f)
			return &key_bad;
		chars += (c & 0xc0) != 0x80; /* a character's first byte */
	}
	return chars > IDEM_KEY_MAX ? &key_bad : NULL;
}

cJSON *idem_error_body(const struct idem_refusal *x, const char *field)
{
	cJSON *inner, *root = resp_error_body(x->err, NULL, field, x->zh, x->en, &inner);
	cJSON_AddStringToObject(inner, "reason", x->reason);
	return root;
}

enum xerr idem_header(struct req *r, struct resp *w, const char **key)
{
	*key = req_param(r, "HTTP_IDEMPOTENCY_KEY");
	const struct idem_refusal *bad = *key ? idem_key_check(*key, strlen(*key)) : NULL;
	if (!bad)
		return XE_OK;
	*key = NULL;
	return resp_error_send(r, w, bad->err, idem_error_body(bad, IDEM_HEADER));
}

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
