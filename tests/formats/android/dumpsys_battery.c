/*
 * Tests for src/lib/formats/android/dumpsys_battery.c. The expected
 * records are what MVT 2026.7.29's DumpsysBatteryDailyArtifact and
 * DumpsysBatteryHistoryArtifact give on the same text (inputs on which MVT
 * raises say what vigie does).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

static void run(enum vg_dumpsys_kind kind, const char *text, size_t len, const char *want)
{
    struct dt_run r;

    dt_whole(&r, kind, text, len);
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, want);
    assert_int_equal(dt_warnings(&r), 0);
    dt_free(&r);
}

/* Updates per day, repeats within a day dropped, "Update " removed
 * everywhere, a version below the last one of the package (in date order)
 * marked as a downgrade; "0" forgets the package. */
static void test_daily(void **state)
{
    (void)state;
    run(VG_DUMPSYS_BATTERY_DAILY,
        DT_TEXT("Daily stats:\n"
                "  Current start time: 2022-08-17-01-15-45\n"
                "  Daily from 2022-08-16-15-56-39 to 2022-08-17-01-15-45:\n"
                "    Package changes:\n"
                "      Update com.example.app vers=10\n"
                "      Update com.example.app vers=10\n"
                "      Update com.example.removed vers=0\n"
                "      Update com.example.big vers=1_000\n"
                "  Daily from 2022-08-17-15-56-39 to 2022-08-18-01-15-45:\n"
                "      Update com.example.app vers=9\n"
                "      Update com.example.app vers=10\n"
                "      Update com.example.big vers=999\n"
                "      Update com.example.removed vers=5\n"
                "      Update odd vers=Update 7\n"
                "      Update odd2 vers=x\n"
                "      Updated not.an.update vers=1\n"),
        "[{\"action\":\"update\",\"from\":\"2022-08-16\",\"to\":\"2022-08-17\",\"package_name\""
        ":\"com.example.app\",\"vers\":\"10\"},{\"action\":\"update\",\"from\":\"2022-08-16\","
        "\"to\":\"2022-08-17\",\"package_name\":\"com.example.removed\",\"vers\":\"0\"},{\"acti"
        "on\":\"update\",\"from\":\"2022-08-16\",\"to\":\"2022-08-17\",\"package_name\":\"com.e"
        "xample.big\",\"vers\":\"1_000\"},{\"action\":\"downgrade\",\"from\":\"2022-08-17\",\"t"
        "o\":\"2022-08-18\",\"package_name\":\"com.example.app\",\"vers\":\"9\",\"previous_vers"
        "\":\"10\"},{\"action\":\"update\",\"from\":\"2022-08-17\",\"to\":\"2022-08-18\",\"pack"
        "age_name\":\"com.example.app\",\"vers\":\"10\"},{\"action\":\"downgrade\",\"from\":\"2"
        "022-08-17\",\"to\":\"2022-08-18\",\"package_name\":\"com.example.big\",\"vers\":\"999"
        "\",\"previous_vers\":\"1000\"},{\"action\":\"update\",\"from\":\"2022-08-17\",\"to\":"
        "\"2022-08-18\",\"package_name\":\"com.example.removed\",\"vers\":\"5\"},{\"action\":\""
        "update\",\"from\":\"2022-08-17\",\"to\":\"2022-08-18\",\"package_name\":\"odd\",\"vers"
        "\":\"7\"},{\"action\":\"update\",\"from\":\"2022-08-17\",\"to\":\"2022-08-18\",\"packa"
        "ge_name\":\"odd2\",\"vers\":\"x\"}]");
}

/* MVT's tests: days newest first are compared in date order. */
static void test_daily_order(void **state)
{
    (void)state;
    run(VG_DUMPSYS_BATTERY_DAILY,
        DT_TEXT("  Daily from 2026-01-10 to 2026-01-11:\n"
                "      Update com.example.app vers=102\n"
                "  Daily from 2026-01-05 to 2026-01-06:\n"
                "      Update com.example.app vers=101\n"),
        "[{\"action\":\"update\",\"from\":\"2026-01-10\",\"to\":\"2026-01-11\",\"package_name\""
        ":\"com.example.app\",\"vers\":\"102\"},{\"action\":\"update\",\"from\":\"2026-01-05\","
        "\"to\":\"2026-01-06\",\"package_name\":\"com.example.app\",\"vers\":\"101\"}]");
    run(VG_DUMPSYS_BATTERY_DAILY,
        DT_TEXT("  Daily from 2026-01-10 to 2026-01-11:\n"
                "      Update com.example.app vers=101\n"
                "  Daily from 2026-01-05 to 2026-01-06:\n"
                "      Update com.example.app vers=102\n"),
        "[{\"action\":\"downgrade\",\"from\":\"2026-01-10\",\"to\":\"2026-01-11\",\"package_nam"
        "e\":\"com.example.app\",\"vers\":\"101\",\"previous_vers\":\"102\"},{\"action\":\"upda"
        "te\",\"from\":\"2026-01-05\",\"to\":\"2026-01-06\",\"package_name\":\"com.example.app"
        "\",\"vers\":\"102\"}]");
    run(VG_DUMPSYS_BATTERY_DAILY,
        DT_TEXT("  Daily from 2026-01-15 to 2026-01-16:\n"
                "      Update com.example.app vers=10\n"
                "  Daily from 2026-01-10 to 2026-01-11:\n"
                "      Update com.example.app vers=0\n"
                "  Daily from 2026-01-05 to 2026-01-06:\n"
                "      Update com.example.app vers=102\n"),
        "[{\"action\":\"update\",\"from\":\"2026-01-15\",\"to\":\"2026-01-16\",\"package_name\""
        ":\"com.example.app\",\"vers\":\"10\"},{\"action\":\"update\",\"from\":\"2026-01-10\","
        "\"to\":\"2026-01-11\",\"package_name\":\"com.example.app\",\"vers\":\"0\"},{\"action\""
        ":\"update\",\"from\":\"2026-01-05\",\"to\":\"2026-01-06\",\"package_name\":\"com.examp"
        "le.app\",\"vers\":\"102\"}]");
}

/* Updates before any day, a day header at another indentation; versions
 * as Python's int() reads them. */
static void test_daily_near_misses(void **state)
{
    (void)state;
    run(VG_DUMPSYS_BATTERY_DAILY,
        DT_TEXT("      Update early vers=1\n"
                "   Daily from 2026-01-05 to 2026-01-06:\n"
                " Daily from 2026-01-05 to 2026-01-06:\n"
                "      Update a vers= 0012 \n"
                "      Update b vers=00\n"
                "  Daily from 2026-01-07 to 2026-01-08:\n"
                "      Update a vers=+11\n"
                "      Update b vers=-1\n"),
        "[{\"action\":\"update\",\"from\":\"2026-01-07\",\"to\":\"2026-01-08\",\"package_name\""
        ":\"a\",\"vers\":\"+11\"},{\"action\":\"update\",\"from\":\"2026-01-07\",\"to\":\"2026-"
        "01-08\",\"package_name\":\"b\",\"vers\":\"-1\"}]");
}

/* Lines MVT raises on (no " to ", no space, no '=') are skipped with a
 * warning; a section cut in the middle keeps what was read. */
static void test_daily_malformed(void **state)
{
    static const char t[] = "  Daily from 2026-01-05 to 2026-01-06:\n"
                            "      Update a vers=1\n"
                            "  Daily from nowhere:\n"
                            "      Update nospace\n"
                            "      Update a.b novers\n"
                            "      Update c vers=-3\n"
                            "      Update d ver";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_BATTERY_DAILY, DT_TEXT(t));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"action\":\"update\",\"from\":\"2026-01-05\",\"to\":\"2026-01-06\","
                  "\"package_name\":\"a\",\"vers\":\"1\"},{\"action\":\"update\",\"from\":"
                  "\"2026-01-05\",\"to\":\"2026-01-06\",\"package_name\":\"c\",\"vers\":\"-3\"}]");
    assert_int_equal(dt_warnings(&r), 4);
    assert_true(dt_said(&r, "line 3: \"Daily from\" without \" to \""));
    assert_true(dt_said(&r, "line 7: update line without"));
    dt_free(&r);
}

static void test_daily_giant_line(void **state)
{
    struct dt_run r;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_BATTERY_DAILY, "  Daily from 2026-01-05 to 2026-01-06:\n",
             "      Update p vers=", '9', "\n", "      Update q vers=2\n");
    assert_int_equal(json_array_size(r.records), 2);
    dt_free(&r);
}

/* Jobs, top apps and wake alarms, with MVT's index arithmetic on lines
 * that hold "-top" without "=". */
static void test_history(void **state)
{
    (void)state;
    run(VG_DUMPSYS_BATTERY_HISTORY,
        DT_TEXT(
            "Battery History (0% used, 2720 used of 4096KB, 31 strings using 2694):\n"
            "                    0 (19) RESET:TIME: 2022-01-04-17-30-01\n"
            "            +47s645ms (2) 100 "
            "+job=u0a94:\"com.samsung.android.app.reminder/.data.RegisterAlarmJobService\"\n"
            "            +47s731ms (2) 100 "
            "-job=u0a94:\"com.samsung.android.app.reminder/.data.RegisterAlarmJobService\"\n"
            "       +1h26m18s315ms (2) 095 +top=u0a280:\"com.whatsapp\"\n"
            "              +1h28m35s053ms (2) 095 -top=u0a280:\"com.whatsapp\"\n"
            "07-15 20:27:39.431 (2) 100 +running +wake_lock=u0a12:\"*walarm*:com.x/.Alarm\" extra\n"
            "07-15 20:27:40.431 (2) 100 +running +wake_lock=u0a12:\"*walarm*:noslash\"\n"
            "07-15 20:27:41 (2) 100 +job=u0a9\n"
            "+job=u0a1:\"first/.Column\"\n"
            "  x -top u0a2:pkg.end\n"
            "  y -top\n"
            "\n"
            "  +job=after:\"blank/.line\"\n"),
        "[{\"time_elapsed\":\"+47s645ms\",\"event\":\"start_job\",\"uid\":\"u0a94\",\"package_n"
        "ame\":\"com.samsung.android.app.reminder\",\"service\":\"com.samsung.android.app.remin"
        "der/.data.RegisterAlarmJobService\"},{\"time_elapsed\":\"+47s731ms\",\"event\":\"end_j"
        "ob\",\"uid\":\"u0a94\",\"package_name\":\"com.samsung.android.app.reminder\",\"service"
        "\":\"com.samsung.android.app.reminder/.data.RegisterAlarmJobService\"},{\"time_elapsed"
        "\":\"+1h26m18s315ms\",\"event\":\"start_top\",\"uid\":\"u0a280\",\"package_name\":\"co"
        "m.whatsapp\",\"service\":\"\"},{\"time_elapsed\":\"+1h28m35s053ms\",\"event\":\"end_to"
        "p\",\"uid\":\"u0a280\",\"package_name\":\"com.whatsapp\",\"service\":\"\"},{\"time_ela"
        "psed\":\"07-15 20:27:39.431\",\"event\":\"wake\",\"uid\":\"u0a12\",\"package_name\":\""
        "com.x\",\"service\":\"com.x/.Alarm\"},{\"time_elapsed\":\"x\",\"event\":\"end_top\",\""
        "uid\":\"-top u0a2:pkg.e\",\"package_name\":\"d\",\"service\":\"\"},{\"time_elapsed\":"
        "\"y\",\"event\":\"end_top\",\"uid\":\"-t\",\"package_name\":\"p\",\"service\":\"\"}]");
}

/* "+job" without "=" (MVT: IndexError) is skipped with a warning. */
static void test_history_malformed(void **state)
{
    static const char t[] = "  1 (2) +job u0a1:\"x/.y\"\n"
                            "  2 (2) -jobx\n"
                            "  3 (2) +top=u0a3:\"ok\"";
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_BATTERY_HISTORY, DT_TEXT(t));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"time_elapsed\":\"3\",\"event\":\"start_top\",\"uid\":\"u0a3\","
                  "\"package_name\":\"ok\",\"service\":\"\"}]");
    assert_int_equal(dt_warnings(&r), 2);
    dt_free(&r);
}

static void test_history_giant_line(void **state)
{
    struct dt_run r;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_BATTERY_HISTORY, "", "  +1s (2) +top=u0a1:", 'p', "\n",
             "  +2s (2) -top=u0a1:q\n");
    assert_int_equal(json_array_size(r.records), 2);
    dt_free(&r);
}

/* MVT's tests on android_data/dumpsys_battery.txt. */
static void test_sample(void **state)
{
    struct dt_run r;
    json_t *rec;
    (void)state;

    if (!dt_sample(&r, VG_DUMPSYS_BATTERY_DAILY, "dumpsys_battery.txt")) {
        skip();
        return;
    }
    assert_int_equal(json_array_size(r.records), 3);
    dt_free(&r);

    assert_true(dt_sample(&r, VG_DUMPSYS_BATTERY_HISTORY, "dumpsys_battery.txt"));
    assert_int_equal(json_array_size(r.records), 5);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.records, 0), "package_name")),
        "com.samsung.android.app.reminder");
    assert_string_equal(json_string_value(json_object_get(json_array_get(r.records, 1), "event")),
                        "end_job");
    rec = json_array_get(r.records, 2);
    assert_string_equal(json_string_value(json_object_get(rec, "event")), "start_top");
    assert_string_equal(json_string_value(json_object_get(rec, "uid")), "u0a280");
    assert_string_equal(json_string_value(json_object_get(rec, "package_name")), "com.whatsapp");
    assert_string_equal(json_string_value(json_object_get(json_array_get(r.records, 3), "event")),
                        "end_top");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.records, 4), "package_name")),
        "com.sec.android.app.launcher");
    dt_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daily),
        cmocka_unit_test(test_daily_order),
        cmocka_unit_test(test_daily_near_misses),
        cmocka_unit_test(test_daily_malformed),
        cmocka_unit_test(test_daily_giant_line),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_history_malformed),
        cmocka_unit_test(test_history_giant_line),
        cmocka_unit_test(test_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
