/* json: cJSON allocating from the per-request arena, and field readers that report errors by field. */
#ifndef XJ_JSON_H
#define XJ_JSON_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "http.h"

/* Install arena hooks into cJSON: every cJSON allocation comes from arena_current(); free is a no-op. Call once at startup. */
void json_init(void);

/* Read a string field. required: absent/null is an error. Trims nothing. Checks length in UTF-8 characters
 * (min_chars..max_chars) and rejects control characters. On error fills w with 422 naming field, returns XE_VALIDATION.
 * *out is NULL when absent and not required. */
enum xerr json_str(struct req *r, struct resp *w, const cJSON *obj, const char *field, int required,
		   size_t min_chars, size_t max_chars, const char **out);
/* Read an integer field in [min,max]. */
enum xerr json_int(struct req *r, struct resp *w, const cJSON *obj, const char *field, int required,
		   long long min, long long max, long long def, long long *out);
/* Read a boolean field. */
enum xerr json_bool(struct req *r, struct resp *w, const cJSON *obj, const char *field, int required, int def, int *out);
/* Number of UTF-8 characters in s. */
size_t json_utf8_chars(const char *s);
/* The canonical text of v: object members in order of their names (bytes; members of one name keep their order), no
 * white space, as cJSON prints values; allocated from cJSON's hooks (the current arena). NULL without memory. Two texts
 * of the same content give the same canonical text (an idempotency key's request, idem.h). */
char *json_canonical(const cJSON *v);
/* Add a string or JSON null when s is NULL. */
cJSON *json_add_str(cJSON *obj, const char *name, const char *s);

#endif
