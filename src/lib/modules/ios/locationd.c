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
#include "util/utf8.h"

/* A backup has root's copy; a filesystem dump may have mobile's too. */
static const struct vg_loc locationd_locs[] = {
    {VG_LOC_BACKUP, "RootDomain", "Library/Caches/locationd/clients.plist"},
    {VG_LOC_FS, NULL, "private/var/root/Library/Caches/locationd/clients.plist"},
    {VG_LOC_BACKUP, "HomeDomain", "Library/Caches/locationd/clients.plist"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Caches/locationd/clients.plist"},
};

/* The fields checks and the timeline read: then the Cocoa times MVT
 * converts, in the order it puts them on the timeline. */
enum { F_PACKAGE, F_BUNDLE_ID, F_BUNDLE_PATH, F_EXECUTABLE, F_REGISTERED, F_TIMES };
static const char *const locationd_fields[] = {
    "package",
    "BundleId",
    "BundlePath",
    "Executable",
    "Registered",
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
#define N_FIELDS ((int)VG_ARRAY_LEN(locationd_fields))

/* The client's dictionary with its times converted and its name added
 * ("package"). NULL when out of memory, or (*skip) when the name is not
 * UTF-8. */
static json_t *client_record(const char *key, plist_t client, int *skip)
{
    json_t *rec = vg_plist_to_json(client), *v;
    size_t n;
    int f;

    for (f = F_TIMES; rec && f < N_FIELDS; f++) {
        plist_t t = plist_dict_get_item(client, locationd_fields[f]);
        if (!t)
            continue;
        v = vg_ios_cocoa_iso_plist(t);
        if (!v || json_object_set_new(rec, locationd_fields[f], v) != 0) {
            json_decref(rec);
            rec = NULL;
        }
    }
    /* keys look like "com.apple.Maps:" or "/usr/libexec/daemon:" */
    n = strlen(key);
    while (n && key[n - 1] == ':')
        n--;
    v = rec ? json_stringn(key, n) : NULL;
    if (rec && !v)
        *skip = !vg_utf8_valid(key, n);
    if (!v || json_object_set_new(rec, "package", v) != 0) {
        json_decref(rec);
        return NULL;
    }
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
        int skip = 0;
        key = NULL;
        plist_dict_next_item(root, it, &key, &client);
        if (!key)
            break;
        /* migration markers are plain numbers, not clients */
        if (client && plist_get_node_type(client) == PLIST_DICT) {
            rec = client_record(key, client, &skip);
            if (skip)
                vg_run_log(run, VG_DIAG_WARN, "%s: a client whose name is not UTF-8 was left out",
                           f->display);
            else
                rc = vg_run_emit_json(run, rec);
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

static int alert_process(struct vg_run *run, const struct vg_rec *rec, const char *name)
{
    struct vg_ioc_match m;

    if (!name || !*name || !vg_iocs_match_process(vg_run_iocs(run), name, &m))
        return 0;
    vg_run_alert(run, VG_LEVEL_HIGH, rec, &m, "",
                 "Found a suspicious process name in LocationD entry %s",
                 vg_rec_time(rec, F_PACKAGE));
    return 1;
}

static int alert_path(struct vg_run *run, const struct vg_rec *rec, const char *path,
                      const char *shown)
{
    struct vg_ioc_match m;

    if (!path || !*path || !vg_iocs_match_file_path(vg_run_iocs(run), path, &m))
        return 0;
    vg_run_alert(run, VG_LEVEL_HIGH, rec, &m, "",
                 "Found a suspicious file path in LocationD entry %s", shown);
    return 1;
}

static void locationd_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const char *package = vg_rec_text(rec, F_PACKAGE);
    const char *proc = package ? strrchr(package, '/') : NULL;

    proc = proc ? proc + 1 : package;
    if (alert_process(run, rec, proc) || alert_process(run, rec, vg_rec_text(rec, F_BUNDLE_ID)))
        return;
    if (alert_path(run, rec, vg_rec_text(rec, F_BUNDLE_PATH), package ? package : ""))
        return;
    if (alert_path(run, rec, vg_rec_text(rec, F_EXECUTABLE), vg_rec_time(rec, F_EXECUTABLE)))
        return;
    /* Registered is sometimes a boolean: no text then */
    alert_path(run, rec, vg_rec_text(rec, F_REGISTERED), vg_rec_time(rec, F_REGISTERED));
}

static void locationd_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    int f;

    for (f = F_TIMES; f < N_FIELDS; f++) {
        char *desc;
        if (vg_rec_key(rec, f) < 0)
            continue;
        desc = vg_asprintf("%s from %s", locationd_fields[f], vg_rec_time(rec, F_PACKAGE));
        if (!desc) {
            vg_run_nomem(run);
            return;
        }
        vg_run_timeline(run, vg_rec_time(rec, f), locationd_fields[f], desc);
        free(desc);
    }
}

const struct vg_module vg_mod_locationd = {
    .name = "locationd_clients",
    .class_name = "LocationdClients",
    .description = "locationd clients.plist (who asked for the location, when); process "
                   "indicators on clients, file path indicators on their paths",
    .locs = locationd_locs,
    .n_locs = VG_ARRAY_LEN(locationd_locs),
    .fields = locationd_fields,
    .n_fields = VG_ARRAY_LEN(locationd_fields),
    .extract = locationd_extract,
    .check_record = locationd_check_one,
    .timeline = locationd_timeline,
};
