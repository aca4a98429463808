/* api: every HTTP handler, listed once; routes.c maps paths to them. */
#ifndef XJ_API_H
#define XJ_API_H
#include "http.h"

/* api_meta.c */
enum xerr api_health(struct req *r, struct resp *w);
enum xerr api_openapi(struct req *r, struct resp *w);
/* Load and merge the OpenAPI fragments (at startup). 0 on success. */
int api_openapi_load(const char *dir);

/* api_session.c */
enum xerr api_session_create(struct req *r, struct resp *w);
enum xerr api_session_get(struct req *r, struct resp *w);
enum xerr api_session_delete(struct req *r, struct resp *w);
enum xerr api_session_password(struct req *r, struct resp *w);

/* accounts, units, credentials (issue 3): api_auth.c */
enum xerr api_users_list(struct req *r, struct resp *w);
enum xerr api_users_create(struct req *r, struct resp *w);
enum xerr api_users_update(struct req *r, struct resp *w);
enum xerr api_users_password_reset(struct req *r, struct resp *w);
enum xerr api_units_list(struct req *r, struct resp *w);
enum xerr api_credentials_list(struct req *r, struct resp *w);
enum xerr api_credentials_create(struct req *r, struct resp *w);
enum xerr api_credentials_revoke(struct req *r, struct resp *w);
enum xerr api_security_log(struct req *r, struct resp *w);

/* registry: students, imports, register results, groups list (issue 4) */

/* evidence (issue 6) */

/* workflow: group detail, actions, queues, feed, statistics (issue 5) */

#endif
