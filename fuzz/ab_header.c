/*
 * Fuzz target: the header of an Android backup (.ab) and its master key
 * blob (src/lib/formats/android/ab.c). A header that parses must be
 * consistent; an encrypted one is unlocked with a fixed password, its round
 * count first cut to 64 so that a hostile count cannot make the fuzzer
 * crawl (the cap itself is checked by the parser, and tested).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/android/ab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_ab_header h;
    struct vg_ab_keys k;
    char err[256];
    int rc;

    rc = vg_ab_header_parse(data, size, &h, err, sizeof err);
    if (!memchr(err, '\0', sizeof err))
        abort();
    if (rc != VG_OK)
        return 0;
    if (h.len > size || h.len > VG_AB_HEADER_MAX || h.version < 1 || h.version > VG_AB_VERSION_MAX)
        abort();
    if (h.crypt != VG_AB_AES256)
        return 0;
    if (h.user_salt_len == 0 || h.user_salt_len > VG_MAX_AB_SALT || h.ck_salt_len == 0 ||
        h.ck_salt_len > VG_MAX_AB_SALT || h.rounds == 0 || h.rounds > VG_MAX_AB_ROUNDS)
        abort();
    if (h.rounds > 64)
        h.rounds = 64;
    rc = vg_ab_unlock(&h, "123456", 6, &k, err, sizeof err);
    if (rc != VG_OK && rc != VG_E_PASSWORD && rc != VG_E_CORRUPT)
        abort();
    vg_wipe(&k, sizeof k);
    return 0;
}
