/*
 * Time zones by name ("Europe/Rome"), for writing a device's times as its
 * own wall clock (MVT writes AndroidQF's file times so). Read from the
 * system's time zone database (TZif files, RFC 8536: $TZDIR, else
 * /usr/share/zoneinfo), with the POSIX TZ rule of a TZif file's footer for
 * times after its last transition. Written by hand because libc has only
 * the process-wide TZ (setenv + tzset, unsafe while other threads read
 * times) and no kept library does this; the layout and rules are in
 * docs/formats/tzif.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_TZ_H
#define VG_UTIL_TZ_H

#include "util/vg.h"

struct vg_tz;

/* The zone named name from the system's database. VG_E_INVAL for a name
 * that cannot be a zone name (empty, absolute, a ".." component, bytes
 * other than letters, digits and "/._+-", longer than VG_MAX_TZ_NAME),
 * VG_E_NOTFOUND when the database has no such zone, VG_E_CORRUPT when the
 * file is no TZif file. */
int vg_tz_load(const char *name, struct vg_tz **out) VG_MUST_CHECK;
/* A zone from the bytes of a TZif file (versions 1 to 4). */
int vg_tz_parse(const void *data, size_t len, struct vg_tz **out) VG_MUST_CHECK;
void vg_tz_free(struct vg_tz *z);

/* The zone's offset from UTC at the instant utc (Unix seconds): local time
 * is utc + offset. */
int64_t vg_tz_offset(const struct vg_tz *z, int64_t utc);

/* A POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"), as a TZif footer holds
 * it: VG_OK and the offset at utc, VG_E_INVAL when it is none this reader
 * takes. For tests and the footer. */
int vg_tz_posix_offset(const char *rule, size_t len, int64_t utc, int64_t *offset) VG_MUST_CHECK;

#endif
