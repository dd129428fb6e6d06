/*
 * `vigie check-iocs`: re-run every module's check on the <module>.json
 * records of an earlier result folder (vigie's or MVT's) with new
 * indicators. Modules whose file is not there are skipped.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <sys/stat.h>

#include "modules/ios/list.h"
#include "scan/scan.h"

int vg_check_iocs(const struct vg_iocs *iocs, const struct vg_scan_opts *opts, struct vg_diag *diag,
                  struct vg_summary *sum)
{
    const struct vg_module *const *mods;
    struct vg_scan s;
    struct stat st;
    size_t n;
    int rc;

    memset(sum, 0, sizeof(*sum));
    if (!opts->target || stat(opts->target, &st) != 0 || !S_ISDIR(st.st_mode)) {
        vg_diag_add(diag, VG_DIAG_ERROR, "check-iocs", "%s: not a results folder",
                    opts->target ? opts->target : "(none)");
        return VG_E_NOTFOUND;
    }
    rc = vg_scan_init(&s, iocs, opts, diag, sum, "check-iocs");
    if (rc != VG_OK)
        return rc;
    s.results_dir = opts->target;
    mods = vg_ios_modules(&n);
    rc = vg_scan_run(&s, mods, n);
    vg_scan_cleanup(&s);
    return rc;
}
