/*
 * The tables and tests MVT's AndroidQF modules check records against
 * (mvt/android/utils.py and the modules' check_indicators), for the
 * modules built on these parsers. Every alert, its level and its text is
 * listed in docs/formats/androidqf.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_AQF_CHECKS_H
#define VG_FORMATS_ANDROID_AQF_CHECKS_H

#include <jansson.h>

/* ---- AQFPackages ---- */

/* 1 for packages of rooting tools (MVT's ROOT_PACKAGES): MEDIUM
 * VG_AQF_ROOT_PACKAGE_MSG, and MVT checks nothing more of the package. */
int vg_aqf_root_package(const char *name);
#define VG_AQF_ROOT_PACKAGE_MSG "Found an installed package related to rooting/jailbreaking: \"%s\""

/* How a package record was installed, tested in MVT's order. */
enum vg_aqf_install {
    VG_AQF_INSTALL_OTHER = 0,  /* no alert */
    VG_AQF_INSTALL_STORE,      /* a third-party store: INFO */
    VG_AQF_INSTALL_BROWSER,    /* a browser's package installer: MEDIUM */
    VG_AQF_INSTALL_NONE,       /* installer "null", "system" false: MEDIUM */
    VG_AQF_INSTALL_PLAY_STORE, /* no alert */
};
/* From the record's "installer" (a string) and "system" (JSON false, not
 * missing, for VG_AQF_INSTALL_NONE). */
enum vg_aqf_install vg_aqf_package_install(const json_t *pkg);
/* The same from the two values: installer (NULL when not a string) and
 * whether "system" is false (the JSON false, not missing). */
enum vg_aqf_install vg_aqf_install_kind(const char *installer, int system_false);
/* The messages, with installer then name (STORE, BROWSER) or name (NONE). */
#define VG_AQF_STORE_MSG                                                                           \
    "Found a package installed via a third party store (installer=\"%s\"): \"%s\""
#define VG_AQF_BROWSER_MSG "Found a package installed via a browser (installer=\"%s\"): \"%s\""
#define VG_AQF_NONE_MSG    "Found a non-system package installed via adb or another method: \"%s\""

/* Packages whose being disabled ("disabled" true) is a MEDIUM alert: a
 * security package (VG_AQF_SECURITY_MSG) or a system update package
 * (VG_AQF_UPDATE_MSG), each with the name. */
int vg_aqf_security_package(const char *name);
int vg_aqf_update_package(const char *name);
#define VG_AQF_SECURITY_MSG "Security package \"%s\" disabled on the phone"
#define VG_AQF_UPDATE_MSG   "System OTA update package \"%s\" disabled on the phone"

/* The certificate hash fields MVT checks, in its order ("Md5", "Sha1",
 * "Sha256"), NULL-terminated. */
extern const char *const vg_aqf_cert_hash_keys[];

/* ---- AQFFiles ---- */

/* MVT's only suspicious folder, and the collector androidqf leaves there
 * (never alerted on). */
#define VG_AQF_SUSPICIOUS_DIR "/data/local/tmp/"
#define VG_AQF_COLLECTOR_PATH "/data/local/tmp/collector"
/* 1 when path is under VG_AQF_SUSPICIOUS_DIR and not the collector. */
int vg_aqf_file_suspicious(const char *path);
/* MVT calls a file executable when its mode string holds an 'x'. */
int vg_aqf_mode_executable(const char *mode);
/* HIGH: "executable " or "", then the path. */
#define VG_AQF_FILE_MSG "Found %sfile at suspicious path \"%s\""

#endif
