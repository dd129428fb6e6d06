/*
 * FirefoxFavicon: the icons Firefox for iOS stored for visited pages
 * (browser.db: favicons joined with favicon_sites and history). Checks the
 * icon URL, then the page URL, against url, domain and IP indicators.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"

static const struct vg_loc firefox_favicon_locs[] = {
    {VG_LOC_BACKUP, "AppDomainGroup-group.org.mozilla.ios.Firefox", "profile.profile/browser.db"},
    {VG_LOC_FS, NULL, "private/var/mobile/profile.profile/browser.db"},
};

/* MVT has no ORDER BY; icon then site-link id give every run one order.
 * The icon's date (seconds since 1970) comes in the isodate column, which
 * the row turns into MVT's isodate. */
static const char firefox_favicon_sql[] =
    "SELECT favicons.id AS id, favicons.url AS url, favicons.width AS width,"
    " favicons.height AS height, favicons.type AS type, favicons.date AS isodate,"
    " history.id AS history_id, history.url AS history_url"
    " FROM favicons"
    " INNER JOIN favicon_sites ON favicon_sites.faviconID = favicons.id"
    " INNER JOIN history ON favicon_sites.siteID = history.id"
    " ORDER BY favicons.id, favicon_sites.id";

enum { F_URL, F_ISODATE, F_HISTORY_URL };
static const char *const firefox_favicon_fields[] = {"url", "isodate", "history_url"};

static int favicon_row(struct vg_run *run, struct vg_rec *r, sqlite3_stmt *st)
{
    char buf[VG_ISODATE_LEN + 1];

    VG_UNUSED(run);
    VG_UNUSED(st);
    vg_rec_set_text(r, F_ISODATE, vg_val_unix_iso(vg_rec_val(r, F_ISODATE), buf));
    return VG_OK;
}

static const struct vg_db_query firefox_favicon_query = {
    .sql = firefox_favicon_sql,
    .row = favicon_row,
};

static int firefox_favicon_extract(struct vg_run *run)
{
    int rc = vg_db_each_records(run, &firefox_favicon_query);
    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu favicon items",
               vg_run_record_count(run));
    return rc;
}

static void firefox_favicon_check_one(struct vg_run *run, const struct vg_rec *r)
{
    const char *t = vg_rec_time(r, F_ISODATE);

    if (!vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_URL), t))
        vg_check_url(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_HISTORY_URL), t);
}

static void firefox_favicon_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char url[VG_PY_BUF], page[VG_PY_BUF];
    char *desc =
        vg_asprintf("Firefox favicon %s when visiting %s", vg_val_py(vg_rec_val(r, F_URL), url),
                    vg_val_py(vg_rec_val(r, F_HISTORY_URL), page));

    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    /* MVT names these events "firefox_history" too */
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "firefox_history", desc);
    free(desc);
}

const struct vg_module vg_mod_firefox_favicon = {
    .name = "firefox_favicon",
    .class_name = "FirefoxFavicon",
    .description = "Firefox favicons (browser.db); url, domain and IP indicators on icon and page "
                   "URLs",
    .locs = firefox_favicon_locs,
    .n_locs = VG_ARRAY_LEN(firefox_favicon_locs),
    .fields = firefox_favicon_fields,
    .n_fields = VG_ARRAY_LEN(firefox_favicon_fields),
    .extract = firefox_favicon_extract,
    .check_record = firefox_favicon_check_one, /* streamed */
    .timeline = firefox_favicon_timeline,
};
