/*
 * Tests for src/lib/formats/android/dumpsys_dbinfo.c. The expected records
 * are what MVT 2026.7.29's DumpsysDBInfoArtifact.parse (its regex) gives on
 * the same text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

static void run(const char *text, size_t len, const char *want)
{
    struct dt_run r;

    dt_whole(&r, VG_DUMPSYS_DBINFO, text, len);
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, want);
    assert_int_equal(dt_warnings(&r), 0);
    dt_free(&r);
}

/* Operations of each pool's "Most recently executed operations:" list:
 * the last '[' that starts a match wins (MVT's greedy ".*"), the action
 * gives back "sql" when 'sql="' starts inside it, the SQL runs to the
 * first '"' after its first character; the pid only with [Pid:(n)]. */
static void test_operations(void **state)
{
    (void)state;
    run(DT_TEXT(
            "Applications Database Info:\n"
            "\n"
            "** Database info for pid 8817 [com.a] **\n"
            "\n"
            "Connection pool for /data/user/0/com.a/databases/a.db:\n"
            "  Open: true\n"
            "  Available primary connection:\n"
            "    Connection #0:\n"
            "      Most recently executed operations:\n"
            "        0: [2023-07-27 12:21:44.097] [Pid:(0)]executeForCursorWindow took 2ms - "
            "succeeded, sql=\"PRAGMA database_list;\", path=/x\n"
            "        1: [07-15 20:27:39.431] executeForLong took 0ms, sql=\"SELECT \"a\" FROM t\"\n"
            "        2: [2023-07-27 12:21:44.0970] prepare sql=\"x\"\n"
            "        3: [2023-07-27 12:21:44.097]  [Pid:(12)] [x] [2023-07-27 12:21:44.098]  "
            "two-words sql=\"\"\"\n"
            "        4: [2023-07-27 12:21:44.097] executesql=\"q\"\n"
            "        5: no timestamp sql=\"x\"\n"
            "        6: [2023-07-27 12:21:44.097] [Pid:()]x sql=\"y\"\n"
            "        7: [2023-07-27 12:21:44.097] [Pid:(7)]sel sql=\"y\" [2023-07-27 12:21:44.099] "
            "later sql=\"z\"\n"
            "      Most recently executed operations:\n"
            "        8: [2023-07-27 12:21:44.097] afterEnd sql=\"x\"\n"
            "Connection pool for :\n"
            "      Most recently executed operations:\n"
            "        9: [2023-07-27 12:21:44.097] noPool sql=\"x\"\n"
            "Connection pool for /b.db::\n"
            "Most recently executed operations:\n"
            "        10: [2023-07-27 12:21:44.097] [Pid:(5)]b_action sql=\"y\"\n"),
        "[{\"isodate\":\"2023-07-27 12:21:44.097\",\"action\":\"executeForCursorWindow\",\"sql"
        "\":\"PRAGMA database_list;\",\"path\":\"/data/user/0/com.a/databases/a.db\",\"pid\":\""
        "0\"},{\"isodate\":\"07-15 20:27:39.431\",\"action\":\"executeForLong\",\"sql\":\"SELEC"
        "T \",\"path\":\"/data/user/0/com.a/databases/a.db\"},{\"isodate\":\"2023-07-27 12:21:4"
        "4.098\",\"action\":\"two-words\",\"sql\":\"\\\"\",\"path\":\"/data/user/0/com.a/databa"
        "ses/a.db\"},{\"isodate\":\"2023-07-27 12:21:44.097\",\"action\":\"execute\",\"sql\":\""
        "q\",\"path\":\"/data/user/0/com.a/databases/a.db\"},{\"isodate\":\"2023-07-27 12:21:44"
        ".099\",\"action\":\"later\",\"sql\":\"z\",\"path\":\"/data/user/0/com.a/databases/a.db"
        "\"},{\"isodate\":\"2023-07-27 12:21:44.097\",\"action\":\"afterEnd\",\"sql\":\"x\",\"p"
        "ath\":\"/data/user/0/com.a/databases/a.db\"}]");
}

/* Lines before a pool or its list, or less indented, are not operations;
 * a less indented line ends the pool. */
static void test_near_misses(void **state)
{
    (void)state;
    run(DT_TEXT("        0: [2023-07-27 12:21:44.097] beforePool sql=\"x\"\n"
                "Connection pool for /c.db:\n"
                "        1: [2023-07-27 12:21:44.097] beforeOps sql=\"x\"\n"
                "      Most recently executed operations:\n"
                "       2: [2023-07-27 12:21:44.097] sevenSpaces sql=\"x\"\n"
                "        3: [2023-07-27 12:21:44.097] afterReset sql=\"x\"\n"),
        "[]");
}

/* A section cut in the middle of an operation line: no closing '"', no
 * match, no record, no harm. */
static void test_cut(void **state)
{
    (void)state;
    run(DT_TEXT("Connection pool for /a.db:\n"
                "      Most recently executed operations:\n"
                "        0: [2023-07-27 12:21:44.097] ok sql=\"x\"\n"
                "        1: [2023-07-27 12:21:44.097] cut sql=\"SELE"),
        "[{\"isodate\":\"2023-07-27 12:21:44.097\",\"action\":\"ok\",\"sql\":\"x\","
        "\"path\":\"/a.db\"}]");
}

/* Many '[' on one line cost one pass each, not one per pair. */
static void test_giant_line(void **state)
{
    struct dt_run r;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_DBINFO,
             "Connection pool for /a.db:\n      Most recently executed operations:\n",
             "        0: [2023-07-27 12:21:44.097] a sql=\"x\" ", '[', "\n",
             "        1: [2023-07-27 12:21:44.097] b sql=\"y\"\n");
    assert_int_equal(json_array_size(r.records), 2);
    dt_free(&r);
}

/* MVT's test_parsing on android_data/dumpsys_dbinfo.txt. */
static void test_sample(void **state)
{
    struct dt_run r;
    json_t *rec;
    (void)state;

    if (!dt_sample(&r, VG_DUMPSYS_DBINFO, "dumpsys_dbinfo.txt")) {
        skip();
        return;
    }
    assert_int_equal(json_array_size(r.records), 5);
    rec = json_array_get(r.records, 0);
    assert_string_equal(json_string_value(json_object_get(rec, "action")),
                        "executeForCursorWindow");
    assert_string_equal(json_string_value(json_object_get(rec, "sql")), "PRAGMA database_list;");
    assert_string_equal(json_string_value(json_object_get(rec, "path")),
                        "/data/user/0/com.wssyncmldm/databases/idmsdk.db");
    dt_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operations), cmocka_unit_test(test_near_misses),
        cmocka_unit_test(test_cut),        cmocka_unit_test(test_giant_line),
        cmocka_unit_test(test_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
