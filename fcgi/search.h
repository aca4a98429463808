/* search: the one parser of list searches and filters (issue 13 item 1, R1-R3, R30): what registrars search by
 * (exact ID number of any type, normalised: x to X, a 15-digit resident number to its 18-digit form; exact student
 * number; a name, exact or as a prefix of at least one character, combined with birth date, gender, school, status)
 * and the lists' filters (school, county, problem type, member handling state, group state, rejected to handle
 * again, overdue, due before a date). Every value is checked here once: a bad one is a 422 naming its parameter with a
 * stable reason (too_short, too_long, wildcard, format, choice, unknown, not_here), never a scan or a 500.
 *
 * Wildcards: % and _ in a name (or in q taken as a name) are refused (422, reason "wildcard"): a name search is a
 * prefix search by itself, and no name holds them. In the exact fields (id_number, student_no) nothing is a pattern.
 *
 * A list's cursor is bound to its filter set: search_list_name gives the list name the cursor is signed for (the
 * list plus a digest of every filter's canonical value), so a cursor from the same list with other filters is
 * refused like one from another list (cursor.c). */
#ifndef XJ_SEARCH_H
#define XJ_SEARCH_H
#include <stdint.h>
#include "arena.h"
#include "http.h"
#include "student.h"

/* The fewest characters of an ID number searched for (a whole number, never a fragment; at most STUDENT_IDNO_MAX). */
#define SEARCH_ID_MIN 5
#define SEARCH_MAX_CHARS STUDENT_NAME_MAX /* the longest name (student.name VARCHAR(50)); every other value is shorter */

/* The parameters, in the order of their canonical form (the cursor digest). */
enum search_key {
	SK_Q = 0,        /* one box: a student number, an ID number or a name prefix, decided by its shape */
	SK_ID_NUMBER,    /* exact, any ID type */
	SK_STUDENT_NO,   /* exact, L... or G... (19 characters) */
	SK_NAME,         /* prefix (at least 1 character) or exact with name_match=exact */
	SK_NAME_MATCH,   /* prefix (default) | exact */
	SK_BIRTH_DATE,   /* YYYY-MM-DD */
	SK_GENDER,       /* M | F */
	SK_SCHOOL,       /* school code (county and above) */
	SK_COUNTY,       /* county code, 6 digits (city and above) */
	SK_STATUS,       /* student status (R6) */
	SK_TYPE,         /* problem type (R8) */
	SK_STATE,        /* group state */
	SK_MEMBER_STATE, /* member handling state (SPEC s.6) */
	SK_REJECTED,     /* 1: rejected, to handle again (R20) */
	SK_OVERDUE,      /* 1: past its due date (R24) */
	SK_DUE_BEFORE,   /* YYYY-MM-DD: due before this day (R24) */
	SK_FILTER,       /* the queue's filter=rejected|overdue (issue 11 item 7) */
	SK__COUNT
};
#define SK_BIT(k) (1u << (k))
/* The parameters of each list. */
#define SEARCH_STUDENT_KEYS                                                                                           \
	(SK_BIT(SK_Q) | SK_BIT(SK_ID_NUMBER) | SK_BIT(SK_STUDENT_NO) | SK_BIT(SK_NAME) | SK_BIT(SK_NAME_MATCH) |       \
	 SK_BIT(SK_BIRTH_DATE) | SK_BIT(SK_GENDER) | SK_BIT(SK_SCHOOL) | SK_BIT(SK_COUNTY) | SK_BIT(SK_STATUS))
#define SEARCH_MEMBER_KEYS                                                                                            \
	(SK_BIT(SK_Q) | SK_BIT(SK_ID_NUMBER) | SK_BIT(SK_STUDENT_NO) | SK_BIT(SK_NAME) | SK_BIT(SK_NAME_MATCH) |       \
	 SK_BIT(SK_SCHOOL) | SK_BIT(SK_COUNTY) | SK_BIT(SK_TYPE))
#define SEARCH_GROUP_KEYS                                                                                             \
	(SEARCH_MEMBER_KEYS | SK_BIT(SK_STATE) | SK_BIT(SK_MEMBER_STATE) | SK_BIT(SK_REJECTED) | SK_BIT(SK_OVERDUE) |  \
	 SK_BIT(SK_DUE_BEFORE))
#define SEARCH_QUEUE_KEYS (SEARCH_MEMBER_KEYS | SK_BIT(SK_DUE_BEFORE) | SK_BIT(SK_FILTER))
#define SEARCH_OVERDUE_KEYS SEARCH_MEMBER_KEYS
/* issue 17 item 4: the suspected pairs (R31): either record searched for, in a school or county */
#define SEARCH_SUSPECT_KEYS                                                                                           \
	(SK_BIT(SK_Q) | SK_BIT(SK_ID_NUMBER) | SK_BIT(SK_STUDENT_NO) | SK_BIT(SK_NAME) | SK_BIT(SK_NAME_MATCH) |       \
	 SK_BIT(SK_SCHOOL) | SK_BIT(SK_COUNTY))

struct search {
	unsigned set;               /* SK_BIT of every parameter given */
	const char *id_number;      /* canonical (upper case; a resident number as 18 characters) */
	const char *id_alt;         /* the number as typed (type Z keeps its case), compared too */
	const char *student_no;     /* upper case */
	const char *name;           /* a prefix, or the exact name when name_exact */
	const char *name_like;      /* name with \ escaped for LIKE (wildcards are refused) */
	const char *name_pattern;   /* the LIKE pattern: name_like then % (prefix), or name_like alone (exact) */
	int name_exact;
	int name_wide;              /* a one-character prefix (a surname: a few % of all names; the ministry reads it on sql/396) */
	const char *birth_date, *gender, *school, *county, *status, *type, *state, *member_state, *due_before;
	int rejected, overdue;
	const char *filter;         /* rejected | overdue */
	uint32_t school_id;         /* the school's unit id, resolved by the caller (0 until then) */
};

/* The parameter's name in the query string. */
const char *search_key_name(enum search_key k);
/* Check and normalise one parameter into s (strings in arena a). 0 when good; else -1 with *reason (stable code)
 * and the messages in Chinese and English. v is the decoded value (never NULL). Pure. */
int search_set(struct search *s, struct arena *a, enum search_key k, const char *v, const char **reason, const char **zh,
	       const char **en);
/* After every search_set: checks between parameters (name_match without name). 0 or -1 as search_set, *key the
 * parameter named. */
int search_finish(struct search *s, enum search_key *key, const char **reason, const char **zh, const char **en);
/* Read the parameters `keys` (SK_BIT set) of the request's query into s (zeroed first). A bad value fills w with 422
 * naming the parameter (error.field) and its reason (error.reason); returns XE_VALIDATION. Parameters of other lists
 * are not read. */
enum xerr search_read(struct req *r, struct resp *w, unsigned keys, struct search *s);
/* config_today as YYYY-MM-DD (arena): the reference day of "overdue" (R24). */
const char *search_today(struct arena *a);
/* The list name a cursor of this list with these filters is signed for: `list` when none, else list~digest. */
const char *search_list_name(struct arena *a, const char *list, const struct search *s);

#endif
