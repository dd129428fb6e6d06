/*
 * What the dumpsys modules share: each reads one service's section of a
 * dumpsys text (VG_LOC_DUMPSYS: a bugreport's dumpstate, an AndroidQF
 * dumpsys.txt) with its parser from formats/android/dumpsys.h, and emits
 * the parser's records (MVT's) as they come.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_ANDROID_DUMPSYS_COMMON_H
#define VG_ANDROID_DUMPSYS_COMMON_H

#include "formats/android/dumpsys.h"
#include "scan/checks.h"
#include "scan/module.h"

/* Finds the module's section (its locators), parses it with kind's
 * parser and emits every record. Lines the parser skips are warnings
 * naming the file and line; a parse that could not go on is PARTIAL
 * coverage, and the records up to there stand. VG_OK, VG_E_NOMEM or the
 * engine's stop. */
int vg_android_dumpsys_run(struct vg_run *run, enum vg_dumpsys_kind kind) VG_MUST_CHECK;

#endif
