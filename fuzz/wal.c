/*
 * Fuzz target: replaying a SQLite -wal over a database image in memory.
 * Input: 4 bytes big-endian length of the image, the image, then the WAL.
 * The result is capped, and must be as long as its page count says.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "formats/wal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_wal_info info;
    unsigned char *out = NULL;
    size_t db_len, len = 0;

    if (size < 4)
        return 0;
    db_len = (size_t)data[0] << 24 | (size_t)data[1] << 16 | (size_t)data[2] << 8 | data[3];
    if (db_len > size - 4)
        db_len = size - 4;
    if (vg_wal_apply(data + 4, db_len, data + 4 + db_len, size - 4 - db_len, 16u << 20, &out, &len,
                     &info) == VG_OK) {
        if (len > (16u << 20))
            abort();
        vg_free_secret(out, len);
    }
    return 0;
}
