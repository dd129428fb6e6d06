/*
 * Interrupting long operations (decrypt-backup) from a signal handler: the
 * handler calls vg_interrupt(), workers poll vg_interrupted() between
 * chunks, stop, clean up what they started and return VG_E_INTERRUPTED.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_CANCEL_H
#define VG_UTIL_CANCEL_H

#include "util/vg.h"

/* Non-zero once vg_interrupt() was called (until vg_interrupt_clear()). */
int vg_interrupted(void);

#endif
