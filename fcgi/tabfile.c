/* tabfile: CSV (UTF-8/BOM, UTF-16 BOM, GB18030 via iconv) and XLSX (libzip + libxml2 reader) into rows of cells. */
#include "tabfile.h"
#include "xmalloc.h"
#include "sbuf.h"
#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <libxml/xmlreader.h>
#include <libxml/parser.h>

#define XLSX_ENTRY_MAX (256u << 20)  /* largest uncompressed part we inflate */
#define XLSX_MAX_RATIO 100           /* and at most this many times its compressed size (zip bombs) */

const char *tab_err_code(enum tab_err e)
{
	switch (e) {
	case TAB_OK: return "ok";
	case TAB_EMPTY: return "empty_file";
	case TAB_BINARY: return "binary_file";
	case TAB_ENCODING: return "encoding";
	case TAB_NOT_XLSX: return "not_xlsx";
	case TAB_OLD_XLS: return "xls_unsupported";
	case TAB_BAD_XLSX: return "bad_xlsx";
	case TAB_TOO_MANY_ROWS: return "too_many_rows";
	case TAB_TOO_MANY_COLS: return "too_many_columns";
	case TAB_CELL_TOO_LONG: return "cell_too_long";
	case TAB_QUOTE: return "unclosed_quote";
	}
	return "unknown";
}

const char *tab_err_zh(enum tab_err e)
{
	switch (e) {
	case TAB_OK: return "正确";
	case TAB_EMPTY: return "文件为空或没有内容。";
	case TAB_BINARY: return "文件不是文本（CSV）文件。";
	case TAB_ENCODING: return "文件编码无法识别：请保存为 UTF-8 或 GB18030/GBK 编码的 CSV，或 XLSX。";
	case TAB_NOT_XLSX: return "文件不是有效的 XLSX 工作簿。";
	case TAB_OLD_XLS: return "不支持 Excel 97-2003（.xls）或加密的工作簿：请另存为 XLSX 或 CSV。";
	case TAB_BAD_XLSX: return "XLSX 文件已损坏或无法读取。";
	case TAB_TOO_MANY_ROWS: return "文件行数过多。";
	case TAB_TOO_MANY_COLS: return "文件列数过多。";
	case TAB_CELL_TOO_LONG: return "单元格内容过长。";
	case TAB_QUOTE: return "CSV 中的引号没有闭合。";
	}
	return "未知错误";
}

static enum tab_err fail(enum tab_err e, char *msg, size_t msgsz, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum tab_err fail(enum tab_err e, char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (msg && msgsz)
		vsnprintf(msg, msgsz, fmt, ap);
	va_end(ap);
	return e;
}

/* ---- row builder: cells collected flat, laid out at the end ---- */

struct brow {
	size_t first, count;
	int row_no;
};
struct builder {
	struct arena *a;
	const char **val;
	unsigned short *col;
	unsigned char *kind;
	size_t n, cap;
	struct brow *rows;
	size_t nrows, cap_rows, ncols, max_rows;
};

static void b_free(struct builder *b)
{
	free(b->val);
	free(b->col);
	free(b->kind);
	free(b->rows);
}

static void b_begin(struct builder *b, int row_no)
{
	if (b->nrows == b->cap_rows) {
		b->cap_rows = b->cap_rows ? b->cap_rows * 2 : 1024;
		b->rows = xrealloc(b->rows, b->cap_rows * sizeof *b->rows);
	}
	b->rows[b->nrows] = (struct brow){b->n, 0, row_no};
}

static void b_cell(struct builder *b, size_t col, const char *v, unsigned char kind)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8192;
		b->val = xrealloc(b->val, b->cap * sizeof *b->val);
		b->col = xrealloc(b->col, b->cap * sizeof *b->col);
		b->kind = xrealloc(b->kind, b->cap);
	}
	b->val[b->n] = v;
	b->col[b->n] = (unsigned short)col;
	b->kind[b->n] = kind;
	b->n++;
	if (col + 1 > b->ncols)
		b->ncols = col + 1;
}

static int blank_str(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/* End the current row: kept unless blank. Returns 0, or -1 when over max_rows data rows. */
static int b_end(struct builder *b)
{
	struct brow *r = &b->rows[b->nrows];
	r->count = b->n - r->first;
	int blank = 1;
	for (size_t i = r->first; i < b->n && blank; i++)
		if (!blank_str(b->val[i]))
			blank = 0;
	if (blank) {
		b->n = r->first;
		return 0;
	}
	b->nrows++;
	return b->nrows > b->max_rows + 1 ? -1 : 0;
}

static void b_finish(struct builder *b, struct tab_sheet *out)
{
	size_t nc = b->ncols ? b->ncols : 1;
	out->nrows = b->nrows;
	out->ncols = nc;
	out->row_no = arena_alloc(b->a, (b->nrows + 1) * sizeof *out->row_no);
	out->cell = arena_calloc(b->a, (b->nrows * nc + 1) * sizeof *out->cell);
	out->kind = arena_calloc(b->a, b->nrows * nc + 1);
	for (size_t r = 0; r < b->nrows; r++) {
		out->row_no[r] = b->rows[r].row_no;
		for (size_t i = b->rows[r].first; i < b->rows[r].first + b->rows[r].count; i++) {
			out->cell[r * nc + b->col[i]] = b->val[i];
			out->kind[r * nc + b->col[i]] = b->kind[i];
		}
	}
}

/* ---- text encodings ---- */

static int utf8_valid(const unsigned char *s, size_t n, size_t *bad)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0)
			len = 2, cp = c & 0x1F, min = 0x80;
		else if ((c & 0xF0) == 0xE0)
			len = 3, cp = c & 0x0F, min = 0x800;
		else if ((c & 0xF8) == 0xF0)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			goto bad;
		if (i + len > n)
			goto bad;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		i += len;
	}
	return 1;
bad:
	*bad = i;
	return 0;
}

/* Convert in[0..n) from `from` to UTF-8 into the arena; NULL on an invalid sequence (*bad = its offset). */
static char *to_utf8(struct arena *a, const char *from, const unsigned char *in, size_t n, size_t *outn, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = 2 * n + 8;
	char *out = arena_alloc(a, cap), *op = out;
	char *ip = (char *)in;
	size_t il = n, ol = cap - 1;
	char *res = out;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		*bad = (size_t)(ip - (char *)in);
		res = NULL;
	} else {
		*op = 0;
		*outn = (size_t)(op - out);
	}
	iconv_close(cd);
	return res;
}

/* ---- CSV ---- */

static enum tab_err parse_csv(struct arena *a, char *t, size_t n, size_t max_rows, struct tab_sheet *out, char *msg, size_t msgsz)
{
	struct builder b = {.a = a, .max_rows = max_rows};
	enum tab_err e = TAB_OK;
	for (size_t i = 0; i < n; i++)
		if (t[i] == 0) {
			e = fail(TAB_BINARY, msg, msgsz, "The file contains NUL bytes: it is not a CSV text file.");
			goto out;
		}
	/* separator from the first line (outside quotes): tab when it has tabs and no commas */
	char sep = ',';
	{
		int q = 0, commas = 0, tabs = 0;
		for (size_t i = 0; i < n && (q || (t[i] != '\n' && t[i] != '\r')); i++) {
			if (t[i] == '"')
				q = !q;
			else if (!q && t[i] == ',')
				commas++;
			else if (!q && t[i] == '\t')
				tabs++;
		}
		if (tabs && !commas)
			sep = '\t';
	}
	size_t r = 0, w = 0;
	int row_no = 0;
	while (r < n) {
		row_no++;
		b_begin(&b, row_no);
		size_t col = 0;
		for (;;) { /* one cell */
			char *cell = t + w;
			if (r < n && t[r] == '"') {
				int start_row = row_no;
				r++;
				for (;;) {
					if (r >= n) {
						e = fail(TAB_QUOTE, msg, msgsz, "Row %d: a quoted field is never closed.", start_row);
						goto out;
					}
					if (t[r] == '"') {
						if (r + 1 < n && t[r + 1] == '"') {
							t[w++] = '"';
							r += 2;
							continue;
						}
						r++;
						break;
					}
					t[w++] = t[r++];
				}
				/* lenient: text after the closing quote belongs to the cell */
				while (r < n && t[r] != sep && t[r] != '\n' && t[r] != '\r')
					t[w++] = t[r++];
			} else {
				while (r < n && t[r] != sep && t[r] != '\n' && t[r] != '\r')
					t[w++] = t[r++];
			}
			size_t clen = (size_t)(t + w - cell);
			int at_sep = r < n && t[r] == sep;
			/* the separator or line end we stand on is at index r >= w: safe to overwrite after reading it */
			if (r < n && t[r] == '\r')
				r += (r + 1 < n && t[r + 1] == '\n') ? 2 : 1;
			else if (r < n)
				r++;
			t[w++] = 0;
			if (clen > TAB_MAX_CELL) {
				e = fail(TAB_CELL_TOO_LONG, msg, msgsz, "Row %d, column %zu: the cell is longer than %d bytes.", row_no, col + 1,
					 TAB_MAX_CELL);
				goto out;
			}
			if (col >= TAB_MAX_COLS) {
				e = fail(TAB_TOO_MANY_COLS, msg, msgsz, "Row %d has more than %d columns.", row_no, TAB_MAX_COLS);
				goto out;
			}
			b_cell(&b, col++, cell, TK_TEXT);
			if (!at_sep)
				break;
			if (r >= n) { /* trailing separator at end of file: one more empty cell */
				t[w] = 0;
				b_cell(&b, col++, t + w, TK_TEXT);
				break;
			}
		}
		if (b_end(&b) != 0) {
			e = fail(TAB_TOO_MANY_ROWS, msg, msgsz, "The file has more than %zu data rows; split it.", max_rows);
			goto out;
		}
	}
	if (b.nrows == 0) {
		e = fail(TAB_EMPTY, msg, msgsz, "The file is empty.");
		goto out;
	}
	b_finish(&b, out);
out:
	b_free(&b);
	return e;
}

/* ---- XLSX ---- */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

/* Inflate one zip entry (NUL-terminated, malloc-owned) or NULL when absent / too large (*too_big). */
static char *zip_read(zip_t *z, const char *name, size_t *len, int *too_big)
{
	zip_stat_t st;
	*too_big = 0;
	zip_stat_init(&st);
	if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
		return NULL;
	if (st.size > XLSX_ENTRY_MAX ||
	    ((st.valid & ZIP_STAT_COMP_SIZE) && st.size > (1u << 20) && st.size / XLSX_MAX_RATIO > st.comp_size)) {
		*too_big = 1;
		return NULL;
	}
	zip_file_t *f = zip_fopen(z, name, 0);
	if (!f)
		return NULL;
	char *buf = xmalloc(st.size + 1);
	zip_uint64_t got = 0;
	while (got < st.size) {
		zip_int64_t k = zip_fread(f, buf + got, st.size - got);
		if (k <= 0)
			break;
		got += (zip_uint64_t)k;
	}
	zip_fclose(f);
	if (got != st.size) {
		free(buf);
		return NULL;
	}
	buf[got] = 0;
	*len = got;
	return buf;
}

static xmlTextReaderPtr xml_reader(const char *buf, size_t len)
{
	pthread_once(&xml_once, xml_init);
	/* no network, no entity substitution, no DTD loading (XXE / billion laughs) */
	return xmlReaderForMemory(buf, (int)len, NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
}

/* Attribute by local name (any namespace), malloc-owned by libxml2 (xmlFree) or NULL. */
static char *attr(xmlTextReaderPtr rd, const char *local)
{
	char *v = NULL;
	if (xmlTextReaderMoveToFirstAttribute(rd) == 1) {
		do {
			if (strcmp((const char *)xmlTextReaderConstLocalName(rd), local) == 0) {
				v = (char *)xmlTextReaderValue(rd);
				break;
			}
		} while (xmlTextReaderMoveToNextAttribute(rd) == 1);
		xmlTextReaderMoveToElement(rd);
	}
	return v;
}

static int name_is(xmlTextReaderPtr rd, const char *n) { return strcmp((const char *)xmlTextReaderConstLocalName(rd), n) == 0; }

/* Column index (0-based) from a cell reference like "AB12"; -1 if none. */
static long col_of(const char *ref)
{
	long c = 0;
	int any = 0;
	for (; ref && *ref >= 'A' && *ref <= 'Z'; ref++, any = 1)
		c = c * 26 + (*ref - 'A' + 1);
	return any ? c - 1 : -1;
}

/* Shared strings: an arena array of n strings. */
static int read_shared(struct arena *a, const char *xml, size_t len, const char ***out, size_t *nout)
{
	xmlTextReaderPtr rd = xml_reader(xml, len);
	if (!rd)
		return -1;
	size_t cap = 1024, n = 0;
	const char **v = xmalloc(cap * sizeof *v);
	struct sbuf cur = {0};
	int in_si = 0, in_t = 0, in_rph = 0, rc;
	sbuf_puts(&cur, "");
	while ((rc = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(rd);
			if (name_is(rd, "si")) {
				in_si = 1;
				cur.n = 0;
				cur.s[0] = 0;
				if (empty)
					goto push;
			} else if (name_is(rd, "rPh") && !empty)
				in_rph = 1;
			else if (name_is(rd, "t") && !empty)
				in_t = 1;
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (name_is(rd, "si"))
				goto push;
			if (name_is(rd, "rPh"))
				in_rph = 0;
			else if (name_is(rd, "t"))
				in_t = 0;
		} else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
			    type == XML_READER_TYPE_CDATA) && in_si && in_t && !in_rph) {
			sbuf_puts(&cur, (const char *)xmlTextReaderConstValue(rd));
		}
		continue;
	push:
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n++] = arena_strndup(a, cur.s, cur.n);
		in_si = in_t = in_rph = 0;
	}
	xmlFreeTextReader(rd);
	free(cur.s);
	if (rc < 0) {
		free(v);
		return -1;
	}
	*out = arena_alloc(a, (n + 1) * sizeof **out);
	memcpy(*out, v, n * sizeof *v);
	*nout = n;
	free(v);
	return 0;
}

/* Format an XLSX number: integral values below 1e15 as plain integers (school codes, grades), others as given. */
static const char *num_text(struct arena *a, const char *v)
{
	char *end;
	double d = strtod(v, &end);
	if (*end || !isfinite(d))
		return arena_strdup(a, v);
	if (d == floor(d) && fabs(d) < 1e15)
		return arena_printf(a, "%.0f", d);
	return arena_strdup(a, v);
}

static enum tab_err read_sheet(struct arena *a, const char *xml, size_t len, const char **ss, size_t nss, size_t max_rows,
			       struct tab_sheet *out, char *msg, size_t msgsz)
{
	struct builder b = {.a = a, .max_rows = max_rows};
	enum tab_err e = TAB_OK;
	xmlTextReaderPtr rd = xml_reader(xml, len);
	struct sbuf val = {0}, inl = {0};
	int rc, row_no = 0, in_row = 0, in_c = 0, in_v = 0, in_is = 0, in_t = 0, in_rph = 0;
	long col = -1, prev_col = -1;
	char ctype[16] = "";
	if (!rd)
		return fail(TAB_BAD_XLSX, msg, msgsz, "The worksheet cannot be read.");
	sbuf_puts(&val, "");
	sbuf_puts(&inl, "");
	while ((rc = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(rd);
			if (name_is(rd, "row")) {
				char *rv = attr(rd, "r");
				int rn = rv ? atoi(rv) : row_no + 1;
				xmlFree(rv);
				row_no = rn > row_no ? rn : row_no + 1;
				b_begin(&b, row_no);
				prev_col = -1;
				in_row = 1;
				if (empty)
					goto end_row;
			} else if (name_is(rd, "c") && in_row) {
				char *rv = attr(rd, "r"), *tv = attr(rd, "t");
				col = rv ? col_of(rv) : prev_col + 1;
				if (col < 0)
					col = prev_col + 1;
				prev_col = col;
				snprintf(ctype, sizeof ctype, "%s", tv ? tv : "n");
				xmlFree(rv);
				xmlFree(tv);
				val.n = 0, val.s[0] = 0;
				inl.n = 0, inl.s[0] = 0;
				in_c = !empty;
			} else if (in_c && name_is(rd, "v") && !empty)
				in_v = 1;
			else if (in_c && name_is(rd, "is"))
				in_is = !empty;
			else if (in_is && name_is(rd, "rPh") && !empty)
				in_rph = 1;
			else if (in_is && name_is(rd, "t") && !empty)
				in_t = 1;
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (name_is(rd, "v"))
				in_v = 0;
			else if (name_is(rd, "t"))
				in_t = 0;
			else if (name_is(rd, "rPh"))
				in_rph = 0;
			else if (name_is(rd, "is"))
				in_is = 0;
			else if (name_is(rd, "c") && in_c) {
				in_c = 0;
				const char *v = NULL;
				unsigned char kind = TK_TEXT;
				if (strcmp(ctype, "s") == 0) {
					char *end;
					unsigned long idx = strtoul(val.s, &end, 10);
					if (*end || !*val.s || idx >= nss) {
						e = fail(TAB_BAD_XLSX, msg, msgsz, "Row %d: a cell refers to a missing shared string.", row_no);
						goto out;
					}
					v = ss[idx];
				} else if (strcmp(ctype, "inlineStr") == 0)
					v = arena_strndup(a, inl.s, inl.n);
				else if (strcmp(ctype, "str") == 0)
					v = arena_strndup(a, val.s, val.n);
				else if (strcmp(ctype, "b") == 0)
					v = arena_strndup(a, val.s, val.n), kind = TK_BOOL;
				else if (strcmp(ctype, "e") == 0)
					v = arena_strndup(a, val.s, val.n), kind = TK_ERR;
				else if (strcmp(ctype, "d") == 0)
					v = arena_strndup(a, val.s, val.n < 10 ? val.n : 10);
				else if (val.n)
					v = num_text(a, val.s), kind = TK_NUM;
				if (v && *v) {
					if (col >= TAB_MAX_COLS) {
						e = fail(TAB_TOO_MANY_COLS, msg, msgsz, "Row %d has more than %d columns.", row_no, TAB_MAX_COLS);
						goto out;
					}
					if (strlen(v) > TAB_MAX_CELL) {
						e = fail(TAB_CELL_TOO_LONG, msg, msgsz, "Row %d: a cell is longer than %d bytes.", row_no, TAB_MAX_CELL);
						goto out;
					}
					b_cell(&b, (size_t)col, v, kind);
				}
			} else if (name_is(rd, "row") && in_row) {
			end_row:
				in_row = 0;
				if (b_end(&b) != 0) {
					e = fail(TAB_TOO_MANY_ROWS, msg, msgsz, "The sheet has more than %zu data rows; split it.", max_rows);
					goto out;
				}
			}
		} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
			   type == XML_READER_TYPE_CDATA) {
			if (in_v)
				sbuf_puts(&val, (const char *)xmlTextReaderConstValue(rd));
			else if (in_is && in_t && !in_rph)
				sbuf_puts(&inl, (const char *)xmlTextReaderConstValue(rd));
		}
	}
	if (rc < 0) {
		e = fail(TAB_BAD_XLSX, msg, msgsz, "The worksheet XML is broken near row %d.", row_no);
		goto out;
	}
	if (b.nrows == 0) {
		e = fail(TAB_EMPTY, msg, msgsz, "The first worksheet is empty.");
		goto out;
	}
	b_finish(&b, out);
out:
	xmlFreeTextReader(rd);
	free(val.s);
	free(inl.s);
	b_free(&b);
	return e;
}

/* First sheet's part name and the shared strings' part name from workbook.xml and its rels. */
static void find_parts(zip_t *z, char *sheet, size_t sheetsz, char *shared, size_t sharedsz, int *date1904)
{
	size_t len;
	int big;
	char rid[64] = "";
	snprintf(sheet, sheetsz, "xl/worksheets/sheet1.xml");
	snprintf(shared, sharedsz, "xl/sharedStrings.xml");
	char *wb = zip_read(z, "xl/workbook.xml", &len, &big);
	if (wb) {
		xmlTextReaderPtr rd = xml_reader(wb, len);
		while (rd && xmlTextReaderRead(rd) == 1) {
			if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT)
				continue;
			if (name_is(rd, "workbookPr")) {
				char *v = attr(rd, "date1904");
				*date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
				xmlFree(v);
			} else if (name_is(rd, "sheet") && !rid[0]) {
				char *v = attr(rd, "id");
				if (v)
					snprintf(rid, sizeof rid, "%s", v);
				xmlFree(v);
			}
		}
		xmlFreeTextReader(rd);
		free(wb);
	}
	char *rels = zip_read(z, "xl/_rels/workbook.xml.rels", &len, &big);
	if (!rels)
		return;
	xmlTextReaderPtr rd = xml_reader(rels, len);
	while (rd && xmlTextReaderRead(rd) == 1) {
		if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT || !name_is(rd, "Relationship"))
			continue;
		char *id = attr(rd, "Id"), *target = attr(rd, "Target"), *type = attr(rd, "Type");
		if (target && !strstr(target, "..")) {
			char *dst = NULL;
			size_t dsz = 0;
			if (id && rid[0] && strcmp(id, rid) == 0)
				dst = sheet, dsz = sheetsz;
			else if (type && strlen(type) >= 14 && strcmp(type + strlen(type) - 14, "/sharedStrings") == 0)
				dst = shared, dsz = sharedsz;
			if (dst) {
				if (target[0] == '/')
					snprintf(dst, dsz, "%s", target + 1);
				else
					snprintf(dst, dsz, "xl/%s", target);
			}
		}
		xmlFree(id);
		xmlFree(target);
		xmlFree(type);
	}
	xmlFreeTextReader(rd);
	free(rels);
}

static enum tab_err parse_xlsx(struct arena *a, const unsigned char *data, size_t len, size_t max_rows, struct tab_sheet *out,
			       char *msg, size_t msgsz)
{
	enum tab_err e = TAB_OK;
	zip_error_t ze;
	zip_error_init(&ze);
	char *sheet_xml = NULL, *shared_xml = NULL;
	zip_t *z = NULL;
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src)
		return fail(TAB_BAD_XLSX, msg, msgsz, "The XLSX file cannot be opened.");
	z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!z) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return fail(TAB_BAD_XLSX, msg, msgsz, "The XLSX file is not a readable zip archive.");
	}
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat(z, "xl/workbook.xml", 0, &st) != 0) {
		e = fail(TAB_NOT_XLSX, msg, msgsz, "The zip archive is not an XLSX workbook (no xl/workbook.xml).");
		goto out;
	}
	char sheet[256], shared[256];
	out->date1904 = 0;
	find_parts(z, sheet, sizeof sheet, shared, sizeof shared, &out->date1904);
	size_t slen = 0, sslen = 0, nss = 0;
	int big = 0;
	const char **ss = NULL;
	shared_xml = zip_read(z, shared, &sslen, &big);
	if (big) {
		e = fail(TAB_BAD_XLSX, msg, msgsz, "The workbook's shared strings are too large.");
		goto out;
	}
	if (shared_xml && read_shared(a, shared_xml, sslen, &ss, &nss) != 0) {
		e = fail(TAB_BAD_XLSX, msg, msgsz, "The workbook's shared strings are broken.");
		goto out;
	}
	sheet_xml = zip_read(z, sheet, &slen, &big);
	if (!sheet_xml) {
		e = fail(TAB_BAD_XLSX, msg, msgsz, big ? "The first worksheet is too large." : "The workbook has no readable first worksheet.");
		goto out;
	}
	e = read_sheet(a, sheet_xml, slen, ss, nss, max_rows, out, msg, msgsz);
out:
	free(sheet_xml);
	free(shared_xml);
	zip_discard(z);
	zip_error_fini(&ze);
	return e;
}

enum tab_err tab_read(struct arena *a, const unsigned char *data, size_t len, int declared_xlsx, size_t max_rows,
		      struct tab_sheet *out, char *msg, size_t msgsz)
{
	static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	memset(out, 0, sizeof *out);
	if (msg && msgsz)
		msg[0] = 0;
	if (len == 0)
		return fail(TAB_EMPTY, msg, msgsz, "The file is empty.");
	if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
		out->format = TAB_XLSX;
		out->encoding = "XLSX";
		return parse_xlsx(a, data, len, max_rows, out, msg, msgsz);
	}
	if (len >= 8 && memcmp(data, ole2, 8) == 0)
		return fail(TAB_OLD_XLS, msg, msgsz,
			    "Excel 97-2003 (.xls) and encrypted workbooks are not supported: save the sheet as XLSX or CSV.");
	if (declared_xlsx)
		return fail(TAB_NOT_XLSX, msg, msgsz, "The file was sent as XLSX but is not an XLSX (zip) file.");
	out->format = TAB_CSV;
	char *text = NULL;
	size_t n = 0, bad = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		out->encoding = "UTF-8 BOM";
		if (!utf8_valid(data + 3, len - 3, &bad))
			return fail(TAB_ENCODING, msg, msgsz, "The file starts with a UTF-8 BOM but is not valid UTF-8 (byte %zu).", bad + 3);
		n = len - 3;
		text = arena_strndup(a, (const char *)data + 3, n);
	} else if (len >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) {
		out->encoding = data[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
		text = to_utf8(a, out->encoding, data + 2, len - 2, &n, &bad);
		if (!text)
			return fail(TAB_ENCODING, msg, msgsz, "The file starts with a UTF-16 BOM but is not valid UTF-16 (byte %zu).", bad + 2);
	} else if (utf8_valid(data, len, &bad)) {
		out->encoding = "UTF-8";
		n = len;
		text = arena_strndup(a, (const char *)data, n);
	} else {
		size_t bad_utf8 = bad;
		out->encoding = "GB18030";
		text = to_utf8(a, "GB18030", data, len, &n, &bad);
		if (!text)
			return fail(TAB_ENCODING, msg, msgsz,
				    "The file is neither UTF-8 (invalid at byte %zu) nor GB18030/GBK (invalid at byte %zu): save it as UTF-8 "
				    "or GBK CSV, or as XLSX.",
				    bad_utf8, bad);
	}
	return parse_csv(a, text, n, max_rows, out, msg, msgsz);
}

int tab_excel_date(double serial, int date1904, char out[11])
{
	if (!isfinite(serial) || serial < 1 || serial > 2958465)
		return -1;
	long days = (long)floor(serial);
	/* days since 1970-01-01 of the serial's date */
	long epoch;
	if (date1904)
		epoch = days - 24107; /* 1904-01-01 is serial 0 = -24107 days from 1970 */
	else {
		if (days == 60)
			return -1; /* Excel's fictitious 1900-02-29 */
		if (days < 60)
			days += 1;
		epoch = days - 25569; /* 1899-12-30 + days */
	}
	/* civil from days (Howard Hinnant) */
	long z = epoch + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned long doe = (unsigned long)(z - era * 146097);
	unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = (long)yoe + era * 400;
	unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	unsigned long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	if (y < 1900 || y > 9999)
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)(m % 13), (int)(d % 32));
	return 0;
}
