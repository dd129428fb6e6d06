/*
 * Mount tables: "mount" output ("DEV on MNT type FS (OPTS)") and
 * /proc/mounts ("DEV MNT FS OPTS 0 0"), as androidqf 1.8.0 on gathers both
 * into mounts.json (a JSON array of lines, read by vg_aqf_mounts_parse).
 * See docs/formats/androidqf.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_MOUNTS_H
#define VG_FORMATS_ANDROID_MOUNTS_H

#include "formats/android/aqf.h"

/* Delivers MVT's Mounts record per mount: {"device": str, "mount_point":
 * str, "filesystem_type": str, "mount_options": str, "options_list": [str],
 * "is_system_partition": bool, "is_read_write": bool}. The "on ... type"
 * lines are read as MVT reads them; when the text has none of them (the
 * mount command failed, or old toolbox printed /proc/mounts' form) the
 * /proc/mounts lines are read instead (MVT reads none). Lines in neither
 * form are counted in a warning. VG_OK, VG_E_NOMEM, or what the record
 * callback returned. */
int vg_mounts_parse(const void *text, size_t len, struct vg_aqf_sink *s) VG_MUST_CHECK;

/* ---- what Mounts checks ---- */

/* is_system_partition: the mount point starts with one of these. */
int vg_mounts_system_point(const char *mount_point);
/* Options MVT finds suspicious on a system partition (rw, remount,
 * noatime, nodiratime). */
int vg_mounts_suspicious_option(const char *opt);
/* Mount points where noatime is normal (MVT skips the MEDIUM alert there
 * when "noatime" is anywhere in mount_options). */
int vg_mounts_noatime_allowed(const char *mount_point);

/* HIGH, for a system partition mounted rw: the first for /system, the
 * second (with the mount point) for the others. */
#define VG_MOUNTS_MSG_SYSTEM_RW "Root detected /system partition is mounted as read-write (rw)"
#define VG_MOUNTS_MSG_RW                                                                           \
    "System partition %s is mounted as read-write (rw). This may indicate system modifications."
/* MEDIUM: mount point, then the suspicious options joined by ", ". */
#define VG_MOUNTS_MSG_OPTIONS "Suspicious mount options found for %s: %s"

#endif
