/*
 * DumpsysReceivers: the broadcast receivers of the package section's
 * Receiver Resolver Table by intent. MVT's result is one object {intent:
 * [{package_name, receiver}]}; each record here is one member of it
 * ({intent: [...]}), and a record from MVT's saved results may hold all of
 * them. Logs the receivers of SMS and call intents (an app listening to
 * incoming SMS can read one-time codes and exploit messages); a receiver
 * of a package that is an app indicator is CRITICAL, with {intent:
 * receiver} as its event.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

static const struct vg_loc recv_locs[] = {
    {VG_LOC_DUMPSYS, "replace", "package"},
};

static int recv_extract(struct vg_run *run)
{
    int rc = vg_android_dumpsys_run(run, VG_DUMPSYS_RECEIVERS);

    vg_run_log(run, VG_DIAG_INFO, "Extracted receivers for %zu intents", vg_run_record_count(run));
    return rc;
}

/* MVT's line about a receiver of an SMS or call intent: the note's "%s"
 * is the receiver. */
static void recv_note(struct vg_run *run, const char *note, const json_t *receiver)
{
    const char *hole = strstr(note, "%s");
    char buf[VG_PY_BUF];

    if (hole)
        vg_run_log(run, VG_DIAG_INFO, "%.*s%s%s", (int)(hole - note), note,
                   vg_py_str(json_object_get(receiver, "receiver"), buf), hole + 2);
}

static void recv_one(struct vg_run *run, const char *intent, const json_t *receiver)
{
    const char *note = vg_dumpsys_receiver_note(intent);
    const char *pkg = vg_jstr(receiver, "package_name");
    struct vg_ioc_match m;
    json_t *event;

    if (note)
        recv_note(run, note, receiver);
    if (!pkg || !*pkg || !vg_iocs_match_app_id(vg_run_iocs(run), pkg, &m))
        return;
    event = json_pack("{s:O}", intent, receiver);
    if (!event) {
        vg_run_nomem(run);
        return;
    }
    vg_run_alert_json(run, VG_LEVEL_CRITICAL, event, &m, "",
                      "Found a known suspicious app with ID \"%s\" matching indicators from "
                      "\"%s\"",
                      pkg, m.collection);
    json_decref(event);
}

static void recv_check(struct vg_run *run, const struct vg_rec *r)
{
    json_t *rec = vg_rec_to_json(r), *list, *receiver;
    const char *intent;
    size_t i;

    if (!rec) {
        vg_run_nomem(run);
        return;
    }
    json_object_foreach(rec, intent, list)
    {
        json_array_foreach(list, i, receiver) recv_one(run, intent, receiver);
    }
    json_decref(rec);
}

const struct vg_module vg_mod_dumpsys_receivers = {
    .name = "dumpsys_receivers",
    .class_name = "DumpsysReceivers",
    .description = "broadcast receivers by intent (dumpsys package): SMS and call listeners, app "
                   "indicators",
    .locs = recv_locs,
    .n_locs = VG_ARRAY_LEN(recv_locs),
    .extract = recv_extract,
    .check_record = recv_check,
};
