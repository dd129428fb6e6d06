/*
 * Helpers for the tests of modules that read one or two SQLite databases:
 * a backup built from SQL scripts, a run with inline indicators, timeline
 * and coverage lookups, check-iocs on saved records, and the run over
 * MVT's test backup. Header-only (static inline): each test program takes
 * what it uses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_IOS_DBTEST_H
#define VG_TESTS_IOS_DBTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "harness.h"

/* One file of a fixture backup: an SQL script run on a fresh database, or
 * raw bytes (for files that are not SQLite). */
struct dbt_file {
    const char *domain;
    const char *relpath;
    const char *sql;
    const void *raw;
    size_t raw_len;
};

static inline char *dbt_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* A backup folder holding the files; free with dbt_cleanup. */
static inline char *dbt_backup(const struct dbt_file *files, size_t n)
{
    char *dir = vgfix_tmpdir("dbt"), *work = vgfix_tmpdir("dbt-src");
    struct vgfix_backup *b;
    size_t i;

    assert_non_null(dir);
    assert_non_null(work);
    b = vgfix_backup_new(dir);
    assert_non_null(b);
    for (i = 0; i < n; i++) {
        char name[32], *src;
        snprintf(name, sizeof(name), "f%zu", i);
        src = dbt_join(work, name);
        if (files[i].sql)
            assert_int_equal(vgfix_sqlite_exec(src, files[i].sql), 0);
        else
            assert_int_equal(vgfix_write_file(src, files[i].raw, files[i].raw_len), 0);
        assert_int_equal(vgfix_backup_add_file_from(b, files[i].domain, files[i].relpath, src), 0);
        free(src);
    }
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    vgfix_rmtree(work);
    free(work);
    return dir;
}

static inline void dbt_cleanup(char *dir)
{
    vgfix_rmtree(dir);
    free(dir);
}

/* Runs module on dir with one indicator per pattern (patterns may be NULL). */
static inline void dbt_run(const char *dir, const char *const *patterns, const char *module,
                           struct vgh_result *r)
{
    char *bundle = patterns ? vgh_bundle(patterns) : NULL;

    vgh_run(dir, bundle, module, r);
    free(bundle);
    assert_int_equal(r->rc, VG_OK);
}

static inline const char *dbt_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "(absent or not a string)";
}

static inline void dbt_assert_null(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || !json_is_null(v))
        fail_msg("%s: expected null", key);
}

static inline json_int_t dbt_int(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("%s: not an integer", key);
    return json_integer_value(v);
}

static inline double dbt_real(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_real(v))
        fail_msg("%s: not a real", key);
    return json_real_value(v);
}

/* The keys of obj, in order, joined with ','. */
static inline void dbt_assert_keys(const json_t *obj, const char *expected)
{
    char got[4096] = "";
    const char *key;
    json_t *v;
    size_t n = 0;

    json_object_foreach((json_t *)obj, key, v)
    {
        n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", n ? "," : "", key);
        assert_true(n < sizeof(got));
    }
    assert_string_equal(got, expected);
}

/* The timeline has this row (fields as written, quotes doubled by us). */
static inline int dbt_tl_has(const struct vgh_result *r, const char *ts, const char *plugin,
                             const char *event, const char *desc)
{
    const char *f[4] = {ts, plugin, event, desc};
    size_t n = 0, i, cap = 64 + strlen(ts) + strlen(plugin) + strlen(event) + 2 * strlen(desc);
    char *row = malloc(cap);
    int found;

    assert_non_null(row);
    for (i = 0; i < 4; i++) {
        const char *p;
        row[n++] = '"';
        for (p = f[i]; *p; p++) {
            if (*p == '"')
                row[n++] = '"';
            row[n++] = *p;
        }
        row[n++] = '"';
        row[n++] = i < 3 ? ',' : '\r';
    }
    row[n++] = '\n';
    row[n] = '\0';
    found = strstr(r->timeline, row) != NULL;
    if (!found)
        printf("timeline row not found: %s", row);
    free(row);
    return found;
}

/* Timeline rows of one plugin (class name). */
static inline size_t dbt_tl_count(const struct vgh_result *r, const char *plugin)
{
    char needle[128];
    const char *p = r->timeline;
    size_t n = 0;

    snprintf(needle, sizeof(needle), "\",\"%s\",\"", plugin);
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

/* Coverage entries of the module with this status whose artifact contains
 * `artifact` (NULL: any). */
static inline size_t dbt_coverage(const struct vgh_result *r, const char *module,
                                  const char *status, const char *artifact)
{
    const json_t *cov =
        json_object_get(json_object_get(json_object_get(r->info, "modules"), module), "coverage");
    const json_t *c;
    size_t i, n = 0;

    json_array_foreach(cov, i, c)
    {
        if (strcmp(dbt_str(c, "status"), status) == 0 &&
            (!artifact || strstr(dbt_str(c, "artifact"), artifact)))
            n++;
    }
    return n;
}

static inline const json_t *dbt_alert(const struct vgh_result *r, size_t i)
{
    const json_t *a = json_array_get(r->alerts, i);
    assert_non_null(a);
    return a;
}

/* The alert's level and matched indicator. */
static inline void dbt_assert_alert(const json_t *a, const char *level, const char *ioc_value,
                                    const char *ioc_type)
{
    const json_t *m = json_object_get(a, "matched_indicator");
    assert_string_equal(dbt_str(a, "level"), level);
    assert_string_equal(dbt_str(m, "value"), ioc_value);
    assert_string_equal(dbt_str(m, "type"), ioc_type);
    assert_string_equal(dbt_str(m, "name"), "TestMalware");
}

/* check-iocs on a folder holding only <module>.json with records: the
 * alerts it wrote. */
static inline json_t *dbt_check_records(const char *module, const json_t *records,
                                        const char *const *patterns)
{
    char *in = vgfix_tmpdir("dbt-ci"), *out = vgfix_tmpdir("dbt-ci-out"), name[256], *path;
    char *bundle = vgh_bundle(patterns);
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum;
    json_t *alerts;

    snprintf(name, sizeof(name), "%s.json", module);
    path = dbt_join(in, name);
    assert_int_equal(json_dump_file(records, path, JSON_INDENT(4)), 0);
    free(path);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(
        vg_iocs_load_buffer(iocs, "test-indicators.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = in;
    so.output_dir = out;
    assert_int_equal(vg_check_iocs(iocs, &so, diag, &sum), VG_OK);
    snprintf(name, sizeof(name), "%s_detected.json", module);
    path = dbt_join(out, name);
    alerts = json_load_file(path, 0, NULL);
    free(path);
    free(bundle);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    dbt_cleanup(in);
    dbt_cleanup(out);
    return alerts ? alerts : json_array();
}

/* Runs module on MVT's test backup with MVT's test indicators; returns 0
 * (after printing why) when ../shared is not there. */
static inline int dbt_run_mvt_backup(const char *module, struct vgh_result *r)
{
    char *backup = vgfix_shared_path("mvt-artifacts/ios_backup");
    char *stix = vgfix_shared_path("mvt-artifacts/stix2/test-indicators.stix2");
    char *bundle = stix ? vgfix_read_file(stix, NULL) : NULL;
    int ok = backup && bundle;

    if (ok) {
        vgh_run(backup, bundle, module, r);
        assert_int_equal(r->rc, VG_OK);
        assert_int_equal(r->sum.modules_run, 1);
    } else {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
    }
    free(backup);
    free(stix);
    free(bundle);
    return ok;
}

/* MVT's test backup lists the module's database in Manifest.db but does
 * not hold it (MVT: "unable to find the module's database file"): no
 * records, an "absent" coverage entry naming it, and no warning but the
 * scan's own one about the absent file. */
static inline void dbt_mvt_backup_absent(const char *module, const char *relpath)
{
    struct vgh_result r;
    const char *p;
    size_t absent = 0;

    if (!dbt_run_mvt_backup(module, &r))
        skip();
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_int_equal(dbt_coverage(&r, module, "absent", relpath), 1);
    assert_int_equal(dbt_coverage(&r, module, "found", NULL), 0);
    for (p = r.diag_text; (p = strstr(p, "is listed but absent")) != NULL; p++)
        absent++;
    assert_int_equal(absent, 1);
    assert_int_equal(r.warnings, absent);
    vgh_result_free(&r);
}

#endif
