/*
 * The -o folder, byte for byte against tests/output/golden/scan/. The
 * golden JSON files were checked once against CPython 3.11
 * (json.dumps(json.loads(text), indent=4) == text), the CSV files against
 * csv.writer(quoting=QUOTE_ALL) on the same rows; see docs/output.md.
 * VG_GOLDEN_UPDATE=1 rewrites the golden files from this run instead.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fixture.h"
#include "output/output.h"

/* What one module hands over: records and the alerts raised on them. */
static json_t *sms_records(void)
{
    return json_pack(
        "[{s:i,s:s,s:s,s:f,s:s,s:b,s:[],s:{},s:n},"
        "{s:i,s:s,s:f,s:{s:[i,i,f,f,f,f],s:[]}},"
        "{s:i,s:s,s:s,s:I}]",
        /* 1: non-ASCII, astral, quotes, comma, newline, empties */
        "ROWID", 1, "guid", "A1", "text",
        "Caf\xC3\xA9 \"quoted\", comma\nnew line \xF0\x9F\x98\x80", "date", 588813210.539788,
        "isodate", "2019-08-27 15:08:09.240410", "is_from_me", 0, "attachments", "extra", "service",
        /* 2: control characters and numbers */
        "ROWID", 2, "text", "ctl \x01\x1f\x7f tab\t back\\slash /", "date", 1.0, "nested", "list",
        1, -2, 0.1, 1e16, 1e-05, -0.0, "empty",
        /* 3: the one that matches */
        "ROWID", 3, "text", "Please click here https://badbadbad.example.org/", "guid",
        "FDC6EC94-9D5A-434D-90FA-BF170E10A311", "date", (json_int_t)588813210539788032LL);
}

/* event is borrowed (an alert shares its record), indicator taken. */
static json_t *alert(const char *level, const char *module, const char *message,
                     const char *event_time, json_t *event, json_t *indicator)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:O,s:o}", "level", level, "module", module, "message",
                     message, "event_time", event_time, "event", event, "matched_indicator",
                     indicator ? indicator : json_null());
}

static json_t *sms_alerts(json_t *records)
{
    json_t *ind = json_pack("{s:s,s:s,s:s,s:s}", "value", "example.org", "type", "domains", "name",
                            "TestMalware", "stix2_file_name", "test-indicators.stix2");
    return json_pack("[o]", alert("CRITICAL", "sms",
                                  "Found a sub-domain with a suspicious top level "
                                  "https://badbadbad.example.org/ matching indicator "
                                  "\"example.org\" from \"TestMalware\"",
                                  "2019-08-27 15:08:09.240410", json_array_get(records, 2), ind));
}

struct scan {
    json_t *sms, *sms_alerts, *tcc, *dict, *alerts, *info;
    struct vg_timeline *tl, *alerts_tl;
};

static void add(struct vg_timeline *tl, const char *ts, const char *module, const char *plugin,
                const char *event, const char *desc)
{
    assert_int_equal(vg_timeline_add(tl, ts, module, plugin, event, desc), VG_OK);
}

static void timeline_events(struct vg_timeline *tl)
{
    add(tl, "2019-08-27 15:08:09.240410", "sms", "SMS", "sms_received",
        "Caf\xC3\xA9 \"quoted\", comma\nnew line \xF0\x9F\x98\x80");
    add(tl, "", "tcc", "TCC", "tcc_change", "no timestamp: in the CSV, not in the JSONL");
    add(tl, "2019-08-27 15:08:09.240410", "tcc", "TCC", "tie",
        "same time as the SMS, inserted after it");
    add(tl, "1980-01-01 00:00:00.000000", "manifest", "Manifest", "---B", "Library/x\r\ny");
    add(tl, "2021-12-03 19:32:03.000000", "sms", "SMS", "bad utf-8",
        "bytes \xff and \xe2\x82 end, C:\\path");
    add(tl, NULL, "sms", "SMS", "null", "NULL timestamp");
    add(tl, "1969-12-31 23:59:59.500000", "manifest", "Manifest", "before 1970", "negative");
    add(tl, "2019-02-30 00:00:00.000000", "tcc", "TCC", "impossible date", "not in the JSONL");
    add(tl, "2021-10-18 12:30:50", "tcc", "TCC", "no fraction", "as some Android logs");
}

static void build(struct scan *s)
{
    json_t *low, *ev;

    s->sms = sms_records();
    s->sms_alerts = sms_alerts(s->sms);
    s->tcc = json_pack("[{s:s,s:s,s:s}]", "service", "kTCCServiceLiverpool", "client", "Launch",
                       "auth_value", "allowed");
    s->dict = json_pack("{s:s,s:i}", "Version", "12.5.0", "Count", 2);
    ev = json_pack("{s:i}", "proc_id", 4);
    low = alert("LOW", "datausage", "Missing process 5", "", ev, NULL);
    json_decref(ev);
    s->alerts = json_pack("[O,o]", json_array_get(s->sms_alerts, 0), low);
    s->info = json_pack("{s:s,s:s,s:s,s:[s],s:[]}", "target_path", "/evidence/backup",
                        "vigie_version", "0.1.0", "date", "2024-01-02 03:04:05.000000", "ioc_files",
                        "/iocs/test-indicators.stix2", "hashes");
    assert_non_null(s->sms);
    assert_non_null(s->sms_alerts);
    assert_non_null(s->tcc);
    assert_non_null(s->dict);
    assert_non_null(s->alerts);
    assert_non_null(s->info);
    assert_int_equal(vg_timeline_new(&s->tl), VG_OK);
    assert_int_equal(vg_timeline_new(&s->alerts_tl), VG_OK);
    timeline_events(s->tl);
    add(s->alerts_tl, "2019-08-27 15:08:09.240410", "sms", "SMS", "CRITICAL",
        "Found a sub-domain with a suspicious top level https://badbadbad.example.org/ matching "
        "indicator \"example.org\" from \"TestMalware\"");
    add(s->alerts_tl, "", "datausage", "Datausage", "LOW", "Missing process 5");
}

static void scan_free(struct scan *s)
{
    json_decref(s->sms);
    json_decref(s->sms_alerts);
    json_decref(s->tcc);
    json_decref(s->dict);
    json_decref(s->alerts);
    json_decref(s->info);
    vg_timeline_free(s->tl);
    vg_timeline_free(s->alerts_tl);
}

/* Writes the whole folder as the scan engine does; sort: whether the
 * timelines are sorted first (the writers must give the same bytes). */
static void write_scan(const char *dir, int sort)
{
    struct vg_out *o = NULL;
    struct scan s;
    json_t *none = json_array(), *nothing = json_object();

    build(&s);
    if (sort) {
        vg_timeline_sort(s.tl);
        vg_timeline_sort(s.alerts_tl);
    }
    assert_int_equal(vg_out_new(dir, NULL, &o), VG_OK);
    assert_int_equal(vg_out_module(o, "sms", s.sms, s.sms_alerts), VG_OK);
    assert_int_equal(vg_out_module(o, "tcc", s.tcc, NULL), VG_OK);
    assert_int_equal(vg_out_module(o, "calendar", none, nothing), VG_OK);
    assert_int_equal(vg_out_module(o, "contacts", NULL, NULL), VG_OK);
    assert_int_equal(vg_out_module(o, "backup_info", s.dict, NULL), VG_OK);
    assert_int_equal(vg_out_alerts(o, s.alerts), VG_OK);
    assert_int_equal(vg_out_timeline(o, s.tl), VG_OK);
    assert_int_equal(vg_out_alerts_timeline(o, s.alerts_tl), VG_OK);
    assert_int_equal(vg_out_info(o, s.info), VG_OK);
    assert_int_equal(
        vg_out_command_log(o, "vigie check-backup -o out 'two\nlines' C:\\path \x01 caf\xC3\xA9",
                           "2024-01-02 03:04:05.000000"),
        VG_OK);
    vg_out_free(o);
    scan_free(&s);
    json_decref(none);
    json_decref(nothing);
}

static const char *const scan_files[] = {
    "alerts.json", "alerts_timeline.csv", "backup_info.json", "command.log",  "info.json",
    "sms.json",    "sms_detected.json",   "tcc.json",         "timeline.csv", "timeline.jsonl",
};
#define N_SCAN_FILES (sizeof(scan_files) / sizeof(scan_files[0]))

static char *path2(const char *a, const char *b)
{
    char *p = vg_asprintf("%s/%s", a, b);
    assert_non_null(p);
    return p;
}

static char *golden_dir(void)
{
    const char *src = getenv("VG_SRCDIR");
    return path2(src && *src ? src : ".", "tests/output/golden/scan");
}

/* Lists dir: every name must be in want, and want must all be there. */
static void assert_dir_holds(const char *dir, const char *const *want, size_t n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t i, found = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        for (i = 0; i < n && strcmp(want[i], e->d_name) != 0; i++)
            ;
        if (i == n)
            fail_msg("unexpected file %s in %s", e->d_name, dir);
        found++;
    }
    closedir(d);
    assert_int_equal(found, n);
}

static void assert_same_file(const char *a, const char *b)
{
    size_t la = 0, lb = 0, i;
    char *da = vgfix_read_file(a, &la), *db = vgfix_read_file(b, &lb);

    if (!da || !db)
        fail_msg("cannot read %s or %s", a, b);
    for (i = 0; i < la && i < lb && da[i] == db[i]; i++)
        ;
    if (la != lb || i != la)
        fail_msg("%s and %s differ at byte %zu (sizes %zu, %zu)", a, b, i, la, lb);
    free(da);
    free(db);
}

static void update_golden(const char *dir, const char *golden)
{
    size_t i, len;
    char *src, *dst, *data;

    for (i = 0; i < N_SCAN_FILES; i++) {
        src = path2(dir, scan_files[i]);
        dst = path2(golden, scan_files[i]);
        data = vgfix_read_file(src, &len);
        assert_non_null(data);
        assert_int_equal(vgfix_write_file(dst, data, len), 0);
        printf("golden: wrote %s\n", dst);
        free(data);
        free(src);
        free(dst);
    }
}

static void test_golden_scan(void **state)
{
    char *dir = vgfix_tmpdir("out-golden"), *golden = golden_dir(), *a, *b;
    const char *upd = getenv("VG_GOLDEN_UPDATE");
    size_t i;
    (void)state;

    assert_non_null(dir);
    write_scan(dir, 1);
    /* the empty module left nothing; tcc had no alerts: no tcc_detected.json;
     * no temporary file is left behind */
    assert_dir_holds(dir, scan_files, N_SCAN_FILES);
    if (upd && strcmp(upd, "1") == 0)
        update_golden(dir, golden);
    for (i = 0; i < N_SCAN_FILES; i++) {
        a = path2(dir, scan_files[i]);
        b = path2(golden, scan_files[i]);
        assert_same_file(a, b);
        free(a);
        free(b);
    }
    vgfix_rmtree(dir);
    free(dir);
    free(golden);
}

/* Same data, unsorted timelines, into a folder that already exists: the
 * same bytes. */
static void test_deterministic(void **state)
{
    char *one = vgfix_tmpdir("out-det1"), *two = vgfix_tmpdir("out-det2"), *a, *b;
    size_t i;
    (void)state;

    assert_non_null(one);
    assert_non_null(two);
    write_scan(one, 1);
    write_scan(two, 0);
    write_scan(two, 1); /* again over the first run: replaced, not appended */
    for (i = 0; i < N_SCAN_FILES; i++) {
        a = path2(one, scan_files[i]);
        b = path2(two, scan_files[i]);
        assert_same_file(a, b);
        free(a);
        free(b);
    }
    vgfix_rmtree(one);
    vgfix_rmtree(two);
    free(one);
    free(two);
}

static char *read_whole(const char *dir, const char *name, size_t *len)
{
    char *p = path2(dir, name), *data = vgfix_read_file(p, len);
    free(p);
    return data;
}

/* <module>.json is written one record at a time; the bytes must be those
 * of the whole array dumped at once. */
static void test_streaming_equals_whole(void **state)
{
    char *dir = vgfix_tmpdir("out-stream"), *whole, *file;
    struct vg_out *o = NULL;
    struct vg_out_records *r = NULL;
    json_t *recs = sms_records(), *big = json_array();
    size_t i, len;
    (void)state;

    assert_non_null(dir);
    for (i = 0; i < 3000; i++)
        json_array_append(big, json_array_get(recs, i % 3));
    assert_int_equal(vg_out_new(dir, NULL, &o), VG_OK);
    assert_int_equal(vg_out_module(o, "big", big, NULL), VG_OK);
    whole = vg_json_dumps(big);
    assert_non_null(whole);
    file = read_whole(dir, "big.json", &len);
    assert_non_null(file);
    assert_int_equal(len, strlen(whole));
    assert_memory_equal(file, whole, len);
    free(file);

    /* the incremental API, record by record */
    assert_int_equal(vg_out_records_begin(o, "inc", &r), VG_OK);
    for (i = 0; i < json_array_size(big); i++)
        assert_int_equal(vg_out_records_add(r, json_array_get(big, i)), VG_OK);
    assert_int_equal(vg_out_records_end(r), VG_OK);
    file = read_whole(dir, "inc.json", &len);
    assert_non_null(file);
    assert_int_equal(len, strlen(whole));
    assert_memory_equal(file, whole, len);
    free(file);
    free(whole);

    vg_out_free(o);
    json_decref(recs);
    json_decref(big);
    vgfix_rmtree(dir);
    free(dir);
}

static void test_refuses_a_file(void **state)
{
    char *dir = vgfix_tmpdir("out-file"), *file, *under;
    struct vg_diag *d = NULL;
    struct vg_out *o = NULL;
    const struct vg_diag_entry *e;
    (void)state;

    assert_non_null(dir);
    file = path2(dir, "results.txt");
    assert_int_equal(vgfix_write_file(file, "x", 1), 0);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_out_new(file, d, &o), VG_E_EXISTS);
    assert_null(o);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 1);
    e = vg_diag_get(d, 0);
    assert_string_equal(e->where, "output");
    assert_non_null(strstr(e->message, file));
    assert_non_null(strstr(e->message, "not a folder"));
    /* nor a folder to be made beneath a file */
    under = path2(file, "sub");
    assert_int_equal(vg_out_new(under, d, &o), VG_E_IO);
    assert_null(o);
    assert_int_equal(vg_out_new("", d, &o), VG_E_INVAL);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 3);
    vg_diag_free(d);
    free(under);
    free(file);
    vgfix_rmtree(dir);
    free(dir);
}

static void test_creates_private_parents(void **state)
{
    char *dir = vgfix_tmpdir("out-mkdir"), *deep, *mid;
    struct vg_out *o = NULL;
    struct stat st;
    mode_t old = umask(022);
    (void)state;

    assert_non_null(dir);
    mid = path2(dir, "a");
    deep = path2(dir, "a/b//c/");
    assert_int_equal(vg_out_new(deep, NULL, &o), VG_OK);
    assert_string_equal(vg_out_dir(o), deep);
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(mid, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(vg_out_write_file(o, "x.txt", "data", 4), VG_OK);
    vg_out_free(o);
    o = NULL;
    /* an existing folder is accepted as it is */
    assert_int_equal(vg_out_new(deep, NULL, &o), VG_OK);
    vg_out_free(o);
    vg_out_free(NULL);
    umask(old);
    free(mid);
    free(deep);
    vgfix_rmtree(dir);
    free(dir);
}

static int exists(const char *dir, const char *name)
{
    struct stat st;
    char *p = path2(dir, name);
    int rc = stat(p, &st) == 0;
    free(p);
    return rc;
}

/* A second run in the same folder with nothing for a file removes the
 * first run's copy: stale detections must not pass for this run's. */
static void test_stale_files_removed(void **state)
{
    char *dir = vgfix_tmpdir("out-stale");
    struct vg_out *o = NULL;
    struct vg_out_records *r = NULL;
    json_t *recs = sms_records(), *alerts = sms_alerts(recs), *empty = json_array();
    struct vg_timeline *tl = NULL;
    (void)state;

    assert_non_null(dir);
    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    add(tl, "2020-01-01 00:00:00.000000", "sms", "SMS", "e", "d");
    assert_int_equal(vg_out_new(dir, NULL, &o), VG_OK);
    assert_int_equal(vg_out_module(o, "sms", recs, alerts), VG_OK);
    assert_int_equal(vg_out_alerts(o, alerts), VG_OK);
    assert_int_equal(vg_out_timeline(o, tl), VG_OK);
    assert_true(exists(dir, "sms.json") && exists(dir, "sms_detected.json"));
    assert_true(exists(dir, "alerts.json") && exists(dir, "timeline.jsonl"));

    assert_int_equal(vg_out_module(o, "sms", recs, NULL), VG_OK);
    assert_true(exists(dir, "sms.json"));
    assert_false(exists(dir, "sms_detected.json"));
    assert_int_equal(vg_out_records_begin(o, "sms", &r), VG_OK);
    assert_int_equal(vg_out_records_end(r), VG_OK); /* no record */
    assert_false(exists(dir, "sms.json"));
    assert_int_equal(vg_out_alerts(o, empty), VG_OK);
    assert_false(exists(dir, "alerts.json"));
    vg_timeline_free(tl);
    tl = NULL;
    assert_int_equal(vg_timeline_new(&tl), VG_OK);
    assert_int_equal(vg_out_timeline(o, tl), VG_OK);
    assert_false(exists(dir, "timeline.csv") || exists(dir, "timeline.jsonl"));
    /* alerts_timeline.csv is always there, as MVT's */
    assert_int_equal(vg_out_alerts_timeline(o, NULL), VG_OK);
    assert_true(exists(dir, "alerts_timeline.csv"));

    vg_timeline_free(tl);
    vg_out_free(o);
    json_decref(recs);
    json_decref(alerts);
    json_decref(empty);
    vgfix_rmtree(dir);
    free(dir);
}

/* A write that fails half way leaves no file under any name, and an
 * earlier complete file is kept as it was. */
static void test_failed_write_leaves_nothing(void **state)
{
    char *dir = vgfix_tmpdir("out-fail"), *before, *after;
    static const char *const only_ok[] = {"deep.json"};
    struct vg_diag *d = NULL;
    struct vg_out *o = NULL;
    json_t *ok = json_pack("[i]", 1), *deep = json_array(), *v;
    size_t i, lb, la;
    (void)state;

    assert_non_null(dir);
    v = json_array();
    for (i = 0; i < VG_MAX_JSON_DEPTH + 8; i++) {
        json_t *outer = json_array();
        json_array_append_new(outer, v);
        v = outer;
    }
    json_array_append_new(deep, json_integer(1));
    json_array_append_new(deep, v); /* the first record streams out, then this fails */
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_out_new(dir, d, &o), VG_OK);
    assert_int_equal(vg_out_module(o, "deep", deep, NULL), VG_E_LIMIT);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 1);
    assert_dir_holds(dir, NULL, 0);

    assert_int_equal(vg_out_module(o, "deep", ok, NULL), VG_OK);
    before = read_whole(dir, "deep.json", &lb);
    assert_int_equal(vg_out_module(o, "deep", deep, NULL), VG_E_LIMIT);
    after = read_whole(dir, "deep.json", &la);
    assert_non_null(before);
    assert_non_null(after);
    assert_int_equal(la, lb);
    assert_memory_equal(before, after, la);
    assert_dir_holds(dir, only_ok, 1);

    free(before);
    free(after);
    vg_out_free(o);
    vg_diag_free(d);
    json_decref(ok);
    json_decref(deep);
    vgfix_rmtree(dir);
    free(dir);
}

static void test_refuses_bad_names(void **state)
{
    static const char *const bad[] = {"", "../x", "a/b", ".hidden", "sp ace", "nl\n", "..", "/abs"};
    char *dir = vgfix_tmpdir("out-names");
    struct vg_diag *d = NULL;
    struct vg_out *o = NULL;
    struct vg_out_records *r = NULL;
    json_t *recs = json_pack("[i]", 1);
    size_t i;
    (void)state;

    assert_non_null(dir);
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    assert_int_equal(vg_out_new(dir, d, &o), VG_OK);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(vg_out_write_file(o, bad[i], "x", 1), VG_E_INVAL);
        assert_int_equal(vg_out_module(o, bad[i], recs, NULL), VG_E_INVAL);
        assert_int_equal(vg_out_records_begin(o, bad[i], &r), VG_E_INVAL);
    }
    assert_int_equal(vg_out_module(o, NULL, recs, NULL), VG_E_INVAL);
    assert_dir_holds(dir, NULL, 0);
    /* each refusal said once, on one line */
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 3 * (sizeof(bad) / sizeof(bad[0])) + 1);
    for (i = 0; i < vg_diag_size(d); i++)
        assert_null(strchr(vg_diag_get(d, i)->message, '\n'));
    assert_non_null(strstr(vg_diag_get(d, 3)->message, "\"../x\""));
    assert_non_null(strstr(vg_diag_get(d, 4)->message, "\"../x.json\""));
    vg_diag_free(d);
    vg_out_free(o);
    json_decref(recs);
    vgfix_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_scan),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_streaming_equals_whole),
        cmocka_unit_test(test_refuses_a_file),
        cmocka_unit_test(test_creates_private_parents),
        cmocka_unit_test(test_stale_files_removed),
        cmocka_unit_test(test_failed_write_leaves_nothing),
        cmocka_unit_test(test_refuses_bad_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
