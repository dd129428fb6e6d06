/*
 * ProfileEvents: MCProfileEvents.plist, the log of configuration profile
 * installs and removals with the process that asked for each. Every event is
 * worth a look (LOW, as MVT); the process is checked against process
 * indicators and the profile against profile id indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"

/* MVT looks the relative path up in every domain. */
static const struct vg_artifact events_artifacts[] = {
    {NULL, "Library/ConfigurationProfiles/MCProfileEvents.plist", NULL},
};

/* One event: {profile id: {Timestamp, Operation, Process, ...}}; its keys
 * are lowercased into the record, as MVT does. */
static json_t *event_record(const char *profile_id, plist_t fields)
{
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "profile_id", profile_id, "timestamp", "",
                            "operation", "", "process", "");
    plist_dict_iter it = NULL;
    plist_t val = NULL;
    char *key;

    if (!rec)
        return NULL;
    plist_dict_new_iter(fields, &it);
    for (;;) {
        key = NULL;
        plist_dict_next_item(fields, it, &key, &val);
        if (!key)
            break;
        vg_str_lower(key);
        json_object_set_new(rec, key,
                            strcmp(key, "timestamp") == 0 ? vg_ios_plist_date_iso(val)
                                                          : vg_plist_to_json(val));
        free(key);
    }
    free(it);
    return rec;
}

static int events_one(struct vg_run *run, plist_t ev)
{
    plist_dict_iter it = NULL;
    plist_t fields = NULL;
    char *id = NULL;
    int rc = VG_OK;

    if (plist_get_node_type(ev) != PLIST_DICT)
        return VG_OK;
    plist_dict_new_iter(ev, &it);
    plist_dict_next_item(ev, it, &id, &fields);
    free(it);
    if (id && fields && plist_get_node_type(fields) == PLIST_DICT)
        rc = vg_run_add_record(run, event_record(id, fields));
    free(id);
    return rc;
}

static int events_plist(struct vg_run *run, const struct vg_file *f, plist_t root, void *ud)
{
    plist_t events = NULL;
    uint32_t i, n;
    int rc;

    (void)ud;
    if (plist_get_node_type(root) == PLIST_DICT)
        events = plist_dict_get_item(root, "ProfileEvents");
    if (!events || plist_get_node_type(events) != PLIST_ARRAY) {
        vg_run_log(run, VG_DIAG_INFO, "%s has no ProfileEvents list", f->display);
        return VG_OK;
    }
    n = plist_array_get_size(events);
    for (i = 0; i < n; i++) {
        rc = events_one(run, plist_array_get_item(events, i));
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

static int events_extract(struct vg_run *run)
{
    int rc = vg_ios_each_plist(run, events_plist, NULL);
    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "extracted %zu profile events", vg_run_record_count(run));
    return VG_OK;
}

/* A field as MVT's f-strings print it: a string as is, absent as None,
 * anything else as compact JSON. */
static const char *field_text(const json_t *rec, const char *key, char *buf, size_t cap)
{
    const json_t *v = json_object_get(rec, key);
    char *dump;

    if (!v)
        return "None";
    if (json_is_string(v))
        return json_string_value(v);
    dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!dump || vg_snprintf(buf, cap, "%s", dump) != VG_OK)
        buf[0] = '\0';
    free(dump);
    return buf;
}

static void events_check_one(struct vg_run *run, const json_t *rec)
{
    char b1[256], b2[256], b3[256];
    const char *when = vg_rec_time(rec, "timestamp");
    const char *process = field_text(rec, "process", b1, sizeof(b1));
    const char *operation = field_text(rec, "operation", b2, sizeof(b2));
    const char *profile = field_text(rec, "profile_id", b3, sizeof(b3));

    vg_run_alert(run, VG_LEVEL_LOW, rec, NULL, when,
                 "On %s process \"%s\" started operation \"%s\" of profile \"%s\"", when, process,
                 operation, profile);
    if (vg_check_process(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "process"), when))
        return;
    vg_check_profile_id(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "profile_id"), when);
}

static void events_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;
    json_array_foreach(vg_run_records(run), i, rec) events_check_one(run, rec);
}

static void events_timeline(struct vg_run *run, const json_t *rec)
{
    char b1[256], b2[256], b3[256];
    char *desc = vg_asprintf("Process %s started operation %s of profile %s",
                             field_text(rec, "process", b1, sizeof(b1)),
                             field_text(rec, "operation", b2, sizeof(b2)),
                             field_text(rec, "profile_id", b3, sizeof(b3)));
    if (!desc)
        return;
    vg_run_timeline(run, vg_rec_time(rec, "timestamp"), "profile_operation", desc);
    free(desc);
}

const struct vg_module vg_mod_profile_events = {
    .name = "profile_events",
    .class_name = "ProfileEvents",
    .description = "configuration profile installs/removals (MCProfileEvents.plist); every event "
                   "LOW, process and profile id indicators",
    .sources = VG_SRC_BACKUP,
    .artifacts = events_artifacts,
    .n_artifacts = VG_ARRAY_LEN(events_artifacts),
    .extract = events_extract,
    .check = events_check,
    .timeline = events_timeline,
};
