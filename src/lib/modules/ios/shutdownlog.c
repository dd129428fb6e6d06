/*
 * ShutdownLog: the processes still running at each shutdown, from
 * shutdown.log and its rotations (a filesystem dump's
 * private/var/db/diagnostics/, a sysdiagnose's
 * system_logs.logarchive/Extra/), recorded as MVT's ShutdownLog records
 * them (formats/apple/shutdownlog.h).
 *
 * Checks: the client path (and the executable, a trailing per-binary UUID
 * cut) against file path indicators and each of its components against
 * process indicators, as MVT does; then Kaspersky's iShutdown heuristics:
 * a client delaying shutdown from a folder where system processes never
 * run (HIGH), a client named like a system daemon from elsewhere, a
 * shutdown delayed many times (LOW), and the same client remaining at
 * several shutdowns from outside the system and app folders (MEDIUM). A
 * sticky daemon at its real path (mobileassetd) is not flagged.
 *
 * Several sysdiagnoses of one phone each hold the shutdown.log as it was
 * when taken: the later ones repeat the earlier shutdowns. Shutdowns are
 * kept once (from the oldest sysdiagnose holding them), records are merged
 * by time, and each gets "sysdiagnoses": the names of those holding it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/shutdownlog.h"
#include "modules/ios/common.h"
#include "modules/ios/exec_paths.h"

static const struct vg_loc shutdown_locs[] = {
    {VG_LOC_FS, NULL, "private/var/db/diagnostics/shutdown.log"},
    {VG_LOC_FS, NULL, "private/var/db/diagnostics/shutdown.*.log"},
    {VG_LOC_SYSDIAG, NULL, "system_logs.logarchive/Extra/shutdown.log"},
    {VG_LOC_SYSDIAG, NULL, "system_logs.logarchive/Extra/shutdown.*.log"},
};

enum { F_ISODATE, F_PID, F_CLIENT, F_TIMES_DELAYED };
static const char *const shutdown_fields[] = {"isodate", "pid", "client", "times_delayed"};

/* ---- extract ---- */

struct sd_file {
    char *domain; /* the sysdiagnose, or NULL */
    char *path;
    json_t *records;
    size_t order;
    size_t rank; /* its sysdiagnose's place, oldest first (0 without) */
};

struct collect {
    struct sd_file *v;
    size_t n, cap;
    char **domains; /* in the order met: the source's, oldest first */
    size_t n_domains;
};

static int domain_index(struct collect *c, const char *domain, size_t *out)
{
    size_t i;
    char **v;

    for (i = 0; i < c->n_domains; i++)
        if (strcmp(c->domains[i], domain) == 0) {
            *out = i;
            return VG_OK;
        }
    v = vg_realloc_array(c->domains, c->n_domains + 1, sizeof(*v));
    if (!v)
        return VG_E_NOMEM;
    c->domains = v;
    if (!(v[c->n_domains] = vg_strdup(domain)))
        return VG_E_NOMEM;
    *out = c->n_domains++;
    return VG_OK;
}

static int add_file(struct collect *c, const struct vg_file *f, json_t *records)
{
    struct sd_file *e;

    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 4;
        struct sd_file *v = vg_realloc_array(c->v, cap, sizeof(*v));
        if (!v)
            return VG_E_NOMEM;
        c->v = v;
        c->cap = cap;
    }
    e = &c->v[c->n];
    memset(e, 0, sizeof(*e));
    e->path = vg_strdup(f->path);
    e->domain = f->domain ? vg_strdup(f->domain) : NULL;
    e->records = records;
    e->order = c->n;
    c->n++;
    if (!e->path || (f->domain && !e->domain))
        return VG_E_NOMEM;
    return f->domain ? domain_index(c, f->domain, &e->rank) : VG_OK;
}

static int read_one(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct vg_shutdownlog *log = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    json_t *records;
    int rc;

    rc = vg_run_read(run, f, VG_MAX_SHUTDOWNLOG_FILE, &data, &len);
    if (rc != VG_OK)
        return rc == VG_E_NOMEM ? rc : VG_OK;
    vg_run_log(run, VG_DIAG_INFO, "Found shutdown log at path: %s", f->display);
    rc = vg_shutdownlog_parse(data, len, f->display, vg_run_diag(run), &log);
    vg_run_free_data(data, len);
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        return rc == VG_E_NOMEM ? rc : VG_OK;
    }
    if (log->truncated || log->warnings)
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "%zu malformed lines%s", log->warnings,
                        log->truncated ? ", cut at a cap" : "");
    records = json_array();
    rc = records ? vg_shutdownlog_records(log, records) : VG_E_NOMEM;
    vg_shutdownlog_free(log);
    if (rc == VG_OK)
        rc = add_file(ud, f, records);
    else
        json_decref(records);
    return rc;
}

/* Files in MVT's order: by path (shutdown.0.log before shutdown.log),
 * each sysdiagnose's in turn, oldest first. */
static int file_cmp(const void *a, const void *b)
{
    const struct sd_file *x = a, *y = b;
    int c;

    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    c = strcmp(x->path, y->path);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Several sysdiagnoses: keeps each shutdown (by its time) from the oldest
 * one holding it, and names every sysdiagnose holding it. */
static int merge_file(json_t *all, json_t *seen, const struct sd_file *f, int several)
{
    json_t *r, *holders;
    size_t i;

    json_array_foreach(f->records, i, r)
    {
        const char *t = vg_jstr(r, "isodate");
        if (several) {
            holders = t && *t ? json_object_get(seen, t) : NULL;
            if (holders && json_is_object(holders)) {
                /* a shutdown an older sysdiagnose gave: name this one too */
                json_t *names = json_object_get(holders, "names");
                if (json_integer_value(json_object_get(holders, "from")) != (json_int_t)f->rank) {
                    if (!json_array_size(names) ||
                        strcmp(json_string_value(json_array_get(names, json_array_size(names) - 1)),
                               f->domain) != 0)
                        if (json_array_append_new(names, json_string(f->domain)) != 0)
                            return VG_E_NOMEM;
                    continue;
                }
                if (json_object_set(r, "sysdiagnoses", names) != 0)
                    return VG_E_NOMEM;
            } else {
                json_t *names = json_pack("[s]", f->domain);
                if (!names || json_object_set(r, "sysdiagnoses", names) != 0) {
                    json_decref(names);
                    return VG_E_NOMEM;
                }
                if (t && *t &&
                    json_object_set_new(
                        seen, t,
                        json_pack("{s:o, s:I}", "names", names, "from", (json_int_t)f->rank)) != 0)
                    return VG_E_NOMEM;
                if (!(t && *t))
                    json_decref(names);
            }
        }
        if (json_array_append(all, r) != 0)
            return VG_E_NOMEM;
    }
    return VG_OK;
}

static int emit_all(struct vg_run *run, struct collect *c)
{
    json_t *all = json_array(), *seen = json_object(), *r;
    size_t i;
    int rc = all && seen ? VG_OK : VG_E_NOMEM;

    qsort(c->v, c->n, sizeof(*c->v), file_cmp);
    for (i = 0; rc == VG_OK && i < c->n; i++)
        rc = merge_file(all, seen, &c->v[i], c->n_domains > 1);
    if (rc == VG_OK)
        rc = vg_shutdownlog_sort(all);
    json_decref(seen);
    for (i = 0; rc == VG_OK && i < json_array_size(all); i++) {
        r = json_array_get(all, i);
        rc = vg_run_emit_json(run, json_incref(r));
    }
    json_decref(all);
    return rc;
}

static void collect_free(struct collect *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        free(c->v[i].domain);
        free(c->v[i].path);
        json_decref(c->v[i].records);
    }
    for (i = 0; i < c->n_domains; i++)
        free(c->domains[i]);
    free(c->domains);
    free(c->v);
}

static int shutdown_extract(struct vg_run *run)
{
    struct collect c;
    int rc;

    memset(&c, 0, sizeof(c));
    rc = vg_run_find_all(run, read_one, &c);
    if (rc >= 0 && c.n)
        rc = emit_all(run, &c);
    collect_free(&c);
    if (rc < 0 && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu shutdown log entries", vg_run_record_count(run));
    return VG_OK;
}

/* ---- checks ---- */

/* What the checks remember across records: per executable, the shutdowns
 * it remained at (records come sorted by time) and whether it was flagged;
 * per shutdown, whether its delays were flagged. */
struct sd_state {
    json_t *execs; /* exec -> {"reboots": n, "last": isodate, "alerted": b, "event": {...}} */
    json_t *delayed;
};

static struct sd_state *state_of(struct vg_run *run)
{
    void **slot = vg_run_state(run);
    struct sd_state *s = *slot;

    if (s)
        return s;
    s = vg_calloc(1, sizeof(*s));
    if (!s || !(s->execs = json_object()) || !(s->delayed = json_object())) {
        if (s) {
            json_decref(s->execs);
            free(s);
        }
        vg_run_nomem(run);
        return NULL;
    }
    *slot = s;
    return s;
}

/* MVT: a process indicator equal to any component of the client path. */
static int check_components(struct vg_run *run, const struct vg_rec *r, struct vg_str exec,
                            const char *when)
{
    char comp[VG_MAX_APPLE_TEXT_LINE];
    size_t i = 0, start;

    while (i <= exec.n) {
        start = i;
        while (i < exec.n && exec.p[i] != '/')
            i++;
        if (i > start && i - start < sizeof(comp)) {
            memcpy(comp, exec.p + start, i - start);
            comp[i - start] = '\0';
            if (vg_check_process(run, VG_LEVEL_CRITICAL, r, comp, when))
                return 1;
        }
        i++;
    }
    return 0;
}

static json_t *exec_entry(struct vg_run *run, struct sd_state *s, const struct vg_rec *r,
                          const char *exec)
{
    json_t *e = json_object_get(s->execs, exec);

    if (e)
        return e;
    e = json_pack("{s:I, s:s, s:b, s:o}", "reboots", (json_int_t)0, "last", "\x01", "alerted", 0,
                  "event", vg_rec_to_json(r));
    if (!e || json_object_set_new(s->execs, exec, e) != 0) {
        vg_run_nomem(run);
        return NULL;
    }
    return e;
}

static void heuristics(struct vg_run *run, const struct vg_rec *r, struct vg_str exec,
                       const char *client, const char *when)
{
    struct sd_state *s = state_of(run);
    char *ex = vg_str_dup(exec);
    const char *real;
    json_t *e;

    if (!s || !ex) {
        if (!ex)
            vg_run_nomem(run);
        free(ex);
        return;
    }
    e = exec_entry(run, s, r, ex);
    if (e && strcmp(vg_jstr(e, "last"), when) != 0) {
        json_object_set_new(e, "last", json_string(when));
        json_object_set_new(e, "reboots",
                            json_integer(json_integer_value(json_object_get(e, "reboots")) + 1));
    }
    if (e && !json_is_true(json_object_get(e, "alerted"))) {
        const char *dir = vg_shutdownlog_unusual_dir(&vg_shutdownlog_ishutdown, exec);
        if (dir) {
            json_object_set_new(e, "alerted", json_true());
            vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, when,
                         "Process \"%s\" delayed a shutdown from %s, a folder where system "
                         "processes never run (iShutdown)",
                         client, dir);
        } else if ((real = vg_exec_imitated_daemon(exec)) != NULL) {
            json_object_set_new(e, "alerted", json_true());
            vg_run_alert(run, vg_exec_place(exec) == VG_EXEC_SYSTEM ? VG_LEVEL_LOW : VG_LEVEL_HIGH,
                         r, NULL, when,
                         "Process \"%s\" is named like the system daemon that lives at %s", client,
                         real);
        }
    }
    free(ex);
}

static void check_delays(struct vg_run *run, const struct vg_rec *r, const char *when)
{
    struct sd_state *s;
    int64_t times = 0;

    if (!vg_rec_int(r, F_TIMES_DELAYED, &times) ||
        times < (int64_t)vg_shutdownlog_ishutdown.many_notices || !*when)
        return;
    s = state_of(run);
    if (!s || json_object_get(s->delayed, when))
        return;
    if (json_object_set_new(s->delayed, when, json_true()) != 0) {
        vg_run_nomem(run);
        return;
    }
    vg_run_alert(run, VG_LEVEL_LOW, r, NULL, when,
                 "The shutdown at %s waited for processes %lld times or more, as implants "
                 "have made it wait (iShutdown)",
                 when, (long long)times);
}

static void shutdown_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *client = vg_rec_text(r, F_CLIENT), *when = vg_rec_time(r, F_ISODATE);
    struct vg_str exec;

    if (!client || !*client)
        return;
    exec = vg_shutdownlog_exec_path(vg_str_of(client));
    check_delays(run, r, when);
    if (vg_check_file_path(run, VG_LEVEL_CRITICAL, r, client, when))
        return;
    if (exec.n != strlen(client)) {
        char *ex = vg_str_dup(exec);
        int hit = ex && vg_check_file_path(run, VG_LEVEL_CRITICAL, r, ex, when);
        free(ex);
        if (hit)
            return;
    }
    if (check_components(run, r, exec, when))
        return;
    heuristics(run, r, exec, client, when);
}

static void shutdown_finish(struct vg_run *run)
{
    void **slot = vg_run_state(run);
    struct sd_state *s = *slot;
    const char *exec;
    json_t *e;

    if (!s)
        return;
    json_object_foreach(s->execs, exec, e)
    {
        json_int_t n = json_integer_value(json_object_get(e, "reboots"));
        enum vg_exec_place p = vg_exec_place(vg_str_of(exec));
        if (n < (json_int_t)vg_shutdownlog_ishutdown.sticky_reboots ||
            json_is_true(json_object_get(e, "alerted")) ||
            (p != VG_EXEC_OTHER && p != VG_EXEC_SUSPICIOUS))
            continue;
        vg_run_alert_json(run, VG_LEVEL_MEDIUM, json_object_get(e, "event"), NULL,
                          vg_jtime(json_object_get(e, "event"), "isodate"),
                          "Process %s remained at %lld shutdowns, from outside the folders "
                          "where system processes and apps live",
                          exec, (long long)n);
    }
    json_decref(s->execs);
    json_decref(s->delayed);
    free(s);
    *slot = NULL;
}

static void shutdown_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char *desc = vg_asprintf("Client %s with PID %s was running when the device was shut down",
                             vg_rec_time(r, F_CLIENT), vg_rec_time(r, F_PID));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "shutdown", desc);
    free(desc);
}

const struct vg_module vg_mod_shutdownlog = {
    .name = "shutdown_log",
    .class_name = "ShutdownLog",
    .description = "processes still running at each shutdown (shutdown.log); process and file "
                   "indicators, iShutdown's heuristics",
    .locs = shutdown_locs,
    .n_locs = VG_ARRAY_LEN(shutdown_locs),
    .fields = shutdown_fields,
    .n_fields = VG_ARRAY_LEN(shutdown_fields),
    .extract = shutdown_extract,
    .check_record = shutdown_check,
    .check_finish = shutdown_finish,
    .timeline = shutdown_timeline,
};
