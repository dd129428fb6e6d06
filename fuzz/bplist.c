/*
 * Fuzz target: the binary plist key reader (src/lib/formats/bplist.c), as
 * IDStatusCache uses it: every key of the top dictionary and of the
 * dictionaries below it, a few levels deep. Objects may refer to each
 * other in cycles, so the walk is bounded by depth and by a work budget.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/apple/bplist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WALK_DEPTH  4
#define WALK_BUDGET 4096

static void walk(const struct vg_bplist *bp, uint64_t dict, unsigned depth, unsigned *budget)
{
    struct vg_buf key;
    uint64_t n, i, ref;

    if (depth > WALK_DEPTH || vg_bplist_dict_size(bp, dict, &n) != VG_OK)
        return;
    vg_buf_init(&key, VG_MAX_IOC_VALUE);
    for (i = 0; i<n && * budget> 0; i++) {
        (*budget)--;
        vg_buf_reset(&key);
        if (vg_bplist_dict_ref(bp, dict, 0, i, &ref) == VG_OK &&
            vg_bplist_string(bp, ref, &key) == VG_OK && key.len > key.max)
            abort();
        if (vg_bplist_dict_ref(bp, dict, 1, i, &ref) == VG_OK)
            walk(bp, ref, depth + 1, budget);
    }
    vg_buf_free(&key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_bplist bp;
    unsigned budget = WALK_BUDGET;

    if (vg_bplist_open(&bp, data, size) != VG_OK)
        return 0;
    if (bp.top >= bp.nobj || bp.table >= size)
        abort();
    walk(&bp, bp.top, 0, &budget);
    return 0;
}
