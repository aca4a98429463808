/* db_evidence: SQL for evidence files (R23): rows, per-school usage (quota), visibility by jurisdiction
 * (R1-R3) and the reuse check. Rows and strings are allocated in the caller's arena. */
#ifndef XJ_DB_EVIDENCE_H
#define XJ_DB_EVIDENCE_H
#include <stdint.h>
#include "db.h"
#include "http.h"

/* One evidence row as the API shows it. */
struct ev_row {
	uint64_t id;
	unsigned char sha[32];
	char sha_hex[65];
	long long size;
	const char *mime;
	const char *name;          /* sanitized display name */
	const char *created_at;    /* ISO 8601 UTC */
	uint32_t school_id;
	const char *school_code, *school_name;
	uint64_t uploader_id;
	const char *uploader_name; /* display name of the clerk */
};

/* The row `id` if the caller may see it: its jurisdiction covers the uploader's school, or covers a member
 * of a group whose history cites the file (see the query for the exact rule). *found = 0 otherwise
 * (absent and invisible look the same: 404). */
enum xerr db_evidence_get_visible(struct db *db, struct arena *a, const struct principal *who, uint64_t id,
				  struct ev_row *out, int *found);

/* A group whose history cites content with a given SHA-256. */
struct ev_citing {
	uint64_t group_id;
	int cites_this;  /* cites the evidence row asked about (not only another row with the same content) */
	int covered;     /* a member of the group is inside the caller's jurisdiction */
};
/* Groups citing any evidence row with content sha (at most max, by group id); *n receives the count. */
enum xerr db_evidence_citing_groups(struct db *db, struct arena *a, const struct principal *who,
				    const unsigned char sha[32], uint64_t id, size_t max, struct ev_citing **out, size_t *n);
/* Evidence rows with content sha that the caller may know of (row id itself and rows uploaded inside who's
 * jurisdiction): *total of them, *other_schools of them at schools other than school_id. */
enum xerr db_evidence_sha_uploads(struct db *db, struct arena *a, const struct principal *who, const unsigned char sha[32],
				  uint64_t id, uint32_t school_id, long long *total, long long *other_schools);

/* Upload transaction steps (call inside db_tx, in this order). */
/* Create the school's usage row if missing and lock it (SELECT ... FOR UPDATE); *bytes = bytes stored. */
enum xerr db_evidence_usage_lock(struct db *db, struct arena *a, uint32_t school_id, long long *bytes);
/* Bytes the school stores, without locking (a pre-check before reading files). */
enum xerr db_evidence_usage_get(struct db *db, struct arena *a, uint32_t school_id, long long *bytes);
/* The school's row for content sha, if any (*found 0 if none); fills id, size, mime, name of out. */
enum xerr db_evidence_find(struct db *db, struct arena *a, uint32_t school_id, const unsigned char sha[32],
			   struct ev_row *out, int *found);
/* Insert a row; *id receives its id. XE_DUPLICATE if the school already has this content. */
enum xerr db_evidence_insert(struct db *db, const unsigned char sha[32], long long size, const char *mime,
			     const char *name, uint32_t school_id, uint64_t uploader_id, uint64_t *id);
/* bytes += add, files += nfiles, only if the result stays <= quota; *ok = 0 when it would not (nothing changed). */
enum xerr db_evidence_usage_add(struct db *db, uint32_t school_id, long long add, long long nfiles, long long quota, int *ok);

#endif
