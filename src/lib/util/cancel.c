/*
 * The process-wide interruption flag and the other calls a signal handler
 * may make (see util/cancel.h and vigie.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdatomic.h>

#include "util/cancel.h"
#include "util/tmp.h"

/* Read by worker threads and written by a signal handler: C11 allows a
 * handler to touch lock-free atomics, and atomic_int is lock-free here. */
static atomic_int interrupted;

void vg_interrupt(void)
{
    atomic_store(&interrupted, 1);
}

void vg_interrupt_clear(void)
{
    atomic_store(&interrupted, 0);
}

int vg_interrupted(void)
{
    return atomic_load(&interrupted) != 0;
}

void vg_cleanup_signal_safe(void)
{
    vg_tmp_cleanup_signal_safe();
}

void vg_secure_wipe(void *p, size_t n)
{
    vg_wipe(p, n);
}
