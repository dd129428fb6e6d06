/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/vg.h"

static int seen;

static void cb(void *ud, const struct vg_diag_entry *e)
{
    (void)ud;
    (void)e;
    seen++;
}

static void test_diag_keeps_and_counts(void **state)
{
    struct vg_diag *d = NULL;
    (void)state;
    seen = 0;
    assert_int_equal(vg_diag_new(cb, NULL, &d), VG_OK);
    vg_diag_add(d, VG_DIAG_WARN, "keybag", "TLV %s: length %d > remaining %d", "WPKY", 4096, 40);
    vg_diag_add(d, VG_DIAG_DEBUG, "x", "chatter");
    vg_diag_add(d, VG_DIAG_ERROR, NULL, "bad");
    assert_int_equal(seen, 3);
    assert_int_equal(vg_diag_size(d), 2); /* debug is not kept */
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 1);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 1);
    assert_string_equal(vg_diag_get(d, 0)->message, "TLV WPKY: length 4096 > remaining 40");
    assert_string_equal(vg_diag_get(d, 0)->where, "keybag");
    assert_string_equal(vg_diag_get(d, 1)->where, "");
    assert_null(vg_diag_get(d, 2));
    vg_diag_free(d);
    vg_diag_free(NULL);
}

/* Messages quote hostile bytes: kept and passed on as UTF-8 (info.json
 * holds them), each bad sequence one U+FFFD; a message cut inside a
 * character ends with one. */
static void repaired_only(void *ud, const struct vg_diag_entry *e)
{
    (void)ud;
    assert_true(strstr(e->message, "\xef\xbf\xbd") != NULL);
}

static void test_diag_repairs_utf8(void **state)
{
    struct vg_diag *d = NULL;
    char long_text[VG_MAX_MESSAGE + 8];
    const char *m;
    size_t n;
    (void)state;

    assert_int_equal(vg_diag_new(repaired_only, NULL, &d), VG_OK);
    vg_diag_add(d, VG_DIAG_WARN, "Manifest.db", "fileID \"%s\" is not 40 hex digits",
                "3\xf1"
                "f23");
    assert_string_equal(vg_diag_get(d, 0)->message, "fileID \"3\xef\xbf\xbd"
                                                    "f23\" is not 40 hex digits");
    /* "é" (2 bytes) straddling the cut */
    memset(long_text, 'a', sizeof(long_text));
    long_text[VG_MAX_MESSAGE - 2] = '\xc3';
    long_text[VG_MAX_MESSAGE - 1] = '\xa9';
    long_text[sizeof(long_text) - 1] = '\0';
    vg_diag_add(d, VG_DIAG_WARN, "x", "%s", long_text);
    m = vg_diag_get(d, 1)->message;
    n = strlen(m);
    assert_true(n >= 3);
    assert_memory_equal(m + n - 3, "\xef\xbf\xbd", 3);
    vg_diag_free(d);
}

static void test_levels(void **state)
{
    enum vg_level l;
    (void)state;
    assert_string_equal(vg_level_json_name(VG_LEVEL_INFO), "INFORMATIONAL");
    assert_string_equal(vg_level_name(VG_LEVEL_CRITICAL), "CRITICAL");
    assert_int_equal(vg_level_parse("INFORMATIONAL", &l), VG_OK);
    assert_int_equal(l, VG_LEVEL_INFO);
    assert_int_equal(vg_level_parse("HIGH", &l), VG_OK);
    assert_int_equal(l, VG_LEVEL_HIGH);
    assert_int_equal(vg_level_parse("nope", &l), VG_E_INVAL);
    assert_string_equal(vg_strerror(VG_E_PASSWORD), "wrong backup password");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_keeps_and_counts),
        cmocka_unit_test(test_diag_repairs_utf8),
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
