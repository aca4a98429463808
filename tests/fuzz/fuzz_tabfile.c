/* fuzz_tabfile: libFuzzer harness for the school spreadsheet reader (tabfile.c: CSV in UTF-8/UTF-16/GB18030,
 * XLSX through libzip and libxml2). The first byte chooses whether the client declared XLSX. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tabfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int init;
	if (!init) {
		arena_init(&a, 1 << 16);
		init = 1;
	}
	if (size < 1)
		return 0;
	arena_set_current(&a);
	struct tab_sheet t;
	char msg[256];
	enum tab_err e = tab_read(&a, data + 1, size - 1, data[0] & 1, 1000, &t, msg, sizeof msg);
	if (e == TAB_OK) {
		/* every cell the reader returns is a NUL-terminated string inside the arena */
		size_t total = 0;
		for (size_t r = 0; r < t.nrows; r++)
			for (size_t c = 0; c < t.ncols; c++) {
				const char *s = tab_cell(&t, r, c);
				if (s)
					total += strlen(s) + (size_t)tab_kind(&t, r, c) + (size_t)t.row_no[r];
			}
		(void)total;
	} else {
		(void)tab_err_code(e);
		(void)tab_err_zh(e);
	}
	arena_set_current(NULL);
	arena_reset(&a);
	return 0;
}
