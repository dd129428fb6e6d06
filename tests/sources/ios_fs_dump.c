/*
 * iOS filesystem dumps end to end: every module of this build that reads a
 * dump finds its artifact at its place on a real device; the -o folders of
 * one dump checked as a folder, a tar, a tar.gz, a zip and a tar with a
 * prefix folder are the same bytes; hostile archives (".." members,
 * absolute names, a link to /etc, a member claiming 2^40 bytes, a cut tar,
 * a gzip bomb) are each a warning naming the member, and the rest is
 * checked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dirent.h>
#include <zlib.h>

#include "harness.h"
#include "ios_artifacts.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define SMS_FS "private/var/mobile/Library/SMS/sms.db"
#define APP    "private/var/mobile/Containers/Data/Application/0A1B2C3D-0000-4000-8000-00000000000A/"
#define GROUP  "private/var/mobile/Containers/Shared/AppGroup/0A1B2C3D-0000-4000-8000-00000000000B/"

static const char *const iocs[] = {
    "[domain-name:value='example.org']",
    "[process:name='bh']",
    "[file:path='/var/tmp/evil']",
    NULL,
};

/* Where MVT finds each mixed module's artifact on a device (MVT 2026.7.29's
 * ROOT_PATHS, with the globs made concrete). */
static const struct {
    const char *module;
    const char *path;
} device_paths[] = {
    {"calendar", "private/var/mobile/Library/Calendar/Calendar.sqlitedb"},
    {"calls", "private/var/mobile/Library/CallHistoryDB/CallHistory.storedata"},
    {"chrome_favicon", APP "Library/Application Support/Google/Chrome/Default/Favicons"},
    {"chrome_history", APP "Library/Application Support/Google/Chrome/Default/History"},
    {"contacts", "private/var/mobile/Library/AddressBook/AddressBook.sqlitedb"},
    {"firefox_favicon", "private/var/mobile/profile.profile/browser.db"},
    {"firefox_history", "private/var/mobile/profile.profile/browser.db"},
    {"global_preferences", "private/var/mobile/Library/Preferences/.GlobalPreferences.plist"},
    {"id_status_cache",
     "private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist"},
    {"interaction_c", "private/var/mobile/Library/CoreDuet/People/interactionC.db"},
    {"locationd_clients", "private/var/mobile/Library/Caches/locationd/clients.plist"},
    {"datausage", "private/var/wireless/Library/Databases/DataUsage.sqlite"},
    {"os_analytics_ad_daily",
     "private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist"},
    {"safari_browser_state", APP "Library/Safari/BrowserState.db"},
    {"safari_history", "private/var/mobile/Library/Safari/History.db"},
    {"shortcuts", "private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"},
    {"sms", SMS_FS},
    {"sms_attachments", SMS_FS},
    {"tcc", "private/var/mobile/Library/TCC/TCC.db"},
    {"webkit_resource_load_statistics",
     APP "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"},
    {"webkit_session_resource_log",
     APP "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/"
         "full_browsing_session_resourceLog.plist"},
    {"whatsapp", GROUP "ChatStorage.sqlite"},
    {"whatsapp_contacts", GROUP "ContactsV2.sqlite"},
    /* filesystem dumps only */
    {"netusage", "private/var/networkd/netusage.sqlite"},
    {"cache_files", APP "Library/Caches/com.example.app/Cache.db"},
    {"analytics", "private/var/Keychains/Analytics/ckks_analytics.db"},
    {"safari_favicon", "private/var/mobile/Library/Image Cache/Favicons/Favicons.db"},
    {"ios_version_history", "private/var/db/analyticsd/Analytics-Journal-2021-01-01.ips"},
};

static int listed(enum vg_kind kind, const char *module)
{
    const char *names[256];
    size_t n = vg_module_list(kind, names, NULL, NULL, 256), i;

    for (i = 0; i < n && i < 256; i++)
        if (strcmp(names[i], module) == 0)
            return 1;
    return 0;
}

/* 1 when the module runs on dumps; 0 when this build lacks it; a module
 * that reads backups and not dumps fails the test: its filesystem locator
 * is missing. */
static int in_build(const char *module)
{
    if (listed(VG_KIND_IOS_FS, module))
        return 1;
    if (listed(VG_KIND_IOS_BACKUP, module))
        fail_msg("%s reads backups but declares no VG_LOC_FS locator", module);
    return 0;
}

/* sms.db with one message linking to example.org. */
static char *sms_bytes(size_t *len)
{
    char *dir = vgfix_tmpdir("fs-sms"), path[4096], *data;
    struct vgfix_iosdb *db;
    struct vgfix_sms_message m;
    int64_t h = 0, id = 0;

    snprintf(path, sizeof(path), "%s/sms.db", dir);
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
    data = vgfix_read_file(path, len);
    assert_non_null(data);
    vgfix_rmtree(dir);
    free(dir);
    return data;
}

static void test_modules_find_their_artifacts(void **state)
{
    static const enum vgfix_ar_fmt fmts[] = {VGFIX_AR_TAR, VGFIX_AR_ZIP};
    struct vgfix_fs *fs = vgfix_fs_new();
    char *work = vgfix_tmpdir("fs-find"), path[4096];
    size_t i, k, checked = 0;
    struct vgh_result r;
    (void)state;

    for (i = 0; i < N_OF(device_paths); i++)
        vgh_fs_sql(fs, device_paths[i].path, "CREATE TABLE t (a);");
    for (k = 0; k <= N_OF(fmts); k++) {
        if (k == 0) {
            snprintf(path, sizeof(path), "%s/folder", work);
            assert_int_equal(vgfix_fs_write_folder(fs, path, "dump/"), 0);
        } else {
            snprintf(path, sizeof(path), "%s/dump-%zu", work, k);
            assert_int_equal(vgfix_fs_write_archive(fs, path, fmts[k - 1], "dump/"), 0);
        }
        vgh_run_src(VG_KIND_IOS_FS, path, NULL, NULL, 0, &r);
        assert_int_equal(r.rc, VG_OK);
        assert_null(strstr(r.diag_text, "no private/var found"));
        for (i = 0; i < N_OF(device_paths); i++) {
            if (!in_build(device_paths[i].module)) {
                if (k == 0)
                    printf("skipped: %s is not in this build\n", device_paths[i].module);
                continue;
            }
            if (vgh_coverage(&r, device_paths[i].module, "found", device_paths[i].path) != 1)
                fail_msg("%s did not find %s", device_paths[i].module, device_paths[i].path);
            checked++;
        }
        vgh_result_free(&r);
    }
    assert_true(checked >= 3 * 10);
    vgfix_fs_free(fs);
    vgfix_rmtree(work);
    free(work);
}

/* ---- one dump, every form: the same -o folder ---- */

static struct vgfix_fs *rich_dump(void)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    size_t n;
    char *sms = sms_bytes(&n);

    assert_int_equal(vgfix_fs_file(fs, SMS_FS, sms, n, 1700000000), 0);
    free(sms);
    vgh_fs_sql(
        fs, "private/var/networkd/netusage.sqlite",
        "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS INTEGER, "
        "ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT);"
        "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP, "
        "ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
        "INSERT INTO ZPROCESS VALUES (1, 600000000, 600000001, NULL, 'bh');"
        "INSERT INTO ZPROCESS VALUES (3, 600000100, 600000101, 'com.x', 'x');");
    vgh_fs_sql(fs, APP "Library/Caches/com.example.app/Cache.db",
               "CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY, version INTEGER, "
               "hash_value INTEGER, storage_policy INTEGER, request_key TEXT, time_stamp TEXT);"
               "INSERT INTO cfurl_cache_response VALUES (1, 0, 1, 0, 'https://a.example.org/', "
               "'2021-01-01 00:00:00');");
    assert_int_equal(vgfix_fs_dir(fs,
                                  APP "Library/WebKit/WebsiteData/IndexedDB/"
                                      "https_b.example.org_0",
                                  1700000000),
                     0);
    assert_int_equal(vgfix_fs_file(fs, "private/var/tmp/evil/x", "x", 1, 1700000002), 0);
    assert_int_equal(vgfix_fs_symlink(fs, "private/var/mobile/etc", "/etc"), 0);
    return fs;
}

static char *run_to(const char *path, const char *out)
{
    char *bundle = vgh_bundle(iocs);
    struct vg_iocs *ioc = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum;

    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&ioc), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(ioc, "t.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = out;
    so.target = "dump";
    so.command_line = "test";
    assert_int_equal(vgfix_check(VG_KIND_IOS_FS, path, ioc, &so, NULL, diag, &sum), VG_OK);
    assert_true(sum.alerts[VG_LEVEL_CRITICAL] >= 2);
    vg_iocs_free(ioc);
    vg_diag_free(diag);
    free(bundle);
    return NULL;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of folder out, sorted (info.json and command.log name the
 * input and times, and report.html shows them: left out). */
static size_t out_files(const char *out, char **names, size_t cap)
{
    DIR *d = opendir(out);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) && n < cap) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "info.json") == 0 ||
            strcmp(e->d_name, "command.log") == 0 || strcmp(e->d_name, "report.html") == 0)
            continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), name_cmp);
    return n;
}

static void test_same_output_every_form(void **state)
{
    static const struct {
        enum vgfix_ar_fmt fmt;
        const char *prefix;
    } forms[] = {
        {VGFIX_AR_TAR, ""}, {VGFIX_AR_TAR_GZ, ""}, {VGFIX_AR_ZIP, ""}, {VGFIX_AR_TAR, "dump/"}};
    struct vgfix_fs *fs = rich_dump();
    char *work = vgfix_tmpdir("fs-same"), path[4096], out0[4096], out[4096];
    char *want[64], *got[64];
    size_t n0, n, i, k;
    (void)state;

    snprintf(path, sizeof(path), "%s/folder", work);
    assert_int_equal(vgfix_fs_write_folder(fs, path, ""), 0);
    snprintf(out0, sizeof(out0), "%s/out-folder", work);
    run_to(path, out0);
    n0 = out_files(out0, want, 64);
    assert_true(n0 >= 8); /* records, alerts, timelines of several modules */
    for (k = 0; k < N_OF(forms); k++) {
        snprintf(path, sizeof(path), "%s/dump-%zu", work, k);
        assert_int_equal(vgfix_fs_write_archive(fs, path, forms[k].fmt, forms[k].prefix), 0);
        snprintf(out, sizeof(out), "%s/out-%zu", work, k);
        run_to(path, out);
        n = out_files(out, got, 64);
        assert_int_equal(n, n0);
        for (i = 0; i < n; i++) {
            char a[8448], b[8448], *da, *db;
            size_t la, lb;
            assert_string_equal(got[i], want[i]);
            snprintf(a, sizeof(a), "%s/%s", out0, want[i]);
            snprintf(b, sizeof(b), "%s/%s", out, got[i]);
            da = vgfix_read_file(a, &la);
            db = vgfix_read_file(b, &lb);
            if (la != lb || memcmp(da, db, la) != 0) {
                fail_msg("%s differs between the folder and form %zu", want[i], k);
            }
            free(da);
            free(db);
            free(got[i]);
        }
    }
    for (i = 0; i < n0; i++)
        free(want[i]);
    vgfix_fs_free(fs);
    vgfix_rmtree(work);
    free(work);
}

/* A folder's root: private/var at the top is found there, silently; a
 * folder without it is read from the top with a note saying so. */
static void test_folder_root_note(void **state)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    char *work = vgfix_tmpdir("fs-root"), path[4096];
    struct vgh_result r;
    (void)state;

    assert_non_null(fs);
    assert_int_equal(vgfix_fs_file(fs, "private/var/tmp/x", "x", 1, 0), 0);
    snprintf(path, sizeof(path), "%s/top", work);
    assert_int_equal(vgfix_fs_write_folder(fs, path, ""), 0);
    vgh_run_src(VG_KIND_IOS_FS, path, NULL, "filesystem", 0, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_null(strstr(r.diag_text, "no private/var found"));
    assert_non_null(vgh_find_record(r.records, "path", "private/var/tmp/x"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);

    fs = vgfix_fs_new();
    assert_non_null(fs);
    assert_int_equal(vgfix_fs_file(fs, "usr/bin/x", "x", 1, 0), 0);
    snprintf(path, sizeof(path), "%s/none", work);
    assert_int_equal(vgfix_fs_write_folder(fs, path, ""), 0);
    vgh_run_src(VG_KIND_IOS_FS, path, NULL, "filesystem", 0, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.diag_text, "no private/var found at the top or one folder down"));
    assert_non_null(vgh_find_record(r.records, "path", "usr/bin/x"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
    vgfix_rmtree(work);
    free(work);
}

/* ---- hostile archives ---- */

static void run_sms(const char *path, struct vgh_result *r)
{
    char *bundle = vgh_bundle(iocs);

    vgh_run_src(VG_KIND_IOS_FS, path, bundle, "sms", 0, r);
    free(bundle);
    assert_int_equal(r->rc, VG_OK);
    /* the rest was checked */
    assert_int_equal(json_array_size(r->records), 1);
    assert_int_equal(vgh_count_level(r->alerts, "CRITICAL"), 1);
}

static void test_hostile_members(void **state)
{
    static const enum vgfix_ar_fmt fmts[] = {VGFIX_AR_TAR, VGFIX_AR_ZIP};
    char *work = vgfix_tmpdir("fs-hostile"), path[4096];
    struct vgfix_ar_entry v[6];
    struct vgh_result r;
    size_t n, k;
    char *sms = sms_bytes(&n);
    (void)state;

    for (k = 0; k < N_OF(fmts); k++) {
        memset(v, 0, sizeof(v));
        v[0].name = "private/var/root/../../../../tmp/escape";
        v[0].data = "x";
        v[0].len = 1;
        v[1].name = "/etc/absolute";
        v[1].data = "x";
        v[1].len = 1;
        v[2].name = "private/var/mobile/Library/SMS/sms.db-wal";
        v[2].kind = VGFIX_AR_SYMLINK;
        v[2].target = "/etc";
        v[3].name = SMS_FS;
        v[3].data = sms;
        v[3].len = n;
        v[4].name = "private/var/mobile/Library/Preferences/x.plist";
        v[4].data = "x";
        v[4].len = 1;
        snprintf(path, sizeof(path), "%s/h-%zu", work, k);
        assert_int_equal(vgfix_archive_file(path, fmts[k], v, 5), 0);
        run_sms(path, &r);
        assert_non_null(strstr(r.diag_text, "tmp/escape"));
        assert_non_null(strstr(r.diag_text, "/etc/absolute"));
        vgh_result_free(&r);
    }
    /* a member that claims 2^40 bytes, after the database */
    memset(v, 0, sizeof(v));
    v[0].name = SMS_FS;
    v[0].data = sms;
    v[0].len = n;
    v[1].name = "private/var/mobile/Library/SMS/huge.bin";
    v[1].data = "abc";
    v[1].len = 3;
    v[1].claimed = 1ull << 40;
    snprintf(path, sizeof(path), "%s/huge.tar", work);
    assert_int_equal(vgfix_archive_file(path, VGFIX_AR_TAR, v, 2), 0);
    run_sms(path, &r);
    assert_non_null(strstr(r.diag_text, "huge.bin"));
    vgh_result_free(&r);
    free(sms);
    vgfix_rmtree(work);
    free(work);
}

static void test_truncated_tar(void **state)
{
    char *work = vgfix_tmpdir("fs-cut"), path[4096], *big = calloc(1, 64 * 1024);
    struct vgfix_ar_entry v[2];
    unsigned char *p = NULL;
    struct vgh_result r;
    size_t n, len = 0;
    char *sms = sms_bytes(&n);
    (void)state;

    memset(v, 0, sizeof(v));
    v[0].name = SMS_FS;
    v[0].data = sms;
    v[0].len = n;
    v[1].name = "private/var/mobile/Media/DCIM/cut.jpg";
    v[1].data = big;
    v[1].len = 64 * 1024;
    assert_int_equal(vgfix_archive_truncated(VGFIX_AR_TAR, v, 2, 40 * 1024, &p, &len), 0);
    snprintf(path, sizeof(path), "%s/cut.tar", work);
    assert_int_equal(vgfix_write_file(path, p, len), 0);
    run_sms(path, &r);
    assert_non_null(strstr(r.diag_text, "cut.jpg"));
    vgh_result_free(&r);
    free(p);
    free(big);
    free(sms);
    vgfix_rmtree(work);
    free(work);
}

/* gzip members, for the bomb's stream. */
static void gz_append(unsigned char **buf, size_t *len, const void *p, size_t n)
{
    z_stream z;
    unsigned char chunk[65536];
    int zr;

    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof(chunk);
        zr = deflate(&z, Z_FINISH);
        *buf = realloc(*buf, *len + sizeof(chunk) - z.avail_out);
        memcpy(*buf + *len, chunk, sizeof(chunk) - z.avail_out);
        *len += sizeof(chunk) - z.avail_out;
    } while (zr != Z_STREAM_END);
    deflateEnd(&z);
}

static void gunzip(const unsigned char *p, size_t n, unsigned char **out, size_t *len)
{
    z_stream z;
    unsigned char chunk[65536];
    int zr;

    memset(&z, 0, sizeof(z));
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof(chunk);
        zr = inflate(&z, Z_NO_FLUSH);
        assert_true(zr == Z_OK || zr == Z_STREAM_END);
        *out = realloc(*out, *len + sizeof(chunk) - z.avail_out);
        memcpy(*out + *len, chunk, sizeof(chunk) - z.avail_out);
        *len += sizeof(chunk) - z.avail_out;
    } while (zr != Z_STREAM_END);
    inflateEnd(&z);
}

/* The database, then the bomb of vgfix_archive_gzip_bomb in the same
 * twice-gzipped stream: the pass ends at the bomb, naming it. */
static void test_gzip_bomb(void **state)
{
    char *work = vgfix_tmpdir("fs-bomb"), path[4096];
    unsigned char *bomb = NULL, *inner = NULL, *tar = NULL, *payload = NULL, *outer = NULL;
    size_t bomb_len, inner_len = 0, tar_len, payload_len = 0, outer_len = 0, n;
    struct vgfix_ar_entry v;
    struct vgh_result r;
    char *sms = sms_bytes(&n);
    (void)state;

    assert_int_equal(vgfix_archive_gzip_bomb(4096, &bomb, &bomb_len), 0);
    gunzip(bomb, bomb_len, &inner, &inner_len);
    memset(&v, 0, sizeof(v));
    v.name = SMS_FS;
    v.data = sms;
    v.len = n;
    assert_int_equal(vgfix_archive(VGFIX_AR_USTAR, &v, 1, &tar, &tar_len), 0);
    /* the member without the end blocks, so the bomb's header follows */
    gz_append(&payload, &payload_len, tar, 512 + (n + 511) / 512 * 512);
    payload = realloc(payload, payload_len + inner_len);
    memcpy(payload + payload_len, inner, inner_len);
    payload_len += inner_len;
    gz_append(&outer, &outer_len, payload, payload_len);
    snprintf(path, sizeof(path), "%s/bomb.tar.gz", work);
    assert_int_equal(vgfix_write_file(path, outer, outer_len), 0);
    run_sms(path, &r);
    assert_non_null(strstr(r.diag_text, "bomb.bin"));
    vgh_result_free(&r);
    free(bomb);
    free(inner);
    free(tar);
    free(payload);
    free(outer);
    free(sms);
    vgfix_rmtree(work);
    free(work);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modules_find_their_artifacts),
        cmocka_unit_test(test_same_output_every_form),
        cmocka_unit_test(test_folder_root_note),
        cmocka_unit_test(test_hostile_members),
        cmocka_unit_test(test_truncated_tar),
        cmocka_unit_test(test_gzip_bomb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
