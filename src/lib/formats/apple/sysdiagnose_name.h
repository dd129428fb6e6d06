/*
 * The name iOS gives a sysdiagnose archive and its one top folder:
 * "sysdiagnose_2024.03.02_09-15-41+0100_iPhone-OS_iPhone_21D61", which says
 * when it was taken (local time and UTC offset), the OS, the kind of device
 * and the build. Grammar and sources: docs/formats/sysdiagnose.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_APPLE_SYSDIAGNOSE_NAME_H
#define VG_FORMATS_APPLE_SYSDIAGNOSE_NAME_H

#include "util/vg.h"

#define VG_SYSDIAG_NAME_FIELD 64 /* bytes kept of os, device and build, NUL included */

struct vg_sysdiag_name {
    int64_t time;                       /* the moment it was taken, seconds since 1970 (UTC) */
    int tz_minutes;                     /* the phone's UTC offset then, e.g. +60 */
    char tz[6];                         /* as written: "+0100" */
    char os[VG_SYSDIAG_NAME_FIELD];     /* "iPhone OS" ('-' written for spaces), or "" */
    char device[VG_SYSDIAG_NAME_FIELD]; /* "iPhone", "iPad", or "" */
    char build[VG_SYSDIAG_NAME_FIELD];  /* "21D61", or "" */
};

/* Parses name (a file or folder name, with or without ".tar.gz", ".tgz",
 * ".tar", ".zip"; a leading path is ignored). VG_E_INVAL when it is not a
 * sysdiagnose name, or its date does not exist. The OS, device and build
 * parts are optional (older and renamed archives lack them); a part longer
 * than the field is VG_E_INVAL. */
int vg_sysdiag_name_parse(const char *name, struct vg_sysdiag_name *out) VG_MUST_CHECK;

#endif
