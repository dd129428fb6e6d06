/*
 * A read-only SQLite VFS over struct vg_io (internal to formats/sqlite.c).
 *
 * SQLite reads evidence only through it: the database's bytes come from
 * whatever view the source handed over (a regular file opened without
 * following links, a member kept from an archive, a file decrypted block by
 * block as SQLite asks for its pages), pages the -wal changed come from the
 * WAL (formats/wal.h), and nothing is ever written: no journal, no -shm,
 * no checkpoint, no copy, no plaintext on disk.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_SQLITE_VFS_H
#define VG_FORMATS_SQLITE_VFS_H

#include "formats/wal.h"
#include "io/io.h"

#define VG_SQ_VFS_NAME "vigie-ro"

struct vg_sq_image;

/* The image SQLite will see: db with the WAL index applied (wx may be
 * NULL), the header made to say "rollback journal" so SQLite never looks
 * for a -wal, and the page count zeroed when untrust_count is set (a
 * truncated file: SQLite then sizes the database from what is there).
 * Takes db, wal and wx. */
int vg_sq_image_new(struct vg_io *db, struct vg_io *wal, struct vg_wal_index *wx, int untrust_count,
                    struct vg_sq_image **out) VG_MUST_CHECK;
void vg_sq_image_free(struct vg_sq_image *img);
uint64_t vg_sq_image_size(const struct vg_sq_image *img);
/* Registers the VFS (once) and the image under a fresh name: the URI to
 * give sqlite3_open_v2 with VG_SQ_VFS_NAME (free it). */
int vg_sq_image_publish(struct vg_sq_image *img, char **uri) VG_MUST_CHECK;
/* Forgets the name (after sqlite3_open_v2 has opened it, or failed). */
void vg_sq_image_unpublish(struct vg_sq_image *img);

#endif
