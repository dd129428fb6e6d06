/*
 * ConfigurationProfiles: the installed configuration profiles (profile-*
 * stubs in the configurationprofiles system group container), each kept
 * whole with its payloads. Checks the profile's PayloadUUID against profile
 * id indicators, and flags notification-settings payloads, which can hide an
 * app's notifications from the user.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/nska.h"
#include "modules/ios/common.h"

#define CONF_PROFILES_DOMAIN "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"

/* iOS writes one "profile-<hash>.stub" per installed profile here; MVT
 * takes every file of the domain whose name starts with "profile-". */
static const struct vg_loc profile_locs[] = {
    {VG_LOC_BACKUP, CONF_PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-*"},
    /* a sysdiagnose copies the same stubs here (SAF's mcstate_shared_profile) */
    {VG_LOC_SYSDIAG, NULL, "logs/MCState/Shared/profile-*.stub"},
};

/* The record's keys, in MVT's order; also the fields checks and the
 * timeline read. */
enum { F_FILE_ID, F_REL, F_DOMAIN, F_PLIST, F_INSTALL_DATE };
static const char *const profile_fields[] = {
    "file_id", "relative_path", "domain", "plist", "install_date",
};

/* Payload types that let a profile silence an app (MVT's heuristic). */
static const char *const hiding_payload_types[] = {
    "com.apple.notificationsettings",
};

/* The profile as JSON: an unreadable or non-dictionary file still gives a
 * record (with an empty plist), as MVT does, because the file's presence
 * says a profile was installed. NULL only when out of memory. */
static json_t *profile_json(struct vg_run *run, const struct vg_file *f, plist_t *root)
{
    unsigned char *data = NULL;
    size_t len = 0;

    *root = NULL;
    if (vg_run_read(run, f, VG_MAX_PLIST_FILE, &data, &len) != VG_OK)
        return json_object();
    if (vg_plist_parse(data, len, root) != VG_OK || !*root ||
        plist_get_node_type(*root) != PLIST_DICT) {
        plist_free(*root);
        *root = NULL;
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a property list dictionary");
        vg_run_log(run, VG_DIAG_WARN, "%s is not a valid profile property list", f->display);
    }
    vg_run_free_data(data, len);
    return *root ? vg_plist_to_json(*root) : json_object();
}

static int profile_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    const struct vg_schema *const *schema = ud;
    struct vg_rec *r = vg_run_rec(run, *schema);
    plist_t root = NULL;
    json_t *installed;

    if (!r)
        return VG_E_NOMEM;
    if (f->id)
        vg_rec_set_text(r, F_FILE_ID, f->id);
    vg_rec_set_text(r, F_REL, f->path);
    vg_rec_set_text(r, F_DOMAIN, f->domain ? f->domain : "");
    vg_rec_set_json(r, F_PLIST, profile_json(run, f, &root));
    installed = vg_ios_plist_date_iso(root ? plist_dict_get_item(root, "InstallDate") : NULL);
    if (installed)
        vg_rec_set_text(r, F_INSTALL_DATE, json_string_value(installed));
    else
        r->failed = 1;
    json_decref(installed);
    plist_free(root);
    return vg_run_emit(run, r);
}

static int profiles_extract(struct vg_run *run)
{
    const struct vg_schema *schema = NULL;
    int rc = vg_run_schema(run, profile_fields, VG_ARRAY_LEN(profile_fields), &schema);

    if (rc == VG_OK)
        rc = vg_run_find_all(run, profile_visit, &schema);
    if (rc != VG_OK)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "extracted details about %zu configuration profiles",
               vg_run_record_count(run));
    return VG_OK;
}

static const char *hiding_payload(const json_t *plist)
{
    const json_t *payload;
    size_t i, j;

    json_array_foreach(json_object_get(plist, "PayloadContent"), i, payload)
    {
        const char *type = vg_jstr(payload, "PayloadType");
        for (j = 0; type && j < VG_ARRAY_LEN(hiding_payload_types); j++)
            if (strcmp(type, hiding_payload_types[j]) == 0)
                return hiding_payload_types[j];
    }
    return NULL;
}

static void profiles_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const json_t *plist = vg_rec_json(rec, F_PLIST);
    const char *uuid = vg_jstr(plist, "PayloadUUID");
    const char *name = vg_jstr(plist, "PayloadDisplayName");
    const char *when = vg_rec_time(rec, F_INSTALL_DATE);
    const char *type;
    struct vg_ioc_match m;

    if (uuid && *uuid && vg_iocs_match_profile_id(vg_run_iocs(run), uuid, &m)) {
        vg_run_alert(run, VG_LEVEL_CRITICAL, rec, &m, when,
                     "Found a known malicious configuration profile \"%s\" with UUID \"%s\"",
                     name ? name : "", uuid);
        return;
    }
    type = hiding_payload(plist);
    if (type)
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when,
                     "Found a potentially suspicious configuration profile \"%s\" with payload "
                     "type %s",
                     name ? name : "", type);
}

static void profiles_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const json_t *plist = vg_rec_json(rec, F_PLIST);
    const char *when = vg_rec_time(rec, F_INSTALL_DATE);
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF], b4[VG_PY_BUF];
    char *desc;

    if (!*when)
        return;
    /* MVT formats absent keys as Python's None */
    desc = vg_asprintf("%s installed: %s - %s: %s",
                       vg_py_str(json_object_get(plist, "PayloadType"), b1),
                       vg_py_str(json_object_get(plist, "PayloadUUID"), b2),
                       vg_py_str(json_object_get(plist, "PayloadDisplayName"), b3),
                       vg_py_str(json_object_get(plist, "PayloadDescription"), b4));
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, when, "configuration_profile_install", desc);
    free(desc);
}

const struct vg_module vg_mod_configuration_profiles = {
    .name = "configuration_profiles",
    .class_name = "ConfigurationProfiles",
    .description = "installed configuration profiles; profile id indicators, "
                   "notification-hiding payloads",
    .locs = profile_locs,
    .n_locs = VG_ARRAY_LEN(profile_locs),
    .fields = profile_fields,
    .n_fields = VG_ARRAY_LEN(profile_fields),
    .extract = profiles_extract,
    .check_record = profiles_check_one,
    .timeline = profiles_timeline,
};
