/*
 * Builds STIX2 bundles for the indicator tests, inline: jansson does the
 * JSON quoting, so patterns are written exactly as STIX spells them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_INDICATORS_BUNDLE_H
#define VG_TESTS_INDICATORS_BUNDLE_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "vigie/vigie.h"

/* A bundle with one indicator per pattern (ids "indicator--<tag>-<i>"),
 * each indicating the malware named `malware` when it is not NULL. The
 * caller frees the text. */
static inline char *tb_bundle(const char *tag, const char *malware, const char *const *patterns,
                              size_t n)
{
    json_t *objects = json_array(), *root;
    char id[128], mid[128];
    size_t i;
    char *text;

    snprintf(mid, sizeof(mid), "malware--%s", tag);
    if (malware)
        json_array_append_new(objects, json_pack("{s:s, s:s, s:s, s:b}", "type", "malware", "id",
                                                 mid, "name", malware, "is_family", 0));
    for (i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "indicator--%s-%zu", tag, i);
        json_array_append_new(objects,
                              json_pack("{s:s, s:s, s:s, s:s}", "type", "indicator", "id", id,
                                        "pattern", patterns[i], "pattern_type", "stix"));
        if (malware) {
            char rid[160];
            snprintf(rid, sizeof(rid), "relationship--%s-%zu", tag, i);
            json_array_append_new(objects,
                                  json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "relationship",
                                            "id", rid, "relationship_type", "indicates",
                                            "source_ref", id, "target_ref", mid));
        }
    }
    root = json_pack("{s:s, s:s, s:o}", "type", "bundle", "id", "bundle--t", "objects", objects);
    text = json_dumps(root, JSON_INDENT(1));
    json_decref(root);
    return text;
}

/* Loads one built bundle into x under `name`; returns the load's result. */
static inline int tb_load(struct vg_iocs *x, const char *name, const char *malware,
                          const char *const *patterns, size_t n, struct vg_diag *diag)
{
    char *text = tb_bundle(name, malware, patterns, n);
    int rc = text ? vg_iocs_load_buffer(x, name, text, strlen(text), diag) : VG_E_NOMEM;
    free(text);
    return rc;
}

#endif
