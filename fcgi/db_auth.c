/* db_auth: SQL for users and sessions. */
#include "db_auth.h"
#include "auth.h"
#include <stdlib.h>

#define PRINCIPAL_COLS "u.id, u.username, u.role, un.id, un.level, un.code, un.province_code, un.city_code, un.county_code"

static const struct db_sql Q_SESSION = {
	"SELECT s.id, s.csrf_token, TIMESTAMPDIFF(SECOND, s.last_seen, UTC_TIMESTAMP(6)), " PRINCIPAL_COLS
	" FROM session s JOIN app_user u ON u.id = s.user_id JOIN unit un ON un.id = u.unit_id"
	" WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > UTC_TIMESTAMP(6)"
	" AND s.last_seen > UTC_TIMESTAMP(6) - INTERVAL 1800 SECOND AND u.disabled = 0"};
static const struct db_sql Q_TOUCH = {"UPDATE session SET last_seen = UTC_TIMESTAMP(6) WHERE id = ?"};
static const struct db_sql Q_USER = {"SELECT id, password_hash, disabled FROM app_user WHERE username = ?"};
static const struct db_sql Q_CREATE = {
	"INSERT INTO session (token_hash, user_id, csrf_token, created_at, last_seen, expires_at, addr)"
	" VALUES (?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 43200 SECOND, ?)"};
static const struct db_sql Q_END = {"UPDATE session SET ended_at = UTC_TIMESTAMP(6) WHERE id = ? AND ended_at IS NULL"};

static const char *nz(const char *s) { return s && *s ? s : NULL; }

enum xerr db_auth_session(struct db *db, struct arena *a, const unsigned char hash[32], struct principal **who, long long *idle_s)
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
	p->role = auth_role_parse(db_get(&rs, 0, 5));
	p->unit_id = (uint32_t)db_get_int(&rs, 0, 6);
	p->unit_level = (enum unit_level)db_get_int(&rs, 0, 7);
	p->unit_code = db_get(&rs, 0, 8);
	p->province_code = nz(db_get(&rs, 0, 9));
	p->city_code = nz(db_get(&rs, 0, 10));
	p->county_code = nz(db_get(&rs, 0, 11));
	if (!p->role)
		return XE_OK;
	*who = p;
	return XE_OK;
}

enum xerr db_auth_touch(struct db *db, unsigned long long session_id)
{
	return db_exec(db, NULL, &Q_TOUCH, DB_ARGS(DBI(session_id)), NULL, NULL, NULL);
}

enum xerr db_auth_user(struct db *db, struct arena *a, const char *username, struct db_login_user *u, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_USER, DB_ARGS(DBS(username)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	u->id = (unsigned long long)db_get_int(&rs, 0, 0);
	u->password_hash = db_get(&rs, 0, 1);
	u->disabled = (int)db_get_int(&rs, 0, 2);
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
