/*
 * Archives read in place: iOS file-system dumps (tar, tar.gz, tar.zst,
 * tar.xz, zip), sysdiagnose .tar.gz, AndroidQF and bugreport zips, and
 * zips inside them. libarchive reads; nothing is extracted to disk.
 *
 * One sequential pass: a visitor sees every entry in archive order and
 * answers SKIP, KEEP (the bytes are stored, in memory or in a 0600 file in
 * the private temp folder, and looked up by name after the pass) or STREAM
 * (the bytes are handed over in chunks as they are read). Names are
 * normalised, links are recorded and never followed, and every size, count
 * and decompression ratio is capped; what breaks a rule is a warning
 * naming the member and the archive, and the pass goes on with the rest.
 * The rules and why: docs/formats/archives.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IO_ARCHIVE_H
#define VG_IO_ARCHIVE_H

#include "util/vg.h"

enum vg_archive_type {
    VG_ARCHIVE_FILE = 0,
    VG_ARCHIVE_DIR,
    VG_ARCHIVE_SYMLINK,
    VG_ARCHIVE_HARDLINK, /* a tar hard link: the entry names another member */
    VG_ARCHIVE_OTHER,    /* device, fifo, socket, unknown */
};

struct vg_archive_time {
    int64_t sec; /* Unix seconds */
    int32_t nsec;
    int set; /* 0: the archive does not record this time */
};

/* One entry as the visitor sees it. Strings are borrowed for the call
 * (for a kept member, for the life of the archive object). */
struct vg_archive_entry {
    uint64_t index;       /* 0, 1, ...: the header's place in the archive */
    const char *name;     /* normalised: no "." or empty components, no
                             trailing '/'; "" only for the root folder */
    const char *raw_name; /* as stored (may hold control characters) */
    enum vg_archive_type type;
    int64_t size;  /* what the header claims; -1 when it says nothing */
    uint32_t mode; /* permission bits (07777) */
    int64_t uid, gid;
    struct vg_archive_time mtime, atime, ctime, birthtime;
    const char *link; /* SYMLINK/HARDLINK target as stored, else NULL */
};

enum vg_archive_action {
    VG_ARCHIVE_SKIP = 0,
    VG_ARCHIVE_KEEP,   /* store the bytes (regular files only) */
    VG_ARCHIVE_STREAM, /* hand the bytes to chunk() (regular files only) */
    VG_ARCHIVE_STOP,   /* end the pass here: nothing more is wanted */
};

struct vg_archive_visitor {
    enum vg_archive_action (*visit)(void *ud, const struct vg_archive_entry *e);
    /* STREAM: the next n bytes (n > 0) of the member, in order. Anything
     * but VG_OK stops this member (the rest is skipped) and is given to
     * end(). May be NULL when visit() never answers STREAM. */
    int (*chunk)(void *ud, const struct vg_archive_entry *e, const unsigned char *p, size_t n);
    /* STREAM: after the last chunk. status: VG_OK when every byte was
     * handed over; VG_E_LIMIT at a cap; VG_E_TRUNCATED or VG_E_CORRUPT
     * when the archive broke; chunk()'s own error. May be NULL. */
    void (*end)(void *ud, const struct vg_archive_entry *e, int status);
    void *ud;
};

/* The caps of one archive object; vg_archive_opts_init() gives the
 * defaults of util/limits.h. */
struct vg_archive_opts {
    uint64_t max_member;  /* bytes read from one kept or streamed member */
    uint64_t max_total;   /* bytes kept or streamed in the whole pass */
    uint64_t max_entries; /* headers read in the pass */
    uint64_t max_ratio;   /* decompressed bytes per compressed byte consumed */
    uint64_t ratio_floor; /* decompressed bytes before the ratio is checked */
    size_t mem_threshold; /* a kept member up to this many bytes stays in memory */
    int no_seek;          /* read as a stream even when the input can seek
                             (a zip is then read by its local headers) */
};

void vg_archive_opts_init(struct vg_archive_opts *o);

struct vg_archive;
struct vg_archive_member;

/* Opens a regular file (O_NOFOLLOW: a symbolic link, a folder or a device
 * is refused with an error in diag). VG_E_IO when it cannot be opened,
 * VG_E_INVAL when it is not a regular file, VG_E_UNSUPPORTED when
 * libarchive recognises no archive in it. opts may be NULL (defaults);
 * diag is borrowed for the life of the object. */
int vg_archive_open_path(const char *path, const struct vg_archive_opts *opts, struct vg_diag *diag,
                         struct vg_archive **out) VG_MUST_CHECK;

/* The same over p[0..n), borrowed for the life of the object; label names
 * it in messages. */
int vg_archive_open_mem(const char *label, const void *p, size_t n,
                        const struct vg_archive_opts *opts, struct vg_diag *diag,
                        struct vg_archive **out) VG_MUST_CHECK;

/* A nested archive (a zip in a zip): opens a kept member of parent, with
 * parent's diag, labelled "<parent>!<member>". The member's bytes are
 * borrowed: free the child before the parent. VG_E_LIMIT past
 * VG_ARCHIVE_MAX_DEPTH levels. opts NULL: the parent's. */
int vg_archive_open_member(struct vg_archive *parent, struct vg_archive_member *m,
                           const struct vg_archive_opts *opts,
                           struct vg_archive **out) VG_MUST_CHECK;

/* The one pass. Returns VG_OK when the archive was read to its end (or a
 * visitor said STOP), even if members were refused or cut with warnings;
 * VG_E_TRUNCATED or VG_E_CORRUPT when the archive broke, VG_E_LIMIT when
 * the total, entry or ratio cap ended the pass, VG_E_NOMEM. Whatever it
 * returns, what was kept is available. A second call gives VG_E_INVAL. */
int vg_archive_read(struct vg_archive *a, const struct vg_archive_visitor *v) VG_MUST_CHECK;

/* Kept members, after the pass: all of them in archive order... */
size_t vg_archive_kept_total(const struct vg_archive *a);
struct vg_archive_member *vg_archive_kept_at(struct vg_archive *a, size_t i);
/* ...or by normalised name: how many have it (several members with one
 * name are all kept, with a warning), and the i-th in archive order. */
size_t vg_archive_kept_count(const struct vg_archive *a, const char *name);
struct vg_archive_member *vg_archive_kept(struct vg_archive *a, const char *name, size_t i);

/* The entry as the visitor saw it (strings live as long as the archive). */
const struct vg_archive_entry *vg_archive_member_entry(const struct vg_archive_member *m);
/* Bytes actually stored (may differ from the header's claim). */
uint64_t vg_archive_member_size(const struct vg_archive_member *m);
/* 1 when the archive ended inside the member: the bytes are a prefix. */
int vg_archive_member_truncated(const struct vg_archive_member *m);
/* 1 when libarchive warned while reading the bytes (e.g. a bad CRC). */
int vg_archive_member_damaged(const struct vg_archive_member *m);
/* 1 when the bytes are in a temp file rather than in memory. */
int vg_archive_member_in_file(const struct vg_archive_member *m);

/* The bytes as (pointer, length), valid until the archive is freed (a
 * temp-file member is mapped read-only). */
int vg_archive_member_data(struct vg_archive_member *m, const unsigned char **p,
                           size_t *len) VG_MUST_CHECK;
/* The bytes as a file path in the private temp folder (mode 0600; a
 * memory member is written out on first call), removed when the archive
 * is freed. Borrowed. */
int vg_archive_member_path(struct vg_archive_member *m, const char **path) VG_MUST_CHECK;

/* The name used in messages (the path, or the label). */
const char *vg_archive_label(const struct vg_archive *a);

/* Frees the object, its kept members and their temp files. */
void vg_archive_free(struct vg_archive *a);

#endif
