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

/* accounts, units, credentials (issue 3) */

/* registry: students, imports, register results, groups list (issue 4) */

/* evidence (issue 6) */

/* workflow: group detail, actions, queues, feed, statistics (issue 5) */
enum xerr api_wf_group_get(struct req *r, struct resp *w);      /* GET /api/v1/groups/{id} */
enum xerr api_wf_member_action(struct req *r, struct resp *w);  /* POST /api/v1/members/{id}/actions */
enum xerr api_wf_arbitrate(struct req *r, struct resp *w);      /* POST /api/v1/groups/{id}/arbitration */
enum xerr api_wf_group_deadline(struct req *r, struct resp *w); /* PUT /api/v1/groups/{id}/deadline */
enum xerr api_wf_queue(struct req *r, struct resp *w);          /* GET /api/v1/queue */
enum xerr api_wf_stats(struct req *r, struct resp *w);          /* GET /api/v1/stats */
enum xerr api_wf_overdue(struct req *r, struct resp *w);        /* GET /api/v1/overdue */
enum xerr api_wf_holidays_get(struct req *r, struct resp *w);   /* GET /api/v1/holidays */
enum xerr api_wf_holidays_put(struct req *r, struct resp *w);   /* PUT /api/v1/holidays */
enum xerr api_wf_feed(struct req *r, struct resp *w);           /* GET /api/v1/feed */

#endif
