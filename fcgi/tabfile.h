/* tabfile: read a school's spreadsheet (CSV in UTF-8 with or without BOM, UTF-16 with BOM, or GB18030/GBK; or the
 * first sheet of an XLSX workbook) into rows of UTF-8 cells with their real spreadsheet row numbers. No database. */
#ifndef XJ_TABFILE_H
#define XJ_TABFILE_H
#include <stddef.h>
#include "arena.h"

enum tab_format { TAB_CSV = 1, TAB_XLSX = 2 };
enum tab_kind { TK_TEXT = 0, TK_NUM, TK_BOOL, TK_ERR };

/* A sheet: rows that are not blank, the first being the header row. Everything is arena-owned. */
struct tab_sheet {
	enum tab_format format;
	const char *encoding;   /* "UTF-8", "UTF-8 BOM", "UTF-16LE", "UTF-16BE", "GB18030", or "XLSX" */
	int date1904;           /* XLSX workbook uses the 1904 date system */
	size_t nrows, ncols;    /* ncols = widest row */
	int *row_no;            /* 1-based spreadsheet row number of each row */
	const char **cell;      /* nrows * ncols, row-major; NULL where the row has no such cell */
	unsigned char *kind;    /* enum tab_kind per cell (XLSX numbers are TK_NUM with their <v> text) */
};
static inline const char *tab_cell(const struct tab_sheet *t, size_t r, size_t c) { return t->cell[r * t->ncols + c]; }
static inline int tab_kind(const struct tab_sheet *t, size_t r, size_t c) { return t->kind[r * t->ncols + c]; }

enum tab_err {
	TAB_OK = 0,
	TAB_EMPTY,         /* no bytes, or only blank rows */
	TAB_BINARY,        /* NUL or control bytes in a text file */
	TAB_ENCODING,      /* neither UTF-8 nor GB18030 (nor UTF-16 with BOM) */
	TAB_NOT_XLSX,      /* declared XLSX but not a zip, or a zip without a workbook */
	TAB_OLD_XLS,       /* Excel 97-2003 .xls (or an encrypted workbook): not supported */
	TAB_BAD_XLSX,      /* broken zip/XML, missing sheet, entry too large */
	TAB_TOO_MANY_ROWS, /* over max_rows data rows */
	TAB_TOO_MANY_COLS, /* over TAB_MAX_COLS cells in a row */
	TAB_CELL_TOO_LONG, /* a cell over TAB_MAX_CELL bytes */
	TAB_QUOTE,         /* a quoted CSV field is never closed */
};
#define TAB_MAX_COLS 64
#define TAB_MAX_CELL 32767

/* Read data[0..len). declared_xlsx: the client said XLSX (content type or file name): a body that is not a
 * zip is then TAB_NOT_XLSX. The format is decided by content: "PK\3\4" is XLSX, OLE2 is TAB_OLD_XLS, anything
 * else is CSV (comma or, when the header has tabs but no commas, tab separated). CSV encoding: a UTF-8 BOM,
 * a UTF-16 BOM, else valid UTF-8 is UTF-8, else GB18030 (a superset of GBK and GB2312) via iconv.
 * max_rows limits the data rows (header excluded). On error fills msg (English, with a row number where
 * one applies) and returns the error; out is then unusable. All memory from a. */
enum tab_err tab_read(struct arena *a, const unsigned char *data, size_t len, int declared_xlsx, size_t max_rows,
		      struct tab_sheet *out, char *msg, size_t msgsz);
/* Stable code for an error: "empty_file", "binary_file", "encoding", "not_xlsx", "xls_unsupported",
 * "bad_xlsx", "too_many_rows", "too_many_columns", "cell_too_long", "unclosed_quote". Static. */
const char *tab_err_code(enum tab_err e);
/* Chinese message for an error. Static. */
const char *tab_err_zh(enum tab_err e);

/* Excel serial day number to YYYY-MM-DD (1900 system with Excel's fictitious 29 Feb 1900, or 1904 system).
 * The fraction (time of day) is ignored. 0 on success, -1 when out of range (before 1900-01-01 or after 9999). */
int tab_excel_date(double serial, int date1904, char out[11]);

#endif
