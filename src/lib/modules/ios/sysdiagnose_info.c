/*
 * SysdiagnoseInfo: what each sysdiagnose says of the phone: the date, time
 * zone, OS, device and build its name gives, the OS name, version and
 * build of logs/SystemVersion/SystemVersion.plist, and the model, OS and
 * serial number of remotectl_dumpstate.txt. One record per sysdiagnose;
 * the newest one's facts go to info.json's "device" section, with a
 * warning when its iOS is older than the newest this build knows, and a
 * warning when sysdiagnoses checked together are of different phones.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/nska.h"
#include "formats/apple/remotectl.h"
#include "formats/apple/sysdiagnose_name.h"
#include "modules/ios/common.h"
#include "modules/ios/ios_version.h"

static const struct vg_loc info_locs[] = {
    {VG_LOC_SYSDIAG, NULL, "logs/SystemVersion/SystemVersion.plist"},
    {VG_LOC_SYSDIAG, NULL, "remotectl_dumpstate.txt"},
};

enum { F_SYSDIAG, F_ISODATE, F_VERSION, F_BUILD, F_TYPE };
static const char *const info_fields[] = {"sysdiagnose", "isodate", "ProductVersion",
                                          "ProductBuildVersion", "ProductType"};

/* The record keys, in order. */
static const char *const plist_keys[] = {"ProductName", "ProductVersion", "ProductBuildVersion"};
static const char *const remotectl_keys[] = {"ProductType", "OSVersion", "BuildVersion",
                                             "SerialNumber"};

struct info_ctx {
    json_t *records; /* one per sysdiagnose, in the order met (oldest first) */
};

/* The record of f's sysdiagnose, made on first sight. */
static json_t *record_for(struct info_ctx *c, const struct vg_file *f)
{
    const char *sd = f->domain ? f->domain : "";
    struct vg_sysdiag_name name;
    char iso[VG_ISODATE_LEN + 1] = "";
    json_t *r;
    size_t i;

    json_array_foreach(c->records, i, r)
    {
        if (strcmp(vg_jstr(r, "sysdiagnose"), sd) == 0)
            return r;
    }
    memset(&name, 0, sizeof(name));
    if (vg_sysdiag_name_parse(sd, &name) == VG_OK && vg_isodate(name.time, 0, iso) != VG_OK)
        iso[0] = '\0';
    r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "sysdiagnose", sd, "isodate", iso, "timezone",
                  name.tz, "os", name.os, "device", name.device, "build", name.build);
    for (i = 0; r && i < VG_ARRAY_LEN(plist_keys); i++)
        if (json_object_set_new(r, plist_keys[i], json_null()) != 0)
            r = NULL;
    for (i = 0; r && i < VG_ARRAY_LEN(remotectl_keys); i++)
        if (json_object_set_new(r, remotectl_keys[i], json_null()) != 0)
            r = NULL;
    if (!r || json_array_append_new(c->records, r) != 0)
        return NULL;
    return r;
}

static int system_version(struct vg_run *run, const struct vg_file *f, json_t *rec)
{
    unsigned char *data = NULL;
    size_t len = 0, i;
    plist_t root = NULL;
    int rc;

    rc = vg_run_read(run, f, VG_MAX_PLIST_FILE, &data, &len);
    if (rc != VG_OK)
        return rc == VG_E_NOMEM ? rc : VG_OK;
    rc = vg_plist_parse(data, len, &root);
    vg_run_free_data(data, len);
    if (rc != VG_OK || !root || plist_get_node_type(root) != PLIST_DICT) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a property list dictionary");
        vg_run_log(run, VG_DIAG_WARN, "%s is not a property list dictionary", f->display);
        plist_free(root);
        return rc == VG_E_NOMEM ? rc : VG_OK;
    }
    for (i = 0; i < VG_ARRAY_LEN(plist_keys); i++) {
        plist_t v = plist_dict_get_item(root, plist_keys[i]);
        if (v && plist_get_node_type(v) == PLIST_STRING) {
            json_t *j = vg_plist_to_json(v);
            if (!j || json_object_set_new(rec, plist_keys[i], j) != 0) {
                plist_free(root);
                return VG_E_NOMEM;
            }
        }
    }
    plist_free(root);
    return VG_OK;
}

static int remotectl(struct vg_run *run, const struct vg_file *f, json_t *rec)
{
    struct vg_str v[VG_ARRAY_LEN(remotectl_keys)];
    unsigned char *data = NULL;
    size_t len = 0, i;
    int rc;

    rc = vg_run_read(run, f, VG_MAX_REMOTECTL_FILE, &data, &len);
    if (rc != VG_OK)
        return rc == VG_E_NOMEM ? rc : VG_OK;
    rc = vg_remotectl_props(data, len, remotectl_keys, VG_ARRAY_LEN(remotectl_keys), v);
    for (i = 0; rc == VG_OK && i < VG_ARRAY_LEN(remotectl_keys); i++)
        if (v[i].p &&
            json_object_set_new(rec, remotectl_keys[i], vg_json_utf8(v[i].p, v[i].n)) != 0)
            rc = VG_E_NOMEM;
    vg_run_free_data(data, len);
    return rc;
}

static int info_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    json_t *rec = record_for(ud, f);
    const char *b = strrchr(f->path, '/');

    if (!rec)
        return VG_E_NOMEM;
    b = b ? b + 1 : f->path;
    return strcmp(b, "remotectl_dumpstate.txt") == 0 ? remotectl(run, f, rec)
                                                     : system_version(run, f, rec);
}

/* The first non-null string of keys in rec, or NULL. */
static const char *first_of(const json_t *rec, const char *a, const char *b)
{
    const char *v = vg_jstr(rec, a);
    return v && *v ? v : vg_jstr(rec, b);
}

static void device_facts(struct vg_run *run, const json_t *rec)
{
    const char *version = first_of(rec, "ProductVersion", "OSVersion");
    const char *build = first_of(rec, "ProductBuildVersion", "BuildVersion");
    const char *type = vg_jstr(rec, "ProductType"), *name = vg_jstr(rec, "ProductName");

    if (!build || !*build)
        build = vg_jstr(rec, "build");
    if (version)
        vg_run_device(run, "product_version", json_string(version));
    if (build && *build)
        vg_run_device(run, "build_version", json_string(build));
    if (type)
        vg_run_device(run, "product_type", json_string(type));
    if (name)
        vg_run_device(run, "product_name", json_string(name));
    if (version && vg_ios_version_cmp(version, VG_IOS_LATEST_VERSION) < 0)
        vg_run_log(run, VG_DIAG_WARN,
                   "This phone is running an outdated iOS version: %s (latest known is %s)",
                   version, VG_IOS_LATEST_VERSION);
    else if (version)
        vg_run_log(run, VG_DIAG_INFO, "iOS %s%s%s%s%s", version, build ? " (" : "",
                   build ? build : "", build ? ")" : "", type ? type : "");
}

/* Sysdiagnoses checked together should be of one phone. */
static void same_phone(struct vg_run *run, const json_t *records)
{
    const char *serial = NULL, *type = NULL;
    json_t *r;
    size_t i;

    json_array_foreach(records, i, r)
    {
        const char *s = vg_jstr(r, "SerialNumber"), *t = vg_jstr(r, "ProductType");
        if ((s && serial && strcmp(s, serial) != 0) || (t && type && strcmp(t, type) != 0)) {
            vg_run_log(run, VG_DIAG_WARN,
                       "these sysdiagnoses are not all of one phone (%s and %s differ): what "
                       "one holds and another lacks says nothing",
                       vg_jstr(json_array_get(records, 0), "sysdiagnose"),
                       vg_jstr(r, "sysdiagnose"));
            return;
        }
        serial = s ? s : serial;
        type = t ? t : type;
    }
}

static int info_extract(struct vg_run *run)
{
    struct info_ctx c = {json_array()};
    size_t i;
    int rc = c.records ? VG_OK : VG_E_NOMEM;

    if (rc == VG_OK)
        rc = vg_run_find_all(run, info_file, &c);
    if (rc >= 0 && json_array_size(c.records)) {
        device_facts(run, json_array_get(c.records, json_array_size(c.records) - 1));
        same_phone(run, c.records);
    }
    for (i = 0; rc >= 0 && i < json_array_size(c.records); i++)
        rc = vg_run_emit_json(run, json_incref(json_array_get(c.records, i)));
    json_decref(c.records);
    if (rc < 0 && rc != VG_E_NOTFOUND)
        return rc;
    return VG_OK;
}

static void info_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char *desc =
        vg_asprintf("Sysdiagnose %s taken (iOS %s, build %s, %s)", vg_rec_time(r, F_SYSDIAG),
                    vg_rec_time(r, F_VERSION), vg_rec_time(r, F_BUILD), vg_rec_time(r, F_TYPE));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "sysdiagnose", desc);
    free(desc);
}

const struct vg_module vg_mod_sysdiagnose_info = {
    .name = "sysdiagnose_info",
    .class_name = "SysdiagnoseInfo",
    .description = "device facts of each sysdiagnose (its name, SystemVersion.plist, "
                   "remotectl_dumpstate.txt); warns on an outdated iOS",
    .locs = info_locs,
    .n_locs = VG_ARRAY_LEN(info_locs),
    .fields = info_fields,
    .n_fields = VG_ARRAY_LEN(info_fields),
    .extract = info_extract,
    .timeline = info_timeline,
};
