/*
 * Fuzz target: the indicator index reader and the entry names of
 * download-iocs (src/lib/tools/download_iocs.c) on any bytes, as a server
 * may send. A name it accepts must be a plain *.stix2 / *.json file name
 * (no '/' or '\\', not hidden, so neither "." nor "..") and a URL it builds
 * must be https://.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "tools/download_iocs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_dl_index x;
    struct vg_diag *d = NULL;
    size_t i;

    if (vg_diag_new(NULL, NULL, &d) != VG_OK)
        return 0;
    if (vg_dl_index_parse((const char *)data, size, d, &x) == VG_OK) {
        for (i = 0; i < x.n; i++) {
            char *url = NULL, *name = NULL;
            const char *why = NULL;
            if (vg_dl_entry_target(&x.e[i], &url, &name, &why) != VG_OK)
                continue;
            if (strchr(name, '/') || strchr(name, '\\') || name[0] == '.' ||
                strncmp(url, "https://", 8) != 0)
                abort();
            free(url);
            free(name);
        }
        vg_dl_index_free(&x);
    }
    vg_diag_free(d);
    return 0;
}
