/*
 * A decrypting view: the plaintext of a file encrypted whole with
 * AES-256-CBC (zero IV, PKCS#7 padding), as iOS backups store their files.
 * CBC decrypts any block from the ciphertext block before it, so a read at
 * any offset decrypts only the blocks it covers: a database is decrypted page
 * by page as SQLite asks for it, never whole, and no plaintext is ever
 * written anywhere.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IO_CBC_H
#define VG_IO_CBC_H

#include "io/io.h"

struct vg_cbc_info {
    uint64_t cipher_len; /* bytes of ciphertext */
    uint64_t plain_len;  /* what the view serves */
    uint64_t short_by;   /* size recorded minus what the ciphertext holds (0: whole) */
    uint64_t tail;       /* ciphertext bytes after the last whole block, ignored */
    int padding; /* 1 valid PKCS#7, 0 not looked at (cut to the size recorded), -1 invalid */
};

/* Takes base (the ciphertext). size: the plaintext length the manifest
 * records, or -1. The view's size is that length when the ciphertext can
 * hold it, else what the ciphertext holds (a manifest may lie: the file's
 * real size wins). info (may be NULL) says what was found. */
int vg_io_cbc(struct vg_io *base, const unsigned char key[32], int64_t size, struct vg_io **out,
              struct vg_cbc_info *info) VG_MUST_CHECK;

#endif
