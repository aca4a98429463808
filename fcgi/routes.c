/* routes: the one route table {method, path, handler, roles, max_body}. Keep each module's routes together. */
#include "router.h"
#include "api.h"

#define KB 1024u

const struct route routes[] = {
	/* meta (issue 2) */
	{"GET", "/api/v1/health", api_health, ROLES_PUBLIC, 0},
	{"GET", "/api/v1/openapi.json", api_openapi, ROLES_PUBLIC, 0},

	/* sessions and accounts (issue 3) */
	{"POST", "/api/v1/session", api_session_create, ROLES_PUBLIC, 4 * KB},
	{"GET", "/api/v1/session", api_session_get, ROLES_HUMAN, 0},
	{"DELETE", "/api/v1/session", api_session_delete, ROLES_HUMAN, 0},

	/* registry (issue 4); ROLE_BUREAU on the provincial routes only serves the XJ_TEST_HOOKS stand-in (registry_is_province) */
	{"GET", "/api/v1/students", api_students_list, ROLES_ALL, 0},
	{"POST", "/api/v1/students", api_students_create, ROLE_SCHOOL_CLERK, 16 * KB},
	{"POST", "/api/v1/students/batch", api_students_batch, ROLE_PROVINCE_API | ROLE_BUREAU, 64u * 1024 * KB},
	{"GET", "/api/v1/students/{id}", api_student_get, ROLES_ALL, 0},
	{"GET", "/api/v1/imports/template.csv", api_import_template_csv, ROLES_ALL, 0},
	{"GET", "/api/v1/imports/template.xlsx", api_import_template_xlsx, ROLES_ALL, 0},
	{"POST", "/api/v1/imports", api_imports_create, ROLE_SCHOOL_CLERK | ROLE_PROVINCE_API | ROLE_BUREAU, 64u * 1024 * KB},
	{"GET", "/api/v1/imports/{id}", api_import_get, ROLE_SCHOOL_CLERK | ROLE_PROVINCE_API | ROLE_BUREAU, 0},
	{"POST", "/api/v1/imports/{id}/commit", api_import_commit, ROLE_SCHOOL_CLERK | ROLE_PROVINCE_API | ROLE_BUREAU, 1 * KB},
	{"GET", "/api/v1/imports/{id}/failed.csv", api_import_failed, ROLE_SCHOOL_CLERK | ROLE_PROVINCE_API | ROLE_BUREAU, 0},
	{"POST", "/api/v1/register-results", api_register_results, ROLE_PROVINCE_API | ROLE_BUREAU, 64u * 1024 * KB},
	{"POST", "/api/v1/registrations/approve", api_registrations_approve, ROLE_COUNTY, 64 * KB},
	{"GET", "/api/v1/groups", api_groups_list, ROLES_ALL, 0},

	/* evidence (issue 6) */

	/* workflow (issue 5) */
};

const size_t routes_count = sizeof routes / sizeof routes[0];
