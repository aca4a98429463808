/* workflow: the transition table of problem-record handling (SPEC R11-R22, s.6) and its automatic consequences. */
#include "workflow.h"
#include <assert.h>
#include <string.h>

#define SUBMIT (WE_SET_HANDLING)
#define BACK_TO_SCHOOL (WE_CLEAR_HANDLING | WE_SET_REASON)

/* The one table. Order matters only between rows with the same from/action: the first whose guards hold wins. */
const struct wf_rule wf_rules[] = {
	/* school clerk (学校学籍管理员), own school's member */
	{WS_UNCONFIRMED, WA_CONFIRM_REGISTER, WR_CLERK, WG_TYPE_ID_CHANGED, 0, WS_OPEN, 0, "R11"},
	{WS_OPEN, WA_SUBMIT_CORROBORATE, WR_CLERK, WG_CORROBORABLE, WI_EVIDENCE | WI_OPINION, WS_AWAITING_REVIEW, SUBMIT, "R16"},
	{WS_OPEN, WA_SUBMIT_CHANGE, WR_CLERK, 0, WI_EVIDENCE | WI_CHANGES, WS_AWAITING_REVIEW, SUBMIT, "R15"},
	{WS_OPEN, WA_SUBMIT_DELETE, WR_CLERK, 0, WI_CONFIRM, WS_AWAITING_LEADER, SUBMIT, "R13"},
	/* school leader (学校学籍主管领导), own school's member */
	{WS_AWAITING_LEADER, WA_LEADER_CONFIRM, WR_LEADER, WG_NEVER_APPROVED, WI_CONFIRM, WS_DELETED, WE_DELETE_RECORD, "R13"},
	{WS_AWAITING_LEADER, WA_LEADER_CONFIRM, WR_LEADER, WG_EVER_APPROVED, WI_CONFIRM, WS_AWAITING_REVIEW, 0, "R14"},
	{WS_AWAITING_LEADER, WA_LEADER_DECLINE, WR_LEADER, 0, 0, WS_OPEN, BACK_TO_SCHOOL, "R13"},
	/* county bureau (学籍主管部门), member of its county */
	{WS_AWAITING_REVIEW, WA_APPROVE, WR_COUNTY, WG_H_CORROBORATE | WG_NO_RIVAL, 0, WS_APPROVED,
	 WE_MARK_APPROVED | WE_AUTO_REJECT, "R16"},
	{WS_AWAITING_REVIEW, WA_APPROVE, WR_COUNTY, WG_H_CHANGE, 0, WS_CHANGED, WE_APPLY_CHANGE | WE_MARK_APPROVED, "R15"},
	{WS_AWAITING_REVIEW, WA_APPROVE, WR_COUNTY, WG_H_DELETE, 0, WS_DELETED, WE_DELETE_RECORD, "R14"},
	{WS_AWAITING_REVIEW, WA_REJECT, WR_COUNTY, 0, WI_REASON, WS_OPEN, BACK_TO_SCHOOL, "R20"},
	/* arbitrator: the group's common superior (R2) */
	{WS_APPROVED, WA_ARBITRATE, WR_ARBITER, WG_ARBITRATION, WI_REASON, WS_UPHELD, WE_ARBITRATE, "R18"},
	/* re-open of a done group (R22), own school's member whose record still exists */
	{WS_APPROVED, WA_REOPEN, WR_CLERK, WG_REOPENABLE, WI_CONFIRM, WS_REOPENED, WE_REOPEN, "R22"},
	{WS_UPHELD, WA_REOPEN, WR_CLERK, WG_REOPENABLE, WI_CONFIRM, WS_REOPENED, WE_REOPEN, "R22"},
	{WS_CHANGED, WA_REOPEN, WR_CLERK, WG_REOPENABLE, WI_CONFIRM, WS_REOPENED, WE_REOPEN, "R22"},
	{WS_CLOSED, WA_REOPEN, WR_CLERK, WG_REOPENABLE, WI_CONFIRM, WS_REOPENED, WE_REOPEN, "R22"},
	/* system events */
	{WS_AWAITING_REVIEW, WA_AUTO_REJECT, WR_SYSTEM, WG_H_CORROBORATE, 0, WS_OPEN, BACK_TO_SCHOOL, "R17"},
	{WS_APPROVED, WA_ARBITRATION_LOST, WR_SYSTEM, 0, 0, WS_OPEN, BACK_TO_SCHOOL, "R18"},
	{WS_CHANGED, WA_CLASH_REMAINS, WR_SYSTEM, WG_CLASH_KEPT, 0, WS_OPEN, BACK_TO_SCHOOL, "R15"},
	/* s.6: the clash is gone (every other member deleted or changed away; or detection finds the record no longer
	 * clashes): the member closes by itself. Detection (db_registry.c) builds its SQL from these rows. */
	{WS_UNCONFIRMED, WA_CLASH_GONE, WR_SYSTEM, WG_NOT_REOPEN_CASE, 0, WS_CLOSED, WE_CLEAR_HANDLING, "s.6"},
	{WS_OPEN, WA_CLASH_GONE, WR_SYSTEM, WG_NOT_REOPEN_CASE, 0, WS_CLOSED, WE_CLEAR_HANDLING, "s.6"},
	{WS_AWAITING_LEADER, WA_CLASH_GONE, WR_SYSTEM, WG_NOT_REOPEN_CASE, 0, WS_CLOSED, WE_CLEAR_HANDLING, "s.6"},
	{WS_AWAITING_REVIEW, WA_CLASH_GONE, WR_SYSTEM, WG_NOT_REOPEN_CASE, 0, WS_CLOSED, WE_CLEAR_HANDLING, "s.6"},
	/* R9: detection finds a closed or changed member's record in the open group's clash again: back to the
	 * school (R11: an ID-changed member confirms the register's finding first). */
	{WS_CLOSED, WA_MEMBER_REOPENED, WR_SYSTEM, WG_TYPE_ID_CHANGED | WG_NOT_REOPEN_CASE, 0, WS_UNCONFIRMED, WE_CLEAR_HANDLING, "R9"},
	{WS_CLOSED, WA_MEMBER_REOPENED, WR_SYSTEM, WG_TYPE_NOT_ID_CHANGED | WG_NOT_REOPEN_CASE, 0, WS_OPEN, WE_CLEAR_HANDLING, "R9"},
	{WS_CHANGED, WA_MEMBER_REOPENED, WR_SYSTEM, WG_TYPE_ID_CHANGED | WG_NOT_REOPEN_CASE, 0, WS_UNCONFIRMED, WE_CLEAR_HANDLING, "R9"},
	{WS_CHANGED, WA_MEMBER_REOPENED, WR_SYSTEM, WG_TYPE_NOT_ID_CHANGED | WG_NOT_REOPEN_CASE, 0, WS_OPEN, WE_CLEAR_HANDLING, "R9"},
	{WS_UNCONFIRMED, WA_RECORD_GONE, WR_SYSTEM, 0, 0, WS_DELETED, WE_CLEAR_HANDLING, "R6"},
	{WS_OPEN, WA_RECORD_GONE, WR_SYSTEM, 0, 0, WS_DELETED, WE_CLEAR_HANDLING, "R6"},
	{WS_AWAITING_LEADER, WA_RECORD_GONE, WR_SYSTEM, 0, 0, WS_DELETED, WE_CLEAR_HANDLING, "R6"},
	{WS_AWAITING_REVIEW, WA_RECORD_GONE, WR_SYSTEM, 0, 0, WS_DELETED, WE_CLEAR_HANDLING, "R6"},
	{WS_APPROVED, WA_RECORD_GONE, WR_SYSTEM, 0, 0, WS_DELETED, 0, "R6"},
	{WS_UPHELD, WA_RECORD_GONE, WR_SYSTEM, 0, 0, WS_DELETED, 0, "R6"},
};
const size_t wf_rules_count = sizeof wf_rules / sizeof wf_rules[0];

/* Detection marks a group done when its clash is gone (R21), whatever its members' states. */
const struct wf_group_rule wf_group_rules[] = {
	{WGS_OPEN, WA_CLASH_GONE, WGS_DONE, "R21"},
	{WGS_AWAITING_ARBITRATION, WA_CLASH_GONE, WGS_DONE, "R21"},
};
const size_t wf_group_rules_count = sizeof wf_group_rules / sizeof wf_group_rules[0];

static const enum wf_state entry_state[WT__COUNT] = {
	[WT_ID_DUP] = WS_OPEN, [WT_ID_ERROR] = WS_OPEN, [WT_ID_CHANGED] = WS_UNCONFIRMED, [WT_NBG_DUP] = WS_OPEN,
	[WT_SUSPECTED_DUP] = WS_OPEN};

/* R17/R18 (and R31 for suspected_dup): one record of the group survives */
static int one_survives(enum wf_type t) { return t == WT_ID_DUP || t == WT_SUSPECTED_DUP; }

enum wf_state wf_entry_state(enum wf_type t)
{
	assert(t >= 0 && t < WT__COUNT);
	return entry_state[t];
}

int wf_state_pending(enum wf_state s)
{
	return s == WS_UNCONFIRMED || s == WS_OPEN || s == WS_AWAITING_LEADER || s == WS_AWAITING_REVIEW;
}

int wf_past_due(const char *due, const char *today) { return due && strcmp(due, today) < 0; }

int wf_state_standing(enum wf_state s) { return s == WS_APPROVED || s == WS_UPHELD; }

int wf_state_holding(enum wf_state s) { return wf_state_pending(s) || s == WS_APPROVED || s == WS_REOPENED; }

/* R17/R18/R19: may member idx's corroboration be approved now? */
static int no_rival(const struct wf_group *g, size_t idx)
{
	if (!one_survives(g->type))
		return 1; /* R19: every name-gender-birth corroboration may win; single-member types have no rival */
	for (size_t j = 0; j < g->n; j++) {
		if (j == idx)
			continue;
		if (g->m[j].state == WS_UPHELD)
			return 0; /* the arbitrator's choice stands */
		if (g->m[j].state == WS_APPROVED && strcmp(g->m[j].county, g->m[idx].county) == 0)
			return 0; /* R17: at most one approved corroboration per county */
	}
	return 1;
}

/* R22: the group is done, or (cross-province) every member on this member's province side is final. */
static int reopenable(const struct wf_group *g, size_t idx)
{
	if (g->state == WGS_DONE)
		return 1;
	if (!g->cross_province || g->state != WGS_OPEN)
		return 0;
	for (size_t j = 0; j < g->n; j++)
		if (strcmp(g->m[j].province, g->m[idx].province) == 0 && wf_state_pending(g->m[j].state))
			return 0;
	return 1;
}

static int guards_hold(const struct wf_group *g, size_t idx, unsigned guards)
{
	const struct wf_member *m = &g->m[idx];
	if ((guards & WG_TYPE_ID_CHANGED) && g->type != WT_ID_CHANGED)
		return 0;
	if ((guards & WG_TYPE_NOT_ID_CHANGED) && g->type == WT_ID_CHANGED)
		return 0;
	if ((guards & WG_CORROBORABLE) && g->type == WT_ID_ERROR)
		return 0;
	if ((guards & WG_H_CORROBORATE) && m->handling != WH_CORROBORATE)
		return 0;
	if ((guards & WG_H_CHANGE) && m->handling != WH_CHANGE)
		return 0;
	if ((guards & WG_H_DELETE) && m->handling != WH_DELETE)
		return 0;
	if ((guards & WG_NEVER_APPROVED) && m->ever_approved)
		return 0;
	if ((guards & WG_EVER_APPROVED) && !m->ever_approved)
		return 0;
	if ((guards & WG_NO_RIVAL) && !no_rival(g, idx))
		return 0;
	if ((guards & WG_ARBITRATION) && g->state != WGS_AWAITING_ARBITRATION)
		return 0;
	if ((guards & WG_REOPENABLE) && !reopenable(g, idx))
		return 0;
	if ((guards & WG_CLASH_KEPT) && !m->clash_kept)
		return 0;
	if ((guards & WG_NOT_REOPEN_CASE) && g->reopen_case)
		return 0;
	return 1;
}

/* First rule for (member state, a) admitting one of `actors` whose guards hold; NULL if none. */
static const struct wf_rule *find_rule(const struct wf_group *g, size_t idx, enum wf_action a, unsigned actors)
{
	for (size_t i = 0; i < wf_rules_count; i++) {
		const struct wf_rule *r = &wf_rules[i];
		if (r->from == g->m[idx].state && r->action == a && (r->actors & actors) && guards_hold(g, idx, r->guards))
			return r;
	}
	return NULL;
}

const struct wf_rule *wf_system_rule(enum wf_state from, enum wf_action a, enum wf_type t)
{
	struct wf_member m = {.state = from};
	struct wf_group g = {.type = t, .state = WGS_OPEN, .n = 1, .m = &m};
	for (size_t i = 0; i < wf_rules_count; i++) {
		const struct wf_rule *r = &wf_rules[i];
		if (r->from == from && r->action == a && (r->actors & WR_SYSTEM) &&
		    guards_hold(&g, 0, r->guards & (WG_TYPE_ID_CHANGED | WG_TYPE_NOT_ID_CHANGED | WG_CORROBORABLE)))
			return r;
	}
	return NULL;
}

enum wf_verdict wf_decide(const struct wf_group *g, size_t idx, enum wf_action a, unsigned actors, unsigned inputs,
			  const struct wf_rule **rule, unsigned *missing)
{
	assert(g && idx < g->n && rule && missing);
	*rule = NULL;
	*missing = 0;
	actors &= ~(unsigned)WR_SYSTEM; /* people never act as the system */
	if (a < 0 || a >= WA__USER_COUNT)
		return WF_NOT_ALLOWED;
	if (!actors)
		return WF_NOT_YOURS;
	const struct wf_rule *r = find_rule(g, idx, a, actors);
	if (!r)
		return WF_NOT_ALLOWED;
	*rule = r;
	unsigned lack = r->inputs & ~inputs;
	if (lack) {
		*missing = lack & (~lack + 1u); /* lowest missing bit */
		return WF_MISSING_INPUT;
	}
	return WF_OK;
}

size_t wf_allowed(const struct wf_group *g, size_t idx, unsigned actors, enum wf_action *out)
{
	size_t n = 0;
	actors &= ~(unsigned)WR_SYSTEM;
	if (!actors)
		return 0;
	for (int a = 0; a < WA__USER_COUNT; a++)
		if (find_rule(g, idx, (enum wf_action)a, actors))
			out[n++] = (enum wf_action)a;
	return n;
}

enum wf_gstate wf_group_state(const struct wf_group *g)
{
	if (g->state == WGS_DONE)
		return WGS_DONE;
	size_t pending = 0, approved = 0, standing = 0;
	for (size_t j = 0; j < g->n; j++) {
		pending += (size_t)wf_state_pending(g->m[j].state);
		approved += g->m[j].state == WS_APPROVED;
		standing += (size_t)wf_state_standing(g->m[j].state);
	}
	if (one_survives(g->type) && approved >= 2)
		return WGS_AWAITING_ARBITRATION; /* R18 */
	if (!pending && (!one_survives(g->type) || standing <= 1))
		return WGS_DONE; /* R21 */
	return WGS_OPEN;
}

/* Move member idx by rule r, appending the event. */
static void step(struct wf_group *g, size_t idx, const struct wf_rule *r, int system, struct wf_event *ev, size_t *n,
		 size_t cap)
{
	assert(*n < cap);
	struct wf_member *m = &g->m[idx];
	ev[*n] = (struct wf_event){.member = (int)idx, .action = r->action, .from = m->state, .to = r->to,
				   .system = system, .effects = r->effects, .rule = r};
	(*n)++;
	m->state = r->to;
	if (r->effects & WE_SET_HANDLING) {
		m->handling = r->action == WA_SUBMIT_CORROBORATE ? WH_CORROBORATE
			      : r->action == WA_SUBMIT_CHANGE    ? WH_CHANGE
								 : WH_DELETE;
	}
	if (r->effects & WE_CLEAR_HANDLING)
		m->handling = WH_NONE;
	if (r->effects & WE_MARK_APPROVED)
		m->ever_approved = 1;
}

/* Apply system action a to member j if a system rule exists for its state. */
static void system_step(struct wf_group *g, size_t j, enum wf_action a, struct wf_event *ev, size_t *n, size_t cap)
{
	const struct wf_rule *r = find_rule(g, j, a, WR_SYSTEM);
	if (r)
		step(g, j, r, 1, ev, n, cap);
}

size_t wf_apply(struct wf_group *g, size_t idx, const struct wf_rule *rule, enum wf_action a, struct wf_event *ev, size_t cap)
{
	size_t n = 0;
	assert(g && idx < g->n);
	if (rule) {
		step(g, idx, rule, 0, ev, &n, cap);
	} else {
		assert(a >= WA__USER_COUNT && a < WA__COUNT);
		system_step(g, idx, a, ev, &n, cap);
		if (n == 0)
			return 0;
	}
	unsigned eff = ev[0].effects;
	/* R17: approving one corroboration rejects the county's other pending ones */
	if ((eff & WE_AUTO_REJECT) && one_survives(g->type))
		for (size_t j = 0; j < g->n; j++)
			if (j != idx && strcmp(g->m[j].county, g->m[idx].county) == 0)
				system_step(g, j, WA_AUTO_REJECT, ev, &n, cap);
	/* R18: the arbitrator's choice stands, the other approved members go back to their schools */
	if (eff & WE_ARBITRATE)
		for (size_t j = 0; j < g->n; j++)
			if (j != idx)
				system_step(g, j, WA_ARBITRATION_LOST, ev, &n, cap);
	/* R15: an approved change that left the clash in place goes back to the school */
	if (g->m[idx].state == WS_CHANGED && g->m[idx].clash_kept)
		system_step(g, idx, WA_CLASH_REMAINS, ev, &n, cap);
	/* s.6: a member whose clash disappeared closes by itself (not in a re-open case: WG_NOT_REOPEN_CASE) */
	if (g->state != WGS_DONE && (one_survives(g->type) || g->type == WT_NBG_DUP)) {
		size_t live = 0, last = 0;
		for (size_t j = 0; j < g->n; j++)
			if (g->m[j].state != WS_DELETED && g->m[j].state != WS_CHANGED) {
				live++;
				last = j;
			}
		if (live == 1 && wf_state_pending(g->m[last].state))
			system_step(g, last, WA_CLASH_GONE, ev, &n, cap);
	}
	/* R18/R21: the group follows its members */
	enum wf_gstate gs = wf_group_state(g);
	if (gs != g->state) {
		assert(n < cap);
		ev[n++] = (struct wf_event){.member = -1, .action = ev[0].action, .from = g->state, .to = gs, .system = 1};
		g->state = gs;
	}
	return n;
}

static const char *const state_names[WS__COUNT] = {
	"unconfirmed", "open", "awaiting_leader", "awaiting_review", "approved", "upheld", "deleted", "changed", "closed", "reopened"};
static const char *const gstate_names[WGS__COUNT] = {"open", "awaiting_arbitration", "done"};
static const char *const type_names[WT__COUNT] = {"id_dup", "id_error", "id_changed", "nbg_dup", "suspected_dup"};
static const char *const handling_names[WH__COUNT] = {NULL, "corroborate", "change", "delete"};
static const char *const action_names[WA__COUNT] = {
	"confirm_register", "submit_corroborate", "submit_change", "submit_delete", "leader_confirm", "leader_decline",
	"approve", "reject", "arbitrate", "reopen", "auto_reject", "arbitration_lost", "clash_gone", "clash_remains",
	"record_gone", "member_reopened"};

static int parse(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *wf_state_name(enum wf_state s) { return s >= 0 && s < WS__COUNT ? state_names[s] : "unknown"; }
int wf_state_parse(const char *s) { return parse(state_names, WS__COUNT, s); }
const char *wf_gstate_name(enum wf_gstate s) { return s >= 0 && s < WGS__COUNT ? gstate_names[s] : "unknown"; }
int wf_gstate_parse(const char *s) { return parse(gstate_names, WGS__COUNT, s); }
const char *wf_type_name(enum wf_type t) { return t >= 0 && t < WT__COUNT ? type_names[t] : "unknown"; }
int wf_type_parse(const char *s) { return parse(type_names, WT__COUNT, s); }
const char *wf_handling_name(enum wf_handling h) { return h > 0 && h < WH__COUNT ? handling_names[h] : NULL; }
int wf_handling_parse(const char *s)
{
	if (!s || !*s)
		return WH_NONE;
	return parse(handling_names, WH__COUNT, s);
}
const char *wf_action_name(enum wf_action a) { return a >= 0 && a < WA__COUNT ? action_names[a] : "unknown"; }
int wf_action_parse(const char *s) { return parse(action_names, WA__USER_COUNT, s); }

const char *wf_group_event_name(enum wf_gstate to)
{
	switch (to) {
	case WGS_AWAITING_ARBITRATION:
		return "group_awaiting_arbitration";
	case WGS_DONE:
		return "group_done";
	default:
		return "group_open";
	}
}

/* The one table of the texts of system decisions (issue 11 item 10): each language's text in one place, no rule
 * number and no other language inside; stored as the action's code (group_member.reject_code, history.action). */
static const struct { enum wf_action a; const char *zh, *en; } system_reasons[] = {
	{WA_AUTO_REJECT, "同一区县已核办通过本组另一条佐证，本条自动不通过。",
	 "The county approved another corroboration in this group; this one is rejected automatically."},
	{WA_ARBITRATION_LOST, "仲裁认定本组另一条学籍，本条驳回学校重新处理。", "The arbitrator upheld another record; handle this one again."},
	{WA_CLASH_GONE, "与之重复的学籍均已删除或变更，问题已消除。", "The clash is gone: every other record was deleted or changed."},
	{WA_CLASH_REMAINS, "变更后仍与本组学籍重复，请重新处理。", "The change did not remove the clash; handle the record again."},
	{WA_RECORD_GONE, "该学籍已在其他问题学籍组中删除。", "The record was deleted through another problem group."},
	{WA_MEMBER_REOPENED, "该学籍仍与本组重复，请重新处理。", "The record clashes again; handle it again."},
};

const char *wf_system_reason(enum wf_action a, int en)
{
	for (size_t i = 0; i < sizeof system_reasons / sizeof system_reasons[0]; i++)
		if (system_reasons[i].a == a)
			return en ? system_reasons[i].en : system_reasons[i].zh;
	return NULL;
}

const char *wf_system_reason_of(const char *code, int en)
{
	for (int a = 0; code && a < WA__COUNT; a++)
		if (strcmp(action_names[a], code) == 0)
			return wf_system_reason((enum wf_action)a, en);
	return NULL;
}
