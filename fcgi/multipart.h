/* multipart.h: strict multipart/form-data (RFC 7578) parser over an in-memory body, and client file name sanitizer (R23). */
#ifndef XUEJI_MULTIPART_H
#define XUEJI_MULTIPART_H

#include <stddef.h>

/* Longest boundary parameter accepted (RFC 2046 §5.1.1). */
#define MULTIPART_BOUNDARY_MAX 70
/* Bound on the header block of one part, in bytes, excluding the CRLF CRLF that ends it. */
#define MULTIPART_PART_HEADERS_MAX 8192
/* Characters (Unicode scalar values) kept by multipart_sanitize_filename. */
#define MULTIPART_FILENAME_MAX_CHARS 100
/* An out buffer of this size always holds a full sanitized name (100 chars x 4 bytes + NUL). */
#define MULTIPART_FILENAME_BUFSZ (MULTIPART_FILENAME_MAX_CHARS * 4 + 1)

/* One part of a form. Strings are NUL-terminated copies made with the caller's allocator;
 * data points into the body passed to multipart_parse (no copy), so it lives as long as the body. */
struct mp_part {
	const char *name;           /* Content-Disposition name; never NULL (required by RFC 7578) */
	const char *filename;       /* filename* (UTF-8 or ISO-8859-1, decoded to UTF-8) if present, else
								 * filename; NULL when the part has neither (a plain field); "" when the
								 * client sent an empty one (a file input left empty). Raw client bytes:
								 * pass through multipart_sanitize_filename before display. */
	size_t filename_len;        /* bytes in filename (it may contain NUL decoded from filename*=...%00) */
	const char *content_type;   /* part Content-Type as sent, or NULL; recorded only, never trusted */
	const unsigned char *data;  /* part body, inside the caller's body buffer */
	size_t len;                 /* bytes at data */
};

enum mp_err {
	MP_OK = 0,
	MP_ERR_CONTENT_TYPE,   /* not multipart/form-data, or boundary missing/invalid */
	MP_ERR_BOUNDARY,       /* broken framing: no opening delimiter, bad delimiter line, missing close delimiter */
	MP_ERR_HEADERS,        /* part headers malformed, too long, or Content-Disposition missing/invalid */
	MP_ERR_TOO_MANY_PARTS, /* more than max_parts parts */
	MP_ERR_NOMEM           /* alloc returned NULL */
};

/* Parse a complete multipart/form-data body.
 * content_type: the request's Content-Type header value (NUL-terminated), e.g.
 *   "multipart/form-data; boundary=----x" (boundary may be quoted; 1..70 RFC 2046 bchars).
 * body/len: the whole request body (len may be 0; body may be NULL only if len is 0).
 * max_parts: parse fails with MP_ERR_TOO_MANY_PARTS once a part beyond this count is found.
 * alloc(ctx, n): arena allocator; must return memory aligned for any object (like malloc), or NULL.
 *   Nothing allocated is ever freed by this module; on failure allocations are abandoned to the arena.
 * On MP_OK *out points to an array of *n parts (allocated with alloc; may be NULL when *n is 0).
 * On any error *out is NULL and *n is 0. Framing is strict: CRLF line ends only, the body starts
 * with the first delimiter (no preamble), every delimiter line is "--boundary" plus optional spaces/tabs
 * and CRLF, and the close delimiter "--boundary--" must be present; after it only optional spaces/tabs,
 * then end of body or CRLF and an ignored epilogue. Runs in time linear in len. */
enum mp_err multipart_parse(const char *content_type, const unsigned char *body, size_t len,
							size_t max_parts, void *(*alloc)(void *ctx, size_t n), void *ctx,
							struct mp_part **out, size_t *n);

/* Stable machine-readable code for an error (static string, never NULL), e.g. "multipart_boundary". */
const char *multipart_err_code(enum mp_err e);

/* Sanitize a client file name for display (R23). Reads len bytes at in (may contain NUL; in may be
 * NULL if len is 0). Keeps only the last path component (after the last '/' or '\\'), drops invalid
 * UTF-8, C0/C1 control characters and DEL (so NUL, CR, LF), bidi controls U+202A..U+202E,
 * U+2066..U+2069, U+200E, U+200F, U+061C, then leading dots and white space and trailing white space;
 * keeps at most 100 characters and never splits a UTF-8 sequence. An empty result becomes "file".
 * Writes a NUL-terminated string into out (outsz >= 1 bytes, truncated at a character boundary if
 * smaller than MULTIPART_FILENAME_BUFSZ). */
void multipart_sanitize_filename(const char *in, size_t len, char *out, size_t outsz);

#endif
