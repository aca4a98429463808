/* db_registry: SQL of the registry: records, set-based duplicate detection (R7-R9), register results, imports, lists. */
#include "db_registry.h"
#include "scope.h"
#include "db_search.h"
#include "xmalloc.h"
#include "db_workflow.h"
#include "workflow.h"
#include <stdarg.h>
#include "sbuf.h"
#include "log.h"
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- jurisdiction */

/* R1-R3: the caller's jurisdiction is the one scope of scope.h: SCOPE_SQL/SCOPE_EACH statements per kind, bound
 * with scope_arg(who), and scope_contains in C. */

/* ---------------------------------------------------------------- batches, schools */

static const struct db_sql Q_BATCH = {"INSERT INTO reg_batch (kind, actor_user_id, actor_role) VALUES (?, ?, ?)"};
/* a school that takes records: its columns (struct reg_school) and predicate (issue 16: a closed school takes no new
 * records, it reads as unknown) */
#define SCHOOL_COLS "u.id, u.code, u.province_code, u.city_code, u.county_code, u.name"
#define SCHOOL_OPEN "u.level=4 AND u.closed_at IS NULL"
static const struct db_sql Q_SCHOOL = {"SELECT " SCHOOL_COLS " FROM unit u WHERE u.code=? AND " SCHOOL_OPEN};
static const struct db_sql Q_SCHOOLS = {
	"SELECT " SCHOOL_COLS " FROM JSON_TABLE(?, '$[*]' COLUMNS (c VARCHAR(10) PATH '$')) j"
	" STRAIGHT_JOIN unit u ON u.code=j.c AND " SCHOOL_OPEN};

enum xerr db_reg_batch_new(struct db *db, const char *kind, uint64_t actor_id, const char *actor_role, uint64_t *batch)
{
	unsigned long long id = 0;
	enum xerr e = db_exec(db, NULL, &Q_BATCH, DB_ARGS(DBS(kind), actor_id ? DBI(actor_id) : DBNULL, DBS(actor_role)), NULL,
			      NULL, &id);
	*batch = id;
	return e;
}

static const struct db_sql Q_SCHOOL_OPEN = {
	"SELECT id FROM unit WHERE id=? AND level=4 AND closed_at IS NULL LOCK IN SHARE MODE"};

enum xerr db_reg_school_open(struct db *db, struct arena *a, uint32_t id, int *open)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_SCHOOL_OPEN, DB_ARGS(DBI(id)), &rs, NULL, NULL);
	*open = e == XE_OK && rs.n == 1;
	return e;
}

/* the schools of a JSON array of ids (ascending: the same lock order in every transaction), open ones under a shared lock */
static const struct db_sql Q_SCHOOLS_OPEN = {
	"SELECT u.id FROM JSON_TABLE(?, '$[*]' COLUMNS (i INT UNSIGNED PATH '$')) j STRAIGHT_JOIN unit u FORCE INDEX (PRIMARY)"
	" ON u.id=j.i WHERE u.level=4 AND u.closed_at IS NULL ORDER BY u.id LOCK IN SHARE MODE"};

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

enum xerr db_reg_schools_open(struct db *db, struct arena *a, uint32_t *ids, size_t n, uint32_t *closed)
{
	struct sbuf b = {0};
	struct db_rows rs;
	*closed = 0;
	qsort(ids, n, sizeof *ids, cmp_u32);
	sbuf_put(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		char t[16];
		sbuf_put(&b, t, (size_t)snprintf(t, sizeof t, i ? ",%u" : "%u", ids[i]));
	}
	sbuf_put(&b, "]", 1);
	enum xerr e = db_exec(db, a, &Q_SCHOOLS_OPEN, DB_ARGS(DBSN(b.s, b.n)), &rs, NULL, NULL);
	free(b.s);
	/* the open ones come back in id order: the first id missing among them is closed */
	for (size_t i = 0, r = 0; e == XE_OK && i < n && !*closed; i++, r++)
		if (r >= rs.n || (uint32_t)db_get_int(&rs, r, 0) != ids[i])
			*closed = ids[i];
	return e;
}

static void strs_json(struct sbuf *b, const char *const *strs, size_t n);

/* row i of an SCHOOL_COLS result into s; 1 when the school has its county (it can take records) */
static int school_row(const struct db_rows *rs, size_t i, struct reg_school *s)
{
	s->id = (uint32_t)db_get_int(rs, i, 0);
	snprintf(s->code, sizeof s->code, "%s", db_get(rs, i, 1));
	snprintf(s->province, sizeof s->province, "%s", db_get(rs, i, 2) ? db_get(rs, i, 2) : "");
	snprintf(s->city, sizeof s->city, "%s", db_get(rs, i, 3) ? db_get(rs, i, 3) : "");
	snprintf(s->county, sizeof s->county, "%s", db_get(rs, i, 4) ? db_get(rs, i, 4) : "");
	s->name = db_get(rs, i, 5);
	return strlen(s->county) == 6;
}

enum xerr db_reg_school(struct db *db, struct arena *a, const char *code, struct reg_school *s, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_SCHOOL, DB_ARGS(DBS(code)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*found = school_row(&rs, 0, s);
	return e;
}

enum xerr db_reg_schools(struct db *db, struct arena *a, const char *const *codes, size_t n,
			 void (*found)(void *ctx, const struct reg_school *s), void *ctx)
{
	struct sbuf b = {0};
	struct db_rows rs;
	strs_json(&b, codes, n);
	enum xerr e = db_exec(db, a, &Q_SCHOOLS, DB_ARGS(DBSN(b.s, b.n)), &rs, NULL, NULL);
	free(b.s);
	for (size_t i = 0; e == XE_OK && i < rs.n; i++) {
		struct reg_school s;
		if (school_row(&rs, i, &s))
			found(ctx, &s);
	}
	return e;
}

/* ---------------------------------------------------------------- detection predicates (R8) */

/* R8.2 ID error of record S right now: malformed resident number, or a current register finding. */
#define ID_ERROR_NOW(S)                                                                                           \
	"(" S ".status<>'deleted' AND ((" S ".id_type='1' AND " S ".id_check<>'ok') OR (" S ".verify_state IN"      \
	" ('not_exist','name_mismatch') AND " S ".verify_id_number<=>" S ".id_number AND (" S ".verify_state='not_exist'" \
	" OR " S ".verify_name<=>" S ".name))))"
/* R8.3 ID changed: the register named another current number for the record's number. */
#define ID_CHANGED_NOW(S)                                                                                         \
	"(" S ".status<>'deleted' AND " S ".verify_state='changed' AND " S ".verify_id_number<=>" S ".id_number AND " S \
	".register_id_number IS NOT NULL AND NOT (" S ".register_id_number<=>" S ".id_number))"
/* ---------------------------------------------------------------- statements with IN lists */

#define IN_SLICE 1000
static struct db_sql Q_GROUP_MEMBERS, D_KEYS_ERR_NO;
static pthread_once_t in_once = PTHREAD_ONCE_INIT;

/* "head (?,?,...n) tail" as a process-lifetime string. */
static const char *in_sql(const char *head, size_t n, const char *tail)
{
	size_t len = strlen(head) + 2 * n + strlen(tail) + 4;
	char *s = xmalloc(len), *p = s;
	p += sprintf(p, "%s(", head);
	for (size_t i = 0; i < n; i++)
		*p++ = '?', *p++ = i + 1 < n ? ',' : ')';
	strcpy(p, tail);
	return s;
}

static void in_init(void)
{
	D_KEYS_ERR_NO.sql = in_sql("INSERT IGNORE INTO detect_key (batch, type, k, sid) SELECT ?, 'id_error', CAST(s.id AS CHAR), s.id"
				   " FROM student s FORCE INDEX (uk_student_no) WHERE s.student_no IN ", IN_SLICE,
				   " AND " ID_ERROR_NOW("s"));
	Q_GROUP_MEMBERS.sql = in_sql(
		"SELECT m.group_id, m.id, m.state, s.id, s.student_no, s.name, s.gender, DATE_FORMAT(s.birth_date,'%Y-%m-%d'),"
		" s.id_type, s.id_number, sch.code, sch.name, s.county_code, cu.name, s.status, sch.province_code, sch.city_code,"
		" s.school_id, s.id_check, s.verify_state, s.verify_id_number<=>s.id_number, s.verify_name<=>s.name,"
		" s.register_id_number, DATE_FORMAT(m.due_date,'%Y-%m-%d'), m.rejected_open IS NOT NULL"
		" FROM group_member m FORCE INDEX (uk_member) JOIN student s ON s.id=m.student_id JOIN unit sch ON sch.id=s.school_id"
		" LEFT JOIN unit cu ON cu.code=s.county_code WHERE m.group_id IN ",
		100, " ORDER BY m.group_id, m.id");
}

/* ---------------------------------------------------------------- key lists as one JSON parameter */

/* Many keys are looked up in one statement: the keys travel as one bound JSON array, JSON_TABLE turns it into rows
 * and each row probes the index (a nested loop of index lookups). Unlike an IN list of placeholders this has no
 * per-value range analysis and no slices, and a locking read locks exactly the probed keys and their gaps.
 * JSON_TABLE columns are utf8mb4_bin like the tables' (ascii where the table is ascii), so the probes use the index. */
static const struct db_sql Q_SEQ_BUMP = {
	"INSERT INTO student_no_seq (prefix, last) SELECT j.p, j.c FROM JSON_TABLE(?, '$[*]' COLUMNS"
	" (p CHAR(15) CHARACTER SET ascii PATH '$[0]', c INT PATH '$[1]')) j"
	" ON DUPLICATE KEY UPDATE last = student_no_seq.last + VALUES(last) RETURNING prefix, last"}; /* each as now */
static const struct db_sql Q_SEQ_MAX_USED = {
	"SELECT MAX(student_no) FROM student FORCE INDEX (uk_student_no) WHERE student_no BETWEEN ? AND ? LOCK IN SHARE MODE"};
static const struct db_sql Q_SEQ_RAISE = {
	"INSERT INTO student_no_seq (prefix, last) VALUES (?, ?) ON DUPLICATE KEY UPDATE last = GREATEST(last, VALUES(last))"};
/* the stored fields of an identity match (struct reg_stored), in this order, of student s */
#define IDENT_COLS                                                                                                \
	"s.id, s.school_id, s.id_type, IFNULL(s.id_number,''), s.student_no, s.name, s.gender,"                     \
	" DATE_FORMAT(s.birth_date,'%Y-%m-%d'), s.grade, s.class_name, IFNULL(DATE_FORMAT(s.enrol_date,'%Y-%m-%d'),''),"  \
	" s.guardian_name, s.guardian_phone"
#define IDENT_JT                                                                                                  \
	"SELECT " IDENT_COLS " FROM JSON_TABLE(?, '$[*]' COLUMNS (k VARCHAR(30) PATH '$')) j"                       \
	" STRAIGHT_JOIN student s FORCE INDEX (k_student_idno) ON s.id_number=j.k WHERE s.status<>'deleted'"           \
	" ORDER BY s.id"
static const struct db_sql Q_IDENT_MANY = {IDENT_JT};
static const struct db_sql Q_IDENT_MANY_LOCK = {IDENT_JT " LOCK IN SHARE MODE"};
#define NBG_JT                                                                                                    \
	"SELECT s.name, s.gender, DATE_FORMAT(s.birth_date,'%Y-%m-%d'), COUNT(*), SUM(s.id_type<>'1') FROM JSON_TABLE(?, '$[*]'" \
	" COLUMNS (n VARCHAR(50) PATH '$[0]', g CHAR(1) PATH '$[1]', b DATE PATH '$[2]')) j"                           \
	" STRAIGHT_JOIN student s FORCE INDEX (k_student_nbg) ON s.name=j.n AND s.gender=j.g AND s.birth_date=j.b"      \
	" WHERE s.status<>'deleted' GROUP BY s.name, s.gender, s.birth_date"
static const struct db_sql Q_NBG_MANY = {NBG_JT};
static const struct db_sql Q_NBG_MANY_LOCK = {NBG_JT " LOCK IN SHARE MODE"};

/* ---------------------------------------------------------------- inserts, student numbers (R5) */

static const struct db_sql Q_INSERT = {
	"INSERT INTO student (school_id, province_code, city_code, county_code, name, gender, birth_date, id_type, id_number,"
	" id_check, grade, class_name, enrol_date, guardian_phone, student_no, status, source, created_by, touch_batch,"
	" import_job_id, import_row, guardian_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'pending',?,?,?,?,?,?)"};
#define INSERT_NCOLS 21

struct pref {
	char p[16];
	size_t idx; /* row index */
};
static int cmp_pref(const void *a, const void *b)
{
	const struct pref *x = a, *y = b;
	int c = strcmp(x->p, y->p);
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Give rows[0..n) fresh L numbers: bump each prefix's counter by its count (sorted, so lock order is the same in
 * every transaction), read the counters back, hand out the numbers below them in row order. */
static enum xerr assign_numbers(struct db *db, struct arena *a, struct reg_new *rows, size_t n, int resync)
{
	enum xerr e = XE_OK;
	struct pref *pf = xmalloc(n * sizeof *pf);
	char (*uniq)[16] = xmalloc(n * sizeof *uniq);
	int *cnt = xcalloc(n, sizeof *cnt), *last = xcalloc(n, sizeof *last);
	struct sbuf bump = {0};
	for (size_t i = 0; i < n; i++) {
		if (snprintf(pf[i].p, 16, "L%s", rows[i].school->county) != 7 || rows[i].rec->birth[4] != '-') {
			e = XE_INTERNAL;
			goto out;
		}
		memcpy(pf[i].p + 7, rows[i].rec->birth, 4);
		memcpy(pf[i].p + 11, rows[i].rec->birth + 5, 2);
		memcpy(pf[i].p + 13, rows[i].rec->birth + 8, 2);
		pf[i].p[15] = 0;
		pf[i].idx = i;
	}
	qsort(pf, n, sizeof *pf, cmp_pref);
	size_t nu = 0;
	for (size_t i = 0; i < n; i++) {
		if (nu == 0 || strcmp(uniq[nu - 1], pf[i].p) != 0)
			memcpy(uniq[nu++], pf[i].p, 16);
		cnt[nu - 1]++;
	}
	/* resync: a number of some prefix is in use although its counter never issued it (records loaded by other
	 * means): raise each counter to the highest number in use first */
	for (size_t u = 0; resync && u < nu; u++) {
		char lob[20], hib[20];
		const char *lo = lob, *hi = hib, *pre = uniq[u];
		struct db_rows mx;
		snprintf(lob, sizeof lob, "%s0000", uniq[u]);
		snprintf(hib, sizeof hib, "%s9999", uniq[u]);
		if ((e = db_exec(db, a, &Q_SEQ_MAX_USED, DB_ARGS(DBS(lo), DBS(hi)), &mx, NULL, NULL)) != XE_OK)
			goto out;
		const char *used = mx.n ? db_get(&mx, 0, 0) : NULL;
		if (used && strlen(used) == 19 &&
		    (e = db_exec(db, NULL, &Q_SEQ_RAISE, DB_ARGS(DBSN(pre, 15), DBI(atoi(used + 15))), NULL, NULL, NULL)) != XE_OK)
			goto out;
	}
	/* one statement bumps every prefix (in sorted order) and returns each counter as it now is */
	sbuf_put(&bump, "[", 1);
	for (size_t u = 0; u < nu; u++) {
		char c[16];
		sbuf_put(&bump, u ? ",[" : "[", u ? 2 : 1);
		sbuf_json_str(&bump, uniq[u], 15);
		sbuf_put(&bump, c, (size_t)snprintf(c, sizeof c, ",%d]", cnt[u]));
	}
	sbuf_put(&bump, "]", 1);
	struct db_rows rs;
	if ((e = db_exec(db, a, &Q_SEQ_BUMP, DB_ARGS(DBSN(bump.s, bump.n)), &rs, NULL, NULL)) != XE_OK)
		goto out;
	for (size_t r = 0; r < rs.n; r++) {
		/* uniq is sorted: binary search */
		size_t lo = 0, hi = nu;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = strcmp(uniq[mid], db_get(&rs, r, 0));
			if (c == 0) {
				lo = mid;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nu && strcmp(uniq[lo], db_get(&rs, r, 0)) == 0)
			last[lo] = (int)db_get_int(&rs, r, 1);
	}
	/* prefix u's counter now ends at last[u]: its cnt[u] rows get last-cnt+1 .. last, in row order */
	for (size_t i = 0, u = 0, k = 0; i < n; i++, k++) {
		if (i > 0 && strcmp(pf[i].p, pf[i - 1].p) != 0)
			u++, k = 0;
		int seq = last[u] - cnt[u] + 1 + (int)k;
		if (seq < 1 || seq > 9999) {
			e = XE_CONFLICT; /* no free L number left for this county and birth date */
			goto out;
		}
		snprintf(rows[pf[i].idx].student_no, 20, "%s%04d", pf[i].p, seq);
	}
out:
	free(pf);
	free(uniq);
	free(cnt);
	free(last);
	free(bump.s);
	return e;
}

static enum xerr insert_rows(struct db *db, struct reg_new *rows, size_t n, const char *source, uint64_t created_by,
			     uint64_t batch, uint64_t *first_id, struct reg_counts *counts);
static enum xerr numbers_taken(struct db *db, struct arena *a, const struct reg_new *rows, size_t n, size_t *taken);

enum xerr db_reg_insert(struct db *db, struct arena *a, struct reg_new *rows, size_t n, const char *source, uint64_t created_by,
			uint64_t batch, uint64_t *first_id, struct reg_counts *counts, int probe)
{
	if (n == 0)
		return XE_OK;
	enum xerr e = XE_OK;
	/* a number in use that the counter did not issue (R5: one person, one number; records loaded by other means):
	 * the numbers handed out are checked against uk_student_no first, and if one is taken the counters are resynced
	 * and the rows numbered again, once, before anything is inserted. The insert never meets a taken number of
	 * ours: a statement failing on a duplicate key part-way (array binding, LOAD DATA skipping the row) and undone
	 * inside the transaction left Galera's replicas with rows and counters the writer did not have (issue 15). A
	 * number taken concurrently after the check still fails the insert (XE_DUPLICATE): the caller then rolls the
	 * whole transaction back and runs it again (XE_RETRY), nothing is undone statement by statement. */
	for (int attempt = 0; attempt < 2; attempt++) {
		size_t taken = 0;
		if ((e = assign_numbers(db, a, rows, n, attempt)) != XE_OK ||
		    (probe && (e = numbers_taken(db, a, rows, n, &taken)) != XE_OK))
			return e;
		if (taken == 0)
			return insert_rows(db, rows, n, source, created_by, batch, first_id, counts);
		log_error("registry: %zu student number(s) in use were not issued by their counter; %s", taken,
			  attempt ? "still taken after the resync" : "counters resynced");
	}
	return XE_DUPLICATE;
}

enum xerr db_reg_new_number(struct db *db, struct arena *a, const char *county, const char *birth, int resync, char out[20])
{
	struct student_rec rec;
	struct reg_school s;
	memset(&rec, 0, sizeof rec);
	memset(&s, 0, sizeof s);
	snprintf(rec.birth, sizeof rec.birth, "%s", birth);
	snprintf(s.county, sizeof s.county, "%s", county);
	struct reg_new row = {.rec = &rec, .school = &s};
	enum xerr e = assign_numbers(db, a, &row, 1, resync);
	if (e == XE_OK)
		memcpy(out, row.student_no, 20);
	return e;
}

/* Many rows travel as one LOAD DATA LOCAL from memory (issue 14: a third cheaper than array binding at 5,000 rows):
 * the columns of Q_INSERT, in its order, as db_load_field text. */
#define LOAD_MIN_ROWS 64
static const struct db_sql Q_LOAD = {
	"LOAD DATA LOCAL INFILE 'xj:rows' INTO TABLE student CHARACTER SET utf8mb4 (school_id, province_code, city_code,"
	" county_code, name, gender, birth_date, id_type, id_number, id_check, grade, class_name, enrol_date, guardian_phone,"
	" student_no, status, source, created_by, touch_batch, import_job_id, import_row, guardian_name)"};
/* student counters of loaded rows, [[school id, status, rows], ...] (sql/413: set-based) */
static const struct db_sql Q_COUNT_ADD = {"CALL count_students_add(?)"};

static int cmp_count(const void *p, const void *q)
{
	const struct reg_count *x = p, *y = q;
	return x->school_id != y->school_id ? (x->school_id > y->school_id) - (x->school_id < y->school_id)
					    : strcmp(x->status, y->status);
}

/* one entry per school and status */
static void counts_merge(struct reg_counts *c)
{
	if (c->n < 2)
		return;
	qsort(c->v, c->n, sizeof *c->v, cmp_count);
	size_t u = 0;
	for (size_t i = 1; i < c->n; i++)
		if (cmp_count(&c->v[u], &c->v[i]) == 0)
			c->v[u].n += c->v[i].n;
		else
			c->v[++u] = c->v[i];
	c->n = u + 1;
}

static void counts_add(struct reg_counts *c, const struct reg_new *rows, size_t n, const char *status)
{
	for (size_t i = 0; i < n; i++) {
		if (c->n == c->cap) {
			counts_merge(c);
			if (c->n == c->cap || c->n * 2 > c->cap)
				c->v = xrealloc(c->v, (c->cap = c->cap ? 2 * c->cap : 4096) * sizeof *c->v);
		}
		c->v[c->n++] = (struct reg_count){rows[i].school->id, status, 1};
	}
}

enum xerr db_reg_counts_flush(struct db *db, struct reg_counts *c)
{
	enum { SLICE = 8192 };
	enum xerr e = XE_OK;
	struct sbuf b = {0};
	counts_merge(c);
	for (size_t i = 0; i < c->n && e == XE_OK; i += SLICE) {
		b.n = 0;
		sbuf_put(&b, "[", 1);
		for (size_t j = i; j < c->n && j < i + SLICE; j++) {
			char t[64];
			int k = snprintf(t, sizeof t, "%s[%u,\"%s\",%lld]", j > i ? "," : "", (unsigned)c->v[j].school_id, c->v[j].status,
					 c->v[j].n);
			sbuf_put(&b, t, (size_t)k);
		}
		sbuf_put(&b, "]", 1);
		e = db_exec(db, NULL, &Q_COUNT_ADD, DB_ARGS(DBSN(b.s, b.n)), NULL, NULL, NULL);
	}
	free(b.s);
	if (e == XE_OK)
		c->n = 0;
	return e;
}

void db_reg_counts_clear(struct reg_counts *c) { c->n = 0; }

void db_reg_counts_free(struct reg_counts *c)
{
	free(c->v);
	memset(c, 0, sizeof *c);
}

static void load_num(struct sbuf *b, unsigned long long v, char sep)
{
	char t[24];
	int k = v ? snprintf(t, sizeof t, "%llu", v) : 0;
	db_load_field(b, k ? t : NULL, (size_t)k, sep);
}

static void load_str(struct sbuf *b, const char *s, char sep)
{
	db_load_field(b, s, strlen(s), sep);
}

/* LOAD DATA LOCAL skips a row whose key is taken (and turns bad values into warnings) instead of failing: every row
 * must arrive unchanged, else the duplicate is reported as an INSERT's would be (XE_DUPLICATE) and the caller rolls
 * the transaction back. db_reg_insert checks the numbers first, so a load meets a taken number only in a race. */
static enum xerr load_rows(struct db *db, struct reg_new *rows, size_t n, const char *source, const char *status,
			   uint64_t created_by, uint64_t batch, uint64_t *first_id, struct reg_counts *counts)
{
	struct sbuf b = {0};
	for (size_t i = 0; i < n; i++) {
		const struct student_rec *r = rows[i].rec;
		const struct reg_school *sc = rows[i].school;
		load_num(&b, sc->id, '\t');
		load_str(&b, sc->province, '\t');
		load_str(&b, sc->city, '\t');
		load_str(&b, sc->county, '\t');
		load_str(&b, r->name, '\t');
		db_load_field(&b, &r->gender, 1, '\t');
		load_str(&b, r->birth, '\t');
		db_load_field(&b, &r->id_type, 1, '\t');
		db_load_field(&b, r->id_number[0] ? r->id_number : NULL, strlen(r->id_number), '\t');
		load_str(&b, r->id_check, '\t');
		load_str(&b, r->grade, '\t');
		load_str(&b, r->class_name, '\t');
		db_load_field(&b, r->enrol[0] ? r->enrol : NULL, strlen(r->enrol), '\t');
		load_str(&b, r->phone, '\t');
		load_str(&b, rows[i].student_no, '\t');
		load_str(&b, status, '\t');
		load_str(&b, source, '\t');
		load_num(&b, created_by, '\t');
		load_num(&b, batch, '\t');
		load_num(&b, rows[i].import_job_id, '\t');
		load_num(&b, rows[i].import_row, '\t');
		load_str(&b, r->guardian, '\n');
	}
	unsigned long long stored = 0;
	unsigned warnings = 0;
	/* the per-row counter trigger is skipped for the load and the rows counted set-based (R30, issue 14 item 1) as they
	 * were loaded (status): a later change of one (detection making it a problem record) is counted by its trigger */
	enum xerr e = db_load(db, &Q_LOAD, b.s, b.n, DB_LOAD_UNCOUNTED, &stored, &warnings);
	free(b.s);
	if (first_id)
		*first_id = 0;
	if (e == XE_OK && stored == n && !warnings) {
		struct reg_counts one = {0};
		counts_add(counts ? counts : &one, rows, n, status);
		if (!counts)
			e = db_reg_counts_flush(db, &one);
		db_reg_counts_free(&one);
	}
	if (e == XE_OK && (stored != n || warnings)) {
		/* no DELETE of the rows stored here inside the transaction (on Galera that left the nodes different, issue
		 * 15): the caller rolls the whole transaction back (XE_DUPLICATE: run again, XE_INTERNAL: fail) */
		log_error("registry: bulk load stored %llu of %zu rows with %u warnings: the transaction is rolled back", stored, n,
			  warnings);
		e = stored != n ? XE_DUPLICATE : XE_INTERNAL;
	}
	return e;
}

/* ---- initial load (issue 14 item 3): records that bring their numbers ---- */

static const struct db_sql Q_NOS_TAKEN = {
	"SELECT s.student_no FROM JSON_TABLE(?, '$[*]' COLUMNS (k VARCHAR(19) PATH '$')) j"
	" STRAIGHT_JOIN student s FORCE INDEX (uk_student_no) ON s.student_no=j.k"};
/* R5: each L prefix's counter at least at the highest number a load brought ([[prefix, highest], ...]) */
static const struct db_sql Q_SEQ_SEED = {
	"INSERT INTO student_no_seq (prefix, last) SELECT j.p, j.c FROM JSON_TABLE(?, '$[*]' COLUMNS"
	" (p CHAR(15) CHARACTER SET ascii PATH '$[0]', c INT PATH '$[1]')) j"
	" ON DUPLICATE KEY UPDATE last = GREATEST(last, VALUES(last))"};

static int cmp_no(const void *x, const void *y)
{
	return strcmp(((const struct reg_new *)x)->student_no, ((const struct reg_new *)y)->student_no);
}

/* ["s0", "s1", ...] of strs[0..n) into b (a JSON_TABLE parameter) */
static void strs_json(struct sbuf *b, const char *const *strs, size_t n)
{
	sbuf_put(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_put(b, ",", 1);
		sbuf_json_str(b, strs[i], strlen(strs[i]));
	}
	sbuf_put(b, "]", 1);
}

enum xerr db_reg_numbers_taken(struct db *db, struct arena *a, const char *const *nos, size_t n, struct db_rows *taken)
{
	struct sbuf b = {0};
	strs_json(&b, nos, n);
	enum xerr e = db_exec(db, a, &Q_NOS_TAKEN, DB_ARGS(DBSN(b.s, b.n)), taken, NULL, NULL);
	free(b.s);
	return e;
}

/* how many of rows[0..n)'s numbers are in use (one probe of uk_student_no for all of them) */
static enum xerr numbers_taken(struct db *db, struct arena *a, const struct reg_new *rows, size_t n, size_t *taken)
{
	const char **nos = xmalloc(n * sizeof *nos);
	struct db_rows r;
	for (size_t i = 0; i < n; i++)
		nos[i] = rows[i].student_no;
	enum xerr e = db_reg_numbers_taken(db, a, nos, n, &r);
	free(nos);
	*taken = e == XE_OK ? r.n : 0;
	return e;
}

enum xerr db_reg_load_numbered(struct db *db, struct reg_new *rows, size_t n, uint64_t batch, struct reg_counts *counts)
{
	if (n == 0)
		return XE_OK;
	enum xerr e = load_rows(db, rows, n, "load", "formal", 0, batch, NULL, counts);
	if (e != XE_OK)
		return e;
	/* the highest number of each L prefix: sorted, the last of each run (sorted prefixes: the same lock order always) */
	struct reg_new *v = xmalloc(n * sizeof *v);
	struct sbuf b = {0};
	memcpy(v, rows, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_no);
	sbuf_put(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		const char *no = v[i].student_no;
		if (no[0] != 'L' || strlen(no) != 19 || (i + 1 < n && strncmp(no, v[i + 1].student_no, 15) == 0))
			continue;
		char c[16];
		sbuf_put(&b, b.n > 1 ? ",[" : "[", b.n > 1 ? 2 : 1);
		sbuf_json_str(&b, no, 15);
		sbuf_put(&b, c, (size_t)snprintf(c, sizeof c, ",%d]", atoi(no + 15)));
	}
	sbuf_put(&b, "]", 1);
	if (b.n > 2)
		e = db_exec(db, NULL, &Q_SEQ_SEED, DB_ARGS(DBSN(b.s, b.n)), NULL, NULL, NULL);
	free(b.s);
	free(v);
	return e;
}

/* Insert rows with their numbers (one statement; array binding for several). */
static enum xerr insert_rows(struct db *db, struct reg_new *rows, size_t n, const char *source, uint64_t created_by,
			     uint64_t batch, uint64_t *first_id, struct reg_counts *counts)
{
	enum xerr e;
	if (n == 1) {
		const struct student_rec *r = rows[0].rec;
		const struct reg_school *s = rows[0].school;
		unsigned long long id = 0;
		e = db_exec(db, NULL, &Q_INSERT,
			    DB_ARGS(DBI(s->id), DBS(s->province), DBS(s->city), DBS(s->county), DBS(r->name), DBSN(&r->gender, 1),
				    DBS(r->birth), DBSN(&r->id_type, 1), r->id_number[0] ? DBS(r->id_number) : DBNULL, DBS(r->id_check),
				    DBS(r->grade), DBS(r->class_name), r->enrol[0] ? DBS(r->enrol) : DBNULL, DBS(r->phone),
				    DBS(rows[0].student_no), DBS(source), created_by ? DBI(created_by) : DBNULL, DBI(batch),
				    rows[0].import_job_id ? DBI(rows[0].import_job_id) : DBNULL,
				    rows[0].import_row ? DBI(rows[0].import_row) : DBNULL, DBS(r->guardian)),
			    NULL, NULL, &id);
		if (first_id)
			*first_id = id;
		return e;
	}
	if (n >= LOAD_MIN_ROWS)
		return load_rows(db, rows, n, source, "pending", created_by, batch, first_id, counts);
	struct db_arg *x = xmalloc(n * INSERT_NCOLS * sizeof *x);
	for (size_t i = 0; i < n; i++) {
		const struct student_rec *r = rows[i].rec;
		const struct reg_school *s = rows[i].school;
		struct db_arg *v = x + i * INSERT_NCOLS;
		v[0] = DBI(s->id);
		v[1] = DBS(s->province);
		v[2] = DBS(s->city);
		v[3] = DBS(s->county);
		v[4] = DBS(r->name);
		v[5] = DBSN(&r->gender, 1);
		v[6] = DBS(r->birth);
		v[7] = DBSN(&r->id_type, 1);
		v[8] = r->id_number[0] ? DBS(r->id_number) : DBNULL;
		v[9] = DBS(r->id_check);
		v[10] = DBS(r->grade);
		v[11] = DBS(r->class_name);
		v[12] = r->enrol[0] ? DBS(r->enrol) : DBNULL;
		v[13] = DBS(r->phone);
		v[14] = DBS(rows[i].student_no);
		v[15] = DBS(source);
		v[16] = created_by ? DBI(created_by) : DBNULL;
		v[17] = DBI(batch);
		v[18] = rows[i].import_job_id ? DBI(rows[i].import_job_id) : DBNULL;
		v[19] = rows[i].import_row ? DBI(rows[i].import_row) : DBNULL;
		v[20] = DBS(r->guardian);
	}
	e = db_exec_bulk(db, &Q_INSERT, x, n, INSERT_NCOLS, NULL);
	free(x);
	if (first_id)
		*first_id = 0;
	return e;
}

/* ---------------------------------------------------------------- identity (idempotency of imports and batches) */

/* the identity look-ups probe the key's own index (a locking read then locks exactly that key and its gap, whatever the
 * statistics say: with the school's index it would lock every record of the school and deadlock registrations) */
static const struct db_sql Q_IDENT_NO = {
	"SELECT " IDENT_COLS " FROM student s FORCE INDEX (k_student_idno) WHERE s.id_number=? AND s.school_id=? AND s.id_type=? AND s.status<>'deleted'"
	" ORDER BY s.id LIMIT 100"};
static const struct db_sql Q_IDENT_NO_LOCK = {
	"SELECT " IDENT_COLS " FROM student s FORCE INDEX (k_student_idno) WHERE s.id_number=? AND s.school_id=? AND s.id_type=? AND s.status<>'deleted'"
	" ORDER BY s.id LIMIT 100 LOCK IN SHARE MODE"};
static const struct db_sql Q_IDENT_NBG = {
	"SELECT " IDENT_COLS " FROM student s FORCE INDEX (k_student_nbg) WHERE s.name=? AND s.gender=? AND s.birth_date=? AND s.school_id=? AND s.id_type=?"
	" AND s.id_number IS NULL AND s.status<>'deleted' ORDER BY s.id LIMIT 100"};
static const struct db_sql Q_IDENT_NBG_LOCK = {
	"SELECT " IDENT_COLS " FROM student s FORCE INDEX (k_student_nbg) WHERE s.name=? AND s.gender=? AND s.birth_date=? AND s.school_id=? AND s.id_type=?"
	" AND s.id_number IS NULL AND s.status<>'deleted' ORDER BY s.id LIMIT 100 LOCK IN SHARE MODE"};

static const struct db_sql Q_STUDENT_NO = {"SELECT student_no FROM student WHERE id=?"};

static void stored_row(const struct db_rows *rs, size_t r, struct reg_stored *s)
{
	s->id = (uint64_t)db_get_int(rs, r, 0);
	s->school_id = (uint32_t)db_get_int(rs, r, 1);
	s->id_type = db_get(rs, r, 2)[0];
	s->id_number = db_get(rs, r, 3);
	s->student_no = db_get(rs, r, 4);
	s->name = db_get(rs, r, 5);
	s->gender = db_get(rs, r, 6)[0];
	s->birth = db_get(rs, r, 7);
	s->grade = db_get(rs, r, 8);
	s->class_name = db_get(rs, r, 9);
	s->enrol = db_get(rs, r, 10);
	s->guardian = db_get(rs, r, 11);
	s->phone = db_get(rs, r, 12);
}

enum xerr db_reg_identity(struct db *db, struct arena *a, uint32_t school_id, const struct student_rec *rec, int locking,
			  size_t *n, struct reg_stored **out)
{
	struct db_rows rs;
	enum xerr e;
	*n = 0;
	*out = NULL;
	if (rec->id_number[0])
		e = db_exec(db, a, locking ? &Q_IDENT_NO_LOCK : &Q_IDENT_NO,
			    DB_ARGS(DBS(rec->id_number), DBI(school_id), DBSN(&rec->id_type, 1)), &rs, NULL, NULL);
	else
		e = db_exec(db, a, locking ? &Q_IDENT_NBG_LOCK : &Q_IDENT_NBG,
			    DB_ARGS(DBS(rec->name), DBSN(&rec->gender, 1), DBS(rec->birth), DBI(school_id), DBSN(&rec->id_type, 1)), &rs,
			    NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	*out = arena_alloc(a, rs.n * sizeof **out);
	for (size_t r = 0; r < rs.n; r++)
		stored_row(&rs, r, &(*out)[r]);
	*n = rs.n;
	return e;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

enum xerr db_reg_identity_many(struct db *db, struct arena *a, const char *const *numbers, size_t n, int locking,
			       void (*cb)(void *ctx, const struct reg_stored *s), void *ctx)
{
	if (n == 0)
		return XE_OK;
	/* each number once: a repeated row of the JSON table would count its records twice */
	const char **sorted = xmalloc(n * sizeof *sorted);
	struct sbuf b = {0};
	memcpy(sorted, numbers, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_str);
	sbuf_put(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(sorted[i], sorted[i - 1]) == 0)
			continue;
		if (b.n > 1)
			sbuf_put(&b, ",", 1);
		sbuf_json_str(&b, sorted[i], strlen(sorted[i]));
	}
	sbuf_put(&b, "]", 1);
	struct db_rows rs;
	enum xerr e = db_exec(db, a, locking ? &Q_IDENT_MANY_LOCK : &Q_IDENT_MANY, DB_ARGS(DBSN(b.s, b.n)), &rs, NULL, NULL);
	for (size_t r = 0; e == XE_OK && r < rs.n; r++) {
		struct reg_stored st;
		stored_row(&rs, r, &st);
		cb(ctx, &st);
	}
	free(sorted);
	free(b.s);
	return e;
}

/* [[name, gender, birth], ...] of keys[0..n) into b (the JSON parameter of NBG_JT and R_CAND) */
static void nbg_json(struct sbuf *b, const struct reg_nbg *keys, size_t n)
{
	sbuf_put(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		sbuf_put(b, i ? ",[" : "[", i ? 2 : 1);
		sbuf_json_str(b, keys[i].name, strlen(keys[i].name));
		sbuf_put(b, ",", 1);
		sbuf_json_str(b, &keys[i].gender, 1);
		sbuf_put(b, ",", 1);
		sbuf_json_str(b, keys[i].birth, strlen(keys[i].birth));
		sbuf_put(b, "]", 1);
	}
	sbuf_put(b, "]", 1);
}

enum xerr db_reg_nbg_many(struct db *db, struct arena *a, const struct reg_nbg *keys, size_t n, int locking,
			  void (*cb)(void *ctx, const char *name, char gender, const char *birth, int count, int nonres), void *ctx)
{
	if (n == 0)
		return XE_OK;
	/* the caller passes each key once (see db_registry.h) */
	struct sbuf b = {0};
	nbg_json(&b, keys, n);
	struct db_rows rs;
	enum xerr e = db_exec(db, a, locking ? &Q_NBG_MANY_LOCK : &Q_NBG_MANY, DB_ARGS(DBSN(b.s, b.n)), &rs, NULL, NULL);
	for (size_t r = 0; e == XE_OK && r < rs.n; r++)
		cb(ctx, db_get(&rs, r, 0), db_get(&rs, r, 1)[0], db_get(&rs, r, 2), (int)db_get_int(&rs, r, 3),
		   (int)db_get_int(&rs, r, 4));
	free(b.s);
	return e;
}

static const struct db_sql Q_KEYS_PUT = {
	"INSERT IGNORE INTO detect_key (batch, type, k, name, gender, birth) VALUES (?, ?, ?, ?, ?, ?)"};

enum xerr db_reg_detect_keys_put(struct db *db, uint64_t batch, const struct reg_key *keys, size_t n)
{
	if (n == 0)
		return XE_OK;
	struct db_arg *x = xmalloc(6 * n * sizeof *x);
	for (size_t i = 0; i < n; i++) {
		x[6 * i] = DBI(batch);
		x[6 * i + 1] = DBS(keys[i].type);
		x[6 * i + 2] = DBS(keys[i].k);
		x[6 * i + 3] = DBS(keys[i].name);
		x[6 * i + 4] = keys[i].gender ? DBSN(&keys[i].gender, 1) : DBNULL;
		x[6 * i + 5] = DBS(keys[i].birth);
	}
	enum xerr e = db_exec_bulk(db, &Q_KEYS_PUT, x, n, 6, NULL);
	free(x);
	return e;
}

enum xerr db_reg_detect_keys_err(struct db *db, uint64_t batch, const char *const *student_nos, size_t n)
{
	pthread_once(&in_once, in_init);
	for (size_t off = 0; off < n; off += IN_SLICE) {
		struct db_arg in[1 + IN_SLICE];
		size_t k = n - off < IN_SLICE ? n - off : IN_SLICE;
		in[0] = DBI(batch);
		for (size_t i = 0; i < IN_SLICE; i++)
			in[1 + i] = i < k ? DBS(student_nos[off + i]) : DBNULL;
		enum xerr e = db_exec(db, NULL, &D_KEYS_ERR_NO, in, 1 + IN_SLICE, NULL, NULL, NULL);
		if (e != XE_OK)
			return e;
	}
	return XE_OK;
}

/* ---------------------------------------------------------------- detection (R7-R9) */

/* Record s belongs to the clash of key row d. */
#define MATCHES                                                                                                         \
	"(CASE d.type WHEN 'id_dup' THEN s.status<>'deleted' AND s.id_type='1' AND s.id_number<=>d.k"                   \
	" WHEN 'nbg_dup' THEN s.status<>'deleted' AND s.name=d.name AND s.gender=d.gender AND s.birth_date=d.birth"     \
	" WHEN 'id_error' THEN s.id=d.sid AND " ID_ERROR_NOW("s") " WHEN 'id_changed' THEN s.id=d.sid AND " ID_CHANGED_NOW( \
		"s") " ELSE 0 END)"
/* Record s was already cleared for this clash: approved or upheld in a done group of the same key. */
#define CLEARED                                                                                                   \
	"EXISTS (SELECT 1 FROM group_member m2 FORCE INDEX (k_member_student) STRAIGHT_JOIN problem_group g2 ON g2.id=m2.group_id" \
	" WHERE m2.student_id=s.id"                                                                                 \
	" AND m2.state IN @STANDING@ AND g2.type=d.type AND g2.clash_key=d.k AND g2.state='done')"

/* the key of a name+gender+birth clash (R7): the group's clash_key and open_key */
#define NBG_KEY_OF(S) "CONCAT(" S ".name,'|'," S ".gender,'|'," S ".birth_date)"
/* keys of the marked records (EXISTS probes keep a clean record from costing more than two index reads) */
static const struct db_sql D_KEYS_ID = {
	"INSERT IGNORE INTO detect_key (batch, type, k) SELECT DISTINCT ?, 'id_dup', s.id_number FROM student s"
	" FORCE INDEX (k_student_touch) WHERE s.touch_batch=? AND s.id_type='1' AND s.id_number IS NOT NULL AND s.status<>'deleted'"
	" AND EXISTS (SELECT 1 FROM student o FORCE INDEX (k_student_idno) WHERE o.id_number=s.id_number AND o.id<>s.id AND o.id_type='1'"
	" AND o.status<>'deleted')"};
static const struct db_sql D_KEYS_NBG = {
	"INSERT IGNORE INTO detect_key (batch, type, k, name, gender, birth)"
	" SELECT DISTINCT ?, 'nbg_dup', " NBG_KEY_OF("s") ", s.name, s.gender, s.birth_date"
	" FROM student s FORCE INDEX (k_student_touch) WHERE s.touch_batch=? AND s.status<>'deleted'"
	" AND EXISTS (SELECT 1 FROM student o FORCE INDEX (k_student_nbg) WHERE o.name=s.name AND o.gender=s.gender AND o.birth_date=s.birth_date"
	" AND o.id<>s.id AND o.status<>'deleted' AND (o.id_type<>'1' OR s.id_type<>'1'))"};
static const struct db_sql D_KEYS_ERR = {
	"INSERT IGNORE INTO detect_key (batch, type, k, sid) SELECT ?, 'id_error', CAST(s.id AS CHAR), s.id FROM student s"
	" FORCE INDEX (k_student_touch) WHERE s.touch_batch=? AND " ID_ERROR_NOW("s")};
static const struct db_sql D_KEYS_CHG = {
	"INSERT IGNORE INTO detect_key (batch, type, k, sid) SELECT ?, 'id_changed', CAST(s.id AS CHAR), s.id FROM student s"
	" FORCE INDEX (k_student_touch) WHERE s.touch_batch=? AND " ID_CHANGED_NOW("s")};
#define OPEN_KEY_COLS                                                                                                   \
	"g.type, g.open_key, IF(g.type IN ('id_error','id_changed'), CAST(g.open_key AS UNSIGNED), NULL),"              \
	" IF(g.type='nbg_dup', SUBSTRING_INDEX(g.open_key,'|',1), NULL),"                                              \
	" IF(g.type='nbg_dup', SUBSTRING_INDEX(SUBSTRING_INDEX(g.open_key,'|',2),'|',-1), NULL),"                      \
	" IF(g.type='nbg_dup', SUBSTRING_INDEX(g.open_key,'|',-1), NULL)"
/* WG_NOT_REOPEN_CASE: a re-open case (R22) is settled by its school alone; detection never evaluates its key; nor that of
 * a suspected_dup group (R31): the bureau's decision is its clash, settled by its members (one survives) */
#define NOT_REOPEN_CASE " AND g.reopened_from IS NULL AND g.type<>'suspected_dup'"
static const struct db_sql D_KEYS_OPEN = {
	"INSERT IGNORE INTO detect_key (batch, type, k, sid, name, gender, birth) SELECT DISTINCT ?, " OPEN_KEY_COLS
	" FROM student s FORCE INDEX (k_student_touch) STRAIGHT_JOIN group_member m FORCE INDEX (k_member_student) ON m.student_id=s.id"
	" STRAIGHT_JOIN problem_group g ON g.id=m.group_id WHERE s.touch_batch=? AND g.open_key IS NOT NULL" NOT_REOPEN_CASE};
/* Full re-detection (issue 14 item 2): the candidate keys of every record, read without locks (a consistent snapshot,
 * autocommit) and evaluated slice by slice afterwards. A number or name key is a candidate when two records share it
 * at all: the bare GROUP BY over the covering index, no row is read; the slice's D_CLASH decides with the records'
 * type and status. ID errors, ID changes and G numbers are found through k_student_idcheck / k_student_verify (310).
 * Columns: type, k, sid, name, gender, birth (struct reg_sweep_key). */
static const struct db_sql S_KEYS[] = {
	{"SELECT 'id_dup', id_number, NULL, NULL, NULL, NULL FROM student FORCE INDEX (k_student_idno) WHERE id_number IS NOT NULL"
	 " GROUP BY id_number HAVING COUNT(*)>=2"},
	/* R7: a shared name+gender+birth clashes only with a record of no resident ID number (CLASH_NOW): keys only
	 * residents share are no candidates (the index carries id_type, sql/405); an open group on one comes from the
	 * open groups' source */
	{"SELECT 'nbg_dup', CONCAT(name,'|',gender,'|',birth_date), NULL, name, gender, birth_date FROM student"
	 " FORCE INDEX (k_student_nbg) GROUP BY name, gender, birth_date HAVING COUNT(*)>=2 AND SUM(id_type<>'1')>=1"},
	{"SELECT 'id_error', CAST(s.id AS CHAR), s.id, NULL, NULL, NULL FROM student s FORCE INDEX (k_student_idcheck)"
	 " WHERE s.id_check<>'ok' AND " ID_ERROR_NOW("s")},
	{"SELECT 'id_error', CAST(s.id AS CHAR), s.id, NULL, NULL, NULL FROM student s FORCE INDEX (k_student_verify)"
	 " WHERE s.verify_state IN ('not_exist','name_mismatch') AND " ID_ERROR_NOW("s")},
	{"SELECT 'id_changed', CAST(s.id AS CHAR), s.id, NULL, NULL, NULL FROM student s FORCE INDEX (k_student_verify)"
	 " WHERE s.verify_state='changed' AND " ID_CHANGED_NOW("s")},
	{"SELECT " OPEN_KEY_COLS " FROM problem_group g WHERE g.open_key IS NOT NULL" NOT_REOPEN_CASE},
};
static const char *const S_KEYS_NAME[] = {"ID numbers shared", "name+gender+birth shared", "ID check errors",
					  "register findings", "ID changes", "open groups"};
static const struct db_sql S_KEYS_PUT = {
	"INSERT IGNORE INTO detect_key (batch, type, k, sid, name, gender, birth) VALUES (?, ?, ?, ?, ?, ?, ?)"};

/* does each key clash now (locking reads: a concurrent insert of the same key waits or deadlocks, never hides) */
#define CLASH_NOW                                                                                                 \
	"CASE d.type" \
	" WHEN 'id_dup' THEN (SELECT COUNT(*) FROM student s FORCE INDEX (k_student_idno) WHERE s.id_number=d.k AND s.id_type='1'" \
	"  AND s.status<>'deleted')>=2 AND EXISTS (SELECT 1 FROM student s FORCE INDEX (k_student_idno) WHERE s.id_number=d.k" \
	"  AND s.id_type='1' AND s.status<>'deleted' AND NOT " CLEARED ")" \
	" WHEN 'nbg_dup' THEN (SELECT COUNT(*)>=2 AND COALESCE(SUM(s.id_type<>'1'),0)>=1 FROM student s FORCE INDEX (k_student_nbg)" \
	"  WHERE s.name=d.name AND s.gender=d.gender AND s.birth_date=d.birth AND s.status<>'deleted')" \
	"  AND EXISTS (SELECT 1 FROM student s FORCE INDEX (k_student_nbg) WHERE s.name=d.name AND s.gender=d.gender" \
	"  AND s.birth_date=d.birth AND s.status<>'deleted' AND NOT " CLEARED ")" \
	" WHEN 'id_error' THEN EXISTS (SELECT 1 FROM student s WHERE s.id=d.sid AND " ID_ERROR_NOW("s") " AND NOT " CLEARED ")" \
	" WHEN 'id_changed' THEN EXISTS (SELECT 1 FROM student s WHERE s.id=d.sid AND " ID_CHANGED_NOW("s") " AND NOT " CLEARED ")" \
	" ELSE 0 END"
static struct db_sql D_CLASH = {"UPDATE detect_key d SET d.clash = " CLASH_NOW " WHERE d.batch=?"};
/* Rows for tables with AUTO_INCREMENT ids are read first (locking reads) and then inserted with array binding:
 * an INSERT ... SELECT into such a table would hold InnoDB's table-level AUTO-INC lock for the whole statement
 * (innodb_autoinc_lock_mode=1) and deadlock concurrent registrations (error 1467). */

/* R9: one open group per clash, enforced by UNIQUE(type, open_key): a concurrent run joins the same row */
static const struct db_sql D_OPEN_SEL = {"SELECT d.type, d.k, d.k, ? FROM detect_key d WHERE d.batch=? AND d.clash=1 AND d.gid IS NULL"};
static const struct db_sql D_OPEN = {
	"INSERT INTO problem_group (type, clash_key, open_key, state, scope_level, arbiter_unit_id, opened_batch)"
	" VALUES (?, ?, ?, 'open', 3, 1, ?) ON DUPLICATE KEY UPDATE problem_group.id=problem_group.id"};
static const struct db_sql D_GID = {
	"UPDATE detect_key d STRAIGHT_JOIN problem_group g FORCE INDEX (uk_group_open) ON g.type=d.type AND g.open_key=d.k"
	" SET d.gid=g.id WHERE d.batch=?"};
static const struct db_sql D_HIST_OPENED_SEL = {
	"SELECT g.id, g.type FROM detect_key d STRAIGHT_JOIN problem_group g ON g.id=d.gid WHERE d.batch=? AND g.opened_batch=?"};
static const struct db_sql H_OPENED = {
	"INSERT INTO history (group_id, actor_role, action, state_after, reason) VALUES (?, 'system', 'group_opened', 'open', ?)"};
/* R24: the school's first step in a group it joins is due in 10 working days: the due date is written with the member
 * (one insert, counted once by its trigger, not an insert and then an update) */
#define MEMBER_SEL                                                                                             \
	"SELECT d.gid, s.id, s.school_id, s.province_code, s.city_code, s.county_code,"                           \
	" @ENTRY@, ?, ? FROM detect_key d STRAIGHT_JOIN student s "
/* records that are members already are left out (issue 14: a re-detection finds most clashes as it left them) */
#define NOT_MEMBER " AND NOT EXISTS (SELECT 1 FROM group_member x FORCE INDEX (uk_member) WHERE x.group_id=d.gid AND x.student_id=s.id)"
static struct db_sql D_MEM_ID_SEL = {MEMBER_SEL "FORCE INDEX (k_student_idno) ON s.id_number=d.k AND s.id_type='1' AND s.status<>'deleted'"
							" WHERE d.batch=? AND d.type='id_dup' AND d.clash=1" NOT_MEMBER " LOCK IN SHARE MODE"};
static struct db_sql D_MEM_NBG_SEL = {MEMBER_SEL "FORCE INDEX (k_student_nbg) ON s.name=d.name AND s.gender=d.gender AND s.birth_date=d.birth"
							 " AND s.status<>'deleted' WHERE d.batch=? AND d.type='nbg_dup' AND d.clash=1" NOT_MEMBER
							 " LOCK IN SHARE MODE"};
static struct db_sql D_MEM_ONE_SEL = {MEMBER_SEL "FORCE INDEX (PRIMARY) ON s.id=d.sid WHERE d.batch=? AND d.type IN ('id_error','id_changed')"
							 " AND d.clash=1" NOT_MEMBER " LOCK IN SHARE MODE"};
static const struct db_sql D_MEM = {
	"INSERT INTO group_member (group_id, student_id, school_id, province_code, city_code, county_code, state, due_date,"
	" added_batch) VALUES (?,?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE group_member.id=group_member.id"};
static const struct db_sql D_COUNT_MEMBERS = {"CALL count_members_batch(?)"};
static const struct db_sql D_HIST_ADDED_SEL = {
	"SELECT m.group_id, m.id, m.student_id, m.state FROM detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id=d.gid"
	" WHERE d.batch=? AND d.clash=1 AND m.added_batch=?"};
static const struct db_sql H_ADDED = {
	"INSERT INTO history (group_id, member_id, student_id, actor_role, action, state_after)"
	" VALUES (?, ?, ?, 'system', 'member_added', ?)"};
/* The member and group state changes below are the workflow table's system rows (workflow.c): the tokens
 * @..._FROM@ (states a rule leaves), @..._TO@ (the state it enters, by group type), @..._SET@ (its effects),
 * @..._ACTION@ (its history name), @ENTRY@, @STANDING@ and @HOLDING@ are filled from the table at start-up
 * (detect_sql_init); db_reg_detect_transitions shows them to the tests. */
/* WA_MEMBER_REOPENED (R9): a member closed by the system (or changed) whose record clashes again, group open */
#define REOPEN_WHERE                                                                                           \
	" FROM detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id=d.gid STRAIGHT_JOIN student s ON s.id=m.student_id" \
	" WHERE d.batch=? AND d.clash=1 AND m.state IN @REOPEN_FROM@ AND " MATCHES
static struct db_sql D_HIST_REOPEN_SEL = {
	"SELECT m.group_id, m.id, m.student_id, m.state, @REOPEN_TO@" REOPEN_WHERE " LOCK IN SHARE MODE"};
static struct db_sql H_REOPEN = {
	"INSERT INTO history (group_id, member_id, student_id, actor_role, action, state_before, state_after, reason)"
	" VALUES (?, ?, ?, 'system', '@REOPEN_ACTION@', ?, ?, 'clash_persists')"};
static struct db_sql D_REOPEN = {
	"UPDATE detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id=d.gid STRAIGHT_JOIN student s ON s.id=m.student_id"
	" SET m.state=@REOPEN_TO@, m.version=m.version+1, m.updated_at=UTC_TIMESTAMP(6),"
	" m.step_started_at=UTC_TIMESTAMP(6)@REOPEN_SET@, m.due_date=?"
	" WHERE d.batch=? AND d.clash=1 AND m.state IN @REOPEN_FROM@ AND " MATCHES};
/* WA_CLASH_GONE (s.6): an active member whose record no longer clashes closes by itself, as a system event */
#define CLOSE_COND " AND m.state IN @CLOSE_FROM@ AND (d.clash=0 OR NOT " MATCHES ")"
static struct db_sql D_HIST_CLOSE_SEL = {
	"SELECT m.group_id, m.id, m.student_id, m.state, @CLOSE_TO@, IF(d.clash=0,'clash_gone','no_longer_clashes')"
	" FROM detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id=d.gid STRAIGHT_JOIN student s ON s.id=m.student_id"
	" WHERE d.batch=?" CLOSE_COND " LOCK IN SHARE MODE"};
static struct db_sql H_CLOSE = {
	"INSERT INTO history (group_id, member_id, student_id, actor_role, action, state_before, state_after, reason)"
	" VALUES (?, ?, ?, 'system', '@CLOSE_ACTION@', ?, ?, ?)"};
static struct db_sql D_CLOSE = {
	"UPDATE detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id=d.gid STRAIGHT_JOIN student s ON s.id=m.student_id"
	" SET m.state=@CLOSE_TO@, m.version=m.version+1, m.updated_at=UTC_TIMESTAMP(6)@CLOSE_SET@"
	" WHERE d.batch=?" CLOSE_COND};
/* the group rule of WA_CLASH_GONE (R21): a group whose clash is gone is done */
static struct db_sql D_HIST_DONE_SEL = {
	"SELECT g.id, g.state FROM detect_key d STRAIGHT_JOIN problem_group g ON g.id=d.gid"
	" WHERE d.batch=? AND d.clash=0 AND g.state IN @DONE_FROM@ LOCK IN SHARE MODE"};
static struct db_sql H_DONE = {
	"INSERT INTO history (group_id, actor_role, action, state_before, state_after, reason)"
	" VALUES (?, 'system', '@DONE_ACTION@', ?, @DONE_TO@, 'clash_gone')"};
static struct db_sql D_DONE = {
	"UPDATE detect_key d STRAIGHT_JOIN problem_group g ON g.id=d.gid SET g.state=@DONE_TO@, g.open_key=NULL,"
	" g.done_at=UTC_TIMESTAMP(6), g.updated_at=UTC_TIMESTAMP(6), g.version=g.version+1"
	" WHERE d.batch=? AND d.clash=0 AND g.state IN @DONE_FROM@"};
/* R2: widest jurisdiction and common superior of the run's groups (DB_R2_GROUPS, db_registry.h) */
static const struct db_sql D_SCOPE = {DB_R2_GROUPS(
	"detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id=d.gid WHERE d.batch=? AND d.clash=1")
	" WHERE" DB_R2_CHANGES};
/* R6: status follows membership of unfinished groups */
#define MEMBERS_OF_RUN                                                                                          \
	"(SELECT DISTINCT m.student_id sid FROM detect_key d STRAIGHT_JOIN group_member m FORCE INDEX (uk_member) ON m.group_id=d.gid WHERE d.batch=?)"
#define STATUS_NOW                                                                                              \
	"CASE WHEN s.status='deleted' THEN 'deleted'"                                                               \
	" WHEN EXISTS (SELECT 1 FROM group_member m2 FORCE INDEX (k_member_student) STRAIGHT_JOIN problem_group g2"   \
	" ON g2.id=m2.group_id WHERE m2.student_id=s.id"                                                            \
	" AND g2.state<>'done' AND m2.state IN @HOLDING@) THEN 'problem'"                                           \
	" WHEN s.status='problem' THEN IF(s.ever_approved,'formal','pending') ELSE s.status END"
/* only the records whose status changes are written (an update trigger fires for every row an UPDATE matches) */
static struct db_sql D_STATUS = {
	"UPDATE " MEMBERS_OF_RUN " x STRAIGHT_JOIN student s ON s.id=x.sid SET s.status = " STATUS_NOW
	" WHERE s.status <> " STATUS_NOW};
/* Settled keys of a full re-detection (issue 14 item 3): a key (a shared ID number or name+gender+birth, R7; an ID
 * error or change, R8.2) whose open group already holds exactly the key's live records is left as it is by a slice
 * (R7-R9: it clashes still, CLASH_NOW; no record to add, NOT_MEMBER; none to re-open, @REOPEN_FROM@; no active member
 * to close, CLOSE_COND; R6: every holding member's record is a problem record already), so one lock-free read of the
 * keys' index entries and members decides it instead of a transaction; so is a key that has no open group and does not
 * clash (two residents sharing a name+gender+birth, R7: nothing to open). Input: [[type, k, name, gender, birth, sid],
 * ...] (S_KEYS' columns); output: the settled keys' ordinals. */
#define IN_G(S) "EXISTS (SELECT 1 FROM group_member m FORCE INDEX (uk_member) WHERE m.group_id=g.id AND m.student_id=" S ".id AND m.state NOT IN @REOPEN_FROM@)"
static struct db_sql S_SETTLED = {
	"SELECT d.i FROM JSON_TABLE(?, '$[*]' COLUMNS (i FOR ORDINALITY, type VARCHAR(12) PATH '$[0]', k VARCHAR(200) PATH '$[1]',"
	" name VARCHAR(50) PATH '$[2]', gender CHAR(1) PATH '$[3]', birth DATE PATH '$[4]', sid BIGINT PATH '$[5]')) d"
	" LEFT JOIN problem_group g FORCE INDEX (uk_group_open) ON g.type=d.type AND g.open_key=d.k"
	" WHERE (" CLASH_NOW ") = (g.id IS NOT NULL) AND (g.id IS NULL OR (g.reopened_from IS NULL"
	" AND (d.type NOT IN ('id_error','id_changed') OR EXISTS (SELECT 1 FROM group_member m FORCE INDEX (uk_member)"
	"  WHERE m.group_id=g.id AND m.student_id=d.sid AND m.state NOT IN @REOPEN_FROM@))"
	" AND NOT EXISTS (SELECT 1 FROM student s FORCE INDEX (k_student_idno) WHERE d.type='id_dup' AND s.id_number=d.k"
	"  AND s.id_type='1' AND s.status<>'deleted' AND NOT " IN_G("s") ")"
	" AND NOT EXISTS (SELECT 1 FROM student s FORCE INDEX (k_student_nbg) WHERE d.type='nbg_dup' AND s.name=d.name"
	"  AND s.gender=d.gender AND s.birth_date=d.birth AND s.status<>'deleted' AND NOT " IN_G("s") ")"
	" AND NOT EXISTS (SELECT 1 FROM group_member m FORCE INDEX (uk_member) STRAIGHT_JOIN student s ON s.id=m.student_id"
	"  WHERE m.group_id=g.id AND m.state IN @CLOSE_FROM@ AND NOT " MATCHES ")"
	" AND NOT EXISTS (SELECT 1 FROM group_member m FORCE INDEX (uk_member) STRAIGHT_JOIN student s ON s.id=m.student_id"
	"  WHERE m.group_id=g.id AND m.state IN @HOLDING@ AND s.status NOT IN ('problem','deleted'))))"};
#undef IN_G
static const struct db_sql D_TOUCH_MEMBERS = {
	"UPDATE " MEMBERS_OF_RUN " x STRAIGHT_JOIN student s ON s.id=x.sid SET s.touch_batch=?"};
/* R5: a verified resident record outside any unfinished group gets G + its number (once, for life) */
#define G_COND                                                                                                     \
	" s.id_type='1' AND s.id_check='ok' AND s.verify_state='verified' AND s.verify_id_number<=>s.id_number"   \
	" AND s.student_no LIKE 'L%' AND s.status IN ('pending','formal')"                                          \
	" AND NOT EXISTS (SELECT 1 FROM student o FORCE INDEX (uk_student_no) WHERE o.student_no=CONCAT('G', s.id_number))"
static const struct db_sql D_GNUMBER = {
	"UPDATE student s FORCE INDEX (k_student_touch) SET s.student_no=CONCAT('G', s.id_number), s.updated_at=UTC_TIMESTAMP(6)"
	" WHERE s.touch_batch=? AND" G_COND};
/* the G-number catch-up of a full re-detection: candidates read without locks, then set in slices by id */
static const struct db_sql S_GCAND = {
	"SELECT s.id FROM student s FORCE INDEX (k_student_verify) WHERE s.verify_state='verified' AND s.student_no LIKE 'L%'"};
static const struct db_sql S_GNUMBER = {
	"UPDATE JSON_TABLE(?, '$[*]' COLUMNS (i BIGINT UNSIGNED PATH '$')) j STRAIGHT_JOIN student s ON s.id=j.i"
	" SET s.student_no=CONCAT('G', s.id_number), s.updated_at=UTC_TIMESTAMP(6) WHERE" G_COND};
static const struct db_sql D_CLEAN = {"DELETE FROM detect_key WHERE batch=?"};
static const struct db_sql D_TOUCH = {"UPDATE student SET touch_batch=? WHERE id=?"};


/* ---- the detection SQL from the workflow table (workflow.c) ---- */

/* printf into a process-lifetime string */
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	assert(n >= 0 && s);
	return s;
}

/* "('a','b')": the member states for which keep(s) holds. */
static char *state_set(int (*keep)(enum wf_state, const void *), const void *ctx)
{
	char *s = xprintf("(");
	for (int st = 0; st < WS__COUNT; st++)
		if (keep((enum wf_state)st, ctx)) {
			char *t = xprintf("%s%s'%s'", s, s[1] ? "," : "", wf_state_name((enum wf_state)st));
			free(s);
			s = t;
		}
	char *t = xprintf("%s)", s);
	free(s);
	assert(t[1] != ')'); /* an empty IN list is a table without the rows detection needs */
	return t;
}

/* Does the table have a system rule for action *ctx leaving state st (for every type alike: asserted)? */
static int leaves(enum wf_state st, const void *ctx)
{
	enum wf_action a = *(const enum wf_action *)ctx;
	int any = wf_system_rule(st, a, 0) != NULL;
	for (int t = 1; t < WT__COUNT; t++)
		assert((wf_system_rule(st, a, (enum wf_type)t) != NULL) == any);
	return any;
}
static int standing(enum wf_state st, const void *ctx) { return (void)ctx, wf_state_standing(st); }
static int holding(enum wf_state st, const void *ctx) { return (void)ctx, wf_state_holding(st); }

/* "CASE d.type WHEN 'id_dup' THEN 'open' ... END": the state that action a enters, by group type (one
 * state per type whatever the state left: asserted); state(t) for the entry state when a is WA__COUNT. */
static char *target_case(enum wf_action a, unsigned *effects)
{
	char *s = xprintf("CASE d.type");
	*effects = 0;
	int first = 1;
	for (int t = 0; t < WT__COUNT; t++) {
		int to = -1;
		if (a == WA__COUNT) {
			to = (int)wf_entry_state((enum wf_type)t);
		} else {
			for (int st = 0; st < WS__COUNT; st++) {
				const struct wf_rule *r = wf_system_rule((enum wf_state)st, a, (enum wf_type)t);
				if (!r)
					continue;
				assert(to < 0 || to == (int)r->to);
				assert(first || *effects == r->effects); /* one set of effects per action */
				to = (int)r->to;
				*effects = r->effects;
				first = 0;
			}
		}
		assert(to >= 0);
		char *x = xprintf("%s WHEN '%s' THEN '%s'", s, wf_type_name((enum wf_type)t), wf_state_name((enum wf_state)to));
		free(s);
		s = x;
	}
	char *x = xprintf("%s END", s);
	free(s);
	return x;
}

/* The SET clause of a rule's effects that detection carries out (others it never has: asserted). */
static const char *effects_set(unsigned eff)
{
	assert((eff & ~(unsigned)WE_CLEAR_HANDLING) == 0);
	return eff & WE_CLEAR_HANDLING ? ", m.handling=NULL" : "";
}

static struct reg_detect_transition transitions[3];
static const char *tokens[32][2];
static size_t ntokens;

/* Replace every @TOKEN@ of q's text (a static template) by its generated value. */
static void fill(struct db_sql *q)
{
	char *s = xprintf("%s", q->sql);
	for (char *at; (at = strchr(s, '@'));) {
		char *end = strchr(at + 1, '@');
		assert(end);
		size_t i = 0;
		while (i < ntokens && !(strlen(tokens[i][0]) == (size_t)(end - at - 1) && !strncmp(tokens[i][0], at + 1, (size_t)(end - at - 1))))
			i++;
		assert(i < ntokens); /* unknown token */
		*at = 0;
		char *x = xprintf("%s%s%s", s, tokens[i][1], end + 1);
		free(s);
		s = x;
	}
	q->sql = s;
}

static void token(const char *name, const char *value)
{
	assert(ntokens < sizeof tokens / sizeof tokens[0]);
	tokens[ntokens][0] = name;
	tokens[ntokens++][1] = value;
}

static void detect_sql_init(void)
{
	static const enum wf_action reopen = WA_MEMBER_REOPENED, close = WA_CLASH_GONE;
	unsigned eff;
	token("ENTRY", target_case(WA__COUNT, &eff));
	token("STANDING", state_set(standing, NULL));
	token("HOLDING", state_set(holding, NULL));
	const char *reopen_from = state_set(leaves, &reopen), *reopen_to = target_case(reopen, &eff);
	token("REOPEN_FROM", reopen_from);
	token("REOPEN_TO", reopen_to);
	token("REOPEN_SET", effects_set(eff));
	token("REOPEN_ACTION", wf_action_name(reopen));
	const char *close_from = state_set(leaves, &close), *close_to = target_case(close, &eff);
	token("CLOSE_FROM", close_from);
	token("CLOSE_TO", close_to);
	token("CLOSE_SET", effects_set(eff));
	token("CLOSE_ACTION", wf_action_name(close));
	/* the group rows of WA_CLASH_GONE: from these states to one state */
	char *from = xprintf("(");
	int to = -1;
	for (size_t i = 0; i < wf_group_rules_count; i++) {
		const struct wf_group_rule *r = &wf_group_rules[i];
		if (r->action != close)
			continue;
		assert(to < 0 || to == (int)r->to);
		to = (int)r->to;
		char *x = xprintf("%s%s'%s'", from, from[1] ? "," : "", wf_gstate_name(r->from));
		free(from);
		from = x;
	}
	assert(to >= 0);
	const char *done_from = xprintf("%s)", from), *done_to = xprintf("'%s'", wf_gstate_name((enum wf_gstate)to));
	free(from);
	token("DONE_FROM", done_from);
	token("DONE_TO", done_to);
	token("DONE_ACTION", wf_group_event_name((enum wf_gstate)to));
	struct db_sql *const templ[] = {&D_CLASH, &D_MEM_ID_SEL, &D_MEM_NBG_SEL, &D_MEM_ONE_SEL, &D_HIST_REOPEN_SEL, &H_REOPEN,
					&D_REOPEN, &D_HIST_CLOSE_SEL, &H_CLOSE, &D_CLOSE, &D_HIST_DONE_SEL, &H_DONE, &D_DONE, &D_STATUS,
					&S_SETTLED};
	for (size_t i = 0; i < sizeof templ / sizeof templ[0]; i++)
		fill(templ[i]);
	transitions[0] = (struct reg_detect_transition){reopen, 0, D_REOPEN.sql, H_REOPEN.sql, reopen_from, reopen_to};
	transitions[1] = (struct reg_detect_transition){close, 0, D_CLOSE.sql, H_CLOSE.sql, close_from, close_to};
	transitions[2] = (struct reg_detect_transition){close, 1, D_DONE.sql, H_DONE.sql, done_from, done_to};
}

static pthread_once_t detect_once = PTHREAD_ONCE_INIT;

size_t db_reg_detect_transitions(const struct reg_detect_transition **out)
{
	pthread_once(&detect_once, detect_sql_init);
	*out = transitions;
	return sizeof transitions / sizeof transitions[0];
}

const char *db_reg_detect_entry_sql(void)
{
	pthread_once(&detect_once, detect_sql_init);
	return D_MEM_ID_SEL.sql;
}

#define B DBI(batch)

/* Run select, then insert its rows with array binding (every cell as text, NULL as NULL), with the counter triggers
 * skipped when uncounted. *n = rows. */
static enum xerr sel_ins(struct db *db, struct arena *a, const struct db_sql *sel, const struct db_arg *args, size_t nargs,
			 const struct db_sql *ins, int uncounted, unsigned long long *n)
{
	struct db_rows rs;
	*n = 0;
	enum xerr e = db_exec(db, a, sel, args, nargs, &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	struct db_arg *x = xmalloc(rs.n * rs.ncols * sizeof *x);
	for (size_t i = 0; i < rs.n * rs.ncols; i++)
		x[i] = rs.cell[i] ? DBSN(rs.cell[i], rs.len[i]) : DBNULL;
	e = uncounted ? db_exec_bulk_uncounted(db, ins, x, rs.n, rs.ncols, NULL) : db_exec_bulk(db, ins, x, rs.n, rs.ncols, NULL);
	free(x);
	*n = rs.n;
	return e;
}

enum xerr db_reg_detect(struct db *db, struct arena *a, uint64_t batch, unsigned flags, struct reg_detect_stats *st)
{
	enum xerr e = XE_OK;
	unsigned long long n = 0;
	const char *due = NULL;
	struct reg_detect_stats dummy;
	pthread_once(&detect_once, detect_sql_init);
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof *st);
#define RUN(q, ...)                                                                              \
	do {                                                                                     \
		if ((e = db_exec(db, NULL, &(q), DB_ARGS(__VA_ARGS__), NULL, &n, NULL)) != XE_OK) \
			goto out;                                                                \
	} while (0)
#define SEL_INS_AS(sel, ins, uncounted, ...)                                                            \
	do {                                                                                            \
		if ((e = sel_ins(db, a, &(sel), DB_ARGS(__VA_ARGS__), &(ins), (uncounted), &n)) != XE_OK) \
			goto out;                                                                       \
	} while (0)
#define SEL_INS(sel, ins, ...) SEL_INS_AS(sel, ins, 0, __VA_ARGS__)
	if (flags & DETECT_KEYS_GIVEN) {
		/* the caller stored the candidate keys (imports: from its locking lookups, see registry.c) */
	} else {
		RUN(D_KEYS_ID, B, B);
		RUN(D_KEYS_NBG, B, B);
		RUN(D_KEYS_ERR, B, B);
		if (!(flags & DETECT_FRESH)) {
			RUN(D_KEYS_CHG, B, B);
			RUN(D_KEYS_OPEN, B, B);
		}
	}
	RUN(D_CLASH, B);
	/* keys with an open group know it first (a run over existing clashes, issue 14: no insert that finds its row taken) */
	if (!(flags & DETECT_FRESH))
		RUN(D_GID, B);
	SEL_INS(D_OPEN_SEL, D_OPEN, B, B);
	if (n || !(flags & DETECT_FRESH)) {
		if (n)
			RUN(D_GID, B);
		SEL_INS(D_HIST_OPENED_SEL, H_OPENED, B, B);
		st->groups_opened = (unsigned)n;
		if ((e = db_wf_due_date(db, a, &due)) != XE_OK)
			goto out;
		/* an import chunk's members are counted set-based right after they are in (sql/408; each fired an AFTER
		 * INSERT trigger before, ~0.65 ms a member at 10M), so every later change goes through the triggers as
		 * before; a fresh batch is detected once (DETECT_FRESH), so no member of it is counted twice. Only an
		 * import's (DETECT_KEYS_GIVEN, at READ COMMITTED: the procedure's INSERT ... SELECT reads the members without
		 * locks); at a registration's REPEATABLE READ it would take shared next-key locks on the member rows and ranges
		 * it reads, for one or two members a registration adds */
		int fresh = (flags & (DETECT_FRESH | DETECT_KEYS_GIVEN)) == (DETECT_FRESH | DETECT_KEYS_GIVEN);
		unsigned long long added = 0;
		SEL_INS_AS(D_MEM_ID_SEL, D_MEM, fresh, DBS(due), B, B);
		added += n;
		SEL_INS_AS(D_MEM_NBG_SEL, D_MEM, fresh, DBS(due), B, B);
		added += n;
		SEL_INS_AS(D_MEM_ONE_SEL, D_MEM, fresh, DBS(due), B, B);
		added += n;
		if (fresh && added)
			RUN(D_COUNT_MEMBERS, B);
		SEL_INS(D_HIST_ADDED_SEL, H_ADDED, B, B);
		st->members_added = (unsigned)n;
	}
	if (!(flags & DETECT_FRESH)) {
		SEL_INS(D_HIST_REOPEN_SEL, H_REOPEN, B);
		st->members_reopened = (unsigned)n;
		if (n) {
			if (!due && (e = db_wf_due_date(db, a, &due)) != XE_OK)
				goto out;
			RUN(D_REOPEN, DBS(due), B);
		}
		SEL_INS(D_HIST_CLOSE_SEL, H_CLOSE, B);
		st->members_closed = (unsigned)n;
		if (n)
			RUN(D_CLOSE, B);
		SEL_INS(D_HIST_DONE_SEL, H_DONE, B);
		st->groups_done = (unsigned)n;
		if (n)
			RUN(D_DONE, B);
	}
	if (st->members_added || st->members_closed || st->members_reopened || st->groups_opened || (flags & DETECT_SWEEP))
		RUN(D_SCOPE, B);
	if (st->members_added || !(flags & DETECT_FRESH))
		RUN(D_STATUS, B);
	if (!(flags & (DETECT_FRESH | DETECT_SWEEP))) { /* a sweep gives G numbers once at its end (db_reg_sweep_gnumbers) */
		RUN(D_TOUCH_MEMBERS, B, B);
		RUN(D_GNUMBER, B);
	}
	RUN(D_CLEAN, B);
#undef RUN
#undef SEL_INS
#undef SEL_INS_AS
out:
	return e;
}

enum xerr db_reg_touch(struct db *db, const uint64_t *student_ids, size_t n, uint64_t batch)
{
	for (size_t i = 0; i < n; i++) {
		enum xerr e = db_exec(db, NULL, &D_TOUCH, DB_ARGS(B, DBI(student_ids[i])), NULL, NULL, NULL);
		if (e != XE_OK)
			return e;
	}
	return XE_OK;
}

/* The re-check after an import's commit (issue 14 item 4), set-based over the file's keys: a key is a candidate when
 * two index entries share it (the covering index alone: most keys have one, read no row) and a live record with it is
 * not a member of the key's open group (what the import's own detection left is not evaluated again). Columns as
 * S_KEYS (struct reg_sweep_key). */
#define IN_OPEN_GROUP(TYPE, KEY)                                                                                    \
	"EXISTS (SELECT 1 FROM group_member mo FORCE INDEX (k_member_student) STRAIGHT_JOIN problem_group go"          \
	" ON go.id=mo.group_id WHERE mo.student_id=s.id AND go.type=" TYPE " AND go.open_key=" KEY ")"
static const struct db_sql R_CAND = {
	"SELECT 'id_dup', j.k, NULL, NULL, NULL, NULL FROM JSON_TABLE(?, '$[*]' COLUMNS (k VARCHAR(30) PATH '$')) j"
	" WHERE (SELECT COUNT(*) FROM student s FORCE INDEX (k_student_idno) WHERE s.id_number=j.k) >= 2"
	" AND EXISTS (SELECT 1 FROM student s FORCE INDEX (k_student_idno) WHERE s.id_number=j.k AND s.id_type='1'"
	" AND s.status<>'deleted' AND NOT " IN_OPEN_GROUP("'id_dup'", "j.k") ")"
	" UNION ALL SELECT 'nbg_dup', CONCAT(j.n,'|',j.g,'|',j.b), NULL, j.n, j.g, j.b FROM JSON_TABLE(?, '$[*]'"
	" COLUMNS (n VARCHAR(50) PATH '$[0]', g CHAR(1) PATH '$[1]', b DATE PATH '$[2]')) j"
	" WHERE (SELECT COUNT(*) FROM student s FORCE INDEX (k_student_nbg) WHERE s.name=j.n AND s.gender=j.g AND s.birth_date=j.b) >= 2"
	" AND EXISTS (SELECT 1 FROM student s FORCE INDEX (k_student_nbg) WHERE s.name=j.n AND s.gender=j.g AND s.birth_date=j.b"
	" AND s.status<>'deleted' AND NOT " IN_OPEN_GROUP("'nbg_dup'", "CONCAT(j.n,'|',j.g,'|',j.b)") ")"};

enum xerr db_reg_recheck_keys(struct db *db, struct arena *a, const char *const *numbers, size_t nn, const struct reg_nbg *nbgs,
			      size_t ng, struct db_rows *keys)
{
	assert(!db_in_tx(db)); /* what is committed now, without locks */
	struct sbuf nb = {0}, gb = {0};
	strs_json(&nb, numbers, nn);
	nbg_json(&gb, nbgs, ng);
	enum xerr e = db_exec(db, a, &R_CAND, DB_ARGS(DBSN(nb.s, nb.n), DBSN(gb.s, gb.n)), keys, NULL, NULL);
	free(nb.s);
	free(gb.s);
	return e;
}

size_t db_reg_sweep_sources(const char *const **names)
{
	*names = S_KEYS_NAME;
	return sizeof S_KEYS / sizeof S_KEYS[0];
}

enum xerr db_reg_sweep_keys(struct db *db, struct arena *a, size_t source, struct db_rows *keys)
{
	assert(source < sizeof S_KEYS / sizeof S_KEYS[0] && !db_in_tx(db)); /* a consistent read without locks */
	return db_exec(db, a, &S_KEYS[source], NULL, 0, keys, NULL, NULL);
}

enum xerr db_reg_sweep_slice(struct db *db, struct arena *a, const struct db_rows *keys, size_t from, size_t to,
			     struct reg_detect_stats *st)
{
	uint64_t batch = 0;
	enum xerr e = db_reg_batch_new(db, "redetect", 0, "system", &batch);
	if (e != XE_OK || from >= to)
		return e;
	assert(keys->ncols == 6 && to <= keys->n);
	struct db_arg *x = xmalloc((to - from) * 7 * sizeof *x);
	for (size_t r = from; r < to; r++) {
		struct db_arg *v = x + (r - from) * 7;
		v[0] = B;
		for (size_t c = 0; c < 6; c++) {
			const char *cell = keys->cell[r * 6 + c];
			v[1 + c] = cell ? DBSN(cell, keys->len[r * 6 + c]) : DBNULL;
		}
	}
	e = db_exec_bulk(db, &S_KEYS_PUT, x, to - from, 7, NULL);
	free(x);
	if (e == XE_OK)
		e = db_reg_detect(db, a, batch, DETECT_KEYS_GIVEN | DETECT_SWEEP, st);
	return e;
}

enum xerr db_reg_sweep_settled(struct db *db, struct arena *a, const struct db_rows *keys, size_t from, size_t to,
			       unsigned char *settled)
{
	assert(!db_in_tx(db) && keys->ncols == 6 && to <= keys->n); /* what is committed now, without locks */
	pthread_once(&detect_once, detect_sql_init);
	struct sbuf b = {0};
	sbuf_put(&b, "[", 1);
	for (size_t r = from; r < to; r++) {
		sbuf_put(&b, r > from ? ",[" : "[", r > from ? 2 : 1);
		static const size_t col[] = {0, 1, 3, 4, 5, 2}; /* type, k, name, gender, birth, sid (NULL: JSON null) */
		for (size_t c = 0; c < 6; c++) {
			const char *cell = keys->cell[r * 6 + col[c]];
			size_t len = keys->len[r * 6 + col[c]];
			if (c)
				sbuf_put(&b, ",", 1);
			if (cell)
				sbuf_json_str(&b, cell, len);
			else
				sbuf_put(&b, "null", 4);
		}
		sbuf_put(&b, "]", 1);
	}
	sbuf_put(&b, "]", 1);
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &S_SETTLED, DB_ARGS(DBSN(b.s, b.n)), &rs, NULL, NULL);
	free(b.s);
	memset(settled, 0, to - from);
	if (e == XE_OK)
		for (size_t i = 0; i < rs.n; i++) {
			long long ord = db_get_int(&rs, i, 0);
			if (ord >= 1 && (size_t)ord <= to - from)
				settled[ord - 1] = 1;
		}
	return e;
}

enum xerr db_reg_sweep_gcands(struct db *db, struct arena *a, struct db_rows *ids)
{
	assert(!db_in_tx(db));
	return db_exec(db, a, &S_GCAND, NULL, 0, ids, NULL, NULL);
}

enum xerr db_reg_sweep_gnumbers(struct db *db, const struct db_rows *ids, size_t from, size_t to, unsigned long long *n)
{
	struct sbuf b = {0};
	sbuf_put(&b, "[", 1);
	for (size_t r = from; r < to; r++) {
		if (r > from)
			sbuf_put(&b, ",", 1);
		sbuf_put(&b, ids->cell[r], ids->len[r]);
	}
	sbuf_put(&b, "]", 1);
	enum xerr e = db_exec(db, NULL, &S_GNUMBER, DB_ARGS(DBSN(b.s, b.n)), NULL, n, NULL);
	free(b.s);
	return e;
}

static const struct db_sql Q_STUDENT_GROUPS = {
	"SELECT g.id, g.type, m.state FROM group_member m FORCE INDEX (k_member_student) STRAIGHT_JOIN problem_group g"
	" ON g.id=m.group_id WHERE m.student_id=? AND g.state<>'done' ORDER BY g.id"};

enum xerr db_reg_student_groups(struct db *db, struct arena *a, uint64_t student_id, size_t *n, uint64_t **gids,
				const char ***types, const char ***member_states)
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_STUDENT_GROUPS, DB_ARGS(DBI(student_id)), &rs, NULL, NULL);
	*n = 0;
	if (e != XE_OK)
		return e;
	*gids = arena_alloc(a, (rs.n + 1) * sizeof **gids);
	*types = arena_alloc(a, (rs.n + 1) * sizeof **types);
	*member_states = arena_alloc(a, (rs.n + 1) * sizeof **member_states);
	for (size_t i = 0; i < rs.n; i++) {
		(*gids)[i] = (uint64_t)db_get_int(&rs, i, 0);
		(*types)[i] = db_get(&rs, i, 1);
		(*member_states)[i] = db_get(&rs, i, 2);
	}
	*n = rs.n;
	return XE_OK;
}

/* ---------------------------------------------------------------- queries */

#define TS(x) "DATE_FORMAT(" x ", '%Y-%m-%dT%H:%i:%sZ')"
#define STUDENT_COLS                                                                                                   \
	"s.id, s.student_no, s.name, s.gender, DATE_FORMAT(s.birth_date,'%Y-%m-%d'), s.id_type, s.id_number, s.id_check,"   \
	" s.status, s.ever_approved, s.verify_state, s.register_id_number, sch.code, sch.name, s.county_code, s.grade,"   \
	" s.class_name, DATE_FORMAT(s.enrol_date,'%Y-%m-%d'), s.guardian_phone, s.source, " TS("s.created_at") ", " TS( \
		"s.updated_at") ", s.version, s.school_id, s.guardian_name"

static const struct db_sql Q_STUDENT_GET[SCOPE_N] =
	SCOPE_SQL("SELECT " STUDENT_COLS " FROM student s JOIN unit sch ON sch.id=s.school_id WHERE s.id=? AND ", "s", "school_id", "");
/* Student lists and searches (R1-R3, issue 13 item 1): the caller's scope (SCOPE_EACH, on s) is always in the WHERE;
 * the statement's driving index is the narrowest path given (the school or county filter, else the caller's level):
 * (path, id) newest first, or (path, name) for a name search, ordered by name then id; an exact ID number
 * (k_student_idno) or student number (uk_student_no) is a lookup. Every other filter only filters what it reads. */
#define SL_FILTERS                                                                                                 \
	SQL_SEARCH_STUDENT("s")                                                                                      \
	" AND (? IS NULL OR s.school_id = ?) AND (? IS NULL OR s.county_code = ?) AND (? IS NULL OR s.status = ?)"    \
	" AND (? IS NULL OR s.gender = ?) AND (? IS NULL OR s.birth_date = ?)"
#define SL_NFILTERS (SEARCH_STUDENT_NARGS + 10)
#define SL_KEY_ID " AND (? = 0 OR s.id < ?) ORDER BY s.id DESC LIMIT ?"
#define SL_KEY_NAME " AND (? IS NULL OR s.name > ? OR (s.name = ? AND s.id > ?)) ORDER BY s.name, s.id LIMIT ?"
#define SL_Q(IDX, DRV, C, KEY)                                                                                     \
	"SELECT " STUDENT_COLS " FROM student s FORCE INDEX (" IDX ") STRAIGHT_JOIN unit sch ON sch.id = s.school_id"  \
	" WHERE " DRV " AND " C SL_FILTERS KEY
/* one macro per driver (SCOPE_EACH wants F(C)); the driver's arguments come first */
#define SL_ALL(C) SL_Q("PRIMARY", "(? IS NULL)", C, SL_KEY_ID)
#define SL_PROV(C) SL_Q("k_student_province_id", "s.province_code = ?", C, SL_KEY_ID)
#define SL_CITY(C) SL_Q("k_student_city_id", "s.city_code = ?", C, SL_KEY_ID)
#define SL_COUNTY(C) SL_Q("k_student_county_id", "s.county_code = ?", C, SL_KEY_ID)
#define SL_SCHOOL(C) SL_Q("k_student_school_id", "s.school_id = ?", C, SL_KEY_ID)
#define SN_ALL(C) SL_Q("k_student_name", "(? IS NULL) AND s.name LIKE ?", C, SL_KEY_NAME)
#define SN_PROV(C) SL_Q("k_student_province_name", "s.province_code = ? AND s.name LIKE ?", C, SL_KEY_NAME)
#define SN_CITY(C) SL_Q("k_student_city_name", "s.city_code = ? AND s.name LIKE ?", C, SL_KEY_NAME)
#define SN_COUNTY(C) SL_Q("k_student_county_name", "s.county_code = ? AND s.name LIKE ?", C, SL_KEY_NAME)
#define SN_SCHOOL(C) SL_Q("k_student_school_name", "s.school_id = ? AND s.name LIKE ?", C, SL_KEY_NAME)
#define SS_ALL(C) SL_Q("k_student_status", "(? IS NULL) AND s.status = ?", C, SL_KEY_ID)
#define SS_PROV(C) SL_Q("k_student_province_status", "s.province_code = ? AND s.status = ?", C, SL_KEY_ID)
#define SS_CITY(C) SL_Q("k_student_city_status", "s.city_code = ? AND s.status = ?", C, SL_KEY_ID)
#define SS_COUNTY(C) SL_Q("k_student_county", "s.county_code = ? AND s.status = ?", C, SL_KEY_ID)
#define SS_SCHOOL(C) SL_Q("k_student_school", "s.school_id = ? AND s.status = ?", C, SL_KEY_ID)
/* a name with a birth date (sql/381): the few records born that day (about 2,300 a day nationally at 10M), by name */
#define SB_NAME(C) SL_Q("k_student_birth_name", "s.birth_date = ? AND s.name LIKE ?", C, SL_KEY_NAME)
#define SI_ID(C) SL_Q("k_student_idno", "s.id_number IN (?, ?)", C, SL_KEY_ID)
#define SI_NO(C) SL_Q("uk_student_no", "s.student_no = ?", C, SL_KEY_ID)
#define SCOPED_S(F) SCOPE_EACH(F, "s", "school_id")
/* [driver path kind][caller's scope kind] */
static const struct db_sql Q_STUDENT_LIST[SCOPE_N][SCOPE_N] = {
	SCOPED_S(SL_ALL), SCOPED_S(SL_PROV), SCOPED_S(SL_CITY), SCOPED_S(SL_COUNTY), SCOPED_S(SL_SCHOOL)};
static const struct db_sql Q_STUDENT_NAME[SCOPE_N][SCOPE_N] = {
	SCOPED_S(SN_ALL), SCOPED_S(SN_PROV), SCOPED_S(SN_CITY), SCOPED_S(SN_COUNTY), SCOPED_S(SN_SCHOOL)};
/* a status filter (R6) without a search: (path, status, id) newest first */
static const struct db_sql Q_STUDENT_STATUS[SCOPE_N][SCOPE_N] = {
	SCOPED_S(SS_ALL), SCOPED_S(SS_PROV), SCOPED_S(SS_CITY), SCOPED_S(SS_COUNTY), SCOPED_S(SS_SCHOOL)};
static const struct db_sql Q_STUDENT_BIRTH[SCOPE_N] = SCOPED_S(SB_NAME);
static const struct db_sql Q_STUDENT_ID[SCOPE_N] = SCOPED_S(SI_ID);
static const struct db_sql Q_STUDENT_NUMBER[SCOPE_N] = SCOPED_S(SI_NO);

enum xerr db_reg_student_get(struct db *db, struct arena *a, uint64_t id, const struct principal *who, struct db_rows *rows)
{
	return db_exec(db, a, &Q_STUDENT_GET[scope_kind_of(who)], DB_ARGS(DBI(id), scope_arg(who)), rows, NULL, NULL);
}

/* The narrowest path of a list: the school filter, the county filter, else the caller's own level (R1-R3); *v is the
 * driver's bound value. The caller's scope is applied as well, so a filter outside it finds nothing. */
static enum scope_kind list_driver(const struct principal *who, const struct search *f, struct db_arg *v)
{
	enum scope_kind k = scope_kind_of(who);
	if (f->school_id) {
		*v = DBI(f->school_id);
		return SCOPE_SCHOOL;
	}
	if (f->county && k < SCOPE_COUNTY) {
		*v = DBS(f->county);
		return SCOPE_COUNTY;
	}
	*v = scope_arg(who);
	return k;
}

/* What drives a searched list (issue 13 item 1): an exact ID number, an exact student number, a name with a birth date
 * on (birth_date, name) whatever the caller's level, a name on the (path, name) index of the narrowest path, or that
 * path's own index; the driver's arguments into x (returns how many). */
enum list_by { BY_ID, BY_NO, BY_BIRTH, BY_NAME, BY_PATH };
static enum list_by list_by(const struct principal *who, const struct search *f, enum scope_kind *d, struct db_arg *x, size_t *n)
{
	struct db_arg drv;
	*d = list_driver(who, f, &drv);
	if (f->id_number)
		return x[(*n)++] = DBS(f->id_number), x[(*n)++] = DBS(f->id_alt), BY_ID;
	if (f->student_no)
		return x[(*n)++] = DBS(f->student_no), BY_NO;
	if (f->name_pattern && f->birth_date)
		return x[(*n)++] = DBS(f->birth_date), x[(*n)++] = DBS(f->name_pattern), BY_BIRTH;
	x[(*n)++] = drv;
	if (f->name_pattern)
		return x[(*n)++] = DBS(f->name_pattern), BY_NAME;
	return BY_PATH;
}

enum xerr db_reg_student_list(struct db *db, struct arena *a, const struct principal *who, const struct search *f,
			      long long limit, long long after, const char *after_name, struct db_rows *rows, int *by_name)
{
	struct db_arg x[4 + SL_NFILTERS + 5];
	size_t n = 0;
	enum scope_kind d, k = scope_kind_of(who);
	enum list_by by = list_by(who, f, &d, x, &n);
	const struct db_sql *q = by == BY_ID ? &Q_STUDENT_ID[k] : by == BY_NO ? &Q_STUDENT_NUMBER[k]
			       : by == BY_BIRTH ? &Q_STUDENT_BIRTH[k] : by == BY_NAME ? &Q_STUDENT_NAME[d][k]
			       : f->status ? &Q_STUDENT_STATUS[d][k] : &Q_STUDENT_LIST[d][k];
	if (by == BY_PATH && f->status)
		x[n++] = DBS(f->status);
	*by_name = by == BY_NAME || by == BY_BIRTH;
	x[n++] = scope_arg(who);
	n += db_search_student_args(x + n, f);
	x[n] = f->school_id ? DBI(f->school_id) : DBNULL, x[n + 1] = x[n], n += 2;
	x[n] = DBS(f->county), x[n + 1] = x[n], n += 2;
	x[n] = DBS(f->status), x[n + 1] = x[n], n += 2;
	x[n] = DBS(f->gender), x[n + 1] = x[n], n += 2;
	x[n] = DBS(f->birth_date), x[n + 1] = x[n], n += 2;
	if (*by_name) { /* keyset (name, id) ascending */
		const char *an = after ? after_name : NULL;
		x[n++] = DBS(an), x[n++] = DBS(an), x[n++] = DBS(an), x[n++] = DBI(after);
	} else {
		x[n++] = DBI(after), x[n++] = DBI(after);
	}
	x[n++] = DBI(limit);
	assert(n <= sizeof x / sizeof *x);
	return db_exec(db, a, q, x, n, rows, NULL, NULL);
}

enum xerr db_reg_school_id(struct db *db, struct arena *a, const char *code, uint32_t *id)
{
	static const struct db_sql Q = {"SELECT id FROM unit WHERE code = ? AND level = 4"}; /* closed schools too */
	struct db_rows rs;
	*id = 0;
	enum xerr e = db_exec(db, a, &Q, DB_ARGS(DBS(code)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*id = (uint32_t)db_get_int(&rs, 0, 0);
	return e;
}

/* Which group filter a problem list has: it picks the key that drives the members (and the ministry's groups). */
enum group_filter { GF_NONE, GF_STATE, GF_STATE_TYPE, GF_TYPE, GF_N };
static enum group_filter group_filter_of(const struct search *f)
{
	return f->state ? (f->type ? GF_STATE_TYPE : GF_STATE) : f->type ? GF_TYPE : GF_NONE;
}

/* The group list by level of the caller (R1-R3): the member index of that level drives the query (a semi-join on
 * group_member), so a school or county with few groups never scans the whole country's groups. No member count per
 * group here: the caller reads every member of the page's groups anyway (db_reg_group_members) and counts them (issue
 * 13: a COUNT subquery per group was half of this statement's time at 10M, ~1 ms of a county's 50-group page). */
#define GROUP_SEL                                                                                                 \
	"SELECT g.id, g.type, g.state, g.scope_level, g.arbiter_unit_id, au.code, au.name, " TS("g.created_at") ", " TS( \
		"g.done_at")
#define GROUP_COLS(IDX) GROUP_SEL " FROM problem_group g FORCE INDEX (" IDX ") JOIN unit au ON au.id=g.arbiter_unit_id"
/* the group filters (type, state) on a group row G, or on a member's copy of its group (g_type, g_state, sql/380) */
#define GROUP_FILTER(T, S) " AND (? IS NULL OR " T "=?) AND (? IS NULL OR " S "=?)"
#define GROUP_FILTER_NONE " AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL" /* its arguments, none set */
/* issue 13 item 1: a group is listed when one of its members within the caller's scope (C, on m) passes every member
 * filter and the group filters (on the member's copy of its group's type and state), and, when searching, is the
 * student searched for. The members are read first (a derived table, never a walk of every group by id probing them):
 * driven by the narrowest path (the school or county filter, else the caller's level) on (path, group_id), on
 * (path, g_state | g_type, group_id) under a group filter (sql/380), on (path, state, group_id) under a member handling state
 * (sql/406), on k_member_rejected for the rejected (sql/384),
 * on (path, s_name) for a name (sql/382: the matching
 * members only, then grouped), or by the student searched for (exact ID number or student number) and
 * k_member_student; then their groups by primary key, newest first
 * after the cursor's id. The members stop at the page's last group: the index is read backwards for one page, not for
 * the whole jurisdiction (GROUP BY, not DISTINCT: grouped in the index's order, without a temporary table of every
 * member, the scan stops at the page's last group; measured at 1M records: 120-190 ms → 3 ms). */
#define GL_QX(FROM, C, SEARCH, MEMBER, GFILTER)                                                                      \
	GROUP_SEL " FROM (SELECT m.group_id FROM " FROM " AND " C MEMBER SEARCH GFILTER                                  \
	" AND (? = 0 OR m.group_id < ?) GROUP BY m.group_id"                                                            \
	" ORDER BY m.group_id DESC LIMIT ?) x STRAIGHT_JOIN problem_group g ON g.id = x.group_id"                      \
	" JOIN unit au ON au.id = g.arbiter_unit_id ORDER BY g.id DESC"
#define GL_Q(FROM, C, SEARCH) GL_QX(FROM, C, SEARCH, SQL_SEARCH_MEMBER("m"), GROUP_FILTER("m.g_type", "m.g_state"))
#define GL_PATH(IDX, DRV, C) GL_Q("group_member m FORCE INDEX (" IDX ") WHERE " DRV, C, "")
/* the list as opened (no filter, no search): the path's (path, group_id) key alone, no member row per member walked
 * (SQL_SEARCH_MEMBER_NONE: the same arguments, NULL) */
#define GL_PLAIN(IDX, DRV, C)                                                                                         \
	GL_QX("group_member m FORCE INDEX (" IDX ") WHERE " DRV, C, "", SQL_SEARCH_MEMBER_NONE, GROUP_FILTER_NONE)
#define GL_STUDENT(IDX, DRV, C) \
	GL_Q("student s FORCE INDEX (" IDX ") STRAIGHT_JOIN group_member m FORCE INDEX (k_member_student)" \
	     " ON m.student_id = s.id WHERE " DRV, C, SQL_SEARCH_STUDENT("s"))
#define GP_ALL(C) GL_Q("group_member m WHERE (? IS NULL)", C, "")
#define GP_PROV(C) GL_PATH("k_member_province", "m.province_code = ?", C)
#define GP_CITY(C) GL_PATH("k_member_city", "m.city_code = ?", C)
#define GP_COUNTY(C) GL_PATH("k_member_county_group", "m.county_code = ?", C)
#define GP_SCHOOL(C) GL_PATH("k_member_school_group", "m.school_id = ?", C)
/* (G0_ALL fills the table: the ministry's list as opened reads problem_group, Q_GROUPS_ALL) */
#define G0_ALL(C) GL_QX("group_member m WHERE (? IS NULL)", C, "", SQL_SEARCH_MEMBER_NONE, GROUP_FILTER_NONE)
#define G0_PROV(C) GL_PLAIN("k_member_province", "m.province_code = ?", C)
#define G0_CITY(C) GL_PLAIN("k_member_city", "m.city_code = ?", C)
#define G0_COUNTY(C) GL_PLAIN("k_member_county_group", "m.county_code = ?", C)
#define G0_SCHOOL(C) GL_PLAIN("k_member_school_group", "m.school_id = ?", C)
/* under a group filter: the path's members of that group state (or type), sql/380 */
#define GS_ALL(C) GL_PATH("k_member_gstate", "(? IS NULL) AND m.g_state = ?", C)
#define GS_PROV(C) GL_PATH("k_member_province_gstate", "m.province_code = ? AND m.g_state = ?", C)
#define GS_CITY(C) GL_PATH("k_member_city_gstate", "m.city_code = ? AND m.g_state = ?", C)
#define GS_COUNTY(C) GL_PATH("k_member_county_gstate", "m.county_code = ? AND m.g_state = ?", C)
#define GS_SCHOOL(C) GL_PATH("k_member_school_gstate", "m.school_id = ? AND m.g_state = ?", C)
#define GT_ALL(C) GL_PATH("k_member_gtype", "(? IS NULL) AND m.g_type = ?", C)
#define GT_PROV(C) GL_PATH("k_member_province_gtype", "m.province_code = ? AND m.g_type = ?", C)
#define GT_CITY(C) GL_PATH("k_member_city_gtype", "m.city_code = ? AND m.g_type = ?", C)
#define GT_COUNTY(C) GL_PATH("k_member_county_gtype", "m.county_code = ? AND m.g_type = ?", C)
#define GT_SCHOOL(C) GL_PATH("k_member_school_gtype", "m.school_id = ? AND m.g_type = ?", C)
/* a member handling state (R15-R24): the path's members in that state, in group order (sql/406) */
#define GM_ALL(C) GL_PATH("k_member_state_group", "(? IS NULL) AND m.state = ?", C)
#define GM_PROV(C) GL_PATH("k_member_province_state", "m.province_code = ? AND m.state = ?", C)
#define GM_CITY(C) GL_PATH("k_member_city_state", "m.city_code = ? AND m.state = ?", C)
#define GM_COUNTY(C) GL_PATH("k_member_county_state", "m.county_code = ? AND m.state = ?", C)
#define GM_SCHOOL(C) GL_PATH("k_member_school_state", "m.school_id = ? AND m.state = ?", C)
/* overdue or due before a day (R24: pending members only): each pending state's members of the path in group order, on
 * (path, state, group_id, due_date) with the day checked in the key (m0, index only: InnoDB pushes no condition into a
 * backward scan), a member row read (m) only for a member due before the day, a page of groups from each state, merged
 * (sql/406; a walk of the path's members in group order read every newer member not yet due). The ministry's walk of
 * each state starts at the highest group with a member of that state due before the day, Q_PENDING_TOP (sql/407): the
 * country's newest groups, not yet due, are not read; a path's walk is bound by nothing (the argument is INT64_MAX). */
#define GO_BRANCH(ST, IDX, DRV, C)                                                                                     \
	"(SELECT m0.group_id FROM group_member m0 FORCE INDEX (" IDX ") STRAIGHT_JOIN group_member m ON m.id = m0.id"    \
	" WHERE " DRV " AND m0.state = '" ST "' AND (? IS NULL OR m0.due_date < ?) AND (? IS NULL OR m0.due_date < ?)"  \
	" AND m0.group_id <= ? AND " C SQL_SEARCH_MEMBER("m") GROUP_FILTER("m.g_type", "m.g_state") " AND (? = 0 OR m0.group_id < ?)"        \
	" GROUP BY m0.group_id ORDER BY m0.group_id DESC LIMIT ?)"
#define GL_PENDING(IDX, DRV, C)                                                                                        \
	GROUP_SEL " FROM (SELECT u.group_id FROM (" PENDING_EACH(GO_BRANCH, " UNION ALL ", IDX, DRV, C) ") u"            \
	" GROUP BY u.group_id ORDER BY u.group_id DESC LIMIT ?) x STRAIGHT_JOIN problem_group g ON g.id = x.group_id"   \
	" JOIN unit au ON au.id = g.arbiter_unit_id ORDER BY g.id DESC"
#define GO_ALL(C) GL_PENDING("k_member_state_group", "(? IS NULL)", C)
#define GO_PROV(C) GL_PENDING("k_member_province_state", "m0.province_code = ?", C)
#define GO_CITY(C) GL_PENDING("k_member_city_state", "m0.city_code = ?", C)
#define GO_COUNTY(C) GL_PENDING("k_member_county_state", "m0.county_code = ?", C)
#define GO_SCHOOL(C) GL_PENDING("k_member_school_state", "m0.school_id = ?", C)
/* the members rejected to handle again (R20, sql/384: few; one key, the path checked in it) */
#define GR_ALL(C) GL_PATH("k_member_rejected", "m.rejected_open = 1 AND (? IS NULL)", C)
#define GR_PROV(C) GL_PATH("k_member_rejected", "m.rejected_open = 1 AND m.province_code = ?", C)
#define GR_CITY(C) GL_PATH("k_member_rejected", "m.rejected_open = 1 AND m.city_code = ?", C)
#define GR_COUNTY(C) GL_PATH("k_member_rejected", "m.rejected_open = 1 AND m.county_code = ?", C)
#define GR_SCHOOL(C) GL_PATH("k_member_rejected", "m.rejected_open = 1 AND m.school_id = ?", C)
/* a name (prefix or exact): the path's members of that name, on their copy of the student's name (sql/382) */
#define GN_ALL(C) GL_PATH("k_member_sname", "(? IS NULL) AND m.s_name LIKE ?", C)
#define GN_PROV(C) GL_PATH("k_member_province_sname", "m.province_code = ? AND m.s_name LIKE ?", C)
#define GN_CITY(C) GL_PATH("k_member_city_sname", "m.city_code = ? AND m.s_name LIKE ?", C)
#define GN_COUNTY(C) GL_PATH("k_member_county_sname", "m.county_code = ? AND m.s_name LIKE ?", C)
#define GN_SCHOOL(C) GL_PATH("k_member_school_sname", "m.school_id = ? AND m.s_name LIKE ?", C)
/* the ministry, a one-character prefix: that character's members in group order (sql/396) */
#define GN_INITIAL(C) GL_PATH("k_member_sinitial", "(? IS NULL) AND m.s_initial = ?", C)
#define GI_ID(C) GL_STUDENT("k_student_idno", "s.id_number IN (?, ?)", C)
#define GI_NO(C) GL_STUDENT("uk_student_no", "s.student_no = ?", C)
#define SCOPED_M(F) SCOPE_EACH(F, "m", "school_id")
/* the ministry with no member filter: every group, newest first; under a group filter by state ((state, id), or
 * (state, type, id) with a type too) or type ((type, id)); the driving value first, (? IS NULL) when none */
#define GROUPS_ALL(IDX, DRV) {GROUP_COLS(IDX) " WHERE " DRV GROUP_FILTER("g.type", "g.state") " AND (?=0 OR g.id<?)" \
	" ORDER BY g.id DESC LIMIT ?"}
static const struct db_sql Q_GROUPS_ALL[GF_N] = {
	[GF_NONE] = GROUPS_ALL("PRIMARY", "(? IS NULL)"), [GF_STATE] = GROUPS_ALL("k_group_state_id", "g.state = ?"),
	[GF_STATE_TYPE] = GROUPS_ALL("k_group_state", "g.state = ?"), [GF_TYPE] = GROUPS_ALL("k_group_type_id", "g.type = ?")};
/* [group filter][driver path kind][caller's scope kind] (a state and a type: the state's key, the type checked) */
static const struct db_sql Q_GROUPS[GF_N][SCOPE_N][SCOPE_N] = {
	[GF_NONE] = {SCOPED_M(GP_ALL), SCOPED_M(GP_PROV), SCOPED_M(GP_CITY), SCOPED_M(GP_COUNTY), SCOPED_M(GP_SCHOOL)},
	[GF_STATE] = {SCOPED_M(GS_ALL), SCOPED_M(GS_PROV), SCOPED_M(GS_CITY), SCOPED_M(GS_COUNTY), SCOPED_M(GS_SCHOOL)},
	[GF_STATE_TYPE] = {SCOPED_M(GS_ALL), SCOPED_M(GS_PROV), SCOPED_M(GS_CITY), SCOPED_M(GS_COUNTY), SCOPED_M(GS_SCHOOL)},
	[GF_TYPE] = {SCOPED_M(GT_ALL), SCOPED_M(GT_PROV), SCOPED_M(GT_CITY), SCOPED_M(GT_COUNTY), SCOPED_M(GT_SCHOOL)}};
/* the list as opened, by the caller's own path (the driver is the scope) */
static const struct db_sql Q_GROUPS_PLAIN[SCOPE_N] = {{G0_ALL("(? IS NULL)")}, {G0_PROV("m.province_code = ?")},
	{G0_CITY("m.city_code = ?")}, {G0_COUNTY("m.county_code = ?")}, {G0_SCHOOL("m.school_id = ?")}};
static const struct db_sql Q_GROUPS_REJECTED[SCOPE_N][SCOPE_N] = {
	SCOPED_M(GR_ALL), SCOPED_M(GR_PROV), SCOPED_M(GR_CITY), SCOPED_M(GR_COUNTY), SCOPED_M(GR_SCHOOL)};
static const struct db_sql Q_GROUPS_MSTATE[SCOPE_N][SCOPE_N] = {
	SCOPED_M(GM_ALL), SCOPED_M(GM_PROV), SCOPED_M(GM_CITY), SCOPED_M(GM_COUNTY), SCOPED_M(GM_SCHOOL)};
static const struct db_sql Q_GROUPS_PENDING[SCOPE_N][SCOPE_N] = {
	SCOPED_M(GO_ALL), SCOPED_M(GO_PROV), SCOPED_M(GO_CITY), SCOPED_M(GO_COUNTY), SCOPED_M(GO_SCHOOL)};
/* per pending state, the highest group with a member of that state due before the day: one descent per (state, due
 * day) on (state, due_date, group_id) (sql/407, "index for group-by"); the ministry's walk starts there */
static const struct db_sql Q_PENDING_TOP = {
	"SELECT b.state, MAX(b.group_id) FROM group_member b FORCE INDEX (k_member_due) WHERE b.state IN " SQL_PENDING
	" AND b.due_date < ? GROUP BY b.state, b.due_date"};
#define PENDING_NAME(S, ...) S
#define PENDING_COMMA ,
static const char *const pending_names[PENDING_N] = {PENDING_EACH(PENDING_NAME, PENDING_COMMA, 0)};

/* The group bound of each pending state's walk, in PENDING_EACH order (0: no member of that state is due before the
 * day, the walk reads nothing). */
static enum xerr pending_top(struct db *db, struct arena *a, const char *day, long long top[PENDING_N])
{
	struct db_rows rs;
	enum xerr e = db_exec(db, a, &Q_PENDING_TOP, DB_ARGS(DBS(day)), &rs, NULL, NULL);
	db_forget(db, &Q_PENDING_TOP); /* prepared anew each time: a re-executed loose scan is a plain range scan (db.h) */
	for (size_t i = 0; i < PENDING_N; i++)
		top[i] = 0;
	for (size_t r = 0; e == XE_OK && r < rs.n; r++)
		for (size_t i = 0; i < PENDING_N; i++)
			if (strcmp(db_get(&rs, r, 0), pending_names[i]) == 0 && db_get_int(&rs, r, 1) > top[i])
				top[i] = db_get_int(&rs, r, 1);
	return e;
}

static const struct db_sql Q_GROUPS_NAME[SCOPE_N][SCOPE_N] = {
	SCOPED_M(GN_ALL), SCOPED_M(GN_PROV), SCOPED_M(GN_CITY), SCOPED_M(GN_COUNTY), SCOPED_M(GN_SCHOOL)};
static const struct db_sql Q_GROUPS_INITIAL = {GN_INITIAL("(? IS NULL)")};
static const struct db_sql Q_GROUPS_ID[SCOPE_N] = SCOPED_M(GI_ID);
static const struct db_sql Q_GROUPS_NO[SCOPE_N] = SCOPED_M(GI_NO);

enum xerr db_reg_group_list(struct db *db, struct arena *a, const struct principal *who, const struct search *f,
			    const char *today, long long limit, long long after, struct db_rows *rows)
{
	struct db_arg x[PENDING_N * (11 + SEARCH_MEMBER_NARGS + SEARCH_STUDENT_NARGS + 3) + 1];
	size_t n = 0, top_at = 0;
	long long top[PENDING_N];
	enum scope_kind d, k = scope_kind_of(who);
	enum group_filter gf = group_filter_of(f);
	struct db_arg by_group = gf == GF_NONE ? DBNULL : gf == GF_TYPE ? DBS(f->type) : DBS(f->state);
	if (k == SCOPE_ALL && !db_search_member(f) && !db_search_student(f)) /* the ministry, no member filter */
		return db_exec(db, a, &Q_GROUPS_ALL[gf],
			       DB_ARGS(by_group, DBS(f->type), DBS(f->type), DBS(f->state), DBS(f->state), DBI(after),
				       DBI(after), DBI(limit)), rows, NULL, NULL);
	enum list_by by = list_by(who, f, &d, x, &n);
	assert(by != BY_BIRTH); /* the problem list takes no birth date (SEARCH_GROUP_KEYS) */
	/* a member handling state drives before a group filter: (path, state, group_id) holds it (sql/406); without one,
	 * overdue or due before a day: each pending state on that key */
	int by_mstate = by == BY_PATH && !f->rejected && f->member_state;
	int by_pending = by == BY_PATH && !f->rejected && !f->member_state && (f->overdue || f->due_before);
	const struct db_sql *q = by == BY_ID ? &Q_GROUPS_ID[k] : by == BY_NO ? &Q_GROUPS_NO[k]
			       : by == BY_NAME ? &Q_GROUPS_NAME[d][k] : f->rejected ? &Q_GROUPS_REJECTED[d][k]
			       : by_mstate ? &Q_GROUPS_MSTATE[d][k] : by_pending ? &Q_GROUPS_PENDING[d][k]
			       : gf == GF_NONE && d == k && !db_search_member(f) ? &Q_GROUPS_PLAIN[k] : &Q_GROUPS[gf][d][k];
	if (by_mstate)
		x[n++] = DBS(f->member_state);
	else if (by_pending) { /* the days on the key (m0), as the member filters say them on the row; the walk's bound */
		db_search_due_args(x + n, f, today);
		enum xerr e = d == SCOPE_ALL ? pending_top(db, a, db_search_due_until(f, today), top) : XE_OK;
		if (e != XE_OK)
			return e;
		if (d != SCOPE_ALL) /* the country's bound gave a path nothing (10M, medians at c=8: the province's due_before
				    * 21.5 -> 25.5 ms with it, the city's 21.9 -> 25.2 ms: one more statement, no shorter walk) */
			for (size_t i = 0; i < PENDING_N; i++)
				top[i] = INT64_MAX;
		top_at = n + 4, n += 5;
	}
	else if (by == BY_PATH && !f->rejected && gf != GF_NONE)
		x[n++] = by_group;
	if (by == BY_NAME && d == SCOPE_ALL && f->name_wide) /* the character itself, not the pattern */
		q = &Q_GROUPS_INITIAL, x[n - 1] = DBS(f->name);
	x[n++] = scope_arg(who);
	n += db_search_member_args(x + n, f, today);
	if (by == BY_ID || by == BY_NO) /* the student searched for, read through its record */
		n += db_search_student_args(x + n, f);
	x[n++] = DBS(f->type), x[n++] = DBS(f->type), x[n++] = DBS(f->state), x[n++] = DBS(f->state);
	x[n++] = DBI(after), x[n++] = DBI(after), x[n++] = DBI(limit);
	if (by_pending) { /* the same arguments for each state's page, then the merged page's limit */
		for (size_t i = 1; i < PENDING_N; i++)
			memcpy(x + i * n, x, n * sizeof *x);
		for (size_t i = 0; i < PENDING_N; i++)
			x[i * n + top_at] = DBI(top[i]);
		n *= PENDING_N;
		x[n++] = DBI(limit);
	}
	assert(n <= sizeof x / sizeof *x);
	return db_exec(db, a, q, x, n, rows, NULL, NULL);
}

enum xerr db_reg_group_members(struct db *db, struct arena *a, const uint64_t *gids, size_t n, struct db_rows *rows)
{
	struct db_arg in[100];
	assert(n <= 100);
	pthread_once(&in_once, in_init);
	for (size_t i = 0; i < 100; i++)
		in[i] = i < n ? DBI(gids[i]) : DBNULL;
	return db_exec(db, a, &Q_GROUP_MEMBERS, in, 100, rows, NULL, NULL);
}

/* ---------------------------------------------------------------- register results (R10) */

static const struct db_sql Q_VERIFY = {
	"UPDATE student SET verify_state=?, register_id_number=?, verify_id_number=id_number, verify_name=name, touch_batch=?,"
	" updated_at=UTC_TIMESTAMP(6) WHERE id=? AND NOT (verify_state<=>? AND register_id_number<=>?"
	" AND verify_id_number<=>id_number AND verify_name<=>name)"};
#define FIND_COLS "SELECT s.id, s.id_type, s.id_number, s.status FROM student s "
static const struct db_sql Q_FIND_ID[SCOPE_N] = SCOPE_SQL(FIND_COLS "WHERE s.id=? AND ", "s", "school_id", "");
static const struct db_sql Q_FIND_NO[SCOPE_N] = SCOPE_SQL(FIND_COLS "WHERE s.student_no=? AND ", "s", "school_id", "");
/* on the ID number's key, forced (R30): "ORDER BY s.id LIMIT 2" is also served by walking a school's or a province's
 * (scope, id) key or the primary key in order */
static const struct db_sql Q_FIND_SCH[SCOPE_N] = SCOPE_SQL(
	FIND_COLS "FORCE INDEX (k_student_idno) JOIN unit sch ON sch.id=s.school_id WHERE sch.code=? AND s.id_number=?"
	" AND s.status<>'deleted' AND ", "s", "school_id", " ORDER BY s.id LIMIT 2");

enum xerr db_reg_set_verify(struct db *db, uint64_t student_id, const char *result, const char *new_id, uint64_t batch,
			     int *changed)
{
	unsigned long long n = 0;
	enum xerr e = db_exec(db, NULL, &Q_VERIFY,
			      DB_ARGS(DBS(result), DBS(new_id), B, DBI(student_id), DBS(result), DBS(new_id)), NULL, &n, NULL);
	*changed = n > 0;
	return e;
}

enum xerr db_reg_student_no(struct db *db, struct arena *a, uint64_t id, const char **no)
{
	struct db_rows rs;
	*no = NULL;
	enum xerr e = db_exec(db, a, &Q_STUDENT_NO, DB_ARGS(DBI(id)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*no = db_get(&rs, 0, 0);
	return e;
}

enum xerr db_reg_find_student(struct db *db, struct arena *a, const struct principal *who, uint64_t id, const char *student_no,
			      const char *school_code, const char *id_number, uint64_t *found, const char **id_type,
			      const char **id_number_out, const char **status)
{
	struct db_rows rs;
	enum xerr e;
	enum scope_kind k = scope_kind_of(who);
	*found = 0;
	if (id)
		e = db_exec(db, a, &Q_FIND_ID[k], DB_ARGS(DBI(id), scope_arg(who)), &rs, NULL, NULL);
	else if (student_no)
		e = db_exec(db, a, &Q_FIND_NO[k], DB_ARGS(DBS(student_no), scope_arg(who)), &rs, NULL, NULL);
	else
		e = db_exec(db, a, &Q_FIND_SCH[k], DB_ARGS(DBS(school_code), DBS(id_number), scope_arg(who)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	if (rs.n > 1) { /* two live records of one school with that number (a duplicate the school handles) */
		*found = UINT64_MAX;
		return XE_OK;
	}
	*found = (uint64_t)db_get_int(&rs, 0, 0);
	*id_type = db_get(&rs, 0, 1);
	*id_number_out = db_get(&rs, 0, 2);
	*status = db_get(&rs, 0, 3);
	return XE_OK;
}

/* ---------------------------------------------------------------- approval */

static const struct db_sql Q_APPROVE = {
	"UPDATE student SET status='formal', ever_approved=1, version=version+1, updated_at=UTC_TIMESTAMP(6)"
	" WHERE id=? AND county_code=? AND status='pending'"};
static const struct db_sql Q_APPROVE_HIST = {
	"INSERT INTO history (student_id, actor_user_id, actor_role, action, state_before, state_after)"
	" VALUES (?, ?, ?, 'registration_approved', 'pending', 'formal')"};
static const struct db_sql Q_STATUS_OF = {"SELECT status FROM student WHERE id=? AND county_code=?"};

enum xerr db_reg_approve(struct db *db, struct arena *a, uint64_t student_id, const char *county_code, uint64_t user_id,
			 const char *role, const char **outcome)
{
	unsigned long long n = 0;
	enum xerr e = db_exec(db, NULL, &Q_APPROVE, DB_ARGS(DBI(student_id), DBS(county_code)), NULL, &n, NULL);
	if (e != XE_OK)
		return e;
	if (n == 1) {
		*outcome = "approved";
		return db_exec(db, NULL, &Q_APPROVE_HIST, DB_ARGS(DBI(student_id), DBI(user_id), DBS(role)), NULL, NULL, NULL);
	}
	struct db_rows rs;
	if ((e = db_exec(db, a, &Q_STATUS_OF, DB_ARGS(DBI(student_id), DBS(county_code)), &rs, NULL, NULL)) != XE_OK)
		return e;
	const char *st = rs.n ? db_get(&rs, 0, 0) : NULL;
	*outcome = !st ? "not_found" : strcmp(st, "problem") == 0 ? "in_problem_group" : strcmp(st, "formal") == 0 ? "already_formal"
													       : "deleted";
	return XE_OK;
}

/* ---------------------------------------------------------------- idempotency keys (R29) */

static const struct db_sql Q_IDEM_GET = {"SELECT request_sha256, result FROM api_idem WHERE scope=? AND idem_key=?"};
static const struct db_sql Q_IDEM_PUT = {
	"INSERT INTO api_idem (scope, idem_key, request_sha256, student_id, result) VALUES (?, ?, ?, ?, ?)"};

enum xerr db_reg_idem_get(struct db *db, struct arena *a, const char *scope, const char *key, int *found, const char **req_sha,
			  const char **result)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_IDEM_GET, DB_ARGS(DBS(scope), DBS(key)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	*found = 1;
	*req_sha = db_get(&rs, 0, 0);
	*result = db_get(&rs, 0, 1);
	return XE_OK;
}

enum xerr db_reg_idem_put(struct db *db, const char *scope, const char *key, const char *req_sha, uint64_t student_id,
			  const char *result)
{
	return db_exec(db, NULL, &Q_IDEM_PUT,
		       DB_ARGS(DBS(scope), DBS(key), DBS(req_sha), student_id ? DBI(student_id) : DBNULL, DBS(result)), NULL, NULL,
		       NULL);
}

/* ---------------------------------------------------------------- import jobs */

static const struct db_sql Q_JOB_NEW = {
	"INSERT INTO import_job (user_id, is_api, unit_id, file_sha256, file_size, file_format, encoding, dry_run, state,"
	" rows_total) VALUES (?,?,?,?,?,?,?,?,?,?)"};
static const struct db_sql Q_JOB_GET = {
	"SELECT id, user_id, is_api, unit_id, file_sha256, file_size, file_format, encoding, dry_run, state, rows_total,"
	" rows_valid, rows_error, rows_done, rows_created, rows_unchanged, groups_touched, duplicate_of, error_code,"
	" error_message, " TS("created_at") ", " TS("updated_at") ", " TS("finished_at") ","
	" state IN ('validating','committing') AND updated_at < UTC_TIMESTAMP(6) - INTERVAL 120 SECOND, " TS("file_purged_at")
	", groups_opened, members_added FROM import_job WHERE id=?"};
static const struct db_sql Q_JOB_DETECTED = {"UPDATE import_job SET groups_opened=?, members_added=? WHERE id=?"};
static const struct db_sql Q_JOB_STATE = {
	"UPDATE import_job SET state=?, updated_at=UTC_TIMESTAMP(6), version=version+1 WHERE id=? AND state=?"};
static const struct db_sql Q_JOB_PROGRESS = {
	"UPDATE import_job SET rows_done=?, updated_at=UTC_TIMESTAMP(6) WHERE id=?"};
static const struct db_sql Q_JOB_FINISH = {
	"UPDATE import_job SET state=?, rows_valid=?, rows_error=?, rows_done=?, rows_created=?, rows_unchanged=?,"
	" groups_touched=?, duplicate_of=?, error_code=?, error_message=?, updated_at=UTC_TIMESTAMP(6),"
	" finished_at=IF(? IN ('done','failed'), UTC_TIMESTAMP(6), NULL), version=version+1 WHERE id=?"};
/* a commit whose outcome was never recorded (the service stopped, or its COMMIT's answer was lost and the server could
 * not be asked) but whose file claim is there: the claim commits with the records (commit_tx2), so they are stored */
static const struct db_sql Q_JOB_REAP_STORED = {
	"UPDATE import_job j SET j.state='done', j.error_code='interrupted_after_commit', j.error_message=?,"
	" j.rows_done=j.rows_total, j.finished_at=UTC_TIMESTAMP(6), j.version=j.version+1 WHERE j.id=? AND j.state='committing'"
	" AND j.updated_at < UTC_TIMESTAMP(6) - INTERVAL ? SECOND AND EXISTS (SELECT 1 FROM import_file f"
	" WHERE f.unit_id = j.unit_id AND f.file_sha256 = j.file_sha256 AND f.job_id = j.id)"};
static const struct db_sql Q_JOB_REAP = {
	"UPDATE import_job SET state='failed', error_code='interrupted', error_message=?, finished_at=UTC_TIMESTAMP(6),"
	" version=version+1 WHERE id=? AND state IN ('validating','committing')"
	" AND updated_at < UTC_TIMESTAMP(6) - INTERVAL ? SECOND"};
static const struct db_sql Q_ISSUE_PUT = {
	"INSERT INTO import_error (job_id, seq, row_no, col, field, code, warning, message, message_zh)"
	" VALUES (?,?,?,?,?,?,?,?,?)"};
static const struct db_sql Q_ISSUE_CLEAR = {"DELETE FROM import_error WHERE job_id=?"};
static const struct db_sql Q_ISSUES = {
	"SELECT row_no, col, field, code, warning, message, message_zh FROM import_error WHERE job_id=? AND (warning=0 OR ?=0)"
	" ORDER BY seq LIMIT ? OFFSET ?"};
/* the import gate (issue 15 item 3: written, not only locked, so that two commits through two Galera nodes conflict
 * too); issue 14 item 4: a province's imports share the national row and each writes its province's row (migration
 * 311), a national import writes the national row */
/* a national import writes every gate row, not row 1 alone: a province's import shares row 1 by a read lock, which Galera
 * does not carry to other nodes, so only a row both write makes certification refuse one of the two (issue 15 item 3) */
static const struct db_sql Q_IMPORT_GATE = {"UPDATE import_gate SET passes = passes + 1 ORDER BY id"};
static const struct db_sql Q_IMPORT_GATE_SHARED = {"SELECT id FROM import_gate WHERE id = 1 LOCK IN SHARE MODE"};
static const struct db_sql Q_IMPORT_GATE_PROV = {"UPDATE import_gate SET passes = passes + 1 WHERE id = ?"};
static const struct db_sql Q_FILE_CLAIM = {"INSERT INTO import_file (unit_id, file_sha256, job_id) VALUES (?, ?, ?)"};
static const struct db_sql Q_FILE_PRIOR = {"SELECT job_id FROM import_file WHERE unit_id=? AND file_sha256=?"};

enum xerr db_reg_job_create(struct db *db, uint64_t user_id, int is_api, uint32_t unit_id, const char *sha256, long long size,
			    const char *format, const char *encoding, int dry_run, const char *state, long long rows_total,
			    uint64_t *id)
{
	unsigned long long x = 0;
	enum xerr e = db_exec(db, NULL, &Q_JOB_NEW,
			      DB_ARGS(DBI(user_id), DBI(is_api), DBI(unit_id), DBS(sha256), DBI(size), DBS(format), DBS(encoding),
				      DBI(dry_run), DBS(state), DBI(rows_total)),
			      NULL, NULL, &x);
	*id = x;
	return e;
}

enum xerr db_reg_job_get(struct db *db, struct arena *a, uint64_t id, struct reg_job *j, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, &Q_JOB_GET, DB_ARGS(DBI(id)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	j->id = (uint64_t)db_get_int(&rs, 0, 0);
	j->user_id = (uint64_t)db_get_int(&rs, 0, 1);
	j->is_api = (int)db_get_int(&rs, 0, 2);
	j->unit_id = (uint32_t)db_get_int(&rs, 0, 3);
	j->sha256 = db_get(&rs, 0, 4);
	j->file_size = db_get_int(&rs, 0, 5);
	j->format = db_get(&rs, 0, 6);
	j->encoding = db_get(&rs, 0, 7);
	j->dry_run = (int)db_get_int(&rs, 0, 8);
	j->state = db_get(&rs, 0, 9);
	j->rows_total = db_get_int(&rs, 0, 10);
	j->rows_valid = db_get_int(&rs, 0, 11);
	j->rows_error = db_get_int(&rs, 0, 12);
	j->rows_done = db_get_int(&rs, 0, 13);
	j->rows_created = db_get_int(&rs, 0, 14);
	j->rows_unchanged = db_get_int(&rs, 0, 15);
	j->groups_touched = db_get_int(&rs, 0, 16);
	j->duplicate_of = (uint64_t)db_get_int(&rs, 0, 17);
	j->error_code = db_get(&rs, 0, 18);
	j->error_message = db_get(&rs, 0, 19);
	j->created_at = db_get(&rs, 0, 20);
	j->updated_at = db_get(&rs, 0, 21);
	j->finished_at = db_get(&rs, 0, 22);
	j->stale = (int)db_get_int(&rs, 0, 23);
	j->file_purged_at = db_get(&rs, 0, 24);
	j->groups_opened = db_get_int(&rs, 0, 25);
	j->members_added = db_get_int(&rs, 0, 26);
	*found = 1;
	return XE_OK;
}

enum xerr db_reg_job_detected(struct db *db, uint64_t id, long long groups_opened, long long members_added)
{
	return db_exec(db, NULL, &Q_JOB_DETECTED, DB_ARGS(DBI(groups_opened), DBI(members_added), DBI(id)), NULL, NULL, NULL);
}

enum xerr db_reg_job_state(struct db *db, uint64_t id, const char *from, const char *to)
{
	unsigned long long n = 0;
	enum xerr e = db_exec(db, NULL, &Q_JOB_STATE, DB_ARGS(DBS(to), DBI(id), DBS(from)), NULL, &n, NULL);
	return e != XE_OK ? e : n == 1 ? XE_OK : XE_CONFLICT;
}

enum xerr db_reg_job_progress(struct db *db, uint64_t id, long long rows_done)
{
	return db_exec(db, NULL, &Q_JOB_PROGRESS, DB_ARGS(DBI(rows_done), DBI(id)), NULL, NULL, NULL);
}

enum xerr db_reg_job_finish(struct db *db, uint64_t id, const char *state, long long rows_valid, long long rows_error,
			    long long rows_done, long long created, long long unchanged, long long groups, uint64_t duplicate_of,
			    const char *error_code, const char *error_message)
{
	return db_exec(db, NULL, &Q_JOB_FINISH,
		       DB_ARGS(DBS(state), DBI(rows_valid), DBI(rows_error), DBI(rows_done), DBI(created), DBI(unchanged), DBI(groups),
			       duplicate_of ? DBI(duplicate_of) : DBNULL, DBS(error_code), DBS(error_message), DBS(state), DBI(id)),
		       NULL, NULL, NULL);
}

enum xerr db_reg_job_reap(struct db *db, uint64_t id, int stale_s)
{
	enum xerr e = db_exec(db, NULL, &Q_JOB_REAP_STORED,
			      DB_ARGS(DBS("The import was stored: its records are in the register. The service stopped before it"
					  " recorded the outcome, so the counts shown are the dry run's and no row issues are listed."),
				      DBI(id), DBI(stale_s)),
			      NULL, NULL, NULL);
	if (e != XE_OK)
		return e;
	return db_exec(db, NULL, &Q_JOB_REAP,
		       DB_ARGS(DBS("The import stopped before it finished (service restarted?); nothing of it was stored. Start it again."),
			       DBI(id), DBI(stale_s)),
		       NULL, NULL, NULL);
}

enum xerr db_reg_job_issues_clear(struct db *db, uint64_t job_id)
{
	return db_exec(db, NULL, &Q_ISSUE_CLEAR, DB_ARGS(DBI(job_id)), NULL, NULL, NULL);
}

enum xerr db_reg_job_issues_put(struct db *db, uint64_t job_id, const struct reg_issue_row *rows, size_t n, size_t first_seq)
{
	if (n == 0)
		return XE_OK;
	struct db_arg *x = xmalloc(n * 9 * sizeof *x);
	for (size_t i = 0; i < n; i++) {
		struct db_arg *v = x + 9 * i;
		v[0] = DBI(job_id);
		v[1] = DBI(first_seq + i);
		v[2] = DBI(rows[i].row_no);
		v[3] = DBS(rows[i].col);
		v[4] = DBS(rows[i].field);
		v[5] = DBS(rows[i].code);
		v[6] = DBI(rows[i].warning);
		v[7] = DBS(rows[i].message);
		v[8] = DBS(rows[i].message_zh);
	}
	enum xerr e = db_exec_bulk(db, &Q_ISSUE_PUT, x, n, 9, NULL);
	free(x);
	return e;
}

enum xerr db_reg_job_issues(struct db *db, struct arena *a, uint64_t job_id, int errors_only, long long limit, long long offset,
			    struct db_rows *rows)
{
	return db_exec(db, a, &Q_ISSUES, DB_ARGS(DBI(job_id), DBI(errors_only), DBI(limit), DBI(offset)), rows, NULL, NULL);
}

enum xerr db_reg_import_gate(struct db *db, struct arena *a, const char *province)
{
	struct db_rows rs;
	unsigned long long n = 0;
	int code = province && strlen(province) == 2 ? atoi(province) : 0;
	enum xerr e = XE_OK;
	if (code >= 11 && code <= 99) {
		if ((e = db_exec(db, a, &Q_IMPORT_GATE_SHARED, DB_NOARGS, &rs, NULL, NULL)) != XE_OK ||
		    (e = db_exec(db, NULL, &Q_IMPORT_GATE_PROV, DB_ARGS(DBI(code)), NULL, &n, NULL)) != XE_OK || n == 1)
			return e;
		/* a province without its row (not in migration 311): the national gate */
	}
	e = db_exec(db, NULL, &Q_IMPORT_GATE, DB_NOARGS, NULL, &n, NULL);
	assert(e != XE_OK || n >= 1); /* migration 061 inserted row 1, migration 311 the provinces' */
	return e;
}

enum xerr db_reg_file_claim(struct db *db, struct arena *a, uint32_t unit_id, const char *sha256, uint64_t job_id, uint64_t *prior)
{
	*prior = 0;
	enum xerr e = db_exec(db, NULL, &Q_FILE_CLAIM, DB_ARGS(DBI(unit_id), DBS(sha256), DBI(job_id)), NULL, NULL, NULL);
	if (e != XE_DUPLICATE)
		return e;
	struct db_rows rs;
	e = db_exec(db, a, &Q_FILE_PRIOR, DB_ARGS(DBI(unit_id), DBS(sha256)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*prior = (uint64_t)db_get_int(&rs, 0, 0);
	return e;
}

/* ---------------------------------------------------------------- R15: the settled group's own clash */

static const struct db_sql Q_SETTLE_TYPE = {"SELECT type FROM problem_group WHERE id = ?"};
#define SETTLE_OTHERS                                                                                                \
	"SELECT COUNT(*) > 0 FROM group_member m JOIN student o ON o.id = m.student_id JOIN student s ON s.id = ?"    \
	" WHERE m.group_id = ? AND m.student_id <> s.id AND m.state NOT IN ('deleted','changed') AND o.status <> 'deleted'" \
	" AND s.status <> 'deleted'"
/* indexed by enum wf_type: id_dup/nbg_dup (student, group) compare with the group's other members as D_CLASH compares
 * keys; id_error/id_changed (student) are detection's own tests */
static const struct db_sql Q_SETTLE[WT__COUNT] = {
	[WT_ID_DUP] = {SETTLE_OTHERS " AND s.id_type = '1' AND s.id_number IS NOT NULL AND o.id_type = '1' AND o.id_number = s.id_number"},
	[WT_NBG_DUP] = {SETTLE_OTHERS " AND o.name = s.name AND o.gender = s.gender AND o.birth_date = s.birth_date"
			" AND (s.id_type <> '1' OR s.id_number IS NULL OR o.id_type <> '1' OR o.id_number IS NULL)"},
	[WT_ID_ERROR] = {"SELECT " ID_ERROR_NOW("s") " FROM student s WHERE s.id = ?"},
	[WT_ID_CHANGED] = {"SELECT " ID_CHANGED_NOW("s") " FROM student s WHERE s.id = ?"},
	[WT_SUSPECTED_DUP] = {SETTLE_OTHERS}, /* R31: the same child while another of its records lives */
};

enum xerr db_reg_still_clashes(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, int *still)
{
	struct db_rows rs;
	*still = 0;
	enum xerr e = db_exec(db, a, &Q_SETTLE_TYPE, DB_ARGS(DBI(group_id)), &rs, NULL, NULL);
	if (e != XE_OK || !rs.n)
		return e;
	int t = wf_type_parse(db_get(&rs, 0, 0));
	if (t < 0 || t >= WT__COUNT || !Q_SETTLE[t].sql)
		return XE_OK; /* a type without a clash of its own (settled by its members alone) */
	if (t == WT_ID_DUP || t == WT_NBG_DUP || t == WT_SUSPECTED_DUP)
		e = db_exec(db, a, &Q_SETTLE[t], DB_ARGS(DBI(student_id), DBI(group_id)), &rs, NULL, NULL);
	else
		e = db_exec(db, a, &Q_SETTLE[t], DB_ARGS(DBI(student_id)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*still = db_get_int(&rs, 0, 0) != 0;
	return e;
}
