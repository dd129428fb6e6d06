/*
 * Firefox for iOS's browser.db, shared by the FirefoxHistory and
 * FirefoxFavicon tests: one fixture, one definition.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_IOS_FIREFOX_DB_H
#define VG_TESTS_IOS_FIREFOX_DB_H

#define VGT_FIREFOX_DOMAIN  "AppDomainGroup-group.org.mozilla.ios.Firefox"
#define VGT_FIREFOX_RELPATH "profile.profile/browser.db"

/* The tables MVT reads, with their real columns, and three sites: a hit
 * (badbadbad.example.org), a look-alike (evil-example.org) and a URL hit. */
extern const char vgt_firefox_browser_db[];

#endif
