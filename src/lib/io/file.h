/*
 * An evidence folder, read without ever leaving it. Every file is opened
 * relative to the folder, one path component at a time, without following
 * symbolic links (O_NOFOLLOW on each component), and must be a regular file
 * (fstat after an O_NONBLOCK open, so a FIFO can neither hang the scan nor
 * stand in for a file). A link where a file or folder is expected is
 * refused with VG_E_NOTFILE, so a crafted acquisition cannot make vigie read
 * /etc/shadow or another database in place of its own.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IO_FILE_H
#define VG_IO_FILE_H

#include "io/io.h"

/* What is known of a file (what lstat says). */
struct vg_stat {
    uint64_t size;
    uint32_t mode; /* type and permission bits, as st_mode */
    uint32_t uid, gid;
    int64_t mtime, atime, ctime, btime; /* seconds since 1970 */
    int32_t mtime_ns, atime_ns, ctime_ns, btime_ns;
    unsigned has; /* VG_ST_* */
};
#define VG_ST_SIZE  0x01u
#define VG_ST_MODE  0x02u
#define VG_ST_OWNER 0x04u
#define VG_ST_MTIME 0x08u
#define VG_ST_ATIME 0x10u
#define VG_ST_CTIME 0x20u
#define VG_ST_BTIME 0x40u

struct vg_root;

/* The folder at path (the path given may itself be a link: the user named
 * it). VG_E_NOTFOUND when absent, VG_E_NOTFILE when not a folder. */
int vg_root_open(const char *path, struct vg_root **out) VG_MUST_CHECK;
void vg_root_free(struct vg_root *r);
/* The path as given, and as resolved (for "output inside the input"). */
const char *vg_root_path(const struct vg_root *r);
const char *vg_root_real(const struct vg_root *r);

/* rel: '/'-separated, relative, without "." or ".." components (else
 * VG_E_INVAL). VG_E_NOTFOUND when absent, VG_E_NOTFILE when rel or one of
 * its folders is a link, or rel is not a regular file. st may be NULL. */
int vg_root_open_file(const struct vg_root *r, const char *rel, struct vg_io **out,
                      struct vg_stat *st) VG_MUST_CHECK;
/* What is at rel, without following a final link (its folders must not be
 * links). */
int vg_root_stat(const struct vg_root *r, const char *rel, struct vg_stat *st) VG_MUST_CHECK;
/* 1 when rel is a regular file (not a link), 0 otherwise. */
int vg_root_is_file(const struct vg_root *r, const char *rel);
/* 1 when rel is a folder (not a link). */
int vg_root_is_dir(const struct vg_root *r, const char *rel);

/* The names in folder rel ("" for the root), sorted bytewise, without "."
 * and "..". Free with vg_root_names_free. At most VG_MAX_DIR_ENTRIES. */
int vg_root_list(const struct vg_root *r, const char *rel, char ***names, size_t *n) VG_MUST_CHECK;
void vg_root_names_free(char **names, size_t n);

/* Every entry below folder rel, depth first in sorted order: cb(ud, path
 * relative to the root, what lstat says, link target or NULL). Links are
 * reported, never followed. Depth and entry count are capped
 * (VG_MAX_WALK_DEPTH, VG_MAX_WALK_ENTRIES); cb returns VG_OK to go on. */
int vg_root_walk(const struct vg_root *r, const char *rel,
                 int (*cb)(void *ud, const char *path, const struct vg_stat *st, const char *link),
                 void *ud) VG_MUST_CHECK;

/* Opens path for reading as vg_root_open_file does for one file given by
 * the user (the path itself may be a link the user named; the file must be
 * regular). */
int vg_file_open_path(const char *path, struct vg_io **out, struct vg_stat *st) VG_MUST_CHECK;

/* 1 when path (which may not exist yet) is the folder r or inside it,
 * following the links the user's path may hold. */
int vg_root_contains(const struct vg_root *r, const char *path);

#endif
