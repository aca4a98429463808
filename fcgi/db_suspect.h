/* db_suspect: SQL of suspected duplicates (R31, issue 17): the records the matcher reads, the suspect_pair table
 * (migration 210), the bureau's list and decisions. Strings returned are allocated in the caller's arena. */
#ifndef XJ_DB_SUSPECT_H
#define XJ_DB_SUSPECT_H
#include <stdint.h>
#include "db.h"
#include "http.h"

/* Columns of a record as the matcher reads it (db_sx_records, db_sx_record, db_sx_block). */
enum { SXC_ID, SXC_NAME, SXC_GENDER, SXC_BIRTH, SXC_IDTYPE, SXC_IDNO, SXC_IDCHECK, SXC_COUNTY, SXC_SCHOOL, SXC_PHONE,
       SXC__N };

/* Live records with id > after, ascending, at most limit (the full run reads every record in slices). */
enum xerr db_sx_records(struct db *db, struct arena *a, uint64_t after, long limit, struct db_rows *rs);
/* One record (live or not; *found 0 when there is none). */
enum xerr db_sx_record(struct db *db, struct arena *a, uint64_t id, struct db_rows *rs);
/* Units of levels 0-3: id and code (for the R2 arbiter of a pair). */
enum xerr db_sx_units(struct db *db, struct arena *a, struct db_rows *rs);

/* A pair to store (lo < hi). */
struct sx_pair_row {
	uint64_t lo, hi;
	int score;
	const char *kind, *rules; /* rules: JSON text */
	uint64_t fp;
	const char *lo_county, *hi_county;
	uint32_t arbiter;
};
/* Insert or refresh pairs; a pair decided "different" whose fingerprint changed is open again (R31); a refreshed
 * pair gets updated_at = now (the full run's sweep keeps it). */
enum xerr db_sx_store(struct db *db, const struct sx_pair_row *p, size_t n);
/* Full run: remove open pairs not refreshed since `since` (UTC 'YYYY-MM-DD hh:mm:ss.ffffff'). */
enum xerr db_sx_sweep(struct db *db, const char *since, unsigned long long *removed);
/* The database's clock (for db_sx_sweep). */
enum xerr db_sx_now(struct db *db, struct arena *a, const char **now);

#endif
