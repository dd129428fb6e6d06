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

#include <openssl/evp.h>

#include "modules/ios/common.h"

static const struct vg_loc calendar_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/Calendar/Calendar.sqlitedb"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Calendar/Calendar.sqlitedb"},
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

/* The fields checks and the timeline read: the time fields first, in
 * MVT's order (also the order of timeline events). */
enum {
    F_START,
    F_END,
    F_LAST_MODIFIED,
    F_CREATION,
    F_PARTICIPANT_LAST_MODIFIED,
    N_TIMES,
    F_SUMMARY = N_TIMES,
    F_DESCRIPTION,
    F_URL,
    F_UUID,
    F_EMAIL,
    F_COMMENT
};
static const char *const calendar_fields[] = {
    "start_date",
    "end_date",
    "last_modified",
    "creation_date",
    "participant_last_modified",
    "summary",
    "description",
    "url",
    "uuid",
    "participant_email",
    "participant_comment",
};

/* A blob where text belongs (a hostile database) as the record writes it,
 * base64, so that checks and the timeline read what the record says. */
static void blob_as_base64(struct vg_rec *r, int f)
{
    const struct vg_val *v = vg_rec_val(r, f);
    size_t n = v->u.s.n, cap;
    char *out;

    if (v->t != VG_VT_BLOB)
        return;
    if (n > (size_t)INT32_MAX / 2) {
        r->failed = 1;
        return;
    }
    cap = 4 * ((n + 2) / 3) + 1;
    out = vg_rec_alloc(r, cap);
    if (!out)
        return;
    out[0] = '\0';
    if (n)
        (void)EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)v->u.s.p, (int)n);
    vg_rec_set_text_ref(r, f, out, strlen(out));
}

static int calendar_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];
    int f;

    VG_UNUSED(run);
    VG_UNUSED(st);
    for (f = 0; f < (int)VG_ARRAY_LEN(calendar_fields); f++)
        blob_as_base64(r, f);
    for (f = 0; f < N_TIMES; f++) {
        const struct vg_val *v = vg_rec_val(r, f);
        /* as MVT: text and NULL stay as they are */
        if (v->t == VG_VT_INT || v->t == VG_VT_REAL)
            vg_rec_set_text(r, f, vg_val_mactime_iso(v, buf));
    }
    return VG_OK;
}

static const struct vg_db_query calendar_query = {
    .sql = calendar_sql,
    .row = calendar_row,
};

static int calendar_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    (void)ud;
    if (!vg_sqlite_has_table(db, "CalendarItem") || !vg_sqlite_has_table(db, "Participant")) {
        vg_run_log(run, VG_DIAG_WARN, "%s has no CalendarItem/Participant table", f->display);
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "no CalendarItem/Participant table");
        return VG_OK;
    }
    return vg_db_query_records(run, f, db, &calendar_query);
}

static int calendar_extract(struct vg_run *run)
{
    return vg_db_each(run, calendar_db, NULL);
}

static int str_is(const struct vg_rec *rec, int f, const char *want)
{
    const char *s = vg_rec_text(rec, f);
    return s && strcmp(s, want) == 0;
}

/* Beyond MVT: links and host names written into the event. */
static void check_event_text(struct vg_run *run, const struct vg_rec *rec, const char *when)
{
    static const int text_fields[] = {F_SUMMARY, F_DESCRIPTION, F_COMMENT};
    size_t i;

    if (vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_URL), when))
        return;
    for (i = 0; i < VG_ARRAY_LEN(text_fields); i++)
        if (vg_check_text(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, text_fields[i]), when))
            return;
}

static void calendar_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    /* alerts are dated by when the event reached the phone, else when it
     * starts (MVT: no time); an exploit invitation's start may be backdated */
    const char *when =
        *vg_rec_time(rec, F_CREATION) ? vg_rec_time(rec, F_CREATION) : vg_rec_time(rec, F_START);
    char b[VG_PY_BUF];

    if (vg_check_email(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_EMAIL), when))
        return;
    /* QuaDream's ENDOFDAYS invitations, as MVT recognises them */
    if (str_is(rec, F_SUMMARY, "Meeting") && str_is(rec, F_DESCRIPTION, "Notes"))
        vg_run_alert(run, VG_LEVEL_HIGH, rec, NULL, when,
                     "Potential Quadream exploit event identified: %s",
                     vg_val_py(vg_rec_val(rec, F_UUID), b));
    check_event_text(run, rec, when);
}

static void calendar_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF], b3[VG_PY_BUF];
    char *data;
    int f;

    data = vg_asprintf(
        "Calendar event %s (%s) (invitation by %s)", vg_val_py(vg_rec_val(rec, F_SUMMARY), b1),
        vg_val_py(vg_rec_val(rec, F_DESCRIPTION), b2), vg_val_py(vg_rec_val(rec, F_EMAIL), b3));
    if (!data) {
        vg_run_nomem(run);
        return;
    }
    for (f = 0; f < N_TIMES; f++)
        if (vg_val_truthy(vg_rec_val(rec, f)))
            vg_run_timeline(run, vg_rec_time(rec, f), calendar_fields[f], data);
    free(data);
}

const struct vg_module vg_mod_calendar = {
    .name = "calendar",
    .class_name = "Calendar",
    .description = "calendar events and organisers from Calendar.sqlitedb; email indicators, "
                   "QuaDream invitations, URL/domain indicators in event text",
    .locs = calendar_locs,
    .n_locs = VG_ARRAY_LEN(calendar_locs),
    .fields = calendar_fields,
    .n_fields = VG_ARRAY_LEN(calendar_fields),
    .extract = calendar_extract,
    .check_record = calendar_check_one, /* streamed */
    .timeline = calendar_timeline,
};
