/*
 * One module's run: what module code calls to read artifacts and to report
 * records, alerts, timeline events and coverage.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdio.h>
#include <stdlib.h>

#include "formats/sqlite.h"
#include "scan/scan.h"

const struct vg_module *vg_run_module(const struct vg_run *run)
{
    return run->mod;
}

const struct vg_iocs *vg_run_iocs(const struct vg_run *run)
{
    return run->scan->iocs;
}

void **vg_run_state(struct vg_run *run)
{
    return &run->state;
}

struct vg_diag *vg_run_diag(struct vg_run *run)
{
    return run->scan->diag;
}

int vg_run_fast(const struct vg_run *run)
{
    return run->scan->opts && run->scan->opts->fast;
}

struct vg_backup *vg_run_backup(struct vg_run *run)
{
    return run->scan->src ? run->scan->src->backup : NULL;
}

void vg_run_device(struct vg_run *run, const char *key, json_t *value)
{
    if (!value || json_object_set_new(run->scan->extra, key, value) != 0)
        vg_run_log(run, VG_DIAG_ERROR, "out of memory (device facts)");
}

/* Streaming: check, timeline and write one record, then let it go. */
static int stream_record(struct vg_run *run, json_t *record)
{
    struct vg_scan *s = run->scan;

    run->mod->check_record(run, record);
    if (run->mod->timeline && s->tl)
        run->mod->timeline(run, record);
    if (s->out && run->write_rc == VG_OK) {
        if (!run->writer)
            run->write_rc = vg_out_records_begin(s->out, run->mod->name, &run->writer);
        if (run->write_rc == VG_OK)
            run->write_rc = vg_out_records_add(run->writer, record);
    }
    run->n_records++;
    json_decref(record);
    return run->write_rc;
}

int vg_run_add_record(struct vg_run *run, json_t *record)
{
    if (!record)
        return VG_E_NOMEM;
    if (!json_is_object(record)) {
        json_decref(record);
        return VG_E_INVAL;
    }
    if (run->streaming)
        return stream_record(run, record);
    if (json_array_append_new(run->records, record) != 0)
        return VG_E_NOMEM;
    run->n_records++;
    return VG_OK;
}

json_t *vg_run_records(struct vg_run *run)
{
    return run->records;
}

size_t vg_run_record_count(const struct vg_run *run)
{
    return run->n_records;
}

/* One message line, cut at VG_MAX_MESSAGE; "" if it cannot be formatted. */
VG_PRINTF(3, 0)
static void format_line(char *msg, size_t cap, const char *fmt, va_list ap)
{
    if (vsnprintf(msg, cap, fmt, ap) < 0)
        msg[0] = '\0';
}

void vg_run_log(struct vg_run *run, enum vg_diag_level level, const char *fmt, ...)
{
    char msg[VG_MAX_MESSAGE];
    va_list ap;

    va_start(ap, fmt);
    format_line(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vg_diag_add(run->scan->diag, level, run->mod->name, "%s", msg);
}

static json_t *match_json(const struct vg_ioc_match *m)
{
    json_t *o;

    if (!m)
        return json_null();
    o = json_pack("{s:s, s:s, s:s, s:s}", "value", m->value, "type", vg_ioc_type_mvt(m->type),
                  "name", m->collection, "stix2_file_name", m->file);
    if (o && m->truncated)
        json_object_set_new(o, "truncated_match", json_true());
    return o;
}

void vg_run_alert(struct vg_run *run, enum vg_level level, const json_t *record,
                  const struct vg_ioc_match *m, const char *event_time, const char *fmt, ...)
{
    char msg[VG_MAX_MESSAGE];
    json_t *alert, *event;
    va_list ap;

    va_start(ap, fmt);
    format_line(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if ((unsigned)level >= VG_LEVEL_COUNT)
        level = VG_LEVEL_CRITICAL;

    event = record ? json_deep_copy(record) : json_object();
    alert =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "level", vg_level_json_name(level), "module",
                  run->mod->name, "message", msg, "event_time", event_time ? event_time : "",
                  "event", event, "matched_indicator", match_json(m));
    if (!alert || json_array_append_new(run->alerts, alert) != 0) {
        vg_diag_add(run->scan->diag, VG_DIAG_ERROR, run->mod->name,
                    "out of memory recording an alert: %s", msg);
        return;
    }
    run->alert_counts[level]++;
    vg_diag_add(run->scan->diag, VG_DIAG_DEBUG, run->mod->name, "%s alert: %s",
                vg_level_name(level), msg);
}

void vg_run_timeline(struct vg_run *run, const char *timestamp, const char *event,
                     const char *description)
{
    const char *parts[3] = {timestamp, event, description};
    int fresh;

    if (!run->scan->tl)
        return;
    /* a module's identical events are one event (as MVT de-duplicates) */
    fresh = vg_seen_add(&run->tl_seen, parts, 3);
    if (fresh < 0)
        vg_diag_add(run->scan->diag, VG_DIAG_ERROR, run->mod->name,
                    "out of memory de-duplicating timeline events");
    if (fresh == 0)
        return;
    if (vg_timeline_add(run->scan->tl, timestamp, run->mod->name, run->mod->class_name, event,
                        description) != VG_OK)
        vg_diag_add(run->scan->diag, VG_DIAG_ERROR, run->mod->name,
                    "out of memory adding a timeline event");
}

const char *vg_cov_name(enum vg_cov c)
{
    switch (c) {
    case VG_COV_FOUND:
        return "found";
    case VG_COV_MISSING:
        return "missing";
    case VG_COV_UNREADABLE:
        return "unreadable";
    case VG_COV_PARTIAL:
        return "partial";
    case VG_COV_ABSENT_FILE:
        return "absent";
    }
    return "?";
}

void vg_run_coverage(struct vg_run *run, enum vg_cov status, const char *artifact, const char *fmt,
                     ...)
{
    char detail[VG_MAX_MESSAGE];
    json_t *o;
    va_list ap;

    detail[0] = '\0';
    if (fmt) {
        va_start(ap, fmt);
        format_line(detail, sizeof(detail), fmt, ap);
        va_end(ap);
    }
    o = json_pack("{s:s, s:s, s:s}", "artifact", artifact ? artifact : "", "status",
                  vg_cov_name(status), "detail", detail);
    if (!o || json_array_append_new(run->coverage, o) != 0)
        vg_diag_add(run->scan->diag, VG_DIAG_ERROR, run->mod->name, "out of memory (coverage)");
}

/* ---- artifacts ---- */

static void artifact_name(const struct vg_artifact *a, char *buf, size_t cap)
{
    if (vg_snprintf(buf, cap, "%s/%s", a->domain ? a->domain : "*", a->path ? a->path : "*") !=
        VG_OK)
        buf[0] = '\0';
}

struct find_ctx {
    struct vg_run *run;
    int (*cb)(struct vg_run *run, const struct vg_file *f, void *ud);
    void *ud;
    int visited;
    int absent;
    int rc;
};

static void hash_input(struct vg_run *run, const struct vg_file *f)
{
    struct vg_scan *s = run->scan;
    char hex[65];

    if (!s->hashes || !s->src->ops->sha256 || json_object_get(s->hashes, f->display))
        return;
    if (s->src->ops->sha256(s->src->self, f, hex) == VG_OK)
        json_object_set_new(s->hashes, f->display, json_string(hex));
    else
        vg_run_log(run, VG_DIAG_WARN, "could not hash %s", f->display);
}

static int find_visit(void *ud, const struct vg_file *f)
{
    struct find_ctx *c = ud;
    struct vg_source *src = c->run->scan->src;

    if (src->ops->present && !src->ops->present(src->self, f)) {
        vg_run_coverage(c->run, VG_COV_ABSENT_FILE, f->display,
                        "listed in the manifest but not in the folder (partial backup?)");
        vg_run_log(c->run, VG_DIAG_WARN, "%s is listed but absent from the acquisition",
                   f->display);
        c->absent++;
        return VG_OK;
    }
    c->visited++;
    vg_run_coverage(c->run, VG_COV_FOUND, f->display, NULL);
    hash_input(c->run, f);
    c->rc = c->cb(c->run, f, c->ud);
    return c->rc;
}

int vg_run_find(struct vg_run *run, const struct vg_artifact *a,
                int (*cb)(struct vg_run *run, const struct vg_file *f, void *ud), void *ud)
{
    struct vg_source *src = run->scan->src;
    struct find_ctx c = {run, cb, ud, 0, 0, VG_OK};
    char name[512];
    int rc;

    if (!src)
        return VG_E_NOTFOUND;
    rc = src->ops->find(src->self, a, find_visit, &c);
    if (rc < 0 && rc != c.rc) {
        artifact_name(a, name, sizeof(name));
        vg_run_coverage(run, VG_COV_UNREADABLE, name, "cannot list the acquisition's files: %s",
                        vg_strerror(rc));
        return rc;
    }
    if (c.visited == 0 && c.absent == 0 && rc >= 0) {
        artifact_name(a, name, sizeof(name));
        vg_run_coverage(run, VG_COV_MISSING, name, "not in this acquisition");
    }
    return c.rc < 0 ? c.rc : c.visited;
}

int vg_run_open_sqlite(struct vg_run *run, const struct vg_file *f, sqlite3 **db)
{
    struct vg_source *src = run->scan->src;
    int rc;

    rc = src->ops->open_sqlite(src->self, f, run->scan->diag, db);
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "cannot open %s as SQLite: %s", f->display, vg_strerror(rc));
    }
    return rc;
}

int vg_run_read(struct vg_run *run, const struct vg_file *f, size_t max, unsigned char **data,
                size_t *len)
{
    struct vg_source *src = run->scan->src;
    int rc;

    rc = src->ops->read(src->self, f, max, data, len);
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "cannot read %s: %s", f->display, vg_strerror(rc));
    }
    return rc;
}

void vg_run_free_data(unsigned char *data, size_t len)
{
    /* artifacts may be decrypted plaintext: never leave them in freed heap */
    vg_free_secret(data, len);
}
