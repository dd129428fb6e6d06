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
#include "modules/ios/list.h"
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

static const struct vg_artifact att_artifacts[] = {
    {"HomeDomain", "Library/SMS/sms.db", "private/var/mobile/Library/SMS/sms.db"},
};

static json_t *att_row(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *rec = vg_sqlite_row_json(st), *v;

    if (!rec) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory reading an attachment");
        return NULL;
    }
    json_object_set_new(rec, "isodate", vg_ios_sms_date_iso(json_object_get(rec, "created_date")));
    json_object_set_new(rec, "start_date", vg_ios_sms_date_iso(json_object_get(rec, "start_date")));
    v = json_object_get(rec, "is_outgoing");
    json_object_set_new(
        rec, "direction",
        json_string(json_is_integer(v) && json_integer_value(v) == 1 ? "sent" : "received"));
    v = json_object_get(rec, "user_info");
    json_object_set_new(rec, "has_user_info", json_boolean(v && !json_is_null(v)));
    if (!vg_py_truthy(json_object_get(rec, "service")))
        json_object_set_new(rec, "service", json_string("Unknown"));
    if (!vg_py_truthy(json_object_get(rec, "filename")))
        json_object_set_new(rec, "filename", json_string("NULL"));
    return rec;
}

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
    return vg_ios_query_records(run, f, db, att_sql, att_row);
}

static int att_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db(run, att_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu SMS attachments",
               vg_run_record_count(run));
    return rc;
}

/* /var is a link to /private/var: the heuristic holds for both spellings. */
static int in_var_tmp(const char *path)
{
    return vg_str_has_prefix(path, "/var/tmp/") || vg_str_has_prefix(path, "/private/var/tmp/");
}

static void att_check_one(struct vg_run *run, const json_t *rec)
{
    const char *filename = vg_rec_str(rec, "filename");
    const char *direction = vg_rec_str(rec, "direction");

    if (!filename)
        return;
    vg_check_file_path(run, VG_LEVEL_HIGH, rec, filename, "");
    if (in_var_tmp(filename) && vg_str_has_suffix(filename, "-1") && direction &&
        strcmp(direction, "received") == 0)
        vg_run_alert(run, VG_LEVEL_MEDIUM, rec, NULL, vg_rec_time(rec, "isodate"),
                     "Suspicious iMessage attachment %s on %s", filename,
                     vg_rec_time(rec, "isodate"));
}

/* "<service>: Attachment '<transfer_name>' <direction> from <phone> with
 * <n> bytes (is_sticker: <s>, has_user_info: <b>)", as MVT writes it. */
static char *att_description(const json_t *rec)
{
    static const struct {
        const char *before, *key;
    } parts[] = {
        {"", "service"},
        {": Attachment '", "transfer_name"},
        {"' ", "direction"},
        {" from ", "phone_number"},
        {" with ", "total_bytes"},
        {" bytes (is_sticker: ", "is_sticker"},
        {", has_user_info: ", "has_user_info"},
    };
    struct vg_buf b;
    size_t i;
    int rc = VG_OK;

    vg_buf_init(&b, 3 * VG_MAX_URL);
    for (i = 0; i < VG_ARRAY_LEN(parts) && rc == VG_OK; i++) {
        rc = vg_buf_append_str(&b, parts[i].before);
        if (rc == VG_OK)
            rc = vg_py_append(&b, json_object_get(rec, parts[i].key));
    }
    if (rc == VG_OK)
        rc = vg_buf_append_char(&b, ')');
    if (rc != VG_OK) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}

static void att_timeline(struct vg_run *run, const json_t *rec)
{
    char *desc = att_description(rec);

    if (!desc) {
        vg_run_log(run, VG_DIAG_WARN, "an attachment's description is too long for the timeline");
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "sms_attachment", desc);
    free(desc);
}

const struct vg_module vg_mod_sms_attachments = {
    .name = "sms_attachments",
    .class_name = "SMSAttachments",
    .description = "SMS/iMessage attachments from sms.db; file indicators, files dropped in "
                   "/var/tmp",
    .sources = VG_SRC_MIXED,
    .artifacts = att_artifacts,
    .n_artifacts = VG_ARRAY_LEN(att_artifacts),
    .extract = att_extract,
    .check_record = att_check_one, /* streamed */
    .timeline = att_timeline,
};
