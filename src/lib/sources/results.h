/*
 * Saved results (check-iocs): an earlier -o folder as a source.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_RESULTS_H
#define VG_SOURCES_RESULTS_H

#include "scan/source.h"

int vg_src_results_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                        struct vg_source **out) VG_MUST_CHECK;

#endif
