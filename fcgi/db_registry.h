/* db_registry: SQL of the registry (issue 4): student records (R4-R6), the national duplicate check as set-based
 * SQL (R7-R9) run inside the caller's transaction, register results (R10), import jobs, idempotency keys (R29),
 * and the scoped lists (R1-R3). Strings returned are allocated in the caller's arena. */
#ifndef XJ_DB_REGISTRY_H
#define XJ_DB_REGISTRY_H
#include <stdint.h>
#include "db.h"
#include "search.h"
#include "student.h"
#include "workflow.h"
#include "http.h"

/* The caller's jurisdiction (R1-R3) is the one scope of scope.h: a struct principal, bound by scope_arg. */

/* R2 in SQL, the one place (dedup_common_superior in C; tests/api compare them): the common superior's code and the
 * widest level spanned, from SQL conditions "several provinces" NP, "several cities" NC, "several counties" NK and
 * the path P, C, K of any one member. A city part of 90 (省/自治区直辖县级行政区划, GB/T 2260) is a statistical
 * placeholder that no bureau staffs: the province decides (issue 16 item 4). */
#define DB_R2_CITY_DECIDES(C) "SUBSTRING(" C ",3,2)<>'90'"
#define DB_R2_CODE(NP, NC, NK, P, C, K)                                                                              \
	"CASE WHEN " NP " THEN '000000' WHEN " NC " THEN CONCAT(" P ",'0000') WHEN " NK " AND " DB_R2_CITY_DECIDES(C) \
	" THEN CONCAT(" C ",'00') WHEN " NK " THEN CONCAT(" P ",'0000') ELSE " K " END"
#define DB_R2_LEVEL(NP, NC, NK, C) \
	"CASE WHEN " NP " THEN 0 WHEN " NC " THEN 1 WHEN " NK " AND " DB_R2_CITY_DECIDES(C) " THEN 2 WHEN " NK " THEN 1 ELSE 3 END"
/* An UPDATE setting scope_level and arbiter_unit_id of every group whose members (alias m) MEMBERS selects
 * ("<tables> WHERE ..."); a caller may append " WHERE <condition on g>". */
/* (the groups are probed by their primary key whatever the statistics say, and the arbiter by a subquery on
 * uk_unit_code: with a table grown since its statistics the join plan scanned every group for each group, issue 14) */
#define DB_R2_GROUPS(MEMBERS)                                                                                          \
	"UPDATE (SELECT x.gid, " DB_R2_LEVEL("x.np>1", "x.nc>1", "x.nk>1", "x.c") " lvl, CAST("                          \
	DB_R2_CODE("x.np>1", "x.nc>1", "x.nk>1", "x.p", "x.c", "x.k") " AS CHAR(6) CHARACTER SET utf8mb4) COLLATE utf8mb4_bin code" \
	" FROM (SELECT m.group_id gid, COUNT(DISTINCT m.province_code) np, COUNT(DISTINCT m.city_code) nc,"           \
	" COUNT(DISTINCT m.county_code) nk, MIN(m.province_code) p, MIN(m.city_code) c, MIN(m.county_code) k FROM " MEMBERS \
	" GROUP BY m.group_id) x) z STRAIGHT_JOIN problem_group g FORCE INDEX (PRIMARY) ON g.id=z.gid"                  \
	" SET g.scope_level=z.lvl, g.arbiter_unit_id=" DB_R2_ARBITER
#define DB_R2_ARBITER "COALESCE((SELECT u.id FROM unit u WHERE u.code=z.code), g.arbiter_unit_id)"
/* A condition to append: only the groups whose level or arbiter changes are written (an update trigger fires for every
 * row an UPDATE matches, issue 14). */
#define DB_R2_CHANGES " NOT (g.scope_level<=>z.lvl AND g.arbiter_unit_id<=>" DB_R2_ARBITER ")"

/* A school unit (level 4). */
struct reg_school {
	uint32_t id;
	char code[11], province[3], city[5], county[7];
	const char *name;
};

/* Start a unit of work (inside a transaction): a reg_batch row whose id marks the records it writes. */
enum xerr db_reg_batch_new(struct db *db, const char *kind, uint64_t actor_id, const char *actor_role, uint64_t *batch);

/* School by its 10-digit code; *found 0 when there is none (whatever the caller's scope: the caller checks). */
enum xerr db_reg_school(struct db *db, struct arena *a, const char *code, struct reg_school *s, int *found);
/* The schools of codes[0..n) that can take records, in one statement: found(ctx, s) for each (s is the callee's: copy
 * what is kept; its name is in a); a code not reported is no such school. */
enum xerr db_reg_schools(struct db *db, struct arena *a, const char *const *codes, size_t n,
			 void (*found)(void *ctx, const struct reg_school *s), void *ctx);
/* Inside a transaction that adds records to school id: *open 1 when the school is open, read under a shared lock so
 * that a close in flight (which writes the row) is waited for on this node; through another node the close and the new
 * records conflict at certification (the records' foreign key to the school row). A closed school takes no record. */
enum xerr db_reg_school_open(struct db *db, struct arena *a, uint32_t id, int *open);
/* The same for the distinct school ids[0..n) (sorted in place) in one statement: *closed is the first that is not open
 * (0 when all are). */
enum xerr db_reg_schools_open(struct db *db, struct arena *a, uint32_t *ids, size_t n, uint32_t *closed);
/* 1 if school s lies within scope sc. Pure helper. */

/* A record to insert, with its school and provenance. */
struct reg_new {
	const struct student_rec *rec;
	const struct reg_school *school;
	uint64_t import_job_id;   /* 0 if none */
	uint32_t import_row;      /* 0 if none */
	char student_no[20];      /* filled by db_reg_insert */
};
/* The student counters (R30) of records a transaction bulk-loaded, not written yet: rows per school and status. Owned by
 * the caller, zeroed to start; db_reg_counts_flush writes them (before the commit) and empties the set. */
struct reg_count {
	uint32_t school_id;
	const char *status; /* a string literal */
	long long n;
};
struct reg_counts {
	struct reg_count *v;
	size_t n, cap;
};
enum xerr db_reg_counts_flush(struct db *db, struct reg_counts *c);
void db_reg_counts_clear(struct reg_counts *c); /* forgets them (a rolled-back attempt) */
void db_reg_counts_free(struct reg_counts *c);

/* Insert n new records (status pending, R6) with fresh L numbers (R5: unique; counter per prefix, UNIQUE key
 * as the backstop), all marked with batch. source: clerk, import, province. Inside a transaction. When n == 1,
 * *first_id receives the new id (may be NULL). XE_CONFLICT when a county/birth-date prefix has no free number.
 * counts: when not NULL, the counters of rows that are bulk-loaded are added to it instead of written (the caller
 * flushes it before its commit: one write per school for a whole file, issue 14); NULL: written at once.
 * probe: the numbers are first checked against the ones in use (a number some other means stored raises its counter,
 * R5); 0 only for a caller that rolls back its whole transaction and runs it again, probing, on XE_DUPLICATE (a
 * taken number then fails the bulk load and nothing of the transaction stays: issue 14, the import's probe was 3.7 s
 * of 1M rows). */
enum xerr db_reg_insert(struct db *db, struct arena *a, struct reg_new *rows, size_t n, const char *source, uint64_t created_by,
			uint64_t batch, uint64_t *first_id, struct reg_counts *counts, int probe);

/* Initial load (issue 14 item 3): which of n student numbers are in use already (rows of one column, arena). */
enum xerr db_reg_numbers_taken(struct db *db, struct arena *a, const char *const *nos, size_t n, struct db_rows *taken);
/* Store n records with the numbers they bring (rows[i].student_no; source "load", status formal) in one bulk load marked
 * with batch, and raise each L prefix's counter to the highest number stored (R5: later registrations continue after
 * them). XE_DUPLICATE when a number is in use (nothing of the batch stays). Inside a transaction. */
enum xerr db_reg_load_numbered(struct db *db, struct reg_new *rows, size_t n, uint64_t batch, struct reg_counts *counts);

/* A fresh L number (R5) for a record of county born on birth (YYYY-MM-DD) from the prefix's counter, e.g. when an approved
 * change corrects the date of birth (R15). resync: first raise the counter to the numbers in use (after a duplicate). */
enum xerr db_reg_new_number(struct db *db, struct arena *a, const char *county, const char *birth, int resync, char out[20]);

/* A live record found by identity (R29), with the fields the same-record decision compares (registry.c's
 * registry_match; issue 12 item 1). Strings are in the arena; enrol "" when none. */
struct reg_stored {
	uint64_t id;
	uint32_t school_id;
	char id_type, gender;
	const char *id_number, *student_no, *name, *birth, *grade, *class_name, *enrol, *guardian, *phone;
};
/* Live records of a school with rec's identity key (same ID type and number; without a number, the same
 * name + gender + birth date), oldest first: *n of them in *out (arena). locking: read with a shared
 * lock (inside a transaction that will insert). */
enum xerr db_reg_identity(struct db *db, struct arena *a, uint32_t school_id, const struct student_rec *rec, int locking,
			  size_t *n, struct reg_stored **out);
/* Live records with any of up to n ID numbers (any n: queried in slices), oldest first: cb(ctx, record) for each.
 * locking as above. */
enum xerr db_reg_identity_many(struct db *db, struct arena *a, const char *const *numbers, size_t n, int locking,
			       void (*cb)(void *ctx, const struct reg_stored *s), void *ctx);

/* Live records per name + gender + birth date (R7) for n distinct keys (any n, each once): cb(ctx, name, gender, birth, count,
 * non-resident count) for each key found. locking: shared locks (and gap locks where none is found), so that a
 * concurrent registration of the same key waits for the caller's commit. */
struct reg_nbg {
	const char *name;
	char gender;
	const char *birth;
};
enum xerr db_reg_nbg_many(struct db *db, struct arena *a, const struct reg_nbg *keys, size_t n, int locking,
			  void (*cb)(void *ctx, const char *name, char gender, const char *birth, int count, int nonres), void *ctx);

/* Candidate clash keys given by the caller for a run (DETECT_KEYS_GIVEN): type "id_dup" (k = the number) or
 * "nbg_dup" (k = dedup_nbg_key, with name/gender/birth). */
struct reg_key {
	const char *type, *k, *name;
	char gender;
	const char *birth;
};
enum xerr db_reg_detect_keys_put(struct db *db, uint64_t batch, const struct reg_key *keys, size_t n);
/* ID-error keys of the records with these student numbers, when they have an ID error now (R8.2). */
enum xerr db_reg_detect_keys_err(struct db *db, uint64_t batch, const char *const *student_nos, size_t n);

/* Detection flags. */
#define DETECT_FRESH 1u      /* the batch holds only records inserted in it, and is detected once: skip what new records
			      * cannot have, count the members it adds set-based (sql/408) */
#define DETECT_SWEEP 2u      /* with DETECT_KEYS_GIVEN: a slice of a full re-detection (db_reg_sweep_slice): every
			      * key evaluated in full, scope recomputed, G numbers left to db_reg_sweep_gnumbers */
#define DETECT_KEYS_GIVEN 4u /* with DETECT_FRESH: the caller stored every candidate key (db_reg_detect_keys_*) after
			      * locking lookups made before its inserts; detection only evaluates them */

/* Statistics of a detection run. */
struct reg_detect_stats {
	unsigned groups_opened, members_added, members_closed, members_reopened, groups_done;
};
/* Run the national duplicate check (R7-R9) for every record marked with batch (touch_batch), in the caller's
 * transaction: keys of the marked records and of the open groups they belong to are re-evaluated; a clash
 * without an open group opens one (UNIQUE(type, open_key) makes concurrent runs join the same group); live
 * matching records join it ('open', or 'unconfirmed' for ID changed, R11); active members that no longer
 * clash are closed by the system, and a group whose clash is gone is done; scope_level and arbiter_unit_id
 * follow the members' counties (R2); student status follows membership (problem, else pending/formal);
 * a verified resident record in no open group gets its G number (R5). Every change is a history event (R25)
 * by the system. Idempotent: running it again changes nothing. Clashes cleared earlier (members approved or
 * upheld in a done group of the same key) do not re-open unless another record joins the clash. */
enum xerr db_reg_detect(struct db *db, struct arena *a, uint64_t batch, unsigned flags, struct reg_detect_stats *st);

/* The state changes detection's SQL makes, built at start-up from the workflow table's system rows (for the
 * tests: each must be a row of the table). group 0: member states IN from_in move to to_expr ("CASE d.type WHEN
 * '<type>' THEN '<state>' ... END"); group 1: group states IN from_in move to to_expr ("'<gstate>'").
 * update_sql and history_sql are the statements themselves. Static strings. */
struct reg_detect_transition {
	enum wf_action action;
	int group;
	const char *update_sql, *history_sql, *from_in, *to_expr;
};
size_t db_reg_detect_transitions(const struct reg_detect_transition **out);
/* The statement that adds members (its state is wf_entry_state's CASE over d.type), for the tests. */
const char *db_reg_detect_entry_sql(void);

/* Mark records as touched by batch (for a change or result applied by another module, before db_reg_detect). */
enum xerr db_reg_touch(struct db *db, const uint64_t *student_ids, size_t n, uint64_t batch);

/* The re-check of an import after its commit (issue 14 item 4), read without locks: of the ID numbers (numbers[0..nn))
 * and name+gender+birth keys (nbgs[0..ng)) the file's records brought, those that another record shares now and whose
 * live records are not all members of the key's open group already (what the import's own detection left), as key rows
 * for db_reg_sweep_slice (a clash with a record another province's import or a registration committed meanwhile,
 * unseen by the import's reads at READ COMMITTED, opens or joins its group there). */
enum xerr db_reg_recheck_keys(struct db *db, struct arena *a, const char *const *numbers, size_t nn, const struct reg_nbg *nbgs,
			      size_t ng, struct db_rows *keys);

/* Full re-detection in slices (issue 14 item 2; `xueji --redetect`): no transaction holds locks for long.
 * db_reg_sweep_sources: how many candidate-key sources there are (and their names, for progress). db_reg_sweep_keys:
 * the candidate keys of one source, read without locks outside any transaction (columns type, k, sid, name, gender,
 * birth): numbers and name keys two records share (the bare scan of the covering index), ID errors and changes, every
 * open group's key. db_reg_sweep_slice: keys[from, to) evaluated like db_reg_detect evaluates a batch's keys (open,
 * join, re-open, close, done, scope, status), inside the caller's transaction. db_reg_sweep_gcands / _gnumbers: the
 * verified records still on an L number (without locks), then G numbers (R5) for ids[from, to) in the caller's
 * transaction (*n set). */
size_t db_reg_sweep_sources(const char *const **names);
enum xerr db_reg_sweep_keys(struct db *db, struct arena *a, size_t source, struct db_rows *keys);
enum xerr db_reg_sweep_slice(struct db *db, struct arena *a, const struct db_rows *keys, size_t from, size_t to,
			     struct reg_detect_stats *st);
/* db_reg_sweep_settled: settled[i] = 1 when keys[from + i] needs no slice:
 * its open group holds exactly its live records, as the last evaluation left them (read without locks). */
enum xerr db_reg_sweep_settled(struct db *db, struct arena *a, const struct db_rows *keys, size_t from, size_t to,
			       unsigned char *settled);
enum xerr db_reg_sweep_gcands(struct db *db, struct arena *a, struct db_rows *ids);
enum xerr db_reg_sweep_gnumbers(struct db *db, const struct db_rows *ids, size_t from, size_t to, unsigned long long *n);

/* Open groups a student belongs to: arrays of n group ids and types (arena). */
enum xerr db_reg_student_groups(struct db *db, struct arena *a, uint64_t student_id, size_t *n, uint64_t **gids,
				const char ***types, const char ***member_states);

/* One student as JSON fields in rows: see db_registry.c (STUDENT_COLS) for the column order. */
#define REG_STUDENT_NCOLS 25
enum xerr db_reg_student_get(struct db *db, struct arena *a, uint64_t id, const struct principal *who, struct db_rows *rows);
/* Students in scope with the search and filters of f (issue 13 item 1; f->school_id resolved): newest first, ids
 * below `after` (0 = the first page); a name search (*by_name = 1) by name then id, after (after_name, after). No
 * total: R30 forbids a COUNT over a jurisdiction. */
enum xerr db_reg_student_list(struct db *db, struct arena *a, const struct principal *who, const struct search *f,
			      long long limit, long long after, const char *after_name, struct db_rows *rows, int *by_name);
/* The unit id of school `code` (open or closed), 0 if there is none. */
enum xerr db_reg_school_id(struct db *db, struct arena *a, const char *code, uint32_t *id);

/* Groups visible to scope (any member within it) with f's filters (a member within the scope passing the member
 * filters and the student search; group type and state), newest first, ids below `after`. today: YYYY-MM-DD.
 * No member count: db_reg_group_members returns every member of the groups asked for. */
#define REG_GROUP_NCOLS 9
enum xerr db_reg_group_list(struct db *db, struct arena *a, const struct principal *who, const struct search *f,
			    const char *today, long long limit, long long after, struct db_rows *rows);
/* Members' short facts of up to 100 groups (the last three columns: school path for the scope check). */
#define REG_MEMBER_NCOLS 18
enum xerr db_reg_group_members(struct db *db, struct arena *a, const uint64_t *gids, size_t n, struct db_rows *rows);

/* R10: register finding for a student. result: verified, not_exist, name_mismatch, changed (new_id = the
 * register's current number), about the record's current number and name. Marks the student with batch (the
 * caller then runs db_reg_detect); *changed 0 when the same finding was already recorded (nothing written). */
enum xerr db_reg_set_verify(struct db *db, uint64_t student_id, const char *result, const char *new_id, uint64_t batch,
			    int *changed);
/* The student number of a record (NULL if none). */
enum xerr db_reg_student_no(struct db *db, struct arena *a, uint64_t id, const char **no);
/* Find a student for a register result within scope: by id, by student number, or by school code + ID number.
 * *found 0 when none, UINT64_MAX when school code + ID number name two live records (ambiguous); fills the record's
 * id_type, id_number, status into the arena strings. */
enum xerr db_reg_find_student(struct db *db, struct arena *a, const struct principal *who, uint64_t id, const char *student_no,
			      const char *school_code, const char *id_number, uint64_t *found, const char **id_type,
			      const char **id_number_out, const char **status);

/* Registration approval by the county bureau: a pending record of that county in no open group becomes formal
 * (ever_approved=1), with a history event. *outcome: "approved", "not_found", "in_problem_group",
 * "already_formal", "deleted". */
enum xerr db_reg_approve(struct db *db, struct arena *a, uint64_t student_id, const char *county_code, uint64_t user_id,
			 const char *role, const char **outcome);

/* Idempotency keys (R29): look up (scope, key): *found, the stored request hash and result JSON. */
enum xerr db_reg_idem_get(struct db *db, struct arena *a, const char *scope, const char *key, int *found, const char **req_sha,
			  const char **result);
enum xerr db_reg_idem_put(struct db *db, const char *scope, const char *key, const char *req_sha, uint64_t student_id,
			  const char *result);

/* ---- import jobs ---- */
struct reg_job {
	uint64_t id, user_id, duplicate_of;
	int is_api, dry_run;
	uint32_t unit_id;
	const char *sha256, *format, *encoding, *state, *error_code, *error_message, *created_at, *updated_at, *finished_at;
	long long file_size, rows_total, rows_valid, rows_error, rows_done, rows_created, rows_unchanged, groups_touched;
	long long groups_opened, members_added; /* what the commit's detection did (groups_touched: their sum) */
	int stale;                /* a background phase stopped sending heartbeats */
	const char *file_purged_at; /* when housekeeping removed the stored file and row issues, or NULL */
};
enum xerr db_reg_job_create(struct db *db, uint64_t user_id, int is_api, uint32_t unit_id, const char *sha256, long long size,
			    const char *format, const char *encoding, int dry_run, const char *state, long long rows_total,
			    uint64_t *id);
/* Job by id; *found 0 when none. */
enum xerr db_reg_job_get(struct db *db, struct arena *a, uint64_t id, struct reg_job *j, int *found);
/* Compare-and-set of the state (affected rows checked): XE_CONFLICT if the job is not in state `from`. */
enum xerr db_reg_job_state(struct db *db, uint64_t id, const char *from, const char *to);
/* Heartbeat and progress (autocommit connection). */
enum xerr db_reg_job_progress(struct db *db, uint64_t id, long long rows_done);
/* Final figures of a phase; state to (validated, done, failed), error fields may be NULL. */
enum xerr db_reg_job_finish(struct db *db, uint64_t id, const char *state, long long rows_valid, long long rows_error,
			    long long rows_done, long long created, long long unchanged, long long groups, uint64_t duplicate_of,
			    const char *error_code, const char *error_message);
/* What a commit's detection did: problem groups opened, records put into groups (issue 11: the summary counts them). */
enum xerr db_reg_job_detected(struct db *db, uint64_t id, long long groups_opened, long long members_added);
/* A job whose phase stopped (no heartbeat for stale_s seconds): done (interrupted_after_commit) when its commit's file
 * claim is stored (it commits with the records), else failed, nothing stored; XE_OK whether or not it was stale. */
enum xerr db_reg_job_reap(struct db *db, uint64_t id, int stale_s);
/* Row issues of a job (replacing earlier ones): n rows of 8 values: row_no, col, field, code, warning, message, message_zh. */
/* import_error.col is VARCHAR(20) (sql/020_registry.sql): characters of a column header that fit (checked against the
 * schema by tests/api/registry-import.test.mjs) */
#define REG_ISSUE_COL_CHARS 20
struct reg_issue_row {
	int row_no, warning;
	const char *col, *field, *code, *message, *message_zh;
};
enum xerr db_reg_job_issues_put(struct db *db, uint64_t job_id, const struct reg_issue_row *rows, size_t n, size_t first_seq);
enum xerr db_reg_job_issues_clear(struct db *db, uint64_t job_id);
/* Issues page: row_no, col, field, code, warning, message, message_zh; errors only when errors_only. */
enum xerr db_reg_job_issues(struct db *db, struct arena *a, uint64_t job_id, int errors_only, long long limit, long long offset,
			    struct db_rows *rows);
/* Import commits of one province one at a time (issue 14 item 4: provinces in parallel): lock the province's gate row
 * first in the commit transaction (waits for a running one of the province), sharing the national row; an import of no
 * province (province NULL or "": a national caller) writes every row, so it waits for every province, also when the
 * two commit through different Galera nodes (issue 15 item 3: certification refuses one of two writes of one row). */
enum xerr db_reg_import_gate(struct db *db, struct arena *a, const char *province);
/* Committed files: claim (unit, sha) for job inside the commit transaction; *prior = the job that already did. */
enum xerr db_reg_file_claim(struct db *db, struct arena *a, uint32_t unit_id, const char *sha256, uint64_t job_id, uint64_t *prior);

/* R15: 1 in *still if student_id still clashes on group_id's clash (registry_redetect's contract). */
enum xerr db_reg_still_clashes(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, int *still);

#endif
