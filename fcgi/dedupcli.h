/* dedupcli: the reference detector (dedup.c) as a command for differential tests. */
#ifndef XJ_DEDUPCLI_H
#define XJ_DEDUPCLI_H
#include <stdio.h>

/* Read records from in, one a line: name, gender (M/F), birth (YYYY-MM-DD), id_type (R4 code), id_number as entered,
 * live (1/0), tab-separated; write every clash dedup_find finds to out, one a line: type, key, member indexes (0-based
 * line order of the records, comma-separated). Returns 0, or 2 on a malformed line (message on stderr). */
int dedup_cli(FILE *in, FILE *out);

#endif
