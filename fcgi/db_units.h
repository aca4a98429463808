/* db_units: SQL of schools as living data (issue 16, R1): create, edit and close the schools of a county. Strings
 * returned are allocated in the caller's arena. */
#ifndef XJ_DB_UNITS_H
#define XJ_DB_UNITS_H
#include <stdint.h>
#include "db.h"
#include "http.h"

/* A school (unit level 4) as the API shows it. */
struct db_school {
	uint32_t id, county_id;
	const char *code, *name, *type, *address, *closed_at, *county_code, *county_name, *province_code, *city_code;
	unsigned version;
};
/* A county (level 3) by code with its path; *found 0 if none. */
enum xerr db_units_county(struct db *db, struct arena *a, const char *code, struct db_school *c, int *found);
/* A school by id within who's jurisdiction (scope.h); *found 0 if none (or outside: R3 answers alike). */
enum xerr db_units_school(struct db *db, struct arena *a, const struct principal *who, uint32_t id, struct db_school *s,
			  int *found);
/* A school by its code whatever the caller's scope (the caller checks with scope_contains); *found 0 if none. */
enum xerr db_units_school_by_code(struct db *db, struct arena *a, const char *code, struct db_school *s, int *found);
/* Insert a school under county c (inside a transaction); XE_DUPLICATE if the code is taken. */
enum xerr db_units_school_create(struct db *db, const struct db_school *c, const char *code, const char *name, const char *type,
				 const char *address, uint32_t *id);
/* Edit name/type/address (NULL = keep) at version; *changed 0 if the version did not match. */
enum xerr db_units_school_update(struct db *db, uint32_t id, unsigned version, const char *name, const char *type,
				 const char *address, int *changed);
/* Live records (not deleted) of a school and its members in unfinished groups. */
enum xerr db_units_school_load(struct db *db, struct arena *a, uint32_t id, long long *records, long long *open_members);
/* Close a school at version (only an open one): *changed 0 otherwise; disables its users (their sessions end). */
enum xerr db_units_school_close(struct db *db, uint32_t id, unsigned version, int *changed);
/* Issue 15 item 3 (R1): inside the close's transaction, after the school was found without live records: each of its
 * student-counter rows a new record would change (count_school kind 's', every status a live record has, every shard)
 * is written, +1 then -1, so that a registration into the school in flight through another Galera node (which changes
 * one of them) and the close conflict at certification. The record's foreign key to the school does not: Galera
 * certifies the child's reference and the school row's update as a dependency, not a conflict. */
enum xerr db_units_school_claim(struct db *db, uint32_t id);
/* Merger within a county (issue 16 item 2): move every record of school `from` (at version, open) and its group members
 * to the open school `into`, one history event per record (R25). *changed 1 done, 0 `from` changed meanwhile, -1 `into`
 * is closed (nothing changed). Counties are unchanged, so the open groups' arbiters (R2), due dates and the county's
 * queues stay as they are; the school queues follow the members. Inside a transaction. */
enum xerr db_units_school_merge(struct db *db, struct arena *a, uint32_t from, unsigned version, uint32_t into,
				uint64_t user_id, const char *role, const char *reason, long long *moved, int *changed);

/* What a re-districting moved. */
struct db_units_moved {
	int changed;                 /* 0: the school changed meanwhile (or closed): nothing moved */
	long long records, members, groups, arbiters_changed;
};
/* Re-districting (issue 16 item 2, R1 R2 R24 R25): school id (at version, open) moves under county (same province):
 * its path, every record (a school_moved history event each) and group member follow; the open groups it is in get
 * their scope and arbiter recomputed (R2, DB_R2_GROUPS), and each whose arbiter changed an arbiter_changed event, a new
 * version and, when awaiting arbitration, a fresh arbitration due date; suspect pairs (R31) follow. The members' own
 * due dates follow them unchanged (the county queues and overdue lists are by the member's county). Inside a
 * transaction. */
enum xerr db_units_school_move(struct db *db, struct arena *a, uint32_t id, unsigned version, const struct db_school *county,
			       uint64_t user_id, const char *role, const char *reason, struct db_units_moved *out);

/* A division unit (level 1-3) by code, retired or not. Strings in a. */
struct db_division {
	uint32_t id;
	int level, retired;
	const char *name, *province, *city, *county;
	const char *replaced_by; /* code of the unit that took a retired one's place */
};
enum xerr db_units_division(struct db *db, struct arena *a, const char *code, struct db_division *u, int *found);
/* Codes (column 0) of the live counties under unit id. */
enum xerr db_units_division_children(struct db *db, struct arena *a, uint32_t id, struct db_rows *codes);
/* A new division unit (id = its code as a number, the seed's convention) under parent_id with its path. */
enum xerr db_units_division_add(struct db *db, const char *code, int level, const char *name, uint32_t parent_id,
				const char *province, const char *city, const char *county);
enum xerr db_units_division_rename(struct db *db, uint32_t id, const char *name);
/* What a mapping moved. */
struct db_units_mapped {
	long long schools, records, members, users, groups, arbiters_changed;
};
/* Division mapping (issue 16 item 3): unit `from` (code from_code) ceases into `to` (same level). A county's schools,
 * records (history division_changed each, reason), group members and suspect pairs take to's path; the open groups
 * they are in get R2 recomputed (arbiter_changed as for a school move); the users of `from` belong to `to`; `from`
 * is retired (replaced_by to). A city only passes its users on (its counties must cease first). Inside a transaction. */
enum xerr db_units_division_map(struct db *db, struct arena *a, const char *from_code, const struct db_division *from,
				const struct db_division *to, const char *reason, struct db_units_mapped *out);

#endif
