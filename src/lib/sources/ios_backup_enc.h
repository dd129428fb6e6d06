/*
 * The encrypted side of the backup container (sources/ios_backup.c): the
 * unlocked keys, and every backed-up file as a view of its plaintext,
 * decrypted block by block as it is read (io/cbc.h). Nothing decrypted is
 * written anywhere, and no file is decrypted whole into memory: SQLite
 * reads a database page by page through that view (formats/sqlite.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_ENCRYPTED_H
#define VG_IOS_ENCRYPTED_H

#include <plist/plist.h>
#include <sqlite3.h>

#include "formats/apple/keybag.h"
#include "formats/apple/manifest.h"
#include "io/cbc.h"

struct vg_enc;

/* Unlocks the keybag in manifest_plist (BackupKeyBag) with opts->key (the
 * 32-byte password key) or opts->password, else the password
 * opts->ask_password gives for what. VG_E_PASSWORD when it does not open
 * it; keybag damage is an error naming the tag and offset. */
int vg_enc_unlock(plist_t manifest_plist, const struct vg_source_opts *opts, const char *what,
                  struct vg_diag *diag, struct vg_enc **out) VG_MUST_CHECK;
/* Wipes every key, then frees. NULL is a no-op. */
void vg_enc_free(struct vg_enc *k);
/* The password key (VG_KEYBAG_KEY_LEN bytes): what extract-key prints. */
const unsigned char *vg_enc_password_key(const struct vg_enc *k);

/* A view of entry e's plaintext over its ciphertext (taken), decrypted
 * block by block as it is read (io/cbc.h). The size the manifest records
 * is trusted only as far as the ciphertext holds it; a short copy is a
 * warning naming display. */
int vg_enc_open(const struct vg_enc *k, const struct vg_manifest_entry *e, struct vg_io *cipher,
                const char *display, struct vg_diag *diag, struct vg_io **out) VG_MUST_CHECK;
/* Manifest.db's plaintext view (ManifestKey). VG_E_CRYPTO, with a
 * warning, when it does not decrypt to a SQLite database. */
int vg_enc_open_manifest_db(const struct vg_enc *k, struct vg_io *cipher, struct vg_diag *diag,
                            struct vg_io **out) VG_MUST_CHECK;

/* Streams entry e's plaintext to sink in pieces (sink returns VG_OK to go
 * on), from its ciphertext (borrowed). Safe to call from several threads
 * at once: it reports nothing itself; on failure *why says what went wrong
 * in words. info (may be NULL) tells of short copies. */
int vg_enc_decrypt(const struct vg_enc *k, const struct vg_manifest_entry *e, struct vg_io *cipher,
                   int (*sink)(void *ud, const unsigned char *p, size_t n), void *ud,
                   struct vg_cbc_info *info, const char **why) VG_MUST_CHECK;

#endif
