/*
 * CrashLogs: crash and diagnostic reports (.ips) of a sysdiagnose's
 * crashes_and_spins/ (and a filesystem dump's CrashReporter folder), one
 * record per report (formats/apple/ips.h), with the file and the
 * sysdiagnose, merged by time. An exploit that crashes, or an implant
 * killed for an invalid code signature, leaves one.
 *
 * Checks: the process name, its parent and its path against process and
 * file path indicators, the bundle id against app indicators, the
 * termination reason's text against URL and domain indicators; a crashed
 * binary in a folder where system processes never run (iShutdown's, HIGH),
 * named like a system daemon from elsewhere (HIGH), or elsewhere outside
 * the system and app folders (LOW; MEDIUM when killed for its code
 * signature, as Pegasus's "bh" was).
 *
 * Several sysdiagnoses of one phone repeat the reports they share: each
 * report (by incident id) is kept once, from the oldest, with
 * "sysdiagnoses" naming all that hold it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/ips.h"
#include "formats/apple/shutdownlog.h"
#include "modules/ios/common.h"
#include "modules/ios/exec_paths.h"

static const struct vg_loc crash_locs[] = {
    {VG_LOC_SYSDIAG, NULL, "crashes_and_spins/*.ips"},
    {VG_LOC_SYSDIAG, NULL, "crashes_and_spins/*/*.ips"},
    {VG_LOC_SYSDIAG, NULL, "crashes_and_spins/*/*/*.ips"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Logs/CrashReporter/*.ips"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Logs/CrashReporter/*/*.ips"},
};

enum {
    F_ISODATE,
    F_NAME,
    F_PATH,
    F_PARENT,
    F_BUNDLE,
    F_EXC_TYPE,
    F_NAMESPACE,
    F_REASON,
    F_FILE,
};
static const char *const crash_fields[] = {
    "isodate",        "process_name",          "process_path",       "parent_process", "bundle_id",
    "exception_type", "termination_namespace", "termination_reason", "file",
};

/* Reports read so far, and which sysdiagnoses hold each incident. */
struct crash_ctx {
    json_t *records;
    json_t *incidents; /* incident id -> the record that holds it */
};

static int add_holder(json_t *rec, const char *sysdiag)
{
    json_t *names = json_object_get(rec, "sysdiagnoses");
    size_t n = json_array_size(names);

    if (n && strcmp(json_string_value(json_array_get(names, n - 1)), sysdiag) == 0)
        return VG_OK;
    return json_array_append_new(names, json_string(sysdiag)) == 0 ? VG_OK : VG_E_NOMEM;
}

static int crash_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct crash_ctx *c = ud;
    unsigned char *data = NULL;
    size_t len = 0;
    json_t *rec = NULL, *prev;
    const char *incident;
    int rc;

    rc = vg_run_read(run, f, VG_MAX_IPS_HEADER + VG_MAX_IPS_BODY, &data, &len);
    if (rc != VG_OK)
        return rc == VG_E_NOMEM ? rc : VG_OK;
    rc = vg_ips_parse(data, len, f->display, vg_run_diag(run), &rec);
    vg_run_free_data(data, len);
    if (rc != VG_OK) {
        if (rc != VG_E_NOMEM)
            vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        return rc == VG_E_NOMEM ? rc : VG_OK;
    }
    incident = vg_jstr(rec, "incident_id");
    prev = f->domain && incident && *incident ? json_object_get(c->incidents, incident) : NULL;
    if (prev) {
        /* the same report in a later sysdiagnose */
        json_decref(rec);
        return add_holder(prev, f->domain);
    }
    if (json_object_set_new(rec, "file", json_string(f->display)) != 0 ||
        (f->domain && json_object_set_new(rec, "sysdiagnoses", json_pack("[s]", f->domain)) != 0) ||
        (f->domain && incident && *incident && json_object_set(c->incidents, incident, rec) != 0) ||
        json_array_append_new(c->records, rec) != 0)
        return VG_E_NOMEM;
    return VG_OK;
}

static int crash_extract(struct vg_run *run)
{
    struct crash_ctx c = {json_array(), json_object()};
    size_t i;
    int rc = c.records && c.incidents ? VG_OK : VG_E_NOMEM;

    if (rc == VG_OK)
        rc = vg_run_find_all(run, crash_file, &c);
    /* by time (a stable sort on "isodate", which shutdown.log's records
     * share): reports without a zone first, then as they were found */
    if (rc >= 0)
        rc = vg_shutdownlog_sort(c.records);
    for (i = 0; rc >= 0 && i < json_array_size(c.records); i++)
        rc = vg_run_emit_json(run, json_incref(json_array_get(c.records, i)));
    json_decref(c.records);
    json_decref(c.incidents);
    if (rc < 0 && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu crash reports", vg_run_record_count(run));
    return VG_OK;
}

static void check_path(struct vg_run *run, const struct vg_rec *r, const char *path,
                       const char *when)
{
    struct vg_str p = vg_str_of(path);
    enum vg_exec_place place = vg_exec_place(p);
    const char *real = vg_exec_imitated_daemon(p), *ns = vg_rec_text(r, F_NAMESPACE);
    int codesign = ns && strcmp(ns, "CODESIGNING") == 0;

    if (real)
        vg_run_alert(run, place == VG_EXEC_SYSTEM ? VG_LEVEL_LOW : VG_LEVEL_HIGH, r, NULL, when,
                     "Crashed process %s is named like the system daemon that lives at %s", path,
                     real);
    else if (place == VG_EXEC_SUSPICIOUS)
        vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, when,
                     "Crashed process %s ran from a folder where system processes never run "
                     "(iShutdown)",
                     path);
    else if (place == VG_EXEC_OTHER)
        vg_run_alert(run, codesign ? VG_LEVEL_MEDIUM : VG_LEVEL_LOW, r, NULL, when,
                     "Crashed process %s ran from outside the folders where system processes "
                     "and apps live%s",
                     path, codesign ? ", and was killed for its code signature" : "");
}

static void crash_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *when = vg_rec_time(r, F_ISODATE), *path = vg_rec_text(r, F_PATH);
    const char *reason = vg_rec_text(r, F_REASON);

    if (vg_check_process(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_NAME), when) ||
        vg_check_file_path(run, VG_LEVEL_CRITICAL, r, path, when) ||
        vg_check_process(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PARENT), when) ||
        vg_check_app_id(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_BUNDLE), when) ||
        (reason && *reason && vg_check_text(run, VG_LEVEL_CRITICAL, r, reason, when)))
        return;
    if (path && *path)
        check_path(run, r, path, when);
}

static void crash_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const char *name = vg_rec_time(r, F_NAME), *exc = vg_rec_time(r, F_EXC_TYPE);
    char *desc = vg_asprintf("%s crashed%s%s (%s)", *name ? name : vg_rec_time(r, F_PATH),
                             *exc ? ": " : "", exc, vg_rec_time(r, F_FILE));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "crash", desc);
    free(desc);
}

const struct vg_module vg_mod_crash_logs = {
    .name = "crash_logs",
    .class_name = "CrashLogs",
    .description = "crash and diagnostic reports (.ips); process, path, app and URL indicators, "
                   "unusual paths",
    .locs = crash_locs,
    .n_locs = VG_ARRAY_LEN(crash_locs),
    .fields = crash_fields,
    .n_fields = VG_ARRAY_LEN(crash_fields),
    .extract = crash_extract,
    .check_record = crash_check,
    .timeline = crash_timeline,
};
