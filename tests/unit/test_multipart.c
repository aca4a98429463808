/* Unit tests for fcgi/multipart.c: multipart/form-data parsing and file name sanitizing for evidence uploads (SPEC R23). */
#include "multipart.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- test arena: every block is remembered and freed in teardown ---- */

#define TA_MAX 16384
static void *ta_blocks[TA_MAX];
static size_t ta_count;
static long ta_fail_after = -1; /* >= 0: that many allocations succeed, then NULL */

static void *ta_alloc(void *ctx, size_t n)
{
    (void)ctx;
    if (ta_fail_after == 0)
        return NULL;
    if (ta_fail_after > 0)
        ta_fail_after--;
    ck_assert_uint_lt(ta_count, TA_MAX);
    void *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    ta_blocks[ta_count++] = p;
    return p;
}

static void ta_setup(void)
{
    ta_count = 0;
    ta_fail_after = -1;
}

static void ta_teardown(void)
{
    for (size_t i = 0; i < ta_count; i++)
        free(ta_blocks[i]);
    ta_count = 0;
}

static const char CT[] = "multipart/form-data; boundary=XyZzy";

static enum mp_err parse_ct(const char *ct, const char *body, size_t len, size_t max, struct mp_part **p, size_t *n)
{
    return multipart_parse(ct, (const unsigned char *)body, len, max, ta_alloc, NULL, p, n);
}

static enum mp_err parse(const char *body, struct mp_part **p, size_t *n)
{
    return parse_ct(CT, body, strlen(body), 16, p, n);
}

/* ---- well-formed bodies ---- */

START_TEST(test_R23_two_files_and_a_field)
{
    /* file data holds CR LF, "--", and a prefix of the delimiter; none of it ends the part */
    static const char body[] =
        "--XyZzy\r\n"
        "Content-Disposition: form-data; name=\"action\"\r\n"
        "\r\n"
        "corroborate\r\n"
        "--XyZzy\r\n"
        "Content-Disposition: form-data; name=\"evidence\"; filename=\"a.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n"
        "\r\n"
        "\xff\xd8\xff\r\n--XyZz\r\n--\x00\xff\xd9\r\n"
        "--XyZzy\r\n"
        "content-disposition: FORM-DATA; NAME=evidence; FILENAME=\"b.doc\"\r\n"
        "Content-Type:application/msword  \r\n"
        "X-Other: ignored\r\n"
        "\r\n"
        "\xd0\xcf\x11\xe0"
        "\r\n--XyZzy--\r\n";
    struct mp_part *p = NULL;
    size_t n = 0;
    ck_assert_int_eq(parse_ct(CT, body, sizeof body - 1, 16, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(p[0].name, "action");
    ck_assert_ptr_null(p[0].filename);
    ck_assert_ptr_null(p[0].content_type);
    ck_assert_uint_eq(p[0].len, 11);
    ck_assert(memcmp(p[0].data, "corroborate", 11) == 0);
    ck_assert_str_eq(p[1].name, "evidence");
    ck_assert_str_eq(p[1].filename, "a.jpg");
    ck_assert_uint_eq(p[1].filename_len, 5);
    ck_assert_str_eq(p[1].content_type, "image/jpeg");
    ck_assert_uint_eq(p[1].len, 18);
    ck_assert(memcmp(p[1].data, "\xff\xd8\xff\r\n--XyZz\r\n--\x00\xff\xd9", 18) == 0);
    ck_assert_str_eq(p[2].name, "evidence");
    ck_assert_str_eq(p[2].filename, "b.doc");
    ck_assert_str_eq(p[2].content_type, "application/msword");
    ck_assert_uint_eq(p[2].len, 4);
    /* data points into the caller's body, no copy */
    ck_assert(p[1].data > (const unsigned char *)body && p[1].data < (const unsigned char *)body + sizeof body);
}
END_TEST

START_TEST(test_R23_filename_star_preferred_over_filename)
{
    const char *body =
        "--XyZzy\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"fallback.jpg\"; "
        "filename*=UTF-8''%E8%AF%81%E6%98%8E%20%E6%9D%90%E6%96%99.jpg\r\n"
        "\r\n"
        "x\r\n--XyZzy--";
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse(body, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(p[0].filename, "证明 材料.jpg");
    ck_assert_uint_eq(p[0].filename_len, strlen("证明 材料.jpg"));
}
END_TEST

START_TEST(test_R23_filename_star_latin1_language_and_nul)
{
    const char *body =
        "--XyZzy\r\n"
        "Content-Disposition: form-data; name=f; filename*=iso-8859-1'de'%E4rger%00.jpg\r\n"
        "\r\n"
        "x\r\n--XyZzy--\r\n";
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse(body, &p, &n), MP_OK);
    ck_assert_uint_eq(p[0].filename_len, 11);
    ck_assert(memcmp(p[0].filename, "\xc3\xa4rger\0.jpg", 11) == 0);
    char out[MULTIPART_FILENAME_BUFSZ];
    multipart_sanitize_filename(p[0].filename, p[0].filename_len, out, sizeof out);
    ck_assert_str_eq(out, "ärger.jpg");
}
END_TEST

START_TEST(test_R23_filename_star_malformed_refused)
{
    static const char *const bad[] = {
        "filename*=UTF-8''%E8%A",         /* truncated escape */
        "filename*=UTF-8''%G0.jpg",       /* not hex */
        "filename*=KOI8-R''%E4.jpg",      /* unsupported charset */
        "filename*=UTF-8'x.jpg",          /* one quote only */
        "filename*=\"UTF-8''a b.jpg\"",   /* space is not an attr-char */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char body[256];
        struct mp_part *p;
        size_t n;
        snprintf(body, sizeof body, "--XyZzy\r\nContent-Disposition: form-data; name=f; %s\r\n\r\nx\r\n--XyZzy--\r\n", bad[i]);
        ck_assert_msg(parse(body, &p, &n) == MP_ERR_HEADERS, "accepted %s", bad[i]);
        ck_assert_ptr_null(p);
        ck_assert_uint_eq(n, 0);
    }
}
END_TEST

START_TEST(test_R23_quoted_boundary_with_space_and_colon)
{
    const char *ct = "multipart/form-data; charset=utf-8; boundary=\"a b:c=d?\"";
    const char *body = "--a b:c=d?\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b:c=d?--\r\n";
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse_ct(ct, body, strlen(body), 4, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(p[0].len, 1);
}
END_TEST

START_TEST(test_R23_content_type_case_insensitive)
{
    const char *ct = "  Multipart/Form-Data ;BOUNDARY=XyZzy;";
    const char *body = "--XyZzy\r\nContent-Disposition: form-data; name=x\r\n\r\n\r\n--XyZzy--";
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse_ct(ct, body, strlen(body), 4, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(p[0].len, 0);
}
END_TEST

START_TEST(test_R23_content_type_refused)
{
    char b70[80], ct[160];
    memset(b70, 'b', 70);
    b70[70] = '\0';
    static const char *const bad[] = {
        "application/json",
        "multipart/mixed; boundary=x",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=x; boundary=y",
        "multipart/form-data; boundary=\"ends in space \"",
        "multipart/form-data; boundary=\"semi;colon\"",
        "multipart/form-data; boundary=\"unterminated",
        "multipart/form-data boundary=x",
        "multipart/form-data; boundary = x",
        "",
    };
    struct mp_part *p;
    size_t n;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(parse_ct(bad[i], "--x--", 5, 4, &p, &n) == MP_ERR_CONTENT_TYPE, "accepted %s", bad[i]);
    ck_assert_int_eq(multipart_parse(NULL, (const unsigned char *)"", 0, 4, ta_alloc, NULL, &p, &n),
                     MP_ERR_CONTENT_TYPE);
    /* 70 characters is the limit (RFC 2046), 71 is refused */
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", b70);
    char body[200];
    snprintf(body, sizeof body, "--%s--\r\n", b70);
    ck_assert_int_eq(parse_ct(ct, body, strlen(body), 4, &p, &n), MP_OK);
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%sb", b70);
    ck_assert_int_eq(parse_ct(ct, body, strlen(body), 4, &p, &n), MP_ERR_CONTENT_TYPE);
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=\"%sb\"", b70);
    ck_assert_int_eq(parse_ct(ct, body, strlen(body), 4, &p, &n), MP_ERR_CONTENT_TYPE);
}
END_TEST

START_TEST(test_R23_epilogue_and_empty_form)
{
    struct mp_part *p;
    size_t n;
    const char *body = "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n"
                       "--XyZzy-- \t\r\nepilogue --XyZzy\r\n";
    ck_assert_int_eq(parse(body, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert(memcmp(p[0].data, "v", 1) == 0 && p[0].len == 1);
    ck_assert_int_eq(parse("--XyZzy--\r\n", &p, &n), MP_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(p);
    /* transport padding after a delimiter */
    ck_assert_int_eq(parse("--XyZzy  \r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--XyZzy--", &p, &n), MP_OK);
    ck_assert_uint_eq(n, 1);
}
END_TEST

/* ---- broken framing ---- */

START_TEST(test_R23_broken_boundary_refused)
{
    static const char *const bad[] = {
        "",                                                                  /* empty body */
        "--WrongOne\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--WrongOne--\r\n",
        "--XyZzyX\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzy--\r\n",  /* junk after boundary */
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzyjunk\r\n",
        "--XyZzy\nContent-Disposition: form-data; name=a\n\nv\n--XyZzy--\n", /* LF-only framing */
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\n--XyZzy--\r\n", /* LF before delimiter */
        "--XyZzy--junk",
        "preamble\r\n--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzy--", /* no preamble */
        "\r\n--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzy--",
        "preamble--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzy--",
    };
    struct mp_part *p;
    size_t n;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(parse(bad[i], &p, &n) == MP_ERR_BOUNDARY, "case %zu accepted", i);
        ck_assert_ptr_null(p);
        ck_assert_uint_eq(n, 0);
    }
}
END_TEST

START_TEST(test_R23_missing_final_delimiter_refused)
{
    static const char *const bad[] = {
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue with no end",
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzy",
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzy-",
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzy\r\n",
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZzy\r\nContent-Disposition: form",
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n",
        "--XyZzy\r\n",
        "--XyZzy",
    };
    struct mp_part *p;
    size_t n;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(parse(bad[i], &p, &n) == MP_ERR_BOUNDARY, "case %zu accepted", i);
}
END_TEST

/* ---- headers ---- */

START_TEST(test_R23_header_block_bounded_8k)
{
    /* a header block of exactly MULTIPART_PART_HEADERS_MAX bytes (not counting the CRLF CRLF that
     * ends it) passes, one more byte fails */
    const char *cd = "Content-Disposition: form-data; name=a\r\n";
    size_t fixed = strlen(cd) + strlen("X-Pad: ");
    size_t pad = MULTIPART_PART_HEADERS_MAX - fixed;
    size_t cap = MULTIPART_PART_HEADERS_MAX + 200;
    char *body = malloc(cap);
    ck_assert_ptr_nonnull(body);
    for (int extra = 0; extra <= 1; extra++) {
        char *q = body;
        q += sprintf(q, "--XyZzy\r\n%sX-Pad: ", cd);
        memset(q, 'p', pad + (size_t)extra);
        q += pad + (size_t)extra;
        q += sprintf(q, "\r\n\r\nv\r\n--XyZzy--\r\n");
        struct mp_part *p;
        size_t n;
        ck_assert_int_eq(parse_ct(CT, body, (size_t)(q - body), 4, &p, &n), extra ? MP_ERR_HEADERS : MP_OK);
    }
    free(body);
}
END_TEST

START_TEST(test_R23_header_overflow_refused)
{
    size_t big = 20000;
    char *body = malloc(big + 100);
    ck_assert_ptr_nonnull(body);
    char *q = body + sprintf(body, "--XyZzy\r\nContent-Disposition: form-data; name=\"");
    memset(q, 'a', big);
    q += big;
    q += sprintf(q, "\"\r\n\r\nv\r\n--XyZzy--\r\n");
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse_ct(CT, body, (size_t)(q - body), 4, &p, &n), MP_ERR_HEADERS);
    free(body);
}
END_TEST

START_TEST(test_R23_malformed_headers_refused)
{
    static const char *const bad[] = {
        "\r\n",                                                           /* no headers at all */
        "Content-Type: image/jpeg\r\n",                                   /* no Content-Disposition */
        "Content-Disposition: attachment; name=a\r\n",                    /* not form-data */
        "Content-Disposition: form-data\r\n",                             /* no name */
        "Content-Disposition: form-data; filename=a.jpg\r\n",             /* no name */
        "Content-Disposition: form-data; name=a; name=b\r\n",             /* duplicate parameter */
        "Content-Disposition: form-data; name=a; filename=x; filename=y\r\n",
        "Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n",
        "Content-Disposition: form-data; name=\"a\r\n",                   /* unterminated quote */
        "Content-Disposition: form-data; name=a b\r\n",                   /* junk after value */
        "Content-Disposition: form-data; name=\r\n",                      /* empty token */
        "Content-Disposition: form-data;\r\n name=a\r\n",                 /* obsolete line folding */
        "Content-Disposition: form-data; name=a\nX: y\r\n",               /* bare LF */
        "Content-Disposition: form-data; name=a\rX: y\r\n",               /* bare CR */
        "Content-Disposition: form-data; name=\"a\x01\"\r\n",             /* control character */
        "No-Colon-Here\r\nContent-Disposition: form-data; name=a\r\n",
        ": empty name\r\nContent-Disposition: form-data; name=a\r\n",
        "Content-Disposition: form-data; name=a\r\nContent-Type:\r\n",    /* empty Content-Type */
        "Content-Disposition: form-data; name=a\r\nContent-Type: a\r\nContent-Type: b\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char body[512];
        struct mp_part *p;
        size_t n;
        int len = snprintf(body, sizeof body, "--XyZzy\r\n%s\r\nv\r\n--XyZzy--\r\n", bad[i]);
        ck_assert_msg(parse_ct(CT, body, (size_t)len, 4, &p, &n) == MP_ERR_HEADERS, "case %zu accepted", i);
    }
    /* a NUL inside the header block */
    static const char nul[] = "--XyZzy\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nv\r\n--XyZzy--\r\n";
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse_ct(CT, nul, sizeof nul - 1, 4, &p, &n), MP_ERR_HEADERS);
}
END_TEST

START_TEST(test_R23_quoted_values_and_windows_paths)
{
    const char *body =
        "--XyZzy\r\n"
        "Content-Disposition: form-data; name=\"f\\\"q\"; filename=\"C:\\Users\\zhang\\a\\\"b.jpg\"\r\n"
        "\r\n"
        "x\r\n"
        "--XyZzy\r\n"
        "Content-Disposition: form-data ; name = \"g\" ; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\r\n--XyZzy--\r\n";
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse(body, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(p[0].name, "f\"q");
    ck_assert_str_eq(p[0].filename, "C:\\Users\\zhang\\a\"b.jpg");
    char out[MULTIPART_FILENAME_BUFSZ];
    multipart_sanitize_filename(p[0].filename, p[0].filename_len, out, sizeof out);
    ck_assert_str_eq(out, "a\"b.jpg");
    /* an empty file input: filename present but empty, not NULL */
    ck_assert_ptr_nonnull(p[1].filename);
    ck_assert_str_eq(p[1].filename, "");
    ck_assert_uint_eq(p[1].filename_len, 0);
    ck_assert_uint_eq(p[1].len, 0);
}
END_TEST

/* ---- limits ---- */

START_TEST(test_R23_too_many_parts_refused)
{
    const char *body =
        "--XyZzy\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
        "--XyZzy\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
        "--XyZzy\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n"
        "--XyZzy--\r\n";
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse_ct(CT, body, strlen(body), 2, &p, &n), MP_ERR_TOO_MANY_PARTS);
    ck_assert_ptr_null(p);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(parse_ct(CT, body, strlen(body), 0, &p, &n), MP_ERR_TOO_MANY_PARTS);
    ck_assert_int_eq(parse_ct(CT, body, strlen(body), 3, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(p[2].name, "c");
    ck_assert_int_eq(parse_ct(CT, body, strlen(body), SIZE_MAX, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 3);
}
END_TEST

START_TEST(test_R23_many_parts_linear_bound)
{
    /* 5000 tiny parts parse fine when allowed, and the part array is sized by what is present */
    size_t cap = 5000 * 64 + 32;
    char *body = malloc(cap), *q = body;
    ck_assert_ptr_nonnull(body);
    for (int i = 0; i < 5000; i++)
        q += sprintf(q, "--XyZzy\r\nContent-Disposition: form-data; name=p%d\r\n\r\n%d\r\n", i, i % 10);
    q += sprintf(q, "--XyZzy--\r\n");
    struct mp_part *p;
    size_t n;
    ck_assert_int_eq(parse_ct(CT, body, (size_t)(q - body), 10000, &p, &n), MP_OK);
    ck_assert_uint_eq(n, 5000);
    ck_assert_str_eq(p[4999].name, "p4999");
    ck_assert_uint_eq(p[4999].len, 1);
    ck_assert_int_eq(parse_ct(CT, body, (size_t)(q - body), 4999, &p, &n), MP_ERR_TOO_MANY_PARTS);
    free(body);
}
END_TEST

START_TEST(test_R23_allocation_failure_reported)
{
    const char *body = "--XyZzy\r\nContent-Disposition: form-data; name=a; filename=b.jpg\r\nContent-Type: image/jpeg\r\n\r\n"
                       "1\r\n--XyZzy--\r\n";
    struct mp_part *p;
    size_t n;
    for (long k = 0; k < 4; k++) {
        ta_fail_after = k;
        ck_assert_int_eq(parse(body, &p, &n), MP_ERR_NOMEM);
        ck_assert_ptr_null(p);
    }
    ta_fail_after = 4;
    ck_assert_int_eq(parse(body, &p, &n), MP_OK);
}
END_TEST

START_TEST(test_R23_error_codes_stable)
{
    ck_assert_str_eq(multipart_err_code(MP_OK), "ok");
    ck_assert_str_eq(multipart_err_code(MP_ERR_CONTENT_TYPE), "multipart_content_type");
    ck_assert_str_eq(multipart_err_code(MP_ERR_BOUNDARY), "multipart_boundary");
    ck_assert_str_eq(multipart_err_code(MP_ERR_HEADERS), "multipart_headers");
    ck_assert_str_eq(multipart_err_code(MP_ERR_TOO_MANY_PARTS), "multipart_too_many_parts");
    ck_assert_str_eq(multipart_err_code(MP_ERR_NOMEM), "out_of_memory");
}
END_TEST

/* ---- file name sanitizer ---- */

static const char *san(const char *in, size_t len)
{
    static char out[MULTIPART_FILENAME_BUFSZ];
    multipart_sanitize_filename(in, len, out, sizeof out);
    return out;
}
#define SAN(lit) san(lit, sizeof(lit) - 1)

/* Count UTF-8 characters (input known valid). */
static size_t u8_chars(const char *s)
{
    size_t c = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            c++;
    return c;
}

START_TEST(test_R23_sanitize_strips_paths)
{
    ck_assert_str_eq(SAN("../../x.jpg"), "x.jpg");
    ck_assert_str_eq(SAN("..\\..\\windows\\x.jpg"), "x.jpg");
    ck_assert_str_eq(SAN("/etc/passwd"), "passwd");
    ck_assert_str_eq(SAN("C:\\fakepath\\证明.doc"), "证明.doc");
    ck_assert_str_eq(SAN("dir/"), "file");
    ck_assert_str_eq(SAN("a/b\\c/d.rar"), "d.rar");
}
END_TEST

START_TEST(test_R23_sanitize_drops_nul_and_crlf)
{
    ck_assert_str_eq(SAN("a\0b.jpg"), "ab.jpg");
    ck_assert_str_eq(SAN("x.jpg\0.exe"), "x.jpg.exe");
    ck_assert_str_eq(SAN("a\r\nSet-Cookie: b.jpg"), "aSet-Cookie: b.jpg");
    ck_assert_str_eq(SAN("tab\there\x7f\x1b[31m.jpg"), "tabhere[31m.jpg");
    ck_assert_str_eq(SAN("c1\xc2\x85\xc2\x9b.doc"), "c1.doc"); /* U+0085, U+009B */
}
END_TEST

START_TEST(test_R23_sanitize_caps_300_chars_at_100)
{
    char in[301];
    memset(in, 'a', 300);
    in[300] = '\0';
    const char *o = san(in, 300);
    ck_assert_uint_eq(strlen(o), 100);
    /* 300 Chinese characters: 100 kept, 300 bytes, no split sequence */
    char zh[901];
    for (int i = 0; i < 300; i++)
        memcpy(zh + 3 * i, "证", 3);
    zh[900] = '\0';
    o = san(zh, 900);
    ck_assert_uint_eq(strlen(o), 300);
    ck_assert_uint_eq(u8_chars(o), 100);
    /* a small buffer truncates at a character boundary */
    char small[8];
    multipart_sanitize_filename(zh, 900, small, sizeof small);
    ck_assert_str_eq(small, "证证");
    char tiny[3];
    multipart_sanitize_filename("", 0, tiny, sizeof tiny);
    ck_assert_str_eq(tiny, "fi");
    char one[1];
    multipart_sanitize_filename("abc", 3, one, sizeof one);
    ck_assert_str_eq(one, "");
    /* 4-byte characters */
    char emoji[401];
    for (int i = 0; i < 100; i++)
        memcpy(emoji + 4 * i, "\xf0\x9f\x93\x84", 4);
    emoji[400] = '\0';
    char full[MULTIPART_FILENAME_BUFSZ];
    multipart_sanitize_filename(emoji, 400, full, sizeof full);
    ck_assert_uint_eq(strlen(full), 400);
}
END_TEST

START_TEST(test_R23_sanitize_drops_bidi_overrides)
{
    /* "invoice\u202Egpj.exe" shows as "invoiceexe.jpg" in a browser without the fix */
    ck_assert_str_eq(SAN("invoice\xe2\x80\xaegpj.exe"), "invoicegpj.exe");
    ck_assert_str_eq(SAN("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae" "a"), "a");
    ck_assert_str_eq(SAN("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9" "b"), "b");
    ck_assert_str_eq(SAN("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c" "c"), "c"); /* LRM RLM ALM */
    /* neighbours of the ranges are kept */
    ck_assert_str_eq(SAN("\xe2\x80\xa9x\xe2\x80\xafy\xe2\x81\xa5z"), "\xe2\x80\xa9x\xe2\x80\xafy\xe2\x81\xa5z");
}
END_TEST

START_TEST(test_R23_sanitize_drops_invalid_utf8)
{
    ck_assert_str_eq(SAN("a\xff" "b"), "ab");
    ck_assert_str_eq(SAN("a\xc3(b"), "a(b");          /* lead byte without continuation */
    ck_assert_str_eq(SAN("\xc0\xaf" "x"), "x");        /* overlong '/' */
    ck_assert_str_eq(SAN("\xe0\x80\xaf" "x"), "x");    /* overlong */
    ck_assert_str_eq(SAN("\xed\xa0\x80" "x"), "x");    /* surrogate */
    ck_assert_str_eq(SAN("\xf4\x90\x80\x80" "x"), "x"); /* above U+10FFFF */
    ck_assert_str_eq(SAN("x\xe8\xaf"), "x");           /* truncated at the end */
    ck_assert_str_eq(SAN("\xc3\xa9t\xc3\xa9.jpg"), "été.jpg");
}
END_TEST

START_TEST(test_R23_sanitize_leading_dots_and_empty)
{
    ck_assert_str_eq(SAN(".htaccess"), "htaccess");
    ck_assert_str_eq(SAN("...jpg"), "jpg");
    ck_assert_str_eq(SAN(" . .x.jpg  "), "x.jpg");
    ck_assert_str_eq(SAN("a..b.jpg"), "a..b.jpg");
    ck_assert_str_eq(SAN("...."), "file");
    ck_assert_str_eq(SAN(""), "file");
    ck_assert_str_eq(san(NULL, 0), "file");
    ck_assert_str_eq(SAN("\r\n\0"), "file");
    ck_assert_str_eq(SAN("\xe2\x80\xae"), "file");
    ck_assert_str_eq(SAN("x/.."), "file");
}
END_TEST

static Suite *multipart_suite(void)
{
    Suite *s = suite_create("multipart");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, ta_setup, ta_teardown);
    tcase_add_test(tc, test_R23_two_files_and_a_field);
    tcase_add_test(tc, test_R23_filename_star_preferred_over_filename);
    tcase_add_test(tc, test_R23_filename_star_latin1_language_and_nul);
    tcase_add_test(tc, test_R23_filename_star_malformed_refused);
    tcase_add_test(tc, test_R23_quoted_boundary_with_space_and_colon);
    tcase_add_test(tc, test_R23_content_type_case_insensitive);
    tcase_add_test(tc, test_R23_content_type_refused);
    tcase_add_test(tc, test_R23_epilogue_and_empty_form);
    tcase_add_test(tc, test_R23_broken_boundary_refused);
    tcase_add_test(tc, test_R23_missing_final_delimiter_refused);
    tcase_add_test(tc, test_R23_header_block_bounded_8k);
    tcase_add_test(tc, test_R23_header_overflow_refused);
    tcase_add_test(tc, test_R23_malformed_headers_refused);
    tcase_add_test(tc, test_R23_quoted_values_and_windows_paths);
    tcase_add_test(tc, test_R23_too_many_parts_refused);
    tcase_add_test(tc, test_R23_many_parts_linear_bound);
    tcase_add_test(tc, test_R23_allocation_failure_reported);
    tcase_add_test(tc, test_R23_error_codes_stable);
    suite_add_tcase(s, tc);

    TCase *ts = tcase_create("sanitize");
    tcase_add_test(ts, test_R23_sanitize_strips_paths);
    tcase_add_test(ts, test_R23_sanitize_drops_nul_and_crlf);
    tcase_add_test(ts, test_R23_sanitize_caps_300_chars_at_100);
    tcase_add_test(ts, test_R23_sanitize_drops_bidi_overrides);
    tcase_add_test(ts, test_R23_sanitize_drops_invalid_utf8);
    tcase_add_test(ts, test_R23_sanitize_leading_dots_and_empty);
    suite_add_tcase(s, ts);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(multipart_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
