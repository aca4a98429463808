/* db_auth: SQL for users, sessions, login back-off, provincial credentials, units and the security log. */
#include "db_auth.h"
#include "authpolicy.h"
#include "scope.h"
#include <stdlib.h>
#include <string.h>

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
#define PRINCIPAL_COLS "u.id, u.username, u.role, un.id, un.level, un.code, un.province_code, un.city_code, un.county_code"
#define USER_COLS \
	"u.id, u.version, u.username, u.display_name, u.role, " TS("u.created_at") ", " TS("u.updated_at") \
	", u.disabled, u.must_change, un.id, un.level, un.code, un.name"
#define CRED_COLS \
	"c.id, c.name, c.prefix, " TS("c.created_at") ", " TS("c.last_used_at") ", " TS("c.revoked_at") \
	", c.created_by, un.id, un.code, un.name"

#define XJ_STR_(x) #x
#define XJ_STR(x) XJ_STR_(x)

/* --- sessions and sign-in --- */
static const struct db_sql Q_SESSION = {
	"SELECT s.id, s.csrf_token, TIMESTAMPDIFF(SECOND, s.last_seen, UTC_TIMESTAMP(6)), " PRINCIPAL_COLS ", u.must_change"
	" FROM session s JOIN app_user u ON u.id = s.user_id JOIN unit un ON un.id = u.unit_id"
	" WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > UTC_TIMESTAMP(6)"
	" AND s.last_seen > UTC_TIMESTAMP(6) - INTERVAL " XJ_STR(POLICY_SESSION_IDLE_SECONDS) " SECOND AND u.disabled = 0"};
static const struct db_sql Q_TOUCH = {"UPDATE session SET last_seen = UTC_TIMESTAMP(6) WHERE id = ?"};
static const struct db_sql Q_USER = {"SELECT id, password_hash, disabled, must_change, unit_id FROM app_user WHERE username = ?"};
static const struct db_sql Q_USER_ID = {"SELECT id, password_hash, disabled, must_change, unit_id FROM app_user WHERE id = ?"};
static const struct db_sql Q_CREATE = {
	"INSERT INTO session (token_hash, user_id, csrf_token, created_at, last_seen, expires_at, addr)"
	" VALUES (?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 43200 SECOND, ?)"};
static const struct db_sql Q_END = {"UPDATE session SET ended_at = UTC_TIMESTAMP(6) WHERE id = ? AND ended_at IS NULL"};
static const struct db_sql Q_END_USER = {
	"UPDATE session FORCE INDEX (k_session_user) SET ended_at = UTC_TIMESTAMP(6) WHERE user_id = ? AND ended_at IS NULL"
	" AND id <> ?"}; /* the user's sessions, not a primary-key range "id <> ?" (every session, locked) */
static const struct db_sql Q_SET_PASSWORD = {
	"UPDATE app_user SET password_hash = ?, must_change = ?, password_changed_at = UTC_TIMESTAMP(6),"
	" updated_at = UTC_TIMESTAMP(6), version = version + 1 WHERE id = ?"};
static const struct db_sql Q_ME = {
	"SELECT u.display_name, u.must_change, un.name FROM app_user u JOIN unit un ON un.id = u.unit_id WHERE u.id = ?"};

/* --- back-off --- */
/* failures in the window by account, by address and by the pair, each without the caller's own reservation (id) */
#define FAIL_COUNT(WHERE) \
	"(SELECT COUNT(*) FROM login_failure WHERE " WHERE " AND id <> ? AND created_at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND)," \
	" COALESCE((SELECT TIMESTAMPDIFF(SECOND, MAX(created_at), UTC_TIMESTAMP(6)) FROM login_failure" \
	"   WHERE " WHERE " AND id <> ? AND created_at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND), -1)"
static const struct db_sql Q_FAILURES = {
	"SELECT " FAIL_COUNT("username = ?") ", " FAIL_COUNT("addr = ?") ", " FAIL_COUNT("username = ? AND addr = ?")};
static const struct db_sql Q_EVER_SIGNED_IN = {"SELECT 1 FROM session WHERE user_id = ? LIMIT 1"};
static const struct db_sql Q_FAILURE_DROP = {"DELETE FROM login_failure WHERE id = ?"};
static const struct db_sql Q_KNOWN_ADDR = {
	"SELECT 1 FROM session WHERE user_id = ? AND addr = ? AND created_at > UTC_TIMESTAMP(6) - INTERVAL ? DAY LIMIT 1"};
static const struct db_sql Q_FAILURE_ADD = {"INSERT INTO login_failure (username, addr) VALUES (?, ?)"};
static const struct db_sql Q_FAILURE_PRUNE = {
	"DELETE FROM login_failure WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY ORDER BY created_at LIMIT 100"};
static const struct db_sql Q_FAILURE_CLEAR = {"DELETE FROM login_failure WHERE username = ?"};

/* --- provincial credentials --- */
static const struct db_sql Q_CRED_AUTH = {
	"SELECT c.id, c.name, COALESCE(TIMESTAMPDIFF(SECOND, c.last_used_at, UTC_TIMESTAMP(6)), 999999999),"
	" un.id, un.level, un.code, un.province_code, un.city_code, un.county_code"
	" FROM api_credential c JOIN unit un ON un.id = c.unit_id WHERE c.token_hash = ? AND c.revoked_at IS NULL"};
static const struct db_sql Q_CRED_TOUCH = {
	"UPDATE api_credential SET last_used_at = UTC_TIMESTAMP(6)"
	" WHERE id = ? AND (last_used_at IS NULL OR last_used_at < UTC_TIMESTAMP(6) - INTERVAL 60 SECOND)"};
static const struct db_sql Q_CRED_CREATE = {
	"INSERT INTO api_credential (token_hash, prefix, name, unit_id, created_by) VALUES (?, ?, ?, ?, ?)"};
static const struct db_sql Q_CRED_LIST[SCOPE_N] = SCOPE_SQL(
	"SELECT " CRED_COLS " FROM api_credential c JOIN unit un ON un.id = c.unit_id WHERE ", "un", "id",
	" AND (? = 0 OR c.id < ?) ORDER BY c.id DESC LIMIT ?");
static const struct db_sql Q_CRED_GET[SCOPE_N] = SCOPE_SQL(
	"SELECT " CRED_COLS " FROM api_credential c JOIN unit un ON un.id = c.unit_id WHERE c.id = ? AND ", "un", "id", "");
static const struct db_sql Q_CRED_REVOKE = {
	"UPDATE api_credential SET revoked_at = UTC_TIMESTAMP(6), revoked_by = ? WHERE id = ? AND revoked_at IS NULL"};

/* --- users --- */
static const struct db_sql Q_USER_LIST[SCOPE_N] = SCOPE_SQL(
	"SELECT " USER_COLS " FROM app_user u JOIN unit un ON un.id = u.unit_id WHERE ", "un", "id",
	" AND (? = 0 OR u.unit_id = ?) AND (? IS NULL OR u.role = ?)"
	" AND (? IS NULL OR u.username LIKE CONCAT(?, '%') OR u.display_name LIKE CONCAT(?, '%'))"
	" AND u.id > ? ORDER BY u.id LIMIT ?");
static const struct db_sql Q_USER_GET[SCOPE_N] = SCOPE_SQL(
	"SELECT " USER_COLS " FROM app_user u JOIN unit un ON un.id = u.unit_id WHERE u.id = ? AND ", "un", "id", "");
static const struct db_sql Q_USER_CREATE = {
	"INSERT INTO app_user (username, display_name, role, unit_id, password_hash, must_change, created_by)"
	" VALUES (?, ?, ?, ?, ?, 1, ?)"};
static const struct db_sql Q_USER_UPDATE[SCOPE_N] = SCOPE_SQL(
	"UPDATE app_user u JOIN unit un ON un.id = u.unit_id SET u.display_name = COALESCE(?, u.display_name),"
	" u.role = COALESCE(?, u.role), u.unit_id = COALESCE(?, u.unit_id), u.disabled = COALESCE(?, u.disabled),"
	" u.version = u.version + 1, u.updated_at = UTC_TIMESTAMP(6) WHERE u.id = ? AND u.version = ? AND ", "un", "id", "");

/* --- units --- */
static const struct db_sql Q_UNIT_GET[SCOPE_N] = SCOPE_SQL(
	"SELECT un.id, COALESCE(un.parent_id, 0), un.level, un.code, un.name, un.school_type, un.closed_at IS NOT NULL OR un.retired_at IS NOT NULL FROM unit un WHERE un.id = ? AND ", "un", "id", "");
static const struct db_sql Q_UNIT_LIST[SCOPE_N] = SCOPE_SQL(
	"SELECT un.id, COALESCE(un.parent_id, 0), un.level, un.code, un.name, un.school_type, un.closed_at IS NOT NULL OR un.retired_at IS NOT NULL FROM unit un WHERE ", "un", "id",
	" AND (? < 0 OR un.level = ?) AND (? = 0 OR un.parent_id = ?)"
	" AND (? IS NULL OR un.name LIKE CONCAT('%', ?, '%') OR un.code LIKE CONCAT(?, '%'))"
	" AND un.id > ? ORDER BY un.id LIMIT ?");

/* --- security log --- */
static const struct db_sql Q_SECLOG_ADD = {
	"INSERT INTO security_log (event, actor_user_id, actor_credential_id, actor_username, target_user_id,"
	" target_credential_id, unit_id, province_code, city_code, county_code, addr, method, path, detail)"
	" SELECT ?, ?, ?, ?, ?, ?, un.id, un.province_code, un.city_code, un.county_code, ?, ?, ?, ?"
	" FROM (SELECT 1 AS one) d LEFT JOIN unit un ON un.id = ?"};
static const struct db_sql Q_SECLOG_LIST[SCOPE_N] = SCOPE_SQL(
	"SELECT l.id, " TS("l.created_at") ", l.event, l.actor_user_id, l.actor_credential_id, l.actor_username,"
	" l.target_user_id, l.target_credential_id, l.unit_id, un.code, l.addr, l.method, l.path, l.detail"
	" FROM security_log l LEFT JOIN unit un ON un.id = l.unit_id WHERE ", "l", "unit_id",
	" AND (? IS NULL OR l.event = ?) AND (? = 0 OR l.id < ?) ORDER BY l.id DESC LIMIT ?");

static const char *nz(const char *s) { return s && *s ? s : NULL; }
static struct db_arg idarg(unsigned long long v) { return v ? DBI(v) : DBNULL; }
static unsigned long long get_u(const struct db_rows *rs, size_t r, size_t c) { return (unsigned long long)db_get_int(rs, r, c); }

/* LIKE pattern text for a literal prefix or substring: escapes \ % _ (MariaDB's default escape is \). */
static const char *like_escape(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	char *out = arena_alloc(a, strlen(s) * 2 + 1), *o = out;
	for (; *s; s++) {
		if (*s == '\\' || *s == '%' || *s == '_')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = 0;
	return out;
}

/* Fill the unit-path fields of p from columns c.. (id, level, code, province, city, county). */
static void principal_unit(struct principal *p, const struct db_rows *rs, size_t c)
{
	p->unit_id = (uint32_t)db_get_int(rs, 0, c);
	p->unit_level = (enum unit_level)db_get_int(rs, 0, c + 1);
	p->unit_code = db_get(rs, 0, c + 2);
	p->province_code = nz(db_get(rs, 0, c + 3));
	p->city_code = nz(db_get(rs, 0, c + 4));
	p->county_code = nz(db_get(rs, 0, c + 5));
}

enum xerr db_auth_session(struct db *db, struct arena *a, const unsigned char hash[32], struct principal **who, long long *idle_s,
			  int *must_change)
{
	struct db_rows rs;
	*who = NULL;
	enum xerr e = db_exec(db, a, &Q_SESSION, DB_ARGS(DBSN((const char *)hash, 32)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	struct principal *p = arena_calloc(a, sizeof *p);
	p->session_id = (uint64_t)db_get_int(&rs, 0, 0);
	p->csrf_token = db_get(&rs, 0, 1);
	*idle_s = db_get_int(&rs, 0, 2);
	p->user_id = (uint64_t)db_get_int(&rs, 0, 3);
	p->username = db_get(&rs, 0, 4);
	p->role = role_parse(db_get(&rs, 0, 5));
	principal_unit(p, &rs, 6);
	*must_change = (int)db_get_int(&rs, 0, 12);
	if (!p->role)
		return XE_OK;
	*who = p;
	return XE_OK;
}

enum xerr db_auth_touch(struct db *db, unsigned long long session_id)
{
	return db_exec(db, NULL, &Q_TOUCH, DB_ARGS(DBI(session_id)), NULL, NULL, NULL);
}

static void login_user(const struct db_rows *rs, struct db_login_user *u)
{
	u->id = get_u(rs, 0, 0);
	u->password_hash = db_get(rs, 0, 1);
	u->disabled = (int)db_get_int(rs, 0, 2);
	u->must_change = (int)db_get_int(rs, 0, 3);
	u->unit_id = (uint32_t)db_get_int(rs, 0, 4);
}

enum xerr db_auth_user(struct db *db, struct arena *a, const char *username, struct db_login_user *u, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_USER, DB_ARGS(DBS(username)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	login_user(&rs, u);
	*found = 1;
	return XE_OK;
}

enum xerr db_auth_user_by_id(struct db *db, struct arena *a, unsigned long long id, struct db_login_user *u, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_USER_ID, DB_ARGS(DBI(id)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	login_user(&rs, u);
	*found = 1;
	return XE_OK;
}

enum xerr db_auth_session_create(struct db *db, unsigned long long user_id, const unsigned char hash[32], const char *csrf,
				 const char *addr, unsigned long long *id)
{
	return db_exec(db, NULL, &Q_CREATE,
		       DB_ARGS(DBSN((const char *)hash, 32), DBI(user_id), DBS(csrf), DBS(addr ? addr : "")), NULL, NULL, id);
}

enum xerr db_auth_session_end(struct db *db, unsigned long long session_id)
{
	return db_exec(db, NULL, &Q_END, DB_ARGS(DBI(session_id)), NULL, NULL, NULL);
}

enum xerr db_auth_sessions_end_user(struct db *db, unsigned long long user_id, unsigned long long keep)
{
	return db_exec(db, NULL, &Q_END_USER, DB_ARGS(DBI(user_id), DBI(keep)), NULL, NULL, NULL);
}

enum xerr db_auth_set_password(struct db *db, unsigned long long user_id, const char *hash, int must_change)
{
	return db_exec(db, NULL, &Q_SET_PASSWORD, DB_ARGS(DBS(hash), DBI(must_change ? 1 : 0), DBI(user_id)), NULL, NULL, NULL);
}

enum xerr db_auth_me(struct db *db, struct arena *a, unsigned long long user_id, const char **display_name, int *must_change,
		     const char **unit_name)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_ME, DB_ARGS(DBI(user_id)), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	if (rs.n == 0)
		return XE_NOT_FOUND;
	*display_name = db_get(&rs, 0, 0);
	*must_change = (int)db_get_int(&rs, 0, 1);
	*unit_name = db_get(&rs, 0, 2);
	return XE_OK;
}

enum xerr db_auth_failures(struct db *db, struct arena *a, const char *username, const char *addr, long window_s,
			   unsigned long long own_id, struct db_failures *f)
{
	struct db_rows rs;
	struct db_arg own = DBI(own_id), w = DBI(window_s), u = DBS(username), ad = DBS(addr);
	enum xerr e = db_exec(db, a, &Q_FAILURES,
			      DB_ARGS(u, own, w, u, own, w, ad, own, w, ad, own, w, u, ad, own, w, u, ad, own, w), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	f->user_n = db_get_int(&rs, 0, 0);
	f->user_since = db_get_int(&rs, 0, 1);
	f->addr_n = db_get_int(&rs, 0, 2);
	f->addr_since = db_get_int(&rs, 0, 3);
	f->pair_n = db_get_int(&rs, 0, 4);
	f->pair_since = db_get_int(&rs, 0, 5);
	return XE_OK;
}

enum xerr db_auth_ever_signed_in(struct db *db, struct arena *a, unsigned long long user_id, int *ever)
{
	struct db_rows rs;
	*ever = 0;
	enum xerr e = db_exec(db, a, &Q_EVER_SIGNED_IN, DB_ARGS(DBI(user_id)), &rs, NULL, NULL);
	if (e == XE_OK)
		*ever = rs.n > 0;
	return e;
}

enum xerr db_auth_failure_drop(struct db *db, unsigned long long id)
{
	return db_exec(db, NULL, &Q_FAILURE_DROP, DB_ARGS(DBI(id)), NULL, NULL, NULL);
}

enum xerr db_auth_known_addr(struct db *db, struct arena *a, unsigned long long user_id, const char *addr, int days, int *known)
{
	struct db_rows rs;
	*known = 0;
	enum xerr e = db_exec(db, a, &Q_KNOWN_ADDR, DB_ARGS(DBI(user_id), DBS(addr), DBI(days)), &rs, NULL, NULL);
	if (e == XE_OK)
		*known = rs.n > 0;
	return e;
}

enum xerr db_auth_failure_add(struct db *db, const char *username, const char *addr, unsigned long long *id)
{
	enum xerr e = db_exec(db, NULL, &Q_FAILURE_ADD, DB_ARGS(DBS(username), DBS(addr)), NULL, NULL, id);
	if (e == XE_OK)
		db_exec(db, NULL, &Q_FAILURE_PRUNE, DB_NOARGS, NULL, NULL, NULL); /* best effort */
	return e;
}

enum xerr db_auth_failures_clear(struct db *db, const char *username)
{
	return db_exec(db, NULL, &Q_FAILURE_CLEAR, DB_ARGS(DBS(username)), NULL, NULL, NULL);
}

enum xerr db_auth_credential(struct db *db, struct arena *a, const unsigned char hash[32], struct principal **who, long long *idle_s)
{
	struct db_rows rs;
	*who = NULL;
	enum xerr e = db_exec(db, a, &Q_CRED_AUTH, DB_ARGS(DBSN((const char *)hash, 32)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	struct principal *p = arena_calloc(a, sizeof *p);
	p->user_id = (uint64_t)db_get_int(&rs, 0, 0);
	p->username = arena_printf(a, "credential:%llu", (unsigned long long)p->user_id);
	*idle_s = db_get_int(&rs, 0, 2);
	p->role = ROLE_PROVINCE_API;
	principal_unit(p, &rs, 3);
	p->is_api = 1;
	*who = p;
	return XE_OK;
}

enum xerr db_auth_credential_touch(struct db *db, unsigned long long id, int *updated)
{
	unsigned long long n = 0;
	enum xerr e = db_exec(db, NULL, &Q_CRED_TOUCH, DB_ARGS(DBI(id)), NULL, &n, NULL);
	*updated = e == XE_OK && n > 0;
	return e;
}

enum xerr db_auth_credential_create(struct db *db, const unsigned char hash[32], const char *prefix, const char *name, uint32_t unit_id,
				    unsigned long long created_by, unsigned long long *id)
{
	return db_exec(db, NULL, &Q_CRED_CREATE,
		       DB_ARGS(DBSN((const char *)hash, 32), DBS(prefix), DBS(name), DBI(unit_id), idarg(created_by)), NULL, NULL, id);
}

static void cred_row(const struct db_rows *rs, size_t r, struct db_credential *c)
{
	c->id = get_u(rs, r, 0);
	c->name = db_get(rs, r, 1);
	c->prefix = db_get(rs, r, 2);
	c->created_at = db_get(rs, r, 3);
	c->last_used_at = db_get(rs, r, 4);
	c->revoked_at = db_get(rs, r, 5);
	c->created_by = get_u(rs, r, 6);
	c->unit_id = (uint32_t)db_get_int(rs, r, 7);
	c->unit_code = db_get(rs, r, 8);
	c->unit_name = db_get(rs, r, 9);
}

enum xerr db_auth_credential_list(struct db *db, struct arena *a, const struct principal *who, unsigned long long before_id, long limit,
				  struct db_credential **out, size_t *n)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_CRED_LIST[scope_kind_of(who)],
			      DB_ARGS(scope_arg(who), DBI(before_id), DBI(before_id), DBI(limit)), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	*out = arena_calloc(a, (rs.n ? rs.n : 1) * sizeof **out);
	for (size_t i = 0; i < rs.n; i++)
		cred_row(&rs, i, &(*out)[i]);
	*n = rs.n;
	return XE_OK;
}

enum xerr db_auth_credential_get(struct db *db, struct arena *a, const struct principal *who, unsigned long long id,
				 struct db_credential *c, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_CRED_GET[scope_kind_of(who)], DB_ARGS(DBI(id), scope_arg(who)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	cred_row(&rs, 0, c);
	*found = 1;
	return XE_OK;
}

enum xerr db_auth_credential_revoke(struct db *db, unsigned long long id, unsigned long long by, int *revoked)
{
	unsigned long long n = 0;
	enum xerr e = db_exec(db, NULL, &Q_CRED_REVOKE, DB_ARGS(idarg(by), DBI(id)), NULL, &n, NULL);
	*revoked = e == XE_OK && n == 1;
	return e;
}

static void user_row(const struct db_rows *rs, size_t r, struct db_user *u)
{
	u->id = get_u(rs, r, 0);
	u->version = get_u(rs, r, 1);
	u->username = db_get(rs, r, 2);
	u->display_name = db_get(rs, r, 3);
	u->role = db_get(rs, r, 4);
	u->created_at = db_get(rs, r, 5);
	u->updated_at = db_get(rs, r, 6);
	u->disabled = (int)db_get_int(rs, r, 7);
	u->must_change = (int)db_get_int(rs, r, 8);
	u->unit_id = (uint32_t)db_get_int(rs, r, 9);
	u->unit_level = (int)db_get_int(rs, r, 10);
	u->unit_code = db_get(rs, r, 11);
	u->unit_name = db_get(rs, r, 12);
}

enum xerr db_auth_user_list(struct db *db, struct arena *a, const struct principal *who, const struct db_user_filter *f,
			    struct db_user **out, size_t *n)
{
	struct db_rows rs;
	const char *q = like_escape(a, f->q);
	enum xerr e = db_exec(db, a, &Q_USER_LIST[scope_kind_of(who)],
			      DB_ARGS(scope_arg(who), DBI(f->unit_id), DBI(f->unit_id), DBS(f->role), DBS(f->role), DBS(q), DBS(q), DBS(q),
				      DBI(f->after), DBI(f->limit)),
			      &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	*out = arena_calloc(a, (rs.n ? rs.n : 1) * sizeof **out);
	for (size_t i = 0; i < rs.n; i++)
		user_row(&rs, i, &(*out)[i]);
	*n = rs.n;
	return XE_OK;
}

enum xerr db_auth_user_get(struct db *db, struct arena *a, const struct principal *who, unsigned long long id, struct db_user *u,
			   int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_USER_GET[scope_kind_of(who)], DB_ARGS(DBI(id), scope_arg(who)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	user_row(&rs, 0, u);
	*found = 1;
	return XE_OK;
}

enum xerr db_auth_user_create(struct db *db, const char *username, const char *display_name, const char *role, uint32_t unit_id,
			      const char *hash, unsigned long long created_by, unsigned long long *id)
{
	return db_exec(db, NULL, &Q_USER_CREATE,
		       DB_ARGS(DBS(username), DBS(display_name), DBS(role), DBI(unit_id), DBS(hash), idarg(created_by)), NULL, NULL, id);
}

enum xerr db_auth_user_update(struct db *db, const struct principal *who, unsigned long long id, unsigned long long version,
			      const char *display_name, const char *role, uint32_t unit_id, int disabled, unsigned long long *affected)
{
	return db_exec(db, NULL, &Q_USER_UPDATE[scope_kind_of(who)],
		       DB_ARGS(DBS(display_name), DBS(role), unit_id ? DBI(unit_id) : DBNULL, disabled < 0 ? DBNULL : DBI(disabled),
			       DBI(id), DBI(version), scope_arg(who)),
		       NULL, affected, NULL);
}

static void unit_row(const struct db_rows *rs, size_t r, struct db_unit *u)
{
	u->id = (uint32_t)db_get_int(rs, r, 0);
	u->parent_id = (uint32_t)db_get_int(rs, r, 1);
	u->level = (int)db_get_int(rs, r, 2);
	u->code = db_get(rs, r, 3);
	u->name = db_get(rs, r, 4);
	u->school_type = db_get(rs, r, 5);
	u->closed = db_get_int(rs, r, 6) != 0;
}

enum xerr db_auth_unit_get(struct db *db, struct arena *a, const struct principal *who, uint32_t id, struct db_unit *u, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_UNIT_GET[scope_kind_of(who)], DB_ARGS(DBI(id), scope_arg(who)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	unit_row(&rs, 0, u);
	*found = 1;
	return XE_OK;
}

enum xerr db_auth_unit_list(struct db *db, struct arena *a, const struct principal *who, int level, uint32_t parent, const char *q,
			    uint32_t after, long limit, struct db_unit **out, size_t *n)
{
	struct db_rows rs;
	const char *lq = like_escape(a, q);
	enum xerr e = db_exec(db, a, &Q_UNIT_LIST[scope_kind_of(who)],
			      DB_ARGS(scope_arg(who), DBI(level), DBI(level), DBI(parent), DBI(parent), DBS(lq), DBS(lq), DBS(lq), DBI(after),
				      DBI(limit)),
			      &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	*out = arena_calloc(a, (rs.n ? rs.n : 1) * sizeof **out);
	for (size_t i = 0; i < rs.n; i++)
		unit_row(&rs, i, &(*out)[i]);
	*n = rs.n;
	return XE_OK;
}

enum xerr db_auth_seclog_add(struct db *db, const struct db_seclog *l)
{
	return db_exec(db, NULL, &Q_SECLOG_ADD,
		       DB_ARGS(DBS(l->event), idarg(l->actor_user_id), idarg(l->actor_credential_id), DBS(l->actor_username),
			       idarg(l->target_user_id), idarg(l->target_credential_id), DBS(l->addr ? l->addr : ""), DBS(l->method),
			       DBS(l->path), DBS(l->detail), idarg(l->unit_id)),
		       NULL, NULL, NULL);
}

enum xerr db_auth_seclog_list(struct db *db, struct arena *a, const struct principal *who, const char *event, unsigned long long before,
			      long limit, struct db_seclog_row **out, size_t *n)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_SECLOG_LIST[scope_kind_of(who)],
			      DB_ARGS(scope_arg(who), DBS(event), DBS(event), DBI(before), DBI(before), DBI(limit)), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	*out = arena_calloc(a, (rs.n ? rs.n : 1) * sizeof **out);
	for (size_t i = 0; i < rs.n; i++) {
		struct db_seclog_row *l = &(*out)[i];
		l->id = get_u(&rs, i, 0);
		l->created_at = db_get(&rs, i, 1);
		l->e.event = db_get(&rs, i, 2);
		l->e.actor_user_id = get_u(&rs, i, 3);
		l->e.actor_credential_id = get_u(&rs, i, 4);
		l->e.actor_username = db_get(&rs, i, 5);
		l->e.target_user_id = get_u(&rs, i, 6);
		l->e.target_credential_id = get_u(&rs, i, 7);
		l->e.unit_id = (uint32_t)db_get_int(&rs, i, 8);
		l->unit_code = db_get(&rs, i, 9);
		l->e.addr = db_get(&rs, i, 10);
		l->e.method = db_get(&rs, i, 11);
		l->e.path = db_get(&rs, i, 12);
		l->e.detail = db_get(&rs, i, 13);
	}
	*n = rs.n;
	return XE_OK;
}
