/*
 * Netusage: netusage.sqlite's processes as MVT's NetBase records them,
 * process indicators, deleted process rows and gaps in the ids, binaries
 * missing from the dump (not with --fast), and the check across
 * netusage.sqlite and DataUsage.sqlite: a process one of them names and
 * the other lost, inside a gap of the other's ids, with its near misses.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"

#define NETUSAGE  "private/var/networkd/db/netusage.sqlite"
#define DATAUSAGE "private/var/wireless/Library/Databases/DataUsage.sqlite"

#define SCHEMA                                                                                     \
    "CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND "     \
    "INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, "     \
    "ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT );"        \
    "CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, "             \
    "ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );"

#define INSERT_P                                                                                   \
    "INSERT INTO ZPROCESS (Z_PK, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME) VALUES "

/*
 * netusage.sqlite: ids 1-6, 8, 10 (gaps at 7 and 9); live usage for 1 and
 * for 11, which is gone. 2-5 have no bundle id: 2's binary is in the dump,
 * 3 and 5 ("bh", an indicator) are not, 4's name is 16 bytes (cut).
 */
static const char net_sql[] = SCHEMA INSERT_P
    "(1, 600000000, 600000050, 'com.apple.mobilesafari', 'com.apple.Safari'),"
    "(2, 600001000, 600001050, NULL, 'launchd_helper'),"
    "(3, 600002000, 600002050, NULL, 'ghostd'),"
    "(4, 600003000, 600003050, NULL, 'averyveryverylon'),"
    "(5, 600004000, 600004050, NULL, 'bh'),"
    "(6, 600009000, 600009050, 'com.x.nearmiss', 'nearmiss'),"
    "(8, 600007000, 600007050, 'com.x.later8', 'later8'),"
    "(10, 600004500, 600004550, 'com.x.insider', 'insider');"
    "INSERT INTO ZLIVEUSAGE (Z_PK, ZHASPROCESS, ZTIMESTAMP, ZWIFIIN, ZWIFIOUT, ZWWANIN, ZWWANOUT) "
    "VALUES (1, 1, 600000500, 10, 20, 30, 40), (2, 11, 600008000, 1, 2, 3, 4);";

/*
 * DataUsage.sqlite: ids 1-4, 7-9 (5 and 6 deleted, between 600003000 and
 * 600006000: "bh" of netusage.sqlite, first seen at 600004000, is the one
 * reported; "nearmiss" is outside that window, "insider" is in both).
 * "duonly" (600007500) sits in netusage.sqlite's gap at 7, between
 * 600007000 and 600009000: reported the other way round.
 */
static const char du_sql[] =
    SCHEMA INSERT_P "(1, 600000000, 600000050, 'com.apple.mobilesafari', 'com.apple.Safari'),"
                    "(2, 600001000, 600001050, NULL, 'launchd_helper'),"
                    "(3, 600002000, 600002050, NULL, 'ghostd'),"
                    "(4, 600003000, 600003050, NULL, 'averyveryverylon'),"
                    "(7, 600006000, 600006050, 'com.x.later8', 'later8'),"
                    "(8, 600007000, 600007050, 'com.x.insider', 'insider'),"
                    "(9, 600007500, 600007550, NULL, 'duonly');";

static const char *const iocs[] = {"[process:name='bh']", NULL};

static struct vgfix_fs *dump(int with_datausage)
{
    struct vgfix_fs *fs = vgfix_fs_new();

    assert_non_null(fs);
    vgh_fs_sql(fs, NETUSAGE, net_sql);
    if (with_datausage)
        vgh_fs_sql(fs, DATAUSAGE, du_sql);
    /* "\177ELF": a hex escape would swallow the E */
    assert_int_equal(vgfix_fs_file(fs, "usr/libexec/launchd_helper", "\177ELF", 4, 0), 0);
    /* a folder named like a missing binary is not its binary */
    assert_int_equal(vgfix_fs_dir(fs, "private/var/ghostd", 0), 0);
    return fs;
}

static void test_records_and_alerts(void **state)
{
    struct vgfix_fs *fs = dump(1);
    struct vgh_result r;
    const json_t *rec;
    (void)state;

    vgh_run_dump(fs, iocs, "netusage", 0, &r);
    /* 2 live rows, 7 processes without live use, 2 placeholders */
    assert_int_equal(json_array_size(r.records), 11);
    rec = vgh_find_record(r.records, "proc_name", "bh");
    assert_non_null(rec);
    vgh_assert_keys(rec, "first_isodate,isodate,proc_name,bundle_id,proc_id,wifi_in,wifi_out,"
                         "wwan_in,wwan_out,live_id,live_proc_id,live_isodate");
    /* MVT's checks */
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "suspicious process name \"bh\""));
    assert_non_null(vgh_find_alert(r.alerts, "HIGH", "Found manipulated process entry 11"));
    assert_non_null(vgh_find_alert(r.alerts, "LOW", "Missing process 7."));
    assert_non_null(vgh_find_alert(r.alerts, "LOW", "Missing process 9."));
    /* binaries: ghostd and bh missing, the 16-byte name may be cut,
     * launchd_helper is there; the deleted row has no name */
    assert_non_null(vgh_find_alert(r.alerts, "MEDIUM", "with name ghostd"));
    assert_non_null(vgh_find_alert(r.alerts, "MEDIUM", "with name bh"));
    assert_non_null(vgh_find_alert(r.alerts, "MEDIUM", "averyveryverylon (However"));
    assert_null(vgh_find_alert(r.alerts, "MEDIUM", "launchd_helper"));
    assert_non_null(vgh_find_alert(r.alerts, "MEDIUM", "empty 'proc_name': 11"));
    /* across the two databases */
    assert_non_null(vgh_find_alert(r.alerts, "MEDIUM",
                                   "Process \"bh\" (first seen 2020-01-06 11:46:40.000000 in "
                                   "netusage.sqlite) is missing from DataUsage.sqlite, where "
                                   "process ids 5 to 6"));
    assert_non_null(vgh_find_alert(r.alerts, "MEDIUM",
                                   "Process \"duonly\" (first seen 2020-01-06 12:45:00.000000 in "
                                   "DataUsage.sqlite) is missing from netusage.sqlite, where "
                                   "process ids 7 to 7"));
    assert_null(vgh_find_alert(r.alerts, "MEDIUM", "\"nearmiss\""));
    assert_null(vgh_find_alert(r.alerts, "MEDIUM", "\"insider\""));
    assert_null(vgh_find_alert(r.alerts, "MEDIUM", "\"later8\""));
    assert_int_equal(vgh_count_level(r.alerts, "MEDIUM"), 6);
    assert_true(vgh_tl_count(&r, "Netusage") > 0);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

/* --fast: no search of the dump; without DataUsage.sqlite no comparison. */
static void test_fast_and_alone(void **state)
{
    struct vgfix_fs *fs = dump(0);
    struct vgh_result r;
    (void)state;

    vgh_run_dump(fs, iocs, "netusage", 1, &r);
    assert_int_equal(json_array_size(r.records), 11);
    assert_int_equal(vgh_count_level(r.alerts, "MEDIUM"), 0);
    assert_non_null(vgh_find_alert(r.alerts, "CRITICAL", "\"bh\""));
    assert_int_equal(vgh_coverage(&r, "netusage", "missing", "DataUsage.sqlite"), 1);
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

/* A damaged netusage.sqlite: a warning naming it, no crash. */
static void test_damaged(void **state)
{
    struct vgfix_fs *fs = vgfix_fs_new();
    struct vgh_result r;
    (void)state;

    assert_int_equal(vgfix_fs_file(fs, NETUSAGE, "SQLite format 3\0garbage", 23, 0), 0);
    vgh_run_dump(fs, iocs, "netusage", 0, &r);
    assert_int_equal(json_array_size(r.records), 0);
    assert_true(r.warnings > 0);
    assert_non_null(strstr(r.diag_text, "netusage.sqlite"));
    vgh_result_free(&r);
    vgfix_fs_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_alerts),
        cmocka_unit_test(test_fast_and_alone),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
