/*
 * Fuzz target: the unwrap and decrypt path of an encrypted backup's files.
 * Input: 2 bytes of recorded Size (0xffff: unknown), 1 byte of chunk size,
 * 44 bytes of wrapped key (class + RFC 3394 blob, unwrapped under a fixed
 * class key), then the ciphertext. The ciphertext is decrypted with the
 * unwrapped key when it opens, else with a fixed file key, once in one
 * piece and once streamed in chunks: both must give the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "formats/apple/aeswrap.h"
#include "formats/apple/backup_crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEAD 47u

static unsigned char *streamed(const unsigned char key[32], const uint8_t *ct, size_t n,
                               int64_t want, size_t step, size_t *len)
{
    unsigned char *out = malloc(n + VG_FDEC_SLACK), chunk[256 + VG_FDEC_SLACK];
    struct vg_fdec d;
    struct vg_fdec_info info;
    size_t off = 0, got, total = 0;

    if (!out || vg_fdec_init(&d, key, want) != VG_OK) {
        free(out);
        return NULL;
    }
    while (off < n) {
        size_t take = n - off < step ? n - off : step;
        if (vg_fdec_update(&d, ct + off, take, chunk, &got) != VG_OK)
            abort();
        memcpy(out + total, chunk, got);
        total += got;
        off += take;
    }
    if (vg_fdec_final(&d, chunk, &got, &info) != VG_OK)
        abort();
    memcpy(out + total, chunk, got);
    vg_fdec_clear(&d);
    *len = total + got;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char class_key[32] = {0x42, 0x24, 0x11};
    static const unsigned char fixed_key[32] = {0x99, 0x01};
    unsigned char key[32], *one = NULL, *two;
    size_t one_len = 0, two_len = 0, step;
    struct vg_fdec_info info;
    int64_t want;

    if (size < HEAD)
        return 0;
    want = data[0] == 0xff && data[1] == 0xff ? -1 : (int64_t)(data[0] << 8 | data[1]);
    step = (size_t)data[2] % 256u + 1u;
    if (vg_aes_unwrap(class_key, 32, data + 7, 40, key) != VG_OK)
        memcpy(key, fixed_key, sizeof(key));
    if (vg_fdec_buffer(key, data + HEAD, size - HEAD, want, 1u << 20, &one, &one_len, &info) !=
        VG_OK)
        return 0;
    two = streamed(key, data + HEAD, size - HEAD, want, step, &two_len);
    if (!two || two_len != one_len || (one_len && memcmp(one, two, one_len) != 0) ||
        (want >= 0 && one_len > (size_t)want))
        abort();
    vg_free_secret(one, one_len);
    free(two);
    return 0;
}
