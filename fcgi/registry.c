/* registry: registrations, provincial batches, register results, file imports (jobs) and the CLI modes (issue 4). */
#include "registry.h"
#include "suspects.h"
#include "scope.h"
#include "xmalloc.h"
#include "config.h"
#include "dedup.h"
#include "idcheck.h"
#include "json.h"
#include "log.h"
#include "tabfile.h"
#include "sbuf.h"
#include "thread.h"
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* ================================================================ callers */

void registry_actor(const struct principal *p, struct reg_actor *a)
{
	memset(a, 0, sizeof *a);
	a->user_id = p->user_id;
	a->is_api = p->is_api;
	a->unit_id = p->unit_id;
	snprintf(a->role, sizeof a->role, "%s", role_name(p->role));
	a->level = (int)p->unit_level;
	snprintf(a->province, sizeof a->province, "%s", p->province_code ? p->province_code : "");
	snprintf(a->city, sizeof a->city, "%s", p->city_code ? p->city_code : "");
	snprintf(a->county, sizeof a->county, "%s", p->county_code ? p->county_code : "");
	if (p->unit_level == LEVEL_SCHOOL && p->unit_code)
		snprintf(a->school_code, sizeof a->school_code, "%s", p->unit_code);
}

const struct principal *registry_scope(const struct reg_actor *a, struct principal *p)
{
	memset(p, 0, sizeof *p);
	p->unit_level = (enum unit_level)a->level;
	p->unit_id = a->unit_id;
	p->province_code = a->province[0] ? a->province : NULL;
	p->city_code = a->city[0] ? a->city : NULL;
	p->county_code = a->county[0] ? a->county : NULL;
	return p;
}

int registry_school_in_scope(const struct reg_actor *a, const struct reg_school *s)
{
	struct principal p;
	return scope_contains(registry_scope(a, &p), s->province, s->city, s->county, s->id);
}

int registry_is_province(const struct principal *p)
{
	return p->role == ROLE_PROVINCE_API;
}

/* ================================================================ outcomes */

static void outcome_error(struct reg_outcome *o, enum xerr e, const char *field, const char *code, const char *msg,
			  const char *msg_zh)
{
	o->status = "error";
	o->err = e;
	o->field = field;
	o->code = code;
	o->message = msg;
	o->message_zh = msg_zh;
}

static cJSON *issue_json(const struct student_issue *x)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "field", student_field_json(x->field));
	cJSON_AddStringToObject(o, "column", student_field_header(x->field));
	cJSON_AddStringToObject(o, "code", x->code);
	cJSON_AddStringToObject(o, "message", x->zh);
	cJSON_AddStringToObject(o, "message_en", x->en);
	return o;
}

/* The one error body's inner object for an outcome (resp_error_body): reason, and every field error in details. */
static cJSON *outcome_error_body(const struct reg_outcome *o, cJSON **inner)
{
	enum xerr e = o->err ? o->err : XE_VALIDATION;
	cJSON *root = resp_error_body(e, NULL, o->field, o->message_zh, o->message, inner);
	json_add_str(*inner, "reason", o->code);
	cJSON *all = cJSON_AddArrayToObject(*inner, "details");
	for (size_t i = 0; i < o->nissues; i++)
		if (!o->issues[i].warning)
			cJSON_AddItemToArray(all, issue_json(&o->issues[i]));
	return root;
}

cJSON *registry_outcome_json(const struct reg_outcome *o)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "status", o->status ? o->status : "error");
	if (o->student_id) {
		cJSON_AddNumberToObject(j, "student_id", (double)o->student_id);
		json_add_str(j, "student_no", o->student_no[0] ? o->student_no : NULL);
	}
	if (o->status && strcmp(o->status, "error") != 0) {
		cJSON *p = cJSON_AddArrayToObject(j, "problems");
		for (size_t i = 0; i < o->nproblems; i++) {
			cJSON *g = cJSON_CreateObject();
			cJSON_AddNumberToObject(g, "group_id", (double)o->group_ids[i]);
			cJSON_AddStringToObject(g, "type", o->group_types[i]);
			cJSON_AddStringToObject(g, "member_state", o->member_states[i]);
			cJSON_AddItemToArray(p, g);
		}
		cJSON *wa = cJSON_AddArrayToObject(j, "warnings");
		for (size_t i = 0; i < o->nissues; i++)
			if (o->issues[i].warning)
				cJSON_AddItemToArray(wa, issue_json(&o->issues[i]));
	} else {
		cJSON *inner, *root = outcome_error_body(o, &inner);
		cJSON_AddItemToObject(j, "error", cJSON_DetachItemFromObjectCaseSensitive(root, "error"));
	}
	return j;
}

enum xerr registry_outcome_error(struct req *r, struct resp *w, const struct reg_outcome *o)
{
	cJSON *inner;
	return resp_error_send(r, w, o->err ? o->err : XE_VALIDATION, outcome_error_body(o, &inner));
}

/* Validation errors of in into o (first error in err/field/message). 1 if the record is invalid. */
static int validate(const struct student_in *in, struct student_rec *rec, struct reg_outcome *o)
{
	size_t nerr = student_validate(in, student_today(), rec, o->issues, STUDENT_MAX_ISSUES, &o->nissues);
	if (nerr == 0)
		return 0;
	for (size_t i = 0; i < o->nissues; i++)
		if (!o->issues[i].warning) {
			outcome_error(o, XE_VALIDATION, student_field_json(o->issues[i].field), o->issues[i].code, o->issues[i].en,
				      o->issues[i].zh);
			break;
		}
	return 1;
}

/* The record's open groups into o. */
static enum xerr fill_problems(struct db *db, struct arena *a, uint64_t sid, struct reg_outcome *o)
{
	size_t n;
	uint64_t *g;
	const char **t, **ms;
	enum xerr e = db_reg_student_groups(db, a, sid, &n, &g, &t, &ms);
	o->nproblems = 0;
	if (e == XE_OK) { /* all of them (a fixed 8 cut the list of a record in many suspected pairs' groups) */
		o->nproblems = n;
		o->group_ids = g;
		o->group_types = t;
		o->member_states = ms;
	}
	return e;
}

/* The stored answer for a record, as JSON text in the arena. */
static const char *outcome_text(struct arena *a, const struct reg_outcome *o)
{
	struct arena *prev = arena_current();
	arena_set_current(a);
	char *s = cJSON_PrintUnformatted(registry_outcome_json(o));
	arena_set_current(prev);
	return s ? s : "{}";
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, 32);
}

/* ================================================================ identity: one decision for every path */

enum reg_match { REG_OTHER, REG_SAME, REG_CHANGED };

/* The one identity decision of every path that registers records: POST /api/v1/students, the provincial batch and
 * the file import (issue 12 item 1; R7, R15, R29). Of the school's live records with rec's identity key (cand: same
 * ID type and number, or without a number the same name + gender + birth date), the same child is one with the same
 * name, gender and date of birth. REG_OTHER: none, rec is another record (created, and detection runs on it);
 * REG_SAME: one whose every field rec gives is equal (unchanged); REG_CHANGED: the same child with other values in
 * fields rec gives (refused: a change goes through R15 with evidence), *changed lists them (SF_ bits). An empty
 * optional field of rec (a column the file lacks) is not compared. *match: the record (NULL for REG_OTHER). */
static enum reg_match registry_match(const struct student_rec *rec, const struct reg_stored *cand, size_t n,
				     const struct reg_stored **match, unsigned *changed)
{
	*match = NULL;
	*changed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct reg_stored *c = &cand[i];
		if (strcmp(c->name, rec->name) != 0 || c->gender != rec->gender || strcmp(c->birth, rec->birth) != 0)
			continue;
		unsigned ch = 0;
		const struct { enum student_field f; const char *given, *stored; } cmp[] = {
			{SF_GRADE, rec->grade, c->grade}, {SF_CLASS, rec->class_name, c->class_name}, {SF_ENROL, rec->enrol, c->enrol},
			{SF_GUARDIAN, rec->guardian, c->guardian}, {SF_PHONE, rec->phone, c->phone},
		};
		for (size_t k = 0; k < sizeof cmp / sizeof *cmp; k++)
			if (cmp[k].given[0] && strcmp(cmp[k].given, cmp[k].stored) != 0)
				ch |= 1u << cmp[k].f;
		if (!ch) {
			*match = c;
			*changed = 0;
			return REG_SAME;
		}
		if (!*match) {
			*match = c;
			*changed = ch;
		}
	}
	return *match ? REG_CHANGED : REG_OTHER;
}

/* The refusal of a REG_CHANGED row, in English and Chinese (arena): which record, which fields, what to do (R15). */
static void changed_text(struct arena *a, const struct reg_stored *m, unsigned changed, const char **en, const char **zh,
			 const char **first_field)
{
	struct sbuf fe = {0}, fz = {0};
	*first_field = NULL;
	for (int f = 0; f < SF__COUNT; f++)
		if (changed & (1u << f)) {
			if (!*first_field)
				*first_field = student_field_json((enum student_field)f);
			if (fe.n)
				sbuf_put(&fe, ", ", 2), sbuf_put(&fz, "、", strlen("、"));
			sbuf_put(&fe, student_field_json((enum student_field)f), strlen(student_field_json((enum student_field)f)));
			sbuf_put(&fz, student_field_header((enum student_field)f), strlen(student_field_header((enum student_field)f)));
		}
	sbuf_put(&fe, "", 1);
	sbuf_put(&fz, "", 1);
	*en = arena_printf(a, "The school already has this child (student number %s) with other values in: %s. Nothing was stored;"
			      " to correct the record, submit a change with evidence (R15).", m->student_no, fe.s);
	*zh = arena_printf(a, "本校已有该学生（学籍号 %s），以下信息与已有记录不同：%s。未保存任何内容；如需更正，请对该记录提交变更并附证明材料。",
			   m->student_no, fz.s);
	free(fe.s);
	free(fz.s);
}

/* ================================================================ one registration (clerk, batch record) */

/* The school is unknown, outside the caller's jurisdiction or closed: all read alike (R3). */
static void school_unknown(struct reg_outcome *o)
{
	outcome_error(o, XE_VALIDATION, "school_code", "school_unknown", "school_code: no such school in your jurisdiction.",
		      "学校标识码：您的管辖范围内没有这所学校。");
}

struct one_ctx {
	struct arena *a;
	const struct reg_actor *who;
	const struct student_rec *rec;
	const struct reg_school *school;
	const char *source, *idem_scope, *idem_key;
	const struct idem_hash *req;
	int identity_check;
	const char **replayed;
	struct reg_outcome *out;
};

/* R29: an idempotency key already stored answers the item: the stored answer when the item is the same (*replayed),
 * idempotency_key_reused when not. *answered 1 then. Run inside the item's transaction (the race of two sends) and
 * before anything else is checked: a resend after a timeout must replay what was stored, also when the record or its
 * school changed since (a "verified" result gives the record its G number, so its L number is no longer found; a
 * school may close or merge). The reused key's answer is the one of every endpoint (idem_key_reused). */
static enum xerr idem_answer(struct db *db, struct arena *a, const char *scope, const char *key, const struct idem_hash *req,
			     const char **replayed, struct reg_outcome *o, int *answered)
{
	int found = 0;
	const char *sha = NULL, *res = NULL;
	*answered = 0;
	if (!key)
		return XE_OK;
	enum xerr e = db_reg_idem_get(db, a, scope, key, &found, &sha, &res);
	if (e != XE_OK || !found)
		return e;
	*answered = 1;
	if (!idem_same_hex(req, sha))
		outcome_error(o, idem_key_reused.err, "idempotency_key", idem_key_reused.reason, idem_key_reused.en,
			      idem_key_reused.zh);
	else
		*replayed = res;
	return XE_OK;
}

static enum xerr one_tx(struct db *db, void *vc)
{
	struct one_ctx *c = vc;
	struct reg_outcome *o = c->out;
	enum xerr e;
	o->status = NULL;
	o->student_id = 0;
	o->student_no[0] = 0;
	o->nproblems = 0;
	*c->replayed = NULL;
	int answered;
	if ((e = idem_answer(db, c->a, c->idem_scope, c->idem_key, c->req, c->replayed, o, &answered)) != XE_OK ||
	    answered)
		return e;
	if (c->identity_check) {
		size_t n = 0;
		struct reg_stored *cand;
		const struct reg_stored *m;
		unsigned changed;
		if ((e = db_reg_identity(db, c->a, c->school->id, c->rec, 1, &n, &cand)) != XE_OK)
			return e;
		switch (registry_match(c->rec, cand, n, &m, &changed)) {
		case REG_SAME:
			o->status = "unchanged";
			o->student_id = m->id;
			snprintf(o->student_no, sizeof o->student_no, "%s", m->student_no);
			if ((e = fill_problems(db, c->a, m->id, o)) != XE_OK)
				return e;
			goto store;
		case REG_CHANGED: {
			const char *en, *zh, *field;
			changed_text(c->a, m, changed, &en, &zh, &field);
			outcome_error(o, XE_CONFLICT, field, "same_record_changed", en, zh);
			o->student_id = m->id;
			snprintf(o->student_no, sizeof o->student_no, "%s", m->student_no);
			return XE_OK;
		}
		case REG_OTHER:
			break;
		}
	}
	uint64_t batch = 0, id = 0;
	int open = 0;
	if ((e = db_reg_school_open(db, c->a, c->school->id, &open)) != XE_OK)
		return e;
	if (!open) { /* closed since school_for read it (issue 16): as unknown, nothing stored */
		school_unknown(o);
		return XE_OK;
	}
	if ((e = db_reg_batch_new(db, c->source, c->who->user_id, c->who->role, &batch)) != XE_OK)
		return e;
	struct reg_new nr = {.rec = c->rec, .school = c->school};
	e = db_reg_insert(db, c->a, &nr, 1, c->source, c->who->is_api ? 0 : c->who->user_id, batch, &id, NULL, 1);
	if (e == XE_CONFLICT) {
		outcome_error(o, XE_CONFLICT, "birth_date", "student_no_exhausted",
			      "No temporary student number is left for this county and date of birth.",
			      "该区县、该出生日期的临时学籍号已用尽。");
		return XE_OK;
	}
	if (e == XE_DUPLICATE)
		return XE_RETRY; /* a concurrent registration took the number first: run again */
	if (e != XE_OK)
		return e;
	if ((e = db_reg_detect(db, c->a, batch, DETECT_FRESH, NULL)) != XE_OK ||
	    (e = suspects_check_new(db, c->a, batch)) != XE_OK) /* R31, issue 17: advisory, in the same transaction */
		return e;
	o->status = "created";
	o->student_id = id;
	snprintf(o->student_no, sizeof o->student_no, "%s", nr.student_no);
	if ((e = fill_problems(db, c->a, id, o)) != XE_OK)
		return e;
store:
	if (c->idem_key) {
		e = db_reg_idem_put(db, c->idem_scope, c->idem_key, c->req->hex, o->student_id, outcome_text(c->a, o));
		if (e == XE_DUPLICATE)
			return XE_RETRY; /* the same key arrived concurrently: run again and replay its answer */
	}
	return e;
}

/* School of rec within who's scope; record-level error otherwise (unknown and out-of-scope look alike: R3). */
static enum xerr school_for(struct db *db, struct arena *a, const struct reg_actor *who, const char *code, struct reg_school *s,
			    struct reg_outcome *o, int *ok)
{
	int found = 0;
	*ok = 0;
	enum xerr e = db_reg_school(db, a, code, s, &found);
	if (e != XE_OK)
		return e;
	if (!found || !registry_school_in_scope(who, s)) {
		school_unknown(o);
		return XE_OK;
	}
	*ok = 1;
	return XE_OK;
}

enum xerr registry_register(struct db *db, struct arena *a, const struct reg_actor *who, const struct student_in *in,
			    const char *source, int identity_check, const char *idem_scope, const char *idem_key, const struct idem_hash *req,
			    const char **replayed, struct reg_outcome *out)
{
	struct student_rec *rec = arena_alloc(a, sizeof *rec);
	struct reg_school school;
	int ok;
	const char *dummy;
	memset(out, 0, sizeof *out);
	if (!replayed)
		replayed = &dummy;
	*replayed = NULL;
	int answered;
	enum xerr e = idem_answer(db, a, idem_scope, idem_key, req, replayed, out, &answered);
	if (e != XE_OK || answered)
		return e; /* a resend is answered first (idem_answer); one_tx asks again in its transaction */
	if (validate(in, rec, out))
		return XE_OK;
	e = school_for(db, a, who, rec->school_code, &school, out, &ok);
	if (e != XE_OK || !ok)
		return e;
	struct one_ctx c = {a, who, rec, &school, source, idem_scope, idem_key, req, identity_check, replayed, out};
	return db_tx(db, one_tx, &c);
}

/* ================================================================ register results (R10) */

struct res_ctx {
	struct arena *a;
	const struct reg_actor *who;
	uint64_t sid;
	const char *result, *new_number, *idem_scope, *idem_key;
	const struct idem_hash *req;
	const char **replayed;
	struct reg_outcome *out;
};

static enum xerr res_tx(struct db *db, void *vc)
{
	struct res_ctx *c = vc;
	struct reg_outcome *o = c->out;
	enum xerr e;
	o->status = NULL;
	o->nproblems = 0;
	*c->replayed = NULL;
	int answered;
	if ((e = idem_answer(db, c->a, c->idem_scope, c->idem_key, c->req, c->replayed, o, &answered)) != XE_OK ||
	    answered)
		return e;
	uint64_t batch = 0;
	int changed = 0;
	if ((e = db_reg_batch_new(db, "register_result", c->who->user_id, c->who->role, &batch)) != XE_OK)
		return e;
	if ((e = db_reg_set_verify(db, c->sid, c->result, c->new_number, batch, &changed)) != XE_OK)
		return e;
	if (changed && (e = db_reg_detect(db, c->a, batch, 0, NULL)) != XE_OK)
		return e;
	o->status = changed ? "applied" : "unchanged";
	o->student_id = c->sid;
	const char *no = NULL;
	if ((e = db_reg_student_no(db, c->a, c->sid, &no)) != XE_OK || (e = fill_problems(db, c->a, c->sid, o)) != XE_OK)
		return e;
	snprintf(o->student_no, sizeof o->student_no, "%s", no ? no : "");
	if (c->idem_key) {
		e = db_reg_idem_put(db, c->idem_scope, c->idem_key, c->req->hex, c->sid, outcome_text(c->a, o));
		if (e == XE_DUPLICATE)
			return XE_RETRY;
	}
	return e;
}

enum xerr registry_register_result(struct db *db, struct arena *a, const struct reg_actor *who, uint64_t student_id,
				   const char *student_no, const char *school_code, const char *id_number, const char *result,
				   const char *new_number, const char *idem_scope, const char *idem_key, const struct idem_hash *req,
				   const char **replayed, struct reg_outcome *out)
{
	const char *dummy;
	memset(out, 0, sizeof *out);
	if (!replayed)
		replayed = &dummy;
	*replayed = NULL;
	int answered;
	enum xerr e = idem_answer(db, a, idem_scope, idem_key, req, replayed, out, &answered);
	if (e != XE_OK || answered)
		return e; /* a resend is answered first, before its record is looked up (res_tx asks again) */
	const char *stored = NULL;
	char newno[19] = "";
	if (!result || !(strcmp(result, "verified") == 0 || strcmp(result, "not_exist") == 0 ||
			 strcmp(result, "name_mismatch") == 0 || strcmp(result, "changed_to") == 0)) {
		outcome_error(out, XE_VALIDATION, "result", "result", "result must be verified, not_exist, name_mismatch or changed_to.",
			      "结果必须是 verified、not_exist、name_mismatch 或 changed_to。");
		return XE_OK;
	}
	if (strcmp(result, "changed_to") == 0) {
		char birth[9];
		if (!new_number || idcheck_resident(new_number, strlen(new_number), 0, newno, birth) != ID_OK) {
			outcome_error(out, XE_VALIDATION, "new_id_number", "id_invalid",
				      "new_id_number must be a valid 18-character resident ID number.", "新证件号码必须是有效的18位居民身份证号码。");
			return XE_OK;
		}
		stored = "changed";
	} else
		stored = result;
	if (!student_id && !student_no && !(school_code && id_number)) {
		outcome_error(out, XE_VALIDATION, "student_id", "required",
			      "Identify the record by student_id, student_no, or school_code + id_number.",
			      "请用 student_id、student_no 或 school_code + id_number 指明记录。");
		return XE_OK;
	}
	char idbuf[IDCHECK_OUT_MAX] = "";
	if (id_number) { /* the number as the registry stores it (x upper-cased, 15 digits widened) */
		char b9[9];
		idcheck_resident(id_number, strlen(id_number), 0, idbuf, b9);
		if (!idbuf[0])
			snprintf(idbuf, sizeof idbuf, "%s", id_number);
	}
	uint64_t sid = 0;
	const char *type = NULL, *num = NULL, *status = NULL;
	struct principal scope;
	e = db_reg_find_student(db, a, registry_scope(who, &scope), student_id, student_no, school_code, id_number ? idbuf : NULL, &sid,
					  &type, &num, &status);
	if (e != XE_OK)
		return e;
	if (!sid) {
		outcome_error(out, XE_NOT_FOUND, "student_id", "not_found", "No such record in your jurisdiction.",
			      "您的管辖范围内没有这条记录。");
		return XE_OK;
	}
	if (sid == UINT64_MAX) { /* was answered not_found: the records the system exists for (R7) could not be named so */
		outcome_error(out, XE_CONFLICT, "id_number", "ambiguous",
			      "Two live records of this school have this ID number (a duplicate being handled): name the record by"
			      " student_id or student_no.",
			      "本校有两条在籍学籍使用该证件号码（重复学籍处理中）：请用 student_id 或 student_no 指明记录。");
		return XE_OK;
	}
	if (!type || strcmp(type, "1") != 0 || !num) {
		outcome_error(out, XE_VALIDATION, "student_id", "not_resident_id",
			      "The record has no resident ID number: the population register does not apply.",
			      "该记录不是居民身份证件，不适用人口库比对。");
		return XE_OK;
	}
	if (strcmp(status, "deleted") == 0) {
		outcome_error(out, XE_CONFLICT, "student_id", "deleted", "The record is deleted.", "该记录已删除。");
		return XE_OK;
	}
	struct res_ctx c = {a, who, sid, stored, newno[0] ? arena_strdup(a, newno) : NULL, idem_scope, idem_key, req, replayed, out};
	return db_tx(db, res_tx, &c);
}

/* ================================================================ import: files and headers */

/* Column mapping of a sheet's header row: field of each column (-1 none) and the header text of each field. */
struct colmap {
	int field[TAB_MAX_COLS];
	const char *header[SF__COUNT];
	int no_col; /* the student-number column of an initial load (issue 14 item 3; -1 none) */
};
#define LOAD_NO_HEADER "学籍号"

/* Map the header; on a problem write code and messages and return -1. The failed-rows file's error column is ignored
 * (the clerk imports the fixed file as it is); school_default: the school code may be left out (a school's clerk). */
static int map_header(const struct tab_sheet *t, struct colmap *m, int school_default, int want_no, char *code, size_t codesz,
		      char *en, size_t ensz, char *zh, size_t zhsz, const char **field)
{
	int seen = 0;
	long unknown = -1, dup = -1;
	for (int f = 0; f < SF__COUNT; f++)
		m->header[f] = NULL;
	*field = "file";
	m->no_col = -1;
	for (size_t c = 0; c < t->ncols; c++) {
		const char *h = tab_cell(t, 0, c);
		m->field[c] = -1;
		if (!h || !*h)
			continue;
		if (strstr(h, STUDENT_ERROR_COLUMN) && strlen(h) < sizeof STUDENT_ERROR_COLUMN + 8)
			continue; /* 错误信息 of a failed-rows file (surrounding blanks allowed) */
		if (want_no && m->no_col < 0 && (strcmp(h, LOAD_NO_HEADER) == 0 || strcmp(h, "student_no") == 0)) {
			m->no_col = (int)c; /* an initial load's records bring their numbers */
			continue;
		}
		int f = student_field_by_header(h, strlen(h));
		if (f < 0) {
			if (unknown < 0)
				unknown = (long)c;
			continue;
		}
		if (m->header[f]) {
			if (dup < 0)
				dup = (long)c;
			continue;
		}
		m->field[c] = f;
		m->header[f] = h;
		seen++;
	}
	char miss_en[200] = "", miss_zh[200] = "";
	for (int f = 0; f < SF__COUNT; f++)
		if (!m->header[f] && student_field_required_column((enum student_field)f) && !(f == SF_SCHOOL && school_default)) {
			if (strcmp(*field, "file") == 0)
				*field = student_field_json((enum student_field)f);
			snprintf(miss_en + strlen(miss_en), sizeof miss_en - strlen(miss_en), "%s%s", miss_en[0] ? ", " : "",
				 student_field_header((enum student_field)f));
			snprintf(miss_zh + strlen(miss_zh), sizeof miss_zh - strlen(miss_zh), "%s%s", miss_zh[0] ? "、" : "",
				 student_field_header((enum student_field)f));
		}
	if (seen == 0) {
		*field = "file";
		snprintf(code, codesz, "no_header");
		snprintf(en, ensz, "The first row has none of the template's headers (%s...): wrong file or wrong encoding?", miss_en);
		snprintf(zh, zhsz, "第一行没有模板的表头（%s 等）：文件或编码不对？", miss_zh);
		return -1;
	}
	if (unknown >= 0) {
		const char *h = tab_cell(t, 0, (size_t)unknown);
		*field = "file";
		snprintf(code, codesz, "unknown_column");
		snprintf(en, ensz, "Column %ld \"%s\" is not a template column (renamed?). Use the template's headers.", unknown + 1, h);
		snprintf(zh, zhsz, "第 %ld 列“%s”不是模板中的列（是否改了列名？），请使用模板的表头。", unknown + 1, h);
		return -1;
	}
	if (dup >= 0) {
		const char *h = tab_cell(t, 0, (size_t)dup);
		*field = "file";
		snprintf(code, codesz, "duplicate_column");
		snprintf(en, ensz, "Column \"%s\" appears twice.", h);
		snprintf(zh, zhsz, "列“%s”出现了两次。", h);
		return -1;
	}
	if (want_no && m->no_col < 0) {
		snprintf(miss_en + strlen(miss_en), sizeof miss_en - strlen(miss_en), "%s" LOAD_NO_HEADER, miss_en[0] ? ", " : "");
		snprintf(miss_zh + strlen(miss_zh), sizeof miss_zh - strlen(miss_zh), "%s" LOAD_NO_HEADER, miss_zh[0] ? "、" : "");
	}
	if (miss_en[0]) {
		snprintf(code, codesz, "missing_column");
		snprintf(en, ensz, "Missing column(s): %s.", miss_en);
		snprintf(zh, zhsz, "缺少列：%s。", miss_zh);
		return -1;
	}
	return 0;
}

/* Parse and check a file; on a problem fills code/messages/field and returns -1. */
static int import_check(struct arena *a, const unsigned char *data, size_t len, int declared_xlsx, int school_default,
			int want_no, struct tab_sheet *t, struct colmap *m, char *code, char *en, char *zh, const char **field)
{
	char msg[300];
	*field = "file";
	enum tab_err te = tab_read(a, data, len, declared_xlsx, REG_IMPORT_MAX_ROWS, t, msg, sizeof msg);
	if (te != TAB_OK) {
		snprintf(code, 40, "%s", tab_err_code(te));
		snprintf(en, 400, "%s", msg);
		snprintf(zh, 400, "%s", tab_err_zh(te));
		return -1;
	}
	if (map_header(t, m, school_default, want_no, code, 40, en, 400, zh, 400, field) != 0)
		return -1;
	if (t->nrows < 2) {
		snprintf(code, 40, "no_rows");
		snprintf(en, 400, "The file has a header but no data rows.");
		snprintf(zh, 400, "文件只有表头，没有数据行。");
		return -1;
	}
	return 0;
}

enum xerr registry_import_check(struct req *r, struct resp *w, const unsigned char *data, size_t len, int declared_xlsx,
				long long *rows_total, const char **format, const char **encoding)
{
	struct tab_sheet t;
	struct colmap m;
	char code[40], en[400], zh[400];
	const char *field;
	if (import_check(r->arena, data, len, declared_xlsx, r->who->unit_level == LEVEL_SCHOOL, 0, &t, &m, code, en, zh, &field) != 0) {
		struct reg_outcome o;
		memset(&o, 0, sizeof o);
		outcome_error(&o, XE_VALIDATION, field, arena_strdup(r->arena, code), arena_strdup(r->arena, en), arena_strdup(r->arena, zh));
		return registry_outcome_error(r, w, &o);
	}
	*rows_total = (long long)t.nrows - 1;
	*format = t.format == TAB_XLSX ? "xlsx" : "csv";
	*encoding = t.encoding;
	return XE_OK;
}

static char *import_path(uint64_t job_id)
{
	char *p = NULL;
	if (asprintf(&p, "%s/imports/%llu.bin", cfg.data_dir, (unsigned long long)job_id) < 0)
		return NULL;
	return p;
}

int registry_import_store(uint64_t job_id, const unsigned char *data, size_t len)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/imports", cfg.data_dir);
	mkdir(cfg.data_dir, 0700);
	mkdir(dir, 0700);
	char *path = import_path(job_id), tmp[1100];
	if (!path)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int rc = -1;
	if (f) {
		rc = fwrite(data, 1, len, f) == len ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
		if (rc == 0)
			rc = rename(tmp, path);
	}
	if (rc != 0)
		log_error("import: cannot store %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

/* The stored file of a job (malloc-owned) or NULL. */
static unsigned char *import_load(uint64_t job_id, size_t *len)
{
	char *path = import_path(job_id);
	unsigned char *buf = NULL;
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (f && fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		rewind(f);
		if (n >= 0 && (buf = xmalloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n)
			*len = (size_t)n;
		else {
			free(buf);
			buf = NULL;
		}
	}
	if (f)
		fclose(f);
	free(path);
	return buf;
}

/* ================================================================ import: a small string map */

struct hent {
	const char *key;
	void *ptr;
	int e, k;    /* records before this file (from a lookup; -1 not yet looked up), created by this file so far */
	int n, kn;   /* the same, of another ID type than '1' (name+gender+birth keys, R7) */
	int flag;    /* being looked up in the current chunk */
};
/* Open addressing over pointers to arena-owned entries: an entry's address never changes when the table grows. */
struct hmap {
	struct hent **t;
	size_t cap, n;
};

static size_t hhash(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Entry for key; with create, a new one (e = -1, k = 0) when absent (*created set). NULL when absent otherwise. */
static struct hent *hget(struct hmap *m, struct arena *a, const char *key, int create, int *created)
{
	if (created)
		*created = 0;
	if (create && m->n * 2 + 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024;
		struct hent **nt = xcalloc(ncap, sizeof *nt);
		for (size_t i = 0; i < m->cap; i++)
			if (m->t[i]) {
				size_t j = hhash(m->t[i]->key) & (ncap - 1);
				while (nt[j])
					j = (j + 1) & (ncap - 1);
				nt[j] = m->t[i];
			}
		free(m->t);
		m->t = nt;
		m->cap = ncap;
	}
	if (!m->cap)
		return NULL;
	size_t j = hhash(key) & (m->cap - 1);
	while (m->t[j]) {
		if (strcmp(m->t[j]->key, key) == 0)
			return m->t[j];
		j = (j + 1) & (m->cap - 1);
	}
	if (!create)
		return NULL;
	struct hent *h = arena_calloc(a, sizeof *h);
	h->key = arena_strdup(a, key);
	h->e = -1;
	m->t[j] = h;
	m->n++;
	if (created)
		*created = 1;
	return h;
}

static void hfree(struct hmap *m)
{
	free(m->t);
	m->t = NULL;
	m->cap = m->n = 0;
}

/* ================================================================ import: the pass over the rows */

struct imp {
	struct db *db, *pdb;       /* transaction connection; progress and side look-up connection (may be NULL) */
	struct db *sdb;            /* the suspects check's reading connection (may be NULL: the check reads on db) */
	struct sx_pipe *pipe;      /* the suspects check of a commit (suspects_pipe_new), NULL without sdb */
	struct arena *a;
	uint64_t job_id;
	int commit, insert;        /* commit: inside the transaction; insert: 0 when the file was already committed */
	const struct reg_actor *who;
	struct tab_sheet t;
	struct colmap m;
	size_t chunk;
	long long fail_after;      /* test hook: fail the commit after this many rows (0 = never) */
	int retry_once;            /* test hook: the commit's first attempt ends in a deadlock at its first school look-up */
	size_t max_issues;         /* row issues kept (IMPORT_MAX_ISSUES; a test hook lowers it) */
	int recheck_fail;          /* test hook: the re-check after the commit fails */
	size_t recheck_chunk;      /* keys of each kind per read of the re-check (RECHECK_CHUNK; a test hook lowers it) */
	int dup_seen;              /* an attempt's bulk load met a student number in use: the attempts after it probe first */
	enum xerr recheck_err;     /* how the re-check after the commit ended */
	struct hmap schools;       /* code -> struct reg_school* (NULL ptr: unknown/out of scope) */
	struct hmap idents;        /* identity -> e (existing live records before this file), k (seen so far) */
	struct hmap numbers;       /* resident ID number -> e (live type-1 records before), k (created by this file) */
	struct hmap nbgs;          /* name|gender|birth -> e, n (live / non-resident before), k, kn (created by this file) */
	/* results of the pass */
	long long valid, errors, created, unchanged, groups, groups_opened, members_added;
	struct reg_issue_row *iss;
	size_t niss, cap_iss, dropped;
	uint64_t duplicate_of;
	double t_validate, t_ident, t_schools, t_insert, t_keys, t_detect, t_suspects, t_recheck; /* seconds per phase (XJ_IMPORT_PROFILE=1) */
	struct hmap opened;        /* school codes checked open under a shared lock by this commit (held to its end) */
	struct reg_counts counts;  /* the student counters of the rows the commit loaded, written at its end */
};

#define IMPORT_MAX_ISSUES 100000

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add_issue(struct imp *x, int row_no, const struct student_issue *is)
{
	if (x->niss >= x->max_issues) {
		x->dropped++; /* counted, logged; failed.csv then refuses to be incomplete (registry_import_failed_csv) */
		return;
	}
	if (x->niss == x->cap_iss) {
		x->cap_iss = x->cap_iss ? x->cap_iss * 2 : 256;
		x->iss = xrealloc(x->iss, x->cap_iss * sizeof *x->iss);
	}
	struct reg_issue_row *r = &x->iss[x->niss++];
	r->row_no = row_no;
	r->warning = is->warning;
	/* the file's own header, unless longer than import_error.col holds (a known header with blanks around it): then
	 * the template's (else the issues were not stored at all) */
	const char *own = x->m.header[is->field];
	r->col = own && json_utf8_chars(own) <= REG_ISSUE_COL_CHARS ? own : student_field_header(is->field);
	r->field = student_field_json(is->field);
	r->code = is->code;
	/* messages name the template column; the stored column is the file's own header */
	r->message = arena_strdup(x->a, is->en);
	r->message_zh = arena_strdup(x->a, is->zh);
}

/* Cell text for field f of sheet row r with the XLSX conversions (dates from serial numbers). *numeric_id set when
 * an ID number was stored as a number with lost precision. */
static const char *cell_for(struct imp *x, size_t r, int f, int *numeric_id)
{
	for (size_t c = 0; c < x->t.ncols; c++) {
		if (x->m.field[c] != f)
			continue;
		const char *v = tab_cell(&x->t, r, c);
		if (!v || tab_kind(&x->t, r, c) != TK_NUM)
			return v;
		if (f == SF_BIRTH || f == SF_ENROL) {
			char *d = arena_alloc(x->a, 11);
			return tab_excel_date(strtod(v, NULL), x->t.date1904, d) == 0 ? d : v;
		}
		if (f == SF_ID_NUMBER && (strlen(v) >= 16 || strpbrk(v, "Ee.")))
			*numeric_id = 1;
		return v;
	}
	return NULL;
}

struct ident_cb {
	struct imp *x;
};
/* The live records of an identity key (struct hent ptr of idents): the same child's candidates of registry_match. */
struct cands {
	size_t n, cap;
	struct reg_stored *v;
};

static void cand_add(struct arena *a, struct hent *h, const struct reg_stored *s)
{
	struct cands *c = h->ptr;
	if (!c)
		c = h->ptr = arena_calloc(a, sizeof *c);
	if (c->n == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 2;
		struct reg_stored *nv = arena_alloc(a, ncap * sizeof *nv);
		if (c->n)
			memcpy(nv, c->v, c->n * sizeof *nv);
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n++] = *s;
}

/* An import row's identity key: school, ID type and number with name, gender and birth date (the same child,
 * registry_match), or without a number school, ID type, name, gender and birth date. */
static const char *ident_key(char *key, size_t sz, uint32_t school_id, char id_type, const char *id_number, const char *name,
			     char gender, const char *birth)
{
	if (id_number[0])
		snprintf(key, sz, "N|%u|%c|%s|%s|%c|%s", school_id, id_type, id_number, name, gender, birth);
	else
		snprintf(key, sz, "P|%u|%c|%s|%c|%s", school_id, id_type, name, gender, birth);
	return key;
}

static void ident_found(void *ctx, const struct reg_stored *s)
{
	struct imp *x = ((struct ident_cb *)ctx)->x;
	char key[400];
	struct hent *h = hget(&x->idents, x->a, ident_key(key, sizeof key, s->school_id, s->id_type, s->id_number, s->name,
							  s->gender, s->birth), 0, NULL);
	if (h && h->flag) {
		if (h->e < 0)
			h->e = 0;
		h->e++;
		cand_add(x->a, h, s);
	}
	if (s->id_type == '1' && (h = hget(&x->numbers, x->a, s->id_number, 0, NULL)) && h->flag)
		h->e++; /* live resident records with this number in any school (R7) */
}

static void nbg_found(void *ctx, const char *name, char gender, const char *birth, int count, int nonres)
{
	struct imp *x = ctx;
	char key[300];
	dedup_nbg_key(name, gender, birth, key, sizeof key);
	struct hent *h = hget(&x->nbgs, x->a, key, 0, NULL);
	if (h && h->flag)
		h->e = count, h->n = nonres;
}

/* The school cell of sheet row r: a school's clerk imports into its own school when it is blank (issue 11). */
static const char *school_cell(struct imp *x, size_t r)
{
	int numeric = 0;
	const char *v = cell_for(x, r, SF_SCHOOL, &numeric);
	return x->who->school_code[0] && (!v || !v[strspn(v, " \t")]) ? x->who->school_code : v;
}

static void school_found(void *ctx, const struct reg_school *s)
{
	struct imp *x = ctx;
	struct hent *h = hget(&x->schools, x->a, s->code, 0, NULL);
	if (h && registry_school_in_scope(x->who, s)) {
		struct reg_school *ns = arena_alloc(x->a, sizeof *ns);
		*ns = *s;
		h->ptr = ns;
	}
}

/* Every school code of the file into x->schools before the rows are read (its school, NULL when unknown, closed or out
 * of the importer's scope), in one statement per SCHOOLS_SLICE codes: one statement per school was 2,000 round trips
 * for a file of one province (issue 14). */
static enum xerr schools_ahead(struct imp *x)
{
	enum { SCHOOLS_SLICE = 4096 };
	const char **codes = xmalloc(SCHOOLS_SLICE * sizeof *codes);
	enum xerr e = XE_OK;
	size_t n = 0;
	for (size_t r = 1; r < x->t.nrows; r++) {
		char code[11];
		int created = 0;
		if (student_school_code(school_cell(x, r), code)) {
			struct hent *h = hget(&x->schools, x->a, code, 1, &created);
			if (created)
				codes[n++] = h->key; /* ptr NULL until found */
		}
		if (n && (n == SCHOOLS_SLICE || r + 1 >= x->t.nrows)) {
			if (x->retry_once && x->commit) {
				x->retry_once = 0; /* test hook: as a brute-force abort does to the statement running */
				e = XE_RETRY;
				break;
			}
			if ((e = db_reg_schools(x->db, x->a, codes, n, school_found, x)) != XE_OK)
				break;
			n = 0;
		}
	}
	free(codes);
	return e;
}

/* One pass over the data rows: validate, resolve schools, decide created/unchanged (identity), and when inserting
 * register the created rows chunk by chunk with detection. Safe to re-run (db_tx retries): resets its results. */
/* One chunk of the file's rows as validated, and the look-ups of the keys first seen in it (issue 14: read on the
 * progress connection by a thread while the chunk before is stored; on a 1M-row import the look-ups were 8 s of one
 * core beside an idle other). Equal to the reads in the transaction: a key first seen in this chunk is in none of the
 * file's own uncommitted records (the hash tables hold every key of the chunks before), and every read is lock-free
 * (the re-check after the commit finds what another transaction committed meanwhile). The thread keeps to its arena
 * and its own rows; chunk_look_finish applies them (ident_found, nbg_found) on the import's thread. */
struct chunk_buf {
	size_t off, end, nv, nn, nq;
	struct student_rec *recs;
	const struct reg_school **sch;
	int *rowno;
	struct hent **ent, **nbe, **nue;
	const char **nums;
	struct reg_nbg *nbq;
	/* the look-ups beside */
	struct db *db; /* x->pdb (NULL: on the transaction's connection, after the chunk before) */
	uint64_t job_id;
	long long progress; /* the job's rows done, written on db before the look-ups (-1: none) */
	struct arena a;
	struct reg_stored *found;
	size_t nfound, capf;
	struct nbg_found_row {
		const char *name, *birth;
		char gender;
		int count, nonres;
	} *nbgs;
	size_t nnbg, capn;
	pthread_t t;
	int running;
	enum xerr e;
};

static void chunk_init(struct chunk_buf *c, size_t chunk, struct db *side)
{
	memset(c, 0, sizeof *c);
	c->recs = xmalloc(chunk * sizeof *c->recs);
	c->sch = xmalloc(chunk * sizeof *c->sch);
	c->rowno = xmalloc(chunk * sizeof *c->rowno);
	c->ent = xmalloc(chunk * sizeof *c->ent);
	c->nbe = xmalloc(chunk * sizeof *c->nbe);
	c->nue = xmalloc(chunk * sizeof *c->nue);
	c->nums = xmalloc(chunk * sizeof *c->nums);
	c->nbq = xmalloc(chunk * sizeof *c->nbq);
	c->db = side;
	arena_init(&c->a, 1 << 16);
}

static void chunk_free(struct chunk_buf *c)
{
	if (c->running) /* a failed pass: the look-ups in flight are waited for, their rows dropped */
		thread_join(c->t);
	free(c->recs);
	free(c->sch);
	free(c->rowno);
	free(c->ent);
	free(c->nbe);
	free(c->nue);
	free(c->nums);
	free(c->nbq);
	free(c->found);
	free(c->nbgs);
	arena_free(&c->a);
}

static void look_ident_row(void *ctx, const struct reg_stored *st)
{
	struct chunk_buf *c = ctx;
	if (c->nfound == c->capf)
		c->found = xrealloc(c->found, (c->capf = c->capf ? 2 * c->capf : 1024) * sizeof *c->found);
	c->found[c->nfound++] = *st; /* the strings: in c->a's rows */
}

static void look_nbg_row(void *ctx, const char *name, char gender, const char *birth, int count, int nonres)
{
	struct chunk_buf *c = ctx;
	if (c->nnbg == c->capn)
		c->nbgs = xrealloc(c->nbgs, (c->capn = c->capn ? 2 * c->capn : 1024) * sizeof *c->nbgs);
	c->nbgs[c->nnbg++] = (struct nbg_found_row){name, birth, gender, count, nonres};
}

static void *look_run(void *v)
{
	struct chunk_buf *c = v;
	if (c->progress >= 0) /* the heartbeat's autocommit waits for its log flush here, not in the import's loop */
		(void)db_reg_job_progress(c->db, c->job_id, c->progress);
	c->e = db_reg_identity_many(c->db, &c->a, c->nums, c->nn, 0, look_ident_row, c);
	if (c->e == XE_OK)
		c->e = db_reg_nbg_many(c->db, &c->a, c->nbq, c->nq, 0, look_nbg_row, c);
	return NULL;
}

/* start chunk c's look-ups beside (when there is a side connection and a thread), after writing the job's progress
 * (rows done; -1: none) on that connection; without a thread, the progress is written here */
static void chunk_look_start(struct chunk_buf *c, uint64_t job_id, long long progress)
{
	arena_reset(&c->a);
	c->nfound = c->nnbg = 0;
	c->e = XE_UNAVAILABLE; /* not run: chunk_look_finish runs them */
	c->job_id = job_id, c->progress = progress;
	c->running = c->db && (c->nn || c->nq) && thread_start(look_run, c, &c->t) == 0;
	if (!c->running && c->db && progress >= 0)
		(void)db_reg_job_progress(c->db, job_id, progress);
}

static const char *dup_or_null(struct arena *a, const char *v) { return v ? arena_strdup(a, v) : NULL; }

/* chunk c's look-ups applied to the hash tables: the thread's rows (their strings copied into x->a: a candidate stays
 * for the rest of the file), or, when none ran or it failed, read here on the transaction's connection */
static enum xerr chunk_look_finish(struct imp *x, struct chunk_buf *c)
{
	struct ident_cb cb = {x};
	enum xerr e = XE_OK;
	if (c->running) {
		thread_join(c->t);
		c->running = 0;
	}
	if (c->e == XE_OK) {
		for (size_t k = 0; k < c->nfound; k++) {
			struct reg_stored st = c->found[k];
			st.id_number = dup_or_null(x->a, st.id_number), st.student_no = dup_or_null(x->a, st.student_no);
			st.name = dup_or_null(x->a, st.name), st.birth = dup_or_null(x->a, st.birth);
			st.grade = dup_or_null(x->a, st.grade), st.class_name = dup_or_null(x->a, st.class_name);
			st.enrol = dup_or_null(x->a, st.enrol), st.guardian = dup_or_null(x->a, st.guardian);
			st.phone = dup_or_null(x->a, st.phone);
			ident_found(&cb, &st);
		}
		for (size_t k = 0; k < c->nnbg; k++)
			nbg_found(x, c->nbgs[k].name, c->nbgs[k].gender, c->nbgs[k].birth, c->nbgs[k].count, c->nbgs[k].nonres);
	} else if ((!c->nn || (e = db_reg_identity_many(x->db, x->a, c->nums, c->nn, 0, ident_found, &cb)) == XE_OK) && c->nq)
		e = db_reg_nbg_many(x->db, x->a, c->nbq, c->nq, 0, nbg_found, x);
	if (e != XE_OK)
		return e;
	for (size_t i = 0; i < c->nv; i++) {
		c->ent[i]->flag = 0;
		if (c->nue[i])
			c->nue[i]->flag = 0;
		if (c->nbe[i])
			c->nbe[i]->flag = 0;
	}
	return XE_OK;
}

/* Chunk c's rows (c->off..c->end) validated: their issues kept, the valid ones in c's arrays with their hash entries,
 * the keys first seen in it listed for the look-ups (c->nums, c->nbq) and flagged */
static enum xerr chunk_validate(struct imp *x, struct chunk_buf *c, int detect)
{
	enum xerr e = XE_OK;
	size_t off = c->off, end = c->end, nv = 0, nn = 0, nq = 0;
	struct student_rec *recs = c->recs;
	const struct reg_school **sch = c->sch;
	int *rowno = c->rowno;
	struct hent **ent = c->ent, **nbe = c->nbe, **nue = c->nue;
	const char **nums = c->nums;
	struct reg_nbg *nbq = c->nbq;
	for (size_t i = off; i < end; i++) {
		size_t r = i + 1; /* sheet row (0 is the header) */
		struct student_in in;
		struct student_issue iss[STUDENT_MAX_ISSUES];
		size_t ni = 0;
		int numeric_id = 0;
		for (int f = 0; f < SF__COUNT; f++)
			in.v[f] = f == SF_SCHOOL ? school_cell(x, r) : cell_for(x, r, f, &numeric_id);
		struct student_rec *rec = &recs[nv];
		size_t nerr = student_validate(&in, student_today(), rec, iss, STUDENT_MAX_ISSUES, &ni);
		if (numeric_id) {
			/* the digits are not the real number: drop what the checks said about them */
			size_t kept = 0;
			for (size_t k = 0; k < ni; k++)
				if (iss[k].field != SF_ID_NUMBER)
					iss[kept++] = iss[k];
				else if (!iss[k].warning)
					nerr--;
			ni = kept;
			struct student_issue is = {SF_ID_NUMBER, 0, "id_numeric", "", ""};
			snprintf(is.en, sizeof is.en, "id_number: stored as a number in the spreadsheet, which keeps only 15 digits:"
							" format the column as text (Format Cells > Text) and type the number again.");
			snprintf(is.zh, sizeof is.zh, "证件号码：在表格中存成了数字（只保留 15 位，后几位已丢失），请把该列设置为“文本”格式"
							"（设置单元格格式→文本），再重新输入完整号码。");
			iss[ni < STUDENT_MAX_ISSUES ? ni++ : ni - 1] = is;
			nerr++;
		}
		const struct reg_school *s = NULL;
		if (rec->school_code[0]) {
			struct hent *h = hget(&x->schools, x->a, rec->school_code, 0, NULL);
			assert(h); /* schools_ahead looked up every code of the file */
			s = h->ptr;
			if (!s) {
				struct student_issue is = {SF_SCHOOL, 0, "school_unknown", "", ""};
				snprintf(is.en, sizeof is.en, "school_code: no school %s in your jurisdiction.", rec->school_code);
				snprintf(is.zh, sizeof is.zh, "学校标识码：您的管辖范围内没有学校 %s。", rec->school_code);
				iss[ni < STUDENT_MAX_ISSUES ? ni++ : ni - 1] = is;
				nerr++;
			}
		}
		for (size_t k = 0; k < ni; k++)
			add_issue(x, x->t.row_no[r], &iss[k]);
		if (nerr) {
			x->errors++;
			continue;
		}
		/* identity within the school (R29 idempotency): first time seen in this file -> look it up */
		char key[400];
		ident_key(key, sizeof key, s->id, rec->id_type, rec->id_number, rec->name, rec->gender, rec->birth);
		int created;
		struct hent *h = hget(&x->idents, x->a, key, 1, &created);
		nue[nv] = NULL;
		nbe[nv] = NULL;
		if (detect) {
			/* R7 keys of the row, looked up before anything is inserted, without locks (issue 14 item 4: an import
			 * never waits for another province's uncommitted rows): a record of the same key committed meanwhile
			 * is found by the re-check after the commit (import_recheck); a registration of the same key after
			 * this file's insert waits for its commit in its own detection's locking reads */
			int c2;
			if (rec->id_type == '1' && rec->id_number[0]) {
				nue[nv] = hget(&x->numbers, x->a, rec->id_number, 1, &c2);
				if (c2)
					nue[nv]->e = 0, nue[nv]->flag = 1;
			}
			char pk[300];
			nbe[nv] = hget(&x->nbgs, x->a, dedup_nbg_key(rec->name, rec->gender, rec->birth, pk, sizeof pk), 1, &c2);
			if (c2) {
				nbe[nv]->e = nbe[nv]->n = 0;
				nbe[nv]->flag = 1;
				nbq[nq] = (struct reg_nbg){arena_strdup(x->a, rec->name), rec->gender, arena_strdup(x->a, rec->birth)};
				nbe[nv]->ptr = arena_alloc(x->a, sizeof *nbq); /* the key's parts, for the re-check */
				memcpy(nbe[nv]->ptr, &nbq[nq++], sizeof *nbq);
			}
		}
		if (created && rec->id_number[0]) {
			nums[nn++] = arena_strdup(x->a, rec->id_number);
			h->flag = 1; /* ident_found fills it */
		} else if (created) {
			size_t n = 0;
			struct reg_stored *cand;
			if ((e = db_reg_identity(x->db, x->a, s->id, rec, 0, &n, &cand)) != XE_OK)
				goto out;
			h->e = (int)n;
			for (size_t k = 0; k < n; k++)
				cand_add(x->a, h, &cand[k]);
		}
		ent[nv] = h;
		sch[nv] = s;
		rowno[nv] = x->t.row_no[r];
		nv++;
	}
out:
	c->nv = nv, c->nn = nn, c->nq = nq;
	return e;
}

static enum xerr import_pass(struct imp *x)
{
	enum xerr e = XE_OK;
	size_t nrows = x->t.nrows - 1, chunk = x->chunk;
	struct chunk_buf cbuf[2];
	struct reg_new *news = xmalloc(chunk * sizeof *news);
	const char **errnos = xmalloc(chunk * sizeof *errnos);
	struct reg_key *keys = xmalloc(2 * chunk * sizeof *keys);
	size_t *src = xmalloc(chunk * sizeof *src);
	uint32_t *sids = xmalloc(chunk * sizeof *sids);
	int detect = x->commit && x->insert; /* candidate clash keys are only needed when rows are inserted */
	/* R7-R9 run once per file, after its last chunk, over every chunk's keys (issue 14: its ~20 statements ran for
	 * every chunk before; 300,000 rows: 5.7 -> 4.6 s): the first chunk's batch names the run (the groups it opens, the
	 * members it adds). Its locking reads come at the end of the file's transaction, whose locks all last to COMMIT */
	uint64_t dbatch = 0;
	chunk_init(&cbuf[0], chunk, x->pdb);
	chunk_init(&cbuf[1], chunk, x->pdb);
	x->valid = x->errors = x->created = x->unchanged = x->groups = x->groups_opened = x->members_added = 0;
	x->niss = x->dropped = 0;
	x->t_validate = x->t_ident = x->t_schools = x->t_insert = x->t_keys = x->t_detect = x->t_suspects = 0;
	/* nothing of an earlier attempt: a retried commit (a deadlock, or a Galera brute-force abort, ends whichever
	 * statement runs, a school's look-up too, whose entry stayed unresolved) looks everything up again */
	hfree(&x->schools);
	hfree(&x->opened);
	hfree(&x->idents);
	hfree(&x->numbers);
	hfree(&x->nbgs);
	db_reg_counts_clear(&x->counts);
	if ((e = schools_ahead(x)) != XE_OK)
		goto out;
	double t0 = mono(), t1;
	cbuf[0].off = 0, cbuf[0].end = chunk < nrows ? chunk : nrows;
	if (nrows && (e = chunk_validate(x, &cbuf[0], detect)) != XE_OK)
		goto out;
	chunk_look_start(&cbuf[0], x->job_id, -1);
	x->t_validate += mono() - t0;
	for (size_t cur = 0, off = 0; off < nrows; off += chunk, cur ^= 1) {
		struct chunk_buf *ck = &cbuf[cur], *next = &cbuf[cur ^ 1];
		size_t end = ck->end, nv = ck->nv;
		struct student_rec *recs = ck->recs;
		const struct reg_school **sch = ck->sch;
		int *rowno = ck->rowno;
		struct hent **ent = ck->ent, **nbe = ck->nbe, **nue = ck->nue;
		assert(ck->off == off);
		t1 = mono();
		if ((e = chunk_look_finish(x, ck)) != XE_OK)
			goto out;
		t0 = mono();
		x->t_ident += t0 - t1;
		size_t nc = 0;
		for (size_t i = 0; i < nv; i++) {
			if (ent[i]->e < 0)
				ent[i]->e = 0;
			const struct cands *cl = ent[i]->ptr;
			const struct reg_stored *m;
			unsigned changed;
			if (cl && registry_match(&recs[i], cl->v, cl->n, &m, &changed) == REG_CHANGED) {
				/* the same child with other values: refused as on every path (issue 12 item 1) */
				const char *en, *zh, *field;
				changed_text(x->a, m, changed, &en, &zh, &field);
				struct student_issue is = {SF_NAME, 0, "same_record_changed", "", ""};
				for (int f = 0; f < SF__COUNT; f++)
					if (changed & (1u << f)) {
						is.field = (enum student_field)f;
						break;
					}
				snprintf(is.en, sizeof is.en, "%s", en);
				snprintf(is.zh, sizeof is.zh, "%s", zh);
				add_issue(x, rowno[i], &is);
				x->errors++;
				continue;
			}
			ent[i]->k++;
			x->valid++;
			if (!x->insert || ent[i]->k <= ent[i]->e) {
				x->unchanged++;
				continue;
			}
			news[nc] = (struct reg_new){.rec = &recs[i], .school = sch[i], .import_job_id = x->job_id, .import_row = (uint32_t)rowno[i]};
			src[nc] = i;
			nc++;
		}
		/* candidate clash keys of the created rows (R7): another live record with the number, or with the
		 * name+gender+birth where one of them is not a resident ID; detection verifies each in SQL */
		size_t nk = 0, ne = 0;
		for (size_t c = 0; detect && c < nc; c++) {
			size_t i = src[c];
			const struct student_rec *rec = &recs[i];
			struct hent *u = nue[i], *g = nbe[i];
			if (u) {
				if (u->e + u->k >= 1)
					keys[nk++] = (struct reg_key){"id_dup", u->key, NULL, 0, NULL};
				u->k++;
			}
			int nonres = rec->id_type != '1';
			if (g->e + g->k >= 1 && (nonres || g->n + g->kn >= 1))
				keys[nk++] = (struct reg_key){"nbg_dup", g->key, arena_strdup(x->a, rec->name), rec->gender,
							      arena_strdup(x->a, rec->birth)};
			g->k++;
			g->kn += nonres;
		}
		x->created += (long long)nc;
		/* the next chunk validated and its look-ups started beside this one's storing (the progress connection is
		 * theirs until the next turn: the progress so far is written first, on their thread) */
		if (end < nrows) {
			t1 = mono();
			next->off = end, next->end = end + chunk < nrows ? end + chunk : nrows;
			if ((e = chunk_validate(x, next, detect)) != XE_OK)
				goto out;
			chunk_look_start(next, x->job_id, (long long)off);
			t0 = mono();
			x->t_validate += t0 - t1;
		}
		if (x->commit && nc) {
			uint64_t batch = 0;
			/* the chunk's schools are still open (issue 16), checked under lock before their records (issue 15 item 3):
			 * the schools not checked by an earlier chunk of this commit (its shared lock holds), in one statement */
			size_t ns = 0;
			for (size_t c = 0; c < nc; c++) {
				int created;
				hget(&x->opened, x->a, news[c].school->code, 1, &created);
				if (created)
					sids[ns++] = news[c].school->id;
			}
			uint32_t closed = 0;
			if (ns && (e = db_reg_schools_open(x->db, x->a, sids, ns, &closed)) != XE_OK)
				goto out;
			if (closed) {
				log_error("import %llu: school %u closed during the commit: nothing stored", (unsigned long long)x->job_id, closed);
				e = XE_CONFLICT;
				goto out;
			}
			t1 = mono();
			x->t_schools += t1 - t0;
			t0 = t1;
			if ((e = db_reg_batch_new(x->db, "import", x->who->user_id, x->who->role, &batch)) != XE_OK)
				goto out;
			/* unprobed until a taken number failed an attempt (db_reg_insert): then every attempt probes */
			e = db_reg_insert(x->db, x->a, news, nc, "import", x->who->is_api ? 0 : x->who->user_id, batch, NULL, &x->counts,
					  x->dup_seen);
			t1 = mono();
			x->t_insert += t1 - t0;
			if (e == XE_DUPLICATE)
				e = XE_RETRY, x->dup_seen = 1;
			if (e == XE_CONFLICT) {
				x->errors++;
				e = XE_INTERNAL;
				log_error("import %llu: student number prefix exhausted", (unsigned long long)x->job_id);
			}
			if (e != XE_OK)
				goto out;
			/* R31, once per chunk: it reads only the chunk's records, which R9's detection does not change; a pipelined
			 * check's read (suspects_pipe_batch) runs beside the next chunk's work */
			if ((e = x->pipe ? suspects_pipe_batch(x->pipe, x->db, batch) : suspects_check_new(x->db, x->a, batch)) != XE_OK)
				goto out;
			t0 = mono();
			x->t_suspects += t0 - t1;
			t1 = t0;
			for (size_t c = 0; c < nc; c++)
				if (strcmp(news[c].rec->id_check, "ok") != 0)
					errnos[ne++] = news[c].student_no;
			if (!dbatch)
				dbatch = batch;
			if ((e = db_reg_detect_keys_put(x->db, dbatch, keys, nk)) != XE_OK ||
			    (ne && (e = db_reg_detect_keys_err(x->db, dbatch, errnos, ne)) != XE_OK))
				goto out;
			x->t_keys += mono() - t1;
			if (x->fail_after && (long long)end >= x->fail_after) {
				log_error("import %llu: test hook: failing the commit after %zu rows", (unsigned long long)x->job_id, end);
				e = XE_INTERNAL;
				goto out;
			}
		}
	}
	if (dbatch) {
		struct reg_detect_stats st;
		t0 = mono();
		if ((e = db_reg_detect(x->db, x->a, dbatch, DETECT_FRESH | DETECT_KEYS_GIVEN, &st)) != XE_OK)
			goto out;
		x->t_detect += mono() - t0;
		x->groups += st.groups_opened + st.members_added;
		x->groups_opened += st.groups_opened;
		x->members_added += st.members_added;
	}
	if (x->pdb)
		db_reg_job_progress(x->pdb, x->job_id, (long long)nrows);
	if (x->commit && x->counts.n) {
		double t2 = mono();
		e = db_reg_counts_flush(x->db, &x->counts);
		x->t_insert += mono() - t2;
	}
out:
	chunk_free(&cbuf[0]);
	chunk_free(&cbuf[1]);
	free(news);
	free(errnos);
	free(keys);
	free(src);
	free(sids);
	return e;
}

/* ---- slices of a re-detection (`xueji --redetect`, `--load`, an import's re-check) ---- */

struct sweep_ctx {
	struct arena *a;
	const struct db_rows *keys;
	size_t from, to;
	struct reg_detect_stats st;
	unsigned long long gnumbers;
};

static enum xerr sweep_tx(struct db *db, void *vc)
{
	struct sweep_ctx *c = vc;
	return db_reg_sweep_slice(db, c->a, c->keys, c->from, c->to, &c->st);
}

/* The keys of a sweep's first slice: small, since a slice that opens groups and adds members takes far longer per key
 * than one that finds the clashes as they were (its counter triggers, sql/320); the slices then grow. */
#define SWEEP_FIRST_SLICE 50
/* Slices of a sweep grow or shrink so each transaction holds its locks about XJ_REDETECT_SLICE_MS (250 ms; a
 * registration waits at most that long for the rows a slice locked); XJ_REDETECT_SLICE fixes the keys per slice. */
static size_t slice_first(void)
{
	return config_int("XJ_REDETECT_SLICE") > 0 ? (size_t)config_int("XJ_REDETECT_SLICE") : SWEEP_FIRST_SLICE;
}

static size_t slice_next(size_t cur, double took, double target)
{
	if (config_int("XJ_REDETECT_SLICE") > 0)
		return (size_t)config_int("XJ_REDETECT_SLICE");
	if (took < target / 2 && cur < 50000)
		return cur * 2;
	if (took > target && cur > 50)
		return cur / 2;
	return cur;
}

struct commit_arg {
	struct imp *x;
	const char *sha;
};

static enum xerr commit_tx2(struct db *db, void *vc)
{
	struct commit_arg *c = vc;
	struct imp *x = c->x;
	uint64_t prior = 0;
	x->db = db;
	x->duplicate_of = 0;
	x->insert = 1;
	enum xerr e = db_reg_import_gate(db, x->a, x->who->province);
	if (e == XE_OK)
		e = db_reg_file_claim(db, x->a, x->who->unit_id, c->sha, x->job_id, &prior);
	if (e != XE_OK)
		return e;
	if (prior && prior != x->job_id) {
		x->duplicate_of = prior; /* the same file was committed before: nothing new (R29-like idempotency) */
		x->insert = 0;
	}
	suspects_pipe_free(x->pipe); /* an attempt whose COMMIT failed: its keys are rolled back too */
	x->pipe = suspects_pipe_new(x->sdb); /* per attempt: a retried transaction starts again */
	if ((e = import_pass(x)) == XE_OK && x->pipe) {
		double t0 = mono();
		e = suspects_pipe_finish(x->pipe, db);
		x->t_suspects += mono() - t0;
	}
	if (e != XE_OK) {
		suspects_pipe_free(x->pipe);
		x->pipe = NULL;
	} /* else kept until the COMMIT's outcome is known (import_run: suspects_pipe_commit) */
	return e;
}

/* Connections the lock-free key reads of a re-detection or an import's re-check run on at once: XJ_REDETECT_READERS,
 * 0 (the default) the cores + 1, as each reader also waits for its answers and builds its next read (10M records,
 * 2 cores: 2 readers 14.2-15.2 s, 3 readers 12.5 s, 4 13.0 s); at most 16. */
static size_t readers_n(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = (size_t)config_int("XJ_REDETECT_READERS");
	if (n < 1)
		n = cores > 0 ? (size_t)cores + 1 : 2;
	return n > 16 ? 16 : n; /* the default's cap; a setting above it is refused (config.c) */
}

/* Chunk c of a pool's read (readers_run), on db, with scratch memory in a (reset after each chunk); ctx is the caller's. */
typedef enum xerr (*read_chunk_fn)(struct db *db, struct arena *a, size_t c, void *ctx);

/* One reader of readers_run: chunks t, t + n, t + 2n, ... on db (NULL: a connection of its own). */
struct reader {
	read_chunk_fn fn;
	void *ctx;
	size_t nchunks, t, n;
	struct db *db;
	enum xerr e;
};

static void *reader_run(void *v)
{
	struct reader *r = v;
	struct db *db = r->db ? r->db : db_open();
	struct arena a;
	arena_init(&a, 1 << 20);
	r->e = XE_OK;
	for (size_t c = r->t; c < r->nchunks && r->e == XE_OK; c += r->n) {
		r->e = r->fn(db, &a, c, r->ctx);
		arena_reset(&a);
	}
	arena_free(&a);
	if (!r->db)
		db_close(db);
	return NULL;
}

/* Chunks 0..nchunks-1 read by readers_n() readers at once, each on a connection of its own but the last, run here on own
 * (NULL: its own), which takes the chunks of a thread that did not start; the first error. */
static enum xerr readers_run(size_t nchunks, struct db *own, read_chunk_fn fn, void *ctx)
{
	size_t n = readers_n(), started = 0;
	struct reader rd[16];
	pthread_t th[16];
	enum xerr e = XE_OK;
	if (n > nchunks)
		n = nchunks;
	for (size_t t = 0; t < n; t++) {
		rd[t] = (struct reader){fn, ctx, nchunks, t, n, NULL, XE_OK};
		if (t < n - 1 && thread_start(reader_run, &rd[t], &th[t]) == 0) {
			started++;
			continue;
		}
		for (size_t u = t; u < n && e == XE_OK; u++) {
			rd[u] = (struct reader){fn, ctx, nchunks, u, n, own, XE_OK};
			reader_run(&rd[u]);
			e = rd[u].e;
		}
		break;
	}
	for (size_t t = 0; t < started; t++) {
		thread_join(th[t]);
		if (e == XE_OK)
			e = rd[t].e;
	}
	return e;
}

/* keys of each kind per read of an import's re-check (db_reg_recheck_keys); a test hook makes it smaller */
#define RECHECK_CHUNK 20000

/* An import's re-check read (readers_run): out[c] holds chunk c's candidate keys, in its own arena oa[c]. */
struct recheck_rd {
	const char *const *nums;
	const struct reg_nbg *nbgs;
	size_t nn, ng, chunk;
	struct arena *oa;
	struct db_rows *out;
};

static enum xerr recheck_chunk(struct db *db, struct arena *a, size_t c, void *v)
{
	(void)a; /* the candidates outlive the read: they go to oa[c] */
	struct recheck_rd *r = v;
	size_t k = r->chunk, n0 = c * k < r->nn ? c * k : r->nn, g0 = c * k < r->ng ? c * k : r->ng;
	size_t nn = r->nn - n0 < k ? r->nn - n0 : k, ng = r->ng - g0 < k ? r->ng - g0 : k;
	return db_reg_recheck_keys(db, &r->oa[c], r->nums + n0, nn, r->nbgs + g0, ng, &r->out[c]);
}

/* After the commit, the file's keys once more against every record committed now (issue 14 item 4): two imports that
 * read the same absent key at the same time (READ COMMITTED: no gap locks), then both inserted it, each committed before
 * the other's re-check or after it, so the later re-check sees both. Every ID number and name+gender+birth key the
 * file's records brought is read (db_reg_recheck_keys) in chunks by readers_run (one reader left the host's other core
 * idle, 1M rows: 10-11 s of the import), the last reader on db; then the few candidates in short transactions, as
 * slices of a re-detection. A failure is logged (the records are committed; the next `xueji --redetect` finds what
 * this missed). */
static void import_recheck(struct db *db, struct imp *x)
{
	double t0 = mono();
	size_t nn = 0, ng = 0;
	const char **nums = xmalloc((x->numbers.n + 1) * sizeof *nums);
	struct reg_nbg *nbgs = xmalloc((x->nbgs.n + 1) * sizeof *nbgs);
	for (size_t i = 0; i < x->numbers.cap; i++)
		if (x->numbers.t[i] && x->numbers.t[i]->k > 0) /* a number a created record of the file has */
			nums[nn++] = x->numbers.t[i]->key;
	for (size_t i = 0; i < x->nbgs.cap; i++)
		if (x->nbgs.t[i] && x->nbgs.t[i]->k > 0)
			nbgs[ng++] = *(const struct reg_nbg *)x->nbgs.t[i]->ptr;
	struct recheck_rd rd = {nums, nbgs, nn, ng, x->recheck_chunk, NULL, NULL};
	size_t nchunks = ((nn > ng ? nn : ng) + rd.chunk - 1) / rd.chunk;
	rd.out = xcalloc(nchunks + 1, sizeof *rd.out);
	rd.oa = xcalloc(nchunks + 1, sizeof *rd.oa);
	for (size_t c = 0; c < nchunks; c++)
		arena_init(&rd.oa[c], 1 << 12);
	enum xerr e = x->recheck_fail ? XE_UNAVAILABLE : readers_run(nchunks, db, recheck_chunk, &rd);
	struct arena sa;
	arena_init(&sa, 1 << 16);
	size_t slice = slice_first();
	for (size_t c = 0; e == XE_OK && c < nchunks; c++)
		for (size_t off = 0; off < rd.out[c].n;) {
			struct sweep_ctx s = {&sa, &rd.out[c], off, off + slice < rd.out[c].n ? off + slice : rd.out[c].n, {0}, 0};
			double ts = mono();
			e = db_tx(db, sweep_tx, &s);
			arena_reset(&sa);
			slice = slice_next(slice, mono() - ts, (double)config_int("XJ_REDETECT_SLICE_MS") / 1000.0);
			off = s.to;
			if (e != XE_OK)
				break; /* what the rolled-back slice counted is not the job's */
			x->groups += s.st.groups_opened + s.st.members_added;
			x->groups_opened += s.st.groups_opened;
			x->members_added += s.st.members_added;
		}
	if (e != XE_OK) /* the job says so too (recheck_incomplete) */
		log_error("import %llu: re-check after the commit failed (%s): run xueji --redetect", (unsigned long long)x->job_id,
			  err_code(e));
	x->recheck_err = e;
	arena_free(&sa);
	for (size_t c = 0; c < nchunks; c++)
		arena_free(&rd.oa[c]);
	free(rd.oa);
	free(rd.out);
	free(nums);
	free(nbgs);
	x->t_recheck = mono() - t0;
}

/* A background job outlives a database outage: it records its outcome as soon as the database is back (issue 12
 * item 4), instead of leaving the job "committing" for the reaper. Call after a step failed with e: sleeps a moment and
 * returns 1 to try again while e is XE_UNAVAILABLE, the job runs in the background (persist) and it has waited less
 * than XJ_JOB_DB_WAIT seconds (default 900) since t0. A request thread tries once. */
static int db_back(enum xerr e, int persist, double t0)
{
	if (e != XE_UNAVAILABLE || !persist || mono() - t0 > (double)config_int("XJ_JOB_DB_WAIT"))
		return 0;
	struct timespec ts = {0, 250 * 1000000L};
	nanosleep(&ts, NULL);
	return 1;
}

static enum xerr import_run(struct db *db, struct db *pdb, struct db *sdb, uint64_t job_id, int commit, const struct reg_actor *who,
			    const unsigned char *data, size_t len, const struct reg_import_test *t)
{
	int persist = pdb != NULL; /* a background job (job_thread) */
	double t0;
	struct arena a;
	struct imp x;
	struct reg_job j;
	int found = 0;
	unsigned char *owned = NULL;
	enum xerr e;
	char code[40] = "", en[400] = "", zh[400] = "";
	const char *field;
	arena_init(&a, 1 << 20);
	memset(&x, 0, sizeof x);
	x.a = &a;
	x.db = db;
	x.pdb = pdb;
	x.sdb = sdb;
	x.job_id = job_id;
	x.commit = commit;
	x.who = who;
	x.fail_after = t ? t->fail_after : 0;
	x.retry_once = t ? (int)t->retry_once : 0;
	x.recheck_fail = t ? (int)t->recheck_fail : 0;
	x.recheck_chunk = t && t->recheck_chunk > 0 && t->recheck_chunk < RECHECK_CHUNK ? (size_t)t->recheck_chunk : RECHECK_CHUNK;
	x.max_issues = t && t->max_issues > 0 && t->max_issues < IMPORT_MAX_ISSUES ? (size_t)t->max_issues : IMPORT_MAX_ISSUES;
	x.chunk = (size_t)config_int("XJ_IMPORT_CHUNK");
	if (t && t->chunk)
		x.chunk = (size_t)t->chunk;
	if (x.chunk < 1 || x.chunk > 50000)
		x.chunk = 5000;
	if ((e = db_reg_job_get(db, &a, job_id, &j, &found)) != XE_OK || !found)
		goto out;
	if (!data) {
		data = owned = import_load(job_id, &len);
		if (!data) {
			e = XE_INTERNAL;
			db_reg_job_finish(db, job_id, "failed", 0, 0, 0, 0, 0, 0, 0, "file_missing", "The stored file is missing.");
			goto out;
		}
	}
	char sha[65];
	sha256_hex(data, len, sha);
	if (strcmp(sha, j.sha256) != 0 ||
	    import_check(&a, data, len, strcmp(j.format, "xlsx") == 0, who->school_code[0] != 0, 0, &x.t, &x.m, code, en, zh, &field) != 0) {
		db_reg_job_finish(db, job_id, "failed", 0, 0, 0, 0, 0, 0, 0, code[0] ? code : "file_changed",
				  en[0] ? en : "The stored file does not match the upload.");
		e = XE_INTERNAL;
		goto out;
	}
	if (commit) {
		struct commit_arg c = {&x, sha};
		/* READ COMMITTED: the commit's locking look-ups lock the records they find, not the index gaps around the keys
		 * they do not find, so another province's import commits at the same time (issue 14 item 4); what a gap lock
		 * guarded, a record of the same key committed meanwhile by another transaction, the re-check below finds */
		e = db_tx_read_committed(db, commit_tx2, &c);
		if (e == XE_OUTCOME_UNKNOWN) {
			/* the connection was lost at COMMIT (issue 12 item 2): ask the transaction's token once the database is back */
			char token[33];
			int done = 0;
			snprintf(token, sizeof token, "%s", db_tx_token(db));
			t0 = mono();
			while ((e = db_tx_token_known(db, token, &done)) == XE_UNAVAILABLE && db_back(e, persist, t0))
				;
			if (e == XE_OK)
				e = done ? XE_OK : XE_UNAVAILABLE;
			else
				e = XE_OUTCOME_UNKNOWN;
			log_error("import %llu: connection lost at COMMIT: %s", (unsigned long long)job_id,
				  e == XE_OK ? "it committed" : e == XE_UNAVAILABLE ? "it did not commit" : "still unknown");
		}
	} else {
		x.insert = 1;
		e = import_pass(&x);
	}
	if (x.pipe) { /* the check's keys, held on the side connection: committed with the file's records, or not at all */
		t0 = mono();
		if (e == XE_OK)
			suspects_pipe_commit(x.pipe, db);
		suspects_pipe_free(x.pipe);
		x.pipe = NULL;
		x.t_suspects += mono() - t0;
	}
	if (e == XE_OK && commit && x.insert)
		import_recheck(db, &x);
	if (config_int("XJ_IMPORT_PROFILE") == 1)
		log_error("import %llu %s: %zu rows: validate %.3f s, identity %.3f s, schools %.3f s, insert %.3f s, keys %.3f s,"
			  " detect %.3f s, suspects %.3f s, recheck %.3f s", (unsigned long long)job_id, commit ? "commit" : "validate",
			  x.t.nrows - 1, x.t_validate, x.t_ident, x.t_schools, x.t_insert, x.t_keys, x.t_detect, x.t_suspects, x.t_recheck);
	if (e == XE_OUTCOME_UNKNOWN)
		goto out; /* neither "done" nor "nothing stored" is known: the job stays as it is (the reaper's word) */
	if (e != XE_OK) {
		/* the transaction rolled back: nothing of the file was kept; the counts are the validation's (as before this
		 * phase), nothing created; recorded as soon as the database is back (issue 12 item 4) */
		enum xerr fe;
		t0 = mono();
		while ((fe = db_reg_job_finish(db, job_id, "failed", j.rows_valid, j.rows_error, 0, 0, 0, 0, 0,
					       commit ? "commit_failed" : "validate_failed",
					       commit ? "The import could not be committed; nothing was stored. Try again."
						      : "The file could not be checked. Try again.")) != XE_OK &&
		       db_back(fe, persist, t0))
			;
		log_error("import %llu: %s phase failed (%s), nothing stored; %s", (unsigned long long)job_id,
			  commit ? "commit" : "validate", err_code(e), fe == XE_OK ? "recorded as failed" : "could not be recorded");
		goto out_logged;
	}
	/* the phase's outcome is recorded even when its row issues cannot be (the commit above is kept: saying "committing"
	 * forever would be a lie) */
	if (x.dropped)
		log_error("import %llu: %zu row issues beyond the first %zu not listed", (unsigned long long)job_id, x.dropped,
			  x.max_issues);
	enum xerr ie = db_reg_job_issues_clear(db, job_id);
	for (size_t off = 0; off < x.niss && ie == XE_OK; off += 1000)
		ie = db_reg_job_issues_put(db, job_id, x.iss + off, x.niss - off < 1000 ? x.niss - off : 1000, off);
	if (ie != XE_OK) /* the job then lists fewer issues than rows failed: failed.csv refuses to be incomplete */
		log_error("import %llu: its row issues could not be stored (%s)", (unsigned long long)job_id, err_code(ie));
	t0 = mono();
	const int partial = commit && x.recheck_err != XE_OK; /* stored, but the clashes with imports committed meanwhile
							       * are not all found: said on the job, not only in the log */
	while ((e = db_reg_job_finish(db, job_id, commit ? "done" : "validated", x.valid, x.errors, (long long)x.t.nrows - 1,
				      x.created, x.unchanged, x.groups, x.duplicate_of, partial ? "recheck_incomplete" : NULL,
				      partial ? "The records were stored, but their check against records committed at the same time"
						" did not finish: clashes with those may be missing until the next full detection"
						" (xueji --redetect)." : NULL)) != XE_OK &&
	       db_back(e, persist, t0))
		;
	if (e == XE_OK)
		e = ie;
	if (e == XE_OK && commit)
		e = db_reg_job_detected(db, job_id, x.groups_opened, x.members_added);
	if (commit) {
		/* the log tells what happened to the data: the commit above is kept whatever the job row says */
		struct reg_job now;
		int nf = 0;
		if (e != XE_OK && db_reg_job_get(db, &a, job_id, &now, &nf) == XE_OK && nf && strcmp(now.state, "done") == 0)
			e = XE_OK; /* the final reply was lost, the job row says done */
		log_error("import %llu: commit done: %lld created, %lld unchanged, %lld row errors%s", (unsigned long long)job_id,
			  x.created, x.unchanged, x.errors, e == XE_OK ? "" : " (the job row could not be updated)");
		goto out_logged;
	}
out:
	if (e != XE_OK)
		log_error("import %llu: %s phase ended with %s", (unsigned long long)job_id, commit ? "commit" : "validate", err_code(e));
out_logged:
	free(owned);
	free(x.iss);
	hfree(&x.opened);
	hfree(&x.schools);
	hfree(&x.idents);
	db_reg_counts_free(&x.counts);
	hfree(&x.numbers);
	hfree(&x.nbgs);
	arena_free(&a);
	return e;
}

enum xerr registry_import_run(struct db *db, uint64_t job_id, int commit, const struct reg_actor *who, const unsigned char *data,
			      size_t len, const struct reg_import_test *t)
{
	return import_run(db, NULL, NULL, job_id, commit, who, data, len, t);
}

/* ---- background jobs ---- */

static atomic_int jobs_running;

struct job_arg {
	uint64_t job_id;
	int commit;
	struct reg_import_test t;
	struct reg_actor who;
};

static void *job_thread(void *p)
{
	struct job_arg *j = p;
	struct db *db = db_open(), *pdb = db_open(), *sdb = j->commit ? db_open() : NULL;
	import_run(db, pdb, sdb, j->job_id, j->commit, &j->who, NULL, 0, &j->t);
	db_close(sdb);
	db_close(pdb);
	db_close(db);
	free(j);
	atomic_fetch_sub(&jobs_running, 1);
	return NULL;
}

int registry_import_spawn(uint64_t job_id, int commit, const struct reg_actor *who, const struct reg_import_test *t)
{
	int max = (int)config_int("XJ_IMPORT_JOBS");
	if (atomic_fetch_add(&jobs_running, 1) >= max) {
		atomic_fetch_sub(&jobs_running, 1);
		return -1;
	}
	struct job_arg *j = xmalloc(sizeof *j);
	j->job_id = job_id;
	j->commit = commit;
	memset(&j->t, 0, sizeof j->t);
	if (t)
		j->t = *t;
	j->who = *who;
	if (thread_spawn(job_thread, j) != 0) {
		free(j);
		atomic_fetch_sub(&jobs_running, 1);
		return -1;
	}
	return 0;
}

/* ================================================================ failed rows, templates */

/* Append s as a CSV field (quoted when needed; a leading = or @, or + - before a non-digit, is neutralised with
 * an apostrophe so a spreadsheet never runs it as a formula). */
static void csv_field(struct sbuf *b, const char *s)
{
	if (!s)
		s = "";
	int quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || (*s && s[strlen(s) - 1] == ' ');
	int neutral = s[0] == '=' || s[0] == '@' || ((s[0] == '+' || s[0] == '-') && s[1] && (s[1] < '0' || s[1] > '9'));
	if (quote || neutral)
		sbuf_put(b, "\"", 1);
	if (neutral)
		sbuf_put(b, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			sbuf_put(b, "\"\"", 2);
		else
			sbuf_put(b, p, 1);
	}
	if (quote || neutral)
		sbuf_put(b, "\"", 1);
}

enum xerr registry_import_failed_csv(struct db *db, struct arena *a, uint64_t job_id, const char **csv, size_t *len)
{
	size_t flen = 0;
	unsigned char *data = import_load(job_id, &flen);
	struct reg_job j;
	int found = 0;
	enum xerr e = db_reg_job_get(db, a, job_id, &j, &found);
	struct tab_sheet t;
	char msg[200];
	struct sbuf b = {0};
	if (e != XE_OK || !found || !data || tab_read(a, data, flen, strcmp(j.format, "xlsx") == 0, REG_IMPORT_MAX_ROWS, &t, msg, sizeof msg) != TAB_OK) {
		free(data);
		return e != XE_OK ? e : XE_NOT_FOUND;
	}
	struct db_rows is;
	if ((e = db_reg_job_issues(db, a, job_id, 1, IMPORT_MAX_ISSUES, 0, &is)) != XE_OK) {
		free(data);
		return e;
	}
	/* the file's own columns, as its import read them (XLSX dates as dates), without an earlier error column, plus the
	 * messages: the clerk fixes the rows and imports this file as it is (issue 11) */
	int *fld = arena_alloc(a, (t.ncols ? t.ncols : 1) * sizeof *fld);
	sbuf_put(&b, "\xEF\xBB\xBF", 3);
	for (size_t c = 0; c < t.ncols; c++) {
		const char *hd = tab_cell(&t, 0, c);
		fld[c] = hd && strstr(hd, STUDENT_ERROR_COLUMN) ? -2 : hd ? student_field_by_header(hd, strlen(hd)) : -1;
		if (fld[c] == -2)
			continue;
		csv_field(&b, hd);
		sbuf_put(&b, ",", 1);
	}
	sbuf_put(&b, STUDENT_ERROR_COLUMN "\r\n", strlen(STUDENT_ERROR_COLUMN "\r\n"));
	/* issues are ordered by row: walk both */
	size_t k = 0;
	long long listed = 0;
	for (size_t r = 1; r < t.nrows && k < is.n; r++) {
		int rn = t.row_no[r];
		while (k < is.n && db_get_int(&is, k, 0) < rn)
			k++;
		if (k >= is.n || db_get_int(&is, k, 0) != rn)
			continue;
		listed++;
		for (size_t c = 0; c < t.ncols; c++) {
			const char *v = tab_cell(&t, r, c);
			char d[11];
			if (fld[c] == -2)
				continue;
			if (v && (fld[c] == SF_BIRTH || fld[c] == SF_ENROL) && tab_kind(&t, r, c) == TK_NUM &&
			    tab_excel_date(strtod(v, NULL), t.date1904, d) == 0)
				v = d;
			csv_field(&b, v);
			sbuf_put(&b, ",", 1);
		}
		struct sbuf m = {0};
		char head[32];
		snprintf(head, sizeof head, "第%d行：", rn);
		sbuf_put(&m, head, strlen(head));
		for (int first = 1; k < is.n && db_get_int(&is, k, 0) == rn; k++, first = 0) {
			if (!first)
				sbuf_put(&m, "；", strlen("；"));
			const char *zh = db_get(&is, k, 6);
			sbuf_put(&m, zh, strlen(zh));
		}
		csv_field(&b, m.s);
		free(m.s);
		sbuf_put(&b, "\r\n", 2);
	}
	free(data);
	if (listed < j.rows_error) { /* more failing rows than issues kept (add_issue): not a file that looks complete */
		free(b.s);
		return XE_CONFLICT;
	}
	char *out = arena_alloc(a, b.n + 1);
	memcpy(out, b.s, b.n + 1);
	*csv = out;
	*len = b.n;
	free(b.s);
	return XE_OK;
}

static char *tpl_csv, *tpl_xlsx;
static size_t tpl_csv_len, tpl_xlsx_len;
static pthread_once_t tpl_once = PTHREAD_ONCE_INIT;

static void tpl_init(void)
{
	struct sbuf b = {0};
	sbuf_put(&b, "\xEF\xBB\xBF", 3);
	for (int f = 0; f < SF__COUNT; f++) {
		const char *h = student_field_header((enum student_field)f);
		sbuf_put(&b, h, strlen(h));
		sbuf_put(&b, f + 1 < SF__COUNT ? "," : "\r\n", f + 1 < SF__COUNT ? 1 : 2);
	}
	tpl_csv = b.s;
	tpl_csv_len = b.n;

	char path[] = "/tmp/xueji-template-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return;
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "学生");
	lxw_worksheet *help = workbook_add_worksheet(wb, "说明");
	lxw_format *head = workbook_add_format(wb), *text = workbook_add_format(wb), *date = workbook_add_format(wb);
	format_set_bold(head);
	format_set_num_format(text, "@");
	format_set_num_format(date, "yyyy-mm-dd");
	for (int f = 0; f < SF__COUNT; f++) {
		worksheet_write_string(ws, 0, (lxw_col_t)f, student_field_header((enum student_field)f), head);
		lxw_format *cf = (f == SF_BIRTH || f == SF_ENROL) ? date : text;
		worksheet_set_column(ws, (lxw_col_t)f, (lxw_col_t)f, f == SF_ID_NUMBER || f == SF_PHONE ? 22 : 14, cf);
	}
	static char gm[] = "男", gf[] = "女", t1[] = "1", t6[] = "6", t7[] = "7", t8[] = "8", t9[] = "9", ta[] = "A", tz[] = "Z";
	char *genders[] = {gm, gf, NULL}, *types[] = {t1, t6, t7, t8, t9, ta, tz, NULL};
	lxw_data_validation g = {.validate = LXW_VALIDATION_TYPE_LIST, .value_list = genders};
	lxw_data_validation t = {.validate = LXW_VALIDATION_TYPE_LIST, .value_list = types};
	worksheet_data_validation_range(ws, 1, SF_GENDER, 100000, SF_GENDER, &g);
	worksheet_data_validation_range(ws, 1, SF_ID_TYPE, 100000, SF_ID_TYPE, &t);
	worksheet_freeze_panes(ws, 1, 0);
	static const char *lines[] = {
		"学生信息导入模板（第一个工作表）：第一行为表头，请勿修改列名；每行一名学生。",
		"姓名：1-50 个字（可含生僻字），不能含表情符号、数字或符号。",
		"性别：男 或 女。出生日期、入学日期：YYYY-MM-DD。",
		"证件类型：1 居民身份证；6 香港特区护照/身份证明；7 澳门特区护照/身份证明；8 台湾居民来往大陆通行证；"
		"9 境外永久居住证；A 护照；Z 其他（证件号码可为空）。",
		"证件号码、学校标识码请保持文本格式（身份证号若存成数字只保留 15 位，后几位会丢失；已丢失的请设为文本格式后重新输入）。",
		"学校标识码：本校学籍管理员导入时可以不填，系统按本校填写。年级、班级、入学日期、监护人姓名、监护人联系电话可不填。",
		"导入后可下载“失败的行”文件：改正后直接导入该文件即可（“错误信息”列会被忽略）。",
		"先“预检”（dry run）查看每行错误，再“提交”；同一文件重复导入不会重复建档。",
		NULL};
	for (int i = 0; lines[i]; i++)
		worksheet_write_string(help, (lxw_row_t)i, 0, lines[i], NULL);
	if (workbook_close(wb) == LXW_NO_ERROR) {
		FILE *f = fopen(path, "rb");
		if (f && fseek(f, 0, SEEK_END) == 0) {
			long n = ftell(f);
			rewind(f);
			tpl_xlsx = xmalloc((size_t)n);
			if (tpl_xlsx && fread(tpl_xlsx, 1, (size_t)n, f) == (size_t)n)
				tpl_xlsx_len = (size_t)n;
		}
		if (f)
			fclose(f);
	}
	unlink(path);
}

const char *registry_template_csv(size_t *len)
{
	pthread_once(&tpl_once, tpl_init);
	*len = tpl_csv_len;
	return tpl_csv;
}

const char *registry_template_xlsx(size_t *len)
{
	pthread_once(&tpl_once, tpl_init);
	*len = tpl_xlsx_len;
	return tpl_xlsx_len ? tpl_xlsx : NULL;
}

/* ================================================================ command line */

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		rewind(f);
		if (n >= 0 && (b = xmalloc((size_t)n + 1)) && fread(b, 1, (size_t)n, f) == (size_t)n) {
			b[n] = 0;
			*len = (size_t)n;
		} else {
			free(b);
			b = NULL;
		}
	}
	fclose(f);
	return b;
}

static enum xerr gnumber_tx(struct db *db, void *vc)
{
	struct sweep_ctx *c = vc;
	return db_reg_sweep_gnumbers(db, c->keys, c->from, c->to, &c->gnumbers);
}

/* One chunk of the settled check (readers_run): settled[off..] for keys[off..], off = c * chunk (XJ_REDETECT_SETTLED_CHUNK
 * keys per lock-free read, db_reg_sweep_settled). */
struct settle_ctx {
	const struct db_rows *keys;
	unsigned char *settled; /* keys->n flags, shared; each chunk writes its own */
	size_t chunk;
};

static enum xerr settle_chunk(struct db *db, struct arena *a, size_t c, void *v)
{
	struct settle_ctx *s = v;
	size_t off = c * s->chunk, to = off + s->chunk < s->keys->n ? off + s->chunk : s->keys->n;
	return db_reg_sweep_settled(db, a, s->keys, off, to, s->settled + off);
}

/* issue 14 item 3: settled[i] = 1 for the keys whose open group holds exactly their live records, read without locks
 * in chunks by readers_run. */
static enum xerr settle_keys(const struct db_rows *keys, unsigned char *settled)
{
	struct settle_ctx s = {keys, settled, (size_t)config_int("XJ_REDETECT_SETTLED_CHUNK")};
	memset(settled, 0, keys->n);
	return readers_run((keys->n + s.chunk - 1) / s.chunk, NULL, settle_chunk, &s);
}

/* The candidate keys of one source, read on a connection of its own, every source's read started at once and each
 * source evaluated when its keys are in (issue 14 item 3: the bare GROUP BY of a source keeps one core busy; 10M
 * records, 2 cores: about 4 s of a 14-s run had the other idle). Each source's read is a snapshot of its own, as
 * before; a key seen already is evaluated once. */
struct key_read {
	size_t src;
	struct arena a; /* the keys' memory, until the source's slices are done */
	struct db_rows keys;
	enum xerr e;
	pthread_t th;
	int running;
};

static void *key_read_run(void *vc)
{
	struct key_read *k = vc;
	struct db *db = db_open();
	k->e = db_reg_sweep_keys(db, &k->a, k->src, &k->keys);
	db_close(db);
	return NULL;
}

/* Start reading source src's keys into k; run here if no thread. */
static void key_read_start(struct key_read *k, size_t src)
{
	arena_init(&k->a, 1 << 20);
	k->src = src;
	k->running = pthread_create(&k->th, NULL, key_read_run, k) == 0;
	if (!k->running)
		key_read_run(k);
}

static enum xerr key_read_wait(struct key_read *k, struct db_rows *keys)
{
	if (k->running)
		pthread_join(k->th, NULL);
	k->running = 0;
	*keys = k->keys;
	return k->e;
}

/* `xueji --redetect` (issue 14 item 2): the candidate keys of every source read without locks (all sources' reads at
 * once, key_read), then evaluated in slices of short transactions (each retried alone on a deadlock), then the
 * G-number catch-up, with progress on stderr; the summary line and the longest transaction on stdout. */
static int redetect_cli(struct db *db, struct arena *a)
{
	const char *const *names;
	size_t nsrc = db_reg_sweep_sources(&names), total = 0, nslices = 0, settled_total = 0;
	struct reg_detect_stats sum = {0};
	double t0 = mono(), target = (double)config_int("XJ_REDETECT_SLICE_MS") / 1000.0, longest = 0, t_keys = 0;
	size_t slice, longest_keys = 0;
	const char *longest_src = "-";
	enum xerr e = XE_OK;
	struct arena sa, ka; /* one slice's memory; the keys seen */
	struct hmap seen = {0};
	struct key_read *rd = xcalloc(nsrc ? nsrc : 1, sizeof *rd);
	arena_init(&sa, 1 << 20);
	arena_init(&ka, 1 << 20);
	for (size_t src = 0; src < nsrc; src++)
		key_read_start(&rd[src], src);
	for (size_t src = 0; src < nsrc && e == XE_OK; src++) {
		struct db_rows keys;
		double t1 = mono();
		if ((e = key_read_wait(&rd[src], &keys)) != XE_OK)
			break;
		/* a key of several sources (an open group's key is mostly a shared number too) is evaluated once */
		size_t kept = 0;
		for (size_t r = 0; r < keys.n; r++) {
			char k[300];
			int created;
			snprintf(k, sizeof k, "%s|%s", db_get(&keys, r, 0), db_get(&keys, r, 1));
			hget(&seen, &ka, k, 1, &created);
			if (!created)
				continue;
			memmove(keys.cell + kept * 6, keys.cell + r * 6, 6 * sizeof *keys.cell);
			memmove(keys.len + kept * 6, keys.len + r * 6, 6 * sizeof *keys.len);
			kept++;
		}
		keys.n = kept;
		/* issue 14 item 3: the shared keys whose open group holds exactly their live records are left out (they stay
		 * seen, so the open groups' source does not evaluate them either); read in chunks, without locks */
		size_t nsettled = 0;
		if (e == XE_OK && config_int("XJ_REDETECT_ALL") == 0 && keys.n) {
			unsigned char *settled = xmalloc(keys.n);
			kept = 0;
			e = settle_keys(&keys, settled);
			for (size_t r = 0; r < keys.n && e == XE_OK; r++) {
				if (settled[r]) {
					nsettled++;
					continue;
				}
				memmove(keys.cell + kept * 6, keys.cell + r * 6, 6 * sizeof *keys.cell);
				memmove(keys.len + kept * 6, keys.len + r * 6, 6 * sizeof *keys.len);
				kept++;
			}
			free(settled);
			if (e != XE_OK)
				break;
			keys.n = kept;
		}
		settled_total += nsettled;
		t_keys += mono() - t1;
		fprintf(stderr, "redetect: %s: %zu candidate keys, %zu settled (%.3f s)\n", names[src], keys.n, nsettled, mono() - t1);
		/* each source's slices start small again: a key of another source may cost far more (a source whose clashes
		 * are all grouped grows its slices to thousands of keys; the next one's first slice would open thousands of
		 * groups in one transaction, issue 14 item 2: no transaction over 1 s) */
		slice = slice_first();
		for (size_t off = 0; off < keys.n && e == XE_OK;) {
			struct sweep_ctx c = {&sa, &keys, off, off + slice < keys.n ? off + slice : keys.n, {0}, 0};
			double ts = mono();
			e = db_tx(db, sweep_tx, &c);
			arena_reset(&sa);
			double took = mono() - ts;
			if (took > longest)
				longest = took, longest_src = names[src], longest_keys = c.to - c.from;
			nslices++;
			sum.groups_opened += c.st.groups_opened;
			sum.members_added += c.st.members_added;
			sum.members_closed += c.st.members_closed;
			sum.members_reopened += c.st.members_reopened;
			sum.groups_done += c.st.groups_done;
			off = c.to;
			total += c.to - c.from;
			if (nslices % 20 == 0 || off == keys.n)
				fprintf(stderr, "redetect: %s: %zu/%zu keys, %.1f s\n", names[src], off, keys.n, mono() - t0);
			slice = slice_next(slice, took, target);
		}
		arena_free(&rd[src].a); /* (freed again below: a freed arena holds nothing) */
	}
	for (size_t i = 0; i < nsrc; i++) { /* after an error: the reads under way end before their memory goes */
		struct db_rows unused;
		(void)key_read_wait(&rd[i], &unused);
		arena_free(&rd[i].a);
	}
	free(rd);
	unsigned long long gnumbers = 0;
	if (e == XE_OK) {
		struct db_rows ids;
		if ((e = db_reg_sweep_gcands(db, a, &ids)) == XE_OK)
			for (size_t off = 0; off < ids.n && e == XE_OK; off += 2000) {
				struct sweep_ctx c = {&sa, &ids, off, off + 2000 < ids.n ? off + 2000 : ids.n, {0}, 0};
				double ts = mono();
				e = db_tx(db, gnumber_tx, &c);
				if (mono() - ts > longest)
					longest = mono() - ts, longest_src = "G numbers", longest_keys = c.to - c.from;
				nslices++;
				gnumbers += c.gnumbers;
			}
		arena_reset(a);
	}
	if (e == XE_OK)
		printf("redetect: groups opened %u, members added %u, members closed %u, members reopened %u, groups done %u\n"
		       "redetect: %zu keys in %zu transactions, longest %.3f s; candidate keys read in %.3f s; G numbers given %llu\n"
		       "redetect: %zu keys settled (their open group holds their live records)\n",
		       sum.groups_opened, sum.members_added, sum.members_closed, sum.members_reopened, sum.groups_done, total, nslices,
		       longest, t_keys, gnumbers, settled_total);
	if (e == XE_OK)
		fprintf(stderr, "redetect: the longest transaction: %s, %zu keys\n", longest_src, longest_keys);
	printf("redetect: %s in %.3f s\n", err_code(e), mono() - t0);
	arena_free(&sa);
	hfree(&seen);
	arena_free(&ka);
	return e == XE_OK ? 0 : 1;
}

/* ---- `xueji --load FILE...`: a province's existing registry (issue 14 item 3) ---- */

struct load_ctx {
	struct arena *a;
	const char *path, *sha;
	size_t len, chunk;
	struct imp x;          /* the sheet, its columns and the school cache (cell_for, hget) */
	long long loaded, bad; /* rows stored; rows refused (the file is then refused whole) */
	int skipped;           /* the file was loaded before */
	double t0, t_check, t_taken, t_store; /* start; seconds checking rows, looking numbers up, storing (progress) */
};

static void load_error(struct load_ctx *c, int row_no, const char *col, const char *msg)
{
	if (c->bad++ < 100)
		fprintf(stderr, "load: %s: row %d, %s: %s\n", c->path, row_no, col, msg);
}

/* The number a row brings (R5): L + the school's county + the birth date + 4 digits (not 0000), or G + the valid
 * resident ID number. NULL when it is none of these. */
static const char *load_number(const char *v, const struct student_rec *rec, const struct reg_school *s)
{
	static const char *digits = "0123456789";
	if (!v)
		return NULL;
	size_t n = strlen(v);
	if (n == 19 && v[0] == 'L' && strncmp(v + 1, s->county, 6) == 0 && strncmp(v + 7, rec->birth, 4) == 0 &&
	    strncmp(v + 11, rec->birth + 5, 2) == 0 && strncmp(v + 13, rec->birth + 8, 2) == 0 && strspn(v + 15, digits) == 4 &&
	    strcmp(v + 15, "0000") != 0)
		return v;
	if (v[0] == 'G' && rec->id_type == '1' && strcmp(rec->id_check, "ok") == 0 && strcmp(v + 1, rec->id_number) == 0)
		return v;
	return NULL;
}

/* One file, one transaction: claim it (a file loaded before is skipped: a re-run resumes after the files done), check
 * every row (R4, R8.2, the number it brings, the school), store the rows chunk by chunk with their numbers and the
 * counters raised (R5). A refused row refuses the file: XE_VALIDATION, nothing of it stays. No detection here: the
 * sweep runs once after every file. */
static enum xerr load_tx(struct db *db, void *vc)
{
	struct load_ctx *c = vc;
	struct imp *x = &c->x;
	size_t nrows = x->t.nrows - 1;
	uint64_t job = 0, prior = 0;
	enum xerr e;
	c->loaded = c->bad = 0;
	c->skipped = 0;
	c->t_check = c->t_taken = c->t_store = 0;
	hfree(&x->schools); /* a retried attempt looks its schools up again (import_pass) */
	hfree(&x->numbers);
	db_reg_counts_clear(&x->counts);
	x->db = db;
	if ((e = schools_ahead(x)) != XE_OK)
		return e;
	if ((e = db_reg_job_create(db, 0, 1, 1, c->sha, (long long)c->len, x->t.format == TAB_XLSX ? "xlsx" : "csv", x->t.encoding, 0,
				   "committing", (long long)nrows, &job)) != XE_OK ||
	    (e = db_reg_file_claim(db, c->a, 1, c->sha, job, &prior)) != XE_OK)
		return e;
	if (prior && prior != job) {
		c->skipped = 1;
		return XE_CONFLICT; /* rolls the new job row back */
	}
	struct student_rec *recs = xmalloc(c->chunk * sizeof *recs);
	struct reg_new *news = xmalloc(c->chunk * sizeof *news);
	const char **nos = xmalloc(c->chunk * sizeof *nos);
	for (size_t off = 0; off < nrows && e == XE_OK; off += c->chunk) {
		size_t end = off + c->chunk < nrows ? off + c->chunk : nrows, nv = 0;
		double t1 = mono();
		for (size_t i = off; i < end; i++) {
			size_t r = i + 1;
			int row_no = x->t.row_no[r], numeric_id = 0, created;
			struct student_in in;
			struct student_issue iss[STUDENT_MAX_ISSUES];
			size_t ni = 0;
			for (int f = 0; f < SF__COUNT; f++)
				in.v[f] = cell_for(x, r, f, &numeric_id);
			struct student_rec *rec = &recs[nv];
			size_t nerr = student_validate(&in, student_today(), rec, iss, STUDENT_MAX_ISSUES, &ni);
			for (size_t k = 0; k < ni; k++)
				if (!iss[k].warning)
					load_error(c, row_no, student_field_header(iss[k].field), iss[k].en);
			if (nerr)
				continue;
			struct hent *h = hget(&x->schools, x->a, rec->school_code, 0, NULL);
			assert(h); /* schools_ahead looked up every code of the file */
			if (!h->ptr) {
				load_error(c, row_no, student_field_header(SF_SCHOOL), "no such school");
				continue;
			}
			const char *cell = tab_cell(&x->t, r, (size_t)x->m.no_col), *no = load_number(cell, rec, h->ptr);
			if (!no) {
				load_error(c, row_no, LOAD_NO_HEADER, "not a student number of this record: L + the school's county + the birth"
								      " date + 4 digits, or G + its valid resident ID number (R5)");
				continue;
			}
			struct hent *u = hget(&x->numbers, x->a, no, 1, &created);
			if (!created) {
				char m[80];
				snprintf(m, sizeof m, "the number %s is also on row %d", no, u->e);
				load_error(c, row_no, LOAD_NO_HEADER, m);
				continue;
			}
			u->e = row_no;
			news[nv] = (struct reg_new){.rec = rec, .school = h->ptr, .import_job_id = job, .import_row = (uint32_t)row_no};
			snprintf(news[nv].student_no, sizeof news[nv].student_no, "%s", no);
			nos[nv++] = u->key;
		}
		struct db_rows taken;
		double t2 = mono();
		c->t_check += t2 - t1;
		if (nv && (e = db_reg_numbers_taken(db, c->a, nos, nv, &taken)) != XE_OK)
			goto out;
		t1 = mono();
		c->t_taken += t1 - t2;
		for (size_t k = 0; nv && k < taken.n; k++) {
			struct hent *u = hget(&x->numbers, x->a, db_get(&taken, k, 0), 0, NULL);
			load_error(c, u ? u->e : 0, LOAD_NO_HEADER, "the number is in use by a record already stored");
		}
		if (c->bad)
			continue; /* the file is refused: the remaining rows are only checked */
		uint64_t batch = 0;
		if ((e = db_reg_batch_new(db, "load", 0, "system", &batch)) != XE_OK || (e = db_reg_load_numbered(db, news, nv, batch, &x->counts)) != XE_OK)
			goto out;
		c->t_store += mono() - t1;
		c->loaded += (long long)nv;
		fprintf(stderr, "load: %s: %zu/%zu rows, %.1f s (checking %.1f s, numbers in use %.1f s, storing %.1f s)\n", c->path, end,
			nrows, mono() - c->t0, c->t_check, c->t_taken, c->t_store);
	}
	if (c->bad)
		e = XE_VALIDATION;
	else if ((e = db_reg_counts_flush(db, &x->counts)) == XE_OK)
		e = db_reg_job_finish(db, job, "done", c->loaded, 0, (long long)nrows, c->loaded, 0, 0, 0, NULL, NULL);
out:
	free(recs);
	free(news);
	free(nos);
	return e;
}

static void system_actor(struct reg_actor *who);

static int load_cli(struct db *db, struct arena *a, int nfiles, char **files)
{
	int failed = 0;
	double t0 = mono();
	long long total = 0;
	struct reg_actor sys;
	system_actor(&sys); /* the whole country: every school of a file is in scope */
	for (int i = 0; i < nfiles; i++) {
		size_t len = 0;
		unsigned char *data = read_all(files[i], &len);
		char code[40], en[400], zh[400], sha[65];
		const char *field;
		struct load_ctx c;
		memset(&c, 0, sizeof c);
		c.a = c.x.a = a;
		c.x.who = &sys;
		c.path = files[i];
		c.len = len;
		c.sha = sha;
		c.t0 = t0;
		c.chunk = (size_t)config_int("XJ_LOAD_CHUNK");
		if (!data) {
			fprintf(stderr, "load: cannot read %s\n", files[i]);
			failed = 1;
			continue;
		}
		sha256_hex(data, len, sha);
		if (import_check(a, data, len, 0, 0, 1, &c.x.t, &c.x.m, code, en, zh, &field) != 0) {
			fprintf(stderr, "load: %s: %s\n", files[i], en);
			failed = 1;
		} else {
			enum xerr e = db_tx(db, load_tx, &c);
			if (c.skipped)
				printf("load: %s: loaded before, skipped\n", files[i]);
			else if (e == XE_VALIDATION)
				fprintf(stderr, "load: %s: %lld rows refused: nothing of the file was stored\n", files[i], c.bad), failed = 1;
			else if (e != XE_OK)
				fprintf(stderr, "load: %s: %s: %s\n", files[i], err_code(e),
					e == XE_OUTCOME_UNKNOWN ? "not known whether it was stored: run the load again (a file"
								   " stored before is skipped)"
								 : "nothing of the file was stored"),
					failed = 1;
			else {
				printf("load: %s: %lld records stored with their numbers\n", files[i], c.loaded);
				total += c.loaded;
			}
		}
		hfree(&c.x.schools);
		hfree(&c.x.numbers);
		db_reg_counts_free(&c.x.counts);
		free(data);
		arena_reset(a);
	}
	printf("load: %lld records in %.3f s%s\n", total, mono() - t0, failed ? "; some files refused" : "");
	if (failed)
		return 1;
	/* R7-R9 once, set-based, over everything: the sweep of --redetect */
	return redetect_cli(db, a);
}

/* A system actor with the whole country in scope. */
static void system_actor(struct reg_actor *who)
{
	memset(who, 0, sizeof *who);
	snprintf(who->role, sizeof who->role, "system");
	who->is_api = 1;
	who->unit_id = 1;
	who->level = LEVEL_MINISTRY;
}

static int seed_results(struct db *db, struct arena *a, const struct reg_actor *who, const char *path)
{
	size_t len = 0;
	unsigned char *buf = read_all(path, &len);
	if (!buf) {
		fprintf(stderr, "seed: cannot read %s\n", path);
		return 1;
	}
	cJSON *root = cJSON_ParseWithLength((const char *)buf, len);
	free(buf);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "results"), *it;
	int applied = 0, unchanged = 0, failed = 0;
	cJSON_ArrayForEach(it, list)
	{
		struct reg_outcome o;
		const char *sc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "school_code"));
		const char *idn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id_number"));
		const char *res = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "result"));
		const char *nn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "new_id_number"));
		if (registry_register_result(db, a, who, 0, NULL, sc, idn, res, nn, NULL, NULL, NULL, NULL, &o) != XE_OK ||
		    strcmp(o.status ? o.status : "error", "error") == 0) {
			fprintf(stderr, "seed: result for %s/%s: %s\n", sc ? sc : "?", idn ? idn : "?", o.message ? o.message : "database error");
			failed++;
		} else if (strcmp(o.status, "applied") == 0)
			applied++;
		else
			unchanged++;
	}
	printf("seed: register results applied %d, unchanged %d, failed %d\n", applied, unchanged, failed);
	return failed ? 1 : 0;
}

int registry_cli(int argc, char **argv)
{
	struct arena a;
	struct db *db = db_open();
	struct reg_actor who;
	int rc = 2;
	arena_init(&a, 1 << 20);
	arena_set_current(&a);
	system_actor(&who);
	if (strcmp(argv[0], "--redetect") == 0) {
		rc = redetect_cli(db, &a);
	} else if (strcmp(argv[0], "--load") == 0 && argc >= 2) {
		rc = load_cli(db, &a, argc - 1, argv + 1);
	} else if (strcmp(argv[0], "--seed-demo") == 0 && argc >= 2) {
		size_t len = 0;
		unsigned char *data = read_all(argv[1], &len);
		struct tab_sheet t;
		struct colmap m;
		char code[40], en[400], zh[400], sha[65];
		const char *field;
		rc = 1;
		if (!data)
			fprintf(stderr, "seed: cannot read %s\n", argv[1]);
		else if (import_check(&a, data, len, 0, 0, 0, &t, &m, code, en, zh, &field) != 0)
			fprintf(stderr, "seed: %s: %s\n", argv[1], en);
		else {
			uint64_t job = 0;
			sha256_hex(data, len, sha);
			enum xerr e = db_reg_job_create(db, 0, 1, who.unit_id, sha, (long long)len, t.format == TAB_XLSX ? "xlsx" : "csv",
							t.encoding, 0, "committing", (long long)t.nrows - 1, &job);
			if (e == XE_OK)
				e = registry_import_run(db, job, 1, &who, data, len, NULL);
			struct reg_job j;
			int found = 0;
			if (e == XE_OK && db_reg_job_get(db, &a, job, &j, &found) == XE_OK && found) {
				printf("seed: %s: %lld rows, %lld created, %lld unchanged, %lld with errors%s\n", argv[1], j.rows_total,
				       j.rows_created, j.rows_unchanged, j.rows_error, j.duplicate_of ? " (file already imported)" : "");
				rc = 0;
			} else
				fprintf(stderr, "seed: import failed: %s\n", err_code(e));
			if (rc == 0 && argc >= 3)
				rc = seed_results(db, &a, &who, argv[2]);
		}
		free(data);
	} else
		fprintf(stderr, "usage: xueji --seed-demo STUDENTS.csv [RESULTS.json] | --redetect | --load FILE...\n");
	arena_set_current(NULL);
	arena_free(&a);
	db_close(db);
	return rc;
}

enum xerr registry_detect_student(struct db *db, struct arena *a, uint64_t student_id, uint64_t actor_id, const char *actor_role)
{
	uint64_t batch = 0;
	enum xerr e = db_reg_batch_new(db, "change", actor_id, actor_role, &batch);
	if (e == XE_OK)
		e = db_reg_touch(db, &student_id, 1, batch);
	if (e == XE_OK)
		e = db_reg_detect(db, a, batch, 0, NULL);
	if (e == XE_OK)
		e = suspects_check_batch(db, a, batch); /* R31 */
	return e;
}

enum xerr registry_redetect(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, int *still_clashes)
{
	return db_reg_still_clashes(db, a, student_id, group_id, still_clashes);
}
