/*
 * The read-only VFS (see sqlite_vfs.h). Written here because SQLite has no
 * VFS that reads a database through a caller's callbacks; the methods that
 * are not about reading the one database (randomness, time, sleep) are the
 * default VFS's own.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <pthread.h>
#include <stdio.h>

#include <sqlite3.h>

#include "formats/sqlite_vfs.h"

#define SQ_HDR_FORMAT_W 18u /* file format write / read version: 2 is WAL */
#define SQ_HDR_COUNT    28u /* database size in pages, 4 bytes */

struct vg_sq_image {
    struct vg_io *db, *wal;
    struct vg_wal_index *wx;
    uint32_t page_size; /* 0: unknown, reads pass through */
    uint64_t size;      /* what SQLite sees */
    int untrust_count;
    char name[40];
    int published;
    struct vg_sq_image *next;
};

struct sq_file {
    sqlite3_file base;
    struct vg_sq_image *img;
};

static pthread_mutex_t img_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vg_sq_image *img_list;
static unsigned long img_counter;
static pthread_once_t vfs_once = PTHREAD_ONCE_INIT;
static int vfs_rc = SQLITE_ERROR;

/* ---- the image ---- */

int vg_sq_image_new(struct vg_io *db, struct vg_io *wal, struct vg_wal_index *wx, int untrust_count,
                    struct vg_sq_image **out)
{
    struct vg_sq_image *img = vg_calloc(1, sizeof(*img));

    if (!img) {
        vg_io_free(db);
        vg_io_free(wal);
        vg_wal_index_free(wx);
        return VG_E_NOMEM;
    }
    img->db = db;
    img->wal = wal;
    img->wx = wx;
    img->untrust_count = untrust_count;
    img->size = vg_io_size(db);
    if (wx && wx->db_pages) {
        img->page_size = wx->page_size;
        img->size = (uint64_t)wx->db_pages * wx->page_size;
    }
    *out = img;
    return VG_OK;
}

void vg_sq_image_free(struct vg_sq_image *img)
{
    if (!img)
        return;
    vg_sq_image_unpublish(img);
    vg_io_free(img->db);
    vg_io_free(img->wal);
    vg_wal_index_free(img->wx);
    free(img);
}

uint64_t vg_sq_image_size(const struct vg_sq_image *img)
{
    return img->size;
}

/* One piece of the image that does not cross a page of the WAL. */
static int image_piece(struct vg_sq_image *img, uint64_t off, unsigned char *buf, size_t n,
                       size_t *got)
{
    uint64_t woff = 0;

    if (img->page_size) {
        uint64_t pg = off / img->page_size + 1;
        if (pg <= UINT32_MAX)
            woff = vg_wal_index_find(img->wx, (uint32_t)pg);
        if (woff)
            return vg_io_read_at(img->wal, woff + off % img->page_size, buf, n, got);
    }
    return vg_io_read_at(img->db, off, buf, n, got);
}

static void fix_header(const struct vg_sq_image *img, uint64_t off, unsigned char *buf, size_t n)
{
    uint64_t i;

    for (i = SQ_HDR_FORMAT_W; i < SQ_HDR_FORMAT_W + 2; i++)
        if (i >= off && i < off + n && buf[i - off] == 2)
            buf[i - off] = 1;
    if (!img->untrust_count)
        return;
    for (i = SQ_HDR_COUNT; i < SQ_HDR_COUNT + 4; i++)
        if (i >= off && i < off + n)
            buf[i - off] = 0;
}

static int image_read(struct vg_sq_image *img, uint64_t off, unsigned char *buf, size_t n,
                      size_t *done)
{
    *done = 0;
    while (*done < n && off + *done < img->size) {
        uint64_t at = off + *done;
        size_t want = n - *done, got = 0;
        int rc;
        if (img->page_size && want > img->page_size - at % img->page_size)
            want = (size_t)(img->page_size - at % img->page_size);
        if (want > img->size - at)
            want = (size_t)(img->size - at);
        rc = image_piece(img, at, buf + *done, want, &got);
        if (rc != VG_OK)
            return rc;
        if (got < want) /* a page past the file's end: zeros, as SQLite would read */
            memset(buf + *done + got, 0, want - got);
        *done += want;
    }
    if (off < SQ_HDR_COUNT + 4)
        fix_header(img, off, buf, *done);
    return VG_OK;
}

/* ---- sqlite3_io_methods ---- */

static int f_close(sqlite3_file *f)
{
    VG_UNUSED(f);
    return SQLITE_OK;
}

static int f_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    struct sq_file *sf = (struct sq_file *)f;
    size_t done = 0;

    if (amt < 0 || off < 0)
        return SQLITE_IOERR_READ;
    if (image_read(sf->img, (uint64_t)off, buf, (size_t)amt, &done) != VG_OK)
        return SQLITE_IOERR_READ;
    if (done < (size_t)amt) {
        memset((unsigned char *)buf + done, 0, (size_t)amt - done);
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int f_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    VG_UNUSED(f);
    VG_UNUSED(buf);
    VG_UNUSED(amt);
    VG_UNUSED(off);
    return SQLITE_READONLY;
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    VG_UNUSED(f);
    VG_UNUSED(size);
    return SQLITE_READONLY;
}

static int f_sync(sqlite3_file *f, int flags)
{
    VG_UNUSED(f);
    VG_UNUSED(flags);
    return SQLITE_OK;
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct sq_file *sf = (struct sq_file *)f;
    *size = sf->img->size > (uint64_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)sf->img->size;
    return SQLITE_OK;
}

static int f_lock(sqlite3_file *f, int level)
{
    VG_UNUSED(f);
    VG_UNUSED(level);
    return SQLITE_OK;
}

static int f_reserved(sqlite3_file *f, int *out)
{
    VG_UNUSED(f);
    *out = 0;
    return SQLITE_OK;
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
    VG_UNUSED(f);
    VG_UNUSED(op);
    VG_UNUSED(arg);
    return SQLITE_NOTFOUND;
}

static int f_sector(sqlite3_file *f)
{
    VG_UNUSED(f);
    return 4096;
}

static int f_device(sqlite3_file *f)
{
    VG_UNUSED(f);
    return SQLITE_IOCAP_IMMUTABLE;
}

static const sqlite3_io_methods io_methods = {
    .iVersion = 1,
    .xClose = f_close,
    .xRead = f_read,
    .xWrite = f_write,
    .xTruncate = f_truncate,
    .xSync = f_sync,
    .xFileSize = f_size,
    .xLock = f_lock,
    .xUnlock = f_lock,
    .xCheckReservedLock = f_reserved,
    .xFileControl = f_control,
    .xSectorSize = f_sector,
    .xDeviceCharacteristics = f_device,
};

/* ---- sqlite3_vfs ---- */

static sqlite3_vfs *base_vfs(void)
{
    return sqlite3_vfs_find(NULL);
}

static struct vg_sq_image *find_image(const char *name)
{
    struct vg_sq_image *img;

    pthread_mutex_lock(&img_lock);
    for (img = img_list; img; img = img->next)
        if (name && strcmp(img->name, name) == 0)
            break;
    pthread_mutex_unlock(&img_lock);
    return img;
}

/* Only the main database opens: a journal, WAL or temporary file would be
 * the first step towards writing, and none is needed (temp_store=MEMORY). */
static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    struct sq_file *sf = (struct sq_file *)f;
    struct vg_sq_image *img;

    VG_UNUSED(vfs);
    sf->base.pMethods = NULL;
    if (!(flags & SQLITE_OPEN_MAIN_DB) || (flags & (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)))
        return SQLITE_CANTOPEN;
    img = find_image(name);
    if (!img)
        return SQLITE_CANTOPEN;
    sf->img = img;
    sf->base.pMethods = &io_methods;
    if (out_flags)
        *out_flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB;
    return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
    VG_UNUSED(vfs);
    VG_UNUSED(name);
    VG_UNUSED(sync);
    return SQLITE_IOERR_DELETE;
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    VG_UNUSED(vfs);
    VG_UNUSED(flags);
    /* the image exists; no -wal, -journal or -shm ever does */
    *out = find_image(name) != NULL;
    return SQLITE_OK;
}

static int v_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    VG_UNUSED(vfs);
    if (n <= 0 || vg_snprintf(out, (size_t)n, "%s", name) != VG_OK)
        return SQLITE_CANTOPEN;
    return SQLITE_OK;
}

static int v_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    VG_UNUSED(vfs);
    return base_vfs()->xRandomness(base_vfs(), n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
    VG_UNUSED(vfs);
    return base_vfs()->xSleep(base_vfs(), us);
}

static int v_time(sqlite3_vfs *vfs, double *out)
{
    VG_UNUSED(vfs);
    return base_vfs()->xCurrentTime(base_vfs(), out);
}

static int v_error(sqlite3_vfs *vfs, int n, char *out)
{
    VG_UNUSED(vfs);
    if (n > 0)
        out[0] = '\0';
    return 0;
}

static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    VG_UNUSED(vfs);
    return base_vfs()->xCurrentTimeInt64(base_vfs(), out);
}

static sqlite3_vfs vfs = {
    .iVersion = 2,
    .szOsFile = (int)sizeof(struct sq_file),
    .mxPathname = 512,
    .zName = VG_SQ_VFS_NAME,
    .xOpen = v_open,
    .xDelete = v_delete,
    .xAccess = v_access,
    .xFullPathname = v_fullpath,
    .xRandomness = v_randomness,
    .xSleep = v_sleep,
    .xCurrentTime = v_time,
    .xGetLastError = v_error,
    .xCurrentTimeInt64 = v_time64,
};

static void register_vfs(void)
{
    if (!base_vfs())
        return;
    vfs_rc = sqlite3_vfs_register(&vfs, 0);
}

int vg_sq_image_publish(struct vg_sq_image *img, char **uri)
{
    pthread_once(&vfs_once, register_vfs);
    if (vfs_rc != SQLITE_OK)
        return VG_E_UNSUPPORTED;
    pthread_mutex_lock(&img_lock);
    (void)vg_snprintf(img->name, sizeof(img->name), "/vigie-image-%lu", ++img_counter);
    img->next = img_list;
    img_list = img;
    img->published = 1;
    pthread_mutex_unlock(&img_lock);
    *uri = vg_asprintf("file:%s?immutable=1", img->name);
    if (!*uri) {
        vg_sq_image_unpublish(img);
        return VG_E_NOMEM;
    }
    return VG_OK;
}

void vg_sq_image_unpublish(struct vg_sq_image *img)
{
    struct vg_sq_image **pp;

    pthread_mutex_lock(&img_lock);
    if (img->published) {
        for (pp = &img_list; *pp; pp = &(*pp)->next) {
            if (*pp == img) {
                *pp = img->next;
                break;
            }
        }
        img->published = 0;
    }
    pthread_mutex_unlock(&img_lock);
}
