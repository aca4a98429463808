/* Unit tests for fcgi/authpolicy.c: password policy (issue 3, ASVS V6), login back-off (never a permanent
 * lockout) and which role fits which unit level (SPEC R3). */
#include "authpolicy.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *list_path(void)
{
	const char *p = getenv("XJ_PASSWORD_LIST");
	return p ? p : "fcgi/data/common-passwords.txt";
}

START_TEST(test_password_list_ships_thousands_of_entries)
{
	int n = policy_load_common(list_path());
	ck_assert_int_ge(n, 3000);
	ck_assert_int_eq(policy_common_count(), n);
}
END_TEST

START_TEST(test_password_list_missing_file_is_an_error_and_keeps_the_old_list)
{
	int n = policy_load_common(list_path());
	ck_assert_int_eq(policy_load_common("/nonexistent/list.txt"), -1);
	ck_assert_int_eq(policy_common_count(), n);
}
END_TEST

START_TEST(test_password_common_list_is_case_insensitive)
{
	policy_load_common(list_path());
	ck_assert(policy_is_common("password1"));
	ck_assert(policy_is_common("PassWord1"));
	ck_assert(policy_is_common("woaini1314"));   /* Chinese part of the list */
	ck_assert(policy_is_common("qwertyuiop"));
	ck_assert(!policy_is_common("Xueji@2026demo"));
	ck_assert(!policy_is_common(""));
}
END_TEST

START_TEST(test_password_minimum_eight_characters)
{
	policy_load_common(list_path());
	ck_assert_str_eq(policy_password_problem("Ab3$xyz", NULL), "too_short");
	ck_assert_ptr_null(policy_password_problem("Ab3$xyzQ", NULL));
	/* characters, not bytes: 7 Chinese characters (21 bytes) are too short, 8 are enough */
	ck_assert_str_eq(policy_password_problem("学籍管理系统密", NULL), "too_short");
	ck_assert_ptr_null(policy_password_problem("学籍管理系统密码", NULL));
}
END_TEST

START_TEST(test_password_maximum_128_characters)
{
	char buf[200];
	memset(buf, 'k', 129);
	buf[129] = 0;
	buf[0] = 'Q';
	ck_assert_str_eq(policy_password_problem(buf, NULL), "too_long");
	buf[128] = 0;
	ck_assert_ptr_null(policy_password_problem(buf, NULL));
}
END_TEST

START_TEST(test_password_common_is_refused)
{
	policy_load_common(list_path());
	ck_assert_str_eq(policy_password_problem("password1", NULL), "common");
	ck_assert_str_eq(policy_password_problem("1qaz2wsx", NULL), "common");
	ck_assert_str_eq(policy_password_problem("a123456789", NULL), "common");
}
END_TEST

START_TEST(test_password_birthday_date_is_refused)
{
	ck_assert_str_eq(policy_password_problem("20120915", NULL), "date");
	ck_assert_str_eq(policy_password_problem("19991231", NULL), "date");
	ck_assert_ptr_null(policy_password_problem("20121315x", NULL));
	ck_assert_ptr_null(policy_password_problem("27654213", NULL)); /* not a date: year 2765, month 42 */
}
END_TEST

START_TEST(test_password_containing_username_is_refused)
{
	ck_assert_str_eq(policy_password_problem("my-Clerk_A-pass", "clerk_a"), "contains_username");
	ck_assert_ptr_null(policy_password_problem("my-Clerk_A-pass", "leader_a"));
	ck_assert_ptr_null(policy_password_problem("abxyzcdefg", "xy")); /* names under 3 chars are ignored */
}
END_TEST

START_TEST(test_password_messages_exist_for_every_reason)
{
	const char *reasons[] = {"too_short", "too_long", "common", "date", "contains_username", "same"};
	for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++)
		ck_assert(strlen(policy_password_message(reasons[i])) > 10);
}
END_TEST

START_TEST(test_backoff_none_below_threshold)
{
	for (long f = 0; f < POLICY_ACCOUNT_THRESHOLD; f++)
		ck_assert_int_eq(policy_backoff_delay(f, POLICY_ACCOUNT_THRESHOLD), 0);
	ck_assert_int_eq(policy_backoff_wait(4, 5, 0), 0);
}
END_TEST

START_TEST(test_backoff_doubles_from_15_seconds)
{
	ck_assert_int_eq(policy_backoff_delay(5, 5), 15);
	ck_assert_int_eq(policy_backoff_delay(6, 5), 30);
	ck_assert_int_eq(policy_backoff_delay(7, 5), 60);
	ck_assert_int_eq(policy_backoff_delay(8, 5), 120);
	ck_assert_int_eq(policy_backoff_delay(20, 20), 15);
}
END_TEST

START_TEST(test_backoff_capped_at_15_minutes_never_permanent)
{
	ck_assert_int_eq(policy_backoff_delay(11, 5), 900);
	ck_assert_int_eq(policy_backoff_delay(1000000, 5), 900);
	ck_assert_int_eq(policy_backoff_delay(2000000000L, 5), 900);
	/* however many failures, waiting out the cap always allows another attempt */
	ck_assert_int_eq(policy_backoff_wait(1000000, 5, 900), 0);
}
END_TEST

START_TEST(test_backoff_wait_counts_from_the_latest_failure)
{
	ck_assert_int_eq(policy_backoff_wait(5, 5, 0), 15);
	ck_assert_int_eq(policy_backoff_wait(5, 5, 10), 5);
	ck_assert_int_eq(policy_backoff_wait(5, 5, 15), 0);
	ck_assert_int_eq(policy_backoff_wait(6, 5, -3), 30); /* clock skew: never negative */
}
END_TEST

START_TEST(test_R3_school_roles_only_at_schools)
{
	for (int l = 0; l <= 4; l++) {
		ck_assert_int_eq(policy_role_fits_level(ROLE_SCHOOL_CLERK, l), l == LEVEL_SCHOOL);
		ck_assert_int_eq(policy_role_fits_level(ROLE_SCHOOL_LEADER, l), l == LEVEL_SCHOOL);
	}
}
END_TEST

START_TEST(test_R3_county_role_only_at_counties)
{
	for (int l = 0; l <= 4; l++)
		ck_assert_int_eq(policy_role_fits_level(ROLE_COUNTY, l), l == LEVEL_COUNTY);
}
END_TEST

START_TEST(test_R3_bureau_at_city_province_or_ministry)
{
	for (int l = 0; l <= 4; l++)
		ck_assert_int_eq(policy_role_fits_level(ROLE_BUREAU, l), l <= LEVEL_CITY);
}
END_TEST

START_TEST(test_R3_admin_anywhere_province_api_never_a_user)
{
	for (int l = 0; l <= 4; l++) {
		ck_assert(policy_role_fits_level(ROLE_ADMIN, l));
		ck_assert(!policy_role_fits_level(ROLE_PROVINCE_API, l));
	}
	ck_assert(!policy_role_fits_level(ROLE_ADMIN, 5));
	ck_assert(!policy_role_fits_level((enum role)0, 1));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("authpolicy");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_password_list_ships_thousands_of_entries);
	tcase_add_test(tc, test_password_list_missing_file_is_an_error_and_keeps_the_old_list);
	tcase_add_test(tc, test_password_common_list_is_case_insensitive);
	tcase_add_test(tc, test_password_minimum_eight_characters);
	tcase_add_test(tc, test_password_maximum_128_characters);
	tcase_add_test(tc, test_password_common_is_refused);
	tcase_add_test(tc, test_password_birthday_date_is_refused);
	tcase_add_test(tc, test_password_containing_username_is_refused);
	tcase_add_test(tc, test_password_messages_exist_for_every_reason);
	tcase_add_test(tc, test_backoff_none_below_threshold);
	tcase_add_test(tc, test_backoff_doubles_from_15_seconds);
	tcase_add_test(tc, test_backoff_capped_at_15_minutes_never_permanent);
	tcase_add_test(tc, test_backoff_wait_counts_from_the_latest_failure);
	tcase_add_test(tc, test_R3_school_roles_only_at_schools);
	tcase_add_test(tc, test_R3_county_role_only_at_counties);
	tcase_add_test(tc, test_R3_bureau_at_city_province_or_ministry);
	tcase_add_test(tc, test_R3_admin_anywhere_province_api_never_a_user);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	policy_free_common();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
