/*
 * Calendar: every event in Calendar.sqlitedb with its organiser, as MVT's
 * Calendar. Checks the organiser's email against email indicators, MVT's
 * QuaDream (ENDOFDAYS) check, and, beyond MVT, the URLs and host names in
 * the event's text fields against URL, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/list.h"

static const struct vg_artifact calendar_artifacts[] = {
    {"HomeDomain", "Library/Calendar/Calendar.sqlitedb",
     "private/var/mobile/Library/Calendar/Calendar.sqlitedb"},
};

/* MVT's query and column names; the organiser is a Participant row. */
static const char calendar_sql[] =
    "SELECT CalendarItem.ROWID AS id, CalendarItem.summary AS summary, "
    "CalendarItem.description AS description, CalendarItem.start_date AS start_date, "
    "CalendarItem.end_date AS end_date, CalendarItem.all_day AS all_day, "
    "CalendarItem.calendar_id AS calendar_id, CalendarItem.organizer_id AS organizer_id, "
    "CalendarItem.url AS url, CalendarItem.last_modified AS last_modified, "
    "CalendarItem.external_id AS external_id, CalendarItem.external_mod_tag AS external_mod_tag, "
    "CalendarItem.unique_identifier AS unique_identifier, CalendarItem.hidden AS hidden, "
    "CalendarItem.UUID AS uuid, CalendarItem.creation_date AS creation_date, "
    "CalendarItem.action AS action, CalendarItem.created_by_id AS created_by_id, "
    "Participant.UUID AS participant_uuid, Participant.email AS participant_email, "
    "Participant.phone_number AS participant_phone, Participant.comment AS participant_comment, "
    "Participant.last_modified AS participant_last_modified "
    "FROM CalendarItem LEFT JOIN Participant ON Participant.ROWID = CalendarItem.organizer_id";

/* The time fields, in MVT's order (also the order of timeline events). */
static const char *const time_fields[] = {
    "start_date", "end_date", "last_modified", "creation_date", "participant_last_modified",
};

static json_t *calendar_row(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *rec = vg_sqlite_row_json(st), *v;
    size_t i;
    (void)run;

    for (i = 0; rec && i < VG_ARRAY_LEN(time_fields); i++) {
        v = json_object_get(rec, time_fields[i]);
        /* as MVT: text and NULL stay as they are */
        if (v && (json_is_integer(v) || json_is_real(v)))
            json_object_set_new(rec, time_fields[i], vg_ios_mactime_iso(v));
    }
    return rec;
}

static int calendar_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    (void)ud;
    if (!vg_sqlite_has_table(db, "CalendarItem") || !vg_sqlite_has_table(db, "Participant")) {
        vg_run_log(run, VG_DIAG_WARN, "%s has no CalendarItem/Participant table", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "no CalendarItem/Participant table");
        return VG_OK;
    }
    return vg_ios_query_records(run, f, db, calendar_sql, calendar_row);
}

static int calendar_extract(struct vg_run *run)
{
    return vg_ios_each_db(run, calendar_db, NULL);
}

static int str_is(const json_t *rec, const char *key, const char *want)
{
    const char *s = vg_rec_str(rec, key);
    return s && strcmp(s, want) == 0;
}

/* Beyond MVT: links and host names written into the event. */
static void check_event_text(struct vg_run *run, const json_t *rec, const char *when)
{
    static const char *const text_fields[] = {"summary", "description", "participant_comment"};
    size_t i;

    if (vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "url"), when))
        return;
    for (i = 0; i < VG_ARRAY_LEN(text_fields); i++)
        if (vg_check_text(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, text_fields[i]), when))
            return;
}

static void calendar_check_one(struct vg_run *run, const json_t *rec)
{
    /* alerts are dated by when the event reached the phone, else when it
     * starts (MVT: no time); an exploit invitation's start may be backdated */
    const char *when = *vg_rec_time(rec, "creation_date") ? vg_rec_time(rec, "creation_date")
                                                          : vg_rec_time(rec, "start_date");
    char b[VG_PY_BUF];

    if (vg_check_email(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "participant_email"), when))
        return;
    /* QuaDream's ENDOFDAYS invitations, as MVT recognises them */
    if (str_is(rec, "summary", "Meeting") && str_is(rec, "description", "Notes"))
        vg_run_alert(run, VG_LEVEL_HIGH, rec, NULL, when,
                     "Potential Quadream exploit event identified: %s",
                     vg_py_str(json_object_get(rec, "uuid"), b));
    check_event_text(run, rec, when);
}

static void calendar_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec) calendar_check_one(run, rec);
}

static void calendar_timeline(struct vg_run *run, const json_t *rec)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF];
    char *data;
    size_t i;

    data = vg_asprintf("Calendar event %s (%s) (invitation by %s)",
                       vg_py_str(json_object_get(rec, "summary"), b1),
                       vg_py_str(json_object_get(rec, "description"), b2),
                       vg_py_str(json_object_get(rec, "participant_email"), b3));
    if (!data) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory building a timeline event");
        return;
    }
    for (i = 0; i < VG_ARRAY_LEN(time_fields); i++)
        if (vg_py_truthy(json_object_get(rec, time_fields[i])))
            vg_run_timeline(run, vg_rec_time(rec, time_fields[i]), time_fields[i], data);
    free(data);
}

const struct vg_module vg_mod_calendar = {
    .name = "calendar",
    .class_name = "Calendar",
    .description = "calendar events and organisers from Calendar.sqlitedb; email indicators, "
                   "QuaDream invitations, URL/domain indicators in event text",
    .sources = VG_SRC_MIXED,
    .artifacts = calendar_artifacts,
    .n_artifacts = VG_ARRAY_LEN(calendar_artifacts),
    .extract = calendar_extract,
    .check = calendar_check,
    .timeline = calendar_timeline,
};
