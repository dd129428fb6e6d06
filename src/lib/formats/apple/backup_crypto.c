/*
 * Streaming AES-256-CBC decryption of backed-up files (see backup_crypto.h).
 *
 * The cipher runs without OpenSSL's own padding check: the Size recorded in
 * the manifest, not the padding, says where a file ends (a copy can be
 * shorter than recorded, or its last block damaged), so the last block is
 * held back until the end and then cut to Size, or unpadded when no Size is
 * known.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <limits.h>

#include <openssl/evp.h>

#include "formats/apple/backup_crypto.h"

int vg_fdec_init(struct vg_fdec *d, const unsigned char key[32], int64_t size)
{
    static const unsigned char zero_iv[VG_FDEC_BLOCK];
    EVP_CIPHER_CTX *ctx;

    memset(d, 0, sizeof(*d));
    d->size = size < 0 ? -1 : size;
    ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return VG_E_NOMEM;
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, zero_iv) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return VG_E_CRYPTO;
    }
    d->ctx = ctx;
    return VG_OK;
}

/* How many of n ready bytes may still go out before Size is reached. */
static size_t within_size(const struct vg_fdec *d, size_t n)
{
    uint64_t room;

    if (d->size < 0)
        return n;
    room = (uint64_t)d->size > d->out ? (uint64_t)d->size - d->out : 0;
    return room < n ? (size_t)room : n;
}

int vg_fdec_update(struct vg_fdec *d, const unsigned char *in, size_t n, unsigned char *out,
                   size_t *out_len)
{
    size_t total, ready;
    int m = 0;

    *out_len = 0;
    if (!d->ctx || n > (size_t)INT_MAX - VG_FDEC_SLACK)
        return VG_E_INVAL;
    memcpy(out, d->hold, d->held);
    if (n && EVP_DecryptUpdate(d->ctx, out + d->held, &m, in, (int)n) != 1)
        return VG_E_CRYPTO;
    d->in += n;
    total = d->held + (size_t)m;
    if (total < VG_FDEC_BLOCK) {
        d->held = total;
        return VG_OK;
    }
    /* keep the newest block back: it may turn out to be padding */
    ready = total - VG_FDEC_BLOCK;
    memcpy(d->hold, out + ready, VG_FDEC_BLOCK);
    d->held = VG_FDEC_BLOCK;
    ready = within_size(d, ready);
    d->out += ready;
    *out_len = ready;
    return VG_OK;
}

/* Length of valid PKCS#7 padding at the end of the held block, or 0. */
static size_t padding_len(const struct vg_fdec *d)
{
    size_t p, i;

    if (d->held != VG_FDEC_BLOCK)
        return 0;
    p = d->hold[VG_FDEC_BLOCK - 1];
    if (p == 0 || p > VG_FDEC_BLOCK)
        return 0;
    for (i = VG_FDEC_BLOCK - p; i < VG_FDEC_BLOCK; i++)
        if (d->hold[i] != p)
            return 0;
    return p;
}

int vg_fdec_final(struct vg_fdec *d, unsigned char *out, size_t *out_len, struct vg_fdec_info *info)
{
    size_t pad = padding_len(d), avail, emit;

    *out_len = 0;
    memset(info, 0, sizeof(*info));
    if (!d->ctx)
        return VG_E_INVAL;
    /* a partial last block cannot be decrypted: it is reported, not guessed */
    info->tail = d->in % VG_FDEC_BLOCK;
    avail = d->held - pad;
    emit = within_size(d, avail);
    memcpy(out, d->hold, emit);
    d->out += emit;
    *out_len = emit;
    info->padding = d->held == 0 ? 0 : pad ? 1 : -1;
    info->plain_len = d->out;
    if (d->size >= 0 && (uint64_t)d->size > d->out)
        info->short_by = (uint64_t)d->size - d->out;
    vg_wipe(d->hold, sizeof(d->hold));
    d->held = 0;
    return VG_OK;
}

void vg_fdec_clear(struct vg_fdec *d)
{
    EVP_CIPHER_CTX_free(d->ctx); /* cleanses the key schedule */
    d->ctx = NULL;
    vg_wipe(d->hold, sizeof(d->hold));
    d->held = 0;
}

int vg_fdec_buffer(const unsigned char key[32], const unsigned char *in, size_t n, int64_t size,
                   size_t max, unsigned char **out, size_t *out_len, struct vg_fdec_info *info)
{
    struct vg_fdec d;
    unsigned char *buf = NULL;
    size_t cap, got = 0, fin = 0;
    int rc;

    if (vg_add_overflow(n, VG_FDEC_SLACK, &cap))
        return VG_E_LIMIT;
    rc = vg_fdec_init(&d, key, size);
    if (rc != VG_OK)
        return rc;
    buf = vg_malloc(cap);
    if (!buf) {
        rc = VG_E_NOMEM;
        goto out;
    }
    rc = vg_fdec_update(&d, in, n, buf, &got);
    if (rc == VG_OK)
        rc = vg_fdec_final(&d, buf + got, &fin, info);
    if (rc == VG_OK && got + fin > max)
        rc = VG_E_LIMIT;
out:
    vg_fdec_clear(&d);
    if (rc != VG_OK) {
        vg_free_secret(buf, buf ? cap : 0);
        return rc;
    }
    /* plaintext past the end (held blocks, bytes past Size) is not handed out */
    vg_wipe(buf + got + fin, cap - got - fin);
    *out = buf;
    *out_len = got + fin;
    return VG_OK;
}

int vg_is_sqlite_header(const unsigned char *data, size_t len)
{
    static const char magic[16] = "SQLite format 3";
    return len >= sizeof(magic) && memcmp(data, magic, sizeof(magic)) == 0;
}
