/*
 * Android 16 intrusion logs as a source, for `vigie android
 * check-intrusion-logs`: one log file (NDJSON, whatever its name), a
 * folder of them (every *.txt below it, and the *.txt inside every *.zip
 * below it, as MVT walks them), or a zip of them (zips inside it too, to
 * VG_ARCHIVE_MAX_DEPTH levels). Files are read in place; members of a zip
 * are kept by one pass (io/archive.h: in memory when small, in the private
 * temp folder otherwise). Modules find them with VG_LOC_LOGS locators,
 * whose path is a glob matched against a file's base name, ignoring case
 * ("*.txt"); a file the user named directly is always served.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_INTRUSION_LOGS_H
#define VG_SOURCES_INTRUSION_LOGS_H

#include "scan/source.h"

int vg_src_intrusion_logs_open(const char *path, const struct vg_source_opts *o,
                               struct vg_diag *diag, struct vg_source **out) VG_MUST_CHECK;

#endif
