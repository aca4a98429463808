/* routes: the one route table {method, path, handler, roles, max_body}. Keep each module's routes together. */
#include "router.h"
#include "api.h"

#define KB 1024u

const struct route routes[] = {
	/* meta (issue 2) */
	{"GET", "/api/v1/health", api_health, ROLES_PUBLIC, 0},
	{"GET", "/api/v1/openapi.json", api_openapi, ROLES_PUBLIC, 0},
	{"GET", "/api/v1/rules", api_rules, ROLES_PUBLIC, 0}, /* limits and the workflow table for the app (issue 10) */

	/* sessions and accounts (issue 3) */
	{"POST", "/api/v1/session", api_session_create, ROLES_PUBLIC, 4 * KB},
	{"GET", "/api/v1/session", api_session_get, ROLES_HUMAN, 0},
	{"DELETE", "/api/v1/session", api_session_delete, ROLES_HUMAN, 0},
	{"PUT", "/api/v1/session/password", api_session_password, ROLES_HUMAN, 4 * KB},
	{"GET", "/api/v1/users", api_users_list, ROLE_ADMIN, 0},
	{"POST", "/api/v1/users", api_users_create, ROLE_ADMIN, 4 * KB},
	{"PATCH", "/api/v1/users/{id}", api_users_update, ROLE_ADMIN, 4 * KB},
	{"POST", "/api/v1/users/{id}/password-reset", api_users_password_reset, ROLE_ADMIN, 1 * KB},
	{"GET", "/api/v1/units", api_units_list, ROLES_ALL, 0},
	{"GET", "/api/v1/credentials", api_credentials_list, ROLE_ADMIN, 0},
	{"POST", "/api/v1/credentials", api_credentials_create, ROLE_ADMIN, 4 * KB},
	{"DELETE", "/api/v1/credentials/{id}", api_credentials_revoke, ROLE_ADMIN, 0},
	{"GET", "/api/v1/security-log", api_security_log, ROLE_ADMIN, 0},

	/* schools as living data (issue 16, R1): the county's bureau and administrators at or above it */
	{"POST", "/api/v1/schools", api_schools_create, ROLE_COUNTY | ROLE_ADMIN, 4 * KB},
	{"POST", "/api/v1/schools/import", api_schools_import, ROLE_COUNTY | ROLE_ADMIN, 4096 * KB},
	{"GET", "/api/v1/schools/{id}", api_school_get, ROLES_HUMAN, 0},
	{"PATCH", "/api/v1/schools/{id}", api_school_update, ROLE_COUNTY | ROLE_ADMIN, 4 * KB},
	{"POST", "/api/v1/schools/{id}/close", api_school_close, ROLE_COUNTY | ROLE_ADMIN, 1 * KB},
	{"POST", "/api/v1/schools/{id}/merge", api_school_merge, ROLE_COUNTY | ROLE_ADMIN, 1 * KB},
	/* re-districting (issue 16 item 2): the province (api_school_move refuses units below it) */
	{"POST", "/api/v1/schools/{id}/move", api_school_move, ROLE_BUREAU | ROLE_ADMIN, 1 * KB},

	/* registry (issue 4) */
	{"GET", "/api/v1/students", api_students_list, ROLES_ALL, 0},
	{"POST", "/api/v1/students", api_students_create, ROLE_SCHOOL_CLERK, 16 * KB},
	{"POST", "/api/v1/students/batch", api_students_batch, ROLE_PROVINCE_API, 64u * 1024 * KB},
	{"GET", "/api/v1/students/{id}", api_student_get, ROLES_ALL, 0},
	{"GET", "/api/v1/imports/template.csv", api_import_template_csv, ROLES_ALL, 0},
	{"GET", "/api/v1/imports/template.xlsx", api_import_template_xlsx, ROLES_ALL, 0},
	{"POST", "/api/v1/imports", api_imports_create, ROLE_SCHOOL_CLERK | ROLE_PROVINCE_API, 64u * 1024 * KB},
	{"GET", "/api/v1/imports/{id}", api_import_get, ROLE_SCHOOL_CLERK | ROLE_PROVINCE_API, 0},
	{"POST", "/api/v1/imports/{id}/commit", api_import_commit, ROLE_SCHOOL_CLERK | ROLE_PROVINCE_API, 1 * KB},
	{"GET", "/api/v1/imports/{id}/failed.csv", api_import_failed, ROLE_SCHOOL_CLERK | ROLE_PROVINCE_API, 0},
	{"POST", "/api/v1/register-results", api_register_results, ROLE_PROVINCE_API, 64u * 1024 * KB},
	{"POST", "/api/v1/registrations/approve", api_registrations_approve, ROLE_COUNTY, 64 * KB},
	{"GET", "/api/v1/groups", api_groups_list, ROLES_ALL, 0},

	/* evidence (issue 6) */
	{"POST", "/api/v1/evidence", api_evidence_upload, ROLE_SCHOOL_CLERK, EVIDENCE_UPLOAD_MAX_BODY},
	{"GET", "/api/v1/evidence/{id}", api_evidence_get, ROLE_SCHOOL_CLERK | ROLE_SCHOOL_LEADER | ROLE_COUNTY | ROLE_BUREAU, 0},
	{"GET", "/api/v1/evidence/{id}/meta", api_evidence_meta, ROLE_SCHOOL_CLERK | ROLE_SCHOOL_LEADER | ROLE_COUNTY | ROLE_BUREAU, 0},

	/* workflow (issue 5) */
	{"GET", "/api/v1/groups/{id}", api_wf_group_get, ROLES_ALL, 0},
	{"POST", "/api/v1/members/{id}/actions", api_wf_member_action,
	 ROLE_SCHOOL_CLERK | ROLE_SCHOOL_LEADER | ROLE_COUNTY | ROLE_BUREAU, 16 * KB},
	{"POST", "/api/v1/groups/{id}/arbitration", api_wf_arbitrate, ROLE_BUREAU, 8 * KB},
	{"PUT", "/api/v1/groups/{id}/deadline", api_wf_group_deadline, ROLE_BUREAU | ROLE_ADMIN, 1 * KB},
	{"GET", "/api/v1/queue", api_wf_queue, ROLES_HUMAN, 0},
	{"GET", "/api/v1/reminders", api_wf_reminders, ROLE_COUNTY | ROLE_BUREAU, 0},
	{"GET", "/api/v1/stats", api_wf_stats, ROLE_COUNTY | ROLE_BUREAU | ROLE_ADMIN | ROLE_PROVINCE_API, 0},
	{"GET", "/api/v1/stats/schools", api_wf_stats_schools, ROLE_COUNTY | ROLE_BUREAU | ROLE_ADMIN | ROLE_PROVINCE_API, 0},
	{"GET", "/api/v1/overdue", api_wf_overdue, ROLE_COUNTY | ROLE_BUREAU | ROLE_ADMIN | ROLE_PROVINCE_API, 0},
	{"GET", "/api/v1/holidays", api_wf_holidays_get, ROLES_ALL, 0},
	{"PUT", "/api/v1/holidays", api_wf_holidays_put, ROLE_ADMIN, 48 * KB},
	{"GET", "/api/v1/feed", api_wf_feed, ROLE_PROVINCE_API | ROLE_BUREAU, 0},

	/* suspected duplicates (issue 17, R31): the county or the common superior (R2) */
	{"GET", "/api/v1/suspects", api_suspects_list, ROLE_COUNTY | ROLE_BUREAU, 0},
	{"POST", "/api/v1/suspects/{id}/decision", api_suspect_decide, ROLE_COUNTY | ROLE_BUREAU, 4 * KB},

	/* the outcome of a write answered 503 outcome_unknown, by its token (issue 12 item 2) */
	{"GET", "/api/v1/outcomes/{token}", api_outcome_get, ROLES_ALL, 0},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
