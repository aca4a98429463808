/* search: list searches and filters, checked and normalised once (see search.h). */
#include "search.h"
#include "idcheck.h"
#include "config.h"
#include "json.h"
#include "workdays.h"
#include "workflow.h"
#include <assert.h>
#include <ctype.h>
#include <sodium.h>
#include <string.h>

static const char *const key_names[SK__COUNT] = {
	[SK_Q] = "q", [SK_ID_NUMBER] = "id_number", [SK_STUDENT_NO] = "student_no", [SK_NAME] = "name",
	[SK_NAME_MATCH] = "name_match", [SK_BIRTH_DATE] = "birth_date", [SK_GENDER] = "gender", [SK_SCHOOL] = "school",
	[SK_COUNTY] = "county", [SK_STATUS] = "status", [SK_TYPE] = "type", [SK_STATE] = "state",
	[SK_MEMBER_STATE] = "member_state", [SK_REJECTED] = "rejected", [SK_OVERDUE] = "overdue",
	[SK_DUE_BEFORE] = "due_before", [SK_FILTER] = "filter",
};

const char *search_key_name(enum search_key k)
{
	assert(k < SK__COUNT);
	return key_names[k];
}

#define BAD(r, z, e) return *reason = (r), *zh = (z), *en = (e), -1

/* s without leading and trailing ASCII blanks (a pasted value), in the arena. */
static char *trimmed(struct arena *a, const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	char *o = arena_alloc(a, n + 1);
	memcpy(o, v, n);
	o[n] = 0;
	return o;
}

static char *upper(struct arena *a, const char *v)
{
	size_t n = strlen(v);
	char *o = arena_alloc(a, n + 1);
	for (size_t i = 0; i <= n; i++)
		o[i] = (char)toupper((unsigned char)v[i]);
	return o;
}

static int has_control(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 1;
	return 0;
}

static int is_date(const char *v)
{
	wd_day d;
	return strlen(v) == 10 && v[4] == '-' && v[7] == '-' && wd_parse(v, &d) == 0;
}

/* A student number (R5): L + county + birth date + 4 digits, or G + an 18-character resident number. */
static int is_student_no(const char *v)
{
	if (strlen(v) != 19 || (v[0] != 'L' && v[0] != 'G'))
		return 0;
	for (int i = 1; i < 18; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	return isdigit((unsigned char)v[18]) || v[18] == 'X';
}

/* An ID number's characters: graphic ASCII (R4: the widest type, Z, allows 0x21-0x7E). */
static int id_chars(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x21 || (unsigned char)*v > 0x7e)
			return 0;
	return 1;
}

static int set_id(struct search *s, struct arena *a, const char *v, const char **reason, const char **zh, const char **en)
{
	size_t n = strlen(v);
	if (n < SEARCH_ID_MIN)
		BAD("too_short", arena_printf(a, "证件号请输入完整号码（至少%d位）。", SEARCH_ID_MIN),
		    arena_printf(a, "Enter the whole ID number (at least %d characters).", SEARCH_ID_MIN));
	if (n > STUDENT_IDNO_MAX)
		BAD("too_long", arena_printf(a, "证件号最多%d位。", STUDENT_IDNO_MAX),
		    arena_printf(a, "An ID number has at most %d characters.", STUDENT_IDNO_MAX));
	if (!id_chars(v))
		BAD("format", "证件号只能包含字母、数字和符号，不能有空格。", "An ID number holds letters, digits and signs, no spaces.");
	s->id_alt = v;
	s->id_number = upper(a, v);
	/* R4/R8.2: a resident number as stored: x to X, the legacy 15 digits to 18 */
	if (n == 15 || n == 18) {
		char out[19], birth[9];
		idcheck_resident(v, n, 0, out, birth);
		if (*out)
			s->id_number = arena_strdup(a, out);
	}
	return 0;
}

static int set_name(struct search *s, struct arena *a, const char *v, const char **reason, const char **zh, const char **en)
{
	if (!*v)
		BAD("too_short", "姓名至少输入1个字。", "Enter at least one character of the name.");
	if (strpbrk(v, "%_"))
		BAD("wildcard", "姓名中不能使用 % 或 _ ：输入姓名的开头即可查找。",
		    "% and _ are not allowed in a name: type the beginning of the name to search by prefix.");
	s->name = v;
	char *o = arena_alloc(a, 2 * strlen(v) + 2), *p = o;
	for (; *v; v++) {
		if (*v == '\\')
			*p++ = '\\';
		*p++ = *v;
	}
	*p++ = '%';
	*p = 0;
	s->name_pattern = o;                       /* prefix: "name%" */
	s->name_like = arena_strdup(a, o);
	((char *)s->name_like)[p - o - 1] = 0; /* exact: "name" */
	return 0;
}

/* v is exactly n decimal digits (a unit code, R1). */
static int digits(const char *v, size_t n)
{
	size_t i = 0;
	while (isdigit((unsigned char)v[i]))
		i++;
	return i == n && v[i] == 0;
}

static int is_one_of(const char *v, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(v, *set) == 0)
			return 1;
	return 0;
}

int search_set(struct search *s, struct arena *a, enum search_key k, const char *raw, const char **reason, const char **zh,
	       const char **en)
{
	assert(k < SK__COUNT && raw);
	if (has_control(raw))
		BAD("format", "查询条件中不能有控制字符。", "A search value may not hold control characters.");
	if (json_utf8_chars(raw) > SEARCH_MAX_CHARS)
		BAD("too_long", arena_printf(a, "查询条件最多%d个字。", SEARCH_MAX_CHARS),
		    arena_printf(a, "A search value has at most %d characters.", SEARCH_MAX_CHARS));
	const char *v = trimmed(a, raw);
	if (!*v && k != SK_NAME && k != SK_Q)
		return 0; /* an empty box: no filter */
	switch (k) {
	case SK_Q: /* one box: the shape decides (R5 student number, R4 ID number, else a name prefix) */
		if (!*v)
			return 0;
		if (is_student_no(upper(a, v))) {
			s->student_no = upper(a, v);
		} else {
			int digit = 0, ascii = 1;
			for (const char *c = v; *c; c++)
				digit |= isdigit((unsigned char)*c), ascii &= (unsigned char)*c < 0x80 && *c != '%' && *c != '_';
			if (digit && ascii) {
				if (set_id(s, a, v, reason, zh, en))
					return -1;
			} else if (set_name(s, a, v, reason, zh, en)) {
				return -1;
			}
		}
		break;
	case SK_ID_NUMBER:
		if (set_id(s, a, v, reason, zh, en))
			return -1;
		break;
	case SK_STUDENT_NO:
		if (strlen(v) < 19)
			BAD("too_short", "学籍号请输入完整的19位。", "Enter the whole 19-character student number.");
		if (!is_student_no(upper(a, v)))
			BAD("format", "学籍号是 L 或 G 开头的19位。", "A student number is 19 characters starting with L or G.");
		s->student_no = upper(a, v);
		break;
	case SK_NAME:
		if (set_name(s, a, v, reason, zh, en))
			return -1;
		break;
	case SK_NAME_MATCH:
		if (strcmp(v, "exact") && strcmp(v, "prefix"))
			BAD("choice", "姓名匹配方式只能是 exact（完全相同）或 prefix（开头相同）。", "name_match must be exact or prefix.");
		s->name_exact = strcmp(v, "exact") == 0;
		break;
	case SK_BIRTH_DATE:
	case SK_DUE_BEFORE:
		if (!is_date(v))
			BAD("format", "日期格式应为 YYYY-MM-DD。", "A date is written YYYY-MM-DD.");
		*(k == SK_BIRTH_DATE ? &s->birth_date : &s->due_before) = v;
		break;
	case SK_GENDER:
		if (strcmp(v, "M") && strcmp(v, "F"))
			BAD("choice", "性别只能是 M 或 F。", "gender must be M or F.");
		s->gender = v;
		break;
	case SK_SCHOOL:
		if (!digits(v, 10))
			BAD("format", "学校代码是10位数字。", "A school code has 10 digits.");
		s->school = v;
		break;
	case SK_COUNTY:
		if (!digits(v, 6))
			BAD("format", "区县代码是6位数字。", "A county code has 6 digits.");
		s->county = v;
		break;
	case SK_STATUS:
		if (!is_one_of(v, (const char *const[]){"pending", "formal", "problem", "deleted", NULL}))
			BAD("choice", "学籍状态只能是 pending、formal、problem 或 deleted。",
			    "status must be pending, formal, problem or deleted.");
		s->status = v;
		break;
	case SK_TYPE:
		if (wf_type_parse(v) < 0)
			BAD("choice", "问题类型不正确。", "type must be id_dup, id_error, id_changed, nbg_dup or suspected_dup.");
		s->type = v;
		break;
	case SK_STATE:
		if (!is_one_of(v, (const char *const[]){"open", "awaiting_arbitration", "done", NULL}))
			BAD("choice", "问题状态只能是 open、awaiting_arbitration 或 done。",
			    "state must be open, awaiting_arbitration or done.");
		s->state = v;
		break;
	case SK_MEMBER_STATE:
		if (wf_state_parse(v) < 0)
			BAD("choice", "处理状态不正确。", "member_state is not a member state of the workflow.");
		s->member_state = v;
		break;
	case SK_REJECTED:
	case SK_OVERDUE:
		if (strcmp(v, "1") && strcmp(v, "0") && strcmp(v, "true") && strcmp(v, "false"))
			BAD("choice", "只能是 1 或 0。", "Use 1 or 0.");
		*(k == SK_REJECTED ? &s->rejected : &s->overdue) = v[0] == '1' || v[0] == 't';
		break;
	case SK_FILTER:
		if (strcmp(v, "rejected") && strcmp(v, "overdue"))
			BAD("choice", "筛选条件只能是“被驳回”或“超期”。", "filter must be rejected or overdue.");
		s->filter = v;
		break;
	default:
		assert(!"search key");
	}
	s->set |= SK_BIT(k);
	return 0;
}

int search_finish(struct search *s, enum search_key *key, const char **reason, const char **zh, const char **en)
{
	*key = SK_NAME_MATCH;
	if ((s->set & SK_BIT(SK_NAME_MATCH)) && !s->name)
		BAD("not_here", "按姓名完全匹配时请同时输入姓名。", "name_match needs a name.");
	if (s->name) {
		s->name_pattern = s->name_exact ? s->name_like : s->name_pattern;
		s->name_wide = !s->name_exact && json_utf8_chars(s->name) == 1;
	}
	return 0;
}

const char *search_list_name(struct arena *a, const char *list, const struct search *s)
{
	if (!s || !s->set)
		return list;
	/* the canonical value of every filter given, in key order: what the query reads, not how it was typed */
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 8);
	const char *canon[SK__COUNT] = {
		[SK_ID_NUMBER] = s->id_number, [SK_STUDENT_NO] = s->student_no, [SK_NAME] = s->name,
		[SK_NAME_MATCH] = s->name_exact ? "exact" : "prefix", [SK_BIRTH_DATE] = s->birth_date, [SK_GENDER] = s->gender,
		[SK_SCHOOL] = s->school, [SK_COUNTY] = s->county, [SK_STATUS] = s->status, [SK_TYPE] = s->type,
		[SK_STATE] = s->state, [SK_MEMBER_STATE] = s->member_state, [SK_REJECTED] = s->rejected ? "1" : "0",
		[SK_OVERDUE] = s->overdue ? "1" : "0", [SK_DUE_BEFORE] = s->due_before, [SK_FILTER] = s->filter,
	};
	for (int k = 0; k < SK__COUNT; k++) {
		const char *v = canon[k] ? canon[k] : "";
		crypto_generichash_update(&st, (const unsigned char *)key_names[k], strlen(key_names[k]) + 1);
		crypto_generichash_update(&st, (const unsigned char *)v, strlen(v) + 1);
	}
	unsigned char h[8];
	crypto_generichash_final(&st, h, sizeof h);
	char hex[17];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	return arena_printf(a, "%s~%s", list, hex);
}

/* Whether the query string names parameter `name` at all. */
static int query_has(const struct req *r, const char *name)
{
	size_t n = strlen(name);
	for (const char *q = r->query; q && *q;) {
		if (strncmp(q, name, n) == 0 && (q[n] == '=' || q[n] == '&' || q[n] == 0))
			return 1;
		q = strchr(q, '&');
		q = q ? q + 1 : NULL;
	}
	return 0;
}

enum xerr search_read(struct req *r, struct resp *w, unsigned keys, struct search *s)
{
	memset(s, 0, sizeof *s);
	const char *reason = NULL, *zh = NULL, *en = NULL;
	enum search_key k;
	for (k = 0; k < SK__COUNT; k++) {
		const char *v = (keys & SK_BIT(k)) ? req_query(r, key_names[k]) : NULL;
		if (!v && (keys & SK_BIT(k)) && query_has(r, key_names[k])) { /* given, but not UTF-8 (or a NUL) once decoded */
			reason = "format", zh = "查询条件不是有效的文字（UTF-8）。", en = "A search value must be valid UTF-8 text.";
			goto bad;
		}
		if (v && search_set(s, r->arena, k, v, &reason, &zh, &en))
			goto bad;
	}
	if (search_finish(s, &k, &reason, &zh, &en) == 0)
		return XE_OK;
bad:;
	cJSON *inner, *root = resp_error_body(XE_VALIDATION, NULL, key_names[k], zh, en, &inner);
	cJSON_AddStringToObject(inner, "reason", reason);
	return resp_error_send(r, w, XE_VALIDATION, root);
}

const char *search_today(struct arena *a)
{
	char *d = arena_alloc(a, 11);
	wd_format(config_today(), d);
	return d;
}
