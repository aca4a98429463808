/* Unit tests for fcgi/search.c (issue 13 item 1): every search value checked and normalised once (R4 ID numbers,
 * R5 student numbers, names without wildcards), and a cursor's list name bound to the filter set. */
#include "search.h"
#include "db_search.h"
#include "workflow.h"

#include <check.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;
static struct search S;
static const char *reason, *zh, *en;

static void setup(void)
{
	arena_init(&A, 4096);
	memset(&S, 0, sizeof S);
	reason = zh = en = NULL;
}
static void teardown(void) { arena_free(&A); }

static int set(enum search_key k, const char *v) { return search_set(&S, &A, k, v, &reason, &zh, &en); }
static void bad(enum search_key k, const char *v, const char *why)
{
	memset(&S, 0, sizeof S);
	ck_assert_msg(set(k, v) == -1, "%s=%s accepted", search_key_name(k), v);
	ck_assert_str_eq(reason, why);
	ck_assert(zh && *zh && en && *en);
}

START_TEST(test_R4_id_number_normalised_x_and_15_to_18)
{
	ck_assert_int_eq(set(SK_ID_NUMBER, "11010519491231002x"), 0);
	ck_assert_str_eq(S.id_number, "11010519491231002X");
	ck_assert_str_eq(S.id_alt, "11010519491231002x");
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_ID_NUMBER, " 110105491231002 "), 0); /* legacy 15 digits: "19" before the year + check */
	ck_assert_str_eq(S.id_number, "11010519491231002X");
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_ID_NUMBER, "h1234567(8)"), 0); /* other types: upper case, compared as typed too */
	ck_assert_str_eq(S.id_number, "H1234567(8)");
	ck_assert_str_eq(S.id_alt, "h1234567(8)");
	bad(SK_ID_NUMBER, "1234", "too_short");
	bad(SK_ID_NUMBER, "1234567890123456789012345678901", "too_long");
	bad(SK_ID_NUMBER, "1101 0519", "format");
}
END_TEST

START_TEST(test_R5_student_number_exact_any_case)
{
	ck_assert_int_eq(set(SK_STUDENT_NO, "g11010519491231002x"), 0);
	ck_assert_str_eq(S.student_no, "G11010519491231002X");
	bad(SK_STUDENT_NO, "L13010220", "too_short");
	bad(SK_STUDENT_NO, "Q13010220120101000", "too_short");
	bad(SK_STUDENT_NO, "Q130102201201010001", "format");
	bad(SK_STUDENT_NO, "L13010220120101000A", "format");
}
END_TEST

START_TEST(test_name_prefix_or_exact_wildcards_refused)
{
	ck_assert_int_eq(set(SK_NAME, "王"), 0);
	ck_assert_int_eq(set(SK_NAME_MATCH, "prefix"), 0);
	enum search_key k;
	ck_assert_int_eq(search_finish(&S, &k, &reason, &zh, &en), 0);
	ck_assert_str_eq(S.name_pattern, "王%");
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_NAME, "a\\b"), 0); /* the LIKE escape character is escaped */
	ck_assert_int_eq(set(SK_NAME_MATCH, "exact"), 0);
	ck_assert_int_eq(search_finish(&S, &k, &reason, &zh, &en), 0);
	ck_assert_str_eq(S.name_pattern, "a\\\\b");
	bad(SK_NAME, "", "too_short");
	bad(SK_NAME, "  ", "too_short");
	bad(SK_NAME, "王%", "wildcard");
	bad(SK_NAME, "_", "wildcard");
	bad(SK_NAME, "王\x01", "format");
	char longname[51 * 3 + 1] = "";
	for (int i = 0; i < 51; i++)
		strcat(longname, "王");
	bad(SK_NAME, longname, "too_long");
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_NAME_MATCH, "exact"), 0);
	ck_assert_int_eq(search_finish(&S, &k, &reason, &zh, &en), -1);
	ck_assert_int_eq(k, SK_NAME_MATCH);
	ck_assert_str_eq(reason, "not_here");
}
END_TEST

START_TEST(test_q_decides_by_shape)
{
	ck_assert_int_eq(set(SK_Q, "l130102201201010001"), 0);
	ck_assert_str_eq(S.student_no, "L130102201201010001");
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_Q, "110105491231002"), 0);
	ck_assert_str_eq(S.id_number, "11010519491231002X");
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_Q, "张三"), 0);
	ck_assert_str_eq(S.name, "张三");
	bad(SK_Q, "张%", "wildcard");
	bad(SK_Q, "A12", "too_short");
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_Q, ""), 0); /* an empty box: no search */
	ck_assert_int_eq((int)S.set, 0);
}
END_TEST

START_TEST(test_filters_choices_and_formats)
{
	ck_assert_int_eq(set(SK_BIRTH_DATE, "2012-02-29"), 0);
	bad(SK_BIRTH_DATE, "2013-02-29", "format");
	bad(SK_DUE_BEFORE, "20130101", "format");
	bad(SK_GENDER, "m", "choice");
	bad(SK_SCHOOL, "130102000", "format");
	bad(SK_SCHOOL, "13010200AB", "format");
	bad(SK_COUNTY, "1301", "format");
	bad(SK_STATUS, "gone", "choice");
	bad(SK_TYPE, "dup", "choice");
	bad(SK_STATE, "closed", "choice");
	bad(SK_MEMBER_STATE, "lost", "choice");
	bad(SK_REJECTED, "2", "choice");
	bad(SK_FILTER, "late", "choice");
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_REJECTED, "true"), 0);
	ck_assert_int_eq(S.rejected, 1);
	ck_assert_int_eq(set(SK_MEMBER_STATE, "awaiting_review"), 0);
	ck_assert_int_eq(set(SK_COUNTY, "130102"), 0);
	ck_assert_int_eq(set(SK_SCHOOL, ""), 0); /* an empty filter is no filter */
	ck_assert_ptr_null(S.school);
}
END_TEST

START_TEST(test_R30_cursor_name_bound_to_the_filter_set)
{
	ck_assert_str_eq(search_list_name(&A, "students", &S), "students"); /* no filter: the list itself */
	ck_assert_int_eq(set(SK_NAME, "王"), 0);
	const char *a = search_list_name(&A, "students", &S);
	ck_assert(strncmp(a, "students~", 9) == 0);
	ck_assert_str_eq(a, search_list_name(&A, "students", &S));
	ck_assert_str_ne(a, search_list_name(&A, "groups", &S));
	ck_assert_int_eq(set(SK_GENDER, "F"), 0);
	const char *b = search_list_name(&A, "students", &S);
	ck_assert_str_ne(a, b);
	/* the canonical value decides: the same number typed two ways is the same filter set */
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_ID_NUMBER, "11010519491231002x"), 0);
	const char *c = search_list_name(&A, "students", &S);
	memset(&S, 0, sizeof S);
	ck_assert_int_eq(set(SK_ID_NUMBER, "110105491231002"), 0);
	ck_assert_str_eq(c, search_list_name(&A, "students", &S));
}
END_TEST

/* SPEC s.6: the pending states as one SQL list and one statement per state (the overdue problem list) are the same */
START_TEST(test_pending_states_one_list)
{
	ck_assert_str_eq("(" PENDING_EACH(SQL_PENDING_QUOTED, ",", ~) ")", SQL_PENDING);
#define ONE(S, ...) +1
	ck_assert_int_eq(0 PENDING_EACH(ONE, , ~), PENDING_N);
#undef ONE
}
END_TEST

/* The states quoted in an SQL list "'a','b'" as a bit set of enum wf_state (a name the workflow does not know fails). */
static unsigned quoted_states(const char *sql)
{
	unsigned set = 0;
	for (const char *p = strchr(sql, '\''); p; p = strchr(p + 1, '\'')) {
		const char *e = strchr(p + 1, '\'');
		ck_assert_ptr_nonnull(e);
		char name[32];
		snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
		int st = wf_state_parse(name);
		ck_assert_msg(st >= 0, "%s is no member state", name);
		set |= 1u << st;
		p = e;
	}
	return set;
}

/* The states in which actor has a step to take: the from states of its rows of workflow.c's table, the re-open of a
 * done group (R22) aside. */
static unsigned acting_states(unsigned actor)
{
	unsigned set = 0;
	for (size_t i = 0; i < wf_rules_count; i++)
		if ((wf_rules[i].actors & actor) && wf_rules[i].action != WA_REOPEN)
			set |= 1u << wf_rules[i].from;
	return set;
}

/* One concept, one place (SPEC s.6): the SQL lists of each party's states (the queues, the reminders, the overdue list's
 * unit, db_workflow.c) are the states workflow.c's table lets that party act in, and the pending states are theirs. */
START_TEST(test_party_states_are_the_workflow_table)
{
	unsigned clerk = quoted_states(SQL_STATES_CLERK), leader = 1u << wf_state_parse(SQL_STATE_LEADER),
		 county = 1u << wf_state_parse(SQL_STATE_COUNTY);
	ck_assert_int_ge(wf_state_parse(SQL_STATE_LEADER), 0);
	ck_assert_int_ge(wf_state_parse(SQL_STATE_COUNTY), 0);
	ck_assert_uint_eq(clerk, acting_states(WR_CLERK));
	ck_assert_uint_eq(leader, acting_states(WR_LEADER));
	ck_assert_uint_eq(county, acting_states(WR_COUNTY));
	ck_assert_uint_eq(quoted_states(SQL_STATES_SCHOOL), clerk | leader);
	unsigned pending = 0;
	for (int s = 0; s < WS__COUNT; s++)
		if (wf_state_pending((enum wf_state)s))
			pending |= 1u << s;
	ck_assert_uint_eq(quoted_states(SQL_PENDING), pending);
	ck_assert_uint_eq(pending, clerk | leader | county);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("search");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_R4_id_number_normalised_x_and_15_to_18);
	tcase_add_test(tc, test_R5_student_number_exact_any_case);
	tcase_add_test(tc, test_name_prefix_or_exact_wildcards_refused);
	tcase_add_test(tc, test_q_decides_by_shape);
	tcase_add_test(tc, test_filters_choices_and_formats);
	tcase_add_test(tc, test_R30_cursor_name_bound_to_the_filter_set);
	tcase_add_test(tc, test_pending_states_one_list);
	tcase_add_test(tc, test_party_states_are_the_workflow_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (sodium_init() < 0)
		return EXIT_FAILURE;
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
