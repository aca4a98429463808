/* filetype.h: classify evidence files by content with libmagic plus signature checks (R23: DOC, RAR or JPG only). */
#ifndef XUEJI_FILETYPE_H
#define XUEJI_FILETYPE_H

#include <stddef.h>
#include <magic.h>

/* R23 size limit for one evidence file, in bytes (2 MB). */
#define FILETYPE_MAX_BYTES 2097152u
/* A JPEG may carry at most this many bytes after its EOI marker (padding, vendor trailers). */
#define FILETYPE_JPEG_MAX_TRAILER 4096u
/* A JPEG file may hold at most this many images one after another (a camera's primary image, then its
 * MPF preview / gain map images, each SOI..EOI). */
#define FILETYPE_JPEG_MAX_IMAGES 8
/* Issue 11 item 16: a JPEG whose first frame has more pixels than this (40 Mpx) is never decoded in the
 * browser: the screens offer it as a download only and ?inline=1 serves it as an attachment. */
#define FILETYPE_JPEG_PREVIEW_MAX_PIXELS 40000000ull

enum ft_kind { FT_DOC, FT_RAR, FT_JPEG, FT_REFUSED };

/* Open a libmagic cookie with MAGIC_MIME_TYPE and load the default database. Returns NULL on failure.
 * The caller owns the cookie (magic_close) and uses it from one thread only; open one per thread
 * once, not per request. */
magic_t filetype_open(void);

/* Classify buf[0..len) by content (the file name is never consulted). Accepted:
 *  FT_DOC  libmagic application/msword AND OLE2 signature D0 CF 11 E0 A1 B1 1A E1 at offset 0
 *          (application/vnd.ms-office, application/x-ole-storage, Excel etc. are refused);
 *  FT_RAR  libmagic application/x-rar or application/vnd.rar AND "Rar!\x1a\x07\x00" (RAR4) or
 *          "Rar!\x1a\x07\x01\x00" (RAR5) at offset 0;
 *  FT_JPEG libmagic image/jpeg AND SOI FF D8 FF at offset 0 AND the marker segments walk to an EOI
 *          FF D9; after an EOI either a further complete JPEG image (SOI..EOI, a camera's MPF preview
 *          or gain map; at most FILETYPE_JPEG_MAX_IMAGES images in all) or at most
 *          FILETYPE_JPEG_MAX_TRAILER bytes not starting with FF D8 FF (truncated JPEGs, JPEG-header
 *          polyglots and files whose second image is not a whole JPEG are refused).
 * Everything else (including len 0) is FT_REFUSED. Size limits are the caller's job.
 * If mime_out is not NULL it receives libmagic's MIME type ("application/x-empty" for len 0,
 * "application/octet-stream" if libmagic fails); the string belongs to the cookie or is static and
 * stays valid until the next call with the same cookie. buf may be NULL only if len is 0. */
enum ft_kind filetype_classify(magic_t cookie, const void *buf, size_t len, const char **mime_out);

/* Width and height of the first image's first frame header (SOFn) of a structurally valid JPEG image at
 * buf. 0 on success, -1 if the image is not valid or a dimension is 0 (height given by DNL). */
int filetype_jpeg_size(const void *buf, size_t len, unsigned *width, unsigned *height);
/* 1 if a width x height JPEG may be previewed inline (both known, at most FILETYPE_JPEG_PREVIEW_MAX_PIXELS). */
int filetype_jpeg_previewable(unsigned width, unsigned height);

/* Short lowercase name of a kind: "doc", "rar", "jpeg", "refused" (static). */
const char *filetype_kind_name(enum ft_kind k);

/* User-facing refusal message for a file whose libmagic MIME type is mime (may be NULL), e.g.
 * "文件类型为 image/png，只允许 DOC、RAR 或 JPG". For an accepted MIME type whose content failed the
 * signature checks it says the file is damaged or not a genuine one. The MIME text is filtered to
 * [A-Za-z0-9.+/-] and capped. Returns a thread-local buffer valid until the next call of the same
 * function in the same thread. */
const char *filetype_refusal_zh(const char *mime);
/* English counterpart of filetype_refusal_zh, e.g. "File type is image/png; only DOC, RAR or JPG
 * files are allowed". Separate thread-local buffer. */
const char *filetype_refusal_en(const char *mime);

#endif
