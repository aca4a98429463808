/* Unit tests for fcgi/evstore.c: content-addressed, crash-safe storage of evidence files (SPEC R23). */
#include "evstore.h"
#include "evidence.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

static char root[256];

static void root_setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	snprintf(root, sizeof root, "/tmp/xj-evstore-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

/* rm -r root (three levels at most). */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char p[1024];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static void root_teardown(void)
{
	rm_tree(root);
}

/* Entries in a directory other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

START_TEST(test_R23_content_addressed_path)
{
	unsigned char sha[32];
	char hex[65], path[EVSTORE_PATH_MAX], want[EVSTORE_PATH_MAX];
	crypto_hash_sha256(sha, (const unsigned char *)"abc", 3);
	evidence_hex(sha, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(evstore_path("/data", sha, path, sizeof path), 0);
	snprintf(want, sizeof want, "/data/ba/78/%s", hex);
	ck_assert_str_eq(path, want);
	ck_assert_int_eq(evstore_path("/data", sha, path, 20), -1);
}
END_TEST

START_TEST(test_R23_put_then_get_round_trip)
{
	static const char data[] = "\xFF\xD8\xFF not really a jpeg, evstore does not care";
	unsigned char sha[32], want[32];
	char buf[sizeof data], path[EVSTORE_PATH_MAX];
	struct stat st;
	ck_assert_int_eq(evstore_put(root, data, sizeof data, sha), 0);
	crypto_hash_sha256(want, (const unsigned char *)data, sizeof data);
	ck_assert_mem_eq(sha, want, 32);
	evstore_path(root, sha, path, sizeof path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)sizeof data);
	ck_assert_int_eq(evstore_get(root, sha, buf, sizeof buf), 0);
	ck_assert_mem_eq(buf, data, sizeof data);
}
END_TEST

START_TEST(test_R23_same_content_stored_once_no_temp_left)
{
	static const char data[] = "same bytes twice";
	unsigned char s1[32], s2[32];
	char path[EVSTORE_PATH_MAX], dir[EVSTORE_PATH_MAX];
	struct stat a, b;
	ck_assert_int_eq(evstore_put(root, data, sizeof data, s1), 0);
	evstore_path(root, s1, path, sizeof path);
	ck_assert_int_eq(stat(path, &a), 0);
	ck_assert_int_eq(evstore_put(root, data, sizeof data, s2), 0);
	ck_assert_mem_eq(s1, s2, 32);
	ck_assert_int_eq(stat(path, &b), 0);
	ck_assert_int_eq(a.st_ino, b.st_ino); /* not rewritten */
	/* the content directory holds the content file only: no temp file left behind */
	snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(path, '/') - path), path);
	ck_assert_int_eq(count_entries(dir), 1);
	ck_assert_int_eq(count_entries(root), 1);
}
END_TEST

START_TEST(test_R23_get_missing_is_enoent)
{
	unsigned char sha[32];
	char buf[4];
	crypto_hash_sha256(sha, (const unsigned char *)"never stored", 12);
	ck_assert_int_eq(evstore_get(root, sha, buf, sizeof buf), -ENOENT);
}
END_TEST

START_TEST(test_R23_get_detects_truncation_and_corruption)
{
	static const char data[] = "content that will be damaged on disk";
	unsigned char sha[32];
	char buf[sizeof data], path[EVSTORE_PATH_MAX];
	ck_assert_int_eq(evstore_put(root, data, sizeof data, sha), 0);
	evstore_path(root, sha, path, sizeof path);
	/* same size, one byte flipped: the SHA-256 check refuses it */
	int fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "X", 1, 3), 1);
	close(fd);
	ck_assert_int_eq(evstore_get(root, sha, buf, sizeof buf), -EIO);
	/* storing the content again repairs it (the damaged file is replaced, not trusted) */
	ck_assert_int_eq(evstore_put(root, data, sizeof data, sha), 0);
	ck_assert_int_eq(evstore_get(root, sha, buf, sizeof buf), 0);
	/* a truncated file is refused by its size */
	ck_assert_int_eq(truncate(path, 5), 0);
	ck_assert_int_eq(evstore_get(root, sha, buf, sizeof buf), -EIO);
}
END_TEST

START_TEST(test_R23_get_does_not_follow_symlinks)
{
	static const char data[] = "linked";
	unsigned char sha[32];
	char buf[sizeof data], path[EVSTORE_PATH_MAX], target[EVSTORE_PATH_MAX];
	ck_assert_int_eq(evstore_put(root, data, sizeof data, sha), 0);
	evstore_path(root, sha, path, sizeof path);
	snprintf(target, sizeof target, "%s/elsewhere", root);
	ck_assert_int_eq(rename(path, target), 0);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_lt(evstore_get(root, sha, buf, sizeof buf), 0);
}
END_TEST

START_TEST(test_R23_put_fails_cleanly_without_root)
{
	unsigned char sha[32];
	char missing[300];
	snprintf(missing, sizeof missing, "%s/no/such/root", root);
	ck_assert_int_eq(evstore_put(missing, "x", 1, sha), -ENOENT);
}
END_TEST

START_TEST(test_R23_put_empty_and_2mb)
{
	unsigned char sha[32];
	size_t n = 2097152;
	char *big = malloc(n), *back = malloc(n);
	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(back);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i * 131 + (i >> 11));
	ck_assert_int_eq(evstore_put(root, big, n, sha), 0);
	ck_assert_int_eq(evstore_get(root, sha, back, n), 0);
	ck_assert_mem_eq(big, back, n);
	free(big);
	free(back);
	/* zero bytes (never accepted by the API, but the store itself has no lower limit) */
	char none[1];
	ck_assert_int_eq(evstore_put(root, none, 0, sha), 0);
	ck_assert_int_eq(evstore_get(root, sha, none, 0), 0);
}
END_TEST

/* ---- sweep: content no evidence row names is removed once old; used, recent and reused content stays ---- */
static unsigned char used_sha[32];
static int used_only(const unsigned char sha[32], void *ctx)
{
	(void)ctx;
	return memcmp(sha, used_sha, 32) == 0;
}
static int unknown(const unsigned char sha[32], void *ctx)
{
	(void)sha;
	(void)ctx;
	return -1;
}
static void age(const char *path, long secs)
{
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= secs;
	t[1] = t[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
}
static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

START_TEST(test_R23_sweep_removes_only_old_content_no_row_names)
{
	unsigned char a[32], b[32], c[32];
	char pa[EVSTORE_PATH_MAX], pb[EVSTORE_PATH_MAX], pc[EVSTORE_PATH_MAX], tmp[EVSTORE_PATH_MAX], hex[65];
	ck_assert_int_eq(evstore_put(root, "used", 4, a), 0);
	ck_assert_int_eq(evstore_put(root, "orphan", 6, b), 0);
	ck_assert_int_eq(evstore_put(root, "recent orphan", 13, c), 0);
	memcpy(used_sha, a, 32);
	evstore_path(root, a, pa, sizeof pa);
	evstore_path(root, b, pb, sizeof pb);
	evstore_path(root, c, pc, sizeof pc);
	age(pa, 2 * 86400);
	age(pb, 2 * 86400);
	evidence_hex(b, hex);
	snprintf(tmp, sizeof tmp, "%.*s/.tmp-%s-0011223344556677", (int)(strrchr(pb, '/') - pb), pb, hex);
	FILE *f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	age(tmp, 2 * 86400);

	struct evstore_sweep sw;
	/* the database cannot answer: no content is removed (an old temp file needs no answer) */
	ck_assert_int_eq(evstore_sweep(root, 86400, unknown, NULL, &sw), 0);
	ck_assert_uint_eq(sw.removed, 0);
	ck_assert_uint_eq(sw.temps, 1);
	ck_assert(exists(pb));
	ck_assert(!exists(tmp));

	ck_assert_int_eq(evstore_sweep(root, 86400, used_only, NULL, &sw), 0);
	ck_assert_uint_eq(sw.seen, 3);
	ck_assert_uint_eq(sw.removed, 1);
	ck_assert(exists(pa));   /* named by a row */
	ck_assert(!exists(pb));  /* old, named by none */
	ck_assert(exists(pc));   /* too recent: an upload may still be committing */
	unsigned char back[8];
	ck_assert_int_eq(evstore_get(root, a, back, 4), 0);
}
END_TEST

START_TEST(test_R23_sweep_keeps_content_a_store_reused)
{
	unsigned char b[32];
	char pb[EVSTORE_PATH_MAX];
	memset(used_sha, 0, 32);
	ck_assert_int_eq(evstore_put(root, "orphan", 6, b), 0);
	evstore_path(root, b, pb, sizeof pb);
	age(pb, 2 * 86400);
	/* an upload of the same bytes finds them stored and touches them before inserting its row */
	ck_assert_int_eq(evstore_put(root, "orphan", 6, b), 0);
	struct evstore_sweep sw;
	ck_assert_int_eq(evstore_sweep(root, 86400, used_only, NULL, &sw), 0);
	ck_assert_uint_eq(sw.removed, 0);
	ck_assert(exists(pb));
}
END_TEST

START_TEST(test_R23_sweep_settles_tombstones_of_an_interrupted_sweep)
{
	unsigned char a[32], b[32];
	char pa[EVSTORE_PATH_MAX], pb[EVSTORE_PATH_MAX], ta[EVSTORE_PATH_MAX], tb[EVSTORE_PATH_MAX], hex[65];
	ck_assert_int_eq(evstore_put(root, "used", 4, a), 0);
	ck_assert_int_eq(evstore_put(root, "orphan", 6, b), 0);
	memcpy(used_sha, a, 32);
	evstore_path(root, a, pa, sizeof pa);
	evstore_path(root, b, pb, sizeof pb);
	evidence_hex(a, hex);
	snprintf(ta, sizeof ta, "%.*s/.gc-%s", (int)(strrchr(pa, '/') - pa), pa, hex);
	evidence_hex(b, hex);
	snprintf(tb, sizeof tb, "%.*s/.gc-%s", (int)(strrchr(pb, '/') - pb), pb, hex);
	ck_assert_int_eq(rename(pa, ta), 0);
	ck_assert_int_eq(rename(pb, tb), 0);
	age(ta, 2 * 86400);
	age(tb, 2 * 86400);
	struct evstore_sweep sw;
	ck_assert_int_eq(evstore_sweep(root, 86400, used_only, NULL, &sw), 0);
	ck_assert(exists(pa) && !exists(ta)); /* used: put back */
	ck_assert(!exists(pb) && !exists(tb)); /* unused: removed */
	ck_assert_uint_eq(sw.removed, 1);
}
END_TEST

static Suite *evstore_suite(void)
{
	Suite *s = suite_create("evstore");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, root_setup, root_teardown);
	tcase_add_test(tc, test_R23_content_addressed_path);
	tcase_add_test(tc, test_R23_put_then_get_round_trip);
	tcase_add_test(tc, test_R23_same_content_stored_once_no_temp_left);
	tcase_add_test(tc, test_R23_get_missing_is_enoent);
	tcase_add_test(tc, test_R23_get_detects_truncation_and_corruption);
	tcase_add_test(tc, test_R23_get_does_not_follow_symlinks);
	tcase_add_test(tc, test_R23_put_fails_cleanly_without_root);
	tcase_add_test(tc, test_R23_put_empty_and_2mb);
	tcase_add_test(tc, test_R23_sweep_removes_only_old_content_no_row_names);
	tcase_add_test(tc, test_R23_sweep_keeps_content_a_store_reused);
	tcase_add_test(tc, test_R23_sweep_settles_tombstones_of_an_interrupted_sweep);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evstore_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
