/*
 * Android backups (`adb backup`, backup.ab) as a source: `vigie android
 * check-backup` on a .ab file, or on the folder abe or MVT unpack its tar
 * into (apps/<package>/...). Modules name members of the tar with
 * VG_LOC_ANDROID_BACKUP locators ("apps/com.android.providers.telephony/
 * d_f/ *_sms_backup").
 *
 * A .ab file is read once, in prepare(): the stream is decrypted (when the
 * backup is encrypted) and inflated as it goes (formats/android/ab_stream.h)
 * and the tar walked, keeping only the members the prepared locators name.
 * Kept members stay in memory up to VG_AB_KEEP_MEM bytes each and
 * VG_AB_KEEP_MEM_TOTAL together; a larger one goes to the private temp
 * folder (util/tmp.h: tmpfs when there is one, mode 0600, overwritten when
 * removed) since it is decrypted data. Nothing else decrypted is written
 * anywhere, and memory stays flat however large the backup.
 *
 * The password is asked (vg_source_opts.ask_password) only when the header
 * says the backup is encrypted. A wrong password is VG_E_PASSWORD, told
 * apart from a damaged key blob (VG_E_CORRUPT): docs/formats/android-backup.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_ANDROID_BACKUP_H
#define VG_SOURCES_ANDROID_BACKUP_H

#include "formats/android/ab.h"
#include "scan/source.h"

/* The source of `vigie android check-backup`: path is a .ab file, a folder
 * holding the unpacked tar (its root found by an "apps" folder at the top
 * or one or two folders down), or that tar itself. VG_E_NOTFOUND when it
 * is none of these; the errors of vg_ab_src_new for a .ab. */
int vg_src_android_backup_open(const char *path, const struct vg_source_opts *o,
                               struct vg_diag *diag, struct vg_source **out) VG_MUST_CHECK;

/* ---- a .ab inside another acquisition ----
 *
 * AndroidQF's backup.ab, as a nested acquisition (sources/list.h
 * VG_SOURCE_NESTS): the outer source's nested() op finds the backup's
 * bytes and hands them over here with the vg_source_opts it was opened
 * with (kept: the password, or the ask_password callback). Nothing is read
 * until prepare(), and then only when a locator of kind
 * VG_LOC_ANDROID_BACKUP is among those given: a check that runs no backup
 * module never asks for a password. A backup that cannot be opened
 * (damaged header, encrypted without a password, wrong password) is a
 * warning naming it, and prepare() returns the error: the scan marks the
 * check INCOMPLETE and goes on with the outer acquisition. */
int vg_src_android_backup_nested(const struct vg_source *outer, struct vg_io *io,
                                 const char *logical, const struct vg_source_opts *o,
                                 struct vg_source **out) VG_MUST_CHECK;

/* ---- the .ab reader on its own ----
 *
 * vg_ab_src_* below: the reader the two sources above are made of.
 * VG_E_PASSWORD means a wrong password, VG_E_CORRUPT or VG_E_TRUNCATED a
 * damaged backup, VG_E_UNSUPPORTED not a backup at all.
 */
struct vg_ab_src;

/* Reads the header of the backup in io (taken: freed with the object, or
 * on failure); when it is encrypted, unlocks it with opts->password, else
 * the password opts->ask_password gives. display names the backup in
 * messages. Every failure is an error in diag naming display. */
int vg_ab_src_new(struct vg_io *io, const char *display, const struct vg_source_opts *opts,
                  struct vg_diag *diag, struct vg_ab_src **out) VG_MUST_CHECK;
void vg_ab_src_free(struct vg_ab_src *b);

const struct vg_ab_header *vg_ab_src_header(const struct vg_ab_src *b);

/* The one pass over the tar, keeping the members that the locators of
 * kind VG_LOC_ANDROID_BACKUP name (none: nothing is read). VG_OK when the
 * backup was read to its end; otherwise the error that stopped it (in
 * diag), and the members kept before it are still served. A second call
 * does nothing. */
int vg_ab_src_prepare(struct vg_ab_src *b, const struct vg_loc *const *locs, size_t n,
                      struct vg_diag *diag) VG_MUST_CHECK;
/* The kept members loc names (VG_E_NOTFOUND for another kind), sorted by
 * name then tar order; f->path and f->display are the member's name. */
int vg_ab_src_find(struct vg_ab_src *b, const struct vg_loc *loc,
                   int (*cb)(void *ud, const struct vg_file *f), void *ud,
                   struct vg_diag *diag) VG_MUST_CHECK;
int vg_ab_src_open(struct vg_ab_src *b, const struct vg_file *f, struct vg_io **out,
                   struct vg_diag *diag) VG_MUST_CHECK;

#endif
