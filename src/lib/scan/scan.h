/*
 * The scan engine: runs a platform's modules over a source, each module's
 * records streamed through its checks, the timeline and the writers, and
 * the cross-module outputs at the end.
 *
 * Modules that read different artifacts are independent: they run on
 * every core (VG_SCAN_WORKERS at most), each in its own struct vg_run with
 * its own diagnostics, alerts and coverage, and are committed in the
 * platform's module order, so the output is the same bytes however the
 * work was shared. Timeline events carry an order key (module position,
 * then the event's number within its module) that makes their final order
 * independent of the interleaving too.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_SCAN_H
#define VG_SCAN_SCAN_H

#include <pthread.h>

#include <jansson.h>

#include "output/output.h"
#include "scan/correlate.h"
#include "scan/module.h"
#include "scan/source.h"

struct vg_scan {
    const struct vg_iocs *iocs; /* never NULL: an empty set when none given */
    const struct vg_scan_opts *opts;
    struct vg_diag *diag;
    struct vg_source *src;
    struct vg_out *out;            /* NULL without -o */
    struct vg_timeline *tl;        /* every module's events (thread-safe adds) */
    struct vg_timeline *alerts_tl; /* one row per alert */
    json_t *alerts;                /* every alert, in module order */
    json_t *modules;               /* info.json "modules" */
    json_t *hashes;                /* display name -> sha256, with --hashes */
    json_t *device;                /* info.json "device" */
    json_t *unread;                /* what could not be read: the verdict's INCOMPLETE */
    struct vg_tz *tz;              /* the device's time zone (-t), or NULL: UTC */
    struct vg_signals signals;     /* every module's, for correlation (in module order) */
    pthread_mutex_t lock;          /* hashes, device */
    struct vg_summary *sum;
};

struct vg_run_schema; /* schemas the run made, freed with it */

struct vg_run {
    struct vg_scan *scan;
    const struct vg_module *mod;
    struct vg_source *src; /* what it reads: the scan's, or one nested in it */
    const char *name;      /* its result name: the module's, or prefix + it */
    const char *label;     /* its class name for people: "DumpsysAppops (bugreport)" */
    char *name_own, *label_own;
    size_t index;         /* in the platform's list: the timeline order */
    struct vg_diag *diag; /* the run's own, forwarded in order on commit */
    json_t *alerts;
    json_t *coverage; /* array of {artifact, status, detail} */
    json_t *unread;   /* what could not be read (or only with losses): strings */
    int rechecking;   /* records from saved results */
    size_t n_records;
    size_t dropped;                 /* records not emitted (failed, or past the cap) */
    uint64_t tl_seq;                /* events added so far */
    struct vg_signals signals;      /* its events that may be part of a story */
    struct vg_out_records *writer;  /* <module>.json */
    struct vg_out_records *rwriter; /* <module>_recovered.json */
    size_t n_recovered;             /* records made of deleted rows */
    json_t *recovering;             /* the deleted row being made a record: where it was found */
    const char *recovering_text;    /* the same, one line */
    int write_rc;                   /* first error writing */
    int nomem;                      /* sticky: an allocation failed */
    int status;                     /* extract's result */
    void *state;                    /* the module's own (vg_run_state) */
    size_t alert_counts[VG_LEVEL_COUNT];
    size_t unreadable; /* coverage entries UNREADABLE or PARTIAL */
    struct vg_run_schema *schemas;
    struct vg_rec *recs; /* one reusable row per schema */
    size_t n_recs;
    const struct vg_schema *json_schemas[8]; /* the shapes vg_run_emit_json met last */
    /* Whose rules the module's checks follow: the source's platform, or for
     * saved results the platform whose list holds the module. */
    enum vg_platform platform;
    /* the record being emitted: its highest alert (tags its timeline
     * events), its first event time (given to its alerts that have none) */
    int in_record;
    int rec_level;
    size_t rec_alerts_from;
    char rec_ioc[VG_MAX_IOC_VALUE + 1];
    char rec_ts[64];
};

int vg_scan_init(struct vg_scan *s, const struct vg_iocs *iocs, const struct vg_scan_opts *opts,
                 struct vg_diag *diag, struct vg_summary *sum, struct vg_source *src) VG_MUST_CHECK;
void vg_scan_cleanup(struct vg_scan *s);
/* Runs every selected module of the list, then writes the outputs. */
int vg_scan_run(struct vg_scan *s, const struct vg_module *const *mods, size_t n) VG_MUST_CHECK;

/* Acquisitions inside the scanned one (AndroidQF's bugreport.zip): after
 * the outer source is prepared, each is asked of it (its nested() op; for
 * saved results, the same source) and, when there, its kind's modules run
 * on it after the outer modules, their results named prefix + name. */
struct vg_scan_nest {
    enum vg_kind kind;
    const char *prefix; /* "bugreport_" */
    const struct vg_module *const *mods;
    size_t n;
};
int vg_scan_run_nested(struct vg_scan *s, const struct vg_module *const *mods, size_t n,
                       const struct vg_scan_nest *nests, size_t n_nests) VG_MUST_CHECK;

/* One module's place in a scan. */
struct vg_run_job {
    const struct vg_module *mod;
    struct vg_source *src;
    const char *prefix; /* NULL or "bugreport_" */
    const char *from;   /* the nested acquisition's kind name, or NULL */
    size_t index;       /* the timeline order */
};

/* Runs one module (the worker's job): extract or saved records, checks,
 * <module>.json. The run must have been set up by the engine. */
void vg_run_execute(struct vg_run *run);
int vg_run_setup(struct vg_run *run, struct vg_scan *s, const struct vg_run_job *job) VG_MUST_CHECK;
void vg_run_cleanup(struct vg_run *run);

/* Looks a module up by result name or class name (case-insensitive). */
const struct vg_module *vg_scan_find_module(const struct vg_module *const *mods, size_t n,
                                            const char *name);

/* Coverage status names for output. */
const char *vg_cov_name(enum vg_cov c);

#endif
