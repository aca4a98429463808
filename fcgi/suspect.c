/* suspect: suspected-duplicate matching (R31): name units, Unihan variants and readings, blocking keys, explained score. */
#include "suspect.h"
#include "xmalloc.h"
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Generated tables (build/gen/unihan_tab.c, fcgi/gen/unihan.mjs). */
extern const size_t sx_nsyl, sx_ncp, sx_nrd, sx_ncompound;
extern const char *const sx_syl[];
extern const uint32_t sx_cp[], sx_canon_tab[], sx_roff[];
extern const uint8_t sx_rn[];
extern const uint16_t sx_rd[];
extern const uint32_t sx_compound[][2];

#define WORD_BIT 0x80000000u

uint64_t sx_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ull ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

/* index of cp in the tables, or -1 */
static long lookup(uint32_t cp)
{
	size_t lo = 0, hi = sx_ncp;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sx_cp[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sx_ncp && sx_cp[lo] == cp ? (long)lo : -1;
}

uint32_t sx_canon(uint32_t cp)
{
	long i = (cp & WORD_BIT) ? -1 : lookup(cp);
	return i < 0 ? cp : sx_canon_tab[i];
}

size_t sx_readings(uint32_t cp, const char **out, size_t cap)
{
	long i = (cp & WORD_BIT) ? -1 : lookup(cp);
	size_t n = 0;
	if (i < 0)
		return 0;
	for (size_t k = 0; k < sx_rn[i] && n < cap; k++)
		out[n++] = sx_syl[sx_rd[sx_roff[i] + k]];
	return n;
}

/* syllable ids of cp (own readings; a character without any has its class's, see the generator) */
static size_t syl_ids(uint32_t cp, const uint16_t **ids)
{
	long i = (cp & WORD_BIT) ? -1 : lookup(cp);
	if (i < 0)
		return 0;
	*ids = &sx_rd[sx_roff[i]];
	return sx_rn[i];
}

static int share_reading(uint32_t a, uint32_t b)
{
	const uint16_t *x, *y;
	size_t nx = syl_ids(a, &x), ny = syl_ids(b, &y);
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			if (x[i] == y[j])
				return 1;
	return 0;
}

/* ---------------------------------------------------------------- name units */

/* Decode one UTF-8 sequence at s (len bytes left); *cp gets U+FFFD for an invalid one. Returns bytes used (>= 1). */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned c = s[0];
	size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	if (n == 0 || n > len) {
		*cp = 0xFFFD;
		return 1;
	}
	uint32_t v = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		v = 0xFFFD;
	*cp = v;
	return n;
}

/* separators: spaces of every width and the middle dots of minority names (R31) */
static int is_sep(uint32_t c)
{
	switch (c) {
	case ' ': case '\t': case '\n': case '\r': case 0xA0: case 0x3000: case 0xFEFF: case 0x200B:
	case '.': case 0xB7: case 0x2022: case 0x30FB: case 0xFF65: case 0x2027: case 0x2219: case 0x22C5: case 0x387:
	case 0x2E31: case 0x10FB: case '-': case '_': case '\'': case ',': case 0x3001: case 0xFF0C:
		return 1;
	default:
		return c >= 0x2000 && c <= 0x200A;
	}
}

static int is_word_char(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c < 0x2000 && c != 0xD7 && c != 0xF7);
}

/* odd: control, private use, noncharacter, replacement, unassigned planes (3-13) */
static int is_odd(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c < 0xA0) || (c >= 0xE000 && c <= 0xF8FF) || c == 0xFFFD || (c & 0xFFFE) == 0xFFFE ||
	       (c >= 0xFDD0 && c <= 0xFDEF) || (c >= 0x40000 && c < 0xE0000) || c >= 0xF0000;
}

static void put_text(char *t, size_t *len, uint32_t c)
{
	char b[4];
	size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	if (n == 1)
		b[0] = (char)c;
	else if (n == 2)
		b[0] = (char)(0xC0 | (c >> 6)), b[1] = (char)(0x80 | (c & 0x3F));
	else if (n == 3)
		b[0] = (char)(0xE0 | (c >> 12)), b[1] = (char)(0x80 | ((c >> 6) & 0x3F)), b[2] = (char)(0x80 | (c & 0x3F));
	else
		b[0] = (char)(0xF0 | (c >> 18)), b[1] = (char)(0x80 | ((c >> 12) & 0x3F)), b[2] = (char)(0x80 | ((c >> 6) & 0x3F)),
		b[3] = (char)(0x80 | (c & 0x3F));
	if (*len + n < 40) {
		memcpy(t + *len, b, n);
		*len += n;
		t[*len] = 0;
	}
}

static void add_unit(struct sx_name *nm, uint32_t raw, char (*text)[40], const char *wt)
{
	if (nm->n >= SX_MAXU) {
		nm->flags |= SXF_TRUNC;
		return;
	}
	nm->raw[nm->n] = raw;
	nm->canon[nm->n] = sx_canon(raw);
	if (text) {
		if (wt)
			snprintf(text[nm->n], 40, "%s", wt);
		else {
			size_t l = 0;
			text[nm->n][0] = 0;
			put_text(text[nm->n], &l, raw);
		}
	}
	nm->n++;
}

/* The compound surnames by variant class, sorted (issue 17 item 1: computed once; looking each listed pair's classes
 * up again for every name of three or more units was a quarter of the full run's time) */
static uint64_t *compound_canon;
static size_t ncompound_canon;
static pthread_once_t compound_once = PTHREAD_ONCE_INIT;
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}
static void compound_init(void)
{
	compound_canon = xmalloc((sx_ncompound ? sx_ncompound : 1) * sizeof *compound_canon);
	for (size_t k = 0; k < sx_ncompound; k++)
		compound_canon[k] = (uint64_t)sx_canon(sx_compound[k][0]) << 32 | sx_canon(sx_compound[k][1]);
	qsort(compound_canon, sx_ncompound, sizeof *compound_canon, cmp_u64);
	ncompound_canon = sx_ncompound;
}
static int compound_listed(uint32_t c0, uint32_t c1)
{
	pthread_once(&compound_once, compound_init);
	uint64_t k = (uint64_t)c0 << 32 | c1;
	return bsearch(&k, compound_canon, ncompound_canon, sizeof k, cmp_u64) != NULL;
}

static void parse(const char *str, struct sx_name *nm, char (*text)[40])
{
	memset(nm, 0, sizeof *nm);
	if (!str)
		return;
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), i = 0;
	uint64_t wh = 0;
	int inword = 0;
	char wt[40];
	size_t wl = 0;
	while (i <= len) {
		uint32_t c = 0;
		int end = i == len;
		if (!end) {
			i += utf8_next(s + i, len - i, &c);
			if (c >= 0xFF01 && c <= 0xFF5E)
				c -= 0xFEE0; /* full width -> ASCII */
			if (c >= 'A' && c <= 'Z')
				c += 32;
			else if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
				c += 32;
		} else {
			i++;
		}
		if (!end && is_word_char(c)) {
			if (!inword) {
				inword = 1;
				wh = 1469598103934665603ull;
				wl = 0;
				wt[0] = 0;
			}
			for (int k = 0; k < 4; k++) { /* hash the code point */
				wh ^= (c >> (8 * k)) & 0xFF;
				wh *= 1099511628211ull;
			}
			put_text(wt, &wl, c);
			continue;
		}
		if (inword) {
			inword = 0;
			nm->flags |= SXF_LATIN;
			add_unit(nm, WORD_BIT | (uint32_t)(wh ^ (wh >> 32)), text, wt);
		}
		if (end || is_sep(c))
			continue;
		if (is_odd(c))
			nm->flags |= SXF_ODD;
		add_unit(nm, c, text, NULL);
	}
	/* compound surname (复姓): the first two units are a listed pair (compared by variant class) */
	nm->surname = nm->n >= 2 ? 1 : 0;
	if (nm->n >= 3 && !(nm->raw[0] & WORD_BIT) && compound_listed(nm->canon[0], nm->canon[1]))
		nm->surname = 2;
}

void sx_name_parse(const char *s, struct sx_name *nm) { parse(s, nm, NULL); }
void sx_name_parse_text(const char *s, struct sx_name *nm, char text[SX_MAXU][40]) { parse(s, nm, text); }

static uint32_t token(uint32_t raw, uint32_t canon);
static void sort_u32(uint32_t *v, size_t n);

void sx_prepare(const struct sx_rec *r, struct sx_prep *p)
{
	memset(p, 0, sizeof *p);
	p->id = r->id;
	p->name_h = r->name ? sx_hash(r->name, strlen(r->name), 1) : 0;
	sx_name_parse(r->name, &p->nm);
	p->gender = r->gender;
	if (p->nm.n) { /* the sorted readings sx_keys puts in every name key (sx_key_pairs) */
		uint32_t st[SX_MAXU];
		for (size_t i = 0; i < p->nm.n; i++)
			st[i] = token(p->nm.raw[i], p->nm.canon[i]);
		sort_u32(st, p->nm.n);
		p->rd = (uint32_t)sx_hash(st, p->nm.n * sizeof st[0], 5);
	}
	int y = 0, m = 0, d = 0;
	if (r->birth && sscanf(r->birth, "%4d-%2d-%2d", &y, &m, &d) == 3 && y > 0 && y < 10000 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= 31) {
		p->y = (uint16_t)y;
		p->m = (uint8_t)m;
		p->d = (uint8_t)d;
	}
	p->id_type = r->id_type;
	if (r->id_number && *r->id_number) {
		snprintf(p->idn, sizeof p->idn, "%s", r->id_number);
		for (char *c = p->idn; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 32);
		p->id_valid = r->id_valid ? 1 : 0;
	}
	snprintf(p->county, sizeof p->county, "%s", r->county ? r->county : "");
	p->school = r->school_id;
	p->phone_h = r->phone && *r->phone ? (uint32_t)sx_hash(r->phone, strlen(r->phone), 2) : 0;
	p->guardian_h = 0;
	if (r->guardian && *r->guardian) {
		struct sx_name g;
		sx_name_parse(r->guardian, &g);
		if (g.n)
			p->guardian_h = (uint32_t)sx_hash(g.canon, g.n * sizeof g.canon[0], 3) | 1u;
	}
}

/* ---------------------------------------------------------------- blocking keys */

#define SYL_BIT 0x40000000u
/* blocking token of a unit: the primary reading of its variant class, else the class itself */
static uint32_t token(uint32_t raw, uint32_t canon)
{
	const uint16_t *ids;
	if (syl_ids(canon, &ids))
		return SYL_BIT | ids[0];
	if (syl_ids(raw, &ids))
		return SYL_BIT | ids[0];
	return canon;
}

static uint64_t key_of(uint32_t tag, uint32_t g, uint32_t date, const uint32_t *tok, size_t n, size_t skip)
{
	uint32_t w[3 + SX_MAXU];
	size_t k = 0;
	w[k++] = tag;
	w[k++] = g;
	w[k++] = date;
	for (size_t i = 0; i < n; i++)
		if (i != skip)
			w[k++] = tok[i];
	uint64_t h = sx_hash(w, k * sizeof w[0], 7);
	return tag == 'B' ? h | SX_KEY_MD : h & ~(uint64_t)SX_KEY_MD;
}

static void sort_u32(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static int resident_like(const char *s)
{
	if (strlen(s) != 18)
		return 0;
	for (int i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

size_t sx_keys(const struct sx_prep *p, uint64_t *keys, size_t cap)
{
	size_t nk = 0;
#define PUT(k)                       \
	do {                         \
		if (nk < cap)        \
			keys[nk++] = (k); \
	} while (0)
	const struct sx_name *nm = &p->nm;
	uint32_t tok[SX_MAXU];
	size_t n = nm->n;
	for (size_t i = 0; i < n; i++)
		tok[i] = token(nm->raw[i], nm->canon[i]);
	uint32_t g = (uint32_t)(unsigned char)p->gender;
	if (n > 0 && p->y) {
		/* Every name key is on the sorted readings (a transposed name meets its original). Issue 17: each key is an
		 * index entry written by every registration and import, so a name has as few as its rules need.
		 * A: readings + gender + year (same, variant, homophone, transposed; day/month swapped or one digit off in
		 * the month or day) */
		uint32_t st[SX_MAXU];
		memcpy(st, tok, n * sizeof tok[0]);
		sort_u32(st, n);
		PUT(key_of('A', g, p->y, st, n, SIZE_MAX));
		/* alternative readings of polyphonic characters (每个读音), at most three more keys */
		int alts = 0;
		for (size_t i = 0; i < n && alts < 3; i++) {
			const uint16_t *ids;
			size_t ns = syl_ids(nm->canon[i], &ids);
			const uint16_t *alt = ids + 1;
			size_t nalt = ns > 1 ? ns - 1 : 0;
			if (ns == 0 && syl_ids(nm->raw[i], &ids) > 1)
				alt = ids + 1, nalt = 1;
			for (size_t r = 0; r < nalt && alts < 3; r++, alts++) {
				uint32_t t2[SX_MAXU];
				memcpy(t2, tok, n * sizeof tok[0]);
				t2[i] = SYL_BIT | alt[r];
				sort_u32(t2, n);
				PUT(key_of('A', g, p->y, t2, n, SIZE_MAX));
			}
		}
		/* B (SX_KEY_MD): readings + gender + month and day, with each unit left out for names of 3+ units (issue 17
		 * item 2: one key kind where there were two, B on the whole readings and D on the readings with a unit left
		 * out + the whole birth date; a name of 3 units had 5 keys, now 4, one of 2 units 3, now 2). Two records
		 * sharing such a key pair as B and D paired them, no more (sx_key_pairs): of the same readings (one digit off
		 * in the year), or born the same day (one unit substituted, or dropped: the name of 2 units it becomes has its
		 * B key on the whole readings, as its D key was). */
		uint32_t md = p->m * 100u + p->d;
		if (n < 3)
			PUT(key_of('B', g, md, st, n, SIZE_MAX));
		else
			for (size_t i = 0; i < n; i++) {
				if (i > 0 && st[i] == st[i - 1])
					continue;
				PUT(key_of('B', g, md, st, n, i));
			}
		/* a name of 4+ units with a unit dropped is a name of 3+ units: its A key, with each unit left out */
		if (n >= 4)
			for (size_t i = 0; i < n; i++) {
				if (i > 0 && st[i] == st[i - 1])
					continue;
				PUT(key_of('A', g, p->y, st, n, i));
			}
	}
	/* I: the same number on another document (R7 joins only resident numbers): any name, any date (sx_compare
	 * suggests such a pair on the number alone). A resident number one character off needs no key of its own: the
	 * rule counts only with a near name and a near date (sx_compare), whose keys above already meet (issue 17: three
	 * masked-number keys per record were a third of the import's key writes). */
	uint64_t ik = sx_number_key(p);
	if (ik)
		PUT(ik);
#undef PUT
	return nk;
}

uint64_t sx_number_key(const struct sx_prep *p)
{
	if (!p->idn[0] || resident_like(p->idn))
		return 0;
	char buf[40];
	size_t k = (size_t)snprintf(buf, sizeof buf, "I%s", p->idn);
	uint64_t h = sx_hash(buf, k < sizeof buf ? k : sizeof buf - 1, 11) & ~(uint64_t)SX_KEY_MD;
	return h ? h : 2;
}

int sx_key_meets(uint64_t k, const struct sx_keyed *a, const struct sx_keyed *b)
{
	if (!(k & SX_KEY_MD))
		return 1;
	return a->rd == b->rd || (a->y == b->y && a->m == b->m && a->d == b->d);
}

int sx_key_pairs(const struct sx_prep *a, const struct sx_prep *b, uint64_t k)
{
	struct sx_keyed x = {a->rd, a->y, a->m, a->d}, y = {b->rd, b->y, b->m, b->d};
	return sx_key_meets(k, &x, &y);
}

/* ---------------------------------------------------------------- comparison */

enum level { LV_SAME, LV_VARIANT, LV_HOMO, LV_DIFF };

static enum level unit_level(uint32_t ra, uint32_t ca, uint32_t rb, uint32_t cb)
{
	if (ra == rb)
		return LV_SAME;
	if (ca == cb)
		return LV_VARIANT;
	if (!(ra & WORD_BIT) && !(rb & WORD_BIT) && share_reading(ra, rb))
		return LV_HOMO;
	return LV_DIFF;
}

/* name rule of a vs b (b may be longer); fills pos fields in m */
static enum sx_name_rule compare_names(const struct sx_prep *pa, const struct sx_prep *pb, struct sx_match *m)
{
	const struct sx_name *a = &pa->nm, *b = &pb->nm;
	m->name_pos = m->name_pos2 = -1;
	if (a->n == 0 || b->n == 0)
		return SXN_EMPTY;
	if (a->n == b->n) {
		int worst = LV_SAME, ndiff = 0, first = -1, second = -1;
		for (int i = 0; i < a->n; i++) {
			enum level lv = unit_level(a->raw[i], a->canon[i], b->raw[i], b->canon[i]);
			if (lv == LV_DIFF) {
				ndiff++;
				if (first < 0)
					first = i;
				else
					second = i;
			} else if ((int)lv > worst) {
				worst = lv;
				if (m->name_pos < 0)
					m->name_pos = i;
			} else if (lv != LV_SAME && m->name_pos < 0) {
				m->name_pos = i;
			}
		}
		if (ndiff == 0) {
			if (worst == LV_SAME)
				return pa->name_h == pb->name_h ? SXN_SAME : SXN_NORM;
			m->compound = m->name_pos < a->surname && a->surname == 2;
			return worst == LV_VARIANT ? SXN_VARIANT : SXN_HOMOPHONE;
		}
		if (ndiff == 2 && second == first + 1 &&
		    unit_level(a->raw[first], a->canon[first], b->raw[second], b->canon[second]) != LV_DIFF &&
		    unit_level(a->raw[second], a->canon[second], b->raw[first], b->canon[first]) != LV_DIFF) {
			m->name_pos = first;
			m->name_pos2 = second;
			m->compound = first < a->surname && a->surname == 2;
			return SXN_TRANSPOSE;
		}
		if (ndiff == 1 && a->n >= 3) {
			/* one character substituted: only where the rest still says much (the given name keeps 2+ characters
			 * or the surname differs); 欧阳娜/欧阳丽 and 王明/王华 are different names */
			int given = a->n - (a->surname > b->surname ? a->surname : b->surname);
			int in_surname = first < (a->surname > b->surname ? a->surname : b->surname);
			if (in_surname || given >= 2) {
				m->name_pos = first;
				m->compound = in_surname && (a->surname == 2 || b->surname == 2);
				return SXN_SUBST;
			}
		}
		return SXN_DIFF;
	}
	const struct sx_name *L = a->n > b->n ? a : b, *S = a->n > b->n ? b : a;
	if (L->n != S->n + 1 || S->n < 2)
		return SXN_DIFF;
	for (int drop = 0; drop < L->n; drop++) {
		int ok = 1;
		for (int i = 0, j = 0; i < L->n && ok; i++) {
			if (i == drop)
				continue;
			ok = unit_level(L->raw[i], L->canon[i], S->raw[j], S->canon[j]) != LV_DIFF;
			j++;
		}
		if (ok) {
			m->name_pos = drop;
			m->compound = drop < L->surname && L->surname == 2;
			return SXN_DROP;
		}
	}
	return SXN_DIFF;
}

enum sx_date_rule sx_date_rule(const struct sx_keyed *a, const struct sx_keyed *b, int *pos)
{
	*pos = 0;
	if (!a->y || !b->y)
		return SXD_DIFF;
	if (a->y == b->y && a->m == b->m && a->d == b->d)
		return SXD_SAME;
	if (a->y == b->y && a->m == b->d && a->d == b->m && a->m != a->d)
		return SXD_SWAP;
	char x[16], y[16];
	snprintf(x, sizeof x, "%04u%02u%02u", (unsigned)a->y, (unsigned)a->m, (unsigned)a->d);
	snprintf(y, sizeof y, "%04u%02u%02u", (unsigned)b->y, (unsigned)b->m, (unsigned)b->d);
	int nd = 0;
	for (int i = 0; i < 8; i++)
		if (x[i] != y[i]) {
			nd++;
			*pos = i + 1;
		}
	return nd == 1 ? SXD_DIGIT : SXD_DIFF;
}

static enum sx_date_rule compare_dates(const struct sx_prep *a, const struct sx_prep *b, int *pos)
{
	struct sx_keyed x = {a->rd, a->y, a->m, a->d}, y = {b->rd, b->y, b->m, b->d};
	return sx_date_rule(&x, &y, pos);
}

static enum sx_id_rule compare_ids(const struct sx_prep *a, const struct sx_prep *b, int *pos)
{
	*pos = 0;
	if (!a->idn[0] || !b->idn[0])
		return SXI_NONE;
	if (strcmp(a->idn, b->idn) == 0)
		return SXI_SAME;
	size_t la = strlen(a->idn), lb = strlen(b->idn);
	if (la != lb)
		return SXI_DIFF;
	/* resident numbers: positions 1-17 (the check character follows them) */
	size_t end = resident_like(a->idn) && resident_like(b->idn) ? 17 : la;
	int nd = 0;
	for (size_t i = 0; i < end; i++)
		if (a->idn[i] != b->idn[i]) {
			nd++;
			*pos = (int)i + 1;
		}
	if (end == 17 && nd == 0)
		return SXI_NEAR_INVALID; /* only the check character differs: one of them is malformed */
	if (nd != 1)
		return SXI_DIFF;
	return a->id_valid && b->id_valid ? SXI_DIGIT : SXI_NEAR_INVALID;
}

/* Weights (per mille; a pair at or above XJ_SUSPECT_THRESHOLD, default 700, is suggested). The score adds the evidence
 * of each field, so one field alone never decides (measured by tests/bench/suspects.sh, issue 17):
 *  - name and birth date near: one error (a name rule other than same/normalised/variant, or a date rule other than
 *    same) is what a second registration of the same child typically carries; two errors at once are rare for one
 *    child but common between two children born days apart with similar names: W_TWO_ERRORS;
 *  - a name of two characters (surname + one) is shared by many children: W_SHORT_NAME;
 *  - the context: same school, same county, the same guardian (name or phone: a child registered twice is registered
 *    by the same family); pairs across counties without a shared guardian reach the threshold only when the name and
 *    the date say much (variant/normalised writing of a 3+ character name with the same birth date);
 *  - two valid resident numbers that differ are strong evidence of two children (twins: sequence digits). */
enum {
	W_NAME_SAME = 450, W_NAME_HOMO = 380, W_NAME_TRANSPOSE = 380, W_NAME_EDIT = 300, W_SHORT_NAME = -80,
	W_DATE_SAME = 300, W_DATE_SWAP = 250, W_DATE_DIGIT = 200, W_TWO_ERRORS = -150,
	W_ID_SAME = 350, W_ID_DIGIT = 250, W_ID_RESIDENT_DIFF = -600, W_ID_TYPE_DIFF = -300,
	W_SCHOOL = 200, W_COUNTY = 120, W_PHONE = 250, W_GUARDIAN = 150
};

int sx_compare(const struct sx_prep *a, const struct sx_prep *b, struct sx_match *m)
{
	memset(m, 0, sizeof *m);
	m->score = -1;
	if (a->id == b->id && a->id != 0)
		return -1;
	m->name = compare_names(a, b, m);
	m->date = compare_dates(a, b, &m->date_pos);
	m->id = compare_ids(a, b, &m->id_pos);
	m->same_school = a->school && a->school == b->school;
	m->same_county = a->county[0] && strcmp(a->county, b->county) == 0;
	m->same_phone = a->phone_h && a->phone_h == b->phone_h;
	m->same_guardian = a->guardian_h && a->guardian_h == b->guardian_h;
	/* R7 already joins: same resident number, or same name + gender + birth with one not a resident ID */
	if ((a->id_type == '1' && b->id_type == '1' && m->id == SXI_SAME) ||
	    (a->name_h == b->name_h && a->gender == b->gender && m->date == SXD_SAME && (a->id_type != '1' || b->id_type != '1'))) {
		m->r7 = 1;
		return -1;
	}
	if (a->gender != b->gender)
		return -1;
	int near_name = m->name <= SXN_HOMOPHONE;
	if ((m->name == SXN_DIFF || m->date == SXD_DIFF || m->name == SXN_EMPTY) && m->id != SXI_SAME)
		return -1;
	int s = 0;
	switch (m->name) {
	case SXN_SAME: case SXN_NORM: case SXN_VARIANT: s += W_NAME_SAME; break;
	case SXN_HOMOPHONE: s += W_NAME_HOMO; break;
	case SXN_TRANSPOSE: s += W_NAME_TRANSPOSE; break;
	case SXN_SUBST: case SXN_DROP: s += W_NAME_EDIT; break;
	default: break;
	}
	if (m->name != SXN_EMPTY && m->name != SXN_DIFF && a->nm.n <= 2 && b->nm.n <= 2)
		s += W_SHORT_NAME;
	s += m->date == SXD_SAME ? W_DATE_SAME : m->date == SXD_SWAP ? W_DATE_SWAP : m->date == SXD_DIGIT ? W_DATE_DIGIT : 0;
	m->deviations = (m->name > SXN_VARIANT && m->name != SXN_EMPTY) + (m->date != SXD_SAME);
	if (m->deviations >= 2)
		s += W_TWO_ERRORS;
	switch (m->id) {
	case SXI_SAME: s += W_ID_SAME; break;
	case SXI_DIGIT: s += near_name ? W_ID_DIGIT : W_ID_RESIDENT_DIFF; break; /* twins: numbers one apart, names not */
	case SXI_DIFF:
		if (a->id_type == '1' && b->id_type == '1' && a->id_valid && b->id_valid)
			s += W_ID_RESIDENT_DIFF;
		else if (a->id_type == b->id_type)
			s += W_ID_TYPE_DIFF;
		break;
	default: break;
	}
	s += m->same_school ? W_SCHOOL : m->same_county ? W_COUNTY : 0;
	s += m->same_phone ? W_PHONE : 0;
	s += m->same_guardian ? W_GUARDIAN : 0;
	/* the kind: the first field that deviates */
	static const enum sx_kind name_kind[] = {
		[SXN_SAME] = SXK_NONE, [SXN_NORM] = SXK_NORM, [SXN_VARIANT] = SXK_VARIANT, [SXN_HOMOPHONE] = SXK_HOMOPHONE,
		[SXN_TRANSPOSE] = SXK_TRANSPOSE, [SXN_SUBST] = SXK_SUBST, [SXN_DROP] = SXK_DROP, [SXN_EMPTY] = SXK_NONE, [SXN_DIFF] = SXK_NONE};
	m->kind = m->compound ? SXK_COMPOUND : name_kind[m->name];
	if (m->kind == SXK_NONE)
		m->kind = m->date == SXD_SWAP ? SXK_SWAP : m->date == SXD_DIGIT ? SXK_DATE_DIGIT : SXK_NONE;
	if (m->kind == SXK_NONE)
		m->kind = m->id == SXI_DIGIT ? SXK_ID_DIGIT : m->id == SXI_SAME ? SXK_ID_SAME : SXK_NONE;
	m->score = s < 0 ? 0 : s;
	return m->score;
}

/* ---------------------------------------------------------------- explanation */

static const char *const kind_names[SXK__COUNT] = {"none", "normalised", "variant", "homophone", "substituted", "dropped",
						   "transposed", "compound_surname", "day_month_swapped", "date_digit",
						   "id_digit", "id_same"};

const char *sx_kind_name(enum sx_kind k) { return k >= 0 && k < SXK__COUNT ? kind_names[k] : NULL; }
int sx_kind_parse(const char *s)
{
	for (int i = 0; s && i < SXK__COUNT; i++)
		if (strcmp(kind_names[i], s) == 0)
			return i;
	return -1;
}

static void item(cJSON *arr, const char *field, const char *rule, const char *zh, const char *en)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "field", field);
	cJSON_AddStringToObject(o, "rule", rule);
	cJSON_AddStringToObject(o, "zh", zh);
	cJSON_AddStringToObject(o, "en", en);
	cJSON_AddItemToArray(arr, o);
}

static const char *nz(const char *s) { return s ? s : ""; }

cJSON *sx_explain(const struct sx_rec *a, const struct sx_rec *b, const struct sx_match *m)
{
	cJSON *arr = cJSON_CreateArray();
	char zh[1024], en[1024];
	struct sx_name na, nb;
	char ta[SX_MAXU][40], tb[SX_MAXU][40];
	sx_name_parse_text(a->name, &na, ta);
	sx_name_parse_text(b->name, &nb, tb);
	const char *cz = m->compound ? "复姓 " : "", *ce = m->compound ? "compound surname: " : "";
	int p = m->name_pos;
	switch (m->name) {
	case SXN_SAME:
		item(arr, "name", "same", "姓名: 相同", "name: same");
		break;
	case SXN_NORM:
		item(arr, "name", "normalised", "姓名: 仅全角/半角、空格或间隔号不同", "name: differs only in width, spaces or separator dots");
		break;
	case SXN_VARIANT:
	case SXN_HOMOPHONE: {
		/* name every differing unit: 張/张 繁简异体, 晓/小 同音 */
		size_t lz = 0, le = 0;
		lz += (size_t)snprintf(zh + lz, sizeof zh - lz, "姓名: %s", cz);
		le += (size_t)snprintf(en + le, sizeof en - le, "name: %s", ce);
		for (int i = 0; i < na.n && i < nb.n && lz < sizeof zh - 80 && le < sizeof en - 80; i++) {
			if (na.raw[i] == nb.raw[i])
				continue;
			int var = na.canon[i] == nb.canon[i];
			const char *rd[1] = {""};
			if (!var)
				sx_readings(na.raw[i], rd, 1);
			lz += (size_t)snprintf(zh + lz, sizeof zh - lz, "%s/%s %s ", ta[i], tb[i], var ? "繁简异体" : "同音");
			le += (size_t)snprintf(en + le, sizeof en - le, "%s/%s %s ", ta[i], tb[i],
					       var ? "traditional/simplified or variant form" : "same reading");
		}
		if (lz && zh[lz - 1] == ' ')
			zh[lz - 1] = 0;
		if (le && en[le - 1] == ' ')
			en[le - 1] = 0;
		item(arr, "name", m->name == SXN_VARIANT ? "variant" : "homophone", zh, en);
		break;
	}
	case SXN_TRANSPOSE:
		snprintf(zh, sizeof zh, "姓名: %s%s%s/%s%s 颠倒", cz, ta[p], ta[m->name_pos2], tb[p], tb[m->name_pos2]);
		snprintf(en, sizeof en, "name: %s%s%s/%s%s transposed", ce, ta[p], ta[m->name_pos2], tb[p], tb[m->name_pos2]);
		item(arr, "name", "transposed", zh, en);
		break;
	case SXN_SUBST:
		snprintf(zh, sizeof zh, "姓名: %s第 %d 字 %s/%s 不同", cz, p + 1, ta[p], tb[p]);
		snprintf(en, sizeof en, "name: %scharacter %d differs (%s/%s)", ce, p + 1, ta[p], tb[p]);
		item(arr, "name", "substituted", zh, en);
		break;
	case SXN_DROP: {
		int a_long = na.n > nb.n;
		const char *t = a_long ? ta[p] : tb[p];
		if (m->compound) {
			const char(*lt)[40] = a_long ? ta : tb;
			snprintf(zh, sizeof zh, "姓名: 复姓 %.39s%.39s/%.39s 少一字", lt[0], lt[1], p == 0 ? lt[1] : lt[0]);
			snprintf(en, sizeof en, "name: compound surname %.39s%.39s written %.39s", lt[0], lt[1], p == 0 ? lt[1] : lt[0]);
		} else {
			snprintf(zh, sizeof zh, "姓名: 少一字「%s」", t);
			snprintf(en, sizeof en, "name: one character (%s) dropped", t);
		}
		item(arr, "name", "dropped", zh, en);
		break;
	}
	case SXN_EMPTY:
		item(arr, "name", "empty", "姓名: 为空，不比较", "name: empty, not compared");
		break;
	case SXN_DIFF:
		item(arr, "name", "different", "姓名: 不同", "name: different");
		break;
	}
	item(arr, "gender", "same", "性别: 相同", "gender: same");
	switch (m->date) {
	case SXD_SAME:
		item(arr, "birth_date", "same", "出生日期: 相同", "date of birth: same");
		break;
	case SXD_SWAP:
		snprintf(zh, sizeof zh, "出生日期: 日月颠倒 (%s/%s)", nz(a->birth), nz(b->birth));
		snprintf(en, sizeof en, "date of birth: day and month swapped (%s/%s)", nz(a->birth), nz(b->birth));
		item(arr, "birth_date", "day_month_swapped", zh, en);
		break;
	case SXD_DIGIT:
		snprintf(zh, sizeof zh, "出生日期: 第 %d 位数字不同 (%s/%s)", m->date_pos, nz(a->birth), nz(b->birth));
		snprintf(en, sizeof en, "date of birth: digit %d differs (%s/%s)", m->date_pos, nz(a->birth), nz(b->birth));
		item(arr, "birth_date", "digit", zh, en);
		break;
	case SXD_DIFF:
		item(arr, "birth_date", "different", "出生日期: 不同", "date of birth: different");
		break;
	}
	switch (m->id) {
	case SXI_NONE:
		item(arr, "id_number", "none", "证件号: 一方无证件号，不比较", "ID number: missing on one side, not compared");
		break;
	case SXI_SAME:
		item(arr, "id_number", "same", "证件号: 相同", "ID number: same");
		break;
	case SXI_DIGIT:
		snprintf(zh, sizeof zh, "证件号: 第 %d 位不同", m->id_pos);
		snprintf(en, sizeof en, "ID number: character %d differs", m->id_pos);
		item(arr, "id_number", "digit", zh, en);
		break;
	case SXI_NEAR_INVALID:
		item(arr, "id_number", "near_invalid", "证件号: 相近，但有一方校验不通过", "ID number: close, but one of them is malformed");
		break;
	case SXI_DIFF:
		item(arr, "id_number", "different", "证件号: 不同", "ID number: different");
		break;
	}
	if (m->same_school)
		item(arr, "school", "same", "学校: 同一学校", "school: same");
	else if (m->same_county)
		item(arr, "school", "same_county", "学校: 同一区县", "school: same county");
	/* the guardian (issue 17 item 3: the screen shows these beside both records): same, or different when both give one */
	if (m->same_guardian)
		item(arr, "guardian_name", "same", "监护人姓名: 相同", "guardian name: same");
	else if (a->guardian && *a->guardian && b->guardian && *b->guardian)
		item(arr, "guardian_name", "different", "监护人姓名: 不同", "guardian name: different");
	if (m->same_phone)
		item(arr, "guardian_phone", "same", "监护人电话: 相同", "guardian phone: same");
	else if (a->phone && *a->phone && b->phone && *b->phone)
		item(arr, "guardian_phone", "different", "监护人电话: 不同", "guardian phone: different");
	if (m->deviations >= 2)
		item(arr, "score", "two_errors", "姓名与出生日期均有差异: 降低分数", "both name and date of birth differ: score lowered");
	return arr;
}
