/* Unit tests (issue 10): every state change detection's SQL (db_registry.c) can make is a row of the workflow table (workflow.c). */
#include "db_registry.h"
#include "workflow.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The quoted names of "('a','b')" or "CASE d.type WHEN 'x' THEN 'y' ... END", in order, into out (at most max). */
static size_t quoted(const char *s, char out[][32], size_t max)
{
	size_t n = 0;
	for (const char *p = strchr(s, '\''); p; p = strchr(p + 1, '\'')) {
		const char *e = strchr(p + 1, '\'');
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_lt(n, max);
		snprintf(out[n++], 32, "%.*s", (int)(e - p - 1), p + 1);
		p = e;
	}
	return n;
}

/* "CASE d.type WHEN 't' THEN 's' ..." -> to[type] = state (-1 when the type is missing). */
static void case_by_type(const char *expr, int to[WT__COUNT])
{
	char q[16][32];
	size_t n = quoted(expr, q, 16);
	ck_assert_msg(strncmp(expr, "CASE d.type", 11) == 0, "%s", expr);
	ck_assert_uint_eq(n % 2, 0);
	for (int t = 0; t < WT__COUNT; t++)
		to[t] = -1;
	for (size_t i = 0; i < n; i += 2) {
		int t = wf_type_parse(q[i]), st = wf_state_parse(q[i + 1]);
		ck_assert_msg(t >= 0 && st >= 0, "%s -> %s", q[i], q[i + 1]);
		to[t] = st;
	}
	for (int t = 0; t < WT__COUNT; t++)
		ck_assert_msg(to[t] >= 0, "type %s has no target in %s", wf_type_name((enum wf_type)t), expr);
}

static void contains(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "\"%s\" not in %s", needle, hay);
}

START_TEST(test_member_changes_of_detection_are_table_rows)
{
	const struct reg_detect_transition *tr;
	size_t n = db_reg_detect_transitions(&tr), members = 0;
	for (size_t i = 0; i < n; i++) {
		if (tr[i].group)
			continue;
		members++;
		char from[WS__COUNT][32], buf[512];
		size_t nf = quoted(tr[i].from_in, from, WS__COUNT);
		int to[WT__COUNT];
		case_by_type(tr[i].to_expr, to);
		/* the statement moves exactly these states to exactly these targets */
		snprintf(buf, sizeof buf, "m.state IN %s", tr[i].from_in);
		contains(tr[i].update_sql, buf);
		snprintf(buf, sizeof buf, "SET m.state=%s", tr[i].to_expr);
		contains(tr[i].update_sql, buf);
		snprintf(buf, sizeof buf, "'%s'", wf_action_name(tr[i].action));
		contains(tr[i].history_sql, buf);
		ck_assert_uint_ge(nf, 1);
		/* every (state it leaves, group type) is a system row of the table with that target and its effects */
		for (size_t k = 0; k < nf; k++) {
			int st = wf_state_parse(from[k]);
			ck_assert_int_ge(st, 0);
			for (int t = 0; t < WT__COUNT; t++) {
				const struct wf_rule *r = wf_system_rule((enum wf_state)st, tr[i].action, (enum wf_type)t);
				ck_assert_msg(r, "SQL moves %s members of %s groups by %s: no row", from[k], wf_type_name((enum wf_type)t),
					      wf_action_name(tr[i].action));
				ck_assert_msg((int)r->to == to[t], "%s %s: table says %s, SQL %s", from[k], wf_type_name((enum wf_type)t),
					      wf_state_name(r->to), wf_state_name((enum wf_state)to[t]));
				ck_assert_int_eq(!!(r->effects & WE_CLEAR_HANDLING), strstr(tr[i].update_sql, "m.handling=NULL") != NULL);
				ck_assert_uint_eq(r->effects & ~(unsigned)WE_CLEAR_HANDLING, 0);
			}
		}
		/* and every system row of that action is one the SQL makes */
		for (size_t r = 0; r < wf_rules_count; r++) {
			if (wf_rules[r].action != tr[i].action || !(wf_rules[r].actors & WR_SYSTEM))
				continue;
			int found = 0;
			for (size_t k = 0; k < nf; k++)
				found |= wf_state_parse(from[k]) == (int)wf_rules[r].from;
			ck_assert_msg(found, "row %zu (%s from %s) is not in the SQL", r, wf_action_name(wf_rules[r].action),
				      wf_state_name(wf_rules[r].from));
		}
	}
	ck_assert_uint_eq(members, 2); /* detection closes (s.6) and re-opens (R9) members */
}
END_TEST

START_TEST(test_group_changes_of_detection_are_table_rows)
{
	const struct reg_detect_transition *tr;
	size_t n = db_reg_detect_transitions(&tr), groups = 0;
	for (size_t i = 0; i < n; i++) {
		if (!tr[i].group)
			continue;
		groups++;
		char from[WGS__COUNT][32], to[1][32], buf[512];
		size_t nf = quoted(tr[i].from_in, from, WGS__COUNT);
		ck_assert_uint_eq(quoted(tr[i].to_expr, to, 1), 1);
		snprintf(buf, sizeof buf, "g.state IN %s", tr[i].from_in);
		contains(tr[i].update_sql, buf);
		snprintf(buf, sizeof buf, "SET g.state=%s", tr[i].to_expr);
		contains(tr[i].update_sql, buf);
		contains(tr[i].history_sql, wf_group_event_name((enum wf_gstate)wf_gstate_parse(to[0])));
		for (size_t k = 0; k < nf; k++) {
			int found = 0;
			for (size_t r = 0; r < wf_group_rules_count; r++)
				found |= (int)wf_group_rules[r].from == wf_gstate_parse(from[k]) && wf_group_rules[r].action == tr[i].action &&
					 (int)wf_group_rules[r].to == wf_gstate_parse(to[0]);
			ck_assert_msg(found, "SQL moves %s groups to %s by %s: no row", from[k], to[0], wf_action_name(tr[i].action));
		}
		for (size_t r = 0; r < wf_group_rules_count; r++)
			if (wf_group_rules[r].action == tr[i].action) {
				snprintf(buf, sizeof buf, "'%s'", wf_gstate_name(wf_group_rules[r].from));
				contains(tr[i].from_in, buf);
			}
	}
	ck_assert_uint_eq(groups, 1); /* detection marks a group done when its clash is gone (R21) */
}
END_TEST

START_TEST(test_members_enter_in_the_tables_entry_state)
{
	const char *sql = db_reg_detect_entry_sql();
	const char *c = strstr(sql, "CASE d.type");
	ck_assert_ptr_nonnull(c);
	char expr[512];
	snprintf(expr, sizeof expr, "%.*s", (int)(strstr(c, " END") - c), c);
	int to[WT__COUNT];
	case_by_type(expr, to);
	for (int t = 0; t < WT__COUNT; t++)
		ck_assert_int_eq(to[t], wf_entry_state((enum wf_type)t));
	ck_assert_int_eq(wf_entry_state(WT_ID_CHANGED), WS_UNCONFIRMED); /* R11 */
	ck_assert_int_eq(wf_entry_state(WT_ID_DUP), WS_OPEN);
}
END_TEST

/* The system rows of detection agree with what wf_apply does in memory: a re-open case is never closed (R22). */
START_TEST(test_reopen_case_is_not_detections)
{
	struct wf_member m[1] = {{.state = WS_OPEN}};
	struct wf_group g = {.type = WT_ID_DUP, .state = WGS_OPEN, .reopen_case = 1, .n = 1, .m = m};
	struct wf_event ev[4];
	ck_assert_uint_eq(wf_apply(&g, 0, NULL, WA_CLASH_GONE, ev, 4), 0);
	ck_assert_int_eq(m[0].state, WS_OPEN);
	g.reopen_case = 0;
	ck_assert_uint_eq(wf_apply(&g, 0, NULL, WA_CLASH_GONE, ev, 4), 2); /* closed, then the group is done */
	ck_assert_int_eq(m[0].state, WS_CLOSED);
	ck_assert_int_eq(g.state, WGS_DONE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("detect_sql");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_member_changes_of_detection_are_table_rows);
	tcase_add_test(tc, test_group_changes_of_detection_are_table_rows);
	tcase_add_test(tc, test_members_enter_in_the_tables_entry_state);
	tcase_add_test(tc, test_reopen_case_is_not_detections);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
