/*
 * Chrome's History database, as iOS's and Android's ChromeHistory modules
 * read it (MVT's query and records on both): the record fields, the
 * extraction (MVT's query, "isodate" added, deleted visits recovered), the
 * check and the timeline. Each platform's module adds its locators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_CHROME_H
#define VG_MODULES_CHROME_H

#include "modules/db.h"

#define VG_CHROME_HISTORY_N_FIELDS 6
extern const char *const vg_chrome_history_fields[VG_CHROME_HISTORY_N_FIELDS];

void vg_chrome_history_check(struct vg_run *run, const struct vg_rec *r);
void vg_chrome_history_timeline(struct vg_run *run, const struct vg_rec *r);

/* A module's extract: every History its locators find (iOS: every
 * profile), or the first (Android: MVT's path, then the multi-user one). */
int vg_chrome_history_extract_all(struct vg_run *run);
int vg_chrome_history_extract_first(struct vg_run *run);

#endif
