/* db_housekeep: SQL of periodic housekeeping: expired sessions, old idempotency keys, old import files. */
#ifndef XJ_DB_HOUSEKEEP_H
#define XJ_DB_HOUSEKEEP_H
#include <stdint.h>
#include "db.h"

/* Delete at most `limit` sessions that expired more than `days` days ago (an ended one at most 12 hours after its end +
 * `days`); *n receives the count. */
enum xerr db_hk_sessions(struct db *db, long days, long limit, unsigned long long *n);
/* Delete at most `limit` idempotency keys (workflow actions, provincial batches) older than `days` days. */
enum xerr db_hk_idem(struct db *db, long days, long limit, unsigned long long *n);
/* Ids of at most `limit` import jobs that finished more than `days` days ago and still have their file
 * (rows in the caller's arena; column 0 is the id). */
enum xerr db_hk_jobs_due(struct db *db, struct arena *a, long days, long limit, struct db_rows *out);
/* Mark a job's file as removed and delete its row issues (one transaction). */
enum xerr db_hk_job_purged(struct db *db, uint64_t job_id);

/* *used 1 if some evidence row names the content sha (32 bytes), else 0. */
enum xerr db_hk_evidence_used(struct db *db, const unsigned char sha[32], int *used);

#endif
