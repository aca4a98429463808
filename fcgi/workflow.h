/* workflow: the problem-record state machine (SPEC R11-R22, s.6): one static transition table plus the automatic consequences. Pure: no I/O. */
#ifndef XJ_WORKFLOW_H
#define XJ_WORKFLOW_H
#include <stddef.h>
#include <stdint.h>

/* Problem types (R8), as stored in problem_group.type; suspected_dup (R31): a suspected pair the bureau found to be
 * the same child, handled like an ID duplicate (R17/R18: one record survives). */
enum wf_type { WT_ID_DUP, WT_ID_ERROR, WT_ID_CHANGED, WT_NBG_DUP, WT_SUSPECTED_DUP, WT__COUNT };

/* Member states (SPEC s.6), as stored in group_member.state. `reopened`: the member was re-opened into
 * a new one-member case (R22); final in this group. */
enum wf_state {
	WS_UNCONFIRMED, WS_OPEN, WS_AWAITING_LEADER, WS_AWAITING_REVIEW,
	WS_APPROVED, WS_UPHELD, WS_DELETED, WS_CHANGED, WS_CLOSED, WS_REOPENED,
	WS__COUNT
};

/* Group states (SPEC s.6), as stored in problem_group.state. */
enum wf_gstate { WGS_OPEN, WGS_AWAITING_ARBITRATION, WGS_DONE, WGS__COUNT };

/* The school's chosen handling (s.3), as stored in group_member.handling (NULL = none). */
enum wf_handling { WH_NONE, WH_CORROBORATE, WH_CHANGE, WH_DELETE, WH__COUNT };

/* Actions. The first WA__USER_COUNT are what people ask for; the rest are system events. */
enum wf_action {
	WA_CONFIRM_REGISTER,    /* R11 ID changed: the school confirms the register's finding */
	WA_SUBMIT_CORROBORATE,  /* R16 */
	WA_SUBMIT_CHANGE,       /* R15 */
	WA_SUBMIT_DELETE,       /* R13/R14 */
	WA_LEADER_CONFIRM,      /* R13/R14 */
	WA_LEADER_DECLINE,
	WA_APPROVE,             /* county bureau (核办) */
	WA_REJECT,              /* county bureau, with a reason (R20) */
	WA_ARBITRATE,           /* common superior picks the one that stands (R18) */
	WA_REOPEN,              /* R22 */
	WA__USER_COUNT,
	WA_AUTO_REJECT = WA__USER_COUNT, /* R17: another corroboration of the county was approved */
	WA_ARBITRATION_LOST,    /* R18: the arbitrator chose another member */
	WA_CLASH_GONE,          /* s.6: every other member deleted or changed away */
	WA_CLASH_REMAINS,       /* R15: the approved change did not remove the clash */
	WA_RECORD_GONE,         /* the record was deleted through another group */
	WA_MEMBER_REOPENED,     /* R9 (detection): a member closed by the system or changed clashes again, group open */
	WA__COUNT
};

/* Actor capacities: what the caller is FOR ONE MEMBER, jurisdiction already applied by the caller
 * (clerk/leader of the member's school, county bureau of the member's county, the group's arbiter). */
enum wf_actor { WR_CLERK = 1u << 0, WR_LEADER = 1u << 1, WR_COUNTY = 1u << 2, WR_ARBITER = 1u << 3, WR_SYSTEM = 1u << 4 };

/* State guards: conditions on the group snapshot. All bits of a rule must hold. */
enum wf_guard {
	WG_TYPE_ID_CHANGED = 1u << 0, /* R11: only an ID-changed member confirms the register's finding */
	WG_CORROBORABLE = 1u << 1,    /* R11: an ID error cannot be corroborated */
	WG_H_CORROBORATE = 1u << 2,   /* the pending handling is a corroboration */
	WG_H_CHANGE = 1u << 3,
	WG_H_DELETE = 1u << 4,
	WG_NEVER_APPROVED = 1u << 5,  /* R13 */
	WG_EVER_APPROVED = 1u << 6,   /* R14 */
	WG_NO_RIVAL = 1u << 7,        /* R17/R18/R19: approving this corroboration is allowed */
	WG_ARBITRATION = 1u << 8,     /* the group awaits arbitration (R18) */
	WG_REOPENABLE = 1u << 9,      /* R22: group done, or cross-province with this side done */
	WG_CLASH_KEPT = 1u << 10,     /* R15: the change just applied left the clash in place */
	WG_NOT_REOPEN_CASE = 1u << 11, /* R22: a one-member re-open case is settled by its school alone, never by detection */
	WG_TYPE_NOT_ID_CHANGED = 1u << 12, /* any type but ID changed */
};

/* Input requirements: what the request must carry (checked after the state guards; missing = 422). */
enum wf_input {
	WI_CONFIRM = 1u << 0,  /* confirm: true (R13/R22: the screens ask twice) */
	WI_REASON = 1u << 1,   /* R20 */
	WI_EVIDENCE = 1u << 2, /* R23: at least one evidence id */
	WI_OPINION = 1u << 3,  /* R16: the school's opinion */
	WI_CHANGES = 1u << 4,  /* R15: the new values */
};
/* Characters of a reason or an opinion an action carries (served by GET /api/v1/rules). */
#define WF_TEXT_MAX 1000

/* Effects the persistence layer carries out for an event. */
enum wf_effect {
	WE_SET_HANDLING = 1u << 0,   /* handling := the submitted kind; store opinion/proposal; clear the reason */
	WE_CLEAR_HANDLING = 1u << 1, /* handling := none */
	WE_SET_REASON = 1u << 2,     /* reject_reason := the event's reason (the school sees it, R20) */
	WE_DELETE_RECORD = 1u << 3,  /* student.status := deleted (never erased, R6) */
	WE_APPLY_CHANGE = 1u << 4,   /* student takes the proposed values; detection re-runs (R15) */
	WE_MARK_APPROVED = 1u << 5,  /* student.ever_approved := 1 (R14) */
	WE_AUTO_REJECT = 1u << 6,    /* R17: reject the county's other pending corroborations */
	WE_ARBITRATE = 1u << 7,      /* R18: the other approved members lose */
	WE_REOPEN = 1u << 8,         /* R22: open a new one-member case */
};

/* One row of the transition table: the only place a rule lives. */
struct wf_rule {
	enum wf_state from;
	enum wf_action action;
	unsigned actors;   /* enum wf_actor bits admitted */
	unsigned guards;   /* enum wf_guard bits that must hold */
	unsigned inputs;   /* enum wf_input bits the request must carry */
	enum wf_state to;
	unsigned effects;  /* enum wf_effect bits */
	const char *rule;  /* SPEC rule cited, e.g. "R13" */
};

/* The table (static, read-only) and its length. */
extern const struct wf_rule wf_rules[];
extern const size_t wf_rules_count;

/* Group transitions made by a system event on the whole group (detection: the clash is gone, R21). The group
 * states that follow the members after a member event are wf_group_state's (R18, R21). */
struct wf_group_rule {
	enum wf_gstate from;
	enum wf_action action;
	enum wf_gstate to;
	const char *rule;
};
extern const struct wf_group_rule wf_group_rules[];
extern const size_t wf_group_rules_count;

/* The state a record enters a group of type t in, when detection adds it (R11: an ID-changed member first
 * waits for the school to confirm the register's finding). */
enum wf_state wf_entry_state(enum wf_type t);

/* The system rule for action a on a member in state `from` of a group of type t, judged by the guards that
 * depend on the type alone (other guards are taken as holding for a group that detection evaluates: open,
 * not a re-open case); NULL if the table has none. For building the detection SQL from the table. */
const struct wf_rule *wf_system_rule(enum wf_state from, enum wf_action a, enum wf_type t);

/* A member as the machine sees it. The caller fills it from the database. */
struct wf_member {
	uint64_t id;
	enum wf_state state;
	enum wf_handling handling;
	char province[3];  /* 2-digit province code */
	char county[7];    /* 6-digit county code */
	int ever_approved; /* the record is formal or was approved in an earlier review (R14) */
	int clash_kept;    /* set by the caller after applying an approved change whose clash remains (R15) */
};

/* A group snapshot. m is owned by the caller; wf_apply changes states in it. */
struct wf_group {
	enum wf_type type;
	enum wf_gstate state;
	int reopen_case;     /* a one-member R22 case: the clash-gone rule does not apply */
	int cross_province;  /* members in two or more provinces */
	size_t n;
	struct wf_member *m;
};

/* One state change, in order. member >= 0: index into g->m; -1: the group itself. */
struct wf_event {
	int member;
	enum wf_action action;   /* for a group event: the action that caused it */
	int from, to;            /* enum wf_state, or enum wf_gstate for the group */
	int system;              /* 1 for an automatic event */
	unsigned effects;        /* enum wf_effect bits (member events) */
	const struct wf_rule *rule;
};

/* Result of a decision. */
enum wf_verdict {
	WF_OK = 0,
	WF_NOT_YOURS,     /* the caller has no capacity for this member (403) */
	WF_NOT_ALLOWED,   /* no rule for this state/action/capacity now (409, name the allowed actions) */
	WF_MISSING_INPUT, /* a rule applies but the request lacks something it needs (422, *missing says what) */
};

/* Find the rule for member `idx` of g, action a, caller capacities `actors` and the request's inputs
 * (enum wf_input bits present). On WF_OK *rule is the row; on WF_MISSING_INPUT *missing holds the
 * first missing wf_input bit. Never changes g. */
enum wf_verdict wf_decide(const struct wf_group *g, size_t idx, enum wf_action a, unsigned actors, unsigned inputs,
			  const struct wf_rule **rule, unsigned *missing);

/* Actions (user actions only) the capacities `actors` may take on member idx now, ignoring inputs.
 * Writes at most WA__USER_COUNT into out; returns the count. */
size_t wf_allowed(const struct wf_group *g, size_t idx, unsigned actors, enum wf_action *out);

/* Apply rule (from wf_decide, or NULL for a system action `a` chosen by the caller, e.g. WA_RECORD_GONE)
 * to member idx, then every automatic consequence (R17 auto-rejection, R18 arbitration losers, R15 clash
 * kept, s.6 clash gone, the group state R18/R21), in that order. The member's clash_kept must be set
 * by the caller before the call when the rule applies a change. Appends events to ev (capacity cap;
 * g->n + 3 always suffices) and returns their number; asserts the capacity. */
size_t wf_apply(struct wf_group *g, size_t idx, const struct wf_rule *rule, enum wf_action a, struct wf_event *ev, size_t cap);

/* The state the group should be in, from its members (R18, R21). A done group stays done. */
enum wf_gstate wf_group_state(const struct wf_group *g);

/* 1 if the member state waits for someone (unconfirmed, open, awaiting_leader, awaiting_review). */
int wf_state_pending(enum wf_state s);
/* R24: 1 if a step due on due (YYYY-MM-DD, NULL: none) is late on today (YYYY-MM-DD, China's day): due before today.
 * A member is overdue when its state is pending and its step is late. */
int wf_past_due(const char *due, const char *today);
/* 1 if the record stands in the group (approved or upheld). */
int wf_state_standing(enum wf_state s);
/* 1 if a member in state s keeps its record a problem record while the group is unfinished (R6): pending,
 * approved (arbitration may still reject it, R18) or re-opened. */
int wf_state_holding(enum wf_state s);

/* Names as stored and sent ("awaiting_review"); parse returns -1 when unknown. Static strings. */
const char *wf_state_name(enum wf_state s);
int wf_state_parse(const char *s);
const char *wf_gstate_name(enum wf_gstate s);
int wf_gstate_parse(const char *s);
const char *wf_type_name(enum wf_type t);
int wf_type_parse(const char *s);
const char *wf_handling_name(enum wf_handling h); /* NULL for WH_NONE */
int wf_handling_parse(const char *s);             /* NULL or "" -> WH_NONE */
const char *wf_action_name(enum wf_action a);
int wf_action_parse(const char *s);               /* user actions only */
/* Name of a group-state event ("group_awaiting_arbitration", "group_done", "group_open"). */
const char *wf_group_event_name(enum wf_gstate to);
/* Text of an automatic decision in one language (en 0: Chinese, 1: English), or NULL if the action has none
 * (issue 11 item 10: the one table of these texts; stored as the action's name, never as text). */
const char *wf_system_reason(enum wf_action a, int en);
/* The same by the stored code (an action name such as "auto_reject"); NULL if none or code is NULL. */
const char *wf_system_reason_of(const char *code, int en);

#endif
