/* fuzz_evidence: libFuzzer harness for the content classifier (libmagic + the JPEG marker walker of filetype.c)
 * and the download-name / RFC 6266 Content-Disposition encoders of evidence.c (SPEC R23). Invariants abort. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "evidence.h"
#include "filetype.h"
#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                             \
	do {                                                                                 \
		if (!(c)) {                                                                  \
			fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
			abort();                                                             \
		}                                                                            \
	} while (0)

static magic_t cookie;

static int hexv(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The header value: one line of printable ASCII; filename* decodes back to exactly the name. */
static void check_disposition(const char *type, const char *name)
{
	static char out[EVIDENCE_DISPOSITION_MAX];
	static char dec[EVIDENCE_DISPOSITION_MAX];
	size_t n = evidence_disposition(type, name, out, sizeof out);
	CHECK(n == strlen(out));
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		CHECK(out[i] >= 0x20 && out[i] < 0x7F);
	/* the quoted fallback holds no quote or backslash */
	const char *q = strstr(out, "; filename=\"");
	CHECK(q != NULL);
	q += 12;
	const char *qe = strstr(q, "\"; filename*=UTF-8''");
	CHECK(qe != NULL);
	for (const char *p = q; p < qe; p++)
		CHECK(*p != '"' && *p != '\\' && *p != '%' && *p != ';');
	const char *star = qe + 20;
	size_t o = 0;
	for (const char *p = star; *p; p++) {
		if (*p == '%') {
			int h = hexv((unsigned char)p[1]), l = h >= 0 ? hexv((unsigned char)p[2]) : -1;
			CHECK(h >= 0 && l >= 0);
			dec[o++] = (char)(h * 16 + l);
			p += 2;
		} else {
			CHECK(strchr("!#$&+-.^_`|~", *p) || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'));
			dec[o++] = *p;
		}
	}
	dec[o] = 0;
	CHECK(strcmp(dec, name) == 0);
}

/* 1 if name ends with an extension of kind k (case-insensitive). */
static int has_ext(const char *name, enum ft_kind k)
{
	static const char *const exts[][5] = {{".doc"}, {".rar"}, {".jpg", ".jpeg", ".jpe", ".jfif"}, {NULL}};
	size_t nl = strlen(name);
	for (int i = 0; i < 4 && exts[k][i]; i++) {
		size_t el = strlen(exts[k][i]);
		if (nl > el && strcasecmp(name + nl - el, exts[k][i]) == 0)
			return 1;
	}
	return 0;
}

static void check_names(const uint8_t *data, size_t size)
{
	char clean[MULTIPART_FILENAME_BUFSZ], dl[EVIDENCE_NAME_MAX], small[16];
	multipart_sanitize_filename((const char *)data, size, clean, sizeof clean);
	for (int k = FT_DOC; k <= FT_REFUSED; k++) {
		evidence_download_name(clean, (enum ft_kind)k, dl, sizeof dl);
		CHECK(strlen(dl) < sizeof dl);
		const char *ext = evidence_ext((enum ft_kind)k);
		CHECK(strncmp(dl, clean, strlen(clean) < strlen(dl) ? strlen(clean) : strlen(dl)) == 0 || !*clean);
		evidence_download_name(clean, (enum ft_kind)k, small, sizeof small);
		CHECK(strlen(small) < sizeof small);
		if (*ext) {
			/* oracle, written independently: uncut = name (+ extension unless it has a matching one); cut =
			 * the longest prefix ending on a character boundary that leaves room for the extension, + extension.
			 * Regression inputs: regress-name-fits-with-own-ext ("P*public.jpe" fits 16 bytes uncut) and
			 * regress-name-cut-looks-uncut ("P*publicpje." is cut to "P*publicpje" + ".jpg"). */
			char want[64];
			size_t cl = strlen(clean), el = strlen(ext);
			if (!*clean)
				snprintf(want, sizeof want, "evidence%s", ext);
			else if (cl + (has_ext(clean, (enum ft_kind)k) ? 0 : el) + 1 <= sizeof small)
				snprintf(want, sizeof want, "%s%s", clean, has_ext(clean, (enum ft_kind)k) ? "" : ext);
			else {
				size_t n = sizeof small - 1 - el;
				while (n > 0 && ((unsigned char)clean[n] & 0xC0) == 0x80)
					n--;
				snprintf(want, sizeof want, "%.*s%s", (int)n, clean, ext);
			}
			CHECK(strcmp(small, want) == 0);
		}
		check_disposition("attachment", dl);
		check_disposition("inline", small);
	}
	/* the raw input too (NUL-terminated copy): encoders must cope with invalid UTF-8 and controls */
	char *raw = malloc(size + 1);
	CHECK(raw != NULL);
	memcpy(raw, data, size);
	raw[size] = 0;
	if (strlen(raw) < 600)
		check_disposition("attachment", raw);
	free(raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cookie) {
		cookie = filetype_open();
		CHECK(cookie != NULL);
	}
	if (size > 1 << 20)
		return 0;
	const char *mime = NULL;
	enum ft_kind k = filetype_classify(cookie, data, size, &mime);
	CHECK(mime != NULL);
	CHECK(k == FT_REFUSED || evidence_kind_of_mime(mime) == k);
	CHECK(strlen(filetype_refusal_zh(mime)) > 0 && strlen(filetype_refusal_en(mime)) > 0);

	/* the same bytes behind a JPEG SOI, so the marker walker sees most inputs */
	uint8_t *j = malloc(size + 3);
	CHECK(j != NULL);
	memcpy(j, "\xFF\xD8\xFF", 3);
	memcpy(j + 3, data, size);
	k = filetype_classify(cookie, j, size + 3, &mime);
	if (k == FT_JPEG) /* accepted JPEGs end in EOI within the trailer allowance */
		CHECK(memmem(j, size + 3, "\xFF\xD9", 2) != NULL);
	free(j);

	check_names(data, size < 2048 ? size : 2048);
	return 0;
}
