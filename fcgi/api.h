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

/* registry: students, imports, register results, groups list (issue 4): api_registry.c */
enum xerr api_students_list(struct req *r, struct resp *w);
enum xerr api_students_create(struct req *r, struct resp *w);
enum xerr api_students_batch(struct req *r, struct resp *w);
enum xerr api_student_get(struct req *r, struct resp *w);
enum xerr api_import_template_csv(struct req *r, struct resp *w);
enum xerr api_import_template_xlsx(struct req *r, struct resp *w);
enum xerr api_imports_create(struct req *r, struct resp *w);
enum xerr api_import_get(struct req *r, struct resp *w);
enum xerr api_import_commit(struct req *r, struct resp *w);
enum xerr api_import_failed(struct req *r, struct resp *w);
enum xerr api_register_results(struct req *r, struct resp *w);
enum xerr api_registrations_approve(struct req *r, struct resp *w);
enum xerr api_groups_list(struct req *r, struct resp *w);

/* evidence (issue 6) */

/* workflow: group detail, actions, queues, feed, statistics (issue 5) */

#endif
