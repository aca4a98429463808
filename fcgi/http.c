/* http: request parameter access, JSON body parsing and response building. */
#include "http.h"
#include "db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>

const char *req_param(const struct req *r, const char *name)
{
	if (!r->envp)
		return NULL;
	size_t n = strlen(name);
	for (char *const *e = r->envp; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

char *http_urldecode(struct arena *a, const char *s, size_t len, int form)
{
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return NULL;
			int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0)
				return NULL;
			c = h * 16 + l;
			i += 2;
		} else if (c == '+' && form) {
			c = ' ';
		}
		if (c == 0)
			return NULL;
		out[o++] = (char)c;
	}
	out[o] = 0;
	size_t bad;
	if (!http_utf8_valid((const unsigned char *)out, o, &bad))
		return NULL;
	return out;
}

const char *req_query(const struct req *r, const char *name)
{
	const char *q = r->query;
	size_t n = strlen(name);
	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t seg = amp ? (size_t)(amp - q) : strlen(q);
		const char *eq = memchr(q, '=', seg);
		size_t klen = eq ? (size_t)(eq - q) : seg;
		if (klen == n && strncmp(q, name, n) == 0) {
			if (!eq)
				return "";
			return http_urldecode(r->arena, eq + 1, seg - klen - 1, 1);
		}
		q = amp ? amp + 1 : NULL;
	}
	return NULL;
}

enum xerr req_query_int(struct req *r, struct resp *w, const char *name, long long min, long long max, long long def, long long *out)
{
	const char *v = req_query(r, name);
	if (!v || !*v) {
		*out = def;
		return XE_OK;
	}
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return resp_error(r, w, XE_VALIDATION, name,
				  arena_printf(r->arena, "%s must be an integer from %lld to %lld", name, min, max));
	*out = x;
	return XE_OK;
}

enum xerr req_path_id(const struct req *r, int i, uint64_t *out)
{
	if (i >= r->n_path_params)
		return XE_NOT_FOUND;
	const char *s = r->path_params[i];
	if (!*s || strlen(s) > 19)
		return XE_NOT_FOUND;
	unsigned long long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return XE_NOT_FOUND;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v == 0)
		return XE_NOT_FOUND;
	*out = v;
	return XE_OK;
}

int http_utf8_valid(const unsigned char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;
		if (c < 0x80) { i++; continue; }
		else if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
		else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
		else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
		else goto fail;
		if (i + n >= len)
			goto fail;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto fail;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto fail;
		i += n + 1;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

/* 1 if a JSON string in s[0..len) holds the escape \u0000 (a NUL, which cJSON would silently end the string at);
 * *key (arena) names the member whose key or value holds it ("" at the top level). Pure scan of valid JSON text. */
/* A C0 control character inside a JSON string of s (issue 12 item 5): escaped (\u0000-\u001f, \b, \f) or raw;
 * tab, newline and carriage return are text. Returns 1 and the member name it belongs to (*key, "" at the top level)
 * and the character (*ch), or 0. cJSON would end a string at a NUL: such a string is refused, never truncated. */
static int json_has_control(struct arena *a, const unsigned char *s, size_t len, const char **key, unsigned *ch)
{
	size_t kstart = 0, klen = 0, sstart = 0;
	int in_str = 0;
	*key = "";
	*ch = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (!in_str) {
			if (c == '"') {
				in_str = 1;
				sstart = i + 1;
			} else if (c == ':' && sstart) { /* the string just closed was a member name */
				kstart = sstart;
				klen = i;
			}
			continue;
		}
		int ctl = -1;
		if (c == '\\' && i + 1 < len) {
			unsigned char e = s[i + 1];
			if (e == 'b')
				ctl = 0x08;
			else if (e == 'f')
				ctl = 0x0c;
			else if (e == 'u' && i + 5 < len && s[i + 2] == '0' && s[i + 3] == '0' && hexval(s[i + 4]) >= 0 &&
				 hexval(s[i + 5]) >= 0 && hexval(s[i + 4]) * 16 + hexval(s[i + 5]) < 0x20)
				ctl = hexval(s[i + 4]) * 16 + hexval(s[i + 5]);
			i++; /* the escaped character */
		} else if (c == '"') {
			in_str = 0;
		} else if (c < 0x20) {
			ctl = c;
		}
		if (ctl >= 0 && ctl != '\t' && ctl != '\n' && ctl != '\r') {
			size_t kend = klen;
			while (kend > kstart && s[kend - 1] != '"')
				kend--;
			*key = kend > kstart ? arena_strndup(a, (const char *)s + kstart, kend - 1 - kstart) : "";
			*ch = (unsigned)ctl;
			return 1;
		}
	}
	return 0;
}

enum xerr req_json(struct req *r, struct resp *w, cJSON **out)
{
	const char *ct = r->content_type ? r->content_type : "";
	size_t ctl = strcspn(ct, ";");
	while (ctl > 0 && ct[ctl - 1] == ' ')
		ctl--;
	if (!(ctl == 16 && strncasecmp(ct, "application/json", 16) == 0))
		return resp_error(r, w, XE_MEDIA_TYPE, NULL, "Content-Type must be application/json.");
	size_t bad = 0;
	if (!http_utf8_valid(r->body, r->body_len, &bad))
		return resp_error(r, w, XE_BAD_UTF8, NULL, arena_printf(r->arena, "Invalid UTF-8 at byte %zu.", bad));
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)r->body, r->body_len, &end, 0);
	const char *nulkey;
	unsigned ch;
	if (j && json_has_control(r->arena, r->body, r->body_len, &nulkey, &ch)) { /* issue 12 item 5: refused, never cut */
		cJSON *inner, *root;
		if (ch == 0)
			root = resp_error_body(XE_VALIDATION, NULL, *nulkey ? nulkey : NULL, "此项含有不可见的空字符（\\u0000），没有保存。",
					       arena_printf(r->arena, "%s contains a NUL character (\\u0000); nothing was stored.",
							    *nulkey ? nulkey : "The body"), &inner);
		else
			root = resp_error_body(XE_VALIDATION, NULL, *nulkey ? nulkey : NULL,
					       arena_printf(r->arena, "此项含有不可见的控制字符（\\u%04x），没有保存。", ch),
					       arena_printf(r->arena, "%s contains a control character (\\u%04x); nothing was stored.",
							    *nulkey ? nulkey : "The body", ch), &inner);
		cJSON_AddStringToObject(inner, "reason", "control_chars"); /* the registry's stable code for the same refusal */
		return resp_error_send(r, w, XE_VALIDATION, root);
	}
	if (!j) {
		size_t pos = end ? (size_t)(end - (const char *)r->body) : 0;
		return resp_error(r, w, XE_BAD_JSON, NULL, arena_printf(r->arena, "Invalid JSON at byte %zu.", pos));
	}
	/* only whitespace may follow */
	size_t off = (size_t)(end - (const char *)r->body);
	while (off < r->body_len && strchr(" \t\r\n", r->body[off]))
		off++;
	if (off < r->body_len)
		return resp_error(r, w, XE_BAD_JSON, NULL, arena_printf(r->arena, "Invalid JSON at byte %zu.", off));
	if (!cJSON_IsObject(j))
		return resp_error(r, w, XE_BAD_JSON, NULL, "The body must be a JSON object.");
	*out = j;
	return XE_OK;
}

void resp_body(struct resp *w, int status, const char *content_type, const char *body, size_t len)
{
	w->status = status;
	w->content_type = content_type;
	w->body = body;
	w->body_len = len;
}

void resp_header(struct resp *w, const char *name, const char *value)
{
	if (w->n_headers >= RESP_MAX_HEADERS)
		return;
	w->hname[w->n_headers] = name;
	w->hvalue[w->n_headers] = value;
	w->n_headers++;
}

enum xerr resp_json(struct req *r, struct resp *w, int status, const cJSON *obj)
{
	struct arena *prev = arena_current();
	arena_set_current(r->arena);
	char *s = cJSON_PrintUnformatted(obj);
	arena_set_current(prev);
	if (!s)
		return XE_INTERNAL;
	resp_body(w, status, "application/json; charset=utf-8", s, strlen(s));
	return XE_OK;
}

cJSON *resp_error_body(enum xerr e, const char *code, const char *field, const char *zh, const char *en, cJSON **inner)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *o = cJSON_AddObjectToObject(root, "error");
	cJSON_AddStringToObject(o, "code", code ? code : err_code(e));
	cJSON_AddStringToObject(o, "message", zh ? zh : err_message_zh(e));
	cJSON_AddStringToObject(o, "message_en", en ? en : err_message_en(e));
	if (field)
		cJSON_AddStringToObject(o, "field", field);
	else
		cJSON_AddNullToObject(o, "field");
	if (inner)
		*inner = o;
	return root;
}

enum xerr resp_error_send(struct req *r, struct resp *w, enum xerr e, cJSON *root)
{
	if (err_status(e) == 503)
		resp_header(w, "Retry-After", "5"); /* the database is away or busy: a client may try again shortly */
	if (e == XE_OUTCOME_UNKNOWN && r->db) /* the token to ask GET /api/v1/outcomes/{token} with (issue 12 item 2) */
		cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(root, "error"), "token", db_tx_token(r->db));
	resp_json(r, w, err_status(e), root);
	w->err = e;
	return e;
}

enum xerr resp_error_zh(struct req *r, struct resp *w, enum xerr e, const char *field, const char *zh, const char *en)
{
	return resp_error_send(r, w, e, resp_error_body(e, NULL, field, zh, en, NULL));
}

enum xerr resp_error(struct req *r, struct resp *w, enum xerr e, const char *field, const char *message_en)
{
	return resp_error_zh(r, w, e, field, NULL, message_en);
}
