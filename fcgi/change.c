/* change: R15 changes checked and applied through the registration's own checks (student_validate, idcheck). */
#include "change.h"
#include "arena.h"
#include "db_change.h"
#include "db_registry.h"
#include "idcheck.h"
#include "student.h"
#include <stdio.h>
#include <string.h>

static const enum student_field changeable[] = {SF_NAME, SF_GENDER, SF_BIRTH, SF_ID_TYPE, SF_ID_NUMBER};
#define NCHANGEABLE (sizeof changeable / sizeof *changeable)

static int is_changeable(enum student_field f)
{
	for (size_t i = 0; i < NCHANGEABLE; i++)
		if (changeable[i] == f)
			return 1;
	return 0;
}

static void refuse(struct change_err *w, enum xerr e, const char *field, const char *code, const char *zh, const char *en)
{
	w->err = e;
	w->field = field;
	w->code = code;
	w->zh = zh;
	w->en = en;
}

static const char *field_name(struct arena *a, enum student_field f)
{
	return is_changeable(f) ? arena_printf(a, "changes.%s", student_field_json(f)) : student_field_json(f);
}

/* The record as registration input, with the new values of changes (a JSON object, or NULL) over it. */
static void merged_input(const struct change_row *r, const cJSON *changes, struct student_in *in)
{
	memset(in, 0, sizeof *in);
	in->v[SF_NAME] = r->name;
	in->v[SF_GENDER] = r->gender;
	in->v[SF_BIRTH] = r->birth;
	in->v[SF_ID_TYPE] = r->id_type;
	in->v[SF_ID_NUMBER] = r->id_number;
	in->v[SF_SCHOOL] = r->school_code;
	in->v[SF_GRADE] = r->grade;
	in->v[SF_CLASS] = r->class_name;
	in->v[SF_ENROL] = r->enrol;
	in->v[SF_PHONE] = r->phone;
	for (size_t i = 0; changes && i < NCHANGEABLE; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(changes, student_field_json(changeable[i]));
		if (v)
			in->v[changeable[i]] = cJSON_IsString(v) ? v->valuestring : "";
	}
}

/* Validate the merged record as registration does, plus what a change must guarantee: a resident ID number that passes
 * R8.2 and agrees with the date of birth (when the change touches them). 1 if refused (why filled). */
static int validate(struct arena *a, const struct student_in *in, const cJSON *changes, struct student_rec *rec,
		    struct change_err *why)
{
	struct student_issue iss[STUDENT_MAX_ISSUES];
	size_t ni = 0;
	size_t nerr = student_validate(in, student_today(), rec, iss, STUDENT_MAX_ISSUES, &ni);
	for (size_t i = 0; nerr && i < ni; i++)
		if (!iss[i].warning) {
			refuse(why, XE_VALIDATION, field_name(a, iss[i].field), iss[i].code, arena_strdup(a, iss[i].zh),
			       arena_strdup(a, iss[i].en));
			return 1;
		}
	int touches_id = !changes || cJSON_GetObjectItemCaseSensitive(changes, "id_number") ||
			 cJSON_GetObjectItemCaseSensitive(changes, "id_type");
	int touches_gender = changes && cJSON_GetObjectItemCaseSensitive(changes, "gender");
	int touches_birth = changes && cJSON_GetObjectItemCaseSensitive(changes, "birth_date");
	for (size_t i = 0; i < ni; i++) {
		if (!iss[i].warning || iss[i].field != SF_ID_NUMBER)
			continue;
		if (strcmp(iss[i].code, "id_birth_mismatch") == 0) {
			/* only when the change touches the number or the date: an old mismatch does not block a name change */
			if (changes && !touches_id && !touches_birth)
				continue;
			refuse(why, XE_VALIDATION, touches_birth && !touches_id ? "changes.birth_date" : "changes.id_number",
			       "id_birth_mismatch", "变更后证件号码中的出生日期与出生日期不一致，请一并改正。",
			       "After the change the date of birth in the ID number differs from the date of birth; correct both.");
			return 1;
		}
		/* a malformed resident number (R8.2): a change corrects an ID error, it never makes one */
		enum id_result r = ID_ERR_CHARS;
		for (int k = ID_ERR_EMPTY; k <= ID_ERR_TYPE; k++)
			if (strcmp(idcheck_code((enum id_result)k), iss[i].code) == 0)
				r = (enum id_result)k;
		const char *field = r == ID_ERR_GENDER && touches_gender && !touches_id ? "changes.gender" : "changes.id_number";
		refuse(why, XE_VALIDATION, field, iss[i].code,
		       arena_printf(a, "%s，变更后的证件号码必须通过校验。", idcheck_message_zh(r)),
		       arena_printf(a, "%s; the changed ID number must pass the check.", idcheck_message_en(r)));
		return 1;
	}
	return 0;
}

static int same(const char *x, const char *y) { return strcmp(x ? x : "", y ? y : "") == 0; }

enum xerr change_check(struct db *db, struct arena *a, uint64_t student_id, const cJSON *changes, const char **proposed,
		       struct change_err *why)
{
	struct change_row r;
	int found = 0;
	memset(why, 0, sizeof *why);
	*proposed = NULL;
	for (const cJSON *it = changes ? changes->child : NULL; it; it = it->next) {
		int known = 0;
		for (size_t i = 0; i < NCHANGEABLE; i++)
			known |= strcmp(it->string, student_field_json(changeable[i])) == 0;
		if (!known) {
			refuse(why, XE_VALIDATION, arena_printf(a, "changes.%s", it->string), "not_changeable",
			       "只能变更姓名、性别、出生日期、证件类型和证件号码。",
			       "Only name, gender, birth_date, id_type and id_number can be changed here.");
			return XE_OK;
		}
		if (!cJSON_IsString(it) && !(cJSON_IsNull(it) && strcmp(it->string, "id_number") == 0)) {
			refuse(why, XE_VALIDATION, arena_printf(a, "changes.%s", it->string), "type", "新值必须是文字。",
			       "The new value must be a string.");
			return XE_OK;
		}
	}
	enum xerr e = db_change_get(db, a, student_id, 0, &r, &found);
	if (e != XE_OK)
		return e;
	if (!found) {
		refuse(why, XE_NOT_FOUND, NULL, "not_found", "记录不存在。", "No such record.");
		return XE_OK;
	}
	struct student_in in;
	struct student_rec *rec = arena_alloc(a, sizeof *rec);
	merged_input(&r, changes, &in);
	if (validate(a, &in, changes, rec, why))
		return XE_OK;
	/* the canonical new values that differ from the record (R15: what the bureau approves) */
	cJSON *out = cJSON_CreateObject();
	char g[2] = {rec->gender, 0}, t[2] = {rec->id_type, 0};
	int n = 0;
	if (!same(rec->name, r.name))
		cJSON_AddStringToObject(out, "name", rec->name), n++;
	if (!same(g, r.gender))
		cJSON_AddStringToObject(out, "gender", g), n++;
	if (!same(rec->birth, r.birth))
		cJSON_AddStringToObject(out, "birth_date", rec->birth), n++;
	if (!same(t, r.id_type))
		cJSON_AddStringToObject(out, "id_type", t), n++;
	if (!same(rec->id_number, r.id_number)) {
		if (rec->id_number[0])
			cJSON_AddStringToObject(out, "id_number", rec->id_number);
		else
			cJSON_AddNullToObject(out, "id_number");
		n++;
	}
	if (!n) {
		refuse(why, XE_VALIDATION, "changes", "unchanged", "变更后的信息与原记录相同。", "The new values are the same as the record's.");
		return XE_OK;
	}
	struct arena *prev = arena_current();
	arena_set_current(a);
	*proposed = cJSON_PrintUnformatted(out);
	arena_set_current(prev);
	return XE_OK;
}

enum xerr change_apply(struct db *db, struct arena *a, uint64_t student_id, const char *proposed, struct change_err *why)
{
	struct change_row r;
	int found = 0;
	memset(why, 0, sizeof *why);
	cJSON *p = proposed ? cJSON_Parse(proposed) : NULL;
	if (!p)
		return XE_INTERNAL;
	enum xerr e = db_change_get(db, a, student_id, 1, &r, &found);
	if (e != XE_OK)
		return e;
	if (!found || strcmp(r.status, "deleted") == 0) {
		refuse(why, XE_CONFLICT, NULL, "deleted", "该记录已删除，不能变更。", "The record is deleted; it cannot be changed.");
		return XE_OK;
	}
	struct student_in in;
	struct student_rec *rec = arena_alloc(a, sizeof *rec);
	merged_input(&r, p, &in);
	if (validate(a, &in, p, rec, why)) {
		/* the record changed since the school submitted (another change was approved): it must submit again */
		why->err = XE_CONFLICT;
		why->zh = arena_printf(a, "记录在申请后已被修改，申请的变更不再有效，请学校重新提交：%s", why->zh);
		why->en = arena_printf(a, "The record changed after the request; the requested change no longer passes: %s", why->en);
		return XE_OK;
	}
	/* R5: an L number carries the date of birth and is re-issued with the corrected one; a G number is for life */
	char no[20];
	snprintf(no, sizeof no, "%s", r.student_no);
	int renumber = r.student_no[0] == 'L' && !same(rec->birth, r.birth);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (renumber && (e = db_reg_new_number(db, a, r.county, rec->birth, attempt, no)) != XE_OK)
			return e;
		e = db_change_write(db, student_id, rec, no);
		if (e != XE_DUPLICATE || !renumber)
			break;
	}
	return e;
}
