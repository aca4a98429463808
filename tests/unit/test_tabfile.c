/* Unit tests for fcgi/tabfile.c: school files as CSV (UTF-8, BOM, GB18030, UTF-16) and XLSX, with real row numbers. */
#include "tabfile.h"
#include <check.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

static struct arena A;
static char msg[256];

static enum tab_err rd(const char *s, size_t n, int xlsx, struct tab_sheet *t)
{
	return tab_read(&A, (const unsigned char *)s, n, xlsx, 1000, t, msg, sizeof msg);
}

static void setup(void) { arena_init(&A, 1 << 16); }
static void teardown(void) { arena_free(&A); }

START_TEST(test_csv_utf8_rows_and_quotes)
{
	const char *s = "姓名,性别\n\"张,三\",男\r\n\n\"李\n四\",\"女\"\"\"\n王五,男";
	struct tab_sheet t;
	ck_assert_int_eq(rd(s, strlen(s), 0, &t), TAB_OK);
	ck_assert_str_eq(t.encoding, "UTF-8");
	ck_assert_uint_eq(t.nrows, 4);
	ck_assert_uint_eq(t.ncols, 2);
	ck_assert_str_eq(tab_cell(&t, 0, 0), "姓名");
	ck_assert_str_eq(tab_cell(&t, 1, 0), "张,三");
	ck_assert_int_eq(t.row_no[1], 2);
	/* the blank line is row 3 and is skipped; the quoted newline stays in row 4's cell */
	ck_assert_int_eq(t.row_no[2], 4);
	ck_assert_str_eq(tab_cell(&t, 2, 0), "李\n四");
	ck_assert_str_eq(tab_cell(&t, 2, 1), "女\"");
	ck_assert_int_eq(t.row_no[3], 5);
	ck_assert_str_eq(tab_cell(&t, 3, 1), "男");
}
END_TEST

START_TEST(test_csv_utf8_bom_is_stripped)
{
	const char *s = "\xEF\xBB\xBF姓名,性别\n张三,男\n";
	struct tab_sheet t;
	ck_assert_int_eq(rd(s, strlen(s), 0, &t), TAB_OK);
	ck_assert_str_eq(t.encoding, "UTF-8 BOM");
	ck_assert_str_eq(tab_cell(&t, 0, 0), "姓名");
}
END_TEST

/* s converted from UTF-8 to `to` (static buffer). */
static size_t conv(const char *to, const char *s, char *out, size_t outsz)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	char *ip = (char *)s, *op = out;
	size_t il = strlen(s), ol = outsz;
	ck_assert(cd != (iconv_t)-1);
	ck_assert(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	return outsz - ol;
}

START_TEST(test_csv_gb18030_and_gbk_are_converted)
{
	char buf[256];
	size_t n = conv("GB18030", "姓名,性别\n张三,男\n", buf, sizeof buf);
	struct tab_sheet t;
	ck_assert_int_eq(rd(buf, n, 0, &t), TAB_OK);
	ck_assert_str_eq(t.encoding, "GB18030");
	ck_assert_str_eq(tab_cell(&t, 1, 0), "张三");
	ck_assert_str_eq(tab_cell(&t, 1, 1), "男");
}
END_TEST

START_TEST(test_csv_utf16_with_bom_and_tabs)
{
	char buf[256] = "\xFF\xFE";
	size_t n = 2 + conv("UTF-16LE", "姓名\t性别\r\n张三\t男\r\n", buf + 2, sizeof buf - 2);
	struct tab_sheet t;
	ck_assert_int_eq(rd(buf, n, 0, &t), TAB_OK);
	ck_assert_str_eq(t.encoding, "UTF-16LE");
	ck_assert_uint_eq(t.ncols, 2);
	ck_assert_str_eq(tab_cell(&t, 1, 1), "男");
}
END_TEST

START_TEST(test_bad_files_are_refused_with_a_code)
{
	struct tab_sheet t;
	ck_assert_int_eq(rd("", 0, 0, &t), TAB_EMPTY);
	ck_assert_int_eq(rd("\n\n,,\n", 5, 0, &t), TAB_EMPTY);
	ck_assert_int_eq(rd("a,b\n\"x,y\n", 9, 0, &t), TAB_QUOTE);
	ck_assert_ptr_nonnull(strstr(msg, "Row 2"));
	ck_assert_int_eq(rd("a,b\0c\n", 6, 0, &t), TAB_BINARY);
	ck_assert_int_eq(rd("姓名,性别\n", strlen("姓名,性别\n"), 1, &t), TAB_NOT_XLSX);
	ck_assert_int_eq(rd("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12, 0, &t), TAB_OLD_XLS);
	/* bytes that are neither UTF-8 nor GB18030 (0xFF is never a GB18030 lead byte) */
	ck_assert_int_eq(rd("a,b\n\xFF\xFF,c\n", 9, 0, &t), TAB_ENCODING);
	ck_assert_int_eq(rd("PK\x03\x04garbage", 11, 1, &t), TAB_BAD_XLSX);
	ck_assert_str_eq(tab_err_code(TAB_NOT_XLSX), "not_xlsx");
}
END_TEST

START_TEST(test_row_limit)
{
	struct tab_sheet t;
	char *s = malloc(20000);
	strcpy(s, "a\n");
	for (int i = 0; i < 1001; i++)
		strcat(s, "x\n");
	ck_assert_int_eq(rd(s, strlen(s), 0, &t), TAB_TOO_MANY_ROWS);
	free(s);
}
END_TEST

START_TEST(test_excel_serial_dates)
{
	char d[11];
	ck_assert_int_eq(tab_excel_date(1, 0, d), 0);
	ck_assert_str_eq(d, "1900-01-01");
	ck_assert_int_eq(tab_excel_date(59, 0, d), 0);
	ck_assert_str_eq(d, "1900-02-28");
	ck_assert_int_eq(tab_excel_date(60, 0, d), -1);
	ck_assert_int_eq(tab_excel_date(61, 0, d), 0);
	ck_assert_str_eq(d, "1900-03-01");
	ck_assert_int_eq(tab_excel_date(42067.75, 0, d), 0);
	ck_assert_str_eq(d, "2015-03-04");
	ck_assert_int_eq(tab_excel_date(40605, 1, d), 0);
	ck_assert_str_eq(d, "2015-03-04");
	ck_assert_int_eq(tab_excel_date(0, 0, d), -1);
}
END_TEST

/* Read a whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long k = ftell(f);
	rewind(f);
	char *b = malloc((size_t)k);
	ck_assert_uint_eq(fread(b, 1, (size_t)k, f), (size_t)k);
	fclose(f);
	*n = (size_t)k;
	return b;
}

START_TEST(test_xlsx_first_sheet_strings_numbers_and_row_numbers)
{
	char path[] = "/tmp/xj-tabfile-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "学生");
	lxw_worksheet *ws2 = workbook_add_worksheet(wb, "other");
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 1, "出生日期", NULL);
	worksheet_write_string(ws, 0, 2, "学校标识码", NULL);
	worksheet_write_string(ws, 1, 0, "张\xF0\xA0\x80\x80", NULL);
	worksheet_write_number(ws, 1, 1, 42067, NULL);
	worksheet_write_number(ws, 1, 2, 1301020001, NULL);
	/* row 3 (index 2) left blank; row 4 has a cell in column C only */
	worksheet_write_string(ws, 3, 2, "1301020002", NULL);
	worksheet_write_string(ws2, 0, 0, "not this one", NULL);
	ck_assert_int_eq(workbook_close(wb), LXW_NO_ERROR);
	size_t n;
	char *b = slurp(path, &n);
	unlink(path);
	struct tab_sheet t;
	ck_assert_int_eq(rd(b, n, 1, &t), TAB_OK);
	ck_assert_int_eq(t.format, TAB_XLSX);
	ck_assert_uint_eq(t.nrows, 3);
	ck_assert_str_eq(tab_cell(&t, 0, 0), "姓名");
	ck_assert_str_eq(tab_cell(&t, 1, 0), "张\xF0\xA0\x80\x80");
	ck_assert_int_eq(tab_kind(&t, 1, 1), TK_NUM);
	ck_assert_str_eq(tab_cell(&t, 1, 1), "42067");
	ck_assert_str_eq(tab_cell(&t, 1, 2), "1301020001");
	ck_assert_int_eq(t.row_no[2], 4);
	ck_assert_ptr_null(tab_cell(&t, 2, 0));
	ck_assert_str_eq(tab_cell(&t, 2, 2), "1301020002");
	free(b);
}
END_TEST

START_TEST(test_xlsx_zip_bomb_is_refused)
{
	char path[] = "/tmp/xj-bomb-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	int err = 0;
	zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
	ck_assert_ptr_nonnull(z);
	static const char wb[] = "<workbook><sheets><sheet name=\"a\" sheetId=\"1\"/></sheets></workbook>";
	size_t big = 8u << 20;
	char *sheet = malloc(big);
	memset(sheet, ' ', big); /* 8 MiB of blanks deflate to a few KiB: ratio far above 100 */
	memcpy(sheet, "<worksheet>", 11);
	zip_file_add(z, "xl/workbook.xml", zip_source_buffer(z, wb, sizeof wb - 1, 0), 0);
	zip_file_add(z, "xl/worksheets/sheet1.xml", zip_source_buffer(z, sheet, big, 0), 0);
	ck_assert_int_eq(zip_close(z), 0);
	free(sheet);
	size_t n;
	char *b = slurp(path, &n);
	unlink(path);
	ck_assert_uint_lt(n, 200000);
	struct tab_sheet t;
	ck_assert_int_eq(rd(b, n, 1, &t), TAB_BAD_XLSX);
	ck_assert_ptr_nonnull(strstr(msg, "too large"));
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tabfile");
	TCase *t = tcase_create("core");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_csv_utf8_rows_and_quotes);
	tcase_add_test(t, test_csv_utf8_bom_is_stripped);
	tcase_add_test(t, test_csv_gb18030_and_gbk_are_converted);
	tcase_add_test(t, test_csv_utf16_with_bom_and_tabs);
	tcase_add_test(t, test_bad_files_are_refused_with_a_code);
	tcase_add_test(t, test_row_limit);
	tcase_add_test(t, test_excel_serial_dates);
	tcase_add_test(t, test_xlsx_first_sheet_strings_numbers_and_row_numbers);
	tcase_add_test(t, test_xlsx_zip_bomb_is_refused);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
