/*
 * Fuzz target: mount lines (src/lib/formats/android/mounts.c) on any
 * bytes. Every record has MVT's seven Mounts keys in order with their
 * types; the parser returns VG_OK.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqf_fuzz.h"

#include "formats/android/mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"device",        "mount_point",  "filesystem_type",
                                       "mount_options", "options_list", "is_system_partition",
                                       "is_read_write"};
    static const int types[] = {JSON_STRING, JSON_STRING, JSON_STRING, JSON_STRING,
                                JSON_ARRAY,  JSON_TRUE,   JSON_TRUE};
    struct aqf_fuzz f = {keys, types, 7, 1};
    struct vg_aqf_sink s;
    int rc;

    aqf_fuzz_sink(&s, "mounts.txt", &f);
    rc = vg_mounts_parse(data, size, &s);
    if (rc != VG_OK && rc != VG_E_NOMEM)
        abort();
    return 0;
}
