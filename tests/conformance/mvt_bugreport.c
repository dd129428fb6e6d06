/*
 * Conformance with MVT on its test bugreport
 * (../shared/mvt-artifacts/android_data/bugreport/, checked with
 * stix2/test-indicators.stix2): vigie's records, alerts and timeline must
 * equal what MVT 2026.7.29 wrote (mvt-results/android-bugreport), except
 * for the differences listed with their reasons in docs/mvt-differences.md
 * and encoded here:
 *   - the times of the bugreport's files (tombstones' file_timestamp,
 *     bugreport_timestamps' modified_time, their timeline rows) are those of
 *     the copy on this disk, not of the copy MVT read;
 *   - records are compared as sets (MVT lists the folder in directory
 *     order, vigie in name order);
 *   - an alert MVT leaves undated carries its record's time (a tombstone's
 *     timestamp) as event_time in vigie's.
 * check-iocs on MVT's own result folder must give MVT's alerts, with the
 * same difference.
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
#include <cmocka.h>

#include <jansson.h>

#include "fixture.h"

#define RESULTS "mvt-artifacts/mvt-results/android-bugreport"

struct run_out {
    char *dir;
    struct vg_summary sum;
    int rc;
};

static void diag_quiet(void *ud, const struct vg_diag_entry *e)
{
    (void)ud;
    if (e->level >= VG_DIAG_WARN)
        fprintf(stderr, "  [%s] %s\n", e->where, e->message);
}

static void run_vigie(enum vg_kind kind, const char *target, const char *stix, struct run_out *o)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;

    o->dir = vgfix_tmpdir("conf-br");
    assert_int_equal(vg_diag_new(diag_quiet, NULL, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_iocs_load_path(iocs, stix, diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = target;
    so.output_dir = o->dir;
    so.command_line = "vigie conformance";
    o->rc = vgfix_check(kind, target, iocs, &so, NULL, diag, &o->sum);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

static json_t *load_json(const char *dir, const char *name)
{
    char path[8192];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return json_load_file(path, 0, NULL);
}

/* The keys whose values are the times of this copy's files. */
static void drop_file_times(json_t *rec)
{
    json_object_del(rec, "file_timestamp");
    json_object_del(rec, "modified_time");
}

/* vigie dates an alert MVT leaves undated with its record's time
 * (docs/mvt-differences.md, "Alert times"): that time reads as MVT's "". */
static void undate_alert(json_t *alert)
{
    const char *t = json_string_value(json_object_get(alert, "event_time"));
    const char *ts =
        json_string_value(json_object_get(json_object_get(alert, "event"), "timestamp"));

    if (t && ts && strcmp(t, ts) == 0)
        json_object_set_new(alert, "event_time", json_string(""));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The records of a result file as sorted canonical strings. */
static char **canonical(json_t *arr, size_t *n)
{
    json_t *v;
    size_t i;
    char **out;

    *n = json_array_size(arr);
    out = calloc(*n + 1, sizeof(*out));
    json_array_foreach(arr, i, v)
    {
        json_t *copy = json_deep_copy(v);
        json_t *event = json_object_get(copy, "event");
        undate_alert(copy);
        drop_file_times(copy);
        if (json_is_object(event))
            drop_file_times(event);
        out[i] = json_dumps(copy, JSON_SORT_KEYS | JSON_COMPACT);
        json_decref(copy);
    }
    qsort(out, *n, sizeof(*out), cmp_str);
    return out;
}

static void compare_file(const char *mvt_dir, const char *our_dir, const char *file)
{
    json_t *theirs = load_json(mvt_dir, file), *ours = load_json(our_dir, file);
    char **a, **b;
    size_t na, nb, i;

    if (!theirs)
        fail_msg("MVT's %s is not there", file);
    if (!ours)
        fail_msg("vigie wrote no %s", file);
    a = canonical(theirs, &na);
    b = canonical(ours, &nb);
    if (na != nb)
        fail_msg("%s: MVT %zu, vigie %zu", file, na, nb);
    for (i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            fail_msg("%s differs:\n MVT   %s\n vigie %s", file, a[i], b[i]);
    for (i = 0; i < na; i++) {
        free(a[i]);
        free(b[i]);
    }
    free(a);
    free(b);
    json_decref(theirs);
    json_decref(ours);
}

/* The result files (module results and their _detected) MVT wrote; vigie
 * writes the same set, and no other. */
static const char *const result_files[] = {
    "dumpsys_appops.json",       "dumpsys_appops_detected.json",
    "dumpsys_packages.json",     "dumpsys_platform_compat.json",
    "tombstones.json",           "tombstones_detected.json",
    "bugreport_timestamps.json", "alerts.json",
};
static const char *const never_written[] = {
    "dumpsys_accessibility.json",
    "dumpsys_activities.json",
    "dumpsys_battery_daily.json",
    "dumpsys_battery_history.json",
    "dbinfo.json",
    "dumpsys_get_prop.json",
    "dumpsys_receivers.json",
    "dumpsys_adb_state.json",
};

/* Timeline rows, without the header and without the rows whose time is a
 * file's time on this disk. */
static char **timeline_rows(const char *dir, size_t *n)
{
    char path[8192], *text, *line, *save = NULL;
    char **rows = NULL;
    size_t len;

    *n = 0;
    snprintf(path, sizeof(path), "%s/timeline.csv", dir);
    text = vgfix_read_file(path, &len);
    assert_non_null(text);
    for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        if (strstr(line, "Timestamp\",\"Plugin\"") || strstr(line, "\"BugReportTimestamps\""))
            continue;
        rows = realloc(rows, (*n + 1) * sizeof(*rows));
        rows[(*n)++] = strdup(line);
    }
    free(text);
    qsort(rows, *n, sizeof(*rows), cmp_str);
    return rows;
}

static void compare_timeline(const char *mvt_dir, const char *our_dir)
{
    char **a, **b;
    size_t na, nb, i;

    a = timeline_rows(mvt_dir, &na);
    b = timeline_rows(our_dir, &nb);
    assert_int_equal(na, nb);
    for (i = 0; i < na; i++) {
        if (strcmp(a[i], b[i]) != 0)
            fail_msg("timeline differs:\n MVT   %s\n vigie %s", a[i], b[i]);
        free(a[i]);
        free(b[i]);
    }
    free(a);
    free(b);
}

static void test_check_bugreport(void **state)
{
    char *target = vgfix_shared_path("mvt-artifacts/android_data/bugreport");
    char *stix = vgfix_shared_path("mvt-artifacts/stix2/test-indicators.stix2");
    char *mvt = vgfix_shared_path(RESULTS);
    struct run_out o;
    size_t i;
    (void)state;

    if (!target || !stix || !mvt) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        free(target);
        free(stix);
        free(mvt);
        skip();
    }
    run_vigie(VG_KIND_BUGREPORT, target, stix, &o);
    assert_int_equal(o.rc, VG_OK);
    /* MVT: three MEDIUM alerts, nothing else */
    assert_int_equal(o.sum.alerts[VG_LEVEL_MEDIUM], 3);
    assert_int_equal(o.sum.alerts[VG_LEVEL_CRITICAL] + o.sum.alerts[VG_LEVEL_HIGH] +
                         o.sum.alerts[VG_LEVEL_LOW] + o.sum.alerts[VG_LEVEL_INFO],
                     0);
    assert_int_equal(o.sum.records, 12 + 2 + 2 + 2 + 2);
    for (i = 0; i < sizeof(result_files) / sizeof(result_files[0]); i++)
        compare_file(mvt, o.dir, result_files[i]);
    for (i = 0; i < sizeof(never_written) / sizeof(never_written[0]); i++) {
        json_t *j = load_json(o.dir, never_written[i]);
        if (j)
            fail_msg("vigie wrote %s, MVT did not", never_written[i]);
    }
    compare_timeline(mvt, o.dir);
    vgfix_rmtree(o.dir);
    free(o.dir);
    free(target);
    free(stix);
    free(mvt);
}

/* check-iocs on MVT's results: MVT's alerts (undated ones dated). */
static void test_check_iocs_on_mvt_results(void **state)
{
    char *stix = vgfix_shared_path("mvt-artifacts/stix2/test-indicators.stix2");
    char *mvt = vgfix_shared_path(RESULTS);
    struct run_out o;
    (void)state;

    if (!stix || !mvt) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        free(stix);
        free(mvt);
        skip();
    }
    run_vigie(VG_KIND_RESULTS, mvt, stix, &o);
    assert_int_equal(o.rc, VG_OK);
    compare_file(mvt, o.dir, "alerts.json");
    vgfix_rmtree(o.dir);
    free(o.dir);
    free(stix);
    free(mvt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_bugreport),
        cmocka_unit_test(test_check_iocs_on_mvt_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
