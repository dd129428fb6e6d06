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
#include "modules/ios/common.h"
#include "util/utf8.h"

/* Backups: Info.plist and Manifest.plist, files of the backup folder.
 * Filesystem dumps: one iTunesMetadata.plist per app. */
enum { LOC_INFO, LOC_MANIFEST, LOC_FS_METADATA };
static const struct vg_loc apps_locs[] = {
    [LOC_INFO] = {VG_LOC_BACKUP_META, NULL, "Info.plist"},
    [LOC_MANIFEST] = {VG_LOC_BACKUP_META, NULL, "Manifest.plist"},
    [LOC_FS_METADATA] = {VG_LOC_FS, NULL,
                         "private/var/containers/Bundle/Application/*/iTunesMetadata.plist"},
};

/* The fields checks and the timeline read. */
enum {
    F_NAME,
    F_BUNDLE_ID,
    F_MANIFEST_ENTRY,
    F_ISODATE,
    F_SOURCE,
    F_SOURCE_APP,
    F_VERSION,
    F_ARTIST
};
static const char *const apps_fields[] = {
    "name",      "softwareVersionBundleId",  "manifest_entry", "isodate", "source",
    "sourceApp", "bundleShortVersionString", "artistName",
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

/* purchaseDate "YYYY-MM-DDTHH:MM:SSZ" (UTC) as an isodate into buf; a
 * date the plist stored as a date is already one. 0 when it is neither. */
static int purchase_isodate(const char *s, char buf[VG_ISODATE_LEN + 1])
{
    unsigned y, mo, d;

    if (strlen(s) == VG_ISODATE_LEN && s[10] == ' ' && s[19] == '.') {
        memcpy(buf, s, VG_ISODATE_LEN + 1);
        return 1;
    }
    if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z' || !is_digits(s, 4) || !is_digits(s + 5, 2) ||
        !is_digits(s + 8, 2) || !is_digits(s + 11, 2) || !is_digits(s + 14, 2) ||
        !is_digits(s + 17, 2))
        return 0;
    y = num(s, 4);
    mo = num(s + 5, 2);
    d = num(s + 8, 2);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || num(s + 11, 2) > 23 ||
        num(s + 14, 2) > 59 || num(s + 17, 2) > 59)
        return 0;
    return vg_snprintf(buf, VG_ISODATE_LEN + 1, "%.10s %.8s.000000", s, s + 11) == VG_OK;
}

/* The icon's SHA-256 in hex; 0 when it cannot be had. */
static int icon_sha256(plist_t icon, char hex[2 * EVP_MAX_MD_SIZE + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    uint64_t len = 0;
    const char *data = plist_get_data_ptr(icon, &len);

    if (!data || len > VG_MAX_PLIST_FILE ||
        EVP_Digest(data, (size_t)len, md, &mdlen, EVP_sha256(), NULL) != 1)
        return 0;
    vg_hex_encode(md, mdlen, hex);
    return 1;
}

/* The app's iTunesMetadata (a plist inside Info.plist, or the dictionary
 * itself) as JSON in *out; NULL with a warning when it is not a readable
 * dictionary. VG_E_NOMEM when out of memory. */
static int metadata_json(struct vg_run *run, const char *name, plist_t md, json_t **out)
{
    uint64_t len = 0;
    const char *data;
    plist_t root = NULL;

    *out = NULL;
    if (md && plist_get_node_type(md) == PLIST_DICT) {
        *out = vg_plist_to_json(md);
        return *out ? VG_OK : VG_E_NOMEM;
    }
    data = md ? plist_get_data_ptr(md, &len) : NULL;
    if (data && vg_plist_parse((const unsigned char *)data, (size_t)len, &root) == VG_OK && root &&
        plist_get_node_type(root) == PLIST_DICT) {
        *out = vg_plist_to_json(root);
        plist_free(root);
        return *out ? VG_OK : VG_E_NOMEM;
    }
    if (md)
        vg_run_log(run, VG_DIAG_WARN, "Info.plist: iTunesMetadata of %s is not readable", name);
    plist_free(root);
    return VG_OK;
}

/* MVT's entry.update(metadata): metadata keys win. */
static int merge_metadata(struct vg_run *run, json_t *rec, const char *name, plist_t md)
{
    json_t *j = NULL;
    int rc = metadata_json(run, name, md, &j);

    if (rc == VG_OK && j && json_object_update(rec, j) != 0)
        rc = VG_E_NOMEM;
    json_decref(j);
    return rc;
}

/* Sets key to v (taken); VG_E_NOMEM when either failed. */
static int set_member(json_t *rec, const char *key, json_t *v)
{
    return v && json_object_set_new(rec, key, v) == 0 ? VG_OK : VG_E_NOMEM;
}

/* The metadata's purchase date as "isodate", when it has a usable one. */
static int set_isodate(json_t *rec)
{
    const json_t *dl = json_object_get(rec, "com.apple.iTunesStore.downloadInfo");
    const char *when = vg_jstr(dl, "purchaseDate");
    char buf[VG_ISODATE_LEN + 1];

    if (!when || !purchase_isodate(when, buf))
        return VG_OK;
    return set_member(rec, "isodate", json_string(buf));
}

/* NULL when out of memory. */
static json_t *info_app_record(struct vg_run *run, const char *name, plist_t app, plist_t man_apps)
{
    json_t *rec = json_pack("{s:s}", "name", name);
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    plist_t icon, man;
    int rc = rec ? VG_OK : VG_E_NOMEM;

    if (rc == VG_OK && plist_get_node_type(app) == PLIST_DICT) {
        rc = merge_metadata(run, rec, name, plist_dict_get_item(app, "iTunesMetadata"));
        if (rc == VG_OK)
            rc = set_isodate(rec);
        icon = plist_dict_get_item(app, "PlaceholderIcon");
        if (rc == VG_OK && icon && plist_get_node_type(icon) == PLIST_DATA &&
            icon_sha256(icon, hex))
            rc = set_member(rec, "icon_sha256", json_string(hex));
    }
    man = man_apps ? plist_dict_get_item(man_apps, name) : NULL;
    if (rc == VG_OK && man)
        rc = set_member(rec, "manifest_entry", vg_plist_to_json(man));
    if (rc != VG_OK) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

static plist_t apps_dict(struct vg_run *run, plist_t root, const char *doc)
{
    plist_t apps = NULL;

    if (!root)
        return NULL;
    if (plist_get_node_type(root) == PLIST_DICT)
        apps = plist_dict_get_item(root, "Applications");
    if (!apps || plist_get_node_type(apps) != PLIST_DICT) {
        vg_run_coverage(run, VG_COV_MISSING, doc, "no Applications dictionary");
        return NULL;
    }
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

/* An app name that is not UTF-8 cannot be a record (MVT could not read
 * the plist at all): left out, with a warning. */
static int bad_name(struct vg_run *run, const char *name, const char *doc)
{
    if (vg_utf8_valid(name, strlen(name)))
        return 0;
    vg_run_log(run, VG_DIAG_WARN, "%s: an application whose name is not UTF-8 was left out", doc);
    return 1;
}

static int add_info_app(struct vg_run *run, const char *name, plist_t app, plist_t man_apps)
{
    if (bad_name(run, name, "Info.plist"))
        return VG_OK;
    return vg_run_emit_json(run, info_app_record(run, name, app, man_apps));
}

/* Apps with a container but no App Store metadata in Info.plist. */
static int add_manifest_app(struct vg_run *run, const char *name, plist_t entry, plist_t info_apps)
{
    if (info_apps && plist_dict_get_item(info_apps, name))
        return VG_OK;
    if (bad_name(run, name, "Manifest.plist"))
        return VG_OK;
    return vg_run_emit_json(run,
                            json_pack("{s:s, s:s, s:o}", "name", name, "source", "Manifest.plist",
                                      "manifest_entry", vg_plist_to_json(entry)));
}

/* A filesystem dump's iTunesMetadata.plist: the app's metadata alone, named
 * by its bundle id (else by its container folder). */
static int fs_metadata(struct vg_run *run, const struct vg_file *f, plist_t root)
{
    plist_t id = plist_get_node_type(root) == PLIST_DICT
                     ? plist_dict_get_item(root, "softwareVersionBundleId")
                     : NULL;
    const char *name =
        id && plist_get_node_type(id) == PLIST_STRING ? plist_get_string_ptr(id, NULL) : NULL;
    char *folder = NULL;
    json_t *rec;
    int rc;

    if (!name) {
        const char *end = strrchr(f->path, '/');
        const char *start = end;
        while (start && start > f->path && start[-1] != '/')
            start--;
        folder = vg_strndup(start ? start : f->path, start ? (size_t)(end - start) : 0);
        if (!folder)
            return VG_E_NOMEM;
        name = folder;
    }
    rc = bad_name(run, name, f->display) ? VG_DB_SKIP : VG_OK;
    rec = rc == VG_OK ? json_pack("{s:s}", "name", name) : NULL;
    free(folder);
    if (rc == VG_DB_SKIP)
        return VG_OK;
    rc = rec ? merge_metadata(run, rec, f->display, root) : VG_E_NOMEM;
    if (rc == VG_OK)
        rc = set_isodate(rec);
    if (rc != VG_OK) {
        json_decref(rec);
        rec = NULL;
    }
    return vg_run_emit_json(run, rec);
}

/* The property list f holds, or NULL (with a warning and coverage) when
 * it cannot be read. VG_E_NOMEM only when out of memory. */
static int read_plist(struct vg_run *run, const struct vg_file *f, plist_t *out)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    rc = vg_run_read(run, f, VG_MAX_PLIST_FILE, &data, &len);
    if (rc != VG_OK)
        return rc == VG_E_NOMEM ? rc : VG_OK;
    rc = vg_plist_parse(data, len, out);
    vg_run_free_data(data, len);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK || !*out) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a valid property list");
        vg_run_log(run, VG_DIAG_WARN, "%s is not a valid property list", f->display);
        *out = NULL;
    }
    return VG_OK;
}

static int take_plist(struct vg_run *run, const struct vg_file *f, void *ud)
{
    plist_t *root = ud;

    if (*root)
        return VG_OK; /* a locator names one file */
    return read_plist(run, f, root);
}

static int fs_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    plist_t root = NULL;
    int rc = read_plist(run, f, &root);

    VG_UNUSED(ud);
    if (rc == VG_OK && root)
        rc = fs_metadata(run, f, root);
    plist_free(root);
    return rc;
}

/* 1 when a vg_run_find result lets the module go on. */
static int found_ok(int rc)
{
    return rc >= 0 || rc == VG_E_NOTFOUND;
}

static int apps_extract(struct vg_run *run)
{
    plist_t info = NULL, manifest = NULL, info_apps, man_apps;
    /* both are read first: an app's record joins the two */
    int rc = vg_run_find(run, &apps_locs[LOC_INFO], take_plist, &info);

    if (found_ok(rc))
        rc = vg_run_find(run, &apps_locs[LOC_MANIFEST], take_plist, &manifest);
    if (found_ok(rc)) {
        info_apps = apps_dict(run, info, "Info.plist");
        man_apps = apps_dict(run, manifest, "Manifest.plist");
        rc = each_app(run, info_apps, man_apps, add_info_app);
        if (rc == VG_OK)
            rc = each_app(run, man_apps, info_apps, add_manifest_app);
    }
    plist_free(info);
    plist_free(manifest);
    if (rc == VG_OK)
        rc = vg_run_find(run, &apps_locs[LOC_FS_METADATA], fs_visit, NULL);
    if (!found_ok(rc))
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "extracted a total of %zu applications",
               vg_run_record_count(run));
    return VG_OK;
}

/* MVT: no sourceApp means the App Store. */
static int known_installer(const struct vg_rec *rec)
{
    const char *source = vg_rec_text(rec, F_SOURCE_APP);
    size_t i;

    if (vg_rec_key(rec, F_SOURCE_APP) < 0)
        return 1;
    for (i = 0; source && i < VG_ARRAY_LEN(known_installers); i++)
        if (strcmp(source, known_installers[i]) == 0)
            return 1;
    return 0;
}

static int manifest_only(const struct vg_rec *rec)
{
    const char *source = vg_rec_text(rec, F_SOURCE);
    return source && strcmp(source, "Manifest.plist") == 0;
}

static void apps_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const char *bundle = vg_rec_text(rec, F_BUNDLE_ID);
    const char *when = vg_rec_time(rec, F_ISODATE);
    const char *id = bundle;
    struct vg_ioc_match m;

    if (!id)
        id = vg_jstr(vg_rec_json(rec, F_MANIFEST_ENTRY), "CFBundleIdentifier");
    if (!id)
        id = vg_rec_text(rec, F_NAME);
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
    if (!known_installer(rec))
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when,
                     "Suspicious app not installed from the App Store or MDM: %s", id ? id : "");
}

/* A field as MVT's record.get(key, '') prints it. */
static char *field_text(const struct vg_rec *rec, int f)
{
    const struct vg_val *v = vg_rec_val(rec, f);

    if (vg_rec_key(rec, f) < 0)
        return vg_strdup("");
    if (v->t == VG_VT_TEXT)
        return vg_strdup(v->u.s.p);
    return vg_val_json_text(v);
}

static void apps_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char *f[4] = {field_text(rec, F_NAME), field_text(rec, F_VERSION), field_text(rec, F_ARTIST),
                  field_text(rec, F_SOURCE_APP)};
    char *desc = NULL;
    size_t i;

    if (vg_rec_key(rec, F_ISODATE) >= 0) {
        if (f[0] && f[1] && f[2] && f[3])
            desc =
                vg_asprintf("App %s version %s from %s installed from %s", f[0], f[1], f[2], f[3]);
        if (desc)
            vg_run_timeline(run, vg_rec_time(rec, F_ISODATE), "app_installed", desc);
        else
            vg_run_nomem(run);
    }
    free(desc);
    for (i = 0; i < VG_ARRAY_LEN(f); i++)
        free(f[i]);
}

const struct vg_module vg_mod_applications = {
    .name = "applications",
    .class_name = "Applications",
    .description = "apps listed in Info.plist/Manifest.plist with App Store metadata; app id "
                   "and process indicators, apps not from the App Store or MDM",
    .locs = apps_locs,
    .n_locs = VG_ARRAY_LEN(apps_locs),
    .fields = apps_fields,
    .n_fields = VG_ARRAY_LEN(apps_fields),
    .extract = apps_extract,
    .check_record = apps_check_one,
    .timeline = apps_timeline,
};
