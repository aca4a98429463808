/* http: the request and response the handlers see (no libfcgi types), and helpers to fill them. */
#ifndef XJ_HTTP_H
#define XJ_HTTP_H
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "err.h"
#include "arena.h"
#include "role.h"

struct db;
struct route;

/* Unit levels (SPEC R1). */
enum unit_level { LEVEL_MINISTRY = 0, LEVEL_PROVINCE = 1, LEVEL_CITY = 2, LEVEL_COUNTY = 3, LEVEL_SCHOOL = 4 };

/* The authenticated caller; arena-owned, NULL in struct req when anonymous. */
struct principal {
	uint64_t user_id;          /* app_user.id, or api_credential.id when is_api */
	enum role role;
	const char *username;
	uint32_t unit_id;
	enum unit_level unit_level;
	const char *unit_code;     /* 6-digit division code, '000000' for the ministry, 10-digit school code */
	const char *province_code; /* 2 chars or NULL for the ministry */
	const char *city_code;     /* 4 chars or NULL above city */
	const char *county_code;   /* 6 chars or NULL above county */
	uint64_t session_id;       /* 0 for API credentials */
	const char *csrf_token;    /* session's CSRF token (NULL for API credentials) */
	int is_api;
};

#define REQ_MAX_PATH_PARAMS 4

/* One request. Everything in it is owned by the per-request arena or by the caller of the handler. */
struct req {
	struct arena *arena;
	struct db *db;                 /* per-thread database context */
	void *magic;                   /* per-thread libmagic cookie (magic_t) */
	const char *method;            /* "GET", ... */
	const char *path;              /* decoded path, no query */
	const char *query;             /* raw query string ("" if none) */
	const char *content_type;      /* header or "" */
	const char *remote_addr;
	const unsigned char *body;     /* NUL-terminated copy, body_len bytes */
	size_t body_len;
	char *const *envp;             /* CGI-style "NAME=value" parameters */
	const char *path_params[REQ_MAX_PATH_PARAMS];
	int n_path_params;
	const struct route *route;
	struct principal *who;
};

#define RESP_MAX_HEADERS 16
struct resp {
	int status;                    /* 0 until set */
	const char *content_type;
	const char *hname[RESP_MAX_HEADERS], *hvalue[RESP_MAX_HEADERS];
	int n_headers;
	const char *body;              /* arena-owned or static */
	size_t body_len;
	enum xerr err;                 /* for the log */
};

/* Raw CGI parameter (e.g. "HTTP_X_CSRF_TOKEN"), or NULL. Points into envp. */
const char *req_param(const struct req *r, const char *name);
/* Query parameter `name`, percent-decoded into the arena, or NULL if absent. */
const char *req_query(const struct req *r, const char *name);
/* Query parameter as integer in [min,max]; def if absent; returns XE_VALIDATION (resp filled) if malformed. */
enum xerr req_query_int(struct req *r, struct resp *w, const char *name, long long min, long long max, long long def, long long *out);
/* Path parameter i as unsigned id; XE_NOT_FOUND if not a positive integer. */
enum xerr req_path_id(const struct req *r, int i, uint64_t *out);
/* Parse the body as a JSON object: 415 unless application/json, 400 bad_utf8 / bad_json naming the byte position. */
enum xerr req_json(struct req *r, struct resp *w, cJSON **out);

/* Set a JSON response with the given status; obj is serialised into the arena. */
enum xerr resp_json(struct req *r, struct resp *w, int status, const cJSON *obj);
/* The one error body of every route (issue 10): {"error":{"code","message","message_en","field","reason"?,"details"?}}.
 * message is Chinese (the screens' language), message_en English; NULL texts take err.c's defaults of e; code NULL is
 * err_code(e) (a route may name a finer stable code, e.g. evidence_type_refused). Returns the root object (cJSON
 * from the request arena) and the inner "error" object in *inner, for reason/details/limits. */
cJSON *resp_error_body(enum xerr e, const char *code, const char *field, const char *zh, const char *en, cJSON **inner);
/* Send a body built by resp_error_body with e's HTTP status; records e in w. Returns e. */
enum xerr resp_error_send(struct req *r, struct resp *w, enum xerr e, cJSON *root);
/* The error response with both texts (NULL = default). Returns e. */
enum xerr resp_error_zh(struct req *r, struct resp *w, enum xerr e, const char *field, const char *zh, const char *en);
/* The error response with a specific English text only (message_en); message is e's Chinese default. Returns e. */
enum xerr resp_error(struct req *r, struct resp *w, enum xerr e, const char *field, const char *message_en);
/* Set a raw body (not copied: must outlive the request, e.g. arena or static). */
void resp_body(struct resp *w, int status, const char *content_type, const char *body, size_t len);
/* Add a response header (name and value must outlive the request). */
void resp_header(struct resp *w, const char *name, const char *value);

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF); else 0 and *bad = offset. */
int http_utf8_valid(const unsigned char *s, size_t len, size_t *bad);
/* Percent-decode (and '+' to space when form != 0) into the arena; NULL if it decodes to invalid UTF-8 or NUL. */
char *http_urldecode(struct arena *a, const char *s, size_t len, int form);

/* A route of the table (fcgi/routes.c) as the request carries it (r->route); the table and dispatch are router.h's. */
typedef enum xerr (*handler_fn)(struct req *r, struct resp *w);

struct route {
	const char *method;   /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *path;     /* "/api/v1/groups/{id}": {name} matches one non-empty segment */
	handler_fn handler;
	unsigned roles;       /* enum role bits admitted; ROLES_PUBLIC = no authentication */
	size_t max_body;      /* bytes; 0 = no body accepted */
};

#endif
