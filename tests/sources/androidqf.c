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

#include "androidqf.h"
#include "archives.h"
#include "bugreport.h"
#include "fixture.h"

/* Every result file the modules write on the sample. */
static const char *const results[] = {
    "aqf_packages.json",  "aqf_processes.json", "aqf_get_prop.json",
    "aqf_settings.json",  "aqf_files.json",     "aqf_log_timestamps.json",
    "root_binaries.json", "mounts.json",        "aqf_components.json",
    "alerts.json",        "timeline.csv",
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
    };
    struct vgfix_ar_entry v[sizeof(files) / sizeof(files[0])];
    char names[sizeof(files) / sizeof(files[0])][256];
    size_t k, len;

    memset(v, 0, sizeof(v));
    for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        v[k].data = vgfix_aqf_get(a, files[k], &len);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_everywhere),    cmocka_unit_test(test_wrong_shape),
        cmocka_unit_test(test_truncated_zip),      cmocka_unit_test(test_escaping_member),
        cmocka_unit_test(test_zip_bomb),           cmocka_unit_test(test_folder_link),
        cmocka_unit_test(test_not_an_acquisition), cmocka_unit_test(test_nested_bugreport),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
