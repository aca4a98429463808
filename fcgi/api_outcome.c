/* api_outcome: issue 12 item 2: a client answered 503 outcome_unknown asks whether its write committed, by the
 * request token of that answer (db.c records one in every write transaction). */
#include "api.h"
#include "db.h"
#include "json.h"
#include <string.h>

enum xerr api_outcome_get(struct req *r, struct resp *w)
{
	const char *t = r->n_path_params > 0 ? r->path_params[0] : NULL;
	if (!t || strlen(t) != 32 || strspn(t, "0123456789abcdef") != 32)
		return resp_error_zh(r, w, XE_VALIDATION, "token", "token 应为 32 位十六进制字符。", "token must be 32 hexadecimal characters.");
	int found = 0;
	enum xerr e = db_tx_token_known(r->db, t, &found);
	if (e != XE_OK)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", t);
	cJSON_AddBoolToObject(o, "committed", found);
	return resp_json(r, w, 200, o);
}
