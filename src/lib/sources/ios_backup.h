/*
 * The iTunes/Finder backup container: picks the backup folder, reads its
 * plists and Manifest.db, and opens backed-up files by their manifest
 * entry, decrypted when the backup is encrypted. The source
 * (sources/ios_backup.c) and the tools (decrypt-backup, extract-key) stand
 * on it.
 *
 * Every file is opened inside the backup folder without following links
 * (io/file.h): a link, FIFO or device where a file belongs is refused with
 * a warning naming it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_IOS_BACKUP_H
#define VG_SOURCES_IOS_BACKUP_H

#include <plist/plist.h>

#include "formats/apple/manifest.h"
#include "io/file.h"
#include "scan/source.h"
#include "sources/ios_backup_enc.h"

struct vg_backup;

/* The folder at path (or the one backup one level below it), its plists
 * and, when opts is not NULL, the unlocked keys of an encrypted backup
 * (asking opts->ask_password when needed). No Manifest.db yet. Errors are
 * reported in diag: VG_E_NOTFOUND when path is not a backup. */
int vg_backup_open_keys(const char *path, const struct vg_source_opts *opts, struct vg_diag *diag,
                        struct vg_backup **out) VG_MUST_CHECK;
/* Reads Manifest.db (decrypted when needed). */
int vg_backup_load_manifest(struct vg_backup *b) VG_MUST_CHECK;
void vg_backup_free(struct vg_backup *b);

const char *vg_backup_dir(const struct vg_backup *b);
const struct vg_root *vg_backup_root(const struct vg_backup *b);
/* NULL when the file was absent or unreadable (a warning was given). */
plist_t vg_backup_info_plist(const struct vg_backup *b);
plist_t vg_backup_manifest_plist(const struct vg_backup *b);
const struct vg_manifest *vg_backup_manifest(const struct vg_backup *b);
int vg_backup_is_encrypted(const struct vg_backup *b);
/* NULL unless the backup is encrypted and unlocked. */
const struct vg_enc *vg_backup_enc(const struct vg_backup *b);

/* A file of the backup folder itself ("Info.plist"), at most max bytes,
 * never through a link: VG_E_NOTFOUND when absent, VG_E_NOTFILE when not
 * a regular file, VG_E_LIMIT when larger. free() *data. */
int vg_backup_read_root(const struct vg_backup *b, const char *name, size_t max,
                        unsigned char **data, size_t *len) VG_MUST_CHECK;
/* "<id[:2]>/<id>" for a file id of 40 hex digits; VG_E_INVAL otherwise. */
int vg_backup_id_path(const char *file_id, char path[44]) VG_MUST_CHECK;
/* The stored bytes of file id (ciphertext when encrypted). */
int vg_backup_open_stored(const struct vg_backup *b, const char *file_id, struct vg_io **out,
                          struct vg_stat *st) VG_MUST_CHECK;
/* The content of entry e: decrypted when the backup is encrypted (and the
 * size the manifest records checked against the file's real size). */
int vg_backup_open_entry(const struct vg_backup *b, const struct vg_manifest_entry *e,
                         const char *display, struct vg_diag *diag,
                         struct vg_io **out) VG_MUST_CHECK;

/* The source over a backup (sources/list.h). */
int vg_src_ios_backup_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                           struct vg_source **out) VG_MUST_CHECK;

#endif
