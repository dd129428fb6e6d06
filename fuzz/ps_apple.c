/*
 * Fuzz target: ps.txt, ps_thread.txt and taskinfo.txt
 * (src/lib/formats/apple/ps_apple.c) on any bytes; the first byte picks the
 * file kind. Checks what must always hold: every record is an object, a
 * ps_thread.txt or taskinfo.txt record counts its threads with an integer,
 * taskinfo records carry name, pid and unique_id with their types.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/apple/ps_apple.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_taskinfo(const json_t *r)
{
    const json_t *pid = json_object_get(r, "pid"), *uid = json_object_get(r, "unique_id");

    if (!json_is_string(json_object_get(r, "name")) ||
        !(json_is_integer(pid) || json_is_null(pid)) ||
        !(json_is_integer(uid) || json_is_null(uid)) ||
        !json_is_integer(json_object_get(r, "threads")))
        abort();
    if (json_object_size(r) > VG_MAX_TASKINFO_KEYS + 5)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *recs, *r;
    int64_t tasks = 0;
    size_t i;
    int kind, rc;

    if (size < 1)
        return 0;
    kind = data[0] % 3;
    recs = json_array();
    if (!recs)
        return 0;
    if (kind == 2)
        rc = vg_ps_apple_taskinfo(data + 1, size - 1, "fuzz", NULL, recs, &tasks);
    else
        rc = vg_ps_apple_parse(data + 1, size - 1, kind ? VG_PS_APPLE_THREADS : VG_PS_APPLE_PS,
                               "fuzz", NULL, recs);
    if (rc != VG_OK && json_array_size(recs) && kind != 2 && rc != VG_E_NOMEM)
        abort(); /* a ps file that fails has no header, so no rows */
    json_array_foreach(recs, i, r)
    {
        if (!json_is_object(r))
            abort();
        if (kind == 1 && !json_is_integer(json_object_get(r, "threads")))
            abort();
        if (kind == 2)
            check_taskinfo(r);
    }
    if (json_array_size(recs) > VG_MAX_PS_ROWS)
        abort();
    json_decref(recs);
    return 0;
}
