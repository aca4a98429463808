/* evstore: content-addressed, crash-safe storage of evidence files (R23): <root>/ab/cd/<sha256 hex>. */
#ifndef XJ_EVSTORE_H
#define XJ_EVSTORE_H
#include <stddef.h>

/* Bytes that always hold a content path for a root of up to 3900 bytes. */
#define EVSTORE_PATH_MAX 4096

/* Path of the content file for sha under root: "<root>/ab/cd/<64 hex>" where ab and cd are the first two
 * bytes of the hash in hex. 0 on success, -1 if it does not fit in outsz. */
int evstore_path(const char *root, const unsigned char sha[32], char *out, size_t outsz);

/* Store data[0..len) durably and return its SHA-256 in sha_out (libsodium crypto_hash_sha256).
 * If the content file already exists with this content, nothing is written (same bytes are stored once).
 * Otherwise: create ab/ and ab/cd/ (fsyncing the parent of each directory created), write a temp file
 * ".tmp-<hex>-<random>" in ab/cd/, fsync it, rename it to the final name, fsync ab/cd/. So after a crash
 * the final name holds either nothing or the complete content, never a partial file; a leftover temp
 * file is never served (readers only open final names) and may be deleted. root must exist.
 * Returns 0 or a negative errno (the temp file is removed on failure). Thread-safe; concurrent stores of
 * the same content are harmless (rename is atomic and both write the same bytes). */
int evstore_put(const char *root, const void *data, size_t len, unsigned char sha_out[32]);

/* Read the content file for sha into buf, which must hold expect_len bytes. Verifies that the file is a
 * regular file (symlinks are not followed) of exactly expect_len bytes whose SHA-256 is sha.
 * Returns 0, -ENOENT if there is no such file, -EIO if its size or hash differs, or another negative errno. */
int evstore_get(const char *root, const unsigned char sha[32], void *buf, size_t expect_len);

/* What a sweep saw and removed. */
struct evstore_sweep {
	unsigned long long seen;    /* content files looked at */
	unsigned long long removed; /* content files no evidence row named, removed */
	unsigned long long temps;   /* leftover temp files removed */
};

/* Remove content files that nothing uses (left by uploads cut before their commit). Walks <root>/ab/cd/.
 * A content file whose mtime is older than min_age_s and for which in_use(sha, ctx) answers 0 is renamed to
 * ".gc-<hex>", looked at once more (a store that reused it touched it first: then it is put back, as it is
 * when in_use now answers otherwise), then unlinked; leftover temp files and tombstones older than min_age_s
 * are handled the same way. in_use answers 1 (in use), 0 (not) or -1 (unknown: kept). out is filled.
 * 0, or a negative errno if root cannot be read. Safe beside concurrent evstore_put calls. */
int evstore_sweep(const char *root, long min_age_s, int (*in_use)(const unsigned char sha[32], void *ctx), void *ctx,
		  struct evstore_sweep *out);

#endif
