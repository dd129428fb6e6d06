/*
 * The typedstream text reader (src/lib/formats/typedstream.c) on
 * NSAttributedString archives laid out as docs/formats/typedstream.md
 * shows them, byte for byte.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/typedstream.h"
#include "util/buf.h"

/* An attributed string "Hello" with one attribute run. */
static const unsigned char ts_hello[] = {
    0x04, 0x0b, 0x73, 0x74, 0x72, 0x65, 0x61, 0x6d, 0x74, 0x79, 0x70, 0x65, /* 04 0B streamtyped */
    0x64, 0x81, 0xe8, 0x03, 0x84, 0x01, 0x40, 0x84, 0x84, 0x84, 0x12, 0x4e, /* 1000, "@" */
    0x53, 0x41, 0x74, 0x74, 0x72, 0x69, 0x62, 0x75, 0x74, 0x65, 0x64, 0x53, /* NSAttributedString */
    0x74, 0x72, 0x69, 0x6e, 0x67, 0x00, 0x84, 0x84, 0x08, 0x4e, 0x53, 0x4f, /* NSObject */
    0x62, 0x6a, 0x65, 0x63, 0x74, 0x00, 0x85, 0x92, 0x84, 0x84, 0x84, 0x08, /* end of chain */
    0x4e, 0x53, 0x53, 0x74, 0x72, 0x69, 0x6e, 0x67, 0x01, 0x94, 0x84, 0x01, /* NSString, "+" */
    0x2b, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x86, 0x84, 0x02, 0x69, 0x49, /* 5 "Hello", iI */
    0x01, 0x05, 0x92, 0x84, 0x84, 0x84, 0x0c, 0x4e, 0x53, 0x44, 0x69, 0x63, /* NSDictionary */
    0x74, 0x69, 0x6f, 0x6e, 0x61, 0x72, 0x79, 0x00, 0x94, 0x84, 0x01, 0x69, 0x00, 0x86, 0x86,
};
#define TS_LENGTH_AT 73 /* the text's length byte in ts_hello */

/* ts_hello with the length and text replaced. */
static unsigned char *with_text(const unsigned char *len, size_t nl, const char *text, size_t nt,
                                size_t *n)
{
    size_t after = TS_LENGTH_AT + 1 + 5; /* past "\x05Hello" */
    struct vg_buf b;

    vg_buf_init(&b, 1024);
    assert_int_equal(vg_buf_append(&b, ts_hello, TS_LENGTH_AT), VG_OK);
    assert_int_equal(vg_buf_append(&b, len, nl), VG_OK);
    assert_int_equal(vg_buf_append(&b, text, nt), VG_OK);
    assert_int_equal(vg_buf_append(&b, ts_hello + after, sizeof(ts_hello) - after), VG_OK);
    *n = b.len;
    return (unsigned char *)vg_buf_take(&b);
}

static int text_of(const unsigned char *p, size_t n, const unsigned char **t, size_t *len)
{
    return vg_typedstream_text(p, n, t, len);
}

static void test_hello(void **state)
{
    const unsigned char *t;
    size_t len;
    (void)state;

    assert_int_equal(text_of(ts_hello, sizeof(ts_hello), &t, &len), VG_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(t, "Hello", 5);
    assert_ptr_equal(t, ts_hello + TS_LENGTH_AT + 1); /* borrowed, not copied */
}

static void test_length_forms(void **state)
{
    static const unsigned char l16[] = {0x81, 0xC8, 0x00}, l32[] = {0x82, 0x03, 0, 0, 0};
    char text[200];
    const unsigned char *t;
    unsigned char *p;
    size_t n, len;
    (void)state;

    memset(text, 'x', sizeof(text));
    p = with_text(l16, sizeof(l16), text, sizeof(text), &n);
    assert_int_equal(text_of(p, n, &t, &len), VG_OK);
    assert_int_equal(len, 200);
    free(p);
    p = with_text(l32, sizeof(l32), "caf", 3, &n);
    assert_int_equal(text_of(p, n, &t, &len), VG_OK);
    assert_memory_equal(t, "caf", 3);
    free(p);
    p = with_text((const unsigned char *)"\x04", 1, "\xC3\xA9t\xC3\xA9", 4, &n);
    assert_int_equal(text_of(p, n, &t, &len), VG_E_CORRUPT); /* cut inside é: not UTF-8 */
    free(p);
    p = with_text((const unsigned char *)"\x05", 1, "\xC3\xA9t\xC3\xA9", 5, &n);
    assert_int_equal(text_of(p, n, &t, &len), VG_OK);
    free(p);
}

static void test_refused(void **state)
{
    static const unsigned char huge[] = {0x82, 0x01, 0x00, 0x00, 0x01}; /* 16 MiB + 1 */
    static const unsigned char past[] = {0x82, 0x00, 0x01, 0x00, 0x00}; /* 256 bytes */
    const unsigned char *t;
    unsigned char *p;
    size_t n, len;
    (void)state;

    p = with_text((const unsigned char *)"\x83", 1, "", 0, &n); /* 0x83: a real, no length */
    assert_int_equal(text_of(p, n, &t, &len), VG_E_CORRUPT);
    free(p);
    p = with_text(huge, sizeof(huge), "", 0, &n);
    assert_int_equal(text_of(p, n, &t, &len), VG_E_LIMIT);
    free(p);
    p = with_text(past, sizeof(past), "abc", 3, &n);
    assert_int_equal(text_of(p, n, &t, &len), VG_E_TRUNCATED);
    free(p);
    p = with_text((const unsigned char *)"\x03", 1, "a\0b", 3, &n);
    assert_int_equal(text_of(p, n, &t, &len), VG_E_CORRUPT); /* NUL */
    free(p);
    p = with_text((const unsigned char *)"\x02", 1, "a\xFF", 2, &n);
    assert_int_equal(text_of(p, n, &t, &len), VG_E_CORRUPT);
    free(p);
    /* cut inside the 16-bit length */
    assert_int_equal(text_of((const unsigned char *)"NSString\x84\x01+\x81\x05", 13, &t, &len),
                     VG_E_TRUNCATED);
    assert_int_equal(text_of(ts_hello, TS_LENGTH_AT, &t, &len), VG_E_TRUNCATED);
}

/* ts_hello with k filler bytes between the class name and the "+" type
 * string (at offset 70, 2 bytes after the name's end). */
static size_t with_gap(unsigned char *p, size_t k)
{
    memcpy(p, ts_hello, 70);
    memset(p + 70, 0x85, k);
    memcpy(p + 70 + k, ts_hello + 70, sizeof(ts_hello) - 70);
    return sizeof(ts_hello) + k;
}

static void test_not_found(void **state)
{
    unsigned char p[sizeof(ts_hello) + 40];
    const unsigned char *t;
    size_t len;
    (void)state;

    assert_int_equal(text_of(NULL, 0, &t, &len), VG_E_NOTFOUND);
    assert_int_equal(text_of(ts_hello, 60 + 7, &t, &len), VG_E_NOTFOUND); /* "NSStrin" */
    memcpy(p, ts_hello, sizeof(ts_hello));
    p[70] = 0x85; /* no "+" type string after the class */
    assert_int_equal(text_of(p, sizeof(ts_hello), &t, &len), VG_E_NOTFOUND);
    /* the marker must start within 32 bytes after the class name */
    assert_int_equal(text_of(p, with_gap(p, 27), &t, &len), VG_OK);
    assert_memory_equal(t, "Hello", 5);
    assert_int_equal(text_of(p, with_gap(p, 28), &t, &len), VG_E_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello),
        cmocka_unit_test(test_length_forms),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_not_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
