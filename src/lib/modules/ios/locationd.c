/*
 * LocationdClients: locationd's clients.plist, one entry per app or daemon
 * that asked for the location, with when it last did each kind of request.
 * Checks the client's process name and bundle id against process
 * indicators, and its bundle path, executable and registration path against
 * file path indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"

/* A backup has root's copy; a filesystem dump may have mobile's too. */
static const struct vg_artifact locationd_artifacts[] = {
    {"RootDomain", "Library/Caches/locationd/clients.plist",
     "private/var/root/Library/Caches/locationd/clients.plist"},
    {"HomeDomain", "Library/Caches/locationd/clients.plist",
     "private/var/mobile/Library/Caches/locationd/clients.plist"},
};

/* Cocoa times MVT converts, in the order it puts them on the timeline. */
static const char *const locationd_times[] = {
    "ConsumptionPeriodBegin",
    "ReceivingLocationInformationTimeStopped",
    "VisitTimeStopped",
    "LocationTimeStopped",
    "BackgroundLocationTimeStopped",
    "SignificantTimeStopped",
    "NonPersistentSignificantTimeStopped",
    "FenceTimeStopped",
    "BeaconRegionTimeStopped",
};

static json_t *client_record(const char *key, plist_t client)
{
    json_t *rec = vg_plist_to_json(client);
    char *package;
    size_t i, n;

    if (!rec)
        return NULL;
    for (i = 0; i < VG_ARRAY_LEN(locationd_times); i++) {
        plist_t v = plist_dict_get_item(client, locationd_times[i]);
        if (v)
            json_object_set_new(rec, locationd_times[i], vg_ios_cocoa_iso_plist(v));
    }
    /* keys look like "com.apple.Maps:" or "/usr/libexec/daemon:" */
    n = strlen(key);
    while (n && key[n - 1] == ':')
        n--;
    package = vg_strndup(key, n);
    if (!package || json_object_set_new(rec, "package", json_string(package)) != 0) {
        free(package);
        json_decref(rec);
        return NULL;
    }
    free(package);
    return rec;
}

static int clients_plist(struct vg_run *run, const struct vg_file *f, plist_t root, void *ud)
{
    plist_dict_iter it = NULL;
    plist_t client = NULL;
    char *key;
    int rc = VG_OK;

    (void)ud;
    if (plist_get_node_type(root) != PLIST_DICT) {
        vg_run_log(run, VG_DIAG_WARN, "%s is not a dictionary of clients", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a dictionary of clients");
        return VG_OK;
    }
    plist_dict_new_iter(root, &it);
    while (rc == VG_OK) {
        json_t *rec;
        key = NULL;
        plist_dict_next_item(root, it, &key, &client);
        if (!key)
            break;
        /* migration markers are plain numbers, not clients */
        if (client && plist_get_node_type(client) == PLIST_DICT) {
            rec = client_record(key, client);
            /* a key that is not UTF-8 cannot be a record: skipped */
            rc = rec ? vg_run_add_record(run, rec) : VG_OK;
        }
        free(key);
    }
    free(it);
    return rc;
}

static int locationd_extract(struct vg_run *run)
{
    int rc = vg_ios_each_plist(run, clients_plist, NULL);
    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "extracted a total of %zu Locationd Clients entries",
               vg_run_record_count(run));
    return VG_OK;
}

static int alert_process(struct vg_run *run, const json_t *rec, const char *name)
{
    struct vg_ioc_match m;

    if (!name || !*name || !vg_iocs_match_process(vg_run_iocs(run), name, &m))
        return 0;
    vg_run_alert(run, VG_LEVEL_HIGH, rec, &m, "",
                 "Found a suspicious process name in LocationD entry %s",
                 vg_rec_time(rec, "package"));
    return 1;
}

static int alert_path(struct vg_run *run, const json_t *rec, const char *path, const char *shown)
{
    struct vg_ioc_match m;

    if (!path || !*path || !vg_iocs_match_file_path(vg_run_iocs(run), path, &m))
        return 0;
    vg_run_alert(run, VG_LEVEL_HIGH, rec, &m, "",
                 "Found a suspicious file path in LocationD entry %s", shown);
    return 1;
}

static void locationd_check_one(struct vg_run *run, const json_t *rec)
{
    const char *package = vg_rec_str(rec, "package");
    const char *proc = package ? strrchr(package, '/') : NULL;

    proc = proc ? proc + 1 : package;
    if (alert_process(run, rec, proc) || alert_process(run, rec, vg_rec_str(rec, "BundleId")))
        return;
    if (alert_path(run, rec, vg_rec_str(rec, "BundlePath"), package ? package : ""))
        return;
    if (alert_path(run, rec, vg_rec_str(rec, "Executable"), vg_rec_time(rec, "Executable")))
        return;
    /* Registered is sometimes a boolean; vg_rec_str is NULL then */
    alert_path(run, rec, vg_rec_str(rec, "Registered"), vg_rec_time(rec, "Registered"));
}

static void locationd_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;
    json_array_foreach(vg_run_records(run), i, rec) locationd_check_one(run, rec);
}

static void locationd_timeline(struct vg_run *run, const json_t *rec)
{
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(locationd_times); i++) {
        const json_t *t = json_object_get(rec, locationd_times[i]);
        char *desc;
        if (!t)
            continue;
        desc = vg_asprintf("%s from %s", locationd_times[i], vg_rec_time(rec, "package"));
        if (!desc)
            return;
        vg_run_timeline(run, json_is_string(t) ? json_string_value(t) : "", locationd_times[i],
                        desc);
        free(desc);
    }
}

const struct vg_module vg_mod_locationd = {
    .name = "locationd_clients",
    .class_name = "LocationdClients",
    .description = "locationd clients.plist (who asked for the location, when); process "
                   "indicators on clients, file path indicators on their paths",
    .sources = VG_SRC_MIXED,
    .artifacts = locationd_artifacts,
    .n_artifacts = VG_ARRAY_LEN(locationd_artifacts),
    .extract = locationd_extract,
    .check = locationd_check,
    .timeline = locationd_timeline,
};
