/* api_workflow: the problem-record workflow over HTTP: group detail, member actions and arbitration (one transaction each, through the state machine in workflow.c), queues, statistics, overdue list, holidays, deadlines and the provincial feed (R11-R29). */
#include "api.h"
#include "search.h"
#include "auth.h"
#include "change.h"
#include "config.h"
#include "db.h"
#include "db_counters.h"
#include "db_workflow.h"
#include "id_problem.h"
#include "idem.h"
#include "cursor.h"
#include "dedup.h"
#include "registry.h"
#include "scope.h"
#include "idcheck.h"
#include "json.h"
#include "log.h"
#include "workdays.h"
#include "workflow.h"
#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EVIDENCE EVIDENCE_MAX_FILES_CAP /* bound of the array; the limit is evidence_max_files() */

/* ---------- calendar (R24) ---------- */

static const char *day_str(struct arena *a, wd_day d)
{
	char *s = arena_alloc(a, 11);
	wd_format(d, s);
	return s;
}

static int due_working_days(void)
{
	return (int)config_int("XJ_DUE_WORKING_DAYS"); /* 1..200, config.c */
}

/* ---------- who may see and do what ---------- */

static int eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* 1 if member m lies inside the caller's jurisdiction (R1-R3). */
static int in_scope(const struct principal *p, const struct wfdb_member *m)
{
	return scope_contains(p, m->province_code, m->city_code, m->county_code, m->school_id);
}

/* A group is visible to whoever's jurisdiction holds one of its members, and to its arbiter. */
static int visible(const struct principal *p, const struct wfdb_group *g, const struct wfdb_member *m, size_t n)
{
	if (p->unit_id == g->arbiter_unit_id && (p->role & (ROLE_BUREAU | ROLE_COUNTY | ROLE_ADMIN)))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (in_scope(p, &m[i]))
			return 1;
	return 0;
}

/* The caller's capacities for member m (enum wf_actor): the jurisdiction test of every action. */
static unsigned caps_for(const struct principal *p, const struct wfdb_group *g, const struct wfdb_member *m)
{
	unsigned c = 0;
	if (p->role == ROLE_SCHOOL_CLERK && p->unit_level == LEVEL_SCHOOL && p->unit_id == m->school_id)
		c |= WR_CLERK;
	if (p->role == ROLE_SCHOOL_LEADER && p->unit_level == LEVEL_SCHOOL && p->unit_id == m->school_id)
		c |= WR_LEADER;
	if (p->role == ROLE_COUNTY && p->unit_level == LEVEL_COUNTY && eq(p->county_code, m->county_code))
		c |= WR_COUNTY;
	if (p->role == ROLE_BUREAU && p->unit_id == g->arbiter_unit_id)
		c |= WR_ARBITER;
	return c;
}

/* Fill the machine's view of a group. */
static void to_wf(struct arena *a, const struct wfdb_group *g, const struct wfdb_member *m, size_t n, struct wf_group *out)
{
	out->type = g->type;
	out->state = g->state;
	out->reopen_case = g->reopened_from != 0;
	out->cross_province = 0;
	out->n = n;
	out->m = arena_calloc(a, (n ? n : 1) * sizeof *out->m);
	for (size_t i = 0; i < n; i++) {
		struct wf_member *w = &out->m[i];
		w->id = m[i].id;
		w->state = m[i].state;
		w->handling = m[i].handling;
		snprintf(w->province, sizeof w->province, "%s", m[i].province_code ? m[i].province_code : "");
		snprintf(w->county, sizeof w->county, "%s", m[i].county_code ? m[i].county_code : "");
		w->ever_approved = m[i].ever_approved || eq(m[i].status, "formal");
		if (!eq(m[i].province_code, m[0].province_code))
			out->cross_province = 1;
	}
}

static cJSON *allowed_json(const struct wf_group *g, size_t idx, unsigned caps)
{
	enum wf_action acts[WA__USER_COUNT];
	size_t n = wf_allowed(g, idx, caps, acts);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(wf_action_name(acts[i])));
	return arr;
}

static const char *allowed_text(struct arena *a, const struct wf_group *g, size_t idx, unsigned caps)
{
	enum wf_action acts[WA__USER_COUNT];
	size_t n = wf_allowed(g, idx, caps, acts);
	if (!n)
		return "none";
	char *s = arena_strdup(a, "");
	for (size_t i = 0; i < n; i++)
		s = arena_printf(a, "%s%s%s", s, i ? ", " : "", wf_action_name(acts[i]));
	return s;
}

/* Masks outside the caller's jurisdiction (R26 short facts): the one rule of dedup_mask_id. */
static const char *mask_id(struct arena *a, const char *id)
{
	if (!id)
		return NULL;
	size_t n = strlen(id) + 1;
	return dedup_mask_id(id, arena_alloc(a, n), n);
}

static const char *mask_no(struct arena *a, const char *no)
{
	if (!no)
		return NULL;
	size_t n = strlen(no) + 1;
	return dedup_mask_student_no(no, arena_alloc(a, n), n);
}

/* ---------- JSON of a group ---------- */

/* A system event's history reason written before issue 11 item 10 (append-only, R25): the mixed text itself
 * ("中文。 (R17: English.)"), which already says it; from then on the reason holds only a person's words. */
static int written_before(const char *reason, const char *code)
{
	const char *zh = wf_system_reason_of(code, 0);
	return reason && zh && strncmp(reason, zh, strlen(zh)) == 0;
}

/* Issue 11 item 10: the text of an automatic decision stored as its code, in both languages from the one table
 * (wf_system_reason): {code, message, message_en}; nothing when the code has no text. */
static void system_reason_json(cJSON *o, const char *key, const char *code)
{
	const char *zh = wf_system_reason_of(code, 0);
	if (!zh)
		return;
	cJSON *x = cJSON_AddObjectToObject(o, key);
	cJSON_AddStringToObject(x, "code", code);
	cJSON_AddStringToObject(x, "message", zh);
	cJSON_AddStringToObject(x, "message_en", wf_system_reason_of(code, 1));
}

static cJSON *member_json(struct req *r, const struct wfdb_group *g, const struct wfdb_member *m, const struct wf_group *wg,
			  size_t idx, const char *today)
{
	const struct principal *p = r->who;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)m->id);
	cJSON_AddStringToObject(o, "state", wf_state_name(m->state));
	json_add_str(o, "handling", wf_handling_name(m->handling));
	cJSON_AddNumberToObject(o, "version", m->version);
	int mine = in_scope(p, m);
	json_add_str(o, "opinion", m->opinion);
	cJSON *prop = m->proposed ? cJSON_Parse(m->proposed) : NULL;
	if (prop && !mine && cJSON_GetObjectItemCaseSensitive(prop, "id_number")) {
		cJSON *idn = cJSON_GetObjectItemCaseSensitive(prop, "id_number");
		if (cJSON_IsString(idn))
			cJSON_ReplaceItemInObjectCaseSensitive(prop, "id_number", cJSON_CreateString(mask_id(r->arena, idn->valuestring)));
	}
	if (prop)
		cJSON_AddItemToObject(o, "proposed", prop);
	else
		cJSON_AddNullToObject(o, "proposed");
	json_add_str(o, "reject_reason", m->reject_reason);
	system_reason_json(o, "reject_system", m->reject_code);
	json_add_str(o, "due_date", m->due_date);
	cJSON_AddBoolToObject(o, "overdue", wf_state_pending(m->state) && wf_past_due(m->due_date, today));
	json_add_str(o, "step_started_at", m->step_started_at);
	if (m->reopened_as)
		cJSON_AddNumberToObject(o, "reopened_as", (double)m->reopened_as);
	else
		cJSON_AddNullToObject(o, "reopened_as");
	cJSON *s = cJSON_AddObjectToObject(o, "student");
	cJSON_AddNumberToObject(s, "id", (double)m->student_id);
	json_add_str(s, "name", m->name);
	json_add_str(s, "gender", m->gender);
	json_add_str(s, "birth_date", m->birth_date);
	json_add_str(s, "id_type", m->id_type);
	json_add_str(s, "id_number", mine ? m->id_number : mask_id(r->arena, m->id_number));
	json_add_str(s, "student_no", mine ? m->student_no : mask_no(r->arena, m->student_no));
	json_add_str(s, "status", m->status);
	cJSON_AddBoolToObject(s, "ever_approved", m->ever_approved != 0);
	/* issue 11 item 8 (R26 short facts): enrolment date, grade and class decide where a child really studies */
	json_add_str(s, "enrol_date", m->enrol_date);
	json_add_str(s, "grade", m->grade);
	json_add_str(s, "class_name", m->class_name);
	/* R8.2/R10 (issue 11 item 6): what is wrong, in words; R11: the register's new number beside the old one */
	struct id_problem ip;
	if (g->type == WT_ID_ERROR && id_problem_of(m->id_type, m->id_check, m->verify_state, m->verify_same_no,
						    m->verify_same_name, &ip)) {
		cJSON *pj = cJSON_AddObjectToObject(s, "id_problem");
		json_add_str(pj, "code", ip.code);
		json_add_str(pj, "message", ip.message);
		json_add_str(pj, "message_en", ip.message_en);
	}
	if (g->type == WT_ID_CHANGED && m->verify_state && strcmp(m->verify_state, "changed") == 0 && m->verify_same_no)
		json_add_str(s, "register_id_number",
			     mine ? m->register_id_number : mask_id(r->arena, m->register_id_number));
	cJSON *sc = cJSON_AddObjectToObject(o, "school");
	cJSON_AddNumberToObject(sc, "id", m->school_id);
	json_add_str(sc, "code", m->school_code);
	json_add_str(sc, "name", m->school_name);
	cJSON *co = cJSON_AddObjectToObject(o, "county");
	json_add_str(co, "code", m->county_code);
	json_add_str(co, "name", m->county_name);
	cJSON_AddItemToObject(o, "allowed_actions", allowed_json(wg, idx, caps_for(p, g, m)));
	return o;
}

static const char *arbitration_word(enum wf_gstate s)
{
	/* 是否需要仲裁: 等待 while unfinished (R21) */
	return s == WGS_OPEN ? "waiting" : s == WGS_AWAITING_ARBITRATION ? "required" : "settled";
}

static cJSON *group_json(struct req *r, const struct wfdb_group *g, const struct wfdb_member *m, size_t n,
			 const struct wf_group *wg, const char *today)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)g->id);
	cJSON_AddStringToObject(o, "type", wf_type_name(g->type));
	cJSON_AddStringToObject(o, "state", wf_gstate_name(g->state));
	cJSON_AddStringToObject(o, "arbitration", arbitration_word(g->state));
	cJSON_AddNumberToObject(o, "version", g->version);
	cJSON_AddNumberToObject(o, "scope_level", g->scope_level);
	if (g->reopened_from)
		cJSON_AddNumberToObject(o, "reopened_from", (double)g->reopened_from);
	else
		cJSON_AddNullToObject(o, "reopened_from");
	json_add_str(o, "deadline", g->deadline);
	json_add_str(o, "arbitration_due_date", g->arb_due_date);
	json_add_str(o, "created_at", g->created_at);
	json_add_str(o, "updated_at", g->updated_at);
	json_add_str(o, "done_at", g->done_at);
	int any_overdue = 0;
	cJSON *arr = cJSON_AddArrayToObject(o, "members");
	for (size_t i = 0; i < n; i++) {
		cJSON_AddItemToArray(arr, member_json(r, g, &m[i], wg, i, today));
		any_overdue |= wf_state_pending(m[i].state) && wf_past_due(m[i].due_date, today);
	}
	int arb_over = g->state == WGS_AWAITING_ARBITRATION && wf_past_due(g->arb_due_date, today);
	int dl_over = g->state != WGS_DONE && wf_past_due(g->deadline, today);
	cJSON *ov = cJSON_AddObjectToObject(o, "overdue");
	cJSON_AddBoolToObject(ov, "any", any_overdue || arb_over || dl_over);
	cJSON_AddBoolToObject(ov, "step", any_overdue);
	cJSON_AddBoolToObject(ov, "arbitration", arb_over);
	cJSON_AddBoolToObject(ov, "deadline", dl_over);
	return o;
}

/* ---------- GET /api/v1/groups/{id} ---------- */

/* R28 (issue 11 item 8): a county bureau's approval opinion, kept in the history, shown on its member as
 * review_opinion (the latest approval's) so the arbitrator reads each side's review beside its evidence. */
static void review_opinion(cJSON *group, const cJSON *ev)
{
	const cJSON *act = cJSON_GetObjectItemCaseSensitive(ev, "action");
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(ev, "opinion");
	const cJSON *mid = cJSON_GetObjectItemCaseSensitive(ev, "member_id");
	const cJSON *m;
	if (!cJSON_IsString(act) || strcmp(act->valuestring, wf_action_name(WA_APPROVE)) != 0 || !cJSON_IsNumber(mid))
		return;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(group, "members")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
		if (!cJSON_IsNumber(id) || id->valuedouble != mid->valuedouble)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive((cJSON *)m, "review_opinion");
		if (cJSON_IsString(op))
			cJSON_AddStringToObject((cJSON *)m, "review_opinion", op->valuestring);
		else
			cJSON_AddNullToObject((cJSON *)m, "review_opinion");
	}
}

enum xerr api_wf_group_get(struct req *r, struct resp *w)
{
	uint64_t id;
	struct wfdb_group g;
	struct wfdb_member *m;
	size_t n;
	int found;
	enum xerr e;
	if ((e = req_path_id(r, 0, &id)))
		return e;
	if ((e = db_wf_load(r->db, r->arena, id, 0, &g, &m, &n, &found)))
		return e;
	if (!found)
		return XE_NOT_FOUND;
	if (!visible(r->who, &g, m, n))
		return XE_NOT_FOUND; /* never reveal that it exists */
	if ((e = db_wf_member_units(r->db, r->arena, m, n)))
		return e;
	struct wf_group wg;
	to_wf(r->arena, &g, m, n, &wg);
	const char *today = search_today(r->arena);
	cJSON *o = group_json(r, &g, m, n, &wg, today);
	const char *acode, *aname;
	int alevel;
	if ((e = db_wf_unit(r->db, r->arena, g.arbiter_unit_id, &acode, &aname, &alevel)))
		return e;
	cJSON *arb = cJSON_AddObjectToObject(o, "arbiter");
	cJSON_AddNumberToObject(arb, "id", g.arbiter_unit_id);
	json_add_str(arb, "code", acode);
	json_add_str(arb, "name", aname);
	cJSON_AddNumberToObject(arb, "level", alevel);
	cJSON_AddBoolToObject(arb, "is_me", r->who->unit_id == g.arbiter_unit_id && r->who->role == ROLE_BUREAU);
	struct db_rows h;
	if ((e = db_wf_history_list(r->db, r->arena, id, &h)))
		return e;
	cJSON *ha = cJSON_AddArrayToObject(o, "history");
	for (size_t i = 0; i < h.n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "id", (double)db_get_int(&h, i, 0));
		json_add_str(x, "time", db_get(&h, i, 1));
		if (db_get(&h, i, 2))
			cJSON_AddNumberToObject(x, "actor_user_id", (double)db_get_int(&h, i, 2));
		else
			cJSON_AddNullToObject(x, "actor_user_id");
		json_add_str(x, "actor_name", db_get(&h, i, 3));
		json_add_str(x, "actor_role", db_get(&h, i, 4));
		json_add_str(x, "action", db_get(&h, i, 5));
		if (db_get(&h, i, 6))
			cJSON_AddNumberToObject(x, "member_id", (double)db_get_int(&h, i, 6));
		else
			cJSON_AddNullToObject(x, "member_id");
		json_add_str(x, "state_before", db_get(&h, i, 7));
		json_add_str(x, "state_after", db_get(&h, i, 8));
		json_add_str(x, "reason", db_get(&h, i, 9));
		if (eq(db_get(&h, i, 4), "system") && !written_before(db_get(&h, i, 9), db_get(&h, i, 5)))
			system_reason_json(x, "system_reason", db_get(&h, i, 5));
		json_add_str(x, "opinion", db_get(&h, i, 11));
		cJSON *ev = cJSON_AddArrayToObject(x, "evidence_ids");
		const char *csv = db_get(&h, i, 10);
		while (csv && *csv) {
			cJSON_AddItemToArray(ev, cJSON_CreateNumber((double)strtoull(csv, NULL, 10)));
			csv = strchr(csv, ',');
			if (csv)
				csv++;
		}
		cJSON_AddItemToArray(ha, x);
		review_opinion(o, x);
	}
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}

/* ---------- member actions ---------- */

/* What one action request carries; filled by the handler, used by the transaction. */
struct act {
	struct req *r;
	struct resp *w;
	uint64_t member_id;
	uint64_t group_id;       /* arbitration endpoint: the group named in the path; else 0 */
	enum wf_action action;
	long long expected_version; /* -1: not checked */
	const char *opinion, *reason;
	const char *evidence_json, *evidence_csv;
	size_t n_evidence;
	const cJSON *changes;    /* submit_change: the requested new values */
	unsigned inputs;         /* enum wf_input bits present */
	const char *idem_principal, *idem_key;
	struct idem_hash idem; /* the request's hashes (R29: path and content) */
	/* per attempt */
	const char *due;
	wd_day today;
	int status;
	cJSON *body;
	const char *body_text;
	int replay;
};

/* R24: the due date of a step entered now (one computation per transaction). */
static const char *due_for(struct act *x, struct db *db, enum xerr *e)
{
	*e = XE_OK;
	if (!x->due)
		*e = db_wf_due_date(db, x->r->arena, &x->due);
	return x->due;
}

/* Error response (root: resp_error_body's) from inside the transaction (rolled back): keep status and body for the
 * handler. */
static enum xerr act_answer(struct act *x, enum xerr e, cJSON *root)
{
	x->status = err_status(e);
	x->body = root;
	return e;
}

static enum xerr act_fail(struct act *x, enum xerr e, const char *field, const char *zh, const char *en, cJSON *extra)
{
	cJSON *o, *root = resp_error_body(e, NULL, field, zh, en, &o);
	if (extra)
		cJSON_AddItemToObject(o, "current", extra);
	return act_answer(x, e, root);
}

static cJSON *current_json(const struct wfdb_member *m, const struct wf_group *wg, size_t idx, unsigned caps)
{
	cJSON *c = cJSON_CreateObject();
	cJSON_AddNumberToObject(c, "member_id", (double)m->id);
	cJSON_AddStringToObject(c, "state", wf_state_name(wg->m[idx].state));
	cJSON_AddNumberToObject(c, "version", m->version);
	cJSON_AddStringToObject(c, "group_state", wf_gstate_name(wg->state));
	cJSON_AddItemToObject(c, "allowed_actions", allowed_json(wg, idx, caps));
	return c;
}

static const char *input_field(unsigned bit)
{
	switch (bit) {
	case WI_CONFIRM:
		return "confirm";
	case WI_REASON:
		return "reason";
	case WI_EVIDENCE:
		return "evidence_ids";
	case WI_OPINION:
		return "opinion";
	default:
		return "changes";
	}
}

/* The missing input's message, Chinese (zh != 0) or English. */
static const char *input_message(unsigned bit, int zh)
{
	switch (bit) {
	case WI_CONFIRM:
		return zh ? "此操作需要再次确认。" : "This action needs an explicit confirmation: send \"confirm\": true.";
	case WI_REASON:
		return zh ? "请填写原因，学校将看到。" : "A reason is required (R20): the school sees it.";
	case WI_EVIDENCE:
		return zh ? "请上传至少一份证明材料。" : "At least one evidence file is required (R23).";
	case WI_OPINION:
		return zh ? "请填写学校意见。" : "The school's opinion is required (R16).";
	default:
		return zh ? "请填写变更后的信息。" : "The new values are required (R15).";
	}
}

/* A change refused by change.c (R15): the standard error with its Chinese and English message. */
static enum xerr act_refuse(struct act *x, const struct change_err *why)
{
	cJSON *o, *root = resp_error_body(why->err, NULL, why->field, why->zh, why->en, &o);
	json_add_str(o, "reason", why->code);
	return act_answer(x, why->err, root);
}

/* Validate the requested change as registration would check the resulting record (change.c); the canonical proposal. */
static enum xerr check_changes(struct act *x, struct db *db, const struct wfdb_member *m, const char **proposed)
{
	struct change_err why;
	enum xerr e = change_check(db, x->r->arena, m->student_id, x->changes, proposed, &why);
	if (e != XE_OK)
		return e;
	return why.err ? act_refuse(x, &why) : XE_OK;
}

/* R15: the student takes the approved values, with every field derived from them (change.c). */
static enum xerr apply_change(struct act *x, struct db *db, const struct wfdb_member *m)
{
	struct change_err why;
	enum xerr e = change_apply(db, x->r->arena, m->student_id, m->proposed, &why);
	if (e != XE_OK)
		return e;
	return why.err ? act_refuse(x, &why) : XE_OK;
}

/* Persist the events of one wf_apply on group g (members m, machine view wg): member rows, history, the
 * student effects and the group row; exactly one history row per state change (R25). user_ev: index of
 * the caller's own event (0) or -1 when every event is automatic. */
static enum xerr persist(struct act *x, struct db *db, struct wfdb_group *g, struct wfdb_member *m, struct wf_group *wg,
			 const struct wf_event *ev, size_t nev, int user_ev, const char *proposed, uint64_t reopened_as,
			 cJSON *events_out)
{
	enum xerr e = XE_OK;
	const struct principal *p = x->r->who;
	for (size_t i = 0; i < nev; i++) {
		const struct wf_event *v = &ev[i];
		int mine = (int)i == user_ev;
		if (v->member >= 0) {
			struct wfdb_member *mm = &m[v->member];
			struct wfdb_member_set s = {.id = mm->id, .from = (enum wf_state)v->from, .to = (enum wf_state)v->to,
						    .version = mm->version};
			/* issue 11 item 10: a person's reason is stored as written; an automatic decision as its code (the
			 * action's name: its text in each language is wf_system_reason's), plus the arbitrator's own text
			 * when an arbitration decided it (R18) -- never one mixed string */
			const char *reason = mine || v->action == WA_ARBITRATION_LOST ? x->reason : NULL;
			const char *code = !mine && wf_system_reason(v->action, 0) ? wf_action_name(v->action) : NULL;
			enum wf_handling h = mm->handling;
			s.opinion = mm->opinion;
			s.proposed = mm->proposed;
			s.reject_reason = mm->reject_reason;
			s.reject_code = mm->reject_code;
			if (v->effects & WE_SET_HANDLING) {
				h = v->action == WA_SUBMIT_CORROBORATE ? WH_CORROBORATE
				    : v->action == WA_SUBMIT_CHANGE    ? WH_CHANGE
								       : WH_DELETE;
				s.opinion = x->opinion;
				s.proposed = v->action == WA_SUBMIT_CHANGE ? proposed : NULL;
				s.reject_reason = NULL;
				s.reject_code = NULL;
			}
			if (v->effects & WE_CLEAR_HANDLING)
				h = WH_NONE;
			if (v->effects & WE_SET_REASON) {
				s.reject_reason = reason;
				s.reject_code = code;
			}
			s.handling = wf_handling_name(h);
			if (wf_state_pending(s.to)) {
				s.due_date = due_for(x, db, &e);
				if (e)
					return e;
			}
			s.reopened_as = (v->effects & WE_REOPEN) ? reopened_as : mm->reopened_as;
			int ok = 0;
			if ((e = db_wf_member_set(db, &s, &ok)))
				return e;
			if (!ok)
				return act_fail(x, XE_CONFLICT, NULL, "记录已被他人更改，请刷新后重试。", "The record changed meanwhile; reload and try again.", NULL);
			mm->state = s.to;
			mm->handling = h;
			mm->version++;
			mm->opinion = s.opinion;
			mm->proposed = s.proposed;
			mm->reject_reason = s.reject_reason;
			mm->reject_code = s.reject_code;
			mm->due_date = s.due_date;
			mm->reopened_as = s.reopened_as;
			struct wfdb_history hr = {.group_id = g->id, .member_id = mm->id, .student_id = mm->student_id,
						  .actor_user_id = mine ? p->user_id : 0,
						  .actor_role = mine ? role_name(p->role) : "system",
						  .action = wf_action_name(v->action), .state_before = wf_state_name((enum wf_state)v->from),
						  .state_after = wf_state_name((enum wf_state)v->to), .reason = reason,
						  .opinion = mine ? x->opinion : NULL, /* R25, issue 11 item 8: the approval comment too */
						  .evidence_ids = mine ? x->evidence_csv : NULL};
			uint64_t hid = 0;
			if ((e = db_wf_history_add(db, &hr, &hid)))
				return e;
			if (mine && x->n_evidence && (e = db_wf_evidence_link(db, x->evidence_json, hid, g->id, mm->id)))
				return e;
			if ((v->effects & WE_DELETE_RECORD) && (e = db_wf_student_delete(db, mm->student_id)))
				return e;
			if ((v->effects & WE_MARK_APPROVED) && !mm->ever_approved) {
				if ((e = db_wf_student_mark_approved(db, mm->student_id)))
					return e;
				mm->ever_approved = 1;
			}
			if ((v->effects & WE_REOPEN) && (e = db_wf_student_problem(db, mm->student_id)))
				return e;
			if (events_out) {
				cJSON *o = cJSON_CreateObject();
				cJSON_AddNumberToObject(o, "history_id", (double)hid);
				cJSON_AddNumberToObject(o, "group_id", (double)g->id);
				cJSON_AddNumberToObject(o, "member_id", (double)mm->id);
				cJSON_AddStringToObject(o, "action", hr.action);
				cJSON_AddStringToObject(o, "state_before", hr.state_before);
				cJSON_AddStringToObject(o, "state_after", hr.state_after);
				cJSON_AddBoolToObject(o, "system", !mine);
				cJSON_AddItemToArray(events_out, o);
			}
		} else {
			enum wf_gstate to = (enum wf_gstate)v->to;
			const char *arb_due = NULL;
			if (to == WGS_AWAITING_ARBITRATION) {
				arb_due = due_for(x, db, &e);
				if (e)
					return e;
			}
			int ok = 0;
			if ((e = db_wf_group_set(db, g->id, g->version, to, arb_due, &ok)))
				return e;
			if (!ok)
				return act_fail(x, XE_CONFLICT, NULL, "问题组已被他人更改，请刷新后重试。", "The group changed meanwhile; reload and try again.", NULL);
			g->version++;
			g->state = to;
			struct wfdb_history hr = {.group_id = g->id, .actor_role = "system", .action = wf_group_event_name(to),
						  .state_before = wf_gstate_name((enum wf_gstate)v->from),
						  .state_after = wf_gstate_name(to)};
			uint64_t hid = 0;
			if ((e = db_wf_history_add(db, &hr, &hid)))
				return e;
			if (to == WGS_DONE) /* R21: the survivors become formal records */
				for (size_t j = 0; j < wg->n; j++)
					if ((wf_state_standing(m[j].state) || m[j].state == WS_CHANGED || m[j].state == WS_CLOSED) &&
					    (e = db_wf_student_formalize(db, m[j].student_id, g->id)))
						return e;
			if (events_out) {
				cJSON *o = cJSON_CreateObject();
				cJSON_AddNumberToObject(o, "history_id", (double)hid);
				cJSON_AddNumberToObject(o, "group_id", (double)g->id);
				cJSON_AddNullToObject(o, "member_id");
				cJSON_AddStringToObject(o, "action", hr.action);
				cJSON_AddStringToObject(o, "state_before", hr.state_before);
				cJSON_AddStringToObject(o, "state_after", hr.state_after);
				cJSON_AddBoolToObject(o, "system", 1);
				cJSON_AddItemToArray(events_out, o);
			}
		}
	}
	return XE_OK;
}

/* A record deleted in one group is gone from every other unfinished group too (R6). */
static enum xerr cascade_deleted(struct act *x, struct db *db, uint64_t student_id, uint64_t from_group, cJSON *events_out)
{
	struct arena *a = x->r->arena;
	uint64_t *gids;
	size_t ng;
	enum xerr e = db_wf_other_groups(db, a, student_id, from_group, &gids, &ng);
	for (size_t k = 0; e == XE_OK && k < ng; k++) {
		struct wfdb_group g;
		struct wfdb_member *m;
		size_t n;
		int found;
		if ((e = db_wf_load(db, a, gids[k], 1, &g, &m, &n, &found)))
			break;
		if (!found)
			continue;
		struct wf_group wg;
		to_wf(a, &g, m, n, &wg);
		for (size_t i = 0; i < n; i++) {
			if (m[i].student_id != student_id)
				continue;
			struct wf_event *ev = arena_alloc(a, (n + 4) * sizeof *ev);
			size_t nev = wf_apply(&wg, i, NULL, WA_RECORD_GONE, ev, n + 4);
			if (nev && (e = persist(x, db, &g, m, &wg, ev, nev, -1, NULL, 0, events_out)))
				return e;
		}
	}
	return e;
}

static void set_body_text(struct act *x)
{
	struct arena *prev = arena_current();
	arena_set_current(x->r->arena);
	x->body_text = cJSON_PrintUnformatted(x->body);
	arena_set_current(prev);
}

/* The transaction of one member action. Safe to re-run (db_tx retries on deadlock). */
static enum xerr act_tx(struct db *db, void *ctx)
{
	struct act *x = ctx;
	struct arena *a = x->r->arena;
	const struct principal *p = x->r->who;
	enum xerr e;
	x->due = NULL;
	x->status = 0;
	x->body = NULL;
	x->body_text = NULL;
	x->replay = 0;
	x->today = config_today();

	if (x->idem_key) {
		int taken = 0;
		if ((e = db_wf_idem_claim(db, x->idem_principal, x->idem_key, x->idem.bin, &taken)))
			return e;
		if (taken) {
			unsigned char sha[32];
			int status;
			const char *body;
			if ((e = db_wf_idem_get(db, a, x->idem_principal, x->idem_key, sha, &status, &body)))
				return e;
			if (!idem_same_bin(&x->idem, sha)) /* R29: the one answer of a reused key (409 idempotency_key_reused) */
				return act_answer(x, idem_key_reused.err, idem_error_body(&idem_key_reused, IDEM_HEADER));
			if (!status || !body)
				return XE_RETRY; /* cannot happen: the row commits with its response */
			x->status = status;
			x->body_text = body;
			x->replay = 1;
			return XE_OK;
		}
	}

	uint64_t gid;
	if ((e = db_wf_group_of_member(db, a, x->member_id, &gid)))
		return e;
	if (!gid || (x->group_id && gid != x->group_id))
		return act_fail(x, XE_NOT_FOUND, NULL, NULL, NULL, NULL);
	struct wfdb_group g;
	int found;
	struct wfdb_member *m;
	size_t n;
	if ((e = db_wf_load(db, a, gid, 1, &g, &m, &n, &found)))
		return e;
	if (!found)
		return act_fail(x, XE_NOT_FOUND, NULL, NULL, NULL, NULL);
	if (!visible(p, &g, m, n))
		return act_fail(x, XE_NOT_FOUND, NULL, NULL, NULL, NULL);
	size_t idx = n;
	for (size_t i = 0; i < n; i++)
		if (m[i].id == x->member_id)
			idx = i;
	assert(idx < n);
	struct wf_group wg;
	to_wf(a, &g, m, n, &wg);
	unsigned caps = caps_for(p, &g, &m[idx]);

	if (x->expected_version >= 0 && x->expected_version != (long long)m[idx].version)
		return act_fail(x, XE_CONFLICT, "expected_version", "记录已被他人更改，请刷新后重试。",
				arena_printf(a, "The record is at version %u (state %s), not %lld; reload it. Allowed now: %s.",
					     m[idx].version, wf_state_name(m[idx].state), x->expected_version,
					     allowed_text(a, &wg, idx, caps)),
				current_json(&m[idx], &wg, idx, caps));

	const struct wf_rule *rule;
	unsigned missing;
	switch (wf_decide(&wg, idx, x->action, caps, x->inputs, &rule, &missing)) {
	case WF_NOT_YOURS:
		return act_fail(x, XE_FORBIDDEN, NULL, "这条记录不由您处理。", "This record is not yours to handle (R3).", NULL);
	case WF_NOT_ALLOWED:
		return act_fail(x, XE_CONFLICT, "action", "当前状态下不能进行此操作，请刷新后查看可进行的操作。",
				arena_printf(a, "%s is not allowed now (record %s, group %s). Allowed: %s.",
					     wf_action_name(x->action), wf_state_name(m[idx].state), wf_gstate_name(g.state),
					     allowed_text(a, &wg, idx, caps)),
				current_json(&m[idx], &wg, idx, caps));
	case WF_MISSING_INPUT:
		return act_fail(x, XE_VALIDATION, input_field(missing), input_message(missing, 1), input_message(missing, 0), NULL);
	case WF_OK:
		break;
	}

	if (x->n_evidence) { /* R23: only files the member's school stored */
		long long have = 0;
		if ((e = db_wf_evidence_count(db, a, x->evidence_json, m[idx].school_id, &have)))
			return e;
		if (have != (long long)x->n_evidence)
			return act_fail(x, XE_VALIDATION, "evidence_ids", "证明材料不存在或属于其他学校。",
					"An evidence id does not exist or belongs to another school.", NULL);
	}
	const char *proposed = NULL;
	if (x->action == WA_SUBMIT_CHANGE && (e = check_changes(x, db, &m[idx], &proposed)))
		return e;
	if (rule->effects & WE_APPLY_CHANGE) { /* R15: new values, then detection again, same transaction */
		int still = 0;
		if ((e = apply_change(x, db, &m[idx])) || (e = registry_redetect(db, a, m[idx].student_id, gid, &still)))
			return e;
		wg.m[idx].clash_kept = still;
	}
	uint64_t new_group = 0, new_member = 0;
	if (rule->effects & WE_REOPEN) { /* R22: a new case for this school alone */
		const char *due = due_for(x, db, &e);
		if (e || (e = db_wf_reopen_create(db, &g, &m[idx], due, &new_group, &new_member)))
			return e == XE_DUPLICATE ? act_fail(x, XE_CONFLICT, NULL, "这条记录已经重新提出过。", "This record was re-opened already.", NULL) : e;
	}

	struct wf_event *ev = arena_alloc(a, (n + 4) * sizeof *ev);
	size_t nev = wf_apply(&wg, idx, rule, x->action, ev, n + 4);
	cJSON *events = cJSON_CreateArray();
	if ((e = persist(x, db, &g, m, &wg, ev, nev, 0, proposed, new_group, events)))
		return e;
	if (new_group) {
		struct wfdb_history hr = {.group_id = new_group, .member_id = new_member, .student_id = m[idx].student_id,
					  .actor_user_id = p->user_id, .actor_role = role_name(p->role), .action = "reopen",
					  .state_after = "open", .reason = x->reason};
		uint64_t hid;
		if ((e = db_wf_history_add(db, &hr, &hid)))
			return e;
	}
	for (size_t i = 0; i < nev; i++)
		if (ev[i].member >= 0 && (ev[i].effects & WE_DELETE_RECORD) &&
		    (e = cascade_deleted(x, db, m[ev[i].member].student_id, gid, events)))
			return e;
	/* R15: the group's own clash is settled above (registry_redetect); the new values may clash elsewhere:
	 * the national check runs for the record in this same transaction (the registry opens or joins groups) */
	if ((rule->effects & WE_APPLY_CHANGE) &&
	    (e = registry_detect_student(db, a, m[idx].student_id, p->is_api ? 0 : p->user_id, role_name(p->role))))
		return e;

	cJSON *o = cJSON_CreateObject();
	cJSON *mo = cJSON_AddObjectToObject(o, "member");
	cJSON_AddNumberToObject(mo, "id", (double)m[idx].id);
	cJSON_AddStringToObject(mo, "state", wf_state_name(m[idx].state));
	json_add_str(mo, "handling", wf_handling_name(m[idx].handling));
	cJSON_AddNumberToObject(mo, "version", m[idx].version);
	json_add_str(mo, "reject_reason", m[idx].reject_reason);
	system_reason_json(mo, "reject_system", m[idx].reject_code);
	json_add_str(mo, "due_date", m[idx].due_date);
	wg.state = g.state;
	cJSON_AddItemToObject(mo, "allowed_actions", allowed_json(&wg, idx, caps));
	cJSON *go = cJSON_AddObjectToObject(o, "group");
	cJSON_AddNumberToObject(go, "id", (double)g.id);
	cJSON_AddStringToObject(go, "state", wf_gstate_name(g.state));
	cJSON_AddNumberToObject(go, "version", g.version);
	cJSON_AddItemToObject(o, "events", events);
	if (new_group) {
		cJSON_AddNumberToObject(o, "new_group_id", (double)new_group);
		cJSON_AddNumberToObject(o, "new_member_id", (double)new_member);
	} else {
		cJSON_AddNullToObject(o, "new_group_id");
	}
	x->status = 200;
	x->body = o;
	set_body_text(x);
	if (x->idem_key && (e = db_wf_idem_store(db, x->idem_principal, x->idem_key, x->status, x->body_text)))
		return e;
	return XE_OK;
}

/* Read the common body fields of an action request into x. */
static enum xerr read_action_body(struct req *r, struct resp *w, const cJSON *body, struct act *x)
{
	enum xerr e;
	int confirm = 0;
	if ((e = json_str(r, w, body, "opinion", 0, 1, WF_TEXT_MAX, &x->opinion)) ||
	    (e = json_str(r, w, body, "reason", 0, 1, WF_TEXT_MAX, &x->reason)) ||
	    (e = json_bool(r, w, body, "confirm", 0, 0, &confirm)))
		return e;
	if (x->reason && !*x->reason)
		x->reason = NULL;
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(body, "evidence_ids");
	if (ev && !cJSON_IsNull(ev)) {
		long max_ev = evidence_max_files();
		if (!cJSON_IsArray(ev) || cJSON_GetArraySize(ev) > max_ev)
			return resp_error(r, w, XE_VALIDATION, "evidence_ids",
					  arena_printf(r->arena, "evidence_ids must be an array of at most %ld evidence ids.", max_ev));
		char *json = arena_strdup(r->arena, "["), *csv = arena_strdup(r->arena, "");
		unsigned long long seen[MAX_EVIDENCE];
		size_t k = 0;
		for (const cJSON *it = ev->child; it; it = it->next) {
			if (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > 9007199254740991.0 ||
			    it->valuedouble != (double)(unsigned long long)it->valuedouble)
				return resp_error(r, w, XE_VALIDATION, "evidence_ids", "Evidence ids are positive integers.");
			unsigned long long id = (unsigned long long)it->valuedouble;
			int dup = 0;
			for (size_t j = 0; j < k; j++)
				dup |= seen[j] == id;
			if (dup)
				continue;
			seen[k] = id;
			json = arena_printf(r->arena, "%s%s%llu", json, k ? "," : "", id);
			csv = arena_printf(r->arena, "%s%s%llu", csv, k ? "," : "", id);
			k++;
		}
		x->evidence_json = arena_printf(r->arena, "%s]", json);
		x->evidence_csv = k ? csv : NULL;
		x->n_evidence = k;
	}
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(body, "changes");
	if (ch && !cJSON_IsNull(ch)) {
		if (!cJSON_IsObject(ch) || !ch->child)
			return resp_error(r, w, XE_VALIDATION, "changes", "changes must be an object of new values.");
		x->changes = ch;
	}
	x->inputs = (confirm ? WI_CONFIRM : 0) | (x->reason ? WI_REASON : 0) | (x->n_evidence ? WI_EVIDENCE : 0) |
		    (x->opinion ? WI_OPINION : 0) | (x->changes ? WI_CHANGES : 0);
	return XE_OK;
}

/* Idempotency-Key header (its one rule: idem_header, R29): remember it with the hashes of the request (its path and
 * body's content, idem.h). */
static enum xerr read_idem(struct req *r, struct resp *w, const cJSON *body, struct act *x)
{
	const char *k;
	enum xerr e = idem_header(r, w, &k);
	if (e || !k)
		return e;
	x->idem_key = k;
	x->idem_principal = arena_printf(r->arena, "%s:%llu", r->who->is_api ? "c" : "u", (unsigned long long)r->who->user_id);
	idem_hash(r->path, strlen(r->path) + 1, body, r->body, r->body_len, &x->idem);
	return XE_OK;
}

static enum xerr run_action(struct req *r, struct resp *w, struct act *x)
{
	enum xerr e = db_tx(r->db, act_tx, x);
	if (x->replay || (e == XE_OK && x->status)) {
		resp_body(w, x->status, "application/json; charset=utf-8", x->body_text, strlen(x->body_text));
		if (x->replay)
			resp_header(w, "Idempotent-Replayed", "true");
		return XE_OK;
	}
	/* a refusal decided inside the transaction (rolled back); an answer built by a run whose COMMIT then failed or
	 * whose outcome is unknown is no answer: e is (503 outcome_unknown with the token, or the failure) */
	if (e != XE_OK && x->body && x->status >= 400) {
		resp_json(r, w, x->status, x->body);
		w->err = e;
		return e;
	}
	return e;
}

enum xerr api_wf_member_action(struct req *r, struct resp *w)
{
	struct act x = {.r = r, .w = w, .expected_version = -1};
	cJSON *body;
	const char *action;
	long long ver;
	enum xerr e;
	if ((e = req_path_id(r, 0, &x.member_id)))
		return e;
	if ((e = req_json(r, w, &body)) || (e = json_str(r, w, body, "action", 1, 1, 40, &action)))
		return e;
	int a = wf_action_parse(action);
	if (a < 0)
		return resp_error(r, w, XE_VALIDATION, "action",
				  "Unknown action. Actions: confirm_register, submit_corroborate, submit_change, submit_delete,"
				  " leader_confirm, leader_decline, approve, reject, arbitrate, reopen.");
	x.action = (enum wf_action)a;
	if ((e = json_int(r, w, body, "expected_version", 1, 1, 4294967295LL, 0, &ver)))
		return e;
	x.expected_version = ver;
	if ((e = read_action_body(r, w, body, &x)) || (e = read_idem(r, w, body, &x)))
		return e;
	return run_action(r, w, &x);
}

enum xerr api_wf_arbitrate(struct req *r, struct resp *w)
{
	struct act x = {.r = r, .w = w, .expected_version = -1, .action = WA_ARBITRATE};
	cJSON *body;
	long long mid, ver;
	enum xerr e;
	if ((e = req_path_id(r, 0, &x.group_id)))
		return e;
	if ((e = req_json(r, w, &body)) || (e = json_int(r, w, body, "member_id", 1, 1, 9007199254740991LL, 0, &mid)) ||
	    (e = json_int(r, w, body, "expected_version", 0, 1, 4294967295LL, -1, &ver)))
		return e;
	x.member_id = (uint64_t)mid;
	x.expected_version = ver;
	if ((e = read_action_body(r, w, body, &x)) || (e = read_idem(r, w, body, &x)))
		return e;
	return run_action(r, w, &x);
}

/* ---------- queues (R26-R28) ---------- */

static cJSON *queue_member_items(const struct db_rows *rs, const char *today)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < rs->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", "member");
		cJSON_AddNumberToObject(o, "member_id", (double)db_get_int(rs, i, 0));
		cJSON_AddNumberToObject(o, "group_id", (double)db_get_int(rs, i, 1));
		json_add_str(o, "type", db_get(rs, i, 2));
		json_add_str(o, "group_state", db_get(rs, i, 3));
		json_add_str(o, "state", db_get(rs, i, 4));
		json_add_str(o, "handling", db_get(rs, i, 5));
		json_add_str(o, "reject_reason", db_get(rs, i, 6));
		system_reason_json(o, "reject_system", db_get(rs, i, WF_QUEUE_KEY_COL + 2));
		json_add_str(o, "due_date", db_get(rs, i, 7));
		cJSON_AddBoolToObject(o, "overdue", wf_past_due(db_get(rs, i, 7), today));
		long long age = db_get_int(rs, i, 8);
		cJSON_AddNumberToObject(o, "age_days", (double)(age / 86400));
		cJSON_AddNumberToObject(o, "age_seconds", (double)age);
		cJSON_AddNumberToObject(o, "version", (double)db_get_int(rs, i, 9));
		cJSON *s = cJSON_AddObjectToObject(o, "student");
		json_add_str(s, "name", db_get(rs, i, 10));
		json_add_str(s, "gender", db_get(rs, i, 11));
		json_add_str(s, "birth_date", db_get(rs, i, 12));
		json_add_str(s, "student_no", db_get(rs, i, 13));
		cJSON_AddNumberToObject(o, "school_id", (double)db_get_int(rs, i, 14));
		json_add_str(o, "school_name", db_get(rs, i, 15));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* An overdue step from columns 0..5 (kind, group_id, member_id, type, state, due date) and its days overdue on td. */
static cJSON *overdue_step_json(const struct db_rows *rs, size_t i, wd_day td)
{
	cJSON *x = cJSON_CreateObject();
	wd_day d;
	json_add_str(x, "kind", db_get(rs, i, 0));
	cJSON_AddNumberToObject(x, "group_id", (double)db_get_int(rs, i, 1));
	if (db_get(rs, i, 2))
		cJSON_AddNumberToObject(x, "member_id", (double)db_get_int(rs, i, 2));
	else
		cJSON_AddNullToObject(x, "member_id");
	json_add_str(x, "type", db_get(rs, i, 3));
	json_add_str(x, "state", db_get(rs, i, 4));
	json_add_str(x, "due_date", db_get(rs, i, 5));
	if (db_get(rs, i, 5) && wd_parse(db_get(rs, i, 5), &d) == 0)
		cJSON_AddNumberToObject(x, "days_overdue", (double)(td - d));
	return x;
}

/* Issue 11 item 9: the unit whose step it is ({code, name, level} from columns c, c+1, c+2) and how long the step has
 * waited (age_days from the seconds in column c+3), so the levels above see the overdue steps grouped by unit. */
static void step_unit_json(cJSON *x, const struct db_rows *rs, size_t i, size_t c)
{
	cJSON *u = cJSON_AddObjectToObject(x, "unit");
	json_add_str(u, "code", db_get(rs, i, c));
	json_add_str(u, "name", db_get(rs, i, c + 1));
	cJSON_AddNumberToObject(u, "level", (double)db_get_int(rs, i, c + 2));
	cJSON_AddNumberToObject(x, "age_days", (double)(db_get_int(rs, i, c + 3) / 86400));
}

/* GET /api/v1/reminders (issue 11 item 9, R24; R30): the escalated steps of the units directly below the caller's, a
 * county's or a bureau's, most overdue first, keyset-paged by (due day, group id, member id or 0). */
enum xerr api_wf_reminders(struct req *r, struct resp *w)
{
	long long limit, key[3];
	int paged;
	enum xerr e;
	if ((e = req_query_int(r, w, "limit", 1, 200, 50, &limit)) || (e = cursor_read(r, w, "reminders", key, 3, &paged)))
		return e;
	if (paged && (key[0] < 10000101 || key[0] > 99991231 || key[1] < 0 || key[2] < 0))
		return resp_error(r, w, XE_VALIDATION, "cursor", "The cursor is not valid for this list.");
	const char *after = paged ? arena_printf(r->arena, "%04lld-%02lld-%02lld", key[0] / 10000, key[0] / 100 % 100, key[0] % 100)
				  : NULL;
	const char *county = r->who->unit_level == LEVEL_COUNTY ? r->who->county_code : NULL; /* its schools are below it */
	struct db_rows rs;
	if ((e = db_wf_reminders(r->db, r->arena, r->who->unit_id, county, (int)limit, after, paged ? (uint64_t)key[1] : 0,
				 paged ? (uint64_t)key[2] : 0, &rs)) != XE_OK)
		return e;
	wd_day td = config_today();
	cJSON *arr, *o = cursor_list(&arr);
	for (size_t i = 0; i < rs.n; i++) {
		cJSON *x = overdue_step_json(&rs, i, td);
		step_unit_json(x, &rs, i, 6);
		json_add_str(x, "name", db_get(&rs, i, 10));
		cJSON_AddBoolToObject(x, "escalated", 1);
		cJSON_AddItemToArray(arr, x);
	}
	if (rs.n) {
		const char *due = db_get(&rs, rs.n - 1, 5);
		assert(due && strlen(due) == 10); /* every reminder is past a due day */
		long long last[3] = {atoll(due) * 10000 + atoll(due + 5) * 100 + atoll(due + 8), db_get_int(&rs, rs.n - 1, 1),
				     db_get(&rs, rs.n - 1, 2) ? db_get_int(&rs, rs.n - 1, 2) : 0};
		cursor_next(r, o, "reminders", rs.n, limit, last, 3);
	}
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}

enum xerr api_wf_queue(struct req *r, struct resp *w)
{
	const struct principal *p = r->who;
	long long limit, key[3];
	int paged;
	struct search f;
	enum xerr e;
	/* issue 11 item 7: "rejected, to handle again" and "overdue" filter the items (counts stay the whole queue);
	 * issue 13 item 1: so do the search and the filters, and the cursor is bound to them */
	if ((e = req_query_int(r, w, "limit", 1, 500, 100, &limit)) || (e = api_search_read(r, w, SEARCH_QUEUE_KEYS, &f)))
		return e;
	const char *list = search_list_name(r->arena, "queue", &f);
	if ((e = cursor_read(r, w, list, key, 3, &paged)))
		return e;
	const long long *after = paged ? key : NULL;
	int filter = !f.filter ? WQ_ALL : strcmp(f.filter, "rejected") == 0 ? WQ_REJECTED : WQ_OVERDUE;
	const char *today = search_today(r->arena);
	struct db_rows items = {0}, counts = {0};
	size_t keycol = WF_QUEUE_KEY_COL;
	cJSON *o = cJSON_CreateObject();
	const char *queue = "none";
	cJSON *arr = NULL;
	if ((p->role == ROLE_SCHOOL_CLERK || p->role == ROLE_SCHOOL_LEADER) && p->unit_level == LEVEL_SCHOOL) {
		int leader = p->role == ROLE_SCHOOL_LEADER;
		queue = leader ? "leader_confirmations" : "school_records";
		if ((e = db_wf_queue_school(r->db, r->arena, p->unit_id, leader, today, (int)limit, filter, &f, after, &items, &counts)))
			return e;
		arr = queue_member_items(&items, today);
	} else if (p->role == ROLE_COUNTY && p->unit_level == LEVEL_COUNTY && p->county_code) {
		queue = "reviews";
		if ((e = db_wf_queue_county(r->db, r->arena, p->county_code, today, (int)limit, filter, &f, after, &items, &counts)))
			return e;
		arr = queue_member_items(&items, today);
	} else if (p->role == ROLE_BUREAU) {
		queue = "arbitrations";
		if ((e = db_wf_queue_arbiter(r->db, r->arena, p->unit_id, today, (int)limit, &f, after, &items, &counts)))
			return e;
		keycol = WF_ARB_KEY_COL;
		arr = cJSON_CreateArray();
		for (size_t i = 0; i < items.n; i++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "kind", "arbitration");
			cJSON_AddNumberToObject(x, "group_id", (double)db_get_int(&items, i, 0));
			json_add_str(x, "type", db_get(&items, i, 1));
			json_add_str(x, "due_date", db_get(&items, i, 2));
			cJSON_AddBoolToObject(x, "overdue", wf_past_due(db_get(&items, i, 2), today));
			long long age = db_get_int(&items, i, 3);
			cJSON_AddNumberToObject(x, "age_days", (double)(age / 86400));
			cJSON_AddNumberToObject(x, "age_seconds", (double)age);
			cJSON_AddNumberToObject(x, "version", (double)db_get_int(&items, i, 4));
			cJSON_AddNumberToObject(x, "members", (double)db_get_int(&items, i, 5));
			cJSON_AddNumberToObject(x, "approved", (double)db_get_int(&items, i, 6));
			cJSON_AddItemToArray(arr, x);
		}
	} else {
		arr = cJSON_CreateArray();
	}
	cJSON_AddStringToObject(o, "queue", queue);
	cJSON_AddStringToObject(o, "role", role_name(p->role));
	cJSON_AddStringToObject(o, "today", today);
	cJSON *c = cJSON_AddObjectToObject(o, "counts");
	cJSON_AddNumberToObject(c, "total", counts.n ? (double)db_get_int(&counts, 0, 0) : 0);
	cJSON_AddNumberToObject(c, "overdue", counts.n ? (double)db_get_int(&counts, 0, 1) : 0);
	long long oldest = counts.n ? db_get_int(&counts, 0, 2) : 0;
	cJSON_AddNumberToObject(c, "oldest_age_days", (double)(oldest / 86400));
	cJSON_AddNumberToObject(c, "rejected", counts.n ? (double)db_get_int(&counts, 0, 3) : 0);
	cJSON_AddItemToObject(o, "items", arr);
	/* the one envelope, keyset-paged (overdue first, oldest step, id): counts.total is the whole queue */
	cJSON_AddNullToObject(o, "next_cursor");
	if (items.n) {
		long long last[3] = {db_get_int(&items, items.n - 1, keycol), db_get_int(&items, items.n - 1, keycol + 1),
				     db_get_int(&items, items.n - 1, 0)};
		cursor_next(r, o, list, items.n, limit, last, 3);
	}
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}

/* ---------- statistics and the overdue list (R24, R27) ---------- */


/* Statistics (issue 13 item 3) read the counters (db_counters.h): the caller's totals, one row per province (the
 * ministry) or per county (below it) and, for a city or county bureau, one row per school, each with the same counts (students by status, members by state, groups
 * by state, overdue). No scan of the records: sums of a few counter rows per unit. */
static void json_inc(cJSON *o, const char *key, double n)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (v)
		cJSON_SetNumberValue(v, v->valuedouble + n);
	else
		cJSON_AddNumberToObject(o, key, n);
}

/* the counts of one unit: {students_by_status, members_by_state, groups_by_state, groups_total, overdue{...}} */
static cJSON *unit_counts(cJSON *o)
{
	cJSON_AddObjectToObject(o, "students_by_status");
	cJSON_AddObjectToObject(o, "members_by_state");
	cJSON_AddObjectToObject(o, "groups_by_state");
	cJSON_AddNumberToObject(o, "groups_total", 0);
	cJSON *od = cJSON_AddObjectToObject(o, "overdue");
	cJSON_AddNumberToObject(od, "members", 0);
	cJSON_AddNumberToObject(od, "groups_past_deadline", 0);
	cJSON_AddNumberToObject(od, "arbitrations", 0);
	return o;
}

/* a count_school sum: kind 's' (key status), 'm' (key member state), 'd' (key member state, due before today) */
static void unit_add_school(cJSON *u, const char *kind, const char *key, double n)
{
	if (eq(kind, "s"))
		json_inc(cJSON_GetObjectItemCaseSensitive(u, "students_by_status"), key, n);
	else if (eq(kind, "m"))
		json_inc(cJSON_GetObjectItemCaseSensitive(u, "members_by_state"), key, n);
	else if (eq(kind, "d") && wf_state_parse(key) >= 0 && wf_state_pending((enum wf_state)wf_state_parse(key)))
		json_inc(cJSON_GetObjectItemCaseSensitive(u, "overdue"), "members", n); /* R24: pending and past its due date */
}

/* a count_group sum: kind 'g' (groups in state), 'l' (past the clearance deadline), 'a' (arbitration overdue) */
static void unit_add_group(cJSON *u, const char *kind, const char *state, double n)
{
	if (eq(kind, "g")) {
		json_inc(cJSON_GetObjectItemCaseSensitive(u, "groups_by_state"), state, n);
		json_inc(u, "groups_total", n);
	} else if (eq(kind, "l"))
		json_inc(cJSON_GetObjectItemCaseSensitive(u, "overdue"), "groups_past_deadline", n);
	else if (eq(kind, "a"))
		json_inc(cJSON_GetObjectItemCaseSensitive(u, "overdue"), "arbitrations", n);
}

/* rows of one level (counties or schools) by key, for the group sums read separately */
struct unit_row {
	const char *key;
	cJSON *o;
};
static int unit_row_cmp(const void *x, const void *y)
{
	return strcmp(((const struct unit_row *)x)->key, ((const struct unit_row *)y)->key);
}

/* Fill arr with one object per unit (province or county) from the count_rollup rows (code, name, kind, key, n), then
 * add the count_group rows (unit_key, kind, state, n). */
static void unit_rows(struct req *r, cJSON *arr, const struct db_rows *rs, const struct db_rows *gs)
{
	struct unit_row *idx = arena_alloc(r->arena, (rs->n + 1) * sizeof *idx);
	size_t n = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const char *key = db_get(rs, i, 0);
		if (!n || !eq(idx[n - 1].key, key)) {
			cJSON *o = cJSON_CreateObject();
			json_add_str(o, "code", key);
			json_add_str(o, "name", db_get(rs, i, 1));
			cJSON_AddItemToArray(arr, unit_counts(o));
			idx[n++] = (struct unit_row){key, o};
		}
		unit_add_school(idx[n - 1].o, db_get(rs, i, 2), db_get(rs, i, 3), (double)db_get_int(rs, i, 4));
	}
	qsort(idx, n, sizeof *idx, unit_row_cmp);
	for (size_t i = 0; i < gs->n; i++) {
		struct unit_row probe = {db_get(gs, i, 0), NULL};
		struct unit_row *hit = n ? bsearch(&probe, idx, n, sizeof *idx, unit_row_cmp) : NULL;
		if (hit) /* a group counted at a unit always has a member there, so the unit has member counts */
			unit_add_group(hit->o, db_get(gs, i, 1), db_get(gs, i, 2), (double)db_get_int(gs, i, 3));
	}
}

enum xerr api_wf_stats(struct req *r, struct resp *w)
{
	enum xerr e;
	const char *today = search_today(r->arena);
	struct db_rows tot = {0}, gr, bc, gc;
	/* the ministry's rows are its provinces; below, the counties (schools: GET /api/v1/stats/schools, paged) */
	const int per_province = r->who->unit_level == LEVEL_MINISTRY;
	/* a bureau's totals are the sums of its units below (bc, added up below); a school reads its own rows */
	if ((r->who->unit_level == LEVEL_SCHOOL && (e = db_counters_school_totals(r->db, r->arena, r->who, today, &tot))) ||
	    (e = db_counters_groups(r->db, r->arena, r->who, today, &gr)) ||
	    (e = db_counters_units_below(r->db, r->arena, r->who, per_province ? LEVEL_PROVINCE : LEVEL_COUNTY, today, &bc)) ||
	    (e = db_counters_groups_below(r->db, r->arena, r->who, per_province ? LEVEL_PROVINCE : LEVEL_COUNTY, today, &gc)))
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "today", today);
	cJSON_AddNumberToObject(o, "scope_level", r->who->unit_level);
	cJSON *groups = cJSON_AddObjectToObject(o, "groups");
	cJSON *bytype = cJSON_AddObjectToObject(groups, "by_type");
	cJSON *bystate = cJSON_AddObjectToObject(groups, "by_state");
	cJSON *students = cJSON_AddObjectToObject(o, "students");
	cJSON *bystatus = cJSON_AddObjectToObject(students, "by_status");
	cJSON *members = cJSON_AddObjectToObject(o, "members");
	cJSON *mbystate = cJSON_AddObjectToObject(members, "by_state");
	cJSON *od = cJSON_AddObjectToObject(o, "overdue");
	double total = 0, nstudents = 0, nmembers = 0, late = 0, past_deadline = 0, arbitrations = 0;
	for (size_t i = 0; i < gr.n; i++) {
		const char *kind = db_get(&gr, i, 0), *t = db_get(&gr, i, 1), *st = db_get(&gr, i, 2);
		double k = (double)db_get_int(&gr, i, 3);
		if (eq(kind, "g")) {
			cJSON *tt = cJSON_GetObjectItemCaseSensitive(bytype, t);
			json_inc(tt ? tt : cJSON_AddObjectToObject(bytype, t), st, k);
			json_inc(bystate, st, k);
			total += k;
		} else if (eq(kind, "l"))
			past_deadline += k;
		else if (eq(kind, "a"))
			arbitrations += k;
	}
	/* columns kind, key, n: from column 0 of a school's totals, from column 2 of the units below (code, name first) */
	const struct db_rows *sums = r->who->unit_level == LEVEL_SCHOOL ? &tot : &bc;
	const size_t kc = sums == &tot ? 0 : 2;
	for (size_t i = 0; i < sums->n; i++) {
		const char *kind = db_get(sums, i, kc), *key = db_get(sums, i, kc + 1);
		double k = (double)db_get_int(sums, i, kc + 2);
		if (eq(kind, "s")) {
			json_inc(bystatus, key, k);
			nstudents += k;
		} else if (eq(kind, "m")) {
			json_inc(mbystate, key, k);
			nmembers += k;
		} else if (eq(kind, "d") && wf_state_parse(key) >= 0 && wf_state_pending((enum wf_state)wf_state_parse(key)))
			late += k;
	}
	cJSON_AddNumberToObject(groups, "total", total);
	cJSON_AddNumberToObject(students, "total", nstudents);
	cJSON_AddNumberToObject(members, "total", nmembers);
	cJSON_AddNumberToObject(od, "members", late);
	cJSON_AddNumberToObject(od, "groups_past_deadline", past_deadline);
	cJSON_AddNumberToObject(od, "arbitrations", arbitrations);
	unit_rows(r, cJSON_AddArrayToObject(o, per_province ? "provinces" : "counties"), &bc, &gc);
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}

/* remove o's number members that are 0 */
static void json_drop_zeros(cJSON *o)
{
	for (cJSON *c = o ? o->child : NULL, *next; c; c = next) {
		next = c->next;
		if (cJSON_IsNumber(c) && c->valuedouble == 0)
			cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
	}
}

/* the page's school of key "county/school id" (idx sorted by key), or NULL */
static cJSON *school_of(struct unit_row *idx, size_t n, const char *key)
{
	struct unit_row probe = {key, NULL}, *hit = n ? bsearch(&probe, idx, n, sizeof *idx, unit_row_cmp) : NULL;
	return hit ? hit->o : NULL;
}

enum xerr api_wf_stats_schools(struct req *r, struct resp *w)
{
	long long limit, key[2];
	int paged;
	enum xerr e;
	/* a school is counted at its own rows (GET /api/v1/stats): the schools under a bureau, any level */
	if (r->who->unit_level > LEVEL_COUNTY)
		return resp_error_zh(r, w, XE_FORBIDDEN, NULL, "学校的统计请见本校统计。",
				     "A school's counts are its own statistics (GET /api/v1/stats).");
	if ((e = req_query_int(r, w, "limit", 1, 200, 50, &limit)) || (e = cursor_read(r, w, "stats-schools", key, 2, &paged)))
		return e;
	const char *today = search_today(r->arena);
	const char *after = paged ? arena_printf(r->arena, "%06lld", key[0]) : NULL;
	struct db_rows page, sums, groups;
	if ((e = db_counters_schools_page(r->db, r->arena, r->who, today, (int)limit, after, paged ? key[1] : 0, &page, &sums,
					  &groups)))
		return e;
	cJSON *arr, *o = cursor_list(&arr); /* by county code, then school id */
	cJSON_AddStringToObject(o, "today", today);
	struct unit_row *idx = arena_alloc(r->arena, (page.n + 1) * sizeof *idx);
	for (size_t i = 0; i < page.n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "id", (double)db_get_int(&page, i, 1));
		json_add_str(x, "code", db_get(&page, i, 2));
		json_add_str(x, "name", db_get(&page, i, 3));
		json_add_str(x, "county_code", db_get(&page, i, 0));
		cJSON_AddBoolToObject(x, "closed", db_get(&page, i, 4) != NULL); /* issue 16: listed, its records still count */
		json_add_str(x, "closed_at", db_get(&page, i, 4));
		cJSON_AddItemToArray(arr, unit_counts(x));
		idx[i] = (struct unit_row){arena_printf(r->arena, "%s/%s", db_get(&page, i, 0), db_get(&page, i, 1)), x};
	}
	qsort(idx, page.n, sizeof *idx, unit_row_cmp);
	for (size_t i = 0; i < sums.n; i++) { /* the page's counter rows, added up per school and key */
		cJSON *x = school_of(idx, page.n, arena_printf(r->arena, "%s/%s", db_get(&sums, i, 0), db_get(&sums, i, 1)));
		assert(x); /* the rows are the page's schools' */
		unit_add_school(x, db_get(&sums, i, 2), db_get(&sums, i, 3), (double)db_get_int(&sums, i, 4));
	}
	for (size_t i = 0; i < groups.n; i++) {
		cJSON *x = school_of(idx, page.n, db_get(&groups, i, 0));
		assert(x);
		unit_add_group(x, db_get(&groups, i, 1), db_get(&groups, i, 2), (double)db_get_int(&groups, i, 3));
	}
	/* a key whose rows add up to 0 is left out, as the summed reads leave it */
	static const char *const COUNTED[] = {"students_by_status", "members_by_state", "groups_by_state"};
	for (size_t i = 0; i < page.n; i++)
		for (size_t k = 0; k < sizeof COUNTED / sizeof *COUNTED; k++)
			json_drop_zeros(cJSON_GetObjectItemCaseSensitive(idx[i].o, COUNTED[k]));
	if (page.n) {
		const long long last[2] = {db_get_int(&page, page.n - 1, 0), db_get_int(&page, page.n - 1, 1)};
		cursor_next(r, o, "stats-schools", page.n, limit, last, 2);
	}
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}

enum xerr api_wf_overdue(struct req *r, struct resp *w)
{
	long long limit, key[WF_OVERDUE_KEYS];
	int paged;
	struct search f;
	enum xerr e;
	if ((e = req_query_int(r, w, "limit", 1, 1000, 200, &limit)) || (e = api_search_read(r, w, SEARCH_OVERDUE_KEYS, &f)))
		return e;
	/* issue 13 item 1 (R30): keyset-paged, the cursor bound to the list, its filters and the caller */
	const char *list = search_list_name(r->arena, "overdue", &f);
	if ((e = cursor_read(r, w, list, key, WF_OVERDUE_KEYS, &paged)))
		return e;
	wd_day td = config_today();
	const char *today = day_str(r->arena, td);
	struct db_rows rs;
	if ((e = db_wf_overdue(r->db, r->arena, r->who, today, (int)limit, &f, paged ? key : NULL, &rs)))
		return e;
	cJSON *arr, *o = cursor_list(&arr); /* most overdue first: due day, group, member, kind */
	cJSON_AddStringToObject(o, "today", today);
	for (size_t i = 0; i < rs.n; i++) {
		cJSON *x = overdue_step_json(&rs, i, td);
		if (db_get(&rs, i, 6))
			cJSON_AddNumberToObject(x, "school_id", (double)db_get_int(&rs, i, 6));
		json_add_str(x, "county_code", db_get(&rs, i, 7));
		json_add_str(x, "name", db_get(&rs, i, 8));
		json_add_str(x, "student_no", db_get(&rs, i, 9));
		step_unit_json(x, &rs, i, 10);
		cJSON_AddBoolToObject(x, "escalated", db_get_int(&rs, i, 14) != 0);
		cJSON_AddItemToArray(arr, x);
	}
	if (rs.n) {
		size_t l = rs.n - 1;
		long long last[WF_OVERDUE_KEYS] = {db_get_int(&rs, l, WF_OVERDUE_KEY_COL), db_get_int(&rs, l, 1),
						   db_get_int(&rs, l, WF_OVERDUE_KEY_COL + 1), db_get_int(&rs, l, WF_OVERDUE_KEY_COL + 2)};
		cursor_next(r, o, list, rs.n, limit, last, WF_OVERDUE_KEYS);
	}
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}

/* ---------- holidays (R24) ---------- */

static enum xerr holidays_json(struct req *r, struct resp *w, long long year)
{
	enum xerr e;
	struct db_rows rs;
	if ((e = db_wf_holidays_year(r->db, r->arena, (int)year, &rs)))
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "year", (double)year);
	cJSON_AddNumberToObject(o, "due_working_days", due_working_days());
	cJSON *arr = cJSON_AddArrayToObject(o, "days");
	for (size_t i = 0; i < rs.n; i++) {
		cJSON *x = cJSON_CreateObject();
		json_add_str(x, "date", db_get(&rs, i, 0));
		cJSON_AddBoolToObject(x, "working", db_get_int(&rs, i, 1) != 0);
		json_add_str(x, "name", db_get(&rs, i, 2));
		cJSON_AddItemToArray(arr, x);
	}
	return resp_json(r, w, 200, o);
}

enum xerr api_wf_holidays_get(struct req *r, struct resp *w)
{
	int y, mo, d;
	wd_to_ymd(config_today(), &y, &mo, &d);
	long long year;
	enum xerr e;
	if ((e = req_query_int(r, w, "year", 1900, 2999, y, &year)))
		return e;
	return holidays_json(r, w, year);
}

struct hol_put {
	int year;
	const cJSON *days;
	uint64_t user_id;
};

static enum xerr hol_put_tx(struct db *db, void *ctx)
{
	struct hol_put *h = ctx;
	enum xerr e = db_wf_holidays_clear_year(db, h->year);
	for (const cJSON *it = h->days->child; e == XE_OK && it; it = it->next) {
		const cJSON *dt = cJSON_GetObjectItemCaseSensitive(it, "date");
		const cJSON *wk = cJSON_GetObjectItemCaseSensitive(it, "working");
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
		e = db_wf_holiday_put(db, dt->valuestring, cJSON_IsTrue(wk), cJSON_IsString(nm) ? nm->valuestring : "", h->user_id);
	}
	return e;
}

/* PUT /api/v1/holidays {year, days:[{date, working?, name?}]}: replaces that year's calendar (ministry administrators). */
enum xerr api_wf_holidays_put(struct req *r, struct resp *w)
{
	if (r->who->unit_level != LEVEL_MINISTRY)
		return resp_error(r, w, XE_FORBIDDEN, NULL, "The national calendar is kept by the ministry's administrators.");
	cJSON *body;
	long long year;
	enum xerr e;
	if ((e = req_json(r, w, &body)) || (e = json_int(r, w, body, "year", 1, 1900, 2999, 0, &year)))
		return e;
	const cJSON *days = cJSON_GetObjectItemCaseSensitive(body, "days");
	if (!cJSON_IsArray(days) || cJSON_GetArraySize(days) > 366)
		return resp_error(r, w, XE_VALIDATION, "days", "days must be an array of at most 366 entries.");
	int i = 0;
	for (const cJSON *it = days->child; it; it = it->next, i++) {
		const cJSON *dt = cJSON_GetObjectItemCaseSensitive(it, "date");
		const cJSON *wk = cJSON_GetObjectItemCaseSensitive(it, "working");
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
		wd_day d;
		int yy, mm, dd;
		if (!cJSON_IsObject(it) || !cJSON_IsString(dt) || wd_parse(dt->valuestring, &d) != 0)
			return resp_error(r, w, XE_VALIDATION, arena_printf(r->arena, "days[%d].date", i), "A date YYYY-MM-DD is required.");
		wd_to_ymd(d, &yy, &mm, &dd);
		if (yy != year)
			return resp_error(r, w, XE_VALIDATION, arena_printf(r->arena, "days[%d].date", i),
					  "Every date must fall in the given year.");
		if (wk && !cJSON_IsBool(wk))
			return resp_error(r, w, XE_VALIDATION, arena_printf(r->arena, "days[%d].working", i), "working is a boolean.");
		if (nm && (!cJSON_IsString(nm) || json_utf8_chars(nm->valuestring) > 50))
			return resp_error(r, w, XE_VALIDATION, arena_printf(r->arena, "days[%d].name", i),
					  "name is a string of at most 50 characters.");
		for (const cJSON *jt = days->child; jt != it; jt = jt->next)
			if (strcmp(cJSON_GetObjectItemCaseSensitive(jt, "date")->valuestring, dt->valuestring) == 0)
				return resp_error(r, w, XE_VALIDATION, arena_printf(r->arena, "days[%d].date", i), "A date is listed twice.");
	}
	struct hol_put h = {(int)year, days, r->who->user_id};
	if ((e = db_tx(r->db, hol_put_tx, &h)))
		return e;
	return holidays_json(r, w, year);
}

/* ---------- deadlines for legacy groups (R24) ---------- */

struct deadline_put {
	struct req *r;
	uint64_t group_id;
	const char *deadline;
	int status;
	const char *message;
	uint32_t version;
};

static enum xerr deadline_tx(struct db *db, void *ctx)
{
	struct deadline_put *d = ctx;
	struct arena *a = d->r->arena;
	const struct principal *p = d->r->who;
	struct wfdb_group g;
	struct wfdb_member *m;
	size_t n;
	int found;
	enum xerr e;
	d->status = 0;
	if ((e = db_wf_group_get(db, a, d->group_id, 1, &g, &found)))
		return e;
	if (!found || (e = db_wf_members(db, a, g.id, 0, &m, &n)))
		return found ? e : (d->status = 404, XE_NOT_FOUND);
	if (!visible(p, &g, m, n))
		return d->status = 404, XE_NOT_FOUND;
	for (size_t i = 0; i < n; i++)
		if (!in_scope(p, &m[i])) {
			d->status = 403;
			d->message = "The group reaches beyond your jurisdiction: its deadline is set above you.";
			return XE_FORBIDDEN;
		}
	if (g.state == WGS_DONE) {
		d->status = 409;
		d->message = "The group is done.";
		return XE_CONFLICT;
	}
	if ((e = db_wf_group_deadline(db, g.id, d->deadline)))
		return e;
	struct wfdb_history hr = {.group_id = g.id, .actor_user_id = p->user_id, .actor_role = role_name(p->role),
				  .action = "set_deadline", .state_before = wf_gstate_name(g.state),
				  .state_after = wf_gstate_name(g.state),
				  .reason = d->deadline ? arena_printf(a, "deadline %s", d->deadline) : "deadline cleared"};
	d->version = g.version + 1;
	return db_wf_history_add(db, &hr, NULL);
}

/* PUT /api/v1/groups/{id}/deadline {deadline: "YYYY-MM-DD" | null}: province or ministry bureaus and administrators. */
enum xerr api_wf_group_deadline(struct req *r, struct resp *w)
{
	if (r->who->unit_level > LEVEL_PROVINCE)
		return resp_error(r, w, XE_FORBIDDEN, NULL, "Clearance deadlines are set by the ministry or a province (R24).");
	struct deadline_put d = {.r = r};
	cJSON *body;
	enum xerr e;
	if ((e = req_path_id(r, 0, &d.group_id)) || (e = req_json(r, w, &body)))
		return e;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "deadline");
	wd_day day;
	if (!v || (!cJSON_IsNull(v) && (!cJSON_IsString(v) || wd_parse(v->valuestring, &day) != 0)))
		return resp_error(r, w, XE_VALIDATION, "deadline", "deadline is a date YYYY-MM-DD, or null to clear it.");
	d.deadline = cJSON_IsString(v) ? v->valuestring : NULL;
	e = db_tx(r->db, deadline_tx, &d);
	if (e)
		return d.status ? resp_error(r, w, e, NULL, d.message) : e;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)d.group_id);
	json_add_str(o, "deadline", d.deadline);
	cJSON_AddNumberToObject(o, "version", d.version);
	return resp_json(r, w, 200, o);
}

/* ---------- change feed (R29) ---------- */

struct feed_seq {
	struct arena *a;
	const char *province;
	long long last; /* the province's last sequence number */
};

static enum xerr feed_seq_tx(struct db *db, void *ctx)
{
	struct feed_seq *f = ctx;
	return db_wf_feed_sequence(db, f->a, f->province, &f->last);
}

enum xerr api_wf_feed(struct req *r, struct resp *w)
{
	const struct principal *p = r->who;
	const char *province = p->province_code;
	long long cursor, limit;
	enum xerr e;
	if (p->unit_level == LEVEL_MINISTRY && p->role == ROLE_BUREAU) {
		province = req_query(r, "province");
		if (!province || strlen(province) != 2 || province[0] < '1' || province[0] > '9' || province[1] < '0' ||
		    province[1] > '9')
			return resp_error(r, w, XE_VALIDATION, "province", "The ministry names the province: ?province=NN.");
	} else if (p->unit_level != LEVEL_PROVINCE || !province) {
		return resp_error(r, w, XE_FORBIDDEN, NULL, "The feed is for provincial systems and provincial bureaus.");
	}
	const char *cur = req_query(r, "cursor");
	if (cur && !*cur)
		cur = NULL;
	if (cur) {
		char *end;
		cursor = strtoll(cur, &end, 10);
		if (*end || cursor < 0 || strlen(cur) > 18)
			return resp_error(r, w, XE_VALIDATION, "cursor", "The cursor is the next_cursor of an earlier answer.");
	} else {
		cursor = 0;
	}
	if ((e = req_query_int(r, w, "limit", 1, 1000, 100, &limit)))
		return e;
	struct feed_seq f = {r->arena, province, 0};
	if ((e = db_tx(r->db, feed_seq_tx, &f)))
		return e;
	/* a cursor past the feed's end is not "nothing new": the registry was restored to an earlier moment (make restore)
	 * and the numbers after its end will be given to other events, which that cursor would skip in silence */
	if (cursor > f.last)
		return resp_error_zh(r, w, XE_CONFLICT, "cursor",
				     arena_printf(r->arena, "该游标超出了本省变更流的末尾（最后一条为 %lld）：系统已恢复到更早的时刻。您此前收到的序号大于 %lld 的事件已作废，请从游标 %lld 继续读取。", f.last, f.last, f.last),
				     arena_printf(r->arena, "This cursor is past the end of the province's feed (its last event is %lld): the registry was restored to an earlier moment. Events numbered after %lld that you received before are void; continue from cursor %lld.", f.last, f.last, f.last));
	struct db_rows rs;
	if ((e = db_wf_feed_read(r->db, r->arena, province, cursor, (int)limit, &rs)))
		return e;
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "items"); /* the one list envelope (issue 10) */
	long long last = cursor;
	for (size_t i = 0; i < rs.n; i++) {
		cJSON *x = cJSON_CreateObject();
		last = db_get_int(&rs, i, 0);
		cJSON_AddNumberToObject(x, "seq", (double)last);
		cJSON_AddNumberToObject(x, "history_id", (double)db_get_int(&rs, i, 1));
		json_add_str(x, "time", db_get(&rs, i, 2));
#define OPT_ID(k, c)                                                               \
	do {                                                                       \
		if (db_get(&rs, i, c))                                             \
			cJSON_AddNumberToObject(x, k, (double)db_get_int(&rs, i, c)); \
		else                                                               \
			cJSON_AddNullToObject(x, k);                               \
	} while (0)
		OPT_ID("group_id", 3);
		OPT_ID("member_id", 4);
		OPT_ID("student_id", 5);
#undef OPT_ID
		json_add_str(x, "actor_role", db_get(&rs, i, 6));
		json_add_str(x, "action", db_get(&rs, i, 7));
		json_add_str(x, "state_before", db_get(&rs, i, 8));
		json_add_str(x, "state_after", db_get(&rs, i, 9));
		/* R29 (issue 11 item 10): an automatic decision's reason reads as before for the provincial system: its
		 * Chinese text (then the arbitrator's own words), and its code and English text beside it */
		const char *why = db_get(&rs, i, 10);
		const char *sys = eq(db_get(&rs, i, 6), "system") && !written_before(why, db_get(&rs, i, 7)) ? wf_system_reason_of(db_get(&rs, i, 7), 0) : NULL;
		if (sys)
			why = why ? arena_printf(r->arena, "%s %s", sys, why) : sys;
		json_add_str(x, "reason", why);
		if (sys)
			system_reason_json(x, "system_reason", db_get(&rs, i, 7));
		json_add_str(x, "evidence_ids", db_get(&rs, i, 11));
		json_add_str(x, "group_type", db_get(&rs, i, 12));
		json_add_str(x, "group_state", db_get(&rs, i, 13));
		/* a member of another province is a short fact: its G number would carry the full ID number (R26) */
		const char *no = db_get(&rs, i, 14), *sprov = db_get(&rs, i, 16);
		json_add_str(x, "student_no", sprov && strcmp(sprov, province) ? mask_no(r->arena, no) : no);
		json_add_str(x, "school_code", db_get(&rs, i, 15));
		cJSON_AddItemToArray(arr, x);
	}
	cJSON_AddStringToObject(o, "province", province);
	cJSON_AddStringToObject(o, "next_cursor", arena_printf(r->arena, "%lld", last));
	cJSON_AddBoolToObject(o, "more", rs.n == (size_t)limit);
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 200, o);
}
