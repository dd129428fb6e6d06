/*
 * Time zones by IANA name ("Europe/Paris"), for times written in the
 * device's local time as MVT writes them with --timezone (Python's
 * zoneinfo over the system's tz database). Read from the compiled zone
 * files (TZif, RFC 8536) of $TZDIR or /usr/share/zoneinfo: the transitions,
 * then the POSIX TZ rule of the footer for times past the last one.
 * Written by hand because the C library offers only the process-wide TZ
 * (not usable from a library, nor from two threads with different zones).
 * Layout and limits: docs/formats/tzif.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_TZ_H
#define VG_UTIL_TZ_H

#include "util/vg.h"

struct vg_tz;

/* The zone named name. VG_E_INVAL for a name that cannot be a zone name
 * (empty, absolute, a ".." part, a character other than letters, digits and
 * "/_+-"); VG_E_NOTFOUND when the database has no such zone; VG_E_CORRUPT
 * for a file that is not a valid TZif file. "UTC" is always known. */
int vg_tz_load(const char *name, struct vg_tz **out) VG_MUST_CHECK;
/* A zone from the bytes of a TZif file (name is what vg_tz_name says). */
int vg_tz_parse(const char *name, const unsigned char *p, size_t n,
                struct vg_tz **out) VG_MUST_CHECK;
void vg_tz_free(struct vg_tz *tz);
const char *vg_tz_name(const struct vg_tz *tz);

/* The zone's offset from UTC, in seconds, at Unix time t (local = t +
 * offset). */
int32_t vg_tz_offset(const struct vg_tz *tz, int64_t t);

#endif
