/*
 * The iOS module table. Adding a module: one file defining
 * `const struct vg_module vg_mod_<name>`, one line here, one row in
 * modules.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_MODULES_H
#define VG_IOS_MODULES_H

#include "scan/module.h"

/* Modules for backups (backup-only first, then mixed), in run order. */
const struct vg_module *const *vg_ios_modules(size_t *n);

extern const struct vg_module vg_mod_backup_info;
extern const struct vg_module vg_mod_manifest;
extern const struct vg_module vg_mod_datausage;
extern const struct vg_module vg_mod_safari_history;
extern const struct vg_module vg_mod_tcc;
extern const struct vg_module vg_mod_calendar;
extern const struct vg_module vg_mod_global_preferences;
extern const struct vg_module vg_mod_safari_browserstate;
extern const struct vg_module vg_mod_sms;
extern const struct vg_module vg_mod_sms_attachments;
extern const struct vg_module vg_mod_webkit_resource_load_statistics;
extern const struct vg_module vg_mod_webkit_session_resource_log;
extern const struct vg_module vg_mod_configuration_profiles;
extern const struct vg_module vg_mod_profile_events;
extern const struct vg_module vg_mod_crash_reporter;
extern const struct vg_module vg_mod_idstatuscache;
extern const struct vg_module vg_mod_shortcuts;
extern const struct vg_module vg_mod_locationd;
extern const struct vg_module vg_mod_osanalytics_addaily;
extern const struct vg_module vg_mod_applications;
extern const struct vg_module vg_mod_calls;
extern const struct vg_module vg_mod_chrome_favicon;
extern const struct vg_module vg_mod_chrome_history;
extern const struct vg_module vg_mod_contacts;
extern const struct vg_module vg_mod_firefox_favicon;
extern const struct vg_module vg_mod_firefox_history;
extern const struct vg_module vg_mod_interactionc;
extern const struct vg_module vg_mod_whatsapp;
extern const struct vg_module vg_mod_whatsapp_contacts;

#endif
