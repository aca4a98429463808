/* api_session: sign in (POST), who am I (GET), sign out (DELETE) at /api/v1/session. */
#include "api.h"
#include "auth.h"
#include "json.h"

/* {"user":{...},"csrf_token":...}: the caller's identity for the screens. */
static cJSON *principal_json(const struct principal *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *u = cJSON_AddObjectToObject(o, "user");
	cJSON_AddNumberToObject(u, "id", (double)p->user_id);
	cJSON_AddStringToObject(u, "username", p->username);
	cJSON_AddStringToObject(u, "role", auth_role_name(p->role));
	cJSON *unit = cJSON_AddObjectToObject(u, "unit");
	cJSON_AddNumberToObject(unit, "id", p->unit_id);
	cJSON_AddStringToObject(unit, "code", p->unit_code);
	cJSON_AddNumberToObject(unit, "level", p->unit_level);
	json_add_str(o, "csrf_token", p->csrf_token);
	return o;
}

enum xerr api_session_create(struct req *r, struct resp *w)
{
	cJSON *body;
	const char *user, *pass;
	enum xerr e;
	if ((e = req_json(r, w, &body)) || (e = json_str(r, w, body, "username", 1, 1, 64, &user)) ||
	    (e = json_str(r, w, body, "password", 1, 1, 128, &pass)))
		return e;
	struct principal *p = NULL;
	if ((e = auth_login(r, w, user, pass, &p)))
		return e;
	r->who = p;
	return resp_json(r, w, 201, principal_json(p));
}

enum xerr api_session_get(struct req *r, struct resp *w)
{
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, principal_json(r->who));
}

enum xerr api_session_delete(struct req *r, struct resp *w)
{
	enum xerr e = auth_logout(r, w);
	if (e)
		return e;
	resp_body(w, 204, NULL, "", 0);
	return XE_OK;
}
