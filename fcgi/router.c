/* router: path matching against the route table and the checks every request passes. */
#include "router.h"
#include "auth.h"
#include "log.h"
#include "config.h"
#include "db.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Match pattern against path; on success store {param} segments in r. */
static int path_match(const char *pat, const char *path, struct req *r)
{
	int np = 0;
	const char *params[REQ_MAX_PATH_PARAMS];
	size_t lens[REQ_MAX_PATH_PARAMS];
	while (*pat && *path) {
		if (*pat == '{') {
			const char *pe = strchr(pat, '}');
			size_t n = strcspn(path, "/");
			if (!pe || n == 0 || np >= REQ_MAX_PATH_PARAMS)
				return 0;
			params[np] = path;
			lens[np++] = n;
			pat = pe + 1;
			path += n;
		} else if (*pat == *path) {
			pat++;
			path++;
		} else {
			return 0;
		}
	}
	if (*pat || *path)
		return 0;
	if (r) {
		r->n_path_params = np;
		for (int i = 0; i < np; i++)
			r->path_params[i] = arena_strndup(r->arena, params[i], lens[i]);
	}
	return 1;
}

enum xerr router_match(struct req *r, struct resp *w)
{
	char allow[128] = "";
	int path_found = 0;
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		if (!path_match(rt->path, r->path, NULL))
			continue;
		path_found = 1;
		if (strcmp(rt->method, method) == 0) {
			path_match(rt->path, r->path, r);
			r->route = rt;
			return XE_OK;
		}
		if (!strstr(allow, rt->method) && strlen(allow) + strlen(rt->method) + 3 < sizeof allow) {
			if (*allow)
				strcat(allow, ", ");
			strcat(allow, rt->method);
			if (strcmp(rt->method, "GET") == 0)
				strcat(allow, ", HEAD");
		}
	}
	if (!path_found)
		return resp_error(r, w, XE_NO_ROUTE, NULL, NULL);
	resp_error(r, w, XE_METHOD, NULL, arena_printf(r->arena, "Allowed methods: %s.", allow));
	resp_header(w, "Allow", arena_strdup(r->arena, allow));
	return XE_METHOD;
}

static int is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

void router_run(struct req *r, struct resp *w)
{
	const struct route *rt = r->route;
	enum xerr e = XE_OK;
	db_request_begin(r->db); /* issue 15: on a Galera cluster, the request sees every commit made before it */
	if (rt->roles != ROLES_PUBLIC || auth_wanted(r)) {
		e = auth_authenticate(r, w);
		if (e != XE_OK)
			goto done;
	}
	if (rt->roles != ROLES_PUBLIC) {
		if (!r->who) {
			e = auth_unauthenticated(r, w);
			goto done;
		}
		if (!(rt->roles & r->who->role)) {
			auth_log_denied(r, "role");
			e = resp_error(r, w, XE_FORBIDDEN, NULL, NULL);
			goto done;
		}
	}
	/* issue 16 item 5 (R29): the ministry's credential (national systems) reads only, across the country */
	if (r->who && r->who->is_api && r->who->unit_level == LEVEL_MINISTRY && !is_safe_method(r->method)) {
		auth_log_denied(r, "read_only");
		e = resp_error(r, w, XE_FORBIDDEN, NULL, "The ministry's credential reads only.");
		goto done;
	}
	if (r->who && !r->who->is_api && !is_safe_method(r->method)) {
		e = auth_check_csrf(r, w);
		if (e != XE_OK)
			goto done;
	}
	/* test hook (XJ_TEST_HOOKS=1 only): lose the database connection at this request's COMMIT (issue 12 item 2) */
	const char *fault = req_param(r, "HTTP_X_TEST_COMMIT_FAULT");
	if (fault && config_int("XJ_TEST_HOOKS") == 1)
		db_test_commit_fault(r->db, atoi(fault), strchr(fault, ':') ? atoi(strchr(fault, ':') + 1) : 0); /* "MODE[:SKIP]" */
	/* test hook (XJ_TEST_HOOKS=1 only, issue 13 item 1): EXPLAIN (or, asked "analyze", ANALYZE) every SELECT of this
	 * request into X-Explain */
	const char *explain = req_param(r, "HTTP_X_TEST_EXPLAIN");
	if (explain && config_int("XJ_TEST_HOOKS") == 1)
		db_explain_begin(r->db, strcmp(explain, "analyze") == 0);
	else
		explain = NULL;
	e = rt->handler(r, w);
	if (fault)
		db_test_commit_fault(r->db, 0, 0);
	if (explain)
		resp_header(w, "X-Explain", db_explain_take(r->db, r->arena));
done:
	if (e != XE_OK && w->status == 0)
		resp_error(r, w, e, NULL, NULL);
	if (w->status == 0)
		resp_error(r, w, XE_INTERNAL, NULL, NULL);
}

void router_print(void)
{
	char rs[128];
	for (size_t i = 0; i < routes_count; i++) {
		role_list(routes[i].roles, rs, sizeof rs);
		char mb[32];
		snprintf(mb, sizeof mb, "%lu", (unsigned long)routes[i].max_body);
		printf("%s %s %s %s\n", routes[i].method, routes[i].path, rs, mb);
	}
}
