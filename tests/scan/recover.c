/*
 * Deleted records (src/lib/scan/recover.c): rows a database no longer
 * shows, made records by the module's own query, written to
 * <module>_recovered.json with where they were found, checked, put on the
 * timeline marked, and re-checked by check-iocs; never a live row, nothing
 * with secure_delete on or --no-recover. Through the sms and whatsapp
 * modules on fixture backups.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "fixture.h"
#include "harness.h"
#include "ios_artifacts.h"

#define SMS_DOMAIN "HomeDomain"
#define SMS_PATH   "Library/SMS/sms.db"

static const char sms_schema[] =
    "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, "
    "service TEXT NOT NULL);"
    "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, "
    "text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, account TEXT, date INTEGER, "
    "date_read INTEGER, is_from_me INTEGER DEFAULT 0);"
    "INSERT INTO handle VALUES (1, '+15550001111', 'SMS'), (2, 'friend@example.com', "
    "'iMessage');";

/* Six messages; the third carries the planted link, the fourth comes from
 * handle 2. Texts are long enough to be told from page noise. */
static const char sms_rows[] =
    "INSERT INTO message VALUES (1, 'GUID-1', 'first message, nothing to see here', 1, 'SMS', "
    "NULL, 600000000000000000, 0, 0);"
    "INSERT INTO message VALUES (2, 'GUID-2', 'second message, a near miss "
    "https://notbad.example.net/', 1, 'SMS', NULL, 600000001000000000, 0, 0);"
    "INSERT INTO message VALUES (3, 'GUID-3', 'click https://badbadbad.example.org/track "
    "now please', 1, 'SMS', NULL, 600000002000000000, 0, 0);"
    "INSERT INTO message VALUES (4, 'GUID-4', 'hello from my other address, see you soon', 2, "
    "'iMessage', NULL, 600000003000000000, 0, 1);"
    "INSERT INTO message VALUES (5, 'GUID-5', 'fifth message, still nothing to see', 1, 'SMS', "
    "NULL, 600000004000000000, 0, 0);"
    "INSERT INTO message VALUES (6, 'GUID-6', 'sixth and last message of the fixture', 1, "
    "'SMS', NULL, 600000005000000000, 0, 0);";

static const char *const sms_iocs[] = {"[domain-name:value='badbadbad.example.org']", NULL};

static void sms_deleted(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, sms_schema), 0);
    assert_int_equal(vgfix_sqlite_exec(db, sms_rows), 0);
    assert_int_equal(vgfix_sqlite_exec(db, "PRAGMA secure_delete=OFF;"
                                           "DELETE FROM message WHERE ROWID IN (3, 4);"),
                     0);
}

static void sms_securely_deleted(const char *db)
{
    assert_int_equal(vgfix_sqlite_exec(db, sms_schema), 0);
    assert_int_equal(vgfix_sqlite_exec(db, sms_rows), 0);
    assert_int_equal(vgfix_sqlite_exec(db, "PRAGMA secure_delete=ON;"
                                           "DELETE FROM message WHERE ROWID IN (3, 4);"),
                     0);
}

static const json_t *by_guid(const json_t *records, const char *guid)
{
    return vgh_find_record(records, "guid", guid);
}

static void assert_provenance(const json_t *rec)
{
    const json_t *w = json_object_get(rec, "recovered");

    assert_non_null(w);
    assert_string_equal(vgh_must_str(w, "file"), SMS_DOMAIN "/" SMS_PATH);
    assert_string_equal(vgh_must_str(w, "table"), "message");
    assert_non_null(vgh_str(w, "found_in"));
    assert_non_null(strstr(vgh_must_str(w, "description"), "table message"));
    assert_true(vgh_int(w, "page") > 0);
}

static void test_sms_deleted_rows(void **state)
{
    char *dir = vgh_backup_db(SMS_DOMAIN, SMS_PATH, sms_deleted, NULL);
    const json_t *rec, *a, *mods;
    struct vgh_result r;
    (void)state;

    vgh_run_ok(dir, sms_iocs, "sms", &r);
    /* the live records are the four messages left */
    assert_int_equal(json_array_size(r.records), 4);
    assert_null(by_guid(r.records, "GUID-3"));
    /* exactly the two deleted ones come back, never a live one */
    assert_int_equal(json_array_size(r.recovered), 2);
    rec = by_guid(r.recovered, "GUID-3");
    assert_non_null(rec);
    assert_string_equal(vgh_must_str(rec, "text"),
                        "click https://badbadbad.example.org/track now please");
    assert_string_equal(vgh_must_str(rec, "phone_number"), "+15550001111");
    assert_provenance(rec);
    /* joined to its sender's live handle */
    rec = by_guid(r.recovered, "GUID-4");
    assert_non_null(rec);
    assert_string_equal(vgh_must_str(rec, "phone_number"), "friend@example.com");
    assert_string_equal(vgh_must_str(rec, "direction"), "sent");
    assert_provenance(rec);
    /* the alert on the deleted message says so */
    assert_int_equal(json_array_size(r.alerts), 1);
    a = json_array_get(r.alerts, 0);
    assert_string_equal(vgh_must_str(a, "level"), "CRITICAL");
    assert_non_null(strstr(vgh_must_str(a, "message"),
                           "in a deleted record recovered from " SMS_DOMAIN "/" SMS_PATH));
    assert_non_null(json_object_get(json_object_get(a, "event"), "recovered"));
    /* the timeline has it, marked */
    assert_non_null(strstr(r.timeline, "click https://badbadbad.example.org/track now please\"\" "
                                       "from +15550001111 (None) [deleted record recovered from"));
    mods = json_object_get(json_object_get(r.info, "modules"), "sms");
    assert_int_equal(vgh_int(mods, "records"), 4);
    assert_int_equal(vgh_int(mods, "recovered"), 2);
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_sms_secure_delete(void **state)
{
    char *dir = vgh_backup_db(SMS_DOMAIN, SMS_PATH, sms_securely_deleted, NULL);
    struct vgh_result r;
    (void)state;

    /* secure_delete zeroes what it frees: nothing to recover, no alert */
    vgh_run_ok(dir, sms_iocs, "sms", &r);
    assert_int_equal(json_array_size(r.records), 4);
    assert_int_equal(json_array_size(r.recovered), 0);
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_null(
        json_object_get(json_object_get(json_object_get(r.info, "modules"), "sms"), "recovered"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

static void test_no_recover(void **state)
{
    char *dir = vgh_backup_db(SMS_DOMAIN, SMS_PATH, sms_deleted, NULL);
    struct vgh_result r;
    (void)state;

    vgh_no_recover = 1;
    vgh_run_ok(dir, sms_iocs, "sms", &r);
    vgh_no_recover = 0;
    assert_int_equal(json_array_size(r.records), 4);
    assert_int_equal(json_array_size(r.recovered), 0);
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_null(strstr(r.timeline, "deleted record"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* ---- WAL: rows deleted after a checkpoint, the delete still in the WAL ---- */

static unsigned char *wal_db, *wal_wal;
static size_t wal_db_len, wal_wal_len;

static void make_wal_pair(void)
{
    char *tmp = vgfix_tmpdir("recover-wal"), path[4096], wpath[4200];
    sqlite3 *db = NULL;

    snprintf(path, sizeof(path), "%s/sms.db", tmp);
    snprintf(wpath, sizeof(wpath), "%s-wal", path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA secure_delete=OFF; PRAGMA journal_mode=WAL;"
                                  "PRAGMA wal_autocheckpoint=0;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sms_schema, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sms_rows, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM message WHERE ROWID = 3;", NULL, NULL, NULL),
                     SQLITE_OK);
    wal_db = (unsigned char *)vgfix_read_file(path, &wal_db_len);
    wal_wal = (unsigned char *)vgfix_read_file(wpath, &wal_wal_len);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    assert_non_null(wal_db);
    assert_non_null(wal_wal);
    assert_true(wal_wal_len > 32);
    vgfix_rmtree(tmp);
    free(tmp);
}

static void test_sms_wal(void **state)
{
    struct vgh_file files[2];
    const json_t *rec;
    struct vgh_result r;
    char *dir;
    (void)state;

    make_wal_pair();
    memset(files, 0, sizeof(files));
    files[0].domain = files[1].domain = SMS_DOMAIN;
    files[0].relpath = SMS_PATH;
    files[0].raw = wal_db;
    files[0].raw_len = wal_db_len;
    files[1].relpath = SMS_PATH "-wal";
    files[1].raw = wal_wal;
    files[1].raw_len = wal_wal_len;
    dir = vgh_backup(files, 2);
    vgh_run_ok(dir, sms_iocs, "sms", &r);
    /* the WAL applied: five live messages */
    assert_int_equal(json_array_size(r.records), 5);
    assert_null(by_guid(r.records, "GUID-3"));
    /* the deleted one, from the database file's page the WAL replaced */
    assert_int_equal(json_array_size(r.recovered), 1);
    rec = by_guid(r.recovered, "GUID-3");
    assert_non_null(rec);
    assert_provenance(rec);
    assert_int_equal(json_array_size(r.alerts), 1);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    free(wal_db);
    free(wal_wal);
}

/* ---- check-iocs: a recovered record is checked again as one ---- */

static void test_recheck_recovered(void **state)
{
    char *in = vgfix_tmpdir("recover-ci"), *out = vgfix_tmpdir("recover-ci-out");
    char *bundle = vgh_bundle(sms_iocs), path[4096], *text;
    static const char recovered[] =
        "[{\"guid\": \"GUID-9\", \"text\": \"go https://badbadbad.example.org/\", "
        "\"links\": [\"https://badbadbad.example.org/\"], \"isodate\": \"2020-01-01 "
        "00:00:00.000000\", \"recovered\": {\"description\": \"sms.db, table message, "
        "freelist page 7 at offset 100\", \"file\": \"sms.db\", \"table\": \"message\"}}]";
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum;
    json_t *alerts, *again;
    const json_t *a;
    (void)state;

    snprintf(path, sizeof(path), "%s/sms.json", in);
    assert_int_equal(vgfix_write_file(path, "[]", 2), 0);
    snprintf(path, sizeof(path), "%s/sms_recovered.json", in);
    assert_int_equal(vgfix_write_file(path, recovered, strlen(recovered)), 0);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(
        vg_iocs_load_buffer(iocs, "test-indicators.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = in;
    so.output_dir = out;
    assert_int_equal(vgfix_check(VG_KIND_RESULTS, in, iocs, &so, NULL, diag, &sum), VG_OK);
    snprintf(path, sizeof(path), "%s/sms_detected.json", out);
    alerts = json_load_file(path, 0, NULL);
    assert_non_null(alerts);
    assert_int_equal(json_array_size(alerts), 1);
    a = json_array_get(alerts, 0);
    assert_non_null(strstr(vgh_must_str(a, "message"),
                           "in a deleted record recovered from sms.db, table message, freelist "
                           "page 7 at offset 100"));
    /* written again as recovered, where it was found kept once */
    snprintf(path, sizeof(path), "%s/sms_recovered.json", out);
    text = vgfix_read_file(path, NULL);
    assert_non_null(text);
    again = json_loads(text, 0, NULL);
    assert_int_equal(json_array_size(again), 1);
    assert_string_equal(
        vgh_must_str(json_object_get(json_array_get(again, 0), "recovered"), "file"), "sms.db");
    assert_null(strstr(strstr(text, "\"recovered\"") + 1, "\"recovered\""));
    json_decref(again);
    free(text);
    json_decref(alerts);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    free(bundle);
    vgh_cleanup(in);
    vgh_cleanup(out);
}

/* ---- WhatsApp: a deleted message with its deleted media item ---- */

static const char wa_schema[] =
    "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZCHATSESSION INTEGER, "
    "ZMESSAGEDATE TIMESTAMP, ZFROMJID VARCHAR, ZTOJID VARCHAR, ZTEXT VARCHAR, ZSTANZAID VARCHAR);"
    "CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, ZAUTHORNAME VARCHAR, "
    "ZMEDIAURL VARCHAR);"
    "CREATE TABLE ZWAMESSAGEDATAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, ZCONTENT1 "
    "VARCHAR, ZCONTENT2 VARCHAR, ZMATCHEDTEXT VARCHAR, ZSUMMARY VARCHAR, ZTITLE VARCHAR);"
    "INSERT INTO ZWAMESSAGE VALUES (1, 9, 1, 600000000, '15550001111@s.whatsapp.net', NULL, "
    "'an ordinary live message of the chat', 'S-1');"
    "INSERT INTO ZWAMESSAGE VALUES (2, 9, 1, 600000100, '15550001111@s.whatsapp.net', NULL, "
    "'look at https://badbadbad.example.org/wa quickly', 'S-2');"
    "INSERT INTO ZWAMESSAGE VALUES (3, 9, 1, 600000200, '15550001111@s.whatsapp.net', NULL, "
    "'another ordinary live message here', 'S-3');"
    "INSERT INTO ZWAMEDIAITEM VALUES (1, 2, 'Someone', 'https://media.example.com/abc');"
    "PRAGMA secure_delete=OFF;"
    "DELETE FROM ZWAMESSAGE WHERE Z_PK = 2; DELETE FROM ZWAMEDIAITEM WHERE Z_PK = 1;";

static void test_whatsapp_deleted(void **state)
{
    char *dir = vgh_backup_sql("AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
                               "ChatStorage.sqlite", wa_schema, NULL);
    const json_t *rec;
    struct vgh_result r;
    (void)state;

    vgh_run_ok(dir, sms_iocs, "whatsapp", &r);
    assert_int_equal(json_array_size(r.records), 2);
    assert_int_equal(json_array_size(r.recovered), 1);
    rec = json_array_get(r.recovered, 0);
    assert_string_equal(vgh_must_str(rec, "ZTEXT"),
                        "look at https://badbadbad.example.org/wa quickly");
    /* the freeblock header overwrote the deleted message's rowid (Z_PK), so
     * its deleted media item, recovered too, cannot be joined to it */
    assert_true(json_is_null(json_object_get(rec, "ZMEDIAURL")));
    assert_string_equal(vgh_must_str(json_object_get(rec, "recovered"), "table"), "ZWAMESSAGE");
    assert_int_equal(vgh_count_level(r.alerts, "CRITICAL"), 1);
    assert_non_null(strstr(vgh_alert_message(&r, 0), "in a deleted record recovered from"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* ---- Safari: a visit deleted (history cleared), its page still there ---- */

static const char safari_sql[] =
    "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, "
    "visit_count INTEGER NOT NULL);"
    "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER NOT "
    "NULL, visit_time REAL NOT NULL, title TEXT NULL, redirect_source INTEGER NULL, "
    "redirect_destination INTEGER NULL);"
    "INSERT INTO history_items VALUES (1, 'https://news.example.com/today/front-page', 1);"
    "INSERT INTO history_items VALUES (2, 'https://badbadbad.example.org/landing/page', 1);"
    "INSERT INTO history_visits VALUES (1, 1, 600000000.5, 'an ordinary page of news', NULL, "
    "NULL);"
    "INSERT INTO history_visits VALUES (2, 2, 600000100.5, 'the page of the planted link', NULL, "
    "NULL);"
    "INSERT INTO history_visits VALUES (3, 1, 600000200.5, 'an ordinary page of news again', "
    "NULL, NULL);"
    "PRAGMA secure_delete=OFF;"
    "DELETE FROM history_visits WHERE id = 2;";

static void test_safari_deleted_visit(void **state)
{
    char *dir = vgh_backup_sql("HomeDomain", "Library/Safari/History.db", safari_sql, NULL);
    const json_t *rec;
    struct vgh_result r;
    (void)state;

    vgh_run_ok(dir, sms_iocs, "safari_history", &r);
    assert_int_equal(json_array_size(r.records), 2);
    assert_int_equal(vgh_count_level(r.alerts, "CRITICAL"), 1);
    assert_int_equal(json_array_size(r.recovered), 1);
    rec = json_array_get(r.recovered, 0);
    /* joined to its live page: the URL of the deleted visit */
    assert_string_equal(vgh_must_str(rec, "url"), "https://badbadbad.example.org/landing/page");
    assert_string_equal(vgh_must_str(json_object_get(rec, "recovered"), "table"), "history_visits");
    assert_non_null(strstr(vgh_alert_message(&r, 0), "in a deleted record recovered from"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* ---- TCC: a revoked grant to an implant ---- */

static const char tcc_sql[] =
    "CREATE TABLE access ( service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT "
    "NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB, policy_id "
    "INTEGER, indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT, "
    "indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL, PRIMARY "
    "KEY (service, client, client_type, indirect_object_identifier));"
    "INSERT INTO access VALUES ('kTCCServiceCamera', 'com.example.camera.application', 0, 1, 1, "
    "NULL, NULL, 0, 'UNUSED', NULL, 0, 1600000000);"
    "INSERT INTO access VALUES ('kTCCServiceMicrophone', 'roleaccountd', 1, 1, 1, NULL, NULL, 0, "
    "'UNUSED', NULL, 0, 1600000100);"
    "INSERT INTO access VALUES ('kTCCServicePhotos', 'com.example.photos.application', 0, 1, 1, "
    "NULL, NULL, 0, 'UNUSED', NULL, 0, 1600000200);"
    "PRAGMA secure_delete=OFF;"
    "DELETE FROM access WHERE client = 'roleaccountd';";

static void test_tcc_revoked_grant(void **state)
{
    static const char *const iocs[] = {"[process:name='roleaccountd']", NULL};
    char *dir = vgh_backup_sql("HomeDomain", "Library/TCC/TCC.db", tcc_sql, NULL);
    const json_t *rec;
    struct vgh_result r;
    (void)state;

    vgh_run_ok(dir, iocs, "tcc", &r);
    assert_int_equal(json_array_size(r.records), 2);
    assert_int_equal(json_array_size(r.recovered), 1);
    rec = json_array_get(r.recovered, 0);
    assert_string_equal(vgh_must_str(rec, "client"), "roleaccountd");
    assert_string_equal(vgh_must_str(rec, "service"), "kTCCServiceMicrophone");
    assert_int_equal(vgh_count_level(r.alerts, "CRITICAL"), 1);
    assert_non_null(strstr(vgh_alert_message(&r, 0), "in a deleted record recovered from"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* ---- DataUsage: a process row deleted to hide an implant ---- */

static const char du_sql[] =
    "CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND "
    "INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, "
    "ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT );"
    "CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "
    "ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );"
    "INSERT INTO ZPROCESS VALUES (1, 9, 1, 600000000, 600000000, 'com.apple.mobilesafari', "
    "'MobileSafari');"
    "INSERT INTO ZPROCESS VALUES (2, 9, 1, 600000100, 600000100, NULL, 'bh');"
    "INSERT INTO ZPROCESS VALUES (3, 9, 1, 600000200, 600000200, 'com.apple.news', 'News');"
    "INSERT INTO ZLIVEUSAGE VALUES (1, 8, 1, 0, 0, 0, 1, NULL, 600000000, 10.0, 20.0, 0.0, 0.0);"
    "INSERT INTO ZLIVEUSAGE VALUES (2, 8, 1, 0, 0, 0, 3, NULL, 600000200, 30.0, 40.0, 0.0, 0.0);"
    "PRAGMA secure_delete=OFF;"
    "DELETE FROM ZPROCESS WHERE ZPROCNAME = 'bh';";

static void test_datausage_deleted_process(void **state)
{
    static const char *const iocs[] = {"[process:name='bh']", NULL};
    char *dir =
        vgh_backup_sql("WirelessDomain", "Library/Databases/DataUsage.sqlite", du_sql, NULL);
    const json_t *rec;
    struct vgh_result r;
    (void)state;

    vgh_run_ok(dir, iocs, "datausage", &r);
    assert_int_equal(json_array_size(r.recovered), 1);
    rec = json_array_get(r.recovered, 0);
    assert_string_equal(vgh_must_str(rec, "proc_name"), "bh");
    assert_string_equal(vgh_must_str(json_object_get(rec, "recovered"), "table"), "ZPROCESS");
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "in a deleted record recovered from"));
    /* the live rows never come back as recovered ones */
    assert_null(vgh_find_record(r.recovered, "proc_name", "News"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

/* ---- netusage (filesystem dumps): the same, through NetBase ---- */

static void test_netusage_deleted_process(void **state)
{
    static const char *const iocs[] = {"[process:name='bh']", NULL};
    struct vgfix_fs *fs = vgfix_fs_new();
    const json_t *rec;
    struct vgh_result r;
    (void)state;

    assert_non_null(fs);
    vgh_fs_sql(fs, "private/var/networkd/netusage.sqlite", du_sql);
    vgh_run_dump(fs, iocs, "netusage", 1, &r);
    assert_int_equal(json_array_size(r.recovered), 1);
    rec = json_array_get(r.recovered, 0);
    assert_string_equal(vgh_must_str(rec, "proc_name"), "bh");
    assert_string_equal(vgh_must_str(json_object_get(rec, "recovered"), "table"), "ZPROCESS");
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "in a deleted record recovered from"));
    /* MVT's check on the live table still sees the gap the deletion left */
    assert_non_null(vgh_find_alert(r.alerts, "LOW", "Missing process 2."));
    assert_null(vgh_find_record(r.recovered, "proc_name", "News"));
    assert_non_null(strstr(r.timeline, "[deleted record recovered from"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

/* ---- check-iocs: a recovered process stays out of the tampering checks ---- */

static void test_recheck_recovered_process(void **state)
{
    static const char *const iocs[] = {"[process:name='bh']", NULL};
    char *dir =
        vgh_backup_sql("WirelessDomain", "Library/Databases/DataUsage.sqlite", du_sql, NULL);
    char *out = vgfix_tmpdir("recover-du-in"), *out2 = vgfix_tmpdir("recover-du-out");
    char *bundle = vgh_bundle(iocs), path[4096];
    struct vg_iocs *set = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum;
    struct vgh_result r;
    json_t *alerts;
    size_t i;
    (void)state;

    vgh_run_ok(dir, iocs, "datausage", &r);
    assert_non_null(vgh_find_alert(r.alerts, "LOW", "Missing process 2."));
    /* check-iocs on what the check wrote: the recovered process 2 does
     * not close the gap its deletion left in the live table */
    for (i = 0; i < 2; i++) {
        const char *name = i ? "datausage_recovered.json" : "datausage.json";
        json_t *j = i ? r.recovered : r.records;
        snprintf(path, sizeof(path), "%s/%s", out, name);
        assert_int_equal(json_dump_file(j, path, 0), 0);
    }
    assert_int_equal(vg_iocs_new(&set), VG_OK);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(set, "t.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = out;
    so.output_dir = out2;
    assert_int_equal(vgfix_check(VG_KIND_RESULTS, out, set, &so, NULL, diag, &sum), VG_OK);
    snprintf(path, sizeof(path), "%s/datausage_detected.json", out2);
    alerts = json_load_file(path, 0, NULL);
    assert_non_null(alerts);
    assert_non_null(vgh_find_alert(alerts, "LOW", "Missing process 2."));
    assert_non_null(vgh_find_alert(alerts, "CRITICAL", "in a deleted record recovered from"));
    json_decref(alerts);
    vgh_cleanup(out2);
    vg_iocs_free(set);
    vg_diag_free(diag);
    free(bundle);
    vgh_result_free(&r);
    vgh_cleanup(dir);
    vgh_cleanup(out);
}

/* ---- interactionC: a deleted interaction with an attacker's account ---- */

static const char ic_sql[] = VGFIX_INTERACTIONC_OLD_TABLES
    "INSERT INTO ZCONTACTS (Z_PK, ZIDENTIFIER, ZDISPLAYNAME) VALUES"
    " (1, 'mailto:friend.of.mine@example.com', 'A friend of mine'),"
    " (2, 'mailto:attacker.account@example.com', 'Apple Support Team');"
    "INSERT INTO ZINTERACTIONS (Z_PK, ZDIRECTION, ZSENDER, ZSTARTDATE, ZBUNDLEID, ZCONTENTURL)"
    " VALUES (1, 0, 1, 779000000.0, 'com.apple.MobileSMS', NULL),"
    " (2, 0, 2, 779000100.0, 'com.apple.MobileSMS', NULL),"
    " (3, 0, 1, 779000200.0, 'com.apple.MobileSMS', NULL);"
    "PRAGMA secure_delete=OFF;"
    "DELETE FROM ZINTERACTIONS WHERE Z_PK = 2;";

static void test_interactionc_deleted(void **state)
{
    static const char *const iocs[] = {"[email-addr:value='attacker.account@example.com']", NULL};
    char *dir =
        vgh_backup_sql("HomeDomain", "Library/CoreDuet/People/interactionC.db", ic_sql, NULL);
    struct vgh_result r;
    (void)state;

    vgh_run_ok(dir, iocs, "interaction_c", &r);
    assert_int_equal(json_array_size(r.records), 2);
    assert_int_equal(json_array_size(r.recovered), 1);
    /* joined to its live sender: the attacker's address, and the alert */
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "attacker.account@example.com"));
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "in a deleted record recovered from"));
    vgh_result_free(&r);
    vgh_cleanup(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sms_deleted_rows),
        cmocka_unit_test(test_sms_secure_delete),
        cmocka_unit_test(test_no_recover),
        cmocka_unit_test(test_sms_wal),
        cmocka_unit_test(test_recheck_recovered),
        cmocka_unit_test(test_whatsapp_deleted),
        cmocka_unit_test(test_safari_deleted_visit),
        cmocka_unit_test(test_tcc_revoked_grant),
        cmocka_unit_test(test_datausage_deleted_process),
        cmocka_unit_test(test_netusage_deleted_process),
        cmocka_unit_test(test_recheck_recovered_process),
        cmocka_unit_test(test_interactionc_deleted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
