/* api: every HTTP handler, listed once; routes.c maps paths to them. */
#ifndef XJ_API_H
#define XJ_API_H
#include "http.h"
#include "filetype.h"
#include "config.h"

/* api_meta.c */
enum xerr api_health(struct req *r, struct resp *w);
/* issue 12 item 2: whether the write of a request token committed */
enum xerr api_outcome_get(struct req *r, struct resp *w);
enum xerr api_openapi(struct req *r, struct resp *w);
enum xerr api_rules(struct req *r, struct resp *w);

/* schools (issue 16) */
enum xerr api_schools_create(struct req *r, struct resp *w);
enum xerr api_school_get(struct req *r, struct resp *w);
enum xerr api_school_update(struct req *r, struct resp *w);
enum xerr api_school_close(struct req *r, struct resp *w);
enum xerr api_school_merge(struct req *r, struct resp *w);
enum xerr api_school_move(struct req *r, struct resp *w);
/* issue 16 item 1: a school list file (CSV/XLSX), dry run or commit */
enum xerr api_schools_import(struct req *r, struct resp *w);
/* Load and merge the OpenAPI fragments (at startup). 0 on success. */
int api_openapi_load(const char *dir);

/* A file sent as the request body (the imports): 415 unless CSV, XLSX or octet-stream; *xlsx when declared XLSX (by
 * its type or a ?filename= ending in .xlsx); *dry_run from ?dry_run=0|1 (default 0); sha: the body's SHA-256 in hex.
 * api_registry.c */
enum xerr api_file_body(struct req *r, struct resp *w, int *xlsx, long long *dry_run, char sha[65]);

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
/* issue 13 item 1: read a list's search parameters (search_read) and resolve the school filter's code (422 school when
 * there is no such school). */
struct search;
enum xerr api_search_read(struct req *r, struct resp *w, unsigned keys, struct search *f);

/* evidence (issue 6) */
/* EVIDENCE_MAX_FILES_CAP (config.h, beside the setting that may lower it): the route's body cap is sized for it:
 * 10 files x FILETYPE_MAX_BYTES (R23) + 1 MiB of multipart overhead = 22,020,096 bytes; nginx's cap for the route is
 * rendered from the route table (nginx/render.sh), so this is the one place of the limit. */
#define EVIDENCE_UPLOAD_MAX_BODY ((size_t)EVIDENCE_MAX_FILES_CAP * FILETYPE_MAX_BYTES + 1048576u)
/* Files per action (R23 limits): XJ_EVIDENCE_MAX_FILES, 1..EVIDENCE_MAX_FILES_CAP (default the cap); bounds both
 * one upload and the evidence_ids one workflow action cites. */
long evidence_max_files(void);
/* The JSON body nginx answers for an upload over the route's cap (413), with the limits of R23; rendered into the
 * instance's nginx error pages by `xueji --nginx-errors DIR` (nginx/render.sh). malloc-owned (call before json_init). */
char *api_evidence_too_large_body(void);
/* api_evidence.c: POST /api/v1/evidence (multipart, school clerk), GET /api/v1/evidence/{id} (download),
 * GET /api/v1/evidence/{id}/meta (metadata and reuse check). */
enum xerr api_evidence_upload(struct req *r, struct resp *w);
enum xerr api_evidence_get(struct req *r, struct resp *w);
enum xerr api_evidence_meta(struct req *r, struct resp *w);

/* workflow: group detail, actions, queues, feed, statistics (issue 5) */
enum xerr api_wf_group_get(struct req *r, struct resp *w);      /* GET /api/v1/groups/{id} */
enum xerr api_wf_member_action(struct req *r, struct resp *w);  /* POST /api/v1/members/{id}/actions */
enum xerr api_wf_arbitrate(struct req *r, struct resp *w);      /* POST /api/v1/groups/{id}/arbitration */
enum xerr api_wf_group_deadline(struct req *r, struct resp *w); /* PUT /api/v1/groups/{id}/deadline */
enum xerr api_wf_queue(struct req *r, struct resp *w);          /* GET /api/v1/queue */
enum xerr api_wf_reminders(struct req *r, struct resp *w);      /* GET /api/v1/reminders */
enum xerr api_wf_stats(struct req *r, struct resp *w);          /* GET /api/v1/stats */
enum xerr api_wf_stats_schools(struct req *r, struct resp *w);  /* GET /api/v1/stats/schools */
enum xerr api_wf_overdue(struct req *r, struct resp *w);        /* GET /api/v1/overdue */
enum xerr api_wf_holidays_get(struct req *r, struct resp *w);   /* GET /api/v1/holidays */
enum xerr api_wf_holidays_put(struct req *r, struct resp *w);   /* PUT /api/v1/holidays */
enum xerr api_wf_feed(struct req *r, struct resp *w);           /* GET /api/v1/feed */

/* suspected duplicates (issue 17, R31): api_suspect.c */
enum xerr api_suspects_list(struct req *r, struct resp *w);   /* GET /api/v1/suspects */
enum xerr api_suspect_decide(struct req *r, struct resp *w);  /* POST /api/v1/suspects/{id}/decision */

#endif
