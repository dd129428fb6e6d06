/*
 * vigie: find traces of mercenary spyware in phone acquisitions.
 *
 * This is the public API of libvigie. The CLI (src/cli) is written on it only.
 * Conventions: functions return an enum vg_err (VG_OK or a negative code);
 * constructors are vg_x_new(..., struct vg_x **out) and set *out only on success;
 * vg_x_free(NULL) is a no-op. The library never prints, exits or aborts: it
 * reports through the struct vg_diag given to it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VIGIE_VIGIE_H
#define VIGIE_VIGIE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VG_VERSION "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define VG_MUST_CHECK   __attribute__((warn_unused_result))
#define VG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define VG_MUST_CHECK
#define VG_PRINTF(a, b)
#endif

/* ---------------------------------------------------------------- errors */

enum vg_err {
    VG_OK = 0,
    VG_E_NOMEM = -1,
    VG_E_IO = -2,
    VG_E_TRUNCATED = -3,
    VG_E_CORRUPT = -4,
    VG_E_LIMIT = -5,
    VG_E_CRYPTO = -6,
    VG_E_UNSUPPORTED = -7,
    VG_E_INVAL = -8,
    VG_E_NOTFOUND = -9,
    VG_E_PASSWORD = -10, /* wrong backup password or key */
    VG_E_INTERRUPTED = -11,
    VG_E_EXISTS = -12,
    VG_E_NOTFILE = -13, /* a link, folder, FIFO or device where a regular file belongs */
};

const char *vg_strerror(int err);

/* ------------------------------------------------------- alert levels */

enum vg_level {
    VG_LEVEL_INFO = 0,
    VG_LEVEL_LOW,
    VG_LEVEL_MEDIUM,
    VG_LEVEL_HIGH,
    VG_LEVEL_CRITICAL,
};
#define VG_LEVEL_COUNT 5

/* "INFO", "LOW", ... for the console. */
const char *vg_level_name(enum vg_level level);
/* "INFORMATIONAL", "LOW", ... as MVT writes them in JSON. */
const char *vg_level_json_name(enum vg_level level);
/* Parses either spelling; returns VG_E_INVAL for anything else. */
int vg_level_parse(const char *s, enum vg_level *out) VG_MUST_CHECK;

/* ------------------------------------------------------- diagnostics */

enum vg_diag_level {
    VG_DIAG_DEBUG = 0,
    VG_DIAG_INFO,
    VG_DIAG_WARN,
    VG_DIAG_ERROR,
};

/* A per-run record of everything that went wrong or was worth saying.
 * Every entry is also passed to the callback (the CLI prints them). */
struct vg_diag;

struct vg_diag_entry {
    enum vg_diag_level level;
    const char *where;   /* module, file or layer, e.g. "keybag" */
    const char *message; /* one line, no trailing newline */
};

int vg_diag_new(void (*cb)(void *ud, const struct vg_diag_entry *e), void *ud,
                struct vg_diag **out) VG_MUST_CHECK;
void vg_diag_free(struct vg_diag *d);
void vg_diag_add(struct vg_diag *d, enum vg_diag_level level, const char *where, const char *fmt,
                 ...) VG_PRINTF(4, 5);
size_t vg_diag_count(const struct vg_diag *d, enum vg_diag_level level);
size_t vg_diag_size(const struct vg_diag *d);
const struct vg_diag_entry *vg_diag_get(const struct vg_diag *d, size_t i);

/* ------------------------------------------------------- indicators */

enum vg_ioc_type {
    VG_IOC_DOMAIN = 0,
    VG_IOC_IPV4,
    VG_IOC_IPV6,
    VG_IOC_URL,
    VG_IOC_PROCESS,
    VG_IOC_EMAIL,
    VG_IOC_FILE_NAME,
    VG_IOC_FILE_PATH,
    VG_IOC_FILE_MD5,
    VG_IOC_FILE_SHA1,
    VG_IOC_FILE_SHA256,
    VG_IOC_APP_ID,
    VG_IOC_APP_CERT_MD5,
    VG_IOC_APP_CERT_SHA1,
    VG_IOC_APP_CERT_SHA256,
    VG_IOC_PROFILE_ID,
    VG_IOC_ANDROID_PROPERTY,
};
#define VG_IOC_TYPE_COUNT 17

/* The STIX object path, e.g. "domain-name:value". */
const char *vg_ioc_type_stix(enum vg_ioc_type t);
/* MVT's name for the type in matched_indicator.type, e.g. "domains". */
const char *vg_ioc_type_mvt(enum vg_ioc_type t);

struct vg_iocs;

/* One indicator that matched an observed value. Strings are borrowed from the
 * struct vg_iocs and live as long as it does. */
struct vg_ioc_match {
    const char *value; /* the indicator as loaded (normalised) */
    enum vg_ioc_type type;
    const char *collection; /* malware/report name, or the file's name */
    const char *file;       /* file name (basename) the indicator came from */
    const char *id;         /* STIX id of the indicator */
    int truncated;          /* process matched on a truncated observed name */
};

int vg_iocs_new(struct vg_iocs **out) VG_MUST_CHECK;
void vg_iocs_free(struct vg_iocs *iocs);

/* Loads a STIX2 bundle file, or every *.stix2 / *.json beneath a directory.
 * A file that is not valid JSON or not a bundle is an error naming the file. */
int vg_iocs_load_path(struct vg_iocs *iocs, const char *path, struct vg_diag *diag) VG_MUST_CHECK;
/* Loads a bundle from memory; name is what matches report as the file. */
int vg_iocs_load_buffer(struct vg_iocs *iocs, const char *name, const char *data, size_t len,
                        struct vg_diag *diag) VG_MUST_CHECK;
/* Loads the colon-separated paths in $VIGIE_IOCS and $MVT_STIX2 (a path that
 * does not exist is a warning), then the user folder
 * $XDG_DATA_HOME/vigie/indicators (default ~/.local/share/vigie/indicators;
 * silently skipped when absent). */
int vg_iocs_load_env(struct vg_iocs *iocs, struct vg_diag *diag) VG_MUST_CHECK;

size_t vg_iocs_count(const struct vg_iocs *iocs);
size_t vg_iocs_count_type(const struct vg_iocs *iocs, enum vg_ioc_type t);

/* Loaded files, in load order. */
struct vg_ioc_file_info {
    const char *path;
    const char *name;
    char sha256[65];
    size_t loaded;      /* indicators kept */
    size_t duplicates;  /* indicators already loaded from elsewhere */
    size_t unsupported; /* indicators of a pattern shape we do not support */
};
size_t vg_iocs_file_count(const struct vg_iocs *iocs);
const struct vg_ioc_file_info *vg_iocs_file(const struct vg_iocs *iocs, size_t i);

/* Collections, in load order. */
struct vg_ioc_collection_info {
    const char *name;
    const char *file;
    size_t count[VG_IOC_TYPE_COUNT];
    size_t total;
};
size_t vg_iocs_collection_count(const struct vg_iocs *iocs);
const struct vg_ioc_collection_info *vg_iocs_collection(const struct vg_iocs *iocs, size_t i);

/* Lookups. Each returns 1 and fills *m on a match, 0 otherwise. Each costs
 * O(length of the observed value), never O(number of indicators). See
 * docs/matching.md for the rules. */
int vg_iocs_match_domain(const struct vg_iocs *iocs, const char *host, struct vg_ioc_match *m);
/* A URL with or without scheme: its host against domain and IP indicators,
 * the whole URL against url indicators. */
int vg_iocs_match_url(const struct vg_iocs *iocs, const char *url, struct vg_ioc_match *m);
/* A process name (its basename when a path is given). The kernel keeps only
 * the first bytes of a name: a name of exactly that length may be a longer
 * one cut short, and then also matches an indicator it starts (truncated =
 * 1). The length is the platform's own: */
#define VG_COMM_IOS     16 /* XNU's MAXCOMLEN */
#define VG_COMM_ANDROID 15 /* Linux's TASK_COMM_LEN minus its NUL */
int vg_iocs_match_process_cut(const struct vg_iocs *iocs, const char *name, size_t comm_len,
                              struct vg_ioc_match *m);
/* The same with iOS's length (VG_COMM_IOS). */
int vg_iocs_match_process(const struct vg_iocs *iocs, const char *name, struct vg_ioc_match *m);
int vg_iocs_match_email(const struct vg_iocs *iocs, const char *email, struct vg_ioc_match *m);
int vg_iocs_match_file_path(const struct vg_iocs *iocs, const char *path, struct vg_ioc_match *m);
int vg_iocs_match_file_name(const struct vg_iocs *iocs, const char *name, struct vg_ioc_match *m);
/* Any of md5/sha1/sha256 by length of hex. */
int vg_iocs_match_hash(const struct vg_iocs *iocs, const char *hex, struct vg_ioc_match *m);
int vg_iocs_match_app_id(const struct vg_iocs *iocs, const char *id, struct vg_ioc_match *m);
int vg_iocs_match_app_cert(const struct vg_iocs *iocs, const char *hex, struct vg_ioc_match *m);
int vg_iocs_match_profile_id(const struct vg_iocs *iocs, const char *id, struct vg_ioc_match *m);
int vg_iocs_match_property(const struct vg_iocs *iocs, const char *name, struct vg_ioc_match *m);

/* Free text: every URL and bare host name found in text is checked. The
 * callback gets the piece of text that matched (NUL-terminated copy, valid
 * during the call) and the match; return non-zero from it to stop. Returns
 * the number of matches reported. */
size_t vg_iocs_match_text(const struct vg_iocs *iocs, const char *text,
                          int (*cb)(void *ud, const char *found, const struct vg_ioc_match *m),
                          void *ud);

/* ---------------------------------------------------------- sources */

/* What an analyst acquired from a phone. */
enum vg_kind {
    VG_KIND_IOS_BACKUP = 0, /* an iTunes/Finder backup folder, encrypted or not */
    VG_KIND_RESULTS,        /* an earlier -o folder, vigie's or MVT's (check-iocs) */
    VG_KIND_IOS_FS,         /* an iOS full-filesystem dump: a folder, tar or zip */
    VG_KIND_ANDROIDQF,      /* an AndroidQF acquisition: its folder, or a zip of it */
    VG_KIND_ANDROID_BACKUP, /* an adb backup (.ab), or the folder its tar was unpacked into */
    VG_KIND_ANDROID_INTRUSION_LOGS, /* Android 16 intrusion logs: a file, folder or zip */
    VG_KIND_BUGREPORT,              /* an Android bugreport: the zip adb writes, or its folder */
    VG_KIND_IOS_SYSDIAG, /* iOS sysdiagnoses: .tar.gz as the phone wrote them, or folders */
    VG_KIND_ANDROID_FS,  /* an Android full-filesystem dump: a folder, tar or zip */
};

/* "ios-backup", ... */
const char *vg_kind_name(enum vg_kind kind);

struct vg_source_opts {
    /* Encrypted acquisitions: a password, or a derived key (an iOS backup's
     * 32-byte password key). */
    const char *password;
    const unsigned char *key;
    size_t key_len;
    /* Asked only when an acquisition turns out to be encrypted and neither
     * password nor key was given: fills buf (cap bytes) with the password
     * for `what` (e.g. the backup's path) and returns VG_OK. */
    int (*ask_password)(void *ud, const char *what, char *buf, size_t cap);
    /* A slow step is starting ("deriving the key from the password"):
     * for a status line. NULL: none. */
    void (*on_status)(void *ud, const char *what);
    void *ud;
    /* Acquisitions of one phone checked together (sysdiagnoses taken at
     * different times): the others besides path. Ignored by sources that
     * take one. */
    const char *const *more_paths;
    size_t n_more_paths;
};

struct vg_source;

/* Opens the acquisition at path: nothing is read but what is needed to know
 * it (an iOS backup's plists and Manifest.db). Problems go to diag;
 * VG_E_NOTFOUND when path is not such an acquisition, VG_E_PASSWORD for a
 * wrong password. */
int vg_source_open(enum vg_kind kind, const char *path, const struct vg_source_opts *o,
                   struct vg_diag *diag, struct vg_source **out) VG_MUST_CHECK;
void vg_source_free(struct vg_source *src);
/* A line about what was opened (which backup was picked), or NULL. */
const char *vg_source_notes(const struct vg_source *src);
/* What the acquisition says of the device (model, OS version and build,
 * name, date...), as text: fills up to cap keys and values (borrowed from
 * src) and returns how many there are. */
size_t vg_source_facts(const struct vg_source *src, const char **keys, const char **values,
                       size_t cap);

/* ------------------------------------------------------------ checks */

/* What the CLI learns about each module as it finishes. */
struct vg_module_report {
    const char *name;       /* result name, e.g. "sms" */
    const char *class_name; /* e.g. "SMS" */
    size_t records;
    size_t recovered; /* records made of deleted rows (<module>_recovered.json) */
    size_t alerts[VG_LEVEL_COUNT];
    int status; /* VG_OK, or why the module failed */
    /* Coverage: artifacts found / missing / unreadable, one line each. */
    size_t n_coverage;
    const char *const *coverage;
    /* The module's alerts: level and message of each. */
    size_t n_alerts;
    const enum vg_level *alert_levels;
    const char *const *alert_messages;
};

struct vg_scan_opts {
    const char *target;         /* the input path, for info.json (default: the source's) */
    const char *output_dir;     /* NULL: nothing is written to disk */
    const char *const *modules; /* NULL or a list of module names to run */
    size_t n_modules;
    int hashes;               /* record SHA-256 of every input file read */
    int fast;                 /* skip slow modules */
    int force;                /* -o into a folder holding results: replace vigie's files */
    int no_recover;           /* do not recover deleted rows (--no-recover) */
    int no_correlate;         /* do not link events into stories (--no-correlate) */
    const char *command_line; /* written to command.log (no secrets) */
    /* The device's time zone, an IANA name ("Europe/Paris"): times read
     * without a zone (Android's) are written in it, as MVT's --timezone
     * does. NULL: UTC. An unknown name makes vg_check fail (VG_E_NOTFOUND). */
    const char *timezone;
    void (*on_module)(void *ud, const struct vg_module_report *r);
    /* Long work: a module started (records 0) or has emitted that many
     * records so far. Called from the worker threads, a few times a
     * second at most; NULL: none. */
    void (*on_progress)(void *ud, const char *module, size_t records);
    void *ud;
};

struct vg_summary {
    size_t modules_run;
    size_t records;
    size_t alerts[VG_LEVEL_COUNT];
    size_t warnings;
    size_t unread; /* artifacts or modules that could not be read: INCOMPLETE */
};

/* Runs the modules of the source's platform (or, for saved results, of
 * every platform) over src with iocs. Returns VG_OK when the check ran,
 * with or without detections; refuses (VG_E_INVAL, before creating
 * anything) an output folder inside the evidence. */
int vg_check(struct vg_source *src, const struct vg_iocs *iocs, const struct vg_scan_opts *opts,
             struct vg_diag *diag, struct vg_summary *sum) VG_MUST_CHECK;

/* Detections: alerts of level MEDIUM or above. */
int vg_summary_has_detections(const struct vg_summary *sum);
/* "DETECTIONS", "INCOMPLETE" (nothing detected, but something could not be
 * read: not a clean result) or "NO DETECTIONS". */
const char *vg_summary_verdict(const struct vg_summary *sum);

/* The modules a kind of acquisition runs, for --list-modules. Returns the
 * count; fills names (result names), class names and descriptions when not
 * NULL, up to cap. */
size_t vg_module_list(enum vg_kind kind, const char **names, const char **class_names,
                      const char **descriptions, size_t cap);

/* ---------------------------------------------------- download-iocs */

/* The public index of indicator files MVT reads (mvt-project/mvt-indicators). */
#define VG_IOCS_INDEX_URL                                                                          \
    "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/indicators.yaml"
/* Indicators older than this deserve a warning before a check. */
#define VG_IOCS_MAX_AGE_DAYS 30

struct vg_download_opts {
    const char *index_url; /* NULL: VG_IOCS_INDEX_URL */
    const char *dest;      /* NULL: the user folder (vg_iocs_user_dir) */
    const char *ca_file;   /* NULL: the system's certificate authorities */
    long connect_timeout;  /* seconds; 0: 15 */
    long timeout;          /* seconds for one whole file; 0: 120 */
    uint64_t max_bytes;    /* per file; 0: 64 MiB */
    /* Called before each file is fetched (the index first). */
    void (*on_fetch)(void *ud, const char *url);
    void *ud;
};

struct vg_download_summary {
    size_t listed;     /* entries in the index */
    size_t downloaded; /* files written */
    size_t failed;     /* fetch or check failed: the earlier copy, if any, kept */
    size_t refused;    /* entries refused (a name leaving the folder, not https...) */
};

/* The only function of libvigie that uses the network. Fetches the index
 * (HTTPS only, redirects only to HTTPS, certificates checked, connect and
 * total timeouts, a size cap) and every STIX2 file it lists into
 * opts->dest (created 0700), each under a temporary name, checked to be a
 * STIX2 bundle, then renamed over the earlier copy: a failure never
 * replaces a file. Records each file's URL, download date and SHA-256 in
 * dest/.sources.json. Returns VG_OK when every entry was downloaded, else
 * the first error (every failure is in diag, and the others still run). */
int vg_download_iocs(const struct vg_download_opts *opts, struct vg_diag *diag,
                     struct vg_download_summary *sum) VG_MUST_CHECK;

/* $XDG_DATA_HOME/vigie/indicators (default ~/.local/share/vigie/indicators),
 * where download-iocs writes and every check looks. The caller frees *out.
 * VG_E_NOTFOUND when neither variable gives a folder. */
int vg_iocs_user_dir(char **out) VG_MUST_CHECK;

/* When the indicators in dir (NULL: the user folder) were last updated,
 * in Unix seconds: the newest download date in its .sources.json, else the
 * newest modification time of its *.stix2 and *.json files. VG_E_NOTFOUND
 * when it holds none. Compare with time(NULL) and VG_IOCS_MAX_AGE_DAYS. */
int vg_iocs_updated(const char *dir, int64_t *when) VG_MUST_CHECK;

/* ------------------------------------------------------------ report */

/* Writes results_dir/report.html, one self-contained page (no network, no
 * external file) built from the files of a results folder, vigie's or
 * MVT's: verdict, device, alerts with the events around each, the whole
 * timeline, coverage, warnings, indicator files. The folder must exist;
 * every file in it is optional. Written atomically; memory stays flat
 * whatever the size of timeline.csv; same folder, same bytes. */
int vg_report(const char *results_dir, struct vg_diag *diag) VG_MUST_CHECK;

/* ------------------------------------------------- encrypted backups */

/* The password key of an encrypted backup: what extract-key prints in hex
 * and what --key-file holds. With it the slow password derivation (real
 * phones ask for 10,000,000 PBKDF2 rounds) is skipped. */
#define VG_BACKUP_KEY_LEN 32

/* *encrypted: whether the backup at path (or the one backup below it) is
 * encrypted, from its Manifest.plist alone. */
int vg_ios_backup_encrypted(const char *path, struct vg_diag *diag, int *encrypted) VG_MUST_CHECK;

/* Derives the password key and checks it against the backup's keybag:
 * VG_E_PASSWORD when the password is wrong. */
int vg_ios_extract_key(const char *path, const char *password, struct vg_diag *diag,
                       unsigned char key[VG_BACKUP_KEY_LEN]) VG_MUST_CHECK;

struct vg_decrypt_progress {
    uint64_t bytes_done, bytes_total; /* plaintext, by the sizes the manifest records */
    size_t files_done, files_total;
};

struct vg_decrypt_opts {
    const char *target; /* the encrypted backup */
    /* Created if absent (mode 0700). It must be empty, or hold an
     * unfinished decryption of the same backup, which is completed. */
    const char *dest;
    const char *password; /* or key (VG_BACKUP_KEY_LEN bytes) */
    const unsigned char *key;
    size_t key_len;
    unsigned workers; /* 0: one per online CPU */
    /* Called from the calling thread a few times a second, and at the end. */
    void (*on_progress)(void *ud, const struct vg_decrypt_progress *p);
    void *ud;
};

struct vg_decrypt_summary {
    size_t files;   /* decrypted and written by this run */
    size_t resumed; /* already complete from an interrupted run */
    size_t missing; /* listed in Manifest.db but not in the folder (warnings) */
    size_t failed;  /* could not be decrypted (warnings naming each) */
    uint64_t bytes; /* plaintext bytes written */
};

/* Writes a decrypted copy of the backup to opts->dest: the same
 * <fileID[:2]>/<fileID> layout, Manifest.db in plaintext, Manifest.plist
 * with IsEncrypted false and without the keybag, the other root plists
 * copied. Every file is written under a temporary name and renamed once
 * whole. VG_E_INTERRUPTED after vg_interrupt(): run it again to finish. */
int vg_ios_decrypt_backup(const struct vg_decrypt_opts *opts, struct vg_diag *diag,
                          struct vg_decrypt_summary *sum) VG_MUST_CHECK;

/* For signal handlers (all async-signal-safe): vg_interrupt asks a running
 * decrypt-backup to stop cleanly; vg_cleanup_signal_safe removes the
 * private temporary files before the process ends. */
void vg_interrupt(void);
void vg_interrupt_clear(void);
void vg_cleanup_signal_safe(void);

/* Removes the private temporary folders that earlier runs of this user
 * left behind when they were killed (they may hold decrypted data), each
 * reported in diag. Returns how many. */
size_t vg_cleanup_stale(struct vg_diag *diag);

/* Wipes memory that held a password or key (not optimised away). */
void vg_secure_wipe(void *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif
