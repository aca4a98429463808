/* api_meta: GET /api/v1/health, GET /api/v1/openapi.json (merged from the JSON fragments in fcgi/openapi at startup) and GET /api/v1/rules (limits, calendar settings, the code tables and the workflow table). */
#include "api.h"
#include "workflow.h"
#include "idcheck.h"
#include "role.h"
#include "auth.h"
#include "idem.h"
#include "authpolicy.h"
#include "school.h"
#include "search.h"
#include "suspects.h"
#include "router.h"
#include "xmalloc.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "config.h"
#include <time.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XUEJI_VERSION "0.1.0"

static char *openapi_doc;       /* process-lifetime, malloc-owned */
static size_t openapi_len;

enum xerr api_health(struct req *r, struct resp *w)
{
	long long version = 0, delay = 0;
	/* test hook (XJ_TEST_HOOKS=1 only): a slow request, to prove SIGTERM lets in-flight requests finish */
	if (config_int("XJ_TEST_HOOKS") == 1 && req_query_int(r, w, "delay_ms", 0, 10000, 0, &delay) == XE_OK && delay) {
		struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	enum xerr e = db_schema_version(r->db, r->arena, &version);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", e == XE_OK ? "ok" : "degraded");
	cJSON_AddStringToObject(o, "database", e == XE_OK ? "ok" : "unavailable");
	if (e == XE_OK)
		cJSON_AddNumberToObject(o, "schema_version", (double)version);
	else
		cJSON_AddNullToObject(o, "schema_version");
	cJSON_AddStringToObject(o, "version", XUEJI_VERSION);
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, e == XE_OK ? 200 : 503, o);
}

/* GET /api/v1/rules (issue 10 item 7): the limits, the calendar settings and the workflow table as the service holds
 * them, so the app draws its checks and its help from the one place instead of copies. Public: nothing in it is a
 * secret. */
enum xerr api_rules(struct req *r, struct resp *w)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *lim = cJSON_AddObjectToObject(o, "limits");
	cJSON_AddNumberToObject(lim, "evidence_file_bytes", FILETYPE_MAX_BYTES);
	cJSON_AddNumberToObject(lim, "evidence_files", (double)evidence_max_files());
	cJSON_AddNumberToObject(lim, "evidence_request_bytes", (double)EVIDENCE_UPLOAD_MAX_BODY);
	cJSON_AddNumberToObject(lim, "jpeg_preview_pixels", (double)FILETYPE_JPEG_PREVIEW_MAX_PIXELS);
	/* the text fields' lengths in characters (min only where there is one): the app's maxlength/minlength, and the
	 * OpenAPI document's x-limit schemas are tested against them */
	static const struct { const char *name; int min, max; } fields[] = {
		{"school_name", SCHOOL_NAME_MIN, SCHOOL_NAME_MAX}, {"school_address", 0, SCHOOL_ADDRESS_MAX},
		{"username", POLICY_USERNAME_MIN, POLICY_USERNAME_MAX}, {"display_name", 0, POLICY_DISPLAY_NAME_MAX},
		{"credential_name", 0, AUTH_CREDENTIAL_NAME_MAX}, {"workflow_text", 0, WF_TEXT_MAX},
		{"suspect_reason", 0, SX_REASON_MAX}, {"student_name", 0, STUDENT_NAME_MAX}, {"student_grade", 0, STUDENT_GRADE_MAX},
		{"student_class_name", 0, STUDENT_CLASS_MAX}, {"student_id_number", 0, STUDENT_IDNO_MAX},
		{"student_guardian_name", 0, STUDENT_NAME_MAX}, {"student_guardian_phone", 0, STUDENT_PHONE_MAX},
		{"search_id_number", SEARCH_ID_MIN, STUDENT_IDNO_MAX}, {"search_text", 0, SEARCH_MAX_CHARS},
		{"user_search", 0, AUTH_USER_SEARCH_MAX}, {"unit_search", 0, AUTH_UNIT_SEARCH_MAX},
		{"idempotency_key", 0, IDEM_KEY_MAX}};
	cJSON *fl = cJSON_AddObjectToObject(lim, "fields");
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		cJSON *f = cJSON_AddObjectToObject(fl, fields[i].name);
		if (fields[i].min)
			cJSON_AddNumberToObject(f, "min", fields[i].min);
		cJSON_AddNumberToObject(f, "max", fields[i].max);
	}
	cJSON *bodies = cJSON_AddArrayToObject(lim, "bodies");
	for (size_t i = 0; i < routes_count; i++) {
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "method", routes[i].method);
		cJSON_AddStringToObject(b, "path", routes[i].path);
		cJSON_AddNumberToObject(b, "max_body", (double)routes[i].max_body);
		cJSON_AddItemToArray(bodies, b);
	}
	/* the ID types (R4), the one table of idcheck.c: the app's choices and labels, and the lengths its live check keeps */
	cJSON *ids = cJSON_AddArrayToObject(o, "id_types");
	for (size_t i = 0; i < idcheck_types_count; i++) {
		const struct idcheck_type *x = &idcheck_types[i];
		cJSON *t = cJSON_CreateObject();
		char code[2] = {x->code, 0};
		cJSON_AddStringToObject(t, "code", code);
		cJSON_AddStringToObject(t, "name", x->zh);
		cJSON_AddStringToObject(t, "name_en", x->en);
		cJSON_AddNumberToObject(t, "min_length", x->min_len);
		cJSON_AddNumberToObject(t, "max_length", x->max_len);
		cJSON_AddItemToArray(ids, t);
	}
	/* the school types (R1, school.c) and the roles a user account may hold (R3, role.c): the app's choices and labels */
	cJSON *sts = cJSON_AddArrayToObject(o, "school_types");
	for (size_t i = 0; i < school_types_count; i++) {
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "code", school_types[i].code);
		cJSON_AddStringToObject(t, "name", school_types[i].zh);
		cJSON_AddStringToObject(t, "name_en", school_types[i].en);
		cJSON_AddItemToArray(sts, t);
	}
	cJSON *roles = cJSON_AddArrayToObject(o, "user_roles");
	for (unsigned bit = 1; bit & ROLES_ALL; bit <<= 1)
		if (bit & ROLES_HUMAN)
			cJSON_AddItemToArray(roles, cJSON_CreateString(role_name((enum role)bit)));
	/* the app's "today" and its texts of the due date (R24, R8.2): the settings, not copies */
	cJSON *cal = cJSON_AddObjectToObject(o, "calendar");
	cJSON_AddNumberToObject(cal, "tz_offset_minutes", (double)config_int("XJ_TZ_OFFSET_MINUTES"));
	cJSON_AddNumberToObject(cal, "due_working_days", (double)config_int("XJ_DUE_WORKING_DAYS"));
	static const struct { unsigned bit; const char *name; } actors[] = {
		{WR_CLERK, "clerk"}, {WR_LEADER, "leader"}, {WR_COUNTY, "county"}, {WR_ARBITER, "arbiter"}, {WR_SYSTEM, "system"}};
	static const struct { unsigned bit; const char *name; } inputs[] = {
		{WI_CONFIRM, "confirm"}, {WI_REASON, "reason"}, {WI_EVIDENCE, "evidence_ids"}, {WI_OPINION, "opinion"}, {WI_CHANGES, "changes"}};
	cJSON *tr = cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, "workflow"), "transitions");
	for (size_t i = 0; i < wf_rules_count; i++) {
		const struct wf_rule *x = &wf_rules[i];
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "from", wf_state_name(x->from));
		cJSON_AddStringToObject(t, "action", wf_action_name(x->action));
		cJSON_AddStringToObject(t, "to", wf_state_name(x->to));
		cJSON *ac = cJSON_AddArrayToObject(t, "actors"), *in = cJSON_AddArrayToObject(t, "inputs");
		for (size_t k = 0; k < sizeof actors / sizeof *actors; k++)
			if (x->actors & actors[k].bit)
				cJSON_AddItemToArray(ac, cJSON_CreateString(actors[k].name));
		for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++)
			if (x->inputs & inputs[k].bit)
				cJSON_AddItemToArray(in, cJSON_CreateString(inputs[k].name));
		json_add_str(t, "rule", x->rule);
		cJSON_AddItemToArray(tr, t);
	}
	resp_header(w, "Cache-Control", "max-age=300");
	return resp_json(r, w, 200, o);
}

enum xerr api_openapi(struct req *r, struct resp *w)
{
	(void)r;
	if (!openapi_doc)
		return XE_INTERNAL;
	resp_body(w, 200, "application/json; charset=utf-8", openapi_doc, openapi_len);
	return XE_OK;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		rewind(f);
		if (n >= 0 && (buf = xmalloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = 0;
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Merge object `from` into `into` member by member (paths, components.schemas, tags...). */
static void merge(cJSON *into, cJSON *from)
{
	cJSON *it = from->child;
	while (it) {
		cJSON *next = it->next;
		cJSON *have = cJSON_GetObjectItemCaseSensitive(into, it->string);
		if (have && cJSON_IsObject(have) && cJSON_IsObject(it)) {
			merge(have, it);
		} else if (have && cJSON_IsArray(have) && cJSON_IsArray(it)) {
			cJSON *el = it->child;
			while (el) {
				cJSON *n = el->next;
				cJSON_AddItemToArray(have, cJSON_DetachItemViaPointer(it, el));
				el = n;
			}
		} else {
			cJSON_DeleteItemFromObjectCaseSensitive(into, it->string);
			cJSON_AddItemToObject(into, it->string, cJSON_DetachItemViaPointer(from, it));
		}
		it = next;
	}
}

int api_openapi_load(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		log_error("openapi: cannot open %s", dir);
		return -1;
	}
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);
		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0)
			names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	struct arena a;
	arena_init(&a, 1 << 16);
	struct arena *prev = arena_current();
	arena_set_current(&a);
	cJSON *doc = NULL;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char path[1024];
		size_t len = 0;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		char *text = read_file(path, &len);
		cJSON *j = text ? cJSON_ParseWithLength(text, len) : NULL;
		free(text);
		if (!j || !cJSON_IsObject(j)) {
			log_error("openapi: %s is not a JSON object", path);
			rc = -1;
			continue;
		}
		if (!doc)
			doc = j;
		else
			merge(doc, j);
	}
	if (doc) {
		char *s = cJSON_Print(doc);
		openapi_len = strlen(s);
		openapi_doc = xmalloc(openapi_len + 1);
		memcpy(openapi_doc, s, openapi_len + 1);
	} else {
		rc = -1;
	}
	arena_set_current(prev);
	arena_free(&a);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc;
}
