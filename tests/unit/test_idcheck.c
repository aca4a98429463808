/* Unit tests for fcgi/idcheck.c: ID number validation by type (SPEC R4, R8.2). */
#include "idcheck.h"
#include "config.h"
#include "student.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Independent MOD 11-2: weight of position i (0-based, left) is 2^(17-i) mod 11, and the check
 * value is (12 - sum mod 11) mod 11 with 10 written X. Used to build and cross-check numbers. */
static char ref_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int w = 1;
        for (int k = 0; k < 17 - i; k++)
            w = (w * 2) % 11;
        sum += (first17[i] - '0') * w;
    }
    int v = (12 - sum % 11) % 11;
    return v == 10 ? 'X' : (char)('0' + v);
}

/* Build an 18-char number: 6-digit area + 8-digit date + 3-digit sequence + reference check. */
static void make_id(char buf[19], const char *area6, const char *date8, const char *seq3)
{
    snprintf(buf, 19, "%.6s%.8s%.3s", area6, date8, seq3);
    buf[17] = ref_check_char(buf);
    buf[18] = '\0';
}

/* idcheck_resident on a NUL-terminated string. */
static enum id_result res(const char *s, char gender, char out[19], char birth[9])
{
    return idcheck_resident(s, strlen(s), gender, out, birth);
}

START_TEST(test_R8_mod11_check_char_published_samples)
{
    ck_assert_int_eq(idcheck_check_char("11010519491231002"), 'X'); /* GB 11643 sample */
    ck_assert_int_eq(idcheck_check_char("44052418800101001"), '4');
    ck_assert_int_eq(idcheck_check_char("1101051949123100a"), 0);
}
END_TEST

START_TEST(test_R8_mod11_check_char_matches_independent_method)
{
    unsigned seed = 12345u;
    char first17[18];
    for (int n = 0; n < 5000; n++) {
        for (int i = 0; i < 17; i++) {
            seed = seed * 1103515245u + 12345u;
            first17[i] = (char)('0' + (seed >> 16) % 10);
        }
        first17[17] = '\0';
        ck_assert_int_eq(idcheck_check_char(first17), ref_check_char(first17));
    }
}
END_TEST

START_TEST(test_R8_resident_gb11643_sample_ok)
{
    char out[19], birth[9];
    ck_assert_int_eq(res("11010519491231002X", 'F', out, birth), ID_OK);
    ck_assert_str_eq(out, "11010519491231002X");
    ck_assert_str_eq(birth, "19491231");
    ck_assert_int_eq(res("11010519491231002X", 0, out, NULL), ID_OK);
}
END_TEST

START_TEST(test_R8_resident_year_before_1900_is_date_error)
{
    /* 440524188001010014: well-known sample, checksum right, but born 1880 < IDCHECK_YEAR_MIN. */
    char out[19], birth[9];
    ck_assert_int_eq(res("440524188001010014", 'M', out, birth), ID_ERR_DATE);
    ck_assert_str_eq(out, "440524188001010014");
    ck_assert_str_eq(birth, "");
}
END_TEST

START_TEST(test_R8_resident_lowercase_x_normalised)
{
    char out[19], birth[9];
    ck_assert_int_eq(res("11010519491231002x", 'F', out, birth), ID_OK);
    ck_assert_str_eq(out, "11010519491231002X");
}
END_TEST

START_TEST(test_R8_valid_date_gregorian)
{
    ck_assert_int_eq(idcheck_valid_date(2000, 2, 29), 1);
    ck_assert_int_eq(idcheck_valid_date(2020, 2, 29), 1);
    ck_assert_int_eq(idcheck_valid_date(1900, 2, 29), 0);
    ck_assert_int_eq(idcheck_valid_date(2019, 2, 29), 0);
    ck_assert_int_eq(idcheck_valid_date(2100, 2, 29), 0);
    ck_assert_int_eq(idcheck_valid_date(2019, 2, 28), 1);
    ck_assert_int_eq(idcheck_valid_date(2019, 4, 31), 0);
    ck_assert_int_eq(idcheck_valid_date(2019, 12, 31), 1);
    ck_assert_int_eq(idcheck_valid_date(2019, 13, 1), 0);
    ck_assert_int_eq(idcheck_valid_date(2019, 0, 1), 0);
    ck_assert_int_eq(idcheck_valid_date(2019, 1, 0), 0);
    ck_assert_int_eq(idcheck_valid_date(0, 1, 1), 0);
}
END_TEST

START_TEST(test_R8_resident_leap_day_dates)
{
    char id[19], out[19], birth[9];
    make_id(id, "110105", "20000229", "001");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_OK);
    ck_assert_str_eq(birth, "20000229");
    make_id(id, "110105", "19000229", "001");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_ERR_DATE);
    ck_assert_str_eq(birth, "");
    make_id(id, "110105", "20190229", "001");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_ERR_DATE);
    make_id(id, "110105", "20191301", "001");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_ERR_DATE);
    make_id(id, "110105", "20190100", "001");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_ERR_DATE);
    /* Range edges: 1900-01-01 accepted; 2099-12-31 lies in the future: refused (R8.2, issue 11) */
    make_id(id, "110105", "19000101", "001");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_OK);
    make_id(id, "110105", "20991231", "001");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_ERR_DATE);
    ck_assert_str_eq(birth, "");
    make_id(id, "110105", "21000101", "001");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_ERR_DATE);
}
END_TEST

START_TEST(test_R8_resident_birth_after_today_is_date_error)
{
    char id[19], out[19], birth[9];
    /* the example: 433130209912310014 claims a birth on 2099-12-31 */
    ck_assert_int_eq(idcheck_resident("433130209912310014", 18, 0, out, birth), ID_ERR_DATE);
    ck_assert_int_eq(idcheck_resident_at("433130209912310014", 18, 0, out, birth, 21000101), ID_OK); /* valid otherwise */
    /* today itself is a possible birth date, tomorrow is not (the pure core takes today) */
    make_id(id, "110105", "20260315", "001");
    ck_assert_int_eq(idcheck_resident_at(id, 18, 'M', out, birth, 20260315), ID_OK);
    ck_assert_str_eq(birth, "20260315");
    ck_assert_int_eq(idcheck_resident_at(id, 18, 'M', out, birth, 20260314), ID_ERR_DATE);
    ck_assert_str_eq(birth, "");
    ck_assert_str_eq(out, id); /* still canonical, for duplicate matching (R7) */
    /* by type: the same check for type 1 */
    char o2[IDCHECK_OUT_MAX];
    ck_assert_int_eq(idcheck_by_type('1', "433130209912310014", 18, 0, o2, sizeof o2, NULL), ID_ERR_DATE);
    /* today in China is a real date of this century */
    int t = idcheck_today();
    ck_assert(t > 20200101 && t < 21000101 && idcheck_valid_date(t / 10000, t / 100 % 100, t % 100));
}
END_TEST

START_TEST(test_R8_resident_wrong_checksum)
{
    static const char checks[] = "0123456789X";
    char id[19], out[19], birth[9];
    make_id(id, "320102", "20100615", "123");
    ck_assert_int_eq(res(id, 'M', out, birth), ID_OK);
    char good = id[17];
    for (int i = 0; checks[i]; i++) {
        if (checks[i] == good)
            continue;
        id[17] = checks[i];
        ck_assert_int_eq(res(id, 'M', out, birth), ID_ERR_CHECKSUM);
        ck_assert_int_eq(out[17], checks[i]); /* canonical form still given */
        ck_assert_str_eq(birth, "20100615");
    }
    /* A transposition of two body digits is caught too. */
    make_id(id, "320102", "20100615", "123");
    char t = id[14];
    id[14] = id[15];
    id[15] = t;
    ck_assert_int_eq(res(id, 0, out, birth), ID_ERR_CHECKSUM);
}
END_TEST

START_TEST(test_R8_check_char_X_accepted)
{
    /* Search a sequence whose reference check char is X, then validate it. */
    char id[19], out[19], birth[9], seq[4];
    int found = 0;
    for (int s = 0; s < 1000 && !found; s++) {
        snprintf(seq, sizeof seq, "%03d", s);
        make_id(id, "500101", "20121130", seq);
        found = id[17] == 'X';
    }
    ck_assert(found);
    ck_assert_int_eq(res(id, 0, out, birth), ID_OK);
    ck_assert_str_eq(out, id);
    id[17] = 'x';
    ck_assert_int_eq(res(id, 0, out, birth), ID_OK);
    ck_assert_int_eq(out[17], 'X');
}
END_TEST

START_TEST(test_R8_legacy_15_digit_converted)
{
    char out[19], birth[9];
    /* The 15-digit form of the GB 11643 sample converts to the sample. */
    ck_assert_int_eq(res("110105491231002", 'F', out, birth), ID_OK);
    ck_assert_str_eq(out, "11010519491231002X");
    ck_assert_str_eq(birth, "19491231");

    /* Many legacy numbers: expected = area + "19" + rest + reference check. */
    unsigned seed = 777u;
    char in[16], want[19];
    for (int n = 0; n < 500; n++) {
        seed = seed * 1103515245u + 12345u;
        int yy = (int)((seed >> 8) % 100), mm = 1 + (int)((seed >> 4) % 12), dd = 1 + (int)(seed % 28);
        int sq = (int)((seed >> 12) % 1000);
        snprintf(in, sizeof in, "310104%02d%02d%02d%03d", yy, mm, dd, sq);
        snprintf(want, 18, "31010419%02d%02d%02d%03d", yy, mm, dd, sq);
        want[17] = ref_check_char(want);
        want[18] = '\0';
        char g = (sq % 2) ? 'M' : 'F';
        ck_assert_int_eq(res(in, g, out, birth), ID_OK);
        ck_assert_str_eq(out, want);
        ck_assert_int_eq(res(in, g == 'M' ? 'F' : 'M', out, birth), ID_ERR_GENDER);
    }
}
END_TEST

START_TEST(test_R8_legacy_15_digit_rejections)
{
    char out[19], birth[9];
    ck_assert_int_eq(res("11010549123100X", 0, out, birth), ID_ERR_CHARS); /* no check char */
    ck_assert_int_eq(res("110105490230002", 0, out, birth), ID_ERR_DATE);  /* 1949-02-30 */
    ck_assert_int_eq(res("110105000229002", 0, out, birth), ID_ERR_DATE);  /* 1900-02-29 */
    ck_assert_int_eq(res("110105960229002", 0, out, birth), ID_OK);        /* 1996-02-29 */
    ck_assert_int_eq(res("100105491231002", 0, out, birth), ID_ERR_PROVINCE);
    /* Residence permits (81/82/83) were never issued in the 15-digit form. */
    ck_assert_int_eq(res("810000491231002", 0, out, birth), ID_ERR_PROVINCE);
}
END_TEST

START_TEST(test_R8_province_codes)
{
    static const int real[] = { 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
                                42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65 };
    for (int p = -1; p <= 100; p++) {
        int is_real = 0;
        for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
            is_real |= real[i] == p;
        int is_permit = p == 81 || p == 82 || p == 83;
        ck_assert_int_eq(idcheck_province_ok(p, 0), is_real);
        ck_assert_int_eq(idcheck_province_ok(p, 1), is_real || is_permit);
    }
    char id[19], out[19], birth[9];
    static const char *bad[] = { "100000", "660000", "990000", "710000", "840000", "000000" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        make_id(id, bad[i], "20100101", "001");
        ck_assert_int_eq(res(id, 0, out, birth), ID_ERR_PROVINCE);
        ck_assert_str_eq(out, id);
    }
}
END_TEST

START_TEST(test_R8_residence_permit_81_82_83_accepted_as_type_1)
{
    /* Documented: an 18-char number starting 81/82/83 (HK/Macao/Taiwan residence permit) is
     * valid under type '1'; the date, check character and gender rules are the same. */
    static const char *areas[] = { "810000", "820000", "830000" };
    char id[19], out[IDCHECK_OUT_MAX], birth[9];
    for (size_t i = 0; i < 3; i++) {
        make_id(id, areas[i], "20080808", "002");
        ck_assert_int_eq(res(id, 'F', out, birth), ID_OK);
        ck_assert_int_eq(idcheck_by_type('1', id, 18, 'F', out, sizeof out, birth), ID_OK);
        ck_assert_int_eq(idcheck_by_type('1', id, 18, 'M', out, sizeof out, birth), ID_ERR_GENDER);
    }
}
END_TEST

START_TEST(test_R8_gender_parity_of_17th_digit)
{
    char id[19], out[19], birth[9], seq[4];
    for (int d = 0; d <= 9; d++) {
        snprintf(seq, sizeof seq, "05%d", d);
        make_id(id, "420106", "20150310", seq);
        int male = d % 2 == 1;
        ck_assert_int_eq(res(id, 0, out, birth), ID_OK);
        ck_assert_int_eq(res(id, 'M', out, birth), male ? ID_OK : ID_ERR_GENDER);
        ck_assert_int_eq(res(id, 'F', out, birth), male ? ID_ERR_GENDER : ID_OK);
        ck_assert_int_eq(res(id, 'm', out, birth), male ? ID_OK : ID_ERR_GENDER);
        ck_assert_int_eq(res(id, 'f', out, birth), male ? ID_ERR_GENDER : ID_OK);
        if (!male) {
            ck_assert_str_eq(out, id); /* canonical form kept on a gender clash */
            ck_assert_str_eq(birth, "20150310");
        }
    }
}
END_TEST

START_TEST(test_R8_resident_empty_length_chars)
{
    char out[19], birth[9];
    ck_assert_int_eq(idcheck_resident(NULL, 0, 0, out, birth), ID_ERR_EMPTY);
    ck_assert_int_eq(res("", 0, out, birth), ID_ERR_EMPTY);
    ck_assert_int_eq(res("11010519491231002", 0, out, birth), ID_ERR_LENGTH);   /* 17 */
    ck_assert_int_eq(res("11010519491231002X1", 0, out, birth), ID_ERR_LENGTH); /* 19 */
    ck_assert_int_eq(res("1101051949123100", 0, out, birth), ID_ERR_LENGTH);    /* 16 */
    ck_assert_int_eq(res("11010519491231002X ", 0, out, birth), ID_ERR_LENGTH); /* not trimmed */
    ck_assert_str_eq(out, "");
    ck_assert_str_eq(birth, "");
    ck_assert_int_eq(res("1101051949 231002X", 0, out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(res("11010519491231X02X", 0, out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(res("11010519491231002Y", 0, out, birth), ID_ERR_CHARS);
    ck_assert_str_eq(out, "");
    /* Non-ASCII: six full-width digits (3 bytes each) make 18 bytes. */
    ck_assert_int_eq(res("\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x95",
                         0, out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(res("\xEF\xBC\x91" "1010519491231002X", 0, out, birth), ID_ERR_LENGTH);
    /* Embedded NUL inside the given length. */
    ck_assert_int_eq(idcheck_resident("110105\0" "9491231002X", 18, 0, out, birth), ID_ERR_CHARS);
    /* Only len bytes are read: a longer buffer is fine. */
    ck_assert_int_eq(idcheck_resident("11010519491231002Xtrailing", 18, 'F', out, birth), ID_OK);
}
END_TEST

START_TEST(test_R4_by_type_1_same_as_resident)
{
    char out[IDCHECK_OUT_MAX], birth[9];
    const char *s = "11010519491231002x";
    ck_assert_int_eq(idcheck_by_type('1', s, 18, 'F', out, sizeof out, birth), ID_OK);
    ck_assert_str_eq(out, "11010519491231002X");
    ck_assert_str_eq(birth, "19491231");
    ck_assert_int_eq(idcheck_by_type('1', s, 18, 'M', out, sizeof out, NULL), ID_ERR_GENDER);
    ck_assert_int_eq(idcheck_by_type('1', "", 0, 0, out, sizeof out, birth), ID_ERR_EMPTY);
    ck_assert_int_eq(idcheck_by_type('1', "110105491231002", 15, 0, out, sizeof out, birth), ID_OK);
    ck_assert_str_eq(out, "11010519491231002X");
}
END_TEST

/* by_type on a NUL-terminated string with birth capture. */
static enum id_result bt(char type, const char *s, char *out, char *birth)
{
    return idcheck_by_type(type, s, strlen(s), 'M', out, IDCHECK_OUT_MAX, birth);
}

START_TEST(test_R4_by_type_hk_macao_taiwan_documents)
{
    static const char types[] = "678";
    char out[IDCHECK_OUT_MAX], birth[9];
    for (int i = 0; types[i]; i++) {
        char t = types[i];
        ck_assert_int_eq(bt(t, "H12345678", out, birth), ID_OK);
        ck_assert_str_eq(out, "H12345678");
        ck_assert_str_eq(birth, ""); /* no birth date in these documents */
        ck_assert_int_eq(bt(t, "m123456(7)", out, birth), ID_OK);
        ck_assert_str_eq(out, "M123456(7)");
        ck_assert_int_eq(bt(t, "0123-4567", out, birth), ID_OK);
        ck_assert_int_eq(bt(t, "A1234", out, birth), ID_OK);                  /* 5 */
        ck_assert_int_eq(bt(t, "A1234567890123456789", out, birth), ID_OK);   /* 20 */
        ck_assert_int_eq(bt(t, "A123", out, birth), ID_ERR_LENGTH);           /* 4 */
        ck_assert_int_eq(bt(t, "A12345678901234567890", out, birth), ID_ERR_LENGTH); /* 21 */
        ck_assert_str_eq(out, "");
        ck_assert_int_eq(bt(t, "", out, birth), ID_ERR_EMPTY);
        ck_assert_int_eq(bt(t, "H1234 5678", out, birth), ID_ERR_CHARS);
        ck_assert_int_eq(bt(t, "H1234/5678", out, birth), ID_ERR_CHARS);
        ck_assert_int_eq(bt(t, "H1234\xE5\x8F\xB7", out, birth), ID_ERR_CHARS); /* 号 */
    }
}
END_TEST

START_TEST(test_R4_by_type_foreign_permanent_residence)
{
    char out[IDCHECK_OUT_MAX], birth[9], id[19];
    /* 2023 format: '9' + 16 digits + MOD 11-2 check. */
    make_id(id, "931156", "20100101", "001");
    ck_assert_int_eq(bt('9', id, out, birth), ID_OK);
    ck_assert_str_eq(out, id);
    id[17] = id[17] == '0' ? '1' : '0';
    ck_assert_int_eq(bt('9', id, out, birth), ID_ERR_CHECKSUM);
    make_id(id, "110105", "20100101", "001"); /* valid resident number, but not '9' */
    ck_assert_int_eq(bt('9', id, out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(bt('9', "9311562010010A001", out, birth), ID_ERR_LENGTH); /* 17 */
    ck_assert_int_eq(bt('9', "93115620100A010011", out, birth), ID_ERR_CHARS);
    /* 2017 format: 3 letters + 12 digits. */
    ck_assert_int_eq(bt('9', "USA110080101001", out, birth), ID_OK);
    ck_assert_int_eq(bt('9', "usa110080101001", out, birth), ID_OK);
    ck_assert_str_eq(out, "USA110080101001");
    ck_assert_int_eq(bt('9', "US1110080101001", out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(bt('9', "USA11008010100A", out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(bt('9', "USA11008010100", out, birth), ID_ERR_LENGTH);
    ck_assert_int_eq(bt('9', "", out, birth), ID_ERR_EMPTY);
}
END_TEST

START_TEST(test_R4_by_type_passport)
{
    char out[IDCHECK_OUT_MAX], birth[9];
    ck_assert_int_eq(bt('A', "E12345678", out, birth), ID_OK);
    ck_assert_int_eq(bt('A', "e1234567a", out, birth), ID_OK);
    ck_assert_str_eq(out, "E1234567A");
    ck_assert_int_eq(bt('A', "E1234-567", out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(bt('A', "E123(45)", out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(bt('A', "E123", out, birth), ID_ERR_LENGTH);
    ck_assert_int_eq(bt('A', "E12345678901234567890", out, birth), ID_ERR_LENGTH);
    ck_assert_int_eq(bt('A', "", out, birth), ID_ERR_EMPTY);
    ck_assert_int_eq(bt('A', "E1234\xC3\xA9", out, birth), ID_ERR_CHARS);
}
END_TEST

START_TEST(test_R4_by_type_other_may_be_empty)
{
    char out[IDCHECK_OUT_MAX], birth[9];
    ck_assert_int_eq(bt('Z', "", out, birth), ID_OK);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(idcheck_by_type('Z', NULL, 0, 0, out, sizeof out, NULL), ID_OK);
    ck_assert_int_eq(bt('Z', "cert/2017-x#1", out, birth), ID_OK);
    ck_assert_str_eq(out, "cert/2017-x#1"); /* kept as given */
    ck_assert_int_eq(bt('Z', "123456789012345678901234567890", out, birth), ID_OK); /* 30 */
    ck_assert_str_eq(out, "123456789012345678901234567890");
    ck_assert_int_eq(bt('Z', "1234567890123456789012345678901", out, birth), ID_ERR_LENGTH);
    ck_assert_int_eq(bt('Z', "a b", out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(bt('Z', "a\tb", out, birth), ID_ERR_CHARS);
    ck_assert_int_eq(bt('Z', "\xE8\xAF\x81\xE6\x98\x8E", out, birth), ID_ERR_CHARS);
}
END_TEST

START_TEST(test_R4_by_type_unknown_type)
{
    static const char unknown[] = { '0', '2', '5', 'B', 'a', 'z', 'X', '\0' };
    char out[IDCHECK_OUT_MAX], birth[9];
    for (size_t i = 0; i < sizeof unknown; i++)
        ck_assert_int_eq(idcheck_by_type(unknown[i], "11010519491231002X", 18, 0, out, sizeof out,
                                         birth), ID_ERR_TYPE);
    ck_assert_str_eq(out, "");
}
END_TEST

/* One concept, one place (R4): idcheck_types is the table the checks know, each code checked and no other; its
 * lengths fit the out buffer and the student's column. */
START_TEST(test_R4_types_table_is_what_by_type_knows)
{
    char out[IDCHECK_OUT_MAX];
    size_t known = 0;
    for (int c = 1; c < 256; c++) {
        const struct idcheck_type *t = idcheck_type_of((char)c);
        enum id_result r = idcheck_by_type((char)c, "A1A1A1", 6, 0, out, sizeof out, NULL);
        ck_assert_int_eq(t != NULL, r != ID_ERR_TYPE);
        known += t != NULL;
    }
    ck_assert_uint_eq(known, idcheck_types_count);
    for (size_t i = 0; i < idcheck_types_count; i++) {
        const struct idcheck_type *t = &idcheck_types[i];
        ck_assert_ptr_eq(idcheck_type_of(t->code), t);
        ck_assert(t->min_len <= t->max_len && t->max_len < IDCHECK_OUT_MAX && t->max_len <= STUDENT_IDNO_MAX);
        ck_assert(t->zh && *t->zh && t->en && *t->en);
        /* a number one character longer than the table's longest is refused for its length */
        char in[IDCHECK_OUT_MAX + 1];
        memset(in, '1', t->max_len + 1);
        ck_assert_int_eq(idcheck_by_type(t->code, in, t->max_len + 1, 0, out, sizeof out, NULL), ID_ERR_LENGTH);
        if (t->min_len > 1)
            ck_assert_int_eq(idcheck_by_type(t->code, in, t->min_len - 1, 0, out, sizeof out, NULL), ID_ERR_LENGTH);
    }
}
END_TEST

START_TEST(test_R8_codes_and_messages)
{
    static const char *codes[] = { "ok", "id_empty", "id_length", "id_chars", "id_province",
                                   "id_date", "id_checksum", "id_gender", "id_type" };
    for (int r = ID_OK; r <= ID_ERR_TYPE; r++) {
        ck_assert_str_eq(idcheck_code((enum id_result)r), codes[r]);
        ck_assert_ptr_nonnull(idcheck_message_zh((enum id_result)r));
        ck_assert_ptr_nonnull(idcheck_message_en((enum id_result)r));
        ck_assert_int_gt((int)strlen(idcheck_message_zh((enum id_result)r)), 0);
        ck_assert_int_gt((int)strlen(idcheck_message_en((enum id_result)r)), 0);
        for (int q = ID_OK; q < r; q++)
            ck_assert_str_ne(idcheck_message_zh((enum id_result)q),
                             idcheck_message_zh((enum id_result)r));
    }
    ck_assert_str_eq(idcheck_message_zh(ID_ERR_CHECKSUM), "身份证件号校验码错误");
    ck_assert_str_eq(idcheck_code((enum id_result)99), "id_unknown");
}
END_TEST


/* The shared vectors (tests/fixtures/idcheck-vectors.tsv), also read by tests/unit-js/idcheck.test.mjs: the
 * browser's live check and the server agree on every line. */
START_TEST(test_R4_R8_shared_vectors)
{
    FILE *f = fopen("tests/fixtures/idcheck-vectors.tsv", "r");
    ck_assert_msg(f != NULL, "tests/fixtures/idcheck-vectors.tsv (run from the repository root)");
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        char *fld[6], *p = line;
        int k = 0;
        while (k < 6) {
            fld[k++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = 0;
            p = t + 1;
        }
        ck_assert_msg(k == 6, "6 columns in vector %d", n + 1);
        char gender = fld[2][0] == '-' ? 0 : fld[2][0], out[IDCHECK_OUT_MAX] = "";
        enum id_result r;
        if (fld[3][0] != '-') {
            char o19[19];
            r = idcheck_resident_at(fld[1], strlen(fld[1]), gender, o19, NULL, atoi(fld[3]));
            strcpy(out, o19);
        } else {
            r = idcheck_by_type(fld[0][0], fld[1], strlen(fld[1]), gender, out, sizeof out, NULL);
        }
        ck_assert_msg(strcmp(idcheck_code(r), fld[4]) == 0, "%s %s: %s, want %s", fld[0], fld[1], idcheck_code(r), fld[4]);
        ck_assert_msg(strcmp(out[0] ? out : "-", fld[5]) == 0, "%s %s: normalised %s, want %s", fld[0], fld[1], out, fld[5]);
        n++;
    }
    fclose(f);
    ck_assert_int_ge(n, 40);
}
END_TEST

/* YYYYMMDD of a day number. */
static int ymd(wd_day day)
{
    int y, m, d;
    wd_to_ymd(day, &y, &m, &d);
    return y * 10000 + m * 100 + d;
}

/* config_today, the one "today" (idcheck_today, the due dates, the counters), at the setting's offset. */
START_TEST(test_R8_today_follows_tz_setting)
{
    static const char *offsets[] = {"840", "-720"}; /* 26 hours apart: never the same day */
    int seen[2];
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(setenv("XJ_TZ_OFFSET_MINUTES", offsets[k], 1), 0);
        ck_assert_int_eq(config_load(), 0);
        wd_day want, got;
        int t, tries = 0;
        do { /* a midnight between the reads: again */
            want = wd_from_unix((long long)time(NULL), atol(offsets[k]));
            got = config_today();
            t = idcheck_today();
        } while (want != wd_from_unix((long long)time(NULL), atol(offsets[k])) && ++tries < 3);
        ck_assert_int_eq(got, want);
        ck_assert_int_eq(t, ymd(want));
        /* the ID check's "after today" (R8.2) is that day: born today passes, born tomorrow is an impossible date */
        char id[19], out[19], birth[9], d8[9];
        snprintf(d8, sizeof d8, "%08d", t);
        make_id(id, "110105", d8, "001");
        ck_assert_int_eq(res(id, 'M', out, birth), ID_OK);
        snprintf(d8, sizeof d8, "%08d", ymd(want + 1));
        make_id(id, "110105", d8, "001");
        ck_assert_int_eq(res(id, 'M', out, birth), ID_ERR_DATE);
        seen[k] = t;
    }
    ck_assert_int_ne(seen[0], seen[1]);
    unsetenv("XJ_TZ_OFFSET_MINUTES");
    ck_assert_int_eq(config_load(), 0);
    ck_assert_int_eq(config_int("XJ_TZ_OFFSET_MINUTES"), 480);
}
END_TEST

static Suite *idcheck_suite(void)
{
    Suite *s = suite_create("idcheck");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_R8_mod11_check_char_published_samples);
    tcase_add_test(tc, test_R8_mod11_check_char_matches_independent_method);
    tcase_add_test(tc, test_R8_resident_gb11643_sample_ok);
    tcase_add_test(tc, test_R8_resident_year_before_1900_is_date_error);
    tcase_add_test(tc, test_R8_resident_lowercase_x_normalised);
    tcase_add_test(tc, test_R8_valid_date_gregorian);
    tcase_add_test(tc, test_R8_resident_leap_day_dates);
    tcase_add_test(tc, test_R8_resident_birth_after_today_is_date_error);
    tcase_add_test(tc, test_R8_resident_wrong_checksum);
    tcase_add_test(tc, test_R8_check_char_X_accepted);
    tcase_add_test(tc, test_R8_legacy_15_digit_converted);
    tcase_add_test(tc, test_R8_legacy_15_digit_rejections);
    tcase_add_test(tc, test_R8_province_codes);
    tcase_add_test(tc, test_R8_residence_permit_81_82_83_accepted_as_type_1);
    tcase_add_test(tc, test_R8_gender_parity_of_17th_digit);
    tcase_add_test(tc, test_R8_resident_empty_length_chars);
    tcase_add_test(tc, test_R4_by_type_1_same_as_resident);
    tcase_add_test(tc, test_R4_by_type_hk_macao_taiwan_documents);
    tcase_add_test(tc, test_R4_by_type_foreign_permanent_residence);
    tcase_add_test(tc, test_R4_by_type_passport);
    tcase_add_test(tc, test_R4_by_type_other_may_be_empty);
    tcase_add_test(tc, test_R4_by_type_unknown_type);
    tcase_add_test(tc, test_R4_types_table_is_what_by_type_knows);
    tcase_add_test(tc, test_R8_codes_and_messages);
    tcase_add_test(tc, test_R4_R8_shared_vectors);
    tcase_add_test(tc, test_R8_today_follows_tz_setting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(idcheck_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
