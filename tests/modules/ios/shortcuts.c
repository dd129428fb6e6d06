/*
 * Shortcuts: shortcuts and the links in their actions as MVT's records,
 * URL/domain indicators on those links, both ways the schema ties actions
 * to shortcuts, and hostile databases.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define RELPATH "Library/Shortcuts/Shortcuts.sqlite"

/* Core Data tables as Shortcuts.sqlite has them (the columns MVT reads plus
 * neighbours; public schema dumps of iOS 14-16 databases). */
static const char schema[] =
    "CREATE TABLE ZSHORTCUT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZACTIONCOUNT INTEGER, ZHASSHORTCUTINPUTVARIABLES INTEGER, ZHIDDENFROMLIBRARYANDSYNC "
    "INTEGER, ZTOMBSTONED INTEGER, ZACTIONS INTEGER, ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE "
    "TIMESTAMP, ZACTIONSDESCRIPTION VARCHAR, ZNAME VARCHAR, ZWORKFLOWID VARCHAR, "
    "ZINPUTCLASSESDATA BLOB, ZIMPORTQUESTIONSDATA BLOB );"
    "CREATE TABLE ZSHORTCUTACTIONS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZSHORTCUT INTEGER, ZDATA BLOB );";

static const char insert_shortcut[] =
    "INSERT INTO ZSHORTCUT (Z_PK, Z_ENT, Z_OPT, ZNAME, ZACTIONSDESCRIPTION, ZCREATIONDATE, "
    "ZMODIFICATIONDATE, ZACTIONS) VALUES (?, 7, 1, ?, ?, ?, ?, ?)";
static const char insert_actions[] =
    "INSERT INTO ZSHORTCUTACTIONS (Z_PK, Z_ENT, Z_OPT, ZSHORTCUT, ZDATA) VALUES (?, 8, 1, ?, ?)";

static const char *const iocs[] = {
    "[domain-name:value='evil.example.org']",
    NULL,
};

static plist_t action(const char *identifier, plist_t params)
{
    return vgfix_plist_dict("WFWorkflowActionIdentifier", plist_new_string(identifier),
                            "WFWorkflowActionParameters", params, NULL);
}

static void insert_plist_actions(const char *db, int pk, int shortcut, plist_t actions)
{
    char *data = NULL;
    size_t len = 0;

    assert_int_equal(vgfix_plist_to_mem(actions, VGFIX_PLIST_BINARY, &data, &len), 0);
    plist_free(actions);
    if (shortcut)
        assert_int_equal(vgfix_sqlite_insert(db, insert_actions, "iib", pk, shortcut, data, len),
                         0);
    else /* newer schema: no ZSHORTCUT column */
        assert_int_equal(vgfix_sqlite_insert(db,
                                             "INSERT INTO ZSHORTCUTACTIONS (Z_PK, ZDATA) VALUES "
                                             "(?, ?)",
                                             "ib", pk, data, len),
                         0);
    free(data);
}

static void fill(const char *db)
{
    plist_t text = vgfix_plist_dict(
        "Value",
        vgfix_plist_dict("string", plist_new_string("go to https://evil.example.org/x?y=1\nnow"),
                         "attachmentsByRange", plist_new_dict(), NULL),
        "WFSerializationType", plist_new_string("WFTextTokenString"), NULL);

    assert_int_equal(vgfix_sqlite_exec(db, schema), 0);
    /* 1: the planted hit, and a second link with a quote and comma after it */
    assert_int_equal(vgfix_sqlite_insert(db, insert_shortcut, "ittddi", 1, "Open link",
                                         "Opens a link", 600000000.0, 610000000.5, 0),
                     0);
    insert_plist_actions(
        db, 1, 1,
        vgfix_plist_array(
            action("is.workflow.actions.openurl", vgfix_plist_dict("WFInput", text, NULL)),
            action("is.workflow.actions.gettext",
                   vgfix_plist_dict("WFTextActionText",
                                    plist_new_string("see HTTP://cdn.good.test/a',"), NULL)),
            NULL));
    /* 2: near misses, a look-alike and the parent domain */
    assert_int_equal(vgfix_sqlite_insert(db, insert_shortcut, "ittddi", 2, "Near", "Near miss",
                                         600000100.0, 600000100.0, 0),
                     0);
    insert_plist_actions(
        db, 2, 2,
        vgfix_plist_array(action("is.workflow.actions.openurl",
                                 vgfix_plist_dict("WFURLActionURL",
                                                  plist_new_string("https://notevil.example.org/ "
                                                                   "https://example.org/"),
                                                  NULL)),
                          NULL));
    /* 3: no actions row, no dates */
    assert_int_equal(vgfix_sqlite_insert(db, "INSERT INTO ZSHORTCUT (Z_PK, ZNAME) VALUES (?, ?)",
                                         "it", 3, "Empty"),
                     0);
    /* 4: actions that are not a plist, a name that is not UTF-8 */
    assert_int_equal(vgfix_sqlite_insert(db, insert_shortcut, "ittddi", 4, "Caf\xe9", NULL,
                                         600000200.0, 600000200.0, 0),
                     0);
    assert_int_equal(vgfix_sqlite_insert(db, insert_actions, "iib", 4, 4, "garbage", (size_t)7), 0);
}

static char *backup_with(void (*fn)(const char *db), const char *raw)
{
    char *work = vgfix_tmpdir("shortcuts-db"), *db = vgh_path_join(work, "Shortcuts.sqlite");
    char *dir = vgfix_tmpdir("shortcuts");
    struct vgfix_backup *b = vgfix_backup_new(dir);

    if (fn)
        fn(db);
    else
        assert_int_equal(vgfix_write_file(db, raw, strlen(raw)), 0);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_add_file_from(b, "HomeDomain", RELPATH, db), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    vgh_cleanup(work);
    free(db);
    return dir;
}

static void test_records(void **state)
{
    char *dir = backup_with(fill, NULL);
    struct vgh_result r;
    const json_t *rec, *urls;
    (void)state;

    vgh_run(dir, NULL, "shortcuts", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 4);

    rec = json_array_get(r.records, 0);
    assert_int_equal(json_integer_value(json_object_get(rec, "shortcut_id")), 1);
    assert_string_equal(vgh_str(rec, "shortcut_name"), "Open link");
    assert_string_equal(vgh_str(rec, "description"), "Opens a link");
    assert_string_equal(vgh_str(rec, "isodate"), "2020-01-06 10:40:00.000000");
    assert_string_equal(vgh_str(rec, "modified_date"), "2020-05-01 04:26:40.500000");
    assert_int_equal(json_integer_value(json_object_get(rec, "parsed_actions")), 2);
    urls = json_object_get(rec, "action_urls");
    assert_int_equal(json_array_size(urls), 2);
    assert_string_equal(json_string_value(json_array_get(urls, 0)),
                        "https://evil.example.org/x?y=1");
    assert_string_equal(json_string_value(json_array_get(urls, 1)), "HTTP://cdn.good.test/a");
    assert_int_equal(json_object_size(rec), 7);

    rec = json_array_get(r.records, 2);
    assert_string_equal(vgh_str(rec, "shortcut_name"), "Empty");
    assert_true(json_is_null(json_object_get(rec, "description")));
    assert_string_equal(vgh_str(rec, "isodate"), "");
    assert_string_equal(vgh_str(rec, "modified_date"), "");
    assert_int_equal(json_integer_value(json_object_get(rec, "parsed_actions")), 0);
    assert_true(json_is_null(json_object_get(rec, "action_urls")));

    rec = json_array_get(r.records, 3);
    assert_string_equal(vgh_str(rec, "shortcut_name"), "Caf\\xe9");
    assert_true(json_is_null(json_object_get(rec, "action_urls")));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void assert_alerts(const json_t *alerts)
{
    const json_t *a;

    assert_int_equal(json_array_size(alerts), 1);
    a = vgh_find_alert(alerts, "CRITICAL",
                       "https://evil.example.org/x?y=1 matching indicator \"evil.example.org\" "
                       "from \"TestMalware\"");
    assert_non_null(a);
    assert_string_equal(vgh_str(json_object_get(a, "matched_indicator"), "value"),
                        "evil.example.org");
    assert_string_equal(vgh_str(json_object_get(a, "event"), "shortcut_name"), "Open link");
}

static void test_alerts(void **state)
{
    char *dir = backup_with(fill, NULL), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, bundle, "shortcuts", &r);
    assert_alerts(r.alerts);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_timeline(void **state)
{
    char *dir = backup_with(fill, NULL);
    struct vgh_result r;
    (void)state;

    vgh_run(dir, NULL, "shortcuts", &r);
    assert_non_null(strstr(r.timeline, "\"2020-01-06 10:40:00.000000\",\"Shortcuts\","
                                       "\"shortcut_created\",\"iOS Shortcut 'Open link': Opens a "
                                       "link - URLs in actions: https://evil.example.org/x?y=1, "
                                       "HTTP://cdn.good.test/a\""));
    assert_non_null(strstr(r.timeline, "\"2020-05-01 04:26:40.500000\",\"Shortcuts\","
                                       "\"shortcut_modified\",\"iOS Shortcut 'Open link'"));
    assert_non_null(strstr(r.timeline, "\"shortcut_created\",\"iOS Shortcut 'Empty':  \""));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* Newer databases: the shortcut points at its actions row (ZACTIONS). */
static void fill_newer(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, "
                                           "ZNAME VARCHAR, ZACTIONS INTEGER, ZCREATIONDATE "
                                           "TIMESTAMP);"
                                           "CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY "
                                           "KEY, ZDATA BLOB);"),
                     0);
    assert_int_equal(vgfix_sqlite_insert(db,
                                         "INSERT INTO ZSHORTCUT (Z_PK, ZNAME, ZACTIONS, "
                                         "ZCREATIONDATE) VALUES (1, 'New', 5, 600000000)",
                                         ""),
                     0);
    insert_plist_actions(
        db, 5, 0,
        vgfix_plist_array(
            action("is.workflow.actions.downloadurl",
                   vgfix_plist_dict("WFURL", plist_new_string("https://evil.example.org/p"), NULL)),
            NULL));
}

static void test_newer_schema(void **state)
{
    char *dir = backup_with(fill_newer, NULL), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run(dir, bundle, "shortcuts", &r);
    assert_int_equal(json_array_size(r.records), 1);
    rec = json_array_get(r.records, 0);
    assert_true(json_is_null(json_object_get(rec, "description")));
    assert_string_equal(vgh_str(rec, "modified_date"), "");
    assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "action_urls"), 0)),
                        "https://evil.example.org/p");
    assert_int_equal(vgh_count_level(r.alerts, "CRITICAL"), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void fill_other(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, "CREATE TABLE ZOTHER (Z_PK INTEGER PRIMARY KEY);"), 0);
}

static void test_hostile(void **state)
{
    char *dir = backup_with(NULL, "this is not a database at all, just text");
    struct vgh_result r;
    (void)state;

    vgh_run_unreadable(dir, NULL, "shortcuts", "Shortcuts.sqlite", &r);
    vgh_result_free(&r);
    vgh_cleanup(dir);

    dir = backup_with(fill_other, NULL);
    vgh_run(dir, NULL, "shortcuts", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    assert_non_null(strstr(r.diag_text, "Shortcuts.sqlite"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_check_on_records_alone(void **state)
{
    char *dir = backup_with(fill, NULL), *bundle = vgh_bundle(iocs);
    struct vgh_result r;
    json_t *alerts, *mvt;
    (void)state;

    vgh_run(dir, NULL, "shortcuts", &r);
    alerts = vgh_check_records("shortcuts", r.records, bundle);
    assert_alerts(alerts);
    json_decref(alerts);

    mvt = json_loads("[{\"shortcut_id\": 9, \"shortcut_name\": \"x\", \"modified_date\": \"\", "
                     "\"description\": null, \"parsed_actions\": 1, \"action_urls\": "
                     "[\"https://a.evil.example.org/\"], \"isodate\": \"\"}]",
                     0, NULL);
    alerts = vgh_check_records("shortcuts", mvt, bundle);
    assert_int_equal(vgh_count_level(alerts, "CRITICAL"), 1);
    json_decref(alerts);
    json_decref(mvt);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(bundle);
}

static void test_mvt_test_backup(void **state)
{
    (void)state;
    vgh_mvt_backup_empty("shortcuts");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),         cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_timeline),        cmocka_unit_test(test_newer_schema),
        cmocka_unit_test(test_hostile),         cmocka_unit_test(test_check_on_records_alone),
        cmocka_unit_test(test_mvt_test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
