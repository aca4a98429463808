/* change: R15 changes of a record's identity, checked and applied through the registration's own code (student_validate,
 * idcheck): the ID check result (R8.2), gender parity and birth-date consistency, the student number (R5) and stale
 * register findings (R10) are derived again from the new values, so a corrected record never comes back (issue 11). */
#ifndef XJ_CHANGE_H
#define XJ_CHANGE_H
#include <stdint.h>
#include <cjson/cJSON.h>
#include "db.h"

/* A refusal of a change: err (XE_VALIDATION or XE_CONFLICT), the field ("changes.<name>" or a record field), a stable
 * code and the message in Chinese and English (static or arena strings). err == XE_OK: no refusal. */
struct change_err {
	enum xerr err;
	const char *field, *code, *zh, *en;
};

/* The fields a change may touch (R15): name, gender, birth_date, id_type, id_number. */
#define CHANGE_FIELDS "name, gender, birth_date, id_type, id_number"

/* Check the requested changes (a JSON object of new values; id_number may be null) against record student_id: the
 * record that would result must pass the registration's checks (student_validate, today in China), and a resident ID
 * number must pass R8.2 (check character, date not in the future nor before 1900, province, gender parity) and agree
 * with the date of birth. Returns the database error, else XE_OK with either *why filled (a refusal) or *proposed the
 * canonical JSON of the fields that change (arena). */
enum xerr change_check(struct db *db, struct arena *a, uint64_t student_id, const cJSON *changes, const char **proposed,
		       struct change_err *why);

/* Give student_id the approved values of proposed (change_check's JSON), inside the caller's transaction: every field is
 * validated again as at registration; id_check follows the new number and gender; an L number is re-issued when the
 * date of birth changed (R5: L + county + birth date; a G number is for life); a register finding about the old number
 * or name no longer counts (R10). Does not run detection (the caller does, in the same transaction). *why filled when the
 * values no longer pass (the record changed meanwhile: XE_CONFLICT). */
enum xerr change_apply(struct db *db, struct arena *a, uint64_t student_id, const char *proposed, struct change_err *why);

#endif
