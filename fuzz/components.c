/*
 * Fuzz target: app components from dumpsys text
 * (src/lib/formats/android/components.c) on any bytes. Every record is
 * {"component_type", "component", "package_name"}, all strings, and the
 * parser returns VG_OK (or VG_E_NOMEM).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqf_fuzz.h"

#include "formats/android/components.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"component_type", "component", "package_name"};
    static const int types[] = {JSON_STRING, JSON_STRING, JSON_STRING};
    struct aqf_fuzz f = {keys, types, 3, 1};
    struct vg_aqf_sink s;
    int rc;

    aqf_fuzz_sink(&s, "dumpsys.txt", &f);
    rc = vg_components_parse(data, size, &s);
    if (rc != VG_OK && rc != VG_E_NOMEM)
        abort();
    return 0;
}
