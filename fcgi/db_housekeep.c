/* db_housekeep: SQL of periodic housekeeping (see db_housekeep.h). Deletes run in small batches (LIMIT) so
 * no statement holds many row locks; on a cluster every node may run them (they are idempotent). */
#include <stdint.h>
#include "arena.h"
#include "db_housekeep.h"

/* sessions expired more than the days kept, on k_session_expires. A session expires 12 hours after it began, fixed
 * (db_auth.c), so one that ended earlier goes at most 12 hours later than its end + the days kept; with "OR ended_at <
 * ..." (no key) every pass ended in a walk of the whole table that found nothing (its loop runs until a batch is empty) */
static const struct db_sql Q_SESSIONS = {
	"DELETE FROM session WHERE expires_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY LIMIT ?"};
static const struct db_sql Q_IDEM_WF = {
	"DELETE FROM workflow_idempotency WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY LIMIT ?"};
static const struct db_sql Q_IDEM_API = {
	"DELETE FROM api_idem WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY LIMIT ?"};
/* request tokens of committed transactions (issue 12 item 2): asked about after a lost COMMIT, kept
 * DB_TX_TOKEN_KEEP_SECONDS (a day); an older one is answered 410, never "not committed" (api_outcome.c).
 * A token begins with its creation time (4 bytes, big-endian seconds: db.c), so a day's old ones are one key range. */
static const struct db_sql Q_TX_TOKENS = {
	"DELETE FROM tx_token WHERE token < UNHEX(CONCAT(LPAD(HEX(UNIX_TIMESTAMP() - ?), 8, '0'), REPEAT('0', 24)))"
	" ORDER BY token LIMIT ?"};
static const struct db_sql Q_JOBS_DUE = {
	"SELECT id FROM import_job WHERE finished_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY AND file_purged_at IS NULL"
	" ORDER BY finished_at LIMIT ?"};
static const struct db_sql Q_JOB_PURGED = {
	"UPDATE import_job SET file_purged_at = UTC_TIMESTAMP(6) WHERE id = ? AND file_purged_at IS NULL"};
static const struct db_sql Q_JOB_ISSUES = {"DELETE FROM import_error WHERE job_id = ?"};
static const struct db_sql Q_EVIDENCE_USED = {"SELECT 1 FROM evidence WHERE sha256 = ? LIMIT 1"};

enum xerr db_hk_sessions(struct db *db, long days, long limit, unsigned long long *n)
{
	return db_exec(db, NULL, &Q_SESSIONS, DB_ARGS(DBI(days), DBI(limit)), NULL, n, NULL);
}

enum xerr db_hk_idem(struct db *db, long days, long limit, unsigned long long *n)
{
	unsigned long long a = 0, b = 0;
	enum xerr e = db_exec(db, NULL, &Q_IDEM_WF, DB_ARGS(DBI(days), DBI(limit)), NULL, &a, NULL);
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_IDEM_API, DB_ARGS(DBI(days), DBI(limit)), NULL, &b, NULL);
	unsigned long long t = 0;
	if (e == XE_OK)
		e = db_exec(db, NULL, &Q_TX_TOKENS, DB_ARGS(DBI(DB_TX_TOKEN_KEEP_SECONDS), DBI(limit)), NULL, &t, NULL);
	*n = a + b + t;
	return e;
}

enum xerr db_hk_jobs_due(struct db *db, struct arena *a, long days, long limit, struct db_rows *out)
{
	return db_exec(db, a, &Q_JOBS_DUE, DB_ARGS(DBI(days), DBI(limit)), out, NULL, NULL);
}

static enum xerr job_purged_tx(struct db *db, void *ctx)
{
	uint64_t id = *(uint64_t *)ctx;
	enum xerr e = db_exec(db, NULL, &Q_JOB_PURGED, DB_ARGS(DBI(id)), NULL, NULL, NULL);
	return e != XE_OK ? e : db_exec(db, NULL, &Q_JOB_ISSUES, DB_ARGS(DBI(id)), NULL, NULL, NULL);
}

enum xerr db_hk_job_purged(struct db *db, uint64_t job_id)
{
	return db_tx(db, job_purged_tx, &job_id);
}

enum xerr db_hk_evidence_used(struct db *db, const unsigned char sha[32], int *used)
{
	struct arena a;
	struct db_rows rs;
	arena_init(&a, 1024);
	enum xerr e = db_exec(db, &a, &Q_EVIDENCE_USED, DB_ARGS(DBSN((const char *)sha, 32)), &rs, NULL, NULL);
	*used = e == XE_OK && rs.n > 0;
	arena_free(&a);
	return e;
}
