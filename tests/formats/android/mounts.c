/*
 * Mount lines (src/lib/formats/android/mounts.c): "mount" output as MVT
 * reads it, /proc/mounts lines when there is nothing else, broken lines,
 * and the tables of the Mounts checks.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

#include "formats/android/mounts.h"

#define MNT(dev, point, fs, opts, list, sys, rw)                                                   \
    "{\"device\":\"" dev "\",\"mount_point\":\"" point "\",\"filesystem_type\":\"" fs              \
    "\",\"mount_options\":\"" opts "\",\"options_list\":" list ",\"is_system_partition\":" sys     \
    ",\"is_read_write\":" rw "}"

static void parse(struct aqft *t, const char *text)
{
    aqft_init(t, "mounts.json");
    assert_int_equal(vg_mounts_parse(text, strlen(text), &t->sink), VG_OK);
}

/* MVT's test lines, a /proc/mounts repeat (not read twice), odd forms. */
static void test_mount_output(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "/dev/block/dm-12 on / type ext4 (ro,seclabel,noatime)\n"
              "/dev/block/by-name/system on /system type ext4 (rw, seclabel,,noatime)\n"
              "/dev/block/dm-12 / ext4 ro,seclabel,noatime 0 0\n"
              "tmpfs on /system_ext/x type tmpfs\n"
              "none on  /vendor_dlkm  type  (ro)\n"
              "a type b on c\n");
    aqft_expect_list(
        &t, (const char *const[]){
                MNT("/dev/block/dm-12", "/", "ext4", "ro,seclabel,noatime",
                    "[\"ro\",\"seclabel\",\"noatime\"]", "false", "false"),
                MNT("/dev/block/by-name/system", "/system", "ext4", "rw, seclabel,,noatime",
                    "[\"rw\",\"seclabel\",\"noatime\"]", "true", "true"),
                MNT("tmpfs", "/system_ext/x", "tmpfs", "", "[]", "true", "false"),
                NULL,
            });
    /* "none on ... type  (ro)" has no type, "a type b on c" no " type "
     * after " on " */
    assert_int_equal(aqft_warnings(&t), 1);
    assert_true(aqft_said(&t, "2 lines are no mount (the first: line 5)"));
    aqft_free(&t);
}

/* Only /proc/mounts lines (old toolbox mount, or mount failed): read. */
static void test_proc_mounts(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "rootfs / rootfs ro,seclabel 0 0\n"
              "/dev/block/mmcblk0p9 /system ext4 rw,relatime 0 0\n"
              "proc /proc proc rw\n"
              "bad line\n"
              "x y z w 0 zero\n");
    aqft_expect_list(&t, (const char *const[]){
                             MNT("rootfs", "/", "rootfs", "ro,seclabel", "[\"ro\",\"seclabel\"]",
                                 "false", "false"),
                             MNT("/dev/block/mmcblk0p9", "/system", "ext4", "rw,relatime",
                                 "[\"rw\",\"relatime\"]", "true", "true"),
                             MNT("proc", "/proc", "proc", "rw", "[\"rw\"]", "false", "true"),
                             NULL,
                         });
    assert_true(aqft_said(&t, "2 lines are no mount (the first: line 4)"));
    aqft_free(&t);
}

static void test_empty(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "\n  \n");
    aqft_expect(&t, "[]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

static void test_checks(void **state)
{
    (void)state;
    assert_true(vg_mounts_system_point("/system"));
    assert_true(vg_mounts_system_point("/system_dlkm"));
    assert_true(vg_mounts_system_point("/vendor/firmware"));
    assert_false(vg_mounts_system_point("/data"));
    assert_false(vg_mounts_system_point(NULL));
    assert_true(vg_mounts_suspicious_option("remount"));
    assert_true(vg_mounts_suspicious_option("nodiratime"));
    assert_false(vg_mounts_suspicious_option("ro"));
    assert_false(vg_mounts_suspicious_option(NULL));
    assert_true(vg_mounts_noatime_allowed("/vendor_dlkm"));
    assert_false(vg_mounts_noatime_allowed("/system"));
    assert_false(vg_mounts_noatime_allowed(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mount_output),
        cmocka_unit_test(test_proc_mounts),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
