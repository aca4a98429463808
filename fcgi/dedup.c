/* dedup: clash keys, common superior (R2), student numbers (R5), masking and the reference detector (R7-R9). */
#include "dedup.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dedup_member_active(const char *state)
{
	static const char *const active[] = {"unconfirmed", "open", "awaiting_leader", "awaiting_review"};
	for (size_t i = 0; state && i < sizeof active / sizeof *active; i++)
		if (strcmp(state, active[i]) == 0)
			return 1;
	return 0;
}

char *dedup_nbg_key(const char *name, char gender, const char *birth_iso, char *out, size_t outsz)
{
	assert(out && outsz > 0);
	snprintf(out, outsz, "%s|%c|%s", name ? name : "", gender, birth_iso ? birth_iso : "");
	return out;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int dedup_common_superior(const char *const *counties, size_t n, char code_out[7])
{
	assert(counties && n >= 1);
	size_t common = 6; /* length of the common prefix among 6, 4, 2, 0 */
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;
		while (k < common && counties[i][k] == counties[0][k])
			k++;
		common = k >= 6 ? 6 : k >= 4 ? 4 : k >= 2 ? 2 : 0;
	}
	/* GB/T 2260: city part 90 is a statistical placeholder (省/自治区直辖县级行政区划, e.g. 469000), not a bureau:
	 * counties under it are administered by the province, which is then their common superior */
	if (common == 4 && counties[0][2] == '9' && counties[0][3] == '0')
		common = 2;
	memcpy(code_out, "000000", 7);
	memcpy(code_out, counties[0], common);
	return common == 6 ? 3 : common == 4 ? 2 : common == 2 ? 1 : 0;
}

int dedup_l_prefix(const char *county6, const char *birth_iso, char out[16])
{
	if (!county6 || !birth_iso || strlen(county6) != 6 || !all_digits(county6, 6) || strlen(birth_iso) != 10 ||
	    birth_iso[4] != '-' || birth_iso[7] != '-' || !all_digits(birth_iso, 4) || !all_digits(birth_iso + 5, 2) ||
	    !all_digits(birth_iso + 8, 2))
		return -1;
	out[0] = 'L';
	memcpy(out + 1, county6, 6);
	memcpy(out + 7, birth_iso, 4);
	memcpy(out + 11, birth_iso + 5, 2);
	memcpy(out + 13, birth_iso + 8, 2);
	out[15] = 0;
	return 0;
}

int dedup_l_number(const char *county6, const char *birth_iso, int seq, char out[20])
{
	char p[16];
	if (seq < 0 || seq > 9999 || dedup_l_prefix(county6, birth_iso, p) != 0)
		return -1;
	snprintf(out, 20, "%s%04d", p, seq);
	return 0;
}

int dedup_g_number(const char *id18, char out[20])
{
	if (!id18 || strlen(id18) != 18)
		return -1;
	out[0] = 'G';
	memcpy(out + 1, id18, 19);
	return 0;
}

char *dedup_mask_id(const char *id, char *out, size_t outsz)
{
	assert(out && outsz > 0);
	size_t n = id ? strlen(id) : 0, keep = n >= 9 ? 4 : 1;
	if (n == 0 || n + 1 > outsz) {
		out[0] = 0;
		return out;
	}
	if (n <= 2) {
		memset(out, '*', n);
		out[n] = 0;
		return out;
	}
	memcpy(out, id, keep);
	memset(out + keep, '*', n - 2 * keep);
	memcpy(out + n - keep, id + n - keep, keep);
	out[n] = 0;
	return out;
}

char *dedup_mask_student_no(const char *no, char *out, size_t outsz)
{
	assert(out && outsz > 1);
	if (!no || !*no || strlen(no) + 1 > outsz) {
		out[0] = 0;
		return out;
	}
	if (no[0] != 'G') {
		memcpy(out, no, strlen(no) + 1);
		return out;
	}
	out[0] = 'G';
	dedup_mask_id(no + 1, out + 1, outsz - 1);
	return out;
}

/* length of the UTF-8 sequence at s (1 for an invalid or truncated one) */
static size_t u8len(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

char *dedup_mask_name(const char *name, char *out, size_t outsz)
{
	assert(out && outsz > 0);
	out[0] = 0;
	if (!name || !*name)
		return out;
	size_t chars = 0, first = 0, last = 0, len = strlen(name);
	for (size_t i = 0; i < len; i += u8len(name + i)) {
		if (chars == 0)
			first = u8len(name);
		last = i;
		chars++;
	}
	size_t lastlen = len - last, need = chars == 1 ? 1 : first + (chars - 1) + (chars >= 3 ? lastlen - 1 : 0);
	if (need + 1 > outsz)
		return out;
	if (chars == 1) {
		memcpy(out, "*", 2);
		return out;
	}
	size_t o = first;
	memcpy(out, name, first);
	memset(out + o, '*', chars >= 3 ? chars - 2 : 1);
	o += chars >= 3 ? chars - 2 : 1;
	if (chars >= 3) {
		memcpy(out + o, name + last, lastlen);
		o += lastlen;
	}
	out[o] = 0;
	return out;
}

/* ---- reference detector ---- */

struct keyed {
	const char *key;
	size_t idx;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Append clashes of one kind from sorted keyed entries: runs of equal keys of length >= 2 that satisfy ok(). */
static size_t runs(struct arena *a, struct keyed *k, size_t nk, enum wf_type t, const struct dedup_rec *recs,
		   struct dedup_clash *out, size_t nout)
{
	qsort(k, nk, sizeof *k, cmp_keyed);
	for (size_t i = 0; i < nk;) {
		size_t j = i + 1;
		while (j < nk && strcmp(k[j].key, k[i].key) == 0)
			j++;
		int ok = j - i >= 2;
		if (ok && t == WT_NBG_DUP) { /* R7: at least one member of another ID type than '1' */
			ok = 0;
			for (size_t m = i; m < j; m++)
				if (recs[k[m].idx].id_type != '1')
					ok = 1;
		}
		if (ok) {
			struct dedup_clash *c = &out[nout++];
			c->type = t;
			c->key = k[i].key;
			c->n = j - i;
			c->members = arena_alloc(a, c->n * sizeof *c->members);
			for (size_t m = i; m < j; m++)
				c->members[m - i] = k[m].idx;
		}
		i = j;
	}
	return nout;
}

size_t dedup_find(struct arena *a, const struct dedup_rec *recs, size_t n, struct dedup_clash **out)
{
	/* at most n/2 clashes of each duplicate kind and n ID errors */
	struct dedup_clash *cl = arena_alloc(a, (2 * n + 1) * sizeof *cl);
	struct keyed *k = arena_alloc(a, (n + 1) * sizeof *k);
	size_t nk = 0, nout = 0;
	for (size_t i = 0; i < n; i++)
		if (recs[i].live && recs[i].id_type == '1' && recs[i].id_number && *recs[i].id_number)
			k[nk++] = (struct keyed){recs[i].id_number, i};
	nout = runs(a, k, nk, WT_ID_DUP, recs, cl, nout);
	for (size_t i = 0; i < n; i++)
		if (recs[i].live && recs[i].id_type == '1' && recs[i].id_malformed) {
			struct dedup_clash *c = &cl[nout++];
			c->type = WT_ID_ERROR;
			c->key = arena_printf(a, "#%zu", i);
			c->n = 1;
			c->members = arena_alloc(a, sizeof *c->members);
			c->members[0] = i;
		}
	nk = 0;
	for (size_t i = 0; i < n; i++)
		if (recs[i].live) {
			size_t sz = strlen(recs[i].name ? recs[i].name : "") + 20;
			char *key = arena_alloc(a, sz);
			k[nk++] = (struct keyed){dedup_nbg_key(recs[i].name, recs[i].gender, recs[i].birth, key, sz), i};
		}
	nout = runs(a, k, nk, WT_NBG_DUP, recs, cl, nout);
	*out = cl;
	return nout;
}
