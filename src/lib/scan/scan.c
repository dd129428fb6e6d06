/*
 * The scan engine (see scan.h). For each selected module: extract (or, for
 * check-iocs, the records an earlier run saved), each record checked, put
 * on the timeline and written as it is emitted; then, in module order, the
 * module's alerts, coverage and diagnostics are committed. Then the
 * cross-module outputs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "output/report.h"
#include "scan/checks.h"
#include "scan/scan.h"
#include "util/tz.h"

int vg_scan_init(struct vg_scan *s, const struct vg_iocs *iocs, const struct vg_scan_opts *opts,
                 struct vg_diag *diag, struct vg_summary *sum, struct vg_source *src)
{
    const char *zone;
    int rc = VG_E_NOMEM;

    memset(s, 0, sizeof(*s));
    memset(sum, 0, sizeof(*sum));
    s->iocs = iocs;
    s->opts = opts;
    s->diag = diag;
    s->sum = sum;
    s->src = src;
    pthread_mutex_init(&s->lock, NULL);
    s->alerts = json_array();
    s->modules = json_object();
    s->device = src->facts ? json_deep_copy(src->facts) : json_object();
    s->unread = src->unread ? json_deep_copy(src->unread) : json_array();
    if (!s->alerts || !s->modules || !s->device || !s->unread)
        goto out;
    if (opts->hashes && !(s->hashes = json_object()))
        goto out;
    /* the analyst's zone must be one; the acquisition's falls back to UTC */
    zone = opts->timezone ? opts->timezone : src->timezone;
    if (zone && (rc = vg_tz_load(zone, &s->tz)) != VG_OK) {
        vg_diag_add(diag, opts->timezone ? VG_DIAG_ERROR : VG_DIAG_WARN, "scan", "%s: %s%s", zone,
                    rc == VG_E_NOTFOUND || rc == VG_E_INVAL
                        ? "not a time zone of the tz database (e.g. Europe/Paris)"
                        : vg_strerror(rc),
                    opts->timezone ? "" : "; times are written in UTC");
        if (opts->timezone || rc == VG_E_NOMEM)
            goto out;
        s->tz = NULL;
    }
    rc = VG_E_NOMEM;
    if (opts->output_dir) {
        rc = vg_out_new(opts->output_dir, diag, &s->out);
        if (rc != VG_OK)
            goto out;
        /* Android's logs keep the phone's wall clock; so do its modules */
        vg_out_set_device_time(s->out, !src->any_platform && src->platform == VG_PLATFORM_ANDROID);
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
    json_decref(s->device);
    json_decref(s->unread);
    vg_tz_free(s->tz);
    vg_signals_free(&s->signals);
    s->tz = NULL;
    s->out = NULL;
    s->tl = s->alerts_tl = NULL;
    s->alerts = s->modules = s->hashes = s->device = s->unread = NULL;
    pthread_mutex_destroy(&s->lock);
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

/* -m names a module by result name or class name; a nested acquisition's
 * module also by its prefixed name ("bugreport_dumpsys_appops"). */
static int module_selected(const struct vg_scan *s, const struct vg_module *m, const char *prefix)
{
    size_t i, k = prefix ? strlen(prefix) : 0;

    if (!s->opts->modules || s->opts->n_modules == 0)
        return 1;
    for (i = 0; i < s->opts->n_modules; i++) {
        const char *want = s->opts->modules[i];
        if (vg_str_casecmp(m->name, want) == 0 || vg_str_casecmp(m->class_name, want) == 0)
            return 1;
        if (k && strncasecmp(want, prefix, k) == 0 && vg_str_casecmp(m->name, want + k) == 0)
            return 1;
    }
    return 0;
}

/* ---- committing a run, in module order ---- */

static void forward_diag(struct vg_scan *s, const struct vg_run *run)
{
    size_t i;

    for (i = 0; i < vg_diag_size(run->diag); i++) {
        const struct vg_diag_entry *e = vg_diag_get(run->diag, i);
        vg_diag_add(s->diag, e->level, e->where, "%s", e->message);
    }
}

static char *coverage_line(const json_t *c)
{
    const char *detail = json_string_value(json_object_get(c, "detail"));
    return vg_asprintf("%s %s%s%s", json_string_value(json_object_get(c, "status")),
                       json_string_value(json_object_get(c, "artifact")),
                       detail && *detail ? ": " : "", detail ? detail : "");
}

static void report_module(struct vg_run *run)
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
    r.name = run->name;
    r.class_name = run->label;
    r.records = run->n_records;
    r.recovered = run->n_recovered;
    memcpy(r.alerts, run->alert_counts, sizeof(r.alerts));
    r.status = run->status;
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

static int record_module_info(struct vg_run *run)
{
    json_t *alerts = json_object(), *o;
    size_t l;

    if (!alerts)
        return VG_E_NOMEM;
    for (l = 0; l < VG_LEVEL_COUNT; l++)
        if (run->alert_counts[l] &&
            json_object_set_new(alerts, vg_level_json_name((enum vg_level)l),
                                json_integer((json_int_t)run->alert_counts[l])) != 0) {
            json_decref(alerts);
            return VG_E_NOMEM;
        }
    o = json_pack("{s:s, s:I, s:o, s:O, s:s}", "class", run->mod->class_name, "records",
                  (json_int_t)run->n_records, "alerts", alerts, "coverage", run->coverage, "status",
                  run->status == VG_OK ? "ok" : vg_strerror(run->status));
    if (o && run->n_recovered &&
        json_object_set_new(o, "recovered", json_integer((json_int_t)run->n_recovered)) != 0) {
        json_decref(o);
        o = NULL;
    }
    if (!o)
        return VG_E_NOMEM;
    return json_object_set_new(run->scan->modules, run->name, o) == 0 ? VG_OK : VG_E_NOMEM;
}

static int collect_alerts(struct vg_run *run)
{
    struct vg_scan *s = run->scan;
    json_t *a;
    size_t i, l;

    json_array_foreach(run->alerts, i, a)
    {
        uint64_t key = (uint64_t)run->index << VG_TL_MODULE_SHIFT | i;
        if (json_array_append(s->alerts, a) != 0)
            return VG_E_NOMEM;
        if (s->alerts_tl &&
            vg_timeline_add_key(
                s->alerts_tl, key, json_string_value(json_object_get(a, "event_time")), run->name,
                run->mod->class_name, json_string_value(json_object_get(a, "level")),
                json_string_value(json_object_get(a, "message"))) != VG_OK)
            return VG_E_NOMEM;
    }
    for (l = 0; l < VG_LEVEL_COUNT; l++)
        s->sum->alerts[l] += run->alert_counts[l];
    return VG_OK;
}

/* What the module could not read makes the check incomplete. */
static int note_unread(struct vg_run *run)
{
    json_t *c;
    size_t i;

    json_array_foreach(run->unread, i, c)
    {
        if (json_array_append(run->scan->unread, c) != 0)
            return VG_E_NOMEM;
    }
    if (run->status != VG_OK && run->status != VG_E_NOMEM) {
        char *line = vg_asprintf("%s: did not complete (%s)", run->label, vg_strerror(run->status));
        if (!line || json_array_append_new(run->scan->unread, json_string(line)) != 0) {
            free(line);
            return VG_E_NOMEM;
        }
        free(line);
    }
    return VG_OK;
}

static int commit(struct vg_scan *s, struct vg_run *run)
{
    int rc;

    forward_diag(s, run);
    if (run->rechecking && run->status == VG_E_NOTFOUND)
        return VG_OK;
    rc = collect_alerts(run);
    if (rc == VG_OK)
        rc = note_unread(run);
    if (rc == VG_OK)
        rc = record_module_info(run);
    if (rc != VG_OK)
        return rc;
    vg_signals_take(&s->signals, &run->signals);
    s->sum->modules_run++;
    s->sum->records += run->n_records;
    report_module(run);
    /* an output that cannot be written, or memory gone, ends the scan */
    if (run->write_rc != VG_OK)
        return run->write_rc;
    return run->nomem ? VG_E_NOMEM : VG_OK;
}

/* ---- correlated stories ---- */

struct stories {
    struct vg_scan *s;
    json_t *alerts; /* the stories' alerts */
    size_t counts[VG_LEVEL_COUNT];
    int rc;
};

#define STORY_MODULE "correlation"
#define STORY_CLASS  "Correlation"
#define STORY_INDEX  0xFFFFFFu /* its place among the modules: after all */

static void add_story(void *ud, struct vg_story *st)
{
    struct stories *c = ud;
    json_t *a;

    if (c->rc != VG_OK) {
        json_decref(st->event);
        return;
    }
    a = json_pack("{s:s, s:s, s:s, s:s, s:o, s:n}", "level",
                  vg_level_json_name((enum vg_level)st->level), "module", STORY_MODULE, "message",
                  st->message, "event_time", st->time, "event", st->event, "matched_indicator");
    if (!a || json_array_append_new(c->alerts, a) != 0) {
        c->rc = VG_E_NOMEM;
        return;
    }
    c->counts[st->level]++;
    vg_diag_add(c->s->diag, VG_DIAG_DEBUG, STORY_MODULE, "%s alert: %s",
                vg_level_name((enum vg_level)st->level), st->message);
}

/* The stories' alerts join the others (after every module's, in time
 * order) and are reported as one more module. */
static int commit_stories(struct vg_scan *s, struct stories *c)
{
    size_t n = json_array_size(c->alerts), i, l;
    enum vg_level *levels = vg_calloc(n + 1, sizeof(*levels));
    const char **msgs = vg_calloc(n + 1, sizeof(*msgs));
    struct vg_module_report r;
    json_t *a;
    int rc = levels && msgs ? VG_OK : VG_E_NOMEM;

    json_array_foreach(c->alerts, i, a)
    {
        uint64_t key = (uint64_t)STORY_INDEX << VG_TL_MODULE_SHIFT | i;
        if (rc != VG_OK)
            break;
        if (json_array_append(s->alerts, a) != 0 ||
            (s->alerts_tl &&
             vg_timeline_add_key(s->alerts_tl, key,
                                 json_string_value(json_object_get(a, "event_time")), STORY_MODULE,
                                 STORY_CLASS, json_string_value(json_object_get(a, "level")),
                                 json_string_value(json_object_get(a, "message"))) != VG_OK))
            rc = VG_E_NOMEM;
        else if (levels && msgs) {
            if (vg_level_parse(json_string_value(json_object_get(a, "level")), &levels[i]) != VG_OK)
                levels[i] = VG_LEVEL_HIGH;
            msgs[i] = json_string_value(json_object_get(a, "message"));
        }
    }
    for (l = 0; rc == VG_OK && l < VG_LEVEL_COUNT; l++)
        s->sum->alerts[l] += c->counts[l];
    if (rc == VG_OK && s->opts->on_module) {
        memset(&r, 0, sizeof(r));
        r.name = STORY_MODULE;
        r.class_name = STORY_CLASS;
        memcpy(r.alerts, c->counts, sizeof(r.alerts));
        r.status = VG_OK;
        r.n_alerts = n;
        r.alert_levels = levels;
        r.alert_messages = msgs;
        s->opts->on_module(s->opts->ud, &r);
    }
    free(levels);
    free(msgs);
    return rc;
}

static int correlate(struct vg_scan *s)
{
    struct stories c = {s, json_array(), {0}, VG_OK};
    int rc;

    if (!c.alerts)
        return VG_E_NOMEM;
    if (s->signals.capped)
        vg_diag_add(s->diag, VG_DIAG_WARN, STORY_MODULE,
                    "%zu events past the first %u were not correlated", s->signals.capped,
                    VG_MAX_SIGNALS);
    rc = vg_correlate(&s->signals, add_story, &c);
    if (rc == VG_OK)
        rc = c.rc;
    if (rc == VG_OK && json_array_size(c.alerts) > 0)
        rc = commit_stories(s, &c);
    json_decref(c.alerts);
    vg_signals_free(&s->signals);
    return rc;
}

/* ---- the pool ---- */

struct pool {
    struct vg_scan *s;
    const struct vg_run_job *jobs; /* the selected modules, in commit order */
    size_t n;
    struct vg_run *runs;
    int *state; /* 0 waiting, 1 running, 2 done, 3 failed to set up */
    size_t next;
    int stop;
    pthread_mutex_t lock;
    pthread_cond_t done;
};

static void run_one(struct pool *p, size_t i)
{
    int ok = vg_run_setup(&p->runs[i], p->s, &p->jobs[i]) == VG_OK;

    if (ok)
        vg_run_execute(&p->runs[i]);
    pthread_mutex_lock(&p->lock);
    p->state[i] = ok ? 2 : 3;
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg)
{
    struct pool *p = arg;

    for (;;) {
        size_t i;
        pthread_mutex_lock(&p->lock);
        if (p->stop || p->next >= p->n) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        i = p->next++;
        p->state[i] = 1;
        pthread_mutex_unlock(&p->lock);
        run_one(p, i);
    }
}

static size_t worker_count(size_t n)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t w = cpus > 0 ? (size_t)cpus : 1;

    if (w > VG_SCAN_WORKERS)
        w = VG_SCAN_WORKERS;
    return w < n ? w : n;
}

/* Commits the runs in order as they finish. */
static int commit_in_order(struct pool *p)
{
    size_t i;
    int rc = VG_OK, st;

    for (i = 0; i < p->n; i++) {
        pthread_mutex_lock(&p->lock);
        while (p->state[i] == 0 || p->state[i] == 1) {
            if (p->stop && p->state[i] == 0)
                break;
            pthread_cond_wait(&p->done, &p->lock);
        }
        st = p->state[i];
        pthread_mutex_unlock(&p->lock);
        if (st == 0)
            break; /* stopped before it started */
        if (st == 3 && rc == VG_OK)
            rc = VG_E_NOMEM;
        if (st == 2 && rc == VG_OK)
            rc = commit(p->s, &p->runs[i]);
        if (st == 2)
            vg_run_cleanup(&p->runs[i]);
        if (rc != VG_OK) {
            pthread_mutex_lock(&p->lock);
            p->stop = 1;
            pthread_mutex_unlock(&p->lock);
        }
    }
    return rc;
}

static int run_pool(struct pool *p)
{
    pthread_t th[VG_SCAN_WORKERS];
    size_t w = worker_count(p->n), started = 0, i;
    int rc;

    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->done, NULL);
    /* jansson seeds its hash function on first use: do it before threads */
    json_object_seed(0);
    for (i = 0; w > 1 && i < w; i++)
        if (pthread_create(&th[i], NULL, worker, p) == 0)
            started++;
    if (started == 0)
        (void)worker(p); /* one core, or no thread could start */
    rc = commit_in_order(p);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    /* runs that finished after a stop are cleaned up, not committed */
    for (i = 0; i < p->n; i++)
        if (p->state[i] == 2 && p->runs[i].alerts)
            vg_run_cleanup(&p->runs[i]);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    return rc;
}

/* ---- outputs ---- */

static json_t *indicator_files_json(const struct vg_iocs *iocs)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; arr && i < vg_iocs_file_count(iocs); i++) {
        const struct vg_ioc_file_info *f = vg_iocs_file(iocs, i);
        if (json_array_append_new(arr, json_pack("{s:s, s:s, s:I}", "path", f->path, "sha256",
                                                 f->sha256, "indicators", (json_int_t)f->loaded)) !=
            0) {
            json_decref(arr);
            arr = NULL;
        }
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
        if (json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "level", names[e->level],
                                                 "where", e->where, "message", e->message)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

const char *vg_summary_verdict(const struct vg_summary *sum)
{
    if (vg_summary_has_detections(sum))
        return "DETECTIONS";
    return sum->unread ? "INCOMPLETE" : "NO DETECTIONS";
}

static json_t *verdict_json(const struct vg_scan *s)
{
    return json_pack("{s:s, s:O}", "status", vg_summary_verdict(s->sum), "unread", s->unread);
}

static json_t *hashes_json(const struct vg_scan *s)
{
    const char **keys;
    const char *key;
    json_t *v, *arr;
    size_t n = 0, i;

    /* sorted by name so the file is stable */
    keys = vg_calloc(json_object_size(s->hashes) + 1, sizeof(*keys));
    if (!keys)
        return NULL;
    json_object_foreach(s->hashes, key, v) keys[n++] = key;
    qsort(keys, n, sizeof(*keys), vg_strcmp_ptr);
    arr = json_array();
    for (i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_pack("{s:s, s:O}", "file", keys[i], "sha256",
                                                 json_object_get(s->hashes, keys[i]))) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    free(keys);
    return arr;
}

static int write_info(struct vg_scan *s, const char *date)
{
    json_t *info, *hashes = NULL;
    int rc;

    if (s->hashes && !(hashes = hashes_json(s)))
        return VG_E_NOMEM;
    info =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:O, s:O, s:o}", "vigie_version", VG_VERSION,
                  "date", date, "kind", s->src->kind, "target",
                  s->opts->target ? s->opts->target : (s->src->path ? s->src->path : ""), "verdict",
                  verdict_json(s), "indicator_files", indicator_files_json(s->iocs), "device",
                  s->device, "modules", s->modules, "diagnostics", diagnostics_json(s->diag));
    if (!info) {
        json_decref(hashes);
        return VG_E_NOMEM;
    }
    if (hashes && json_object_set_new(info, "hashes", hashes) != 0) {
        json_decref(info);
        return VG_E_NOMEM;
    }
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
    if (rc == VG_OK && s->src->alert_context > 0)
        rc = vg_out_alerts_context(s->out, s->alerts_tl, s->tl, s->src->alert_context);
    if (rc == VG_OK && vg_isodate_now(date) != VG_OK)
        date[0] = '\0';
    if (rc == VG_OK)
        rc = write_info(s, date);
    if (rc == VG_OK)
        rc = vg_out_command_log(s->out, s->opts->command_line ? s->opts->command_line : "", date);
    /* the report is read from the files just written; without it the
     * results stand, so a failure is a warning */
    if (rc == VG_OK && vg_report_write(vg_out_dir(s->out), s->diag) != VG_OK)
        vg_diag_add(s->diag, VG_DIAG_WARN, "report", "report.html could not be written in %s",
                    vg_out_dir(s->out));
    return rc;
}

/* ---- selection ---- */

/* What could not be read makes the check INCOMPLETE. */
static void scan_unread(struct vg_scan *s, const char *what)
{
    if (json_array_append_new(s->unread, vg_json_utf8(what, strlen(what))) != 0)
        vg_diag_add(s->diag, VG_DIAG_ERROR, "scan", "out of memory: %s", what);
}

/* Gives the source the locators of the jobs that read it, so an archive
 * is read once keeping what they need. VG_E_NOTFOUND from a nested
 * source: it is not there after all (an archive of an archive says so
 * only once read). */
static int prepare_source(struct vg_scan *s, struct vg_source *src, const struct vg_run_job *jobs,
                          size_t n)
{
    const struct vg_loc **locs;
    size_t total = 0, i, j, k = 0;
    int rc;

    if (!src->ops->prepare || src->ops->records)
        return VG_OK;
    for (i = 0; i < n; i++)
        if (jobs[i].src == src)
            total += jobs[i].mod->n_locs;
    locs = vg_calloc(total + 1, sizeof(*locs));
    if (!locs) {
        vg_diag_add(s->diag, VG_DIAG_ERROR, "scan", "out of memory");
        return VG_E_NOMEM;
    }
    for (i = 0; i < n; i++)
        for (j = 0; jobs[i].src == src && j < jobs[i].mod->n_locs; j++)
            locs[k++] = &jobs[i].mod->locs[j];
    rc = src->ops->prepare(src->self, locs, k, s->diag);
    free(locs);
    if (rc != VG_OK && rc != VG_E_NOTFOUND) {
        char *what = src == s->src ? NULL : vg_asprintf("%s could not be read whole", src->path);
        scan_unread(s, what ? what : "the acquisition could not be read whole");
        free(what);
    }
    return rc;
}

/* Adds the selected modules of list mods, read from src, to jobs. */
static size_t select_jobs(struct vg_scan *s, struct vg_run_job *jobs, size_t k,
                          const struct vg_module *const *mods, size_t n, struct vg_source *src,
                          const char *prefix, const char *from, size_t base)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!module_selected(s, mods[i], prefix))
            continue;
        if (s->opts->fast && mods[i]->slow) {
            vg_diag_add(s->diag, VG_DIAG_WARN, mods[i]->name,
                        "skipped by --fast: its artifacts were not checked");
            continue;
        }
        jobs[k].mod = mods[i];
        jobs[k].src = src;
        jobs[k].prefix = prefix;
        jobs[k].from = from;
        jobs[k].index = base + i;
        k++;
    }
    return k;
}

/* What the nested source knew of the device (the outer source's facts
 * win) and could not read. */
static void merge_nested(struct vg_scan *s, const struct vg_source *inner)
{
    const char *key;
    json_t *v;
    size_t i;

    json_object_foreach(inner->facts, key, v)
    {
        if (!json_object_get(s->device, key) && json_object_set(s->device, key, v) != 0)
            vg_diag_add(s->diag, VG_DIAG_ERROR, "scan", "out of memory");
    }
    json_array_foreach(inner->unread, i, v)
    {
        if (json_array_append(s->unread, v) != 0)
            vg_diag_add(s->diag, VG_DIAG_ERROR, "scan", "out of memory");
    }
}

/* The acquisition nest names inside the scanned one, or NULL (said in
 * diag). Saved results hold nested results under prefixed names in the
 * same folder: the source itself. */
static struct vg_source *open_nested(struct vg_scan *s, const struct vg_scan_nest *nest)
{
    struct vg_source *inner = NULL;
    const char *name = vg_kind_name(nest->kind);
    int rc;

    if (s->src->ops->records)
        return s->src;
    if (!s->src->ops->nested)
        return NULL;
    rc = s->src->ops->nested(s->src->self, nest->kind, s->diag, &inner);
    if (rc == VG_E_NOTFOUND) {
        vg_diag_add(s->diag, VG_DIAG_INFO, name,
                    "no %s in this acquisition: its modules did not run", name);
        return NULL;
    }
    if (rc != VG_OK) {
        char *what = vg_asprintf("the %s inside could not be read (%s)", name, vg_strerror(rc));
        vg_diag_add(s->diag, VG_DIAG_WARN, name, "%s", what ? what : "cannot be read");
        scan_unread(s, what ? what : "a nested acquisition could not be read");
        free(what);
        return NULL;
    }
    inner->kind_id = nest->kind;
    return inner;
}

static void free_nested(struct vg_scan *s, struct vg_source **inner, size_t n)
{
    size_t i;

    for (i = 0; inner && i < n; i++)
        if (inner[i] != s->src)
            vg_source_free(inner[i]);
    free(inner);
}

/* The nested acquisitions' jobs, after the outer ones (already in jobs,
 * k of them). */
static size_t nested_jobs(struct vg_scan *s, struct vg_run_job *jobs, size_t k,
                          const struct vg_scan_nest *nests, size_t n_nests,
                          struct vg_source **inner, size_t base)
{
    size_t i, first;

    for (i = 0; i < n_nests; i++) {
        const char *from = vg_kind_name(nests[i].kind);
        first = k;
        inner[i] = open_nested(s, &nests[i]);
        if (inner[i])
            k = select_jobs(s, jobs, k, nests[i].mods, nests[i].n, inner[i], nests[i].prefix, from,
                            base);
        base += nests[i].n;
        if (!inner[i] || inner[i] == s->src)
            continue;
        if (prepare_source(s, inner[i], jobs + first, k - first) == VG_E_NOTFOUND) {
            vg_diag_add(s->diag, VG_DIAG_INFO, from,
                        "no %s in this acquisition: its modules did not run", from);
            k = first;
        }
        merge_nested(s, inner[i]);
    }
    return k;
}

int vg_scan_run(struct vg_scan *s, const struct vg_module *const *mods, size_t n)
{
    return vg_scan_run_nested(s, mods, n, NULL, 0);
}

int vg_scan_run_nested(struct vg_scan *s, const struct vg_module *const *mods, size_t n,
                       const struct vg_scan_nest *nests, size_t n_nests)
{
    struct vg_source **inner = vg_calloc(n_nests + 1, sizeof(*inner));
    struct vg_run_job *jobs;
    struct pool p;
    size_t total = n, i, k;
    int rc = VG_E_NOMEM;

    memset(&p, 0, sizeof(p));
    for (i = 0; i < n_nests; i++)
        total += nests[i].n;
    jobs = vg_calloc(total + 1, sizeof(*jobs));
    if (!jobs || !inner)
        goto out;
    k = select_jobs(s, jobs, 0, mods, n, s->src, NULL, NULL, 0);
    (void)prepare_source(s, s->src, jobs, k);
    k = nested_jobs(s, jobs, k, nests, n_nests, inner, n);
    p.s = s;
    p.jobs = jobs;
    p.n = k;
    p.runs = vg_calloc(k + 1, sizeof(*p.runs));
    p.state = vg_calloc(k + 1, sizeof(*p.state));
    if (!p.runs || !p.state)
        goto out;
    rc = run_pool(&p);
    if (rc == VG_OK && !s->opts->no_correlate)
        rc = correlate(s);
    if (rc != VG_OK)
        goto out;
    s->sum->unread = json_array_size(s->unread);
    s->sum->warnings = vg_diag_count(s->diag, VG_DIAG_WARN) + vg_diag_count(s->diag, VG_DIAG_ERROR);
    if (s->out)
        rc = write_outputs(s);
out:
    free(p.runs);
    free(p.state);
    free(jobs);
    free_nested(s, inner, n_nests);
    return rc;
}

int vg_summary_has_detections(const struct vg_summary *sum)
{
    return sum->alerts[VG_LEVEL_MEDIUM] + sum->alerts[VG_LEVEL_HIGH] +
               sum->alerts[VG_LEVEL_CRITICAL] >
           0;
}
