/*
 * Applying a SQLite write-ahead log to a database image in memory.
 *
 * Encrypted backups store a database's -wal as its own encrypted file. To
 * read the latest writes without putting plaintext on a disk, both are
 * decrypted into memory and the committed WAL frames are copied over the
 * image here, exactly as SQLite's own recovery does when it opens a database
 * whose -wal has no usable -shm: the frames after the header whose salts and
 * running checksums are valid, up to the last commit frame, each replacing
 * its page; the commit frame's size field sets the final page count. The
 * rules are those of sqlite.org/fileformat2.html ("The WAL File Format");
 * this is written here because SQLite's in-memory databases (memdb) cannot
 * open a WAL at all.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_WAL_H
#define VG_FORMATS_WAL_H

#include "util/vg.h"

struct vg_wal_info {
    int usable;         /* the WAL header is valid */
    size_t frames;      /* frames applied (up to the last commit) */
    size_t uncommitted; /* valid frames after the last commit, ignored as SQLite does */
    size_t tail_bytes;  /* bytes after the last valid frame (stale or damaged frames) */
    const char *why;    /* when not usable, or when the image and WAL disagree */
};

/* Makes *out (wipe with vg_free_secret) the database as of the WAL's last
 * commit. A WAL SQLite would ignore (bad header, no commit) gives a copy of
 * db, with info saying why. VG_E_CORRUPT when the WAL's page size differs
 * from the image's, VG_E_LIMIT when the result would pass max bytes. */
int vg_wal_apply(const unsigned char *db, size_t db_len, const unsigned char *wal, size_t wal_len,
                 size_t max, unsigned char **out, size_t *out_len,
                 struct vg_wal_info *info) VG_MUST_CHECK;

#endif
