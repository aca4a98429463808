/* Unit tests for fcgi/evidence.c: kinds of stored types, download names and the RFC 6266 Content-Disposition (SPEC R23). */
#include "evidence.h"
#include "multipart.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_R23_kind_of_stored_mime)
{
	ck_assert_int_eq(evidence_kind_of_mime("application/msword"), FT_DOC);
	ck_assert_int_eq(evidence_kind_of_mime("application/x-rar"), FT_RAR);
	ck_assert_int_eq(evidence_kind_of_mime("application/vnd.rar"), FT_RAR);
	ck_assert_int_eq(evidence_kind_of_mime("image/jpeg"), FT_JPEG);
	ck_assert_int_eq(evidence_kind_of_mime("image/png"), FT_REFUSED);
	ck_assert_int_eq(evidence_kind_of_mime("application/vnd.ms-excel"), FT_REFUSED);
	ck_assert_int_eq(evidence_kind_of_mime(""), FT_REFUSED);
	ck_assert_int_eq(evidence_kind_of_mime(NULL), FT_REFUSED);
	ck_assert_str_eq(evidence_ext(FT_DOC), ".doc");
	ck_assert_str_eq(evidence_ext(FT_RAR), ".rar");
	ck_assert_str_eq(evidence_ext(FT_JPEG), ".jpg");
	ck_assert_str_eq(evidence_ext(FT_REFUSED), "");
}
END_TEST

START_TEST(test_R23_download_name_states_the_real_type)
{
	char out[EVIDENCE_NAME_MAX];
	evidence_download_name("证明.jpg", FT_JPEG, out, sizeof out);
	ck_assert_str_eq(out, "证明.jpg");
	evidence_download_name("scan.JPEG", FT_JPEG, out, sizeof out);
	ck_assert_str_eq(out, "scan.JPEG");
	evidence_download_name("photo.jfif", FT_JPEG, out, sizeof out);
	ck_assert_str_eq(out, "photo.jfif");
	/* the client's extension never decides: a JPEG named .doc downloads as a .jpg */
	evidence_download_name("scan.doc", FT_JPEG, out, sizeof out);
	ck_assert_str_eq(out, "scan.doc.jpg");
	evidence_download_name("x.jpg", FT_RAR, out, sizeof out);
	ck_assert_str_eq(out, "x.jpg.rar");
	evidence_download_name("report.Doc", FT_DOC, out, sizeof out);
	ck_assert_str_eq(out, "report.Doc");
	evidence_download_name("report", FT_DOC, out, sizeof out);
	ck_assert_str_eq(out, "report.doc");
	evidence_download_name(".jpg", FT_JPEG, out, sizeof out); /* only an extension: no name before it */
	ck_assert_str_eq(out, ".jpg.jpg");
	evidence_download_name("", FT_RAR, out, sizeof out);
	ck_assert_str_eq(out, "evidence.rar");
	evidence_download_name(NULL, FT_DOC, out, sizeof out);
	ck_assert_str_eq(out, "evidence.doc");
}
END_TEST

START_TEST(test_R23_download_name_cut_at_character_boundary)
{
	char name[MULTIPART_FILENAME_BUFSZ], out[16];
	/* 100 three-byte characters (the sanitizer's maximum) */
	for (int i = 0; i < 100; i++)
		memcpy(name + 3 * i, "证", 3);
	name[300] = '\0';
	char big[EVIDENCE_NAME_MAX];
	evidence_download_name(name, FT_DOC, big, sizeof big);
	ck_assert_uint_eq(strlen(big), 304);
	ck_assert_str_eq(big + 300, ".doc");
	evidence_download_name(name, FT_DOC, out, sizeof out);
	/* 15 bytes available: 11 for the name, cut back to 9 (3 whole characters), then ".doc" */
	ck_assert_uint_eq(strlen(out), 13);
	ck_assert_str_eq(out, "证证证.doc");
}
END_TEST

START_TEST(test_R23_disposition_rfc6266_filename_star)
{
	char out[EVIDENCE_DISPOSITION_MAX];
	size_t n = evidence_disposition("attachment", "证明 材料.jpg", out, sizeof out);
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_str_eq(out, "attachment; filename=\"__ __.jpg\"; filename*=UTF-8''%E8%AF%81%E6%98%8E%20%E6%9D%90%E6%96%99.jpg");
	evidence_disposition("inline", "a.jpg", out, sizeof out);
	ck_assert_str_eq(out, "inline; filename=\"a.jpg\"; filename*=UTF-8''a.jpg");
}
END_TEST

START_TEST(test_R23_disposition_fallback_escapes_specials)
{
	char out[EVIDENCE_DISPOSITION_MAX];
	/* quotes, backslash, percent and semicolon never reach the quoted fallback; filename* encodes them */
	evidence_disposition("attachment", "a\"b\\c%d;e'f.doc", out, sizeof out);
	ck_assert_str_eq(out, "attachment; filename=\"a_b_c_d_e'f.doc\"; filename*=UTF-8''a%22b%5Cc%25d%3Be%27f.doc");
	/* control bytes and an invalid byte (never produced by the sanitizer, but never passed on either) */
	evidence_disposition("attachment", "x\r\ny\xff.rar", out, sizeof out);
	ck_assert_ptr_null(strpbrk(out, "\r\n"));
	ck_assert_str_eq(out, "attachment; filename=\"x__y_.rar\"; filename*=UTF-8''x%0D%0Ay%FF.rar");
	/* a 4-byte character is one '_' in the fallback */
	evidence_disposition("attachment", "\xF0\x9F\x98\x80.jpg", out, sizeof out);
	ck_assert_str_eq(out, "attachment; filename=\"_.jpg\"; filename*=UTF-8''%F0%9F%98%80.jpg");
}
END_TEST

START_TEST(test_R23_disposition_too_small_buffer)
{
	char out[32];
	ck_assert_uint_eq(evidence_disposition("attachment", "a-rather-long-name.jpg", out, sizeof out), 0);
	ck_assert_str_eq(out, "");
	/* the largest sanitized name (100 four-byte characters) plus an extension fits the documented size */
	char name[MULTIPART_FILENAME_BUFSZ + 8], big[EVIDENCE_DISPOSITION_MAX];
	for (int i = 0; i < 100; i++)
		memcpy(name + 4 * i, "\xF0\x9F\x98\x80", 4);
	strcpy(name + 400, ".jpeg");
	ck_assert_uint_gt(evidence_disposition("attachment", name, big, sizeof big), 0);
}
END_TEST

START_TEST(test_R23_sha256_hex_round_trip)
{
	unsigned char sha[32], back[32];
	char hex[65];
	for (int i = 0; i < 32; i++)
		sha[i] = (unsigned char)(i * 37 + 5);
	evidence_hex(sha, hex);
	ck_assert_uint_eq(strlen(hex), 64);
	ck_assert_int_eq(evidence_unhex(hex, back), 0);
	ck_assert_mem_eq(sha, back, 32);
	ck_assert_int_eq(evidence_unhex("ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789", back), 0);
	ck_assert_int_eq(back[0], 0xAB);
	ck_assert_int_eq(evidence_unhex("abc", back), -1);
	ck_assert_int_eq(evidence_unhex("zz" "cdef0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789", back), -1);
	ck_assert_int_eq(evidence_unhex(NULL, back), -1);
}
END_TEST

static Suite *evidence_suite(void)
{
	Suite *s = suite_create("evidence");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, test_R23_kind_of_stored_mime);
	tcase_add_test(tc, test_R23_download_name_states_the_real_type);
	tcase_add_test(tc, test_R23_download_name_cut_at_character_boundary);
	tcase_add_test(tc, test_R23_disposition_rfc6266_filename_star);
	tcase_add_test(tc, test_R23_disposition_fallback_escapes_specials);
	tcase_add_test(tc, test_R23_disposition_too_small_buffer);
	tcase_add_test(tc, test_R23_sha256_hex_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evidence_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
