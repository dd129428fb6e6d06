/*
 * MobileInstallation logs (src/lib/formats/apple/milog.c): the entry line,
 * continuation lines, every event installd's messages state, and lines
 * that start no entry.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/apple/milog.h"

struct got {
    struct vg_milog_entry e[8];
    size_t n;
};

static int keep(void *ud, const struct vg_milog_entry *e)
{
    struct got *g = ud;
    if (g->n < 8)
        g->e[g->n++] = *e;
    return VG_OK;
}

static void eq(struct vg_str s, const char *lit)
{
    if (!lit) {
        assert_null(s.p);
        return;
    }
    assert_non_null(s.p);
    assert_int_equal(s.n, strlen(lit));
    assert_memory_equal(s.p, lit, s.n);
}

static void test_entries(void **state)
{
    static const char text[] =
        "garbage before\n"
        "Sun Dec  2 11:05:18 2018 [47] <notice> (0x16bad3000) -[MIClientConnection "
        "_doInstallationForURL:withOptions:completion:]: Install of \"/a b/X.app\" type Customer "
        "(LSInstallType = 0) requested by lsd (pid 87)\n"
        "<?xml version=\"1.0\"?>\n"
        "Thu Nov 22 21:07:36 2018 [x] <err> (0x1) plain message\r\n"
        "Thu Nov 32 21:07:36 2018 [1] <err> (0x1) not a day\n"
        "Thu Nov 22 21:07:36 2018 [1] no level\n";
    struct got g;
    char iso[VG_ISODATE_LEN + 1];
    (void)state;

    memset(&g, 0, sizeof(g));
    assert_int_equal(vg_milog_each(text, sizeof(text) - 1, keep, &g), VG_OK);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.e[0].line, 2);
    assert_int_equal(g.e[0].pid, 47);
    assert_int_equal(vg_isodate(g.e[0].local_time, 0, iso), VG_OK);
    assert_string_equal(iso, "2018-12-02 11:05:18.000000");
    eq(g.e[0].level, "notice");
    eq(g.e[0].thread, "0x16bad3000");
    eq(g.e[0].function, "-[MIClientConnection _doInstallationForURL:withOptions:completion:]");
    assert_true(vg_str_starts(g.e[0].message, "Install of "));
    assert_int_equal(g.e[1].pid, -1);
    eq(g.e[1].function, "");
    eq(g.e[1].message, "plain message");
    assert_int_equal(vg_milog_each(text, (size_t)VG_MAX_MI_LOG_FILE + 1, keep, &g), VG_E_LIMIT);
}

static void test_events(void **state)
{
    struct vg_milog_event ev;
    (void)state;

    vg_milog_event(vg_str_of("Install of \"/a b/X.app\" type Customer (LSInstallType = 0) "
                             "requested by lsd (pid 87)"),
                   &ev);
    assert_int_equal(ev.kind, VG_MILOG_INSTALL_REQUEST);
    eq(ev.path, "/a b/X.app");
    eq(ev.install_type, "Customer");
    eq(ev.requested_by, "lsd");
    assert_int_equal(ev.requested_pid, 87);

    vg_milog_event(vg_str_of("Installing <MIInstallableBundlePatch ID=com.x.y; Version=399418, "
                             "ShortVersion=3.57>"),
                   &ev);
    assert_int_equal(ev.kind, VG_MILOG_INSTALLING);
    eq(ev.bundle_id, "com.x.y");
    eq(ev.version, "399418");
    eq(ev.short_version, "3.57");

    vg_milog_event(vg_str_of("Install Successful for (Placeholder:com.x.y); Staging: 2.92s"), &ev);
    assert_int_equal(ev.kind, VG_MILOG_INSTALLED);
    eq(ev.bundle_id, "com.x.y");
    eq(ev.install_type, "Placeholder");
    vg_milog_event(vg_str_of("Install Successful for (com.x.y); Staging: 2.92s"), &ev);
    eq(ev.bundle_id, "com.x.y");
    eq(ev.install_type, NULL);

    vg_milog_event(vg_str_of("Made container live for com.x.y at /private/var/c/A"), &ev);
    assert_int_equal(ev.kind, VG_MILOG_CONTAINER_LIVE);
    eq(ev.bundle_id, "com.x.y");
    eq(ev.path, "/private/var/c/A");

    vg_milog_event(vg_str_of("Uninstall requested by lsd (pid 87) for identifier com.x.y with "
                             "options: (null)"),
                   &ev);
    assert_int_equal(ev.kind, VG_MILOG_UNINSTALL_REQUEST);
    eq(ev.requested_by, "lsd");
    assert_int_equal(ev.requested_pid, 87);
    eq(ev.bundle_id, "com.x.y");

    vg_milog_event(vg_str_of("Uninstalling identifier com.x.y"), &ev);
    assert_int_equal(ev.kind, VG_MILOG_UNINSTALLING);
    eq(ev.bundle_id, "com.x.y");
    vg_milog_event(vg_str_of("Destroying container with identifier com.x.y at /p"), &ev);
    assert_int_equal(ev.kind, VG_MILOG_CONTAINER_REMOVED);
    eq(ev.path, "/p");

    /* damaged: no closing quote, no pid */
    vg_milog_event(vg_str_of("Install of \"/a requested by x"), &ev);
    assert_int_equal(ev.kind, VG_MILOG_INSTALL_REQUEST);
    eq(ev.requested_by, "x");
    assert_int_equal(ev.requested_pid, -1);
    vg_milog_event(vg_str_of("Something else"), &ev);
    assert_int_equal(ev.kind, VG_MILOG_OTHER);
    assert_string_equal(vg_milog_kind_name(VG_MILOG_CONTAINER_REMOVED), "container_removed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
