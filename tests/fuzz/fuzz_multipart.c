/* fuzz_multipart.c: libFuzzer harness for the multipart/form-data parser and the file name sanitizer (SPEC R23). */
/* Build: clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Ifcgi tests/fuzz/fuzz_multipart.c fcgi/multipart.c
 * Run:   mkdir -p /tmp/mp-corpus && ./fuzz_multipart -max_total_time=60 -max_len=20000 /tmp/mp-corpus tests/fuzz/corpus/multipart
 *        (new inputs go to the first directory; the committed seeds and regression inputs stay as they are)
 * Regress: ./fuzz_multipart tests/fuzz/corpus/multipart/<file>...  (or -runs=0 on the directory)
 * Each input is parsed as a body under a fixed Content-Type; if it has a LF in its first 256 bytes, it is
 * also parsed as "<Content-Type>\n<body>". Every parse runs again with an allocator that fails part way;
 * every file name found, and the raw input, go through the sanitizer. Invariants abort on violation. */
#include "multipart.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                 \
    do {                                                                         \
        if (!(c)) {                                                              \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
            abort();                                                             \
        }                                                                        \
    } while (0)

/* Arena of separate malloc blocks, so ASan sees every allocation's bounds; freed after each input. */
struct fz_arena {
    void **blocks;
    size_t n, cap;
    long fail_after; /* < 0: never fail */
};

static void *fz_alloc(void *ctx, size_t n)
{
    struct fz_arena *a = ctx;
    if (a->fail_after == 0)
        return NULL;
    if (a->fail_after > 0)
        a->fail_after--;
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 16;
        void **nb = realloc(a->blocks, nc * sizeof *nb);
        CHECK(nb != NULL);
        a->blocks = nb;
        a->cap = nc;
    }
    void *p = malloc(n ? n : 1);
    CHECK(p != NULL);
    a->blocks[a->n++] = p;
    return p;
}

static void fz_free(struct fz_arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->blocks[i]);
    free(a->blocks);
    memset(a, 0, sizeof *a);
}

/* Independent check of a sanitized name: valid UTF-8, 1..100 characters, nothing the sanitizer drops. */
static void check_sanitized(const char *s, size_t outsz)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), chars = 0, i = 0;

    CHECK(len < outsz);
    if (outsz >= 5)
        CHECK(len > 0);
    if (len > 0) {
        CHECK(p[0] != '.' && p[0] != ' ');
        CHECK(p[len - 1] != ' ');
    }
    while (i < len) {
        uint32_t cp;
        size_t k;
        if (p[i] < 0x80) {
            cp = p[i];
            k = 1;
        } else if ((p[i] & 0xE0) == 0xC0) {
            CHECK(i + 1 < len && (p[i + 1] & 0xC0) == 0x80);
            cp = ((uint32_t)(p[i] & 0x1F) << 6) | (p[i + 1] & 0x3F);
            CHECK(cp >= 0x80);
            k = 2;
        } else if ((p[i] & 0xF0) == 0xE0) {
            CHECK(i + 2 < len && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80);
            cp = ((uint32_t)(p[i] & 0x0F) << 12) | ((uint32_t)(p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
            CHECK(cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF));
            k = 3;
        } else {
            CHECK((p[i] & 0xF8) == 0xF0);
            CHECK(i + 3 < len && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80 && (p[i + 3] & 0xC0) == 0x80);
            cp = ((uint32_t)(p[i] & 0x07) << 18) | ((uint32_t)(p[i + 1] & 0x3F) << 12) |
                 ((uint32_t)(p[i + 2] & 0x3F) << 6) | (p[i + 3] & 0x3F);
            CHECK(cp >= 0x10000 && cp <= 0x10FFFF);
            k = 4;
        }
        CHECK(cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F));
        CHECK(cp != '/' && cp != '\\');
        CHECK(!(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069));
        CHECK(cp != 0x200E && cp != 0x200F && cp != 0x061C);
        i += k;
        chars++;
    }
    CHECK(chars <= MULTIPART_FILENAME_MAX_CHARS);
}

static void sanitize_all_sizes(const char *in, size_t len)
{
    static const size_t sizes[] = { 1, 2, 5, 7, 64, MULTIPART_FILENAME_BUFSZ };
    char out[MULTIPART_FILENAME_BUFSZ];
    char full[MULTIPART_FILENAME_BUFSZ];

    multipart_sanitize_filename(in, len, full, sizeof full);
    check_sanitized(full, sizeof full);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        multipart_sanitize_filename(in, len, out, sizes[i]);
        check_sanitized(out, sizes[i]);
        /* a smaller buffer gives a prefix of the full result (cut at a character boundary) */
        CHECK(strncmp(out, full, strlen(out)) == 0 || strcmp(out, "file") == 0 || strncmp(out, "file", strlen(out)) == 0);
    }
}

static void check_parse(const char *ct, const unsigned char *body, size_t len)
{
    const size_t max_parts = 16;
    struct fz_arena a = { NULL, 0, 0, -1 };
    struct mp_part *parts = NULL;
    size_t n = 99;
    enum mp_err e = multipart_parse(ct, body, len, max_parts, fz_alloc, &a, &parts, &n);
    size_t allocs = a.n;

    CHECK(multipart_err_code(e) != NULL);
    if (e != MP_OK) {
        CHECK(parts == NULL && n == 0);
    } else {
        const unsigned char *prev_end = body;
        CHECK(n <= max_parts);
        CHECK((n == 0) == (parts == NULL));
        for (size_t i = 0; i < n; i++) {
            const struct mp_part *p = &parts[i];
            CHECK(p->name != NULL);
            CHECK(p->data >= prev_end && p->len <= len && p->data + p->len <= body + len);
            prev_end = p->data + p->len;
            if (p->filename == NULL) {
                CHECK(p->filename_len == 0);
            } else {
                CHECK(p->filename[p->filename_len] == '\0');
                sanitize_all_sizes(p->filename, p->filename_len);
            }
            if (p->content_type != NULL)
                CHECK(strlen(p->content_type) > 0);
        }
    }
    fz_free(&a);

    /* the same input with allocation failing part way: same verdict, or out of memory */
    if (allocs > 0) {
        struct fz_arena b = { NULL, 0, 0, (long)(len % allocs) };
        size_t n2 = 99;
        struct mp_part *parts2 = NULL;
        enum mp_err e2 = multipart_parse(ct, body, len, max_parts, fz_alloc, &b, &parts2, &n2);
        CHECK(e2 == e || e2 == MP_ERR_NOMEM);
        if (e2 == MP_ERR_NOMEM)
            CHECK(parts2 == NULL && n2 == 0);
        fz_free(&b);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_parse("multipart/form-data; boundary=XyZzy", data, size);

    const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
    if (nl != NULL) {
        size_t ctlen = (size_t)(nl - data);
        char ct[257];
        memcpy(ct, data, ctlen);
        ct[ctlen] = '\0';
        check_parse(ct, nl + 1, size - ctlen - 1);
    }

    sanitize_all_sizes((const char *)data, size);
    return 0;
}
