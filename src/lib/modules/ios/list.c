/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "modules/ios/list.h"

/* Run order follows MVT's, so consoles and results read alike. */
static const struct vg_module *const ios_modules[] = {
    &vg_mod_backup_info,
    &vg_mod_configuration_profiles,
    &vg_mod_manifest,
    &vg_mod_profile_events,
    &vg_mod_crash_reporter,
    &vg_mod_calls,
    &vg_mod_chrome_favicon,
    &vg_mod_chrome_history,
    &vg_mod_contacts,
    &vg_mod_firefox_favicon,
    &vg_mod_firefox_history,
    &vg_mod_idstatuscache,
    &vg_mod_interactionc,
    &vg_mod_locationd,
    &vg_mod_osanalytics_addaily,
    &vg_mod_datausage,
    &vg_mod_safari_browserstate,
    &vg_mod_safari_history,
    &vg_mod_tcc,
    &vg_mod_sms,
    &vg_mod_sms_attachments,
    &vg_mod_webkit_resource_load_statistics,
    &vg_mod_webkit_session_resource_log,
    &vg_mod_whatsapp,
    &vg_mod_whatsapp_contacts,
    &vg_mod_shortcuts,
    &vg_mod_applications,
    &vg_mod_calendar,
    &vg_mod_global_preferences,
};

const struct vg_module *const *vg_ios_modules(size_t *n)
{
    *n = VG_ARRAY_LEN(ios_modules);
    return ios_modules;
}
