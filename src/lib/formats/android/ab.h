/*
 * Android backups (`adb backup`, backup.ab): the text header and the keys of
 * an encrypted one. The layout, the two forms of the master-key checksum
 * and where they come from are in docs/formats/android-backup.md; the
 * streaming reader of what follows the header is in ab_stream.h.
 *
 * Flow: vg_ab_header_parse on the first bytes of the file, then, when
 * h.crypt is VG_AB_AES256, vg_ab_unlock with the password: it derives the
 * user key, decrypts the master key blob and checks the master key against
 * its checksum.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_AB_H
#define VG_FORMATS_ANDROID_AB_H

#include "util/vg.h"

#define VG_AB_MAGIC       "ANDROID BACKUP"
#define VG_AB_VERSION_MAX 5u  /* BACKUP_FILE_VERSION of Android 9 to 16 */
#define VG_AB_IV_LEN      16u /* AES block */
#define VG_AB_KEY_LEN     32u /* AES-256 master key, and PBKDF2's 256-bit output */
/* The master key blob: IV, key and checksum, each after a length byte
 * (1+16+1+32+1+32 = 83 bytes), padded to six AES blocks. */
#define VG_AB_BLOB_LEN 96u
/* Nine lines at most, each with its newline. */
#define VG_AB_HEADER_MAX (9u * (VG_MAX_AB_HEADER_LINE + 1u))

enum vg_ab_crypt {
    VG_AB_PLAIN = 0, /* "none" */
    VG_AB_AES256,    /* "AES-256" */
};

struct vg_ab_header {
    unsigned version; /* 1..VG_AB_VERSION_MAX */
    int compressed;   /* 1: zlib stream under the (decrypted) data */
    enum vg_ab_crypt crypt;
    /* The lines below are there only for VG_AB_AES256. */
    unsigned char user_salt[VG_MAX_AB_SALT];
    size_t user_salt_len;
    unsigned char ck_salt[VG_MAX_AB_SALT]; /* master key checksum salt */
    size_t ck_salt_len;
    uint32_t rounds; /* PBKDF2 rounds, for both derivations */
    unsigned char user_iv[VG_AB_IV_LEN];
    unsigned char blob[VG_AB_BLOB_LEN]; /* the master key blob, still encrypted */
    size_t len;                         /* header bytes: the data starts at this offset */
};

/* Parses the header at the start of p[0..n). VG_E_TRUNCATED when the bytes
 * end inside the header (call again with more: the header is at most
 * VG_AB_HEADER_MAX bytes); VG_E_UNSUPPORTED for a file without the magic, a
 * version past VG_AB_VERSION_MAX or a cipher other than AES-256; VG_E_LIMIT
 * for a round count past VG_MAX_AB_ROUNDS or a line past
 * VG_MAX_AB_HEADER_LINE; VG_E_CORRUPT for anything else malformed (a bad
 * number or hex string, a salt, IV or blob of the wrong length). err (may be
 * NULL) gets a message naming the line. */
int vg_ab_header_parse(const void *p, size_t n, struct vg_ab_header *h, char *err,
                       size_t err_len) VG_MUST_CHECK;

/* How a Java char[] became the bytes PBKDF2 hashed (docs/formats/android-backup.md). */
enum vg_ab_form {
    VG_AB_FORM_UTF8 = 1, /* Android 4.4 and later: UTF-8 of the chars (file versions 2-5) */
    VG_AB_FORM_8BIT = 2, /* Android 4.0-4.3: the low 8 bits of each char (version 1) */
};

struct vg_ab_keys {
    unsigned char key[VG_AB_KEY_LEN]; /* the master key: decrypts the data */
    unsigned char iv[VG_AB_IV_LEN];
    enum vg_ab_form pw_form; /* how the password was turned into bytes */
    enum vg_ab_form ck_form; /* which form of the checksum matched */
};

/* The password's form Android used for this file version first. */
enum vg_ab_form vg_ab_native_form(unsigned version);

/* Unwraps the master key with the password (UTF-8, len bytes). Both forms
 * of the password and of the checksum are tried, the version's own first.
 * VG_E_PASSWORD when the password is wrong (or none was given);
 * VG_E_CORRUPT when the blob decrypts to a well-formed key blob whose
 * checksum matches in neither form, or is recognisably damaged (see the
 * page); VG_E_LIMIT past VG_MAX_AB_ROUNDS; VG_E_CRYPTO when OpenSSL fails.
 * k is wiped on failure; wipe it (vg_wipe) after use. */
int vg_ab_unlock(const struct vg_ab_header *h, const char *password, size_t len,
                 struct vg_ab_keys *k, char *err, size_t err_len) VG_MUST_CHECK;

/* The master key checksum: PBKDF2-HMAC-SHA1 over the master key read as a
 * Java password (each byte a sign-extended char), in the given form. */
int vg_ab_checksum(const unsigned char *mk, size_t n, const unsigned char *salt, size_t salt_len,
                   uint32_t rounds, enum vg_ab_form form,
                   unsigned char out[VG_AB_KEY_LEN]) VG_MUST_CHECK;

/* Bytes widened to Java chars then encoded as UTF-8: a byte below 0x80
 * stays, any other becomes the three bytes of U+FF80..U+FFFF
 * (EF BE/BF xx). out holds 3 * n bytes; returns the bytes written. */
size_t vg_ab_java_utf8(const unsigned char *in, size_t n, unsigned char *out);

/* The 8-bit form of a UTF-8 password: the low byte of each UTF-16 unit.
 * out holds len bytes; returns the bytes written (a byte that is not
 * UTF-8 is kept as it is). */
size_t vg_ab_password_8bit(const char *pw, size_t len, unsigned char *out);

#endif
