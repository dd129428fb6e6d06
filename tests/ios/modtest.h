/*
 * Helpers for the plist- and database-reading module tests: a backup with
 * one artifact in it, check-iocs on saved records, alert lookups, and the
 * run over MVT's test backup. Header-only (static inline) so each test
 * program takes what it uses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_IOS_MODTEST_H
#define VG_TESTS_IOS_MODTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "harness.h"

static inline char *mt_path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* A backup (returned folder) holding data at domain/relpath. */
static inline char *mt_backup_with_bytes(const char *domain, const char *relpath, const void *data,
                                         size_t len)
{
    char *dir = vgfix_tmpdir("modtest");
    struct vgfix_backup *b;

    assert_non_null(dir);
    b = vgfix_backup_new(dir);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_add_file(b, domain, relpath, data, len), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    return dir;
}

/* Same with a plist (taken: freed here). */
static inline char *mt_backup_with_plist(const char *domain, const char *relpath, plist_t p,
                                         enum vgfix_plist_fmt fmt)
{
    char *data = NULL, *dir;
    size_t len = 0;

    assert_non_null(p);
    assert_int_equal(vgfix_plist_to_mem(p, fmt, &data, &len), 0);
    plist_free(p);
    dir = mt_backup_with_bytes(domain, relpath, data, len);
    free(data);
    return dir;
}

static inline void mt_cleanup(char *dir)
{
    vgfix_rmtree(dir);
    free(dir);
}

/* check-iocs on a folder holding only <module>.json: the alerts it wrote. */
static inline json_t *mt_check_records(const char *module, const json_t *records,
                                       const char *bundle)
{
    char *in = vgfix_tmpdir("modtest-ci"), *out = vgfix_tmpdir("modtest-ci-out"), name[256];
    char *path;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum;
    json_t *alerts;

    snprintf(name, sizeof(name), "%s.json", module);
    path = mt_path_join(in, name);
    assert_int_equal(json_dump_file(records, path, JSON_INDENT(4)), 0);
    free(path);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    if (bundle)
        assert_int_equal(
            vg_iocs_load_buffer(iocs, "test-indicators.stix2", bundle, strlen(bundle), diag),
            VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = in;
    so.output_dir = out;
    assert_int_equal(vg_check_iocs(iocs, &so, diag, &sum), VG_OK);
    snprintf(name, sizeof(name), "%s_detected.json", module);
    path = mt_path_join(out, name);
    alerts = json_load_file(path, 0, NULL);
    free(path);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    mt_cleanup(in);
    mt_cleanup(out);
    return alerts ? alerts : json_array();
}

static inline const char *mt_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "(absent)";
}

static inline size_t mt_count_level(const json_t *alerts, const char *level)
{
    const json_t *a;
    size_t i, n = 0;
    json_array_foreach(alerts, i, a)
    {
        if (strcmp(mt_str(a, "level"), level) == 0)
            n++;
    }
    return n;
}

/* The alert at level whose message contains needle, or NULL. */
static inline const json_t *mt_find_alert(const json_t *alerts, const char *level,
                                          const char *needle)
{
    const json_t *a;
    size_t i;
    json_array_foreach(alerts, i, a)
    {
        if (strcmp(mt_str(a, "level"), level) == 0 && strstr(mt_str(a, "message"), needle))
            return a;
    }
    return NULL;
}

/* The first record whose key equals value. */
static inline const json_t *mt_find_record(const json_t *records, const char *key,
                                           const char *value)
{
    const json_t *r;
    size_t i;
    json_array_foreach(records, i, r)
    {
        if (strcmp(mt_str(r, key), value) == 0)
            return r;
    }
    return NULL;
}

/* MVT ran the module on its test backup and found nothing: so must we,
 * without warnings or a failure. Skipped without ../shared. */
static inline void mt_mvt_backup_empty(const char *module)
{
    char *backup = vgfix_shared_path("mvt-artifacts/ios_backup");
    char *stix = vgfix_shared_path("mvt-artifacts/stix2/test-indicators.stix2");
    char *bundle;
    struct vgh_result r;

    if (!backup || !stix) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        free(backup);
        free(stix);
        skip();
    }
    bundle = vgfix_read_file(stix, NULL);
    assert_non_null(bundle);
    vgh_run(backup, bundle, module, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_int_equal(r.sum.modules_run, 1);
    vgh_result_free(&r);
    free(bundle);
    free(backup);
    free(stix);
}

#endif
