/*
 * ps text (src/lib/formats/android/ps.c): toybox and toolbox columns,
 * MVT's WCHAN and label juggling, names with blanks, broken lines.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

#include "formats/android/ps.h"

#define REC(user, pid, ppid, vsz, rss, wchan, addr, stat, name, label)                             \
    "{\"user\":\"" user "\",\"pid\":" #pid ",\"ppid\":" #ppid ",\"virtual_memory_size\":" #vsz     \
    ",\"resident_set_size\":" #rss ",\"wchan\":\"" wchan "\",\"aprocress\":\"" addr                \
    "\",\"stat\":\"" stat "\",\"proc_name\":\"" name "\",\"label\":\"" label "\"}"

static void parse(struct aqft *t, const char *text, int want)
{
    aqft_init(t, "ps.txt");
    assert_int_equal(vg_ps_parse(text, strlen(text), &t->sink), want);
}

static void test_toybox(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t,
          "USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME\n"
          "root             1     0   57912   2084 0                   0 S init\n"
          "root             2     0       0      0 0                   0 S [kthreadd]\n"
          "u0_a12        4242   610 1234567  89012 SyS_epoll_wait      0 S com.android.phone\n",
          VG_OK);
    aqft_expect_list(&t, (const char *const[]){
                             REC("root", 1, 0, 57912, 2084, "0", "0", "S", "init", ""),
                             REC("root", 2, 0, 0, 0, "0", "0", "S", "kthreadd", ""),
                             REC("u0_a12", 4242, 610, 1234567, 89012, "SyS_epoll_wait", "0", "S",
                                 "com.android.phone", ""),
                             NULL,
                         });
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

/* Eight columns: no WCHAN. A label first ("ps -Z"), with or without WCHAN.
 * A name with blanks is kept whole (MVT keeps its first word). */
static void test_columns(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t,
          "LABEL USER PID PPID VSZ RSS WCHAN ADDR S NAME\n"
          "root 5 2 0 0 0 R [kworker/0:0H]\n"
          "u:r:init:s0 root 1 0 100 20 SyS_epoll 0 S /init\n"
          "u:r:zygote:s0 root 600 1 300 40 0 S zygote64\n"
          "u0_a1 77 600 9 9 0 0 S evil name here\n",
          VG_OK);
    aqft_expect_list(&t,
                     (const char *const[]){
                         REC("root", 5, 2, 0, 0, "", "0", "R", "kworker/0:0H", ""),
                         REC("root", 1, 0, 100, 20, "SyS_epoll", "0", "S", "/init", "u:r:init:s0"),
                         REC("root", 600, 1, 300, 40, "", "0", "S", "zygote64", "u:r:zygote:s0"),
                         REC("u0_a1", 77, 600, 9, 9, "0", "0", "S", "evil name here", ""),
                         NULL,
                     });
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

/* Old toolbox ps (Android before 8): VSIZE and PC columns, same layout. */
static void test_toolbox(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t,
          "USER     PID   PPID  VSIZE  RSS     WCHAN    PC         NAME\n"
          "root      1     0     8904   744   ffffffff 00000000 S /init\n",
          VG_OK);
    aqft_expect(&t, "[" REC("root", 1, 0, 8904, 744, "ffffffff", "00000000", "S", "/init", "") "]");
    aqft_free(&t);
}

static void test_broken_lines(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t,
          "USER PID PPID VSZ RSS WCHAN ADDR S NAME\n"
          "root x1 0 1 1 0 0 S a\n"
          "root 1 0 1 1 0 0 S\n"
          "short line\n"
          "root 99999999999999999999 0 1 1 0 0 S big\n"
          "   \n"
          "root -3 +4 1 1 0 0 S signed\n",
          VG_OK);
    /* line 3 has eight columns: MVT reads it as a line without WCHAN */
    aqft_expect_list(&t, (const char *const[]){
                             REC("root", 1, 0, 1, 1, "", "0", "0", "S", ""),
                             REC("root", -3, 4, 1, 1, "0", "0", "S", "signed", ""),
                             NULL,
                         });
    assert_int_equal(aqft_warnings(&t), 3);
    assert_true(aqft_said(&t, "line 2: PID \"x1\" is not a number"));
    assert_true(aqft_said(&t, "line 4: 3 columns, not a process"));
    assert_true(aqft_said(&t, "line 5: PID"));
    aqft_free(&t);
}

static void test_header_and_empty(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "root 1 0 1 1 0 0 S init\nroot 2 0 1 1 0 0 S two\n", VG_OK);
    aqft_expect(&t, "[" REC("root", 2, 0, 1, 1, "0", "0", "S", "two", "") "]");
    assert_true(aqft_said(&t, "line 1 is not a ps header"));
    aqft_free(&t);
    parse(&t, "", VG_OK);
    aqft_expect(&t, "[]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

static void test_json_is_not_ps(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "[{\"pid\":1}]", VG_E_UNSUPPORTED);
    aqft_expect(&t, "[]");
    assert_true(aqft_said(&t, "holds JSON"));
    aqft_free(&t);
}

static void test_hostile(void **state)
{
    static const char head[] = "USER\nroot 1 0 1 1 0 0 S ";
    size_t n = VG_MAX_TEXT_LINE + 64, i;
    char *big = malloc(n + 1);
    struct aqft t;
    (void)state;

    assert_non_null(big);
    memcpy(big, head, sizeof(head) - 1);
    for (i = sizeof(head) - 1; i < n; i++)
        big[i] = i % 7 ? 'n' : ' ';
    big[n] = '\0';
    parse(&t, big, VG_OK);
    assert_int_equal(json_array_size(t.recs), 1);
    assert_true(aqft_said(&t, "were cut"));
    aqft_free(&t);
    parse(&t, "USER\nroot 1 0 1 1 0 0 S \xff\xfe\n", VG_OK);
    aqft_expect(&t, "[" REC("root", 1, 0, 1, 1, "0", "0", "S", "\\ufffd\\ufffd", "") "]");
    aqft_free(&t);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_toybox),           cmocka_unit_test(test_columns),
        cmocka_unit_test(test_toolbox),          cmocka_unit_test(test_broken_lines),
        cmocka_unit_test(test_header_and_empty), cmocka_unit_test(test_json_is_not_ps),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
