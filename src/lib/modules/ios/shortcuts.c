/*
 * Shortcuts: the user's Shortcuts (Shortcuts.sqlite), with every http(s)
 * link found in their actions' parameters. Checks those links against URL,
 * domain and IP indicators: a shortcut can fetch or open a page on its own
 * (automations), which makes it a delivery and persistence tool.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/nska.h"
#include "modules/ios/common.h"
#include "indicators/url.h"
#include "modules/ios/list.h"
#include "util/buf.h"

static const struct vg_artifact shortcuts_artifacts[] = {
    {"HomeDomain", "Library/Shortcuts/Shortcuts.sqlite",
     "private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"},
};

/* Column order of the query (MVT's, with the actions blob last). */
enum { COL_ID, COL_NAME, COL_CREATED, COL_MODIFIED, COL_DESC, COL_DATA };

/* ---- links in action parameters ---- */

struct links {
    json_t *urls;
    int rc;
};

/* One of MVT's links, without the quotes and commas its rstrip drops. */
static int add_link(void *ud, const char *s, size_t n, enum vg_text_kind kind)
{
    struct links *l = ud;
    json_t *u;

    (void)kind;
    while (n && (s[n - 1] == '\'' || s[n - 1] == ','))
        n--;
    u = json_stringn(s, n); /* NULL when the bytes are not UTF-8: no usable link */
    if (u && json_array_append_new(l->urls, u) != 0)
        l->rc = VG_E_NOMEM;
    return l->rc != VG_OK;
}

static int links_in_text(const char *s, json_t *urls)
{
    struct links l = {urls, VG_OK};
    vg_text_each_link(s, strlen(s), add_link, &l);
    return l.rc;
}

/* Links in every string (and dictionary key) below node. Depth is bounded
 * by vg_plist_parse (VG_MAX_PLIST_DEPTH). */
static int links_in_plist(plist_t node, json_t *urls)
{
    plist_dict_iter it = NULL;
    plist_t v = NULL;
    uint32_t i, n;
    char *key;
    int rc = VG_OK;

    switch (plist_get_node_type(node)) {
    case PLIST_STRING: {
        uint64_t len = 0;
        const char *s = plist_get_string_ptr(node, &len);
        return s ? links_in_text(s, urls) : VG_OK;
    }
    case PLIST_ARRAY:
        n = plist_array_get_size(node);
        for (i = 0; i < n && rc == VG_OK; i++)
            rc = links_in_plist(plist_array_get_item(node, i), urls);
        return rc;
    case PLIST_DICT:
        plist_dict_new_iter(node, &it);
        while (rc == VG_OK) {
            key = NULL;
            plist_dict_next_item(node, it, &key, &v);
            if (!key)
                break;
            rc = links_in_text(key, urls);
            if (rc == VG_OK)
                rc = links_in_plist(v, urls);
            free(key);
        }
        free(it);
        return rc;
    default:
        return VG_OK;
    }
}

/* The actions blob: a plist array of {WFWorkflowActionIdentifier,
 * WFWorkflowActionParameters}. Sets parsed_actions and action_urls (null
 * when there is no readable list, as MVT). */
static int add_actions(json_t *rec, const void *blob, int len)
{
    plist_t root = NULL;
    json_t *urls;
    uint32_t i, n;
    json_int_t parsed = 0;
    int rc = VG_OK;

    if (!blob || len <= 0 || vg_plist_parse(blob, (size_t)len, &root) != VG_OK || !root ||
        plist_get_node_type(root) != PLIST_ARRAY) {
        plist_free(root);
        json_object_set_new(rec, "parsed_actions", json_integer(0));
        json_object_set_new(rec, "action_urls", json_null());
        return VG_OK;
    }
    urls = json_array();
    n = plist_array_get_size(root);
    for (i = 0; urls && i < n && rc == VG_OK; i++) {
        plist_t action = plist_array_get_item(root, i);
        if (plist_get_node_type(action) != PLIST_DICT)
            continue;
        parsed++;
        action = plist_dict_get_item(action, "WFWorkflowActionParameters");
        if (action)
            rc = links_in_plist(action, urls);
    }
    plist_free(root);
    json_object_set_new(rec, "parsed_actions", json_integer(parsed));
    json_object_set_new(rec, "action_urls", urls);
    return urls ? rc : VG_E_NOMEM;
}

/* ---- rows ---- */

/* Text as MVT reads it (bytes, decoded for JSON): bytes that are not UTF-8
 * are kept visible as \xNN. */
static json_t *text_json(sqlite3_stmt *st, int col)
{
    const unsigned char *s;
    struct vg_buf b;
    json_t *j;
    int i, n;

    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return json_null();
    s = sqlite3_column_text(st, col);
    n = sqlite3_column_bytes(st, col);
    j = s ? json_stringn((const char *)s, (size_t)n) : NULL;
    if (j || !s)
        return j ? j : json_null();
    vg_buf_init(&b, VG_MAX_TEXT_SCAN);
    for (i = 0; i < n; i++)
        if ((s[i] < 0x80 ? vg_buf_append_char(&b, (char)s[i])
                         : vg_buf_printf(&b, "\\x%02x", s[i])) != VG_OK)
            break;
    j = b.data ? json_stringn(b.data, b.len) : json_string("");
    vg_buf_free(&b);
    return j ? j : json_null();
}

static json_t *shortcut_row(struct vg_run *run, sqlite3_stmt *st)
{
    json_t *rec;

    rec = json_pack("{s:o, s:o, s:o, s:o}", "shortcut_id", vg_col_json_int(st, COL_ID),
                    "shortcut_name", text_json(st, COL_NAME), "modified_date",
                    vg_col_cocoa_iso(st, COL_MODIFIED), "description", text_json(st, COL_DESC));
    if (!rec)
        return NULL;
    if (add_actions(rec, sqlite3_column_blob(st, COL_DATA), sqlite3_column_bytes(st, COL_DATA)) !=
        VG_OK) {
        vg_run_log(run, VG_DIAG_ERROR, "out of memory reading shortcut actions");
        json_decref(rec);
        return NULL;
    }
    json_object_set_new(rec, "isodate", vg_col_cocoa_iso(st, COL_CREATED));
    return rec;
}

/* The query for this schema: older and newer Shortcuts databases differ in
 * columns and in how actions point at their shortcut. Built from constant
 * pieces only, chosen by what the schema has. */
static char *shortcuts_sql(sqlite3 *db)
{
    int has_actions = vg_sqlite_has_table(db, "ZSHORTCUTACTIONS");
    const char *join = "";
    const char *data = "NULL";

    if (has_actions && vg_sqlite_has_column(db, "ZSHORTCUTACTIONS", "ZSHORTCUT")) {
        join = " LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.ZSHORTCUT == ZSHORTCUT.Z_PK";
        data = "ZSHORTCUTACTIONS.ZDATA";
    } else if (has_actions && vg_sqlite_has_column(db, "ZSHORTCUT", "ZACTIONS")) {
        join = " LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.Z_PK == ZSHORTCUT.ZACTIONS";
        data = "ZSHORTCUTACTIONS.ZDATA";
    }
    return vg_asprintf(
        "SELECT ZSHORTCUT.Z_PK, ZSHORTCUT.ZNAME, %s, %s, %s, %s FROM ZSHORTCUT%s ORDER BY "
        "ZSHORTCUT.Z_PK%s",
        vg_sqlite_has_column(db, "ZSHORTCUT", "ZCREATIONDATE") ? "ZSHORTCUT.ZCREATIONDATE" : "NULL",
        vg_sqlite_has_column(db, "ZSHORTCUT", "ZMODIFICATIONDATE") ? "ZSHORTCUT.ZMODIFICATIONDATE"
                                                                   : "NULL",
        vg_sqlite_has_column(db, "ZSHORTCUT", "ZACTIONSDESCRIPTION")
            ? "ZSHORTCUT.ZACTIONSDESCRIPTION"
            : "NULL",
        data, join,
        *join && vg_sqlite_has_column(db, "ZSHORTCUTACTIONS", "Z_PK") ? ", ZSHORTCUTACTIONS.Z_PK"
                                                                      : "");
}

static int shortcuts_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    char *sql = shortcuts_sql(db);
    int rc;

    (void)ud;
    if (!sql)
        return VG_E_NOMEM;
    rc = vg_ios_query_records(run, f, db, sql, shortcut_row);
    free(sql);
    return rc;
}

static int shortcuts_extract(struct vg_run *run)
{
    int rc = vg_ios_each_db(run, shortcuts_db, NULL);
    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "extracted a total of %zu Shortcuts", vg_run_record_count(run));
    return VG_OK;
}

static void shortcuts_check(struct vg_run *run)
{
    json_t *rec;
    size_t i;

    json_array_foreach(vg_run_records(run), i, rec)
    {
        vg_check_url_list(run, VG_LEVEL_CRITICAL, rec, json_object_get(rec, "action_urls"),
                          vg_rec_time(rec, "isodate"));
    }
}

static char *shortcut_text(const json_t *rec)
{
    const json_t *urls = json_object_get(rec, "action_urls"), *u;
    struct vg_buf b;
    size_t i;
    int rc;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN);
    rc = vg_buf_printf(&b, "iOS Shortcut '%s': %s ", vg_rec_time(rec, "shortcut_name"),
                       vg_rec_time(rec, "description"));
    json_array_foreach(urls, i, u)
    {
        if (rc == VG_OK)
            rc = vg_buf_append_str(&b, i ? ", " : "- URLs in actions: ");
        if (rc == VG_OK && json_is_string(u))
            rc = vg_buf_append_str(&b, json_string_value(u));
    }
    if (rc != VG_OK && rc != VG_E_LIMIT) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}

static void shortcuts_timeline(struct vg_run *run, const json_t *rec)
{
    char *desc = shortcut_text(rec);

    if (!desc)
        return;
    vg_run_timeline(run, vg_rec_time(rec, "isodate"), "shortcut_created", desc);
    vg_run_timeline(run, vg_rec_time(rec, "modified_date"), "shortcut_modified", desc);
    free(desc);
}

const struct vg_module vg_mod_shortcuts = {
    .name = "shortcuts",
    .class_name = "Shortcuts",
    .description = "Shortcuts.sqlite shortcuts and the links in their actions; URL/domain "
                   "indicators on those links",
    .sources = VG_SRC_MIXED,
    .artifacts = shortcuts_artifacts,
    .n_artifacts = VG_ARRAY_LEN(shortcuts_artifacts),
    .extract = shortcuts_extract,
    .check = shortcuts_check,
    .timeline = shortcuts_timeline,
};
