/*
 * One module's run: what module code calls to read artifacts and to emit
 * records, alerts, timeline events and coverage.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/sqlite.h"
#include "modules/modules.h"
#include "scan/checks.h"
#include "scan/scan.h"
#include "util/utf8.h"

struct vg_run_schema {
    struct vg_schema *s;
    int *col_key; /* statement column -> key, or NULL */
    struct vg_run_schema *next;
};

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
    return run->diag;
}

int vg_run_fast(const struct vg_run *run)
{
    return run->scan->opts && run->scan->opts->fast;
}

enum vg_platform vg_run_platform(const struct vg_run *run)
{
    return run->platform;
}

int vg_run_rechecking(const struct vg_run *run)
{
    return run->rechecking;
}

const struct vg_tz *vg_run_tz(const struct vg_run *run)
{
    return run->scan->tz;
}

size_t vg_run_record_count(const struct vg_run *run)
{
    return run->n_records;
}

void vg_run_nomem(struct vg_run *run)
{
    if (!run->nomem)
        vg_diag_add(run->diag, VG_DIAG_ERROR, run->name,
                    "out of memory: module %s did not complete", run->label);
    run->nomem = 1;
}

void vg_run_device(struct vg_run *run, const char *key, json_t *value)
{
    struct vg_scan *s = run->scan;
    int rc;

    if (!value) {
        vg_run_nomem(run);
        return;
    }
    pthread_mutex_lock(&s->lock);
    rc = json_object_set_new(s->device, key, value);
    pthread_mutex_unlock(&s->lock);
    if (rc != 0)
        vg_run_nomem(run);
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
    vg_diag_add(run->diag, level, run->name, "%s", msg);
}

/* ---- schemas and rows ---- */

static int keep_schema(struct vg_run *run, struct vg_schema *s, int *col_key)
{
    struct vg_run_schema *rs = vg_calloc(1, sizeof(*rs));
    size_t n = 0;

    for (struct vg_run_schema *p = run->schemas; p; p = p->next)
        n++;
    if (!rs || n >= VG_MAX_RUN_SCHEMAS) {
        free(rs);
        vg_schema_free(s);
        free(col_key);
        return rs ? VG_E_LIMIT : VG_E_NOMEM;
    }
    rs->s = s;
    rs->col_key = col_key;
    rs->next = run->schemas;
    run->schemas = rs;
    return VG_OK;
}

int vg_run_schema(struct vg_run *run, const char *const *names, size_t n,
                  const struct vg_schema **out)
{
    struct vg_schema *s = NULL;
    int rc = vg_schema_new(names, n, run->mod->fields, run->mod->n_fields, &s);

    if (rc == VG_OK)
        rc = keep_schema(run, s, NULL);
    if (rc == VG_E_NOMEM)
        vg_run_nomem(run);
    if (rc == VG_OK)
        *out = s;
    return rc;
}

int vg_run_schema_stmt(struct vg_run *run, sqlite3_stmt *st, const char *const *extra,
                       size_t n_extra, const struct vg_schema **out, const int **col_key)
{
    int ncol = sqlite3_column_count(st), i;
    size_t n = (size_t)(ncol > 0 ? ncol : 0), k;
    const char **names = vg_calloc(n + n_extra + 1, sizeof(*names));
    int *map = vg_calloc(n + 1, sizeof(*map));
    struct vg_schema *s = NULL;
    int rc = names && map ? VG_OK : VG_E_NOMEM;

    for (i = 0; rc == VG_OK && i < ncol; i++) {
        names[i] = sqlite3_column_name(st, i);
        if (!names[i])
            rc = VG_E_NOMEM;
    }
    for (k = 0; rc == VG_OK && k < n_extra; k++)
        names[n + k] = extra[k];
    if (rc == VG_OK)
        rc = vg_schema_new(names, n + n_extra, run->mod->fields, run->mod->n_fields, &s);
    for (i = 0; rc == VG_OK && i < ncol; i++)
        map[i] = vg_schema_find(s, names[i]);
    free(names);
    if (rc == VG_OK) {
        rc = keep_schema(run, s, map);
        map = NULL;
    }
    free(map);
    if (rc == VG_E_NOMEM)
        vg_run_nomem(run);
    if (rc == VG_OK) {
        *out = s;
        *col_key = run->schemas->col_key;
    }
    return rc;
}

struct vg_rec *vg_run_rec(struct vg_run *run, const struct vg_schema *s)
{
    struct vg_rec *grown;
    size_t i;

    for (i = 0; i < run->n_recs; i++)
        if (run->recs[i].schema == s)
            return &run->recs[i];
    grown = vg_realloc_array(run->recs, run->n_recs + 1, sizeof(*run->recs));
    if (!grown) {
        vg_run_nomem(run);
        return NULL;
    }
    run->recs = grown;
    if (vg_rec_init(&run->recs[run->n_recs], s) != VG_OK) {
        vg_run_nomem(run);
        return NULL;
    }
    return &run->recs[run->n_recs++];
}

/* ---- emitting ---- */

static int write_record(struct vg_run *run, const struct vg_rec *r)
{
    struct vg_scan *s = run->scan;

    if (!s->out || run->write_rc != VG_OK)
        return run->write_rc;
    if (!run->writer)
        run->write_rc = vg_out_records_begin(s->out, run->name, &run->writer);
    if (run->write_rc == VG_OK)
        run->write_rc = vg_out_records_add_rec(run->writer, r);
    return run->write_rc;
}

/* A record made of a deleted row: to <module>_recovered.json, with where
 * the row was found (records re-read from such a file have it already). */
static int write_recovered(struct vg_run *run, const struct vg_rec *r)
{
    struct vg_scan *s = run->scan;
    json_t *j;

    if (!s->out || run->write_rc != VG_OK)
        return run->write_rc;
    if (!run->rwriter) {
        char name[VG_MAX_MESSAGE];
        run->write_rc = vg_snprintf(name, sizeof(name), "%s_recovered", run->name);
        if (run->write_rc == VG_OK)
            run->write_rc = vg_out_records_begin(s->out, name, &run->rwriter);
        if (run->write_rc != VG_OK)
            return run->write_rc;
    }
    j = vg_rec_to_json(r);
    if (!j || (!json_object_get(j, "recovered") &&
               json_object_set(j, "recovered", run->recovering) != 0)) {
        json_decref(j);
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    run->write_rc = vg_out_records_add(run->rwriter, j);
    json_decref(j);
    return run->write_rc;
}

/* The record's alerts raised without a time get its first event's. */
static void date_alerts(struct vg_run *run)
{
    size_t i;

    if (!run->rec_ts[0])
        return;
    for (i = run->rec_alerts_from; i < json_array_size(run->alerts); i++) {
        json_t *a = json_array_get(run->alerts, i);
        const char *t = json_string_value(json_object_get(a, "event_time"));
        if ((!t || !*t) && json_object_set_new(a, "event_time", json_string(run->rec_ts)) != 0)
            vg_run_nomem(run);
    }
}

int vg_run_emit(struct vg_run *run, struct vg_rec *r)
{
    const struct vg_module *m = run->mod;
    int rc;

    if (!r)
        return VG_E_NOMEM;
    if (r->failed || run->nomem) {
        vg_rec_reset(r);
        run->dropped++;
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    if (run->recovering && run->n_recovered >= VG_MAX_MODULE_RECOVERED) {
        vg_rec_reset(r);
        return VG_E_LIMIT;
    }
    if (!run->recovering && run->n_records >= VG_MAX_MODULE_RECORDS) {
        if (run->dropped++ == 0)
            vg_run_log(run, VG_DIAG_WARN,
                       "more than %zu records: the rest were not read (a flood of rows is "
                       "itself a sign of tampering)",
                       (size_t)VG_MAX_MODULE_RECORDS);
        vg_rec_reset(r);
        return VG_E_LIMIT;
    }
    run->in_record = 1;
    run->rec_level = -1;
    run->rec_ioc[0] = '\0';
    run->rec_ts[0] = '\0';
    run->rec_alerts_from = json_array_size(run->alerts);
    if (m->check_record)
        m->check_record(run, r);
    if (m->timeline && run->scan->tl)
        m->timeline(run, r);
    date_alerts(run);
    run->in_record = 0;
    if (run->recovering) {
        rc = write_recovered(run, r);
        run->n_recovered++;
        vg_rec_reset(r);
        return run->nomem ? VG_E_NOMEM : rc;
    }
    rc = write_record(run, r);
    run->n_records++;
    if ((run->n_records & 0xffff) == 0 && run->scan->opts->on_progress)
        run->scan->opts->on_progress(run->scan->opts->ud, run->label, run->n_records);
    vg_rec_reset(r);
    if (run->nomem)
        return VG_E_NOMEM;
    return rc;
}

/* 1 when obj's keys are s's keys, in order. */
static int same_keys(const struct vg_schema *s, json_t *obj)
{
    const char *key;
    json_t *v;
    size_t i = 0;

    if (!s || json_object_size(obj) != s->n)
        return 0;
    json_object_foreach(obj, key, v)
    {
        if (strcmp(key, s->names[i++]) != 0)
            return 0;
    }
    return 1;
}

/* Records of one module come in a few shapes (MVT adds keys to some
 * records only): the shapes seen last are tried first. */
static int schema_of(struct vg_run *run, json_t *obj, const struct vg_schema **out)
{
    const char **names;
    const char *key;
    json_t *v;
    size_t n = 0, i;
    int rc;

    for (i = 0; i < VG_ARRAY_LEN(run->json_schemas); i++) {
        if (same_keys(run->json_schemas[i], obj)) {
            *out = run->json_schemas[i];
            return VG_OK;
        }
    }
    names = vg_calloc(json_object_size(obj) + 1, sizeof(*names));
    if (!names)
        return VG_E_NOMEM;
    json_object_foreach(obj, key, v) names[n++] = key;
    rc = vg_run_schema(run, names, n, out);
    free(names);
    if (rc == VG_OK) {
        memmove(run->json_schemas + 1, run->json_schemas,
                sizeof(run->json_schemas) - sizeof(run->json_schemas[0]));
        run->json_schemas[0] = *out;
    }
    return rc;
}

int vg_run_emit_json(struct vg_run *run, json_t *obj)
{
    const struct vg_schema *s = NULL;
    struct vg_rec *r;
    int rc;

    if (!obj) {
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    if (!json_is_object(obj)) {
        json_decref(obj);
        return VG_E_INVAL;
    }
    rc = schema_of(run, obj, &s);
    r = rc == VG_OK ? vg_run_rec(run, s) : NULL;
    if (r) {
        vg_rec_from_json(r, obj);
        rc = vg_run_emit(run, r);
    } else if (rc == VG_OK || rc == VG_E_NOMEM) {
        vg_run_nomem(run);
        rc = VG_E_NOMEM;
    }
    json_decref(obj);
    return rc;
}

/* ---- alerts ---- */

/* Where the deleted row being checked was found, in one line. */
static const char *recovered_text(const struct vg_run *run)
{
    const char *t = run->recovering_text;

    if (!t)
        t = json_string_value(json_object_get(run->recovering, "description"));
    return t ? t : "a deleted row";
}

static json_t *match_json(const struct vg_ioc_match *m)
{
    json_t *o;

    if (!m)
        return json_null();
    o = json_pack("{s:s, s:s, s:s, s:s}", "value", m->value, "type", vg_ioc_type_mvt(m->type),
                  "name", m->collection, "stix2_file_name", m->file);
    if (o && m->truncated && json_object_set_new(o, "truncated_match", json_true()) != 0) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

static void add_alert(struct vg_run *run, enum vg_level level, json_t *event,
                      const struct vg_ioc_match *m, const char *event_time, const char *line)
{
    json_t *alert = NULL, *match = match_json(m), *text, *when;
    char msg[VG_MAX_MESSAGE];

    /* an alert on a deleted row says so, and where the row was */
    if (!run->recovering ||
        vg_snprintf(msg, sizeof(msg), "%s (in a deleted record recovered from %s)", line,
                    recovered_text(run)) != VG_OK)
        (void)vg_snprintf(msg, sizeof(msg), "%s", line);
    if (run->recovering && event && !json_object_get(event, "recovered") &&
        json_object_set(event, "recovered", run->recovering) != 0) {
        json_decref(event);
        event = NULL;
    }
    /* the message and time may carry bytes from the evidence: repaired */
    text = vg_json_utf8(msg, strlen(msg));
    when = vg_json_utf8(event_time ? event_time : "", event_time ? strlen(event_time) : 0);

    if ((unsigned)level >= VG_LEVEL_COUNT)
        level = VG_LEVEL_CRITICAL;
    /* json_pack takes every "o" reference, even when it fails */
    if (event && match && text && when)
        alert = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "level", vg_level_json_name(level),
                          "module", run->name, "message", text, "event_time", when, "event", event,
                          "matched_indicator", match);
    else {
        json_decref(event);
        json_decref(match);
        json_decref(text);
        json_decref(when);
    }
    if (!alert || json_array_append_new(run->alerts, alert) != 0) {
        vg_diag_add(run->diag, VG_DIAG_ERROR, run->name, "out of memory recording an alert: %s",
                    msg);
        run->nomem = 1;
        return;
    }
    run->alert_counts[level]++;
    if (run->in_record && (int)level > run->rec_level) {
        run->rec_level = (int)level;
        (void)vg_snprintf(run->rec_ioc, sizeof(run->rec_ioc), "%s", m ? m->value : "");
    }
    vg_diag_add(run->diag, VG_DIAG_DEBUG, run->name, "%s alert: %s", vg_level_name(level), msg);
}

void vg_run_alert(struct vg_run *run, enum vg_level level, const struct vg_rec *r,
                  const struct vg_ioc_match *m, const char *event_time, const char *fmt, ...)
{
    char msg[VG_MAX_MESSAGE];
    va_list ap;

    va_start(ap, fmt);
    format_line(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    add_alert(run, level, r ? vg_rec_to_json(r) : json_object(), m, event_time, msg);
}

void vg_run_alert_json(struct vg_run *run, enum vg_level level, const json_t *event,
                       const struct vg_ioc_match *m, const char *event_time, const char *fmt, ...)
{
    char msg[VG_MAX_MESSAGE];
    va_list ap;

    va_start(ap, fmt);
    format_line(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    add_alert(run, level, event ? json_deep_copy(event) : json_object(), m, event_time, msg);
}

/* ---- timeline ---- */

static void timeline_add(struct vg_run *run, uint64_t key, const char *timestamp, const char *event,
                         const char *description)
{
    int rc;

    if (run->in_record && run->rec_level >= 0) {
        char tag[VG_MAX_IOC_VALUE + 32];
        (void)vg_snprintf(tag, sizeof(tag), "%s\t%s",
                          vg_level_json_name((enum vg_level)run->rec_level), run->rec_ioc);
        rc = vg_timeline_add_tagged(run->scan->tl, key, timestamp, run->name, run->mod->class_name,
                                    event ? event : "", description ? description : "", tag);
    } else {
        rc = vg_timeline_add_key(run->scan->tl, key, timestamp, run->name, run->mod->class_name,
                                 event ? event : "", description ? description : "");
    }
    if (rc != VG_OK)
        vg_run_nomem(run);
}

void vg_run_timeline(struct vg_run *run, const char *timestamp, const char *event,
                     const char *description)
{
    uint64_t key;

    if (!run->scan->tl)
        return;
    /* the module's place, then the event's: the same order however the
     * modules shared the cores */
    key = (uint64_t)run->index << VG_TL_MODULE_SHIFT | run->tl_seq++;
    if (run->in_record && !run->rec_ts[0] && timestamp && *timestamp)
        (void)vg_snprintf(run->rec_ts, sizeof(run->rec_ts), "%s", timestamp);
    if (!run->scan->opts->no_correlate)
        vg_signals_offer(&run->signals, run->mod->name, timestamp, event, description,
                         run->in_record ? run->rec_level : -1);
    if (run->recovering) {
        char *d = vg_asprintf("%s [deleted record recovered from %s]",
                              description ? description : "", recovered_text(run));
        if (!d) {
            vg_run_nomem(run);
            return;
        }
        timeline_add(run, key, timestamp, event, d);
        free(d);
        return;
    }
    timeline_add(run, key, timestamp, event, description);
}

/* ---- coverage ---- */

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
    case VG_COV_SCHEMA:
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

    if (run->recovering)
        return; /* the database's coverage was said when it was read */
    detail[0] = '\0';
    if (fmt) {
        va_start(ap, fmt);
        format_line(detail, sizeof(detail), fmt, ap);
        va_end(ap);
    }
    if (status == VG_COV_UNREADABLE || status == VG_COV_PARTIAL) {
        char *line = vg_asprintf("%s: %s%s%s", run->label, artifact ? artifact : "",
                                 *detail ? " (" : "", *detail ? detail : "");
        run->unreadable++;
        if (!line || json_array_append_new(run->unread, vg_json_utf8(line, strlen(line))) != 0)
            vg_run_nomem(run);
        free(line);
    }
    if (!artifact)
        artifact = "";
    /* artifact names come from the evidence: repaired */
    o = json_pack("{s:o, s:s, s:o}", "artifact", vg_json_utf8(artifact, strlen(artifact)), "status",
                  vg_cov_name(status), "detail", vg_json_utf8(detail, strlen(detail)));
    if (!o || json_array_append_new(run->coverage, o) != 0)
        vg_run_nomem(run);
}

/* ---- artifacts ---- */

static void loc_name(const struct vg_loc *l, char *buf, size_t cap)
{
    int rc = l->kind == VG_LOC_BACKUP ? vg_snprintf(buf, cap, "%s/%s", l->domain ? l->domain : "*",
                                                    l->path ? l->path : "*")
                                      : vg_snprintf(buf, cap, "%s", l->path ? l->path : "*");
    if (rc != VG_OK)
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

static void hash_input(struct vg_run *run, const struct vg_file *f, struct vg_io *io)
{
    struct vg_scan *s = run->scan;
    char hex[65], *nested = NULL;
    const char *key = f->display;
    json_t *name;
    int have;

    if (!s->hashes)
        return;
    /* a nested acquisition's files are named from the outer one */
    if (run->src != s->src && !(key = nested = vg_asprintf("%s/%s", run->src->path, f->display))) {
        run->nomem = 1;
        return;
    }
    pthread_mutex_lock(&s->lock);
    have = json_object_get(s->hashes, key) != NULL;
    pthread_mutex_unlock(&s->lock);
    if (!have && vg_io_sha256(io, hex) != VG_OK) {
        vg_run_log(run, VG_DIAG_WARN, "could not hash %s", key);
        have = 1;
    }
    if (!have) {
        /* a name that is not UTF-8 is listed repaired */
        name = vg_json_utf8(key, strlen(key));
        pthread_mutex_lock(&s->lock);
        if (!name || json_object_set_new(s->hashes, json_string_value(name), json_string(hex)) != 0)
            run->nomem = 1;
        pthread_mutex_unlock(&s->lock);
        json_decref(name);
    }
    free(nested);
}

static int find_visit(void *ud, const struct vg_file *f)
{
    struct find_ctx *c = ud;

    if (f->flags & VG_FILE_ABSENT) {
        vg_run_coverage(c->run, VG_COV_ABSENT_FILE, f->display,
                        "listed in the manifest but not in the folder (partial backup?)");
        vg_run_log(c->run, VG_DIAG_WARN, "%s is listed but absent from the acquisition",
                   f->display);
        c->absent++;
        return VG_OK;
    }
    c->visited++;
    /* a listing is one artifact, not one per entry */
    if (f->loc && f->loc->kind != VG_LOC_BACKUP_LISTING && f->loc->kind != VG_LOC_FS_LISTING &&
        f->loc->kind != VG_LOC_BUGREPORT_LISTING && f->loc->kind != VG_LOC_AQF_LISTING)
        vg_run_coverage(c->run, VG_COV_FOUND, f->display, NULL);
    c->rc = c->cb(c->run, f, c->ud);
    return c->rc;
}

int vg_run_find(struct vg_run *run, const struct vg_loc *loc,
                int (*cb)(struct vg_run *run, const struct vg_file *f, void *ud), void *ud)
{
    struct vg_source *src = run->src;
    struct find_ctx c = {run, cb, ud, 0, 0, VG_OK};
    char name[512];
    int rc;

    if (!src->ops->find)
        return VG_E_NOTFOUND;
    rc = src->ops->find(src->self, loc, find_visit, &c, run->diag);
    if (rc == VG_E_NOTFOUND && c.visited == 0 && c.absent == 0)
        return VG_E_NOTFOUND; /* no such place in this kind of source */
    loc_name(loc, name, sizeof(name));
    if (rc < 0 && rc != c.rc) {
        vg_run_coverage(run, VG_COV_UNREADABLE, name, "cannot list the acquisition's files: %s",
                        vg_strerror(rc));
        return rc;
    }
    if (c.visited == 0 && c.absent == 0 && rc >= 0)
        vg_run_coverage(run, VG_COV_MISSING, name, "not in this acquisition");
    return c.rc < 0 ? c.rc : c.visited;
}

int vg_run_find_all(struct vg_run *run,
                    int (*cb)(struct vg_run *run, const struct vg_file *f, void *ud), void *ud)
{
    const struct vg_module *m = run->mod;
    size_t i;
    int rc;

    for (i = 0; i < m->n_locs; i++) {
        rc = vg_run_find(run, &m->locs[i], cb, ud);
        if (rc < 0 && rc != VG_E_NOTFOUND)
            return rc;
    }
    return VG_OK;
}

int vg_run_open(struct vg_run *run, const struct vg_file *f, struct vg_io **out)
{
    struct vg_source *src = run->src;
    int rc = src->ops->open ? src->ops->open(src->self, f, out, run->diag) : VG_E_UNSUPPORTED;

    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "cannot read %s: %s", f->display, vg_strerror(rc));
        return rc;
    }
    hash_input(run, f, *out);
    return VG_OK;
}

int vg_run_open_sibling(struct vg_run *run, const struct vg_file *f, const char *suffix,
                        struct vg_io **out)
{
    struct vg_source *src = run->src;

    if (!src->ops->sibling)
        return VG_E_NOTFOUND;
    return src->ops->sibling(src->self, f, suffix, out, run->diag);
}

int vg_run_read(struct vg_run *run, const struct vg_file *f, size_t max, unsigned char **data,
                size_t *len)
{
    struct vg_io *io = NULL;
    int rc = vg_run_open(run, f, &io);

    if (rc != VG_OK)
        return rc;
    rc = vg_io_read_all(io, max, data, len);
    vg_io_free(io);
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

/* A sibling the database may have; a problem opening it is a warning, and
 * the database is read without it. */
static struct vg_io *sqlite_sidecar(struct vg_run *run, const struct vg_file *f, const char *suffix)
{
    struct vg_io *io = NULL;
    int rc = vg_run_open_sibling(run, f, suffix, &io);

    if (rc == VG_OK)
        return io;
    if (rc != VG_E_NOTFOUND)
        vg_run_log(run, VG_DIAG_WARN, "cannot read %s%s: %s; reading the database without it",
                   f->display, suffix, vg_strerror(rc));
    return NULL;
}

int vg_run_open_sqlite(struct vg_run *run, const struct vg_file *f, sqlite3 **db)
{
    struct vg_io *io = NULL, *wal, *journal;
    int rc = vg_run_open(run, f, &io);

    if (rc != VG_OK)
        return rc;
    wal = sqlite_sidecar(run, f, "-wal");
    journal = sqlite_sidecar(run, f, "-journal");
    rc = vg_sqlite_open_io(io, wal, journal, f->display, run->diag, db);
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "cannot open %s as SQLite: %s", f->display, vg_strerror(rc));
    }
    return rc;
}

/* ---- the run itself ---- */

/* A nested acquisition's modules write prefix + name, and say where they
 * ran: "DumpsysAppops (bugreport)". */
static int name_run(struct vg_run *run, const struct vg_run_job *job)
{
    run->name = job->mod->name;
    run->label = job->mod->class_name;
    if (job->prefix && *job->prefix) {
        run->name = run->name_own = vg_asprintf("%s%s", job->prefix, job->mod->name);
        if (!run->name_own)
            return VG_E_NOMEM;
    }
    if (job->from) {
        run->label = run->label_own = vg_asprintf("%s (%s)", job->mod->class_name, job->from);
        if (!run->label_own)
            return VG_E_NOMEM;
    }
    return VG_OK;
}

int vg_run_setup(struct vg_run *run, struct vg_scan *s, const struct vg_run_job *job)
{
    memset(run, 0, sizeof(*run));
    run->scan = s;
    run->mod = job->mod;
    run->src = job->src;
    run->index = job->index;
    run->rechecking = job->src->ops->records != NULL;
    /* saved results run every platform's modules: each on its own rules */
    run->platform = s->src->any_platform ? vg_module_platform(job->mod) : job->src->platform;
    run->alerts = json_array();
    run->coverage = json_array();
    run->unread = json_array();
    if (name_run(run, job) != VG_OK || !run->alerts || !run->coverage || !run->unread ||
        vg_diag_new(NULL, NULL, &run->diag) != VG_OK) {
        vg_run_cleanup(run);
        return VG_E_NOMEM;
    }
    return VG_OK;
}

void vg_run_cleanup(struct vg_run *run)
{
    struct vg_run_schema *p, *next;
    size_t i;

    vg_out_records_abort(run->writer);
    vg_out_records_abort(run->rwriter);
    run->writer = run->rwriter = NULL;
    for (i = 0; i < run->n_recs; i++)
        vg_rec_free(&run->recs[i]);
    free(run->recs);
    run->recs = NULL;
    run->n_recs = 0;
    for (p = run->schemas; p; p = next) {
        next = p->next;
        vg_schema_free(p->s);
        free(p->col_key);
        free(p);
    }
    run->schemas = NULL;
    json_decref(run->alerts);
    json_decref(run->coverage);
    json_decref(run->unread);
    run->alerts = run->coverage = run->unread = NULL;
    vg_signals_free(&run->signals);
    vg_diag_free(run->diag);
    run->diag = NULL;
    free(run->name_own);
    free(run->label_own);
    run->name_own = run->label_own = NULL;
}

static int saved_record(void *ud, json_t *rec)
{
    struct vg_run *run = ud;
    int rc = vg_run_emit_json(run, rec);

    /* one bad record costs that record, not the module */
    return rc == VG_E_INVAL ? VG_OK : rc;
}

/* A record an earlier run recovered from a deleted row: checked again as
 * one, where it was found kept. */
static int saved_recovered(void *ud, json_t *rec)
{
    struct vg_run *run = ud;
    json_t *where = json_object_get(rec, "recovered");
    int rc;

    run->recovering = json_is_object(where) ? json_incref(where) : json_object();
    if (!run->recovering) {
        json_decref(rec);
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    rc = saved_record(run, rec);
    json_decref(run->recovering);
    run->recovering = NULL;
    return rc;
}

/* Saved results: <name>.json, then <name>_recovered.json (name: the
 * module's result name, prefixed when it ran on a nested acquisition). */
static int saved_records(struct vg_run *run)
{
    struct vg_source *src = run->src;
    char name[VG_MAX_MESSAGE];
    int rc = src->ops->records(src->self, run->name, saved_record, run, run->diag), rrc;

    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        return rc;
    if (vg_snprintf(name, sizeof(name), "%s_recovered", run->name) != VG_OK)
        return rc;
    rrc = src->ops->records(src->self, name, saved_recovered, run, run->diag);
    if (rrc == VG_E_NOTFOUND)
        return rc;
    return rrc != VG_OK ? rrc : VG_OK;
}

/* <module>.json committed; <module>_detected.json when there are alerts. */
static int finish_output(struct vg_run *run)
{
    struct vg_out *o = run->scan->out;
    struct vg_out_records *w = run->writer;
    int rc;

    if (!o)
        return VG_OK;
    run->writer = NULL;
    if (run->write_rc != VG_OK) {
        vg_out_records_abort(w);
        return run->write_rc;
    }
    /* an empty result also goes through: it removes a stale file */
    if (!w && (rc = vg_out_records_begin(o, run->name, &w)) != VG_OK)
        return rc;
    rc = vg_out_records_end(w);
    w = run->rwriter;
    run->rwriter = NULL;
    if (rc == VG_OK && w)
        rc = vg_out_records_end(w);
    else
        vg_out_records_abort(w);
    if (rc != VG_OK)
        return rc;
    return vg_out_detected(o, run->name, run->alerts);
}

void vg_run_execute(struct vg_run *run)
{
    const struct vg_module *m = run->mod;
    int rc;

    vg_diag_add(run->diag, VG_DIAG_DEBUG, run->name, "running module %s", run->label);
    if (run->scan->opts->on_progress)
        run->scan->opts->on_progress(run->scan->opts->ud, run->label, 0);
    if (run->rechecking)
        run->status = saved_records(run);
    else
        run->status = m->extract(run);
    if (run->status == VG_E_NOTFOUND && run->rechecking)
        return; /* that run did not produce this module's results */
    if (run->status == VG_E_LIMIT)
        run->status = VG_OK; /* the cap was reported; what was read stands */
    if (run->status != VG_OK)
        vg_diag_add(run->diag, VG_DIAG_WARN, run->name, "module %s did not complete: %s",
                    run->label, vg_strerror(run->status));
    if (m->check_finish)
        m->check_finish(run);
    rc = finish_output(run);
    if (rc != VG_OK && run->status == VG_OK)
        run->status = rc;
    if (run->nomem && run->status == VG_OK)
        run->status = VG_E_NOMEM;
    run->write_rc = rc;
}
