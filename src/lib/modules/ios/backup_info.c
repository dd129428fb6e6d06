/*
 * BackupInfo: the device facts in the backup's Info.plist, and a warning
 * when the iOS version is older than the latest this build knows.
 * Backup only; nothing to check against indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/ios/common.h"

/* The newest iOS release this build of vigie knows of. An older version on
 * the phone means missing security fixes: worth a warning, not an alert. */
#define VG_IOS_LATEST "26.6.1"

static const struct vg_loc info_locs[] = {
    {VG_LOC_BACKUP_META, NULL, "Info.plist"},
};

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

/* NULL only when out of memory. */
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

static json_t *info_record(plist_t info)
{
    json_t *rec = json_object();
    size_t i;

    for (i = 0; rec && i < VG_ARRAY_LEN(info_fields); i++) {
        json_t *v = info_value(plist_dict_get_item(info, info_fields[i]));
        if (!v || json_object_set_new(rec, info_fields[i], v) != 0) {
            json_decref(rec);
            rec = NULL;
        }
    }
    return rec;
}

static void device_facts(struct vg_run *run, const json_t *rec)
{
    static const char *const facts[][2] = {
        {"product_type", "Product Type"},         {"product_version", "Product Version"},
        {"build_version", "Build Version"},       {"device_name", "Device Name"},
        {"last_backup_date", "Last Backup Date"},
    };
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(info_fields); i++) {
        const char *v = vg_jstr(rec, info_fields[i]);
        if (v)
            vg_run_log(run, VG_DIAG_DEBUG, "%s: %s", info_fields[i], v);
    }
    for (i = 0; i < VG_ARRAY_LEN(facts); i++)
        vg_run_device(run, facts[i][0], json_incref(json_object_get(rec, facts[i][1])));
}

static int info_plist(struct vg_run *run, const struct vg_file *f, plist_t info, void *ud)
{
    json_t *rec;
    const char *version;

    VG_UNUSED(ud);
    if (plist_get_node_type(info) != PLIST_DICT) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a dictionary");
        vg_run_log(run, VG_DIAG_WARN, "%s: the top level is not a dictionary", f->display);
        return VG_OK;
    }
    rec = info_record(info);
    if (!rec) {
        vg_run_nomem(run);
        return VG_E_NOMEM;
    }
    device_facts(run, rec);
    version = vg_jstr(rec, "Product Version");
    if (version && version_cmp(version, VG_IOS_LATEST) < 0)
        vg_run_log(run, VG_DIAG_WARN,
                   "This phone is running an outdated iOS version: %s (latest known is %s)",
                   version, VG_IOS_LATEST);
    return vg_run_emit_json(run, rec);
}

static int backup_info_extract(struct vg_run *run)
{
    return vg_ios_each_plist(run, info_plist, NULL);
}

const struct vg_module vg_mod_backup_info = {
    .name = "backup_info",
    .class_name = "BackupInfo",
    .description = "device facts from Info.plist; warns on an outdated iOS",
    .locs = info_locs,
    .n_locs = VG_ARRAY_LEN(info_locs),
    .extract = backup_info_extract,
};
