/*
 * Crash reports: the .ips format (a first line of JSON metadata, then the
 * report: JSON since iOS 15, text before) and the older text crash report
 * with or without that first line. Layout, fields and sources:
 * docs/formats/ips.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_APPLE_IPS_H
#define VG_FORMATS_APPLE_IPS_H

#include <jansson.h>

#include "util/vg.h"

/* The report kinds vigie names; any other bug_type is kept as a number. */
#define VG_IPS_BUG_CRASH_TEXT 109 /* crash report, text body */
#define VG_IPS_BUG_CRASH_JSON 309 /* crash report, JSON body (iOS 15 and later) */

/* MVT's _parse_bugtype_header: int() of "bug_type" in the JSON of the first
 * line of data[0..len) (a number or a numeric string). VG_E_NOTFOUND when
 * the line is not a JSON object with a usable "bug_type". */
int vg_ips_bug_type(const void *data, size_t len, int64_t *out) VG_MUST_CHECK;

/* Reads a crash report into a new JSON object *out, every key always
 * present, in this order ("" and null for what the report does not say):
 *   bug_type (int)          the first line's bug_type
 *   format (str)            "json" or "text": how the report was read;
 *                           "none" when only the first line was
 *   incident_id, timestamp (as written), isodate (UTC, "" without a zone),
 *   os_version, process_name, process_path (str), pid (int),
 *   parent_process (str), parent_pid (int), bundle_id,
 *   exception_type, exception_signal, exception_codes, exception_subtype,
 *   termination_namespace (str), termination_code (int),
 *   termination_reason (str), faulting_thread (int)
 * Values of the wrong JSON type are warnings naming the key; a body that
 * does not parse is a warning naming its line and column, and the first
 * line's fields are kept. VG_E_CORRUPT when neither part could be read,
 * VG_E_NOMEM. */
int vg_ips_parse(const void *data, size_t len, const char *name, struct vg_diag *diag,
                 json_t **out) VG_MUST_CHECK;

#endif
