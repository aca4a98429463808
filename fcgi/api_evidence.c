/* api_evidence: POST /api/v1/evidence (multipart upload), GET /api/v1/evidence/{id} (download) and
 * GET /api/v1/evidence/{id}/meta (metadata and reuse check) (SPEC R23). */
#include "api.h"
#include "config.h"
#include "db.h"
#include "db_evidence.h"
#include "evidence.h"
#include "evstore.h"
#include "filetype.h"
#include "json.h"
#include "log.h"
#include "multipart.h"
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define EV_EXTRA_PARTS 8                        /* plain form fields tolerated beside the files */
#define EV_CITING_MAX 1000                      /* groups examined by the reuse check */

/* XJ_EVIDENCE_MAX_FILES, 1..EVIDENCE_MAX_FILES_CAP (the route and nginx body caps are sized for the cap). */
/* R23 limits as every refusal states them (the service's and nginx's, see api_evidence_too_large_body). */
static void limits_json(cJSON *o)
{
	cJSON *allowed = cJSON_AddArrayToObject(o, "allowed");
	static const char *const types[] = {"application/msword", "application/x-rar", "application/vnd.rar", "image/jpeg"};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		cJSON_AddItemToArray(allowed, cJSON_CreateString(types[i]));
	cJSON_AddNumberToObject(o, "max_file_bytes", FILETYPE_MAX_BYTES);
	cJSON_AddNumberToObject(o, "max_request_bytes", (double)EVIDENCE_UPLOAD_MAX_BODY);
}

long evidence_max_files(void)
{
	long n = config_int("XJ_EVIDENCE_MAX_FILES"); /* 1..10, config.c */
	assert(n >= 1 && n <= EVIDENCE_MAX_FILES_CAP);
	return n;
}

/* XJ_EVIDENCE_QUOTA_BYTES: bytes of evidence one school may store (sum of its rows' sizes). */
static long long ev_quota(void)
{
	return config_int("XJ_EVIDENCE_QUOTA_BYTES");
}

/* The one error body (resp_error_body) with the route's finer code; returns the inner object for details. */
static cJSON *ev_err(cJSON **root, enum xerr e, const char *code, const char *field, const char *zh, const char *en)
{
	cJSON *o;
	*root = resp_error_body(e, code, field, zh, en, &o);
	return o;
}

static enum xerr ev_fail(struct req *r, struct resp *w, enum xerr e, const char *code, const char *field,
			 const char *zh, const char *en)
{
	cJSON *root;
	ev_err(&root, e, code, field, zh, en);
	return resp_error_send(r, w, e, root);
}

static void *mp_alloc(void *ctx, size_t n)
{
	return arena_alloc(ctx, n);
}

/* ---- upload --------------------------------------------------------------------------------- */

struct up_file {
	const unsigned char *data;
	size_t len;
	char name[MULTIPART_FILENAME_BUFSZ]; /* sanitized display name */
	const char *mime;                    /* libmagic result (copied into the arena) */
	enum ft_kind kind;
	unsigned char sha[32];
	long dup_of;                         /* index of an earlier file of this request with the same bytes, or -1 */
	/* results of the transaction */
	struct ev_row row;
	int reused;                          /* the school already had this content: existing row returned */
};

struct up_ctx {
	struct arena *arena;
	struct up_file *f;
	size_t n;
	uint32_t school_id;
	uint64_t uploader_id;
	long long quota, used, new_bytes;
	int quota_exceeded;
};

/* The upload transaction (db_tx may run it again after a deadlock: it resets its outputs first).
 * Order: lock the school's usage row; find content the school already stored; check the quota; write new
 * content durably (evstore_put: temp, fsync, rename, fsync dir); insert the rows; add to the usage. The
 * commit comes after every file is on disk, so no committed row points at missing content; a crash or a
 * failure before the commit leaves at most content files without rows (harmless, collectable). */
static enum xerr upload_tx(struct db *db, void *vctx)
{
	struct up_ctx *c = vctx;
	long long nnew = 0;
	int ok = 0, found = 0;
	enum xerr e;

	c->quota_exceeded = 0;
	c->new_bytes = 0;
	if ((e = db_evidence_usage_lock(db, c->arena, c->school_id, &c->used)) != XE_OK)
		return e;
	for (size_t i = 0; i < c->n; i++) {
		struct up_file *f = &c->f[i];
		f->reused = 0;
		if (f->dup_of >= 0)
			continue;
		if ((e = db_evidence_find(db, c->arena, c->school_id, f->sha, &f->row, &found)) != XE_OK)
			return e;
		if (found) {
			f->reused = 1;
		} else {
			c->new_bytes += (long long)f->len;
			nnew++;
		}
	}
	if (c->used + c->new_bytes > c->quota) {
		c->quota_exceeded = 1;
		return XE_TOO_LARGE;
	}
	for (size_t i = 0; i < c->n; i++) {
		struct up_file *f = &c->f[i];
		unsigned char sha[32];
		if (f->dup_of >= 0)
			continue;
		/* also for reused rows: rewrites the content if it went missing, so the row is whole again */
		int rc = evstore_put(cfg.data_dir, f->data, f->len, sha);
		if (rc != 0) {
			char hex[65];
			evidence_hex(f->sha, hex);
			log_error("evidence: cannot store %s under %s: %s", hex, cfg.data_dir, strerror(-rc));
			return rc == -ENOSPC || rc == -EDQUOT ? XE_UNAVAILABLE : XE_INTERNAL;
		}
		assert(memcmp(sha, f->sha, 32) == 0);
	}
	for (size_t i = 0; i < c->n; i++) {
		struct up_file *f = &c->f[i];
		if (f->dup_of >= 0 || f->reused)
			continue;
		memset(&f->row, 0, sizeof f->row);
		e = db_evidence_insert(db, f->sha, (long long)f->len, f->mime, f->name, c->school_id, c->uploader_id, &f->row.id);
		if (e == XE_DUPLICATE)
			return XE_RETRY; /* cannot happen while the usage row is locked; retry finds the row */
		if (e != XE_OK)
			return e;
		memcpy(f->row.sha, f->sha, 32);
		evidence_hex(f->sha, f->row.sha_hex);
		f->row.size = (long long)f->len;
		f->row.mime = f->mime;
		f->row.name = f->name;
	}
	if (nnew > 0) {
		if ((e = db_evidence_usage_add(db, c->school_id, c->new_bytes, nnew, c->quota, &ok)) != XE_OK)
			return e;
		if (!ok) {
			c->quota_exceeded = 1;
			return XE_TOO_LARGE;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		struct up_file *f = &c->f[i];
		if (f->dup_of >= 0) {
			f->row = c->f[f->dup_of].row;
			f->reused = c->f[f->dup_of].reused;
		}
	}
	return XE_OK;
}

static cJSON *file_problem(size_t index, const struct up_file *f, const char *code, const char *zh, const char *en)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "index", (double)index);
	cJSON_AddStringToObject(o, "name", f->name);
	cJSON_AddNumberToObject(o, "size", (double)f->len);
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "message", zh);
	cJSON_AddStringToObject(o, "message_en", en);
	return o;
}

/* Check every file (size, then type by content); on any refusal answer for all of them and return the error. */
static enum xerr check_files(struct req *r, struct resp *w, struct up_file *f, size_t n)
{
	cJSON *problems = cJSON_CreateArray();
	size_t nbad = 0, first_big = SIZE_MAX, first_type = SIZE_MAX;
	const char *first_big_zh = NULL, *first_big_en = NULL, *first_type_zh = NULL, *first_type_en = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *zh, *en, *code;
		if (f[i].len > FILETYPE_MAX_BYTES) {
			code = "evidence_file_too_large";
			zh = arena_printf(r->arena, "文件“%s”大小为 %lu 字节，超过每个文件 %u MB（%u 字节）的上限", f[i].name,
					  (unsigned long)f[i].len, FILETYPE_MAX_BYTES >> 20, FILETYPE_MAX_BYTES);
			en = arena_printf(r->arena, "File \"%s\" is %lu bytes, over the limit of %u MB (%u bytes) per file", f[i].name,
					  (unsigned long)f[i].len, FILETYPE_MAX_BYTES >> 20, FILETYPE_MAX_BYTES);
			if (first_big == SIZE_MAX) {
				first_big = i;
				first_big_zh = zh;
				first_big_en = en;
			}
		} else {
			const char *mime = NULL;
			f[i].kind = filetype_classify(r->magic, f[i].data, f[i].len, &mime);
			f[i].mime = arena_strdup(r->arena, mime ? mime : "application/octet-stream");
			if (f[i].kind != FT_REFUSED)
				continue;
			code = "evidence_type_refused";
			zh = arena_printf(r->arena, "文件“%s”：%s", f[i].name, filetype_refusal_zh(f[i].mime));
			en = arena_printf(r->arena, "File \"%s\": %s", f[i].name, filetype_refusal_en(f[i].mime));
			if (first_type == SIZE_MAX) {
				first_type = i;
				first_type_zh = zh;
				first_type_en = en;
			}
		}
		cJSON *p = file_problem(i, &f[i], code, zh, en);
		if (f[i].mime)
			cJSON_AddStringToObject(p, "detected", f[i].mime);
		cJSON_AddItemToArray(problems, p);
		nbad++;
	}
	if (nbad == 0)
		return XE_OK;
	int big = first_big != SIZE_MAX;
	const char *zh = big ? first_big_zh : first_type_zh, *en = big ? first_big_en : first_type_en;
	if (nbad > 1) {
		zh = arena_printf(r->arena, "%s（共 %zu 个文件被拒绝，本次没有保存任何文件）", zh, nbad);
		en = arena_printf(r->arena, "%s (%zu files refused; nothing was stored)", en, nbad);
	} else {
		zh = arena_printf(r->arena, "%s（本次没有保存任何文件）", zh);
		en = arena_printf(r->arena, "%s (nothing was stored)", en);
	}
	cJSON *root;
	cJSON *o = ev_err(&root, big ? XE_TOO_LARGE : XE_VALIDATION, big ? "evidence_file_too_large" : "evidence_type_refused", "files", zh, en);
	limits_json(o);
	cJSON_AddItemToObject(o, "files", problems);
	return resp_error_send(r, w, big ? XE_TOO_LARGE : XE_VALIDATION, root);
}

char *api_evidence_too_large_body(void)
{
	char zh[256], en[256];
	snprintf(zh, sizeof zh, "上传请求超过 %lu MB（%lu 字节）：每个文件最多 %u MB（%u 字节），一次最多 %d 个文件，本次没有保存任何文件",
		 (unsigned long)(EVIDENCE_UPLOAD_MAX_BODY >> 20), (unsigned long)EVIDENCE_UPLOAD_MAX_BODY, FILETYPE_MAX_BYTES >> 20,
		 FILETYPE_MAX_BYTES, EVIDENCE_MAX_FILES_CAP);
	snprintf(en, sizeof en, "The upload is over %lu MiB (%lu bytes): at most %d files of %u MB (%u bytes) each; nothing was stored",
		 (unsigned long)(EVIDENCE_UPLOAD_MAX_BODY >> 20), (unsigned long)EVIDENCE_UPLOAD_MAX_BODY, EVIDENCE_MAX_FILES_CAP,
		 FILETYPE_MAX_BYTES >> 20, FILETYPE_MAX_BYTES);
	cJSON *o, *root = resp_error_body(XE_TOO_LARGE, NULL, "files", zh, en, &o);
	limits_json(o);
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return s;
}

static cJSON *row_json(const struct ev_row *row)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)row->id);
	cJSON_AddStringToObject(o, "sha256", row->sha_hex);
	cJSON_AddNumberToObject(o, "size", (double)row->size);
	json_add_str(o, "mime", row->mime);
	cJSON_AddStringToObject(o, "kind", filetype_kind_name(evidence_kind_of_mime(row->mime)));
	json_add_str(o, "name", row->name);
	return o;
}

enum xerr api_evidence_upload(struct req *r, struct resp *w)
{
	const struct principal *who = r->who;
	struct mp_part *parts = NULL;
	size_t np = 0, nfiles = 0;
	long max_files = evidence_max_files();

	if (who->unit_level != LEVEL_SCHOOL)
		return ev_fail(r, w, XE_FORBIDDEN, "forbidden", NULL, "只有学校学籍管理员可以上传证明材料",
			       "Only a school's registrar can upload evidence");
	if (!r->magic) {
		log_error("evidence: no libmagic cookie in this thread");
		return resp_error(r, w, XE_UNAVAILABLE, NULL, NULL);
	}
	enum mp_err me = multipart_parse(r->content_type, r->body, r->body_len, (size_t)max_files + EV_EXTRA_PARTS,
					 mp_alloc, r->arena, &parts, &np);
	switch (me) {
	case MP_OK:
		break;
	case MP_ERR_CONTENT_TYPE:
		return ev_fail(r, w, XE_MEDIA_TYPE, "multipart_content_type", NULL,
			       "上传请求的类型必须是 multipart/form-data（带 boundary 参数）",
			       "Content-Type must be multipart/form-data with a boundary parameter");
	case MP_ERR_BOUNDARY:
		return ev_fail(r, w, XE_BAD_REQUEST, "multipart_boundary", NULL,
			       "上传数据格式有误：multipart 分隔边界不完整或不正确，本次没有保存任何文件",
			       "The multipart body is malformed (boundary framing); nothing was stored");
	case MP_ERR_HEADERS:
		return ev_fail(r, w, XE_BAD_REQUEST, "multipart_headers", NULL,
			       "上传数据格式有误：某个文件的分段头不正确（例如文件名中含有控制字符），本次没有保存任何文件",
			       "A part's headers are malformed (for example control characters in a file name); nothing was stored");
	case MP_ERR_TOO_MANY_PARTS:
		return ev_fail(r, w, XE_TOO_LARGE, "evidence_too_many_files", "files",
			       arena_printf(r->arena, "一次最多上传 %ld 个文件，本次超过了这个数量，没有保存任何文件", max_files),
			       arena_printf(r->arena, "At most %ld files per upload; this request has more, nothing was stored", max_files));
	case MP_ERR_NOMEM:
		return resp_error(r, w, XE_INTERNAL, NULL, NULL);
	}

	/* the files: parts with a file name (a file input left empty sends filename="" and no bytes: skipped);
	 * plain fields are ignored. Client name, extension and Content-Type are never used to decide anything. */
	for (size_t i = 0; i < np; i++)
		if (parts[i].filename && !(parts[i].filename_len == 0 && parts[i].len == 0))
			nfiles++;
	if (nfiles == 0)
		return ev_fail(r, w, XE_VALIDATION, "evidence_no_file", "files",
			       "请求中没有文件：请选择要上传的 DOC、RAR 或 JPG 文件",
			       "The request contains no file; attach DOC, RAR or JPG files");
	if (nfiles > (size_t)max_files)
		return ev_fail(r, w, XE_TOO_LARGE, "evidence_too_many_files", "files",
			       arena_printf(r->arena, "一次最多上传 %ld 个文件，本次有 %zu 个，没有保存任何文件", max_files, nfiles),
			       arena_printf(r->arena, "At most %ld files per upload; this request has %zu, nothing was stored", max_files, nfiles));

	struct up_file *f = arena_calloc(r->arena, nfiles * sizeof *f);
	size_t k = 0;
	for (size_t i = 0; i < np; i++) {
		const struct mp_part *p = &parts[i];
		if (!p->filename || (p->filename_len == 0 && p->len == 0))
			continue;
		f[k].data = p->data;
		f[k].len = p->len;
		f[k].kind = FT_REFUSED;
		f[k].dup_of = -1;
		multipart_sanitize_filename(p->filename, p->filename_len, f[k].name, sizeof f[k].name);
		k++;
	}
	enum xerr e = check_files(r, w, f, nfiles);
	if (e != XE_OK)
		return e;
	for (size_t i = 0; i < nfiles; i++) {
		crypto_hash_sha256(f[i].sha, f[i].data, f[i].len);
		for (size_t j = 0; j < i; j++)
			if (f[j].dup_of < 0 && memcmp(f[j].sha, f[i].sha, 32) == 0) {
				f[i].dup_of = (long)j;
				break;
			}
	}

	struct up_ctx c = {.arena = r->arena, .f = f, .n = nfiles, .school_id = who->unit_id, .uploader_id = who->user_id,
			   .quota = ev_quota()};
	e = db_tx(r->db, upload_tx, &c);
	if (c.quota_exceeded) {
		cJSON *root;
		cJSON *o = ev_err(&root, XE_TOO_LARGE, "evidence_quota_exceeded", "files",
				  arena_printf(r->arena, "本校证明材料存储空间不足：已用 %lld 字节，本次新增 %lld 字节，配额为 %lld 字节；本次没有保存任何文件",
					       c.used, c.new_bytes, c.quota),
				  arena_printf(r->arena, "The school's evidence storage quota is exceeded: %lld bytes used, %lld new bytes in this upload, quota %lld bytes; nothing was stored",
					       c.used, c.new_bytes, c.quota));
		cJSON_AddNumberToObject(o, "quota_bytes", (double)c.quota);
		cJSON_AddNumberToObject(o, "used_bytes", (double)c.used);
		cJSON_AddNumberToObject(o, "request_bytes", (double)c.new_bytes);
		return resp_error_send(r, w, XE_TOO_LARGE, root);
	}
	if (e != XE_OK)
		return resp_error(r, w, e, NULL, NULL);

	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < nfiles; i++) {
		cJSON *o = row_json(&f[i].row);
		cJSON_AddBoolToObject(o, "reused", f[i].reused || f[i].dup_of >= 0);
		cJSON_AddItemToArray(arr, o);
	}
	resp_header(w, "Cache-Control", "no-store");
	return resp_json(r, w, 201, arr);
}

/* ---- download and metadata ------------------------------------------------------------------ */

/* The row for path parameter 0 if the caller may see it; otherwise a 404 response (same for absent). */
static enum xerr visible_row(struct req *r, struct resp *w, struct ev_row *row)
{
	uint64_t id = 0;
	int found = 0;
	if (req_path_id(r, 0, &id) != XE_OK)
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	enum xerr e = db_evidence_get_visible(r->db, r->arena, r->who, id, row, &found);
	if (e != XE_OK)
		return resp_error(r, w, e, NULL, NULL);
	if (!found)
		return resp_error(r, w, XE_NOT_FOUND, NULL, NULL);
	return XE_OK;
}

/* The stored content of a row (size checked by the caller), checked against its SHA-256; NULL (logged) if unreadable. */
static char *read_content(struct req *r, const struct ev_row *row)
{
	char *buf = arena_alloc(r->arena, (size_t)row->size);
	int rc = evstore_get(cfg.data_dir, row->sha, buf, (size_t)row->size);
	if (rc != 0) {
		log_error("evidence %" PRIu64 ": content %s unreadable: %s", row->id, row->sha_hex,
			  rc == -EIO ? "size or SHA-256 differs" : strerror(-rc));
		return NULL;
	}
	return buf;
}

enum xerr api_evidence_get(struct req *r, struct resp *w)
{
	struct ev_row row;
	enum xerr e = visible_row(r, w, &row);
	if (e != XE_OK)
		return e;
	enum ft_kind kind = evidence_kind_of_mime(row.mime);
	if (kind == FT_REFUSED || row.size <= 0 || row.size > (long long)FILETYPE_MAX_BYTES || !row.sha_hex[0]) {
		log_error("evidence %" PRIu64 ": stored row is inconsistent (mime %s, size %lld)", row.id, row.mime ? row.mime : "-", row.size);
		return resp_error(r, w, XE_INTERNAL, NULL, NULL);
	}
	char *buf = read_content(r, &row);
	if (buf == NULL)
		return resp_error(r, w, XE_INTERNAL, NULL, NULL);
	const char *inl = req_query(r, "inline");
	unsigned pw = 0, ph = 0;
	/* inline only for JPEG previews of at most FILETYPE_JPEG_PREVIEW_MAX_PIXELS (issue 11 item 16: a larger
	 * image is never decoded by the browser); anything else is always an attachment */
	const char *type = inl && strcmp(inl, "1") == 0 && kind == FT_JPEG && filetype_jpeg_size(buf, (size_t)row.size, &pw, &ph) == 0 &&
				   filetype_jpeg_previewable(pw, ph) ? "inline" : "attachment";
	char name[EVIDENCE_NAME_MAX];
	char *cd = arena_alloc(r->arena, EVIDENCE_DISPOSITION_MAX);
	evidence_download_name(row.name, kind, name, sizeof name);
	if (evidence_disposition(type, name, cd, EVIDENCE_DISPOSITION_MAX) == 0)
		evidence_disposition(type, "evidence", cd, EVIDENCE_DISPOSITION_MAX);
	resp_header(w, "Content-Disposition", cd);
	resp_header(w, "X-Content-Type-Options", "nosniff");
	resp_header(w, "Cache-Control", "private, no-store");
	resp_body(w, 200, row.mime, buf, (size_t)row.size);
	return XE_OK;
}

/* Issue 11 item 16: a JPEG's width, height and whether the screens may show it inline (at most
 * FILETYPE_JPEG_PREVIEW_MAX_PIXELS); read from the stored content's frame header. Other kinds: preview false. */
static enum xerr jpeg_pixels_json(struct req *r, const struct ev_row *row, cJSON *o)
{
	unsigned pw = 0, ph = 0;
	int ok = 0;
	if (evidence_kind_of_mime(row->mime) == FT_JPEG && row->size > 0 && row->size <= (long long)FILETYPE_MAX_BYTES) {
		char *buf = read_content(r, row);
		if (buf == NULL)
			return XE_INTERNAL;
		ok = filetype_jpeg_size(buf, (size_t)row->size, &pw, &ph) == 0;
	}
	if (ok) {
		cJSON_AddNumberToObject(o, "width", pw);
		cJSON_AddNumberToObject(o, "height", ph);
	}
	cJSON_AddBoolToObject(o, "preview", ok && filetype_jpeg_previewable(pw, ph));
	return XE_OK;
}

enum xerr api_evidence_meta(struct req *r, struct resp *w)
{
	struct ev_row row;
	long long exclude = 0, total = 0, other_schools = 0;
	struct ev_citing *cit = NULL;
	size_t ncit = 0;
	enum xerr e = visible_row(r, w, &row);
	if (e != XE_OK)
		return e;
	if ((e = req_query_int(r, w, "group_id", 1, INT64_MAX, 0, &exclude)) != XE_OK)
		return e;
	if ((e = db_evidence_citing_groups(r->db, r->arena, r->who, row.sha, row.id, EV_CITING_MAX, &cit, &ncit)) != XE_OK ||
	    (e = db_evidence_sha_uploads(r->db, r->arena, r->who, row.sha, row.id, row.school_id, &total, &other_schools)) != XE_OK)
		return resp_error(r, w, e, NULL, NULL);

	cJSON *o = row_json(&row);
	char name[EVIDENCE_NAME_MAX];
	if ((e = jpeg_pixels_json(r, &row, o)) != XE_OK)
		return resp_error(r, w, e, NULL, NULL);
	evidence_download_name(row.name, evidence_kind_of_mime(row.mime), name, sizeof name);
	cJSON_AddStringToObject(o, "download_name", name);
	json_add_str(o, "created_at", row.created_at);
	cJSON *school = cJSON_AddObjectToObject(o, "school");
	cJSON_AddNumberToObject(school, "id", row.school_id);
	json_add_str(school, "code", row.school_code);
	json_add_str(school, "name", row.school_name);
	cJSON *up = cJSON_AddObjectToObject(o, "uploader");
	cJSON_AddNumberToObject(up, "id", (double)row.uploader_id);
	json_add_str(up, "name", row.uploader_name);

	/* cited_in: groups citing this very row, ids only inside the caller's jurisdiction */
	cJSON *cited = cJSON_AddArrayToObject(o, "cited_in");
	/* reuse (R23, beyond the source document: catches copied evidence): other groups citing the same content
	 * (this row or another school's row with the same SHA-256), except ?group_id=, the one being reviewed.
	 * Only groups with a member inside the caller's jurisdiction, ids and counts alike (issue 11 item 8: a
	 * school must not learn that a file is cited in another province). */
	cJSON *reuse = cJSON_AddObjectToObject(o, "reuse");
	cJSON *groups = cJSON_CreateArray();
	long long groups_total = 0;
	for (size_t i = 0; i < ncit; i++) {
		if (cit[i].cites_this && cit[i].covered)
			cJSON_AddItemToArray(cited, cJSON_CreateNumber((double)cit[i].group_id));
		if ((long long)cit[i].group_id == exclude || !cit[i].covered)
			continue;
		groups_total++;
		cJSON_AddItemToArray(groups, cJSON_CreateNumber((double)cit[i].group_id));
	}
	cJSON_AddBoolToObject(reuse, "cited_elsewhere", groups_total > 0);
	cJSON_AddNumberToObject(reuse, "groups_total", (double)groups_total);
	cJSON_AddItemToObject(reuse, "groups", groups);
	cJSON_AddBoolToObject(reuse, "truncated", ncit >= EV_CITING_MAX);
	cJSON_AddNumberToObject(reuse, "uploads_total", (double)total);
	cJSON_AddNumberToObject(reuse, "other_schools", (double)other_schools);
	resp_header(w, "Cache-Control", "private, no-store");
	return resp_json(r, w, 200, o);
}
