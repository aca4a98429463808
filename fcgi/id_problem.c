/* id_problem: an ID error's cause in words (R8.2 check, R10 register finding); see id_problem.h. */
#include "id_problem.h"
#include "idcheck.h"
#include <string.h>

static const enum id_result checks[] = {ID_ERR_EMPTY, ID_ERR_LENGTH, ID_ERR_CHARS, ID_ERR_PROVINCE,
					ID_ERR_DATE, ID_ERR_CHECKSUM, ID_ERR_GENDER, ID_ERR_TYPE};

int id_problem_of(const char *id_type, const char *id_check, const char *verify_state, int same_no, int same_name,
		  struct id_problem *p)
{
	if (id_type && strcmp(id_type, "1") == 0 && id_check && strcmp(id_check, "ok") != 0) {
		for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
			if (strcmp(id_check, idcheck_code(checks[i])) == 0) {
				p->code = idcheck_code(checks[i]);
				p->message = idcheck_message_zh(checks[i]);
				p->message_en = idcheck_message_en(checks[i]);
				return 1;
			}
		p->code = "id_invalid";
		p->message = "身份证件号错误";
		p->message_en = "ID number is invalid";
		return 1;
	}
	if (!verify_state || !same_no)
		return 0;
	if (strcmp(verify_state, "not_exist") == 0) {
		p->code = "not_in_register";
		p->message = "户籍系统中没有这个身份证件号";
		p->message_en = "The population register has no such ID number";
		return 1;
	}
	if (strcmp(verify_state, "name_mismatch") == 0 && same_name) {
		p->code = "name_mismatch";
		p->message = "姓名与户籍系统中该身份证件号登记的姓名不一致";
		p->message_en = "The name differs from the name the population register holds for this ID number";
		return 1;
	}
	return 0;
}
