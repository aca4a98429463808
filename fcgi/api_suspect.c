/* api_suspect: suspected duplicates (R31, issue 17): the bureau's list and decisions. Parse and serialise only: the
 * decision is suspects.c's, the SQL db_suspect.c's. */
#include <string.h>
#include "api.h"
#include "json.h"
#include "cursor.h"
#include "dedup.h"
#include "db_suspect.h"
#include "suspects.h"

/* one record of a pair, side by side (the arbiter's jurisdiction holds both: numbers masked as in the group list) */
static void add_record(cJSON *arr, const struct db_rows *rs, size_t i, size_t off)
{
	char mask[256]; /* a guardian name: 50 characters of up to 4 bytes */
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "student_id", (double)db_get_int(rs, i, off + SXR_ID));
	json_add_str(o, "student_no", db_get(rs, i, off + SXR_NO));
	json_add_str(o, "name", db_get(rs, i, off + SXR_NAME));
	json_add_str(o, "gender", db_get(rs, i, off + SXR_GENDER));
	json_add_str(o, "birth_date", db_get(rs, i, off + SXR_BIRTH));
	json_add_str(o, "id_type", db_get(rs, i, off + SXR_IDTYPE));
	json_add_str(o, "id_number_masked", dedup_mask_id(db_get(rs, i, off + SXR_IDNO), mask, sizeof mask));
	json_add_str(o, "status", db_get(rs, i, off + SXR_STATUS));
	json_add_str(o, "grade", db_get(rs, i, off + SXR_GRADE));
	json_add_str(o, "class_name", db_get(rs, i, off + SXR_CLASS));
	/* the guardian the score compares (issue 17 item 3), masked as the list masks personal data */
	json_add_str(o, "guardian_name_masked", dedup_mask_name(db_get(rs, i, off + SXR_GUARDIAN), mask, sizeof mask));
	json_add_str(o, "guardian_phone_masked", dedup_mask_id(db_get(rs, i, off + SXR_PHONE), mask, sizeof mask));
	cJSON *s = cJSON_AddObjectToObject(o, "school");
	json_add_str(s, "code", db_get(rs, i, off + SXR_SCHOOL_CODE));
	json_add_str(s, "name", db_get(rs, i, off + SXR_SCHOOL_NAME));
	cJSON *c = cJSON_AddObjectToObject(o, "county");
	json_add_str(c, "code", db_get(rs, i, off + SXR_COUNTY_CODE));
	json_add_str(c, "name", db_get(rs, i, off + SXR_COUNTY_NAME));
	cJSON_AddItemToArray(arr, o);
}

static cJSON *pair_json(const struct db_rows *rs, size_t i)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)db_get_int(rs, i, SXL_ID));
	long long score = db_get_int(rs, i, SXL_SCORE); /* per mille; strong pairs may sum past 1000 */
	cJSON_AddNumberToObject(o, "score", (double)(score > 1000 ? 1000 : score) / 1000.0);
	json_add_str(o, "kind", db_get(rs, i, SXL_KIND));
	json_add_str(o, "state", db_get(rs, i, SXL_STATE));
	cJSON_AddNumberToObject(o, "version", (double)db_get_int(rs, i, SXL_VERSION));
	if (db_get(rs, i, SXL_GROUP))
		cJSON_AddNumberToObject(o, "group_id", (double)db_get_int(rs, i, SXL_GROUP));
	else
		cJSON_AddNullToObject(o, "group_id");
	json_add_str(o, "decided_at", db_get(rs, i, SXL_DECIDED_AT));
	json_add_str(o, "created_at", db_get(rs, i, SXL_CREATED));
	const char *rules = db_get(rs, i, SXL_RULES);
	cJSON *ex = rules ? cJSON_Parse(rules) : NULL;
	cJSON_AddItemToObject(o, "explanation", ex ? ex : cJSON_CreateArray());
	cJSON *recs = cJSON_AddArrayToObject(o, "records");
	add_record(recs, rs, i, SXL__N);
	add_record(recs, rs, i, SXL__N + SXR__N);
	return o;
}

/* issue 17 item 4: searched and filtered like the other lists (search.h); the cursor is bound to the state and filters */
enum xerr api_suspects_list(struct req *r, struct resp *w)
{
	long long limit, before = 0;
	int paged;
	struct search f;
	enum xerr e;
	if ((e = req_query_int(r, w, "limit", 1, 100, 20, &limit)) || (e = api_search_read(r, w, SEARCH_SUSPECT_KEYS, &f)))
		return e;
	const char *state = req_query(r, "state");
	if (!state || !*state)
		state = "open";
	if (strcmp(state, "open") && strcmp(state, "same_child") && strcmp(state, "different"))
		return resp_error_zh(r, w, XE_VALIDATION, "state", "state 须为 open、same_child 或 different。",
				     "state must be open, same_child or different.");
	const char *list = search_list_name(r->arena, arena_printf(r->arena, "suspects-%s", state), &f);
	if ((e = cursor_read(r, w, list, &before, 1, &paged)))
		return e;
	struct db_rows rs;
	if ((e = db_sx_list(r->db, r->arena, r->who, &f, state, (uint64_t)before, (long)limit, &rs)) != XE_OK)
		return e;
	cJSON *arr, *o = cursor_list(&arr);
	long long last = rs.n ? db_get_int(&rs, rs.n - 1, SXL_ID) : 0;
	cursor_next(r, o, list, rs.n, limit, &last, 1);
	for (size_t i = 0; i < rs.n; i++)
		cJSON_AddItemToArray(arr, pair_json(&rs, i));
	return resp_json(r, w, 200, o);
}

enum xerr api_suspect_decide(struct req *r, struct resp *w)
{
	struct sx_decision d = {.expected_version = -1, .user_id = r->who->user_id, .role = role_name(r->who->role),
				.unit_id = r->who->unit_id};
	cJSON *body;
	const char *decision = NULL;
	long long ver;
	enum xerr e;
	if ((e = req_path_id(r, 0, &d.pair_id)) || (e = req_json(r, w, &body)) ||
	    (e = json_str(r, w, body, "decision", 1, 1, 20, &decision)) ||
	    (e = json_int(r, w, body, "expected_version", 0, 1, 4294967295LL, -1, &ver)) ||
	    (e = json_str(r, w, body, "reason", 0, 0, SX_REASON_MAX, &d.reason)))
		return e;
	if (strcmp(decision, "same_child") == 0)
		d.same_child = 1;
	else if (strcmp(decision, "different") != 0)
		return resp_error_zh(r, w, XE_VALIDATION, "decision", "decision 须为 same_child（同一学生）或 different（不同学生）。",
				     "decision must be same_child or different.");
	d.expected_version = ver;
	e = suspects_decide(r->db, r->arena, &d);
	if (e == XE_CONFLICT) {
		static const struct {
			const char *code, *zh, *en;
		} why[] = {
			{"already_decided", "该疑似重复已有决定。", "This suspected pair has already been decided."},
			{"version_conflict", "该疑似重复已被他人更改，请刷新后重试。", "The suspected pair changed meanwhile; reload and retry."},
			{"record_deleted", "其中一条学籍已删除。", "One of the two records has been deleted."},
			{"group_open", "这两条学籍已有未结的疑似重复问题组。", "The two records already have an open suspected-duplicate group."},
		};
		for (size_t i = 0; i < sizeof why / sizeof why[0]; i++)
			if (d.code && strcmp(d.code, why[i].code) == 0)
				return resp_error_send(r, w, e, resp_error_body(e, why[i].code, NULL, why[i].zh, why[i].en, NULL));
	}
	if (e != XE_OK)
		return e;
	struct db_rows rs;
	if ((e = db_sx_get(r->db, r->arena, d.pair_id, &rs)) != XE_OK)
		return e;
	if (!rs.n)
		return XE_NOT_FOUND;
	return resp_json(r, w, 200, pair_json(&rs, 0));
}
