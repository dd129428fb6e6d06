/*
 * Fuzz target: MobileInstallation logs (src/lib/formats/apple/milog.c) on
 * any bytes. Checks that every entry's strings and every event's strings
 * lie inside the input, and that lines come in order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/apple/milog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
    const uint8_t *data;
    size_t size, line;
};

static void inside(const struct ctx *c, struct vg_str s)
{
    if (!s.p)
        return;
    if ((const uint8_t *)s.p < c->data || s.n > c->size ||
        (size_t)((const uint8_t *)s.p - c->data) > c->size - s.n)
        abort();
}

static int entry(void *ud, const struct vg_milog_entry *e)
{
    struct ctx *c = ud;
    struct vg_milog_event ev;

    if (e->line <= c->line)
        abort();
    c->line = e->line;
    inside(c, e->level);
    inside(c, e->thread);
    inside(c, e->function);
    inside(c, e->message);
    vg_milog_event(e->message, &ev);
    inside(c, ev.bundle_id);
    inside(c, ev.version);
    inside(c, ev.short_version);
    inside(c, ev.install_type);
    inside(c, ev.path);
    inside(c, ev.requested_by);
    (void)vg_milog_kind_name(ev.kind);
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctx c = {data, size, 0};

    if (vg_milog_each(data, size, entry, &c) != VG_OK && size <= VG_MAX_MI_LOG_FILE)
        abort();
    return 0;
}
