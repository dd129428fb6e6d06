/*
 * SMS (Android backups): the SMS and MMS the telephony provider puts in a
 * backup (apps/com.android.providers.telephony/d_f/NNNNNN_sms_backup and
 * _mms_backup), recorded as MVT's parse_sms_file records them
 * (formats/android/sms_backup.h: the file's keys, "isodate", "direction",
 * "links"). Checks the links against URL, domain and IP indicators as MVT
 * does; then, beyond MVT, the bare host names of the body, and the sender
 * and recipient addresses against email indicators (SMS-to-email gateways
 * and MMS sent to an address).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/sms_backup.h"
#include "modules/android/backup.h"
#include "modules/sms.h"

/* MVT's patterns, SMS files first (its run order). */
static const struct vg_loc sms_locs[] = {
    {VG_LOC_ANDROID_BACKUP, NULL, "apps/com.android.providers.telephony/d_f/*_sms_backup"},
    {VG_LOC_ANDROID_BACKUP, NULL, "apps/com.android.providers.telephony/d_f/*_mms_backup"},
};

enum { F_BODY, F_LINKS, F_ISODATE, F_ADDRESS, F_DIRECTION, F_MMS_ADDRESSES, F_RECIPIENTS };
static const char *const sms_fields[] = {
    "body", "links", "isodate", "address", "direction", "mms_addresses", "recipients",
};

/* A compressed telephony file is smaller than what it inflates to, which
 * formats/android/sms_backup.c caps at VG_MAX_SMS_BACKUP. */
#define SMS_FILE_MAX VG_MAX_SMS_BACKUP

static int sms_file(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                    size_t len, void *ud)
{
    json_t *records = NULL, *msg;
    size_t i;
    int rc;

    VG_UNUSED(ud);
    rc = vg_sms_backup_parse(data, len, f->display, vg_run_diag(run), &records);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        return VG_OK;
    }
    json_array_foreach(records, i, msg)
    {
        rc = vg_run_emit_json(run, json_incref(msg));
        if (rc != VG_OK && rc != VG_E_INVAL)
            break;
        rc = VG_OK;
    }
    json_decref(records);
    return rc;
}

static int sms_extract(struct vg_run *run)
{
    int rc = vg_ab_each_member(run, SMS_FILE_MAX, sms_file, NULL);

    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu SMS & MMS messages",
               vg_run_record_count(run));
    return rc;
}

/* ---- checks ---- */

static int is_email(const char *s)
{
    return s && strchr(s, '@') != NULL;
}

static int check_address(struct vg_run *run, const struct vg_rec *rec, const char *addr,
                         const char *when)
{
    return is_email(addr) && vg_check_email(run, VG_LEVEL_CRITICAL, rec, addr, when);
}

/* The addresses of a message: "address" (SMS), every "recipients" entry,
 * every "mms_addresses" entry's "address". Stops at the first hit. */
static void check_addresses(struct vg_run *run, const struct vg_rec *rec, const char *when)
{
    const json_t *list, *v;
    size_t i;

    if (check_address(run, rec, vg_rec_text(rec, F_ADDRESS), when))
        return;
    list = vg_rec_json(rec, F_RECIPIENTS);
    json_array_foreach(list, i, v)
    {
        if (check_address(run, rec, json_string_value(v), when))
            return;
    }
    list = vg_rec_json(rec, F_MMS_ADDRESSES);
    json_array_foreach(list, i, v)
    {
        if (check_address(run, rec, vg_jstr(v, "address"), when))
            return;
    }
}

static void sms_check(struct vg_run *run, const struct vg_rec *rec)
{
    const char *when = vg_rec_time(rec, F_ISODATE);

    vg_sms_check_body(run, rec, F_BODY, F_LINKS, when);
    check_addresses(run, rec, when);
}

/* ---- timeline (MVT has none for this module) ---- */

static void sms_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    vg_sms_android_timeline(run, vg_rec_val(rec, F_ADDRESS), vg_rec_text(rec, F_BODY),
                            vg_rec_text(rec, F_DIRECTION), vg_rec_time(rec, F_ISODATE), 0);
}

const struct vg_module vg_mod_backup_sms = {
    .name = "sms",
    .class_name = "SMS",
    .description = "SMS and MMS of an Android backup (telephony provider); links and host "
                   "names in bodies, email addresses",
    .locs = sms_locs,
    .n_locs = VG_ARRAY_LEN(sms_locs),
    .fields = sms_fields,
    .n_fields = VG_ARRAY_LEN(sms_fields),
    .extract = sms_extract,
    .check_record = sms_check,
    .timeline = sms_timeline,
};
