/* api_auth: administrators' user management, units for forms, provincial credentials and the security log (issue 3).
 * Every lookup is scoped to the caller's jurisdiction in SQL (scope.h): an object outside it is 404. */
#include "api.h"
#include "cursor.h"
#include "auth.h"
#include "authpolicy.h"
#include "db_auth.h"
#include "json.h"
#include <sodium.h>
#include <string.h>

#define PAGE_DEFAULT 50
#define PAGE_MAX 200

/* --- JSON shapes --- */

static cJSON *user_json(const struct db_user *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "username", u->username);
	cJSON_AddStringToObject(o, "display_name", u->display_name);
	cJSON_AddStringToObject(o, "role", u->role);
	cJSON *un = cJSON_AddObjectToObject(o, "unit");
	cJSON_AddNumberToObject(un, "id", u->unit_id);
	cJSON_AddStringToObject(un, "code", u->unit_code);
	cJSON_AddStringToObject(un, "name", u->unit_name);
	cJSON_AddNumberToObject(un, "level", u->unit_level);
	cJSON_AddBoolToObject(o, "disabled", u->disabled);
	cJSON_AddBoolToObject(o, "must_change_password", u->must_change);
	cJSON_AddStringToObject(o, "created_at", u->created_at);
	cJSON_AddStringToObject(o, "updated_at", u->updated_at);
	cJSON_AddNumberToObject(o, "version", (double)u->version);
	return o;
}

static cJSON *unit_json(const struct db_unit *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", u->id);
	cJSON_AddStringToObject(o, "code", u->code);
	cJSON_AddStringToObject(o, "name", u->name);
	cJSON_AddNumberToObject(o, "level", u->level);
	if (u->parent_id)
		cJSON_AddNumberToObject(o, "parent_id", u->parent_id);
	else
		cJSON_AddNullToObject(o, "parent_id");
	if (u->level == 4) { /* schools as living data (issue 16) */
		json_add_str(o, "school_type", u->school_type);
		cJSON_AddBoolToObject(o, "closed", u->closed);
	}
	return o;
}

static cJSON *credential_json(const struct db_credential *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)c->id);
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddStringToObject(o, "prefix", c->prefix);
	cJSON *un = cJSON_AddObjectToObject(o, "unit");
	cJSON_AddNumberToObject(un, "id", c->unit_id);
	cJSON_AddStringToObject(un, "code", c->unit_code);
	cJSON_AddStringToObject(un, "name", c->unit_name);
	cJSON_AddStringToObject(o, "created_at", c->created_at);
	json_add_str(o, "last_used_at", c->last_used_at);
	json_add_str(o, "revoked_at", c->revoked_at);
	return o;
}

static void add_id_or_null(cJSON *o, const char *name, unsigned long long v)
{
	if (v)
		cJSON_AddNumberToObject(o, name, (double)v);
	else
		cJSON_AddNullToObject(o, name);
}


/* --- users (R3) --- */

/* 1 if s is a valid user name: 3-64 of A-Z a-z 0-9 . _ - (plain ASCII: no look-alikes, safe in any log). */
static int valid_username(const char *s)
{
	size_t n = strlen(s);
	if (n < POLICY_USERNAME_MIN || n > POLICY_USERNAME_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* A human role named in a request (province_api is not a user role). */
static enum role human_role(const char *s)
{
	enum role role = role_parse(s);
	return (role & ROLES_HUMAN) ? role : (enum role)0;
}

/* A search term (q) longer than max characters (the limit GET /api/v1/rules serves): 422 in both languages. */
static enum xerr search_too_long(struct req *r, struct resp *w, int max)
{
	return resp_error_zh(r, w, XE_VALIDATION, "q", arena_printf(r->arena, "搜索词最多 %d 个字符。", max),
			     arena_printf(r->arena, "At most %d characters.", max));
}

enum xerr api_users_list(struct req *r, struct resp *w)
{
	long long unit, limit, after = 0;
	enum xerr e;
	int paged;
	if ((e = req_query_int(r, w, "unit", 0, 4294967295LL, 0, &unit)) || (e = cursor_read(r, w, "users", &after, 1, &paged)) ||
	    (e = req_query_int(r, w, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit)))
		return e;
	struct db_user_filter f = {.unit_id = (uint32_t)unit, .role = req_query(r, "role"), .q = req_query(r, "q"),
				   .after = (unsigned long long)after, .limit = (long)limit};
	if (f.role && !*f.role)
		f.role = NULL;
	if (f.q && !*f.q)
		f.q = NULL;
	if (f.role && !human_role(f.role))
		return resp_error(r, w, XE_VALIDATION, "role", "Unknown role.");
	if (f.q && json_utf8_chars(f.q) > AUTH_USER_SEARCH_MAX)
		return search_too_long(r, w, AUTH_USER_SEARCH_MAX);
	struct db_user *us;
	size_t n;
	if ((e = db_auth_user_list(r->db, r->arena, r->who, &f, &us, &n)))
		return e;
	cJSON *items, *o = cursor_list(&items);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(items, user_json(&us[i]));
	long long last = n ? (long long)us[n - 1].id : 0;
	cursor_next(r, o, "users", n, f.limit, &last, 1);
	return resp_json(r, w, 200, o);
}

/* The unit `id` for an account if within the caller's jurisdiction and in use, else 422 naming `field` (same answer whether
 * it exists or not). */
static enum xerr scoped_unit(struct req *r, struct resp *w, const char *field, uint32_t id, struct db_unit *u)
{
	int found = 0;
	enum xerr e = db_auth_unit_get(r->db, r->arena, r->who, id, u, &found);
	if (e)
		return e;
	if (!found)
		return resp_error(r, w, XE_VALIDATION, field, "No such unit in your jurisdiction.");
	/* issue 16: a closed school or a ceased division code takes no account */
	if (u->closed)
		return resp_error_zh(r, w, XE_VALIDATION, field, "这个单位已撤销（或其区划代码已停用），不能再设用户。",
				     "This unit is closed (or its division code ceased): it takes no accounts.");
	return XE_OK;
}

/* An account and its security-log row commit together, in db_tx: a connection lost at its COMMIT is settled by the
 * transaction's token (before, an INSERT outside a transaction, re-run after a lost answer, said "taken" for the
 * account this request had just created, or stored it twice in the log) */
struct user_create_ctx {
	struct req *r;
	const char *username, *display_name, *role, *hash;
	uint32_t unit_id;
	unsigned long long id;
};

static enum xerr user_create_tx(struct db *db, void *vctx)
{
	struct user_create_ctx *c = vctx;
	enum xerr e = db_auth_user_create(db, c->username, c->display_name, c->role, c->unit_id, c->hash, c->r->who->user_id, &c->id);
	if (e)
		return e;
	struct db_seclog ev = {.event = "user_created", .target_user_id = c->id, .unit_id = c->unit_id, .detail = c->role};
	return auth_seclog(c->r, &ev);
}

enum xerr api_users_create(struct req *r, struct resp *w)
{
	cJSON *body;
	const char *username, *display_name, *role_s;
	long long unit_id;
	enum xerr e;
	if ((e = req_json(r, w, &body)) || (e = json_str(r, w, body, "username", 1, POLICY_USERNAME_MIN, POLICY_USERNAME_MAX, &username)) ||
	    (e = json_str(r, w, body, "display_name", 0, 0, POLICY_DISPLAY_NAME_MAX, &display_name)) || (e = json_str(r, w, body, "role", 1, 1, 20, &role_s)) ||
	    (e = json_int(r, w, body, "unit_id", 1, 1, 4294967295LL, 0, &unit_id)))
		return e;
	if (!valid_username(username))
		return resp_error_zh(r, w, XE_VALIDATION, "username",
				     arena_printf(r->arena, "用户名须为 %d 到 %d 个字母、数字或 . _ - 符号。", POLICY_USERNAME_MIN, POLICY_USERNAME_MAX),
				     arena_printf(r->arena, "%d to %d letters, digits, '.', '_' or '-'.", POLICY_USERNAME_MIN, POLICY_USERNAME_MAX));
	enum role role = human_role(role_s);
	if (!role)
		return resp_error(r, w, XE_VALIDATION, "role", "Unknown role.");
	struct db_unit unit;
	if ((e = scoped_unit(r, w, "unit_id", (uint32_t)unit_id, &unit)))
		return e;
	if (!policy_role_fits_level(role, unit.level))
		return resp_error(r, w, XE_VALIDATION, "role", "This role does not exist at this kind of unit (R3).");
	char temp[AUTH_TEMP_PASSWORD_LEN + 1], hash[128];
	auth_temp_password(temp);
	if (auth_hash_password(temp, hash) != 0)
		return XE_INTERNAL;
	struct user_create_ctx c = {.r = r, .username = username, .display_name = display_name ? display_name : "",
				    .role = role_name(role), .unit_id = unit.id, .hash = hash};
	e = db_tx(r->db, user_create_tx, &c);
	if (e == XE_DUPLICATE)
		return resp_error_zh(r, w, XE_DUPLICATE, "username", "该用户名已被使用。", "This user name is taken.");
	if (e)
		return e;
	unsigned long long id = c.id;
	struct db_user u;
	int found = 0;
	if ((e = db_auth_user_get(r->db, r->arena, r->who, id, &u, &found)))
		return e;
	if (!found)
		return XE_INTERNAL;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "user", user_json(&u));
	cJSON_AddStringToObject(o, "temporary_password", temp);
	sodium_memzero(temp, sizeof temp);
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 201, o);
}

/* The user `id` path parameter within the caller's jurisdiction, else 404. */
static enum xerr scoped_user(struct req *r, struct resp *w, struct db_user *u)
{
	uint64_t id;
	int found = 0;
	enum xerr e = req_path_id(r, 0, &id);
	if (!e)
		e = db_auth_user_get(r->db, r->arena, r->who, id, u, &found);
	if (e)
		return e;
	if (!found)
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	return XE_OK;
}

struct update_ctx {
	struct req *r;
	const struct db_user *u;
	const char *display_name, *role;
	uint32_t unit_id;
	int disabled;
	unsigned long long version;
	int end_sessions;
	const char *detail;
};

static enum xerr update_tx(struct db *db, void *vctx)
{
	struct update_ctx *c = vctx;
	unsigned long long n = 0;
	enum xerr e = db_auth_user_update(db, c->r->who, c->u->id, c->version, c->display_name, c->role, c->unit_id, c->disabled, &n);
	if (e)
		return e;
	if (n == 0)
		return XE_CONFLICT;
	if (c->end_sessions && (e = db_auth_sessions_end_user(db, c->u->id, 0)))
		return e;
	struct db_seclog ev = {.event = "user_updated", .target_user_id = c->u->id, .unit_id = c->unit_id ? c->unit_id : c->u->unit_id,
			       .detail = c->detail};
	return auth_seclog(c->r, &ev);
}

enum xerr api_users_update(struct req *r, struct resp *w)
{
	struct db_user u;
	cJSON *body;
	const char *display_name, *role_s;
	long long unit_id, version;
	int disabled = -1;
	enum xerr e;
	if ((e = scoped_user(r, w, &u)) || (e = req_json(r, w, &body)) ||
	    (e = json_str(r, w, body, "display_name", 0, 0, POLICY_DISPLAY_NAME_MAX, &display_name)) || (e = json_str(r, w, body, "role", 0, 1, 20, &role_s)) ||
	    (e = json_int(r, w, body, "unit_id", 0, 1, 4294967295LL, 0, &unit_id)) ||
	    (e = json_int(r, w, body, "version", 0, 1, INT64_MAX, (long long)u.version, &version)))
		return e;
	if (cJSON_GetObjectItemCaseSensitive(body, "disabled") && (e = json_bool(r, w, body, "disabled", 1, 0, &disabled)))
		return e;
	int self = u.id == r->who->user_id;
	if (self && (role_s || unit_id || disabled >= 0))
		return resp_error(r, w, XE_VALIDATION, role_s ? "role" : unit_id ? "unit_id" : "disabled",
				  "You cannot change your own role, unit or status.");
	enum role role = role_s ? human_role(role_s) : role_parse(u.role);
	if (!role)
		return resp_error(r, w, XE_VALIDATION, "role", "Unknown role.");
	int level = u.unit_level;
	struct db_unit unit;
	if (unit_id) {
		if ((e = scoped_unit(r, w, "unit_id", (uint32_t)unit_id, &unit)))
			return e;
		level = unit.level;
	}
	if (!policy_role_fits_level(role, level))
		return resp_error(r, w, XE_VALIDATION, role_s ? "role" : "unit_id",
				  "This role does not exist at this kind of unit (R3).");
	int role_changed = role_s && strcmp(role_name(role), u.role) != 0;
	int unit_changed = unit_id && (uint32_t)unit_id != u.unit_id;
	int name_changed = display_name && strcmp(display_name, u.display_name) != 0;
	char detail[96] = "";
	if (name_changed)
		strcat(detail, "display_name,");
	if (role_changed)
		strcat(detail, "role,");
	if (unit_changed)
		strcat(detail, "unit,");
	if (disabled >= 0 && disabled != u.disabled)
		strcat(detail, disabled ? "disabled," : "enabled,");
	if (*detail)
		detail[strlen(detail) - 1] = 0;
	else
		strcpy(detail, "none");
	struct update_ctx c = {.r = r, .u = &u, .display_name = display_name, .role = role_s ? role_name(role) : NULL,
			       .unit_id = (uint32_t)unit_id, .disabled = disabled, .version = (unsigned long long)version,
			       .end_sessions = role_changed || unit_changed || disabled == 1, .detail = detail};
	if ((e = db_tx(r->db, update_tx, &c)))
		return e;
	int found = 0;
	if ((e = db_auth_user_get(r->db, r->arena, r->who, u.id, &u, &found)))
		return e;
	if (!found) /* moved out of the caller's jurisdiction: cannot happen, the new unit is checked above */
		return XE_INTERNAL;
	return resp_json(r, w, 200, user_json(&u));
}

struct reset_ctx {
	struct req *r;
	const struct db_user *u;
	const char *hash;
};

static enum xerr reset_tx(struct db *db, void *vctx)
{
	struct reset_ctx *c = vctx;
	enum xerr e;
	if ((e = db_auth_set_password(db, c->u->id, c->hash, 1)) || (e = db_auth_sessions_end_user(db, c->u->id, 0)) ||
	    (e = db_auth_failures_clear(db, c->u->username)))
		return e;
	struct db_seclog ev = {.event = "password_reset", .target_user_id = c->u->id, .unit_id = c->u->unit_id};
	return auth_seclog(c->r, &ev);
}

enum xerr api_users_password_reset(struct req *r, struct resp *w)
{
	struct db_user u;
	enum xerr e;
	if ((e = scoped_user(r, w, &u)))
		return e;
	if (u.id == r->who->user_id)
		return resp_error(r, w, XE_VALIDATION, NULL, "Change your own password with PUT /api/v1/session/password.");
	char temp[AUTH_TEMP_PASSWORD_LEN + 1], hash[128];
	auth_temp_password(temp);
	if (auth_hash_password(temp, hash) != 0)
		return XE_INTERNAL;
	struct reset_ctx c = {.r = r, .u = &u, .hash = hash};
	if ((e = db_tx(r->db, reset_tx, &c)))
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "temporary_password", temp);
	cJSON_AddBoolToObject(o, "must_change_password", 1);
	sodium_memzero(temp, sizeof temp);
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}

/* --- units (R1) --- */

enum xerr api_units_list(struct req *r, struct resp *w)
{
	long long level, parent, after = 0, limit;
	int paged;
	enum xerr e;
	if ((e = req_query_int(r, w, "level", -1, 4, -1, &level)) || (e = req_query_int(r, w, "parent", 0, 4294967295LL, 0, &parent)) ||
	    (e = cursor_read(r, w, "units", &after, 1, &paged)) ||
	    (e = req_query_int(r, w, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit)))
		return e;
	const char *q = req_query(r, "q");
	if (q && !*q)
		q = NULL;
	if (q && json_utf8_chars(q) > AUTH_UNIT_SEARCH_MAX)
		return search_too_long(r, w, AUTH_UNIT_SEARCH_MAX);
	struct db_unit *us;
	size_t n;
	if ((e = db_auth_unit_list(r->db, r->arena, r->who, (int)level, (uint32_t)parent, q, (uint32_t)after, (long)limit, &us, &n)))
		return e;
	cJSON *items, *o = cursor_list(&items);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(items, unit_json(&us[i]));
	long long last = n ? (long long)us[n - 1].id : 0;
	cursor_next(r, o, "units", n, limit, &last, 1);
	return resp_json(r, w, 200, o);
}

/* --- provincial credentials (R29) --- */

enum xerr api_credentials_list(struct req *r, struct resp *w)
{
	long long before = 0, limit;
	int paged;
	enum xerr e;
	if ((e = cursor_read(r, w, "credentials", &before, 1, &paged)) || (e = req_query_int(r, w, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit)))
		return e;
	struct db_credential *cs;
	size_t n;
	if ((e = db_auth_credential_list(r->db, r->arena, r->who, (unsigned long long)before, (long)limit, &cs, &n)))
		return e;
	cJSON *items, *o = cursor_list(&items);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(items, credential_json(&cs[i]));
	long long last = n ? (long long)cs[n - 1].id : 0;
	cursor_next(r, o, "credentials", n, limit, &last, 1);
	return resp_json(r, w, 200, o);
}

/* A credential's creation or revocation and its security-log row commit together (db_tx: see user_create_tx) */
struct cred_ctx {
	struct req *r;
	const unsigned char *hash;
	const char *prefix, *name;
	unsigned long long id;
	uint32_t unit_id;
};

static enum xerr credential_create_tx(struct db *db, void *vctx)
{
	struct cred_ctx *x = vctx;
	enum xerr e = db_auth_credential_create(db, x->hash, x->prefix, x->name, x->r->who->unit_id, x->r->who->user_id, &x->id);
	if (e)
		return e;
	struct db_seclog ev = {.event = "credential_created", .target_credential_id = x->id, .unit_id = x->r->who->unit_id};
	return auth_seclog(x->r, &ev);
}

static enum xerr credential_revoke_tx(struct db *db, void *vctx)
{
	struct cred_ctx *x = vctx;
	int revoked = 0;
	enum xerr e = db_auth_credential_revoke(db, x->id, x->r->who->user_id, &revoked);
	if (e || !revoked) /* revoked by someone else meanwhile: their log row says so */
		return e;
	struct db_seclog ev = {.event = "credential_revoked", .target_credential_id = x->id, .unit_id = x->unit_id};
	return auth_seclog(x->r, &ev);
}

enum xerr api_credentials_create(struct req *r, struct resp *w)
{
	cJSON *body;
	const char *name;
	enum xerr e;
	/* a province's credential for its provincial system (R29); the ministry's, read-only, for national systems (issue 16.5) */
	if (r->who->unit_level != LEVEL_PROVINCE && r->who->unit_level != LEVEL_MINISTRY)
		return resp_error(r, w, XE_FORBIDDEN, NULL, "Only a province's or the ministry's administrator creates system credentials.");
	if ((e = req_json(r, w, &body)) || (e = json_str(r, w, body, "name", 1, 1, AUTH_CREDENTIAL_NAME_MAX, &name)))
		return e;
	char token[AUTH_API_TOKEN_LEN + 1], prefix[13];
	unsigned char hash[32];
	auth_new_api_token(token, hash, prefix);
	struct cred_ctx x = {.r = r, .hash = hash, .prefix = prefix, .name = name};
	if ((e = db_tx(r->db, credential_create_tx, &x)))
		return e;
	unsigned long long id = x.id;
	struct db_credential c;
	int found = 0;
	if ((e = db_auth_credential_get(r->db, r->arena, r->who, id, &c, &found)))
		return e;
	if (!found)
		return XE_INTERNAL;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "credential", credential_json(&c));
	cJSON_AddStringToObject(o, "token", token);
	sodium_memzero(token, sizeof token);
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 201, o);
}

enum xerr api_credentials_revoke(struct req *r, struct resp *w)
{
	uint64_t id;
	struct db_credential c;
	int found = 0;
	enum xerr e = req_path_id(r, 0, &id);
	if (!e)
		e = db_auth_credential_get(r->db, r->arena, r->who, id, &c, &found);
	if (e)
		return e;
	if (!found)
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	if (!c.revoked_at) {
		struct cred_ctx x = {.r = r, .id = id, .unit_id = c.unit_id};
		if ((e = db_tx(r->db, credential_revoke_tx, &x)))
			return e;
	}
	resp_body(w, 204, NULL, "", 0);
	return XE_OK;
}

/* --- security log --- */

enum xerr api_security_log(struct req *r, struct resp *w)
{
	long long before = 0, limit;
	int paged;
	enum xerr e;
	if ((e = cursor_read(r, w, "security-log", &before, 1, &paged)) || (e = req_query_int(r, w, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit)))
		return e;
	const char *event = req_query(r, "event");
	if (event && !*event)
		event = NULL;
	if (event && strlen(event) > 32)
		return resp_error(r, w, XE_VALIDATION, "event", "Unknown event.");
	struct db_seclog_row *ls;
	size_t n;
	if ((e = db_auth_seclog_list(r->db, r->arena, r->who, event, (unsigned long long)before, (long)limit, &ls, &n)))
		return e;
	cJSON *items, *o = cursor_list(&items);
	long long last = n ? (long long)ls[n - 1].id : 0;
	cursor_next(r, o, "security-log", n, limit, &last, 1);
	for (size_t i = 0; i < n; i++) {
		const struct db_seclog_row *l = &ls[i];
		cJSON *it = cJSON_CreateObject();
		cJSON_AddNumberToObject(it, "id", (double)l->id);
		cJSON_AddStringToObject(it, "time", l->created_at);
		cJSON_AddStringToObject(it, "event", l->e.event);
		cJSON *a = cJSON_AddObjectToObject(it, "actor");
		add_id_or_null(a, "user_id", l->e.actor_user_id);
		add_id_or_null(a, "credential_id", l->e.actor_credential_id);
		json_add_str(a, "username", l->e.actor_username);
		add_id_or_null(it, "target_user_id", l->e.target_user_id);
		add_id_or_null(it, "target_credential_id", l->e.target_credential_id);
		cJSON *un = cJSON_AddObjectToObject(it, "unit");
		add_id_or_null(un, "id", l->e.unit_id);
		json_add_str(un, "code", l->unit_code);
		cJSON_AddStringToObject(it, "addr", l->e.addr ? l->e.addr : "");
		json_add_str(it, "method", l->e.method);
		json_add_str(it, "path", l->e.path);
		json_add_str(it, "detail", l->e.detail);
		cJSON_AddItemToArray(items, it);
	}
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}
