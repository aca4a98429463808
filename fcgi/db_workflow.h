/* db_workflow: SQL of the problem-record workflow (groups, members, history, holidays, idempotency, queues, statistics, feed). Rows and strings are allocated in the caller's arena. */
#ifndef XJ_DB_WORKFLOW_H
#define XJ_DB_WORKFLOW_H
#include <stdint.h>
#include "db.h"
#include "search.h"
#include "http.h"
#include "workflow.h"
#include "workdays.h"

/* A problem group row. */
struct wfdb_group {
	uint64_t id;
	enum wf_type type;
	enum wf_gstate state;
	int scope_level;
	uint32_t arbiter_unit_id;
	uint64_t reopened_from;     /* 0 if none */
	const char *deadline;       /* YYYY-MM-DD or NULL (R24 legacy clearance) */
	const char *arb_due_date;   /* YYYY-MM-DD or NULL */
	const char *arb_since, *created_at, *updated_at, *done_at;
	uint32_t version;
	const char *clash_key;
};

/* A member row with its student's short facts. */
struct wfdb_member {
	uint64_t id, student_id;
	uint32_t school_id;
	const char *province_code, *city_code, *county_code;
	enum wf_state state;
	enum wf_handling handling;
	const char *opinion, *proposed, *reject_reason, *due_date, *step_started_at;
	uint32_t version;
	uint64_t reopened_as;
	const char *name, *gender, *birth_date, *id_type, *id_number, *student_no, *status;
	int ever_approved;
	/* R8.2/R10: the stored ID check and register finding (what an ID-error or ID-changed group is about) */
	const char *id_check, *verify_state, *register_id_number;
	int verify_same_no, verify_same_name;
	/* issue 11 item 8: the facts that decide where a child really studies */
	const char *enrol_date, *grade, *class_name;
	const char *reject_code; /* issue 11 item 10: the code of a system rejection (its text: wf_system_reason_of) */
	/* filled by db_wf_member_units only (group detail) */
	const char *school_code, *school_name, *county_name;
};

/* Group id of member `member_id` (0 if none). No lock. */
enum xerr db_wf_group_of_member(struct db *db, struct arena *a, uint64_t member_id, uint64_t *group_id);
/* Read group `id`; lock != 0 takes its row lock (SELECT ... FOR UPDATE: every state change of a group's
 * members happens under it). *found 0 if none. */
enum xerr db_wf_group_get(struct db *db, struct arena *a, uint64_t id, int lock, struct wfdb_group *g, int *found);
/* Members of group `id` ordered by id, with their students; lock != 0 locks member and student rows. */
enum xerr db_wf_members(struct db *db, struct arena *a, uint64_t group_id, int lock, struct wfdb_member **out, size_t *n);
/* Group `id` and its members in one statement (lock != 0: group row first, then member and student rows).
 * *found 0 if no such group; a group without members has *n == 0. */
enum xerr db_wf_load(struct db *db, struct arena *a, uint64_t group_id, int lock, struct wfdb_group *g,
		     struct wfdb_member **m, size_t *n, int *found);
/* Fill school_code, school_name, county_name of each member (display only). */
enum xerr db_wf_member_units(struct db *db, struct arena *a, struct wfdb_member *m, size_t n);
/* Unit code, name and level of unit `id` (for the arbiter); strings NULL if none. */
enum xerr db_wf_unit(struct db *db, struct arena *a, uint32_t id, const char **code, const char **name, int *level);

/* The new column values of one member event. */
struct wfdb_member_set {
	uint64_t id;
	enum wf_state from, to;
	uint32_t version;           /* expected current version */
	const char *handling;       /* NULL = none */
	const char *opinion, *proposed, *reject_reason;
	const char *reject_code;    /* issue 11 item 10: a system rejection's code (an action name), else NULL */
	const char *due_date;       /* NULL for a final state */
	uint64_t reopened_as;       /* 0 = NULL */
};
/* UPDATE ... WHERE id=? AND state=? AND version=?; *ok 1 if exactly one row changed. */
enum xerr db_wf_member_set(struct db *db, const struct wfdb_member_set *s, int *ok);

/* One history row (R25). actor_user_id 0 = system. evidence_ids: comma-separated or NULL. */
struct wfdb_history {
	uint64_t group_id, member_id, student_id, actor_user_id;
	const char *actor_role, *action, *state_before, *state_after, *reason, *opinion, *evidence_ids;
};
enum xerr db_wf_history_add(struct db *db, const struct wfdb_history *h, uint64_t *id);
/* Link the cited evidence (JSON array text of ids) to history row hid. */
enum xerr db_wf_evidence_link(struct db *db, const char *ids_json, uint64_t history_id, uint64_t group_id, uint64_t member_id);
/* Of the evidence ids (JSON array text), how many exist and belong to school_id. */
enum xerr db_wf_evidence_count(struct db *db, struct arena *a, const char *ids_json, uint32_t school_id, long long *n);

/* Group: new state (or the same), version bump; done sets done_at and frees open_key; arbitration
 * sets arb_since/arb_due_date (arb_due NULL clears them). *ok 1 if the expected version matched. */
enum xerr db_wf_group_set(struct db *db, uint64_t id, uint32_t version, enum wf_gstate to, const char *arb_due, int *ok);
/* Group deadline (R24 legacy clearance); deadline NULL clears. */
enum xerr db_wf_group_deadline(struct db *db, uint64_t id, const char *deadline);

/* Student effects. */
enum xerr db_wf_student_delete(struct db *db, uint64_t student_id);
enum xerr db_wf_student_mark_approved(struct db *db, uint64_t student_id);
enum xerr db_wf_student_problem(struct db *db, uint64_t student_id);
/* R21: formal unless deleted or still a member of another unfinished group. */
enum xerr db_wf_student_formalize(struct db *db, uint64_t student_id, uint64_t done_group_id);
/* Other unfinished groups in which student_id is a member (group ids). */
enum xerr db_wf_other_groups(struct db *db, struct arena *a, uint64_t student_id, uint64_t except_group,
			     uint64_t **ids, size_t *n);

/* R22: create the one-member case for member m of group g (type kept, county scope, arbiter = the
 * member's county, open_key "R22:<member id>"); returns the new group and member ids. */
enum xerr db_wf_reopen_create(struct db *db, const struct wfdb_group *g, const struct wfdb_member *m,
			      const char *due_date, uint64_t *new_group, uint64_t *new_member);

/* Calendar exceptions with from < day <= to, sorted (R24). */
enum xerr db_wf_holidays_range(struct db *db, struct arena *a, wd_day from, wd_day to, struct wd_exception **out, size_t *n);
/* R24: the due date (YYYY-MM-DD, arena) of a step starting today (config_today):
 * XJ_DUE_WORKING_DAYS (default 10) working days ahead, skipping weekends and the holiday table.
 * For every module that puts a member into a pending state (the registry's detection sets group_member.due_date). */
enum xerr db_wf_due_date(struct db *db, struct arena *a, const char **out);
/* All rows of a year: columns day, working, name. */
enum xerr db_wf_holidays_year(struct db *db, struct arena *a, int year, struct db_rows *rows);
enum xerr db_wf_holidays_clear_year(struct db *db, int year);
enum xerr db_wf_holiday_put(struct db *db, const char *day, int working, const char *name, uint64_t user_id);

/* Idempotency (same transaction as the action). claim: insert the key; *taken 1 if it exists already
 * (after the competing transaction ended). get: the stored response (status 0 = none yet). */
enum xerr db_wf_idem_claim(struct db *db, const char *principal, const char *key, const unsigned char sha[32], int *taken);
enum xerr db_wf_idem_get(struct db *db, struct arena *a, const char *principal, const char *key, unsigned char sha[32],
			 int *status, const char **body);
enum xerr db_wf_idem_store(struct db *db, const char *principal, const char *key, int status, const char *body);

/* History of a group in order: id, created_at, actor_user_id, actor_name, actor_role, action, member_id,
 * state_before, state_after, reason, evidence_ids, opinion. */
enum xerr db_wf_history_list(struct db *db, struct arena *a, uint64_t group_id, struct db_rows *rows);

/* Jurisdiction of a caller, for list queries: the unit level and its key (school id or code prefix). */

/* Queues (R26-R28), keyset-paged: after (NULL = first page) is the last row's (overdue flag, step start us, id), the
 * last two columns of every row. Columns of items: member_id, group_id, type, group_state, state, handling,
 * reject_reason, due_date, age_seconds, version, name, gender, birth_date, student_no, school_id, school name, flag, us.
 * Counts: total, overdue, oldest age in seconds, rejected (of the whole queue, whatever the filter).
 * today: YYYY-MM-DD. filter (issue 11 item 7): the items only; enum wf_queue_filter. */
#define WF_QUEUE_KEY_COL 16 /* first of the two key columns of a member queue (the id is column 0) */
enum wf_queue_filter { WQ_ALL = 0, WQ_REJECTED = 1, WQ_OVERDUE = 2 };
/* f (issue 13 item 1): the search and filters of the items (type, school, due_before, the student searched for). */
enum xerr db_wf_queue_school(struct db *db, struct arena *a, uint32_t school_id, int leader, const char *today, int limit,
			     int filter, const struct search *f, const long long *after, struct db_rows *items,
			     struct db_rows *counts);
enum xerr db_wf_queue_county(struct db *db, struct arena *a, const char *county, const char *today, int limit,
			     int filter, const struct search *f, const long long *after, struct db_rows *items,
			     struct db_rows *counts);
/* Arbitration queue: group_id, type, arb_due_date, age_seconds, version, members, approved, flag, us (keyset as above; the id is column 0). */
#define WF_ARB_KEY_COL 7
enum xerr db_wf_queue_arbiter(struct db *db, struct arena *a, uint32_t unit_id, const char *today, int limit,
			      const struct search *f, const long long *after, struct db_rows *items, struct db_rows *counts);

/* Overdue list in scope: kind, group_id, member_id, type, state, due, school_id, county_code, name, student_no,
 * acting unit code, name, level, step age in seconds, escalated (0/1) (issue 11 item 9), then the row's keyset key
 * (WF_OVERDUE_KEYS columns from WF_OVERDUE_KEY_COL: due day number, member id or 0, kind; the group id is column 1).
 * f (issue 13 item 1): type, school, county and the student searched for, on the member that puts a row there.
 * after (NULL = first page): the last row's key as (due day, group id, member id or 0, kind). */
#define WF_OVERDUE_KEY_COL 15
#define WF_OVERDUE_KEYS 4
enum xerr db_wf_overdue(struct db *db, struct arena *a, const struct principal *who, const char *today, int limit,
			const struct search *f, const long long *after, struct db_rows *rows);

/* Issue 11 item 9 (R24): the first day that is not escalated today: a step due before it has waited more than
 * XJ_ESCALATE_WORKING_DAYS (default 5) working days past its due date. YYYY-MM-DD in the arena. */
enum xerr db_wf_escalate_cutoff(struct db *db, struct arena *a, const char **out);
/* Escalated steps of the units directly below unit_id (county_code: the unit's own if it is a county, whose schools
 * are below it; else NULL), most overdue first, keyset-paged by (due, group id, member id or 0): the page after
 * (after_due YYYY-MM-DD, after_group, after_member), or the first with after_due NULL. Columns: kind, group_id,
 * member_id (NULL for an arbitration), type, state, due, unit code, unit name, unit level, step age in seconds,
 * student name. */
enum xerr db_wf_reminders(struct db *db, struct arena *a, uint32_t unit_id, const char *county_code, int limit,
			  const char *after_due, uint64_t after_group, uint64_t after_member, struct db_rows *rows);

/* R29 feed of a province: sequence the committed queue, then read events with seq > cursor.
 * Columns: seq, history_id, created_at, group_id, member_id, student_id, actor_role, action,
 * state_before, state_after, reason, evidence_ids, group_type, group_state, student_no, school_code.
 * db_wf_feed_sequence: *last the province's last sequence number afterwards. */
enum xerr db_wf_feed_sequence(struct db *db, struct arena *a, const char *province, long long *last_seq);
enum xerr db_wf_feed_read(struct db *db, struct arena *a, const char *province, long long cursor, int limit,
			  struct db_rows *rows);

#endif
