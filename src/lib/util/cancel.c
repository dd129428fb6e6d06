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

static void said_stale(void *ud, const char *path)
{
    vg_diag_add(ud, VG_DIAG_WARN, "temp",
                "removed %s, a private temporary folder an earlier run left behind when it was "
                "killed (it may have held decrypted data)",
                path);
}

size_t vg_cleanup_stale(struct vg_diag *diag)
{
    return vg_tmp_reap_stale(said_stale, diag);
}

void vg_secure_wipe(void *p, size_t n)
{
    vg_wipe(p, n);
}
