/*
 * Android bugreports: the zip `adb bugreport` writes, or the folder it was
 * unzipped to (docs/formats/bugreport.md), read in place in one pass
 * (sources/tree.h). Modules find members by VG_LOC_BUGREPORT paths from
 * the bugreport's root ("FS/data/tombstones/tombstone_*"), every entry
 * with its times through VG_LOC_BUGREPORT_LISTING, and dumpsys sections
 * by service name through VG_LOC_DUMPSYS, served from the dumpstate text
 * (the entry main_entry.txt names, else dumpState_*.log, else a
 * dumpsys.txt one folder down, as MVT looks for it), which is split once
 * per decoding (sources/dumpsys_text.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_BUGREPORT_H
#define VG_SOURCES_BUGREPORT_H

#include "scan/source.h"
#include "sources/tree.h"

/* A bugreport zip, or its folder. */
int vg_src_bugreport_open(const char *path, const struct vg_source_opts *o, struct vg_diag *diag,
                          struct vg_source **out) VG_MUST_CHECK;

/* A bugreport kept inside another acquisition (AndroidQF's bugreport.zip),
 * for that source's nested() op: the member at logical path of tree
 * parent, which parent's prepare() must have kept (or a file, when parent
 * is a folder). outer is the acquisition's source; both outlive the new
 * one. VG_E_NOTFOUND when there is no such member. */
int vg_src_bugreport_nested(const struct vg_source *outer, struct vg_tree *parent,
                            const char *logical, struct vg_diag *diag,
                            struct vg_source **out) VG_MUST_CHECK;

#endif
