/* db_auth: SQL for users and sessions. Rows and strings are allocated in the caller's arena. */
#ifndef XJ_DB_AUTH_H
#define XJ_DB_AUTH_H
#include "db.h"
#include "http.h"

struct db_login_user {
	unsigned long long id;
	const char *password_hash;
	int disabled;
};

/* Look up a live session by token hash (idle/absolute timeouts applied in SQL). *who NULL if none.
 * *idle_s receives the seconds since the session was last seen. */
enum xerr db_auth_session(struct db *db, struct arena *a, const unsigned char hash[32], struct principal **who, long long *idle_s);
enum xerr db_auth_touch(struct db *db, unsigned long long session_id);
/* User by username; *found 0 if none. */
enum xerr db_auth_user(struct db *db, struct arena *a, const char *username, struct db_login_user *u, int *found);
/* New session; returns its id. */
enum xerr db_auth_session_create(struct db *db, unsigned long long user_id, const unsigned char hash[32], const char *csrf,
				 const char *addr, unsigned long long *id);
enum xerr db_auth_session_end(struct db *db, unsigned long long session_id);

#endif
