/*
 * Fuzz target: the report's CSV reader (src/lib/output/report_in.c) on any
 * bytes, as a results folder may hold. Every row must come back with at
 * most RP_CSV_FIELDS fields kept, each under VG_MAX_REPORT_FIELD bytes and
 * NUL-terminated, and the reader must reach the end.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/vg.h"
#include "output/report_in.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rp_csv c;
    struct vg_diag *d = NULL;
    FILE *f;
    size_t i, rows = 0;
    int got;

    if (size == 0 || vg_diag_new(NULL, NULL, &d) != VG_OK)
        return 0;
    f = fmemopen((void *)data, size, "rb");
    if (!f) {
        vg_diag_free(d);
        return 0;
    }
    rp_csv_init(&c, f, "fuzz.csv", d);
    while ((got = rp_csv_next(&c)) > 0) {
        if (++rows > size)
            abort(); /* every row consumes at least one byte */
        for (i = 0; i < RP_CSV_FIELDS; i++)
            if (strlen(rp_csv_get(&c, i)) > VG_MAX_REPORT_FIELD)
                abort();
    }
    rp_csv_close(&c);
    vg_diag_free(d);
    return 0;
}
