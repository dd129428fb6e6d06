/*
 * A STIX2 bundle reduced to what vigie reads of it (see stix_scan.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_INDICATORS_STIX_SCAN_H
#define VG_INDICATORS_STIX_SCAN_H

#include <jansson.h>

/* The bundle as a JSON object holding its "type" and "objects" (each
 * object with only the fields the loader reads; entries that are not
 * objects as null), after checking the whole text is valid JSON. NULL with
 * err filled (line, column, text) when it is not. A text that is not an
 * object at the top is parsed whole by jansson, which says why. */
json_t *vg_stix_scan(const char *data, size_t len, json_error_t *err);

#endif
