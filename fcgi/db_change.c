/* db_change: SQL of change.c (R15). */
#include "db_change.h"

static const struct db_sql Q_GET = {
	"SELECT s.name, s.gender, DATE_FORMAT(s.birth_date,'%Y-%m-%d'), s.id_type, s.id_number, sch.code, s.grade, s.class_name,"
	" DATE_FORMAT(s.enrol_date,'%Y-%m-%d'), s.guardian_phone, s.student_no, s.status, s.county_code"
	" FROM student s JOIN unit sch ON sch.id = s.school_id WHERE s.id = ?"};
static const struct db_sql Q_GET_LOCK = {
	"SELECT s.name, s.gender, DATE_FORMAT(s.birth_date,'%Y-%m-%d'), s.id_type, s.id_number, sch.code, s.grade, s.class_name,"
	" DATE_FORMAT(s.enrol_date,'%Y-%m-%d'), s.guardian_phone, s.student_no, s.status, s.county_code"
	" FROM student s JOIN unit sch ON sch.id = s.school_id WHERE s.id = ? FOR UPDATE"};
static const struct db_sql Q_WRITE = {
	"UPDATE student SET"
	" verify_state = IF(NOT (id_number <=> ?) OR (NOT (name <=> ?) AND verify_state = 'name_mismatch'), 'unverified', verify_state),"
	" name = ?, gender = ?, birth_date = ?, id_type = ?, id_number = ?, id_check = ?, student_no = ?,"
	" version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = ?"};

enum xerr db_change_get(struct db *db, struct arena *a, uint64_t student_id, int locking, struct change_row *r, int *found)
{
	struct db_rows rs;
	*found = 0;
	enum xerr e = db_exec(db, a, locking ? &Q_GET_LOCK : &Q_GET, DB_ARGS(DBI(student_id)), &rs, NULL, NULL);
	if (e != XE_OK || rs.n == 0)
		return e;
	const char **f[] = {&r->name, &r->gender, &r->birth, &r->id_type, &r->id_number, &r->school_code, &r->grade,
			    &r->class_name, &r->enrol, &r->phone, &r->student_no, &r->status, &r->county};
	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
		*f[i] = db_get(&rs, 0, i);
	*found = 1;
	return XE_OK;
}

enum xerr db_change_write(struct db *db, uint64_t student_id, const struct student_rec *rec, const char *student_no)
{
	struct db_arg idn = rec->id_number[0] ? DBS(rec->id_number) : DBNULL;
	return db_exec(db, NULL, &Q_WRITE,
		       DB_ARGS(idn, DBS(rec->name), DBS(rec->name), DBSN(&rec->gender, 1), DBS(rec->birth), DBSN(&rec->id_type, 1),
			       idn, DBS(rec->id_check), DBS(student_no), DBI(student_id)),
		       NULL, NULL, NULL);
}
