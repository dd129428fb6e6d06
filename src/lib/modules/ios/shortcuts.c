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
#include "indicators/url.h"
#include "modules/ios/common.h"
#include "util/buf.h"
#include "util/utf8.h"

static const struct vg_loc shortcuts_locs[] = {
    {VG_LOC_BACKUP, "HomeDomain", "Library/Shortcuts/Shortcuts.sqlite"},
    {VG_LOC_FS, NULL, "private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"},
};

/* Column order of the query (MVT's, with the actions blob last). */
enum { COL_ID, COL_NAME, COL_CREATED, COL_MODIFIED, COL_DESC, COL_DATA };

/* The record's keys, in MVT's order; also the fields checks and the
 * timeline read. */
enum { F_ID, F_NAME, F_MODIFIED, F_DESC, F_PARSED, F_URLS, F_ISODATE };
static const char *const shortcut_fields[] = {
    "shortcut_id",    "shortcut_name", "modified_date", "description",
    "parsed_actions", "action_urls",   "isodate",
};

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
    u = json_stringn(s, n);
    /* bytes that are not UTF-8 are no usable link */
    if (u ? json_array_append_new(l->urls, u) != 0 : vg_utf8_valid(s, n))
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
static int add_actions(struct vg_rec *r, const void *blob, int len)
{
    plist_t root = NULL;
    json_t *urls;
    uint32_t i, n;
    int64_t parsed = 0;
    int rc = VG_OK;

    if (!blob || len <= 0 || vg_plist_parse(blob, (size_t)len, &root) != VG_OK || !root ||
        plist_get_node_type(root) != PLIST_ARRAY) {
        plist_free(root);
        vg_rec_set_int(r, F_PARSED, 0);
        vg_rec_set_null(r, F_URLS);
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
    if (!urls || rc != VG_OK) {
        json_decref(urls);
        return VG_E_NOMEM;
    }
    vg_rec_set_int(r, F_PARSED, parsed);
    vg_rec_set_json(r, F_URLS, urls);
    return VG_OK;
}

/* ---- rows ---- */

/* Text as MVT reads it (bytes, decoded for JSON): bytes that are not UTF-8
 * are kept visible as \xNN. The text is borrowed from the statement when
 * it is UTF-8. */
static void set_text_col(struct vg_rec *r, int f, sqlite3_stmt *st, int col)
{
    const unsigned char *s;
    struct vg_buf b;
    int i, n, rc = VG_OK;

    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return;
    s = sqlite3_column_text(st, col);
    n = sqlite3_column_bytes(st, col);
    if (!s) {
        if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
            r->failed = 1;
        return;
    }
    if (vg_utf8_valid(s, (size_t)n)) {
        vg_rec_set_text_ref(r, f, (const char *)s, (size_t)n);
        return;
    }
    vg_buf_init(&b, VG_MAX_TEXT_SCAN);
    for (i = 0; i < n && rc == VG_OK; i++)
        rc = s[i] < 0x80 ? vg_buf_append_char(&b, (char)s[i]) : vg_buf_printf(&b, "\\x%02x", s[i]);
    /* past the cap the text is cut short, as before */
    if (rc == VG_E_NOMEM)
        r->failed = 1;
    else
        vg_rec_set_textn(r, f, b.data ? b.data : "", b.len);
    vg_buf_free(&b);
}

/* A Cocoa time column as an isodate, "" when there is none. */
static void set_cocoa_col(struct vg_rec *r, int f, sqlite3_stmt *st, int col)
{
    char buf[VG_ISODATE_LEN + 1];
    double t = 0;

    if (!vg_col_number(st, col, &t) || t == 0 || vg_isodate_cocoa(t, buf) != VG_OK)
        buf[0] = '\0';
    vg_rec_set_text(r, f, buf);
}

struct query {
    struct vg_run *run;
    const struct vg_schema *schema;
};

static int shortcut_row(void *ud, sqlite3_stmt *st)
{
    struct query *q = ud;
    struct vg_rec *r = vg_run_rec(q->run, q->schema);

    if (!r)
        return VG_E_NOMEM;
    if (sqlite3_column_type(st, COL_ID) != SQLITE_NULL)
        vg_rec_set_int(r, F_ID, sqlite3_column_int64(st, COL_ID));
    set_text_col(r, F_NAME, st, COL_NAME);
    set_cocoa_col(r, F_MODIFIED, st, COL_MODIFIED);
    set_text_col(r, F_DESC, st, COL_DESC);
    if (add_actions(r, sqlite3_column_blob(st, COL_DATA), sqlite3_column_bytes(st, COL_DATA)) !=
        VG_OK)
        r->failed = 1;
    set_cocoa_col(r, F_ISODATE, st, COL_CREATED);
    return vg_run_emit(q->run, r);
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
    struct query q = {run, *(const struct vg_schema *const *)ud};
    char *sql = shortcuts_sql(db);
    int rc;

    if (!sql)
        return VG_E_NOMEM;
    rc = vg_db_sql_each(run, f, db, sql, shortcut_row, &q, NULL);
    free(sql);
    if (rc == VG_E_NOMEM || rc == VG_E_LIMIT)
        return rc;
    if (rc == VG_E_NOTFOUND) {
        /* not damage: a database without the shortcuts table */
        vg_run_log(run, VG_DIAG_INFO, "%s: %s", f->display,
                   "table or column not in this iOS version's schema");
        vg_run_coverage(run, VG_COV_SCHEMA, f->display,
                        "table or column not in this iOS version's schema");
    } else if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: query failed: %s", f->display, vg_strerror(rc));
    }
    return VG_OK;
}

static int shortcuts_extract(struct vg_run *run)
{
    const struct vg_schema *schema = NULL;
    int rc = vg_run_schema(run, shortcut_fields, VG_ARRAY_LEN(shortcut_fields), &schema);

    if (rc == VG_OK)
        rc = vg_db_each(run, shortcuts_db, &schema);
    if (rc != VG_OK && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "extracted a total of %zu Shortcuts", vg_run_record_count(run));
    return VG_OK;
}

static void shortcuts_check_one(struct vg_run *run, const struct vg_rec *rec)
{
    vg_check_url_list(run, VG_LEVEL_CRITICAL, rec, vg_rec_json(rec, F_URLS),
                      vg_rec_time(rec, F_ISODATE));
}

/* NULL with *err set when there is no text (out of memory, or past the
 * cap before any of it). */
static char *shortcut_text(const struct vg_rec *rec, int *err)
{
    const json_t *urls = vg_rec_json(rec, F_URLS), *u;
    struct vg_buf b;
    size_t i;
    int rc;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN);
    rc = vg_buf_printf(&b, "iOS Shortcut '%s': %s ", vg_rec_time(rec, F_NAME),
                       vg_rec_time(rec, F_DESC));
    json_array_foreach(urls, i, u)
    {
        if (rc == VG_OK)
            rc = vg_buf_append_str(&b, i ? ", " : "- URLs in actions: ");
        if (rc == VG_OK && json_is_string(u))
            rc = vg_buf_append_str(&b, json_string_value(u));
    }
    *err = rc;
    if (rc != VG_OK && rc != VG_E_LIMIT) {
        vg_buf_free(&b);
        return NULL;
    }
    return vg_buf_take(&b);
}

static void shortcuts_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    int err = VG_OK;
    char *desc = shortcut_text(rec, &err);

    if (!desc) {
        if (err == VG_E_NOMEM)
            vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(rec, F_ISODATE), "shortcut_created", desc);
    vg_run_timeline(run, vg_rec_time(rec, F_MODIFIED), "shortcut_modified", desc);
    free(desc);
}

const struct vg_module vg_mod_shortcuts = {
    .name = "shortcuts",
    .class_name = "Shortcuts",
    .description = "Shortcuts.sqlite shortcuts and the links in their actions; URL/domain "
                   "indicators on those links",
    .locs = shortcuts_locs,
    .n_locs = VG_ARRAY_LEN(shortcuts_locs),
    .fields = shortcut_fields,
    .n_fields = VG_ARRAY_LEN(shortcut_fields),
    .extract = shortcuts_extract,
    .check_record = shortcuts_check_one,
    .timeline = shortcuts_timeline,
};
