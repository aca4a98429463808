/* divisions: a division update file (issue 16 item 3, R1 R2), without a database. The national division codes
 * (GB/T 2260) change every year: counties are merged, renamed, re-coded. A file of tab-separated lines says what
 * changes ('#' starts a comment, blank lines are skipped):
 *     unit <TAB> code <TAB> name      a unit of the new list: added when new, renamed when its name differs
 *     map  <TAB> old  <TAB> new       a county (or city) code that ceases, and the unit that takes its schools,
 *                                     records and users (a merger, or a re-coding)
 * The level of a code follows from its digits: XX0000 province, XXXX00 city, else county (GB/T 2260).
 * divisions_parse checks what the file alone can tell (syntax, codes, duplicates, chains and cycles of the mapping);
 * db_divisions.c checks the rest against the units and applies it in one transaction. */
#ifndef XJ_DIVISIONS_H
#define XJ_DIVISIONS_H
#include <stddef.h>
#include "arena.h"

struct div_unit {
	char code[7];
	const char *name;
	int level; /* 1 province, 2 city, 3 county */
	int line;
};
struct div_map {
	char from[7], to[7];
	int level; /* of both */
	int line;
};
struct div_plan {
	struct div_unit *units;
	size_t nunits;
	struct div_map *maps;
	size_t nmaps;
};

/* Level of a 6-digit division code (1, 2, 3), 0 when it is not one (or the ministry's 000000). */
int divisions_level(const char *code);
/* Parse text[0..len) into plan. On the first problem returns -1 with a message naming the line in err (English and
 * the stable code first: "line 3: mapping_cycle: ..."). All memory from a. */
int divisions_parse(struct arena *a, const char *text, size_t len, struct div_plan *plan, char *err, size_t errsz);

/* xueji --divisions FILE [--dry-run]: parse, check against the units and apply in one transaction (all or nothing),
 * printing what changed (a dry run prints what would change, and rolls back). Exit 0 applied (or dry run fine), 1 the
 * file is inconsistent (nothing changed), 2 usage. */
int divisions_cli(int argc, char **argv);

#endif
