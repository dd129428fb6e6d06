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
#include "modules/ios/list.h"

/* iOS 12 and later keep the session blobs in their own table. */
static const char tabs_sql[] = "SELECT tabs.title AS tab_title, tabs.url AS tab_url, "
                               "tabs.user_visible_url AS tab_visible_url, tabs.last_viewed_time, "
                               "tab_sessions.session_data "
                               "FROM tabs JOIN tab_sessions ON tabs.uuid = tab_sessions.tab_uuid "
                               "ORDER BY tabs.last_viewed_time, tabs.id";
static const char tabs_sql_old[] = "SELECT title AS tab_title, url AS tab_url, "
                                   "user_visible_url AS tab_visible_url, last_viewed_time, "
                                   "session_data FROM tabs ORDER BY last_viewed_time, id";

/* Safari's own database is in HomeDomain; apps' web views keep one in
 * their container (AppDomain-* in a backup). */
static const struct vg_artifact bs_artifacts[] = {
    {"HomeDomain", "Library/Safari/BrowserState.db",
     "private/var/mobile/Library/Safari/BrowserState.db"},
    {"HomeDomain", "Library/Safari/Profiles/*/BrowserState.db",
     "private/var/mobile/Library/Safari/Profiles/*/BrowserState.db"},
    {"AppDomain-*", "Library/Safari/BrowserState.db",
     "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db"},
    {"AppDomain-*", "Library/Safari/Profiles/*/BrowserState.db",
     "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/"
     "BrowserState.db"},
};

/* The session blob is a 4-byte header, then a property list. */
#define SESSION_HEADER 4u

struct bs_db {
    struct vg_run *run;
    const struct vg_file *f;
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
static json_t *db_name(const struct vg_file *f)
{
    char buf[64];

    if (f->file_id && vg_snprintf(buf, sizeof(buf), "%.2s/%s", f->file_id, f->file_id) == VG_OK)
        return json_string(buf);
    return json_string(f->relative_path);
}

static int bs_row(void *ud, sqlite3_stmt *st)
{
    struct bs_db *c = ud;
    json_t *row = vg_sqlite_row_json(st), *rec;

    if (!row)
        return VG_E_NOMEM;
    rec = json_pack("{s:O?, s:O?, s:O?, s:o, s:o, s:o}", "tab_title",
                    json_object_get(row, "tab_title"), "tab_url", json_object_get(row, "tab_url"),
                    "tab_visible_url", json_object_get(row, "tab_visible_url"),
                    "last_viewed_timestamp",
                    vg_ios_cocoa_iso_json(json_object_get(row, "last_viewed_time")), "session_data",
                    session_json(st, 4, c), "safari_browser_state_db", db_name(c->f));
    json_decref(row);
    return vg_run_add_record(c->run, rec);
}

static int bs_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct bs_db c = {run, f, 0};
    int rc;

    (void)ud;
    rc = vg_ios_sql_each(run, f, db,
                         vg_sqlite_has_table(db, "tab_sessions") ? tabs_sql : tabs_sql_old, bs_row,
                         &c, NULL);
    if (rc == VG_E_NOTFOUND) {
        vg_run_log(run, VG_DIAG_INFO, "%s: no tabs table in this iOS version's schema", f->display);
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "no tabs table");
    } else if (rc == VG_E_NOMEM) {
        return rc;
    } else if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
    }
    if (c.bad_sessions) {
        vg_run_coverage(run, VG_COV_PARTIAL, f->display,
                        "%zu tab session blobs are not property lists", c.bad_sessions);
        vg_run_log(run, VG_DIAG_WARN,
                   "%s: %zu tab session blobs are not property lists; their history is skipped",
                   f->display, c.bad_sessions);
    }
    return VG_OK;
}

static int bs_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db(run, bs_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu tab records", vg_run_record_count(run));
    return rc;
}

/* A session entry of vigie's shape has entry_original_url; in MVT's,
 * entry_title holds the original URL. */
static int check_entry(struct vg_run *run, const json_t *rec, const json_t *e)
{
    const json_t *orig = json_object_get(e, "entry_original_url");

    if (vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(e, "entry_url"), ""))
        return 1;
    if (orig)
        return vg_check_url(run, VG_LEVEL_CRITICAL, rec, json_string_value(orig), "");
    return vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(e, "entry_title"), "");
}

static void bs_check_one(struct vg_run *run, const json_t *rec)
{
    json_t *e;
    size_t i;

    if (vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_str(rec, "tab_url"),
                     vg_rec_time(rec, "last_viewed_timestamp")))
        return;
    json_array_foreach(json_object_get(rec, "session_data"), i, e) check_entry(run, rec, e);
}

static void bs_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;
    json_array_foreach(vg_run_records(run), i, rec) bs_check_one(run, rec);
}

static void bs_timeline(struct vg_run *run, const json_t *rec)
{
    const char *title = vg_rec_str(rec, "tab_title"), *url = vg_rec_str(rec, "tab_url");
    char *desc;

    /* Python prints a missing value as None */
    desc = vg_asprintf("%s - %s", title ? title : "None", url ? url : "None");
    if (!desc) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory describing a tab");
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, "last_viewed_timestamp"), "tab", desc);
    free(desc);
}

const struct vg_module vg_mod_safari_browserstate = {
    .name = "safari_browser_state",
    .class_name = "SafariBrowserState",
    .description = "Safari open tabs and their history from BrowserState.db; URL/domain "
                   "indicators",
    .sources = VG_SRC_MIXED,
    .artifacts = bs_artifacts,
    .n_artifacts = VG_ARRAY_LEN(bs_artifacts),
    .extract = bs_extract,
    .check = bs_check,
    .timeline = bs_timeline,
};
