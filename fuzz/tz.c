/*
 * Fuzz target: TZif files and POSIX TZ rules (src/lib/util/tz.c) on any
 * bytes. A file is a zone or an error; a zone answers an offset in
 * RFC 8536's range for any instant; a rule is an offset or VG_E_INVAL.
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
    static const int64_t instants[] = {INT64_MIN / 4, -1,           0, 1000000000, 1721044800,
                                       4102444800,    INT64_MAX / 4};
    struct vg_tz *z = NULL;
    int64_t off;
    size_t i;
    int rc = vg_tz_parse(data, size, &z);

    if (rc == VG_OK) {
        for (i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
            off = vg_tz_offset(z, instants[i]);
            if (off < -200000 || off > 200000)
                abort();
        }
        vg_tz_free(z);
    } else if (rc != VG_E_CORRUPT && rc != VG_E_UNSUPPORTED && rc != VG_E_NOMEM) {
        abort();
    }
    for (i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
        rc = vg_tz_posix_offset((const char *)data, size, instants[i], &off);
        if (rc != VG_OK && rc != VG_E_INVAL)
            abort();
    }
    return 0;
}
