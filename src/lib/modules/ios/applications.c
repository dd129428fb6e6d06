/*
 * Applications: the apps the backup lists, with their App Store metadata
 * (Info.plist "Applications": each app's iTunesMetadata plist and icon) and
 * their container entry (Manifest.plist "Applications"). Checks bundle ids
 * against app id and process indicators, and flags apps without App Store
 * metadata or installed by something other than the App Store or MDM.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include <openssl/evp.h>

#include "formats/apple/nska.h"
#include "sources/ios_backup.h"
#include "modules/ios/common.h"
#include "modules/ios/list.h"

/* Backups: Info.plist and Manifest.plist (read through the container, not
 * found as files). Filesystem dumps: one iTunesMetadata.plist per app. */
static const struct vg_artifact apps_artifacts[] = {
    {NULL, NULL, "private/var/containers/Bundle/Application/*/iTunesMetadata.plist"},
};

/* Installers of App Store and MDM apps (MVT's list). */
static const char *const known_installers[] = {
    "com.apple.AppStore",
    "com.apple.AppStore.ProductPageExtension",
    "com.apple.dmd",
    "dmd",
};

static int is_digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static unsigned num(const char *s, size_t n)
{
    unsigned v = 0;
    size_t i;
    for (i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* purchaseDate "YYYY-MM-DDTHH:MM:SSZ" (UTC) as an isodate; a date the plist
 * stored as a date is already one. NULL when it is neither. */
static json_t *purchase_isodate(const char *s)
{
    char buf[VG_ISODATE_LEN + 1];
    unsigned y, mo, d;

    if (!s)
        return NULL;
    if (strlen(s) == VG_ISODATE_LEN && s[10] == ' ' && s[19] == '.')
        return json_string(s);
    if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z' || !is_digits(s, 4) || !is_digits(s + 5, 2) ||
        !is_digits(s + 8, 2) || !is_digits(s + 11, 2) || !is_digits(s + 14, 2) ||
        !is_digits(s + 17, 2))
        return NULL;
    y = num(s, 4);
    mo = num(s + 5, 2);
    d = num(s + 8, 2);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || num(s + 11, 2) > 23 ||
        num(s + 14, 2) > 59 || num(s + 17, 2) > 59)
        return NULL;
    if (vg_snprintf(buf, sizeof(buf), "%.10s %.8s.000000", s, s + 11) != VG_OK)
        return NULL;
    return json_string(buf);
}

static json_t *icon_sha256(plist_t icon)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    uint64_t len = 0;
    const char *data = plist_get_data_ptr(icon, &len);

    if (!data || len > VG_MAX_PLIST_FILE ||
        EVP_Digest(data, (size_t)len, md, &mdlen, EVP_sha256(), NULL) != 1)
        return NULL;
    vg_hex_encode(md, mdlen, hex);
    return json_string(hex);
}

/* The app's iTunesMetadata (a plist inside Info.plist) as JSON; NULL with a
 * warning when it is not a readable dictionary. */
static json_t *metadata_json(struct vg_run *run, const char *name, plist_t md)
{
    uint64_t len = 0;
    const char *data;
    plist_t root = NULL;
    json_t *j = NULL;

    if (md && plist_get_node_type(md) == PLIST_DICT)
        return vg_plist_to_json(md);
    data = md ? plist_get_data_ptr(md, &len) : NULL;
    if (data && vg_plist_parse((const unsigned char *)data, (size_t)len, &root) == VG_OK && root &&
        plist_get_node_type(root) == PLIST_DICT)
        j = vg_plist_to_json(root);
    else if (md)
        vg_run_log(run, VG_DIAG_WARN, "Info.plist: iTunesMetadata of %s is not readable", name);
    plist_free(root);
    return j;
}

/* MVT's entry.update(metadata): metadata keys win. */
static void merge_metadata(struct vg_run *run, json_t *rec, const char *name, plist_t md)
{
    json_t *j = metadata_json(run, name, md);
    if (j)
        json_object_update(rec, j);
    json_decref(j);
}

static json_t *info_app_record(struct vg_run *run, const char *name, plist_t app, plist_t man_apps)
{
    json_t *rec = json_pack("{s:s}", "name", name), *iso, *dl;
    plist_t icon, man;

    if (!rec)
        return NULL;
    if (plist_get_node_type(app) == PLIST_DICT) {
        merge_metadata(run, rec, name, plist_dict_get_item(app, "iTunesMetadata"));
        dl = json_object_get(rec, "com.apple.iTunesStore.downloadInfo");
        iso = purchase_isodate(vg_rec_str(dl, "purchaseDate"));
        if (iso)
            json_object_set_new(rec, "isodate", iso);
        icon = plist_dict_get_item(app, "PlaceholderIcon");
        if (icon && plist_get_node_type(icon) == PLIST_DATA)
            json_object_set_new(rec, "icon_sha256", icon_sha256(icon));
    }
    man = man_apps ? plist_dict_get_item(man_apps, name) : NULL;
    if (man)
        json_object_set_new(rec, "manifest_entry", vg_plist_to_json(man));
    return rec;
}

static plist_t apps_dict(plist_t root, const char *doc, struct vg_run *run)
{
    plist_t apps = NULL;

    if (root && plist_get_node_type(root) == PLIST_DICT)
        apps = plist_dict_get_item(root, "Applications");
    if (!apps || plist_get_node_type(apps) != PLIST_DICT) {
        vg_run_coverage(run, VG_COV_MISSING, doc, "no Applications dictionary");
        return NULL;
    }
    vg_run_coverage(run, VG_COV_FOUND, doc, NULL);
    return apps;
}

/* Calls fn for every app of apps (a dict), in the plist's order. */
static int each_app(struct vg_run *run, plist_t apps, plist_t other,
                    int (*fn)(struct vg_run *run, const char *name, plist_t app, plist_t other))
{
    plist_dict_iter it = NULL;
    plist_t app = NULL;
    char *name;
    int rc = VG_OK;

    if (!apps)
        return VG_OK;
    plist_dict_new_iter(apps, &it);
    while (rc == VG_OK) {
        name = NULL;
        plist_dict_next_item(apps, it, &name, &app);
        if (!name)
            break;
        rc = fn(run, name, app, other);
        free(name);
    }
    free(it);
    return rc;
}

static int add_info_app(struct vg_run *run, const char *name, plist_t app, plist_t man_apps)
{
    json_t *rec = info_app_record(run, name, app, man_apps);
    return rec ? vg_run_add_record(run, rec) : VG_OK; /* a name that is not UTF-8 */
}

/* Apps with a container but no App Store metadata in Info.plist. */
static int add_manifest_app(struct vg_run *run, const char *name, plist_t entry, plist_t info_apps)
{
    json_t *rec;

    if (info_apps && plist_dict_get_item(info_apps, name))
        return VG_OK;
    rec = json_pack("{s:s, s:s, s:o}", "name", name, "source", "Manifest.plist", "manifest_entry",
                    vg_plist_to_json(entry));
    return rec ? vg_run_add_record(run, rec) : VG_OK;
}

static int apps_extract(struct vg_run *run)
{
    struct vg_backup *b = vg_run_backup(run);
    plist_t info_apps, man_apps;
    int rc;

    if (!b) {
        vg_run_coverage(run, VG_COV_MISSING, "Info.plist", "not a backup");
        return VG_OK;
    }
    info_apps = apps_dict(vg_backup_info_plist(b), "Info.plist", run);
    man_apps = apps_dict(vg_backup_manifest_plist(b), "Manifest.plist", run);
    rc = each_app(run, info_apps, man_apps, add_info_app);
    if (rc == VG_OK)
        rc = each_app(run, man_apps, info_apps, add_manifest_app);
    vg_run_log(run, VG_DIAG_INFO, "extracted a total of %zu applications",
               vg_run_record_count(run));
    return rc;
}

static int known_installer(const json_t *source)
{
    size_t i;

    if (!source)
        return 1; /* MVT: no sourceApp means the App Store */
    for (i = 0; json_is_string(source) && i < VG_ARRAY_LEN(known_installers); i++)
        if (strcmp(json_string_value(source), known_installers[i]) == 0)
            return 1;
    return 0;
}

static int manifest_only(const json_t *rec)
{
    const char *source = vg_rec_str(rec, "source");
    return source && strcmp(source, "Manifest.plist") == 0;
}

static void apps_check_one(struct vg_run *run, const json_t *rec)
{
    const char *bundle = vg_rec_str(rec, "softwareVersionBundleId");
    const json_t *man = json_object_get(rec, "manifest_entry");
    const char *when = vg_rec_time(rec, "isodate");
    const char *id = bundle;
    struct vg_ioc_match m;

    if (!id)
        id = vg_rec_str(man, "CFBundleIdentifier");
    if (!id)
        id = vg_rec_str(rec, "name");
    if (id && *id &&
        (vg_iocs_match_process(vg_run_iocs(run), id, &m) ||
         vg_iocs_match_app_id(vg_run_iocs(run), id, &m))) {
        vg_run_alert(run, VG_LEVEL_CRITICAL, rec, &m, when, "Malicious application %s identified",
                     id);
        return;
    }
    /* without Info.plist metadata there is no installer to judge */
    if (manifest_only(rec))
        return;
    if (!bundle) {
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when,
                     "Suspicious application identified without softwareVersionBundleId");
        return;
    }
    if (!known_installer(json_object_get(rec, "sourceApp")))
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when,
                     "Suspicious app not installed from the App Store or MDM: %s", id ? id : "");
}

static void apps_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;
    json_array_foreach(vg_run_records(run), i, rec) apps_check_one(run, rec);
}

/* A field as MVT's record.get(key, '') prints it. */
static char *field_text(const json_t *rec, const char *key)
{
    const json_t *v = json_object_get(rec, key);

    if (!v)
        return vg_strdup("");
    if (json_is_string(v))
        return vg_strdup(json_string_value(v));
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static void apps_timeline(struct vg_run *run, const json_t *rec)
{
    char *f[4] = {field_text(rec, "name"), field_text(rec, "bundleShortVersionString"),
                  field_text(rec, "artistName"), field_text(rec, "sourceApp")};
    char *desc = NULL;
    size_t i;

    if (json_object_get(rec, "isodate") && f[0] && f[1] && f[2] && f[3])
        desc = vg_asprintf("App %s version %s from %s installed from %s", f[0], f[1], f[2], f[3]);
    if (desc)
        vg_run_timeline(run, vg_rec_time(rec, "isodate"), "app_installed", desc);
    free(desc);
    for (i = 0; i < VG_ARRAY_LEN(f); i++)
        free(f[i]);
}

const struct vg_module vg_mod_applications = {
    .name = "applications",
    .class_name = "Applications",
    .description = "apps listed in Info.plist/Manifest.plist with App Store metadata; app id "
                   "and process indicators, apps not from the App Store or MDM",
    .sources = VG_SRC_MIXED,
    .artifacts = apps_artifacts,
    .n_artifacts = VG_ARRAY_LEN(apps_artifacts),
    .extract = apps_extract,
    .check = apps_check,
    .timeline = apps_timeline,
};
