/*
 * Hostile evidence from the command line: the demo backup shaped the way
 * an attacker who controls the phone could shape it (links at file ids,
 * FIFOs as plists, views in place of tables, a damaged or doubled
 * manifest, control characters and formulas in names, results asked for
 * inside the evidence, temp folders left by a killed run). Each case runs
 * the real binary and checks what an analyst would see: the scan ends,
 * nothing outside the evidence is read, a warning names the file, and a
 * check that could not read the evidence never says clean.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "fixture.h"
#include "twin.h"

#define SMS_ID   "3d0d7e5fb2ce288813306e4d4636395e047a3d28"
#define SMS_FILE "3d/" SMS_ID

static const char *env(const char *name)
{
    const char *v = getenv(name);

    assert_non_null(v);
    return v;
}

static const char *vigie(void)
{
    return env("VG_VIGIE");
}

static char *iocs(void)
{
    return vgt_str("%s/samples/demo-indicators.stix2", env("VG_SRCDIR"));
}

/* A fresh demo backup in a private folder: <work>/backup. */
static char *demo(char **backup)
{
    char *work = vgfix_tmpdir("hostile");

    assert_non_null(work);
    *backup = vgt_str("%s/backup", work);
    assert_int_equal(vgt_run(NULL, "'%s/tests/fixtures/vgfix-demo' '%s' >/dev/null",
                             env("VG_BUILDDIR"), *backup),
                     0);
    return work;
}

/* Runs check-backup on backup with the demo indicators and extra options;
 * its exit status, stdout and stderr together in *out. */
static int check(char **out, const char *backup, const char *opts)
{
    char *stix = iocs();
    int rc = vgt_run(out, "timeout 60 '%s' --no-color ios check-backup --iocs '%s' %s '%s' 2>&1",
                     vigie(), stix, opts, backup);

    free(stix);
    return rc;
}

static void replace_by_link(const char *backup, const char *file, const char *target)
{
    char *p = vgt_str("%s/%s", backup, file);

    assert_int_equal(unlink(p), 0);
    assert_int_equal(symlink(target, p), 0);
    free(p);
}

static char *read_text(const char *dir, const char *name)
{
    char *p = vgt_str("%s/%s", dir, name), *s = vgfix_read_file(p, NULL);

    free(p);
    return s;
}

/* ---- reads outside the evidence ---- */

/* Another SQLite database outside the backup, with a message table whose
 * rows must never reach sms.json. */
static char *outside_db(const char *work)
{
    char *p = vgt_str("%s/outside.db", work);

    assert_int_equal(vgfix_sqlite_exec(
                         p, "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
                            "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT,"
                            " handle_id INTEGER, service TEXT, account TEXT, date INTEGER,"
                            " date_read INTEGER, is_from_me INTEGER);"
                            "INSERT INTO handle VALUES (1, '+15550009999');"
                            "INSERT INTO message VALUES (1, 'OUTSIDE-GUID', 'outside-marker-text',"
                            " 1, 'SMS', NULL, 0, 0, 0);"),
                     0);
    return p;
}

static void test_link_at_file_id_not_followed(void **state)
{
    char *backup, *work = demo(&backup), *out = NULL, *o = vgt_str("%s/out", work);
    char *db = outside_db(work), *opts = vgt_str("--hashes -o '%s'", o), *sms, *info;
    (void)state;

    replace_by_link(backup, SMS_FILE, db);
    assert_true(check(&out, backup, opts) < 2);
    assert_non_null(strstr(out, "cannot read HomeDomain/Library/SMS/sms.db: not a regular file"));
    sms = read_text(o, "sms.json");
    assert_true(sms == NULL || strstr(sms, "outside-marker-text") == NULL);
    /* --hashes records no hash for the link (not /etc/passwd's, not the outside db's) */
    info = read_text(o, "info.json");
    assert_non_null(info);
    assert_null(strstr(info, "outside.db"));
    free(sms);
    free(info);
    free(out);
    /* a link to a system file: the same, and nothing of it hashed */
    vgfix_rmtree(o);
    replace_by_link(backup, SMS_FILE, "/etc/passwd");
    assert_true(check(&out, backup, opts) < 2);
    assert_non_null(strstr(out, "not a regular file"));
    info = read_text(o, "info.json");
    assert_non_null(info);
    assert_null(strstr(info, "/etc/passwd"));
    free(info);
    free(out);
    free(opts);
    free(db);
    free(o);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

/* ---- hangs ---- */

static void fifo_case(const char *name)
{
    char *backup, *work = demo(&backup), *p = vgt_str("%s/%s", backup, name), *out = NULL;
    int rc;

    assert_int_equal(unlink(p), 0);
    assert_int_equal(mkfifo(p, 0600), 0);
    rc = check(&out, backup, "");
    /* timeout(1) says 124: the scan must end by itself */
    assert_int_not_equal(rc, 124);
    assert_non_null(strstr(out, name));
    free(out);
    rc =
        vgt_run(&out, "timeout 60 '%s' ios extract-key -p x '%s' 2>&1 </dev/null", vigie(), backup);
    assert_int_not_equal(rc, 124);
    free(out);
    rc = vgt_run(&out, "timeout 60 '%s' ios decrypt-backup -p x -d '%s/dest' '%s' 2>&1 </dev/null",
                 vigie(), work, backup);
    assert_int_not_equal(rc, 124);
    assert_int_equal(rc, 2);
    free(out);
    free(p);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

static void test_fifo_plists_do_not_hang(void **state)
{
    (void)state;
    fifo_case("Info.plist");
    fifo_case("Manifest.plist");
    fifo_case("Status.plist");
}

/* A view in place of message, repeating rows: refused with a warning that
 * names the file, never a flood of records. */
static void test_view_in_place_of_a_table(void **state)
{
    char *backup, *work = demo(&backup), *db = vgt_str("%s/%s", backup, SMS_FILE), *out = NULL;
    char *o = vgt_str("%s/out", work), *opts = vgt_str("-o '%s'", o), *sms;
    json_t *records;
    (void)state;

    assert_int_equal(vgfix_sqlite_exec(db, "ALTER TABLE message RENAME TO m2;"
                                           "CREATE VIEW message AS SELECT m2.* FROM m2, m2 AS a,"
                                           " m2 AS b, m2 AS c;"),
                     0);
    assert_true(check(&out, backup, opts) < 2);
    assert_non_null(strstr(out, "HomeDomain/Library/SMS/sms.db"));
    assert_non_null(strstr(out, "view"));
    sms = read_text(o, "sms.json");
    records = sms ? json_loads(sms, 0, NULL) : json_array();
    assert_non_null(records);
    assert_int_equal(json_array_size(records), 0);
    json_decref(records);
    free(sms);
    free(out);
    free(opts);
    free(o);
    free(db);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

/* ---- detections lost or hidden ---- */

static void test_unreadable_manifest_is_incomplete(void **state)
{
    char *backup, *work = demo(&backup), *m = vgt_str("%s/Manifest.db", backup), *out = NULL;
    char *o = vgt_str("%s/out", work), *opts = vgt_str("-o '%s'", o), *info;
    (void)state;

    assert_int_equal(vgfix_write_file(m, "not a database at all", 21), 0);
    assert_int_equal(check(&out, backup, opts), 2);
    assert_non_null(strstr(out, "INCOMPLETE"));
    assert_null(strstr(out, "NO DETECTIONS"));
    info = read_text(o, "info.json");
    assert_non_null(info);
    assert_non_null(strstr(info, "INCOMPLETE"));
    free(info);
    free(out);
    /* a link as Manifest.db: the same */
    vgfix_rmtree(o);
    replace_by_link(backup, "Manifest.db", "/etc/passwd");
    assert_int_equal(check(&out, backup, opts), 2);
    assert_non_null(strstr(out, "Manifest.db is not a regular file"));
    assert_non_null(strstr(out, "INCOMPLETE"));
    free(out);
    free(opts);
    free(o);
    free(m);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

/* Manifest.db cut short: whatever is salvaged is read once. */
static void test_truncated_manifest_no_repeats(void **state)
{
    char *backup, *work = demo(&backup), *m = vgt_str("%s/Manifest.db", backup), *out = NULL;
    char *o = vgt_str("%s/out", work), *opts = vgt_str("-o '%s'", o), *text;
    size_t len = 0, i, j;
    char *bytes = vgfix_read_file(m, &len);
    json_t *rec;
    (void)state;

    assert_non_null(bytes);
    assert_true(len > 8192);
    assert_int_equal(vgfix_write_file(m, bytes, len / 2 + 100), 0);
    assert_true(check(&out, backup, opts) >= 1);
    text = read_text(o, "manifest.json");
    rec = text ? json_loads(text, 0, NULL) : json_array();
    assert_non_null(rec);
    for (i = 0; i < json_array_size(rec); i++)
        for (j = i + 1; j < json_array_size(rec); j++)
            assert_false(json_equal(json_array_get(rec, i), json_array_get(rec, j)));
    json_decref(rec);
    free(text);
    free(bytes);
    free(out);
    free(opts);
    free(o);
    free(m);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

/* A relativePath that is not UTF-8 costs that row's text, never the module
 * or its detections. */
static void test_bad_utf8_path_keeps_detections(void **state)
{
    char *backup, *work = demo(&backup), *m = vgt_str("%s/Manifest.db", backup), *out = NULL;
    char *o = vgt_str("%s/out", work), *opts = vgt_str("-o '%s'", o), *text;
    (void)state;

    assert_int_equal(vgfix_sqlite_exec(m,
                                       "UPDATE Files SET relativePath = CAST(X'4c6962ff72617279'"
                                       " AS TEXT) WHERE rowid = (SELECT min(rowid) FROM Files);"),
                     0);
    assert_int_equal(check(&out, backup, opts), 1);
    assert_null(strstr(out, "out of memory"));
    text = read_text(o, "manifest.json");
    assert_non_null(text);
    assert_non_null(strstr(text, "Lib\\ufffdrary"));
    free(text);
    free(out);
    free(opts);
    free(o);
    free(m);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

/* A second Manifest row for sms.db pointing to another file: both read,
 * with a warning naming both file ids. */
static void test_duplicate_manifest_row(void **state)
{
    static const char other[] = "00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa";
    char *backup, *work = demo(&backup), *m = vgt_str("%s/Manifest.db", backup), *out = NULL;
    char *sql =
        vgt_str("INSERT INTO Files SELECT '%s', domain, relativePath, flags, file FROM Files"
                " WHERE fileID = '" SMS_ID "';",
                other);
    char *dir = vgt_str("%s/00", backup), *copy = vgt_str("%s/00/%s", backup, other);
    (void)state;

    assert_int_equal(vgfix_sqlite_exec(m, sql), 0);
    assert_int_equal(vgfix_mkdirs(dir), 0);
    assert_int_equal(vgt_run(NULL, "cp '%s/" SMS_FILE "' '%s'", backup, copy), 0);
    assert_int_equal(check(&out, backup, ""), 1);
    assert_non_null(strstr(out, "more than once"));
    assert_non_null(strstr(out, other));
    assert_non_null(strstr(out, SMS_ID));
    free(out);
    free(copy);
    free(dir);
    free(sql);
    free(m);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

/* ---- output and the terminal ---- */

static void test_output_inside_the_evidence(void **state)
{
    char *backup, *work = demo(&backup), *out = NULL, *opts = vgt_str("-o '%s/results'", backup);
    char *dest = vgt_str("%s/decrypted", backup), *p;
    (void)state;

    assert_int_equal(check(&out, backup, opts), 2);
    assert_non_null(strstr(out, "inside the evidence"));
    p = vgt_str("%s/results", backup);
    assert_int_not_equal(access(p, F_OK), 0);
    free(p);
    free(out);
    /* decrypt-backup refuses before creating the folder */
    assert_int_equal(vgt_run(&out, "'%s' ios decrypt-backup -p x -d '%s' '%s' 2>&1 </dev/null",
                             vigie(), dest, backup),
                     2);
    assert_int_not_equal(access(dest, F_OK), 0);
    free(out);
    free(dest);
    free(opts);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

/* Control characters from the evidence never reach the terminal raw; a
 * name that starts like a formula is never one in timeline.csv. */
static void test_terminal_and_csv_escaping(void **state)
{
    char *backup, *work = demo(&backup), *m = vgt_str("%s/Manifest.db", backup), *out = NULL;
    char *o = vgt_str("%s/out", work), *opts = vgt_str("-v -o '%s'", o), *csv;
    (void)state;

    /* ESC ] 0 ; title BEL, then CR and a clear screen */
    assert_int_equal(
        vgfix_sqlite_exec(m, "UPDATE Files SET relativePath = '=HYPERLINK(1)' || char(27) ||"
                             " ']0;pwned' || char(7) || char(13) || char(27) || '[2J'"
                             " WHERE rowid = (SELECT min(rowid) FROM Files);"),
        0);
    assert_true(check(&out, backup, opts) < 2);
    assert_null(memchr(out, 0x1b, strlen(out)));
    assert_null(memchr(out, 0x07, strlen(out)));
    csv = read_text(o, "timeline.csv");
    assert_non_null(csv);
    assert_null(strstr(csv, ",\"=HYPERLINK"));
    assert_null(strstr(csv, ",=HYPERLINK"));
    assert_non_null(strstr(csv, "HYPERLINK(1)"));
    free(csv);
    free(out);
    free(opts);
    free(o);
    free(m);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

/* A private temp folder left by a killed run (its pid gone) is removed by
 * the next run, which says so; one of a live process is left alone. */
static void test_stale_temp_folders_reaped(void **state)
{
    char *backup, *work = demo(&backup), *out = NULL, *base = vgt_str("%s/tmp", work);
    char *dead, *live;
    (void)state;

    assert_int_equal(mkdir(base, 0700), 0);
    /* pid 2^30 - 1 is above any pid_max: never a live process */
    dead = vgt_str("%s/vigie-1073741823-abcdef", base);
    live = vgt_str("%s/vigie-%ld-ghijkl", base, (long)getpid());
    assert_int_equal(mkdir(dead, 0700), 0);
    assert_int_equal(mkdir(live, 0700), 0);
    assert_true(vgt_run(&out,
                        "TMPDIR='%s' timeout 60 '%s' --no-color ios check-backup -m sms '%s' "
                        "2>&1",
                        base, vigie(), backup) < 2);
    assert_int_not_equal(access(dead, F_OK), 0);
    assert_int_equal(access(live, F_OK), 0);
    assert_non_null(strstr(out, "vigie-1073741823-abcdef"));
    free(out);
    free(live);
    free(dead);
    free(base);
    free(backup);
    vgfix_rmtree(work);
    free(work);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_at_file_id_not_followed),
        cmocka_unit_test(test_fifo_plists_do_not_hang),
        cmocka_unit_test(test_view_in_place_of_a_table),
        cmocka_unit_test(test_unreadable_manifest_is_incomplete),
        cmocka_unit_test(test_truncated_manifest_no_repeats),
        cmocka_unit_test(test_bad_utf8_path_keeps_detections),
        cmocka_unit_test(test_duplicate_manifest_row),
        cmocka_unit_test(test_output_inside_the_evidence),
        cmocka_unit_test(test_terminal_and_csv_escaping),
        cmocka_unit_test(test_stale_temp_folders_reaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
