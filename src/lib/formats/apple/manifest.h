/*
 * Manifest.db: the Files table of an iOS backup, with each MBFile decoded.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_MANIFEST_H
#define VG_FORMATS_MANIFEST_H

#include <sqlite3.h>

#include "formats/apple/mbfile.h"

struct vg_manifest_entry {
    char *file_id; /* 40 lowercase hex characters */
    char *domain;
    char *relative_path;
    int flags;  /* 1 file, 2 directory, 4 symlink */
    int has_mb; /* mb decoded */
    struct vg_mbfile mb;
};

struct vg_manifest {
    struct vg_manifest_entry *v; /* sorted by domain, then relative_path */
    size_t n;
    size_t bad_blobs; /* entries whose MBFile did not decode */
    size_t bad_rows;  /* rows skipped (bad file id, ...) */
};

/* Reads every row of Files. Bad rows and blobs are warnings naming display;
 * the rest is kept. */
int vg_manifest_load(sqlite3 *db, const char *display, struct vg_diag *diag,
                     struct vg_manifest **out) VG_MUST_CHECK;
void vg_manifest_free(struct vg_manifest *m);

/* Binary search by domain and path; NULL when absent. */
const struct vg_manifest_entry *vg_manifest_get(const struct vg_manifest *m, const char *domain,
                                                const char *relative_path);

#endif
