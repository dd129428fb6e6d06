/*
 * Conformance with MVT on its Android backup artifacts
 * (../shared/mvt-artifacts/android_backup and androidqf_encrypted): the
 * records of `vigie android check-backup` equal MVT's sms.json
 * (mvt-results/android-backup), with MVT's alerts (none with its test
 * indicators); backup2.ab and androidqf_encrypted/backup.ab (password
 * 123456), backup3.ab and the unpacked apps/ folder give what MVT's own
 * tests expect of them; check-iocs on MVT's result folder reads them back.
 * Differences are listed in docs/mvt-differences.md.
 *
 * Skipped, saying so, when ../shared is not there.
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
#include <cmocka.h>

#include <jansson.h>

#include "fixture.h"

static char artifacts[2048];

static int have_artifacts(void)
{
    const char *shared = getenv("VG_SHARED");
    struct stat st;

    snprintf(artifacts, sizeof(artifacts), "%s/mvt-artifacts", shared ? shared : "../shared");
    return stat(artifacts, &st) == 0 && S_ISDIR(st.st_mode);
}

struct run {
    int rc;
    struct vg_summary sum;
    json_t *sms, *alerts;
    char *out;
};

static void quiet(void *ud, const struct vg_diag_entry *e)
{
    (void)ud;
    if (e->level >= VG_DIAG_WARN)
        fprintf(stderr, "  [%s] %s\n", e->where, e->message);
}

static void run(enum vg_kind kind, const char *rel, const char *password, struct run *r)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_source_opts src;
    char target[4096], stix[4096], p[4200];

    memset(r, 0, sizeof(*r));
    snprintf(target, sizeof(target), "%s/%s", artifacts, rel);
    snprintf(stix, sizeof(stix), "%s/stix2/test-indicators.stix2", artifacts);
    r->out = vgfix_tmpdir("conf-android");
    assert_int_equal(vg_diag_new(quiet, NULL, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_iocs_load_path(iocs, stix, diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = r->out;
    so.command_line = "vigie conformance";
    memset(&src, 0, sizeof(src));
    src.password = password;
    r->rc = vgfix_check(kind, target, iocs, &so, &src, diag, &r->sum);
    snprintf(p, sizeof(p), "%s/sms.json", r->out);
    r->sms = json_load_file(p, 0, NULL);
    snprintf(p, sizeof(p), "%s/alerts.json", r->out);
    r->alerts = json_load_file(p, 0, NULL);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

static void run_free(struct run *r)
{
    json_decref(r->sms);
    json_decref(r->alerts);
    free(r->out);
}

/* MVT's records: the same objects, keys in the same order, same types. */
static void assert_mvt_sms(const json_t *ours)
{
    char path[4200], *a, *b;
    json_t *theirs;

    snprintf(path, sizeof(path), "%s/mvt-results/android-backup/sms.json", artifacts);
    theirs = json_load_file(path, JSON_PRESERVE_ORDER, NULL);
    assert_non_null(theirs);
    assert_non_null(ours);
    a = json_dumps(theirs, JSON_PRESERVE_ORDER | JSON_COMPACT);
    b = json_dumps(ours, JSON_PRESERVE_ORDER | JSON_COMPACT);
    if (strcmp(a, b) != 0)
        fail_msg("sms.json differs from MVT's:\nMVT:   %s\nvigie: %s", a, b);
    free(a);
    free(b);
    json_decref(theirs);
}

static void test_backup_ab(void **state)
{
    struct run r;
    (void)state;

    if (!have_artifacts()) {
        printf("skipped: %s is not there\n", artifacts);
        return;
    }
    run(VG_KIND_ANDROID_BACKUP, "android_backup/backup.ab", NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_mvt_sms(r.sms);
    assert_null(r.alerts); /* MVT: no alert */
    assert_int_equal(r.sum.unread, 0);
    run_free(&r);
}

static void test_unpacked_folder(void **state)
{
    struct run r;
    (void)state;

    if (!have_artifacts()) {
        printf("skipped: %s is not there\n", artifacts);
        return;
    }
    run(VG_KIND_ANDROID_BACKUP, "android_backup", NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_mvt_sms(r.sms); /* the tar of backup.ab, unpacked */
    assert_null(r.alerts);
    run_free(&r);
}

/* MVT's tests: one message with one link each. */
static void one_message(const char *rel, const char *password)
{
    struct run r;

    run(VG_KIND_ANDROID_BACKUP, rel, password, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.sms), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(r.sms, 0), "links")), 1);
    assert_null(r.alerts);
    assert_int_equal(r.sum.unread, 0);
    run_free(&r);
}

static void test_other_backups(void **state)
{
    struct run r;
    (void)state;

    if (!have_artifacts()) {
        printf("skipped: %s is not there\n", artifacts);
        return;
    }
    one_message("android_backup/backup2.ab", "123456");
    one_message("android_backup/backup3.ab", NULL);
    one_message("androidqf_encrypted/backup.ab", "123456");
    run(VG_KIND_ANDROID_BACKUP, "androidqf_encrypted/backup.ab", "12345", &r);
    assert_int_equal(r.rc, VG_E_PASSWORD);
    run_free(&r);
}

/* check-iocs on MVT's own result folder: its records read back, its
 * alerts (none). */
static void test_check_iocs(void **state)
{
    struct run r;
    (void)state;

    if (!have_artifacts()) {
        printf("skipped: %s is not there\n", artifacts);
        return;
    }
    run(VG_KIND_RESULTS, "mvt-results/android-backup", NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(r.sum.records, 2);
    assert_null(r.alerts);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backup_ab),
        cmocka_unit_test(test_unpacked_folder),
        cmocka_unit_test(test_other_backups),
        cmocka_unit_test(test_check_iocs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
