/*
 * SQLite WAL index and replay (see wal.h).
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

static const char *read_header(const unsigned char *hdr, struct wal_scan *w)
{
    struct vg_rd h;
    uint32_t magic, version, c0, c1;

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

/* One frame (header and page in buf): 1 when SQLite would trust it. */
static int frame_ok(struct wal_scan *w, const unsigned char *buf, uint32_t *pgno, uint32_t *commit)
{
    struct vg_rd h;
    uint32_t salt1, salt2, c0, c1;

    vg_rd_init(&h, buf, WAL_FRAME_HDR);
    *pgno = vg_rd_be32(&h);
    *commit = vg_rd_be32(&h);
    salt1 = vg_rd_be32(&h);
    salt2 = vg_rd_be32(&h);
    c0 = vg_rd_be32(&h);
    c1 = vg_rd_be32(&h);
    if (*pgno == 0 || salt1 != w->salt1 || salt2 != w->salt2)
        return 0;
    checksum(w, buf, 8);
    checksum(w, buf + WAL_FRAME_HDR, w->page_size);
    return w->s0 == c0 && w->s1 == c1;
}

uint32_t vg_sqlite_header_page_size(const unsigned char *hdr, size_t len)
{
    struct vg_rd r;
    uint32_t v;

    if (len < DB_HDR_PAGE + 2)
        return 0;
    vg_rd_init(&r, hdr, len);
    (void)vg_rd_skip(&r, DB_HDR_PAGE);
    v = vg_rd_be16(&r);
    if (v == 1)
        return WAL_MAX_PAGE; /* 65536 does not fit in 16 bits */
    if (v < WAL_MIN_PAGE || (v & (v - 1)) != 0)
        return 0;
    return v;
}

void vg_wal_index_free(struct vg_wal_index *x)
{
    if (!x)
        return;
    free(x->v);
    free(x);
}

static int page_cmp(const void *a, const void *b)
{
    const struct vg_wal_page *x = a, *y = b;
    if (x->pgno != y->pgno)
        return x->pgno < y->pgno ? -1 : 1;
    /* later frames first, so the first of a run is the latest version */
    return (x->off < y->off) - (x->off > y->off);
}

/* Sorts by page, keeps the latest frame of each page within the committed
 * size (pages past it were truncated away). */
static void index_finish(struct vg_wal_index *x)
{
    size_t i, o = 0;

    if (x->n)
        qsort(x->v, x->n, sizeof(*x->v), page_cmp);
    for (i = 0; i < x->n; i++) {
        if (x->v[i].pgno > x->db_pages)
            continue;
        if (o > 0 && x->v[o - 1].pgno == x->v[i].pgno)
            continue;
        x->v[o++] = x->v[i];
    }
    x->n = o;
}

static int index_push(struct vg_wal_index *x, size_t *cap, uint32_t pgno, uint64_t off)
{
    if (x->n == *cap) {
        size_t want = *cap ? *cap * 2 : 64;
        struct vg_wal_page *g = vg_realloc_array(x->v, want, sizeof(*x->v));
        if (!g)
            return VG_E_NOMEM;
        x->v = g;
        *cap = want;
    }
    x->v[x->n].pgno = pgno;
    x->v[x->n].off = off;
    x->n++;
    return VG_OK;
}

/* Reads the frames SQLite would trust, stopping at the first bad one;
 * keeps those up to the last commit. */
static int scan_frames(struct vg_io *wal, struct wal_scan *w, struct vg_wal_index *x)
{
    size_t frame = WAL_FRAME_HDR + (size_t)w->page_size, cap = 0, pending = 0;
    uint64_t off = WAL_HDR, size = vg_io_size(wal);
    unsigned char *buf = vg_malloc(frame);
    int rc = buf ? VG_OK : VG_E_NOMEM;

    while (rc == VG_OK && size - off >= frame && w->valid < VG_MAX_WAL_FRAMES) {
        uint32_t pgno, commit;
        rc = vg_io_read_exact(wal, off, buf, frame);
        if (rc != VG_OK || !frame_ok(w, buf, &pgno, &commit))
            break;
        rc = index_push(x, &cap, pgno, off + WAL_FRAME_HDR);
        w->valid++;
        pending++;
        off += frame;
        if (commit) {
            w->committed = w->valid;
            w->db_pages = commit;
            pending = 0;
        }
    }
    /* frames after the last commit are not part of the database */
    x->n -= pending < x->n ? pending : x->n;
    x->info.tail_bytes = size - off;
    vg_free_secret(buf, buf ? frame : 0);
    return rc == VG_E_TRUNCATED ? VG_OK : rc;
}

int vg_wal_index_new(struct vg_io *wal, uint32_t db_page_size, struct vg_wal_index **out)
{
    struct vg_wal_index *x = vg_calloc(1, sizeof(*x));
    unsigned char hdr[WAL_HDR];
    struct wal_scan w;
    int rc;

    if (!x)
        return VG_E_NOMEM;
    memset(&w, 0, sizeof(w));
    if (db_page_size == 0) {
        x->info.why = "the database file is empty: SQLite discards its WAL";
        *out = x;
        return VG_OK;
    }
    if (vg_io_read_exact(wal, 0, hdr, WAL_HDR) != VG_OK) {
        x->info.why = "shorter than a WAL header";
        *out = x;
        return VG_OK;
    }
    x->info.why = read_header(hdr, &w);
    if (x->info.why) {
        *out = x;
        return VG_OK;
    }
    x->info.usable = 1;
    rc = scan_frames(wal, &w, x);
    if (rc != VG_OK) {
        vg_wal_index_free(x);
        return rc;
    }
    x->info.frames = w.committed;
    x->info.uncommitted = w.valid - w.committed;
    if (w.committed == 0) {
        x->info.why = "no committed transaction in the WAL";
        x->n = 0;
        *out = x;
        return VG_OK;
    }
    if (db_page_size != w.page_size) {
        vg_wal_index_free(x);
        return VG_E_CORRUPT;
    }
    x->page_size = w.page_size;
    x->db_pages = w.db_pages;
    index_finish(x);
    *out = x;
    return VG_OK;
}

uint64_t vg_wal_index_find(const struct vg_wal_index *x, uint32_t pgno)
{
    size_t lo = 0, hi = x->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->v[mid].pgno < pgno)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->n && x->v[lo].pgno == pgno ? x->v[lo].off : 0;
}

/* ---- rollback journal ---- */

#define JRNL_HDR 28u

static const unsigned char jrnl_magic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};

struct jrnl_seg {
    uint32_t count; /* records, or UINT32_MAX: up to the end of the file */
    uint32_t nonce;
    uint32_t db_pages;
    uint32_t sector;
    uint32_t page_size;
};

static int jrnl_header(struct vg_io *j, uint64_t off, struct jrnl_seg *h)
{
    unsigned char b[JRNL_HDR];
    struct vg_rd r;

    if (vg_io_read_exact(j, off, b, sizeof(b)) != VG_OK || memcmp(b, jrnl_magic, 8) != 0)
        return 0;
    vg_rd_init(&r, b + 8, JRNL_HDR - 8);
    h->count = vg_rd_be32(&r);
    h->nonce = vg_rd_be32(&r);
    h->db_pages = vg_rd_be32(&r);
    h->sector = vg_rd_be32(&r);
    h->page_size = vg_rd_be32(&r);
    return h->sector >= JRNL_HDR && h->sector <= WAL_MAX_PAGE && (h->sector & (h->sector - 1)) == 0;
}

/* SQLite's journal checksum: the nonce plus every 200th byte from the end. */
static uint32_t jrnl_sum(uint32_t nonce, const unsigned char *page, uint32_t n)
{
    uint32_t sum = nonce;
    int64_t x;

    for (x = (int64_t)n - 200; x >= 0; x -= 200)
        sum += page[x];
    return sum;
}

/* The records of one segment from off; returns where the next one starts. */
static int jrnl_segment(struct vg_io *j, const struct jrnl_seg *h, uint64_t *off,
                        struct vg_wal_index *x, size_t *cap)
{
    size_t rec = 8 + (size_t)h->page_size, i;
    unsigned char *buf = vg_malloc(rec);
    uint64_t at = *off + h->sector;
    int rc = buf ? VG_OK : VG_E_NOMEM;

    for (i = 0; rc == VG_OK && (h->count == UINT32_MAX || i < h->count); i++) {
        struct vg_rd r;
        uint32_t pgno, sum;
        if (x->n >= VG_MAX_WAL_FRAMES || vg_io_read_exact(j, at, buf, rec) != VG_OK)
            break;
        vg_rd_init(&r, buf, 4);
        pgno = vg_rd_be32(&r);
        vg_rd_init(&r, buf + 4 + h->page_size, 4);
        sum = vg_rd_be32(&r);
        if (pgno == 0 || sum != jrnl_sum(h->nonce, buf + 4, h->page_size))
            break; /* SQLite stops the rollback at the first bad record */
        rc = index_push(x, cap, pgno, at + 4);
        at += rec;
    }
    vg_free_secret(buf, buf ? rec : 0);
    /* the next segment header sits on a sector boundary */
    *off = (at + h->sector - 1) / h->sector * h->sector;
    return rc;
}

/* Earlier records of a page hold its original content: keep the first. */
static int page_cmp_first(const void *a, const void *b)
{
    const struct vg_wal_page *x = a, *y = b;
    if (x->pgno != y->pgno)
        return x->pgno < y->pgno ? -1 : 1;
    return (x->off > y->off) - (x->off < y->off);
}

int vg_journal_index_new(struct vg_io *journal, uint32_t db_page_size, struct vg_wal_index **out)
{
    struct vg_wal_index *x = vg_calloc(1, sizeof(*x));
    struct jrnl_seg h;
    uint64_t off = 0;
    size_t cap = 0, segs = 0, i, o = 0;
    int rc = VG_OK;

    if (!x)
        return VG_E_NOMEM;
    while (rc == VG_OK && segs < VG_MAX_WAL_FRAMES && jrnl_header(journal, off, &h)) {
        if (h.page_size != db_page_size || db_page_size == 0)
            break;
        if (segs == 0)
            x->db_pages = h.db_pages;
        if (h.count == 0 && segs == 0)
            break; /* nothing to roll back */
        rc = jrnl_segment(journal, &h, &off, x, &cap);
        segs++;
    }
    if (rc != VG_OK) {
        vg_wal_index_free(x);
        return rc;
    }
    if (x->n == 0) {
        x->db_pages = 0;
        x->info.why = "not a hot journal";
    } else {
        x->page_size = db_page_size;
        x->info.usable = 1;
        x->info.frames = x->n;
        qsort(x->v, x->n, sizeof(*x->v), page_cmp_first);
        for (i = 0; i < x->n; i++)
            if (x->v[i].pgno <= x->db_pages && (o == 0 || x->v[o - 1].pgno != x->v[i].pgno))
                x->v[o++] = x->v[i];
        x->n = o;
    }
    *out = x;
    return VG_OK;
}

/* ---- replay into memory ---- */

static int copy_image(const unsigned char *db, size_t db_len, size_t max, unsigned char **out,
                      size_t *out_len)
{
    unsigned char *p;

    if (db_len > max)
        return VG_E_LIMIT;
    p = vg_malloc(db_len ? db_len : 1);
    if (!p)
        return VG_E_NOMEM;
    if (db_len)
        memcpy(p, db, db_len);
    *out = p;
    *out_len = db_len;
    return VG_OK;
}

static int replay(const struct vg_wal_index *x, const unsigned char *db, size_t db_len,
                  const unsigned char *wal, size_t max, unsigned char **out, size_t *out_len)
{
    size_t page = x->page_size, size, i;
    unsigned char *img;

    if (vg_mul_overflow((size_t)x->db_pages, page, &size) || size > max)
        return VG_E_LIMIT;
    img = vg_calloc(1, size ? size : 1);
    if (!img)
        return VG_E_NOMEM;
    memcpy(img, db, db_len < size ? db_len : size);
    for (i = 0; i < x->n; i++)
        memcpy(img + ((size_t)x->v[i].pgno - 1) * page, wal + x->v[i].off, page);
    *out = img;
    *out_len = size;
    return VG_OK;
}

int vg_wal_apply(const unsigned char *db, size_t db_len, const unsigned char *wal, size_t wal_len,
                 size_t max, unsigned char **out, size_t *out_len, struct vg_wal_info *info)
{
    struct vg_wal_index *x = NULL;
    struct vg_io *io = NULL;
    int rc;

    memset(info, 0, sizeof(*info));
    if (db_len == 0) {
        info->why = "the database file is empty: SQLite discards its WAL";
        return copy_image(db, db_len, max, out, out_len);
    }
    rc = vg_io_memory(wal, wal_len, NULL, NULL, &io);
    if (rc == VG_OK) {
        uint32_t ps = vg_sqlite_header_page_size(db, db_len);
        /* an image whose header gives no page size cannot take the WAL */
        rc = vg_wal_index_new(io, ps ? ps : 1, &x);
        if (rc == VG_E_CORRUPT)
            info->why = "the WAL's page size differs from the database's";
    }
    vg_io_free(io);
    if (rc != VG_OK)
        return rc;
    *info = x->info;
    if (x->n == 0 && x->db_pages == 0)
        rc = copy_image(db, db_len, max, out, out_len);
    else
        rc = replay(x, db, db_len, wal, max, out, out_len);
    vg_wal_index_free(x);
    return rc;
}
