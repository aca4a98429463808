/* cursor: list envelope and signed keyset cursors (see cursor.h). */
#include "cursor.h"
#include "config.h"
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char key[crypto_generichash_KEYBYTES];

void cursor_init(void)
{
	const char *k = config_str("XJ_CURSOR_KEY");
	char seed[512];
	snprintf(seed, sizeof seed, "xueji-cursor-v1|%s", k && *k ? k : cfg.db_password ? cfg.db_password : "");
	crypto_generichash(key, sizeof key, (const unsigned char *)seed, strlen(seed), NULL, 0);
	sodium_memzero(seed, sizeof seed);
}

cJSON *cursor_list(cJSON **items)
{
	cJSON *o = cJSON_CreateObject();
	*items = cJSON_AddArrayToObject(o, "items");
	cJSON_AddNullToObject(o, "next_cursor");
	return o;
}

/* "name|who|v1|v2..." */
static int payload(char *out, size_t outsz, const char *name, const struct principal *who, const long long *v, size_t n)
{
	int k = snprintf(out, outsz, "%s|%llu", name, who ? (unsigned long long)who->user_id * 2 + (who->is_api ? 1 : 0) : 0ULL);
	for (size_t i = 0; i < n && k > 0 && (size_t)k < outsz; i++)
		k += snprintf(out + k, outsz - (size_t)k, "|%lld", v[i]);
	return k > 0 && (size_t)k < outsz ? k : -1;
}

void cursor_next(struct req *r, cJSON *list, const char *name, size_t n, long long limit, const long long *last, size_t nvals)
{
	cursor_next_str(r, list, name, n, limit, last, nvals, NULL);
}

void cursor_next_str(struct req *r, cJSON *list, const char *name, size_t n, long long limit, const long long *last,
		     size_t nvals, const char *str)
{
	assert(nvals <= CURSOR_MAX_VALUES);
	assert(!str || strlen(str) <= CURSOR_MAX_STR);
	if (n == 0 || (long long)n < limit)
		return; /* the page was not full: the list ends here */
	char p[CURSOR_PAYLOAD];
	int len = payload(p, sizeof p, name, r->who, last, nvals);
	assert(len > 0);
	if (str) { /* the string key comes last, as is: "|s<bytes>" to the end of the payload */
		size_t sl = strlen(str);
		assert((size_t)len + 2 + sl < sizeof p);
		p[len++] = '|';
		p[len++] = 's';
		memcpy(p + len, str, sl);
		len += (int)sl;
	}
	unsigned char mac[16];
	crypto_generichash(mac, sizeof mac, (const unsigned char *)p, (size_t)len, key, sizeof key);
	unsigned char raw[sizeof p + sizeof mac];
	memcpy(raw, mac, sizeof mac);
	memcpy(raw + sizeof mac, p, (size_t)len);
	size_t b64 = sodium_base64_ENCODED_LEN(sizeof mac + (size_t)len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = arena_alloc(r->arena, b64);
	sodium_bin2base64(s, b64, raw, sizeof mac + (size_t)len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	cJSON_ReplaceItemInObjectCaseSensitive(list, "next_cursor", cJSON_CreateString(s));
}

enum xerr cursor_read(struct req *r, struct resp *w, const char *name, long long *vals, size_t nvals, int *present)
{
	return cursor_read_str(r, w, name, vals, nvals, NULL, present);
}

enum xerr cursor_read_str(struct req *r, struct resp *w, const char *name, long long *vals, size_t nvals, const char **str,
			  int *present)
{
	assert(nvals <= CURSOR_MAX_VALUES);
	const char *s = req_query(r, "cursor");
	*present = 0;
	if (str)
		*str = NULL;
	if (!s || !*s)
		return XE_OK;
	unsigned char raw[CURSOR_PAYLOAD + 16];
	size_t len = 0;
	char p[CURSOR_PAYLOAD];
	if (strlen(s) > sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING) || sodium_base642bin(raw, sizeof raw, s, strlen(s), NULL, &len, NULL,
						 sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || len <= 16)
		goto bad;
	unsigned char mac[16];
	crypto_generichash(mac, sizeof mac, raw + 16, len - 16, key, sizeof key);
	int plen = payload(p, sizeof p, name, r->who, (const long long[CURSOR_MAX_VALUES]){0}, 0);
	/* the signature, then the list and the caller it was issued for */
	if (sodium_memcmp(mac, raw, 16) != 0 || plen < 0 || len - 16 <= (size_t)plen || memcmp(raw + 16, p, (size_t)plen) != 0 ||
	    raw[16 + plen] != '|')
		goto bad;
	size_t vn = len - 16 - (size_t)plen - 1;
	char *vs = arena_alloc(r->arena, vn + 1);
	memcpy(vs, raw + 16 + plen + 1, vn);
	vs[vn] = 0;
	char *q = vs;
	for (size_t i = 0; i < nvals; i++) {
		char *end;
		vals[i] = strtoll(q, &end, 10);
		if (end == q || (i + 1 < nvals || str ? *end != '|' : *end != 0))
			goto bad;
		q = end + 1;
	}
	if (str) { /* the string key: "s" then its bytes to the end (signed with the rest) */
		if (*q != 's' || memchr(q, 0, vn - (size_t)(q - vs)) != NULL)
			goto bad;
		*str = q + 1;
	}
	*present = 1;
	return XE_OK;
bad:
	return resp_error_zh(r, w, XE_VALIDATION, "cursor", "翻页位置无效，请从第一页重新开始。",
			     "The cursor is not one this list gave you; start again from the first page.");
}
