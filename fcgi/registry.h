/* registry: how records arrive (issue 4): one registration, a provincial batch record (R29), a school file import
 * (dry run, commit, background jobs), a population-register result (R10), a registration approval; each runs the
 * duplicate check (db_reg_detect) in its own transaction. Also the command-line modes --seed-demo and --redetect. */
#ifndef XJ_REGISTRY_H
#define XJ_REGISTRY_H
#include <stdint.h>
#include "http.h"
#include "db_registry.h"
#include "idem.h"
#include "student.h"

/* The caller as the registry sees it (a plain copy: safe to hand to a background thread). */
struct reg_actor {
	uint64_t user_id;        /* app_user.id, api_credential.id, or 0 for the system */
	char role[24];           /* role name for reg_batch and history */
	int is_api;
	uint32_t unit_id;
	int level;               /* the jurisdiction (R1): enum unit_level and the unit's path codes ("" where none) */
	char province[3], city[5], county[7];
	char school_code[11];    /* a school's own user: its school code ("" otherwise): the default of an import's column */
};
/* Fill a from a principal: scope from its unit level and codes. */
void registry_actor(const struct principal *p, struct reg_actor *a);
/* The actor's jurisdiction as the one scope of scope.h (a principal for scope_kind_of/scope_arg/scope_contains):
 * fills and returns p, whose strings point into a (valid while a is). */
const struct principal *registry_scope(const struct reg_actor *a, struct principal *p);
/* 1 if school s lies within the actor's jurisdiction (scope_contains). */
int registry_school_in_scope(const struct reg_actor *a, const struct reg_school *s);
/* 1 if p may act as a provincial system (R29): an API credential; with XJ_TEST_HOOKS=1 also a province or
 * ministry bureau user (test-only path until API credentials exist everywhere; see README). */
int registry_is_province(const struct principal *p);

/* The answer for one record. */
struct reg_outcome {
	const char *status;                       /* "created", "unchanged", "applied", "error" */
	uint64_t student_id;
	char student_no[20];
	size_t nproblems;                         /* open groups the record is in after the call, every one */
	const uint64_t *group_ids;                /* nproblems each (the call's arena) */
	const char *const *group_types;
	const char *const *member_states;
	struct student_issue issues[STUDENT_MAX_ISSUES]; /* warnings (and the errors when status is "error") */
	size_t nissues;
	enum xerr err;                            /* when status is "error" */
	const char *field, *code, *message, *message_zh;
};

/* Register one record for who: validate (student_validate), the school must exist and lie in who's scope,
 * optionally (identity_check) answer "unchanged" when the school already holds a live record with the same
 * identity (R29), insert with an L number (R5), run detection (R7-R9), all in one transaction.
 * idem_scope/idem_key/req (may be NULL): an idempotency key stored with the answer and req's hash (idem.h) in the same
 * transaction; a repeated key returns the stored answer (*replayed JSON, arena) with no second effect when the request is
 * the same (idem_same_hex), else idempotency_key_reused.
 * Returns XE_OK with out->status "error" for a record-level problem (err/field/code/message filled), or the
 * database error. */
enum xerr registry_register(struct db *db, struct arena *a, const struct reg_actor *who, const struct student_in *in,
			    const char *source, int identity_check, const char *idem_scope, const char *idem_key, const struct idem_hash *req,
			    const char **replayed, struct reg_outcome *out);

/* R10: apply a register finding to the record identified by student_id, student_no, or school_code + id_number,
 * within who's scope. result: verified, not_exist, name_mismatch, changed_to (new_number: the current number).
 * status "applied" or "unchanged" (same finding again); record-level problems as in registry_register. */
enum xerr registry_register_result(struct db *db, struct arena *a, const struct reg_actor *who, uint64_t student_id,
				   const char *student_no, const char *school_code, const char *id_number, const char *result,
				   const char *new_number, const char *idem_scope, const char *idem_key, const struct idem_hash *req,
				   const char **replayed, struct reg_outcome *out);

/* R15 after the workflow applied an approved change itself: run the national check (R7-R9) for student_id in
 * the caller's transaction, so new clashes of the new values open or join groups. actor: who approved. */
enum xerr registry_detect_student(struct db *db, struct arena *a, uint64_t student_id, uint64_t actor_id, const char *actor_role);

/* R15 for the workflow: does student_id (its values just changed) still clash on the clash of group group_id, the
 * group on whose behalf the change was approved? Inside the caller's transaction (it holds the group's, member's and
 * student's locks). *still_clashes := 1 if it does; for id_dup/nbg_dup, other members of the group whose state is
 * deleted or changed, and deleted records, do not count; id_error and id_changed are the detection's own tests
 * (ID_ERROR_NOW, ID_CHANGED_NOW in db_registry.c). New clashes elsewhere: registry_detect_student. Returns XE_OK or
 * a db error (XE_RETRY passes up so the transaction re-runs). */
enum xerr registry_redetect(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, int *still_clashes);

/* Outcome JSON of a record: {status, student_id, student_no, problems:[{group_id,type,member_state}], warnings,
 * error}. */
cJSON *registry_outcome_json(const struct reg_outcome *o);
/* The first error of an outcome as the standard error response plus "errors": every field issue. */
enum xerr registry_outcome_error(struct req *r, struct resp *w, const struct reg_outcome *o);

/* ---- imports ---- */
#define REG_IMPORT_MAX_ROWS 1000000
/* Check a file before a job exists: readable (tabfile), a header naming the required columns and no unknown ones,
 * at least one data row. On a problem fills w with 422 (code "invalid", field "file" or the column) and returns
 * XE_VALIDATION; else *rows_total, *format, *encoding are set. */
enum xerr registry_import_check(struct req *r, struct resp *w, const unsigned char *data, size_t len, int declared_xlsx,
				long long *rows_total, const char **format, const char **encoding);
/* Store the file of a job (XJ_DATA_DIR/imports/<id>.bin). 0 on success. */
int registry_import_store(uint64_t job_id, const unsigned char *data, size_t len);
/* Test hooks of an import (XJ_TEST_HOOKS only; zero = off): fail the commit after that many rows; rows per chunk. */
struct reg_import_test {
	long long fail_after, chunk, background; /* background: run the phase as a job whatever the file's size */
	long long retry_once; /* the commit's first attempt ends in a deadlock at its first school look-up */
	long long max_issues; /* row issues kept, below the limit (0: the limit) */
	long long recheck_fail; /* the re-check after the commit fails */
	long long recheck_chunk; /* keys of each kind per read of the re-check after the commit (0: its usual chunk) */
};
/* Run a phase of a job (state already validating or committing) synchronously on db: validate (dry run: every
 * row's issues, predicted created/unchanged), or commit (one transaction for the whole file: nothing is kept when
 * it fails). data/len: the file (NULL to read the stored file). Updates the job row as it goes. t may be NULL. */
enum xerr registry_import_run(struct db *db, uint64_t job_id, int commit, const struct reg_actor *who, const unsigned char *data,
			      size_t len, const struct reg_import_test *t);
/* Run the phase in a background thread of this process (own database connections). 0 if started, -1 if too
 * many jobs run already (XJ_IMPORT_JOBS, default 4). */
int registry_import_spawn(uint64_t job_id, int commit, const struct reg_actor *who, const struct reg_import_test *t);
/* The failed rows of a job as CSV (UTF-8 with BOM): the file's own columns plus 错误信息. XE_CONFLICT when more rows
 * failed than the job kept issues for (the file would be incomplete); XE_NOT_FOUND without the stored file. */
enum xerr registry_import_failed_csv(struct db *db, struct arena *a, uint64_t job_id, const char **csv, size_t *len);
/* The import template: CSV (UTF-8 with BOM, header only) or XLSX (text-formatted ID and school columns,
 * drop-down lists for gender and ID type). Process-lifetime buffers. */
const char *registry_template_csv(size_t *len);
const char *registry_template_xlsx(size_t *len);

/* Command-line modes: "--seed-demo CSV [RESULTS.json]" registers demo records through the import path (with
 * detection) and applies register results; "--redetect" runs a full re-detection and prints its time. argv[0] is
 * the mode. Returns the process exit code. */
int registry_cli(int argc, char **argv);

#endif
