/*
 * BackupInfo: the device facts in the backup's Info.plist, and a warning
 * when the iOS version is older than the latest this build knows.
 * Backup only; nothing to check against indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "sources/ios_backup.h"
#include "modules/ios/common.h"
#include "modules/ios/list.h"

/* The newest iOS release this build of vigie knows of. An older version on
 * the phone means missing security fixes: worth a warning, not an alert. */
#define VG_IOS_LATEST "26.6.1"

/* Info.plist keys, in MVT's order (backup_info.json has the same shape). */
static const char *const info_fields[] = {
    "Build Version",
    "Device Name",
    "Display Name",
    "GUID",
    "ICCID",
    "IMEI",
    "MEID",
    "Installed Applications",
    "Last Backup Date",
    "Phone Number",
    "Product Name",
    "Product Type",
    "Product Version",
    "Serial Number",
    "Target Identifier",
    "Target Type",
    "Unique Identifier",
    "iTunes Version",
};

/* Compares dotted versions numerically ("14.3" < "14.10"). */
static int version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        unsigned long x = 0, y = 0;
        while (*a >= '0' && *a <= '9')
            x = x * 10 + (unsigned long)(*a++ - '0');
        while (*b >= '0' && *b <= '9')
            y = y * 10 + (unsigned long)(*b++ - '0');
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.')
            a++;
        else if (*a)
            return 0; /* not a plain version: do not guess */
        if (*b == '.')
            b++;
        else if (*b)
            return 0;
    }
    return 0;
}

static json_t *info_value(plist_t v)
{
    if (v && plist_get_node_type(v) == PLIST_DATE) {
        /* MVT prints Python's str(datetime): no fraction when it is zero */
        char buf[VG_ISODATE_LEN + 1];
        int32_t sec = 0, usec = 0;
        plist_get_date_val(v, &sec, &usec);
        if (vg_isodate_cocoa((double)sec + (double)usec / 1e6, buf) != VG_OK)
            return json_null();
        if (usec == 0)
            buf[19] = '\0';
        return json_string(buf);
    }
    return vg_plist_to_json(v);
}

static int backup_info_extract(struct vg_run *run)
{
    struct vg_backup *b = vg_run_backup(run);
    plist_t info = b ? vg_backup_info_plist(b) : NULL;
    json_t *rec;
    const char *version;
    size_t i;

    if (!info || plist_get_node_type(info) != PLIST_DICT) {
        vg_run_coverage(run, VG_COV_MISSING, "Info.plist", "no readable Info.plist");
        return VG_OK;
    }
    vg_run_coverage(run, VG_COV_FOUND, "Info.plist", NULL);
    rec = json_object();
    if (!rec)
        return VG_E_NOMEM;
    for (i = 0; i < VG_ARRAY_LEN(info_fields); i++)
        json_object_set_new(rec, info_fields[i],
                            info_value(plist_dict_get_item(info, info_fields[i])));
    for (i = 0; i < VG_ARRAY_LEN(info_fields); i++) {
        json_t *v = json_object_get(rec, info_fields[i]);
        if (json_is_string(v))
            vg_run_log(run, VG_DIAG_DEBUG, "%s: %s", info_fields[i], json_string_value(v));
    }
    vg_run_device(run, "product_type", json_incref(json_object_get(rec, "Product Type")));
    vg_run_device(run, "product_version", json_incref(json_object_get(rec, "Product Version")));
    vg_run_device(run, "build_version", json_incref(json_object_get(rec, "Build Version")));
    vg_run_device(run, "device_name", json_incref(json_object_get(rec, "Device Name")));
    vg_run_device(run, "last_backup_date", json_incref(json_object_get(rec, "Last Backup Date")));

    version = vg_rec_str(rec, "Product Version");
    if (version && version_cmp(version, VG_IOS_LATEST) < 0)
        vg_run_log(run, VG_DIAG_WARN,
                   "This phone is running an outdated iOS version: %s (latest known is %s)",
                   version, VG_IOS_LATEST);
    return vg_run_add_record(run, rec);
}

const struct vg_module vg_mod_backup_info = {
    .name = "backup_info",
    .class_name = "BackupInfo",
    .description = "device facts from Info.plist; warns on an outdated iOS",
    .sources = VG_SRC_BACKUP,
    .extract = backup_info_extract,
};
