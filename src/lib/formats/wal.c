/*
 * SQLite WAL replay into a memory image (see wal.h).
 *
 * WAL header (32 bytes, big-endian fields): magic 0x377f0682 | 0x377f0683
 * (the low bit says the checksum words are big-endian), format version
 * 3007000, page size, checkpoint sequence, salt-1, salt-2, checksum-1,
 * checksum-2 (over the first 24 bytes). Each frame: a 24-byte header (page
 * number, database size in pages for a commit frame else 0, salt-1, salt-2,
 * checksum-1, checksum-2) then one page. A frame's checksum runs on from the
 * previous one over its first 8 header bytes and its page.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/wal.h"
#include "util/rd.h"

#define WAL_HDR       32u
#define WAL_FRAME_HDR 24u
#define WAL_MAGIC     0x377f0682u
#define WAL_VERSION   3007000u
#define WAL_MIN_PAGE  512u
#define WAL_MAX_PAGE  65536u
#define DB_HDR_PAGE   16u /* offset of the page size in a database header */

struct wal_scan {
    int big; /* checksum words are big-endian */
    uint32_t page_size;
    uint32_t salt1, salt2;
    uint32_t s0, s1;   /* running checksum */
    size_t valid;      /* frames that passed */
    size_t committed;  /* frames up to and including the last commit */
    uint32_t db_pages; /* size given by that commit */
};

static uint32_t word(struct vg_rd *r, int big)
{
    return big ? vg_rd_be32(r) : vg_rd_le32(r);
}

/* n is a multiple of 8 (header parts and pages always are). */
static void checksum(struct wal_scan *w, const unsigned char *p, size_t n)
{
    struct vg_rd r;

    vg_rd_init(&r, p, n);
    while (vg_rd_left(&r) >= 8) {
        uint32_t x0 = word(&r, w->big);
        uint32_t x1 = word(&r, w->big);
        w->s0 += x0 + w->s1;
        w->s1 += x1 + w->s0;
    }
}

static const char *read_header(struct vg_rd *r, struct wal_scan *w)
{
    const unsigned char *hdr = vg_rd_bytes(r, WAL_HDR);
    struct vg_rd h;
    uint32_t magic, version, c0, c1;

    if (!hdr)
        return "shorter than a WAL header";
    vg_rd_init(&h, hdr, WAL_HDR);
    magic = vg_rd_be32(&h);
    version = vg_rd_be32(&h);
    w->page_size = vg_rd_be32(&h);
    (void)vg_rd_be32(&h); /* checkpoint sequence */
    w->salt1 = vg_rd_be32(&h);
    w->salt2 = vg_rd_be32(&h);
    c0 = vg_rd_be32(&h);
    c1 = vg_rd_be32(&h);
    if ((magic & ~1u) != WAL_MAGIC)
        return "not a WAL (bad magic)";
    if (version != WAL_VERSION)
        return "unknown WAL format version";
    if (w->page_size < WAL_MIN_PAGE || w->page_size > WAL_MAX_PAGE ||
        (w->page_size & (w->page_size - 1)) != 0)
        return "invalid WAL page size";
    w->big = (int)(magic & 1u);
    checksum(w, hdr, WAL_HDR - 8);
    if (w->s0 != c0 || w->s1 != c1)
        return "WAL header checksum mismatch";
    return NULL;
}

/* Counts the frames SQLite would trust, stopping at the first bad one. */
static void scan_frames(struct vg_rd *r, struct wal_scan *w)
{
    size_t page = w->page_size;

    while (vg_rd_left(r) >= WAL_FRAME_HDR + page) {
        const unsigned char *fh = vg_rd_bytes(r, WAL_FRAME_HDR);
        const unsigned char *pg = vg_rd_bytes(r, page);
        struct vg_rd h;
        uint32_t pgno, commit, salt1, salt2, c0, c1;

        vg_rd_init(&h, fh, WAL_FRAME_HDR);
        pgno = vg_rd_be32(&h);
        commit = vg_rd_be32(&h);
        salt1 = vg_rd_be32(&h);
        salt2 = vg_rd_be32(&h);
        c0 = vg_rd_be32(&h);
        c1 = vg_rd_be32(&h);
        if (pgno == 0 || salt1 != w->salt1 || salt2 != w->salt2)
            return;
        checksum(w, fh, 8);
        checksum(w, pg, page);
        if (w->s0 != c0 || w->s1 != c1)
            return;
        w->valid++;
        if (commit) {
            w->committed = w->valid;
            w->db_pages = commit;
        }
    }
}

static uint32_t image_page_size(const unsigned char *db, size_t len)
{
    struct vg_rd r;
    uint32_t v;

    if (len < DB_HDR_PAGE + 2)
        return 0;
    vg_rd_init(&r, db, len);
    (void)vg_rd_skip(&r, DB_HDR_PAGE);
    v = vg_rd_be16(&r);
    return v == 1 ? WAL_MAX_PAGE : v; /* 65536 does not fit in 16 bits */
}

static int copy_image(const unsigned char *db, size_t db_len, size_t max, unsigned char **out,
                      size_t *out_len)
{
    unsigned char *p;

    if (db_len > max)
        return VG_E_LIMIT;
    p = vg_malloc(db_len);
    if (!p)
        return VG_E_NOMEM;
    if (db_len)
        memcpy(p, db, db_len);
    *out = p;
    *out_len = db_len;
    return VG_OK;
}

/* Second pass: the committed frames, in order, over a copy of the image. */
static int replay(const struct wal_scan *w, const unsigned char *db, size_t db_len,
                  const unsigned char *wal, size_t wal_len, size_t max, unsigned char **out,
                  size_t *out_len)
{
    size_t page = w->page_size, size, i;
    unsigned char *img;
    struct vg_rd r;

    if (vg_mul_overflow((size_t)w->db_pages, page, &size) || size > max)
        return VG_E_LIMIT;
    img = vg_calloc(1, size);
    if (!img)
        return VG_E_NOMEM;
    memcpy(img, db, db_len < size ? db_len : size);
    vg_rd_init(&r, wal, wal_len);
    (void)vg_rd_skip(&r, WAL_HDR);
    for (i = 0; i < w->committed; i++) {
        const unsigned char *fh = vg_rd_bytes(&r, WAL_FRAME_HDR);
        const unsigned char *pg = vg_rd_bytes(&r, page);
        struct vg_rd h;
        uint32_t pgno;

        if (!fh || !pg)
            break; /* cannot happen: scan_frames read these */
        vg_rd_init(&h, fh, WAL_FRAME_HDR);
        pgno = vg_rd_be32(&h);
        /* a page past the committed size was truncated away */
        if (pgno <= w->db_pages)
            memcpy(img + ((size_t)pgno - 1) * page, pg, page);
    }
    *out = img;
    *out_len = size;
    return VG_OK;
}

int vg_wal_apply(const unsigned char *db, size_t db_len, const unsigned char *wal, size_t wal_len,
                 size_t max, unsigned char **out, size_t *out_len, struct vg_wal_info *info)
{
    struct wal_scan w;
    struct vg_rd r;
    uint32_t db_page;

    memset(info, 0, sizeof(*info));
    memset(&w, 0, sizeof(w));
    if (db_len == 0) {
        /* SQLite deletes the WAL of an empty database file on open */
        info->why = "the database file is empty: SQLite discards its WAL";
        return copy_image(db, db_len, max, out, out_len);
    }
    vg_rd_init(&r, wal, wal_len);
    info->why = read_header(&r, &w);
    if (info->why)
        return copy_image(db, db_len, max, out, out_len);
    info->usable = 1;
    scan_frames(&r, &w);
    info->frames = w.committed;
    info->uncommitted = w.valid - w.committed;
    info->tail_bytes = wal_len - WAL_HDR - w.valid * (WAL_FRAME_HDR + (size_t)w.page_size);
    if (w.committed == 0) {
        info->why = "no committed transaction in the WAL";
        return copy_image(db, db_len, max, out, out_len);
    }
    db_page = image_page_size(db, db_len);
    if (db_page != w.page_size) {
        info->why = "the WAL's page size differs from the database's";
        return VG_E_CORRUPT;
    }
    return replay(&w, db, db_len, wal, wal_len, max, out, out_len);
}
