/* suspects: suspected duplicates (R31, issue 17) as a service: the full set-based run (`xueji --suspects`), the
 * check of one record (incremental), built on the pure matcher (suspect.h) and db_suspect.c's SQL. */
#ifndef XJ_SUSPECTS_H
#define XJ_SUSPECTS_H
#include <stdint.h>
#include "db.h"
#include "suspect.h"

/* XJ_SUSPECT_THRESHOLD (per mille, 1..1000, default SX_THRESHOLD_DEFAULT: config.c). */
int suspects_threshold(void);

/* Statistics of a full run. */
struct sx_run_stats {
	size_t records, keys, blocks, compared, pairs, keys_stored;
	size_t inserted, updated, unchanged; /* pairs found: new, stored otherwise (rewritten), stored alike (untouched) */
	unsigned long long removed;          /* open pairs stored before and found no more */
	/* the whole run; of it: reading the records, preparing and keying them, sorting the keys and comparing blocks,
	 * merging the pairs with the stored ones (and writing what changed), storing missing blocking keys */
	double seconds, read_seconds, prepare_seconds, compare_seconds, store_seconds, keys_seconds;
};
/* The full run: every live record prepared once, candidate pairs only within equal blocking keys (sx_keys; a block
 * larger than the cap is compared in windows of sorted neighbours), pairs at or above the threshold stored (R31:
 * a "different" decision stands while the compared fields are unchanged), open pairs not found again removed; only
 * what differs from the stored pairs is written (issue 17 item 1: a second run over unchanged records writes nothing); records
 * without blocking keys in suspect_key get them. */
enum xerr suspects_run(struct db *db, struct sx_run_stats *st);
/* `xueji --suspects`: the full run, its figures on stdout. */
int suspects_cli(void);

/* The fingerprint of a pair's compared fields (name, gender, birth date, ID type and number of both records). */
uint64_t suspects_fp(const struct sx_rec *lo, const struct sx_rec *hi);

/* A bureau's decision on a suspected pair (R31): "same child" opens a suspected_dup group (handled like an ID
 * duplicate, R17/R18), "different children" is remembered with the fingerprint it was made on. Both are history
 * events of both records (R25), so they reach the feed (R29). */
#define SX_REASON_MAX 200 /* characters of a decision's reason (served by GET /api/v1/rules) */
struct sx_decision {
	uint64_t pair_id;
	int same_child;
	long long expected_version; /* -1: not checked */
	const char *reason;         /* optional, at most SX_REASON_MAX characters */
	uint64_t user_id;
	const char *role;
	uint32_t unit_id;           /* the caller's unit: it must be the pair's arbiter (R2), else XE_NOT_FOUND */
	/* out */
	uint64_t group_id;
	const char *code;           /* with XE_CONFLICT: already_decided, version_conflict, record_deleted, group_open */
};
enum xerr suspects_decide(struct db *db, struct arena *a, struct sx_decision *d);

/* The incremental check (issue 17 item 4, R31): inside the caller's transaction, after the national check of the
 * same batch (R9), every live record marked with batch gets its blocking keys (suspect_key) and is compared with the
 * records sharing one (at most a bounded number per record); pairs at or above the threshold are stored (a decided
 * pair stays decided unless its fingerprint changed). Advisory: it never refuses a record. XJ_SUSPECT_INCREMENTAL=0
 * turns it off. */
enum xerr suspects_check_batch(struct db *db, struct arena *a, uint64_t batch);
/* The same for a batch of records created by it (a registration, an import chunk): no stored keys to forget. */
enum xerr suspects_check_new(struct db *db, struct arena *a, uint64_t batch);

/* An import's check, pipelined (issue 17 item 2): the same pairs as suspects_check_new on each of its batches, but the
 * file's records meet each other in memory, and each batch's keys are stored and its candidates among the committed
 * records read on a connection of their own (side, owned by the caller) while the import goes on with its next batch;
 * a batch's pairs are stored (on the transaction's connection) when the next batch is checked or at the finish. The
 * side connection holds the file's keys in a READ COMMITTED transaction of its own (a committed record is seen by its
 * read as the transaction's own read would have seen it), which suspects_pipe_commit commits once the import's
 * transaction has: the keys of a file that did not commit are never stored. suspects_pipe_new: NULL when the check is
 * off or side is NULL (then suspects_check_new does the work). The caller owns the pipe: suspects_pipe_free after the
 * transaction, whatever its outcome (it waits for a read in flight and rolls back what suspects_pipe_commit did not
 * commit). */
struct sx_pipe;
struct sx_pipe *suspects_pipe_new(struct db *side);
/* The check of batch's new records: the file's own pairs stored, the batch's keys stored and the committed records'
 * candidates read in the background (the previous batch's landed first). When the side connection fails, the keys of
 * the file's batches so far are stored on db instead (in its transaction) and the rest of the check runs there. */
enum xerr suspects_pipe_batch(struct sx_pipe *p, struct db *db, uint64_t batch);
/* The last batch's pairs stored: before the transaction commits. */
enum xerr suspects_pipe_finish(struct sx_pipe *p, struct db *db);
/* After the import's transaction committed on db: the side's keys committed; if that fails, the committed records' keys
 * are stored again on db (short transactions; a failure there is logged, and `xueji --suspects` keys every record
 * without keys). */
void suspects_pipe_commit(struct sx_pipe *p, struct db *db);
void suspects_pipe_free(struct sx_pipe *p);

#endif
