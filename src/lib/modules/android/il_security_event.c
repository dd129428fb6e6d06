/*
 * SecurityEvent (intrusion logs): the platform's SecurityLog events
 * (security_event: every type formats/android/intrusion.h knows, and any
 * other, counted and reported), recorded as MVT records them (the event
 * and "timestamp"). Checks as MVT does: app processes, package installs
 * and ADB shell commands against app ids, ADB file transfers against file
 * paths; and, with or without indicators, MEDIUM alerts for a certificate
 * authority installed, a certificate validation failure, a key integrity
 * violation, a failed wipe and a failed cryptographic self test. The
 * timeline says what each type means in MVT's words.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/il_common.h"

static const struct vg_loc sec_locs[] = {{VG_LOC_LOGS, NULL, "*.txt"}};

enum { F_TIMESTAMP };
static const char *const sec_fields[] = {"timestamp"};

/* ---- the event's type: its first key past the metadata (MVT's tag) ---- */

static int metadata_key(const char *k)
{
    return strcmp(k, "event_id") == 0 || strcmp(k, "event_time") == 0 ||
           strcmp(k, "event_type") == 0 || strcmp(k, "timestamp") == 0;
}

/* The key index of the tag, or -1. */
static int tag_of(const struct vg_rec *rec)
{
    size_t i;

    for (i = 0; i < rec->schema->n; i++)
        if (rec->v[i].t != VG_VT_ABSENT && !metadata_key(rec->schema->names[i]))
            return (int)i;
    return -1;
}

/* A key of the record by name: its value, or NULL. */
static const struct vg_val *by_name(const struct vg_rec *rec, const char *name)
{
    int k = vg_schema_find(rec->schema, name);
    return k >= 0 && rec->v[k].t != VG_VT_ABSENT ? &rec->v[k] : NULL;
}

/* info.get(key): NULL when info is not an object or has no such key. */
static const json_t *get(const struct vg_val *info, const char *key)
{
    return info && info->t == VG_VT_JSON ? json_object_get(info->u.j, key) : NULL;
}

static const char *get_str(const struct vg_val *info, const char *key)
{
    return json_string_value(get(info, key));
}

/* ---- counts, for MVT's breakdown ---- */

#define N_KNOWN   (VG_IL_SEC_UNKNOWN + 1)
#define MAX_OTHER 32u

struct sec_state {
    size_t count[N_KNOWN];
    struct {
        char *name;
        size_t count;
    } other[MAX_OTHER];
    size_t n_other, more;
};

static void count_tag(struct vg_run *run, struct sec_state *st, const struct vg_il_event *ev)
{
    size_t i;

    if (!ev->sec_key)
        return;
    if (ev->sec != VG_IL_SEC_UNKNOWN && !ev->sec_by_number) {
        st->count[ev->sec]++;
        return;
    }
    for (i = 0; i < st->n_other; i++)
        if (strcmp(st->other[i].name, ev->sec_key) == 0) {
            st->other[i].count++;
            return;
        }
    if (st->n_other == MAX_OTHER) {
        st->more++;
        return;
    }
    if (!(st->other[st->n_other].name = vg_strdup(ev->sec_key))) {
        vg_run_nomem(run);
        return;
    }
    st->other[st->n_other++].count = 1;
}

static int sec_event(struct vg_run *run, const struct vg_il_event *ev, void *ud)
{
    count_tag(run, ud, ev);
    if (vg_il_set_timestamp(run, ev) != VG_OK)
        return VG_E_NOMEM;
    return vg_il_emit(run, ev);
}

/* MVT's "Security event breakdown", most frequent first, and the types it
 * does not know, named once. */
static void report_counts(struct vg_run *run, struct sec_state *st)
{
    struct vg_buf b;
    size_t done = 0, total = 0, i;
    int rc = VG_OK;

    for (i = 1; i < VG_IL_SEC_UNKNOWN; i++)
        total += st->count[i] != 0;
    total += st->n_other;
    if (total)
        vg_run_log(run, VG_DIAG_INFO, "Security event breakdown:");
    while (done < total) {
        size_t best = 0, best_n = 0, k;
        const char *name = NULL;
        for (k = 1; k < VG_IL_SEC_UNKNOWN; k++)
            if (st->count[k] > best_n) {
                best_n = st->count[k];
                best = k;
                name = vg_il_sec_title((enum vg_il_sec)k);
            }
        for (k = 0; k < st->n_other; k++)
            if (st->other[k].count > best_n) {
                best_n = st->other[k].count;
                best = N_KNOWN + k;
                name = st->other[k].name;
            }
        vg_run_log(run, VG_DIAG_INFO, "  - %s: %zu", name ? name : "?", best_n);
        if (best < N_KNOWN)
            st->count[best] = 0;
        else
            st->other[best - N_KNOWN].count = 0;
        done++;
    }
    if (!st->n_other)
        return;
    vg_buf_init(&b, VG_MAX_MESSAGE);
    for (i = 0; rc == VG_OK && i < st->n_other; i++)
        rc = vg_buf_printf(&b, "%s%s", i ? ", " : "", st->other[i].name);
    if (rc == VG_OK && st->more)
        rc = vg_buf_printf(&b, " and %zu more", st->more);
    vg_run_log(run, VG_DIAG_WARN,
               "Found unknown intrusion logging security event type(s): %s; their events are "
               "recorded, their contents not checked",
               b.data ? b.data : "");
    vg_buf_free(&b);
}

static int sec_extract(struct vg_run *run)
{
    struct sec_state *st = vg_calloc(1, sizeof(*st));
    size_t i;
    int rc;

    if (!st)
        return VG_E_NOMEM;
    rc = vg_il_each_event(run, VG_IL_SECURITY, "security events", sec_event, st);
    report_counts(run, st);
    for (i = 0; i < st->n_other; i++)
        free(st->other[i].name);
    free(st);
    return rc;
}

/* ---- checks ---- */

/* Python's str() of a value, into a fixed buffer (alert messages). */
static const char *py_str(const struct vg_val *v, char *buf, size_t cap)
{
    struct vg_buf b;
    int rc;

    vg_buf_init(&b, cap - 1);
    rc = v ? vg_il_py_val(&b, v) : vg_buf_append_str(&b, "None");
    if (rc == VG_OK || rc == VG_E_LIMIT)
        (void)vg_snprintf(buf, cap, "%.*s", (int)b.len, b.data ? b.data : "");
    else
        buf[0] = '\0';
    vg_buf_free(&b);
    return buf;
}

static void heuristics(struct vg_run *run, const struct vg_rec *rec, const char *when)
{
    char text[VG_MAX_MESSAGE / 2];
    const struct vg_val *v;
    const json_t *j;

    if ((v = by_name(rec, "key_generated")) != NULL) {
        const char *key_id = get_str(v, "key_id");
        const json_t *uid = get(v, "uid"), *ok = get(v, "success");
        int benign = key_id && strcmp(key_id, "PinStorage_crossReboot_key") == 0 &&
                     json_is_integer(uid) && json_integer_value(uid) == 1001;
        if (ok && !vg_py_truthy(ok) && !benign)
            vg_run_log(run, VG_DIAG_WARN, "Failed key generation detected for key_id: %s",
                       key_id ? key_id : "unknown");
    }
    if ((v = by_name(rec, "cert_validation_failure")) != NULL)
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when,
                     "Certificate validation failure detected: %s", py_str(v, text, sizeof(text)));
    if ((v = by_name(rec, "key_integrity_violation")) != NULL)
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when, "Key integrity violation detected: %s",
                     py_str(v, text, sizeof(text)));
    if ((v = by_name(rec, "cert_authority_installed")) != NULL) {
        const json_t *ok = get(v, "success"), *subject = get(v, "subject");
        struct vg_val sv;
        vg_val_from_json(&sv, subject);
        py_str(subject ? &sv : NULL, text, sizeof(text));
        if (!subject)
            memcpy(text, "unknown", sizeof("unknown"));
        if (!ok || vg_py_truthy(ok)) /* a missing success means installed */
            vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when,
                         "Certificate authority installed: %s", text);
        else
            vg_run_log(run, VG_DIAG_WARN, "Failed certificate authority install attempt: %s", text);
    }
    if (by_name(rec, "wipe_failure"))
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when, "Device wipe failure detected");
    if ((v = by_name(rec, "crypto_self_test_completed")) != NULL) {
        int ok;
        if (v->t == VG_VT_JSON && json_is_object(v->u.j))
            ok = (j = json_object_get(v->u.j, "success")) == NULL || vg_py_truthy(j);
        else /* Python: value == 1, which True also is */
            ok = ((v->t == VG_VT_INT || v->t == VG_VT_BOOL) && v->u.i == 1) ||
                 (v->t == VG_VT_REAL && v->u.d == 1.0);
        if (!ok)
            vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, when, "Cryptographic self test failed");
    }
}

static void check_process(struct vg_run *run, const struct vg_rec *rec, const char *process,
                          const char *when)
{
    char part[VG_MAX_IOC_VALUE + 1];
    const char *p;

    if (!process || !*process)
        return;
    vg_check_app_id(run, VG_LEVEL_CRITICAL, rec, process, when);
    /* and each ':' part after the first ("...:sandboxed_process0:..."),
     * until one hits */
    p = strchr(process, ':');
    while (p) {
        const char *next = strchr(p + 1, ':');
        size_t n = next ? (size_t)(next - p - 1) : strlen(p + 1);
        if (n > 0 && n < sizeof(part)) {
            memcpy(part, p + 1, n);
            part[n] = '\0';
            if (vg_check_app_id(run, VG_LEVEL_CRITICAL, rec, part, when))
                return;
        }
        p = next;
    }
}

static void sec_check(struct vg_run *run, const struct vg_rec *rec)
{
    static const char *const pkg_events[] = {"package_installed", "package_updated",
                                             "package_uninstalled"};
    static const char *const adb_files[] = {"adb_sync_recv_file", "adb_sync_send_file"};
    const char *when = vg_rec_time(rec, F_TIMESTAMP);
    const struct vg_val *v;
    size_t i;

    heuristics(run, rec, when);
    if ((v = by_name(rec, "app_process_start")) != NULL)
        check_process(run, rec, get_str(v, "process"), when);
    for (i = 0; i < VG_ARRAY_LEN(pkg_events); i++)
        if ((v = by_name(rec, pkg_events[i])) != NULL)
            vg_check_app_id(run, VG_LEVEL_CRITICAL, rec, get_str(v, "package_name"), when);
    if ((v = by_name(rec, "adb_shell_cmd")) != NULL)
        vg_check_app_id(run, VG_LEVEL_CRITICAL, rec, get_str(v, "command"), when);
    for (i = 0; i < VG_ARRAY_LEN(adb_files); i++)
        if ((v = by_name(rec, adb_files[i])) != NULL)
            vg_check_file_path(run, VG_LEVEL_CRITICAL, rec, get_str(v, "path"), when);
}

/* ---- timeline: MVT's words for each type ----
 *
 * A template per type: {k} is str(info.get(k, "")), {k=d} the same with
 * default d, {k?A:B} A when info.get(k, False) is true else B, {-k} " - "
 * and str(info[k]) when that is true, {.} str(info). */
struct words {
    const char *key;
    const char *tpl;
};

static const struct words words[] = {
    {"adb_shell_interactive", "ADB interactive shell opened"},
    {"adb_shell_cmd", "ADB shell command: {command}"},
    {"adb_sync_recv_file", "File pulled via ADB: {path}"},
    {"adb_sync_send_file", "File pushed via ADB: {path}"},
    {"app_process_start", "Process started: {process} (UID: {uid}, PID: {pid})"},
    {"keyguard_dismiss_auth_attempt",
     "Auth attempt: {success?Success:Failed} (method strength: {method_strength=0})"},
    {"keyguard_dismissed", "Keyguard dismissed"},
    {"keyguard_secured", "Device locked"},
    {"keyguard_disabled_features_set",
     "Keyguard features disabled by {admin_package}: {disabled_features}"},
    {"key_generated", "Key {success?generated:generation failed}: {key_id=unknown} (UID: {uid})"},
    {"key_destruction",
     "Key {success?destroyed:destruction failed}: {key_id=unknown} (UID: {uid})"},
    {"key_import", "Key {success?imported:import failed}: {key_id=unknown}"},
    {"key_integrity_violation", "Key integrity violation: {key_id=unknown}"},
    {"cert_authority_installed", "Cert {success?installed:install failed}: {subject=unknown}"},
    {"cert_authority_removed", "Cert {success?removed:removal failed}: {subject=unknown}"},
    {"cert_validation_failure", "Certificate validation failure: {.}"},
    {"package_installed", "Package Installed: {package_name} (v{version_code}, user: {user_id})"},
    {"package_updated", "Package Updated: {package_name} (v{version_code}, user: {user_id})"},
    {"package_uninstalled",
     "Package Uninstalled: {package_name} (v{version_code}, user: {user_id})"},
    {"os_startup",
     "OS startup (verified boot: {verified_boot_state}, dm-verity: {dm_verity_mode})"},
    {"os_shutdown", "OS shutdown"},
    {"logging_started", "Audit logging started"},
    {"logging_stopped", "Audit logging stopped"},
    {"log_buffer_size_critical", "Log buffer at 90% capacity"},
    {"media_mount", "Media mounted: {mount_point} ({volume_label})"},
    {"media_unmount", "Media unmounted: {mount_point} ({volume_label})"},
    {"password_expiration_set", "Password expiration set by {admin_package}: {timeout_ms}ms"},
    {"password_complexity_set", "Password complexity set by {admin_package}"},
    {"password_complexity_required",
     "Password complexity required by {admin_package}: {complexity}"},
    {"password_history_length_set", "Password history length set by {admin_package}: {length}"},
    {"password_changed", "Password changed (complexity: {complexity}, user: {user_id})"},
    {"max_screen_lock_timeout_set",
     "Max screen lock timeout set by {admin_package}: {timeout_ms}ms"},
    {"max_password_attempts_set", "Max password attempts set by {admin_package}: {max_attempts}"},
    {"remote_lock", "Device remotely locked by {admin_package}"},
    {"wipe_failure", "Device wipe failed"},
    {"user_restriction_added", "User restriction added by {admin_package}: {restriction}"},
    {"user_restriction_removed", "User restriction removed by {admin_package}: {restriction}"},
    {"wifi_connection", "WiFi connection: {event_type} (BSSID: {bssid}){-reason}"},
    {"wifi_disconnection", "WiFi disconnection (BSSID: {bssid}){-reason}"},
    {"bluetooth_connection",
     "Bluetooth {success?connected:connection failed}: {mac_address}{-reason}"},
    {"bluetooth_disconnection", "Bluetooth disconnected: {mac_address}{-reason}"},
    {"camera_policy_set", "Camera {disabled?disabled:enabled} by {admin_package}"},
    {"backup_service_toggled", "Backup service {enabled?enabled:disabled} by {admin_package}"},
    {"nfc_enabled", "NFC enabled"},
    {"nfc_disabled", "NFC disabled"},
};

static int put_json(struct vg_buf *b, const json_t *j, const char *dflt)
{
    return j ? vg_il_py_str(b, j) : vg_buf_append_str(b, dflt);
}

/* One {...} placeholder (spec without its braces). */
static int placeholder(struct vg_buf *b, const struct vg_val *info, const char *spec, size_t n)
{
    char key[64];
    const char *q = memchr(spec, '?', n), *eq = memchr(spec, '=', n), *colon;
    size_t k = q ? (size_t)(q - spec) : eq ? (size_t)(eq - spec) : n;

    if (n == 1 && spec[0] == '.')
        return vg_il_py_val(b, info);
    if (spec[0] == '-') {
        const json_t *j;
        if (n - 1 >= sizeof(key))
            return VG_E_INVAL;
        memcpy(key, spec + 1, n - 1);
        key[n - 1] = '\0';
        j = get(info, key);
        if (!j || !vg_py_truthy(j))
            return VG_OK;
        return vg_buf_append_str(b, " - ") == VG_OK ? vg_il_py_str(b, j) : VG_E_NOMEM;
    }
    if (k >= sizeof(key))
        return VG_E_INVAL;
    memcpy(key, spec, k);
    key[k] = '\0';
    if (q) {
        const json_t *j = get(info, key);
        colon = memchr(q, ':', n - k);
        if (!colon)
            return VG_E_INVAL;
        return j && vg_py_truthy(j) ? vg_buf_append(b, q + 1, (size_t)(colon - q - 1))
                                    : vg_buf_append(b, colon + 1, n - (size_t)(colon - spec) - 1);
    }
    if (eq) {
        char dflt[64];
        size_t dn = n - k - 1;
        if (dn >= sizeof(dflt))
            return VG_E_INVAL;
        memcpy(dflt, eq + 1, dn);
        dflt[dn] = '\0';
        return put_json(b, get(info, key), dflt);
    }
    return put_json(b, get(info, key), "");
}

static int fill(struct vg_buf *b, const char *tpl, const struct vg_val *info)
{
    int rc = VG_OK;

    while (rc == VG_OK && *tpl) {
        const char *open = strchr(tpl, '{'), *close;
        if (!open)
            return vg_buf_append_str(b, tpl);
        rc = vg_buf_append(b, tpl, (size_t)(open - tpl));
        close = strchr(open, '}');
        if (rc == VG_OK && !close)
            return VG_E_INVAL;
        if (rc == VG_OK)
            rc = placeholder(b, info, open + 1, (size_t)(close - open - 1));
        tpl = close + 1;
    }
    return rc;
}

static int crypto_words(struct vg_buf *b, const struct vg_val *info)
{
    int ok;

    if (info->t == VG_VT_JSON && json_is_object(info->u.j)) {
        const json_t *j = json_object_get(info->u.j, "success");
        ok = j && vg_py_truthy(j); /* MVT: get("success", False) here */
    } else {
        ok = ((info->t == VG_VT_INT || info->t == VG_VT_BOOL) && info->u.i == 1) ||
             (info->t == VG_VT_REAL && info->u.d == 1.0);
    }
    return vg_buf_printf(b, "Crypto self test: %s", ok ? "passed" : "FAILED");
}

/* The record as Python's str(record) prints it. */
static int record_words(struct vg_buf *b, const struct vg_rec *rec)
{
    json_t *j = vg_rec_to_json(rec);
    int rc = j ? vg_il_py_str(b, j) : VG_E_NOMEM;

    json_decref(j);
    return rc;
}

static void sec_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    int tag = tag_of(rec);
    const char *name = tag >= 0 ? rec->schema->names[tag] : "unknown";
    const struct vg_val *info = tag >= 0 ? &rec->v[tag] : NULL;
    struct vg_buf b;
    size_t i;
    int rc = VG_OK, known = 0;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN);
    if (!info) {
        rc = record_words(&b, rec);
    } else if (strcmp(name, "crypto_self_test_completed") == 0) {
        rc = crypto_words(&b, info);
        known = 1;
    } else {
        for (i = 0; i < VG_ARRAY_LEN(words) && !known; i++)
            if (strcmp(words[i].key, name) == 0) {
                rc = fill(&b, words[i].tpl, info);
                known = 1;
            }
    }
    if (info && !known) { /* a type MVT does not know: "<type>: <value>" */
        rc = vg_buf_printf(&b, "%s: ", name);
        if (rc == VG_OK)
            rc = vg_il_py_val(&b, info);
    }
    if (rc == VG_OK)
        rc = vg_buf_append_char(&b, '\0');
    if (rc == VG_OK)
        vg_run_timeline(run, vg_rec_time(rec, F_TIMESTAMP), name, b.data);
    else
        vg_run_log(run, VG_DIAG_WARN, "a security event of %s left out of the timeline: %s",
                   vg_rec_time(rec, F_TIMESTAMP), vg_strerror(rc));
    vg_buf_free(&b);
}

const struct vg_module vg_mod_il_security_event = {
    .name = "security_event",
    .class_name = "SecurityEvent",
    .description = "Security events of the intrusion logs (every SecurityLog type); apps, ADB "
                   "files, certificate and key alarms",
    .locs = sec_locs,
    .n_locs = VG_ARRAY_LEN(sec_locs),
    .fields = sec_fields,
    .n_fields = VG_ARRAY_LEN(sec_fields),
    .extract = sec_extract,
    .check_record = sec_check,
    .timeline = sec_timeline,
};
