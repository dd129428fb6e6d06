/*
 * Android 16 intrusion logs (Advanced Protection's Intrusion Logging, as
 * AndroidQF collects them): newline-delimited JSON, one object per line,
 * each key an event type ("dns_event", "connect_event", "security_event")
 * holding the event. One line becomes typed events here; the grammar, the
 * fields and every security event type MVT knows are in
 * docs/formats/intrusion-logs.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_INTRUSION_H
#define VG_FORMATS_ANDROID_INTRUSION_H

#include <jansson.h>

#include "util/vg.h"

/* The security event types MVT 2026.7.29 knows (SECURITY_EVENT_TAGS):
 * X(ID, key in the log, SecurityLog tag number, MVT's title). */
#define VG_IL_SEC_LIST(X)                                                                          \
    X(ADB_SHELL_INTERACTIVE, "adb_shell_interactive", 210001, "ADB Shell Interactive")             \
    X(ADB_SHELL_CMD, "adb_shell_cmd", 210002, "ADB Shell Command")                                 \
    X(ADB_SYNC_RECV_FILE, "adb_sync_recv_file", 210003, "ADB Sync Recv File")                      \
    X(ADB_SYNC_SEND_FILE, "adb_sync_send_file", 210004, "ADB Sync Send File")                      \
    X(APP_PROCESS_START, "app_process_start", 210005, "App Process Start")                         \
    X(KEYGUARD_DISMISSED, "keyguard_dismissed", 210006, "Keyguard Dismissed")                      \
    X(KEYGUARD_DISMISS_AUTH_ATTEMPT, "keyguard_dismiss_auth_attempt", 210007,                      \
      "Keyguard Dismiss Auth Attempt")                                                             \
    X(KEYGUARD_SECURED, "keyguard_secured", 210008, "Keyguard Secured")                            \
    X(OS_STARTUP, "os_startup", 210009, "OS Startup")                                              \
    X(OS_SHUTDOWN, "os_shutdown", 210010, "OS Shutdown")                                           \
    X(LOGGING_STARTED, "logging_started", 210011, "Logging Started")                               \
    X(LOGGING_STOPPED, "logging_stopped", 210012, "Logging Stopped")                               \
    X(MEDIA_MOUNT, "media_mount", 210013, "Media Mount")                                           \
    X(MEDIA_UNMOUNT, "media_unmount", 210014, "Media Unmount")                                     \
    X(LOG_BUFFER_SIZE_CRITICAL, "log_buffer_size_critical", 210015, "Log Buffer Size Critical")    \
    X(PASSWORD_EXPIRATION_SET, "password_expiration_set", 210016, "Password Expiration Set")       \
    X(PASSWORD_COMPLEXITY_SET, "password_complexity_set", 210017, "Password Complexity Set")       \
    X(PASSWORD_HISTORY_LENGTH_SET, "password_history_length_set", 210018,                          \
      "Password History Length Set")                                                               \
    X(MAX_SCREEN_LOCK_TIMEOUT_SET, "max_screen_lock_timeout_set", 210019,                          \
      "Max Screen Lock Timeout Set")                                                               \
    X(MAX_PASSWORD_ATTEMPTS_SET, "max_password_attempts_set", 210020, "Max Password Attempts Set") \
    X(KEYGUARD_DISABLED_FEATURES_SET, "keyguard_disabled_features_set", 210021,                    \
      "Keyguard Disabled Features Set")                                                            \
    X(REMOTE_LOCK, "remote_lock", 210022, "Remote Lock")                                           \
    X(WIPE_FAILURE, "wipe_failure", 210023, "Wipe Failure")                                        \
    X(KEY_GENERATED, "key_generated", 210024, "Key Generated")                                     \
    X(KEY_IMPORT, "key_import", 210025, "Key Import")                                              \
    X(KEY_DESTRUCTION, "key_destruction", 210026, "Key Destruction")                               \
    X(USER_RESTRICTION_ADDED, "user_restriction_added", 210027, "User Restriction Added")          \
    X(USER_RESTRICTION_REMOVED, "user_restriction_removed", 210028, "User Restriction Removed")    \
    X(CERT_AUTHORITY_INSTALLED, "cert_authority_installed", 210029,                                \
      "Certificate Authority Installed")                                                           \
    X(CERT_AUTHORITY_REMOVED, "cert_authority_removed", 210030, "Certificate Authority Removed")   \
    X(CRYPTO_SELF_TEST_COMPLETED, "crypto_self_test_completed", 210031,                            \
      "Crypto Self Test Completed")                                                                \
    X(KEY_INTEGRITY_VIOLATION, "key_integrity_violation", 210032, "Key Integrity Violation")       \
    X(CERT_VALIDATION_FAILURE, "cert_validation_failure", 210033,                                  \
      "Certificate Validation Failure")                                                            \
    X(CAMERA_POLICY_SET, "camera_policy_set", 210034, "Camera Policy Set")                         \
    X(PASSWORD_COMPLEXITY_REQUIRED, "password_complexity_required", 210035,                        \
      "Password Complexity Required")                                                              \
    X(PASSWORD_CHANGED, "password_changed", 210036, "Password Changed")                            \
    X(WIFI_CONNECTION, "wifi_connection", 210037, "WiFi Connection")                               \
    X(WIFI_DISCONNECTION, "wifi_disconnection", 210038, "WiFi Disconnection")                      \
    X(BLUETOOTH_CONNECTION, "bluetooth_connection", 210039, "Bluetooth Connection")                \
    X(BLUETOOTH_DISCONNECTION, "bluetooth_disconnection", 210040, "Bluetooth Disconnection")       \
    X(PACKAGE_INSTALLED, "package_installed", 210041, "Package Installed")                         \
    X(PACKAGE_UPDATED, "package_updated", 210042, "Package Updated")                               \
    X(PACKAGE_UNINSTALLED, "package_uninstalled", 210043, "Package Uninstalled")                   \
    X(BACKUP_SERVICE_TOGGLED, "backup_service_toggled", 210044, "Backup Service Toggled")          \
    X(NFC_ENABLED, "nfc_enabled", 210045, "NFC Enabled")                                           \
    X(NFC_DISABLED, "nfc_disabled", 210046, "NFC Disabled")

enum vg_il_sec {
    VG_IL_SEC_NONE = 0, /* the event names no type */
#define VG_IL_SEC_ENUM(id, key, tag, title) VG_IL_SEC_##id,
    VG_IL_SEC_LIST(VG_IL_SEC_ENUM)
#undef VG_IL_SEC_ENUM
        VG_IL_SEC_UNKNOWN, /* a type MVT does not know: reported, never dropped */
};

/* The key ("app_process_start"), tag number (210005) and title ("App
 * Process Start") of a known type; NULL / 0 for the others. */
const char *vg_il_sec_key(enum vg_il_sec t);
int vg_il_sec_tag(enum vg_il_sec t);
const char *vg_il_sec_title(enum vg_il_sec t);
/* By key or tag number: VG_IL_SEC_UNKNOWN when not known. */
enum vg_il_sec vg_il_sec_by_key(const char *key);
enum vg_il_sec vg_il_sec_by_tag(int64_t tag);

enum vg_il_kind {
    VG_IL_DNS = 0,  /* dns_event */
    VG_IL_CONNECT,  /* connect_event */
    VG_IL_SECURITY, /* security_event */
    VG_IL_UNKNOWN,  /* any other key: reported, never dropped */
};

/* The key of a kind in the log ("dns_event"...; NULL for VG_IL_UNKNOWN). */
const char *vg_il_kind_key(enum vg_il_kind k);

/* One event, borrowed from the line's JSON: valid during the callback
 * (json_incref data to keep it). Typed fields are NULL / absent when the
 * event lacks them or holds another type, which n_bad counts and bad names. */
struct vg_il_event {
    enum vg_il_kind kind;
    const char *type; /* the key as written: "dns_event", ... */
    json_t *data;     /* the event object */
    size_t lineno;    /* of the line, from 1 (0 when not known) */

    int has_time;       /* event_time is a non-zero number */
    int64_t event_time; /* as written: ms (DNS, connect), ns (security) */
    /* UTC as MVT converts event_time (ms / 1000.0 or ns / 1e9, to the
     * microsecond, ties to even); "" when there is no usable time (MVT:
     * None) and for unknown kinds, which MVT does not convert */
    char isodate[VG_ISODATE_LEN + 1];
    double seconds; /* the time in seconds as MVT computes it (when has_time) */

    const char *package_name; /* DNS, connect */
    /* DNS */
    const char *hostname;
    const json_t *ip_addresses; /* array of strings as Java prints them ("/1.2.3.4") */
    /* connect */
    const char *ip_address; /* as Java prints it: "/1.2.3.4", "ip6-localhost/::1" */
    int has_port;
    int64_t port;
    /* security */
    int has_event_id;
    int64_t event_id;
    enum vg_il_sec sec;
    const char *sec_key;    /* the event's first key past event_id, event_time,
                               event_type and timestamp (MVT's tag); NULL: none */
    const json_t *sec_info; /* the value under it */
    int sec_by_number;      /* the key was "tag" with a SecurityLog number */

    unsigned n_bad;
    char bad[160];
};

/* Return VG_OK to go on, anything else to stop (vg_il_parse_* return it). */
typedef int (*vg_il_event_fn)(void *ud, const struct vg_il_event *ev);

/* One line (without its newline), lineno counting from 1. A blank line is
 * no event. The line is skipped with a message naming display and lineno
 * in diag when it is longer than VG_MAX_IL_LINE (VG_E_LIMIT, a warning), is
 * not JSON or not an object (VG_E_CORRUPT, a warning, as MVT logs it). Bytes
 * that are not UTF-8 are dropped, as MVT reads the file, with a warning. A
 * key whose value is not an object is a warning too (MVT drops it
 * silently). Otherwise cb gets each event in the order of the keys. */
int vg_il_parse_line(const char *line, size_t len, size_t lineno, const char *display,
                     struct vg_diag *diag, vg_il_event_fn cb, void *ud) VG_MUST_CHECK;

struct vg_il_counts {
    size_t lines;   /* non-blank lines */
    size_t skipped; /* lines that gave no event: too long, not JSON, not an object */
    size_t events;  /* events handed over */
    size_t unknown; /* of them: unknown kinds, or security events of an unknown type */
};

/* Every line of text: lines end with "\n" (a "\r" before it is dropped).
 * Lines that are skipped are counted, not fatal; the callback's non-VG_OK
 * value stops and is returned. counts may be NULL. */
int vg_il_parse_text(const char *text, size_t len, const char *display, struct vg_diag *diag,
                     vg_il_event_fn cb, void *ud, struct vg_il_counts *counts) VG_MUST_CHECK;

/* The event's time as MVT's datetime.fromtimestamp has it: Unix seconds
 * and microseconds (rounded half to even), for a time zone to be applied.
 * VG_E_NOTFOUND without a usable time, VG_E_LIMIT outside years 1-9999. */
int vg_il_event_time(const struct vg_il_event *ev, int64_t *sec, int32_t *usec) VG_MUST_CHECK;

/* The address part of a Java InetAddress string: after the last '/'
 * ("ip6-localhost/::1" gives "::1", "/1.2.3.4" gives "1.2.3.4"), as MVT's
 * ConnectEvent cleans ip_address. */
const char *vg_il_addr_ip(const char *s);

/* SHA-256 of the event's data with sorted keys: MVT drops an event whose
 * data (whatever its kind) was seen before, across files. */
int vg_il_fingerprint(const json_t *data, unsigned char out[32]) VG_MUST_CHECK;

#endif
