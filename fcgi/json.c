/* json: cJSON arena hooks and validated field readers. */
#include "json.h"
#include <string.h>
#include <stdlib.h>
#include <math.h>

static void *json_malloc(size_t n)
{
	struct arena *a = arena_current();
	return a ? arena_alloc(a, n) : NULL;
}

static void json_free(void *p) { (void)p; }

void json_init(void)
{
	cJSON_Hooks h = {json_malloc, json_free};
	cJSON_InitHooks(&h);
}

size_t json_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

cJSON *json_add_str(cJSON *obj, const char *name, const char *s)
{
	return s ? cJSON_AddStringToObject(obj, name, s) : cJSON_AddNullToObject(obj, name);
}

enum xerr json_str(struct req *r, struct resp *w, const cJSON *obj, const char *field, int required,
		   size_t min_chars, size_t max_chars, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			return resp_error_zh(r, w, XE_VALIDATION, field, "此项必须填写。", arena_printf(r->arena, "%s is required.", field));
		return XE_OK;
	}
	if (!cJSON_IsString(v))
		return resp_error_zh(r, w, XE_VALIDATION, field, "此项必须是文字。", arena_printf(r->arena, "%s must be a string.", field));
	const char *s = v->valuestring;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return resp_error_zh(r, w, XE_VALIDATION, field, "此项含有不可见的控制字符。",
					     arena_printf(r->arena, "%s contains a control character.", field));
	size_t n = json_utf8_chars(s);
	if (n < min_chars || n > max_chars)
		return resp_error_zh(r, w, XE_VALIDATION, field,
				     arena_printf(r->arena, "此项长度须为 %lu 到 %lu 个字。", (unsigned long)min_chars, (unsigned long)max_chars),
				     arena_printf(r->arena, "%s must be %lu to %lu characters long.", field, (unsigned long)min_chars,
						  (unsigned long)max_chars));
	*out = s;
	return XE_OK;
}

enum xerr json_int(struct req *r, struct resp *w, const cJSON *obj, const char *field, int required,
		   long long min, long long max, long long def, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	*out = def;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			return resp_error_zh(r, w, XE_VALIDATION, field, "此项必须填写。", arena_printf(r->arena, "%s is required.", field));
		return XE_OK;
	}
	double d = cJSON_GetNumberValue(v);
	if (!cJSON_IsNumber(v) || d != floor(d) || d < (double)min || d > (double)max)
		return resp_error_zh(r, w, XE_VALIDATION, field, arena_printf(r->arena, "此项须为 %lld 到 %lld 之间的整数。", min, max),
				     arena_printf(r->arena, "%s must be an integer from %lld to %lld.", field, min, max));
	*out = (long long)d;
	return XE_OK;
}

enum xerr json_bool(struct req *r, struct resp *w, const cJSON *obj, const char *field, int required, int def, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	*out = def;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			return resp_error_zh(r, w, XE_VALIDATION, field, "此项必须填写。", arena_printf(r->arena, "%s is required.", field));
		return XE_OK;
	}
	if (!cJSON_IsBool(v))
		return resp_error_zh(r, w, XE_VALIDATION, field, "此项须为“是”或“否”。", arena_printf(r->arena, "%s must be true or false.", field));
	*out = cJSON_IsTrue(v);
	return XE_OK;
}

struct member {
	cJSON *v;
	size_t i;
};

static int cmp_member(const void *p, const void *q)
{
	const struct member *x = p, *y = q;
	int c = strcmp(x->v->string ? x->v->string : "", y->v->string ? y->v->string : "");
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* sort every object's members of v by name, in place; 0 without memory */
static int sort_members(cJSON *v)
{
	size_t n = 0;
	for (cJSON *c = v->child; c; c = c->next)
		if (!sort_members(c))
			return 0;
	if (!cJSON_IsObject(v) || !v->child)
		return 1;
	for (cJSON *c = v->child; c; c = c->next)
		n++;
	struct member *m = json_malloc(n * sizeof *m);
	if (!m)
		return 0;
	n = 0;
	for (cJSON *c = v->child; c; c = c->next, n++)
		m[n] = (struct member){c, n};
	qsort(m, n, sizeof *m, cmp_member);
	for (size_t i = 0; i < n; i++) {
		m[i].v->prev = i ? m[i - 1].v : m[n - 1].v; /* cJSON: the first's prev is the last */
		m[i].v->next = i + 1 < n ? m[i + 1].v : NULL;
	}
	v->child = m[0].v;
	return 1;
}

char *json_canonical(const cJSON *v)
{
	cJSON *d = cJSON_Duplicate(v, 1);
	return d && sort_members(d) ? cJSON_PrintUnformatted(d) : NULL;
}
