/*
 * SafariBrowserState: Safari's open tabs from BrowserState.db (and each
 * Safari profile's), with the back/forward history kept in each tab's
 * session blob, recorded as MVT records them. Checks every tab URL and
 * session history URL against URL, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/nska.h"
#include "modules/ios/common.h"

/* iOS 12 and later keep the session blobs in their own table. The
 * columns come under the record's keys; the row turns the time into an
 * isodate and the blob into its history. */
static const char tabs_sql[] =
    "SELECT tabs.title AS tab_title, tabs.url AS tab_url, "
    "tabs.user_visible_url AS tab_visible_url, tabs.last_viewed_time AS last_viewed_timestamp, "
    "tab_sessions.session_data AS session_data "
    "FROM tabs JOIN tab_sessions ON tabs.uuid = tab_sessions.tab_uuid "
    "ORDER BY tabs.last_viewed_time, tabs.id";
static const char tabs_sql_old[] = "SELECT title AS tab_title, url AS tab_url, "
                                   "user_visible_url AS tab_visible_url, "
                                   "last_viewed_time AS last_viewed_timestamp, "
                                   "session_data FROM tabs ORDER BY last_viewed_time, id";
static const char *const bs_extra[] = {"safari_browser_state_db"};

enum { F_TITLE, F_URL, F_TIMESTAMP, F_SESSION, F_DB };
static const char *const bs_fields[] = {
    "tab_title", "tab_url", "last_viewed_timestamp", "session_data", "safari_browser_state_db",
};

/* Safari's own database is in HomeDomain; apps' web views keep one in
 * their container (AppDomain-* in a backup). */
static const struct vg_loc bs_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/Safari/BrowserState.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Safari/BrowserState.db"},
    {VG_LOC_BACKUP, "HomeDomain", "Library/Safari/Profiles/*/BrowserState.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Safari/Profiles/*/BrowserState.db"},
    {VG_LOC_BACKUP, "AppDomain-*", "Library/Safari/BrowserState.db"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db"},
    {VG_LOC_BACKUP, "AppDomain-*", "Library/Safari/Profiles/*/BrowserState.db"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/"
     "BrowserState.db"},
};

/* The session blob is a 4-byte header, then a property list. */
#define SESSION_HEADER 4u

/* The database being read, for its rows (through vg_run_state while its
 * query runs). */
struct bs_db {
    const struct vg_file *f;
    const char *name; /* MVT's name for it */
    char id_name[64];
    size_t bad_sessions;
};

static json_t *entry_json(plist_t e)
{
    plist_t data = plist_dict_get_item(e, "SessionHistoryEntryData");
    uint64_t len = 0;

    if (data && plist_get_node_type(data) == PLIST_DATA)
        plist_get_data_ptr(data, &len);
    return json_pack(
        "{s:o, s:o, s:o, s:I}", "entry_title",
        vg_plist_to_json(plist_dict_get_item(e, "SessionHistoryEntryTitle")), "entry_url",
        vg_plist_to_json(plist_dict_get_item(e, "SessionHistoryEntryURL")), "entry_original_url",
        vg_plist_to_json(plist_dict_get_item(e, "SessionHistoryEntryOriginalURL")), "data_length",
        (json_int_t)len);
}

/* SessionHistory.SessionHistoryEntries of a parsed session plist. */
static json_t *session_entries(plist_t root)
{
    json_t *out = json_array();
    plist_t hist, entries;
    uint32_t i, n;

    hist = plist_get_node_type(root) == PLIST_DICT ? plist_dict_get_item(root, "SessionHistory")
                                                   : NULL;
    entries = hist && plist_get_node_type(hist) == PLIST_DICT
                  ? plist_dict_get_item(hist, "SessionHistoryEntries")
                  : NULL;
    if (!out || !entries || plist_get_node_type(entries) != PLIST_ARRAY)
        return out;
    n = plist_array_get_size(entries);
    for (i = 0; i < n; i++) {
        plist_t e = plist_array_get_item(entries, i);
        if (plist_get_node_type(e) != PLIST_DICT)
            continue;
        if (json_array_append_new(out, entry_json(e)) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static json_t *session_json(sqlite3_stmt *st, int col, struct bs_db *c)
{
    const unsigned char *blob = sqlite3_column_blob(st, col);
    size_t len = (size_t)sqlite3_column_bytes(st, col);
    plist_t root = NULL;
    json_t *out;

    if (!blob || len == 0)
        return json_array();
    if (len <= SESSION_HEADER ||
        vg_plist_parse(blob + SESSION_HEADER, len - SESSION_HEADER, &root) != VG_OK || !root) {
        c->bad_sessions++;
        return json_array();
    }
    out = session_entries(root);
    plist_free(root);
    return out;
}

/* Where MVT says the database is: its path under the acquisition's root,
 * which for a backup is the stored file "<id[:2]>/<id>". */
static const char *db_name(const struct vg_file *f, char *buf, size_t cap)
{
    if (f->id && vg_snprintf(buf, cap, "%.2s/%s", f->id, f->id) == VG_OK)
        return buf;
    return f->path;
}

static int bs_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    struct bs_db *c = *vg_run_state(run);
    char buf[VG_ISODATE_LEN + 1];

    vg_rec_set_text(r, F_TIMESTAMP, vg_val_cocoa_iso(vg_rec_val(r, F_TIMESTAMP), buf));
    vg_rec_set_json(r, F_SESSION, session_json(st, 4, c));
    vg_rec_set_text(r, F_DB, c->name);
    return VG_OK;
}

static int bs_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct vg_db_query q = {.extra = bs_extra, .n_extra = VG_ARRAY_LEN(bs_extra), .row = bs_row};
    struct bs_db c;
    int rc;

    VG_UNUSED(ud);
    memset(&c, 0, sizeof(c));
    c.f = f;
    c.name = db_name(f, c.id_name, sizeof(c.id_name));
    q.sql = vg_sqlite_has_table(db, "tab_sessions") ? tabs_sql : tabs_sql_old;
    *vg_run_state(run) = &c;
    rc = vg_db_query_records(run, f, db, &q);
    *vg_run_state(run) = NULL;
    if (c.bad_sessions) {
        vg_run_coverage(run, VG_COV_PARTIAL, f->display,
                        "%zu tab session blobs are not property lists", c.bad_sessions);
        vg_run_log(run, VG_DIAG_WARN,
                   "%s: %zu tab session blobs are not property lists; their history is skipped",
                   f->display, c.bad_sessions);
    }
    return rc;
}

static int bs_extract(struct vg_run *run)
{
    int rc = vg_db_each(run, bs_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu tab records", vg_run_record_count(run));
    return rc;
}

/* A session entry of vigie's shape has entry_original_url; in MVT's,
 * entry_title holds the original URL. */
static int check_entry(struct vg_run *run, const struct vg_rec *rec, const json_t *e)
{
    const json_t *orig = json_object_get(e, "entry_original_url");

    if (vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_jstr(e, "entry_url"), ""))
        return 1;
    if (orig)
        return vg_check_url(run, VG_LEVEL_CRITICAL, rec, json_string_value(orig), "");
    return vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_jstr(e, "entry_title"), "");
}

static void bs_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    json_t *e;
    size_t i;

    if (vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_URL),
                     vg_rec_time(rec, F_TIMESTAMP)))
        return;
    json_array_foreach(vg_rec_json(rec, F_SESSION), i, e) check_entry(run, rec, e);
}

static void bs_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const char *title = vg_rec_text(rec, F_TITLE), *url = vg_rec_text(rec, F_URL);
    char *desc;

    /* Python prints a missing value as None */
    desc = vg_asprintf("%s - %s", title ? title : "None", url ? url : "None");
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_TIMESTAMP), "tab", desc);
    free(desc);
}

const struct vg_module vg_mod_safari_browserstate = {
    .name = "safari_browser_state",
    .class_name = "SafariBrowserState",
    .description = "Safari open tabs and their history from BrowserState.db; URL/domain "
                   "indicators",
    .locs = bs_locs,
    .n_locs = VG_ARRAY_LEN(bs_locs),
    .fields = bs_fields,
    .n_fields = VG_ARRAY_LEN(bs_fields),
    .extract = bs_extract,
    .check_record = bs_check_one, /* streamed */
    .timeline = bs_timeline,
};
