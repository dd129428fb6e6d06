/*
 * Contacts: records as MVT writes them (one per value of a person, keys
 * named after AddressBook's columns), email indicators on contact emails
 * (beyond MVT), damaged databases, check-iocs on saved records, and MVT's
 * test backup.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define DOMAIN  "HomeDomain"
#define RELPATH "Library/AddressBook/AddressBook.sqlitedb"

/* AddressBook.sqlitedb's person and multi-value tables (a subset of
 * ABPerson's many columns). */
static const char schema[] =
    "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT,"
    " Middle TEXT, FirstPhonetic TEXT, Organization TEXT, Department TEXT, Note TEXT,"
    " Kind INTEGER, CreationDate INTEGER, ModificationDate INTEGER);"
    "CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER,"
    " identifier INTEGER, label INTEGER, value TEXT, guid TEXT, UNIQUE(guid));"
    "INSERT INTO ABPerson (ROWID, First, Last, Middle, Organization, Kind, CreationDate)"
    " VALUES (2, 'John', 'Roe', NULL, NULL, 0, 650000000),"
    " (1, 'Jane', 'Doe', 'Q', 'Acme', 0, 640000000), (3, 'Nobody', NULL, NULL, NULL, 0, 0);"
    "INSERT INTO ABMultiValue VALUES (5, 1, 4, 1, 2, 'FooBar@Example.org', 'g5'),"
    " (2, 1, 3, 0, 1, '+15550100', 'g2'), (3, 2, 4, 0, 2, 'foobar@example.com', 'g3'),"
    " (4, 2, 22, 0, 3, 'https://example.org/', 'g4'), (6, 2, 3, 1, 1, NULL, 'g6');";

static const char *const iocs[] = {
    "[email-addr:value='foobar@example.org']",
    NULL,
};

static void test_records(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);
    const json_t *rec;

    (void)state;
    vgh_run_ok(dir, NULL, "contacts", &r);
    /* person then value order; the NULL value and the person without
     * values give no record */
    assert_int_equal(json_array_size(r.records), 4);
    rec = json_array_get(r.records, 0);
    vgh_assert_keys(rec, "value,First,Middle,Last,Organization");
    assert_string_equal(vgh_str(rec, "value"), "+15550100");
    assert_string_equal(vgh_str(rec, "First"), "Jane");
    assert_string_equal(vgh_str(rec, "Middle"), "Q");
    assert_string_equal(vgh_str(rec, "Last"), "Doe");
    assert_string_equal(vgh_str(rec, "Organization"), "Acme");
    assert_string_equal(vgh_str(json_array_get(r.records, 1), "value"), "FooBar@Example.org");
    rec = json_array_get(r.records, 2);
    assert_string_equal(vgh_str(rec, "value"), "foobar@example.com");
    assert_string_equal(vgh_str(rec, "First"), "John");
    vgh_assert_null(rec, "Middle");
    vgh_assert_null(rec, "Organization");
    assert_string_equal(vgh_str(json_array_get(r.records, 3), "value"), "https://example.org/");
    assert_int_equal(r.warnings, 0);
    /* MVT serialises nothing for contacts */
    assert_int_equal(vgh_tl_count(&r, "Contacts"), 0);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_email_hit(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(DOMAIN, RELPATH, schema, NULL);
    const json_t *a;

    (void)state;
    vgh_run_ok(dir, iocs, "contacts", &r);
    /* the same address in other case; not foobar@example.com */
    assert_int_equal(json_array_size(r.alerts), 1);
    a = vgh_alert(&r, 0);
    vgh_assert_alert(a, "CRITICAL", "foobar@example.org", "emails");
    assert_string_equal(vgh_str(a, "event_time"), "");
    assert_string_equal(vgh_str(json_object_get(a, "event"), "First"), "Jane");
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_not_sqlite(void **state)
{
    static const char junk[] = "not an address book";
    struct vgh_result r;
    char *dir = vgh_backup_bytes(DOMAIN, RELPATH, junk, sizeof(junk) - 1);

    (void)state;
    vgh_run_unreadable(dir, iocs, "contacts", DOMAIN "/" RELPATH, &r);
    assert_int_equal(vgh_coverage(&r, "contacts", "unreadable", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_missing_table(void **state)
{
    struct vgh_result r;
    char *dir = vgh_backup_sql(
        DOMAIN, RELPATH, "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT);", NULL);

    (void)state;
    vgh_run_ok(dir, iocs, "contacts", &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.warnings, 0);
    assert_int_equal(vgh_coverage(&r, "contacts", "partial", RELPATH), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_records_alone(void **state)
{
    json_t *records = json_pack("[{s:s, s:s, s:n, s:s, s:n}, {s:s, s:s, s:n, s:n, s:n}]", "value",
                                "foobar@example.org", "First", "A", "Middle", "Last", "B",
                                "Organization", "value", "foobar@example.org.evil.net", "First",
                                "C", "Middle", "Last", "Organization");
    json_t *alerts = vgh_check_patterns("contacts", records, iocs);

    (void)state;
    assert_int_equal(json_array_size(alerts), 1);
    vgh_assert_alert(json_array_get(alerts, 0), "CRITICAL", "foobar@example.org", "emails");
    json_decref(alerts);
    json_decref(records);
}

static void test_mvt_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_absent("contacts", RELPATH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_email_hit),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_missing_table),
        cmocka_unit_test(test_check_records_alone),
        cmocka_unit_test(test_mvt_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
