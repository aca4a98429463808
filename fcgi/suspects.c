/* suspects: suspected duplicates (R31, issue 17) as a service: the full run and the pair fingerprint. */
#include "suspects.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "config.h"
#include "db_suspect.h"
#include "dedup.h"
#include "arena.h"
#include "xmalloc.h"
#include "db_workflow.h"
#include "log.h"
#include "thread.h"

#define SLICE 50000           /* records read per statement */
#define BLOCK_ALL 64          /* a block up to this size is compared pair by pair */
#define BLOCK_WINDOW 16       /* a larger block: each record with its next neighbours (by key order) */
#define MERGE_WINDOW 32768    /* records whose stored pairs are read, merged and written per transaction */

int suspects_threshold(void)
{
	return (int)config_int("XJ_SUSPECT_THRESHOLD"); /* 1..1000, config.c */
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t hstr(const char *s, uint64_t seed) { return sx_hash(s ? s : "", s ? strlen(s) : 0, seed); }

uint64_t suspects_fp(const struct sx_rec *lo, const struct sx_rec *hi)
{
	uint64_t h = 0x5eed;
	const struct sx_rec *r[2] = {lo, hi};
	for (int i = 0; i < 2; i++) {
		char small[4] = {r[i]->gender, r[i]->id_type, (char)('0' + (r[i]->id_valid != 0)), 0};
		h = hstr(r[i]->name, h);
		h = hstr(small, h);
		h = hstr(r[i]->birth, h);
		h = hstr(r[i]->id_number, h);
	}
	return h & 0x7fffffffffffffffull; /* stored in a signed-bound BIGINT UNSIGNED */
}

/* one record of a result row */
static void rec_of(const struct db_rows *rs, size_t i, struct sx_rec *r)
{
	const char *g = db_get(rs, i, SXC_GENDER), *t = db_get(rs, i, SXC_IDTYPE), *chk = db_get(rs, i, SXC_IDCHECK);
	*r = (struct sx_rec){.id = (uint64_t)db_get_int(rs, i, SXC_ID),
			     .name = db_get(rs, i, SXC_NAME),
			     .gender = g ? g[0] : 0,
			     .birth = db_get(rs, i, SXC_BIRTH),
			     .id_type = t ? t[0] : 0,
			     .id_number = db_get(rs, i, SXC_IDNO),
			     .id_valid = chk && strcmp(chk, "ok") == 0,
			     .county = db_get(rs, i, SXC_COUNTY),
			     .school_id = (uint32_t)db_get_int(rs, i, SXC_SCHOOL),
			     .phone = db_get(rs, i, SXC_PHONE),
			     .guardian = db_get(rs, i, SXC_GUARDIAN)};
}

/* the R2 arbiter of two counties: the one computation (dedup_common_superior), its unit id from units (sorted by code) */
static uint32_t arbiter_of(const struct db_rows *units, const char *c1, const char *c2)
{
	const char *cs[2] = {c1 ? c1 : "000000", c2 ? c2 : "000000"};
	char code[7];
	dedup_common_superior(cs, 2, code);
	size_t lo = 0, hi = units->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(db_get(units, mid, 1), code);
		if (c == 0)
			return (uint32_t)db_get_int(units, mid, 0);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

struct keyed {
	uint64_t k;
	uint32_t i;
};
static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	return x->k < y->k ? -1 : x->k > y->k ? 1 : (x->i > y->i) - (x->i < y->i);
}

/* Sort the keys by (k, i) as qsort with cmp_keyed would: a stable radix sort on k, 16 bits a pass, of keys appended in
 * record order (i never decreases), so equal keys keep their records' order (issue 17 item 1: qsort of ~5 keys a
 * record was the largest part of the full run at 200k records, after the keys pass) */
static void sort_keyed(struct keyed *v, size_t n)
{
	enum { BITS = 16, BUCKETS = 1 << BITS };
	for (size_t j = 1; j < n; j++)
		assert(v[j - 1].i <= v[j].i);
	struct keyed *tmp = xmalloc((n ? n : 1) * sizeof *tmp), *from = v, *to = tmp;
	size_t *count = xmalloc(BUCKETS * sizeof *count);
	for (unsigned shift = 0; shift < 64; shift += BITS) {
		memset(count, 0, BUCKETS * sizeof *count);
		for (size_t j = 0; j < n; j++)
			count[(from[j].k >> shift) & (BUCKETS - 1)]++;
		size_t sum = 0;
		for (size_t b = 0; b < BUCKETS; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t j = 0; j < n; j++)
			to[count[(from[j].k >> shift) & (BUCKETS - 1)]++] = from[j];
		struct keyed *t = from;
		from = to;
		to = t;
	}
	assert(from == v); /* an even number of passes ends in v */
	for (size_t j = 1; j < n; j++)
		assert(cmp_keyed(&v[j - 1], &v[j]) <= 0);
	free(count);
	free(tmp);
}

struct found {
	uint32_t a, b; /* indexes, a < b */
	int score;
};
static int cmp_found(const void *p, const void *q)
{
	const struct found *x = p, *y = q;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

struct run {
	struct sx_rec *recs;
	struct sx_prep *prep;
	size_t n;
	struct found *f;
	size_t nf, capf;
	int threshold;
	size_t compared;
};

static void compare(struct run *x, uint32_t i, uint32_t j)
{
	if (i == j)
		return;
	struct sx_match m;
	x->compared++;
	int s = sx_compare(&x->prep[i], &x->prep[j], &m);
	if (s < x->threshold)
		return;
	if (x->nf == x->capf) {
		x->capf = x->capf ? 2 * x->capf : 1024;
		x->f = xrealloc(x->f, x->capf * sizeof *x->f);
	}
	x->f[x->nf++] = (struct found){i < j ? i : j, i < j ? j : i, s};
}

/* A found pair as it is stored (lower id first; the explanation's text in the current arena). */
static void pair_row(const struct run *x, const struct db_rows *units, const struct found *f, struct sx_pair_row *row)
{
	const struct sx_rec *a = &x->recs[f->a], *b = &x->recs[f->b];
	assert(a->id < b->id); /* records in id order, f->a < f->b */
	struct sx_match m;
	sx_compare(&x->prep[f->a], &x->prep[f->b], &m);
	char *txt = cJSON_PrintUnformatted(sx_explain(a, b, &m));
	*row = (struct sx_pair_row){.lo = a->id, .hi = b->id, .score = m.score, .kind = sx_kind_name(m.kind),
				    .rules = txt ? txt : "[]", .fp = suspects_fp(a, b), .lo_county = a->county,
				    .hi_county = b->county, .arbiter = arbiter_of(units, a->county, b->county)};
}

static int str_eq(const char *x, const char *y) { return strcmp(x ? x : "", y ? y : "") == 0; }

/* Whether stored pair i of rs is what the run would store (R31: a "different" decision made on other values opens it
 * again, as db_sx_store's upsert does). */
static int pair_same(const struct db_rows *rs, size_t i, const struct sx_pair_row *r)
{
	uint64_t fp = (uint64_t)db_get_int(rs, i, SXS_FP);
	if (strcmp(db_get(rs, i, SXS_STATE), "different") == 0 && (uint64_t)db_get_int(rs, i, SXS_DECIDED_FP) != r->fp)
		return 0;
	return db_get_int(rs, i, SXS_SCORE) == r->score && fp == r->fp &&
	       (uint32_t)db_get_int(rs, i, SXS_ARBITER) == r->arbiter && str_eq(db_get(rs, i, SXS_KIND), r->kind) &&
	       str_eq(db_get(rs, i, SXS_LO_COUNTY), r->lo_county) && str_eq(db_get(rs, i, SXS_HI_COUNTY), r->hi_county) &&
	       str_eq(db_get(rs, i, SXS_RULES), r->rules);
}

/* one window's writes: new and changed pairs (upsert), vanished open pairs removed */
struct merge_ctx {
	const struct sx_pair_row *rows;
	size_t nrows;
	const uint64_t *gone;
	size_t ngone;
	const char *since;
	unsigned long long removed;
};
static enum xerr merge_tx(struct db *db, void *ctx)
{
	struct merge_ctx *c = ctx;
	enum xerr e = XE_OK;
	c->removed = 0;
	if (c->nrows)
		e = db_sx_store(db, c->rows, c->nrows);
	if (e == XE_OK && c->ngone)
		e = db_sx_vanished(db, c->gone, c->ngone, c->since, &c->removed);
	return e;
}

/* Write only what changed (issue 17 item 1): the run's pairs (x->f, sorted by record index, i.e. by (lo_id, hi_id))
 * merged with the stored ones, window by window of MERGE_WINDOW records (by lower record id): a pair found and stored
 * alike is left untouched, a new or changed one is upserted, a stored open pair not found again is removed (a decided
 * one keeps its decision, R31). The result is what a run into an empty table stores, ids and times aside. */
static enum xerr merge_pairs(struct db *db, struct arena *scratch, const struct run *x, const struct db_rows *units,
			     const char *since, struct sx_run_stats *st)
{
	enum xerr e = XE_OK;
	size_t fi = 0;
	for (size_t w = 0; e == XE_OK; w += MERGE_WINDOW) {
		uint64_t from = w == 0 ? 0 : x->recs[w].id, to = w + MERGE_WINDOW < x->n ? x->recs[w + MERGE_WINDOW].id : INT64_MAX;
		size_t fe = fi;
		while (fe < x->nf && x->recs[x->f[fe].a].id < to)
			fe++;
		struct arena *prev = arena_current();
		arena_set_current(scratch);
		struct db_rows rs;
		e = db_sx_stored(db, scratch, from, to, &rs);
		struct sx_pair_row *rows = xmalloc((fe - fi + 1) * sizeof *rows);
		uint64_t *gone = xmalloc((e == XE_OK ? rs.n + 1 : 1) * sizeof *gone);
		size_t nr = 0, ng = 0;
		for (size_t k = fi, si = 0; e == XE_OK && (k < fe || si < rs.n);) {
			int c;
			if (k == fe)
				c = 1;
			else if (si == rs.n)
				c = -1;
			else {
				uint64_t lo = x->recs[x->f[k].a].id, hi = x->recs[x->f[k].b].id;
				uint64_t slo = (uint64_t)db_get_int(&rs, si, SXS_LO), shi = (uint64_t)db_get_int(&rs, si, SXS_HI);
				c = lo != slo ? (lo < slo ? -1 : 1) : hi != shi ? (hi < shi ? -1 : 1) : 0;
			}
			if (c > 0) { /* stored, not found again */
				if (strcmp(db_get(&rs, si, SXS_STATE), "open") == 0)
					gone[ng++] = (uint64_t)db_get_int(&rs, si, SXS_ID);
				si++;
				continue;
			}
			pair_row(x, units, &x->f[k], &rows[nr]);
			if (c < 0)
				st->inserted++, nr++;
			else if (!pair_same(&rs, si, &rows[nr]))
				st->updated++, nr++;
			else
				st->unchanged++;
			k++;
			si += c == 0;
		}
		struct merge_ctx mc = {rows, nr, gone, ng, since, 0};
		if (e == XE_OK && (nr || ng))
			e = db_tx(db, merge_tx, &mc);
		st->removed += mc.removed;
		free(rows);
		free(gone);
		arena_set_current(prev);
		arena_reset(scratch);
		fi = fe;
		if (w + MERGE_WINDOW >= x->n)
			break;
	}
	assert(e != XE_OK || fi == x->nf);
	return e;
}

static int cmp_keyrow(const void *p, const void *q)
{
	const struct sx_keyrow *x = p, *y = q;
	return x->k != y->k ? (x->k > y->k) - (x->k < y->k) : (x->id > y->id) - (x->id < y->id);
}

struct keys_ctx {
	const struct sx_keyrow *rows;
	size_t n;
};
static enum xerr keys_tx(struct db *db, void *ctx)
{
	struct keys_ctx *c = ctx;
	return db_sx_keys_bulk(db, c->rows, c->n);
}
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

enum xerr suspects_run(struct db *db, struct sx_run_stats *st)
{
	double t0 = now_s();
	struct arena a, scratch;
	struct run x = {.threshold = suspects_threshold()};
	struct keyed *keys = NULL;
	size_t nk = 0, capk = 0, cap = 0;
	struct db_rows units;
	const char *since = NULL;
	memset(st, 0, sizeof *st);
	arena_init(&a, 1 << 24);
	arena_init(&scratch, 1 << 20);
	struct arena *prev = arena_current();
	arena_set_current(&a);
	enum xerr e = db_sx_now(db, &a, &since);
	if (e == XE_OK)
		e = db_sx_units(db, &a, &units);
	/* every live record, prepared once */
	for (uint64_t after = 0; e == XE_OK;) {
		struct db_rows rs;
		double tr = now_s();
		e = db_sx_records(db, &a, after, SLICE, &rs);
		st->read_seconds += now_s() - tr;
		if (e != XE_OK || rs.n == 0)
			break;
		if (x.n + rs.n > cap) {
			cap = (x.n + rs.n) * 2;
			x.recs = xrealloc(x.recs, cap * sizeof *x.recs);
			x.prep = xrealloc(x.prep, cap * sizeof *x.prep);
		}
		for (size_t i = 0; i < rs.n; i++, x.n++) {
			rec_of(&rs, i, &x.recs[x.n]);
			sx_prepare(&x.recs[x.n], &x.prep[x.n]);
			uint64_t k[SX_MAXKEYS];
			size_t m = sx_keys(&x.prep[x.n], k, SX_MAXKEYS);
			if (nk + m > capk) {
				capk = (nk + m) * 2;
				keys = xrealloc(keys, capk * sizeof *keys);
			}
			for (size_t j = 0; j < m; j++)
				keys[nk++] = (struct keyed){k[j], (uint32_t)x.n};
		}
		after = (uint64_t)db_get_int(&rs, rs.n - 1, SXC_ID);
	}
	if (e == XE_OK) {
		/* candidate pairs only within a block (equal key) */
		st->prepare_seconds = now_s() - t0 - st->read_seconds;
		double tc = now_s();
		sort_keyed(keys, nk);
		for (size_t s = 0; s < nk;) {
			size_t t = s + 1;
			while (t < nk && keys[t].k == keys[s].k)
				t++;
			st->blocks += t > s + 1;
			for (size_t i = s; i < t; i++) {
				size_t end = t - s <= BLOCK_ALL ? t : (i + 1 + BLOCK_WINDOW < t ? i + 1 + BLOCK_WINDOW : t);
				for (size_t j = i + 1; j < end; j++)
					if (sx_key_pairs(&x.prep[keys[i].i], &x.prep[keys[j].i], keys[s].k))
						compare(&x, keys[i].i, keys[j].i);
			}
			s = t;
		}
		qsort(x.f, x.nf, sizeof *x.f, cmp_found);
		size_t u = 0;
		for (size_t i = 0; i < x.nf; i++)
			if (!u || x.f[u - 1].a != x.f[i].a || x.f[u - 1].b != x.f[i].b)
				x.f[u++] = x.f[i];
		x.nf = u;
		st->compare_seconds = now_s() - tc;
	}
	double tp = now_s();
	if (e == XE_OK)
		e = merge_pairs(db, &scratch, &x, &units, since, st);
	st->store_seconds = now_s() - tp;
	/* the blocking keys of every live record, for the incremental check (suspect_key) */
	double tk = now_s();
	/* records written through the service keep their keys (the incremental check); a record without any (loaded
	 * otherwise, or before migration 211) gets them here */
	struct db_rows keyed = {0};
	if (e == XE_OK)
		e = db_sx_keyed(db, &a, &keyed);
	if (e == XE_OK) {
		uint64_t *have = xmalloc((keyed.n ? keyed.n : 1) * sizeof *have);
		for (size_t i = 0; i < keyed.n; i++)
			have[i] = (uint64_t)db_get_int(&keyed, i, 0);
		qsort(have, keyed.n, sizeof *have, cmp_u64);
		struct sx_keyrow *kr = xmalloc((nk ? nk : 1) * sizeof *kr);
		size_t m = 0;
		/* one merge in record order (x.recs by id, have sorted): a record's keys are computed again only when it has
		 * none stored (issue 17 item 1: a binary search per key, in key order, missed the cache for every key and
		 * was most of this pass at 1M records) */
		for (size_t i = 0, h = 0; i < x.n; i++) {
			uint64_t id = x.recs[i].id;
			assert(!i || x.recs[i - 1].id < id);
			while (h < keyed.n && have[h] < id)
				h++;
			if (h < keyed.n && have[h] == id)
				continue;
			uint64_t k[SX_MAXKEYS];
			size_t mk = sx_keys(&x.prep[i], k, SX_MAXKEYS);
			uint64_t num = sx_number_key(&x.prep[i]);
			for (size_t j = 0; j < mk; j++) {
				assert(m < nk);
				kr[m++] = (struct sx_keyrow){k[j], id, x.recs[i].birth, x.prep[i].rd, k[j] == num};
			}
		}
		/* transactions of about 256 Ki keys, never parting a record's keys (its key set is one row) */
		for (size_t from = 0; e == XE_OK && from < m;) {
			size_t to = m - from <= (1u << 18) ? m : from + (1u << 18);
			while (to < m && kr[to].id == kr[to - 1].id)
				to++;
			/* in record order, as the keys arrive in production: sorted slices (each walking the primary key once)
			 * split every page of the slices before them and left the table half full (at 1M records 83 B a key row,
			 * against about 49 B in record order), so a larger part of it missed the buffer pool later */
			struct keys_ctx kc = {kr + from, to - from};
			e = db_tx(db, keys_tx, &kc);
			from = to;
		}
		st->keys_stored = m;
		free(have);
		free(kr);
	}
	st->records = x.n;
	st->keys = nk;
	st->compared = x.compared;
	st->pairs = x.nf;
	st->seconds = now_s() - t0;
	st->keys_seconds = now_s() - tk;
	free(keys);
	free(x.recs);
	free(x.prep);
	free(x.f);
	arena_set_current(prev);
	arena_free(&scratch);
	arena_free(&a);
	return e;
}

int suspects_cli(void)
{
	struct db *db = db_open();
	struct sx_run_stats st;
	enum xerr e = db_ensure(db);
	if (e == XE_OK)
		e = suspects_run(db, &st);
	if (e == XE_OK)
		printf("suspects: %zu records, %zu keys, %zu blocks, %zu compared, %zu pairs at or above %d, %zu new, %zu changed,"
		       " %zu unchanged, %llu removed, %.3f s (pairs %.3f s: reading records %.3f s, preparing and keying %.3f s, sorting and"
		       " comparing %.3f s, merging and writing %.3f s; %zu blocking keys stored in %.3f s)\n",
		       st.records, st.keys, st.blocks, st.compared, st.pairs, suspects_threshold(), st.inserted, st.updated,
		       st.unchanged, st.removed, st.seconds, st.seconds - st.keys_seconds, st.read_seconds, st.prepare_seconds,
		       st.compare_seconds, st.store_seconds, st.keys_stored, st.keys_seconds);
	else
		fprintf(stderr, "suspects: %s\n", err_code(e));
	db_close(db);
	return e == XE_OK ? 0 : 1;
}

struct decide_ctx {
	struct arena *a;
	struct sx_decision *d;
};

static enum xerr decide_tx(struct db *db, void *ctx)
{
	struct decide_ctx *c = ctx;
	struct sx_decision *d = c->d;
	struct db_rows p, r[2];
	struct sx_rec rec[2];
	d->group_id = 0;
	d->code = NULL;
	enum xerr e = db_sx_lock(db, c->a, d->pair_id, &p);
	if (e != XE_OK)
		return e;
	if (!p.n || (uint32_t)db_get_int(&p, 0, 3) != d->unit_id)
		return XE_NOT_FOUND; /* R2: only the county of the pair or the common superior sees it */
	if (strcmp(db_get(&p, 0, 1), "open") != 0)
		return d->code = "already_decided", XE_CONFLICT;
	if (d->expected_version >= 0 && db_get_int(&p, 0, 2) != d->expected_version)
		return d->code = "version_conflict", XE_CONFLICT;
	for (int i = 0; i < 2; i++) {
		if ((e = db_sx_record_locked(db, c->a, (uint64_t)db_get_int(&p, 0, 4 + i), &r[i])) != XE_OK)
			return e;
		if (!r[i].n || strcmp(db_get(&r[i], 0, SXC__N), "deleted") == 0)
			return d->code = "record_deleted", XE_CONFLICT;
		rec_of(&r[i], 0, &rec[i]);
	}
	const char *state = d->same_child ? "same_child" : "different";
	uint64_t mid[2] = {0, 0};
	if (d->same_child) {
		const char *cs[2] = {rec[0].county, rec[1].county}, *due = NULL;
		char code[7], key[48];
		int level = dedup_common_superior(cs, 2, code);
		snprintf(key, sizeof key, "S:%llu|%llu", (unsigned long long)rec[0].id, (unsigned long long)rec[1].id);
		struct sx_member m[2];
		for (int i = 0; i < 2; i++)
			m[i] = (struct sx_member){rec[i].id, rec[i].school_id, db_get(&r[i], 0, SXC__N + 1), db_get(&r[i], 0, SXC__N + 2),
						  rec[i].county};
		if ((e = db_wf_due_date(db, c->a, &due)) != XE_OK)
			return e;
		e = db_sx_group_open(db, key, d->unit_id, level, m, due, &d->group_id, mid);
		if (e == XE_DUPLICATE)
			return d->code = "group_open", XE_CONFLICT;
		if (e == XE_OK)
			e = db_sx_history(db, d->group_id, 0, 0, d->user_id, d->role, "group_opened", NULL, "open", "suspected_dup");
		for (int i = 0; i < 2 && e == XE_OK; i++)
			e = db_sx_history(db, d->group_id, mid[i], rec[i].id, d->user_id, d->role, "member_added", NULL, "open", NULL);
		if (e != XE_OK)
			return e;
	}
	if ((e = db_sx_decide(db, d->pair_id, state, d->user_id, suspects_fp(&rec[0], &rec[1]), d->group_id)) != XE_OK)
		return e;
	/* whole: a reason of 200 characters is up to 800 bytes (a fixed buffer cut it, mid-character at worst) */
	const char *reason = arena_printf(c->a, "suspect_pair:%llu%s%s", (unsigned long long)d->pair_id, d->reason ? " " : "",
					  d->reason ? d->reason : "");
	for (int i = 0; i < 2 && e == XE_OK; i++)
		e = db_sx_history(db, d->group_id, mid[i], rec[i].id, d->user_id, d->role, "suspect_decided", "open", state, reason);
	return e;
}

enum xerr suspects_decide(struct db *db, struct arena *a, struct sx_decision *d)
{
	struct decide_ctx c = {a, d};
	return db_tx(db, decide_tx, &c);
}

static int cmp_rec_id(const void *k, const void *r)
{
	uint64_t x = *(const uint64_t *)k, y = ((const struct sx_rec *)r)->id;
	return (x > y) - (x < y);
}

/* A batch's records, prepared and keyed (ascending id; the keys in key order). Strings point into the rows read. */
struct batch_recs {
	struct db_rows rs;
	struct sx_rec *recs;
	struct sx_prep *prep;
	struct sx_keyrow *kr;
	size_t n, nk;
};

static void batch_free(struct batch_recs *b)
{
	free(b->recs);
	free(b->prep);
	free(b->kr);
	*b = (struct batch_recs){0};
}

/* read the live records marked with batch and key them */
static enum xerr batch_read(struct db *db, struct arena *a, uint64_t batch, struct batch_recs *b)
{
	*b = (struct batch_recs){0};
	enum xerr e = db_sx_batch_records(db, a, batch, &b->rs);
	if (e != XE_OK || b->rs.n == 0)
		return e;
	b->n = b->rs.n;
	b->recs = xmalloc(b->n * sizeof *b->recs);
	b->prep = xmalloc(b->n * sizeof *b->prep);
	b->kr = xmalloc(b->n * SX_MAXKEYS * sizeof *b->kr);
	for (size_t i = 0; i < b->n; i++) {
		uint64_t k[SX_MAXKEYS];
		rec_of(&b->rs, i, &b->recs[i]);
		sx_prepare(&b->recs[i], &b->prep[i]);
		size_t m = sx_keys(&b->prep[i], k, SX_MAXKEYS);
		uint64_t num = sx_number_key(&b->prep[i]);
		for (size_t j = 0; j < m; j++)
			b->kr[b->nk++] = (struct sx_keyrow){k[j], b->recs[i].id, b->recs[i].birth, b->prep[i].rd, k[j] == num};
	}
	/* stored in key order: the load walks the primary key (k, student_id) once instead of at random, and the
	 * candidates are read in that order */
	qsort(b->kr, b->nk, sizeof *b->kr, cmp_keyrow);
	return XE_OK;
}

/* Compare the batch's records with the candidates cs (column 0: the batch record's id, then SXC_* of the other, as
 * db_sx_batch_candidates gives them): *rows (the caller frees it) the *np pairs at or above the threshold, their
 * arbiters looked up on db. a holds the other records and the explanations (the caller sets it current for cJSON). */
static enum xerr compare_rows(struct db *db, struct arena *a, const struct batch_recs *b, const struct db_rows *cs,
			      struct sx_pair_row **prows, size_t *np)
{
	int th = suspects_threshold();
	enum xerr e = XE_OK;
	struct sx_pair_row *rows = *prows = xmalloc((cs->n ? cs->n : 1) * sizeof *rows);
	char last_code[7] = "";
	uint32_t last_arbiter = 0;
	*np = 0;
	for (size_t j = 0; j < cs->n && e == XE_OK; j++) {
		uint64_t rid = (uint64_t)db_get_int(cs, j, 0);
		const struct sx_rec *r = bsearch(&rid, b->recs, b->n, sizeof *b->recs, cmp_rec_id);
		if (!r)
			continue;
		const struct sx_prep *p = &b->prep[r - b->recs];
		struct sx_rec *o = arena_alloc(a, sizeof *o);
		struct sx_prep q;
		struct sx_match m;
		struct db_rows one = {.n = 1, .ncols = cs->ncols - 1, .cell = cs->cell + j * cs->ncols + 1, .len = cs->len + j * cs->ncols + 1};
		rec_of(&one, 0, o);
		if (o->id < r->id && bsearch(&o->id, b->recs, b->n, sizeof *b->recs, cmp_rec_id))
			continue; /* both in the batch: compared once, from the lower */
		sx_prepare(o, &q);
		const struct sx_rec *lo = r->id < o->id ? r : o, *hi = r->id < o->id ? o : r;
		if ((lo == r ? sx_compare(p, &q, &m) : sx_compare(&q, p, &m)) < th)
			continue;
		const char *cs2[2] = {lo->county ? lo->county : "000000", hi->county ? hi->county : "000000"};
		char code[7];
		dedup_common_superior(cs2, 2, code);
		if (strcmp(code, last_code) != 0) { /* a batch is mostly one school's: one look-up */
			if ((e = db_sx_unit_of(db, a, code, &last_arbiter)) != XE_OK)
				break;
			memcpy(last_code, code, 7);
		}
		if (!last_arbiter)
			continue;
		char *txt = cJSON_PrintUnformatted(sx_explain(lo, hi, &m));
		rows[(*np)++] = (struct sx_pair_row){.lo = lo->id, .hi = hi->id, .score = m.score, .kind = sx_kind_name(m.kind),
						     .rules = txt ? txt : "[]", .fp = suspects_fp(lo, hi), .lo_county = lo->county,
						     .hi_county = hi->county, .arbiter = last_arbiter};
	}
	return e;
}

/* compare_rows, then store the pairs on db */
static enum xerr compare_store(struct db *db, struct arena *a, const struct batch_recs *b, const struct db_rows *cs,
			       size_t *np)
{
	struct sx_pair_row *rows;
	enum xerr e = compare_rows(db, a, b, cs, &rows, np);
	if (e == XE_OK && *np)
		e = db_sx_store(db, rows, *np);
	free(rows);
	return e;
}

/* the check; fresh: the batch's records are new (no keys of theirs to forget) */
static enum xerr check_batch(struct db *db, struct arena *a, uint64_t batch, int fresh)
{
	if (!config_int("XJ_SUSPECT_INCREMENTAL"))
		return XE_OK; /* off (operations, and the bench's measure of its cost); the full run still finds every pair */
	struct db_rows cs;
	struct batch_recs b;
	struct arena *prev = arena_current();
	arena_set_current(a); /* sx_explain's cJSON */
	double ts = now_s(), t0 = 0, t1 = 0, t2 = 0;
	size_t np = 0;
	enum xerr e = batch_read(db, a, batch, &b);
	if (e != XE_OK || b.n == 0)
		goto out;
	t0 = now_s();
	if ((!fresh && (e = db_sx_batch_keys_del(db, a, batch)) != XE_OK) || (e = db_sx_keys_bulk(db, b.kr, b.nk)) != XE_OK ||
	    (t1 = now_s(), e = db_sx_batch_candidates(db, a, b.kr, b.nk, &cs)) != XE_OK)
		goto out;
	t2 = now_s();
	e = compare_store(db, a, &b, &cs, &np);
	if (b.n >= 1000 && config_int("XJ_IMPORT_PROFILE") == 1)
		log_error("suspects check of batch %llu: %zu records read and keyed %.3f s, %zu keys stored %.3f s, %zu candidates"
			  " %.3f s, %zu pairs compared and stored %.3f s", (unsigned long long)batch, b.n, t0 - ts, b.nk, t1 - t0, cs.n,
			  t2 - t1, np, now_s() - t2);
out:
	batch_free(&b);
	arena_set_current(prev);
	return e;
}

enum xerr suspects_check_batch(struct db *db, struct arena *a, uint64_t batch) { return check_batch(db, a, batch, 0); }
enum xerr suspects_check_new(struct db *db, struct arena *a, uint64_t batch) { return check_batch(db, a, batch, 1); }

/* ---------------------------------------------------------------- an import's check, pipelined (issue 17 item 2) */

/* A key of the file's records, in memory: the file's records meet each other here, not in the database. */
struct fkey {
	uint64_t k, id;
	struct sx_keyed r;
	uint32_t next; /* the entry before it with the same hash bucket, + 1 (0: none) */
	uint8_t undated;
};

/* One batch whose keys are being stored and whose candidates among the committed records are being read on the side
 * connection. */
struct inflight {
	struct arena a; /* the batch's records, the candidates and their comparison */
	struct batch_recs b;
	struct db_rows cs;
	struct sx_pair_row *rows; /* the pairs found, to be stored on the transaction's connection */
	size_t np;
	struct sx_pipe *p;
	uint64_t batch;
	enum xerr e;
	pthread_t t;
	double keys_s, read_s, compare_s;
};

struct sx_pipe {
	struct db *side;
	int side_open; /* the side's transaction holds keys (begun by the first batch's) */
	int side_dead; /* the side failed: keys and reads on the transaction's connection from then on */
	uint64_t *side_batches; /* the batches whose keys the side's transaction holds */
	size_t nside, capside;
	struct fkey *keys;
	size_t nkeys, cap;
	uint32_t *head; /* hash bucket -> last entry + 1 */
	size_t nhead;   /* a power of two */
	struct inflight *fly;
	double read_s, keys_s, infile_s, wait_s, main_s, side_keys_s, side_s, side_cmp_s;
	size_t batches, infile_pairs, side_rows, stored;
};

struct sx_pipe *suspects_pipe_new(struct db *side)
{
	if (!side || !config_int("XJ_SUSPECT_INCREMENTAL"))
		return NULL;
	struct sx_pipe *p = xcalloc(1, sizeof *p);
	p->side = side;
	p->nhead = 1u << 12;
	p->head = xcalloc(p->nhead, sizeof *p->head);
	return p;
}

static size_t bucket(const struct sx_pipe *p, uint64_t k) { return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & (p->nhead - 1); }

static void fkey_add(struct sx_pipe *p, const struct fkey *f)
{
	if (p->nkeys == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 1u << 14;
		p->keys = xrealloc(p->keys, p->cap * sizeof *p->keys);
	}
	if (p->nkeys >= p->nhead) { /* at most one entry per bucket on average: rebuild the chains */
		p->nhead *= 2;
		free(p->head);
		p->head = xcalloc(p->nhead, sizeof *p->head);
		for (size_t i = 0; i < p->nkeys; i++) {
			size_t h = bucket(p, p->keys[i].k);
			p->keys[i].next = p->head[h];
			p->head[h] = (uint32_t)(i + 1);
		}
	}
	assert(p->nkeys < UINT32_MAX);
	size_t h = bucket(p, f->k);
	p->keys[p->nkeys] = *f;
	p->keys[p->nkeys].next = p->head[h];
	p->head[h] = (uint32_t)++p->nkeys;
}

static int cmp_pair(const void *p, const void *q)
{
	const uint64_t *x = p, *y = q;
	return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

static int cmp_keyrow_id(const void *p, const void *q)
{
	const struct sx_keyrow *x = p, *y = q;
	return x->id != y->id ? (x->id > y->id) - (x->id < y->id) : (x->k > y->k) - (x->k < y->k);
}

/* The batch's pairs with the file's records (the batch's own included), by the rules of Q_BATCH_CAND: found in memory,
 * then the other records read on the transaction's connection (they are not committed yet); the batch's keys join the
 * file's. *np: the pairs stored. */
static enum xerr infile(struct sx_pipe *p, struct db *db, struct arena *a, const struct batch_recs *b, size_t *np)
{
	size_t n = 0, cap = 64;
	uint64_t *pairs = xmalloc(cap * 2 * sizeof *pairs);
	struct sx_keyrow *by = xmalloc((b->nk ? b->nk : 1) * sizeof *by);
	enum xerr e = XE_OK;
	*np = 0;
	memcpy(by, b->kr, b->nk * sizeof *by);
	qsort(by, b->nk, sizeof *by, cmp_keyrow_id); /* records in id order: each meets the entries before it */
	for (size_t j = 0, i = 0; j < b->nk; j++) {
		const struct sx_keyrow *r = &by[j];
		while (b->recs[i].id != r->id)
			i++;
		assert(i < b->n);
		const struct sx_prep *q = &b->prep[i];
		struct fkey f = {.k = r->k, .id = r->id, .r = {r->rd, q->y, q->m, q->d}, .undated = r->undated};
		for (uint32_t x = p->head[bucket(p, f.k)]; x; x = p->keys[x - 1].next) {
			const struct fkey *o = &p->keys[x - 1];
			int pos;
			if (o->k != f.k || o->id == f.id || !sx_key_meets(f.k, &o->r, &f.r))
				continue;
			if (!o->undated && sx_date_rule(&o->r, &f.r, &pos) == SXD_DIFF) /* DATE_RULE of Q_BATCH_CAND */
				continue;
			if (n == cap)
				pairs = xrealloc(pairs, (cap *= 2) * 2 * sizeof *pairs);
			/* the batch record first; both in the batch: the lower first (compare_store compares from it) */
			int both = bsearch(&o->id, b->recs, b->n, sizeof *b->recs, cmp_rec_id) != NULL;
			pairs[2 * n] = both ? o->id : f.id, pairs[2 * n + 1] = both ? f.id : o->id;
			n++;
		}
		fkey_add(p, &f);
	}
	free(by);
	qsort(pairs, n, 2 * sizeof *pairs, cmp_pair);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || pairs[2 * i] != pairs[2 * (u - 1)] || pairs[2 * i + 1] != pairs[2 * (u - 1) + 1])
			pairs[2 * u] = pairs[2 * i], pairs[2 * u + 1] = pairs[2 * i + 1], u++;
	p->infile_pairs += u;
	if (u) {
		struct db_rows rs;
		if ((e = db_sx_pair_records(db, a, pairs, u, &rs)) == XE_OK)
			e = compare_store(db, a, b, &rs, np);
	}
	free(pairs);
	return e;
}

/* the side thread: the batch's keys stored in the side's transaction (begun by the first batch), then the candidates
 * among the committed records read and compared (the arbiters looked up there too). The side's own keys of the file
 * are read too, and dropped where their records are joined: the side does not see them (not committed). */
static void *side_read(void *v)
{
	struct inflight *f = v;
	struct db *side = f->p->side;
	double t0 = now_s(), t1;
	arena_set_current(&f->a); /* sx_explain's cJSON, on this thread */
	f->e = f->p->side_open ? XE_OK : db_begin_read_committed(side);
	if (f->e == XE_OK)
		f->p->side_open = 1, f->e = db_sx_keys_bulk(side, f->b.kr, f->b.nk);
	t1 = now_s();
	f->keys_s = t1 - t0;
	if (f->e == XE_OK && (f->e = db_sx_batch_candidates(side, &f->a, f->b.kr, f->b.nk, &f->cs)) == XE_OK) {
		f->read_s = now_s() - t1;
		f->e = compare_rows(side, &f->a, &f->b, &f->cs, &f->rows, &f->np);
	}
	f->compare_s = now_s() - t1 - f->read_s;
	return NULL;
}

/* the keys of batch stored on db (its records read and keyed again) */
static enum xerr keys_again(struct db *db, uint64_t batch)
{
	struct arena a;
	struct batch_recs b;
	arena_init(&a, 1 << 16);
	enum xerr e = batch_read(db, &a, batch, &b);
	if (e == XE_OK && b.nk)
		e = db_sx_keys_bulk(db, b.kr, b.nk);
	batch_free(&b);
	arena_free(&a);
	return e;
}

/* The side failed: its transaction (and the keys it held) rolled back, and the keys of the batches it held stored on
 * the transaction's connection, which sees their records (not committed yet). */
static enum xerr side_lost(struct sx_pipe *p, struct db *db)
{
	enum xerr e = XE_OK;
	if (p->side_open)
		db_rollback(p->side);
	p->side_open = 0;
	p->side_dead = 1;
	for (size_t i = 0; i < p->nside && e == XE_OK; i++)
		e = keys_again(db, p->side_batches[i]);
	log_error("suspects check of an import: the side connection failed: the keys of %zu batches stored on the"
		  " transaction's (%s)", p->nside, e == XE_OK ? "done" : "failed");
	p->nside = 0;
	return e;
}

/* wait for the batch in flight, then compare and store its pairs (on the transaction's connection) */
static enum xerr land(struct sx_pipe *p, struct db *db)
{
	struct inflight *f = p->fly;
	if (!f)
		return XE_OK;
	double t0 = now_s();
	thread_join(f->t);
	p->wait_s += now_s() - t0;
	p->fly = NULL;
	enum xerr e = f->e;
	double t1 = now_s();
	if (e == XE_OK) {
		if (p->nside == p->capside)
			p->side_batches = xrealloc(p->side_batches, (p->capside = p->capside ? 2 * p->capside : 64) * sizeof *p->side_batches);
		p->side_batches[p->nside++] = f->batch;
		if (f->np)
			e = db_sx_store(db, f->rows, f->np);
	} else { /* the side connection failed: the keys it held and this batch's stored on the transaction's, and the read
		    done there (it also sees the file's records compared in memory: those pairs are stored once more, the
		    same) */
		struct arena *prev = arena_current();
		arena_set_current(&f->a);
		free(f->rows);
		f->rows = NULL;
		if ((e = side_lost(p, db)) == XE_OK && (e = db_sx_keys_bulk(db, f->b.kr, f->b.nk)) == XE_OK &&
		    (e = db_sx_batch_candidates(db, &f->a, f->b.kr, f->b.nk, &f->cs)) == XE_OK)
			e = compare_store(db, &f->a, &f->b, &f->cs, &f->np);
		arena_set_current(prev);
	}
	p->main_s += now_s() - t1;
	p->side_keys_s += f->keys_s;
	p->side_s += f->read_s;
	p->side_cmp_s += f->compare_s;
	p->side_rows += f->cs.n;
	p->stored += f->np;
	free(f->rows);
	batch_free(&f->b);
	arena_free(&f->a);
	free(f);
	return e;
}

enum xerr suspects_pipe_batch(struct sx_pipe *p, struct db *db, uint64_t batch)
{
	enum xerr e = land(p, db);
	if (e != XE_OK)
		return e;
	struct inflight *f = xcalloc(1, sizeof *f);
	arena_init(&f->a, 1 << 16);
	f->p = p;
	f->batch = batch;
	struct arena *prev = arena_current();
	arena_set_current(&f->a); /* sx_explain's cJSON */
	double t0 = now_s(), t1 = t0;
	size_t np = 0;
	if ((e = batch_read(db, &f->a, batch, &f->b)) == XE_OK && f->b.n)
		t1 = now_s(), e = infile(p, db, &f->a, &f->b, &np);
	p->read_s += t1 - t0;
	p->infile_s += now_s() - t1;
	p->stored += np;
	arena_set_current(prev);
	p->batches++;
	if (e == XE_OK && f->b.n && !p->side_dead && thread_start(side_read, f, &f->t) == 0) {
		p->fly = f;
		return XE_OK;
	}
	if (e == XE_OK && f->b.n) { /* the side failed before, or no thread: the keys and the read here */
		arena_set_current(&f->a);
		t0 = now_s();
		if ((e = db_sx_keys_bulk(db, f->b.kr, f->b.nk)) == XE_OK) {
			p->keys_s += now_s() - t0;
			if ((e = db_sx_batch_candidates(db, &f->a, f->b.kr, f->b.nk, &f->cs)) == XE_OK)
				e = compare_store(db, &f->a, &f->b, &f->cs, &np);
		}
		arena_set_current(prev);
		p->stored += np;
	}
	batch_free(&f->b);
	arena_free(&f->a);
	free(f);
	return e;
}

enum xerr suspects_pipe_finish(struct sx_pipe *p, struct db *db)
{
	enum xerr e = land(p, db);
	if (config_int("XJ_IMPORT_PROFILE") == 1)
		log_error("suspects check of an import: %zu batches: records read and keyed %.3f s, keys stored here %.3f s, the"
			  " file's own %zu pairs compared %.3f s; beside it, keys stored %.3f s, %zu candidates among the committed"
			  " records read %.3f s and compared %.3f s, waited for %.3f s; pairs stored %.3f s; %zu pairs stored",
			  p->batches, p->read_s, p->keys_s, p->infile_pairs, p->infile_s, p->side_keys_s, p->side_rows, p->side_s,
			  p->side_cmp_s, p->wait_s, p->main_s, p->stored);
	return e;
}

/* the keys of the batches the side held, once more on the committed records (one short transaction per batch) */
struct again_ctx {
	uint64_t batch;
};
static enum xerr again_tx(struct db *db, void *ctx) { return keys_again(db, ((struct again_ctx *)ctx)->batch); }

void suspects_pipe_commit(struct sx_pipe *p, struct db *db)
{
	if (!p || !p->side_open)
		return;
	assert(!p->fly); /* suspects_pipe_finish landed the last batch */
	double t0 = now_s();
	p->side_open = 0;
	enum xerr e = db_commit(p->side);
	if (e == XE_OK) {
		if (config_int("XJ_IMPORT_PROFILE") == 1)
			log_error("suspects check of an import: the keys of %zu batches committed beside it in %.3f s", p->nside,
				  now_s() - t0);
		return;
	}
	size_t done = 0;
	for (size_t i = 0; i < p->nside; i++) {
		struct again_ctx c = {p->side_batches[i]};
		done += db_tx(db, again_tx, &c) == XE_OK;
	}
	log_error("suspects check of an import: the side's COMMIT of its keys failed (%s): %zu of %zu batches keyed again%s",
		  err_code(e), done, p->nside, done == p->nside ? "" : "; `xueji --suspects` keys the rest");
}

void suspects_pipe_free(struct sx_pipe *p)
{
	if (!p)
		return;
	if (p->fly) { /* the transaction failed: the read is waited for, its result dropped */
		thread_join(p->fly->t);
		free(p->fly->rows);
		batch_free(&p->fly->b);
		arena_free(&p->fly->a);
		free(p->fly);
	}
	if (p->side_open) /* the import's transaction did not commit: neither do its keys */
		db_rollback(p->side);
	free(p->side_batches);
	free(p->keys);
	free(p->head);
	free(p);
}
