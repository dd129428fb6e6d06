/*
 * Fuzz target: NSKeyedArchiver resolution (and the plist pre-checks in
 * front of libplist) on arbitrary bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "formats/apple/nska.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plist_t root = NULL;
    char err[256];

    if (vg_nska_decode(data, size, &root, err, sizeof(err)) == VG_OK)
        plist_free(root);
    return 0;
}
