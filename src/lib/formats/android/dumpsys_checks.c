/*
 * Pure helpers for the checks MVT's dumpsys modules make on the records
 * (docs/formats/dumpsys.md lists them all, with their levels). The lists
 * are MVT's (mvt/android/utils.py and the artifacts, release 2026.7.29).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/aqf_checks.h"
#include "formats/android/dumpsys_int.h"

/* ---- appops ---- */

struct entry_ref {
    const json_t *entry;
    size_t index;
};

static const char *ts_of(const json_t *entry)
{
    const char *s = json_string_value(json_object_get(entry, "timestamp"));
    return s ? s : ""; /* MVT: KeyError; a missing time sorts first here */
}

static int cmp_entry(const void *pa, const void *pb)
{
    const struct entry_ref *a = pa, *b = pb;
    int c = strcmp(ts_of(a->entry), ts_of(b->entry));

    return c ? c : (a->index > b->index) - (a->index < b->index);
}

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The alerts of one permission, entries sorted by time (stable). */
static int perm_alerts(const json_t *record, const json_t *perm, int risky_perm,
                       int (*alert)(void *, const char *, const char *, const json_t *), void *ud)
{
    const json_t *entries = json_object_get(perm, "entries");
    size_t n = json_array_size(entries), i;
    struct entry_ref *v = NULL;
    json_t *event = json_copy((json_t *)record), *perms = json_array(), *unknown = NULL;
    int rc = VG_E_NOMEM;

    if (!event || !perms || json_array_append(perms, (json_t *)perm) != 0 ||
        json_object_set(event, "permissions", perms) != 0)
        goto out;
    if (n == 0) { /* MVT's placeholder entry */
        unknown = json_pack("{s:s, s:s}", "access", "Unknown", "timestamp", "");
        if (!unknown)
            goto out;
        entries = NULL;
        n = 1;
    }
    if (!(v = vg_calloc(n, sizeof(*v))))
        goto out;
    for (i = 0; i < n; i++) {
        v[i].entry = entries ? json_array_get(entries, i) : unknown;
        v[i].index = i;
    }
    qsort(v, n, sizeof(*v), cmp_entry);
    for (i = 0, rc = VG_OK; i < n && rc == VG_OK; i++) {
        const char *pkg = str_of(record, "package_name"), *name = str_of(perm, "name");
        const char *access = str_of(v[i].entry, "access"), *ts = ts_of(v[i].entry);
        char *msg = risky_perm ? vg_asprintf("Package '%s' had risky permission '%s' set to "
                                             "'%s' at %s",
                                             pkg, name, access, ts)
                               : vg_asprintf("Risky package '%s' had '%s' permission set to "
                                             "'%s' at %s",
                                             pkg, name, access, ts);
        if (!msg)
            rc = VG_E_NOMEM;
        else
            rc = alert(ud, msg, ts, event);
        free(msg);
    }
out:
    free(v);
    json_decref(unknown);
    json_decref(perms);
    json_decref(event);
    return rc;
}

int vg_dumpsys_appops_alerts(const json_t *record,
                             int (*alert)(void *ud, const char *message, const char *event_time,
                                          const json_t *event),
                             void *ud)
{
    const json_t *perm;
    size_t i;
    int risky_pkg = strcmp(str_of(record, "package_name"), "com.android.shell") == 0, rc;

    json_array_foreach(json_object_get(record, "permissions"), i, perm)
    {
        int risky_perm = strcmp(str_of(perm, "name"), "REQUEST_INSTALL_PACKAGES") == 0;
        if (!risky_perm && !risky_pkg)
            continue;
        if ((rc = perm_alerts(record, perm, risky_perm, alert, ud)) != VG_OK)
            return rc;
    }
    return VG_OK;
}

/* ---- battery daily ---- */

int vg_dumpsys_battery_daily_alert(const json_t *record, char *msg, size_t cap)
{
    const char *pkg = str_of(record, "package_name"), *vers = str_of(record, "vers");
    const json_t *v = json_object_get(record, "vers");
    int64_t cur;

    if (json_string_length(v) == 1 && vers[0] == '0') {
        (void)vg_snprintf(msg, cap, "Detected uninstall of package %s (vers 0)", pkg);
        return 1;
    }
    if (strcmp(str_of(record, "action"), "downgrade") != 0 ||
        !vg_dumpsys_py_int((struct vg_str){vers, json_string_length(v)}, &cur))
        return 0;
    (void)vg_snprintf(msg, cap, "Detected downgrade of package %s from vers %s to vers %lld", pkg,
                      str_of(record, "previous_vers"), (long long)cur);
    return 1;
}

/* ---- packages ---- */

static const char *const dangerous_permissions[] = {
    "android.permission.ACCESS_COARSE_LOCATION",
    "android.permission.ACCESS_FINE_LOCATION",
    "android.permission.AUTHENTICATE_ACCOUNTS",
    "android.permission.CAMERA",
    "android.permission.DISABLE_KEYGUARD",
    "android.permission.PROCESS_OUTGOING_CALLS",
    "android.permission.READ_CALENDAR",
    "android.permission.READ_CALL_LOG",
    "android.permission.READ_CONTACTS",
    "android.permission.READ_PHONE_STATE",
    "android.permission.READ_SMS",
    "android.permission.RECEIVE_MMS",
    "android.permission.RECEIVE_SMS",
    "android.permission.RECEIVE_WAP_PUSH",
    "android.permission.RECORD_AUDIO",
    "android.permission.SEND_SMS",
    "android.permission.SYSTEM_ALERT_WINDOW",
    "android.permission.USE_CREDENTIALS",
    "android.permission.USE_SIP",
    "com.android.browser.permission.READ_HISTORY_BOOKMARKS",
};

/* MVT's ROOT_PACKAGES, the list the AndroidQF packages check uses too */
int vg_dumpsys_is_root_package(const char *name)
{
    return vg_aqf_root_package(name);
}

size_t vg_dumpsys_dangerous_permissions(const json_t *record)
{
    const json_t *perm;
    size_t i, n = 0;

    json_array_foreach(json_object_get(record, "permissions"), i, perm)
    {
        const char *name = json_string_value(json_object_get(perm, "name"));
        n += (size_t)vg_str_in(name, dangerous_permissions, VG_ARRAY_LEN(dangerous_permissions));
    }
    return n;
}

/* ---- receivers ---- */

const char *vg_dumpsys_receiver_note(const char *intent)
{
    static const struct {
        const char *intent, *note;
    } notes[] = {
        {"android.provider.Telephony.NEW_OUTGOING_SMS",
         "Found a receiver to intercept outgoing SMS messages: \"%s\""},
        {"android.provider.Telephony.SMS_RECEIVED",
         "Found a receiver to intercept incoming SMS messages: \"%s\""},
        {"android.intent.action.DATA_SMS_RECEIVED",
         "Found a receiver to intercept incoming data SMS message: \"%s\""},
        {"android.intent.action.PHONE_STATE",
         "Found a receiver monitoring telephony state/incoming calls: \"%s\""},
        {"android.intent.action.NEW_OUTGOING_CALL",
         "Found a receiver monitoring outgoing calls: \"%s\""},
    };
    size_t i;

    for (i = 0; intent && i < VG_ARRAY_LEN(notes); i++)
        if (strcmp(intent, notes[i].intent) == 0)
            return notes[i].note;
    return NULL;
}
