/*
 * Tests for src/lib/formats/android/dumpsys_packages.c. The expected
 * records are what MVT 2026.7.29's DumpsysPackagesArtifact.parse gives on
 * the same text (inputs on which MVT raises say what vigie does).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

static void run(const char *text, size_t len, const char *want)
{
    struct dt_run r;

    dt_whole(&r, VG_DUMPSYS_PACKAGES, text, len);
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, want);
    assert_int_equal(dt_warnings(&r), 0);
    dt_free(&r);
}

/* The fields MVT 2026.7.29 keeps (each after the first '=', versionCode
 * whole), permissions in text order with their kind, runtime ones of every
 * user, and a first line at 6 spaces taken as requested (MVT starts with
 * that list open). The list ends at the first blank line. */
static void test_packages(void **state)
{
    (void)state;
    run(DT_TEXT("Database versions:\n"
                "  Internal:\n"
                "\n"
                "Packages:\n"
                "  Package [com.a] (d64f8e0):\n"
                "    userId=1000 gids=[1]\n"
                "    versionCode=5 minSdk=28 targetSdk=28\n"
                "    versionName=5.0=x\n"
                "    timeStamp=2008-12-31 16:00:00\n"
                "    firstInstallTime=2008-12-31 16:00:00\n"
                "    lastUpdateTime=2009-01-01 00:00:00\n"
                "    installerPackageName=com.android.vending\n"
                "    declared permissions:\n"
                "      com.a.READ: prot=normal, INSTALLED\n"
                "    requested permissions:\n"
                "      android.permission.INTERNET\n"
                "      android.permission.CAMERA: restricted=true\n"
                "    install permissions:\n"
                "      android.permission.INTERNET: granted=true\n"
                "      android.permission.X: granted=false\n"
                "      android.permission.Y: other\n"
                "    User 0: ceDataInode=1 installed=true\n"
                "      runtime permissions:\n"
                "        android.permission.CAMERA: granted=false, flags=[ USER_SET]\n"
                "    User 10: installed=false\n"
                "      runtime permissions:\n"
                "        android.permission.CAMERA: granted=true, flags=[ ]\n"
                "  Package [com.b] (1):\n"
                "      six.first.line\n"
                "    userId=10164\n"
                "\n"
                "Packages:\n"
                "  Package [never.read] (2):\n"),
        "[{\"package_name\":\"com.a\",\"uid\":\"1000 gids\",\"version_name\":\"5.0\",\"version_"
        "code\":\"5 minSdk=28 targetSdk=28\",\"timestamp\":\"2008-12-31 16:00:00\",\"first_inst"
        "all_time\":\"2008-12-31 16:00:00\",\"last_update_time\":\"2009-01-01 00:00:00\",\"perm"
        "issions\":[{\"name\":\"com.a.READ\",\"type\":\"declared\"},{\"name\":\"android.permiss"
        "ion.INTERNET\",\"granted\":true,\"type\":\"install\"},{\"name\":\"android.permission.X"
        "\",\"granted\":false,\"type\":\"install\"},{\"name\":\"android.permission.Y\",\"grante"
        "d\":null,\"type\":\"install\"},{\"name\":\"android.permission.CAMERA\",\"granted\":fal"
        "se,\"type\":\"runtime\"},{\"name\":\"android.permission.CAMERA\",\"granted\":true,\"ty"
        "pe\":\"runtime\"}],\"requested_permissions\":[\"android.permission.INTERNET\",\"androi"
        "d.permission.CAMERA: restricted=true\"]},{\"package_name\":\"com.b\",\"uid\":\"10164\""
        ",\"version_name\":\"\",\"version_code\":\"\",\"timestamp\":\"\",\"first_install_time\""
        ":\"\",\"last_update_time\":\"\",\"permissions\":[],\"requested_permissions\":[\"six.fi"
        "rst.line\"]}]");
}

/* Header shapes: a package without lines merges into the next header, a
 * header that does not match leaves the next package without a name, "[]"
 * needs one character. */
static void test_headers(void **state)
{
    (void)state;
    run(DT_TEXT("Packages:\n"
                "  Package [com.a] (1):\n"
                "  Package [com.b] (2):\n"
                "    userId=1\n"
                "  Package [] (3):\n"
                "    userId=2\n"
                "  Package [x]:\n"
                "  Package [unclosed\n"
                "    userId=3\n"
                "  Package [y]]] (4):\n"
                "    versionName=9\n"),
        "[{\"package_name\":\"com.b\",\"uid\":\"1\",\"version_name\":\"\",\"version_code\":\"\""
        ",\"timestamp\":\"\",\"first_install_time\":\"\",\"last_update_time\":\"\",\"permission"
        "s\":[],\"requested_permissions\":[]},{\"uid\":\"2\",\"version_name\":\"\",\"version_co"
        "de\":\"\",\"timestamp\":\"\",\"first_install_time\":\"\",\"last_update_time\":\"\",\"p"
        "ermissions\":[],\"requested_permissions\":[]},{\"package_name\":\"x\",\"uid\":\"3\",\""
        "version_name\":\"\",\"version_code\":\"\",\"timestamp\":\"\",\"first_install_time\":\""
        "\",\"last_update_time\":\"\",\"permissions\":[],\"requested_permissions\":[]},{\"packa"
        "ge_name\":\"y\",\"uid\":\"\",\"version_name\":\"9\",\"version_code\":\"\",\"timestamp"
        "\":\"\",\"first_install_time\":\"\",\"last_update_time\":\"\",\"permissions\":[],\"req"
        "uested_permissions\":[]}]");
    run(DT_TEXT("Packages:\n"
                "  Package [\n"
                "    userId=1\n"
                "  Package [ok]\n"
                "    userId=2\n"),
        "[{\"package_name\":\"ok\",\"uid\":\"2\",\"version_name\":\"\",\"version_code\":\"\",\""
        "timestamp\":\"\",\"first_install_time\":\"\",\"last_update_time\":\"\",\"permissions\""
        ":[],\"requested_permissions\":[]}]");
}

static void test_near_misses(void **state)
{
    (void)state;
    run(DT_TEXT("Packages\n"
                "  Package [a] (1):\n"
                "    userId=1\n"
                " Packages:\n"
                "  Package [b] (2):\n"
                "    userId=2\n"),
        "[]");
}

/* Permission lines without ':' (MVT: IndexError) are skipped with a
 * warning; a section cut in the middle hands over the package read. */
static void test_malformed(void **state)
{
    static const char t[] = "Packages:\n"
                            "  Package [com.a] (1):\n"
                            "    install permissions:\n"
                            "      no.colon.here\n"
                            "      android.permission.OK: granted=true\n"
                            "    User 0:\n"
                            "      runtime permissions:\n"
                            "        also.no.colon\n"
                            "    timeStamp=2022-01-01 00:00:00";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_PACKAGES, DT_TEXT(t));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r,
              "[{\"package_name\":\"com.a\",\"uid\":\"\",\"version_name\":\"\",\"version_code\":"
              "\"\",\"timestamp\":\"2022-01-01 00:00:00\",\"first_install_time\":\"\","
              "\"last_update_time\":\"\",\"permissions\":[{\"name\":\"android.permission.OK\","
              "\"granted\":true,\"type\":\"install\"}],\"requested_permissions\":[]}]");
    assert_int_equal(dt_warnings(&r), 2);
    assert_true(dt_said(&r, "line 4: install permission without ':'"));
    assert_true(dt_said(&r, "line 8: runtime permission without ':'"));
    dt_free(&r);
}

static void test_giant_line(void **state)
{
    struct dt_run r;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_PACKAGES, "Packages:\n  Package [a] (1):\n    install permissions:\n",
             "      p", 'x', ": granted=true\n", "      q: granted=false\n");
    assert_int_equal(json_array_size(r.records), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(r.records, 0), "permissions")),
                     1);
    assert_true(dt_said(&r, "install permission without ':'"));
    dt_free(&r);
}

/* MVT's test_parsing on android_data/dumpsys_packages.txt and its module
 * test on the bugreport. */
static void test_samples(void **state)
{
    struct dt_run r;
    json_t *rec;
    (void)state;

    if (!dt_sample(&r, VG_DUMPSYS_PACKAGES, "dumpsys_packages.txt")) {
        skip();
        return;
    }
    assert_int_equal(json_array_size(r.records), 2);
    rec = json_array_get(r.records, 0);
    assert_string_equal(json_string_value(json_object_get(rec, "package_name")),
                        "com.samsung.android.provider.filterprovider");
    assert_string_equal(json_string_value(json_object_get(rec, "version_name")), "5.0.07");
    dt_free(&r);
}

/* The bugreport's records equal MVT's dumpsys_packages.json. */
static void test_conformance(void **state)
{
    (void)state;
    dt_conform(VG_DUMPSYS_PACKAGES, "dumpsys_packages.json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packages),    cmocka_unit_test(test_headers),
        cmocka_unit_test(test_near_misses), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_giant_line),  cmocka_unit_test(test_samples),
        cmocka_unit_test(test_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
