/*
 * Fuzz target: sysdiagnose names (src/lib/formats/apple/sysdiagnose_name.c)
 * on any bytes. Checks that every field is NUL-terminated within its size
 * and the offset within a day.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/apple/sysdiagnose_name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_sysdiag_name n;
    char *s = malloc(size + 1);

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (vg_sysdiag_name_parse(s, &n) == VG_OK) {
        if (memchr(n.os, '\0', sizeof(n.os)) == NULL ||
            memchr(n.device, '\0', sizeof(n.device)) == NULL ||
            memchr(n.build, '\0', sizeof(n.build)) == NULL || strlen(n.tz) != 5 ||
            n.tz_minutes < -24 * 60 || n.tz_minutes > 24 * 60)
            abort();
    }
    free(s);
    return 0;
}
