/* db_workflow: SQL of the problem-record workflow: group snapshots under lock, member and group updates with version checks, history, holidays, idempotency, queues, statistics and the provincial feed. */
#include "db_workflow.h"
#include "db_search.h"
#include "db_counters.h"
#include "config.h"
#include "scope.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PENDING SQL_PENDING

static const struct db_sql Q_GROUP_OF_MEMBER = {"SELECT group_id FROM group_member WHERE id = ?"};
#define GROUP_COLS                                                                                                    \
	"SELECT id, type, state, scope_level, arbiter_unit_id, reopened_from, deadline, arb_due_date, arb_since,"     \
	" created_at, updated_at, done_at, version, clash_key FROM problem_group WHERE id = ?"
static const struct db_sql Q_GROUP = {GROUP_COLS};
static const struct db_sql Q_GROUP_LOCK = {GROUP_COLS " FOR UPDATE"};
#define MEMBER_COLS                                                                                                   \
	"SELECT m.id, m.student_id, m.school_id, m.province_code, m.city_code, m.county_code, m.state, m.handling,"   \
	" m.opinion, m.proposed, m.reject_reason, m.due_date, m.step_started_at, m.version, m.reopened_as,"          \
	" s.name, s.gender, s.birth_date, s.id_type, s.id_number, s.student_no, s.status, s.ever_approved,"          \
	" s.id_check, s.verify_state, s.verify_id_number<=>s.id_number, s.verify_name<=>s.name, s.register_id_number,"  \
	" s.enrol_date, s.grade, s.class_name, m.reject_code"                                                           \
	" FROM group_member m FORCE INDEX (uk_member) STRAIGHT_JOIN student s ON s.id = m.student_id"                 \
	" WHERE m.group_id = ? ORDER BY m.id"
static const struct db_sql Q_MEMBERS = {MEMBER_COLS};
static const struct db_sql Q_MEMBERS_LOCK = {MEMBER_COLS " FOR UPDATE"};
/* group and members in one statement: locks the group row first, then its members and their students. The members
 * are read on uk_member, forced (R30): on a fresh instance just given 20,000 members at once (why then: not found), the
 * optimizer read them by walking group_member's primary key in id order to skip the sort of a group's few rows, locking
 * every member it passed (FOR UPDATE): SHOW EXPLAIN "m index PRIMARY rows 20020", 14.6 ms of CPU per decision and the
 * county's decisions in a queue (workflow bench 68/s against 450-580). So is Q_MEMBERS. */
#define LOAD_COLS                                                                                                     \
	"SELECT g.id, g.type, g.state, g.scope_level, g.arbiter_unit_id, g.reopened_from, g.deadline, g.arb_due_date,"\
	" g.arb_since, g.created_at, g.updated_at, g.done_at, g.version, g.clash_key,"                               \
	" m.id, m.student_id, m.school_id, m.province_code, m.city_code, m.county_code, m.state, m.handling,"         \
	" m.opinion, m.proposed, m.reject_reason, m.due_date, m.step_started_at, m.version, m.reopened_as,"          \
	" s.name, s.gender, s.birth_date, s.id_type, s.id_number, s.student_no, s.status, s.ever_approved,"          \
	" s.id_check, s.verify_state, s.verify_id_number<=>s.id_number, s.verify_name<=>s.name, s.register_id_number,"  \
	" s.enrol_date, s.grade, s.class_name, m.reject_code"                                                           \
	" FROM problem_group g STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id = g.id"             \
	" STRAIGHT_JOIN student s ON s.id = m.student_id"                                                               \
	" WHERE g.id = ? ORDER BY m.id"
static const struct db_sql Q_LOAD = {LOAD_COLS};
static const struct db_sql Q_LOAD_LOCK = {LOAD_COLS " FOR UPDATE"};
static const struct db_sql Q_MEMBER_UNITS = {
	"SELECT su.code, su.name, cu.name FROM unit su LEFT JOIN unit cu ON cu.id = su.parent_id WHERE su.id = ?"};
static const struct db_sql Q_UNIT = {"SELECT code, name, level FROM unit WHERE id = ?"};

static const struct db_sql Q_MEMBER_SET = {
	"UPDATE group_member SET state = ?, handling = ?, opinion = ?, proposed = ?, reject_reason = ?, reject_code = ?, due_date = ?,"
	" reopened_as = ?, step_started_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6), version = version + 1"
	" WHERE id = ? AND state = ? AND version = ?"};
static const struct db_sql Q_HISTORY_ADD = {
	"INSERT INTO history (group_id, member_id, student_id, actor_user_id, actor_role, action, state_before,"
	" state_after, reason, opinion, evidence_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
#define JSON_IDS "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j"
static const struct db_sql Q_EVIDENCE_LINK = {
	"INSERT IGNORE INTO action_evidence (evidence_id, history_id, group_id, member_id) SELECT j.id, ?, ?, ? FROM " JSON_IDS};
static const struct db_sql Q_EVIDENCE_COUNT = {
	"SELECT COUNT(*) FROM " JSON_IDS " JOIN evidence e ON e.id = j.id WHERE e.school_id = ?"};
static const struct db_sql Q_GROUP_SET = {
	"UPDATE problem_group SET state = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6),"
	" done_at = IF(? = 'done', UTC_TIMESTAMP(6), done_at), open_key = IF(? = 'done', NULL, open_key),"
	" arb_since = IF(? = 'awaiting_arbitration', COALESCE(arb_since, UTC_TIMESTAMP(6)), NULL),"
	" arb_due_date = IF(? = 'awaiting_arbitration', COALESCE(arb_due_date, ?), NULL)"
	" WHERE id = ? AND version = ?"};
static const struct db_sql Q_GROUP_DEADLINE = {
	"UPDATE problem_group SET deadline = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = ?"};

static const struct db_sql Q_STUDENT_DELETE = {
	"UPDATE student SET status = 'deleted', version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = ?"};
static const struct db_sql Q_STUDENT_APPROVED = {
	"UPDATE student SET ever_approved = 1, version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = ?"};
static const struct db_sql Q_STUDENT_PROBLEM = {
	"UPDATE student SET status = 'problem', version = version + 1, updated_at = UTC_TIMESTAMP(6)"
	" WHERE id = ? AND status <> 'deleted'"};
static const struct db_sql Q_STUDENT_FORMAL = {
	"UPDATE student s SET s.status = 'formal', s.ever_approved = 1, s.version = s.version + 1,"
	" s.updated_at = UTC_TIMESTAMP(6) WHERE s.id = ? AND s.status <> 'deleted' AND NOT EXISTS"
	" (SELECT 1 FROM group_member m2 FORCE INDEX (k_member_student) STRAIGHT_JOIN problem_group g2 ON g2.id = m2.group_id"
	"  WHERE m2.student_id = ? AND g2.id <> ? AND g2.state <> 'done' AND m2.state IN " PENDING ")"};
/* the record's other groups are read on k_member_student, forced like Q_LOAD's members (R30): uk_member (group_id, ...)
 * gives the order and the DISTINCT for free over a range "group_id <> ?" that is the whole table */
static const struct db_sql Q_OTHER_GROUPS = {
	"SELECT DISTINCT m.group_id FROM group_member m FORCE INDEX (k_member_student) STRAIGHT_JOIN problem_group g"
	" ON g.id = m.group_id"
	" WHERE m.student_id = ? AND m.group_id <> ? AND g.state <> 'done' ORDER BY m.group_id"};

static const struct db_sql Q_REOPEN_GROUP = {
	"INSERT INTO problem_group (type, clash_key, open_key, state, scope_level, arbiter_unit_id, reopened_from)"
	" SELECT ?, ?, ?, 'open', 3, u.id, ? FROM unit u WHERE u.code = ? AND u.level = 3"};
static const struct db_sql Q_REOPEN_MEMBER = {
	"INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state, due_date)"
	" VALUES (?, ?, ?, ?, ?, ?, 'open', ?)"};

static const struct db_sql Q_HOLIDAYS_RANGE = {"SELECT day, working FROM holiday WHERE day > ? AND day <= ? ORDER BY day"};
static const struct db_sql Q_HOLIDAYS_YEAR = {
	"SELECT day, working, name FROM holiday WHERE day >= ? AND day <= ? ORDER BY day"};
static const struct db_sql Q_HOLIDAYS_CLEAR = {"DELETE FROM holiday WHERE day >= ? AND day <= ?"};
static const struct db_sql Q_HOLIDAY_PUT = {
	"INSERT INTO holiday (day, working, name, updated_by, updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))"
	" ON DUPLICATE KEY UPDATE working = VALUES(working), name = VALUES(name), updated_by = VALUES(updated_by),"
	" updated_at = VALUES(updated_at)"};

static const struct db_sql Q_IDEM_CLAIM = {
	"INSERT INTO workflow_idempotency (principal, idem_key, request_sha) VALUES (?, ?, ?)"};
static const struct db_sql Q_IDEM_GET = {
	"SELECT request_sha, status, body FROM workflow_idempotency WHERE principal = ? AND idem_key = ?"};
static const struct db_sql Q_IDEM_STORE = {
	"UPDATE workflow_idempotency SET status = ?, body = ? WHERE principal = ? AND idem_key = ?"};

static const struct db_sql Q_HISTORY_LIST = {
	"SELECT h.id, h.created_at, h.actor_user_id, u.display_name, h.actor_role, h.action, h.member_id,"
	" h.state_before, h.state_after, h.reason, h.evidence_ids, h.opinion"
	" FROM history h LEFT JOIN app_user u ON u.id = h.actor_user_id WHERE h.group_id = ? ORDER BY h.id"};

/* ---- queues ---- */
/* Keyset paging of a work queue (R30): overdue first, then the oldest step, then the id; the cursor holds the last
 * row's (overdue flag, step start in microseconds, id). Arguments: has cursor, today, flag, today, flag, us, us, id. */
#define M_FLAG "(m.due_date IS NOT NULL AND m.due_date < ?)"
#define M_US "CAST(UNIX_TIMESTAMP(m.step_started_at) * 1000000 AS SIGNED)"
#define KEYSET(FLAG, US, ID) \
	" AND (? = 0 OR " FLAG " < ? OR (" FLAG " = ? AND (" US " > ? OR (" US " = ? AND " ID " > ?))))"
/* The page is chosen from the queue's members alone (y: the filters and the search on the member and its copies,
 * sql/380-382), then only its rows are joined to their group, record and school (R30: a county's queue joined every
 * waiting review before sorting). It is two reads in the queue key's order (path, state, step start, due date,
 * q_rejected; sql/398) that stop at the page: the overdue members, then the others; before, every waiting member was
 * read and sorted (10M: a county's 934 reviews). Arguments: per part (QUEUE_PART): today, who, today, filter, filter,
 * today, search, keyset, limit; then the limit. */
#define QUEUE_PART(IDX, WHERE, DUE, SEARCH)                                                                           \
	"(SELECT m.id mid, " M_FLAG " f, m.step_started_at st FROM group_member m FORCE INDEX (" IDX ") WHERE " WHERE DUE  \
	Q_FILTER SEARCH KEYSET(M_FLAG, M_US, "m.id") " ORDER BY m.step_started_at, m.id LIMIT ?)"
#define QUEUE_ITEMS_OF(IDX, WHERE, SEARCH)                                                                            \
	"SELECT m.id, m.group_id, g.type, g.state, m.state, m.handling, m.reject_reason, m.due_date,"                 \
	" TIMESTAMPDIFF(SECOND, m.step_started_at, UTC_TIMESTAMP(6)), m.version, s.name, s.gender, s.birth_date,"    \
	" s.student_no, m.school_id, u.name, y.f, " M_US ", m.reject_code"                                            \
	" FROM (SELECT mid, f FROM (" QUEUE_PART(IDX, WHERE, " AND m.due_date < ?", SEARCH) " UNION ALL "               \
	QUEUE_PART(IDX, WHERE, " AND (m.due_date IS NULL OR m.due_date >= ?)", SEARCH)                                 \
	") u ORDER BY f DESC, st, mid LIMIT ?) y"                                                                       \
	" STRAIGHT_JOIN group_member m ON m.id = y.mid STRAIGHT_JOIN problem_group g ON g.id = m.group_id"            \
	" STRAIGHT_JOIN student s ON s.id = m.student_id STRAIGHT_JOIN unit u ON u.id = m.school_id"                  \
	" ORDER BY y.f DESC, m.step_started_at, m.id"
/* issue 13 item 1: the queue's search and filters (problem type, school, due before a day, the student searched for):
 * they filter the queue's own rows, read on its (path, state) index. Arguments: queue_search_args. */
#define Q_SEARCH                                                                                                      \
	" AND (? IS NULL OR m.g_type = ?) AND (? IS NULL OR m.school_id = ?) AND (? IS NULL OR m.due_date < ?)"        \
	SQL_SEARCH_MEMBER_STUDENT("m")
/* A queue without a type, school or student searched for (the work queue as opened, its filters, due before a day)
 * reads its page off the queue key alone (sql/398: path, state, step start, id, due date, q_rejected): Q_SEARCH's
 * conditions on other columns, even with NULL arguments, made every member read on the way its row (10M, a county's
 * reviews due before a day: 600). The same arguments, those others NULL (queue_plain tells). */
#define Q_SEARCH_PLAIN                                                                                                \
	" AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL AND (? IS NULL OR m.due_date < ?)" SQL_SEARCH_STUDENT_NONE
#define QUEUE_ITEMS(IDX, WHERE) QUEUE_ITEMS_OF(IDX, WHERE, Q_SEARCH)
#define QUEUE_PLAIN(IDX, WHERE) QUEUE_ITEMS_OF(IDX, WHERE, Q_SEARCH_PLAIN)
/* issue 11 item 7: the queue's filters (enum wf_queue_filter): rejected, to handle again; overdue. Args: filter, filter, today. */
#define Q_FILTER " AND (? <> 1 OR m.q_rejected) AND (? <> 2 OR " M_FLAG ")"
/* the longest wait from the earliest start (one difference, not one per waiting member: 10M, a county's 934 reviews
 * 0.9 -> 0.5 ms) */
#define QUEUE_COUNTS(WHERE)                                                                                           \
	"SELECT COUNT(*), COALESCE(SUM(m.due_date < ?), 0),"                                                          \
	" COALESCE(TIMESTAMPDIFF(SECOND, MIN(m.step_started_at), UTC_TIMESTAMP(6)), 0),"                             \
	" COALESCE(SUM(m.q_rejected), 0) FROM group_member m WHERE " WHERE
/* each party's queue: the states of its steps (db_search.h, derived from workflow.c's table by a unit test) */
#define W_CLERK "m.school_id = ? AND m.state IN (" SQL_STATES_CLERK ")"
#define W_LEADER "m.school_id = ? AND m.state = '" SQL_STATE_LEADER "'"
#define W_COUNTY "m.county_code = ? AND m.state = '" SQL_STATE_COUNTY "'"
static const struct db_sql Q_QUEUE_CLERK = {QUEUE_ITEMS("k_member_school", W_CLERK)};
static const struct db_sql Q_QUEUE_CLERK_PLAIN = {QUEUE_PLAIN("k_member_school", W_CLERK)};
static const struct db_sql Q_QUEUE_CLERK_N = {QUEUE_COUNTS(W_CLERK)};
static const struct db_sql Q_QUEUE_LEADER = {QUEUE_ITEMS("k_member_school", W_LEADER)};
static const struct db_sql Q_QUEUE_LEADER_PLAIN = {QUEUE_PLAIN("k_member_school", W_LEADER)};
static const struct db_sql Q_QUEUE_LEADER_N = {QUEUE_COUNTS(W_LEADER)};
static const struct db_sql Q_QUEUE_COUNTY = {QUEUE_ITEMS("k_member_county", W_COUNTY)};
static const struct db_sql Q_QUEUE_COUNTY_PLAIN = {QUEUE_PLAIN("k_member_county", W_COUNTY)};
/* a county's counts without reading its reviews (issue 13 item 3, sql/409): the total and the overdue from the county's
 * counters ('m' and 'd' rows of count_rollup, written in each change's transaction, exact: tests/api/counters), the
 * oldest step from the first entry of k_member_county, the rejected ones from k_member_county_rejected. Counting every
 * review per request (10M: a county's 934) halved the queue's rate at c=8. Arguments: county, county, today, county,
 * county. */
static const struct db_sql Q_QUEUE_COUNTY_N = {
	"SELECT " SQL_COUNTY_MEMBERS(SQL_STATE_COUNTY) ", " SQL_COUNTY_MEMBERS_DUE(SQL_STATE_COUNTY) ","
	" COALESCE((SELECT TIMESTAMPDIFF(SECOND, MIN(m.step_started_at), UTC_TIMESTAMP(6)) FROM group_member m"
	" FORCE INDEX (k_member_county) WHERE " W_COUNTY "), 0),"
	" (SELECT COUNT(*) FROM group_member m FORCE INDEX (k_member_county_rejected) WHERE " W_COUNTY " AND m.q_rejected = 1)"};
/* a name searched (issue 13 item 1, R30): the queue's members of that name, read on the path's (path, s_name) key
 * (sql/401) and sorted, not every waiting member's row for its name (10M: all of a county's 934 reviews) */
static const struct db_sql Q_QUEUE_CLERK_NAME = {QUEUE_ITEMS("k_member_school_sname", W_CLERK)};
static const struct db_sql Q_QUEUE_LEADER_NAME = {QUEUE_ITEMS("k_member_school_sname", W_LEADER)};
static const struct db_sql Q_QUEUE_COUNTY_NAME = {QUEUE_ITEMS("k_member_county_sname", W_COUNTY)};
#define G_FLAG "(g.arb_due_date IS NOT NULL AND g.arb_due_date < ?)"
/* issue 13 item 1: the arbitration list's search and filters: problem type, due before a day, and a member of the
 * group (school, county, the student searched for). Arguments: see db_wf_queue_arbiter. */
#define ARB_SEARCH                                                                                                    \
	" AND (? IS NULL OR g.type = ?) AND (? IS NULL OR g.arb_due_date < ?) AND (? = 0 OR EXISTS (SELECT 1 FROM"      \
	" group_member am FORCE INDEX (uk_member) WHERE am.group_id = g.id"                                              \
	" AND (? IS NULL OR am.school_id = ?) AND (? IS NULL OR am.county_code = ?)" SQL_SEARCH_MEMBER_STUDENT("am") "))"
#define G_US "CAST(UNIX_TIMESTAMP(g.arb_since) * 1000000 AS SIGNED)"
/* the page in two reads of k_group_arbiter's order (sql/399) that stop at the page: the overdue arbitrations, then the
 * others. Arguments per part: today, arbiter, today, search (ARB_SEARCH), keyset, limit; then the limit. */
#define ARB_FROM " FROM problem_group g FORCE INDEX (k_group_arbiter)"
/* a name searched (R30): the groups of the members of that name awaiting arbitration (sql/403), then only those groups;
 * before, every arbitration of the arbiter was looked into (10M: the ministry's 1,045). One more argument per part,
 * after the first: the name pattern. */
#define ARB_FROM_NAME                                                                                                 \
	" FROM (SELECT DISTINCT an.group_id FROM group_member an FORCE INDEX (k_member_gstate_sname)"                   \
	" WHERE an.g_state = 'awaiting_arbitration' AND an.s_name LIKE ?) n STRAIGHT_JOIN problem_group g ON g.id = n.group_id"
#define ARB_PART(FROM, DUE)                                                                                           \
	"(SELECT g.id gid, " G_FLAG " f, g.arb_since st" FROM                                                          \
	" WHERE g.arbiter_unit_id = ? AND g.state = 'awaiting_arbitration'" DUE ARB_SEARCH KEYSET(G_FLAG, G_US, "g.id")  \
	" ORDER BY g.arb_since, g.id LIMIT ?)"
#define QUEUE_ARB(FROM)                                                                                               \
	"SELECT g.id, g.type, g.arb_due_date, TIMESTAMPDIFF(SECOND, g.arb_since, UTC_TIMESTAMP(6)), g.version,"       \
	" (SELECT COUNT(*) FROM group_member m FORCE INDEX (uk_member) WHERE m.group_id = g.id),"                     \
	" (SELECT COUNT(*) FROM group_member m FORCE INDEX (uk_member) WHERE m.group_id = g.id AND m.state = 'approved'), y.f, " G_US \
	" FROM (SELECT gid, f FROM (" ARB_PART(FROM, " AND g.arb_due_date < ?") " UNION ALL "                         \
	ARB_PART(FROM, " AND (g.arb_due_date IS NULL OR g.arb_due_date >= ?)") ") u ORDER BY f DESC, st, gid LIMIT ?) y" \
	" STRAIGHT_JOIN problem_group g ON g.id = y.gid ORDER BY y.f DESC, g.arb_since, g.id"
static const struct db_sql Q_QUEUE_ARB = {QUEUE_ARB(ARB_FROM)};
static const struct db_sql Q_QUEUE_ARB_NAME = {QUEUE_ARB(ARB_FROM_NAME)};
static const struct db_sql Q_QUEUE_ARB_N = {
	"SELECT COUNT(*), COALESCE(SUM(g.arb_due_date < ?), 0),"
	" COALESCE(TIMESTAMPDIFF(SECOND, MIN(g.arb_since), UTC_TIMESTAMP(6)), 0), 0"
	" FROM problem_group g WHERE g.arbiter_unit_id = ? AND g.state = 'awaiting_arbitration'"};

/* Issue 11 item 9 (R24): escalated steps of the units directly below a unit (reminders; they do not change who
 * decides): its schools' handling, its counties' reviews, the arbitrations of the bureaus below it. The school-side
 * states are the pending states before the county's review. Each part starts from the units below (R30: never from
 * every late step of the country: a county's queue read 7,700 reviews of other counties at 10M, 188 ms). A county's
 * schools are its members' county code (a school's parent is the county of its code): their late members are one range
 * of (county_code, ov_day), every member due before the cutoff being late before it (ov_day <= due_date), not school by
 * school and state by state (10M: 492 ranges and 2,374 entries for 132 reminders; now 281 entries). Keyset-paged by
 * (due day, group id, member id or 0 for an arbitration) (R30: before, the queue's first page answered the first 100
 * and left the rest out); the page is chosen from the steps' own rows, then only its rows are joined to their group,
 * unit and record. Arguments: the county code (NULL above a county: no schools below), cutoff (x2), keyset (REM_KEYSET);
 * unit id, cutoff, keyset; unit id, cutoff, keyset (REM_KEYSET_G); limit. */
#define REM_KEYSET(DUE, GID, MID)                                                                                     \
	" AND (? = 0 OR " DUE " > ? OR (" DUE " = ? AND (" GID " > ? OR (" GID " = ? AND " MID " > ?))))"
#define REM_KEYSET_G " AND (? = 0 OR g.arb_due_date > ? OR (g.arb_due_date = ? AND g.id > ?))"
static const struct db_sql Q_REMINDERS = {
	"SELECT y.kind, y.gid, y.mid, g.type, y.st, y.due, u.code, u.name, u.level,"
	" TIMESTAMPDIFF(SECOND, y.since, UTC_TIMESTAMP(6)), s.name FROM ("
	"SELECT 'member' kind, m.group_id gid, m.id mid, m.id mk, m.state st, m.due_date due, m.school_id uid,"
	" m.student_id sid, m.step_started_at since FROM group_member m FORCE INDEX (k_member_county_ov)"
	" WHERE m.county_code = ? AND m.ov_day < ? AND m.state IN " SQL_STATES_SCHOOL " AND m.due_date < ?"
	REM_KEYSET("m.due_date", "m.group_id", "m.id")
	" UNION ALL SELECT 'member', m.group_id, m.id, m.id, m.state, m.due_date, cu.id, m.student_id, m.step_started_at"
	" FROM unit cu STRAIGHT_JOIN group_member m FORCE INDEX (k_member_county) ON m.county_code = cu.code"
	" AND m.state = '" SQL_STATE_COUNTY "' WHERE cu.parent_id = ? AND cu.level = 3 AND m.due_date < ?"
	REM_KEYSET("m.due_date", "m.group_id", "m.id")
	" UNION ALL SELECT 'arbitration', g.id, NULL, 0, g.state, g.arb_due_date, au.id, NULL, g.arb_since"
	" FROM unit au STRAIGHT_JOIN problem_group g FORCE INDEX (k_group_arbiter) ON g.arbiter_unit_id = au.id"
	" AND g.state = 'awaiting_arbitration' WHERE au.parent_id = ? AND g.arb_due_date < ?" REM_KEYSET_G
	" ORDER BY due, gid, mk LIMIT ?) y"
	" STRAIGHT_JOIN unit u ON u.id = y.uid JOIN problem_group g ON g.id = y.gid LEFT JOIN student s ON s.id = y.sid"
	" ORDER BY y.due, y.gid, y.mk"};

/* ---- jurisdiction-scoped statements: the one scope filter (scope.h) on the member's path ---- */
#define SCOPED(F) SCOPE_EACH(F, "m", "school_id")

/* issue 13 item 1: the overdue list's search and filters on the member (and its student) that puts a row there:
 * problem type, school, county, the student searched for. Arguments: see db_wf_overdue. */
#define OV_SEARCH                                                                                                     \
	" AND (? IS NULL OR m.g_type = ?) AND (? IS NULL OR m.school_id = ?) AND (? IS NULL OR m.county_code = ?)"     \
	SQL_SEARCH_MEMBER_STUDENT("m")
#define OV_SEARCH_NARGS (6 + SEARCH_STUDENT_NARGS)
/* Issue 13 item 1 (R24, R30): the caller's members that can put a row on the list (OV_CANDIDATES, C on m: ov_day, the
 * first day one of a member's three kinds of step is late, before today, on (path, ov_day), sql/383), each joined to
 * its group and to the three kinds of overdue step k.r: 0 the member's own step (pending, past its due date), 1 the
 * group's arbitration, 2 the group's clearance deadline. A group's row is one row however many of its members are the
 * caller's (GROUP BY on the row's key). Rows are keyset-paged by (due day, group id, member id or 0, kind): most
 * overdue first, stable under inserts (a row added behind the cursor is on a later page, one before it on none). Before,
 * every member of the jurisdiction was read and joined (10M records: a province 0.8-1.3 s). A name searched for is
 * read on the path's name keys (sql/382), which hold the member's ov_day (sql/401): the late members of that name
 * and their bound come from the key alone (the optimizer's choice, when narrower than the late members).
 * The page's rows are chosen on the member's copies of its group's type, state and due days (sql/380, sql/383: kept by
 * the triggers in the same statement), not its group row (10M, the ministry's 490 candidates: 7.6 -> 5.4 ms).
 * Arguments of the candidates: bound, scope, name pattern x2. */
#define OV_DAY_KEYS "k_member_ov, k_member_province_ov, k_member_city_ov, k_member_county_ov, k_member_school_ov"
#define OV_NAME_KEYS "k_member_sname, k_member_province_sname, k_member_city_sname, k_member_county_sname, k_member_school_sname"
#define OV_NAME " AND (? IS NULL OR m.s_name LIKE ?)"
/* A list without a name reads its candidates and bound off the day keys alone: OV_NAME, even with NULL arguments, made
 * each late member's row read for its s_name (10M, the ministry: 490 rows, 1.2 of the list's 3.3 ms, and 264 for the
 * bound); the name's two arguments are there, NULL (db_wf_overdue chooses it only then). */
#define OV_NO_NAME " AND ? IS NULL AND ? IS NULL"
#define OV_CANDIDATES(KEYS, NAME, C)                                                                                  \
	"(SELECT m.id mid FROM group_member m FORCE INDEX (" KEYS ") WHERE m.ov_day < ? AND " C NAME ") x"
#define OV_CAND_DAY(C) OV_CANDIDATES(OV_DAY_KEYS, OV_NO_NAME, C)
#define OV_CAND_NAME(C) OV_CANDIDATES(OV_DAY_KEYS ", " OV_NAME_KEYS, OV_NAME, C)
/* The page's bound (R30: the ministry's candidates are every late step of the country, 60-130k at 10M): every row of a
 * member lies on or after its ov_day, so the rows due on or before the ov_day B of the caller's n-th candidate after
 * the cursor's day are all made by candidates up to B. db_wf_overdue reads candidates and rows before B + 1 day only,
 * and moves B on (to today at most) while the page is not full; the n-th candidate of the name searched for, if any.
 * Arguments: today, the cursor's due day number (0 none), scope, name pattern x2, n-1. */
#define OV_BOUND(KEYS, NAME, C)                                                                                       \
	"SELECT m.ov_day + INTERVAL 1 DAY FROM group_member m FORCE INDEX (" KEYS ") WHERE m.ov_day < ?"                 \
	" AND m.ov_day > FROM_DAYS(?) AND " C NAME " ORDER BY m.ov_day LIMIT 1 OFFSET ?"
#define OV_BOUND_DAY(C) OV_BOUND(OV_DAY_KEYS, OV_NO_NAME, C)
#define OV_BOUND_NAME(C) OV_BOUND(OV_NAME_KEYS, OV_NAME, C) /* a name's late members, sorted: never the day keys' walk */
static const struct db_sql Q_OV_BOUND[SCOPE_N] = SCOPED(OV_BOUND_DAY), Q_OV_BOUND_NAME[SCOPE_N] = SCOPED(OV_BOUND_NAME);
/* The ministry searching a one-character prefix (a surname: 35,000 members at 10M, too many to sort for a bound): its
 * late members in due order on (s_initial, ov_day) (sql/401), the bound and the candidates read off the key alone. The
 * character stands for the pattern (s_initial = it is the one-character prefix); the same arguments as the path's
 * statements (the name's first argument is the character, the second is then only required to be there). */
#define OV_INITIAL " FORCE INDEX (k_member_sinitial_ov) WHERE m.ov_day < ?"
#define OV_INITIAL_NAME " AND (? IS NULL) AND m.s_initial = ? AND ? IS NOT NULL"
#define OV_CAND_INITIAL "(SELECT m.id mid FROM group_member m" OV_INITIAL OV_INITIAL_NAME ") x"
static const struct db_sql Q_OV_BOUND_INITIAL = {
	"SELECT m.ov_day + INTERVAL 1 DAY FROM group_member m" OV_INITIAL " AND m.ov_day > FROM_DAYS(?)" OV_INITIAL_NAME
	" ORDER BY m.ov_day LIMIT 1 OFFSET ?"};
#define OV_DUE "CASE k.r WHEN 0 THEN m.due_date WHEN 1 THEN m.g_arb_due ELSE m.g_deadline END"
#define OV_MID "IF(k.r = 0, m.id, 0)"
#define OV_UNIT(COL) "CASE WHEN y.kr > 0 THEN au." COL " WHEN m.state = '" SQL_STATE_COUNTY "' THEN cu." COL " ELSE su." COL " END"
/* The unit whose step it is (issue 11 item 9): the school for its handling, the county for its review, the arbiter for
 * an arbitration and for a group past its clearance deadline; how long the step has waited; escalated (due before the
 * cutoff of db_wf_escalate_cutoff). The page's rows are chosen first (y: their keys and one member of each, from the
 * candidates, their groups and the search on the member's copies), then only those are joined to their record and
 * units. Arguments: cutoff, the candidates' 4, the bound x3 (rows due before it: today or Q_OV_BOUND's
 * day), scope, search (OV_SEARCH_NARGS), has cursor, the cursor's 4 values, limit. The last three columns are the row's key (TO_DAYS of the due day, member id or 0, kind). */
#define OVERDUE_LIST(CAND, C)                                                                                         \
	"SELECT ELT(y.kr + 1, 'member', 'arbitration', 'deadline'), y.gid, IF(y.kr = 0, m.id, NULL), g.type,"          \
	" IF(y.kr = 0, m.state, g.state), FROM_DAYS(y.kd), IF(y.kr = 0, m.school_id, NULL),"                            \
	" IF(y.kr = 0, m.county_code, NULL), IF(y.kr = 0, s.name, NULL), IF(y.kr = 0, s.student_no, NULL), "            \
	OV_UNIT("code") ", " OV_UNIT("name") ", " OV_UNIT("level") ", TIMESTAMPDIFF(SECOND, CASE y.kr WHEN 0"          \
	" THEN m.step_started_at WHEN 1 THEN g.arb_since ELSE g.created_at END, UTC_TIMESTAMP(6)), FROM_DAYS(y.kd) < ?," \
	" y.kd, y.km, y.kr FROM (SELECT TO_DAYS(" OV_DUE ") kd, m.group_id gid, " OV_MID " km, k.r kr, MIN(m.id) mid"   \
	" FROM " CAND " STRAIGHT_JOIN group_member m ON m.id = x.mid"                                                   \
	" STRAIGHT_JOIN (SELECT 0 r UNION ALL SELECT 1 UNION ALL SELECT 2) k"                                           \
	" ON (k.r = 0 AND m.state IN " PENDING " AND m.due_date < ?)"                                                  \
	" OR (k.r = 1 AND m.g_state = 'awaiting_arbitration' AND m.g_arb_due < ?)"                                     \
	" OR (k.r = 2 AND m.g_state <> 'done' AND m.g_deadline < ?)"                                                   \
	" WHERE " C OV_SEARCH " AND (? = 0 OR (TO_DAYS(" OV_DUE "), m.group_id, " OV_MID ", k.r) > (?, ?, ?, ?))"      \
	" GROUP BY kd, gid, km, kr ORDER BY kd, gid, km, kr LIMIT ?) y"                                                \
	" STRAIGHT_JOIN group_member m ON m.id = y.mid STRAIGHT_JOIN problem_group g ON g.id = y.gid"                  \
	" STRAIGHT_JOIN student s ON s.id = m.student_id STRAIGHT_JOIN unit su ON su.id = m.school_id"                 \
	" LEFT JOIN unit cu ON cu.code = m.county_code LEFT JOIN unit au ON au.id = g.arbiter_unit_id"                 \
	" ORDER BY y.kd, y.gid, y.km, y.kr"
#define OVERDUE_DAY(C) OVERDUE_LIST(OV_CAND_DAY(C), C)
#define OVERDUE_NAME(C) OVERDUE_LIST(OV_CAND_NAME(C), C)
static const struct db_sql Q_OVERDUE[SCOPE_N] = SCOPED(OVERDUE_DAY), Q_OVERDUE_NAME[SCOPE_N] = SCOPED(OVERDUE_NAME),
			   Q_OVERDUE_INITIAL = {OVERDUE_LIST(OV_CAND_INITIAL, "(? IS NULL)")};

/* ---- feed ---- */
static const struct db_sql Q_FEED_SEQ_ENSURE = {"INSERT IGNORE INTO feed_seq (province_code, last_seq) VALUES (?, 0)"};
static const struct db_sql Q_FEED_SEQ_LOCK = {"SELECT last_seq FROM feed_seq WHERE province_code = ? FOR UPDATE"};
static const struct db_sql Q_FEED_PENDING = {
	"SELECT history_id FROM feed_pending WHERE province_code = ? ORDER BY history_id LIMIT 1000 FOR UPDATE"};
static const struct db_sql Q_FEED_MOVE = {
	"INSERT INTO feed_event (province_code, seq, history_id)"
	" SELECT province_code, ? + ROW_NUMBER() OVER (ORDER BY history_id), history_id FROM feed_pending"
	" WHERE province_code = ? AND history_id <= ?"};
static const struct db_sql Q_FEED_DROP = {"DELETE FROM feed_pending WHERE province_code = ? AND history_id <= ?"};
static const struct db_sql Q_FEED_SEQ_SET = {"UPDATE feed_seq SET last_seq = ? WHERE province_code = ?"};
static const struct db_sql Q_FEED_READ = {
	"SELECT fe.seq, h.id, h.created_at, h.group_id, h.member_id, h.student_id, h.actor_role, h.action,"
	" h.state_before, h.state_after, h.reason, h.evidence_ids, g.type, g.state, s.student_no, su.code, su.province_code"
	" FROM feed_event fe JOIN history h ON h.id = fe.history_id LEFT JOIN problem_group g ON g.id = h.group_id"
	" LEFT JOIN student s ON s.id = h.student_id LEFT JOIN unit su ON su.id = s.school_id"
	" WHERE fe.province_code = ? AND fe.seq > ? ORDER BY fe.seq LIMIT ?"};

static struct db_arg opt_str(const char *s) { return s ? DBS(s) : DBNULL; }
static struct db_arg opt_id(uint64_t v) { return v ? DBI(v) : DBNULL; }

enum xerr db_wf_group_of_member(struct db *db, struct arena *a, uint64_t member_id, uint64_t *group_id)
{
	struct db_rows rs;
	*group_id = 0;
	enum xerr e = db_exec(db, a, &Q_GROUP_OF_MEMBER, DB_ARGS(DBI(member_id)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*group_id = (uint64_t)db_get_int(&rs, 0, 0);
	return e;
}

/* Decode a group from columns off..off+13 of row 0. */
static enum xerr decode_group(const struct db_rows *rs, size_t off, struct wfdb_group *g)
{
	int t = wf_type_parse(db_get(rs, 0, off + 1)), st = wf_gstate_parse(db_get(rs, 0, off + 2));
	if (t < 0 || st < 0)
		return XE_INTERNAL;
	memset(g, 0, sizeof *g);
	g->id = (uint64_t)db_get_int(rs, 0, off + 0);
	g->type = (enum wf_type)t;
	g->state = (enum wf_gstate)st;
	g->scope_level = (int)db_get_int(rs, 0, off + 3);
	g->arbiter_unit_id = (uint32_t)db_get_int(rs, 0, off + 4);
	g->reopened_from = (uint64_t)db_get_int(rs, 0, off + 5);
	g->deadline = db_get(rs, 0, off + 6);
	g->arb_due_date = db_get(rs, 0, off + 7);
	g->arb_since = db_get(rs, 0, off + 8);
	g->created_at = db_get(rs, 0, off + 9);
	g->updated_at = db_get(rs, 0, off + 10);
	g->done_at = db_get(rs, 0, off + 11);
	g->version = (uint32_t)db_get_int(rs, 0, off + 12);
	g->clash_key = db_get(rs, 0, off + 13);
	return XE_OK;
}

/* Decode every row's member from columns off..off+27. */
static enum xerr decode_members(struct arena *a, const struct db_rows *rs, size_t off, struct wfdb_member **out, size_t *n)
{
	struct wfdb_member *m = arena_calloc(a, (rs->n ? rs->n : 1) * sizeof *m);
	for (size_t i = 0; i < rs->n; i++) {
		int st = wf_state_parse(db_get(rs, i, off + 6)), h = wf_handling_parse(db_get(rs, i, off + 7));
		if (st < 0 || h < 0)
			return XE_INTERNAL;
		m[i].id = (uint64_t)db_get_int(rs, i, off + 0);
		m[i].student_id = (uint64_t)db_get_int(rs, i, off + 1);
		m[i].school_id = (uint32_t)db_get_int(rs, i, off + 2);
		m[i].province_code = db_get(rs, i, off + 3);
		m[i].city_code = db_get(rs, i, off + 4);
		m[i].county_code = db_get(rs, i, off + 5);
		m[i].state = (enum wf_state)st;
		m[i].handling = (enum wf_handling)h;
		m[i].opinion = db_get(rs, i, off + 8);
		m[i].proposed = db_get(rs, i, off + 9);
		m[i].reject_reason = db_get(rs, i, off + 10);
		m[i].due_date = db_get(rs, i, off + 11);
		m[i].step_started_at = db_get(rs, i, off + 12);
		m[i].version = (uint32_t)db_get_int(rs, i, off + 13);
		m[i].reopened_as = (uint64_t)db_get_int(rs, i, off + 14);
		m[i].name = db_get(rs, i, off + 15);
		m[i].gender = db_get(rs, i, off + 16);
		m[i].birth_date = db_get(rs, i, off + 17);
		m[i].id_type = db_get(rs, i, off + 18);
		m[i].id_number = db_get(rs, i, off + 19);
		m[i].student_no = db_get(rs, i, off + 20);
		m[i].status = db_get(rs, i, off + 21);
		m[i].ever_approved = (int)db_get_int(rs, i, off + 22);
		m[i].id_check = db_get(rs, i, off + 23);
		m[i].verify_state = db_get(rs, i, off + 24);
		m[i].verify_same_no = (int)db_get_int(rs, i, off + 25);
		m[i].verify_same_name = (int)db_get_int(rs, i, off + 26);
		m[i].register_id_number = db_get(rs, i, off + 27);
		m[i].enrol_date = db_get(rs, i, off + 28);
		m[i].grade = db_get(rs, i, off + 29);
		m[i].class_name = db_get(rs, i, off + 30);
		m[i].reject_code = db_get(rs, i, off + 31);
	}
	*out = m;
	*n = rs->n;
	return XE_OK;
}

enum xerr db_wf_group_get(struct db *db, struct arena *a, uint64_t id, int lock, struct wfdb_group *g, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, lock ? &Q_GROUP_LOCK : &Q_GROUP, DB_ARGS(DBI(id)), &rs, NULL, NULL);
	if (e != XE_OK || !rs.n)
		return e;
	if ((e = decode_group(&rs, 0, g)))
		return e;
	*found = 1;
	return XE_OK;
}

enum xerr db_wf_members(struct db *db, struct arena *a, uint64_t group_id, int lock, struct wfdb_member **out, size_t *n)
{
	struct db_rows rs;
	*out = NULL;
	*n = 0;
	enum xerr e = db_exec(db, a, lock ? &Q_MEMBERS_LOCK : &Q_MEMBERS, DB_ARGS(DBI(group_id)), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	return decode_members(a, &rs, 0, out, n);
}

enum xerr db_wf_load(struct db *db, struct arena *a, uint64_t group_id, int lock, struct wfdb_group *g,
		     struct wfdb_member **m, size_t *n, int *found)
{
	struct db_rows rs;
	*found = 0;
	*m = NULL;
	*n = 0;
	enum xerr e = db_exec(db, a, lock ? &Q_LOAD_LOCK : &Q_LOAD, DB_ARGS(DBI(group_id)), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	if (!rs.n) /* no such group, or one without members */
		return db_wf_group_get(db, a, group_id, lock, g, found);
	if ((e = decode_group(&rs, 0, g)) || (e = decode_members(a, &rs, 14, m, n)))
		return e;
	*found = 1;
	return XE_OK;
}

enum xerr db_wf_member_units(struct db *db, struct arena *a, struct wfdb_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct db_rows rs;
		enum xerr e = db_exec(db, a, &Q_MEMBER_UNITS, DB_ARGS(DBI(m[i].school_id)), &rs, NULL, NULL);
		if (e != XE_OK)
			return e;
		if (rs.n) {
			m[i].school_code = db_get(&rs, 0, 0);
			m[i].school_name = db_get(&rs, 0, 1);
			m[i].county_name = db_get(&rs, 0, 2);
		}
	}
	return XE_OK;
}

enum xerr db_wf_unit(struct db *db, struct arena *a, uint32_t id, const char **code, const char **name, int *level)
{
	struct db_rows rs;
	*code = *name = NULL;
	*level = -1;
	enum xerr e = db_exec(db, a, &Q_UNIT, DB_ARGS(DBI(id)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n) {
		*code = db_get(&rs, 0, 0);
		*name = db_get(&rs, 0, 1);
		*level = (int)db_get_int(&rs, 0, 2);
	}
	return e;
}

enum xerr db_wf_member_set(struct db *db, const struct wfdb_member_set *s, int *ok)
{
	unsigned long long aff = 0;
	*ok = 0;
	enum xerr e = db_exec(db, NULL, &Q_MEMBER_SET,
			      DB_ARGS(DBS(wf_state_name(s->to)), opt_str(s->handling), opt_str(s->opinion), opt_str(s->proposed),
				      opt_str(s->reject_reason), opt_str(s->reject_code), opt_str(s->due_date), opt_id(s->reopened_as), DBI(s->id),
				      DBS(wf_state_name(s->from)), DBI(s->version)),
			      NULL, &aff, NULL);
	*ok = e == XE_OK && aff == 1;
	return e;
}

enum xerr db_wf_history_add(struct db *db, const struct wfdb_history *h, uint64_t *id)
{
	unsigned long long iid = 0;
	enum xerr e = db_exec(db, NULL, &Q_HISTORY_ADD,
			      DB_ARGS(opt_id(h->group_id), opt_id(h->member_id), opt_id(h->student_id), opt_id(h->actor_user_id),
				      DBS(h->actor_role), DBS(h->action), opt_str(h->state_before), opt_str(h->state_after),
				      opt_str(h->reason), opt_str(h->opinion), opt_str(h->evidence_ids)),
			      NULL, NULL, &iid);
	if (id)
		*id = iid;
	return e;
}

enum xerr db_wf_evidence_link(struct db *db, const char *ids_json, uint64_t history_id, uint64_t group_id, uint64_t member_id)
{
	return db_exec(db, NULL, &Q_EVIDENCE_LINK, DB_ARGS(DBI(history_id), DBI(group_id), DBI(member_id), DBS(ids_json)),
		       NULL, NULL, NULL);
}

enum xerr db_wf_evidence_count(struct db *db, struct arena *a, const char *ids_json, uint32_t school_id, long long *n)
{
	struct db_rows rs;
	*n = 0;
	enum xerr e = db_exec(db, a, &Q_EVIDENCE_COUNT, DB_ARGS(DBS(ids_json), DBI(school_id)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*n = db_get_int(&rs, 0, 0);
	return e;
}

enum xerr db_wf_group_set(struct db *db, uint64_t id, uint32_t version, enum wf_gstate to, const char *arb_due, int *ok)
{
	unsigned long long aff = 0;
	const char *s = wf_gstate_name(to);
	enum xerr e = db_exec(db, NULL, &Q_GROUP_SET,
			      DB_ARGS(DBS(s), DBS(s), DBS(s), DBS(s), DBS(s), opt_str(arb_due), DBI(id), DBI(version)), NULL,
			      &aff, NULL);
	*ok = e == XE_OK && aff == 1;
	return e;
}

enum xerr db_wf_group_deadline(struct db *db, uint64_t id, const char *deadline)
{
	return db_exec(db, NULL, &Q_GROUP_DEADLINE, DB_ARGS(opt_str(deadline), DBI(id)), NULL, NULL, NULL);
}

enum xerr db_wf_student_delete(struct db *db, uint64_t student_id)
{
	return db_exec(db, NULL, &Q_STUDENT_DELETE, DB_ARGS(DBI(student_id)), NULL, NULL, NULL);
}

enum xerr db_wf_student_mark_approved(struct db *db, uint64_t student_id)
{
	return db_exec(db, NULL, &Q_STUDENT_APPROVED, DB_ARGS(DBI(student_id)), NULL, NULL, NULL);
}

enum xerr db_wf_student_problem(struct db *db, uint64_t student_id)
{
	return db_exec(db, NULL, &Q_STUDENT_PROBLEM, DB_ARGS(DBI(student_id)), NULL, NULL, NULL);
}

enum xerr db_wf_student_formalize(struct db *db, uint64_t student_id, uint64_t done_group_id)
{
	return db_exec(db, NULL, &Q_STUDENT_FORMAL, DB_ARGS(DBI(student_id), DBI(student_id), DBI(done_group_id)), NULL,
		       NULL, NULL);
}

enum xerr db_wf_other_groups(struct db *db, struct arena *a, uint64_t student_id, uint64_t except_group,
			     uint64_t **ids, size_t *n)
{
	struct db_rows rs;
	*ids = NULL;
	*n = 0;
	enum xerr e = db_exec(db, a, &Q_OTHER_GROUPS, DB_ARGS(DBI(student_id), DBI(except_group)), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	*ids = arena_alloc(a, (rs.n ? rs.n : 1) * sizeof **ids);
	for (size_t i = 0; i < rs.n; i++)
		(*ids)[i] = (uint64_t)db_get_int(&rs, i, 0);
	*n = rs.n;
	return XE_OK;
}

enum xerr db_wf_reopen_create(struct db *db, const struct wfdb_group *g, const struct wfdb_member *m,
			      const char *due_date, uint64_t *new_group, uint64_t *new_member)
{
	char key[40];
	const char *open_key = key;
	unsigned long long aff = 0, gid = 0, mid = 0;
	snprintf(key, sizeof key, "R22:%llu", (unsigned long long)m->id);
	enum xerr e = db_exec(db, NULL, &Q_REOPEN_GROUP,
			      DB_ARGS(DBS(wf_type_name(g->type)), DBS(g->clash_key), DBS(open_key), DBI(g->id), DBS(m->county_code)),
			      NULL, &aff, &gid);
	if (e != XE_OK)
		return e;
	if (aff != 1)
		return XE_INTERNAL; /* the member's county is not a unit */
	e = db_exec(db, NULL, &Q_REOPEN_MEMBER,
		    DB_ARGS(DBI(gid), DBI(m->student_id), DBI(m->school_id), DBS(m->province_code), DBS(m->city_code),
			    DBS(m->county_code), opt_str(due_date)),
		    NULL, NULL, &mid);
	*new_group = gid;
	*new_member = mid;
	return e;
}

enum xerr db_wf_holidays_range(struct db *db, struct arena *a, wd_day from, wd_day to, struct wd_exception **out, size_t *n)
{
	char fb[11], tb[11];
	const char *f = fb, *t = tb;
	struct db_rows rs;
	wd_format(from, fb);
	wd_format(to, tb);
	*out = NULL;
	*n = 0;
	enum xerr e = db_exec(db, a, &Q_HOLIDAYS_RANGE, DB_ARGS(DBS(f), DBS(t)), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	struct wd_exception *x = arena_alloc(a, (rs.n ? rs.n : 1) * sizeof *x);
	size_t k = 0;
	for (size_t i = 0; i < rs.n; i++) {
		wd_day d;
		if (wd_parse(db_get(&rs, i, 0), &d) != 0)
			continue;
		x[k].day = d;
		x[k].working = db_get_int(&rs, i, 1) != 0;
		k++;
	}
	*out = x;
	*n = k;
	return XE_OK;
}

/* The day n working days from today in China (n from the setting env): forward, the due date of a step entered today
 * (R24); backward, the escalation cutoff (issue 11 item 9). YYYY-MM-DD in the arena. */
static enum xerr working_days_away(struct db *db, struct arena *a, const char *env, int forward, const char **out)
{
	long n = config_int(env);
	wd_day today = config_today();
	struct wd_exception *x;
	size_t k;
	*out = NULL;
	enum xerr e = forward ? db_wf_holidays_range(db, a, today, today + n * 3 + 60, &x, &k)
			      : db_wf_holidays_range(db, a, today - n * 3 - 60, today, &x, &k);
	if (e != XE_OK)
		return e;
	char *s = arena_alloc(a, 11);
	wd_format(forward ? wd_add_working(today, (int)n, x, k) : wd_escalation_cutoff(today, (int)n, x, k), s);
	*out = s;
	return XE_OK;
}

enum xerr db_wf_due_date(struct db *db, struct arena *a, const char **out)
{
	return working_days_away(db, a, "XJ_DUE_WORKING_DAYS", 1, out);
}

enum xerr db_wf_escalate_cutoff(struct db *db, struct arena *a, const char **out)
{
	return working_days_away(db, a, "XJ_ESCALATE_WORKING_DAYS", 0, out);
}

enum xerr db_wf_holidays_year(struct db *db, struct arena *a, int year, struct db_rows *rows)
{
	char fb[11], tb[11];
	const char *f = fb, *t = tb;
	wd_format(wd_from_ymd(year, 1, 1), fb);
	wd_format(wd_from_ymd(year, 12, 31), tb);
	return db_exec(db, a, &Q_HOLIDAYS_YEAR, DB_ARGS(DBS(f), DBS(t)), rows, NULL, NULL);
}

enum xerr db_wf_holidays_clear_year(struct db *db, int year)
{
	char fb[11], tb[11];
	const char *f = fb, *t = tb;
	wd_format(wd_from_ymd(year, 1, 1), fb);
	wd_format(wd_from_ymd(year, 12, 31), tb);
	return db_exec(db, NULL, &Q_HOLIDAYS_CLEAR, DB_ARGS(DBS(f), DBS(t)), NULL, NULL, NULL);
}

enum xerr db_wf_holiday_put(struct db *db, const char *day, int working, const char *name, uint64_t user_id)
{
	return db_exec(db, NULL, &Q_HOLIDAY_PUT, DB_ARGS(DBS(day), DBI(working), DBS(name ? name : ""), opt_id(user_id)),
		       NULL, NULL, NULL);
}

enum xerr db_wf_idem_claim(struct db *db, const char *principal, const char *key, const unsigned char sha[32], int *taken)
{
	*taken = 0;
	enum xerr e = db_exec(db, NULL, &Q_IDEM_CLAIM, DB_ARGS(DBS(principal), DBS(key), DBSN((const char *)sha, 32)), NULL,
			      NULL, NULL);
	if (e == XE_DUPLICATE) {
		*taken = 1;
		return XE_OK;
	}
	return e;
}

enum xerr db_wf_idem_get(struct db *db, struct arena *a, const char *principal, const char *key, unsigned char sha[32],
			 int *status, const char **body)
{
	struct db_rows rs;
	*status = 0;
	*body = NULL;
	enum xerr e = db_exec(db, a, &Q_IDEM_GET, DB_ARGS(DBS(principal), DBS(key)), &rs, NULL, NULL);
	if (e != XE_OK || !rs.n)
		return e;
	memset(sha, 0, 32);
	if (rs.len[0] == 32)
		memcpy(sha, db_get(&rs, 0, 0), 32);
	*status = (int)db_get_int(&rs, 0, 1);
	*body = db_get(&rs, 0, 2);
	return XE_OK;
}

enum xerr db_wf_idem_store(struct db *db, const char *principal, const char *key, int status, const char *body)
{
	return db_exec(db, NULL, &Q_IDEM_STORE, DB_ARGS(DBI(status), DBS(body), DBS(principal), DBS(key)), NULL, NULL, NULL);
}

enum xerr db_wf_history_list(struct db *db, struct arena *a, uint64_t group_id, struct db_rows *rows)
{
	return db_exec(db, a, &Q_HISTORY_LIST, DB_ARGS(DBI(group_id)), rows, NULL, NULL);
}

/* The keyset arguments after a queue's own filter (see KEYSET). */
#define KEYSET_ARGS(today, k) \
	DBI((k) != NULL), DBS(today), DBI((k) ? (k)[0] : 0), DBS(today), DBI((k) ? (k)[0] : 0), DBI((k) ? (k)[1] : 0), \
		DBI((k) ? (k)[1] : 0), DBI((k) ? (k)[2] : 0)

/* Q_SEARCH's arguments (issue 13 item 1). */
static size_t queue_search_args(struct db_arg *x, const struct search *f)
{
	x[0] = DBS(f->type), x[1] = x[0];
	x[2] = f->school_id ? DBI(f->school_id) : DBNULL, x[3] = x[2];
	x[4] = DBS(f->due_before), x[5] = x[4];
	return 6 + db_search_student_args(x + 6, f);
}

/* Whether a queue's search reads only the queue key's columns (Q_SEARCH_PLAIN): no type, school or student searched. */
static int queue_plain(const struct search *f)
{
	return !f->type && !f->school_id && !db_search_student(f);
}

/* A member queue: today, the queue's own filter value, the filter (issue 11 item 7), the search, keyset, limit. */
static enum xerr member_queue(struct db *db, struct arena *a, const struct db_sql *q, struct db_arg who, const char *today,
			      int limit, int filter, const struct search *f, const long long *after, struct db_rows *items)
{
	struct db_arg x[2 * (6 + 6 + SEARCH_STUDENT_NARGS + 8 + 1) + 1];
	size_t n = 0;
	for (int part = 0; part < 2; part++) { /* the overdue members, then the others (QUEUE_PART) */
		x[n++] = DBS(today), x[n++] = who, x[n++] = DBS(today);
		x[n++] = DBI(filter), x[n++] = DBI(filter), x[n++] = DBS(today);
		n += queue_search_args(x + n, f);
		const struct db_arg k[] = {KEYSET_ARGS(today, after)};
		memcpy(x + n, k, sizeof k);
		n += sizeof k / sizeof *k;
		x[n++] = DBI(limit);
	}
	x[n++] = DBI(limit);
	assert(n == sizeof x / sizeof *x);
	return db_exec(db, a, q, x, n, items, NULL, NULL);
}

enum xerr db_wf_queue_school(struct db *db, struct arena *a, uint32_t school_id, int leader, const char *today, int limit,
			     int filter, const struct search *f, const long long *after, struct db_rows *items,
			     struct db_rows *counts)
{
	const struct db_sql *q = f->name_pattern ? (leader ? &Q_QUEUE_LEADER_NAME : &Q_QUEUE_CLERK_NAME)
				 : queue_plain(f) ? (leader ? &Q_QUEUE_LEADER_PLAIN : &Q_QUEUE_CLERK_PLAIN)
						  : (leader ? &Q_QUEUE_LEADER : &Q_QUEUE_CLERK);
	enum xerr e = member_queue(db, a, q, DBI(school_id), today, limit, filter, f, after, items);
	if (e == XE_OK)
		e = db_exec(db, a, leader ? &Q_QUEUE_LEADER_N : &Q_QUEUE_CLERK_N, DB_ARGS(DBS(today), DBI(school_id)), counts,
			    NULL, NULL);
	return e;
}

enum xerr db_wf_queue_county(struct db *db, struct arena *a, const char *county, const char *today, int limit,
			     int filter, const struct search *f, const long long *after, struct db_rows *items,
			     struct db_rows *counts)
{
	enum xerr e = member_queue(db, a,
				   f->name_pattern ? &Q_QUEUE_COUNTY_NAME
				   : queue_plain(f) ? &Q_QUEUE_COUNTY_PLAIN
						    : &Q_QUEUE_COUNTY,
				   DBS(county), today, limit, filter, f, after, items);
	if (e == XE_OK)
		e = db_exec(db, a, &Q_QUEUE_COUNTY_N, DB_ARGS(DBS(county), DBS(county), DBS(today), DBS(county), DBS(county)), counts,
			    NULL, NULL);
	return e;
}

enum xerr db_wf_queue_arbiter(struct db *db, struct arena *a, uint32_t unit_id, const char *today, int limit,
			      const struct search *f, const long long *after, struct db_rows *items, struct db_rows *counts)
{
	struct db_arg x[2 * (4 + 9 + SEARCH_STUDENT_NARGS + 8 + 1) + 1];
	size_t n = 0;
	for (int part = 0; part < 2; part++) { /* the overdue arbitrations, then the others (ARB_PART) */
		x[n++] = DBS(today);
		if (f->name_pattern)
			x[n++] = DBS(f->name_pattern); /* ARB_FROM_NAME */
		x[n++] = DBI(unit_id), x[n++] = DBS(today);
		x[n++] = DBS(f->type), x[n++] = DBS(f->type), x[n++] = DBS(f->due_before), x[n++] = DBS(f->due_before);
		x[n++] = DBI(db_search_student(f) || f->school_id || f->county);
		x[n] = f->school_id ? DBI(f->school_id) : DBNULL, x[n + 1] = x[n], n += 2;
		x[n++] = DBS(f->county), x[n++] = DBS(f->county);
		n += db_search_student_args(x + n, f);
		const struct db_arg k[] = {KEYSET_ARGS(today, after)};
		memcpy(x + n, k, sizeof k);
		n += sizeof k / sizeof *k;
		x[n++] = DBI(limit);
	}
	x[n++] = DBI(limit);
	assert(n == sizeof x / sizeof *x - (f->name_pattern ? 0 : 2));
	enum xerr e = db_exec(db, a, f->name_pattern ? &Q_QUEUE_ARB_NAME : &Q_QUEUE_ARB, x, n, items, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, a, &Q_QUEUE_ARB_N, DB_ARGS(DBS(today), DBI(unit_id)), counts, NULL, NULL);
	return e;
}

enum xerr db_wf_reminders(struct db *db, struct arena *a, uint32_t unit_id, const char *county_code, int limit,
			  const char *after_due, uint64_t after_group, uint64_t after_member, struct db_rows *rows)
{
	const char *cut = NULL;
	enum xerr e = db_wf_escalate_cutoff(db, a, &cut);
	if (e != XE_OK)
		return e;
	const int k = after_due != NULL;
	const char *d = after_due ? after_due : "1000-01-01";
#define REM_K DBI(k), DBS(d), DBS(d), DBI(after_group), DBI(after_group), DBI(after_member)
	return db_exec(db, a, &Q_REMINDERS,
		       DB_ARGS(DBS(county_code), DBS(cut), DBS(cut), REM_K, DBI(unit_id), DBS(cut), REM_K, DBI(unit_id), DBS(cut),
			       DBI(k), DBS(d), DBS(d), DBI(after_group), DBI(limit)),
		       rows, NULL, NULL);
#undef REM_K
}

enum xerr db_wf_overdue(struct db *db, struct arena *a, const struct principal *who, const char *today, int limit,
			const struct search *f, const long long *after, struct db_rows *rows)
{
	const char *cut = NULL;
	enum xerr e = db_wf_escalate_cutoff(db, a, &cut);
	if (e != XE_OK)
		return e;
	struct db_arg x[1 + 4 + 3 + 1 + OV_SEARCH_NARGS + 5 + 1];
	enum scope_kind k = scope_kind_of(who);
	/* R30: candidates and rows before a bound B (Q_OV_BOUND); B moves on while the page is not full, then is today.
	 * B first lies twice the page out (a member late on a step of its group shares that row with the group's other late
	 * members; 10M, c=1 medians against 4 x limit + 64: the ministry's list of a surname 4.42/3.47 -> 2.85/2.26 ms, its
	 * whole list and a county's or a city's unchanged) */
	long long cand = 2LL * limit + 16;
	int initial = k == SCOPE_ALL && f->name_wide; /* the ministry, a surname (Q_OV_BOUND_INITIAL) */
	struct db_arg name1 = DBS(initial ? f->name : f->name_pattern); /* OV_NAME tests it for NULL only */
	for (int round = 0;; round++) {
		const char *bound = today;
		if (cand > 0) {
			struct db_rows b;
			e = db_exec(db, a, initial ? &Q_OV_BOUND_INITIAL : f->name_pattern ? &Q_OV_BOUND_NAME[k] : &Q_OV_BOUND[k],
				    DB_ARGS(DBS(today), DBI(after ? after[0] : 0), scope_arg(who), name1, DBS(f->name_pattern),
					    DBI(cand - 1)),
				    &b, NULL, NULL);
			if (e != XE_OK)
				return e;
			if (b.n && db_get(&b, 0, 0))
				bound = db_get(&b, 0, 0);
		}
		size_t n = 0;
		x[n++] = DBS(cut);
		x[n++] = DBS(bound), x[n++] = scope_arg(who), x[n++] = name1, x[n++] = DBS(f->name_pattern);
		x[n++] = DBS(bound), x[n++] = DBS(bound), x[n++] = DBS(bound);
		x[n++] = scope_arg(who);
		x[n++] = DBS(f->type), x[n++] = DBS(f->type);
		x[n] = f->school_id ? DBI(f->school_id) : DBNULL, x[n + 1] = x[n], n += 2;
		x[n++] = DBS(f->county), x[n++] = DBS(f->county);
		n += db_search_student_args(x + n, f);
		x[n++] = DBI(after != NULL);
		for (int i = 0; i < WF_OVERDUE_KEYS; i++)
			x[n++] = DBI(after ? after[i] : 0);
		x[n++] = DBI(limit);
		assert(n == sizeof x / sizeof *x);
		if ((e = db_exec(db, a, initial ? &Q_OVERDUE_INITIAL : f->name_pattern ? &Q_OVERDUE_NAME[k] : &Q_OVERDUE[k], x, n,
				 rows, NULL, NULL)) != XE_OK ||
		    rows->n >= (size_t)limit || bound == today)
			return e;
		/* a sparse search: a bound as much wider as the rows found ask for (x2 to x16), then none */
		long long grow = rows->n ? (3LL * limit + 2 * (long long)rows->n - 1) / (2 * (long long)rows->n) : 16;
		cand = round < 3 ? cand * (grow < 2 ? 2 : grow > 16 ? 16 : grow) : 0;
	}
}

enum xerr db_wf_feed_sequence(struct db *db, struct arena *a, const char *province, long long *last_seq)
{
	struct db_rows rs;
	*last_seq = 0;
	enum xerr e = db_exec(db, NULL, &Q_FEED_SEQ_ENSURE, DB_ARGS(DBS(province)), NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, a, &Q_FEED_SEQ_LOCK, DB_ARGS(DBS(province)), &rs, NULL, NULL);
	if (e != XE_OK)
		return e;
	long long last = rs.n ? db_get_int(&rs, 0, 0) : 0;
	*last_seq = last;
	e = db_exec(db, a, &Q_FEED_PENDING, DB_ARGS(DBS(province)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	long long upto = db_get_int(&rs, rs.n - 1, 0);
	unsigned long long moved = 0;
	e = db_exec(db, NULL, &Q_FEED_MOVE, DB_ARGS(DBI(last), DBS(province), DBI(upto)), NULL, &moved, NULL);
	if (e == XE_OK && moved != rs.n)
		return XE_INTERNAL; /* the range is locked: what was read is what moves */
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_FEED_DROP, DB_ARGS(DBS(province), DBI(upto)), NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_FEED_SEQ_SET, DB_ARGS(DBI(last + (long long)moved), DBS(province)), NULL, NULL, NULL);
	if (e == XE_OK)
		*last_seq = last + (long long)moved;
	return e;
}

enum xerr db_wf_feed_read(struct db *db, struct arena *a, const char *province, long long cursor, int limit,
			  struct db_rows *rows)
{
	return db_exec(db, a, &Q_FEED_READ, DB_ARGS(DBS(province), DBI(cursor), DBI(limit)), rows, NULL, NULL);
}
