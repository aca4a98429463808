/* detect_min: the R15 check of the group being settled: does the changed student still clash with the other members of that group? (New clashes elsewhere: registry_detect_student, run by the workflow in the same transaction.) */
#include "detect.h"
#include "db_detect_min.h"
#include <string.h>

enum xerr registry_redetect(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, int *still_clashes)
{
	const char *type = NULL;
	long long n = 0;
	enum xerr e = db_detect_min_group_type(db, a, group_id, &type);
	*still_clashes = 0;
	if (e != XE_OK || !type)
		return e;
	if (strcmp(type, "id_dup") == 0) {
		e = db_detect_min_id_clashes(db, a, student_id, group_id, &n);
		*still_clashes = n > 0;
		return e;
	}
	if (strcmp(type, "nbg_dup") == 0) {
		e = db_detect_min_nbg_clashes(db, a, student_id, group_id, &n);
		*still_clashes = n > 0;
		return e;
	}
	const char *id_type, *id_number, *gender, *verify, *reg, *id_check;
	e = db_detect_min_student(db, a, student_id, &id_type, &id_number, &gender, &verify, &reg, &id_check);
	if (e != XE_OK || !id_type)
		return e;
	if (strcmp(type, "id_error") == 0) {
		/* R8.2: still malformed, or the register still says not-exist / name-mismatch for these values */
		if (id_type[0] != '1')
			return XE_OK;
		/* the stored check result: the change wrote it through the registration's checks (change.c, idcheck) */
		*still_clashes = (id_check && strcmp(id_check, "ok") != 0) ||
				 (verify && (!strcmp(verify, "not_exist") || !strcmp(verify, "name_mismatch")));
		return XE_OK;
	}
	/* id_changed (R11): resolved once the record carries the register's current number */
	*still_clashes = verify && !strcmp(verify, "changed") && (!id_number || !reg || strcmp(id_number, reg) != 0);
	return XE_OK;
}
