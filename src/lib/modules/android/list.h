/*
 * The Android modules, in run order. One row per module: X(stem) names
 * `vg_mod_<stem>`, defined in <stem>.c. Adding a module: the file and one
 * row here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_ANDROID_LIST_H
#define VG_MODULES_ANDROID_LIST_H

/* AndroidQF acquisitions, in MVT's order (ANDROIDQF_MODULES), then vigie's own */
#define VG_ANDROID_MODULES(X)                                                                      \
    X(aqf_packages)                                                                                \
    X(aqf_processes)                                                                               \
    X(aqf_getprop)                                                                                 \
    X(aqf_settings)                                                                                \
    X(aqf_files)                                                                                   \
    X(aqf_log_timestamps)                                                                          \
    X(root_binaries)                                                                               \
    X(mounts)                                                                                      \
    X(aqf_components)

#endif
