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
#include "modules/ios/common.h"
#include "util/buf.h"

#define CRASH_REPORTER_DOMAIN "RootDomain"

static const struct vg_loc crash_locs[] = {
    {VG_LOC_BACKUP, CRASH_REPORTER_DOMAIN, "Library/Preferences/com.apple.CrashReporter.plist"},
    {VG_LOC_FS, NULL, "private/var/root/Library/Preferences/com.apple.CrashReporter.plist"},
};

/* The record's keys, in order; also the fields checks and the timeline
 * read. */
enum { F_FILE_ID, F_DOMAIN, F_REL, F_MODIFIED, F_PLIST };
static const char *const crash_fields[] = {
    "file_id", "domain", "relative_path", "modified", "plist",
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

/* The file's plist as JSON; null (with a warning) when it is not a
 * dictionary. NULL only when out of memory. */
static json_t *plist_json(struct vg_run *run, const struct vg_file *f)
{
    unsigned char *data = NULL;
    size_t len = 0;
    plist_t root = NULL;
    json_t *plist = json_null();

    if (vg_run_read(run, f, VG_MAX_PLIST_FILE, &data, &len) != VG_OK)
        return plist;
    if (vg_plist_parse(data, len, &root) == VG_OK && root &&
        plist_get_node_type(root) == PLIST_DICT) {
        plist = vg_plist_to_json(root);
    } else {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "not a property list dictionary");
        vg_run_log(run, VG_DIAG_WARN, "%s is not a valid property list", f->display);
    }
    plist_free(root);
    vg_run_free_data(data, len);
    return plist;
}

static int crash_visit(struct vg_run *run, const struct vg_file *f, void *ud)
{
    const struct vg_schema *const *schema = ud;
    struct vg_rec *r = vg_run_rec(run, *schema);
    char modified[VG_ISODATE_LEN + 1];
    json_t *plist;

    if (!r)
        return VG_E_NOMEM;
    /* the modification time the backup's manifest (or the dump) records */
    if (!(f->st.has & VG_ST_MTIME) || vg_isodate(f->st.mtime, 0, modified) != VG_OK)
        modified[0] = '\0';
    if (f->id)
        vg_rec_set_text(r, F_FILE_ID, f->id);
    vg_rec_set_text(r, F_DOMAIN, f->domain ? f->domain : "");
    vg_rec_set_text(r, F_REL, f->path);
    vg_rec_set_text(r, F_MODIFIED, modified);
    plist = plist_json(run, f);
    if (json_is_null(plist))
        vg_rec_set_null(r, F_PLIST);
    else
        vg_rec_set_json(r, F_PLIST, json_incref(plist));
    json_decref(plist);
    return vg_run_emit(run, r);
}

static int crash_extract(struct vg_run *run)
{
    const struct vg_schema *schema = NULL;
    int rc = vg_run_schema(run, crash_fields, VG_ARRAY_LEN(crash_fields), &schema);

    return rc == VG_OK ? vg_run_find_all(run, crash_visit, &schema) : rc;
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

static void crash_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const json_t *plist = vg_rec_json(rec, F_PLIST);
    const char *domain = vg_rec_text(rec, F_DOMAIN);
    const char *when = vg_rec_time(rec, F_MODIFIED);
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
    json_object_foreach((json_t *)plist, key, v)
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

static void crash_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const char *when = vg_rec_time(rec, F_MODIFIED);
    char *desc;

    if (!*when)
        return;
    desc = vg_asprintf("%s - %s modified", vg_rec_time(rec, F_REL), vg_rec_time(rec, F_DOMAIN));
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, when, "crash_reporter_modified", desc);
    free(desc);
}

const struct vg_module vg_mod_crash_reporter = {
    .name = "crash_reporter",
    .class_name = "CrashReporter",
    .description = "root's com.apple.CrashReporter.plist; HIGH when it turns crash reporting off "
                   "(Pegasus, Amnesty 2021), LOW on unexpected keys",
    .locs = crash_locs,
    .n_locs = VG_ARRAY_LEN(crash_locs),
    .fields = crash_fields,
    .n_fields = VG_ARRAY_LEN(crash_fields),
    .extract = crash_extract,
    .check_record = crash_check_one,
    .timeline = crash_timeline,
};
