/* db_auth: SQL for users, sessions, login back-off, provincial credentials, units and the security log.
 * Rows and strings are allocated in the caller's arena. Every query over users, units, credentials or the
 * security log is scoped to the principal's jurisdiction in its WHERE clause (scope.h). */
#ifndef XJ_DB_AUTH_H
#define XJ_DB_AUTH_H
#include "db.h"
#include "http.h"

struct db_login_user {
	unsigned long long id;
	const char *password_hash;
	int disabled;
	int must_change;
	uint32_t unit_id;
};

/* Look up a live session by token hash (idle/absolute timeouts applied in SQL). *who NULL if none.
 * *idle_s receives the seconds since the session was last seen, *must_change the account's flag. */
enum xerr db_auth_session(struct db *db, struct arena *a, const unsigned char hash[32], struct principal **who, long long *idle_s,
			  int *must_change);
enum xerr db_auth_touch(struct db *db, unsigned long long session_id);
/* User by username; *found 0 if none. */
enum xerr db_auth_user(struct db *db, struct arena *a, const char *username, struct db_login_user *u, int *found);
/* User by id (no scoping: the caller's own account). */
enum xerr db_auth_user_by_id(struct db *db, struct arena *a, unsigned long long id, struct db_login_user *u, int *found);
/* New session; returns its id. */
enum xerr db_auth_session_create(struct db *db, unsigned long long user_id, const unsigned char hash[32], const char *csrf,
				 const char *addr, unsigned long long *id);
enum xerr db_auth_session_end(struct db *db, unsigned long long session_id);
/* End every live session of a user except `keep` (0 = end all). */
enum xerr db_auth_sessions_end_user(struct db *db, unsigned long long user_id, unsigned long long keep);
/* New password hash; must_change as given. */
enum xerr db_auth_set_password(struct db *db, unsigned long long user_id, const char *hash, int must_change);
/* The signed-in user's extra facts for the screens: display name, must_change, unit name. */
enum xerr db_auth_me(struct db *db, struct arena *a, unsigned long long user_id, const char **display_name, int *must_change,
		     const char **unit_name);

/* Back-off: failures in the window for an account name and for an address, and seconds since the latest of each
 * (-1 when none). */
struct db_failures {
	long long user_n, user_since, addr_n, addr_since, pair_n, pair_since; /* pair: this account from this address */
};
/* Failures within window_s by account, address and the pair; the row own_id (the caller's reservation, 0 = none)
 * does not count. */
enum xerr db_auth_failures(struct db *db, struct arena *a, const char *username, const char *addr, long window_s,
			   unsigned long long own_id, struct db_failures *f);
/* 1 in *ever if the user ever signed in (a session row exists). */
enum xerr db_auth_ever_signed_in(struct db *db, struct arena *a, unsigned long long user_id, int *ever);
/* Forget one failure row (a reservation that was not used: the attempt was throttled). */
enum xerr db_auth_failure_drop(struct db *db, unsigned long long id);
/* 1 in *known if the user signed in successfully from addr within the last `days` days (its sessions' addresses). */
enum xerr db_auth_known_addr(struct db *db, struct arena *a, unsigned long long user_id, const char *addr, int days, int *known);
/* Record a failure (and prune rows older than a day); its id in *id (may be NULL). A sign-in records it before
 * verifying the password (a reservation), so concurrent attempts count each other (issue 12 item 7). */
enum xerr db_auth_failure_add(struct db *db, const char *username, const char *addr, unsigned long long *id);
/* Forget an account's failures (after a successful sign-in or an administrator's reset). */
enum xerr db_auth_failures_clear(struct db *db, const char *username);

/* Provincial credentials (R29). */
struct db_credential {
	unsigned long long id;
	const char *name, *prefix, *created_at, *last_used_at, *revoked_at;
	unsigned long long created_by;
	uint32_t unit_id;
	const char *unit_code, *unit_name;
};
/* Bearer lookup: a principal for a live (unrevoked) credential, NULL if none. *idle_s = seconds since last use
 * (large when never used). */
enum xerr db_auth_credential(struct db *db, struct arena *a, const unsigned char hash[32], struct principal **who, long long *idle_s);
/* Set last_used_at unless set within the last minute; *updated 1 if this call set it. */
enum xerr db_auth_credential_touch(struct db *db, unsigned long long id, int *updated);
enum xerr db_auth_credential_create(struct db *db, const unsigned char hash[32], const char *prefix, const char *name, uint32_t unit_id,
				    unsigned long long created_by, unsigned long long *id);
/* Credentials within who's jurisdiction, newest first; before_id 0 = from the newest. */
enum xerr db_auth_credential_list(struct db *db, struct arena *a, const struct principal *who, unsigned long long before_id, long limit,
				  struct db_credential **out, size_t *n);
/* One credential within who's jurisdiction; *found 0 if none (or outside). */
enum xerr db_auth_credential_get(struct db *db, struct arena *a, const struct principal *who, unsigned long long id,
				 struct db_credential *c, int *found);
/* Revoke (no-op if already revoked); *revoked 1 if this call revoked it. */
enum xerr db_auth_credential_revoke(struct db *db, unsigned long long id, unsigned long long by, int *revoked);

/* Users (R3), scoped to who's jurisdiction. */
struct db_user {
	unsigned long long id, version;
	const char *username, *display_name, *role, *created_at, *updated_at;
	int disabled, must_change;
	uint32_t unit_id;
	int unit_level;
	const char *unit_code, *unit_name;
};
struct db_user_filter {
	uint32_t unit_id;          /* 0 = any */
	const char *role;          /* NULL = any */
	const char *q;             /* username or display name prefix, NULL = any */
	unsigned long long after;  /* id cursor */
	long limit;
};
enum xerr db_auth_user_list(struct db *db, struct arena *a, const struct principal *who, const struct db_user_filter *f,
			    struct db_user **out, size_t *n);
enum xerr db_auth_user_get(struct db *db, struct arena *a, const struct principal *who, unsigned long long id, struct db_user *u,
			   int *found);
enum xerr db_auth_user_create(struct db *db, const char *username, const char *display_name, const char *role, uint32_t unit_id,
			      const char *hash, unsigned long long created_by, unsigned long long *id);
/* Update the given fields (NULL / negative = unchanged) if the row is within who's jurisdiction and at `version`;
 * *affected 0 when it changed meanwhile (or is outside). */
enum xerr db_auth_user_update(struct db *db, const struct principal *who, unsigned long long id, unsigned long long version,
			      const char *display_name, const char *role, uint32_t unit_id, int disabled, unsigned long long *affected);

/* Units within who's jurisdiction (R1). */
struct db_unit {
	uint32_t id, parent_id;
	int level;
	const char *code, *name;
	const char *school_type; /* schools: 学校办学类型 code (issue 16), else NULL */
	int closed;              /* a school closed, or a division code ceased (issue 16) */
};
enum xerr db_auth_unit_get(struct db *db, struct arena *a, const struct principal *who, uint32_t id, struct db_unit *u, int *found);
/* level -1 / parent 0 = any; q = name substring or code prefix (NULL = any); after = id cursor. */
enum xerr db_auth_unit_list(struct db *db, struct arena *a, const struct principal *who, int level, uint32_t parent, const char *q,
			    uint32_t after, long limit, struct db_unit **out, size_t *n);

/* Security log (append-only). */
struct db_seclog {
	const char *event;
	unsigned long long actor_user_id, actor_credential_id, target_user_id, target_credential_id; /* 0 = none */
	const char *actor_username;
	uint32_t unit_id; /* 0 = none (e.g. a failed sign-in with an unknown name) */
	const char *addr, *method, *path, *detail;
};
enum xerr db_auth_seclog_add(struct db *db, const struct db_seclog *e);
struct db_seclog_row {
	struct db_seclog e;
	unsigned long long id;
	const char *created_at, *unit_code;
};
/* Newest first, within who's jurisdiction; event NULL = any; before 0 = from the newest. */
enum xerr db_auth_seclog_list(struct db *db, struct arena *a, const struct principal *who, const char *event, unsigned long long before,
			      long limit, struct db_seclog_row **out, size_t *n);

#endif
