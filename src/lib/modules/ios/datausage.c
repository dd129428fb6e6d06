/*
 * Datausage: which processes used the network, from DataUsage.sqlite, as
 * MVT's Datausage: process indicators, deleted process rows, gaps in the
 * process ids, and deleted processes recovered from the database's free
 * space. All of it is NetBase's (net_base.c), shared with Netusage; this
 * module names its database.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/ios/common.h"
#include "modules/ios/net_base.h"

static const struct vg_loc datausage_locs[] = {
    {VG_LOC_BACKUP, "WirelessDomain", "Library/Databases/DataUsage.sqlite"},
    {VG_LOC_FS, NULL, "private/var/wireless/Library/Databases/DataUsage.sqlite"},
};

static int datausage_extract(struct vg_run *run)
{
    return vg_net_extract(run, datausage_locs, VG_ARRAY_LEN(datausage_locs), NULL);
}

const struct vg_module vg_mod_datausage = {
    .name = "datausage",
    .class_name = "Datausage",
    .description = "per-process network use from DataUsage.sqlite; process indicators, deleted "
                   "process rows, gaps in process ids, deleted processes recovered",
    .locs = datausage_locs,
    .n_locs = VG_ARRAY_LEN(datausage_locs),
    .fields = vg_net_fields,
    .n_fields = VG_NET_N_FIELDS,
    .extract = datausage_extract,
    .check_record = vg_net_check_one,
    .check_finish = vg_net_finish,
    .timeline = vg_net_timeline,
};
