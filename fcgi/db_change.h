/* db_change: SQL of change.c (R15): read a record's values, write a change with its derived fields. */
#ifndef XJ_DB_CHANGE_H
#define XJ_DB_CHANGE_H
#include <stdint.h>
#include "db.h"
#include "student.h"

/* A record's current values (arena strings; NULL for SQL NULL). */
struct change_row {
	const char *name, *gender, *birth, *id_type, *id_number, *school_code, *grade, *class_name, *enrol, *phone,
		*student_no, *status, *county;
};

/* Record student_id (locking: FOR UPDATE); *found 0 when there is none. */
enum xerr db_change_get(struct db *db, struct arena *a, uint64_t student_id, int locking, struct change_row *r, int *found);

/* Write the identity fields of rec (name, gender, birth, id type and number, id_check) and student_no to student_id; a
 * register finding is reset to unverified when the number changes, or the name of a name-mismatch finding. */
enum xerr db_change_write(struct db *db, uint64_t student_id, const struct student_rec *rec, const char *student_no);

#endif
