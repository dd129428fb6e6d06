/*
 * CrashReporter (beyond MVT): root's com.apple.CrashReporter.plist.
 *
 * Where the knowledge comes from:
 * - Amnesty International's "Forensic Methodology Report: How to catch NSO
 *   Group's Pegasus" (July 2021) lists, among Pegasus's anti-forensics, that
 *   it wrote com.apple.CrashReporter.plist to turn crash reporting off, so
 *   that crashes of its exploits and implant would not reach Apple. MVT's
 *   first release flagged the file in RootDomain for that reason
 *   (mvt-project/mvt 065a62c, "Found a potentially suspicious
 *   com.apple.CrashReporter.plist file created in RootDomain"); the check
 *   was later dropped, because iOS itself now keeps this file in RootDomain.
 * - What a clean phone keeps there: keys "ExcResourceDiagInfo_<process>"
 *   (dates), "NANDTaskScheduler_Priority" and "defTS" (integers), as seen in
 *   public inventories of recent backups. The HomeDomain copy with
 *   ShouldSubmit=false is the user's own analytics choice and harmless
 *   (AmnestyTech/investigations issue #8), so only RootDomain is read.
 * - The submission switches: "ShouldSubmit" (that HomeDomain file),
 *   "AutoSubmit" and "ThirdPartyDataSubmit" (Apple's diagnostics-submission
 *   preferences), and "SysdiagnoseProcessingEnabled". We could not retrieve
 *   the exact plist quoted by the Amnesty report, so any of these set to
 *   false in root's file counts as "crash reporting disabled".
 *
 * Levels: HIGH when root's file turns crash reporting off: iOS does not write
 * these switches into root's file, and doing so is the documented Pegasus
 * behaviour; not CRITICAL because no indicator matched and a jailbreak tweak
 * could do the same. LOW when the file holds keys a clean phone does not
 * have, or cannot be read: worth a look, not evidence.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/nska.h"
#include "sources/ios_backup.h"
#include "modules/ios/common.h"
#include "modules/ios/list.h"
#include "util/buf.h"

#define CRASH_REPORTER_DOMAIN "RootDomain"

static const struct vg_artifact crash_artifacts[] = {
    {CRASH_REPORTER_DOMAIN, "Library/Preferences/com.apple.CrashReporter.plist",
     "private/var/root/Library/Preferences/com.apple.CrashReporter.plist"},
};

static const char *const disabling_keys[] = {
    "AutoSubmit",
    "ShouldSubmit",
    "SysdiagnoseProcessingEnabled",
    "ThirdPartyDataSubmit",
};

static const char *const usual_keys[] = {
    "NANDTaskScheduler_Priority",
    "defTS",
};
#define USUAL_KEY_PREFIX "ExcResourceDiagInfo_"

/* The file's modification time from the backup's manifest, or "". */
static json_t *modified_time(struct vg_run *run, const struct vg_file *f)
{
    struct vg_backup *b = vg_run_backup(run);
    const struct vg_manifest *m = b ? vg_backup_manifest(b) : NULL;
    const struct vg_manifest_entry *e = m ? vg_manifest_get(m, f->domain, f->relative_path) : NULL;
    char buf[VG_ISODATE_LEN + 1];

    if (!e || !e->has_mb || e->mb.last_modified == INT64_MIN ||
        vg_isodate(e->mb.last_modified, 0, buf) != VG_OK)
        return json_string("");
    return json_string(buf);
}

static int crash_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    unsigned char *data = NULL;
    size_t len = 0;
    plist_t root = NULL;
    json_t *plist = json_null();

    (void)ud;
    if (vg_run_read(run, f, VG_MAX_PLIST_FILE, &data, &len) == VG_OK) {
        if (vg_plist_parse(data, len, &root) == VG_OK && root &&
            plist_get_node_type(root) == PLIST_DICT) {
            json_decref(plist);
            plist = vg_plist_to_json(root);
        } else {
            vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a property list dictionary");
            vg_run_log(run, VG_DIAG_WARN, "%s is not a valid property list", f->display);
        }
        plist_free(root);
        vg_run_free_data(data, len);
    }
    return vg_run_add_record(run, json_pack("{s:s?, s:s, s:s, s:o, s:o?}", "file_id", f->file_id,
                                            "domain", f->domain, "relative_path", f->relative_path,
                                            "modified", modified_time(run, f), "plist", plist));
}

static int crash_extract(struct vg_run *run)
{
    size_t i;
    int rc;

    for (i = 0; i < VG_ARRAY_LEN(crash_artifacts); i++) {
        rc = vg_run_find(run, &crash_artifacts[i], crash_visit, NULL);
        if (rc < 0 && rc != VG_E_NOTFOUND)
            return rc;
    }
    return VG_OK;
}

/* false, or a number 0: the switch is off. */
static int is_off(const json_t *v)
{
    return json_is_false(v) || (json_is_integer(v) && json_integer_value(v) == 0) ||
           (json_is_real(v) && json_real_value(v) == 0.0);
}

static int usual_key(const char *key)
{
    size_t i;
    if (vg_str_has_prefix(key, USUAL_KEY_PREFIX))
        return 1;
    for (i = 0; i < VG_ARRAY_LEN(usual_keys); i++)
        if (strcmp(key, usual_keys[i]) == 0)
            return 1;
    return 0;
}

/* Appends key to the comma-separated list in b. */
static void list_key(struct vg_buf *b, const char *key)
{
    int rc = VG_OK;

    if (b->len)
        rc = vg_buf_append_str(b, ", ");
    if (rc == VG_OK)
        rc = vg_buf_append_str(b, key);
    VG_UNUSED(rc); /* past the cap the list is just cut short */
}

static void crash_check_one(struct vg_run *run, const json_t *rec)
{
    json_t *plist = json_object_get(rec, "plist");
    const char *domain = vg_rec_str(rec, "domain");
    const char *when = vg_rec_time(rec, "modified");
    struct vg_buf off, odd;
    const char *key;
    json_t *v;
    size_t i;

    if (domain && *domain && strcmp(domain, CRASH_REPORTER_DOMAIN) != 0)
        return;
    if (!json_is_object(plist)) {
        vg_run_alert(
            run, VG_LEVEL_LOW, rec, NULL, when,
            "Found \"com.apple.CrashReporter.plist\" in RootDomain that could not be read");
        return;
    }
    vg_buf_init(&off, VG_MAX_MESSAGE / 2);
    vg_buf_init(&odd, VG_MAX_MESSAGE / 2);
    for (i = 0; i < VG_ARRAY_LEN(disabling_keys); i++)
        if (is_off(json_object_get(plist, disabling_keys[i])))
            list_key(&off, disabling_keys[i]);
    json_object_foreach(plist, key, v)
    {
        if (!usual_key(key))
            list_key(&odd, key);
    }
    if (off.len)
        vg_run_alert(run, VG_LEVEL_HIGH, rec, NULL, when,
                     "Found \"com.apple.CrashReporter.plist\" in RootDomain turning crash "
                     "reporting off (%s set to false), as Pegasus was seen doing",
                     off.data);
    else if (odd.len)
        vg_run_alert(run, VG_LEVEL_LOW, rec, NULL, when,
                     "Found \"com.apple.CrashReporter.plist\" in RootDomain with unexpected "
                     "keys: %s",
                     odd.data);
    vg_buf_free(&off);
    vg_buf_free(&odd);
}

static void crash_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;
    json_array_foreach(vg_run_records(run), i, rec) crash_check_one(run, rec);
}

static void crash_timeline(struct vg_run *run, const json_t *rec)
{
    const char *when = vg_rec_time(rec, "modified");
    char *desc;

    if (!*when)
        return;
    desc = vg_asprintf("%s - %s modified", vg_rec_time(rec, "relative_path"),
                       vg_rec_time(rec, "domain"));
    if (!desc)
        return;
    vg_run_timeline(run, when, "crash_reporter_modified", desc);
    free(desc);
}

const struct vg_module vg_mod_crash_reporter = {
    .name = "crash_reporter",
    .class_name = "CrashReporter",
    .description = "root's com.apple.CrashReporter.plist; HIGH when it turns crash reporting off "
                   "(Pegasus, Amnesty 2021), LOW on unexpected keys",
    .sources = VG_SRC_MIXED,
    .artifacts = crash_artifacts,
    .n_artifacts = VG_ARRAY_LEN(crash_artifacts),
    .extract = crash_extract,
    .check = crash_check,
    .timeline = crash_timeline,
};
