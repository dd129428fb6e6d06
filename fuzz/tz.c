/*
 * Fuzz target: compiled time zone files (src/lib/util/tz.c), the input
 * read as TZif bytes. A zone that parses must give an offset within a
 * day for any time, and the same offset twice.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "util/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t when[] = {INT64_MIN / 2, -2208988800,  0, 1711846800, 1746979200,
                                   4102444800,    INT64_MAX / 2};
    struct vg_tz *tz = NULL;
    size_t i;

    if (vg_tz_parse("fuzz", data, size, &tz) != VG_OK)
        return 0;
    for (i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
        int32_t off = vg_tz_offset(tz, when[i]);
        if (off < -26 * 3600 || off > 26 * 3600 || off != vg_tz_offset(tz, when[i]))
            abort();
    }
    vg_tz_free(tz);
    return 0;
}
