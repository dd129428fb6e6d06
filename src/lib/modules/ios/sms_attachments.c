/*
 * SMSAttachments: every attachment of sms.db with the message and handle it
 * belongs to, recorded as MVT records it. Checks each attachment's file
 * name and path against file indicators, and flags received attachments
 * written to /var/tmp with a "-1" suffix (MVT's heuristic for the files
 * left by iMessage exploits).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/sms.h"
#include "util/buf.h"

static const char att_sql[] =
    "SELECT attachment.ROWID AS attachment_id, attachment.*, "
    "message.service AS service, handle.id AS phone_number "
    "FROM attachment "
    "LEFT JOIN message_attachment_join "
    "ON message_attachment_join.attachment_id = attachment.ROWID "
    "LEFT JOIN message ON message.ROWID = message_attachment_join.message_id "
    "LEFT JOIN handle ON handle.ROWID = message.handle_id "
    "ORDER BY attachment.ROWID, message.ROWID";

static const char *const att_tables[] = {"attachment", "message_attachment_join", "message",
                                         "handle"};

static const struct vg_loc att_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/SMS/sms.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/SMS/sms.db"},
};

enum {
    F_CREATED,
    F_START,
    F_OUTGOING,
    F_USER_INFO,
    F_SERVICE,
    F_FILENAME,
    F_DIRECTION,
    F_ISODATE,
    F_HAS_USER_INFO,
    F_TRANSFER,
    F_PHONE,
    F_BYTES,
    F_STICKER
};
static const char *const att_fields[] = {
    "created_date", "start_date",  "is_outgoing", "user_info",     "service",
    "filename",     "direction",   "isodate",     "has_user_info", "transfer_name",
    "phone_number", "total_bytes", "is_sticker",
};

/* What the module adds after the columns, in MVT's order; the ones a
 * column already has keep that column's place. */
static const char *const att_extra[] = {"isodate",       "start_date", "direction",
                                        "has_user_info", "service",    "filename"};

static int att_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];
    int64_t out = 0;
    int sent = vg_rec_int(r, F_OUTGOING, &out) && out == 1;

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_rec_set_text(r, F_ISODATE, vg_val_sms_date_iso(vg_rec_val(r, F_CREATED), buf));
    vg_rec_set_text(r, F_START, vg_val_sms_date_iso(vg_rec_val(r, F_START), buf));
    vg_sms_set_direction(r, F_DIRECTION, sent);
    vg_rec_set_bool(r, F_HAS_USER_INFO, !vg_rec_is_null(r, F_USER_INFO));
    if (!vg_val_truthy(vg_rec_val(r, F_SERVICE)))
        vg_rec_set_text_ref(r, F_SERVICE, "Unknown", 7);
    if (!vg_val_truthy(vg_rec_val(r, F_FILENAME)))
        vg_rec_set_text_ref(r, F_FILENAME, "NULL", 4);
    return VG_OK;
}

static const struct vg_db_query att_query = {
    .sql = att_sql,
    .extra = att_extra,
    .n_extra = VG_ARRAY_LEN(att_extra),
    .row = att_row,
};

static int att_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    size_t i;

    (void)ud;
    for (i = 0; i < VG_ARRAY_LEN(att_tables); i++) {
        if (!vg_sqlite_has_table(db, att_tables[i])) {
            vg_run_log(run, VG_DIAG_INFO,
                       "No SMS attachment tables found in the database, skipping: no such "
                       "table: %s (%s)",
                       att_tables[i], f->display);
            return VG_OK;
        }
    }
    return vg_db_query_records(run, f, db, &att_query);
}

static int att_extract(struct vg_run *run)
{
    int rc = vg_db_each(run, att_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu SMS attachments",
               vg_run_record_count(run));
    return rc;
}

/* /var is a link to /private/var: the heuristic holds for both spellings. */
static int in_var_tmp(const char *path)
{
    return vg_str_has_prefix(path, "/var/tmp/") || vg_str_has_prefix(path, "/private/var/tmp/");
}

static void att_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    const char *filename = vg_rec_text(rec, F_FILENAME);
    const char *direction = vg_rec_text(rec, F_DIRECTION);

    if (!filename)
        return;
    vg_check_file_path(run, VG_LEVEL_HIGH, rec, filename, "");
    if (in_var_tmp(filename) && vg_str_has_suffix(filename, "-1") && direction &&
        strcmp(direction, "received") == 0)
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, vg_rec_time(rec, F_ISODATE),
                     "Suspicious iMessage attachment %s on %s", filename,
                     vg_rec_time(rec, F_ISODATE));
}

/* "<service>: Attachment '<transfer_name>' <direction> from <phone> with
 * <n> bytes (is_sticker: <s>, has_user_info: <b>)", as MVT writes it. */
static char *att_description(const struct vg_rec *rec)
{
    static const struct {
        const char *before;
        int field;
    } parts[] = {
        {"", F_SERVICE},
        {": Attachment '", F_TRANSFER},
        {"' ", F_DIRECTION},
        {" from ", F_PHONE},
        {" with ", F_BYTES},
        {" bytes (is_sticker: ", F_STICKER},
        {", has_user_info: ", F_HAS_USER_INFO},
    };
    struct vg_buf b;
    size_t i;
    int rc = VG_OK;

    vg_buf_init(&b, 3 * VG_MAX_URL);
    for (i = 0; i < VG_ARRAY_LEN(parts) && rc == VG_OK; i++) {
        rc = vg_buf_append_str(&b, parts[i].before);
        if (rc == VG_OK)
            rc = vg_val_py_append(&b, vg_rec_val(rec, parts[i].field));
    }
    if (rc == VG_OK)
        rc = vg_buf_append_char(&b, ')');
    if (rc != VG_OK) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}

static void att_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char *desc = att_description(rec);

    if (!desc) {
        vg_run_log(run, VG_DIAG_WARN, "an attachment's description is too long for the timeline");
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_ISODATE), "sms_attachment", desc);
    free(desc);
}

const struct vg_module vg_mod_sms_attachments = {
    .name = "sms_attachments",
    .class_name = "SMSAttachments",
    .description = "SMS/iMessage attachments from sms.db; file indicators, files dropped in "
                   "/var/tmp",
    .locs = att_locs,
    .n_locs = VG_ARRAY_LEN(att_locs),
    .fields = att_fields,
    .n_fields = VG_ARRAY_LEN(att_fields),
    .extract = att_extract,
    .check_record = att_check_one, /* streamed */
    .timeline = att_timeline,
};
