/* fuzz_http: libFuzzer harness for the request parsers of the http module (UTF-8, URL decoding, query, JSON body). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "http.h"
#include "json.h"
#include "router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static int init;
	if (!init) {
		arena_init(&a, 1 << 16);
		json_init();
		init = 1;
	}
	arena_set_current(&a);
	size_t bad;
	http_utf8_valid(data, size, &bad);
	http_urldecode(&a, (const char *)data, size, 1);
	char *q = arena_strndup(&a, (const char *)data, size);
	struct req r = {0};
	struct resp w = {0};
	r.arena = &a;
	r.method = "POST";
	r.path = q;
	r.query = q;
	r.content_type = "application/json";
	r.body = data;
	r.body_len = size;
	req_query(&r, "page");
	long long v;
	req_query_int(&r, &w, "page", 0, 100, 1, &v);
	memset(&w, 0, sizeof w);
	cJSON *j = NULL;
	req_json(&r, &w, &j);
	memset(&w, 0, sizeof w);
	router_match(&r, &w);
	arena_set_current(NULL);
	arena_reset(&a);
	return 0;
}
