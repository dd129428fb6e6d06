/*
 * Modules of Android backups (`adb backup` .ab files, the folder their tar
 * was unpacked into, or the backup.ab inside an AndroidQF acquisition):
 * what they share.
 *
 * A module of an app's backup declares VG_LOC_ANDROID_BACKUP locators
 * naming members of the tar ("apps/<package>/<token>/<path>": the tokens
 * are in docs/formats/android-backup.md, "d_f" the device-encrypted files,
 * "db" the databases...), one locator per pattern, in the order MVT reads
 * them. The source decrypts and inflates the backup once and keeps exactly
 * what those locators name; the module reads each member with
 * vg_ab_each_member and emits records. Adding one: its file here, its row
 * in list.h (in MVT's order), its stem in meson.build.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_ANDROID_BACKUP_H
#define VG_MODULES_ANDROID_BACKUP_H

#include "scan/checks.h"
#include "scan/module.h"

/* For every member the module's locators find, in locator order then by
 * name: its bytes in memory (at most max; decrypted data, wiped after fn)
 * and fn. A member that cannot be read is a warning and UNREADABLE
 * coverage naming it; the others still run. fn returns VG_OK to go on, or
 * an error that stops the module (VG_E_NOMEM). */
int vg_ab_each_member(struct vg_run *run, size_t max,
                      int (*fn)(struct vg_run *run, const struct vg_file *f,
                                const unsigned char *data, size_t len, void *ud),
                      void *ud) VG_MUST_CHECK;

#endif
