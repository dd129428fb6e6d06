/*
 * Fuzz target: STIX2 bundles (vg_iocs_load_buffer) and STIX patterns
 * (vg_pattern_parse), then a few lookups on whatever was loaded.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "indicators/index.h"
#include "indicators/pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lookups(const struct vg_iocs *x)
{
    struct vg_ioc_match m;
    size_t i;

    vg_iocs_match_url(x, "https://a.b.example.org:8443/x?y", &m);
    vg_iocs_match_domain(x, "198.51.100.1", &m);
    vg_iocs_match_process(x, "com.apple.rappor", &m);
    vg_iocs_match_file_path(x, "/var/tmp/x/y", &m);
    vg_iocs_match_hash(x, "0123456789abcdef0123456789abcdef", &m);
    vg_iocs_match_text(x, "visit evil.com/x or https://example.org/", NULL, NULL);
    /* every loaded value finds an entry with its key; collections are only
     * listed once something was kept in them */
    for (i = 0; i < x->n_ents; i++) {
        const struct vg_ioc_ent *e = &x->ents[i];
        if (vg_index_find(x, e->type, e->key, e->klen, vg_key_hash(e->type, e->key, e->klen)) ==
            VG_IDX_NONE)
            abort();
    }
    for (i = 0; i < vg_iocs_collection_count(x); i++)
        if (vg_iocs_collection(x, i)->total == 0)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_iocs *x = NULL;
    struct vg_diag *d = NULL;
    struct vg_pattern p;

    if (vg_pattern_parse((const char *)data, size, &p) == VG_OK) {
        size_t i;
        for (i = 0; i < p.n; i++)
            if (strlen(p.terms[i].value) > p.terms[i].len)
                abort();
    }
    vg_pattern_free(&p);

    if (vg_iocs_new(&x) != VG_OK)
        return 0;
    if (vg_diag_new(NULL, NULL, &d) == VG_OK) {
        if (vg_iocs_load_buffer(x, "fuzz.stix2", (const char *)data, size, d) == VG_OK)
            lookups(x);
        vg_diag_free(d);
    }
    vg_iocs_free(x);
    return 0;
}
