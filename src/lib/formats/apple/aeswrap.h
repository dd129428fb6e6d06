/*
 * RFC 3394 AES key unwrap, on OpenSSL's EVP wrap ciphers. Backups wrap every
 * key this way: class keys under the password key, the Manifest.db key and
 * each file key under a class key. The unwrap's built-in integrity check
 * (the 0xA6A6A6A6A6A6A6A6 initial value) is what tells a wrong password or a
 * damaged wrapped key from a good one.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_AESWRAP_H
#define VG_FORMATS_AESWRAP_H

#include "util/vg.h"

/* Wrapped data is the key plus 8 bytes, in 8-byte blocks. */
#define VG_AESWRAP_MIN 24u /* a 16-byte key, the smallest RFC 3394 allows */
#define VG_AESWRAP_MAX 72u /* a 64-byte key, more than any backup uses */

/* Unwraps in (in_len bytes, a multiple of 8 from VG_AESWRAP_MIN to
 * VG_AESWRAP_MAX) with kek (16, 24 or 32 bytes) into out, which receives
 * in_len - 8 bytes. Returns VG_E_INVAL for bad lengths, VG_E_CRYPTO when
 * the integrity check fails (wrong kek or damaged data; out is then
 * zeroed). */
int vg_aes_unwrap(const unsigned char *kek, size_t kek_len, const unsigned char *in, size_t in_len,
                  unsigned char *out) VG_MUST_CHECK;

#endif
