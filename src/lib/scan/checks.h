/*
 * Checks shared by every module: look a value up in the indicators and,
 * on a hit, raise an alert worded as MVT words it (analysts grep for those
 * messages). All lookups are the indicator engine's O(length) ones.
 * Each returns 1 when it raised an alert, 0 otherwise.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_CHECKS_H
#define VG_SCAN_CHECKS_H

#include "scan/module.h"

/* A URL or bare host: url indicators, then domains and IPs. */
int vg_check_url(struct vg_run *run, enum vg_level level, const json_t *rec, const char *url,
                 const char *event_time);
/* Every URL and bare host name found in free text. Stops at the first hit. */
int vg_check_text(struct vg_run *run, enum vg_level level, const json_t *rec, const char *text,
                  const char *event_time);
/* Every string in a JSON array of URLs (e.g. an MVT "links" field). */
int vg_check_url_list(struct vg_run *run, enum vg_level level, const json_t *rec,
                      const json_t *urls, const char *event_time);
int vg_check_process(struct vg_run *run, enum vg_level level, const json_t *rec, const char *name,
                     const char *event_time);
int vg_check_email(struct vg_run *run, enum vg_level level, const json_t *rec, const char *email,
                   const char *event_time);
int vg_check_file_path(struct vg_run *run, enum vg_level level, const json_t *rec, const char *path,
                       const char *event_time);
int vg_check_file_name(struct vg_run *run, enum vg_level level, const json_t *rec, const char *name,
                       const char *event_time);
int vg_check_profile_id(struct vg_run *run, enum vg_level level, const json_t *rec, const char *id,
                        const char *event_time);
int vg_check_app_id(struct vg_run *run, enum vg_level level, const json_t *rec, const char *id,
                    const char *event_time);
int vg_check_hash(struct vg_run *run, enum vg_level level, const json_t *rec, const char *hex,
                  const char *event_time);

/* Record field helpers: a string member or NULL. */
const char *vg_rec_str(const json_t *rec, const char *key);
/* The record's timestamp field as an event time ("" when absent). */
const char *vg_rec_time(const json_t *rec, const char *key);

/* Record building helpers. */
json_t *vg_json_str(const char *s); /* NULL -> json null */
/* A Cocoa (2001-based) time, seconds or nanoseconds, as an isodate string;
 * null when the value is not a usable time. */
json_t *vg_json_cocoa_date(double cocoa);
json_t *vg_json_unix_date(double unix_seconds);

#endif
