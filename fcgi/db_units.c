/* db_units: SQL of schools as living data (see db_units.h). */
#include "db_units.h"
#include "db_registry.h"
#include "db_workflow.h"
#include "scope.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define SCHOOL_COLS \
	"SELECT s.id, s.code, s.name, s.school_type, s.address, DATE_FORMAT(s.closed_at, '%Y-%m-%dT%H:%i:%sZ'), s.version," \
	" c.id, c.code, c.name, s.province_code, s.city_code FROM unit s JOIN unit c ON c.id = s.parent_id"
static const struct db_sql Q_COUNTY = {
	"SELECT id, code, name, province_code, city_code FROM unit WHERE code = ? AND level = 3 AND retired_at IS NULL"};
static const struct db_sql Q_SCHOOL[SCOPE_N] = SCOPE_SQL(SCHOOL_COLS " WHERE s.id = ? AND s.level = 4 AND ", "s", "id", "");
static const struct db_sql Q_SCHOOL_BY_CODE = {SCHOOL_COLS " WHERE s.code = ? AND s.level = 4"};
static const struct db_sql Q_CREATE = {
	"INSERT INTO unit (code, level, name, school_type, address, parent_id, province_code, city_code, county_code)"
	" VALUES (?, 4, ?, ?, ?, ?, ?, ?, ?)"};
static const struct db_sql Q_UPDATE = {
	"UPDATE unit SET name = COALESCE(?, name), school_type = COALESCE(?, school_type), address = COALESCE(?, address),"
	" version = version + 1 WHERE id = ? AND level = 4 AND version = ? AND closed_at IS NULL"};
static const struct db_sql Q_LOAD = {
	"SELECT (SELECT COUNT(*) FROM student s FORCE INDEX (k_student_school) WHERE s.school_id = ? AND s.status <> 'deleted'),"
	" (SELECT COUNT(*) FROM group_member m FORCE INDEX (k_member_school) JOIN problem_group g ON g.id = m.group_id"
	"  WHERE m.school_id = ? AND g.state <> 'done')"};
static const struct db_sql Q_CLOSE = {
	"UPDATE unit SET closed_at = UTC_TIMESTAMP(6), version = version + 1 WHERE id = ? AND level = 4 AND version = ?"
	" AND closed_at IS NULL"};
static const struct db_sql Q_MERGE_LOCK = {
	"UPDATE unit SET version = version + 1 WHERE id = ? AND level = 4 AND version = ? AND closed_at IS NULL"};
static const struct db_sql Q_MERGE_INTO_OPEN = {
	"SELECT id FROM unit WHERE id = ? AND level = 4 AND closed_at IS NULL FOR UPDATE"};
static const struct db_sql Q_MERGE_HIST = {
	"INSERT INTO history (student_id, actor_user_id, actor_role, action, reason)"
	" SELECT s.id, ?, ?, 'school_merged', ? FROM student s FORCE INDEX (k_student_school_id) WHERE s.school_id = ?"};
static const struct db_sql Q_MERGE_STUDENTS = {
	"UPDATE student FORCE INDEX (k_student_school_id) SET school_id = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6)"
	" WHERE school_id = ?"};
static const struct db_sql Q_MERGE_MEMBERS = {
	"UPDATE group_member FORCE INDEX (k_member_school) SET school_id = ? WHERE school_id = ?"};
/* re-districting (issue 16 item 2): the school's path, its records', its members', its open groups' R2 scope */
static const struct db_sql Q_MOVE_LOCK = {
	"UPDATE unit SET parent_id = ?, city_code = ?, county_code = ?, version = version + 1"
	" WHERE id = ? AND level = 4 AND version = ? AND closed_at IS NULL"};
static const struct db_sql Q_MOVE_GROUPS = {
	"SELECT g.id, g.arbiter_unit_id FROM (SELECT DISTINCT group_id FROM group_member FORCE INDEX (k_member_school)"
	" WHERE school_id = ?) y STRAIGHT_JOIN problem_group g ON g.id = y.group_id WHERE g.state <> 'done' ORDER BY g.id FOR UPDATE"};
static const struct db_sql Q_MOVE_HIST = {
	"INSERT INTO history (student_id, actor_user_id, actor_role, action, reason)"
	" SELECT s.id, ?, ?, 'school_moved', ? FROM student s FORCE INDEX (k_student_school_id) WHERE s.school_id = ?"};
static const struct db_sql Q_MOVE_STUDENTS = {
	"UPDATE student FORCE INDEX (k_student_school_id) SET city_code = ?, county_code = ?, version = version + 1,"
	" updated_at = UTC_TIMESTAMP(6) WHERE school_id = ?"};
static const struct db_sql Q_MOVE_MEMBERS = {
	"UPDATE group_member FORCE INDEX (k_member_school) SET city_code = ?, county_code = ? WHERE school_id = ?"};
/* R2 recomputed over every member of the open groups the school's records are in */
static const struct db_sql Q_MOVE_SCOPE = {DB_R2_GROUPS(
	"(SELECT DISTINCT group_id FROM group_member FORCE INDEX (k_member_school) WHERE school_id = ?) y"
	" STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id = y.group_id") " WHERE g.state <> 'done'"};
static const struct db_sql Q_MOVE_GROUP_NOW = {
	"SELECT g.arbiter_unit_id, g.state, o.code, u.code FROM problem_group g JOIN unit u ON u.id = g.arbiter_unit_id"
	" JOIN unit o ON o.id = ? WHERE g.id = ?"};
/* a group whose arbiter changed: its version moves (a stale page cannot decide it) and an arbitration already waiting
 * starts again at the new arbiter with its own 10 working days (R24) */
static const struct db_sql Q_MOVE_GROUP_BUMP = {
	"UPDATE problem_group SET version = version + 1, updated_at = UTC_TIMESTAMP(6),"
	" arb_since = IF(state = 'awaiting_arbitration', UTC_TIMESTAMP(6), arb_since),"
	" arb_due_date = IF(state = 'awaiting_arbitration', ?, arb_due_date) WHERE id = ?"};
static const struct db_sql Q_MOVE_GROUP_HIST = {
	"INSERT INTO history (group_id, actor_user_id, actor_role, action, state_before, state_after, reason)"
	" VALUES (?, ?, ?, 'arbiter_changed', ?, ?, ?)"};
/* R31 pairs follow too: their counties, and the R2 arbiter of a pair still open; STUDENTS picks the moved records
 * (alias s) */
#define PAIRS_FOLLOW(SIDE, OTHER, STUDENTS)                                                                            \
	"UPDATE " STUDENTS " JOIN suspect_pair p ON p." SIDE "_id = s.id"                                                   \
	" JOIN student o ON o.id = p." OTHER "_id JOIN unit u ON u.code = "                                                  \
	DB_R2_CODE("s.province_code<>o.province_code", "s.city_code<>o.city_code", "s.county_code<>o.county_code",         \
		   "s.province_code", "s.city_code", "s.county_code")                                                     \
	" SET p." SIDE "_county = s.county_code, p.arbiter_unit_id = IF(p.state = 'open', u.id, p.arbiter_unit_id),"     \
	" p.version = p.version + 1, p.updated_at = UTC_TIMESTAMP(6)"
#define OF_SCHOOL "student s FORCE INDEX (k_student_school_id)", " WHERE s.school_id = ?"
#define OF_COUNTY "student s FORCE INDEX (k_student_county_id)", " WHERE s.county_code = ?"
#define PAIRS_OF(SIDE, OTHER, ARGS) PAIRS_FOLLOW_(SIDE, OTHER, ARGS)
#define PAIRS_FOLLOW_(SIDE, OTHER, STUDENTS, WHERE) PAIRS_FOLLOW(SIDE, OTHER, STUDENTS) WHERE
static const struct db_sql Q_MOVE_PAIRS_LO = {PAIRS_OF("lo", "hi", OF_SCHOOL)};
static const struct db_sql Q_MOVE_PAIRS_HI = {PAIRS_OF("hi", "lo", OF_SCHOOL)};
/* division updates (issue 16 item 3) */
static const struct db_sql Q_DIV_UNIT = {
	"SELECT u.id, u.level, u.name, u.retired_at IS NOT NULL, u.province_code, u.city_code, u.county_code, r.code FROM unit u"
	" LEFT JOIN unit r ON r.id = u.replaced_by WHERE u.code = ? AND u.level BETWEEN 1 AND 3"};
static const struct db_sql Q_DIV_CHILDREN = {
	"SELECT code FROM unit FORCE INDEX (k_unit_parent) WHERE parent_id = ? AND level = 3 AND retired_at IS NULL ORDER BY code"};
static const struct db_sql Q_DIV_ADD = {
	"INSERT INTO unit (id, code, level, name, parent_id, province_code, city_code, county_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"};
static const struct db_sql Q_DIV_RENAME = {"UPDATE unit SET name = ?, version = version + 1 WHERE id = ?"};
static const struct db_sql Q_DIV_GROUPS = {
	"SELECT g.id, g.arbiter_unit_id FROM (SELECT DISTINCT group_id FROM group_member FORCE INDEX (k_member_county)"
	" WHERE county_code = ?) y STRAIGHT_JOIN problem_group g ON g.id = y.group_id WHERE g.state <> 'done' ORDER BY g.id FOR UPDATE"};
static const struct db_sql Q_DIV_HIST = {
	"INSERT INTO history (student_id, actor_role, action, reason)"
	" SELECT s.id, 'system', 'division_changed', ? FROM student s FORCE INDEX (k_student_county_id) WHERE s.county_code = ?"};
static const struct db_sql Q_DIV_SCHOOLS = {
	"UPDATE unit FORCE INDEX (k_unit_parent) SET parent_id = ?, province_code = ?, city_code = ?, county_code = ?,"
	" version = version + 1 WHERE parent_id = ? AND level = 4"};
static const struct db_sql Q_DIV_STUDENTS = {
	"UPDATE student FORCE INDEX (k_student_county_id) SET province_code = ?, city_code = ?, county_code = ?,"
	" version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE county_code = ?"};
static const struct db_sql Q_DIV_MEMBERS = {
	"UPDATE group_member FORCE INDEX (k_member_county) SET province_code = ?, city_code = ?, county_code = ? WHERE county_code = ?"};
static const struct db_sql Q_DIV_PAIRS_LO = {PAIRS_OF("lo", "hi", OF_COUNTY)};
static const struct db_sql Q_DIV_PAIRS_HI = {PAIRS_OF("hi", "lo", OF_COUNTY)};
static const struct db_sql Q_DIV_USERS = {"UPDATE app_user SET unit_id = ?, version = version + 1 WHERE unit_id = ?"};
static const struct db_sql Q_DIV_RETIRE = {
	"UPDATE unit SET retired_at = UTC_TIMESTAMP(6), replaced_by = ?, version = version + 1 WHERE id = ? AND retired_at IS NULL"};
static const struct db_sql Q_DIV_SCOPE = {DB_R2_GROUPS(
	"(SELECT DISTINCT group_id FROM group_member FORCE INDEX (k_member_county) WHERE county_code = ?) y"
	" STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id = y.group_id") " WHERE g.state <> 'done'"};
static const struct db_sql Q_DISABLE_USERS = {"UPDATE app_user SET disabled = 1, version = version + 1 WHERE unit_id = ?"};

enum xerr db_units_county(struct db *db, struct arena *a, const char *code, struct db_school *c, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_COUNTY, DB_ARGS(DBS(code)), &rs, NULL, NULL);
	if (e != XE_OK || !rs.n)
		return e;
	*found = 1;
	c->county_id = (uint32_t)db_get_int(&rs, 0, 0);
	c->county_code = db_get(&rs, 0, 1);
	c->county_name = db_get(&rs, 0, 2);
	c->province_code = db_get(&rs, 0, 3);
	c->city_code = db_get(&rs, 0, 4);
	return XE_OK;
}

/* the school of SCHOOL_COLS' row 0 */
static void school_of(const struct db_rows *rs, struct db_school *s)
{
	s->id = (uint32_t)db_get_int(rs, 0, 0);
	s->code = db_get(rs, 0, 1);
	s->name = db_get(rs, 0, 2);
	s->type = db_get(rs, 0, 3);
	s->address = db_get(rs, 0, 4);
	s->closed_at = db_get(rs, 0, 5);
	s->version = (unsigned)db_get_int(rs, 0, 6);
	s->county_id = (uint32_t)db_get_int(rs, 0, 7);
	s->county_code = db_get(rs, 0, 8);
	s->county_name = db_get(rs, 0, 9);
	s->province_code = db_get(rs, 0, 10);
	s->city_code = db_get(rs, 0, 11);
}

enum xerr db_units_school(struct db *db, struct arena *a, const struct principal *who, uint32_t id, struct db_school *s,
			  int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_SCHOOL[scope_kind_of(who)], DB_ARGS(DBI(id), scope_arg(who)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*found = 1, school_of(&rs, s);
	return e;
}

enum xerr db_units_school_by_code(struct db *db, struct arena *a, const char *code, struct db_school *s, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_SCHOOL_BY_CODE, DB_ARGS(DBS(code)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*found = 1, school_of(&rs, s);
	return e;
}

enum xerr db_units_school_create(struct db *db, const struct db_school *c, const char *code, const char *name, const char *type,
				 const char *address, uint32_t *id)
{
	unsigned long long nid = 0;
	enum xerr e = db_exec(db, NULL, &Q_CREATE,
			      DB_ARGS(DBS(code), DBS(name), DBS(type), DBS(address ? address : ""), DBI(c->county_id), DBS(c->province_code),
				      DBS(c->city_code), DBS(c->county_code)),
			      NULL, NULL, &nid);
	*id = (uint32_t)nid;
	return e;
}

enum xerr db_units_school_update(struct db *db, uint32_t id, unsigned version, const char *name, const char *type,
				 const char *address, int *changed)
{
	unsigned long long n = 0;
	enum xerr e = db_exec(db, NULL, &Q_UPDATE, DB_ARGS(DBS(name), DBS(type), DBS(address), DBI(id), DBI(version)), NULL, &n, NULL);
	*changed = n > 0;
	return e;
}

enum xerr db_units_school_load(struct db *db, struct arena *a, uint32_t id, long long *records, long long *open_members)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_LOAD, DB_ARGS(DBI(id), DBI(id)), &rs, NULL, NULL);
	*records = e == XE_OK && rs.n ? db_get_int(&rs, 0, 0) : 0;
	*open_members = e == XE_OK && rs.n ? db_get_int(&rs, 0, 1) : 0;
	return e;
}

enum xerr db_units_school_close(struct db *db, uint32_t id, unsigned version, int *changed)
{
	unsigned long long n = 0;
	enum xerr e = db_exec(db, NULL, &Q_CLOSE, DB_ARGS(DBI(id), DBI(version)), NULL, &n, NULL);
	*changed = n > 0;
	if (e == XE_OK && n)
		e = db_exec(db, NULL, &Q_DISABLE_USERS, DB_ARGS(DBI(id)), NULL, NULL, NULL);
	return e;
}

/* the school's 's' rows a record's counter trigger writes (count_add, sql/411: day 1000-01-01, k2 = k3 = ''; shard
 * the record's id mod 16, sql/386; an import chunk's shard 0, sql/400) for the statuses a live record has (R6) */
#define CLAIM_ROWS                                                                                                    \
	" (SELECT 'pending' st UNION ALL SELECT 'formal' UNION ALL SELECT 'problem') s JOIN (SELECT 0 sh UNION ALL SELECT 1" \
	" UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7"  \
	" UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL"       \
	" SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15) h"
static const struct db_sql Q_CLAIM_UP = {
	"INSERT INTO count_school (province_code, city_code, county_code, school_id, kind, k1, k2, k3, day, shard, n)"
	" SELECT u.province_code, u.city_code, u.county_code, u.id, 's', s.st, '', '', '1000-01-01', h.sh, 1 FROM unit u"
	" JOIN" CLAIM_ROWS " WHERE u.id = ? AND u.level = 4 ORDER BY s.st, h.sh ON DUPLICATE KEY UPDATE n = n + 1"};
static const struct db_sql Q_CLAIM_DOWN = {
	"UPDATE unit u JOIN" CLAIM_ROWS " JOIN count_school c ON c.county_code = u.county_code AND c.school_id = u.id"
	" AND c.kind = 's' AND c.k1 = s.st AND c.k2 = '' AND c.k3 = '' AND c.day = '1000-01-01' AND c.shard = h.sh"
	" SET c.n = c.n - 1 WHERE u.id = ? AND u.level = 4"};

enum xerr db_units_school_claim(struct db *db, uint32_t id)
{
	enum xerr e = db_exec(db, NULL, &Q_CLAIM_UP, DB_ARGS(DBI(id)), NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_CLAIM_DOWN, DB_ARGS(DBI(id)), NULL, NULL, NULL);
	return e;
}

enum xerr db_units_school_merge(struct db *db, struct arena *a, uint32_t from, unsigned version, uint32_t into,
				uint64_t user_id, const char *role, const char *reason, long long *moved, int *changed)
{
	unsigned long long n = 0;
	struct db_rows rs;
	*moved = 0;
	*changed = -1;
	/* the target is read under lock first: a school closed meanwhile takes nothing, and nothing is changed */
	enum xerr e = db_exec(db, a, &Q_MERGE_INTO_OPEN, DB_ARGS(DBI(into)), &rs, NULL, NULL);
	if (e != XE_OK || !rs.n)
		goto done;
	*changed = 0;
	if ((e = db_exec(db, NULL, &Q_MERGE_LOCK, DB_ARGS(DBI(from), DBI(version)), NULL, &n, NULL)) != XE_OK || !n)
		goto done;
	if ((e = db_exec(db, NULL, &Q_MERGE_HIST, DB_ARGS(DBI(user_id), DBS(role), DBS(reason), DBI(from)), NULL, NULL, NULL)) ||
	    (e = db_exec(db, NULL, &Q_MERGE_STUDENTS, DB_ARGS(DBI(into), DBI(from)), NULL, &n, NULL)))
		goto done;
	*moved = (long long)n;
	if ((e = db_exec(db, NULL, &Q_MERGE_MEMBERS, DB_ARGS(DBI(into), DBI(from)), NULL, NULL, NULL)) == XE_OK)
		*changed = 1;
done:
	return e;
}

/* After R2 was recomputed for the groups gs (rows: id, arbiter before): each whose arbiter changed gets a new version
 * (a stale page cannot decide it), an arbitration already waiting starts again at the new arbiter with its own 10
 * working days (R24), and a history event arbiter_changed "old -> new" (R25). */
static enum xerr arbiters_follow(struct db *db, struct arena *a, const struct db_rows *gs, uint64_t user_id, const char *role,
				 long long *changed)
{
	struct db_rows now;
	const char *due = NULL;
	enum xerr e = XE_OK;
	for (size_t i = 0; i < gs->n; i++) {
		long long gid = db_get_int(gs, i, 0), was = db_get_int(gs, i, 1);
		if ((e = db_exec(db, a, &Q_MOVE_GROUP_NOW, DB_ARGS(DBI(was), DBI(gid)), &now, NULL, NULL)))
			break;
		assert(now.n == 1);
		if (db_get_int(&now, 0, 0) == was)
			continue;
		const char *state = db_get(&now, 0, 1);
		if (!due && (e = db_wf_due_date(db, a, &due)))
			break;
		const char *why = arena_printf(a, "%s -> %s", db_get(&now, 0, 2), db_get(&now, 0, 3));
		if ((e = db_exec(db, NULL, &Q_MOVE_GROUP_BUMP, DB_ARGS(DBS(due), DBI(gid)), NULL, NULL, NULL)) ||
		    (e = db_exec(db, NULL, &Q_MOVE_GROUP_HIST,
				 DB_ARGS(DBI(gid), user_id ? DBI(user_id) : DBNULL, DBS(role), DBS(state), DBS(state), DBS(why)), NULL, NULL,
				 NULL)))
			break;
		(*changed)++;
	}
	return e;
}

enum xerr db_units_school_move(struct db *db, struct arena *a, uint32_t id, unsigned version, const struct db_school *county,
			       uint64_t user_id, const char *role, const char *reason, struct db_units_moved *out)
{
	unsigned long long n = 0;
	struct db_rows gs;
	memset(out, 0, sizeof *out);
	enum xerr e = db_exec(db, NULL, &Q_MOVE_LOCK,
			      DB_ARGS(DBI(county->county_id), DBS(county->city_code), DBS(county->county_code), DBI(id), DBI(version)),
			      NULL, &n, NULL);
	if (e != XE_OK || !n)
		goto done;
	out->changed = 1;
	/* the open groups first, under lock (the order a workflow action takes: group, then member) */
	if ((e = db_exec(db, a, &Q_MOVE_GROUPS, DB_ARGS(DBI(id)), &gs, NULL, NULL)) ||
	    (e = db_exec(db, NULL, &Q_MOVE_HIST, DB_ARGS(DBI(user_id), DBS(role), DBS(reason), DBI(id)), NULL, NULL, NULL)) ||
	    (e = db_exec(db, NULL, &Q_MOVE_STUDENTS, DB_ARGS(DBS(county->city_code), DBS(county->county_code), DBI(id)), NULL, &n,
			 NULL)))
		goto done;
	out->records = (long long)n;
	if ((e = db_exec(db, NULL, &Q_MOVE_MEMBERS, DB_ARGS(DBS(county->city_code), DBS(county->county_code), DBI(id)), NULL, &n,
			 NULL)))
		goto done;
	out->members = (long long)n;
	if ((e = db_exec(db, NULL, &Q_MOVE_SCOPE, DB_ARGS(DBI(id)), NULL, NULL, NULL)) ||
	    (e = db_exec(db, NULL, &Q_MOVE_PAIRS_LO, DB_ARGS(DBI(id)), NULL, NULL, NULL)) ||
	    (e = db_exec(db, NULL, &Q_MOVE_PAIRS_HI, DB_ARGS(DBI(id)), NULL, NULL, NULL)))
		goto done;
	out->groups = (long long)gs.n;
	e = arbiters_follow(db, a, &gs, user_id, role, &out->arbiters_changed);
done:
	return e;
}

enum xerr db_units_division(struct db *db, struct arena *a, const char *code, struct db_division *u, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_DIV_UNIT, DB_ARGS(DBS(code)), &rs, NULL, NULL);
	if (e != XE_OK || !rs.n)
		return e;
	*found = 1;
	u->id = (uint32_t)db_get_int(&rs, 0, 0);
	u->level = (int)db_get_int(&rs, 0, 1);
	u->name = db_get(&rs, 0, 2);
	u->retired = (int)db_get_int(&rs, 0, 3);
	u->province = db_get(&rs, 0, 4);
	u->city = db_get(&rs, 0, 5);
	u->county = db_get(&rs, 0, 6);
	u->replaced_by = db_get(&rs, 0, 7);
	return XE_OK;
}

enum xerr db_units_division_children(struct db *db, struct arena *a, uint32_t id, struct db_rows *codes)
{
	return db_exec(db, a, &Q_DIV_CHILDREN, DB_ARGS(DBI(id)), codes, NULL, NULL);
}

enum xerr db_units_division_add(struct db *db, const char *code, int level, const char *name, uint32_t parent_id,
				const char *province, const char *city, const char *county)
{
	return db_exec(db, NULL, &Q_DIV_ADD,
		       DB_ARGS(DBI(strtol(code, NULL, 10)), DBS(code), DBI(level), DBS(name), DBI(parent_id), DBS(province), DBS(city),
			       DBS(county)),
		       NULL, NULL, NULL);
}

enum xerr db_units_division_rename(struct db *db, uint32_t id, const char *name)
{
	return db_exec(db, NULL, &Q_DIV_RENAME, DB_ARGS(DBS(name), DBI(id)), NULL, NULL, NULL);
}

enum xerr db_units_division_map(struct db *db, struct arena *a, const char *from_code, const struct db_division *from,
				const struct db_division *to, const char *reason, struct db_units_mapped *out)
{
	unsigned long long n = 0;
	struct db_rows gs;
	enum xerr e;
	memset(out, 0, sizeof *out);
	if (from->level == 3) {
		/* the open groups first, under lock (a workflow action's order: group, then member) */
		if ((e = db_exec(db, a, &Q_DIV_GROUPS, DB_ARGS(DBS(from_code)), &gs, NULL, NULL)) ||
		    (e = db_exec(db, NULL, &Q_DIV_HIST, DB_ARGS(DBS(reason), DBS(from_code)), NULL, NULL, NULL)) ||
		    (e = db_exec(db, NULL, &Q_DIV_SCHOOLS,
				 DB_ARGS(DBI(to->id), DBS(to->province), DBS(to->city), DBS(to->county), DBI(from->id)), NULL, &n, NULL)))
			goto done;
		out->schools = (long long)n;
		if ((e = db_exec(db, NULL, &Q_DIV_STUDENTS, DB_ARGS(DBS(to->province), DBS(to->city), DBS(to->county), DBS(from_code)),
				 NULL, &n, NULL)))
			goto done;
		out->records = (long long)n;
		if ((e = db_exec(db, NULL, &Q_DIV_MEMBERS, DB_ARGS(DBS(to->province), DBS(to->city), DBS(to->county), DBS(from_code)),
				 NULL, &n, NULL)))
			goto done;
		out->members = (long long)n;
		if ((e = db_exec(db, NULL, &Q_DIV_SCOPE, DB_ARGS(DBS(to->county)), NULL, NULL, NULL)) ||
		    (e = db_exec(db, NULL, &Q_DIV_PAIRS_LO, DB_ARGS(DBS(to->county)), NULL, NULL, NULL)) ||
		    (e = db_exec(db, NULL, &Q_DIV_PAIRS_HI, DB_ARGS(DBS(to->county)), NULL, NULL, NULL)))
			goto done;
		out->groups = (long long)gs.n;
		if ((e = arbiters_follow(db, a, &gs, 0, "system", &out->arbiters_changed)))
			goto done;
	}
	if ((e = db_exec(db, NULL, &Q_DIV_USERS, DB_ARGS(DBI(to->id), DBI(from->id)), NULL, &n, NULL)))
		goto done;
	out->users = (long long)n;
	e = db_exec(db, NULL, &Q_DIV_RETIRE, DB_ARGS(DBI(to->id), DBI(from->id)), NULL, NULL, NULL);
done:
	return e;
}
