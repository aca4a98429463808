/* idcheck: validation and normalisation of ID numbers by type (SPEC R4, R8.2). */
#include "idcheck.h"
#include "config.h"

#include <assert.h>
#include <string.h>

const struct idcheck_type idcheck_types[] = {
    {'1', "居民身份证", "Resident ID card", 15, 18},
    {'6', "香港特区护照/身份证明", "Hong Kong passport/ID", 5, 20},
    {'7', "澳门特区护照/身份证明", "Macao passport/ID", 5, 20},
    {'8', "台湾居民来往大陆通行证", "Taiwan travel permit", 5, 20},
    {'9', "境外永久居住证", "Foreign permanent residence ID", 15, 18},
    {'A', "护照", "Passport", 5, 20},
    {'Z', "其他", "Other", 0, 30},
};
const size_t idcheck_types_count = sizeof idcheck_types / sizeof *idcheck_types;

const struct idcheck_type *idcheck_type_of(char code)
{
    for (size_t i = 0; i < idcheck_types_count; i++)
        if (idcheck_types[i].code == code)
            return &idcheck_types[i];
    return NULL;
}

/* The length range of the type code (a code of the table). */
static int len_ok(char code, size_t len)
{
    const struct idcheck_type *t = idcheck_type_of(code);
    assert(t != NULL);
    return len >= t->min_len && len <= t->max_len;
}

int idcheck_today(void)
{
    int y, m, d;
    wd_to_ymd(config_today(), &y, &m, &d);
    return y * 10000 + m * 100 + d;
}

/* Locale-independent ASCII classes (ctype.h depends on the locale and on signedness). */
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_alnum(char c) { return is_digit(c) || is_upper(c) || is_lower(c); }
static char to_upper(char c) { return is_lower(c) ? (char)(c - 'a' + 'A') : c; }

/* Value of n ASCII digits at s (caller has checked they are digits). */
static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

char idcheck_check_char(const char first17[17])
{
    static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    static const char table[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(first17[i]))
            return 0;
        sum += (first17[i] - '0') * weights[i];
    }
    return table[sum % 11];
}

int idcheck_valid_date(int y, int m, int d)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    return d <= max;
}

int idcheck_province_ok(int two_digits, int permit)
{
    int p = two_digits;
    if ((p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37)
        || (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65))
        return 1;
    return permit && p >= 81 && p <= 83;
}

enum id_result idcheck_resident(const char *in, size_t len, char gender, char out[19],
                                char birth_out[9])
{
    return idcheck_resident_at(in, len, gender, out, birth_out, idcheck_today());
}

enum id_result idcheck_resident_at(const char *in, size_t len, char gender, char out[19],
                                   char birth_out[9], int today)
{
    assert(out != NULL);
    assert(gender == 0 || gender == 'M' || gender == 'F' || gender == 'm' || gender == 'f');
    out[0] = '\0';
    if (birth_out)
        birth_out[0] = '\0';

    if (in == NULL || len == 0)
        return ID_ERR_EMPTY;
    if (len != 18 && len != 15)
        return ID_ERR_LENGTH;

    /* Characters: digits only, except an X/x check character in the 18-char form. */
    for (size_t i = 0; i < len; i++) {
        int last18 = len == 18 && i == 17;
        if (!is_digit(in[i]) && !(last18 && (in[i] == 'X' || in[i] == 'x')))
            return ID_ERR_CHARS;
    }

    /* Canonical 18-char form. */
    int legacy = len == 15;
    if (legacy) {
        memcpy(out, in, 6);
        out[6] = '1';
        out[7] = '9';
        memcpy(out + 8, in + 6, 9);
        out[17] = idcheck_check_char(out);
        assert(out[17] != 0);
    } else {
        memcpy(out, in, 17);
        out[17] = to_upper(in[17]);
    }
    out[18] = '\0';

    int y = digits_value(out + 6, 4), m = digits_value(out + 10, 2), d = digits_value(out + 12, 2);
    int date_ok = y >= IDCHECK_YEAR_MIN && y <= IDCHECK_YEAR_MAX && idcheck_valid_date(y, m, d) &&
                  y * 10000 + m * 100 + d <= today; /* R8.2: nobody is born after today */
    if (date_ok && birth_out) {
        memcpy(birth_out, out + 6, 8);
        birth_out[8] = '\0';
    }

    if (!idcheck_province_ok(digits_value(out, 2), !legacy))
        return ID_ERR_PROVINCE;
    if (!date_ok)
        return ID_ERR_DATE;
    if (idcheck_check_char(out) != out[17])
        return ID_ERR_CHECKSUM;
    int want_male = gender == 'M' || gender == 'm', want_female = gender == 'F' || gender == 'f';
    if (want_male || want_female) {
        int male = (out[16] - '0') % 2 == 1;
        if (male != want_male)
            return ID_ERR_GENDER;
    }
    return ID_OK;
}

/* Copy in[0..len) upper-cased into out (which has room for len + 1). */
static void copy_upper(char *out, const char *in, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = to_upper(in[i]);
    out[len] = '\0';
}

/* Types '6' '7' '8': 5-20 chars (the table's) of [A-Za-z0-9()-]. */
static enum id_result check_hmt(char code, const char *in, size_t len)
{
    if (!len_ok(code, len))
        return ID_ERR_LENGTH;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(in[i]) && in[i] != '(' && in[i] != ')' && in[i] != '-')
            return ID_ERR_CHARS;
    return ID_OK;
}

/* Type '9': 2023 format 18 chars '9'+16 digits+check, or 2017 format 3 letters + 12 digits. */
static enum id_result check_foreign(const char *in, size_t len)
{
    if (len == 18) {
        for (size_t i = 0; i < 17; i++)
            if (!is_digit(in[i]))
                return ID_ERR_CHARS;
        if (in[0] != '9' || !(is_digit(in[17]) || in[17] == 'X' || in[17] == 'x'))
            return ID_ERR_CHARS;
        return idcheck_check_char(in) == to_upper(in[17]) ? ID_OK : ID_ERR_CHECKSUM;
    }
    if (len == 15) {
        for (size_t i = 0; i < 15; i++)
            if (i < 3 ? !(is_upper(in[i]) || is_lower(in[i])) : !is_digit(in[i]))
                return ID_ERR_CHARS;
        return ID_OK;
    }
    return ID_ERR_LENGTH;
}

/* Type 'A': 5-20 (the table's) ASCII letters and digits. */
static enum id_result check_passport(const char *in, size_t len)
{
    if (!len_ok('A', len))
        return ID_ERR_LENGTH;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(in[i]))
            return ID_ERR_CHARS;
    return ID_OK;
}

/* Type 'Z' (non-empty): at most 30 (the table's) graphic ASCII chars. */
static enum id_result check_other(const char *in, size_t len)
{
    if (!len_ok('Z', len))
        return ID_ERR_LENGTH;
    for (size_t i = 0; i < len; i++)
        if (in[i] < 0x21 || in[i] > 0x7E)
            return ID_ERR_CHARS;
    return ID_OK;
}

enum id_result idcheck_by_type(char id_type, const char *in, size_t len, char gender, char *out,
                               size_t outsz, char birth_out[9])
{
    assert(out != NULL && outsz >= IDCHECK_OUT_MAX);
    (void)outsz; /* only asserted */
    enum id_result r;
    out[0] = '\0';
    if (birth_out)
        birth_out[0] = '\0';
    if (in == NULL)
        len = 0;

    switch (id_type) {
    case '1':
        return idcheck_resident(in, len, gender, out, birth_out);
    case '6':
    case '7':
    case '8':
        r = len == 0 ? ID_ERR_EMPTY : check_hmt(id_type, in, len);
        break;
    case '9':
        r = len == 0 ? ID_ERR_EMPTY : check_foreign(in, len);
        break;
    case 'A':
        r = len == 0 ? ID_ERR_EMPTY : check_passport(in, len);
        break;
    case 'Z':
        r = check_other(in, len);
        if (r == ID_OK && len > 0) {
            memcpy(out, in, len);
            out[len] = '\0';
        }
        return r;
    default:
        return ID_ERR_TYPE;
    }
    if (r == ID_OK)
        copy_upper(out, in, len); /* every accepted length is <= 20 < IDCHECK_OUT_MAX */
    return r;
}

const char *idcheck_code(enum id_result r)
{
    switch (r) {
    case ID_OK: return "ok";
    case ID_ERR_EMPTY: return "id_empty";
    case ID_ERR_LENGTH: return "id_length";
    case ID_ERR_CHARS: return "id_chars";
    case ID_ERR_PROVINCE: return "id_province";
    case ID_ERR_DATE: return "id_date";
    case ID_ERR_CHECKSUM: return "id_checksum";
    case ID_ERR_GENDER: return "id_gender";
    case ID_ERR_TYPE: return "id_type";
    }
    return "id_unknown";
}

const char *idcheck_message_zh(enum id_result r)
{
    switch (r) {
    case ID_OK: return "身份证件号正确";
    case ID_ERR_EMPTY: return "身份证件号不能为空";
    case ID_ERR_LENGTH: return "身份证件号位数错误";
    case ID_ERR_CHARS: return "身份证件号含有非法字符或格式错误";
    case ID_ERR_PROVINCE: return "身份证件号前两位不是有效的省级行政区划代码";
    case ID_ERR_DATE: return "身份证件号中的出生日期错误（不存在、早于1900年或晚于今天）";
    case ID_ERR_CHECKSUM: return "身份证件号校验码错误";
    case ID_ERR_GENDER: return "身份证件号与性别不一致";
    case ID_ERR_TYPE: return "身份证件类型错误";
    }
    return "身份证件号错误";
}

const char *idcheck_message_en(enum id_result r)
{
    switch (r) {
    case ID_OK: return "ID number is valid";
    case ID_ERR_EMPTY: return "ID number is required";
    case ID_ERR_LENGTH: return "ID number has the wrong length";
    case ID_ERR_CHARS: return "ID number contains invalid characters or has the wrong format";
    case ID_ERR_PROVINCE: return "ID number does not start with a valid province code";
    case ID_ERR_DATE: return "ID number contains an impossible date of birth (no such date, before 1900 or after today)";
    case ID_ERR_CHECKSUM: return "ID number check character is wrong";
    case ID_ERR_GENDER: return "ID number does not match the recorded gender";
    case ID_ERR_TYPE: return "Unknown ID type";
    }
    return "ID number is invalid";
}
