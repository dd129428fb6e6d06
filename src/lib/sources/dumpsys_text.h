/*
 * Serving VG_LOC_DUMPSYS from one dumpsys text: a bugreport's dumpstate
 * (sources/bugreport.c) or an AndroidQF dumpsys.txt (sources/androidqf.c).
 *
 * Modules ask for sections by service name, each with the decoding its MVT
 * module reads the text with (scan/module.h). The text is split once per
 * decoding asked for, on the first request (the others wait), into an
 * index of its sections in text order; every later request is a lookup,
 * so ten modules cost one pass, not ten. A section is handed over as a
 * struct vg_file (path: the name; display: "<file>: DUMP OF SERVICE
 * <name>"; line: its header's line) whose bytes are its body, borrowed
 * from the text. Path "------ SYSTEM PROPERTIES" names dumpstate's getprop
 * block instead (the lines after that title up to a line "------", as
 * MVT's DumpsysGetProp reads them: VG_DUMPSYS_GETPROP_BLOCK).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SOURCES_DUMPSYS_TEXT_H
#define VG_SOURCES_DUMPSYS_TEXT_H

#include "formats/android/dumpsys.h"
#include "scan/source.h"

struct vg_dumpsys_text;

/* text[0..len) is borrowed and must outlive the object; display names it
 * in messages ("bugreport-x.txt"). VG_E_LIMIT past VG_MAX_DUMPSYS_TEXT. */
int vg_dumpsys_text_new(const char *display, const void *text, size_t len,
                        struct vg_dumpsys_text **out) VG_MUST_CHECK;
void vg_dumpsys_text_free(struct vg_dumpsys_text *t);

/* The decoding a VG_LOC_DUMPSYS locator's domain names: "replace" (or
 * NULL), "ignore", "bytes". VG_E_INVAL for anything else. */
int vg_dumpsys_dec_parse(const char *domain, enum vg_dumpsys_dec *out) VG_MUST_CHECK;

/* The source's find for VG_LOC_DUMPSYS: the first section named loc->path
 * (MVT's lookup: "CRITICAL x" is not "x"), at most one file; 0 when there
 * is none. Safe from several threads. A problem splitting the text is a
 * warning in diag and ends the index where it happened. */
int vg_dumpsys_text_find(struct vg_dumpsys_text *t, const struct vg_loc *loc,
                         int (*cb)(void *ud, const struct vg_file *f), void *ud,
                         struct vg_diag *diag) VG_MUST_CHECK;
/* The body of a section find gave. */
int vg_dumpsys_text_open(struct vg_dumpsys_text *t, const struct vg_file *f,
                         struct vg_io **out) VG_MUST_CHECK;

#endif
