/*
 * iOS filesystem dumps (sources/ios_fs.c on sources/tree.c): the same
 * records from a folder, a tar, a tar.gz and a zip of one dump, with and
 * without a prefix folder; a WAL kept beside its database; links and
 * escaping names refused; the listing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "archives.h"
#include "fixture.h"
#include "ios_artifacts.h"

#define SMS_FS "private/var/mobile/Library/SMS/sms.db"

static const char bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Test\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[domain-name:value = "
    "'example.org']\",\"pattern_type\":\"stix\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"indicates\","
    "\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"}]}";

/* sms.db with one message linking to an indicator's domain. */
static char *make_sms(const char *dir)
{
    char *path = malloc(4096), *d;
    struct vgfix_iosdb *db;
    struct vgfix_sms_message m;
    int64_t h = 0, id = 0;

    snprintf(path, 4096, "%s/sms.db", dir);
    db = vgfix_sms_db_new(path);
    assert_non_null(db);
    assert_int_equal(vgfix_sms_add_handle(db, "+15555550100", "SMS", "us", &h), 0);
    memset(&m, 0, sizeof(m));
    m.text = "look https://evil.example.org/x";
    m.handle_id = h;
    m.service = "SMS";
    m.date = 700000000000000000LL;
    assert_int_equal(vgfix_sms_add_message(db, &m, &id), 0);
    assert_int_equal(vgfix_iosdb_close(db), 0);
    d = path;
    return d;
}

/* The dump as archive entries under prefix ("" or "dump/"). */
static size_t dump_entries(const char *prefix, const unsigned char *sms, size_t sms_len,
                           struct vgfix_ar_entry *v, char names[][256])
{
    size_t n = 0;

    snprintf(names[n], 256, "%sprivate/var/mobile/Library/SMS/", prefix);
    v[n].name = names[n];
    v[n].kind = VGFIX_AR_DIR;
    n++;
    snprintf(names[n], 256, "%s%s", prefix, SMS_FS);
    v[n].name = names[n];
    v[n].kind = VGFIX_AR_FILE;
    v[n].data = sms;
    v[n].len = sms_len;
    v[n].mtime = 1700000000;
    n++;
    snprintf(names[n], 256, "%sprivate/var/root/../../../etc/passwd", prefix);
    v[n].name = names[n];
    v[n].kind = VGFIX_AR_FILE;
    v[n].data = "x";
    v[n].len = 1;
    n++;
    snprintf(names[n], 256, "%sprivate/var/mobile/Library/link", prefix);
    v[n].name = names[n];
    v[n].kind = VGFIX_AR_SYMLINK;
    v[n].target = "/etc";
    n++;
    return n;
}

struct check {
    int rc;
    struct vg_summary sum;
    char *records;
    char *warnings;
};

static void diag_text(void *ud, const struct vg_diag_entry *e)
{
    char **w = ud;
    size_t n = *w ? strlen(*w) : 0, k = strlen(e->message) + strlen(e->where) + 4;
    if (e->level < VG_DIAG_WARN)
        return;
    *w = realloc(*w, n + k + 1);
    snprintf(*w + n, k + 1, "%s: %s\n", e->where, e->message);
}

static void check(const char *path, const char *out, const char *module, struct check *c)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    const char *mods[1] = {module};
    char p[4096];
    size_t len;

    memset(c, 0, sizeof(*c));
    assert_int_equal(vg_diag_new(diag_text, &c->warnings, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(iocs, "t.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = out;
    so.modules = mods;
    so.n_modules = 1;
    so.target = "dump";
    so.command_line = "test";
    c->rc = vgfix_check(VG_KIND_IOS_FS, path, iocs, &so, NULL, diag, &c->sum);
    snprintf(p, sizeof(p), "%s/%s.json", out, module);
    c->records = vgfix_read_file(p, &len);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

static void check_free(struct check *c)
{
    free(c->records);
    free(c->warnings);
}

static void test_same_records_everywhere(void **state)
{
    static const enum vgfix_ar_fmt fmts[] = {VGFIX_AR_TAR, VGFIX_AR_TAR_GZ, VGFIX_AR_ZIP};
    char *work = vgfix_tmpdir("fs-same"), *sms_path = make_sms(work), path[4096], out[4096];
    struct vgfix_ar_entry v[8];
    char names[8][256];
    unsigned char *sms;
    size_t sms_len, n, i;
    struct check folder, c;
    (void)state;

    sms = (unsigned char *)vgfix_read_file(sms_path, &sms_len);
    assert_non_null(sms);
    /* the folder, with a prefix folder */
    snprintf(path, sizeof(path), "%s/folder/dump/private/var/mobile/Library/SMS", work);
    assert_int_equal(vgfix_mkdirs(path), 0);
    snprintf(path, sizeof(path), "%s/folder/dump/%s", work, SMS_FS);
    assert_int_equal(vgfix_write_file(path, sms, sms_len), 0);
    snprintf(path, sizeof(path), "%s/folder", work);
    snprintf(out, sizeof(out), "%s/out-folder", work);
    check(path, out, "sms", &folder);
    assert_int_equal(folder.rc, VG_OK);
    assert_int_equal(folder.sum.records, 1);
    assert_int_equal(folder.sum.alerts[VG_LEVEL_CRITICAL], 1);
    assert_non_null(folder.records);
    for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        memset(v, 0, sizeof(v));
        n = dump_entries(i == 0 ? "" : "dump/", sms, sms_len, v, names);
        snprintf(path, sizeof(path), "%s/dump-%zu.ar", work, i);
        assert_int_equal(vgfix_archive_file(path, fmts[i], v, n), 0);
        snprintf(out, sizeof(out), "%s/out-%zu", work, i);
        check(path, out, "sms", &c);
        assert_int_equal(c.rc, VG_OK);
        assert_non_null(c.records);
        assert_string_equal(c.records, folder.records);
        assert_int_equal(c.sum.alerts[VG_LEVEL_CRITICAL], 1);
        /* the escaping name was refused by name */
        assert_non_null(c.warnings);
        assert_non_null(strstr(c.warnings, "etc/passwd"));
        check_free(&c);
    }
    check_free(&folder);
    free(sms);
    free(sms_path);
    vgfix_rmtree(work);
    free(work);
}

/* A link at the database's place in a folder dump is refused, not followed. */
static void test_folder_link_refused(void **state)
{
    char *work = vgfix_tmpdir("fs-link"), *sms_path = make_sms(work), path[4096], out[4096];
    struct check c;
    (void)state;

    snprintf(path, sizeof(path), "%s/dump/private/var/mobile/Library/SMS", work);
    assert_int_equal(vgfix_mkdirs(path), 0);
    snprintf(path, sizeof(path), "%s/dump/%s", work, SMS_FS);
    assert_int_equal(symlink(sms_path, path), 0);
    snprintf(path, sizeof(path), "%s/dump", work);
    snprintf(out, sizeof(out), "%s/out", work);
    check(path, out, "sms", &c);
    assert_int_equal(c.rc, VG_OK);
    assert_int_equal(c.sum.records, 0);
    check_free(&c);
    free(sms_path);
    vgfix_rmtree(work);
    free(work);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_records_everywhere),
        cmocka_unit_test(test_folder_link_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
