/* Unit tests for fcgi/filetype.c: evidence files are DOC, RAR or JPG by content, not name (SPEC R23). */
/* Fixtures come from the directory in argv[1], else $FIXTURES, else tests/fixtures/evidence; the list of
 * fixtures and their expected verdicts is that directory's manifest.tsv. */
#define _POSIX_C_SOURCE 200809L
#include "filetype.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ROWS 128

struct row {
    char file[128];
    char expected[16];
    char mimes[256]; /* alternatives separated by '|' */
};

static const char *fixtures_dir = "tests/fixtures/evidence";
static struct row rows[MAX_ROWS];
static int nrows;
static magic_t cookie;

static void cookie_setup(void)
{
    cookie = filetype_open();
    ck_assert_ptr_nonnull(cookie);
}

static void cookie_teardown(void)
{
    magic_close(cookie);
    cookie = NULL;
}

/* Read a whole fixture into a malloc'd buffer (len 0 gives a 1-byte buffer). */
static unsigned char *read_fixture(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", fixtures_dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long sz = ftell(f);
    ck_assert_int_ge(sz, 0);
    rewind(f);
    unsigned char *buf = malloc((size_t)sz + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    *len = (size_t)sz;
    return buf;
}

/* Load manifest.tsv; returns the number of rows, or -1 if it cannot be read. */
static int load_manifest(void)
{
    char path[1024], line[1024];
    snprintf(path, sizeof path, "%s/manifest.tsv", fixtures_dir);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int n = 0;
    while (fgets(line, sizeof line, f) != NULL && n < MAX_ROWS) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *save = NULL;
        char *file = strtok_r(line, "\t\n", &save);
        char *exp = strtok_r(NULL, "\t\n", &save);
        char *mimes = strtok_r(NULL, "\t\n", &save);
        if (file == NULL || exp == NULL || mimes == NULL)
            continue;
        snprintf(rows[n].file, sizeof rows[n].file, "%s", file);
        snprintf(rows[n].expected, sizeof rows[n].expected, "%s", exp);
        snprintf(rows[n].mimes, sizeof rows[n].mimes, "%s", mimes);
        n++;
    }
    fclose(f);
    return n;
}

static int mime_in(const char *mime, const char *alternatives)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", alternatives);
    char *save = NULL;
    for (char *t = strtok_r(buf, "|", &save); t != NULL; t = strtok_r(NULL, "|", &save))
        if (strcmp(t, mime) == 0)
            return 1;
    return 0;
}

/* ---- every fixture ---- */

START_TEST(test_R23_fixture_classified_by_content)
{
    const struct row *r = &rows[_i];
    size_t len;
    unsigned char *buf = read_fixture(r->file, &len);
    const char *mime = NULL;
    enum ft_kind k = filetype_classify(cookie, buf, len, &mime);
    printf("fixture %-30s %-8s %s\n", r->file, filetype_kind_name(k), mime);
    ck_assert_msg(strcmp(filetype_kind_name(k), r->expected) == 0, "%s: got %s (%s), want %s", r->file,
                  filetype_kind_name(k), mime, r->expected);
    ck_assert_msg(mime_in(mime, r->mimes), "%s: libmagic said %s, manifest says %s", r->file, mime, r->mimes);
    if (k == FT_REFUSED) {
        const char *zh = filetype_refusal_zh(mime);
        const char *en = filetype_refusal_en(mime);
        ck_assert_ptr_nonnull(strstr(zh, "只允许 DOC、RAR 或 JPG"));
        ck_assert_ptr_nonnull(strstr(en, "only DOC, RAR or JPG"));
        if (len > 0) {
            ck_assert_ptr_nonnull(strstr(zh, mime));
            ck_assert_ptr_nonnull(strstr(en, mime));
        }
    }
    /* the verdict depends on content only: same bytes, same answer */
    ck_assert_int_eq(filetype_classify(cookie, buf, len, NULL), k);
    free(buf);
}
END_TEST

START_TEST(test_R23_every_fixture_listed_and_enough_kinds)
{
    DIR *d = opendir(fixtures_dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0 || strcmp(e->d_name, "manifest.tsv") == 0)
            continue;
        int found = 0;
        for (int i = 0; i < nrows; i++)
            found |= strcmp(rows[i].file, e->d_name) == 0;
        ck_assert_msg(found, "%s is not in manifest.tsv", e->d_name);
        files++;
    }
    closedir(d);
    ck_assert_int_eq(files, nrows);
    int doc = 0, rar = 0, jpeg = 0, refused = 0;
    for (int i = 0; i < nrows; i++) {
        doc += strcmp(rows[i].expected, "doc") == 0;
        rar += strcmp(rows[i].expected, "rar") == 0;
        jpeg += strcmp(rows[i].expected, "jpeg") == 0;
        refused += strcmp(rows[i].expected, "refused") == 0;
    }
    ck_assert_int_ge(doc, 1);
    ck_assert_int_ge(rar, 2);
    ck_assert_int_ge(jpeg, 2);
    ck_assert_int_ge(refused, 20);
}
END_TEST

/* ---- JPEG structure ---- */

START_TEST(test_R23_jpeg_every_proper_prefix_refused)
{
    size_t len;
    unsigned char *buf = read_fixture("ok-baseline.jpg", &len);
    ck_assert_int_eq(filetype_classify(cookie, buf, len, NULL), FT_JPEG);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_msg(filetype_classify(cookie, buf, cut, NULL) == FT_REFUSED, "prefix of %zu bytes accepted", cut);
    free(buf);
}
END_TEST

START_TEST(test_R23_jpeg_trailer_after_eoi_bounded)
{
    size_t len;
    unsigned char *jpg = read_fixture("ok-plasma.jpg", &len);
    unsigned char *buf = calloc(len + FILETYPE_JPEG_MAX_TRAILER + 1, 1);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, jpg, len);
    ck_assert_int_eq(filetype_classify(cookie, buf, len + FILETYPE_JPEG_MAX_TRAILER, NULL), FT_JPEG);
    ck_assert_int_eq(filetype_classify(cookie, buf, len + FILETYPE_JPEG_MAX_TRAILER + 1, NULL), FT_REFUSED);
    free(buf);
    free(jpg);
}
END_TEST

/* Pad a JPEG to exactly total bytes with COM (FF FE) segments right after SOI; this is how the API tests
 * build a 2,097,152-byte JPEG (padding after EOI would exceed FILETYPE_JPEG_MAX_TRAILER). */
static unsigned char *pad_jpeg(const unsigned char *jpg, size_t len, size_t total)
{
    ck_assert_uint_ge(total, len + 4);
    unsigned char *out = malloc(total);
    ck_assert_ptr_nonnull(out);
    size_t o = 2, need = total - len;
    memcpy(out, jpg, 2);
    while (need > 0) {
        size_t seg = need > 65537 ? 65537 : need; /* marker (2) + length field and body (<= 65535) */
        if (need - seg > 0 && need - seg < 4)
            seg -= 4; /* leave room for one more minimal segment */
        size_t body = seg - 2;
        out[o] = 0xFF;
        out[o + 1] = 0xFE;
        out[o + 2] = (unsigned char)(body >> 8);
        out[o + 3] = (unsigned char)(body & 0xFF);
        memset(out + o + 4, 'x', body - 2);
        o += seg;
        need -= seg;
    }
    memcpy(out + o, jpg + 2, len - 2);
    ck_assert_uint_eq(o + len - 2, total);
    return out;
}

START_TEST(test_R23_jpeg_padded_to_2mb_still_a_jpeg)
{
    size_t len;
    unsigned char *jpg = read_fixture("ok-plasma.jpg", &len);
    unsigned char *at = pad_jpeg(jpg, len, FILETYPE_MAX_BYTES);
    unsigned char *over = pad_jpeg(jpg, len, FILETYPE_MAX_BYTES + 1);
    /* content verdict only: enforcing the size limit is the caller's job */
    ck_assert_int_eq(filetype_classify(cookie, at, FILETYPE_MAX_BYTES, NULL), FT_JPEG);
    ck_assert_int_eq(filetype_classify(cookie, over, FILETYPE_MAX_BYTES + 1, NULL), FT_JPEG);
    free(at);
    free(over);
    free(jpg);
}
END_TEST

/* Minimal structurally valid JPEG: SOI, APP0 JFIF, SOF0, SOS, entropy data, EOI. */
static size_t synth_jpeg(unsigned char *out, const unsigned char *scan, size_t scanlen)
{
    static const unsigned char head[] = {
        0xFF, 0xD8,
        0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xC0, 0x00, 0x0B, 8, 0, 8, 0, 8, 1, 1, 0x11, 0,
        0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 63, 0,
    };
    memcpy(out, head, sizeof head);
    memcpy(out + sizeof head, scan, scanlen);
    return sizeof head + scanlen;
}

START_TEST(test_R23_jpeg_stuffing_restart_and_fill_bytes)
{
    unsigned char buf[256];
    /* FF 00 stuffing, RST0 and RST7, fill bytes before EOI */
    static const unsigned char ok[] = { 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD7, 0x78, 0xFF, 0xFF, 0xFF, 0xD9 };
    size_t n = synth_jpeg(buf, ok, sizeof ok);
    const char *mime;
    ck_assert_int_eq(filetype_classify(cookie, buf, n, &mime), FT_JPEG);
    ck_assert_str_eq(mime, "image/jpeg");
    /* an EOI only inside entropy data after stuffing is not an end: FF 00 D9 */
    static const unsigned char stuffed[] = { 0x12, 0xFF, 0x00, 0xD9 };
    n = synth_jpeg(buf, stuffed, sizeof stuffed);
    ck_assert_int_eq(filetype_classify(cookie, buf, n, NULL), FT_REFUSED);
    /* SOS before any frame header */
    static const unsigned char no_sof[] = {
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 63, 0, 0x12, 0xFF, 0xD9,
    };
    ck_assert_int_eq(filetype_classify(cookie, no_sof, sizeof no_sof, NULL), FT_REFUSED);
    /* header then EOI with no scan at all */
    static const unsigned char no_scan[] = {
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9,
    };
    ck_assert_int_eq(filetype_classify(cookie, no_scan, sizeof no_scan, NULL), FT_REFUSED);
    /* an EOI inside an APP1 segment (EXIF thumbnail) does not end the file */
    static const unsigned char app1[] = {
        0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x0A, 'E', 'x', 'i', 'f', 0, 0, 0xFF, 0xD9,
        0xFF, 0xC0, 0x00, 0x0B, 8, 0, 8, 0, 8, 1, 1, 0x11,
    };
    ck_assert_int_eq(filetype_classify(cookie, app1, sizeof app1, NULL), FT_REFUSED);
}
END_TEST

/* ---- issue 11 item 16: multi-image JPEGs and the preview pixel limit ---- */

/* A phone camera's file: the primary image, then an MPF preview and a gain map, each a whole JPEG. */
START_TEST(test_R23_jpeg_multi_image_accepted_when_every_image_is_a_jpeg)
{
    size_t la, lb;
    unsigned char *a = read_fixture("ok-plasma.jpg", &la);
    unsigned char *b = read_fixture("ok-baseline.jpg", &lb);
    unsigned char *buf = malloc(la + 9 * lb + 64);
    ck_assert_ptr_nonnull(buf);
    /* primary + preview + gain map */
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    memcpy(buf + la + lb, b, lb);
    ck_assert_int_eq(filetype_classify(cookie, buf, la + 2 * lb, NULL), FT_JPEG);
    /* a short vendor trailer after the last image is still allowed */
    memset(buf + la + 2 * lb, 0, 32);
    ck_assert_int_eq(filetype_classify(cookie, buf, la + 2 * lb + 32, NULL), FT_JPEG);
    /* a second image cut short (every proper prefix of it) is refused: it starts like a JPEG but is not one */
    for (size_t cut = 3; cut < lb; cut += 7)
        ck_assert_msg(filetype_classify(cookie, buf, la + lb + cut, NULL) == FT_REFUSED, "second image cut at %zu accepted", cut);
    /* anything else behind FF D8 FF: a JPEG-looking header on a non-JPEG is refused */
    memcpy(buf + la, "\xFF\xD8\xFF\xE0garbage that is no JPEG", 27);
    ck_assert_int_eq(filetype_classify(cookie, buf, la + 27, NULL), FT_REFUSED);
    /* at most FILETYPE_JPEG_MAX_IMAGES images */
    memcpy(buf, a, la);
    size_t n = la;
    for (int i = 1; i < FILETYPE_JPEG_MAX_IMAGES; i++, n += lb)
        memcpy(buf + n, b, lb);
    ck_assert_int_eq(filetype_classify(cookie, buf, n, NULL), FT_JPEG);
    memcpy(buf + n, b, lb);
    ck_assert_int_eq(filetype_classify(cookie, buf, n + lb, NULL), FT_REFUSED);
    free(buf);
    free(a);
    free(b);
}
END_TEST

/* Set the first frame header's height and width (a structurally valid JPEG claiming any size). */
static void set_sof_size(unsigned char *buf, size_t len, unsigned w, unsigned h)
{
    for (size_t i = 2; i + 9 < len; i++)
        if (buf[i] == 0xFF && buf[i + 1] >= 0xC0 && buf[i + 1] <= 0xC3) {
            buf[i + 5] = (unsigned char)(h >> 8);
            buf[i + 6] = (unsigned char)h;
            buf[i + 7] = (unsigned char)(w >> 8);
            buf[i + 8] = (unsigned char)w;
            return;
        }
    ck_abort_msg("no frame header");
}

START_TEST(test_R23_jpeg_size_and_preview_pixel_limit)
{
    size_t len;
    unsigned w = 0, h = 0;
    unsigned char *jpg = read_fixture("ok-plasma.jpg", &len);
    ck_assert_int_eq(filetype_jpeg_size(jpg, len, &w, &h), 0);
    ck_assert_uint_gt(w, 0);
    ck_assert_uint_gt(h, 0);
    ck_assert(filetype_jpeg_previewable(w, h));
    /* 8000 x 6000 = 48 Mpx: a valid JPEG, accepted as evidence, but never previewed inline */
    set_sof_size(jpg, len, 8000, 6000);
    ck_assert_int_eq(filetype_classify(cookie, jpg, len, NULL), FT_JPEG);
    ck_assert_int_eq(filetype_jpeg_size(jpg, len, &w, &h), 0);
    ck_assert_uint_eq(w, 8000);
    ck_assert_uint_eq(h, 6000);
    ck_assert(!filetype_jpeg_previewable(w, h));
    /* the limit itself: 40,000,000 pixels previewable, one row more not */
    ck_assert(filetype_jpeg_previewable(8000, 5000));
    ck_assert(!filetype_jpeg_previewable(8000, 5001));
    ck_assert(!filetype_jpeg_previewable(65535, 65535));
    /* unknown height (DNL) or width 0: not previewable, size unknown */
    set_sof_size(jpg, len, 640, 0);
    ck_assert_int_eq(filetype_jpeg_size(jpg, len, &w, &h), -1);
    ck_assert(!filetype_jpeg_previewable(640, 0));
    /* not a JPEG */
    ck_assert_int_eq(filetype_jpeg_size("Rar!\x1a\x07\x00", 7, &w, &h), -1);
    ck_assert_int_eq(filetype_jpeg_size(NULL, 0, &w, &h), -1);
    free(jpg);
}
END_TEST

/* ---- signatures at offset 0 ---- */

START_TEST(test_R23_signature_must_be_at_offset_zero)
{
    static const char *const files[] = { "ok-word97.doc", "ok-rar4.rar", "ok-rar5.rar", "ok-baseline.jpg" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        unsigned char *f = read_fixture(files[i], &len);
        unsigned char *buf = malloc(len + 1);
        ck_assert_ptr_nonnull(buf);
        buf[0] = 0;
        memcpy(buf + 1, f, len);
        ck_assert_msg(filetype_classify(cookie, buf, len + 1, NULL) == FT_REFUSED, "%s shifted by one accepted", files[i]);
        memcpy(buf, f, len);
        buf[2] ^= 0x01; /* damage the signature in place */
        ck_assert_msg(filetype_classify(cookie, buf, len, NULL) == FT_REFUSED, "%s with damaged signature accepted",
                      files[i]);
        free(buf);
        free(f);
    }
}
END_TEST

START_TEST(test_R23_rar_signature_versions)
{
    size_t l4, l5;
    unsigned char *r4 = read_fixture("ok-rar4.rar", &l4);
    unsigned char *r5 = read_fixture("ok-rar5.rar", &l5);
    ck_assert(memcmp(r4, "Rar!\x1a\x07\x00", 7) == 0);
    ck_assert(memcmp(r5, "Rar!\x1a\x07\x01\x00", 8) == 0);
    ck_assert_int_eq(filetype_classify(cookie, r4, l4, NULL), FT_RAR);
    ck_assert_int_eq(filetype_classify(cookie, r5, l5, NULL), FT_RAR);
    free(r4);
    free(r5);
}
END_TEST

START_TEST(test_R23_empty_and_null_buffer_refused)
{
    const char *mime = NULL;
    ck_assert_int_eq(filetype_classify(cookie, NULL, 0, &mime), FT_REFUSED);
    ck_assert_str_eq(mime, "application/x-empty");
    ck_assert_int_eq(filetype_classify(cookie, "x", 0, &mime), FT_REFUSED);
}
END_TEST

/* ---- messages ---- */

START_TEST(test_R23_refusal_messages)
{
    ck_assert_str_eq(filetype_refusal_zh("image/png"), "文件类型为 image/png，只允许 DOC、RAR 或 JPG");
    ck_assert_str_eq(filetype_refusal_en("image/png"), "File type is image/png; only DOC, RAR or JPG files are allowed");
    ck_assert_str_eq(filetype_refusal_zh("image/jpeg"), "文件内容不是完整有效的 JPG（image/jpeg），只允许 DOC、RAR 或 JPG");
    ck_assert_str_eq(filetype_refusal_en("application/msword"),
                     "File is not a complete, valid DOC (application/msword); only DOC, RAR or JPG files are allowed");
    ck_assert_str_eq(filetype_refusal_zh("application/x-rar"), "文件内容不是完整有效的 RAR（application/x-rar），只允许 DOC、RAR 或 JPG");
    ck_assert_str_eq(filetype_refusal_zh("application/x-empty"), "文件为空，只允许 DOC、RAR 或 JPG");
    ck_assert_str_eq(filetype_refusal_en("application/x-empty"), "File is empty; only DOC, RAR or JPG files are allowed");
    ck_assert_str_eq(filetype_refusal_zh(NULL), "无法识别文件类型，只允许 DOC、RAR 或 JPG");
    ck_assert_str_eq(filetype_refusal_en(""), "Unknown file type; only DOC, RAR or JPG files are allowed");
    /* MIME text is filtered and capped: no markup or control characters reach the message */
    ck_assert_str_eq(filetype_refusal_en("text/html<script>\r\n"), "File type is text/htmlscript; only DOC, RAR or JPG files are allowed");
    char longm[300];
    memset(longm, 'a', sizeof longm - 1);
    longm[sizeof longm - 1] = '\0';
    ck_assert_uint_lt(strlen(filetype_refusal_zh(longm)), 250);
    /* separate buffers: both languages can be used together */
    const char *zh = filetype_refusal_zh("image/gif");
    const char *en = filetype_refusal_en("image/gif");
    ck_assert_ptr_ne(zh, en);
    ck_assert_ptr_nonnull(strstr(zh, "image/gif"));
}
END_TEST

START_TEST(test_R23_kind_names_and_size_limit)
{
    ck_assert_str_eq(filetype_kind_name(FT_DOC), "doc");
    ck_assert_str_eq(filetype_kind_name(FT_RAR), "rar");
    ck_assert_str_eq(filetype_kind_name(FT_JPEG), "jpeg");
    ck_assert_str_eq(filetype_kind_name(FT_REFUSED), "refused");
    ck_assert_uint_eq(FILETYPE_MAX_BYTES, 2u * 1024u * 1024u);
}
END_TEST

static Suite *filetype_suite(void)
{
    Suite *s = suite_create("filetype");
    TCase *tf = tcase_create("fixtures");
    tcase_add_checked_fixture(tf, cookie_setup, cookie_teardown);
    tcase_add_loop_test(tf, test_R23_fixture_classified_by_content, 0, nrows);
    tcase_add_test(tf, test_R23_every_fixture_listed_and_enough_kinds);
    tcase_add_test(tf, test_R23_jpeg_every_proper_prefix_refused);
    tcase_add_test(tf, test_R23_jpeg_trailer_after_eoi_bounded);
    tcase_add_test(tf, test_R23_jpeg_padded_to_2mb_still_a_jpeg);
    tcase_add_test(tf, test_R23_jpeg_stuffing_restart_and_fill_bytes);
    tcase_add_test(tf, test_R23_jpeg_multi_image_accepted_when_every_image_is_a_jpeg);
    tcase_add_test(tf, test_R23_jpeg_size_and_preview_pixel_limit);
    tcase_add_test(tf, test_R23_signature_must_be_at_offset_zero);
    tcase_add_test(tf, test_R23_rar_signature_versions);
    tcase_add_test(tf, test_R23_empty_and_null_buffer_refused);
    tcase_set_timeout(tf, 60);
    suite_add_tcase(s, tf);
    TCase *tm = tcase_create("messages");
    tcase_add_test(tm, test_R23_refusal_messages);
    tcase_add_test(tm, test_R23_kind_names_and_size_limit);
    suite_add_tcase(s, tm);
    return s;
}

int main(int argc, char **argv)
{
    const char *env = getenv("FIXTURES");
    if (argc > 1)
        fixtures_dir = argv[1];
    else if (env != NULL && *env != '\0')
        fixtures_dir = env;
    nrows = load_manifest();
    if (nrows <= 0) {
        fprintf(stderr, "test_filetype: no fixtures: cannot read %s/manifest.tsv\n", fixtures_dir);
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(filetype_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
