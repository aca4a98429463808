/* school: a school's fields and the school list file (see school.h). */
#include "school.h"
#include "json.h"
#include "tabfile.h"
#include <string.h>

/* 学校办学类型 codes a school may carry (the national code table, the kinds that hold primary and secondary pupils): the
 * one table (school.h), served at GET /api/v1/rules as school_types. */
const struct school_type school_types[] = {
	{"211", "小学", "Primary school"}, {"218", "小学教学点", "Primary teaching point"},
	{"311", "初级中学", "Junior secondary"}, {"312", "九年一贯制学校", "Nine-year school"},
	{"319", "职业初中", "Vocational junior"}, {"341", "完全中学", "Complete secondary"},
	{"342", "高级中学", "Senior secondary"}, {"345", "十二年一贯制学校", "Twelve-year school"},
	{"514", "特殊教育学校", "Special education"},
};
const size_t school_types_count = sizeof school_types / sizeof *school_types;

static int digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int school_code_ok(const char *s) { return digits(s, 10); }

const char *school_type_code(const char *t)
{
	for (size_t i = 0; t && i < school_types_count; i++)
		if (strcmp(t, school_types[i].code) == 0 || strcmp(t, school_types[i].zh) == 0)
			return school_types[i].code;
	return NULL;
}

const char *school_type_name(const char *code)
{
	for (size_t i = 0; code && i < school_types_count; i++)
		if (strcmp(code, school_types[i].code) == 0)
			return school_types[i].zh;
	return NULL;
}

static const struct { const char *field, *header; int required; } COLS[SCOL__COUNT] = {
	[SCOL_CODE] = {"code", "学校标识码", 1},     [SCOL_NAME] = {"name", "学校名称", 1},
	[SCOL_TYPE] = {"type", "办学类型", 1},       [SCOL_COUNTY] = {"county_code", "区县代码", 1},
	[SCOL_ADDRESS] = {"address", "地址", 0},
};
const char *school_col_field(enum school_col c) { return c < SCOL__COUNT ? COLS[c].field : "file"; }
const char *school_col_header(enum school_col c) { return c < SCOL__COUNT ? COLS[c].header : ""; }

static int issue(struct school_issue *i, int row_no, enum school_col col, const char *code, const char *zh, const char *en)
{
	*i = (struct school_issue){row_no, col, code, zh, en};
	return -1;
}

/* the cell trimmed of blanks (ASCII and the ideographic space), NULL when empty */
static const char *trimmed(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t b = 0, e = strlen(s);
	for (;;) {
		if (b < e && (s[b] == ' ' || s[b] == '\t'))
			b++;
		else if (e - b >= 3 && memcmp(s + b, "\xe3\x80\x80", 3) == 0)
			b += 3;
		else
			break;
	}
	for (;;) {
		if (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
			e--;
		else if (e - b >= 3 && memcmp(s + e - 3, "\xe3\x80\x80", 3) == 0)
			e -= 3;
		else
			break;
	}
	return e > b ? arena_strndup(a, s + b, e - b) : NULL;
}

int school_file_read(struct arena *a, const unsigned char *data, size_t len, int declared_xlsx, struct school_row **rows,
		     size_t *n, struct school_issue *is)
{
	struct tab_sheet t;
	char msg[300];
	enum tab_err te = tab_read(a, data, len, declared_xlsx, SCHOOL_FILE_MAX_ROWS, &t, msg, sizeof msg);
	*rows = NULL;
	*n = 0;
	if (te != TAB_OK)
		return issue(is, 0, SCOL__COUNT, tab_err_code(te), tab_err_zh(te), arena_strdup(a, msg));
	int col[SCOL__COUNT];
	for (int c = 0; c < SCOL__COUNT; c++)
		col[c] = -1;
	for (size_t c = 0; c < t.ncols; c++) {
		const char *h = trimmed(a, tab_cell(&t, 0, c));
		int f = -1;
		for (int k = 0; h && k < SCOL__COUNT; k++)
			if (strcmp(h, COLS[k].header) == 0)
				f = k;
		if (!h)
			continue;
		if (f < 0)
			return issue(is, t.row_no[0], SCOL__COUNT, "unknown_column",
				     arena_printf(a, "第 %zu 列“%s”不是学校名单的列，表头须为：学校标识码、学校名称、办学类型、区县代码、地址。", c + 1, h),
				     arena_printf(a, "Column %zu \"%s\" is not a school list column; the headers are 学校标识码, 学校名称, 办学类型, "
						     "区县代码, 地址.", c + 1, h));
		if (col[f] >= 0)
			return issue(is, t.row_no[0], SCOL__COUNT, "duplicate_column", arena_printf(a, "列“%s”出现了两次。", h),
				     arena_printf(a, "Column \"%s\" appears twice.", h));
		col[f] = (int)c;
	}
	for (int k = 0; k < SCOL__COUNT; k++)
		if (col[k] < 0 && COLS[k].required)
			return issue(is, t.row_no[0], SCOL__COUNT, "missing_column", arena_printf(a, "缺少列：%s。", COLS[k].header),
				     arena_printf(a, "Missing column: %s.", COLS[k].header));
	if (t.nrows < 2)
		return issue(is, 0, SCOL__COUNT, "no_rows", "文件只有表头，没有数据行。", "The file has a header but no data rows.");
	*n = t.nrows - 1;
	*rows = arena_alloc(a, *n * sizeof **rows);
	for (size_t r = 1; r < t.nrows; r++) {
		struct school_row *x = &(*rows)[r - 1];
		x->row_no = t.row_no[r];
		for (int k = 0; k < SCOL__COUNT; k++)
			x->f[k] = col[k] >= 0 ? trimmed(a, tab_cell(&t, r, (size_t)col[k])) : NULL;
	}
	return 0;
}

/* a text cell: no control characters, min..max characters */
static int text_ok(const char *s, size_t min, size_t max)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	size_t n = s ? json_utf8_chars(s) : 0;
	return n >= min && n <= max;
}

int school_row_check(struct arena *a, struct school_row *x, struct school_issue *is)
{
	const char **f = x->f;
	if (!school_code_ok(f[SCOL_CODE]))
		return issue(is, x->row_no, SCOL_CODE, "school_code", "学校标识码须为 10 位数字。", "The school code must be 10 digits.");
	if (!text_ok(f[SCOL_NAME], SCHOOL_NAME_MIN, SCHOOL_NAME_MAX))
		return issue(is, x->row_no, SCOL_NAME, "name", arena_printf(a, "学校名称须为 %d 到 %d 个字。", SCHOOL_NAME_MIN, SCHOOL_NAME_MAX),
			     arena_printf(a, "The name must be %d to %d characters.", SCHOOL_NAME_MIN, SCHOOL_NAME_MAX));
	const char *type = school_type_code(f[SCOL_TYPE]);
	if (!type)
		return issue(is, x->row_no, SCOL_TYPE, "school_type", "办学类型须为代码表中的代码或名称（如 211 或 小学）。",
			     "The type must be a code or name of the 学校办学类型 table (e.g. 211 or 小学).");
	f[SCOL_TYPE] = type;
	if (!digits(f[SCOL_COUNTY], 6))
		return issue(is, x->row_no, SCOL_COUNTY, "county_code", "区县代码须为 6 位数字。", "The county code must be 6 digits.");
	if (f[SCOL_ADDRESS] && !text_ok(f[SCOL_ADDRESS], 0, SCHOOL_ADDRESS_MAX))
		return issue(is, x->row_no, SCOL_ADDRESS, "address", arena_printf(a, "地址最多 %d 个字。", SCHOOL_ADDRESS_MAX),
			     arena_printf(a, "The address is at most %d characters.", SCHOOL_ADDRESS_MAX));
	return 0;
}
