/* db_counters: SQL of the counters (issue 13 item 3, R30): jurisdiction sums for statistics and home tiles, the
 * comparison with COUNT(*) and the rebuild. The counters themselves are written by the triggers of
 * sql/320_counters.sql (the country's group shards: sql/330; the sub-rows per shard: sql/386); the views count_*_expected there are the COUNT(*) they
 * must equal. */
#include "db_counters.h"
#include "scope.h"
#include "db_search.h"
#include "sbuf.h"
#include "workdays.h"
#include <assert.h>
#include <stdlib.h>

/* The units under a unit key (scope_unit_key: digits and '/'; "" the country): the key range [key, key + "~") of the
 * binary collation ('~' sorts after every digit and '/'), two arguments: the key and under_end's. A LIKE 'key%' bound
 * to a prepared statement's parameter read the same rows three times slower (count_group, a county's schools: 10 ms
 * against 3 ms at 10M). */
#define UNDER(COL) COL " >= ? AND " COL " < ?"
static const char *under_end(struct arena *a, const char *key) { return arena_printf(a, "%s~", key); }

/* 'd' rows count only when due before today; n = 0 rows (everything moved away) are left out; the days before today of
 * a key are mostly one row on FOLD_DAY (db_counters_fold) */
#define FOLD_DAY "'1000-01-01'"
#define KEYED "c.kind, IF(c.kind = 'm', c.k2, c.k1)"
#define DUE_FILTER " AND (c.kind <> 'd' OR c.day < ?)"
/* A bureau's dated rows before today (R24: overdue members 'd', groups past their deadline 'l' or arbitration 'a') are
 * read in two parts on k_rollup_due / k_group_due (level, kind, day, unit_key, ...), so that neither reads the days
 * ahead (on the primary key (level, kind, unit_key, ...) a province's statistics read its counties' 7,842 'd' rows at
 * 10M, the weeks ahead included): DUE_LISTED, the key's folded row (FOLD_DAY) and each of the DUE_RECENT days before
 * today (days a housekeeping pass has not folded yet), each day a range of the bureau's units; DUE_OLDER, the days
 * before those that no fold has reached, a range of days for every unit (empty after a pass). One condition of both
 * would be one range: the optimizer joins the ranges of days next to each other and drops the units. Arguments:
 * DUE_LISTED_ARGS, and the first of those days for DUE_OLDER. */
#define DUE_RECENT 7
#define DUE_LISTED(COL) COL " IN (" FOLD_DAY ", ?, ?, ?, ?, ?, ?, ?)"
#define DUE_OLDER(COL) "(" COL " < ? AND " COL " <> " FOLD_DAY ")"
struct due_days {
	char d[DUE_RECENT][11]; /* today - DUE_RECENT .. today - 1 */
};
#define DUE_LISTED_ARGS(x)                                                                                            \
	DBS((x).d[0]), DBS((x).d[1]), DBS((x).d[2]), DBS((x).d[3]), DBS((x).d[4]), DBS((x).d[5]), DBS((x).d[6])
static struct due_days due_days(const char *today)
{
	struct due_days x;
	wd_day t = 0;
	int ok = wd_parse(today, &t) == 0;
	assert(ok); /* the service's own date */
	(void)ok;
	for (int i = 0; i < DUE_RECENT; i++)
		wd_format(t - DUE_RECENT + i, x.d[i]);
	return x;
}
static const struct db_sql Q_TOTALS[SCOPE_N] = SCOPE_SQL(
	"SELECT " KEYED ", SUM(c.n) n FROM count_school c WHERE ", "c", "school_id",
	DUE_FILTER " GROUP BY c.kind, 2 HAVING n <> 0 ORDER BY c.kind, 2");
/* a bureau (county and above): the count_rollup rows of the units one level below (a county: its own), whose sums are
 * also the bureau's own totals (api_wf_stats adds them up: one read fewer, and the ministry's figures come from the 31
 * provinces' rows, sql/387). Students and members by status and state ('s', 'm') are one range of the key (level,
 * kind, unit); overdue members ('d') only the pending states' rows due before today (sql/331), summed into one 'd' row
 * per state, read on k_rollup_due (DUE_LISTED, DUE_OLDER: after db_counters_fold a few rows per unit; the primary
 * key's range over every province read their 45,000 rows of days ahead at 10M, 15 ms). */
#define R_SM(U)                                                                                                       \
	"SELECT c.unit_key, c.kind, c.k1, SUM(c.n) n FROM count_rollup c FORCE INDEX (PRIMARY)"                         \
	" WHERE c.level = ? AND c.kind IN ('s', 'm') AND " U " GROUP BY c.kind, c.unit_key, c.k1"
#define R_D_PART(U, DAYS)                                                                                             \
	"SELECT c.unit_key, c.kind, c.k1, c.n FROM count_rollup c FORCE INDEX (k_rollup_due) WHERE c.level = ?"         \
	" AND c.kind = 'd' AND " U " AND c.k1 IN " SQL_PENDING " AND " DAYS
#define R_D(U)                                                                                                        \
	"SELECT d.unit_key, d.kind, d.k1, SUM(d.n) n FROM (" R_D_PART(U, DUE_LISTED("c.day")) " UNION ALL "              \
	R_D_PART(U, DUE_OLDER("c.day")) ") d GROUP BY d.kind, d.unit_key, d.k1"
static const struct db_sql Q_ROLLUP_BELOW = {
	"SELECT x.unit_key, u.name, x.kind, x.k1, x.n FROM (" R_SM(UNDER("c.unit_key")) " UNION ALL "
	R_D(UNDER("c.unit_key")) ") x LEFT JOIN unit u ON u.code = RPAD(x.unit_key, 6, '0') WHERE x.n <> 0"
	" ORDER BY x.unit_key, x.kind, x.k1"};
/* A page of the schools under a bureau (issue 13 item 3, R30: a city's schools are hundreds and were read whole on every
 * statistics request, 6,000 counter rows and 68 KB for one county at 10M): the schools after the cursor (county code,
 * school id) on unit's (county_code, level) key, up to the page; then only the page's counter rows, driven by its keys
 * as one bound JSON array (JSON_TABLE columns utf8mb4_bin like the tables', so each school is a probe of the key), not
 * summed: the caller adds them up (grouping them here took a temporary table, a third of the time). */
static const struct db_sql Q_SCHOOL_PAGE = {
	"SELECT u.county_code, u.id, u.code, u.name, DATE_FORMAT(u.closed_at, '%Y-%m-%dT%H:%i:%sZ') FROM unit u"
	" FORCE INDEX (k_unit_county) WHERE " UNDER("u.county_code")
	" AND u.level = 4 AND (u.county_code > ? OR (u.county_code = ? AND u.id > ?)) ORDER BY u.county_code, u.id LIMIT ?"};
static const struct db_sql Q_SCHOOL_SUMS = {
	"SELECT c.county_code, c.school_id, " KEYED ", c.n FROM JSON_TABLE(?, '$[*]' COLUMNS (cc CHAR(6) CHARACTER SET utf8mb4"
	" COLLATE utf8mb4_bin PATH '$[0]', sid INT UNSIGNED PATH '$[1]')) j STRAIGHT_JOIN count_school c FORCE INDEX"
	" (PRIMARY) ON c.county_code = j.cc AND c.school_id = j.sid WHERE c.n <> 0" DUE_FILTER};
/* count_group's key is (level, kind, unit_key, ...): one probe per school and kind */
#define SG_PART(KIND)                                                                                                 \
	"SELECT c.unit_key, c.kind, c.k2, c.n FROM JSON_TABLE(?, '$[*]' COLUMNS (k VARCHAR(20) CHARACTER SET utf8mb4"   \
	" COLLATE utf8mb4_bin PATH '$')) j STRAIGHT_JOIN count_group c FORCE INDEX (PRIMARY) ON c.level = 4 AND"         \
	" c.kind = " KIND " AND c.unit_key = j.k WHERE c.n <> 0"
static const struct db_sql Q_SCHOOL_GROUPS = {
	SG_PART("'g'") " UNION ALL " SG_PART("'l'") " AND c.day < ? UNION ALL " SG_PART("'a'") " AND c.day < ?"};
/* groups: the caller's own unit row (level, key), or the rows one or two levels below (key prefix). Groups by type and
 * state ('g') are one range of the key (level, kind, unit); past the deadline ('l') or the arbitration's due date ('a')
 * only the rows due before today, on k_group_due (DUE_LISTED, DUE_OLDER). The groups' GROUP BY follows the primary
 * key's order (level, kind, unit_key, k1, k2, ...), so the sums stream off the index without a temporary table (half the
 * time of the ministry's per-province read at 200,000 records); the units below are summed per type too, which the
 * caller adds up per state. */
#define G_PART(COLS, GROUP, U)                                                                                        \
	"SELECT " COLS ", SUM(n) s FROM count_group WHERE level = ? AND kind = 'g' AND " U " GROUP BY " GROUP
#define G_DUE(U, DAYS)                                                                                                \
	"SELECT unit_key, kind, k1, k2, n FROM count_group FORCE INDEX (k_group_due) WHERE level = ? AND kind IN ('l', 'a')" \
	" AND " DAYS " AND " U
#define G_BY(COLS, GROUP, U)                                                                                          \
	{"SELECT * FROM (" G_PART(COLS, GROUP, U) " UNION ALL SELECT " COLS ", SUM(n) s FROM ("      \
	 G_DUE(U, DUE_LISTED("day")) " UNION ALL " G_DUE(U, DUE_OLDER("day")) ") d GROUP BY " GROUP ") x WHERE x.s <> 0" \
	 " ORDER BY " COLS}
static const struct db_sql Q_GROUPS = G_BY("kind, k1, k2", "kind, k1, k2", "unit_key = ?");
static const struct db_sql Q_GROUPS_BELOW = G_BY("unit_key, kind, k2", "kind, unit_key, k1, k2", UNDER("unit_key"));

#define S_COLS "county_code, school_id, kind, k1, k2, k3"
/* count_group and count_rollup are exact as a key's sum over its shards, which is what every reader sums (sql/386: which
 * sub-row holds a part is no fact: a group's country presence may be added through one province's shard and removed
 * through another's, sql/330; an import chunk's student counters keep their own shards, sql/400); the days before today
 * are compared together (a pass of db_counters_fold sums them into one row per key). Arguments: today x6. */
#define G_COLS "level, unit_key, kind, k1, k2"
#define R_COLS "level, unit_key, kind, k1"
#define CHECK(T, COLS, X)                                                                                             \
	"SELECT '" T "', CONCAT_WS('|', " COLS ", day), SUM(n) d FROM (SELECT " COLS ", IF(day < ?, " FOLD_DAY ", day) day," \
	" n FROM " T "_expected UNION ALL SELECT " COLS ", IF(day < ?, " FOLD_DAY ", day), -n FROM " T ") " X           \
	" GROUP BY " COLS ", day HAVING d <> 0"
static const struct db_sql Q_CHECK = {
	"SELECT * FROM (" CHECK("count_school", S_COLS, "x") " UNION ALL " CHECK("count_group", G_COLS, "y") " UNION ALL "
	CHECK("count_rollup", R_COLS, "z") ") w LIMIT 1000"};

/* Folding (R24, R30, sql/397): the kinds counted "due before today" keep a row per key, day and shard; readers sum the
 * days before today, so each past day's rows are summed into the key's row on FOLD_DAY (shard 0) and removed, one table
 * x level x kind x day per transaction: its rows are locked first (a trigger's change of one waits for the fold, or on
 * Galera one of the two fails certification and is retried), summed, then deleted. The fold never waits for a lock
 * (innodb_lock_wait_timeout 0 for the pass): a slice whose rows (or the row after its range) a change holds is left
 * for the next pass (busy). Before, a slice waiting for a row held every row it had locked (a change of any of them
 * waited behind it), and the first slice still busy after db_tx's retries ended the whole pass (during the workflow
 * bench: "unavailable" after ~1 s, nothing folded). W: the slice's level and kind (or kind alone), one argument each;
 * then the day. */
#define F_DAYS(T, IDX, W)                                                                                             \
	{"SELECT DISTINCT day FROM " T " FORCE INDEX (" IDX ") WHERE " W " AND day > " FOLD_DAY " AND day < ? ORDER BY day"}
#define F_LOCK(T, IDX, W) {"SELECT n FROM " T " FORCE INDEX (" IDX ") WHERE " W " AND day = ? FOR UPDATE"}
#define F_SUM(T, IDX, W, K)                                                                                           \
	{"INSERT INTO " T " (" K ", day, shard, n) SELECT " K ", " FOLD_DAY ", 0, SUM(n) FROM " T " FORCE INDEX (" IDX   \
	 ") WHERE " W " AND day = ? GROUP BY " K " ON DUPLICATE KEY UPDATE n = n + VALUES(n)"}
/* The delete walks the slice's key as the lock did (a single-table DELETE takes no index hint: the one-table multi-table
 * form does): left to the optimizer, a count_school slice was deleted through the PRIMARY range of its whole county
 * (few rows, or statistics just recalculated), which locks every counter row of the county: a change holding any of
 * them made every other slice of the county busy, and a fold that went through held them all until its commit. */
#define F_DEL(T, IDX, W, RANGE) {"DELETE x FROM " T " x FORCE INDEX (" IDX ") WHERE " W " AND " RANGE}
#define FOLD(T, IDX, W, K) {F_DAYS(T, IDX, W), F_LOCK(T, IDX, W), F_SUM(T, IDX, W, K), F_DEL(T, IDX, W, "day = ?")}
struct fold_sql {
	struct db_sql days, lock, sum, del;
};
static const struct fold_sql F_ROLLUP = FOLD("count_rollup", "k_rollup_due", "level = ? AND kind = ?", R_COLS);
static const struct fold_sql F_GROUP = FOLD("count_group", "k_group_due", "level = ? AND kind = ?", G_COLS);
static const struct fold_sql F_SCHOOL =
	FOLD("count_school", "k_school_due", "kind = ?", "province_code, city_code, " S_COLS);
/* Every counter across its shards (sql/386 spread a key over up to 16 sub-rows, the country's over 496): the rows of
 * shards other than 0 are summed into shard 0 (the same day), one slice per transaction, its rows locked on the key
 * whose prefix the slice is (so no row of that range is added meanwhile), then removed; concurrent changes spread again
 * until the next pass. A school's per county and kind (k_school_shard, sql/397); count_rollup's students and members
 * ('s', 'm') and count_group's groups ('g') per level, kind and province (the primary key); their dated kinds are read
 * only before today, which the day fold above keeps in shard 0. Each finder answers the slices' arguments. */
#define SH_FOLD(T, IDX, W, K)                                                                                         \
	{{""}, {"SELECT n FROM " T " FORCE INDEX (" IDX ") WHERE " W " AND shard > 0 FOR UPDATE"},                     \
	 {"INSERT INTO " T " (" K ", day, shard, n) SELECT " K ", day, 0, SUM(n) FROM " T " FORCE INDEX (" IDX ") WHERE " \
	  W " AND shard > 0 GROUP BY " K ", day ON DUPLICATE KEY UPDATE n = n + VALUES(n)"},                           \
	 F_DEL(T, IDX, W, "shard > 0")}
#define SH_UNIT "level = ? AND kind = ? AND unit_key >= ? AND unit_key < ?"
#define SH_FIND(T, KINDS)                                                                                             \
	{"SELECT level, kind, LEFT(unit_key, 2) p, CONCAT(LEFT(unit_key, 2), '~') FROM " T " WHERE shard > 0 AND kind IN " \
	 KINDS " GROUP BY level, kind, p"}
static const struct {
	struct db_sql find;
	struct fold_sql q;
} SHARD_FOLDS[] = {
	{{"SELECT county_code, kind FROM count_school FORCE INDEX (k_school_shard) WHERE shard > 0 GROUP BY county_code, kind"},
	 SH_FOLD("count_school", "k_school_shard", "county_code = ? AND kind = ?", "province_code, city_code, " S_COLS)},
	{SH_FIND("count_rollup", "('s', 'm')"), SH_FOLD("count_rollup", "PRIMARY", SH_UNIT, R_COLS)},
	{SH_FIND("count_group", "('g')"), SH_FOLD("count_group", "PRIMARY", SH_UNIT, G_COLS)},
};
static const struct db_sql Q_CLEAR_SCHOOL = {"DELETE FROM count_school"};
static const struct db_sql Q_CLEAR_GROUP = {"DELETE FROM count_group"};
static const struct db_sql Q_FILL_SCHOOL = {"INSERT INTO count_school SELECT * FROM count_school_expected"};
static const struct db_sql Q_FILL_GROUP = {"INSERT INTO count_group SELECT * FROM count_group_expected"};
static const struct db_sql Q_CLEAR_ROLLUP = {"DELETE FROM count_rollup"};
static const struct db_sql Q_FILL_ROLLUP = {"INSERT INTO count_rollup SELECT * FROM count_rollup_expected"};

enum xerr db_counters_school_totals(struct db *db, struct arena *a, const struct principal *who, const char *today,
				    struct db_rows *rows)
{
	assert(scope_kind_of(who) == SCOPE_SCHOOL);
	return db_exec(db, a, &Q_TOTALS[SCOPE_SCHOOL], DB_ARGS(scope_arg(who), DBS(today)), rows, NULL, NULL);
}

enum xerr db_counters_units_below(struct db *db, struct arena *a, const struct principal *who, int level, const char *today,
				  struct db_rows *rows)
{
	const char *key = scope_unit_key(who, a), *end = under_end(a, key);
	struct due_days dd = due_days(today);
	return db_exec(db, a, &Q_ROLLUP_BELOW,
		       DB_ARGS(DBI(level), DBS(key), DBS(end), DBI(level), DBS(key), DBS(end), DUE_LISTED_ARGS(dd), DBI(level), DBS(key),
			       DBS(end), DBS(dd.d[0])),
		       rows, NULL, NULL);
}

enum xerr db_counters_schools_page(struct db *db, struct arena *a, const struct principal *who, const char *today, int limit,
				    const char *after_county, long long after_school, struct db_rows *page, struct db_rows *sums,
				    struct db_rows *groups)
{
	assert(limit > 0 && who->unit_level <= LEVEL_COUNTY);
	const char *key = scope_unit_key(who, a), *ac = after_county ? after_county : "";
	struct sbuf ks = {0}, gs = {0};
	*sums = *groups = (struct db_rows){0};
	enum xerr e = db_exec(db, a, &Q_SCHOOL_PAGE,
			      DB_ARGS(DBS(key), DBS(under_end(a, key)), DBS(ac), DBS(ac), DBI(after_school), DBI(limit)), page,
			      NULL, NULL);
	if (e != XE_OK || page->n == 0)
		return e;
	sbuf_puts(&ks, "[");
	sbuf_puts(&gs, "[");
	for (size_t i = 0; i < page->n; i++) { /* county codes are 6 digits, ids numbers: nothing to escape */
		const char *cc = db_get(page, i, 0), *sid = db_get(page, i, 1), *sep = i ? "," : "";
		sbuf_puts(&ks, arena_printf(a, "%s[\"%s\",%s]", sep, cc, sid));
		sbuf_puts(&gs, arena_printf(a, "%s\"%s/%s\"", sep, cc, sid));
	}
	sbuf_puts(&ks, "]");
	sbuf_puts(&gs, "]");
	if ((e = db_exec(db, a, &Q_SCHOOL_SUMS, DB_ARGS(DBSN(ks.s, ks.n), DBS(today)), sums, NULL, NULL)) == XE_OK)
		e = db_exec(db, a, &Q_SCHOOL_GROUPS,
			    DB_ARGS(DBSN(gs.s, gs.n), DBSN(gs.s, gs.n), DBS(today), DBSN(gs.s, gs.n), DBS(today)), groups, NULL,
			    NULL);
	free(ks.s);
	free(gs.s);
	return e;
}

enum xerr db_counters_groups(struct db *db, struct arena *a, const struct principal *who, const char *today,
			     struct db_rows *rows)
{
	const char *key = scope_unit_key(who, a);
	struct due_days dd = due_days(today);
	return db_exec(db, a, &Q_GROUPS, DB_ARGS(DBI(who->unit_level), DBS(key), DBI(who->unit_level), DUE_LISTED_ARGS(dd), DBS(key),
					      DBI(who->unit_level), DBS(dd.d[0]), DBS(key)),
		       rows, NULL, NULL);
}

enum xerr db_counters_groups_below(struct db *db, struct arena *a, const struct principal *who, int level, const char *today,
				   struct db_rows *rows)
{
	const char *key = scope_unit_key(who, a);
	const char *end = under_end(a, key);
	struct due_days dd = due_days(today);
	return db_exec(db, a, &Q_GROUPS_BELOW, DB_ARGS(DBI(level), DBS(key), DBS(end), DBI(level), DUE_LISTED_ARGS(dd), DBS(key), DBS(end), DBI(level),
					    DBS(dd.d[0]), DBS(key), DBS(end)),
		       rows, NULL, NULL);
}

enum xerr db_counters_check(struct db *db, struct arena *a, const char *today, struct db_rows *diff)
{
	return db_exec(db, a, &Q_CHECK, DB_ARGS(DBS(today), DBS(today), DBS(today), DBS(today), DBS(today), DBS(today)), diff,
		       NULL, NULL);
}

/* one slice of a fold: its statements and arguments (level, kind, day; or a finder's row) */
struct fold_slice {
	const struct fold_sql *q;
	struct db_arg x[4];
	size_t n;
	unsigned long long removed;
};

static enum xerr fold_tx(struct db *db, void *ctx)
{
	struct fold_slice *f = ctx;
	struct arena a;
	arena_init(&a, 1 << 16);
	struct db_rows locked;
	enum xerr e = db_exec(db, &a, &f->q->lock, f->x, f->n, &locked, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &f->q->sum, f->x, f->n, NULL, NULL, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &f->q->del, f->x, f->n, NULL, &f->removed, NULL);
	arena_free(&a);
	return e;
}

/* One slice in its transaction, one attempt: rows held by a change (no lock wait) leave the slice to the next pass
 * (XE_OK, counted in busy). */
static enum xerr slice(struct db *db, struct fold_slice *f, unsigned long long *removed, unsigned long long *busy)
{
	enum xerr e = db_tx_once(db, fold_tx, f);
	if (e == XE_RETRY)
		return ++*busy, XE_OK;
	*removed += f->removed;
	return e;
}

enum xerr db_counters_fold(struct db *db, const char *today, unsigned long long *removed, unsigned long long *busy)
{
	static const struct {
		const struct fold_sql *q;
		int level_from, level_to; /* -1: the table has no level */
		const char *kind;
	} days[] = {{&F_SCHOOL, -1, -1, "d"}, {&F_ROLLUP, 1, 1, "d"}, {&F_ROLLUP, 3, 3, "d"}, /* its levels (sql/411) */
		    {&F_GROUP, 0, 4, "l"}, {&F_GROUP, 0, 4, "a"}};
	static const struct db_sql Q_NO_WAIT = {"SET SESSION innodb_lock_wait_timeout = 0"};
	static const struct db_sql Q_WAIT = {"SET SESSION innodb_lock_wait_timeout = DEFAULT"};
	*removed = *busy = 0;
	/* (a reconnect during the pass restores the default: the rest of the pass may wait, as before) */
	enum xerr e = db_exec(db, NULL, &Q_NO_WAIT, DB_NOARGS, NULL, NULL, NULL);
	struct arena a;
	arena_init(&a, 1 << 16);
	for (size_t i = 0; e == XE_OK && i < sizeof days / sizeof *days; i++) /* the past days, one day per slice */
		for (int level = days[i].level_from; e == XE_OK && level <= days[i].level_to; level++) {
			struct fold_slice f = {.q = days[i].q};
			if (level >= 0)
				f.x[f.n++] = DBI(level);
			f.x[f.n++] = DBS(days[i].kind);
			f.x[f.n++] = DBS(today);
			struct db_rows rs;
			e = db_exec(db, &a, &f.q->days, f.x, f.n, &rs, NULL, NULL); /* (the last argument: before today) */
			for (size_t d = 0; e == XE_OK && d < rs.n; d++) {
				f.x[f.n - 1] = DBS(db_get(&rs, d, 0));
				f.removed = 0;
				e = slice(db, &f, removed, busy);
			}
		}
	for (size_t i = 0; e == XE_OK && i < sizeof SHARD_FOLDS / sizeof *SHARD_FOLDS; i++) { /* then the shards */
		struct db_rows rs;
		e = db_exec(db, &a, &SHARD_FOLDS[i].find, DB_NOARGS, &rs, NULL, NULL);
		for (size_t r = 0; e == XE_OK && r < rs.n; r++) {
			struct fold_slice f = {.q = &SHARD_FOLDS[i].q};
			assert(rs.ncols <= sizeof f.x / sizeof *f.x);
			for (; f.n < rs.ncols; f.n++)
				f.x[f.n] = DBS(db_get(&rs, r, f.n));
			e = slice(db, &f, removed, busy);
		}
	}
	enum xerr w = db_exec(db, NULL, &Q_WAIT, DB_NOARGS, NULL, NULL, NULL);
	arena_free(&a);
	return e != XE_OK ? e : w;
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
