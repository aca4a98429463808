/* db_counters: SQL of the counters (issue 13 item 3, R30): jurisdiction sums for statistics and home tiles, the
 * comparison with COUNT(*) and the rebuild. The counters themselves are written by the triggers of
 * sql/320_counters.sql (the country's group shards: sql/330); the views count_*_expected there are the COUNT(*) they
 * must equal. */
#include "db_counters.h"
#include "scope.h"
#include <assert.h>

/* 'd' rows count only when due before today; n = 0 rows (everything moved away) are left out */
#define KEYED "c.kind, IF(c.kind = 'm', c.k2, c.k1)"
#define DUE_FILTER " AND (c.kind <> 'd' OR c.day < ?)"
static const struct db_sql Q_TOTALS[SCOPE_N] = SCOPE_SQL(
	"SELECT " KEYED ", SUM(c.n) n FROM count_school c WHERE ", "c", "school_id",
	DUE_FILTER " GROUP BY c.kind, 2 HAVING n <> 0 ORDER BY c.kind, 2");
/* a bureau (county and above): its own count_rollup rows (a few per key and shard); the units one level below */
#define R_DUE " AND (c.kind <> 'd' OR c.day < ?)"
static const struct db_sql Q_TOTALS_ROLLUP = {
	"SELECT c.kind, c.k1, SUM(c.n) n FROM count_rollup c WHERE c.level = ? AND c.unit_key = ?" R_DUE
	" GROUP BY c.kind, c.k1 HAVING n <> 0 ORDER BY c.kind, c.k1"};
static const struct db_sql Q_ROLLUP_BELOW = {
	"SELECT x.unit_key, u.name, x.kind, x.k1, x.n FROM (SELECT c.unit_key, c.kind, c.k1, SUM(c.n) n FROM count_rollup c"
	" WHERE c.level = ? AND c.unit_key LIKE ?" R_DUE " GROUP BY c.unit_key, c.kind, c.k1 HAVING n <> 0) x"
	" LEFT JOIN unit u ON u.code = RPAD(x.unit_key, 6, '0') ORDER BY x.unit_key, x.kind, x.k1"};
/* the schools under a city or county: county_code LIKE its code + '%', one range of count_school's primary key */
static const struct db_sql Q_BY_SCHOOL = {
	"SELECT x.school_id, u.code, u.name, x.county_code, x.kind, x.k, x.n FROM (SELECT c.school_id, c.county_code, "
	KEYED " k, SUM(c.n) n FROM count_school c WHERE c.county_code LIKE ?"
	DUE_FILTER " GROUP BY c.school_id, c.county_code, c.kind, 4 HAVING n <> 0) x LEFT JOIN unit u ON u.id = x.school_id"
	" ORDER BY x.school_id, x.kind, x.k"};
/* groups: the caller's own unit row (level, key), or the rows one or two levels below (key prefix) */
#define G_SUM "SUM(n) s FROM count_group WHERE level = ? AND "
#define G_DUE " AND (kind = 'g' OR day < ?)"
static const struct db_sql Q_GROUPS = {
	"SELECT kind, k1, k2, " G_SUM "unit_key = ?" G_DUE " GROUP BY kind, k1, k2 HAVING s <> 0 ORDER BY kind, k1, k2"};
static const struct db_sql Q_GROUPS_BELOW = {
	"SELECT unit_key, kind, k2, " G_SUM "unit_key LIKE ?" G_DUE " GROUP BY unit_key, kind, k2 HAVING s <> 0"
	" ORDER BY unit_key, kind, k2"};

#define S_KEY "county_code, school_id, kind, k1, k2, k3, day"
/* the country's group counters (level 0) are exact as a sum over their shards (sql/330: a group's presence may be added
 * through one province's shard and removed through another's), the levels below shard by shard */
#define G_KEY "level, unit_key, kind, k1, k2, day, shard"
#define G_KEY_IN "level, unit_key, kind, k1, k2, day, IF(level = 0, 0, shard) shard"
#define R_KEY "level, unit_key, kind, k1, day, shard"
static const struct db_sql Q_CHECK = {
	"SELECT 'count_school', CONCAT_WS('|', " S_KEY "), SUM(n) d FROM (SELECT " S_KEY ", n FROM count_school_expected"
	" UNION ALL SELECT " S_KEY ", -n FROM count_school) x GROUP BY " S_KEY " HAVING d <> 0"
	" UNION ALL SELECT 'count_group', CONCAT_WS('|', " G_KEY "), SUM(n) d FROM (SELECT " G_KEY_IN ", n FROM count_group_expected"
	" UNION ALL SELECT " G_KEY_IN ", -n FROM count_group) y GROUP BY " G_KEY " HAVING d <> 0"
	" UNION ALL SELECT 'count_rollup', CONCAT_WS('|', " R_KEY "), SUM(n) d FROM (SELECT " R_KEY ", n FROM count_rollup_expected"
	" UNION ALL SELECT " R_KEY ", -n FROM count_rollup) z GROUP BY " R_KEY " HAVING d <> 0 LIMIT 1000"};
static const struct db_sql Q_CLEAR_SCHOOL = {"DELETE FROM count_school"};
static const struct db_sql Q_CLEAR_GROUP = {"DELETE FROM count_group"};
static const struct db_sql Q_FILL_SCHOOL = {"INSERT INTO count_school SELECT * FROM count_school_expected"};
static const struct db_sql Q_FILL_GROUP = {"INSERT INTO count_group SELECT * FROM count_group_expected"};
static const struct db_sql Q_CLEAR_ROLLUP = {"DELETE FROM count_rollup"};
static const struct db_sql Q_FILL_ROLLUP = {"INSERT INTO count_rollup SELECT * FROM count_rollup_expected"};

enum xerr db_counters_school_totals(struct db *db, struct arena *a, const struct principal *who, const char *today,
				    struct db_rows *rows)
{
	enum scope_kind k = scope_kind_of(who);
	if (k != SCOPE_SCHOOL)
		return db_exec(db, a, &Q_TOTALS_ROLLUP, DB_ARGS(DBI(who->unit_level), DBS(scope_unit_key(who, a)), DBS(today)), rows,
			       NULL, NULL);
	return db_exec(db, a, &Q_TOTALS[k], DB_ARGS(scope_arg(who), DBS(today)), rows, NULL, NULL);
}

enum xerr db_counters_units_below(struct db *db, struct arena *a, const struct principal *who, int level, const char *today,
				  struct db_rows *rows)
{
	const char *prefix = arena_printf(a, "%s%%", scope_unit_key(who, a)); /* codes: digits, nothing to escape */
	return db_exec(db, a, &Q_ROLLUP_BELOW, DB_ARGS(DBI(level), DBS(prefix), DBS(today)), rows, NULL, NULL);
}

enum xerr db_counters_school_by_school(struct db *db, struct arena *a, const struct principal *who, const char *today,
				       struct db_rows *rows)
{
	assert(who->unit_level == LEVEL_CITY || who->unit_level == LEVEL_COUNTY);
	const char *prefix = arena_printf(a, "%s%%", scope_unit_key(who, a));
	return db_exec(db, a, &Q_BY_SCHOOL, DB_ARGS(DBS(prefix), DBS(today)), rows, NULL, NULL);
}

enum xerr db_counters_groups(struct db *db, struct arena *a, const struct principal *who, const char *today,
			     struct db_rows *rows)
{
	const char *key = scope_unit_key(who, a);
	return db_exec(db, a, &Q_GROUPS, DB_ARGS(DBI(who->unit_level), DBS(key), DBS(today)), rows, NULL, NULL);
}

enum xerr db_counters_groups_below(struct db *db, struct arena *a, const struct principal *who, int level, const char *today,
				   struct db_rows *rows)
{
	const char *key = scope_unit_key(who, a);
	const char *prefix = arena_printf(a, "%s%%", key); /* unit keys are digits and '/': nothing to escape for LIKE */
	return db_exec(db, a, &Q_GROUPS_BELOW, DB_ARGS(DBI(level), DBS(prefix), DBS(today)), rows, NULL, NULL);
}

enum xerr db_counters_check(struct db *db, struct arena *a, struct db_rows *diff)
{
	return db_exec(db, a, &Q_CHECK, DB_NOARGS, diff, NULL, NULL);
}

static enum xerr rebuild_tx(struct db *db, void *ctx)
{
	(void)ctx;
	enum xerr e = db_exec(db, NULL, &Q_CLEAR_SCHOOL, DB_NOARGS, NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_CLEAR_GROUP, DB_NOARGS, NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_CLEAR_ROLLUP, DB_NOARGS, NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_FILL_SCHOOL, DB_NOARGS, NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_FILL_ROLLUP, DB_NOARGS, NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_FILL_GROUP, DB_NOARGS, NULL, NULL, NULL);
	return e;
}

enum xerr db_counters_rebuild(struct db *db) { return db_tx(db, rebuild_tx, NULL); }
