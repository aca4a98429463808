/* test_http: unit tests of the foundation's pure logic: UTF-8 and URL decoding, query parsing, JSON body
 * errors, the router's 404/405/Allow and path parameters, the arena and the error table (issue 2). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "router.h"

static struct arena A;

static void setup(void) { arena_init(&A, 256); arena_set_current(&A); json_init(); }
static void teardown(void) { arena_set_current(NULL); arena_free(&A); }

static struct req mkreq(const char *method, const char *path, const char *query)
{
	struct req r = {0};
	r.arena = &A;
	r.method = method;
	r.path = path;
	r.query = query ? query : "";
	r.content_type = "application/json";
	return r;
}

START_TEST(test_utf8_accepts_cjk_and_supplementary)
{
	const char *s = "学籍 𠀀 😀 abc";
	size_t bad = 99;
	ck_assert_int_eq(http_utf8_valid((const unsigned char *)s, strlen(s), &bad), 1);
}
END_TEST

START_TEST(test_utf8_rejects_overlong_surrogate_truncated)
{
	size_t bad;
	const unsigned char overlong[] = {'a', 0xC0, 0xAF};
	const unsigned char surrogate[] = {0xED, 0xA0, 0x80};
	const unsigned char truncated[] = {'x', 'y', 0xE5, 0xAD};
	const unsigned char too_big[] = {0xF4, 0x90, 0x80, 0x80};
	ck_assert_int_eq(http_utf8_valid(overlong, 3, &bad), 0);
	ck_assert_uint_eq(bad, 1);
	ck_assert_int_eq(http_utf8_valid(surrogate, 3, &bad), 0);
	ck_assert_int_eq(http_utf8_valid(truncated, 4, &bad), 0);
	ck_assert_uint_eq(bad, 2);
	ck_assert_int_eq(http_utf8_valid(too_big, 4, &bad), 0);
}
END_TEST

START_TEST(test_urldecode)
{
	ck_assert_str_eq(http_urldecode(&A, "a%20b+c", 7, 1), "a b c");
	ck_assert_str_eq(http_urldecode(&A, "a+b", 3, 0), "a+b");
	ck_assert_str_eq(http_urldecode(&A, "%E5%AD%A6", 9, 1), "学");
	ck_assert_ptr_null(http_urldecode(&A, "%zz", 3, 1));
	ck_assert_ptr_null(http_urldecode(&A, "%2", 2, 1));
	ck_assert_ptr_null(http_urldecode(&A, "a%00b", 5, 1));
	ck_assert_ptr_null(http_urldecode(&A, "%C3%28", 6, 1));
}
END_TEST

START_TEST(test_query_params)
{
	struct req r = mkreq("GET", "/x", "page=2&q=%E5%AD%A6&flag&empty=");
	struct resp w = {0};
	ck_assert_str_eq(req_query(&r, "q"), "学");
	ck_assert_str_eq(req_query(&r, "flag"), "");
	ck_assert_str_eq(req_query(&r, "empty"), "");
	ck_assert_ptr_null(req_query(&r, "pag"));
	long long v;
	ck_assert_int_eq(req_query_int(&r, &w, "page", 1, 10, 1, &v), XE_OK);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(req_query_int(&r, &w, "missing", 1, 10, 7, &v), XE_OK);
	ck_assert_int_eq(v, 7);
	struct req r2 = mkreq("GET", "/x", "page=abc");
	ck_assert_int_eq(req_query_int(&r2, &w, "page", 1, 10, 1, &v), XE_VALIDATION);
	ck_assert_int_eq(w.status, 422);
}
END_TEST

START_TEST(test_json_body_errors_name_the_position)
{
	struct req r = mkreq("POST", "/x", NULL);
	struct resp w = {0};
	cJSON *j;
	r.body = (const unsigned char *)"{\"a\": 1,}";
	r.body_len = strlen((const char *)r.body);
	ck_assert_int_eq(req_json(&r, &w, &j), XE_BAD_JSON);
	ck_assert_int_eq(w.status, 400);
	ck_assert_ptr_nonnull(strstr(w.body, "byte"));
	memset(&w, 0, sizeof w);
	r.body = (const unsigned char *)"[1,2]";
	r.body_len = 5;
	ck_assert_int_eq(req_json(&r, &w, &j), XE_BAD_JSON);
	memset(&w, 0, sizeof w);
	r.content_type = "text/plain";
	ck_assert_int_eq(req_json(&r, &w, &j), XE_MEDIA_TYPE);
	ck_assert_int_eq(w.status, 415);
	memset(&w, 0, sizeof w);
	r.content_type = "application/json; charset=utf-8";
	r.body = (const unsigned char *)"{\"name\":\"学\"}";
	r.body_len = strlen((const char *)r.body);
	ck_assert_int_eq(req_json(&r, &w, &j), XE_OK);
	const char *name;
	ck_assert_int_eq(json_str(&r, &w, j, "name", 1, 1, 5, &name), XE_OK);
	ck_assert_str_eq(name, "学");
	ck_assert_int_eq(json_str(&r, &w, j, "other", 1, 1, 5, &name), XE_VALIDATION);
	ck_assert_ptr_nonnull(strstr(w.body, "\"field\":\"other\""));
}
END_TEST

START_TEST(test_router_404_405_allow_and_params)
{
	struct resp w = {0};
	struct req r = mkreq("GET", "/api/v1/health", NULL);
	ck_assert_int_eq(router_match(&r, &w), XE_OK);
	ck_assert_str_eq(r.route->path, "/api/v1/health");
	struct req head = mkreq("HEAD", "/api/v1/health", NULL);
	ck_assert_int_eq(router_match(&head, &w), XE_OK);
	memset(&w, 0, sizeof w);
	struct req nf = mkreq("GET", "/api/v1/healthz", NULL);
	ck_assert_int_eq(router_match(&nf, &w), XE_NO_ROUTE);
	ck_assert_int_eq(w.status, 404);
	memset(&w, 0, sizeof w);
	struct req m = mkreq("PUT", "/api/v1/session", NULL);
	ck_assert_int_eq(router_match(&m, &w), XE_METHOD);
	ck_assert_int_eq(w.status, 405);
	int found = 0;
	for (int i = 0; i < w.n_headers; i++)
		if (strcmp(w.hname[i], "Allow") == 0) {
			found = 1;
			ck_assert_ptr_nonnull(strstr(w.hvalue[i], "POST"));
			ck_assert_ptr_nonnull(strstr(w.hvalue[i], "DELETE"));
			ck_assert_ptr_nonnull(strstr(w.hvalue[i], "GET"));
		}
	ck_assert_int_eq(found, 1);
	/* every route has a handler, a method and an /api/v1/ path */
	for (size_t i = 0; i < routes_count; i++) {
		ck_assert_ptr_nonnull(routes[i].handler);
		ck_assert_int_eq(strncmp(routes[i].path, "/api/v1/", 8), 0);
	}
}
END_TEST

START_TEST(test_path_id)
{
	struct req r = mkreq("GET", "/x", NULL);
	uint64_t id;
	r.n_path_params = 1;
	r.path_params[0] = "42";
	ck_assert_int_eq(req_path_id(&r, 0, &id), XE_OK);
	ck_assert_uint_eq(id, 42);
	r.path_params[0] = "0";
	ck_assert_int_eq(req_path_id(&r, 0, &id), XE_NOT_FOUND);
	r.path_params[0] = "4x";
	ck_assert_int_eq(req_path_id(&r, 0, &id), XE_NOT_FOUND);
	r.path_params[0] = "99999999999999999999999";
	ck_assert_int_eq(req_path_id(&r, 0, &id), XE_NOT_FOUND);
}
END_TEST

START_TEST(test_arena_grows_and_resets)
{
	struct arena a;
	arena_init(&a, 64);
	char *p = arena_alloc(&a, 10);
	memset(p, 'x', 10);
	char *big = arena_alloc(&a, 100000);
	memset(big, 'y', 100000);
	ck_assert_str_eq(arena_printf(&a, "%d-%s", 7, "z"), "7-z");
	ck_assert_uint_eq((uintptr_t)arena_alloc(&a, 1) % sizeof(max_align_t) == 0 ||
			  (uintptr_t)arena_alloc(&a, 1) % 16 == 0, 1);
	arena_reset(&a);
	ck_assert_uint_eq(a.used_total, 0);
	ck_assert_ptr_nonnull(arena_alloc(&a, 32));
	arena_free(&a);
}
END_TEST

START_TEST(test_error_table_maps_every_error)
{
	for (int e = 0; e < XE__COUNT; e++) {
		ck_assert_int_ge(err_status((enum xerr)e), 200);
		ck_assert_ptr_nonnull(err_code((enum xerr)e));
		/* issue 10.5: every error has its text in both languages, each in its own script */
		const char *zh = err_message_zh((enum xerr)e), *en = err_message_en((enum xerr)e);
		ck_assert_ptr_nonnull(zh);
		ck_assert_ptr_nonnull(en);
		int han = 0, high = 0;
		for (const unsigned char *p = (const unsigned char *)zh; *p; p++)
			han |= *p >= 0xE4 && *p <= 0xE9; /* lead byte of U+4E00..U+9FFF */
		for (const unsigned char *p = (const unsigned char *)en; *p; p++)
			high |= *p >= 0x80;
		ck_assert_msg(han, "%s: Chinese text", err_code((enum xerr)e));
		ck_assert_msg(!high, "%s: English text", err_code((enum xerr)e));
	}
	ck_assert_int_eq(err_status(XE_NOT_FOUND), 404);
	ck_assert_int_eq(err_status(XE_METHOD), 405);
	ck_assert_int_eq(err_status(XE_VALIDATION), 422);
	ck_assert_int_eq(err_status(XE_UNAVAILABLE), 503);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_utf8_accepts_cjk_and_supplementary);
	tcase_add_test(tc, test_utf8_rejects_overlong_surrogate_truncated);
	tcase_add_test(tc, test_urldecode);
	tcase_add_test(tc, test_query_params);
	tcase_add_test(tc, test_json_body_errors_name_the_position);
	tcase_add_test(tc, test_router_404_405_allow_and_params);
	tcase_add_test(tc, test_path_id);
	tcase_add_test(tc, test_arena_grows_and_resets);
	tcase_add_test(tc, test_error_table_maps_every_error);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
