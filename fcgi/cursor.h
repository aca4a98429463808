/* cursor: the one list envelope {"items": [...], "next_cursor": "..."|null} and its opaque keyset cursors (SPEC R30:
 * no list without keyset paging). A cursor names the last row's key values, the list it belongs to and the caller it
 * was issued to, and is signed with a server key: a tampered cursor, one from another list or another user is refused
 * with 422 (field "cursor"), never a scan or a 500. */
#ifndef XJ_CURSOR_H
#define XJ_CURSOR_H
#include <stddef.h>
#include <stdint.h>
#include "http.h"

#define CURSOR_MAX_VALUES 4
#define CURSOR_MAX_STR 200 /* a string key: a name (50 characters of at most 4 bytes) */
#define CURSOR_PAYLOAD 512

/* Derive the signing key (XJ_CURSOR_KEY, else from XJ_DB_PASSWORD: the same for every process of an installation).
 * Call once at start-up after config_load and sodium_init. */
void cursor_init(void);
/* A list answer {"items": [], "next_cursor": null} (arena cJSON); *items receives the array to fill. */
cJSON *cursor_list(cJSON **items);
/* Set next_cursor of a list answer from the last row's key values when the page is full (n == limit), else null. */
void cursor_next(struct req *r, cJSON *list, const char *name, size_t n, long long limit, const long long *last, size_t nvals);
/* Read ?cursor= of list `name` into vals (nvals values). *present = 0 without one (first page). An invalid cursor
 * fills w with 422 naming "cursor" and returns XE_VALIDATION. */
enum xerr cursor_read(struct req *r, struct resp *w, const char *name, long long *vals, size_t nvals, int *present);

/* The same with a string key after the values (issue 13 item 1: a name search pages by name, then id). */
void cursor_next_str(struct req *r, cJSON *list, const char *name, size_t n, long long limit, const long long *last,
		     size_t nvals, const char *str);
enum xerr cursor_read_str(struct req *r, struct resp *w, const char *name, long long *vals, size_t nvals, const char **str,
			  int *present);

#endif
