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
#include "modules/ios/list.h"

#define CONF_PROFILES_DOMAIN "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"

/* iOS writes one "profile-<hash>.stub" per installed profile here; MVT
 * takes every file of the domain whose name starts with "profile-". */
static const struct vg_artifact profile_artifacts[] = {
    {CONF_PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-*", NULL},
};

/* Payload types that let a profile silence an app (MVT's heuristic). */
static const char *const hiding_payload_types[] = {
    "com.apple.notificationsettings",
};

static json_t *install_date(plist_t root)
{
    return vg_ios_plist_date_iso(plist_dict_get_item(root, "InstallDate"));
}

/* The profile as JSON: an unreadable or non-dictionary file still gives a
 * record (with an empty plist), as MVT does, because the file's presence
 * says a profile was installed. */
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
    plist_t root = NULL;
    json_t *plist, *rec;

    (void)ud;
    plist = profile_json(run, f, &root);
    rec = json_pack("{s:s?, s:s, s:s, s:o?, s:o?}", "file_id", f->file_id, "relative_path",
                    f->relative_path, "domain", f->domain, "plist", plist, "install_date",
                    root ? install_date(root) : json_string(""));
    plist_free(root);
    return vg_run_add_record(run, rec);
}

static int profiles_extract(struct vg_run *run)
{
    size_t i;
    int rc;

    for (i = 0; i < VG_ARRAY_LEN(profile_artifacts); i++) {
        rc = vg_run_find(run, &profile_artifacts[i], profile_visit, NULL);
        if (rc < 0 && rc != VG_E_NOTFOUND)
            return rc;
    }
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
        const char *type = vg_rec_str(payload, "PayloadType");
        for (j = 0; type && j < VG_ARRAY_LEN(hiding_payload_types); j++)
            if (strcmp(type, hiding_payload_types[j]) == 0)
                return hiding_payload_types[j];
    }
    return NULL;
}

static void profiles_check_one(struct vg_run *run, const json_t *rec)
{
    const json_t *plist = json_object_get(rec, "plist");
    const char *uuid = vg_rec_str(plist, "PayloadUUID");
    const char *name = vg_rec_str(plist, "PayloadDisplayName");
    const char *when = vg_rec_time(rec, "install_date");
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

static void profiles_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;
    json_array_foreach(vg_run_records(run), i, rec) profiles_check_one(run, rec);
}

static void profiles_timeline(struct vg_run *run, const json_t *rec)
{
    const json_t *plist = json_object_get(rec, "plist");
    const char *when = vg_rec_time(rec, "install_date");
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
    if (!desc)
        return;
    vg_run_timeline(run, when, "configuration_profile_install", desc);
    free(desc);
}

const struct vg_module vg_mod_configuration_profiles = {
    .name = "configuration_profiles",
    .class_name = "ConfigurationProfiles",
    .description = "installed configuration profiles; profile id indicators, "
                   "notification-hiding payloads",
    .sources = VG_SRC_BACKUP,
    .artifacts = profile_artifacts,
    .n_artifacts = VG_ARRAY_LEN(profile_artifacts),
    .extract = profiles_extract,
    .check = profiles_check,
    .timeline = profiles_timeline,
};
