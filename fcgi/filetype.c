/* filetype.c: classify evidence files by content with libmagic plus signature checks (R23: DOC, RAR or JPG only). */
#include "filetype.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const char MIME_EMPTY[] = "application/x-empty";
static const char MIME_UNKNOWN[] = "application/octet-stream";

magic_t filetype_open(void)
{
	magic_t cookie = magic_open(MAGIC_MIME_TYPE);

	if (cookie == NULL)
		goto fail;
	if (magic_load(cookie, NULL) != 0)
		goto fail;
	return cookie;
fail:
	if (cookie != NULL)
		magic_close(cookie);
	return NULL;
}

static int starts_with(const unsigned char *b, size_t len, const void *sig, size_t n)
{
	return len >= n && memcmp(b, sig, n) == 0;
}

/* Walk one JPEG image's marker segments from its SOI at b[0] to its EOI (ITU T.81 B.1). Returns the offset
 * just after the EOI if a frame header (SOFn) and a scan (SOS) precede it, else 0. If w and h are not NULL
 * they receive the first frame header's width and height (the number of samples per line and lines). */
static size_t jpeg_image_end(const unsigned char *b, size_t len, unsigned *w, unsigned *h)
{
	size_t i = 2;
	int have_sof = 0, have_sos = 0;

	if (!starts_with(b, len, "\xFF\xD8\xFF", 3))
		return 0;
	for (;;) {
		unsigned char m;
		size_t seglen;

		if (i >= len || b[i] != 0xFF)
			return 0;
		while (i < len && b[i] == 0xFF) /* fill bytes */
			i++;
		if (i >= len)
			return 0;
		m = b[i++];
		if (m == 0xD9)
			return have_sof && have_sos ? i : 0;
		if (m == 0x00 || m == 0xD8)
			return 0;
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) /* TEM, RSTn: no length */
			continue;
		if (len - i < 2)
			return 0;
		seglen = ((size_t)b[i] << 8) | b[i + 1];
		if (seglen < 2 || len - i < seglen)
			return 0;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			/* SOFn: Lf(2) P(1) Y(2) X(2) ... */
			if (!have_sof && seglen >= 7 && w != NULL && h != NULL) {
				*h = ((unsigned)b[i + 3] << 8) | b[i + 4];
				*w = ((unsigned)b[i + 5] << 8) | b[i + 6];
			}
			have_sof = 1;
		}
		i += seglen;
		if (m == 0xDA) {
			if (!have_sof)
				return 0;
			have_sos = 1;
			/* entropy-coded data: FF 00 is a stuffed byte, FF D0..D7 a restart marker */
			for (;;) {
				const unsigned char *p = i < len ? memchr(b + i, 0xFF, len - i) : NULL;
				unsigned char c;

				if (p == NULL)
					return 0;
				i = (size_t)(p - b);
				if (len - i < 2)
					return 0;
				c = b[i + 1];
				if (c == 0x00 || (c >= 0xD0 && c <= 0xD7)) {
					i += 2;
					continue;
				}
				break; /* a marker (possibly after fill bytes): back to the segment walk */
			}
		}
	}
}

/* A whole file of JPEG images: the first at offset 0, then each further image (a phone camera's preview or
 * gain map, CIPA DC-007 MPF / ISO 21496-1, up to FILETYPE_JPEG_MAX_IMAGES in all) starting right after the
 * previous EOI, then at most FILETYPE_JPEG_MAX_TRAILER bytes that do not start a JPEG. Issue 11 item 16:
 * anything after an EOI that starts like a JPEG must be a complete JPEG itself. */
static int jpeg_structure_ok(const unsigned char *b, size_t len)
{
	size_t at = 0;

	for (int n = 0; n < FILETYPE_JPEG_MAX_IMAGES; n++) {
		size_t end = jpeg_image_end(b + at, len - at, NULL, NULL);
		if (end == 0)
			return 0;
		at += end;
		if (!starts_with(b + at, len - at, "\xFF\xD8\xFF", 3))
			return len - at <= FILETYPE_JPEG_MAX_TRAILER;
	}
	return 0; /* more images than any camera writes */
}

int filetype_jpeg_size(const void *buf, size_t len, unsigned *width, unsigned *height)
{
	unsigned w = 0, h = 0;

	assert(width != NULL && height != NULL);
	if (buf == NULL || jpeg_image_end(buf, len, &w, &h) == 0 || w == 0 || h == 0)
		return -1;
	*width = w;
	*height = h;
	return 0;
}

int filetype_jpeg_previewable(unsigned width, unsigned height)
{
	return width > 0 && height > 0 && (unsigned long long)width * height <= FILETYPE_JPEG_PREVIEW_MAX_PIXELS;
}

enum ft_kind filetype_classify(magic_t cookie, const void *buf, size_t len, const char **mime_out)
{
	const unsigned char *b = buf;
	const char *mime;
	enum ft_kind kind = FT_REFUSED;

	assert(cookie != NULL);
	assert(buf != NULL || len == 0);
	if (len == 0) {
		mime = MIME_EMPTY;
		goto done;
	}
	mime = magic_buffer(cookie, buf, len);
	if (mime == NULL) {
		mime = MIME_UNKNOWN;
		goto done;
	}
	if (strcmp(mime, "application/msword") == 0) {
		if (starts_with(b, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
			kind = FT_DOC;
	} else if (strcmp(mime, "application/x-rar") == 0 || strcmp(mime, "application/vnd.rar") == 0) {
		if (starts_with(b, len, "Rar!\x1A\x07\x00", 7) || starts_with(b, len, "Rar!\x1A\x07\x01\x00", 8))
			kind = FT_RAR;
	} else if (strcmp(mime, "image/jpeg") == 0) {
		if (jpeg_structure_ok(b, len))
			kind = FT_JPEG;
	}
done:
	if (mime_out != NULL)
		*mime_out = mime;
	return kind;
}

const char *filetype_kind_name(enum ft_kind k)
{
	switch (k) {
	case FT_DOC:
		return "doc";
	case FT_RAR:
		return "rar";
	case FT_JPEG:
		return "jpeg";
	case FT_REFUSED:
		return "refused";
	}
	return "refused";
}

/* Copy mime into out keeping only [A-Za-z0-9.+/-], at most outsz-1 bytes. Returns bytes kept. */
static size_t filter_mime(const char *mime, char *out, size_t outsz)
{
	size_t o = 0;

	assert(outsz > 0);
	for (; mime != NULL && *mime != '\0' && o + 1 < outsz; mime++) {
		char c = *mime;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
			c == '+' || c == '/' || c == '-')
			out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

/* Kind name for an accepted MIME type, or NULL. */
static const char *accepted_label(const char *m)
{
	if (strcmp(m, "application/msword") == 0)
		return "DOC";
	if (strcmp(m, "application/x-rar") == 0 || strcmp(m, "application/vnd.rar") == 0)
		return "RAR";
	if (strcmp(m, "image/jpeg") == 0)
		return "JPG";
	return NULL;
}

const char *filetype_refusal_zh(const char *mime)
{
	static _Thread_local char msg[384];
	char m[128]; /* RFC 6838: type and subtype names are at most 127 characters each */
	const char *label;

	if (filter_mime(mime, m, sizeof m) == 0)
		snprintf(msg, sizeof msg, "无法识别文件类型，只允许 DOC、RAR 或 JPG");
	else if (strcmp(m, MIME_EMPTY) == 0)
		snprintf(msg, sizeof msg, "文件为空，只允许 DOC、RAR 或 JPG");
	else if ((label = accepted_label(m)) != NULL)
		snprintf(msg, sizeof msg, "文件内容不是完整有效的 %s（%s），只允许 DOC、RAR 或 JPG", label, m);
	else
		snprintf(msg, sizeof msg, "文件类型为 %s，只允许 DOC、RAR 或 JPG", m);
	return msg;
}

const char *filetype_refusal_en(const char *mime)
{
	static _Thread_local char msg[384];
	char m[128]; /* RFC 6838: type and subtype names are at most 127 characters each */
	const char *label;

	if (filter_mime(mime, m, sizeof m) == 0)
		snprintf(msg, sizeof msg, "Unknown file type; only DOC, RAR or JPG files are allowed");
	else if (strcmp(m, MIME_EMPTY) == 0)
		snprintf(msg, sizeof msg, "File is empty; only DOC, RAR or JPG files are allowed");
	else if ((label = accepted_label(m)) != NULL)
		snprintf(msg, sizeof msg, "File is not a complete, valid %s (%s); only DOC, RAR or JPG files are allowed",
					label, m);
	else
		snprintf(msg, sizeof msg, "File type is %s; only DOC, RAR or JPG files are allowed", m);
	return msg;
}
