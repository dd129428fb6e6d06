/*
 * vg_io: the view, and its memory, file and range implementations.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "io/io.h"

#define IO_CHUNK (256u * 1024u)

struct vg_io {
    const struct vg_io_ops *ops;
    void *self;
    uint64_t size;
};

int vg_io_new(const struct vg_io_ops *ops, void *self, uint64_t size, struct vg_io **out)
{
    struct vg_io *io = vg_calloc(1, sizeof(*io));

    if (!io) {
        if (ops->free)
            ops->free(self);
        return VG_E_NOMEM;
    }
    io->ops = ops;
    io->self = self;
    io->size = size;
    *out = io;
    return VG_OK;
}

void vg_io_free(struct vg_io *io)
{
    if (!io)
        return;
    if (io->ops->free)
        io->ops->free(io->self);
    free(io);
}

uint64_t vg_io_size(const struct vg_io *io)
{
    return io->size;
}

int vg_io_read_at(struct vg_io *io, uint64_t off, void *buf, size_t n, size_t *got)
{
    size_t done = 0, k;
    int rc;

    *got = 0;
    if (off >= io->size || n == 0)
        return VG_OK;
    if (n > io->size - off)
        n = (size_t)(io->size - off);
    while (done < n) {
        rc = io->ops->read_at(io->self, off + done, (unsigned char *)buf + done, n - done, &k);
        if (rc != VG_OK)
            return rc;
        if (k == 0)
            break;
        done += k;
    }
    *got = done;
    return VG_OK;
}

int vg_io_read_exact(struct vg_io *io, uint64_t off, void *buf, size_t n)
{
    size_t got;
    int rc = vg_io_read_at(io, off, buf, n, &got);

    if (rc != VG_OK)
        return rc;
    return got == n ? VG_OK : VG_E_TRUNCATED;
}

int vg_io_read_all(struct vg_io *io, size_t max, unsigned char **data, size_t *len)
{
    unsigned char *buf;
    size_t n, got;
    int rc;

    if (io->size > max)
        return VG_E_LIMIT;
    n = (size_t)io->size;
    buf = vg_malloc(n ? n : 1);
    if (!buf)
        return VG_E_NOMEM;
    rc = vg_io_read_at(io, 0, buf, n, &got);
    if (rc == VG_OK && got != n)
        rc = VG_E_TRUNCATED;
    if (rc != VG_OK) {
        vg_free_secret(buf, n);
        return rc;
    }
    *data = buf;
    *len = n;
    return VG_OK;
}

int vg_io_each_chunk(struct vg_io *io, int (*sink)(void *ud, const unsigned char *p, size_t n),
                     void *ud)
{
    unsigned char *buf = vg_malloc(IO_CHUNK);
    uint64_t off = 0;
    size_t got;
    int rc = buf ? VG_OK : VG_E_NOMEM;

    while (rc == VG_OK && off < io->size) {
        rc = vg_io_read_at(io, off, buf, IO_CHUNK, &got);
        if (rc != VG_OK)
            break;
        if (got == 0) {
            rc = VG_E_TRUNCATED;
            break;
        }
        rc = sink(ud, buf, got);
        off += got;
    }
    vg_free_secret(buf, buf ? IO_CHUNK : 0);
    return rc;
}

static int sha_sink(void *ud, const unsigned char *p, size_t n)
{
    return EVP_DigestUpdate(ud, p, n) == 1 ? VG_OK : VG_E_CRYPTO;
}

int vg_io_sha256(struct vg_io *io, char hex[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[32];
    unsigned int mdlen = 0;
    int rc = VG_E_NOMEM;

    if (!ctx)
        return rc;
    rc = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 ? VG_OK : VG_E_CRYPTO;
    if (rc == VG_OK)
        rc = vg_io_each_chunk(io, sha_sink, ctx);
    if (rc == VG_OK && (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32))
        rc = VG_E_CRYPTO;
    if (rc == VG_OK)
        vg_hex_encode(md, 32, hex);
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* ---- memory ---- */

struct io_mem {
    const unsigned char *p;
    size_t n;
    void (*release)(void *ud);
    void *ud;
    int owned; /* p is ours: wipe and free */
};

static int mem_read_at(void *self, uint64_t off, void *buf, size_t n, size_t *got)
{
    struct io_mem *m = self;

    *got = 0;
    if (off >= m->n)
        return VG_OK;
    if (n > m->n - off)
        n = m->n - (size_t)off;
    memcpy(buf, m->p + off, n);
    *got = n;
    return VG_OK;
}

static void mem_free(void *self)
{
    struct io_mem *m = self;

    if (m->owned)
        vg_free_secret((void *)m->p, m->n);
    if (m->release)
        m->release(m->ud);
    free(m);
}

static const struct vg_io_ops mem_ops = {mem_read_at, mem_free};

int vg_io_memory(const void *p, size_t n, void (*release)(void *ud), void *ud, struct vg_io **out)
{
    struct io_mem *m = vg_calloc(1, sizeof(*m));

    if (!m)
        return VG_E_NOMEM;
    m->p = p;
    m->n = p ? n : 0;
    m->release = release;
    m->ud = ud;
    return vg_io_new(&mem_ops, m, m->n, out);
}

int vg_io_memory_take(unsigned char *p, size_t n, struct vg_io **out)
{
    struct io_mem *m = vg_calloc(1, sizeof(*m));

    if (!m) {
        vg_free_secret(p, n);
        return VG_E_NOMEM;
    }
    m->p = p;
    m->n = n;
    m->owned = 1;
    return vg_io_new(&mem_ops, m, n, out);
}

/* ---- file ---- */

struct io_fd {
    int fd;
    void *map; /* vg_io_map's mapping, or NULL */
    size_t map_len;
};

static int fd_read_at(void *self, uint64_t off, void *buf, size_t n, size_t *got)
{
    struct io_fd *f = self;
    ssize_t r;

    *got = 0;
    if (off > (uint64_t)INT64_MAX)
        return VG_OK;
    do {
        r = pread(f->fd, buf, n, (off_t)off);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return VG_E_IO;
    *got = (size_t)r;
    return VG_OK;
}

static void fd_free(void *self)
{
    struct io_fd *f = self;
    if (f->map)
        munmap(f->map, f->map_len);
    close(f->fd);
    free(f);
}

static const struct vg_io_ops fd_ops = {fd_read_at, fd_free};

int vg_io_fd(int fd, struct vg_io **out)
{
    struct io_fd *f;
    struct stat st;

    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0) {
        close(fd);
        return VG_E_NOTFILE;
    }
    f = vg_calloc(1, sizeof(*f));
    if (!f) {
        close(fd);
        return VG_E_NOMEM;
    }
    f->fd = fd;
    return vg_io_new(&fd_ops, f, (uint64_t)st.st_size, out);
}

static int fd_map(struct vg_io *io, const unsigned char **p, size_t *len)
{
    struct io_fd *f = io->self;
    void *m;

    if (io->size > SIZE_MAX)
        return VG_E_LIMIT;
    if (io->size == 0) {
        *p = (const unsigned char *)"";
        *len = 0;
        return VG_OK;
    }
    if (!f->map) {
        m = mmap(NULL, (size_t)io->size, PROT_READ, MAP_PRIVATE, f->fd, 0);
        if (m == MAP_FAILED)
            return errno == ENOMEM ? VG_E_NOMEM : VG_E_IO;
        f->map = m;
        f->map_len = (size_t)io->size;
    }
    *p = f->map;
    *len = f->map_len;
    return VG_OK;
}

/* A mapping assumes the evidence is not being written to while it is
 * checked (as the whole tool does): a file cut short under the mapping
 * would make reads past its new end fault. */
int vg_io_map(struct vg_io *io, const unsigned char **p, size_t *len)
{
    if (io->ops == &mem_ops) {
        struct io_mem *m = io->self;
        *p = m->p ? m->p : (const unsigned char *)"";
        *len = m->n;
        return VG_OK;
    }
    if (io->ops == &fd_ops)
        return fd_map(io, p, len);
    return VG_E_UNSUPPORTED;
}

/* ---- range ---- */

struct io_range {
    struct vg_io *base;
    uint64_t off;
};

static int range_read_at(void *self, uint64_t off, void *buf, size_t n, size_t *got)
{
    struct io_range *r = self;

    if (off > UINT64_MAX - r->off) {
        *got = 0;
        return VG_OK;
    }
    return vg_io_read_at(r->base, r->off + off, buf, n, got);
}

static const struct vg_io_ops range_ops = {range_read_at, free};

int vg_io_range(struct vg_io *base, uint64_t off, uint64_t len, struct vg_io **out)
{
    struct io_range *r = vg_calloc(1, sizeof(*r));
    uint64_t avail = off < base->size ? base->size - off : 0;

    if (!r)
        return VG_E_NOMEM;
    r->base = base;
    r->off = off;
    return vg_io_new(&range_ops, r, len < avail ? len : avail, out);
}
