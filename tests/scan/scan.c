/*
 * The engine on its own, with a fake source and fake modules: records
 * streamed to <module>.json, alerts and the timeline in module order however
 * the modules shared the cores, coverage for the kinds of place a source
 * has, saved records, allocation failures, the record cap, and the verdict
 * when something could not be read.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "scan/checks.h"
#include "scan/scan.h"

/* ---- a source of named files in memory ---- */

struct mem_file {
    const char *path;
    const char *data;
};

static const struct mem_file mem_files[] = {
    {"a.txt", "alpha\nbeta\n"},
    {"b.txt", "gamma\n"},
    {"logs/c.txt", "delta\nevil.example.org\n"},
};

static int mem_find(void *self, const struct vg_loc *loc,
                    int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    size_t i;
    int n = 0, rc;

    VG_UNUSED(self);
    VG_UNUSED(diag);
    if (loc->kind != VG_LOC_FS)
        return VG_E_NOTFOUND;
    for (i = 0; i < VG_ARRAY_LEN(mem_files); i++) {
        struct vg_file f;
        if (fnmatch(loc->path, mem_files[i].path, FNM_PATHNAME) != 0)
            continue;
        memset(&f, 0, sizeof(f));
        f.loc = loc;
        f.display = mem_files[i].path;
        f.path = mem_files[i].path;
        f.handle = &mem_files[i];
        rc = cb(ud, &f);
        if (rc != VG_OK)
            return rc;
        n++;
    }
    return n;
}

static int mem_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    const struct mem_file *m = f->handle;

    VG_UNUSED(self);
    VG_UNUSED(diag);
    return vg_io_memory(m->data, strlen(m->data), NULL, NULL, out);
}

static const struct vg_source_ops mem_ops = {.find = mem_find, .open = mem_open};

/* Saved records for module "lines" only. */
static int saved_records(void *self, const char *name, int (*cb)(void *ud, json_t *rec), void *ud,
                         struct vg_diag *diag)
{
    static const char *const words[] = {"x", "evil.example.org", "y"};
    size_t i;
    int rc = VG_OK;

    VG_UNUSED(self);
    VG_UNUSED(diag);
    if (strcmp(name, "lines") != 0)
        return VG_E_NOTFOUND;
    for (i = 0; rc == VG_OK && i < VG_ARRAY_LEN(words); i++)
        rc = cb(ud, json_pack("{s:s, s:s, s:I}", "file", "saved", "line", words[i], "n",
                              (json_int_t)i));
    return rc;
}

static const struct vg_source_ops saved_ops = {.records = saved_records};

/* ---- modules ---- */

enum { F_FILE, F_LINE, F_N };
static const char *const line_fields[] = {"file", "line", "n"};
static const char *const line_keys[] = {"file", "line", "n"};

static const struct vg_loc all_txt[] = {
    {VG_LOC_FS, NULL, "*.txt"},
    {VG_LOC_FS, NULL, "logs/*.txt"},
    {VG_LOC_BACKUP, "HomeDomain", "nothing.db"}, /* a place this source does not have */
};
static const struct vg_loc missing[] = {{VG_LOC_FS, NULL, "absent/*.db"}};

struct lines_ud {
    const struct vg_schema *s;
};

static int line_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    const struct vg_schema **s = ud;
    unsigned char *data = NULL;
    size_t len = 0, off = 0;
    int64_t n = 0;
    int rc = vg_run_read(run, f, 4096, &data, &len);

    while (rc == VG_OK && off < len) {
        const unsigned char *nl = memchr(data + off, '\n', len - off);
        size_t k = nl ? (size_t)(nl - (data + off)) : len - off;
        struct vg_rec *r = vg_run_rec(run, *s);
        assert_non_null(r);
        vg_rec_set_text(r, F_FILE, f->path);
        vg_rec_set_textn(r, F_LINE, (const char *)data + off, k);
        vg_rec_set_int(r, F_N, n++);
        rc = vg_run_emit(run, r);
        off += k + 1;
    }
    vg_run_free_data(data, len);
    return rc;
}

static int lines_extract(struct vg_run *run)
{
    const struct vg_schema *s = NULL;
    int rc = vg_run_schema(run, line_keys, 3, &s);

    return rc == VG_OK ? vg_run_find_all(run, line_file, &s) : rc;
}

static void lines_check(struct vg_run *run, const struct vg_rec *r)
{
    vg_check_text(run, VG_LEVEL_HIGH, r, vg_rec_text(r, F_LINE), "2024-01-01 00:00:00.000000");
}

static void lines_timeline(struct vg_run *run, const struct vg_rec *r)
{
    /* every event at one time: only the order key orders them */
    vg_run_timeline(run, "2024-01-01 00:00:00.000000", "line", vg_rec_time(r, F_LINE));
    vg_run_timeline(run, "2024-01-01 00:00:00.000000", "line", vg_rec_time(r, F_LINE));
}

static const struct vg_module lines_mod = {
    .name = "lines",
    .class_name = "Lines",
    .description = "test",
    .locs = all_txt,
    .n_locs = VG_ARRAY_LEN(all_txt),
    .fields = line_fields,
    .n_fields = VG_ARRAY_LEN(line_fields),
    .extract = lines_extract,
    .check_record = lines_check,
    .timeline = lines_timeline,
};

/* Same records under another name, so two modules write at once. */
static const struct vg_module lines2_mod = {
    .name = "lines2",
    .class_name = "Lines2",
    .description = "test",
    .locs = all_txt,
    .n_locs = VG_ARRAY_LEN(all_txt),
    .fields = line_fields,
    .n_fields = VG_ARRAY_LEN(line_fields),
    .extract = lines_extract,
    .check_record = lines_check,
    .timeline = lines_timeline,
};

static int ignore_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    VG_UNUSED(run);
    VG_UNUSED(f);
    VG_UNUSED(ud);
    return VG_OK;
}

static int none_extract(struct vg_run *run)
{
    return vg_run_find_all(run, ignore_file, NULL);
}

static const struct vg_module missing_mod = {
    .name = "missing",
    .class_name = "Missing",
    .description = "test",
    .locs = missing,
    .n_locs = 1,
    .extract = none_extract,
};

/* Marks a record failed, as an allocation failure would. */
static int failing_extract(struct vg_run *run)
{
    const struct vg_schema *s = NULL;
    struct vg_rec *r;

    assert_int_equal(vg_run_schema(run, line_keys, 3, &s), VG_OK);
    r = vg_run_rec(run, s);
    vg_rec_set_text(r, F_LINE, "half");
    r->failed = 1;
    return vg_run_emit(run, r);
}

static const struct vg_module failing_mod = {
    .name = "failing",
    .class_name = "Failing",
    .description = "test",
    .extract = failing_extract,
};

static int unreadable_extract(struct vg_run *run)
{
    vg_run_coverage(run, VG_COV_UNREADABLE, "x.db", "not a SQLite database");
    return VG_OK;
}

static const struct vg_module unreadable_mod = {
    .name = "unreadable",
    .class_name = "Unreadable",
    .description = "test",
    .extract = unreadable_extract,
};

/* ---- running ---- */

static const char bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Test\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[domain-name:value = "
    "'example.org']\",\"pattern_type\":\"stix\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"indicates\","
    "\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"}]}";

static int run_scan(const struct vg_source_ops *ops, const struct vg_module *const *mods, size_t n,
                    const char *out, struct vg_summary *sum)
{
    struct vg_source *src = NULL;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_scan s;
    int rc;

    assert_int_equal(vg_source_alloc(".", &src), VG_OK);
    src->ops = ops;
    src->kind = "test";
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(iocs, "t.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = out;
    so.command_line = "test";
    assert_int_equal(vg_scan_init(&s, iocs, &so, diag, sum, src), VG_OK);
    rc = vg_scan_run(&s, mods, n);
    vg_scan_cleanup(&s);
    vg_source_free(src);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    return rc;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static char *read_out(const char *dir, const char *name)
{
    char path[4096];
    size_t len;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return vgfix_read_file(path, &len);
}

static void test_records_streamed(void **state)
{
    const struct vg_module *mods[] = {&lines_mod};
    char *dir = vgfix_tmpdir("scan-rec"), *json;
    struct vg_summary sum;
    (void)state;

    assert_int_equal(run_scan(&mem_ops, mods, 1, dir, &sum), VG_OK);
    assert_int_equal(sum.records, 5);
    assert_int_equal(sum.alerts[VG_LEVEL_HIGH], 1);
    json = read_out(dir, "lines.json");
    assert_non_null(json);
    assert_string_equal(json,
                        "[\n    {\n        \"file\": \"a.txt\",\n        \"line\": \"alpha\",\n"
                        "        \"n\": 0\n    },\n    {\n        \"file\": \"a.txt\",\n"
                        "        \"line\": \"beta\",\n        \"n\": 1\n    },\n    {\n"
                        "        \"file\": \"b.txt\",\n        \"line\": \"gamma\",\n"
                        "        \"n\": 0\n    },\n    {\n        \"file\": \"logs/c.txt\",\n"
                        "        \"line\": \"delta\",\n        \"n\": 0\n    },\n    {\n"
                        "        \"file\": \"logs/c.txt\",\n        \"line\": "
                        "\"evil.example.org\",\n        \"n\": 1\n    }\n]");
    free(json);
    vgfix_rmtree(dir);
    free(dir);
}

/* Two modules at once: the same bytes whatever the scheduling, alerts and
 * events in module order, a module's repeated events given once. */
static void test_parallel_deterministic(void **state)
{
    const struct vg_module *mods[] = {&lines_mod, &lines2_mod, &missing_mod};
    char *d1 = vgfix_tmpdir("scan-par1"), *d2 = vgfix_tmpdir("scan-par2");
    char *t1, *t2, *a1, *a2, *second;
    struct vg_summary sum;
    int i;
    (void)state;

    assert_int_equal(run_scan(&mem_ops, mods, 3, d1, &sum), VG_OK);
    t1 = read_out(d1, "timeline.csv");
    a1 = read_out(d1, "alerts.json");
    for (i = 0; i < 5; i++) {
        assert_int_equal(run_scan(&mem_ops, mods, 3, d2, &sum), VG_OK);
        t2 = read_out(d2, "timeline.csv");
        a2 = read_out(d2, "alerts.json");
        assert_string_equal(t1, t2);
        assert_string_equal(a1, a2);
        free(t2);
        free(a2);
    }
    /* Lines' five events (each added twice) before Lines2's */
    second = strstr(t1, "Lines2");
    assert_non_null(second);
    assert_null(strstr(second, "\"Lines\""));
    assert_int_equal(count_lines(t1), 1 + 10);
    assert_true(strstr(a1, "\"module\": \"lines\"") < strstr(a1, "\"module\": \"lines2\""));
    free(t1);
    free(a1);
    vgfix_rmtree(d1);
    vgfix_rmtree(d2);
    free(d1);
    free(d2);
}

static void test_coverage_kinds(void **state)
{
    const struct vg_module *mods[] = {&lines_mod, &missing_mod};
    char *dir = vgfix_tmpdir("scan-cov"), *info;
    struct vg_summary sum;
    (void)state;

    assert_int_equal(run_scan(&mem_ops, mods, 2, dir, &sum), VG_OK);
    info = read_out(dir, "info.json");
    assert_non_null(info);
    /* found files, a missing place, nothing about the kind this source lacks */
    assert_non_null(strstr(info, "\"artifact\": \"logs/c.txt\""));
    assert_non_null(strstr(info, "\"artifact\": \"absent/*.db\""));
    assert_null(strstr(info, "nothing.db"));
    assert_non_null(strstr(info, "\"status\": \"DETECTIONS\""));
    free(info);
    vgfix_rmtree(dir);
    free(dir);
}

static void test_saved_records(void **state)
{
    const struct vg_module *mods[] = {&lines_mod, &missing_mod};
    char *dir = vgfix_tmpdir("scan-saved"), *json;
    struct vg_summary sum;
    (void)state;

    assert_int_equal(run_scan(&saved_ops, mods, 2, dir, &sum), VG_OK);
    assert_int_equal(sum.modules_run, 1); /* no saved results for the other */
    assert_int_equal(sum.records, 3);
    assert_int_equal(sum.alerts[VG_LEVEL_HIGH], 1);
    json = read_out(dir, "lines.json");
    assert_non_null(strstr(json, "\"line\": \"evil.example.org\""));
    free(json);
    vgfix_rmtree(dir);
    free(dir);
}

/* A record that lost a value is never written; the scan says why. */
static void test_failed_record_not_written(void **state)
{
    const struct vg_module *mods[] = {&failing_mod};
    char *dir = vgfix_tmpdir("scan-fail"), *json;
    struct vg_summary sum;
    (void)state;

    assert_int_equal(run_scan(&mem_ops, mods, 1, dir, &sum), VG_E_NOMEM);
    json = read_out(dir, "failing.json");
    assert_null(json);
    vgfix_rmtree(dir);
    free(dir);
}

static void test_incomplete_verdict(void **state)
{
    const struct vg_module *mods[] = {&unreadable_mod};
    char *dir = vgfix_tmpdir("scan-inc"), *info;
    struct vg_summary sum;
    (void)state;

    assert_int_equal(run_scan(&mem_ops, mods, 1, dir, &sum), VG_OK);
    assert_int_equal(sum.unread, 1);
    assert_string_equal(vg_summary_verdict(&sum), "INCOMPLETE");
    info = read_out(dir, "info.json");
    assert_non_null(strstr(info, "\"status\": \"INCOMPLETE\""));
    assert_non_null(strstr(info, "Unreadable: x.db"));
    free(info);
    vgfix_rmtree(dir);
    free(dir);
}

/* ---- an acquisition inside another ---- */

/* The inner acquisition: the same files with other words. */
static const struct mem_file inner_files[] = {
    {"a.txt", "inner\n"},
    {"logs/c.txt", "evil.example.org inside\n"},
};

static int inner_find(void *self, const struct vg_loc *loc,
                      int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    size_t i;
    int n = 0, rc;

    VG_UNUSED(self);
    VG_UNUSED(diag);
    if (loc->kind != VG_LOC_FS)
        return VG_E_NOTFOUND;
    for (i = 0; i < VG_ARRAY_LEN(inner_files); i++) {
        struct vg_file f;
        if (fnmatch(loc->path, inner_files[i].path, FNM_PATHNAME) != 0)
            continue;
        memset(&f, 0, sizeof(f));
        f.loc = loc;
        f.display = inner_files[i].path;
        f.path = inner_files[i].path;
        f.handle = &inner_files[i];
        if ((rc = cb(ud, &f)) != VG_OK)
            return rc;
        n++;
    }
    return n;
}

static int inner_prepared;

static int inner_prepare(void *self, const struct vg_loc *const *locs, size_t n,
                         struct vg_diag *diag)
{
    VG_UNUSED(self);
    VG_UNUSED(locs);
    VG_UNUSED(diag);
    inner_prepared += (int)n > 0;
    return VG_OK;
}

static const struct vg_source_ops inner_ops = {
    .prepare = inner_prepare, .find = inner_find, .open = mem_open};

static int nested_there = 1;

/* The outer source hands over the inner one when it has it. */
static int outer_nested(void *self, enum vg_kind kind, struct vg_diag *diag, struct vg_source **out)
{
    struct vg_source *inner = NULL;

    VG_UNUSED(self);
    VG_UNUSED(diag);
    assert_int_equal(kind, VG_KIND_BUGREPORT);
    if (!nested_there)
        return VG_E_NOTFOUND;
    assert_int_equal(vg_source_alloc(".", &inner), VG_OK);
    free(inner->path);
    inner->path = strdup("inner.zip");
    inner->ops = &inner_ops;
    inner->kind = "inner";
    inner->platform = VG_PLATFORM_ANDROID;
    vg_source_fact(inner, "from_inner", json_string("yes"));
    *out = inner;
    return VG_OK;
}

static const struct vg_source_ops outer_ops = {
    .find = mem_find, .open = mem_open, .nested = outer_nested};

/* Saved results of a scan with a nested acquisition: its records under
 * the prefixed name. */
static int saved_nested(void *self, const char *name, int (*cb)(void *ud, json_t *rec), void *ud,
                        struct vg_diag *diag)
{
    VG_UNUSED(self);
    VG_UNUSED(diag);
    if (strcmp(name, "inner_lines") != 0)
        return VG_E_NOTFOUND;
    return cb(ud,
              json_pack("{s:s, s:s, s:i}", "file", "saved", "line", "evil.example.org", "n", 0));
}

static const struct vg_source_ops saved_nested_ops = {.records = saved_nested};

static int run_nested(const struct vg_source_ops *ops, const char *const *only, size_t n_only,
                      const char *out, struct vg_summary *sum, char **diag_text)
{
    const struct vg_module *mods[] = {&lines_mod};
    const struct vg_scan_nest nest = {VG_KIND_BUGREPORT, "inner_", mods, 1};
    struct vg_source *src = NULL;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_scan s;
    size_t i;
    int rc;

    assert_int_equal(vg_source_alloc(".", &src), VG_OK);
    src->ops = ops;
    src->kind = "outer";
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(iocs, "t.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = out;
    so.command_line = "test";
    so.modules = only;
    so.n_modules = n_only;
    assert_int_equal(vg_scan_init(&s, iocs, &so, diag, sum, src), VG_OK);
    rc = vg_scan_run_nested(&s, mods, 1, &nest, 1);
    vg_scan_cleanup(&s);
    *diag_text = strdup("");
    for (i = 0; i < vg_diag_size(diag); i++) {
        const struct vg_diag_entry *e = vg_diag_get(diag, i);
        size_t k = strlen(*diag_text), add = strlen(e->where) + strlen(e->message) + 4;
        *diag_text = realloc(*diag_text, k + add);
        snprintf(*diag_text + k, add, "%s: %s\n", e->where, e->message);
    }
    vg_source_free(src);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    return rc;
}

/* The inner acquisition's modules run after the outer ones, on its files,
 * their results under prefixed names; nothing collides. */
static void test_nested_prefixed(void **state)
{
    char *dir = vgfix_tmpdir("scan-nest"), *outer, *inner, *alerts, *info, *diag;
    struct vg_summary sum;
    (void)state;

    nested_there = 1;
    inner_prepared = 0;
    assert_int_equal(run_nested(&outer_ops, NULL, 0, dir, &sum, &diag), VG_OK);
    assert_int_equal(inner_prepared, 1);
    assert_int_equal(sum.modules_run, 2);
    assert_int_equal(sum.records, 5 + 2);
    assert_int_equal(sum.alerts[VG_LEVEL_HIGH], 2);
    outer = read_out(dir, "lines.json");
    inner = read_out(dir, "inner_lines.json");
    assert_non_null(outer);
    assert_non_null(inner);
    assert_non_null(strstr(inner, "\"line\": \"evil.example.org inside\""));
    assert_null(strstr(outer, "inside"));
    free(inner);
    inner = read_out(dir, "inner_lines_detected.json");
    assert_non_null(inner);
    alerts = read_out(dir, "alerts.json");
    /* in order: the outer module's alert, then the inner one's */
    assert_non_null(strstr(alerts, "\"module\": \"lines\""));
    assert_true(strstr(alerts, "\"module\": \"lines\"") <
                strstr(alerts, "\"module\": \"inner_lines\""));
    info = read_out(dir, "info.json");
    assert_non_null(strstr(info, "\"inner_lines\": {"));
    assert_non_null(strstr(info, "\"from_inner\": \"yes\""));
    free(outer);
    free(inner);
    free(alerts);
    free(info);
    free(diag);
    vgfix_rmtree(dir);
    free(dir);
}

/* -m picks the outer module, the inner one, or both by the bare name. */
static void test_nested_selection(void **state)
{
    static const char *const prefixed[] = {"inner_lines"};
    static const char *const bare[] = {"Lines"};
    char *dir = vgfix_tmpdir("scan-nestsel"), *diag, *json;
    struct vg_summary sum;
    (void)state;

    nested_there = 1;
    assert_int_equal(run_nested(&outer_ops, prefixed, 1, dir, &sum, &diag), VG_OK);
    assert_int_equal(sum.modules_run, 1);
    json = read_out(dir, "lines.json");
    assert_null(json);
    free(diag);
    assert_int_equal(run_nested(&outer_ops, bare, 1, dir, &sum, &diag), VG_OK);
    assert_int_equal(sum.modules_run, 2);
    free(diag);
    vgfix_rmtree(dir);
    free(dir);
}

/* No inner acquisition: its modules do not run, and the scan says so. */
static void test_nested_absent(void **state)
{
    char *dir = vgfix_tmpdir("scan-nestabs"), *diag, *json;
    struct vg_summary sum;
    (void)state;

    nested_there = 0;
    assert_int_equal(run_nested(&outer_ops, NULL, 0, dir, &sum, &diag), VG_OK);
    assert_int_equal(sum.modules_run, 1);
    assert_int_equal(sum.unread, 0);
    assert_non_null(strstr(diag, "no bugreport in this acquisition"));
    json = read_out(dir, "inner_lines.json");
    assert_null(json);
    nested_there = 1;
    free(diag);
    vgfix_rmtree(dir);
    free(dir);
}

/* check-iocs finds the inner results under their prefixed names. */
static void test_nested_rechecked(void **state)
{
    char *dir = vgfix_tmpdir("scan-nestre"), *diag, *json;
    struct vg_summary sum;
    (void)state;

    assert_int_equal(run_nested(&saved_nested_ops, NULL, 0, dir, &sum, &diag), VG_OK);
    assert_int_equal(sum.modules_run, 1);
    assert_int_equal(sum.alerts[VG_LEVEL_HIGH], 1);
    json = read_out(dir, "inner_lines.json");
    assert_non_null(json);
    free(json);
    free(diag);
    vgfix_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_streamed),
        cmocka_unit_test(test_parallel_deterministic),
        cmocka_unit_test(test_coverage_kinds),
        cmocka_unit_test(test_saved_records),
        cmocka_unit_test(test_failed_record_not_written),
        cmocka_unit_test(test_incomplete_verdict),
        cmocka_unit_test(test_nested_prefixed),
        cmocka_unit_test(test_nested_selection),
        cmocka_unit_test(test_nested_absent),
        cmocka_unit_test(test_nested_rechecked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
