/*
 * Bytes, whatever holds them: a struct vg_io is a read-only, random-access
 * view of one file of an acquisition, with its size. Sources hand files to
 * modules as vg_io (a regular file opened safely, a member kept from an
 * archive, a file decrypted block by block as it is read), and the format
 * helpers (SQLite, plists, text parsers) read from a vg_io without knowing
 * which it is.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IO_IO_H
#define VG_IO_IO_H

#include "util/vg.h"

struct vg_io;

struct vg_io_ops {
    /* Up to n bytes at off into buf; *got < n only at the end. */
    int (*read_at)(void *self, uint64_t off, void *buf, size_t n, size_t *got);
    void (*free)(void *self);
};

/* Wraps an implementation (takes self: ops->free is called on failure too). */
int vg_io_new(const struct vg_io_ops *ops, void *self, uint64_t size,
              struct vg_io **out) VG_MUST_CHECK;
void vg_io_free(struct vg_io *io);
uint64_t vg_io_size(const struct vg_io *io);

/* Reads exactly n bytes at off: VG_E_TRUNCATED when the view ends first. */
int vg_io_read_exact(struct vg_io *io, uint64_t off, void *buf, size_t n) VG_MUST_CHECK;
/* Up to n bytes at off; *got says how many (0 at or past the end). */
int vg_io_read_at(struct vg_io *io, uint64_t off, void *buf, size_t n, size_t *got) VG_MUST_CHECK;
/* The whole view in a new buffer (free with vg_free_secret(*data, *len):
 * it may be decrypted plaintext). VG_E_LIMIT when larger than max. */
int vg_io_read_all(struct vg_io *io, size_t max, unsigned char **data, size_t *len) VG_MUST_CHECK;
/* Calls sink with successive pieces of the whole view (sink returns VG_OK
 * to go on). */
int vg_io_each_chunk(struct vg_io *io, int (*sink)(void *ud, const unsigned char *p, size_t n),
                     void *ud) VG_MUST_CHECK;
/* The whole view as one run of bytes, borrowed until the view is freed:
 * a memory view gives its memory, a file view is mapped read-only (mmap)
 * on the first call. VG_E_UNSUPPORTED for other views (read them with
 * vg_io_read_all). For text a parser must see whole (a 100 MB dumpstate)
 * without copying it to the heap. */
int vg_io_map(struct vg_io *io, const unsigned char **p, size_t *len) VG_MUST_CHECK;
/* SHA-256 of the bytes, lower-case hex. */
int vg_io_sha256(struct vg_io *io, char hex[65]) VG_MUST_CHECK;

/* ---- implementations ---- */

/* A view of memory. release(ud) is called when the view is freed (NULL:
 * the memory outlives the view). */
int vg_io_memory(const void *p, size_t n, void (*release)(void *ud), void *ud,
                 struct vg_io **out) VG_MUST_CHECK;
/* Takes a malloc'd buffer: wiped and freed with the view. */
int vg_io_memory_take(unsigned char *p, size_t n, struct vg_io **out) VG_MUST_CHECK;
/* An open regular file (takes fd, closed with the view); size from fstat. */
int vg_io_fd(int fd, struct vg_io **out) VG_MUST_CHECK;
/* len bytes of base from off (or fewer when base is shorter); borrows
 * base, which must outlive the view. */
int vg_io_range(struct vg_io *base, uint64_t off, uint64_t len, struct vg_io **out) VG_MUST_CHECK;

#endif
