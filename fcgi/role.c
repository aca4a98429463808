/* role: role names (SPEC R3), the one table. */
#include "role.h"
#include <stdio.h>
#include <string.h>

static const char *const names[] = {"school_clerk", "school_leader", "county", "bureau", "admin", "province_api"};
#define NROLES (sizeof names / sizeof *names)

const char *role_name(enum role r)
{
	for (size_t i = 0; i < NROLES; i++)
		if ((unsigned)r == (1u << i))
			return names[i];
	return "unknown";
}

enum role role_parse(const char *s)
{
	for (size_t i = 0; s && i < NROLES; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum role)(1u << i);
	return (enum role)0;
}

void role_list(unsigned roles, char *out, size_t n)
{
	out[0] = 0;
	if (roles == ROLES_PUBLIC) {
		snprintf(out, n, "public");
		return;
	}
	for (size_t i = 0; i < NROLES; i++)
		if (roles & (1u << i)) {
			if (*out)
				strncat(out, ",", n - strlen(out) - 1);
			strncat(out, names[i], n - strlen(out) - 1);
		}
}
