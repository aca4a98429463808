/* auth: session cookies, provincial bearer credentials, CSRF tokens, password hashing (libsodium argon2id),
 * login back-off, password change and the security log. */
#include "auth.h"
#include "authpolicy.h"
#include "db_auth.h"
#include "config.h"
#include "log.h"
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <strings.h>

static char dummy_hash[128]; /* verified against for unknown users: same cost either way; set by auth_init */
/* At most XJ_HASH_CONCURRENCY (0, the default: the number of cores) argon2id computations at once per process: each takes
 * 19 MiB, so a burst of sign-ins queues instead of taking threads x 19 MiB of memory. Set up by auth_init (a copy
 * per worker process after fork); without it (tools, unit tests) hashing is not limited. */
static sem_t hash_slots;
static int hash_slots_ready;

static void hash_enter(void)
{
	if (hash_slots_ready)
		while (sem_wait(&hash_slots) != 0)
			;
}

static void hash_leave(void)
{
	if (hash_slots_ready)
		sem_post(&hash_slots);
}

int auth_init(void)
{
	if (sodium_init() < 0)
		return -1;
	char def[1024];
	snprintf(def, sizeof def, "%s/../data/common-passwords.txt", cfg.openapi_dir ? cfg.openapi_dir : "fcgi/openapi");
	const char *path = config_str("XJ_PASSWORD_LIST") ? config_str("XJ_PASSWORD_LIST") : def;
	if (policy_load_common(path) < 1) {
		log_error("auth: cannot load the common-password list %s (set XJ_PASSWORD_LIST)", path);
		return -1;
	}
	if (auth_hash_password("dummy-password-for-unknown-users", dummy_hash) != 0)
		return -1;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	long slots = config_int("XJ_HASH_CONCURRENCY");
	if (slots < 1) /* 0: one per core */
		slots = cores > 0 ? cores : 2;
	if (sem_init(&hash_slots, 0, (unsigned)slots) != 0)
		return -1;
	hash_slots_ready = 1;
	return 0;
}

int auth_hash_password(const char *password, char out[128])
{
	/* argon2id, 19 MiB, t=2 (OWASP minimum) */
	hash_enter();
	int rc = crypto_pwhash_str_alg(out, password, strlen(password), 2, 19u * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13);
	hash_leave();
	return rc;
}

int auth_verify_password(const char *password, const char *hash)
{
	if (!hash)
		return 0;
	hash_enter();
	int ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	hash_leave();
	return ok;
}

void auth_temp_password(char out[AUTH_TEMP_PASSWORD_LEN + 1])
{
	/* no 0/O, 1/l/I, i, o: easy to read out over the phone */
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
	do {
		for (int i = 0; i < AUTH_TEMP_PASSWORD_LEN; i++)
			out[i] = (i % 5 == 4) ? '-' : alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
		out[AUTH_TEMP_PASSWORD_LEN] = 0;
	} while (policy_password_problem(out, NULL));
}

/* 32 random bytes as URL-safe base64 without padding (43 chars). out must hold 45 bytes. */
static void random_token(char out[45])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, 45, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(b, sizeof b);
}

void auth_new_api_token(char token[AUTH_API_TOKEN_LEN + 1], unsigned char hash[32], char prefix[13])
{
	char t[45];
	random_token(t);
	memcpy(token, AUTH_API_PREFIX, 4);
	memcpy(token + 4, t, 43);
	token[AUTH_API_TOKEN_LEN] = 0;
	crypto_hash_sha256(hash, (const unsigned char *)token, AUTH_API_TOKEN_LEN);
	memcpy(prefix, token, 12);
	prefix[12] = 0;
	sodium_memzero(t, sizeof t);
}

const char *auth_client_addr(const struct req *r)
{
	return r->remote_addr ? r->remote_addr : "";
}

/* Value of cookie `name` copied into the arena, or NULL. */
static const char *cookie_get(struct req *r, const char *name)
{
	const char *c = req_param(r, "HTTP_COOKIE");
	size_t n = strlen(name);
	while (c && *c) {
		while (*c == ' ' || *c == ';')
			c++;
		size_t seg = strcspn(c, ";");
		if (seg > n && strncmp(c, name, n) == 0 && c[n] == '=')
			return arena_strndup(r->arena, c + n + 1, seg - n - 1);
		c += seg;
	}
	return NULL;
}

enum xerr auth_unauthenticated(struct req *r, struct resp *w)
{
	const char *tok = r->who ? NULL : cookie_get(r, AUTH_COOKIE);
	if (!tok || strlen(tok) != 43)
		return resp_error(r, w, XE_UNAUTHENTICATED, NULL, NULL);
	cJSON *inner;
	int min = POLICY_SESSION_IDLE_SECONDS / 60;
	cJSON *root = resp_error_body(XE_UNAUTHENTICATED, NULL, NULL,
				      arena_printf(r->arena, "登录已超时（%d 分钟没有操作）或已退出，请重新登录。", min),
				      arena_printf(r->arena, "Your session has ended (%d minutes without activity, or you signed out); please sign in again.", min), &inner);
	cJSON_AddStringToObject(inner, "reason", "session_expired");
	return resp_error_send(r, w, XE_UNAUTHENTICATED, root);
}

int auth_wanted(const struct req *r)
{
	const char *c = req_param(r, "HTTP_COOKIE");
	return (c && strstr(c, AUTH_COOKIE "=")) || req_param(r, "HTTP_AUTHORIZATION");
}

/* At most max_chars UTF-8 characters of s (never splits a character). */
static const char *utf8_trunc(struct arena *a, const char *s, size_t max_chars)
{
	if (!s)
		return NULL;
	size_t i = 0, n = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == max_chars)
			break;
	return s[i] ? arena_strndup(a, s, i) : s;
}

enum xerr auth_seclog(struct req *r, struct db_seclog *e)
{
	if (!e->actor_username && r->who) {
		if (r->who->is_api)
			e->actor_credential_id = r->who->user_id;
		else
			e->actor_user_id = r->who->user_id;
		e->actor_username = r->who->username;
		if (!e->unit_id)
			e->unit_id = r->who->unit_id;
	}
	e->actor_username = utf8_trunc(r->arena, e->actor_username, 64);
	e->addr = utf8_trunc(r->arena, auth_client_addr(r), 45);
	e->method = utf8_trunc(r->arena, r->method, 8);
	e->path = utf8_trunc(r->arena, r->path, 200);
	e->detail = utf8_trunc(r->arena, e->detail, 200);
	enum xerr x = db_auth_seclog_add(r->db, e);
	if (x != XE_OK)
		log_error("security log: cannot record %s (%s)", e->event, err_code(x));
	return x;
}

void auth_log_denied(struct req *r, const char *why)
{
	struct db_seclog e = {.event = "denied", .detail = why};
	auth_seclog(r, &e);
}

/* Authorization: Bearer xjp_... -> provincial principal (R29). */
static enum xerr authenticate_bearer(struct req *r, const char *h)
{
	while (*h == ' ')
		h++;
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return XE_OK; /* another scheme: anonymous */
	const char *tok = h + 7;
	while (*tok == ' ')
		tok++;
	size_t len = strcspn(tok, " ");
	struct principal *p = NULL;
	if (len == AUTH_API_TOKEN_LEN && strncmp(tok, AUTH_API_PREFIX, 4) == 0) {
		unsigned char hash[32];
		long long idle = 0;
		crypto_hash_sha256(hash, (const unsigned char *)tok, len);
		enum xerr e = db_auth_credential(r->db, r->arena, hash, &p, &idle);
		if (e != XE_OK)
			return e;
		if (p && idle >= 60) { /* at most one write a minute per credential, and one log entry */
			int updated = 0;
			db_auth_credential_touch(r->db, p->user_id, &updated);
			r->who = p;
			if (updated) {
				struct db_seclog ev = {.event = "credential_used", .target_credential_id = p->user_id};
				auth_seclog(r, &ev);
			}
		}
	}
	r->who = p;
	if (!p)
		auth_log_denied(r, "bad_credential");
	return XE_OK;
}

/* Routes a session whose password must be changed may still use. */
static int allowed_while_must_change(const struct req *r)
{
	const char *p = r->route ? r->route->path : "";
	return strcmp(p, "/api/v1/session") == 0 ||
	       (strcmp(p, "/api/v1/session/password") == 0 && strcmp(r->method, "PUT") == 0);
}

enum xerr auth_authenticate(struct req *r, struct resp *w)
{
	const char *authz = req_param(r, "HTTP_AUTHORIZATION");
	if (authz)
		return authenticate_bearer(r, authz);
	const char *tok = cookie_get(r, AUTH_COOKIE);
	if (!tok || strlen(tok) != 43)
		return XE_OK;
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)tok, 43);
	long long idle = 0;
	int must_change = 0;
	struct principal *p = NULL;
	enum xerr e = db_auth_session(r->db, r->arena, h, &p, &idle, &must_change);
	if (e != XE_OK)
		return e;
	if (p && idle >= 60)
		db_auth_touch(r->db, p->session_id); /* at most one write a minute per session */
	r->who = p;
	if (p && must_change && r->route && r->route->roles != ROLES_PUBLIC && !allowed_while_must_change(r)) {
		auth_log_denied(r, "must_change");
		return resp_error_zh(r, w, XE_FORBIDDEN, NULL, "请先修改密码：当前密码是管理员设置的。", "Change your password first: it was set by an administrator.");
	}
	return XE_OK;
}

enum xerr auth_check_csrf(struct req *r, struct resp *w)
{
	const char *h = req_param(r, "HTTP_X_CSRF_TOKEN");
	const char *t = r->who ? r->who->csrf_token : NULL;
	if (!h || !t || strlen(h) != strlen(t) || sodium_memcmp(h, t, strlen(t)) != 0) {
		auth_log_denied(r, "csrf");
		return resp_error(r, w, XE_CSRF, NULL, NULL);
	}
	return XE_OK;
}

/* 429 with Retry-After if `username` or the client's address is in back-off. An address from which the account
 * signed in successfully within POLICY_KNOWN_ADDR_DAYS is exempt from the account's back-off when exempt_known
 * (sign-in; not a password change) — the per-address one still applies — so failures from elsewhere cannot lock
 * the owner out at its usual place of work. */
static enum xerr check_backoff(struct req *r, struct resp *w, const char *username, unsigned long long user_id, uint32_t unit_id,
			       int exempt_known, unsigned long long own_id)
{
	struct db_failures f;
	enum xerr e = db_auth_failures(r->db, r->arena, username, auth_client_addr(r), POLICY_WINDOW_SECONDS, own_id, &f);
	if (e != XE_OK)
		return e;
	/* issue 12 item 7: until an account's first success its back-off counts per account and address, so a stranger's
	 * wrong passwords cannot lock out an owner who never signed in (an unknown name is treated the same) */
	int ever = 0;
	if (user_id && (e = db_auth_ever_signed_in(r->db, r->arena, user_id, &ever)))
		return e;
	long long un = ever ? f.user_n : f.pair_n, us = ever ? f.user_since : f.pair_since;
	long wu = policy_backoff_wait((long)un, POLICY_ACCOUNT_THRESHOLD, (long)us);
	long wa = policy_backoff_wait((long)f.addr_n, POLICY_ADDR_THRESHOLD, (long)f.addr_since);
	int known = 0;
	if (wu > 0 && user_id && exempt_known && (e = db_auth_known_addr(r->db, r->arena, user_id, auth_client_addr(r), POLICY_KNOWN_ADDR_DAYS, &known)))
		return e;
	if (known)
		wu = 0;
	long wait = wu > wa ? wu : wa;
	if (wait <= 0)
		return XE_OK;
	struct db_seclog ev = {.event = "login_throttled", .actor_username = username, .actor_user_id = user_id, .unit_id = unit_id,
			       .detail = wu >= wa ? "account" : "address"};
	auth_seclog(r, &ev);
	resp_error_zh(r, w, XE_RATE_LIMITED, NULL, arena_printf(r->arena, "登录失败次数过多，请 %ld 秒后再试。", wait),
		      arena_printf(r->arena, "Too many failed attempts; try again in %ld seconds.", wait));
	resp_header(w, "Retry-After", arena_printf(r->arena, "%ld", wait));
	return XE_RATE_LIMITED;
}

enum xerr auth_login(struct req *r, struct resp *w, const char *username, const char *password, struct principal **who,
		     int *must_change)
{
	struct db_login_user u = {0};
	int found = 0;
	enum xerr e = db_auth_user(r->db, r->arena, username, &u, &found);
	if (e != XE_OK)
		return e;
	/* issue 12 item 7: the attempt is recorded (reserved) before the password is verified, so concurrent attempts
	 * count each other and a burst cannot reach verification more often than the thresholds allow */
	unsigned long long rid = 0;
	if ((e = db_auth_failure_add(r->db, username, auth_client_addr(r), &rid)) != XE_OK)
		return e;
	if ((e = check_backoff(r, w, username, found ? u.id : 0, found ? u.unit_id : 0, 1, rid)) != XE_OK) {
		db_auth_failure_drop(r->db, rid); /* a refused attempt is not a failure of its own */
		return e;
	}
	int ok = auth_verify_password(password, found ? u.password_hash : dummy_hash); /* same cost either way */
	if (!found || !ok || u.disabled) { /* the reservation stays: it is this failure */
		struct db_seclog ev = {.event = "login_failed", .actor_username = username, .actor_user_id = found ? u.id : 0,
				       .unit_id = found ? u.unit_id : 0,
				       .detail = !found ? "unknown_user" : !ok ? "wrong_password" : "disabled"};
		auth_seclog(r, &ev);
		return resp_error_zh(r, w, XE_UNAUTHENTICATED, NULL, "用户名或密码错误。", "Wrong user name or password.");
	}
	db_auth_failures_clear(r->db, username); /* the account's owner got in: its back-off starts afresh */
	if (crypto_pwhash_str_needs_rehash(u.password_hash, 2, 19u * 1024 * 1024) != 0) {
		char h[128];
		if (auth_hash_password(password, h) == 0)
			db_auth_set_password(r->db, u.id, h, u.must_change);
	}
	if (r->who && !r->who->is_api) /* a session the browser already had is not carried over */
		db_auth_session_end(r->db, r->who->session_id);
	char tok[45], csrf[45];
	random_token(tok);
	random_token(csrf);
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)tok, 43);
	unsigned long long sid = 0;
	e = db_auth_session_create(r->db, u.id, h, csrf, auth_client_addr(r), &sid);
	if (e != XE_OK)
		return e;
	long long idle;
	e = db_auth_session(r->db, r->arena, h, who, &idle, must_change);
	if (e != XE_OK || !*who)
		return e != XE_OK ? e : XE_INTERNAL;
	struct db_seclog ev = {.event = "login_ok", .actor_username = username, .actor_user_id = u.id, .unit_id = u.unit_id};
	auth_seclog(r, &ev);
	resp_header(w, "Set-Cookie",
		    arena_printf(r->arena, AUTH_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", tok,
				 AUTH_ABSOLUTE_SECONDS, cfg.secure_cookies ? "; Secure" : ""));
	resp_header(w, "Cache-Control", "no-store");
	sodium_memzero(tok, sizeof tok);
	return XE_OK;
}

enum xerr auth_logout(struct req *r, struct resp *w)
{
	if (r->who && !r->who->is_api) {
		enum xerr e = db_auth_session_end(r->db, r->who->session_id);
		if (e != XE_OK)
			return e;
		struct db_seclog ev = {.event = "logout"};
		auth_seclog(r, &ev);
	}
	resp_header(w, "Set-Cookie", AUTH_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return XE_OK;
}

enum xerr auth_check_new_password(struct req *r, struct resp *w, const char *field, const char *pw, const char *username)
{
	const char *why = policy_password_problem(pw, username);
	if (why)
		return resp_error_zh(r, w, XE_VALIDATION, field, policy_password_message_zh(why), policy_password_message(why));
	return XE_OK;
}

struct change_ctx {
	unsigned long long user_id, keep_session;
	const char *hash;
	struct req *r;
};

static enum xerr change_tx(struct db *db, void *vctx)
{
	struct change_ctx *c = vctx;
	enum xerr e;
	if ((e = db_auth_set_password(db, c->user_id, c->hash, 0)) || (e = db_auth_sessions_end_user(db, c->user_id, c->keep_session)))
		return e;
	struct db_seclog ev = {.event = "password_changed", .target_user_id = c->user_id};
	return auth_seclog(c->r, &ev);
}

enum xerr auth_change_password(struct req *r, struct resp *w, const char *old_password, const char *new_password)
{
	struct principal *p = r->who;
	struct db_login_user u = {0};
	int found = 0;
	enum xerr e;
	if (!p || p->is_api)
		return XE_FORBIDDEN;
	if ((e = db_auth_user_by_id(r->db, r->arena, p->user_id, &u, &found)))
		return e;
	if (!found)
		return XE_UNAUTHENTICATED;
	unsigned long long rid = 0; /* reserved before verifying, as at sign-in */
	if ((e = db_auth_failure_add(r->db, p->username, auth_client_addr(r), &rid)))
		return e;
	if ((e = check_backoff(r, w, p->username, p->user_id, p->unit_id, 0, rid))) { /* a session's address is no exemption */
		db_auth_failure_drop(r->db, rid);
		return e;
	}
	if (!auth_verify_password(old_password, u.password_hash)) { /* the reservation stays: a stolen session must not guess */
		struct db_seclog ev = {.event = "password_change_failed", .target_user_id = p->user_id, .detail = "wrong_password"};
		auth_seclog(r, &ev);
		return resp_error_zh(r, w, XE_VALIDATION, "old_password", "当前密码不正确。", "The current password is wrong.");
	}
	db_auth_failure_drop(r->db, rid); /* the right password: no failure */
	if ((e = auth_check_new_password(r, w, "new_password", new_password, p->username)))
		return e;
	if (strcmp(old_password, new_password) == 0)
		return resp_error_zh(r, w, XE_VALIDATION, "new_password", policy_password_message_zh("same"), policy_password_message("same"));
	char hash[128];
	if (auth_hash_password(new_password, hash) != 0)
		return XE_INTERNAL;
	struct change_ctx c = {.user_id = p->user_id, .keep_session = p->session_id, .hash = hash, .r = r};
	return db_tx(r->db, change_tx, &c);
}
