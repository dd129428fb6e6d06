/*
 * Fuzz target: a backup keybag (Manifest.plist BackupKeyBag). A keybag that
 * parses is unlocked with a fixed key (no key derivation: a hostile ITER
 * must not make the fuzzer crawl) and, if any class opens, the input's last
 * 44 bytes are unwrapped as a ManifestKey.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "formats/apple/keybag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char key[VG_KEYBAG_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};
    unsigned char out[VG_KEYBAG_KEY_LEN];
    struct vg_keybag *kb = NULL;
    struct vg_diag *diag = NULL;

    if (vg_diag_new(NULL, NULL, &diag) != VG_OK)
        return 0;
    if (vg_keybag_parse(data, size, "fuzz", diag, &kb) == VG_OK) {
        if (vg_keybag_unlock(kb, key, "fuzz", diag) == VG_OK && size >= 44 &&
            vg_keybag_unwrap(kb, data + size - 44, 44, out) == VG_OK)
            vg_wipe(out, sizeof(out));
        vg_keybag_free(kb);
    }
    vg_diag_free(diag);
    return 0;
}
