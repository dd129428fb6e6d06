/*
 * The iTunes/Finder backup container: picks the backup folder, reads its
 * plists and Manifest.db, and serves files to modules by domain and path.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_BACKUP_H
#define VG_IOS_BACKUP_H

#include <plist/plist.h>

#include "formats/apple/manifest.h"
#include "scan/source.h"

struct vg_backup;

/* Opens the backup at path, or the one backup one level below it. On
 * success *out is a source whose ->backup is set. Errors are reported in
 * diag: VG_E_NOTFOUND when path is not a backup. */
int vg_backup_open(const char *path, const struct vg_scan_opts *opts, struct vg_diag *diag,
                   struct vg_source **out) VG_MUST_CHECK;
void vg_source_free(struct vg_source *src);

const char *vg_backup_dir(const struct vg_backup *b);
/* NULL when the file was absent or unreadable (a warning was given). */
plist_t vg_backup_info_plist(const struct vg_backup *b);
plist_t vg_backup_manifest_plist(const struct vg_backup *b);
plist_t vg_backup_status_plist(const struct vg_backup *b);
const struct vg_manifest *vg_backup_manifest(const struct vg_backup *b);
int vg_backup_is_encrypted(const struct vg_backup *b);

/* A whole regular file of at most max bytes: VG_E_NOTFOUND when absent,
 * VG_E_LIMIT when larger, VG_E_IO otherwise. free() *data. */
int vg_backup_read_whole(const char *path, size_t max, unsigned char **data,
                         size_t *len) VG_MUST_CHECK;

/* Where a file id lives: <dir>/<id[:2]>/<id>. Caller frees. */
char *vg_backup_file_path(const struct vg_backup *b, const char *file_id);

/* Encrypted backups (ios/encrypted.h). vg_backup_open unlocks them with
 * opts->password or opts->key; these serve extract-key and decrypt-backup. */
struct vg_enc;
/* The folder, its plists and, unless opts is NULL, the unlocked keys; no
 * Manifest.db. Free with vg_backup_free. */
int vg_backup_open_keys(const char *path, const struct vg_scan_opts *opts, struct vg_diag *diag,
                        struct vg_backup **out) VG_MUST_CHECK;
void vg_backup_free(struct vg_backup *b);
/* NULL unless the backup is encrypted and unlocked. */
const struct vg_enc *vg_backup_enc(const struct vg_backup *b);

#endif
