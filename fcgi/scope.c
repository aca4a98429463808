/* scope: jurisdiction filters from the principal's unit level (pure). */
#include "scope.h"
#include <assert.h>
#include <string.h>

enum scope_kind scope_kind_of(const struct principal *p)
{
	assert(p);
	switch (p->unit_level) {
	case LEVEL_MINISTRY:
		return SCOPE_ALL;
	case LEVEL_PROVINCE:
		return SCOPE_PROVINCE;
	case LEVEL_CITY:
		return SCOPE_CITY;
	case LEVEL_COUNTY:
		return SCOPE_COUNTY;
	case LEVEL_SCHOOL:
		return SCOPE_SCHOOL;
	}
	assert(!"unit level out of range");
	return SCOPE_SCHOOL; /* narrowest, should the impossible happen */
}

const char *scope_column(const struct principal *p)
{
	static const char *const cols[SCOPE_N] = {NULL, "province_code", "city_code", "county_code", "school"};
	return cols[scope_kind_of(p)];
}

struct db_arg scope_arg(const struct principal *p)
{
	switch (scope_kind_of(p)) {
	case SCOPE_ALL:
		return DBNULL;
	case SCOPE_PROVINCE:
		assert(p->province_code);
		return DBS(p->province_code);
	case SCOPE_CITY:
		assert(p->city_code);
		return DBS(p->city_code);
	case SCOPE_COUNTY:
		assert(p->county_code);
		return DBS(p->county_code);
	case SCOPE_SCHOOL:
		break;
	}
	return DBI(p->unit_id);
}

const char *scope_unit_key(const struct principal *p, struct arena *a)
{
	switch (scope_kind_of(p)) {
	case SCOPE_ALL:
		return "";
	case SCOPE_PROVINCE:
	case SCOPE_CITY:
	case SCOPE_COUNTY:
		return scope_arg(p).s;
	case SCOPE_SCHOOL:
		break;
	}
	assert(p->county_code);
	return arena_printf(a, "%s/%u", p->county_code, (unsigned)p->unit_id);
}

static int eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

int scope_contains(const struct principal *p, const char *province_code, const char *city_code, const char *county_code,
		   uint32_t unit_id)
{
	switch (scope_kind_of(p)) {
	case SCOPE_ALL:
		return 1;
	case SCOPE_PROVINCE:
		return eq(p->province_code, province_code);
	case SCOPE_CITY:
		return eq(p->city_code, city_code);
	case SCOPE_COUNTY:
		return eq(p->county_code, county_code);
	case SCOPE_SCHOOL:
		break;
	}
	return unit_id == p->unit_id;
}
