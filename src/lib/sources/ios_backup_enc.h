/*
 * The encrypted side of the backup container (src/lib/ios/backup.c): the
 * unlocked keys, and every read of a backed-up file decrypted in memory.
 * Nothing decrypted is written anywhere: files are decrypted into heap
 * buffers that are wiped when freed, databases are opened from memory
 * (sqlite3_deserialize) with their -wal applied in memory (formats/wal.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_ENCRYPTED_H
#define VG_IOS_ENCRYPTED_H

#include <plist/plist.h>
#include <sqlite3.h>

#include "formats/apple/backup_crypto.h"
#include "formats/apple/keybag.h"
#include "formats/apple/manifest.h"

struct vg_enc;

/* Unlocks the keybag in manifest_plist (BackupKeyBag) with opts->key (the
 * 32-byte password key) or opts->password. VG_E_PASSWORD when neither
 * opens it; keybag damage is an error naming the tag and offset. */
int vg_enc_unlock(plist_t manifest_plist, const struct vg_scan_opts *opts, struct vg_diag *diag,
                  struct vg_enc **out) VG_MUST_CHECK;
/* Wipes every key, then frees. NULL is a no-op. */
void vg_enc_free(struct vg_enc *k);
/* The password key (VG_KEYBAG_KEY_LEN bytes): what extract-key prints. */
const unsigned char *vg_enc_password_key(const struct vg_enc *k);

/* Manifest.db at path, decrypted with ManifestKey into memory and opened.
 * VG_E_CRYPTO (with a warning) when it does not decrypt. */
int vg_enc_open_manifest_db(const struct vg_enc *k, const char *path, struct vg_diag *diag,
                            sqlite3 **db) VG_MUST_CHECK;
/* The plaintext of Manifest.db (for decrypt-backup), as above. */
int vg_enc_read_manifest_db(const struct vg_enc *k, const char *path, struct vg_diag *diag,
                            unsigned char **data, size_t *len) VG_MUST_CHECK;

/* Streams the plaintext of entry e, stored at path, to sink in pieces of
 * at most VG_DECRYPT_CHUNK bytes (sink returns VG_OK to go on). Safe to call
 * from several threads at once: it reports nothing itself; on failure *why
 * says what went wrong in words. info (may be NULL) tells of short copies. */
int vg_enc_decrypt(const struct vg_enc *k, const struct vg_manifest_entry *e, const char *path,
                   int (*sink)(void *ud, const unsigned char *p, size_t n), void *ud,
                   struct vg_fdec_info *info, const char **why) VG_MUST_CHECK;

/* Whole-file forms for the modules. Problems are warnings naming display.
 * *data is wiped by vg_free_secret(*data, *len). */
int vg_enc_read(const struct vg_enc *k, const struct vg_manifest_entry *e, const char *path,
                const char *display, size_t max, struct vg_diag *diag, unsigned char **data,
                size_t *len) VG_MUST_CHECK;
/* A database, with its -wal (wal and wal_path may be NULL) applied. */
int vg_enc_open_sqlite(const struct vg_enc *k, const struct vg_manifest_entry *e, const char *path,
                       const struct vg_manifest_entry *wal, const char *wal_path,
                       const char *display, struct vg_diag *diag, sqlite3 **db) VG_MUST_CHECK;
/* SHA-256 of the plaintext: the same as the unencrypted backup's file. */
int vg_enc_sha256(const struct vg_enc *k, const struct vg_manifest_entry *e, const char *path,
                  char hex[65]) VG_MUST_CHECK;

#endif
