/*
 * The iOS modules, in run order (MVT's, so consoles and results read
 * alike). One row per module: X(stem) names `vg_mod_<stem>`, defined in
 * <stem>.c. Adding a module: the file and one row here. The modules only
 * filesystem dumps hold come first, as MVT's check-fs runs its FS_MODULES
 * before the mixed ones.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_IOS_LIST_H
#define VG_MODULES_IOS_LIST_H

#define VG_IOS_MODULES(X)                                                                          \
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
    X(calls)                                                                                       \
    X(contacts)                                                                                    \
    X(idstatuscache)                                                                               \
    X(interactionc)                                                                                \
    X(osanalytics_addaily)                                                                         \
    X(sms)                                                                                         \
    X(sms_attachments)                                                                             \
    X(whatsapp)                                                                                    \
    X(whatsapp_contacts)

#endif
