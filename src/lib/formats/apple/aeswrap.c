/*
 * RFC 3394 key unwrap through EVP_aes_*_wrap (see aeswrap.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <openssl/evp.h>

#include "formats/apple/aeswrap.h"

static const EVP_CIPHER *wrap_cipher(size_t kek_len)
{
    switch (kek_len) {
    case 16:
        return EVP_aes_128_wrap();
    case 24:
        return EVP_aes_192_wrap();
    case 32:
        return EVP_aes_256_wrap();
    default:
        return NULL;
    }
}

int vg_aes_unwrap(const unsigned char *kek, size_t kek_len, const unsigned char *in, size_t in_len,
                  unsigned char *out)
{
    const EVP_CIPHER *cipher = wrap_cipher(kek_len);
    EVP_CIPHER_CTX *ctx = NULL;
    int n = 0, fin = 0, rc = VG_E_CRYPTO;

    if (!cipher || in_len < VG_AESWRAP_MIN || in_len > VG_AESWRAP_MAX || in_len % 8 != 0)
        return VG_E_INVAL;
    ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return VG_E_NOMEM;
    /* EVP refuses wrap modes unless asked: they are not streaming ciphers */
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (EVP_DecryptInit_ex(ctx, cipher, NULL, kek, NULL) != 1)
        goto out;
    /* the integrity check runs here: a mismatch makes Update fail */
    if (EVP_DecryptUpdate(ctx, out, &n, in, (int)in_len) != 1)
        goto out;
    if (EVP_DecryptFinal_ex(ctx, out + n, &fin) != 1)
        goto out;
    if ((size_t)n + (size_t)fin != in_len - 8)
        goto out;
    rc = VG_OK;
out:
    if (rc != VG_OK)
        vg_wipe(out, in_len - 8);
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}
