/*
 * Tests for src/lib/formats/android/dumpsys_activities.c. The expected
 * records are what MVT 2026.7.29's DumpsysPackageActivitiesArtifact.parse
 * gives on the same text (inputs on which MVT raises say what vigie does).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

/* Actions at 6 spaces (every ':' dropped), activities at 8; a shorter
 * line ends the action, a blank line the table. */
static void test_activities(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_ACTIVITIES,
             DT_TEXT("Activity Resolver Table:\n"
                     "  Full MIME Types:\n"
                     "      image/*:\n"
                     "        1 com.a/.Skipped\n"
                     "\n"
                     "  Non-Data Actions:\n"
                     "      android.intent.action.MAIN:\n"
                     "        4a1a1c4 com.samsung.android.app.social/.feed.FeedsActivity filter 1\n"
                     "        b5b40f6 com.google.android.gms/.Main\n"
                     "      com.x:action:with:colons:\n"
                     "        1 com.y/.Z\n"
                     "      android.intent.action.VIEW:\n"
                     "    6 short.indent/.Ends\n"
                     "        7 after.end/.Skipped\n"
                     "      :\n"
                     "        8 empty.intent/.Skipped\n"
                     "\n"
                     "Receiver Resolver Table:\n"
                     "  Non-Data Actions:\n"
                     "      other.table:\n"
                     "        9 not/.Read\n"));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"intent\":\"android.intent.action.MAIN\",\"package_name\":\"com.samsung.a"
                  "ndroid.app.social\",\"activity\":\"com.samsung.android.app.social/.feed.Feed"
                  "sActivity\"},{\"intent\":\"android.intent.action.MAIN\",\"package_name\":\"c"
                  "om.google.android.gms\",\"activity\":\"com.google.android.gms/.Main\"},{\"in"
                  "tent\":\"com.xactionwithcolons\",\"package_name\":\"com.y\",\"activity\":\"c"
                  "om.y/.Z\"}]");
    dt_free(&r);
}

/* The table header must start the line; an activity before any action is
 * skipped; two spaces make an empty second field. */
static void test_near_misses(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_ACTIVITIES,
             DT_TEXT("  Activity Resolver Table:\n"
                     "  Non-Data Actions:\n"
                     "      a.b:\n"
                     "        1 c/.d\n"
                     "Activity Resolver Table:\n"
                     "  Non-Data Actions:\n"
                     "        1 before.any/.Action\n"
                     "      ok.action:\n"
                     "        1  double.space/.X\n"
                     "        2 x/.Y\n"));
    dt_expect(&r, "[{\"intent\":\"ok.action\",\"package_name\":\"\",\"activity\":\"\"},{\"inten"
                  "t\":\"ok.action\",\"package_name\":\"x\",\"activity\":\"x/.Y\"}]");
    dt_free(&r);
}

/* A one-field activity line (MVT: IndexError) is skipped with a warning;
 * a table cut in the middle keeps what was read. */
static void test_malformed(void **state)
{
    static const char t[] = "Activity Resolver Table:\n"
                            "  Non-Data Actions:\n"
                            "      a.b:\n"
                            "        lonely\n"
                            "        1 c/.d";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_ACTIVITIES, DT_TEXT(t));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"intent\":\"a.b\",\"package_name\":\"c\",\"activity\":\"c/.d\"}]");
    assert_true(dt_said(&r, "line 4: activity line with one field"));
    dt_free(&r);
}

static void test_giant_line(void **state)
{
    struct dt_run r;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_ACTIVITIES, "Activity Resolver Table:\n  Non-Data Actions:\n      a:\n",
             "        1 ", 'p', "/.Q\n", "        2 r/.S\n");
    assert_int_equal(json_array_size(r.records), 2);
    assert_int_equal(json_string_length(json_object_get(json_array_get(r.records, 0), "activity")),
                     VG_MAX_TEXT_LINE - 10);
    dt_free(&r);
}

/* MVT's test_parsing on android_data/dumpsys_packages.txt. */
static void test_sample(void **state)
{
    struct dt_run r;
    json_t *rec;
    (void)state;

    if (!dt_sample(&r, VG_DUMPSYS_ACTIVITIES, "dumpsys_packages.txt")) {
        skip();
        return;
    }
    assert_int_equal(json_array_size(r.records), 4);
    rec = json_array_get(r.records, 0);
    assert_string_equal(json_string_value(json_object_get(rec, "package_name")),
                        "com.samsung.android.app.social");
    assert_string_equal(json_string_value(json_object_get(rec, "activity")),
                        "com.samsung.android.app.social/.feed.FeedsActivity");
    dt_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_activities), cmocka_unit_test(test_near_misses),
        cmocka_unit_test(test_malformed),  cmocka_unit_test(test_giant_line),
        cmocka_unit_test(test_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
