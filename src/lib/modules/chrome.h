/*
 * Chrome's History database, as iOS's and Android's ChromeHistory modules
 * read it (MVT's query and records on both): the query, its record fields,
 * the row callback that adds "isodate", the check, the timeline and the
 * recovery of deleted visits. Each platform's module adds its locators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_CHROME_H
#define VG_MODULES_CHROME_H

#include "modules/db.h"

extern const char vg_chrome_history_sql[];
#define VG_CHROME_HISTORY_N_FIELDS 6
extern const char *const vg_chrome_history_fields[VG_CHROME_HISTORY_N_FIELDS];

int vg_chrome_history_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st);
void vg_chrome_history_check(struct vg_run *run, const struct vg_rec *r);
void vg_chrome_history_timeline(struct vg_run *run, const struct vg_rec *r);

/* The query, its row callback and the recovery of deleted visits. */
extern const struct vg_db_query vg_chrome_history_query;

#endif
