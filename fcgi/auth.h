/* auth: who is calling (session cookie or provincial API credential), CSRF, passwords, login back-off,
 * the security log, and the session endpoints' logic. Scoping helpers for SQL are in scope.h. */
#ifndef XJ_AUTH_H
#define XJ_AUTH_H
#include "http.h"
#include "db_auth.h"

#define AUTH_COOKIE "xj_session"
#define AUTH_IDLE_SECONDS (30 * 60)        /* idle timeout */
#define AUTH_ABSOLUTE_SECONDS (12 * 3600)  /* absolute timeout */
#define AUTH_API_PREFIX "xjp_"             /* provincial credential tokens: "xjp_" + 43 base64url chars (256 bits) */
#define AUTH_API_TOKEN_LEN 47
#define AUTH_CREDENTIAL_NAME_MAX 100       /* characters of a provincial credential's name */
#define AUTH_USER_SEARCH_MAX 64            /* characters of a user search (GET /api/v1/users?q=: a user name's length) */
#define AUTH_UNIT_SEARCH_MAX 50            /* characters of a unit search (GET /api/v1/units?q=: a school name's part or a code) */
#define AUTH_TEMP_PASSWORD_LEN 19          /* "xxxx-xxxx-xxxx-xxxx" from a 54-symbol alphabet (~92 bits) */

/* Process-wide setup: libsodium, the common-password list (XJ_PASSWORD_LIST, default
 * <XJ_OPENAPI_DIR>/../data/common-passwords.txt) and the dummy hash. 0 on success; -1 (logged) otherwise. */
int auth_init(void);
/* 1 if the request carries a session cookie or credential worth looking up. */
int auth_wanted(const struct req *r);
/* The 401 of a request that needs a principal and has none (issue 11 item 11): when it carried a well-formed session
 * cookie that no longer names a live session (idle POLICY_SESSION_IDLE_SECONDS, 12 h old, signed out, password
 * changed), error.reason "session_expired" with a message saying so; otherwise the plain "please sign in". A wrong
 * password at sign-in has its own message (auth_login). */
enum xerr auth_unauthenticated(struct req *r, struct resp *w);
/* Set r->who from the Authorization: Bearer credential (if that header is present) or else the session cookie;
 * leaves it NULL when absent or invalid. A session whose password must be changed may only use GET/DELETE
 * /api/v1/session and PUT /api/v1/session/password: other routes get 403 (w filled, error returned).
 * Other errors only when the lookup itself fails (database down). */
enum xerr auth_authenticate(struct req *r, struct resp *w);
/* Check the X-CSRF-Token header against the session's token (state-changing requests). */
enum xerr auth_check_csrf(struct req *r, struct resp *w);
/* Record a denied request in the security log (why: "role", "csrf", "must_change", "bad_credential"...). */
void auth_log_denied(struct req *r, const char *why);

/* Append an event to the security log. Fills addr, method and path from r; when e->actor_username is NULL and
 * r->who is set, the actor (user or credential) and, if e->unit_id is 0, the unit come from r->who.
 * Returns the database error (already logged for operators); callers outside a transaction may ignore it. */
enum xerr auth_seclog(struct req *r, struct db_seclog *e);

/* Sign in: back-off check (429 + Retry-After), verify (same cost whether or not the user exists), a new session
 * (new token every time; a session the request already had is ended), cookie on w. *who is the new principal,
 * *must_change the account's flag. Wrong name or password: 401. */
enum xerr auth_login(struct req *r, struct resp *w, const char *username, const char *password, struct principal **who,
		     int *must_change);
/* End the caller's session on the server and clear the cookie. */
enum xerr auth_logout(struct req *r, struct resp *w);
/* The caller changes its own password: old one checked (failures count for the back-off), new one checked
 * against the policy; clears must_change and ends the caller's other sessions. */
enum xerr auth_change_password(struct req *r, struct resp *w, const char *old_password, const char *new_password);
/* 422 naming `field` unless pw satisfies the password policy for `username`. */
enum xerr auth_check_new_password(struct req *r, struct resp *w, const char *field, const char *pw, const char *username);

/* Hash a password with argon2id (>= 19 MiB, t=2). out must hold 128 bytes. 0 on success. */
int auth_hash_password(const char *password, char out[128]);
/* 1 if password matches the stored hash. */
int auth_verify_password(const char *password, const char *hash);
/* A random one-time password (never on the common list). */
void auth_temp_password(char out[AUTH_TEMP_PASSWORD_LEN + 1]);
/* A new provincial credential: the token (shown once), its SHA-256 (stored) and a short prefix for lists. */
void auth_new_api_token(char token[AUTH_API_TOKEN_LEN + 1], unsigned char hash[32], char prefix[13]);
/* The client's address as nginx saw it ("" if unknown). */
const char *auth_client_addr(const struct req *r);

#endif
