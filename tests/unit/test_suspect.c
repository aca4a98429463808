/* Unit tests for fcgi/suspect.c: suspected duplicates (R31): normalisation, Unihan variants and readings, edits,
 * dates, ID numbers, blocking keys, explanations, and bad input (never a crash). */
#include "suspect.h"
#include "idcheck.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a valid resident number: area + date + sequence + computed check character */
static void make_id(char out[19], const char *area6, const char *date8, const char *seq3)
{
	snprintf(out, 19, "%.6s%.8s%.3s", area6, date8, seq3);
	out[17] = idcheck_check_char(out);
	out[18] = 0;
}

static struct sx_rec rec(uint64_t id, const char *name, char g, const char *birth, char type, const char *idn)
{
	return (struct sx_rec){.id = id, .name = name, .gender = g, .birth = birth, .id_type = type, .id_number = idn,
			       .id_valid = idn && *idn, .county = "130102", .school_id = (uint32_t)id, .phone = ""};
}

/* compare two records; *m filled */
static int cmp(struct sx_rec a, struct sx_rec b, struct sx_match *m)
{
	struct sx_prep pa, pb;
	sx_prepare(&a, &pa);
	sx_prepare(&b, &pb);
	return sx_compare(&pa, &pb, m);
}

/* 1 if the two records are a candidate pair: they share a blocking key that pairs them (sx_key_pairs) */
static int share_key(struct sx_rec a, struct sx_rec b)
{
	struct sx_prep pa, pb;
	uint64_t ka[SX_MAXKEYS], kb[SX_MAXKEYS];
	sx_prepare(&a, &pa);
	sx_prepare(&b, &pb);
	size_t na = sx_keys(&pa, ka, SX_MAXKEYS), nb = sx_keys(&pb, kb, SX_MAXKEYS);
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (ka[i] == kb[j] && sx_key_pairs(&pa, &pb, ka[i]))
				return 1;
	return 0;
}

/* the number of blocking keys of a record */
static size_t nkeys(struct sx_rec a)
{
	struct sx_prep p;
	uint64_t k[SX_MAXKEYS];
	sx_prepare(&a, &p);
	return sx_keys(&p, k, SX_MAXKEYS);
}

/* the explanation as one string */
static char *explain(struct sx_rec a, struct sx_rec b, const struct sx_match *m)
{
	cJSON *e = sx_explain(&a, &b, m);
	char *s = cJSON_PrintUnformatted(e);
	cJSON_Delete(e);
	return s;
}

/* a no-ID record (type Z) against a resident record: what R31 is for */
#define Z(id, name, g, birth) rec(id, name, g, birth, 'Z', "")

START_TEST(test_R31_unihan_tables_variants_and_readings)
{
	ck_assert_uint_eq(sx_canon(0x5F35 /* 張 */), sx_canon(0x5F20 /* 张 */));
	ck_assert_uint_eq(sx_canon(0x66C9 /* 曉 */), sx_canon(0x6653 /* 晓 */));
	ck_assert_uint_ne(sx_canon(0x738B /* 王 */), sx_canon(0x6C6A /* 汪 */));
	const char *r[8];
	size_t n = sx_readings(0x4E50 /* 乐 */, r, 8);
	int le = 0, yue = 0;
	for (size_t i = 0; i < n; i++)
		le |= strcmp(r[i], "le") == 0, yue |= strcmp(r[i], "yue") == 0;
	ck_assert(le && yue); /* every reading, tones ignored */
	ck_assert_uint_eq(sx_readings('A', r, 8), 0);
}
END_TEST

START_TEST(test_R31_normalisation_width_spaces_middle_dots)
{
	struct sx_match m;
	char id[19];
	make_id(id, "130102", "20120503", "123");
	ck_assert_int_ge(cmp(Z(1, "阿卜杜·热合曼", 'M', "2012-05-03"), rec(2, "阿卜杜热合曼", 'M', "2012-05-03", '1', id), &m), 700);
	ck_assert_int_eq(m.name, SXN_NORM);
	ck_assert_int_eq(m.kind, SXK_NORM);
	ck_assert_int_ge(cmp(Z(1, "阿卜杜•热合曼", 'M', "2012-05-03"), rec(2, "阿卜杜.热合曼", 'M', "2012-05-03", '1', id), &m), 700);
	ck_assert_int_ge(cmp(Z(1, "张 晓明", 'M', "2012-05-03"), rec(2, "张　晓明", 'M', "2012-05-03", '1', id), &m), 700);
	ck_assert_int_ge(cmp(Z(1, "ＪＯＨＮ ＳＭＩＴＨ", 'M', "2012-05-03"), rec(2, "John Smith", 'M', "2012-05-03", '1', id), &m), 700);
	ck_assert_int_eq(m.name, SXN_NORM);
	struct sx_name nm;
	sx_name_parse("阿卜杜・热合曼", &nm);
	ck_assert_int_eq(nm.n, 6);
}
END_TEST

START_TEST(test_R31_traditional_simplified_variant_explained)
{
	struct sx_match m;
	char id[19];
	make_id(id, "130102", "20120503", "123");
	struct sx_rec a = Z(1, "張曉明", 'M', "2012-05-03"), b = rec(2, "张晓明", 'M', "2012-05-03", '1', id);
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.name, SXN_VARIANT);
	ck_assert_int_eq(m.kind, SXK_VARIANT);
	ck_assert(share_key(a, b));
	char *s = explain(a, b, &m);
	ck_assert_ptr_nonnull(strstr(s, "姓名: 張/张 繁简异体 曉/晓 繁简异体"));
	ck_assert_ptr_nonnull(strstr(s, "出生日期: 相同"));
	free(s);
}
END_TEST

START_TEST(test_R31_same_reading_tones_ignored_every_reading)
{
	struct sx_match m;
	struct sx_rec a = Z(1, "王小明", 'M', "2012-05-03"), b = Z(2, "王晓明", 'M', "2012-05-03");
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.name, SXN_HOMOPHONE);
	ck_assert(share_key(a, b));
	char *s = explain(a, b, &m);
	ck_assert_ptr_nonnull(strstr(s, "小/晓 同音"));
	free(s);
	/* 乐 (lè, yuè) and 悦 (yuè): the second reading counts, and a key carries it */
	a = Z(1, "张乐", 'F', "2013-01-02");
	b = Z(2, "张悦", 'F', "2013-01-02");
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.name, SXN_HOMOPHONE);
	ck_assert(share_key(a, b));
}
END_TEST

START_TEST(test_R31_one_character_substituted_dropped_transposed)
{
	struct sx_match m;
	struct sx_rec a = Z(1, "王小明", 'M', "2012-05-03"), b = Z(2, "王大明", 'M', "2012-05-03");
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.name, SXN_SUBST);
	ck_assert(share_key(a, b));
	char *s = explain(a, b, &m);
	ck_assert_ptr_nonnull(strstr(s, "第 2 字 小/大 不同"));
	free(s);
	b = Z(2, "王明", 'M', "2012-05-03");
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.name, SXN_DROP);
	ck_assert(share_key(a, b));
	ck_assert_int_ge(cmp(b, a, &m), 700); /* symmetric */
	b = Z(2, "王明小", 'M', "2012-05-03");
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.name, SXN_TRANSPOSE);
	ck_assert(share_key(a, b));
	/* a two-character name with another given name is another name */
	ck_assert_int_lt(cmp(Z(1, "王明", 'M', "2012-05-03"), Z(2, "王华", 'M', "2012-05-03"), &m), 700);
	ck_assert_int_eq(m.name, SXN_DIFF);
}
END_TEST

START_TEST(test_R31_compound_surnames)
{
	struct sx_match m;
	struct sx_name nm;
	sx_name_parse("欧阳娜娜", &nm);
	ck_assert_int_eq(nm.surname, 2);
	sx_name_parse("歐陽娜娜", &nm);
	ck_assert_int_eq(nm.surname, 2);
	sx_name_parse("王小明", &nm);
	ck_assert_int_eq(nm.surname, 1);
	struct sx_rec a = Z(1, "欧阳娜娜", 'F', "2012-05-03"), b = Z(2, "欧娜娜", 'F', "2012-05-03");
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.kind, SXK_COMPOUND);
	ck_assert(share_key(a, b));
	char *s = explain(a, b, &m);
	ck_assert_ptr_nonnull(strstr(s, "复姓 欧阳/欧"));
	free(s);
	/* 欧阳娜/欧阳丽: the given names differ entirely */
	ck_assert_int_lt(cmp(Z(1, "欧阳娜", 'F', "2012-05-03"), Z(2, "欧阳丽", 'F', "2012-05-03"), &m), 700);
	/* the surname with a variant character */
	ck_assert_int_ge(cmp(Z(1, "歐陽娜", 'F', "2012-05-03"), Z(2, "欧阳娜", 'F', "2012-05-03"), &m), 700);
	ck_assert_int_eq(m.kind, SXK_COMPOUND);
}
END_TEST

START_TEST(test_R31_dates_day_month_swapped_or_one_digit)
{
	struct sx_match m;
	char id[19];
	make_id(id, "130102", "20120503", "123");
	struct sx_rec a = rec(1, "李娜", 'F', "2012-05-03", '1', id), b = Z(2, "李娜", 'F', "2012-03-05");
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.date, SXD_SWAP);
	ck_assert_int_eq(m.kind, SXK_SWAP);
	ck_assert(share_key(a, b));
	char *s = explain(a, b, &m);
	ck_assert_ptr_nonnull(strstr(s, "出生日期: 日月颠倒"));
	free(s);
	b = Z(2, "李娜", 'F', "2012-05-08");
	ck_assert_int_lt(cmp(a, b, &m), 700); /* a two-character name, one digit off, other schools: too little alone */
	a.phone = b.phone = "13812345678";    /* the same guardian's phone: suggested */
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.date, SXD_DIGIT);
	ck_assert_int_eq(m.date_pos, 8);
	ck_assert(share_key(a, b));
	b = Z(2, "李娜", 'F', "2013-05-03");
	b.phone = a.phone;
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.date_pos, 4);
	ck_assert(share_key(a, b));
	b = Z(2, "李娜", 'F', "2012-11-03");
	ck_assert_int_eq(cmp(a, b, &m), -1);
	ck_assert_int_eq(m.date, SXD_DIFF);
}
END_TEST

/* The score weighs the context (issue 17: precision at 1M records): one error in a name or a date is what a second
 * registration of one child carries; a common short name, two errors at once, or two valid resident numbers need
 * (or are refused despite) the school, the county and the guardian. */
START_TEST(test_R31_score_weighs_context_guardian_and_errors)
{
	struct sx_match m;
	struct sx_rec a = Z(1, "王韬文", 'M', "2012-07-11"), b = Z(2, "王韬嘉", 'M', "2012-07-11");
	a.county = "130102", b.county = "130203"; /* other counties, other schools, nothing shared: a coincidence */
	ck_assert_int_lt(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.name, SXN_SUBST);
	a.guardian = "王建国", b.guardian = "王建國"; /* the same guardian (written traditionally): suggested */
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert(m.same_guardian);
	char *s = explain(a, b, &m);
	ck_assert_ptr_nonnull(strstr(s, "监护人姓名: 相同"));
	free(s);
	a.guardian = b.guardian = NULL;
	b.school_id = a.school_id, b.county = a.county; /* the same school: suggested */
	ck_assert_int_ge(cmp(a, b, &m), 700);
	/* two errors at once (homophone and one digit of the date) even in one school: not suggested */
	b = Z(2, "王韬雯", 'M', "2012-07-12");
	b.school_id = a.school_id;
	ck_assert_int_lt(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.deviations, 2);
	/* the variant writing of a three-character name with the same birth date says much: suggested across counties */
	b = Z(2, "王韜文", 'M', "2012-07-11");
	b.county = "130203";
	ck_assert_int_ge(cmp(a, b, &m), 700);
	/* twins: same school, birth and guardian, names one character apart, consecutive valid resident numbers */
	char x[19], y[19];
	make_id(x, "130102", "20120711", "123");
	make_id(y, "130102", "20120711", "133");
	a = rec(1, "王韬文", 'M', "2012-07-11", '1', x), b = rec(2, "王韬嘉", 'M', "2012-07-11", '1', y);
	b.school_id = a.school_id;
	a.guardian = b.guardian = "王建国";
	a.phone = b.phone = "13812345678";
	ck_assert_int_lt(cmp(a, b, &m), 700);
}
END_TEST

START_TEST(test_R31_id_number_one_digit_both_valid)
{
	struct sx_match m;
	char x[19], y[19];
	make_id(x, "130102", "20120503", "123");
	make_id(y, "130102", "20120503", "153"); /* digit 16 */
	struct sx_rec a = rec(1, "赵磊", 'M', "2012-05-03", '1', x), b = rec(2, "赵磊", 'M', "2012-05-03", '1', y);
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.id, SXI_DIGIT);
	ck_assert_int_eq(m.id_pos, 16);
	ck_assert_int_eq(m.kind, SXK_ID_DIGIT);
	ck_assert(share_key(a, b));
	char *s = explain(a, b, &m);
	ck_assert_ptr_nonnull(strstr(s, "证件号: 第 16 位不同"));
	free(s);
	/* one malformed: not this rule */
	b.id_valid = 0;
	cmp(a, b, &m);
	ck_assert_int_eq(m.id, SXI_NEAR_INVALID);
	/* every ID part can carry the difference: the key still meets */
	make_id(y, "130103", "20120503", "123");
	b = rec(2, "赵磊", 'M', "2012-05-03", '1', y);
	ck_assert(share_key(a, b));
	make_id(y, "130102", "20120603", "123");
	b = rec(2, "赵磊", 'M', "2012-05-03", '1', y);
	ck_assert(share_key(a, b));
	/* same number on two other documents (R7 does not join those by number) */
	a = rec(1, "John Smith", 'M', "2012-05-03", 'A', "E12345678");
	b = rec(2, "约翰·史密斯", 'M', "2012-05-03", 'A', "E12345678");
	ck_assert_int_ge(cmp(a, b, &m), 700);
	ck_assert_int_eq(m.kind, SXK_ID_SAME);
	ck_assert(share_key(a, b));
}
END_TEST

START_TEST(test_R31_look_alikes_twins_and_common_names_not_suggested)
{
	struct sx_match m;
	char x[19], y[19];
	make_id(x, "130102", "20120503", "123");
	make_id(y, "130102", "20120503", "143");
	/* twins: same birth, school, phone; names one character apart; numbers one digit apart */
	struct sx_rec a = rec(1, "王晓明", 'M', "2012-05-03", '1', x), b = rec(2, "王晓亮", 'M', "2012-05-03", '1', y);
	a.school_id = b.school_id = 7;
	a.phone = b.phone = "13800000000";
	ck_assert_int_lt(cmp(a, b, &m), SX_THRESHOLD_DEFAULT);
	/* a common name on the same day, two valid resident numbers */
	make_id(y, "370102", "20120503", "517");
	a = rec(1, "张伟", 'M', "2012-05-03", '1', x);
	b = rec(2, "张伟", 'M', "2012-05-03", '1', y);
	ck_assert_int_lt(cmp(a, b, &m), SX_THRESHOLD_DEFAULT);
	b = rec(2, "张玮", 'M', "2012-05-03", '1', y);
	ck_assert_int_lt(cmp(a, b, &m), SX_THRESHOLD_DEFAULT);
}
END_TEST

START_TEST(test_R31_pairs_R7_joins_are_never_suggested)
{
	struct sx_match m;
	char x[19];
	make_id(x, "130102", "20120503", "123");
	ck_assert_int_eq(cmp(rec(1, "王小明", 'M', "2012-05-03", '1', x), rec(2, "王晓明", 'M', "2012-05-03", '1', x), &m), -1);
	ck_assert(m.r7);
	ck_assert_int_eq(cmp(rec(1, "王小明", 'M', "2012-05-03", '1', x), Z(2, "王小明", 'M', "2012-05-03"), &m), -1);
	ck_assert(m.r7);
	/* gender differs: never */
	ck_assert_int_eq(cmp(Z(1, "王小明", 'M', "2012-05-03"), Z(2, "王晓明", 'F', "2012-05-03"), &m), -1);
}
END_TEST

START_TEST(test_R31_bad_input_never_crashes)
{
	static const char *const names[] = {
		"", " ", "·", "王", "𠀀𠀁𠀂", "\xF0\xA0\x80", "\xFF\xFE\x80", "王\xC3", "\xCD\xB8\xCD\xB9", /* U+0378/9 unassigned */
		"\xF1\x80\x80\x80", "\xEF\xBF\xBF", "\xED\xA0\x80", "Ann-Marie O'Neil", "李Lily", "ｌｉ　ｌｅｉ", "1234",
		"阿卜杜热合曼阿卜杜热合曼阿卜杜热合曼阿卜杜热合曼阿卜杜热合曼阿卜杜热合曼", "\t\n", "欧阳", "欧", NULL};
	static const char *const births[] = {"2012-05-03", "", "2012-13-45", "abcd", NULL};
	size_t nn = sizeof names / sizeof names[0], nb = sizeof births / sizeof births[0];
	for (size_t i = 0; i < nn; i++)
		for (size_t j = 0; j < nn; j++) {
			struct sx_rec a = Z(1, names[i], 'M', births[i % nb]), b = Z(2, names[j], 'M', births[j % nb]);
			struct sx_prep pa, pb;
			struct sx_match m;
			uint64_t k[SX_MAXKEYS];
			sx_prepare(&a, &pa);
			sx_prepare(&b, &pb);
			ck_assert_uint_le(sx_keys(&pa, k, SX_MAXKEYS), SX_MAXKEYS);
			int s = sx_compare(&pa, &pb, &m);
			ck_assert(s >= -1 && s <= 2000);
			cJSON *e = sx_explain(&a, &b, &m);
			ck_assert(cJSON_IsArray(e));
			char *t = cJSON_PrintUnformatted(e);
			ck_assert_ptr_nonnull(t);
			free(t);
			cJSON_Delete(e);
		}
	struct sx_name nm;
	sx_name_parse("\xCD\xB8王", &nm);
	ck_assert(nm.flags & SXF_ODD || nm.n == 2);
	sx_name_parse("阿卜杜热合曼阿卜杜热合曼阿卜杜热合曼", &nm);
	ck_assert_int_eq(nm.n, SX_MAXU);
	ck_assert(nm.flags & SXF_TRUNC);
	/* one-character names and empty names: compared by what applies */
	struct sx_match m;
	ck_assert_int_ge(cmp(Z(1, "張", 'M', "2012-05-03"), rec(2, "张", 'M', "2012-05-03", 'A', "E1234567"), &m), 700);
	ck_assert_int_eq(m.name, SXN_VARIANT);
	ck_assert_int_eq(cmp(Z(1, "", 'M', "2012-05-03"), Z(2, "", 'M', "2012-05-03"), &m), -1);
	ck_assert_int_ge(cmp(rec(1, "", 'M', "2012-05-03", 'A', "E1234567"), rec(2, "Li Lei", 'M', "2012-05-03", 'A', "E1234567"), &m), 700);
}
END_TEST

/* issue 17 item 1: the one key not bound to the birth date (stored with birth NULL): a non-resident number's */
START_TEST(test_R31_number_key_is_the_only_undated_key)
{
	struct sx_prep p;
	uint64_t k[SX_MAXKEYS];
	struct sx_rec a = rec(1, "张晓明", 'M', "2012-03-04", 'A', "E12345678");
	sx_prepare(&a, &p);
	uint64_t num = sx_number_key(&p);
	ck_assert(num != 0);
	size_t n = sx_keys(&p, k, SX_MAXKEYS), hits = 0;
	for (size_t i = 0; i < n; i++)
		hits += k[i] == num;
	ck_assert_uint_eq(hits, 1);
	/* the same number under another name and date meets it on that key alone */
	ck_assert(share_key(a, rec(2, "王芳", 'M', "2001-11-20", 'A', "E12345678")));
	struct sx_rec r = rec(3, "张晓明", 'M', "2012-03-04", '1', "130102201203040011");
	sx_prepare(&r, &p);
	ck_assert(sx_number_key(&p) == 0); /* a resident number: R7's */
	struct sx_rec z = Z(4, "张晓明", 'M', "2012-03-04");
	sx_prepare(&z, &p);
	ck_assert(sx_number_key(&p) == 0);
}
END_TEST

/* issue 17 item 2: a name of 3 units has 4 keys (readings + year; readings with each unit left out + month and day),
 * one of 2 units 2; the keys of month and day pair only the same readings or the same birth day, so the candidates are
 * those of the former B (readings + month and day) and D (a unit left out + the whole birth date) keys */
START_TEST(test_R31_keys_of_month_and_day_pair_same_readings_or_same_day)
{
	ck_assert_uint_eq(nkeys(Z(1, "张梓涵", 'M', "2013-04-17")), 4);
	ck_assert_uint_eq(nkeys(Z(1, "张涵", 'M', "2013-04-17")), 2);
	ck_assert_uint_eq(nkeys(Z(1, "张涵涵", 'M', "2013-04-17")), 3); /* a reading twice: one key left out */
	struct sx_rec a = Z(1, "张梓涵", 'M', "2013-04-17");
	/* B: the same readings, the year one digit off */
	ck_assert(share_key(a, Z(2, "张梓涵", 'M', "2016-04-17")));
	/* D: a unit substituted (any of the three) or dropped, born the same day */
	ck_assert(share_key(a, Z(3, "张梓鑫", 'M', "2013-04-17")));
	ck_assert(share_key(a, Z(4, "张淼涵", 'M', "2013-04-17")));
	ck_assert(share_key(a, Z(5, "李梓涵", 'M', "2013-04-17")));
	ck_assert(share_key(a, Z(6, "张涵", 'M', "2013-04-17")));
	ck_assert(share_key(Z(7, "张涵", 'M', "2013-04-17"), Z(8, "张梓涵", 'M', "2013-04-17")));
	/* a unit substituted or dropped and the year off: two errors, no candidate (as before: the key of month and day is
	 * shared, the pair is not one of it) */
	struct sx_rec far = Z(9, "张梓鑫", 'M', "2016-04-17");
	ck_assert(!share_key(a, far));
	ck_assert(!share_key(a, Z(10, "张涵", 'M', "2016-04-17")));
	struct sx_prep pa, pf;
	uint64_t ka[SX_MAXKEYS], kf[SX_MAXKEYS];
	sx_prepare(&a, &pa);
	sx_prepare(&far, &pf);
	size_t na = sx_keys(&pa, ka, SX_MAXKEYS), nf = sx_keys(&pf, kf, SX_MAXKEYS), shared = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nf; j++)
			if (ka[i] == kf[j]) {
				shared++;
				ck_assert(ka[i] & SX_KEY_MD);
				ck_assert(!sx_key_pairs(&pa, &pf, ka[i]));
			}
	ck_assert_uint_eq(shared, 1);
	/* the other gender never meets */
	ck_assert(!share_key(a, Z(11, "张梓涵", 'F', "2013-04-17")));
}
END_TEST

START_TEST(test_R31_kind_names_round_trip)
{
	for (int k = 0; k < SXK__COUNT; k++)
		ck_assert_int_eq(sx_kind_parse(sx_kind_name((enum sx_kind)k)), k);
	ck_assert_int_eq(sx_kind_parse("nope"), -1);
	ck_assert_ptr_null(sx_kind_name(SXK__COUNT));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("suspect");
	TCase *t = tcase_create("R31");
	tcase_add_test(t, test_R31_unihan_tables_variants_and_readings);
	tcase_add_test(t, test_R31_normalisation_width_spaces_middle_dots);
	tcase_add_test(t, test_R31_traditional_simplified_variant_explained);
	tcase_add_test(t, test_R31_same_reading_tones_ignored_every_reading);
	tcase_add_test(t, test_R31_one_character_substituted_dropped_transposed);
	tcase_add_test(t, test_R31_compound_surnames);
	tcase_add_test(t, test_R31_dates_day_month_swapped_or_one_digit);
	tcase_add_test(t, test_R31_score_weighs_context_guardian_and_errors);
	tcase_add_test(t, test_R31_id_number_one_digit_both_valid);
	tcase_add_test(t, test_R31_look_alikes_twins_and_common_names_not_suggested);
	tcase_add_test(t, test_R31_pairs_R7_joins_are_never_suggested);
	tcase_add_test(t, test_R31_bad_input_never_crashes);
	tcase_add_test(t, test_R31_kind_names_round_trip);
	tcase_add_test(t, test_R31_number_key_is_the_only_undated_key);
	tcase_add_test(t, test_R31_keys_of_month_and_day_pair_same_readings_or_same_day);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
