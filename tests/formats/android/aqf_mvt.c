/*
 * The AndroidQF parsers on MVT's own test acquisition
 * (../shared/mvt-artifacts/androidqf and androidqf.zip): every record
 * must equal what MVT 2026.7.29 wrote in mvt-results/android-androidqf*,
 * compared as JSON values with keys in order. The one difference is
 * documented in docs/formats/androidqf.md: integers beyond 64 bits (an
 * APK certificate's SerialNumber) are strings of the same digits, so MVT's
 * file is read here with such integers quoted. Also MVT's own artifact
 * tests on android_data/getprop.txt and ps.txt. Skipped when ../shared is
 * not there.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

#include <dirent.h>
#include <stdio.h>

#include <archive.h>
#include <archive_entry.h>

#include "fixture.h"
#include "formats/android/aqf_json.h"
#include "formats/android/getprop.h"
#include "formats/android/ps.h"
#include "formats/android/settings.h"

static char *acq, *mvt, *mvt_zip, *zip_path;

static int setup(void **state)
{
    (void)state;
    acq = vgfix_shared_path("mvt-artifacts/androidqf");
    mvt = vgfix_shared_path("mvt-artifacts/mvt-results/android-androidqf");
    mvt_zip = vgfix_shared_path("mvt-artifacts/mvt-results/android-androidqf-zip");
    zip_path = vgfix_shared_path("mvt-artifacts/androidqf.zip");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(acq);
    free(mvt);
    free(mvt_zip);
    free(zip_path);
    return 0;
}

static void need_shared(void)
{
    if (!acq || !mvt || !mvt_zip || !zip_path) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        skip();
    }
}

static char *read_in(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    char *data;

    assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
    data = vgfix_read_file(path, len);
    if (!data)
        fail_msg("cannot read %s", path);
    return data;
}

/* MVT's JSON with every integer literal that int64 cannot hold quoted
 * (a test-side copy of the rule, written apart from the parser's). */
static json_t *load_mvt(const char *dir, const char *name)
{
    size_t len, i, j, out = 0;
    char *text = read_in(dir, name, &len), *q = malloc(2 * len + 1);
    int in_str = 0;
    json_error_t err;
    json_t *v;

    assert_non_null(q);
    for (i = 0; i < len; i = j) {
        j = i + 1;
        if (in_str || text[i] == '"') {
            if (in_str && text[i] == '\\')
                j = i + 2;
            else if (text[i] == '"')
                in_str = !in_str;
        } else if (text[i] == '-' || (text[i] >= '0' && text[i] <= '9')) {
            while (j < len && ((text[j] >= '0' && text[j] <= '9') || strchr(".eE+-", text[j])))
                j++;
            if (j - i > 18 && !memchr(text + i, '.', j - i) && !memchr(text + i, 'e', j - i) &&
                (j - i > 19 + (text[i] == '-') ||
                 strncmp(text + i + (text[i] == '-'), "9223372036854775807", 19) > 0)) {
                q[out++] = '"';
                memcpy(q + out, text + i, j - i);
                out += j - i;
                q[out++] = '"';
                continue;
            }
        }
        memcpy(q + out, text + i, j - i);
        out += j - i;
    }
    v = json_loadb(q, out, 0, &err);
    if (!v)
        fail_msg("%s: %s", name, err.text);
    free(text);
    free(q);
    return v;
}

static void expect_mvt(struct aqft *t, const char *dir, const char *name)
{
    json_t *want = load_mvt(dir, name);
    char *got, *w;

    if (!aqft_same(t->recs, want)) {
        got = json_dumps(t->recs, JSON_COMPACT);
        w = json_dumps(want, JSON_COMPACT);
        print_error("%s differs:\ngot  %s\nwant %s\n", name, got, w);
        free(got);
        free(w);
        json_decref(want);
        fail();
    }
    json_decref(want);
}

typedef int (*parse_fn)(const void *, size_t, struct vg_aqf_sink *);

static void check_file(const char *file, parse_fn fn, const char *result)
{
    struct aqft t;
    size_t len;
    char *data;

    need_shared();
    data = read_in(acq, file, &len);
    aqft_init(&t, file);
    assert_int_equal(fn(data, len, &t.sink), VG_OK);
    assert_int_equal(aqft_warnings(&t), 0);
    expect_mvt(&t, mvt, result);
    aqft_free(&t);
    free(data);
}

static void test_getprop(void **state)
{
    (void)state;
    check_file("getprop.txt", vg_getprop_parse, "aqf_get_prop.json");
}

static void test_ps(void **state)
{
    (void)state;
    check_file("ps.txt", vg_ps_parse, "aqf_processes.json");
}

static void test_packages(void **state)
{
    (void)state;
    check_file("packages.json", vg_aqf_packages_parse, "aqf_packages.json");
}

static int files_utc(const void *p, size_t n, struct vg_aqf_sink *s)
{
    /* MVT found no persist.sys.timezone in getprop.txt: UTC */
    return vg_aqf_files_parse(p, n, NULL, s);
}

static void test_files(void **state)
{
    (void)state;
    check_file("files.json", files_utc, "aqf_files.json");
}

static void test_root_binaries(void **state)
{
    (void)state;
    check_file("root_binaries.json", vg_aqf_root_binaries_parse, "root_binaries.json");
}

/* MVT's aqf_settings is one object {namespace: {key: value}}: the records
 * of every settings_*.txt folded into it. */
static void test_settings(void **state)
{
    json_t *folded, *ns;
    struct dirent *de;
    struct aqft t;
    DIR *d;
    size_t i, len;
    char *data, *name;
    (void)state;

    need_shared();
    folded = json_object();
    d = opendir(acq);
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        struct vg_str n = vg_settings_namespace(de->d_name);
        if (strncmp(de->d_name, "settings_", 9) != 0 || !vg_str_ends(vg_str_of(de->d_name), ".txt"))
            continue;
        name = vg_str_dup(n);
        data = read_in(acq, de->d_name, &len);
        aqft_init(&t, de->d_name);
        assert_int_equal(vg_settings_parse(data, len, name, &t.sink), VG_OK);
        assert_int_equal(aqft_warnings(&t), 0);
        ns = json_object();
        json_object_set_new(folded, name, ns);
        for (i = 0; i < json_array_size(t.recs); i++) {
            json_t *r = json_array_get(t.recs, i);
            json_object_set(ns, json_string_value(json_object_get(r, "key")),
                            json_object_get(r, "value"));
        }
        aqft_free(&t);
        free(data);
        free(name);
    }
    closedir(d);
    aqft_init(&t, "settings");
    json_decref(t.recs);
    t.recs = folded;
    expect_mvt(&t, mvt, "aqf_settings.json");
    aqft_free(&t);
}

/* androidqf.zip keeps its files under one top folder ("androidqfzip/");
 * its member list is read with libarchive, getprop.txt found as MVT finds
 * it ("*\/getprop.txt") and read from the archive. */
static void test_zip(void **state)
{
    struct archive_entry *e;
    struct archive *a;
    struct aqft t;
    char *data = NULL, members[256] = "";
    la_ssize_t got;
    size_t len = 0;
    (void)state;

    need_shared();
    a = archive_read_new();
    assert_non_null(a);
    assert_int_equal(archive_read_support_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_read_open_filename(a, zip_path, 10240), ARCHIVE_OK);
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *path = archive_entry_pathname(e);
        const char *slash = strchr(path, '/');

        assert_true(strlen(members) + strlen(path) + 2 < sizeof(members));
        strncat(members, path, sizeof(members) - strlen(members) - 1);
        strncat(members, " ", sizeof(members) - strlen(members) - 1);
        if (!slash || strcmp(slash, "/getprop.txt") != 0)
            continue;
        len = (size_t)archive_entry_size(e);
        data = malloc(len + 1);
        assert_non_null(data);
        got = archive_read_data(a, data, len);
        assert_int_equal(got, (la_ssize_t)len);
    }
    archive_read_free(a);
    assert_string_equal(members, "androidqfzip/ androidqfzip/getprop.txt ");
    assert_non_null(data);
    aqft_init(&t, "getprop.txt");
    assert_int_equal(vg_getprop_parse(data, len, &t.sink), VG_OK);
    expect_mvt(&t, mvt_zip, "aqf_get_prop.json");
    aqft_free(&t);
    free(data);
}

/* MVT's artifact tests (tests/android/test_artifact_{getprop,processes}.py)
 * on android_data/getprop.txt and ps.txt: 13 properties, the first
 * af.fast_track_multiplier = 1; 17 processes, the first init, one of them
 * lru-add-drain (the name its IOC test matches). */
static void test_mvt_artifact_tests(void **state)
{
    char *dir = vgfix_shared_path("mvt-artifacts/android_data"), *data;
    json_t *r;
    struct aqft t;
    size_t len, i, lru = 0;
    (void)state;

    need_shared();
    assert_non_null(dir);
    data = read_in(dir, "getprop.txt", &len);
    aqft_init(&t, "getprop.txt");
    assert_int_equal(vg_getprop_parse(data, len, &t.sink), VG_OK);
    assert_int_equal(json_array_size(t.recs), 13);
    r = json_array_get(t.recs, 0);
    assert_string_equal(json_string_value(json_object_get(r, "name")), "af.fast_track_multiplier");
    assert_string_equal(json_string_value(json_object_get(r, "value")), "1");
    aqft_free(&t);
    free(data);
    data = read_in(dir, "ps.txt", &len);
    aqft_init(&t, "ps.txt");
    assert_int_equal(vg_ps_parse(data, len, &t.sink), VG_OK);
    assert_int_equal(json_array_size(t.recs), 17);
    r = json_array_get(t.recs, 0);
    assert_string_equal(json_string_value(json_object_get(r, "proc_name")), "init");
    for (i = 0; i < json_array_size(t.recs); i++)
        lru += strcmp(json_string_value(json_object_get(json_array_get(t.recs, i), "proc_name")),
                      "lru-add-drain") == 0;
    assert_int_equal(lru, 1);
    aqft_free(&t);
    free(data);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_getprop),       cmocka_unit_test(test_ps),
        cmocka_unit_test(test_packages),      cmocka_unit_test(test_files),
        cmocka_unit_test(test_root_binaries), cmocka_unit_test(test_settings),
        cmocka_unit_test(test_zip),           cmocka_unit_test(test_mvt_artifact_tests),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
