/*
 * Manifest: every file the backup lists, with its times, mode, owner and
 * size (from the MBFile blobs). Checks each path against file path and file
 * name indicators, and domain indicators against the host names that WebKit
 * and Safari put in file names ("https_evil.com_0.localstorage").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdio.h>
#include <stdlib.h>

#include "sources/ios_backup.h"
#include "modules/ios/common.h"
#include "modules/ios/list.h"

/* Where each backup domain lives on the device, so absolute path
 * indicators can be compared with backup paths. */
static const struct {
    const char *domain;
    const char *root;
} domain_roots[] = {
    {"CameraRollDomain", "/private/var/mobile"},
    {"DatabaseDomain", "/private/var/db"},
    {"HealthDomain", "/private/var/mobile/Library"},
    {"HomeDomain", "/private/var/mobile"},
    {"HomeKitDomain", "/private/var/mobile"},
    {"InstallDomain", "/private/var/installd"},
    {"KeyboardDomain", "/private/var/mobile"},
    {"KeychainDomain", "/private/var/Keychains"},
    {"ManagedPreferencesDomain", "/private/var/Managed Preferences"},
    {"MediaDomain", "/private/var/mobile"},
    {"MobileDeviceDomain", "/private/var/MobileDevice"},
    {"NetworkDomain", "/private/var/networkd"},
    {"ProtectedDomain", "/private/var/protected"},
    {"RootDomain", "/private/var/root"},
    {"SystemPreferencesDomain", "/private/var/preferences"},
    {"TonesDomain", "/private/var/mobile"},
    {"WirelessDomain", "/private/var/wireless"},
};

static const char *domain_root(const char *domain)
{
    size_t i;
    for (i = 0; i < VG_ARRAY_LEN(domain_roots); i++)
        if (strcmp(domain_roots[i].domain, domain) == 0)
            return domain_roots[i].root;
    return NULL;
}

static json_t *time_json(int64_t t)
{
    char buf[VG_ISODATE_LEN + 1];
    if (t == INT64_MIN || vg_isodate(t, 0, buf) != VG_OK)
        return json_string("");
    return json_string(buf);
}

static json_t *entry_record(const struct vg_manifest_entry *e)
{
    json_t *rec;
    char mode[32];

    rec = json_pack("{s:s, s:s, s:s, s:i, s:s}", "file_id", e->file_id, "domain", e->domain,
                    "relative_path", e->relative_path, "flags", e->flags, "created", "");
    if (!rec || !e->has_mb)
        return rec;
    /* MVT writes Python's oct(): "0o40755" */
    if (vg_snprintf(mode, sizeof(mode), "0o%o", (unsigned)e->mb.mode) != VG_OK)
        mode[0] = '\0';
    json_object_set_new(rec, "created", time_json(e->mb.birth));
    json_object_set_new(rec, "modified", time_json(e->mb.last_modified));
    json_object_set_new(rec, "status_changed", time_json(e->mb.last_status_change));
    json_object_set_new(rec, "mode", json_string(mode));
    /* iOS writes "nobody" as -2: the field is signed */
    json_object_set_new(rec, "owner", json_integer((json_int_t)(int32_t)e->mb.uid));
    json_object_set_new(rec, "size",
                        e->mb.size >= 0 ? json_integer((json_int_t)e->mb.size) : json_null());
    return rec;
}

static int manifest_extract(struct vg_run *run)
{
    struct vg_backup *b = vg_run_backup(run);
    const struct vg_manifest *m = b ? vg_backup_manifest(b) : NULL;
    size_t i;
    int rc;

    if (!m) {
        vg_run_coverage(run, VG_COV_MISSING, "Manifest.db", "no readable Manifest.db");
        return VG_OK;
    }
    if (m->bad_blobs || m->bad_rows)
        vg_run_coverage(run, VG_COV_PARTIAL, "Manifest.db",
                        "%zu file descriptions did not decode, %zu rows skipped", m->bad_blobs,
                        m->bad_rows);
    else
        vg_run_coverage(run, VG_COV_FOUND, "Manifest.db", NULL);
    for (i = 0; i < m->n; i++) {
        rc = vg_run_add_record(run, entry_record(&m->v[i]));
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

/* A "_"-separated piece of a file name that is a whole host name. */
static int check_name_hosts(struct vg_run *run, const json_t *rec, const char *rel)
{
    struct vg_ioc_match m;
    char part[256];
    const char *p = rel, *sep;

    for (;;) {
        size_t n;
        sep = strchr(p, '_');
        n = sep ? (size_t)(sep - p) : strlen(p);
        if (n > 3 && n < sizeof(part) && memchr(p, '.', n) && !memchr(p, '/', n)) {
            memcpy(part, p, n);
            part[n] = '\0';
            if (vg_iocs_match_domain(vg_run_iocs(run), part, &m)) {
                vg_run_alert(run, VG_LEVEL_HIGH, rec, &m, "",
                             "Found mention of domain \"%s\" in a backup file with path: %s",
                             m.value, rel);
                return 1;
            }
        }
        if (!sep)
            return 0;
        p = sep + 1;
    }
}

static void manifest_check_one(struct vg_run *run, const json_t *rec)
{
    const char *rel = vg_rec_str(rec, "relative_path");
    const char *domain = vg_rec_str(rec, "domain");
    const char *root, *base;
    char path[4096];

    if (!rel || !*rel)
        return;
    if (vg_snprintf(path, sizeof(path), "/%s", rel) == VG_OK &&
        vg_check_file_path(run, VG_LEVEL_HIGH, rec, path, ""))
        return;
    root = domain ? domain_root(domain) : NULL;
    if (root && vg_snprintf(path, sizeof(path), "%s/%s", root, rel) == VG_OK &&
        vg_check_file_path(run, VG_LEVEL_HIGH, rec, path, ""))
        return;
    base = strrchr(rel, '/');
    if (vg_check_file_name(run, VG_LEVEL_HIGH, rec, base ? base + 1 : rel, ""))
        return;
    check_name_hosts(run, rec, rel);
}

/* One event per distinct time, lettered like MVT's "MACB" (M modified,
 * C status changed, B born; A is never known). */
static void manifest_timeline(struct vg_run *run, const json_t *rec)
{
    const char *t[3] = {vg_rec_str(rec, "created"), vg_rec_str(rec, "modified"),
                        vg_rec_str(rec, "status_changed")};
    char desc[8192], macb[5];
    size_t i, j;

    if (!t[1] || !t[2])
        return;
    if (vg_snprintf(desc, sizeof(desc), "%s - %s", vg_rec_time(rec, "relative_path"),
                    vg_rec_time(rec, "domain")) != VG_OK)
        return;
    for (i = 0; i < 3; i++) {
        int seen = 0;
        if (!t[i])
            continue;
        for (j = 0; j < i; j++)
            if (t[j] && strcmp(t[j], t[i]) == 0)
                seen = 1;
        if (seen)
            continue;
        macb[0] = strcmp(t[i], t[1]) == 0 ? 'M' : '-';
        macb[1] = '-';
        macb[2] = strcmp(t[i], t[2]) == 0 ? 'C' : '-';
        macb[3] = t[0] && strcmp(t[i], t[0]) == 0 ? 'B' : '-';
        macb[4] = '\0';
        vg_run_timeline(run, t[i], macb, desc);
    }
}

const struct vg_module vg_mod_manifest = {
    .name = "manifest",
    .class_name = "Manifest",
    .description = "every file in Manifest.db; file path/name and domain indicators on paths",
    .sources = VG_SRC_BACKUP,
    .slow = 1, /* millions of entries in a large backup: --fast skips it */
    .extract = manifest_extract,
    .check_record = manifest_check_one,
    .timeline = manifest_timeline,
};
