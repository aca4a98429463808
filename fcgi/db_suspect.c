/* db_suspect: SQL of suspected duplicates (R31, issue 17). */
#include "db_suspect.h"

#define REC_COLS \
	"s.id, s.name, s.gender, s.birth_date, s.id_type, s.id_number, s.id_check, s.county_code, s.school_id, s.guardian_phone"

static const struct db_sql Q_RECORDS = {
	"SELECT " REC_COLS " FROM student s WHERE s.id > ? AND s.status <> 'deleted' ORDER BY s.id LIMIT ?"};
static const struct db_sql Q_RECORD = {"SELECT " REC_COLS ", s.status FROM student s WHERE s.id = ?"};
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
static const struct db_sql Q_SWEEP = {"DELETE FROM suspect_pair WHERE state = 'open' AND updated_at < ?"};
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
	enum xerr e = XE_OK;
	for (size_t i = 0; i < n && e == XE_OK; i++)
		e = db_exec(db, NULL, &Q_STORE,
			    DB_ARGS(DBI(p[i].lo), DBI(p[i].hi), DBI(p[i].score), DBS(p[i].kind), DBS(p[i].rules),
				    DBI((long long)p[i].fp), DBS(p[i].lo_county), DBS(p[i].hi_county), DBI(p[i].arbiter)),
			    NULL, NULL, NULL);
	return e;
}

enum xerr db_sx_sweep(struct db *db, const char *since, unsigned long long *removed)
{
	return db_exec(db, NULL, &Q_SWEEP, DB_ARGS(DBS(since)), NULL, removed, NULL);
}

enum xerr db_sx_now(struct db *db, struct arena *a, const char **now)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_NOW, DB_NOARGS, &rs, NULL, NULL);
	*now = e == XE_OK && rs.n ? db_get(&rs, 0, 0) : NULL;
	return e == XE_OK && !*now ? XE_INTERNAL : e;
}
