/*
 * A source: one acquisition type (an iOS backup, a filesystem dump, a
 * sysdiagnose archive, an AndroidQF acquisition, a bugreport, an Android
 * backup, intrusion logs, or the saved results check-iocs reads). A source
 * finds files by the locators modules declare and hands each over as bytes
 * (struct vg_io) with what is known of it; it knows its own storage (the
 * backup's manifest and file ids, its encryption, an archive read in one
 * pass) and nothing of modules. Facts only a container knows (the backup is
 * encrypted, the phone's model) reach the engine as facts, and modules as
 * files, never through a backdoor.
 *
 * Adding a source: one file in src/lib/sources/ with an open function that
 * fills a struct vg_source, and one row in src/lib/sources/list.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_SOURCE_H
#define VG_SCAN_SOURCE_H

#include <jansson.h>

#include "scan/module.h"

struct vg_source_ops {
    /* Before any find: the locators of the modules about to run, so an
     * archive can be read once keeping exactly what they name. NULL: none
     * needed. */
    int (*prepare)(void *self, const struct vg_loc *const *locs, size_t n, struct vg_diag *diag);
    /* Visits the files loc names, in a stable order; the number visited or
     * a negative error (VG_E_NOTFOUND: this source has no such kind of
     * place). Called from several threads at once. */
    int (*find)(void *self, const struct vg_loc *loc, int (*cb)(void *ud, const struct vg_file *f),
                void *ud, struct vg_diag *diag);
    /* The bytes of a file find gave. */
    int (*open)(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag);
    /* The file beside f with suffix appended to its path, or VG_E_NOTFOUND.
     * NULL: never any. */
    int (*sibling)(void *self, const struct vg_file *f, const char *suffix, struct vg_io **out,
                   struct vg_diag *diag);
    /* Saved results: the records an earlier run wrote in <name>.json (a
     * module's result name, with the prefix of the acquisition it came from
     * when it was nested: "bugreport_dumpsys_appops"; or "<name>_recovered"),
     * one JSON object at a time (cb takes it), or VG_E_NOTFOUND. NULL for
     * acquisitions. */
    int (*records)(void *self, const char *name, int (*cb)(void *ud, json_t *rec), void *ud,
                   struct vg_diag *diag);
    /* The acquisition of kind held inside this one (AndroidQF's
     * bugreport.zip), as a source of its own: called once prepare() has
     * run, for each row of sources/list.h's VG_SOURCE_NESTS naming this
     * source's kind. The engine runs kind's modules on it and frees it;
     * this source outlives it. VG_E_NOTFOUND when there is none. NULL:
     * never any. */
    int (*nested)(void *self, enum vg_kind kind, struct vg_diag *diag, struct vg_source **out);
    void (*free)(void *self);
};

struct vg_source {
    const struct vg_source_ops *ops;
    void *self;
    const char *kind; /* "ios-backup", ... (info.json "kind") */
    enum vg_kind kind_id;
    enum vg_platform platform; /* whose modules run */
    int any_platform;          /* saved results: every platform's modules */
    char *path;                /* the evidence, as given (a nested source: its path
                                * inside the outer one, "bugreport.zip") */
    char *real;                /* and resolved: nothing may be written inside */
    char **more_real;          /* the other acquisitions checked with it, resolved */
    size_t n_more_real;        /* how many */
    json_t *facts;             /* device and acquisition facts for info.json */
    json_t *unread;            /* what could not be read at all: strings */
    char *notes;               /* one line for the console (which backup was picked) */
    int nomem;                 /* sticky: a fact or note could not be recorded */
    /* >0: alerts_context.csv gives every event within this many seconds of
     * each alert (dense logs, where the events around a hit tell the most) */
    int alert_context;
    /* The device's time zone as the acquisition says it (AndroidQF's
     * persist.sys.timezone), an IANA name owned by the source, or NULL; the
     * scan's option (-t) wins over it. Set when the source is opened. */
    char *timezone;
};

/* For source implementations: a zeroed source for path (real resolved). */
int vg_source_alloc(const char *path, struct vg_source **out) VG_MUST_CHECK;
/* The same for a source nested in outer (nested()): path is where it lies
 * in outer, and real is outer's. */
int vg_source_alloc_nested(const struct vg_source *outer, const char *path,
                           struct vg_source **out) VG_MUST_CHECK;
/* One more evidence path (several acquisitions at once): nothing is
 * written inside it either. */
int vg_source_add_path(struct vg_source *src, const char *path) VG_MUST_CHECK;
/* Something the source could not read at all: the check is INCOMPLETE. */
void vg_source_unread(struct vg_source *src, const char *what);
/* A device fact (takes value). */
void vg_source_fact(struct vg_source *src, const char *key, json_t *value);
/* The locator kinds a kind of source serves (VG_LOC_BIT); 0: saved
 * results, which run every module that has results there. */
unsigned vg_kind_locs(enum vg_kind kind);
/* Whose modules a kind of source runs: a platform, or -1 for every one. */
int vg_kind_platform(enum vg_kind kind);

/* The acquisitions held inside others (sources/list.h VG_SOURCE_NESTS):
 * the i-th row, 0 past the last. A check of outer kind (or of saved
 * results, which may hold such results) also runs inner's modules, their
 * results named prefix + module name. */
struct vg_source_nest {
    enum vg_kind outer, inner;
    const char *prefix; /* "bugreport_" */
};
int vg_source_nest_at(size_t i, struct vg_source_nest *out);

#endif
