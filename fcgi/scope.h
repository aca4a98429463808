/* scope: the caller's jurisdiction (SPEC R1-R3) as one SQL filter on the unit path, for every module's queries.
 *
 * Every scoped table carries the path of the unit it belongs to (province_code, city_code, county_code and a
 * school/unit id), so the caller's jurisdiction is one indexed comparison chosen by the caller's unit level:
 *   ministry (level 0)  -> no filter            (SCOPE_ALL, bound value NULL, SQL "(? IS NULL)")
 *   province (level 1)  -> province_code = '13' (also provincial API credentials)
 *   city (level 2)      -> city_code = '1301'
 *   county (level 3)    -> county_code = '130102'
 *   school (level 4)    -> <school column> = unit_id
 * Usage (in a db_*.c file): declare the statement once per kind with SCOPE_SQL and bind scope_arg(who) at the
 * placeholder it puts in the WHERE clause; index the array with scope_kind_of(who):
 *
 *   static const struct db_sql Q_GET[SCOPE_N] =
 *       SCOPE_SQL("SELECT s.id FROM student s WHERE s.id = ? AND ", "s", "school_id", "");
 *   db_exec(db, a, &Q_GET[scope_kind_of(who)], DB_ARGS(DBI(id), scope_arg(who)), &rows, NULL, NULL);
 *
 * A row outside the jurisdiction is then simply not found: answer 404 (never reveal that it exists). */
#ifndef XJ_SCOPE_H
#define XJ_SCOPE_H
#include <stdint.h>
#include "http.h"
#include "db.h"
#include "arena.h"

enum scope_kind { SCOPE_ALL = 0, SCOPE_PROVINCE, SCOPE_CITY, SCOPE_COUNTY, SCOPE_SCHOOL };
#define SCOPE_N 5

/* Five statements, one per scope kind: head + filter + tail. The filter has exactly one placeholder.
 * alias is the table alias whose path columns are compared; school_col its column holding the school's
 * unit id (e.g. "school_id"; "id" for the unit table itself). */
#define SCOPE_SQL(head, alias, school_col, tail) \
	{ \
		{head "(? IS NULL)" tail}, \
		{head alias ".province_code = ?" tail}, \
		{head alias ".city_code = ?" tail}, \
		{head alias ".county_code = ?" tail}, \
		{head alias "." school_col " = ?" tail}, \
	}

/* The same for a statement whose filter appears several times or mid-statement: F(C) is a macro building the SQL
 * around the filter C (one placeholder each time it appears; bind scope_arg(p) at each). */
#define SCOPE_EACH(F, alias, school_col) \
	{ \
		{F("(? IS NULL)")}, \
		{F(alias ".province_code = ?")}, \
		{F(alias ".city_code = ?")}, \
		{F(alias ".county_code = ?")}, \
		{F(alias "." school_col " = ?")}, \
	}

/* Kind of filter for a principal (by its unit level). p must not be NULL. */
enum scope_kind scope_kind_of(const struct principal *p);
/* Name of the compared path column ("province_code", "city_code", "county_code", "school"), NULL for SCOPE_ALL. */
const char *scope_column(const struct principal *p);
/* The value to bind at the SCOPE_SQL placeholder: NULL (all), the code string, or the school's unit id.
 * Strings point into p (arena-owned). */
struct db_arg scope_arg(const struct principal *p);
/* The caller's unit in the counter tree (count_group.unit_key, sql/320_counters.sql; issue 13 item 3): "" for the
 * ministry, the province, city or county code, "<county code>/<school id>" for a school. Every unit below has the
 * caller's key as its prefix. Arena-owned. */
const char *scope_unit_key(const struct principal *p, struct arena *a);
/* The same decision in C, for a unit path already in hand: 1 if the unit (its path codes and id) lies within
 * p's jurisdiction. NULL codes are "none" (a ministry or province unit has no county_code). */
int scope_contains(const struct principal *p, const char *province_code, const char *city_code, const char *county_code,
		   uint32_t unit_id);

#endif
