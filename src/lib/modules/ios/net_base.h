/*
 * MVT's NetBase on typed records: the extraction, checks and timeline
 * Datausage (DataUsage.sqlite) and Netusage (netusage.sqlite) share
 * (net_base.c). A module names its databases by locators and may add its
 * own checks through hooks; the records, alerts and timeline are MVT's.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_NET_BASE_H
#define VG_IOS_NET_BASE_H

#include "scan/module.h"

/* The record's keys, in MVT's order (the module's .fields). */
enum {
    VG_NET_F_FIRST,
    VG_NET_F_ISODATE,
    VG_NET_F_NAME,
    VG_NET_F_BUNDLE,
    VG_NET_F_PROC_ID,
    VG_NET_F_WIFI_IN,
    VG_NET_F_WIFI_OUT,
    VG_NET_F_WWAN_IN,
    VG_NET_F_WWAN_OUT,
    VG_NET_F_LIVE_ID,
    VG_NET_F_LIVE_PROC_ID,
    VG_NET_F_LIVE_ISO,
    VG_NET_N_FIELDS
};
extern const char *const vg_net_fields[VG_NET_N_FIELDS];

/* What a module adds to the shared extraction. Every member may be NULL. */
struct vg_net_hooks {
    /* After each database's rows were read, while it is open. */
    int (*db)(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud);
    /* After every database was read, before the tampering checks: the
     * place of MVT's run()-time checks (vg_net_each_row walks the rows). */
    int (*rows)(struct vg_run *run, void *ud);
    void *ud;
};

/* Reads every database locs[0..n-1] find, then raises the tampering
 * alerts and emits the records sorted by first use. */
int vg_net_extract(struct vg_run *run, const struct vg_loc *locs, size_t n,
                   const struct vg_net_hooks *h) VG_MUST_CHECK;

/* From the rows hook: every row read so far, in read order, as a record
 * of the module's keys. orphan: the row's process record was deleted (its
 * proc_name already reads "MANIPULATED ...", as MVT's saved alerts show
 * it). cb returns VG_OK to go on. */
int vg_net_each_row(struct vg_run *run,
                    int (*cb)(struct vg_run *run, const struct vg_rec *r, int orphan, void *ud),
                    void *ud) VG_MUST_CHECK;

/* The module's check_record, check_finish and timeline. */
void vg_net_check_one(struct vg_run *run, const struct vg_rec *r);
void vg_net_finish(struct vg_run *run);
void vg_net_timeline(struct vg_run *run, const struct vg_rec *r);

#endif
