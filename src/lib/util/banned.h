/*
 * Functions banned in src/ (see STYLE.md): unbounded copies, unchecked
 * parsing, hidden state. Poisoned so any use fails to compile; scripts/lint
 * also greps for them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_BANNED_H
#define VG_UTIL_BANNED_H

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC poison strcpy strcat sprintf vsprintf gets strtok atoi atol sscanf
#endif

#endif
