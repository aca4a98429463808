/* student: pure validation and normalisation of one student record's fields (SPEC R4, R8.2), shared by the
 * registration API, the provincial batch, file imports and (for changes, R15) the workflow. No I/O. */
#ifndef XJ_STUDENT_H
#define XJ_STUDENT_H
#include <stddef.h>

/* The fields of a record, in the order of the import template's columns. */
enum student_field {
	SF_NAME = 0, SF_GENDER, SF_BIRTH, SF_ID_TYPE, SF_ID_NUMBER, SF_SCHOOL, SF_GRADE, SF_CLASS, SF_ENROL, SF_GUARDIAN, SF_PHONE,
	SF__COUNT
};
/* JSON name ("name", "gender", "birth_date", "id_type", "id_number", "school_code", "grade", "class_name",
 * "enrol_date", "guardian_name", "guardian_phone"); static. */
const char *student_field_json(enum student_field f);
/* Template header (姓名, 性别, 出生日期, 证件类型, 证件号码, 学校标识码, 年级, 班级, 入学日期, 监护人姓名, 监护人联系电话:
 * every field of R4 a school enters); static. */
const char *student_field_header(enum student_field f);
/* Field for a column header: the Chinese header or the JSON name, surrounding spaces ignored; -1 if unknown. */
int student_field_by_header(const char *h, size_t len);
/* Header of the error column the failed-rows file adds: an import ignores that column, so the fixed file goes back in
 * as it is (issue 11). */
#define STUDENT_ERROR_COLUMN "错误信息"
/* 1 if a file must have this column (name, gender, birth date, ID type, ID number, school code; a school's own clerk may
 * leave the school code out: the import fills it). */
int student_field_required_column(enum student_field f);

/* Limits (characters, not bytes). */
#define STUDENT_NAME_MAX 50
#define STUDENT_GRADE_MAX 20
#define STUDENT_CLASS_MAX 40
#define STUDENT_PHONE_MAX 30
#define STUDENT_IDNO_MAX 30

/* Raw input: one string per field, NULL or "" when absent. */
struct student_in {
	const char *v[SF__COUNT];
};

/* A valid, normalised record. */
struct student_rec {
	char name[4 * STUDENT_NAME_MAX + 1]; /* trimmed */
	char gender;                          /* 'M' or 'F' */
	char birth[11];                       /* YYYY-MM-DD */
	char id_type;                         /* '1' '6' '7' '8' '9' 'A' 'Z' */
	char id_number[STUDENT_IDNO_MAX + 1]; /* normalised; "" when none (type Z) */
	const char *id_check;                 /* "ok" or the idcheck code of a malformed resident number (R8.2) */
	char school_code[11];
	char grade[4 * STUDENT_GRADE_MAX + 1];
	char class_name[4 * STUDENT_CLASS_MAX + 1];
	char enrol[11];                       /* YYYY-MM-DD or "" */
	char guardian[4 * STUDENT_NAME_MAX + 1]; /* guardian's name (R4 guardian contact), "" when not given */
	char phone[STUDENT_PHONE_MAX + 1];
};

/* One finding about a field. A warning does not stop the record (e.g. a malformed resident ID number,
 * which R8.2 makes an "ID error" problem group rather than a refusal). */
struct student_issue {
	enum student_field field;
	int warning;
	const char *code;      /* stable machine code, static */
	char en[400];          /* English message naming the field (cut at a character boundary when longer) */
	char zh[400];          /* Chinese message naming the column (likewise) */
};
#define STUDENT_MAX_ISSUES (2 * SF__COUNT)

/* Validate and normalise in into out. today is the current date as YYYYMMDD (see student_today).
 * Writes up to max issues (errors and warnings, in field order) and returns the number of ERRORS;
 * *nissues receives the number written. Rules (documented in the README):
 *   name: 1-50 characters after trimming spaces; letters only: CJK ideographs (incl. the rare ones outside
 *     the BMP, extensions B-H), 〇, Latin letters (incl. accented), and between two letters a single space,
 *     middle dot (· or ・), apostrophe, hyphen or full stop. Emoji, symbols, digits, '|' and other
 *     punctuation are refused.
 *   gender: M/F, 男/女, or 1/2 (GB/T 2261.1).
 *   birth_date: a real date, YYYY-MM-DD (also / or . separators, YYYYMMDD, YYYY年M月D日), 1900-01-01..today.
 *   id_type: 1 6 7 8 9 A Z (lower case accepted) or the type's Chinese name.
 *   id_number: required unless type Z; at most 30 visible ASCII characters. A number a spreadsheet turned into a
 *     floating-point number (1.30102E+17: digits lost) is refused (id_numeric) with how to keep the column as text.
 *     Type 1: checked by
 *     idcheck_resident with the gender; a malformed number is a WARNING with id_check set (R8.2), a
 *     15-digit number is converted to 18; a date differing from birth_date is a warning. Other types:
 *     idcheck_by_type must pass (error otherwise).
 *   school_code: 10 digits (existence and jurisdiction are the caller's business).
 *   grade <= 20, class_name <= 40, guardian_name <= 50 characters, no control characters; enrol_date optional, a real date
 *     not before birth_date nor more than a year ahead; guardian_phone optional, <= 30 of digits + - ( ) space. */
size_t student_validate(const struct student_in *in, int today, struct student_rec *out, struct student_issue *iss,
			size_t max, size_t *nissues);

/* Parse a date in the accepted formats into y/m/d; 1 if it is a real date, else 0. */
/* The school code of cell text v, as student_validate takes it (blanks trimmed, 10 digits) into out; 0 (out "") when v
 * is not one. */
int student_school_code(const char *v, char out[11]);
int student_parse_date(const char *s, int *y, int *m, int *d);
/* Today as YYYYMMDD (idcheck_today: the registry's time zone). */
int student_today(void);

#endif
