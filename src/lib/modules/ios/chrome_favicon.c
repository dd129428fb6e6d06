/*
 * ChromeFavicon: the pages Chrome cached an icon for (Favicons database:
 * icon_mapping joined with favicons and favicon_bitmaps), dated by the
 * bitmap's last update (else its last request), in Chrome's time base.
 * Checks the page URL, then the icon URL, against url, domain and IP
 * indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"

static const struct vg_loc chrome_favicon_locs[] = {
    {VG_LOC_BACKUP, "AppDomain-com.google.chrome.ios",
     "Library/Application Support/Google/Chrome/Default/Favicons"},
    {VG_LOC_FS, NULL,
     "private/var/mobile/Containers/Data/Application/*/Library/Application Support/Google/Chrome/"
     "Default/Favicons"},
};

/* MVT sorts the records by isodate (a stable sort): the times that have
 * one in time order, after those that have none (""); ties in the order
 * of the join. A time is Python's int() of the bitmap's last update, else
 * of its last request (truncation toward zero; NULL, text and what does
 * not fit count as 0, where MVT would stop). The bounds are the Chrome
 * times vg_isodate_chrome dates (years 1 to 9999). Chrome added
 * favicon_bitmaps.last_requested in 2017; older databases have 0 in its
 * place. The NULL column holds MVT's isodate at its place among the
 * keys. */
#define FAVICON_HEAD                                                                               \
    "SELECT url, icon_url, timestamp, NULL AS isodate FROM ("                                      \
    " SELECT url, icon_url, CASE WHEN u != 0 THEN u ELSE r END AS timestamp, m, b FROM ("          \
    "  SELECT url, icon_url, m, b,"                                                                \
    "   CASE typeof(u) WHEN 'integer' THEN u WHEN 'real' THEN CASE WHEN abs(u) < 9.2e18"           \
    "   THEN CAST(u AS INTEGER) ELSE 0 END ELSE 0 END AS u,"                                       \
    "   CASE typeof(r) WHEN 'integer' THEN r WHEN 'real' THEN CASE WHEN abs(r) < 9.2e18"           \
    "   THEN CAST(r AS INTEGER) ELSE 0 END ELSE 0 END AS r FROM ("                                 \
    "    SELECT icon_mapping.page_url AS url, favicons.url AS icon_url,"                           \
    "     icon_mapping.id AS m, favicon_bitmaps.id AS b, favicon_bitmaps.last_updated AS u, "
#define FAVICON_TAIL                                                                               \
    " AS r FROM icon_mapping"                                                                      \
    "     JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id"                  \
    "     JOIN favicons ON icon_mapping.icon_id = favicons.id)))"                                  \
    " ORDER BY CASE WHEN timestamp BETWEEN -50491123200000000 AND 265046774399999999"              \
    " THEN timestamp END, m, b"

static const char favicon_sql[] = FAVICON_HEAD "favicon_bitmaps.last_requested" FAVICON_TAIL;
static const char favicon_sql_old[] = FAVICON_HEAD "0" FAVICON_TAIL;

enum { F_URL, F_ICON_URL, F_TIMESTAMP, F_ISODATE };
static const char *const chrome_favicon_fields[] = {"url", "icon_url", "timestamp", "isodate"};

static int favicon_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];
    int64_t t = 0;

    VG_UNUSED(run);
    VG_UNUSED(st);
    if (!vg_rec_int(r, F_TIMESTAMP, &t) || vg_isodate_chrome(t, buf) != VG_OK)
        buf[0] = '\0';
    vg_rec_set_text(r, F_ISODATE, buf);
    return VG_OK;
}

static int chrome_favicon_db(struct vg_run *run, const struct vg_file *f, sqlite3 *db, void *ud)
{
    struct vg_db_query q = {.sql = favicon_sql, .row = favicon_row};

    VG_UNUSED(ud);
    if (!vg_sqlite_has_column(db, "favicon_bitmaps", "last_requested"))
        q.sql = favicon_sql_old;
    return vg_db_query_records(run, f, db, &q);
}

static int chrome_favicon_extract(struct vg_run *run)
{
    int rc = vg_db_each(run, chrome_favicon_db, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu favicon records",
               vg_run_record_count(run));
    return rc;
}

static void chrome_favicon_check_one(struct vg_run *run, const struct vg_rec *r)
{
    const char *t = vg_rec_time(r, F_ISODATE);

    if (!vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_URL), t))
        vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_ICON_URL), t);
}

static void chrome_favicon_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char icon[VG_PY_BUF], url[VG_PY_BUF];
    char *desc = vg_asprintf("%s from %s", vg_val_py(vg_rec_val(r, F_ICON_URL), icon),
                             vg_val_py(vg_rec_val(r, F_URL), url));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "new_favicon", desc);
    free(desc);
}

const struct vg_module vg_mod_chrome_favicon = {
    .name = "chrome_favicon",
    .class_name = "ChromeFavicon",
    .description =
        "Chrome favicon cache (Favicons database); url, domain and IP indicators on page "
        "and icon URLs",
    .locs = chrome_favicon_locs,
    .n_locs = VG_ARRAY_LEN(chrome_favicon_locs),
    .fields = chrome_favicon_fields,
    .n_fields = VG_ARRAY_LEN(chrome_favicon_fields),
    .extract = chrome_favicon_extract,
    .check_record = chrome_favicon_check_one, /* streamed, in MVT's order */
    .timeline = chrome_favicon_timeline,
};
