/* db_detect_min: SQL of the minimal re-detection stand-in; goes away with detect_min.c. */
#include "db_detect_min.h"

static const struct db_sql Q_TYPE = {"SELECT type FROM problem_group WHERE id = ?"};
#define OTHERS \
	" FROM group_member m JOIN student o ON o.id = m.student_id JOIN student s ON s.id = ?" \
	" WHERE m.group_id = ? AND m.student_id <> s.id AND m.state NOT IN ('deleted','changed') AND o.status <> 'deleted'"
static const struct db_sql Q_ID = {"SELECT COUNT(*)" OTHERS
				   " AND s.id_type = '1' AND s.id_number IS NOT NULL AND o.id_type = '1' AND o.id_number = s.id_number"};
static const struct db_sql Q_NBG = {"SELECT COUNT(*)" OTHERS
				    " AND o.name = s.name AND o.gender = s.gender AND o.birth_date = s.birth_date"
				    " AND (s.id_type <> '1' OR s.id_number IS NULL OR o.id_type <> '1' OR o.id_number IS NULL)"};
static const struct db_sql Q_STUDENT = {
	"SELECT id_type, id_number, gender, verify_state, register_id_number, id_check FROM student WHERE id = ?"};

enum xerr db_detect_min_group_type(struct db *db, struct arena *a, uint64_t group_id, const char **type)
{
	struct db_rows rs;
	*type = NULL;
	enum xerr e = db_exec(db, a, &Q_TYPE, DB_ARGS(DBI(group_id)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*type = db_get(&rs, 0, 0);
	return e;
}

static enum xerr count(struct db *db, struct arena *a, const struct db_sql *q, uint64_t student_id, uint64_t group_id,
		       long long *n)
{
	struct db_rows rs;
	*n = 0;
	enum xerr e = db_exec(db, a, q, DB_ARGS(DBI(student_id), DBI(group_id)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*n = db_get_int(&rs, 0, 0);
	return e;
}

enum xerr db_detect_min_id_clashes(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, long long *n)
{
	return count(db, a, &Q_ID, student_id, group_id, n);
}

enum xerr db_detect_min_nbg_clashes(struct db *db, struct arena *a, uint64_t student_id, uint64_t group_id, long long *n)
{
	return count(db, a, &Q_NBG, student_id, group_id, n);
}

enum xerr db_detect_min_student(struct db *db, struct arena *a, uint64_t student_id, const char **id_type,
				const char **id_number, const char **gender, const char **verify_state,
				const char **register_id_number, const char **id_check)
{
	struct db_rows rs;
	*id_type = *id_number = *gender = *verify_state = *register_id_number = *id_check = NULL;
	enum xerr e = db_exec(db, a, &Q_STUDENT, DB_ARGS(DBI(student_id)), &rs, NULL, NULL);
	if (e != XE_OK || !rs.n)
		return e;
	*id_type = db_get(&rs, 0, 0);
	*id_number = db_get(&rs, 0, 1);
	*gender = db_get(&rs, 0, 2);
	*verify_state = db_get(&rs, 0, 3);
	*register_id_number = db_get(&rs, 0, 4);
	*id_check = db_get(&rs, 0, 5);
	return XE_OK;
}
