/*
 * The newest iOS release this build of vigie knows of, and how to compare
 * versions with it: a phone on an older one misses security fixes (worth a
 * warning, not an alert). Kept in step with BackupInfo's copy.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_VERSION_H
#define VG_IOS_VERSION_H

#define VG_IOS_LATEST_VERSION "26.6.1"

/* Compares dotted versions numerically ("14.3" < "14.10"); 0 for equal or
 * for anything that is not a plain version (no guess). */
int vg_ios_version_cmp(const char *a, const char *b);

#endif
