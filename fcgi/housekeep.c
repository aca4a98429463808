/* housekeep: periodic removal of expired sessions, old idempotency keys, old import files, orphan evidence (housekeep.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "arena.h"
#include "config.h"
#include "db_counters.h"
#include "db_housekeep.h"
#include "err.h"
#include "evstore.h"
#include "housekeep.h"
#include "log.h"
#include "search.h"
#include "thread.h"

#define BATCH 1000

/* Remove the stored file of each finished job older than the limit, then mark it (a failed mark is retried
 * next pass; the file is already gone, which is what the mark says). */
static enum xerr purge_import_files(struct db *db, long days, unsigned long long *n)
{
	enum xerr e = XE_OK;
	for (;;) {
		struct arena a;
		struct db_rows rs;
		arena_init(&a, 16 * 1024);
		if ((e = db_hk_jobs_due(db, &a, days, BATCH, &rs)) != XE_OK) {
			arena_free(&a);
			break;
		}
		size_t got = rs.n;
		for (size_t i = 0; i < rs.n && e == XE_OK; i++) {
			uint64_t id = (uint64_t)db_get_int(&rs, i, 0);
			char path[1100];
			snprintf(path, sizeof path, "%s/imports/%llu.bin", cfg.data_dir, (unsigned long long)id);
			if (unlink(path) != 0 && errno != ENOENT) {
				log_error("housekeep: cannot remove %s: %s", path, strerror(errno));
				e = XE_INTERNAL;
				break;
			}
			if ((e = db_hk_job_purged(db, id)) == XE_OK)
				(*n)++;
		}
		arena_free(&a);
		if (e != XE_OK || got < BATCH)
			break;
	}
	return e;
}

/* evstore_sweep's question: does an evidence row name this content? (-1 when the database cannot say) */
static int evidence_in_use(const unsigned char sha[32], void *ctx)
{
	int used = 0;
	return db_hk_evidence_used(ctx, sha, &used) != XE_OK ? -1 : used;
}

enum xerr housekeep_run(struct db *db, int evidence, struct housekeep_counts *c)
{
	long sess_days = config_int("XJ_KEEP_SESSIONS_DAYS"), idem_days = config_int("XJ_KEEP_IDEMPOTENCY_DAYS"),
	     file_days = config_int("XJ_KEEP_IMPORT_FILES_DAYS");
	unsigned long long k;
	enum xerr e = XE_OK;
	memset(c, 0, sizeof *c);
	do {
		k = 0;
		e = db_hk_sessions(db, sess_days, BATCH, &k);
		c->sessions += k;
	} while (e == XE_OK && k > 0);
	while (e == XE_OK) {
		k = 0;
		e = db_hk_idem(db, idem_days, BATCH, &k);
		c->idempotency_keys += k;
		if (k == 0)
			break;
	}
	if (e == XE_OK)
		e = purge_import_files(db, file_days, &c->import_files);
	if (e == XE_OK) {
		struct arena a;
		arena_init(&a, 256);
		e = db_counters_fold(db, search_today(&a), &c->counter_rows, &c->counter_busy);
		arena_free(&a);
	}
	if (e == XE_OK && evidence) {
		struct evstore_sweep sw;
		int rc = evstore_sweep(cfg.data_dir, config_int("XJ_KEEP_ORPHAN_EVIDENCE_HOURS") * 3600, evidence_in_use, db, &sw);
		if (rc != 0 && rc != -ENOENT) {
			log_error("housekeep: cannot read %s: %s", cfg.data_dir, strerror(-rc));
			e = XE_INTERNAL;
		}
		c->evidence_files = sw.removed;
		c->temp_files = sw.temps;
	}
	return e;
}

static void log_pass(enum xerr e, const struct housekeep_counts *c, double secs, FILE *out)
{
	char line[300];
	snprintf(line, sizeof line,
		 "housekeep: %s in %.3f s: sessions %llu, idempotency keys %llu, import files %llu, evidence files %llu, temp files %llu,"
		 " counter rows folded %llu, counter slices busy %llu",
		 err_code(e), secs, c->sessions, c->idempotency_keys, c->import_files, c->evidence_files, c->temp_files,
		 c->counter_rows, c->counter_busy);
	if (out)
		fprintf(out, "%s\n", line);
	else
		log_error("%s", line);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *housekeep_thread(void *arg)
{
	(void)arg;
	long interval = config_int("XJ_HOUSEKEEP_INTERVAL");
	struct db *db = db_open();
	sleep(interval < 60 ? (unsigned)interval : 60);
	for (unsigned long pass = 0;; pass++) {
		struct housekeep_counts c;
		double t0 = now_s();
		enum xerr e = housekeep_run(db, pass % 24 == 0, &c);
		if (e != XE_OK || c.sessions + c.idempotency_keys + c.import_files + c.evidence_files + c.temp_files + c.counter_busy > 0)
			log_pass(e, &c, now_s() - t0, NULL);
		sleep((unsigned)interval);
	}
	return NULL;
}

int housekeep_start(void)
{
	if (config_int("XJ_HOUSEKEEP_INTERVAL") <= 0)
		return 0;
	return thread_spawn(housekeep_thread, NULL) == 0 ? 0 : -1;
}

int housekeep_cli(void)
{
	struct db *db = db_open();
	struct housekeep_counts c;
	double t0 = now_s();
	enum xerr e = housekeep_run(db, 1, &c);
	log_pass(e, &c, now_s() - t0, stdout);
	db_close(db);
	return e == XE_OK ? 0 : 1;
}
