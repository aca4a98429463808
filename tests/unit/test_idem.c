/* Unit tests for fcgi/idem.c and json_canonical: an idempotency key is bound to its request's content (R29), so a
 * resend with its members in another order or other spacing replays, and keys stored by the build before (bound to the
 * bytes) are still honoured. */
#include "idem.h"
#include "arena.h"
#include "json.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;

static void setup(void)
{
	arena_init(&A, 1 << 12);
	arena_set_current(&A);
}

static void teardown(void)
{
	arena_set_current(NULL);
	arena_free(&A);
}

static char *canon(const char *text)
{
	cJSON *v = cJSON_Parse(text);
	ck_assert_ptr_nonnull(v);
	return json_canonical(v);
}

static void hash_of(const char *prefix, const char *text, struct idem_hash *h)
{
	idem_hash(prefix, prefix ? strlen(prefix) + 1 : 0, cJSON_Parse(text), text, strlen(text), h);
}

START_TEST(test_canonical_sorts_members_at_every_depth_and_drops_white_space)
{
	ck_assert_str_eq(canon("{ \"b\": 1, \"a\": {\"z\": [ {\"y\":2, \"x\":1} ], \"c\": null} }"),
			 "{\"a\":{\"c\":null,\"z\":[{\"x\":1,\"y\":2}]},\"b\":1}");
	ck_assert_str_eq(canon("[3, 1, 2]"), "[3,1,2]"); /* arrays keep their order: it is content */
	ck_assert_str_eq(canon("{}"), "{}");
	ck_assert_str_eq(canon("\"张三\""), "\"张三\"");
}
END_TEST

START_TEST(test_canonical_same_content_same_text)
{
	ck_assert_str_eq(canon("{\"name\":\"张三\",\"gender\":\"男\",\"n\":1.0}"), canon("{\"n\":1,\"gender\":\"男\",  \"name\":\"张三\"}"));
	ck_assert_str_ne(canon("{\"name\":\"张三\"}"), canon("{\"name\":\"张四\"}"));
	/* members of one name keep their order (what a parser keeping the last or the first would read differs) */
	ck_assert_str_eq(canon("{\"b\":0,\"a\":1,\"a\":2}"), "{\"a\":1,\"a\":2,\"b\":0}");
	ck_assert_str_ne(canon("{\"a\":1,\"a\":2}"), canon("{\"a\":2,\"a\":1}"));
}
END_TEST

START_TEST(test_R29_same_content_in_another_order_is_the_same_request)
{
	struct idem_hash a, b, c;
	hash_of(NULL, "{\"name\":\"张三\",\"idempotency_key\":\"k1\"}", &a);
	hash_of(NULL, "{ \"idempotency_key\": \"k1\", \"name\": \"张三\" }", &b);
	hash_of(NULL, "{\"name\":\"李四\",\"idempotency_key\":\"k1\"}", &c);
	ck_assert(idem_same_hex(&b, a.hex));
	ck_assert(idem_same_bin(&b, a.bin));
	ck_assert(!idem_same_hex(&c, a.hex));
	ck_assert(!idem_same_bin(&c, a.bin));
	ck_assert(!idem_same_hex(&a, NULL));
}
END_TEST

START_TEST(test_R29_a_key_stored_by_the_build_before_is_honoured_for_the_same_bytes)
{
	/* the build before bound a key to the bytes (sent_hex): the same bytes resent still replay */
	struct idem_hash old, again, other_order;
	hash_of(NULL, "{\"name\":\"张三\",\"gender\":\"男\"}", &old);
	hash_of(NULL, "{\"name\":\"张三\",\"gender\":\"男\"}", &again);
	hash_of(NULL, "{\"gender\":\"男\",\"name\":\"张三\"}", &other_order);
	ck_assert(idem_same_hex(&again, old.sent_hex));
	ck_assert(idem_same_bin(&again, old.sent_bin));
	ck_assert(strcmp(old.hex, old.sent_hex) != 0); /* the canonical text is not the bytes sent here */
	ck_assert(!idem_same_hex(&other_order, old.sent_hex)); /* only the new binding knows the order does not matter */
}
END_TEST

START_TEST(test_R29_the_prefix_binds_the_key_to_the_path)
{
	struct idem_hash a, b;
	hash_of("/api/v1/members/1/actions", "{\"action\":\"confirm\"}", &a);
	hash_of("/api/v1/members/2/actions", "{\"action\":\"confirm\"}", &b);
	ck_assert(!idem_same_bin(&b, a.bin));
	ck_assert(!idem_same_bin(&b, a.sent_bin));
}
END_TEST

START_TEST(test_R29_one_rule_of_a_key_1_to_100_characters_of_UTF8_without_controls)
{
	char k[IDEM_KEY_MAX + 2];
	memset(k, 'k', sizeof k);
	k[IDEM_KEY_MAX] = 0;
	ck_assert_ptr_null(idem_key_check(k, IDEM_KEY_MAX));
	ck_assert_ptr_null(idem_key_check("a", 1));
	ck_assert_ptr_null(idem_key_check("!~-_.:/0Zz", 10));
	k[IDEM_KEY_MAX] = 'k';
	k[IDEM_KEY_MAX + 1] = 0;
	const struct idem_refusal *bad = idem_key_check(k, IDEM_KEY_MAX + 1);
	ck_assert_ptr_nonnull(bad);
	ck_assert_int_eq(bad->err, XE_VALIDATION);
	ck_assert_str_eq(bad->reason, "idempotency_key");
	ck_assert_ptr_nonnull(strstr(bad->en, "1 to 100 "));
	/* a province's keys stay keys: Chinese, spaces, 100 characters of three bytes each */
	ck_assert_ptr_null(idem_key_check("批次 1-键", strlen("批次 1-键")));
	ck_assert_ptr_null(idem_key_check("a b", 3));
	char w[3 * IDEM_KEY_MAX + 4];
	for (int i = 0; i <= IDEM_KEY_MAX; i++)
		memcpy(w + 3 * i, "键", 3);
	ck_assert_ptr_null(idem_key_check(w, 3 * IDEM_KEY_MAX));
	ck_assert_ptr_eq(idem_key_check(w, 3 * IDEM_KEY_MAX + 3), bad);
	ck_assert_ptr_nonnull(strstr(bad->zh, "1 到 100 "));
	/* one refusal for every way a key breaks the rule */
	ck_assert_ptr_eq(idem_key_check("", 0), bad);
	ck_assert_ptr_eq(idem_key_check(NULL, 0), bad);
	ck_assert_ptr_eq(idem_key_check("k\t", 2), bad);
	ck_assert_ptr_eq(idem_key_check("k\x7f", 2), bad);
	ck_assert_ptr_eq(idem_key_check("\xe9\x94", 2), bad); /* a cut character */
	ck_assert_ptr_eq(idem_key_check("caf\xe9", 4), bad);
	ck_assert_int_eq(idem_key_reused.err, XE_CONFLICT);
	ck_assert_str_eq(idem_key_reused.reason, "idempotency_key_reused");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("idem");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_canonical_sorts_members_at_every_depth_and_drops_white_space);
	tcase_add_test(tc, test_canonical_same_content_same_text);
	tcase_add_test(tc, test_R29_same_content_in_another_order_is_the_same_request);
	tcase_add_test(tc, test_R29_a_key_stored_by_the_build_before_is_honoured_for_the_same_bytes);
	tcase_add_test(tc, test_R29_the_prefix_binds_the_key_to_the_path);
	tcase_add_test(tc, test_R29_one_rule_of_a_key_1_to_100_characters_of_UTF8_without_controls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	json_init();
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
