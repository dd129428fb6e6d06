/*
 * iOS sysdiagnose archives: what a phone writes when its owner presses the
 * volume buttons and the side button together (Settings > Privacy >
 * Analytics Data shares it), `sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ_
 * iPhone-OS_iPhone_<build>.tar.gz` with one top folder of the same name, or
 * the folder it was unpacked to. Read in place in one pass (sources/tree.h):
 * modules find files by VG_LOC_SYSDIAG paths inside that folder
 * ("ps.txt", "system_logs.logarchive/Extra/shutdown.log").
 *
 * Several sysdiagnoses of one phone can be checked together (taken days
 * apart, they show what changed): the source then serves the files of each,
 * in the order they were taken (the date in their names), and names every
 * file by which sysdiagnose it comes from: vg_file.domain is that
 * sysdiagnose's name (always set, one sysdiagnose or several), and
 * vg_file.display is "<name>/<path>" when there are several. Modules merge
 * what they read by time and tell records apart by that name; nothing else
 * in the engine changes. Facts: the date, time zone, OS, device and build
 * each name gives ("sysdiagnoses" in info.json; the newest one's at the
 * top). docs/formats/sysdiagnose.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_SYSDIAGNOSE_H
#define VG_SOURCES_SYSDIAGNOSE_H

#include "scan/source.h"

/* At most this many sysdiagnoses at once (modules keep a bit per one). */
#define VG_SYSDIAG_MAX 32

/* path and o->more_paths: each an archive or a folder. */
int vg_src_ios_sysdiag_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                            struct vg_source **out) VG_MUST_CHECK;

#endif
