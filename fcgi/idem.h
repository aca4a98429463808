/* idem: the idempotency key (R29): its one rule and answers, and what binds it to its request (a hash of its content). */
#ifndef XJ_IDEM_H
#define XJ_IDEM_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"

struct req;
struct resp;

/* Characters of an idempotency key (R29): the VARCHAR(100) of api_idem and workflow_idempotency. Served by
 * GET /api/v1/rules as limits.fields.idempotency_key (x-limit in the OpenAPI document). A plain number: the texts
 * of idem.c spell it. */
#define IDEM_KEY_MAX 100
/* The request header of a key (a registration, a workflow action), as the error's field names it. */
#define IDEM_HEADER "Idempotency-Key"

/* A refusal of a key: its error kind (err.h), its stable reason (error.reason) and both texts. Static. */
struct idem_refusal {
	enum xerr err;
	const char *reason, *zh, *en;
};
/* R29: a key of other content than the request it was first used with: 409 conflict, reason idempotency_key_reused
 * (nothing done), the one answer of every endpoint that takes a key. */
extern const struct idem_refusal idem_key_reused;

/* R29: the one rule of a key, wherever it comes from (the Idempotency-Key header, a provincial item's
 * idempotency_key): 1 to IDEM_KEY_MAX characters of valid UTF-8 without control characters (C0, DEL): every key
 * the header or a provincial item took before but control characters, so a province's keys stay keys. NULL when key[0..len) keeps
 * it, else the refusal: 422 invalid, reason idempotency_key. */
const struct idem_refusal *idem_key_check(const char *key, size_t len);
/* The one error body of a refusal (resp_error_body with its reason); field: where the key came from. */
cJSON *idem_error_body(const struct idem_refusal *x, const char *field);
/* The Idempotency-Key header of r: *key NULL when absent; a key breaking the rule is answered in w (422) and
 * returned (XE_VALIDATION), before anything is read or stored. */
enum xerr idem_header(struct req *r, struct resp *w, const char **key);

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
