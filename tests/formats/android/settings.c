/*
 * settings_*.txt (src/lib/formats/android/settings.c): key=value lines
 * as MVT strips and cuts them, the namespace from the file name, and the
 * settings that weaken the phone.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

#include "formats/android/settings.h"

static void test_lines(void **state)
{
    static const char text[] = "samsung_errorlog_agree=0\n"
                               "  navigationbar_recently_used_color=\n"
                               "lock_screen=a=b \r\n"
                               "\n"
                               "no equals sign\n"
                               "key with space =v\n"
                               "=orphan";
    struct aqft t;
    (void)state;

    aqft_init(&t, "settings_secure.txt");
    assert_int_equal(vg_settings_parse(text, sizeof(text) - 1, "secure", &t.sink), VG_OK);
    aqft_expect(&t,
                "[{\"namespace\":\"secure\",\"key\":\"samsung_errorlog_agree\",\"value\":\"0\"},"
                "{\"namespace\":\"secure\",\"key\":\"navigationbar_recently_used_color\","
                "\"value\":\"\"},"
                "{\"namespace\":\"secure\",\"key\":\"lock_screen\",\"value\":\"a=b\"},"
                "{\"namespace\":\"secure\",\"key\":\"key with space \",\"value\":\"v\"},"
                "{\"namespace\":\"secure\",\"key\":\"\",\"value\":\"orphan\"}]");
    assert_int_equal(aqft_warnings(&t), 1);
    assert_true(aqft_said(&t, "1 lines are not key=value settings (the first: line 5)"));
    aqft_free(&t);
}

static void test_malformed(void **state)
{
    struct aqft t;
    (void)state;

    aqft_init(&t, "settings_global.txt");
    assert_int_equal(vg_settings_parse("k=\xc3(\n", 5, "glob\xff", &t.sink), VG_OK);
    aqft_expect(&t, "[{\"namespace\":\"glob\\ufffd\",\"key\":\"k\",\"value\":\"\\ufffd(\"}]");
    assert_int_equal(aqft_warnings(&t), 2);
    aqft_free(&t);
    aqft_init(&t, "settings_global.txt");
    assert_int_equal(vg_settings_parse(NULL, 0, NULL, &t.sink), VG_OK);
    aqft_expect(&t, "[]");
    aqft_free(&t);
}

static void test_namespace(void **state)
{
    struct vg_str ns;
    (void)state;

    ns = vg_settings_namespace("androidqf/settings_system.txt");
    assert_true(vg_str_eq(ns, "system"));
    ns = vg_settings_namespace("a_b/settings_foo_bar.txt");
    assert_true(vg_str_eq(ns, "bar"));
    assert_int_equal(vg_settings_namespace("x/settings_.txt").n, 0);
    assert_int_equal(vg_settings_namespace("abc").n, 0);
    assert_int_equal(vg_settings_namespace(NULL).n, 0);
    ns = vg_settings_namespace("settings.txt");
    assert_true(vg_str_eq(ns, "settings"));
}

static void test_danger(void **state)
{
    const struct vg_setting_danger *d;
    (void)state;

    d = vg_settings_danger("samsung_errorlog_agree", "0");
    assert_non_null(d);
    assert_string_equal(d->description, "disabled sharing of crash logs with manufacturer");
    assert_null(vg_settings_danger("samsung_errorlog_agree", "1"));
    assert_non_null(vg_settings_danger("package_verifier_enable", ""));
    assert_non_null(vg_settings_danger("accessibility_enabled", "1"));
    assert_null(vg_settings_danger("accessibility_enabled", "0"));
    assert_null(vg_settings_danger("package_verifier_enable ", "0"));
    assert_null(vg_settings_danger(NULL, "0"));
    assert_null(vg_settings_danger("upload_apk_enable", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_namespace),
        cmocka_unit_test(test_danger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
