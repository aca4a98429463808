/* Unit tests for fcgi/divisions.c: the division update file (issue 16 item 3, R1): syntax, codes and the mapping's
 * consistency (no cycle, no chain, one mapping per code, no ceasing code listed as a unit of the new list). */
#include "divisions.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct arena A; /* the last parse's memory (freed by the next one and at the end) */
static int A_live;

static int parse(const char *text, struct div_plan *p, char *err)
{
	if (A_live)
		arena_free(&A);
	arena_init(&A, 4096);
	A_live = 1;
	return divisions_parse(&A, text, strlen(text), p, err, 300);
}

START_TEST(test_level_from_the_digits)
{
	ck_assert_int_eq(divisions_level("370000"), 1);
	ck_assert_int_eq(divisions_level("370100"), 2);
	ck_assert_int_eq(divisions_level("370116"), 3);
	ck_assert_int_eq(divisions_level("469001"), 3);
	ck_assert_int_eq(divisions_level("000000"), 0);
	ck_assert_int_eq(divisions_level("37011"), 0);
	ck_assert_int_eq(divisions_level("37011x"), 0);
}
END_TEST

START_TEST(test_the_laiwu_merger_parses)
{
	struct div_plan p;
	char err[300] = "";
	const char *f = "\xef\xbb\xbf# 2019: 莱芜市 joins 济南市\r\nunit\t370116\t莱芜区\r\n\r\nmap\t371202\t370116\nmap\t371203\t370117\nmap\t371200\t370100\n";
	ck_assert_msg(parse(f, &p, err) == 0, "%s", err);
	ck_assert_uint_eq(p.nunits, 1);
	ck_assert_str_eq(p.units[0].name, "莱芜区");
	ck_assert_int_eq(p.units[0].level, 3);
	ck_assert_uint_eq(p.nmaps, 3);
	ck_assert_str_eq(p.maps[2].from, "371200");
	ck_assert_int_eq(p.maps[2].level, 2);
	ck_assert_int_eq(p.maps[0].line, 4);
}
END_TEST

static void refused(const char *text, const char *code, int line)
{
	struct div_plan p;
	char err[300] = "", want[40];
	ck_assert_int_eq(parse(text, &p, err), -1);
	snprintf(want, sizeof want, "line %d: %s:", line, code);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "want \"%s\", got \"%s\"", want, err);
}

START_TEST(test_inconsistent_mappings_are_refused_naming_the_line)
{
	refused("map\t371202\t370116\nmap\t370116\t371202\n", "mapping_cycle", 1);
	refused("map\t371202\t371202\n", "mapping_cycle", 1);
	refused("map\t371202\t371203\nmap\t371203\t370117\n", "mapping_chain", 1);
	refused("map\t371202\t370116\nmap\t371202\t370117\n", "duplicate_mapping", 2);
	refused("unit\t371202\t莱城区\nmap\t371202\t370116\n", "ceasing_unit_listed", 2);
	refused("map\t371202\t370100\n", "level_mismatch", 1);
	refused("map\t370000\t130000\n", "province_mapping", 1);
	refused("map\t37120\t370116\n", "bad_code", 1);
	refused("unit\t370116\t\n", "bad_name", 1);
	refused("unit\t370116\t莱芜区\nunit\t370116\t莱芜区\n", "duplicate_unit", 2);
	refused("move\t371202\t370116\n", "syntax", 1);
	refused("map 371202 370116\n", "syntax", 1);
	refused("# nothing\n\n", "empty", 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("divisions");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_level_from_the_digits);
	tcase_add_test(tc, test_the_laiwu_merger_parses);
	tcase_add_test(tc, test_inconsistent_mappings_are_refused_naming_the_line);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (A_live)
		arena_free(&A);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
