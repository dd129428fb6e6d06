/*
 * The tables behind the AndroidQF checks (src/lib/formats/android/
 * aqf_checks.c), on package and file records shaped as androidqf writes
 * them, with near misses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

#include "formats/android/aqf_checks.h"

static enum vg_aqf_install install(const char *json)
{
    json_error_t err;
    json_t *pkg = json_loads(json, 0, &err);
    enum vg_aqf_install k;

    assert_non_null(pkg);
    k = vg_aqf_package_install(pkg);
    json_decref(pkg);
    return k;
}

static void test_installers(void **state)
{
    (void)state;
    assert_int_equal(install("{\"installer\":\"org.fdroid.fdroid\",\"system\":false}"),
                     VG_AQF_INSTALL_STORE);
    assert_int_equal(install("{\"installer\":\"com.aurora.store\"}"), VG_AQF_INSTALL_STORE);
    assert_int_equal(install("{\"installer\":\"com.google.android.packageinstaller\"}"),
                     VG_AQF_INSTALL_BROWSER);
    assert_int_equal(install("{\"installer\":\"com.android.packageinstaller\",\"system\":true}"),
                     VG_AQF_INSTALL_BROWSER);
    assert_int_equal(install("{\"installer\":\"null\",\"system\":false}"), VG_AQF_INSTALL_NONE);
    /* MVT tests `system is False`: true, missing or not a boolean is no alert */
    assert_int_equal(install("{\"installer\":\"null\",\"system\":true}"), VG_AQF_INSTALL_OTHER);
    assert_int_equal(install("{\"installer\":\"null\"}"), VG_AQF_INSTALL_OTHER);
    assert_int_equal(install("{\"installer\":\"null\",\"system\":0}"), VG_AQF_INSTALL_OTHER);
    assert_int_equal(install("{\"installer\":\"\",\"system\":false}"), VG_AQF_INSTALL_OTHER);
    assert_int_equal(install("{\"installer\":\"com.android.vending\"}"), VG_AQF_INSTALL_PLAY_STORE);
    assert_int_equal(install("{\"installer\":\"com.android.vending.x\"}"), VG_AQF_INSTALL_OTHER);
    assert_int_equal(install("{\"installer\":5,\"system\":false}"), VG_AQF_INSTALL_OTHER);
    assert_int_equal(vg_aqf_package_install(NULL), VG_AQF_INSTALL_OTHER);
}

static void test_package_lists(void **state)
{
    (void)state;
    assert_true(vg_aqf_root_package("com.topjohnwu.magisk"));
    assert_true(vg_aqf_root_package("com.formyhm.hiderootPremium"));
    assert_false(vg_aqf_root_package("com.formyhm.hiderootpremium"));
    assert_false(vg_aqf_root_package(NULL));
    assert_true(vg_aqf_security_package("com.sec.android.soagent"));
    assert_false(vg_aqf_security_package("com.sec.android"));
    assert_true(vg_aqf_update_package("com.google.android.gms"));
    assert_false(vg_aqf_update_package("com.google.android.gsf"));
    assert_string_equal(vg_aqf_cert_hash_keys[0], "Md5");
    assert_string_equal(vg_aqf_cert_hash_keys[2], "Sha256");
    assert_null(vg_aqf_cert_hash_keys[3]);
}

static void test_files(void **state)
{
    (void)state;
    assert_true(vg_aqf_file_suspicious("/data/local/tmp/evil"));
    assert_false(vg_aqf_file_suspicious("/data/local/tmp/collector"));
    assert_true(vg_aqf_file_suspicious("/data/local/tmp/collector2"));
    assert_false(vg_aqf_file_suspicious("/data/local/tmp"));
    assert_false(vg_aqf_file_suspicious("/sdcard/data/local/tmp/x"));
    assert_false(vg_aqf_file_suspicious(NULL));
    assert_true(vg_aqf_mode_executable("-rwxr-x---"));
    assert_false(vg_aqf_mode_executable("-rw-rw----"));
    /* find's octal modes never hold an x (as in MVT) */
    assert_false(vg_aqf_mode_executable("755"));
    assert_false(vg_aqf_mode_executable(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_installers),
        cmocka_unit_test(test_package_lists),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
