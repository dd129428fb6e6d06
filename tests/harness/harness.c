/* SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#define MVT_DIR     "mvt-artifacts"
#define MVT_RESULTS MVT_DIR "/mvt-results/ios-backup-testiocs"

/* ---- runs ---- */

char *vgh_bundle(const char *const *patterns)
{
    json_t *objs = json_array(), *bundle;
    char *text;
    size_t i;

    json_array_append_new(objs, json_pack("{s:s, s:s, s:s}", "type", "malware", "id",
                                          "malware--00000000-0000-4000-8000-000000000001", "name",
                                          "TestMalware"));
    for (i = 0; patterns && patterns[i]; i++) {
        char id[64], rid[64];
        snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012zu", i + 1);
        snprintf(rid, sizeof(rid), "relationship--00000000-0000-4000-8000-%012zu", i + 1);
        json_array_append_new(objs, json_pack("{s:s, s:s, s:s, s:s}", "type", "indicator", "id", id,
                                              "pattern", patterns[i], "pattern_type", "stix"));
        json_array_append_new(objs, json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "relationship",
                                              "id", rid, "relationship_type", "indicates",
                                              "source_ref", id, "target_ref",
                                              "malware--00000000-0000-4000-8000-000000000001"));
    }
    bundle = json_pack("{s:s, s:s, s:o}", "type", "bundle", "id",
                       "bundle--00000000-0000-4000-8000-000000000000", "objects", objs);
    text = json_dumps(bundle, JSON_INDENT(2));
    json_decref(bundle);
    return text;
}

static void diag_cb(void *ud, const struct vg_diag_entry *e)
{
    struct vgh_result *r = ud;
    size_t old = r->diag_text ? strlen(r->diag_text) : 0;
    size_t add = strlen(e->where) + strlen(e->message) + 16;
    char *n;

    if (e->level < VG_DIAG_INFO)
        return;
    if (e->level >= VG_DIAG_WARN)
        r->warnings++;
    n = realloc(r->diag_text, old + add);
    if (!n)
        return;
    snprintf(n + old, add, "%s: %s\n", e->where, e->message);
    r->diag_text = n;
}

static json_t *load_or_empty(const char *dir, const char *name)
{
    char path[4096];
    json_t *j;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    j = json_load_file(path, 0, NULL);
    return j ? j : json_array();
}

int vgh_no_recover;
int vgh_no_correlate;

void vgh_run_src(enum vg_kind kind, const char *dir, const char *bundle, const char *module,
                 int fast, struct vgh_result *r)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    const char *mods[1];
    char *out = vgfix_tmpdir("harness-out");
    char name[256], path[4096];

    memset(r, 0, sizeof(*r));
    r->diag_text = strdup("");
    if (vg_diag_new(diag_cb, r, &diag) != VG_OK)
        abort();
    if (vg_iocs_new(&iocs) != VG_OK)
        abort();
    if (bundle &&
        vg_iocs_load_buffer(iocs, "test-indicators.stix2", bundle, strlen(bundle), diag) != VG_OK)
        abort();
    memset(&so, 0, sizeof(so));
    mods[0] = module;
    so.target = dir;
    so.output_dir = out;
    so.modules = module ? mods : NULL;
    so.n_modules = module ? 1 : 0;
    so.command_line = "vigie test";
    so.fast = fast;
    so.no_recover = vgh_no_recover;
    so.no_correlate = vgh_no_correlate;
    r->rc = vgfix_check(kind, so.target, iocs, &so, NULL, diag, &r->sum);
    if (module) {
        snprintf(name, sizeof(name), "%s.json", module);
        r->records = load_or_empty(out, name);
        snprintf(name, sizeof(name), "%s_detected.json", module);
        r->alerts = load_or_empty(out, name);
        snprintf(name, sizeof(name), "%s_recovered.json", module);
        r->recovered = load_or_empty(out, name);
    } else {
        r->records = json_array();
        r->recovered = json_array();
        r->alerts = load_or_empty(out, "alerts.json");
    }
    r->info = load_or_empty(out, "info.json");
    snprintf(path, sizeof(path), "%s/timeline.csv", out);
    r->timeline = vgfix_read_file(path, NULL);
    if (!r->timeline)
        r->timeline = strdup("");
    vgfix_rmtree(out);
    free(out);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

void vgh_run(const char *dir, const char *bundle, const char *module, struct vgh_result *r)
{
    vgh_run_src(VG_KIND_IOS_BACKUP, dir, bundle, module, 0, r);
}

void vgh_run_fs(const char *dir, const char *bundle, const char *module, struct vgh_result *r)
{
    vgh_run_src(VG_KIND_IOS_FS, dir, bundle, module, 0, r);
}

void vgh_run_dump(const struct vgfix_fs *fs, const char *const *patterns, const char *module,
                  int fast, struct vgh_result *r)
{
    vgh_run_dump_kind(VG_KIND_IOS_FS, fs, patterns, module, fast, r);
}

void vgh_run_dump_kind(enum vg_kind kind, const struct vgfix_fs *fs, const char *const *patterns,
                       const char *module, int fast, struct vgh_result *r)
{
    char *dir = vgfix_tmpdir("fs-dump"), *bundle = patterns ? vgh_bundle(patterns) : NULL;
    char path[4096];

    snprintf(path, sizeof(path), "%s/dump", dir);
    assert_int_equal(vgfix_fs_write_folder(fs, path, ""), 0);
    vgh_run_src(kind, path, bundle, module, fast, r);
    free(bundle);
    vgfix_rmtree(dir);
    free(dir);
    assert_int_equal(r->rc, VG_OK);
}

void vgh_fs_sql(struct vgfix_fs *fs, const char *path, const char *sql)
{
    char *dir = vgfix_tmpdir("fs-db"), db[4096];

    snprintf(db, sizeof(db), "%s/x.db", dir);
    assert_int_equal(vgfix_sqlite_exec(db, sql), 0);
    assert_int_equal(vgfix_fs_file_from(fs, path, db, 0), 0);
    vgfix_rmtree(dir);
    free(dir);
}

void vgh_result_free(struct vgh_result *r)
{
    json_decref(r->records);
    json_decref(r->alerts);
    json_decref(r->recovered);
    json_decref(r->info);
    free(r->timeline);
    free(r->diag_text);
    memset(r, 0, sizeof(*r));
}

void vgh_run_ok(const char *dir, const char *const *patterns, const char *module,
                struct vgh_result *r)
{
    char *bundle = patterns ? vgh_bundle(patterns) : NULL;

    vgh_run(dir, bundle, module, r);
    free(bundle);
    assert_int_equal(r->rc, VG_OK);
}

void vgh_run_unreadable(const char *dir, const char *const *patterns, const char *module,
                        const char *names, struct vgh_result *r)
{
    vgh_run_ok(dir, patterns, module, r);
    assert_int_equal(json_array_size(r->records), 0);
    assert_true(r->warnings >= 1);
    if (names)
        assert_non_null(strstr(r->diag_text, names));
}

void vgh_check_saved(const char *module, const char *records_json, const char *bundle,
                     struct vgh_check *c)
{
    char *in = vgfix_tmpdir("vgh-ci"), *out = vgfix_tmpdir("vgh-ci-out"), name[256], *path;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;

    memset(c, 0, sizeof(*c));
    snprintf(name, sizeof(name), "%s.json", module);
    path = vgh_path_join(in, name);
    assert_int_equal(vgfix_write_file(path, records_json, strlen(records_json)), 0);
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
    assert_int_equal(vgfix_check(VG_KIND_RESULTS, so.target, iocs, &so, NULL, diag, &c->sum),
                     VG_OK);
    c->records = load_or_empty(out, name);
    snprintf(name, sizeof(name), "%s_detected.json", module);
    c->alerts = load_or_empty(out, name);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    vgh_cleanup(in);
    vgh_cleanup(out);
}

void vgh_check_free(struct vgh_check *c)
{
    json_decref(c->alerts);
    json_decref(c->records);
    memset(c, 0, sizeof(*c));
}

json_t *vgh_check_records(const char *module, const json_t *records, const char *bundle)
{
    char *text = json_dumps(records, JSON_INDENT(4));
    struct vgh_check c;

    assert_non_null(text);
    vgh_check_saved(module, text, bundle, &c);
    free(text);
    json_decref(c.records);
    return c.alerts;
}

json_t *vgh_check_patterns(const char *module, const json_t *records, const char *const *patterns)
{
    char *bundle = vgh_bundle(patterns);
    json_t *alerts = vgh_check_records(module, records, bundle);

    free(bundle);
    return alerts;
}

/* ---- fixture backups ---- */

char *vgh_path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

void vgh_cleanup(char *dir)
{
    vgfix_rmtree(dir);
    free(dir);
}

/* Writes file i of a vgh_file list at path. */
static void put_file(const char *path, size_t i, const void *ud)
{
    const struct vgh_file *f = (const struct vgh_file *)ud + i;

    if (f->fill)
        f->fill(path);
    else if (f->sql)
        assert_int_equal(vgfix_sqlite_exec(path, f->sql), 0);
    else
        assert_int_equal(vgfix_write_file(path, f->raw, f->raw_len), 0);
}

/* A backup of n files: file i at domains[i]/relpaths[i], written first at a
 * work path by put. */
static char *backup_of(size_t n, const char *const *domains, const char *const *relpaths,
                       void (*put)(const char *path, size_t i, const void *ud), const void *ud)
{
    char *dir = vgfix_tmpdir("vgh"), *work = vgfix_tmpdir("vgh-src");
    struct vgfix_backup *b;
    size_t i;

    assert_non_null(dir);
    assert_non_null(work);
    b = vgfix_backup_new(dir);
    assert_non_null(b);
    for (i = 0; i < n; i++) {
        char name[32], *src;
        snprintf(name, sizeof(name), "f%zu", i);
        src = vgh_path_join(work, name);
        put(src, i, ud);
        assert_int_equal(vgfix_backup_add_file_from(b, domains[i], relpaths[i], src), 0);
        free(src);
    }
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    vgh_cleanup(work);
    return dir;
}

char *vgh_backup(const struct vgh_file *files, size_t n)
{
    const char **d = calloc(n + 1, sizeof(*d)), **r = calloc(n + 1, sizeof(*r));
    char *dir;
    size_t i;

    assert_non_null(d);
    assert_non_null(r);
    for (i = 0; i < n; i++) {
        d[i] = files[i].domain;
        r[i] = files[i].relpath;
    }
    dir = backup_of(n, d, r, put_file, files);
    free(d);
    free(r);
    return dir;
}

char *vgh_backup_bytes(const char *domain, const char *relpath, const void *data, size_t len)
{
    char *dir = vgfix_tmpdir("vgh");
    struct vgfix_backup *b;

    assert_non_null(dir);
    b = vgfix_backup_new(dir);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_add_file(b, domain, relpath, data, len), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    return dir;
}

char *vgh_backup_plist(const char *domain, const char *relpath, plist_t p, enum vgfix_plist_fmt fmt)
{
    char *data = NULL, *dir;
    size_t len = 0;

    assert_non_null(p);
    assert_int_equal(vgfix_plist_to_mem(p, fmt, &data, &len), 0);
    plist_free(p);
    dir = vgh_backup_bytes(domain, relpath, data, len);
    free(data);
    return dir;
}

struct one_file {
    void (*fill)(const char *db);
    const char *raw;
    const char *sql[2];
};

static void put_one(const char *path, size_t i, const void *ud)
{
    const struct one_file *o = ud;

    (void)i;
    if (o->fill)
        o->fill(path);
    else if (o->raw)
        assert_int_equal(vgfix_write_file(path, o->raw, strlen(o->raw)), 0);
    for (i = 0; i < 2 && o->sql[i]; i++)
        assert_int_equal(vgfix_sqlite_exec(path, o->sql[i]), 0);
}

char *vgh_backup_db(const char *domain, const char *relpath, void (*fill)(const char *db),
                    const char *raw)
{
    struct one_file o = {fill, raw, {NULL, NULL}};
    return backup_of(1, &domain, &relpath, put_one, &o);
}

char *vgh_backup_sql(const char *domain, const char *relpath, const char *sql, const char *sql2)
{
    struct one_file o = {NULL, NULL, {sql, sql2}};
    return backup_of(1, &domain, &relpath, put_one, &o);
}

/* ---- MVT's test backup and results ---- */

char *vgh_mvt_bundle(void)
{
    char *p = vgfix_shared_path(MVT_DIR "/stix2/test-indicators.stix2");
    char *text = p ? vgfix_read_file(p, NULL) : NULL;

    if (!text)
        printf("skipped: ../shared/" MVT_DIR " is not there\n");
    free(p);
    return text;
}

char *vgh_mvt_result_text(const char *name)
{
    char rel[512], *p, *text;

    snprintf(rel, sizeof(rel), MVT_RESULTS "/%s", name);
    p = vgfix_shared_path(rel);
    text = p ? vgfix_read_file(p, NULL) : NULL;
    free(p);
    return text;
}

json_t *vgh_mvt_result(const char *name)
{
    char *text = vgh_mvt_result_text(name);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;

    free(text);
    return j;
}

int vgh_run_mvt_backup(const char *module, struct vgh_result *r)
{
    char *backup = vgfix_shared_path(MVT_DIR "/ios_backup");
    char *bundle = backup ? vgh_mvt_bundle() : NULL;
    int ok = backup && bundle;

    if (ok) {
        vgh_run(backup, bundle, module, r);
        assert_int_equal(r->rc, VG_OK);
        assert_int_equal(r->sum.modules_run, 1);
    } else if (!backup) {
        printf("skipped: ../shared/" MVT_DIR " is not there\n");
    }
    free(backup);
    free(bundle);
    return ok;
}

void vgh_mvt_backup_empty(const char *module)
{
    struct vgh_result r;

    if (!vgh_run_mvt_backup(module, &r))
        skip();
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(json_array_size(r.alerts), 0);
    vgh_result_free(&r);
}

void vgh_mvt_backup_absent(const char *module, const char *relpath)
{
    struct vgh_result r;
    const char *p;
    size_t absent = 0;

    if (!vgh_run_mvt_backup(module, &r))
        skip();
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(json_array_size(r.alerts), 0);
    assert_int_equal(vgh_coverage(&r, module, "absent", relpath), 1);
    assert_int_equal(vgh_coverage(&r, module, "found", NULL), 0);
    for (p = r.diag_text; (p = strstr(p, "is listed but absent")) != NULL; p++)
        absent++;
    assert_int_equal(absent, 1);
    assert_int_equal(r.warnings, absent);
    vgh_result_free(&r);
}

void vgh_assert_mvt_records(const struct vgh_result *r, const char *name)
{
    json_t *want = vgh_mvt_result(name);

    assert_non_null(want);
    assert_true(json_equal(r->records, want));
    json_decref(want);
}

void vgh_assert_mvt_timeline(const struct vgh_result *r, const char *plugin, size_t n)
{
    char *csv = vgh_mvt_result_text("timeline.csv");
    char **got = NULL, **want = NULL;
    size_t n_got, n_want, i;

    assert_non_null(csv);
    n_want = vgh_plugin_rows(csv, plugin, &want);
    n_got = vgh_plugin_rows(r->timeline, plugin, &got);
    assert_int_equal(n_want, n);
    assert_int_equal(n_got, n_want);
    for (i = 0; i < n_want; i++)
        assert_string_equal(got[i], want[i]);
    vgh_free_rows(got, n_got);
    vgh_free_rows(want, n_want);
    free(csv);
}

void vgh_assert_alerts_equal(const json_t *got, const json_t *want, const char *const *keys,
                             size_t n_keys)
{
    size_t i, k;

    assert_int_equal(json_array_size(got), json_array_size(want));
    for (i = 0; i < json_array_size(want); i++)
        for (k = 0; k < n_keys; k++)
            assert_true(json_equal(json_object_get(json_array_get(got, i), keys[k]),
                                   json_object_get(json_array_get(want, i), keys[k])));
}

/* ---- lookups ---- */

const char *vgh_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "(absent or not a string)";
}

const char *vgh_must_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        fail_msg("%s: not a string", key);
    return s;
}

void vgh_assert_null(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || !json_is_null(v))
        fail_msg("%s: expected null", key);
}

json_int_t vgh_int(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("%s: not an integer", key);
    return json_integer_value(v);
}

double vgh_real(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_real(v))
        fail_msg("%s: not a real", key);
    return json_real_value(v);
}

void vgh_assert_keys(const json_t *obj, const char *expected)
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

const json_t *vgh_find_record(const json_t *records, const char *key, const char *value)
{
    const json_t *r;
    size_t i;
    json_array_foreach(records, i, r)
    {
        if (strcmp(vgh_str(r, key), value) == 0)
            return r;
    }
    return NULL;
}

size_t vgh_count_level(const json_t *alerts, const char *level)
{
    const json_t *a;
    size_t i, n = 0;
    json_array_foreach(alerts, i, a)
    {
        if (strcmp(vgh_str(a, "level"), level) == 0)
            n++;
    }
    return n;
}

const json_t *vgh_find_alert(const json_t *alerts, const char *level, const char *needle)
{
    const json_t *a;
    size_t i;
    json_array_foreach(alerts, i, a)
    {
        if (strcmp(vgh_str(a, "level"), level) == 0 && strstr(vgh_str(a, "message"), needle))
            return a;
    }
    return NULL;
}

const json_t *vgh_alert(const struct vgh_result *r, size_t i)
{
    const json_t *a = json_array_get(r->alerts, i);
    assert_non_null(a);
    return a;
}

const char *vgh_alert_message(const struct vgh_result *r, size_t i)
{
    const char *s = json_string_value(json_object_get(json_array_get(r->alerts, i), "message"));
    return s ? s : "";
}

void vgh_assert_alert(const json_t *a, const char *level, const char *ioc_value,
                      const char *ioc_type)
{
    const json_t *m = json_object_get(a, "matched_indicator");
    assert_string_equal(vgh_str(a, "level"), level);
    assert_string_equal(vgh_str(m, "value"), ioc_value);
    assert_string_equal(vgh_str(m, "type"), ioc_type);
    assert_string_equal(vgh_str(m, "name"), "TestMalware");
}

int vgh_tl_has(const struct vgh_result *r, const char *ts, const char *plugin, const char *event,
               const char *desc)
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

size_t vgh_tl_count(const struct vgh_result *r, const char *plugin)
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

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t vgh_plugin_rows(const char *csv, const char *plugin, char ***out)
{
    char tag[64];
    size_t n = 0, cap = 0;
    char **v = NULL;
    const char *p = csv;

    snprintf(tag, sizeof(tag), "\",\"%s\",\"", plugin);
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *line = strndup(p, len);
        assert_non_null(line);
        if (strstr(line, tag)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                v = realloc(v, cap * sizeof(*v));
                assert_non_null(v);
            }
            v[n++] = line;
        } else {
            free(line);
        }
        p += len + (e ? 1 : 0);
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_line);
    *out = v;
    return n;
}

void vgh_free_rows(char **rows, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(rows[i]);
    free(rows);
}

size_t vgh_coverage(const struct vgh_result *r, const char *module, const char *status,
                    const char *artifact)
{
    const json_t *cov =
        json_object_get(json_object_get(json_object_get(r->info, "modules"), module), "coverage");
    const json_t *c;
    size_t i, n = 0;

    json_array_foreach(cov, i, c)
    {
        if (strcmp(vgh_str(c, "status"), status) == 0 &&
            (!artifact || strstr(vgh_str(c, "artifact"), artifact)))
            n++;
    }
    return n;
}
