/*
 * AndroidQF acquisitions (mvt-project/androidqf): the folder androidqf
 * writes, or a zip of it, with its files at the archive's root (androidqf
 * 1.8.0 on, streaming mode) or under one top folder (earlier versions, and
 * an analyst's own zip of the folder), read in place in one pass
 * (sources/tree.h). The files and their shapes: docs/formats/androidqf.md.
 *
 * Modules find files by VG_LOC_AQF paths from the acquisition's root
 * ("packages.json", "settings_*.txt"), and every entry with its times
 * through VG_LOC_AQF_LISTING.
 *
 * What the acquisition holds inside other containers is served through
 * their own locator kinds once their readers exist: bugreport.zip
 * (VG_LOC_BUGREPORT, a nested tree: vg_tree_open_nested), backup.ab
 * (VG_LOC_ANDROID_BACKUP), dumpsys.txt's sections (VG_LOC_DUMPSYS) and
 * intrusion_logs/ (VG_LOC_LOGS). See androidqf.c's find().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_ANDROIDQF_H
#define VG_SOURCES_ANDROIDQF_H

#include "scan/source.h"

int vg_src_androidqf_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                          struct vg_source **out) VG_MUST_CHECK;

#endif
