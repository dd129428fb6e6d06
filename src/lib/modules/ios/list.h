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
    X(sysdiagnose_info)                                                                            \
    X(calls)                                                                                       \
    X(contacts)                                                                                    \
    X(idstatuscache)                                                                               \
    X(interactionc)                                                                                \
    X(osanalytics_addaily)                                                                         \
    X(shutdownlog)                                                                                 \
    X(processes)                                                                                   \
    X(crash_logs)                                                                                  \
    X(mobile_installation)                                                                         \
    X(sms)                                                                                         \
    X(sms_attachments)                                                                             \
    X(whatsapp)                                                                                    \
    X(whatsapp_contacts)

#endif
