/*
 * MobileInstallation: the app installs, updates and removals installd
 * logged (a sysdiagnose's logs/MobileInstallation/mobile_installation.log.*,
 * formats/apple/milog.h), one record per event, with who asked for it: the
 * install source. An install request and the "Installing" line after it on
 * the same thread are one install: the record of the latter names the
 * requester and type too. Events are merged by time across the rotated
 * files and across sysdiagnoses (a line an earlier sysdiagnose holds is
 * kept from it only). Times are the phone's wall clock, read in the
 * time zone the sysdiagnose's name gives (as MVT's sysdiagnose helper
 * does); UTC when it gives none.
 *
 * Checks: bundle ids against app indicators, paths against file path
 * indicators, the requester against process indicators; and the install
 * source: an install asked for by a computer (iTunes sync, Xcode or another
 * tool through mobile_installation_proxy) or a management daemon is
 * INFO, by anything not known to install apps LOW. SAF's mobileinstallation
 * parser keeps these lines as text; this reads them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/milog.h"
#include "formats/apple/shutdownlog.h"
#include "formats/apple/sysdiagnose_name.h"
#include "modules/ios/common.h"

static const struct vg_loc mi_locs[] = {
    {VG_LOC_SYSDIAG, NULL, "logs/MobileInstallation/mobile_installation.log*"},
};

enum { F_ISODATE, F_EVENT, F_BUNDLE, F_PATH, F_REQUESTED_BY, F_TYPE };
static const char *const mi_fields[] = {"isodate", "event",        "bundle_id",
                                        "path",    "requested_by", "install_type"};

static const char *const mi_keys[] = {
    "isodate",      "event",        "bundle_id",     "version",     "short_version",
    "install_type", "requested_by", "requested_pid", "path",        "pid",
    "level",        "message",      "file",          "sysdiagnose",
};

/* Who asks installd for installs, and what that says of the source. */
static const struct {
    const char *name;
    const char *source;
} requesters[] = {
    {"lsd", "app_store"},
    {"installcoordinationd", "app_store"},
    {"appstored", "app_store"},
    {"itunesstored", "app_store"},
    {"atc", "computer_sync"},
    {"mobile_installation_proxy", "computer"},
    {"streaming_zip_conduit", "computer"},
    {"mdmd", "management"},
    {"dmd", "management"},
    {"managedappdistributiond", "management"},
};

static const char *source_of(const char *requester)
{
    size_t i;

    if (!requester || !*requester)
        return NULL;
    for (i = 0; i < VG_ARRAY_LEN(requesters); i++)
        if (strcmp(requesters[i].name, requester) == 0)
            return requesters[i].source;
    return "other";
}

#define MI_THREADS 64 /* install requests remembered per file, by thread */

struct request {
    char thread[32];
    char *requested_by, *type;
    int64_t pid;
};

struct mi_ctx {
    struct vg_run *run;
    json_t *all;  /* the events of every file, merged by time at the end */
    json_t *seen; /* time, thread and message -> the sysdiagnose that had it first */
    const struct vg_schema *schema;
    const struct vg_file *f;
    int tz_minutes;
    struct request req[MI_THREADS];
    size_t next;
};

static struct request *request_of(struct mi_ctx *c, struct vg_str thread)
{
    size_t i;

    for (i = 0; i < MI_THREADS; i++)
        if (c->req[i].requested_by && vg_str_eq(thread, c->req[i].thread))
            return &c->req[i];
    return NULL;
}

static void remember(struct mi_ctx *c, const struct vg_milog_entry *e,
                     const struct vg_milog_event *ev)
{
    struct request *r = request_of(c, e->thread);

    if (!r) {
        r = &c->req[c->next];
        c->next = (c->next + 1) % MI_THREADS;
    }
    free(r->requested_by);
    free(r->type);
    memset(r, 0, sizeof(*r));
    if (!vg_str_copy(e->thread, r->thread, sizeof(r->thread)))
        return;
    r->requested_by = vg_str_dup(ev->requested_by);
    r->type = vg_str_dup(ev->install_type);
    r->pid = ev->requested_pid;
}

/* Values by their key's place in mi_keys (the record is not the
 * module's field list). */
static void put_text(struct vg_rec *r, int key, const char *p, size_t n)
{
    struct vg_val v = {.t = VG_VT_NULL};

    if (p) {
        v.t = VG_VT_TEXT;
        v.u.s.p = p;
        v.u.s.n = n;
    }
    vg_rec_put(r, key, &v);
}

static void put_str(struct vg_rec *r, int key, struct vg_str s)
{
    put_text(r, key, s.p, s.n);
}

static void put_cstr(struct vg_rec *r, int key, const char *s)
{
    put_text(r, key, s, s ? strlen(s) : 0);
}

static void put_int(struct vg_rec *r, int key, int64_t i)
{
    struct vg_val v = {.t = i >= 0 ? VG_VT_INT : VG_VT_NULL};

    v.u.i = i;
    vg_rec_put(r, key, &v);
}

static int mi_entry(void *ud, const struct vg_milog_entry *e)
{
    struct mi_ctx *c = ud;
    struct vg_milog_event ev;
    struct request *req;
    struct vg_rec *r;
    json_t *j;
    char iso[VG_ISODATE_LEN + 1];
    const char *b = strrchr(c->f->path, '/');

    vg_milog_event(e->message, &ev);
    if (ev.kind == VG_MILOG_OTHER)
        return VG_OK;
    if (vg_isodate(e->local_time - (int64_t)c->tz_minutes * 60, 0, iso) != VG_OK)
        iso[0] = '\0';
    if (c->f->domain) {
        /* a later sysdiagnose repeats the lines an earlier one holds */
        char *key = vg_asprintf("%s\x1f%.*s\x1f%.*s", iso, (int)e->thread.n, e->thread.p,
                                (int)e->message.n, e->message.p);
        const char *first;
        if (!key)
            return VG_E_NOMEM;
        first = vg_jstr(c->seen, key);
        if (first && strcmp(first, c->f->domain) != 0) {
            free(key);
            return VG_OK;
        }
        if (!first && json_object_set_new(c->seen, key, json_string(c->f->domain)) != 0) {
            free(key);
            return VG_E_NOMEM;
        }
        free(key);
    }
    if (ev.kind == VG_MILOG_INSTALL_REQUEST)
        remember(c, e, &ev);
    req = ev.kind == VG_MILOG_INSTALLING ? request_of(c, e->thread) : NULL;
    r = vg_run_rec(c->run, c->schema);
    if (!r)
        return VG_E_NOMEM;
    put_cstr(r, 0, iso);
    put_cstr(r, 1, vg_milog_kind_name(ev.kind));
    put_str(r, 2, ev.bundle_id);
    put_str(r, 3, ev.version);
    put_str(r, 4, ev.short_version);
    if (req) {
        put_cstr(r, 5, req->type);
        put_cstr(r, 6, req->requested_by);
        put_int(r, 7, req->pid);
    } else {
        put_str(r, 5, ev.install_type);
        put_str(r, 6, ev.requested_by);
        put_int(r, 7, ev.requested_pid);
    }
    put_str(r, 8, ev.path);
    put_int(r, 9, e->pid);
    put_str(r, 10, e->level);
    put_str(r, 11, e->message);
    put_cstr(r, 12, b ? b + 1 : c->f->path);
    put_cstr(r, 13, c->f->domain);
    j = r->failed ? NULL : vg_rec_to_json(r);
    vg_rec_reset(r);
    if (!j || json_array_append_new(c->all, j) != 0)
        return VG_E_NOMEM;
    return VG_OK;
}

static int mi_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct mi_ctx *c = ud;
    struct vg_sysdiag_name name;
    unsigned char *data = NULL;
    size_t len = 0, i;
    int rc;

    rc = vg_run_read(run, f, VG_MAX_MI_LOG_FILE, &data, &len);
    if (rc != VG_OK)
        return rc == VG_E_NOMEM ? rc : VG_OK;
    c->f = f;
    c->tz_minutes =
        f->domain && vg_sysdiag_name_parse(f->domain, &name) == VG_OK ? name.tz_minutes : 0;
    rc = vg_milog_each(data, len, mi_entry, c);
    vg_run_free_data(data, len);
    for (i = 0; i < MI_THREADS; i++) {
        free(c->req[i].requested_by);
        free(c->req[i].type);
    }
    memset(c->req, 0, sizeof(c->req));
    c->next = 0;
    if (rc == VG_E_LIMIT)
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
    return rc == VG_E_LIMIT ? VG_OK : rc;
}

static int mi_extract(struct vg_run *run)
{
    struct mi_ctx c;
    int rc;

    size_t i;

    memset(&c, 0, sizeof(c));
    c.run = run;
    rc = vg_run_schema(run, mi_keys, VG_ARRAY_LEN(mi_keys), &c.schema);
    if (rc != VG_OK)
        return rc;
    c.all = json_array();
    c.seen = json_object();
    rc = c.all && c.seen ? vg_run_find_all(run, mi_file, &c) : VG_E_NOMEM;
    /* by time: log.1 is older than log.0, and sysdiagnoses overlap (a
     * stable sort on "isodate", which shutdown.log's records share) */
    if (rc >= 0)
        rc = vg_shutdownlog_sort(c.all);
    for (i = 0; rc >= 0 && i < json_array_size(c.all); i++)
        rc = vg_run_emit_json(run, json_incref(json_array_get(c.all, i)));
    json_decref(c.all);
    json_decref(c.seen);
    if (rc < 0 && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu install events", vg_run_record_count(run));
    return VG_OK;
}

/* Once per (requester, bundle): a long log repeats them. */
static int first_time(struct vg_run *run, const char *a, const char *b)
{
    void **slot = vg_run_state(run);
    json_t *set = *slot;
    char *key;
    int first;

    if (!set && !(set = *slot = json_object())) {
        vg_run_nomem(run);
        return 0;
    }
    key = vg_asprintf("%s\x1f%s", a ? a : "", b ? b : "");
    if (!key) {
        vg_run_nomem(run);
        return 0;
    }
    first = json_object_get(set, key) == NULL;
    if (first && json_object_set_new(set, key, json_true()) != 0)
        vg_run_nomem(run);
    free(key);
    return first;
}

static void mi_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *when = vg_rec_time(r, F_ISODATE), *by = vg_rec_text(r, F_REQUESTED_BY);
    const char *bundle = vg_rec_text(r, F_BUNDLE), *event = vg_rec_time(r, F_EVENT);
    const char *source;

    if (vg_check_app_id(run, VG_LEVEL_CRITICAL, r, bundle, when) ||
        vg_check_file_path(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PATH), when) ||
        vg_check_process(run, VG_LEVEL_CRITICAL, r, by, when))
        return;
    source = source_of(by);
    if (!source || strcmp(source, "app_store") == 0 || strcmp(event, "installing") != 0 ||
        !first_time(run, by, bundle))
        return;
    if (strcmp(source, "other") == 0)
        vg_run_alert(run, VG_LEVEL_LOW, r, NULL, when,
                     "App %s was installed at the request of %s, which is not known to install "
                     "apps",
                     bundle ? bundle : "(unknown)", by);
    else
        vg_run_alert(
            run, VG_LEVEL_INFO, r, NULL, when, "App %s was installed from %s (%s)",
            bundle ? bundle : "(unknown)",
            strcmp(source, "management") == 0 ? "a device management service" : "a computer", by);
}

static void mi_finish(struct vg_run *run)
{
    void **slot = vg_run_state(run);

    json_decref(*slot);
    *slot = NULL;
}

static void mi_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const char *by = vg_rec_time(r, F_REQUESTED_BY), *bundle = vg_rec_time(r, F_BUNDLE);
    char *desc = vg_asprintf("%s %s%s%s%s%s", vg_rec_time(r, F_EVENT),
                             *bundle ? bundle : vg_rec_time(r, F_PATH), *by ? " requested by " : "",
                             by, *vg_rec_time(r, F_TYPE) ? ", type " : "", vg_rec_time(r, F_TYPE));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "app_install", desc);
    free(desc);
}

const struct vg_module vg_mod_mobile_installation = {
    .name = "mobile_installation",
    .class_name = "MobileInstallation",
    .description = "app installs, updates and removals with their source "
                   "(mobile_installation.log); app, path and process indicators",
    .locs = mi_locs,
    .n_locs = VG_ARRAY_LEN(mi_locs),
    .fields = mi_fields,
    .n_fields = VG_ARRAY_LEN(mi_fields),
    .extract = mi_extract,
    .check_record = mi_check,
    .check_finish = mi_finish,
    .timeline = mi_timeline,
};
