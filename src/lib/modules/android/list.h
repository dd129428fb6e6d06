/*
 * The Android modules, in run order. One row per module: X(stem) names
 * `vg_mod_<stem>`, defined in <stem>.c. Adding a module: the file and one
 * row here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_ANDROID_LIST_H
#define VG_MODULES_ANDROID_LIST_H

/* Bugreports, in MVT's order (BUGREPORT_MODULES). The dumpsys modules read
 * VG_LOC_DUMPSYS, so they also run on AndroidQF's dumpsys.txt. */
#define VG_ANDROID_BUGREPORT_MODULES(X)                                                            \
    X(dumpsys_accessibility)                                                                       \
    X(dumpsys_activities)                                                                          \
    X(dumpsys_appops)                                                                              \
    X(dumpsys_battery_daily)                                                                       \
    X(dumpsys_battery_history)                                                                     \
    X(dumpsys_dbinfo)                                                                              \
    X(dumpsys_getprop)                                                                             \
    X(dumpsys_packages)                                                                            \
    X(dumpsys_platform_compat)                                                                     \
    X(dumpsys_receivers)                                                                           \
    X(dumpsys_adb_state)                                                                           \
    X(bugreport_timestamps)                                                                        \
    X(tombstones)

/* AndroidQF's own modules come first (MVT runs the backup's and the
 * intrusion logs' after them); then the backup's modules (check-backup,
 * and backup.ab in check-androidqf); then the intrusion logs' in MVT's
 * order (check-intrusion-logs). The bugreport's modules come after
 * AndroidQF's, as the bugreport.zip inside an AndroidQF acquisition is
 * checked after it. Filesystem dumps' modules (check-fs) come last. */
#define VG_ANDROID_MODULES(X)                                                                      \
    X(aqf_packages)                                                                                \
    X(aqf_processes)                                                                               \
    X(aqf_getprop)                                                                                 \
    X(aqf_settings)                                                                                \
    X(aqf_files)                                                                                   \
    X(aqf_log_timestamps)                                                                          \
    X(root_binaries)                                                                               \
    X(mounts)                                                                                      \
    X(aqf_components)                                                                              \
    VG_ANDROID_BUGREPORT_MODULES(X)                                                                \
    X(backup_sms)                                                                                  \
    X(il_dns_event)                                                                                \
    X(il_connect_event)                                                                            \
    X(il_security_event)                                                                           \
    X(fs_sms)                                                                                      \
    X(fs_chrome_history)

#endif
