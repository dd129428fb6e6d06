/*
 * `vigie ios check-backup`: open the backup, run the iOS module table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "sources/ios_backup.h"
#include "modules/ios/list.h"
#include "scan/scan.h"

int vg_ios_check_backup(const struct vg_iocs *iocs, const struct vg_scan_opts *opts,
                        struct vg_diag *diag, struct vg_summary *sum)
{
    const struct vg_module *const *mods;
    struct vg_source *src = NULL;
    struct vg_scan s;
    size_t n;
    int rc;

    memset(sum, 0, sizeof(*sum));
    rc = vg_backup_open(opts->target, opts, diag, &src);
    if (rc != VG_OK)
        return rc;
    rc = vg_scan_init(&s, iocs, opts, diag, sum, "ios-backup");
    if (rc != VG_OK) {
        vg_source_free(src);
        return rc;
    }
    s.src = src;
    mods = vg_ios_modules(&n);
    rc = vg_scan_run(&s, mods, n);
    vg_scan_cleanup(&s);
    vg_source_free(src);
    return rc;
}

size_t vg_module_list(const char *kind, const char **names, const char **class_names,
                      const char **descriptions, size_t cap)
{
    const struct vg_module *const *mods;
    size_t n, i;

    if (strcmp(kind, "ios-backup") != 0)
        return 0;
    mods = vg_ios_modules(&n);
    for (i = 0; i < n && i < cap; i++) {
        if (names)
            names[i] = mods[i]->name;
        if (class_names)
            class_names[i] = mods[i]->class_name;
        if (descriptions)
            descriptions[i] = mods[i]->description;
    }
    return n;
}
