/*
 * DumpsysAppops: the App-Ops manager's record of what each package was
 * allowed or denied, and when ({package_name, permissions: [{name,
 * entries: [{access, type, timestamp}], access}], uid}, MVT's). Checks the
 * package against app indicators; otherwise flags (MEDIUM) every use of
 * REQUEST_INSTALL_PACKAGES (installing apps from outside the store, as
 * spyware droppers do) and every permission of com.android.shell, as MVT
 * does (formats/android/dumpsys.h vg_dumpsys_appops_alerts). The timeline
 * gets each dated access.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"
#include "util/buf.h"

static const struct vg_loc appops_locs[] = {
    {VG_LOC_DUMPSYS, "replace", "appops"},
};

enum { F_PACKAGE, F_PERMISSIONS };
static const char *const appops_fields[] = {"package_name", "permissions"};

static int appops_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_APPOPS);

    vg_run_log(run, VG_DIAG_INFO, "Identified a total of %zu packages in App-Ops Manager",
               vg_run_record_count(run));
    return rc;
}

static int risky(void *ud, const char *message, const char *event_time, const json_t *event)
{
    vg_run_alert_json(ud, VG_LEVEL_MEDIUM, event, NULL, event_time, "%s", message);
    return VG_OK;
}

static void appops_check(struct vg_run *run, const struct vg_rec *r)
{
    json_t *rec;

    if (vg_check_app_id(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PACKAGE), ""))
        return;
    rec = vg_rec_to_json(r);
    if (!rec || vg_dumpsys_appops_alerts(rec, risky, run) != VG_OK)
        vg_run_nomem(run);
    json_decref(rec);
}

/* {timestamp, event: access, data: "<pkg> access to <name>: <access>"}
 * per entry that has a time. */
static void appops_entry(struct vg_run *run, const char *pkg, const json_t *perm,
                         const json_t *entry)
{
    const char *ts = vg_jstr(entry, "timestamp");
    char a[VG_PY_BUF], b[VG_PY_BUF], c[VG_PY_BUF];
    const char *access = vg_py_str(json_object_get(entry, "access"), a);
    char *data;

    if (!json_object_get(entry, "timestamp"))
        return;
    data = vg_asprintf("%s access to %s: %s", pkg, vg_py_str(json_object_get(perm, "name"), b),
                       vg_py_str(json_object_get(entry, "access"), c));
    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, ts ? ts : "", access, data);
    free(data);
}

static void appops_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const json_t *perms = vg_rec_json(r, F_PERMISSIONS), *perm, *entry;
    char buf[VG_PY_BUF];
    const char *pkg = vg_val_py(vg_rec_val(r, F_PACKAGE), buf);
    size_t i, j;

    json_array_foreach(perms, i, perm)
    {
        json_array_foreach(json_object_get(perm, "entries"), j, entry)
            appops_entry(run, pkg, perm, entry);
    }
}

const struct vg_module vg_mod_dumpsys_appops = {
    .name = "dumpsys_appops",
    .class_name = "DumpsysAppops",
    .description = "App-Ops permission use (dumpsys appops): app installs, shell, app indicators",
    .locs = appops_locs,
    .n_locs = VG_ARRAY_LEN(appops_locs),
    .fields = appops_fields,
    .n_fields = VG_ARRAY_LEN(appops_fields),
    .extract = appops_extract,
    .check_record = appops_check,
    .timeline = appops_timeline,
};
