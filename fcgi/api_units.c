/* api_units: schools as living data over HTTP (issue 16, R1): a county bureau (and administrators at or above it)
 * opens, edits and closes the schools of its county; every change is in the security log with who and when. */
#include "api.h"
#include "auth.h"
#include "db_auth.h"
#include "db_units.h"
#include "json.h"
#include "school.h"
#include "scope.h"
#include <assert.h>
#include <string.h>

static cJSON *school_json(const struct db_school *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", s->id);
	json_add_str(o, "code", s->code);
	json_add_str(o, "name", s->name);
	json_add_str(o, "type", s->type);
	json_add_str(o, "type_name", school_type_name(s->type));
	json_add_str(o, "address", s->address);
	cJSON_AddBoolToObject(o, "closed", s->closed_at != NULL);
	json_add_str(o, "closed_at", s->closed_at);
	cJSON_AddNumberToObject(o, "version", s->version);
	cJSON *c = cJSON_AddObjectToObject(o, "county");
	json_add_str(c, "code", s->county_code);
	json_add_str(c, "name", s->county_name);
	return o;
}

/* Read name/type/address (create: required name and type). */
static enum xerr read_fields(struct req *r, struct resp *w, const cJSON *b, int create, const char **name, const char **type,
			     const char **address)
{
	enum xerr e;
	if ((e = json_str(r, w, b, "name", create, SCHOOL_NAME_MIN, SCHOOL_NAME_MAX, name)) || (e = json_str(r, w, b, "type", create, 3, 3, type)) ||
	    (e = json_str(r, w, b, "address", 0, 0, SCHOOL_ADDRESS_MAX, address)))
		return e;
	if (*type && !(*type = school_type_code(*type)))
		return resp_error_zh(r, w, XE_VALIDATION, "type", "学校办学类型代码不在代码表中（如 211 小学、311 初级中学、312 九年一贯制学校）。",
				     "type must be a school type code of the national table (e.g. 211, 311, 312).");
	return XE_OK;
}

struct create_ctx {
	struct req *r;
	const struct db_school *county;
	const char *code, *name, *type, *address;
	uint32_t id;
};

static enum xerr create_tx(struct db *db, void *arg)
{
	struct create_ctx *c = arg;
	enum xerr e = db_units_school_create(db, c->county, c->code, c->name, c->type, c->address, &c->id);
	if (e == XE_OK) {
		struct db_seclog ev = {.event = "school_created", .unit_id = c->id, .detail = c->code};
		e = auth_seclog(c->r, &ev);
	}
	return e;
}

enum xerr api_schools_create(struct req *r, struct resp *w)
{
	cJSON *b;
	enum xerr e;
	const char *code, *county, *name, *type, *address;
	if ((e = req_json(r, w, &b)) || (e = json_str(r, w, b, "code", 1, 10, 10, &code)) ||
	    (e = json_str(r, w, b, "county_code", 1, 6, 6, &county)) || (e = read_fields(r, w, b, 1, &name, &type, &address)))
		return e;
	if (!school_code_ok(code))
		return resp_error_zh(r, w, XE_VALIDATION, "code", "学校标识码须为 10 位数字。", "code must be the 10-digit school code.");
	struct db_school c;
	int found;
	if ((e = db_units_county(r->db, r->arena, county, &c, &found)))
		return e;
	/* R1: only a county within the caller's jurisdiction (unknown and foreign look alike) */
	if (!found || !scope_contains(r->who, c.province_code, c.city_code, c.county_code, c.county_id))
		return resp_error_zh(r, w, XE_VALIDATION, "county_code", "您的管辖范围内没有这个区县。",
				     "county_code: no such county in your jurisdiction.");
	struct create_ctx x = {r, &c, code, name, type, address, 0};
	if ((e = db_tx(r->db, create_tx, &x)) == XE_DUPLICATE)
		return resp_error_zh(r, w, XE_DUPLICATE, "code", "这个学校标识码已被使用。", "This school code is taken.");
	if (e)
		return e;
	struct db_school s;
	if ((e = db_units_school(r->db, r->arena, r->who, x.id, &s, &found)))
		return e;
	resp_header(w, "Location", arena_printf(r->arena, "/api/v1/schools/%u", x.id));
	return resp_json(r, w, 201, school_json(&s));
}

enum xerr api_school_get(struct req *r, struct resp *w)
{
	uint64_t id;
	struct db_school s;
	int found;
	enum xerr e;
	if ((e = req_path_id(r, 0, &id)) || (e = db_units_school(r->db, r->arena, r->who, (uint32_t)id, &s, &found)))
		return e == XE_NOT_FOUND ? resp_error(r, w, e, NULL, NULL) : e;
	if (!found)
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	return resp_json(r, w, 200, school_json(&s));
}

/* School id for a change by the caller: 404 unless its county lies within the caller's jurisdiction (R1: a school's own
 * users read, never manage), 409 if closed; the error is answered on w. */
static enum xerr managed_open_school(struct req *r, struct resp *w, uint32_t id, struct db_school *s)
{
	int found;
	enum xerr e = db_units_school(r->db, r->arena, r->who, id, s, &found);
	if (e)
		return e;
	if (!found || !scope_contains(r->who, s->province_code, s->city_code, s->county_code, s->county_id))
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	if (s->closed_at)
		return resp_error_zh(r, w, XE_CONFLICT, NULL, "这所学校已经撤销。", "The school is closed already.");
	return XE_OK;
}

struct edit_ctx {
	struct req *r;
	uint32_t id;
	unsigned version;
	const char *name, *type, *address, *event;
	int close, changed;
	long long records, open_members;
};

static enum xerr edit_tx(struct db *db, void *arg)
{
	struct edit_ctx *c = arg;
	enum xerr e;
	if (c->close) {
		/* a school with live records cannot close (R1: its records would lose their school): move them first. The
		 * row is written first, then counted: a registration in flight (it holds the row shared) is waited for and
		 * counted, a later one finds the school closed; through another Galera node, the registration and this close
		 * conflict at certification through the school's student counters (db_units_school_claim), issue 15 item 3 */
		c->records = 0;
		if ((e = db_units_school_close(db, c->id, c->version, &c->changed)) || !c->changed ||
		    (e = db_units_school_load(db, c->r->arena, c->id, &c->records, &c->open_members)))
			return e;
		if (c->records)
			return XE_CONFLICT; /* rolls the close back; edit() answers with the counts */
		if ((e = db_units_school_claim(db, c->id)))
			return e;
	} else {
		e = db_units_school_update(db, c->id, c->version, c->name, c->type, c->address, &c->changed);
	}
	if (e == XE_OK && c->changed) {
		struct db_seclog ev = {.event = c->event, .unit_id = c->id};
		e = auth_seclog(c->r, &ev);
	}
	return e;
}

/* PATCH (close = 0) and close (close = 1) of school {id} at the body's version. */
static enum xerr edit(struct req *r, struct resp *w, int close)
{
	uint64_t id;
	cJSON *b;
	long long version;
	enum xerr e;
	if ((e = req_path_id(r, 0, &id)))
		return resp_error(r, w, e, NULL, NULL);
	struct edit_ctx x = {.r = r, .id = (uint32_t)id, .close = close, .event = close ? "school_closed" : "school_updated"};
	if ((e = req_json(r, w, &b)) || (e = json_int(r, w, b, "version", 1, 1, 4294967295LL, 0, &version)) ||
	    (!close && (e = read_fields(r, w, b, 0, &x.name, &x.type, &x.address))))
		return e;
	x.version = (unsigned)version;
	struct db_school s;
	int found;
	if ((e = managed_open_school(r, w, x.id, &s)))
		return e;
	e = db_tx(r->db, edit_tx, &x);
	if (e && !(e == XE_CONFLICT && close && x.records))
		return e;
	if (close && x.records) {
		cJSON *inner, *root = resp_error_body(XE_CONFLICT, NULL, NULL,
			arena_printf(r->arena, "这所学校还有 %lld 条学籍（其中 %lld 条在未处理完的问题学籍中），请先将学籍转到其他学校再撤销。",
				     x.records, x.open_members),
			arena_printf(r->arena, "The school still holds %lld records (%lld of them in unfinished problem groups): move them "
					       "to another school before closing it.", x.records, x.open_members), &inner);
		cJSON_AddStringToObject(inner, "reason", "school_has_records");
		cJSON_AddNumberToObject(inner, "records", (double)x.records);
		cJSON_AddNumberToObject(inner, "open_members", (double)x.open_members);
		return resp_error_send(r, w, XE_CONFLICT, root);
	}
	if (!x.changed)
		return resp_error_zh(r, w, XE_CONFLICT, "version", "学校信息已被他人修改，请刷新后重试。",
				     "The school changed meanwhile; reload it.");
	if ((e = db_units_school(r->db, r->arena, r->who, x.id, &s, &found)))
		return e;
	return resp_json(r, w, 200, school_json(&s));
}

enum xerr api_school_update(struct req *r, struct resp *w) { return edit(r, w, 0); }
enum xerr api_school_close(struct req *r, struct resp *w) { return edit(r, w, 1); }

/* A merger or re-districting moves every record of a school in one transaction: for a large school its statements run
 * longer than a request's statement timeout (XJ_DB_REQUEST_TIMEOUT, 5 s; measured by tests/bench/units.sh: 100,000
 * records answered 503 and moved nothing), so it runs on a connection of its own with the commands' timeout (60 s;
 * nginx waits 120 s). r->db is that connection meanwhile (the security log writes in the same transaction). */
static enum xerr long_tx(struct req *r, enum xerr (*fn)(struct db *, void *), void *ctx)
{
	struct db *keep = r->db, *db = db_open();
	r->db = db;
	db_test_commit_fault_move(db, keep);
	enum xerr e = db_tx(db, fn, ctx);
	db_tx_token_copy(keep, db); /* a 503 outcome_unknown names this transaction's token */
	r->db = keep;
	db_close(db);
	return e;
}

struct merge_ctx {
	struct req *r;
	uint32_t from, into;
	unsigned version;
	const char *reason;
	long long moved;
	int changed;
};

static enum xerr merge_tx(struct db *db, void *arg)
{
	struct merge_ctx *c = arg;
	enum xerr e = db_units_school_merge(db, c->r->arena, c->from, c->version, c->into, c->r->who->user_id,
					    role_name(c->r->who->role), c->reason, &c->moved, &c->changed);
	if (e == XE_OK && c->changed == 1) {
		struct db_seclog ev = {.event = "school_merged", .unit_id = c->from, .detail = c->reason};
		e = auth_seclog(c->r, &ev);
	}
	return e;
}

/* POST /api/v1/schools/{id}/merge {version, into}: a merger within the county (issue 16 item 2, R1, R2): every record
 * of school {id} and its members in open groups move to school `into` in one transaction; {id} can then close. */
enum xerr api_school_merge(struct req *r, struct resp *w)
{
	uint64_t id;
	cJSON *b;
	long long version, into;
	enum xerr e;
	if ((e = req_path_id(r, 0, &id)))
		return resp_error(r, w, e, NULL, NULL);
	if ((e = req_json(r, w, &b)) || (e = json_int(r, w, b, "version", 1, 1, 4294967295LL, 0, &version)) ||
	    (e = json_int(r, w, b, "into", 1, 1, 4294967295LL, 0, &into)))
		return e;
	struct db_school s, t;
	int found, tfound;
	if ((e = managed_open_school(r, w, (uint32_t)id, &s)))
		return e;
	if ((e = db_units_school(r->db, r->arena, r->who, (uint32_t)into, &t, &tfound)))
		return e;
	if (!tfound || t.id == s.id || t.county_id != s.county_id)
		return resp_error_zh(r, w, XE_VALIDATION, "into", "请选择本区县的另一所学校（跨区县调整由省级办理）。",
				     "into must be another school of the same county (re-districting is the province's).");
	if (t.closed_at)
		return resp_error_zh(r, w, XE_CONFLICT, "into", "目标学校已经撤销，不能接收学籍。", "The target school is closed.");
	struct merge_ctx x = {r, s.id, t.id, (unsigned)version, arena_printf(r->arena, "%s -> %s", s.code, t.code), 0, 0};
	if ((e = long_tx(r, merge_tx, &x)))
		return e;
	if (x.changed < 0)
		return resp_error_zh(r, w, XE_CONFLICT, "into", "目标学校已经撤销，不能接收学籍。", "The target school is closed.");
	if (!x.changed)
		return resp_error_zh(r, w, XE_CONFLICT, "version", "学校信息已被他人修改，请刷新后重试。",
				     "The school changed meanwhile; reload it.");
	if ((e = db_units_school(r->db, r->arena, r->who, s.id, &s, &found)))
		return e;
	cJSON *o = school_json(&s);
	cJSON_AddNumberToObject(o, "moved", (double)x.moved);
	cJSON_AddNumberToObject(o, "into", t.id);
	return resp_json(r, w, 200, o);
}

struct move_ctx {
	struct req *r;
	uint32_t id;
	unsigned version;
	const struct db_school *county;
	const char *reason;
	struct db_units_moved out;
};

static enum xerr move_tx(struct db *db, void *arg)
{
	struct move_ctx *c = arg;
	enum xerr e = db_units_school_move(db, c->r->arena, c->id, c->version, c->county, c->r->who->user_id,
					   role_name(c->r->who->role), c->reason, &c->out);
	if (e == XE_OK && c->out.changed) {
		struct db_seclog ev = {.event = "school_moved", .unit_id = c->id, .detail = c->reason};
		e = auth_seclog(c->r, &ev);
	}
	return e;
}

/* POST /api/v1/schools/{id}/move {version, county_code}: re-districting (issue 16 item 2, R1 R2): a province (its
 * bureau or an administrator at province level or above) moves a school to another county of the same province in
 * one transaction; records, open groups' members, arbiters (R2), queues and suspect pairs follow (db_units_school_move). */
enum xerr api_school_move(struct req *r, struct resp *w)
{
	uint64_t id;
	cJSON *b;
	long long version;
	const char *county;
	enum xerr e;
	if ((e = req_path_id(r, 0, &id)))
		return resp_error(r, w, e, NULL, NULL);
	/* R1: re-districting changes a county's schools: the province decides, not a city or a county */
	if (r->who->unit_level > LEVEL_PROVINCE)
		return resp_error_zh(r, w, XE_FORBIDDEN, NULL, "学校跨区县调整由省级教育行政部门办理。",
				     "Moving a school to another county is for the province.");
	if ((e = req_json(r, w, &b)) || (e = json_int(r, w, b, "version", 1, 1, 4294967295LL, 0, &version)) ||
	    (e = json_str(r, w, b, "county_code", 1, 6, 6, &county)))
		return e;
	struct db_school s, c;
	int found;
	if ((e = managed_open_school(r, w, (uint32_t)id, &s)))
		return e;
	if ((e = db_units_county(r->db, r->arena, county, &c, &found)))
		return e;
	/* R1: the new county lies within the caller's jurisdiction and the school's province (the feed, R29, is per
	 * province); unknown and foreign look alike */
	if (!found || !scope_contains(r->who, c.province_code, c.city_code, c.county_code, c.county_id) ||
	    strcmp(c.province_code, s.province_code) != 0)
		return resp_error_zh(r, w, XE_VALIDATION, "county_code", "您的管辖范围内、本省内没有这个区县。",
				     "county_code: no such county of the school's province in your jurisdiction.");
	if (c.county_id == s.county_id)
		return resp_error_zh(r, w, XE_VALIDATION, "county_code", "学校已在这个区县。", "The school is in this county already.");
	struct move_ctx x = {r, s.id, (unsigned)version, &c, arena_printf(r->arena, "%s: %s -> %s", s.code, s.county_code, c.county_code),
			     {0}};
	if ((e = long_tx(r, move_tx, &x)))
		return e;
	if (!x.out.changed)
		return resp_error_zh(r, w, XE_CONFLICT, "version", "学校信息已被他人修改，请刷新后重试。",
				     "The school changed meanwhile; reload it.");
	if ((e = db_units_school(r->db, r->arena, r->who, s.id, &s, &found)))
		return e;
	assert(found);
	cJSON *o = school_json(&s);
	cJSON *m = cJSON_AddObjectToObject(o, "moved");
	cJSON_AddNumberToObject(m, "records", (double)x.out.records);
	cJSON_AddNumberToObject(m, "members", (double)x.out.members);
	cJSON_AddNumberToObject(m, "open_groups", (double)x.out.groups);
	cJSON_AddNumberToObject(m, "arbiters_changed", (double)x.out.arbiters_changed);
	return resp_json(r, w, 200, o);
}

/* ---- the school list file (issue 16 item 1) ---- */

struct import_ctx {
	struct req *r;
	struct school_row *rows;
	size_t n;
	int dry;
	const char *sha;
	cJSON *issues;        /* [{row, column, field, code, message, message_en}] */
	long long errors, create, unchanged;
	const struct db_school **county; /* per row: its county (NULL once the row has an issue or is unchanged) */
};

static void add_issue(struct import_ctx *c, const struct school_issue *is)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "row", is->row_no);
	json_add_str(o, "column", is->col < SCOL__COUNT ? school_col_header(is->col) : NULL);
	json_add_str(o, "field", school_col_field(is->col));
	json_add_str(o, "code", is->code);
	json_add_str(o, "message", is->zh);
	json_add_str(o, "message_en", is->en);
	cJSON_AddItemToArray(c->issues, o);
	c->errors++;
}

/* the fields of a stored school that differ from a row's ("" when none) */
static const char *differing(struct arena *a, const struct db_school *s, const struct school_row *x)
{
	struct { enum school_col col; const char *have; } v[] = {
		{SCOL_NAME, s->name}, {SCOL_TYPE, s->type}, {SCOL_COUNTY, s->county_code}, {SCOL_ADDRESS, s->address}};
	const char *out = "";
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (strcmp(v[i].have ? v[i].have : "", x->f[v[i].col] ? x->f[v[i].col] : "") != 0)
			out = arena_printf(a, "%s%s%s", out, *out ? "、" : "", school_col_header(v[i].col));
	return out;
}

/* Check every row against the units (R1: its county within the caller's jurisdiction; its code free, or the same
 * school: unchanged); when no row has an issue and this is no dry run, insert the new ones (security log per school
 * and one schools_imported). Runs again whole on a retry. */
static enum xerr import_tx(struct db *db, void *arg)
{
	struct import_ctx *c = arg;
	struct arena *a = c->r->arena;
	enum xerr e;
	c->issues = cJSON_CreateArray();
	c->errors = c->create = c->unchanged = 0;
	c->county = arena_alloc(a, (c->n ? c->n : 1) * sizeof *c->county);
	for (size_t i = 0; i < c->n; i++) {
		struct school_row *x = &c->rows[i];
		struct school_issue is;
		struct db_school cty, old;
		int found, dup = 0;
		c->county[i] = NULL;
		if (school_row_check(a, x, &is) != 0) {
			add_issue(c, &is);
			continue;
		}
		for (size_t j = 0; j < i && !dup; j++)
			dup = c->rows[j].f[SCOL_CODE] && strcmp(c->rows[j].f[SCOL_CODE], x->f[SCOL_CODE]) == 0;
		if (dup) {
			add_issue(c, &(struct school_issue){x->row_no, SCOL_CODE, "duplicate_in_file", "这个学校标识码在文件中出现了不止一次。",
							     "This school code appears more than once in the file."});
			continue;
		}
		if ((e = db_units_county(db, a, x->f[SCOL_COUNTY], &cty, &found)))
			return e;
		if (!found || !scope_contains(c->r->who, cty.province_code, cty.city_code, cty.county_code, cty.county_id)) {
			add_issue(c, &(struct school_issue){x->row_no, SCOL_COUNTY, "county_code", "您的管辖范围内没有这个区县。",
							     "No such county in your jurisdiction."});
			continue;
		}
		if ((e = db_units_school_by_code(db, a, x->f[SCOL_CODE], &old, &found)))
			return e;
		if (found) {
			/* the same school again is unchanged (a re-import creates nothing); other values are a taken code (edits go
			 * through PATCH); a school outside the jurisdiction is named no further */
			const char *diff = differing(a, &old, x);
			if (!*diff) {
				c->unchanged++;
				continue;
			}
			int mine = scope_contains(c->r->who, old.province_code, old.city_code, old.county_code, old.county_id);
			add_issue(c, &(struct school_issue){x->row_no, SCOL_CODE, "school_code_taken",
				mine ? arena_printf(a, "这个学校标识码已是“%s”，与本行不同：%s（修改学校信息请在学校页面办理）。", old.name, diff)
				     : "这个学校标识码已被使用。",
				mine ? arena_printf(a, "This code is school \"%s\" already, whose values differ: %s (edit a school on its page).",
						    old.name, diff)
				     : "This school code is taken."});
			continue;
		}
		struct db_school *keep = arena_alloc(a, sizeof *keep);
		*keep = cty;
		c->county[i] = keep;
		c->create++;
	}
	if (c->dry || c->errors || !c->create)
		return XE_OK;
	for (size_t i = 0; i < c->n; i++) {
		if (!c->county[i])
			continue;
		const char **f = c->rows[i].f;
		uint32_t id;
		e = db_units_school_create(db, c->county[i], f[SCOL_CODE], f[SCOL_NAME], f[SCOL_TYPE], f[SCOL_ADDRESS], &id);
		if (e == XE_DUPLICATE)
			return XE_RETRY; /* created meanwhile by another request: check again */
		struct db_seclog ev = {.event = "school_created", .unit_id = id, .detail = arena_printf(a, "%s import %s", f[SCOL_CODE], c->sha)};
		if (e || (e = auth_seclog(c->r, &ev)))
			return e;
	}
	struct db_seclog ev = {.event = "schools_imported", .unit_id = c->r->who->unit_id,
			       .detail = arena_printf(a, "file %s: %lld created, %lld unchanged", c->sha, c->create, c->unchanged)};
	return auth_seclog(c->r, &ev);
}

/* POST /api/v1/schools/import[?dry_run=1]: a school list (CSV or XLSX: 学校标识码, 学校名称, 办学类型, 区县代码, 地址) from a
 * county bureau or an administrator at or above it (issue 16 item 1, R1). All or nothing: a file with any row issue
 * creates nothing (422 listing them by row); re-importing a file creates nothing again. */
enum xerr api_schools_import(struct req *r, struct resp *w)
{
	int xlsx;
	long long dry;
	char sha[65];
	enum xerr e;
	if ((e = api_file_body(r, w, &xlsx, &dry, sha)))
		return e;
	struct import_ctx x = {.r = r, .dry = (int)dry};
	struct school_issue is;
	if (school_file_read(r->arena, r->body, r->body_len, xlsx, &x.rows, &x.n, &is) != 0) {
		cJSON *inner, *root = resp_error_body(XE_VALIDATION, NULL, "file", is.zh, is.en, &inner);
		cJSON_AddStringToObject(inner, "reason", is.code);
		return resp_error_send(r, w, XE_VALIDATION, root);
	}
	x.sha = sha;
	if ((e = db_tx(r->db, import_tx, &x)))
		return e;
	if (!dry && x.errors) {
		cJSON *inner, *root = resp_error_body(XE_VALIDATION, NULL, "file",
			arena_printf(r->arena, "文件中有 %lld 行有问题，没有导入任何学校。请改正后重新导入。", x.errors),
			arena_printf(r->arena, "%lld row(s) of the file have problems; no school was imported. Fix them and import again.",
				     x.errors), &inner);
		cJSON_AddStringToObject(inner, "reason", "rows_invalid");
		cJSON_AddItemToObject(inner, "details", x.issues);
		return resp_error_send(r, w, XE_VALIDATION, root);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "dry_run", dry != 0);
	cJSON_AddNumberToObject(o, "rows_total", (double)x.n);
	cJSON_AddNumberToObject(o, "rows_error", (double)x.errors);
	cJSON_AddNumberToObject(o, dry ? "would_create" : "created", (double)x.create);
	cJSON_AddNumberToObject(o, "unchanged", (double)x.unchanged);
	cJSON_AddItemToObject(o, "issues", x.issues);
	return resp_json(r, w, 200, o);
}
