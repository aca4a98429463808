/* api_units: schools as living data over HTTP (issue 16, R1): a county bureau (and administrators at or above it)
 * opens, edits and closes the schools of its county; every change is in the security log with who and when. */
#include "api.h"
#include "auth.h"
#include "db_auth.h"
#include "db_units.h"
#include "json.h"
#include "scope.h"
#include <string.h>

/* 学校办学类型 codes a school may carry (the national code table, the kinds that hold primary and secondary pupils). */
static const struct { const char *code, *zh; } TYPES[] = {
	{"211", "小学"}, {"218", "小学教学点"}, {"311", "初级中学"}, {"312", "九年一贯制学校"}, {"319", "职业初中"},
	{"341", "完全中学"}, {"342", "高级中学"}, {"345", "十二年一贯制学校"}, {"514", "特殊教育学校"},
};

static int type_known(const char *t)
{
	for (size_t i = 0; t && i < sizeof TYPES / sizeof *TYPES; i++)
		if (strcmp(t, TYPES[i].code) == 0)
			return 1;
	return 0;
}

static const char *type_name(const char *t)
{
	for (size_t i = 0; t && i < sizeof TYPES / sizeof *TYPES; i++)
		if (strcmp(t, TYPES[i].code) == 0)
			return TYPES[i].zh;
	return NULL;
}

static int ten_digits(const char *s)
{
	if (!s || strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static cJSON *school_json(const struct db_school *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", s->id);
	json_add_str(o, "code", s->code);
	json_add_str(o, "name", s->name);
	json_add_str(o, "type", s->type);
	json_add_str(o, "type_name", type_name(s->type));
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
	if ((e = json_str(r, w, b, "name", create, 2, 60, name)) || (e = json_str(r, w, b, "type", create, 3, 3, type)) ||
	    (e = json_str(r, w, b, "address", 0, 0, 200, address)))
		return e;
	if (*type && !type_known(*type))
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
	if (!ten_digits(code))
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
		 * counted, a later one finds the school closed; through another Galera node, the registration's new record
		 * and this write conflict at certification (the record's foreign key to the school), issue 15 item 3 */
		c->records = 0;
		if ((e = db_units_school_close(db, c->id, c->version, &c->changed)) || !c->changed ||
		    (e = db_units_school_load(db, c->r->arena, c->id, &c->records, &c->open_members)))
			return e;
		if (c->records)
			return XE_CONFLICT; /* rolls the close back; edit() answers with the counts */
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
	if ((e = db_units_school(r->db, r->arena, r->who, x.id, &s, &found)))
		return e;
	/* R1: the school's county must lie within the caller's jurisdiction; a school's own users read, never manage */
	if (!found || !scope_contains(r->who, s.province_code, s.city_code, s.county_code, s.county_id))
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	if (s.closed_at)
		return resp_error_zh(r, w, XE_CONFLICT, NULL, "这所学校已经撤销。", "The school is closed already.");
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
	if ((e = db_units_school(r->db, r->arena, r->who, (uint32_t)id, &s, &found)))
		return e;
	/* R1: the school's county must lie within the caller's jurisdiction */
	if (!found || !scope_contains(r->who, s.province_code, s.city_code, s.county_code, s.county_id))
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	if (s.closed_at)
		return resp_error_zh(r, w, XE_CONFLICT, NULL, "这所学校已经撤销。", "The school is closed already.");
	if ((e = db_units_school(r->db, r->arena, r->who, (uint32_t)into, &t, &tfound)))
		return e;
	if (!tfound || t.id == s.id || t.county_id != s.county_id)
		return resp_error_zh(r, w, XE_VALIDATION, "into", "请选择本区县的另一所学校（跨区县调整由省级办理）。",
				     "into must be another school of the same county (re-districting is the province's).");
	if (t.closed_at)
		return resp_error_zh(r, w, XE_CONFLICT, "into", "目标学校已经撤销，不能接收学籍。", "The target school is closed.");
	struct merge_ctx x = {r, s.id, t.id, (unsigned)version, arena_printf(r->arena, "%s -> %s", s.code, t.code), 0, 0};
	if ((e = db_tx(r->db, merge_tx, &x)))
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
