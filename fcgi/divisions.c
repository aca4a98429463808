/* divisions: a division update file (see divisions.h). */
#include "divisions.h"
#include "db_auth.h"
#include "db_units.h"
#include "json.h"
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

int divisions_level(const char *c)
{
	if (!c || strlen(c) != 6 || strspn(c, "0123456789") != 6 || strcmp(c, "000000") == 0 || memcmp(c, "00", 2) == 0)
		return 0;
	if (strcmp(c + 2, "0000") == 0)
		return 1;
	return strcmp(c + 4, "00") == 0 ? 2 : 3;
}

/* split a line at tabs into at most n fields; returns the count */
static size_t fields(char *s, char **f, size_t n)
{
	size_t k = 0;
	while (k < n) {
		f[k++] = s;
		char *t = strchr(s, '\t');
		if (!t)
			break;
		*t = 0;
		s = t + 1;
	}
	return k;
}

static int fail(char *err, size_t errsz, int line, const char *code, const char *what, const char *a1, const char *a2)
{
	char msg[200];
	snprintf(msg, sizeof msg, what, a1 ? a1 : "", a2 ? a2 : "");
	snprintf(err, errsz, "line %d: %s: %s", line, code, msg);
	return -1;
}

int divisions_parse(struct arena *a, const char *text, size_t len, struct div_plan *p, char *err, size_t errsz)
{
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	p->units = arena_alloc(a, cap * sizeof *p->units);
	p->maps = arena_alloc(a, cap * sizeof *p->maps);
	p->nunits = p->nmaps = 0;
	int line = 0;
	for (size_t at = 0; at < len;) {
		size_t end = at;
		while (end < len && text[end] != '\n')
			end++;
		char *s = arena_strndup(a, text + at, end - at);
		at = end + 1;
		line++;
		size_t n = strlen(s);
		if (n && s[n - 1] == '\r')
			s[--n] = 0;
		if (line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3, n -= 3;
		if (!n || s[0] == '#')
			continue;
		char *f[4];
		size_t k = fields(s, f, 4);
		if (k != 3)
			return fail(err, errsz, line, "syntax", "expected three tab-separated fields (unit CODE NAME or map OLD NEW)%s%s", NULL, NULL);
		if (strcmp(f[0], "unit") == 0) {
			int lv = divisions_level(f[1]);
			if (!lv)
				return fail(err, errsz, line, "bad_code", "\"%s\" is not a 6-digit division code%s", f[1], NULL);
			size_t chars = json_utf8_chars(f[2]);
			if (chars < 1 || chars > 100 || strspn(f[2], " ") == strlen(f[2]))
				return fail(err, errsz, line, "bad_name", "the name of %s must be 1 to 100 characters%s", f[1], NULL);
			for (size_t i = 0; i < p->nunits; i++)
				if (strcmp(p->units[i].code, f[1]) == 0)
					return fail(err, errsz, line, "duplicate_unit", "unit %s is listed twice%s", f[1], NULL);
			struct div_unit *u = &p->units[p->nunits++];
			memcpy(u->code, f[1], 7);
			u->name = f[2];
			u->level = lv;
			u->line = line;
		} else if (strcmp(f[0], "map") == 0) {
			int lf = divisions_level(f[1]), lt = divisions_level(f[2]);
			if (!lf || !lt)
				return fail(err, errsz, line, "bad_code", "\"%s\" is not a 6-digit division code%s", lf ? f[2] : f[1], NULL);
			if (lf != lt)
				return fail(err, errsz, line, "level_mismatch", "%s and %s are not of one level (county to county, city to city)", f[1], f[2]);
			if (lf == 1)
				return fail(err, errsz, line, "province_mapping", "%s: provinces are not mapped%s", f[1], NULL);
			if (strcmp(f[1], f[2]) == 0)
				return fail(err, errsz, line, "mapping_cycle", "%s maps to itself%s", f[1], NULL);
			for (size_t i = 0; i < p->nmaps; i++)
				if (strcmp(p->maps[i].from, f[1]) == 0)
					return fail(err, errsz, line, "duplicate_mapping", "%s is mapped twice%s", f[1], NULL);
			struct div_map *m = &p->maps[p->nmaps++];
			memcpy(m->from, f[1], 7);
			memcpy(m->to, f[2], 7);
			m->level = lf;
			m->line = line;
		} else {
			return fail(err, errsz, line, "syntax", "unknown kind \"%s\" (unit or map)%s", f[0], NULL);
		}
	}
	/* a code that ceases cannot take another's place, nor be a unit of the new list: chains (A->B->C) and cycles
	 * (A->B->A) are refused whole, so the result never depends on the order of the lines */
	for (size_t i = 0; i < p->nmaps; i++) {
		for (size_t j = 0; j < p->nmaps; j++)
			if (strcmp(p->maps[i].to, p->maps[j].from) == 0)
				return fail(err, errsz, p->maps[i].line, strcmp(p->maps[j].to, p->maps[i].from) == 0 ? "mapping_cycle" : "mapping_chain",
					    "%s maps to %s, which itself ceases (map each old code to its final unit)", p->maps[i].from, p->maps[i].to);
		for (size_t j = 0; j < p->nunits; j++)
			if (strcmp(p->units[j].code, p->maps[i].from) == 0)
				return fail(err, errsz, p->maps[i].line, "ceasing_unit_listed", "%s ceases but is listed as a unit of the new list%s",
					    p->maps[i].from, NULL);
	}
	if (!p->nunits && !p->nmaps) {
		snprintf(err, errsz, "line %d: empty: the file has no unit and no map line", line);
		return -1;
	}
	return 0;
}

/* ---- applying a plan to the units (xueji --divisions FILE [--dry-run]) ---- */

struct apply_ctx {
	const struct div_plan *p;
	const char *sha;
	int dry;
	struct arena *a;
	const char *report;    /* what was (or would be) done, one line each */
	long long problems;    /* inconsistencies found against the units: nothing is changed */
	long long added, renamed, mapped;
};

static void say(struct apply_ctx *c, const char *line)
{
	c->report = arena_printf(c->a, "%s%s\n", c->report, line);
}

static void problem(struct apply_ctx *c, int line, const char *code, const char *what)
{
	say(c, arena_printf(c->a, "error: line %d: %s: %s", line, code, what));
	c->problems++;
}

/* the plan's new unit with this code, NULL if none */
static const struct div_unit *new_unit(const struct div_plan *p, const char *code)
{
	for (size_t i = 0; i < p->nunits; i++)
		if (strcmp(p->units[i].code, code) == 0)
			return &p->units[i];
	return NULL;
}

static int ceases(const struct div_plan *p, const char *code)
{
	for (size_t i = 0; i < p->nmaps; i++)
		if (strcmp(p->maps[i].from, code) == 0)
			return 1;
	return 0;
}

/* The parent code of a new unit: a county's city (XXXX00) when it exists or is new, else its province. */
static const char *parent_code(struct arena *a, struct db *db, const struct div_plan *p, const struct div_unit *u, enum xerr *e)
{
	char city[7], prov[7];
	snprintf(city, sizeof city, "%.4s00", u->code);
	snprintf(prov, sizeof prov, "%.2s0000", u->code);
	if (u->level == 1)
		return "000000";
	if (u->level == 3) {
		struct db_division d;
		int found;
		if ((*e = db_units_division(db, a, city, &d, &found)))
			return NULL;
		if ((found && !d.retired) || new_unit(p, city))
			return arena_strdup(a, city);
	}
	return arena_strdup(a, prov);
}

/* A mapping applied before (the same file again): from ceased into to already. */
static int applied(const struct db_division *from, const struct div_map *m)
{
	return from->retired && from->replaced_by && strcmp(from->replaced_by, m->to) == 0;
}

/* Check the plan against the units; every problem is reported (nothing is written). */
static enum xerr check(struct db *db, struct apply_ctx *c)
{
	const struct div_plan *p = c->p;
	struct db_division d;
	int found;
	enum xerr e = XE_OK;
	for (size_t i = 0; i < p->nunits; i++) {
		const struct div_unit *u = &p->units[i];
		if ((e = db_units_division(db, c->a, u->code, &d, &found)))
			return e;
		if (found && d.retired)
			problem(c, u->line, "retired_code", arena_printf(c->a, "%s ceased earlier and is not used again", u->code));
		if (found)
			continue;
		const char *pc = parent_code(c->a, db, p, u, &e);
		if (e)
			return e;
		if (strcmp(pc, "000000") == 0)
			continue;
		if ((e = db_units_division(db, c->a, pc, &d, &found)))
			return e;
		if (!new_unit(p, pc) && (!found || d.retired || ceases(p, pc)))
			problem(c, u->line, "unknown_parent", arena_printf(c->a, "the parent %s of %s is neither a unit nor new", pc, u->code));
	}
	for (size_t i = 0; i < p->nmaps; i++) {
		const struct div_map *m = &p->maps[i];
		struct db_division t;
		int tfound;
		if ((e = db_units_division(db, c->a, m->from, &d, &found)) || (e = db_units_division(db, c->a, m->to, &t, &tfound)))
			return e;
		if (found && applied(&d, m))
			continue;
		if (!found || d.retired) {
			problem(c, m->line, "unknown_code", arena_printf(c->a, "%s is not a unit in use", m->from));
			continue;
		}
		if (d.level != m->level)
			problem(c, m->line, "level_mismatch", arena_printf(c->a, "%s is stored at level %d", m->from, d.level));
		if (!new_unit(p, m->to) && (!tfound || t.retired))
			problem(c, m->line, "unknown_code", arena_printf(c->a, "%s is neither a unit in use nor new in the file", m->to));
		else if (tfound && t.level != m->level)
			problem(c, m->line, "level_mismatch", arena_printf(c->a, "%s is stored at level %d", m->to, t.level));
		if (m->level == 2) {
			/* a city ceases only with its counties: each must be mapped too (their codes keep their city's digits) */
			struct db_rows kids;
			if ((e = db_units_division_children(db, c->a, d.id, &kids)))
				return e;
			for (size_t k = 0; k < kids.n; k++)
				if (!ceases(p, db_get(&kids, k, 0)))
					problem(c, m->line, "children_left",
						arena_printf(c->a, "city %s still has county %s, which the file does not map", m->from, db_get(&kids, k, 0)));
		}
	}
	return e;
}

static enum xerr apply_tx(struct db *db, void *arg)
{
	struct apply_ctx *c = arg;
	const struct div_plan *p = c->p;
	struct db_division d, t;
	int found;
	enum xerr e;
	c->report = "";
	c->problems = c->added = c->renamed = c->mapped = 0;
	if ((e = check(db, c)))
		return e;
	if (c->problems)
		return XE_VALIDATION; /* all or nothing: rolled back */
	/* the new list's units: parents before children (provinces, cities, counties) */
	for (int level = 1; level <= 3; level++)
		for (size_t i = 0; i < p->nunits; i++) {
			const struct div_unit *u = &p->units[i];
			if (u->level != level)
				continue;
			if ((e = db_units_division(db, c->a, u->code, &d, &found)))
				return e;
			if (found) {
				if (strcmp(d.name, u->name) == 0)
					continue;
				if ((e = db_units_division_rename(db, d.id, u->name)))
					return e;
				say(c, arena_printf(c->a, "rename %s %s -> %s", u->code, d.name, u->name));
				c->renamed++;
				continue;
			}
			const char *pc = parent_code(c->a, db, p, u, &e);
			struct db_division par;
			if (e || (e = db_units_division(db, c->a, pc, &par, &found)))
				return e;
			uint32_t parent_id = strcmp(pc, "000000") == 0 ? 1 : par.id;
			char prov[3], city[5];
			snprintf(prov, sizeof prov, "%.2s", u->code);
			snprintf(city, sizeof city, "%.4s", u->code);
			if ((e = db_units_division_add(db, u->code, u->level, u->name, parent_id, prov, u->level >= 2 ? city : NULL,
						       u->level == 3 ? u->code : NULL)))
				return e;
			say(c, arena_printf(c->a, "add %s %s (level %d, under %s)", u->code, u->name, u->level, pc));
			c->added++;
		}
	/* the mappings: counties first, then the cities they emptied */
	for (int level = 3; level >= 2; level--)
		for (size_t i = 0; i < p->nmaps; i++) {
			const struct div_map *m = &p->maps[i];
			if (m->level != level)
				continue;
			struct db_units_mapped out;
			if ((e = db_units_division(db, c->a, m->from, &d, &found)) || (e = db_units_division(db, c->a, m->to, &t, &found)))
				return e;
			if (applied(&d, m)) {
				say(c, arena_printf(c->a, "map %s -> %s: applied before, unchanged", m->from, m->to));
				continue;
			}
			const char *why = arena_printf(c->a, "%s %s -> %s %s", m->from, d.name, m->to, t.name);
			if ((e = db_units_division_map(db, c->a, m->from, &d, &t, why, &out)))
				return e;
			say(c, arena_printf(c->a, "map %s: %lld schools, %lld records, %lld group members, %lld users; %lld open groups, %lld arbiters changed",
					    why, out.schools, out.records, out.members, out.users, out.groups, out.arbiters_changed));
			c->mapped++;
		}
	struct db_seclog ev = {.event = "divisions_updated",
			       .detail = arena_printf(c->a, "file %s: %lld added, %lld renamed, %lld mapped", c->sha, c->added, c->renamed, c->mapped)};
	if ((e = db_auth_seclog_add(db, &ev)))
		return e;
	return c->dry ? XE_CONFLICT : XE_OK; /* a dry run did everything, and is rolled back */
}

int divisions_cli(int argc, char **argv)
{
	const char *file = NULL;
	int dry = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry = 1;
		else if (!file)
			file = argv[i];
	}
	if (!file) {
		fputs("usage: xueji --divisions FILE [--dry-run]  (lines: unit<TAB>CODE<TAB>NAME, map<TAB>OLD<TAB>NEW)\n", stderr);
		return 2;
	}
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "xueji --divisions: %s: %s\n", file, strerror(errno));
		return 2;
	}
	struct arena a;
	arena_init(&a, 1 << 20);
	arena_set_current(&a);
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	char buf[65536];
	while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
		if (len + got + 1 > cap) {
			cap = (len + got + 1) * 2;
			char *nt = arena_alloc(&a, cap);
			if (len)
				memcpy(nt, text, len);
			text = nt;
		}
		memcpy(text + len, buf, got);
		len += got;
	}
	fclose(f);
	struct div_plan plan;
	char err[300];
	int rc = 1;
	if (divisions_parse(&a, text ? text : "", len, &plan, err, sizeof err) != 0) {
		fprintf(stderr, "xueji --divisions: %s: %s; nothing changed\n", file, err);
		goto done;
	}
	unsigned char h[32];
	char sha[65];
	crypto_hash_sha256(h, (const unsigned char *)(text ? text : ""), len);
	sodium_bin2hex(sha, sizeof sha, h, sizeof h);
	struct db *db = db_open();
	struct apply_ctx c = {.p = &plan, .sha = sha, .dry = dry, .a = &a, .report = ""};
	enum xerr e = db_tx(db, apply_tx, &c);
	db_close(db);
	fputs(c.report, stdout);
	if (c.problems) {
		fprintf(stderr, "xueji --divisions: %lld inconsistencies with the units: nothing changed\n", c.problems);
	} else if (dry && e == XE_CONFLICT) {
		printf("dry run: %lld added, %lld renamed, %lld mapped would change; nothing changed\n", c.added, c.renamed, c.mapped);
		rc = 0;
	} else if (e == XE_OK) {
		printf("applied: %lld added, %lld renamed, %lld mapped\n", c.added, c.renamed, c.mapped);
		rc = 0;
	} else {
		fprintf(stderr, "xueji --divisions: database error (%s); %s\n", err_code(e),
			e == XE_OUTCOME_UNKNOWN ? "not known whether it was applied: run it again with --dry-run to see"
						: "nothing changed");
	}
done:
	arena_set_current(NULL);
	arena_free(&a);
	return rc;
}
