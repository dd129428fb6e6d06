/*
 * MBFile: the NSKeyedArchiver blob in Manifest.db's Files.file column that
 * describes one backed-up file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_MBFILE_H
#define VG_FORMATS_MBFILE_H

#include "util/vg.h"

struct vg_mbfile {
    int64_t size;          /* -1 when absent */
    int64_t last_modified; /* Unix seconds, INT64_MIN when absent */
    int64_t birth;
    int64_t last_status_change;
    uint32_t mode; /* st_mode, file type bits included; 0 when absent */
    uint64_t inode;
    uint32_t uid, gid;
    int32_t protection_class; /* -1 when absent */
    int32_t flags;            /* mode, inode, uid, gid, flags: 0 when absent */
    char *target;             /* symlink target, or NULL */
    /* EncryptionKey: 4-byte little-endian class + wrapped key (encrypted
     * backups only). Wiped by vg_mbfile_clear. */
    unsigned char *encryption_key;
    size_t encryption_key_len;
};

void vg_mbfile_init(struct vg_mbfile *f);
/* Parses the blob; on error err gets the reason and *f is left cleared. */
int vg_mbfile_parse(const unsigned char *blob, size_t len, struct vg_mbfile *f, char *err,
                    size_t errcap) VG_MUST_CHECK;
void vg_mbfile_clear(struct vg_mbfile *f);

#endif
