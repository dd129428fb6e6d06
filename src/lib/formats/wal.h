/*
 * Reading a database as of its SQLite write-ahead log, without writing.
 *
 * SQLite itself would apply a -wal by writing a -shm beside it and, on
 * close, checkpointing into the database: neither may happen to evidence.
 * So the WAL is read here, exactly as SQLite's own recovery reads a WAL that
 * has no usable -shm: the frames after the header whose salts and running
 * checksums are valid, up to the last commit frame; the commit frame's size
 * field sets the final page count. The rules are those of
 * sqlite.org/fileformat2.html ("The WAL File Format").
 *
 * The index says, for every page the WAL changed, where its latest committed
 * version is; formats/sqlite.c serves SQLite those pages in place of the
 * database's own (a read-only VFS), so nothing is copied or written.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_WAL_H
#define VG_FORMATS_WAL_H

#include "io/io.h"

struct vg_wal_info {
    int usable;          /* the WAL header is valid */
    size_t frames;       /* frames applied (up to the last commit) */
    size_t uncommitted;  /* valid frames after the last commit, ignored as SQLite does */
    uint64_t tail_bytes; /* bytes after the last valid frame (stale or damaged frames) */
    const char *why;     /* when not usable, or when the image and WAL disagree */
};

struct vg_wal_page {
    uint32_t pgno;
    uint64_t off; /* of the page's bytes in the WAL */
};

struct vg_wal_index {
    uint32_t page_size;
    uint32_t db_pages; /* the database's size in pages after the last commit */
    size_t n;          /* pages the WAL changed, sorted by pgno */
    struct vg_wal_page *v;
    struct vg_wal_info info;
};

/* Indexes wal for a database whose header says db_page_size (0: the
 * database is empty, and SQLite discards the WAL of an empty file). A WAL
 * SQLite would ignore (bad header, no commit) gives an index with n == 0
 * and info.why saying why. VG_E_CORRUPT when the page sizes differ. */
int vg_wal_index_new(struct vg_io *wal, uint32_t db_page_size,
                     struct vg_wal_index **out) VG_MUST_CHECK;
void vg_wal_index_free(struct vg_wal_index *x);
/* Where page pgno's committed bytes are in the WAL, or 0 when the WAL has
 * no version of it. */
uint64_t vg_wal_index_find(const struct vg_wal_index *x, uint32_t pgno);

/* A hot rollback journal (a writer died mid-transaction): the index of the
 * original pages it holds, which SQLite would write back before reading,
 * and db_pages the database's size before the transaction. A journal
 * SQLite would not roll back (zeroed or bad header, no valid record) gives
 * an index with n == 0 and db_pages == 0. See "The Rollback Journal" in
 * sqlite.org/fileformat2.html. */
int vg_journal_index_new(struct vg_io *journal, uint32_t db_page_size,
                         struct vg_wal_index **out) VG_MUST_CHECK;

/* The page size a database header gives (bytes 16-17; 1 means 65536), or
 * 0 when the header is too short or the size invalid. */
uint32_t vg_sqlite_header_page_size(const unsigned char *hdr, size_t len);

/* Makes *out (wipe with vg_free_secret) the image of a database as of the
 * WAL's last commit, for data already in memory. A WAL SQLite would ignore
 * gives a copy of db, with info saying why. VG_E_CORRUPT when the WAL's
 * page size differs from the image's, VG_E_LIMIT when the result would
 * pass max bytes. */
int vg_wal_apply(const unsigned char *db, size_t db_len, const unsigned char *wal, size_t wal_len,
                 size_t max, unsigned char **out, size_t *out_len,
                 struct vg_wal_info *info) VG_MUST_CHECK;

#endif
