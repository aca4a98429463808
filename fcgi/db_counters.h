/* db_counters: the counters behind the home tiles and statistics (issue 13 item 3, R30), read without scanning.
 * The database keeps them in the same transaction as every change of student, group_member and problem_group
 * (triggers of sql/320_counters.sql, so every write path, today's and tomorrow's, updates them); this module reads
 * them for a caller's jurisdiction (R1-R3) and compares or rebuilds them against a COUNT(*) of the rows.
 *   count_school: per school, kinds 's' (k1 status), 'm' (k1 type, k2 member state, k3 handling),
 *                 'd' (k1 member state, day due date); summed over the caller's path with the one scope filter
 *   count_rollup: the same per county, city, province and the country (key status, member state, or state and day)
 *   count_group:  per unit at every level (a group counted once per unit it touches), kinds 'g' (k1 type, k2 state),
 *                 'l' (deadline of groups not done), 'a' (due date of arbitrations); the caller reads its own unit */
#ifndef XJ_DB_COUNTERS_H
#define XJ_DB_COUNTERS_H
#include "db.h"
#include "http.h"

/* Scalar subqueries for another module's statement (the county's work queue, db_workflow.c): one county's members in
 * one member state from its count_rollup rows, exact in the reader's snapshot. SQL_COUNTY_MEMBERS(STATE): all of them;
 * one argument, the county code. SQL_COUNTY_MEMBERS_DUE(STATE): those due before a day ('d' rows, the folded day
 * included); two arguments, the county code and the day (YYYY-MM-DD). */
#define SQL_COUNTY_MEMBERS(STATE)                                                                                     \
	"(SELECT COALESCE(SUM(c.n), 0) FROM count_rollup c WHERE c.level = 3 AND c.kind = 'm' AND c.unit_key = ?"      \
	" AND c.k1 = '" STATE "')"
#define SQL_COUNTY_MEMBERS_DUE(STATE)                                                                                 \
	"(SELECT COALESCE(SUM(c.n), 0) FROM count_rollup c WHERE c.level = 3 AND c.kind = 'd' AND c.unit_key = ?"      \
	" AND c.k1 = '" STATE "' AND c.day < ?)"

/* A school's sums (who a school; a bureau's are the sums of its units below, db_counters_units_below): columns kind,
 * key, n; key is the status ('s'), the member state ('m') or the member state of members due before today ('d',
 * YYYY-MM-DD). Rows with n = 0 are left out. */
enum xerr db_counters_school_totals(struct db *db, struct arena *a, const struct principal *who, const char *today,
				    struct db_rows *rows);
/* One row per unit of `level` (1 provinces, 3 counties) under who's unit, from count_rollup: columns unit code (2 or 6
 * digits), name, kind, key ('d': the member state of members due before today, summed over the days), n, ordered by
 * code; rows with n = 0 are left out. Every counted row of who's jurisdiction is in exactly one unit below (a
 * county's unit below is itself), so their sums are who's totals. */
enum xerr db_counters_units_below(struct db *db, struct arena *a, const struct principal *who, int level, const char *today,
				  struct db_rows *rows);
/* A page of the schools under who's unit (a bureau), keyset-paged by (county code, school id): the schools after
 * (after_county, after_school) (after_county NULL: the first page), at most limit. page: county_code, school_id, school
 * code, school name, when it closed (NULL: open; a closed school keeps its records and counts), one row a school; sums: county_code, school_id, kind, key, n, the page's count_school rows (as
 * db_counters_school_totals before summing: several rows a key, to be added up); groups: unit_key ("county/school
 * id"), kind, state, n, the page's count_group rows (as db_counters_groups_below, to be added up). Rows with n = 0 and
 * the dated kinds' rows from today on are left out. */
enum xerr db_counters_schools_page(struct db *db, struct arena *a, const struct principal *who, const char *today, int limit,
				    const char *after_county, long long after_school, struct db_rows *page, struct db_rows *sums,
				    struct db_rows *groups);
/* Groups counted at who's own unit: columns kind, type, state, n ('g': by type and state; 'l'/'a': past their date
 * before today, state ""). */
enum xerr db_counters_groups(struct db *db, struct arena *a, const struct principal *who, const char *today,
			     struct db_rows *rows);
/* Groups per county (level 3) or per school (level 4) under who's unit: columns unit_key, kind, state, n. */
enum xerr db_counters_groups_below(struct db *db, struct arena *a, const struct principal *who, int level, const char *today,
				   struct db_rows *rows);

/* Every counter that differs from a COUNT(*) of the rows it counts: columns table ("count_school", "count_group",
 * "count_rollup"),
 * key (its columns joined by '|'; days before today as 1000-01-01), expected minus stored. No row: every counter is
 * exact. */
enum xerr db_counters_check(struct db *db, struct arena *a, const char *today, struct db_rows *diff);
/* Fold the past days of the kinds counted "due before today" (YYYY-MM-DD; 'd', 'l', 'a'): each key's rows of a day before
 * today are summed into its row on 1000-01-01 and removed (sql/397), one table, level, kind and day per transaction;
 * then every counter across its shards (shards other than 0 into 0: a school's per county and kind, count_rollup's and
 * count_group's undated kinds per level, kind and province, one slice per transaction). The sums every reader takes
 * (day < today, over the shards) do not change. *removed: the rows removed; *busy: the slices left for the next pass
 * because a change held their rows (the fold never waits for a lock). Run by housekeeping. */
enum xerr db_counters_fold(struct db *db, const char *today, unsigned long long *removed, unsigned long long *busy);
/* Recompute every counter from the rows, in one transaction (run on a quiet system: a change committed meanwhile
 * is counted by its trigger and by the copy). */
enum xerr db_counters_rebuild(struct db *db);

#endif
