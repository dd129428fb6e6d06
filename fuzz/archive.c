/*
 * Fuzz target: the archive layer (src/lib/io/archive.c) on any bytes as an
 * archive in memory. Small files are kept, larger ones streamed, and each
 * kept member is opened again as a nested archive, as a zip in a zip
 * would be. Caps are small so one input stays fast; what the pass keeps
 * must respect them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "io/archive.h"

#define FZ_KEEP (64u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum vg_archive_action fz_visit(void *ud, const struct vg_archive_entry *e)
{
    VG_UNUSED(ud);
    if (!e->name || !e->raw_name || strstr(e->name, "//") || e->name[0] == '/')
        abort();
    return e->size >= 0 && e->size <= (int64_t)FZ_KEEP ? VG_ARCHIVE_KEEP : VG_ARCHIVE_STREAM;
}

static int fz_chunk(void *ud, const struct vg_archive_entry *e, const unsigned char *p, size_t n)
{
    uint64_t *streamed = ud;

    VG_UNUSED(e);
    if (!p || n == 0)
        abort();
    *streamed += n;
    return VG_OK;
}

static void fz_opts(struct vg_archive_opts *o)
{
    vg_archive_opts_init(o);
    o->max_member = 1u << 20;
    o->max_total = 4u << 20;
    o->max_entries = 1000;
    o->ratio_floor = 1u << 20;
    o->mem_threshold = 1u << 20; /* no temp files: the fuzzer runs millions of times */
}

/* One pass; then the kept members checked, and opened again up to depth. */
static void fz_pass(struct vg_archive *a, unsigned depth)
{
    uint64_t streamed = 0, kept = 0;
    struct vg_archive_visitor v = {fz_visit, fz_chunk, NULL, &streamed};
    size_t i;
    int rc = vg_archive_read(a, &v);

    if (rc > 0)
        abort();
    for (i = 0; i < vg_archive_kept_total(a); i++) {
        struct vg_archive_member *m = vg_archive_kept_at(a, i);
        const struct vg_archive_entry *e = vg_archive_member_entry(m);
        const unsigned char *p;
        struct vg_archive *inner;
        size_t len;

        if (e->type != VG_ARCHIVE_FILE || vg_archive_kept_count(a, e->name) == 0)
            abort();
        if (vg_archive_member_data(m, &p, &len) != VG_OK || len != vg_archive_member_size(m) ||
            len > (1u << 20))
            abort();
        kept += len;
        if (depth < 2 && vg_archive_open_member(a, m, NULL, &inner) == VG_OK) {
            fz_pass(inner, depth + 1);
            vg_archive_free(inner);
        }
    }
    if (kept + streamed > (4u << 20))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_archive_opts o;
    struct vg_archive *a;
    struct vg_diag *d;

    if (vg_diag_new(NULL, NULL, &d) != VG_OK)
        return 0;
    fz_opts(&o);
    if (vg_archive_open_mem("fuzz", data, size, &o, d, &a) == VG_OK) {
        fz_pass(a, 0);
        vg_archive_free(a);
    }
    vg_diag_free(d);
    return 0;
}
