/*
 * Fuzz target: ps text (src/lib/formats/android/ps.c) on any bytes.
 * Every record has MVT's ten keys in order with their types; the parser
 * returns VG_OK, or VG_E_UNSUPPORTED for text that opens like JSON.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqf_fuzz.h"

#include "formats/android/ps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {
        "user",  "pid",       "ppid", "virtual_memory_size", "resident_set_size",
        "wchan", "aprocress", "stat", "proc_name",           "label",
    };
    static const int types[] = {
        JSON_STRING, JSON_INTEGER, JSON_INTEGER, JSON_INTEGER, JSON_INTEGER,
        JSON_STRING, JSON_STRING,  JSON_STRING,  JSON_STRING,  JSON_STRING,
    };
    struct aqf_fuzz f = {keys, types, 10, 1};
    struct vg_aqf_sink s;
    int rc;

    aqf_fuzz_sink(&s, "ps.txt", &f);
    rc = vg_ps_parse(data, size, &s);
    if (rc != VG_OK && rc != VG_E_NOMEM &&
        !(rc == VG_E_UNSUPPORTED && vg_aqf_looks_json(data, size)))
        abort();
    return 0;
}
