/* Unit tests for fcgi/workdays.c: dates and working-day arithmetic for deadlines (SPEC R24). */
#include "workdays.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static wd_day D(const char *s)
{
	wd_day d = 0;
	ck_assert_msg(wd_parse(s, &d) == 0, "bad date %s", s);
	return d;
}

static void assert_date(wd_day d, const char *want)
{
	char buf[11];
	wd_format(d, buf);
	ck_assert_str_eq(buf, want);
}

START_TEST(test_dates_round_trip_and_weekdays)
{
	ck_assert_int_eq(D("1970-01-01"), 0);
	ck_assert_int_eq(wd_weekday(D("1970-01-01")), 3); /* Thursday */
	ck_assert_int_eq(wd_weekday(D("2026-11-30")), 0); /* Monday */
	ck_assert_int_eq(wd_weekday(D("2017-04-01")), 5); /* Saturday */
	for (wd_day d = D("1900-01-01"); d < D("2100-01-01"); d += 17) {
		char buf[11];
		wd_format(d, buf);
		ck_assert_int_eq(D(buf), d);
	}
}
END_TEST

START_TEST(test_R24_today_in_china_standard_time)
{
	/* 2026-11-29 16:30 UTC is already 2026-11-30 in Beijing */
	long long t = 1795969800LL; /* 2026-11-29T16:30:00Z */
	assert_date(wd_from_unix(t, 0), "2026-11-29");
	assert_date(wd_from_unix(t, 480), "2026-11-30");
	assert_date(wd_from_unix(-1, 0), "1969-12-31");
}
END_TEST

START_TEST(test_dates_invalid_refused)
{
	wd_day d;
	const char *bad[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "20260101", "2026-01-32", "abcd-ef-gh",
			     "", "1899-12-31", "2024-02-30"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_int_eq(wd_parse(bad[i], &d), -1);
	ck_assert_int_eq(wd_parse(NULL, &d), -1);
	ck_assert_int_eq(wd_parse("2024-02-29", &d), 0);
}
END_TEST

START_TEST(test_R24_ten_working_days_skip_weekends)
{
	/* Monday 2026-11-30 + 10 working days = Monday 2026-12-14 */
	assert_date(wd_add_working(D("2026-11-30"), 10, NULL, 0), "2026-12-14");
	/* a step started on Saturday counts from Monday: due Friday of the next week */
	assert_date(wd_add_working(D("2026-12-05"), 10, NULL, 0), "2026-12-18");
	assert_date(wd_add_working(D("2026-12-04"), 1, NULL, 0), "2026-12-07"); /* Friday + 1 = Monday */
	assert_date(wd_add_working(D("2026-12-04"), 0, NULL, 0), "2026-12-04");
}
END_TEST

START_TEST(test_R24_holidays_and_make_up_days)
{
	/* 2025 National Day: Oct 1-8 off, Sunday Sep 28 and Saturday Oct 11 worked */
	struct wd_exception exc[] = {
		{D("2025-09-28"), 1}, {D("2025-10-01"), 0}, {D("2025-10-02"), 0}, {D("2025-10-03"), 0},
		{D("2025-10-06"), 0}, {D("2025-10-07"), 0}, {D("2025-10-08"), 0}, {D("2025-10-11"), 1},
	};
	size_t n = sizeof exc / sizeof exc[0];
	ck_assert_int_eq(wd_is_working(D("2025-09-28"), exc, n), 1);
	ck_assert_int_eq(wd_is_working(D("2025-10-01"), exc, n), 0);
	ck_assert_int_eq(wd_is_working(D("2025-10-04"), exc, n), 0); /* a plain Saturday */
	ck_assert_int_eq(wd_is_working(D("2025-10-09"), exc, n), 1);
	/* Friday Sep 26: Sun 28 (1), Mon 29 (2), Tue 30 (3), Oct 9 (4), 10 (5), Sat 11 (6), 13..16 (7..10) */
	assert_date(wd_add_working(D("2025-09-26"), 10, exc, n), "2025-10-16");
	assert_date(wd_add_working(D("2025-09-30"), 1, exc, n), "2025-10-09");
}
END_TEST

/* Issue 11 item 9 (R24): a step is escalated once 5 whole working days lie between its due date and today. */
START_TEST(test_R24_escalation_after_five_more_working_days)
{
	/* today Wednesday 2026-12-09: five working days before it are 12-02 (Wed) .. 12-08 (Tue) */
	wd_day today = D("2026-12-09");
	wd_day cut = wd_escalation_cutoff(today, 5, NULL, 0);
	assert_date(cut, "2026-12-02");
	/* due 12-01 (Tue): 12-02..12-08 are 5 working days strictly between: escalated (due < cutoff) */
	ck_assert(D("2026-12-01") < cut);
	/* and the same read forwards: the 5th working day after the due date is before today */
	ck_assert(wd_add_working(D("2026-12-01"), 5, NULL, 0) < today);
	/* due 12-02 (Wed): only 4 working days between: not yet */
	ck_assert(!(D("2026-12-02") < cut));
	ck_assert(wd_add_working(D("2026-12-02"), 5, NULL, 0) >= today);
	/* a holiday in between pushes the cutoff back one working day */
	struct wd_exception hol[] = {{D("2026-12-07"), 0}};
	assert_date(wd_escalation_cutoff(today, 5, hol, 1), "2026-12-01");
	/* n = 1 on a Monday: the Friday before */
	assert_date(wd_escalation_cutoff(D("2026-12-07"), 1, NULL, 0), "2026-12-04");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("workdays");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_dates_round_trip_and_weekdays);
	tcase_add_test(tc, test_dates_invalid_refused);
	tcase_add_test(tc, test_R24_today_in_china_standard_time);
	tcase_add_test(tc, test_R24_ten_working_days_skip_weekends);
	tcase_add_test(tc, test_R24_holidays_and_make_up_days);
	tcase_add_test(tc, test_R24_escalation_after_five_more_working_days);
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
