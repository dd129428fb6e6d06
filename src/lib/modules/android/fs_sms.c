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

#include "indicators/url.h"
#include "modules/db.h"
#include "scan/checks.h"
#include "util/buf.h"

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

/* Milliseconds since 1970 to an isodate, or "" when they are no time. */
static const char *ms_iso(int64_t ms, char *buf)
{
    int64_t s = ms / 1000, rem = ms % 1000;

    if (rem < 0) {
        s--;
        rem += 1000;
    }
    if (vg_isodate(s, (int32_t)(rem * 1000), buf) != VG_OK)
        buf[0] = '\0';
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

struct links_ctx {
    json_t *links;
    int failed;
};

static int add_link(void *ud, const char *s, size_t n, enum vg_text_kind kind)
{
    struct links_ctx *c = ud;
    json_t *j = json_stringn(s, n);

    VG_UNUSED(kind);
    if (!j || json_array_append_new(c->links, j) != 0) {
        c->failed = 1;
        return 1;
    }
    return 0;
}

/* MVT sets "links" only for a non-empty body. */
static void set_links(struct vg_rec *r)
{
    const struct vg_val *body = vg_rec_val(r, F_BODY);
    struct links_ctx c = {NULL, 0};

    if (body->t != VG_VT_TEXT || body->u.s.n == 0) {
        vg_rec_set_absent(r, F_LINKS);
        return;
    }
    c.links = json_array();
    if (c.links)
        (void)vg_text_each_link(body->u.s.p, body->u.s.n, add_link, &c);
    if (c.failed) {
        json_decref(c.links);
        c.links = NULL;
    }
    vg_rec_set_json(r, F_LINKS, c.links); /* NULL: the record is marked failed */
}

static int sms_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];
    int64_t incoming = 0;
    int received = vg_rec_int(r, F_INCOMING, &incoming) && incoming == 1;

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_rec_set_text_ref(r, F_DIRECTION, received ? "received" : "sent", received ? 8 : 4);
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

    /* MVT checks the links of the messages that have a body and names the
     * first that hits; the body's bare host names come after */
    if (vg_rec_key(r, F_BODY) >= 0 &&
        !vg_check_url_list(run, VG_LEVEL_CRITICAL, r, vg_rec_json(r, F_LINKS), when))
        vg_check_text(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_BODY), when);
    vg_check_counterpart(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_ADDRESS), when);
}

/* MVT's: sms_<direction>, `address: "body"` with newlines as \n. */
static void sms_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const char *dir = vg_rec_text(r, F_DIRECTION), *body = vg_rec_text(r, F_BODY);
    struct vg_buf b;
    int rc;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN + 4096);
    rc = vg_val_py_append(&b, vg_rec_val(r, F_ADDRESS));
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, ": \"");
    for (; rc == VG_OK && body && *body; body++)
        rc = *body == '\n' ? vg_buf_append(&b, "\\n", 2) : vg_buf_append_char(&b, *body);
    if (rc == VG_OK)
        rc = vg_buf_append(&b, "\"", 2); /* with its NUL */
    if (rc == VG_OK)
        vg_run_timeline(run, vg_rec_time(r, F_ISODATE),
                        dir && strcmp(dir, "sent") == 0 ? "sms_sent" : "sms_received", b.data);
    else
        vg_run_log(run, rc == VG_E_LIMIT ? VG_DIAG_WARN : VG_DIAG_ERROR,
                   "a message of %s left out of the timeline: %s", vg_rec_time(r, F_ISODATE),
                   vg_strerror(rc));
    vg_buf_free(&b);
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
