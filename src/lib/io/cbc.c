/*
 * The decrypting view (see cbc.h), on OpenSSL's EVP AES-256-CBC.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <openssl/evp.h>

#include "io/cbc.h"

#define BLK 16u

struct io_cbc {
    struct vg_io *base;
    unsigned char key[32];
    EVP_CIPHER_CTX *ctx;
    unsigned char *scratch; /* ciphertext then plaintext of one read */
    size_t cap;
};

static int scratch(struct io_cbc *c, size_t n)
{
    unsigned char *p;

    if (n <= c->cap)
        return VG_OK;
    p = vg_malloc(n);
    if (!p)
        return VG_E_NOMEM;
    vg_free_secret(c->scratch, c->cap);
    c->scratch = p;
    c->cap = n;
    return VG_OK;
}

/* Decrypts the whole blocks first..last (inclusive) into c->scratch. */
static int decrypt_blocks(struct io_cbc *c, uint64_t first, uint64_t last, size_t *len)
{
    unsigned char iv[BLK];
    size_t n = (size_t)(last - first + 1) * BLK;
    int outl = 0, rc;

    memset(iv, 0, sizeof(iv));
    if (n > INT32_MAX / 2)
        return VG_E_LIMIT;
    rc = scratch(c, 2 * n + BLK);
    if (rc == VG_OK && first > 0)
        rc = vg_io_read_exact(c->base, (first - 1) * BLK, iv, BLK);
    if (rc == VG_OK)
        rc = vg_io_read_exact(c->base, first * BLK, c->scratch, n);
    if (rc != VG_OK)
        return rc;
    if (EVP_DecryptInit_ex(c->ctx, NULL, NULL, c->key, iv) != 1 ||
        EVP_DecryptUpdate(c->ctx, c->scratch + n, &outl, c->scratch, (int)n) != 1 ||
        (size_t)outl != n)
        return VG_E_CRYPTO;
    *len = n;
    return VG_OK;
}

static int cbc_read_at(void *self, uint64_t off, void *buf, size_t n, size_t *got)
{
    struct io_cbc *c = self;
    uint64_t first = off / BLK, last = (off + n - 1) / BLK;
    size_t len = 0;
    int rc;

    *got = 0;
    if (n == 0)
        return VG_OK;
    if (n > VG_DECRYPT_CHUNK) {
        n = VG_DECRYPT_CHUNK;
        last = (off + n - 1) / BLK;
    }
    rc = decrypt_blocks(c, first, last, &len);
    if (rc != VG_OK)
        return rc;
    memcpy(buf, c->scratch + len + (off - first * BLK), n);
    vg_wipe(c->scratch + len, len);
    *got = n;
    return VG_OK;
}

static void cbc_free(void *self)
{
    struct io_cbc *c = self;

    if (!c)
        return;
    EVP_CIPHER_CTX_free(c->ctx);
    vg_free_secret(c->scratch, c->cap);
    vg_io_free(c->base);
    vg_free_secret(c, sizeof(*c));
}

static const struct vg_io_ops cbc_ops = {cbc_read_at, cbc_free};

/* The plaintext length when the padding decides: the last block's PKCS#7
 * count, or -1 when it is not valid padding. */
static int padded_len(struct io_cbc *c, uint64_t blocks, uint64_t *plain)
{
    size_t len = 0;
    unsigned char pad, i;
    int rc = decrypt_blocks(c, blocks - 1, blocks - 1, &len);

    if (rc != VG_OK)
        return rc;
    pad = c->scratch[len + BLK - 1];
    rc = pad >= 1 && pad <= BLK ? VG_OK : VG_E_CORRUPT;
    for (i = 1; rc == VG_OK && i <= pad; i++)
        if (c->scratch[len + BLK - i] != pad)
            rc = VG_E_CORRUPT;
    vg_wipe(c->scratch + len, BLK);
    *plain = rc == VG_OK ? blocks * BLK - pad : blocks * BLK;
    return rc == VG_E_CORRUPT ? VG_OK : rc;
}

static int plain_size(struct io_cbc *c, int64_t size, struct vg_cbc_info *info)
{
    uint64_t blocks = info->cipher_len / BLK, padded = 0;
    int rc;

    info->tail = info->cipher_len % BLK;
    if (blocks == 0) {
        info->plain_len = 0;
        info->short_by = size > 0 ? (uint64_t)size : 0;
        return VG_OK;
    }
    if (size >= 0 && (uint64_t)size < blocks * BLK) {
        info->plain_len = (uint64_t)size; /* the recorded size fits: trust it */
        return VG_OK;
    }
    rc = padded_len(c, blocks, &padded);
    if (rc != VG_OK)
        return rc;
    info->padding = padded < blocks * BLK ? 1 : -1;
    info->plain_len = padded;
    if (size >= 0 && (uint64_t)size > padded)
        info->short_by = (uint64_t)size - padded;
    return VG_OK;
}

int vg_io_cbc(struct vg_io *base, const unsigned char key[32], int64_t size, struct vg_io **out,
              struct vg_cbc_info *info)
{
    struct io_cbc *c = vg_calloc(1, sizeof(*c));
    struct vg_cbc_info local;
    int rc;

    if (!info)
        info = &local;
    memset(info, 0, sizeof(*info));
    if (!c) {
        vg_io_free(base);
        return VG_E_NOMEM;
    }
    c->base = base;
    memcpy(c->key, key, sizeof(c->key));
    c->ctx = EVP_CIPHER_CTX_new();
    rc = c->ctx ? VG_OK : VG_E_NOMEM;
    if (rc == VG_OK && (EVP_DecryptInit_ex(c->ctx, EVP_aes_256_cbc(), NULL, NULL, NULL) != 1 ||
                        EVP_CIPHER_CTX_set_padding(c->ctx, 0) != 1))
        rc = VG_E_CRYPTO;
    info->cipher_len = vg_io_size(base);
    if (rc == VG_OK)
        rc = plain_size(c, size, info);
    if (rc != VG_OK) {
        cbc_free(c);
        return rc;
    }
    return vg_io_new(&cbc_ops, c, info->plain_len, out);
}
