/*
 * getprop output, as androidqf saves it (getprop.txt) and as a bugreport
 * holds it (the "SYSTEM PROPERTIES" section): one "[name]: [value]" line
 * per property. Grammar and the differences from MVT's reading are in
 * docs/formats/androidqf.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_GETPROP_H
#define VG_FORMATS_ANDROID_GETPROP_H

#include "formats/android/aqf.h"

/* Delivers {"name": str, "value": str} per property, in file order (MVT's
 * AQFGetProp / DumpsysGetProp records). A value spanning lines is one
 * record with the lines joined by "\n". VG_OK (problems are warnings),
 * VG_E_NOMEM, or what the record callback returned. */
int vg_getprop_parse(const void *text, size_t len, struct vg_aqf_sink *s) VG_MUST_CHECK;

/* ---- what AQFGetProp checks ---- */

/* 1 for the properties MVT logs when checking (INTERESTING_PROPERTIES). */
int vg_getprop_interesting(const char *name);

#define VG_GETPROP_PATCH_PROP "ro.build.version.security_patch"
/* MVT's MEDIUM alert text, with the value as %s. */
#define VG_GETPROP_PATCH_MSG                                                                       \
    "This phone has not received security updates for more than six months (last update: %s)."
/* Whether a security patch level (MVT: strptime "%Y-%m-%d") is more than
 * 186 days (six months of 31 days) before now. now: seconds since
 * 1970-01-01 of the local wall clock, as MVT's datetime.now(). *stale is
 * 1 or 0; VG_E_INVAL when value is no such date (MVT raises there). */
int vg_getprop_patch_stale(const char *value, int64_t now, int *stale) VG_MUST_CHECK;

#endif
