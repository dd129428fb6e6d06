/*
 * Fuzz target: settings_*.txt (src/lib/formats/android/settings.c) on any
 * bytes, the first line's bytes also used as the file name the namespace
 * comes from. Every record is {"namespace","key","value"}, all strings.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqf_fuzz.h"

#include "formats/android/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"namespace", "key", "value"};
    static const int types[] = {JSON_STRING, JSON_STRING, JSON_STRING};
    struct aqf_fuzz f = {keys, types, 3, 1};
    struct vg_aqf_sink s;
    char name[64], *ns;
    struct vg_str n;
    int rc;

    memset(name, 0, sizeof(name));
    memcpy(name, data, size < sizeof(name) - 1 ? size : sizeof(name) - 1);
    n = vg_settings_namespace(name);
    if (n.n > strlen(name) || (n.n && (n.p < name || n.p + n.n > name + strlen(name))))
        abort();
    ns = vg_str_dup(n);
    if (!ns)
        return 0;
    aqf_fuzz_sink(&s, "settings_x.txt", &f);
    rc = vg_settings_parse(data, size, ns, &s);
    if (rc != VG_OK && rc != VG_E_NOMEM)
        abort();
    (void)vg_settings_danger(ns, name);
    free(ns);
    return 0;
}
