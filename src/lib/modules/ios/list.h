/*
 * The iOS modules, in run order (MVT's, so consoles and results read
 * alike). One row per module: X(stem) names `vg_mod_<stem>`, defined in
 * <stem>.c. Adding a module: the file and one row here. The modules only
 * backups hold, then those only filesystem dumps hold, come before the
 * mixed ones, as MVT's check-backup and check-fs run their BACKUP_MODULES
 * and FS_MODULES before MIXED_MODULES.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_IOS_LIST_H
#define VG_MODULES_IOS_LIST_H

#define VG_IOS_MODULES(X)                                                                          \
    X(sysdiagnose_info)                                                                            \
    X(backup_info)                                                                                 \
    X(configuration_profiles)                                                                      \
    X(manifest)                                                                                    \
    X(profile_events)                                                                              \
    X(cache_files)                                                                                 \
    X(filesystem)                                                                                  \
    X(netusage)                                                                                    \
    X(analytics)                                                                                   \
    X(analytics_ios_versions)                                                                      \
    X(safari_favicon)                                                                              \
    X(ios_version_history)                                                                         \
    X(webkit_indexeddb)                                                                            \
    X(webkit_local_storage)                                                                        \
    X(webkit_safari_view_service)                                                                  \
    X(crash_reporter)                                                                              \
    X(calls)                                                                                       \
    X(chrome_favicon)                                                                              \
    X(chrome_history)                                                                              \
    X(contacts)                                                                                    \
    X(firefox_favicon)                                                                             \
    X(firefox_history)                                                                             \
    X(idstatuscache)                                                                               \
    X(interactionc)                                                                                \
    X(locationd)                                                                                   \
    X(osanalytics_addaily)                                                                         \
    X(shutdownlog)                                                                                 \
    X(processes)                                                                                   \
    X(crash_logs)                                                                                  \
    X(mobile_installation)                                                                         \
    X(datausage)                                                                                   \
    X(safari_browserstate)                                                                         \
    X(safari_history)                                                                              \
    X(tcc)                                                                                         \
    X(sms)                                                                                         \
    X(sms_attachments)                                                                             \
    X(webkit_resource_load_statistics)                                                             \
    X(webkit_session_resource_log)                                                                 \
    X(whatsapp)                                                                                    \
    X(whatsapp_contacts)                                                                           \
    X(shortcuts)                                                                                   \
    X(applications)                                                                                \
    X(calendar)                                                                                    \
    X(global_preferences)

#endif
