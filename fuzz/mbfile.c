/*
 * Fuzz target: one Manifest.db Files.file blob (MBFile keyed archive).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "formats/apple/mbfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_mbfile f;
    char err[256];

    if (vg_mbfile_parse(data, size, &f, err, sizeof(err)) == VG_OK)
        vg_mbfile_clear(&f);
    return 0;
}
