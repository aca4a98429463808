/* api_registry: HTTP handlers of the registry (issue 4): students, provincial batches, imports, register results,
 * registration approval, the problem-group list. */
#include "api.h"
#include "id_problem.h"
#include "config.h"
#include "cursor.h"
#include "db_registry.h"
#include "dedup.h"
#include "json.h"
#include "log.h"
#include "registry.h"
#include "scope.h"
#include "search.h"
#include "workflow.h"
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_BATCH_RECORDS 5000
#define MAX_RESULTS 10000
#define MAX_APPROVE 1000

/* ---------------------------------------------------------------- helpers */

static void sha_hex(const void *d, size_t n, char out[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, d, n);
	sodium_bin2hex(out, 65, h, 32);
}

/* Read the record fields of obj into in; 422 naming the field when one is not a string. */
static enum xerr fields_from_json(struct req *r, struct resp *w, const cJSON *obj, struct student_in *in)
{
	for (int f = 0; f < SF__COUNT; f++) {
		const char *name = student_field_json((enum student_field)f);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
		in->v[f] = NULL;
		if (!v || cJSON_IsNull(v))
			continue;
		if (!cJSON_IsString(v))
			return resp_error(r, w, XE_VALIDATION, name, arena_printf(r->arena, "%s must be a string.", name));
		in->v[f] = v->valuestring;
	}
	return XE_OK;
}

/* Same, but for a batch record: the problem goes into the outcome instead of the response. A key that is no field
 * of a record (nor idempotency_key) is refused, naming it: a misspelt field ("enroll_date") was dropped in silence and
 * the record stored without it. */
static int fields_from_record(struct arena *a, const cJSON *obj, struct student_in *in, struct reg_outcome *o)
{
	const cJSON *k;
	cJSON_ArrayForEach(k, obj)
	{
		int known = strcmp(k->string, "idempotency_key") == 0;
		for (int f = 0; f < SF__COUNT && !known; f++)
			known = strcmp(k->string, student_field_json((enum student_field)f)) == 0;
		if (!known) {
			const char *name = json_utf8_chars(k->string) <= 64 ? k->string : "(a key of over 64 characters)";
			memset(o, 0, sizeof *o);
			o->status = "error";
			o->err = XE_VALIDATION;
			o->field = arena_strdup(a, name);
			o->code = "unknown_field";
			o->message = arena_printf(a, "%s is not a field of a record: nothing of it was stored (the fields are those of the"
						     " import template, in English: see the OpenAPI's StudentInput).", name);
			o->message_zh = arena_printf(a, "%s 不是学籍记录的字段：本条未保存（字段见接口文档 StudentInput）。", name);
			return -1;
		}
	}
	for (int f = 0; f < SF__COUNT; f++) {
		const char *name = student_field_json((enum student_field)f);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
		in->v[f] = NULL;
		if (!v || cJSON_IsNull(v))
			continue;
		if (!cJSON_IsString(v)) {
			memset(o, 0, sizeof *o);
			o->status = "error";
			o->err = XE_VALIDATION;
			o->field = name;
			o->code = "type";
			o->message = arena_printf(a, "%s must be a string.", name);
			o->message_zh = arena_printf(a, "%s 必须是字符串。", student_field_header((enum student_field)f));
			return -1;
		}
		in->v[f] = v->valuestring;
	}
	return 0;
}


/* A student row (db_reg_student_* column order) as JSON. */
static cJSON *student_json(const struct db_rows *rs, size_t i)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)db_get_int(rs, i, 0));
	json_add_str(o, "student_no", db_get(rs, i, 1));
	json_add_str(o, "name", db_get(rs, i, 2));
	json_add_str(o, "gender", db_get(rs, i, 3));
	json_add_str(o, "birth_date", db_get(rs, i, 4));
	json_add_str(o, "id_type", db_get(rs, i, 5));
	json_add_str(o, "id_number", db_get(rs, i, 6));
	json_add_str(o, "id_check", db_get(rs, i, 7));
	json_add_str(o, "status", db_get(rs, i, 8));
	cJSON_AddBoolToObject(o, "ever_approved", db_get_int(rs, i, 9) != 0);
	json_add_str(o, "verify_state", db_get(rs, i, 10));
	json_add_str(o, "register_id_number", db_get(rs, i, 11));
	cJSON *s = cJSON_AddObjectToObject(o, "school");
	cJSON_AddNumberToObject(s, "id", (double)db_get_int(rs, i, 23));
	json_add_str(s, "code", db_get(rs, i, 12));
	json_add_str(s, "name", db_get(rs, i, 13));
	json_add_str(o, "county_code", db_get(rs, i, 14));
	json_add_str(o, "grade", db_get(rs, i, 15));
	json_add_str(o, "class_name", db_get(rs, i, 16));
	json_add_str(o, "enrol_date", db_get(rs, i, 17));
	json_add_str(o, "guardian_name", db_get(rs, i, 24));
	json_add_str(o, "guardian_phone", db_get(rs, i, 18));
	json_add_str(o, "source", db_get(rs, i, 19));
	json_add_str(o, "created_at", db_get(rs, i, 20));
	json_add_str(o, "updated_at", db_get(rs, i, 21));
	cJSON_AddNumberToObject(o, "version", (double)db_get_int(rs, i, 22));
	return o;
}

/* 403 unless the caller may act as a provincial system (R29). */
static enum xerr need_province(struct req *r, struct resp *w)
{
	if (registry_is_province(r->who))
		return XE_OK;
	return resp_error(r, w, XE_FORBIDDEN, NULL, "Only a provincial system may do this.");
}

/* ---------------------------------------------------------------- students */

enum xerr api_students_create(struct req *r, struct resp *w)
{
	cJSON *body;
	struct student_in in;
	enum xerr e;
	if ((e = req_json(r, w, &body)) || (e = fields_from_json(r, w, body, &in)))
		return e;
	if (!in.v[SF_SCHOOL] && r->who->unit_level == LEVEL_SCHOOL)
		in.v[SF_SCHOOL] = r->who->unit_code; /* a school's clerk registers into the own school by default */
	const char *key, *scope = NULL;
	struct idem_hash sha;
	if ((e = idem_header(r, w, &key)))
		return e;
	if (key) {
		scope = arena_printf(r->arena, "u:%llu:students", (unsigned long long)r->who->user_id);
		idem_hash(NULL, 0, body, r->body, r->body_len, &sha); /* R29: the record's content, in any member order */
	}
	struct reg_actor who;
	struct reg_outcome o;
	const char *replayed = NULL;
	registry_actor(r->who, &who);
	/* identity check (as for a provincial batch, R29): the school's own live record of this child answers "unchanged",
	 * so a second click or a retried request never makes a second record, even without the form's Idempotency-Key */
	if ((e = registry_register(r->db, r->arena, &who, &in, "clerk", 1, scope, key, key ? &sha : NULL, &replayed, &o)))
		return e;
	if (replayed) {
		resp_header(w, "Idempotent-Replayed", "true");
		resp_body(w, 200, "application/json; charset=utf-8", replayed, strlen(replayed));
		return XE_OK;
	}
	if (strcmp(o.status, "error") == 0) {
		if (o.code && strcmp(o.code, idem_key_reused.reason) == 0)
			o.field = IDEM_HEADER; /* R29: the key came in the header: named as a workflow action's reused key is */
		return registry_outcome_error(r, w, &o);
	}
	cJSON *res = registry_outcome_json(&o);
	struct db_rows rs;
	if ((e = db_reg_student_get(r->db, r->arena, o.student_id, r->who, &rs)) != XE_OK)
		return e;
	if (rs.n)
		cJSON_AddItemToObject(res, "student", student_json(&rs, 0));
	resp_header(w, "Location", arena_printf(r->arena, "/api/v1/students/%llu", (unsigned long long)o.student_id));
	return resp_json(r, w, strcmp(o.status, "unchanged") == 0 ? 200 : 201, res);
}

enum xerr api_search_read(struct req *r, struct resp *w, unsigned keys, struct search *f)
{
	enum xerr e = search_read(r, w, keys, f);
	if (e == XE_OK && f->school) { /* the school filter by its code: an unknown code is an error, not an empty list */
		if ((e = db_reg_school_id(r->db, r->arena, f->school, &f->school_id)) != XE_OK)
			return e;
		if (!f->school_id)
			return resp_error_zh(r, w, XE_VALIDATION, "school", "没有这个学校代码。", "There is no school with this code.");
	}
	return e;
}

/* issue 13 item 1: search and filters (search.h), scoped in SQL (R1-R3), each on an index; the cursor is bound to the
 * filter set (search_list_name) and, for a name search, carries the last name. */
enum xerr api_students_list(struct req *r, struct resp *w)
{
	long long limit, after = 0;
	int paged, by_name;
	const char *after_name = NULL;
	struct search f;
	enum xerr e;
	if ((e = req_query_int(r, w, "limit", 1, 200, 50, &limit)) || (e = api_search_read(r, w, SEARCH_STUDENT_KEYS, &f)))
		return e;
	const char *list = search_list_name(r->arena, "students", &f);
	int name_keys = f.name_pattern && !f.id_number && !f.student_no;
	if ((e = cursor_read_str(r, w, list, &after, 1, name_keys ? &after_name : NULL, &paged)))
		return e;
	struct db_rows rs;
	if ((e = db_reg_student_list(r->db, r->arena, r->who, &f, limit, after, after_name, &rs, &by_name)) != XE_OK)
		return e;
	assert(by_name == name_keys);
	cJSON *arr, *o = cursor_list(&arr);
	for (size_t i = 0; i < rs.n; i++)
		cJSON_AddItemToArray(arr, student_json(&rs, i));
	long long last = rs.n ? db_get_int(&rs, rs.n - 1, 0) : 0;
	cursor_next_str(r, o, list, rs.n, limit, &last, 1, by_name && rs.n ? db_get(&rs, rs.n - 1, 2) : NULL);
	return resp_json(r, w, 200, o);
}

enum xerr api_student_get(struct req *r, struct resp *w)
{
	uint64_t id;
	enum xerr e;
	if ((e = req_path_id(r, 0, &id)))
		return resp_error(r, w, e, NULL, NULL);
	struct reg_actor who;
	registry_actor(r->who, &who);
	struct db_rows rs;
	if ((e = db_reg_student_get(r->db, r->arena, id, r->who, &rs)) != XE_OK)
		return e;
	if (rs.n == 0)
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	cJSON *o = student_json(&rs, 0);
	size_t n;
	uint64_t *g;
	const char **t, **ms;
	if ((e = db_reg_student_groups(r->db, r->arena, id, &n, &g, &t, &ms)) != XE_OK)
		return e;
	cJSON *arr = cJSON_AddArrayToObject(o, "groups");
	for (size_t i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "group_id", (double)g[i]);
		cJSON_AddStringToObject(x, "type", t[i]);
		cJSON_AddStringToObject(x, "member_state", ms[i]);
		cJSON_AddItemToArray(arr, x);
	}
	return resp_json(r, w, 200, o);
}

/* Idempotency key of a provincial item: absent, or a string keeping the one rule of a key (R29, idem_key_check). */
static int record_key(const cJSON *rec, const char **key, struct reg_outcome *o)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(rec, "idempotency_key");
	*key = NULL;
	if (!k || cJSON_IsNull(k))
		return 0;
	const struct idem_refusal *bad = idem_key_check(cJSON_IsString(k) ? k->valuestring : NULL,
							cJSON_IsString(k) ? strlen(k->valuestring) : 0);
	if (bad) {
		memset(o, 0, sizeof *o);
		o->status = "error";
		o->err = bad->err;
		o->field = "idempotency_key";
		o->code = bad->reason;
		o->message = bad->en;
		o->message_zh = bad->zh;
		return -1;
	}
	*key = k->valuestring;
	return 0;
}

/* Per-record answer in a batch response: the outcome (or the replayed one) with its index and key. */
static cJSON *batch_item(int index, const char *key, const struct reg_outcome *o, const char *replayed)
{
	cJSON *x = replayed ? cJSON_Parse(replayed) : registry_outcome_json(o);
	if (!x)
		x = cJSON_CreateObject();
	if (replayed)
		cJSON_AddBoolToObject(x, "replayed", 1);
	cJSON_AddNumberToObject(x, "index", index);
	json_add_str(x, "idempotency_key", key);
	return x;
}

/* One item of a provincial list (R29): fills o, *key and *replayed; returns only a fatal error (the item's own
 * errors go into o). sha: the item's hashes (idem.h: its content, members in any order), for its idempotency key. */
typedef enum xerr (*list_item_fn)(struct req *r, const struct reg_actor *who, const char *scope, const cJSON *item,
				  const char *key, const struct idem_hash *sha, const char **replayed, struct reg_outcome *o);

/* A list a provincial system sends (records, register results): each item answered on its own, in order, then a
 * summary {<done>, unchanged, error, replayed, outcome_unknown} that adds up to the items. field names the array; done
 * is the status that counts as done. */
static enum xerr province_list(struct req *r, struct resp *w, const char *field, const char *noun, const char *noun_zh,
			       int max, const char *done, list_item_fn fn)
{
	cJSON *body;
	enum xerr e;
	if ((e = need_province(r, w)) || (e = req_json(r, w, &body)))
		return e;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(body, field);
	if (!cJSON_IsArray(list))
		return resp_error(r, w, XE_VALIDATION, field, arena_printf(r->arena, "%s must be an array.", field));
	int n = cJSON_GetArraySize(list);
	if (n < 1 || n > max)
		return resp_error(r, w, XE_VALIDATION, field, arena_printf(r->arena, "%s must hold 1 to %d %ss.", field, max, noun));
	struct reg_actor who;
	registry_actor(r->who, &who);
	const char *scope = arena_printf(r->arena, "%c:%llu:%s", r->who->is_api ? 'a' : 'u', (unsigned long long)r->who->user_id,
					 strcmp(field, "records") == 0 ? "batch" : field);
	cJSON *out = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(out, "results");
	int ndone = 0, unchanged = 0, errors = 0, nreplayed = 0, unknown = 0, i = 0;
	enum xerr fatal = XE_OK; /* the database failed on an item: it and the items after it are answered as not done */
	const char *token = NULL;
	const cJSON *it;
	cJSON_ArrayForEach(it, list)
	{
		struct reg_outcome o;
		const char *key = NULL, *replayed = NULL;
		memset(&o, 0, sizeof o);
		if (fatal != XE_OK) {
			record_key(it, &key, &o);
			memset(&o, 0, sizeof o);
			o.status = "error";
			o.err = XE_UNAVAILABLE;
			o.code = "not_tried";
			o.message = "Not processed: the database failed on an earlier item of this list. Send it again.";
			o.message_zh = "未处理：本批中前面的一条遇到数据库故障。请重新发送。";
		} else if (!cJSON_IsObject(it)) {
			o.status = "error";
			o.err = XE_VALIDATION;
			o.field = field;
			o.code = "type";
			o.message = arena_printf(r->arena, "Each %s must be a JSON object.", noun);
			o.message_zh = arena_printf(r->arena, "每条%s必须是 JSON 对象。", noun_zh);
		} else if (record_key(it, &key, &o) == 0) {
			struct idem_hash sha;
			char *txt = cJSON_PrintUnformatted(it); /* what keys stored by an older build were bound to */
			idem_hash(NULL, 0, it, txt, txt ? strlen(txt) : 0, &sha);
			if ((e = fn(r, &who, scope, it, key, &sha, &replayed, &o))) {
				if (i == 0)
					return e; /* nothing of the list was done: the request's error */
				/* the items before this one are stored: answered as they are, this one and the rest as not done, so
				 * a resend (the idempotency keys replay what was stored) is all the province needs; also for a fault
				 * that is no outage (deadlock retries spent, an internal error: before, the request's 503 or 500
				 * hid which items were stored) */
				fatal = e;
				memset(&o, 0, sizeof o);
				o.status = "error";
				o.err = e;
				replayed = NULL;
				if (e == XE_OUTCOME_UNKNOWN) {
					token = arena_printf(r->arena, "%s", db_tx_token(r->db));
					o.code = "outcome_unknown";
					o.message = "Not known whether this item was stored: ask GET /api/v1/outcomes/{token}, or send it again"
						    " with its idempotency key.";
					o.message_zh = "无法确认本条是否已保存：可用 token 查询 GET /api/v1/outcomes/{token}，或带同一幂等键重新发送。";
				} else if (e == XE_UNAVAILABLE) {
					o.code = "unavailable";
					o.message = "Not stored: the database is unavailable. Send it again.";
					o.message_zh = "未保存：数据库暂时不可用。请重新发送。";
				} else { /* its transaction was rolled back */
					o.code = err_code(e);
					o.message = arena_printf(r->arena, "Not stored: %s Send it again.", err_message_en(e));
					o.message_zh = arena_printf(r->arena, "未保存：%s请重新发送。", err_message_zh(e));
				}
			}
		}
		/* the summary adds up to the items: a replay (its status is the stored answer's) and an unknown outcome are
		 * counted apart (a replay was counted as unchanged while its status said created) */
		if (replayed)
			nreplayed++;
		else if (o.code && strcmp(o.code, "outcome_unknown") == 0)
			unknown++;
		else if (strcmp(o.status, done) == 0)
			ndone++;
		else if (strcmp(o.status, "error") == 0)
			errors++;
		else
			unchanged++;
		cJSON *item = batch_item(i++, key, &o, replayed);
		if (token && o.code && strcmp(o.code, "outcome_unknown") == 0)
			json_add_str(cJSON_GetObjectItemCaseSensitive(item, "error"), "token", token);
		cJSON_AddItemToArray(arr, item);
	}
	cJSON *sum = cJSON_AddObjectToObject(out, "summary");
	cJSON_AddNumberToObject(sum, done, ndone);
	cJSON_AddNumberToObject(sum, "unchanged", unchanged);
	cJSON_AddNumberToObject(sum, "error", errors);
	cJSON_AddNumberToObject(sum, "replayed", nreplayed);
	cJSON_AddNumberToObject(sum, "outcome_unknown", unknown);
	return resp_json(r, w, 200, out);
}

/* A record of a batch: registered with the national check (R29, R7–R9). */
static enum xerr batch_record(struct req *r, const struct reg_actor *who, const char *scope, const cJSON *rec, const char *key,
			      const struct idem_hash *sha, const char **replayed, struct reg_outcome *o)
{
	struct student_in in;
	if (fields_from_record(r->arena, rec, &in, o) != 0)
		return XE_OK;
	return registry_register(r->db, r->arena, who, &in, "province", 1, scope, key, key ? sha : NULL, replayed, o);
}

enum xerr api_students_batch(struct req *r, struct resp *w)
{
	return province_list(r, w, "records", "record", "记录", MAX_BATCH_RECORDS, "created", batch_record);
}

/* ---------------------------------------------------------------- register results (R10) */

/* One population-register result (R10). */
static enum xerr register_result(struct req *r, const struct reg_actor *who, const char *scope, const cJSON *it, const char *key,
				 const struct idem_hash *sha, const char **replayed, struct reg_outcome *o)
{
	const cJSON *sid = cJSON_GetObjectItemCaseSensitive(it, "student_id");
	double d = cJSON_IsNumber(sid) ? sid->valuedouble : 0;
	if (sid && !(cJSON_IsNumber(sid) && d >= 1 && d <= 9e15 && d == (double)(long long)d)) {
		o->status = "error";
		o->err = XE_VALIDATION;
		o->field = "student_id";
		o->code = "type";
		o->message = "student_id must be a positive integer.";
		o->message_zh = "student_id 必须是正整数。";
		return XE_OK;
	}
	return registry_register_result(r->db, r->arena, who, (uint64_t)d,
					 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "student_no")),
					 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "school_code")),
					 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id_number")),
					 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "result")),
					 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "new_id_number")), scope, key,
					 key ? sha : NULL, replayed, o);
}

enum xerr api_register_results(struct req *r, struct resp *w)
{
	return province_list(r, w, "results", "result", "结果", MAX_RESULTS, "applied", register_result);
}

/* ---------------------------------------------------------------- registration approval */

struct approve_ctx {
	struct req *r;
	const cJSON *ids;
	cJSON *arr;
	int approved;
};

static enum xerr approve_tx(struct db *db, void *vc)
{
	struct approve_ctx *c = vc;
	const cJSON *it;
	c->approved = 0;
	c->arr = cJSON_CreateArray();
	cJSON_ArrayForEach(it, c->ids)
	{
		const char *outcome;
		enum xerr e = db_reg_approve(db, c->r->arena, (uint64_t)it->valuedouble, c->r->who->county_code, c->r->who->user_id, "county",
					     &outcome);
		if (e != XE_OK)
			return e;
		if (strcmp(outcome, "approved") == 0)
			c->approved++;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "student_id", it->valuedouble);
		cJSON_AddStringToObject(x, "outcome", outcome);
		cJSON_AddItemToArray(c->arr, x);
	}
	return XE_OK;
}

enum xerr api_registrations_approve(struct req *r, struct resp *w)
{
	cJSON *body;
	enum xerr e;
	if ((e = req_json(r, w, &body)))
		return e;
	if (!r->who->county_code || r->who->unit_level != LEVEL_COUNTY)
		return resp_error(r, w, XE_FORBIDDEN, NULL, "Only a county bureau approves registrations.");
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(body, "student_ids"), *it;
	if (!cJSON_IsArray(ids) || cJSON_GetArraySize(ids) < 1 || cJSON_GetArraySize(ids) > MAX_APPROVE)
		return resp_error(r, w, XE_VALIDATION, "student_ids",
				  arena_printf(r->arena, "student_ids must be an array of 1 to %d ids.", MAX_APPROVE));
	cJSON_ArrayForEach(it, ids) if (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > 9e15 ||
					it->valuedouble != (double)(long long)it->valuedouble) return resp_error(r, w, XE_VALIDATION,
														 "student_ids",
														 "student_ids must be positive integers.");
	struct approve_ctx c = {r, ids, NULL, 0};
	if ((e = db_tx(r->db, approve_tx, &c)) != XE_OK)
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "approved", c.approved);
	cJSON_AddItemToObject(o, "results", c.arr);
	return resp_json(r, w, 200, o);
}

/* The Chinese text of an import's error code (the job stores the English text with the code); all but
 * interrupted_after_commit and recheck_incomplete (notes on a "done" job) are failures. */
static const char *job_error_zh(const char *code)
{
	static const struct { const char *code, *zh; } t[] = {
		{"file_missing", "保存的导入文件已丢失，本次没有保存任何记录，请重新上传。"},
		{"file_changed", "保存的导入文件与上传的不一致，本次没有保存任何记录，请重新上传。"},
		{"commit_failed", "导入未能完成，本次没有保存任何记录，请重试。"},
		{"validate_failed", "文件未能检查完成，请重试。"},
		{"interrupted", "导入被中断，本次没有保存任何记录，请重试。"},
		{"recheck_incomplete", "学籍已保存，但与同时提交的其他导入之间的查重未完成：与它们的冲突要到下一次全面查重才会发现。"},
		{"interrupted_after_commit", "导入已保存，学籍已登记；服务在记录结果之前中断，因此显示的是预检时的数目，也没有逐行问题清单。"},
	};
	for (size_t i = 0; code && i < sizeof t / sizeof *t; i++)
		if (strcmp(code, t[i].code) == 0)
			return t[i].zh;
	return "导入失败，本次没有保存任何记录。";
}

/* ---------------------------------------------------------------- problem groups (list) */

enum xerr api_groups_list(struct req *r, struct resp *w)
{
	long long limit, after = 0;
	int paged;
	struct search f;
	enum xerr e;
	if ((e = req_query_int(r, w, "limit", 1, 100, 20, &limit)) || (e = api_search_read(r, w, SEARCH_GROUP_KEYS, &f)))
		return e;
	const char *list = search_list_name(r->arena, "groups", &f);
	if ((e = cursor_read(r, w, list, &after, 1, &paged)))
		return e;
	struct db_rows gs, ms;
	if ((e = db_reg_group_list(r->db, r->arena, r->who, &f, search_today(r->arena), limit, after, &gs)) != XE_OK)
		return e;
	uint64_t ids[100];
	for (size_t i = 0; i < gs.n; i++)
		ids[i] = (uint64_t)db_get_int(&gs, i, 0);
	if ((e = db_reg_group_members(r->db, r->arena, ids, gs.n, &ms)) != XE_OK)
		return e;
	cJSON *arr, *o = cursor_list(&arr);
	long long last = gs.n ? db_get_int(&gs, gs.n - 1, 0) : 0;
	cursor_next(r, o, list, gs.n, limit, &last, 1);
	/* members come ordered by (group id, member id) ascending, groups by id descending: each group's members are the
	 * block at the end of those not yet shown (group ids parsed once: a scan of every member per group cost a tenth of
	 * the request in strtoll at 50 groups) */
	long long *mg = arena_alloc(r->arena, (ms.n + 1) * sizeof *mg);
	for (size_t k = 0; k < ms.n; k++)
		mg[k] = db_get_int(&ms, k, 0);
	size_t end = ms.n;
	const char *today = search_today(r->arena);
	for (size_t i = 0; i < gs.n; i++) {
		cJSON *g = cJSON_CreateObject();
		long long gid = db_get_int(&gs, i, 0);
		cJSON_AddNumberToObject(g, "id", (double)gid);
		json_add_str(g, "type", db_get(&gs, i, 1));
		json_add_str(g, "state", db_get(&gs, i, 2));
		cJSON_AddNumberToObject(g, "scope_level", (double)db_get_int(&gs, i, 3));
		cJSON *ar = cJSON_AddObjectToObject(g, "arbiter");
		cJSON_AddNumberToObject(ar, "unit_id", (double)db_get_int(&gs, i, 4));
		json_add_str(ar, "code", db_get(&gs, i, 5));
		json_add_str(ar, "name", db_get(&gs, i, 6));
		json_add_str(g, "created_at", db_get(&gs, i, 7));
		json_add_str(g, "done_at", db_get(&gs, i, 8));
		size_t first = end;
		while (first > 0 && mg[first - 1] >= gid)
			first--;
		cJSON_AddNumberToObject(g, "member_count", (double)(end - first)); /* every member (db_reg_group_members) */
		cJSON *mem = cJSON_AddArrayToObject(g, "members");
		for (size_t k = first; k < end; k++) {
			assert(mg[k] == gid); /* the members asked for are of these groups only */
			cJSON *m = cJSON_CreateObject();
			char mask[64];
			cJSON_AddNumberToObject(m, "member_id", (double)db_get_int(&ms, k, 1));
			json_add_str(m, "state", db_get(&ms, k, 2));
			cJSON_AddNumberToObject(m, "student_id", (double)db_get_int(&ms, k, 3));
			/* the one mask rule (R26): outside the caller's jurisdiction a G number's ID part is masked too */
			char nomask[64];
			const char *no = db_get(&ms, k, 4);
			int mine = scope_contains(r->who, db_get(&ms, k, 15), db_get(&ms, k, 16), db_get(&ms, k, 12),
						  (uint32_t)db_get_int(&ms, k, 17));
			json_add_str(m, "student_no", mine ? no : dedup_mask_student_no(no, nomask, sizeof nomask));
			/* R26: which member is the caller's own record (its school's, or within its county or city); before, the
			 * list's screens guessed it and took a bureau's first member as "ours" */
			cJSON_AddBoolToObject(m, "mine", mine != 0);
			json_add_str(m, "name", db_get(&ms, k, 5));
			json_add_str(m, "gender", db_get(&ms, k, 6));
			json_add_str(m, "birth_date", db_get(&ms, k, 7));
			json_add_str(m, "id_type", db_get(&ms, k, 8));
			json_add_str(m, "id_number_masked", dedup_mask_id(db_get(&ms, k, 9), mask, sizeof mask));
			cJSON *s = cJSON_AddObjectToObject(m, "school");
			json_add_str(s, "code", db_get(&ms, k, 10));
			json_add_str(s, "name", db_get(&ms, k, 11));
			cJSON *c = cJSON_AddObjectToObject(m, "county");
			json_add_str(c, "code", db_get(&ms, k, 12));
			json_add_str(c, "name", db_get(&ms, k, 13));
			json_add_str(m, "status", db_get(&ms, k, 14));
			/* R24 (the list's due column): the due date of a pending member's step, overdue once past; R20: rejected,
			 * back with the school to handle again (the rejected=1 filter's own column, sql/404) */
			int mst = db_get(&ms, k, 2) ? wf_state_parse(db_get(&ms, k, 2)) : -1;
			int pending = mst >= 0 && wf_state_pending((enum wf_state)mst);
			const char *due = pending ? db_get(&ms, k, 23) : NULL;
			json_add_str(m, "due_date", due);
			cJSON_AddBoolToObject(m, "overdue", wf_past_due(due, today));
			cJSON_AddBoolToObject(m, "rejected", db_get_int(&ms, k, 24) != 0);
			/* R8.2/R10 (issue 11 item 6): an ID error says what is wrong; R11: the register's new number */
			struct id_problem ip;
			const char *gtype = db_get(&gs, i, 1);
			if (gtype && strcmp(gtype, "id_error") == 0 &&
			    id_problem_of(db_get(&ms, k, 8), db_get(&ms, k, 18), db_get(&ms, k, 19), (int)db_get_int(&ms, k, 20),
					  (int)db_get_int(&ms, k, 21), &ip)) {
				cJSON *pj = cJSON_AddObjectToObject(m, "id_problem");
				json_add_str(pj, "code", ip.code);
				json_add_str(pj, "message", ip.message);
				json_add_str(pj, "message_en", ip.message_en);
			}
			const char *vs = db_get(&ms, k, 19), *reg = db_get(&ms, k, 22);
			if (gtype && strcmp(gtype, "id_changed") == 0 && vs && strcmp(vs, "changed") == 0 && reg &&
			    db_get_int(&ms, k, 20)) {
				char rmask[64];
				json_add_str(m, "register_id_number", mine ? reg : dedup_mask_id(reg, rmask, sizeof rmask));
			}
			cJSON_AddItemToArray(mem, m);
		}
		end = first;
		cJSON_AddItemToArray(arr, g);
	}
	return resp_json(r, w, 200, o);
}

/* ---------------------------------------------------------------- imports */

enum xerr api_import_template_csv(struct req *r, struct resp *w)
{
	(void)r;
	size_t n;
	const char *b = registry_template_csv(&n);
	resp_header(w, "Content-Disposition", "attachment; filename=\"xueji-template.csv\"; filename*=UTF-8''%E5%AD%A6%E7%94%9F%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv");
	resp_body(w, 200, "text/csv; charset=utf-8", b, n);
	return XE_OK;
}

enum xerr api_import_template_xlsx(struct req *r, struct resp *w)
{
	(void)r;
	size_t n;
	const char *b = registry_template_xlsx(&n);
	if (!b)
		return XE_INTERNAL;
	resp_header(w, "Content-Disposition", "attachment; filename=\"xueji-template.xlsx\"; filename*=UTF-8''%E5%AD%A6%E7%94%9F%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx");
	resp_body(w, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b, n);
	return XE_OK;
}

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The caller may import: a school's clerk, or a provincial system (R29). */
static int may_import(const struct principal *p)
{
	return p->role == ROLE_SCHOOL_CLERK || registry_is_province(p);
}

/* Job JSON with a page of its issues. */
static enum xerr job_json(struct req *r, struct resp *w, const struct reg_job *j, cJSON **out)
{
	long long limit, offset, errors_only;
	enum xerr e;
	if ((e = req_query_int(r, w, "issues_limit", 0, 1000, 200, &limit)) ||
	    (e = req_query_int(r, w, "issues_offset", 0, 100000000, 0, &offset)) ||
	    (e = req_query_int(r, w, "errors_only", 0, 1, 0, &errors_only)))
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)j->id);
	json_add_str(o, "state", j->state);
	cJSON_AddBoolToObject(o, "dry_run", j->dry_run);
	json_add_str(o, "format", j->format);
	json_add_str(o, "encoding", j->encoding);
	json_add_str(o, "file_sha256", j->sha256);
	cJSON_AddNumberToObject(o, "file_size", (double)j->file_size);
	cJSON_AddNumberToObject(o, "rows_total", (double)j->rows_total);
	cJSON_AddNumberToObject(o, "rows_done", (double)j->rows_done);
	cJSON_AddNumberToObject(o, "rows_valid", (double)j->rows_valid);
	cJSON_AddNumberToObject(o, "rows_error", (double)j->rows_error);
	cJSON_AddNumberToObject(o, "rows_created", (double)j->rows_created);
	cJSON_AddNumberToObject(o, "rows_unchanged", (double)j->rows_unchanged);
	cJSON_AddNumberToObject(o, "groups_touched", (double)j->groups_touched);
	cJSON_AddNumberToObject(o, "groups_opened", (double)j->groups_opened);
	cJSON_AddNumberToObject(o, "members_added", (double)j->members_added);
	if (j->duplicate_of)
		cJSON_AddNumberToObject(o, "duplicate_of", (double)j->duplicate_of);
	else
		cJSON_AddNullToObject(o, "duplicate_of");
	if (j->error_code) {
		cJSON *er = cJSON_AddObjectToObject(o, "error");
		json_add_str(er, "code", j->error_code);
		json_add_str(er, "message", job_error_zh(j->error_code));
		json_add_str(er, "message_en", j->error_message);
	} else
		cJSON_AddNullToObject(o, "error");
	json_add_str(o, "created_at", j->created_at);
	json_add_str(o, "updated_at", j->updated_at);
	json_add_str(o, "finished_at", j->finished_at);
	json_add_str(o, "file_purged_at", j->file_purged_at);
	struct db_rows is;
	if ((e = db_reg_job_issues(r->db, r->arena, j->id, (int)errors_only, limit, offset, &is)) != XE_OK)
		return e;
	cJSON *arr = cJSON_AddArrayToObject(o, "issues");
	for (size_t i = 0; i < is.n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "row", (double)db_get_int(&is, i, 0));
		json_add_str(x, "column", db_get(&is, i, 1));
		json_add_str(x, "field", db_get(&is, i, 2));
		json_add_str(x, "code", db_get(&is, i, 3));
		cJSON_AddBoolToObject(x, "warning", db_get_int(&is, i, 4) != 0);
		json_add_str(x, "message", db_get(&is, i, 6));
		json_add_str(x, "message_en", db_get(&is, i, 5));
		cJSON_AddItemToArray(arr, x);
	}
	cJSON *l = cJSON_AddObjectToObject(o, "links");
	cJSON_AddStringToObject(l, "self", arena_printf(r->arena, "/api/v1/imports/%llu", (unsigned long long)j->id));
	cJSON_AddStringToObject(l, "commit", arena_printf(r->arena, "/api/v1/imports/%llu/commit", (unsigned long long)j->id));
	cJSON_AddStringToObject(l, "failed_csv", arena_printf(r->arena, "/api/v1/imports/%llu/failed.csv", (unsigned long long)j->id));
	*out = o;
	return XE_OK;
}

/* Load a job the caller may see (same unit), reaping a stopped background phase; 404 otherwise. */
static enum xerr job_for(struct req *r, struct resp *w, struct reg_job *j)
{
	uint64_t id;
	int found = 0;
	enum xerr e;
	if ((e = req_path_id(r, 0, &id)))
		return resp_error(r, w, e, NULL, NULL);
	if ((e = db_reg_job_get(r->db, r->arena, id, j, &found)) != XE_OK)
		return e;
	if (!found || j->unit_id != r->who->unit_id || !may_import(r->who))
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	if (j->stale) {
		if ((e = db_reg_job_reap(r->db, id, 120)) != XE_OK || (e = db_reg_job_get(r->db, r->arena, id, j, &found)) != XE_OK)
			return e;
	}
	return XE_OK;
}

/* Run a phase now (small files) or in the background (large): 201/200 with the finished job, or 202. */
static enum xerr run_phase(struct req *r, struct resp *w, uint64_t id, int commit, long long rows, int created_status)
{
	struct reg_actor who;
	registry_actor(r->who, &who);
	enum xerr e;
	struct reg_import_test t = {0, 0, 0, 0, 0, 0, 0};
	/* test hooks: make a commit fail after N rows (a failed commit leaves nothing behind); small chunks; a small file
	 * as a background job; a commit whose first attempt deadlocks (it runs again); fewer row issues kept; a re-check
	 * that fails, or reads in small chunks (several readers) */
	if (config_int("XJ_TEST_HOOKS") == 1 &&
	    ((e = req_query_int(r, w, "test_fail_after", 0, 100000000, 0, &t.fail_after)) ||
	     (e = req_query_int(r, w, "test_chunk", 0, 50000, 0, &t.chunk)) ||
	     (e = req_query_int(r, w, "test_background", 0, 1, 0, &t.background)) ||
	     (e = req_query_int(r, w, "test_retry_once", 0, 1, 0, &t.retry_once)) ||
	     (e = req_query_int(r, w, "test_max_issues", 0, 100000, 0, &t.max_issues)) ||
	     (e = req_query_int(r, w, "test_recheck_fail", 0, 1, 0, &t.recheck_fail)) ||
	     (e = req_query_int(r, w, "test_recheck_chunk", 0, 50000, 0, &t.recheck_chunk))))
		return e;
	long long sync_rows = config_int("XJ_IMPORT_SYNC_ROWS");
	int status = rows <= sync_rows && !t.background ? created_status : 202;
	struct reg_job j;
	int found = 0;
	cJSON *o;
	if (status != 202)
		registry_import_run(r->db, id, commit, &who, NULL, 0, &t);
	/* a 202 answers the job as accepted: read before the background phase can move it on */
	if ((e = db_reg_job_get(r->db, r->arena, id, &j, &found)) != XE_OK || (e = job_json(r, w, &j, &o)) != XE_OK)
		return e;
	if (status == 202 && registry_import_spawn(id, commit, &who, &t) != 0) {
		db_reg_job_finish(r->db, id, "failed", 0, 0, 0, 0, 0, 0, 0, "busy", "Too many imports are running; try again shortly.");
		return resp_error(r, w, XE_UNAVAILABLE, NULL, "Too many imports are running; try again shortly.");
	}
	resp_header(w, "Location", arena_printf(r->arena, "/api/v1/imports/%llu", (unsigned long long)id));
	return resp_json(r, w, status, o);
}

enum xerr api_file_body(struct req *r, struct resp *w, int *xlsx, long long *dry_run, char sha[65])
{
	const char *ct = r->content_type ? r->content_type : "";
	size_t ctl = strcspn(ct, ";");
	while (ctl && ct[ctl - 1] == ' ')
		ctl--;
	static const char *ok_types[] = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel",
					 "application/octet-stream", XLSX_TYPE, NULL};
	int ok = ctl == 0;
	*xlsx = 0;
	for (int i = 0; ok_types[i] && !ok; i++)
		if (strlen(ok_types[i]) == ctl && strncasecmp(ct, ok_types[i], ctl) == 0)
			ok = 1, *xlsx = strcmp(ok_types[i], XLSX_TYPE) == 0;
	if (!ok)
		return resp_error(r, w, XE_MEDIA_TYPE, NULL,
				  "Send the file itself as the body: text/csv, " XLSX_TYPE " or application/octet-stream.");
	const char *fname = req_query(r, "filename");
	if (fname && strlen(fname) > 5 && strcasecmp(fname + strlen(fname) - 5, ".xlsx") == 0)
		*xlsx = 1;
	sha_hex(r->body, r->body_len, sha);
	return req_query_int(r, w, "dry_run", 0, 1, 0, dry_run);
}

enum xerr api_imports_create(struct req *r, struct resp *w)
{
	if (!may_import(r->who))
		return resp_error(r, w, XE_FORBIDDEN, NULL, "Only a school's clerk or a provincial system imports records.");
	int xlsx;
	long long dry;
	char sha[65];
	enum xerr e;
	if ((e = api_file_body(r, w, &xlsx, &dry, sha)))
		return e;
	long long rows = 0;
	const char *format = NULL, *encoding = NULL;
	if ((e = registry_import_check(r, w, r->body, r->body_len, xlsx, &rows, &format, &encoding)))
		return e;
	uint64_t id = 0;
	if ((e = db_reg_job_create(r->db, r->who->user_id, r->who->is_api, r->who->unit_id, sha, (long long)r->body_len, format,
				   encoding, (int)dry, dry ? "validating" : "committing", rows, &id)) != XE_OK)
		return e;
	if (registry_import_store(id, r->body, r->body_len) != 0) {
		db_reg_job_finish(r->db, id, "failed", 0, 0, 0, 0, 0, 0, 0, "storage", "The file could not be stored.");
		return XE_INTERNAL;
	}
	return run_phase(r, w, id, !dry, rows, 201);
}

enum xerr api_import_get(struct req *r, struct resp *w)
{
	struct reg_job j;
	cJSON *o;
	enum xerr e;
	if ((e = job_for(r, w, &j)) || (e = job_json(r, w, &j, &o)))
		return e;
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}

enum xerr api_import_commit(struct req *r, struct resp *w)
{
	struct reg_job j;
	enum xerr e;
	if ((e = job_for(r, w, &j)))
		return e;
	if (!j.dry_run || strcmp(j.state, "validated") != 0)
		return resp_error(r, w, XE_CONFLICT, "state",
				  arena_printf(r->arena, "Only a validated dry run can be committed (this job is %s).", j.state));
	if (j.file_purged_at)
		return resp_error(r, w, XE_CONFLICT, "state",
				  arena_printf(r->arena, "The job's file was removed on %s (files are kept for %ld days): upload it again.",
					       j.file_purged_at, config_int("XJ_KEEP_IMPORT_FILES_DAYS")));
	if ((e = db_reg_job_state(r->db, j.id, "validated", "committing")) != XE_OK)
		return resp_error(r, w, e, "state", "The job changed meanwhile (committed twice?).");
	return run_phase(r, w, j.id, 1, j.rows_total, 200);
}

enum xerr api_import_failed(struct req *r, struct resp *w)
{
	struct reg_job j;
	enum xerr e;
	if ((e = job_for(r, w, &j)))
		return e;
	if (strcmp(j.state, "validated") != 0 && strcmp(j.state, "done") != 0)
		return resp_error(r, w, XE_CONFLICT, "state", "The job has not finished checking the rows yet.");
	if (j.file_purged_at)
		return resp_error(r, w, XE_NOT_FOUND, NULL,
				  arena_printf(r->arena, "The job's file was removed on %s (files are kept for %ld days).", j.file_purged_at,
					       config_int("XJ_KEEP_IMPORT_FILES_DAYS")));
	const char *csv;
	size_t n;
	if ((e = registry_import_failed_csv(r->db, r->arena, j.id, &csv, &n)) == XE_CONFLICT)
		return resp_error_zh(r, w, e, NULL,
				     "出错的行太多，超过了能列出的问题数，失败行文件会不完整，因此不提供。请先改正各行共同的问题（例如整列的格式），再重新检查文件。",
				     "More rows failed than the job could list issues for: a failed-rows file would be incomplete, so"
				     " none is given. Correct what the rows have in common (a whole column's format, say) and check the"
				     " file again.");
	if (e != XE_OK)
		return e == XE_NOT_FOUND ? resp_error(r, w, e, NULL, "The job's file is no longer stored.") : e;
	resp_header(w, "Content-Disposition",
		    arena_printf(r->arena, "attachment; filename=\"import-%llu-failed.csv\"", (unsigned long long)j.id));
	resp_body(w, 200, "text/csv; charset=utf-8", csv, n);
	return XE_OK;
}
