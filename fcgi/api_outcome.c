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
	/* a token past its retention may be gone: settling it would say "not committed, send it again" for a write that
	 * committed (a client reconciling the night's writes the next morning would store them twice) */
	if (db_tx_token_expired(t))
		return resp_error_zh(r, w, XE_GONE, "token", "该 token 已超过一天的保存期限，无法判断当时的写入是否已保存。请先核对数据（例如按学籍号或幂等键查询），不要直接重新提交。",
				     "This token is older than the day tokens are kept: whether its write was stored can no longer be told. Check the data (e.g. by the record or the idempotency key) before sending it again.");
	int found = 0;
	enum xerr e = db_tx_token_known(r->db, t, &found);
	if (e != XE_OK)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", t);
	cJSON_AddBoolToObject(o, "committed", found);
	return resp_json(r, w, 200, o);
}
