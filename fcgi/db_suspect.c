/* db_suspect: SQL of suspected duplicates (R31, issue 17). */
#include "db_suspect.h"
#include "suspect.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include "db_search.h"
#include "sbuf.h"
#include "scope.h"
#include "xmalloc.h"

#define REC_COLS_O \
	"o.id, o.name, o.gender, o.birth_date, o.id_type, o.id_number, o.id_check, o.county_code, o.school_id, o.guardian_phone, o.guardian_name"
#define REC_COLS \
	"s.id, s.name, s.gender, s.birth_date, s.id_type, s.id_number, s.id_check, s.county_code, s.school_id, s.guardian_phone, s.guardian_name"

static const struct db_sql Q_RECORDS = {
	"SELECT " REC_COLS " FROM student s WHERE s.id > ? AND s.status <> 'deleted' ORDER BY s.id LIMIT ?"};
static const struct db_sql Q_RECORD = {"SELECT " REC_COLS ", s.status FROM student s WHERE s.id = ?"};
static const struct db_sql Q_RECORD_LOCKED = {
	"SELECT " REC_COLS ", s.status, s.province_code, s.city_code FROM student s WHERE s.id = ? LOCK IN SHARE MODE"};
static const struct db_sql Q_UNITS = {"SELECT id, code FROM unit WHERE level <= 3 ORDER BY code"};
/* the state is assigned first (MariaDB assigns left to right): it reads the stored decided_fp and the new fp */
static const struct db_sql Q_STORE = {
	"INSERT INTO suspect_pair (lo_id, hi_id, score, kind, rules, fp, lo_county, hi_county, arbiter_unit_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
	" state = IF(state = 'different' AND decided_fp <> VALUES(fp), 'open', state),"
	" version = version + (score <> VALUES(score) OR fp <> VALUES(fp) OR arbiter_unit_id <> VALUES(arbiter_unit_id)),"
	" score = VALUES(score), kind = VALUES(kind), rules = VALUES(rules), fp = VALUES(fp),"
	" lo_county = VALUES(lo_county), hi_county = VALUES(hi_county), arbiter_unit_id = VALUES(arbiter_unit_id),"
	" updated_at = UTC_TIMESTAMP(6)"};
/* the full run's merge (issue 17 item 1): the stored pairs whose lower record lies in [from, to), in (lo_id, hi_id)
 * order on uk_suspect_pair; a pair found no more is removed only while still open and not stored since the run began
 * (a concurrent incremental check's pair stays, as the former sweep by updated_at kept it) */
static const struct db_sql Q_STORED = {
	"SELECT id, lo_id, hi_id, score, kind, rules, fp, lo_county, hi_county, arbiter_unit_id, state, IFNULL(decided_fp, 0)"
	" FROM suspect_pair FORCE INDEX (uk_suspect_pair) WHERE lo_id >= ? AND lo_id < ? ORDER BY lo_id, hi_id"};
static const struct db_sql Q_VANISHED = {"DELETE FROM suspect_pair WHERE id = ? AND state = 'open' AND updated_at < ?"};
static const struct db_sql Q_NOW = {"SELECT UTC_TIMESTAMP(6)"};

enum xerr db_sx_records(struct db *db, struct arena *a, uint64_t after, long limit, struct db_rows *rs)
{
	return db_exec(db, a, &Q_RECORDS, DB_ARGS(DBI(after), DBI(limit)), rs, NULL, NULL);
}

enum xerr db_sx_record(struct db *db, struct arena *a, uint64_t id, struct db_rows *rs)
{
	return db_exec(db, a, &Q_RECORD, DB_ARGS(DBI(id)), rs, NULL, NULL);
}

enum xerr db_sx_units(struct db *db, struct arena *a, struct db_rows *rs)
{
	return db_exec(db, a, &Q_UNITS, DB_NOARGS, rs, NULL, NULL);
}

enum xerr db_sx_store(struct db *db, const struct sx_pair_row *p, size_t n)
{
	enum { COLS = 9, SLICE_ROWS = 512 };
	enum xerr e = XE_OK;
	if (n == 1) /* the incremental check: one statement */
		return db_exec(db, NULL, &Q_STORE,
			       DB_ARGS(DBI(p->lo), DBI(p->hi), DBI(p->score), DBS(p->kind), DBS(p->rules), DBI((long long)p->fp),
				       DBS(p->lo_county), DBS(p->hi_county), DBI(p->arbiter)),
			       NULL, NULL, NULL);
	struct db_arg *args = xmalloc(sizeof *args * COLS * SLICE_ROWS);
	for (size_t from = 0; from < n && e == XE_OK; from += SLICE_ROWS) { /* array binding */
		size_t m = n - from < SLICE_ROWS ? n - from : SLICE_ROWS;
		for (size_t i = 0; i < m; i++) {
			const struct sx_pair_row *r = &p[from + i];
			struct db_arg *a = &args[COLS * i];
			a[0] = DBI(r->lo), a[1] = DBI(r->hi), a[2] = DBI(r->score), a[3] = DBS(r->kind), a[4] = DBS(r->rules);
			a[5] = DBI((long long)r->fp), a[6] = DBS(r->lo_county), a[7] = DBS(r->hi_county), a[8] = DBI(r->arbiter);
		}
		e = db_exec_bulk(db, &Q_STORE, args, m, COLS, NULL);
	}
	free(args);
	return e;
}

enum xerr db_sx_stored(struct db *db, struct arena *a, uint64_t from, uint64_t to, struct db_rows *rs)
{
	return db_exec(db, a, &Q_STORED, DB_ARGS(DBI(from), DBI(to)), rs, NULL, NULL);
}

enum xerr db_sx_vanished(struct db *db, const uint64_t *ids, size_t n, const char *since, unsigned long long *removed)
{
	enum { SLICE_ROWS = 1024 };
	struct db_arg *args = xmalloc(sizeof *args * 2 * SLICE_ROWS);
	enum xerr e = XE_OK;
	*removed = 0;
	for (size_t from = 0; from < n && e == XE_OK; from += SLICE_ROWS) {
		size_t m = n - from < SLICE_ROWS ? n - from : SLICE_ROWS;
		unsigned long long k = 0;
		for (size_t i = 0; i < m; i++)
			args[2 * i] = DBI(ids[from + i]), args[2 * i + 1] = DBS(since);
		e = db_exec_bulk(db, &Q_VANISHED, args, m, 2, &k);
		*removed += k;
	}
	free(args);
	return e;
}

enum xerr db_sx_now(struct db *db, struct arena *a, const char **now)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_NOW, DB_NOARGS, &rs, NULL, NULL);
	*now = e == XE_OK && rs.n ? db_get(&rs, 0, 0) : NULL;
	return e == XE_OK && !*now ? XE_INTERNAL : e;
}

#define SIDE(x, sc, cu) \
	x ".id, " x ".student_no, " x ".name, " x ".gender, " x ".birth_date, " x ".id_type, " x ".id_number, " x ".status, " \
	sc ".code, " sc ".name, " cu ".code, " cu ".name, " x ".grade, " x ".class_name, " x ".guardian_name, " x ".guardian_phone"
#define LIST_SEL                                                                                                        \
	"SELECT p.id, p.score, p.kind, p.rules, p.state, p.version, p.group_id, p.decided_at, p.created_at, "            \
	SIDE("a", "sa", "ca") ", " SIDE("b", "sb", "cb")
#define LIST_JOIN                                                                                                       \
	" STRAIGHT_JOIN student a ON a.id = p.lo_id STRAIGHT_JOIN student b ON b.id = p.hi_id"                           \
	" JOIN unit sa ON sa.id = a.school_id JOIN unit sb ON sb.id = b.school_id"                                       \
	" LEFT JOIN unit ca ON ca.code = a.county_code AND ca.level = 3 LEFT JOIN unit cb ON cb.code = b.county_code AND cb.level = 3"
#define LIST_HEAD LIST_SEL " FROM suspect_pair p" LIST_JOIN
/* an open pair of a deleted record is left out: nothing left to decide */
#define LIST_LIVE " AND (p.state <> 'open' OR (a.status <> 'deleted' AND b.status <> 'deleted'))"
/* The arbiter's pairs newest first on k_suspect_arbiter (R2: the caller's unit decides them), filtered on the pair (the
 * county of either record) and on both records (a one-character name prefix: a surname, too many records to read
 * them first) until a page is found. Arguments: unit, state, before ×2, county ×2, name pattern ×3, limit. */
static const struct db_sql Q_LIST = {
	LIST_SEL " FROM suspect_pair p FORCE INDEX (k_suspect_arbiter)" LIST_JOIN
	" WHERE p.arbiter_unit_id = ? AND p.state = ? AND (? = 0 OR p.id < ?)"
	" AND (? IS NULL OR ? IN (p.lo_county, p.hi_county)) AND (? IS NULL OR a.name LIKE ? OR b.name LIKE ?)" LIST_LIVE
	" ORDER BY p.id DESC LIMIT ?"};
/* issue 17 item 4 (issue 13 item 1): a search drives the list by the records searched for: DRV on student index IDX
 * (an exact ID number, an exact student number, a name on the (path, name) index of the school filter, the county
 * filter or the caller's level), each record's pairs as the lower (uk_suspect_pair) and as the higher record
 * (k_suspect_hi) of the caller's unit, a page of each side newest first; then the page of their union. Arguments per
 * side: DRV's, the student search (SQL_SEARCH_STUDENT), school ×2, county ×2, unit, state, before ×2, limit; then limit. */
#define SL_SIDE(IDX, DRV, PIDX, COL)                                                                                     \
	"(SELECT p.id FROM student s FORCE INDEX (" IDX ") STRAIGHT_JOIN suspect_pair p FORCE INDEX (" PIDX ") ON p." COL  \
	" = s.id WHERE " DRV SQL_SEARCH_STUDENT("s") " AND (? IS NULL OR s.school_id = ?) AND (? IS NULL OR s.county_code = ?)" \
	" AND p.arbiter_unit_id = ? AND p.state = ? AND (? = 0 OR p.id < ?) ORDER BY p.id DESC LIMIT ?)"
#define SL_Q(IDX, DRV)                                                                                                   \
	{LIST_SEL " FROM (" SL_SIDE(IDX, DRV, "uk_suspect_pair", "lo_id") " UNION " SL_SIDE(IDX, DRV, "k_suspect_hi", "hi_id") \
	 ") x STRAIGHT_JOIN suspect_pair p ON p.id = x.id" LIST_JOIN " WHERE 1" LIST_LIVE " ORDER BY p.id DESC LIMIT ?"}
enum sx_by { SXB_ID, SXB_NO, SXB_SCHOOL, SXB_COUNTY, SXB_CITY, SXB_PROV, SXB_ALL, SXB_WALK };
/* [driver]: each binds two arguments */
static const struct db_sql Q_LIST_BY[SXB_WALK] = {
	[SXB_ID] = SL_Q("k_student_idno", "s.id_number IN (?, ?)"),
	[SXB_NO] = SL_Q("uk_student_no", "s.student_no = ? AND (? IS NULL)"),
	[SXB_SCHOOL] = SL_Q("k_student_school_name", "s.school_id = ? AND s.name LIKE ?"),
	[SXB_COUNTY] = SL_Q("k_student_county_name", "s.county_code = ? AND s.name LIKE ?"),
	[SXB_CITY] = SL_Q("k_student_city_name", "s.city_code = ? AND s.name LIKE ?"),
	[SXB_PROV] = SL_Q("k_student_province_name", "s.province_code = ? AND s.name LIKE ?"),
	[SXB_ALL] = SL_Q("k_student_name", "(? IS NULL) AND s.name LIKE ?"),
};
static const struct db_sql Q_GET = {LIST_HEAD " WHERE p.id = ?"};
static const struct db_sql Q_LOCK = {
	"SELECT id, state, version, arbiter_unit_id, lo_id, hi_id FROM suspect_pair WHERE id = ? FOR UPDATE"};
static const struct db_sql Q_DECIDE = {
	"UPDATE suspect_pair SET state = ?, decided_by = ?, decided_at = UTC_TIMESTAMP(6), decided_fp = ?,"
	" group_id = NULLIF(?, 0), version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = ?"};
static const struct db_sql Q_HISTORY = {
	"INSERT INTO history (group_id, member_id, student_id, actor_user_id, actor_role, action, state_before, state_after, reason)"
	" VALUES (NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?)"};
static const struct db_sql Q_GROUP = {
	"INSERT INTO problem_group (type, clash_key, open_key, state, scope_level, arbiter_unit_id)"
	" VALUES ('suspected_dup', ?, ?, 'open', ?, ?)"};
static const struct db_sql Q_MEMBER = {
	"INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state, due_date)"
	" VALUES (?, ?, ?, ?, ?, ?, 'open', ?)"};
static const struct db_sql Q_PROBLEM = {
	"UPDATE student SET status = 'problem', version = version + 1, updated_at = UTC_TIMESTAMP(6)"
	" WHERE id = ? AND status <> 'deleted'"};

/* What drives the list (the narrowest index the search allows) and its two bound values. */
static enum sx_by list_by(const struct principal *who, const struct search *f, struct db_arg d[2])
{
	const char *name = f->name_pattern ? f->name_pattern : "%";
	if (f->id_number)
		return d[0] = DBS(f->id_number), d[1] = DBS(f->id_alt), SXB_ID;
	if (f->student_no)
		return d[0] = DBS(f->student_no), d[1] = DBNULL, SXB_NO;
	if (f->school_id)
		return d[0] = DBI(f->school_id), d[1] = DBS(name), SXB_SCHOOL;
	if (!f->name_pattern || f->name_wide)
		return SXB_WALK;
	d[1] = DBS(name);
	if (f->county)
		return d[0] = DBS(f->county), SXB_COUNTY;
	d[0] = scope_arg(who);
	switch (scope_kind_of(who)) {
	case SCOPE_PROVINCE:
		return SXB_PROV;
	case SCOPE_CITY:
		return SXB_CITY;
	case SCOPE_ALL:
		return SXB_ALL;
	default: /* a county (a school never lists pairs: routes.c) */
		return SXB_COUNTY;
	}
}

enum xerr db_sx_list(struct db *db, struct arena *a, const struct principal *who, const struct search *f, const char *state,
		     uint64_t before, long limit, struct db_rows *rs)
{
	struct db_arg d[2], x[2 * (2 + SEARCH_STUDENT_NARGS + 9) + 1];
	size_t n = 0;
	enum sx_by by = list_by(who, f, d);
	struct db_arg school = f->school_id ? DBI(f->school_id) : DBNULL, county = DBS(f->county), name = DBS(f->name_pattern);
	if (by == SXB_WALK)
		return db_exec(db, a, &Q_LIST,
			       DB_ARGS(DBI(who->unit_id), DBS(state), DBI(before), DBI(before), county, county, name, name, name,
				       DBI(limit)),
			       rs, NULL, NULL);
	for (int side = 0; side < 2; side++) {
		x[n++] = d[0], x[n++] = d[1];
		n += db_search_student_args(x + n, f);
		x[n++] = school, x[n++] = school, x[n++] = county, x[n++] = county;
		x[n++] = DBI(who->unit_id), x[n++] = DBS(state), x[n++] = DBI(before), x[n++] = DBI(before), x[n++] = DBI(limit);
	}
	x[n++] = DBI(limit);
	assert(n == sizeof x / sizeof *x);
	return db_exec(db, a, &Q_LIST_BY[by], x, n, rs, NULL, NULL);
}

enum xerr db_sx_get(struct db *db, struct arena *a, uint64_t id, struct db_rows *rs)
{
	return db_exec(db, a, &Q_GET, DB_ARGS(DBI(id)), rs, NULL, NULL);
}

enum xerr db_sx_lock(struct db *db, struct arena *a, uint64_t id, struct db_rows *rs)
{
	return db_exec(db, a, &Q_LOCK, DB_ARGS(DBI(id)), rs, NULL, NULL);
}

enum xerr db_sx_record_locked(struct db *db, struct arena *a, uint64_t id, struct db_rows *rs)
{
	return db_exec(db, a, &Q_RECORD_LOCKED, DB_ARGS(DBI(id)), rs, NULL, NULL);
}

enum xerr db_sx_decide(struct db *db, uint64_t id, const char *state, uint64_t user_id, uint64_t fp, uint64_t group_id)
{
	return db_exec(db, NULL, &Q_DECIDE, DB_ARGS(DBS(state), DBI(user_id), DBI((long long)fp), DBI(group_id), DBI(id)),
		       NULL, NULL, NULL);
}

enum xerr db_sx_history(struct db *db, uint64_t group_id, uint64_t member_id, uint64_t student_id, uint64_t user_id,
			const char *role, const char *action, const char *before, const char *after, const char *reason)
{
	return db_exec(db, NULL, &Q_HISTORY,
		       DB_ARGS(DBI(group_id), DBI(member_id), DBI(student_id), DBI(user_id), DBS(role), DBS(action), DBS(before),
			       DBS(after), DBS(reason)),
		       NULL, NULL, NULL);
}

enum xerr db_sx_group_open(struct db *db, const char *key, uint32_t arbiter, int scope_level, const struct sx_member m[2],
			   const char *due_date, uint64_t *group_id, uint64_t member_id[2])
{
	unsigned long long gid = 0, mid = 0;
	enum xerr e = db_exec(db, NULL, &Q_GROUP, DB_ARGS(DBS(key), DBS(key), DBI(scope_level), DBI(arbiter)), NULL, NULL, &gid);
	for (int i = 0; i < 2 && e == XE_OK; i++) {
		e = db_exec(db, NULL, &Q_MEMBER,
			    DB_ARGS(DBI(gid), DBI(m[i].student_id), DBI(m[i].school_id), DBS(m[i].province), DBS(m[i].city),
				    DBS(m[i].county), DBS(due_date)),
			    NULL, NULL, &mid);
		member_id[i] = mid;
		if (e == XE_OK)
			e = db_exec(db, NULL, &Q_PROBLEM, DB_ARGS(DBI(m[i].student_id)), NULL, NULL, NULL);
	}
	*group_id = gid;
	return e;
}

static const struct db_sql Q_BATCH = {
	"SELECT " REC_COLS " FROM student s FORCE INDEX (k_student_touch) WHERE s.touch_batch = ? AND s.status <> 'deleted'"
	" ORDER BY s.id"};
static const struct db_sql Q_UNIT_OF = {"SELECT id FROM unit WHERE code = ? AND level <= 3"};
static const struct db_sql Q_KEYED = {"SELECT student_id FROM suspect_keyset ORDER BY student_id"};

enum xerr db_sx_batch_records(struct db *db, struct arena *a, uint64_t batch, struct db_rows *rs)
{
	return db_exec(db, a, &Q_BATCH, DB_ARGS(DBI(batch)), rs, NULL, NULL);
}

enum xerr db_sx_unit_of(struct db *db, struct arena *a, const char *code, uint32_t *id)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_UNIT_OF, DB_ARGS(DBS(code)), &rs, NULL, NULL);
	*id = e == XE_OK && rs.n ? (uint32_t)db_get_int(&rs, 0, 0) : 0;
	return e;
}

enum xerr db_sx_keyed(struct db *db, struct arena *a, struct db_rows *rs)
{
	return db_exec(db, a, &Q_KEYED, DB_NOARGS, rs, NULL, NULL);
}

/* the keys travel as one LOAD DATA LOCAL from memory per slice (issue 17 item 2, R31): at 23,000 keys a chunk, array
 * binding's per-row execution was as much as InnoDB's work; a key taken already (a record's two keys alike) is skipped
 * as INSERT IGNORE did. Each record's keys are also kept as one row of suspect_keyset (8 bytes a key, migration 402):
 * a record that changes forgets them by it, where an index of suspect_key on the record cost every key a second index
 * entry. */
static const struct db_sql Q_KEY_LOAD = {"LOAD DATA LOCAL INFILE 'xj:keys' INTO TABLE suspect_key (k, student_id, birth, r)"};
static const struct db_sql Q_KEYSET_LOAD = {
	"LOAD DATA LOCAL INFILE 'xj:keysets' INTO TABLE suspect_keyset CHARACTER SET binary (student_id, ks)"};

static int cmp_keyrow_id(const void *p, const void *q)
{
	const struct sx_keyrow *x = *(const struct sx_keyrow *const *)p, *y = *(const struct sx_keyrow *const *)q;
	return x->id != y->id ? (x->id > y->id) - (x->id < y->id) : (x->k > y->k) - (x->k < y->k);
}

/* (k, id): the order of suspect_key's primary key */
static int cmp_keyrow_k(const void *p, const void *q)
{
	const struct sx_keyrow *x = *(const struct sx_keyrow *const *)p, *y = *(const struct sx_keyrow *const *)q;
	return x->k != y->k ? (x->k > y->k) - (x->k < y->k) : (x->id > y->id) - (x->id < y->id);
}

static enum xerr load(struct db *db, const struct db_sql *q, struct sbuf *b)
{
	unsigned long long stored = 0;
	unsigned warnings = 0;
	enum xerr e = b->n ? db_load(db, q, b->s, b->n, 0, &stored, &warnings) : XE_OK;
	free(b->s);
	*b = (struct sbuf){0};
	return e;
}

enum xerr db_sx_keys_bulk(struct db *db, const struct sx_keyrow *rows, size_t n)
{
	enum { SLICE_ROWS = 1 << 16 };
	enum xerr e = XE_OK;
	struct sbuf b = {0};
	/* the keys in the order of the primary key (issue 17: an import's keys land in a B-tree of tens of millions of
	 * rows; in key order the load walks it forwards instead of jumping about) */
	const struct sx_keyrow **by = xmalloc((n ? n : 1) * sizeof *by);
	for (size_t i = 0; i < n; i++)
		by[i] = &rows[i];
	qsort(by, n, sizeof *by, cmp_keyrow_k);
	for (size_t i = 0; i < n && e == XE_OK; i++) {
		const struct sx_keyrow *r = by[i];
		char t[48];
		int k = snprintf(t, sizeof t, "%lld\t%llu\t", (long long)r->k, (unsigned long long)r->id);
		sbuf_put(&b, t, (size_t)k);
		db_load_field(&b, r->undated ? NULL : r->birth, r->undated || !r->birth ? 0 : strlen(r->birth), '\t');
		k = snprintf(t, sizeof t, "%u", (unsigned)r->rd);
		db_load_field(&b, r->k & SX_KEY_MD ? t : NULL, r->k & SX_KEY_MD ? (size_t)k : 0, '\n');
		if ((i + 1) % SLICE_ROWS == 0 || i + 1 == n)
			e = load(db, &Q_KEY_LOAD, &b);
	}
	/* the key sets: each record's keys, 8 bytes each, most significant first */
	qsort(by, n, sizeof *by, cmp_keyrow_id);
	for (size_t i = 0; i < n && e == XE_OK;) {
		char t[24], ks[8 * SX_MAXKEYS];
		size_t j = i, m = 0;
		for (; j < n && by[j]->id == by[i]->id; j++)
			for (int x = 7; x >= 0 && m < sizeof ks; x--)
				ks[m++] = (char)(by[j]->k >> (8 * x));
		int k = snprintf(t, sizeof t, "%llu\t", (unsigned long long)by[i]->id);
		sbuf_put(&b, t, (size_t)k);
		db_load_field(&b, ks, m, '\n');
		i = j;
		if (b.n > (1u << 22) || i == n)
			e = load(db, &Q_KEYSET_LOAD, &b);
	}
	free(b.s);
	free(by);
	return e;
}

/* a changed record's keys, found by its key set (migration 402), then the key set */
static const struct db_sql Q_BATCH_KEYSETS = {
	"SELECT ks.student_id, ks.ks FROM student s FORCE INDEX (k_student_touch) STRAIGHT_JOIN suspect_keyset ks"
	" ON ks.student_id = s.id WHERE s.touch_batch = ? FOR UPDATE"};
static const struct db_sql Q_KEY_DEL = {"DELETE FROM suspect_key WHERE k = ? AND student_id = ?"};
static const struct db_sql Q_BATCH_KEYSETS_DEL = {
	"DELETE ks FROM student s FORCE INDEX (k_student_touch) STRAIGHT_JOIN suspect_keyset ks ON ks.student_id = s.id"
	" WHERE s.touch_batch = ?"};
/* candidates of the batch's records: whoever shares a key with one of them (each pair once per record), and only
 * where sx_compare can suggest the pair: the birth dates agree in two of year, month and day, or in the year with day
 * and month swapped (every date rule but "different"), or the numbers are the same (issue 17: at 1M records most
 * records sharing a name key were born in other months; they are left in the database, not sent and compared) */
#define NEAR_DATE(a, b)                                                                                                  \
	"(YEAR(" a ") = YEAR(" b ") AND (MONTH(" a ") = MONTH(" b ") OR DAY(" a ") = DAY(" b ") OR (MONTH(" a ") = DAY(" b   \
	") AND DAY(" a ") = MONTH(" b "))) OR (MONTH(" a ") = MONTH(" b ") AND DAY(" a ") = DAY(" b ")))"
/* sx_compare's date rules exactly (issue 17 item 2): the same day, day and month swapped, or one digit of YYYYMMDD
 * different; NEAR_DATE first, as most rows fail it at its first comparisons (at 1M records a third of the rows
 * NEAR_DATE kept were born two digits apart: each a student row read and a comparison for nothing) */
#define DIGIT_DIFF(f, a, b, d, m) "((" f "(" a ") DIV " d " % " m ") <> (" f "(" b ") DIV " d " % " m "))"
#define DATE_RULE(a, b)                                                                                                  \
	"(" NEAR_DATE(a, b) " AND ((YEAR(" a ") = YEAR(" b ") AND MONTH(" a ") = DAY(" b ") AND DAY(" a ") = MONTH(" b "))" \
	" OR " DIGIT_DIFF("YEAR", a, b, "1000", "10") " + " DIGIT_DIFF("YEAR", a, b, "100", "10") " + "                  \
	DIGIT_DIFF("YEAR", a, b, "10", "10") " + " DIGIT_DIFF("YEAR", a, b, "1", "10") " + "                                \
	DIGIT_DIFF("MONTH", a, b, "10", "10") " + " DIGIT_DIFF("MONTH", a, b, "1", "10") " + "                              \
	DIGIT_DIFF("DAY", a, b, "10", "10") " + " DIGIT_DIFF("DAY", a, b, "1", "10") " <= 1))"
/* (issue 17 item 1: the date is checked first on the key row, migration 370, so a record born too far apart is never
 * read; a number key, birth NULL, meets any date.) Issue 17 item 2: driven by the chunk's keys as they were stored, in
 * key order (one bound JSON array [[k, record, birth], ...]): each probe lands next to the one before and right after
 * the load wrote there, instead of reading the batch's records and their keys back through k_suspect_key_student in
 * record order */
/* A key of month and day (r set, migration 402) pairs only records of the same readings or born the same day
 * (sx_key_pairs, the rule of the full run); that test is first, as it drops most of the key rows and costs least. Each
 * pair once: the key rows are grouped by record and other record (two integers, a small temporary table) before the
 * other's row is read; a DISTINCT over the rows read kept a temporary table of every column (at 10M records, 31,800
 * candidates of a chunk of 5,000: 0.35-0.7 of its 1.1-1.4 s, and 3,100 rows read twice). nb: a number key (no birth
 * date on the key row) meets any date. */
static const struct db_sql Q_BATCH_CAND = {
	"SELECT x.s, " REC_COLS_O " FROM (SELECT j.s, k2.student_id oid, MIN(j.b) b, MAX(k2.birth IS NULL) nb"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (k BIGINT PATH '$[0]', s BIGINT UNSIGNED PATH '$[1]', b DATE PATH '$[2]',"
	" r INT UNSIGNED PATH '$[3]')) j"
	" STRAIGHT_JOIN suspect_key k2 ON k2.k = j.k AND (k2.r IS NULL OR k2.r = j.r OR k2.birth = j.b) AND k2.student_id <> j.s"
	" AND (k2.birth IS NULL OR " DATE_RULE("k2.birth", "j.b") ") GROUP BY j.s, k2.student_id) x"
	" STRAIGHT_JOIN student o ON o.id = x.oid AND o.status <> 'deleted' AND (x.nb OR " NEAR_DATE("o.birth_date", "x.b") ")"};

static const struct db_sql Q_PAIR_RECS = {
	"SELECT j.s, " REC_COLS_O " FROM JSON_TABLE(?, '$[*]' COLUMNS (s BIGINT UNSIGNED PATH '$[0]', o BIGINT UNSIGNED PATH '$[1]')) j"
	" STRAIGHT_JOIN student o ON o.id = j.o AND o.status <> 'deleted'"};

enum xerr db_sx_batch_keys_del(struct db *db, struct arena *a, uint64_t batch)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_BATCH_KEYSETS, DB_ARGS(DBI(batch)), &rs, NULL, NULL);
	size_t n = 0;
	for (size_t i = 0; e == XE_OK && i < rs.n; i++)
		n += rs.len[i * rs.ncols + 1] / 8;
	struct db_arg *args = xmalloc((n ? n : 1) * 2 * sizeof *args);
	n = 0;
	for (size_t i = 0; e == XE_OK && i < rs.n; i++) {
		const unsigned char *ks = (const unsigned char *)db_get(&rs, i, 1);
		for (size_t j = 0; j + 8 <= rs.len[i * rs.ncols + 1]; j += 8, n++) {
			uint64_t k = 0;
			for (int x = 0; x < 8; x++)
				k = k << 8 | ks[j + (size_t)x];
			args[2 * n] = DBI((long long)k), args[2 * n + 1] = DBI(db_get_int(&rs, i, 0));
		}
	}
	if (e == XE_OK && n)
		e = db_exec_bulk(db, &Q_KEY_DEL, args, n, 2, NULL);
	free(args);
	return e == XE_OK ? db_exec(db, NULL, &Q_BATCH_KEYSETS_DEL, DB_ARGS(DBI(batch)), NULL, NULL, NULL) : e;
}

enum xerr db_sx_batch_candidates(struct db *db, struct arena *a, const struct sx_keyrow *rows, size_t n, struct db_rows *rs)
{
	struct sbuf b = {0};
	sbuf_put(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		const struct sx_keyrow *r = &rows[i];
		char t[64];
		int k = snprintf(t, sizeof t, "%s[%lld,%llu,", i ? "," : "", (long long)r->k, (unsigned long long)r->id);
		sbuf_put(&b, t, (size_t)k);
		if (r->birth)
			sbuf_json_str(&b, r->birth, strlen(r->birth));
		else
			sbuf_put(&b, "null", 4);
		k = snprintf(t, sizeof t, ",%u]", (unsigned)r->rd);
		sbuf_put(&b, t, (size_t)k);
	}
	sbuf_put(&b, "]", 1);
	enum xerr e = db_exec(db, a, &Q_BATCH_CAND, DB_ARGS(DBSN(b.s, b.n)), rs, NULL, NULL);
	free(b.s);
	return e;
}

enum xerr db_sx_pair_records(struct db *db, struct arena *a, const uint64_t *pairs, size_t n, struct db_rows *rs)
{
	struct sbuf b = {0};
	sbuf_put(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		char t[64];
		int k = snprintf(t, sizeof t, "%s[%llu,%llu]", i ? "," : "", (unsigned long long)pairs[2 * i],
				 (unsigned long long)pairs[2 * i + 1]);
		sbuf_put(&b, t, (size_t)k);
	}
	sbuf_put(&b, "]", 1);
	enum xerr e = db_exec(db, a, &Q_PAIR_RECS, DB_ARGS(DBSN(b.s, b.n)), rs, NULL, NULL);
	free(b.s);
	return e;
}
