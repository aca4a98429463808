/* db_search: the SQL of the list searches (issue 13 item 1), one place for the registry's and the workflow's lists:
 * the student search as a post-filter of a joined student row, the member filters, and their arguments from a
 * struct search (search.h). Each list's driving index is chosen by the statement (FORCE INDEX), these fragments
 * only filter what it reads. */
#ifndef XJ_DB_SEARCH_H
#define XJ_DB_SEARCH_H
#include "db.h"
#include "search.h"
#include <string.h>

/* Whose step a waiting member is (SPEC s.6): the states in which each party acts on it, as workflow.c's table says (its
 * rows of that actor, the re-open of a done group aside; a unit test derives them from wf_rules): the school clerk's
 * two (SQL_STATES_CLERK, quoted and comma-separated), the school leader's one and the county bureau's one (bare names,
 * SQL_STATE_LEADER and SQL_STATE_COUNTY: "= '" X "'" in a statement, or SQL_COUNTY_MEMBERS(X)); the school's (the
 * clerk's and the leader's) as an SQL list. Literals, for they are parts of static statements' text. */
#define SQL_STATES_CLERK "'unconfirmed','open'"
#define SQL_STATE_LEADER "awaiting_leader"
#define SQL_STATE_COUNTY "awaiting_review"
#define SQL_STATES_SCHOOL "(" SQL_STATES_CLERK ",'" SQL_STATE_LEADER "')"
/* Member states still waiting for someone (SPEC s.6; the workflow's "pending"): as an SQL list, and X(state, ...) of
 * each with SEP between (one statement per state). SQL_PENDING is every party's states above, not built by
 * PENDING_EACH, so that it expands inside an X too; a unit test checks the two name the same states. */
#define SQL_PENDING "(" SQL_STATES_CLERK ",'" SQL_STATE_LEADER "','" SQL_STATE_COUNTY "')"
#define PENDING_EACH(X, SEP, ...)                                                                                     \
	X("unconfirmed", __VA_ARGS__) SEP X("open", __VA_ARGS__) SEP X("awaiting_leader", __VA_ARGS__)                 \
	SEP X("awaiting_review", __VA_ARGS__)
#define PENDING_N 4
#define SQL_PENDING_QUOTED(S, ...) "'" S "'"
/* R20: rejected by the bureau, with the school to handle again (the persistent column of sql/384). */
#define SQL_REJECTED(M) "(" M ".rejected_open = 1)"

/* The student search on student row S: exact ID number (canonical or as typed), exact student number, name LIKE
 * pattern (prefix or exact; wildcards refused by search.c, backslash escaped). 7 arguments: db_search_student_args. */
#define SQL_SEARCH_STUDENT(S)                                                                                         \
	" AND (? IS NULL OR " S ".id_number IN (?, ?)) AND (? IS NULL OR " S ".student_no = ?)"                        \
	" AND (? IS NULL OR " S ".name LIKE ?)"
#define SEARCH_STUDENT_NARGS 7
/* The same search on member row M, without reading its record for a name (the member's copy s_name, sql/382): the
 * record is read only for an ID number or a student number (a subquery the OR skips when the search has none). The
 * same 7 arguments. */
#define SQL_SEARCH_MEMBER_STUDENT(M)                                                                                  \
	" AND (? IS NULL OR EXISTS (SELECT 1 FROM student s WHERE s.id = " M ".student_id AND s.id_number IN (?, ?)))"   \
	" AND (? IS NULL OR EXISTS (SELECT 1 FROM student s WHERE s.id = " M ".student_id AND s.student_no = ?))"       \
	" AND (? IS NULL OR " M ".s_name LIKE ?)"
/* The searches' arguments when none is set (db_search_student / db_search_member false): the same count, no column
 * named. A list that reads its page off a key alone takes these: a condition on a column outside the key, even
 * "? IS NULL OR ..." with a NULL argument, makes MariaDB read every row the key walks (issue 13, R30). */
#define SQL_SEARCH_STUDENT_NONE " AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL"
/* Whether s searches for a student (an ID number, a student number or a name). */
static inline int db_search_student(const struct search *s) { return s->id_number || s->student_no || s->name_pattern; }
static inline size_t db_search_student_args(struct db_arg *x, const struct search *s)
{
	x[0] = DBS(s->id_number), x[1] = DBS(s->id_number), x[2] = DBS(s->id_alt);
	x[3] = DBS(s->student_no), x[4] = DBS(s->student_no);
	x[5] = DBS(s->name_pattern), x[6] = DBS(s->name_pattern);
	return SEARCH_STUDENT_NARGS;
}

/* The member filters on member row M: school, county, handling state, rejected to handle again (R20), overdue and
 * due before a day (R24, pending members only). 11 arguments: db_search_member_args (today: YYYY-MM-DD). */
#define SQL_SEARCH_MEMBER(M)                                                                                          \
	" AND (? IS NULL OR " M ".school_id = ?) AND (? IS NULL OR " M ".county_code = ?) AND (? IS NULL OR " M         \
	".state = ?) AND (? = 0 OR " SQL_REJECTED(M) ")"                                                              \
	" AND (? IS NULL OR (" M ".state IN " SQL_PENDING " AND " M ".due_date < ?))"                                  \
	" AND (? IS NULL OR (" M ".state IN " SQL_PENDING " AND " M ".due_date < ?))"
#define SEARCH_MEMBER_NARGS 11
#define SQL_SEARCH_MEMBER_NONE                                                                                        \
	" AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? = 0 AND ? IS NULL"    \
	" AND ? IS NULL AND ? IS NULL AND ? IS NULL"
static inline int db_search_member(const struct search *s)
{
	return s->school_id || s->county || s->member_state || s->rejected || s->overdue || s->due_before;
}
/* The member search's two days (R24: a pending member due before them), as "? IS NULL OR due_date < ?" pairs: today
 * when overdue is asked, the due_before day; NULL for one not asked. 4 arguments. */
static inline size_t db_search_due_args(struct db_arg *x, const struct search *s, const char *today)
{
	x[0] = s->overdue ? DBS(today) : DBNULL, x[1] = x[0];
	x[2] = DBS(s->due_before), x[3] = x[2];
	return 4;
}
/* The earlier of those days (NULL: neither asked): every pending member the search keeps is due before it. */
static inline const char *db_search_due_until(const struct search *s, const char *today)
{
	if (!s->overdue)
		return s->due_before;
	return s->due_before && strcmp(s->due_before, today) < 0 ? s->due_before : today;
}
static inline size_t db_search_member_args(struct db_arg *x, const struct search *s, const char *today)
{
	x[0] = s->school_id ? DBI(s->school_id) : DBNULL, x[1] = x[0];
	x[2] = DBS(s->county), x[3] = x[2];
	x[4] = DBS(s->member_state), x[5] = x[4];
	x[6] = DBI(s->rejected);
	db_search_due_args(x + 7, s, today);
	return SEARCH_MEMBER_NARGS;
}

#endif
