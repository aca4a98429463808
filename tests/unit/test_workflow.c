/* Unit tests for fcgi/workflow.c: every row of the transition table, refused combinations, and the automatic consequences (SPEC R11-R22, s.6). */
#include "workflow.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL_INPUTS (WI_CONFIRM | WI_REASON | WI_EVIDENCE | WI_OPINION | WI_CHANGES)
#define EVMAX 32

static struct wf_member M[8];
static struct wf_group G;

/* A group of type t with n members; member i in county[i] (province = first two digits), state open. */
static void mk(enum wf_type t, size_t n, const char *const *county)
{
	memset(M, 0, sizeof M);
	memset(&G, 0, sizeof G);
	G.type = t;
	G.state = WGS_OPEN;
	G.n = n;
	G.m = M;
	for (size_t i = 0; i < n; i++) {
		M[i].id = 100 + i;
		M[i].state = WS_OPEN;
		snprintf(M[i].county, sizeof M[i].county, "%s", county[i]);
		snprintf(M[i].province, sizeof M[i].province, "%.2s", county[i]);
		if (strncmp(county[i], county[0], 2) != 0)
			G.cross_province = 1;
	}
}

static const char *const SAME[] = {"130102", "130102", "130102", "130102"};
static const char *const CROSS_COUNTY[] = {"130102", "130104", "130202", "130102"};
static const char *const CROSS_PROV[] = {"130102", "370102", "370202", "130104"};

/* Decide with all inputs present; returns the verdict and the rule. */
static enum wf_verdict dec(size_t idx, enum wf_action a, unsigned actors, const struct wf_rule **r)
{
	unsigned missing;
	const struct wf_rule *rr;
	enum wf_verdict v = wf_decide(&G, idx, a, actors, ALL_INPUTS, &rr, &missing);
	if (r)
		*r = rr;
	return v;
}

/* Do action a on member idx as actors; asserts it is allowed; returns the number of events. */
static size_t act(size_t idx, enum wf_action a, unsigned actors, struct wf_event *ev)
{
	const struct wf_rule *r;
	enum wf_verdict v = dec(idx, a, actors, &r);
	ck_assert_msg(v == WF_OK, "%s on member %zu in state %s refused (%d)", wf_action_name(a), idx,
		      wf_state_name(M[idx].state), v);
	return wf_apply(&G, idx, r, a, ev, EVMAX);
}

static int has_event(const struct wf_event *ev, size_t n, int member, enum wf_action a, enum wf_state to)
{
	for (size_t i = 0; i < n; i++)
		if (ev[i].member == member && ev[i].action == a && ev[i].to == (int)to)
			return 1;
	return 0;
}

/* ---- every row of the table: a context satisfying its guards admits exactly that row ---- */

static void ctx_for_rule(const struct wf_rule *r)
{
	enum wf_type t = WT_ID_DUP;
	if (r->guards & WG_TYPE_ID_CHANGED)
		t = WT_ID_CHANGED;
	mk(t, t == WT_ID_CHANGED ? 1 : 2, CROSS_COUNTY);
	M[0].state = r->from;
	if (r->guards & WG_H_CORROBORATE)
		M[0].handling = WH_CORROBORATE;
	if (r->guards & WG_H_CHANGE)
		M[0].handling = WH_CHANGE;
	if (r->guards & WG_H_DELETE)
		M[0].handling = WH_DELETE;
	M[0].ever_approved = (r->guards & WG_EVER_APPROVED) != 0;
	M[0].clash_kept = (r->guards & WG_CLASH_KEPT) != 0;
	if (r->guards & WG_ARBITRATION) {
		G.state = WGS_AWAITING_ARBITRATION;
		M[1].state = WS_APPROVED;
	}
	if (r->guards & WG_REOPENABLE) {
		G.state = WGS_DONE;
		M[1].state = WS_DELETED;
	}
}

START_TEST(test_table_every_row_applies_in_its_context)
{
	for (size_t i = 0; i < wf_rules_count; i++) {
		const struct wf_rule *r = &wf_rules[i];
		ctx_for_rule(r);
		struct wf_event ev[EVMAX];
		if (r->actors & WR_SYSTEM) {
			size_t n = wf_apply(&G, 0, NULL, r->action, ev, EVMAX);
			ck_assert_msg(n >= 1 && ev[0].rule == r, "system row %zu (%s from %s) not applied", i,
				      wf_action_name(r->action), wf_state_name(r->from));
			ck_assert_int_eq(ev[0].to, r->to);
			ck_assert_int_eq(ev[0].system, 1);
			continue;
		}
		const struct wf_rule *got;
		ck_assert_msg(dec(0, r->action, r->actors, &got) == WF_OK, "row %zu (%s from %s) refused", i,
			      wf_action_name(r->action), wf_state_name(r->from));
		ck_assert_msg(got == r, "row %zu: another row chosen", i);
		size_t n = wf_apply(&G, 0, got, r->action, ev, EVMAX);
		ck_assert_uint_ge(n, 1);
		ck_assert_int_eq(ev[0].from, r->from);
		ck_assert_int_eq(ev[0].to, r->to);
		ck_assert_int_eq(ev[0].system, 0);
		ck_assert_str_ne(r->rule, "");
	}
}
END_TEST

START_TEST(test_table_rows_are_unambiguous)
{
	/* two rows for the same from/action/actor must have mutually exclusive guards */
	for (size_t i = 0; i < wf_rules_count; i++)
		for (size_t j = i + 1; j < wf_rules_count; j++) {
			const struct wf_rule *a = &wf_rules[i], *b = &wf_rules[j];
			if (a->from != b->from || a->action != b->action || !(a->actors & b->actors))
				continue;
			unsigned excl[][2] = {{WG_NEVER_APPROVED, WG_EVER_APPROVED}, {WG_H_CORROBORATE, WG_H_CHANGE},
					      {WG_H_CORROBORATE, WG_H_DELETE}, {WG_H_CHANGE, WG_H_DELETE},
					      {WG_TYPE_ID_CHANGED, WG_TYPE_NOT_ID_CHANGED}};
			int ok = 0;
			for (size_t k = 0; k < sizeof excl / sizeof excl[0]; k++)
				if (((a->guards & excl[k][0]) && (b->guards & excl[k][1])) ||
				    ((a->guards & excl[k][1]) && (b->guards & excl[k][0])))
					ok = 1;
			ck_assert_msg(ok, "rows %zu and %zu overlap", i, j);
		}
}
END_TEST

/* ---- refused combinations: an independent statement of who may do what from which state ---- */

/* Oracle: the (state, action, actor) triples SPEC s.6 admits at all (guards aside). */
static int oracle(enum wf_state s, enum wf_action a, unsigned actor)
{
	switch (a) {
	case WA_CONFIRM_REGISTER:
		return actor == WR_CLERK && s == WS_UNCONFIRMED;
	case WA_SUBMIT_CORROBORATE:
	case WA_SUBMIT_CHANGE:
	case WA_SUBMIT_DELETE:
		return actor == WR_CLERK && s == WS_OPEN;
	case WA_LEADER_CONFIRM:
	case WA_LEADER_DECLINE:
		return actor == WR_LEADER && s == WS_AWAITING_LEADER;
	case WA_APPROVE:
	case WA_REJECT:
		return actor == WR_COUNTY && s == WS_AWAITING_REVIEW;
	case WA_ARBITRATE:
		return actor == WR_ARBITER && s == WS_APPROVED;
	case WA_REOPEN:
		return actor == WR_CLERK && (s == WS_APPROVED || s == WS_UPHELD || s == WS_CHANGED || s == WS_CLOSED);
	default:
		return 0;
	}
}

START_TEST(test_refused_every_combination_outside_the_table)
{
	static const unsigned actors[] = {WR_CLERK, WR_LEADER, WR_COUNTY, WR_ARBITER};
	/* the most permissive contexts: every handling, both approval histories, group states */
	for (int s = 0; s < WS__COUNT; s++)
		for (int a = 0; a < WA__COUNT; a++)
			for (size_t k = 0; k < 4; k++)
				for (int ctx = 0; ctx < 12; ctx++) {
					mk(ctx % 2 ? WT_ID_CHANGED : WT_NBG_DUP, 2, CROSS_PROV);
					M[0].state = (enum wf_state)s;
					M[0].handling = (enum wf_handling)(ctx % 4);
					M[0].ever_approved = (ctx / 4) % 2;
					G.state = (enum wf_gstate)((ctx / 4) % 3);
					const struct wf_rule *r;
					enum wf_verdict v = dec(0, (enum wf_action)a, actors[k], &r);
					if (!oracle((enum wf_state)s, (enum wf_action)a, actors[k]))
						ck_assert_msg(v == WF_NOT_ALLOWED, "%s by %u from %s allowed",
							      wf_action_name((enum wf_action)a), actors[k],
							      wf_state_name((enum wf_state)s));
				}
}
END_TEST

START_TEST(test_refused_no_capacity_is_not_yours)
{
	mk(WT_ID_DUP, 2, SAME);
	const struct wf_rule *r;
	ck_assert_int_eq(dec(0, WA_SUBMIT_DELETE, 0, &r), WF_NOT_YOURS);
	ck_assert_int_eq(dec(0, WA_SUBMIT_DELETE, WR_SYSTEM, &r), WF_NOT_YOURS);
}
END_TEST

START_TEST(test_refused_system_actions_by_people)
{
	mk(WT_ID_DUP, 2, SAME);
	M[0].state = WS_AWAITING_REVIEW;
	M[0].handling = WH_CORROBORATE;
	for (int a = WA__USER_COUNT; a < WA__COUNT; a++)
		ck_assert_int_eq(dec(0, (enum wf_action)a, WR_CLERK | WR_LEADER | WR_COUNTY | WR_ARBITER, NULL), WF_NOT_ALLOWED);
}
END_TEST

START_TEST(test_inputs_missing_are_named)
{
	mk(WT_ID_DUP, 2, SAME);
	M[0].state = WS_AWAITING_REVIEW;
	M[0].handling = WH_CORROBORATE;
	const struct wf_rule *r;
	unsigned missing;
	ck_assert_int_eq(wf_decide(&G, 0, WA_REJECT, WR_COUNTY, 0, &r, &missing), WF_MISSING_INPUT);
	ck_assert_uint_eq(missing, WI_REASON);
	M[0].state = WS_OPEN;
	ck_assert_int_eq(wf_decide(&G, 0, WA_SUBMIT_CORROBORATE, WR_CLERK, WI_OPINION, &r, &missing), WF_MISSING_INPUT);
	ck_assert_uint_eq(missing, WI_EVIDENCE);
	ck_assert_int_eq(wf_decide(&G, 0, WA_SUBMIT_CHANGE, WR_CLERK, WI_EVIDENCE, &r, &missing), WF_MISSING_INPUT);
	ck_assert_uint_eq(missing, WI_CHANGES);
	ck_assert_int_eq(wf_decide(&G, 0, WA_SUBMIT_DELETE, WR_CLERK, 0, &r, &missing), WF_MISSING_INPUT);
	ck_assert_uint_eq(missing, WI_CONFIRM);
}
END_TEST

/* ---- the rules ---- */

START_TEST(test_R11_allowed_handling_per_type)
{
	enum wf_action out[WA__USER_COUNT];
	static const enum wf_type types[] = {WT_ID_DUP, WT_NBG_DUP, WT_ID_ERROR, WT_ID_CHANGED};
	for (size_t k = 0; k < 4; k++) {
		mk(types[k], 1, SAME);
		size_t n = wf_allowed(&G, 0, WR_CLERK, out);
		int corr = 0, chg = 0, del = 0;
		for (size_t i = 0; i < n; i++) {
			corr |= out[i] == WA_SUBMIT_CORROBORATE;
			chg |= out[i] == WA_SUBMIT_CHANGE;
			del |= out[i] == WA_SUBMIT_DELETE;
		}
		ck_assert_int_eq(corr, types[k] != WT_ID_ERROR); /* ID error: change or delete only */
		ck_assert_int_eq(chg, 1);
		ck_assert_int_eq(del, 1);
	}
}
END_TEST

START_TEST(test_R11_id_changed_confirms_the_register_first)
{
	mk(WT_ID_CHANGED, 1, SAME);
	M[0].state = WS_UNCONFIRMED;
	enum wf_action out[WA__USER_COUNT];
	ck_assert_uint_eq(wf_allowed(&G, 0, WR_CLERK, out), 1);
	ck_assert_int_eq(out[0], WA_CONFIRM_REGISTER);
	ck_assert_int_eq(dec(0, WA_SUBMIT_CORROBORATE, WR_CLERK, NULL), WF_NOT_ALLOWED);
	struct wf_event ev[EVMAX];
	act(0, WA_CONFIRM_REGISTER, WR_CLERK, ev);
	ck_assert_int_eq(M[0].state, WS_OPEN);
	ck_assert_int_eq(dec(0, WA_SUBMIT_CORROBORATE, WR_CLERK, NULL), WF_OK);
	/* only ID-changed members confirm */
	mk(WT_ID_DUP, 2, SAME);
	M[0].state = WS_UNCONFIRMED;
	ck_assert_int_eq(dec(0, WA_CONFIRM_REGISTER, WR_CLERK, NULL), WF_NOT_ALLOWED);
}
END_TEST

START_TEST(test_R12_G_and_L_alike_in_the_machine)
{
	/* the machine has no notion of the number's prefix: both members may corroborate, either may be deleted */
	mk(WT_ID_DUP, 2, SAME);
	ck_assert_int_eq(dec(0, WA_SUBMIT_CORROBORATE, WR_CLERK, NULL), WF_OK);
	ck_assert_int_eq(dec(1, WA_SUBMIT_CORROBORATE, WR_CLERK, NULL), WF_OK);
	M[1].ever_approved = 1; /* a G record that was approved */
	ck_assert_int_eq(dec(1, WA_SUBMIT_DELETE, WR_CLERK, NULL), WF_OK);
}
END_TEST

START_TEST(test_R13_delete_never_approved_no_bureau)
{
	mk(WT_ID_DUP, 2, SAME);
	struct wf_event ev[EVMAX];
	act(0, WA_SUBMIT_DELETE, WR_CLERK, ev);
	ck_assert_int_eq(M[0].state, WS_AWAITING_LEADER);
	ck_assert_int_eq(M[0].handling, WH_DELETE);
	size_t n = act(0, WA_LEADER_CONFIRM, WR_LEADER, ev);
	ck_assert_int_eq(M[0].state, WS_DELETED);
	ck_assert(ev[0].effects & WE_DELETE_RECORD);
	/* the other member's clash is gone: it closes, and the group is done */
	ck_assert(has_event(ev, n, 1, WA_CLASH_GONE, WS_CLOSED));
	ck_assert_int_eq(G.state, WGS_DONE);
	ck_assert_int_eq(ev[n - 1].member, -1);
	ck_assert_int_eq(ev[n - 1].to, WGS_DONE);
}
END_TEST

START_TEST(test_R13_leader_declines_back_to_open)
{
	mk(WT_ID_DUP, 2, SAME);
	struct wf_event ev[EVMAX];
	act(0, WA_SUBMIT_DELETE, WR_CLERK, ev);
	act(0, WA_LEADER_DECLINE, WR_LEADER, ev);
	ck_assert_int_eq(M[0].state, WS_OPEN);
	ck_assert_int_eq(M[0].handling, WH_NONE);
	/* the clerk cannot confirm its own deletion */
	act(0, WA_SUBMIT_DELETE, WR_CLERK, ev);
	ck_assert_int_eq(dec(0, WA_LEADER_CONFIRM, WR_CLERK, NULL), WF_NOT_ALLOWED);
}
END_TEST

START_TEST(test_R14_delete_approved_record_goes_to_the_bureau)
{
	mk(WT_ID_DUP, 2, SAME);
	M[0].ever_approved = 1;
	struct wf_event ev[EVMAX];
	act(0, WA_SUBMIT_DELETE, WR_CLERK, ev);
	act(0, WA_LEADER_CONFIRM, WR_LEADER, ev);
	ck_assert_int_eq(M[0].state, WS_AWAITING_REVIEW);
	ck_assert_int_eq(M[0].handling, WH_DELETE);
	size_t n = act(0, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(M[0].state, WS_DELETED);
	ck_assert(ev[0].effects & WE_DELETE_RECORD);
	ck_assert(has_event(ev, n, 1, WA_CLASH_GONE, WS_CLOSED));
}
END_TEST

START_TEST(test_R15_change_applies_and_clears_the_clash)
{
	mk(WT_ID_DUP, 2, SAME);
	struct wf_event ev[EVMAX];
	act(0, WA_SUBMIT_CHANGE, WR_CLERK, ev);
	ck_assert_int_eq(M[0].state, WS_AWAITING_REVIEW);
	const struct wf_rule *r;
	ck_assert_int_eq(dec(0, WA_APPROVE, WR_COUNTY, &r), WF_OK);
	ck_assert(r->effects & WE_APPLY_CHANGE);
	M[0].clash_kept = 0; /* the caller applied the values and re-ran detection */
	size_t n = wf_apply(&G, 0, r, WA_APPROVE, ev, EVMAX);
	ck_assert_int_eq(M[0].state, WS_CHANGED);
	ck_assert(has_event(ev, n, 1, WA_CLASH_GONE, WS_CLOSED));
	ck_assert_int_eq(G.state, WGS_DONE);
}
END_TEST

START_TEST(test_R15_change_that_keeps_the_clash_returns_to_school)
{
	mk(WT_ID_DUP, 2, SAME);
	struct wf_event ev[EVMAX];
	act(0, WA_SUBMIT_CHANGE, WR_CLERK, ev);
	const struct wf_rule *r;
	dec(0, WA_APPROVE, WR_COUNTY, &r);
	M[0].clash_kept = 1;
	size_t n = wf_apply(&G, 0, r, WA_APPROVE, ev, EVMAX);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(ev[0].to, WS_CHANGED);
	ck_assert_int_eq(ev[1].action, WA_CLASH_REMAINS);
	ck_assert_int_eq(ev[1].to, WS_OPEN);
	ck_assert(ev[1].effects & WE_SET_REASON);
	ck_assert_int_eq(M[1].state, WS_OPEN); /* the other member keeps its clash */
	ck_assert_int_eq(G.state, WGS_OPEN);
}
END_TEST

START_TEST(test_R15_rejected_change_back_to_school)
{
	mk(WT_ID_ERROR, 1, SAME);
	struct wf_event ev[EVMAX];
	act(0, WA_SUBMIT_CHANGE, WR_CLERK, ev);
	ck_assert_int_eq(dec(0, WA_APPROVE, WR_CLERK, NULL), WF_NOT_ALLOWED); /* schools do not review */
	act(0, WA_REJECT, WR_COUNTY, ev);
	ck_assert_int_eq(M[0].state, WS_OPEN);
	ck_assert(ev[0].effects & WE_SET_REASON);
}
END_TEST

START_TEST(test_R16_corroboration_approved)
{
	mk(WT_ID_CHANGED, 1, SAME);
	struct wf_event ev[EVMAX];
	act(0, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	size_t n = act(0, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(M[0].state, WS_APPROVED);
	ck_assert_int_eq(M[0].ever_approved, 1);
	ck_assert(ev[0].effects & WE_MARK_APPROVED);
	ck_assert_int_eq(ev[n - 1].to, WGS_DONE);
}
END_TEST

START_TEST(test_R17_one_winner_same_county_auto_rejects_others)
{
	mk(WT_ID_DUP, 3, SAME);
	struct wf_event ev[EVMAX];
	for (size_t i = 0; i < 3; i++)
		act(i, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	size_t n = act(1, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(M[1].state, WS_APPROVED);
	ck_assert_int_eq(M[0].state, WS_OPEN);
	ck_assert_int_eq(M[2].state, WS_OPEN);
	ck_assert(has_event(ev, n, 0, WA_AUTO_REJECT, WS_OPEN));
	ck_assert(has_event(ev, n, 2, WA_AUTO_REJECT, WS_OPEN));
	ck_assert_int_eq(G.state, WGS_OPEN);
	/* a later corroboration in the same county can only be rejected */
	act(0, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	ck_assert_int_eq(dec(0, WA_APPROVE, WR_COUNTY, NULL), WF_NOT_ALLOWED);
	ck_assert_int_eq(dec(0, WA_REJECT, WR_COUNTY, NULL), WF_OK);
	/* pending deletions are not touched by R17 */
	mk(WT_ID_DUP, 2, SAME);
	M[1].ever_approved = 1;
	act(0, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	act(1, WA_SUBMIT_DELETE, WR_CLERK, ev);
	act(1, WA_LEADER_CONFIRM, WR_LEADER, ev);
	act(0, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(M[1].state, WS_AWAITING_REVIEW);
	act(1, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(M[1].state, WS_DELETED);
	ck_assert_int_eq(G.state, WGS_DONE);
}
END_TEST

START_TEST(test_R18_cross_county_two_approvals_await_arbitration)
{
	mk(WT_ID_DUP, 2, CROSS_COUNTY);
	struct wf_event ev[EVMAX];
	act(0, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	act(1, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	size_t n = act(0, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_uint_eq(n, 1); /* no automatic rejection across counties */
	ck_assert_int_eq(M[1].state, WS_AWAITING_REVIEW);
	n = act(1, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(G.state, WGS_AWAITING_ARBITRATION);
	ck_assert_int_eq(ev[n - 1].member, -1);
	ck_assert_int_eq(ev[n - 1].to, WGS_AWAITING_ARBITRATION);
	/* the arbitrator picks one; the other goes back to its school with the reason */
	ck_assert_int_eq(dec(0, WA_ARBITRATE, WR_COUNTY, NULL), WF_NOT_ALLOWED);
	const struct wf_rule *r;
	unsigned missing;
	ck_assert_int_eq(wf_decide(&G, 1, WA_ARBITRATE, WR_ARBITER, 0, &r, &missing), WF_MISSING_INPUT);
	ck_assert_uint_eq(missing, WI_REASON);
	n = act(1, WA_ARBITRATE, WR_ARBITER, ev);
	ck_assert_int_eq(M[1].state, WS_UPHELD);
	ck_assert_int_eq(M[0].state, WS_OPEN);
	ck_assert(has_event(ev, n, 0, WA_ARBITRATION_LOST, WS_OPEN));
	ck_assert_int_eq(G.state, WGS_OPEN);
	/* the loser cannot win by corroborating again: its bureau may only reject */
	act(0, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	ck_assert_int_eq(dec(0, WA_APPROVE, WR_COUNTY, NULL), WF_NOT_ALLOWED);
	/* R18: the loser is handled by change */
	act(0, WA_REJECT, WR_COUNTY, ev);
	act(0, WA_SUBMIT_CHANGE, WR_CLERK, ev);
	n = act(0, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(M[0].state, WS_CHANGED);
	ck_assert_int_eq(G.state, WGS_DONE);
}
END_TEST

START_TEST(test_R18_arbitration_only_while_awaiting)
{
	mk(WT_ID_DUP, 2, CROSS_COUNTY);
	M[0].state = WS_APPROVED;
	ck_assert_int_eq(dec(0, WA_ARBITRATE, WR_ARBITER, NULL), WF_NOT_ALLOWED);
}
END_TEST

START_TEST(test_R19_name_gender_birth_all_may_win)
{
	mk(WT_NBG_DUP, 3, SAME);
	struct wf_event ev[EVMAX];
	for (size_t i = 0; i < 3; i++)
		act(i, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	act(0, WA_APPROVE, WR_COUNTY, ev);
	act(1, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(G.state, WGS_OPEN);
	size_t n = act(2, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(M[0].state, WS_APPROVED);
	ck_assert_int_eq(M[1].state, WS_APPROVED);
	ck_assert_int_eq(M[2].state, WS_APPROVED);
	ck_assert_int_eq(ev[n - 1].to, WGS_DONE);
}
END_TEST

START_TEST(test_R20_rejection_needs_a_reason)
{
	mk(WT_NBG_DUP, 2, SAME);
	M[0].state = WS_AWAITING_REVIEW;
	M[0].handling = WH_CORROBORATE;
	const struct wf_rule *r;
	unsigned missing;
	ck_assert_int_eq(wf_decide(&G, 0, WA_REJECT, WR_COUNTY, WI_CONFIRM, &r, &missing), WF_MISSING_INPUT);
	ck_assert_int_eq(wf_decide(&G, 0, WA_REJECT, WR_COUNTY, WI_REASON, &r, &missing), WF_OK);
	ck_assert(r->effects & WE_SET_REASON);
}
END_TEST

START_TEST(test_R21_done_only_when_all_final_and_one_stands)
{
	mk(WT_ID_DUP, 3, CROSS_COUNTY);
	M[0].state = WS_UPHELD;
	M[1].state = WS_DELETED;
	M[2].state = WS_OPEN;
	ck_assert_int_eq(wf_group_state(&G), WGS_OPEN);
	M[2].state = WS_CHANGED;
	ck_assert_int_eq(wf_group_state(&G), WGS_DONE);
	M[2].state = WS_APPROVED;
	M[0].state = WS_APPROVED;
	ck_assert_int_eq(wf_group_state(&G), WGS_AWAITING_ARBITRATION);
	G.state = WGS_DONE; /* done stays done */
	ck_assert_int_eq(wf_group_state(&G), WGS_DONE);
	mk(WT_ID_DUP, 2, SAME);
	M[0].state = WS_DELETED;
	M[1].state = WS_DELETED;
	ck_assert_int_eq(wf_group_state(&G), WGS_DONE);
}
END_TEST

START_TEST(test_R22_reopen_only_when_done)
{
	mk(WT_ID_DUP, 2, CROSS_COUNTY);
	M[0].state = WS_APPROVED;
	M[1].state = WS_OPEN;
	ck_assert_int_eq(dec(0, WA_REOPEN, WR_CLERK, NULL), WF_NOT_ALLOWED); /* unfinished */
	M[1].state = WS_APPROVED;
	G.state = WGS_AWAITING_ARBITRATION;
	ck_assert_int_eq(dec(0, WA_REOPEN, WR_CLERK, NULL), WF_NOT_ALLOWED); /* awaiting arbitration */
	M[1].state = WS_DELETED;
	G.state = WGS_DONE;
	const struct wf_rule *r;
	ck_assert_int_eq(dec(0, WA_REOPEN, WR_CLERK, &r), WF_OK);
	ck_assert(r->inputs & WI_CONFIRM);
	ck_assert_int_eq(dec(1, WA_REOPEN, WR_CLERK, NULL), WF_NOT_ALLOWED); /* a deleted record is gone */
	struct wf_event ev[EVMAX];
	size_t n = act(0, WA_REOPEN, WR_CLERK, ev);
	ck_assert_uint_eq(n, 1);
	ck_assert(ev[0].effects & WE_REOPEN);
	ck_assert_int_eq(M[0].state, WS_REOPENED);
	ck_assert_int_eq(dec(0, WA_REOPEN, WR_CLERK, NULL), WF_NOT_ALLOWED); /* once */
	ck_assert_int_eq(G.state, WGS_DONE);
}
END_TEST

START_TEST(test_R22_cross_province_own_side_done)
{
	mk(WT_ID_DUP, 3, CROSS_PROV); /* 13, 37, 37 */
	M[0].state = WS_APPROVED;
	M[1].state = WS_APPROVED;
	M[2].state = WS_OPEN;
	ck_assert_int_eq(dec(0, WA_REOPEN, WR_CLERK, NULL), WF_OK);        /* Hebei's side is done */
	ck_assert_int_eq(dec(1, WA_REOPEN, WR_CLERK, NULL), WF_NOT_ALLOWED); /* Shandong's side is not */
	mk(WT_ID_DUP, 2, CROSS_COUNTY);
	M[0].state = WS_APPROVED;
	ck_assert_int_eq(dec(0, WA_REOPEN, WR_CLERK, NULL), WF_NOT_ALLOWED); /* one province: the whole group counts */
}
END_TEST

START_TEST(test_reopen_case_never_closes_by_itself)
{
	const char *one[] = {"130102"};
	mk(WT_ID_DUP, 1, one);
	G.reopen_case = 1;
	struct wf_event ev[EVMAX];
	size_t n = act(0, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(M[0].state, WS_AWAITING_REVIEW);
	n = act(0, WA_APPROVE, WR_COUNTY, ev);
	ck_assert_int_eq(M[0].state, WS_APPROVED);
	ck_assert_int_eq(G.state, WGS_DONE);
}
END_TEST

START_TEST(test_clash_gone_closes_the_last_member)
{
	mk(WT_NBG_DUP, 3, SAME);
	struct wf_event ev[EVMAX];
	act(2, WA_SUBMIT_CORROBORATE, WR_CLERK, ev);
	act(0, WA_SUBMIT_DELETE, WR_CLERK, ev);
	size_t n = act(0, WA_LEADER_CONFIRM, WR_LEADER, ev);
	ck_assert_uint_eq(n, 1); /* two live members still clash */
	act(1, WA_SUBMIT_DELETE, WR_CLERK, ev);
	n = act(1, WA_LEADER_CONFIRM, WR_LEADER, ev);
	ck_assert(has_event(ev, n, 2, WA_CLASH_GONE, WS_CLOSED));
	ck_assert_int_eq(M[2].handling, WH_NONE);
	ck_assert_int_eq(G.state, WGS_DONE);
}
END_TEST

START_TEST(test_record_gone_through_another_group)
{
	mk(WT_ID_DUP, 2, CROSS_COUNTY);
	M[0].state = WS_APPROVED;
	M[1].state = WS_APPROVED;
	G.state = WGS_AWAITING_ARBITRATION;
	struct wf_event ev[EVMAX];
	size_t n = wf_apply(&G, 1, NULL, WA_RECORD_GONE, ev, EVMAX);
	ck_assert_int_eq(M[1].state, WS_DELETED);
	ck_assert_int_eq(ev[0].system, 1);
	ck_assert_int_eq(G.state, WGS_DONE);
	ck_assert_int_eq(ev[n - 1].to, WGS_DONE);
	/* a final member is left alone */
	M[0].state = WS_CHANGED;
	ck_assert_uint_eq(wf_apply(&G, 0, NULL, WA_RECORD_GONE, ev, EVMAX), 0);
}
END_TEST

START_TEST(test_names_round_trip)
{
	for (int s = 0; s < WS__COUNT; s++)
		ck_assert_int_eq(wf_state_parse(wf_state_name((enum wf_state)s)), s);
	for (int s = 0; s < WGS__COUNT; s++)
		ck_assert_int_eq(wf_gstate_parse(wf_gstate_name((enum wf_gstate)s)), s);
	for (int t = 0; t < WT__COUNT; t++)
		ck_assert_int_eq(wf_type_parse(wf_type_name((enum wf_type)t)), t);
	for (int a = 0; a < WA__USER_COUNT; a++)
		ck_assert_int_eq(wf_action_parse(wf_action_name((enum wf_action)a)), a);
	ck_assert_int_eq(wf_action_parse("auto_reject"), -1); /* system actions are not requestable */
	ck_assert_int_eq(wf_action_parse("nope"), -1);
	ck_assert_int_eq(wf_handling_parse(NULL), WH_NONE);
	ck_assert_int_eq(wf_handling_parse("change"), WH_CHANGE);
	ck_assert_ptr_null(wf_handling_name(WH_NONE));
	/* issue 11 item 10: every automatic decision has a text in each language, each in its own script only, no rule number */
	for (int a = WA__USER_COUNT; a < WA__COUNT; a++) {
		const char *zh = wf_system_reason((enum wf_action)a, 0), *en = wf_system_reason((enum wf_action)a, 1);
		ck_assert_ptr_nonnull(zh);
		ck_assert_ptr_nonnull(en);
		ck_assert_ptr_null(strchr(zh, '(')); /* no "(R17: ...)" tail */
		for (const char *c = zh; *c; c++)
			ck_assert_msg(!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')), "Latin letters in %s", zh);
		for (const unsigned char *c = (const unsigned char *)en; *c; c++)
			ck_assert_msg(*c < 0x80, "non-ASCII in %s", en);
		ck_assert_ptr_null(strstr(en, "R1"));
		ck_assert_str_eq(wf_system_reason_of(wf_action_name((enum wf_action)a), 1), en);
	}
	ck_assert_ptr_null(wf_system_reason(WA_APPROVE, 0));
	ck_assert_ptr_null(wf_system_reason_of(NULL, 0));
	ck_assert_ptr_null(wf_system_reason_of("approve", 1));
}
END_TEST

/* A long random walk: invariants after every step (at most one standing per county in an ID duplicate,
 * a done group has no pending member, every event follows a table row). */
START_TEST(test_random_walk_keeps_invariants)
{
	unsigned seed = 4242;
	static const enum wf_type types[] = {WT_ID_DUP, WT_NBG_DUP, WT_ID_ERROR, WT_ID_CHANGED};
	for (int round = 0; round < 400; round++) {
		seed = seed * 1103515245u + 12345u;
		enum wf_type t = types[(seed >> 16) % 4];
		size_t n = (t == WT_ID_DUP || t == WT_NBG_DUP) ? 2 + (seed >> 20) % 3 : 1;
		mk(t, n, (seed >> 8) % 2 ? CROSS_COUNTY : SAME);
		if (t == WT_ID_CHANGED)
			M[0].state = WS_UNCONFIRMED;
		for (int k = 0; k < 60; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t idx = (seed >> 16) % n;
			enum wf_action a = (enum wf_action)((seed >> 8) % WA__USER_COUNT);
			unsigned actor = 1u << ((seed >> 4) % 4);
			const struct wf_rule *r;
			if (dec(idx, a, actor, &r) != WF_OK)
				continue;
			if (r->effects & WE_APPLY_CHANGE)
				M[idx].clash_kept = (seed >> 24) % 3 == 0;
			struct wf_event ev[EVMAX];
			size_t ne = wf_apply(&G, idx, r, a, ev, EVMAX);
			M[idx].clash_kept = 0;
			for (size_t e = 0; e < ne; e++)
				if (ev[e].member >= 0) {
					ck_assert_ptr_nonnull(ev[e].rule);
					ck_assert_int_eq(ev[e].rule->from, ev[e].from);
					ck_assert_int_eq(ev[e].rule->to, ev[e].to);
				}
			size_t pending = 0, standing = 0;
			for (size_t j = 0; j < n; j++) {
				pending += (size_t)wf_state_pending(M[j].state);
				standing += (size_t)wf_state_standing(M[j].state);
				for (size_t i = 0; i < j && t == WT_ID_DUP; i++)
					ck_assert(!(M[i].state == WS_APPROVED && M[j].state == WS_APPROVED &&
						    !strcmp(M[i].county, M[j].county)));
			}
			if (G.state == WGS_DONE) {
				ck_assert_uint_eq(pending, 0);
				if (t == WT_ID_DUP)
					ck_assert_uint_le(standing, 1);
			}
			if (G.state == WGS_DONE && (seed >> 28) % 4 == 0)
				break;
		}
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_table_every_row_applies_in_its_context);
	tcase_add_test(tc, test_table_rows_are_unambiguous);
	tcase_add_test(tc, test_refused_every_combination_outside_the_table);
	tcase_add_test(tc, test_refused_no_capacity_is_not_yours);
	tcase_add_test(tc, test_refused_system_actions_by_people);
	tcase_add_test(tc, test_inputs_missing_are_named);
	tcase_add_test(tc, test_R11_allowed_handling_per_type);
	tcase_add_test(tc, test_R11_id_changed_confirms_the_register_first);
	tcase_add_test(tc, test_R12_G_and_L_alike_in_the_machine);
	tcase_add_test(tc, test_R13_delete_never_approved_no_bureau);
	tcase_add_test(tc, test_R13_leader_declines_back_to_open);
	tcase_add_test(tc, test_R14_delete_approved_record_goes_to_the_bureau);
	tcase_add_test(tc, test_R15_change_applies_and_clears_the_clash);
	tcase_add_test(tc, test_R15_change_that_keeps_the_clash_returns_to_school);
	tcase_add_test(tc, test_R15_rejected_change_back_to_school);
	tcase_add_test(tc, test_R16_corroboration_approved);
	tcase_add_test(tc, test_R17_one_winner_same_county_auto_rejects_others);
	tcase_add_test(tc, test_R18_cross_county_two_approvals_await_arbitration);
	tcase_add_test(tc, test_R18_arbitration_only_while_awaiting);
	tcase_add_test(tc, test_R19_name_gender_birth_all_may_win);
	tcase_add_test(tc, test_R20_rejection_needs_a_reason);
	tcase_add_test(tc, test_R21_done_only_when_all_final_and_one_stands);
	tcase_add_test(tc, test_R22_reopen_only_when_done);
	tcase_add_test(tc, test_R22_cross_province_own_side_done);
	tcase_add_test(tc, test_reopen_case_never_closes_by_itself);
	tcase_add_test(tc, test_clash_gone_closes_the_last_member);
	tcase_add_test(tc, test_record_gone_through_another_group);
	tcase_add_test(tc, test_names_round_trip);
	tcase_add_test(tc, test_random_walk_keeps_invariants);
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
