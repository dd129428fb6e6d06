/*
 * Reading an Android backup (.ab) as the tar it holds, streamed: the bytes
 * after the header go through AES-256-CBC (when encrypted) then zlib
 * inflate (when compressed), each stage through a buffer of fixed size, so
 * memory stays flat whatever the backup's size. Decrypted bytes stay in
 * memory, are wiped when freed, and are never written to disk.
 *
 * On top of the byte stream: an adapter that lets libarchive read the tar,
 * and vg_ab_walk, which goes through the members (names checked, links
 * never followed, sizes and counts capped) and hands each one to a
 * callback that reads its bytes. Layout: docs/formats/android-backup.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_AB_STREAM_H
#define VG_FORMATS_ANDROID_AB_STREAM_H

#include "util/vg.h"

#include "formats/android/ab.h"

struct archive;

/* Reads up to n bytes of the .ab file into buf: *got = 0 at its end.
 * Returns VG_OK or a negative error (VG_E_IO). */
typedef int (*vg_ab_read_fn)(void *ud, void *buf, size_t n, size_t *got);

/* Ready-made readers: ud is an int * (a file descriptor), a FILE *, or a
 * struct vg_ab_mem. */
int vg_ab_read_fd(void *ud, void *buf, size_t n, size_t *got);
int vg_ab_read_file(void *ud, void *buf, size_t n, size_t *got);
struct vg_ab_mem {
    const unsigned char *p;
    size_t n, off;
};
int vg_ab_read_mem(void *ud, void *buf, size_t n, size_t *got);

struct vg_ab_stream;

/* Reads and parses the header through read(ud, ...), which is used until
 * vg_ab_stream_free. The errors of vg_ab_header_parse, VG_E_TRUNCATED when
 * the file ends inside the header; err (may be NULL) gets the message. */
int vg_ab_stream_new(vg_ab_read_fn read, void *ud, struct vg_ab_stream **out, char *err,
                     size_t err_len) VG_MUST_CHECK;
/* Wipes every buffer holding plaintext (and the keys), then frees. */
void vg_ab_stream_free(struct vg_ab_stream *s);

const struct vg_ab_header *vg_ab_stream_header(const struct vg_ab_stream *s);
/* 1 when the data can be read: not encrypted, or unlocked. */
int vg_ab_stream_ready(const struct vg_ab_stream *s);
/* For an encrypted backup: vg_ab_unlock with the password (UTF-8, len
 * bytes); the errors are its own (VG_E_PASSWORD, VG_E_CORRUPT...), and the
 * same password can be tried again after VG_E_PASSWORD. */
int vg_ab_stream_unlock(struct vg_ab_stream *s, const char *password, size_t len) VG_MUST_CHECK;
/* How the password and the checksum matched (valid after unlocking). */
const struct vg_ab_keys *vg_ab_stream_keys(const struct vg_ab_stream *s);

/* Up to n bytes of the tar into buf; *got = 0 at the end of the data.
 * Errors are sticky (every later call returns the same one): VG_E_CORRUPT
 * for a bad zlib stream or bad padding, VG_E_TRUNCATED when the file ends
 * before the compressed stream or inside a cipher block, VG_E_LIMIT past
 * VG_MAX_AB_TAR_BYTES, VG_E_INTERRUPTED (vg_interrupted), VG_E_IO from the
 * reader, VG_E_INVAL when still locked. buf holds plaintext: wipe it. */
int vg_ab_stream_read(struct vg_ab_stream *s, void *buf, size_t n, size_t *got) VG_MUST_CHECK;
/* The sticky error of the stream (VG_OK when none). */
int vg_ab_stream_status(const struct vg_ab_stream *s);
/* The message of the last error ("" when none). */
const char *vg_ab_stream_error(const struct vg_ab_stream *s);

struct vg_ab_stats {
    uint64_t file_bytes; /* bytes read from the file, header included */
    uint64_t tar_bytes;  /* plaintext delivered */
    uint64_t after_zlib; /* decrypted bytes found after the end of the zlib stream */
    int end;             /* the data ended cleanly (padding, zlib end, end of file) */
};
void vg_ab_stream_stats(const struct vg_ab_stream *s, struct vg_ab_stats *st);

/* Reads what is left of the data to its end, discarding it: *rest gets
 * the tar bytes discarded, *nonzero how many of them were not 0 (a tar is
 * padded with zeros, anything else after its end is worth a word). The
 * errors of vg_ab_stream_read. */
int vg_ab_stream_drain(struct vg_ab_stream *s, uint64_t *rest, uint64_t *nonzero) VG_MUST_CHECK;

/* zlib allocators that wipe what they free: zlib's window holds plaintext.
 * Set z_stream.zalloc / zfree to them (opaque unused). */
void *vg_ab_zalloc(void *opaque, unsigned items, unsigned size);
void vg_ab_zfree(void *opaque, void *ptr);

/* ---- the tar ---- */

/* A libarchive reader of the tar (format tar only, no filter: the stream
 * already inflated it), reading from s through a buffer s owns. Free it
 * with archive_read_free before s. A read error of s shows in libarchive
 * as ARCHIVE_FATAL; vg_ab_stream_error then says what it was. */
int vg_ab_archive_open(struct vg_ab_stream *s, struct archive **out) VG_MUST_CHECK;

/* libarchive stops at the tar's end marker with the rest of the last piece
 * it was given unread: of its last n bytes, how many are not zero (-1 when
 * n is more than that piece). */
int64_t vg_ab_stream_nonzero_tail(const struct vg_ab_stream *s, uint64_t n);

enum vg_ab_kind {
    VG_AB_FILE = 0,
    VG_AB_DIR,
    VG_AB_SYMLINK,
    VG_AB_HARDLINK,
    VG_AB_OTHER, /* devices, fifos: no bytes */
};

struct vg_ab_member {
    const char *name; /* as the tar holds it: relative, without ".." */
    enum vg_ab_kind kind;
    const char *link; /* target of a link, else NULL; never followed */
    uint64_t size;    /* bytes of a file (0 for the others) */
    int64_t mtime;    /* Unix seconds */
    uint32_t mode;    /* permission bits */
    uint64_t index;   /* position in the tar, from 0, skipped members counted */
};

/* The member being walked: its bytes, read through the tar. */
struct vg_ab_tar;
/* Up to n more bytes of the member; *got = 0 at its end. Plaintext: wipe
 * buf after use. */
int vg_ab_tar_read(struct vg_ab_tar *t, void *buf, size_t n, size_t *got) VG_MUST_CHECK;
/* The whole member (or what is left of it) in memory; VG_E_LIMIT when it
 * is longer than max. Free *out with vg_free_secret(*out, *len). */
int vg_ab_tar_read_all(struct vg_ab_tar *t, size_t max, unsigned char **out,
                       size_t *len) VG_MUST_CHECK;

/* Return values of a member callback besides VG_OK (go on) and a negative
 * error (stop, and vg_ab_walk returns it). */
#define VG_AB_STOP 1 /* stop quietly */

/* m and t are valid during the call only. */
typedef int (*vg_ab_member_fn)(void *ud, const struct vg_ab_member *m, struct vg_ab_tar *t);

/* Walks the tar of s (which must be ready), calling cb for each member;
 * what the callback leaves unread is skipped. A member whose name is empty,
 * absolute or climbs out with "..", or a link whose target does, is not
 * handed over: it is a warning naming it (display names the backup). So is
 * a damaged header libarchive skips, data after the end of the tar, and a
 * backup with no member at all. Errors: the stream's, VG_E_CORRUPT for a tar
 * libarchive cannot read, VG_E_LIMIT past VG_MAX_AB_MEMBERS or a member past
 * VG_MAX_AB_MEMBER; members before the error were handed over already. */
int vg_ab_walk(struct vg_ab_stream *s, vg_ab_member_fn cb, void *ud, const char *display,
               struct vg_diag *diag) VG_MUST_CHECK;

/* 1 when a tar member name (or a hard link target) stays inside the
 * archive: not empty, not absolute, no ".." component. */
int vg_ab_name_safe(const char *name);
/* 1 when a symbolic link at name pointing to target stays inside. */
int vg_ab_link_safe(const char *name, const char *target);

#endif
