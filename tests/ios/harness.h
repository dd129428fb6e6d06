/*
 * Module test harness: runs one iOS module through the public API (the same
 * path as `vigie ios check-backup -m MODULE -o DIR`) on a fixture backup,
 * with indicators given inline, and returns what it wrote.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_IOS_HARNESS_H
#define VG_TESTS_IOS_HARNESS_H

#include <jansson.h>

#include "vigie/vigie.h"

struct vgh_result {
    int rc; /* vg_ios_check_backup's return */
    struct vg_summary sum;
    json_t *records; /* <module>.json, or an empty array when not written */
    json_t *alerts;  /* <module>_detected.json, or an empty array */
    json_t *info;    /* info.json */
    char *timeline;  /* timeline.csv contents ("" when absent) */
    size_t warnings; /* diagnostics of level WARN or ERROR */
    char *diag_text; /* every diagnostic, one per line, for asserts */
};

/* A STIX2 bundle with one indicator per pattern, all "indicating" one
 * malware named "TestMalware". patterns: NULL-terminated, e.g.
 * "[domain-name:value='example.org']". Returns the JSON text (free it). */
char *vgh_bundle(const char *const *patterns);

/* Runs module `module` on the backup at dir with the bundle text (may be
 * NULL: no indicators). Fills r; free with vgh_result_free. */
void vgh_run(const char *dir, const char *bundle, const char *module, struct vgh_result *r);
void vgh_result_free(struct vgh_result *r);

/* Convenience: the first alert's message, or "" */
const char *vgh_alert_message(const struct vgh_result *r, size_t i);

#endif
