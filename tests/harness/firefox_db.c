/* SPDX-License-Identifier: Apache-2.0 */
#include "firefox_db.h"

/* Storage/SQL/BrowserSchema.swift in Firefox for iOS. */
const char vgt_firefox_browser_db[] =
    "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE,"
    " url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER,"
    " is_deleted TINYINT NOT NULL, should_upload TINYINT NOT NULL, domain_id INTEGER,"
    " CONSTRAINT urlOrDeleted CHECK (url IS NOT NULL OR is_deleted = 1));"
    "CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, date REAL NOT NULL,"
    " type INTEGER NOT NULL, is_local TINYINT NOT NULL, UNIQUE (siteID, date, type));"
    "CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE,"
    " width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL);"
    "CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,"
    " faviconID INTEGER NOT NULL REFERENCES favicons(id) ON DELETE CASCADE,"
    " UNIQUE (siteID, faviconID));"
    "INSERT INTO history VALUES (1, 'g1', 'https://badbadbad.example.org/', 'Bad', NULL,"
    " 1600000000000, 0, 1, NULL),"
    " (2, 'g2', 'https://evil-example.org/', 'Look-alike', NULL, 1650000000000, 0, 1, NULL),"
    " (3, 'g3', 'http://example.com/thisisbad', 'URL', NULL, 1650000000000, 0, 1, NULL);"
    /* visit dates: microseconds since 1970 */
    "INSERT INTO visits VALUES (1, 1, 1600000000123456, 1, 1), (2, 2, 1650000000000000, 2, 0),"
    " (3, 3, 1650000000000000, 1, 1);"
    /* favicon dates: seconds since 1970 */
    "INSERT INTO favicons VALUES (1, 'https://icons.example.org/a.ico', 16, 16, 1, 1650000000.0),"
    " (2, 'https://evil-example.org/b.ico', 32, 32, 1, 1600000000.5),"
    " (3, 'https://cdn.example.net/c.ico', NULL, NULL, 0, 1600000000.5);"
    "INSERT INTO favicon_sites VALUES (1, 2, 1), (2, 1, 2), (3, 2, 3);";
