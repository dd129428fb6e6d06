/*
 * Fuzz target: Android 16 intrusion logs (src/lib/formats/android/
 * intrusion.c), the input read as NDJSON text. Every event handed over
 * must be consistent: a kind, a type, an object, an isodate of the fixed
 * width or empty, a security type within the table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/android/intrusion.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(void *ud, const struct vg_il_event *ev)
{
    unsigned char fp[32];
    size_t n = strlen(ev->isodate);

    (void)ud;
    if (!ev->type || !json_is_object(ev->data) || (n != 0 && n != VG_ISODATE_LEN) ||
        (unsigned)ev->kind > VG_IL_UNKNOWN || (unsigned)ev->sec > VG_IL_SEC_UNKNOWN)
        abort();
    if (ev->kind == VG_IL_SECURITY && ev->sec != VG_IL_SEC_NONE && !ev->sec_key)
        abort();
    if (ev->n_bad && !ev->bad[0])
        abort();
    if (vg_il_fingerprint(ev->data, fp) != VG_OK)
        abort();
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_diag *diag = NULL;
    struct vg_il_counts c;
    int rc;

    if (vg_diag_new(NULL, NULL, &diag) != VG_OK)
        return 0;
    rc = vg_il_parse_text((const char *)data, size, "fuzz", diag, check, NULL, &c);
    if (rc != VG_OK && rc != VG_E_NOMEM)
        abort();
    if (rc == VG_OK && (c.skipped > c.lines || c.unknown > c.events))
        abort();
    vg_diag_free(diag);
    return 0;
}
