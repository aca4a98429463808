/* multipart.c: strict multipart/form-data (RFC 7578) parser and client file name sanitizer (R23). */
#include "multipart.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

typedef void *(*mp_alloc_fn)(void *ctx, size_t n);

/* ---- character classes ---------------------------------------------------------------------- */

/* RFC 7230 tchar. */
static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 2046 bchars (bcharsnospace plus space). */
static int is_bchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/* RFC 8187 attr-char. */
static int is_attr_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL;
}

static int is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static unsigned char to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Case-insensitive equality of s[0..n) with the NUL-terminated lowercase literal lit. */
static int ci_eq(const unsigned char *s, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (to_lower(s[i]) != (unsigned char)lit[i])
			return 0;
	return 1;
}

static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = to_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Position of the first occurrence of pat[0..m) in s[from..n), or SIZE_MAX. pat starts with "\r\n--"
 * followed by bchars (never CR), so partial matches cannot overlap and the scan is linear. */
static size_t find_bytes(const unsigned char *s, size_t n, size_t from, const unsigned char *pat, size_t m)
{
	size_t i = from;

	assert(m > 0);
	while (i < n && n - i >= m) {
		const unsigned char *p = memchr(s + i, pat[0], n - i - m + 1);
		if (p == NULL)
			return SIZE_MAX;
		i = (size_t)(p - s);
		if (memcmp(p, pat, m) == 0)
			return i;
		i++;
	}
	return SIZE_MAX;
}

/* ---- Content-Type: multipart/form-data; boundary=... ---------------------------------------- */

/* Parse a token at s[*i..n); returns its length (0 if none) and advances *i. */
static size_t scan_token(const unsigned char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && is_tchar(s[*i]))
		(*i)++;
	return *i - start;
}

/* Parse the Content-Type header value; on success copies the boundary into bnd (NUL-terminated)
 * and returns its length; returns 0 on any error. */
static size_t parse_content_type(const char *ct, char bnd[MULTIPART_BOUNDARY_MAX + 1])
{
	const unsigned char *s = (const unsigned char *)ct;
	size_t n = strlen(ct), i = 0, t0, tl, blen = 0;
	int have_boundary = 0;
	size_t k;

	while (i < n && is_ows(s[i]))
		i++;
	t0 = i;
	tl = scan_token(s, n, &i);
	if (!ci_eq(s + t0, tl, "multipart") || i >= n || s[i] != '/')
		return 0;
	i++;
	t0 = i;
	tl = scan_token(s, n, &i);
	if (!ci_eq(s + t0, tl, "form-data"))
		return 0;
	for (;;) {
		size_t p0, pl, vlen = 0;
		int is_bnd;

		while (i < n && is_ows(s[i]))
			i++;
		if (i == n)
			break;
		if (s[i] != ';')
			return 0;
		i++;
		while (i < n && is_ows(s[i]))
			i++;
		if (i == n)
			break;
		p0 = i;
		pl = scan_token(s, n, &i);
		if (pl == 0 || i >= n || s[i] != '=')
			return 0;
		i++;
		is_bnd = ci_eq(s + p0, pl, "boundary");
		if (is_bnd && have_boundary)
			return 0;
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				unsigned char c;
				if (i >= n)
					return 0;
				c = s[i++];
				if (c == '"')
					break;
				if (c == '\\') {
					if (i >= n)
						return 0;
					c = s[i++];
				}
				if (c < 0x20 && c != '\t')
					return 0;
				if (is_bnd) {
					if (vlen >= MULTIPART_BOUNDARY_MAX)
						return 0;
					bnd[vlen] = (char)c;
				}
				vlen++;
			}
		} else {
			size_t v0 = i;
			vlen = scan_token(s, n, &i);
			if (vlen == 0)
				return 0;
			if (is_bnd) {
				if (vlen > MULTIPART_BOUNDARY_MAX)
					return 0;
				memcpy(bnd, s + v0, vlen);
			}
		}
		if (is_bnd) {
			have_boundary = 1;
			blen = vlen;
		}
	}
	if (!have_boundary || blen == 0 || bnd[blen - 1] == ' ')
		return 0;
	for (k = 0; k < blen; k++)
		if (!is_bchar((unsigned char)bnd[k]))
			return 0;
	bnd[blen] = '\0';
	return blen;
}

/* ---- part headers --------------------------------------------------------------------------- */

static char *copy_str(const unsigned char *s, size_t n, mp_alloc_fn alloc, void *ctx)
{
	char *r;

	if (n == SIZE_MAX)
		return NULL;
	r = alloc(ctx, n + 1);
	if (r == NULL)
		return NULL;
	if (n > 0)
		memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* A parameter value as found: raw bytes, and whether it was a quoted-string. */
struct raw_val {
	const unsigned char *s;
	size_t n;
	int quoted;
};

/* Decode a parameter value into a fresh NUL-terminated string; *outlen gets its length.
 * In quoted strings only \" and \\ are escapes: browsers send file names unescaped (WHATWG), and a
 * Windows path like C:\Users\a.jpg must keep its separators for the sanitizer. */
static char *decode_val(const struct raw_val *v, mp_alloc_fn alloc, void *ctx, size_t *outlen)
{
	char *r;
	size_t i, o = 0;

	if (!v->quoted) {
		*outlen = v->n;
		return copy_str(v->s, v->n, alloc, ctx);
	}
	r = alloc(ctx, v->n + 1);
	if (r == NULL)
		return NULL;
	for (i = 0; i < v->n; i++) {
		unsigned char c = v->s[i];
		if (c == '\\' && i + 1 < v->n && (v->s[i + 1] == '"' || v->s[i + 1] == '\\'))
			c = v->s[++i];
		r[o++] = (char)c;
	}
	r[o] = '\0';
	*outlen = o;
	return r;
}

/* Decode an RFC 8187 ext-value (charset'lang'pct-encoded) to UTF-8. Returns MP_OK, MP_ERR_HEADERS or
 * MP_ERR_NOMEM. Charsets: UTF-8 (bytes kept as sent) and ISO-8859-1 (converted). */
static enum mp_err decode_ext_value(const struct raw_val *v, mp_alloc_fn alloc, void *ctx,
									char **out, size_t *outlen)
{
	const unsigned char *s = v->s;
	size_t n = v->n, i = 0, c0, cl, o = 0;
	int latin1;
	char *r;

	c0 = i;
	while (i < n && s[i] != '\'')
		i++;
	cl = i - c0;
	if (i >= n)
		return MP_ERR_HEADERS;
	if (ci_eq(s + c0, cl, "utf-8"))
		latin1 = 0;
	else if (ci_eq(s + c0, cl, "iso-8859-1"))
		latin1 = 1;
	else
		return MP_ERR_HEADERS;
	i++;
	while (i < n && s[i] != '\'') {
		if (!(is_attr_char(s[i]) && s[i] != '\''))
			return MP_ERR_HEADERS;
		i++;
	}
	if (i >= n)
		return MP_ERR_HEADERS;
	i++;
	if (n - i > (SIZE_MAX - 1) / 2)
		return MP_ERR_NOMEM;
	r = alloc(ctx, 2 * (n - i) + 1);
	if (r == NULL)
		return MP_ERR_NOMEM;
	while (i < n) {
		unsigned char c = s[i];
		if (c == '%') {
			int hi, lo;
			if (n - i < 3)
				return MP_ERR_HEADERS;
			hi = hex_val(s[i + 1]);
			lo = hex_val(s[i + 2]);
			if (hi < 0 || lo < 0)
				return MP_ERR_HEADERS;
			c = (unsigned char)(hi * 16 + lo);
			i += 3;
		} else if (is_attr_char(c)) {
			i++;
		} else {
			return MP_ERR_HEADERS;
		}
		if (latin1 && c >= 0x80) {
			r[o++] = (char)(0xC0 | (c >> 6));
			r[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			r[o++] = (char)c;
		}
	}
	r[o] = '\0';
	*out = r;
	*outlen = o;
	return MP_OK;
}

/* Parse a Content-Disposition value s[0..n) (no CR/LF/NUL inside) into part name and file name. */
static enum mp_err parse_disposition(const unsigned char *s, size_t n, struct mp_part *part,
										mp_alloc_fn alloc, void *ctx)
{
	size_t i = 0, tl, len;
	struct raw_val name = { NULL, 0, 0 }, fname = { NULL, 0, 0 }, fnamex = { NULL, 0, 0 };
	int have_name = 0, have_fname = 0, have_fnamex = 0;
	char *str;
	enum mp_err err;

	tl = scan_token(s, n, &i);
	if (!ci_eq(s, tl, "form-data"))
		return MP_ERR_HEADERS;
	for (;;) {
		size_t p0, pl;
		struct raw_val v = { NULL, 0, 0 };

		while (i < n && is_ows(s[i]))
			i++;
		if (i == n)
			break;
		if (s[i] != ';')
			return MP_ERR_HEADERS;
		i++;
		while (i < n && is_ows(s[i]))
			i++;
		if (i == n)
			break;
		p0 = i;
		pl = scan_token(s, n, &i);
		if (pl == 0)
			return MP_ERR_HEADERS;
		while (i < n && is_ows(s[i]))
			i++;
		if (i >= n || s[i] != '=')
			return MP_ERR_HEADERS;
		i++;
		while (i < n && is_ows(s[i]))
			i++;
		if (i < n && s[i] == '"') {
			i++;
			v.s = s + i;
			v.quoted = 1;
			for (;;) {
				if (i >= n)
					return MP_ERR_HEADERS;
				if (s[i] == '"')
					break;
				if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
					i++;
				i++;
			}
			v.n = (size_t)(s + i - v.s);
			i++;
		} else {
			v.s = s + i;
			v.n = scan_token(s, n, &i);
			if (v.n == 0)
				return MP_ERR_HEADERS;
		}
		if (ci_eq(s + p0, pl, "name")) {
			if (have_name)
				return MP_ERR_HEADERS;
			have_name = 1;
			name = v;
		} else if (ci_eq(s + p0, pl, "filename")) {
			if (have_fname)
				return MP_ERR_HEADERS;
			have_fname = 1;
			fname = v;
		} else if (ci_eq(s + p0, pl, "filename*")) {
			if (have_fnamex)
				return MP_ERR_HEADERS;
			have_fnamex = 1;
			fnamex = v;
		}
	}
	if (!have_name)
		return MP_ERR_HEADERS;
	str = decode_val(&name, alloc, ctx, &len);
	if (str == NULL)
		return MP_ERR_NOMEM;
	part->name = str;
	if (have_fnamex) {
		err = decode_ext_value(&fnamex, alloc, ctx, &str, &len);
		if (err != MP_OK)
			return err;
		part->filename = str;
		part->filename_len = len;
	} else if (have_fname) {
		str = decode_val(&fname, alloc, ctx, &len);
		if (str == NULL)
			return MP_ERR_NOMEM;
		part->filename = str;
		part->filename_len = len;
	}
	return MP_OK;
}

/* Parse the header block s[0..n): zero or more lines, each ending in CRLF. */
static enum mp_err parse_headers(const unsigned char *s, size_t n, struct mp_part *part,
									mp_alloc_fn alloc, void *ctx)
{
	size_t i = 0;
	int have_disp = 0, have_type = 0;
	enum mp_err err;

	while (i < n) {
		size_t ls = i, le, n0, nl, v0, v1;

		/* find the line end; only CRLF ends a line, bare CR/LF and controls are refused */
		while (i < n && s[i] != '\r') {
			if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F)
				return MP_ERR_HEADERS;
			i++;
		}
		if (i + 1 >= n || s[i + 1] != '\n')
			return MP_ERR_HEADERS;
		le = i;
		i += 2;
		if (le == ls || is_ows(s[ls]))
			return MP_ERR_HEADERS; /* empty line inside the block, or obsolete line folding */
		n0 = ls;
		nl = scan_token(s, le, &n0);
		if (nl == 0 || n0 >= le || s[n0] != ':')
			return MP_ERR_HEADERS;
		v0 = n0 + 1;
		while (v0 < le && is_ows(s[v0]))
			v0++;
		v1 = le;
		while (v1 > v0 && is_ows(s[v1 - 1]))
			v1--;
		if (ci_eq(s + ls, nl, "content-disposition")) {
			if (have_disp)
				return MP_ERR_HEADERS;
			have_disp = 1;
			err = parse_disposition(s + v0, v1 - v0, part, alloc, ctx);
			if (err != MP_OK)
				return err;
		} else if (ci_eq(s + ls, nl, "content-type")) {
			if (have_type || v1 == v0)
				return MP_ERR_HEADERS;
			have_type = 1;
			part->content_type = copy_str(s + v0, v1 - v0, alloc, ctx);
			if (part->content_type == NULL)
				return MP_ERR_NOMEM;
		}
		/* other headers (Content-Transfer-Encoding etc.) are ignored, RFC 7578 §4.7 */
	}
	return have_disp ? MP_OK : MP_ERR_HEADERS;
}

/* ---- body ----------------------------------------------------------------------------------- */

enum mp_err multipart_parse(const char *content_type, const unsigned char *body, size_t len,
							size_t max_parts, void *(*alloc)(void *ctx, size_t n), void *ctx,
							struct mp_part **out, size_t *n)
{
	char bnd[MULTIPART_BOUNDARY_MAX + 1];
	unsigned char delim[4 + MULTIPART_BOUNDARY_MAX];
	size_t blen, dlen, pos, after, ndelim, cap, count = 0;
	struct mp_part *parts = NULL;
	enum mp_err err = MP_OK;

	assert(out != NULL && n != NULL && alloc != NULL);
	assert(body != NULL || len == 0);
	*out = NULL;
	*n = 0;
	if (content_type == NULL) {
		err = MP_ERR_CONTENT_TYPE;
		goto done;
	}
	blen = parse_content_type(content_type, bnd);
	if (blen == 0) {
		err = MP_ERR_CONTENT_TYPE;
		goto done;
	}
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, bnd, blen);
	dlen = 4 + blen;

	/* opening delimiter at offset 0: no preamble (browsers never send one; refusing it leaves no
	 * room for parsers to disagree about where the first part starts) */
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0) {
		err = MP_ERR_BOUNDARY;
		goto done;
	}
	after = dlen - 2;

	/* bound the part array by the delimiters actually present (parts <= delimiters - 1) */
	ndelim = 0;
	for (pos = find_bytes(body, len, after, delim, dlen); pos != SIZE_MAX;
			pos = find_bytes(body, len, pos + dlen, delim, dlen))
		ndelim++;
	cap = ndelim < max_parts ? ndelim : max_parts;
	if (cap > 0) {
		if (cap > SIZE_MAX / sizeof *parts) {
			err = MP_ERR_NOMEM;
			goto done;
		}
		parts = alloc(ctx, cap * sizeof *parts);
		if (parts == NULL) {
			err = MP_ERR_NOMEM;
			goto done;
		}
	}

	for (;;) {
		size_t hstart, hend, dstart, avail, win, e;
		struct mp_part *part;

		/* `after` is just past "--boundary"; close delimiter? */
		if (len - after >= 2 && body[after] == '-' && body[after + 1] == '-') {
			after += 2;
			while (after < len && is_ows(body[after]))
				after++;
			if (after == len || (len - after >= 2 && body[after] == '\r' && body[after + 1] == '\n'))
				break; /* epilogue, if any, is ignored */
			err = MP_ERR_BOUNDARY;
			goto done;
		}
		while (after < len && is_ows(body[after]))
			after++;
		if (len - after < 2 || body[after] != '\r' || body[after + 1] != '\n') {
			err = MP_ERR_BOUNDARY;
			goto done;
		}
		hstart = after + 2;

		if (count == max_parts) {
			err = MP_ERR_TOO_MANY_PARTS;
			goto done;
		}
		if (count == cap) { /* a part with no delimiter after it: truncated body */
			err = MP_ERR_BOUNDARY;
			goto done;
		}
		part = &parts[count];
		memset(part, 0, sizeof *part);

		/* header block [hstart, hend), each line with its CRLF; then a blank line */
		avail = len - hstart;
		if (avail >= 2 && body[hstart] == '\r' && body[hstart + 1] == '\n') {
			hend = hstart;
			dstart = hstart + 2;
		} else {
			win = avail < MULTIPART_PART_HEADERS_MAX + 4 ? avail : MULTIPART_PART_HEADERS_MAX + 4;
			e = find_bytes(body + hstart, win, 0, (const unsigned char *)"\r\n\r\n", 4);
			if (e == SIZE_MAX) {
				err = win == avail ? MP_ERR_BOUNDARY : MP_ERR_HEADERS;
				goto done;
			}
			hend = hstart + e + 2;
			dstart = hstart + e + 4;
		}
		err = parse_headers(body + hstart, hend - hstart, part, alloc, ctx);
		if (err != MP_OK)
			goto done;

		pos = find_bytes(body, len, dstart, delim, dlen);
		if (pos == SIZE_MAX) {
			err = MP_ERR_BOUNDARY;
			goto done;
		}
		part->data = body + dstart;
		part->len = pos - dstart;
		count++;
		after = pos + dlen;
	}
	*out = count > 0 ? parts : NULL;
	*n = count;
done:
	return err;
}

const char *multipart_err_code(enum mp_err e)
{
	switch (e) {
	case MP_OK:
		return "ok";
	case MP_ERR_CONTENT_TYPE:
		return "multipart_content_type";
	case MP_ERR_BOUNDARY:
		return "multipart_boundary";
	case MP_ERR_HEADERS:
		return "multipart_headers";
	case MP_ERR_TOO_MANY_PARTS:
		return "multipart_too_many_parts";
	case MP_ERR_NOMEM:
		return "out_of_memory";
	}
	return "multipart_unknown";
}

/* ---- file name sanitizer -------------------------------------------------------------------- */

/* Decode one well-formed UTF-8 sequence at s[0..n); returns its length (1..4) or 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t need, k;
	uint32_t v;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0Fu;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07u;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		if (c == 0xF4)
			hi = 0x8F; /* > U+10FFFF */
	} else {
		return 0;
	}
	if (n < need + 1)
		return 0;
	for (k = 1; k <= need; k++) {
		unsigned char b = s[k];
		if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
			return 0;
		v = (v << 6) | (b & 0x3Fu);
	}
	*cp = v;
	return need + 1;
}

static int sanitize_drops(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)   /* C0, DEL, C1 */
			|| (cp >= 0x202A && cp <= 0x202E)                      /* LRE RLE PDF LRO RLO */
			|| (cp >= 0x2066 && cp <= 0x2069)                      /* LRI RLI FSI PDI */
			|| cp == 0x200E || cp == 0x200F || cp == 0x061C;       /* LRM RLM ALM */
}

void multipart_sanitize_filename(const char *in, size_t len, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i, start = 0, o = 0, keep = 0, chars = 0;
	int leading = 1;

	assert(out != NULL && outsz >= 1);
	assert(in != NULL || len == 0);
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == '\\')
			start = i + 1;
	i = start;
	while (i < len && chars < MULTIPART_FILENAME_MAX_CHARS) {
		uint32_t cp = 0;
		size_t k = utf8_decode(s + i, len - i, &cp);

		if (k == 0) {
			i++; /* invalid byte: drop it and resynchronise */
			continue;
		}
		i += k;
		if (sanitize_drops(cp))
			continue;
		if (leading && (cp == '.' || cp == ' '))
			continue;
		leading = 0;
		if (o + k + 1 > outsz)
			break;
		memcpy(out + o, s + i - k, k);
		o += k;
		chars++;
		if (cp != ' ')
			keep = o; /* trailing spaces are trimmed */
	}
	o = keep;
	if (o == 0) {
		static const char fallback[] = "file";
		o = sizeof fallback - 1 < outsz - 1 ? sizeof fallback - 1 : outsz - 1;
		memcpy(out, fallback, o);
	}
	out[o] = '\0';
}
