/*
 * The scan engine: runs a table of modules over a source (or over an
 * earlier result folder, for check-iocs), collects records, alerts,
 * timeline, coverage and hashes, and hands them to the writers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_SCAN_H
#define VG_SCAN_SCAN_H

#include <jansson.h>

#include "output/output.h"
#include "scan/module.h"
#include "scan/seen.h"
#include "scan/source.h"

struct vg_scan {
    const struct vg_iocs *iocs; /* never NULL: an empty set when none given */
    const struct vg_scan_opts *opts;
    struct vg_diag *diag;
    struct vg_source *src;   /* NULL when re-checking a result folder */
    const char *results_dir; /* check-iocs: where <module>.json files are */
    const char *kind;        /* "ios-backup", "check-iocs" */
    struct vg_out *out;      /* NULL without -o */
    struct vg_timeline *tl;
    struct vg_timeline *alerts_tl;
    json_t *alerts;  /* every alert, in module order */
    json_t *modules; /* info.json "modules": name -> {records, alerts, coverage} */
    json_t *hashes;  /* display name -> sha256, when --hashes */
    json_t *extra;   /* info.json fields a source adds (backup: device) */
    struct vg_summary *sum;
};

struct vg_run {
    struct vg_scan *scan;
    const struct vg_module *mod;
    json_t *records;
    json_t *alerts;
    json_t *coverage;       /* array of {artifact, status, detail} */
    struct vg_seen tl_seen; /* this module's timeline events so far, to drop repeats */
    int streaming;          /* records are processed as added, not kept */
    size_t n_records;
    struct vg_out_records *writer; /* <module>.json while streaming */
    int write_rc;                  /* first error writing the stream */
    void *state;                   /* the module's own (vg_run_state) */
    size_t alert_counts[VG_LEVEL_COUNT];
};

int vg_scan_init(struct vg_scan *s, const struct vg_iocs *iocs, const struct vg_scan_opts *opts,
                 struct vg_diag *diag, struct vg_summary *sum, const char *kind) VG_MUST_CHECK;
void vg_scan_cleanup(struct vg_scan *s);
/* Runs every selected module of the table, then writes the outputs. */
int vg_scan_run(struct vg_scan *s, const struct vg_module *const *mods, size_t n) VG_MUST_CHECK;

/* Looks a module up by result name or class name (case-insensitive). */
const struct vg_module *vg_scan_find_module(const struct vg_module *const *mods, size_t n,
                                            const char *name);

/* Coverage status names for output. */
const char *vg_cov_name(enum vg_cov c);

#endif
