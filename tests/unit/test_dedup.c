/* Unit tests for fcgi/dedup.c: clash keys, common superior (R2), student numbers (R5), masking, reference detector (R7-R9). */
#include "dedup.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_R2_common_superior_same_county_is_the_county)
{
	const char *c[] = {"130102", "130102"};
	char code[7];
	ck_assert_int_eq(dedup_common_superior(c, 2, code), 3);
	ck_assert_str_eq(code, "130102");
	ck_assert_int_eq(dedup_common_superior(c, 1, code), 3);
	ck_assert_str_eq(code, "130102");
}
END_TEST

START_TEST(test_R2_common_superior_same_city_is_the_city)
{
	const char *c[] = {"130102", "130104", "130102"};
	char code[7];
	ck_assert_int_eq(dedup_common_superior(c, 3, code), 2);
	ck_assert_str_eq(code, "130100");
}
END_TEST

START_TEST(test_R2_common_superior_same_province_is_the_province)
{
	const char *c[] = {"130102", "130202"};
	char code[7];
	ck_assert_int_eq(dedup_common_superior(c, 2, code), 1);
	ck_assert_str_eq(code, "130000");
}
END_TEST

START_TEST(test_R2_common_superior_cross_province_is_the_ministry)
{
	const char *c[] = {"130102", "130104", "370102"};
	char code[7];
	ck_assert_int_eq(dedup_common_superior(c, 3, code), 0);
	ck_assert_str_eq(code, "000000");
	/* a shared digit that is not a whole level does not count: 13 vs 15 share "1" only */
	const char *d[] = {"130102", "150102"};
	ck_assert_int_eq(dedup_common_superior(d, 2, code), 0);
}
END_TEST

/* issue 16 item 4: counties a province administers directly sit under statistical placeholders (city part 90:
 * 469000 海南, 429000 湖北, 659000 新疆, 419000 河南) that no bureau staffs: the province is their common superior. */
START_TEST(test_R2_placeholder_divisions_are_not_superiors)
{
	char code[7];
	const char *hainan[] = {"469001", "469002"}; /* 五指山市, 琼海市 */
	ck_assert_int_eq(dedup_common_superior(hainan, 2, code), 1);
	ck_assert_str_eq(code, "460000");
	const char *hubei[] = {"429004", "429005"}; /* 仙桃市, 潜江市 */
	ck_assert_int_eq(dedup_common_superior(hubei, 2, code), 1);
	ck_assert_str_eq(code, "420000");
	const char *xinjiang[] = {"659001", "659002"}; /* 石河子市, 阿拉尔市 */
	ck_assert_int_eq(dedup_common_superior(xinjiang, 2, code), 1);
	ck_assert_str_eq(code, "650000");
	const char *henan[] = {"419001", "410102"}; /* 济源市 and a county of 郑州市 */
	ck_assert_int_eq(dedup_common_superior(henan, 2, code), 1);
	ck_assert_str_eq(code, "410000");
	/* one county under a placeholder is still its own county's case */
	const char *one[] = {"469001", "469001"};
	ck_assert_int_eq(dedup_common_superior(one, 2, code), 3);
	ck_assert_str_eq(code, "469001");
	/* a real city whose code merely contains 9 and 0 elsewhere stays the superior */
	const char *city[] = {"130902", "130903"}; /* 沧州市 新华区, 运河区 */
	ck_assert_int_eq(dedup_common_superior(city, 2, code), 2);
	ck_assert_str_eq(code, "130900");
}
END_TEST

START_TEST(test_R5_l_number_layout)
{
	char no[20], p[16];
	ck_assert_int_eq(dedup_l_number("130102", "2015-03-04", 7, no), 0);
	ck_assert_str_eq(no, "L130102201503040007");
	ck_assert_int_eq(strlen(no), 19);
	ck_assert_int_eq(dedup_l_prefix("130102", "2015-03-04", p), 0);
	ck_assert_str_eq(p, "L13010220150304");
	ck_assert_int_eq(dedup_l_number("13010", "2015-03-04", 7, no), -1);
	ck_assert_int_eq(dedup_l_number("130102", "2015/03/04", 7, no), -1);
	ck_assert_int_eq(dedup_l_number("130102", "2015-03-04", 10000, no), -1);
}
END_TEST

START_TEST(test_R5_g_number_is_G_plus_id)
{
	char no[20];
	ck_assert_int_eq(dedup_g_number("11010519491231002X", no), 0);
	ck_assert_str_eq(no, "G11010519491231002X");
	ck_assert_int_eq(dedup_g_number("1101051949123100", no), -1);
}
END_TEST

START_TEST(test_mask_student_no_masks_the_id_part_of_a_g_number)
{
	char out[40];
	/* R5: a G number is G + the resident ID number: masked by the one rule of dedup_mask_id */
	ck_assert_str_eq(dedup_mask_student_no("G13010220150304123X", out, sizeof out), "G1301**********123X");
	/* an L number carries region and birth date only (short facts): unchanged */
	ck_assert_str_eq(dedup_mask_student_no("L130102201503045001", out, sizeof out), "L130102201503045001");
	ck_assert_str_eq(dedup_mask_student_no(NULL, out, sizeof out), "");
	ck_assert_str_eq(dedup_mask_student_no("G13010220150304123X", out, 5), "");
}
END_TEST

START_TEST(test_mask_id_keeps_four_each_end)
{
	char out[40];
	ck_assert_str_eq(dedup_mask_id("13010220150304123X", out, sizeof out), "1301**********123X");
	ck_assert_str_eq(dedup_mask_id("E12345678", out, sizeof out), "E123*5678");
	ck_assert_str_eq(dedup_mask_id("H1234", out, sizeof out), "H***4");
	ck_assert_str_eq(dedup_mask_id("", out, sizeof out), "");
	ck_assert_str_eq(dedup_mask_id(NULL, out, sizeof out), "");
}
END_TEST

/* issue 17 item 3: the guardian's name beside a suspected pair, masked like the other personal data of a list */
START_TEST(test_mask_name_keeps_surname_and_last_character)
{
	char out[40];
	ck_assert_str_eq(dedup_mask_name("张伟", out, sizeof out), "张*");
	ck_assert_str_eq(dedup_mask_name("李晓明", out, sizeof out), "李*明");
	ck_assert_str_eq(dedup_mask_name("欧阳娜娜", out, sizeof out), "欧**娜");
	ck_assert_str_eq(dedup_mask_name("王", out, sizeof out), "*");
	ck_assert_str_eq(dedup_mask_name("Anna Li", out, sizeof out), "A*****i");
	ck_assert_str_eq(dedup_mask_name("\xff\xfe", out, sizeof out), "\xff*");
	ck_assert_str_eq(dedup_mask_name("𠀀𠀁𠀂", out, sizeof out), "𠀀*𠀂");
	ck_assert_str_eq(dedup_mask_name("", out, sizeof out), "");
	ck_assert_str_eq(dedup_mask_name(NULL, out, sizeof out), "");
	ck_assert_str_eq(dedup_mask_name("李晓明", out, 5), "");
}
END_TEST

START_TEST(test_R7_nbg_key)
{
	char k[80];
	ck_assert_str_eq(dedup_nbg_key("张三", 'M', "2015-03-04", k, sizeof k), "张三|M|2015-03-04");
}
END_TEST

static struct dedup_rec R(const char *name, char g, const char *b, char t, const char *id)
{
	return (struct dedup_rec){name, g, b, t, id, 0, 1};
}

START_TEST(test_R7_resident_ids_match_on_number_alone)
{
	struct arena a;
	arena_init(&a, 4096);
	struct dedup_rec r[] = {
		R("张三", 'M', "2015-03-04", '1', "130102201503041234"),
		R("李四", 'F', "2016-01-01", '1', "130102201503041234"), /* other name, same number: clash */
		R("王五", 'M', "2015-03-04", '1', "130102201503045678"),
	};
	struct dedup_clash *c;
	size_t n = dedup_find(&a, r, 3, &c);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(c[0].type, WT_ID_DUP);
	ck_assert_uint_eq(c[0].n, 2);
	ck_assert_uint_eq(c[0].members[0], 0);
	ck_assert_uint_eq(c[0].members[1], 1);
	arena_free(&a);
}
END_TEST

START_TEST(test_R7_two_resident_records_with_same_nbg_do_not_clash)
{
	struct arena a;
	arena_init(&a, 4096);
	/* twins with the same name would still have two ID numbers: no clash between resident records */
	struct dedup_rec r[] = {
		R("张三", 'M', "2015-03-04", '1', "130102201503041234"),
		R("张三", 'M', "2015-03-04", '1', "130102201503045678"),
	};
	struct dedup_clash *c;
	ck_assert_uint_eq(dedup_find(&a, r, 2, &c), 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_R7_decision_nbg_compared_with_every_live_record_whatever_its_type)
{
	struct arena a;
	arena_init(&a, 4096);
	struct dedup_rec r[] = {
		R("张三", 'M', "2015-03-04", '1', "130102201503041234"),
		R("张三", 'M', "2015-03-04", 'A', "E12345678"),
		R("张三", 'F', "2015-03-04", 'A', "E12345679"), /* other gender: no */
		R("张三", 'M', "2015-03-04", 'Z', ""),
	};
	struct dedup_clash *c;
	size_t n = dedup_find(&a, r, 4, &c);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(c[0].type, WT_NBG_DUP);
	ck_assert_uint_eq(c[0].n, 3);
	ck_assert_uint_eq(c[0].members[2], 3);
	arena_free(&a);
}
END_TEST

START_TEST(test_R9_deleted_records_do_not_clash)
{
	struct arena a;
	arena_init(&a, 4096);
	struct dedup_rec r[] = {
		R("张三", 'M', "2015-03-04", '1', "130102201503041234"),
		R("张三", 'M', "2015-03-04", '1', "130102201503041234"),
	};
	r[1].live = 0;
	struct dedup_clash *c;
	ck_assert_uint_eq(dedup_find(&a, r, 2, &c), 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_R8_malformed_resident_id_is_a_one_member_id_error)
{
	struct arena a;
	arena_init(&a, 4096);
	struct dedup_rec r[] = {
		R("张三", 'M', "2015-03-04", '1', "130102201503041235"),
		R("李四", 'M', "2015-03-04", 'A', "E1"),
	};
	r[0].id_malformed = 1;
	struct dedup_clash *c;
	size_t n = dedup_find(&a, r, 2, &c);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(c[0].type, WT_ID_ERROR);
	ck_assert_uint_eq(c[0].n, 1);
	ck_assert_uint_eq(c[0].members[0], 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_R8_group_of_three_id_duplicate)
{
	struct arena a;
	arena_init(&a, 4096);
	struct dedup_rec r[] = {
		R("甲", 'M', "2015-03-04", '1', "13010220150304123X"),
		R("乙", 'M', "2015-03-04", '1', "13010220150304123X"),
		R("丙", 'M', "2015-03-04", '1', "13010220150304123X"),
	};
	struct dedup_clash *c;
	size_t n = dedup_find(&a, r, 3, &c);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(c[0].n, 3);
	arena_free(&a);
}
END_TEST

START_TEST(test_types_and_active_states)
{
	ck_assert_str_eq(wf_type_name(WT_NBG_DUP), "nbg_dup");
	ck_assert_int_eq(wf_type_parse("id_changed"), WT_ID_CHANGED);
	ck_assert_int_eq(wf_type_parse("x"), -1);
	ck_assert_int_eq(dedup_member_active("open"), 1);
	ck_assert_int_eq(dedup_member_active("unconfirmed"), 1);
	ck_assert_int_eq(dedup_member_active("approved"), 0);
	ck_assert_int_eq(dedup_member_active("closed"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dedup");
	TCase *t = tcase_create("core");
	tcase_add_test(t, test_R2_common_superior_same_county_is_the_county);
	tcase_add_test(t, test_R2_common_superior_same_city_is_the_city);
	tcase_add_test(t, test_R2_common_superior_same_province_is_the_province);
	tcase_add_test(t, test_R2_common_superior_cross_province_is_the_ministry);
	tcase_add_test(t, test_R2_placeholder_divisions_are_not_superiors);
	tcase_add_test(t, test_R5_l_number_layout);
	tcase_add_test(t, test_R5_g_number_is_G_plus_id);
	tcase_add_test(t, test_mask_id_keeps_four_each_end);
	tcase_add_test(t, test_mask_student_no_masks_the_id_part_of_a_g_number);
	tcase_add_test(t, test_mask_name_keeps_surname_and_last_character);
	tcase_add_test(t, test_R7_nbg_key);
	tcase_add_test(t, test_R7_resident_ids_match_on_number_alone);
	tcase_add_test(t, test_R7_two_resident_records_with_same_nbg_do_not_clash);
	tcase_add_test(t, test_R7_decision_nbg_compared_with_every_live_record_whatever_its_type);
	tcase_add_test(t, test_R9_deleted_records_do_not_clash);
	tcase_add_test(t, test_R8_malformed_resident_id_is_a_one_member_id_error);
	tcase_add_test(t, test_R8_group_of_three_id_duplicate);
	tcase_add_test(t, test_types_and_active_states);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
