/* db_detect_min: SQL of the minimal re-detection stand-in (detect_min.c); deleted with it when the registry's detection lands. */
#ifndef XJ_DB_DETECT_MIN_H
#define XJ_DB_DETECT_MIN_H
#include <stdint.h>
#include "db.h"

/* The group's type name ("id_dup", ...) into the arena; NULL if no such group. */
enum xerr db_detect_min_group_type(struct db *db, struct arena *a, uint64_t group_id, const char **type);
/* Other live members of group_id (not deleted/changed, record not deleted) sharing the student's
 * resident ID number (R7: type 1 with a number). */
enum xerr db_detect_min_id_clashes(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, long long *n);
/* Other live members sharing name, gender and birth date where at least one of the pair is not matched
 * on a resident ID number (R7). */
enum xerr db_detect_min_nbg_clashes(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, long long *n);
/* The student's id_type, id_number (NULL if none), gender, verify_state, register_id_number and id_check (the stored
 * R8.2 result of idcheck, written by every registration and change). */
enum xerr db_detect_min_student(struct db *db, struct arena *a, uint64_t student_id, const char **id_type,
				const char **id_number, const char **gender, const char **verify_state,
				const char **register_id_number, const char **id_check);

#endif
