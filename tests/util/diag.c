/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <string.h>

#include "util/vg.h"
#include "util/utf8.h"

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

/* Messages are text: names from the evidence that are not UTF-8, and a
 * character split by the length cap, are repaired. */
static void test_messages_are_utf8(void **state)
{
    struct vg_diag *d = NULL;
    char *longer = malloc(VG_MAX_MESSAGE + 8);
    size_t i;
    (void)state;

    assert_non_null(longer);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    vg_diag_add(d, VG_DIAG_WARN, "manifest", "%s is absent", "Library/x\xff\xfey.db");
    assert_string_equal(vg_diag_get(d, 0)->message,
                        "Library/x\xEF\xBF\xBD\xEF\xBF\xBDy.db is absent");
    /* "é" (2 bytes) across the cut */
    for (i = 0; i + 2 <= VG_MAX_MESSAGE + 6; i += 2)
        memcpy(longer + i, i == VG_MAX_MESSAGE - 2 ? "\xC3\xA9" : "ab", 2);
    longer[VG_MAX_MESSAGE + 6] = '\0';
    vg_diag_add(d, VG_DIAG_WARN, "x", "%s", longer);
    assert_true(vg_utf8_valid(vg_diag_get(d, 1)->message, strlen(vg_diag_get(d, 1)->message)));
    assert_string_equal(vg_diag_get(d, 1)->message + VG_MAX_MESSAGE - 2, "\xEF\xBF\xBD");
    vg_diag_free(d);
    free(longer);
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
        cmocka_unit_test(test_messages_are_utf8),
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
