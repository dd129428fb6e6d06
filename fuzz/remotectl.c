/*
 * Fuzz target: remotectl_dumpstate.txt (src/lib/formats/apple/remotectl.c)
 * on any bytes. Checks that every value found lies inside the input and
 * holds no line break.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/apple/remotectl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"ProductType", "OSVersion", "SerialNumber", ""};
    struct vg_str v[4];
    size_t i;

    if (vg_remotectl_props(data, size, keys, 4, v) != VG_OK)
        return 0;
    for (i = 0; i < 4; i++) {
        if (!v[i].p)
            continue;
        if ((const uint8_t *)v[i].p < data || v[i].n > size ||
            (size_t)((const uint8_t *)v[i].p - data) > size - v[i].n ||
            memchr(v[i].p, '\n', v[i].n))
            abort();
    }
    return 0;
}
