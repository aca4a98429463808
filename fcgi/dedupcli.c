/* dedupcli: `xueji --dedup-reference`: the in-memory reference detector (dedup.c) over records read from stdin,
 * so a differential test can compare detection's SQL (db_registry.c) with it on the same random records. */
#include "dedupcli.h"
#include "arena.h"
#include "dedup.h"
#include "idcheck.h"
#include "xmalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split line at tabs into at most max fields (in place); returns the count. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	for (char *p = line; n < max;) {
		f[n++] = p;
		char *t = strchr(p, '\t');
		if (!t)
			break;
		*t = 0;
		p = t + 1;
	}
	return n;
}

int dedup_cli(FILE *in, FILE *out)
{
	struct arena a;
	arena_init(&a, 1 << 20);
	size_t n = 0, cap = 1024;
	struct dedup_rec *recs = xmalloc(cap * sizeof *recs);
	char line[1024];
	int rc = 0;
	while (fgets(line, sizeof line, in)) {
		line[strcspn(line, "\r\n")] = 0;
		char *f[6];
		if (!line[0])
			continue;
		if (split_tabs(line, f, 6) != 6 || !f[1][0] || !f[3][0]) {
			fprintf(stderr, "xueji --dedup-reference: line %lu: want name, gender, birth, id_type, id_number, live (tabs)\n",
				(unsigned long)n + 1);
			rc = 2;
			goto done;
		}
		if (n == cap)
			recs = xrealloc(recs, (cap *= 2) * sizeof *recs);
		struct dedup_rec *r = &recs[n++];
		r->name = arena_strdup(&a, f[0]);
		r->gender = f[1][0];
		r->birth = arena_strdup(&a, f[2]);
		r->id_type = f[3][0];
		char norm[IDCHECK_OUT_MAX];
		/* R8.2 as registration stores it: the number normalised by its type, malformed if the check fails */
		enum id_result res = idcheck_by_type(r->id_type, f[4], strlen(f[4]), r->gender, norm, sizeof norm, NULL);
		r->id_number = arena_strdup(&a, norm[0] ? norm : f[4]);
		r->id_malformed = r->id_type == '1' && res != ID_OK;
		r->live = strcmp(f[5], "1") == 0;
	}
	struct dedup_clash *cl;
	size_t k = dedup_find(&a, recs, n, &cl);
	for (size_t i = 0; i < k; i++) {
		fprintf(out, "%s\t%s\t", wf_type_name(cl[i].type), cl[i].key);
		for (size_t j = 0; j < cl[i].n; j++)
			fprintf(out, "%s%lu", j ? "," : "", (unsigned long)cl[i].members[j]);
		fputc('\n', out);
	}
done:
	free(recs);
	arena_free(&a);
	return rc;
}
