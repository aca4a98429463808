/* school: what a school (unit level 4) is made of, without a database (issue 16 item 1, R1): the 10-digit school code
 * (学校标识码), the 学校办学类型 code table, and the school list file (CSV/XLSX through tabfile.c) with its checks. */
#ifndef XJ_SCHOOL_H
#define XJ_SCHOOL_H
#include <stddef.h>
#include "arena.h"

/* The 学校办学类型 table (R1), the one place of the school types: code, Chinese name (a school list may give either),
 * English name. GET /api/v1/rules serves it (school_types): the app's choices and labels. */
struct school_type {
	const char *code, *zh, *en;
};
extern const struct school_type school_types[];
extern const size_t school_types_count;

/* 1 if s is a 10-digit school code. */
int school_code_ok(const char *s);
/* The type code of t, a 学校办学类型 code ("211") or its Chinese name ("小学"); NULL if neither. Static. */
const char *school_type_code(const char *t);
/* Chinese name of a type code; NULL if unknown. Static. */
const char *school_type_name(const char *code);

/* The columns of a school list file (headers in Chinese, as the template's). */
enum school_col { SCOL_CODE = 0, SCOL_NAME, SCOL_TYPE, SCOL_COUNTY, SCOL_ADDRESS, SCOL__COUNT };
/* JSON field name and header of a column. Static. */
const char *school_col_field(enum school_col c);
const char *school_col_header(enum school_col c);

/* A problem of the file or of one row: stable code, texts, the row (0: the file) and column. */
struct school_issue {
	int row_no;
	enum school_col col; /* SCOL__COUNT: the file */
	const char *code, *zh, *en;
};
/* A data row, cells trimmed (NULL when empty); type is the code once the row checks. */
struct school_row {
	int row_no;
	const char *f[SCOL__COUNT];
};
#define SCHOOL_FILE_MAX_ROWS 5000
/* A school's text fields, in characters (R1): the file import and the API check them, GET /api/v1/rules serves them. */
#define SCHOOL_NAME_MIN 2
#define SCHOOL_NAME_MAX 60
#define SCHOOL_ADDRESS_MAX 200

/* Read a school list (tab_read; header row with the five headers, address optional, in any order). On a problem of
 * the file returns -1 and fills *issue (row_no 0). All memory from a. */
int school_file_read(struct arena *a, const unsigned char *data, size_t len, int declared_xlsx, struct school_row **rows,
		     size_t *n, struct school_issue *issue);
/* Check one row's own fields (code, name, type, county code format, address; R1); fills issue and returns -1 on the
 * first problem; normalises f[SCOL_TYPE] to its code. */
int school_row_check(struct arena *a, struct school_row *row, struct school_issue *issue);

#endif
