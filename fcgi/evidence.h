/* evidence: pure helpers for evidence files (R23): kinds from stored MIME types, download names and the
 * RFC 6266 Content-Disposition header, SHA-256 hex. No I/O, no SQL. */
#ifndef XJ_EVIDENCE_H
#define XJ_EVIDENCE_H
#include <stddef.h>
#include "filetype.h"

/* Buffer size that always holds evidence_disposition's result for a name of at most
 * MULTIPART_FILENAME_MAX_CHARS characters (<= 400 bytes) plus an extension. */
#define EVIDENCE_DISPOSITION_MAX 2048
/* Buffer size for evidence_download_name (400 bytes of name + ".jpg" + NUL, rounded up). */
#define EVIDENCE_NAME_MAX 416

/* Kind of a stored MIME type (as filetype_classify accepted it): FT_DOC, FT_RAR, FT_JPEG; FT_REFUSED if unknown. */
enum ft_kind evidence_kind_of_mime(const char *mime);

/* Canonical extension of a kind: ".doc", ".rar", ".jpg" ("" for FT_REFUSED). Static string. */
const char *evidence_ext(enum ft_kind k);

/* The name a download is saved under: name (a sanitized display name, UTF-8) when its extension already
 * matches the detected kind (case-insensitive: .doc; .rar; .jpg .jpeg .jpe .jfif), else name + the kind's
 * canonical extension (so a JPEG uploaded as "scan.doc" downloads as "scan.doc.jpg" and opens as what it
 * is). NULL or empty name becomes "evidence". Writes a NUL-terminated string of at most outsz-1 bytes,
 * cutting the name (never the extension) at a UTF-8 character boundary; outsz >= 16. */
void evidence_download_name(const char *name, enum ft_kind k, char *out, size_t outsz);

/* Content-Disposition value (RFC 6266): `<type>; filename="<ascii>"; filename*=UTF-8''<pct-encoded>`.
 * type is "attachment" or "inline". The ASCII fallback keeps printable ASCII except " \ % ; and turns
 * every other character (each UTF-8 sequence, control byte or invalid byte) into '_'. filename* encodes
 * every byte outside RFC 8187 attr-char as %XX (upper-case hex). Writes at most outsz-1 bytes plus NUL;
 * returns the length, or 0 (and out = "") if it does not fit. The result never contains CR, LF or NUL. */
size_t evidence_disposition(const char *type, const char *name, char *out, size_t outsz);

/* Lower-case hex of a SHA-256 (64 chars + NUL). */
void evidence_hex(const unsigned char sha[32], char hex[65]);
/* Parse 64 hex digits (either case) into sha; 0 on success, -1 if malformed. */
int evidence_unhex(const char *hex, unsigned char sha[32]);

#endif
