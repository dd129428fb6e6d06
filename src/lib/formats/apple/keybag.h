/*
 * The backup keybag (Manifest.plist BackupKeyBag): a TLV list holding the
 * password derivation parameters and the wrapped protection-class keys.
 * Written by hand: no Debian library reads it. See docs/formats/keybag.md.
 *
 * Flow: vg_keybag_parse, then vg_keybag_derive (the slow password step, or
 * skip it with a saved key), then vg_keybag_unlock (unwraps every class
 * key), then vg_keybag_unwrap for each wrapped Manifest.db or file key.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_KEYBAG_H
#define VG_FORMATS_KEYBAG_H

#include "util/vg.h"

#define VG_KEYBAG_KEY_LEN  32u /* password key, class keys, file keys */
#define VG_KEYBAG_SALT_MAX 64u /* iOS: 20 bytes */

/* WRAP flags of a class key: what it is wrapped with. */
#define VG_KEYBAG_WRAP_DEVICE   1u /* the device UID key: never off the phone */
#define VG_KEYBAG_WRAP_PASSCODE 2u /* the key derived from the backup password */

struct vg_keybag_class {
    uint32_t clas; /* protection class, 1..11 on iOS */
    uint32_t wrap; /* VG_KEYBAG_WRAP_* */
    uint32_t ktyp; /* 0 AES, 1 Curve25519 (class 2); unwrapped alike in backups */
    unsigned char wpky[40];
    int unlocked;
    unsigned char key[VG_KEYBAG_KEY_LEN];
};

struct vg_keybag {
    uint32_t vers;
    uint32_t type; /* 1: backup (low 30 bits) */
    uint32_t iter; /* PBKDF2-SHA1 rounds over SALT */
    unsigned char salt[VG_KEYBAG_SALT_MAX];
    size_t salt_len;
    /* iOS 10.2 and later: PBKDF2-SHA256 over DPSL first (has_dp) */
    int has_dp;
    uint32_t dpic;
    unsigned char dpsl[VG_KEYBAG_SALT_MAX];
    size_t dpsl_len;
    struct vg_keybag_class cls[VG_MAX_KEYBAG_CLASSES];
    size_t n_cls;
};

/* Parses data (the BackupKeyBag bytes). Every problem is an error naming
 * display, the tag and its offset; *out is set only on success. */
int vg_keybag_parse(const unsigned char *data, size_t len, const char *display,
                    struct vg_diag *diag, struct vg_keybag **out) VG_MUST_CHECK;
/* Wipes every key, then frees. NULL is a no-op. */
void vg_keybag_free(struct vg_keybag *kb);

/* The password key: PBKDF2-HMAC-SHA256(password, DPSL, DPIC) then
 * PBKDF2-HMAC-SHA1(that, SALT, ITER) when the keybag has DPSL/DPIC (iOS 10.2
 * and later), else PBKDF2-HMAC-SHA1(password, SALT, ITER). Slow by design:
 * real keybags ask for 10,000,000 SHA-256 rounds. */
int vg_keybag_derive(const struct vg_keybag *kb, const char *password, size_t password_len,
                     unsigned char key[VG_KEYBAG_KEY_LEN]) VG_MUST_CHECK;

/* PBKDF2-HMAC-SHA256 (sha256 != 0) or -SHA1, out_len bytes: the two steps
 * above, on their own for the known-answer tests. */
int vg_pbkdf2(int sha256, const void *pass, size_t pass_len, const unsigned char *salt,
              size_t salt_len, uint32_t iter, unsigned char *out, size_t out_len) VG_MUST_CHECK;

/* Unwraps the class keys with the password key. VG_E_PASSWORD when none
 * unwraps (the wrong password or key); a class key that alone fails to
 * unwrap is a warning naming it, and files of that class stay unreadable. */
int vg_keybag_unlock(struct vg_keybag *kb, const unsigned char key[VG_KEYBAG_KEY_LEN],
                     const char *display, struct vg_diag *diag) VG_MUST_CHECK;

/* A wrapped key as backups store it (ManifestKey, MBFile EncryptionKey):
 * 4-byte little-endian protection class, then 40 bytes wrapped with that
 * class's key. VG_E_CORRUPT for a bad length, VG_E_NOTFOUND for a class the
 * keybag has not unlocked, VG_E_CRYPTO when the unwrap check fails. */
int vg_keybag_unwrap(const struct vg_keybag *kb, const unsigned char *blob, size_t len,
                     unsigned char key[VG_KEYBAG_KEY_LEN]) VG_MUST_CHECK;

#endif
