/* student: field validation and normalisation of a student record (R4, R8.2). */
#include "student.h"
#include "idcheck.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const json_names[SF__COUNT] = {"name", "gender", "birth_date", "id_type", "id_number",
						  "school_code", "grade", "class_name", "enrol_date", "guardian_name",
						  "guardian_phone"};
static const char *const headers[SF__COUNT] = {"姓名", "性别", "出生日期", "证件类型", "证件号码",
					       "学校标识码", "年级", "班级", "入学日期", "监护人姓名", "监护人联系电话"};

const char *student_field_json(enum student_field f) { assert(f < SF__COUNT); return json_names[f]; }
const char *student_field_header(enum student_field f) { assert(f < SF__COUNT); return headers[f]; }
int student_field_required_column(enum student_field f) { return f <= SF_SCHOOL; }

/* Length of leading/trailing blanks: ASCII space/tab, NBSP (C2 A0), ideographic space (E3 80 80). */
static size_t blank_at(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
		return 2;
	if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
		return 3;
	return 0;
}
static size_t blank_before(const char *s, size_t n)
{
	if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		return 1;
	if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0)
		return 2;
	if (n >= 3 && (unsigned char)s[n - 3] == 0xE3 && (unsigned char)s[n - 2] == 0x80 && (unsigned char)s[n - 1] == 0x80)
		return 3;
	return 0;
}

/* Trim s into [*b, *b + *n). */
static void trim(const char *s, const char **b, size_t *n)
{
	size_t len = s ? strlen(s) : 0, k;
	const char *p = s ? s : "";
	while ((k = blank_at(p, len)) > 0) {
		p += k;
		len -= k;
	}
	while ((k = blank_before(p, len)) > 0)
		len -= k;
	*b = p;
	*n = len;
}

int student_field_by_header(const char *h, size_t len)
{
	const char *b;
	size_t n;
	char tmp[128];
	if (len >= sizeof tmp)
		return -1;
	memcpy(tmp, h, len);
	tmp[len] = 0;
	trim(tmp, &b, &n);
	for (int f = 0; f < SF__COUNT; f++)
		if ((strlen(headers[f]) == n && memcmp(headers[f], b, n) == 0) ||
		    (strlen(json_names[f]) == n && memcmp(json_names[f], b, n) == 0))
			return f;
	return -1;
}

/* Decode one UTF-8 code point at s (n bytes left); returns its length, 0 if invalid. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* CJK ideographs in every block the registry may meet, including the rare ones outside the BMP. */
static int is_cjk(unsigned c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       c == 0x3007 || (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2EE5F) ||
	       (c >= 0x2F800 && c <= 0x2FA1F) || (c >= 0x30000 && c <= 0x323AF);
}
static int is_latin(unsigned c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}
static int is_name_sep(unsigned c) { return c == ' ' || c == 0xB7 || c == 0x30FB || c == '\'' || c == '-' || c == '.'; }

/* Cut a NUL-terminated buffer of size n that snprintf may have cut inside a UTF-8 sequence back to a whole character. */
static void utf8_cut(char *s, size_t n)
{
	size_t len = strlen(s);
	if (len + 1 < n)
		return;
	size_t i = len;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--; /* continuation bytes of the last character */
	if (i > 0 && ((unsigned char)s[i - 1] & 0x80)) {
		unsigned char lead = (unsigned char)s[i - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (len - (i - 1) < need)
			s[i - 1] = 0;
	}
}

static void issue(struct student_issue *iss, size_t max, size_t *k, enum student_field f, int warning, const char *code,
		  const char *en, const char *zh)
{
	if (*k < max) {
		struct student_issue *x = &iss[*k];
		x->field = f;
		x->warning = warning;
		x->code = code;
		snprintf(x->en, sizeof x->en, "%s: %s", json_names[f], en);
		snprintf(x->zh, sizeof x->zh, "%s：%s", headers[f], zh);
		utf8_cut(x->zh, sizeof x->zh);
	}
	(*k)++;
}

/* The too_long issue of an ASCII field of at most max_chars characters. */
static void too_long(struct student_issue *iss, size_t max, size_t *k, enum student_field f, int max_chars)
{
	char en[64], zh[64];
	snprintf(en, sizeof en, "is too long (at most %d characters).", max_chars);
	snprintf(zh, sizeof zh, "过长（最多 %d 个字符）。", max_chars);
	issue(iss, max, k, f, 0, "too_long", en, zh);
}

/* Characters (code points) in s[0..n); (size_t)-1 if not valid UTF-8. */
static size_t utf8_count(const char *s, size_t n)
{
	size_t chars = 0;
	unsigned cp;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_next((const unsigned char *)s + i, n - i, &cp);
		if (!l)
			return (size_t)-1;
		i += l;
		chars++;
	}
	return chars;
}

static int has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return 1;
	return 0;
}

/* Read 1..maxd digits at *p into *v; advance *p. 0 if none. */
static int digits(const char **p, int maxd, int *v)
{
	int n = 0;
	*v = 0;
	while (n < maxd && **p >= '0' && **p <= '9') {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

/* Consume literal lit at *p. */
static int lit(const char **p, const char *l)
{
	size_t n = strlen(l);
	if (strncmp(*p, l, n) != 0)
		return 0;
	*p += n;
	return 1;
}

int student_parse_date(const char *s, int *y, int *m, int *d)
{
	const char *b;
	size_t n;
	trim(s, &b, &n);
	char t[40];
	if (n == 0 || n >= sizeof t)
		return 0;
	memcpy(t, b, n);
	t[n] = 0;
	int yy, mm, dd;
	const char *p = t;
	if (n == 8 && strspn(t, "0123456789") == 8) {
		digits(&p, 4, &yy), digits(&p, 2, &mm), digits(&p, 2, &dd);
	} else {
		if (digits(&p, 4, &yy) != 4)
			return 0;
		const char *sep2 = NULL, *end = "";
		if (lit(&p, "-"))
			sep2 = "-";
		else if (lit(&p, "/"))
			sep2 = "/";
		else if (lit(&p, "."))
			sep2 = ".";
		else if (lit(&p, "\xE5\xB9\xB4")) /* 年 */
			sep2 = "\xE6\x9C\x88", end = "\xE6\x97\xA5"; /* 月, 日 */
		else
			return 0;
		if (!digits(&p, 2, &mm) || !lit(&p, sep2) || !digits(&p, 2, &dd))
			return 0;
		if (*end)
			lit(&p, end);
		if (*p)
			return 0;
	}
	if (!idcheck_valid_date(yy, mm, dd))
		return 0;
	*y = yy, *m = mm, *d = dd;
	return 1;
}

int student_today(void) { return idcheck_today(); }

/* Copy the trimmed value into dst (size dsz) if it fits in max_chars characters without control chars. */
static int text_field(const char *v, char *dst, size_t dsz, size_t max_chars, enum student_field f, struct student_issue *iss,
		      size_t max, size_t *k, size_t *nerr)
{
	const char *b;
	size_t n;
	trim(v, &b, &n);
	size_t chars = utf8_count(b, n);
	if (chars == (size_t)-1 || has_control(b, n)) {
		issue(iss, max, k, f, 0, "control_chars", "contains invalid or control characters.", "含有非法字符或控制字符。");
		(*nerr)++;
		return -1;
	}
	if (chars > max_chars || n >= dsz) {
		char en[96], zh[96];
		snprintf(en, sizeof en, "is too long (%zu characters, at most %zu).", chars, max_chars);
		snprintf(zh, sizeof zh, "过长（%zu 个字符，最多 %zu 个）。", chars, max_chars);
		issue(iss, max, k, f, 0, "too_long", en, zh);
		(*nerr)++;
		return -1;
	}
	memcpy(dst, b, n);
	dst[n] = 0;
	return 0;
}

static void check_name(const char *v, struct student_rec *out, struct student_issue *iss, size_t max, size_t *k, size_t *nerr)
{
	const char *b;
	size_t n;
	trim(v, &b, &n);
	if (n == 0) {
		issue(iss, max, k, SF_NAME, 0, "required", "is required.", "不能为空。");
		(*nerr)++;
		return;
	}
	size_t chars = utf8_count(b, n);
	if (chars == (size_t)-1) {
		issue(iss, max, k, SF_NAME, 0, "bad_utf8", "is not valid UTF-8.", "不是有效的 UTF-8 文本。");
		(*nerr)++;
		return;
	}
	if (chars > STUDENT_NAME_MAX) {
		char en[96], zh[96];
		snprintf(en, sizeof en, "is too long (%zu characters, at most %d).", chars, STUDENT_NAME_MAX);
		snprintf(zh, sizeof zh, "过长（%zu 个字符，最多 %d 个）。", chars, STUDENT_NAME_MAX);
		issue(iss, max, k, SF_NAME, 0, "too_long", en, zh);
		(*nerr)++;
		return;
	}
	unsigned cp, prev = 0;
	int prev_sep = 1; /* at the start a separator is not allowed */
	for (size_t i = 0; i < n;) {
		size_t l = utf8_next((const unsigned char *)b + i, n - i, &cp);
		int letter = is_cjk(cp) || is_latin(cp), sep = is_name_sep(cp);
		if (!letter && !(sep && !prev_sep)) {
			char en[160], zh[160];
			if (sep)
				snprintf(en, sizeof en, "a separator (space, dot, apostrophe, hyphen) must stand between two letters."),
				snprintf(zh, sizeof zh, "分隔符（空格、间隔号、撇号、连字符）只能出现在两个字之间。");
			else
				snprintf(en, sizeof en, "contains U+%04X, which is not a letter or CJK ideograph (emoji, digits and symbols are not allowed).", cp),
				snprintf(zh, sizeof zh, "含有非文字字符 U+%04X（不允许表情符号、数字和符号）。", cp);
			issue(iss, max, k, SF_NAME, 0, "name_chars", en, zh);
			(*nerr)++;
			return;
		}
		prev_sep = sep;
		prev = cp;
		i += l;
	}
	(void)prev;
	if (prev_sep) {
		issue(iss, max, k, SF_NAME, 0, "name_chars", "a separator (space, dot, apostrophe, hyphen) must stand between two letters.",
		      "分隔符（空格、间隔号、撇号、连字符）只能出现在两个字之间。");
		(*nerr)++;
		return;
	}
	memcpy(out->name, b, n);
	out->name[n] = 0;
}

static int eq(const char *b, size_t n, const char *lit) { return strlen(lit) == n && memcmp(b, lit, n) == 0; }

static void check_gender(const char *v, struct student_rec *out, struct student_issue *iss, size_t max, size_t *k, size_t *nerr)
{
	const char *b;
	size_t n;
	trim(v, &b, &n);
	out->gender = 0;
	if (eq(b, n, "M") || eq(b, n, "m") || eq(b, n, "男") || eq(b, n, "1"))
		out->gender = 'M';
	else if (eq(b, n, "F") || eq(b, n, "f") || eq(b, n, "女") || eq(b, n, "2"))
		out->gender = 'F';
	else if (n == 0) {
		issue(iss, max, k, SF_GENDER, 0, "required", "is required (M or F).", "不能为空（男或女）。");
		(*nerr)++;
	} else {
		issue(iss, max, k, SF_GENDER, 0, "gender", "must be M or F (male or female).", "必须是“男”或“女”。");
		(*nerr)++;
	}
}

static int check_date(const char *v, enum student_field f, int required, int min, int maxd, char out[11], int *ymd,
		      struct student_issue *iss, size_t max, size_t *k, size_t *nerr)
{
	const char *b;
	size_t n;
	int y, m, d;
	trim(v, &b, &n);
	out[0] = 0;
	*ymd = 0;
	if (n == 0) {
		if (required) {
			issue(iss, max, k, f, 0, "required", "is required.", "不能为空。");
			(*nerr)++;
			return -1;
		}
		return 0;
	}
	char t[48];
	if (n >= sizeof t || !(memcpy(t, b, n), t[n] = 0, student_parse_date(t, &y, &m, &d))) {
		issue(iss, max, k, f, 0, "date", "is not a real date (YYYY-MM-DD).", "不是有效日期（请按 2015-03-01 的格式填写）。");
		(*nerr)++;
		return -1;
	}
	int x = y * 10000 + m * 100 + d;
	if (x < min || x > maxd) {
		char en[120], zh[120];
		snprintf(en, sizeof en, "must be between %04d-%02d-%02d and %04d-%02d-%02d.", min / 10000, min / 100 % 100, min % 100,
			 maxd / 10000, maxd / 100 % 100, maxd % 100);
		snprintf(zh, sizeof zh, "必须在 %04d-%02d-%02d 与 %04d-%02d-%02d 之间。", min / 10000, min / 100 % 100, min % 100,
			 maxd / 10000, maxd / 100 % 100, maxd % 100);
		issue(iss, max, k, f, 0, "date_range", en, zh);
		(*nerr)++;
		return -1;
	}
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	*ymd = x;
	return 0;
}

/* The ID type codes of the one table (idcheck_types, R4) in words: "1, 6, 7, 8, 9, A or Z" and "1、6、7、8、9、A 或 Z". */
static void id_type_codes(char *en, size_t en_n, char *zh, size_t zh_n)
{
	size_t a = 0, b = 0;
	for (size_t i = 0; i < idcheck_types_count; i++) {
		int last = i + 1 == idcheck_types_count;
		const char *sep_en = i == 0 ? "" : last ? " or " : ", ", *sep_zh = i == 0 ? "" : last ? " 或 " : "、";
		a += (size_t)snprintf(en + a, a < en_n ? en_n - a : 0, "%s%c", sep_en, idcheck_types[i].code);
		b += (size_t)snprintf(zh + b, b < zh_n ? zh_n - b : 0, "%s%c", sep_zh, idcheck_types[i].code);
	}
}

static void check_id_type(const char *v, struct student_rec *out, struct student_issue *iss, size_t max, size_t *k, size_t *nerr)
{
	const char *b;
	size_t n;
	trim(v, &b, &n);
	out->id_type = 0;
	/* a code (a letter in either case) or a name of the one table (idcheck_types, R4) */
	const struct idcheck_type *t = n == 1 ? idcheck_type_of(b[0] >= 'a' && b[0] <= 'z' ? (char)(b[0] - 'a' + 'A') : b[0]) : NULL;
	if (t)
		out->id_type = t->code;
	for (size_t i = 0; !out->id_type && i < idcheck_types_count; i++)
		if (eq(b, n, idcheck_types[i].zh))
			out->id_type = idcheck_types[i].code;
	if (out->id_type)
		return;
	char codes_en[64], codes_zh[96], en[128], zh[160];
	id_type_codes(codes_en, sizeof codes_en, codes_zh, sizeof codes_zh);
	if (n == 0) {
		snprintf(en, sizeof en, "is required (%s).", codes_en);
		snprintf(zh, sizeof zh, "不能为空（%s）。", codes_zh);
		issue(iss, max, k, SF_ID_TYPE, 0, "required", en, zh);
	} else {
		snprintf(en, sizeof en, "is not an ID type code (%s).", codes_en);
		snprintf(zh, sizeof zh, "不是有效的证件类型代码（%s）。", codes_zh);
		issue(iss, max, k, SF_ID_TYPE, 0, "id_type", en, zh);
	}
	(*nerr)++;
}

/* 1 if an ID number looks like what a spreadsheet makes of a long number: scientific notation with E+ (1.30102E+17). */
static int looks_excel_damaged(const char *b, size_t n)
{
	size_t i = 0, digits = 0;
	while (i < n && b[i] >= '0' && b[i] <= '9')
		i++, digits++;
	if (i < n && b[i] == '.')
		for (i++; i < n && b[i] >= '0' && b[i] <= '9'; i++)
			digits++;
	if (digits && i + 1 < n && (b[i] == 'E' || b[i] == 'e')) {
		i++;
		if (b[i] != '+')
			return 0; /* a spreadsheet always writes E+ (a passport may well read 1E17) */
		i++;
		size_t exp = 0;
		while (i < n && b[i] >= '0' && b[i] <= '9')
			i++, exp++;
		if (exp && i == n)
			return 1;
	}
	return 0;
}

static void check_id_number(const char *v, int birth_ymd, int today, struct student_rec *out, struct student_issue *iss, size_t max,
			    size_t *k, size_t *nerr)
{
	const char *b;
	size_t n;
	trim(v, &b, &n);
	out->id_number[0] = 0;
	out->id_check = "ok";
	if (!out->id_type)
		return; /* the type is already reported */
	if (n == 0) {
		if (out->id_type == 'Z')
			return;
		issue(iss, max, k, SF_ID_NUMBER, 0, "required", "is required for this ID type.", "该证件类型必须填写证件号码。");
		(*nerr)++;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)b[i] <= 0x20 || (unsigned char)b[i] >= 0x7F) {
			issue(iss, max, k, SF_ID_NUMBER, 0, "id_chars", "may contain only visible ASCII characters (no spaces).",
			      "只能包含可见的 ASCII 字符（不能有空格）。");
			(*nerr)++;
			return;
		}
	if (n > STUDENT_IDNO_MAX) {
		too_long(iss, max, k, SF_ID_NUMBER, STUDENT_IDNO_MAX);
		(*nerr)++;
		return;
	}
	if (looks_excel_damaged(b, n)) {
		issue(iss, max, k, SF_ID_NUMBER, 0, "id_numeric",
		      "was turned into a number by the spreadsheet (digits were lost, e.g. 1.30102E+17): format the column as text"
		      " (Format Cells > Text, or type an apostrophe before the number) and type the number again.",
		      "被表格软件存成了数字，后几位已丢失（如 1.30102E+17）：请把该列设置为“文本”格式"
		      "（设置单元格格式→文本，或在号码前加英文单引号），再重新输入完整号码。");
		(*nerr)++;
		return;
	}
	char buf[IDCHECK_OUT_MAX], birth[9];
	if (out->id_type == '1') {
		enum id_result r = idcheck_resident_at(b, n, out->gender ? out->gender : 0, buf, birth, today);
		if (buf[0])
			memcpy(out->id_number, buf, 19);
		else {
			for (size_t i = 0; i < n; i++)
				out->id_number[i] = (char)(b[i] >= 'a' && b[i] <= 'z' ? b[i] - 32 : b[i]);
			out->id_number[n] = 0;
		}
		if (r != ID_OK) {
			/* R8.2: a malformed resident number is an "ID error" problem record, not a refusal */
			out->id_check = idcheck_code(r);
			char en[200], zh[200];
			snprintf(en, sizeof en, "%s; the record is kept and opens an ID-error problem group (R8.2).", idcheck_message_en(r));
			snprintf(zh, sizeof zh, "%s；记录已保留，并列为“身份证件号错误”问题学籍。", idcheck_message_zh(r));
			issue(iss, max, k, SF_ID_NUMBER, 1, out->id_check, en, zh);
		} else if (birth_ymd && birth[0] && atoi(birth) != birth_ymd) {
			issue(iss, max, k, SF_ID_NUMBER, 1, "id_birth_mismatch", "the date of birth in the ID number differs from birth_date.",
			      "证件号码中的出生日期与出生日期栏不一致。");
		}
		return;
	}
	enum id_result r = idcheck_by_type(out->id_type, b, n, 0, buf, sizeof buf, NULL);
	if (r != ID_OK) {
		char en[160], zh[160];
		snprintf(en, sizeof en, "%s for ID type %c.", idcheck_message_en(r), out->id_type);
		snprintf(zh, sizeof zh, "%s（证件类型 %c）。", idcheck_message_zh(r), out->id_type);
		issue(iss, max, k, SF_ID_NUMBER, 0, idcheck_code(r), en, zh);
		(*nerr)++;
		return;
	}
	snprintf(out->id_number, sizeof out->id_number, "%s", buf);
}

int student_school_code(const char *v, char out[11])
{
	const char *b;
	size_t n;
	trim(v, &b, &n);
	out[0] = 0;
	if (n != 10 || strspn(b, "0123456789") < 10)
		return 0;
	memcpy(out, b, 10);
	out[10] = 0;
	return 1;
}

static void check_school(const char *v, struct student_rec *out, struct student_issue *iss, size_t max, size_t *k, size_t *nerr)
{
	const char *b;
	size_t n;
	trim(v, &b, &n);
	if (n == 0) {
		out->school_code[0] = 0;
		issue(iss, max, k, SF_SCHOOL, 0, "required", "is required.", "不能为空。");
		(*nerr)++;
	} else if (!student_school_code(v, out->school_code)) {
		issue(iss, max, k, SF_SCHOOL, 0, "school_code", "must be the 10-digit school code.", "必须是 10 位学校标识码。");
		(*nerr)++;
	}
}

static void check_phone(const char *v, struct student_rec *out, struct student_issue *iss, size_t max, size_t *k, size_t *nerr)
{
	const char *b;
	size_t n;
	trim(v, &b, &n);
	out->phone[0] = 0;
	if (n > STUDENT_PHONE_MAX) {
		too_long(iss, max, k, SF_PHONE, STUDENT_PHONE_MAX);
		(*nerr)++;
		return;
	}
	if (strspn(b, "0123456789+-() ") < n) {
		issue(iss, max, k, SF_PHONE, 0, "phone", "may contain only digits, spaces and + - ( ).", "只能包含数字、空格和 + - ( )。");
		(*nerr)++;
		return;
	}
	memcpy(out->phone, b, n);
	out->phone[n] = 0;
}

size_t student_validate(const struct student_in *in, int today, struct student_rec *out, struct student_issue *iss,
			size_t max, size_t *nissues)
{
	size_t k = 0, nerr = 0;
	int birth_ymd = 0, enrol_ymd = 0;
	memset(out, 0, sizeof *out);
	out->id_check = "ok";
	check_name(in->v[SF_NAME], out, iss, max, &k, &nerr);
	check_gender(in->v[SF_GENDER], out, iss, max, &k, &nerr);
	check_date(in->v[SF_BIRTH], SF_BIRTH, 1, 19000101, today, out->birth, &birth_ymd, iss, max, &k, &nerr);
	check_id_type(in->v[SF_ID_TYPE], out, iss, max, &k, &nerr);
	check_id_number(in->v[SF_ID_NUMBER], birth_ymd, today, out, iss, max, &k, &nerr);
	check_school(in->v[SF_SCHOOL], out, iss, max, &k, &nerr);
	text_field(in->v[SF_GRADE], out->grade, sizeof out->grade, STUDENT_GRADE_MAX, SF_GRADE, iss, max, &k, &nerr);
	text_field(in->v[SF_CLASS], out->class_name, sizeof out->class_name, STUDENT_CLASS_MAX, SF_CLASS, iss, max, &k, &nerr);
	check_date(in->v[SF_ENROL], SF_ENROL, 0, birth_ymd ? birth_ymd : 19000101, today + 10000, out->enrol, &enrol_ymd, iss, max,
		   &k, &nerr);
	text_field(in->v[SF_GUARDIAN], out->guardian, sizeof out->guardian, STUDENT_NAME_MAX, SF_GUARDIAN, iss, max, &k, &nerr);
	check_phone(in->v[SF_PHONE], out, iss, max, &k, &nerr);
	*nissues = k < max ? k : max;
	return nerr;
}
