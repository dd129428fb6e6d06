/*
 * Android settings as androidqf saves them: settings_system.txt,
 * settings_secure.txt and settings_global.txt, the output of
 * "cmd settings list NAMESPACE", one "key=value" per line (see
 * docs/formats/androidqf.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_SETTINGS_H
#define VG_FORMATS_ANDROID_SETTINGS_H

#include "formats/android/aqf.h"
#include "util/text.h"

/* Delivers {"namespace": ns, "key": str, "value": str} per setting, in file
 * order. MVT keeps one object per namespace, {key: value} (a later key
 * replacing an earlier one's value in place); folding these records into
 * it gives MVT's aqf_settings record exactly. Lines are stripped as MVT
 * does, then cut at the first '='; lines without one are counted in a
 * warning. VG_OK, VG_E_NOMEM, or what the record callback returned. */
int vg_settings_parse(const void *text, size_t len, const char *ns,
                      struct vg_aqf_sink *s) VG_MUST_CHECK;

/* The namespace MVT takes from a settings file's path: what lies between
 * the last '_' and the last four characters (".txt"); may be empty. */
struct vg_str vg_settings_namespace(const char *path);

/* ---- what AQFSettings checks ---- */

/* A setting whose value other than safe_value weakens the phone (MVT's
 * ANDROID_DANGEROUS_SETTINGS). */
struct vg_setting_danger {
    const char *key;
    const char *safe_value;
    const char *description;
};

/* The first rule for key when value is not its safe value, else NULL. The
 * alert is MEDIUM, VG_SETTINGS_MSG with namespace, key, value, description,
 * its event {"namespace","key","value","description"}. */
const struct vg_setting_danger *vg_settings_danger(const char *key, const char *value);
#define VG_SETTINGS_MSG "Found suspicious \"%s\" setting \"%s = %s\" (%s)"

#endif
