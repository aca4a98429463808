/* id_problem: what is wrong with a record of an ID-error group (R8.2, R10), in words: the failed check of its
 * resident number (check digit, date, region, gender parity, length, characters) or the register's finding
 * (not in the register, name mismatch). One place for the code and both languages' texts. */
#ifndef XUEJI_ID_PROBLEM_H
#define XUEJI_ID_PROBLEM_H

struct id_problem {
	const char *code;       /* id_checksum, id_date, id_province, id_gender, ..., not_in_register, name_mismatch */
	const char *message;    /* Chinese */
	const char *message_en; /* English */
};

/* What makes the record an ID error right now. id_type/id_check/verify_state as stored; same_no: the register's
 * finding is about the record's current number; same_name: about its current name. Returns 0 (p untouched) when
 * nothing is wrong. */
int id_problem_of(const char *id_type, const char *id_check, const char *verify_state, int same_no, int same_name,
		  struct id_problem *p);

#endif
