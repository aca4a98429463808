/* Unit tests for fcgi/scope.c: each principal's jurisdiction (SPEC R1-R3) as one SQL filter on the unit path. */
#include "scope.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct principal who(enum unit_level level, const char *prov, const char *city, const char *county, uint32_t unit)
{
	struct principal p = {0};
	p.role = ROLE_ADMIN;
	p.unit_level = level;
	p.province_code = prov;
	p.city_code = city;
	p.county_code = county;
	p.unit_id = unit;
	return p;
}

/* The statement SCOPE_SQL builds for each kind, to check the generated SQL text. */
static const struct db_sql Q[SCOPE_N] = SCOPE_SQL("SELECT 1 FROM t x WHERE x.id = ? AND ", "x", "school_id", " LIMIT 1");

START_TEST(test_R1_ministry_sees_everything)
{
	struct principal p = who(LEVEL_MINISTRY, NULL, NULL, NULL, 1);
	ck_assert_int_eq(scope_kind_of(&p), SCOPE_ALL);
	ck_assert_ptr_null(scope_column(&p));
	ck_assert_int_eq(scope_arg(&p).t, DB_NULL);
	ck_assert(scope_contains(&p, "37", "3702", "370202", 99));
	ck_assert(scope_contains(&p, NULL, NULL, NULL, 1));
	ck_assert_str_eq(Q[SCOPE_ALL].sql, "SELECT 1 FROM t x WHERE x.id = ? AND (? IS NULL) LIMIT 1");
}
END_TEST

START_TEST(test_R1_province_sees_its_province_only)
{
	struct principal p = who(LEVEL_PROVINCE, "13", NULL, NULL, 130000);
	ck_assert_int_eq(scope_kind_of(&p), SCOPE_PROVINCE);
	ck_assert_str_eq(scope_column(&p), "province_code");
	struct db_arg a = scope_arg(&p);
	ck_assert_int_eq(a.t, DB_STR);
	ck_assert_str_eq(a.s, "13");
	ck_assert_int_eq(a.len, 2);
	ck_assert(scope_contains(&p, "13", "1301", "130102", 5));
	ck_assert(scope_contains(&p, "13", NULL, NULL, 130000));
	ck_assert(!scope_contains(&p, "37", "3701", "370102", 6));
	ck_assert(!scope_contains(&p, NULL, NULL, NULL, 1)); /* the ministry is above it */
	ck_assert_str_eq(Q[SCOPE_PROVINCE].sql, "SELECT 1 FROM t x WHERE x.id = ? AND x.province_code = ? LIMIT 1");
}
END_TEST

START_TEST(test_R1_city_sees_its_city_only)
{
	struct principal p = who(LEVEL_CITY, "13", "1301", NULL, 130100);
	ck_assert_str_eq(scope_column(&p), "city_code");
	ck_assert_str_eq(scope_arg(&p).s, "1301");
	ck_assert(scope_contains(&p, "13", "1301", "130104", 7));
	ck_assert(!scope_contains(&p, "13", "1302", "130202", 8));  /* sibling city */
	ck_assert(!scope_contains(&p, "13", NULL, NULL, 130000));   /* its province is above it */
	ck_assert_str_eq(Q[SCOPE_CITY].sql, "SELECT 1 FROM t x WHERE x.id = ? AND x.city_code = ? LIMIT 1");
}
END_TEST

START_TEST(test_R1_county_sees_its_county_only)
{
	struct principal p = who(LEVEL_COUNTY, "13", "1301", "130102", 130102);
	ck_assert_str_eq(scope_column(&p), "county_code");
	ck_assert_str_eq(scope_arg(&p).s, "130102");
	ck_assert(scope_contains(&p, "13", "1301", "130102", 659013));
	ck_assert(!scope_contains(&p, "13", "1301", "130104", 659014));
	ck_assert_str_eq(Q[SCOPE_COUNTY].sql, "SELECT 1 FROM t x WHERE x.id = ? AND x.county_code = ? LIMIT 1");
}
END_TEST

START_TEST(test_R1_school_sees_itself_only)
{
	struct principal p = who(LEVEL_SCHOOL, "13", "1301", "130102", 659013);
	ck_assert_int_eq(scope_kind_of(&p), SCOPE_SCHOOL);
	ck_assert_str_eq(scope_column(&p), "school");
	struct db_arg a = scope_arg(&p);
	ck_assert_int_eq(a.t, DB_INT);
	ck_assert_int_eq(a.i, 659013);
	ck_assert(scope_contains(&p, "13", "1301", "130102", 659013));
	ck_assert(!scope_contains(&p, "13", "1301", "130102", 659014)); /* another school of the same county */
	ck_assert_str_eq(Q[SCOPE_SCHOOL].sql, "SELECT 1 FROM t x WHERE x.id = ? AND x.school_id = ? LIMIT 1");
}
END_TEST

START_TEST(test_R29_province_credential_is_scoped_like_its_province)
{
	struct principal p = who(LEVEL_PROVINCE, "37", NULL, NULL, 370000);
	p.role = ROLE_PROVINCE_API;
	p.is_api = 1;
	ck_assert_int_eq(scope_kind_of(&p), SCOPE_PROVINCE);
	ck_assert_str_eq(scope_arg(&p).s, "37");
	ck_assert(!scope_contains(&p, "13", "1301", "130102", 1));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("scope");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_R1_ministry_sees_everything);
	tcase_add_test(tc, test_R1_province_sees_its_province_only);
	tcase_add_test(tc, test_R1_city_sees_its_city_only);
	tcase_add_test(tc, test_R1_county_sees_its_county_only);
	tcase_add_test(tc, test_R1_school_sees_itself_only);
	tcase_add_test(tc, test_R29_province_credential_is_scoped_like_its_province);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
