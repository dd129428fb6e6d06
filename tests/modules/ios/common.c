/*
 * The value helpers of src/lib/ios/common.c that modules share: SQLite
 * column values, and Apple, Unix and sms.db times as MVT's converters write
 * them (the expected strings are what MVT's convert_mactime_to_iso and
 * convert_unix_to_iso print for the same values).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "modules/ios/common.h"

static void assert_json_str(json_t *j, const char *want)
{
    assert_non_null(j);
    assert_true(json_is_string(j));
    assert_string_equal(json_string_value(j), want);
    json_decref(j);
}

/* One row of literals, stepped and ready. */
static sqlite3_stmt *row(sqlite3 **db, const char *sql)
{
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_open(":memory:", db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(*db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    return st;
}

static void done(sqlite3 *db, sqlite3_stmt *st)
{
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_columns(void **state)
{
    sqlite3 *db;
    sqlite3_stmt *st = row(&db, "SELECT CAST(X'61FF62' AS TEXT) AS bad, X'C3A92B' AS blob,"
                                " 1.5 AS r, 7 AS i, NULL AS n, 'caf' || X'C3A9' AS t,"
                                " CAST(X'E2827878' AS BLOB) AS cut");
    double d = 0;
    json_t *j;
    (void)state;

    /* text that is not UTF-8 is repaired, not dropped */
    assert_json_str(vg_col_json_text(st, 0), "a\xEF\xBF\xBD"
                                             "b");
    assert_true(json_is_null(j = vg_col_json_text(st, 4)));
    json_decref(j);
    assert_json_str(vg_col_json_text(st, 5), "caf\xC3\xA9");
    /* MVT decodes blobs and text alike */
    assert_json_str(vg_col_json_value(st, 1), "\xC3\xA9+");
    assert_json_str(vg_col_json_value(st, 6), "\xEF\xBF\xBDxx");
    j = vg_col_json_value(st, 2);
    assert_true(json_is_real(j) && json_real_value(j) == 1.5);
    json_decref(j);
    j = vg_col_json_value(st, 3);
    assert_int_equal(json_integer_value(j), 7);
    json_decref(j);
    assert_true(json_is_null(j = vg_col_json_value(st, 4)));
    json_decref(j);
    assert_true(vg_col_number(st, 2, &d) && d == 1.5);
    assert_true(vg_col_number(st, 3, &d) && d == 7);
    assert_false(vg_col_number(st, 5, &d));
    assert_false(vg_col_number(st, 4, &d));
    assert_int_equal(vg_col_index(st, "t"), 5);
    assert_int_equal(vg_col_index(st, "T"), -1);
    done(db, st);
}

static void test_column_times(void **state)
{
    sqlite3 *db;
    sqlite3_stmt *st =
        row(&db, "SELECT 1638559993, 700000000.5, 0, '1638559993', NULL, 700000000123456789");
    (void)state;

    assert_json_str(vg_col_unix_iso(st, 0), "2021-12-03 19:33:13.000000");
    assert_json_str(vg_col_unix_iso(st, 3), ""); /* text is no time */
    assert_json_str(vg_col_unix_iso(st, 4), "");
    assert_json_str(vg_col_cocoa_iso(st, 1), "2023-03-08 20:26:40.500000");
    assert_json_str(vg_col_cocoa_iso(st, 2), ""); /* 0 is no time */
    assert_json_str(vg_col_cocoa_iso(st, 4), "");
    /* nanoseconds (iOS 11+) */
    assert_json_str(vg_col_cocoa_iso(st, 5), "2023-03-08 20:26:40.123457");
    done(db, st);
}

static void assert_iso(json_t *(*fn)(const json_t *), json_t *v, const char *want)
{
    assert_json_str(fn(v), want);
    json_decref(v);
}

static void test_cocoa_values(void **state)
{
    plist_t p;
    double d = 0;
    (void)state;

    assert_json_str(vg_ios_cocoa_iso(0), "");
    assert_json_str(vg_ios_cocoa_iso(1e300), "");
    assert_iso(vg_ios_cocoa_iso_json, json_real(700000000.5), "2023-03-08 20:26:40.500000");
    assert_iso(vg_ios_cocoa_iso_json, json_string("700000000"), "");
    p = plist_new_uint(700000000);
    assert_json_str(vg_ios_cocoa_iso_plist(p), "2023-03-08 20:26:40.000000");
    assert_true(vg_plist_number(p, &d) && d == 700000000);
    plist_free(p);
    p = plist_new_date(700000000, 250000);
    assert_json_str(vg_ios_cocoa_iso_plist(p), "2023-03-08 20:26:40.250000");
    assert_json_str(vg_ios_plist_date_iso(p), "2023-03-08 20:26:40.250000");
    assert_false(vg_plist_number(p, &d));
    plist_free(p);
    p = plist_new_date(0, 0); /* 2001-01-01: a time for a date node, none as a number */
    assert_json_str(vg_ios_plist_date_iso(p), "2001-01-01 00:00:00.000000");
    assert_json_str(vg_ios_cocoa_iso_plist(p), "");
    plist_free(p);
    p = plist_new_string("700000000");
    assert_json_str(vg_ios_cocoa_iso_plist(p), "");
    assert_json_str(vg_ios_plist_date_iso(p), "");
    plist_free(p);
    assert_json_str(vg_ios_cocoa_iso_plist(NULL), "");
    assert_json_str(vg_ios_plist_date_iso(NULL), "");
}

/* MVT's rule to the letter: only 18-digit integers are nanoseconds. */
static void test_mactime(void **state)
{
    double t = 0;
    json_t *v;
    (void)state;

    assert_iso(vg_ios_mactime_iso, json_integer(700000000123456789LL),
               "2023-03-08 20:26:40.000000");
    assert_iso(vg_ios_mactime_iso, json_integer(-12345678912345678LL),
               "2000-08-11 02:38:42.000000"); /* "-" and 17 digits */
    assert_iso(vg_ios_mactime_iso, json_real(700000000.5), "2023-03-08 20:26:40.500000");
    assert_iso(vg_ios_mactime_iso, json_integer(0), "");
    assert_iso(vg_ios_mactime_iso, json_integer(7000000000000000000LL), ""); /* 19 digits */
    assert_iso(vg_ios_mactime_iso, json_string("700000000"), "");
    v = json_integer(1);
    assert_true(vg_ios_mactime_unix(v, &t) && t == 978307201.0);
    json_decref(v);
}

/* sms.db: integers past 1e11 are nanoseconds cut to whole seconds. */
static void test_sms_date(void **state)
{
    (void)state;
    assert_iso(vg_ios_sms_date_iso, json_integer(588813210539788032LL),
               "2019-08-29 23:13:30.000000");
    assert_iso(vg_ios_sms_date_iso, json_integer(600000000), "2020-01-06 10:40:00.000000");
    assert_iso(vg_ios_sms_date_iso, json_integer(7000000000000000000LL),
               "2222-10-28 12:26:40.000000");
    assert_iso(vg_ios_sms_date_iso, json_real(600000000.25), "2020-01-06 10:40:00.250000");
    assert_iso(vg_ios_sms_date_iso, json_integer(0), "");
    assert_iso(vg_ios_sms_date_iso, json_real(0.0), "");
    assert_iso(vg_ios_sms_date_iso, json_null(), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),      cmocka_unit_test(test_column_times),
        cmocka_unit_test(test_cocoa_values), cmocka_unit_test(test_mactime),
        cmocka_unit_test(test_sms_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
