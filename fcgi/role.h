/* role: the roles of SPEC R3 as bits, and their names (the one table of role names). */
#ifndef XJ_ROLE_H
#define XJ_ROLE_H
#include <stddef.h>

/* Roles (SPEC R3) as bits, so a route can name the set it admits. */
enum role {
	ROLE_SCHOOL_CLERK = 1u << 0,   /* 学校学籍管理员 */
	ROLE_SCHOOL_LEADER = 1u << 1,  /* 学校学籍主管领导 */
	ROLE_COUNTY = 1u << 2,         /* county bureau clerk: reviews (核办) */
	ROLE_BUREAU = 1u << 3,         /* city/province/ministry bureau: arbitration, statistics */
	ROLE_ADMIN = 1u << 4,          /* manages users below its unit */
	ROLE_PROVINCE_API = 1u << 5,   /* provincial system credential (R29) */
};
#define ROLES_PUBLIC 0u            /* route needs no authentication */
#define ROLES_HUMAN (ROLE_SCHOOL_CLERK | ROLE_SCHOOL_LEADER | ROLE_COUNTY | ROLE_BUREAU | ROLE_ADMIN)
#define ROLES_ALL (ROLES_HUMAN | ROLE_PROVINCE_API)

/* The role's name as stored and answered ("school_clerk" ... "province_api"); "unknown" for anything but one bit. */
const char *role_name(enum role r);
/* The role named s, or 0 if s (may be NULL) names none. */
enum role role_parse(const char *s);
/* The names of a set of roles joined by ',' ("public" for ROLES_PUBLIC) into out (always terminated). */
void role_list(unsigned roles, char *out, size_t n);

#endif
