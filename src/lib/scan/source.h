/*
 * An acquisition as modules see it: a set of files addressed by domain and
 * relative path. The iTunes backup (src/lib/ios/backup.c) is the first;
 * filesystem dumps and Android archives will implement the same operations.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_SOURCE_H
#define VG_SCAN_SOURCE_H

#include <sqlite3.h>

#include "scan/module.h"

struct vg_source_ops {
    /* Visits the files matching a, in (domain, path) order. Returns the
     * number visited, or a negative error. */
    int (*find)(void *self, const struct vg_artifact *a,
                int (*cb)(void *ud, const struct vg_file *f), void *ud);
    /* Whether a file listed in the acquisition is really present. */
    int (*present)(void *self, const struct vg_file *f);
    int (*open_sqlite)(void *self, const struct vg_file *f, struct vg_diag *diag, sqlite3 **db);
    int (*read)(void *self, const struct vg_file *f, size_t max, unsigned char **data, size_t *len);
    /* SHA-256 of the file as stored in the acquisition (for --hashes). */
    int (*sha256)(void *self, const struct vg_file *f, char hex[65]);
    void (*free)(void *self);
};

struct vg_source {
    const struct vg_source_ops *ops;
    void *self;
    unsigned kind;            /* VG_SRC_BACKUP or VG_SRC_FS */
    struct vg_backup *backup; /* set for backups */
};

#endif
