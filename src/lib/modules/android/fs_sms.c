/*
 * SMS (Android filesystem dumps): every message of the telephony provider's
 * mmssms.db, with the keys of MVT's adb SMS module (which reads the same
 * table over a rooted adb), the time the message was sent or, when the
 * phone has none (its own messages), stored, and the http(s) links of the
 * body. Checks the links, then the body's bare host names, against URL,
 * domain and IP indicators, and the counterpart's address against e-mail
 * indicators (SMS to and from e-mail gateways). Deleted messages are
 * recovered.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/db.h"
#include "modules/sms.h"
#include "scan/checks.h"

/* Android 7 and later keep the database in device-encrypted storage
 * (user_de); earlier ones, and MVT's path, in data/data; then the
 * multi-user layout data/data is a view of. The first that has it is
 * read. */
static const struct vg_loc sms_locs[] = {
    {VG_LOC_ANDROID_FS, NULL, "data/user_de/0/com.android.providers.telephony/databases/mmssms.db"},
    {VG_LOC_ANDROID_FS, NULL, "data/data/com.android.providers.telephony/databases/mmssms.db"},
    {VG_LOC_ANDROID_FS, NULL, "data/user/0/com.android.providers.telephony/databases/mmssms.db"},
};

/* MVT's columns under its names, then "date" (when the message was
 * stored), which dates the messages whose date_sent is 0. In table order:
 * MVT leaves the order to SQLite. */
static const char sms_sql[] = "SELECT address AS address, date_sent AS timestamp,"
                              " type AS incoming, body AS body, date AS date"
                              " FROM sms ORDER BY _id";

enum { F_ADDRESS, F_TIMESTAMP, F_INCOMING, F_BODY, F_DATE, F_DIRECTION, F_ISODATE, F_LINKS };
static const char *const sms_fields[] = {
    "address", "timestamp", "incoming", "body", "date", "direction", "isodate", "links",
};

/* Keys after the columns, in MVT's order. */
static const char *const sms_extra[] = {"direction", "isodate", "links"};

static const struct vg_recover_spec sms_recover = {"sms", NULL, 0};

/* Milliseconds since 1970 to an isodate, or "" when they are no time
 * (vg_isodate_ms leaves "" then). */
static const char *ms_iso(int64_t ms, char *buf)
{
    (void)vg_isodate_ms(ms, buf);
    return buf;
}

static const char *sms_time_iso(const struct vg_rec *r, char *buf)
{
    int64_t t = 0;

    if (vg_rec_int(r, F_TIMESTAMP, &t) && t != 0)
        return ms_iso(t, buf);
    if (vg_rec_int(r, F_DATE, &t))
        return ms_iso(t, buf);
    buf[0] = '\0';
    return buf;
}

/* MVT sets "links" only for a non-empty body. */
static void set_links(struct vg_rec *r)
{
    const struct vg_val *body = vg_rec_val(r, F_BODY);

    if (body->t != VG_VT_TEXT || body->u.s.n == 0)
        vg_rec_set_absent(r, F_LINKS);
    else
        vg_rec_set_json(r, F_LINKS, vg_sms_links(body->u.s.p, body->u.s.n));
}

static int sms_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];
    int64_t incoming = 0;
    int received = vg_rec_int(r, F_INCOMING, &incoming) && incoming == 1;

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_sms_set_direction(r, F_DIRECTION, !received);
    vg_rec_set_text(r, F_ISODATE, sms_time_iso(r, buf));
    set_links(r);
    return VG_OK;
}

static const struct vg_db_query sms_query = {
    .sql = sms_sql,
    .extra = sms_extra,
    .n_extra = VG_ARRAY_LEN(sms_extra),
    .row = sms_row,
    .recover = &sms_recover,
};

static int sms_extract(struct vg_run *run)
{
    int rc = vg_db_first_records(run, &sms_query);

    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu SMS messages",
               vg_run_record_count(run));
    return rc;
}

static void sms_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *when = vg_rec_time(r, F_ISODATE);

    vg_sms_check_body(run, r, F_BODY, F_LINKS, when);
    vg_check_counterpart(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_ADDRESS), when);
}

/* MVT's: sms_<direction>, `address: "body"` with newlines as \n. */
static void sms_timeline(struct vg_run *run, const struct vg_rec *r)
{
    vg_sms_android_timeline(run, vg_rec_val(r, F_ADDRESS), vg_rec_text(r, F_BODY),
                            vg_rec_text(r, F_DIRECTION), vg_rec_time(r, F_ISODATE), 1);
}

const struct vg_module vg_mod_fs_sms = {
    .name = "sms",
    .class_name = "SMS",
    .description = "SMS of the telephony provider (mmssms.db of a filesystem dump), deleted ones "
                   "recovered; links and host names in bodies, e-mail counterparts",
    .locs = sms_locs,
    .n_locs = VG_ARRAY_LEN(sms_locs),
    .fields = sms_fields,
    .n_fields = VG_ARRAY_LEN(sms_fields),
    .extract = sms_extract,
    .check_record = sms_check,
    .timeline = sms_timeline,
};
