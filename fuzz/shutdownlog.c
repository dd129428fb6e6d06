/*
 * Fuzz target: shutdown.log (src/lib/formats/apple/shutdownlog.c) on any
 * bytes. Checks what must always hold: every client belongs to a block that
 * exists, blocks cover the clients in order, the executable path is a prefix
 * of the path, every record has MVT's five fields with their types, sorting
 * keeps the records, and the sticky list is sorted and above its bar.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/apple/shutdownlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_log(const struct vg_shutdownlog *log)
{
    size_t i, next = 0;

    for (i = 0; i < log->nreboots; i++) {
        const struct vg_shutdownlog_reboot *rb = &log->reboots[i];
        if (rb->first != next || rb->count > log->nclients - rb->first)
            abort();
        next = rb->first + rb->count;
    }
    if (next != log->nclients || log->nclients > VG_MAX_SHUTDOWNLOG_CLIENTS)
        abort();
    for (i = 0; i < log->nclients; i++) {
        const struct vg_shutdownlog_client *c = &log->clients[i];
        if (c->reboot >= log->nreboots || c->exec_len > c->path_len || !c->pid || !c->path)
            abort();
        if (c->pid[c->pid_len] != '\0' || c->path[c->path_len] != '\0')
            abort();
    }
}

static void check_records(const struct vg_shutdownlog *log, json_t *recs)
{
    json_t *r;
    size_t i;

    if (json_array_size(recs) != log->nclients)
        abort();
    json_array_foreach(recs, i, r)
    {
        if (json_object_size(r) != 5 || !json_is_string(json_object_get(r, "isodate")) ||
            !json_is_string(json_object_get(r, "pid")) ||
            !json_is_string(json_object_get(r, "client")) ||
            !json_is_real(json_object_get(r, "delay")) ||
            !json_is_integer(json_object_get(r, "times_delayed")))
            abort();
    }
    if (vg_shutdownlog_sort(recs) != VG_OK || json_array_size(recs) != log->nclients)
        abort();
    for (i = 1; i < json_array_size(recs); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(recs, i - 1), "isodate")),
                   json_string_value(json_object_get(json_array_get(recs, i), "isodate"))) > 0)
            abort();
}

static void check_sticky(const struct vg_shutdownlog *log)
{
    const struct vg_shutdownlog_rules *r = &vg_shutdownlog_ishutdown;
    struct vg_shutdownlog_sticky *s = NULL;
    size_t n = 0, i;

    if (vg_shutdownlog_sticky(log, r, &s, &n) != VG_OK)
        return;
    for (i = 0; i < n; i++) {
        if (s[i].reboots < r->sticky_reboots || s[i].reboots > log->nreboots ||
            s[i].first_client >= log->nclients)
            abort();
        (void)vg_shutdownlog_unusual_dir(r, s[i].exec);
    }
    free(s);
    for (i = 0; i < log->nreboots; i++)
        (void)vg_shutdownlog_many_delays(r, &log->reboots[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_shutdownlog *log = NULL;
    json_t *recs;

    if (vg_shutdownlog_parse(data, size, "fuzz", NULL, &log) != VG_OK)
        return 0;
    check_log(log);
    recs = json_array();
    if (recs && vg_shutdownlog_records(log, recs) == VG_OK)
        check_records(log, recs);
    json_decref(recs);
    check_sticky(log);
    vg_shutdownlog_free(log);
    return 0;
}
