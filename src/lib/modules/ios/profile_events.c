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
#include "util/utf8.h"

/* MVT looks the relative path up in every domain. */
static const struct vg_loc events_locs[] = {
    {VG_LOC_BACKUP, NULL, "Library/ConfigurationProfiles/MCProfileEvents.plist"},
};

/* The fields checks and the timeline read. */
enum { F_PROFILE_ID, F_TIMESTAMP, F_OPERATION, F_PROCESS };
static const char *const events_fields[] = {"profile_id", "timestamp", "operation", "process"};

/* One key of an event, lowercased into the record as MVT does (a later
 * key that lowercases alike replaces an earlier one). */
static int event_field(json_t *rec, char *key, plist_t val)
{
    json_t *v;

    vg_str_lower(key);
    v = strcmp(key, "timestamp") == 0 ? vg_ios_plist_date_iso(val) : vg_plist_to_json(val);
    if (!v)
        return VG_E_NOMEM;
    /* a key that is not UTF-8 cannot be a JSON key: left out */
    if (json_object_set_new(rec, key, v) != 0 && vg_utf8_valid(key, strlen(key)))
        return VG_E_NOMEM;
    return VG_OK;
}

/* One event: {profile id: {Timestamp, Operation, Process, ...}}. NULL
 * when out of memory, or (*skip) when the profile id is not UTF-8. */
static json_t *event_record(const char *profile_id, plist_t fields, int *skip)
{
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "profile_id", profile_id, "timestamp", "",
                            "operation", "", "process", "");
    plist_dict_iter it = NULL;
    plist_t val = NULL;
    char *key;
    int rc = VG_OK;

    if (!rec) {
        *skip = !vg_utf8_valid(profile_id, strlen(profile_id));
        return NULL;
    }
    plist_dict_new_iter(fields, &it);
    while (rc == VG_OK) {
        key = NULL;
        plist_dict_next_item(fields, it, &key, &val);
        if (!key)
            break;
        rc = event_field(rec, key, val);
        free(key);
    }
    free(it);
    if (rc != VG_OK) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

static int events_one(struct vg_run *run, const struct vg_file *f, plist_t ev)
{
    plist_dict_iter it = NULL;
    plist_t fields = NULL;
    char *id = NULL;
    json_t *rec;
    int rc = VG_OK, skip = 0;

    if (plist_get_node_type(ev) != PLIST_DICT)
        return VG_OK;
    plist_dict_new_iter(ev, &it);
    plist_dict_next_item(ev, it, &id, &fields);
    free(it);
    if (id && fields && plist_get_node_type(fields) == PLIST_DICT) {
        rec = event_record(id, fields, &skip);
        if (skip)
            vg_run_log(run, VG_DIAG_WARN, "%s: an event whose profile id is not UTF-8 was left out",
                       f->display);
        else
            rc = vg_run_emit_json(run, rec);
    }
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
        rc = events_one(run, f, plist_array_get_item(events, i));
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
 * anything else as compact JSON (cut to the buffer). */
static const char *field_text(const struct vg_rec *rec, int f, char *buf, size_t cap)
{
    const struct vg_val *v = vg_rec_val(rec, f);
    char *dump;

    if (vg_rec_key(rec, f) < 0)
        return "None";
    if (v->t == VG_VT_TEXT)
        return v->u.s.p;
    dump = vg_val_json_text(v);
    if (!dump || vg_snprintf(buf, cap, "%s", dump) != VG_OK)
        buf[0] = '\0';
    free(dump);
    return buf;
}

static void events_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    char b1[256], b2[256], b3[256];
    const char *when = vg_rec_time(rec, F_TIMESTAMP);
    const char *process = field_text(rec, F_PROCESS, b1, sizeof(b1));
    const char *operation = field_text(rec, F_OPERATION, b2, sizeof(b2));
    const char *profile = field_text(rec, F_PROFILE_ID, b3, sizeof(b3));

    vg_run_alert(run, VG_LEVEL_LOW, rec, NULL, when,
                 "On %s process \"%s\" started operation \"%s\" of profile \"%s\"", when, process,
                 operation, profile);
    if (vg_check_process(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_PROCESS), when))
        return;
    vg_check_profile_id(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_PROFILE_ID), when);
}

static void events_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char b1[256], b2[256], b3[256];
    char *desc = vg_asprintf("Process %s started operation %s of profile %s",
                             field_text(rec, F_PROCESS, b1, sizeof(b1)),
                             field_text(rec, F_OPERATION, b2, sizeof(b2)),
                             field_text(rec, F_PROFILE_ID, b3, sizeof(b3)));
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_TIMESTAMP), "profile_operation", desc);
    free(desc);
}

const struct vg_module vg_mod_profile_events = {
    .name = "profile_events",
    .class_name = "ProfileEvents",
    .description = "configuration profile installs/removals (MCProfileEvents.plist); every event "
                   "LOW, process and profile id indicators",
    .locs = events_locs,
    .n_locs = VG_ARRAY_LEN(events_locs),
    .fields = events_fields,
    .n_fields = VG_ARRAY_LEN(events_fields),
    .extract = events_extract,
    .check_record = events_check_one,
    .timeline = events_timeline,
};
