/*
 * DumpsysPackages: the installed packages of the package section with
 * their versions, install times and permissions (MVT's records). Flags
 * (MEDIUM) a package known for rooting the phone, once per name, and
 * checks the others against app indicators; logs packages that asked for
 * many dangerous permissions. The timeline gets three times per package.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc pkg_locs[] = {
    {VG_LOC_DUMPSYS, "replace", "package"},
};

enum { F_PACKAGE, F_TIMESTAMP, F_FIRST_INSTALL, F_LAST_UPDATE, F_PERMISSIONS };
static const char *const pkg_fields[] = {"package_name", "timestamp", "first_install_time",
                                         "last_update_time", "permissions"};

static int pkg_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_PACKAGES);

    vg_run_log(run, VG_DIAG_INFO, "Extracted details on %zu packages", vg_run_record_count(run));
    return rc;
}

/* The root packages already flagged: a JSON object used as a set. */
static int first_time(struct vg_run *run, const char *pkg)
{
    json_t **seen = (json_t **)vg_run_state(run);

    if (!*seen && !(*seen = json_object()))
        return -1;
    if (json_object_get(*seen, pkg))
        return 0;
    return json_object_set_new(*seen, pkg, json_true()) == 0 ? 1 : -1;
}

static void pkg_dangerous(struct vg_run *run, const struct vg_rec *r, const char *pkg)
{
    json_t *rec = vg_rec_to_json(r);
    size_t n;

    if (!rec) {
        vg_run_nomem(run);
        return;
    }
    n = vg_dumpsys_dangerous_permissions(rec);
    json_decref(rec);
    if (n >= VG_DUMPSYS_DANGEROUS_THRESHOLD)
        vg_run_log(run, VG_DIAG_INFO,
                   "Found package \"%s\" requested %zu potentially dangerous permissions", pkg, n);
}

static void pkg_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *pkg = vg_rec_text(r, F_PACKAGE);
    int first;

    if (pkg && vg_rec_json(r, F_PERMISSIONS))
        pkg_dangerous(run, r, pkg);
    if (pkg && vg_dumpsys_is_root_package(pkg)) {
        first = first_time(run, pkg);
        if (first < 0)
            vg_run_nomem(run);
        else if (first)
            vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "",
                         "Found an installed package related to rooting/jailbreaking: \"%s\"", pkg);
        return;
    }
    vg_check_app_id(run, VG_LEVEL_CRITICAL, r, pkg, "");
}

static void pkg_finish(struct vg_run *run)
{
    json_t **seen = (json_t **)vg_run_state(run);

    json_decref(*seen);
    *seen = NULL;
}

static void pkg_timeline(struct vg_run *run, const struct vg_rec *r)
{
    static const struct {
        int field;
        const char *event;
    } times[] = {
        {F_TIMESTAMP, "package_install"},
        {F_FIRST_INSTALL, "package_first_install"},
        {F_LAST_UPDATE, "package_last_update"},
    };
    char buf[VG_PY_BUF];
    char *data =
        vg_asprintf("Install or update of package %s", vg_val_py(vg_rec_val(r, F_PACKAGE), buf));
    size_t i;

    if (!data) {
        vg_run_nomem(run);
        return;
    }
    for (i = 0; i < VG_ARRAY_LEN(times); i++)
        vg_run_timeline(run, vg_rec_time(r, times[i].field), times[i].event, data);
    free(data);
}

const struct vg_module vg_mod_dumpsys_packages = {
    .name = "dumpsys_packages",
    .class_name = "DumpsysPackages",
    .description = "installed packages and permissions (dumpsys package): rooting apps, app "
                   "indicators",
    .locs = pkg_locs,
    .n_locs = VG_ARRAY_LEN(pkg_locs),
    .fields = pkg_fields,
    .n_fields = VG_ARRAY_LEN(pkg_fields),
    .extract = pkg_extract,
    .check_record = pkg_check,
    .check_finish = pkg_finish,
    .timeline = pkg_timeline,
};
