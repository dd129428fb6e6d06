/*
 * AndroidQF acquisitions (sources/androidqf.c on sources/tree.c): the same
 * records and alerts from the folder, a zip with the files at its root
 * (androidqf 1.8.0 on), a zip under one top folder (earlier versions, an
 * analyst's zip) and a tar.gz; hostile inputs (a packages.json of the
 * wrong shape, a truncated zip, a member escaping with "..", a zip bomb, a
 * link in the folder, an age-encrypted zip): a warning naming the file,
 * the other modules run, the verdict says what was lost.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ab.h"
#include "androidqf.h"
#include "archives.h"
#include "bugreport.h"
#include "fixture.h"

/* Every result file the modules write on the sample (dumpsys_*: its
 * dumpsys.txt). */
static const char *const results[] = {
    "aqf_packages.json",      "aqf_processes.json",
    "aqf_get_prop.json",      "aqf_settings.json",
    "aqf_files.json",         "aqf_log_timestamps.json",
    "root_binaries.json",     "mounts.json",
    "aqf_components.json",    "dumpsys_accessibility.json",
    "dumpsys_receivers.json", "alerts.json",
    "timeline.csv",
};

static char *read_in(const char *dir, const char *name)
{
    char path[4096];

    assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
    return vgfix_read_file(path, NULL);
}

static struct vgfix_aqf *sample(void)
{
    struct vgfix_aqf *a = vgfix_aqf_new();

    assert_non_null(a);
    assert_int_equal(vgfix_aqf_sample(a), 0);
    return a;
}

static void check_path(const char *path, const char *out, struct vgfix_aqf_run *r)
{
    assert_int_equal(vgfix_aqf_check(VG_KIND_ANDROIDQF, path, out, vgfix_aqf_stix2(), NULL, 0, r),
                     0);
}

static int has(const char *text, const char *needle)
{
    return text && strstr(text, needle) != NULL;
}

/* The acquisition one folder down in a tar.gz: the same tree code. */
static void write_targz(const struct vgfix_aqf *a, const char *path)
{
    static const char *const files[] = {
        "packages.json",
        "getprop.txt",
        "ps.txt",
        "processes.txt",
        "processes.json",
        "settings_global.txt",
        "settings_secure.txt",
        "settings_system.txt",
        "dumpsys.txt",
        "files.json",
        "root_binaries.json",
        "mounts.json",
        "logs/data/anr/anr_2024-04-30-08-00-00-000",
        "logs/sdcard/log/main.log",
        "backup.ab", /* when there is one */
    };
    struct vgfix_ar_entry v[sizeof(files) / sizeof(files[0])];
    char names[sizeof(files) / sizeof(files[0])][256];
    size_t k, len;

    memset(v, 0, sizeof(v));
    for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        v[k].data = vgfix_aqf_get(a, files[k], &len);
        if (!v[k].data && strcmp(files[k], "backup.ab") == 0)
            break; /* the last one */
        assert_non_null(v[k].data);
        snprintf(names[k], sizeof(names[k]), "acq/%s", files[k]);
        v[k].name = names[k];
        v[k].len = len;
        v[k].mtime = strncmp(files[k], "logs/data", 9) == 0      ? 1714464000
                     : strncmp(files[k], "logs/sdcard", 11) == 0 ? 1714550400
                                                                 : VGFIX_AQF_MTIME;
    }
    assert_int_equal(vgfix_archive_file(path, VGFIX_AR_TAR_GZ, v, k), 0);
}

static void test_same_everywhere(void **state)
{
    static const enum vgfix_aqf_layout layouts[] = {VGFIX_AQF_ZIP_ROOT, VGFIX_AQF_ZIP_TOP};
    char *work = vgfix_tmpdir("aqf-same"), path[4096], out[4096], ref[4096];
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    size_t i, j;
    (void)state;

    assert_true(snprintf(path, sizeof(path), "%s/folder", work) < (int)sizeof(path));
    assert_true(snprintf(ref, sizeof(ref), "%s/out-folder", work) < (int)sizeof(ref));
    assert_int_equal(vgfix_aqf_write(a, VGFIX_AQF_FOLDER, path), 0);
    check_path(path, ref, &r);
    assert_int_equal(r.rc, VG_OK);
    if (r.warnings && !has(r.warnings, "signs of rooting"))
        fail_msg("unexpected warnings:\n%s", r.warnings);
    assert_true(vg_summary_has_detections(&r.sum));
    assert_string_equal(vg_summary_verdict(&r.sum), "DETECTIONS");
    vgfix_aqf_run_free(&r);
    for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]) + 1; i++) {
        if (i < sizeof(layouts) / sizeof(layouts[0])) {
            assert_true(snprintf(path, sizeof(path), "%s/acq-%zu.zip", work, i) <
                        (int)sizeof(path));
            assert_int_equal(vgfix_aqf_write(a, layouts[i], path), 0);
        } else {
            assert_true(snprintf(path, sizeof(path), "%s/acq.tar.gz", work) < (int)sizeof(path));
            write_targz(a, path);
        }
        assert_true(snprintf(out, sizeof(out), "%s/out-%zu", work, i) < (int)sizeof(out));
        check_path(path, out, &r);
        assert_int_equal(r.rc, VG_OK);
        assert_string_equal(vg_summary_verdict(&r.sum), "DETECTIONS");
        for (j = 0; j < sizeof(results) / sizeof(results[0]); j++) {
            char *x = read_in(ref, results[j]), *y = read_in(out, results[j]);
            if (!x || !y || strcmp(x, y) != 0)
                fail_msg("%s differs between the folder and %s", results[j], path);
            free(x);
            free(y);
        }
        vgfix_aqf_run_free(&r);
    }
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

/* A packages.json that is no list of packages: warned about by name, the
 * other modules' records stand. */
static void test_wrong_shape(void **state)
{
    char *work = vgfix_tmpdir("aqf-shape"), path[4096], out[4096], *rec;
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    (void)state;

    assert_int_equal(vgfix_aqf_add_text(a, "packages.json", "\"com.example.evil\""), 0);
    assert_true(snprintf(path, sizeof(path), "%s/acq.zip", work) < (int)sizeof(path));
    assert_true(snprintf(out, sizeof(out), "%s/out", work) < (int)sizeof(out));
    assert_int_equal(vgfix_aqf_write(a, VGFIX_AQF_ZIP_ROOT, path), 0);
    check_path(path, out, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(has(r.warnings, "packages.json: not a JSON array"));
    /* the file could not be read: incomplete, not clean */
    assert_true(r.sum.unread > 0);
    rec = read_in(out, "aqf_get_prop.json");
    assert_true(has(rec, VGFIX_AQF_PROPERTY));
    free(rec);
    /* no records, no file (as MVT) */
    rec = read_in(out, "aqf_packages.json");
    assert_null(rec);
    vgfix_aqf_run_free(&r);

    /* an object where a package list belongs: each object is a record, the
     * one without a name is named in a warning */
    assert_int_equal(vgfix_aqf_add_text(a, "packages.json", "{\"packages\": [{\"name\": \"x\"}]}"),
                     0);
    assert_int_equal(vgfix_aqf_write(a, VGFIX_AQF_ZIP_ROOT, path), 0);
    /* a new results folder: -o refuses one holding results */
    assert_true(snprintf(out, sizeof(out), "%s/out2", work) < (int)sizeof(out));
    check_path(path, out, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(has(r.warnings, "packages.json: [0]: a package without a name"));
    rec = read_in(out, "root_binaries.json");
    assert_true(has(rec, "/system/xbin/su"));
    free(rec);
    vgfix_aqf_run_free(&r);
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

static void test_truncated_zip(void **state)
{
    char *work = vgfix_tmpdir("aqf-cut"), path[4096], out[4096], *rec, *zip;
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    size_t len = 0;
    (void)state;

    assert_true(snprintf(path, sizeof(path), "%s/whole.zip", work) < (int)sizeof(path));
    assert_int_equal(vgfix_aqf_write(a, VGFIX_AQF_ZIP_ROOT, path), 0);
    zip = vgfix_read_file(path, &len);
    assert_non_null(zip);
    free(zip);
    /* cut in the middle: the central directory and the later members gone */
    assert_true(snprintf(path, sizeof(path), "%s/cut.zip", work) < (int)sizeof(path));
    assert_int_equal(vgfix_aqf_write_truncated(a, len / 2, path), 0);
    assert_true(snprintf(out, sizeof(out), "%s/out", work) < (int)sizeof(out));
    check_path(path, out, &r);
    assert_int_equal(r.rc, VG_OK);
    /* named: the archive, the member cut, and that the pass stopped there */
    if (!has(r.warnings, "cut.zip: ") || !has(r.warnings, "the pass ends here"))
        fail_msg("%s", r.warnings ? r.warnings : "no warning");
    assert_true(r.sum.unread > 0);
    /* packages.json comes early in the zip: read */
    rec = read_in(out, "aqf_packages.json");
    assert_true(has(rec, VGFIX_AQF_APP));
    free(rec);
    vgfix_aqf_run_free(&r);
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

static void test_escaping_member(void **state)
{
    char *work = vgfix_tmpdir("aqf-escape"), path[4096], out[4096], *rec;
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    (void)state;

    assert_true(snprintf(path, sizeof(path), "%s/acq.zip", work) < (int)sizeof(path));
    /* a getprop.txt outside the acquisition must not stand in for the real one */
    assert_int_equal(
        vgfix_aqf_write_escaping(a, "../../getprop.txt", "[persist.escaped]: [1]", path), 0);
    assert_true(snprintf(out, sizeof(out), "%s/out", work) < (int)sizeof(out));
    check_path(path, out, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(has(r.warnings, "../../getprop.txt"));
    assert_true(has(r.warnings, "refused"));
    rec = read_in(out, "aqf_get_prop.json");
    assert_false(has(rec, "persist.escaped"));
    assert_true(has(rec, VGFIX_AQF_PROPERTY));
    free(rec);
    assert_string_equal(vg_summary_verdict(&r.sum), "DETECTIONS");
    vgfix_aqf_run_free(&r);
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

static void test_zip_bomb(void **state)
{
    char *work = vgfix_tmpdir("aqf-bomb"), path[4096], out[4096], *rec;
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    (void)state;

    assert_true(snprintf(path, sizeof(path), "%s/acq.zip", work) < (int)sizeof(path));
    assert_int_equal(vgfix_aqf_write_bomb(a, "apks/com.example.bomb.apk", path), 0);
    assert_true(snprintf(out, sizeof(out), "%s/out", work) < (int)sizeof(out));
    check_path(path, out, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(has(r.warnings, "apks/com.example.bomb.apk"));
    assert_true(has(r.warnings, "decompression bomb"));
    /* what came before it was read and checked; the check is not clean */
    rec = read_in(out, "aqf_packages.json");
    assert_true(has(rec, VGFIX_AQF_APP));
    free(rec);
    rec = read_in(out, "mounts.json");
    assert_true(has(rec, "/vendor"));
    free(rec);
    assert_true(r.sum.unread > 0);
    vgfix_aqf_run_free(&r);
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

/* A link where packages.json belongs in a folder is refused, not followed. */
static void test_folder_link(void **state)
{
    char *work = vgfix_tmpdir("aqf-link"), path[4096], target[4096], out[4096], *rec;
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    size_t len;
    const void *pkgs = vgfix_aqf_get(a, "packages.json", &len);
    (void)state;

    assert_true(snprintf(target, sizeof(target), "%s/elsewhere.json", work) < (int)sizeof(target));
    assert_int_equal(vgfix_write_file(target, pkgs, len), 0);
    assert_int_equal(vgfix_aqf_remove(a, "packages.json"), 0);
    assert_true(snprintf(path, sizeof(path), "%s/acq", work) < (int)sizeof(path));
    assert_int_equal(vgfix_aqf_write(a, VGFIX_AQF_FOLDER, path), 0);
    assert_true(snprintf(path, sizeof(path), "%s/acq/packages.json", work) < (int)sizeof(path));
    assert_int_equal(symlink(target, path), 0);
    assert_true(snprintf(path, sizeof(path), "%s/acq", work) < (int)sizeof(path));
    assert_true(snprintf(out, sizeof(out), "%s/out", work) < (int)sizeof(out));
    check_path(path, out, &r);
    assert_int_equal(r.rc, VG_OK);
    /* no records, no file (as MVT) */
    rec = read_in(out, "aqf_packages.json");
    assert_null(rec);
    rec = read_in(out, "aqf_get_prop.json");
    assert_true(has(rec, VGFIX_AQF_PROPERTY));
    free(rec);
    vgfix_aqf_run_free(&r);
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

static void test_not_an_acquisition(void **state)
{
    char *work = vgfix_tmpdir("aqf-none"), path[4096];
    struct vgfix_aqf_run r;
    (void)state;

    /* age-encrypted: said so, nothing checked */
    assert_true(snprintf(path, sizeof(path), "%s/acq.zip.age", work) < (int)sizeof(path));
    assert_int_equal(vgfix_write_file(path, "age-encryption.org/v1\n-> X25519 abc\n", 35), 0);
    check_path(path, NULL, &r);
    assert_int_equal(r.rc, VG_E_UNSUPPORTED);
    assert_true(has(r.warnings, "encrypted with age"));
    vgfix_aqf_run_free(&r);
    /* a folder without androidqf's files: a warning, an empty check */
    assert_true(snprintf(path, sizeof(path), "%s/empty", work) < (int)sizeof(path));
    assert_int_equal(vgfix_mkdirs(path), 0);
    assert_true(snprintf(path, sizeof(path), "%s/empty/notes.txt", work) < (int)sizeof(path));
    assert_int_equal(vgfix_write_file(path, "x", 1), 0);
    assert_true(snprintf(path, sizeof(path), "%s/empty", work) < (int)sizeof(path));
    check_path(path, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(has(r.warnings, "none of androidqf's files"));
    assert_int_equal(r.sum.records, 0);
    vgfix_aqf_run_free(&r);
    /* neither a folder nor an archive */
    assert_true(snprintf(path, sizeof(path), "%s/empty/notes.txt", work) < (int)sizeof(path));
    check_path(path, NULL, &r);
    assert_int_equal(r.rc, VG_E_NOTFOUND);
    vgfix_aqf_run_free(&r);
    vgfix_rmtree(work);
    free(work);
}

/* The bugreport.zip androidqf takes: every bugreport module runs on it,
 * its results named bugreport_<module> (beyond MVT, which reads none of
 * it), in a folder and a zip of the acquisition alike. */
static void test_nested_bugreport(void **state)
{
    static const enum vgfix_aqf_layout layouts[] = {VGFIX_AQF_FOLDER, VGFIX_AQF_ZIP_ROOT};
    char *work = vgfix_tmpdir("aqf-br"), path[4096], out[4096], br[4096], *text;
    struct vgfix_aqf *a = sample();
    struct vgfix_br *b = NULL;
    struct vgfix_aqf_run r;
    size_t len = 0, i;
    (void)state;

    /* the bugreport's zip bytes, as a member of the acquisition */
    assert_true(snprintf(br, sizeof(br), "%s/bugreport.zip", work) < (int)sizeof(br));
    assert_int_equal(vgfix_br_new("", &b), 0);
    assert_int_equal(vgfix_br_write_zip(b, br), 0);
    vgfix_br_free(b);
    text = vgfix_read_file(br, &len);
    assert_non_null(text);
    assert_int_equal(vgfix_aqf_add(a, "bugreport.zip", text, len, 0), 0);
    free(text);
    for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
        assert_true(snprintf(path, sizeof(path), "%s/acq-%zu%s", work, i, i ? ".zip" : "") <
                    (int)sizeof(path));
        assert_true(snprintf(out, sizeof(out), "%s/out-%zu", work, i) < (int)sizeof(out));
        assert_int_equal(vgfix_aqf_write(a, layouts[i], path), 0);
        assert_int_equal(
            vgfix_aqf_check(VG_KIND_ANDROIDQF, path, out, vgfix_br_bundle(), NULL, 0, &r), 0);
        assert_int_equal(r.rc, VG_OK);
        text = read_in(out, "bugreport_dumpsys_packages.json");
        assert_non_null(text);
        assert_true(has(text, VGFIX_BR_APP));
        free(text);
        text = read_in(out, "alerts.json");
        assert_non_null(text);
        assert_true(has(text, "\"module\": \"bugreport_dumpsys_packages\""));
        free(text);
        vgfix_aqf_run_free(&r);
    }
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

/* ---- backup.ab (a nested Android backup) and dumpsys.txt ---- */

#define AQF_PW "aqf-fixture-secret-9"

/* backup.ab beside the sample: the telephony files of ab.h, plain or
 * encrypted with password. */
static void add_backup(struct vgfix_aqf *a, const char *password)
{
    struct vgfix_ab_opts o;
    unsigned char *ab = NULL;
    size_t len = 0;

    memset(&o, 0, sizeof(o));
    o.compressed = 1;
    o.password = password;
    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &ab, &len), 0);
    assert_int_equal(vgfix_aqf_add(a, "backup.ab", ab, len, 0), 0);
    free(ab);
}

/* The acquisition as layout i: the folder, a zip of each layout, a tar.gz. */
#define N_FORMS 4
static void write_form(const struct vgfix_aqf *a, size_t i, const char *work, char *path,
                       size_t cap)
{
    static const char *const names[N_FORMS] = {"folder", "root.zip", "top.zip", "acq.tar.gz"};
    static const enum vgfix_aqf_layout layouts[] = {VGFIX_AQF_FOLDER, VGFIX_AQF_ZIP_ROOT,
                                                    VGFIX_AQF_ZIP_TOP};

    assert_true(snprintf(path, cap, "%s/%s", work, names[i]) < (int)cap);
    if (i < 3)
        assert_int_equal(vgfix_aqf_write(a, layouts[i], path), 0);
    else
        write_targz(a, path);
}

/* Warnings other than the sample's own (root binaries) must not be. */
static void no_warnings(const struct vgfix_aqf_run *r)
{
    if (r->warnings && !has(r->warnings, "signs of rooting"))
        fail_msg("unexpected warnings:\n%s", r->warnings);
    if (r->warnings && strchr(r->warnings, '\n') != strrchr(r->warnings, '\n'))
        fail_msg("unexpected warnings:\n%s", r->warnings);
}

/* The SMS hits of the backup, and no alert for its near miss. */
static void backup_hits(const char *out)
{
    char *lines = vgfix_alert_lines(out), *sms = read_in(out, "sms.json");

    assert_non_null(sms);
    assert_true(has(sms, VGFIX_SMS_PLANTED));
    assert_true(has(sms, VGFIX_MMS_PLANTED));
    assert_true(has(sms, VGFIX_SMS_NEAR_MISS)); /* a record, quiet */
    assert_true(has(lines, "CRITICAL sms "));
    assert_true(has(lines, "| " VGFIX_AQF_SMS_DOMAIN "\n"));
    assert_false(has(lines, VGFIX_SMS_NEAR_MISS));
    assert_false(has(lines, "evil-example.org"));
    /* dumpsys.txt: the planted app's accessibility service, not its near miss */
    assert_true(has(lines, "CRITICAL dumpsys_accessibility Found a known suspicious app with ID "
                           "\"" VGFIX_AQF_APP "\""));
    assert_false(has(lines, VGFIX_AQF_APP_NEAR));
    free(lines);
    free(sms);
}

/* backup.ab in every form of the acquisition: its SMS in sms.json (MVT's
 * name), read from the folder's file or the archive's member alike. */
static void test_backup_everywhere(void **state)
{
    char *work = vgfix_tmpdir("aqf-ab"), path[4096], out[4096], ref[4096];
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    char *x, *y;
    size_t i;
    (void)state;

    add_backup(a, NULL);
    for (i = 0; i < N_FORMS; i++) {
        write_form(a, i, work, path, sizeof(path));
        assert_true(snprintf(out, sizeof(out), "%s/out-%zu", work, i) < (int)sizeof(out));
        check_path(path, out, &r);
        assert_int_equal(r.rc, VG_OK);
        no_warnings(&r);
        assert_int_equal(r.sum.unread, 0);
        backup_hits(out);
        if (i == 0) {
            assert_true(snprintf(ref, sizeof(ref), "%s", out) < (int)sizeof(ref));
        } else {
            x = read_in(ref, "sms.json");
            y = read_in(out, "sms.json");
            assert_non_null(x);
            assert_non_null(y);
            assert_string_equal(x, y);
            free(x);
            free(y);
        }
        vgfix_aqf_run_free(&r);
    }
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

/* 1 when a file of dir holds text. */
static int any_file_has(const char *dir, const char *text)
{
    static const char *const names[] = {"info.json",   "command.log",      "alerts.json",
                                        "sms.json",    "timeline.csv",     "timeline.jsonl",
                                        "report.html", "aqf_packages.json"};
    size_t i;
    int found = 0;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *t = read_in(dir, names[i]);
        found |= has(t, text);
        free(t);
    }
    return found;
}

/* An encrypted backup.ab: read with the password, never written anywhere;
 * without it, or with a wrong one, a warning naming backup.ab and the
 * rest of the acquisition checked (INCOMPLETE: the backup was not read). */
static void test_backup_encrypted(void **state)
{
    static const char *const pw[] = {AQF_PW, NULL, "not-" AQF_PW};
    char *work = vgfix_tmpdir("aqf-abenc"), path[4096], out[4096], *t;
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    size_t i, j;
    (void)state;

    add_backup(a, AQF_PW);
    for (i = 0; i < 2; i++) {
        write_form(a, i, work, path, sizeof(path));
        for (j = 0; j < sizeof(pw) / sizeof(pw[0]); j++) {
            assert_true(snprintf(out, sizeof(out), "%s/out-%zu-%zu", work, i, j) <
                        (int)sizeof(out));
            assert_int_equal(vgfix_aqf_check_pw(VG_KIND_ANDROIDQF, path, out, vgfix_aqf_stix2(),
                                                NULL, 0, pw[j], &r),
                             0);
            assert_int_equal(r.rc, VG_OK);
            t = read_in(out, "aqf_packages.json");
            assert_non_null(t); /* the rest is checked */
            free(t);
            assert_false(any_file_has(out, AQF_PW));
            assert_false(has(r.warnings, AQF_PW));
            if (j == 0) {
                no_warnings(&r);
                backup_hits(out);
                t = read_in(out, "info.json");
                assert_true(has(t, "\"backup_encrypted\": true"));
                free(t);
            } else {
                assert_true(has(r.warnings, j == 1 ? "backup.ab is encrypted"
                                                   : "backup.ab: wrong backup password"));
                assert_true(r.sum.unread >= 1);
                t = read_in(out, "sms.json");
                assert_null(t);
            }
            vgfix_aqf_run_free(&r);
        }
    }
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

/* A backup.ab that is no backup, and one cut short: a warning naming it,
 * every other module's results, no crash. */
static void test_backup_hostile(void **state)
{
    static const char garbage[] = "ANDROID BACKUP\n5\n1\nnone\n\x78\x9c garbage, not zlib";
    char *work = vgfix_tmpdir("aqf-abbad"), path[4096], out[4096], *t;
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    const void *ab;
    unsigned char *cut;
    size_t len = 0, i, k;
    (void)state;

    add_backup(a, NULL);
    ab = vgfix_aqf_get(a, "backup.ab", &len);
    cut = malloc(len);
    assert_non_null(cut);
    memcpy(cut, ab, len);
    for (k = 0; k < 3; k++) {
        if (k == 0)
            assert_int_equal(vgfix_aqf_add(a, "backup.ab", "not a backup at all\n", 20, 0), 0);
        else if (k == 1)
            assert_int_equal(vgfix_aqf_add(a, "backup.ab", garbage, sizeof(garbage) - 1, 0), 0);
        else
            assert_int_equal(vgfix_aqf_add(a, "backup.ab", cut, len / 2, 0), 0);
        for (i = 0; i < 2; i++) {
            write_form(a, i, work, path, sizeof(path));
            assert_true(snprintf(out, sizeof(out), "%s/out-%zu-%zu", work, k, i) <
                        (int)sizeof(out));
            check_path(path, out, &r);
            assert_int_equal(r.rc, VG_OK);
            if (!has(r.warnings, "backup.ab"))
                fail_msg("no warning names backup.ab (case %zu):\n%s", k,
                         r.warnings ? r.warnings : "");
            assert_true(r.sum.unread >= 1);
            t = read_in(out, "aqf_packages.json");
            assert_non_null(t);
            free(t);
            t = read_in(out, "dumpsys_accessibility.json");
            assert_non_null(t);
            free(t);
            vgfix_aqf_run_free(&r);
            vgfix_rmtree(path);
        }
    }
    free(cut);
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

/* A garbled dumpsys.txt (NUL bytes, invalid UTF-8 in headers, a header
 * without a colon, a 3 MiB line) and one past the cap on dumpsys text: no
 * crash, the other modules' results stand; the one too large is named. */
static void test_dumpsys_hostile(void **state)
{
    static const char *const mods[] = {"dumpsys_accessibility", "aqf_packages"};
    static const char head[] =
        "DUMP OF SERVICE \xff\xfe:\n\0\0junk\nDUMP OF SERVICE accessibility\n";
    char *work = vgfix_tmpdir("aqf-dsbad"), path[4096], out[4096], file[4200], *t, *g;
    struct vgfix_aqf *a = sample();
    struct vgfix_aqf_run r;
    size_t n = 3u * 1024u * 1024u, k;
    (void)state;

    g = malloc(n + 512);
    assert_non_null(g);
    memcpy(g, head, sizeof(head) - 1);
    k = sizeof(head) - 1;
    memset(g + k, 'A', n);
    k += n;
    k += (size_t)snprintf(g + k, 512,
                          "\nDUMP OF SERVICE accessibility:\n  installed services: {\n"
                          "    0 : " VGFIX_AQF_APP "/.X\x80\n  }\n");
    assert_int_equal(vgfix_aqf_add(a, "dumpsys.txt", g, k, 0), 0);
    free(g);
    write_form(a, 1, work, path, sizeof(path));
    assert_true(snprintf(out, sizeof(out), "%s/out-garbled", work) < (int)sizeof(out));
    check_path(path, out, &r);
    assert_int_equal(r.rc, VG_OK);
    t = read_in(out, "aqf_packages.json");
    assert_non_null(t);
    free(t);
    vgfix_aqf_run_free(&r);

    /* one byte past the cap (1 GiB): a sparse file in the folder */
    write_form(a, 0, work, path, sizeof(path));
    assert_true(snprintf(file, sizeof(file), "%s/dumpsys.txt", path) < (int)sizeof(file));
    assert_int_equal(truncate(file, (off_t)1024 * 1024 * 1024 + 1), 0);
    assert_true(snprintf(out, sizeof(out), "%s/out-huge", work) < (int)sizeof(out));
    assert_int_equal(vgfix_aqf_check(VG_KIND_ANDROIDQF, path, out, vgfix_aqf_stix2(), mods, 2, &r),
                     0);
    assert_int_equal(r.rc, VG_OK);
    if (!has(r.warnings, "dumpsys.txt: cannot be read: larger than the cap"))
        fail_msg("no warning names dumpsys.txt:\n%s", r.warnings ? r.warnings : "");
    assert_true(r.sum.unread >= 1);
    t = read_in(out, "aqf_packages.json");
    assert_non_null(t);
    free(t);
    vgfix_aqf_run_free(&r);
    vgfix_aqf_free(a);
    vgfix_rmtree(work);
    free(work);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_everywhere),    cmocka_unit_test(test_wrong_shape),
        cmocka_unit_test(test_truncated_zip),      cmocka_unit_test(test_escaping_member),
        cmocka_unit_test(test_zip_bomb),           cmocka_unit_test(test_folder_link),
        cmocka_unit_test(test_not_an_acquisition), cmocka_unit_test(test_nested_bugreport),
        cmocka_unit_test(test_backup_everywhere),  cmocka_unit_test(test_backup_encrypted),
        cmocka_unit_test(test_backup_hostile),     cmocka_unit_test(test_dumpsys_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
