/* Unit tests for fcgi/student.c: field validation of a student record (R4, R8.2) and the documented name rule. */
#include "student.h"
#include "idcheck.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TODAY 20250601

/* A valid resident ID for area/date with a sequence whose last digit gives the gender. */
static const char *valid_id(const char *area_date14, const char *seq3)
{
	static char buf[4][19];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, 19, "%.14s%.3s", area_date14, seq3);
	b[17] = idcheck_check_char(b);
	b[18] = 0;
	return b;
}

static struct student_in base(void)
{
	struct student_in in = {{0}};
	in.v[SF_NAME] = "张三";
	in.v[SF_GENDER] = "M";
	in.v[SF_BIRTH] = "2015-03-04";
	in.v[SF_ID_TYPE] = "1";
	in.v[SF_ID_NUMBER] = valid_id("13010220150304", "123");
	in.v[SF_SCHOOL] = "1301020001";
	in.v[SF_GRADE] = "3";
	in.v[SF_CLASS] = "2";
	in.v[SF_ENROL] = "2021-09-01";
	in.v[SF_PHONE] = "13812345678";
	return in;
}

static size_t run(struct student_in *in, struct student_rec *out, struct student_issue *iss, size_t *ni)
{
	return student_validate(in, TODAY, out, iss, STUDENT_MAX_ISSUES, ni);
}

START_TEST(test_R4_valid_record_is_normalised)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_NAME] = "  张三　"; /* ASCII and ideographic spaces are trimmed */
	in.v[SF_GENDER] = "男";
	in.v[SF_BIRTH] = "2015/3/4";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_uint_eq(ni, 0);
	ck_assert_str_eq(r.name, "张三");
	ck_assert_int_eq(r.gender, 'M');
	ck_assert_str_eq(r.birth, "2015-03-04");
	ck_assert_int_eq(r.id_type, '1');
	ck_assert_str_eq(r.id_check, "ok");
	ck_assert_str_eq(r.school_code, "1301020001");
	ck_assert_str_eq(r.enrol, "2021-09-01");
}
END_TEST

START_TEST(test_R8_malformed_resident_id_is_a_warning_not_an_error)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	char bad[19];
	strcpy(bad, in.v[SF_ID_NUMBER]);
	bad[17] = bad[17] == '0' ? '1' : '0';
	in.v[SF_ID_NUMBER] = bad;
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_uint_eq(ni, 1);
	ck_assert_int_eq(iss[0].warning, 1);
	ck_assert_int_eq(iss[0].field, SF_ID_NUMBER);
	ck_assert_str_eq(iss[0].code, "id_checksum");
	ck_assert_str_eq(r.id_check, "id_checksum");
	ck_assert_str_eq(r.id_number, bad);
}
END_TEST

START_TEST(test_R8_gender_parity_clash_is_an_id_error)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_GENDER] = "F"; /* the number's 17th digit 3 is odd: male */
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_str_eq(r.id_check, "id_gender");
}
END_TEST

START_TEST(test_R8_lower_case_x_and_15_digit_numbers_are_normalised)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_NAME] = "李四";
	in.v[SF_BIRTH] = "1949-12-31";
	in.v[SF_ID_NUMBER] = "11010519491231002x";
	in.v[SF_GENDER] = "F";
	in.v[SF_ENROL] = "";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_str_eq(r.id_number, "11010519491231002X");
	ck_assert_str_eq(r.id_check, "ok");
	in.v[SF_ID_NUMBER] = "110105491231002"; /* legacy 15 digits */
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_str_eq(r.id_number, "11010519491231002X");
}
END_TEST

START_TEST(test_R8_wrong_length_is_kept_upper_cased_as_id_error)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_ID_NUMBER] = "13010220150304123"; /* 17 chars */
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_str_eq(r.id_check, "id_length");
	ck_assert_str_eq(r.id_number, "13010220150304123");
}
END_TEST

START_TEST(test_R4_other_id_types_must_pass_their_format)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_ID_TYPE] = "a";
	in.v[SF_ID_NUMBER] = "e12345678";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_int_eq(r.id_type, 'A');
	ck_assert_str_eq(r.id_number, "E12345678");
	in.v[SF_ID_NUMBER] = "E1";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_int_eq(iss[0].field, SF_ID_NUMBER);
	ck_assert_int_eq(iss[0].warning, 0);
	in.v[SF_ID_TYPE] = "Z";
	in.v[SF_ID_NUMBER] = "";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_str_eq(r.id_number, "");
	in.v[SF_ID_TYPE] = "护照";
	in.v[SF_ID_NUMBER] = "E12345678";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_int_eq(r.id_type, 'A');
}
END_TEST

START_TEST(test_R4_unknown_id_type_names_the_field)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_ID_TYPE] = "2";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_int_eq(iss[0].field, SF_ID_TYPE);
	ck_assert_str_eq(iss[0].code, "id_type");
	ck_assert_ptr_nonnull(strstr(iss[0].en, "id_type"));
	ck_assert_ptr_nonnull(strstr(iss[0].zh, "证件类型"));
	/* the codes it names are the one table's (idcheck_types) */
	ck_assert_str_eq(iss[0].en, "id_type: is not an ID type code (1, 6, 7, 8, 9, A or Z).");
	ck_assert_str_eq(iss[0].zh, "证件类型：不是有效的证件类型代码（1、6、7、8、9、A 或 Z）。");
	in.v[SF_ID_TYPE] = "";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_str_eq(iss[0].en, "id_type: is required (1, 6, 7, 8, 9, A or Z).");
	/* a code in either case or a name of the table */
	in.v[SF_ID_TYPE] = "z";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_int_eq(r.id_type, 'Z');
	in.v[SF_ID_TYPE] = "境外永久居住证";
	run(&in, &r, iss, &ni);
	ck_assert_int_eq(r.id_type, '9');
}
END_TEST

START_TEST(test_impossible_and_future_dates_are_refused)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_BIRTH] = "2015-02-29";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_int_eq(iss[0].field, SF_BIRTH);
	ck_assert_str_eq(iss[0].code, "date");
	in.v[SF_BIRTH] = "2016-02-29";
	in.v[SF_ID_NUMBER] = valid_id("13010220160229", "123");
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	in.v[SF_BIRTH] = "2025-06-02"; /* tomorrow */
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_str_eq(iss[0].code, "date_range");
	in.v[SF_BIRTH] = "15-03-04";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	in.v[SF_BIRTH] = "2015-03-04";
	in.v[SF_ENROL] = "2014-09-01"; /* before birth */
	in.v[SF_ID_NUMBER] = valid_id("13010220150304", "123");
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_int_eq(iss[0].field, SF_ENROL);
}
END_TEST

START_TEST(test_date_formats)
{
	int y, m, d;
	ck_assert_int_eq(student_parse_date("2015-03-04", &y, &m, &d), 1);
	ck_assert_int_eq(student_parse_date("20150304", &y, &m, &d), 1);
	ck_assert_int_eq(student_parse_date("2015.3.4", &y, &m, &d), 1);
	ck_assert_int_eq(student_parse_date("2015年3月4日", &y, &m, &d), 1);
	ck_assert_int_eq(y * 10000 + m * 100 + d, 20150304);
	ck_assert_int_eq(student_parse_date("2015-3/4", &y, &m, &d), 0);
	ck_assert_int_eq(student_parse_date("2015-03-04x", &y, &m, &d), 0);
	ck_assert_int_eq(student_parse_date("2015-13-01", &y, &m, &d), 0);
	ck_assert_int_eq(student_parse_date("", &y, &m, &d), 0);
}
END_TEST

START_TEST(test_name_rule_rare_cjk_outside_bmp_accepted)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_NAME] = "王\xF0\xA0\x80\x80\xF0\xAA\x9A\xB2"; /* 王𠀀𪚲 (extension B) */
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	ck_assert_str_eq(r.name, in.v[SF_NAME]);
	in.v[SF_NAME] = "阿依古丽·买买提";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	in.v[SF_NAME] = "O'Brien-Smith Anne";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
}
END_TEST

START_TEST(test_name_rule_emoji_symbols_and_sql_metacharacters_refused)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	const char *bad[] = {"张三\xF0\x9F\x98\x80", "Robert'); DROP TABLE student;--", "张|三", "张三2", "'张三", "张三 ", "a  b",
			     "张--三"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		in.v[SF_NAME] = bad[i];
		size_t e = run(&in, &r, iss, &ni);
		if (i == 5) { /* trailing space is trimmed: fine */
			ck_assert_uint_eq(e, 0);
			continue;
		}
		ck_assert_msg(e == 1, "name %s accepted", bad[i]);
		ck_assert_int_eq(iss[0].field, SF_NAME);
		ck_assert_str_eq(iss[0].code, "name_chars");
	}
}
END_TEST

START_TEST(test_overlong_values_name_the_field)
{
	struct student_in in = base();
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	char name[400] = "";
	for (int i = 0; i < 51; i++)
		strcat(name, "张");
	in.v[SF_NAME] = name;
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_str_eq(iss[0].code, "too_long");
	name[50 * 3] = 0; /* exactly 50 characters */
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	in.v[SF_CLASS] = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_int_eq(iss[0].field, SF_CLASS);
	in.v[SF_CLASS] = "三(2)班'; --";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 0);
	in.v[SF_ID_NUMBER] = "1301022015030412345678901234567";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 1);
	ck_assert_int_eq(iss[0].field, SF_ID_NUMBER);
	ck_assert_str_eq(iss[0].code, "too_long");
}
END_TEST

START_TEST(test_all_errors_are_reported_in_field_order)
{
	struct student_in in = {{0}};
	struct student_rec r;
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni;
	in.v[SF_GENDER] = "X";
	in.v[SF_SCHOOL] = "13010";
	ck_assert_uint_eq(run(&in, &r, iss, &ni), 5); /* name, gender, birth, id_type, school */
	ck_assert_int_eq(iss[0].field, SF_NAME);
	ck_assert_int_eq(iss[1].field, SF_GENDER);
	ck_assert_int_eq(iss[2].field, SF_BIRTH);
	ck_assert_int_eq(iss[3].field, SF_ID_TYPE);
	ck_assert_int_eq(iss[4].field, SF_SCHOOL);
}
END_TEST

START_TEST(test_headers_map_to_fields)
{
	ck_assert_int_eq(student_field_by_header("姓名", strlen("姓名")), SF_NAME);
	ck_assert_int_eq(student_field_by_header(" 证件号码 ", strlen(" 证件号码 ")), SF_ID_NUMBER);
	ck_assert_int_eq(student_field_by_header("birth_date", 10), SF_BIRTH);
	ck_assert_int_eq(student_field_by_header("名字", strlen("名字")), -1);
	ck_assert_int_eq(student_field_required_column(SF_SCHOOL), 1);
	ck_assert_int_eq(student_field_required_column(SF_GRADE), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("student");
	TCase *t = tcase_create("core");
	tcase_add_test(t, test_R4_valid_record_is_normalised);
	tcase_add_test(t, test_R8_malformed_resident_id_is_a_warning_not_an_error);
	tcase_add_test(t, test_R8_gender_parity_clash_is_an_id_error);
	tcase_add_test(t, test_R8_lower_case_x_and_15_digit_numbers_are_normalised);
	tcase_add_test(t, test_R8_wrong_length_is_kept_upper_cased_as_id_error);
	tcase_add_test(t, test_R4_other_id_types_must_pass_their_format);
	tcase_add_test(t, test_R4_unknown_id_type_names_the_field);
	tcase_add_test(t, test_impossible_and_future_dates_are_refused);
	tcase_add_test(t, test_date_formats);
	tcase_add_test(t, test_name_rule_rare_cjk_outside_bmp_accepted);
	tcase_add_test(t, test_name_rule_emoji_symbols_and_sql_metacharacters_refused);
	tcase_add_test(t, test_overlong_values_name_the_field);
	tcase_add_test(t, test_all_errors_are_reported_in_field_order);
	tcase_add_test(t, test_headers_map_to_fields);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
