/*
 * Decrypting the files of an encrypted backup: AES-256-CBC with a zero IV
 * and PKCS#7 padding, under the file's own key (MBFile EncryptionKey, or
 * ManifestKey for Manifest.db), the plaintext cut to the Size the manifest
 * records. Streaming, so a file of any size is decrypted through a buffer
 * of fixed size.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_BACKUP_CRYPTO_H
#define VG_FORMATS_BACKUP_CRYPTO_H

#include "util/vg.h"

#define VG_FDEC_BLOCK 16u
/* update() writes at most in_len + VG_FDEC_SLACK bytes; final() at most
 * VG_FDEC_SLACK. */
#define VG_FDEC_SLACK 32u

/* What decryption found out about a file, for the diagnostics. */
struct vg_fdec_info {
    uint64_t plain_len; /* bytes delivered */
    uint64_t short_by;  /* Size recorded minus bytes there were (0: whole) */
    uint64_t tail;      /* ciphertext bytes after the last whole block, ignored */
    int padding;        /* 1 valid PKCS#7 removed, 0 not needed (cut to Size), -1 invalid */
};

struct vg_fdec {
    void *ctx;                         /* EVP_CIPHER_CTX */
    int64_t size;                      /* Size recorded, or -1 when unknown */
    uint64_t in;                       /* ciphertext bytes taken */
    uint64_t out;                      /* plaintext bytes delivered */
    unsigned char hold[VG_FDEC_BLOCK]; /* the last block, held back: it may be padding */
    size_t held;
};

/* size: the plaintext length recorded, or -1 to rely on the padding. */
int vg_fdec_init(struct vg_fdec *d, const unsigned char key[32], int64_t size) VG_MUST_CHECK;
/* Decrypts n bytes; *out_len bytes of plaintext are ready in out (which
 * holds n + VG_FDEC_SLACK bytes). out may hold more plaintext past
 * *out_len (the held block, bytes past Size): wipe all of it after use. */
int vg_fdec_update(struct vg_fdec *d, const unsigned char *in, size_t n, unsigned char *out,
                   size_t *out_len) VG_MUST_CHECK;
/* The last bytes (out holds VG_FDEC_SLACK), and what was found. */
int vg_fdec_final(struct vg_fdec *d, unsigned char *out, size_t *out_len,
                  struct vg_fdec_info *info) VG_MUST_CHECK;
/* Frees the cipher and wipes the held block. Safe after final or on error. */
void vg_fdec_clear(struct vg_fdec *d);

/* One-shot form for data already in memory. *out (wipe with
 * vg_free_secret) gets the plaintext; VG_E_LIMIT when it would pass max. */
int vg_fdec_buffer(const unsigned char key[32], const unsigned char *in, size_t n, int64_t size,
                   size_t max, unsigned char **out, size_t *out_len,
                   struct vg_fdec_info *info) VG_MUST_CHECK;

/* Whether data starts like a SQLite database: how a decrypted Manifest.db
 * is told from the noise a wrong key gives. */
int vg_is_sqlite_header(const unsigned char *data, size_t len);

#endif
