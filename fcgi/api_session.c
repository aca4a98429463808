/* api_session: sign in (POST), who am I (GET), sign out (DELETE) at /api/v1/session; PUT /api/v1/session/password. */
#include "api.h"
#include "auth.h"
#include "authpolicy.h"
#include "db_auth.h"
#include "json.h"

/* {"user":{...},"csrf_token":...,"must_change_password":...}: the caller's identity for the screens. */
static cJSON *principal_json(struct req *r, const struct principal *p, int must_change)
{
	const char *display_name = NULL, *unit_name = NULL;
	int mc = must_change;
	db_auth_me(r->db, r->arena, p->user_id, &display_name, &mc, &unit_name); /* best effort: names for the screens */
	cJSON *o = cJSON_CreateObject();
	cJSON *u = cJSON_AddObjectToObject(o, "user");
	cJSON_AddNumberToObject(u, "id", (double)p->user_id);
	cJSON_AddStringToObject(u, "username", p->username);
	json_add_str(u, "display_name", display_name);
	cJSON_AddStringToObject(u, "role", role_name(p->role));
	cJSON *unit = cJSON_AddObjectToObject(u, "unit");
	cJSON_AddNumberToObject(unit, "id", p->unit_id);
	cJSON_AddStringToObject(unit, "code", p->unit_code);
	cJSON_AddNumberToObject(unit, "level", p->unit_level);
	json_add_str(unit, "name", unit_name);
	json_add_str(o, "csrf_token", p->csrf_token);
	cJSON_AddBoolToObject(o, "must_change_password", mc != 0);
	/* issue 11 item 11: the app warns two minutes before the session ends for want of activity */
	cJSON_AddNumberToObject(o, "idle_timeout_seconds", POLICY_SESSION_IDLE_SECONDS);
	return o;
}

enum xerr api_session_create(struct req *r, struct resp *w)
{
	cJSON *body;
	const char *user, *pass;
	enum xerr e;
	if ((e = req_json(r, w, &body)) || (e = json_str(r, w, body, "username", 1, 1, POLICY_USERNAME_MAX, &user)) ||
	    (e = json_str(r, w, body, "password", 1, 1, 128, &pass)))
		return e;
	struct principal *p = NULL;
	int must_change = 0;
	if ((e = auth_login(r, w, user, pass, &p, &must_change)))
		return e;
	r->who = p;
	return resp_json(r, w, 201, principal_json(r, p, must_change));
}

enum xerr api_session_get(struct req *r, struct resp *w)
{
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, principal_json(r, r->who, 0));
}

enum xerr api_session_delete(struct req *r, struct resp *w)
{
	enum xerr e = auth_logout(r, w);
	if (e)
		return e;
	resp_body(w, 204, NULL, "", 0);
	return XE_OK;
}

enum xerr api_session_password(struct req *r, struct resp *w)
{
	cJSON *body;
	const char *old_pw, *new_pw;
	enum xerr e;
	if ((e = req_json(r, w, &body)) || (e = json_str(r, w, body, "old_password", 1, 1, 128, &old_pw)) ||
	    (e = json_str(r, w, body, "new_password", 1, 1, 1024, &new_pw)))
		return e;
	if ((e = auth_change_password(r, w, old_pw, new_pw)))
		return e;
	resp_body(w, 204, NULL, "", 0);
	return XE_OK;
}
