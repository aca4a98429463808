/* auth: session cookies, CSRF tokens, password hashing (libsodium argon2id). */
#include "auth.h"
#include "db_auth.h"
#include "config.h"
#include "log.h"
#include <sodium.h>
#include <string.h>
#include <strings.h>

static const char *const role_names[] = {"school_clerk", "school_leader", "county", "bureau", "admin", "province_api"};

const char *auth_role_name(enum role r)
{
	for (int i = 0; i < 6; i++)
		if ((unsigned)r == (1u << i))
			return role_names[i];
	return "unknown";
}

enum role auth_role_parse(const char *s)
{
	for (int i = 0; s && i < 6; i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum role)(1u << i);
	return (enum role)0;
}

int auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int auth_hash_password(const char *password, char out[128])
{
	/* argon2id, 19 MiB, t=2 (OWASP minimum) */
	return crypto_pwhash_str_alg(out, password, strlen(password), 2, 19u * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13);
}

int auth_verify_password(const char *password, const char *hash)
{
	return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
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

int auth_wanted(const struct req *r)
{
	const char *c = req_param(r, "HTTP_COOKIE");
	return (c && strstr(c, AUTH_COOKIE "=")) || req_param(r, "HTTP_AUTHORIZATION");
}

enum xerr auth_authenticate(struct req *r, struct resp *w)
{
	(void)w;
	const char *tok = cookie_get(r, AUTH_COOKIE);
	if (!tok || strlen(tok) != 43)
		return XE_OK;
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)tok, 43);
	long long idle = 0;
	struct principal *p = NULL;
	enum xerr e = db_auth_session(r->db, r->arena, h, &p, &idle);
	if (e != XE_OK)
		return e;
	if (p && idle >= 60)
		db_auth_touch(r->db, p->session_id); /* at most one write a minute per session */
	r->who = p;
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

void auth_log_denied(struct req *r, const char *why)
{
	log_error("denied %s %s %s user=%s", why, r->method, r->path, r->who ? r->who->username : "-");
}

/* 32 random bytes as URL-safe base64 without padding (43 chars). out must hold 45 bytes. */
static void random_token(char out[45])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, 45, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

enum xerr auth_login(struct req *r, struct resp *w, const char *username, const char *password, struct principal **who)
{
	struct db_login_user u = {0};
	int found = 0;
	static const char *dummy_hash;
	static char dummy[128];
	enum xerr e = db_auth_user(r->db, r->arena, username, &u, &found);
	if (e != XE_OK)
		return e;
	if (!dummy_hash && auth_hash_password("not-a-password-x", dummy) == 0)
		dummy_hash = dummy;
	int ok = auth_verify_password(password, found ? u.password_hash : dummy_hash); /* same cost either way */
	if (!found || !ok || u.disabled) {
		log_error("login failed user=%s", username);
		return resp_error(r, w, XE_UNAUTHENTICATED, NULL, "Wrong user name or password.");
	}
	char tok[45], csrf[45];
	random_token(tok);
	random_token(csrf);
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)tok, 43);
	unsigned long long sid = 0;
	e = db_auth_session_create(r->db, u.id, h, csrf, r->remote_addr, &sid);
	if (e != XE_OK)
		return e;
	long long idle;
	e = db_auth_session(r->db, r->arena, h, who, &idle);
	if (e != XE_OK || !*who)
		return e != XE_OK ? e : XE_INTERNAL;
	resp_header(w, "Set-Cookie",
		    arena_printf(r->arena, AUTH_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", tok,
				 AUTH_ABSOLUTE_SECONDS, cfg.secure_cookies ? "; Secure" : ""));
	return XE_OK;
}

enum xerr auth_logout(struct req *r, struct resp *w)
{
	if (r->who && !r->who->is_api) {
		enum xerr e = db_auth_session_end(r->db, r->who->session_id);
		if (e != XE_OK)
			return e;
	}
	resp_header(w, "Set-Cookie", AUTH_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return XE_OK;
}
