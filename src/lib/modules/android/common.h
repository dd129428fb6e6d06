/*
 * Helpers the Android modules share: reading an acquisition's files whole
 * and handing their records (jansson objects, from the parsers of
 * formats/android/) to the engine.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_ANDROID_COMMON_H
#define VG_ANDROID_COMMON_H

#include "formats/android/aqf.h"
#include "scan/checks.h"
#include "scan/module.h"

/* What a parse callback is given: one file's bytes, and a sink whose
 * records are emitted (vg_run_emit_json) and whose warnings name the file. */
typedef int (*vg_android_parse_fn)(struct vg_run *run, const struct vg_file *f,
                                   const unsigned char *data, size_t len, struct vg_aqf_sink *s,
                                   void *ud);

/* Every file loc finds (only the first, in the source's order, with
 * first_only), read whole (at most VG_MAX_AQF_FILE bytes), parsed by fn.
 * A file that cannot be read is a warning and UNREADABLE coverage; a parse
 * that could not follow the file to its end (fn returned VG_E_TRUNCATED or
 * VG_E_CORRUPT) is PARTIAL coverage naming the file, and the records up to
 * there stand. Returns VG_OK, VG_E_NOMEM or the engine's stop (VG_E_LIMIT);
 * *n_files (may be NULL) counts the files read. */
int vg_android_each_file(struct vg_run *run, const struct vg_loc *loc, int first_only,
                         vg_android_parse_fn fn, void *ud, size_t *n_files) VG_MUST_CHECK;

/* The sink vg_android_each_file hands out, for modules that parse bytes of
 * their own: records go to vg_run_emit_json, warnings to the run, tagged
 * with file. */
void vg_android_sink(struct vg_run *run, const char *file, struct vg_aqf_sink *s);

/* The value of property name in getprop.txt (the first found), copied into
 * buf (cap bytes); "" when there is none. For modules that need a fact of
 * the device (its time zone). */
void vg_android_getprop(struct vg_run *run, const struct vg_loc *getprop, const char *name,
                        char *buf, size_t cap);

/* The device's time zone, as MVT finds it: persist.sys.timezone in
 * getprop.txt (found by the locator getprop), else NULL for UTC (with a
 * note, or a warning when the zone is not in this system's database).
 * Free with vg_tz_free. */
struct vg_tz *vg_android_device_zone(struct vg_run *run, const struct vg_loc *getprop);

/* Text of a record value that is a JSON string, else NULL (records from
 * files keep the file's types; a field of the wrong type is no value). */
const char *vg_android_jtext(const json_t *obj, const char *key);

#endif
