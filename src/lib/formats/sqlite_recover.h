/*
 * Recovering rows a SQLite database no longer shows (deleted or older
 * versions of rows), from the bytes SQLite left behind: cells on freelist
 * pages, in freeblocks and the unallocated area of the table's live leaf
 * pages, and in older page images (the database file's pages a committed
 * WAL frame replaced, and WAL frames that are superseded, uncommitted or
 * left over from an earlier WAL generation).
 *
 * Nothing is trusted: the database and its WAL are read through a read-at
 * callback, every number from them is checked, and only cells that decode
 * cleanly against the table's schema are reported, never one equal to a
 * live row. The layout, the heuristics and their limits are in
 * docs/formats/sqlite-recovery.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_SQLITE_RECOVER_H
#define VG_FORMATS_SQLITE_RECOVER_H

#include "util/vg.h"

/* ------------------------------------------------------------ input */

/* Bytes of a database or WAL: read_at copies len bytes at off into buf and
 * returns VG_OK, VG_E_TRUNCATED when the source ends before off + len, or
 * another error (VG_E_IO, VG_E_CRYPTO...) that stops the recovery. size is
 * the source's length in bytes. The caller may back it by memory, a file or
 * a decrypting reader. */
struct vg_sqlr_src {
    int (*read_at)(void *ud, uint64_t off, void *buf, size_t len);
    void *ud;
    uint64_t size;
};

/* A source over p[0..n), which must outlive src; m is the caller's. */
struct vg_sqlr_mem {
    const unsigned char *p;
    size_t n;
};
void vg_sqlr_src_mem(struct vg_sqlr_src *src, struct vg_sqlr_mem *m, const void *p, size_t n);

/* A source over a view of bytes (io/io.h: a file, an archive member, a
 * file decrypted as it is read), borrowed: io must outlive src. */
struct vg_io;
void vg_sqlr_src_io(struct vg_sqlr_src *src, struct vg_io *io);

/* ------------------------------------------------------------ schema */

/* Column affinity (sqlite.org/datatype3.html, "Determination Of Column
 * Affinity"). */
enum vg_sqlr_aff {
    VG_SQLR_AFF_BLOB = 0,
    VG_SQLR_AFF_TEXT,
    VG_SQLR_AFF_NUMERIC,
    VG_SQLR_AFF_INTEGER,
    VG_SQLR_AFF_REAL,
};

/* Storage classes; also the bits of a column's type mask. */
enum vg_sqlr_type {
    VG_SQLR_NULL = 1,
    VG_SQLR_INT = 2,
    VG_SQLR_REAL = 4,
    VG_SQLR_TEXT = 8,
    VG_SQLR_BLOB = 16,
};
#define VG_SQLR_ANY 31u

struct vg_sqlr_column {
    const char *name;          /* unquoted */
    enum vg_sqlr_aff affinity; /* from the declared type */
    unsigned types;            /* storage classes a recovered row may hold here */
    int rowid_alias;           /* INTEGER PRIMARY KEY: stored as NULL, its value is the rowid */
};

/* The stored columns of a rowid table (VIRTUAL generated columns are not
 * stored and not listed). */
struct vg_sqlr_schema;

/* Parses a CREATE TABLE statement (as sqlite_master keeps it). root is the
 * table's root page (0 when unknown: recovery then needs a caller's live
 * set and finds no live pages). Default type masks: INTEGER and REAL
 * affinity NULL|INT|REAL, TEXT NULL|TEXT|BLOB, NUMERIC and BLOB anything;
 * STRICT tables their declared type; NOT NULL drops NULL; the rowid alias
 * NULL only. VG_E_UNSUPPORTED for WITHOUT ROWID and virtual tables,
 * VG_E_CORRUPT for text that is not a CREATE TABLE (why says where),
 * VG_E_LIMIT past VG_SQLR_MAX_COLUMNS columns or VG_SQLITE_MAX_SQL_LENGTH. */
int vg_sqlr_schema_parse(const char *sql, size_t len, uint32_t root, struct vg_sqlr_schema **out,
                         char *why, size_t why_cap) VG_MUST_CHECK;
void vg_sqlr_schema_free(struct vg_sqlr_schema *s);
size_t vg_sqlr_schema_ncols(const struct vg_sqlr_schema *s);
const struct vg_sqlr_column *vg_sqlr_schema_col(const struct vg_sqlr_schema *s, size_t i);
uint32_t vg_sqlr_schema_root(const struct vg_sqlr_schema *s);
/* Widens or narrows the storage classes accepted in column i (a module that
 * knows a column holds only text, say). VG_E_INVAL for a bad index, an
 * empty mask, or anything but NULL on the rowid alias. */
int vg_sqlr_schema_set_types(struct vg_sqlr_schema *s, size_t i, unsigned types) VG_MUST_CHECK;
/* Rows written before an ALTER TABLE ADD COLUMN hold fewer columns; by
 * default a record must hold them all. 1 <= n <= ncols. */
int vg_sqlr_schema_set_min_cols(struct vg_sqlr_schema *s, size_t n) VG_MUST_CHECK;

/* ------------------------------------------------------------ rows */

struct vg_sqlr_value {
    enum vg_sqlr_type type;
    int64_t i;              /* VG_SQLR_INT */
    double r;               /* VG_SQLR_REAL */
    const unsigned char *p; /* VG_SQLR_TEXT (the database's encoding, no NUL added) or _BLOB */
    size_t n;
};

/* Where a row was found. */
enum vg_sqlr_where {
    VG_SQLR_FREELIST = 1, /* a freelist page (trunk or leaf) */
    VG_SQLR_FREEBLOCK,    /* a freeblock of a live leaf page of the table */
    VG_SQLR_UNALLOCATED,  /* the unallocated area of a live leaf page of the table */
    VG_SQLR_WAL_FRAME,    /* an older page image in the WAL */
    VG_SQLR_DB_PAGE_OLD,  /* the database file's page, replaced by a committed WAL frame */
};

/* The part of the page: for FREELIST, WAL_FRAME and DB_PAGE_OLD pages, a
 * cell of that page image, one of its freeblocks or its unallocated area, or
 * bytes without a page structure (a freelist trunk page). */
enum vg_sqlr_area {
    VG_SQLR_AREA_CELL = 1,
    VG_SQLR_AREA_FREEBLOCK,
    VG_SQLR_AREA_UNALLOCATED,
    VG_SQLR_AREA_RAW,
};

/* Why a WAL frame is not the live version of its page. */
enum vg_sqlr_frame_state {
    VG_SQLR_FRAME_SUPERSEDED = 1, /* committed, then replaced by a later committed frame */
    VG_SQLR_FRAME_UNCOMMITTED,    /* valid, after the last commit */
    VG_SQLR_FRAME_STALE,          /* after the valid frames: an earlier WAL generation or torn */
};

struct vg_sqlr_origin {
    enum vg_sqlr_where where;
    enum vg_sqlr_area area;
    uint32_t page;   /* page number */
    uint32_t offset; /* offset of the cell in the page (where its first bytes were when lost) */
    uint32_t frame;  /* WAL frame, counted from 1 (VG_SQLR_WAL_FRAME) */
    enum vg_sqlr_frame_state frame_state;
};

/* Flags of a row. */
#define VG_SQLR_ROW_HEADER_LOST 1u /* the cell's first bytes were overwritten: rowid unknown */
#define VG_SQLR_ROW_GUESSED                                                                        \
    2u /* the first column's serial type was overwritten too and                                   \
          several fitted: its value is one reading of the bytes */

struct vg_sqlr_row {
    int has_rowid;
    int64_t rowid;
    size_t ncols; /* values: the record's columns (fewer than the schema's for old rows) */
    const struct vg_sqlr_value *values;
    unsigned flags;
    struct vg_sqlr_origin origin;
};

/* ------------------------------------------------------------ live rows */

/* The live rows a recovered row is compared with (by SHA-256 of rowid and
 * values). Normally computed by walking the table; a caller who has read
 * the table (SELECT rowid, * FROM t) may supply it instead. */
struct vg_sqlr_live;
int vg_sqlr_live_new(struct vg_sqlr_live **out) VG_MUST_CHECK;
void vg_sqlr_live_free(struct vg_sqlr_live *l);
/* One live row: values as sqlite3_column_* give them, for the schema's
 * stored columns in order (vg_sqlr_schema_col names them; SELECT * would
 * add VIRTUAL generated ones), n <= ncols. The rowid alias may hold the
 * rowid: it is ignored. VG_E_INVAL when n is too large, VG_E_LIMIT past
 * VG_SQLR_MAX_LIVE_ROWS. */
int vg_sqlr_live_add(struct vg_sqlr_live *l, const struct vg_sqlr_schema *s, int64_t rowid,
                     const struct vg_sqlr_value *values, size_t n) VG_MUST_CHECK;

/* ------------------------------------------------------------ recovery */

struct vg_sqlr;

/* Reads the database header and indexes the WAL (wal may be NULL). display
 * names the file in diagnostics. VG_E_CORRUPT when db is not a SQLite
 * database; a WAL SQLite would not use is noted and its frames are still
 * read as older page images when they can be. */
int vg_sqlr_open(const struct vg_sqlr_src *db, const struct vg_sqlr_src *wal, const char *display,
                 struct vg_diag *diag, struct vg_sqlr **out) VG_MUST_CHECK;
void vg_sqlr_free(struct vg_sqlr *r);

/* The schema of table name (ASCII case-insensitive), read from the live
 * sqlite_master. VG_E_NOTFOUND when there is no such table, and
 * vg_sqlr_schema_parse's errors. UTF-8 databases only (VG_E_UNSUPPORTED). */
int vg_sqlr_table(struct vg_sqlr *r, const char *name, struct vg_sqlr_schema **out) VG_MUST_CHECK;

#define VG_SQLR_ALL_COPIES 1u /* report every copy of a row, not the first one found */
#define VG_SQLR_ANY_TEXT   2u /* accept text that is not valid in the database's encoding */

struct vg_sqlr_opts {
    const struct vg_sqlr_live *live; /* NULL: computed by walking the table */
    unsigned flags;
};

struct vg_sqlr_stats {
    size_t pages;         /* page reads */
    size_t cells_tried;   /* candidate records decoded */
    size_t rows;          /* rows delivered */
    size_t live_skipped;  /* candidates equal to a live row */
    size_t copies;        /* candidates equal to a row already delivered */
    size_t foreign_pages; /* table-leaf images whose cells are not this table's */
    size_t live_rows;     /* live rows compared with */
    int limited;          /* a cap stopped the work early */
};

/* Delivers the rows of schema s's table found outside its live b-tree.
 * Pages are read in this order: older page images (database file pages
 * replaced in the WAL, then WAL frames in order), freelist pages, the
 * table's live pages; three times over: first the cells of page images
 * (rows with their rowid), then intact cells carved from free space, then
 * cells whose first bytes a freeblock header overwrote (rowid lost). A row
 * equal to a live one is never delivered (same rowid and values, or same
 * values when the rowid is lost); one equal to a row already delivered is
 * skipped unless VG_SQLR_ALL_COPIES. cb gets one row at a time, borrowed
 * for the call, and returns VG_OK to go on (anything else stops the work
 * and is returned). opts and stats may be NULL. Damage is noted in the
 * diagnostics (page and offset) and the work goes on; a live table that
 * cannot be read whole is VG_E_CORRUPT unless opts->live is given (a live
 * row could not be told apart otherwise). A cap reached stops the work
 * with VG_E_LIMIT, the rows delivered so far being good. */
int vg_sqlr_recover(struct vg_sqlr *r, const struct vg_sqlr_schema *s,
                    const struct vg_sqlr_opts *opts,
                    int (*cb)(void *ud, const struct vg_sqlr_row *row), void *ud,
                    struct vg_sqlr_stats *stats) VG_MUST_CHECK;

#endif
