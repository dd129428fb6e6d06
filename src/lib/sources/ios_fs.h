/*
 * iOS full-filesystem dumps (jailbroken or checkm8 extractions): a folder
 * with private/var at its root or one or two folders down, or the same as
 * a tar (optionally gzip/zstd/xz compressed) or a zip, read in place in
 * one pass (sources/tree.h). Modules find files by VG_LOC_FS paths from
 * the filesystem's root; the Filesystem module reads every entry through
 * VG_LOC_FS_LISTING.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_IOS_FS_H
#define VG_SOURCES_IOS_FS_H

#include "scan/source.h"

int vg_src_ios_fs_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                       struct vg_source **out) VG_MUST_CHECK;

#endif
