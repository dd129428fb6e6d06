/*
 * The scan engine. For each selected module: extract (or, for check-iocs,
 * load the records an earlier run saved), check, serialise to the timeline,
 * write <module>.json, report. Then the cross-module outputs.
 *
 * Memory: a module's records are freed once written; what stays is the
 * timeline and the alerts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "scan/scan.h"

int vg_scan_init(struct vg_scan *s, const struct vg_iocs *iocs, const struct vg_scan_opts *opts,
                 struct vg_diag *diag, struct vg_summary *sum, const char *kind)
{
    int rc = VG_E_NOMEM;

    memset(s, 0, sizeof(*s));
    memset(sum, 0, sizeof(*sum));
    s->iocs = iocs;
    s->opts = opts;
    s->diag = diag;
    s->sum = sum;
    s->kind = kind;
    s->alerts = json_array();
    s->modules = json_object();
    s->extra = json_object();
    if (!s->alerts || !s->modules || !s->extra)
        goto out;
    if (opts->hashes && !(s->hashes = json_object()))
        goto out;
    if (opts->output_dir) {
        rc = vg_out_new(opts->output_dir, diag, &s->out);
        if (rc != VG_OK)
            goto out;
        rc = vg_timeline_new(&s->tl);
        if (rc != VG_OK)
            goto out;
        vg_timeline_set_spill(s->tl, s->out);
        rc = vg_timeline_new(&s->alerts_tl);
        if (rc != VG_OK)
            goto out;
    }
    rc = VG_OK;
out:
    if (rc != VG_OK)
        vg_scan_cleanup(s);
    return rc;
}

void vg_scan_cleanup(struct vg_scan *s)
{
    vg_out_free(s->out);
    vg_timeline_free(s->tl);
    vg_timeline_free(s->alerts_tl);
    json_decref(s->alerts);
    json_decref(s->modules);
    json_decref(s->hashes);
    json_decref(s->extra);
    s->out = NULL;
    s->tl = s->alerts_tl = NULL;
    s->alerts = s->modules = s->hashes = s->extra = NULL;
}

const struct vg_module *vg_scan_find_module(const struct vg_module *const *mods, size_t n,
                                            const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (vg_str_casecmp(mods[i]->name, name) == 0 ||
            vg_str_casecmp(mods[i]->class_name, name) == 0)
            return mods[i];
    return NULL;
}

static int module_selected(const struct vg_scan *s, const struct vg_module *m)
{
    size_t i;
    if (!s->opts->modules || s->opts->n_modules == 0)
        return 1;
    for (i = 0; i < s->opts->n_modules; i++)
        if (vg_str_casecmp(m->name, s->opts->modules[i]) == 0 ||
            vg_str_casecmp(m->class_name, s->opts->modules[i]) == 0)
            return 1;
    return 0;
}

/* check-iocs: a module's records come from <dir>/<name>.json. Returns
 * VG_E_NOTFOUND when the earlier run has no such file. */
static int load_saved_records(struct vg_run *run)
{
    struct vg_scan *s = run->scan;
    json_error_t jerr;
    json_t *arr, *v;
    char *path;
    size_t i;
    struct stat st;
    int rc = VG_OK;

    path = vg_asprintf("%s/%s.json", s->results_dir, run->mod->name);
    if (!path)
        return VG_E_NOMEM;
    if (stat(path, &st) != 0) {
        free(path);
        return VG_E_NOTFOUND;
    }
    arr = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!arr) {
        vg_run_log(run, VG_DIAG_WARN, "%s: not valid JSON (line %d: %s)", path, jerr.line,
                   jerr.text);
        vg_run_coverage(run, VG_COV_UNREADABLE, path, "not valid JSON");
        free(path);
        return VG_E_CORRUPT;
    }
    /* MVT writes single-record modules (backup_info) as one object */
    if (json_is_object(arr)) {
        json_t *wrap = json_array();
        if (!wrap || json_array_append_new(wrap, arr) != 0) {
            json_decref(wrap);
            json_decref(arr);
            free(path);
            return VG_E_NOMEM;
        }
        arr = wrap;
    }
    if (!json_is_array(arr)) {
        vg_run_log(run, VG_DIAG_WARN, "%s: not a list of records", path);
        vg_run_coverage(run, VG_COV_UNREADABLE, path, "not a list of records");
        rc = VG_E_CORRUPT;
        goto out;
    }
    json_array_foreach(arr, i, v)
    {
        if (!json_is_object(v)) {
            vg_run_log(run, VG_DIAG_WARN, "%s: record %zu is not an object, skipped", path, i);
            continue;
        }
        if (json_array_append(run->records, v) != 0) {
            rc = VG_E_NOMEM;
            goto out;
        }
        run->n_records++;
    }
    vg_run_coverage(run, VG_COV_FOUND, path, NULL);
out:
    json_decref(arr);
    free(path);
    return rc;
}

static char *coverage_line(const json_t *c)
{
    const char *detail = json_string_value(json_object_get(c, "detail"));
    return vg_asprintf("%s %s%s%s", json_string_value(json_object_get(c, "status")),
                       json_string_value(json_object_get(c, "artifact")),
                       detail && *detail ? ": " : "", detail ? detail : "");
}

static void report_module(struct vg_run *run, int status)
{
    struct vg_scan *s = run->scan;
    struct vg_module_report r;
    size_t nc = json_array_size(run->coverage), na = json_array_size(run->alerts), i;
    const char **cov = vg_calloc(nc + 1, sizeof(*cov));
    char **owned = vg_calloc(nc + 1, sizeof(*owned));
    const char **msgs = vg_calloc(na + 1, sizeof(*msgs));
    enum vg_level *levels = vg_calloc(na + 1, sizeof(*levels));
    json_t *v;

    if (!s->opts->on_module)
        goto out;
    memset(&r, 0, sizeof(r));
    r.name = run->mod->name;
    r.class_name = run->mod->class_name;
    r.records = run->n_records;
    memcpy(r.alerts, run->alert_counts, sizeof(r.alerts));
    r.status = status;
    if (cov && owned) {
        json_array_foreach(run->coverage, i, v)
        {
            owned[i] = coverage_line(v);
            cov[i] = owned[i] ? owned[i] : "?";
        }
        r.n_coverage = nc;
        r.coverage = cov;
    }
    if (msgs && levels) {
        json_array_foreach(run->alerts, i, v)
        {
            if (vg_level_parse(json_string_value(json_object_get(v, "level")), &levels[i]) != VG_OK)
                levels[i] = VG_LEVEL_CRITICAL;
            msgs[i] = json_string_value(json_object_get(v, "message"));
        }
        r.n_alerts = na;
        r.alert_levels = levels;
        r.alert_messages = msgs;
    }
    s->opts->on_module(s->opts->ud, &r);
out:
    if (owned)
        for (i = 0; i < nc; i++)
            free(owned[i]);
    free(owned);
    free(cov);
    free(msgs);
    free(levels);
}

static int record_module_info(struct vg_run *run, int status)
{
    json_t *alerts = json_object(), *o;
    size_t l;

    if (!alerts)
        return VG_E_NOMEM;
    for (l = 0; l < VG_LEVEL_COUNT; l++)
        if (run->alert_counts[l])
            json_object_set_new(alerts, vg_level_json_name((enum vg_level)l),
                                json_integer((json_int_t)run->alert_counts[l]));
    o = json_pack("{s:s, s:I, s:o, s:O, s:s}", "class", run->mod->class_name, "records",
                  (json_int_t)run->n_records, "alerts", alerts, "coverage", run->coverage, "status",
                  status == VG_OK ? "ok" : vg_strerror(status));
    if (!o)
        return VG_E_NOMEM;
    return json_object_set_new(run->scan->modules, run->mod->name, o) == 0 ? VG_OK : VG_E_NOMEM;
}

static int collect_alerts(struct vg_run *run)
{
    struct vg_scan *s = run->scan;
    json_t *a;
    size_t i, l;

    json_array_foreach(run->alerts, i, a)
    {
        if (json_array_append(s->alerts, a) != 0)
            return VG_E_NOMEM;
        if (s->alerts_tl &&
            vg_timeline_add(s->alerts_tl, json_string_value(json_object_get(a, "event_time")),
                            run->mod->name, run->mod->class_name,
                            json_string_value(json_object_get(a, "level")),
                            json_string_value(json_object_get(a, "message"))) != VG_OK)
            return VG_E_NOMEM;
    }
    for (l = 0; l < VG_LEVEL_COUNT; l++)
        s->sum->alerts[l] += run->alert_counts[l];
    return VG_OK;
}

/* <module>.json (already streamed, or from the records kept) and
 * <module>_detected.json. */
static int write_module(struct vg_run *run)
{
    struct vg_out *o = run->scan->out;
    struct vg_out_records *w = run->writer;
    int rc;

    if (!o)
        return VG_OK;
    /* empty results also go through the writers: they remove a stale file
     * an earlier run left in the same folder */
    if (!run->streaming)
        return vg_out_module(o, run->mod->name, run->records, run->alerts);
    run->writer = NULL;
    if (run->write_rc != VG_OK) {
        vg_out_records_abort(w);
        return run->write_rc;
    }
    if (!w && (rc = vg_out_records_begin(o, run->mod->name, &w)) != VG_OK)
        return rc;
    rc = vg_out_records_end(w);
    if (rc != VG_OK)
        return rc;
    return vg_out_detected(o, run->mod->name, run->alerts);
}

static int run_one(struct vg_scan *s, const struct vg_module *m)
{
    struct vg_run run;
    json_t *rec;
    size_t i;
    int rc, status;

    memset(&run, 0, sizeof(run));
    run.scan = s;
    run.mod = m;
    run.records = json_array();
    run.alerts = json_array();
    run.coverage = json_array();
    vg_seen_init(&run.tl_seen);
    rc = VG_E_NOMEM;
    if (!run.records || !run.alerts || !run.coverage)
        goto out;

    vg_diag_add(s->diag, VG_DIAG_DEBUG, m->name, "running module %s", m->class_name);
    if (s->src) {
        run.streaming = m->check_record != NULL;
        status = m->extract(&run);
    } else {
        status = load_saved_records(&run);
        if (status == VG_E_NOTFOUND) {
            rc = VG_OK; /* that run did not produce this module's results */
            goto out;
        }
    }
    if (status != VG_OK)
        vg_diag_add(s->diag, VG_DIAG_WARN, m->name, "module %s did not complete: %s", m->class_name,
                    vg_strerror(status));
    if (m->check)
        m->check(&run);
    json_array_foreach(run.records, i, rec)
    {
        if (m->check_record)
            m->check_record(&run, rec);
        if (m->timeline && s->tl)
            m->timeline(&run, rec);
    }
    if (m->check_finish)
        m->check_finish(&run);

    rc = collect_alerts(&run);
    if (rc == VG_OK)
        rc = write_module(&run);
    if (rc != VG_OK)
        goto out;
    s->sum->modules_run++;
    s->sum->records += run.n_records;
    rc = record_module_info(&run, status);
    report_module(&run, status);
out:
    vg_out_records_abort(run.writer);
    json_decref(run.records);
    json_decref(run.alerts);
    json_decref(run.coverage);
    vg_seen_free(&run.tl_seen);
    return rc;
}

static json_t *indicator_files_json(const struct vg_iocs *iocs)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; arr && i < vg_iocs_file_count(iocs); i++) {
        const struct vg_ioc_file_info *f = vg_iocs_file(iocs, i);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I}", "path", f->path, "sha256",
                                             f->sha256, "indicators", (json_int_t)f->loaded));
    }
    return arr;
}

static json_t *diagnostics_json(const struct vg_diag *d)
{
    static const char *const names[] = {"debug", "info", "warning", "error"};
    json_t *arr = json_array();
    size_t i;

    for (i = 0; arr && i < vg_diag_size(d); i++) {
        const struct vg_diag_entry *e = vg_diag_get(d, i);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "level", names[e->level], "where",
                                             e->where, "message", e->message));
    }
    return arr;
}

static int write_info(struct vg_scan *s, const char *date)
{
    json_t *info, *hashes = NULL;
    const char *key;
    json_t *v;
    int rc;

    if (s->hashes) {
        /* sorted by name so the file is stable */
        const char **keys = vg_calloc(json_object_size(s->hashes) + 1, sizeof(*keys));
        size_t n = 0, i;
        if (!keys)
            return VG_E_NOMEM;
        json_object_foreach(s->hashes, key, v) keys[n++] = key;
        qsort(keys, n, sizeof(*keys), vg_strcmp_ptr);
        hashes = json_array();
        for (i = 0; hashes && i < n; i++)
            json_array_append_new(hashes, json_pack("{s:s, s:O}", "file", keys[i], "sha256",
                                                    json_object_get(s->hashes, keys[i])));
        free(keys);
    }
    info =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:O, s:O, s:o}", "vigie_version", VG_VERSION, "date",
                  date, "kind", s->kind, "target", s->opts->target ? s->opts->target : "",
                  "indicator_files", indicator_files_json(s->iocs), "device", s->extra, "modules",
                  s->modules, "diagnostics", diagnostics_json(s->diag));
    if (!info) {
        json_decref(hashes);
        return VG_E_NOMEM;
    }
    if (hashes)
        json_object_set_new(info, "hashes", hashes);
    rc = vg_out_info(s->out, info);
    json_decref(info);
    return rc;
}

static int write_outputs(struct vg_scan *s)
{
    char date[VG_ISODATE_LEN + 1];
    int rc;

    vg_timeline_sort(s->tl);
    vg_timeline_sort(s->alerts_tl);
    rc = vg_out_alerts(s->out, s->alerts);
    if (rc == VG_OK)
        rc = vg_out_timeline(s->out, s->tl);
    if (rc == VG_OK)
        rc = vg_out_alerts_timeline(s->out, s->alerts_tl);
    if (rc == VG_OK && vg_isodate_now(date) != VG_OK)
        date[0] = '\0';
    if (rc == VG_OK)
        rc = write_info(s, date);
    if (rc == VG_OK)
        rc = vg_out_command_log(s->out, s->opts->command_line ? s->opts->command_line : "", date);
    return rc;
}

int vg_scan_run(struct vg_scan *s, const struct vg_module *const *mods, size_t n)
{
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        const struct vg_module *m = mods[i];
        if (!module_selected(s, m))
            continue;
        if (s->src && !(m->sources & s->src->kind))
            continue;
        if (s->opts->fast && m->slow) {
            vg_diag_add(s->diag, VG_DIAG_WARN, m->name,
                        "skipped by --fast: its artifacts were not checked");
            continue;
        }
        rc = run_one(s, m);
        if (rc != VG_OK)
            return rc;
    }
    s->sum->warnings = vg_diag_count(s->diag, VG_DIAG_WARN) + vg_diag_count(s->diag, VG_DIAG_ERROR);
    if (s->out)
        return write_outputs(s);
    return VG_OK;
}

int vg_summary_has_detections(const struct vg_summary *sum)
{
    return sum->alerts[VG_LEVEL_MEDIUM] + sum->alerts[VG_LEVEL_HIGH] +
               sum->alerts[VG_LEVEL_CRITICAL] >
           0;
}
