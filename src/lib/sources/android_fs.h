/*
 * Android full-filesystem extractions (a rooted phone's /data, forensic
 * tools' FFS extractions): a folder with data/data (or only data/user, the
 * multi-user layout data/data is a view of) at its root or one or two
 * folders down, or the same as a tar (optionally gzip/zstd/xz compressed)
 * or a zip, read in place in one pass (sources/tree.h). Modules find files
 * by VG_LOC_ANDROID_FS paths from the filesystem's root.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_ANDROID_FS_H
#define VG_SOURCES_ANDROID_FS_H

#include "scan/source.h"

int vg_src_android_fs_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                           struct vg_source **out) VG_MUST_CHECK;

#endif
