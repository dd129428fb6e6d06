/*
 * The iOS modules, in run order (MVT's, so consoles and results read
 * alike). One row per module: X(stem) names `vg_mod_<stem>`, defined in
 * <stem>.c. Adding a module: the file and one row here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_IOS_LIST_H
#define VG_MODULES_IOS_LIST_H

#define VG_IOS_MODULES(X)                                                                          \
    X(backup_info)                                                                                 \
    X(configuration_profiles)                                                                      \
    X(manifest)                                                                                    \
    X(profile_events)                                                                              \
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
