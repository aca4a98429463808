/* dedup: pure rules of the national duplicate check (SPEC R2, R5, R7-R9): clash keys, the common superior
 * of counties, student numbers, ID masking, and an in-memory reference detector. No allocation outside the
 * caller's arena; thread-safe. The database version of the same rules is in db_registry.c. */
#ifndef XJ_DEDUP_H
#define XJ_DEDUP_H
#include <stddef.h>
#include "arena.h"
#include "workflow.h"

/* Problem types (R8): enum wf_type of workflow.h, the one list (wf_type_name, wf_type_parse). */

/* Member states that still need someone to act (SPEC s.6); a member in one of them keeps the group open,
 * and is closed by the system when its clash disappears. */
int dedup_member_active(const char *state);

/* R7 key for name + gender + date of birth: "name|G|YYYY-MM-DD" into out (outsz >= 64 + name bytes).
 * Names never contain '|' (student_validate refuses it), so the key is unambiguous. Returns out. */
char *dedup_nbg_key(const char *name, char gender, const char *birth_iso, char *out, size_t outsz);

/* R2 common superior of n county codes (6 digits each, n >= 1): writes the 6-digit division code of the
 * lowest unit containing all of them into code_out (the county itself when all are equal; the city
 * "CCCC00" when they share the first 4 digits; the province "PP0000" when they share 2; else the
 * ministry "000000") and returns the scope level: 3 county, 2 city, 1 province, 0 ministry. */
int dedup_common_superior(const char *const *counties, size_t n, char code_out[7]);
/* (A city part of 90 is a placeholder, not a superior: the province is, as D_SCOPE in db_registry.c decides.) */

/* R5 temporary number: "L" + county(6) + birth YYYYMMDD(8) + seq (4 digits, 0..9999) into out[20].
 * Returns 0, or -1 if an argument is malformed. */
int dedup_l_number(const char *county6, const char *birth_iso, int seq, char out[20]);
/* The 15-character prefix "L" + county + birth of the above into out[16]. 0 or -1. */
int dedup_l_prefix(const char *county6, const char *birth_iso, char out[16]);
/* R5 formal number: "G" + the 18-character resident ID number into out[20]. 0, or -1 if id is not 18 chars. */
int dedup_g_number(const char *id18, char out[20]);

/* Mask an ID number for lists (group members' short facts): keep the first 4 and last 4 characters,
 * replace the middle with '*' ("130102201503041234" -> "1301**********1234"). Shorter numbers
 * (< 9 chars) keep only the first and last character. NULL or "" gives "". Returns out. */
char *dedup_mask_id(const char *id, char *out, size_t outsz);
/* Mask a student number by the same rule (R5): a G number is "G" + the resident ID number, so its ID part is
 * masked as dedup_mask_id does ("G130102201503041234" -> "G1301**********1234"); an L number carries only the
 * school's region and the birth date, both short facts (R26), and is copied. NULL gives "". Returns out. */
char *dedup_mask_student_no(const char *no, char *out, size_t outsz);
/* Mask a person's name for lists by the same idea (issue 17 item 3: the guardian beside a suspected pair): keep the
 * first character (the surname) and, from three characters on, the last; each character between, or the second of
 * two, becomes one '*' ("张伟" -> "张*", "李晓明" -> "李*明", "欧阳娜娜" -> "欧**娜"); one character gives "*".
 * Characters are UTF-8 sequences (an invalid byte counts as one). NULL, "" or out too small gives "". Returns out. */
char *dedup_mask_name(const char *name, char *out, size_t outsz);

/* One record for the in-memory reference detector. */
struct dedup_rec {
	const char *name;
	char gender;            /* 'M' / 'F' */
	const char *birth;      /* YYYY-MM-DD */
	char id_type;           /* R4 code */
	const char *id_number;  /* normalised, NULL or "" when none */
	int id_malformed;       /* type '1' number failed idcheck (R8.2) */
	int live;               /* not deleted */
};
/* One clash found: type and member indexes into the input array (ascending). */
struct dedup_clash {
	enum wf_type type;
	const char *key;        /* ID number, nbg key, or "#<index>" for an ID error */
	size_t n;
	size_t *members;
};
/* Reference detector over n records (R7-R9 without the population register):
 *   ID duplicate: two or more live type-'1' records with the same non-empty number;
 *   name+gender+birth duplicate: two or more live records with the same nbg key, at least one of which is
 *     not type '1' ([decision] R7: compared with every live record whatever its type);
 *   ID error: a live type-'1' record whose number is malformed (one member).
 * Clashes are returned in a deterministic order (by type, then by first member). All memory from a.
 * Returns the number of clashes and sets *out. Used by the import dry run and by the unit tests. */
size_t dedup_find(struct arena *a, const struct dedup_rec *recs, size_t n, struct dedup_clash **out);

#endif
