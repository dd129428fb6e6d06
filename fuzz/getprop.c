/*
 * Fuzz target: getprop text (src/lib/formats/android/getprop.c) on any
 * bytes. Every record is {"name": string, "value": string}; the parser
 * returns VG_OK (a damaged text is warnings, never an error) and the
 * patch-level reader never fails on a hostile value but by VG_E_INVAL.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqf_fuzz.h"

#include "formats/android/getprop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"name", "value"};
    static const int types[] = {JSON_STRING, JSON_STRING};
    struct aqf_fuzz f = {keys, types, 2, 1};
    struct vg_aqf_sink s;
    char date[16];
    int stale, rc;

    aqf_fuzz_sink(&s, "getprop.txt", &f);
    rc = vg_getprop_parse(data, size, &s);
    if (rc != VG_OK && rc != VG_E_NOMEM)
        abort();
    memset(date, 0, sizeof(date));
    memcpy(date, data, size < sizeof(date) - 1 ? size : sizeof(date) - 1);
    rc = vg_getprop_patch_stale(date, 1700000000, &stale);
    if (rc != VG_OK && rc != VG_E_INVAL)
        abort();
    if (rc == VG_OK && stale != 0 && stale != 1)
        abort();
    return 0;
}
