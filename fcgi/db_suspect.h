/* db_suspect: SQL of suspected duplicates (R31, issue 17): the records the matcher reads, the suspect_pair table
 * (migration 210), the bureau's list and decisions. Strings returned are allocated in the caller's arena. */
#ifndef XJ_DB_SUSPECT_H
#define XJ_DB_SUSPECT_H
#include <stdint.h>
#include "db.h"
#include "http.h"
#include "search.h"

/* Columns of a record as the matcher reads it (db_sx_records, db_sx_record, db_sx_block). */
enum { SXC_ID, SXC_NAME, SXC_GENDER, SXC_BIRTH, SXC_IDTYPE, SXC_IDNO, SXC_IDCHECK, SXC_COUNTY, SXC_SCHOOL, SXC_PHONE,
       SXC_GUARDIAN, SXC__N };

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
/* Full run (issue 17 item 1: only what changed is written): the stored pairs whose lower record id lies in [from, to),
 * ascending by (lo_id, hi_id): columns SXS_*. */
enum { SXS_ID, SXS_LO, SXS_HI, SXS_SCORE, SXS_KIND, SXS_RULES, SXS_FP, SXS_LO_COUNTY, SXS_HI_COUNTY, SXS_ARBITER, SXS_STATE,
       SXS_DECIDED_FP, SXS__N };
enum xerr db_sx_stored(struct db *db, struct arena *a, uint64_t from, uint64_t to, struct db_rows *rs);
/* Full run: remove the pairs ids[0..n) the run found no more, each only while open and not stored since `since` (UTC
 * 'YYYY-MM-DD hh:mm:ss.ffffff': a concurrent check's pair stays); *removed: how many were. */
enum xerr db_sx_vanished(struct db *db, const uint64_t *ids, size_t n, const char *since, unsigned long long *removed);
/* The database's clock (for db_sx_vanished). */
enum xerr db_sx_now(struct db *db, struct arena *a, const char **now);

/* The bureau's list (R2/R31): pairs whose arbiter is who's unit in state, newest first, id < before (0: from the newest),
 * at most limit; an open pair of a deleted record is left out (nothing to decide). Searched (issue 17 item 4, search.h):
 * either record is the student searched for (exact ID number, exact student number, name exact or by prefix) and lies
 * in the school or county filtered for; without a student search, the county filter takes pairs with either record
 * there. Columns: SXL_* (pair), then SXR__N columns of the lower record and SXR__N of the higher. */
enum { SXL_ID, SXL_SCORE, SXL_KIND, SXL_RULES, SXL_STATE, SXL_VERSION, SXL_GROUP, SXL_DECIDED_AT, SXL_CREATED, SXL__N };
enum { SXR_ID, SXR_NO, SXR_NAME, SXR_GENDER, SXR_BIRTH, SXR_IDTYPE, SXR_IDNO, SXR_STATUS, SXR_SCHOOL_CODE, SXR_SCHOOL_NAME,
       SXR_COUNTY_CODE, SXR_COUNTY_NAME, SXR_GRADE, SXR_CLASS, SXR_GUARDIAN, SXR_PHONE, SXR__N };
enum xerr db_sx_list(struct db *db, struct arena *a, const struct principal *who, const struct search *f, const char *state,
		     uint64_t before, long limit, struct db_rows *rs);
/* One pair with its records, as a list row (any arbiter; the caller checks). */
enum xerr db_sx_get(struct db *db, struct arena *a, uint64_t id, struct db_rows *rs);

/* Lock a pair for a decision: columns id, state, version, arbiter_unit_id, lo_id, hi_id (no row: not found). */
enum xerr db_sx_lock(struct db *db, struct arena *a, uint64_t id, struct db_rows *rs);
/* A record for a decision (shared lock): SXC_* columns, then status, province_code, city_code. */
enum xerr db_sx_record_locked(struct db *db, struct arena *a, uint64_t id, struct db_rows *rs);
/* Record the decision on pair id (state same_child or different) with the fingerprint it was made on. */
enum xerr db_sx_decide(struct db *db, uint64_t id, const char *state, uint64_t user_id, uint64_t fp, uint64_t group_id);
/* A history row (R25; the feed follows, R29) about a record (group_id 0: none) by a user. */
enum xerr db_sx_history(struct db *db, uint64_t group_id, uint64_t member_id, uint64_t student_id, uint64_t user_id,
			const char *role, const char *action, const char *before, const char *after, const char *reason);
/* A member of a new suspected_dup group. */
struct sx_member {
	uint64_t student_id;
	uint32_t school_id;
	const char *province, *city, *county;
};
/* Open a suspected_dup group (R31) keyed by its pair (one open group per pair) with arbiter and scope level, and its
 * two members in state open due on due_date; both records' status becomes problem (R6). XE_DUPLICATE if the pair
 * already has an open group. */
enum xerr db_sx_group_open(struct db *db, const char *key, uint32_t arbiter, int scope_level, const struct sx_member m[2],
			   const char *due_date, uint64_t *group_id, uint64_t member_id[2]);

/* ---- blocking keys (migration 211) and the incremental check (issue 17 item 4) ---- */
/* Live records marked with batch (touch_batch; k_student_touch), ascending id: SXC_* columns. */
enum xerr db_sx_batch_records(struct db *db, struct arena *a, uint64_t batch, struct db_rows *rs);
/* The unit id of a division code (levels 0-3); 0 when there is none. */
enum xerr db_sx_unit_of(struct db *db, struct arena *a, const char *code, uint32_t *id);
/* Full run: the students that have keys (ascending). */
enum xerr db_sx_keyed(struct db *db, struct arena *a, struct db_rows *rs);
/* A blocking key of a record (suspect_key, migrations 211, 370, 402). */
struct sx_keyrow {
	uint64_t k, id;
	const char *birth; /* the record's birth date (YYYY-MM-DD) */
	uint32_t rd;       /* the record's readings (sx_prep.rd): stored with a key of month and day (SX_KEY_MD) */
	uint8_t undated;   /* the number key (sx_number_key): stored without a birth date, meets any (migration 370) */
};
/* Store rows[0..n) (in key order: the load walks the primary key once) and the key set of each record (suspect_keyset,
 * migration 402: every key of a record must be in the same call). */
enum xerr db_sx_keys_bulk(struct db *db, const struct sx_keyrow *rows, size_t n);

/* The incremental check of a batch, set-based: forget the keys of the records marked with batch (by their key sets);
 * the candidates of the records whose keys are rows[0..n) (in key order): column 0 the batch record's id, then SXC_*
 * columns of the other record sharing a key with it where sx_compare can suggest the pair (born near enough, or the
 * number key) and the key pairs them (sx_key_pairs). */
enum xerr db_sx_batch_keys_del(struct db *db, struct arena *a, uint64_t batch);
enum xerr db_sx_batch_candidates(struct db *db, struct arena *a, const struct sx_keyrow *rows, size_t n, struct db_rows *rs);
/* The rows of db_sx_batch_candidates for pairs found already (an import's own records, paired in memory): pairs[2i]
 * the batch record's id, pairs[2i+1] the other's; only the live others. */
enum xerr db_sx_pair_records(struct db *db, struct arena *a, const uint64_t *pairs, size_t n, struct db_rows *rs);

#endif
