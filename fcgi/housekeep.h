/* housekeep: periodic removal of what the service no longer needs: expired sessions, old idempotency keys,
 * the stored files (and row issues) of old import jobs, evidence content no row names; the overdue counters' past
 * days are folded into one row per key (db_counters_fold, issue 13 item 3). History, groups,
 * records, evidence rows and jobs' counts are never removed. Settings (README): XJ_KEEP_SESSIONS_DAYS 30,
 * XJ_KEEP_IDEMPOTENCY_DAYS 7, XJ_KEEP_IMPORT_FILES_DAYS 30, XJ_KEEP_ORPHAN_EVIDENCE_HOURS 24;
 * XJ_HOUSEKEEP_INTERVAL seconds between runs (3600; 0 = never; the evidence sweep runs every 24th). */
#ifndef XJ_HOUSEKEEP_H
#define XJ_HOUSEKEEP_H
#include "db.h"

struct housekeep_counts {
	unsigned long long sessions, idempotency_keys, import_files, evidence_files, temp_files, counter_rows;
	unsigned long long counter_busy; /* counter slices left for the next pass: a change held their rows */
};

/* One full pass on db (batches until nothing is left), with the evidence sweep when `evidence` is set.
 * Counts what was removed; XE_OK or the first error. */
enum xerr housekeep_run(struct db *db, int evidence, struct housekeep_counts *c);
/* Start the background thread (its own connection) that runs a pass every XJ_HOUSEKEEP_INTERVAL seconds,
 * the first a minute after start. Call in one process only. 0, or -1 if the thread could not start. */
int housekeep_start(void);
/* `xueji --housekeep`: one pass, counts printed on stdout; exit status 0 or 1. */
int housekeep_cli(void);

#endif
