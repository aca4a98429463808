/* evstore: content-addressed evidence files on disk: temp file, fsync, rename, fsync directory (R23). */
#include "evstore.h"
#include "xmalloc.h"
#include "evidence.h"
#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

int evstore_path(const char *root, const unsigned char sha[32], char *out, size_t outsz)
{
	char hex[65];
	evidence_hex(sha, hex);
	int n = snprintf(out, outsz, "%s/%.2s/%.2s/%s", root, hex, hex + 2, hex);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* fsync a directory. 0 or -errno. */
static int fsync_dir(const char *dir)
{
	int rc = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* mkdir dir (mode 0750) if missing; when created, fsync parent so the new entry survives a crash. */
static int ensure_dir(const char *dir, const char *parent)
{
	if (mkdir(dir, 0750) == 0)
		return fsync_dir(parent);
	if (errno != EEXIST)
		return -errno;
	struct stat st;
	if (lstat(dir, &st) != 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Read a whole file of exactly len bytes and compare its SHA-256. 0 equal, -EIO differs, -errno. */
static int read_verify(const char *path, const unsigned char sha[32], void *buf, size_t len)
{
	int rc = 0;
	struct stat st;
	size_t got = 0;
	unsigned char h[crypto_hash_sha256_BYTES];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -EIO : -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto done;
	}
	if (!S_ISREG(st.st_mode) || (unsigned long long)st.st_size != (unsigned long long)len) {
		rc = -EIO;
		goto done;
	}
	while (got < len) {
		ssize_t k = read(fd, (char *)buf + got, len - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = k < 0 ? -errno : -EIO;
			goto done;
		}
		got += (size_t)k;
	}
	crypto_hash_sha256(h, buf, len);
	if (memcmp(h, sha, sizeof h) != 0)
		rc = -EIO;
done:
	close(fd);
	return rc;
}

/* 1 if path holds exactly data[0..len) (a complete earlier store), 0 otherwise. */
static int already_stored(const char *path, const unsigned char sha[32], size_t len)
{
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size != (unsigned long long)len)
		return 0;
	void *tmp = xmalloc(len);
	int ok = read_verify(path, sha, tmp, len) == 0;
	free(tmp);
	return ok;
}

int evstore_put(const char *root, const void *data, size_t len, unsigned char sha_out[32])
{
	char hex[65], d1[EVSTORE_PATH_MAX], d2[EVSTORE_PATH_MAX], final[EVSTORE_PATH_MAX], tmp[EVSTORE_PATH_MAX];
	unsigned char rnd[8];
	char rhex[17];
	int fd = -1, rc = 0, have_tmp = 0;
	size_t off = 0;

	crypto_hash_sha256(sha_out, data, len);
	evidence_hex(sha_out, hex);
	if (evstore_path(root, sha_out, final, sizeof final) != 0 ||
	    snprintf(d1, sizeof d1, "%s/%.2s", root, hex) >= (int)sizeof d1 ||
	    snprintf(d2, sizeof d2, "%s/%.2s/%.2s", root, hex, hex + 2) >= (int)sizeof d2) {
		rc = -ENAMETOOLONG;
		goto done;
	}
	/* reused content is touched so that a concurrent sweep (evstore_sweep) keeps it; if the sweep took it
	 * away meanwhile the touch fails and the content is written again */
	if (already_stored(final, sha_out, len) && utimensat(AT_FDCWD, final, NULL, AT_SYMLINK_NOFOLLOW) == 0)
		goto done;
	if ((rc = ensure_dir(d1, root)) != 0 || (rc = ensure_dir(d2, d1)) != 0)
		goto done;
	randombytes_buf(rnd, sizeof rnd);
	for (int i = 0; i < 8; i++)
		snprintf(rhex + 2 * i, 3, "%02x", rnd[i]);
	if (snprintf(tmp, sizeof tmp, "%s/.tmp-%s-%s", d2, hex, rhex) >= (int)sizeof tmp) {
		rc = -ENAMETOOLONG;
		goto done;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0) {
		rc = -errno;
		goto done;
	}
	have_tmp = 1;
	while (off < len) {
		ssize_t k = write(fd, (const char *)data + off, len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = k < 0 ? -errno : -EIO;
			goto done;
		}
		off += (size_t)k;
	}
	if (fsync(fd) != 0) {
		rc = -errno;
		goto done;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = -errno;
		goto done;
	}
	fd = -1;
	if (rename(tmp, final) != 0) {
		rc = -errno;
		goto done;
	}
	have_tmp = 0;
	rc = fsync_dir(d2);
done:
	if (fd >= 0)
		close(fd);
	if (have_tmp)
		unlink(tmp);
	return rc;
}

int evstore_get(const char *root, const unsigned char sha[32], void *buf, size_t expect_len)
{
	char path[EVSTORE_PATH_MAX];
	if (evstore_path(root, sha, path, sizeof path) != 0)
		return -ENAMETOOLONG;
	return read_verify(path, sha, buf, expect_len);
}

/* 1 if name is n lower-case hex digits. */
static int is_hex(const char *name, size_t n)
{
	if (strlen(name) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return 1;
}

static void unhex(const char *hex, unsigned char sha[32])
{
	for (int i = 0; i < 32; i++) {
		unsigned v = 0;
		sscanf(hex + 2 * i, "%2x", &v);
		sha[i] = (unsigned char)v;
	}
}

/* Sweep one <root>/ab/cd directory. */
static void sweep_dir(const char *dir, time_t old, int (*in_use)(const unsigned char *, void *), void *ctx,
		      struct evstore_sweep *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[EVSTORE_PATH_MAX], tomb[EVSTORE_PATH_MAX];
		struct stat st;
		const char *name = de->d_name, *hex = NULL;
		if (strncmp(name, ".tmp-", 5) == 0) {
			if (snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path && lstat(path, &st) == 0 &&
			    S_ISREG(st.st_mode) && st.st_mtime < old && unlink(path) == 0)
				out->temps++;
			continue;
		}
		if (is_hex(name, 64))
			hex = name;
		else if (strncmp(name, ".gc-", 4) == 0 && is_hex(name + 4, 64))
			hex = name + 4; /* a tombstone of an interrupted sweep: decided again below */
		else
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, hex) >= (int)sizeof path ||
		    snprintf(tomb, sizeof tomb, "%s/.gc-%s", dir, hex) >= (int)sizeof tomb)
			continue;
		const char *at = hex == name ? path : tomb;
		if (lstat(at, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (hex == name)
			out->seen++;
		unsigned char sha[32];
		unhex(hex, sha);
		if (st.st_mtime >= old || in_use(sha, ctx) != 0) {
			if (hex != name && access(path, F_OK) != 0)
				rename(tomb, path); /* put an interrupted sweep's tombstone back */
			continue;
		}
		if (hex == name && rename(path, tomb) != 0)
			continue;
		/* touched between the look and the rename (reused by a store), or used now: put it back */
		if (lstat(tomb, &st) != 0 || st.st_mtime >= old || in_use(sha, ctx) != 0) {
			if (access(path, F_OK) != 0)
				rename(tomb, path);
			else
				unlink(tomb); /* a store wrote the same content again meanwhile */
			continue;
		}
		if (unlink(tomb) == 0)
			out->removed++;
	}
	closedir(d);
}

int evstore_sweep(const char *root, long min_age_s, int (*in_use)(const unsigned char sha[32], void *ctx), void *ctx,
		  struct evstore_sweep *out)
{
	memset(out, 0, sizeof *out);
	time_t old = time(NULL) - min_age_s;
	DIR *r = opendir(root);
	if (!r)
		return -errno;
	struct dirent *a;
	while ((a = readdir(r))) {
		char d1[EVSTORE_PATH_MAX];
		if (!is_hex(a->d_name, 2) || snprintf(d1, sizeof d1, "%s/%s", root, a->d_name) >= (int)sizeof d1)
			continue;
		DIR *r1 = opendir(d1);
		struct dirent *b;
		if (!r1)
			continue;
		while ((b = readdir(r1))) {
			char d2[EVSTORE_PATH_MAX];
			if (is_hex(b->d_name, 2) && snprintf(d2, sizeof d2, "%s/%s", d1, b->d_name) < (int)sizeof d2)
				sweep_dir(d2, old, in_use, ctx, out);
		}
		closedir(r1);
	}
	closedir(r);
	return 0;
}
