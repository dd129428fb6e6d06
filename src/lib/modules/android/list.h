/*
 * The Android modules, in run order. One row per module: X(stem) names
 * `vg_mod_<stem>`, defined in <stem>.c. Adding a module: the file and one
 * row here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_ANDROID_LIST_H
#define VG_MODULES_ANDROID_LIST_H

/* AndroidQF's own modules come first (MVT runs the backup's and the
 * intrusion logs' after them); then the backup's modules (check-backup,
 * and backup.ab in check-androidqf); then the intrusion logs' in MVT's
 * order (check-intrusion-logs). */
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
    X(backup_sms)                                                                                  \
    X(il_dns_event)                                                                                \
    X(il_connect_event)                                                                            \
    X(il_security_event)

#endif
