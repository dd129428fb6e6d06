/*
 * What modules of Android backups share (see backup.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/backup.h"

struct member_ctx {
    size_t max;
    int (*fn)(struct vg_run *run, const struct vg_file *f, const unsigned char *data, size_t len,
              void *ud);
    void *ud;
};

static int member(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct member_ctx *c = ud;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = vg_run_read(run, f, c->max, &data, &len);

    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK)
        return VG_OK; /* reported by vg_run_read; the next member still runs */
    rc = c->fn(run, f, data, len, c->ud);
    vg_run_free_data(data, len);
    return rc;
}

int vg_ab_each_member(struct vg_run *run, size_t max,
                      int (*fn)(struct vg_run *run, const struct vg_file *f,
                                const unsigned char *data, size_t len, void *ud),
                      void *ud)
{
    struct member_ctx c = {max, fn, ud};
    return vg_run_find_all(run, member, &c);
}
