/* auth: who is calling (session cookie or provincial API credential), CSRF, passwords, and the session endpoints. */
#ifndef XJ_AUTH_H
#define XJ_AUTH_H
#include "http.h"

#define AUTH_COOKIE "xj_session"
#define AUTH_IDLE_SECONDS (30 * 60)        /* idle timeout */
#define AUTH_ABSOLUTE_SECONDS (12 * 3600)  /* absolute timeout */

/* Process-wide setup (libsodium). 0 on success. */
int auth_init(void);
/* 1 if the request carries a session cookie or credential worth looking up. */
int auth_wanted(const struct req *r);
/* Set r->who from the session cookie or Authorization header; leaves it NULL when absent or invalid.
 * Errors only when the lookup itself fails (database down). */
enum xerr auth_authenticate(struct req *r, struct resp *w);
/* Check the X-CSRF-Token header against the session's token (state-changing requests). */
enum xerr auth_check_csrf(struct req *r, struct resp *w);
/* Record a denied request in the security log. */
void auth_log_denied(struct req *r, const char *why);

/* Verify credentials, create a session (new token every login) and set the cookie on w; *who is the new principal.
 * Wrong name or password: 401 (same cost whether or not the user exists). */
enum xerr auth_login(struct req *r, struct resp *w, const char *username, const char *password, struct principal **who);
/* End the caller's session on the server and clear the cookie. */
enum xerr auth_logout(struct req *r, struct resp *w);

/* Hash a password with argon2id (>= 19 MiB, t=2). out must hold 128 bytes. 0 on success. */
int auth_hash_password(const char *password, char out[128]);
/* 1 if password matches the stored hash. */
int auth_verify_password(const char *password, const char *hash);
/* Role name ("school_clerk", ...) and back; 0 if unknown. */
const char *auth_role_name(enum role r);
enum role auth_role_parse(const char *s);

#endif
