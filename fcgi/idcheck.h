/* idcheck: validation of Chinese ID numbers (SPEC R8.2), the one ID check of the service: a pure core that takes today's
 * date (idcheck_resident_at) and wrappers that use today (idcheck_today). No allocation; thread-safe. */
#ifndef XUEJI_IDCHECK_H
#define XUEJI_IDCHECK_H

#include <stddef.h>

/* Result of a check, in the order the checks run (the first failure is returned). */
enum id_result {
    ID_OK = 0,
    ID_ERR_EMPTY,    /* no number where one is required */
    ID_ERR_LENGTH,   /* wrong length for the type */
    ID_ERR_CHARS,    /* a character not allowed at its place (incl. whitespace, non-ASCII, NUL) */
    ID_ERR_PROVINCE, /* first two digits are no province code (R8.2) */
    ID_ERR_DATE,     /* embedded date of birth impossible, before 1900 or after today (R8.2) */
    ID_ERR_CHECKSUM, /* ISO 7064 MOD 11-2 check character wrong (R8.2) */
    ID_ERR_GENDER,   /* 17th digit parity clashes with the recorded gender (R8.2) */
    ID_ERR_TYPE      /* unknown ID type code (R4) */
};

/* The ID types of SPEC R4 (证件类型), the one table: their codes, their names in both languages (the student file may
 * give a type by its Chinese name) and the number's length in characters (min_len 0: the number may be left empty;
 * types '1' and '9' take exactly 15 or 18). GET /api/v1/rules serves it as id_types: the app's choices and labels
 * are drawn from there, and its live check (web/js/idcheck.js) is tested against these lengths. */
struct idcheck_type {
    char code;
    const char *zh, *en;
    unsigned min_len, max_len;
};
extern const struct idcheck_type idcheck_types[];
extern const size_t idcheck_types_count;
/* The type whose code is code (exact, upper case), or NULL. */
const struct idcheck_type *idcheck_type_of(char code);

/* Years accepted in an embedded date of birth; a date after today is refused as well (idcheck_resident_at). */
#define IDCHECK_YEAR_MIN 1900
#define IDCHECK_YEAR_MAX 2099

/* Today in the registry's time zone (config_today: XJ_TZ_OFFSET_MINUTES) as YYYYMMDD: the reference date of every
 * check of a date of birth (R8.2). */
int idcheck_today(void);

/* Size of the out buffer idcheck_by_type needs for any type (longest: 'Z', 30 chars + NUL; a unit test checks it
 * against idcheck_types). */
#define IDCHECK_OUT_MAX 31

/* Normalise and validate a resident ID number (ID type '1', SPEC R4/R8.2).
 * in/len: the number, exactly len bytes (need not be NUL-terminated; in may be NULL if len is 0).
 *   No trimming: whitespace is ID_ERR_CHARS (or ID_ERR_LENGTH if the length is already wrong).
 * Accepts 18 chars (17 digits + digit/X/x; x is normalised to X) or the 15-digit legacy form,
 *   which is converted: "19" inserted before the year, check character computed (so a legacy
 *   number never yields ID_ERR_CHECKSUM).
 * Province (first two digits): 11-15,21-23,31-37,41-46,50-54,61-65; an 18-char number may also
 *   start 81/82/83 (residence permits of Hong Kong, Macao and Taiwan residents, registered under
 *   type '1'); a 15-digit legacy number may not (permits are 18-char only, since 2018).
 * gender: 'M' or 'F' (lower case accepted) checks the 17th digit (odd male, even female);
 *   0 means unchecked. Any other value is a caller bug (assert; with NDEBUG: unchecked).
 * out (19 bytes, required): the canonical 18-char number, NUL-terminated, whenever length and
 *   characters are right (result ID_OK, _PROVINCE, _DATE, _CHECKSUM or _GENDER), so that even a
 *   malformed number has a canonical form for duplicate matching (R7); "" otherwise.
 * birth_out (9 bytes, optional, may be NULL): YYYYMMDD when length and characters are right and
 *   the embedded date is valid, whatever else fails; "" otherwise.
 * The embedded date must be a real date from 1900-01-01 to today (a birth in the future, e.g. 2099-12-31,
 *   is ID_ERR_DATE like any impossible date). Uses idcheck_today().
 * Order of checks: empty, length, characters, province, date, checksum, gender. */
enum id_result idcheck_resident(const char *in, size_t len, char gender, char out[19],
                                char birth_out[9]);
/* The same with today given as YYYYMMDD (pure: for tests and for callers holding one reference date). */
enum id_result idcheck_resident_at(const char *in, size_t len, char gender, char out[19],
                                   char birth_out[9], int today);

/* ISO 7064 MOD 11-2 check character over 17 ASCII digits (weights 7 9 10 5 8 4 2 1 6 3 7 9 10
 * 5 8 4 2, sum mod 11 indexes "10X98765432"). Returns '0'-'9' or 'X'; 0 if a char is no digit. */
char idcheck_check_char(const char first17[17]);

/* 1 if y-m-d is a real proleptic Gregorian date (29 Feb only in leap years) with 1 <= y <= 9999,
 * else 0. The ID year range is checked separately (IDCHECK_YEAR_MIN/MAX). */
int idcheck_valid_date(int y, int m, int d);

/* 1 if two_digits is a province code 11-15,21-23,31-37,41-46,50-54,61-65; with permit != 0 also
 * 81/82/83 (Hong Kong/Macao/Taiwan residence permits). 71 (Taiwan) and all else: 0. */
int idcheck_province_ok(int two_digits, int permit);

/* Validate and normalise an ID number by ID type code (SPEC R4):
 *   '1' resident ID: idcheck_resident (81/82/83 permits accepted, see above).
 *   '6' '7' '8' Hong Kong / Macao / Taiwan documents: 5-20 chars of [A-Za-z0-9()-], upper-cased.
 *   '9' foreign permanent residence ID: 18 chars, '9' + 16 digits + digit/X/x with MOD 11-2
 *       check (2023 format), or 15 chars: 3 letters + 12 digits (2017 format), upper-cased.
 *       A wrong first digit of an 18-char number is ID_ERR_CHARS.
 *   'A' passport: 5-20 ASCII letters/digits, upper-cased.
 *   'Z' other: may be empty (ID_OK, out ""); else at most 30 graphic ASCII chars (0x21-0x7E),
 *       kept as given.
 *   anything else: ID_ERR_TYPE.
 * Empty input is ID_ERR_EMPTY for all types but 'Z'. gender is checked for type '1' only
 * (same contract as idcheck_resident); birth_out (optional) is filled for type '1' only, else "".
 * out (required) must hold outsz >= IDCHECK_OUT_MAX bytes (assert); it receives the normalised
 * number on ID_OK (and as idcheck_resident for type '1'), else "". */
enum id_result idcheck_by_type(char id_type, const char *in, size_t len, char gender, char *out,
                               size_t outsz, char birth_out[9]);

/* Stable machine code for r: "ok", "id_empty", "id_length", "id_chars", "id_province",
 * "id_date", "id_checksum", "id_gender", "id_type"; "id_unknown" for a value outside the enum.
 * Static strings, never free. */
const char *idcheck_code(enum id_result r);

/* Message for screens, Chinese and English. Static strings, never free. */
const char *idcheck_message_zh(enum id_result r);
const char *idcheck_message_en(enum id_result r);

#endif
