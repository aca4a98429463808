/* evidence: kinds, download names, RFC 6266 Content-Disposition and hex for evidence files (R23). */
#include "evidence.h"
#include <assert.h>
#include <string.h>
#include <strings.h>

enum ft_kind evidence_kind_of_mime(const char *mime)
{
	if (mime == NULL)
		return FT_REFUSED;
	if (strcmp(mime, "application/msword") == 0)
		return FT_DOC;
	if (strcmp(mime, "application/x-rar") == 0 || strcmp(mime, "application/vnd.rar") == 0)
		return FT_RAR;
	if (strcmp(mime, "image/jpeg") == 0)
		return FT_JPEG;
	return FT_REFUSED;
}

const char *evidence_ext(enum ft_kind k)
{
	switch (k) {
	case FT_DOC:
		return ".doc";
	case FT_RAR:
		return ".rar";
	case FT_JPEG:
		return ".jpg";
	case FT_REFUSED:
		break;
	}
	return "";
}

/* 1 if name ends (case-insensitively) with an extension of kind k. */
static int has_kind_ext(const char *name, size_t len, enum ft_kind k)
{
	static const char *const doc[] = {".doc", NULL};
	static const char *const rar[] = {".rar", NULL};
	static const char *const jpg[] = {".jpg", ".jpeg", ".jpe", ".jfif", NULL};
	const char *const *list = k == FT_DOC ? doc : k == FT_RAR ? rar : k == FT_JPEG ? jpg : NULL;
	for (; list && *list; list++) {
		size_t el = strlen(*list);
		if (len > el && strcasecmp(name + len - el, *list) == 0)
			return 1;
	}
	return 0;
}

/* Largest n <= max such that s[0..n) ends on a UTF-8 character boundary. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

void evidence_download_name(const char *name, enum ft_kind k, char *out, size_t outsz)
{
	const char *ext = evidence_ext(k);
	size_t len, el = strlen(ext);
	int add_ext;

	assert(out != NULL && outsz >= 16);
	if (name == NULL || *name == '\0')
		name = "evidence";
	len = strlen(name);
	add_ext = !has_kind_ext(name, len, k);
	if (len + (add_ext ? el : 0) + 1 > outsz) {
		len = utf8_cut(name, outsz - 1 - el);
		add_ext = 1; /* the original extension may have been cut off: state the real one */
	}
	memcpy(out, name, len);
	if (add_ext) {
		memcpy(out + len, ext, el);
		len += el;
	}
	out[len] = '\0';
}

/* RFC 8187 attr-char. */
static int attr_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL;
}

/* Length of the UTF-8 sequence starting with lead byte c (1 for ASCII or an invalid lead). */
static size_t utf8_seq_len(unsigned char c)
{
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 1;
}

size_t evidence_disposition(const char *type, const char *name, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0, i, n;

	assert(type != NULL && out != NULL && outsz > 0);
	if (name == NULL)
		name = "";
	n = strlen(name);
#define PUT(c) do { if (o + 1 >= outsz) goto too_long; out[o++] = (char)(c); } while (0)
	for (i = 0; type[i]; i++)
		PUT(type[i]);
	for (const char *p = "; filename=\""; *p; p++)
		PUT(*p);
	for (i = 0; i < n;) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x80) {
			PUT(c >= 0x20 && c < 0x7F && !strchr("\"\\%;", c) ? c : '_');
			i++;
		} else {
			size_t k = utf8_seq_len(c), j = 1;
			while (j < k && i + j < n && ((unsigned char)name[i + j] & 0xC0) == 0x80)
				j++;
			PUT('_');
			i += j;
		}
	}
	for (const char *p = "\"; filename*=UTF-8''"; *p; p++)
		PUT(*p);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (attr_char(c)) {
			PUT(c);
		} else {
			PUT('%');
			PUT(hex[c >> 4]);
			PUT(hex[c & 15]);
		}
	}
#undef PUT
	out[o] = '\0';
	return o;
too_long:
	out[0] = '\0';
	return 0;
}

void evidence_hex(const unsigned char sha[32], char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[sha[i] >> 4];
		hex[2 * i + 1] = digits[sha[i] & 15];
	}
	hex[64] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int evidence_unhex(const char *hex, unsigned char sha[32])
{
	if (hex == NULL || strlen(hex) != 64)
		return -1;
	for (int i = 0; i < 32; i++) {
		int h = hexval((unsigned char)hex[2 * i]), l = hexval((unsigned char)hex[2 * i + 1]);
		if (h < 0 || l < 0)
			return -1;
		sha[i] = (unsigned char)(h * 16 + l);
	}
	return 0;
}
