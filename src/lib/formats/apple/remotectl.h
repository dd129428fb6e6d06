/*
 * remotectl_dumpstate.txt, a sysdiagnose's dump of the device's remote
 * service properties: tab-indented "Key => value" lines, the phone's own
 * under "Local device" (ProductType, OSVersion, BuildVersion,
 * SerialNumber, UniqueDeviceID). Layout and sources:
 * docs/formats/sysdiagnose.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_APPLE_REMOTECTL_H
#define VG_FORMATS_APPLE_REMOTECTL_H

#include "util/text.h"
#include "util/vg.h"

/* For each of the n keys, the value of its first "key => value" line in
 * the "Local device" section (the whole file when it has no such line):
 * values[i] borrows text, .p NULL when absent. Lines longer than
 * VG_MAX_APPLE_TEXT_LINE are cut. VG_E_LIMIT past VG_MAX_REMOTECTL_FILE. */
int vg_remotectl_props(const void *text, size_t len, const char *const *keys, size_t n,
                       struct vg_str *values) VG_MUST_CHECK;

#endif
